/* preadsum.c - the warm-I/O probe for `make bench`: the least a counter that reads files with
 * pread must pay. Every thread preads 256 KiB blocks of FILE (dynamic schedule over the blocks)
 * into its own buffer and sums the bytes, as wordtally's default I/O does before counting.
 *   usage: preadsum FILE          threads: OMP_NUM_THREADS (default: all)
 *   prints: threads=N bytes=B seconds=S sum=X                                              */
#include <fcntl.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { BLOCK = 256 * 1024 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    struct stat st;
    int fd = argc == 2 ? open(argv[1], O_RDONLY) : -1;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fputs("usage: preadsum FILE\n", stderr);
        return 2;
    }
    const long long blocks = ((long long)st.st_size + BLOCK - 1) / BLOCK;
    uint64_t sum = 0;
    int threads = 1, failed = 0;
    double t0 = now();
#pragma omp parallel reduction(+ : sum) reduction(| : failed)
    {
        uint64_t *buf = aligned_alloc(64, BLOCK);
        threads = omp_get_num_threads();
#pragma omp for schedule(dynamic, 4)
        for (long long b = 0; b < blocks; b++) {
            ssize_t n = buf ? pread(fd, buf, BLOCK, (off_t)(b * BLOCK)) : -1;
            if (n < 0) {
                failed = 1;
                continue;
            }
            for (size_t i = 0; i < (size_t)n / 8; i++)
                sum += buf[i];
        }
        free(buf);
    }
    double s = now() - t0;
    if (failed) {
        fputs("preadsum: read error\n", stderr);
        return 1;
    }
    printf("threads=%d bytes=%lld seconds=%.6f sum=%llu\n", threads, (long long)st.st_size, s,
           (unsigned long long)sum);
    return 0;
}
