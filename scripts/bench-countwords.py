#!/usr/bin/env python3
"""`make bench-vocab COUNTWORDS=DIR`: wordtally --vocab -i against Ben Hoyt's countwords (lowercase
ASCII, split on whitespace, count every word, print by count), its optimized.c and simple.c.
   usage: bench-countwords.py WORDTALLY COUNTWORDS_DIR WORK_DIR    environment: RUNS (default 3)
COUNTWORDS_DIR holds the peer's C sources, its expected output.txt (for the KJV Bible x10) and
make-input.sh, which rebuilds that input from Debian's bible-kjv-text (scripts/install-deps.sh
--bench) into WORK_DIR, where the peers are built with `cc -O2`. Before any timing, every program's
output on KJV x10, normalised (ties by word, as the peer's normalize.py), must equal output.txt.
Timings on KJV x100: wall and CPU (best of RUNS by wall; a pipe's CPU includes cat's), wordtally
with 1 thread and with all, reading the file and a pipe; the peers read stdin (`< FILE`, `cat |`)."""
import os
import subprocess
import sys
import time

prog, peer_dir, work = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
RUNS = int(os.environ.get("RUNS", "3"))
THREADS = os.cpu_count()


def sh(cmd):
    """(wall s, CPU s of the shell's children, stdout bytes) of one shell command line."""
    before = os.times()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = os.times()
    if p.returncode:
        sys.exit("bench-countwords: failed (%d): %s" % (p.returncode, cmd))
    cpu = (after.children_user - before.children_user) + (after.children_system -
                                                          before.children_system)
    return wall, cpu, p.stdout


def normalised(out, count_first):
    """The lines 'word count', by count descending then word: the peer's normalize.py order."""
    rows = []
    for line in out.split(b"\n"):
        if not line.strip() or line.startswith(b"-- "):
            continue
        a, b = line.split()
        word, n = (b, int(a)) if count_first else (a, int(b))
        rows.append((word, n))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return b"".join(b"%s %d\n" % r for r in rows)


def main():
    os.makedirs(work, exist_ok=True)
    peers = {}
    for name in ("optimized", "simple"):
        exe = os.path.join(work, name + "-c")
        subprocess.run(["cc", "-O2", "-o", exe, os.path.join(peer_dir, name + ".c")], check=True)
        peers[name] = exe
    x10, x100 = os.path.join(work, "kjvbible_x10.txt"), os.path.join(work, "kjvbible_x100.txt")
    if not os.path.exists(x100):
        subprocess.run(["bash", os.path.join(peer_dir, "make-input.sh"), work], check=True)

    want = normalised(open(os.path.join(peer_dir, "output.txt"), "rb").read(), False)
    checks = [("wordtally --vocab -i", "'%s' --vocab -i '%s'" % (prog, x10), True),
              ("wordtally --vocab -i (pipe)", "cat '%s' | '%s' --vocab -i" % (x10, prog), True)]
    checks += [("%s.c" % n, "'%s' < '%s'" % (exe, x10), False) for n, exe in peers.items()]
    for name, cmd, count_first in checks:
        if normalised(sh(cmd)[2], count_first) != want:
            sys.exit("bench-countwords: %s differs from countwords' output.txt" % name)

    size = os.path.getsize(x100)
    load = os.getloadavg()[0]
    print("%s, %s, %d CPUs, load %.1f, KJV x100 (%d bytes; x10's output of every program equals "
          "countwords' output.txt)" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                       cpu_model(), THREADS, load, size))
    print()
    print("| program | input | wall s | CPU s | GB per CPU-s | wall ÷ optimized.c | "
          "CPU ÷ optimized.c | CPU ÷ simple.c |")
    print("|---|---|---|---|---|---|---|---|")
    runs = []
    for name, exe in peers.items():
        runs.append(("%s.c" % name, "file", "'%s' < '%s'" % (exe, x100)))
        runs.append(("%s.c" % name, "pipe", "cat '%s' | '%s'" % (x100, exe)))
    for t in (1, THREADS):
        w = "wordtally --vocab -i -t %d" % t
        runs.append((w, "file", "'%s' --vocab -i -t %d '%s'" % (prog, t, x100)))
        runs.append((w, "pipe", "cat '%s' | '%s' --vocab -i -t %d" % (x100, prog, t)))
    times = {}
    for name, how, cmd in runs:
        times[(name, how)] = min((sh(cmd + " > /dev/null")[:2] for _ in range(RUNS)),
                                 key=lambda r: r[0])
    for name, how, _ in runs:
        wall, cpu = times[(name, how)]
        opt, simple = times[("optimized.c", how)], times[("simple.c", how)]
        print("| %s | %s | %.2f | %.2f | %.3f | %.2f | %.2f | %.2f |" % (
            name, how, wall, cpu, size / cpu / 1e9, wall / opt[0], cpu / opt[1],
            cpu / simple[1]))
    print()
    print("Load average after: %.1f" % os.getloadavg()[0])


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


main()
