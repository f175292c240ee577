#!/usr/bin/env python3
"""`make bench-inputs`: wordtally on inputs as users have them, every ratio from the same run.
Compressed files and archives: `wordtally -q F` against the format's own decompressor in a pipe,
`zcat F | wordtally -q` (zstdcat, xzcat, bzcat; `tar -xzOf`, `unzip -p`), and `wordtally -t 1 -q F`
(the speed-up on all cores). Many files: `wordtally -q -r DIR` of files of ~50 KB cut from the
corpus at line ends against `wordtally -q FILE` of the same bytes, both under `ulimit -n 256`.
   usage: bench-inputs.py [--wordtally PATH] [--corpus FILE] [--quick] [--rounds K]
                          [--formats a,b,...] [--many-dir DIR] [--files N] [--work DIR] [--csv PATH]
Each compressed file, and the directory of small files, is made once in the work directory (default
/tmp/wordtally-bench-inputs, one folder per corpus name and size) and reused when present; delete it
after changing the corpus. Every round runs every command once (the order of a row's commands
alternates between rounds, so that a change of the machine's load hits both alike); a command's
figures are its best and median wall time over the rounds and its least CPU time (user + system
of every process of the pipeline, threads and their own children included, from wait4). Every run's
counts must equal those of `wordtally -q` on the plain text: a difference is reported as it happens,
marks the row FAILED, and the exit status is then 1 (2: usage, missing corpus or program)."""
import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

QUICK_BYTES = 64000000      # --quick: the corpus's first 64 MB (to the next line end)
PIECE_MIN = 50000           # the small files are at least 50 KB (to the next line end)
NOFILE = 256                # `ulimit -n` for the many-files rows
# zstd -19 compresses ~1.6 MB/s on these shared 2-core machines (11 minutes for 1.1 GB), xz's
# default -6 ~1.3 MB/s (15 minutes): too long for a benchmark's set-up, so lower levels are used.
# A level changes decoding speed little; the compressed size is in the table.
ZSTD_LEVEL = "-12"
XZ_LEVEL = "-1"

# name: (suffix of the compressed file, compressor reading TEXT and writing standard output, the
# decompressor of the pipe, the tools needed). tar.gz and zip hold the directory of small files.
FORMATS = {
    "text": ("", None, ["cat"], ["cat"]),
    "gzip": (".gz", ["gzip", "-9", "-c"], ["zcat"], ["gzip"]),
    "pigz": (".pigz.gz", ["pigz", "-p", "2", "-c"], ["zcat"], ["pigz", "gzip"]),
    "bgzip": (".bgzf.gz", ["bgzip", "-@", "2", "-c"], ["zcat"], ["bgzip", "gzip"]),
    "zstd": (".zst", ["zstd", "-q", ZSTD_LEVEL, "-T2", "-c"], ["zstdcat"], ["zstd"]),
    "pzstd": (".pzstd.zst", ["pzstd", "-q", "-p", "2", "-c"], ["zstdcat"], ["pzstd", "zstd"]),
    "xz": (".xz", ["xz", XZ_LEVEL, "-T2", "-c"], ["xzcat"], ["xz"]),
    "bzip2": (".bz2", ["bzip2", "-9", "-c"], ["bzcat"], ["bzip2"]),
    "tar.gz": (".tar.gz", None, ["tar", "-xzOf"], ["tar", "gzip"]),
    "zip": (".zip", None, ["unzip", "-p"], ["zip", "unzip"]),
}
LABELS = {"text": "plain text (cat in the pipe)", "gzip": "gzip -9", "pigz": "pigz -p 2",
          "bgzip": "bgzip -@ 2 (BGZF)", "zstd": "zstd %s -T2" % ZSTD_LEVEL,
          "pzstd": "pzstd -p 2 (frames)", "xz": "xz %s -T2" % XZ_LEVEL, "bzip2": "bzip2 -9",
          "tar.gz": "tar.gz of the small files", "zip": "zip of the small files"}


def say(msg):
    print("bench-inputs: " + msg, file=sys.stderr, flush=True)


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def load():
    return "%.2f" % os.getloadavg()[0]


def made(path, make):
    """path, made by make(tmp) into a temporary name and renamed, unless it is already there."""
    if os.path.exists(path):
        return path
    tmp = path + ".part"
    if os.path.isdir(tmp):
        shutil.rmtree(tmp)
    elif os.path.exists(tmp):
        os.remove(tmp)
    t0 = time.perf_counter()
    say("making %s ..." % path)
    make(tmp)
    os.rename(tmp, path)
    say("made %s in %.0f s" % (path, time.perf_counter() - t0))
    return path


