#!/usr/bin/env python3
"""--top and --vocab with --tokens=words (SPEC §7, §8), and -i's Unicode simple case folding in
the vocabulary of both rules: the whole --vocab table against an oracle, on adversarial text
(words across every chunk edge for many chunk sizes, words longer than a chunk, a block, a read
and a stream batch, marks, ZWJ emoji, invalid UTF-8, NULs, KELVIN SIGN, final sigma, Cyrillic),
real text (GCIDE, FreeDict German and Russian), 1 and 2 threads, the serial and verify paths, a
file and a pipe, gzip, passes over --max-memory, latin1, the three formats; and what it refuses.
The words' oracle is the segmenter over the whole text at once (the wordbreak tool's `words`,
which tests/wordbreak.py holds to WordBreakTest.txt and to ICU); -i's is CaseFolding.txt read
here (testlib.casefold).
usage: tests/vocab_words.py WORDTALLY WORDBREAK_TOOL"""
import gzip
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import DICTIONARIES, Tally, casefold, tokens, vocab_count, vocab_csv  # noqa: E402

PROG, TOOL = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
t = Tally("vocab-words")


def check(ok, what):
    t.check(ok, f"[{KERNEL}] {what}" if KERNEL else what)

tmp = tempfile.mkdtemp(prefix="vocab-words.")


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


ORACLE = {}  # words_of's answers: every words kernel is held to the same ones


def words_of(data, encoding="utf-8"):
    """SPEC §8's words of the bytes data, in order. latin1: each byte read as the code point of
    the same number, so the UTF-8 segmenter gives the same words, mapped back to bytes."""
    key = (hashlib.sha256(data).digest(), encoding)
    if key not in ORACLE:
        ORACLE[key] = segment(data, encoding)
    return ORACLE[key]


def segment(data, encoding):
    text = data.decode("latin-1").encode() if encoding == "latin1" else data
    path = write("oracle.in", text)
    out = subprocess.run([TOOL, "words", path], check=True, capture_output=True).stdout
    ws = out.split(b"\n")[:-1]
    return [w.decode().encode("latin-1") for w in ws] if encoding == "latin1" else ws


def want_words(data, encoding="utf-8", ignore_case=False):
    return vocab_count(words_of(data, encoding), encoding, ignore_case)


KERNEL = None  # the words kernel named with --kernel (None: auto)


def run(args, stdin=None):
    kernel = ["--kernel", KERNEL] if KERNEL and "--tokens=words" in args else []
    return subprocess.run([PROG] + kernel + args, input=stdin, capture_output=True)


def table(args, path=None, stdin=None, rule="words"):
    """The --vocab (or --top) table of wordtally -f csv, or (exit status, message)."""
    r = run(["--tokens=" + rule, "-f", "csv"] + args + ([path] if path else []), stdin=stdin)
    got = vocab_csv(r.stdout)
    if r.returncode != 0 or got is None:
        return (r.returncode, r.stderr.decode(errors="replace").strip()[-300:])
    return got


# ---- the adversarial text ----
PIECES = [
    "The dog, the dog's bone; dogs\u2019 e-mail: 3.14 and 1,000.5 [1913 Webster] n. dog.",
    "\u201cDog\u201d DOG dog\u0301 dog\u200d\U0001F415 \U0001F1E9\U0001F1EA dog_ __ _ a@b.org i:s",
    "Собака собака СОБАКА. Été été ÉTÉ; Straße STRASSE \u1e9e \u212a\u212a kk KK \u05d0\"\u05d1 \u05d0'",
    "x\u0301\u0301\u0301y dog\u00addog 10:30 U.S.A. e.g. can't won\u2019t \u0661\u0662\u0663",
    "ΣΊΣΥΦΟΣ Σίσυφος σίσυφος ς Σ \u03c2\u03c3 \u0391\u0345 \u01c4\u01c5\u01c6 \u0130 \u0131 \ufb00",
    "\u023a\u023a \u2c65 \U00010400\U00010428 \u13a0 \uab70 カタカナ ひらがな 漢字 ภาษาไทย",
    "\U0001F469\u200d\U0001F469\u200d\U0001F467 \U0001F1EB\U0001F1F7\U0001F1E9 a\u200d\U0001F600",
]
SEPS = [" ", "", "\n", "\r\n", ",", "'", ".", ":", "\u00a0", "\u200d", "\u0301", "\u2019", "_"]
BAD = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\0", b"a\0b"]


