#!/usr/bin/env python3
"""--top and --vocab against collections.Counter (SPEC §7) on adversarial and real files, for
chunk sizes from 1, threads 1..3, the serial, verify and pipe paths, passes over hash partitions
(a tiny --max-memory), the three formats, and the usage errors. Prints 'N passed, N failed'.
Usage: vocab.py ./wordtally [./wordtally-gen] [--big] (--big adds gcide x1, 40 MB, in every path;
with the generator, its --vocab-out table is checked too)."""
import base64
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Tally, make_vocab_files  # noqa: E402
from testlib import vocab_csv as parse_csv, vocab_oracle as oracle  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
PROG = os.path.abspath(ARGS[0] if ARGS else "./wordtally")
GEN = os.path.abspath(ARGS[1]) if len(ARGS) > 1 else None
BIG = "--big" in sys.argv
# A sanitizer build's shadow memory and quarantine make its RSS and address space no measure of
# wordtally's own.
RSS_BOUND = "--no-rss-bound" not in sys.argv
tally = Tally("vocab")
check = tally.check


def run(args, stdin=None):
    return subprocess.run([PROG] + args, input=stdin, capture_output=True)


CHUNKS = ["1", "2", "3", "63", "64", "65", "4095", "256K"]


def test_vocab(files):
    for name, path in files.items():
        with open(path, "rb") as f:
            data = f.read()
        want = oracle(data)
        small = len(data) < 100000
        for c in CHUNKS if small or name == "long-tokens" else ["4095", "256K"]:
            if c in ("1", "2", "3") and len(data) > 20000:
                continue
            for t in ["1", "2", "3"]:
                r = run(["--vocab", "-f", "csv", "-t", t, "-c", c, path])
                check(r.returncode == 0 and parse_csv(r.stdout) == want,
                      "%s --vocab -t %s -c %s: rc %d %s" % (name, t, c, r.returncode, r.stderr))
        for extra in (["--serial"], ["--verify"], ["--verify", "-c", "65"]):
            r = run(["--vocab", "-f", "csv", path] + extra)
            check(r.returncode == 0 and parse_csv(r.stdout) == want,
                  "%s --vocab %s: rc %d %s" % (name, extra, r.returncode, r.stderr))
        for k in (1, 3, 100):
            r = run(["--top", str(k), "-f", "csv", path])
            check(r.returncode == 0 and parse_csv(r.stdout) == want[:k],
                  "%s --top %d: rc %d %s" % (name, k, r.returncode, r.stderr))
        for extra in ([], ["-t", "3", "-c", "1K"], ["--verify"]):
            r = run(["--vocab", "-f", "csv"] + extra, stdin=data)
            check(r.returncode == 0 and parse_csv(r.stdout) == want,
                  "%s --vocab %s from a pipe: rc %d %s" % (name, extra, r.returncode, r.stderr))


def test_modes(files):
    """--encoding latin1 and -i (tokens reported folded to lower case), where the build has them."""
    if run(["--encoding", "latin1", "--vocab", files["empty"]]).returncode != 0:
        print("(no --encoding in this build: modes not tested)")
        return
    for name in ("random-0", "random-3", "chunk-edges", "long-tokens", "real-text"):
        with open(files[name], "rb") as f:
            data = f.read()
        for opts, latin1, fold in ((["--encoding", "latin1"], True, False), (["-i"], False, True),
                                   (["--encoding", "latin1", "-i"], True, True)):
            want = oracle(data, "latin1" if latin1 else "utf-8", fold)
            for c, t in (("1", "3"), ("64", "2"), ("4095", "1"), ("256K", "2")):
                if c == "1" and len(data) > 20000:
                    continue
                r = run(["--vocab", "-f", "csv", "-c", c, "-t", t, files[name]] + opts)
                check(r.returncode == 0 and parse_csv(r.stdout) == want,
                      "%s %s -c %s -t %s: rc %d %s" % (name, opts, c, t, r.returncode, r.stderr))
            r = run(["--top", "5", "-f", "csv", "--verify", files[name]] + opts)
            check(r.returncode == 0 and parse_csv(r.stdout) == want[:5],
                  "%s %s --top 5 --verify: rc %d %s" % (name, opts, r.returncode, r.stderr))
            r = run(["--vocab", "-f", "csv"] + opts, stdin=data)
            check(r.returncode == 0 and parse_csv(r.stdout) == want,
                  "%s %s from a pipe: rc %d %s" % (name, opts, r.returncode, r.stderr))


