"""What the Python test scripts share: the SPEC oracles (one per mode, and --top/--vocab's), the
whitespace of each encoding, the adversarial and real input files, and the pass/fail tally whose
closing line ('NAME: N passed, N failed') CI reads."""
import collections
import csv
import gzip
import io
import os
import random
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


_FOLD = {}


def casefold(b):
    """Unicode simple case folding of the UTF-8 bytes b: each code point through CaseFolding.txt's
    C and S lines (Debian's unicode-data), read here; invalid bytes stay as they are."""
    if not _FOLD:
        with open("/usr/share/unicode/CaseFolding.txt", encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    code, status, mapping = [x.strip() for x in line.split(";")[:3]]
                    if status in ("C", "S"):
                        _FOLD[chr(int(code, 16))] = chr(int(mapping, 16))
    return "".join(_FOLD.get(c, c) for c in b.decode(*_ESC)).encode(*_ESC)


def oracle(text, words=WORDS, encoding="utf-8", ignore_case=False):
    """SPEC.md's oracles, verbatim in meaning: --encoding utf-8 (the default) or latin1, and -i
    (utf-8: casefold, Unicode simple case folding; latin1: bytes.lower(), ASCII letters only).
    Words are str or bytes."""
    t = tokens(text, encoding)
    ws = [word_bytes(w) for w in words]
    if ignore_case:
        fold = casefold if encoding == "utf-8" else bytes.lower
        t = [fold(x) for x in t]
        ws = [fold(w) for w in ws]
    return [t.count(w) for w in ws]


def vocab_count(toks, encoding="utf-8", ignore_case=False):
    """SPEC §7: collections.Counter over tokens (with -i folded: by casefold in utf-8, ASCII
    letters only in latin1), sorted by (-count, token bytes)."""
    c = collections.Counter(toks)
    if ignore_case:  # each distinct token folded once
        folded = collections.Counter()
        for x, n in c.items():
            folded[casefold(x) if encoding == "utf-8" else x.lower()] += n
        c = folded
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))


def vocab_oracle(text, encoding="utf-8", ignore_case=False):
    """vocab_count over the tokens of SPEC §1."""
    return vocab_count(tokens(text, encoding), encoding, ignore_case)


def totals_csv(out):
    """The counts of the total rows (kind "total") of --format csv, in word order."""
    rows = csv.DictReader(io.StringIO(out.decode("latin-1"), newline=""))
    return [int(r["count"]) for r in rows if r["kind"] == "total"]


def vocab_csv(out):
    """--top/--vocab -f csv: the token,count rows as (bytes, int) (tokens are any bytes, read
    through Latin-1), or None without the header."""
    csv.field_size_limit(1 << 30)  # a token may be as long as the input
    rows = list(csv.reader(io.StringIO(out.decode("latin-1"), newline="")))
    if not rows or rows[0] != ["token", "count"]:
        return None
    return [(r[0].encode("latin-1"), int(r[1])) for r in rows[1:]]


# The real corpora the drivers read (Debian's dict-gcide and dict-freedict-*, installed by
# scripts/install-deps.sh): English, German and Russian text with punctuation, UTF-8 and numbers.
DICTIONARIES = {"GCIDE": "/usr/share/dictd/gcide.dict.dz",
                "FreeDict deu-eng": "/usr/share/dictd/freedict-deu-eng.dict.dz",
                "FreeDict eng-rus": "/usr/share/dictd/freedict-eng-rus.dict.dz"}


def real_text(size):
    """The first size bytes of the GCIDE dictionary (Debian's dict-gcide): real English text."""
    with gzip.open(DICTIONARIES["GCIDE"], "rb") as f:
        return f.read(size)


def write_file(folder, name, data):
    """Writes the bytes data to folder/name (str or bytes paths); returns the path."""
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def chunk_edges(size, edges):
    """size bytes of x with " dog " at offsets around the first `edges` edges of 63-, 64- and
    65-byte chunks: words straddling every edge of those chunk sizes."""
    text = bytearray(b"x" * size)
    for k in range(1, edges):
        for s in (63, 64, 65):
            at = k * s - (k % 4)
            if at + 5 < len(text):
                text[at - 1:at + 4] = b" dog "
    return bytes(text)


