/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dense, Sparse and DelayDense step kernels with Lava's semantics. Weights are stored transposed
 * (one row per input, n_out long) so that a spike touches one contiguous row: propagation is
 * event-driven and costs O(spikes x n_out). Every kernel works on an output range
 * [begin, end) so that a matrix can be split across threads without changing any sum.
 * Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_DENSE_H
#define BSL_KERNEL_DENSE_H

#include "bsl-kernel-common.h"

/* Lava's sign modes (weightutils.SignMode). */
enum { BSL_K_SIGN_AUTO = 0, BSL_K_SIGN_MIXED = 1, BSL_K_SIGN_EXCITATORY = 2, BSL_K_SIGN_INHIBITORY = 3 };

/* Collects the indices of non-zero inputs (ascending): the spikes of this step. Spikes are
 * sparse, so inputs are looked at eight at a time and a group with none is skipped. */
#define BSL_K_COLLECT_GROUP 8

BSL_K_INLINE size_t
bsl_k_collect_active_float (size_t n_in, const double *s_in, uint32_t *active)
{
  const size_t n_groups = n_in / BSL_K_COLLECT_GROUP;
  size_t n = 0;

  for (size_t g = 0; g < n_groups; g++)
    {
      const size_t j0 = g * BSL_K_COLLECT_GROUP;
      /* The bits of a double without its sign are zero exactly when it equals 0.0. */
      uint64_t bits[BSL_K_COLLECT_GROUP], any = 0;
      memcpy (bits, s_in + j0, sizeof bits);
      for (size_t j = 0; j < BSL_K_COLLECT_GROUP; j++)
        any |= bits[j] & 0x7fffffffffffffffULL;
      if (any)
        for (size_t j = j0; j < j0 + BSL_K_COLLECT_GROUP; j++)
          if (s_in[j] != 0.0)
            active[n++] = (uint32_t) j;
    }
  for (size_t j = n_groups * BSL_K_COLLECT_GROUP; j < n_in; j++)
    if (s_in[j] != 0.0)
      active[n++] = (uint32_t) j;
  return n;
}

BSL_K_INLINE size_t
bsl_k_collect_active_fixed (size_t n_in, const int32_t *s_in, uint32_t *active)
{
  const size_t n_groups = n_in / BSL_K_COLLECT_GROUP;
  size_t n = 0;

  for (size_t g = 0; g < n_groups; g++)
    {
      const size_t j0 = g * BSL_K_COLLECT_GROUP;
      uint32_t any = 0;
      for (size_t j = j0; j < j0 + BSL_K_COLLECT_GROUP; j++)
        any |= (uint32_t) s_in[j];
      if (any)
        for (size_t j = j0; j < j0 + BSL_K_COLLECT_GROUP; j++)
          if (s_in[j] != 0)
            active[n++] = (uint32_t) j;
    }
  for (size_t j = n_groups * BSL_K_COLLECT_GROUP; j < n_in; j++)
    if (s_in[j] != 0)
      active[n++] = (uint32_t) j;
  return n;
}

/* Lava's weight preprocessing for fixed_pt: sign mode from the weights when auto, clip to the
 * sign mode's 8-bit range, then drop the bits below num_weight_bits (MIXED spends one bit on the
 * sign). The result is the weight the Python model multiplies with. */
static inline int
bsl_k_dense_sign_mode (const int32_t *w, size_t n, int sign_mode)
{
  int32_t lo = 0, hi = 0;

  if (sign_mode != BSL_K_SIGN_AUTO)
    return sign_mode;
  for (size_t k = 0; k < n; k++)
    {
      if (w[k] < lo) lo = w[k];
      if (w[k] > hi) hi = w[k];
    }
  if (lo >= 0)
    return BSL_K_SIGN_EXCITATORY;
  if (hi <= 0)
    return BSL_K_SIGN_INHIBITORY;
  return BSL_K_SIGN_MIXED;
}

