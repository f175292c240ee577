/* topo.c - hwloc: init, load, query the allowed cores, bind, destroy (hwloc-hello's idiom). */
#include "topo.h"

#include "base/limits.h"
#include "base/quote.h"
#include "base/stdfd.h"

#include <errno.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* OpenMP place p's processors (OS numbers, as hwloc's sets use), or NULL. The caller frees. */
static hwloc_bitmap_t place_set(int p)
{
    int n = omp_get_place_num_procs(p);
    int *ids = calloc(n > 0 ? (size_t)n : 1, sizeof *ids);
    hwloc_bitmap_t set = ids ? hwloc_bitmap_alloc() : NULL;
    if (set) {
        omp_get_place_proc_ids(p, ids);
        for (int k = 0; k < n; k++)
            hwloc_bitmap_set(set, (unsigned)ids[k]);
    }
    free(ids);
    return set;
}

/* When OMP_PROC_BIND/OMP_PLACES make the runtime bind, libgomp pins the initial thread to the first
 * place before main runs, so the process binding shows one core. The places were built from the
 * binding the job started with (taskset, Slurm, PBS): their union is the set we may use. */
static void runtime_places(hwloc_bitmap_t allowed)
{
    int places = omp_get_num_places();
    if (omp_get_proc_bind() == omp_proc_bind_false || places <= 0)
        return;
    hwloc_bitmap_zero(allowed);
    for (int p = 0; p < places; p++) {
        hwloc_bitmap_t set = place_set(p);
        if (set) {
            hwloc_bitmap_or(allowed, allowed, set);
            hwloc_bitmap_free(set);
        }
    }
}

static void forget_bad_omp_env(char rejected[TOPO_ENV_MAX]);

/* The first NUMA node whose PUs meet `set`, or -1 (a node without PUs, such as a GPU's memory,
 * meets none). */
static int numa_node_of(hwloc_topology_t topology, int nodes, hwloc_const_bitmap_t set)
{
    for (int j = 0; j < nodes; j++) {
        hwloc_obj_t node = hwloc_get_obj_by_type(topology, HWLOC_OBJ_NUMANODE, (unsigned)j);
        if (node && node->cpuset && hwloc_bitmap_intersects(node->cpuset, set))
            return j;
    }
    return -1;
}

/* Reorders t's n cores round-robin over their NUMA nodes (topo.h), each node's in hwloc's order.
 * Where memory is short it keeps hwloc's order: a choice of placement, not of correctness. */
static void spread_over_nodes(topo *t, int n)
{
    int *node = malloc((size_t)n * sizeof *node), *next = calloc((size_t)t->nnodes + 1, sizeof *next);
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): hwloc_bitmap_t is a pointer type */
    hwloc_bitmap_t *set = malloc((size_t)n * sizeof *set);
    unsigned *id = malloc((size_t)n * sizeof *id);
    if (node && next && set && id) {
        for (int i = 0; i < n; i++)
            node[i] = t->core_node[i];
        /* Round after round, each node (and last the cores of none) gives its next core. */
        for (int k = 0; k < n;)
            for (int j = 0; j <= t->nnodes && k < n; j++) {
                int want = j < t->nnodes ? j : -1;
                while (next[j] < n && node[next[j]] != want)
                    next[j]++;
                if (next[j] < n) {
                    int i = next[j]++;
                    set[k] = t->core_set[i], id[k] = t->core_id[i], t->core_node[k] = want;
                    k++;
                }
            }
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): hwloc_bitmap_t is a pointer type */
        memcpy(t->core_set, set, (size_t)n * sizeof *set);
        memcpy(t->core_id, id, (size_t)n * sizeof *id);
    }
    free(node);
    free(next);
    free(set);
    free(id);
}

