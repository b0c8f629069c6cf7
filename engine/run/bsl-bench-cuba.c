/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bsl-bench.h"
#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-random.h"

/* Brian2's CUBA example: current-based synapses decaying into v, exact integration. */
static const BslEquationsText cuba_neuron = {
  .model = "dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)\n"
           "dge/dt = -ge/taue : volt\n"
           "dgi/dt = -gi/taui : volt\n"
           "taum : second\ntaue : second\ntaui : second\n"
           "El : volt\nVt : volt\nVr : volt\n",
  .threshold = "v > Vt",
  .reset = "v = Vr",
  .refractory = "5*ms",
  .input = "a_ge: ge, a_gi: gi",
  .method = "exact",
};

static const BslPresetValue cuba_values[] = {
  { "taum", 20e-3 }, { "taue", 5e-3 }, { "taui", 10e-3 },
  { "El", -49e-3 }, { "Vt", -50e-3 }, { "Vr", -60e-3 }, { "dt", 0.1e-3 },
  { NULL, 0 },
};

#define CUBA_P 0.02
#define CUBA_WE (60 * 0.27 / 10 * 1e-3)
#define CUBA_WI (-20 * 4.5 / 10 * 1e-3)

static BslProcess *
add_population (BslGraph *graph, const char *name, gsize n, guint64 seed, double y,
                GError **error)
{
  gsize dims[1] = { n };
  BslProcess *p = bsl_graph_add_process (graph, "Equations", name, 1, dims, error);
  BslArray *v;
  BslRandom rng;

  if (p == NULL || !bsl_process_start_equations (p, &cuba_neuron, cuba_values, error))
    return NULL;
  /* v starts uniform between Vr and Vt, as the example's 'Vr + rand() * (Vt - Vr)'. */
  v = bsl_array_new_vector (n, NULL);
  bsl_random_init_mix64 (&rng, seed);
  for (gsize k = 0; k < n; k++)
    v->data[k] = -60e-3 + bsl_random_uniform (&rng) * 10e-3;
  if (!bsl_process_set_param (p, "v", v, error))
    return NULL;
  bsl_process_set_position (p, 500, y);
  return p;
}

static gboolean
add_synapses (BslGraph *graph, const char *name, BslProcess *from, BslProcess *to,
              const char *port, double weight, guint64 seed, double y, GError **error)
{
  gsize dims[2] = { bsl_process_get_dims (to)[0], bsl_process_get_dims (from)[0] };
  BslProcess *s = bsl_graph_add_process (graph, "RandomSparse", name, 2, dims, error);
  g_autofree char *spikes = NULL, *s_in = NULL, *a_out = NULL, *into = NULL;

  if (s == NULL ||
      !bsl_process_set_param (s, "weight", bsl_array_new_scalar (weight), error) ||
      !bsl_process_set_param (s, "p", bsl_array_new_scalar (CUBA_P), error) ||
      !bsl_process_set_param (s, "seed", bsl_array_new_scalar ((double) seed), error))
    return FALSE;
  bsl_process_set_position (s, 260, y);
  spikes = g_strdup_printf ("%s.s_out", bsl_process_get_name (from));
  s_in = g_strdup_printf ("%s.s_in", name);
  a_out = g_strdup_printf ("%s.a_out", name);
  into = g_strdup_printf ("%s.%s", bsl_process_get_name (to), port);
  return bsl_graph_connect (graph, spikes, s_in, error) != NULL &&
         bsl_graph_connect (graph, a_out, into, error) != NULL;
}

BslGraph *
bsl_bench_cuba_network (gsize    n,
                        GError **error)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  gsize n_exc = n * 4 / 5, n_inh = n - n * 4 / 5;
  BslProcess *exc, *inh;

  if (n < 5 || n > BSL_BENCH_CUBA_MAX_N)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "--n %" G_GSIZE_FORMAT " is outside 5..%d",
                   n, BSL_BENCH_CUBA_MAX_N);
      return NULL;
    }
  bsl_graph_set_run_tag (graph, BSL_TAG_FLOATING_PT);
  bsl_graph_set_run_steps (graph, 10000);
  exc = add_population (graph, "E", n_exc, 1, 80, error);
  inh = exc != NULL ? add_population (graph, "I", n_inh, 2, 320, error) : NULL;
  if (inh == NULL ||
      !add_synapses (graph, "EE", exc, exc, "a_ge", CUBA_WE, 11, 0, error) ||
      !add_synapses (graph, "EI", exc, inh, "a_ge", CUBA_WE, 12, 160, error) ||
      !add_synapses (graph, "IE", inh, exc, "a_gi", CUBA_WI, 13, 240, error) ||
      !add_synapses (graph, "II", inh, inh, "a_gi", CUBA_WI, 14, 400, error))
    return NULL;
  return g_steal_pointer (&graph);
}
