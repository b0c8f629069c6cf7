/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "bsl-kernel-common.h"
#include "bsl-random.h"

void
bsl_random_init_mix64 (BslRandom *random,
                       guint64    seed)
{
  guint64 x = seed;

  g_return_if_fail (random != NULL);

  for (int k = 0; k < 4; k++)
    {
      x = bsl_k_mix64 (x);
      random->s[k] = x;
    }
}

static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
bsl_random_init_splitmix (BslRandom *random,
                          guint64    seed)
{
  guint64 state = seed;

  g_return_if_fail (random != NULL);

  for (guint i = 0; i < 4; i++)
    random->s[i] = splitmix64 (&state);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

guint64
bsl_random_next (BslRandom *random)
{
  guint64 *s = random->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
bsl_random_uniform (BslRandom *random)
{
  return (double) (bsl_random_next (random) >> 11) * (1.0 / 9007199254740992.0);
}

double
bsl_random_normal (BslRandom *random)
{
  double u1 = 1.0 - bsl_random_uniform (random);
  double u2 = bsl_random_uniform (random);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

guint64
bsl_random_below (BslRandom *random,
                  guint64    n)
{
  if (n <= 1)
    return 0;
  return bsl_random_next (random) % n;
}
