# job-lib.sh - the bodies of the Slurm and PBS job scripts (scripts/{slurm,pbs}-*.sh), which only
# add their scheduler's directives and find this file; also read by scripts/run-main-job.sh.
# Sourced, not run. Settings come from the environment:
#   WORDTALLY       the program (default: wordtally built in this project, else on PATH)
#   OUT_DIR         where results go (.)
#   WORDTALLY_OPTS  more options for every run, split at blanks: -w WORD, --words-file F, -c 1M, ...
#   REPEAT          timed runs per thread count (3)                     FORMAT   count job's format (text)
#   SWEEP           the scaling job's thread counts (cores)             WEAK     bytes per thread (--weak)
#   EXPECTED        regression job with one FILE: its expected counts (default FILE.expected)
#   FILE            the input, when none is given as an argument (qsub -v FILE=...)

# Beside this file: plot-scaling (the project's scripts/, or a package's examples folder).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

# The program: WORDTALLY, else the one built in this project, else the one on PATH (installed:
# the Debian package ships these scripts as examples, away from any build).
program() { # VARIABLE NAME
    local given=${!1:-} built=$root/$2
    if [ -n "$given" ]; then echo "$given"
    elif [ -x "$built" ] || ! command -v "$2" >/dev/null; then echo "$built"
    else command -v "$2"
    fi
}

# What wordtally's exit status means (README, Exit status), for the job's log.
exit_meaning() { # STATUS
    case $1 in
        1) echo "an input could not be read or the output could not be written" ;;
        2) echo "usage error: check the arguments and WORDTALLY_OPTS" ;;
        3) echo "the parallel and serial paths disagree" ;;
        *) echo "killed or crashed (signal $(( $1 > 128 ? $1 - 128 : 0 )))" ;;
    esac
}