static inline int32_t
bsl_k_dense_quantize_weight (int32_t w, int sign_mode, int num_weight_bits)
{
  int shift = 8 - num_weight_bits + (sign_mode == BSL_K_SIGN_MIXED ? 1 : 0);

  if (shift < 0)
    shift = 0;
  switch (sign_mode)
    {
    case BSL_K_SIGN_INHIBITORY:
      {
        int32_t m = -w;
        m = m < 0 ? 0 : (m > 255 ? 255 : m);
        m = (m >> shift) * (1 << shift);
        return -m;
      }
    case BSL_K_SIGN_EXCITATORY:
      w = w < 0 ? 0 : (w > 255 ? 255 : w);
      break;
    default:
      w = w < -256 ? -256 : (w > 255 ? 255 : w);
      break;
    }
  return (int32_t) ((int64_t) (w >> shift) * (1 << shift));
}

/* Outputs are summed in blocks that stay in the first-level cache while every active row adds
 * its part, four rows a pass so that the block is loaded and stored a quarter as often. Every
 * output still adds the rows in the order of active, so the sums do not depend on the block, on
 * the range a thread was given, or on whether the compiler vectorised the loop. */
#define BSL_K_DENSE_BLOCK 1024

/* ---- floating_pt: a_buff = W[:, s != 0].sum(axis=1), or W @ s with graded messages ---- */

BSL_K_INLINE void
bsl_k_dense_float_block (size_t i0, size_t i1, size_t n_out, const double *restrict wt,
                         const uint32_t *active, size_t n_active, double *restrict out)
{
  size_t k = 0;

  for (size_t i = i0; i < i1; i++)
    out[i] = 0.0;
  for (; k + 4 <= n_active; k += 4)
    {
      const double *restrict r0 = wt + (size_t) active[k] * n_out;
      const double *restrict r1 = wt + (size_t) active[k + 1] * n_out;
      const double *restrict r2 = wt + (size_t) active[k + 2] * n_out;
      const double *restrict r3 = wt + (size_t) active[k + 3] * n_out;
      for (size_t i = i0; i < i1; i++)
        out[i] = (((out[i] + r0[i]) + r1[i]) + r2[i]) + r3[i];
    }
  for (; k < n_active; k++)
    {
      const double *restrict row = wt + (size_t) active[k] * n_out;
      for (size_t i = i0; i < i1; i++)
        out[i] += row[i];
    }
}

BSL_K_INLINE void
bsl_k_dense_float_accumulate (size_t begin, size_t end, size_t n_out, const double *wt,
                              const uint32_t *active, size_t n_active,
                              const double *payload, double *a_buff)
{
  for (size_t i0 = begin; i0 < end; i0 += BSL_K_DENSE_BLOCK)
    {
      size_t i1 = i0 + BSL_K_DENSE_BLOCK < end ? i0 + BSL_K_DENSE_BLOCK : end;

      if (payload == NULL)
        {
          bsl_k_dense_float_block (i0, i1, n_out, wt, active, n_active, a_buff);
          continue;
        }
      for (size_t i = i0; i < i1; i++)
        a_buff[i] = 0.0;
      for (size_t k = 0; k < n_active; k++)
        {
          const double *row = wt + (size_t) active[k] * n_out;
          const double s = payload[active[k]];
          for (size_t i = i0; i < i1; i++)
            a_buff[i] += row[i] * s;
        }
    }
}

/* ---- fixed_pt: sums in 32 bits (binary) or 64 bits (graded), then the weight_exp shift ---- */

/* Binary spikes: 32-bit partial sums of at most 2^15 rows of 9-bit weights cannot overflow. The
 * engine stores weights that fit in 8 bits as int8 (see bsl_k_dense_fixed_accumulate8), which
 * halves the memory a step reads; both orders of summation give the same integers. */
#define BSL_K_DENSE_ROWS_PER_PART 32768