def test_stream_long_token():
    """A token longer than a stream batch (several MiB), and tokens on both sides of it."""
    data = b"a b " + b"L" * (9 << 20) + b" b c " + b"M" * (5 << 20) + b"\xe2\x80\x80a"
    want = oracle(data)
    for extra in ([], ["--verify"], ["--serial"]):
        r = run(["--vocab", "-f", "csv"] + extra, stdin=data)
        check(r.returncode == 0 and parse_csv(r.stdout) == want,
              "pipe with a 9 MiB token %s: rc %d %s" % (extra, r.returncode, r.stderr))


def test_passes(d):
    """More distinct tokens than --max-memory holds: several passes, the same table."""
    r = random.Random(7)
    data = b" ".join(b"w%x" % r.randrange(1 << 40) + b"x" * r.randrange(0, 30)
                     for _ in range(120000)) + b" " + b"dog " * 50
    path = os.path.join(d, "many-distinct")
    with open(path, "wb") as f:
        f.write(data)
    want = oracle(data)
    for extra in (["-t", "1"], ["-t", "2"], ["-t", "3", "-c", "1M"], ["--verify"]):
        r_ = run(["--vocab", "-f", "csv", "--max-memory", "1M", path] + extra)
        check(r_.returncode == 0 and parse_csv(r_.stdout) == want,
              "--max-memory 1M --vocab %s: rc %d %s" % (extra, r_.returncode, r_.stderr))
        r_ = run(["--top", "10", "-f", "csv", "--max-memory", "1M", path] + extra)
        check(r_.returncode == 0 and parse_csv(r_.stdout) == want[:10],
              "--max-memory 1M --top 10 %s: rc %d" % (extra, r_.returncode))
    r_ = run(["--vocab", "--max-memory", "1M", path])
    last = r_.stdout.decode("latin-1").splitlines()[-1]
    check(" passes (--max-memory 1048576)" in last, "text summary names the passes: %s" % last)
    r_ = run(["--vocab", "--max-memory", "1M"], stdin=data)
    check(r_.returncode == 1 and b"stream cannot be read again" in r_.stderr
          and r_.stderr.count(b"\n") == 1, "a stream over --max-memory: exit 1, one line: %s"
          % r_.stderr)
    # The file fills --max-memory before the stream is read: the stream is named, the file counted.
    r_ = run(["--top", "10", "-f", "csv", "--max-memory", "1M", path, "-"], stdin=b"dog " * 99)
    check(r_.returncode == 1 and r_.stderr.startswith(b"wordtally: -: ") and b"stream" in r_.stderr
          and r_.stderr.count(b"\n") == 1 and parse_csv(r_.stdout) == want[:10],
          "a stream after a file over --max-memory: exit 1, the stream named: rc %d %s"
          % (r_.returncode, r_.stderr))


# docs/SPEC.md, --top and --vocab: what the process holds beside the tables of --max-memory.
def overhead(threads):
    return (8 << 20) + threads * (1 << 20)


def peak_rss(args, stdin=None, timeout=None):
    """Runs wordtally under /usr/bin/time (a child of this large process would count the pages
    it shares with it before exec); returns (exit status, stdout, its peak resident set in bytes)."""
    with tempfile.NamedTemporaryFile() as t:
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name, PROG] + args,
                           stdin=stdin, capture_output=True, timeout=timeout)
        return r.returncode, r.stdout, int(t.read().split()[-1]) * 1024


def test_memory(d):
    """A vocabulary several times --max-memory (about 16 MiB in one table): counted in passes, the
    peak resident memory stays under --max-memory plus the documented overhead. Memory only: the
    run's time is not looked at."""
    if not os.path.exists("/usr/bin/time"):
        check(False, "/usr/bin/time is missing (Debian package 'time'; scripts/install-deps.sh)")
        return
    r = random.Random(11)
    data = b" ".join(b"w%x" % r.randrange(1 << 40) for _ in range(300000)) + b" dog" * 9
    path = os.path.join(d, "over-max-memory")
    with open(path, "wb") as f:
        f.write(data)
    want = oracle(data)
    for limit in (4 << 20, 16 << 20):
        for extra in (["--top", "5", "-t", "2"], ["--vocab", "-t", "2"], ["--top", "5", "-t", "3"],
                      ["--vocab", "--verify", "-t", "2"], ["--top", "5", "--serial", "-t", "1"]):
            bound = limit + overhead(int(extra[-1]))
            rc, out, peak = peak_rss(["-f", "csv", "--max-memory", str(limit), path] + extra)
            rows = parse_csv(out)
            check(rc == 0 and rows == (want[:5] if "--top" in extra else want) and peak <= bound,
                  "--max-memory %d %s: rc %d, peak RSS %d bytes (at most %d)"
                  % (limit, extra, rc, peak, bound))


