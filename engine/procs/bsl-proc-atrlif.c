/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ATRLIF: adaptive threshold and refractoriness (lava.proc.atrlif), both tags. */
#include "config.h"

#include <math.h>

#include "bsl-kernel-atrlif.h"
#include "bsl-kernel-lif.h"
#include "bsl-model.h"

#define STATE24 (8388608.0)

enum { A_I, A_V, A_THETA, A_R, A_DELTA_I, A_DELTA_V, A_DELTA_THETA, A_DELTA_R, A_THETA_0,
       A_THETA_STEP, A_BIAS_MANT, A_BIAS_EXP };

#define STATE_VAR(NAME, DESC, DEFAULT) { NAME, DESC, BSL_SHAPE_POPULATION, \
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST, DEFAULT, -STATE24, STATE24, -INFINITY, INFINITY, NULL, NULL }
#define DELTA_VAR(NAME, DESC, DEFAULT) { NAME, DESC, BSL_SHAPE_SCALAR, 0, DEFAULT, 0, 1, 0, 1, NULL, NULL }

static const BslVarSpec atrlif_vars[] = {
  STATE_VAR ("i", "Synaptic current (state)", 0),
  STATE_VAR ("v", "Membrane voltage (state; not reset by a spike)", 0),
  STATE_VAR ("theta", "Threshold (state; fixed_pt starts it at theta_0)", 5),
  STATE_VAR ("r", "Refractory state (state)", 0),
  DELTA_VAR ("delta_i", "Decay of i per step (fraction)", 0.4),
  DELTA_VAR ("delta_v", "Decay of v per step (fraction)", 0.4),
  DELTA_VAR ("delta_theta", "Decay of theta toward theta_0 per step (fraction)", 0.2),
  DELTA_VAR ("delta_r", "Decay of r per step (fraction)", 0.2),
  { "theta_0", "Resting threshold (fixed_pt: scaled by 64)", BSL_SHAPE_SCALAR, 0, 5, 0, 4095,
    -INFINITY, INFINITY, NULL, NULL },
  { "theta_step", "Threshold increase per spike (fixed_pt: scaled by 64)", BSL_SHAPE_SCALAR, 0,
    3.75, 0, 4095, -INFINITY, INFINITY, NULL, NULL },
  { "bias_mant", "Bias mantissa", BSL_SHAPE_POPULATION, BSL_VAR_INTEGER | BSL_VAR_BROADCAST, 0,
    -4096, 4095, -INFINITY, INFINITY, NULL, NULL },
  { "bias_exp", "Bias exponent (fixed_pt only)", BSL_SHAPE_POPULATION,
    BSL_VAR_INTEGER | BSL_VAR_BROADCAST | BSL_VAR_FIXED_ONLY, 0, 0, 7, -INFINITY, INFINITY, NULL, NULL },
};

static const BslPortSpec atrlif_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input current" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};

static void
atrlif_float_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_atrlif_float_step (begin, end, bsl_pr_f (pr, A_DELTA_I)[0], bsl_pr_f (pr, A_DELTA_V)[0],
                           bsl_pr_f (pr, A_DELTA_THETA)[0], bsl_pr_f (pr, A_DELTA_R)[0],
                           bsl_pr_f (pr, A_THETA_0)[0], bsl_pr_f (pr, A_THETA_STEP)[0],
                           bsl_pr_f (pr, A_BIAS_MANT), pr->ports[0].f, bsl_pr_f (pr, A_I),
                           bsl_pr_f (pr, A_V), bsl_pr_f (pr, A_THETA), bsl_pr_f (pr, A_R),
                           pr->ports[1].f);
}

typedef struct
{
  gint32 *bias;
  gint32  theta_0;
  gint32  theta_step;
} AtrlifFixed;

static void
atrlif_fixed_scale (BslProcRuntime *pr)
{
  AtrlifFixed *priv = pr->priv;

  bsl_k_lif_fixed_effective_bias (0, pr->size, bsl_pr_i (pr, A_BIAS_MANT),
                                  bsl_pr_i (pr, A_BIAS_EXP), priv->bias);
  priv->theta_0 = (gint32) (bsl_pr_f (pr, A_THETA_0)[0] * 64.0);
  priv->theta_step = (gint32) (bsl_pr_f (pr, A_THETA_STEP)[0] * 64.0);
}

static gboolean
atrlif_fixed_prepare (BslProcRuntime *pr, GError **error)
{
  AtrlifFixed *priv = g_new0 (AtrlifFixed, 1);

  priv->bias = g_new0 (gint32, MAX (pr->size, 1));
  pr->priv = priv;
  atrlif_fixed_scale (pr);
  return TRUE;
}

static void
atrlif_fixed_free (gpointer data)
{
  AtrlifFixed *priv = data;

  g_free (priv->bias);
  g_free (priv);
}

/* Lava's fixed_pt model sets theta to theta_0 << 6 when it first runs: the initial theta is
 * not used. */
static void
atrlif_fixed_begin (BslProcRuntime *pr, gint64 t)
{
  AtrlifFixed *priv = pr->priv;

  if (t == 1)
    for (gsize k = 0; k < pr->size; k++)
      bsl_pr_i (pr, A_THETA)[k] = priv->theta_0;
}

static void
atrlif_fixed_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  AtrlifFixed *priv = pr->priv;

  bsl_k_atrlif_fixed_step (begin, end, bsl_pr_f (pr, A_DELTA_I)[0], bsl_pr_f (pr, A_DELTA_V)[0],
                           bsl_pr_f (pr, A_DELTA_THETA)[0], bsl_pr_f (pr, A_DELTA_R)[0],
                           priv->theta_0, priv->theta_step, priv->bias, pr->ports[0].i,
                           bsl_pr_i (pr, A_I), bsl_pr_i (pr, A_V), bsl_pr_i (pr, A_THETA),
                           bsl_pr_i (pr, A_R), pr->ports[1].i);
}

static void
atrlif_fixed_var_changed (BslProcRuntime *pr, guint var)
{
  atrlif_fixed_scale (pr);
}

static const BslModel atrlif_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .step = atrlif_float_step,
};
static const BslModel atrlif_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .splittable = TRUE, .prepare = atrlif_fixed_prepare,
  .begin_step = atrlif_fixed_begin, .step = atrlif_fixed_step,
  .var_changed = atrlif_fixed_var_changed, .free_priv = atrlif_fixed_free,
};

const BslProcType bsl_proc_type_atrlif = {
  .name = "ATRLIF",
  .description = "LIF neurons with an adaptive threshold and a refractory state (Lava's ATRLIF)",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = atrlif_vars, .n_vars = G_N_ELEMENTS (atrlif_vars),
  .ports = atrlif_ports, .n_ports = G_N_ELEMENTS (atrlif_ports),
  .models = { &atrlif_float_model, &atrlif_fixed_model },
};
