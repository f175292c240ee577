#!/usr/bin/env bash
#SBATCH --job-name=wordtally-regression
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --time=00:30:00
#SBATCH --output=wordtally-regression-%j.out
# Regression: --verify (parallel against serial) and FILE.expected if present;
# a mismatch fails the job (non-zero exit).
#   sbatch scripts/slurm-regression.sh FILE    (from the project folder; results in OUT_DIR, default .)
#   bash scripts/slurm-regression.sh FILE      (no scheduler: runs here)
# Settings (environment): WORDTALLY, OUT_DIR, REPEAT, SWEEP, FORMAT, EXPECTED (scripts/job-lib.sh).
set -euo pipefail
# Slurm runs a copy of this script from its spool folder: then the project is the submit folder.
root=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd || true)
[ -f "$root/scripts/job-lib.sh" ] || root=${SLURM_SUBMIT_DIR:-$PWD}
root=${WORDTALLY_ROOT:-$root}
source "$root/scripts/job-lib.sh"
job_regression "${1:-}"
