#!/usr/bin/env python3
"""The largest files and functions of a C tree: lines per file, and lines per function (from
the line that opens a top-level function to its closing brace). For the architecture's size
rules (files under ~600 lines, functions under ~100).
usage: scripts/sizes.py [SRC] [N]   (default src, 10 of each)"""
import os
import re
import sys

FUNC = re.compile(r"^[A-Za-z_][\w\s\*]*?\b(\w+)\s*\([^;]*$")


def functions(path):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        m = FUNC.match(lines[i])
        if m and not lines[i].startswith(("static const", "typedef", "#")):
            j = i
            while j < len(lines) and not lines[j].startswith("{") and not lines[j].rstrip().endswith(";"):
                j += 1
            if j < len(lines) and lines[j].startswith("{"):
                k = j
                while k < len(lines) and lines[k] != "}":
                    k += 1
                out.append((k - i + 1, m.group(1)))
                i = k
        i += 1
    return out


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    files, funcs = [], []
    for dp, _, fn in os.walk(src):
        for f in fn:
            if f.endswith((".c", ".h")):
                p = os.path.join(dp, f)
                files.append((sum(1 for _ in open(p, encoding="utf-8", errors="replace")), p))
                if f.endswith(".c"):
                    funcs += [(size, "%s %s()" % (p, name)) for size, name in functions(p)]
    print("| lines | file |\n|---:|---|")
    for size, p in sorted(files, reverse=True)[:n]:
        print("| %d | %s |" % (size, p))
    print("\n| lines | function |\n|---:|---|")
    for size, f in sorted(funcs, reverse=True)[:n]:
        print("| %d | %s |" % (size, f))
    print("\n%d files, %d lines; %d functions, %d over 100 lines"
          % (len(files), sum(s for s, _ in files), len(funcs), sum(1 for s, _ in funcs if s > 100)))


if __name__ == "__main__":
    main()
