#!/usr/bin/env python3
"""MPI integration tests (make check-mpi): wordtally-mpi with 1, 2 and 3 ranks against the SPEC oracle on
the adversarial and real files of tests/integration.py, for chunk sizes 1, 3, 64, 256K x threads 1, 2;
then --verify, --serial, the formats, and the error cases (a file missing everywhere or on one rank
only, files that differ between ranks, standard input). Every run has a time limit: a hang fails.
Prints 'mpi: N passed, N failed'.

    python3 tests/mpi_integration.py ./wordtally-mpi [./wordtally]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import (WORDS, Tally, make_files, make_vocab_files, oracle, totals_csv,  # noqa: E402
                     vocab_csv, vocab_oracle)

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally-mpi")
SERIAL = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "./wordtally")  # without MPI
RANKS = [1, 2, 3]
CHUNKS = ["1", "3", "64", "256K"]
THREADS = ["1", "2"]
# Ranks as root and on 2 cores: allowed explicitly. Shared-memory single-copy is off because
# containers often forbid the ptrace-based one (CMA); the messages here are tiny anyway.
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_btl_vader_single_copy_mechanism="none", OMP_NUM_THREADS="1")
MPIRUN = ["mpirun", "--oversubscribe", "--allow-run-as-root"]
tally = Tally("mpi")
check = tally.check



def mpirun(ranks, args, bind="none", stdin=subprocess.DEVNULL, extra=None, opts=None, prog=None):
    """Runs `ranks` ranks of PROG (or of the command `prog`) with mpirun app options `opts`;
    `extra` is a list of (app options, args) for more MPMD apps of PROG (one -np each)."""
    cmd = MPIRUN + (["--bind-to", bind] if bind else []) + ["-np", str(ranks)] + (opts or [])
    cmd += (prog or [PROG]) + args
    for opts, more in extra or []:
        cmd += [":"] + opts + [PROG] + more
    try:
        return subprocess.run(cmd, stdin=stdin, capture_output=True, env=ENV, timeout=120)
    except subprocess.TimeoutExpired:
        return None


def ours(stderr):
    """wordtally's own stderr lines (mpirun adds its banners around a non-zero exit)."""
    return [l for l in stderr.decode("latin-1").splitlines() if l.startswith("wordtally: ")]


def per_file(r):
    """{path: counts} from --format json, or None."""
    if r is None or r.returncode != 0:
        return None
    j = json.loads(r.stdout)
    return {f["path"]: f["counts"] for f in j["files"]}, j


def test_counts(files, want):
    paths = list(files.values())
    for n in RANKS:
        for c in CHUNKS:
            for t in THREADS:
                got = per_file(mpirun(n, ["-f", "json", "-t", t, "-c", c] + paths))
                what = "%d ranks -t %s -c %s" % (n, t, c)
                if got is None:
                    check(False, what + ": failed or hung")
                    continue
                counts, j = got
                for name, p in files.items():
                    check(counts.get(p) == want[name], "%s %s: got %s, want %s"
                          % (what, name, counts.get(p), want[name]))
                check(j["ranks"] == n and j["threads"] == int(t) and
                      j["total"] == [sum(want[k][i] for k in want) for i in range(len(WORDS))],
                      what + ": ranks, threads and total in the JSON")
    # mpirun's own binding (each rank on its own core, or on the socket when oversubscribed).
    for n in RANKS:
        got = per_file(mpirun(n, ["-f", "json", "-c", "64"] + paths, bind=None))
        check(got is not None and all(got[0].get(p) == want[k] for k, p in files.items()),
              "%d ranks with mpirun's default binding" % n)


