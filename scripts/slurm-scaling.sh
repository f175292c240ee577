#!/usr/bin/env bash
#SBATCH --job-name=wordtally-scaling
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
#SBATCH --time=01:00:00
#SBATCH --output=wordtally-scaling-%j.out
# Strong-scaling study on one exclusive node: --sweep over 1..all cores (or LIST),
# OMP_PLACES=cores OMP_PROC_BIND=close, CSV (and PNG with gnuplot) in OUT_DIR.
#   sbatch scripts/slurm-scaling.sh FILE [LIST]    (from the project folder; results in OUT_DIR, default .)
#   bash scripts/slurm-scaling.sh FILE [LIST]      (no scheduler: runs here)
# Settings (environment): WORDTALLY, OUT_DIR, REPEAT, SWEEP, FORMAT, EXPECTED (scripts/job-lib.sh).
set -euo pipefail
# Slurm runs a copy of this script from its spool folder: then the project is the submit folder.
root=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd || true)
[ -f "$root/scripts/job-lib.sh" ] || root=${SLURM_SUBMIT_DIR:-$PWD}
root=${WORDTALLY_ROOT:-$root}
source "$root/scripts/job-lib.sh"
job_scaling "${1:-}" "${2:-}"
