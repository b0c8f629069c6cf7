/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dense, Sparse and DelayDense (lava.proc.dense, lava.proc.sparse). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-kernel-dense.h"
#include "bsl-model.h"

static const char *sign_mode_names[] = { "auto", "mixed", "excitatory", "inhibitory", NULL };

#define VAR_WEIGHTS { "weights", "Synaptic weights, one row per output neuron (n_out, n_in)", \
    BSL_SHAPE_POPULATION, BSL_VAR_INTEGER | BSL_VAR_BROADCAST, 0, -256, 255, -INFINITY, INFINITY, NULL, NULL }
#define VAR_WEIGHT_EXP { "weight_exp", "Weight exponent: a_out = sum << weight_exp (fixed_pt)", \
    BSL_SHAPE_SCALAR, BSL_VAR_INTEGER | BSL_VAR_FIXED_ONLY, 0, -8, 7, -INFINITY, INFINITY, NULL, NULL }
#define VAR_NUM_WEIGHT_BITS { "num_weight_bits", "Weight precision in bits (fixed_pt)", \
    BSL_SHAPE_SCALAR, BSL_VAR_INTEGER | BSL_VAR_FIXED_ONLY, 8, 1, 8, -INFINITY, INFINITY, "bits", NULL }
#define VAR_SIGN_MODE { "sign_mode", "Weight sign mode (fixed_pt; auto: from the weights)", \
    BSL_SHAPE_SCALAR, BSL_VAR_INTEGER | BSL_VAR_FIXED_ONLY | BSL_VAR_ENUM, 0, 0, 3, 0, 3, NULL, \
    sign_mode_names }
#define VAR_NUM_MESSAGE_BITS { "num_message_bits", "Bits of graded spike payload (0: binary spikes)", \
    BSL_SHAPE_SCALAR, BSL_VAR_INTEGER | BSL_VAR_COUNT, 0, 0, 24, 0, 64, "bits", NULL }

static const BslPortSpec dense_ports[] = {
  { "s_in", BSL_PORT_IN, BSL_PORT_SHAPE_COLUMNS, "Incoming spikes (n_in)" },
  { "a_out", BSL_PORT_OUT, BSL_PORT_SHAPE_ROWS, "Synaptic current to the post-synaptic neurons (n_out)" },
};
enum { PORT_S_IN, PORT_A_OUT };

enum { W_WEIGHTS, W_WEIGHT_EXP, W_NUM_WEIGHT_BITS, W_SIGN_MODE, W_NUM_MESSAGE_BITS, W_A_BUFF, W_DELAYS };

