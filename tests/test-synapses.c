/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synapses with equations: Brian2's STDP example side by side with Brian2 (the weights of every
 * synapse and the post-synaptic spikes, committed as data/synapses/stdp_brian2.csv by
 * brian2_stdp.py), the file's round trip and the errors of bad statements. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-proc-synapses.h"
#include "test-util.h"

/* Rounding only: Brian2 rewrites the decay with sympy, Basalt computes it as written. */
#define TOLERANCE 1e-9
#define N_INPUTS 50
#define N_STEPS 5000
#define GMAX 0.08

static const char *const stdp_model = "w : 1\\n"
  "dApre/dt = -Apre / taupre : 1 (event-driven)\\n"
  "dApost/dt = -Apost / taupost : 1 (event-driven)";
static const char *const stdp_on_pre = "ge += w\\nApre += dApre\\nw = clip(w + Apost, 0, gmax)";
static const char *const stdp_on_post = "Apost += dApost\\nw = clip(w + Apre, 0, gmax)";

typedef struct
{
  GArray     *inputs;     /* guint pairs: Brian2's step, input */
  GHashTable *weights;    /* "step:synapse" -> double* */
  GHashTable *spikes;     /* "step" */
} Reference;

static void
reference_load (Reference *r)
{
  g_autofree char *path = test_data_path ("synapses", "stdp_brian2.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  r->inputs = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  r->weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->spikes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lines = g_strsplit (text, "\n", -1);
  for (guint l = 1; lines[l] != NULL && *lines[l] != '\0'; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], ",", 4);
      guint pair[2] = { (guint) g_ascii_strtoull (f[1], NULL, 10),
                        (guint) g_ascii_strtoull (f[2], NULL, 10) };
      double value = g_ascii_strtod (f[3], NULL);

      if (g_str_equal (f[0], "in"))
        g_array_append_val (r->inputs, pair);
      else if (g_str_equal (f[0], "w"))
        g_hash_table_insert (r->weights, g_strdup_printf ("%u:%u", pair[0], pair[1]),
                             g_memdup2 (&value, sizeof value));
      else if (g_str_equal (f[0], "spike"))
        g_hash_table_add (r->spikes, g_strdup_printf ("%u", pair[0]));
    }
}

static void
reference_clear (Reference *r)
{
  g_array_unref (r->inputs);
  g_hash_table_unref (r->weights);
  g_hash_table_unref (r->spikes);
}

/* The input pattern as a RingBuffer's data: Brian2's step k is column k, sent at step k + 1,
 * Brian2's step k, as every Basalt step t is Brian2's t - 1. */
static char *
ring_buffer_data (const Reference *r)
{
  g_autofree guint8 *fired = g_new0 (guint8, N_INPUTS * N_STEPS);
  GString *json = g_string_new ("[");

  for (guint k = 0; k < r->inputs->len; k++)
    {
      const guint *pair = &g_array_index (r->inputs, guint, 2 * k);
      fired[pair[1] * N_STEPS + pair[0]] = 1;
    }
  for (guint i = 0; i < N_INPUTS; i++)
    {
      g_string_append (json, i > 0 ? ",[" : "[");
      for (guint s = 0; s < N_STEPS; s++)
        g_string_append (json, s > 0 ? (fired[i * N_STEPS + s] ? ",1" : ",0")
                                     : (fired[i * N_STEPS + s] ? "1" : "0"));
      g_string_append (json, "]");
    }
  g_string_append (json, "]");
  return g_string_free (json, FALSE);
}

