/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LIF-family step kernels with Lava's exact semantics (floating_pt: PyLifModelFloat and friends,
 * fixed_pt: PyLifModelBitAcc). Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_LIF_H
#define BSL_KERNEL_LIF_H

#include "bsl-kernel-common.h"

/* ---- floating_pt ---- */

BSL_K_INLINE void
bsl_k_lif_float_subthreshold (size_t begin, size_t end, double du, double dv,
                              const double *bias_mant, const double *a_in,
                              double *u, double *v)
{
  for (size_t i = begin; i < end; i++)
    {
      u[i] = u[i] * (1.0 - du);
      u[i] += a_in[i];
      v[i] = v[i] * (1.0 - dv) + u[i] + bias_mant[i];
    }
}

/* One pass, no branch: small populations are stepped tens of thousands of times by a fit, so
 * the loop must vectorise. The arithmetic is the subthreshold update's, in the same order. */
BSL_K_INLINE void
bsl_k_lif_float_step (size_t begin, size_t end, double du, double dv, double vth,
                      const double *restrict bias_mant, const double *restrict a_in,
                      double *restrict u, double *restrict v, double *restrict s_out)
{
  const double keep_u = 1.0 - du, keep_v = 1.0 - dv;

  for (size_t i = begin; i < end; i++)
    {
      double cur = u[i] * keep_u;
      cur += a_in[i];
      u[i] = cur;
      double vol = v[i] * keep_v + cur + bias_mant[i];
      int spike = vol > vth;
      v[i] = spike ? 0.0 : vol;
      s_out[i] = spike ? 1.0 : 0.0;
    }
}

BSL_K_INLINE void
bsl_k_ternary_lif_float_step (size_t begin, size_t end, double du, double dv,
                              double vth_hi, double vth_lo,
                              const double *bias_mant, const double *a_in,
                              double *u, double *v, double *s_out)
{
  bsl_k_lif_float_subthreshold (begin, end, du, dv, bias_mant, a_in, u, v);
  for (size_t i = begin; i < end; i++)
    {
      double s = (double) (v[i] > vth_hi) - (double) (v[i] < vth_lo);
      if (s != 0.0)
        v[i] = 0.0;
      s_out[i] = s;
    }
}

/* LIFRefractory: v is held while t <= refractory_period_end; u always integrates. */
BSL_K_INLINE void
bsl_k_lif_refractory_float_step (size_t begin, size_t end, int64_t t, double du, double dv,
                                 double vth, double refractory_period,
                                 const double *bias_mant, const double *a_in,
                                 double *u, double *v, double *refractory_end, double *s_out)
{
  for (size_t i = begin; i < end; i++)
    {
      u[i] = u[i] * (1.0 - du);
      u[i] += a_in[i];
      if (refractory_end[i] < (double) t)
        v[i] = v[i] * (1.0 - dv) + u[i] + bias_mant[i];
      int spike = v[i] > vth;
      if (spike)
        {
          refractory_end[i] = (double) t + refractory_period;
          v[i] = 0.0;
        }
      s_out[i] = spike ? 1.0 : 0.0;
    }
}

/* LIFReset: u and v return to 0 at the start of every reset_interval-th step. */
static inline int
bsl_k_lif_reset_due (int64_t t, int64_t reset_interval, int64_t reset_offset)
{
  if (reset_interval <= 0)
    return 0;
  return t % reset_interval == reset_offset % reset_interval;
}

/* ---- fixed_pt (bit-accurate Loihi 2) ---- */

static inline int32_t
bsl_k_lif_fixed_bias (int32_t bias_mant, int32_t bias_exp)
{
  return (int32_t) bsl_k_shift (bias_mant, bias_exp);
}

/* Lava keeps u, v and the bias in int32 arrays: u += a_in << 6 wraps around in 32 bits before
 * the 24-bit wrap, which is what the unsigned additions below reproduce. bias is the effective
 * bias (bias_mant shifted by bias_exp), computed by the caller. */
