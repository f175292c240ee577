#!/usr/bin/env python3
"""make layers / make check-layers: the include graph of src/ folder by folder.

Each folder of src/ is a layer; a file may include headers of its own folder and of the folders
below it in LAYERS, never above. Prints every folder -> folder edge with its count, then every
upward edge and every cycle between files' modules (a.c calls b.h and b.c includes a.h; a
folder's private NAME_internal.h belongs to the files that include it). Exit 1
if there is any; exit 0 otherwise, with '0 upward edges, 0 cycles'.

usage: scripts/layers.py [SRC]   (default src)
"""
import os
import re
import sys
from collections import defaultdict

# Lowest first. gen (wordtally-gen) and app (wordtally) are the two programs, on top.
LAYERS = ["base", "kernels", "io", "engine", "vocab", "report", "mpi", "app", "gen"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    rank = {name: i for i, name in enumerate(LAYERS)}
    edges = defaultdict(int)        # (from folder, to folder) -> includes
    module_deps = defaultdict(set)  # "io/input" -> {"io/unpack", ...}
    problems = []
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        if folder not in rank:
            problems.append("%s/: a folder that is not a layer (add it to LAYERS in %s)"
                            % (folder, sys.argv[0]))
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith((".c", ".h")):
                continue
            text = open(os.path.join(path, name), encoding="utf-8").read()
            module = folder + "/" + os.path.splitext(name)[0]
            for inc in INCLUDE.findall(text):
                target = inc if "/" in inc else folder + "/" + inc
                tfolder = target.split("/")[0]
                if not os.path.exists(os.path.join(src, target)):
                    continue  # tests' own headers (emulated.h) and the like
                edges[(folder, tfolder)] += 1
                tmod = os.path.splitext(target)[0]
                # A folder's private header (NAME_internal.h, what its files share) is part of
                # the files that include it, not a module of its own.
                if tmod != module and not tmod.endswith("_internal") and \
                        not module.endswith("_internal"):
                    module_deps[module].add(tmod)
                if rank[tfolder] > rank[folder]:
                    problems.append("upward: %s/%s includes %s" % (folder, name, target))
    for (a, b), n in sorted(edges.items(), key=lambda e: (rank[e[0][0]], rank[e[0][1]])):
        print("%-8s -> %-8s %3d include%s%s" % (a, b, n, "" if n == 1 else "s",
                                                "" if a != b else "  (within the layer)"))
    # Cycles between modules (a header and its .c are one module).
    seen_cycles = set()
    for a, deps in module_deps.items():
        for b in deps:
            if a in module_deps.get(b, ()) and (b, a) not in seen_cycles:
                seen_cycles.add((a, b))
                problems.append("cycle: %s <-> %s" % (a, b))
    ups = sum(1 for p in problems if p.startswith("upward"))
    cycles = sum(1 for p in problems if p.startswith("cycle"))
    for p in problems:
        print("layers: " + p)
    print("layers: %d upward edges, %d cycles" % (ups, cycles))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