/* Adds rows k0..k1 of active to part, four rows a pass; one definition per weight type. */
#define BSL_K_DENSE_FIXED_PART(name, weight_t)                                                   \
  BSL_K_INLINE void                                                                            \
  name (size_t i0, size_t i1, size_t n_out, const weight_t *restrict wt,                        \
        const uint32_t *active, size_t k0, size_t k1, int32_t *restrict part)                   \
  {                                                                                            \
    size_t k = k0;                                                                             \
    for (; k + 4 <= k1; k += 4)                                                                \
      {                                                                                        \
        const weight_t *restrict r0 = wt + (size_t) active[k] * n_out;                          \
        const weight_t *restrict r1 = wt + (size_t) active[k + 1] * n_out;                      \
        const weight_t *restrict r2 = wt + (size_t) active[k + 2] * n_out;                      \
        const weight_t *restrict r3 = wt + (size_t) active[k + 3] * n_out;                      \
        for (size_t i = i0; i < i1; i++)                                                       \
          part[i - i0] += (int32_t) r0[i] + r1[i] + r2[i] + r3[i];                             \
      }                                                                                        \
    for (; k < k1; k++)                                                                        \
      {                                                                                        \
        const weight_t *restrict row = wt + (size_t) active[k] * n_out;                         \
        for (size_t i = i0; i < i1; i++)                                                       \
          part[i - i0] += row[i];                                                              \
      }                                                                                        \
  }
BSL_K_DENSE_FIXED_PART (bsl_k_dense_fixed_part16, int16_t)
BSL_K_DENSE_FIXED_PART (bsl_k_dense_fixed_part8, int8_t)

/* Either wt16 or wt8 is given; an int8 weight stands for unit times itself. */
BSL_K_INLINE void
bsl_k_dense_fixed_binary (size_t begin, size_t end, size_t n_out, const int16_t *wt16,
                          const int8_t *wt8, int64_t unit, const uint32_t *active,
                          size_t n_active, int64_t *acc)
{
  int32_t part[BSL_K_DENSE_BLOCK];

  for (size_t i0 = begin; i0 < end; i0 += BSL_K_DENSE_BLOCK)
    {
      size_t i1 = i0 + BSL_K_DENSE_BLOCK < end ? i0 + BSL_K_DENSE_BLOCK : end;

      for (size_t i = i0; i < i1; i++)
        acc[i] = 0;
      for (size_t k0 = 0; k0 < n_active; k0 += BSL_K_DENSE_ROWS_PER_PART)
        {
          size_t k1 = k0 + BSL_K_DENSE_ROWS_PER_PART < n_active ? k0 + BSL_K_DENSE_ROWS_PER_PART
                                                                : n_active;
          for (size_t i = i0; i < i1; i++)
            part[i - i0] = 0;
          if (wt8 != NULL)
            bsl_k_dense_fixed_part8 (i0, i1, n_out, wt8, active, k0, k1, part);
          else
            bsl_k_dense_fixed_part16 (i0, i1, n_out, wt16, active, k0, k1, part);
          for (size_t i = i0; i < i1; i++)
            acc[i] += (int64_t) part[i - i0] * unit;
        }
    }
}

BSL_K_INLINE void
bsl_k_dense_fixed_graded (size_t begin, size_t end, size_t n_out, const int16_t *wt16,
                          const int8_t *wt8, int64_t unit, const uint32_t *active,
                          size_t n_active, const int32_t *payload, int64_t *acc)
{
  for (size_t i = begin; i < end; i++)
    acc[i] = 0;
  for (size_t k = 0; k < n_active; k++)
    {
      const size_t j = active[k];
      const int64_t s = payload[j];
      if (wt8 != NULL)
        for (size_t i = begin; i < end; i++)
          acc[i] += (int64_t) wt8[j * n_out + i] * unit * s;
      else
        for (size_t i = begin; i < end; i++)
          acc[i] += (int64_t) wt16[j * n_out + i] * s;
    }
}

BSL_K_INLINE void
bsl_k_dense_fixed_output (size_t begin, size_t end, const int64_t *acc, int weight_exp,
                          int32_t *a_buff)
{
  for (size_t i = begin; i < end; i++)
    a_buff[i] = (int32_t) bsl_k_shift (acc[i], weight_exp);
}

