#!/usr/bin/env python3
"""--tokens=words end to end (SPEC §8): counts against the oracle (the words of the segmenter's
test driver, which tests/wordbreak.py holds to WordBreakTest.txt and ICU; -i folded with
CaseFolding.txt read here), for every chunk size from 1 to 300 bytes, both paths, threads,
--io mmap, compressed input and a pipe; the target words' check; and the one input it refuses:
a run of combining marks longer than the kernel's context at a block's edge.
usage: tests/words.py WORDTALLY WORDBREAK_TOOL"""
import gzip
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import DICTIONARIES, Tally, casefold as fold  # noqa: E402

PROG, TOOL = sys.argv[1], sys.argv[2]
# KERNEL_CHECK=emulated (make check-arm64, under qemu-user, several times slower): every 7th chunk
# size, no real-text corpora, fewer offsets for marks after blocks passed by, and none of the key
# lists that only the x86 kernels' table filters take; the vector kernels' section runs otherwise whole.
REDUCED = os.environ.get("KERNEL_CHECK") == "emulated"
# WORDS_KERNELS=sve: the vector section checks only the words kernels named (a comma list): under
# qemu, a CPU lane checks the kernel only it runs, the other lane the scalar and NEON ones.
ONLY = os.environ.get("WORDS_KERNELS", "").split(",") if os.environ.get("WORDS_KERNELS") else None
t = Tally("words")
tmp = tempfile.mkdtemp(prefix="words.")


def oracle(path, words, ignore_case=False):
    out = subprocess.run([TOOL, "words", path], check=True, capture_output=True).stdout
    toks = out.split(b"\n")[:-1]
    if ignore_case:
        toks = [fold(x) for x in toks]
        words = [fold(w) for w in words]
    return [toks.count(w) for w in words]


def run(args, stdin=None):
    return subprocess.run([PROG] + args, capture_output=True, input=stdin)


def counts(path, words, extra=()):
    args = ["--tokens=words", "-q"] + list(extra) + [a for w in words for a in ("-w", w)]
    r = run(args + [path])
    if r.returncode != 0:
        return ("exit %d" % r.returncode, r.stderr.decode(errors="replace").strip())
    return [int(x) for x in r.stdout.split()]


# A text with every kind of word edge: real prose, numbers with separators, quotes, Hebrew,
# Cyrillic, German, marks, ZWJ emoji, flags, CRLF, invalid UTF-8; each word in many positions.
pieces = [
    "The dog, the dog's bone; dogs\u2019 e-mail: 3.14 and 1,000.5 [1913 Webster] n. dog.",
    "\u201cDog\u201d DOG dog\u0301 dog\u200d\U0001F415 \U0001F1E9\U0001F1EA dog_ __ _ a@b.org i:s",
    "Собака собака СОБАКА. Été été ÉTÉ; Straße STRASSE \u212a\u212a kk KK \u05d0\"\u05d1 \u05d0'",
    "x\u0301\u0301\u0301y dog\u00addog 10:30 U.S.A. e.g. can't won\u2019t \u0661\u0662\u0663",
]
text = ("\n".join(pieces) + "\r\n").encode() + b"dog\xffdog \xe2\x80dog\xc3 dog\xed\xa0\x80\n"
text = text * 3 + b"tail dog"
words = ["dog", "dog's", "e", "mail", "3.14", "1913", "Собака", "été", "Straße", "kk", "__",
         "a@b.org", "x\u0301\u0301\u0301y", "U.S.A", "can't", "\u05d0\"\u05d1", "\u05d0'"]
path = os.path.join(tmp, "edge.txt")
with open(path, "wb") as f:
    f.write(text)
bwords = [w.encode() for w in words]
want = oracle(path, bwords)
want_i = oracle(path, bwords, ignore_case=True)
print("oracle:", dict(zip(words, want)), "with -i:", want_i)
t.check(want[0] > 0 and want_i[words.index("Собака")] == 9, f"the oracle's counts: {want}")

