/* emulated.h - kernels built a second time on SIMDe's portable AVX-512 (tests only), so that the
 * tests check their logic on machines whose CPU cannot run them; the native build is tested too
 * wherever the CPU runs it. */
#ifndef WORDTALLY_EMULATED_H
#define WORDTALLY_EMULATED_H

#include "kernels/kernel.h"

void kernel_vbmi_emulated(const wordlist *w, const uint8_t *p, size_t len, uint64_t *counts);

KERNEL_WITH_FOLD(kernel_vbmi_emulated, tokens_scalar) /* as kernel.c's list runs each kernel */

static const kernel emulated_kernels[] = {{"vbmi (emulated)", kernel_vbmi_emulated_folded, NULL, NULL}};
#define NEMULATED (sizeof emulated_kernels / sizeof emulated_kernels[0])

#endif
