#!/usr/bin/env python3
"""The bad-input table (SPEC §4, docs/bad-inputs.md): every row is a command, the exit status it must
give and a fragment its one-line stderr message must hold. Rows that still count something also
compare the counts with the SPEC oracle.

    python3 tests/bad_inputs.py ./wordtally             # run; prints 'bad inputs: N passed, N failed'
    python3 tests/bad_inputs.py ./wordtally --markdown  # also print the table with what each row got
"""
import bz2
import gzip
import io
import json
import lzma
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Tally, oracle, write_file  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--")
                       else "./wordtally")
MARKDOWN = "--markdown" in sys.argv
# Sanitizer builds reserve terabytes of address space for their shadow memory, and qemu-user (make
# check-arm64) a JIT buffer of 128 MiB: no `ulimit -v` or peak-RSS row with --no-rss-bound.
NO_RSS_BOUND = "--no-rss-bound" in sys.argv
tally = Tally("bad inputs")
TMP = None  # the temporary folder, shown as $D in the table
table = []  # (case, command, want rc, got rc, stderr, ok)


def totals(stdout):
    """The 'total' of --format json, or None when the output is not a report."""
    try:
        return json.loads(stdout)["total"]
    except (ValueError, KeyError):
        return None


def unprivileged_prefix():
    """A command prefix that runs as an unprivileged user, or None when that is impossible."""
    if os.geteuid() != 0:
        return []
    for prefix in (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
                   ["runuser", "-u", "nobody", "--"]):
        if shutil.which(prefix[0]):
            r = subprocess.run(prefix + ["true"], capture_output=True)
            if r.returncode == 0:
                return prefix
    return None


def report_has(stdout, want):
    """Whether the (json) report holds each key of want with that value."""
    try:
        got = json.loads(stdout)
    except ValueError:
        return False
    return all(got.get(k) == v for k, v in want.items())


def row(case, cmd, want_rc, needle, stdin=None, env=None, shell=False, counts=None,
        one_line=True, preexec=None, stdout=None, display=None, raw=False, report=None):
    """Runs one row. cmd is an argument list after the program name, or with shell=True a shell
    command where {P} is the program. counts: the totals the (json) report must show; report:
    other keys of the json report and their values."""
    e = dict(os.environ)
    e.pop("OMP_NUM_THREADS", None)
    e.update(env or {})
    if shell:
        argv = ["bash", "-c", cmd.format(P=PROG)]
        shown = cmd.format(P="wordtally")
    else:
        argv = cmd if raw else [PROG] + cmd
        txt = [a.decode("latin-1") if isinstance(a, bytes) else a for a in cmd]
        shown = "wordtally " + " ".join(a if a and " " not in a else repr(a) for a in txt)
    if env:
        shown = " ".join("%s=%s" % kv for kv in env.items()) + " " + shown
    kw = dict(stdin=stdin if stdin is not None else subprocess.DEVNULL)
    kw["stdout"] = stdout if stdout is not None else subprocess.PIPE
    try:
        r = subprocess.run(argv, stderr=subprocess.PIPE, env=e, timeout=60,
                           preexec_fn=preexec, **kw)
        rc, out, err = r.returncode, r.stdout or b"", r.stderr.decode("latin-1")
    except subprocess.TimeoutExpired:
        rc, out, err = "hang", b"", "(killed after 60 s)"
    lines = [ln for ln in err.split("\n") if ln]  # not splitlines(): 0x85 is no line end here
    ours = [ln for ln in lines if ln.startswith("wordtally: ")]
    ok = rc == want_rc
    if needle is None:
        ok = ok and not ours and (not lines or not one_line)
    else:
        ok = ok and any(needle in ln for ln in ours)
        if one_line:
            ok = ok and len(lines) == 1 and lines[0].startswith("wordtally: ")
    if want_rc == 2:
        ok = ok and out == b""  # a usage error counts nothing
    if counts is not None:
        ok = ok and totals(out) == counts
    if report is not None:
        ok = ok and report_has(out, report)
    tally.check(ok, "%s: %s: rc %s (want %s), stderr %r, stdout %r"
                % (case, shown, rc, want_rc, err, out[:200]))
    if TMP:
        shown, err = shown.replace(TMP, "$D"), err.replace(TMP, "$D")
        lines = [ln.replace(TMP, "$D") for ln in lines]
    table.append((case, display or shown, want_rc, rc, " / ".join(lines) or "(nothing)", ok))


def other_arch_kernel():
    """A kernel of an architecture the program was not built for (-V names the kernels built in)."""
    built = subprocess.run([PROG, "-V"], capture_output=True).stdout
    return "avx2" if b"neon" in built else "neon"


