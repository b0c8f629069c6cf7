/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LearningDense (lava.proc.dense): Dense synapses that learn by a Loihi learning rule, with
 * Lava's PyLearningDenseModelFloat and PyLearningDenseModelBitApproximate semantics. Each step
 * sends last step's a_buff, accumulates this step's input, records the pre- and post-synaptic
 * spikes of the epoch, and at the end of every epoch of t_epoch steps updates the traces and
 * applies the rule. Only synapses whose dependency (x0, y0) fired are visited, unless the rule
 * has a u dependency on this epoch. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-kernel-dense.h"
#include "bsl-kernel-learning.h"
#include "bsl-learning-rule.h"
#include "bsl-runtime-private.h"

static const char *sign_mode_names[] = { "auto", "mixed", "excitatory", "inhibitory", NULL };

#define STATE_VAR(name, desc, shape, lo, hi) \
  { name, desc, shape, BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST, 0, lo, hi, \
    -INFINITY, INFINITY, NULL, NULL }

static const BslPortSpec learning_dense_ports[] = {
  { "s_in", BSL_PORT_IN, BSL_PORT_SHAPE_COLUMNS, "Incoming spikes (n_in): the rule's x0" },
  { "s_in_bap", BSL_PORT_IN, BSL_PORT_SHAPE_ROWS,
    "Post-synaptic spikes (n_out), from the post population's s_out: the rule's y0" },
  { "s_in_y1", BSL_PORT_IN, BSL_PORT_SHAPE_ROWS, "Third-factor y1 (read by Loihi3F rules only)" },
  { "s_in_y2", BSL_PORT_IN, BSL_PORT_SHAPE_ROWS, "Third-factor y2 (read by Loihi3F rules only)" },
  { "s_in_y3", BSL_PORT_IN, BSL_PORT_SHAPE_ROWS, "Third-factor y3 (read by Loihi3F rules only)" },
  { "a_out", BSL_PORT_OUT, BSL_PORT_SHAPE_ROWS, "Synaptic current to the post-synaptic neurons (n_out)" },
};
enum { PORT_S_IN, PORT_S_IN_BAP, PORT_S_IN_Y1, PORT_S_IN_Y2, PORT_S_IN_Y3, PORT_A_OUT };

enum
{
  V_WEIGHTS, V_WEIGHT_EXP, V_NUM_WEIGHT_BITS, V_SIGN_MODE, V_NUM_MESSAGE_BITS, V_A_BUFF,
  V_X0, V_TX, V_X1, V_X2, V_Y0, V_TY, V_Y1, V_Y2, V_Y3, V_TAG_1, V_TAG_2,
};