void topo_init(topo *t)
{
    char rejected[TOPO_ENV_MAX];
    forget_bad_omp_env(rejected); /* first: runtime_places() below starts the OpenMP runtime */
    memset(t, 0, sizeof *t);
    memcpy(t->omp_env_rejected, rejected, sizeof rejected);
    t->ncores = 1;
    /* Start-up cost: hwloc loads its plugins when the first topology is created, and Debian's
     * (XML through libxml2 and ICU, OpenCL, OpenGL through X11, PCI) pull in 25 shared libraries
     * that cost more than the discovery itself, for devices wordtally never looks at. A
     * blacklist the user set stands. */
    setenv("HWLOC_PLUGINS_BLACKLIST", "hwloc_xml_libxml,hwloc_pci,hwloc_opencl,hwloc_gl,"
                                      "hwloc_cuda,hwloc_nvml,hwloc_rsmi,hwloc_levelzero", 0);
    if (hwloc_topology_init(&t->topology) < 0) {
        t->topology = NULL;
        return;
    }
    /* Discover only what the binding and --topology use: packages, cores, PUs (and NUMA nodes,
     * always kept); no caches, groups, dies or I/O devices, no distances or memory attributes.
     * The x86 component (CPUID details on top of Linux's sysfs) moves the process onto every PU
     * in turn to ask it: on a loaded node each move waits for that CPU, tens of milliseconds. */
#if HWLOC_API_VERSION >= 0x00020100
    hwloc_topology_set_components(t->topology, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86");
#endif
    hwloc_topology_set_all_types_filter(t->topology, HWLOC_TYPE_FILTER_KEEP_NONE);
    hwloc_topology_set_type_filter(t->topology, HWLOC_OBJ_PACKAGE, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t->topology, HWLOC_OBJ_CORE, HWLOC_TYPE_FILTER_KEEP_ALL);
    /* The groups that hold a NUMA node smaller than a package (A64FX's CMGs, AMD's NPS4, Intel's
     * sub-NUMA clusters): without them the node hangs from the package and seems to span it. */
    hwloc_topology_set_type_filter(t->topology, HWLOC_OBJ_GROUP, HWLOC_TYPE_FILTER_KEEP_STRUCTURE);
    /* Keep the cores a cgroup (Slurm's task/cgroup, PBS's cpuset) forbids in the topology, so
     * --topology lists the whole node and numbers its cores the same way whatever the job got. */
    unsigned long flags = HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED;
#if HWLOC_API_VERSION >= 0x00020800
    flags |= HWLOC_TOPOLOGY_FLAG_NO_DISTANCES | HWLOC_TOPOLOGY_FLAG_NO_MEMATTRS |
             HWLOC_TOPOLOGY_FLAG_NO_CPUKINDS;
#endif
    hwloc_topology_set_flags(t->topology, flags);
    if (hwloc_topology_load(t->topology) < 0) {
        hwloc_topology_destroy(t->topology);
        t->topology = NULL;
        return;
    }
    /* The process's own binding is what taskset, numactl and the batch system set; the topology's
     * allowed set is what cgroups allow. */
    t->allowed = hwloc_bitmap_alloc();
    if (hwloc_get_cpubind(t->topology, t->allowed, HWLOC_CPUBIND_PROCESS) < 0)
        hwloc_bitmap_copy(t->allowed, hwloc_topology_get_allowed_cpuset(t->topology));
    runtime_places(t->allowed);
    hwloc_bitmap_and(t->allowed, t->allowed, hwloc_topology_get_allowed_cpuset(t->topology));
    t->npus = hwloc_bitmap_weight(t->allowed);

    int all = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_CORE);
    size_t most = (size_t)(all > t->npus ? all : t->npus) + 1;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): hwloc_bitmap_t is a pointer type */
    t->core_set = calloc(most, sizeof *t->core_set);
    t->core_id = calloc(most, sizeof *t->core_id);
    t->core_node = calloc(most, sizeof *t->core_node);
    t->nnodes = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_NUMANODE);
    int n = 0;
    for (int i = 0; i < all && t->core_set && t->core_id && t->core_node; i++) {
        hwloc_obj_t core = hwloc_get_obj_by_type(t->topology, HWLOC_OBJ_CORE, (unsigned)i);
        if (!core || !hwloc_bitmap_intersects(core->cpuset, t->allowed))
            continue;
        t->core_set[n] = hwloc_bitmap_dup(core->cpuset); /* a copy: never change the topology's */
        hwloc_bitmap_and(t->core_set[n], t->core_set[n], t->allowed);
        t->core_id[n] = core->logical_index;
        t->core_node[n] = numa_node_of(t->topology, t->nnodes, core->cpuset);
        n++;
    }
    if (n == 0 && t->core_set && t->core_id && t->core_node) {
        /* Some systems report no cores: fall back to one "core" per allowed PU. */
        unsigned pu;
        hwloc_bitmap_foreach_begin(pu, t->allowed)
        {
            t->core_set[n] = hwloc_bitmap_alloc();
            hwloc_bitmap_only(t->core_set[n], pu);
            t->core_id[n] = (unsigned)n;
            t->core_node[n] = numa_node_of(t->topology, t->nnodes, t->core_set[n]);
            n++;
        }
        hwloc_bitmap_foreach_end();
    }
    if (n > 1 && t->nnodes > 1)
        spread_over_nodes(t, n);
    t->ncores = n > 0 ? n : 1;
    if (n == 0) { /* nothing to bind to: behave as if hwloc had failed */
        topo_free(t);
        t->ncores = 1;
        memcpy(t->omp_env_rejected, rejected, sizeof rejected);
    }
}

