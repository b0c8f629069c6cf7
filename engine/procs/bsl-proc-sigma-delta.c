/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SigmaDelta neurons (lava.proc.sdn): graded spikes carrying changes of the activation. */
#include "config.h"

#include <math.h>

#include "bsl-kernel-sigma-delta.h"
#include "bsl-model.h"

#define STATE24 (8388608.0)

static const char *act_mode_names[] = { "unit", "relu", NULL };
static const char *fixed_model_names[] = { "lava", "corrected", NULL };

enum { SD_SIGMA, SD_ACT, SD_RESIDUE, SD_ERROR, SD_VTH, SD_BIAS, SD_ACT_MODE, SD_CUM_ERROR,
       SD_SPIKE_EXP, SD_STATE_EXP, SD_FIXED_MODEL };

#define SD_STATE(NAME, DESC) { NAME, DESC, BSL_SHAPE_POPULATION, \
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST, 0, -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL }

static const BslVarSpec sigma_delta_vars[] = {
  SD_STATE ("sigma", "Integrated input (state)"),
  SD_STATE ("act", "Activation the receivers know (state)"),
  SD_STATE ("residue", "Change not yet sent (state; not used by the corrected fixed_pt model)"),
  SD_STATE ("error", "Accumulated error (state, with cum_error; not used by the corrected fixed_pt model)"),
  { "vth", "Smallest change that is sent", BSL_SHAPE_SCALAR, 0, 1, 0, STATE24, 0, INFINITY, NULL, NULL },
  { "bias", "Bias added to sigma", BSL_SHAPE_POPULATION, BSL_VAR_BROADCAST, 0, -32768, 32767,
    -INFINITY, INFINITY, NULL, NULL },
  { "act_mode", "Activation: unit (identity) or relu", BSL_SHAPE_SCALAR,
    BSL_VAR_ENUM | BSL_VAR_COUNT, 1, 0, 1, 0, 1, NULL, act_mode_names },
  { "cum_error", "Send when the accumulated error reaches vth (not in the corrected fixed_pt model)", BSL_SHAPE_SCALAR,
    BSL_VAR_COUNT, 0, 0, 1, 0, 1, NULL, NULL },
  { "spike_exp", "Scaling exponent of spike messages", BSL_SHAPE_SCALAR, BSL_VAR_COUNT, 0, 0, 7,
    0, 7, NULL, NULL },
  { "state_exp", "Scaling exponent of the state", BSL_SHAPE_SCALAR, BSL_VAR_COUNT, 0, 0, 7, 0, 7,
    NULL, NULL },
  /* Lava has two fixed_pt models; Loihi2SimCfg picks the first unless told otherwise. */
  { "fixed_model", "fixed_pt model: lava (PySigmaDeltaModelFixed, Lava's default) or corrected "
    "(PySigmaDeltaModelFixedCorrected: act follows what was sent, nothing is lost to the shift)",
    BSL_SHAPE_SCALAR, BSL_VAR_ENUM | BSL_VAR_COUNT | BSL_VAR_FIXED_ONLY, 0, 0, 1, 0, 1, NULL,
    fixed_model_names },
};

static const BslPortSpec sigma_delta_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input (graded)" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Graded spikes: changes of the activation" },
};

/* Lava's process scales vth and bias by 2^(spike_exp + state_exp) once. */
typedef struct
{
  double  vth;
  double *bias_f;
  gint32 *bias_i;
} SdPriv;

static void
sd_scale (BslProcRuntime *pr)
{
  SdPriv *priv = pr->priv;
  double scale = ldexp (1.0, (int) (bsl_pr_f (pr, SD_SPIKE_EXP)[0] + bsl_pr_f (pr, SD_STATE_EXP)[0]));

  priv->vth = bsl_pr_f (pr, SD_VTH)[0] * scale;
  for (gsize k = 0; k < pr->size; k++)
    {
      double b = bsl_pr_f (pr, SD_BIAS)[k] * scale;
      if (priv->bias_i != NULL)
        priv->bias_i[k] = (gint32) b;
      else
        priv->bias_f[k] = b;
    }
  if (priv->bias_i != NULL)
    priv->vth = (double) (gint32) priv->vth;
}

static gboolean
sd_prepare (BslProcRuntime *pr, GError **error)
{
  SdPriv *priv = g_new0 (SdPriv, 1);

  if (pr->tag == BSL_TAG_FIXED_PT)
    priv->bias_i = g_new0 (gint32, MAX (pr->size, 1));
  else
    priv->bias_f = g_new0 (double, MAX (pr->size, 1));
  pr->priv = priv;
  sd_scale (pr);
  return TRUE;
}

static void
sd_free (gpointer data)
{
  SdPriv *priv = data;

  g_free (priv->bias_f);
  g_free (priv->bias_i);
  g_free (priv);
}

static void
sd_var_changed (BslProcRuntime *pr, guint var)
{
  sd_scale (pr);
}

static void
sd_float_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  SdPriv *priv = pr->priv;

  bsl_k_sigma_delta_float_step (begin, end, priv->vth, (int) bsl_pr_f (pr, SD_ACT_MODE)[0],
                                (int) bsl_pr_f (pr, SD_CUM_ERROR)[0], priv->bias_f,
                                pr->ports[0].f, bsl_pr_f (pr, SD_SIGMA), bsl_pr_f (pr, SD_ACT),
                                bsl_pr_f (pr, SD_RESIDUE), bsl_pr_f (pr, SD_ERROR),
                                pr->ports[1].f);
}

static void
sd_fixed_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  SdPriv *priv = pr->priv;

  if (bsl_pr_f (pr, SD_FIXED_MODEL)[0] == 0)
    {
      bsl_k_sigma_delta_fixed_lava_step (begin, end, (gint32) priv->vth,
                                         (int) bsl_pr_f (pr, SD_ACT_MODE)[0],
                                         (int) bsl_pr_f (pr, SD_CUM_ERROR)[0],
                                         (int) bsl_pr_f (pr, SD_STATE_EXP)[0], priv->bias_i,
                                         pr->ports[0].i, bsl_pr_i (pr, SD_SIGMA),
                                         bsl_pr_i (pr, SD_ACT), bsl_pr_i (pr, SD_RESIDUE),
                                         bsl_pr_i (pr, SD_ERROR), pr->ports[1].i);
      return;
    }
  bsl_k_sigma_delta_fixed_step (begin, end, (gint32) priv->vth, (int) bsl_pr_f (pr, SD_ACT_MODE)[0],
                                (int) bsl_pr_f (pr, SD_STATE_EXP)[0], priv->bias_i,
                                pr->ports[0].i, bsl_pr_i (pr, SD_SIGMA), bsl_pr_i (pr, SD_ACT),
                                pr->ports[1].i);
}

static const BslModel sd_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .prepare = sd_prepare, .step = sd_float_step,
  .var_changed = sd_var_changed, .free_priv = sd_free,
};
static const BslModel sd_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .splittable = TRUE, .prepare = sd_prepare, .step = sd_fixed_step,
  .var_changed = sd_var_changed, .free_priv = sd_free,
};

const BslProcType bsl_proc_type_sigma_delta = {
  .name = "SigmaDelta",
  .description = "Sigma-delta neurons sending graded changes of a (ReLU) activation",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = sigma_delta_vars, .n_vars = G_N_ELEMENTS (sigma_delta_vars),
  .ports = sigma_delta_ports, .n_ports = G_N_ELEMENTS (sigma_delta_ports),
  .models = { &sd_float_model, &sd_fixed_model },
};