def test_paths(files, want, d):
    paths = list(files.values())
    for n in (2, 3):
        r = mpirun(n, ["-f", "json", "-t", "2", "-c", "3", "--verify"] + paths)
        got = per_file(r)
        check(got is not None and all(got[0][p] == want[k] for k, p in files.items()) and
              got[1]["mode"] == "verify" and got[1]["verified"], "%d ranks --verify" % n)
        got = per_file(mpirun(n, ["-f", "json", "-c", "64", "--serial"] + paths))
        check(got is not None and all(got[0][p] == want[k] for k, p in files.items()),
              "%d ranks --serial" % n)
    real = files["real-text"]
    r = mpirun(3, ["-t", "2", real])
    check(r is not None and r.returncode == 0 and b"3 MPI ranks x 2 threads" in r.stdout and
          ("dog  %d" % want["real-text"][0]).encode() in r.stdout, "text report names the ranks")
    r = mpirun(2, ["-f", "csv", real])
    check(r is not None and totals_csv(r.stdout) == want["real-text"], "csv report")
    # One report: the other ranks print nothing.
    check(r is not None and r.stdout.count(b"file,bytes,word,count") == 1, "one report from 3 ranks")
    # Word lists reach every rank.
    words = ["the", "of", "dog", "a"]
    r = mpirun(3, ["-f", "json", "-c", "64"] + sum((["-w", w] for w in words), []) + [real])
    check(r is not None and r.returncode == 0 and
          json.loads(r.stdout)["total"] == oracle(real, words), "3 ranks, -w list")
    # --verbose: every rank says where it runs.
    r = mpirun(3, ["-v", real])
    lines = ours(r.stderr) if r else []
    check(r is not None and r.returncode == 0 and
          all(any(l.startswith("wordtally: rank %d of 3" % k) for l in lines) for k in range(3)),
          "-v: every rank reports its CPUs")


def test_whole_lines(files):
    """Each rank's lines leave whole (one write(2) each), and with several ranks every stderr line
    says whose it is: stdout and stderr of 3 ranks into one pipe, as a terminal or a job log gets
    them, hold only whole report lines and whole tagged diagnostics, none cut by another's."""
    real = files["real-text"]
    for args, report in ((["--vocab", "-t", "2"], re.compile(r"^ {0,11}\d+ \S+$|^-- \d+ tokens")),
                         (["-t", "2", "-c", "4K"], re.compile(r"^(dog|cat|boy|girl) +\d+$|^-- \d+ bytes"))):
        cmd = MPIRUN + ["--bind-to", "none", "-np", "3", PROG, "-v"] + args + [real]
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=ENV, timeout=120)
        lines = r.stdout.decode("utf-8", "surrogateescape").splitlines()
        diag = [l for l in lines if l.startswith("wordtally: ")]
        odd = [l for l in lines if not report.match(l) and
               not re.match(r"^wordtally: rank [0-2](: | of 3 )", l)]
        tagged = {k: [l for l in diag if l.startswith("wordtally: rank %d: " % k)] for k in range(3)}
        threads = {k: [l for l in tagged[k] if l.startswith("wordtally: rank %d: thread " % k)] for k in range(3)}
        check(r.returncode == 0 and not odd and all(l.count("wordtally: ") == 1 for l in diag) and
              all(tagged[k] for k in range(3)) and
              ("--vocab" in args or all(len(threads[k]) == 2 for k in range(3))),
              "-v %s, 3 ranks into one pipe: whole lines, each diagnostic tagged with its rank: odd %r, %s"
              % (" ".join(args), odd[:5], {k: len(v) for k, v in tagged.items()}))


