/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RF, resonate-and-fire neurons (lava.proc.rf), both tags. */
#include "config.h"

#include <math.h>

#include "bsl-error.h"
#include "bsl-kernel-rf.h"
#include "bsl-model.h"

#define STATE24 (8388608.0)

enum { RF_REAL, RF_IMAG, RF_PERIOD, RF_ALPHA, RF_STATE_EXP, RF_DECAY_BITS, RF_VTH };

static const BslVarSpec rf_vars[] = {
  { "real", "Real part of the state (state)", BSL_SHAPE_POPULATION,
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST, 0, -STATE24 + 1, STATE24 - 1, -INFINITY, INFINITY, NULL, NULL },
  { "imag", "Imaginary part of the state (state)", BSL_SHAPE_POPULATION,
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST, 0, -STATE24 + 1, STATE24 - 1, -INFINITY, INFINITY, NULL, NULL },
  { "period", "Resonance period", BSL_SHAPE_SCALAR, 0, 10, 1, 1e9, 1, 1e9, "steps", NULL },
  { "alpha", "Decay of the state per step (fraction)", BSL_SHAPE_SCALAR, 0, 0.05, 0, 1, 0, 1, NULL, NULL },
  { "state_exp", "Scaling exponent of inputs and threshold", BSL_SHAPE_SCALAR, BSL_VAR_COUNT, 0,
    0, 7, 0, 7, NULL, NULL },
  { "decay_bits", "Precision of the decays in bits (fixed_pt needs at least 1)", BSL_SHAPE_SCALAR,
    BSL_VAR_COUNT, 0, 0, 12, 0, 12, "bits", NULL },
  { "vth", "Spike threshold on the real part", BSL_SHAPE_SCALAR, 0, 1, -STATE24, STATE24,
    -INFINITY, INFINITY, NULL, NULL },
};

static const BslPortSpec rf_ports[] = {
  { "a_real_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input to the real part" },
  { "a_imag_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input to the imaginary part" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};

typedef struct
{
  double sin_decay, cos_decay, vth;
} RfPriv;

static void
rf_derive (BslProcRuntime *pr)
{
  RfPriv *priv = pr->priv;
  int state_exp = (int) bsl_pr_f (pr, RF_STATE_EXP)[0];
  int decay_bits = (int) bsl_pr_f (pr, RF_DECAY_BITS)[0];

  bsl_k_rf_decays (bsl_pr_f (pr, RF_PERIOD)[0], bsl_pr_f (pr, RF_ALPHA)[0], decay_bits,
                   &priv->sin_decay, &priv->cos_decay);
  priv->vth = bsl_k_rf_threshold (bsl_pr_f (pr, RF_VTH)[0], state_exp);
}

static gboolean
rf_prepare (BslProcRuntime *pr, GError **error)
{
  if (pr->tag == BSL_TAG_FIXED_PT && bsl_pr_f (pr, RF_DECAY_BITS)[0] < 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "process '%s' (RF): parameter 'decay_bits' must be at least 1 under fixed_pt "
                   "(the decays are integers with that many fractional bits)", pr->name);
      return FALSE;
    }
  pr->priv = g_new0 (RfPriv, 1);
  rf_derive (pr);
  return TRUE;
}

static void
rf_var_changed (BslProcRuntime *pr, guint var)
{
  rf_derive (pr);
}

static void
rf_float_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  RfPriv *priv = pr->priv;

  bsl_k_rf_float_step (begin, end, priv->sin_decay, priv->cos_decay, priv->vth, pr->ports[0].f,
                       pr->ports[1].f, bsl_pr_f (pr, RF_REAL), bsl_pr_f (pr, RF_IMAG),
                       pr->ports[2].f);
}

static void
rf_fixed_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  RfPriv *priv = pr->priv;

  bsl_k_rf_fixed_step (begin, end, (gint32) priv->sin_decay, (gint32) priv->cos_decay,
                       (gint64) priv->vth, (int) bsl_pr_f (pr, RF_STATE_EXP)[0],
                       (int) bsl_pr_f (pr, RF_DECAY_BITS)[0], pr->ports[0].i, pr->ports[1].i,
                       bsl_pr_i (pr, RF_REAL), bsl_pr_i (pr, RF_IMAG), pr->ports[2].i);
}

static const BslModel rf_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .prepare = rf_prepare,
  .step = rf_float_step, .var_changed = rf_var_changed, .free_priv = g_free,
};
static const BslModel rf_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .splittable = TRUE, .prepare = rf_prepare,
  .step = rf_fixed_step, .var_changed = rf_var_changed, .free_priv = g_free,
};

const BslProcType bsl_proc_type_rf = {
  .name = "RF",
  .description = "Resonate-and-fire neurons: spike on the upward zero crossing of the imaginary part",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = rf_vars, .n_vars = G_N_ELEMENTS (rf_vars),
  .ports = rf_ports, .n_ports = G_N_ELEMENTS (rf_ports),
  .models = { &rf_float_model, &rf_fixed_model },
};
