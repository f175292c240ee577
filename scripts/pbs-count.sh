#!/usr/bin/env bash
#PBS -N wordtally-count
#PBS -l select=1
#PBS -l place=excl
#PBS -l walltime=00:20:00
#PBS -j oe
# One count of FILE with the cores the job may use (default threads: those cores); the report in
# OUT_DIR/count-JOBID.txt. As it stands (PBS Pro/OpenPBS) it takes one node alone (place=excl) and
# counts with all its cores; -l select=1:ncpus=N counts with N where the site confines jobs to their
# ncpus. Torque has no "select": use -l nodes=1:ppn=CORES there.
#   qsub -v FILE=$PWD/data/gcide-1g.txt scripts/pbs-count.sh   (from the project folder)
#   bash scripts/pbs-count.sh FILE...      (no scheduler: runs here)
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
[ -n "$dir" ] || { echo "pbs-count.sh: scripts/job-lib.sh not found: submit from the wordtally folder" \
                        "or set WORDTALLY_ROOT=/path/to/wordtally" >&2; exit 2; }
# PBS starts the job in $HOME: relative FILEs are from the submit folder.
cd "${PBS_O_WORKDIR:-$PWD}"
source "$dir/job-lib.sh"
job_count pbs-count.sh "$@"
