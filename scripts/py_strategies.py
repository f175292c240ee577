#!/usr/bin/env python3
"""The two original Python strategies, reimplemented for `make bench` (they are the baseline, and
they miscount words split at chunk boundaries: that is why wordtally exists).
   usage: py_strategies.py serial|pool FILE [BYTES]
serial: read 256 KiB chunks in order, chunk.decode('latin-1').split(), count the words;
pool:   multiprocessing.Pool().map of the same counting over the list of 256 KiB chunks.
Only the first BYTES of FILE are read (default: all). Prints: bytes seconds count count count count"""
import multiprocessing
import sys
import time

WORDS = ["dog", "cat", "boy", "girl"]
CHUNK = 256 * 1024


def count_chunk(chunk):
    tokens = chunk.decode("latin-1").split()
    return [tokens.count(w) for w in WORDS]


def chunks(path, limit):
    with open(path, "rb") as f:
        left = limit
        while left > 0:
            c = f.read(min(CHUNK, left))
            if not c:
                break
            left -= len(c)
            yield c


def main():
    mode, path = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 1 << 62
    t0 = time.perf_counter()
    total, nbytes = [0] * len(WORDS), 0
    if mode == "serial":
        for c in chunks(path, limit):
            nbytes += len(c)
            total = [a + b for a, b in zip(total, count_chunk(c))]
    elif mode == "pool":
        data = list(chunks(path, limit))
        nbytes = sum(map(len, data))
        with multiprocessing.Pool() as pool:
            for r in pool.map(count_chunk, data):
                total = [a + b for a, b in zip(total, r)]
    else:
        sys.exit("usage: py_strategies.py serial|pool FILE [BYTES]")
    print(nbytes, "%.6f" % (time.perf_counter() - t0), *total)


if __name__ == "__main__":
    main()