def test_token_longer_than_the_budget(d):
    """A token longer than a thread's share of --max-memory fits in no pass: the input fails at
    once, naming it, with its memory bounded: from a file, from a pipe, and an endless one
    (/dev/zero has no whitespace). Before, the token was held whole, or retried in 4096 passes."""
    path = os.path.join(d, "one-token")
    with open(path, "wb") as f:
        f.write(b"dog " + b"x" * (16 << 20) + b" cat")
    limit = 1 << 20
    for name, stdin in ((path, None), ("-", open(path, "rb")), ("/dev/zero", None)):
        for mode in (["--top", "2"], ["--vocab", "-t", "1"]):
            args = mode + ["--max-memory", str(limit), name]
            try:
                rc, out, peak = peak_rss(args, stdin=stdin, timeout=120)
            except subprocess.TimeoutExpired:
                check(False, "%s: still running after 120 s" % args)
                continue
            stream = name != path  # SPEC §5: a stream adds its 5 MiB batch
            bound = limit + overhead(2) + (5 << 20) * stream if RSS_BOUND else 1 << 62
            check(rc == 1 and peak <= bound,
                  "%s: rc %d (want 1), peak RSS %d bytes (at most %d)" % (args, rc, peak, bound))
            if stdin:
                stdin.seek(0)
    r = run(["--top", "2", "--max-memory", str(limit), path])
    check(b"a token longer than --max-memory allows" in r.stderr, "the reason: %r" % r.stderr)


def test_stdin_file_in_passes(d):
    """Standard input redirected from a regular file is read once: when the vocabulary needs
    passes it fails naming it (exit 1), never a second, empty reading counted as the file (exit
    0 with 0 tokens before), and a file beside it is still counted in passes."""
    path = os.path.join(d, "seq")
    with open(path, "wb") as f:
        f.write(b"".join(b"%d\n" % i for i in range(1, 200001)) + b"dog dog\n")
    with open(path, "rb") as f:
        p = subprocess.run([PROG, "--top", "1", "--max-memory", "1M"], stdin=f, capture_output=True)
    check(p.returncode == 1 and b"a stream cannot be read again in passes" in p.stderr,
          "stdin file in passes: rc %d, %r %r" % (p.returncode, p.stdout[-200:], p.stderr))
    with open(path, "rb") as f:
        p = subprocess.run([PROG, "--top", "1", "-f", "csv", "--max-memory", "1M", path, "-"],
                           stdin=f, capture_output=True)
    check(p.returncode == 1 and parse_csv(p.stdout) == [(b"dog", 2)],
          "file and stdin file in passes: rc %d, %r" % (p.returncode, p.stdout[-200:]))


def test_no_temporary_directory(d):
    """Passes over a vocabulary bigger than --max-memory with no usable TMPDIR: one line naming
    the temporary directory (exit 1), and no second, false reason."""
    r = random.Random(5)
    path = os.path.join(d, "distinct")
    with open(path, "wb") as f:
        f.write(b" ".join(b"w%x" % r.randrange(1 << 40) for _ in range(300000)))
    env = dict(os.environ, TMPDIR="/nonexistent")
    p = subprocess.run([PROG, "--vocab", "--max-memory", "1M", path], env=env, capture_output=True)
    lines = p.stderr.decode("latin-1").splitlines()
    check(p.returncode == 1 and len(lines) == 1 and lines[0].startswith("wordtally: /nonexistent: "),
          "TMPDIR=/nonexistent: rc %d, %r" % (p.returncode, lines))


