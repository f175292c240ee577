/* listing.h - the list of inputs to count, in order: the FILE arguments, the names read from
 * --files-from, and with -r the regular files under each directory, in byte order of their paths.
 * Only names are kept: the run loop opens each input when its turn comes and closes it after, so
 * any number of inputs works under a small open-file limit. */
#ifndef WORDTALLY_NAMES_H
#define WORDTALLY_NAMES_H

#include <stddef.h>

typedef struct {
    char **v;   /* "-" is standard input */
    size_t n, cap;
    size_t empty; /* empty names in a --null list: each an input error, reported as it was read */
} name_list;

typedef struct {
    const char *files_from; /* --files-from F ("-": standard input); NULL: none */
    int null;               /* --null: F's names end with NUL bytes, not newlines */
    int recursive;          /* -r: a directory stands for the regular files under it */
    int follow;             /* -L: follow symbolic links met inside directories */
    /* --include, --exclude, --exclude-dir: shell patterns (fnmatch) on base names, as grep's.
     * A file is skipped when an --exclude matches, or when --include was given and none matches;
     * a directory when an --exclude-dir matches. FILE arguments and --files-from names are
     * filtered too; standard input never. */
    const char **include, **exclude, **exclude_dir;
    int ninclude, nexclude, nexclude_dir;
} name_rules;

/* Adds a pattern to one of the three lists (*n of them). Returns 0, or -1 when out of memory. */
int names_add_pattern(const char ***list, int *n, const char *glob);
/* Frees the pattern lists (not the patterns: they are the command line's). */
void names_rules_free(name_rules *r);

/* Builds the list from args[0..nargs) and the rules; no argument and no list: standard input.
 * Returns -1 on success, or EXIT_USAGE after a one-line message (an unreadable --files-from, a
 * name longer than PATH_MAX in it, "-" in a list read from standard input, out of memory).
 * An empty name in a --null list is left out with a line as GNU du's ("wordtally: F:N: invalid
 * zero-length file name", N its place in the list) and counted in l->empty: exit 1 at the end.
 * A directory that cannot be read stays in the list: the run loop reports why, exit 1. */
int names_build(name_list *l, char **args, int nargs, const name_rules *r);
void names_free(name_list *l);

#endif
