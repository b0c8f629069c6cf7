/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NumPy's default generator, numpy.random.default_rng(seed): PCG64 (XSL-RR output) seeded
 * through SeedSequence. Lava's stochastic rounding draws from it, so a fixed_pt learning run
 * is bit-exact only with the very same streams.
 * Plain C: the C exporter embeds this text verbatim. */

#ifndef BSL_KERNEL_NUMPY_RANDOM_H
#define BSL_KERNEL_NUMPY_RANDOM_H

#include "bsl-kernel-common.h"

typedef struct
{
  uint64_t state_hi, state_lo;
  uint64_t inc_hi, inc_lo;
  int      has_uint32;
  uint32_t uinteger;
} BslNumpyRandom;

/* SeedSequence's hash constants (NumPy's bit_generator.pyx). */
#define BSL_K_SEED_INIT_A     0x43b0d7e5u
#define BSL_K_SEED_MULT_A     0x931e8875u
#define BSL_K_SEED_INIT_B     0x8b51f9ddu
#define BSL_K_SEED_MULT_B     0x58f38dedu
#define BSL_K_SEED_MIX_L      0xca01f9ddu
#define BSL_K_SEED_MIX_R      0x4973f715u
#define BSL_K_SEED_POOL_SIZE  4

/* PCG's 128-bit multiplier. */
#define BSL_K_PCG_MULT_HI     2549297995355413924ull
#define BSL_K_PCG_MULT_LO     4865540595714422341ull

static inline uint32_t
bsl_k_seed_hashmix (uint32_t value, uint32_t *hash_const)
{
  value ^= *hash_const;
  *hash_const *= BSL_K_SEED_MULT_A;
  value *= *hash_const;
  value ^= value >> 16;
  return value;
}

static inline uint32_t
bsl_k_seed_mix (uint32_t x, uint32_t y)
{
  uint32_t result = BSL_K_SEED_MIX_L * x - BSL_K_SEED_MIX_R * y;

  return result ^ (result >> 16);
}

/* SeedSequence(seed).generate_state(8, uint32): the entropy is the seed's 32-bit words, least
 * significant first (one word for a seed below 2^32, even for 0). */
static inline void
bsl_k_seed_sequence_state (uint64_t seed, uint32_t state[8])
{
  uint32_t entropy[2] = { (uint32_t) seed, (uint32_t) (seed >> 32) };
  unsigned n_entropy = (seed >> 32) != 0 ? 2 : 1;
  uint32_t pool[BSL_K_SEED_POOL_SIZE];
  uint32_t hash_const = BSL_K_SEED_INIT_A;

  for (unsigned i = 0; i < BSL_K_SEED_POOL_SIZE; i++)
    pool[i] = bsl_k_seed_hashmix (i < n_entropy ? entropy[i] : 0, &hash_const);
  for (unsigned src = 0; src < BSL_K_SEED_POOL_SIZE; src++)
    for (unsigned dst = 0; dst < BSL_K_SEED_POOL_SIZE; dst++)
      if (src != dst)
        pool[dst] = bsl_k_seed_mix (pool[dst], bsl_k_seed_hashmix (pool[src], &hash_const));

  hash_const = BSL_K_SEED_INIT_B;
  for (unsigned i = 0; i < 8; i++)
    {
      uint32_t value = pool[i % BSL_K_SEED_POOL_SIZE] ^ hash_const;

      hash_const *= BSL_K_SEED_MULT_B;
      value *= hash_const;
      state[i] = value ^ (value >> 16);
    }
}

/* (hi, lo) = (hi, lo) * mult + inc, modulo 2^128. */
static inline void
bsl_k_pcg_step (BslNumpyRandom *rng)
{
  unsigned __int128 state = ((unsigned __int128) rng->state_hi << 64) | rng->state_lo;
  unsigned __int128 mult = ((unsigned __int128) BSL_K_PCG_MULT_HI << 64) | BSL_K_PCG_MULT_LO;
  unsigned __int128 inc = ((unsigned __int128) rng->inc_hi << 64) | rng->inc_lo;

  state = state * mult + inc;
  rng->state_hi = (uint64_t) (state >> 64);
  rng->state_lo = (uint64_t) state;
}

