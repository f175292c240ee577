/* stdfd.c - keeping the standard descriptors 0, 1 and 2 from being reused by open(). */
#include "stdfd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void stdfd_reserve(void)
{
    /* The opposite direction for 0 and 1, so that using them still fails with EBADF, as it
     * would have on the closed descriptor; 2 only loses the diagnostics the caller discarded. */
    static const int flags[3] = {O_WRONLY, O_RDONLY, O_WRONLY};
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        int got = open("/dev/null", flags[fd]); /* the lowest free number: fd itself */
        if (got >= 0 && got != fd) {
            dup2(got, fd);
            close(got);
        }
    }
}

int stdfd_flush(FILE *out)
{
    /* A text longer than the buffer was partly written before: a failure then left its reason. */
    int earlier = ferror(out) ? errno : 0;
    errno = 0;
    if (fflush(out) == 0 && !ferror(out))
        return 0;
    int e = errno ? errno : earlier ? earlier : EIO;
    fprintf(stderr, "wordtally: standard output: %s\n", strerror(e));
    return -1;
}
