/* listing.c - the inputs' names: arguments, --files-from, directory walks (-r, -L). */
#include "listing.h"

#include "base/limits.h"
#include "base/quote.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int add(name_list *l, const char *name, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';
    l->v[l->n++] = copy;
    return 0;
}

static int byte_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int names_add_pattern(const char ***list, int *n, const char *glob)
{
    const char **more = realloc(*list, (size_t)(*n + 1) * sizeof *more);
    if (!more)
        return -1;
    more[(*n)++] = glob;
    *list = more;
    return 0;
}

void names_rules_free(name_rules *r)
{
    free(r->include);
    free(r->exclude);
    free(r->exclude_dir);
    r->include = r->exclude = r->exclude_dir = NULL;
    r->ninclude = r->nexclude = r->nexclude_dir = 0;
}

static int any_matches(const char **globs, int n, const char *base)
{
    for (int i = 0; i < n; i++)
        if (fnmatch(globs[i], base, 0) == 0)
            return 1;
    return 0;
}

/* grep's rules: an --exclude wins; with --include given, one of them must match. */
static int file_wanted(const name_rules *r, const char *base)
{
    if (any_matches(r->exclude, r->nexclude, base))
        return 0;
    return r->ninclude == 0 || any_matches(r->include, r->ninclude, base);
}

static int dir_wanted(const name_rules *r, const char *base)
{
    return !any_matches(r->exclude_dir, r->nexclude_dir, base);
}

/* A path's last component, trailing slashes left out ("src/" is "src"), into buf. */
static const char *base_of(const char *path, char buf[PATH_MAX])
{
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    size_t len = end - start < PATH_MAX - 1 ? end - start : PATH_MAX - 1;
    memcpy(buf, path + start, len);
    buf[len] = '\0';
    return buf;
}

/* The directories from the walk's start down to the one being read: with -L, a symbolic link to
 * one of them would walk the same files again and again (until the path is too long), each
 * counted once per round. */
typedef struct ancestor {
    dev_t dev;
    ino_t ino;
    const struct ancestor *up;
} ancestor;

static int on_path(const ancestor *a, const struct stat *st)
{
    for (; a; a = a->up)
        if (a->dev == st->st_dev && a->ino == st->st_ino)
            return 1;
    return 0;
}

/* With -L one file can be met by two paths (a link to a directory beside it, or to the file):
 * each file met, by device and inode, and where its name is in the list. */
typedef struct {
    dev_t dev;
    ino_t ino;
    size_t at;
    const char *name; /* l->v[at] */
} file_id;

typedef struct {
    file_id *v;
    size_t n, cap;
} file_ids;

static int note(file_ids *ids, const struct stat *st, const name_list *l)
{
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? 2 * ids->cap : 64;
        file_id *v = realloc(ids->v, cap * sizeof *v);
        if (!v)
            return -1;
        ids->v = v;
        ids->cap = cap;
    }
    ids->v[ids->n++] = (file_id){st->st_dev, st->st_ino, l->n - 1, l->v[l->n - 1]};
    return 0;
}

