#!/usr/bin/env bash
#PBS -N wordtally-count
#PBS -l select=1:ncpus=8
#PBS -l walltime=00:20:00
#PBS -j oe
# One count of FILE with the CPUs the job is given (default threads: those cores).
# ncpus: the cores to count with.
#   qsub -v FILE=$PWD/data/gcide-1g.txt scripts/pbs-count.sh    (PBS Pro/OpenPBS, from the project
#                                        folder; Torque: qsub -F "FILE" ... with -l nodes=1:ppn=N)
#   bash scripts/pbs-count.sh FILE      (no scheduler: runs here)
# Settings (environment, or qsub -v): FILE, WORDTALLY, OUT_DIR, REPEAT, SWEEP, FORMAT, EXPECTED.
set -euo pipefail
# PBS runs a copy of this script in $HOME: then the project is the folder qsub was called from.
root=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd || true)
[ -f "$root/scripts/job-lib.sh" ] || root=${PBS_O_WORKDIR:-$PWD}
root=${WORDTALLY_ROOT:-$root}
cd "${PBS_O_WORKDIR:-$PWD}"
source "$root/scripts/job-lib.sh"
job_count "${1:-}"
