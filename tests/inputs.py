#!/usr/bin/env python3
"""Inputs as users have them: files whose size lies (procfs, sysfs), many inputs with bounded
memory. Every count is compared with the SPEC oracle. Prints 'inputs: N passed, N failed'."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Tally, oracle, totals_csv  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally")
RSS_BOUND = "--no-rss-bound" not in sys.argv
tally = Tally("inputs")
check = tally.check


def run(args, stdin=None, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([PROG] + args, stdin=stdin, capture_output=True, env=e)


def words_of(path, n=4):
    """Some tokens of a file, to count (a file of /proc changes little between two reads)."""
    with open(path, "rb") as f:
        tokens = f.read().decode("latin-1").split()
    return list(dict.fromkeys(tokens))[:n]


def test_sizes_that_lie():
    """procfs says 0 bytes and sysfs 4096: both must be read to their end, as a stream."""
    for path in ["/proc/version", "/sys/devices/system/cpu/online", "/proc/self/status"]:
        if not os.access(path, os.R_OK):
            continue
        words = words_of(path)
        if "/self/" in path:
            words = [w for w in words if w.endswith(":")]  # the field names do not change
        args = sum((["-w", w] for w in words), [])
        for extra in ([], ["--serial"], ["--verify"], ["-c", "1", "-t", "3"], ["--io", "mmap"]):
            r = run(["-f", "csv"] + extra + args + [path])
            check(r.returncode == 0 and totals_csv(r.stdout) == oracle(path, words),
                  "%s %s: rc %d, %s vs oracle %s (%s)" % (path, extra, r.returncode,
                                                          totals_csv(r.stdout) if r.returncode == 0 else None,
                                                          oracle(path, words), r.stderr[-200:]))
        with open(path, "rb") as f:
            r = run(["-f", "csv"] + args, stdin=f)
        check(r.returncode == 0 and totals_csv(r.stdout) == oracle(path, words),
              "< %s: rc %d (%s)" % (path, r.returncode, r.stderr[-200:]))
    with tempfile.TemporaryDirectory() as d:  # a real empty file stays an empty file
        p = os.path.join(d, "empty")
        open(p, "wb").close()
        r = run(["-f", "csv", p])
        check(r.returncode == 0 and totals_csv(r.stdout) == [0, 0, 0, 0], "an empty file counts 0")
        r = run(["--repeat", "1", p])
        check(r.returncode == 0, "an empty regular file can be read again (--repeat): %s" % r.stderr)


def main():
    test_sizes_that_lie()
    tally.finish()


if __name__ == "__main__":
    main()
