#!/usr/bin/env bash
# The main job: count the real corpus with the parallel path, verified against the serial path,
# and check the counts against the oracle's expected counts written beside the corpus
# (CORPUS.expected): the regression job of scripts/job-lib.sh, run here.
#   usage: scripts/run-main-job.sh PROGRAM CORPUS
set -euo pipefail
prog=${1:?usage: run-main-job.sh PROGRAM CORPUS}
corpus=${2:?usage: run-main-job.sh PROGRAM CORPUS}
[ -r "$corpus.expected" ] || { echo "run-main-job.sh: $corpus.expected missing (make corpus)" >&2; exit 1; }
source "$(dirname "$0")/job-lib.sh"
WORDTALLY=$prog OUT_DIR=${OUT_DIR:-$(dirname "$corpus")} job_regression run-main-job.sh "$corpus"
