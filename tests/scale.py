#!/usr/bin/env python3
"""Scale and I/O tests: the corpus generator against the SPEC oracle, peak memory on files
and pipes, long tokens, files that change while counted, --per-chunk. Exact values only; nothing is
timed. Usage: scale.py ./wordtally ./wordtally-gen. Prints 'N passed, N failed'."""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import (MODES, WORDS, WS_MULTI, Tally, chunk_edges, mode_args, oracle,  # noqa: E402
                     run_and_change, totals_csv)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from expected import read_expected  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally")
# Most corpora here are generated for latin1 (the per-chunk oracle below splits Latin-1 text);
# test_generator_modes checks every mode.
GEN_MODE = ["--encoding", "latin1"]
GEN = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "./wordtally-gen")
MIB = 1024 * 1024
# Sanitizer builds carry shadow memory: the counts are still checked, the memory bound is not.
RSS_BOUND = "--no-rss-bound" not in sys.argv
tally = Tally("scale")
check = tally.check



def expected(path):
    """FILE.expected: one 'WORD COUNT' line per word, as wordtally-gen writes it."""
    words, counts = read_expected(path + ".expected")
    return [w.decode("latin-1") for w in words], counts


def gen(args, env=None, mode=GEN_MODE):
    return subprocess.run([GEN] + mode + args, capture_output=True, env=dict(os.environ, **(env or {})))


def test_generator_modes(d):
    """FILE.expected follows the mode it was generated for: equal to that mode's oracle and to
    wordtally in that mode, at chunk sizes down to 1 byte; utf-8 corpora hold multi-byte
    whitespace, near misses and invalid bytes."""
    for enc, ic in MODES:
        args = mode_args(enc, ic)
        p = os.path.join(d, "gen-mode-%s%s" % (enc, "-i" if ic else ""))
        r = gen(["-s", "13", "-w", "dog", "-w", "Cat", "1M", p], mode=args)
        names, counts = expected(p)
        want = oracle(p, [n.encode("latin-1") for n in names], encoding=enc, ignore_case=ic)
        check(r.returncode == 0 and counts == want and min(counts) > 0,
              "wordtally-gen %s: expected %s, oracle %s" % (args, counts, want))
        for c in ("1", "2", "3", "64", "256K"):
            r = subprocess.run([PROG, "-f", "csv", "-c", c, "-t", "2", "-w", "dog", "-w", "Cat"] + args + [p],
                               capture_output=True)
            check(totals_csv(r.stdout) == counts, "wordtally %s -c %s on its corpus: %s" % (args, c, r.stdout[-120:]))
        data = open(p, "rb").read()
        if enc == "utf-8":
            check(all(s in data for s in WS_MULTI[:2] + ["\u3000".encode()]) and
                  all(n in data for n in ("Рdog".encode(), "Ådog".encode(), b"dog\xe3\x80 ", b"\xe9")),
                  "utf-8 corpus: NBSP, NEL, U+3000 as UTF-8, near misses, invalid bytes")
    r = gen(["1K", os.path.join(d, "bad-enc")], mode=["--encoding", "ascii"])
    check(r.returncode == 2 and b"ascii" in r.stderr, "wordtally-gen --encoding ascii: exit 2")
    r = gen(["-w", "a\u3000b".encode(), "1K", os.path.join(d, "bad-word")], mode=[])
    check(r.returncode == 2 and b"whitespace" in r.stderr, "wordtally-gen: a word with U+3000 is refused")


