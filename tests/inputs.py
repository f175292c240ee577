#!/usr/bin/env python3
"""Inputs as users have them: files whose size lies (procfs, sysfs), many inputs with bounded
memory. Every count is compared with the SPEC oracle. Prints 'inputs: N passed, N failed'.

    python3 tests/inputs.py ./wordtally [--no-rss-bound] [--no-decoding]

--no-decoding leaves out the compressed inputs and archives (the decoders' libraries, and a GiB
of zeros in a zip): make check-arm64 runs the rest under emulation, where they would take most of
its time."""
import gzip
import json
import lzma
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import NEAR_MISSES, WS_MULTI, Tally, oracle, run_and_change, totals_csv  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--")
                       else "./wordtally")
RSS_BOUND = "--no-rss-bound" not in sys.argv
DECODING = "--no-decoding" not in sys.argv
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
        outside = os.path.join(d, "outside")
        with open(outside, "wb") as f:
            f.write(b"dog boy\n")
        os.symlink(outside, os.path.join(t, "b", "link"))
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
        # -L and a second path to a file under the walk (a link to it, a link to a directory
        # beside it): each file counted once, under its first path in byte order.
        os.symlink(os.path.join("..", "a.txt"), os.path.join(t, "b", "again"))
        os.symlink(os.path.join("..", "a"), os.path.join(t, "b", "a2"))
        r = run(["-f", "csv", "-r", "-L", t])
        check(r.returncode == 0 and file_rows(r.stdout) == linked
              and totals_csv(r.stdout) == totals_of(linked),
              "-L, two paths to one file: counted once: %s" % r.stdout[:400])
        os.unlink(os.path.join(t, "b", "again"))
        os.unlink(os.path.join(t, "b", "a2"))
        r = run(["-f", "csv", t])
        check(r.returncode == 1 and b"Is a directory" in r.stderr, "a directory without -r is an error")
        # -L and a link to a directory the walk is in: not walked again (each file once).
        loop = os.path.join(t, "b", "c", "up")
        os.symlink("../..", loop)
        r = run(["-f", "csv", "-r", "-L", t])
        check(r.returncode == 0 and file_rows(r.stdout) == linked and b"not followed again" in r.stderr,
              "-L with a link to an ancestor: each file once, a warning: %s" % r.stderr[-200:])
        os.unlink(loop)
        for args, needle in ((["--null", t], b"--null: needs --files-from"), (["-L", t], b"-L: needs -r")):
            r = run(args)
            check(r.returncode == 2 and needle in r.stderr and not r.stdout, "%s: exit 2" % args)
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
        # Empty names (a leading NUL, two in a row) are errors, as GNU du and wc --files0-from say:
        # one line naming the list and the name's place, exit 1 at the end, the other names counted.
        two = regular[:2]
        with open(lst, "wb") as f:
            f.write(b"\0" + two[0].encode() + b"\0\0" + two[1].encode() + b"\0")
        for src in ("-", lst):
            with open(lst, "rb") as f:
                r = run(["-f", "csv", "--null", "--files-from", src], stdin=f)
            shown = src if src == "-" else "%s" % src
            check(r.returncode == 1 and r.stderr.decode().splitlines() ==
                  ["wordtally: %s:%d: invalid zero-length file name" % (shown, k) for k in (1, 3)] and
                  file_rows(r.stdout) == two and totals_csv(r.stdout) == totals_of(two),
                  "--null --files-from %s with empty names: exit 1, one line each, the rest counted: %r"
                  % (src, r.stderr))
        with open(lst, "wb") as f:
            f.write(b"\0".join(p.encode() for p in regular))
        r = run(["--files-from", lst])
        check(r.returncode == 2 and b"NUL" in r.stderr and not r.stdout,
              "a NUL-separated list without --null: exit 2, not the first name alone")
        with open(lst, "rb") as f:
            r = run(["--files-from", "-", "-"], stdin=f)
        check(r.returncode == 2 and b"--files-from '-'" in r.stderr, "--files-from - with FILE -: exit 2")
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
        # Small files are counted a batch at a time, a file per thread: each file's row, in the
        # list's order, equals the one-at-a-time (serial) run's, failures in their places.
        names = [os.path.join(many, "%05d" % i) for i in range(0, n, 7)]
        secret = os.path.join(many, "00001")
        os.chmod(secret, 0)
        mixed = names[:50] + [os.path.join(d, "missing-one"), secret] + names[50:] + [t] + names[:3]
        with open(lst, "wb") as f:
            f.write(b"\n".join(p.encode() for p in mixed) + b"\n")
        for extra in (["-t", "2"], ["-t", "3", "-c", "100"], ["-t", "2", "--io", "mmap"]):
            got = run(["-f", "csv", "--files-from", lst] + extra)
            one = run(["-f", "csv", "--files-from", lst, "--serial"])
            errors = lambda r: [ln for ln in r.stderr.splitlines() if b"warning:" not in ln]
            check(got.returncode == one.returncode == 1 and got.stdout == one.stdout
                  and errors(got) == errors(one) and len(errors(one)) == 2,
                  "small files in batches %s: rows and errors as the serial run's: %s" % (extra, got.stderr[-300:]))