def test_errors(files, want, d):
    good = files["random-1"]
    for n in RANKS:
        r = mpirun(n, ["-f", "csv", good, "/nonexistent/file"])
        err = ours(r.stderr) if r else []
        check(r is not None and r.returncode == 1 and len(err) == 1 and
              "/nonexistent/file: No such file or directory" in err[0] and
              totals_csv(r.stdout) == want["random-1"],
              "%d ranks, a missing file: exit 1, one message, the good file counted" % n)
        r = mpirun(n, [], stdin=open(good, "rb"))
        err = ours(r.stderr) if r else []
        check(r is not None and r.returncode == 2 and len(err) == 1 and "standard input" in err[0]
              and r.stdout == b"", "%d ranks, standard input refused (exit 2)" % n)
    r = mpirun(2, [good, "-"])
    check(r is not None and r.returncode == 2 and len(ours(r.stderr)) == 1, "'-' refused (exit 2)")
    for opt in (["--sweep", "1,2"], ["--repeat", "2"], ["--per-chunk"]):
        r = mpirun(2, opt + [good])
        err = ours(r.stderr) if r else []
        check(r is not None and r.returncode == 2 and len(err) == 1 and opt[0] in err[0],
              "%s refused (exit 2)" % opt[0])
    r = mpirun(3, ["--bogus", good])
    err = ours(r.stderr) if r else []
    check(r is not None and r.returncode == 2 and len(err) == 1 and "--bogus" in err[0],
          "a usage error: exit 2, reported once")
    r = mpirun(2, [d])
    check(r is not None and r.returncode == 1 and len(ours(r.stderr)) == 1 and
          "Is a directory" in ours(r.stderr)[0], "a directory: exit 1")
    r = mpirun(2, ["/dev/null"])
    check(r is not None and r.returncode == 1 and any("regular file" in l for l in ours(r.stderr)),
          "a device is refused per file (exit 1)")
    # Per-rank working directories: the file "x.txt" exists for ranks 0 and 1 only (a node that
    # misses it), then differs in size on rank 2. The good file is still counted; nobody hangs.
    dirs = [os.path.join(d, "rank%d" % k) for k in range(3)]
    for k, p in enumerate(dirs):
        os.makedirs(p, exist_ok=True)
        if k < 2:
            open(os.path.join(p, "x.txt"), "w").write("dog cat dog\n")
    # x.txt last: its chunks end the inputs' table, in rank 2's share.
    args = ["-f", "csv", "-c", "1", good, "x.txt"]
    extra = [(["-np", "1", "--wdir", p], args) for p in dirs[1:]]
    r = mpirun(1, args, opts=["--wdir", dirs[0]], extra=extra)
    err = ours(r.stderr) if r else []
    check(r is not None and r.returncode == 1 and len(err) == 1 and
          "x.txt: No such file or directory (on MPI rank 2 of 3)" in err[0] and
          totals_csv(r.stdout) == want["random-1"],
          "a file missing on rank 2 only: exit 1, one message, the good file counted (%r)" %
          ((r and r.returncode, err),))
    open(os.path.join(dirs[2], "x.txt"), "w").write("dog cat dog dog\n")
    r = mpirun(1, args, opts=["--wdir", dirs[0]], extra=extra)
    err = ours(r.stderr) if r else []
    check(r is not None and r.returncode == 1 and len(err) == 1 and "not the same size" in err[0]
          and totals_csv(r.stdout) == want["random-1"],
          "a file of another size on rank 2: exit 1, one message (%r)" % (err,))
    # Options that only one rank rejects (its node lacks the words file), or word lists that differ
    # between ranks: every rank stops with exit 2 before any other collective call, nobody hangs.
    for k, p in enumerate(dirs):
        if k < 2:
            open(os.path.join(p, "w.txt"), "w").write("dog\ncat\n")
    args = ["-f", "csv", "--words-file", "w.txt", good]
    extra = [(["-np", "1", "--wdir", p], args) for p in dirs[1:]]
    r = mpirun(1, args, opts=["--wdir", dirs[0]], extra=extra)
    err = ours(r.stderr) if r else []
    check(r is not None and r.returncode == 2 and len(err) == 1 and "another MPI rank" in err[0]
          and r.stdout == b"", "a words file missing on rank 2 only: exit 2, no hang (%r)" % (err,))
    open(os.path.join(dirs[2], "w.txt"), "w").write("dog\nboy\n")
    r = mpirun(1, args, opts=["--wdir", dirs[0]], extra=extra)
    err = ours(r.stderr) if r else []
    check(r is not None and r.returncode == 2 and len(err) == 1 and "different word lists" in err[0]
          and r.stdout == b"", "words files that differ on rank 2: exit 2 (%r)" % (err,))


