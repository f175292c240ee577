"""FILE.expected, as wordtally-gen and scripts/make-gcide-corpus.sh write it: one 'WORD COUNT' line
per word. The Python scripts' reader (scripts/job-lib.sh's read_expected is the job scripts')."""


def read_expected(path):
    """(words, counts) from PATH; ValueError if a line is not 'WORD COUNT'. Words are bytes."""
    words, counts = [], []
    for line in open(path, "rb").read().splitlines():
        if not line.strip():
            continue
        word, count = line.split()  # ValueError unless exactly two fields
        words.append(word)
        counts.append(int(count))
    if not words:
        raise ValueError("%s: no 'WORD COUNT' line" % path)
    return words, counts
