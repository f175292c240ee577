#!/usr/bin/env python3
"""HPC workflow tests: default threads under taskset, OMP_NUM_THREADS and OMP_SCHEDULE,
--sweep tables (CSV, JSON, text), --repeat, --topology, and the job scripts run without a scheduler.
Counts are compared with the SPEC oracle; no test depends on a time. Prints 'N passed, N failed'."""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import WORDS, Tally, oracle, real_text, write_file  # noqa: E402

PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./wordtally")
# Optional: the corpus generator and tests/fault_shim.c's library, for the job scripts' tests.
GEN = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
SHIM = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWEEP_HEADER = "threads,seconds,gb_per_s,speedup,efficiency"
tally = Tally("hpc")
check = tally.check



def clean_env(extra=None):
    """The environment without the OpenMP variables that change thread counts or binding."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    e.update(extra or {})
    return e


def run(args, env=None, taskset=None, cmd=None):
    argv = (["taskset", "-c", taskset] if taskset else []) + (cmd or [PROG]) + args
    return subprocess.run(argv, capture_output=True, env=clean_env(env))


def json_out(r):
    try:
        return json.loads(r.stdout)
    except ValueError:
        return None


def ncores():
    """Physical cores this process may use, from --topology's 'allowed:' line."""
    r = run(["--topology"])
    for line in r.stdout.decode().splitlines():
        if line.startswith("allowed:"):
            return int(line.split(" on ")[1].split()[0])
    return 0


def test_threads(path):
    want = oracle(path)
    j = json_out(run(["-f", "json", path], taskset="0"))
    check(j and j["threads"] == 1 and j["total"] == want, "taskset -c 0: default is 1 thread")
    r = run(["-f", "json", path], env={"OMP_NUM_THREADS": "2"}, taskset="0")
    j = json_out(r)
    check(j and j["threads"] == 2 and j["total"] == want, "OMP_NUM_THREADS=2 under taskset -c 0")
    check(b"oversubscribed" in r.stderr, "2 threads on 1 core warns")
    j = json_out(run(["-f", "json", path], env={"OMP_NUM_THREADS": "3,2"}))
    check(j and j["threads"] == 3, "OMP_NUM_THREADS list: its first entry")
    j = json_out(run(["-f", "json", "-t", "2", path], env={"OMP_NUM_THREADS": "3"}))
    check(j and j["threads"] == 2, "-t wins over OMP_NUM_THREADS")
    for sched in ("static", "static,1", "dynamic,3", "guided", "guided,2", "auto"):
        j = json_out(run(["-f", "json", "-t", "3", "-c", "1K", path], env={"OMP_SCHEDULE": sched}))
        check(j and j["total"] == want, "OMP_SCHEDULE=%s: counts equal the oracle" % sched)
        r = run(["--topology"], env={"OMP_SCHEDULE": sched})
        check(("%s," % sched.split(",")[0]) in r.stdout.decode() and b"from OMP_SCHEDULE" in r.stdout,
              "--topology shows OMP_SCHEDULE=%s" % sched)
    r = run(["--topology"], env={"OMP_SCHEDULE": "guided,7"})
    check(b"guided,7" in r.stdout, "--topology shows the schedule's chunk")


def test_synthetic_topology(path):
    """A topology hwloc did not read from this machine: the default thread count keeps -t's cap,
    and -v and --topology say that nothing is pinned (hwloc's binding calls succeed, bind nothing)."""
    big = {"HWLOC_SYNTHETIC": "pack:64 core:128 pu:1"}
    r = run(["--topology"], env=big)
    out = r.stdout.decode()
    check(r.returncode == 0 and "plan:       4096 threads (from physical cores, capped at 4096)" in out
          and "binding:    none: the hwloc topology is not this machine's" in out,
          "8,192 synthetic cores: 4,096 threads, no binding claimed (%r)" % out[-400:])
    r = run(["-v", "-f", "json", path], env={"HWLOC_SYNTHETIC": "pack:2 core:2 pu:1"})
    err = r.stderr.decode()
    j = json_out(r)
    check(j and j["threads"] == 4 and j["total"] == oracle(path) and "pinned to" not in err and
          err.count("not pinned (the hwloc topology is not this machine's)") == 4,
          "-v under a synthetic topology: no thread said to be pinned (%r)" % err[-300:])
    r = run(["-v", "-t", "1", "--bind", path])
    check(b"thread 0: pinned to core" in r.stderr, "-v --bind on this machine: thread 0 pinned")
    r = run(["-v", "-t", "1", "--no-bind", path])
    check(b"thread 0: not pinned (--no-bind)" in r.stderr, "-v --no-bind: not pinned, says why")


# Node layouts as HWLOC_SYNTHETIC strings: (name, string, NUMA nodes, cores per node).
LAYOUTS = [("Grace-like: 72 cores, 1 package, 1 NUMA node", "pack:1 core:72 pu:1", 1, 72),
           ("A64FX-like: 4 CMGs of 12 cores, a NUMA node each", "pack:1 numa:4 core:12 pu:1", 4, 12),
           ("A64FX-like, CMGs as hwloc groups", "pack:1 group:4 numa:1 core:12 pu:1", 4, 12),
           ("2 packages of 2 NUMA nodes of 6 cores, 2 PUs each", "pack:2 numa:2 core:6 pu:2", 4, 6)]


