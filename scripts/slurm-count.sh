#!/usr/bin/env bash
#SBATCH --job-name=wordtally-count
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
#SBATCH --time=00:20:00
#SBATCH --output=wordtally-count-%j.out
# One count of the FILEs with the CPUs the job is given (default threads: those cores), run by srun
# (a step sacct shows); the report in OUT_DIR/count-JOBID.txt (.csv, .json with FORMAT), -v's
# thread placement in the log. As it stands it takes one whole node (--exclusive) and counts with
# all its cores; sbatch -c N counts with N of them.
#   sbatch scripts/slurm-count.sh FILE...         (from anywhere; relative FILEs: from the submit folder)
#   sbatch -c 16 scripts/slurm-count.sh FILE...   (16 CPUs)
#   bash scripts/slurm-count.sh FILE...           (no scheduler: runs here)
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
[ -n "$dir" ] || { echo "slurm-count.sh: scripts/job-lib.sh not found: submit from the wordtally folder" \
                        "or set WORDTALLY_ROOT=/path/to/wordtally" >&2; exit 2; }
source "$dir/job-lib.sh"
job_count slurm-count.sh "$@"