def test_out_of_memory(d):
    """Memory that runs out below --max-memory (an address-space limit): the file is counted in
    passes, exactly; a stream, which cannot be read again, fails with one line naming it."""
    import resource
    tiny = os.path.join(d, "tiny")
    with open(tiny, "wb") as f:
        f.write(b"dog")

    def limited(mib):
        return lambda: resource.setrlimit(resource.RLIMIT_AS, (mib << 20, mib << 20))
    base = next((mib for mib in (64, 96, 128, 192, 256, 384, 512)
                 if subprocess.run([PROG, "--top", "1", "-t", "2", tiny], capture_output=True,
                                   preexec_fn=limited(mib)).returncode == 0), None)
    if base is None:
        print("(wordtally does not start under a 512 MiB address space: not tested)")
        return
    r = random.Random(13)
    data = b" ".join(b"w%x" % r.randrange(1 << 60) for _ in range(1500000))
    path = os.path.join(d, "over-address-space")
    with open(path, "wb") as f:
        f.write(data)
    run_ = subprocess.run([PROG, "--top", "1", "-t", "2", "-f", "json", path], capture_output=True,
                          preexec_fn=limited(base + 48))
    try:
        j = json.loads(run_.stdout)
        ok = j["tokens"] == 1500000 and j["distinct"] == len(set(data.split())) and j["passes"] > 1
    except ValueError as e:
        ok, j = False, e
    check(run_.returncode == 0 and ok, "out of memory, a file: passes, exact: rc %d %s %.200s"
          % (run_.returncode, run_.stderr, j))
    run_ = subprocess.run([PROG, "--top", "1", "-t", "2"], input=data, capture_output=True,
                          preexec_fn=limited(base + 48))
    check(run_.returncode == 1 and run_.stderr.startswith(b"wordtally: -: ")
          and run_.stderr.count(b"\n") == 1, "out of memory, a stream: exit 1, one line naming it: "
          "rc %d %s" % (run_.returncode, run_.stderr))


def test_json(path):
    """Valid UTF-8 JSON; a token that is not valid UTF-8 has its exact bytes in token_base64."""
    with open(path, "rb") as f:
        want = oracle(f.read())
    r = run(["--vocab", "-f", "json", path])
    try:
        j = json.loads(r.stdout.decode("utf-8"))
        got = [(base64.b64decode(e["token_base64"]) if "token_base64" in e
                else e["token"].encode("utf-8"), e["count"]) for e in j["vocab"]]
        ok = got == want and j["tokens"] == sum(c for _, c in want) and j["distinct"] == len(want)
    except ValueError as e:
        ok, j = False, e
    check(r.returncode == 0 and ok, "json --vocab %s: %s" % (path, j))


def test_formats(files):
    for name in ("csv-quoting", "random-0", "nul-and-controls"):
        test_json(files[name])
    with open(files["csv-quoting"], "rb") as f:
        want = oracle(f.read())
    r = run(["--top", "2", "-f", "json", files["real-text"]])
    j = json.loads(r.stdout.decode("utf-8"))
    check(j.get("top") == 2 and len(j["vocab"]) == 2, "json --top 2: %s" % j)
    r = run(["--top", "3", files["csv-quoting"]])
    lines = r.stdout.splitlines()
    check(len(lines) == 4 and lines[0].split() == [b"%d" % want[0][1], want[0][0]]
          and lines[3].startswith(b"-- %d tokens, %d distinct" % (sum(c for _, c in want),
                                                                  len(want))),
          "text --top 3: %s" % lines)
    r = run(["--vocab", files["empty"]])
    check(r.returncode == 0 and r.stdout.startswith(b"-- 0 tokens, 0 distinct"),
          "text of an empty file: %s" % r.stdout)


def test_usage(files):
    p = files["single"]
    for args, what in ((["--top", "0", p], "--top '0'"), (["--top", "x", p], "--top 'x'"),
                       (["--top", "3", "--vocab", p], "--top: not with --vocab"),
                       (["--vocab", "-w", "dog", p], "not with --word"),
                       (["--vocab", "--per-chunk", p], "not with --per-chunk"),
                       (["--vocab", "--max-memory", "1000", p], "--max-memory '1000'"),
                       (["--max-memory", "64M", p], "--max-memory: needs --top or --vocab")):
        r = run(args)
        check(r.returncode == 2 and what.encode() in r.stderr and r.stderr.count(b"\n") == 1,
              "%s: exit 2 naming %s: rc %d %s" % (args, what, r.returncode, r.stderr))
    r = run(["--vocab", "-f", "csv", p, "/nonexistent", p])
    check(r.returncode == 1 and parse_csv(r.stdout) == [(b"dog", 2)]
          and b"/nonexistent" in r.stderr, "a missing file: exit 1, the others counted")