BSL_K_INLINE void
bsl_k_lif_fixed_subthreshold_biased (size_t begin, size_t end, int32_t du, int32_t dv,
                                     const int32_t *restrict bias, const int32_t *restrict a_in,
                                     int32_t *restrict u, int32_t *restrict v)
{
  const int32_t decay_u = BSL_K_DECAY_UNITY - (du + 1);
  const int32_t decay_v = BSL_K_DECAY_UNITY - dv;
  const int32_t max24 = (int32_t) BSL_K_STATE_MAX;

  for (size_t i = begin; i < end; i++)
    {
      int32_t cur = (int32_t) ((uint32_t) bsl_k_decay32 (u[i], decay_u) +
                               ((uint32_t) a_in[i] << BSL_K_ACT_SHIFT));
      cur = cur > max24 ? cur - 2 * max24 : (cur <= -max24 ? cur + 2 * max24 : cur);
      u[i] = cur;

      int32_t vol = (int32_t) ((uint32_t) bsl_k_decay32 (v[i], decay_v) + (uint32_t) cur +
                               (uint32_t) bias[i]);
      vol = vol > max24 - 1 ? max24 - 1 : (vol < -(max24 - 1) ? -(max24 - 1) : vol);
      v[i] = vol;
    }
}

BSL_K_INLINE void
bsl_k_lif_fixed_effective_bias (size_t begin, size_t end, const int32_t *bias_mant,
                                const int32_t *bias_exp, int32_t *bias)
{
  for (size_t i = begin; i < end; i++)
    bias[i] = bsl_k_lif_fixed_bias (bias_mant[i], bias_exp[i]);
}

BSL_K_INLINE void
bsl_k_lif_fixed_spikes (size_t begin, size_t end, int32_t vth, int32_t *restrict v,
                        int32_t *restrict s_out)
{
  const int32_t vth_eff = (int32_t) ((uint32_t) vth << BSL_K_ACT_SHIFT);

  for (size_t i = begin; i < end; i++)
    {
      int32_t spike = v[i] > vth_eff;
      v[i] = spike ? 0 : v[i];
      s_out[i] = spike;
    }
}

/* One step of LIF with the effective bias already computed (the engine caches it). */
BSL_K_INLINE void
bsl_k_lif_fixed_step_biased (size_t begin, size_t end, int32_t du, int32_t dv, int32_t vth,
                             const int32_t *bias, const int32_t *a_in,
                             int32_t *u, int32_t *v, int32_t *s_out)
{
  bsl_k_lif_fixed_subthreshold_biased (begin, end, du, dv, bias, a_in, u, v);
  bsl_k_lif_fixed_spikes (begin, end, vth, v, s_out);
}

BSL_K_INLINE void
bsl_k_lif_fixed_subthreshold (size_t begin, size_t end, int32_t du, int32_t dv,
                              const int32_t *bias_mant, const int32_t *bias_exp,
                              const int32_t *a_in, int32_t *u, int32_t *v)
{
  for (size_t i = begin; i < end; i++)
    {
      int32_t bias = bsl_k_lif_fixed_bias (bias_mant[i], bias_exp[i]);
      bsl_k_lif_fixed_subthreshold_biased (0, 1, du, dv, &bias, a_in + i, u + i, v + i);
    }
}

BSL_K_INLINE void
bsl_k_lif_fixed_step (size_t begin, size_t end, int32_t du, int32_t dv, int32_t vth,
                      const int32_t *bias_mant, const int32_t *bias_exp, const int32_t *a_in,
                      int32_t *u, int32_t *v, int32_t *s_out)
{
  bsl_k_lif_fixed_subthreshold (begin, end, du, dv, bias_mant, bias_exp, a_in, u, v);
  bsl_k_lif_fixed_spikes (begin, end, vth, v, s_out);
}

BSL_K_INLINE void
bsl_k_ternary_lif_fixed_step (size_t begin, size_t end, int32_t du, int32_t dv,
                              int32_t vth_hi, int32_t vth_lo,
                              const int32_t *bias_mant, const int32_t *bias_exp,
                              const int32_t *a_in, int32_t *u, int32_t *v, int32_t *s_out)
{
  const int64_t hi = (int64_t) vth_hi * (1 << BSL_K_ACT_SHIFT);
  const int64_t lo = (int64_t) vth_lo * (1 << BSL_K_ACT_SHIFT);

  bsl_k_lif_fixed_subthreshold (begin, end, du, dv, bias_mant, bias_exp, a_in, u, v);
  for (size_t i = begin; i < end; i++)
    {
      int32_t s = (int32_t) (v[i] > hi) - (int32_t) (v[i] < lo);
      if (s != 0)
        v[i] = 0;
      s_out[i] = s;
    }
}

#endif /* BSL_KERNEL_LIF_H */
