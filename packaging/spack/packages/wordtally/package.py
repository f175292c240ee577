# Spack package for wordtally. Until the project publishes release tarballs, build it from a
# checkout of the source:
#   spack repo add packaging/spack
#   spack dev-build -d . wordtally@0.1.0          (in the source folder)
#   spack dev-build -d . wordtally@0.1.0 +mpi     (also wordtally-mpi)

from spack.package import *


class Wordtally(MakefilePackage):
    """Counts target words in huge text files, exactly, with every core: an OpenMP team pinned to
    the physical cores (hwloc) counts a table of chunks with vector kernels chosen at run time, and
    --verify compares the parallel counts with a serial count. wordtally-gen writes test corpora
    with their exact expected counts; +mpi adds wordtally-mpi (MPI + OpenMP)."""

    license("BSD-3-Clause")

    version("0.1.0")

    variant("mpi", default=False, description="Also build wordtally-mpi (MPI + OpenMP)")

    depends_on("c", type="build")
    depends_on("gmake", type="build")
    depends_on("pkgconfig", type="build")
    depends_on("hwloc@2:")
    # Compressed inputs and archives (src/io/unpack*.c, zip*.c): the decoders, libarchive for tar.
    depends_on("zlib-api")
    depends_on("libdeflate")  # BGZF blocks, decoded in parallel
    depends_on("zstd")
    depends_on("xz")
    depends_on("bzip2")
    depends_on("libarchive")
    depends_on("mpi", when="+mpi")
    # The unit tests (`make check-unit`) use the Check library.
    depends_on("check", type="test")

    @property
    def build_targets(self):
        targets = ["all"]
        if self.spec.satisfies("+mpi"):
            targets.append("MPICC={0}".format(self.spec["mpi"].mpicc))
            targets.append("mpi")
        return targets

    def check(self):
        make("check-unit")

    @property
    def install_targets(self):
        return ["install", "PREFIX={0}".format(self.prefix)]
