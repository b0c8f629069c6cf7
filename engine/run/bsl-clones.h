/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the attribute that compiles a hot function for several instruction sets. */
#pragma once

/* Hot step functions are compiled twice, for the baseline x86-64 and for AVX2 (x86-64-v3), and
 * the loader picks the one the processor runs. Both give the same bits: the project forbids
 * fused multiply-add, and vectorising a loop over outputs does not reorder any sum. */
#ifdef BSL_HAVE_TARGET_CLONES
#define BSL_VECTOR_CLONES __attribute__ ((target_clones ("default", "arch=x86-64-v3")))
#else
#define BSL_VECTOR_CLONES
#endif
