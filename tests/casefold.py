#!/usr/bin/env python3
"""-i under the space rule (SPEC §1): in utf-8 both sides are folded by Unicode simple case
folding (CaseFolding.txt's C and S lines, read by testlib.casefold), in latin1 the ASCII letters
only. Counts against testlib's oracle: hand-made case pairs (KELVIN SIGN, long s, final sigma,
Cyrillic, Latin-1, Turkish dotted and dotless i, lengths that grow and shrink, invalid UTF-8 inside
tokens) at every chunk size from 1 to 80 with every kernel this CPU runs, --serial, --verify and
threads; random text at small chunk sizes with short, long and many words; real dictionaries
(English, Russian, German); the reports print each word as given; words equal after folding are
a usage error.
usage: tests/casefold.py WORDTALLY"""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import DICTIONARIES, Tally, casefold, oracle, real_text, tokens, word_bytes  # noqa: E402

PROG = sys.argv[1]
t = Tally("casefold")
tmp = tempfile.mkdtemp(prefix="casefold.")


def run(args):
    return subprocess.run([PROG] + args, capture_output=True)


def counts(path, words, extra=()):
    """wordtally's counts of words (str or bytes) in path, or the failure."""
    args = ["-q"] + list(extra) + [a for w in words for a in ("-w", word_bytes(w))]
    r = run(args + [path])
    if r.returncode != 0:
        return ("exit %d" % r.returncode, r.stderr.decode(errors="replace").strip())
    return [int(x) for x in r.stdout.split()]


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def distinct(words):
    """The words of the list that stay distinct after folding (the first of each)."""
    out, seen = [], set()
    for w in words:
        if casefold(word_bytes(w)) not in seen:
            seen.add(casefold(word_bytes(w)))
            out.append(w)
    return out


KERNELS = [k for k in ("scalar", "avx2", "avx2-filter", "avx512", "vbmi", "neon", "sve")
           if run(["--kernel", k, "-q", "/dev/null"]).returncode == 0]
t.check("scalar" in KERNELS, f"the kernels: {KERNELS}")

# ---- hand-made case pairs ----
lines = [
    "Été été ÉTÉ éTÉ Ete ete été, Été\u00a0ÉTÉ\u3000été",
    "Собака собака СОБАКА сОбАкА Собаки собака\u2028СОБАКА",
    "\u212a \u212a\u212a kk KK k\u212a K\u212aK \u212ak",           # KELVIN SIGN folds to k
    "\u017f S s \u017f\u017f ss SS s\u017f",                        # long s folds to s
    "ΟΔΟΣ οδος οδοσ Οδος ΣΟΦΊΑ σοφία Σοφία",                        # final sigma folds to σ
    "İstanbul istanbul ISTANBUL ıstanbul İ i I ı",                  # Turkish: status T, not folded
    "Straße STRASSE straße STRAẞE strasse",                          # ẞ folds to ß; ß stays
    "Ⱥ ⱥ ȺȺ ⱥⱥ Ω ω Ω Å å Å ǅ ǆ Ǆ",                                   # lengths change both ways
    "𐐀 𐐨 Ꭰ ꭰ ꭰꭰ ᏸ Ᏸ ÿ Ÿ µ Μ μ \u0345 ι Ι",                          # 4-byte, Cherokee, µ, iota
    "dOg\u212a DOGK dogk dog\u212a cafÉ CAFé café CAFE DOG Dog dog Cat CAT girl GIRL bOy",
]
text = ("\n".join(lines) + "\n").encode()
text += (b"\xff\xc3\x89t\xc3\xa9 \xff\xc3\xa9t\xc3\xa9 \xffETE K\xff k\xff \xe2\x84\xaa\xff "
         b"\xc3\xc3\x89 \xc3\xc3\xa9 \xc3\x89\xc3 \xc3\xa9\xc3 \xe2\x84 \xe2\x84\xaa\xe2\x84\n")
text = text * 3 + b"\xc3\x89T\xc3\x89"  # and one at the very end, without whitespace after it
keys = ["ÉTÉ", "собака", "\u212a\u212a", "s", "ss", "οδος", "σοφία", "istanbul", "İ", "ı", "i",
        "STRAẞE", "strasse", "ⱥ", "ȺȺ", "ω", "å", "ǆ", "𐐨", "ꭰ", "ᏸ", "ÿ", "µ", "ι", "dogk",
        "café", "dog", "cat", "boy", "girl", b"\xff\xc3\xa9t\xc3\xa9", b"k\xff", b"\xc3\xc3\xa9",
        b"\xc3\xa9\xc3", b"\xe2\x84", "k"]
hand = write("hand.txt", text)
want = oracle(hand, keys, ignore_case=True)
want_plain = oracle(hand, keys)
# The oracle itself: the folds the SPEC names, and the ones it must not make.
named = dict(zip([word_bytes(k) for k in keys], want))
expect = {"ÉTÉ": 22, "собака": 18, "\u212a\u212a": 15, "s": 9, "ss": 12, "οδος": 12, "istanbul": 6,
          "İ": 3, "ı": 3, "i": 6, "STRAẞE": 9, "strasse": 6, "ⱥ": 6, "ω": 9, "å": 9, "ǆ": 9,
          "𐐨": 6, "ꭰ": 6, "µ": 9, "ι": 9, "dogk": 12, "café": 9, "k": 3}
