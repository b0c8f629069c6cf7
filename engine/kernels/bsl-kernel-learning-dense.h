/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LearningDense's learning, step by step as Lava's PyLearningConnection runs it: record the
 * pre- and post-synaptic spikes of the epoch, and at its end update every trace and apply the
 * rule to the synapses whose dependency fired (rows of post-synaptic spikes, columns of
 * pre-synaptic ones; every synapse on an epoch where u is 1). The caller owns every array.
 * Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_LEARNING_DENSE_H
#define BSL_KERNEL_LEARNING_DENSE_H

#include "bsl-kernel-dense.h"
#include "bsl-kernel-learning.h"

/* A Var as the engine stores it: int32 under fixed_pt, double under floating_pt. */
typedef struct
{
  int32_t *i;
  double  *f;
} BslKVec;

static inline double
bsl_k_vec_get (const BslKVec *v, size_t k)
{
  return v->i != NULL ? (double) v->i[k] : v->f[k];
}

static inline void
bsl_k_vec_set (BslKVec *v, size_t k, double x)
{
  if (v->i != NULL)
    v->i[k] = (int32_t) x;
  else
    v->f[k] = x;
}

enum { BSL_K_L_X0, BSL_K_L_TX, BSL_K_L_Y0, BSL_K_L_TY, BSL_K_L_N_SPIKE_VARS };

typedef struct
{
  /* the rule */
  size_t             n_in, n_out;
  int                fixed;
  int                t_epoch;
  const BslKProduct *products[BSL_K_N_TARGETS];
  int                n_products[BSL_K_N_TARGETS];   /* -1: no rule for this target */
  int                decimate_exponent;             /* -1: no u<k> */
  double             tau[BSL_K_N_TRACES], impulse[BSL_K_N_TRACES];
  uint64_t           seed;
  /* the Vars (weights, tag_2, tag_1 in BSL_K_TARGET_* order) and the propagation copy */
  BslKVec            syn[BSL_K_N_TARGETS];
  BslKVec            traces[BSL_K_N_TRACES];
  BslKVec            spikes[BSL_K_L_N_SPIKE_VARS];
  const double      *sign_mode_var;                 /* one of these two */
  const int32_t     *sign_mode_var_i;
  int16_t           *wt_i;                          /* transposed weights, n_in rows */
  double            *wt_f;
  /* work arrays: history (t_epoch + 1 per neuron and trace), rows, cols, marks, spike times */
  int32_t           *history_i[BSL_K_N_TRACES];
  double            *history_f[BSL_K_N_TRACES];
  uint32_t          *rows, *cols;
  uint8_t           *row_marked;
  int               *tx_now, *ty_now;
  /* derived in bsl_k_learning_begin */
  int                uses_dependency[3];
  int                reads_trace[3][BSL_K_N_TRACES];
  int                nan_traces;
  int32_t            impulse_int[BSL_K_N_TRACES], impulse_frac[BSL_K_N_TRACES];
  int                full_pass_pending;
  int                sign_mode;
  BslNumpyRandom     x_decay, x_impulse, y_decay, y_impulse, rounding;
  double             x_decay_value, y_decay_value, rounding_value;
  int64_t            x_impulse_value, y_impulse_value;
} BslKLearning;

static inline int
bsl_k_learning_sign_mode (const BslKLearning *L)
{
  int mode = L->sign_mode_var_i != NULL ? (int) L->sign_mode_var_i[0] : (int) L->sign_mode_var[0];

  return mode == BSL_K_SIGN_AUTO ? BSL_K_SIGN_MIXED : mode;
}

/* Lava's TraceRandom(seed, seed + 1) for x, (seed + 2, seed + 3) for y and ConnVarRandom(2);
 * each draws once when made. */
static inline void
bsl_k_learning_seed (BslKLearning *L)
{
  bsl_numpy_random_init (&L->x_decay, L->seed);
  bsl_numpy_random_init (&L->x_impulse, L->seed + 1);
  bsl_numpy_random_init (&L->y_decay, L->seed + 2);
  bsl_numpy_random_init (&L->y_impulse, L->seed + 3);
  bsl_numpy_random_init (&L->rounding, 2);
  L->x_decay_value = bsl_numpy_random_double (&L->x_decay);
  L->x_impulse_value = bsl_numpy_random_integers (&L->x_impulse, 1 << BSL_K_W_TRACE);
  L->y_decay_value = bsl_numpy_random_double (&L->y_decay);
  L->y_impulse_value = bsl_numpy_random_integers (&L->y_impulse, 1 << BSL_K_W_TRACE);
  L->rounding_value = bsl_numpy_random_double (&L->rounding);
  L->full_pass_pending = 1;
}