static const BslVarSpec learning_dense_vars[] = {
  { "weights", "Synaptic weights, one row per output neuron (n_out, n_in); they learn",
    BSL_SHAPE_POPULATION, BSL_VAR_INTEGER | BSL_VAR_BROADCAST, 0, -256, 255, -INFINITY, INFINITY,
    NULL, NULL },
  { "weight_exp", "Weight exponent: a_out = sum << weight_exp (fixed_pt)", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_FIXED_ONLY, 0, -8, 7, -INFINITY, INFINITY, NULL, NULL },
  { "num_weight_bits", "Weight precision in bits at the start (fixed_pt)", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_FIXED_ONLY, 8, 1, 8, -INFINITY, INFINITY, "bits", NULL },
  { "sign_mode", "Weight sign mode (fixed_pt and the rule's saturation; auto: mixed, as Lava)",
    BSL_SHAPE_SCALAR, BSL_VAR_INTEGER | BSL_VAR_ENUM, 1, 0, 3, 0, 3, NULL, sign_mode_names },
  { "num_message_bits", "Bits of graded spike payload (0: binary spikes)", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_COUNT, 0, 0, 24, 0, 64, "bits", NULL },
  { "a_buff", "Synaptic input computed this step, sent at the next (state)", BSL_SHAPE_ROWS,
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0,
    -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
  STATE_VAR ("x0", "Pre-synaptic spike in this epoch (dependency x0)", BSL_SHAPE_COLUMNS, 0, 1),
  STATE_VAR ("tx", "Step of the epoch of the last pre-synaptic spike (0: none)", BSL_SHAPE_COLUMNS, 0, 63),
  STATE_VAR ("x1", "Pre-synaptic trace x1", BSL_SHAPE_COLUMNS, 0, 127),
  STATE_VAR ("x2", "Pre-synaptic trace x2", BSL_SHAPE_COLUMNS, 0, 127),
  STATE_VAR ("y0", "Post-synaptic spike in this epoch (dependency y0)", BSL_SHAPE_ROWS, 0, 1),
  STATE_VAR ("ty", "Step of the epoch of the last post-synaptic spike (0: none)", BSL_SHAPE_ROWS, 0, 63),
  STATE_VAR ("y1", "Post-synaptic trace y1", BSL_SHAPE_ROWS, 0, 127),
  STATE_VAR ("y2", "Post-synaptic trace y2", BSL_SHAPE_ROWS, 0, 127),
  STATE_VAR ("y3", "Post-synaptic trace y3", BSL_SHAPE_ROWS, 0, 127),
  STATE_VAR ("tag_1", "Synaptic tag (the rule dt changes it)", BSL_SHAPE_POPULATION, -257, 255),
  STATE_VAR ("tag_2", "Synaptic delay tag (the rule dd changes it)", BSL_SHAPE_POPULATION, 0, 255),
};

static const guint trace_vars[BSL_K_N_TRACES] = { V_X1, V_X2, V_Y1, V_Y2, V_Y3 };
static const guint target_vars[BSL_K_N_TARGETS] = { V_WEIGHTS, V_TAG_2, V_TAG_1 };

typedef struct
{
  gsize               n_in, n_out;
  BslLearningRule    *rule;
  BslLearningProgram  program;
  int                 t_epoch;
  gboolean            full_pass_pending;   /* the first epoch saturates every synapse */
  gboolean            nan_traces;          /* floating_pt: a trace with tau 0 is NaN everywhere */
  /* propagation (Dense's kernels) */
  double             *wt_f;
  gint16             *wt_i;
  guint32            *active;
  gsize               n_active;
  gint64             *acc;
  double             *initial_weights;
  /* fixed_pt: impulses split into integer and 8-bit fraction, and Lava's five streams */
  gint32              impulse_int[BSL_K_N_TRACES], impulse_frac[BSL_K_N_TRACES];
  BslNumpyRandom      x_decay, x_impulse, y_decay, y_impulse, rounding;
  double              x_decay_value, y_decay_value, rounding_value;
  gint64              x_impulse_value, y_impulse_value;
  /* one epoch of trace history per neuron: (t_epoch + 1) values */
  gint32             *history_i[BSL_K_N_TRACES];
  double             *history_f[BSL_K_N_TRACES];
  /* the synapses an epoch visits */
  guint32            *rows, *cols;
  gsize               n_rows, n_cols;
  guint8             *row_marked;
} LearningPriv;

static void
learning_priv_free (gpointer data)
{
  LearningPriv *priv = data;

  bsl_learning_rule_free (priv->rule);
  bsl_learning_program_clear (&priv->program);
  g_free (priv->wt_f);
  g_free (priv->wt_i);
  g_free (priv->active);
  g_free (priv->acc);
  g_free (priv->initial_weights);
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      g_free (priv->history_i[k]);
      g_free (priv->history_f[k]);
    }
  g_free (priv->rows);
  g_free (priv->cols);
  g_free (priv->row_marked);
  g_free (priv);
}

static gboolean
is_fixed (BslProcRuntime *pr)
{
  return pr->tag == BSL_TAG_FIXED_PT;
}

static double
get (BslProcRuntime *pr, guint var, gsize k)
{
  return pr->vars[var].is_int ? pr->vars[var].i[k] : pr->vars[var].f[k];
}

static void
set (BslProcRuntime *pr, guint var, gsize k, double x)
{
  if (pr->vars[var].is_int)
    pr->vars[var].i[k] = (gint32) x;
  else
    pr->vars[var].f[k] = x;
}

