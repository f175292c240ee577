#!/usr/bin/env python3
"""make check-slurm: the job scripts under a real single-node Slurm (Debian's slurm-wlm and munge,
started by tests/slurm-cluster.sh without systemd, stopped by PID afterwards). Every Slurm script is
submitted with sbatch as docs/HPC.md says, from a folder outside the project, and its state, exit
code, counts (against wordtally-gen's FILE.expected), OUT_DIR files and thread placement while
counting are checked; the PBS scripts go through slurm-wlm-torque's qsub (a wrapper that submits
#PBS scripts to Slurm: not a real PBS). Needs root; skips, saying why, when not root or when the
packages cannot be installed.

    python3 tests/slurm.py ./wordtally ./wordtally-gen build/fault_shim.so
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Tally  # noqa: E402
from hpc import placement, plan  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from expected import read_expected  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROG = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "wordtally")
GEN = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "wordtally-gen")
SHIM = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else "build/fault_shim.so")
MPI_PROG = os.path.join(ROOT, "wordtally-mpi")
STATE = os.environ.get("WT_SLURM_DIR", "/tmp/wordtally-slurm")  # daemons, config, logs
CLUSTER = os.path.join(ROOT, "tests", "slurm-cluster.sh")
USER = "nobody"  # the non-root submitter
TIMEOUT = 300    # seconds for all jobs together
tally = Tally("slurm")
check = tally.check
env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("OMP_", "SLURM_", "WORDTALLY")))
env["SLURM_CONF"] = os.path.join(STATE, "slurm.conf")


def skip(why):
    print("check-slurm: SKIPPED: %s" % why)
    sys.exit(0)


def sh(args, **kw):
    return subprocess.run(args, capture_output=True, env=kw.pop("env", env), **kw)


def ensure_packages():
    need = ["sbatch", "slurmctld", "slurmd", "munged", "qsub", "mpicc", "gnuplot", "hwloc-calc", "slurmdbd", "mariadbd"]
    if all(shutil.which(x) for x in need):
        return
    r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "install-deps.sh"), "--all"])
    if r.returncode != 0 or not all(shutil.which(x) for x in need):
        skip("the packages could not be installed (scripts/install-deps.sh --all): missing %s"
             % [x for x in need if not shutil.which(x)])


class Job:
    """One submitted job: what it is, how it was submitted, what it must end as."""
    def __init__(self, label, argv, cwd, extra_env=None, user=None):
        self.label, self.cwd = label, cwd
        e = dict(env, **(extra_env or {}))
        if user:
            argv = ["runuser", "-u", user, "--", "env"] + ["%s=%s" % kv for kv in sorted(e.items())] + argv
        r = sh(argv, cwd=cwd, env=e)
        m = re.search(rb"(\d+)\s*$", r.stdout)
        self.id = m.group(1).decode() if r.returncode == 0 and m else None
        check(self.id is not None, "%s: submitted (%s): %r" % (label, " ".join(argv[-4:]), r.stderr))
        self.info = {}

    def poll(self):
        if not self.id:
            return True
        r = sh(["scontrol", "-o", "show", "job", self.id])
        self.info = dict(re.findall(r"(\w+)=(\S*)", r.stdout.decode()))
        state = self.info.get("JobState", "")
        if state == "PENDING" and self.info.get("Reason") in ("PartitionConfig", "BadConstraints",
                                                               "PartitionNodeLimit", "Resources?"):
            return True  # can never start: reported as a failure below
        return state not in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "")

    def log(self):
        out = self.info.get("StdOut", "")
        err = self.info.get("StdErr", "")
        text = open(out, "rb").read().decode("latin-1") if os.path.exists(out) else ""
        if err != out and os.path.exists(err):
            text += open(err, "rb").read().decode("latin-1")
        return text

    def ended(self, state, code):
        got = (self.info.get("JobState"), self.info.get("ExitCode"))
        print("  job %-4s %-44s %-9s exit %-4s (%s)" % (self.id, self.label, got[0], got[1],
                                                       self.info.get("Reason")))
        check(got == (state, code), "%s: %s, exit %s (want %s, %s); log: %s"
              % (self.label, got[0], got[1], state, code, self.log()[-600:]))
        return got == (state, code)


def wait(jobs):
    t0 = time.time()
    while time.time() - t0 < TIMEOUT:
        if all(j.poll() for j in jobs):
            return
        time.sleep(1)
    check(False, "jobs still running after %d s: %s" % (TIMEOUT, [(j.label, j.info.get("JobState"))
                                                                 for j in jobs]))


def counts_of(text):
    """The 'word count' lines of a text report, in order."""
    return [int(x.split()[1]) for x in text.splitlines()
            if re.match(r"^\S+ +\d+$", x)]


def main():
    if os.geteuid() != 0:
        skip("needs root (it starts munged, slurmctld and slurmd)")
    ensure_packages()
    if not os.path.exists(MPI_PROG) or os.path.getmtime(MPI_PROG) < os.path.getmtime(PROG):
        subprocess.run(["make", "-s", "-C", ROOT, "mpi"], check=True)
    t0 = time.time()
    up = subprocess.run(["bash", CLUSTER, "up", STATE], capture_output=True, text=True)
    print(up.stdout.strip() + ("\n" + up.stderr.strip() if up.stderr.strip() else ""))
    check(up.returncode == 0, "a single-node Slurm comes up: %s" % up.stderr)
    if up.returncode != 0:
        tally.finish()
    print("check-slurm: node up in %.1f s" % (time.time() - t0))
    work = tempfile.mkdtemp(prefix="wordtally-slurm-")
    try:
        run_jobs(work)
    finally:
        down = subprocess.run(["bash", CLUSTER, "down", STATE], capture_output=True, text=True)
        print(down.stdout.strip())
        shutil.rmtree(work, ignore_errors=True)
    print("check-slurm: %.0f s in all" % (time.time() - t0))
    tally.finish()


def run_jobs(work):
    os.chmod(work, 0o755)
    # Inputs: two corpora with their FILE.expected, other words than the default ones in one.
    a, b = os.path.join(work, "a.txt"), os.path.join(work, "b.txt")
    subprocess.run([GEN, "-s", "1", "24M", a], check=True, capture_output=True)
    subprocess.run([GEN, "-s", "2", "-w", "ox", "-w", "dog", "6M", b], check=True, capture_output=True)
    words_a, want_a = read_expected(a + ".expected")
    words_b, want_b = read_expected(b + ".expected")
    both = [x + (dict(zip(words_b, want_b)).get(w, 0)) for w, x in zip(words_a, want_a)]
    bad = os.path.join(work, "bad.expected")
    with open(bad, "w") as f:
        f.write("".join("%s %d\n" % (w.decode(), c + (i == 0)) for i, (w, c) in enumerate(zip(words_a, want_a))))
    mismatch = os.path.join(work, "mismatch.txt")
    with open(mismatch, "wb") as f:
        f.write(b"cat " * 300000 + b"dog " + b"boy " * 300000)
    shared = os.path.join(work, "shared")  # the non-root user's OUT_DIR and submit folder
    os.makedirs(shared)
    os.chmod(shared, 0o777)
    scripts = os.path.join(ROOT, "scripts")
    S = lambda name: os.path.join(scripts, name)  # noqa: E731
    o = lambda name: os.path.join(work, "out-" + name)  # noqa: E731
    plain = dict(WORDTALLY=PROG)
    r = sh([PROG, "-q", a])
    plain_a = r.stdout.decode().split()

    # Submitted from `work`, outside the project folder, with paths relative to it.
    jobs = {
        "count -c 1": Job("slurm-count.sh -c 1 a b (json)", ["sbatch", "-c", "1", S("slurm-count.sh"), "a.txt", "b.txt"],
                          work, dict(plain, FORMAT="json", OUT_DIR=o("c1"))),
        "count -c 2": Job("slurm-count.sh -c 2 a", ["sbatch", "-c", "2", S("slurm-count.sh"), "a.txt"],
                          work, dict(plain, OUT_DIR=o("c2"))),
        "count default": Job("slurm-count.sh (defaults) a", ["sbatch", S("slurm-count.sh"), "a.txt"], work,
                             dict(plain, OUT_DIR=o("c0"), WORDTALLY_OPTS="-w dog -c 1M")),
        "regression": Job("slurm-regression.sh -c 2 a b", ["sbatch", "-c", "2", S("slurm-regression.sh"), "a.txt", "b.txt"],
                          work, dict(plain, OUT_DIR=o("r"))),
        "regression bad": Job("slurm-regression.sh, wrong expected count", ["sbatch", "-c", "2", S("slurm-regression.sh"), "a.txt"],
                              work, dict(plain, EXPECTED=bad)),
        "regression verify": Job("slurm-regression.sh, --verify mismatch", ["sbatch", "-c", "2", S("slurm-regression.sh"), mismatch],
                                 work, dict(plain, LD_PRELOAD=SHIM, WT_FAULT_PATH=mismatch,
                                            WT_FAULT_FLIP_AT=str(1200001), WORDTALLY_OPTS="-t 2")),
        "scaling": Job("slurm-scaling.sh a 1,2", ["sbatch", S("slurm-scaling.sh"), "a.txt", "1,2"], work,
                       dict(plain, OUT_DIR=o("s"), REPEAT="1")),
        "scaling weak": Job("slurm-scaling.sh a 1,2, WEAK=8M", ["sbatch", S("slurm-scaling.sh"), "a.txt", "1,2"],
                            work, dict(plain, OUT_DIR=o("sw"), REPEAT="1", WEAK="8M")),
        "topology -c 1": Job("--topology under -c 1 (task/cgroup)", ["sbatch", "-c", "1", "-o", "topo-%j.out", "--wrap",
                                                                     PROG + " --topology"], work),
        "nonroot": Job("slurm-count.sh as %s" % USER, ["sbatch", "-c", "1", S("slurm-count.sh"), a], shared,
                       dict(plain, OUT_DIR=os.path.join(shared, "out")), user=USER),
        "mpi 2x1": Job("slurm-mpi.sh -n 2 -c 1 a", ["sbatch", "-n", "2", "-c", "1", S("slurm-mpi.sh"), "a.txt"],
                       work, dict(WORDTALLY_MPI=MPI_PROG)),
        "mpi 1x2": Job("slurm-mpi.sh -n 1 -c 2 a", ["sbatch", "-n", "1", "-c", "2", S("slurm-mpi.sh"), "a.txt"],
                       work, dict(WORDTALLY_MPI=MPI_PROG)),
        "mpi default": Job("slurm-mpi.sh (defaults) a", ["sbatch", S("slurm-mpi.sh"), "a.txt"], work,
                           dict(WORDTALLY_MPI=MPI_PROG)),
        "pbs count": Job("qsub pbs-count.sh (ppn=2)", ["qsub", "-l", "nodes=1:ppn=2", "-v",
                                                       "FILE=%s,OUT_DIR=%s" % (a, o("pc")), S("pbs-count.sh")],
                         work, plain),
        "pbs regression": Job("qsub pbs-regression.sh", ["qsub", "-v", "FILE=%s" % a, S("pbs-regression.sh")], work, plain),
        "pbs scaling": Job("qsub pbs-scaling.sh (ppn=2)", ["qsub", "-l", "nodes=1:ppn=2", "-v",
                                                           "FILE=%s,OUT_DIR=%s,SWEEP=1,2,REPEAT=1" % (a, o("ps")),
                                                           S("pbs-scaling.sh")], work, plain),
    }
    wait(list(jobs.values()))
    print("check-slurm: jobs (state, exit code):")
    j = jobs

    # Counts, and where the threads counted: -c 1 is one thread on one CPU, -c 2 two on two.
    for key, cpus in (("count -c 1", 1), ("count -c 2", 2)):
        if not j[key].ended("COMPLETED", "0:0"):
            continue
        log = j[key].log()
        seen = placement(log.encode())
        ran = set().union(*[v[2] for v in seen.values()]) if seen else set()
        check(len(seen) == cpus and len(ran) == cpus and all(v[2] and v[2] <= v[1] for v in seen.values()),
              "%s: %d thread(s), each counted on its own pinned CPU: %s" % (key, cpus, seen))
        check("== slurm-count.sh job %s" % j[key].id in log, "%s: the log names the script" % key)
        print("    %s: %d thread(s), CPUs %s while counting" % (key, len(seen), sorted(ran)))
    if j["count -c 1"].info.get("JobState") == "COMPLETED":
        saved = [os.path.join(o("c1"), f) for f in os.listdir(o("c1"))] if os.path.isdir(o("c1")) else []
        doc = json.load(open(saved[0])) if len(saved) == 1 else {}
        check(doc.get("total") == both and len(doc.get("files", [])) == 2,
              "count -c 1: OUT_DIR/count-ID.json has both files, totals %s == expected %s" % (doc.get("total"), both))
        print("    count -c 1: OUT_DIR %s, total %s (expected %s)" % ([os.path.basename(x) for x in saved], doc.get("total"), both))
    if j["count -c 2"].info.get("JobState") == "COMPLETED":
        text = open(os.path.join(o("c2"), "count-%s.txt" % j["count -c 2"].id)).read()
        check(counts_of(text) == want_a, "count -c 2: counts %s == expected %s" % (counts_of(text), want_a))
        print("    count -c 2: counts %s (expected %s)" % (counts_of(text), want_a))
    if j["count default"].ended("COMPLETED", "0:0"):
        seen = placement(j["count default"].log().encode())
        text = open(os.path.join(o("c0"), "count-%s.txt" % j["count default"].id)).read()
        node = int(sh(["hwloc-calc", "--number-of", "core", "all"]).stdout or 0)
        check(len(seen) == node and counts_of(text) == want_a[:1], "count with the script's defaults: all %d "
              "cores of the node, WORDTALLY_OPTS=-w dog: %s %s" % (node, seen, counts_of(text)))
        print("    count (defaults): %d threads (the node's cores), WORDTALLY_OPTS='-w dog -c 1M': dog %s"
              % (len(seen), counts_of(text)))

    if j["regression"].ended("COMPLETED", "0:0"):
        log = j["regression"].log()
        summary = os.path.join(o("r"), "regression-%s.txt" % j["regression"].id)
        check(log.count("equal to the expected counts") == 2 and "ox dog = %d %d" % tuple(want_b) in log
              and os.path.exists(summary), "regression: both FILEs against their FILE.expected, summary in OUT_DIR")
        print("    regression: " + " | ".join(x for x in log.splitlines() if x.startswith("OK ")))
    if j["regression bad"].ended("FAILED", "1:0"):
        check("FAIL a.txt: counts" in j["regression bad"].log(), "wrong expected count: said")
    if j["regression verify"].ended("FAILED", "3:0"):
        log = j["regression verify"].log()
        check("verification failed" in log and "(the parallel and serial paths disagree)" in log,
              "--verify mismatch: wordtally's message and the job's: %s" % log[-400:])
    if j["scaling"].ended("COMPLETED", "0:0"):
        csv_path = os.path.join(o("s"), "scaling-%s.csv" % j["scaling"].id)
        rows = list(csv.DictReader(open(csv_path))) if os.path.exists(csv_path) else []
        png, pdf = csv_path[:-4] + ".png", csv_path[:-4] + ".pdf"
        check([r["threads"] for r in rows] == ["1", "2"] and os.path.exists(png) and os.path.getsize(png) > 1000
              and os.path.exists(pdf) and open(pdf, "rb").read(5) == b"%PDF-",
              "scaling: CSV rows 1,2, a PNG and a PDF in OUT_DIR: %s" % os.listdir(o("s")))
        print("    scaling: %s, %s" % ([(r["threads"], r["gb_per_s"]) for r in rows], sorted(os.listdir(o("s")))))
    if j["scaling weak"].ended("COMPLETED", "0:0"):
        csv_path = os.path.join(o("sw"), "scaling-%s.csv" % j["scaling weak"].id)
        rows = list(csv.DictReader(open(csv_path))) if os.path.exists(csv_path) else []
        check([(r["threads"], r["scaling"], r["bytes"]) for r in rows] == [("1", "weak", str(8 << 20)), ("2", "weak", str(16 << 20))],
              "scaling WEAK=8M: a weak sweep over 8 and 16 MiB: %s" % rows)
        print("    scaling weak: %s" % [(r["threads"], r["bytes"], r["gb_per_s"]) for r in rows])
    check_steps(j)
    if j["topology -c 1"].ended("COMPLETED", "0:0"):
        threads, cores = plan(j["topology -c 1"].log().encode())
        allowed = [c for c, (pus, ok) in cores.items() if ok]
        node = int(sh(["hwloc-calc", "--number-of", "core", "all"]).stdout or 0)
        check(len(cores) == node and node >= 1, "--topology under a cgroup lists all %d cores: %s" % (node, cores))
        check(len(allowed) == 1 and threads.get(0, (None,))[0] == allowed[0],
              "--topology: the plan's core is the allowed one, by the same number: %s %s" % (threads, cores))
        print("    --topology -c 1: cores %s, plan %s" % (cores, threads))
    if j["nonroot"].ended("COMPLETED", "0:0"):
        text = open(os.path.join(shared, "out", "count-%s.txt" % j["nonroot"].id)).read()
        check(j["nonroot"].info.get("UserId", "").startswith(USER) and counts_of(text) == want_a,
              "as %s: counts %s" % (USER, counts_of(text)))
        print("    %s: UserId %s, counts %s" % (USER, j["nonroot"].info.get("UserId"), counts_of(text)))
    for key, ranks, threads in (("mpi 2x1", 2, 1), ("mpi 1x2", 1, 2), ("mpi default", 1, None)):
        if not j[key].ended("COMPLETED", "0:0"):
            continue
        log = j[key].log()
        got = [str(x) for x in counts_of(log)]
        label = "%d MPI rank%s x %s" % (ranks, "s" if ranks > 1 else "", "%d thread" % threads if threads else "")
        check(got == plain_a and label in log, "%s: '%s', counts %s == the plain run's %s" % (key, label, got, plain_a))
        print("    %s: %s" % (key, [x for x in log.splitlines() if x.startswith("-- ")]))
    for key in ("pbs count", "pbs regression", "pbs scaling"):
        j[key].ended("COMPLETED", "0:0")
    if j["pbs count"].info.get("JobState") == "COMPLETED":
        text = open(os.path.join(o("pc"), "count-%s.txt" % j["pbs count"].id)).read()
        seen = placement(j["pbs count"].log().encode())
        check(counts_of(text) == want_a and len(seen) == 2, "qsub pbs-count.sh: counts, 2 threads: %s" % seen)
        print("    qsub pbs-count.sh: %d threads, counts %s" % (len(seen), counts_of(text)))
    check("equal to the expected counts" in j["pbs regression"].log(), "qsub pbs-regression.sh: checked")
    check(any(f.endswith(".csv") for f in os.listdir(o("ps"))) if os.path.isdir(o("ps")) else False,
          "qsub pbs-scaling.sh: the CSV")


def check_steps(jobs):
    """With accounting up (slurmdbd, tests/slurm-cluster.sh), sacct shows each script's counted step:
    wordtally run by srun, with the CPUs the job was given."""
    if not os.path.exists(os.path.join(STATE, "slurmdbd.pid")):
        print("    sacct: no accounting here (slurmdbd or mariadb-server not installed): steps not checked")
        return
    want = {"count -c 2": 2, "count default": None, "regression": None, "scaling": None, "pbs count": 2}
    node = int(sh(["hwloc-calc", "--number-of", "core", "all"]).stdout or 0)
    for key, cpus in want.items():
        job = jobs[key]
        rows = []
        for _ in range(30):  # slurmctld sends the records to slurmdbd a moment after the job ends
            r = sh(["sacct", "-n", "-P", "-j", job.id or "0", "--format=JobID,JobName,State,ExitCode,NCPUS"])
            rows = [x.split("|") for x in r.stdout.decode().splitlines()]
            if any(re.match(r"^\d+\.0$", x[0]) for x in rows):
                break
            time.sleep(1)
        steps = [x for x in rows if re.match(r"^\d+\.\d+$", x[0])]
        check(steps and all(x[1] == "wordtally" and x[2] == "COMPLETED" and x[3] == "0:0" and int(x[4]) == (cpus or node)
                            for x in steps),
              "sacct -j %s (%s): the counted steps, wordtally on %s CPUs: %s" % (job.id, key, cpus or node, rows))
        print("    sacct -j %s (%s):\n      %s" % (job.id, key, "\n      ".join("|".join(x) for x in rows)))


if __name__ == "__main__":
    main()