static const BslVarSpec dense_vars[] = {
  VAR_WEIGHTS, VAR_WEIGHT_EXP, VAR_NUM_WEIGHT_BITS, VAR_SIGN_MODE, VAR_NUM_MESSAGE_BITS,
  { "a_buff", "Synaptic input computed this step, sent at the next (state)", BSL_SHAPE_ROWS,
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0,
    -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
};

typedef struct
{
  gsize     n_in, n_out;
  double   *wt_f;         /* transposed weights: n_in rows of n_out */
  gint16   *wt_i;
  guint8   *delays_t;     /* DelayDense: transposed delays */
  guint32  *active;
  gsize     n_active;
  gint64   *acc;
  /* Sparse: compressed by input */
  guint32  *col_start;
  guint32  *row_index;
  double   *values_f;
  gint32   *values_i;
  /* DelayDense: ring of output rows */
  gsize     n_slots;
  gsize     head;
  double   *ring_f;
  gint32   *ring_i;
} DensePriv;

static void
dense_priv_free (gpointer data)
{
  DensePriv *priv = data;

  g_free (priv->wt_f);
  g_free (priv->wt_i);
  g_free (priv->delays_t);
  g_free (priv->active);
  g_free (priv->acc);
  g_free (priv->col_start);
  g_free (priv->row_index);
  g_free (priv->values_f);
  g_free (priv->values_i);
  g_free (priv->ring_f);
  g_free (priv->ring_i);
  g_free (priv);
}

static gboolean
is_fixed (BslProcRuntime *pr)
{
  return pr->tag == BSL_TAG_FIXED_PT;
}

static int
var_int (BslProcRuntime *pr, guint var)
{
  return pr->vars[var].is_int ? pr->vars[var].i[0] : (int) pr->vars[var].f[0];
}

/* The weights the model multiplies with: Lava's fixed_pt preprocessing, or the floats. */
static void
effective_weights (BslProcRuntime *pr, gint32 *quantized)
{
  gsize n = pr->vars[W_WEIGHTS].n;
  const gint32 *w = bsl_pr_i (pr, W_WEIGHTS);
  int mode = bsl_k_dense_sign_mode (w, n, var_int (pr, W_SIGN_MODE));
  int bits = var_int (pr, W_NUM_WEIGHT_BITS);

  for (gsize k = 0; k < n; k++)
    quantized[k] = bsl_k_dense_quantize_weight (w[k], mode, bits);
}

static void
dense_build_weights (BslProcRuntime *pr)
{
  DensePriv *priv = pr->priv;
  gsize n_in = priv->n_in, n_out = priv->n_out;

  if (is_fixed (pr))
    {
      g_autofree gint32 *q = g_new (gint32, n_in * n_out);

      effective_weights (pr, q);
      if (priv->wt_i == NULL)
        priv->wt_i = g_new (gint16, n_in * n_out);
      for (gsize i = 0; i < n_out; i++)
        for (gsize j = 0; j < n_in; j++)
          priv->wt_i[j * n_out + i] = (gint16) q[i * n_in + j];
    }
  else
    {
      const double *w = bsl_pr_f (pr, W_WEIGHTS);

      if (priv->wt_f == NULL)
        priv->wt_f = g_new (double, n_in * n_out);
      for (gsize i = 0; i < n_out; i++)
        for (gsize j = 0; j < n_in; j++)
          priv->wt_f[j * n_out + i] = w[i * n_in + j];
    }
}

static DensePriv *
dense_priv_new (BslProcRuntime *pr)
{
  DensePriv *priv = g_new0 (DensePriv, 1);

  priv->n_out = pr->dims[0];
  priv->n_in = pr->dims[1];
  priv->active = g_new (guint32, MAX (priv->n_in, 1));
  priv->acc = g_new0 (gint64, MAX (priv->n_out, 1));
  return priv;
}

static gboolean
dense_prepare (BslProcRuntime *pr, GError **error)
{
  pr->priv = dense_priv_new (pr);
  dense_build_weights (pr);
  return TRUE;
}

static void
dense_begin_step (BslProcRuntime *pr, gint64 t)
{
  DensePriv *priv = pr->priv;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN);

  priv->n_active = bsl_rt_port_collect_active (s_in, priv->active);
}

static gsize
dense_cost (BslProcRuntime *pr)
{
  DensePriv *priv = pr->priv;

  return priv->n_active * priv->n_out;
}

static gboolean
graded (BslProcRuntime *pr)
{
  return var_int (pr, W_NUM_MESSAGE_BITS) > 0;
}

static void
dense_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  DensePriv *priv = pr->priv;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN);

  if (is_fixed (pr))
    bsl_k_dense_fixed_accumulate (begin, end, priv->n_out, priv->wt_i, priv->active,
                                  priv->n_active, graded (pr) ? s_in->i : NULL,
                                  var_int (pr, W_WEIGHT_EXP), priv->acc,
                                  bsl_pr_i (pr, W_A_BUFF));
  else
    bsl_k_dense_float_accumulate (begin, end, priv->n_out, priv->wt_f, priv->active,
                                  priv->n_active, graded (pr) ? s_in->f : NULL,
                                  bsl_pr_f (pr, W_A_BUFF));
}

