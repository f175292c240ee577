#!/usr/bin/env bash
# A throw-away single-node Slurm for `make check-slurm` (tests/slurm.py): munged, slurmctld and
# slurmd started directly (no systemd), everything (config, state, spool, logs, PIDs, the munge
# socket) under one folder, so nothing in /etc/slurm or /run is touched.
#   tests/slurm-cluster.sh up DIR     start it, or reuse the daemons whose PID files are in DIR;
#                                     prints SLURM_CONF=DIR/slurm.conf when the node is idle
#   tests/slurm-cluster.sh down DIR   stop the daemons by the PIDs in their files (and only those)
# Root only. TASK=cgroup (default: cpusets by task/cgroup, as most sites run) or TASK=affinity
# (task/affinity alone); with cgroup, a node that cannot start is retried with affinity.
# Accounting, so that sacct shows each job's steps: slurmdbd on a MariaDB server of its own (data
# in DIR/db, TCP on 127.0.0.1 only), when both are installed (install-deps.sh --all); ACCOUNTING=no
# leaves it out. It is the only storage sacct reads steps from: jobcomp/filetxt keeps one line per
# job, no steps, and Slurm has had no text-file accounting storage since 15.08. Its cost here: a
# 22 MB database made once (mariadb-install-db, 5-9 s), about 90 MB of memory for mariadbd and
# 10 MB for slurmdbd, well under a second to start.
set -euo pipefail
cmd=${1:?usage: slurm-cluster.sh up|down DIR}
dir=${2:?usage: slurm-cluster.sh up|down DIR}
me=slurm-cluster.sh

alive() { [ -s "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

stop() { # NAME: by the PID in its file, then wait for it to go
    alive "$1" || { rm -f "$dir/$1.pid"; return 0; }
    local pid
    pid=$(cat "$dir/$1.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    rm -f "$dir/$1.pid"
}

if [ "$cmd" = down ]; then
    [ -d "$dir" ] || exit 0
    stop slurmd
    stop slurmctld
    stop slurmdbd
    stop mariadbd
    stop munged
    echo "$me: stopped"
    exit 0
fi
[ "$cmd" = up ] || { echo "$me: $cmd: up or down" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$me: needs root" >&2; exit 2; }

mkdir -p "$dir"/{state,spool,log,munge}
chmod 0755 "$dir"
export SLURM_CONF=$dir/slurm.conf
socket=$dir/munge/munge.socket

# munged checks that its folders are not writable by others, and that clients (sbatch, the
# daemons, other users) can reach the socket: the munge user's, 0755.
chown munge:munge "$dir/munge"
chmod 0755 "$dir/munge"
if ! alive munged; then
    runuser -u munge -- munged --socket="$socket" --pid-file="$dir/munge/munged.pid" \
        --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
    cp "$dir/munge/munged.pid" "$dir/munged.pid"
fi

# MariaDB and slurmdbd for sacct, on ports of their own (after write_conf: sacctmgr reads it).
db_port=6920
dbd_port=6919
start_accounting() {
    mkdir -p "$dir/db"
    local server=(--no-defaults --user=root --datadir="$dir/db" --innodb-log-file-size=4M
                  --innodb-buffer-pool-size=16M)
    [ -d "$dir/db/mysql" ] ||
        mariadb-install-db "${server[@]}" --auth-root-authentication-method=normal --skip-test-db \
            > "$dir/log/mariadb-install.log" 2>&1
    if ! alive mariadbd; then
        mariadbd "${server[@]}" --socket="$dir/db.sock" --pid-file="$dir/mariadbd.pid" \
            --bind-address=127.0.0.1 --port=$db_port --skip-name-resolve --performance-schema=off \
            --log-error="$dir/log/mariadb.log" < /dev/null > /dev/null 2>&1 &
        for _ in $(seq 100); do [ -S "$dir/db.sock" ] && break; sleep 0.1; done
    fi
    mariadb --no-defaults -S "$dir/db.sock" -u root -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
        CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'wordtally';
        GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"
    # slurmdbd reads slurmdbd.conf beside SLURM_CONF, and only when its owner alone can read it.
    cat > "$dir/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$socket
DbdHost=localhost
DbdPort=$dbd_port
SlurmUser=root
PidFile=$dir/slurmdbd.pid
LogFile=$dir/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=slurm
StoragePass=wordtally
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$dir/slurmdbd.conf"
    alive slurmdbd || slurmdbd
    for _ in $(seq 50); do timeout 5 sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.2; done
    timeout 10 sacctmgr -i -Q add cluster wordtally >/dev/null 2>&1 || true
}

write_conf() { # TASK
    local node proctrack plugins
    node=$(slurmd -C | head -n 1) # NodeName=HOST CPUs=... : this machine as slurmd sees it
    if [ "$1" = cgroup ]; then
        proctrack=proctrack/cgroup plugins=task/cgroup,task/affinity
    else
        proctrack=proctrack/linuxproc plugins=task/affinity
    fi
    cat > "$SLURM_CONF" <<EOF
ClusterName=wordtally
SlurmctldHost=$(hostname -s)
AuthType=auth/munge
AuthInfo=socket=$socket
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6917
SlurmdPort=6918
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=$proctrack
TaskPlugin=$plugins
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
InactiveLimit=0
KillWait=5
MinJobAge=3600
$accounting
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=60 State=UP OverSubscribe=NO
EOF
    cat > "$dir/cgroup.conf" <<EOF
ConstrainCores=yes
ConstrainRAMSpace=no
EOF
    echo "$1" > "$dir/task"
}

node_idle() {
    for _ in $(seq 100); do
        sinfo -h -o %t 2>/dev/null | grep -q -E '^(idle|mix|alloc)' && return 0
        sleep 0.2
    done
    return 1
}

accounting=""
if [ "${ACCOUNTING:-yes}" != no ] && command -v mariadbd >/dev/null && command -v slurmdbd >/dev/null; then
    # AccountingStoragePass: the munge socket for talking to slurmdbd (AuthInfo is not used there).
    accounting="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$dbd_port
AccountingStoragePass=$socket
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1"
fi

start_slurm() { # TASK
    write_conf "$1"
    [ -z "$accounting" ] || start_accounting
    alive slurmctld || slurmctld -i
    alive slurmd || slurmd
    node_idle
}

task=${TASK:-cgroup}
if alive slurmctld && alive slurmd && [ -f "$SLURM_CONF" ] && node_idle; then
    echo "$me: reusing the running node ($(cat "$dir/task"))"
elif start_slurm "$task"; then
    echo "$me: node up with task/$task"
elif [ "$task" = cgroup ]; then
    echo "$me: task/cgroup did not come up (see $dir/log/slurmd.log): retrying with task/affinity" >&2
    stop slurmd
    stop slurmctld
    start_slurm affinity || { echo "$me: the node did not come up: $dir/log/" >&2; exit 1; }
    echo "$me: node up with task/affinity"
else
    echo "$me: the node did not come up: $dir/log/" >&2
    exit 1
fi
echo "SLURM_CONF=$SLURM_CONF"