def usage_rows(good):
    """Exit 2, nothing counted: every malformed option value and word list."""
    bad = [
        ("threads 0", ["-t", "0"], "--threads '0': not a thread count"),
        ("threads negative", ["-t", "-1"], "--threads '-1'"),
        ("threads not a number", ["-t", "abc"], "--threads 'abc'"),
        ("threads overflow", ["-t", "99999999999999999999"], "--threads '99999999999999999999'"),
        ("threads above 4096", ["-t", "4097"], "--threads '4097'"),
        ("threads with sign", ["-t", "+2"], "--threads '+2'"),
        ("threads with space", ["-t", " 2"], "--threads ' 2'"),
        ("threads trailing junk", ["-t", "2x"], "--threads '2x'"),
        ("threads empty", ["-t", ""], "--threads ''"),
        ("chunk 0", ["-c", "0"], "--chunk-size '0': not a size"),
        ("chunk bad suffix", ["-c", "1Q"], "--chunk-size '1Q'"),
        ("chunk two-letter suffix", ["-c", "1KB"], "--chunk-size '1KB'"),
        ("chunk empty", ["-c", ""], "--chunk-size ''"),
        ("chunk negative", ["-c", "-1"], "--chunk-size '-1'"),
        ("chunk overflows 2^64", ["-c", "18446744073709551616"], "--chunk-size '18446744073709551616'"),
        ("chunk suffix overflows 2^64", ["-c", "17179869184G"], "--chunk-size '17179869184G'"),
        ("chunk above 2^62", ["-c", "4194305T"], "--chunk-size '4194305T'"),
        ("chunk huge", ["-c", "99999999999T"], "--chunk-size '99999999999T'"),
        ("empty word", ["-w", ""], "--word '': empty word"),
        ("word with space", ["-w", "a b"], "word contains whitespace (utf-8)"),
        ("word with tab", ["-w", "a\tb"], "word contains whitespace (utf-8)"),
        ("word with U+3000", ["-w", "a\u3000b".encode()], "word contains whitespace (utf-8)"),
        ("word with U+00A0", ["-w", b"a\xc2\xa0b"], "word contains whitespace (utf-8)"),
        ("word with U+00A0, -w before --encoding", ["-w", b"\xc2\xa0", "--encoding", "utf-8"],
         "word contains whitespace (utf-8)"),
        ("latin1 word with 0xA0", ["--encoding", "latin1", "-w", b"a\xa0b"], "whitespace byte (latin1)"),
        ("latin1 word with 0x85", ["-w", b"dog\x85", "--encoding", "latin1"], "whitespace byte (latin1)"),
        ("unknown encoding", ["--encoding", "ascii"], "--encoding 'ascii': expected utf-8 or latin1"),
        ("duplicate word", ["-w", "dog", "-w", "cat", "-w", "dog"], "--word 'dog': word given twice"),
        ("duplicate word with -i", ["-w", "Dog", "-i", "-w", "dOG"],
         "--word 'dOG': word given twice (ignoring case)"),
        ("word too long", ["-w", "x" * 4097], "longer than 4096 bytes"),
        ("unknown format", ["-f", "xml"], "--format 'xml': expected text, csv or json"),
        ("format is case-sensitive", ["-f", "JSON"], "--format 'JSON'"),
        ("empty format", ["-f", ""], "--format ''"),
        ("unknown kernel", ["--kernel", "sse9"], "--kernel 'sse9': unknown kernel"),
        ("kernel of another architecture", ["--kernel", other_arch_kernel()],
         "--kernel '%s': not available on this CPU" % other_arch_kernel()),
        ("unknown long option", ["--bogus"], "--bogus: unknown option"),
        ("unknown short option", ["-x"], "-x: unknown option"),
        ("unknown short option first in a cluster", ["-xv"], "wordtally: -x: unknown option"),
        ("unknown short option last in a cluster", ["-vx"], "wordtally: -x: unknown option"),
        ("value given to a flag", ["--serial=yes"], "--serial=yes: unknown option"),
        ("ambiguous abbreviation", ["--ver"], "--ver: ambiguous option: --verify, --verbose, --version"),
        ("ambiguous --no", ["--no"], "--no: ambiguous option: --no-bind, --no-progress (try --help)"),
        ("--bind with --no-bind", ["--bind", "--no-bind"], "--bind: not with --no-bind"),
        ("--serial with --verify", ["--serial", "--verify"], "--serial: not with --verify"),
        ("--verify with --serial", ["--verify", "--serial"], "--serial: not with --verify"),
        ("--top with --kernel words-scalar", ["--top", "3", "--kernel", "words-scalar"], "--kernel"),
        ("--vocab with --io mmap", ["--vocab", "--io", "mmap"], "--vocab: not with --io mmap"),
        ("--top with --quiet", ["--top", "3", "-q"], "--quiet: prints the counts only"),
        ("--top with --total", ["--top", "3", "--total=never"], "--total: not with --top or --vocab"),
        ("--vocab with --total", ["--total=always", "--vocab"], "--total: not with --top or --vocab"),
    ]
    for case, args, needle in bad:
        row(case, args + [good], 2, needle)
    for case, args, needle in [("missing value, short", ["-t"], "wordtally: -t: needs a value"),
                               ("missing value in a cluster", ["-vc"], "wordtally: -c: needs a value"),
                               ("missing value, long", ["--word"], "wordtally: --word: needs a value"),
                               ("missing value, words file", ["--words-file"], "--words-file: needs a value")]:
        row(case, args, 2, needle)


