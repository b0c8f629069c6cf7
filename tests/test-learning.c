/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plastic synapses: NumPy's generator as Lava draws from it, the rule grammar, and every Lava
 * learning trace in tests/data/learning (made by Lava 0.11 itself). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-kernel-numpy-random.h"
#include "bsl-learning-rule.h"
#include "test-util.h"

static JsonObject *
load_json_object (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "learning", name, NULL);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* numpy-rng.json: one generator per seed and kind of call, each advanced one call at a time. */
static void
test_numpy_random (void)
{
  g_autoptr(JsonObject) root = load_json_object ("numpy-rng.json");
  JsonObject *doubles = json_object_get_object_member (root, "random");
  JsonObject *integers = json_object_get_object_member (root, "integers_0_128");
  g_autoptr(GList) seeds = json_object_get_members (doubles);
  guint checked = 0;

  for (GList *l = seeds; l != NULL; l = l->next)
    {
      guint64 seed = g_ascii_strtoull (l->data, NULL, 10);
      JsonArray *want_doubles = json_object_get_array_member (doubles, l->data);
      JsonArray *want_ints = json_object_get_array_member (integers, l->data);
      BslNumpyRandom rd, ri;

      bsl_numpy_random_init (&rd, seed);
      bsl_numpy_random_init (&ri, seed);
      for (guint k = 0; k < json_array_get_length (want_doubles); k++)
        {
          JsonObject *draw = json_array_get_object_element (want_doubles, k);
          double want = g_ascii_strtod (json_object_get_string_member (draw, "bits"), NULL);
          double got = bsl_numpy_random_double (&rd);

          if (got != want)
            g_error ("seed %s, random() draw %u: got %a, want %a", (char *) l->data, k, got, want);
          checked++;
        }
      for (guint k = 0; k < json_array_get_length (want_ints); k++)
        {
          gint64 want = json_array_get_int_element (want_ints, k);
          gint64 got = bsl_numpy_random_integers (&ri, 128);

          if (got != want)
            g_error ("seed %s, integers(0, 128) draw %u: got %" G_GINT64_FORMAT ", want %"
                     G_GINT64_FORMAT, (char *) l->data, k, got, want);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 14 * 128);
}

/* ---- Lava's traces ---- */

typedef struct
{
  gint64  step;
  char   *probe;
  gsize   index;
  double  value;
} TraceRow;

static void
trace_row_clear (gpointer data)
{
  g_free (((TraceRow *) data)->probe);
}

/* Rows of a `step,probe,index,value` text. */
static GArray *
parse_csv (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (TraceRow));

  g_array_set_clear_func (rows, trace_row_clear);
  for (guint k = 1; lines[k] != NULL; k++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[k], ",", 4);
      TraceRow row;

      if (g_strv_length (cells) != 4)
        continue;
      row.step = g_ascii_strtoll (cells[0], NULL, 10);
      row.probe = g_strdup (cells[1]);
      row.index = g_ascii_strtoull (cells[2], NULL, 10);
      row.value = g_ascii_strtod (cells[3], NULL);
      g_array_append_val (rows, row);
    }
  return rows;
}

static GArray *
read_trace_csv (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "learning", "traces", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return parse_csv (text);
}

static gboolean
values_agree (double got, double want, gboolean exact)
{
  if (isnan (want))
    return isnan (got);
  return exact ? got == want : fabs (got - want) <= 1e-9 * MAX (1.0, fabs (want));
}

