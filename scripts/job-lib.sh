# job-lib.sh - the bodies of the Slurm and PBS job scripts (scripts/{slurm,pbs}-*.sh), which only
# add their scheduler's directives and set $root (the project). Sourced, not run. Settings come from the environment:
#   WORDTALLY  the program (default: ./wordtally in the project)     OUT_DIR  where results go (.)
#   REPEAT     timed runs per thread count (3)                        FORMAT   count job's format (text)
#   EXPECTED   regression job: file whose 2nd line is the expected counts (default FILE.expected)

job_setup() { # FILE (the input) -> sets prog, file, id, out_dir; prints where and when
    file=${1:-${FILE:-}}
    [ -n "$file" ] || { echo "usage: $(basename "$0") FILE   (or FILE=... in the environment)" >&2; exit 2; }
    [ -r "$file" ] || { echo "$(basename "$0"): $file: cannot read" >&2; exit 1; }
    prog=${WORDTALLY:-$root/wordtally}
    [ -x "$prog" ] || { echo "$(basename "$0"): $prog: not built (run make in $root)" >&2; exit 1; }
    id=${SLURM_JOB_ID:-${PBS_JOBID:-local-$$}}
    id=${id%%.*} # PBS ids carry the server name
    out_dir=${OUT_DIR:-.}
    mkdir -p "$out_dir"
    echo "== $(basename "$0") job $id on $(hostname) at $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "== $("$prog" --version), input $file ($(stat -c %s "$file") bytes)"
    echo "== load: $(uptime | sed 's/.*load average/load average/')"
}

# Strong scaling on an exclusive node: OpenMP places one thread per core, packed close; the sweep
# goes from 1 to all cores (or LIST), CSV out, then a PNG if gnuplot is there.
job_scaling() { # FILE [LIST]
    job_setup "$1"
    local list=${2:-${SWEEP:-cores}} csv="$out_dir/scaling-$id.csv"
    export OMP_PLACES=cores OMP_PROC_BIND=close
    unset OMP_NUM_THREADS
    "$prog" --topology
    echo "\$ OMP_PLACES=cores OMP_PROC_BIND=close $prog --sweep $list --repeat ${REPEAT:-3} --format csv $file > $csv"
    "$prog" --sweep "$list" --repeat "${REPEAT:-3}" --format csv "$file" > "$csv"
    column -s, -t < "$csv" 2>/dev/null || cat "$csv"
    if command -v gnuplot >/dev/null; then
        "$root/scripts/plot-scaling" "$csv" "${csv%.csv}.png" "wordtally strong scaling, $(hostname -s)"
    else
        echo "== gnuplot not found: plot later with scripts/plot-scaling $csv"
    fi
}

# One count with the default threads (the CPUs the job was given) and binding.
job_count() { # FILE
    job_setup "$1"
    echo "\$ $prog --verbose --format ${FORMAT:-text} $file"
    "$prog" --verbose --format "${FORMAT:-text}" "$file"
}

# Regression: the parallel path against the serial one (exit 3 on any difference), and, when an
# expected-counts file is there (make corpus writes FILE.expected), against those counts too.
# Any failure fails the job.
job_regression() { # FILE
    job_setup "$1"
    local expected=${EXPECTED:-$file.expected} out got want
    echo "\$ $prog --verify --format csv $file"
    out=$("$prog" --verify --format csv "$file") || {
        local rc=$?
        echo "FAIL: wordtally --verify exited $rc (3: the parallel and serial paths disagree)" >&2
        exit "$rc"
    }
    got=$(echo "$out" | awk -F, 'NR > 1 && $1 == "" { printf "%s%s", sep, $4; sep = " " }')
    echo "counts: $(echo "$out" | awk -F, 'NR > 1 && $1 == "" { printf "%s %s  ", $3, $4 }')(serial and parallel paths agree)"
    if [ -r "$expected" ]; then
        want=$(sed -n 2p "$expected")
        if [ "$got" != "$want" ]; then
            echo "FAIL: counts $got, expected $want ($expected)" >&2
            exit 1
        fi
        echo "OK: equal to the expected counts in $expected"
    else
        echo "OK (no $expected to compare with)"
    fi
}