def words_file_rows(d, good, nobody):
    def put(name, data):
        return write_file(d, name, data)
    row("words file missing", ["--words-file", os.path.join(d, "no-such-list"), good], 2,
        "no-such-list': No such file or directory")
    r = subprocess.run([PROG, "--words-file", os.path.join(d, "no-such-list"), good], capture_output=True)
    tally.check(r.stderr.endswith(b"No such file or directory\n"),
                "a missing words file is not a question for --help: %r" % r.stderr)
    row("words file empty", ["--words-file", put("wl-empty", b""), good], 2, "no words in file")
    row("words file /dev/null", ["--words-file", "/dev/null", good], 2, "no words in file")
    row("words file only blank lines", ["--words-file", put("wl-blank", b"\n\r\n\n"), good], 2,
        "no words in file")
    row("words file is a directory", ["--words-file", d, good], 2, "Is a directory")
    row("words file duplicate", ["--words-file", put("wl-dup", b"dog\ncat\ndog\n"), good], 2,
        "word given twice")
    row("words file word with space", ["--words-file", put("wl-sp", b"dog\nhot dog\n"), good], 2,
        "wl-sp': line 2, 'hot dog': word contains whitespace (utf-8)")
    # A line that is not one word under --tokens=words: the file, the line (blank ones counted)
    # and the word are named.
    row("words file line not one word", ["--tokens=words", "--words-file",
                                         put("wl-words", b"dog\n\ncat\ndog,\n"), good], 2,
        "wl-words': line 4, 'dog,': not one word under --tokens=words")
    row("words file word with NUL", ["--words-file", put("wl-nul", b"dog\ncat\0\n"), good], 2,
        "NUL byte")
    row("words file and -w repeat a word", ["-w", "cat", "--words-file", put("wl-cat", b"cat\n"), good],
        2, "word given twice")
    with open(put("wl-stdin", b"dog\ncat\n"), "rb") as wl:
        row("words file - and standard input as the input", ["--words-file", "-"], 2,
            "--words-file '-': standard input holds the words", stdin=wl)
    with open(os.path.join(d, "wl-stdin"), "rb") as wl:
        row("words file - with FILEs (valid)", ["-f", "json", "--words-file", "-", good], 0, None,
            stdin=wl, counts=oracle(open(good, "rb").read(), ["dog", "cat"]))
    # A word list with CRLF endings and blank lines is fine: the words are dog and cat.
    row("words file CRLF and blank lines (valid)",
        ["-f", "json", "--words-file", put("wl-crlf", b"dog\r\n\r\ncat\r\n"), good], 0, None,
        counts=oracle(open(good, "rb").read(), ["dog", "cat"]))
    if nobody is not None:
        p = put("wl-secret", b"dog\n")
        os.chmod(p, 0)
        row("words file unreadable (as nobody)", nobody + [PROG, "--words-file", p, good], 2,
            "wl-secret': Permission denied", raw=True,
            display="(as nobody) wordtally --words-file SECRET GOOD")


