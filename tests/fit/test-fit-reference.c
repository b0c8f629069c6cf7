/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bsl-error.h"
#include "bsl-network-file.h"
#include "bsl-runtime.h"
#include "fit/bsl-reference.h"
#include "fit-case.h"
#include "test-util.h"

static char *tmp_dir;

static char *
trace_dir (const char *kind)
{
  return test_data_path ("reference", "traces", kind, NULL);
}

static char *
write_tmp (const char *name,
           const char *contents)
{
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
test_load_lava_traces (void)
{
  const char *kinds[] = { "fixed", "float" };
  guint n_cases = 0;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *dir_path = trace_dir (kinds[k]);
      g_autoptr(GDir) dir = NULL;
      const char *name;

      dir = g_dir_open (dir_path, 0, NULL);
      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *csv = NULL, *json = NULL, *base = NULL, *text = NULL;
          g_autoptr(JsonParser) parser = json_parser_new ();
          g_autoptr(BslReference) ref = NULL;
          g_autoptr(GError) error = NULL;
          JsonObject *root, *spec;

          if (!g_str_has_suffix (name, ".csv"))
            continue;
          csv = g_build_filename (dir_path, name, NULL);
          base = g_strndup (name, strlen (name) - 4);
          json = g_strdup_printf ("%s/%s.json", dir_path, base);
          g_assert_true (json_parser_load_from_file (parser, json, NULL));
          root = json_node_get_object (json_parser_get_root (parser));
          spec = json_object_get_object_member (root, "spec");

          ref = bsl_reference_load (csv, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (ref->n_steps, ==, json_object_get_int_member (spec, "steps"));
          g_assert_cmpuint (ref->n_neurons, ==,
                            json_object_get_int_member (json_object_get_object_member (spec, "neuron"), "n"));
          for (guint v = 0; v < BSL_REF_N_VARS; v++)
            g_assert_true (bsl_reference_has_var (ref, v));
          g_assert_cmpuint (bsl_reference_count_spikes (ref, -1), ==,
                            json_object_get_int_member (root, "total_spikes"));
          text = bsl_reference_describe (ref);
          g_assert_true (strstr (text, "a_in, u, v, spike") != NULL);
          n_cases++;
        }
    }
  g_assert_cmpuint (n_cases, >=, 15);
}

/* A bad reference: the load fails with a bad-input error whose message contains every piece. */
static void
assert_load_fails (const char *name,
                   const char *contents,
                   const char *var,
                   const char *const *pieces)
{
  g_autofree char *path = write_tmp (name, contents);
  g_autoptr(GError) error = NULL;
  g_autoptr(BslReference) ref = bsl_reference_load (path, var, &error);

  g_assert_null (ref);
  g_assert_nonnull (error);
  g_assert_true (bsl_error_is_bad_input (error));
  g_assert_true (strstr (error->message, name) != NULL);
  for (guint i = 0; pieces[i] != NULL; i++)
    if (strstr (error->message, pieces[i]) == NULL)
      g_error ("message '%s' lacks '%s'", error->message, pieces[i]);
}