def test_generator(d):
    cases = [("0", 1, []), ("1", 1, []), ("100", 2, []), ("4097", 3, []), ("1M", 4, []),
             (str(9 * MIB + 5), 5, []),  # three generator blocks, the last one short
             ("2M", 6, ["-w", "Dog", "-w", "dog,", "-w", "the", "-w", "caf\xe9", "-w", "dogs"])]
    for size, seed, words in cases:
        p = os.path.join(d, "gen-%s-%d" % (size, seed))
        r = gen(["-s", str(seed)] + [w.encode("latin-1") for w in words] + [size, p])
        check(r.returncode == 0 and not r.stderr, "wordtally-gen %s: rc %d %r" % (size, r.returncode, r.stderr))
        names, counts = expected(p)
        want_words = [w for w in words[1::2]] or WORDS
        check(names == want_words, "%s.expected names its words: %s" % (p, names))
        check(os.path.getsize(p) == int(size) if size.isdigit() else os.path.getsize(p) == MIB * int(size[:-1]),
              "%s has the size asked for" % p)
        want = oracle(p, [w.encode("latin-1") for w in names], encoding="latin1")
        check(counts == want, "generated %s seed %d: expected %s, oracle %s" % (size, seed, counts, want))
        args = sum([["-w", w.encode("latin-1")] for w in names], [])
        r = subprocess.run([PROG, *GEN_MODE, "-f", "csv", "-t", "2"] + args + [p], capture_output=True)
        check(totals_csv(r.stdout) == counts, "wordtally on generated %s: %s" % (size, r.stdout[-200:]))
    big = os.path.join(d, "gen-9M")
    data = open(os.path.join(d, "gen-%d-5" % (9 * MIB + 5)), "rb").read()
    check(all(bytes([b]) in data for b in (0x85, 0xA0, 0x0C, 0x09, 0xE9)) and b"\r\n" in data and b"\n\n" in data,
          "the corpus has Latin-1 bytes, NEL/NBSP separators, lines and paragraphs")
    for near in (b" dogs ", b" Dog ", b" dog, ", b"\"dog ", b" hotdog "):
        check(near in data, "the corpus has the near miss %r" % near)
    # The same seed and size give the same bytes, whatever the thread count; another seed does not.
    one, two, other = big + "-t1", big + "-t3", big + "-s9"
    gen(["-t", "1", "-s", "5", str(9 * MIB + 5), one])
    gen(["-t", "3", "-s", "5", str(9 * MIB + 5), two])
    gen(["-s", "9", str(9 * MIB + 5), other])
    check(open(one, "rb").read() == data == open(two, "rb").read(), "deterministic for a seed, any thread count")
    check(open(other, "rb").read() != data, "another seed gives other text")
    for args, needle in ((["x", p], "x"), (["-s", "q", "1", p], "q"), (["1"], "usage"),
                         (["-w", "a b", "1", p], "whitespace"), (["1", os.path.join(d, "no/such")], "no/such")):
        r = gen(args)
        lines = r.stderr.decode().splitlines()
        check(r.returncode in (1, 2) and len(lines) == 1 and lines[0].startswith("wordtally-gen: ")
              and needle in lines[0], "wordtally-gen %s: rc %d %r" % (args, r.returncode, r.stderr))


def within(rss, bound_kib):
    return rss is not None and (rss <= bound_kib or not RSS_BOUND)


def peak_rss_kib(args, stdin_path=None, env=None):
    """Runs wordtally under /usr/bin/time -v: (returncode, stdout, peak RSS in KiB)."""
    with open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb") as f:
        r = subprocess.run(["/usr/bin/time", "-v", PROG, *GEN_MODE] + args, stdin=f, capture_output=True,
                           env=dict(os.environ, **(env or {})))
    rss = [int(line.split()[-1]) for line in r.stderr.decode().splitlines() if "Maximum resident" in line]
    return r.returncode, r.stdout, rss[0] if rss else None


