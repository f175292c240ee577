#!/usr/bin/env python3
"""--tokens=words against its two oracles (SPEC §8), through the segmenter's test driver:
  1. Unicode's WordBreakTest.txt, every line, with ICU's two tailorings off (UAX #29 itself);
  2. ICU 72's word BreakIterator (root locale, rule status >= 100), word list against word list,
     on real text (GCIDE, FreeDict German-English and English-Russian), the WordBreakTest
     strings, and generated text: every Word_Break class beside every other, with combining
     marks, ZWJ, format characters, emoji, Hebrew quotes, numbers with separators, curly quotes
     and invalid UTF-8 between them. ICU splits Han, Hiragana, Katakana, Hangul and the
     Complex_Context scripts (Thai, Lao, Khmer, Myanmar...) with dictionaries: lines holding
     them are left out of this comparison; WordBreakTest is their oracle.
usage: tests/wordbreak.py WORDBREAK_TOOL [--quick]"""
import gzip
import itertools
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import DICTIONARIES, Tally  # noqa: E402

UCD = "/usr/share/unicode"
TOOL = sys.argv[1]
QUICK = "--quick" in sys.argv
t = Tally("wordbreak")

try:
    import icu
except ImportError:  # python3-icu is Debian's: the system Python's packages
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import icu
    except ImportError:
        icu = None


def ucd_ranges(path, want):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = [x.strip() for x in line.split(";")]
            if fields[1] in want:
                a, _, b = fields[0].partition("..")
                out.append((int(a, 16), int(b or a, 16)))
    return out


def conformance():
    """WordBreakTest.txt with the tailorings off: every boundary of every line."""
    cases = []
    with open(f"{UCD}/auxiliary/WordBreakTest.txt", encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            text, bounds, pos = b"", [], 0
            for tok in line.split():
                if tok == "÷":
                    bounds.append(len(text))
                elif tok != "×":
                    text += chr(int(tok, 16)).encode()
            cases.append((text, bounds))
    out = subprocess.run([TOOL, "bounds", "--untailored"], check=True, capture_output=True,
                         input="".join(c[0].hex() + "\n" for c in cases).encode()).stdout
    got = [[int(x) for x in l.split()] for l in out.decode().splitlines()]
    bad = [(c, g) for c, g in zip(cases, got) if c[1] != g]
    t.check(len(got) == len(cases) and not bad,
            f"WordBreakTest.txt: {len(cases) - len(bad)} of {len(cases)} lines pass; first "
            f"failures: {bad[:3]}")
    print(f"WordBreakTest.txt (tailorings off): {len(cases) - len(bad)} of {len(cases)} lines pass")
    return [c[0] for c in cases]


# Code points ICU hands to its dictionary break engines, or whose rules it tailors around them.
DICT = ucd_ranges(f"{UCD}/Scripts.txt", {"Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer",
                                         "Myanmar"})
DICT += ucd_ranges(f"{UCD}/LineBreak.txt", {"SA"})
DICT += ucd_ranges(f"{UCD}/auxiliary/WordBreakProperty.txt", {"Katakana"})
DICT += [(0xAC00, 0xD7A3)]
DICT_RE = re.compile("[" + "".join(f"\\U{a:08X}-\\U{b:08X}" for a, b in DICT) + "]")


def icu_words(text):
    """ICU's words of a str: segments whose rule status is 100 or more."""
    bi = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())
    us = icu.UnicodeString(text)
    bi.setText(us)
    out, start = [], bi.first()
    for end in bi:
        if bi.getRuleStatus() >= 100:
            out.append(str(us[start:end]))
        start = end
    return out


