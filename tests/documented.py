"""Every long option of each program is documented where people look for it: its --help, its man page
and the bash completion; the release number in VERSION is the one --version prints and the one
CHANGELOG.md, debian/changelog and the Spack package describe. A new option in an options table fails here until it is in all three places.
usage: documented.py WORDTALLY WORDTALLY-GEN"""
import os
import re
import shutil
import subprocess
import sys

from testlib import Tally

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPLETION = "completion/wordtally.bash"
tally = Tally("documented")


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def table_options(source):
    """The long options of the one `struct option` table in a C source file."""
    text = read(source)
    m = re.search(r"struct option \w+\[\] = \{(.*?)\{NULL, 0, NULL, 0\}", text, re.S)
    if not tally.check(m is not None, "%s: no `struct option NAME[] = {...}` table found" % source):
        return []
    return re.findall(r'\{"([a-z0-9-]+)",', m.group(1))


def man_options(page):
    """Long options as a man page writes them: \\-\\-name (hyphens escaped)."""
    return set(n.replace("\\-", "-") for n in re.findall(r"\\-\\-((?:[a-z0-9]|\\-)+)", read(page)))


def completion_options(func):
    """The options the completion function offers after a '-'."""
    text = read(COMPLETION)
    m = re.search(r"^%s\(\)\n\{(.*?)^\}" % func, text, re.S | re.M)
    if not tally.check(m is not None, "%s: no function %s" % (COMPLETION, func)):
        return set()
    return set(re.findall(r"(?<![\w-])--([a-z0-9-]+)", m.group(1)))


def check_program(prog, source, page, func):
    opts = table_options(source)
    tally.check(len(opts) >= 3, "%s: only %d long options read from its table" % (source, len(opts)))
    helptext = subprocess.run([prog, "--help"], capture_output=True, text=True).stdout
    in_help = set(re.findall(r"(?<![\w-])--([a-z0-9-]+)", helptext))
    in_man, in_comp = man_options(page), completion_options(func)
    for o in opts:
        tally.check(o in in_help, "--%s (%s's options table) is not in its --help: add it to the "
                    "usage text in %s" % (o, os.path.basename(prog), source))
        tally.check(o in in_man, "--%s (%s) is not in %s: add it to OPTIONS there, as "
                    "'.BR \\-\\-%s ...'" % (o, source, page, o.replace("-", "\\-")))
        tally.check(o in in_comp, "--%s (%s) is not offered by the bash completion: add it to the "
                    "option list of %s() in %s" % (o, source, func, COMPLETION))
    # the other way round: nothing documented that the program does not take
    for where, found in (("--help", in_help), (page, in_man), (COMPLETION + " " + func, in_comp)):
        extra = found - set(opts) - {"--"}
        if page.endswith("wordtally.1") and where == page:
            extra -= {"np", "ntasks-per-node"}  # mpirun's and srun's options in SYNOPSIS/EXAMPLES
        tally.check(not extra, "%s names options %s has not got: %s" % (where, source, sorted(extra)))
    return opts


def check_completion_runs(prog_name, opts):
    """With bash-completion installed, the completion itself offers every option after '--'."""
    bc = "/usr/share/bash-completion/bash_completion"
    if not (os.path.exists(bc) and shutil.which("bash")):
        print("documented: %s missing, the completion is checked as text only" % bc)
        return
    script = ('source %s; source %s; COMP_WORDS=(%s --); COMP_CWORD=1; COMP_LINE="%s --"; '
              'COMP_POINT=${#COMP_LINE}; %s; printf "%%s\\n" "${COMPREPLY[@]}"'
              % (bc, os.path.join(ROOT, COMPLETION), prog_name, prog_name,
                 "_wordtally_gen" if prog_name.endswith("gen") else "_wordtally"))
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    got = set(x.strip().rstrip("=")[2:] for x in r.stdout.split())
    tally.check(set(opts) <= got, "%s -- <TAB> does not offer %s (bash said: %s)"
                % (prog_name, sorted(set(opts) - got), r.stderr.strip()[:200]))


def check_kernels(prog):
    """Every kernel compiled in (--version's kernels line) is a --kernel value in the man page and the
    completion."""
    out = subprocess.run([prog, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"^\s*kernels:\s*([^(]*)", out, re.M)
    if not tally.check(m is not None, "--version has no 'kernels:' line: %r" % out):
        return
    man = read("man/wordtally.1").replace("\\-", "-")
    comp = re.search(r"--kernel\) COMPREPLY=\(\$\(compgen -W '([^']*)'", read(COMPLETION))
    comp_values = comp.group(1).split() if comp else []
    for k in m.group(1).split():
        tally.check(re.search(r"^\.BR? %s(?=\s)" % re.escape(k), man, re.M) is not None,
                    "kernel %s (--version) is not among --kernel's values in man/wordtally.1" % k)
        tally.check(k in comp_values, "kernel %s (--version) is not a --kernel value in %s" % (k, COMPLETION))


def check_version(prog):
    version = read("VERSION").strip()
    tally.check(re.fullmatch(r"\d+\.\d+\.\d+", version) is not None, "VERSION: '%s' is not N.N.N" % version)
    first = subprocess.run([prog, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    tally.check(first == "wordtally " + version, "--version prints '%s', VERSION holds %s" % (first, version))
    tally.check(re.search(r"^## %s\b" % re.escape(version), read("CHANGELOG.md"), re.M) is not None,
                "CHANGELOG.md has no '## %s' section for the release in VERSION" % version)
    deb = re.match(r"wordtally \(([^)-]+)", read("debian/changelog"))
    tally.check(deb is not None and deb.group(1) == version,
                "debian/changelog's newest entry is not %s: add one (dch -v %s)" % (version, version))
    spack = "packaging/spack/packages/wordtally/package.py"
    tally.check('version("%s")' % version in read(spack), "%s has no version(\"%s\")" % (spack, version))


def main():
    prog, gen = sys.argv[1], sys.argv[2]
    opts = check_program(prog, "src/app/cli.c", "man/wordtally.1", "_wordtally")
    check_completion_runs("wordtally", opts)
    gen_opts = check_program(gen, "src/gen/corpus_gen.c", "man/wordtally-gen.1", "_wordtally_gen")
    check_completion_runs("wordtally-gen", gen_opts)
    check_kernels(prog)
    check_version(prog)
    tally.finish()


if __name__ == "__main__":
    main()
