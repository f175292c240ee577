/* memread.c - the memory-read bandwidth probe for `make bench`: how fast can this machine's cores
 * read memory at all? Every thread first-touches its share of one large buffer (its own NUMA
 * node), then all threads sum their shares, several times; the best pass is reported.
 *   usage: memread [MiB] [passes]        threads: OMP_NUM_THREADS (default: all)
 *   prints: threads=N bytes=B best_gbps=X                                              */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoull(argv[1], NULL, 10) : 1024;
    int passes = argc > 2 ? atoi(argv[2]) : 5;
    if (mib == 0 || passes <= 0) {
        fputs("usage: memread [MiB] [passes]\n", stderr);
        return 2;
    }
    size_t n = mib * 1024 * 1024 / sizeof(uint64_t);
    uint64_t *a = malloc(n * sizeof *a);
    if (!a) {
        fputs("memread: out of memory\n", stderr);
        return 1;
    }
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        a[i] = i;
    double best = 1e30;
    uint64_t check = 0;
    for (int p = 0; p < passes; p++) {
        uint64_t sum = 0;
        double t0 = now();
        /* Same static split as the first touch: each thread reads what it wrote. Bytes are
         * summed as 64-bit words, which the compiler vectorises to full-width loads. */
#pragma omp parallel for simd schedule(static) reduction(+ : sum)
        for (size_t i = 0; i < n; i++)
            sum += a[i];
        double t = now() - t0;
        if (t < best)
            best = t;
        check += sum;
    }
    printf("threads=%d bytes=%zu best_gbps=%.2f check=%llu\n", omp_get_max_threads(),
           n * sizeof *a, (double)(n * sizeof *a) / best / 1e9, (unsigned long long)check);
    free(a);
    return 0;
}
