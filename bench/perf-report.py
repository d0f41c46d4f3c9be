#!/usr/bin/env python3
"""bench/perf-report.py: reads `perf script` output of a registry (see bench/perf-profile) and prints its CPU time
per operation, split by thread, by what was running at the sample (kernel, SQLite's native code, Java, the JVM
itself: GC and compiler) and by the first layer on the stack that explains it (the registry, the store, Jackson,
RESTEasy, Vert.x, Netty...), and under each of the registry's own methods (inclusive: a method's callees count
too, so those rows overlap). With two profiles (A and B), prints both and B - A, largest growth first.

    perf-report.py PROFILE OPERATIONS [PROFILE_B OPERATIONS_B]

PROFILE: `perf script -F comm,tid,ip,sym,dso` output; OPERATIONS: how many operations the load made while perf
recorded; samples were taken at the frequency `perf record -F` was given (FREQUENCY in the environment, 499).
"""
import collections
import os
import re
import sys

FREQUENCY = float(os.environ.get("FREQUENCY", "499"))
# The first of these found on a sample's stack, from the leaf up, names its layer: a lock or a system call made by
# the store is the store's, a JSON write made for RESTEasy is Jackson's.
LAYERS = [("logmanager", "logging"), ("io.sirsi.nexus.store", "store"), ("org.sqlite", "sqlite-jdbc"),
          ("org.postgresql", "pgjdbc"), ("agroal", "agroal"), ("io.sirsi.nexus.registry", "registry"),
          ("jackson", "jackson"), ("io.sirsi.nexus.api", "api"), ("micrometer", "micrometer"),
          ("security", "quarkus-security"), ("resteasy", "resteasy"), ("vertx", "vert.x"), ("netty", "netty"),
          ("mutiny", "mutiny")]


def thread_of(comm):
    for prefix, name in (("sirsi-store-wri", "store writer"), ("vert.x-eventloo", "event loops"),
                         ("GC Thread", "GC"), ("G1 ", "GC"), ("C2 Compiler", "JIT"), ("C1 Compiler", "JIT")):
        if comm.startswith(prefix):
            return name
    return comm


def leaf_of(frame):
    if "[kernel" in frame:
        return "kernel"
    if "sqlite" in frame and ".so" in frame:
        return "SQLite (native)"
    if "libjvm" in frame:
        return "JVM"
    if "libc" in frame:
        return "libc"
    return "Java"


OURS = "io.sirsi.nexus."


def method_of(frame):
    """The Java method a frame of perf script names (address, symbol, then the DSO in parentheses)."""
    parts = frame.strip().split(" ", 1)
    return parts[1].rsplit(" (", 1)[0].strip() if len(parts) == 2 else frame.strip()


def load(path):
    """Samples by (thread, what ran, layer), and by the registry's own methods on their stacks (inclusive)."""
    samples = collections.Counter()
    methods = collections.Counter()
    with open(path, encoding="utf-8", errors="replace") as text:
        for block in text.read().split("\n\n"):
            lines = block.strip().split("\n")
            if len(lines) < 2:
                continue
            thread = thread_of(lines[0].split(" ")[0].strip())
            layer = next((name for line in lines[1:] for pattern, name in LAYERS if pattern in line), "other")
            samples[(thread, leaf_of(lines[1]), layer)] += 1
            for method in {method_of(line) for line in lines[1:] if OURS in line}:
                methods[(thread, method.replace(OURS, ""))] += 1
    return samples, methods


def per_operation(samples, operations, key):
    grouped = collections.Counter()
    for sample, count in samples.items():
        grouped[key(sample)] += count
    return {group: count / FREQUENCY * 1e6 / operations for group, count in grouped.items()}


def report(profiles):
    views = [("thread", lambda s: s[0], 0), ("thread and what ran", lambda s: f"{s[0]}: {s[1]}", 0),
             ("thread and layer", lambda s: f"{s[0]}: {s[2]}", 0),
             ("thread and registry method, inclusive (top 40)", lambda s: f"{s[0]}: {s[1]}", 1)]
    for title, key, kind in views:
        tables = [per_operation(loaded[kind], operations, key) for loaded, operations in profiles]
        groups = set().union(*tables)
        if len(tables) == 2:
            print(f"\nCPU µs per operation by {title}:     A       B   B - A")
            order = sorted(groups, key=lambda g: -(tables[1].get(g, 0) - tables[0].get(g, 0)))
        else:
            print(f"\nCPU µs per operation by {title}:")
            order = sorted(groups, key=lambda g: -tables[0].get(g, 0))
        if kind == 1:
            order = order[:40]
        for group in order:
            values = [table.get(group, 0.0) for table in tables]
            if max(values) < 0.5:
                continue
            cells = " ".join(f"{value:7.1f}" for value in values)
            delta = f" {values[1] - values[0]:+7.1f}" if len(values) == 2 else ""
            print(f"  {cells}{delta}  {group}")
        if kind == 0: # inclusive times overlap: no total
            totals = " ".join(f"{sum(table.values()):7.1f}" for table in tables)
            print(f"  {totals}  (all)")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    report([(load(sys.argv[i]), float(sys.argv[i + 1])) for i in range(1, len(sys.argv), 2)])
