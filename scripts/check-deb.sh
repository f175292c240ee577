#!/usr/bin/env bash
# The Debian package, end to end: builds it with Debian's own tools (dpkg-buildpackage, debhelper)
# from a copy of the files git tracks or would track, so the working tree stays clean; installs it with apt; runs the
# installed programs (a count, the man pages, the bash completion), the shipped documentation and
# examples (the job scripts run as shipped, plot-scaling); removes it again (purge).
# Needs root (it installs into this system) and scripts/install-deps.sh --all.
#   usage: scripts/check-deb.sh [WORKDIR]     (default build/deb; the .deb and build.log land there)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/build/deb}
[ "$(id -u)" -eq 0 ] || { echo "check-deb.sh: needs root (it installs the package with apt)" >&2; exit 1; }
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    { echo "check-deb.sh: dpkg-dev or debhelper missing: run scripts/install-deps.sh --all" >&2; exit 1; }
fail() { echo "check-deb.sh: FAIL: $*" >&2; exit 1; }

version=$(cat "$repo/VERSION")
rm -rf "$work"
mkdir -p "$work/wordtally-$version"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) | tar -C "$work/wordtally-$version" -xf -

start=$(date +%s)
(cd "$work/wordtally-$version" && dpkg-buildpackage -b -us -uc) > "$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log" >&2; fail "dpkg-buildpackage failed (log: $work/build.log)"; }
deb=$work/wordtally_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $deb after dpkg-buildpackage"
echo "check-deb.sh: built $(basename "$deb") in $(($(date +%s) - start)) s"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
dpkg-deb --contents "$deb" | awk '{print "    " $6 ($7 ? " " $7 " " $8 : "")}'

if dpkg-query -W -f='${Status}' wordtally 2>/dev/null | grep -q 'install ok installed'; then
    fail "a wordtally package is already installed here; remove it first (apt-get purge wordtally)"
fi
trap 'apt-get purge -y -qq wordtally >/dev/null 2>&1 || true' EXIT
apt-get install -y -qq "$deb" >/dev/null
echo "check-deb.sh: installed: $(dpkg-query -W -f='${Package} ${Version} ${Status}' wordtally)"

sample=$work/sample.txt
printf 'dog cat dog\tboy girl dog dogs Dog\n' > "$sample"
echo "\$ /usr/bin/wordtally $sample"
out=$(/usr/bin/wordtally "$sample")
echo "$out"
[ "$(echo "$out" | awk 'NR <= 4 {printf "%s ", $2}')" = "3 1 1 1 " ] || fail "installed wordtally counted wrong"
/usr/bin/wordtally --version | sed -n 1,2p
/usr/bin/wordtally-gen 64K "$work/gen.txt" && [ "$(stat -c %s "$work/gen.txt")" -eq 65536 ] ||
    fail "installed wordtally-gen"
for page in wordtally wordtally-gen; do
    path=$(man -w "$page") || fail "man -w $page: no man page installed"
    echo "man -w $page: $path"
done
MANWIDTH=80 man wordtally 2>&1 | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | head -5
[ -f /usr/share/bash-completion/completions/wordtally ] || fail "bash completion not installed"
# The documentation, and the job scripts and plot script as examples that run where they are.
doc=/usr/share/doc/wordtally
for f in README.md HPC.md SPEC.md; do
    [ -f "$doc/$f" ] || [ -f "$doc/$f.gz" ] || fail "$doc/$f not shipped"
done
for f in plot-scaling job-lib.sh slurm-count.sh slurm-regression.sh slurm-scaling.sh slurm-mpi.sh \
         pbs-count.sh pbs-regression.sh pbs-scaling.sh; do
    [ -f "$doc/examples/$f" ] || fail "$doc/examples/$f not shipped"
done
echo "check-deb.sh: $doc: $(cd "$doc" && echo *)"
echo "check-deb.sh: $doc/examples: $(cd "$doc/examples" && echo *)"
# As a user would: the shipped count job without a scheduler, with the installed wordtally.
(cd "$work" && OUT_DIR="$work/job" bash "$doc/examples/slurm-count.sh" "$sample" > "$work/job.log" 2>&1) ||
    { cat "$work/job.log" >&2; fail "the shipped slurm-count.sh did not run"; }
grep -q "^== wordtally" "$work/job.log" && [ "$(awk '$1 == "dog" {print $2}' "$work"/job/count-*.txt)" = 3 ] ||
    { cat "$work/job.log" >&2; fail "the shipped slurm-count.sh counted wrong"; }
echo "check-deb.sh: $doc/examples/slurm-count.sh ran with $(sed -n 's/^== \(wordtally [^,]*\),.*/\1/p' "$work/job.log")"
if command -v gnuplot >/dev/null; then
    /usr/bin/wordtally --sweep 1 --repeat 1 -f csv "$work/gen.txt" > "$work/sweep.csv" 2>/dev/null
    bash "$doc/examples/plot-scaling" "$work/sweep.csv" "$work/sweep.pdf" >/dev/null 2>&1 &&
        [ "$(head -c 5 "$work/sweep.pdf")" = "%PDF-" ] || fail "the shipped plot-scaling wrote no PDF"
    echo "check-deb.sh: $doc/examples/plot-scaling wrote a PDF"
fi

apt-get purge -y -qq wordtally >/dev/null
trap - EXIT
[ ! -e /usr/bin/wordtally ] || fail "/usr/bin/wordtally still there after apt-get purge"
echo "check-deb.sh: OK: built with dpkg-buildpackage, installed with apt, run, purged"