BSL_K_INLINE void
bsl_k_dense_fixed_accumulate (size_t begin, size_t end, size_t n_out, const int16_t *wt,
                              const uint32_t *active, size_t n_active,
                              const int32_t *payload, int weight_exp,
                              int64_t *acc, int32_t *a_buff)
{
  if (payload == NULL)
    bsl_k_dense_fixed_binary (begin, end, n_out, wt, NULL, 1, active, n_active, acc);
  else
    bsl_k_dense_fixed_graded (begin, end, n_out, wt, NULL, 1, active, n_active, payload, acc);
  bsl_k_dense_fixed_output (begin, end, acc, weight_exp, a_buff);
}

/* The same with weights stored as int8 multiples of unit. */
BSL_K_INLINE void
bsl_k_dense_fixed_accumulate8 (size_t begin, size_t end, size_t n_out, const int8_t *wt,
                               int64_t unit, const uint32_t *active, size_t n_active,
                               const int32_t *payload, int weight_exp,
                               int64_t *acc, int32_t *a_buff)
{
  if (payload == NULL)
    bsl_k_dense_fixed_binary (begin, end, n_out, NULL, wt, unit, active, n_active, acc);
  else
    bsl_k_dense_fixed_graded (begin, end, n_out, NULL, wt, unit, active, n_active, payload, acc);
  bsl_k_dense_fixed_output (begin, end, acc, weight_exp, a_buff);
}

/* ---- Sparse: compressed by input (col_start[j]..col_start[j+1] are input j's synapses) ---- */

BSL_K_INLINE void
bsl_k_sparse_float_accumulate (size_t n_out, const uint32_t *col_start, const uint32_t *row_index,
                               const double *values, const uint32_t *active, size_t n_active,
                               const double *payload, double *a_buff)
{
  for (size_t i = 0; i < n_out; i++)
    a_buff[i] = 0.0;
  for (size_t k = 0; k < n_active; k++)
    {
      const uint32_t j = active[k];
      const double s = payload != NULL ? payload[j] : 1.0;
      for (uint32_t p = col_start[j]; p < col_start[j + 1]; p++)
        a_buff[row_index[p]] += payload != NULL ? values[p] * s : values[p];
    }
}

BSL_K_INLINE void
bsl_k_sparse_fixed_accumulate (size_t n_out, const uint32_t *col_start, const uint32_t *row_index,
                               const int32_t *values, const uint32_t *active, size_t n_active,
                               const int32_t *payload, int weight_exp, int64_t *acc,
                               int32_t *a_buff)
{
  for (size_t i = 0; i < n_out; i++)
    acc[i] = 0;
  for (size_t k = 0; k < n_active; k++)
    {
      const uint32_t j = active[k];
      const int64_t s = payload != NULL ? payload[j] : 1;
      for (uint32_t p = col_start[j]; p < col_start[j + 1]; p++)
        acc[row_index[p]] += (int64_t) values[p] * s;
    }
  for (size_t i = 0; i < n_out; i++)
    a_buff[i] = (int32_t) bsl_k_shift (acc[i], weight_exp);
}

/* ---- RandomSparse: one weight for every synapse, compressed by input within blocks of
 * block_rows outputs (block b's input j: rows[starts[b * (n_in + 1) + j] ..
 * starts[b * (n_in + 1) + j + 1]]). A thread given outputs [begin, end) adds exactly what the
 * Sparse kernel adds to those rows, in the same order, so the result is that of a Sparse with the
 * same synapses, whatever the split. ---- */

BSL_K_INLINE void
bsl_k_random_sparse_float_accumulate (size_t begin, size_t end, size_t n_in, size_t block_rows,
                                      const uint64_t *starts, const uint32_t *rows, double weight,
                                      const uint32_t *active, size_t n_active,
                                      const double *payload, double *a_buff)
{
  for (size_t i = begin; i < end; i++)
    a_buff[i] = 0.0;
  for (size_t b = begin / block_rows; b * block_rows < end; b++)
    {
      const uint64_t *start = starts + b * (n_in + 1);
      const int whole = b * block_rows >= begin && (b + 1) * block_rows <= end;
      for (size_t k = 0; k < n_active; k++)
        {
          const uint32_t j = active[k];
          const double add = payload != NULL ? weight * payload[j] : weight;
          for (uint64_t q = start[j]; q < start[j + 1]; q++)
            if (whole || (rows[q] >= begin && rows[q] < end))
              a_buff[rows[q]] += add;
        }
    }
}