static inline void
bsl_k_learning_advance_traces (BslKLearning *L)
{
  L->x_decay_value = bsl_numpy_random_double (&L->x_decay);
  L->x_impulse_value = bsl_numpy_random_integers (&L->x_impulse, 1 << BSL_K_W_TRACE);
  L->y_decay_value = bsl_numpy_random_double (&L->y_decay);
  L->y_impulse_value = bsl_numpy_random_integers (&L->y_impulse, 1 << BSL_K_W_TRACE);
}

/* Lava's truncate_weights at the first step of a fixed_pt run (no clipping, unlike Dense). */
static inline void
bsl_k_learning_truncate_weights (int32_t *w, size_t n, int sign_mode, int num_weight_bits)
{
  int shift = 8 - num_weight_bits + (sign_mode == BSL_K_SIGN_MIXED ? 1 : 0);

  shift = shift < 0 ? 0 : shift;
  for (size_t k = 0; k < n; k++)
    w[k] = sign_mode == BSL_K_SIGN_INHIBITORY ? -(((-w[k]) >> shift) * (1 << shift))
                                              : (w[k] >> shift) * (1 << shift);
}

static inline void
bsl_k_learning_store_weight (BslKLearning *L, size_t i, size_t j, double w)
{
  if (L->wt_i != NULL)
    L->wt_i[j * L->n_out + i] = (int16_t) w;
  else
    L->wt_f[j * L->n_out + i] = w;
}

/* The propagation copy of the weights, from the weights Var. */
static inline void
bsl_k_learning_build_weights (BslKLearning *L)
{
  for (size_t i = 0; i < L->n_out; i++)
    for (size_t j = 0; j < L->n_in; j++)
      bsl_k_learning_store_weight (L, i, j, bsl_k_vec_get (&L->syn[BSL_K_TARGET_W], i * L->n_in + j));
}

/* What the rule reads, the impulses split for fixed_pt, and the streams seeded. */
static inline void
bsl_k_learning_begin (BslKLearning *L)
{
  for (int d = 0; d < 3; d++)
    {
      L->uses_dependency[d] = 0;
      for (int k = 0; k < BSL_K_N_TRACES; k++)
        L->reads_trace[d][k] = 0;
    }
  L->nan_traces = 0;
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    for (int p = 0; p < L->n_products[target]; p++)
      {
        const BslKProduct *product = &L->products[target][p];
        int d = bsl_k_dep_index (product->dependency);

        L->uses_dependency[d] = 1;
        for (int f = 0; f < product->n_factors; f++)
          {
            int sym = product->factors[f].sym;
            if (sym < BSL_K_SYM_X1 || sym > BSL_K_SYM_Y3)
              continue;
            L->reads_trace[d][sym - BSL_K_SYM_X1] = 1;
            /* floating_pt: a trace with tau 0 is NaN, and 0 * NaN reaches every synapse. */
            if (!L->fixed && L->tau[sym - BSL_K_SYM_X1] == 0)
              L->nan_traces = 1;
          }
      }
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    bsl_k_impulse_split (L->impulse[k], &L->impulse_int[k], &L->impulse_frac[k]);
  bsl_k_learning_seed (L);
}

static inline int
bsl_k_learning_within_epoch (const BslKLearning *L, int64_t t)
{
  int ts = (int) (t % L->t_epoch);

  return ts == 0 ? L->t_epoch : ts;
}

/* An impulse added at once to a trace whose neuron already spiked in this epoch. */
static inline void
bsl_k_learning_add_impulse_now (BslKLearning *L, int trace, size_t k, int64_t random)
{
  BslKVec *v = &L->traces[trace];

  if (v->i != NULL)
    v->i[k] = bsl_k_trace_add_impulse (v->i[k], random, L->impulse_int[trace], L->impulse_frac[trace]);
  else
    v->f[k] += L->impulse[trace];
}

/* Lava's recv_traces: pre-synaptic spikes (active: the inputs that spiked), the trace streams
 * advance, post-synaptic spikes (bap_i or bap_f, n_out long), the streams advance again. */
static inline void
bsl_k_learning_record_spikes (BslKLearning *L, int64_t t, const uint32_t *active, size_t n_active,
                              const int32_t *bap_i, const double *bap_f)
{
  int ts = bsl_k_learning_within_epoch (L, t);

  for (size_t a = 0; a < n_active; a++)
    {
      size_t j = active[a];

      if (bsl_k_vec_get (&L->spikes[BSL_K_L_TX], j) > 0)
        {
          bsl_k_learning_add_impulse_now (L, BSL_K_TRACE_X1, j, 0);
          bsl_k_learning_add_impulse_now (L, BSL_K_TRACE_X2, j, 0);
        }
      bsl_k_vec_set (&L->spikes[BSL_K_L_TX], j, ts);
    }
  if (L->fixed)
    bsl_k_learning_advance_traces (L);
  for (size_t i = 0; i < L->n_out; i++)
    {
      if (bap_i != NULL ? bap_i[i] == 0 : bap_f[i] == 0.0)
        continue;
      bsl_k_vec_set (&L->spikes[BSL_K_L_Y0], i, 1);
      if (bsl_k_vec_get (&L->spikes[BSL_K_L_TY], i) > 0)
        for (int k = BSL_K_TRACE_Y1; k <= BSL_K_TRACE_Y3; k++)
          bsl_k_learning_add_impulse_now (L, k, i, L->y_impulse_value);
      bsl_k_vec_set (&L->spikes[BSL_K_L_TY], i, ts);
    }
  if (L->fixed)
    bsl_k_learning_advance_traces (L);
}

