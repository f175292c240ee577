#!/usr/bin/env python3
"""The documentation carries itself: README.md stays a short user's page (at most 12 KiB), no file of the
project refers to a folder outside the repository, and every relative link in README.md and docs/*.md
leads to a file that exists. Prints 'docs: N passed, N failed'."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Tally  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README_MAX = 12 * 1024
# A path out of the repository into the folder the project was developed beside; written in two parts
# so that this file does not match itself.
OUTSIDE = re.compile(r"(\.\./|/work/)" + "shared")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
SKIP_DIRS = {".git", "data", "build", "build-san", "build-tsan", "build-mpi", "build-mpi-san", "build-fuzz"}
tally = Tally("docs")
check = tally.check


def project_files():
    """The tracked files (a git checkout), else every file outside the build and data folders."""
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True, check=True).stdout
        names = [n for n in out.decode("utf-8", "surrogateescape").split("\0") if n]
        if names:
            return names
    except (OSError, subprocess.CalledProcessError):
        pass
    names = []
    for d, subdirs, files in os.walk(ROOT):
        subdirs[:] = [s for s in subdirs if s not in SKIP_DIRS]
        names += [os.path.relpath(os.path.join(d, f), ROOT) for f in files]
    return names


def main():
    size = os.path.getsize(os.path.join(ROOT, "README.md"))
    check(size <= README_MAX, "README.md is %d bytes; at most %d (move details to docs/)" % (size, README_MAX))

    outside = []
    for name in project_files():
        path = os.path.join(ROOT, name)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            text = f.read().decode("latin-1")
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                outside.append("%s:%d: %s" % (name, n, line.strip()[:100]))
    check(not outside, "files refer to a folder outside the repository:\n  " + "\n  ".join(outside))

    # mandoc -Tlint (make check-install) flags a man page source line over 80 bytes: caught here too.
    for page in sorted(os.listdir(os.path.join(ROOT, "man"))):
        with open(os.path.join(ROOT, "man", page), "rb") as f:
            long_lines = [n for n, line in enumerate(f.read().splitlines(), 1) if len(line) > 80]
        check(not long_lines, "man/%s: lines over 80 bytes: %s" % (page, long_lines))

    pages = ["README.md"] + ["docs/" + f for f in sorted(os.listdir(os.path.join(ROOT, "docs"))) if f.endswith(".md")]
    for page in pages:
        text = open(os.path.join(ROOT, page), encoding="utf-8").read()
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            where = os.path.normpath(os.path.join(ROOT, os.path.dirname(page), target))
            check(where.startswith(ROOT + os.sep) and os.path.exists(where),
                  "%s links to %s, which is not a file of the project" % (page, target))
    tally.finish()


main()
