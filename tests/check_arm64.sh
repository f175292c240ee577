#!/usr/bin/env bash
# make check-arm64: the AArch64 build, cross-compiled with -Werror, tested under qemu-user with
# several CPUs: NEON only (neoverse-n1), SVE of 512 bits (a64fx), SVE of 128 and of 2048 bits
# (max with its default vector length set), and 64 KiB pages. The Python drivers start the aarch64
# wordtally themselves, through binfmt_misc. Two lanes run at once (CI machines have 2 cores); each
# step prints its pass counts and seconds.
#
# What runs, and what is left out to keep the whole under ~10 minutes (emulation is 4-5x slower):
#   neoverse-n1  every Check suite (the kernel differential at reduced size, KERNEL_CHECK=emulated:
#                lengths to 130, every 21st alignment, no SIMDe-emulated kernels), the fuzz
#                regressions, the integration, outputs, bad-input, inputs and fault drivers
#                (--no-rss-bound: qemu's JIT buffer is 128 MiB of address space; inputs
#                --no-decoding: the compressed inputs test the decoders' libraries and take most
#                of an hour emulated), and the word-token driver (KERNEL_CHECK=emulated: every
#                7th chunk size, no real-text corpora; the vector words kernels' section whole)
#   a64fx        the kernel suite for the sve kernel, the fuzz regressions, the integration and
#                word-token drivers (its vector section for the sve words kernel only, which the
#                NEON lane cannot run; that lane checks the scalar and NEON ones)
#   max, SVE 16 and 256 bytes   the kernel suite for the sve kernel, the fuzz regressions
#   64 KiB pages (neoverse-n1)  the Check suites but the kernel differential, the inputs driver
#                (--no-decoding), the outputs driver
# Needs scripts/install-deps.sh --arm64. Run from the source root; builds in a temporary copy.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-arm64: $*" >&2; exit 1; }
command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64-static >/dev/null ||
    fail "aarch64-linux-gnu-gcc or qemu-aarch64-static missing: run scripts/install-deps.sh --arm64"
binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/qemu-aarch64" ] && [ "$(id -u)" -eq 0 ]; then
    [ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
    update-binfmts --enable qemu-aarch64
fi
grep -qx enabled "$binfmt/qemu-aarch64" 2>/dev/null ||
    fail "qemu-aarch64 is not enabled in binfmt_misc: as root, mount -t binfmt_misc binfmt_misc" \
         "$binfmt; update-binfmts --enable qemu-aarch64"

start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/check-arm64.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r Makefile VERSION README.md src tests scripts "$work"/ # outputs.py runs the README's recipe
cd "$work"
export PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
make -j2 CC=aarch64-linux-gnu-gcc WERROR=yes wordtally build/check_all build/fuzz_replay \
    build/fault_shim.so build/wordbreak-tool > build.log 2>&1 || { tail -40 build.log; fail "the cross build failed"; }
echo "check-arm64: cross-built with -Werror in $((SECONDS - start)) s"

fuzz_inputs=(tests/fuzz/seeds/* tests/fuzz/regressions/*)
# Check's per-test timeouts (4 s by default) are set for native runs.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10}
# Built with a shared libgomp, wordtally re-executes itself once to make idle threads wait
# passively unless a wait policy is set (docs/HPC.md); under qemu-user that second start does not
# keep an ignored SIGPIPE (real AArch64 kernels do), so the policy is set here and the program
# starts once whichever libgomp the cross compiler links.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
prog=$PWD/wordtally

# step LOG CPU WHAT COMMAND...: runs COMMAND under QEMU_CPU=CPU (and QEMU_PAGESIZE when set),
# appends its output to LOG and one summary line: the pass counts it printed, and its seconds.
step() {
    local log=$1 cpu=$2 what=$3 t=$SECONDS rc=0
    shift 3
    QEMU_CPU=$cpu "$@" > "$log.step" 2>&1 || rc=$?
    cat "$log.step" >> "$log"
    local counts
    counts=$(grep -E '^[0-9]+%: Checks|passed|all agree' "$log.step" | tail -1 || true)
    [ -n "$counts" ] || [ $rc -ne 0 ] || rc=99 # a driver that printed no count did not finish
    printf 'check-arm64: %-34s %-16s %s (%d s)%s\n' "$cpu${QEMU_PAGESIZE:+, pages $QEMU_PAGESIZE}" \
        "$what" "${counts:-no count printed}" $((SECONDS - t)) "$([ $rc -eq 0 ] || echo ", FAILED rc $rc")"
    [ $rc -eq 0 ] || echo failed >> "$log.failed"
}

# Every CPU checks the kernels it runs and replays the fuzz regressions (every kernel it runs).
sve_cpu() {
    local log=$1 cpu=$2
    step "$log" "$cpu" "sve kernel" env CK_FORK=yes CK_RUN_SUITE=kernel KERNEL_CHECK=emulated \
        KERNEL_CHECK_ONLY=sve ./build/check_all
    step "$log" "$cpu" "fuzz replay" ./build/fuzz_replay "${fuzz_inputs[@]}"
}

lane_neon() {
    local log=$1 cpu=neoverse-n1
    step "$log" $cpu "check suites" env CK_FORK=yes KERNEL_CHECK=emulated ./build/check_all
    step "$log" $cpu "fuzz replay" ./build/fuzz_replay "${fuzz_inputs[@]}"
    step "$log" $cpu "integration" python3 tests/integration.py "$prog"
    step "$log" $cpu "outputs" python3 tests/outputs.py "$prog"
    step "$log" $cpu "bad inputs" python3 tests/bad_inputs.py "$prog" --no-rss-bound
    step "$log" $cpu "inputs" python3 tests/inputs.py "$prog" --no-rss-bound --no-decoding
    step "$log" $cpu "faults" python3 tests/faults.py "$prog" build/fault_shim.so
    step "$log" $cpu "words" env KERNEL_CHECK=emulated python3 tests/words.py "$prog" \
        build/wordbreak-tool
}

lane_sve() {
    local log=$1
    sve_cpu "$log" a64fx
    step "$log" a64fx "integration" python3 tests/integration.py "$prog"
    step "$log" a64fx "words" env KERNEL_CHECK=emulated WORDS_KERNELS=sve python3 tests/words.py "$prog" \
        build/wordbreak-tool
    sve_cpu "$log" max,sve-default-vector-length=16
    sve_cpu "$log" max,sve-default-vector-length=256
    export QEMU_PAGESIZE=65536
    step "$log" neoverse-n1 "check suites" env CK_FORK=yes CK_EXCLUDE_TAGS=exhaustive ./build/check_all
    step "$log" neoverse-n1 "inputs" python3 tests/inputs.py "$prog" --no-rss-bound --no-decoding
    step "$log" neoverse-n1 "outputs" python3 tests/outputs.py "$prog"
}

lane_neon "$work/neon.log" &
neon=$!
lane_sve "$work/sve.log" &
sve=$!
# A lane that stopped before its end (the shell gave up on it) is a failure too.
wait $neon || echo "the lane stopped" >> "$work/neon.log.failed"
wait $sve || echo "the lane stopped" >> "$work/sve.log.failed"
if [ -e "$work/neon.log.failed" ] || [ -e "$work/sve.log.failed" ]; then
    for log in "$work/neon.log" "$work/sve.log"; do
        grep -E 'FAIL|Failures: [1-9]|Errors: [1-9]|disagree' "$log" | head -20 || true
    done
    fail "failures above ($((SECONDS - start)) s)"
fi
echo "check-arm64: all passed in $((SECONDS - start)) s"