void topo_free(topo *t)
{
    if (t->core_set) {
        for (int i = 0; i < t->ncores; i++)
            if (t->core_set[i])
                hwloc_bitmap_free(t->core_set[i]);
        free(t->core_set);
    }
    free(t->core_id);
    free(t->core_node);
    if (t->allowed)
        hwloc_bitmap_free(t->allowed);
    if (t->topology)
        hwloc_topology_destroy(t->topology);
    memset(t, 0, sizeof *t);
}

/* OMP_NUM_THREADS's thread count, or 0 when it is not one from 1 to 4096. */
static int omp_env_threads(const char *env)
{
    /* OpenMP allows a list ("4,2") for nested levels; the first entry is ours. */
    char *end;
    errno = 0;
    unsigned long n = strtoul(env, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (errno == 0 && n >= 1 && n <= THREADS_MAX && end != env && env[0] != '-' &&
        (*end == '\0' || *end == ','))
        return (int)n;
    return 0;
}

/* LLVM's libomp reads OMP_NUM_THREADS when it starts, at the first OpenMP call, and aborts on an
 * overflowing value ("99999999999999999999") even when num_threads() is given. So a value we reject
 * is kept (for topo_default_threads' warning) and removed from the environment before topo_init
 * makes the first OpenMP call. libgomp read it before main, so for it this changes nothing. */
static void forget_bad_omp_env(char rejected[TOPO_ENV_MAX])
{
    const char *env = getenv("OMP_NUM_THREADS");
    rejected[0] = '\0';
    if (env && *env && !omp_env_threads(env)) {
        snprintf(rejected, TOPO_ENV_MAX, "%s", env);
        unsetenv("OMP_NUM_THREADS");
    }
}

int topo_default_threads(const topo *t, const char **source)
{
    const char *env = t->omp_env_rejected[0] ? t->omp_env_rejected : getenv("OMP_NUM_THREADS");
    if (env && *env) {
        int n = omp_env_threads(env);
        if (n) {
            *source = "OMP_NUM_THREADS";
            return n;
        }
        fprintf(stderr, "wordtally: warning: ignoring OMP_NUM_THREADS=%s (not a thread count "
                        "from 1 to 4096); using %d (physical cores)\n", quote_value(0, env),
                t->ncores);
    }
    /* A machine (or a synthetic hwloc topology) with more cores than -t accepts gets the cap. */
    *source = t->ncores > THREADS_MAX ? "physical cores, capped at " LIMIT_TEXT(THREADS_MAX) : "physical cores";
    return t->ncores > THREADS_MAX ? THREADS_MAX : t->ncores;
}

int topo_should_bind(int option)
{
    return option != BIND_NEVER && !getenv("OMP_PROC_BIND") && !getenv("OMP_PLACES");
}

/* Fewer allowed PUs than the machine has: a batch system, a cpuset or taskset gave this run its
 * CPUs. */
static int allowed_is_part(const topo *t)
{
    return t->allowed &&
           hwloc_bitmap_weight(t->allowed) < hwloc_bitmap_weight(hwloc_topology_get_topology_cpuset(t->topology));
}

int topo_bind_plan(const topo *t, int threads, int option, const char **why)
{
    if (option == BIND_NEVER)
        return *why = "--no-bind", 0;
    if (!topo_should_bind(option))
        return *why = "OMP_PROC_BIND/OMP_PLACES: the runtime binds", 0;
    if (!t->topology)
        return *why = "no hwloc topology", 0;
    if (!topo_can_bind(t))
        return *why = "the hwloc topology is not this machine's", 0;
    if (option == BIND_ALWAYS)
        return *why = "--bind", 1;
    if (threads >= t->ncores)
        return *why = "a thread on every allowed core", 1;
    if (allowed_is_part(t))
        return *why = "the allowed CPUs are this job's, not the whole machine", 1;
    *why = "fewer threads than cores on the whole machine: left to the OS, so that runs side by "
           "side do not share cores; --bind pins";
    return 0;
}

int topo_can_bind(const topo *t)
{
    /* A topology from HWLOC_SYNTHETIC or an XML file describes another machine: hwloc's binding
     * calls then succeed without binding anything. */
    return t->topology && hwloc_topology_is_thissystem(t->topology);
}

/* "0-3,8" for a cpuset; "?" if hwloc cannot print it. The caller frees. */
static char *set_text(hwloc_const_bitmap_t set)
{
    char *s = NULL;
    if (hwloc_bitmap_list_asprintf(&s, set) < 0)
        s = NULL;
    return s ? s : strdup("?");
}

/* One thread's record, alone on its cache line: each thread writes its own after every chunk. */
struct place_seen {
    _Alignas(CACHE_LINE) hwloc_bitmap_t cpus; /* the CPUs it counted chunks on */
    long chunks;
    int pinned;                       /* its last pin: 1 took effect, 0 failed, -1 none tried */
    int last;                         /* the CPU of its last chunk: the set changes only on a move */
};

int team_place_init(team_place *p, const topo *t, int threads, int bind, const char *why,
                    int record)
{
    memset(p, 0, sizeof *p);
    p->t = t;
    p->bind = bind && topo_can_bind(t);
    p->unpinned = p->bind ? "pinning failed" : why;
    p->threads = threads;
    if (!record)
        return 0;
    size_t bytes = (size_t)threads * sizeof *p->seen; /* a multiple of the CACHE_LINE alignment */
    p->seen = aligned_alloc(_Alignof(struct place_seen), bytes);
    if (!p->seen)
        return -1;
    memset(p->seen, 0, bytes);
    for (int i = 0; i < threads; i++)
        if (!(p->seen[i].cpus = hwloc_bitmap_alloc())) {
            team_place_free(p);
            return -1;
        }
    team_place_reset(p);
    return 0;
}

void team_place_reset(team_place *p)
{
    for (int i = 0; p->seen && i < p->threads; i++) {
        hwloc_bitmap_zero(p->seen[i].cpus);
        p->seen[i].chunks = 0;
        p->seen[i].pinned = -1;
        p->seen[i].last = -1;
    }
}

void team_place_free(team_place *p)
{
    for (int i = 0; p->seen && i < p->threads; i++)
        hwloc_bitmap_free(p->seen[i].cpus);
    free(p->seen);
    p->seen = NULL;
}

void team_place_enter(team_place *p)
{
    if (!p || !p->bind)
        return;
    const topo *t = p->t;
    int i = omp_get_thread_num();
    int ok = hwloc_set_cpubind(t->topology, t->core_set[i % t->ncores], HWLOC_CPUBIND_THREAD) == 0;
    if (p->seen && i < p->threads)
        p->seen[i].pinned = ok;
    if (ok)
        return;
    int first;
#pragma omp atomic capture
    first = p->warned++;
    if (first == 0)
        fprintf(stderr, "wordtally: warning: could not pin threads to cores (%s); running unpinned\n",
                strerror(errno));
}

void team_place_seen(team_place *p)
{
    int i = omp_get_thread_num();
    if (!p || !p->seen || i >= p->threads)
        return;
    struct place_seen *s = &p->seen[i];
    int cpu = sched_getcpu();
    s->chunks++;
    if (cpu >= 0 && cpu != s->last) {
        hwloc_bitmap_set(s->cpus, (unsigned)cpu);
        s->last = cpu;
    }
}

void team_place_report(const team_place *p, int threads, FILE *out)
{
    const topo *t = p->t;
    for (int i = 0; p->seen && i < threads && i < p->threads; i++) {
        const struct place_seen *s = &p->seen[i];
        char *cpus = NULL;
        fprintf(out, "wordtally: thread %d: ", i);
        if (p->bind && s->pinned == 1) {
            char *pus = set_text(t->core_set[i % t->ncores]);
            fprintf(out, "pinned to core %u (PUs %s)", t->core_id[i % t->ncores], pus);
            free(pus);
        } else {
            fprintf(out, "not pinned (%s)", !p->bind || s->pinned == 0 ? p->unpinned : "never ran");
        }
        if (s->chunks && hwloc_bitmap_list_asprintf(&cpus, s->cpus) >= 0)
            fprintf(out, "; counted %ld chunk%s on CPU%s %s\n", s->chunks, s->chunks == 1 ? "" : "s",
                    hwloc_bitmap_weight(s->cpus) == 1 ? "" : "s", cpus);
        else
            fputs("; counted no chunk\n", out);
        free(cpus);
    }
}


static void print_objects(FILE *out, const topo *t, hwloc_obj_type_t type, const char *title)
{
    int n = hwloc_get_nbobjs_by_type(t->topology, type);
    fprintf(out, "%-11s %d\n", title, n);
    for (int i = 0; i < n; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(t->topology, type, (unsigned)i);
        if (!obj || !obj->cpuset)
            continue;
        char *pus = set_text(obj->cpuset);
        fprintf(out, "  %s %u: PUs %s", hwloc_obj_type_string(type), obj->logical_index, pus);
        if (type == HWLOC_OBJ_NUMANODE)
            fprintf(out, ", %.1f GiB local memory",
                    (double)obj->attr->numanode.local_memory / (1024.0 * 1024 * 1024));
        if (!hwloc_bitmap_intersects(obj->cpuset, t->allowed))
            fputs(" (none allowed)", out);
        fputc('\n', out);
        free(pus);
    }
}

static void print_schedule(FILE *out)
{
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    int monotonic = (kind & omp_sched_monotonic) != 0;
    kind &= ~omp_sched_monotonic;
    const char *name = kind == omp_sched_static    ? "static"
                       : kind == omp_sched_dynamic ? "dynamic"
                       : kind == omp_sched_guided  ? "guided"
                       : kind == omp_sched_auto    ? "auto"
                                                   : "other";
    const char *env = getenv("OMP_SCHEDULE");
    fprintf(out, "schedule:   %s%s,%d over the chunk table (%s)\n", monotonic ? "monotonic:" : "",
            name, chunk, env ? "from OMP_SCHEDULE" : "OMP_SCHEDULE unset: the runtime's default");
}

/* The order of the cores threads take (topo.h). */
static const char *order_text(const topo *t)
{
    return t->nnodes > 1 ? "taking the NUMA nodes in turn" : "in the order of the list above";
}

/* "  thread i -> core C (PUs ...)" for each thread, and its NUMA node where there are several. */
static void print_pins(FILE *out, const topo *t, int threads)
{
    for (int i = 0; i < threads; i++) {
        char *pus = set_text(t->core_set[i % t->ncores]);
        fprintf(out, "  thread %d -> core %u (PUs %s)", i, t->core_id[i % t->ncores], pus);
        if (t->nnodes > 1 && t->core_node[i % t->ncores] >= 0)
            fprintf(out, ", NUMA node %d", t->core_node[i % t->ncores]);
        fputc('\n', out);
        free(pus);
    }
}

int topo_print(FILE *out, const topo *t, int threads, const char *source, int bind,
               const char *why)
{
#ifdef HWLOC_VERSION
    fprintf(out, "topology:   hwloc %s\n", HWLOC_VERSION);
#endif
    if (!t->topology) {
        fputs("hwloc could not load the topology: 1 core assumed, threads are not pinned\n", out);
    } else {
        print_objects(out, t, HWLOC_OBJ_PACKAGE, "packages");
        print_objects(out, t, HWLOC_OBJ_NUMANODE, "NUMA nodes");
        print_objects(out, t, HWLOC_OBJ_CORE, "cores");
        char *all = set_text(hwloc_topology_get_topology_cpuset(t->topology));
        char *allowed = set_text(t->allowed);
        fprintf(out, "%-11s %d (%s)\n", "PUs", hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_PU),
                all);
        fprintf(out, "allowed:    PUs %s: %d PU%s on %d core%s (the process binding: taskset, "
                     "cgroups, the batch system)\n", allowed, t->npus, t->npus == 1 ? "" : "s",
                t->ncores, t->ncores == 1 ? "" : "s");
        free(all);
        free(allowed);
    }

    fprintf(out, "\nplan:       %d thread%s (from %s)", threads, threads == 1 ? "" : "s", source);
    if (threads > t->ncores)
        fprintf(out, "; oversubscribed: %d threads on %d core%s", threads, t->ncores,
                t->ncores == 1 ? "" : "s");
    fputc('\n', out);
    if (t->topology && !topo_can_bind(t)) {
        fprintf(out, "binding:    none: the hwloc topology is not this machine's (HWLOC_SYNTHETIC or an "
                     "XML file).\n            On that machine, with --bind or a thread on every core, "
                     "thread i would be pinned\n            to allowed core number i mod %d, %s:\n",
                t->ncores, order_text(t));
        print_pins(out, t, threads);
    } else if (bind) {
        fprintf(out, "binding:    wordtally pins thread i to allowed core number i mod %d, %s (%s)\n",
                t->ncores, order_text(t), why);
        print_pins(out, t, threads);
    } else if ((!getenv("OMP_PROC_BIND") && !getenv("OMP_PLACES")) ||
               omp_get_proc_bind() == omp_proc_bind_false) {
        fprintf(out, "binding:    none (%s): the OS places the threads\n",
                getenv("OMP_PROC_BIND") || getenv("OMP_PLACES") ? "OMP_PROC_BIND=false" : why);
    } else {
        const char *pb = getenv("OMP_PROC_BIND"), *pl = getenv("OMP_PLACES");
        fprintf(out, "binding:    the OpenMP runtime's (OMP_PROC_BIND=%s, OMP_PLACES=%s)\n",
                pb ? pb : "unset", pl ? pl : "unset");
        int places = omp_get_num_places();
        fprintf(out, "  %d place%s:", places, places == 1 ? "" : "s");
        for (int p = 0; p < places; p++) {
            hwloc_bitmap_t set = place_set(p);
            char *pus = set ? set_text(set) : NULL;
            fprintf(out, " {%s}", pus ? pus : "?");
            free(pus);
            hwloc_bitmap_free(set);
        }
        fputc('\n', out);
    }
    print_schedule(out);
    fputs("buffers:    each thread allocates and first-touches its own block buffer inside the\n"
          "            parallel region, so it lives on that thread's NUMA node\n", out);
    return stdfd_flush(out);
}

void topo_warn_oversubscribed(const topo *t, int threads)
{
    if (threads > t->ncores)
        fprintf(stderr, "wordtally: warning: %d threads on %d physical core%s: oversubscribed, "
                        "expect lower speed\n", threads, t->ncores, t->ncores == 1 ? "" : "s");
}

uint64_t topo_memory_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    uint64_t ram = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 1ULL << 32;
    FILE *f = fopen("/sys/fs/cgroup/memory.max", "r"); /* cgroup v2; "max" when unlimited */
    if (f) {
        char line[32];
        if (fgets(line, sizeof line, f) && line[0] >= '0' && line[0] <= '9') {
            char *end;
            errno = 0;
            unsigned long long limit = strtoull(line, &end, 10);
            if (!errno && end != line && limit < ram)
                ram = limit;
        }
        fclose(f);
    }
    return ram;
}