static int
sign_mode (BslProcRuntime *pr)
{
  int mode = (int) get (pr, V_SIGN_MODE, 0);

  return mode == BSL_K_SIGN_AUTO ? BSL_K_SIGN_MIXED : mode;
}

/* Lava's truncate_weights at the first step of a fixed_pt run (no clipping, unlike Dense). */
static void
truncate_weights (BslProcRuntime *pr)
{
  int mode = sign_mode (pr);
  int shift = 8 - (int) get (pr, V_NUM_WEIGHT_BITS, 0) + (mode == BSL_K_SIGN_MIXED ? 1 : 0);
  gint32 *w = pr->vars[V_WEIGHTS].i;

  shift = MAX (shift, 0);
  for (gsize k = 0; k < pr->vars[V_WEIGHTS].n; k++)
    w[k] = mode == BSL_K_SIGN_INHIBITORY ? -(((-w[k]) >> shift) * (1 << shift))
                                         : (w[k] >> shift) * (1 << shift);
}

static void
store_synapse_weight (LearningPriv *priv, gsize i, gsize j, double w)
{
  if (priv->wt_i != NULL)
    priv->wt_i[j * priv->n_out + i] = (gint16) w;
  else
    priv->wt_f[j * priv->n_out + i] = w;
}

static void
build_weights (BslProcRuntime *pr)
{
  LearningPriv *priv = pr->priv;

  for (gsize i = 0; i < priv->n_out; i++)
    for (gsize j = 0; j < priv->n_in; j++)
      store_synapse_weight (priv, i, j, get (pr, V_WEIGHTS, i * priv->n_in + j));
}

static void
seed_streams (BslProcRuntime *pr)
{
  LearningPriv *priv = pr->priv;
  const BslLearningRule *rule = priv->rule;
  guint64 seed = rule->has_rng_seed ? (guint64) rule->rng_seed : pr->runtime->config->seed & 0x7fffffff;

  /* TraceRandom(seed, seed + 1) for x, (seed + 2, seed + 3) for y, ConnVarRandom(2); each
   * draws once when made. */
  bsl_numpy_random_init (&priv->x_decay, seed);
  bsl_numpy_random_init (&priv->x_impulse, seed + 1);
  bsl_numpy_random_init (&priv->y_decay, seed + 2);
  bsl_numpy_random_init (&priv->y_impulse, seed + 3);
  bsl_numpy_random_init (&priv->rounding, 2);
  priv->x_decay_value = bsl_numpy_random_double (&priv->x_decay);
  priv->x_impulse_value = bsl_numpy_random_integers (&priv->x_impulse, 1 << BSL_K_W_TRACE);
  priv->y_decay_value = bsl_numpy_random_double (&priv->y_decay);
  priv->y_impulse_value = bsl_numpy_random_integers (&priv->y_impulse, 1 << BSL_K_W_TRACE);
  priv->rounding_value = bsl_numpy_random_double (&priv->rounding);
}

static void
advance_trace_streams (LearningPriv *priv)
{
  priv->x_decay_value = bsl_numpy_random_double (&priv->x_decay);
  priv->x_impulse_value = bsl_numpy_random_integers (&priv->x_impulse, 1 << BSL_K_W_TRACE);
  priv->y_decay_value = bsl_numpy_random_double (&priv->y_decay);
  priv->y_impulse_value = bsl_numpy_random_integers (&priv->y_impulse, 1 << BSL_K_W_TRACE);
}

static gboolean
trace_is_nan_source (LearningPriv *priv)
{
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    for (int p = 0; p < priv->program.series[target].n_products; p++)
      {
        const BslKProduct *product = &priv->program.series[target].products[p];
        for (int f = 0; f < product->n_factors; f++)
          {
            int sym = product->factors[f].sym;
            if (sym >= BSL_K_SYM_X1 && sym <= BSL_K_SYM_Y3 && priv->rule->tau[sym - BSL_K_SYM_X1] == 0)
              return TRUE;
          }
      }
  return FALSE;
}

