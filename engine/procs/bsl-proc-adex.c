/* SPDX-License-Identifier: GPL-3.0-or-later */
/* AdEx, adaptive exponential integrate-and-fire neurons (floating_pt). */
#include "config.h"

#include <math.h>

#include "bsl-kernel-biophysical.h"
#include "bsl-model.h"

enum { AD_V, AD_W, AD_C, AD_G_L, AD_E_L, AD_V_T, AD_DELTA_T, AD_TAU_W, AD_A, AD_B, AD_V_RESET,
       AD_V_PEAK, AD_DT };

#define PARAM(NAME, DESC, DEFAULT, LO, UNIT) { NAME, DESC, BSL_SHAPE_SCALAR, BSL_VAR_FLOAT_ONLY, \
    DEFAULT, LO, INFINITY, LO, INFINITY, UNIT, NULL }

/* Defaults: Brette & Gerstner (2005). */
static const BslVarSpec adex_vars[] = {
  { "v", "Membrane potential (state)", BSL_SHAPE_POPULATION, BSL_VAR_STATE | BSL_VAR_BROADCAST,
    -70.6, -INFINITY, INFINITY, -INFINITY, INFINITY, "mV", NULL },
  { "w", "Adaptation current (state)", BSL_SHAPE_POPULATION, BSL_VAR_STATE | BSL_VAR_BROADCAST,
    0, -INFINITY, INFINITY, -INFINITY, INFINITY, "pA", NULL },
  PARAM ("c_m", "Membrane capacitance", 281, 1e-9, "pF"),
  PARAM ("g_l", "Leak conductance", 30, 0, "nS"),
  PARAM ("e_l", "Leak reversal potential", -70.6, -INFINITY, "mV"),
  PARAM ("v_t", "Threshold potential of the exponential", -50.4, -INFINITY, "mV"),
  PARAM ("delta_t", "Slope factor", 2, 1e-9, "mV"),
  PARAM ("tau_w", "Adaptation time constant", 144, 1e-9, "ms"),
  PARAM ("a", "Subthreshold adaptation", 4, -INFINITY, "nS"),
  PARAM ("b", "Spike-triggered adaptation", 80.5, -INFINITY, "pA"),
  PARAM ("v_reset", "Reset potential", -70.6, -INFINITY, "mV"),
  PARAM ("v_peak", "Spike cut-off", 20, -INFINITY, "mV"),
  { "dt", "Integration step per Basalt step", BSL_SHAPE_SCALAR, BSL_VAR_FLOAT_ONLY, 0.1,
    1e-6, 100, 1e-6, 100, "ms", NULL },
};

static const BslPortSpec adex_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input current (pA)" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};

static void
adex_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_adex_step (begin, end, bsl_pr_f (pr, AD_C)[0], bsl_pr_f (pr, AD_G_L)[0],
                   bsl_pr_f (pr, AD_E_L)[0], bsl_pr_f (pr, AD_V_T)[0],
                   bsl_pr_f (pr, AD_DELTA_T)[0], bsl_pr_f (pr, AD_TAU_W)[0],
                   bsl_pr_f (pr, AD_A)[0], bsl_pr_f (pr, AD_B)[0], bsl_pr_f (pr, AD_V_RESET)[0],
                   bsl_pr_f (pr, AD_V_PEAK)[0], bsl_pr_f (pr, AD_DT)[0], pr->ports[0].f,
                   bsl_pr_f (pr, AD_V), bsl_pr_f (pr, AD_W), pr->ports[1].f);
}

static const BslModel adex_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .step = adex_step,
};

const BslProcType bsl_proc_type_adex = {
  .name = "AdEx",
  .description = "Adaptive exponential integrate-and-fire neurons (floating_pt)",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = adex_vars, .n_vars = G_N_ELEMENTS (adex_vars),
  .ports = adex_ports, .n_ports = G_N_ELEMENTS (adex_ports),
  .models = { &adex_float_model, NULL },
};
