/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RandomSparse: Brian2's Synapses.connect(p=...) with one weight, drawn when the run starts. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-alloc.h"
#include "bsl-kernel-dense.h"
#include "bsl-model.h"
#include "bsl-random-synapses.h"

/* Outputs per block: a block's share of a_buff (16 KB of doubles) stays in the L1 cache while
 * the block's synapses are added. */
#define BLOCK_ROWS 2048

static const BslPortSpec random_sparse_ports[] = {
  { "s_in", BSL_PORT_IN, BSL_PORT_SHAPE_COLUMNS, "Incoming spikes (n_in)" },
  { "a_out", BSL_PORT_OUT, BSL_PORT_SHAPE_ROWS, "Synaptic current to the post-synaptic neurons (n_out)" },
};
enum { PORT_S_IN, PORT_A_OUT };

enum { RS_WEIGHT, RS_P, RS_SEED, RS_WEIGHT_EXP, RS_NUM_WEIGHT_BITS, RS_NUM_MESSAGE_BITS, RS_A_BUFF };

static const BslVarSpec random_sparse_vars[] = {
  { "weight", "Weight of every synapse", BSL_SHAPE_SCALAR, BSL_VAR_INTEGER | BSL_VAR_INIT_ONLY, 1,
    -256, 255, -INFINITY, INFINITY, NULL, NULL },
  { "p", "Probability that an input reaches an output (each pair drawn on its own)",
    BSL_SHAPE_SCALAR, BSL_VAR_INIT_ONLY, 0.1, 0, 1, 0, 1, NULL, NULL },
  { "seed", "Seed of the draw: the same seed gives the same synapses", BSL_SHAPE_SCALAR,
    BSL_VAR_COUNT | BSL_VAR_INIT_ONLY, 0, 0, 4294967295.0, 0, 4294967295.0, NULL, NULL },
  { "weight_exp", "Weight exponent: a_out = sum << weight_exp (fixed_pt)", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_FIXED_ONLY, 0, -8, 7, -INFINITY, INFINITY, NULL, NULL },
  { "num_weight_bits", "Weight precision in bits (fixed_pt)", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_FIXED_ONLY, 8, 1, 8, -INFINITY, INFINITY, "bits", NULL },
  { "num_message_bits", "Bits of graded spike payload (0: binary spikes)", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_COUNT, 0, 0, 24, 0, 64, "bits", NULL },
  { "a_buff", "Synaptic input computed this step, sent at the next (state)", BSL_SHAPE_ROWS,
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0,
    -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
};

typedef struct
{
  gsize     n_in, n_out, n_blocks;
  guint64  *starts;     /* n_blocks rows of n_in + 1 offsets into rows */
  guint32  *rows;
  double    weight_f;
  gint32    weight_q;   /* fixed_pt: after Lava's weight preprocessing */
  guint32  *active;
  gsize     n_active;
  gint64   *acc;
} RandomSparsePriv;

static void
random_sparse_priv_free (gpointer data)
{
  RandomSparsePriv *priv = data;

  g_free (priv->starts);
  g_free (priv->rows);
  g_free (priv->active);
  g_free (priv->acc);
  g_free (priv);
}

static double
scalar (BslProcRuntime *pr, guint var)
{
  return pr->vars[var].is_int ? pr->vars[var].i[0] : pr->vars[var].f[0];
}

/* Every column's synapses, column after column; column_start (n_in + 1) gives where each
 * column begins. */
static GArray *
draw_columns (gsize n_in, gsize n_out, guint64 seed, double p, guint64 *column_start)
{
  GArray *rows = g_array_sized_new (FALSE, FALSE, sizeof (guint32),
                                    bsl_synapse_draw_expected (p, n_out, n_in));

  for (gsize j = 0; j < n_in; j++)
    {
      BslSynapseDraw draw;
      gsize row;

      column_start[j] = rows->len;
      bsl_synapse_draw_column (&draw, seed, j, n_out, p);
      while (bsl_synapse_draw_next (&draw, &row))
        {
          guint32 r = (guint32) row;
          g_array_append_val (rows, r);
        }
    }
  column_start[n_in] = rows->len;
  return rows;
}

/* Sorts column-major synapses into blocks of outputs by counting. Rows ascend within a column,
 * so each block's share of a column stays ascending. */
static void
sort_into_blocks (RandomSparsePriv *priv, const GArray *rows, const guint64 *column_start)
{
  gsize stride = priv->n_in + 1, n_offsets = priv->n_blocks * stride;
  const guint32 *row = (const guint32 *) rows->data;
  g_autofree guint64 *fill = NULL;

  /* Count of block b, column j at [b * stride + j + 1]; [b * stride] counts nothing, so the
   * running sum puts there where block b begins. */
  priv->starts = g_new0 (guint64, n_offsets);
  for (gsize j = 0; j < priv->n_in; j++)
    for (guint64 q = column_start[j]; q < column_start[j + 1]; q++)
      priv->starts[(row[q] / BLOCK_ROWS) * stride + j + 1]++;
  for (gsize x = 1; x < n_offsets; x++)
    priv->starts[x] += priv->starts[x - 1];

  priv->rows = g_new (guint32, MAX (rows->len, 1));
  fill = g_memdup2 (priv->starts, n_offsets * sizeof (guint64));
  for (gsize j = 0; j < priv->n_in; j++)
    for (guint64 q = column_start[j]; q < column_start[j + 1]; q++)
      priv->rows[fill[(row[q] / BLOCK_ROWS) * stride + j]++] = row[q];
}

static void
random_sparse_build (BslProcRuntime *pr)
{
  RandomSparsePriv *priv = pr->priv;
  g_autofree guint64 *column_start = g_new (guint64, priv->n_in + 1);
  g_autoptr(GArray) rows = NULL;

  g_clear_pointer (&priv->starts, g_free);
  g_clear_pointer (&priv->rows, g_free);
  rows = draw_columns (priv->n_in, priv->n_out, (guint64) scalar (pr, RS_SEED),
                       scalar (pr, RS_P), column_start);
  sort_into_blocks (priv, rows, column_start);

  priv->weight_f = scalar (pr, RS_WEIGHT);
  if (pr->tag == BSL_TAG_FIXED_PT)
    {
      gint32 w = (gint32) scalar (pr, RS_WEIGHT);
      priv->weight_q = bsl_k_dense_quantize_weight (w, bsl_k_dense_sign_mode (&w, 1, BSL_K_SIGN_AUTO),
                                                    (int) scalar (pr, RS_NUM_WEIGHT_BITS));
    }
}

static gboolean
random_sparse_prepare (BslProcRuntime *pr, GError **error)
{
  RandomSparsePriv *priv = g_new0 (RandomSparsePriv, 1);

  priv->n_out = pr->dims[0];
  priv->n_in = pr->dims[1];
  priv->n_blocks = (priv->n_out + BLOCK_ROWS - 1) / BLOCK_ROWS;
  priv->active = g_new (guint32, MAX (priv->n_in, 1));
  priv->acc = g_new0 (gint64, MAX (priv->n_out, 1));
  pr->priv = priv;
  random_sparse_build (pr);
  return TRUE;
}

static void
random_sparse_begin_step (BslProcRuntime *pr, gint64 t)
{
  RandomSparsePriv *priv = pr->priv;

  priv->n_active = bsl_rt_port_collect_active (bsl_pr_port (pr, PORT_S_IN), priv->active);
}

/* Work: the synapses the active inputs reach, estimated from their mean count. */
static gsize
random_sparse_cost (BslProcRuntime *pr)
{
  RandomSparsePriv *priv = pr->priv;
  guint64 n_synapses = priv->starts[priv->n_blocks * (priv->n_in + 1) - 1];

  return (gsize) (priv->n_active * (n_synapses / MAX (priv->n_in, 1))) + priv->n_out;
}

BSL_VECTOR_CLONES static void
random_sparse_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  RandomSparsePriv *priv = pr->priv;
  BslRtPort *s_in = bsl_pr_port (pr, PORT_S_IN);
  gboolean graded = scalar (pr, RS_NUM_MESSAGE_BITS) > 0;

  if (pr->tag == BSL_TAG_FIXED_PT)
    bsl_k_random_sparse_fixed_accumulate (begin, end, priv->n_in, BLOCK_ROWS, priv->starts,
                                          priv->rows, priv->weight_q, priv->active,
                                          priv->n_active, graded ? s_in->i : NULL,
                                          (int) scalar (pr, RS_WEIGHT_EXP), priv->acc,
                                          bsl_pr_i (pr, RS_A_BUFF));
  else
    bsl_k_random_sparse_float_accumulate (begin, end, priv->n_in, BLOCK_ROWS, priv->starts,
                                          priv->rows, priv->weight_f, priv->active,
                                          priv->n_active, graded ? s_in->f : NULL,
                                          bsl_pr_f (pr, RS_A_BUFF));
}

