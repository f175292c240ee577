#!/usr/bin/env python3
"""A sparse file of SIZE GiB (default 5): holes of NUL bytes (one token each) with short runs of
words around 2^31, 2^32 (words straddling it), every GiB, the start and the end, and FILE.expected
(one 'WORD COUNT' line, as wordtally-gen writes) counted by construction.

    scripts/make-sparse.py FILE [SIZE_GIB]"""
import sys

GIB = 1 << 30
WORDS = ["dog", "cat", "boy", "girl"]


def main():
    path, gib = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    size = gib * GIB
    text = b" dog cat Dog dogs boy\x85girl\xa0dog\tcat\ncat, boy "
    # (offset, bytes): every run starts and ends with whitespace, so the holes stay separate tokens.
    runs = [(0, b"dog cat boy girl "), (size - 9, b" dog girl")]
    for at in sorted(set([k * GIB for k in range(1, gib)] + [1 << 31, 1 << 32])):
        if at + 64 < size:  # text[18:21] is "boy": it runs from at-2 to at, across the boundary
            runs.append((at - 20, text))
    runs.sort()
    for (a, x), (b, _) in zip(runs, runs[1:]):
        assert a + len(x) <= b, "runs overlap at %d" % a
    counts = [0] * len(WORDS)
    with open(path, "wb") as f:
        f.truncate(size)
        for at, data in runs:
            f.seek(at)
            f.write(data)
            toks = data.decode("latin-1").split()
            for i, w in enumerate(WORDS):
                counts[i] += toks.count(w)
    with open(path + ".expected", "w") as f:
        f.write("".join("%s %d\n" % (w, c) for w, c in zip(WORDS, counts)))


if __name__ == "__main__":
    main()
