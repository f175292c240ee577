/* kernel.c - the list of kernels, and the choice among them. */
#include "kernel.h"

#include <string.h>

static const kernel kernels[] = {
    {"scalar", kernel_scalar},
};

const kernel *kernel_select(const char *name, const char **why)
{
    if (strcmp(name, "auto") == 0)
        return &kernels[0];
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (strcmp(name, kernels[i].name) == 0)
            return &kernels[i];
    *why = "unknown kernel (expected auto or scalar)";
    return NULL;
}