/* Runs one case of tests/data/learning/traces and compares every value at every step. */
static void
run_trace_case (gconstpointer data)
{
  const char *name = data;
  g_autofree char *json_name = g_strdup_printf ("%s.json", name);
  g_autofree char *csv_name = g_strdup_printf ("%s.csv", name);
  g_autofree char *json_path = g_build_filename ("traces", json_name, NULL);
  g_autoptr(JsonObject) root = load_json_object (json_path);
  JsonObject *spec = json_object_get_object_member (root, "spec");
  const char *tag_name = json_object_get_string_member (spec, "tag");
  g_autofree char *network = test_learning_case_network (spec);
  g_autoptr(GArray) rows = read_trace_csv (csv_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) probes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(BslGraph) graph = bsl_graph_load_data (network, -1, "case.basalt", NULL, &error);
  g_autoptr(BslRunConfig) config = NULL;
  g_autoptr(BslRuntime) runtime = NULL;
  BslTag tag;
  gsize compared = 0;

  g_assert_no_error (error);
  g_assert_true (bsl_tag_from_string (tag_name, &tag));
  config = bsl_run_config_new (tag);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < rows->len; k++)
    {
      const char *target = g_array_index (rows, TraceRow, k).probe;
      if (!g_hash_table_contains (probes, target))
        {
          BslProbe *probe = bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, &error);
          g_assert_no_error (error);
          g_hash_table_insert (probes, (gpointer) target, probe);
        }
    }
  bsl_runtime_run (runtime, json_object_get_int_member (spec, "steps"));
  for (guint k = 0; k < rows->len; k++)
    {
      TraceRow *row = &g_array_index (rows, TraceRow, k);
      BslProbe *probe = g_hash_table_lookup (probes, row->probe);
      double got = bsl_probe_get_row (probe, row->step - 1)[row->index];

      if (!values_agree (got, row->value, tag == BSL_TAG_FIXED_PT))
        g_error ("%s: %s[%" G_GSIZE_FORMAT "] at step %" G_GINT64_FORMAT ": got %.17g, Lava %.17g",
                 name, row->probe, row->index, row->step, got, row->value);
      compared++;
    }
  g_assert_cmpuint (compared, >, 1000);
}

static void run_c_export_case (gconstpointer data);

/* The returned names are the cases' data: free them after g_test_run (). */
static GPtrArray *
add_trace_cases (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "learning", "traces", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".json"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - strlen (".json")));
  g_assert_cmpuint (names->len, >=, 4);
  for (guint k = 0; k < names->len; k++)
    {
      g_autofree char *path = g_strdup_printf ("/learning/lava-trace/%s", (char *) names->pdata[k]);
      g_autofree char *c_path = g_strdup_printf ("/learning/c-export/%s", (char *) names->pdata[k]);
      g_test_add_data_func (path, names->pdata[k], run_trace_case);
      g_test_add_data_func (c_path, names->pdata[k], run_c_export_case);
    }
  return names;
}

/* ---- the rule grammar ---- */