def test_failed_inputs(files):
    """An input that cannot be read: the others counted, the report complete, exit 1. When every
    input fails, JSON is still one whole object (an empty vocab, the errors); text and CSV print
    nothing."""
    p = files["single"]
    for mode in (["--vocab"], ["--top", "2"]):
        for names, want in (([p, "/nonexistent", p], [("dog", 2)]),
                            (["/nonexistent", "/nonexistent2"], [])):
            r = run(mode + ["-f", "json"] + names)
            try:
                j = json.loads(r.stdout.decode("utf-8"))
                ok = ([(e["token"], e["count"]) for e in j["vocab"]] == want and
                      [e["path"] for e in j["errors"]] == [n for n in names if n != p] and
                      len(j["files"]) == names.count(p))
            except ValueError as e:
                ok, j = False, e
            check(r.returncode == 1 and ok, "json %s %s: rc %d, %s" % (mode, names, r.returncode, j))
            for fmt in ("text", "csv"):
                r = run(mode + ["-f", fmt] + names)
                out = r.stdout.decode("latin-1")
                whole = (out.endswith("\n") and ("-- 2 tokens" in out if fmt == "text" else
                                                  parse_csv(r.stdout) == [(b"dog", 2)])
                         if want else out == "")
                check(r.returncode == 1 and whole, "%s %s %s: rc %d, %r" % (fmt, mode, names,
                                                                            r.returncode, out))


def test_inputs_as_the_word_mode_reads_them(d):
    """Inputs the word mode reads as streams are read so here too: standard input redirected
    from a file that a previous reader left part-way (counted from its offset, as wc does), and
    procfs files whose size is made up; with a --max-memory too."""
    path = os.path.join(d, "header.txt")
    with open(path, "wb") as f:
        f.write(b"header line\ndog cat dog\n")
    for extra in ([], ["--max-memory", "1M"]):
        r = subprocess.run("{ read -r h; %s --vocab -f csv %s; } < %s"
                           % (PROG, " ".join(extra), path), shell=True, capture_output=True)
        check(r.returncode == 0 and parse_csv(r.stdout) == [(b"dog", 2), (b"cat", 1)],
              "stdin at an offset %s: rc %d, %r %r" % (extra, r.returncode, r.stdout, r.stderr))
    with open("/proc/version", "rb") as f:
        want = oracle(f.read())
    for mode in (["--vocab"], ["--vocab", "--max-memory", "1M"], ["--vocab", "-t", "1"]):
        r = run(mode + ["-f", "csv", "/proc/version", "/proc/version"])
        doubled = sorted(((t, 2 * n) for t, n in want), key=lambda kv: (-kv[1], kv[0]))
        check(r.returncode == 0 and parse_csv(r.stdout) == doubled,
              "%s /proc/version twice: rc %d, %r" % (mode, r.returncode, r.stderr))


def test_generator(d):
    """wordtally-gen --vocab-out: the table by construction, whatever the thread count, equal to
    Counter and to wordtally --vocab -f csv byte for byte."""
    path = os.path.join(d, "gen.txt")
    tables = []
    for t in ("1", "2"):
        v = os.path.join(d, "gen.vocab%s" % t)
        r = subprocess.run([GEN, "-s", "3", "-t", t, "--vocab-out", v, "3M", path],
                           capture_output=True)
        check(r.returncode == 0, "wordtally-gen --vocab-out -t %s: %s" % (t, r.stderr))
        tables.append(open(v, "rb").read())
    check(tables[0] == tables[1], "wordtally-gen --vocab-out: the same table for 1 and 2 threads")
    with open(path, "rb") as f:
        want = oracle(f.read())
    check(parse_csv(tables[0]) == want, "wordtally-gen --vocab-out equals Counter")
    r = run(["--vocab", "-f", "csv", "-c", "4095", path])
    check(r.stdout == tables[0], "wordtally --vocab -f csv equals wordtally-gen --vocab-out")


def main():
    with tempfile.TemporaryDirectory() as d:
        files = make_vocab_files(d, BIG)
        test_vocab(files)
        test_modes(files)
        test_stream_long_token()
        test_passes(d)
        if RSS_BOUND:
            test_memory(d)
            test_out_of_memory(d)
        else:
            print("SKIP: peak RSS and address-space limits: a sanitizer build")
        test_formats(files)
        test_usage(files)
        test_failed_inputs(files)
        test_inputs_as_the_word_mode_reads_them(d)
        test_token_longer_than_the_budget(d)
        test_no_temporary_directory(d)
        test_stdin_file_in_passes(d)
        if GEN:
            test_generator(d)
    tally.finish()


if __name__ == "__main__":
    main()
