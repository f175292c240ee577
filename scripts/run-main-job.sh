#!/usr/bin/env bash
# The main job: count the real corpus with the parallel path, verified against the serial path,
# and check the counts against the oracle's expected counts written beside the corpus.
#   usage: scripts/run-main-job.sh PROGRAM CORPUS
set -euo pipefail
prog=${1:?usage: run-main-job.sh PROGRAM CORPUS}
corpus=${2:?usage: run-main-job.sh PROGRAM CORPUS}
expected=$(sed -n 2p "$corpus.expected")

echo "\$ $prog --verify $corpus"
out=$("$prog" --verify "$corpus")
echo "$out"
got=$(echo "$out" | awk 'NR<=4 {printf "%s%s", sep, $2; sep=" "}')
if [ "$got" = "$expected" ]; then
    echo "OK: counts (dog cat boy girl) = $got, equal to the oracle's expected counts"
else
    echo "FAIL: counts $got, expected $expected (oracle)" >&2
    exit 1
fi
