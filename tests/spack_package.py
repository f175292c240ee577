"""packaging/spack: the Spack package read through a small stand-in for Spack's package API (Spack
itself is not installed here): it must load as Spack loads it, declare the release in VERSION, hwloc and
the MPI variant, build `make all` (and `make mpi` with +mpi, with Spack's mpicc) and install with
PREFIX set to Spack's prefix.  usage: spack_package.py"""
import os
import sys
import types

from testlib import Tally

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "packaging", "spack", "packages", "wordtally", "package.py")
tally = Tally("spack package")
declared = {"version": [], "variant": [], "depends_on": [], "license": []}


def directive(kind):
    def record(*args, **kwargs):
        declared[kind].append((args, kwargs))
    return record


class MakefilePackage:
    def __init__(self, spec, prefix):
        self.spec, self.prefix = spec, prefix


class Spec:
    def __init__(self, variants, mpicc="/spack/mpi/bin/mpicc"):
        self.variants, self.mpicc = variants, mpicc

    def satisfies(self, constraint):
        return constraint in self.variants

    def __getitem__(self, name):
        return self


def main():
    api = types.ModuleType("spack.package")
    api.MakefilePackage = MakefilePackage
    for kind in declared:
        setattr(api, kind, directive(kind))
    api.make = lambda *a, **k: None
    api.__all__ = ["MakefilePackage", "make"] + list(declared)
    sys.modules["spack"] = types.ModuleType("spack")
    sys.modules["spack.package"] = api
    scope = {}
    with open(PACKAGE) as f:
        exec(compile(f.read(), PACKAGE, "exec"), scope)
    cls = scope.get("Wordtally")
    if not tally.check(cls is not None and issubclass(cls, MakefilePackage),
                       "%s: no class Wordtally(MakefilePackage)" % PACKAGE):
        tally.finish()
    with open(os.path.join(ROOT, "VERSION")) as f:
        version = f.read().strip()
    tally.check(((version,), {}) in declared["version"], "no version(\"%s\") (VERSION)" % version)
    deps = [a[0] for a, _ in declared["depends_on"]]
    tally.check(any(d.startswith("hwloc") for d in deps), "no depends_on hwloc: %s" % deps)
    tally.check(("mpi",) in [a for a, k in declared["depends_on"] if k.get("when") == "+mpi"],
                "no depends_on(\"mpi\", when=\"+mpi\")")
    tally.check(any(a[0] == "mpi" for a, _ in declared["variant"]), "no variant mpi")
    tally.check(((("BSD-3-Clause",), {}) in declared["license"]), "no license(\"BSD-3-Clause\")")
    plain = cls(Spec(set()), "/spack/opt/wordtally")
    tally.check(plain.build_targets == ["all"], "build_targets without +mpi: %s" % plain.build_targets)
    tally.check(plain.install_targets == ["install", "PREFIX=/spack/opt/wordtally"],
                "install_targets: %s" % plain.install_targets)
    mpi = cls(Spec({"+mpi"}), "/p")
    tally.check(mpi.build_targets == ["all", "MPICC=/spack/mpi/bin/mpicc", "mpi"],
                "build_targets with +mpi: %s" % mpi.build_targets)
    tally.finish()


if __name__ == "__main__":
    main()
