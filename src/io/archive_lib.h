/* archive_lib.h - libarchive, loaded when the first tar is read rather than with the program:
 * with the libraries it pulls in (libxml2, ICU, libstdc++) it was two thirds of the start-up's
 * CPU (2.3 of 3.6 ms), and most runs read no tar. */
#ifndef WORDTALLY_ARCHIVE_LIB_H
#define WORDTALLY_ARCHIVE_LIB_H

#include <archive.h>
#include <archive_entry.h>

/* The functions the tar reader (unpack_archive.c) and -V (unpack.c) call, with libarchive's own
 * types. */
typedef struct archive_lib {
    __typeof__(archive_read_new) *read_new;
    __typeof__(archive_read_support_format_tar) *read_support_format_tar;
    __typeof__(archive_read_open) *read_open;
    __typeof__(archive_read_next_header) *read_next_header;
    __typeof__(archive_read_data) *read_data;
    __typeof__(archive_read_free) *read_free;
    __typeof__(archive_error_string) *error_string;
    __typeof__(archive_format_name) *format_name;
    __typeof__(archive_set_error) *set_error;
    __typeof__(archive_entry_filetype) *entry_filetype;
    __typeof__(archive_entry_pathname) *entry_pathname;
    __typeof__(archive_version_string) *version_string;
} archive_lib;

/* libarchive's functions, loaded on the first call (any thread); NULL when it cannot be loaded,
 * then *why says why (the dynamic loader's message). */
const archive_lib *archive_lib_get(const char **why);

#endif