def test_one_table():
    """Many inputs of every kind counted together (one chunk table): each input's row, in the
    list's order, and each error in its place, equal the serial path's one input at a time, for
    chunk sizes that make every file small, one chunk or many (a table window that ends inside a
    file), and for 1 to 3 threads."""
    with tempfile.TemporaryDirectory() as d:
        names = []
        sizes = [0, 1, 3, 4095, 4096, 4097, 40000, 70000, 300000, 9, 2, 1 << 20]
        for i, n in enumerate(sizes):
            p = os.path.join(d, "f%02d" % i)
            open(p, "wb").write(text_for_packing(n, 100 + i)[:n])
            names.append(p)
        gz = os.path.join(d, "packed")
        check(sh("gzip -c %s > %s" % (names[6], gz)), "gzip a file")
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        mixed = (names[:4] + [gz, os.path.join(d, "missing"), d] + names[4:8] + ["/proc/version", fifo, "-"]
                 + names[8:] + names[:2])
        for extra in (["-t", "1"], ["-t", "2"], ["-t", "3", "-c", "1"], ["-t", "2", "-c", "100"],
                      ["-t", "2", "-c", "4096"], ["-t", "3", "-c", "70001"]):
            outs = []
            for path in (["--serial"] + extra, extra):
                writer = subprocess.Popen("cat %s > %s" % (names[7], fifo), shell=True)
                with open(names[6], "rb") as stdin:
                    r = run(["-f", "csv", "-w", "dog", "-w", "Linux", "-w", "cat"] + path + mixed, stdin=stdin)
                writer.wait()
                outs.append(r)
            one, got = outs
            errors = lambda r: [ln for ln in r.stderr.splitlines() if b"warning:" not in ln]
            rows = [ln for ln in got.stdout.splitlines() if ln.endswith(b",file")]
            check(got.returncode == one.returncode == 1 and got.stdout == one.stdout
                  and errors(got) == errors(one) and len(errors(one)) == 2 and len(rows) == 3 * (len(mixed) - 2),
                  "one table %s: rows and errors as the serial path's: %s" % (extra, got.stderr[-300:]))
        # The serial path itself against the oracle, file by file.
        r = run(["-f", "csv", "-t", "2", "-c", "7"] + names)
        want = [0, 0, 0, 0]
        for p in names:
            want = [a + b for a, b in zip(want, oracle(p))]
        check(r.returncode == 0 and totals_csv(r.stdout) == want, "files together: totals as the oracle's")


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


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True).returncode == 0


def text_for_packing(n_bytes, seed):
    """Words, near misses and every kind of whitespace (multi-byte UTF-8 too)."""
    rnd = random.Random(seed)
    toks = [b"dog", b"cat", b"boy", b"girl", b"dogs", b"Dog", b"x"] + NEAR_MISSES
    ws = [b" ", b"\n", b"\t", b"  "] + WS_MULTI
    out, size = [], 0
    while size < n_bytes:
        t = rnd.choice(toks) + rnd.choice(ws)
        out.append(t)
        size += len(t)
    return b"".join(out)


def count_csv(args, stdin=None):
    r = run(["-f", "csv"] + args, stdin=stdin)
    return r.returncode, totals_csv(r.stdout) if r.returncode == 0 else None, r.stderr


