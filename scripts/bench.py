#!/usr/bin/env python3
"""`make bench`: wordtally against the machine's anchors on one real corpus, warm page cache, all in
one run (figures drift between runs on shared machines: compare within a table).
   usage: bench.py WORDTALLY FILE MEMREAD [CSV]      environment: RUNS (default 3), SLICE (bytes
   for the Python strategies, default 200000000)
Each row is the best of RUNS wall-clock runs (the memory probe: its best of 5 passes). The ratio
column divides by the memory-read probe with the same number of threads; the last column by the
Python Pool strategy; GB/CPU-s is bytes per second of CPU time (user + system, all threads and
processes), which shared machines disturb less than wall time. Prints one table, the goals of issue 3, and writes the rows as CSV."""
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from expected import read_expected  # noqa: E402

prog, path, memread = (os.path.abspath(a) for a in sys.argv[1:4])
csv_path = sys.argv[4] if len(sys.argv) > 4 else "data/bench.csv"
RUNS = int(os.environ.get("RUNS", "3"))
SLICE = int(os.environ.get("SLICE", "200000000"))
here = os.path.dirname(os.path.abspath(__file__))
size = os.path.getsize(path)
ncores = os.cpu_count()
try:  # physical cores the default run uses: ask wordtally itself
    ncores = json.loads(subprocess.run([prog, "-f", "json", "/dev/null"], capture_output=True,
                                       check=True).stdout)["threads"]
except (subprocess.CalledProcessError, ValueError, KeyError):
    pass


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


cpu_seconds = {}  # command -> least CPU time (user + system) of a run: robust under load


def best_wall(cmd, runs=RUNS, env=None, stdout=subprocess.DEVNULL, check_out=None):
    best = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE if check_out else stdout,
                           env=dict(os.environ, **(env or {})), check=True)
        t = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        key = tuple(cmd)
        cpu_seconds[key] = min(cpu_seconds.get(key, cpu), cpu)
        if check_out:
            check_out(r.stdout)
        best = t if best is None else min(best, t)
    return best


def memread_gbps(threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_PROC_BIND="close", OMP_PLACES="cores")
    out = subprocess.run([memread, "1024", "5"], capture_output=True, env=env, check=True).stdout
    return float(out.decode().split("best_gbps=")[1].split()[0])


expected = None
if os.path.exists(path + ".expected"):
    words, counts = read_expected(path + ".expected")
    expected = counts if words == [b"dog", b"cat", b"boy", b"girl"] else None  # the default words


def check_counts(out):
    if expected is not None and json.loads(out)["total"] != expected:
        sys.exit("bench.py: wordtally's counts differ from %s.expected" % path)


slice_path = os.path.join(os.path.dirname(os.path.abspath(csv_path)), "bench-slice.txt")
with open(path, "rb") as f, open(slice_path, "wb") as g:
    g.write(f.read(SLICE))
subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # warm the page cache

rows = []  # (what, threads, bytes, seconds); cpu[i]: CPU seconds of row i, None for the probe
mem = {ncores: memread_gbps(ncores), 1: memread_gbps(1)}
rows.append(("memory-read probe (scripts/memread.c)", ncores, None, mem[ncores]))
rows.append(("memory-read probe (scripts/memread.c)", 1, None, mem[1]))
wt = [prog, "-f", "json", path]
rows.append(("wordtally (default: all cores)", ncores, size, best_wall(wt, check_out=check_counts)))
rows.append(("wordtally -t 1", 1, size, best_wall(wt[:1] + ["-t", "1"] + wt[1:], check_out=check_counts)))
rows.append(("wordtally --serial", 1, size, best_wall(wt[:1] + ["--serial"] + wt[1:], check_out=check_counts)))
rows.append(("wordtally --io mmap (all cores)", ncores, size,
             best_wall(wt[:1] + ["--io", "mmap"] + wt[1:], check_out=check_counts)))
rows.append(("wordtally --io mmap -t 1", 1, size,
             best_wall(wt[:1] + ["--io", "mmap", "-t", "1"] + wt[1:], check_out=check_counts)))