bad = []
for c in range(1, 301, 7 if REDUCED else 1):
    for extra, w in ((["-c", str(c)], want), (["-c", str(c), "-i"], want_i)):
        got = counts(path, words, extra)
        if got != w:
            bad.append((extra, got))
t.check(not bad, f"every chunk size 1..300 equals the oracle: {bad[:3]}")

for extra in (["--serial", "-c", "7"], ["--verify", "-c", "5"], ["-t", "2", "-c", "3"],
              ["--io", "mmap", "-c", "4096"], ["--encoding", "utf-8", "-c", "1K"]):
    got = counts(path, words, extra)
    t.check(got == want, f"{extra}: {got} != {want}")

# A bigger file through every path: mmap in place, pread, a pipe, gzip.
big = os.path.join(tmp, "big.txt")
with open(big, "wb") as f:
    f.write(text * 3000)
want_big = [x * 3000 for x in oracle(path, bwords)]
# The copies meet: "tail dog" + next copy's first line: recompute exactly instead.
want_big = oracle(big, bwords)
for extra in ([], ["--io", "mmap", "-c", "64K"], ["-c", "1000", "-t", "2"]):
    got = counts(big, words, extra)
    t.check(got == want_big, f"big file {extra}: {got} != {want_big}")
gz = big + ".gz"
with gzip.open(gz, "wb") as f:
    f.write(text * 3000)
t.check(counts(gz, words, ["-c", "999"]) == want_big, "gzip input")
r = run(["--tokens=words", "-q", "-c", "777"] + [a for w in words for a in ("-w", w)],
        stdin=text * 3000)
t.check(r.returncode == 0 and [int(x) for x in r.stdout.split()] == want_big, "a pipe")

# The vector kernels (kernel_simd.h) decide the blocks that ASCII decides and leave the others to
# the scalar kernel; they take lists of up to 16 keys. Random text of ASCII letters, digits and
# every ASCII byte a word-break rule names, with letters, marks, ZWJ, Hebrew, curly quotes, no-break
# spaces and invalid bytes sprinkled at four densities (so that block edges fall everywhere beside
# them), counted by every words kernel this CPU runs at chunk sizes around the 64-byte block, with
# and without -i, against the oracle.
import random  # noqa: E402

rng = random.Random(20)
ascii_pieces = ["dog", "Dog", "DOG", "do", "g", "cat", "boy", "3", "14", "1,000", "'", ".", ",",
                ";", ":", "_", "@", '"', " ", " ", " ", "\n", "\r\n", "-", "x", "a.b", "3.14",
                "e", "s", "U.S.A", "[", "k"]
other_pieces = ["\u00e9", "\u0301", "\u200d", "\u05d0", "\u2019", "\u00a0", "\u0416",
                "\u212a", "\U0001F415", "\u00ad", "\u00d7", "\u00df", "\u02c8", "\u02d8",
                "\u0387", "\u03b8", "\u0482", "\u0483", "\u00b7", "\u017f", "\u0100"]
mixed = b""
for density in (0, 0.002, 0.02, 0.2, 0, 0.01):
    part = []
    for _ in range(6000):
        part.append(rng.choice(other_pieces) if rng.random() < density else rng.choice(ascii_pieces))
    mixed += "".join(part).encode() + (b"\xff" if density else b"")
# And a file of records of 128 bytes: each key of `seam_keys` beside each of those pieces, and
# beside the ASCII bytes that join, at every offset across a block's edge.
seam_keys = ["dog", "3.14", "a.b", "U.S.A", "1,000", "dog's", "x", "Straße", "\u03b8"]
seam = b""
for key in seam_keys:
    for o in other_pieces + ["'", ".", ",", "_", "3", "a"]:
        for pattern in (key + o, o + key, key + "'" + o, key + "." + o, key + "," + o,
                        o + "." + key, o + "'" + key, o + "," + key):
            pattern = pattern.encode()
            for off in range(60 - len(pattern), 66):
                seam += (b" " * off + pattern).ljust(128)