def test_one_table(files, d):
    """Many inputs of every kind as one chunk table shared by the ranks: file j is opened first by
    rank j % ranks, the bigger files' chunks are shared out. Each file's counts and each error
    equal the single-process wordtally's, for every rank count, chunk size and thread count."""
    plain = os.path.join(os.path.dirname(PROG), "wordtally")
    paths = sorted(files.values())
    gz = os.path.join(d, "one.gz")
    subprocess.run("gzip -c %s > %s" % (paths[-1], gz), shell=True, check=True)
    mixed = paths[:5] + [gz, os.path.join(d, "missing")] + paths[5:] + paths[:3]
    # A file of one chunk is read by one rank only (file j by rank j % ranks), but every rank must
    # see the same files: one missing on the rank that does not read it, or of another size there,
    # is exit 1 naming it (and the rank), the other files still counted.
    dirs = [os.path.join(d, "alone%d" % k) for k in range(2)]
    for k, p in enumerate(dirs):
        os.makedirs(p, exist_ok=True)
        open(os.path.join(p, "same"), "w").write("girl dog\n")
        open(os.path.join(p, "sized"), "w").write("dog cat\n" if k == 0 else "dog ca\n")
    open(os.path.join(dirs[0], "only0"), "w").write("dog\n")
    args = ["-f", "csv", "-t", "1", "sized", "only0", "same"]
    r = mpirun(1, args, opts=["--wdir", dirs[0]], extra=[(["-np", "1", "--wdir", dirs[1]], args)])
    err = [e for e in ours(r.stderr) if "warning:" not in e] if r else []
    check(r is not None and r.returncode == 1 and totals_csv(r.stdout) == [1, 0, 0, 1]
          and err == ["wordtally: rank 0: sized: not the same size on every MPI rank (is it the same file on "
                      "every node?)", "wordtally: rank 0: only0: No such file or directory (on MPI rank 1 of 2)"],
          "small files another rank does not see, or sees otherwise: exit 1 naming them: %r" % (err,))
    for c in ("1", "100", "4096", "256K"):
        one = subprocess.run([plain, "-f", "csv", "-t", "2", "-c", c] + mixed, capture_output=True)
        for n in RANKS:
            for t in THREADS:
                r = mpirun(n, ["-f", "csv", "-t", t, "-c", c] + mixed)
                err = [e for e in ours(r.stderr) if "warning:" not in e] if r else []
                check(r is not None and r.returncode == one.returncode == 1 and r.stdout == one.stdout
                      and len(err) == 1 and "missing: No such file" in err[0],
                      "one table, %d ranks x %s threads, -c %s: rows as one process's (%r)"
                      % (n, t, c, err))


def test_settings_agree(files, want):
    """Ranks launched with different command lines (MPMD): whatever shapes the shares or the report
    must agree, or every rank stops with exit 2; nobody hangs, no wrong count with exit 0."""
    good, other = files["random-1"], files["real-text"]
    for case, a, b in [("another --chunk-size", ["-c", "1K", good], ["-c", "4K", good]),
                       ("another number of FILEs", [good, good], [good]),
                       ("other FILEs", [good], [other]),
                       ("another --format", ["-f", "csv", good], ["-f", "json", good]),
                       ("another mode", ["--serial", good], [good]),
                       ("another --io", ["--io", "mmap", good], [good]),
                       ("another --kernel", ["--kernel", "scalar", good], [good]),
                       ("--topology on one rank only", ["--topology", good], [good])]:
        r = mpirun(1, a, extra=[(["-np", "1"], b)])
        err = ours(r.stderr) if r else []
        check(r is not None and r.returncode == 2 and len(err) == 1 and
              "different command lines" in err[0] and r.stdout == b"",
              "MPMD, %s: exit 2, one message, no hang (%r)" % (case, r and (r.returncode, err)))
    # The same options, other inputs once expanded: -r over a directory on one rank, lists of
    # other files of the same size (their shares would add up to a wrong count with exit 0).
    with tempfile.TemporaryDirectory() as d:
        for name, body in (("A", b"dog dog dog dog\n"), ("B", b"cat cat cat cat\n")):
            with open(os.path.join(d, name), "wb") as f:
                f.write(body)
            with open(os.path.join(d, "list" + name), "wb") as f:
                f.write(os.path.join(d, name).encode() + b"\n")
        for case, a, b in [("-r on one rank only", ["-r", d], [d]),
                           ("other --files-from lists", ["-c", "4", "--files-from", os.path.join(d, "listA")],
                            ["-c", "4", "--files-from", os.path.join(d, "listB")])]:
            r = mpirun(1, a, extra=[(["-np", "1"], b)])
            err = ours(r.stderr) if r else []
            check(r is not None and r.returncode == 2 and len(err) == 1 and
                  "different inputs" in err[0] and r.stdout == b"",
                  "MPMD, %s: exit 2, one message, no hang (%r)" % (case, r and (r.returncode, err)))
    # The thread count is the rank's own: it may differ.
    r = mpirun(1, ["-f", "csv", "-t", "1", good], extra=[(["-np", "1"], ["-f", "csv", "-t", "2", good])])
    check(r is not None and r.returncode == 0 and totals_csv(r.stdout) == want["random-1"],
          "MPMD, another -t: counted exactly")
    r = mpirun(2, ["--topology"])
    check(r is not None and r.returncode == 0 and b"plan:" in r.stdout and not ours(r.stderr),
          "--topology without FILE: the plan, exit 0 (%r)" % (r and (r.returncode, r.stderr[-300:]),))