/* Brian2's values, computed in the same order as its script does. */
static char *
stdp_network (const Reference *r, const char *on_pre)
{
  g_autofree char *data = r != NULL ? ring_buffer_data (r) : g_strdup ("0");
  g_autoptr (GString) w = g_string_new ("[[");
  double dApre = 0.01, dApost = -dApre * 0.020 / 0.020 * 1.05;

  dApost *= GMAX;
  dApre *= GMAX;
  for (guint i = 0; i < N_INPUTS; i++)
    g_string_append_printf (w, "%s%.17g", i > 0 ? "," : "", GMAX * ((i * 37) % 50) / 50.0);
  g_string_append (w, "]]");
  return g_strdup_printf (
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": %d},"
    " \"processes\": ["
    "  {\"name\": \"in\", \"type\": \"RingBuffer\", \"shape\": [%d], \"params\": {\"data\": %s}},"
    "  {\"name\": \"syn\", \"type\": \"Synapses\", \"shape\": [1, %d],"
    "   \"synapses\": {\"model\": \"%s\", \"on_pre\": \"%s\", \"on_post\": \"%s\"},"
    "   \"params\": {\"w\": %s, \"taupre\": 0.02, \"taupost\": 0.02, \"gmax\": %.17g,"
    "                \"dApre\": %.17g, \"dApost\": %.17g}},"
    "  {\"name\": \"post\", \"type\": \"Equations\", \"shape\": [1],"
    "   \"equations\": {\"model\": \"dv/dt = (ge * (Ee-v) + El - v) / taum : volt\\n"
    "dge/dt = -ge / taue : 1\\nEe : volt\\nEl : volt\\nvt : volt\\nvr : volt\\n"
    "taum : second\\ntaue : second\", \"threshold\": \"v>vt\", \"reset\": \"v = vr\","
    "                  \"input\": \"ge\", \"method\": \"euler\"},"
    "   \"params\": {\"v\": \"-60*mV\", \"Ee\": \"0*mV\", \"vt\": \"-54*mV\", \"vr\": \"-60*mV\","
    "                \"El\": \"-74*mV\", \"taum\": \"10*ms\", \"taue\": \"5*ms\"}}],"
    " \"connections\": [{\"from\": \"in.s_out\", \"to\": \"syn.s_in\"},"
    "                   {\"from\": \"syn.a_out\", \"to\": \"post.a_in\"},"
    "                   {\"from\": \"post.s_out\", \"to\": \"syn.s_in_post\"}]}",
    N_STEPS, N_INPUTS, data, N_INPUTS, stdp_model, on_pre, stdp_on_post,
    w->str, GMAX, dApre, dApost);
}

static void
test_stdp_brian2 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (BslRuntime) runtime = NULL;
  g_autoptr (BslGraph) graph = NULL;
  g_autofree char *json = NULL;
  Reference r;
  BslProbe *w, *spikes;
  guint n_spikes = 0, n_weights = 0;

  reference_load (&r);
  json = stdp_network (&r, stdp_on_pre);
  graph = bsl_graph_load_data (json, -1, "stdp.basalt", NULL, &error);
  g_assert_no_error (error);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  w = bsl_runtime_add_probe (runtime, "syn.w", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  spikes = bsl_runtime_add_probe (runtime, "post.s_out", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (runtime, N_STEPS);

  /* row k: after Basalt's step k + 1, the end of Brian2's step k */
  for (guint k = 0; k < N_STEPS; k++)
    {
      g_autofree char *key = g_strdup_printf ("%u", k);
      gboolean fired = bsl_probe_get_row (spikes, k)[0] != 0;

      if (fired != g_hash_table_contains (r.spikes, key))
        g_error ("post-synaptic spike at Brian2's step %u: Basalt %d, Brian2 %d", k, fired, !fired);
      n_spikes += fired;
      for (guint s = 0; s < N_INPUTS; s++)
        {
          g_autofree char *at = g_strdup_printf ("%u:%u", k, s);
          const double *expected = g_hash_table_lookup (r.weights, at);
          double got = bsl_probe_get_row (w, k)[s];

          if (expected == NULL)
            continue;
          if (fabs (got - *expected) > TOLERANCE * fabs (*expected) + 1e-300)
            g_error ("w of synapse %u at Brian2's step %u: Basalt %.17g, Brian2 %.17g", s, k,
                     got, *expected);
          n_weights++;
        }
    }
  g_assert_cmpuint (n_spikes, ==, g_hash_table_size (r.spikes));
  g_assert_cmpuint (n_spikes, >, 10);
  g_assert_cmpuint (n_weights, ==, g_hash_table_size (r.weights));
  g_test_message ("%u post-synaptic spikes and %u weights as Brian2's", n_spikes, n_weights);
  reference_clear (&r);
}

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = stdp_network (NULL, stdp_on_pre);
  g_autoptr (BslGraph) graph = NULL, again = NULL;
  g_autofree char *saved = NULL, *saved_again = NULL;
  BslSynapsesText text;

  graph = bsl_graph_load_data (json, -1, "stdp.basalt", NULL, &error);
  g_assert_no_error (error);
  saved = bsl_graph_to_data (graph, NULL);
  again = bsl_graph_load_data (saved, -1, "stdp.basalt", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_process_get_synapses (bsl_graph_find_process (again, "syn"), &text));
  g_assert_cmpstr (text.on_pre, ==, "ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)");
  g_assert_cmpstr (text.on_post, ==, "Apost += dApost\nw = clip(w + Apre, 0, gmax)");
  g_assert_nonnull (strstr (text.model, "(event-driven)"));
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (bsl_graph_find_process (again, "syn"),
                                                           "gmax"), 0), ==, GMAX);
  saved_again = bsl_graph_to_data (again, NULL);
  g_assert_cmpstr (saved, ==, saved_again);
}

