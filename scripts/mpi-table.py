#!/usr/bin/env python3
"""The ranks x threads table of docs/HPC.md: wordtally-mpi on one corpus with 1..R ranks x 1..T threads
(mpirun --bind-to none: wordtally-mpi gives each rank a share of the cores), and plain wordtally as the
baseline, in one run of interleaved rounds (a burst of load from other jobs hits all alike); best of
the rounds. Counts are compared with the oracle's (CORPUS.expected from `make corpus`, or the SPEC
oracle computed here). Prints a Markdown table and the load average.

    python3 scripts/mpi-table.py data/gcide-1g.txt [--ranks 3] [--threads 2] [--runs 3]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from expected import read_expected  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("--ranks", type=int, default=3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--runs", type=int, default=3, help="rounds over all configurations")
ap.add_argument("--prog", default="./wordtally-mpi")
ap.add_argument("--plain", default="./wordtally")
a = ap.parse_args()

words = ["dog", "cat", "boy", "girl"]
exp = a.corpus + ".expected"
if os.path.exists(exp):
    got = dict(zip(*read_expected(exp)))
    want = [got[w.encode()] for w in words]
else:
    t = open(a.corpus, encoding="latin-1").read().split()
    want = [t.count(w) for w in words]

env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
env.pop("OMP_NUM_THREADS", None)


def load():
    return open("/proc/loadavg").read().split()[0]


def once(cmd):
    """(GB/s of the counting time, the slowest rank's; wall-clock seconds of the whole command,
    MPI start-up included; counts equal to the oracle's; CPU seconds, user + system, of every
    process of the command: under load, CPU time shows the work done, wall time the waiting), or
    None if it failed."""
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, env=env, timeout=600)
    wall = time.monotonic() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    if r.returncode != 0:
        return None
    j = json.loads(r.stdout)
    return j["gb_per_s"], wall, j["total"] == want, cpu


configs = [("wordtally", "-", t, [a.plain, "-f", "json", "-t", str(t), a.corpus])
           for t in range(1, a.threads + 1)]
configs += [("wordtally-mpi", n, t, ["mpirun", "--oversubscribe", "--allow-run-as-root", "--bind-to",
                                     "none", "-np", str(n), a.prog, "-f", "json", "-t", str(t),
                                     a.corpus])
            for n in range(1, a.ranks + 1) for t in range(1, a.threads + 1)]

print("corpus %s (%d bytes), oracle counts %s; best of %d rounds; load average before %s"
      % (a.corpus, os.path.getsize(a.corpus), want, a.runs, load()))
results = [[] for _ in configs]
for _ in range(a.runs):
    for i, c in enumerate(configs):
        results[i].append(once(c[3]))
print()
print("| program | ranks | threads/rank | best GB/s (counting) | best wall s (with start-up) "
      "| least CPU s (all processes) | counts = oracle |")
print("|---|---|---|---|---|---|---|")
for (name, n, t, _), res in zip(configs, results):
    ok = [x for x in res if x]
    print("| %s | %s | %d | %s | %s | %s | %s |" % (
        name, n, t, "%.2f" % max(x[0] for x in ok) if ok else "failed",
        "%.2f" % min(x[1] for x in ok) if ok else "-",
        "%.2f" % min(x[3] for x in ok) if ok else "-",
        "yes" if len(ok) == len(res) and all(x[2] for x in ok) else "NO"))
print()
print("load average after: %s" % load())