BSL_K_INLINE void
bsl_k_random_sparse_fixed_accumulate (size_t begin, size_t end, size_t n_in, size_t block_rows,
                                      const uint64_t *starts, const uint32_t *rows, int32_t weight,
                                      const uint32_t *active, size_t n_active,
                                      const int32_t *payload, int weight_exp, int64_t *acc,
                                      int32_t *a_buff)
{
  for (size_t i = begin; i < end; i++)
    acc[i] = 0;
  for (size_t b = begin / block_rows; b * block_rows < end; b++)
    {
      const uint64_t *start = starts + b * (n_in + 1);
      const int whole = b * block_rows >= begin && (b + 1) * block_rows <= end;
      for (size_t k = 0; k < n_active; k++)
        {
          const uint32_t j = active[k];
          const int64_t add = payload != NULL ? (int64_t) weight * payload[j] : weight;
          for (uint64_t q = start[j]; q < start[j + 1]; q++)
            if (whole || (rows[q] >= begin && rows[q] < end))
              acc[rows[q]] += add;
        }
    }
  for (size_t i = begin; i < end; i++)
    a_buff[i] = (int32_t) bsl_k_shift (acc[i], weight_exp);
}

/* ---- DelayDense: a ring of n_slots = max_delay + 1 output rows. Logical slot k (delay k) is
 * physical slot (head + k) % n_slots. Each step: send slot 0, clear it and rotate (Lava's
 * roll(-1)), then add this step's sums for delay k into slot k. A spike at t with delay d reaches
 * the neuron at t + 1 + d. ---- */

BSL_K_INLINE void
bsl_k_delay_dense_rotate (size_t n_out, size_t n_slots, size_t *head, double *ring_f, int32_t *ring_i)
{
  double *slot_f = ring_f != NULL ? ring_f + *head * n_out : NULL;
  int32_t *slot_i = ring_i != NULL ? ring_i + *head * n_out : NULL;

  for (size_t i = 0; i < n_out; i++)
    {
      if (slot_f != NULL) slot_f[i] = 0.0;
      if (slot_i != NULL) slot_i[i] = 0;
    }
  *head = (*head + 1) % n_slots;
}

BSL_K_INLINE void
bsl_k_delay_dense_float_accumulate (size_t n_out, size_t n_slots, size_t head, const double *wt,
                                    const uint8_t *delays_t, const uint32_t *active,
                                    size_t n_active, const double *payload, double *ring)
{
  for (size_t k = 0; k < n_active; k++)
    {
      const size_t j = active[k];
      const double *row = wt + j * n_out;
      const uint8_t *drow = delays_t + j * n_out;
      const double s = payload != NULL ? payload[j] : 1.0;
      for (size_t i = 0; i < n_out; i++)
        ring[((head + drow[i]) % n_slots) * n_out + i] += payload != NULL ? row[i] * s : row[i];
    }
}

BSL_K_INLINE void
bsl_k_delay_dense_fixed_accumulate (size_t n_out, size_t n_slots, size_t head, const int16_t *wt,
                                    const uint8_t *delays_t, const uint32_t *active,
                                    size_t n_active, const int32_t *payload, int weight_exp,
                                    int64_t *acc, int32_t *ring)
{
  for (size_t q = 0; q < n_out * n_slots; q++)
    acc[q] = 0;
  for (size_t k = 0; k < n_active; k++)
    {
      const size_t j = active[k];
      const int16_t *row = wt + j * n_out;
      const uint8_t *drow = delays_t + j * n_out;
      const int64_t s = payload != NULL ? payload[j] : 1;
      for (size_t i = 0; i < n_out; i++)
        acc[(size_t) drow[i] * n_out + i] += (int64_t) row[i] * s;
    }
  for (size_t d = 0; d < n_slots; d++)
    for (size_t i = 0; i < n_out; i++)
      ring[((head + d) % n_slots) * n_out + i] += (int32_t) bsl_k_shift (acc[d * n_out + i], weight_exp);
}

#endif /* BSL_KERNEL_DENSE_H */
