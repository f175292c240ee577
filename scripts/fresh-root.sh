#!/usr/bin/env bash
# Fresh-machine proof: runs the README's two quick-start commands, exactly as written there, in
# minimal Debian 12 roots (mmdebstrap --variant=minbase) holding a clean clone of the commit under
# test. One root runs them in the README's order, a second root in the reverse order ("either
# order"). Each command is timed; WORKDIR/fresh-root.log has the steps, WORKDIR/ROOT.log each root's output.
# The Debian mirror is the one this machine's apt uses (its sources.list / sources.list.d), so
# the roots see the same archive as the host. Needs root (chroot, mount) and mmdebstrap
# (scripts/install-deps.sh --all).
#   usage: scripts/fresh-root.sh [--order listed|reversed|both] [--keep] [WORKDIR]
#   WORKDIR defaults to a new folder under /tmp; --keep leaves the roots there for a look inside.
set -euo pipefail

order=both keep=no work=
while [ $# -gt 0 ]; do
    case "$1" in
        --order) order=${2:?--order needs listed, reversed or both}; shift 2 ;;
        --keep) keep=yes; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fresh-root.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
        *) work=$1; shift ;;
    esac
done
case "$order" in listed|reversed|both) ;; *) echo "fresh-root.sh: --order: '$order'?" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "fresh-root.sh: needs root (chroot and mount)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "fresh-root.sh: mmdebstrap missing: run scripts/install-deps.sh --all" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse HEAD)
suite=bookworm
work=${work:-$(mktemp -d /tmp/fresh-root.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
log=$work/fresh-root.log
: > "$log"
say() { echo "fresh-root: $*" | tee -a "$log"; }

# ---- the two commands, read from the README's quick-start block (indented lines, comment cut) ----
mapfile -t cmds < <(awk '/^## Quick start/ {on=1; next} /^## / {on=0}
                         on && /^    [^ ]/ {sub(/^ +/, ""); sub(/ +#.*$/, ""); print}' "$repo/README.md")
if [ ${#cmds[@]} -ne 2 ]; then
    echo "fresh-root.sh: expected 2 indented commands under README.md's '## Quick start', found ${#cmds[@]}" >&2
    exit 1
fi

# ---- the mirror: this machine's enabled Debian 12 entries, as one-line sources ----
# One-line files (*.list) give "deb [opts] URI SUITE COMPONENTS..."; deb822 files (*.sources) give
# records of Types/URIs/Suites/Components. Only entries for this suite and its -updates/-security.
host_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk -v s="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                           if ($(i+1) ~ "^" s "(-updates|-security)?$") { line = "deb"
                               for (j = i; j <= NF; j++) line = line " " $j; print line } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk -v s="$suite" 'function flush() {
                               if (types ~ /(^| )deb( |$)/ && enabled != "no")
                                   for (u = 1; u <= nu; u++) for (t = 1; t <= ns; t++)
                                       if (su[t] ~ "^" s "(-updates|-security)?$")
                                           print "deb " uri[u] " " su[t] " " comps
                               types = ""; comps = ""; enabled = ""; nu = 0; ns = 0 }
                           /^[ \t]*#/ { next }
                           /^[ \t]*$/ { flush(); next }
                           { key = tolower($1); sub(/:$/, "", key); $1 = "" ; sub(/^ /, "")
                             if (key == "types") types = $0
                             else if (key == "uris") nu = split($0, uri, " ")
                             else if (key == "suites") ns = split($0, su, " ")
                             else if (key == "components") comps = $0
                             else if (key == "enabled") enabled = tolower($0) }
                           END { flush() }' "$f"
    done
}
sources=$(host_sources)
[ -n "$sources" ] || { echo "fresh-root.sh: no enabled '$suite' entry in this machine's apt sources" >&2; exit 1; }

roots=()
cleanup() {
    local r m
    for r in "${roots[@]}"; do
        for m in dev sys proc; do
            mountpoint -q "$r/$m" && { umount -R "$r/$m" 2>/dev/null || umount -R -l "$r/$m"; }
        done
    done
    if [ "$keep" = no ]; then
        for r in "${roots[@]}"; do rm -rf --one-file-system "$r"; done
        rm -rf "$work/base.tar" "$work/src"
    fi
}
trap cleanup EXIT

say "commit $commit, suite $suite, order $order, work $work"
say "mirror entries (from this machine's apt sources):"
echo "$sources" | sed 's/^/    /' | tee -a "$log"

t0=$(date +%s)
mmdebstrap --variant=minbase --quiet "$suite" "$work/base.tar" - <<< "$sources" 2>&1 | tee -a "$log"
say "minimal root: $(($(date +%s) - t0)) s, $(du -m "$work/base.tar" | cut -f1) MB"

rm -rf "$work/src"
git clone --quiet --no-hardlinks "$repo" "$work/src"
git -C "$work/src" checkout --quiet --detach "$commit"

# run_root NAME CMD...: a new root from the base, the clone in /root/wordtally, the commands in order
run_root() {
    local name=$1; shift
    local root=$work/$name
    roots+=("$root")
    rm -rf "$root"; mkdir -p "$root"
    tar -C "$root" -xf "$work/base.tar"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    cp -a "$work/src" "$root/root/wordtally"
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
    mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
    local cmd start secs rc
    for cmd in "$@"; do
        say "[$name] \$ $cmd"
        start=$(date +%s)
        rc=0
        chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            /bin/bash -c "cd /root/wordtally && $cmd" >> "$work/$name.log" 2>&1 || rc=$?
        secs=$(($(date +%s) - start))
        say "[$name] exit $rc after ${secs} s: $cmd"
        [ "$rc" -eq 0 ] || { say "FAIL: the README's command failed in a fresh root (log: $work/$name.log)"; tail -40 "$work/$name.log" >&2; exit 1; }
    done
    for m in dev sys proc; do umount -R "$root/$m"; done
}

# The two roots run at once: much of each is apt, dpkg and single-threaded test drivers, so
# together they take little more than one. Each root's commands log to WORKDIR/NAME.log.
roots+=("$work/root-listed" "$work/root-reversed")
pids=()
if [ "$order" != reversed ]; then run_root root-listed "${cmds[0]}" "${cmds[1]}" & pids+=($!); fi
if [ "$order" != listed ]; then run_root root-reversed "${cmds[1]}" "${cmds[0]}" & pids+=($!); fi
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { say "FAIL: see the lines above"; exit 1; }
say "OK: the README's two commands pass in fresh Debian 12 roots (order: $order), $(($(date +%s) - t0)) s in all; logs: $work/*.log"