def test_vocab(d):
    """--top and --vocab across ranks: the shuffle (each rank owns a hash partition), rank 0's
    merge, passes under a tiny --max-memory, --verify; against collections.Counter."""
    vfiles = make_vocab_files(d)
    paths = [vfiles[n] for n in ("random-0", "chunk-edges", "long-tokens", "real-text",
                                 "csv-quoting")]
    data = b"".join(open(p, "rb").read() + b"\n" for p in paths)  # a token never spans files
    want = vocab_oracle(data)
    for n in RANKS:
        for c, t in (("64", "1"), ("4095", "2"), ("256K", "2")):
            r = mpirun(n, ["--vocab", "-f", "csv", "-c", c, "-t", t] + paths)
            check(r is not None and r.returncode == 0 and vocab_csv(r.stdout) == want,
                  "%d ranks --vocab -c %s -t %s: %s" % (n, c, t, r and r.stderr[-300:]))
        r = mpirun(n, ["--top", "7", "-f", "csv"] + paths)
        check(r is not None and r.returncode == 0 and vocab_csv(r.stdout) == want[:7],
              "%d ranks --top 7: %s" % (n, r and r.stderr[-300:]))
        r = mpirun(n, ["--vocab", "-f", "json", "--verify", "-c", "65"] + paths)
        j = json.loads(r.stdout) if r is not None and r.returncode == 0 else {}
        check((n == 1 or j.get("ranks") == n) and j.get("distinct") == len(want)
              and j.get("tokens") == sum(c for _, c in want),
              "%d ranks --vocab --verify -f json: %s" % (n, r and r.stderr[-300:]))
    # --tokens=words -i: the ranks' table equals one process's (which tests/vocab_words.py holds
    # to the segmenter and CaseFolding.txt), words across the ranks' shares followed exactly.
    words = ["--tokens=words", "-i", "--vocab", "-f", "csv"]
    one = subprocess.run([SERIAL] + words + paths, capture_output=True)
    for n in RANKS:
        for c, t in (("65", "1"), ("4095", "2")):
            r = mpirun(n, words + ["-c", c, "-t", t] + paths)
            check(one.returncode == 0 and r is not None and r.returncode == 0 and
                  vocab_csv(r.stdout) == vocab_csv(one.stdout) and len(vocab_csv(one.stdout)) > 100,
                  "%d ranks --tokens=words -i --vocab -c %s -t %s: %s" % (n, c, t, r and r.stderr[-300:]))
    many = os.path.join(d, "many")
    with open(many, "wb") as f:
        f.write(b" ".join(b"w%d" % (i * 7919 % 90001) for i in range(150000)))
    want = vocab_oracle(open(many, "rb").read())
    for n in RANKS:
        for opt in (["--vocab"], ["--top", "5"]):
            r = mpirun(n, opt + ["-f", "csv", "--max-memory", "1M", many])
            k = None if opt[0] == "--vocab" else 5
            check(r is not None and r.returncode == 0 and vocab_csv(r.stdout) == want[:k],
                  "%d ranks %s --max-memory 1M: %s" % (n, opt, r and r.stderr[-300:]))


