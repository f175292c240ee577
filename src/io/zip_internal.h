/* zip_internal.h - what the two files of the zip reader share: zip.c reads the members,
 * zip_directory.c the central directory (first, from a regular file, or at the end) and the end
 * record. */
#ifndef WORDTALLY_ZIP_INTERNAL_H
#define WORDTALLY_ZIP_INTERNAL_H

#include "zip.h"

#include <bzlib.h>
#include <lzma.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define ZBUF (256u << 10) /* holds any header: 46 bytes and three fields of up to 64 KiB */
#define HEADER_MAX (46u + 3u * 65535u)
#define LZMA_DICT_MAX (64u << 20) /* as xz's bound (XZ_MEMLIMIT): more is an error, not memory */

enum { STORED = 0, DEFLATE = 8, BZIP2 = 12, LZMA = 14 };
enum { REGULAR, DIRECTORY, LINK };
/* General purpose flags: encrypted (bit 0), patched data (5), strong encryption (6). */
#define FLAGS_SAME 0x61u

/* One member as the central directory lists it. */
typedef struct {
    uint64_t offset, csize, usize, name_hash;
    uint32_t crc;
    unsigned method, flags; /* flags: only those both headers must agree on (FLAGS_SAME) */
    int kind;
    size_t len; /* the header's bytes */
    const uint8_t *name;
    size_t name_len;
} cd_entry;

struct zip_reader {
    zip_source src;
    void *ctx;
    uint8_t *buf; /* the archive's bytes: buf[pos..len) not yet taken */
    size_t pos, len;
    int eof, done;
    uint64_t off; /* the archive's offset of buf[pos] */
    /* The member being read. */
    char *name;
    int in_member, in_data, ended, kind, zip64;
    unsigned flags, method;
    uint64_t offset, csize, usize, cin, uout, name_hash;
    uint32_t crc, want_crc;
    int have_cd; /* the central directory's entry for it (cd) was read first */
    cd_entry cd;
    z_stream z;
    bz_stream bz;
    lzma_stream xz;
    int dec; /* the decoder set up: its method */
    /* Every member so far, for the central directory at the end: their count and a digest of
     * their offsets, names and CRC-32s in order. */
    uint64_t members, digest;
    /* The central directory read first (a regular file): its entries at [cd_next, cd_end). */
    int fd;
    uint64_t cd_next, cd_end;
    uint8_t *cdbuf;
    char why[200];
};

static inline uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t le32(const uint8_t *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static inline uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static inline size_t zip_avail(const zip_reader *z)
{
    return z->len - z->pos;
}

static inline void zip_take(zip_reader *z, size_t k)
{
    z->pos += k;
    z->off += k;
}

/* ---- zip.c ---- */

/* Sets z->why; returns INPUT_UNPACK. */
int zip_bad(zip_reader *z, const char *fmt, ...);
/* Makes k bytes available at buf[pos] unless the archive ends first (the caller checks). */
int zip_fill_to(zip_reader *z, size_t k);
/* zip_fill_to, and a truncated archive if the bytes are not there. */
int zip_need(zip_reader *z, size_t k, const char *what);
uint64_t zip_name_hash(const uint8_t *p, size_t n); /* FNV-1a */
/* The zip64 extended information field (0x0001) of an extra field: the 8-byte values of the
 * fields that are 0xFFFFFFFF, in order. */
void zip_zip64_values(const uint8_t *x, size_t n, uint64_t *v[], int nv);

/* ---- zip_directory.c ---- */

/* A member as both its header and the central directory describe it, into a digest of all. */
uint64_t zip_digest_add(uint64_t d, const cd_entry *e);
/* The end record of a regular file: where its central directory is. */
int zip_find_directory(zip_reader *z);
/* With the central directory read first: its next entry, which must be the member at offset. */
int zip_cd_next(zip_reader *z, uint64_t offset);
/* At the end of the members: the central directory, which must list them, and the end record,
 * after which the input must end. */
int zip_directory(zip_reader *z);

#endif