static void
test_malformed (void)
{
  assert_load_fails ("missing.csv", "step,neuron,a_in\n1,0,0\n", NULL,
                     (const char *[]) { "line 1", "none of 'u', 'v', 'spike'", NULL });
  assert_load_fails ("missing2.csv", "step,a_in,u,v,spike\n1,0,0,0,0\n", NULL,
                     (const char *[]) { "line 1", "missing column 'neuron'", NULL });
  assert_load_fails ("nostep.csv", "neuron,u,v,spike\n0,0,0,0\n", NULL,
                     (const char *[]) { "missing column 'step'", NULL });
  assert_load_fails ("nan.csv",
                     "step,neuron,a_in,u,v,spike\n1,0,0,0,0,0\n1,1,0,0,0,0\n2,0,0,0,nan,0\n2,1,0,0,0,0\n",
                     NULL, (const char *[]) { "line 4", "column 5 (v)", "nan", NULL });
  assert_load_fails ("text.csv",
                     "step,neuron,a_in,u,v,spike\n1,0,0,abc,0,0\n", NULL,
                     (const char *[]) { "line 2", "column 4 (u)", "not a number", NULL });
  assert_load_fails ("ragged.csv",
                     "step,neuron,a_in,u,v,spike\n1,0,0,0,0,0\n1,1,0,0,0\n", NULL,
                     (const char *[]) { "line 3", "ragged", "5 fields", "6", NULL });
  assert_load_fails ("neurons.csv",
                     "step,neuron,u,v,spike\n1,0,0,0,0\n1,1,0,0,0\n2,0,0,0,0\n3,0,0,0,0\n3,1,0,0,0\n",
                     NULL, (const char *[]) { "wrong neuron count", "step 2", "neuron 1", NULL });
  assert_load_fails ("twice.csv",
                     "step,neuron,u,v,spike\n1,0,0,0,0\n1,0,0,0,0\n", NULL,
                     (const char *[]) { "line 3", "already given on line 2", NULL });
  assert_load_fails ("empty.csv", "", NULL, (const char *[]) { "empty", NULL });
  assert_load_fails ("wide_v.csv", "step,v_0,v_1\n1,0,0\n2,5\n", NULL,
                     (const char *[]) { "line 3", "ragged", NULL });
  assert_load_fails ("wide_u.csv", "step,u_0,u_1\n1,0,0\n2,5,inf\n", NULL,
                     (const char *[]) { "line 3", "column 3 (u_1)", "finite", NULL });
  assert_load_fails ("wide.csv", "1,2\n3,4\n", NULL,
                     (const char *[]) { "cannot tell which variable", NULL });
  assert_load_fails ("wide2.csv", "1,2\n3,4\n", "w",
                     (const char *[]) { "unknown variable 'w'", NULL });
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslReference) ref = bsl_reference_load ("/nonexistent/ref.csv", NULL, &error);

  g_assert_null (ref);
  g_assert_true (bsl_error_is_bad_input (error));
  g_assert_true (strstr (error->message, "/nonexistent/ref.csv") != NULL);
}

