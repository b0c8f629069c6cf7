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
#include "bsl-kernel-learning-dense.h"
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
static const guint spike_vars[BSL_K_L_N_SPIKE_VARS] = { V_X0, V_TX, V_Y0, V_TY };

typedef struct
{
  BslKLearning        learning;
  BslLearningRule    *rule;
  BslLearningProgram  program;
  /* propagation (Dense's kernels) */
  guint32            *active;
  gsize               n_active;
  gint64             *acc;
  double             *initial_weights;
} LearningPriv;

static void
learning_priv_free (gpointer data)
{
  LearningPriv *priv = data;
  BslKLearning *L = &priv->learning;

  bsl_learning_rule_free (priv->rule);
  bsl_learning_program_clear (&priv->program);
  g_free (L->wt_f);
  g_free (L->wt_i);
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      g_free (L->history_i[k]);
      g_free (L->history_f[k]);
    }
  g_free (L->rows);
  g_free (L->cols);
  g_free (L->row_marked);
  g_free (L->tx_now);
  g_free (L->ty_now);
  g_free (priv->active);
  g_free (priv->acc);
  g_free (priv->initial_weights);
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

static BslKVec
var_vec (BslProcRuntime *pr, guint var)
{
  return (BslKVec) { pr->vars[var].i, pr->vars[var].f };
}

/* The kernel's view of this process: its rule, its Vars and its work arrays. */
static void
learning_setup (BslProcRuntime *pr)
{
  LearningPriv *priv = pr->priv;
  BslKLearning *L = &priv->learning;
  const BslLearningRule *rule = priv->rule;
  gsize n_w;

  L->n_out = pr->dims[0];
  L->n_in = pr->dims[1];
  n_w = L->n_in * L->n_out;
  L->fixed = is_fixed (pr);
  L->t_epoch = (int) rule->t_epoch;
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      L->products[target] = priv->program.series[target].products;
      L->n_products[target] = priv->program.active[target] ? priv->program.series[target].n_products : -1;
      L->syn[target] = var_vec (pr, target_vars[target]);
    }
  L->decimate_exponent = priv->program.decimate_exponent;
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      gsize n = (k < BSL_K_TRACE_Y1 ? L->n_in : L->n_out) * (L->t_epoch + 1);

      L->tau[k] = rule->tau[k];
      L->impulse[k] = rule->impulse[k];
      L->traces[k] = var_vec (pr, trace_vars[k]);
      if (L->fixed)
        L->history_i[k] = g_new0 (gint32, MAX (n, 1));
      else
        L->history_f[k] = g_new0 (double, MAX (n, 1));
    }
  for (int k = 0; k < BSL_K_L_N_SPIKE_VARS; k++)
    L->spikes[k] = var_vec (pr, spike_vars[k]);
  L->sign_mode_var = pr->vars[V_SIGN_MODE].f;
  L->sign_mode_var_i = pr->vars[V_SIGN_MODE].i;
  L->seed = rule->has_rng_seed ? (guint64) rule->rng_seed : pr->runtime->config->seed & 0x7fffffff;
  if (L->fixed)
    L->wt_i = g_new (gint16, MAX (n_w, 1));
  else
    L->wt_f = g_new (double, MAX (n_w, 1));
  L->rows = g_new (guint32, MAX (L->n_out, 1));
  L->cols = g_new (guint32, MAX (L->n_in, 1));
  L->row_marked = g_new0 (guint8, MAX (L->n_out, 1));
  L->tx_now = g_new0 (int, MAX (L->n_in, 1));
  L->ty_now = g_new0 (int, MAX (L->n_out, 1));
}

static gboolean
learning_dense_prepare (BslProcRuntime *pr, GError **error)
{
  LearningPriv *priv = g_new0 (LearningPriv, 1);
  BslKLearning *L = &priv->learning;
  gsize n_w;

  pr->priv = priv;
  priv->rule = bsl_learning_rule_copy (pr->learning_rule);
  if (!bsl_learning_rule_compile (priv->rule, &priv->program, error))
    return FALSE;
  learning_setup (pr);
  n_w = L->n_in * L->n_out;
  priv->active = g_new (guint32, MAX (L->n_in, 1));
  priv->acc = g_new0 (gint64, MAX (L->n_out, 1));
  if (L->fixed)
    bsl_k_learning_truncate_weights (pr->vars[V_WEIGHTS].i, n_w, bsl_k_learning_sign_mode (L),
                                     (int) get (pr, V_NUM_WEIGHT_BITS, 0));
  priv->initial_weights = g_new (double, MAX (n_w, 1));
  for (gsize k = 0; k < n_w; k++)
    priv->initial_weights[k] = get (pr, V_WEIGHTS, k);
  bsl_k_learning_build_weights (L);
  bsl_k_learning_begin (L);
  return TRUE;
}

static void
learning_dense_reset (BslProcRuntime *pr)
{
  LearningPriv *priv = pr->priv;
  BslKLearning *L = &priv->learning;

  for (gsize k = 0; k < L->n_in * L->n_out; k++)
    bsl_k_vec_set (&L->syn[BSL_K_TARGET_W], k, priv->initial_weights[k]);
  bsl_k_learning_build_weights (L);
  bsl_k_learning_seed (L);
}

static void
learning_dense_var_changed (BslProcRuntime *pr, guint var)
{
  LearningPriv *priv = pr->priv;
  BslKLearning *L = &priv->learning;

  if (var == V_WEIGHTS)
    {
      for (gsize k = 0; k < L->n_in * L->n_out; k++)
        priv->initial_weights[k] = get (pr, V_WEIGHTS, k);
      bsl_k_learning_build_weights (L);
    }
  if (var == V_TAG_1 || var == V_TAG_2 || var == V_SIGN_MODE)
    L->full_pass_pending = TRUE;
}

static void
learning_dense_begin_step (BslProcRuntime *pr, gint64 t)
{
  LearningPriv *priv = pr->priv;

  priv->n_active = bsl_rt_port_collect_active (bsl_pr_port (pr, PORT_S_IN), priv->active);
}

static void
learning_dense_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  LearningPriv *priv = pr->priv;
  BslKLearning *L = &priv->learning;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN), *bap = bsl_pr_port (pr, PORT_S_IN_BAP);
  gboolean graded = get (pr, V_NUM_MESSAGE_BITS, 0) > 0;

  if (L->fixed)
    bsl_k_dense_fixed_accumulate (0, L->n_out, L->n_out, L->wt_i, priv->active, priv->n_active,
                                  graded ? s_in->i : NULL, (int) get (pr, V_WEIGHT_EXP, 0),
                                  priv->acc, bsl_pr_i (pr, V_A_BUFF));
  else
    bsl_k_dense_float_accumulate (0, L->n_out, L->n_out, L->wt_f, priv->active, priv->n_active,
                                  graded ? s_in->f : NULL, bsl_pr_f (pr, V_A_BUFF));
  bsl_k_learning_step (L, t, priv->active, priv->n_active, bap->is_int ? bap->i : NULL,
                       bap->is_int ? NULL : bap->f);
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