static int id_order(const void *a, const void *b)
{
    const file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Keeps one name of each file, the first in byte order, among l->v[first..n). */
static void keep_once(name_list *l, size_t first, file_ids *ids)
{
    if (ids->n < 2)
        return; /* one file or none: no second path (and no array to sort) */
    qsort(ids->v, ids->n, sizeof *ids->v, id_order);
    for (size_t i = 1; i < ids->n; i++)
        if (ids->v[i].dev == ids->v[i - 1].dev && ids->v[i].ino == ids->v[i - 1].ino) {
            free(l->v[ids->v[i].at]);
            l->v[ids->v[i].at] = NULL;
        }
    size_t k = first;
    for (size_t i = first; i < l->n; i++)
        if (l->v[i])
            l->v[k++] = l->v[i];
    l->n = k;
}

/* Adds the regular files under dir (not sorted yet); ids (with -L) notes each. A directory that
 * cannot be listed is added itself, so that opening it names the reason. */
static int walk(name_list *l, const char *dir, const name_rules *r, file_ids *ids,
                const ancestor *up)
{
    const int follow = r->follow;
    DIR *d = opendir(dir);
    if (!d)
        return add(l, dir, strlen(dir));
    size_t dlen = strlen(dir);
    int err = 0;
    struct dirent *e;
    while (!err && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t len = dlen + 1 + strlen(e->d_name);
        char *path = malloc(len + 1);
        if (!path) {
            err = -1;
            break;
        }
        snprintf(path, len + 1, "%s%s%s", dir, dlen && dir[dlen - 1] == '/' ? "" : "/", e->d_name);
        /* The entry's type from the directory itself, where the file system gives it: no stat
         * for each of many files (with -L each is stat'ed: its device and inode tell it). */
        if (!follow && (e->d_type == DT_REG || e->d_type == DT_LNK)) {
            err = e->d_type == DT_REG && file_wanted(r, e->d_name) ? add(l, path, strlen(path)) : 0;
            free(path);
            continue;
        }
        struct stat st;
        int ok = (follow ? stat(path, &st) : lstat(path, &st)) == 0;
        if (!ok || S_ISREG(st.st_mode)) {
            if (file_wanted(r, e->d_name)) { /* a vanished entry: opening it says so */
                err = add(l, path, strlen(path));
                if (!err && ok && follow)
                    err = note(ids, &st, l);
            }
        } else if (S_ISDIR(st.st_mode) && !dir_wanted(r, e->d_name)) {
            ; /* --exclude-dir */
        } else if (S_ISDIR(st.st_mode) && on_path(up, &st)) {
            fprintf(stderr, "wordtally: warning: %s: a symbolic link to a directory it is in; "
                            "not followed again\n", quote_name(0, path));
        } else if (S_ISDIR(st.st_mode)) {
            err = strlen(path) < PATH_MAX
                      ? walk(l, path, r, ids, &(ancestor){st.st_dev, st.st_ino, up})
                      : add(l, path, strlen(path));
        }
        free(path); /* fifos, devices, sockets and (without -L) symbolic links: skipped */
    }
    closedir(d);
    return err;
}

static int add_argument(name_list *l, const char *name, const name_rules *r)
{
    struct stat st;
    char base[PATH_MAX];
    if (strcmp(name, "-") == 0)
        return add(l, name, 1);
    int dir = stat(name, &st) == 0 && S_ISDIR(st.st_mode);
    if (!dir || !r->recursive) /* a directory without -r stays, to be named as one */
        return dir || file_wanted(r, base_of(name, base)) ? add(l, name, strlen(name)) : 0;
    if (!dir_wanted(r, base_of(name, base)))
        return 0;
    size_t first = l->n;
    file_ids ids = {0};
    int err = walk(l, name, r, r->follow ? &ids : NULL, &(ancestor){st.st_dev, st.st_ino, NULL});
    if (!err && r->follow)
        keep_once(l, first, &ids);
    free(ids.v);
    if (err < 0)
        return -1;
    if (l->n > first) /* nothing kept: l->v may still be NULL, which qsort must not get */
        qsort(l->v + first, l->n - first, sizeof *l->v, byte_order);
    return 0;
}

static int usage(const char *what, const char *why)
{
    fprintf(stderr, "wordtally: --files-from '%s': %s\n", what, why);
    return EXIT_USAGE;
}

static int out_of_memory(void)
{
    fputs("wordtally: out of memory\n", stderr);
    return EXIT_USAGE;
}

/* Reads names one by one, never more than PATH_MAX bytes of one into memory. */
static int read_list(name_list *l, const name_rules *r)
{
    const int from_stdin = strcmp(r->files_from, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(r->files_from, "rb");
    if (!f)
        return usage(r->files_from, strerror(errno));
    const int end = r->null ? '\0' : '\n';
    char name[PATH_MAX];
    size_t len = 0, place = 0;
    int status = -1;
    while (status < 0) {
        int c = getc(f);
        if (c == '\0' && end != '\0') { /* no name holds one: a list from find -print0 */
            status = usage(r->files_from, "a name holds a NUL byte (NUL-separated names need "
                                          "--null)");
            break;
        }
        if (c != EOF && c != end) {
            if (len == sizeof name - 1)
                status = usage(r->files_from, "a name longer than PATH_MAX bytes");
            else
                name[len++] = (char)c;
            continue;
        }
        name[len] = '\0';
        if (len || c != EOF)
            place++;
        if (!len && r->null && c != EOF) { /* find -print0 never writes one */
            fprintf(stderr, "wordtally: %s:%zu: invalid zero-length file name\n",
                    quote_name(0, r->files_from), place);
            l->empty++;
        } else if (len && from_stdin && len == 1 && name[0] == '-')
            status = usage(r->files_from, "'-' (standard input) cannot be an input when the "
                                          "names are read from standard input");
        else if (len && add_argument(l, name, r) < 0)
            status = out_of_memory();
        len = 0;
        if (c == EOF)
            break;
    }
    if (status < 0 && ferror(f))
        status = usage(r->files_from, strerror(errno ? errno : EIO));
    if (!from_stdin)
        fclose(f);
    return status;
}

int names_build(name_list *l, char **args, int nargs, const name_rules *r)
{
    memset(l, 0, sizeof *l);
    int status = -1;
    for (int i = 0; i < nargs && status < 0; i++)
        if (add_argument(l, args[i], r) < 0)
            status = out_of_memory();
    if (status < 0 && r->files_from)
        status = read_list(l, r);
    if (status < 0 && nargs == 0 && !r->files_from && add(l, "-", 1) < 0)
        status = EXIT_USAGE;
    return status;
}

void names_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}
