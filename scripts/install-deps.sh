#!/usr/bin/env bash
# Installs the Debian packages wordtally needs to build, test and run its main job.
# Idempotent and quick when everything is already there: apt is only called for missing packages.
#   scripts/install-deps.sh          build, test and corpus packages (tabix: bgzip, zstd: pzstd,
#                                    for the parallel decoding tests; python3-pandas for the
#                                    README's pandas recipe, run by make check; unicode-data
#                                    for the word tables and WordBreakTest.txt; python3-icu,
#                                    libicu-dev, ripgrep and two FreeDict dictionaries for the
#                                    --tokens=words oracles and speed anchor; zip, whose archives
#                                    the bad-input tests count)
#   scripts/install-deps.sh --mpi    also Open MPI (for `make mpi`)
#   scripts/install-deps.sh --all    also MPI, clang/libFuzzer, gnuplot, analysers, the release
#                                    tools: mmdebstrap, debhelper, man-db, mandoc, and a Slurm:
#                                    slurm-wlm, munge, slurm-wlm-torque, with slurmdbd and
#                                    mariadb-server for its accounting (sacct), lmod (module
#                                    load; make check-install), poppler-utils (pdftoppm, to look
#                                    at a PDF figure), and pigz, unzip for the
#                                    decompression tests and make bench-inputs
#   scripts/install-deps.sh --bench  also bible-kjv and bible-kjv-text, the text behind the countwords
#                                    comparison of make bench-vocab (COUNTWORDS=DIR)
#   scripts/install-deps.sh --arm64  also the aarch64 cross build and its emulation (make check-arm64):
#                                    gcc-aarch64-linux-gnu, qemu-user-static and binfmt-support, and
#                                    the arm64 libraries (multiarch: adds the arm64 architecture)
set -euo pipefail

arm64=0
pkgs=(gcc make pkg-config libhwloc-dev hwloc check libsimde-dev python3 dict-gcide time
      zlib1g-dev libdeflate-dev libzstd-dev liblzma-dev libbz2-dev libarchive-dev
      gzip zstd xz-utils bzip2 tabix python3-pandas unicode-data python3-icu libicu-dev ripgrep
      dict-freedict-deu-eng dict-freedict-eng-rus procps zip)
for arg in "$@"; do
    case "$arg" in
        --mpi) pkgs+=(openmpi-bin libopenmpi-dev) ;;
        --all) pkgs+=(openmpi-bin libopenmpi-dev clang libclang-rt-14-dev gnuplot-nox valgrind
               libomp-14-dev cppcheck clang-tidy mmdebstrap debhelper dpkg-dev man-db mandoc
               bash-completion slurm-wlm munge slurm-wlm-torque slurmdbd mariadb-server lmod
               poppler-utils pigz unzip) ;;
        --bench) pkgs+=(bible-kjv bible-kjv-text) ;;
        --arm64) arm64=1
                 pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static binfmt-support
                        libhwloc-dev:arm64 check:arm64 libgomp1:arm64 zlib1g-dev:arm64
                        libdeflate-dev:arm64 libzstd-dev:arm64 liblzma-dev:arm64 libbz2-dev:arm64
                        libarchive-dev:arm64) ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-deps.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "install-deps.sh: all packages present"; exit 0; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps.sh: installing ${missing[*]}"
# The arm64 packages need the architecture known to dpkg before apt's lists are read.
if [ "$arm64" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps.sh: done"
