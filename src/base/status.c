/* status.c - one read(2) that reports its errno. */
#include "status.h"

#include <errno.h>
#include <unistd.h>

int read_some(int fd, uint8_t *dst, size_t n, size_t *got)
{
    for (;;) {
        ssize_t r = read(fd, dst, n);
        if (r >= 0) {
            *got = (size_t)r;
            return 0;
        }
        if (errno != EINTR)
            return errno;
    }
}