def test_node_layouts(path):
    """--topology on other nodes' layouts: every NUMA node with its own cores, a thread per core by
    default, and the plan taking the NUMA nodes in turn (thread i on node i mod nodes), so that a
    team smaller than the node still spreads over every node's memory. -v counts right there."""
    for name, synthetic, nodes, per_node in LAYOUTS:
        env = {"HWLOC_SYNTHETIC": synthetic}
        cores = nodes * per_node
        pus = 2 if synthetic.endswith("pu:2") else 1
        r = run(["--topology"], env=env)
        out = r.stdout.decode()
        listed = re.findall(r"^  NUMANode (\d+): PUs ([\d,-]+),", out, re.M)
        check(r.returncode == 0 and ("NUMA nodes  %d\n" % nodes) in out and ("cores       %d\n" % cores) in out
              and [cpu_list(p) for _, p in listed] ==
              [set(range(j * per_node * pus, (j + 1) * per_node * pus)) for j in range(nodes)],
              "%s: --topology lists %d NUMA nodes, each with its own PUs: %r" % (name, nodes, listed))
        threads, _ = plan(r.stdout)
        node_of = {int(m.group(1)): int(m.group(2)) for m in
                   re.finditer(r"^  thread (\d+) -> .*, NUMA node (\d+)$", out, re.M)}
        want = {i: (per_node * (i % nodes) + i // nodes, set(range(pus * (per_node * (i % nodes) + i // nodes),
                                                                  pus * (per_node * (i % nodes) + i // nodes + 1))))
                for i in range(cores)}
        check(("plan:       %d threads (from physical cores)" % cores) in out and threads == want and
              (nodes == 1 and not node_of or node_of == {i: i % nodes for i in range(cores)}) and
              ("taking the NUMA nodes in turn" if nodes > 1 else "in the order of the list above") in out,
              "%s: a thread per core, thread i on NUMA node i mod %d: %s" % (name, nodes, out[-600:]))
        r = run(["--topology", "-t", str(nodes + 1)], env=env)
        threads, _ = plan(r.stdout)
        check(sorted(threads) == list(range(nodes + 1)) and
              len({threads[i][0] // per_node for i in range(nodes)}) == nodes,
              "%s: -t %d: the first %d threads on %d different NUMA nodes: %s" % (name, nodes + 1, nodes, nodes, threads))
        r = run(["-v", "-f", "json", "-t", str(nodes * 2), path], env=env)
        err = r.stderr.decode()
        j = json_out(r)
        check(r.returncode == 0 and j and j["threads"] == nodes * 2 and j["total"] == oracle(path) and
              err.count("not pinned (the hwloc topology is not this machine's)") == nodes * 2 and
              ("%d physical core" % cores) in err,
              "%s: -v counts right and says no thread is pinned: %r" % (name, err[-400:]))


def test_progress_verify(path, d):
    """--progress --verify: the total is the file's size, though both paths count every byte."""
    big = os.path.join(d, "progress-30m")
    with open(path, "rb") as f, open(big, "wb") as out:
        out.write(f.read() * 15)  # 31 MB: shown as 0.03 GB, where twice it would show 0.06
    path, size = big, os.path.getsize(big)
    r = run(["--progress", "--verify", path])
    last = r.stderr.decode().splitlines()[-1]
    want = "%.2f / %.2f GB 100%%" % (size / 1e9, size / 1e9)
    check(r.returncode == 0 and want in last, "--progress --verify total: %r, want %r" % (last, want))


def sweep_rows(r):
    text = r.stdout.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    return text.splitlines()[0] if text else "", rows


def test_sweep(path, cores):
    want = oracle(path)
    size = os.path.getsize(path)
    r = run(["--sweep", "1,2,3", "--repeat", "2", "-f", "csv", path])
    header, rows = sweep_rows(r)
    check(r.returncode == 0 and header.startswith(SWEEP_HEADER + ","), "sweep CSV header: %r" % header)
    check([int(x["threads"]) for x in rows] == [1, 2, 3], "sweep CSV: one row per thread count")
    check(all(int(x["runs"]) == 2 and int(x["bytes"]) == size for x in rows), "sweep CSV: runs, bytes")
    check(rows and float(rows[0]["speedup"]) == 1.0 and float(rows[0]["efficiency"]) == 1.0,
          "sweep CSV: the first entry is the base")
    for x in rows:
        secs = [float(x[k]) for k in ("seconds", "median_seconds", "max_seconds")]
        check(0 < secs[0] <= secs[1] <= secs[2], "sweep CSV: best <= median <= max: %s" % secs)
        eff = float(x["speedup"]) / int(x["threads"])
        check(abs(float(x["efficiency"]) - eff) < 1e-3, "efficiency = speed-up / threads")
    check((b"3 threads on" in r.stderr) == (cores < 3), "sweep warns only for oversubscribed counts")

    r = run(["--sweep", "2,1", "-f", "json", path])
    j = json_out(r)
    check(j and j["total"] == want and j["repeat"] == 3 and [e["threads"] for e in j["sweep"]] == [2, 1],
          "sweep JSON: oracle counts, default 3 runs, the given order")
    check(j and abs(j["sweep"][1]["efficiency"] - j["sweep"][1]["speedup"] * 2) < 1e-3,
          "sweep JSON: efficiency relative to the first entry's threads")
    r = run(["--sweep", "1,2", path], taskset="0")
    out = r.stdout.decode()
    check(r.returncode == 0 and "threads     seconds" in out and
          "dog %d cat %d boy %d girl %d" % tuple(want) in out, "sweep text table and counts")
    check(b"2 threads on 1 physical core" in r.stderr, "sweep under taskset -c 0 warns for 2 threads")
    _, rows = sweep_rows(run(["--sweep", "cores", "--repeat", "1", "-f", "csv", path], taskset="0"))
    check([x["threads"] for x in rows] == ["1"], "--sweep cores under taskset -c 0 is just 1")
    _, rows = sweep_rows(run(["--sweep", "cores", "--repeat", "1", "-f", "csv", path]))
    check(len(rows) == cores, "--sweep cores: one row per allowed core")
    # libgomp pins the initial thread before main when OMP_PLACES is set: the cores must not shrink.
    _, rows = sweep_rows(run(["--sweep", "cores", "--repeat", "1", "-f", "csv", path],
                             env={"OMP_PLACES": "cores", "OMP_PROC_BIND": "close"}))
    check(len(rows) == cores, "--sweep cores with OMP_PLACES=cores: all cores")
    j = json_out(run(["--sweep", "1", "-f", "json", path], env={"OMP_PROC_BIND": "close"}))
    check(j and j["binding"] == "openmp", "sweep: the runtime binds when OMP_PROC_BIND is set")
    r = run(["--sweep", "1,2", "--repeat", "1", "-f", "csv", path], env={"OMP_THREAD_LIMIT": "1"})
    check(r.returncode == 0 and b"asked for 2 threads, the OpenMP runtime runs 1" in r.stderr,
          "sweep warns when the runtime gives fewer threads")
    j = json_out(run(["--sweep", "2", "--repeat", "1", "-f", "json", path], env={"OMP_NUM_THREADS": "1"}))
    check(j and j["sweep"][0]["threads"] == 2, "OMP_NUM_THREADS does not change a sweep")
    for mode in ("pread", "mmap"):
        j = json_out(run(["--sweep", "1,2", "--repeat", "1", "--io", mode, "-f", "json", path]))
        check(j and j["io"] == mode and j["total"] == want, "sweep --io %s: oracle counts" % mode)
    j = json_out(run(["--repeat", "1", "--io", "mmap", "-f", "json", path]))
    check(j and j["total"] == want, "--repeat --io mmap: oracle counts")
    j = json_out(run(["--sweep", "1,2", "--repeat", "1", "-f", "json", path, path]))
    check(j and j["total"] == [2 * x for x in want] and [f["counts"] for f in j["files"]] == [want, want],
          "sweep over two files")


def test_repeat(path, small):
    want = oracle(path)
    r = run(["--repeat", "3", path])
    out = r.stdout.decode().splitlines()
    check(r.returncode == 0 and ["%s %d" % (w, n) for w, n in zip(WORDS, want)] ==
          [" ".join(l.split()) for l in out[:4]], "--repeat: the counts as a plain run prints them")
    check(any(l.startswith("-- runs  best GB/s") for l in out) and "warm-up" in r.stdout.decode(),
          "--repeat: STREAM-style table with the warm-up apart")
    row = [l.split() for l in out if l.startswith("--    3 ")]
    check(len(row) == 1 and float(row[0][3]) <= float(row[0][4]) <= float(row[0][5]),
          "--repeat: min <= median <= max")
    j = json_out(run(["--repeat", "2", "-f", "json", "--serial", path]))
    check(j and j["repeat"] == 2 and j["mode"] == "serial" and j["total"] == want and
          j["min_seconds"] <= j["median_seconds"] <= j["max_seconds"] and j["seconds"] == j["min_seconds"],
          "--repeat --serial JSON keys")
    r = run(["--repeat", "2", "-f", "csv", path])
    check(r.returncode == 0 and r.stdout.decode().splitlines()[0] == "file,bytes,word,count,kind",
          "--repeat keeps the counts CSV")
    # An empty file takes no counting time at all: the warning does not depend on the machine's load.
    empty = os.path.join(os.path.dirname(small), "empty")
    open(empty, "wb").close()
    r = run(["--repeat", "2", empty])
    check(r.returncode == 0 and b"too short to time reliably" in r.stderr, "a 0-second run warns")
    j = json_out(run(["--sweep", "1,2", "--repeat", "1", "-f", "json", empty]))
    check(j and [e["speedup"] for e in j["sweep"]] == [0, 0], "a 0-second sweep is still valid JSON")


def expect_usage(args, needle, code=2):
    r = run(args)
    lines = r.stderr.decode().splitlines()
    check(r.returncode == code and len(lines) == 1 and lines[0].startswith("wordtally: ") and
          needle in lines[0] and not r.stdout, "%s: rc %d, %r" % (args, r.returncode, r.stderr))


def test_errors(path, d):
    for lst in ("", "0", "1,,2", "1,2,", ",1", "1,1", "a", "cores,2", "4097", "1 2"):
        expect_usage(["--sweep", lst, path], "--sweep '%s'" % lst)
    expect_usage(["--sweep", "1", "-t", "2", path], "--threads")
    expect_usage(["--sweep", "1", "--serial", path], "--serial")
    expect_usage(["--sweep", "1", "--verify", path], "--verify")
    expect_usage(["--repeat", "2", "--verify", path], "--verify")
    expect_usage(["--sweep", "1", "--per-chunk", path], "--per-chunk")
    expect_usage(["--repeat", "2", "--per-chunk", path], "--per-chunk")
    expect_usage(["--repeat", "0", path], "--repeat '0'")
    expect_usage(["--repeat", "1001", path], "--repeat '1001'")
    expect_usage(["--repeat", "x", path], "--repeat 'x'")
    expect_usage(["--sweep", "1"], "standard input")
    expect_usage(["--repeat", "2", path, "-"], "standard input")
    expect_usage(["--sweep", "1", "/dev/null"], "not a regular file")
    expect_usage(["--sweep", "1", path, "/nonexistent"], "/nonexistent", code=1)
    expect_usage(["--repeat", "2", d], "Is a directory", code=1)


def test_topology():
    r = run(["--topology", "-t", "3"])
    out = r.stdout.decode()
    for key in ("packages", "NUMA nodes", "cores", "PUs", "allowed:", "plan:", "schedule:"):
        check(key in out, "--topology shows %s" % key)
    check(r.returncode == 0 and out.count(" -> core ") == 3, "--topology: a line per thread")
    r = run(["--topology"], taskset="0")
    out = r.stdout.decode()
    check(r.returncode == 0 and "allowed:    PUs 0:" in out and "plan:       1 thread " in out,
          "--topology under taskset -c 0")
    r = run(["--topology"], env={"OMP_PLACES": "cores", "OMP_PROC_BIND": "close"})
    check(b"the OpenMP runtime's" in r.stdout and b"place" in r.stdout, "--topology: OpenMP places")
    r = run(["--topology", "--no-bind"])
    check(r.returncode == 0 and b"binding:    none" in r.stdout, "--topology --no-bind")


def cpu_list(text):
    """'0-2,5' -> {0, 1, 2, 5}"""
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


PLACE_LINE = re.compile(r"wordtally: thread (\d+): (?:pinned to core (\d+) \(PUs ([\d,-]+)\)|"
                        r"not pinned \([^)]*\)); counted (?:(\d+) chunks? on CPUs? ([\d,-]+)|no chunk)$")


def placement(stderr):
    """-v's lines from inside the counting loop: {thread: (core or None, PUs, CPUs counted on)}."""
    seen = {}
    for line in stderr.decode().splitlines():
        m = PLACE_LINE.match(line)
        if m:
            core = int(m.group(2)) if m.group(2) else None
            seen[int(m.group(1))] = (core, cpu_list(m.group(3)) if m.group(3) else None,
                                     cpu_list(m.group(5)) if m.group(5) else set())
    return seen


def plan(stdout):
    """--topology's plan: {thread: (core, PUs)}, and its core list: {core: (PUs, allowed)}."""
    threads, cores = {}, {}
    for line in stdout.decode().splitlines():
        m = re.match(r"  thread (\d+) -> core (\d+) \(PUs ([\d,-]+)\)(?:, NUMA node \d+)?$", line)
        if m:
            threads[int(m.group(1))] = (int(m.group(2)), cpu_list(m.group(3)))
        m = re.match(r"  Core (\d+): PUs ([\d,-]+)( \(none allowed\))?$", line)
        if m:
            cores[int(m.group(1))] = (cpu_list(m.group(2)), not m.group(3))
    return threads, cores


def test_binding_choice(path):
    """Pinned where it helps (a thread on every allowed core, CPUs given to this run, --bind), not
    otherwise: runs side by side with fewer threads than the machine's cores would all pin to its
    first core. -v and --topology say which, and why."""
    cpus = sorted(os.sched_getaffinity(0))
    cases = [(["-t", str(ncores())], None, "pinned: a thread on every allowed core"),
             (["-t", "1", "--bind"], None, "pinned: --bind"),
             (["-t", "1", "--no-bind"], None, "not pinned: --no-bind"),
             (["-t", "1"], str(cpus[-1]), "pinned: a thread on every allowed core")]
    if ncores() > 1 and len(cpus) == os.cpu_count():
        cases.append((["-t", "1"], None, "not pinned: fewer threads than cores on the whole machine"))
    for args, where, said in cases:
        r = run(["-v"] + args + [path], taskset=where)
        check(r.returncode == 0 and said.encode() in r.stderr,
              "-v %s%s: %r (%r)" % (" ".join(args), " under taskset -c " + where if where else "", said,
                                    r.stderr.decode()[:300]))
    if ncores() > 1 and len(cpus) == os.cpu_count():
        r = run(["--topology", "-t", "1"])
        check(b"binding:    none (fewer threads than cores on the whole machine" in r.stdout,
              "--topology -t 1 on the whole machine: not pinned, and why")


def test_wait_policy(path):
    """Idle OpenMP threads sleep instead of spinning (OMP_WAIT_POLICY=passive, set by wordtally when
    the user set no policy); a policy the user chose stands, and OMP_PLACES keeps every place."""
    for env, said in (({}, "OMP_WAIT_POLICY=passive"), ({"OMP_WAIT_POLICY": "active"}, "OMP_WAIT_POLICY=active"),
                      ({"GOMP_SPINCOUNT": "1000"}, "OMP_WAIT_POLICY=unset, GOMP_SPINCOUNT=1000")):
        r = run(["-v", "-q", path], env=env)
        check(r.returncode == 0 and ("idle threads: " + said + "\n").encode() in r.stderr,
              "-v with %s: %s (%r)" % (env or "no policy", said, r.stderr.decode()[:300]))
    # The runtime's own view: libgomp prints its settings as it starts (OMP_DISPLAY_ENV), once,
    # with a spin count of 0 (passive) when the policy was set before it started; 300000 would be
    # its default, and two listings a start-up that ran its constructor twice.
    for env, spins in (({}, "0"), ({"OMP_WAIT_POLICY": "active"}, "30000000000")):
        r = run(["-q", path], env=dict(env, OMP_DISPLAY_ENV="verbose"))
        shown = re.findall(r"GOMP_SPINCOUNT = '(\d+)'", r.stderr.decode())
        check(r.returncode == 0 and (shown == [spins] or not shown),  # LLVM's libomp: no GOMP_
              "OMP_DISPLAY_ENV with %s: libgomp started once, spin count %s (%r)"
              % (env or "no policy", spins, shown))
    r = run(["-v", "-q", path], env={"OMP_PLACES": "cores", "OMP_PROC_BIND": "close"})
    check(r.returncode == 0 and ("%d physical core" % ncores()).encode() in r.stderr and
          b"OMP_WAIT_POLICY=passive" in r.stderr, "OMP_PLACES=cores: passive, and every core still allowed")
    # A bad OMP_NUM_THREADS (libgomp warns as the program loads) keeps passive waiting, and each
    # warning is printed once: libgomp's, and wordtally's that it uses the physical cores.
    want = run(["-q", path], env={"OMP_NUM_THREADS": "1"}).stdout
    for t in ([], ["-t", "2"]):
        r = run(t + ["-v", "-q", path], env={"OMP_NUM_THREADS": "abc"})
        err = r.stderr.decode()
        check(r.returncode == 0 and r.stdout == want and "idle threads: OMP_WAIT_POLICY=passive\n" in err
              and err.count("Invalid value for environment variable OMP_NUM_THREADS") == 1 and
              err.count("ignoring OMP_NUM_THREADS") == (0 if t else 1) and
              ("(from -t)" if t else "(from physical cores)") in err,
              "OMP_NUM_THREADS=abc %s: passive, each warning once (%r)" % (" ".join(t), err[:400]))


def test_placement(path):
    """Where the threads ran while counting (-v) is the --topology plan: by default, under taskset
    and under OMP_PLACES; --topology numbers cores as hwloc does, disallowed ones included."""
    args = ["-v", "-c", "4K", path]
    static = {"OMP_SCHEDULE": "static"}  # every thread gets chunks
    cpus = sorted(os.sched_getaffinity(0))
    for t in (1, 2, 3):
        for where in (None, str(cpus[-1])):
            # A team smaller than the whole machine is pinned only when asked (test_binding_choice).
            bind = ["--bind"] if where is None and t < ncores() else []
            r = run(["-t", str(t)] + bind + args, env=static, taskset=where)
            threads, _ = plan(run(["--topology", "-t", str(t)] + bind, taskset=where).stdout)
            seen = placement(r.stderr)
            check(r.returncode == 0 and len(seen) == t and len(threads) == t and
                  all(seen[i][0] == threads[i][0] and seen[i][1] == threads[i][1] and seen[i][2] and
                      seen[i][2] <= threads[i][1] for i in range(t)),
                  "-v -t %d%s: each thread counted on its planned core: %s vs plan %s"
                  % (t, " under taskset -c " + where if where else "", seen, threads))
    r = run(["--topology"], taskset=str(cpus[-1]))
    threads, cores = plan(r.stdout)
    mine = [c for c, (pus, allowed) in cores.items() if allowed]
    check(len(mine) == 1 and threads.get(0, (None,))[0] == mine[0] and cpus[-1] in cores[mine[0]][0]
          and len(cores) == ncores(), "--topology under taskset -c %d: the plan's core is the listed "
          "allowed core and every core is listed: %s %s" % (cpus[-1], threads, cores))
    r = run(["--no-bind", "-t", "2"] + args, env=static)
    seen = placement(r.stderr)
    check(len(seen) == 2 and all(v[0] is None and v[2] for v in seen.values()), "-v --no-bind: not pinned")
    r = run(["--sweep", "1,2", "--repeat", "1"] + args, env=static)
    check(r.returncode == 0 and len([x for x in r.stderr.decode().splitlines() if PLACE_LINE.match(x)]) == 3,
          "--sweep -v: where each team counted (1 + 2 lines)")
    if len(cpus) < 2:
        print("hpc: one CPU only: OMP_PLACES order not checked")
        return
    a, b = cpus[-1], cpus[0]
    r = run(["-t", "2"] + args, env=dict(static, OMP_PLACES="{%d},{%d}" % (a, b), OMP_PROC_BIND="true"))
    seen = placement(r.stderr)
    check(r.returncode == 0 and seen.get(0, (0, 0, 0))[2] == {a} and seen.get(1, (0, 0, 0))[2] == {b},
          "OMP_PLACES={%d},{%d}: thread 0 counted on CPU %d, thread 1 on %d: %s" % (a, b, a, b, seen))


JOBS = ["slurm-scaling.sh", "slurm-count.sh", "slurm-regression.sh",
        "pbs-scaling.sh", "pbs-count.sh", "pbs-regression.sh"]


def script(name, args, env, cwd, path=None):
    return subprocess.run(["bash", path or os.path.join(ROOT, "scripts", name)] + args, capture_output=True,
                          env=clean_env(dict(env, WORDTALLY=PROG)), cwd=cwd)


def out_files(d, prefix):
    return [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.startswith(prefix)] if os.path.isdir(d) else []


def test_job_scripts(path, d):
    want = oracle(path)
    for name in JOBS + ["slurm-mpi.sh", "job-lib.sh", "plot-scaling", "run-main-job.sh", "make-gcide-corpus.sh"]:
        r = subprocess.run(["bash", "-n", os.path.join(ROOT, "scripts", name)], capture_output=True)
        check(r.returncode == 0, "bash -n scripts/%s: %r" % (name, r.stderr))
    for name in JOBS:
        directive = "#SBATCH " if name.startswith("slurm") else "#PBS "
        text = open(os.path.join(ROOT, "scripts", name)).read()
        check(directive in text, "%s has %s" % (name, directive))
        # As they stand, every job takes a whole node and counts with its cores.
        whole = "#SBATCH --exclusive" if name.startswith("slurm") else "#PBS -l place=excl"
        check(whole in text and "ppn=1" not in text and "cpus-per-task=1" not in text,
              "%s asks for a whole node (%s), not one CPU" % (name, whole))
    lib = open(os.path.join(ROOT, "scripts", "job-lib.sh")).read()
    check('"${launch[@]}" "$prog"' in lib and "launch=(srun " in lib, "job-lib.sh: the counted steps go through srun")
    for sched in ("slurm", "pbs"):
        out = os.path.join(d, sched)
        # Run from another folder: the scripts find the project from their own path.
        r = script(sched + "-scaling.sh", [path], {"OUT_DIR": out, "REPEAT": "1", "SWEEP": "1,2"}, d)
        csvs = [f for f in os.listdir(out)] if os.path.isdir(out) else []
        rows = []
        for f in csvs:
            if f.endswith(".csv"):
                rows = list(csv.DictReader(open(os.path.join(out, f))))
                header = open(os.path.join(out, f)).readline()
        check(r.returncode == 0 and [x["threads"] for x in rows] == ["1", "2"] and
              header.startswith(SWEEP_HEADER), "%s-scaling.sh: a sweep CSV: %r" % (sched, r.stderr[-300:]))
        check(b"OMP_PLACES=cores OMP_PROC_BIND=close" in r.stdout, "%s-scaling.sh: the runtime binds" % sched)
        if shutil.which("gnuplot"):
            check(any(f.endswith(".png") for f in csvs) and any(f.endswith(".pdf") for f in csvs),
                  "%s-scaling.sh: a PNG and a PDF" % sched)
        weak_out = os.path.join(d, sched + "-weak")
        r = script(sched + "-scaling.sh", [path, "1,2"], {"OUT_DIR": weak_out, "REPEAT": "1", "WEAK": "512K"}, d)
        rows = [list(csv.DictReader(open(f))) for f in out_files(weak_out, "scaling-") if f.endswith(".csv")]
        check(r.returncode == 0 and rows and [(x["threads"], x["scaling"], x["bytes"]) for x in rows[0]] ==
              [("1", "weak", "524288"), ("2", "weak", "1048576")], "%s-scaling.sh with WEAK: a weak sweep: %r"
              % (sched, r.stderr[-300:]))
        r = script(sched + "-count.sh", [path], {"FORMAT": "json", "OUT_DIR": out}, d)
        j = json.loads(r.stdout[r.stdout.index(b"{"):]) if b"{" in r.stdout else {}
        check(r.returncode == 0 and j.get("total") == want, "%s-count.sh counts" % sched)
        saved = out_files(out, "count-")
        check(len(saved) == 1 and saved[0].endswith(".json") and json.load(open(saved[0])).get("total") == want,
              "%s-count.sh: the report in OUT_DIR: %s" % (sched, saved))
        check(placement(r.stderr), "%s-count.sh: -v says where each thread counted" % sched)
        expected = os.path.join(d, "expected")
        with open(expected, "w") as f:
            f.write("".join("%s %d\n" % wc for wc in zip(WORDS, want)))
        r = script(sched + "-regression.sh", [path], {"EXPECTED": expected, "OUT_DIR": out}, d)
        check(r.returncode == 0 and b"equal to the expected counts" in r.stdout and
              len(out_files(out, "regression-")) == 1, "%s-regression.sh passes: %r" % (sched, r.stderr))
        with open(expected, "w") as f:
            f.write("".join("%s %d\n" % (w, c + 1) for w, c in zip(WORDS, want)))
        r = script(sched + "-regression.sh", [], {"EXPECTED": expected, "FILE": path}, d)
        check(r.returncode == 1 and b"FAIL" in r.stderr and b"counts " in r.stderr,
              "%s-regression.sh fails on a wrong expected count (exit 1): %r" % (sched, r.stderr))
        r = script(sched + "-count.sh", [], {}, d)
        check(r.returncode == 2 and b"usage" in r.stderr, "%s-count.sh without FILE: usage" % sched)



def test_weak(path, d):
    """--weak: t threads count the first t x SIZE bytes; each row's counts are those of that prefix
    as a file of its own (a SIZE that cuts words, and small chunks so that every thread works)."""
    size = 300001
    r = run(["--sweep", "1,2,3", "--weak", str(size), "--repeat", "2", "-c", "4K", "-f", "json", path])
    j = json_out(r)
    check(r.returncode == 0 and j and j["scaling"] == "weak" and j["weak_bytes"] == size,
          "--weak JSON: scaling and weak_bytes: %r" % r.stderr[-300:])
    for e in (j or {}).get("sweep", []):
        prefix = os.path.join(d, "prefix-%d" % e["threads"])
        with open(path, "rb") as f, open(prefix, "wb") as out:
            out.write(f.read(e["threads"] * size))
        want = oracle(prefix)
        plain = json_out(run(["-f", "json", prefix]))
        check(e["bytes"] == e["threads"] * size and e["counts"] == want and plain["total"] == want,
              "--weak, %d threads: the counts of the first %d bytes" % (e["threads"], e["bytes"]))
    check(j and j["total"] == j["sweep"][-1]["counts"] and j["files"][0]["bytes"] == 3 * size,
          "--weak: the report's counts are the largest prefix's")
    m = json_out(run(["--sweep", "1,2,3", "--weak", str(size), "--repeat", "1", "--io", "mmap", "-f", "json", path]))
    check(j and m and [e["counts"] for e in m["sweep"]] == [e["counts"] for e in j["sweep"]],
          "--weak --io mmap: the same counts (a mapping of the prefix only)")
    r = run(["--sweep", "2,1", "--weak", str(size), "--repeat", "1", "-f", "csv", path])
    header, rows = sweep_rows(r)
    check(header.endswith(",scaling,load,spread,warning") and [x["bytes"] for x in rows] ==
          [str(2 * size), str(size)] and all(x["scaling"] == "weak" for x in rows),
          "--weak CSV: bytes per row, scaling column: %r" % header)
    check(rows and abs(float(rows[1]["speedup"]) / (float(rows[1]["gb_per_s"]) / float(rows[0]["gb_per_s"])) - 1) < 0.02,
          "--weak: speed-up is the rate over the first row's")
    r = run(["--sweep", "1,2", "--weak", str(size), "--repeat", "1", path])
    out = r.stdout.decode()
    check(r.returncode == 0 and "weak-scaling sweep" in out and
          "counts of the first %d bytes (2 threads)" % (2 * size) in out, "--weak text table")
    _, rows = sweep_rows(run(["--sweep", "1", "--repeat", "1", "-f", "csv", path]))
    check(rows and rows[0]["scaling"] == "strong" and float(rows[0]["load"]) >= 0 and
          float(rows[0]["spread"]) == 0, "strong CSV: scaling, load, spread (one run: 0)")
    expect_usage(["--sweep", "1,2", "--weak", "2M", path], "needs 4194304")
    expect_usage(["--sweep", "1", "--weak", "1K", path, path], "needs one FILE")
    expect_usage(["--weak", "1K", path], "needs --sweep")
    expect_usage(["--repeat", "2", "--weak", "1K", path], "needs --sweep")
    expect_usage(["--sweep", "1", "--weak", "0", path], "--weak '0'")
    expect_usage(["--sweep", "1", "--weak", "1Q", path], "--weak '1Q'")


MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<svg"}


def test_plot(path, d):
    """scripts/plot-scaling: the format by the output's extension (by the file's first bytes, as
    file(1) tells), strong and weak tables, busy tables, and what it refuses."""
    if not shutil.which("gnuplot"):
        print("SKIP plot-scaling: gnuplot not installed (scripts/install-deps.sh --all)")
        return
    plot = os.path.join(ROOT, "scripts", "plot-scaling")
    tables = {"strong": ["--sweep", "1,2,3"], "weak": ["--sweep", "1,2,3", "--weak", "300K"]}
    for kind, args in tables.items():
        sweep = os.path.join(d, "%s.csv" % kind)
        with open(sweep, "wb") as f:
            f.write(run(args + ["--repeat", "2", "-f", "csv", path]).stdout)
        for ext, magic in MAGIC.items():
            out = os.path.join(d, "%s-plot.%s" % (kind, ext))
            r = subprocess.run([plot, sweep, out], capture_output=True)
            head = open(out, "rb").read(512) if os.path.exists(out) else b""
            ok = head.startswith(magic) if ext != "svg" else magic in head
            check(r.returncode == 0 and ok, "plot-scaling %s .%s writes %s: %r %r" % (kind, ext, ext, head[:8], r.stderr))
    busy = os.path.join(d, "busy.csv")
    lines = open(os.path.join(d, "strong.csv")).read().splitlines()
    with open(busy, "w") as f:
        f.write(lines[0] + "\n" + "\n".join(l.rsplit(",", 1)[0] + ",busy: load average 9.50 before the sweep"
                                            for l in lines[1:]) + "\n")
    r = subprocess.run([plot, busy, os.path.join(d, "busy.png")], capture_output=True)
    check(r.returncode == 0 and b"busy" in r.stderr, "plot-scaling says when the table was measured on a busy machine")
    r = subprocess.run([plot, os.path.join(d, "strong.csv"), os.path.join(d, "x.jpg")], capture_output=True)
    check(r.returncode == 2 and b".png, .pdf or .svg" in r.stderr, "plot-scaling refuses another extension: %r" % r.stderr)
    r = subprocess.run([plot, path], capture_output=True)
    check(r.returncode != 0 and b"not a wordtally --sweep CSV" in r.stderr, "plot-scaling rejects other files")


def test_job_inputs(path, d):
    """Several FILEs, WORDTALLY_OPTS, wordtally-gen's FILE.expected, exit-status messages, a copy of
    a script away from the project (as Slurm and PBS run them)."""
    want = oracle(path)
    out = os.path.join(d, "inputs")
    other = os.path.join(d, "other.txt")
    with open(other, "wb") as f:
        f.write(b"dog dog cat\n")
    r = script("slurm-count.sh", [path, other], {"FORMAT": "json", "OUT_DIR": out}, d)
    j = json.loads(r.stdout[r.stdout.index(b"{"):]) if b"{" in r.stdout else {}
    check(r.returncode == 0 and j.get("total") == [want[0] + 2, want[1] + 1] + want[2:] and len(j.get("files", [])) == 2,
          "slurm-count.sh FILE FILE: both counted: %r" % r.stderr[-300:])
    r = script("slurm-count.sh", [other], {"FORMAT": "json", "WORDTALLY_OPTS": "-w dog -c 4K -t 2"}, d)
    j = json.loads(r.stdout[r.stdout.index(b"{"):]) if b"{" in r.stdout else {}
    check(r.returncode == 0 and j.get("total") == [2] and j.get("threads") == 2, "WORDTALLY_OPTS reach wordtally: %s" % j)
    if GEN:
        gen = os.path.join(d, "gen.txt")
        subprocess.run([GEN, "-s", "7", "-w", "ox", "-w", "dog", "300K", gen], check=True, capture_output=True)
        gen2 = os.path.join(d, "gen2.txt")
        subprocess.run([GEN, "-s", "8", "200K", gen2], check=True, capture_output=True)
        r = script("slurm-regression.sh", [gen, gen2], {"OUT_DIR": out}, d)
        check(r.returncode == 0 and r.stdout.count(b"equal to the expected counts") == 2 and b"ox dog = " in r.stdout,
              "slurm-regression.sh on two wordtally-gen corpora, each with its FILE.expected: %r" % r.stderr)
        shutil.copy(gen2 + ".expected", gen2 + ".good")
        with open(gen2 + ".expected", "a") as f:
            f.write("cat\n")
        r = script("slurm-regression.sh", [gen, gen2], {}, d)
        check(r.returncode == 1 and b"not one 'WORD COUNT' line per word" in r.stderr and
              b"equal to the expected counts" in r.stdout, "a malformed FILE.expected fails the job, the other FILE is checked")
        shutil.copy(gen2 + ".good", gen2 + ".expected")
    r = script("pbs-regression.sh", [os.path.join(d, "missing"), other], {}, d)
    check(r.returncode == 1 and b"(an input could not be read" in r.stderr and b"disagree" not in r.stderr,
          "exit 1 is said to be an input error: %r" % r.stderr)
    r = script("slurm-count.sh", [other], {"WORDTALLY_OPTS": "--bogus"}, d)
    check(r.returncode == 2 and b"exited 2 (usage error" in r.stderr, "exit 2 is said to be a usage error: %r" % r.stderr)
    if SHIM:
        mismatch = os.path.join(d, "mismatch.txt")
        with open(mismatch, "wb") as f:
            f.write(b"cat " * 30000 + b"dog " + b"boy " * 30000)
        # A sanitizer build's runtime wants to be first in the preload list: the shim only
        # forwards reads, so its place does not matter.
        asan = os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        r = script("slurm-regression.sh", [mismatch], {"LD_PRELOAD": SHIM, "WT_FAULT_PATH": mismatch,
                   "WT_FAULT_FLIP_AT": str(120001), "WORDTALLY_OPTS": "-t 2",
                   "ASAN_OPTIONS": asan}, d)
        check(r.returncode == 3 and b"(the parallel and serial paths disagree)" in r.stderr,
              "--verify mismatch: the job exits 3 and says why: %r" % r.stderr)
    # The batch system runs a copy from its spool folder, away from scripts/job-lib.sh.
    spool = os.path.join(d, "spool")
    os.makedirs(spool, exist_ok=True)
    copy = os.path.join(spool, "slurm_script")
    shutil.copy(os.path.join(ROOT, "scripts", "slurm-count.sh"), copy)
    r = script("", [other], {}, spool, path=copy)
    check(r.returncode == 2 and b"slurm-count.sh: scripts/job-lib.sh not found" in r.stderr and b"WORDTALLY_ROOT" in r.stderr,
          "a copy away from the project: a clear message naming the script: %r" % r.stderr)
    r = script("", [other], {"WORDTALLY_ROOT": ROOT}, spool, path=copy)
    check(r.returncode == 0 and b"== slurm-count.sh job" in r.stdout, "... and WORDTALLY_ROOT finds it")
    r = script("", [other], {"SLURM_SUBMIT_DIR": ROOT}, spool, path=copy)
    check(r.returncode == 0, "... as does submitting from the project folder")


def test_gcide_corpus(d):
    """make-gcide-corpus.sh: readable by other users (a batch job may run as one), FILE.expected in
    the generator's format, and the regression job agrees with it."""
    out = os.path.join(d, "gcide", "g.txt")
    r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "make-gcide-corpus.sh"), out, "1000"],
                       capture_output=True, preexec_fn=lambda: os.umask(0o022))
    mode = os.stat(out).st_mode & 0o777 if os.path.exists(out) else 0
    check(r.returncode == 0 and mode == 0o644, "make-gcide-corpus.sh: mode %o under umask 022" % mode)
    lines = open(out + ".expected").read().splitlines() if os.path.exists(out + ".expected") else []
    check([x.split()[0] for x in lines] == WORDS and all(len(x.split()) == 2 for x in lines),
          "make-gcide-corpus.sh: one 'WORD COUNT' line per word: %s" % lines)
    r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "run-main-job.sh"), PROG, out], capture_output=True)
    check(r.returncode == 0 and b"equal to the expected counts" in r.stdout, "run-main-job.sh: %r" % r.stderr)


