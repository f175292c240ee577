/* topo.c - hwloc: init, load, query the allowed cores, bind, destroy (hwloc-hello's idiom). */
#include "topo.h"

#include <errno.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

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

void topo_init(topo *t)
{
    char rejected[TOPO_ENV_MAX];
    forget_bad_omp_env(rejected); /* first: runtime_places() below starts the OpenMP runtime */
    memset(t, 0, sizeof *t);
    memcpy(t->omp_env_rejected, rejected, sizeof rejected);
    t->ncores = 1;
    if (hwloc_topology_init(&t->topology) < 0) {
        t->topology = NULL;
        return;
    }
    if (hwloc_topology_load(t->topology) < 0) {
        hwloc_topology_destroy(t->topology);
        t->topology = NULL;
        return;
    }
    /* The process's own binding is what taskset, numactl and the batch system set; the loaded
     * topology already leaves out what cgroups forbid. */
    t->allowed = hwloc_bitmap_alloc();
    if (hwloc_get_cpubind(t->topology, t->allowed, HWLOC_CPUBIND_PROCESS) < 0)
        hwloc_bitmap_copy(t->allowed, hwloc_topology_get_allowed_cpuset(t->topology));
    runtime_places(t->allowed);
    hwloc_bitmap_and(t->allowed, t->allowed, hwloc_topology_get_allowed_cpuset(t->topology));
    t->npus = hwloc_bitmap_weight(t->allowed);

    int all = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_CORE);
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): hwloc_bitmap_t is a pointer type */
    t->core_set = calloc(all > 0 ? (size_t)all : 1, sizeof *t->core_set);
    int n = 0;
    for (int i = 0; i < all && t->core_set; i++) {
        hwloc_obj_t core = hwloc_get_obj_by_type(t->topology, HWLOC_OBJ_CORE, (unsigned)i);
        if (!core || !hwloc_bitmap_intersects(core->cpuset, t->allowed))
            continue;
        t->core_set[n] = hwloc_bitmap_dup(core->cpuset); /* a copy: never change the topology's */
        hwloc_bitmap_and(t->core_set[n], t->core_set[n], t->allowed);
        n++;
    }
    if (n == 0 && t->npus > 0 && t->core_set) {
        /* Some systems report no cores: fall back to one "core" per allowed PU. */
        free(t->core_set);
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, as above */
        t->core_set = calloc((size_t)t->npus, sizeof *t->core_set);
        unsigned pu;
        hwloc_bitmap_foreach_begin(pu, t->allowed)
        {
            if (t->core_set) {
                t->core_set[n] = hwloc_bitmap_alloc();
                hwloc_bitmap_only(t->core_set[n], pu);
                n++;
            }
        }
        hwloc_bitmap_foreach_end();
    }
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
    if (errno == 0 && n >= 1 && n <= 4096 && end != env && env[0] != '-' &&
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
        fprintf(stderr, "wordtally: warning: ignoring OMP_NUM_THREADS='%s' (not a thread count "
                        "from 1 to 4096); using %d (physical cores)\n", env, t->ncores);
    }
    *source = "physical cores";
    return t->ncores;
}

int topo_should_bind(int no_bind_option)
{
    return !no_bind_option && !getenv("OMP_PROC_BIND") && !getenv("OMP_PLACES");
}

int topo_bind_team(const topo *t, int threads, int bind, FILE *report)
{
    /* cppcheck does not model `omp atomic capture` on a variable the team shares: */
    // cppcheck-suppress variableScope
    int pinned = 0, warned = 0;
    int *cpu = calloc((size_t)threads, sizeof *cpu);
    bind = bind && t->topology;

#pragma omp parallel num_threads(threads) reduction(+ : pinned)
    {
        int i = omp_get_thread_num();
        if (bind) {
            if (hwloc_set_cpubind(t->topology, t->core_set[i % t->ncores],
                                  HWLOC_CPUBIND_THREAD) == 0) {
                pinned++;
            } else {
                int first;
#pragma omp atomic capture
                // cppcheck-suppress unreadVariable
                first = warned++;
                // cppcheck-suppress knownConditionTrueFalse ; only the first thread sees 0
                if (first == 0)
                    fprintf(stderr, "wordtally: warning: could not pin threads to cores (%s); "
                                    "running unpinned\n", strerror(errno));
            }
        }
        if (cpu)
            cpu[i] = sched_getcpu();
    }

    if (report && cpu) {
        for (int i = 0; i < threads; i++) {
            char *set = NULL;
            if (bind && hwloc_bitmap_list_asprintf(&set, t->core_set[i % t->ncores]) >= 0)
                fprintf(report, "wordtally: thread %d: pinned to core %d (PUs %s), on CPU %d\n",
                        i, i % t->ncores, set, cpu[i]);
            else
                fprintf(report, "wordtally: thread %d: not pinned by wordtally, on CPU %d\n", i,
                        cpu[i]);
            free(set);
        }
    }
    free(cpu);
    return pinned;
}

/* "0-3,8" for a cpuset; "?" if hwloc cannot print it. The caller frees. */
static char *set_text(hwloc_const_bitmap_t set)
{
    char *s = NULL;
    if (hwloc_bitmap_list_asprintf(&s, set) < 0)
        s = NULL;
    return s ? s : strdup("?");
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

int topo_print(FILE *out, const topo *t, int threads, const char *source, int bind)
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
    if (bind && t->topology) {
        fprintf(out, "binding:    wordtally pins thread i to allowed core i mod %d\n", t->ncores);
        for (int i = 0; i < threads; i++) {
            char *pus = set_text(t->core_set[i % t->ncores]);
            fprintf(out, "  thread %d -> core %d (PUs %s)\n", i, i % t->ncores, pus);
            free(pus);
        }
    } else if ((!getenv("OMP_PROC_BIND") && !getenv("OMP_PLACES")) ||
               omp_get_proc_bind() == omp_proc_bind_false) {
        fputs("binding:    none (--no-bind, OMP_PROC_BIND=false or no topology): the OS places "
              "the threads\n", out);
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
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(stderr, "wordtally: standard output: %s\n", strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

void topo_warn_oversubscribed(const topo *t, int threads)
{
    if (threads > t->ncores)
        fprintf(stderr, "wordtally: warning: %d threads on %d physical core%s: oversubscribed, "
                        "expect lower speed\n", threads, t->ncores, t->ncores == 1 ? "" : "s");
}
