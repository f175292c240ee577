/* archive_lib.c - libarchive loaded on first use (archive_lib.h). */
#include "archive_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libarchive 3's soname, the one `-larchive` used to add (CFLAGS may name another). */
#ifndef ARCHIVE_SONAME
#define ARCHIVE_SONAME "libarchive.so.13"
#endif

static archive_lib lib;
static const archive_lib *loaded;
static char failed[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* dlsym's object pointer into a function pointer: POSIX guarantees this conversion. */
#define LOAD(field, name)                                                                          \
    do {                                                                                           \
        void *sym = dlsym(h, name);                                                                \
        if (!sym)                                                                                  \
            goto missing;                                                                          \
        memcpy(&lib.field, &sym, sizeof sym);                                                      \
    } while (0)

static void load(void)
{
    void *h = dlopen(ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(failed, sizeof failed, "%s", dlerror());
        return;
    }
    LOAD(read_new, "archive_read_new");
    LOAD(read_support_format_tar, "archive_read_support_format_tar");
    LOAD(read_open, "archive_read_open");
    LOAD(read_next_header, "archive_read_next_header");
    LOAD(read_data, "archive_read_data");
    LOAD(read_free, "archive_read_free");
    LOAD(error_string, "archive_error_string");
    LOAD(format_name, "archive_format_name");
    LOAD(set_error, "archive_set_error");
    LOAD(entry_filetype, "archive_entry_filetype");
    LOAD(entry_pathname, "archive_entry_pathname");
    LOAD(version_string, "archive_version_string");
    loaded = &lib;
    return;
missing:
    snprintf(failed, sizeof failed, "%s", dlerror());
    dlclose(h);
}

const archive_lib *archive_lib_get(const char **why)
{
    pthread_once(&once, load);
    *why = failed;
    return loaded;
}