static gboolean
learning_dense_prepare (BslProcRuntime *pr, GError **error)
{
  LearningPriv *priv = g_new0 (LearningPriv, 1);
  gsize n_w;

  pr->priv = priv;
  priv->n_out = pr->dims[0];
  priv->n_in = pr->dims[1];
  n_w = priv->n_in * priv->n_out;
  priv->rule = bsl_learning_rule_copy (pr->learning_rule);
  if (!bsl_learning_rule_compile (priv->rule, &priv->program, error))
    return FALSE;
  priv->t_epoch = (int) priv->rule->t_epoch;
  priv->active = g_new (guint32, MAX (priv->n_in, 1));
  priv->acc = g_new0 (gint64, MAX (priv->n_out, 1));
  priv->rows = g_new (guint32, MAX (priv->n_out, 1));
  priv->cols = g_new (guint32, MAX (priv->n_in, 1));
  priv->row_marked = g_new0 (guint8, MAX (priv->n_out, 1));
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      gsize n = (k < BSL_K_TRACE_Y1 ? priv->n_in : priv->n_out) * (priv->t_epoch + 1);
      if (is_fixed (pr))
        priv->history_i[k] = g_new0 (gint32, MAX (n, 1));
      else
        priv->history_f[k] = g_new0 (double, MAX (n, 1));
      bsl_k_impulse_split (priv->rule->impulse[k], &priv->impulse_int[k], &priv->impulse_frac[k]);
    }
  if (is_fixed (pr))
    {
      truncate_weights (pr);
      priv->wt_i = g_new (gint16, MAX (n_w, 1));
    }
  else
    priv->wt_f = g_new (double, MAX (n_w, 1));
  priv->initial_weights = g_new (double, MAX (n_w, 1));
  for (gsize k = 0; k < n_w; k++)
    priv->initial_weights[k] = get (pr, V_WEIGHTS, k);
  build_weights (pr);
  seed_streams (pr);
  priv->full_pass_pending = TRUE;
  priv->nan_traces = !is_fixed (pr) && trace_is_nan_source (priv);
  return TRUE;
}

static void
learning_dense_reset (BslProcRuntime *pr)
{
  LearningPriv *priv = pr->priv;

  for (gsize k = 0; k < priv->n_in * priv->n_out; k++)
    set (pr, V_WEIGHTS, k, priv->initial_weights[k]);
  build_weights (pr);
  seed_streams (pr);
  priv->full_pass_pending = TRUE;
}

static void
learning_dense_var_changed (BslProcRuntime *pr, guint var)
{
  LearningPriv *priv = pr->priv;

  if (var == V_WEIGHTS)
    {
      for (gsize k = 0; k < priv->n_in * priv->n_out; k++)
        priv->initial_weights[k] = get (pr, V_WEIGHTS, k);
      build_weights (pr);
    }
  if (var == V_TAG_1 || var == V_TAG_2 || var == V_SIGN_MODE)
    priv->full_pass_pending = TRUE;
}

static void
learning_dense_begin_step (BslProcRuntime *pr, gint64 t)
{
  LearningPriv *priv = pr->priv;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN);

  priv->n_active = bsl_rt_port_collect_active (s_in, priv->active);
}

/* The step of the epoch a neuron last spiked at (0: not in this epoch); a value set from outside
 * the epoch's range counts as its nearest end. */
static int
spike_time (BslProcRuntime *pr, guint var, gsize k)
{
  LearningPriv *priv = pr->priv;
  double t = get (pr, var, k);

  return isnan (t) || t <= 0 ? 0 : (t >= priv->t_epoch ? priv->t_epoch : (int) t);
}

static int
within_epoch (LearningPriv *priv, gint64 t)
{
  int ts = (int) (t % priv->t_epoch);

  return ts == 0 ? priv->t_epoch : ts;
}

/* An impulse added at once to a trace whose neuron already spiked in this epoch. */
static void
add_impulse_now (BslProcRuntime *pr, int trace, gsize k, gint64 random)
{
  LearningPriv *priv = pr->priv;
  guint var = trace_vars[trace];

  if (is_fixed (pr))
    pr->vars[var].i[k] = bsl_k_trace_add_impulse (pr->vars[var].i[k], random,
                                                  priv->impulse_int[trace], priv->impulse_frac[trace]);
  else
    pr->vars[var].f[k] += priv->rule->impulse[trace];
}