rows.append(("cat FILE > /dev/null", 1, size, best_wall(["cat", path])))
rows.append(("GNU wc -w FILE", 1, size, best_wall(["wc", "-w", path], runs=min(RUNS, 2),
                                                  env={"LC_ALL": "C"})))
py = os.path.join(here, "py_strategies.py")
sl = os.path.getsize(slice_path)
rows.append(("Python serial 256 KiB chunks (%d MB slice)" % (sl // 1000000), 1, sl,
             best_wall([sys.executable, py, "serial", slice_path], runs=min(RUNS, 2))))
rows.append(("Python Pool.map 256 KiB chunks (%d MB slice)" % (sl // 1000000), ncores, sl,
             best_wall([sys.executable, py, "pool", slice_path], runs=min(RUNS, 2))))
os.unlink(slice_path)

gbps = [r[3] if r[2] is None else r[2] / r[3] / 1e9 for r in rows]
# CPU time per row: the command timed last for that row (rows and best_wall calls are in order).
cpu_list = [None, None] + list(cpu_seconds.values())
pool = gbps[-1]
table = []
for (what, threads, nbytes, _), g, cpu in zip(rows, gbps, cpu_list):
    per_cpu = nbytes / cpu / 1e9 if cpu else float("nan")
    table.append((what, threads, g, g / mem.get(threads, mem[ncores]), g / pool, per_cpu))

load = open("/proc/loadavg").read().split()[:3]
print("wordtally bench: %s, %s (%d bytes), %s, %d cores used by default, load %s, best of %d" %
      (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), path, size, cpu_model(), ncores,
       " ".join(load), RUNS))
print("%-46s %7s %8s %10s %9s %12s" % ("what", "threads", "GB/s", "x memread", "x Pool",
                                       "GB/CPU-s"))
for what, threads, g, rm, rp, pc in table:
    print("%-46s %7d %8.3f %10.3f %9.1f %12.3f" % (what, threads, g, rm, rp, pc))
os.makedirs(os.path.dirname(os.path.abspath(csv_path)), exist_ok=True)
with open(csv_path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["what", "threads", "gb_per_s", "ratio_memread_same_threads", "speedup_over_pool",
                "gb_per_cpu_second"])
    for what, threads, g, rm, rp, pc in table:
        w.writerow([what, threads, "%.4f" % g, "%.4f" % rm, "%.2f" % rp, "%.4f" % pc])
print("CSV: %s" % csv_path)

allc, one = table[2][2], table[3][2]
goals = [("all cores >= 0.5 x memread (all cores)", allc / mem[ncores], 0.5),
         ("all cores >= 150 x Pool", allc / pool, 150),
         ("1 thread >= 0.25 x memread (1 thread)", one / mem[1], 0.25)]
if ncores > 1:
    goals.append(("%d threads vs 1: parallel efficiency >= 0.85" % ncores, allc / (ncores * one), 0.85))
for name, got, want in goals:
    print("goal %-46s %8.3f  %s" % (name, got, "met" if got >= want else "MISSED"))

# Start-up: what a script pays per call on a tiny input (it dominates when wordtally runs once per
# small file, and every MPI rank pays it). Median wall time and least CPU time of STARTUP_RUNS.
STARTUP_RUNS = int(os.environ.get("STARTUP_RUNS", "50"))


def startup(cmd):
    walls, cpus = [], []
    for _ in range(STARTUP_RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return sorted(walls)[len(walls) // 2] * 1e3, min(cpus) * 1e3


print("\nstart-up (median wall ms, least CPU ms of %d runs):" % STARTUP_RUNS)
for cmd in ([prog, "/dev/null"], ["wc", "-w", "/dev/null"]):
    wall, cpu = startup(cmd)
    print("  %-40s %8.2f ms wall %8.2f ms CPU" % (" ".join([os.path.basename(cmd[0])] + cmd[1:]),
                                                   wall, cpu))
