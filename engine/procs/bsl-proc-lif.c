/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LIF, LIFReset, LIFRefractory and TernaryLIF (lava.proc.lif). */
#include "config.h"

#include <math.h>

#include "bsl-kernel-lif.h"
#include "bsl-model.h"

#define STATE24  (8388608.0)          /* 2^23 */
#define VTH_MAX  131071.0             /* 17-bit unsigned */

#define VAR_U { "u", "Synaptic current (state)", BSL_SHAPE_POPULATION, \
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST, 0, -STATE24, STATE24, -INFINITY, INFINITY, NULL, NULL }
#define VAR_V { "v", "Membrane voltage (state)", BSL_SHAPE_POPULATION, \
    BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST, 0, -(STATE24 - 1), STATE24 - 1, -INFINITY, INFINITY, NULL, NULL }
#define VAR_DU { "du", "Inverse decay time constant of u (fixed_pt: fraction of 4096)", BSL_SHAPE_SCALAR, \
    BSL_VAR_INTEGER, 0, 0, 4095, 0, 1, NULL, NULL }
#define VAR_DV { "dv", "Inverse decay time constant of v (fixed_pt: fraction of 4096)", BSL_SHAPE_SCALAR, \
    BSL_VAR_INTEGER, 0, 0, 4095, 0, 1, NULL, NULL }
#define VAR_VTH { "vth", "Spike threshold (fixed_pt: applied as vth << 6)", BSL_SHAPE_SCALAR, \
    BSL_VAR_INTEGER, 10, 0, VTH_MAX, -INFINITY, INFINITY, NULL, NULL }
#define VAR_BIAS_MANT { "bias_mant", "Bias mantissa", BSL_SHAPE_POPULATION, \
    BSL_VAR_INTEGER | BSL_VAR_BROADCAST, 0, -4096, 4095, -INFINITY, INFINITY, NULL, NULL }
/* A negative exponent is a right shift, as Lava's fixed_pt models compute it (int16 Var). */
#define VAR_BIAS_EXP { "bias_exp", "Bias exponent (fixed_pt only: bias = bias_mant << bias_exp, " \
    "a right shift when negative)", \
    BSL_SHAPE_POPULATION, BSL_VAR_INTEGER | BSL_VAR_BROADCAST | BSL_VAR_FIXED_ONLY, 0, -32768, 7, \
    -INFINITY, INFINITY, NULL, NULL }

static const BslPortSpec lif_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input current (summed over connections)" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};
enum { PORT_A_IN, PORT_S_OUT };

/* ---------------- LIF ---------------- */

enum { LIF_U, LIF_V, LIF_DU, LIF_DV, LIF_VTH, LIF_BIAS_MANT, LIF_BIAS_EXP, LIF_N_VARS };

static const BslVarSpec lif_vars[] = {
  VAR_U, VAR_V, VAR_DU, VAR_DV, VAR_VTH, VAR_BIAS_MANT, VAR_BIAS_EXP,
};

BSL_VECTOR_CLONES static void
lif_float_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_lif_float_step (begin, end, bsl_pr_f (pr, LIF_DU)[0], bsl_pr_f (pr, LIF_DV)[0],
                        bsl_pr_f (pr, LIF_VTH)[0], bsl_pr_f (pr, LIF_BIAS_MANT),
                        bsl_pr_port (pr, PORT_A_IN)->f, bsl_pr_f (pr, LIF_U),
                        bsl_pr_f (pr, LIF_V), bsl_pr_port (pr, PORT_S_OUT)->f);
}

/* fixed_pt: the effective bias (bias_mant << bias_exp) only changes with its Vars, so it is kept
 * in priv instead of being shifted again every step. */
static void
lif_fixed_update_bias (BslProcRuntime *pr)
{
  bsl_k_lif_fixed_effective_bias (0, pr->size, bsl_pr_i (pr, LIF_BIAS_MANT),
                                  bsl_pr_i (pr, LIF_BIAS_EXP), pr->priv);
}

static gboolean
lif_fixed_prepare (BslProcRuntime *pr, GError **error)
{
  pr->priv = g_new0 (gint32, MAX (pr->size, 1));
  lif_fixed_update_bias (pr);
  return TRUE;
}

static void
lif_fixed_var_changed (BslProcRuntime *pr, guint var)
{
  if (var == LIF_BIAS_MANT || var == LIF_BIAS_EXP)
    lif_fixed_update_bias (pr);
}

