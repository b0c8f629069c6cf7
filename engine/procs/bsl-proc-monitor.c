/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monitor: a sink that holds what it received this step in `data`; `basalt run` records every
 * Monitor when no probe is named. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-model.h"

static const BslPortSpec monitor_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Spikes or currents to record" },
};

static const BslVarSpec monitor_vars[] = {
  { "data", "What arrived this step (state)", BSL_SHAPE_POPULATION,
    BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0, -INFINITY, INFINITY, -INFINITY,
    INFINITY, NULL, NULL },
};

static void
monitor_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  BslRtPort *a_in = &pr->ports[0];
  double *data = pr->vars[0].f;

  for (gsize i = begin; i < end; i++)
    data[i] = a_in->is_int ? (double) a_in->i[i] : a_in->f[i];
}

static const BslModel monitor_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .step = monitor_step,
};
static const BslModel monitor_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .step = monitor_step,
};

const BslProcType bsl_proc_type_monitor = {
  .name = "Monitor",
  .description = "Records what it receives each step",
  .category = BSL_CATEGORY_MONITORS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = monitor_vars, .n_vars = G_N_ELEMENTS (monitor_vars),
  .ports = monitor_ports, .n_ports = G_N_ELEMENTS (monitor_ports),
  .models = { &monitor_float_model, &monitor_fixed_model },
};
