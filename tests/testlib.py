"""What the Python test scripts share: the SPEC oracles (one per mode), the whitespace of each
encoding, and the pass/fail tally whose closing line ('NAME: N passed, N failed') CI reads."""
import csv
import io
import os
import signal
import subprocess
import sys
import time

WORDS = ["dog", "cat", "boy", "girl"]
# --encoding latin1: the twelve whitespace bytes.
WS_LATIN1 = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0"
# --encoding utf-8 (the default): Python's str.isspace() set, as UTF-8 sequences (29 of them).
WS_UTF8 = [chr(c).encode() for c in range(0x110000) if chr(c).isspace()]
WS_MULTI = [s for s in WS_UTF8 if len(s) > 1]  # the 2- and 3-byte sequences
# Bytes that spell a token around whitespace in one mode and not in the other (SPEC §1).
NEAR_MISSES = ["Рdog".encode(), "Ådog".encode(), "dog\u3000".encode(), b"dog\xe3\x80", b"\x80dog",
               b"dog\xc2", b"\xa0dog", b"\x85dog", b"dog\xe2\x80\x8b"]
ENCODINGS = ["utf-8", "latin1"]
MODES = [("utf-8", False), ("latin1", False), ("utf-8", True), ("latin1", True)]
_ESC = ("utf-8", "surrogateescape")


def mode_args(encoding, ignore_case):
    """The command-line options of a mode."""
    return ["--encoding", encoding] + (["-i"] if ignore_case else [])


def tokens(text, encoding="utf-8"):
    """SPEC §1's tokens as bytes. text: the bytes themselves, or a file's path."""
    if isinstance(text, str):
        with open(text, "rb") as f:
            text = f.read()
    if encoding == "latin1":
        return [t.encode("latin-1") for t in text.decode("latin-1").split()]
    return [t.encode(*_ESC) for t in text.decode(*_ESC).split()]


def word_bytes(w):
    return w if isinstance(w, bytes) else w.encode(*_ESC)


def oracle(text, words=WORDS, encoding="utf-8", ignore_case=False):
    """SPEC.md's oracles, verbatim in meaning: --encoding utf-8 (the default) or latin1, and -i
    (bytes.lower(): ASCII letters only). Words are str or bytes."""
    t = tokens(text, encoding)
    ws = [word_bytes(w) for w in words]
    if ignore_case:
        t = [x.lower() for x in t]
        ws = [w.lower() for w in ws]
    return [t.count(w) for w in ws]


def totals_csv(out):
    """The counts of the total rows (kind "total") of --format csv, in word order."""
    rows = csv.DictReader(io.StringIO(out.decode("latin-1"), newline=""))
    return [int(r["count"]) for r in rows if r["kind"] == "total"]


class Tally:
    def __init__(self, name):
        self.name, self.passed, self.failed, self.skipped = name, 0, 0, []

    def check(self, ok, what):
        """Counts one check; prints what failed."""
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what)
        return ok

    def skip(self, what):
        """A check that cannot run here (e.g. a kernel this CPU lacks): said, never passed."""
        self.skipped.append(what)
        print("SKIP:", what)

    def finish(self):
        skipped = ", %d skipped" % len(self.skipped) if self.skipped else ""
        print("%s: %d passed, %d failed%s" % (self.name, self.passed, self.failed, skipped))
        sys.exit(1 if self.failed else 0)


def run_and_change(argv, path, change, min_read=8 << 20, min_pos=0):
    """Starts argv (wordtally on path), waits until it has the file open and has read min_read
    bytes or mapped it (so it is counting, past the size it took when opening), and the file's
    offset is at min_pos or more (a compressed file is read with read(2), from past its first
    bytes); stops it, changes the file, lets it go on: deterministic as long as counting the file
    takes longer than the poll. Returns (seen open, exit status, stdout, stderr)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    opened = False
    while not opened and time.time() < deadline and proc.poll() is None:
        try:
            fds = [f for f in os.listdir("/proc/%d/fd" % proc.pid)
                   if os.readlink("/proc/%d/fd/%s" % (proc.pid, f)) == path]
            pos = 0
            for f in fds:
                with open("/proc/%d/fdinfo/%s" % (proc.pid, f)) as info:
                    pos = max(pos, int(info.read().split("pos:")[1].split()[0]))
            with open("/proc/%d/io" % proc.pid) as io:
                read = int(io.read().split("rchar: ")[1].split()[0])
            with open("/proc/%d/maps" % proc.pid) as maps:
                mapped = path in maps.read()  # --io mmap reads without read(2)
            opened = bool(fds) and (read >= min_read or mapped) and pos >= min_pos
        except (OSError, IndexError, ValueError):
            pass
    if opened:
        os.kill(proc.pid, signal.SIGSTOP)
        change(path)
        os.kill(proc.pid, signal.SIGCONT)
    out, err = proc.communicate()
    return opened, proc.returncode, out, err