BSL_VECTOR_CLONES static void
lif_fixed_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_lif_fixed_step_biased (begin, end, bsl_pr_i (pr, LIF_DU)[0], bsl_pr_i (pr, LIF_DV)[0],
                               bsl_pr_i (pr, LIF_VTH)[0], pr->priv,
                               bsl_pr_port (pr, PORT_A_IN)->i, bsl_pr_i (pr, LIF_U),
                               bsl_pr_i (pr, LIF_V), bsl_pr_port (pr, PORT_S_OUT)->i);
}

static const BslModel lif_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .step = lif_float_step,
};
static const BslModel lif_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .splittable = TRUE, .prepare = lif_fixed_prepare,
  .step = lif_fixed_step, .var_changed = lif_fixed_var_changed, .free_priv = g_free,
};

const BslProcType bsl_proc_type_lif = {
  .name = "LIF",
  .description = "Leaky integrate-and-fire neurons with current and voltage decay (Lava's LIF)",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = lif_vars, .n_vars = G_N_ELEMENTS (lif_vars),
  .ports = lif_ports, .n_ports = G_N_ELEMENTS (lif_ports),
  .models = { &lif_float_model, &lif_fixed_model },
};

/* ---------------- LIFReset ---------------- */

enum { RST_RESET_INTERVAL = LIF_N_VARS, RST_RESET_OFFSET };

static const BslVarSpec lif_reset_vars[] = {
  VAR_U, VAR_V, VAR_DU, VAR_DV, VAR_VTH, VAR_BIAS_MANT, VAR_BIAS_EXP,
  { "reset_interval", "Steps between resets of u and v", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_COUNT, 1, 1, 1 << 24, 1, 1 << 24, "steps", NULL },
  { "reset_offset", "Phase of the reset within the interval", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_COUNT, 0, 0, 1 << 24, 0, 1 << 24, "steps", NULL },
};

static void
lif_reset_float_begin (BslProcRuntime *pr, gint64 t)
{
  if (bsl_k_lif_reset_due (t, (gint64) bsl_pr_f (pr, RST_RESET_INTERVAL)[0],
                           (gint64) bsl_pr_f (pr, RST_RESET_OFFSET)[0]))
    for (gsize i = 0; i < pr->size; i++)
      bsl_pr_f (pr, LIF_U)[i] = bsl_pr_f (pr, LIF_V)[i] = 0.0;
}

static void
lif_reset_fixed_begin (BslProcRuntime *pr, gint64 t)
{
  if (bsl_k_lif_reset_due (t, bsl_pr_i (pr, RST_RESET_INTERVAL)[0],
                           bsl_pr_i (pr, RST_RESET_OFFSET)[0]))
    for (gsize i = 0; i < pr->size; i++)
      bsl_pr_i (pr, LIF_U)[i] = bsl_pr_i (pr, LIF_V)[i] = 0;
}

static const BslModel lif_reset_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE,
  .begin_step = lif_reset_float_begin, .step = lif_float_step,
};
static const BslModel lif_reset_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .splittable = TRUE, .prepare = lif_fixed_prepare,
  .begin_step = lif_reset_fixed_begin, .step = lif_fixed_step,
  .var_changed = lif_fixed_var_changed, .free_priv = g_free,
};

const BslProcType bsl_proc_type_lif_reset = {
  .name = "LIFReset",
  .description = "LIF neurons whose u and v return to 0 every reset_interval steps",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = lif_reset_vars, .n_vars = G_N_ELEMENTS (lif_reset_vars),
  .ports = lif_ports, .n_ports = G_N_ELEMENTS (lif_ports),
  .models = { &lif_reset_float_model, &lif_reset_fixed_model },
};

/* ---------------- LIFRefractory (floating_pt only, as in Lava) ---------------- */

enum { REF_REFRACTORY_PERIOD = LIF_N_VARS, REF_REFRACTORY_END };

static const BslVarSpec lif_refractory_vars[] = {
  VAR_U, VAR_V, VAR_DU, VAR_DV, VAR_VTH, VAR_BIAS_MANT, VAR_BIAS_EXP,
  { "refractory_period", "Steps during which v is held after a spike", BSL_SHAPE_SCALAR,
    BSL_VAR_INTEGER | BSL_VAR_COUNT, 1, 0, 1 << 24, 0, 1 << 24, "steps", NULL },
  { "refractory_period_end", "Step at which each neuron's refractory period ends (state)",
    BSL_SHAPE_POPULATION, BSL_VAR_INTEGER | BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN,
    0, 0, G_MAXINT32, -INFINITY, INFINITY, "steps", NULL },
};

