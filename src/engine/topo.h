/* topo.h - the machine's cores (hwloc), the default thread count, and pinning threads to cores. */
#ifndef WORDTALLY_TOPO_H
#define WORDTALLY_TOPO_H

#include <hwloc.h>
#include <stdint.h>
#include <stdio.h>

#define TOPO_ENV_MAX 64 /* a rejected OMP_NUM_THREADS is quoted up to this length */

typedef struct {
    hwloc_topology_t topology;  /* NULL when hwloc could not load one: then nothing is bound */
    hwloc_bitmap_t allowed;     /* the CPUs this process may run on (taskset, cgroups, Slurm) */
    int ncores;                 /* physical cores with at least one allowed PU; at least 1 */
    /* The allowed cores in the order threads take them: the first core of each NUMA node, then
     * the second of each, and so on, so that a team smaller than the machine is spread over the
     * nodes' memory (hwloc's order where there is one node). */
    hwloc_bitmap_t *core_set;   /* allowed core i's allowed PUs */
    unsigned *core_id;          /* allowed core i's number in --topology's list (hwloc's logical
                                 * index among all cores, allowed or not) */
    int *core_node;             /* allowed core i's NUMA node (logical index), or -1 */
    int nnodes;                 /* NUMA nodes in the topology */
    int npus;                   /* allowed PUs */
    char omp_env_rejected[TOPO_ENV_MAX]; /* a bad OMP_NUM_THREADS, taken out of the environment
                                          * before the OpenMP runtime could read it (topo.c) */
} topo;

/* Never fails: with no usable topology it falls back to one core and no binding. Call it before
 * any OpenMP call: it removes a bad OMP_NUM_THREADS from the environment first. */
void topo_init(topo *t);
void topo_free(topo *t);

/* The thread count SPEC §3 asks for when -t is not given: OMP_NUM_THREADS if set and valid,
 * otherwise the physical cores, at most THREADS_MAX (base/limits.h). A bad OMP_NUM_THREADS gets a
 * warning on stderr. *source says which ("OMP_NUM_THREADS" or "physical cores"). */
int topo_default_threads(const topo *t, const char **source);

/* Warns on stderr when `threads` is more than the allowed physical cores. */
void topo_warn_oversubscribed(const topo *t, int threads);

/* --bind, --no-bind: whether wordtally pins its threads (topo_bind_plan). */
enum { BIND_AUTO, BIND_ALWAYS, BIND_NEVER };

/* Whether wordtally may pin its threads: not with --no-bind (option BIND_NEVER of cli.h), nor when
 * the user chose OpenMP's own binding (OMP_PROC_BIND, OMP_PLACES). */
int topo_should_bind(int option);

/* Whether wordtally pins a team of `threads` (SPEC §3), and in *why the reason either way, for -v
 * and --topology. Always with --bind; never when topo_should_bind says no or hwloc cannot bind;
 * otherwise when the team has a thread on every allowed core, or when the allowed CPUs are fewer
 * than the machine's (a batch job's allocation, a cpuset, taskset: given to this run). A smaller
 * team on a whole machine is left to the OS: runs started side by side (GNU parallel, xargs -P)
 * would all pin to the first cores and share them, while the OS spreads them over idle ones. */
int topo_bind_plan(const topo *t, int threads, int option, const char **why);

/* Where the counting team runs, set and seen from inside the counting loop itself (count.c): each
 * thread pins itself to allowed core (thread number mod ncores) as it enters the parallel region,
 * whichever pool thread the OpenMP runtime gave that number to, and with `record` (-v) notes the
 * CPU of every chunk it counts, for team_place_report. */
typedef struct team_place {
    const topo *t;
    int bind;            /* wordtally pins (topo_bind_plan) */
    const char *unpinned; /* -v: why the threads are not pinned, when they are not */
    int threads;         /* the largest team this may see (-t, or --sweep's largest count) */
    struct place_seen *seen; /* per thread; NULL: not recorded */
    int warned;          /* a failed pin was reported */
} team_place;

/* bind and why: topo_bind_plan's. Returns 0, or -1 when out of memory (then nothing is recorded;
 * pinning still works). */
int team_place_init(team_place *p, const topo *t, int threads, int bind, const char *why,
                    int record);
void team_place_free(team_place *p);
/* By every thread of the counting team: as it enters the parallel region, and after each chunk.
 * NULL: nothing to do. */
void team_place_enter(team_place *p);
void team_place_seen(team_place *p);
/* -v: a line per thread of the last team: the core it was pinned to and the CPUs it counted on. */
void team_place_report(const team_place *p, int threads, FILE *out);
/* Forgets what was seen (--sweep, between thread counts). */
void team_place_reset(team_place *p);

/* Whether binding a thread can take effect: a topology that is this machine's. */
int topo_can_bind(const topo *t);

/* --topology: the machine as hwloc sees it (packages, NUMA nodes, cores, PUs, the allowed CPU
 * set), then the plan for `threads` threads (from `source`): where each would be pinned, or the
 * OpenMP runtime's places when it binds, and the loop schedule. Returns 0, or -1 if writing failed (said on stderr). */
int topo_print(FILE *out, const topo *t, int threads, const char *source, int bind,
               const char *why);

/* The memory this process may use: the machine's RAM, or its cgroup's limit when lower. */
uint64_t topo_memory_bytes(void);

#endif