/* Lava's recv_traces: pre-synaptic spikes, the trace streams advance, post-synaptic spikes,
 * the streams advance again. */
static void
record_spikes (BslProcRuntime *pr, gint64 t)
{
  LearningPriv *priv = pr->priv;
  BslRtPort *bap = bsl_pr_port (pr, PORT_S_IN_BAP);
  int ts = within_epoch (priv, t);

  for (gsize a = 0; a < priv->n_active; a++)
    {
      gsize j = priv->active[a];

      if (get (pr, V_TX, j) > 0)
        {
          add_impulse_now (pr, BSL_K_TRACE_X1, j, 0);
          add_impulse_now (pr, BSL_K_TRACE_X2, j, 0);
        }
      set (pr, V_TX, j, ts);
    }
  if (is_fixed (pr))
    advance_trace_streams (priv);
  for (gsize i = 0; i < priv->n_out; i++)
    {
      if (bap->is_int ? bap->i[i] == 0 : bap->f[i] == 0.0)
        continue;
      set (pr, V_Y0, i, 1);
      if (get (pr, V_TY, i) > 0)
        for (int k = BSL_K_TRACE_Y1; k <= BSL_K_TRACE_Y3; k++)
          add_impulse_now (pr, k, i, priv->y_impulse_value);
      set (pr, V_TY, i, ts);
    }
  if (is_fixed (pr))
    advance_trace_streams (priv);
}

static void
compute_histories (BslProcRuntime *pr)
{
  LearningPriv *priv = pr->priv;
  int stride = priv->t_epoch + 1;

  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      gboolean pre = k < BSL_K_TRACE_Y1;
      gsize n = pre ? priv->n_in : priv->n_out;
      guint spike_var = pre ? V_TX : V_TY;
      double tau = priv->rule->tau[k];

      for (gsize m = 0; m < n; m++)
        {
          int when = spike_time (pr, spike_var, m);

          if (is_fixed (pr))
            bsl_k_trace_history_fixed (pr->vars[trace_vars[k]].i[m], priv->t_epoch, when, tau,
                                       pre ? priv->x_decay_value : priv->y_decay_value,
                                       pre ? priv->x_impulse_value : priv->y_impulse_value,
                                       priv->impulse_int[k], priv->impulse_frac[k],
                                       priv->history_i[k] + m * stride);
          else
            bsl_k_trace_history_float (pr->vars[trace_vars[k]].f[m], priv->t_epoch, when, tau,
                                       priv->rule->impulse[k], priv->history_f[k] + m * stride);
        }
    }
}

static double
history_at (LearningPriv *priv, int trace, gsize neuron, int time)
{
  gsize at = neuron * (priv->t_epoch + 1) + time;

  return priv->history_i[trace] != NULL ? priv->history_i[trace][at] : priv->history_f[trace][at];
}

/* What synapse (i, j) reads: each trace as seen from x0 (at the pre spike), from y0 (at the
 * post spike) and from u (at the end of the epoch). */
static void
synapse_view (BslProcRuntime *pr, gsize i, gsize j, double u, BslKSynapseView *view)
{
  LearningPriv *priv = pr->priv;
  int when[3] = { spike_time (pr, V_TX, j), spike_time (pr, V_TY, i), priv->t_epoch };
  gsize k = i * priv->n_in + j;

  view->dep[0] = when[0] > 0;
  view->dep[1] = when[1] > 0;
  view->dep[2] = u;
  for (int d = 0; d < 3; d++)
    for (int trace = 0; trace < BSL_K_N_TRACES; trace++)
      view->trace[d][trace] = history_at (priv, trace, trace < BSL_K_TRACE_Y1 ? j : i, when[d]);
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    view->syn[target] = get (pr, target_vars[target], k);
}