BSL_VECTOR_CLONES static void
lif_refractory_float_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_lif_refractory_float_step (begin, end, t, bsl_pr_f (pr, LIF_DU)[0],
                                   bsl_pr_f (pr, LIF_DV)[0], bsl_pr_f (pr, LIF_VTH)[0],
                                   bsl_pr_f (pr, REF_REFRACTORY_PERIOD)[0],
                                   bsl_pr_f (pr, LIF_BIAS_MANT), bsl_pr_port (pr, PORT_A_IN)->f,
                                   bsl_pr_f (pr, LIF_U), bsl_pr_f (pr, LIF_V),
                                   bsl_pr_f (pr, REF_REFRACTORY_END),
                                   bsl_pr_port (pr, PORT_S_OUT)->f);
}

static const BslModel lif_refractory_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .step = lif_refractory_float_step,
};

const BslProcType bsl_proc_type_lif_refractory = {
  .name = "LIFRefractory",
  .description = "LIF neurons with a refractory period (floating_pt only, as in Lava)",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = lif_refractory_vars, .n_vars = G_N_ELEMENTS (lif_refractory_vars),
  .ports = lif_ports, .n_ports = G_N_ELEMENTS (lif_ports),
  .models = { &lif_refractory_float_model, NULL },
};

/* ---------------- TernaryLIF ---------------- */

enum { TER_U, TER_V, TER_DU, TER_DV, TER_BIAS_MANT, TER_BIAS_EXP, TER_VTH_HI, TER_VTH_LO };

static const BslVarSpec ternary_lif_vars[] = {
  VAR_U, VAR_V, VAR_DU, VAR_DV, VAR_BIAS_MANT, VAR_BIAS_EXP,
  { "vth_hi", "Upper threshold: +1 spike above it", BSL_SHAPE_SCALAR, BSL_VAR_INTEGER, 10,
    -VTH_MAX, VTH_MAX, -INFINITY, INFINITY, NULL, NULL },
  { "vth_lo", "Lower threshold: -1 spike below it", BSL_SHAPE_SCALAR, BSL_VAR_INTEGER, -10,
    -VTH_MAX, VTH_MAX, -INFINITY, INFINITY, NULL, NULL },
};

BSL_VECTOR_CLONES static void
ternary_lif_float_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_ternary_lif_float_step (begin, end, bsl_pr_f (pr, TER_DU)[0], bsl_pr_f (pr, TER_DV)[0],
                                bsl_pr_f (pr, TER_VTH_HI)[0], bsl_pr_f (pr, TER_VTH_LO)[0],
                                bsl_pr_f (pr, TER_BIAS_MANT), bsl_pr_port (pr, PORT_A_IN)->f,
                                bsl_pr_f (pr, TER_U), bsl_pr_f (pr, TER_V),
                                bsl_pr_port (pr, PORT_S_OUT)->f);
}

BSL_VECTOR_CLONES static void
ternary_lif_fixed_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_ternary_lif_fixed_step (begin, end, bsl_pr_i (pr, TER_DU)[0], bsl_pr_i (pr, TER_DV)[0],
                                bsl_pr_i (pr, TER_VTH_HI)[0], bsl_pr_i (pr, TER_VTH_LO)[0],
                                bsl_pr_i (pr, TER_BIAS_MANT), bsl_pr_i (pr, TER_BIAS_EXP),
                                bsl_pr_port (pr, PORT_A_IN)->i, bsl_pr_i (pr, TER_U),
                                bsl_pr_i (pr, TER_V), bsl_pr_port (pr, PORT_S_OUT)->i);
}

static const BslModel ternary_lif_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .step = ternary_lif_float_step,
};
static const BslModel ternary_lif_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .splittable = TRUE, .step = ternary_lif_fixed_step,
};

const BslProcType bsl_proc_type_ternary_lif = {
  .name = "TernaryLIF",
  .description = "LIF neurons sending +1 above vth_hi and -1 below vth_lo",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = ternary_lif_vars, .n_vars = G_N_ELEMENTS (ternary_lif_vars),
  .ports = lif_ports, .n_ports = G_N_ELEMENTS (lif_ports),
  .models = { &ternary_lif_float_model, &ternary_lif_fixed_model },
};