def main():
    # HPC_ONLY=NAME[,NAME...] runs only those tests (test_NAME): make check-gomp-shared runs
    # wait_policy on the build with a shared libgomp.
    only = os.environ.get("HPC_ONLY")
    only = set(only.split(",")) if only else None

    def want(name):
        return only is None or name in only

    with tempfile.TemporaryDirectory() as d:
        path = write_file(d, "real-text", real_text(2 * 1024 * 1024))
        small = write_file(d, "small", b"dog cat\ndog boy girl\n")
        cores = ncores()
        check(cores >= 1, "--topology reports the allowed cores")
        tests = (("threads", (path,)), ("synthetic_topology", (path,)),
                 ("node_layouts", (path,)), ("progress_verify", (path, d)),
                 ("sweep", (path, cores)), ("weak", (path, d)), ("plot", (path, d)),
                 ("repeat", (path, small)), ("errors", (path, d)), ("topology", ()),
                 ("placement", (path,)), ("binding_choice", (path,)), ("wait_policy", (path,)),
                 ("job_scripts", (path, d)), ("job_inputs", (path, d)), ("gcide_corpus", (d,)))
        check(only is None or only <= {name for name, _ in tests}, "HPC_ONLY names tests of hpc.py")
        for name, args in tests:
            if want(name):
                globals()["test_" + name](*args)
    tally.finish()


if __name__ == "__main__":
    main()