/* Strings Lava refuses are refused with the column of the fault and the reason. */
static void
test_rule_errors (void)
{
  const struct { const char *text; int column; const char *reason; } cases[] = {
    { "x0*y1 + q*y0", 9, "unknown symbol 'q'" },
    { "x0 * (x1 + 2", 6, "missing closing bracket" },
    { "x1*y1", 1, "no dependency" },
    { "x0*sgn(x1)", 4, "sgn(...) applies only to w, d or t" },
    { "x0*(u1+1)", 4, "u<k> cannot be a factor" },
    { "9*x0", 1, "not m * 2^e" },
    { "x0*2^9", 1, "exponent" },
    { "y0*(x1+)", 4, "cannot be read as [+|-]var[+|-]const" },
    { "", 1, "missing" },
    { "u1*x1 - u2*y1", 9, "different k" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      BslLearningSeries series;
      g_autoptr(GError) error = NULL;

      g_assert_false (bsl_learning_series_parse (cases[k].text, &series, &error));
      g_assert_nonnull (error);
      if (bsl_learning_error_column (error) != cases[k].column ||
          strstr (error->message, cases[k].reason) == NULL)
        g_error ("'%s': got \"%s\", want column %d and \"%s\"", cases[k].text, error->message,
                 cases[k].column, cases[k].reason);
    }
}

/* What Lava accepts, read as Lava's ProductSeries reads it. */
static void
test_rule_products (void)
{
  BslLearningSeries series;
  g_autoptr(GError) error = NULL;
  const BslKProduct *p;

  g_assert_true (bsl_learning_series_parse ("-x0*(-x1-3) + 2*2^3*y0*sgn(-w) + 16*u3", &series, &error));
  g_assert_no_error (error);
  g_assert_cmpint (series.n_products, ==, 3);
  p = &series.products[0];
  g_assert_cmpint (p->dependency, ==, BSL_K_SYM_X0);
  g_assert_cmpint (p->s_mantissa, ==, 1);
  g_assert_cmpint (p->s_exp, ==, 7);
  g_assert_cmpint (p->n_factors, ==, 1);
  g_assert_cmpint (p->factors[0].sym, ==, BSL_K_SYM_X1);
  g_assert_cmpfloat (p->factors[0].constant, ==, 3);
  p = &series.products[1];
  g_assert_cmpint (p->dependency, ==, BSL_K_SYM_Y0);
  g_assert_cmpint (p->s_mantissa, ==, 2);
  g_assert_cmpint (p->s_exp, ==, 10);
  g_assert_true (p->factors[0].is_sgn);
  p = &series.products[2];
  g_assert_cmpint (p->dependency, ==, BSL_K_SYM_U);
  g_assert_cmpint (p->s_mantissa, ==, 4);
  g_assert_cmpint (p->s_exp, ==, 9);
  g_assert_cmpint (series.decimate_exponent, ==, 3);
  bsl_learning_series_clear (&series);
}

static const char *plastic_network =
  "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
  "{\"name\": \"pre\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[1, 0, 1, 0], [0, 1, 1, 0]]}},"
  "{\"name\": \"syn\", \"type\": \"LearningDense\", \"shape\": [1, 2], \"params\": {\"weights\": [[60, 40]],"
  " \"learning_rule\": {\"type\": \"Loihi2FLearningRule\", \"dw\": \"2^-2*x1*y0 - 2^-3*y1*x0\","
  " \"x1_impulse\": 16, \"x1_tau\": 10, \"y1_impulse\": 16, \"y1_tau\": 10, \"t_epoch\": 1, \"rng_seed\": 3}}},"
  "{\"name\": \"post\", \"type\": \"LIF\", \"shape\": [1], \"params\": {\"du\": 4095, \"dv\": 0, \"vth\": 50}}],"
  "\"connections\": [{\"from\": \"pre.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"syn.a_out\", \"to\": \"post.a_in\"},"
  " {\"from\": \"post.s_out\", \"to\": \"syn.s_in_bap\"}], \"run\": {\"tag\": \"fixed_pt\"}}";

/* The rule survives a save and a load, and a broken rule in a file is refused with its place. */
static void
test_file_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_data (plastic_network, -1, "plastic.basalt", NULL, &error);
  g_autofree char *saved = NULL;
  g_autoptr(BslGraph) again = NULL;
  g_autofree char *broken = NULL;
  const BslLearningRule *rule;

  g_assert_no_error (error);
  saved = bsl_graph_to_data (graph, NULL);
  again = bsl_graph_load_data (saved, -1, "saved.basalt", NULL, &error);
  g_assert_no_error (error);
  rule = bsl_process_get_learning_rule (bsl_graph_find_process (again, "syn"));
  g_assert_nonnull (rule);
  g_assert_true (bsl_learning_rule_equal (rule, bsl_process_get_learning_rule (bsl_graph_find_process (graph, "syn"))));
  g_assert_cmpstr (rule->text[BSL_K_TARGET_W], ==, "2^-2*x1*y0 - 2^-3*y1*x0");
  g_assert_cmpint (rule->rng_seed, ==, 3);

  broken = g_strdup (plastic_network);
  memcpy (strstr (broken, "y1*x0"), "z1*x0", 5);
  g_clear_pointer (&again, bsl_graph_unref);
  again = bsl_graph_load_data (broken, -1, "broken.basalt", NULL, &error);
  g_assert_null (again);
  g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
  if (strstr (error->message, "process 'syn' (LearningDense): learning_rule: dw: column 19: "
              "unknown symbol 'z'") == NULL)
    g_error ("%s", error->message);
}

/* basalt run records learning Vars like any other. */
static void
test_cli_probes (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "plastic.basalt", NULL);
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_file_set_contents (path, plastic_network, -1, &error);
  g_assert_no_error (error);
  status = test_run_basalt (&out, &err, "run", path, "--steps", "4", "--tag", "fixed_pt",
                            "--probe", "syn.weights", "--probe", "syn.x1", "--out", csv, NULL);
  g_assert_cmpint (status, ==, 0);
  g_file_get_contents (csv, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "1,syn.weights,0,60\n"));
  g_assert_nonnull (strstr (text, "1,syn.x1,1,0\n"));
  /* pre 0 spikes at step 1: its x1 holds the impulse (16) at the end of the epoch. */
  g_assert_nonnull (strstr (text, "1,syn.x1,0,16\n"));
  g_assert_nonnull (strstr (text, "4,syn.weights,1,"));
}

