#!/usr/bin/env python3
"""`make bench`: wordtally against a pread+sum probe (the warm-I/O limit) and, when given, the
public AVX-512/AVX2 `wc` fastlwc and fastlwc-mt, on one real corpus with a warm page cache; per
mode (latin1, utf-8, -i) and for 4, 16, 64 and 1,000 words (the most frequent tokens of the corpus,
and rare ones); and --top 10 --tokens=words on one thread. All rows are measured in one run, in interleaved rounds (each round runs every row
once, so a change in the machine's load hits every row alike); a row's figure is its best round.
   usage: bench.py WORDTALLY FILE PREADSUM [CSV]
   environment: RUNS (rounds, default 3); FASTLWC, FASTLWC_MT: paths of fastlwc binaries built
   by the user (rows skipped when unset)
Prints a Markdown table (wall seconds, GB/s, CPU seconds = user + system of all threads, GB per
CPU-second, and ratios to fastlwc-mt / fastlwc and to the probe with the same thread count) and
writes the rows as CSV."""
import collections
import csv
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from expected import read_expected  # noqa: E402

prog, path, probe = (os.path.abspath(a) for a in sys.argv[1:4])
csv_path = sys.argv[4] if len(sys.argv) > 4 else "data/bench.csv"
RUNS = int(os.environ.get("RUNS", "3"))
size = os.path.getsize(path)
data_dir = os.path.dirname(os.path.abspath(csv_path))
os.makedirs(data_dir, exist_ok=True)


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


ncores = json.loads(subprocess.run([prog, "-f", "json", "/dev/null"], capture_output=True,
                                   check=True).stdout)["threads"]
has_modes = subprocess.run([prog, "--encoding", "latin1", "/dev/null"],
                           capture_output=True).returncode == 0


def word_lists():
    """Frequent and rare tokens of the corpus's first 48 MB: ASCII only and distinct after ASCII
    folding, so that every list is valid in every mode."""
    with open(path, "rb") as f:
        tokens = f.read(48 << 20).decode("latin-1").split()
    counts = collections.Counter(t for t in tokens if t.isascii())
    seen, frequent = set(), []
    for t, _ in counts.most_common():
        if t.lower() not in seen:
            seen.add(t.lower())
            frequent.append(t)
    seen, rare = set(), []
    for t in sorted(t for t, c in counts.items() if c == 1):
        if t.lower() not in seen:
            seen.add(t.lower())
            rare.append(t)
    rare = rare[:: max(1, len(rare) // 1000)]  # spread over the alphabet
    lists = []
    for kind, words in (("frequent", frequent), ("rare", rare)):
        for n in (4, 16, 64, 1000):
            if len(words) >= n:
                p = os.path.join(data_dir, "bench-words-%s-%d.txt" % (kind, n))
                with open(p, "w", encoding="latin-1") as f:
                    f.write("\n".join(words[:n]) + "\n")
                lists.append(("%d %s words" % (n, kind), p))
    return lists


expected = None
if os.path.exists(path + ".expected"):
    words, counts = read_expected(path + ".expected")
    expected = counts if words == [b"dog", b"cat", b"boy", b"girl"] else None  # the default words

# (label, command, threads, environment, check the default words' counts against .expected)
rows = [("pread+sum probe", [probe, path], ncores, {"OMP_NUM_THREADS": str(ncores)}, False),
        ("pread+sum probe", [probe, path], 1, {"OMP_NUM_THREADS": "1"}, False)]
if os.environ.get("FASTLWC_MT"):
    rows.append(("fastlwc-mt", [os.environ["FASTLWC_MT"], path], ncores,
                 {"OMP_NUM_THREADS": str(ncores)}, False))
if os.environ.get("FASTLWC"):
    rows.append(("fastlwc", [os.environ["FASTLWC"], path], 1, {}, False))
modes = [("latin1", ["--encoding", "latin1"]), ("utf-8", ["--encoding", "utf-8"]),
         ("utf-8 -i", ["-i"])] if has_modes else [("", [])]
for name, opts in modes:
    label = "wordtally %s" % name if name else "wordtally"
    check = name in ("latin1", "")
    rows.append((label, [prog, "-f", "json"] + opts + [path], ncores, {}, check))
    rows.append((label + " -t 1", [prog, "-f", "json", "-t", "1"] + opts + [path], 1, {}, check))
# The vocabulary under the word rule: every word's bounds from the words kernel's token layer.
rows.append(("wordtally --top 10 --tokens=words -t 1",
             [prog, "-f", "json", "--top", "10", "--tokens=words", "-t", "1", path], 1, {}, False))
for label, wf in word_lists():
    rows.append(("wordtally, %s" % label, [prog, "-f", "json", "--words-file", wf, path], ncores,
                 {}, False))

subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
load_before = load()
wall = [None] * len(rows)
cpu = [None] * len(rows)
for _ in range(RUNS):
    for i, (label, cmd, threads, env, check) in enumerate(rows):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, env=dict(os.environ, **env), check=True)
        t = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        c = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if check and expected is not None and json.loads(r.stdout)["total"] != expected:
            sys.exit("bench.py: %s: counts differ from %s.expected" % (" ".join(cmd), path))
        wall[i] = t if wall[i] is None else min(wall[i], t)
        cpu[i] = c if cpu[i] is None else min(cpu[i], c)
load_after = load()


def ref(label, threads):
    """The wall time a row is compared with: fastlwc-mt (all threads) or fastlwc (one thread)."""
    want = "fastlwc-mt" if threads > 1 else "fastlwc"
    for i, r in enumerate(rows):
        if r[0] == want:
            return wall[i]
    return None


def probe_wall(threads):
    for i, r in enumerate(rows):
        if r[0] == "pread+sum probe" and r[2] == threads:
            return wall[i]
    return None


print("wordtally bench: %s, %s, %s (%d bytes), %d cores by default, load %s before and %s after,"
      " best of %d interleaved rounds" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                         cpu_model(), path, size, ncores, load_before, load_after,
                                         RUNS))
print()
print("| what | threads | wall s | GB/s | CPU s | GB per CPU-s | wall ÷ fastlwc(-mt) | "
      "wall ÷ probe |")
print("|---|---|---|---|---|---|---|---|")
table = []
for i, (label, cmd, threads, env, check) in enumerate(rows):
    f, pr = ref(label, threads), probe_wall(threads)
    line = (label, threads, wall[i], size / wall[i] / 1e9, cpu[i],
            size / cpu[i] / 1e9 if cpu[i] else float("nan"),
            wall[i] / f if f else None, wall[i] / pr if pr else None)
    table.append(line)
    print("| %s | %d | %.3f | %.2f | %.3f | %.2f | %s | %s |" % (
        line[:6] + tuple("%.2f" % x if x else "—" for x in line[6:])))
print()
print("Commands (FILE = %s):" % path)
for label, cmd, threads, env, check in rows:
    e = " ".join("%s=%s" % kv for kv in env.items())
    print("    %-40s %s%s" % (label + (" (%d threads)" % threads if "probe" in label else ""),
                              e + " " if e else "", " ".join(os.path.basename(c) if c in (prog, probe)
                                                             else c for c in cmd)))
with open(csv_path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["what", "threads", "wall_s", "gb_per_s", "cpu_s", "gb_per_cpu_s",
                "wall_over_fastlwc", "wall_over_probe"])
    for line in table:
        w.writerow([line[0], line[1]] + ["%.4f" % x if x else "" for x in line[2:]])
print("CSV: %s" % csv_path)

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
