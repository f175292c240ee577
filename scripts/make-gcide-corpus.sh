#!/usr/bin/env bash
# Builds a real-text corpus from Debian's dict-gcide (Webster's 1913 dictionary, Project Gutenberg):
# one copy of the dictionary text, repeated, each copy followed by a newline, until the file holds
# at least SIZE bytes (default 1000000000). Beside it, OUT.expected holds the oracle's counts
# (docs/SPEC.md) for one copy times the number of copies (copies never share a token), one 'WORD COUNT'
# line per word, as wordtally-gen writes it. Both are readable by all (umask permitting), so other
# users' batch jobs can count them.
#   usage: scripts/make-gcide-corpus.sh OUT [SIZE]
set -euo pipefail
out=${1:?usage: make-gcide-corpus.sh OUT [SIZE]}
size=${2:-1000000000}
src=/usr/share/dictd/gcide.dict.dz
[ -r "$src" ] || { echo "make-gcide-corpus.sh: $src missing: run scripts/install-deps.sh" >&2; exit 1; }

dir=$(dirname "$out")
mkdir -p "$dir"
one=$(mktemp "$dir/.gcide-one.XXXXXX")
tmp=$(mktemp "$dir/.gcide-all.XXXXXX")
trap 'rm -f "$one" "$tmp"' EXIT
{ zcat "$src"; printf '\n'; } > "$one"
bytes=$(stat -c %s "$one")
copies=$(( (size + bytes - 1) / bytes ))
counts=$(python3 -c 'import sys; t=open(sys.argv[1],encoding="latin-1").read().split(); n=int(sys.argv[2]); print("".join("%s %d\n" % (w, t.count(w)*n) for w in sys.argv[3:]), end="")' \
         "$one" "$copies" dog cat boy girl)
for ((i = 0; i < copies; i++)); do cat "$one"; done > "$tmp"
chmod "$(printf '%o' $(( 0666 & ~$(umask) )))" "$tmp" # mktemp made it 0600
mv "$tmp" "$out"
echo "$counts" > "$out.expected"
echo "make-gcide-corpus.sh: $out: $copies copies of $bytes bytes = $((copies * bytes)) bytes; expected:" $counts
