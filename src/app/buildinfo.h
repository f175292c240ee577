/* buildinfo.h - what this build of wordtally has: the version and the build features (--version). */
#ifndef WORDTALLY_BUILDINFO_H
#define WORDTALLY_BUILDINFO_H

#include <stdio.h>

/* The release, from the VERSION file (the Makefile passes it as -DWORDTALLY_VERSION). */
extern const char wordtally_version[];

/* Prints the program's name and version, then one line per build feature: the kernels compiled in
 * and which of them this CPU runs, OpenMP, MPI, hwloc, compressed inputs. */
void buildinfo_print(FILE *out);

#endif
