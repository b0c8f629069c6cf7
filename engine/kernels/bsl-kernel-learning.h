/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loihi 2's learning engine as Lava's LearningConnectionModelFloat and
 * LearningConnectionModelBitApproximate compute it: pre- and post-synaptic traces with impulses,
 * decay and stochastic rounding, and sums of products that change a synapse's weight, tag_2
 * ("delay") and tag_1 ("tag") at the end of every learning epoch.
 * Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_LEARNING_H
#define BSL_KERNEL_LEARNING_H

#include "bsl-kernel-common.h"
#include "bsl-kernel-numpy-random.h"

/* Widths of Lava's learning constants (lava.magma.core.learning.constants). */
#define BSL_K_W_TRACE          7
#define BSL_K_W_TRACE_FRAC     8
#define BSL_K_W_S_MANT         4
#define BSL_K_W_ACCUMULATOR_U  15
#define BSL_K_ACC_MIN          (-(1 << BSL_K_W_ACCUMULATOR_U) - 1)
#define BSL_K_ACC_MAX          ((1 << BSL_K_W_ACCUMULATOR_U) - 1)
/* Synaptic variables are 8-bit magnitudes (9 bits signed) in a 16-bit signed accumulator. */
#define BSL_K_SYN_SHIFT        7

/* What a factor reads (Lava's string symbols). */
enum
{
  BSL_K_SYM_X0, BSL_K_SYM_Y0, BSL_K_SYM_U,
  BSL_K_SYM_X1, BSL_K_SYM_X2, BSL_K_SYM_Y1, BSL_K_SYM_Y2, BSL_K_SYM_Y3,
  BSL_K_SYM_W, BSL_K_SYM_D, BSL_K_SYM_T, BSL_K_SYM_C,
  BSL_K_N_SYMS
};

/* The synaptic variables a rule changes: dw -> weights, dd -> tag_2, dt -> tag_1. */
enum { BSL_K_TARGET_W, BSL_K_TARGET_D, BSL_K_TARGET_T, BSL_K_N_TARGETS };

/* The traces, in Lava's order: x1 x2 (one per input), y1 y2 y3 (one per output). */
enum { BSL_K_TRACE_X1, BSL_K_TRACE_X2, BSL_K_TRACE_Y1, BSL_K_TRACE_Y2, BSL_K_TRACE_Y3, BSL_K_N_TRACES };

#define BSL_K_MAX_FACTORS 8

typedef struct
{
  int    sym;          /* BSL_K_SYM_* */
  int    has_const;
  double constant;     /* (sym + constant); alone for BSL_K_SYM_C */
  int    is_sgn;       /* sgn(sym + constant), for w, d, t only */
} BslKFactor;

typedef struct
{
  int        dependency;     /* BSL_K_SYM_X0, _Y0 or _U */
  int        s_mantissa;     /* -8..7 */
  int        s_exp;          /* 0..15: the scale is s_mantissa * 2^(s_exp - 7) */
  int        n_factors;
  BslKFactor factors[BSL_K_MAX_FACTORS];
} BslKProduct;

/* Loihi's bit widths of each factor's operand. */
static inline int
bsl_k_factor_width (int sym)
{
  switch (sym)
    {
    case BSL_K_SYM_X0: case BSL_K_SYM_Y0: return 1;
    case BSL_K_SYM_W: case BSL_K_SYM_D: case BSL_K_SYM_T: return 9;
    case BSL_K_SYM_C: return 8;
    default: return BSL_K_W_TRACE;
    }
}

static inline double
bsl_k_sign (double x)
{
  return x > 0 ? 1.0 : (x < 0 ? -1.0 : x);
}

/* The values one synapse's products read: the dependencies, the traces as each dependency sees
 * them (trace[dep][k], at the time of that dependency's spike) and the synaptic variables. */
typedef struct
{
  double dep[3];                          /* x0, y0, u */
  double trace[3][BSL_K_N_TRACES];
  double syn[BSL_K_N_TARGETS];            /* w, d, t */
} BslKSynapseView;

static inline double
bsl_k_operand (const BslKSynapseView *view, int dependency, const BslKFactor *f)
{
  double c = f->has_const ? f->constant : 0.0;

  switch (f->sym)
    {
    case BSL_K_SYM_X0: return view->dep[0] + c;
    case BSL_K_SYM_Y0: return view->dep[1] + c;
    case BSL_K_SYM_U: return view->dep[2] + c;
    case BSL_K_SYM_W: case BSL_K_SYM_D: case BSL_K_SYM_T:
      {
        double x = view->syn[f->sym - BSL_K_SYM_W] + c;
        return f->is_sgn ? bsl_k_sign (x) : x;
      }
    case BSL_K_SYM_C: return c;
    default: return view->trace[dependency][f->sym - BSL_K_SYM_X1] + c;
    }
}

static inline int
bsl_k_dep_index (int dependency)
{
  return dependency == BSL_K_SYM_X0 ? 0 : (dependency == BSL_K_SYM_Y0 ? 1 : 2);
}

