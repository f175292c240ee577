/* plan.c - from the options as given to the run as it will be done. */
#include "plan.h"

#include <stdio.h>

void plan_resolve(plan *p, const options *o, const topo *machine)
{
    static char *stdin_only[] = {"-"};
    const char *from = "-t";
    int threads = o->threads ? o->threads : topo_default_threads(machine, &from);
    if (o->mode == COUNT_SERIAL) {
        threads = 1;
        from = "--serial";
    }
    *p = (plan){.count = {.words = &o->words, .kern = o->kern, .chunk_size = o->chunk_size,
                          .threads = threads, .mode = o->mode, .io = o->io},
                .threads_from = from, .bind = topo_should_bind(o->no_bind), .opt = o,
                .names = o->nfiles ? o->files : stdin_only,
                .ninputs = o->nfiles ? (size_t)o->nfiles : 1};
}

void plan_start_team(plan *p, const topo *machine, team_place *place)
{
    const int threads = p->count.threads;
    topo_warn_oversubscribed(machine, threads);
    if (p->opt->verbose)
        fprintf(stderr, "wordtally: %d thread%s (from %s); %d physical core%s, %d PUs allowed\n",
                threads, threads == 1 ? "" : "s", p->threads_from, machine->ncores,
                machine->ncores == 1 ? "" : "s", machine->npus);
    team_place_init(place, machine, threads, p->bind, p->opt->verbose);
    if (p->count.mode != COUNT_SERIAL)
        p->count.place = place;
}