static void
dense_emit (BslProcRuntime *pr)
{
  BslRtPort *a_out = bsl_pr_port (pr, PORT_A_OUT);

  if (a_out->is_int)
    memcpy (a_out->i, bsl_pr_i (pr, W_A_BUFF), a_out->n * sizeof (gint32));
  else
    memcpy (a_out->f, bsl_pr_f (pr, W_A_BUFF), a_out->n * sizeof (double));
}

static void
dense_var_changed (BslProcRuntime *pr, guint var)
{
  if (var == W_WEIGHTS || var == W_SIGN_MODE || var == W_NUM_WEIGHT_BITS)
    dense_build_weights (pr);
}

static const BslModel dense_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .delayed_output = TRUE, .splittable = TRUE,
  .prepare = dense_prepare, .begin_step = dense_begin_step, .step = dense_step,
  .work_items = dense_cost, .emit = dense_emit, .var_changed = dense_var_changed,
  .free_priv = dense_priv_free,
};
static const BslModel dense_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .delayed_output = TRUE, .splittable = TRUE,
  .prepare = dense_prepare, .begin_step = dense_begin_step, .step = dense_step,
  .work_items = dense_cost, .emit = dense_emit, .var_changed = dense_var_changed,
  .free_priv = dense_priv_free,
};

const BslProcType bsl_proc_type_dense = {
  .name = "Dense",
  .description = "All-to-all synapses with a weight matrix (n_out, n_in); one step of delay",
  .category = BSL_CATEGORY_CONNECTIONS,
  .shape_kind = BSL_SHAPE_KIND_MATRIX,
  .default_dims = { 1, 1 },
  .vars = dense_vars, .n_vars = G_N_ELEMENTS (dense_vars),
  .ports = dense_ports, .n_ports = G_N_ELEMENTS (dense_ports),
  .models = { &dense_float_model, &dense_fixed_model },
};

/* ---------------- Sparse ---------------- */

static void
sparse_build (BslProcRuntime *pr)
{
  DensePriv *priv = pr->priv;
  gsize n_in = priv->n_in, n_out = priv->n_out, nnz = 0, p = 0;
  const double *wf = pr->vars[W_WEIGHTS].is_int ? NULL : bsl_pr_f (pr, W_WEIGHTS);
  const gint32 *wi = pr->vars[W_WEIGHTS].is_int ? bsl_pr_i (pr, W_WEIGHTS) : NULL;
  g_autofree gint32 *q = NULL;

  if (is_fixed (pr))
    {
      q = g_new (gint32, n_in * n_out);
      effective_weights (pr, q);
    }
  for (gsize k = 0; k < n_in * n_out; k++)
    if (wf != NULL ? wf[k] != 0.0 : wi[k] != 0)
      nnz++;

  g_clear_pointer (&priv->col_start, g_free);
  g_clear_pointer (&priv->row_index, g_free);
  g_clear_pointer (&priv->values_f, g_free);
  g_clear_pointer (&priv->values_i, g_free);
  priv->col_start = g_new (guint32, n_in + 1);
  priv->row_index = g_new (guint32, MAX (nnz, 1));
  if (q != NULL)
    priv->values_i = g_new (gint32, MAX (nnz, 1));
  else
    priv->values_f = g_new (double, MAX (nnz, 1));

  for (gsize j = 0; j < n_in; j++)
    {
      priv->col_start[j] = p;
      for (gsize i = 0; i < n_out; i++)
        {
          gsize k = i * n_in + j;
          if (wf != NULL ? wf[k] == 0.0 : wi[k] == 0)
            continue;
          priv->row_index[p] = i;
          if (q != NULL)
            priv->values_i[p] = q[k];
          else
            priv->values_f[p] = wf[k];
          p++;
        }
    }
  priv->col_start[n_in] = p;
}

static gboolean
sparse_prepare (BslProcRuntime *pr, GError **error)
{
  pr->priv = dense_priv_new (pr);
  sparse_build (pr);
  return TRUE;
}

