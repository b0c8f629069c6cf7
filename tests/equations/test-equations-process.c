/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An Equations process in a network: its input ports (one per input variable), a port on a
 * parameter driven by a CurrentSource, values with units in the file, and the file round trip. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "bsl-error.h"
#include "bsl-equations-type.h"
#include "bsl-graph.h"
#include "bsl-network-file.h"
#include "bsl-runtime.h"
#include "equations/bsl-equations.h"

/* Two conductance inputs and an injected current. */
static const char network[] =
  "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
  " {\"name\": \"exc\", \"type\": \"RingBuffer\", \"shape\": [1],"
  "  \"params\": {\"data\": [[1, 0, 0, 0, 0, 0, 0, 0, 0, 0]]}},"
  " {\"name\": \"inh\", \"type\": \"RingBuffer\", \"shape\": [1],"
  "  \"params\": {\"data\": [[0, 0, 0, 0, 1, 0, 0, 0, 0, 0]]}},"
  " {\"name\": \"we\", \"type\": \"Dense\", \"shape\": [2, 1], \"params\": {\"weights\": [[1e-9], [2e-9]]}},"
  " {\"name\": \"wi\", \"type\": \"Dense\", \"shape\": [2, 1], \"params\": {\"weights\": [[3e-9], [4e-9]]}},"
  " {\"name\": \"cur\", \"type\": \"CurrentSource\", \"shape\": [2],"
  "  \"params\": {\"amplitude\": 2e-10, \"baseline\": 0, \"start\": 0, \"stop\": 0}},"
  " {\"name\": \"n\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {"
  "   \"model\": \"dv/dt = (El - v + (ge*(Ee - v) + gi*(Ei - v) + I)/gl)/tau : volt\\n"
  "dge/dt = -ge/tau_e : siemens\\ndgi/dt = -gi/tau_i : siemens\\n"
  "El : volt\\nEe : volt\\nEi : volt\\ngl : siemens\\ntau : second\\ntau_e : second\\n"
  "tau_i : second\\nI : amp\\n\","
  "   \"input\": {\"a_ge\": \"ge\", \"a_gi\": \"gi\", \"i_ext\": \"I\"}, \"method\": \"euler\"},"
  "  \"params\": {\"v\": \"-60*mV\", \"El\": \"-60*mV\", \"Ee\": \"0*mV\", \"Ei\": \"-80*mV\","
  "   \"gl\": \"10*nS\", \"tau\": \"20*ms\", \"tau_e\": \"5*ms\", \"tau_i\": 0.01, \"dt\": \"0.1*ms\"}}],"
  " \"connections\": [{\"from\": \"exc.s_out\", \"to\": \"we.s_in\"}, {\"from\": \"we.a_out\", \"to\": \"n.a_ge\"},"
  "  {\"from\": \"inh.s_out\", \"to\": \"wi.s_in\"}, {\"from\": \"wi.a_out\", \"to\": \"n.a_gi\"},"
  "  {\"from\": \"cur.a_out\", \"to\": \"n.i_ext\"}]}";

static BslGraph *
load (const char *text,
      GError    **error)
{
  return bsl_graph_load_data (text, -1, "net.basalt", NULL, error);
}

static void
test_ports_and_units (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = load (network, &error);
  BslProcess *n;
  const BslArray *tau;

  g_assert_no_error (error);
  n = bsl_graph_find_process (graph, "n");
  g_assert_cmpuint (bsl_process_get_proc_type (n)->n_ports, ==, 4);
  g_assert_cmpstr (bsl_process_get_proc_type (n)->ports[0].name, ==, "a_ge");
  g_assert_cmpstr (bsl_process_get_proc_type (n)->ports[1].name, ==, "a_gi");
  g_assert_cmpstr (bsl_process_get_proc_type (n)->ports[2].name, ==, "i_ext");
  g_assert_cmpstr (bsl_process_get_proc_type (n)->ports[3].name, ==, "s_out");
  tau = bsl_process_get_param (n, "tau");
  g_assert_cmpfloat (tau->data[0], ==, 20e-3);
  g_assert_cmpfloat (bsl_process_get_param (n, "gl")->data[0], ==, 10e-9);
  g_assert_cmpfloat (bsl_process_get_param (n, "v")->data[0], ==, -60e-3);
}