/* ---- exports ---- */

/* The Lava script builds a LearningDense with the same rule object; with Lava at hand
 * (BASALT_LAVA_PYTHONPATH), the script run in Lava records Lava's own trace of the case. */
static void
test_lava_export (void)
{
  g_autoptr(JsonObject) root = load_json_object ("traces/l03_rule_string_epoch2_fixed.json");
  g_autofree char *network = test_learning_case_network (json_object_get_object_member (root, "spec"));
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *net = g_build_filename (dir, "case.basalt", NULL);
  g_autofree char *script = g_build_filename (dir, "case.py", NULL);
  g_autofree char *prefix = g_build_filename (dir, "lava", NULL);
  g_autofree char *csv = g_strconcat (prefix, ".csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL, *lava_text = NULL;
  const char *pythonpath = g_getenv ("BASALT_LAVA_PYTHONPATH");
  g_autoptr(GArray) rows = read_trace_csv ("l03_rule_string_epoch2_fixed.csv");
  g_autoptr(GError) error = NULL;
  gsize checked = 0;

  /* The case's probes become the network's, so the script records them. */
  {
    g_autoptr(GString) with_probes = g_string_new (network);
    g_string_truncate (with_probes, with_probes->len - 1);
    g_string_append (with_probes, ", \"probes\": [\"syn.weights\", \"syn.x1\", \"syn.x2\", "
                     "\"syn.y1\", \"post.s_out\"], \"run\": {\"tag\": \"fixed_pt\", \"steps\": 240}}");
    g_file_set_contents (net, with_probes->str, -1, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (test_run_basalt (&out, &err, "export", net, "--format", "lava", "-o", script,
                                    NULL), ==, 0);
  g_file_get_contents (script, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "from lava.proc.dense.process import LearningDense"));
  g_assert_nonnull (strstr (text, "learning_rule=Loihi2FLearningRule(dw='2^-2*x1*y0 - 2^-3*y1*x0 "
                                  "+ 2^-4*x2*y0', x1_impulse=24, x1_tau=8, x2_impulse=12, x2_tau=30, "
                                  "y1_impulse=20, y1_tau=12"));
  g_assert_nonnull (strstr (text, "t_epoch=2, rng_seed=5)"));
  if (pythonpath == NULL || *pythonpath == '\0')
    {
      g_test_skip ("BASALT_LAVA_PYTHONPATH is not set: the script is not run in Lava");
      return;
    }
  {
    const char *argv[] = { "/usr/bin/python3", script, "--out", prefix, NULL };
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "PYTHONPATH", pythonpath, TRUE);
    int status;

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_spawn_sync (dir, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the exported script failed in Lava:\n%s", err);
  }
  g_file_get_contents (csv, &lava_text, NULL, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < rows->len; k++)
    {
      TraceRow *row = &g_array_index (rows, TraceRow, k);
      g_autofree char *line = NULL;

      if (g_str_equal (row->probe, "post.v"))
        continue;
      line = g_strdup_printf ("\n%" G_GINT64_FORMAT ",%s,%" G_GSIZE_FORMAT ",%.17g\n", row->step,
                              row->probe, row->index, row->value);
      if (strstr (lava_text, line) == NULL)
        g_error ("the script run in Lava has no row%s", line);
      checked++;
    }
  g_assert_cmpuint (checked, >, 3000);
}

/* Exports the small plastic network; returns the exit status, the path written and stderr. */
static int
export_plastic (const char *format, char **written, char **err)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "plastic.basalt", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  *written = g_build_filename (dir, "plastic.out", NULL);
  g_file_set_contents (path, plastic_network, -1, &error);
  g_assert_no_error (error);
  return test_run_basalt (&out, err, "export", path, "--format", format, "-o", *written, NULL);
}

/* NIR has no learning: the connection is written with its current weights, and the report
 * says so; the post-synaptic spikes that drive learning are no edge. */
static void
test_nir_export (void)
{
  g_autofree char *nir = NULL, *err = NULL;

  g_assert_cmpint (export_plastic ("nir", &nir, &err), ==, 0);
  g_assert_nonnull (strstr (err, "syn (LearningDense): NIR has no learning; its current weights "
                                 "were exported"));
  g_assert_true (g_file_test (nir, G_FILE_TEST_EXISTS));
}

/* The standalone C program learns as the engine does: every Lava case, exported, compiled
 * with the system compiler and run, records Lava's trace. */
static void
run_c_export_case (gconstpointer data)
{
  const char *name = data;
  g_autofree char *json_path = g_strdup_printf ("traces/%s.json", name);
  g_autofree char *csv_name = g_strdup_printf ("%s.csv", name);
  g_autoptr(JsonObject) root = load_json_object (json_path);
  JsonObject *spec = json_object_get_object_member (root, "spec");
  g_autofree char *network = test_learning_case_network (spec);
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *net = g_build_filename (dir, "case.basalt", NULL);
  g_autofree char *c = g_build_filename (dir, "case.c", NULL);
  g_autofree char *exe = g_build_filename (dir, "case", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GArray) want = read_trace_csv (csv_name);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  gboolean fixed = g_str_equal (json_object_get_string_member (spec, "tag"), "fixed_pt");
  g_autofree char *tagged = NULL;
  int status;

  /* The case's tag as the network's own. */
  tagged = g_strdup_printf ("%.*s, \"run\": {\"tag\": \"%s\", \"steps\": %" G_GINT64_FORMAT "}}",
                            (int) strlen (network) - 1, network, fixed ? "fixed_pt" : "floating_pt",
                            json_object_get_int_member (spec, "steps"));
  g_file_set_contents (net, tagged, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_run_basalt (&out, &err, "export", net, "--format", "c", "-o", c, NULL), ==, 0);
  {
    const char *cc[] = { "cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe, c, "-lm", NULL };
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_spawn_sync (dir, (char **) cc, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the exported program does not compile:\n%s", err);
  }
  g_ptr_array_add (argv, exe);
  for (guint k = 0; k < want->len; k++)
    {
      const char *probe = g_array_index (want, TraceRow, k).probe;
      if (g_hash_table_contains (index, probe))
        continue;
      g_hash_table_add (index, g_strdup (probe));
      g_ptr_array_add (argv, "--probe");
      g_ptr_array_add (argv, (gpointer) probe);
    }
  g_ptr_array_add (argv, NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  got = parse_csv (out);
  g_assert_cmpuint (got->len, ==, want->len);
  /* Both are in basalt run's order: probes in order of first appearance, step by step. */
  {
    g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    for (guint k = 0; k < got->len; k++)
      {
        TraceRow *row = &g_array_index (got, TraceRow, k);
        g_hash_table_insert (values, g_strdup_printf ("%" G_GINT64_FORMAT ",%s,%" G_GSIZE_FORMAT,
                                                      row->step, row->probe, row->index),
                             g_memdup2 (&row->value, sizeof (double)));
      }
    for (guint k = 0; k < want->len; k++)
      {
        TraceRow *row = &g_array_index (want, TraceRow, k);
        g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ",%s,%" G_GSIZE_FORMAT,
                                                row->step, row->probe, row->index);
        double *value = g_hash_table_lookup (values, key);

        if (value == NULL || !values_agree (*value, row->value, fixed))
          g_error ("%s: the C program's %s is %.17g, Lava's %.17g", name, key,
                   value != NULL ? *value : NAN, row->value);
      }
  }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GPtrArray) case_names = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/learning/numpy-random", test_numpy_random);
  g_test_add_func ("/learning/rule-errors", test_rule_errors);
  g_test_add_func ("/learning/rule-products", test_rule_products);
  g_test_add_func ("/learning/file-round-trip", test_file_round_trip);
  g_test_add_func ("/learning/cli-probes", test_cli_probes);
  g_test_add_func ("/learning/lava-export", test_lava_export);
  g_test_add_func ("/learning/nir-export", test_nir_export);
  case_names = add_trace_cases ();
  return g_test_run ();
}