def cut_text(src, dst, limit):
    """The first `limit` bytes of src to the next line end."""
    with open(src, "rb") as f, open(dst, "wb") as out:
        out.write(f.read(limit) + f.readline())


def cut_files(text, nfiles, dst):
    """text cut at line ends into files of at least PIECE_MIN bytes, about nfiles of them."""
    piece = max(PIECE_MIN, -(-os.path.getsize(text) // nfiles))
    os.mkdir(dst)
    with open(text, "rb") as f:
        i = 0
        while True:
            data = f.read(piece)
            if not data:
                break
            if not data.endswith(b"\n"):
                data += f.readline()
            with open(os.path.join(dst, "%06d.txt" % i), "wb") as out:
                out.write(data)
            i += 1


def files_under(d):
    """The regular files under d in byte order of their paths, as `wordtally -r` counts them."""
    found = []
    for root, dirs, files in os.walk(d):
        for name in files:
            p = os.path.join(root, name)
            if os.path.isfile(p) and not os.path.islink(p):
                found.append(p)
    return sorted(found, key=os.fsencode)


def same_bytes(paths, text):
    """Whether the files of paths, one after the other, hold exactly the bytes of text."""
    if sum(os.path.getsize(p) for p in paths) != os.path.getsize(text):
        return False
    with open(text, "rb") as t:
        for p in paths:
            with open(p, "rb") as f:
                while True:
                    block = f.read(1 << 20)
                    if not block:
                        break
                    if t.read(len(block)) != block:
                        return False
    return True


def compress(fmt, text, many, out):
    suffix, cmd, _, _ = FORMATS[fmt]
    if fmt == "tar.gz":
        subprocess.run(["tar", "--sort=name", "-czf", out, "-C", many, "."], check=True)
    elif fmt == "zip":
        names = "\n".join(os.path.relpath(p, many) for p in files_under(many)) + "\n"
        subprocess.run(["zip", "-q", "-@", os.path.abspath(out)], cwd=many, input=names.encode(),
                       check=True)
    else:
        with open(out, "wb") as f:
            subprocess.run(cmd + [text], stdout=f, check=True)


def limit_files():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    n = NOFILE if hard == resource.RLIM_INFINITY else min(NOFILE, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))


def timed(cmds, nofile=False):
    """(wall s, CPU s, output, failed) of the pipeline cmds[0] | cmds[1] | ...: CPU time is user +
    system of every process (wait4 counts its threads and the children it reaped, e.g. tar's
    gzip)."""
    procs, prev = [], None
    t0 = time.perf_counter()
    for c in cmds:
        p = subprocess.Popen(c, stdin=prev, stdout=subprocess.PIPE,
                             preexec_fn=limit_files if nofile else None)
        if prev is not None:
            prev.close()
        prev = p.stdout
        procs.append(p)
    out = prev.read()
    prev.close()
    cpu, failed = 0.0, False
    for p in procs:
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        failed |= p.returncode != 0
        cpu += ru.ru_utime + ru.ru_stime
    return time.perf_counter() - t0, cpu, out.strip().decode(errors="replace"), failed


def show(cmds, prog):
    return " | ".join(" ".join("wordtally" if a == prog else a for a in c) for c in cmds)


def warm(paths):
    """Read every input once, untimed, so that every round finds it in the page cache."""
    for p in paths:
        for q in files_under(p) if os.path.isdir(p) else [p]:
            with open(q, "rb") as f:
                while f.read(1 << 24):
                    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordtally", default="./wordtally", help="the program (default ./wordtally)")
    ap.add_argument("--corpus", default="data/gcide-1g.txt",
                    help="the text (default data/gcide-1g.txt, made by `make corpus`)")
    ap.add_argument("--quick", action="store_true", help="only the corpus's first 64 MB")
    ap.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help="comma-separated, of: %s (default: all); 'none' for the many files only"
                    % ", ".join(FORMATS))
    ap.add_argument("--many-dir", help="an existing directory of small files to use (its files "
                    "must end at line ends); default: cut from the corpus into the work directory")
    ap.add_argument("--files", type=int, default=20000,
                    help="how many small files to cut (default 20000; fewer when they would be "
                    "under 50 KB)")
    ap.add_argument("--work", default="/tmp/wordtally-bench-inputs",
                    help="where the compressed files and small files are kept between runs")
    ap.add_argument("--csv", default="build/bench-inputs.csv", help="(default %(default)s)")
    a = ap.parse_args()
    formats = [] if a.formats == "none" else a.formats.split(",")
    bad = [f for f in formats if f not in FORMATS]
    if bad or a.rounds < 1 or a.files < 1:
        ap.error("unknown format %s" % ", ".join(bad) if bad else "--rounds and --files must be "
                 "at least 1")
    prog = shutil.which(a.wordtally) if os.sep not in a.wordtally else os.path.abspath(a.wordtally)
    if not prog or not os.access(prog, os.X_OK):
        say("%s: no such program (build it with `make`)" % a.wordtally)
        return 2
    if not os.path.isfile(a.corpus):
        say("%s: no corpus; make it with `make corpus` (scripts/make-gcide-corpus.sh, from "
            "Debian's dict-gcide) or name a text with --corpus FILE" % a.corpus)
        return 2
    if a.many_dir and not os.path.isdir(a.many_dir):
        say("%s: not a directory" % a.many_dir)
        return 2

    def folder(path):
        d = os.path.join(a.work, "%s-%d" % (os.path.basename(path), os.path.getsize(path)))
        os.makedirs(d, exist_ok=True)
        return d

    text = os.path.abspath(a.corpus)
    if a.quick and os.path.getsize(text) > QUICK_BYTES:
        text = made(os.path.join(folder(text), "first-64MB.txt"),
                    lambda tmp: cut_text(a.corpus, tmp, QUICK_BYTES))
    work = folder(text)
    size = os.path.getsize(text)

    # The small files, and one file of the same bytes.
    many = os.path.abspath(a.many_dir) if a.many_dir else made(
        os.path.join(work, "files-%d" % a.files), lambda tmp: cut_files(text, a.files, tmp))
    many_files = files_under(many)
    many_bytes = sum(os.path.getsize(p) for p in many_files)
    many_key = "%s-%d-%d" % (os.path.basename(many), len(many_files), many_bytes)
    if same_bytes(many_files, text):
        one = text
    else:
        def concatenate(tmp):
            with open(tmp, "wb") as out:
                for p in many_files:
                    with open(p, "rb") as f:
                        shutil.copyfileobj(f, out, 1 << 20)
        one = made(os.path.join(a.work, many_key + ".txt"), concatenate)

    skipped = []
    for fmt in list(formats):
        missing = [t for t in FORMATS[fmt][3] if not shutil.which(t)]
        if missing:
            skipped.append("%s (no %s: `scripts/install-deps.sh --all`)"
                           % (fmt, ", ".join(missing)))
            formats.remove(fmt)

    # rows: (name, stored bytes, decoded bytes, reference text, [(label, pipeline, nofile)])
    rows = []
    for fmt in formats:
        suffix, _, decoder, _ = FORMATS[fmt]
        archive = fmt in ("tar.gz", "zip")
        if fmt == "text":
            f = text
        elif archive:
            f = made(os.path.join(a.work, many_key + suffix),
                     lambda tmp, fmt=fmt: compress(fmt, text, many, tmp))
        else:
            f = made(os.path.join(work, os.path.basename(text) + suffix),
                     lambda tmp, fmt=fmt: compress(fmt, text, many, tmp))
        rows.append((fmt, os.path.getsize(f), many_bytes if archive else size,
                     one if archive else text,
                     [("wordtally", [[prog, "-q", f]], False),
                      ("pipe", [decoder + [f], [prog, "-q"]], False),
                      ("-t 1", [[prog, "-t", "1", "-q", f]], False)]))
    rows.append(("many", many_bytes, many_bytes, one,
                 [("-r DIR", [[prog, "-q", "-r", many]], True),
                  ("one file", [[prog, "-q", one]], True)]))

    expected = {}
    for t in {r[3] for r in rows}:
        r = subprocess.run([prog, "-q", t], stdout=subprocess.PIPE, check=True)
        expected[t] = r.stdout.strip().decode()
    warm({r[3] for r in rows} | {c[1][0][-1] for r in rows for c in r[4][:1]} | {many})

    try:  # a release or a fresh machine may have no git: the commit is then unknown
        commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "log", "-1",
                                 "--format=%h"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    version = subprocess.run([prog, "--version"], capture_output=True,
                             text=True).stdout.split("\n")[0]
    load_before = load()
    t_start = time.time()
    walls, cpus, failed = {}, {}, {}
    for rnd in range(a.rounds):
        for name, _, _, ref, cmds in rows:
            for label, pipeline, nofile in (cmds if rnd % 2 == 0 else cmds[::-1]):
                wall, cpu, out, bad_exit = timed(pipeline, nofile)
                say("round %d/%d: %-6s %-9s %6.2f s  %s" % (rnd + 1, a.rounds, name, label, wall,
                                                            out))
                walls.setdefault((name, label), []).append(wall)
                cpus.setdefault((name, label), []).append(cpu)
                if bad_exit or out != expected[ref]:
                    why = "failed" if bad_exit else "counted %s, the plain text %s" % (
                        out, expected[ref])
                    say("FAILED: %s: `%s` %s" % (name, show(pipeline, prog), why))
                    failed[name] = True
    load_after = load()
    minutes = (time.time() - t_start) / 60

    def best(name, label):
        return min(walls[name, label])

    def med(name, label):
        return statistics.median(walls[name, label])

    def cpu(name, label):
        return min(cpus[name, label])

    print("wordtally bench-inputs: %s, %s, %d CPUs, load %s before and %s after (%.0f min), "
          "%s (source commit %s)" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                     cpu_model(), os.cpu_count(), load_before, load_after,
                                     minutes, version, commit or "unknown"))
    print("Text: %s, %d bytes; counts of the default words (dog cat boy girl): %s. Best and median"
          " wall of %d rounds, least CPU (user + system, every process)." % (
              text, size, expected[text], a.rounds))
    print()
    if formats:
        print("| input | stored MB | size ÷ | wordtally s (median) | CPU s | GB/s | pipe s (median) |"
              " CPU s | GB/s | wordtally ÷ pipe speed | `-t 1` s | 2 cores ÷ 1 | counts |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    table = []
    for name, stored, decoded, ref, cmds in rows:
        ok = "FAILED" if failed.get(name) else "equal"
        if name == "many":
            continue
        w, p, t1 = ("wordtally", "pipe", "-t 1")
        print("| %s | %.1f | %.2f | %.2f (%.2f) | %.2f | %.2f | %.2f (%.2f) | %.2f | %.2f | %.2f |"
              " %.2f (%.2f) | %.2f | %s |" % (
                  LABELS[name], stored / 1e6, decoded / stored, best(name, w), med(name, w),
                  cpu(name, w), decoded / best(name, w) / 1e9, best(name, p), med(name, p),
                  cpu(name, p), decoded / best(name, p) / 1e9, best(name, p) / best(name, w),
                  best(name, t1), med(name, t1), best(name, t1) / best(name, w), ok))
        for label, pipeline, _ in cmds:
            table.append((name, label, show(pipeline, prog), stored, decoded, best(name, label),
                          med(name, label), cpu(name, label), ok))
    if formats:
        print()
    name = "many"
    d, o = best(name, "-r DIR"), best(name, "one file")
    print("%d files of %.0f KB on average (%s) against one file of the same %d bytes, "
          "`ulimit -n %d`:" % (len(many_files), many_bytes / len(many_files) / 1e3, many,
                               many_bytes, NOFILE))
    print()
    print("| run | wall s (median) | CPU s | GB/s | speed ÷ one file | counts |")
    print("|---|---|---|---|---|---|")
    ok = "FAILED" if failed.get(name) else "equal"
    for label, pipeline, _ in rows[-1][4]:
        print("| `%s` | %.2f (%.2f) | %.2f | %.2f | %.2f | %s |" % (
            show(pipeline, prog), best(name, label), med(name, label), cpu(name, label),
            many_bytes / best(name, label) / 1e9, o / best(name, label), ok))
        table.append((name, label, show(pipeline, prog), many_bytes, many_bytes,
                      best(name, label), med(name, label), cpu(name, label), ok))
    print()
    print("The many files run at %.2f × the speed of one file (goal: at least 0.7)." % (o / d))
    print()
    print("Commands: `wordtally -q F`, `DECOMPRESSOR F | wordtally -q`, `wordtally -t 1 -q F`:")
    for name, stored, decoded, ref, cmds in rows[:-1]:
        print("    %-7s %-10s F = %s" % (name, " ".join(FORMATS[name][2]), cmds[0][1][0][-1]))
    if skipped:
        print("Skipped: %s." % "; ".join(skipped))
    os.makedirs(os.path.dirname(os.path.abspath(a.csv)), exist_ok=True)
    with open(a.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["input", "run", "command", "stored_bytes", "decoded_bytes", "wall_best_s",
                    "wall_median_s", "cpu_s", "gb_per_s", "counts"])
        for name, label, cmd, stored, decoded, b, m, c, ok in table:
            w.writerow([name, label, cmd, stored, decoded, "%.4f" % b, "%.4f" % m, "%.4f" % c,
                        "%.3f" % (decoded / b / 1e9), ok])
    print("CSV: %s" % a.csv)
    if failed:
        say("FAILED: counts differ from the plain text's, or a command failed: %s"
            % ", ".join(sorted(failed)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