seam_path = os.path.join(tmp, "seam.txt")
with open(seam_path, "wb") as f:
    f.write(seam)
mixed_path = os.path.join(tmp, "mixed.txt")
with open(mixed_path, "wb") as f:
    f.write(mixed)
mtoks = subprocess.run([TOOL, "words", mixed_path], check=True, capture_output=True).stdout
mtoks = mtoks.split(b"\n")[:-1]
mfreq = {}
for x in mtoks:
    mfreq[x] = mfreq.get(x, 0) + 1
mranked = sorted((x for x in mfreq if len(x) <= 32), key=lambda x: (-mfreq[x], x))
punct = [x for x in mranked if any(c in x for c in b"'.,;_@")]
kernels = []
for k in ("scalar", "avx2", "avx512", "neon", "sve"):
    if ONLY and k not in ONLY:
        continue
    r = run(["--tokens=words", "--kernel", k, "-q", path])
    if r.returncode == 0:
        kernels.append(k)
t.check(kernels == ONLY if ONLY else "scalar" in kernels, f"the words kernels: {kernels}")
plain = [x for x in mranked if x not in punct]
groups = [(mixed_path, [x.decode() for x in mranked[:16]]),
          (mixed_path, [x.decode() for x in punct[:8] + plain[16:24]]),
          (seam_path, seam_keys), (path, words[:9]), (path, words[9:])]
# Lists of up to 8 keys take the x86 kernels' table filters (VBMI, AVX2), which other CPUs lack.
if not REDUCED:
    groups += [(mixed_path, [x.decode() for x in mranked[:8]]),
               (mixed_path, [x.decode() for x in punct[:4] + plain[24:28]]),
               (seam_path, seam_keys[:8])]
bad = []
for where, group in groups:
    bgroup = [x.encode() for x in group]
    want_g, want_gi = oracle(where, bgroup), oracle(where, bgroup, ignore_case=True)
    distinct = len({fold(x) for x in bgroup}) == len(bgroup)
    for k in kernels:
        for c in ("1", "63", "64", "65", "200", "4096", "256K")[2 * (where == seam_path):]:
            extra = ["--kernel", k, "-c", c]
            if counts(where, group, extra) != want_g:
                bad.append((os.path.basename(where), group[:3], extra))
            if distinct and counts(where, group, extra + ["-i"]) != want_gi:
                bad.append((os.path.basename(where), group[:3], extra + ["-i"]))
t.check(not bad and sum(oracle(mixed_path, mranked[:16])) > 1000,
        f"every words kernel ({', '.join(kernels)}) equals the oracle: {bad[:3]}")

# With -i a key's ASCII letters match KELVIN SIGN and LONG S, which are not ASCII: the vector
# kernels pass by no block where those stand among a word's first bytes, the word at every offset
# across a block's edge (ASCII around it, so that only they make the block non-ASCII).
fold_keys = ["dogk", "kelvins", "s", "sk", "abcdes"]
fold_text = b""
for spelled in ("dog\u212a", "\u212aelvin\u017f", "\u017f", "\u017f\u212a", "abcde\u017f", "dogK"):
    for off in range(52, 68):
        fold_text += (("x " * 40)[:off] + spelled + " ").encode().ljust(128, b"z")
fold_path = os.path.join(tmp, "folds.txt")
with open(fold_path, "wb") as f:
    f.write(fold_text)
want_f = oracle(fold_path, [k.encode() for k in fold_keys], ignore_case=True)
bad = [k for k in kernels if counts(fold_path, fold_keys, ["--kernel", k, "-i"]) != want_f]
t.check(not bad and min(want_f) > 0, f"-i, letters that fold to ASCII at a block's edge: {bad} {want_f}")