# FILE.expected, as wordtally-gen and scripts/make-gcide-corpus.sh write it: one 'WORD COUNT' line
# per word. Sets want_words (an array) and want (the counts, blank-separated); 1 if malformed.
read_expected() { # FILE
    local word count rest
    want_words=()
    want=
    while read -r word count rest || [ -n "$word" ]; do
        [ -n "$word" ] || continue
        [[ $count =~ ^[0-9]+$ && -z $rest ]] || return 1
        want_words+=("$word")
        want+=${want:+ }$count
    done < "$1"
    [ ${#want_words[@]} -gt 0 ]
}

job_setup() { # NAME FILE... -> sets me, prog, files, opts, id, out_dir; prints where and when
    me=$1
    shift
    files=("$@")
    [ ${#files[@]} -gt 0 ] || { [ -z "${FILE:-}" ] || files=("$FILE"); }
    [ ${#files[@]} -gt 0 ] || { echo "usage: $me FILE...   (or FILE=... in the environment)" >&2; exit 2; }
    read -r -a opts <<< "${WORDTALLY_OPTS:-}"
    prog=$(program WORDTALLY wordtally)
    [ -x "$prog" ] || { echo "$me: $prog: not built (run make in $root)" >&2; exit 2; }
    id=${SLURM_JOB_ID:-${PBS_JOBID:-local-$$}}
    id=${id%%.*} # PBS ids carry the server name
    out_dir=${OUT_DIR:-.}
    mkdir -p "$out_dir"
    local bytes
    bytes=$({ stat -L -c %s -- "${files[@]}" 2>/dev/null || true; } | awk '{ s += $1 } END { print s + 0 }')
    echo "== $me job $id on $(hostname) at $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "== $("$prog" --version | head -n 1), ${#files[@]} input(s), $bytes bytes: ${files[*]}"
    echo "== load: $(uptime | sed 's/.*load average/load average/')"
    # Under Slurm the counted step runs through srun: sacct then shows it (with its CPU time and
    # memory), and Slurm binds it to the job's CPUs: sbatch -c N, else all of the node's (the
    # scripts ask for the node: --exclusive). srun has not taken sbatch's -c since Slurm 22.05.
    launch=()
    if [ -n "${SLURM_JOB_ID:-}" ] && command -v srun >/dev/null; then
        launch=(srun --nodes=1 --ntasks=1 --cpus-per-task="${SLURM_CPUS_PER_TASK:-${SLURM_CPUS_ON_NODE:-1}}")
    fi
    # PBS Pro and OpenPBS set OMP_NUM_THREADS to the chunk's ncpus (1 unless asked): the scripts ask
    # for the node alone (place=excl), so the threads follow the cores the job may use, which a
    # PBS cgroup limits to ncpus where the site confines jobs.
    if [ -n "${PBS_JOBID:-}" ] && [ -z "${SLURM_JOB_ID:-}" ] && [ "${OMP_NUM_THREADS:-}" = "${NCPUS:-}" ]; then
        unset OMP_NUM_THREADS
    fi
    echo "== cores this job may use: $(hwloc-calc --number-of core all 2>/dev/null || echo '?') of the" \
         "node's $(hwloc-calc --whole-system --number-of core all 2>/dev/null || echo '?')"
}

# Runs wordtally with the job's options; its stdout goes to OUT (and the log). A failure is said
# with what its exit status means and ends the job with that status.
job_run() { # OUT ARG...
    local out=$1 rc=0
    shift
    echo "\$ ${launch[*]}${launch[*]:+ }$prog ${opts[*]} $* > $out"
    "${launch[@]}" "$prog" "${opts[@]}" "$@" > "$out" || rc=$?
    cat "$out"
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: wordtally exited $rc ($(exit_meaning "$rc"))" >&2
        exit "$rc"
    fi
}

# Scaling on an exclusive node: OpenMP places one thread per core, packed close; the sweep goes
# from 1 to all cores (or LIST), strong, or weak with WEAK=SIZE; CSV out, then a PNG and a PDF if
# gnuplot is there, titled with the host and its CPU.
job_scaling() { # NAME FILE... [LIST]
    local list=${SWEEP:-cores} last=${!#} weak=() cpu
    if [ $# -gt 2 ] && [[ $last =~ ^(cores|[0-9,]+)$ ]] && [ ! -e "$last" ]; then
        list=$last
        set -- "${@:1:$#-1}"
    fi
    [ -z "${WEAK:-}" ] || weak=(--weak "$WEAK")
    job_setup "$@"
    local csv="$out_dir/scaling-$id.csv" ext
    export OMP_PLACES=cores OMP_PROC_BIND=close
    unset OMP_NUM_THREADS
    "${launch[@]}" "$prog" --topology
    echo "== OMP_PLACES=cores OMP_PROC_BIND=close"
    job_run "$csv" --sweep "$list" "${weak[@]}" --repeat "${REPEAT:-3}" --format csv "${files[@]}"
    if command -v gnuplot >/dev/null; then
        cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
        for ext in png pdf; do
            bash "$here/plot-scaling" "$csv" "${csv%.csv}.$ext" "wordtally on $(hostname -s)${cpu:+, $cpu}"
        done
    else
        echo "== gnuplot not found: plot later with scripts/plot-scaling $csv"
    fi
}

# One count of all FILEs with the default threads (the CPUs the job was given) and binding;
# -v on stderr says where each thread counted.
job_count() { # NAME FILE...
    job_setup "$@"
    local format=${FORMAT:-text}
    job_run "$out_dir/count-$id.${format/text/txt}" --verbose --format "$format" "${files[@]}"
}

# Regression, for each FILE: the parallel path against the serial one (--verify: exit 3 on any
# difference) and, when FILE.expected is there (wordtally-gen and make corpus write one), the
# counts of its words against it (exit 1 on a difference). Every FILE is checked; the job fails
# with the highest status. Results: OUT_DIR/regression-JOBID.txt.
job_regression() { # NAME FILE...
    job_setup "$@"
    if [ -n "${EXPECTED:-}" ] && [ ${#files[@]} -gt 1 ]; then
        echo "$me: EXPECTED names the counts of one FILE; with several, each has its FILE.expected" >&2
        exit 2
    fi
    local summary="$out_dir/regression-$id.txt" status=0 file expected got rc w
    : > "$summary"
    for file in "${files[@]}"; do
        expected=${EXPECTED:-$file.expected}
        local words=()
        if [ -r "$expected" ]; then
            if ! read_expected "$expected"; then
                echo "FAIL $file: $expected: not one 'WORD COUNT' line per word" | tee -a "$summary" >&2
                status=$(( status > 1 ? status : 1 ))
                continue
            fi
            for w in "${want_words[@]}"; do words+=(-w "$w"); done
        fi
        echo "\$ ${launch[*]}${launch[*]:+ }$prog --verify -q -v ${opts[*]} ${words[*]} $file"
        rc=0
        got=$("${launch[@]}" "$prog" --verify -q -v "${opts[@]}" "${words[@]}" "$file") || rc=$?
        if [ "$rc" -ne 0 ]; then
            echo "FAIL $file: wordtally --verify exited $rc ($(exit_meaning "$rc"))" | tee -a "$summary" >&2
            status=$(( status > rc ? status : rc ))
        elif [ ${#words[@]} -eq 0 ]; then
            echo "OK $file: $got (serial and parallel paths agree; no $expected to compare with)" |
                tee -a "$summary"
        elif [ "$got" != "$want" ]; then
            echo "FAIL $file: counts $got, expected $want ($expected: ${want_words[*]})" |
                tee -a "$summary" >&2
            status=$(( status > 1 ? status : 1 ))
        else
            echo "OK $file: ${want_words[*]} = $got (serial and parallel paths agree; equal to" \
                 "the expected counts in $expected)" | tee -a "$summary"
        fi
    done
    [ "$status" -eq 0 ] || echo "FAIL: $me: see $summary" >&2
    exit "$status"
}

# MPI + OpenMP: wordtally-mpi with the job's ranks (scripts/slurm-mpi.sh). Under Slurm, the ranks and
# CPUs per rank the job asked for (sbatch -n, -c), else one rank per node (PER=node) or socket
# (PER=socket) with all its cores; srun starts them through PMIx (SRUN_MPI). Without Slurm, mpirun
# here (NP ranks). OpenMP threads per rank: its CPUs over the hardware threads per core.
job_mpi() { # NAME [WORDTALLY OPTION]... FILE...
    me=$1
    shift
    [ $# -gt 0 ] || { echo "usage: $me [OPTION]... FILE...   (MPI ranks cannot share stdin)" >&2; exit 2; }
    prog=$(program WORDTALLY_MPI wordtally-mpi)
    [ -x "$prog" ] || { echo "$me: $prog: not built (run make mpi in $root)" >&2; exit 2; }
    read -r -a opts <<< "${WORDTALLY_OPTS:-}"
    local per=${PER:-node} cores pus sockets smt tpn cpt tasks launch rc=0
    # The node's shape, from hwloc inside this job's CPU set (nodes of a partition are alike).
    cores=$(hwloc-calc --number-of core all)
    pus=$(hwloc-calc --number-of pu all)
    sockets=$(hwloc-calc --number-of package all)
    smt=$(( pus / cores ))
    case $per in
        node) tpn=1 cpt=$pus ;;
        socket) tpn=$sockets cpt=$(( pus / sockets )) ;;
        *) echo "$me: PER=$per: node or socket" >&2; exit 2 ;;
    esac
    echo "== $me job ${SLURM_JOB_ID:-local-$$} on $(hostname) at $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    if [ -n "${SLURM_JOB_ID:-}" ]; then
        if [ -n "${SLURM_NTASKS:-}" ]; then # sbatch -n: the job's ranks, -c CPUs each
            cpt=${SLURM_CPUS_PER_TASK:-1}
            tasks=$SLURM_NTASKS
            launch=(--ntasks="$tasks")
        else
            cpt=${SLURM_CPUS_PER_TASK:-$cpt}
            tasks=$(( ${SLURM_JOB_NUM_NODES:-1} * tpn ))
            launch=(--ntasks="$tasks" --ntasks-per-node="$tpn")
        fi
        export OMP_NUM_THREADS=$(( cpt / smt > 0 ? cpt / smt : 1 ))
        # srun no longer passes sbatch's --cpus-per-task on (Slurm >= 22.05): say it. Debian's Open
        # MPI (and most builds of 4.x and 5.x) has only a PMIx client: --mpi=pmix.
        echo "== ${SLURM_JOB_NUM_NODES:-1} node(s), $tasks rank(s) x $OMP_NUM_THREADS thread(s)"
        echo "\$ srun --mpi=${SRUN_MPI:-pmix} ${launch[*]} --cpus-per-task=$cpt --cpu-bind=cores $prog ${opts[*]} $*"
        srun --mpi="${SRUN_MPI:-pmix}" "${launch[@]}" --cpus-per-task="$cpt" --cpu-bind=cores \
             "$prog" "${opts[@]}" "$@" || rc=$?
    else
        # mpirun --bind-to none leaves each rank the whole machine; wordtally-mpi then gives each
        # rank a contiguous share of the cores (src/mpi/ranks.c).
        local np=${NP:-$tpn}
        export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(( cores / np > 0 ? cores / np : 1 ))}
        [ "$(id -u)" -ne 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
        echo "== no Slurm job: mpirun, $np rank(s) x $OMP_NUM_THREADS thread(s)"
        mpirun --oversubscribe --bind-to none -np "$np" -x OMP_NUM_THREADS "$prog" "${opts[@]}" "$@" ||
            rc=$?
    fi
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: wordtally-mpi exited $rc ($(exit_meaning "$rc"))" >&2
        exit "$rc"
    fi
}