/* floating_pt: syn + sum of s_mantissa * 2^(s_exp - 7) * dep * factors, left to right. */
static inline double
bsl_k_learning_apply_float (const BslKProduct *products, int n_products,
                            const BslKSynapseView *view, double syn)
{
  double sum = 0.0;

  for (int p = 0; p < n_products; p++)
    {
      const BslKProduct *pr = &products[p];
      int d = bsl_k_dep_index (pr->dependency);
      double term = (double) pr->s_mantissa * pow (2.0, pr->s_exp - 7) * view->dep[d];

      for (int k = 0; k < pr->n_factors; k++)
        term *= bsl_k_operand (view, d, &pr->factors[k]);
      sum = p == 0 ? term : sum + term;
    }
  return syn + sum;
}

static inline int32_t
bsl_k_clip32 (int64_t x, int64_t lo, int64_t hi)
{
  return (int32_t) (x < lo ? lo : (x > hi ? hi : x));
}

/* fixed_pt: the accumulator starts at syn << 7; each product multiplies its operands clipped to
 * their widths in 32-bit arithmetic (wrapping as NumPy's int32 does), drops the bits beyond the
 * accumulator, scales by 2^s_exp and is added with saturation. */
static inline int32_t
bsl_k_learning_apply_fixed (const BslKProduct *products, int n_products,
                            const BslKSynapseView *view, int32_t accumulator)
{
  int32_t result = accumulator;

  for (int p = 0; p < n_products; p++)
    {
      const BslKProduct *pr = &products[p];
      int d = bsl_k_dep_index (pr->dependency);
      uint32_t current = (uint32_t) (int32_t) view->dep[d];
      int width_sum = BSL_K_W_S_MANT, shift;
      int32_t value;

      for (int k = 0; k < pr->n_factors; k++)
        {
          const BslKFactor *f = &pr->factors[k];
          int w = bsl_k_factor_width (f->sym);
          double lo = -(double) (1 << w), hi = (double) ((1 << w) - 1);
          double x = bsl_k_operand (view, d, f);

          width_sum += w;
          x = x < lo ? lo : (x > hi ? hi : x);
          current *= (uint32_t) (int32_t) x;
        }
      current *= (uint32_t) pr->s_mantissa;
      shift = width_sum - BSL_K_W_ACCUMULATOR_U;
      value = (int32_t) current;
      if (shift > 0)
        value >>= shift;
      value = (int32_t) ((uint32_t) value << pr->s_exp);
      value = bsl_k_clip32 (value, BSL_K_ACC_MIN, BSL_K_ACC_MAX);
      result = bsl_k_clip32 ((int64_t) result + value, BSL_K_ACC_MIN, BSL_K_ACC_MAX);
    }
  return result;
}

/* Back from the accumulator to 8 bits: floor, plus one with probability the dropped fraction. */
static inline int32_t
bsl_k_learning_round (int32_t accumulator, double random)
{
  int32_t floor_part = accumulator >> BSL_K_SYN_SHIFT;
  double fraction = (double) (accumulator & ((1 << BSL_K_SYN_SHIFT) - 1)) / (1 << BSL_K_SYN_SHIFT);

  return floor_part + (random < fraction ? 1 : 0);
}

/* ---- traces ---- */

/* An impulse split as Lava does: integer part and an 8-bit rounded fraction. */
static inline void
bsl_k_impulse_split (double impulse, int32_t *integer, int32_t *fraction)
{
  double i = floor (impulse);

  *integer = (int32_t) i;
  *fraction = (int32_t) nearbyint ((impulse - i) * (1 << BSL_K_W_TRACE_FRAC));
}

static inline int32_t
bsl_k_trace_add_impulse (int32_t trace, int64_t random, int32_t integer, int32_t fraction)
{
  int64_t x = (int64_t) trace + integer + (random < fraction ? 1 : 0);

  return (int32_t) (x < 0 ? 0 : (x > (1 << BSL_K_W_TRACE) - 1 ? (1 << BSL_K_W_TRACE) - 1 : x));
}

/* One step of decay, rounded up with probability the fraction (the epoch's one random number). */
static inline int32_t
bsl_k_trace_decay (int32_t trace, double factor, double random)
{
  double x = factor * (double) trace;
  double fl = floor (x);

  return (int32_t) fl + (random < x - fl ? 1 : 0);
}

/* A trace's history over one epoch of t_epoch steps: history[0] is the value at the start,
 * history[t] after step t of the epoch (decay, then the impulse if the neuron spiked at t). A
 * time constant of 0 keeps no memory (fixed_pt: 0; floating_pt: NaN, as Lava's model does). */
static inline void
bsl_k_trace_history_fixed (int32_t start, int t_epoch, int spike_time, double tau,
                           double decay_random, int64_t impulse_random,
                           int32_t impulse_int, int32_t impulse_frac, int32_t *history)
{
  double factor = tau != 0.0 ? exp (-1.0 / tau) : 0.0;

  history[0] = start;
  for (int t = 1; t <= t_epoch; t++)
    {
      history[t] = tau != 0.0 ? bsl_k_trace_decay (history[t - 1], factor, decay_random) : 0;
      if (t == spike_time)
        history[t] = bsl_k_trace_add_impulse (history[t], impulse_random, impulse_int, impulse_frac);
    }
}

static inline void
bsl_k_trace_history_float (double start, int t_epoch, int spike_time, double tau,
                           double impulse, double *history)
{
  double factor = tau != 0.0 ? exp (-1.0 / tau) : 0.0;

  history[0] = start;
  for (int t = 1; t <= t_epoch; t++)
    {
      history[t] = tau != 0.0 ? factor * history[t - 1] : NAN;
      if (t == spike_time)
        history[t] += impulse;
    }
}

#endif
