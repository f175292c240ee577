/* timer.h - the wall clock every timing in wordtally uses, and the rate it reports. */
#ifndef WORDTALLY_TIMER_H
#define WORDTALLY_TIMER_H

#include <stdint.h>
#include <time.h>

/* Seconds on the monotonic clock: never steps back when the system time is set. */
static inline double timer_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* GB/s (10^9 bytes); 0 for a run of no measurable time, so CSV and JSON stay numbers. */
static inline double timer_rate(uint64_t bytes, double seconds)
{
    return seconds > 0 ? (double)bytes / seconds / 1e9 : 0.0;
}

#endif