def test_memory(d):
    """Peak RSS <= 64 MiB + 1 MiB per thread at default settings, files and pipes."""
    if not os.path.exists("/usr/bin/time"):
        check(False, "/usr/bin/time is missing (Debian package 'time'; scripts/install-deps.sh)")
        return
    p = os.path.join(d, "mem-96M")
    gen(["-s", "11", "96M", p])
    _, want = expected(p)
    for threads in ("1", "2", "8"):
        bound = 64 * 1024 + 1024 * int(threads)
        rc, out, rss = peak_rss_kib(["-f", "csv", "-t", threads, p])
        check(rc == 0 and totals_csv(out) == want and within(rss, bound),
              "file, %s threads: rc %d, peak RSS %s KiB (bound %d)" % (threads, rc, rss, bound))
        # Through a pipe: cat FILE | wordtally (a real pipe, not a redirected file).
        cat = subprocess.Popen(["cat", p], stdout=subprocess.PIPE)
        r = subprocess.run(["/usr/bin/time", "-v", PROG, *GEN_MODE, "-f", "csv", "-t", threads], stdin=cat.stdout,
                           capture_output=True)
        cat.wait()
        rss = [int(x.split()[-1]) for x in r.stderr.decode().splitlines() if "Maximum resident" in x]
        check(r.returncode == 0 and totals_csv(r.stdout) == want and rss and within(rss[0], bound),
              "pipe, %s threads: rc %d, peak RSS %s KiB (bound %d)" % (threads, r.returncode, rss, bound))
    # A pipe's batch grows with the team (4 MiB + 1/2 MiB per thread), but only what arrives is
    # touched: a few bytes through a pipe with 256 threads stay far under the 64 MiB base.
    r = subprocess.run("echo dog cat | /usr/bin/time -v %s -f csv -t 256" % PROG, shell=True,
                       capture_output=True)
    rss = [int(x.split()[-1]) for x in r.stderr.decode().splitlines() if "Maximum resident" in x]
    check(r.returncode == 0 and totals_csv(r.stdout) == [1, 1, 0, 0] and rss and within(rss[0], 64 * 1024),
          "a small pipe with 256 threads: peak RSS %s KiB (bound 65536)" % rss)


def test_long_token(d):
    """A token of 300 MiB (a sparse file's hole: NUL bytes) with words on both sides and across
    the 2^32 boundary is not possible cheaply here; the 5 GiB case is in docs/BENCHMARKS.md. This
    one checks that a huge token costs no memory and that the words around it count."""
    p = os.path.join(d, "hole")
    with open(p, "wb") as f:
        f.write(b"dog cat ")
        f.truncate(300 * MIB)
        f.seek(300 * MIB)
        f.write(b" girl dog\n")
    for args in (["-t", "2"], ["--serial"], ["-c", "1M", "-t", "3"], ["-c", "100M"]):
        rc, out, rss = peak_rss_kib(["-f", "csv"] + args + [p])
        check(rc == 0 and totals_csv(out) == [2, 1, 0, 1] and within(rss, 64 * 1024 + 3 * 1024),
              "300 MiB NUL token %s: rc %d %s, peak RSS %s KiB" % (args, rc, totals_csv(out), rss))
    rc, out, rss = peak_rss_kib(["-f", "csv", "-t", "2"], stdin_path=p)
    check(rc == 0 and totals_csv(out) == [2, 1, 0, 1] and within(rss, 66 * 1024), "300 MiB NUL token on stdin")


TOKEN = re.compile("[^\t\n\x0b\x0c\r\x1c-\x20\x85\xa0]+")  # SPEC §1's token, on Latin-1 text


