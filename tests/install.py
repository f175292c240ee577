"""make install / make uninstall into a staging folder (DESTDIR): the files land where PREFIX, BINDIR,
MANDIR and COMPLETIONDIR say, the installed programs run and count, the man pages render without a
warning (man -l) and lint clean (lexgrog, mandoc -Tlint), and uninstall leaves no file behind.
usage: install.py STAGE   (a folder it may empty; run from the project folder)"""
import os
import shutil
import subprocess
import sys

from testlib import Tally

tally = Tally("install")
MPI = os.path.exists("wordtally-mpi")


def make(*args):
    r = subprocess.run(["make", "--no-print-directory"] + list(args), capture_output=True, text=True)
    tally.check(r.returncode == 0, "make %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def files_under(stage):
    found = set()
    for d, dirs, files in os.walk(stage):
        for name in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            found.add(os.path.relpath(os.path.join(d, name), stage))
    return found


def expected(bindir, mandir, compdir):
    want = {bindir + "/wordtally", bindir + "/wordtally-gen", mandir + "/man1/wordtally.1",
            mandir + "/man1/wordtally-gen.1", compdir + "/wordtally", compdir + "/wordtally-gen"}
    if MPI:
        want |= {bindir + "/wordtally-mpi", mandir + "/man1/wordtally-mpi.1", compdir + "/wordtally-mpi"}
    return {p.lstrip("/") for p in want}


def check_tools():
    missing = [t for t in ("man", "lexgrog", "mandoc") if not shutil.which(t)]
    if missing:
        tally.check(False, "%s not installed: run scripts/install-deps.sh --all" % " ".join(missing))
        tally.finish()


def check_programs(stage, bindir):
    prog = os.path.join(stage, bindir.lstrip("/"), "wordtally")
    gen = os.path.join(stage, bindir.lstrip("/"), "wordtally-gen")
    text = os.path.join(stage, "sample.txt")
    with open(text, "wb") as f:
        f.write(b"dog cat dog\tboy girl\xa0dog dogs Dog\n")
    # A0 alone is a token byte in UTF-8 (the default) and whitespace in latin1.
    for mode, dogs in ((["--encoding", "utf-8"], 2), (["--encoding", "latin1"], 3)):
        r = subprocess.run([prog, "-f", "csv"] + mode + [text], capture_output=True, text=True)
        tally.check(r.returncode == 0 and "%s,34,dog,%d,file" % (text, dogs) in r.stdout,
                    "installed wordtally %s counts a file: %r %r" % (mode[1], r.stdout, r.stderr))
    r = subprocess.run([prog, "--version"], capture_output=True, text=True)
    tally.check(r.returncode == 0 and "kernels:" in r.stdout, "installed wordtally --version: %r" % r.stdout)
    corpus = os.path.join(stage, "gen.txt")
    r = subprocess.run([gen, "64K", corpus], capture_output=True, text=True)
    tally.check(r.returncode == 0 and os.path.getsize(corpus) == 65536,
                "installed wordtally-gen writes 64K: %r" % r.stderr)
    os.remove(text)
    os.remove(corpus)
    os.remove(corpus + ".expected")


def check_man(stage, mandir):
    for page in ("wordtally.1", "wordtally-gen.1"):
        path = os.path.join(stage, mandir.lstrip("/"), "man1", page)
        r = subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="80"))
        tally.check(r.returncode == 0 and not r.stderr,
                    "man --warnings -l %s: exit %d, stderr %r" % (page, r.returncode, r.stderr))
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT",
                        "EXAMPLES", "SEE ALSO"):
            tally.check("\n%s\n" % section in r.stdout, "man -l %s: no %s section" % (page, section))
        r = subprocess.run(["lexgrog", path], capture_output=True, text=True)
        tally.check(r.returncode == 0 and " - " in r.stdout, "lexgrog %s: %r %r" % (page, r.stdout, r.stderr))
        r = subprocess.run(["mandoc", "-Tlint", "-Wstyle", path], capture_output=True, text=True)
        tally.check(r.returncode == 0 and not r.stdout and not r.stderr,
                    "mandoc -Tlint %s:\n%s%s" % (page, r.stdout, r.stderr))


def install_round(stage, variables, bindir, mandir, compdir):
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage)
    args = ["DESTDIR=" + stage] + ["%s=%s" % kv for kv in variables]
    make("install", *args)
    got, want = files_under(stage), expected(bindir, mandir, compdir)
    tally.check(got == want, "make install %s: files %s, expected %s" % (" ".join(args), sorted(got), sorted(want)))
    return args


def main():
    stage = os.path.abspath(sys.argv[1])
    check_tools()
    # the defaults
    args = install_round(stage, [], "/usr/local/bin", "/usr/local/share/man",
                         "/usr/local/share/bash-completion/completions")
    check_programs(stage, "/usr/local/bin")
    check_man(stage, "/usr/local/share/man")
    make("uninstall", *args)
    left = files_under(stage)
    tally.check(not left, "make uninstall left %s" % sorted(left))
    # every directory variable honoured
    variables = [("PREFIX", "/opt/wt"), ("BINDIR", "/opt/wt/sbin"), ("MANDIR", "/opt/man"),
                 ("COMPLETIONDIR", "/opt/completions")]
    args = install_round(stage, variables, "/opt/wt/sbin", "/opt/man", "/opt/completions")
    check_programs(stage, "/opt/wt/sbin")
    make("uninstall", *args)
    left = files_under(stage)
    tally.check(not left, "make uninstall %s left %s" % (" ".join(args), sorted(left)))
    shutil.rmtree(stage, ignore_errors=True)
    tally.finish()


if __name__ == "__main__":
    main()