static void
test_wide_and_merge (void)
{
  g_autofree char *v_path = write_tmp ("lif1_v.csv", "0,10\n20,30\n40,50\n");
  g_autofree char *u_path = write_tmp ("u.csv", "step,u_0,u_1\n1,1,2\n2,3,4\n3,5,6\n");
  g_autofree char *bad_path = write_tmp ("v3.csv", "step,v_0,v_1,v_2\n1,1,2,3\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslReference) v = bsl_reference_load (v_path, NULL, &error);
  g_autoptr(BslReference) u = NULL;
  g_autoptr(BslReference) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (v->n_steps, ==, 3);
  g_assert_cmpuint (v->n_neurons, ==, 2);
  g_assert_true (bsl_reference_has_var (v, BSL_REF_V));
  g_assert_false (bsl_reference_has_var (v, BSL_REF_U));
  g_assert_cmpfloat (v->data[BSL_REF_V][2 * 2 + 1], ==, 50.0);

  u = bsl_reference_load (u_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_reference_merge (v, u, &error));
  g_assert_no_error (error);
  g_assert_true (bsl_reference_has_var (v, BSL_REF_U));
  g_assert_cmpfloat (v->data[BSL_REF_U][1 * 2 + 0], ==, 3.0);

  bad = bsl_reference_load (bad_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (bsl_reference_merge (v, bad, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_SHAPE);
  g_assert_true (strstr (error->message, "wrong neuron count") != NULL);
  g_clear_error (&error);

  g_assert_false (bsl_reference_check_neurons (v, 3, "lif1", &error));
  g_assert_true (strstr (error->message, "lif1") != NULL);
  g_assert_true (strstr (error->message, "2 neurons") != NULL);
  g_assert_true (bsl_reference_check_neurons (v, 2, "lif1", NULL));
}

static void
test_npy (void)
{
  gsize dims[2] = { 4, 3 };
  g_autoptr(BslArray) array = bsl_array_new (2, dims);
  g_autofree char *path = g_build_filename (tmp_dir, "monitor_v.npy", NULL);
  g_autofree char *spikes_path = g_build_filename (tmp_dir, "lif1_s_out.npy", NULL);
  g_autoptr(BslReference) spikes = NULL;
  g_autofree char *nan_path = g_build_filename (tmp_dir, "nan_u.npy", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BslReference) ref = NULL;
  g_autoptr(BslReference) bad = NULL;

  for (gsize k = 0; k < array->n; k++)
    array->data[k] = k * 1.5;
  g_assert_true (bsl_npy_save (array, path, &error));
  g_assert_no_error (error);
  ref = bsl_reference_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ref->n_steps, ==, 4);
  g_assert_cmpuint (ref->n_neurons, ==, 3);
  g_assert_true (bsl_reference_has_var (ref, BSL_REF_V));
  g_assert_cmpfloat (ref->data[BSL_REF_V][2 * 3 + 1], ==, 7 * 1.5);

  /* Lava's name for the spike OutPort. */
  g_assert_true (bsl_npy_save (array, spikes_path, &error));
  spikes = bsl_reference_load (spikes_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_reference_has_var (spikes, BSL_REF_SPIKE));

  array->data[5] = NAN;
  g_assert_true (bsl_npy_save (array, nan_path, &error));
  bad = bsl_reference_load (nan_path, NULL, &error);
  g_assert_null (bad);
  g_assert_true (bsl_error_is_bad_input (error));
  g_assert_true (strstr (error->message, "nan_u.npy") != NULL);
  g_assert_true (strstr (error->message, "step 2") != NULL);
  g_assert_true (strstr (error->message, "neuron 2") != NULL);
}

/* What `basalt run --out` writes is a reference too: the probes of one process. */
static void
test_basalt_run_csv (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"drive\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [10, 14]}},"
    "{\"name\": \"iz\", \"type\": \"Izhikevich\", \"shape\": [2]},"
    "{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [3], \"params\": {\"du\": 0.1, \"dv\": 0.1, \"vth\": 10, \"bias_mant\": 1}}],"
    "\"connections\": [{\"from\": \"drive.a_out\", \"to\": \"iz.a_in\"}]}";
  const char *targets[] = { "iz.v", "iz.u", "iz.s_out", "iz.a_in", "lif.v", "drive.a_out" };
  BslRefVar vars[] = { BSL_REF_V, BSL_REF_U, BSL_REF_SPIKE, BSL_REF_A_IN };
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_data (json, -1, "iz.basalt", NULL, &error);
  g_autoptr(BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr(BslRuntime) runtime = NULL;
  g_autoptr(BslReference) ref = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "run.csv", NULL);
  BslProbe *probes[G_N_ELEMENTS (targets)];

  g_assert_no_error (error);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (guint p = 0; p < G_N_ELEMENTS (targets); p++)
    {
      probes[p] = bsl_runtime_add_probe (runtime, targets[p], BSL_PROBE_RECORD, 0, &error);
      g_assert_no_error (error);
    }
  bsl_runtime_run (runtime, 400);
  g_assert_true (bsl_runtime_write_csv (runtime, path, &error));
  g_assert_no_error (error);

  /* two neuron processes: which one must be said */
  g_assert_null (bsl_reference_load (path, NULL, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "several neuron processes (iz, lif)"));
  g_clear_error (&error);
  g_assert_null (bsl_reference_load (path, "izh", &error));
  g_assert_nonnull (strstr (error->message, "no probe of u, v or s_out of a process 'izh' (the file has: iz, lif)"));
  g_clear_error (&error);

  ref = bsl_reference_load (path, "iz", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ref->n_steps, ==, 400);
  g_assert_cmpuint (ref->n_neurons, ==, 2);
  for (guint v = 0; v < G_N_ELEMENTS (vars); v++)
    for (gsize t = 0; t < 400; t++)
      for (gsize i = 0; i < 2; i++)
        g_assert_cmpfloat (ref->data[vars[v]][t * 2 + i], ==, bsl_probe_get_row (probes[v], t)[i]);
  g_assert_cmpuint (bsl_reference_count_spikes (ref, -1), >, 5);
  g_assert_cmpuint (bsl_reference_count_spikes (ref, -1), ==, bsl_reference_count_spikes (ref, 0) +
                                                              bsl_reference_count_spikes (ref, 1));
}

static void
test_basalt_run_csv_malformed (void)
{
  assert_load_fails ("run-header.csv", "step,probe,idx,value\n1,n.v,0,1\n", NULL,
                     (const char *[]) { "line 1", "step,probe,index,value", NULL });
  assert_load_fails ("run-none.csv", "step,probe,index,value\n1,n.w,0,1\n", NULL,
                     (const char *[]) { "no probe of u, v or s_out", NULL });
  assert_load_fails ("run-gap.csv",
                     "step,probe,index,value\n1,n.v,0,1\n1,n.v,1,1\n2,n.v,0,1\n", NULL,
                     (const char *[]) { "no value of n.v index 1 at step 2", NULL });
  assert_load_fails ("run-twice.csv",
                     "step,probe,index,value\n1,n.v,0,1\n1,n.v,0,2\n", NULL,
                     (const char *[]) { "line 3", "step 1, n.v index 0 was already given on line 2", NULL });
  assert_load_fails ("run-sizes.csv",
                     "step,probe,index,value\n1,n.v,0,1\n1,n.v,1,1\n1,n.s_out,0,0\n", NULL,
                     (const char *[]) { "n.s_out has 1 elements but other probes of n have 2", NULL });
  assert_load_fails ("run-value.csv", "step,probe,index,value\n1,n.v,0,inf\n", NULL,
                     (const char *[]) { "line 2", "column 4 (value)", NULL });
  assert_load_fails ("run-step.csv", "step,probe,index,value\n0,n.v,0,1\n", NULL,
                     (const char *[]) { "line 2", "column 1 (step)", "integer >= 1", NULL });
}

/* A population of a network simulated as a reference holds what a run of the network records:
 * its input, u, v and spikes; a floating-only type runs as floating_pt in a fixed_pt network. */
static void
test_from_network (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 300}, \"processes\": ["
    "{\"name\": \"drive\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [10, 14]}},"
    "{\"name\": \"iz\", \"type\": \"Izhikevich\", \"shape\": [2]}],"
    "\"connections\": [{\"from\": \"drive.a_out\", \"to\": \"iz.a_in\"}]}";
  static const struct { const char *var; BslRefVar ref; } vars[] = {
    { "a_in", BSL_REF_A_IN }, { "u", BSL_REF_U }, { "v", BSL_REF_V }, { "s_out", BSL_REF_SPIKE },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_data (json, -1, "iz.basalt", NULL, &error);
  g_autoptr(BslReference) ref = NULL;
  g_autoptr(BslRunConfig) config = bsl_run_config_new (BSL_TAG_FIXED_PT);
  g_autoptr(BslRuntime) runtime = NULL;
  BslProbe *probes[G_N_ELEMENTS (vars)];

  g_assert_no_error (error);
  ref = bsl_reference_from_network (graph, "iz", 300, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ref->n_steps, ==, 300);
  g_assert_cmpuint (ref->n_neurons, ==, 2);
  g_assert_cmpuint (bsl_reference_count_spikes (ref, -1), >, 5);

  bsl_run_config_set_override (config, "iz", BSL_TAG_FLOATING_PT);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (vars); k++)
    {
      g_autofree char *target = g_strdup_printf ("iz.%s", vars[k].var);

      probes[k] = bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, &error);
      g_assert_no_error (error);
    }
  bsl_runtime_run (runtime, 300);
  for (guint k = 0; k < G_N_ELEMENTS (vars); k++)
    for (gsize t = 0; t < 300; t++)
      for (gsize i = 0; i < 2; i++)
        g_assert_cmpfloat (ref->data[vars[k].ref][t * 2 + i], ==, bsl_probe_get_row (probes[k], t)[i]);

  g_assert_null (bsl_reference_from_network (graph, "drive", 300, &error));
  g_assert_nonnull (strstr (error->message, "'drive' (CurrentSource) is not a neuron population"));
  g_clear_error (&error);
  g_assert_null (bsl_reference_from_network (graph, "iz", 0, &error));
  g_assert_nonnull (strstr (error->message, "at least one step"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("basalt-fit-ref-XXXXXX", NULL);
  g_test_add_func ("/fit/reference/lava-traces", test_load_lava_traces);
  g_test_add_func ("/fit/reference/malformed", test_malformed);
  g_test_add_func ("/fit/reference/missing-file", test_missing_file);
  g_test_add_func ("/fit/reference/wide-and-merge", test_wide_and_merge);
  g_test_add_func ("/fit/reference/npy", test_npy);
  g_test_add_func ("/fit/reference/basalt-run-csv", test_basalt_run_csv);
  g_test_add_func ("/fit/reference/basalt-run-csv-malformed", test_basalt_run_csv_malformed);
  g_test_add_func ("/fit/reference/from-network", test_from_network);
  status = g_test_run ();
  fit_remove_tmp_dir (tmp_dir, FALSE);
  g_free (tmp_dir);
  return status;
}