def oracle_per_chunk(path, words, size):
    """Per-chunk counts from the SPEC oracle's tokens: a token counts in the chunk of its first byte."""
    text = open(path, encoding="latin-1", newline="").read()  # bytes as they are: no \r\n -> \n
    n = (len(text) + size - 1) // size
    rows = [[0] * len(words) for _ in range(n)]
    index = {w: i for i, w in enumerate(words)}
    for m in TOKEN.finditer(text):
        k = index.get(m.group())
        if k is not None:
            rows[m.start() // size][k] += 1
    latin1_words = [w.encode("latin-1") for w in words]
    check([sum(c) for c in zip(*rows)] == oracle(path, latin1_words, encoding="latin1") or not rows,
          "per-chunk oracle sums to the oracle")
    return [(i, i * size, min(size, len(text) - i * size), r) for i, r in enumerate(rows)]


def per_chunk_csv(out, nwords):
    lines = out.decode("latin-1").splitlines()
    rows = []
    for line in lines[1:]:
        f = line.rsplit(",", 3 + nwords)
        rows.append((int(f[1]), int(f[2]), int(f[3]), [int(x) for x in f[4:]]))
    return lines[0] if lines else "", rows


def test_per_chunk(d):
    corpus = os.path.join(d, "pc-corpus")
    gen(["-s", "21", str(3 * MIB + 1234), corpus])
    edges = os.path.join(d, "pc-edges")
    with open(edges, "wb") as f:
        f.write(chunk_edges(3000, 45) + b" cat\x85boy\xa0girl\0 dog")
    several = ["-w", "the", "-w", "dog", "-w", "Dog", "-w", "of", "-w", "and"]
    cases = [(edges, ["1", "63", "64", "65", "4K"], []), (corpus, ["64K", "256K", "1M", "5M"], []),
             (corpus, ["100K"], several)]
    for path, sizes, wargs in cases:
        words = wargs[1::2] or WORDS
        data = open(path, "rb").read()
        for c in sizes:
            n = 1 << 20 if c.endswith("M") else 1024 if c.endswith("K") else 1
            want = oracle_per_chunk(path, words, int(c.rstrip("KM")) * n)
            header = "file,chunk,offset,length," + ",".join(words)
            runs = [["-t", t] for t in ("1", "2", "3")] + [["--serial"], ["--verify", "-t", "2"]]
            for extra in runs:
                r = subprocess.run([PROG, *GEN_MODE, "--per-chunk", "-f", "csv", "-c", c] + extra + wargs + [path],
                                   capture_output=True)
                got_header, rows = per_chunk_csv(r.stdout, len(words))
                check(r.returncode == 0 and got_header == header and rows == want,
                      "--per-chunk %s -c %s %s: rc %d, %d rows (want %d)%s" % (
                          os.path.basename(path), c, extra, r.returncode, len(rows), len(want),
                          [x for x in zip(rows, want) if x[0] != x[1]][:2]))
            for t in ("1", "3"):  # a pipe: batches cut chunks into pieces, summed back by chunk
                r = subprocess.run([PROG, *GEN_MODE, "--per-chunk", "-f", "csv", "-c", c, "-t", t] + wargs,
                                   input=data, capture_output=True)
                check(r.returncode == 0 and per_chunk_csv(r.stdout, len(words))[1] == want,
                      "--per-chunk on a pipe -c %s -t %s" % (c, t))
    # Long word lists get smaller windows (COUNT_ROWS_BYTES): 600 words, 1 KiB chunks, 3 MiB.
    text = open(corpus, encoding="latin-1", newline="").read()
    many = sorted(set(m.group() for m in TOKEN.finditer(text[:400000]) if "\0" not in m.group()))[:600]
    wf = os.path.join(d, "pc-words")
    open(wf, "w", encoding="latin-1").write("\n".join(many) + "\n")
    want = oracle_per_chunk(corpus, many, 1024)
    for extra in (["-t", "2"], ["--serial"]):
        r = subprocess.run([PROG, *GEN_MODE, "--per-chunk", "-f", "csv", "-c", "1K", "--words-file", wf] + extra + [corpus],
                           capture_output=True)
        check(r.returncode == 0 and per_chunk_csv(r.stdout, len(many))[1] == want,
              "--per-chunk, 600 words, 3074 chunks %s" % extra)
    # Text: one line per chunk, then the usual totals; JSON is refused; several files in order.
    r = subprocess.run([PROG, *GEN_MODE, "--per-chunk", "-c", "1K", edges], capture_output=True)
    lines = r.stdout.decode("latin-1").splitlines()
    check(r.returncode == 0 and len([x for x in lines if " offset " in x]) == 3
          and lines[0] == edges + " chunk 0 offset 0 length 1024: dog %d cat 0 boy 0 girl 0"
          % oracle_per_chunk(edges, WORDS, 1024)[0][3][0]
          and lines[3].startswith("dog ") and lines[-1].startswith("-- "), "--per-chunk text: %s" % lines[:2])
    r = subprocess.run([PROG, *GEN_MODE, "--per-chunk", "-f", "json", edges], capture_output=True)
    check(r.returncode == 2 and b"--per-chunk" in r.stderr and not r.stdout, "--per-chunk -f json is a usage error")
    r = subprocess.run([PROG, *GEN_MODE, "--per-chunk", "-f", "csv", "-c", "1K", edges, corpus], capture_output=True)
    names = [line.rsplit(",", 7)[0] for line in r.stdout.decode("latin-1").splitlines()[1:]]
    check(r.returncode == 0 and names == [edges] * 3 + [corpus] * 3074, "--per-chunk with two files, in order")


def test_progress(d):
    p = os.path.join(d, "prog")
    gen(["-s", "3", "5M", p])
    plain = subprocess.run([PROG, *GEN_MODE, "-f", "csv", p], capture_output=True)
    for fmt in ("csv", "json", "text"):
        r = subprocess.run([PROG, *GEN_MODE, "--progress", "-f", fmt, p], capture_output=True)
        base = subprocess.run([PROG, *GEN_MODE, "-f", fmt, p], capture_output=True)
        last = r.stderr.decode().splitlines()[-1:] or [""]
        check(r.returncode == 0 and last[0].startswith("wordtally: %s: 0.01 / 0.01 GB 100%%, " % p)
              and re.search(r" GB/s, \d+:\d\d:\d\d elapsed$", last[0]),
              "--progress to a pipe: a last line with 100%% and the time elapsed: %r" % r.stderr)
        strip = (lambda b: b) if fmt != "text" else (lambda b: b.split(b"\n-- ")[0])
        if fmt == "json":
            strip = lambda b: re.sub(rb'"(seconds|gb_per_s)": [0-9.e+-]+', b"", b)
        check(strip(r.stdout) == strip(base.stdout), "--progress leaves stdout (%s) alone" % fmt)
    check(plain.returncode == 0 and plain.stderr == b"", "no progress when stderr is not a terminal")
    r = subprocess.run([PROG, *GEN_MODE, "--progress", "-f", "csv"], input=open(p, "rb").read(), capture_output=True)
    check(r.returncode == 0 and r.stderr.decode().splitlines()[-1].startswith("wordtally: -: 0.01 GB, "),
          "--progress on a pipe: bytes and GB/s, no total: %r" % r.stderr)
    for args, shown in (([], True), (["--no-progress"], False)):  # stderr a terminal: on unless told
        master, slave = pty.openpty()
        r = subprocess.run([PROG, *GEN_MODE, "-f", "csv"] + args + [p], stderr=slave, stdout=subprocess.PIPE)
        os.close(slave)
        err = b""
        while select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
        check(r.returncode == 0 and r.stdout == plain.stdout
              and ((b"\rwordtally: " + p.encode()) in err and err.endswith(b"\r\x1b[K")) == shown
              and (err == b"") == (not shown), "stderr a terminal %s: %r" % (args, err[:200]))


def test_changed_file(d):
    """A file truncated, grown or rewritten while counted is exit 1 naming it, never a
    crash or a wrong count with exit 0."""
    p = os.path.join(d, "changing")

    def make():
        with open(p, "wb") as f:
            f.write(b"dog cat ")
            f.truncate(1536 * MIB)  # a hole: quick to make, long enough to count
            f.seek(1536 * MIB)
            f.write(b" dog\n")

    def truncate(q):
        os.truncate(q, 1 * MIB)

    def grow(q):
        with open(q, "ab") as f:
            f.write(b" dog dog\n")

    def rewrite(q):  # same size, new bytes: only the modification time tells
        with open(q, "r+b") as f:
            f.write(b"cat dog ")
        t = os.stat(q).st_mtime_ns + 1000000
        os.utime(q, ns=(t, t))

    for name, change, args in (("truncated", truncate, ["-t", "2"]), ("grown", grow, ["-t", "2"]),
                               ("rewritten", rewrite, ["-t", "2"]), ("truncated, serial", truncate, ["--serial"]),
                               ("truncated, --io mmap", truncate, ["--io", "mmap"]),
                               ("grown, --io mmap", grow, ["--io", "mmap"]),
                               ("rewritten, --io mmap", rewrite, ["--io", "mmap"])):
        make()
        opened, rc, out, err = run_and_change([PROG, *GEN_MODE, "-f", "csv"] + args + [p], p, change)
        lines = err.decode().splitlines()
        check(opened and rc == 1 and not out and len(lines) == 1 and lines[0].startswith("wordtally: " + p + ": ")
              and ("changed size" in lines[0] or "written to" in lines[0]),
              "a file %s while counted: opened %s rc %s %r %r" % (name, opened, rc, out, err))
    os.unlink(p)


def main():
    d = tempfile.mkdtemp(prefix="wordtally-scale-", dir=os.environ.get("TMPDIR", "/tmp"))
    try:
        test_generator(d)
        test_generator_modes(d)
        test_memory(d)
        test_long_token(d)
        test_per_chunk(d)
        test_progress(d)
        test_changed_file(d)
    finally:
        shutil.rmtree(d)
    tally.finish()


if __name__ == "__main__":
    main()
