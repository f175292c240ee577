/* topo.h - the machine's cores (hwloc), the default thread count, and pinning threads to cores. */
#ifndef WORDTALLY_TOPO_H
#define WORDTALLY_TOPO_H

#include <hwloc.h>
#include <stdio.h>

#define TOPO_ENV_MAX 64 /* a rejected OMP_NUM_THREADS is quoted up to this length */

typedef struct {
    hwloc_topology_t topology;  /* NULL when hwloc could not load one: then nothing is bound */
    hwloc_bitmap_t allowed;     /* the CPUs this process may run on (taskset, cgroups, Slurm) */
    int ncores;                 /* physical cores with at least one allowed PU; at least 1 */
    hwloc_bitmap_t *core_set;   /* core i's allowed PUs */
    int npus;                   /* allowed PUs */
    char omp_env_rejected[TOPO_ENV_MAX]; /* a bad OMP_NUM_THREADS, taken out of the environment
                                          * before the OpenMP runtime could read it (topo.c) */
} topo;

/* Never fails: with no usable topology it falls back to one core and no binding. Call it before
 * any OpenMP call: it removes a bad OMP_NUM_THREADS from the environment first. */
void topo_init(topo *t);
void topo_free(topo *t);

/* The thread count SPEC §3 asks for when -t is not given: OMP_NUM_THREADS if set and valid,
 * otherwise the physical cores. A bad OMP_NUM_THREADS gets a warning on stderr. *source says
 * which ("OMP_NUM_THREADS" or "physical cores"). */
int topo_default_threads(const topo *t, const char **source);

/* Warns on stderr when `threads` is more than the allowed physical cores. */
void topo_warn_oversubscribed(const topo *t, int threads);

/* Whether wordtally pins its threads: not when the user chose OpenMP's own binding. */
int topo_should_bind(int no_bind_option);

/* Pins the team's thread i to core i mod ncores; a failure is a warning. With `report`, prints
 * where each thread runs. Returns the number of threads that were pinned. */
int topo_bind_team(const topo *t, int threads, int bind, FILE *report);

/* --topology: the machine as hwloc sees it (packages, NUMA nodes, cores, PUs, the allowed CPU
 * set), then the plan for `threads` threads (from `source`): where each would be pinned, or the
 * OpenMP runtime's places when it binds, and the loop schedule. Returns 0, or -1 if writing failed (said on stderr). */
int topo_print(FILE *out, const topo *t, int threads, const char *source, int bind);

#endif
