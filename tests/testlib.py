"""What the Python test scripts share: the SPEC oracle, the twelve whitespace bytes, and the
pass/fail tally whose closing line ('NAME: N passed, N failed') CI reads."""
import csv
import io
import sys

WORDS = ["dog", "cat", "boy", "girl"]
WS = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0"


def oracle(text, words=WORDS):
    """The oracle of docs/SPEC.md §1, verbatim in meaning. text: the bytes themselves, or a file's path."""
    if isinstance(text, str):
        with open(text, "rb") as f:
            text = f.read()
    t = text.decode("latin-1").split()
    return [t.count(w) for w in words]


def totals_csv(out):
    """The counts of the total rows (kind "total") of --format csv, in word order."""
    rows = csv.DictReader(io.StringIO(out.decode("latin-1"), newline=""))
    return [int(r["count"]) for r in rows if r["kind"] == "total"]


class Tally:
    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, ok, what):
        """Counts one check; prints what failed."""
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what)
        return ok

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)