def adversarial(size, seed):
    rng = random.Random(seed)
    words = " ".join(PIECES).split(" ")
    out = []
    n = 0
    while n < size:
        x = rng.choice(BAD) if rng.random() < 0.05 else (rng.choice(words) + rng.choice(SEPS)).encode()
        out.append(x)
        n += len(x)
    return b"".join(out)


small = adversarial(12000, 1)
small_path = write("small.txt", small)


def per_kernel():
    """The sections that every words kernel's token layer must pass (run with KERNEL)."""
    for ic in (False, True):
        w = want_words(small, ignore_case=ic)
        opt = ["-i"] if ic else []
        bad = []
        for c in ("1", "2", "3", "5", "7", "13", "63", "64", "65", "191", "192", "193", "255",
                  "256", "257", "1000", "4095", "4096", "4097", "256K"):
            for th in ("1", "2"):
                got = table(["--vocab", "-c", c, "-t", th] + opt, small_path)
                if got != w:
                    bad.append((c, th, got if isinstance(got, tuple) else len(got)))
        check(not bad and len(w) > 100, f"adversarial {opt}: every chunk size, 1 and 2 threads: {bad[:3]}")
        for extra in (["--serial", "-c", "7"], ["--verify", "-c", "5"], ["--verify", "-t", "2"]):
            check(table(["--vocab"] + extra + opt, small_path) == w, f"adversarial {opt} {extra}")
        for extra in (["-t", "1"], ["-t", "2", "-c", "100"]):
            check(table(["--vocab"] + extra + opt, stdin=small) == w, f"adversarial {opt} pipe {extra}")
        for k in (1, 5, 50):
            check(table(["--top", str(k)] + opt, small_path) == w[:k], f"adversarial {opt} --top {k}")

    # Words across WORDS_PIECE, blocks, reads and chunks of a bigger file; gzip; a pipe.
    big = adversarial(3 << 20, 2)
    big_path = write("big.txt", big)
    gz_path = big_path + ".gz"
    with gzip.open(gz_path, "wb", compresslevel=1) as f:
        f.write(big)
    for ic in (False, True):
        w = want_words(big, ignore_case=ic)
        opt = ["-i"] if ic else []
        for name, args, kw in (("file", ["-c", "64K", "-t", "2"], {"path": big_path}),
                               ("file -t 1", ["-t", "1"], {"path": big_path}),
                               ("gzip", ["-t", "2"], {"path": gz_path}),
                               ("pipe", ["-t", "2"], {"stdin": big}),
                               ("pipe -t 1", ["-t", "1"], {"stdin": big}),
                               ("spilled", ["--max-memory", "1M", "-t", "2"], {"path": big_path})):
            got = table(["--vocab"] + args + opt, **kw)
            check(got == w, f"3 MiB adversarial {opt} {name}: {got if isinstance(got, tuple) else ''}")

    # Several inputs, a file, a gzip file and a pipe: one vocabulary, no word across two of them.
    w = vocab_count(words_of(small) + words_of(big) + words_of(small + b"x"), "utf-8", True)
    got = table(["--vocab", "-i", "-t", "2", small_path, gz_path, "-"], stdin=small + b"x")
    check(got == w, f"a file, a gzip file and a pipe: {got if isinstance(got, tuple) else ''}")

    # latin1: each byte its Latin-1 character (é a letter, B7 joins letters); -i folds ASCII only.
    lat = ("Été été ÉTÉ, dog's dog. café·x CAFÉ naïve \xd7 \xb5 \xaa ".encode("latin-1") +
           bytes(range(256))) * 40
    lat_path = write("latin1.txt", lat)
    for ic in (False, True):
        w = want_words(lat, "latin1", ic)
        opt = ["--encoding", "latin1"] + (["-i"] if ic else [])
        for c in ("1", "3", "64", "256K"):
            check(table(["--vocab", "-c", c] + opt, lat_path) == w, f"latin1 {opt} -c {c}")
        check(table(["--vocab"] + opt, stdin=lat) == w, f"latin1 {opt} pipe")

    # Real text: GCIDE (English), FreeDict German-English and English-Russian.
    for name, size in (("GCIDE", 6 << 20), ("FreeDict deu-eng", 3 << 20), ("FreeDict eng-rus", 3 << 20)):
        dz = DICTIONARIES[name]
        if not os.path.exists(dz):
            t.skip(f"{dz} missing (scripts/install-deps.sh)")
            continue
        with gzip.open(dz) as f:
            real = f.read(size)
        real_path = write("real.txt", real)
        ws = words_of(real)
        for ic in (False, True):
            w = vocab_count(ws, "utf-8", ic)
            opt = ["-i"] if ic else []
            for args, kw in ((["-t", "1"], {"path": real_path}), (["-t", "2", "-c", "100K"],
                                                                 {"path": real_path}),
                             (["-t", "2"], {"stdin": real}),
                             (["--max-memory", "1M"], {"path": real_path})):
                got = table(["--vocab"] + args + opt, **kw)
                check(got == w, f"{name} {opt} {args} {list(kw)}: "
                      f"{got if isinstance(got, tuple) else len(got)} (want {len(w)})")
            check(table(["--top", "10"] + opt, real_path) == w[:10], f"{name} {opt} --top 10")
        if name == "FreeDict eng-rus":
            ru = [x for x, _ in vocab_count(ws, "utf-8", True) if x[:1] >= b"\xd0"]
            check(len(ru) > 1000, f"Russian words in {name}: {len(ru)}")

    # Words longer than a read (64 KiB), a block (256 KiB) and a stream batch (4 or 5 MiB) with every
    # joiner inside them, from a file (followed by reading on) and a pipe (carried from batch to
    # batch), with -i (a KELVIN SIGN cut by each edge must still fold).
    unit = "ab'cd.\u212a\u0301e3.14_x\u2019y\u00b7".encode()
    long_words = (b"dog " + unit * 25000 + b" cat " + unit * 400000 + b".\n" +
                  b"x" * 70000 + b"\xcc\x81" * 3 + b" dog. " + unit * 3)
    lw_path = write("long.txt", long_words)
    for ic in (False, True):
        w = want_words(long_words, ignore_case=ic)
        opt = ["-i"] if ic else []
        for args, kw in ((["-c", "1K"], {"path": lw_path}), ([], {"path": lw_path}),
                         (["-t", "1"], {"stdin": long_words}), (["-t", "2"], {"stdin": long_words}),
                         (["--verify"], {"stdin": long_words}), (["--serial"], {"path": lw_path})):
            got = table(["--vocab"] + args + opt, **kw)
            check(got == w, f"long words {opt} {args} {list(kw)}: {got if isinstance(got, tuple) else ''}")

    # Segments that run long but are no words (a run of spaces, of flags, an emoji ZWJ chain) are not
    # held: counted exactly under a small --max-memory; a word longer than a thread's share of it
    # fails the input, naming it, as a long token does under the space rule.
    nonwords = (b"dog " + b" " * (3 << 20) + b"dog " + "\U0001F1E9\U0001F1EA".encode() * 100000 +
                b" cat " + "\U0001F469\u200d".encode() * 100000 + b" boy")
    nw_path = write("nonwords.txt", nonwords)
    w = want_words(nonwords)
    for args, kw in ((["--max-memory", "1M"], {"path": nw_path}),
                     (["--max-memory", "1M", "-c", "1K"], {"path": nw_path}),
                     (["--max-memory", "2M", "-t", "1"], {"stdin": nonwords})):
        check(table(["--vocab"] + args, **kw) == w, f"long non-words {args} {list(kw)}")
    huge = write("huge.txt", b"dog " + b"x" * (3 << 20) + b" cat")
    for kw in ({"path": huge}, {"stdin": open(huge, "rb").read()}):
        r = run(["--tokens=words", "--top", "2", "--max-memory", "1M", "-t", "2"] +
                ([kw["path"]] if "path" in kw else []), stdin=kw.get("stdin"))
        why = b"a token longer than --max-memory allows" if "path" in kw else b"wordtally: -: "
        check(r.returncode == 1 and why in r.stderr and r.stderr.count(b"\n") == 1,
              f"a word over --max-memory {list(kw)}: {r.returncode} {r.stderr}")

    # A run of marks filling the context at a chunk's edge: the input fails (exit 1, named, SPEC §8's
    # reason), never a wrong table; the same run inside one chunk is counted.
    marks = b"dog a" + "\u0301".encode() * 300 + b"dog dog"
    marks_path = write("marks.txt", marks)
    r = run(["--tokens=words", "--vocab", "-c", "300", marks_path])
    check(r.returncode == 1 and b"marks.txt" in r.stderr and b"fills its 192 bytes of context" in
          r.stderr and r.stdout == b"", f"marks at a chunk edge: {r.returncode} {r.stderr}")
    check(table(["--vocab"], marks_path) == want_words(marks), "marks inside one chunk")
    for mark, n in (("\u0301", 91), ("\u200e", 61)):  # under 184 bytes: counted at every chunk edge
        short = ("a" + mark * n + "dog ab'" + mark * n + "cd 3." + mark * n + "1 ").encode() * 3
        sp = write("short.txt", short)
        bad = [c for c in range(1, 40) if table(["--vocab", "-c", str(c)], sp) != want_words(short)]
        check(not bad, f"{n} x {mark!r} at every chunk edge: {bad[:3]}")


