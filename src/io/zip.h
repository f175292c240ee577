/* zip.h - a zip archive read from its start to its end, as a stream: member after member, each
 * member's data decoded (stored, deflate, bzip2, LZMA; with or without a data descriptor after
 * it) and checked (CRC-32, sizes), then the central directory, which must list those members,
 * and the end record, after which the input must end (APPNOTE.TXT, the PKWARE specification). */
#ifndef WORDTALLY_ZIP_H
#define WORDTALLY_ZIP_H

#include <stddef.h>
#include <stdint.h>

typedef struct zip_reader zip_reader;

/* Where the archive's bytes come from: up to n into dst, *got 0 at the end; 0 or an error code
 * (an errno value, INPUT_UNPACK: the source says why). */
typedef int (*zip_source)(void *ctx, uint8_t *dst, size_t n, size_t *got);

/* A reader of the archive that src gives from its first byte. fd >= 0: the archive is also the
 * whole regular file fd, from offset 0: its central directory is read first (pread), so that
 * links, directories and devices are known before their bytes and skipped. Without it (a pipe,
 * a compressed zip) the central directory comes at the end: a member it calls a link or device
 * was read as text by then, and is an error. Returns 0, ENOMEM or INPUT_UNPACK (zip_reason). */
int zip_open(zip_reader **z, zip_source src, void *ctx, int fd);
void zip_close(zip_reader *z);

/* The next regular member: *name is its name, NULL after the last one (the central directory
 * and the end checked). Returns 0, or an error (INPUT_UNPACK: zip_reason, or the source's). */
int zip_next(zip_reader *z, const char **name);

/* Up to n bytes of the member's text into dst: *got 0 at its end (its CRC-32 and sizes checked). */
int zip_read(zip_reader *z, uint8_t *dst, size_t n, size_t *got);

/* Why the reader returned INPUT_UNPACK; "" when the source did (it says why). */
const char *zip_reason(const zip_reader *z);
/* The member an error is about, or NULL (between members). */
const char *zip_member(const zip_reader *z);

#endif
