#!/usr/bin/env python3
"""The SQLite database's size over a long run of allocate/release cycles, with the change log's retention short
enough to apply during the run (issue 22, item 3): once the prune (every minute) deletes what it keeps behind, the
file must stay flat. Starts the packaged registry on a fresh data directory, runs the cycles from T threads, prints
the sizes every 30 s, and how many prunes succeeded and failed.

    python3 bench/changelog-size.py --minutes 8 --threads 8 --retention 30s [--max-events N]
        [--jar server/target/quarkus-app/quarkus-run.jar]
"""
import argparse, http.client, json, os, re, socket, subprocess, tempfile, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--jar", default="server/target/quarkus-app/quarkus-run.jar")
parser.add_argument("--minutes", type=float, default=8)
parser.add_argument("--threads", type=int, default=8)
parser.add_argument("--retention", default="30s")
parser.add_argument("--max-events", default="1000000", help="keep at most this many events (the default's)")
args = parser.parse_args()

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
data_dir = tempfile.mkdtemp(prefix="sirsi-nexus-changelog-size-")
log = open(os.path.join(data_dir, "registry.out"), "w")
registry = subprocess.Popen(["java", "-Dquarkus.http.port=%d" % port, "-Dsirsi.ports.data-dir=" + data_dir,
                             "-Dsirsi.ports.bind-check=false", "-Dsirsi.ports.reuse-delay=0s",
                             "-Dsirsi.rate-limit.enabled=false",
                             "-Dsirsi.ports.history.retention=" + args.retention,
                             "-Dsirsi.ports.history.max-events=" + args.max_events, "-jar", args.jar, "start"],
                            stdout=log, stderr=subprocess.STDOUT)


def call(conn, method, path, body=None):
    conn.request(method, path, body=json.dumps(body) if body else None,
                 headers={"Content-Type": "application/json"} if body else {})
    response = conn.getresponse()
    return response.status, response.read()


try:
    deadline = time.time() + 120
    while True:
        try:
            if call(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET", "/q/health/ready")[0] == 200:
                break
        except OSError:
            pass
        if time.time() > deadline or registry.poll() is not None:
            raise SystemExit("the registry did not become ready; see " + log.name)
        time.sleep(0.5)

    stop = threading.Event()
    cycles = [0] * args.threads

    def cycle(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            status, body = call(conn, "POST", "/ports/allocate",
                                {"service_name": "size-%d" % index, "service_type": "custom"})
            if status == 200:
                allocation_id = json.loads(body)["allocation"]["allocation_id"]
                call(conn, "POST", "/ports/release", {"allocation_id": allocation_id})
                cycles[index] += 1

    threads = [threading.Thread(target=cycle, args=(i,)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    started = time.time()
    print("%6s %12s %12s %10s %10s" % ("time", "registry.db", "-wal", "cycles", "head"))
    monitor = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while True:
        elapsed = time.time() - started
        history = json.loads(call(monitor, "GET", "/ports/history?limit=1")[1])
        head = history[0]["revision"] if history else 0
        print("%5ds %12d %12d %10d %10d" % (elapsed, os.path.getsize(os.path.join(data_dir, "registry.db")),
                                           os.path.getsize(os.path.join(data_dir, "registry.db-wal")),
                                           sum(cycles), head), flush=True)
        if elapsed >= args.minutes * 60:
            break
        time.sleep(30)
    stop.set()
    for thread in threads:
        thread.join()
finally:
    registry.terminate()
    registry.wait()
    log.close()
text = open(log.name).read()
print("prunes that pruned: %d; prunes that failed: %d" % (len(re.findall("Pruned \\d+", text)),
                                                           text.count("Change log not pruned")))
