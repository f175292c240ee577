#!/usr/bin/env python3
"""Cold- and warm-cache I/O benchmark: wordtally against `cat FILE > /dev/null`, in the
same run, rounds interleaved so that a busy shared disk hurts both alike.

    scripts/bench-io.py [--rounds N] [--warm] [--wordtally PATH] FILE [-- WORDTALLY-ARGS...]

Before every cold run the file is evicted from the page cache: fdatasync (DONTNEED only drops
clean pages), then posix_fadvise(POSIX_FADV_DONTNEED); `fincore` (util-linux) confirms 0 bytes
resident when present. Prints one line per run and a summary: median GB/s of each, and the median
of the per-round ratios wordtally / cat (goal for cold: >= 0.95). If FILE.expected exists (from
wordtally-gen), every wordtally run's counts are checked against it and a difference is exit 1."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from expected import read_expected  # noqa: E402


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def resident(path):
    if not shutil.which("fincore"):
        return None
    r = subprocess.run(["fincore", "-b", "-n", "-o", "RES", path], capture_output=True, text=True)
    return int(r.stdout.split()[0]) if r.returncode == 0 and r.stdout.split() else None


def timed(cmd, path):
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE if "wordtally" in cmd[0] else null,
                           stderr=subprocess.PIPE)
        secs = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("bench-io: %s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr.decode()[-300:]))
    return secs, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warm", action="store_true", help="also warm-cache runs (the file must fit in RAM)")
    ap.add_argument("--wordtally", default="./wordtally")
    ap.add_argument("file")
    ap.add_argument("args", nargs="*", help="extra wordtally options (after --)")
    a = ap.parse_args()
    size = os.path.getsize(a.file)
    want = None
    if os.path.exists(a.file + ".expected"):
        want = [str(c) for c in read_expected(a.file + ".expected")[1]]
    wt = [a.wordtally, "-f", "csv", "--no-progress"] + a.args + [a.file]
    cat = ["cat", a.file]
    print("bench-io: %s, %d bytes, %d rounds; load %s" % (a.file, size, a.rounds,
          open("/proc/loadavg").read().split()[0]))
    rates = {}

    def run(kind, name, cmd, cold, rnd):
        if cold:
            evict(a.file)
            res = resident(a.file)
            if res:
                print("bench-io: warning: %d bytes still cached after eviction" % res)
        elif rnd == 0 and name == "cat":
            subprocess.run(cat, stdout=subprocess.DEVNULL)  # load the page cache once
        secs, out = timed(cmd, a.file)
        gbs = size / secs / 1e9
        rates.setdefault((kind, name), []).append(gbs)
        note = ""
        if name == "wordtally" and want is not None:
            got = [line.split(",")[3] for line in out.decode("latin-1").splitlines()[1:]
                   if line.startswith(",")]
            if got != want:
                sys.exit("bench-io: wordtally counted %s, %s.expected says %s" % (got, a.file, want))
            note = " (counts = .expected)"
        print("  %-4s %-9s round %d: %6.3f s  %6.2f GB/s%s" % (kind, name, rnd + 1, secs, gbs, note))

    kinds = [("cold", True)] + ([("warm", False)] if a.warm else [])
    for kind, cold in kinds:
        for rnd in range(a.rounds):
            order = [("cat", cat), ("wordtally", wt)]
            if rnd % 2:
                order.reverse()  # neither always goes first on a disk others share
            for name, cmd in order:
                run(kind, name, cmd, cold, rnd)
    for kind, _ in kinds:
        c, w = rates[(kind, "cat")], rates[(kind, "wordtally")]
        ratios = [x / y for x, y in zip(w, c)]
        print("%s: cat median %.2f GB/s, wordtally median %.2f GB/s, wordtally/cat per round %s, "
              "median %.2f" % (kind, statistics.median(c), statistics.median(w),
                               " ".join("%.2f" % r for r in ratios), statistics.median(ratios)))


if __name__ == "__main__":
    main()