def test_compressed(files, want, d):
    """A compressed input cannot be cut at byte offsets: rank 0 counts it whole, the others add
    nothing (SPEC §6); damaged data is exit 1 once; a file compressed on one rank only differs."""
    import gzip
    import tarfile
    good = files["random-1"]
    gz = os.path.join(d, "c.gz")
    with open(good, "rb") as f, gzip.open(gz, "wb") as out:
        out.write(f.read())
    tgz = os.path.join(d, "c.tgz")
    with tarfile.open(tgz, "w:gz") as t:
        t.add(good, "a")
        t.add(files["random-2"], "b")
    cut = os.path.join(d, "cut.gz")
    open(cut, "wb").write(open(gz, "rb").read()[:-100])
    both = [a + b for a, b in zip(want["random-1"], want["random-2"])]
    for n in RANKS:
        for extra in ([], ["--verify"], ["-c", "64", "-t", "2"]):
            got = per_file(mpirun(n, ["-f", "json"] + extra + [good, gz, tgz]))
            check(got is not None and got[0] == {good: want["random-1"], gz: want["random-1"], tgz: both},
                  "%d ranks %s: a gzip file and a tar.gz counted whole on rank 0: %s" % (n, extra, got and got[0]))
        r = mpirun(n, ["-f", "csv", cut, good])
        err = ours(r.stderr) if r else []
        check(r is not None and r.returncode == 1 and len(err) == 1 and "cut.gz: truncated gzip data" in err[0]
              and totals_csv(r.stdout) == want["random-1"],
              "%d ranks, a truncated gzip file: exit 1, one message, the good file counted (%r)" % (n, err))
        r = mpirun(n, ["--top", "3", "-f", "csv", tgz])
        one = mpirun(1, ["--top", "3", "-f", "csv", tgz])
        check(r is not None and r.returncode == 0 and one is not None and r.stdout == one.stdout,
              "%d ranks, --top 3 of a tar.gz as one rank's" % n)
    # "x" compressed on rank 0, plain on rank 1: not the same input.
    dirs = [os.path.join(d, "crank%d" % k) for k in range(2)]
    for k, p in enumerate(dirs):
        os.makedirs(p, exist_ok=True)
        open(os.path.join(p, "x"), "wb").write(open(gz if k == 0 else good, "rb").read())
    args = ["-f", "csv", "x", good]
    r = mpirun(1, args, opts=["--wdir", dirs[0]], extra=[(["-np", "1", "--wdir", dirs[1]], args)])
    err = ours(r.stderr) if r else []
    check(r is not None and r.returncode == 1 and len(err) == 1 and "not the same size" in err[0]
          and totals_csv(r.stdout) == want["random-1"],
          "compressed on rank 0 only: exit 1, one message (%r)" % (err,))