/* The step of the epoch a neuron last spiked at (0: none); a value set from outside the epoch's
 * range counts as its nearest end. */
static inline int
bsl_k_learning_spike_time (const BslKLearning *L, int var, size_t k)
{
  double t = bsl_k_vec_get (&L->spikes[var], k);

  return isnan (t) || t <= 0 ? 0 : (t >= L->t_epoch ? L->t_epoch : (int) t);
}

static inline double
bsl_k_learning_history (const BslKLearning *L, int trace, size_t neuron, int time)
{
  size_t at = neuron * (size_t) (L->t_epoch + 1) + (size_t) time;

  return L->history_i[trace] != NULL ? (double) L->history_i[trace][at] : L->history_f[trace][at];
}

static inline void
bsl_k_learning_histories (BslKLearning *L)
{
  size_t stride = (size_t) L->t_epoch + 1;

  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      int pre = k < BSL_K_TRACE_Y1;
      size_t n = pre ? L->n_in : L->n_out;
      const int *when = pre ? L->tx_now : L->ty_now;

      for (size_t m = 0; m < n; m++)
        {
          if (L->fixed)
            bsl_k_trace_history_fixed (L->traces[k].i[m], L->t_epoch, when[m], L->tau[k],
                                       pre ? L->x_decay_value : L->y_decay_value,
                                       pre ? L->x_impulse_value : L->y_impulse_value,
                                       L->impulse_int[k], L->impulse_frac[k],
                                       L->history_i[k] + m * stride);
          else
            bsl_k_trace_history_float (L->traces[k].f[m], L->t_epoch, when[m], L->tau[k],
                                       L->impulse[k], L->history_f[k] + m * stride);
        }
    }
}

static inline double
bsl_k_learning_saturate_fixed (int target, int mode, int32_t value)
{
  int32_t lo = target == BSL_K_TARGET_T ? -257 : (target == BSL_K_TARGET_D ? 0 : -256), hi = 255;

  if (target == BSL_K_TARGET_W && mode == BSL_K_SIGN_EXCITATORY)
    lo = 0;
  if (target == BSL_K_TARGET_W && mode == BSL_K_SIGN_INHIBITORY)
    lo = -255, hi = 0;
  return value < lo ? lo : (value > hi ? hi : value);
}

/* One synapse: every rule from the old values of w, d and t, then the new values stored. */
static inline void
bsl_k_learning_update_synapse (BslKLearning *L, size_t i, size_t j, double u)
{
  int when[3] = { L->tx_now[j], L->ty_now[i], L->t_epoch };
  size_t k = i * L->n_in + j;
  double updated[BSL_K_N_TARGETS];
  BslKSynapseView view;

  view.dep[0] = when[0] > 0;
  view.dep[1] = when[1] > 0;
  view.dep[2] = u;
  for (int d = 0; d < 3; d++)
    for (int trace = 0; trace < BSL_K_N_TRACES; trace++)
      if (L->reads_trace[d][trace])
        view.trace[d][trace] = bsl_k_learning_history (L, trace, trace < BSL_K_TRACE_Y1 ? j : i, when[d]);
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    view.syn[target] = bsl_k_vec_get (&L->syn[target], k);

  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      int floor_zero = (target == BSL_K_TARGET_W && L->sign_mode == BSL_K_SIGN_EXCITATORY)
                       || target == BSL_K_TARGET_D;
      int ceil_zero = target == BSL_K_TARGET_W && L->sign_mode == BSL_K_SIGN_INHIBITORY;

      updated[target] = view.syn[target];
      if (L->n_products[target] < 0)
        continue;
      if (L->fixed)
        {
          int32_t acc = (int32_t) ((uint32_t) (int32_t) view.syn[target] << BSL_K_SYN_SHIFT);

          acc = bsl_k_learning_apply_fixed (L->products[target], L->n_products[target], &view, acc);
          acc = floor_zero && acc < 0 ? 0 : (ceil_zero && acc > 0 ? 0 : acc);
          updated[target] = bsl_k_learning_saturate_fixed (target, L->sign_mode,
                                                          bsl_k_learning_round (acc, L->rounding_value));
        }
      else
        {
          double x = bsl_k_learning_apply_float (L->products[target], L->n_products[target], &view,
                                                 view.syn[target], L->nan_traces);
          updated[target] = floor_zero && x < 0 ? 0.0 : (ceil_zero && x > 0 ? 0.0 : x);
        }
    }
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    if (L->n_products[target] >= 0)
      bsl_k_vec_set (&L->syn[target], k, updated[target]);
  if (L->n_products[BSL_K_TARGET_W] >= 0)
    bsl_k_learning_store_weight (L, i, j, updated[BSL_K_TARGET_W]);
}

