/* plan.h - what the run will do, resolved once from the command line: the thread count and where
 * it came from, the binding, the kernel and counting modes, and the inputs. Every mode (a plain
 * count, --sweep/--repeat, --topology, MPI ranks) starts from the same plan. */
#ifndef WORDTALLY_PLAN_H
#define WORDTALLY_PLAN_H

#include "cli.h"
#include "engine/count.h"
#include "engine/topo.h"

typedef struct {
    count_setup count;      /* words, kernel, chunk size, threads, paths, I/O: count.h */
    const char *threads_from; /* "-t", "--serial", "OMP_NUM_THREADS" or "physical cores" */
    int bind;               /* wordtally pins the team (topo_bind_plan) */
    const char *bind_why;   /* why it does or does not, for -v and --topology */
    const options *opt;     /* the report's format and the other settings as given */
    name_list inputs;       /* the inputs' names, listed by io/listing.c */
    char **names;           /* inputs.v: in order; "-" is standard input */
    size_t ninputs;
} plan;

/* Resolves o against the machine (after ranks_place, so an MPI rank sees its own cores) and lists
 * the inputs. Returns -1, or an exit code after a message (plan_free it either way). */
int plan_resolve(plan *p, const options *o, const topo *machine);
void plan_free(plan *p);

/* Warns about oversubscription, says where the threads come from (-v), and prepares where the
 * parallel team pins itself (*place, set in p->count; team_place_free it after the run). */
void plan_start_team(plan *p, const topo *machine, team_place *place);

#endif
