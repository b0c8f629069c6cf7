/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SigmaDelta (lava.proc.sdn): sigma integrates the input, act = f(sigma + bias) with f the
 * identity or ReLU, and the neuron sends the change of act as a graded spike when it is at least
 * vth. vth and bias arrive scaled by 2^(spike_exp + state_exp), as Lava's process scales them.
 * Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_SIGMA_DELTA_H
#define BSL_KERNEL_SIGMA_DELTA_H

#include "bsl-kernel-common.h"

enum { BSL_K_ACT_UNIT = 0, BSL_K_ACT_RELU = 1 };

static inline void
bsl_k_sigma_delta_float_step (size_t begin, size_t end, double vth, int act_mode, int cum_error,
                              const double *bias, const double *a_in, double *sigma, double *act,
                              double *residue, double *error, double *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      sigma[k] = a_in[k] + sigma[k];
      double x = sigma[k] + bias[k];
      double act_new = act_mode == BSL_K_ACT_RELU ? (x > 0.0 ? x : 0.0) : x;
      double delta = act_new - act[k] + residue[k];
      double s;
      if (cum_error)
        {
          error[k] += delta;
          s = fabs (error[k]) >= vth ? delta : 0.0;
          if (s != 0.0)
            error[k] = 0.0;
        }
      else
        s = fabs (delta) >= vth ? delta : 0.0;
      residue[k] = delta - s;
      act[k] = act_new;
      s_out[k] = s;
    }
}

/* |x| as numpy computes it on int32: the smallest value stays negative. */
static inline int32_t
bsl_k_abs32 (int32_t x)
{
  return x < 0 ? (int32_t) (0u - (uint32_t) x) : x;
}

/* Lava's default fixed_pt model (PySigmaDeltaModelFixed): the float model's steps on wrapping
 * int32 values, the sent change shifted right by state_exp; act is the activation itself, and
 * what a shift drops is lost. */
static inline void
bsl_k_sigma_delta_fixed_lava_step (size_t begin, size_t end, int32_t vth, int act_mode,
                                   int cum_error, int state_exp, const int32_t *bias,
                                   const int32_t *a_in, int32_t *sigma, int32_t *act,
                                   int32_t *residue, int32_t *error, int32_t *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      sigma[k] = (int32_t) ((uint32_t) a_in[k] + (uint32_t) sigma[k]);
      int32_t x = (int32_t) ((uint32_t) sigma[k] + (uint32_t) bias[k]);
      int32_t act_new = act_mode == BSL_K_ACT_RELU ? (x > 0 ? x : 0) : x;
      int32_t delta = (int32_t) ((uint32_t) act_new - (uint32_t) act[k] + (uint32_t) residue[k]);
      int32_t s;
      if (cum_error)
        {
          error[k] = (int32_t) ((uint32_t) error[k] + (uint32_t) delta);
          s = bsl_k_abs32 (error[k]) >= vth ? delta : 0;
          if (bsl_k_abs32 (s) > 0)
            error[k] = 0;
        }
      else
        s = bsl_k_abs32 (delta) >= vth ? delta : 0;
      residue[k] = (int32_t) ((uint32_t) delta - (uint32_t) s);
      act[k] = act_new;
      s_out[k] = s >> state_exp;
    }
}

/* Lava's corrected fixed_pt model: act keeps what the receivers have been told. */
static inline void
bsl_k_sigma_delta_fixed_step (size_t begin, size_t end, int32_t vth, int act_mode, int state_exp,
                              const int32_t *bias, const int32_t *a_in, int32_t *sigma,
                              int32_t *act, int32_t *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      sigma[k] = (int32_t) ((uint32_t) a_in[k] + (uint32_t) sigma[k]);
      int32_t x = (int32_t) ((uint32_t) sigma[k] + (uint32_t) bias[k]);
      int32_t act_new = act_mode == BSL_K_ACT_RELU ? (x > 0 ? x : 0) : x;
      int32_t delta = (int32_t) ((uint32_t) act_new - (uint32_t) act[k]);
      int32_t scaled = llabs ((long long) delta) >= (long long) vth ? delta : 0;
      int32_t s = scaled >> state_exp;
      act[k] = (int32_t) ((uint32_t) act[k] + ((uint32_t) s << state_exp));
      s_out[k] = s;
    }
}

#endif /* BSL_KERNEL_SIGMA_DELTA_H */
