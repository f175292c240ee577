#!/usr/bin/env bash
#SBATCH --job-name=wordtally-mpi
#SBATCH --nodes=1
#SBATCH --exclusive
#SBATCH --time=00:30:00
#SBATCH --output=wordtally-mpi-%j.out
# MPI + OpenMP run of wordtally-mpi: the ranks and CPUs per rank the job asks for, or one rank per
# node (PER=node, default) or per socket (PER=socket) with all its cores as OpenMP threads, pinned
# inside the rank's CPU set. --nodes=1 --exclusive fits any cluster: ask for more nodes with -N.
#   sbatch -N 8 scripts/slurm-mpi.sh [WORDTALLY OPTION]... FILE...     (from anywhere)
#   sbatch -n 2 -c 1 scripts/slurm-mpi.sh FILE...        # 2 ranks x 1 CPU (on one node here)
#   sbatch -N 8 --export=ALL,PER=socket scripts/slurm-mpi.sh -f json /lustre/corpus/*.txt
#   bash scripts/slurm-mpi.sh FILE...                    # no Slurm: this machine, with mpirun
# Environment: PER=node|socket; WORDTALLY_MPI (the program, default: wordtally-mpi in the project);
# WORDTALLY_OPTS; SRUN_MPI (srun's --mpi, default pmix: see srun --mpi=list); NP (ranks for the
# local mpirun run). The FILEs must be at the same path on every node (a shared file system).
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
[ -n "$dir" ] || { echo "slurm-mpi.sh: scripts/job-lib.sh not found: submit from the wordtally folder" \
                        "or set WORDTALLY_ROOT=/path/to/wordtally" >&2; exit 2; }
source "$dir/job-lib.sh"
job_mpi slurm-mpi.sh "$@"