t.check(all(named[word_bytes(k)] == v for k, v in expect.items()),
        f"the oracle folds as SPEC §1 says: {[(k, named[word_bytes(k)]) for k in expect]}")
print("oracle with -i:", want)

bad = []
for k in KERNELS:
    for c in range(1, 81):
        got = counts(hand, keys, ["-i", "--kernel", k, "-c", str(c)])
        if got != want:
            bad.append((k, c, got))
t.check(not bad, f"hand-made pairs, every kernel, chunk sizes 1..80: {bad[:2]}")
# ASCII words: with k or s, KELVIN SIGN and LONG S are the only other letters that match (the
# correction then looks for those alone); without, nothing but ASCII does.
ascii_keys = ["kk", "ss", "s", "k", "dogk", "DOG", "girl"]
want_ascii = oracle(hand, ascii_keys, ignore_case=True)
bad = [(k, c) for k in KERNELS for c in range(1, 41)
       if counts(hand, ascii_keys, ["-i", "--kernel", k, "-c", str(c)]) != want_ascii]
t.check(not bad and want_ascii[:5] == [15, 12, 9, 3, 12], f"ASCII words with k and s: {bad[:3]}")
t.check(counts(hand, ["DOG", "girl"], ["-i", "-c", "7"]) == want_ascii[5:], "ASCII words without k, s")
bad = []
for extra in (["--serial", "-c", "7"], ["--verify", "-c", "5"], ["--verify", "-c", "64"],
              ["-t", "1", "-c", "3"], ["-t", "2", "-c", "3"], ["-t", "2", "--io", "mmap"],
              ["--io", "pread", "-c", "4K"]):
    got = counts(hand, keys, ["-i"] + extra)
    if got != want:
        bad.append((extra, got))
t.check(not bad, f"hand-made pairs: serial, verify, threads, I/O modes: {bad[:2]}")
t.check(counts(hand, keys, ["-c", "5"]) == want_plain, "without -i nothing is folded")
with open(hand, "rb") as f:
    r = subprocess.run([PROG, "-q", "-i", "-c", "9"] + [a for w in keys for a in ("-w", word_bytes(w))],
                       capture_output=True, stdin=f)
t.check(r.returncode == 0 and [int(x) for x in r.stdout.split()] == want, "a pipe")

# latin1: ASCII letters only (É and é are \xc9 and \xe9, and UTF-8's bytes are two Latin-1
# characters each).
lat = write("latin1.txt", "Été été ÉTÉ CAFÉ café Dog DOG \xb5 \u039c".encode("latin-1", "replace") * 7
            + text)
lkeys = [b"\xe9t\xe9", b"caf\xe9", b"dog", "été", "ÉTÉ", b"\xb5", "\u212a\u212a", "kk"]
lwant = oracle(lat, lkeys, encoding="latin1", ignore_case=True)
t.check(lwant[:3] == [7, 7, 23], f"the latin1 oracle: {lwant}")
bad = [(k, c) for k in KERNELS for c in (1, 3, 64, 4096)
       if counts(lat, lkeys, ["-i", "--encoding", "latin1", "--kernel", k, "-c", str(c)]) != lwant]
t.check(not bad, f"latin1 -i folds ASCII only: {bad[:3]}")

# ---- random text: case variants of the words beside each other, whitespace of every length,
# invalid bytes, at small chunk sizes, with every kernel ----
rng = random.Random(2026)
variants = {}
for line in lines:
    for tok in line.split():
        variants.setdefault(casefold(tok.encode()), []).append(tok)
pieces = [v for vs in variants.values() for v in vs]
seps = [" ", "\n", "\t", "\u00a0", "\u3000", "\u2028", "\x85", "\u1680"]
junk = ["\udcff", "\udcc3", "\udce2\udc84", "x", "\u212a", "\u017f", "É"]
parts = []
for _ in range(30000):
    r = rng.random()
    parts.append(rng.choice(pieces) if r < 0.7 else rng.choice(junk) if r < 0.8 else
                 rng.choice(seps) * rng.randint(1, 2))
mixed = write("mixed.txt", "".join(parts).encode("utf-8", "surrogateescape"))
folded_vocab = sorted(variants)
# Short words (the kernels' fast lists); long ones (a token of 20 KELVIN SIGNs is 60 bytes for a
# word of 20); many (the general path).
groups = [["ÉTÉ", "\u212a\u212a", "ss", "οδος", "dog"], ["kk", "ss", "s", "DOGK"],
          ["\u212a" * 20, "k" * 7 + "\u212a" * 13 + "K", "Ω" * 17, "ⱥ" * 23, "é" * 33],
          distinct([casefold(v).decode() for v in folded_vocab])[:40]]
# the long ones in the text too, whole and as near misses
longs = ("\u212a" * 20 + " " + "K" * 20 + " " + "k" * 19 + "\u212a" * 2 + " " + "ω" * 17 + " " +
         "Ω" * 17 + " " + "Ⱥ" * 23 + " " + "ⱥ" * 22 + "Ⱥ " + "É" * 33 + " ")
