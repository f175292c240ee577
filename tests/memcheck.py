#!/usr/bin/env python3
"""valgrind memcheck on the integration inputs (make memcheck): every file of tests/integration.py
counted through the parallel, serial and verify paths, from a file and from a pipe, plus the error
paths. Any invalid access, uninitialised use or definite/indirect leak fails the run.

libgomp keeps its thread pool alive at exit: those stacks are "possibly lost", not errors. hwloc's
x86 backend cannot run under valgrind and says so; HWLOC_COMPONENTS=-x86 leaves it out (the Linux
backend still finds the cores). OMP_WAIT_POLICY is set, as a user may set it: unset, wordtally starts
itself again with it (main.c), and that new image would run outside valgrind.

    python3 tests/memcheck.py ./wordtally     # prints 'memcheck: N passed, N failed'
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Tally, make_files  # noqa: E402  (the integration inputs)

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally")
VALGRIND = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
            "--track-origins=yes"]
tally = Tally("memcheck")


def vg(args, stdin=None):
    env = dict(os.environ, HWLOC_COMPONENTS="-x86", OMP_WAIT_POLICY="passive")
    r = subprocess.run(VALGRIND + [PROG] + args, input=stdin, capture_output=True, env=env)
    bad = r.returncode == 99 or b"==" in r.stderr and b"ERROR SUMMARY" in r.stderr
    tally.check(not bad, "valgrind %s %s" % (args, r.stderr.decode("latin-1")[-3000:]))
    return r.returncode


def main():
    with tempfile.TemporaryDirectory() as d:
        files = make_files(d)
        for name, path in sorted(files.items()):
            vg(["-t", "2", "-c", "63", "--verify", path])
        for name in ("real-text", "long-token", "nul-bytes", "empty"):
            data = open(files[name], "rb").read()
            vg(["-f", "json", "-t", "2", "-c", "4095", "--verify"], stdin=data)
            vg(["-f", "csv", "--serial", "-c", "1", files[name], files["chunk-edges"]])
        wl = os.path.join(d, "words")
        open(wl, "w").write("dog\r\ncat\n\nxyzzy\n")
        vg(["--words-file", wl, "-w", "girl", files["real-text"]])
        for bad in (["/nonexistent"], [d], ["-t", "0"], ["-w", ""], ["--words-file", "/dev/null"],
                    ["--bogus"], [files["random-1"], "/nonexistent"]):
            vg(bad)
    tally.finish()


if __name__ == "__main__":
    main()
