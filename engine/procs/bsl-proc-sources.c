/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inputs: RingBuffer and Spiker (lava.proc.io.source, lava.proc.spiker), and Basalt's own
 * PoissonSource and CurrentSource. Sources send doubles under both tags; a fixed_pt receiver
 * truncates them toward zero, as Lava's int32 Var initialisation does. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-kernel-sources.h"
#include "bsl-model.h"

static const BslPortSpec spike_source_ports[] = {
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes or graded payloads" },
};
static const BslPortSpec current_source_ports[] = {
  { "a_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Current" },
};

/* ---------------- RingBuffer ---------------- */

static const BslVarSpec ring_buffer_vars[] = {
  { "data", "Values to send, (n, T): column (t - 1) % T at step t", BSL_SHAPE_TIME_SERIES,
    BSL_VAR_BROADCAST, 0, -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
};

static void
ring_buffer_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  BslRtVar *data = &pr->vars[0];
  gsize n_columns = data->ndim >= 2 ? data->dims[data->ndim - 1] : 1;
  gsize column = bsl_k_ring_buffer_column (t, n_columns);
  double *s_out = pr->ports[0].f;

  for (gsize i = begin; i < end; i++)
    s_out[i] = data->f[i * n_columns + column];
}

static const BslModel ring_buffer_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .float_output = TRUE, .step = ring_buffer_step,
};
static const BslModel ring_buffer_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .float_output = TRUE, .step = ring_buffer_step,
};

const BslProcType bsl_proc_type_ring_buffer = {
  .name = "RingBuffer",
  .description = "Sends recorded spikes or values cyclically (Lava's source.RingBuffer)",
  .category = BSL_CATEGORY_INPUTS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = ring_buffer_vars, .n_vars = G_N_ELEMENTS (ring_buffer_vars),
  .ports = spike_source_ports, .n_ports = G_N_ELEMENTS (spike_source_ports),
  .models = { &ring_buffer_float_model, &ring_buffer_fixed_model },
};

/* ---------------- Spiker ---------------- */

enum { SPK_PERIOD, SPK_PAYLOAD, SPK_COUNTER };

static const BslVarSpec spiker_vars[] = {
  { "period", "Steps between messages (the first goes out at step period + 1)",
    BSL_SHAPE_POPULATION, BSL_VAR_COUNT | BSL_VAR_BROADCAST, 10, 1, 1 << 24, 1, 1 << 24,
    "steps", NULL },
  { "payload", "Value sent with every message", BSL_SHAPE_POPULATION, BSL_VAR_BROADCAST, 1,
    -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
  { "counter", "Steps since the last message (state)", BSL_SHAPE_POPULATION,
    BSL_VAR_COUNT | BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0, 0, 1 << 24, 0, 1 << 24,
    "steps", NULL },
};

static void
spiker_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_spiker_step (begin, end, bsl_pr_f (pr, SPK_PERIOD), bsl_pr_f (pr, SPK_PAYLOAD),
                     bsl_pr_f (pr, SPK_COUNTER), pr->ports[0].f);
}

static const BslModel spiker_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .float_output = TRUE, .step = spiker_step,
};
static const BslModel spiker_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .float_output = TRUE, .step = spiker_step,
};

const BslProcType bsl_proc_type_spiker = {
  .name = "Spiker",
  .description = "Sends a payload every period steps (Lava's Spiker)",
  .category = BSL_CATEGORY_INPUTS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = spiker_vars, .n_vars = G_N_ELEMENTS (spiker_vars),
  .ports = spike_source_ports, .n_ports = G_N_ELEMENTS (spike_source_ports),
  .models = { &spiker_float_model, &spiker_fixed_model },
};

/* ---------------- PoissonSource ---------------- */

enum { POI_RATE, POI_SEED };

static const BslVarSpec poisson_vars[] = {
  { "rate", "Probability of a spike per step", BSL_SHAPE_POPULATION, BSL_VAR_BROADCAST, 0.05,
    0, 1, 0, 1, "1/step", NULL },
  { "seed", "Extra seed, mixed with the run's seed and the process name", BSL_SHAPE_SCALAR,
    BSL_VAR_COUNT, 0, 0, 4294967295.0, 0, 4294967295.0, NULL, NULL },
};

static void
poisson_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  guint64 key = pr->seed_key ^ bsl_k_mix64 ((guint64) bsl_pr_f (pr, POI_SEED)[0]);

  bsl_k_poisson_step (begin, end, key, t, bsl_pr_f (pr, POI_RATE), pr->ports[0].f);
}

static const BslModel poisson_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .float_output = TRUE, .splittable = TRUE, .step = poisson_step,
};
static const BslModel poisson_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .float_output = TRUE, .splittable = TRUE, .step = poisson_step,
};

const BslProcType bsl_proc_type_poisson_source = {
  .name = "PoissonSource",
  .description = "Independent random spikes with a rate per neuron, reproducible from the seed",
  .category = BSL_CATEGORY_INPUTS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = poisson_vars, .n_vars = G_N_ELEMENTS (poisson_vars),
  .ports = spike_source_ports, .n_ports = G_N_ELEMENTS (spike_source_ports),
  .models = { &poisson_float_model, &poisson_fixed_model },
};

/* ---------------- CurrentSource ---------------- */

enum { CUR_AMPLITUDE, CUR_BASELINE, CUR_START, CUR_STOP };

static const BslVarSpec current_vars[] = {
  { "amplitude", "Current sent from start to stop", BSL_SHAPE_POPULATION, BSL_VAR_BROADCAST, 1,
    -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
  { "baseline", "Current sent outside [start, stop)", BSL_SHAPE_POPULATION, BSL_VAR_BROADCAST, 0,
    -2147483648.0, 2147483647.0, -INFINITY, INFINITY, NULL, NULL },
  { "start", "First step of the pulse", BSL_SHAPE_SCALAR, BSL_VAR_COUNT, 1, 0, 1e15, 0, 1e15,
    "step", NULL },
  { "stop", "Step at which the pulse ends (0: never)", BSL_SHAPE_SCALAR, BSL_VAR_COUNT, 0, 0, 1e15,
    0, 1e15, "step", NULL },
};

static void
current_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  bsl_k_current_step (begin, end, t, (gint64) bsl_pr_f (pr, CUR_START)[0],
                      (gint64) bsl_pr_f (pr, CUR_STOP)[0], bsl_pr_f (pr, CUR_AMPLITUDE),
                      bsl_pr_f (pr, CUR_BASELINE), pr->ports[0].f);
}

static const BslModel current_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .float_output = TRUE, .step = current_step,
};
static const BslModel current_fixed_model = {
  .tag = BSL_TAG_FIXED_PT, .float_output = TRUE, .step = current_step,
};

const BslProcType bsl_proc_type_current_source = {
  .name = "CurrentSource",
  .description = "A constant current, or a step pulse from start to stop; wire it to a_in",
  .category = BSL_CATEGORY_INPUTS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = current_vars, .n_vars = G_N_ELEMENTS (current_vars),
  .ports = current_source_ports, .n_ports = G_N_ELEMENTS (current_source_ports),
  .models = { &current_float_model, &current_fixed_model },
};