def input_rows(d, good, nobody):
    data = open(good, "rb").read()
    want = oracle(data)
    missing = os.path.join(d, "no-such-file")
    row("missing file", [missing], 1, "no-such-file: No such file or directory")
    row("directory", [d], 1, d + ": Is a directory")
    empty = os.path.join(d, "empty")
    open(empty, "wb").close()
    row("empty file", ["-f", "json", empty], 0, None, counts=[0, 0, 0, 0])
    row("/dev/null", ["-f", "json", "/dev/null"], 0, None, counts=[0, 0, 0, 0])
    row("empty name in a --null list", "printf '%%s\\0\\0' %s | {P} -f json --null --files-from -" % good,
        1, "wordtally: -:2: invalid zero-length file name", shell=True, counts=want,
        display="printf 'GOOD\\0\\0' | wordtally -f json --null --files-from -")
    # Sizes that lie: procfs reports 0 bytes, sysfs 4096; both are read as streams to their end.
    for path, word in (("/proc/version", "Linux"), ("/sys/devices/system/cpu/online", None)):
        if os.access(path, os.R_OK):
            word = word or open(path, "rb").read().split()[0].decode("latin-1")
            row("%s (size %d, not its content's)" % (path, os.stat(path).st_size),
                ["-f", "json", "-w", word, path], 0, None, counts=oracle(path, [word]))
    # Compressed files and archives, known by their first bytes: counted as the text they hold
    # (SPEC §6). Damaged or cut short: exit 1 naming the input (and the member), never a partial
    # count; the other inputs are still counted.
    def zip_of(body):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("book.txt", body)
        return buf.getvalue()

    def tar_gz_of(body):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as t:
            info = tarfile.TarInfo("book.txt")
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
        return buf.getvalue()

    packed = {"gz": gzip.compress(data), "bz2": bz2.compress(data), "xz": lzma.compress(data),
              "zip": zip_of(data), "tar.gz": tar_gz_of(data)}
    # Members long enough to be cut in their middle (the first bytes are decoded when opened).
    packed["big.zip"], packed["big.tar.gz"] = zip_of(data * 20000), tar_gz_of(data * 20000)
    for ext, blob in sorted(packed.items()):
        if ext.startswith("big."):
            continue
        path = os.path.join(d, "book." + ext)
        open(path, "wb").write(blob)
        row("%s file after a good one" % ext, ["-f", "json", good, path], 0, None,
            counts=[2 * c for c in want], display="wordtally -f json GOOD book.%s" % ext)
    gz = packed["gz"]
    damaged = [
        ("gzip cut short", "cut.gz", gz[:len(gz) // 2], "cut.gz: truncated gzip data"),
        ("gzip with a wrong CRC-32", "crc.gz", gz[:-8] + bytes([gz[-8] ^ 1]) + gz[-7:],
         "crc.gz: damaged gzip data (incorrect data check)"),
        ("gzip with a wrong length", "len.gz", gz[:-4] + bytes([gz[-4] ^ 1]) + gz[-3:],
         "len.gz: damaged gzip data (incorrect length check)"),
        ("gzip with garbage after it", "trail.gz", gz + b"dog cat", "trail.gz: damaged gzip data"),
        ("zstd magic, then text", "fake.zst", b"\x28\xb5\x2f\xfd" + data, "fake.zst: damaged zstd data"),
        ("xz cut short", "cut.xz", packed["xz"][:-20], "cut.xz: truncated xz data"),
        ("bzip2 with a changed byte", "bad.bz2", packed["bz2"][:60] + bytes([packed["bz2"][60] ^ 8])
         + packed["bz2"][61:], "bad.bz2: damaged bzip2 data"),
        ("zip cut short (its end read first)", "cut.zip", packed["big.zip"][:len(packed["big.zip"]) // 2],
         "cut.zip: damaged zip archive (no end record: cut short?)"),
        ("tar.gz cut inside a member", "cut.tar.gz", packed["big.tar.gz"][:len(packed["big.tar.gz"]) // 2],
         "cut.tar.gz: member book.txt: truncated gzip data"),
    ]
    for case, name, blob, needle in damaged:
        path = os.path.join(d, name)
        open(path, "wb").write(blob)
        row(case + ", after a good file", ["-f", "json", good, path], 1, needle, counts=want,
            display="wordtally -f json GOOD " + name)
    row("gzip data on standard input from a file", ["-f", "json"], 0, None, counts=want,
        stdin=open(os.path.join(d, "book.gz"), "rb"))
    row("gzip cut short on standard input", ["-f", "json"], 1, "-: truncated gzip data",
        stdin=open(os.path.join(d, "cut.gz"), "rb"))
    row("zip cut inside a member, on a pipe", "cat %s | {P} -f json" % os.path.join(d, "cut.zip"), 1,
        "-: member book.txt: truncated zip archive (it ends inside a member's data)", shell=True,
        display="cat cut.zip | wordtally -f json")
    row("--decompress=never: a gzip file's bytes", ["-f", "json", "--decompress=never",
                                                    os.path.join(d, "book.gz")], 0, None,
        counts=oracle(gz), display="wordtally -f json --decompress=never book.gz")
    row("bad --decompress", ["--decompress=yes", good], 2, "--decompress 'yes': expected auto or never")
    row("--repeat on a gzip file", ["--repeat", "2", os.path.join(d, "book.gz")], 2,
        "book.gz: compressed (read as a stream); --sweep and --repeat read each input several times",
        display="wordtally --repeat 2 book.gz")
    lookalike = os.path.join(d, "lookalike")
    open(lookalike, "wb").write(b"BZh9 dog PK dog\n")
    row("text that starts like bzip2", ["-f", "json", lookalike], 0, None, counts=[2, 0, 0, 0])
    row("empty standard input", ["-f", "json"], 0, None, counts=[0, 0, 0, 0])
    row("good file, then a missing one", ["-f", "json", good, missing], 1, "no-such-file",
        counts=want)
    row("missing file, then a good one", ["-f", "json", missing, good], 1, "no-such-file",
        counts=want)
    row("good file, then a directory", ["-f", "json", good, d], 1, "Is a directory", counts=want)
    row("closed standard input", "{P} <&-", 1, "wordtally: -: Bad file descriptor", shell=True)
    row("closed standard input after a good file",
        "{P} -f json %s - <&-" % good, 1, "wordtally: -: Bad file descriptor", shell=True,
        counts=want, display="wordtally -f json GOOD - <&-")
    row("closed standard output", "{P} %s >&-" % good, 1,
        "wordtally: standard output: Bad file descriptor", shell=True,
        display="wordtally GOOD >&-")
    row("output to a full device", "{P} %s > /dev/full" % good, 1,
        "wordtally: standard output: No space left on device", shell=True,
        display="wordtally GOOD > /dev/full")
    row("closed standard error (still counts)", "{P} -f json %s 2>&-" % good, 0, None, shell=True,
        counts=want, display="wordtally -f json GOOD 2>&-")

    # Output into a pipe whose reader has gone: like cat or wc, SIGPIPE ends the process quietly
    # (the shell reports 128+13); with SIGPIPE ignored, the write fails: exit 1 with a message.
    rfd, wfd = os.pipe()
    os.close(rfd)
    row("output into a closed pipe", [good], -signal.SIGPIPE, None, stdout=wfd,
        display="wordtally GOOD | (reader gone)")
    row("output into a closed pipe, SIGPIPE ignored", [good], 1,
        "wordtally: standard output: Broken pipe", stdout=wfd,
        preexec=lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN),
        display="(trap '' PIPE) wordtally GOOD | (reader gone)")
    os.close(wfd)

    # A named pipe with a writer: streamed, counted exactly.
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    big = data * 2000

    def writer():
        with open(fifo, "wb") as f:
            f.write(big)
    t = threading.Thread(target=writer)
    t.start()
    row("named pipe with a writer", ["-f", "json", "-c", "7", "--verify", fifo], 0, None,
        counts=oracle(big), display="wordtally -f json -c 7 --verify FIFO")
    t.join()

    if nobody is None:
        print("SKIP: unreadable file: cannot run as an unprivileged user here")
        table.append(("unreadable file", "(skipped: no setpriv/runuser as root)", 1, "-", "", True))
    else:
        secret = os.path.join(d, "secret")
        shutil.copy(good, secret)
        os.chmod(secret, 0)
        row("unreadable file (as nobody)", nobody + [PROG, secret], 1,
            "secret: Permission denied", raw=True, display="(as nobody) wordtally SECRET")
        row("unreadable file next to a readable one (as nobody)",
            nobody + [PROG, "-f", "json", secret, good], 1, "secret: Permission denied",
            counts=want, raw=True, display="(as nobody) wordtally -f json SECRET GOOD")


def tool(cmd):
    """Runs a shell command that makes a test input with the real tool; False if it failed."""
    return subprocess.run(cmd, shell=True, capture_output=True).returncode == 0


def members_text(path):
    """The oracle's text of an archive: its regular members one after the other, each a token
    stream of its own (SPEC §6), read with Python's tarfile or zipfile."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return b"\n".join(z.read(i) for i in z.infolist()
                              if not i.is_dir() and (i.external_attr >> 16) & 0o170000 != stat.S_IFLNK)
    with tarfile.open(path) as t:
        return b"\n".join(t.extractfile(m).read() for m in t.getmembers() if m.isreg())


def format_rows(d):
    """Compressed files and archives at the edges of their formats, each counted as the real tool
    decodes it (or refused with a reason): valid inputs once counted as raw bytes, or refused."""
    text = b"dog cat dog\nboy girl Dog\n"
    src = os.path.join(d, "fmt-text")
    open(src, "wb").write(text)
    want = oracle(text)

    def counted(case, path, want_counts, extra=(), report=None):
        row(case, ["-f", "json"] + list(extra) + [path], 0, None, counts=want_counts, report=report,
            display="wordtally -f json %s%s" % ("".join(a + " " for a in extra), os.path.basename(path)))

    # bzip2: an empty stream first (its end-of-stream magic where a block's would be).
    bz = os.path.join(d, "empty-first.bz2")
    if tool("{ bzip2 -c </dev/null; bzip2 -c %s; } > %s" % (src, bz)):
        counted("bzip2 whose first stream is empty", bz,
                oracle(subprocess.run(["bzip2", "-dc", bz], capture_output=True).stdout))
    # tar: v7 headers (no "ustar" magic), known by their checksum; an empty tar (its end only).
    tdir = os.path.join(d, "fmt-tree")
    os.makedirs(tdir)
    shutil.copy(src, os.path.join(tdir, "a"))
    open(os.path.join(tdir, "b"), "wb").write(b"cat boy\n")
    v7 = os.path.join(d, "v7.tar")
    if tool("tar --format=v7 -C %s -cf %s a b" % (tdir, v7)):
        counted("v7 tar (no ustar magic)", v7, oracle(members_text(v7)))
    empty_tar = os.path.join(d, "empty.tar")
    if tool("tar -cf %s -T /dev/null" % empty_tar):
        for extra in ([], ["--vocab"]):
            row("empty tar (10,240 NULs)%s" % (" " + extra[0] if extra else ""),
                ["-f", "json"] + extra + [empty_tar], 0, None,
                counts=None if extra else [0, 0, 0, 0], report={"bytes": 0, "vocab": []} if extra
                else {"bytes": 0}, display="wordtally -f json %sempty.tar" % "".join(a + " " for a in extra))
        tool("gzip -k %s" % empty_tar)
        counted("empty tar, gzipped", empty_tar + ".gz", [0, 0, 0, 0], report={"bytes": 0})
    # Blocks of NULs then text, or NULs that are not whole blocks: text, not an input that was
    # decoded (its report has no compressed_bytes).
    for k, (what, data) in enumerate((("1,024 NULs, then text", bytes(1024) + text),
                                       ("512 NULs, then text", bytes(512) + text),
                                       ("19 blocks of NULs, then text", bytes(19 * 512) + text),
                                       ("1,000 NULs", bytes(1000)), ("1,537 NULs", bytes(1537)))):
        nuls = os.path.join(d, "nuls-%d" % k)
        open(nuls, "wb").write(data)
        want_nuls = oracle(data)
        counted(what + ": text", nuls, want_nuls, report={"bytes": len(data), "files": [
                    {"path": nuls, "bytes": len(data), "counts": want_nuls,
                     "counts_by_word": dict(zip(["dog", "cat", "boy", "girl"], want_nuls))}]})
    empty_zip = os.path.join(d, "empty.zip")
    zipfile.ZipFile(empty_zip, "w").close()
    for extra in ([], ["--vocab"]):
        row("empty zip%s" % (" " + extra[0] if extra else ""), ["-f", "json"] + extra + [empty_zip], 0,
            None, counts=None if extra else [0, 0, 0, 0],
            report={"bytes": 0, "vocab": []} if extra else {"bytes": 0},
            display="wordtally -f json %sempty.zip" % "".join(a + " " for a in extra))
    zip_rows(d, text, tdir)
    # zstd: only skippable frames (zstd -dc prints nothing): empty, whatever the thread count.
    skip = os.path.join(d, "skippable-only.zst")
    open(skip, "wb").write(b"\x50\x2a\x4d\x18\x04\x00\x00\x00abcd\x5f\x2a\x4d\x18\x00\x00\x00\x00")
    if tool("test -z \"$(zstd -dc %s)\"" % skip):
        for t in ("1", "2"):
            counted("zstd of skippable frames only, -t %s" % t, skip, [0, 0, 0, 0], ["-t", t])


class Unseekable(io.RawIOBase):
    """A file Python's zipfile cannot seek in, as a pipe: it writes data descriptors."""
    def __init__(self):
        super().__init__()
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def zip_rows(d, text, tdir):
    """Zips as Python's zipfile and Info-ZIP write them, counted as zipfile reads them: stored,
    deflate, bzip2 and LZMA members, empty ones, data descriptors (a zip written to a pipe),
    zip64; links and devices skipped as in a tar; encryption, and a zip without its central
    directory, refused with a reason. Each as a FILE (its central directory read first) and on a
    pipe (the central directory comes last)."""
    def both(case, path, want_rc, needle=None):
        base = os.path.basename(path)
        if want_rc == 0:
            want = oracle(members_text(path))
            row(case, ["-f", "json", path], 0, None, counts=want, display="wordtally -f json " + base)
            row(case + ", on a pipe", "cat %s | {P} -f json" % path, 0, None, shell=True, counts=want,
                display="cat %s | wordtally -f json" % base)
        else:
            row(case, ["-f", "json", path], want_rc, needle[0], display="wordtally -f json " + base)
            row(case + ", on a pipe", "cat %s | {P} -f json" % path, want_rc, needle[1], shell=True,
                display="cat %s | wordtally -f json" % base)

    def python_zip(name, members, method, stream=False, zip64=False):
        path = os.path.join(d, name)
        sink = Unseekable() if stream else open(path, "wb")
        with zipfile.ZipFile(sink, "w", method) as z:
            for member, body in members:
                with z.open(member, "w", force_zip64=zip64) as f:
                    f.write(body)
        if stream:
            open(path, "wb").write(sink.data)
        else:
            sink.close()
        return path

    members = [("a.txt", text * 300), ("empty.txt", b""), ("b.txt", b"cat boy\n")]
    methods = (("stored", zipfile.ZIP_STORED), ("deflate", zipfile.ZIP_DEFLATED),
               ("bzip2", zipfile.ZIP_BZIP2), ("LZMA", zipfile.ZIP_LZMA))
    for what, method in methods:
        both("Python zipfile, %s, an empty member" % what,
             python_zip("py-%s.zip" % what, members, method), 0)
        both("Python zipfile to a pipe, %s (data descriptors)" % what,
             python_zip("py-pipe-%s.zip" % what, members, method, stream=True), 0)
    both("Python zipfile, zip64 sizes", python_zip("py-zip64.zip", members, zipfile.ZIP_DEFLATED,
                                                     zip64=True), 0)
    # A member is counted by its bytes whatever its Unix type says, but for a directory or a
    # symbolic link (skipped, as in a tar: SPEC §6); a type no file has (0o170000) is no reason to
    # skip it. Only the central directory says what a member is: on a pipe it comes after the
    # member's bytes, so a link with bytes is an error there.
    special = os.path.join(d, "special.zip")
    with zipfile.ZipFile(special, "w") as z:
        z.writestr("a.txt", text)
        for member, mode, body in (("fifo", stat.S_IFIFO, b"dog dog"), ("chr", stat.S_IFCHR, b"cat"),
                                   ("odd", 0o170000, b"boy boy"), ("link", stat.S_IFLNK, b"girl")):
            info = zipfile.ZipInfo(member)
            info.create_system = 3
            info.external_attr = (mode | 0o644) << 16
            z.writestr(info, body)
    want = oracle(text + b"\ndog dog\ncat\nboy boy")
    assert oracle(members_text(special)) == want
    row("zip with FIFO, device, unknown-type and link members", ["-f", "json", special], 0, None,
        counts=want, display="wordtally -f json special.zip")
    row("zip with FIFO, device, unknown-type and link members, on a pipe",
        "cat %s | {P} -f json" % special, 1,
        "-: member link: a symbolic link (the zip says so only at its end", shell=True,
        display="cat special.zip | wordtally -f json")
    if shutil.which("zip"):
        # Info-ZIP gives a member read from standard input the pipe's mode: S_IFIFO.
        piped = os.path.join(d, "infozip-stdin.zip")
        if tool("printf 'dog\\n' | zip -q - - > %s" % piped):
            both("zip of standard input (a FIFO-mode member)", piped, 0)
            row("zip of standard input counts its member", ["-f", "json", piped], 0, None,
                counts=oracle(b"dog\n"), display="wordtally -f json infozip-stdin.zip")
        os.symlink("dog", os.path.join(tdir, "link"))  # its target a word, were it counted
        infozip = os.path.join(d, "infozip-y.zip")
        if tool("cd %s && zip -q -y %s a b link" % (tdir, infozip)):
            row("zip -y: a symbolic link member", ["-f", "json", infozip], 0, None,
                counts=oracle(members_text(infozip)), display="wordtally -f json infozip-y.zip")
        encrypted = os.path.join(d, "encrypted.zip")
        if tool("cd %s && zip -q -P secret %s a" % (tdir, encrypted)):
            both("encrypted zip", encrypted, 1, ["encrypted.zip: member a: encrypted: not supported",
                                                 "-: member a: encrypted: not supported"])
    # Cut short: before the central directory, or inside it (no end record).
    whole = open(os.path.join(d, "py-deflate.zip"), "rb").read()
    cd = whole.index(b"PK\x01\x02")
    for what, body, pipe in (("without its central directory", whole[:cd], "ends inside its members"),
                             ("without its end record", whole[:whole.index(b"PK\x05\x06")],
                              "ends inside its central directory")):
        path = os.path.join(d, "zip-" + what.split()[-2] + ".zip")
        open(path, "wb").write(body)
        both("zip " + what, path, 1, ["damaged zip archive (no end record: cut short?)",
                                      "-: truncated zip archive (it %s" % pipe])
    # A changed byte in a stored member: its CRC-32 says so.
    stored = bytearray(open(os.path.join(d, "py-stored.zip"), "rb").read())
    stored[100] ^= 1
    path = os.path.join(d, "zip-crc.zip")
    open(path, "wb").write(bytes(stored))
    both("zip, a stored member with a changed byte", path, 1,
         ["member a.txt: damaged zip data (incorrect CRC-32)",
          "-: member a.txt: damaged zip data (incorrect CRC-32)"])


def omp_rows(good):
    want = oracle(open(good, "rb").read())
    # libgomp prints its own "libgomp: Invalid value for environment variable OMP_NUM_THREADS"
    # before main() runs; wordtally adds one warning line and uses its default (physical cores).
    for v in ("abc", "0", "-3", "99999999999999999999", "4097", "2x"):
        row("garbage OMP_NUM_THREADS=%s" % v, ["-f", "json", good], 0,
            "warning: ignoring OMP_NUM_THREADS='%s'" % v, env={"OMP_NUM_THREADS": v},
            counts=want, one_line=False)
    row("OMP_NUM_THREADS garbage, -t given", ["-f", "json", "-t", "2", good], 0, None,
        env={"OMP_NUM_THREADS": "abc"}, counts=want, one_line=False)
    table[-1] = table[-1][:4] + (table[-1][4] + " (libgomp's line only: -t wins)",) + table[-1][5:]
    # LLVM's libomp (clang builds, SANITIZE=thread) aborted on this one until wordtally unset it.
    row("OMP_NUM_THREADS overflow, -t given", ["-f", "json", "-t", "2", good], 0, None,
        env={"OMP_NUM_THREADS": "99999999999999999999"}, counts=want, one_line=False)


def limits_rows(d, good):
    """Small thread stacks, unbounded words files, names a terminal would act on, failed writes of
    what prints no report: each once crashed, hung, grew without bound or printed two lines."""
    words = ["w%d" % i for i in range(4096)]
    wl = os.path.join(d, "w4096")
    with open(wl, "w") as f:
        f.write("\n".join(words) + "\n")
    text = os.path.join(d, "w-text")
    with open(text, "w") as f:
        f.write(" ".join(words[i * 7 % 4096] for i in range(20000)) + "\n")
    want = oracle(text, words)
    # The per-thread counters (8 bytes a word) once lived on each thread's stack: SIGSEGV.
    # A sanitizer's red zones about double each stack frame: its build gets twice the stack.
    for size in (("32K", "64K") if NO_RSS_BOUND else ("16K", "32K")):
        row("4,096 words, OMP_STACKSIZE=%s" % size,
            "OMP_STACKSIZE=%s {P} -f json -t 2 --words-file %s %s 2>/dev/null" % (size, wl, text), 0,
            None, shell=True, counts=want,
            display="OMP_STACKSIZE=%s wordtally -f json -t 2 --words-file W4096 TEXT" % size)
    stack = 64 if NO_RSS_BOUND else 32
    row("4,096 words, ulimit -s %d, one thread" % stack,
        "ulimit -s %d; {P} -f json -t 1 --words-file %s %s" % (stack, wl, text), 0, None,
        shell=True, counts=want,
        display="ulimit -s %d; wordtally -f json -t 1 --words-file W4096 TEXT" % stack)
    # Each input's counts go to the report when it is done, not kept to the end: 4,096 words x
    # 5,000 files once peaked at 168 MB, past the documented 64 MiB + 1 MiB a thread.
    many = os.path.join(d, "many")
    os.makedirs(many)
    names = []
    for i in range(5000):
        names.append(os.path.join(many, "f%04d" % i))
        with open(names[-1], "w") as f:
            f.write(" ".join(words[(i * 13 + j) % 4096] for j in range(20)) + "\n")
    with open(os.path.join(d, "many-list"), "w") as f:
        f.write("\n".join(names) + "\n")
    if NO_RSS_BOUND:
        print("SKIP: peak RSS of 4,096 words x 5,000 files: --no-rss-bound")
    else:
        rss = os.path.join(d, "many-rss")
        row("4,096 words x 5,000 files: peak RSS under 64 MiB + 1 MiB a thread",
            "/usr/bin/time -f %%M -o %s {P} -t 2 -f json --words-file %s --files-from %s "
            "> /dev/null && test $(cat %s) -lt %d || "
            "{{ echo \"wordtally: peak RSS $(cat %s) KB\" >&2; exit 1; }}"
            % (rss, wl, os.path.join(d, "many-list"), rss, 66 * 1024, rss), 0, None, shell=True,
            display="wordtally -t 2 -f json --words-file W4096 --files-from LIST5000 (peak RSS)")
    # A words file is read a line at a time, at most 4,097 bytes of it: memory stays bounded.
    row("words file /dev/zero", ["--words-file", "/dev/zero", good], 2, "NUL byte")
    if NO_RSS_BOUND:
        print("SKIP: endless words file under ulimit -v: --no-rss-bound")
    else:
        row("words file without newlines, endless (64 MiB address space)",
            "ulimit -v 65536; yes x | tr -d '\\n' | {P} --words-file /dev/stdin %s" % good, 2,
            "/dev/stdin': line 1: word longer than 4096 bytes", shell=True,
            display="ulimit -v 65536; yes x | tr -d '\\n' | wordtally --words-file /dev/stdin GOOD")
    long = os.path.join(d, "wl-4097")
    with open(long, "wb") as f:
        f.write(b"x" * 4097 + b"\n")
    row("words file line of 4,097 bytes", ["--words-file", long, good], 2, "longer than 4096 bytes")
    crlf = os.path.join(d, "wl-4096-crlf")
    with open(crlf, "wb") as f:
        f.write(b"x" * 4096 + b"\r\ndog\r\n")
    row("words file word of 4,096 bytes, CRLF (valid)", ["-f", "json", "--words-file", crlf, good],
        0, None, counts=[0, oracle(good, ["dog"])[0]])
    # Names in messages: quoted and escaped as GNU ls/wc do, one line, nothing raw for a terminal.
    row("file name with a newline", [os.path.join(d, "a\nb")], 1,
        "/a'$'\\n''b': No such file or directory", display="wordtally $'$D/a\\nb'")
    row("file name with a terminal escape", [os.path.join(d, "\x1b[31mred")], 1,
        "/'$'\\033''[31mred': No such file or directory", display="wordtally $'$D/\\e[31mred'")
    row("file name with a quote", [os.path.join(d, "it's")], 1, "/it'\\''s': No such file")
    row("word with a newline", ["-w", "a\nb", good], 2,
        "--word 'a'$'\\n''b': word contains whitespace", display="wordtally -w $'a\\nb' GOOD")
    # A vocabulary counted in passes goes through temporary files: one that cannot be made is
    # one line naming the folder (not a second one saying "out of memory").
    vocab = os.path.join(d, "vocab-200k")
    with open(vocab, "w") as f:
        f.write(" ".join("w%d" % i for i in range(200000)) + "\n")
    row("--vocab in passes, TMPDIR missing", ["--vocab", "--max-memory", "1M", vocab], 1,
        "wordtally: /nonexistent: temporary file: No such file or directory",
        env={"TMPDIR": "/nonexistent"}, display="TMPDIR=/nonexistent wordtally --vocab --max-memory 1M VOCAB200K")
    # --per-chunk writes rows as chunks are counted: the first failed write stops the count (an
    # endless input would otherwise be read on forever, into a full device).
    for fmt in ("text", "csv"):
        row("--per-chunk -f %s into a full device, endless input" % fmt,
            "yes dog | timeout 30 {P} -f %s --per-chunk -c 4K > /dev/full" % fmt, 1,
            "wordtally: standard output: No space left on device", shell=True)
    # What prints no report still reports a failed write, as `cat --help > /dev/full` does.
    for opt in ("--help", "--version", "--topology"):
        row("%s > /dev/full" % opt, "{P} %s > /dev/full" % opt, 1,
            "wordtally: standard output: No space left on device", shell=True,
            display="wordtally %s > /dev/full" % opt)


def main():
    if not os.access(PROG, os.X_OK):
        sys.exit("bad_inputs.py: %s is not an executable" % PROG)
    nobody = unprivileged_prefix()
    global TMP
    with tempfile.TemporaryDirectory() as d:
        TMP = d
        os.chmod(d, 0o755)  # the unprivileged user must reach the files it is denied
        good = os.path.join(d, "good")
        with open(good, "wb") as f:
            f.write(b"dog cat dog\tboy girl\xa0dog dogs Dog\n")
        if nobody is not None and subprocess.run(nobody + [PROG, "-V"], capture_output=True).returncode:
            nobody = None  # the program itself is out of the user's reach
        usage_rows(good)
        words_file_rows(d, good, nobody)
        input_rows(d, good, nobody)
        format_rows(d)
        omp_rows(good)
        limits_rows(d, good)
    if MARKDOWN:
        print("| case | command | want | got | stderr |")
        print("|---|---|---|---|---|")
        for case, cmd, want, got, err, ok in table:
            esc = lambda s: str(s).replace("|", "\\|").replace("\t", "\\t").replace("\xa0", "\\xa0").replace("\x85", "\\x85")
            print("| %s | `%s` | %s | %s%s | %s |" % (esc(case), esc(cmd)[:90], want, got,
                                                    "" if ok else " FAIL", esc(err)[:160]))
    tally.finish()


if __name__ == "__main__":
    main()
