/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conductance-based LIF neurons (floating_pt). */
#include "config.h"

#include <math.h>

#include "bsl-kernel-biophysical.h"
#include "bsl-model.h"

enum { CL_V, CL_G_E, CL_G_I, CL_REF_END, CL_C, CL_G_L, CL_E_L, CL_E_E, CL_E_I, CL_TAU_E, CL_TAU_I,
       CL_V_TH, CL_V_RESET, CL_REF, CL_DT };

#define PARAM(NAME, DESC, DEFAULT, LO, UNIT) { NAME, DESC, BSL_SHAPE_SCALAR, BSL_VAR_FLOAT_ONLY, \
    DEFAULT, LO, INFINITY, LO, INFINITY, UNIT, NULL }
#define STATE(NAME, DESC, DEFAULT, UNIT) { NAME, DESC, BSL_SHAPE_POPULATION, \
    BSL_VAR_STATE | BSL_VAR_BROADCAST, DEFAULT, -INFINITY, INFINITY, -INFINITY, INFINITY, UNIT, NULL }

/* Defaults: the COBA network of Vogels & Abbott (2005). */
static const BslVarSpec cond_lif_vars[] = {
  STATE ("v", "Membrane potential (state)", -60, "mV"),
  STATE ("g_e", "Excitatory conductance (state)", 0, "nS"),
  STATE ("g_i", "Inhibitory conductance (state)", 0, "nS"),
  { "refractory_end", "Last step of the refractory period (state)", BSL_SHAPE_POPULATION,
    BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0, -INFINITY, INFINITY, -INFINITY,
    INFINITY, "step", NULL },
  PARAM ("c_m", "Membrane capacitance", 200, 1e-9, "pF"),
  PARAM ("g_l", "Leak conductance", 10, 0, "nS"),
  PARAM ("e_l", "Leak reversal potential", -60, -INFINITY, "mV"),
  PARAM ("e_e", "Excitatory reversal potential", 0, -INFINITY, "mV"),
  PARAM ("e_i", "Inhibitory reversal potential", -80, -INFINITY, "mV"),
  PARAM ("tau_e", "Excitatory time constant", 5, 1e-9, "ms"),
  PARAM ("tau_i", "Inhibitory time constant", 10, 1e-9, "ms"),
  PARAM ("v_th", "Threshold", -50, -INFINITY, "mV"),
  PARAM ("v_reset", "Reset potential", -60, -INFINITY, "mV"),
  { "refractory_steps", "Steps v is held after a spike", BSL_SHAPE_SCALAR,
    BSL_VAR_FLOAT_ONLY | BSL_VAR_COUNT, 50, 0, 1e9, 0, 1e9, "steps", NULL },
  { "dt", "Integration step per Basalt step", BSL_SHAPE_SCALAR, BSL_VAR_FLOAT_ONLY, 0.1,
    1e-6, 100, 1e-6, 100, "ms", NULL },
};

static const BslPortSpec cond_lif_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input current (pA)" },
  { "g_exc_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Excitatory conductance jumps (nS)" },
  { "g_inh_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Inhibitory conductance jumps (nS)" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};

static void
cond_lif_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_cond_lif_step (begin, end, t, bsl_pr_f (pr, CL_C)[0], bsl_pr_f (pr, CL_G_L)[0],
                       bsl_pr_f (pr, CL_E_L)[0], bsl_pr_f (pr, CL_E_E)[0],
                       bsl_pr_f (pr, CL_E_I)[0], bsl_pr_f (pr, CL_TAU_E)[0],
                       bsl_pr_f (pr, CL_TAU_I)[0], bsl_pr_f (pr, CL_V_TH)[0],
                       bsl_pr_f (pr, CL_V_RESET)[0], bsl_pr_f (pr, CL_REF)[0],
                       bsl_pr_f (pr, CL_DT)[0], pr->ports[0].f, pr->ports[1].f, pr->ports[2].f,
                       bsl_pr_f (pr, CL_V), bsl_pr_f (pr, CL_G_E), bsl_pr_f (pr, CL_G_I),
                       bsl_pr_f (pr, CL_REF_END), pr->ports[3].f);
}

static const BslModel cond_lif_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .step = cond_lif_step,
};

const BslProcType bsl_proc_type_cond_lif = {
  .name = "CondLIF",
  .description = "Conductance-based LIF neurons with excitatory and inhibitory inputs (floating_pt)",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = cond_lif_vars, .n_vars = G_N_ELEMENTS (cond_lif_vars),
  .ports = cond_lif_ports, .n_ports = G_N_ELEMENTS (cond_lif_ports),
  .models = { &cond_lif_float_model, NULL },
};