/* Only connected synapses run on_pre and add to a_out; the sums arrive one step later. */
static void
test_connectivity (void)
{
  static const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\"},"
    " \"processes\": ["
    "  {\"name\": \"in\", \"type\": \"RingBuffer\", \"shape\": [2],"
    "   \"params\": {\"data\": [[1, 0, 0], [1, 0, 1]]}},"
    "  {\"name\": \"syn\", \"type\": \"Synapses\", \"shape\": [2, 2],"
    "   \"synapses\": {\"model\": \"w : 1\", \"on_pre\": \"g += w * k\\nw += 1\", \"on_post\": \"\"},"
    "   \"params\": {\"w\": [[1, 2], [3, 4]], \"k\": 0.5, \"connected\": [[1, 0], [1, 1]]}},"
    "  {\"name\": \"out\", \"type\": \"Monitor\", \"shape\": [2]}],"
    " \"connections\": [{\"from\": \"in.s_out\", \"to\": \"syn.s_in\"},"
    "                   {\"from\": \"syn.a_out\", \"to\": \"out.a_in\"}]}";
  static const double expected_out[4][2] = { { 0, 0 }, { 0.5, 3.5 }, { 0, 0 }, { 0, 2.5 } };
  static const double expected_w[4] = { 3, 2, 5, 7 };  /* step 4 repeats step 1 */
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "syn.basalt", NULL, &error);
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (BslRuntime) runtime = NULL;
  g_autoptr (BslArray) w = NULL;
  BslProbe *out;

  g_assert_no_error (error);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  out = bsl_runtime_add_probe (runtime, "out.data", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (runtime, 4);
  for (guint step = 0; step < 4; step++)
    for (guint i = 0; i < 2; i++)
      g_assert_cmpfloat (bsl_probe_get_row (out, step)[i], ==, expected_out[step][i]);
  w = bsl_runtime_get_var (runtime, "syn", "w", &error);
  g_assert_no_error (error);
  for (guint s = 0; s < 4; s++)
    g_assert_cmpfloat (bsl_array_get (w, s), ==, expected_w[s]);

  /* a reset returns w, lastupdate and what is under way to their start */
  bsl_runtime_reset (runtime);
  bsl_runtime_run (runtime, 2);
  g_clear_pointer (&w, bsl_array_free);
  w = bsl_runtime_get_var (runtime, "syn", "w", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (bsl_array_get (w, 0), ==, 2);
  g_assert_cmpfloat (bsl_array_get (w, 3), ==, 5);
  g_assert_cmpfloat (bsl_probe_get_row (out, bsl_probe_get_n_steps (out) - 1)[1], ==, 3.5);
}

/* A bad declaration of the model names the process, the text, the line and the column (and
 * leaves nothing allocated behind: the sanitizer build checks). */
static void
test_bad_model (void)
{
  static const struct { const char *model, *message; } cases[] = {
    { "w : 1 (shared)", "m.basalt: process 'syn' (Synapses): model, line 1, column 7: the only "
      "flag of a synapse variable is (event-driven)" },
    { "w : 1 (event-driven) x", "m.basalt: process 'syn' (Synapses): model, line 1, column 22: "
      "unexpected 'x'" },
    { "dw/dt = -w/tau : 1 (shared)", "m.basalt: process 'syn' (Synapses): model, line 1, "
      "column 20: the only flag of a synapse variable is (event-driven)" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) model = json_node_init_string (json_node_alloc (), cases[c].model);
      g_autofree char *model_json = json_to_string (model, FALSE);
      g_autofree char *json = g_strdup_printf (
        "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"syn\","
        " \"type\": \"Synapses\", \"shape\": [1, 2], \"synapses\": {\"model\": %s,"
        " \"on_pre\": \"ge += w\", \"on_post\": \"\"}}]}", model_json);
      g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "m.basalt", NULL, &error);

      g_assert_null (graph);
      g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
      if (!g_str_has_prefix (error->message, cases[c].message))
        g_error ("expected '%s...', got '%s'", cases[c].message, error->message);
    }
}