static double
saturate_fixed (int target, int mode, gint32 value)
{
  switch (target)
    {
    case BSL_K_TARGET_W:
      if (mode == BSL_K_SIGN_EXCITATORY)
        return CLAMP (value, 0, 255);
      if (mode == BSL_K_SIGN_INHIBITORY)
        return CLAMP (value, -255, 0);
      return CLAMP (value, -256, 255);
    case BSL_K_TARGET_D:
      return CLAMP (value, 0, 255);
    default:
      return CLAMP (value, -257, 255);
    }
}

static void
update_synapse (BslProcRuntime *pr, gsize i, gsize j, double u)
{
  LearningPriv *priv = pr->priv;
  int mode = sign_mode (pr);
  BslKSynapseView view;
  double updated[BSL_K_N_TARGETS];

  synapse_view (pr, i, j, u, &view);
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      const BslLearningSeries *series = &priv->program.series[target];
      double x;

      updated[target] = view.syn[target];
      if (!priv->program.active[target])
        continue;
      if (is_fixed (pr))
        {
          gint32 acc = (gint32) ((guint32) (gint32) view.syn[target] << BSL_K_SYN_SHIFT);

          acc = bsl_k_learning_apply_fixed (series->products, series->n_products, &view, acc);
          if ((target == BSL_K_TARGET_W && mode == BSL_K_SIGN_EXCITATORY) || target == BSL_K_TARGET_D)
            acc = MAX (acc, 0);
          else if (target == BSL_K_TARGET_W && mode == BSL_K_SIGN_INHIBITORY)
            acc = MIN (acc, 0);
          x = saturate_fixed (target, mode, bsl_k_learning_round (acc, priv->rounding_value));
        }
      else
        {
          x = bsl_k_learning_apply_float (series->products, series->n_products, &view,
                                          view.syn[target]);
          if ((target == BSL_K_TARGET_W && mode == BSL_K_SIGN_EXCITATORY) || target == BSL_K_TARGET_D)
            x = MAX (x, 0.0);
          else if (target == BSL_K_TARGET_W && mode == BSL_K_SIGN_INHIBITORY)
            x = MIN (x, 0.0);
        }
      updated[target] = x;
    }
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    if (priv->program.active[target])
      set (pr, target_vars[target], i * priv->n_in + j, updated[target]);
  if (priv->program.active[BSL_K_TARGET_W])
    store_synapse_weight (priv, i, j, updated[BSL_K_TARGET_W]);
}

/* A tag_1 of -257 leaves the accumulator's range, so Lava moves it even where no dependency
 * fired: such synapses are visited too. */
static gboolean
tag_1_below_range (BslProcRuntime *pr)
{
  LearningPriv *priv = pr->priv;

  if (!is_fixed (pr) || !priv->program.active[BSL_K_TARGET_T])
    return FALSE;
  for (gsize k = 0; k < priv->n_in * priv->n_out; k++)
    if (pr->vars[V_TAG_1].i[k] < -256)
      return TRUE;
  return FALSE;
}

static void
apply_rule (BslProcRuntime *pr, double u)
{
  LearningPriv *priv = pr->priv;
  gboolean all = priv->full_pass_pending || priv->nan_traces ||
                 (priv->program.uses_dependency[2] && u != 0) || tag_1_below_range (pr);

  priv->full_pass_pending = FALSE;
  if (all)
    {
      for (gsize i = 0; i < priv->n_out; i++)
        for (gsize j = 0; j < priv->n_in; j++)
          update_synapse (pr, i, j, u);
      return;
    }
  priv->n_rows = priv->n_cols = 0;
  if (priv->program.uses_dependency[1])
    for (gsize i = 0; i < priv->n_out; i++)
      if (spike_time (pr, V_TY, i) > 0)
        {
          priv->rows[priv->n_rows++] = (guint32) i;
          priv->row_marked[i] = 1;
        }
  if (priv->program.uses_dependency[0])
    for (gsize j = 0; j < priv->n_in; j++)
      if (spike_time (pr, V_TX, j) > 0)
        priv->cols[priv->n_cols++] = (guint32) j;
  for (gsize r = 0; r < priv->n_rows; r++)
    for (gsize j = 0; j < priv->n_in; j++)
      update_synapse (pr, priv->rows[r], j, u);
  for (gsize c = 0; c < priv->n_cols; c++)
    for (gsize i = 0; i < priv->n_out; i++)
      if (!priv->row_marked[i])
        update_synapse (pr, i, priv->cols[c], u);
  for (gsize r = 0; r < priv->n_rows; r++)
    priv->row_marked[priv->rows[r]] = 0;
}

