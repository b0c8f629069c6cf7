/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "bsl-equations-type.h"
#include "test-util.h"

static BslGraph *
load_string (const char *json, GError **error)
{
  return bsl_graph_load_data (json, -1, "net.basalt", NULL, error);
}

static void
assert_graphs_equal (const BslGraph *a, const BslGraph *b)
{
  g_assert_cmpuint (bsl_graph_get_n_processes (a), ==, bsl_graph_get_n_processes (b));
  g_assert_cmpuint (bsl_graph_get_n_connections (a), ==, bsl_graph_get_n_connections (b));
  g_assert_cmpint (bsl_graph_get_run_tag (a), ==, bsl_graph_get_run_tag (b));
  g_assert_cmpint (bsl_graph_get_run_steps (a), ==, bsl_graph_get_run_steps (b));
  for (guint i = 0; i < bsl_graph_get_n_processes (a); i++)
    {
      const BslProcess *p = bsl_graph_get_process (a, i);
      const BslProcess *q = bsl_graph_get_process (b, i);
      const BslProcType *p_type = bsl_process_get_proc_type (p);
      const BslProcType *q_type = bsl_process_get_proc_type (q);
      double px, qx;

      g_assert_cmpstr (bsl_process_get_name (p), ==, bsl_process_get_name (q));
      g_assert_cmpstr (p_type->name, ==, q_type->name);
      g_assert_cmpuint (p_type->n_vars, ==, q_type->n_vars);
      if (bsl_proc_type_is_equations (p_type))
        {
          BslEquationsText x, y;

          g_assert_true (bsl_process_get_equations (p, &x) && bsl_process_get_equations (q, &y));
          g_assert_cmpstr (x.model, ==, y.model);
          g_assert_cmpstr (x.threshold, ==, y.threshold);
          g_assert_cmpstr (x.reset, ==, y.reset);
          g_assert_cmpstr (x.refractory, ==, y.refractory);
          g_assert_cmpstr (x.input, ==, y.input);
          g_assert_cmpstr (x.method, ==, y.method);
        }
      else
        g_assert_true (p_type == q_type);
      g_assert_cmpuint (bsl_process_get_ndim (p), ==, bsl_process_get_ndim (q));
      g_assert_cmpint (bsl_process_get_tag (p), ==, bsl_process_get_tag (q));
      bsl_process_get_position (p, &px, NULL);
      bsl_process_get_position (q, &qx, NULL);
      g_assert_cmpfloat (px, ==, qx);
      g_assert_cmpuint (bsl_process_get_n_params (p), ==, bsl_process_get_n_params (q));
      for (guint v = 0; v < p_type->n_vars; v++)
        g_assert_true (bsl_array_equal (bsl_process_get_param (p, p_type->vars[v].name),
                                        bsl_process_get_param (q, q_type->vars[v].name)));
    }
}

static void
test_examples_round_trip (void)
{
  const char *names[] = { "lif-bias.basalt", "ringbuffer-dense-lif.basalt", "ei-network.basalt",
                          "lif-as-equations.basalt", "stdp-learning.basalt",
                          "noisy-lif-equations.basalt" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = test_examples_path (names[i]);
      g_autofree char *dir = test_tmp_dir ();
      g_autofree char *saved = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(BslGraph) graph = bsl_graph_load_file (path, &error);
      g_autoptr(BslGraph) again = NULL;

      g_assert_no_error (error);
      g_assert_true (bsl_graph_save_file (graph, saved, &error));
      g_assert_no_error (error);
      again = bsl_graph_load_file (saved, &error);
      g_assert_no_error (error);
      assert_graphs_equal (graph, again);
      g_unlink (saved);
      g_rmdir (dir);
    }
}

static void
test_initializer_kept_and_deterministic (void)
{
  g_autofree char *path = test_examples_path ("ei-network.basalt");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) a = bsl_graph_load_file (path, &error);
  g_autoptr(BslGraph) b = bsl_graph_load_file (path, &error);
  const BslArray *wa = bsl_process_get_param (bsl_graph_find_process (a, "ee"), "weights");
  const BslArray *wb = bsl_process_get_param (bsl_graph_find_process (b, "ee"), "weights");
  g_autofree char *text = NULL;
  gsize nonzero = 0;

  g_assert_no_error (error);
  g_assert_true (bsl_array_equal (wa, wb));
  for (gsize k = 0; k < wa->n; k++)
    {
      nonzero += wa->data[k] != 0;
      g_assert_cmpfloat (wa->data[k], ==, round (wa->data[k]));
      g_assert_cmpfloat (wa->data[k], >=, 0);
      g_assert_cmpfloat (wa->data[k], <=, 24);
    }
  /* p = 0.05 of 640000 synapses */
  g_assert_cmpuint (nonzero, >, 28000);
  g_assert_cmpuint (nonzero, <, 36000);
  /* saved as the initializer, not 640000 numbers */
  text = bsl_graph_to_data (a, NULL);
  g_assert_nonnull (strstr (text, "\"init\" : \"uniform\""));
  g_assert_cmpuint (strlen (text), <, 20000);
}

