/* chunks.h - the chunk table: which bytes of the input each unit of work counts. */
#ifndef WORDTALLY_CHUNKS_H
#define WORDTALLY_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

#define CHUNK_DEFAULT_SIZE (256u * 1024u)

/* SPEC §2: chunk k covers bytes [k*S, min((k+1)*S, size)). An entry is a chunk, or a piece of
 * one (input read from a pipe arrives in batches that may cut a chunk). */
typedef struct {
    uint64_t index;  /* chunk number k */
    uint64_t offset; /* first byte, from the start of the input */
    uint64_t length; /* bytes; at least 1 */
} chunk;

/* The table is built a window at a time, so that a tiny chunk size on a huge file needs no
 * huge array: 65536 entries (1.5 MiB) cover 16 GiB at the default chunk size. */
#define CHUNK_TABLE_WINDOW 65536

/* Fills t[] with the entries covering bytes [from, to) for chunk size `size`, cut at chunk
 * boundaries and into pieces of at most `max_piece` bytes; at most `max_entries` entries.
 * Returns the number of entries; they cover [from, from + sum of lengths). */
size_t chunks_fill(chunk *t, size_t max_entries, uint64_t from, uint64_t to, uint64_t size,
                   uint64_t max_piece);

/* Number of chunks of `size` bytes in an input of `bytes` bytes (0 for an empty input). */
uint64_t chunks_count(uint64_t bytes, uint64_t size);

/* Part `part` of `parts` contiguous, near-equal shares of a table of `nchunks` chunks (an MPI
 * rank's share): chunks [*first, *end); empty when there are more parts than chunks. */
void chunks_share(uint64_t nchunks, uint64_t part, uint64_t parts, uint64_t *first, uint64_t *end);

/* The bytes [*from, *to) of an input of `bytes` bytes that part `part` of `parts` counts: its
 * share of the chunk table (chunks_share) as a byte range; empty when it has no chunk. */
void chunks_share_bytes(uint64_t bytes, uint64_t size, uint64_t part, uint64_t parts,
                        uint64_t *from, uint64_t *to);

#endif
