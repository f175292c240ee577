#!/usr/bin/env bash
#PBS -N wordtally-scaling
#PBS -l select=1:ncpus=64
#PBS -l place=excl
#PBS -l walltime=01:00:00
#PBS -j oe
# Strong-scaling study on one exclusive node: --sweep over 1..all cores (or LIST),
# OMP_PLACES=cores OMP_PROC_BIND=close, CSV (and PNG with gnuplot) in OUT_DIR.
# ncpus: the node's cores (a cpuset cgroup gives the job only these); place=excl: the whole node.
#   qsub -v FILE=$PWD/data/gcide-1g.txt scripts/pbs-scaling.sh    (PBS Pro/OpenPBS, from the project
#                                        folder; Torque: qsub -F "FILE" ... with -l nodes=1:ppn=N)
#   bash scripts/pbs-scaling.sh FILE [LIST]      (no scheduler: runs here)
# Settings (environment, or qsub -v): FILE, WORDTALLY, OUT_DIR, REPEAT, SWEEP, FORMAT, EXPECTED.
set -euo pipefail
# PBS runs a copy of this script in $HOME: then the project is the folder qsub was called from.
root=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd || true)
[ -f "$root/scripts/job-lib.sh" ] || root=${PBS_O_WORKDIR:-$PWD}
root=${WORDTALLY_ROOT:-$root}
cd "${PBS_O_WORKDIR:-$PWD}"
source "$root/scripts/job-lib.sh"
job_scaling "${1:-}" "${2:-}"
