/* mapio.h - counting a regular file through one read-only mapping instead of pread copies.
 * Measured on the 1 GB corpus (docs/BENCHMARKS.md): the copy from the page cache costs about
 * twice the CPU time of mapping the same pages, so `--io mmap` counts more bytes per core-second.
 * A file that shrinks while mapped raises SIGBUS on the lost pages: mapio catches it in the
 * thread that touched them and reports INPUT_CHANGED, never a crash. */
#ifndef WORDTALLY_MAPIO_H
#define WORDTALLY_MAPIO_H

#include "input.h"
#include "kernels/kernel.h"

enum { IO_PREAD, IO_MMAP };

typedef struct {
    const uint8_t *base; /* the whole file, read-only; NULL: not mapped (use pread) */
    uint64_t size;
    int fd;
} mapping;

/* Maps a regular file; on any failure leaves m->base NULL (the caller reads with pread). */
void mapping_open(mapping *m, const input *in);
void mapping_close(mapping *m);

/* Counts the block [off, off+len) of the file in place with `count` when the block and the kernel
 * context around it (kernel.h: KERNEL_PAD before, tail + KERNEL_PAD after) lie inside the file.
 * Returns 1 when counted, 0 when the caller must read the block itself (near the file's ends, or
 * not mapped), or on SIGBUS: INPUT_CHANGED when the file shrank under the mapping, else EIO (the
 * only two error values: an error is never confused with 1). */
int mapping_count(const mapping *m, uint64_t off, size_t len, size_t tail, kernel_fn count,
                  const wordlist *w, uint64_t *counts);

#endif
