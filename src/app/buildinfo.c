/* buildinfo.c - the version and the build features that --version lists. Anything a build may or
 * may not have (an optional library, a code path chosen at build time) gets its line here, so
 * `wordtally --version` in a job log says which build ran. */
#include "buildinfo.h"

#include "kernels/kernel.h"
#include "io/unpack.h"

#include "mpi/ranks.h"

#include <hwloc.h>

#ifndef WORDTALLY_VERSION
#error "WORDTALLY_VERSION is not set: build with make (it reads the VERSION file)"
#endif

const char wordtally_version[] = WORDTALLY_VERSION;


/* The OpenMP version a compiler's _OPENMP date stands for (OpenMP specifications, "_OPENMP"). */
static const char *openmp_version(long date)
{
    static const struct { long date; const char *version; } known[] = {
        {202111, "5.2"}, {202011, "5.1"}, {201811, "5.0"}, {201511, "4.5"},
        {201307, "4.0"}, {201107, "3.1"}, {200805, "3.0"},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (date >= known[i].date)
            return known[i].version;
    return "before 3.0";
}

static void print_kernels(FILE *out)
{
    const kernel *best = NULL;
    fputs("  kernels:     ", out);
    for (size_t i = 0; i < kernel_count(); i++)
        fprintf(out, "%s%s", i ? " " : "", kernel_name(i));
    fputs(" (this CPU runs:", out);
    for (size_t i = 0; i < kernel_count(); i++)
        if (kernel_get(i)) {
            best = kernel_get(i);
            fprintf(out, " %s", best->name);
        }
    fprintf(out, "; auto picks %s)\n", best ? best->name : "none");
    fputs("  --tokens=words kernels this CPU runs:", out);
    for (size_t i = 0; i < kernel_words_count(); i++)
        if (kernel_words_get(i))
            fprintf(out, " %s", kernel_words_get(i)->name);
    fputc('\n', out);
}

void buildinfo_print(FILE *out)
{
    unsigned hw = hwloc_get_api_version();
    fprintf(out, "%s %s\n", ranks_mpi() ? "wordtally-mpi" : "wordtally", wordtally_version);
    print_kernels(out);
    fprintf(out, "  openmp:      %s (_OPENMP %ld)\n", openmp_version((long)_OPENMP), (long)_OPENMP);
    fprintf(out, "  mpi:         %s\n", ranks_describe());
    fprintf(out, "  hwloc:       built with %s, runs API %u.%u.%u\n", HWLOC_VERSION, hw >> 16,
            (hw >> 8) & 0xff, hw & 0xff);
    fprintf(out, "  compression: %s\n", unpack_libraries());
    fputs("  encodings:   utf-8 (default), latin1 (--encoding)\n", out);
    fputs("  tokens:      space (default), words (--tokens: Unicode word boundaries, UAX #29 as "
          "ICU 72)\n", out);
    fputs("  -i:          Unicode simple case folding in utf-8; ASCII case in latin1\n", out);
    fputs("License BSD-3-Clause: see the LICENSE file of the source.\n", out);
}
