#!/usr/bin/env bash
# make check-bench-inputs: scripts/bench-inputs.py itself, on a small generated text: its gzip and
# tar.gz rows (every Debian has those tools) must find the counts equal, and a compressed file
# whose count differs must fail it (exit 1) with the line naming the difference.
#   usage: tests/bench_inputs.sh WORDTALLY WORDTALLY-GEN WORKDIR
set -euo pipefail
prog=$1 gen=$2 work=$3
fail() { echo "check-bench-inputs: FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
"$gen" -s 5 3M "$work/t.txt" > /dev/null
python3 scripts/bench-inputs.py --wordtally "$prog" --corpus "$work/t.txt" --work "$work" \
    --csv "$work/t.csv" --quick --rounds 1 --formats gzip,tar.gz > "$work/out.md"
grep -q '^| gzip -9 |.*| equal |$' "$work/out.md" || fail "no equal gzip row in $work/out.md"
grep -q '^| tar.gz of the small files |.*| equal |$' "$work/out.md" ||
    fail "no equal tar.gz row in $work/out.md"
grep -q '^many,-r DIR,.*,equal' "$work/t.csv" || fail "no equal many-files row in $work/t.csv"

echo dog | gzip > "$work/t.txt-3145728/t.txt.gz" # another text under the same name
status=0
python3 scripts/bench-inputs.py --wordtally "$prog" --corpus "$work/t.txt" --work "$work" \
    --csv "$work/t.csv" --rounds 1 --formats gzip > "$work/fail.md" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "a wrong count gave exit $status, not 1"
grep -q '^bench-inputs: FAILED: gzip: .wordtally -q .* counted 1 0 0 0, the plain text ' \
    "$work/fail.md" || fail "no FAILED line naming the difference in $work/fail.md"
echo 'check-bench-inputs: 2 passed, 0 failed'
