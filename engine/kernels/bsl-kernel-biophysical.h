/* SPDX-License-Identifier: GPL-3.0-or-later */
/* floating_pt models that Loihi 2 models are fitted against: Izhikevich, AdEx (adaptive
 * exponential) and a conductance-based LIF. One forward-Euler step of dt (ms) per Basalt step,
 * every variable updated from the values of the previous step, then threshold and reset, in the
 * order Brian2 uses (state update, threshold, reset). Units: mV, ms, pA, nS, pF.
 * Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_BIOPHYSICAL_H
#define BSL_KERNEL_BIOPHYSICAL_H

#include "bsl-kernel-common.h"

/* Izhikevich (2003): dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u);
 * v >= v_peak: v = c, u += d. I is a_in. */
static inline void
bsl_k_izhikevich_step (size_t begin, size_t end, double a, double b, double c, double d,
                       double v_peak, double dt, const double *i_in, double *v, double *u,
                       double *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      double dv = 0.04 * v[k] * v[k] + 5.0 * v[k] + 140.0 - u[k] + i_in[k];
      double du = a * (b * v[k] - u[k]);
      v[k] = v[k] + dt * dv;
      u[k] = u[k] + dt * du;
      int spike = v[k] >= v_peak;
      if (spike)
        {
          v[k] = c;
          u[k] = u[k] + d;
        }
      s_out[k] = spike ? 1.0 : 0.0;
    }
}

/* AdEx (Brette & Gerstner 2005):
 * C dv/dt = -g_l (v - e_l) + g_l delta_t exp((v - v_t) / delta_t) - w + I,
 * tau_w dw/dt = a (v - e_l) - w;  v > v_peak: v = v_reset, w += b. I is a_in (pA). */
static inline void
bsl_k_adex_step (size_t begin, size_t end, double c_m, double g_l, double e_l, double v_t,
                 double delta_t, double tau_w, double a, double b, double v_reset,
                 double v_peak, double dt, const double *i_in, double *v, double *w,
                 double *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      double dv = (-g_l * (v[k] - e_l) + g_l * delta_t * exp ((v[k] - v_t) / delta_t) - w[k]
                   + i_in[k]) / c_m;
      double dw = (a * (v[k] - e_l) - w[k]) / tau_w;
      v[k] = v[k] + dt * dv;
      w[k] = w[k] + dt * dw;
      int spike = v[k] > v_peak;
      if (spike)
        {
          v[k] = v_reset;
          w[k] = w[k] + b;
        }
      s_out[k] = spike ? 1.0 : 0.0;
    }
}

/* Conductance-based LIF: C dv/dt = g_l (e_l - v) + g_e (e_e - v) + g_i (e_i - v) + I,
 * dg_e/dt = -g_e / tau_e, dg_i/dt = -g_i / tau_i. Incoming conductance jumps are added to g_e and
 * g_i before the step. v > v_th: spike, v = v_reset, v held for refractory_steps steps. */
static inline void
bsl_k_cond_lif_step (size_t begin, size_t end, int64_t t, double c_m, double g_l, double e_l,
                     double e_e, double e_i, double tau_e, double tau_i, double v_th,
                     double v_reset, double refractory_steps, double dt, const double *i_in,
                     const double *ge_in, const double *gi_in, double *v, double *g_e,
                     double *g_i, double *refractory_end, double *s_out)
{
  for (size_t k = begin; k < end; k++)
    {
      g_e[k] += ge_in[k];
      g_i[k] += gi_in[k];
      double dv = (g_l * (e_l - v[k]) + g_e[k] * (e_e - v[k]) + g_i[k] * (e_i - v[k]) + i_in[k]) / c_m;
      double dge = -g_e[k] / tau_e;
      double dgi = -g_i[k] / tau_i;
      if (refractory_end[k] < (double) t)
        v[k] = v[k] + dt * dv;
      g_e[k] = g_e[k] + dt * dge;
      g_i[k] = g_i[k] + dt * dgi;
      int spike = v[k] > v_th && refractory_end[k] < (double) t;
      if (spike)
        {
          v[k] = v_reset;
          refractory_end[k] = (double) t + refractory_steps;
        }
      s_out[k] = spike ? 1.0 : 0.0;
    }
}

#endif /* BSL_KERNEL_BIOPHYSICAL_H */
