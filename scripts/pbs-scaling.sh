#!/usr/bin/env bash
#PBS -N wordtally-scaling
#PBS -l select=1
#PBS -l place=excl
#PBS -l walltime=01:00:00
#PBS -j oe
# Strong-scaling study on one whole node: --sweep over 1..all cores (or LIST), OMP_PLACES=cores
# OMP_PROC_BIND=close, CSV (and PNG and PDF with gnuplot) in OUT_DIR; WEAK=SIZE for weak scaling.
# As it stands (PBS Pro/OpenPBS) it takes one node alone (place=excl); the sweep spans the cores the
# job may use, so where the site confines jobs to their ncpus ask for them all
# (-l select=1:ncpus=CORES); Torque has no "select": use -l nodes=1:ppn=CORES there. The log says
# how many of the node's cores the job may use.
#   qsub -v FILE=$PWD/data/gcide-1g.txt scripts/pbs-scaling.sh   (from the project folder)
#   bash scripts/pbs-scaling.sh FILE... [LIST]      (no scheduler: runs here)
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
[ -n "$dir" ] || { echo "pbs-scaling.sh: scripts/job-lib.sh not found: submit from the wordtally folder" \
                        "or set WORDTALLY_ROOT=/path/to/wordtally" >&2; exit 2; }
# PBS starts the job in $HOME: relative FILEs are from the submit folder.
cd "${PBS_O_WORKDIR:-$PWD}"
source "$dir/job-lib.sh"
job_scaling pbs-scaling.sh "$@"
