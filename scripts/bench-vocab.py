#!/usr/bin/env python3
"""`make bench-vocab`: --top/--vocab against collections.Counter and `tr | sort | uniq -c` on one
corpus, all in one run (shared machines drift between runs: compare within the table), then a
vocabulary larger than --max-memory.
   usage: bench-vocab.py WORDTALLY FILE [DISTINCT]    environment: RUNS (default 3)
Rows: wall seconds (best of RUNS for wordtally; one run for the slow baselines), CPU seconds (user +
system of that run), GB/s, GB per CPU-second, peak RSS. The Counter row is the SPEC §7 oracle read
line by line (tokens never span lines: a newline is whitespace), and wordtally's --top 100 must equal
it. The last part writes a file of DISTINCT (default 5,000,000) distinct tokens and checks that
--vocab under --max-memory 64M equals --vocab without a limit, both against Counter."""
import collections
import os
import platform
import random
import subprocess
import sys
import tempfile
import time

prog, path = os.path.abspath(sys.argv[1]), sys.argv[2]
DISTINCT = int(sys.argv[3]) if len(sys.argv) > 3 else 5000000
RUNS = int(os.environ.get("RUNS", "3"))
size = os.path.getsize(path)
E = ("utf-8", "surrogateescape")


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def measure(cmd, shell=False, stdout=subprocess.DEVNULL):
    """(wall s, CPU s, peak RSS MiB, stdout) of one run; with a shell, CPU of the whole pipeline."""
    before = os.times()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, shell=shell, stdout=stdout)
    out = p.stdout.read() if stdout == subprocess.PIPE else None
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    after = os.times()
    if status:
        sys.exit("failed: %s" % cmd)
    cpu = ru.ru_utime + ru.ru_stime
    if shell:  # the pipeline's processes are the shell's children, reaped by it
        cpu = (after.children_user - before.children_user) + (after.children_system -
                                                              before.children_system)
    return wall, cpu, ru.ru_maxrss / 1024, out


def best(cmd, runs=RUNS):
    rows = [measure(cmd, stdout=subprocess.PIPE) for _ in range(runs)]
    return min(rows, key=lambda r: r[0])


def parse_text(out):
    rows = []
    for line in out.split(b"\n"):
        if line and not line.startswith(b"-- "):
            n, tok = line.split(None, 1)
            rows.append((tok, int(n)))
    return rows


def counter_top(p, k):
    c = collections.Counter()
    with open(p, encoding=E[0], errors=E[1]) as f:
        for line in f:
            c.update(line.split())
    items = sorted(c.items(), key=lambda kv: (-kv[1], kv[0].encode(*E)))
    return [(t.encode(*E), n) for t, n in items[:k]] if k else [(t.encode(*E), n) for t, n in items]


def row(name, r, note=""):
    wall, cpu, rss = r[0], r[1], r[2]
    print("| %s | %.2f | %.2f | %.3f | %.3f | %.0f | %s |" % (name, wall, cpu, size / wall / 1e9,
                                                               size / cpu / 1e9 if cpu else 0,
                                                               rss, note))


def main():
    print("%s, %s, %s, load %.1f, %d bytes (%s)" % (time.strftime("%Y-%m-%d %H:%M UTC",
                                                                   time.gmtime()), cpu_model(),
                                                     "%d CPUs" % os.cpu_count(),
                                                     os.getloadavg()[0], size, path))
    print()
    print("| command | wall s | CPU s | GB/s | GB/CPU-s | peak RSS MiB | note |")
    print("|---|---|---|---|---|---|---|")
    top2 = best([prog, "--top", "100", path])
    top1 = best([prog, "--top", "100", "-t", "1", path])
    vocab = best([prog, "--vocab", "-f", "csv", path])
    row("`wordtally --top 100` (2 threads)", top2)
    row("`wordtally --top 100 -t 1`", top1, "1->2 threads: %.2fx" % (top1[0] / top2[0]))
    row("`wordtally --vocab -f csv`", vocab)
    distinct = top2[3].split(b"\n")[-2].split(b" ")[3]
    t0 = time.perf_counter()
    b0 = os.times()
    want = counter_top(path, 100)
    b1 = os.times()
    counter = (time.perf_counter() - t0, b1.user - b0.user + b1.system - b0.system, 0)
    exact = parse_text(top2[3]) == want
    row("Python `collections.Counter` (line by line)", counter,
        "wordtally %.0fx faster; top 100 %s" % (counter[0] / top2[0],
                                                  "equal" if exact else "DIFFERENT"))
    tr = measure("LC_ALL=C tr -s ' \\t\\n\\r\\v\\f' '\\n' < '%s' | LC_ALL=C sort | uniq -c | "
                 "sort -rn | head -100 > /dev/null" % path, shell=True)
    row("`LC_ALL=C tr -s ... \\| sort \\| uniq -c \\| sort -rn`", tr,
        "wordtally %.0fx faster" % (tr[0] / top2[0]))
    print()
    print("Distinct tokens: %s. GB/s per core (1 thread): %.3f." % (distinct.decode(),
                                                                    size / top1[0] / 1e9))

    # A vocabulary larger than --max-memory.
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as d:
        big = os.path.join(d, "distinct.txt")
        r = random.Random(1)
        with open(big, "wb") as f:
            for i in range(0, DISTINCT, 100000):
                f.write(b"\n".join(b"w%07x%s" % (j, b"y" * (j % 11)) for j in range(i, min(
                    DISTINCT, i + 100000))) + b"\n")
                f.write(b" ".join(b"w%07x%s" % (j, b"y" * (j % 11)) for j in
                                  (r.randrange(DISTINCT) for _ in range(20000))) + b"\n")
        bsize = os.path.getsize(big)
        free = measure([prog, "--vocab", "-f", "csv", big], stdout=subprocess.PIPE)
        capped = measure([prog, "--vocab", "-f", "csv", "--max-memory", "64M", big],
                         stdout=subprocess.PIPE)
        summary = subprocess.run([prog, "--vocab", "--max-memory", "64M", big],
                                 capture_output=True).stdout.split(b"\n")[-2].decode()
        want = counter_top(big, 0)
        got = [(line.rsplit(b",", 1)[0], int(line.rsplit(b",", 1)[1]))
               for line in capped[3].split(b"\n")[1:] if line]
        print()
        print("%d distinct tokens (%d bytes):" % (DISTINCT, bsize))
        print()
        print("| run | wall s | CPU s | peak RSS MiB | table |")
        print("|---|---|---|---|---|")
        print("| `--vocab` | %.2f | %.2f | %.0f | %s |" % (free[0], free[1], free[2],
                                                        "equal to Counter" if free[3] == capped[3]
                                                        and got == want else "DIFFERENT"))
        print("| `--vocab --max-memory 64M` | %.2f | %.2f | %.0f | %s |" % (
            capped[0], capped[1], capped[2], "equal to Counter" if got == want else "DIFFERENT"))
        print()
        print("Summary line with the limit: `%s`" % summary)


main()