def make_files(folder):
    """The inputs every word count is checked on (tests/integration.py, memcheck, MPI): edge cases,
    random mixes of words, near misses and whitespace, words across small chunk edges, a token
    longer than a chunk, real text. Returns {name: path}."""
    ws = WS_LATIN1
    named = [("empty", b""),
             ("only-whitespace", ws * 50),
             ("no-whitespace", b"dogcatboygirl" * 800),
             ("single-word", b"dog"),
             ("start-and-end", b"girl cat\n\ndog boy\x85dog"),
             ("all-whitespace-bytes", b"".join(b"dog" + bytes([c]) for c in ws) + b"cat"),
             ("nul-bytes", b"dog\0 \0dog dog\0\0 cat \0 boy\0girl girl"),
             ("near-misses", b"dogs Dog dog, \"dog catboy girls xcat cat. boy! GIRL dog\n")]
    parts = [b"dog", b"cat", b"boy", b"girl", b"Dog", b"dogs", b"do", b"g", b"\0", b"\xe9",
             b"\x84", b"\x86", b"\xa1", b"x" * 70] + [bytes([c]) for c in ws]
    for seed in range(6):
        r = random.Random(seed)
        named.append(("random-%d" % seed,
                      b"".join(r.choice(parts) for _ in range(r.randrange(200, 3000)))))
    named.append(("chunk-edges", chunk_edges(4200, 60)))
    # A token longer than the default chunk, with words on both sides of it.
    named.append(("long-token", b"dog " + b"y" * (300 * 1024) + b" cat " + b"\0" * 70000 +
                  b"dog girl"))
    named.append(("real-text", real_text(400 * 1024)))
    return {name: write_file(folder, name, data) for name, data in named}


def make_vocab_files(folder, big=False):
    """The inputs --top/--vocab are checked on (tests/vocab.py, MPI): edge cases, CSV quoting,
    every UTF-8 whitespace sequence, its prefixes and invalid UTF-8 in random mixes, tokens across
    small chunk edges, tokens longer than a block and than a chunk, real text (40 MB with big).
    Returns {name: path}."""
    ws = WS_UTF8
    named = [("empty", b""),
             ("only-whitespace", b"".join(ws) * 20),
             ("single", b"dog"),
             ("csv-quoting", b'a,b "q" a,b \'x\' "" , ,, dog "dog" a,b'),
             ("nul-and-controls", b"a\0b \0 \0\0 \x01\x7f x\x00 a\0b\tz")]
    # Every UTF-8 whitespace sequence between tokens; their prefixes and lone bytes, which are
    # token bytes; invalid UTF-8.
    parts = [b"dog", b"Dog", b"caf\xc3\xa9", b"\xe2\x80", b"\xe2", b"\x80", b"\xc2", b"\x85",
             b"\xa0", b"\xe3\x80", b"\xe1\x9a", b"\xff", b"x" * 40, b"a,b", b'"'] + ws
    for seed in range(5):
        r = random.Random(seed)
        named.append(("random-%d" % seed,
                      b"".join(r.choice(parts) for _ in range(r.randrange(300, 4000)))))
    # Tokens of every length across small chunk edges; a token longer than a block (256 KiB),
    # twice, and one longer than the default chunk at the end of the file.
    named.append(("chunk-edges", b"".join(b"t%d" % i + b"y" * (i % 70) + ws[i % len(ws)]
                                          for i in range(900))))
    named.append(("long-tokens", b"dog " + b"y" * 300000 + b" cat\xe2\x80\x80" + b"y" * 300000 +
                  b"\n" + b"z" * 70000 + b" dog " + b"\xe2\x80\xa8".join([b"q" * 600] * 3) +
                  b"y" * 270000))
    named.append(("real-text", real_text(40 * 1024 * 1024 if big else 300 * 1024)))
    return {name: write_file(folder, name, data) for name, data in named}


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
