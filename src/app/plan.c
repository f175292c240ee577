/* plan.c - from the options as given to the run as it will be done. */
#include "plan.h"

#include "base/quote.h"

#include <stdio.h>
#include <stdlib.h>

int plan_resolve(plan *p, const options *o, const topo *machine)
{
    const char *from = "-t";
    int threads = o->threads ? o->threads : topo_default_threads(machine, &from);
    if (o->mode == COUNT_SERIAL) {
        threads = 1;
        from = "--serial";
    }
    *p = (plan){.count = {.words = &o->words, .kern = o->kern, .chunk_size = o->chunk_size,
                          .threads = threads, .mode = o->mode, .io = o->io,
                          .inputs = {.decompress = o->decompress, .threads = threads}},
                .threads_from = from, .opt = o};
    p->bind = topo_bind_plan(machine, threads, o->bind, &p->bind_why);
    int status = names_build(&p->inputs, o->files, o->nfiles, &o->names);
    p->names = p->inputs.v;
    p->ninputs = p->inputs.n;
    return status;
}

void plan_free(plan *p)
{
    names_free(&p->inputs);
}

void plan_start_team(plan *p, const topo *machine, team_place *place)
{
    const int threads = p->count.threads;
    topo_warn_oversubscribed(machine, threads);
    if (p->opt->verbose) {
        fprintf(stderr, "wordtally: %d thread%s (from %s); %d physical core%s, %d PUs allowed; "
                        "%s: %s\n", threads, threads == 1 ? "" : "s", p->threads_from,
                machine->ncores, machine->ncores == 1 ? "" : "s", machine->npus,
                p->bind ? "pinned" : "not pinned", p->bind_why);
        /* how idle threads wait: passive unless the user chose (main.c) */
        const char *policy = getenv("OMP_WAIT_POLICY"), *spin = getenv("GOMP_SPINCOUNT");
        fprintf(stderr, "wordtally: idle threads: OMP_WAIT_POLICY=%s%s%s\n",
                policy ? quote_name(0, policy) : "unset", spin ? ", GOMP_SPINCOUNT=" : "",
                spin ? quote_name(1, spin) : "");
    }
    team_place_init(place, machine, threads, p->bind, p->bind_why, p->opt->verbose);
    if (p->count.mode != COUNT_SERIAL)
        p->count.place = place;
}
