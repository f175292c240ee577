#!/usr/bin/env bash
# Multi-node MPI + OpenMP run of wordtally-mpi: one rank per node (default) or per socket, each rank
# with all the cores of its node or socket as OpenMP threads, pinned inside the rank's CPU set.
#   sbatch -N 8 scripts/slurm-mpi.sh [WORDTALLY OPTION]... FILE...
#   sbatch -N 8 --export=ALL,PER=socket scripts/slurm-mpi.sh -f json /lustre/corpus/*.txt
#   bash scripts/slurm-mpi.sh FILE...       # no Slurm: this machine, with mpirun
# Environment: PER=node|socket (default node); WORDTALLY_MPI=path of the program (default
# ./wordtally-mpi in the submit directory); NP=ranks for the local mpirun run (default 1 per PER).
# The FILEs must be visible at the same path on every node (a shared parallel file system).
#SBATCH --job-name=wordtally
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --exclusive
#SBATCH --time=00:30:00
#SBATCH --output=wordtally-%j.out
set -euo pipefail

per=${PER:-node}
prog=${WORDTALLY_MPI:-${SLURM_SUBMIT_DIR:-.}/wordtally-mpi}
[ -x "$prog" ] || { echo "slurm-mpi.sh: $prog: not found (make mpi)" >&2; exit 2; }
[ $# -gt 0 ] || { echo "slurm-mpi.sh: give FILEs (MPI ranks cannot share stdin)" >&2; exit 2; }

# The node's shape, from hwloc inside this job's CPU set (nodes of a partition are alike).
cores=$(hwloc-calc --number-of core all)
pus=$(hwloc-calc --number-of pu all)
sockets=$(hwloc-calc --number-of package all)
smt=$(( pus / cores ))                         # hardware threads per core
case "$per" in
    node)   tasks=1;        cores_per_task=$cores ;;
    socket) tasks=$sockets; cores_per_task=$(( cores / sockets )) ;;
    *) echo "slurm-mpi.sh: PER=$per: node or socket" >&2; exit 2 ;;
esac

if [ -n "${SLURM_JOB_ID:-}" ]; then
    # --cpus-per-task counts hardware threads: give a rank all PUs of its cores. srun no longer
    # inherits sbatch's --cpus-per-task (Slurm >= 22.05), so say it here.
    nodes=${SLURM_JOB_NUM_NODES:-1}
    # A --cpus-per-task given to sbatch wins; wordtally runs one thread per physical core, so
    # OMP_NUM_THREADS is SLURM_CPUS_PER_TASK over the hardware threads per core.
    cpt=${SLURM_CPUS_PER_TASK:-$(( cores_per_task * smt ))}
    export OMP_NUM_THREADS=$(( cpt / smt > 0 ? cpt / smt : 1 ))
    echo "slurm-mpi.sh: $nodes node(s) x $tasks rank(s) x $OMP_NUM_THREADS thread(s)" >&2
    exec srun --nodes="$nodes" --ntasks=$(( nodes * tasks )) --ntasks-per-node="$tasks" \
         --cpus-per-task="$cpt" --cpu-bind=cores --distribution=block:block \
         "$prog" "$@"
fi

# No scheduler: mpirun on this machine. --bind-to none leaves each rank the whole machine, and
# wordtally-mpi then gives each rank a contiguous share of the cores (src/ranks.c).
np=${NP:-$tasks}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(( cores / np > 0 ? cores / np : 1 ))}
[ "$(id -u)" -eq 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "slurm-mpi.sh: no Slurm job: mpirun, $np rank(s) x $OMP_NUM_THREADS thread(s)" >&2
exec mpirun --oversubscribe --bind-to none -np "$np" -x OMP_NUM_THREADS "$prog" "$@"
