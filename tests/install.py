"""make install / make uninstall into a staging folder (DESTDIR): the files land where PREFIX, BINDIR,
MANDIR, COMPLETIONDIR and MODULEDIR say, the installed programs run and count, the man pages render
without a warning (man -l) and lint clean (lexgrog, mandoc -Tlint), and uninstall leaves no file
behind. Then an install into a custom PREFIX is loaded as a module, `module use PREFIX/share/modulefiles
&& module load wordtally`, with Debian's Lmod (the Lua file) and environment-modules (the Tcl file;
the two packages conflict, so the one not installed is taken from its .deb, apt-get download): the
programs, the man page and the bash completion are found, and unloading takes them away again.
usage: install.py STAGE   (a folder it may empty; run from the project folder)"""
import glob
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


def version():
    return open("VERSION").read().strip()


def expected(bindir, mandir, compdir, moduledir):
    want = {bindir + "/wordtally", bindir + "/wordtally-gen", mandir + "/man1/wordtally.1",
            mandir + "/man1/wordtally-gen.1", compdir + "/wordtally", compdir + "/wordtally-gen",
            "%s/wordtally/%s" % (moduledir, version()), "%s/wordtally/%s.lua" % (moduledir, version())}
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


def install_round(stage, variables, bindir, mandir, compdir, moduledir):
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage)
    args = ["DESTDIR=" + stage] + ["%s=%s" % kv for kv in variables]
    make("install", *args)
    got, want = files_under(stage), expected(bindir, mandir, compdir, moduledir)
    tally.check(got == want, "make install %s: files %s, expected %s" % (" ".join(args), sorted(got), sorted(want)))
    return args


LMOD_INIT = "/usr/share/lmod/lmod/init/bash"
MODULES_INIT = "/usr/share/modules/init/bash"
COMPLETION = "/usr/share/bash-completion/bash_completion"


def environment_modules(stage):
    """The shell code that defines environment-modules' `module`: its init file when the package is
    installed, else its modulecmd.tcl from the package's .deb (it conflicts with lmod)."""
    if os.path.exists(MODULES_INIT):
        return ". " + MODULES_INIT
    cache = os.path.abspath(os.path.join("build", "environment-modules"))
    tcl = glob.glob(os.path.join(cache, "root", "usr", "lib", "*", "modulecmd.tcl"))
    if not tcl:
        os.makedirs(cache, exist_ok=True)
        r = subprocess.run(["apt-get", "download", "environment-modules"], cwd=cache, capture_output=True, text=True)
        if r.returncode != 0:  # no package lists yet (a fresh container): fetch them once
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
            r = subprocess.run(["apt-get", "download", "environment-modules"], cwd=cache, capture_output=True, text=True)
        debs = glob.glob(os.path.join(cache, "environment-modules_*.deb"))
        if r.returncode != 0 or not debs:
            return None
        subprocess.run(["dpkg-deb", "-x", debs[0], os.path.join(cache, "root")], check=True)
        tcl = glob.glob(os.path.join(cache, "root", "usr", "lib", "*", "modulecmd.tcl"))
    return 'module() { eval "$(tclsh %s bash "$@")"; }' % tcl[0] if tcl else None


def check_modules(stage):
    prefix = os.path.join(stage, "prefix")
    shutil.rmtree(stage, ignore_errors=True)
    make("install", "PREFIX=" + prefix)
    modules = os.path.join(prefix, "share", "modulefiles")
    # Before: a custom prefix's completion is not where bash-completion looks (XDG_DATA_DIRS unset).
    body = ("unset XDG_DATA_DIRS; . %s; __load_completion wordtally; complete -p wordtally 2>&1 || true"
            % COMPLETION)
    r = subprocess.run(["bash", "-c", body], capture_output=True, text=True)
    tally.check("_wordtally" not in r.stdout, "without the module, %s's completion is not found: %r" % (prefix, r.stdout))
    # The README's way without modules: PREFIX/share in XDG_DATA_DIRS, the defaults kept.
    body = ("unset XDG_DATA_DIRS; export XDG_DATA_DIRS=%s/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}; "
            ". %s; __load_completion wordtally; __load_completion ls; complete -p wordtally ls" % (prefix, COMPLETION))
    r = subprocess.run(["bash", "-c", body], capture_output=True, text=True)
    tally.check("-F _wordtally wordtally" in r.stdout and " ls" in r.stdout,
                "the README's XDG_DATA_DIRS line: the completion found, the system's kept: %r %r" % (r.stdout, r.stderr))
    inits = {"lmod": ". " + LMOD_INIT if os.path.exists(LMOD_INIT) else None,
             "environment-modules": environment_modules(stage)}
    for name, init in inits.items():
        if not init:
            tally.check(False, "%s not available: run scripts/install-deps.sh --all (and apt-get update)" % name)
            continue
        body = """set -e
unset XDG_DATA_DIRS MANPATH
%s
module use %s && module load wordtally && wordtally --version | head -n 1
echo "bin: $(command -v wordtally)"
echo "man: $(man -w wordtally)"
echo "system man: $(man -w man)"
. %s
__load_completion wordtally && complete -p wordtally
module unload wordtally
echo "after unload: $(command -v wordtally || echo none)"
""" % (init, modules, COMPLETION)
        r = subprocess.run(["bash", "-c", body], capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if not k.startswith(("LMOD", "MODULE", "_LMOD"))})
        out = r.stdout
        print("  %s: %s" % (name, " | ".join(out.splitlines())))
        tally.check(r.returncode == 0 and out.startswith("wordtally %s" % version()),
                    "%s: module use && module load wordtally && wordtally --version: %r %r" % (name, out, r.stderr))
        tally.check("bin: %s/bin/wordtally" % prefix in out and "man: %s/share/man/man1/wordtally.1" % prefix in out,
                    "%s: the module puts the prefix's program and man page first: %r" % (name, out))
        tally.check("system man: /usr/share/man/" in out, "%s: the system's man pages are still found: %r" % (name, out))
        tally.check("-F _wordtally" in out, "%s: bash-completion finds the completion through the module: %r" % (name, out))
        tally.check("after unload: none" in out, "%s: module unload takes wordtally off PATH: %r" % (name, out))
    make("uninstall", "PREFIX=" + prefix)
    left = files_under(stage)
    tally.check(not left, "make uninstall PREFIX=%s left %s" % (prefix, sorted(left)))


def main():
    stage = os.path.abspath(sys.argv[1])
    check_tools()
    # the defaults
    args = install_round(stage, [], "/usr/local/bin", "/usr/local/share/man",
                         "/usr/local/share/bash-completion/completions", "/usr/local/share/modulefiles")
    check_programs(stage, "/usr/local/bin")
    check_man(stage, "/usr/local/share/man")
    make("uninstall", *args)
    left = files_under(stage)
    tally.check(not left, "make uninstall left %s" % sorted(left))
    # every directory variable honoured
    variables = [("PREFIX", "/opt/wt"), ("BINDIR", "/opt/wt/sbin"), ("MANDIR", "/opt/man"),
                 ("COMPLETIONDIR", "/opt/completions")]
    args = install_round(stage, variables, "/opt/wt/sbin", "/opt/man", "/opt/completions", "/opt/wt/share/modulefiles")
    check_programs(stage, "/opt/wt/sbin")
    make("uninstall", *args)
    left = files_under(stage)
    tally.check(not left, "make uninstall %s left %s" % (" ".join(args), sorted(left)))
    check_modules(stage)
    shutil.rmtree(stage, ignore_errors=True)
    tally.finish()


if __name__ == "__main__":
    main()