static void
random_sparse_emit (BslProcRuntime *pr)
{
  BslRtPort *a_out = bsl_pr_port (pr, PORT_A_OUT);

  if (a_out->is_int)
    memcpy (a_out->i, bsl_pr_i (pr, RS_A_BUFF), a_out->n * sizeof (gint32));
  else
    memcpy (a_out->f, bsl_pr_f (pr, RS_A_BUFF), a_out->n * sizeof (double));
}

static void
random_sparse_var_changed (BslProcRuntime *pr, guint var)
{
  if (var == RS_WEIGHT || var == RS_P || var == RS_SEED || var == RS_NUM_WEIGHT_BITS)
    random_sparse_build (pr);
}

/* The synapses' storage: a row index each, and a block's offsets per input. */
static guint64
random_sparse_memory (const BslProcess *process)
{
  const BslArray *p = bsl_process_get_param (process, "p");
  const gsize *dims = bsl_process_get_dims (process);
  double probability = p != NULL ? bsl_array_get (p, 0) : random_sparse_vars[RS_P].default_value;
  guint64 n_blocks = (dims[0] + BLOCK_ROWS - 1) / BLOCK_ROWS;

  return bsl_synapse_draw_expected (probability, dims[0], dims[1]) * 2 * sizeof (guint32) +
         n_blocks * (dims[1] + 1) * 2 * sizeof (guint64);
}