static void
test_unknown_keys_preserved (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"future\": {\"a\": [1, 2]},"
    " \"processes\": [{\"name\": \"n\", \"type\": \"LIF\", \"shape\": [2], \"colour\": \"red\","
    "   \"params\": {\"vth\": 3}, \"ui\": {\"x\": 1.5, \"y\": 2, \"collapsed\": true}}],"
    " \"groups\": [{\"name\": \"g\", \"members\": [\"n\"]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = load_string (json, &error);
  g_autofree char *text = NULL;
  g_autoptr(BslGraph) again = NULL;
  double x;

  g_assert_no_error (error);
  text = bsl_graph_to_data (graph, NULL);
  g_assert_nonnull (strstr (text, "\"future\""));
  g_assert_nonnull (strstr (text, "\"colour\" : \"red\""));
  g_assert_nonnull (strstr (text, "\"collapsed\" : true"));
  g_assert_nonnull (strstr (text, "\"members\""));
  again = load_string (text, &error);
  g_assert_no_error (error);
  bsl_process_get_position (bsl_graph_get_process (again, 0), &x, NULL);
  g_assert_cmpfloat (x, ==, 1.5);
}

/* Text of the user's that looks like the saver's own placeholders for number lists (a control
 * character and a counter) is kept as text: it used to be replaced by a parameter's numbers. */
static void
test_user_text_like_placeholders_kept (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1,"
    " \"notes\": {\"\\u00010\": \"\\u00010\", \"\\u0001array-0:0\": [\"\\u00011\"]},"
    " \"processes\": [{\"name\": \"n\", \"type\": \"LIF\", \"shape\": [2],"
    "   \"params\": {\"bias_mant\": [0.5, 0.25]}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = load_string (json, &error);
  g_autofree char *text = NULL;
  g_autoptr(BslGraph) again = NULL;
  JsonObject *notes;

  g_assert_no_error (error);
  text = bsl_graph_to_data (graph, NULL);
  again = load_string (text, &error);
  g_assert_no_error (error);
  notes = json_node_get_object (json_object_get_member (bsl_graph_get_extra (again), "notes"));
  g_assert_cmpstr (json_object_get_string_member (notes, "\001" "0"), ==, "\001" "0");
  g_assert_true (json_object_has_member (notes, "\001" "array-0:0"));
  g_assert_true (bsl_array_equal (bsl_process_get_param (bsl_graph_get_process (graph, 0), "bias_mant"),
                                  bsl_process_get_param (bsl_graph_get_process (again, 0), "bias_mant")));
}

typedef struct
{
  const char *json;
  int         code;
  const char *needles[3];
} BadCase;

