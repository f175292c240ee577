#!/usr/bin/env bash
#SBATCH --job-name=wordtally-scaling
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
#SBATCH --time=01:00:00
#SBATCH --output=wordtally-scaling-%j.out
# Strong-scaling study on one whole node (--exclusive: any node's size): --sweep over 1..all cores
# (or LIST) as an srun step, OMP_PLACES=cores OMP_PROC_BIND=close, CSV (and PNG and PDF with gnuplot)
# in OUT_DIR; WEAK=SIZE makes it weak scaling (--weak SIZE: t threads count t x SIZE bytes).
#   sbatch scripts/slurm-scaling.sh FILE... [LIST]    (from anywhere)
#   bash scripts/slurm-scaling.sh FILE... [LIST]      (no scheduler: runs here)
# Settings (environment): WORDTALLY, WORDTALLY_OPTS, OUT_DIR, REPEAT, SWEEP, WEAK, FORMAT, EXPECTED (scripts/job-lib.sh).
set -euo pipefail
# Find scripts/job-lib.sh: beside this file, or, when the batch system runs a copy of it from its
# spool folder, beside the file that was submitted (Slurm: the job's Command), or in the folder it
# was submitted from.
[ -z "${SLURM_JOB_ID:-}" ] ||
    submitted=$(scontrol show job "$SLURM_JOB_ID" 2>/dev/null | sed -n 's/^ *Command=\([^ ]*\).*/\1/p')
for dir in ${WORDTALLY_ROOT:+"$WORDTALLY_ROOT/scripts"} "$(dirname "$0")" "$(dirname "${submitted:-.}")" \
           "${SLURM_SUBMIT_DIR:-${PBS_O_WORKDIR:-$PWD}}/scripts" ""; do
    [ -f "$dir/job-lib.sh" ] && break
done
[ -n "$dir" ] || { echo "slurm-scaling.sh: scripts/job-lib.sh not found: submit from the wordtally folder" \
                        "or set WORDTALLY_ROOT=/path/to/wordtally" >&2; exit 2; }
source "$dir/job-lib.sh"
job_scaling slurm-scaling.sh "$@"