mixed_long = write("mixed-long.txt", ("".join(rng.choice([longs, " ", "x\u212a", "\u3000"])
                                              for _ in range(4000))).encode())
bad = []
for where, group in ((mixed, groups[0]), (mixed, groups[1]), (mixed_long, groups[2]),
                     (mixed, groups[3])):
    want_g = oracle(where, group, ignore_case=True)
    if sum(want_g) == 0:
        bad.append((where, group[:2], "nothing to count"))
    for k in KERNELS:
        for c in ("1", "2", "3", "5", "13", "63", "64", "65", "100", "4K"):
            got = counts(where, group, ["-i", "--kernel", k, "-c", c])
            if got != want_g:
                bad.append((os.path.basename(where), group[:2], k, c))
    for extra in (["--serial", "-c", "3"], ["--verify", "-c", "2"], ["-t", "2", "-c", "1"]):
        if counts(where, group, ["-i"] + extra) != want_g:
            bad.append((os.path.basename(where), group[:2], extra))
t.check(not bad, f"random text, every kernel, small chunk sizes: {bad[:3]}")

# ---- real text: English (GCIDE), Russian and German dictionaries ----
for name in ("GCIDE", "FreeDict eng-rus", "FreeDict deu-eng"):
    dz = DICTIONARIES[name]
    if not os.path.exists(dz):
        t.skip(f"{dz} missing (scripts/install-deps.sh)")
        continue
    import gzip  # noqa: E402
    with gzip.open(dz) as f:
        data = f.read(4 << 20)
    real = write("real.txt", data)
    toks = tokens(data)
    freq = {}
    for x in toks:
        fx = casefold(x)
        freq[fx] = freq.get(fx, 0) + 1
    # The most frequent words with a byte >= 0x80 and some rarer ones, each spelled as the text
    # spells it first, in upper case where it has one.
    spelled = {}
    for x in toks:
        spelled.setdefault(casefold(x), x)
    ranked = sorted((x for x in freq if len(x) <= 60), key=lambda x: (-freq[x], x))
    nonascii = [x for x in ranked if max(x) >= 0x80]
    chosen = nonascii[:150] + nonascii[150::max(1, len(nonascii) // 150)][:150] + ranked[:50]
    chosen = list(dict.fromkeys(chosen))
    wordlist = []
    for x in chosen:
        s = spelled[x].decode(errors="surrogateescape")
        wordlist.append(s.upper().encode(errors="surrogateescape")
                        if casefold(s.upper().encode(errors="surrogateescape")) == x else spelled[x])
    wf = write("words.txt", b"\n".join(wordlist) + b"\n")
    want_r = [freq[x] for x in chosen]
    for extra in (["-c", "64K"], ["-c", "1000", "-t", "2"], ["--kernel", "scalar", "-c", "100K"]):
        r = run(["-q", "-i", "--words-file", wf] + extra + [real])
        got = [int(x) for x in r.stdout.split()]
        t.check(got == want_r and len(nonascii) > 20 if "GCIDE" not in name else got == want_r,
                f"{name} -i {extra}: {r.stderr} {[(w, a, b) for w, a, b in zip(wordlist, got, want_r) if a != b][:3]}")
    four = oracle(real, ignore_case=True)
    t.check(counts(real, ["DOG", "Cat", "boy", "girl"], ["-i"]) == four, f"{name}: the four words")

# ---- the reports print each word as given; words that fold to one are refused ----
r = run(["-i", "-f", "json", "-w", "ÉTÉ", "-w", "\u212a\u212a", "-w", "СОБАКА", hand])
j = json.loads(r.stdout) if r.returncode == 0 else {}
t.check(j.get("words") == ["ÉTÉ", "\u212a\u212a", "СОБАКА"] and j.get("total") == [22, 15, 18]
        and j.get("ignore_case") is True, f"-i -f json prints the words as given: {r.stdout[:300]} {r.stderr}")
r = run(["-i", "-w", "ÉTÉ", "-w", "\u212a\u212a", hand])
t.check(r.returncode == 0 and r.stdout.decode().split()[:4] == ["ÉTÉ", "22", "\u212a\u212a", "15"],
        f"-i text report: {r.stdout[:200]}")
for pair in (["été", "ÉTÉ"], ["k", "\u212a"], ["ss", "\u017f\u017f"], ["σ", "ς"], ["Σ", "ς"]):
    r = run(["-i"] + [a for w in pair for a in ("-w", w)] + [hand])
    t.check(r.returncode == 2 and b"given twice (ignoring case)" in r.stderr,
            f"-i -w {pair}: {r.returncode} {r.stderr}")
    r = run([a for w in pair for a in ("-w", w)] + [hand])
    t.check(r.returncode == 0, f"-w {pair} without -i: {r.stderr}")
r = run(["-i", "--encoding", "latin1", "-w", "été", "-w", "ÉTÉ", hand])
t.check(r.returncode == 0, f"latin1 -i: É and é stay two words: {r.stderr}")
t.finish()
