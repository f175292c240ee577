/* topo.c - hwloc: init, load, query the allowed cores, bind, destroy (hwloc-hello's idiom). */
#include "topo.h"

#include <errno.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

void topo_init(topo *t)
{
    memset(t, 0, sizeof *t);
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
    hwloc_bitmap_and(t->allowed, t->allowed, hwloc_topology_get_allowed_cpuset(t->topology));
    t->npus = hwloc_bitmap_weight(t->allowed);

    int all = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_CORE);
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

int topo_default_threads(const topo *t, const char **source)
{
    const char *env = getenv("OMP_NUM_THREADS");
    if (env && *env) {
        /* OpenMP allows a list ("4,2") for nested levels; the first entry is ours. */
        char *end;
        errno = 0;
        unsigned long n = strtoul(env, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (errno == 0 && n >= 1 && n <= 4096 && end != env && env[0] != '-' &&
            (*end == '\0' || *end == ',')) {
            *source = "OMP_NUM_THREADS";
            return (int)n;
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
                first = warned++;
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
