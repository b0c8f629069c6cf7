/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* xoshiro256**: the engine's one pseudo-random generator. A seed means the same numbers on
 * every machine. Two seedings exist because two streams are specified apart: the initializers'
 * (docs/file-format.md, reproduced by the C export) and the optimisers'. */
typedef struct
{
  guint64 s[4];
} BslRandom;

/* The initializers' seeding: the state is four chained mix64 steps of the seed. */
void     bsl_random_init_mix64     (BslRandom *random,
                                    guint64    seed);
/* The optimisers' seeding: the state is four splitmix64 outputs from the seed. */
void     bsl_random_init_splitmix  (BslRandom *random,
                                    guint64    seed);

guint64  bsl_random_next           (BslRandom *random);
/* Uniform in [0, 1), from the top 53 bits. */
double   bsl_random_uniform        (BslRandom *random);
/* Standard normal (Box-Muller, one value per call from two uniforms). */
double   bsl_random_normal         (BslRandom *random);
/* Uniform integer in [0, n); 0 when n <= 1. */
guint64  bsl_random_below          (BslRandom *random,
                                    guint64    n);

G_END_DECLS