def test_words(d):
    """--tokens=words through ranks: on text whose words cross the ranks' boundaries (small chunks,
    non-ASCII letters, marks, numbers with separators), the same counts with 1, 2 and 3 ranks as
    wordtally without MPI (its scalar kernel, which tests/words.py holds to the segmenter), for a
    list the vector kernels take and a longer one, with and without -i."""
    line = ("The dog, the dog's bone; Straße STRASSE dog\u0301 3.14 1,000.5 \u201cDog\u201d U.S.A. "
            "Собака собака СОБАКА, été ÉTÉ e-mail a@b.org dogdogdog x\u0301\u0301y\n")
    text = "".join(line[i:] + line[:i] for i in range(0, len(line), 3)).encode() * 40
    path = os.path.join(d, "words.txt")
    with open(path, "wb") as f:
        f.write(text)
    short = ["dog", "dog's", "3.14", "1,000.5", "Straße", "Собака", "été", "U.S.A", "mail"]
    longer = short + ["The", "bone", "e", "a@b.org", "x\u0301\u0301y", "Dog", "dogdogdog", "the",
                      "СОБАКА", "STRASSE"]
    for words in (short, longer):
        for fold in ([], ["-i"]):
            wl = sum((["-w", w] for w in words), [])
            if fold and words is longer:  # -i merges some of them: keep one of each
                wl = sum((["-w", w] for w in short + ["bone", "a@b.org", "dogdogdog"]), [])
            base = ["--tokens=words", "-f", "json"] + fold + wl
            ref = subprocess.run([SERIAL, "--kernel", "scalar", "-c", "1K"] + base + [path],
                                 capture_output=True)
            want = json.loads(ref.stdout)["total"] if ref.returncode == 0 else None
            check(want is not None and sum(want) > 0, "words reference: %r" % ref.stderr)
            for n in RANKS:
                for c in ("64", "1000", "4K"):
                    r = mpirun(n, base + ["-t", "2" if n == 2 else "1", "-c", c, path])
                    got = json.loads(r.stdout)["total"] if r and r.returncode == 0 else r
                    check(got == want, "--tokens=words %s%d words, %d ranks -c %s: %s != %s"
                          % (" ".join(fold) + " ", len(wl) // 2, n, c, got, want))


def test_ignore_case(d):
    """-i in utf-8 under the space rule (Unicode simple case folding) through ranks: words with
    non-ASCII letters and KELVIN SIGN across the ranks' boundaries, against the oracle."""
    line = "Собака собака СОБАКА, été ÉTÉ \u212a\u212a kk KK Straße STRASSE Dog dog\u212a \n"
    text = "".join(line[i:] + line[:i] for i in range(0, len(line), 2)).encode() * 30
    path = os.path.join(d, "fold.txt")
    with open(path, "wb") as f:
        f.write(text)
    words = ["собака", "ÉTÉ", "kk", "straße", "dogk"]
    want = oracle(path, words, ignore_case=True)
    wl = sum((["-w", w] for w in words), [])
    for n in RANKS:
        for c in ("1", "64", "4K"):
            r = mpirun(n, ["-f", "json", "-i", "-t", "2" if n == 2 else "1", "-c", c] + wl + [path])
            got = json.loads(r.stdout)["total"] if r and r.returncode == 0 else r
            check(got == want and min(want) > 0,
                  "-i (Unicode), %d ranks -c %s: %s != %s" % (n, c, got, want))


def test_output_fails(d):
    """Rank 0's standard output fails part-way (a full device; a closed pipe with SIGPIPE
    ignored): the report is printed in batches, so the ranks are still counting when rank 0 finds
    out. Every rank stops after the same batch and ends with exit 1; none waits for ever in the
    next batch's collective calls. Gzip files among the inputs are counted by all ranks together
    (count_one), after rank 0 stopped printing."""
    many = os.path.join(d, "many")
    os.makedirs(many)
    for k in range(6000):  # more than REPORT_BATCH (4096) inputs: printed before the end
        name = os.path.join(many, "f%05d" % k)
        if k % 500 == 7:
            subprocess.run("echo dog cat %d | gzip > %s.gz" % (k, name), shell=True, check=True)
        else:
            open(name, "w").write("dog cat %d\n" % k)
    rank0 = {"a full device": 'exec "$0" "$@" > /dev/full',
             "a closed pipe": 'trap "" PIPE; "$0" "$@" | true'}
    runs = [("a full device", fmt, 2) for fmt in ("text", "csv", "json")]
    runs += [("a full device", "text", 1), ("a closed pipe", "text", 1), ("a closed pipe", "json", 2)]
    for what, fmt, others in runs:
        args = ["-f", fmt, "-r", many]
        r = mpirun(1, args, extra=[(["-np", str(others)], args)],
                   prog=["sh", "-c", rank0[what], PROG])
        err = ours(r.stderr) if r else []
        check(r is not None and r.returncode == 1 and len(err) == 1 and "standard output: " in err[0],
              "rank 0's output %s, -f %s, %d ranks: exit 1, one message, no hang (%r)" %
              (what, fmt, others + 1, (r and r.returncode, err)))

def main():
    with tempfile.TemporaryDirectory() as d:
        test_words(d)
        test_ignore_case(d)
    with tempfile.TemporaryDirectory() as d:
        files = make_files(d)
        want = {name: oracle(p, WORDS) for name, p in files.items()}
        test_counts(files, want)
        test_whole_lines(files)
        test_paths(files, want, d)
        test_errors(files, want, d)
        test_one_table(files, d)
        test_settings_agree(files, want)
        test_compressed(files, want, d)
        test_output_fails(d)
    with tempfile.TemporaryDirectory() as d:
        test_vocab(d)
    tally.finish()


if __name__ == "__main__":
    main()
