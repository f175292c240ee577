#!/usr/bin/env python3
"""The ranks x threads table of docs/MPI.md: wordtally-mpi on one corpus with 1..R ranks x 1..T threads
(mpirun --bind-to none: wordtally-mpi gives each rank a share of the cores), plus plain wordtally as the
baseline, in one run; best of N runs each; counts compared with the oracle's (CORPUS.expected, or
the SPEC oracle computed here). Prints a Markdown table and the load average.

    python3 scripts/mpi-table.py data/gcide-1g.txt [--ranks 3] [--threads 2] [--runs 3]
"""
import argparse
import json
import os
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("--ranks", type=int, default=3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--prog", default="./wordtally-mpi")
ap.add_argument("--plain", default="./wordtally")
a = ap.parse_args()

words = ["dog", "cat", "boy", "girl"]
exp = a.corpus + ".expected"
if os.path.exists(exp):
    lines = open(exp).read().split("\n")
    want = dict(zip(lines[0].split(), map(int, lines[1].split())))
    want = [want[w] for w in words]
else:
    t = open(a.corpus, encoding="latin-1").read().split()
    want = [t.count(w) for w in words]

env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
env.pop("OMP_NUM_THREADS", None)


def best(cmd):
    """Best GB/s (counting time: the slowest rank's) of a.runs runs, the best wall-clock seconds
    of the whole command (MPI start-up included), and whether every run's counts equal the
    oracle's."""
    rates, walls, exact = [], [], True
    for _ in range(a.runs):
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, env=env, timeout=600)
        walls.append(time.monotonic() - t0)
        if r.returncode != 0:
            return None, None, False
        j = json.loads(r.stdout)
        exact &= j["total"] == want
        rates.append(j["gb_per_s"])
    return max(rates), min(walls), exact


def row(name, ranks, t, cmd):
    g, w, ok = best(cmd)
    print("| %s | %s | %d | %s | %s | %s | %s |" % (name, ranks, t, "%.2f" % g if g else "failed",
                                                    "%.2f" % w if w else "-", ok, load()))
    sys.stdout.flush()


load = lambda: open("/proc/loadavg").read().split()[0]
print("corpus %s (%d bytes), oracle counts %s; best of %d runs; load before %s"
      % (a.corpus, os.path.getsize(a.corpus), want, a.runs, load()))
print()
print("| program | ranks | threads/rank | GB/s (counting) | wall s (with start-up) | counts = oracle | load |")
print("|---|---|---|---|---|---|---|")
for t in range(1, a.threads + 1):
    row("wordtally", "-", t, [a.plain, "-f", "json", "-t", str(t), a.corpus])
for n in range(1, a.ranks + 1):
    for t in range(1, a.threads + 1):
        row("wordtally-mpi", n, t, ["mpirun", "--oversubscribe", "--allow-run-as-root", "--bind-to",
                                    "none", "-np", str(n), a.prog, "-f", "json", "-t", str(t),
                                    a.corpus])
