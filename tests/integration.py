#!/usr/bin/env python3
"""Integration tests: wordtally against the SPEC oracle, on adversarial and real files, for every
chunk size x thread count x path; then exit codes and messages. Prints 'N passed, N failed'."""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import WORDS, Tally, make_files, oracle, tokens, totals_csv  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally")
CHUNKS = ["1", "2", "3", "63", "64", "65", "4095", "256K"]
THREADS = ["1", "2", "3"]
tally = Tally("integration")
check = tally.check



def run(args, stdin=None, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([PROG] + args, input=stdin, capture_output=True, env=e)


def test_counts(files):
    for name, path in files.items():
        want = oracle(path, WORDS)
        for c in CHUNKS:
            for t in THREADS:
                r = run(["-f", "csv", "-t", t, "-c", c, path])
                check(r.returncode == 0 and totals_csv(r.stdout) == want,
                      "%s -t %s -c %s: got %s rc %d, want %s" % (name, t, c, totals_csv(r.stdout),
                                                                  r.returncode, want))
            r = run(["-f", "csv", "--serial", "-c", c, path])
            check(r.returncode == 0 and totals_csv(r.stdout) == want, "%s --serial -c %s" % (name, c))
        r = run(["-f", "csv", "--verify", "-c", "3", "-t", "2", path])
        check(r.returncode == 0 and totals_csv(r.stdout) == want, "%s --verify" % name)
        data = open(path, "rb").read()
        for c in ("1", "65", "256K"):
            r = run(["-f", "csv", "-c", c, "-t", "2", "--verify"], stdin=data)
            check(r.returncode == 0 and totals_csv(r.stdout) == want, "%s on a pipe -c %s" % (name, c))


def test_word_lists(files, d):
    path = files["real-text"]
    text = tokens(path)
    r = random.Random(7)
    words = sorted(set(r.sample(text, 80)))[:70]
    words = [w for w in words if b"\0" not in w]
    wf = os.path.join(d, "words.txt")
    with open(wf, "wb") as f:
        f.write(b"\n".join(words) + b"\n")
    want = oracle(path, words)
    for c in ("1", "64", "256K"):
        out = run(["-f", "json", "-t", "2", "-c", c, "--words-file", wf, path])
        got = json.loads(out.stdout)["total"] if out.returncode == 0 else None
        check(got == want, "70 words from a file, -c %s" % c)
    long_word = "L" * 255
    lp = os.path.join(d, "long-words")
    with open(lp, "w") as f:
        f.write((long_word + " ") * 3 + long_word + "L " + long_word[:-1] + "\n" + long_word)
    for c in ("1", "100", "256", "4095"):
        r = run(["-f", "json", "-c", c, "-w", long_word, "-w", "L", lp])
        check(r.returncode == 0 and json.loads(r.stdout)["total"] == [4, 0], "255-byte word -c %s" % c)


def test_several_files(files):
    a, b = files["random-1"], files["real-text"]
    r = run(["-f", "json", a, b])
    j = json.loads(r.stdout)
    check([f["counts"] for f in j["files"]] == [oracle(a, WORDS), oracle(b, WORDS)], "per-file counts")
    check(j["total"] == [x + y for x, y in zip(oracle(a, WORDS), oracle(b, WORDS))], "total of two files")
    check(j["words"] == WORDS and j["files"][0]["bytes"] == os.path.getsize(a), "json keys")
    # A token never spans two files: "do" at the end of one and "g" at the start of the next.
    d = os.path.dirname(a)
    for n, data in (("end-do", b"x do"), ("start-g", b"g dog")):
        open(os.path.join(d, n), "wb").write(data)
    r = run(["-f", "csv", os.path.join(d, "end-do"), os.path.join(d, "start-g")])
    check(totals_csv(r.stdout) == [1, 0, 0, 0], "tokens do not span files")
    # Standard input from a file counts the bytes it delivers: from where a previous reader left
    # it, and only once when named twice.
    s = os.path.join(d, "stdin-part")
    open(s, "wb").write(b"xdog dog cat\n")
    r = subprocess.run("{ dd bs=1 count=1 status=none >/dev/null; %s -f csv; } < %s" % (PROG, s),
                       shell=True, capture_output=True)
    check(totals_csv(r.stdout) == [2, 1, 0, 0], "stdin from a file read part-way: the rest counted")
    with open(s, "rb") as f:
        r = subprocess.run([PROG, "-f", "json", "-", "-"], stdin=f, capture_output=True)
    j = json.loads(r.stdout)
    check([x["bytes"] for x in j["files"]] == [13, 0] and j["total"] == [1, 1, 0, 0],
          "stdin from a file named twice: counted once, as from a pipe")


def test_kernels(files, d):
    """Every kernel this CPU runs gives the oracle's counts: the default words (fast path), 70 words
    and a 255-byte word (general path); a kernel the CPU lacks, or one of another architecture, is a
    one-line usage error."""
    wf = os.path.join(d, "words.txt")  # written by test_word_lists
    words70 = open(wf, "rb").read().split()
    for k in ("scalar", "avx2", "avx2-filter", "avx512", "vbmi", "neon", "sve"):
        r = run(["--kernel", k, "-f", "json", files["single-word"]])
        if r.returncode == 2:
            lines = r.stderr.decode("latin-1").splitlines()
            check(len(lines) == 1 and r.stdout == b"" and
                  ("lacks" in lines[0] or "not available on this CPU" in lines[0]),
                  "--kernel %s refused with one line: %r" % (k, r.stderr))
            tally.skip("--kernel %s: %s" % (k, lines[-1] if lines else "refused"))
            continue
        check(r.returncode == 0 and json.loads(r.stdout)["kernel"] == k, "--kernel %s is reported" % k)
        for name, path in files.items():
            want = oracle(path, WORDS)
            for c in ("1", "65", "256K"):
                r = run(["--kernel", k, "-f", "csv", "-t", "2", "-c", c, path])
                check(r.returncode == 0 and totals_csv(r.stdout) == want,
                      "--kernel %s %s -c %s: got %s" % (k, name, c, totals_csv(r.stdout)))
        path = files["real-text"]
        want = oracle(path, words70)
        for c in ("64", "256K"):
            r = run(["--kernel", k, "-f", "json", "-c", c, "--words-file", wf, path])
            check(r.returncode == 0 and json.loads(r.stdout)["total"] == want,
                  "--kernel %s 70 words -c %s" % (k, c))
        r = run(["--kernel", k, "-f", "json", "-c", "100", "-w", "L" * 255, "-w", "L",
                 os.path.join(d, "long-words")])
        check(r.returncode == 0 and json.loads(r.stdout)["total"] == [4, 0], "--kernel %s 255-byte word" % k)


def test_io_mmap(files):
    """--io mmap counts files in place (src/io/mapio.c): the oracle's counts, the ends of the file
    still read with pread; a bad mode is a usage error."""
    for name, path in files.items():
        want = oracle(path, WORDS)
        for c in ("65", "256K"):
            r = run(["--io", "mmap", "-f", "csv", "-t", "2", "-c", c, path])
            check(r.returncode == 0 and totals_csv(r.stdout) == want,
                  "--io mmap %s -c %s: got %s" % (name, c, totals_csv(r.stdout)))
    r = run(["--io", "mmap", "--verify", "-f", "csv", files["real-text"]])
    check(r.returncode == 0 and totals_csv(r.stdout) == oracle(files["real-text"], WORDS), "--io mmap --verify")
    expect_error(["--io", "mmapx", files["single-word"]], 2, "--io 'mmapx'")


def expect_error(args, code, needle, stdin=None, env=None):
    r = run(args, stdin=stdin, env=env)
    err = r.stderr.decode("latin-1")
    lines = err.splitlines()
    ok = (r.returncode == code and len(lines) == 1 and lines[0].startswith("wordtally: ")
          and needle in lines[0])
    check(ok, "%s: rc %d (want %d), stderr %r" % (args, r.returncode, code, err))
    return r


def test_errors(files, d):
    good = files["single-word"]
    for args, needle in [
            (["-t", "0"], "--threads '0'"), (["-t", "-1"], "--threads '-1'"),
            (["-t", "abc"], "--threads 'abc'"), (["-t", "99999999999999999999"], "--threads"),
            (["-c", "0"], "--chunk-size '0'"), (["-c", "1Q"], "--chunk-size '1Q'"),
            (["-c", ""], "--chunk-size ''"), (["-c", "99999999999T"], "--chunk-size"),
            (["-w", ""], "empty word"), (["-w", "a b"], "whitespace"),
            (["-w", "dog", "-w", "dog"], "twice"), (["--words-file", "/nonexistent"], "/nonexistent"),
            (["--words-file", "/dev/null"], "no words"), (["-f", "xml"], "--format 'xml'"),
            (["--bogus"], "--bogus"), (["--kernel", "sse9"], "sse9")]:
        r = expect_error(args + [good], 2, needle)
        check(r.stdout == b"", "%s printed no counts" % args)
    expect_error(["-t"], 2, "-t: needs a value")
    expect_error(["/nonexistent/file"], 1, "/nonexistent/file: No such file or directory")
    expect_error([d], 1, "Is a directory")
    r = expect_error([good, "/nonexistent"], 1, "/nonexistent")
    check(b"dog" in r.stdout and b"1" in r.stdout, "the good file is still reported")
    r = run(["-f", "csv", good, "/nonexistent"])
    check(totals_csv(r.stdout) == [1, 0, 0, 0], "the good file's counts with a bad one beside it")
    r = run(["/dev/null"])
    check(r.returncode == 0 and b"dog  0" in r.stdout, "/dev/null counts as empty")
    r = run(["-f", "csv", good], env={"OMP_NUM_THREADS": "abc"})
    check(r.returncode == 0 and b"OMP_NUM_THREADS='abc'" in r.stderr and totals_csv(r.stdout) == [1, 0, 0, 0],
          "garbage OMP_NUM_THREADS warns and runs")
    r = run(["-f", "json", good], env={"OMP_NUM_THREADS": "3"})
    check(json.loads(r.stdout)["threads"] == 3, "OMP_NUM_THREADS is honoured")
    for a in (["--help"], ["-h"], ["--version"]):
        r = run(a)
        check(r.returncode == 0 and r.stdout and not r.stderr, "%s" % a)
    r = subprocess.run("%s %s > /dev/full" % (PROG, good), shell=True, capture_output=True)
    check(r.returncode == 1 and b"standard output" in r.stderr, "/dev/full: exit 1 with a message")


def main():
    with tempfile.TemporaryDirectory() as d:
        files = make_files(d)
        test_counts(files)
        test_word_lists(files, d)
        test_several_files(files)
        test_kernels(files, d)
        test_io_mmap(files)
        test_errors(files, d)
    tally.finish()


if __name__ == "__main__":
    main()