/* Each port feeds its own variable one step after the presynaptic spike; the current source
 * sets I every step, so v settles at El + I/gl instead of ramping. */
static void
test_run (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = load (network, &error);
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (BslRuntime) rt = NULL;
  BslProbe *ge, *gi, *v, *current;
  enum { T = 4000 };

  g_assert_no_error (error);
  /* one spike each, not one every 10 steps */
  for (guint k = 0; k < 2; k++)
    {
      BslArray *data = bsl_array_new_matrix (1, T);

      data->data[k == 0 ? 0 : 4] = 1;
      g_assert_true (bsl_process_set_param (bsl_graph_find_process (graph, k == 0 ? "exc" : "inh"),
                                            "data", data, &error));
    }
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  ge = bsl_runtime_add_probe (rt, "n.ge", BSL_PROBE_RECORD, 0, &error);
  gi = bsl_runtime_add_probe (rt, "n.gi", BSL_PROBE_RECORD, 0, &error);
  v = bsl_runtime_add_probe (rt, "n.v", BSL_PROBE_RECORD, 0, &error);
  current = bsl_runtime_add_probe (rt, "n.I", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, T);
  /* exc spikes at step 1, Dense delivers at step 2: ge jumps there, then decays */
  g_assert_cmpfloat (bsl_probe_get_row (ge, 0)[0], ==, 0);
  g_assert_cmpfloat (fabs (bsl_probe_get_row (ge, 1)[0] - 1e-9 * (1 - 1e-4 / 5e-3)), <, 1e-24);
  g_assert_cmpfloat (fabs (bsl_probe_get_row (ge, 1)[1] - 2e-9 * (1 - 1e-4 / 5e-3)), <, 1e-24);
  g_assert_cmpfloat (bsl_probe_get_row (gi, 1)[0], ==, 0);
  g_assert_cmpfloat (bsl_probe_get_row (gi, 5)[1], >, 3.9e-9);
  g_assert_cmpfloat (bsl_probe_get_row (current, 10)[0], ==, 2e-10);
  /* the current: -60 mV + 0.2 nA / 10 nS = -40 mV after 20 time constants */
  g_assert_cmpfloat (fabs (bsl_probe_get_row (v, T - 1)[0] + 40e-3), <, 1e-9);
  g_assert_cmpfloat (fabs (bsl_probe_get_row (v, T - 1)[1] + 40e-3), <, 1e-9);
}

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = load (network, &error);
  g_autoptr (BslGraph) back = NULL;
  g_autofree char *saved = NULL;
  BslEquationsText text;

  g_assert_no_error (error);
  saved = bsl_graph_to_data (graph, NULL);
  g_assert_nonnull (strstr (saved, "\"a_ge\" : \"ge\""));
  back = load (saved, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_process_get_equations (bsl_graph_find_process (back, "n"), &text));
  g_assert_cmpstr (text.input, ==, "a_ge: ge, a_gi: gi, i_ext: I");
  g_assert_cmpuint (bsl_process_get_proc_type (bsl_graph_find_process (back, "n"))->n_ports, ==, 4);
}

static void
test_bad_values (void)
{
  static const struct { const char *from, *to, *message; } cases[] = {
    { "\"tau\": \"20*ms\"", "\"tau\": \"20*mV\"",
      "net.basalt: process 'n' (Equations): parameter 'tau' is '20*mV': a value in volt, but "
      "it must be in second" },
    { "\"tau\": \"20*ms\"", "\"tau\": \"20*msec\"",
      "net.basalt: process 'n' (Equations): parameter 'tau' is '20*msec': unknown symbol "
      "'msec'" },
    { "\"i_ext\": \"I\"", "\"i_ext\": \"J\"",
      "net.basalt: process 'n' (Equations): input variable: 'J' is not a state variable or a parameter of "
      "the model (state variables: v, ge, gi; parameters: El, Ee, Ei, gl, tau, tau_e, tau_i, I)" },
    { "\"i_ext\": \"I\"", "\"i_ext\": 3",
      "net.basalt: process 'n' (Equations): \"equations\": \"input\" must be a variable name or an object "
      "mapping port names to variables" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GString) text = g_string_new (network);
      g_autoptr (BslGraph) graph = NULL;

      g_assert_cmpuint (g_string_replace (text, cases[k].from, cases[k].to, 1), ==, 1);
      graph = load (text->str, &error);
      g_assert_null (graph);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, cases[k].message);
    }
}

