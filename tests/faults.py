#!/usr/bin/env python3
"""Injected read faults (tests/fault_shim.c, LD_PRELOAD): counts stay exact under short reads and
EINTR, EIO is exit 1 naming the file, a file that shrinks or grows during the run is exit 1 with a
message - never a signal, never a wrong count with exit 0.

    python3 tests/faults.py ./wordtally build/fault_shim.so    # prints 'faults: N passed, N failed'
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import WS_LATIN1 as WS, Tally, oracle  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally")
SHIM = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/fault_shim.so")
tally = Tally("faults")
check = tally.check



def run(args, faults, stdin=None):
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)
    # A sanitizer runtime wants to be first in the link order; the shim must come before libc.
    env["LD_PRELOAD"] = SHIM
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    env.update({k: str(v) for k, v in faults.items()})
    r = subprocess.run([PROG] + args, input=stdin, capture_output=True, env=env, timeout=300)
    return r.returncode, r.stdout, r.stderr.decode("latin-1")


def total(out):
    try:
        return json.loads(out)["total"]
    except ValueError:
        return None


def make_data(n, seed):
    r = random.Random(seed)
    parts = [b"dog", b"cat", b"boy", b"girl", b"dogs", b"do", b"g", b"\0", b"x" * 40] + \
        [bytes([c]) for c in WS]
    out = bytearray()
    while len(out) < n:
        out += r.choice(parts)
    return bytes(out)


def exact_under(what, path, data, faults, args_list):
    want = oracle(data)
    for args in args_list:
        rc, out, err = run(["-f", "json"] + args + [path], faults)
        check(rc == 0 and total(out) == want and not err,
              "%s %s %s: rc %d, got %s want %s, stderr %r" % (what, faults, args, rc, total(out),
                                                               want, err))


def test_exact(d):
    small = make_data(20000, 1)
    big = make_data(300000, 2)
    ps, pb = os.path.join(d, "small"), os.path.join(d, "big")
    open(ps, "wb").write(small)
    open(pb, "wb").write(big)
    modes = [["-t", "2", "-c", "1K"], ["-t", "2", "-c", "63"], ["--serial", "-c", "4095"],
             ["--verify", "-t", "2", "-c", "256K"]]
    exact_under("short reads of 1 byte", ps, small, {"WT_FAULT_PATH": ps, "WT_FAULT_SHORT": 1},
                modes)
    for faults in ({"WT_FAULT_SHORT": 7}, {"WT_FAULT_SHORT": 4096},
                   {"WT_FAULT_EINTR": 2}, {"WT_FAULT_EINTR": 3, "WT_FAULT_SHORT": 100}):
        exact_under("file", pb, big, dict(faults, WT_FAULT_PATH=pb), modes)
    # Standard input from a pipe: read(), not pread().
    want = oracle(big)
    for faults in ({"WT_FAULT_SHORT": 7}, {"WT_FAULT_EINTR": 2},
                   {"WT_FAULT_EINTR": 3, "WT_FAULT_SHORT": 1000}):
        for args in (["-t", "2", "-c", "65"], ["--verify", "-c", "1"]):
            rc, out, err = run(["-f", "json"] + args, dict(faults, WT_FAULT_PATH="pipe:"), stdin=big)
            check(rc == 0 and total(out) == want and not err,
                  "pipe %s %s: rc %d got %s want %s %r" % (faults, args, rc, total(out), want, err))


def counted_files(out):
    try:
        return json.loads(out)["files"]
    except ValueError:
        return None


def expect_fail(what, args, faults, needle, stdin=None, counts=None):
    """counts: the total of the inputs that were counted; None: none was (the JSON object is still
    printed, with no file in it)."""
    rc, out, err = run(["-f", "json"] + args, faults, stdin=stdin)
    lines = err.splitlines()
    ok = (rc == 1 and len(lines) == 1 and lines[0].startswith("wordtally: ") and needle in lines[0]
          and (total(out) == counts if counts else counted_files(out) == []))
    check(ok, "%s: rc %d (want 1), stderr %r, total %s (want %s)" % (what, rc, err, total(out), counts))


def test_errors(d):
    data = make_data(300000, 3)
    p = os.path.join(d, "eio")
    open(p, "wb").write(data)
    other = os.path.join(d, "other")
    open(other, "wb").write(b"dog cat dog")
    for args in (["-t", "2"], ["-t", "2", "-c", "1K"], ["--serial"], ["--verify", "-c", "100"]):
        for at in (0, 150000, len(data) - 1):
            expect_fail("EIO at %d %s" % (at, args), args + [p],
                        {"WT_FAULT_PATH": p, "WT_FAULT_EIO_AT": at}, p + ": Input/output error")
    expect_fail("EIO on one file of two", [other, p], {"WT_FAULT_PATH": p, "WT_FAULT_EIO_AT": 1000},
                p + ": Input/output error", counts=[2, 1, 0, 0])
    for at in (0, 5000000, len(data) - 1):
        expect_fail("EIO on a pipe at %d" % at, ["-c", "1K"],
                    {"WT_FAULT_PATH": "pipe:", "WT_FAULT_EIO_AT": at}, "-: Input/output error",
                    stdin=data * 20)

    # The file changes size while it is counted: shrinks under the readers, grows past the size
    # it had when opened, shrinks after the last read (only the final size check sees it).
    for args in (["-t", "2", "-c", "4K"], ["--serial", "-c", "64K"], ["--verify", "-c", "1K"],
                 ["-t", "2"]):
        for at, to in ((100000, 50000), (100000, 0), (100000, 1000000), (len(data) - 10, len(data) - 1),
                       (len(data) - 1, len(data) + 1)):
            q = os.path.join(d, "changing")
            shutil.copy(p, q)
            expect_fail("size %d -> %d at offset %d, %s" % (len(data), to, at, args), args + [q],
                        {"WT_FAULT_PATH": q, "WT_FAULT_RESIZE_AT": at, "WT_FAULT_RESIZE_TO": to},
                        q + ": file changed size while being counted")
    shutil.copy(p, q)
    expect_fail("a file of two shrinks", [other, q],
                {"WT_FAULT_PATH": q, "WT_FAULT_RESIZE_AT": 1000, "WT_FAULT_RESIZE_TO": 10},
                q + ": file changed size while being counted", counts=[2, 1, 0, 0])


def vocab_of(out):
    """(token, count) pairs, tokens, distinct of a -f json --top/--vocab report, or None."""
    try:
        j = json.loads(out)
        return [(e["token"], e["count"]) for e in j["vocab"]], j["tokens"], j["distinct"]
    except (ValueError, KeyError):
        return None


def test_vocab(d):
    """--top/--vocab: an input that fails part-way leaves none of its tokens in the table, in one
    pass and in the passes of a small --max-memory: the report is exactly the other inputs'."""
    data = make_data(300000, 4)
    p, q = os.path.join(d, "vocab-fails"), os.path.join(d, "vocab-changes")
    open(p, "wb").write(data)
    other = os.path.join(d, "vocab-other")
    open(other, "wb").write(b"dog cat dog")
    want = ([("dog", 4), ("cat", 2)], 6, 2)
    for mode in (["--vocab"], ["--top", "5"]):
        for args in (["-t", "2"], ["-t", "2", "-c", "1K"], ["--serial"], ["--verify", "-c", "4K"]):
            expect_vocab("EIO part-way %s %s" % (mode, args), mode + args + [other, p, other],
                         {"WT_FAULT_PATH": p, "WT_FAULT_EIO_AT": 280000}, p, want)
            shutil.copy(p, q)
            expect_vocab("shrinks part-way %s %s" % (mode, args), mode + args + [q, other, other],
                         {"WT_FAULT_PATH": q, "WT_FAULT_RESIZE_AT": 280000,
                          "WT_FAULT_RESIZE_TO": 50000}, q, want)
        expect_vocab("a pipe, EIO part-way %s" % mode, mode + ["-c", "1K", other, "-", other],
                     {"WT_FAULT_PATH": "pipe:", "WT_FAULT_EIO_AT": 5600000}, "-", want,
                     stdin=data * 20)
    # More distinct tokens than --max-memory holds: passes over hash partitions. The failing file
    # fails in the first pass, or only in a later one (it was read whole before).
    r = random.Random(5)
    many = b" ".join(b"w%x" % r.randrange(1 << 40) for _ in range(100000))
    big = os.path.join(d, "vocab-many")
    open(big, "wb").write(many)
    tokens = many.split()
    want = (None, len(tokens), len(set(tokens)))
    for mode in (["--vocab"], ["--top", "3"]):
        for args in (["-t", "2"], ["--verify"]):
            for faults in ({"WT_FAULT_EIO_AT": 150000}, {"WT_FAULT_EIO_AFTER": len(data) * 3 // 2}):
                expect_vocab("--max-memory 1M %s %s %s" % (mode, args, faults),
                             mode + args + ["--max-memory", "1M", big, p], dict(faults, WT_FAULT_PATH=p),
                             p, want, passes=True)


def expect_vocab(what, args, faults, name, want, stdin=None, passes=False):
    rc, out, err = run(["-f", "json"] + args, faults, stdin=stdin)
    got = vocab_of(out)
    if got and want[0] is None:  # only the totals are known
        got = (None,) + got[1:]
    lines = err.splitlines()
    ok = (rc == 1 and len(lines) == 1 and lines[0].startswith("wordtally: %s: " % name)
          and got == want and (not passes or json.loads(out)["passes"] > 1))
    check(ok, "vocab, %s: rc %d (want 1), stderr %r, got %.300s want %s" % (what, rc, err, got, want))


def test_verify_mismatch(d):
    """The parallel path reads a space where a 'dog' is, the serial path the real byte: --verify
    must name the chunk and word and exit 3; without --verify the changed count is what is read."""
    p = os.path.join(d, "mismatch")
    data = b"cat " * 5000 + b"dog " + b"boy " * 5000
    with open(p, "wb") as f:
        f.write(data)
    at = data.index(b"dog") + 1
    faults = {"WT_FAULT_PATH": p, "WT_FAULT_FLIP_AT": at}
    for args in (["-t", "2"], ["-t", "3", "-c", "1K"], ["-t", "2", "--io", "pread", "-c", "7"]):
        rc, out, err = run(["--verify"] + args + [p], faults)
        check(rc == 3 and "verification failed" in err and "word 'dog': parallel 0, serial 1" in err,
              "flipped byte in the parallel path, --verify %s: rc %d, %r" % (args, rc, err))
    rc, out, err = run(["-f", "json", "--serial", p], faults)
    check(rc == 0 and total(out) == [1, 5000, 5000, 0], "the serial path never sees the flip: %r" % err)


def main():
    for f in (PROG, SHIM):
        if not os.path.exists(f):
            sys.exit("faults.py: %s not found" % f)
    with tempfile.TemporaryDirectory() as d:
        test_exact(d)
        test_errors(d)
        test_vocab(d)
        test_verify_mismatch(d)
    tally.finish()


if __name__ == "__main__":
    main()
