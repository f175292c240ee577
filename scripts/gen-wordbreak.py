#!/usr/bin/env python3
"""Generates src/base/wordbreak_tables.c, the tables of --tokens=words and of Unicode -i, from the
Unicode 15.0 data files of Debian's unicode-data package (never typed by hand):

  auxiliary/WordBreakProperty.txt   the Word_Break class of every code point (UAX #29)
  emoji/emoji-data.txt              Extended_Pictographic (rule WB3c)
  LineBreak.txt, auxiliary/GraphemeBreakProperty.txt, Scripts.txt, PropList.txt
                                    the sets ICU's word rules name beside Word_Break: letters of
                                    Complex_Context scripts, Hiragana, Ideographic, Hangul syllables
  CaseFolding.txt                   simple case folding, status C and S

Usage: scripts/gen-wordbreak.py [UNICODE_DIR] > src/base/wordbreak_tables.c   (make tables)
The output depends on the data files only, so the same files give the same bytes."""
import re
import sys

UCD = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
N = 0x110000
BLOCK = 128  # code points per second-stage block

# Word_Break classes, in the order of enum wb_class (src/base/wordbreak.h).
CLASSES = ["Other", "CR", "LF", "Newline", "Extend", "ZWJ", "Regional_Indicator", "Format",
           "Katakana", "Hebrew_Letter", "ALetter", "Single_Quote", "Double_Quote", "MidNumLet",
           "MidLetter", "MidNum", "Numeric", "ExtendNumLet", "WSegSpace"]
EXT_PICT, STATUS, HANGUL = 0x20, 0x40, 0x80  # flag bits above the 5 class bits


