/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RF, resonate-and-fire (lava.proc.rf): a damped rotation of (real, imag) by 2 pi / period per
 * step; a spike when real >= vth while imag crosses zero upwards. No reset.
 * Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_RF_H
#define BSL_KERNEL_RF_H

#include "bsl-kernel-common.h"

/* Lava's process computes the decays once; decay_bits > 0 turns them into integers. */
static inline void
bsl_k_rf_decays (double period, double alpha, int decay_bits, double *sin_decay,
                 double *cos_decay)
{
  *sin_decay = (1.0 - alpha) * sin (3.14159265358979323846 * 2.0 * 1.0 / period);
  *cos_decay = (1.0 - alpha) * cos (3.14159265358979323846 * 2.0 * 1.0 / period);
  if (decay_bits > 0)
    {
      *sin_decay = (double) (int32_t) (*sin_decay * (double) (1 << decay_bits));
      *cos_decay = (double) (int32_t) (*cos_decay * (double) (1 << decay_bits));
    }
}

static inline double
bsl_k_rf_threshold (double vth, int state_exp)
{
  return state_exp > 0 ? (double) (int64_t) (vth * (double) (1 << state_exp)) : vth;
}

static inline void
bsl_k_rf_float_step (size_t begin, size_t end, double sin_decay, double cos_decay, double vth,
                     const double *a_real, const double *a_imag, double *re, double *im,
                     double *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      double new_re = cos_decay * re[k] - sin_decay * im[k] + a_real[k];
      double new_im = sin_decay * re[k] + cos_decay * im[k] + a_imag[k];
      s_out[k] = (new_re >= vth && new_im >= 0.0 && im[k] < 0.0) ? 1.0 : 0.0;
      re[k] = new_re;
      im[k] = new_im;
    }
}

static inline int64_t
bsl_k_rf_scale (int64_t x, int decay_bits)
{
  return x >= 0 ? (x >> decay_bits) : -((-x) >> decay_bits);
}

static inline int64_t
bsl_k_rf_clip (int64_t x)
{
  const int64_t limit = BSL_K_STATE_MAX - 1;
  return x > limit ? limit : (x < -limit ? -limit : x);
}

static inline void
bsl_k_rf_fixed_step (size_t begin, size_t end, int32_t sin_decay, int32_t cos_decay,
                     int64_t vth, int state_exp, int decay_bits, const int32_t *a_real,
                     const int32_t *a_imag, int32_t *re, int32_t *im, int32_t *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      int64_t ar = (int32_t) ((uint32_t) a_real[k] << state_exp);
      int64_t ai = (int32_t) ((uint32_t) a_imag[k] << state_exp);
      int64_t new_re = bsl_k_rf_scale ((int64_t) cos_decay * re[k], decay_bits)
                       - bsl_k_rf_scale ((int64_t) sin_decay * im[k], decay_bits) + ar;
      int64_t new_im = bsl_k_rf_scale ((int64_t) sin_decay * re[k], decay_bits)
                       + bsl_k_rf_scale ((int64_t) cos_decay * im[k], decay_bits) + ai;
      new_re = bsl_k_rf_clip (new_re);
      new_im = bsl_k_rf_clip (new_im);
      s_out[k] = new_re >= vth && new_im >= 0 && im[k] < 0;
      re[k] = (int32_t) new_re;
      im[k] = (int32_t) new_im;
    }
}

#endif /* BSL_KERNEL_RF_H */
