#!/usr/bin/env bash
#PBS -N wordtally-regression
#PBS -l select=1
#PBS -l place=excl
#PBS -l walltime=00:30:00
#PBS -j oe
# Regression: --verify (parallel against serial, exit 3) and FILE.expected if present (exit 1);
# any failure fails the job. Results in OUT_DIR/regression-JOBID.txt. As it stands (PBS Pro/OpenPBS)
# it takes one node alone (place=excl), so the parallel path runs on all its cores; Torque has no
# "select": use -l nodes=1:ppn=CORES there.
#   qsub -v FILE=$PWD/data/gcide-1g.txt scripts/pbs-regression.sh   (from the project folder)
#   bash scripts/pbs-regression.sh FILE...      (no scheduler: runs here)
# Settings (environment, or qsub -v): WORDTALLY, WORDTALLY_OPTS, OUT_DIR, REPEAT, SWEEP, WEAK, FORMAT, EXPECTED (scripts/job-lib.sh).
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
[ -n "$dir" ] || { echo "pbs-regression.sh: scripts/job-lib.sh not found: submit from the wordtally folder" \
                        "or set WORDTALLY_ROOT=/path/to/wordtally" >&2; exit 2; }
# PBS starts the job in $HOME: relative FILEs are from the submit folder.
cd "${PBS_O_WORKDIR:-$PWD}"
source "$dir/job-lib.sh"
job_regression pbs-regression.sh "$@"