def differential(name, data):
    """Our words of the bytes `data` against ICU's, lines with dictionary scripts left out."""
    lines = data.split(b"\n")
    kept = [l for l in lines if not DICT_RE.search(l.decode("utf-8", "replace"))]
    text = b"\n".join(kept)
    with tempfile.NamedTemporaryFile(prefix="wordbreak.", delete=False) as f:
        f.write(text)
    try:
        ours = subprocess.run([TOOL, "words", f.name], check=True,
                              capture_output=True).stdout.decode().split("\n")[:-1]
    finally:
        os.unlink(f.name)
    theirs = []
    # A line feed is a boundary for both: pieces of about 1 MB give ICU no longer texts.
    piece, size = [], 0
    for l in kept + [None]:
        if l is None or size > 1 << 20:
            theirs += icu_words(b"\n".join(piece).decode("utf-8", "replace"))
            piece, size = [], 0
        if l is not None:
            piece.append(l)
            size += len(l) + 1
    # Differences: words one list holds more often than the other, and the first place where
    # the two lists part (the order matters too).
    from collections import Counter
    a, b = Counter(ours), Counter(theirs)
    diff = sum(((a - b) + (b - a)).values())
    first = next((i for i, (x, y) in enumerate(zip(ours, theirs)) if x != y), None)
    if first is None and len(ours) != len(theirs):
        first = min(len(ours), len(theirs))
    if first is not None:
        diff = max(diff, 1)
        print(f"  {name}: first difference at word {first}: ours {ours[first:first + 4]!r} "
              f"ICU {theirs[first:first + 4]!r}")
    print(f"ICU differential, {name}: {len(text)} bytes, {len(lines) - len(kept)} of "
          f"{len(lines)} lines left out (dictionary scripts), {len(theirs)} ICU words, "
          f"{diff} differences")
    t.check(diff == 0, f"ICU differential {name}: {diff} differences")


def adversarial():
    """Every class beside every other, alone and with a mark, ZWJ or format character between,
    one case a line (a line feed is a boundary, so the cases never meet)."""
    reps = ["a", "é", "Z", "@", ":", "\ufe55", "\uff1a", "'", '"', ".", ",", ";", "\u00b7",
            "\u2019", "\u2018", "\u201c", "\u201d", "1", "\u0661", "\u00b2", "_", "\u202f", " ",
            "\u3000", "\t", "\r", "\u0085", "\u2028", "\u0301", "\u200d", "\u00ad", "\u2060",
            "\U0001F1E6", "\U0001F1FA", "\U0001F600", "\u2139", "\u00a9", "\u05d0", "\u05f3",
            "\ufb1d", "-", "$", "\ufffd", "\u0e01", "\u1820", "\U00010400", "\U0001D7CE"]
    extras = ["\u0301", "\u200d", "\u00ad", "\ufe0f"]
    cases = []
    for a, b, c in itertools.product(reps, repeat=3):
        cases.append(a + b + c)
        for e in extras:
            cases.append(a + e + b + c)
            cases.append(a + b + e + c)
    data = "\n".join(cases).encode()
    # Invalid UTF-8 beside letters, digits and marks: each bad byte separates words.
    bad = [b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf",
           b"\x80", b"\xf0\x9f\x98"]
    good = [b"a", b"1", "\u0301".encode(), b"'", b".", b"_", "\u05d0".encode(), b"@"]
    data += b"\n" + b"\n".join(x + y + z for x in good + bad for y in bad + good
                                for z in good + bad)
    numbers = ["3.14", "1,000.5", "1'000", "2\u2019000", "10:30", "a.b", "a:b", "e-mail",
               "dog's", "dogs\u2019", "\u05d0\"\u05d1", "\u05d0'", "U.S.A.", "x__y", "__", "_",
               "[1913", "dog,", "a@b.org", "i:s", "\u201cquoted\u201d", "x\u0301\u0301y"]
    data += b"\n" + " ".join(numbers).encode()
    return data


def corpus(path):
    with gzip.open(path) as f:  # dictzip is gzip
        return f.read()


if icu is None:
    t.skip("python3-icu is not installed (scripts/install-deps.sh): no ICU differential")
conf = conformance()
if icu is not None:
    differential("WordBreakTest strings", b"\n".join(conf))
    differential("generated", adversarial())
    for name, path in DICTIONARIES.items():
        if not os.path.exists(path):
            t.skip(f"{path} missing (scripts/install-deps.sh)")
            continue
        data = corpus(path)
        differential(name, data[: 2 << 20] if QUICK else data)
t.finish()
