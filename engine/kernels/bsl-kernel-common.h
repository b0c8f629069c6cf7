/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plain C (libc and libm only): the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_COMMON_H
#define BSL_KERNEL_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Kernels are inlined into the engine's step functions, which are compiled once per instruction
 * set: a kernel left out of line would run the baseline code only. */
#if defined(__GNUC__)
#define BSL_K_INLINE static inline __attribute__ ((always_inline))
#else
#define BSL_K_INLINE static inline
#endif

#define BSL_K_STATE_MAX   ((int64_t) 1 << 23)    /* u and v are 24-bit on Loihi 2 */
#define BSL_K_DECAY_UNITY 4096                   /* du, dv are 12-bit fractions of 4096 */
#define BSL_K_ACT_SHIFT   6                      /* a_in, vth and bias scale: x << 6 */

/* x * 2^e for e >= 0, floor(x / 2^-e) for e < 0: Loihi's shift, without undefined behaviour
 * for negative x (the right shift of a negative value is arithmetic on every supported compiler). */
static inline int64_t
bsl_k_shift (int64_t x, int e)
{
  return e >= 0 ? x * ((int64_t) 1 << e) : x >> (e < -63 ? 63 : -e);   /* numpy: -1 or 0 */
}

/* x * factor / 4096 rounded toward zero, as Lava's sign(y) * (|y| >> 12). */
static inline int64_t
bsl_k_decay (int64_t x, int64_t factor)
{
  int64_t y = x * factor;

  return y >= 0 ? (y >> 12) : -((-y) >> 12);
}

/* The same for |x| < 2^31 and 0 <= factor <= 4096 in 32-bit arithmetic only: |x| is split into
 * 4096 * hi + lo, so nothing overflows and the loop can be vectorised. */
static inline int32_t
bsl_k_decay32 (int32_t x, int32_t factor)
{
  uint32_t a = x < 0 ? 0u - (uint32_t) x : (uint32_t) x;
  uint32_t r = (a >> 12) * (uint32_t) factor + (((a & 4095u) * (uint32_t) factor) >> 12);

  return x < 0 ? (int32_t) (0u - r) : (int32_t) r;
}

/* One conditional wrap into (-2^23, 2^23], as Lava's current update does. */
static inline int32_t
bsl_k_wrap24 (int64_t x)
{
  if (x > BSL_K_STATE_MAX)
    x -= 2 * BSL_K_STATE_MAX;
  else if (x <= -BSL_K_STATE_MAX)
    x += 2 * BSL_K_STATE_MAX;
  return (int32_t) x;
}

/* Saturation into [-(2^23 - 1), 2^23 - 1], as Lava's voltage update does. */
static inline int32_t
bsl_k_saturate24 (int64_t x)
{
  if (x > BSL_K_STATE_MAX - 1)
    return (int32_t) (BSL_K_STATE_MAX - 1);
  if (x < -(BSL_K_STATE_MAX - 1))
    return (int32_t) -(BSL_K_STATE_MAX - 1);
  return (int32_t) x;
}

/* A counter-based generator: the value for (key, t, i) does not depend on the order in which
 * elements or threads ask for it. splitmix64 finaliser over a combined key. */
static inline uint64_t
bsl_k_mix64 (uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* Uniform double in [0, 1) for element i at step t of a stream keyed by key. */
static inline double
bsl_k_uniform (uint64_t key, int64_t t, uint64_t i)
{
  uint64_t h = bsl_k_mix64 (key ^ bsl_k_mix64 ((uint64_t) t * 0x632be59bd9b4e019ULL ^ bsl_k_mix64 (i)));

  return (double) (h >> 11) * (1.0 / 9007199254740992.0);
}

#endif /* BSL_KERNEL_COMMON_H */