/* Lava's run_lrn at the end of an epoch. */
static void
learn (BslProcRuntime *pr, gint64 t)
{
  LearningPriv *priv = pr->priv;
  double u = 0;

  if (is_fixed (pr))
    priv->rounding_value = bsl_numpy_random_double (&priv->rounding);
  if (priv->program.decimate_exponent >= 0)
    u = ((t / priv->t_epoch) % ((gint64) 1 << priv->program.decimate_exponent)) == 0;
  compute_histories (pr);
  apply_rule (pr, u);
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      gsize n = k < BSL_K_TRACE_Y1 ? priv->n_in : priv->n_out;
      for (gsize m = 0; m < n; m++)
        set (pr, trace_vars[k], m, history_at (priv, k, m, priv->t_epoch));
    }
  for (gsize j = 0; j < priv->n_in; j++)
    {
      set (pr, V_X0, j, 0);
      set (pr, V_TX, j, 0);
    }
  for (gsize i = 0; i < priv->n_out; i++)
    {
      set (pr, V_Y0, i, 0);
      set (pr, V_TY, i, 0);
    }
}

static void
learning_dense_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  LearningPriv *priv = pr->priv;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN);
  gboolean graded = get (pr, V_NUM_MESSAGE_BITS, 0) > 0;

  if (is_fixed (pr))
    bsl_k_dense_fixed_accumulate (0, priv->n_out, priv->n_out, priv->wt_i, priv->active,
                                  priv->n_active, graded ? s_in->i : NULL,
                                  (int) get (pr, V_WEIGHT_EXP, 0), priv->acc,
                                  bsl_pr_i (pr, V_A_BUFF));
  else
    bsl_k_dense_float_accumulate (0, priv->n_out, priv->n_out, priv->wt_f, priv->active,
                                  priv->n_active, graded ? s_in->f : NULL,
                                  bsl_pr_f (pr, V_A_BUFF));
  record_spikes (pr, t);
  if (t % priv->t_epoch == 0)
    learn (pr, t);
}

static void
learning_dense_emit (BslProcRuntime *pr)
{
  BslRtPort *a_out = bsl_pr_port (pr, PORT_A_OUT);

  if (a_out->is_int)
    memcpy (a_out->i, bsl_pr_i (pr, V_A_BUFF), a_out->n * sizeof (gint32));
  else
    memcpy (a_out->f, bsl_pr_f (pr, V_A_BUFF), a_out->n * sizeof (double));
}

static const BslModel learning_dense_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .delayed_output = TRUE,
  .prepare = learning_dense_prepare, .begin_step = learning_dense_begin_step,
  .step = learning_dense_step, .emit = learning_dense_emit,
  .var_changed = learning_dense_var_changed, .reset = learning_dense_reset,
  .free_priv = learning_priv_free,
};
static const BslModel learning_dense_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .delayed_output = TRUE,
  .prepare = learning_dense_prepare, .begin_step = learning_dense_begin_step,
  .step = learning_dense_step, .emit = learning_dense_emit,
  .var_changed = learning_dense_var_changed, .reset = learning_dense_reset,
  .free_priv = learning_priv_free,
};

const BslProcType bsl_proc_type_learning_dense = {
  .name = "LearningDense",
  .description = "Dense synapses that learn by a Loihi learning rule (STDP, rule strings); "
                 "connect the post population's s_out to s_in_bap",
  .category = BSL_CATEGORY_CONNECTIONS,
  .shape_kind = BSL_SHAPE_KIND_MATRIX,
  .default_dims = { 1, 1 },
  .vars = learning_dense_vars, .n_vars = G_N_ELEMENTS (learning_dense_vars),
  .ports = learning_dense_ports, .n_ports = G_N_ELEMENTS (learning_dense_ports),
  .models = { &learning_dense_float_model, &learning_dense_fixed_model },
};
