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

/* Collects the indices of non-zero inputs (ascending): the spikes of this step. */
static inline size_t
bsl_k_collect_active_float (size_t n_in, const double *s_in, uint32_t *active)
{
  size_t n = 0;

  for (size_t j = 0; j < n_in; j++)
    if (s_in[j] != 0.0)
      active[n++] = (uint32_t) j;
  return n;
}

static inline size_t
bsl_k_collect_active_fixed (size_t n_in, const int32_t *s_in, uint32_t *active)
{
  size_t n = 0;

  for (size_t j = 0; j < n_in; j++)
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

/* ---- floating_pt: a_buff = W[:, s != 0].sum(axis=1), or W @ s with graded messages ---- */

static inline void
bsl_k_dense_float_accumulate (size_t begin, size_t end, size_t n_out, const double *wt,
                              const uint32_t *active, size_t n_active,
                              const double *payload, double *a_buff)
{
  for (size_t i = begin; i < end; i++)
    a_buff[i] = 0.0;
  for (size_t k = 0; k < n_active; k++)
    {
      const double *row = wt + (size_t) active[k] * n_out;
      if (payload == NULL)
        for (size_t i = begin; i < end; i++)
          a_buff[i] += row[i];
      else
        {
          const double s = payload[active[k]];
          for (size_t i = begin; i < end; i++)
            a_buff[i] += row[i] * s;
        }
    }
}

/* ---- fixed_pt: sums in 32 bits (binary) or 64 bits (graded), then the weight_exp shift ---- */

static inline void
bsl_k_dense_fixed_accumulate (size_t begin, size_t end, size_t n_out, const int16_t *wt,
                              const uint32_t *active, size_t n_active,
                              const int32_t *payload, int weight_exp,
                              int64_t *acc, int32_t *a_buff)
{
  for (size_t i = begin; i < end; i++)
    acc[i] = 0;
  if (payload == NULL)
    {
      /* Binary spikes: 32-bit partial sums vectorise well and cannot overflow within a block. */
      int32_t part[256];
      for (size_t i0 = begin; i0 < end; i0 += 256)
        {
          size_t i1 = i0 + 256 < end ? i0 + 256 : end;
          for (size_t i = i0; i < i1; i++)
            part[i - i0] = 0;
          for (size_t k = 0; k < n_active; k++)
            {
              const int16_t *row = wt + (size_t) active[k] * n_out;
              for (size_t i = i0; i < i1; i++)
                part[i - i0] += row[i];
              if ((k & 0xffff) == 0xffff)
                for (size_t i = i0; i < i1; i++)
                  {
                    acc[i] += part[i - i0];
                    part[i - i0] = 0;
                  }
            }
          for (size_t i = i0; i < i1; i++)
            acc[i] += part[i - i0];
        }
    }
  else
    for (size_t k = 0; k < n_active; k++)
      {
        const int16_t *row = wt + (size_t) active[k] * n_out;
        const int64_t s = payload[active[k]];
        for (size_t i = begin; i < end; i++)
          acc[i] += (int64_t) row[i] * s;
      }
  for (size_t i = begin; i < end; i++)
    a_buff[i] = (int32_t) bsl_k_shift (acc[i], weight_exp);
}

/* ---- Sparse: compressed by input (col_start[j]..col_start[j+1] are input j's synapses) ---- */

static inline void
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

static inline void
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

/* ---- DelayDense: a ring of n_slots = max_delay + 1 output rows. Logical slot k (delay k) is
 * physical slot (head + k) % n_slots. Each step: send slot 0, clear it and rotate (Lava's
 * roll(-1)), then add this step's sums for delay k into slot k. A spike at t with delay d reaches
 * the neuron at t + 1 + d. ---- */

static inline void
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

static inline void
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

static inline void
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
