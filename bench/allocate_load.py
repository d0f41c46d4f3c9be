#!/usr/bin/env python3
"""Bounded load on one or more local registries: N allocations from T threads spread over the given base URLs,
then L lookups by name. Prints rates and status counts; loopback only.

    python3 bench/allocate_load.py --allocations 2000 --threads 8 http://127.0.0.1:18081 [http://127.0.0.1:18082]
"""
import argparse, collections, http.client, json, threading, time, urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("urls", nargs="+")
parser.add_argument("--allocations", type=int, default=2000)
parser.add_argument("--threads", type=int, default=8)
parser.add_argument("--lookups", type=int, default=4000)
args = parser.parse_args()
targets = [urllib.parse.urlparse(u) for u in args.urls]
assert all(t.hostname in ("127.0.0.1", "localhost", "::1") for t in targets), "loopback only"
statuses = collections.Counter()
lock = threading.Lock()
run = str(int(time.time()))


def worker(index, count, make_request):
    conns = [http.client.HTTPConnection(t.hostname, t.port, timeout=30) for t in targets]
    for i in range(count):
        conn = conns[(index + i) % len(conns)]
        method, path, body = make_request(index, i)
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        response = conn.getresponse()
        response.read()
        with lock:
            statuses[response.status] += 1


def phase(name, total, make_request):
    statuses.clear()
    per_thread = total // args.threads
    threads = [threading.Thread(target=worker, args=(t, per_thread, make_request)) for t in range(args.threads)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    print(f"{name}: {per_thread * args.threads} in {elapsed:.2f} s = {per_thread * args.threads / elapsed:.0f}/s, "
          f"statuses {dict(statuses)}")


phase("allocate", args.allocations, lambda t, i: (
    "POST", "/ports/allocate",
    json.dumps({"service_name": f"b{run}-{t}-{i}", "service_type": "custom", "preferred_port": 9000 + i % 50})))
phase("lookup by name", args.lookups, lambda t, i: ("GET", f"/ports/service/b{run}-{t}-{i % 50}", None))
