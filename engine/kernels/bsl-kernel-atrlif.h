/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ATRLIF: LIF with an adaptive threshold theta and a refractory state r (lava.proc.atrlif).
 *   i = (1 - delta_i) i + a_in;  v = (1 - delta_v) v + i + bias
 *   theta = (1 - delta_theta)(theta - theta_0) + theta_0;  r = (1 - delta_r) r
 *   spike where v - r >= theta; then r += 2 theta, theta += theta_step; v is not reset.
 * Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_ATRLIF_H
#define BSL_KERNEL_ATRLIF_H

#include "bsl-kernel-common.h"

static inline void
bsl_k_atrlif_float_step (size_t begin, size_t end, double delta_i, double delta_v,
                         double delta_theta, double delta_r, double theta_0, double theta_step,
                         const double *bias_mant, const double *a_in, double *i_, double *v,
                         double *theta, double *r, double *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      i_[k] = (1.0 - delta_i) * i_[k] + a_in[k];
      v[k] = (1.0 - delta_v) * v[k] + i_[k] + bias_mant[k];
      theta[k] = (1.0 - delta_theta) * (theta[k] - theta_0) + theta_0;
      r[k] = (1.0 - delta_r) * r[k];
      int spike = (v[k] - r[k]) >= theta[k];
      if (spike)
        {
          r[k] = r[k] + 2.0 * theta[k];
          theta[k] = theta[k] + theta_step;
        }
      s_out[k] = spike ? 1.0 : 0.0;
    }
}

/* The decay factors of the fixed_pt model: the deltas are fractions, used as delta * 4096 (plus
 * one for the current, Lava's ds_offset). The current's product is taken in double precision and
 * truncated, the others use a truncated integer factor, exactly as Lava computes them. */
static inline double
bsl_k_atrlif_current_factor (double delta_i)
{
  return 4096.0 - (delta_i * 4096.0 + 1.0);
}

static inline int64_t
bsl_k_atrlif_factor (double delta)
{
  return (int64_t) (4096.0 - delta * 4096.0);
}

static inline int64_t
bsl_k_sign_shift12 (int64_t y)
{
  return y >= 0 ? (y >> 12) : -((-y) >> 12);
}

/* theta_0 and theta_step arrive already scaled by 64 (theta_0_s, theta_step_s). */
static inline void
bsl_k_atrlif_fixed_step (size_t begin, size_t end, double delta_i, double delta_v,
                         double delta_theta, double delta_r, int32_t theta_0_s,
                         int32_t theta_step_s, const int32_t *bias, const int32_t *a_in,
                         int32_t *i_, int32_t *v, int32_t *theta, int32_t *r, int32_t *s_out)
{
  const double fi = bsl_k_atrlif_current_factor (delta_i);
  const int64_t fv = bsl_k_atrlif_factor (delta_v);
  const int64_t ft = bsl_k_atrlif_factor (delta_theta);
  const int64_t fr = bsl_k_atrlif_factor (delta_r);

  for (size_t k = begin; k < end; k++)
    {
      int64_t cur = bsl_k_sign_shift12 ((int64_t) ((double) i_[k] * fi));
      int32_t act = (int32_t) ((uint32_t) a_in[k] << BSL_K_ACT_SHIFT);
      i_[k] = bsl_k_wrap24 ((int32_t) (uint32_t) (cur + act));

      int64_t vol = bsl_k_sign_shift12 ((int64_t) v[k] * fv);
      v[k] = bsl_k_saturate24 ((int32_t) (uint32_t) (vol + i_[k] + bias[k]));

      theta[k] = (int32_t) bsl_k_sign_shift12 ((int64_t) (theta[k] - theta_0_s) * ft) + theta_0_s;
      r[k] = (int32_t) bsl_k_sign_shift12 ((int64_t) r[k] * fr);

      int spike = (v[k] - r[k]) >= theta[k];
      if (spike)
        {
          r[k] = r[k] + 2 * theta[k];
          theta[k] = theta[k] + theta_step_s;
        }
      s_out[k] = spike;
    }
}

#endif /* BSL_KERNEL_ATRLIF_H */