/* A bad statement names the process, the text, the line and the column. */
static void
test_bad_statement (void)
{
  static const struct { const char *on_pre, *message; } cases[] = {
    { "ge += w\\nw = clip(w + , 0, gmax)",
      "stdp.basalt: process 'syn' (Synapses): on_pre, line 2, column 14: expected a number, a name or '('" },
    { "ge += w\\nw = clamp(w, 0, gmax)",
      "stdp.basalt: process 'syn' (Synapses): on_pre, line 2, column 5: unknown function 'clamp'" },
    { "ge += w\\nApre = ge", "stdp.basalt: process 'syn' (Synapses): on_pre, line 2, column 8: the "
      "post-synaptic variable 'ge' can only be added to" },
    { "ge += w\\nlastupdate = t", "stdp.basalt: process 'syn' (Synapses): on_pre, line 2, "
      "column 1: 'lastupdate' is a reserved name" },
    { "ge = w", "stdp.basalt: process 'syn' (Synapses): on_pre, line 1, column 1: 'ge' is not a synapse "
      "variable" },
  };

  g_autofree char *deep = g_strnfill (100000, '(');
  g_autofree char *signs = g_strnfill (100000, '-');
  g_autofree char *deep_pre = g_strdup_printf ("ge += %sw", deep);
  g_autofree char *signs_pre = g_strdup_printf ("ge += %sw", signs);
  const char *nested[] = { deep_pre, signs_pre, "ge += w\\nw = clip(w", "ge += exp(" };

  for (guint c = 0; c < G_N_ELEMENTS (nested); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *json = stdp_network (NULL, nested[c]);
      g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "stdp.basalt", NULL, &error);

      g_assert_null (graph);
      g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
      g_assert_true (g_str_has_prefix (error->message, "stdp.basalt: process 'syn' (Synapses): on_pre, line "));
    }
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *json = stdp_network (NULL, cases[c].on_pre);
      g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "stdp.basalt", NULL, &error);

      g_assert_null (graph);
      g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
      if (!g_str_has_prefix (error->message, cases[c].message))
        g_error ("expected '%s...', got '%s'", cases[c].message, error->message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/synapses/stdp-brian2", test_stdp_brian2);
  g_test_add_func ("/synapses/connectivity", test_connectivity);
  g_test_add_func ("/synapses/round-trip", test_round_trip);
  g_test_add_func ("/synapses/bad-statement", test_bad_statement);
  g_test_add_func ("/synapses/bad-model", test_bad_model);
  return g_test_run ();
}
