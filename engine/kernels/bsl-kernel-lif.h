/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LIF-family step kernels with Lava's exact semantics (floating_pt: PyLifModelFloat and friends,
 * fixed_pt: PyLifModelBitAcc). Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_LIF_H
#define BSL_KERNEL_LIF_H

#include "bsl-kernel-common.h"

/* ---- floating_pt ---- */

static inline void
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

static inline void
bsl_k_lif_float_step (size_t begin, size_t end, double du, double dv, double vth,
                      const double *bias_mant, const double *a_in,
                      double *u, double *v, double *s_out)
{
  bsl_k_lif_float_subthreshold (begin, end, du, dv, bias_mant, a_in, u, v);
  for (size_t i = begin; i < end; i++)
    {
      int spike = v[i] > vth;
      if (spike)
        v[i] = 0.0;
      s_out[i] = spike ? 1.0 : 0.0;
    }
}

static inline void
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
static inline void
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

static inline void
bsl_k_lif_fixed_subthreshold (size_t begin, size_t end, int32_t du, int32_t dv,
                              const int32_t *bias_mant, const int32_t *bias_exp,
                              const int32_t *a_in, int32_t *u, int32_t *v)
{
  const int64_t decay_u = BSL_K_DECAY_UNITY - ((int64_t) du + 1);
  const int64_t decay_v = BSL_K_DECAY_UNITY - (int64_t) dv;

  for (size_t i = begin; i < end; i++)
    {
      int64_t cur = (int32_t) bsl_k_decay (u[i], decay_u);
      cur += (int64_t) a_in[i] * (1 << BSL_K_ACT_SHIFT);
      u[i] = bsl_k_wrap24 (cur);

      int64_t vol = (int32_t) bsl_k_decay (v[i], decay_v);
      vol += (int64_t) u[i] + bsl_k_lif_fixed_bias (bias_mant[i], bias_exp[i]);
      v[i] = bsl_k_saturate24 (vol);
    }
}

static inline void
bsl_k_lif_fixed_step (size_t begin, size_t end, int32_t du, int32_t dv, int32_t vth,
                      const int32_t *bias_mant, const int32_t *bias_exp, const int32_t *a_in,
                      int32_t *u, int32_t *v, int32_t *s_out)
{
  const int64_t vth_eff = (int64_t) vth * (1 << BSL_K_ACT_SHIFT);

  bsl_k_lif_fixed_subthreshold (begin, end, du, dv, bias_mant, bias_exp, a_in, u, v);
  for (size_t i = begin; i < end; i++)
    {
      int spike = v[i] > vth_eff;
      if (spike)
        v[i] = 0;
      s_out[i] = spike;
    }
}

static inline void
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