/* A tag_1 of -257 leaves the accumulator's range, so Lava moves it even where no dependency
 * fired: such synapses are visited too. */
static inline int
bsl_k_learning_tag_1_below_range (const BslKLearning *L)
{
  if (!L->fixed || L->n_products[BSL_K_TARGET_T] < 0)
    return 0;
  for (size_t k = 0; k < L->n_in * L->n_out; k++)
    if (L->syn[BSL_K_TARGET_T].i[k] < -256)
      return 1;
  return 0;
}

static inline void
bsl_k_learning_apply_rule (BslKLearning *L, double u)
{
  int all = L->full_pass_pending || L->nan_traces || (L->uses_dependency[2] && u != 0)
            || bsl_k_learning_tag_1_below_range (L);
  size_t n_rows = 0, n_cols = 0;

  L->full_pass_pending = 0;
  if (all)
    {
      for (size_t i = 0; i < L->n_out; i++)
        for (size_t j = 0; j < L->n_in; j++)
          bsl_k_learning_update_synapse (L, i, j, u);
      return;
    }
  if (L->uses_dependency[1])
    for (size_t i = 0; i < L->n_out; i++)
      if (L->ty_now[i] > 0)
        {
          L->rows[n_rows++] = (uint32_t) i;
          L->row_marked[i] = 1;
        }
  if (L->uses_dependency[0])
    for (size_t j = 0; j < L->n_in; j++)
      if (L->tx_now[j] > 0)
        L->cols[n_cols++] = (uint32_t) j;
  for (size_t r = 0; r < n_rows; r++)
    for (size_t j = 0; j < L->n_in; j++)
      bsl_k_learning_update_synapse (L, L->rows[r], j, u);
  for (size_t c = 0; c < n_cols; c++)
    for (size_t i = 0; i < L->n_out; i++)
      if (!L->row_marked[i])
        bsl_k_learning_update_synapse (L, i, L->cols[c], u);
  for (size_t r = 0; r < n_rows; r++)
    L->row_marked[L->rows[r]] = 0;
}

/* Lava's run_lrn at the end of an epoch (t % t_epoch == 0). */
static inline void
bsl_k_learning_epoch (BslKLearning *L, int64_t t)
{
  double u = 0;

  if (L->fixed)
    L->rounding_value = bsl_numpy_random_double (&L->rounding);
  if (L->decimate_exponent >= 0)
    u = ((t / L->t_epoch) % ((int64_t) 1 << L->decimate_exponent)) == 0;
  for (size_t j = 0; j < L->n_in; j++)
    L->tx_now[j] = bsl_k_learning_spike_time (L, BSL_K_L_TX, j);
  for (size_t i = 0; i < L->n_out; i++)
    L->ty_now[i] = bsl_k_learning_spike_time (L, BSL_K_L_TY, i);
  L->sign_mode = bsl_k_learning_sign_mode (L);
  bsl_k_learning_histories (L);
  bsl_k_learning_apply_rule (L, u);
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      size_t n = k < BSL_K_TRACE_Y1 ? L->n_in : L->n_out;
      for (size_t m = 0; m < n; m++)
        bsl_k_vec_set (&L->traces[k], m, bsl_k_learning_history (L, k, m, L->t_epoch));
    }
  for (size_t j = 0; j < L->n_in; j++)
    {
      bsl_k_vec_set (&L->spikes[BSL_K_L_X0], j, 0);
      bsl_k_vec_set (&L->spikes[BSL_K_L_TX], j, 0);
    }
  for (size_t i = 0; i < L->n_out; i++)
    {
      bsl_k_vec_set (&L->spikes[BSL_K_L_Y0], i, 0);
      bsl_k_vec_set (&L->spikes[BSL_K_L_TY], i, 0);
    }
}

/* One step after the input was accumulated: the spikes, then learning at an epoch's end. */
static inline void
bsl_k_learning_step (BslKLearning *L, int64_t t, const uint32_t *active, size_t n_active,
                     const int32_t *bap_i, const double *bap_f)
{
  bsl_k_learning_record_spikes (L, t, active, n_active, bap_i, bap_f);
  if (t % L->t_epoch == 0)
    bsl_k_learning_epoch (L, t);
}

#endif