def test_compressed():
    """SPEC §6: a compressed file counts as the text it holds, by its first bytes (never its name),
    for every path, chunk size and thread count, as a FILE and on a pipe; damaged or truncated data
    is exit 1 naming the input, the others still counted; archive members are token streams of
    their own; --decompress=never counts the raw bytes; memory stays bounded."""
    with tempfile.TemporaryDirectory() as d:
        plain = os.path.join(d, "plain")
        data = text_for_packing(3 << 20, 1)
        open(plain, "wb").write(data)
        want = oracle(data)
        small = os.path.join(d, "small")
        sdata = text_for_packing(40000, 2)
        open(small, "wb").write(sdata)
        swant = oracle(sdata)
        tools = {  # name: (the tool it needs, a shell command writing $OUT from $IN)
            "gzip-9": ("gzip", "gzip -9c $IN > $OUT"),
            "gzip-members": ("gzip", "head -c 1000000 $IN | gzip -c > $OUT && tail -c +1000001 $IN | gzip -1c >> $OUT"),
            "pigz": ("pigz", "pigz -p 2 -b 128 -c $IN > $OUT"),
            "bgzip": ("bgzip", "bgzip -c $IN > $OUT"),
            "zstd-19": ("zstd", "zstd -q -19 -c $IN > $OUT"),
            "zstd-frames": ("zstd", "head -c 1000000 $IN | zstd -q -c > $OUT && tail -c +1000001 $IN | zstd -q -c >> $OUT"),
            "zstd-T2": ("zstd", "zstd -q -T2 -B1M -c $IN > $OUT"),
            "xz": ("xz", "xz -c $IN > $OUT"),
            "xz-streams": ("xz", "head -c 1000000 $IN | xz -c > $OUT && tail -c +1000001 $IN | xz -c >> $OUT"),
            "bzip2": ("bzip2", "bzip2 -c $IN > $OUT"),
            "tar": ("tar", "tar -C $(dirname $IN) -cf $OUT $(basename $IN)"),
            "tar.gz": ("tar", "tar -C $(dirname $IN) -czf $OUT $(basename $IN)"),
            "tar.zst": ("zstd", "tar -C $(dirname $IN) -cf - $(basename $IN) | zstd -q -c > $OUT"),
            "zip": ("zip", "cd $(dirname $IN) && zip -q - $(basename $IN) > $OUT"),
        }
        top = run(["--top", "5", "-f", "csv", plain]).stdout
        made = {}
        for name, (tool, cmd) in sorted(tools.items()):
            if shutil.which(tool) is None:
                tally.skip("%s: the tool is not installed (scripts/install-deps.sh --all)" % name)
                continue
            for src, tag in ((plain, ""), (small, "-small")):
                out = os.path.join(d, "packed-" + name + tag)  # no telling suffix: first bytes only
                ok = sh(cmd.replace("$IN", src).replace("$OUT", out))
                check(ok, "%s: %s" % (name, cmd))
                made[name + tag] = out
        for name in sorted(k for k in made if not k.endswith("-small")):
            path = made[name]
            for extra in ([], ["--serial"], ["--verify"], ["-t", "3", "-c", "4K"], ["-t", "1", "-c", "999"],
                          ["--io", "mmap"]):
                rc, got, err = count_csv(extra + [path])
                check(rc == 0 and got == want, "%s %s: rc %d, %s vs %s (%s)" % (name, extra, rc, got, want, err[-200:]))
            rc, got, err = count_csv([path], stdin=open(path, "rb"))
            check(rc == 0 and got == want, "%s on standard input: rc %d, %s vs %s (%s)" % (name, rc, got, want, err[-200:]))
            r = subprocess.run("cat %s | %s -f csv" % (path, PROG), shell=True, capture_output=True)
            check(r.returncode == 0 and totals_csv(r.stdout) == want, "cat %s | wordtally: %s" % (name, r.stderr[-200:]))
            r = run(["--top", "5", "-f", "csv", path])
            check(r.returncode == 0 and r.stdout == top, "%s --top 5: as the plain file's (%s)" % (name, r.stderr[-200:]))

            if not name.startswith(("tar", "zip")):
                rc, got, err = count_csv(["--decompress=never", path])
                check(rc == 0 and got == oracle(open(path, "rb").read()),
                      "%s --decompress=never counts the raw bytes: %s (%s)" % (name, got, err[-200:]))
            # Damaged: cut short, or a byte changed in the middle; the good input is still counted.
            blob = open(path, "rb").read()
            bad = os.path.join(d, "bad-" + name)
            # A compressed archive's end (its trailer, after the tar's end): cut by a byte, or junk
            # after it, is damage as for a plain compressed file.
            ends = [] if name in ("tar", "zip") else [("cut by one byte", blob[:-1]),
                                                      ("with junk after it", blob + b"junk\n")]
            for what, body in ends + [("truncated", blob[:len(blob) * 2 // 3]),
                                      ("corrupted", blob[:len(blob) // 2] + bytes([blob[len(blob) // 2] ^ 0x55])
                                       + blob[len(blob) // 2 + 1:])]:
                if name == "tar" and what == "corrupted":
                    continue  # a plain tar's text has no checksum: a changed byte is just text
                open(bad, "wb").write(body)
                r = run(["-f", "csv", "--total=always", plain, bad])
                lines = r.stderr.decode("latin-1").splitlines()
                check(r.returncode == 1 and len(lines) == 1 and lines[0].startswith("wordtally: %s: " % bad)
                      and totals_csv(r.stdout) == want,
                      "%s %s: exit 1, one line naming it, the good input counted: rc %d %r" % (name, what, r.returncode, lines))
                r = run(["-f", "csv"], stdin=open(bad, "rb"))
                check(r.returncode == 1 and r.stderr.startswith(b"wordtally: -: ") and not r.stdout,
                      "%s %s on standard input: exit 1, nothing counted: %r" % (name, what, r.stderr))
        for name in sorted(k for k in made if k.endswith("-small")):
            for extra in (["-c", "1"], ["-c", "1", "--serial", "-t", "3"], ["-c", "3", "--verify", "-t", "2"]):
                rc, got, err = count_csv(extra + [made[name]])
                check(rc == 0 and got == swant, "%s %s: rc %d, %s vs %s" % (name, extra, rc, got, swant))
        # A vocabulary larger than --max-memory is counted in passes: a compressed file is decoded
        # again in each (a pipe could not be).
        numbers = os.path.join(d, "numbers")
        open(numbers, "wb").write(b"\n".join(b"%d" % i for i in range(300000)))
        check(sh("gzip -k %s" % numbers), "gzip numbers")
        want_vocab = run(["--vocab", "--max-memory", "1M", "-f", "csv", numbers, small])
        r = run(["--vocab", "--max-memory", "1M", "-f", "csv", numbers + ".gz", small])
        check(r.returncode == 0 and r.stdout == want_vocab.stdout and want_vocab.returncode == 0,
              "--vocab in --max-memory passes over a gzip file: %s" % r.stderr[-200:])
        # Members: a token never runs from one member into the next; the sum over members.
        for sub in ("m",):
            os.makedirs(os.path.join(d, sub))
        open(os.path.join(d, "m", "a"), "wb").write(b"cat do")
        open(os.path.join(d, "m", "b"), "wb").write(b"g boy\xc2")
        open(os.path.join(d, "m", "c"), "wb").write(b"\xa0girl")
        os.makedirs(os.path.join(d, "m", "dir"))
        # Run together they would read "cat dog boy<C2 A0>girl" ([1, 1, 1, 1]); as streams of their own
        # "do", "g", "boy<C2>" and "<A0>girl" are no words.
        sep = [0, 1, 0, 0]
        r = subprocess.run("cd %s && cat a b c | %s -f csv" % (os.path.join(d, "m"), PROG), shell=True,
                           capture_output=True)
        check(totals_csv(r.stdout) == [1, 1, 1, 1], "the members run together: %s" % r.stdout)
        for kind, cmd in (("tar", "tar -C %s -cf %s a b dir c"), ("tar.xz", "tar -C %s -cJf %s a b dir c"),
                          ("zip", "cd %s && zip -q -r %s a b dir c")):
            out = os.path.join(d, "members." + kind)
            if kind == "zip" and not shutil.which("zip"):
                continue
            check(sh(cmd % (os.path.join(d, "m"), out)), "make " + kind)
            for extra in ([], ["--serial"], ["-c", "1", "-t", "3"]):
                rc, got, err = count_csv(extra + [out])
                check(rc == 0 and got == sep, "%s %s: members are token streams of their own: %s (%s)" % (kind, extra, got, err))
            r = run(["-f", "json", out])
            check(r.returncode == 0 and b'"bytes": 17,' in r.stdout,
                  "%s: bytes are the members' bytes: %s" % (kind, r.stdout[:300]))
            r = run(["--vocab", "-f", "csv", out])
            check(r.returncode == 0 and b"do," in r.stdout and b"g," in r.stdout and b"dog," not in r.stdout,
                  "%s --vocab: members' tokens apart: %s" % (kind, r.stdout))
        # A damaged header inside a tar: libarchive would skip to the next header it can read, and
        # the members between would be missing. A bad checksum, and a garbage size under a valid
        # checksum (the member's text then reads as headers): exit 1 naming it, plain and gzipped.
        tar = open(os.path.join(d, "members.tar"), "rb").read()
        second = 512 + 512  # member a: its header and one block of text
        for what in ("checksum", "size"):
            h = bytearray(tar)
            if what == "checksum":
                h[second + 148] = ord("7") if h[second + 148] != ord("7") else ord("6")
            else:
                h[second + 124:second + 136] = b"zzzzzzzzzzz\0"
                h[second + 148:second + 156] = b" " * 8
                h[second + 148:second + 156] = b"%06o\0 " % sum(h[second:second + 512])
            bad = os.path.join(d, "bad-%s.tar" % what)
            open(bad, "wb").write(bytes(h))
            check(sh("gzip -kf %s" % bad), "gzip " + bad)
            for f in (bad, bad + ".gz"):
                rc, got, err = count_csv([f])
                check(rc == 1 and err.startswith(("wordtally: %s: " % f).encode()) and err.count(b"\n") == 1,
                      "a tar with a damaged %s in its second header: exit 1 naming it: %s %s" % (what, rc, err))
        # A text that only starts like a format is text; a name ending in .gz is not a format.
        fake = os.path.join(d, "fake.gz")
        open(fake, "wb").write(b"dog cat\n")
        rc, got, err = count_csv([fake])
        check(rc == 0 and got == [1, 1, 0, 0], "a plain file named .gz is text: %s %s" % (got, err))
        # "ustar" where a tar header has its magic, as in a dictionary's "mustard": text, since
        # the header's checksum does not hold.
        mustard = os.path.join(d, "mustard")
        open(mustard, "wb").write(b"dog " * 63 + b"an, mustard, cat\n" + b"boy " * 200)
        rc, got, err = count_csv([mustard])
        check(rc == 0 and got == [63, 1, 200, 0], "'ustar' at offset 257 of a text: %s %s" % (got, err))
        # A zstd file that starts with a skippable frame (pzstd writes one first).
        skip = os.path.join(d, "skippable.zst")
        body = b"dog cat dog\n"
        with open(skip, "wb") as f:
            f.write(b"\x50\x2a\x4d\x18" + (4).to_bytes(4, "little") + b"\0\0\0\0")
        if sh("zstd -q -c - >> %s < %s" % (skip, fake)):
            rc, got, err = count_csv([skip])
            check(rc == 0 and got == [1, 1, 0, 0], "zstd after a skippable frame: %s %s" % (got, err))
        r = run(["--decompress=sometimes", fake])
        check(r.returncode == 2 and b"--decompress" in r.stderr, "a bad --decompress: exit 2")
        # A zip bomb's little brother: 1 GiB of zeros in ~1 MB, decoded in bounded memory.
        if shutil.which("gzip"):
            z = os.path.join(d, "zeros")
            check(sh("head -c 1G /dev/zero | gzip -1 > %s" % z), "make 1 GiB of zeros, gzipped")
            limit = "ulimit -v %d; " % (600 * 1024) if RSS_BOUND else ""
            r = subprocess.run("%sexec %s -f csv %s" % (limit, PROG, z), shell=True, capture_output=True)
            check(r.returncode == 0 and totals_csv(r.stdout) == [0, 0, 0, 0],
                  "1 GiB of gzipped zeros under %s: rc %d %s" % (limit or "no limit", r.returncode, r.stderr[-200:]))


def test_compressed_timing():
    """A compressed input's seconds are the wall time the user waited for it, decoding included:
    xz decodes far slower than wordtally counts, so they are most of the run's own wall clock
    (relations only, no speed asserted). bytes are the text's, compressed_bytes beside them."""
    with tempfile.TemporaryDirectory() as d:
        data = text_for_packing(24 << 20, 5)
        packed = os.path.join(d, "slow")
        open(packed, "wb").write(lzma.compress(data, preset=0))
        size = os.path.getsize(packed)
        for args in ([], ["-t", "1"], ["-t", "2"], ["--serial"], ["--verify"], ["--top", "3"]):
            start = time.monotonic()
            r = run(["-f", "json", "--no-progress"] + args + [packed])
            wall = time.monotonic() - start
            j = json.loads(r.stdout) if r.returncode == 0 else {}
            seconds = j.get("seconds", -1)
            f = (j.get("files") or [{}])[0]
            check(f.get("bytes") == len(data) and j.get("bytes") == len(data) and
                  f.get("compressed_bytes") == size and
                  0.5 * wall <= seconds <= wall and
                  abs(j.get("gb_per_s", 0) - len(data) / seconds / 1e9) <= 1e-4 + 1e-3 * j.get("gb_per_s", 0),
                  "xz %s: seconds %.3f are the input's wall time (the run took %.3f s), bytes of text "
                  "%s, compressed %s of %d" % (args, seconds, wall, f.get("bytes"), f.get("compressed_bytes"), size))
        with open(packed, "rb") as f:
            r = run(["-f", "json"], stdin=f)
        j = json.loads(r.stdout) if r.returncode == 0 else {}
        check(j and j["files"][0].get("compressed_bytes") == size and j["bytes"] == len(data),
              "xz on standard input: compressed_bytes %s of %d" % (j and j["files"][0], size))
        r = run(["-v", packed])
        err, out = r.stderr.decode(), r.stdout.decode()
        check(r.returncode == 0 and ("; %d compressed bytes, %d bytes of text" % (size, len(data))) in err and
              ("-- %d bytes of text (1 compressed: %d bytes) in 1 file" % (len(data), size)) in out,
              "-v and the text summary say what the bytes are: %r %r" % (err[-300:], out[-300:]))


def test_terminal_eof():
    """One Ctrl-D ends input typed on a terminal, as for wc: a terminal's end of input is not sticky,
    so no reading layer (format probe, decoder, batches) may read again after it."""
    import pty
    for args in (["-q"], ["-q", "--decompress=never"], ["--top", "1"]):
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(PROG, [PROG, "--no-progress"] + args)
        os.write(fd, b"the dog\n\x04")  # a line, then Ctrl-D at the start of the next
        presses, status, out = 1, None, b""
        deadline = time.monotonic() + 5
        while status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                break
            if time.monotonic() > deadline:
                if presses == 4:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    break
                os.write(fd, b"\x04")
                presses, deadline = presses + 1, time.monotonic() + 5
            time.sleep(0.05)
        try:
            while True:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                out += chunk
        except OSError:
            pass
        os.close(fd)
        want = b"1 0 0 0" if "-q" in args else b"1 dog"
        check(status == 0 and presses == 1 and want in out,
              "terminal %s: one Ctrl-D ends the input (took %d, status %s, %r)" % (args, presses, status, out[-200:]))


def test_progress_lines():
    """--progress on a log (not a terminal): a compressed input's share done and time left come
    from its compressed bytes read; several inputs say which is which ("file k of N"); times are
    h:mm:ss."""
    with tempfile.TemporaryDirectory() as d:
        data = text_for_packing(1 << 20, 7)
        packed = os.path.join(d, "p.xz")
        open(packed, "wb").write(lzma.compress(data, preset=0))
        plain = os.path.join(d, "plain")
        open(plain, "wb").write(data)
        r = run(["--progress", "-q", packed, plain])
        lines = r.stderr.decode().splitlines()
        first = [ln for ln in lines if ln.startswith("wordtally: %s (file 1 of 2): " % packed)]
        second = [ln for ln in lines if ln.startswith("wordtally: %s (file 2 of 2): " % plain)]
        check(r.returncode == 0 and first and second and
              " GB of text, 0.00 / 0.00 GB compressed 100%, " in first[-1] and
              re.search(r", \d+:\d\d:\d\d elapsed$", first[-1]) and
              " / 0.00 GB 100%, " in second[-1],
              "--progress: compressed share, file k of N, h:mm:ss: %r" % lines)
        r = subprocess.run([PROG, "--progress", "-q"], input=open(packed, "rb").read(), capture_output=True)
        lines = r.stderr.decode().splitlines()
        check(r.returncode == 0 and lines and lines[-1].startswith("wordtally: -: 0.00 GB of text, 0.00 GB compressed, ")
              and "file" not in lines[-1], "--progress on a compressed pipe: no total, no file k of N: %r" % lines)


def test_filters():
    """-r with grep's --include, --exclude and --exclude-dir: shell patterns on base names, each
    repeatable, an --exclude wins; FILE arguments and --files-from names filtered too, standard
    input never; the counts are those of the files kept. find -print0 | --files-from - --null is
    the documented route for anything richer."""
    import fnmatch
    with tempfile.TemporaryDirectory() as d:
        tree = ["src/a.c", "src/b.h", "src/.hidden.c", "src/notes.txt", "src/sub/c.c", "src/sub/d.txt",
                "src/.git/objects/x.c", "src/build/e.c", "src/build/f.o", "src/sub/build/g.c", "top.c"]
        for i, rel in enumerate(tree):
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "wb").write(b"dog " * (i + 1) + b"cat\n")
        src = os.path.join(d, "src")

        def kept(files, include=(), exclude=(), exclude_dir=()):
            out = []
            for rel in files:
                parts = rel.split("/")
                if any(fnmatch.fnmatchcase(p, g) for p in parts[:-1] for g in exclude_dir):
                    continue
                base = parts[-1]
                if any(fnmatch.fnmatchcase(base, g) for g in exclude):
                    continue
                if include and not any(fnmatch.fnmatchcase(base, g) for g in include):
                    continue
                out.append(os.path.join(d, rel))
            return sorted(out)

        under = [t for t in tree if t.startswith("src/")]
        cases = [([], {}), (["--include=*.c"], dict(include=["*.c"])),
                 (["--include", "*.c", "--include=*.h"], dict(include=["*.c", "*.h"])),
                 (["--include=*.c", "--exclude=.*"], dict(include=["*.c"], exclude=[".*"])),
                 (["--exclude=*.c", "--include=*.c"], dict(include=["*.c"], exclude=["*.c"])),
                 (["--exclude-dir=.git", "--exclude-dir", "build"], dict(exclude_dir=[".git", "build"])),
                 (["--exclude-dir=b*", "--include=*.c", "--exclude=a.c"],
                  dict(include=["*.c"], exclude=["a.c"], exclude_dir=["b*"]))]
        for args, rules in cases:
            r = run(["-r", "-f", "json"] + args + [src])
            j = json.loads(r.stdout) if r.returncode == 0 else {}
            paths = [f["path"] for f in j.get("files", [])]
            want = kept(under, **rules)
            check(r.returncode == 0 and paths == want and
                  j["total"] == [sum(oracle(p)[k] for p in want) for k in range(4)],
                  "-r %s: %s (want %s)" % (" ".join(args), paths, want))
        r = run(["-r", "-f", "json", "--exclude-dir=src", src])
        j = json.loads(r.stdout) if r.returncode == 0 else {}
        check(r.returncode == 0 and j.get("files") == [] and j.get("errors") == [],
              "--exclude-dir matching the directory argument: nothing counted, exit 0, and standard "
              "input not read instead: %r" % r.stdout[:200])
        args = [os.path.join(d, "top.c"), os.path.join(src, "notes.txt")]
        r = run(["-f", "json", "--include=*.c"] + args)
        j = json.loads(r.stdout) if r.returncode == 0 else {}
        check([f["path"] for f in j.get("files", [])] == args[:1], "FILE arguments filtered: %r" % r.stdout[:300])
        listing = os.path.join(d, "list")
        open(listing, "w").write("\n".join(args) + "\n")
        r = run(["-f", "json", "--exclude=*.c", "--files-from", listing])
        j = json.loads(r.stdout) if r.returncode == 0 else {}
        check([f["path"] for f in j.get("files", [])] == args[1:], "--files-from names filtered: %r" % r.stdout[:300])
        with open(os.path.join(src, "a.c"), "rb") as f:
            r = run(["-f", "json", "--exclude=*", "-"], stdin=f)
        j = json.loads(r.stdout) if r.returncode == 0 else {}
        check([f["path"] for f in j.get("files", [])] == ["-"], "standard input is never filtered")
        found = subprocess.run("find %s -name '*.c' -not -path '*/build/*' -print0 | sort -z" % src, shell=True,
                               capture_output=True).stdout
        r = subprocess.run([PROG, "-f", "json", "--files-from", "-", "--null"], input=found, capture_output=True)
        j = json.loads(r.stdout) if r.returncode == 0 else {}
        want = sorted(os.fsdecode(n) for n in found.split(b"\0") if n)
        check(r.returncode == 0 and [f["path"] for f in j.get("files", [])] == want and len(want) == 4,
              "find -print0 | wordtally --files-from - --null: %r" % r.stdout[:300])


def bgzf_blocks(blob):
    """The BGZF blocks of a file: (offset, size) of each, read from their 'BC' extra fields."""
    out, off = [], 0
    while off < len(blob):
        assert blob[off:off + 4] == b"\x1f\x8b\x08\x04" and blob[off + 12:off + 14] == b"BC"
        size = int.from_bytes(blob[off + 16:off + 18], "little") + 1
        out.append((off, size))
        off += size
    return out


def pzstd_frames(blob):
    """The frames of a pzstd file: a skippable frame before each, holding its size."""
    n, off = 0, 0
    while off < len(blob):
        assert blob[off:off + 8] == b"\x50\x2a\x4d\x18\x04\x00\x00\x00"
        off += 12 + int.from_bytes(blob[off + 8:off + 12], "little")
        n += 1
    return n


def peak_rss_kib(args, stdin=None):
    r = subprocess.run(["/usr/bin/time", "-f", "%M", PROG] + args, stdin=stdin, capture_output=True)
    return r.returncode, int(r.stderr.decode().strip().splitlines()[-1])


def test_parallel_decoding():
    """SPEC §6: BGZF blocks (bgzip) and zstd frames (pzstd) are decoded in parallel, a window at a
    time in bounded memory, and -v says so; counts equal the plain text's for every chunk size,
    thread count and path, on a pipe too; a damaged block is exit 1 with the message of the one-
    thread decoder, naming the input; a truncated file is exit 1; other gzip data is decoded by a
    reader thread beside the team."""
    if not all(shutil.which(t) for t in ("bgzip", "pzstd", "gzip")):
        tally.skip("parallel decoding: bgzip (tabix) or pzstd (zstd) missing: scripts/install-deps.sh")
        return
    with tempfile.TemporaryDirectory() as d:
        piece = text_for_packing(3 << 20, 5)
        # 13 pieces, 39 MiB: more than one window of blocks (8 MiB) and of pzstd frames (32 MiB).
        big = os.path.join(d, "big")
        open(big, "wb").write(piece * 13)
        want = [13 * c for c in oracle(piece)]
        small = os.path.join(d, "small")
        sdata = text_for_packing(300000, 6)
        open(small, "wb").write(sdata)
        swant = oracle(sdata)
        made = {}
        for src in (big, small):
            for kind, cmd in (("bgz", "bgzip -@2 -c %s > %s"), ("pzst", "pzstd -q -p 2 -c %s > %s"),
                              ("gz", "gzip -c %s > %s")):
                out = "%s-%s" % (src, kind)
                check(sh(cmd % (src, out)), cmd % (src, out))
                made[os.path.basename(src) + "-" + kind] = out
        # Several frames each with its size (zstd of 50 KB pieces, one after the other).
        frames = os.path.join(d, "small-frames")
        check(sh("cd %s && split -b 50000 small part- && for p in part-*; do zstd -q -c $p; done > %s"
                 % (d, frames)), "zstd frames of 50 KB")
        made["small-frames"] = frames

        # -v says how each was decoded: every block or frame in parallel with 2 threads or more.
        blocks = len(bgzf_blocks(open(made["big-bgz"], "rb").read()))
        r = run(["-v", "-q", "-t", "2", made["big-bgz"]])
        line = "wordtally: %s: gzip (BGZF): %d blocks decoded in parallel by 2 threads; " % (made["big-bgz"], blocks)
        check(r.returncode == 0 and line.encode() in r.stderr, "-v: %r in %r" % (line, r.stderr[-400:]))
        r = run(["-v", "-q", "-t", "3", made["big-pzst"]])
        nframes = pzstd_frames(open(made["big-pzst"], "rb").read())
        line = "wordtally: %s: zstd: %d frames decoded in parallel by 3 threads; " % (made["big-pzst"], nframes)
        check(r.returncode == 0 and line.encode() in r.stderr, "-v: %r in %r" % (line, r.stderr[-400:]))
        one = os.path.join(d, "one-frame")
        check(sh("zstd -q -c %s > %s" % (os.path.join(d, "small"), one)), "zstd, one frame")
        r = run(["-v", "-q", "-t", "2", one])
        check(r.returncode == 0 and b": zstd: 1 frame decoded in parallel by 2 threads; " in r.stderr,
              "-v: one frame, singular: %r" % r.stderr[-300:])
        r = run(["-v", "-q", "-t", "2", made["small-frames"]])
        line = "zstd: %d frames decoded in parallel" % ((len(sdata) + 49999) // 50000)
        check(r.returncode == 0 and line.encode() in r.stderr, "-v: %r in %r" % (line, r.stderr[-400:]))
        r = run(["-v", "-q", "-t", "2", made["big-gz"]])
        check(r.returncode == 0 and b"gzip: decoded by a reader thread ahead of the counting" in r.stderr,
              "-v, one gzip member: %r" % r.stderr[-400:])
        r = run(["-v", "-q", "-t", "1", made["big-bgz"]])
        check(r.returncode == 0 and b"gzip: decoded by the counting thread" in r.stderr,
              "-v -t 1: %r" % r.stderr[-400:])

        for name in ("big-bgz", "big-pzst", "big-gz"):
            path = made[name]
            for extra in ([], ["-t", "1"], ["-t", "3", "-c", "64"], ["-t", "2", "-c", "256K"], ["--serial"],
                          ["--verify", "-t", "3"], ["--per-chunk", "-c", "1M"], ["--io", "mmap"]):
                if "--per-chunk" in extra:
                    r = run(["-f", "csv", "-t", "2"] + extra + [path])
                    check(r.returncode == 0 and b",cat," in r.stdout, "%s %s: %s" % (name, extra, r.stderr[-200:]))
                    continue
                rc, got, err = count_csv(extra + [path])
                check(rc == 0 and got == want, "%s %s: rc %d, %s vs %s (%s)" % (name, extra, rc, got, want, err[-200:]))
            for t in ("1", "2", "3"):
                r = subprocess.run("cat %s | %s -f csv -t %s" % (path, PROG, t), shell=True, capture_output=True)
                check(r.returncode == 0 and totals_csv(r.stdout) == want,
                      "cat %s | wordtally -t %s: %s" % (name, t, r.stderr[-200:]))
            if RSS_BOUND:  # SPEC §6: 64 MiB + 1 MiB a thread, whatever the size
                for t in (2, 3):
                    rc, kib = peak_rss_kib(["-q", "-t", str(t), path])
                    check(rc == 0 and kib <= (64 + t) * 1024, "%s -t %d: peak RSS %d KiB" % (name, t, kib))

        for name in ("small-bgz", "small-pzst", "small-frames"):
            path = made[name]
            for c in ("1", "3", "64", "256K"):
                for t in ("1", "2", "3"):
                    rc, got, err = count_csv(["-c", c, "-t", t, path])
                    check(rc == 0 and got == swant, "%s -c %s -t %s: rc %d, %s vs %s" % (name, c, t, rc, got, swant))
                for extra in (["--serial", "-t", "2"], ["--verify", "-t", "3"]):
                    rc, got, err = count_csv(["-c", c] + extra + [path])
                    check(rc == 0 and got == swant, "%s -c %s %s: rc %d, %s vs %s" % (name, c, extra, rc, got, swant))
                r = subprocess.run("cat %s | %s -f csv -c %s -t 3" % (path, PROG, c), shell=True, capture_output=True)
                check(r.returncode == 0 and totals_csv(r.stdout) == swant, "cat %s | wordtally -c %s" % (name, c))

        # BGZF then a gzip member of another kind: that one decoded as a stream, in its place.
        mixed = os.path.join(d, "mixed")
        check(sh("cat %s %s %s > %s" % (made["small-bgz"], made["small-gz"], made["small-bgz"], mixed)), "mixed")
        r = run(["-v", "-f", "csv", "-t", "2", mixed])
        check(r.returncode == 0 and totals_csv(r.stdout) == [3 * c for c in swant]
              and b"1 member as a stream" in r.stderr, "BGZF, gzip, BGZF: %s %r" % (totals_csv(r.stdout), r.stderr[-300:]))

        # A block whose size field claims more than its member: one that covers the next block
        # too counts what both hold (the stream decoder reads members, not block sizes); the last
        # block's claiming junk appended after the file is exit 1. Every thread count alike.
        blob = open(made["big-bgz"], "rb").read()
        bl = bgzf_blocks(blob)
        (o1, s1), (_, s2) = bl[1], bl[2]
        wide = bytearray(blob)
        wide[o1 + 16:o1 + 18] = (s1 + s2 - 1).to_bytes(2, "little")
        ol, sl = bl[-1]
        tail = bytearray(blob) + bytes(100)
        tail[ol + 16:ol + 18] = (sl + 100 - 1).to_bytes(2, "little")
        for what, body, rc_want in (("covers the next block", wide, 0), ("covers junk at the end", tail, 1)):
            lie = os.path.join(d, "lie.bgz")
            open(lie, "wb").write(bytes(body))
            for t in ("1", "2", "3"):
                rc, got, err = count_csv(["-t", t, lie])
                check(rc == rc_want and (got == want if rc_want == 0 else ("wordtally: %s: " % lie).encode() in err),
                      "a BGZF block size that %s, -t %s: rc %d, %s (%s)" % (what, t, rc, got, err[-200:]))

        # Damage in a block or frame in the middle: exit 1 naming the input, as the one-thread
        # decoder says, nothing printed; a file cut inside a block or frame: exit 1.
        for name in ("big-bgz", "big-pzst"):
            blob = open(made[name], "rb").read()
            if name == "big-bgz":
                off, size = bgzf_blocks(blob)[blocks // 2]
                hit = off + size // 2
            else:
                hit = len(blob) // 2
            bad = os.path.join(d, "bad-" + name)
            for what, body in (("damaged", blob[:hit] + bytes([blob[hit] ^ 0x55]) + blob[hit + 1:]),
                               ("truncated", blob[:hit])):
                open(bad, "wb").write(body)
                first = None
                for t in ("1", "2", "3"):
                    r = run(["-f", "csv", "-t", t, bad])
                    msg = [x for x in r.stderr.decode("latin-1").splitlines() if "oversubscribed" not in x]
                    first = first or msg
                    check(r.returncode == 1 and not r.stdout and len(msg) == 1 and msg == first
                          and msg[0].startswith("wordtally: %s: %s " % (bad, what)),
                          "%s %s -t %s: exit 1, the one-thread message %r: rc %d %r" % (name, what, t, first, r.returncode, msg))
                    r = subprocess.run("cat %s | %s -f csv -t %s" % (bad, PROG, t), shell=True, capture_output=True)
                    check(r.returncode == 1 and not r.stdout and
                          r.stderr.decode("latin-1").splitlines()[-1] == first[0].replace(bad, "-"),
                          "cat %s %s | wordtally -t %s: %r" % (name, what, t, r.stderr))
        # Cut between two blocks: still gzip (members one after the other), counted as by one thread.
        blob = open(made["big-bgz"], "rb").read()
        off, _ = bgzf_blocks(blob)[blocks // 2]
        cut = os.path.join(d, "cut")
        open(cut, "wb").write(blob[:off])
        one = count_csv(["-t", "1", cut])
        check(one[0] == 0 and count_csv(["-t", "2", cut]) == one and count_csv(["-t", "3", "-c", "3", cut])[:2] == one[:2],
              "BGZF cut between blocks: as one thread counts it: %s" % (one,))


def test_compressed_changed():
    """SPEC §3: a regular file that changes while it is counted is an input error, a compressed
    one too: a member or frame appended while it is decoded (as a stream, by a reader thread, or
    in pieces in parallel) is exit 1 naming it, never counted with exit 0."""
    if not all(shutil.which(t) for t in ("gzip", "bgzip", "zstd", "pzstd")):
        tally.skip("a compressed file changed while counted: gzip, bgzip or zstd missing")
        return
    with tempfile.TemporaryDirectory() as d:
        made = {}
        for kind, cmd in (("gzip", "head -c 256M /dev/zero | gzip -1 > %s"),
                          ("bgzf", "head -c 256M /dev/zero | bgzip -@2 -c > %s"),
                          ("zstd frames", "head -c 256M /dev/zero | pzstd -q -p 2 -c > %s")):
            made[kind] = os.path.join(d, kind.replace(" ", "-"))
            check(sh(cmd % made[kind]), cmd % made[kind])
        more = {"gzip": gzip.compress(b" dog dog\n"), "bgzf": gzip.compress(b" dog dog\n"),
                "zstd frames": subprocess.run(["zstd", "-q", "-c"], input=b" dog dog\n",
                                              capture_output=True).stdout}
        for kind, path in sorted(made.items()):
            blob = open(path, "rb").read()
            for args in (["-t", "1"], ["-t", "2"], ["--top", "1", "-t", "2"]):
                open(path, "wb").write(blob)

                def grow(p):
                    with open(p, "ab") as f:
                        f.write(more[kind])
                opened, rc, out, err = run_and_change([PROG, "-f", "csv"] + args + [path], path, grow,
                                                      min_read=0, min_pos=513)
                lines = err.decode("latin-1").splitlines()
                check(opened and rc == 1 and not out and len(lines) == 1
                      and lines[0] == "wordtally: %s: file changed size while being counted" % path,
                      "%s grown while counted, %s: opened %s rc %s %r %r" % (kind, args, opened, rc, out[:100], err))


def main():
    if DECODING:
        test_compressed_changed()
        test_parallel_decoding()
        test_compressed()
        test_compressed_timing()
        test_progress_lines()
    else:
        tally.skip("compressed inputs and archives: --no-decoding")
    test_terminal_eof()
    test_filters()
    test_sizes_that_lie()
    test_many_inputs()
    test_one_table()
    test_total()
    tally.finish()


if __name__ == "__main__":
    main()
