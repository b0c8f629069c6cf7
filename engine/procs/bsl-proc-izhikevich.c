/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Izhikevich neurons (floating_pt), with the four classic presets. */
#include "config.h"

#include <math.h>

#include "bsl-kernel-biophysical.h"
#include "bsl-model.h"

enum { IZ_V, IZ_U, IZ_A, IZ_B, IZ_C, IZ_D, IZ_V_PEAK, IZ_DT };

#define PARAM(NAME, DESC, DEFAULT, UNIT) { NAME, DESC, BSL_SHAPE_SCALAR, BSL_VAR_FLOAT_ONLY, \
    DEFAULT, -INFINITY, INFINITY, -INFINITY, INFINITY, UNIT, NULL }

static const BslVarSpec izhikevich_vars[] = {
  { "v", "Membrane potential (state)", BSL_SHAPE_POPULATION, BSL_VAR_STATE | BSL_VAR_BROADCAST,
    -65, -INFINITY, INFINITY, -INFINITY, INFINITY, "mV", NULL },
  { "u", "Recovery variable (state)", BSL_SHAPE_POPULATION, BSL_VAR_STATE | BSL_VAR_BROADCAST,
    -13, -INFINITY, INFINITY, -INFINITY, INFINITY, NULL, NULL },
  PARAM ("a", "Time scale of u", 0.02, "1/ms"),
  PARAM ("b", "Sensitivity of u to v", 0.2, NULL),
  PARAM ("c", "Reset value of v", -65, "mV"),
  PARAM ("d", "Increase of u at a spike", 8, NULL),
  PARAM ("v_peak", "Spike cut-off", 30, "mV"),
  { "dt", "Integration step per Basalt step", BSL_SHAPE_SCALAR, BSL_VAR_FLOAT_ONLY, 0.5,
    1e-6, 100, 1e-6, 100, "ms", NULL },
};

static const BslPortSpec izhikevich_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input current I" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};

static const BslPresetValue rs[] = { { "a", 0.02 }, { "b", 0.2 }, { "c", -65 }, { "d", 8 }, { NULL, 0 } };
static const BslPresetValue fs[] = { { "a", 0.1 }, { "b", 0.2 }, { "c", -65 }, { "d", 2 }, { NULL, 0 } };
static const BslPresetValue ib[] = { { "a", 0.02 }, { "b", 0.2 }, { "c", -55 }, { "d", 4 }, { NULL, 0 } };
static const BslPresetValue ch[] = { { "a", 0.02 }, { "b", 0.2 }, { "c", -50 }, { "d", 2 }, { NULL, 0 } };

static const BslPreset izhikevich_presets[] = {
  { "regular_spiking", "Regular spiking (RS): tonic firing with adaptation", rs },
  { "fast_spiking", "Fast spiking (FS): high rate without adaptation", fs },
  { "intrinsically_bursting", "Intrinsically bursting (IB): a burst, then single spikes", ib },
  { "chattering", "Chattering (CH): repeated bursts", ch },
};

static void
izhikevich_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_izhikevich_step (begin, end, bsl_pr_f (pr, IZ_A)[0], bsl_pr_f (pr, IZ_B)[0],
                         bsl_pr_f (pr, IZ_C)[0], bsl_pr_f (pr, IZ_D)[0],
                         bsl_pr_f (pr, IZ_V_PEAK)[0], bsl_pr_f (pr, IZ_DT)[0], pr->ports[0].f,
                         bsl_pr_f (pr, IZ_V), bsl_pr_f (pr, IZ_U), pr->ports[1].f);
}

static const BslModel izhikevich_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .step = izhikevich_step,
};

const BslProcType bsl_proc_type_izhikevich = {
  .name = "Izhikevich",
  .description = "Izhikevich neurons (floating_pt): regular spiking, fast spiking, bursting, chattering",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = izhikevich_vars, .n_vars = G_N_ELEMENTS (izhikevich_vars),
  .ports = izhikevich_ports, .n_ports = G_N_ELEMENTS (izhikevich_ports),
  .models = { &izhikevich_float_model, NULL },
  .presets = izhikevich_presets, .n_presets = G_N_ELEMENTS (izhikevich_presets),
};
