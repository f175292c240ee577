/* gunzip-probe.c - how fast a gzip file decodes through zlib directly and through libarchive's gzip
 * filter (raw format), each into a 4 MiB buffer that is then dropped: the decoder alone, for the
 * choice recorded in docs/BENCHMARKS.md. Not installed, not a test.
 *   cc -O2 -o gunzip-probe scripts/gunzip-probe.c -lz -larchive
 *   ./gunzip-probe FILE.gz */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define OUT (4u << 20)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long long by_zlib(const char *path, unsigned char *out)
{
    int fd = open(path, O_RDONLY);
    static unsigned char in[256 << 10];
    z_stream z = {0};
    long long total = 0;
    if (fd < 0 || inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    ssize_t n;
    int r = Z_OK;
    while ((n = read(fd, in, sizeof in)) > 0) {
        z.next_in = in;
        z.avail_in = (uInt)n;
        while (z.avail_in) {
            if (r == Z_STREAM_END)
                inflateReset(&z);
            z.next_out = out;
            z.avail_out = OUT;
            r = inflate(&z, Z_NO_FLUSH);
            if (r != Z_OK && r != Z_STREAM_END)
                return -1;
            total += OUT - z.avail_out;
        }
    }
    inflateEnd(&z);
    close(fd);
    return total;
}

static long long by_libarchive(const char *path, unsigned char *out)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    long long total = 0;
    archive_read_support_filter_gzip(a);
    archive_read_support_format_raw(a);
    if (archive_read_open_filename(a, path, 256 << 10) != ARCHIVE_OK ||
        archive_read_next_header(a, &e) != ARCHIVE_OK)
        return -1;
    la_ssize_t n;
    while ((n = archive_read_data(a, out, OUT)) > 0)
        total += n;
    archive_read_free(a);
    return n < 0 ? -1 : total;
}

int main(int argc, char **argv)
{
    unsigned char *out = malloc(OUT);
    if (argc != 2 || !out)
        return 2;
    for (int round = 0; round < 3; round++) {
        double t0 = now();
        long long z = by_zlib(argv[1], out);
        double t1 = now();
        long long a = by_libarchive(argv[1], out);
        double t2 = now();
        printf("round %d: zlib %lld bytes %.3f s (%.0f MB/s), libarchive %lld bytes %.3f s "
               "(%.0f MB/s), libarchive/zlib time %.2f\n", round, z, t1 - t0, z / (t1 - t0) / 1e6,
               a, t2 - t1, a / (t2 - t1) / 1e6, (t2 - t1) / (t1 - t0));
    }
    free(out);
    return 0;
}
