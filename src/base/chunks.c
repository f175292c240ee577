/* chunks.c - the chunk table. */
#include "chunks.h"

size_t chunks_fill(chunk *t, size_t max_entries, uint64_t from, uint64_t to, uint64_t size,
                   uint64_t max_piece)
{
    size_t n = 0;
    while (from < to && n < max_entries) {
        uint64_t k = from / size;
        uint64_t chunk_end = (k + 1) * size; /* may exceed the input: capped by `to` below */
        if (chunk_end < from)                /* (k + 1) * size wrapped: the last chunk of 2^64 */
            chunk_end = UINT64_MAX;
        uint64_t end = chunk_end < to ? chunk_end : to;
        if (end - from > max_piece)
            end = from + max_piece;
        t[n].index = k;
        t[n].offset = from;
        t[n].length = end - from;
        n++;
        from = end;
    }
    return n;
}

uint64_t chunks_count(uint64_t bytes, uint64_t size)
{
    return bytes / size + (bytes % size != 0);
}

void chunks_share(uint64_t nchunks, uint64_t part, uint64_t parts, uint64_t *first, uint64_t *end)
{
    /* q and r instead of nchunks * part / parts, which overflows for 2^62 chunks. */
    uint64_t q = nchunks / parts, r = nchunks % parts;
    *first = part * q + (part < r ? part : r);
    *end = *first + q + (part < r);
}

void chunks_share_bytes(uint64_t bytes, uint64_t size, uint64_t part, uint64_t parts,
                        uint64_t *from, uint64_t *to)
{
    uint64_t n = chunks_count(bytes, size), first, end;
    chunks_share(n, part, parts, &first, &end);
    *to = end < n ? end * size : bytes;
    *from = first < end ? first * size : *to; /* first < end <= n: no wrap; else empty */
}