static const BslModel random_sparse_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .delayed_output = TRUE, .splittable = TRUE,
  .prepare = random_sparse_prepare, .begin_step = random_sparse_begin_step,
  .step = random_sparse_step, .work_items = random_sparse_cost, .emit = random_sparse_emit,
  .var_changed = random_sparse_var_changed, .free_priv = random_sparse_priv_free,
};
static const BslModel random_sparse_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .delayed_output = TRUE, .splittable = TRUE,
  .prepare = random_sparse_prepare, .begin_step = random_sparse_begin_step,
  .step = random_sparse_step, .work_items = random_sparse_cost, .emit = random_sparse_emit,
  .var_changed = random_sparse_var_changed, .free_priv = random_sparse_priv_free,
};

const BslProcType bsl_proc_type_random_sparse = {
  .name = "RandomSparse",
  .description = "Synapses drawn at random with probability p, all of one weight, when the run "
                 "starts (Brian2's connect(p=...)); one step of delay",
  .category = BSL_CATEGORY_CONNECTIONS,
  .shape_kind = BSL_SHAPE_KIND_MATRIX,
  .default_dims = { 1, 1 },
  .vars = random_sparse_vars, .n_vars = G_N_ELEMENTS (random_sparse_vars),
  .ports = random_sparse_ports, .n_ports = G_N_ELEMENTS (random_sparse_ports),
  .models = { &random_sparse_float_model, &random_sparse_fixed_model },
  .generated_memory = random_sparse_memory,
};
