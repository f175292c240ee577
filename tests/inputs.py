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


def totals_of(paths, words=None):
    t = [0, 0, 0, 0]
    for p in paths:
        t = [a + b for a, b in zip(t, oracle(p))]
    return t


def file_rows(out):
    """The file column of --format csv's file rows, once per file, in order."""
    names = []
    for line in out.decode("latin-1").splitlines()[1:]:
        name = line.rsplit(",", 4)[0]
        if line.endswith(",file") and (not names or names[-1] != name):
            names.append(name)
    return names


def test_many_inputs():
    """-r, -L, --files-from (newline, --null, standard input) against the oracle, in byte order."""
    with tempfile.TemporaryDirectory() as d:
        t = os.path.join(d, "t")
        for sub in ("a", "b", "b/c"):
            os.makedirs(os.path.join(t, sub))
        data = {"a/1": b"dog cat\n", "a.txt": b"dog\n", "b/2": b"boy girl girl", "b/c/3": b"cat",
                "a-b": b"dog dog", "Z": b"girl"}
        for name, body in data.items():
            with open(os.path.join(t, name), "wb") as f:
                f.write(body)
        os.symlink(os.path.join(t, "a.txt"), os.path.join(t, "b", "link"))
        os.mkfifo(os.path.join(t, "fifo"))
        regular = sorted(os.path.join(t, n) for n in data)
        for extra in ([], ["-t", "3", "-c", "1"], ["--serial"], ["--verify"]):
            r = run(["-f", "csv", "-r"] + extra + [t])
            check(r.returncode == 0 and file_rows(r.stdout) == [p.encode("latin-1").decode("latin-1") for p in regular]
                  and totals_csv(r.stdout) == totals_of(regular),
                  "-r %s: regular files in byte order, symlink and fifo skipped: %s %s" % (extra, r.stdout[:300], r.stderr))
        r = run(["-f", "csv", "-r", "-L", t])
        linked = sorted(regular + [os.path.join(t, "b", "link")])
        check(r.returncode == 0 and file_rows(r.stdout) == linked, "-L follows the link: %s" % r.stdout[:200])
        r = run(["-f", "csv", t])
        check(r.returncode == 1 and b"Is a directory" in r.stderr, "a directory without -r is an error")
        lst = os.path.join(d, "list")
        with open(lst, "wb") as f:
            f.write(b"\n".join(p.encode() for p in regular[::-1]) + b"\n\n")
        r = run(["-f", "csv", "--files-from", lst])
        check(r.returncode == 0 and file_rows(r.stdout) == regular[::-1] and totals_csv(r.stdout) == totals_of(regular),
              "--files-from keeps the list's order: %s" % r.stderr)
        with open(lst, "wb") as f:
            f.write(b"\0".join(p.encode() for p in regular))
        with open(lst, "rb") as f:
            r = run(["-f", "csv", "--null", "--files-from", "-"], stdin=f)
        check(r.returncode == 0 and file_rows(r.stdout) == regular, "--null --files-from -: %s" % r.stderr)
        r = run(["--files-from", os.path.join(d, "missing")])
        check(r.returncode == 2 and b"--files-from" in r.stderr and not r.stdout, "a missing list: exit 2")
        with open(lst, "wb") as f:
            f.write(b"-\n")
        with open(lst, "rb") as f:
            r = run(["--files-from", "-"], stdin=f)
        check(r.returncode == 2 and b"standard input" in r.stderr, "'-' in a list read from standard input")
        with open(lst, "wb") as f:
            f.write(b"x" * 5000 + b"\n")
        r = run(["--files-from", lst])
        check(r.returncode == 2 and b"PATH_MAX" in r.stderr, "a name longer than PATH_MAX: exit 2")
        # Many small files under a small open-file limit: each is opened when counted, closed after.
        many = os.path.join(d, "many")
        os.makedirs(many)
        n = 3000
        for i in range(n):
            with open(os.path.join(many, "%05d" % i), "wb") as f:
                f.write(b"dog cat " * (i % 7) + b"girl\n")
        r = subprocess.run("ulimit -n 64 && exec %s -f csv -r %s" % (PROG, many), shell=True,
                           capture_output=True)
        want = [sum(i % 7 for i in range(n)), sum(i % 7 for i in range(n)), 0, n]
        check(r.returncode == 0 and totals_csv(r.stdout) == want,
              "%d files under ulimit -n 64: rc %d, %s" % (n, r.returncode, r.stderr[-200:]))


def test_total():
    """--total=auto|always|only|never, as GNU wc: which rows text and CSV print."""
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a"), os.path.join(d, "b")
        with open(a, "wb") as f:
            f.write(b"dog dog cat")
        with open(b, "wb") as f:
            f.write(b"girl dog")
        for when, files, headers, total in [("auto", [a], 0, True), ("auto", [a, b], 2, True),
                                            ("always", [a], 1, True), ("always", [a, b], 2, True),
                                            ("only", [a, b], 0, True), ("never", [a, b], 2, False),
                                            ("never", [a], 1, False)]:
            r = run(["--total=" + when] + files)
            text = r.stdout.decode()
            check(r.returncode == 0 and text.count("== " + d) == headers
                  and sum(x.startswith("dog ") for x in text.splitlines()) == headers + total
                  and ("== total" in text) == (total and headers > 0),
                  "--total=%s, %d inputs: %s" % (when, len(files), text))
            r = run(["-f", "csv", "--total=" + when] + files)
            rows = r.stdout.decode().splitlines()[1:]
            check(r.returncode == 0 and sum(x.endswith(",file") for x in rows) == (0 if when == "only" else 4 * len(files))
                  and sum(x.endswith(",total") for x in rows) == (0 if when == "never" else 4),
                  "csv --total=%s: %s" % (when, rows))
        r = run(["--total=sometimes", a])
        check(r.returncode == 2 and b"--total 'sometimes'" in r.stderr, "a bad --total: exit 2")


def main():
    test_sizes_that_lie()
    test_many_inputs()
    test_total()
    tally.finish()


if __name__ == "__main__":
    main()