static void
test_bad_files (void)
{
  const BadCase cases[] = {
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [", BSL_ERROR_PARSE, { "net.basalt", "malformed JSON" } },
    { "{\"format\": \"basalt\", \"version\": 9}", BSL_ERROR_VERSION, { "net.basalt", "newer", "version 9" } },
    { "{\"version\": 1}", BSL_ERROR_PARSE, { "net.basalt", "format" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"x\", \"type\": \"Conv\"}]}",
      BSL_ERROR_UNKNOWN_TYPE, { "net.basalt", "'x'", "'Conv'" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"x\", \"type\": \"LIF\", \"params\": {\"tau\": 1}}]}",
      BSL_ERROR_UNKNOWN_PARAM, { "'x'", "'tau'", "vth" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"x\", \"type\": \"LIF\", \"shape\": [3], \"params\": {\"bias_mant\": [1, 2]}}]}",
      BSL_ERROR_SHAPE, { "'x'", "'bias_mant'", "(3,)" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"d\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": [[1, 2], [3]]}}]}",
      BSL_ERROR_SHAPE, { "'d'", "'weights'", "ragged" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"x\", \"type\": \"LIF\", \"params\": {\"vth\": \"high\"}}]}",
      BSL_ERROR_PARSE, { "'x'", "'vth'" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"x\", \"type\": \"LIF\"}], \"connections\": [{\"from\": \"x.s_out\", \"to\": \"y.a_in\"}]}",
      BSL_ERROR_CONNECTION, { "'y'" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"x\", \"type\": \"LIF\"}, {\"name\": \"x\", \"type\": \"LIF\"}]}",
      BSL_ERROR_NAME, { "'x'" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"d\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": {\"init\": \"gamma\"}}}]}",
      BSL_ERROR_PARSE, { "'d'", "'weights'", "gamma" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"d\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": {\"file\": \"missing.npy\"}}}]}",
      G_FILE_ERROR_NOENT, { "'d'", "missing.npy" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BslGraph) graph = load_string (cases[i].json, &error);

      g_assert_null (graph);
      g_assert_nonnull (error);
      g_assert_true (bsl_error_is_bad_input (error));
      g_assert_nonnull (strstr (error->message, "net.basalt"));
      for (guint k = 0; k < 3 && cases[i].needles[k] != NULL; k++)
        if (strstr (error->message, cases[i].needles[k]) == NULL)
          g_error ("case %u: '%s' is not in the message: %s", i, cases[i].needles[k], error->message);
    }
}

static void
test_npy_and_csv_initializers (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *npy = g_build_filename (dir, "w.npy", NULL);
  g_autofree char *csv = g_build_filename (dir, "w.csv", NULL);
  g_autoptr(BslArray) w = bsl_array_new_matrix (2, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autofree char *text = NULL;

  for (gsize k = 0; k < 6; k++)
    w->data[k] = (double) k - 2.5;
  g_assert_true (bsl_npy_save (w, npy, &error));
  g_file_set_contents (csv, "1,2,3\n4,5,6\n", -1, &error);
  g_assert_no_error (error);
  graph = bsl_graph_load_data ("{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
                               "{\"name\": \"a\", \"type\": \"Dense\", \"shape\": [2, 3], \"params\": {\"weights\": {\"file\": \"w.npy\"}}},"
                               "{\"name\": \"b\", \"type\": \"Dense\", \"shape\": [2, 3], \"params\": {\"weights\": {\"file\": \"w.csv\"}}}]}",
                               -1, "net.basalt", dir, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_array_equal (bsl_process_get_param (bsl_graph_find_process (graph, "a"), "weights"), w));
  g_assert_cmpfloat (bsl_process_get_param (bsl_graph_find_process (graph, "b"), "weights")->data[5], ==, 6);
  text = bsl_graph_to_data (graph, NULL);
  g_assert_nonnull (strstr (text, "\"file\" : \"w.npy\""));
  g_unlink (npy);
  g_unlink (csv);
  g_rmdir (dir);
}

static void
test_large_numbers_round_trip (void)
{
  /* json-glib alone writes 1e30 as "1e+30.0", which no JSON reader accepts */
  const double values[] = { 1e30, -2e20, 1.5e30, 123456789012345678.0, 0.1, -7 };
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  gsize three[1] = { G_N_ELEMENTS (values) };
  BslProcess *p = bsl_graph_add_process (graph, "CurrentSource", "c", 1, three, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(BslGraph) again = NULL;

  bsl_process_set_param (p, "amplitude", bsl_array_new_vector (three[0], values), &error);
  g_assert_no_error (error);
  text = bsl_graph_to_data (graph, NULL);
  again = bsl_graph_load_data (text, -1, "big.basalt", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_array_equal (bsl_process_get_param (bsl_graph_find_process (again, "c"), "amplitude"),
                                  bsl_process_get_param (p, "amplitude")));
}

static void
test_save_is_atomic (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "missing-dir", "net.basalt", NULL);
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (bsl_graph_save_file (graph, path, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

/* A network's probes: saved, loaded, copied, renamed and removed with their process, checked. */
static void
test_probes (void)
{
  static const char json[] =
    "{\"format\": \"basalt\", \"version\": 1,"
    " \"processes\": [{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [2], \"params\": {\"bias_mant\": 2}},"
    "                {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [2]}],"
    " \"connections\": [{\"from\": \"lif.s_out\", \"to\": \"mon.a_in\"}],"
    " \"probes\": [\"lif.v\", \"lif.s_out\"]}";
  static const char *const bad[][2] = {
    { "[\"lif\"]", "probes[0]: probe 'lif' must be written PROCESS.VAR" },
    { "[\"nobody.v\"]", "probes[0]: probe 'nobody.v': there is no process named 'nobody'" },
    { "[\"lif.v\", \"lif.w\"]", "probes[1]: probe 'lif.w': lif (LIF) has no Var or port named 'w'" },
    { "[\"lif.v\", \"lif.v\"]", "probes[1]: probe 'lif.v' is already recorded" },
    { "[3]", "probes[0] must be a \"PROCESS.VAR\" string" },
    { "\"lif.v\"", "\"probes\" must be a list" },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = load_string (json, &error);
  g_autoptr (BslGraph) again = NULL, copy = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) recorded = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (bsl_graph_get_n_probes (graph), ==, 2);
  recorded = bsl_graph_dup_recorded (graph);
  g_assert_cmpstrv (recorded, ((const char *const[]) { "mon.data", "lif.v", "lif.s_out", NULL }));
  text = bsl_graph_to_data (graph, NULL);
  again = load_string (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bsl_graph_get_probe (again, 0), ==, "lif.v");
  g_assert_cmpstr (bsl_graph_get_probe (again, 1), ==, "lif.s_out");

  copy = bsl_graph_copy (graph);
  g_assert_true (bsl_graph_rename_process (copy, "lif", "cell", &error));
  g_assert_true (bsl_graph_has_probe (copy, "cell.v"));
  g_assert_false (bsl_graph_has_probe (copy, "lif.v"));
  g_assert_true (bsl_graph_has_probe (graph, "lif.v"));
  g_assert_true (bsl_graph_remove_probe (copy, "cell.s_out"));
  g_assert_false (bsl_graph_remove_probe (copy, "cell.s_out"));
  g_assert_true (bsl_graph_remove_process (copy, "cell"));
  g_assert_cmpuint (bsl_graph_get_n_probes (copy), ==, 0);
  g_clear_pointer (&recorded, g_strfreev);
  g_assert_true (bsl_graph_remove_process (copy, "mon"));
  recorded = bsl_graph_dup_recorded (copy);
  g_assert_cmpstrv (recorded, ((const char *const[]) { NULL }));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *net = g_strdup_printf ("{\"format\": \"basalt\", \"version\": 1,"
                                              " \"processes\": [{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [1]}],"
                                              " \"probes\": %s}", bad[i][0]);
      g_autoptr (GError) local = NULL;
      g_autoptr (BslGraph) refused = load_string (net, &local);
      g_assert_null (refused);
      g_assert_nonnull (local);
      if (strstr (local->message, bad[i][1]) == NULL)
        g_error ("'%s' gave '%s', not '%s'", bad[i][0], local->message, bad[i][1]);
    }
}

/* `basalt run` without --probe records the Monitors, then the network's probes. */
static void
test_run_records_probes (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *net = g_build_filename (dir, "net.basalt", NULL);
  g_autofree char *csv = g_build_filename (dir, "run.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_autofree char *example = test_examples_path ("lif-bias.basalt");
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (example, &error);

  g_assert_no_error (error);
  g_assert_true (bsl_graph_add_probe (graph, "lif.v", &error));
  g_assert_true (bsl_graph_save_file (graph, net, &error));
  g_assert_cmpint (test_run_basalt (&out, &err, "run", net, "--steps", "2", "--out", csv, NULL), ==, 0);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "step,probe,index,value\n"
                   "1,lif.v,0,6400\n1,lif.v,1,3200\n1,lif.v,2,448\n"
                   "2,lif.v,0,0\n2,lif.v,1,6400\n2,lif.v,2,896\n");
  g_unlink (csv);
  g_unlink (net);
  g_rmdir (dir);
}

/* Large matrices are written compactly: rows on lines, mostly-zero ones as their non-zero
 * elements; numbers in their shortest exact form. Everything reads back exactly. */
static void
test_compact_numbers (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_new ();
  g_autoptr (BslGraph) again = NULL;
  gsize n = 40, dims[2] = { 60, 40 }, lines = 0;
  g_autoptr (BslArray) w = bsl_array_new (2, dims);
  g_autoptr (BslArray) dense = bsl_array_new (2, dims);
  g_autofree double *bias = g_new0 (double, n);
  g_autofree char *text = NULL;
  BslProcess *p;

  for (gsize k = 0; k < n; k++)
    bias[k] = k * 0.1;
  w->data[7] = 0.1;
  w->data[1234] = -2.5e-9;
  w->data[2399] = 1.0 / 3.0;
  for (gsize k = 0; k < dense->n; k++)
    dense->data[k] = (double) k / 7.0;
  p = bsl_graph_add_process (graph, "LIF", "lif", 1, &n, &error);
  g_assert_true (bsl_process_set_param (p, "bias_mant", bsl_array_new_vector (n, bias), &error));
  g_assert_true (bsl_process_set_param (p, "du", bsl_array_new_scalar (0.1), &error));
  p = bsl_graph_add_process (graph, "Dense", "sparse", 2, dims, &error);
  g_assert_true (bsl_process_set_param (p, "weights", bsl_array_copy (w), &error));
  p = bsl_graph_add_process (graph, "Dense", "dense", 2, dims, &error);
  g_assert_true (bsl_process_set_param (p, "weights", bsl_array_copy (dense), &error));
  g_assert_no_error (error);

  text = bsl_graph_to_data (graph, NULL);
  for (const char *c = text; *c != '\0'; c++)
    lines += *c == '\n';
  g_assert_cmpuint (lines, <, 200);   /* 2 400 + 2 400 + 40 numbers, one per line, were ~5 000 */
  g_assert_nonnull (strstr (text, "\"du\" : 0.1,"));
  g_assert_null (strstr (text, "0.10000000000000001"));
  g_assert_nonnull (strstr (text, "[0, 0.1, 0.2, 0.30000000000000004, 0.4,"));
  g_assert_nonnull (strstr (text, "{\"init\": \"sparse\", \"index\": [7, 1234, 2399],"));
  g_assert_nonnull (strstr (text, "\"value\": [0.1, -2.5e-09, 0.3333333333333333]}"));

  again = bsl_graph_load_data (text, -1, "compact.basalt", NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr (BslArray) got_w = bsl_process_dup_param_full (bsl_graph_find_process (again, "sparse"), "weights", NULL);
    g_autoptr (BslArray) got_dense = bsl_process_dup_param_full (bsl_graph_find_process (again, "dense"), "weights", NULL);
    g_autoptr (BslArray) got_bias = bsl_process_dup_param_full (bsl_graph_find_process (again, "lif"), "bias_mant", NULL);
    g_assert_true (bsl_array_equal (got_w, w));
    g_assert_true (bsl_array_equal (got_dense, dense));
    for (gsize k = 0; k < n; k++)
      g_assert_cmpfloat (got_bias->data[k], ==, bias[k]);
  }

  /* the sparse form written by hand is checked like any initializer */
  {
    static const char *const bad[][2] = {
      { "{\"init\": \"sparse\", \"index\": [0, 6], \"value\": [1, 2]}", "index[1] must be a whole number from 0 to 5" },
      { "{\"init\": \"sparse\", \"index\": [0], \"value\": [1, 2]}", "1 positions but 2 values" },
      { "{\"init\": \"sparse\", \"index\": [0], \"value\": [\"x\"]}", "value[0] must be a number" },
      { "{\"init\": \"sparse\"}", "needs the lists" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *json = g_strdup_printf (
          "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"d\", \"type\": \"Dense\","
          " \"shape\": [2, 3], \"params\": {\"weights\": %s}}]}", bad[i][0]);
        g_autoptr (GError) local = NULL;
        g_autoptr (BslGraph) refused = load_string (json, &local);
        g_assert_null (refused);
        if (strstr (local->message, bad[i][1]) == NULL)
          g_error ("'%s' gave '%s'", bad[i][0], local->message);
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/file/examples-round-trip", test_examples_round_trip);
  g_test_add_func ("/file/initializer-kept-and-deterministic", test_initializer_kept_and_deterministic);
  g_test_add_func ("/file/unknown-keys-preserved", test_unknown_keys_preserved);
  g_test_add_func ("/file/user-text-like-placeholders-kept", test_user_text_like_placeholders_kept);
  g_test_add_func ("/file/bad-files", test_bad_files);
  g_test_add_func ("/file/npy-and-csv-initializers", test_npy_and_csv_initializers);
  g_test_add_func ("/file/large-numbers-round-trip", test_large_numbers_round_trip);
  g_test_add_func ("/file/save-is-atomic", test_save_is_atomic);
  g_test_add_func ("/file/probes", test_probes);
  g_test_add_func ("/file/compact-numbers", test_compact_numbers);
  g_test_add_func ("/file/run-records-probes", test_run_records_probes);
  return g_test_run ();
}
