/* ranks_vocab.c - --top and --vocab across MPI ranks: each rank counts its share of every file's
 * chunk table into its own tables, then the tokens are shuffled so that each rank owns one hash
 * partition of them, and rank 0 gathers the best entries or the sorted runs. Only built into
 * wordtally-mpi (make mpi), like ranks.c. */
#include "ranks.h"
#include "ranks_internal.h"

#include "base/chunks.h"
#include "base/limits.h"
#include "base/words.h"
#include "engine/run.h"
#include "vocab/vocab.h"
#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ranks_vocab_share(uint32_t *r, uint32_t *n)
{
    *r = (uint32_t)my_rank;
    *n = (uint32_t)nranks;
}

int ranks_vocab_file(int err, uint64_t *bytes, int *over)
{
    int64_t mine[3] = {err, (int64_t)*bytes, *over}, *all = malloc((size_t)nranks * sizeof mine);
    if (!all)
        abort_ranks();
    MPI_Allgather(mine, 3, MPI_INT64_T, all, 3, MPI_INT64_T, MPI_COMM_WORLD);
    int failed = -1;
    *bytes = 0;
    for (int r = 0; r < nranks; r++) {
        if (failed < 0 && all[3 * r])
            failed = r;
        *bytes += (uint64_t)all[3 * r + 1];
        *over |= (int)all[3 * r + 2];
    }
    err = failed >= 0 ? (int)all[3 * failed] : 0;
    if (failed > 0 && my_rank == 0) {
        snprintf(on_rank_reason, sizeof on_rank_reason, "%s (on MPI rank %d of %d)",
                 input_strerror(err), failed, nranks);
        err = INPUT_ON_RANK;
    }
    free(all);
    return err;
}