/* default_rng(seed) for a non-negative integer seed below 2^64. */
static inline void
bsl_numpy_random_init (BslNumpyRandom *rng, uint64_t seed)
{
  uint32_t words[8];
  uint64_t seed_hi, seed_lo, initseq_hi, initseq_lo;
  unsigned __int128 state;

  bsl_k_seed_sequence_state (seed, words);
  /* generate_state(4, uint64) is the same words read two at a time, little-endian. */
  seed_hi = (uint64_t) words[0] | (uint64_t) words[1] << 32;
  seed_lo = (uint64_t) words[2] | (uint64_t) words[3] << 32;
  initseq_hi = (uint64_t) words[4] | (uint64_t) words[5] << 32;
  initseq_lo = (uint64_t) words[6] | (uint64_t) words[7] << 32;

  /* pcg_setseq_128_srandom_r: inc = initseq << 1 | 1; step; state += seed; step. */
  rng->inc_hi = initseq_hi << 1 | initseq_lo >> 63;
  rng->inc_lo = initseq_lo << 1 | 1u;
  rng->state_hi = rng->state_lo = 0;
  bsl_k_pcg_step (rng);
  state = ((unsigned __int128) rng->state_hi << 64 | rng->state_lo)
          + ((unsigned __int128) seed_hi << 64 | seed_lo);
  rng->state_hi = (uint64_t) (state >> 64);
  rng->state_lo = (uint64_t) state;
  bsl_k_pcg_step (rng);
  rng->has_uint32 = 0;
  rng->uinteger = 0;
}

static inline uint64_t
bsl_numpy_random_next64 (BslNumpyRandom *rng)
{
  uint64_t xored;
  unsigned rot;

  bsl_k_pcg_step (rng);
  xored = rng->state_hi ^ rng->state_lo;
  rot = (unsigned) (rng->state_hi >> 58);
  return (xored >> rot) | (xored << ((64u - rot) & 63u));
}

/* Generator.random(): a double in [0, 1). */
static inline double
bsl_numpy_random_double (BslNumpyRandom *rng)
{
  return (double) (bsl_numpy_random_next64 (rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* NumPy hands out a 64-bit draw as two 32-bit ones, low half first. */
static inline uint32_t
bsl_k_numpy_next32 (BslNumpyRandom *rng)
{
  uint64_t next;

  if (rng->has_uint32)
    {
      rng->has_uint32 = 0;
      return rng->uinteger;
    }
  next = bsl_numpy_random_next64 (rng);
  rng->has_uint32 = 1;
  rng->uinteger = (uint32_t) (next >> 32);
  return (uint32_t) next;
}

/* Generator.integers(0, n, dtype=int64) for 0 < n <= 2^32: Lemire's bounded method on 32-bit
 * draws, as NumPy does. */
static inline int64_t
bsl_numpy_random_integers (BslNumpyRandom *rng, uint64_t n)
{
  uint64_t range = n - 1;   /* NumPy's inclusive range */
  uint64_t m;
  uint32_t leftover;

  if (range == 0)
    return 0;
  if (range == 0xffffffffu)
    return bsl_k_numpy_next32 (rng);
  m = (uint64_t) bsl_k_numpy_next32 (rng) * n;
  leftover = (uint32_t) m;
  if (leftover < n)
    {
      uint32_t threshold = (uint32_t) ((0xffffffffu - range) % n);

      while (leftover < threshold)
        {
          m = (uint64_t) bsl_k_numpy_next32 (rng) * n;
          leftover = (uint32_t) m;
        }
    }
  return (int64_t) (m >> 32);
}

#endif