static void
sparse_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  DensePriv *priv = pr->priv;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN);

  if (is_fixed (pr))
    bsl_k_sparse_fixed_accumulate (priv->n_out, priv->col_start, priv->row_index, priv->values_i,
                                   priv->active, priv->n_active, graded (pr) ? s_in->i : NULL,
                                   var_int (pr, W_WEIGHT_EXP), priv->acc,
                                   bsl_pr_i (pr, W_A_BUFF));
  else
    bsl_k_sparse_float_accumulate (priv->n_out, priv->col_start, priv->row_index, priv->values_f,
                                   priv->active, priv->n_active, graded (pr) ? s_in->f : NULL,
                                   bsl_pr_f (pr, W_A_BUFF));
}

static void
sparse_var_changed (BslProcRuntime *pr, guint var)
{
  if (var == W_WEIGHTS || var == W_SIGN_MODE || var == W_NUM_WEIGHT_BITS)
    sparse_build (pr);
}

static const BslModel sparse_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .delayed_output = TRUE,
  .prepare = sparse_prepare, .begin_step = dense_begin_step, .step = sparse_step,
  .emit = dense_emit, .var_changed = sparse_var_changed, .free_priv = dense_priv_free,
};
static const BslModel sparse_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .delayed_output = TRUE,
  .prepare = sparse_prepare, .begin_step = dense_begin_step, .step = sparse_step,
  .emit = dense_emit, .var_changed = sparse_var_changed, .free_priv = dense_priv_free,
};

const BslProcType bsl_proc_type_sparse = {
  .name = "Sparse",
  .description = "Synapses stored sparsely (zero weights are absent); one step of delay",
  .category = BSL_CATEGORY_CONNECTIONS,
  .shape_kind = BSL_SHAPE_KIND_MATRIX,
  .default_dims = { 1, 1 },
  .vars = dense_vars, .n_vars = G_N_ELEMENTS (dense_vars),
  .ports = dense_ports, .n_ports = G_N_ELEMENTS (dense_ports),
  .models = { &sparse_float_model, &sparse_fixed_model },
};

/* ---------------- DelayDense ---------------- */

enum { DD_DELAYS = W_A_BUFF + 1 };