# Real text: GCIDE and FreeDict German-English, 3 MB of each, their 300 most frequent words and
# 300 rarer ones (of every length) at two chunk sizes, and with -i.
for name in ("GCIDE", "FreeDict deu-eng"):
    dz = DICTIONARIES[name]
    if REDUCED:
        t.skip(f"{name}: KERNEL_CHECK=emulated")
        continue
    if not os.path.exists(dz):
        t.skip(f"{dz} missing (scripts/install-deps.sh)")
        continue
    real = os.path.join(tmp, "real.txt")
    with gzip.open(dz) as f, open(real, "wb") as out:
        out.write(f.read(3 << 20))
    toks = subprocess.run([TOOL, "words", real], check=True, capture_output=True).stdout
    toks = toks.split(b"\n")[:-1]
    freq = {}
    for x in toks:
        freq[x] = freq.get(x, 0) + 1
    ranked = sorted(freq, key=lambda x: (-freq[x], x))
    chosen = ranked[:300] + ranked[300::max(1, len(ranked) // 300)][:300]
    wf = os.path.join(tmp, "words.txt")
    with open(wf, "wb") as f:
        f.write(b"\n".join(chosen) + b"\n")
    folded = {}
    for x in toks:
        folded[fold(x)] = folded.get(fold(x), 0) + 1
    for extra in (["-c", "64K"], ["-c", "1000", "-t", "2"]):
        r = run(["--tokens=words", "-q", "--words-file", wf] + extra + [real])
        got = [int(x) for x in r.stdout.split()]
        t.check(got == [freq[x] for x in chosen], f"{name} {extra}: {r.stderr}")
    # -i: words that stay distinct after folding, counted against the folded words.
    distinct, seen_f = [], set()
    for x in chosen:
        if fold(x) not in seen_f:
            seen_f.add(fold(x))
            distinct.append(x)
    with open(wf, "wb") as f:
        f.write(b"\n".join(distinct) + b"\n")
    r = run(["--tokens=words", "-q", "-i", "-c", "100K", "--words-file", wf, real])
    got = [int(x) for x in r.stdout.split()]
    t.check(got == [folded[fold(x)] for x in distinct], f"{name} -i: {r.stderr}")

# A word whose folded form is shorter than itself (U+212A KELVIN SIGN, 3 bytes, folds to k): the
# reports print it as given, whole.
r = run(["--tokens=words", "-i", "-f", "json", "-w", "\u212a\u212a", "-w", "STRASSE", path])
import json  # noqa: E402
j = json.loads(r.stdout) if r.returncode == 0 else {}
t.check(j.get("words") == ["\u212a\u212a", "STRASSE"] and j.get("total") == [9, 3],
        f"-i -f json with KELVIN SIGN: {r.stdout[:300]} {r.stderr}")

# latin1: each byte its Latin-1 character, ASCII folding only.
lat = os.path.join(tmp, "latin1.txt")
with open(lat, "wb") as f:
    f.write("Été été ÉTÉ, dog's dog. caf\xe9 ".encode("latin-1") * 50)
r = run(["--tokens=words", "--encoding", "latin1", "-q", "-c", "3", "-w", "été".encode("latin-1"),
         "-w", "dog's", "-w", "café".encode("latin-1"), lat])
t.check(r.stdout.split() == [b"50", b"50", b"50"], f"latin1: {r.stdout} {r.stderr}")

# The target words' check (SPEC §8): a word that is not one word under the rule is a usage error.
for w in ["dog,", "e-mail", "_", "[1913", "a b", "dog\u200d\U0001F415"]:
    r = run(["--tokens=words", "-w", w, path])
    t.check(r.returncode == 2 and b"not one word" in r.stderr and r.stdout == b"",
            f"-w {w!r}: {r.returncode} {r.stderr}")
r = run(["--tokens=lines", path])
t.check(r.returncode == 2 and b"--tokens" in r.stderr, "--tokens=lines")
r = run(["-q", path])
t.check(r.returncode == 0, "the space rule stays the default")

# A run of marks filling the context at a block edge: refused (exit 1, the file named, the
# context's size in the reason as SPEC §8 gives it), never counted wrong; the same run well
# inside one block is counted; a run of 183 bytes (SPEC: under 184) between ordinary characters
# is counted with a chunk edge at each of its first bytes, by the scalar and the fastest kernel.
for before in ("a", "\u0416\u2019", "\U0001F600\U0001F600.", "a\u00b7"):
    for mark, n in (("\u0301", 91), ("\u200e", 61)):
        short = (before + mark * n + "dog dog ").encode()
        with open(os.path.join(tmp, "short.txt"), "wb") as f:
            f.write(short)
        want_s = oracle(os.path.join(tmp, "short.txt"), [b"dog"])
        bad = [(k, c) for k in {kernels[0], kernels[-1]} for c in range(1, 48)
               if counts(os.path.join(tmp, "short.txt"), ["dog"],
                         ["--kernel", k, "-c", str(c)]) != want_s]
        t.check(not bad, f"{n} x {mark!r} after {before!r}: {bad[:3]}")
marks = os.path.join(tmp, "marks.txt")
with open(marks, "wb") as f:
    f.write(b"dog a" + "\u0301".encode() * 300 + b"dog dog")
r = run(["--tokens=words", "-c", "300", marks])
t.check(r.returncode == 1 and b"marks.txt" in r.stderr and b"combining" in r.stderr and
        b"fills its 192 bytes of context" in r.stderr,
        f"a long run of marks at a chunk edge: {r.returncode} {r.stderr}")
r = run(["--tokens=words", "-q", "-w", "dog", marks])
t.check(r.returncode == 0 and r.stdout.split() == [b"2"], f"inside one block: {r.stdout}")
# The vector kernels pass by blocks that hold no key's first bytes: a run of marks that starts in
# such blocks (after Cyrillic or after ASCII) and ends beside a key is counted as the scalar
# kernel counts it, at every offset of the run in the block.
bad = []
for before in ("\u0416" * 40, "x" * 70):
    for off in range(0, 64, 21 if REDUCED else 7):
        text = (" " * off + before + " \u0416" + "\u0301" * 150 + "dog dog \u0416dog").encode()
        with open(os.path.join(tmp, "passed.txt"), "wb") as f:
            f.write(text)
        want_p = oracle(os.path.join(tmp, "passed.txt"), [b"dog"])
        bad += [(k, off, before[0]) for k in kernels
                if counts(os.path.join(tmp, "passed.txt"), ["dog"], ["--kernel", k]) != want_p]
t.check(not bad, f"marks after blocks passed by: {bad[:3]}")
# Runs of marks that fill the context where no target word can start: the scalar kernel fails the
# input, a vector kernel that passes by those blocks may count it, and then exactly (SPEC §8).
bad = []
for text, key, chunk in (("a" + "\u0301" * 100 + " dog", "dog", "1"),
                         (b"\x81" + b"\xcc\x81" * 94 + "\u2018str".encode(), "straße", "64"),
                         (b"\x80\x8d" + "\u200d".encode() * 65 + b"\xe2", "@", "65")):
    fp = os.path.join(tmp, "filled.txt")
    with open(fp, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    want_m = oracle(fp, [key.encode()])
    for k in kernels:
        r = run(["--tokens=words", "-q", "--kernel", k, "-c", chunk, "-t", "1", "-w", key, fp])
        if not (r.returncode == 1 and b"combining" in r.stderr or
                r.returncode == 0 and [int(x) for x in r.stdout.split()] == want_m):
            bad.append((k, key, r.returncode, r.stdout))
t.check(not bad, f"a filled context: an error or the exact count: {bad[:3]}")
t.finish()
