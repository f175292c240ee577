#!/usr/bin/env bash
#SBATCH --job-name=wordtally-regression
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
#SBATCH --time=00:30:00
#SBATCH --output=wordtally-regression-%j.out
# Regression, for each FILE: --verify (parallel against serial, exit 3 on a difference) and the
# counts of the words in FILE.expected if present (exit 1 on a difference); any failure fails the
# job. Results in OUT_DIR/regression-JOBID.txt. Each check is an srun step (sacct shows it). As it
# stands it takes one whole node (--exclusive), so the parallel path runs on all its cores; sbatch
# -c N checks with N threads.
#   sbatch scripts/slurm-regression.sh FILE...        (from anywhere)
#   sbatch -c 4 scripts/slurm-regression.sh FILE...   (4 threads)
#   bash scripts/slurm-regression.sh FILE...          (no scheduler: runs here)
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
[ -n "$dir" ] || { echo "slurm-regression.sh: scripts/job-lib.sh not found: submit from the wordtally folder" \
                        "or set WORDTALLY_ROOT=/path/to/wordtally" >&2; exit 2; }
source "$dir/job-lib.sh"
job_regression slurm-regression.sh "$@"