static const BslVarSpec delay_dense_vars[] = {
  VAR_WEIGHTS, VAR_WEIGHT_EXP, VAR_NUM_WEIGHT_BITS, VAR_SIGN_MODE, VAR_NUM_MESSAGE_BITS,
  { "a_buff", "Synaptic input sent at the next step (state)", BSL_SHAPE_ROWS,
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0,
    -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
  { "delays", "Synaptic delay of each synapse in steps (n_out, n_in)", BSL_SHAPE_POPULATION,
    BSL_VAR_INTEGER | BSL_VAR_COUNT | BSL_VAR_BROADCAST, 0, 0, 62, 0, 62, "steps", NULL },
};

static void
delay_dense_build (BslProcRuntime *pr)
{
  DensePriv *priv = pr->priv;
  gsize n_in = priv->n_in, n_out = priv->n_out, max_delay = 0;
  BslRtVar *delays = &pr->vars[DD_DELAYS];

  dense_build_weights (pr);
  if (priv->delays_t == NULL)
    priv->delays_t = g_new (guint8, n_in * n_out);
  for (gsize i = 0; i < n_out; i++)
    for (gsize j = 0; j < n_in; j++)
      {
        gsize d = delays->is_int ? (gsize) delays->i[i * n_in + j] : (gsize) delays->f[i * n_in + j];
        priv->delays_t[j * n_out + i] = (guint8) d;
        max_delay = MAX (max_delay, d);
      }
  if (priv->n_slots != max_delay + 1)
    {
      priv->n_slots = max_delay + 1;
      priv->head = 0;
      g_free (priv->ring_f);
      g_free (priv->ring_i);
      g_free (priv->acc);
      priv->ring_f = is_fixed (pr) ? NULL : g_new0 (double, priv->n_slots * n_out);
      priv->ring_i = is_fixed (pr) ? g_new0 (gint32, priv->n_slots * n_out) : NULL;
      priv->acc = g_new0 (gint64, priv->n_slots * n_out);
    }
}

static gboolean
delay_dense_prepare (BslProcRuntime *pr, GError **error)
{
  pr->priv = dense_priv_new (pr);
  delay_dense_build (pr);
  return TRUE;
}

static void
delay_dense_emit (BslProcRuntime *pr)
{
  DensePriv *priv = pr->priv;
  BslRtPort *a_out = bsl_pr_port (pr, PORT_A_OUT);
  gsize n_out = priv->n_out;

  if (priv->ring_i != NULL)
    memcpy (a_out->i, priv->ring_i + priv->head * n_out, n_out * sizeof (gint32));
  else
    memcpy (a_out->f, priv->ring_f + priv->head * n_out, n_out * sizeof (double));
  bsl_k_delay_dense_rotate (n_out, priv->n_slots, &priv->head, priv->ring_f, priv->ring_i);
}

static void
delay_dense_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  DensePriv *priv = pr->priv;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN);
  gsize n_out = priv->n_out;

  if (is_fixed (pr))
    bsl_k_delay_dense_fixed_accumulate (n_out, priv->n_slots, priv->head, priv->wt_i,
                                        priv->delays_t, priv->active, priv->n_active,
                                        graded (pr) ? s_in->i : NULL, var_int (pr, W_WEIGHT_EXP),
                                        priv->acc, priv->ring_i);
  else
    bsl_k_delay_dense_float_accumulate (n_out, priv->n_slots, priv->head, priv->wt_f,
                                        priv->delays_t, priv->active, priv->n_active,
                                        graded (pr) ? s_in->f : NULL, priv->ring_f);

  /* a_buff shows what will be sent next step. */
  if (priv->ring_i != NULL)
    memcpy (bsl_pr_i (pr, W_A_BUFF), priv->ring_i + priv->head * n_out, n_out * sizeof (gint32));
  else
    memcpy (bsl_pr_f (pr, W_A_BUFF), priv->ring_f + priv->head * n_out, n_out * sizeof (double));
}

static void
delay_dense_var_changed (BslProcRuntime *pr, guint var)
{
  if (var == W_WEIGHTS || var == W_SIGN_MODE || var == W_NUM_WEIGHT_BITS || var == DD_DELAYS)
    delay_dense_build (pr);
}

static void
delay_dense_reset (BslProcRuntime *pr)
{
  DensePriv *priv = pr->priv;
  gsize n = priv->n_slots * priv->n_out;

  priv->head = 0;
  if (priv->ring_i != NULL)
    memset (priv->ring_i, 0, n * sizeof (gint32));
  if (priv->ring_f != NULL)
    memset (priv->ring_f, 0, n * sizeof (double));
}

static const BslModel delay_dense_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .delayed_output = TRUE,
  .prepare = delay_dense_prepare, .begin_step = dense_begin_step, .step = delay_dense_step,
  .emit = delay_dense_emit, .var_changed = delay_dense_var_changed, .reset = delay_dense_reset,
  .free_priv = dense_priv_free,
};
static const BslModel delay_dense_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .delayed_output = TRUE,
  .prepare = delay_dense_prepare, .begin_step = dense_begin_step, .step = delay_dense_step,
  .emit = delay_dense_emit, .var_changed = delay_dense_var_changed, .reset = delay_dense_reset,
  .free_priv = dense_priv_free,
};

const BslProcType bsl_proc_type_delay_dense = {
  .name = "DelayDense",
  .description = "Dense synapses with a delay per synapse: a spike at t arrives at t + 1 + delay",
  .category = BSL_CATEGORY_CONNECTIONS,
  .shape_kind = BSL_SHAPE_KIND_MATRIX,
  .default_dims = { 1, 1 },
  .vars = delay_dense_vars, .n_vars = G_N_ELEMENTS (delay_dense_vars),
  .ports = dense_ports, .n_ports = G_N_ELEMENTS (dense_ports),
  .models = { &delay_dense_float_model, &delay_dense_fixed_model },
};