def ranges(path, want=None):
    """(first, last, value) for each data line of a UCD file; value is the second field."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = [x.strip() for x in line.split(";")]
            if want is not None and fields[1] != want:
                continue
            a, _, b = fields[0].partition("..")
            yield int(a, 16), int(b or a, 16), fields[1]


def read_set(path, want):
    s = set()
    for a, b, _ in ranges(path, want):
        s.update(range(a, b + 1))
    return s


def version(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    m = re.search(r"(\d+\.\d+\.\d+)", first)
    return m.group(1) if m else "?"


wbp = f"{UCD}/auxiliary/WordBreakProperty.txt"
wb = [0] * N
for a, b, v in ranges(wbp):
    for c in range(a, b + 1):
        wb[c] = CLASSES.index(v)
ext_pict = read_set(f"{UCD}/emoji/emoji-data.txt", "Extended_Pictographic")
complex_context = read_set(f"{UCD}/LineBreak.txt", "SA")
control = read_set(f"{UCD}/auxiliary/GraphemeBreakProperty.txt", "Control")
hiragana = read_set(f"{UCD}/Scripts.txt", "Hiragana")
han = read_set(f"{UCD}/Scripts.txt", "Han")
ideographic = read_set(f"{UCD}/PropList.txt", "Ideographic")
hangul = set(range(0xAC00, 0xD7A4))

# ICU 72's root word rules (word.txt) tailor UAX #29 in two ways: '@' is an ALetter, and the
# colons are not MidLetter (so "i:s" is two words). The untailored classes of these code points
# are kept apart for the conformance test against WordBreakTest.txt.
untailored = {0x40: wb[0x40]}
wb[0x40] = CLASSES.index("ALetter")
for c in (0x3A, 0xFE55, 0xFF1A):
    assert wb[c] == CLASSES.index("MidLetter")
    untailored[c] = wb[c]
    wb[c] = CLASSES.index("Other")

# ICU's rule status: a segment is a word when the rule that ends it ends on a letter, digit, kana
# or ideograph. STATUS marks the code points whose one-character rule in word.txt carries a
# status and takes trailing Extend/Format/ZWJ ($Numeric, $ALetterPlus, $Hebrew_Letter, $Katakana,
# $Hiragana, $Ideographic, each "$ExFm* {status}"); HANGUL the syllables, whose rule
# "$HangulSyllable {200}" takes none. ALetterPlus is ALetter without the kana, Han and Hangul,
# with the letters of Complex_Context scripts (Thai, Lao, Khmer, Myanmar...) that are not
# Extend or Control.
A = CLASSES.index
dictionary_cjk = han | hiragana | hangul | {c for c in range(N) if wb[c] == A("Katakana")}
flags = [0] * N
for c in range(N):
    f = 0
    if c in ext_pict:
        f |= EXT_PICT
    aletter_plus = (wb[c] == A("ALetter") and c not in dictionary_cjk) or (
        c in complex_context and wb[c] != A("Extend") and c not in control)
    if aletter_plus or wb[c] in (A("Numeric"), A("Hebrew_Letter"), A("Katakana")) or \
            c in hiragana or c in ideographic:
        f |= STATUS
    if c in hangul:
        f |= HANGUL
    flags[c] = f
prop = [wb[c] | flags[c] for c in range(N)]

fold = [0] * N  # simple case folding as a difference: folded = c + fold[c]
with open(f"{UCD}/CaseFolding.txt", encoding="utf-8") as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        code, status, mapping = [x.strip() for x in line.split(";")[:3]]
        if status in ("C", "S"):
            c = int(code, 16)
            fold[c] = int(mapping, 16) - c


def two_stage(values):
    """First stage: a block number for each BLOCK code points; second: the distinct blocks."""
    index, blocks, seen = [], [], {}
    for i in range(0, N, BLOCK):
        blk = tuple(values[i:i + BLOCK])
        if blk not in seen:
            seen[blk] = len(blocks)
            blocks.append(blk)
        index.append(seen[blk])
    return index, blocks


def emit(out, ctype, name, values, per_line, width):
    out.append(f"const {ctype} {name}[{len(values)}] = {{")
    for i in range(0, len(values), per_line):
        out.append("    " + " ".join(f"{v:{width}}," for v in values[i:i + per_line]))
    out.append("};")


out = [
    "/* wordbreak_tables.c - GENERATED by scripts/gen-wordbreak.py from Debian's unicode-data "
    f"(Unicode {version(wbp)}):",
    " * auxiliary/WordBreakProperty.txt, emoji/emoji-data.txt, LineBreak.txt,",
    " * auxiliary/GraphemeBreakProperty.txt, Scripts.txt, PropList.txt and CaseFolding.txt.",
    " * Do not edit: `make tables` writes it again, byte for byte the same from the same files. */",
    '#include "wordbreak.h"',
    "",
]
wb_index, wb_blocks = two_stage(prop)
emit(out, "uint8_t", "wb_stage1", wb_index, 16, 3)
out.append("")
emit(out, "uint8_t", "wb_stage2", [v for blk in wb_blocks for v in blk], 16, 3)
out.append("")
out.append("/* The untailored Word_Break class of the code points ICU's root rules tailor. */")
out.append(f"const uint32_t wb_untailored_cp[WB_UNTAILORED] = {{"
           + ", ".join(f"0x{c:X}" for c in sorted(untailored)) + "};")
out.append(f"const uint8_t wb_untailored_class[WB_UNTAILORED] = {{"
           + ", ".join(str(untailored[c]) for c in sorted(untailored)) + "};")
out.append("")
fold_index, fold_blocks = two_stage(fold)
emit(out, "uint16_t", "fold_stage1", fold_index, 16, 3)
out.append("")
emit(out, "int32_t", "fold_stage2", [v for blk in fold_blocks for v in blk], 12, 6)
sys.stdout.write("\n".join(out) + "\n")
print(f"gen-wordbreak: {len(wb_blocks)} word-break blocks, {len(fold_blocks)} folding blocks",
      file=sys.stderr)
assert len(wb_blocks) < 256 and len(untailored) == 4
