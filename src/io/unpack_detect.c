/* unpack_detect.c - compressed data and archives recognised by their first bytes, never by a
 * name. */
#include "unpack_internal.h"

#include <string.h>

int unpack_skippable(const uint8_t *h)
{
    return (h[0] & 0xf0) == 0x50 && memcmp(h + 1, "\x2a\x4d\x18", 3) == 0;
}

int unpack_filter_of(const uint8_t *h, size_t n)
{
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
        return GZIP;
    if (n >= 4 && (memcmp(h, "\x28\xb5\x2f\xfd", 4) == 0 || unpack_skippable(h)))
        return ZSTD;
    if (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0)
        return XZ;
    /* bzip2's first block's magic too, or the end-of-stream magic of an empty stream (more
     * streams may follow it): a text that starts with "BZh9" is still text. */
    if (n >= 10 && memcmp(h, "BZh", 3) == 0 && h[3] >= '1' && h[3] <= '9' &&
        (memcmp(h + 4, "1AY&SY", 6) == 0 || memcmp(h + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
        return BZIP2;
    return RAW;
}

/* A tar header: a checksum that holds, with "ustar" at 257 (POSIX) or without (v7 tar). Text can
 * hold "ustar" at 257 (as in "mustard"): the checksum tells them apart. The checksum field (octal, at
 * 148, 8 bytes) is the sum of the header's 512 bytes with the field itself read as spaces; old tars
 * summed signed bytes. */
static int is_tar(const uint8_t *h, size_t n)
{
    if (n < 512)
        return 0;
    unsigned long want = 0;
    size_t i = 148;
    while (i < 156 && h[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++, digits++)
        want = want * 8 + (unsigned long)(h[i] - '0');
    if (digits == 0 || (i < 156 && h[i] != ' ' && h[i] != '\0'))
        return 0;
    unsigned long sum = 0;
    long ssum = 0;
    for (i = 0; i < 512; i++) {
        uint8_t c = i >= 148 && i < 156 ? ' ' : h[i];
        sum += c;
        ssum += (signed char)c;
    }
    return sum == want || (unsigned long)ssum == want;
}

/* A zip: its first member's header, or the end record of a zip without members. */
int unpack_is_zip(const uint8_t *h, size_t n)
{
    return n >= 4 && (memcmp(h, "PK\x03\x04", 4) == 0 || memcmp(h, "PK\x05\x06", 4) == 0);
}

int unpack_is_archive(const uint8_t *h, size_t n)
{
    return unpack_is_zip(h, n) || is_tar(h, n);
}

int unpack_all_nul(const uint8_t *h, size_t n)
{
    return n && h[0] == 0 && memcmp(h, h + 1, n - 1) == 0;
}

/* An empty tar is only its end, blocks of NULs: 2 to 20 (tar's record of 10,240 bytes), and
 * nothing else; a longer run of NULs (a sparse file) is text. */
int unpack_is_empty_tar(const uint8_t *h, size_t n)
{
    return n >= 1024 && n <= EMPTY_TAR_MAX && n % 512 == 0 && unpack_all_nul(h, n);
}

int unpack_recognises(const uint8_t *head, size_t n, uint64_t size)
{
    return unpack_filter_of(head, n) != RAW || unpack_is_archive(head, n) ||
           (n == size && unpack_is_empty_tar(head, n));
}