int ranks_any(int flag)
{
    int any;
    MPI_Allreduce(&flag, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}

uint64_t ranks_sum(uint64_t x)
{
    uint64_t sum;
    MPI_Allreduce(&x, &sum, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    return sum;
}

/* Entries travel as records: count, length (8 bytes each), then the key's bytes. */
#define SHUFFLE_ROUND (4u << 20) /* bytes a rank sends to one rank per round, one key more */

static int buf_put(bytes_buf *b, const vocab_entry *e)
{
    size_t need = 16 + (size_t)e->len;
    if (buf_room(b, need) < 0)
        return -1;
    uint64_t head[2] = {e->count, e->len};
    memcpy(b->p + b->n, head, 16);
    memcpy(b->p + b->n + 16, e->key, (size_t)e->len);
    b->n += need;
    return 0;
}

/* Adds every record of p[0..n) to t (p has VOCAB_KEY_PAD bytes after n). */
static int take_records(vocab_table *t, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint64_t head[2];
        memcpy(head, p + i, 16);
        const uint8_t *key = p + i + 16;
        if (vocab_bump(t, key, head[1], vocab_hash(key, head[1], 0), head[0], 0) < 0)
            return -1;
        i += 16 + (size_t)head[1];
    }
    return 0;
}

/* The rank owning a key: from the hash's low bits (passes use the high ones). */
static int owner(uint64_t h)
{
    return (int)(((h & 0xffffffffu) * (uint64_t)nranks) >> 32);
}

int ranks_vocab_shuffle(vocab_table *t)
{
    vocab_table mine;
    vocab_init(&mine);
    size_t n = 0, next = 0;
    vocab_entry *e = vocab_entries(t, &n);
    bytes_buf *out = calloc((size_t)nranks, sizeof *out);
    int *scount = calloc((size_t)nranks * 4, sizeof *scount), *sdisp = scount + nranks;
    int *rcount = sdisp + nranks, *rdisp = rcount + nranks;
    int failed = (!e && n) || !out || !scount;
    uint8_t *sendbuf = NULL, *recvbuf = NULL;
    for (;;) {
        /* Fill this round: every rank's buffer up to SHUFFLE_ROUND (and one key more). */
        for (int r = 0; r < nranks && out; r++)
            out[r].n = 0;
        while (!failed && next < n) {
            int r = owner(vocab_hash(e[next].key, e[next].len, 0));
            if (out[r].n >= SHUFFLE_ROUND)
                break;
            failed = buf_put(&out[r], &e[next++]) < 0;
        }
        int more = !failed && next < n;
        if (ranks_any(failed) || failed) { /* (failed: for the analysers, ranks_any says it too) */
            failed = 1;
            break;
        }
        size_t total = 0;
        for (int r = 0; r < nranks; r++) {
            scount[r] = (int)out[r].n;
            sdisp[r] = (int)total;
            total += out[r].n;
        }
        uint8_t *sb = realloc(sendbuf, total ? total : 1);
        if (sb) {
            sendbuf = sb;
            for (int r = 0; r < nranks; r++)
                if (out[r].n)
                    memcpy(sendbuf + sdisp[r], out[r].p, out[r].n);
        }
        MPI_Alltoall(scount, 1, MPI_INT, rcount, 1, MPI_INT, MPI_COMM_WORLD);
        size_t rtotal = 0;
        for (int r = 0; r < nranks; r++) {
            rdisp[r] = (int)rtotal;
            rtotal += (size_t)rcount[r];
        }
        uint8_t *rb = realloc(recvbuf, rtotal + VOCAB_KEY_PAD);
        if (rb)
            recvbuf = rb;
        if (ranks_any(!sb || !rb) || !sb || !rb) {
            failed = 1;
            break;
        }
        MPI_Alltoallv(sendbuf, scount, sdisp, MPI_BYTE, recvbuf, rcount, rdisp, MPI_BYTE,
                      MPI_COMM_WORLD);
        failed = take_records(&mine, recvbuf, rtotal) < 0;
        if (!ranks_any(more || failed))
            break;
    }
    for (int r = 0; out && r < nranks; r++)
        free(out[r].p);
    free(out);
    free(scount);
    free(sendbuf);
    free(recvbuf);
    free(e);
    if (failed) {
        vocab_free(&mine);
        return -1;
    }
    vocab_free(t);
    *t = mine;
    return 0;
}

int ranks_vocab_top(vocab_topk *best)
{
    bytes_buf b = {0};
    int failed = 0;
    for (size_t i = 0; i < best->n && !failed; i++)
        failed = buf_put(&b, &best->e[i]) < 0;
    if (ranks_any(failed)) {
        free(b.p);
        return -1;
    }
    int n = (int)b.n, *counts = my_rank ? NULL : calloc((size_t)nranks * 2, sizeof *counts);
    if (my_rank == 0 && !counts)
        abort_ranks(); /* the others are in the Gather */
    MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    uint8_t *all = NULL;
    size_t total = 0;
    if (counts) { /* rank 0 */
        for (int r = 0; r < nranks; r++) {
            counts[nranks + r] = (int)total;
            total += (size_t)counts[r];
        }
        all = malloc(total + VOCAB_KEY_PAD);
        if (!all)
            abort_ranks();
    }
    MPI_Gatherv(b.p, n, MPI_BYTE, all, counts, counts ? counts + nranks : NULL, MPI_BYTE, 0,
                MPI_COMM_WORLD);
    free(b.p);
    /* Rank 0 offers the others' entries (its own are in the heap already). */
    for (size_t i = counts ? (size_t)counts[0] : 0; all && i < total && !failed;) {
        uint64_t head[2];
        memcpy(head, all + i, 16);
        vocab_entry e = {.key = all + i + 16, .len = head[1], .count = head[0]};
        failed = vocab_topk_offer(best, &e) < 0;
        i += 16 + (size_t)head[1];
    }
    free(all);
    free(counts);
    return failed ? -1 : 0;
}

enum { TAG_RUN_DATA = 1, TAG_RUNS_END = 2 };

int ranks_vocab_runs(FILE ***runs, uint32_t *nruns, FILE *(*temp)(void))
{
    enum { BLOCK = 4 << 20 };
    uint8_t *block = malloc(BLOCK);
    if (!block)
        abort_ranks(); /* the others are sending or receiving */
    int failed = 0;
    if (my_rank > 0) {
        /* Every run, in blocks; an empty block ends a run; TAG_RUNS_END ends them all. */
        for (uint32_t i = 0; i < *nruns; i++) {
            FILE *f = (*runs)[i];
            rewind(f);
            size_t got;
            do {
                got = failed ? 0 : fread(block, 1, BLOCK, f);
                MPI_Send(block, (int)got, MPI_BYTE, 0, TAG_RUN_DATA, MPI_COMM_WORLD);
            } while (got);
        }
        MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_RUNS_END, MPI_COMM_WORLD);
    } else {
        for (int r = 1; r < nranks; r++) {
            FILE *f = NULL;
            for (;;) {
                MPI_Status st;
                int got;
                MPI_Probe(r, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
                MPI_Get_count(&st, MPI_BYTE, &got);
                MPI_Recv(block, got, MPI_BYTE, r, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (st.MPI_TAG == TAG_RUNS_END)
                    break;
                if (!f && got && !failed) {
                    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of FILE pointers */
                    FILE **nr = realloc(*runs, (*nruns + 1) * sizeof *nr);
                    f = nr ? temp() : NULL;
                    if (nr)
                        *runs = nr;
                    if (f)
                        (*runs)[(*nruns)++] = f;
                    failed = !f;
                }
                if (got == 0)
                    f = NULL; /* the end of a run */
                else if (f && fwrite(block, 1, (size_t)got, f) != (size_t)got)
                    failed = 1;
            }
        }
    }
    free(block);
    return ranks_any(failed) ? -1 : 0;
}