# The words kernels: each finds the tokens with its own token layer (the scalar segmenter, or a
# vector one that leaves it what it cannot decide). The scalar one and the best this CPU runs (the
# one used by default); WORDS_KERNELS=avx2,avx512 names others. Every vector layer is compared with
# the scalar one on random windows in check-kernels (words-differential).
RUNS = [k for k in ("scalar", "avx2", "avx512", "neon", "sve")
        if run(["--tokens=words", "--kernel", k, "-q", "/dev/null"]).returncode == 0]
check("scalar" in RUNS, f"the words kernels: {RUNS}")
if os.environ.get("WORDS_KERNELS"):
    KERNELS = [k for k in os.environ["WORDS_KERNELS"].split(",") if k in RUNS]
else:
    KERNELS = ["scalar"] + RUNS[-1:] if len(RUNS) > 1 else RUNS
for KERNEL in KERNELS:
    per_kernel()
KERNEL = None

# Every byte of a tricky stretch at a stream batch's edge (4 MiB with -t 1, 5 MiB with -t 2):
# a word carried into the next batch with its look-ahead (WB6, WB7b, WB12) pending, marks, ZWJ.
tricky = "ab'cd 3.14 \u05d0\"\u05d1 x\u0301\u0301'y a\u200d\U0001F600 \u212a\u212a'\u212a 1,0 e.g".encode()
for th, edge in (("1", 4 << 20), ("2", 5 << 20)):
    bad = []
    for shift in range(0, len(tricky) + 4):
        filler = (b"lorem ipsum " * ((edge // 12) + 1))[:edge - shift - 1] + b" "
        data = filler + tricky + b" end"
        w = want_words(data, ignore_case=True)
        got = table(["--vocab", "-t", th, "-i"], stdin=data)
        if got != w:
            bad.append(shift)
    check(not bad, f"a pipe's batch edge at every byte of {tricky!r}, -t {th}: shifts {bad[:5]}")

# The space rule's vocabulary with -i in utf-8 folds Unicode (SPEC §8): against Counter over the
# folded tokens of SPEC §1, for chunk sizes, a pipe, and tokens longer than a read and a batch
# whose KERNEL SIGNs fall across each edge; latin1 keeps ASCII folding.
space_text = small + b" " + "\u212a".encode() * 200000 + b" " + "Ⱥ".encode() * 2000000
sp_path = write("space.txt", space_text)
w = vocab_count(tokens(space_text), "utf-8", True)
check(any(x == b"k" * 200000 for x, _ in w), "the oracle folds KELVIN SIGN")
for args, kw in ((["-c", "1"], {"path": small_path}), (["-c", "64"], {"path": sp_path}),
                 ([], {"path": sp_path}), (["-t", "1"], {"stdin": space_text}),
                 (["-t", "2"], {"stdin": space_text}), (["--verify"], {"path": sp_path})):
    want = w if kw.get("path") != small_path else vocab_count(tokens(small), "utf-8", True)
    got = table(["--vocab", "-i"] + args, rule="space", **kw)
    check(got == want, f"--tokens=space -i {args} {list(kw)}: "
          f"{got if isinstance(got, tuple) else [(x[:40], n) for x, n in got if (x, n) not in want][:3]}")
check(table(["--vocab", "-i", "--encoding", "latin1"], small_path, rule="space") ==
      vocab_count(tokens(small, "latin1"), "latin1", True), "--tokens=space -i latin1: ASCII")

# Reports: the rule and the token layer are named; the folded form is printed.
r = run(["--tokens=words", "--top", "2", "-i", "-f", "json", small_path])
j = json.loads(r.stdout) if r.returncode == 0 else {}
check(j.get("token_rule") == "words" and j.get("kernel") == "words-" + RUNS[-1] and j.get("ignore_case")
      and [e["token"].encode() for e in j["vocab"]] == [x for x, _ in want_words(small, "utf-8", True)[:2]],
      f"json: {r.stdout[-300:]} {r.stderr}")
r = run(["--tokens=words", "--vocab", "-i", write("kelvin.txt", "\u212a \u212a".encode())])
check(r.stdout.startswith(b"           2 k\n") and r.stdout.rstrip().endswith(b"utf-8 -i, tokens words"),
      f"text: {r.stdout}")
r = run(["--vocab", "-f", "json", small_path])
check(json.loads(r.stdout).get("token_rule") == "space", "json names the space rule")
t.finish()