/* A subexpression and lastspike can be probed; they hold what Brian2 records at the end of a
 * step. */
static void
test_probe_subexpressions (void)
{
  static const char text[] =
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    " {\"name\": \"n\", \"type\": \"Equations\", \"shape\": [3], \"equations\": {"
    "   \"model\": \"dv/dt = (v_drive - v)/tau : volt\\nv_drive = (20 + 5*i)*mV : volt\\n"
    "tau : second\\n\", \"threshold\": \"v > 10*mV\", \"reset\": \"v = 0*mV\"},"
    "  \"params\": {\"tau\": \"10*ms\", \"dt\": 0.0001}}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = load (text, &error);
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (BslRuntime) rt = NULL;
  BslProbe *drive, *last, *spikes;
  guint n_spikes = 0;
  double seen[3] = { -INFINITY, -INFINITY, -INFINITY };
  enum { T = 500 };

  g_assert_no_error (error);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  drive = bsl_runtime_add_probe (rt, "n.v_drive", BSL_PROBE_RECORD, 0, &error);
  last = bsl_runtime_add_probe (rt, "n.lastspike", BSL_PROBE_RECORD, 0, &error);
  spikes = bsl_runtime_add_probe (rt, "n.s_out", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, T);
  for (guint t = 0; t < T; t++)
    for (guint i = 0; i < 3; i++)
      {
        g_assert_cmpfloat (fabs (bsl_probe_get_row (drive, t)[i] - (20 + 5.0 * i) * 1e-3), <, 1e-15);
        if (bsl_probe_get_row (spikes, t)[i] != 0)
          {
            /* runtime step t + 1 is the model's step t: t*dt at its start */
            seen[i] = t * 1e-4;
            n_spikes++;
          }
        g_assert_cmpfloat (bsl_probe_get_row (last, t)[i], ==, seen[i]);
      }
  g_assert_cmpuint (n_spikes, >, 10);
}

/* A (shared) parameter takes one value for the population. */
static void
test_shared (void)
{
  static const char text[] =
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    " {\"name\": \"n\", \"type\": \"Equations\", \"shape\": [3], \"equations\": {"
    "   \"model\": \"dv/dt = -v/tau : volt\\ntau : second (shared)\\n\"},"
    "  \"params\": {\"tau\": TAU, \"dt\": 0.0001}}]}";
  static const char *const values[] = { "0.01", "[0.01, 0.01, 0.01]", "[0.01, 0.02, 0.01]" };

  for (guint k = 0; k < G_N_ELEMENTS (values); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GString) json = g_string_new (text);
      g_autoptr (BslGraph) graph = NULL;
      g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
      BslRuntime *rt;

      g_string_replace (json, "TAU", values[k], 1);
      graph = load (json->str, &error);
      g_assert_no_error (error);
      rt = bsl_runtime_new (graph, config, &error);
      if (k < 2)
        {
          g_assert_no_error (error);
          bsl_runtime_free (rt);
          continue;
        }
      g_assert_null (rt);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==,
                       "process 'n' (Equations): parameter 'tau' is (shared): it takes one value "
                       "for the whole population, not one per neuron");
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/equations/process/ports-and-units", test_ports_and_units);
  g_test_add_func ("/equations/process/run", test_run);
  g_test_add_func ("/equations/process/round-trip", test_round_trip);
  g_test_add_func ("/equations/process/bad-values", test_bad_values);
  g_test_add_func ("/equations/process/probe-subexpressions", test_probe_subexpressions);
  g_test_add_func ("/equations/process/shared", test_shared);
  return g_test_run ();
}
