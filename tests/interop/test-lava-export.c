/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Lava script export: valid Python, one Lava process per Basalt process with the same
 * parameters (integers under fixed_pt), Basalt-only sources replaced by exactly what they send.
 * When Lava itself is importable the script is run and its CSV compared with the engine's. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bsl-equations-type.h"
#include "interop/bsl-lava-export.h"
#include "test-util.h"

static const char sources_network[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 40, \"seed\": 3},\n"
  " \"processes\": [\n"
  "  {\"name\": \"spk\", \"type\": \"Spiker\", \"shape\": [2], \"params\": {\"period\": [3, 5], \"payload\": 1}},\n"
  "  {\"name\": \"poi\", \"type\": \"PoissonSource\", \"shape\": [2], \"params\": {\"rate\": 0.4}},\n"
  "  {\"name\": \"cur\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": 7, \"start\": 4, \"stop\": 9}},\n"
  "  {\"name\": \"syn\", \"type\": \"Sparse\", \"shape\": [2, 2], \"params\": {\"weights\": [[30, 0], [0, -20]], \"sign_mode\": 1}},\n"
  "  {\"name\": \"lif\", \"type\": \"LIFReset\", \"shape\": [2], \"params\": {\"du\": 410, \"dv\": 205, \"vth\": 20, \"reset_interval\": 8}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [2]}\n"
  " ],\n"
  " \"connections\": [\n"
  "  {\"from\": \"spk.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"poi.s_out\", \"to\": \"syn.s_in\"},\n"
  "  {\"from\": \"syn.a_out\", \"to\": \"lif.a_in\"}, {\"from\": \"cur.a_out\", \"to\": \"lif.a_in\"},\n"
  "  {\"from\": \"lif.s_out\", \"to\": \"mon.a_in\"}\n"
  " ]}\n";

/* Without blanks and line breaks, which the script uses to wrap long arrays. */
static char *
squeeze (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != ' ' && *p != '\n')
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

static void
assert_python_compiles (const char *path)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { python, "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())",
                         path, NULL };
  int status;

  if (python == NULL)
    {
      g_test_message ("no python3: the script's syntax is not checked");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s is not valid Python:\n%s", path, err);
}

/* Real Lava: BASALT_LAVA_PYTHONPATH is the PYTHONPATH under which python3 (BASALT_LAVA_PYTHON,
 * else python3 on PATH) imports Lava 0.11. Without it the comparisons are skipped. */
static const char *
lava_pythonpath (void)
{
  const char *path = g_getenv ("BASALT_LAVA_PYTHONPATH");

  if (path == NULL || *path == '\0')
    {
      g_test_skip ("BASALT_LAVA_PYTHONPATH is not set: the exported script is not run in Lava "
                   "(set it to the PYTHONPATH under which python3 imports Lava 0.11)");
      return NULL;
    }
  return path;
}

static guint lava_networks;
static guint64 lava_values;

/* The value columns of two `step,probe,index,value` CSVs: the same rows, values equal (fixed_pt)
 * or within 1e-9 (floating_pt). Returns how many values were compared. */
static guint64
compare_csv (const char *basalt_csv, const char *lava_csv, BslTag tag)
{
  g_autofree char *want_text = NULL, *got_text = NULL;
  g_auto (GStrv) want = NULL, got = NULL;
  guint64 compared = 0;

  g_assert_true (g_file_get_contents (basalt_csv, &want_text, NULL, NULL));
  g_assert_true (g_file_get_contents (lava_csv, &got_text, NULL, NULL));
  want = g_strsplit (want_text, "\n", -1);
  got = g_strsplit (got_text, "\n", -1);
  g_assert_cmpuint (g_strv_length (got), ==, g_strv_length (want));
  g_assert_cmpstr (got[0], ==, "step,probe,index,value");
  for (guint i = 1; want[i] != NULL && want[i][0] != '\0'; i++)
    {
      const char *want_value = strrchr (want[i], ',') + 1, *got_value = strrchr (got[i], ',');
      double x, y;

      g_assert_nonnull (got_value);
      got_value++;
      if (strncmp (want[i], got[i], want_value - want[i]) != 0)
        g_error ("row %u: basalt run wrote '%s', Lava '%s'", i, want[i], got[i]);
      x = g_ascii_strtod (want_value, NULL);
      y = g_ascii_strtod (got_value, NULL);
      if (tag == BSL_TAG_FIXED_PT ? x != y : !(fabs (x - y) <= 1e-9 * MAX (1.0, fabs (x))))
        g_error ("row %u (%s): basalt run %s, Lava %s", i, want[i], want_value, got_value);
      compared++;
    }
  return compared;
}

/* Saves graph, runs it with `basalt run` and its exported script (`basalt export --format lava`)
 * in Lava for steps; everything basalt run records must be what Lava records. */
static void
compare_with_lava (const BslGraph *graph, gint64 steps)
{
  const char *pythonpath = lava_pythonpath ();
  const char *python_env = g_getenv ("BASALT_LAVA_PYTHON");
  g_autofree char *python = NULL;
  g_autofree char *dir = NULL, *net = NULL, *script = NULL, *prefix = NULL, *lava_csv = NULL;
  g_autofree char *basalt_csv = NULL, *steps_text = g_strdup_printf ("%" G_GINT64_FORMAT, steps);
  g_autofree char *out = NULL, *err = NULL;
  g_auto (GStrv) env = NULL;
  g_autoptr (GError) error = NULL;
  guint64 compared;
  int status;

  if (pythonpath == NULL)
    return;
  python = python_env != NULL ? g_strdup (python_env) : g_find_program_in_path ("python3");
  g_assert_nonnull (python);
  dir = test_tmp_dir ();
  net = g_build_filename (dir, "net.basalt", NULL);
  script = g_build_filename (dir, "net.py", NULL);
  prefix = g_build_filename (dir, "lava", NULL);
  lava_csv = g_strconcat (prefix, ".csv", NULL);
  basalt_csv = g_build_filename (dir, "basalt.csv", NULL);
  g_assert_true (bsl_graph_save_file (graph, net, &error));
  g_assert_cmpint (test_run_basalt (&out, &err, "export", net, "--format", "lava", "-o", script,
                                    NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_basalt (&out, &err, "run", net, "--steps", steps_text, "--full",
                                    "--out", basalt_csv, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { python, script, "--steps", steps_text, "--out", prefix, NULL };
    env = g_environ_setenv (g_get_environ (), "PYTHONPATH", pythonpath, TRUE);
    g_spawn_sync (dir, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the exported script failed in Lava:\n%s", err);
  }
  compared = compare_csv (basalt_csv, lava_csv, bsl_graph_get_run_tag (graph));
  g_assert_cmpuint (compared, >, 0);
  g_test_message ("%" G_GUINT64_FORMAT " values over %" G_GINT64_FORMAT " steps (%s), all equal",
                  compared, steps, bsl_tag_to_string (bsl_graph_get_run_tag (graph)));
  lava_networks++;
  lava_values += compared;
  for (const char *const *f = (const char *const[]) { net, script, lava_csv, basalt_csv, NULL };
       *f != NULL; f++)
    g_unlink (*f);
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* Every population's v (where it has one) is probed too, so states are compared, not only
 * spikes. */
static void
probe_states (BslGraph *graph, const char *const *vars)
{
  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      const BslProcType *type = bsl_process_get_proc_type (p);
      if (type->category != BSL_CATEGORY_NEURONS)
        continue;
      for (guint k = 0; vars[k] != NULL; k++)
        if (bsl_proc_type_find_var (type, vars[k]) != NULL
            || bsl_proc_type_find_port (type, vars[k]) != NULL)
          {
            g_autofree char *target = g_strdup_printf ("%s.%s", bsl_process_get_name (p), vars[k]);
            g_autoptr (GError) error = NULL;

            /* the file may record it already */
            if (bsl_graph_has_probe (graph, target))
              continue;
            bsl_graph_add_probe (graph, target, &error);
            g_assert_no_error (error);
          }
    }
}

static void
test_lava_example (gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (data, &error);

  g_assert_no_error (error);
  probe_states (graph, (const char *const[]) { "v", "s_out", NULL });
  compare_with_lava (graph, MIN (bsl_graph_get_run_steps (graph), 200));
}

static void
test_lava_trace (gconstpointer data)
{
  BslTag tag;
  g_autoptr (BslGraph) graph = test_trace_network (data, &tag);

  probe_states (graph, (const char *const[]) { "u", "v", "s_out", NULL });
  compare_with_lava (graph, bsl_graph_get_run_steps (graph));
}

/* Spiker, PoissonSource and CurrentSource as RingBuffers, Sparse, LIFReset, a Monitor. */
static void
test_lava_sources (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (sources_network, -1, "sources", NULL, &error);

  g_assert_no_error (error);
  probe_states (graph, (const char *const[]) { "u", "v", NULL });
  compare_with_lava (graph, bsl_graph_get_run_steps (graph));
}

/* A negative bias_exp, which Lava computes as a right shift. */
static void
test_lava_negative_bias_exp (void)
{
  static const char json[] =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 60},"
    " \"processes\": [{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [4], \"params\": {\"du\": 4095,"
    " \"dv\": 300, \"vth\": 3, \"bias_mant\": [100, -100, 4095, -1], \"bias_exp\": [-1, -3, -5, -40]}}],"
    " \"probes\": [\"lif.v\", \"lif.s_out\"]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "bias-exp", NULL, &error);

  g_assert_no_error (error);
  compare_with_lava (graph, bsl_graph_get_run_steps (graph));
}

/* Lava's other neurons, SigmaDelta under Lava's default fixed_pt model and under the corrected
 * one. data: "TAG MODEL" (MODEL 0: Lava's default, 1: corrected). */
static void
test_lava_neuron_models (gconstpointer data)
{
  g_auto (GStrv) words = g_strsplit (data, " ", 2);
  g_autofree char *json = g_strdup_printf (
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"%s\", \"steps\": 60},"
    " \"processes\": ["
    "  {\"name\": \"wave\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\":"
    "   [[0, 15, -3, 9, 0, 0, 22], [20, 5, 0, -30, 3, 1, 0], [1, 1, 1, 1, 1, 1, 40]]}},"
    "  {\"name\": \"sd\", \"type\": \"SigmaDelta\", \"shape\": [3], \"params\": {\"vth\": 4, \"bias\": [1, 0, -2],"
    "   \"act_mode\": 1, \"state_exp\": 2, \"fixed_model\": %s}},"
    "  {\"name\": \"sd2\", \"type\": \"SigmaDelta\", \"shape\": [3], \"params\": {\"vth\": 3, \"cum_error\": 1,"
    "   \"fixed_model\": %s}},"
    "  {\"name\": \"rf\", \"type\": \"RF\", \"shape\": [3], \"params\": {\"period\": 8, \"decay_bits\": 12, \"vth\": 30}}"
    " ],"
    " \"connections\": ["
    "  {\"from\": \"wave.s_out\", \"to\": \"sd.a_in\"}, {\"from\": \"wave.s_out\", \"to\": \"sd2.a_in\"},"
    "  {\"from\": \"wave.s_out\", \"to\": \"rf.a_real_in\"}"
    " ],"
    " \"probes\": [\"sd.s_out\", \"sd.sigma\", \"sd.act\", \"sd2.s_out\", \"sd2.act\", \"rf.real\", \"rf.s_out\"]}",
    words[0], words[1], words[1]);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "models", NULL, &error);

  g_assert_no_error (error);
  compare_with_lava (graph, bsl_graph_get_run_steps (graph));
}

static void
test_lava_summary (void)
{
  if (lava_pythonpath () == NULL)
    return;
  g_test_message ("%u networks run in Lava, %" G_GUINT64_FORMAT " values compared, all equal",
                  lava_networks, lava_values);
  g_assert_cmpuint (lava_networks, >, 0);
}

static void
check_export (const BslGraph *graph, GPtrArray *notes)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "net.py", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  BslLavaExportOptions options = { .tag = BSL_TAG_NONE, .steps = 40 };

  bsl_lava_export_file (graph, path, &options, notes, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  assert_python_compiles (path);

  {
    g_autofree char *tag = g_strdup_printf ("TAG = '%s'", bsl_tag_to_string (bsl_graph_get_run_tag (graph)));
    g_assert_nonnull (strstr (text, tag));
    /* with processes of the script's own, a map of their models follows the tag */
    g_assert_nonnull (strstr (text, "Loihi2SimCfg(select_tag=TAG"));
  }
  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      const BslProcType *type = bsl_process_get_proc_type (p);
      g_autofree char *decl = g_strdup_printf ("procs['%s'] = ", bsl_process_get_name (p));
      const char *at = strstr (text, decl);
      if (at == NULL)
        g_error ("the script does not build '%s'", bsl_process_get_name (p));
      if (bsl_proc_type_find_var (type, "du") != NULL)
        {
          g_autoptr (BslArray) du = bsl_process_dup_param_full (p, "du", NULL);
          g_autofree char *want = NULL;
          if (bsl_graph_get_run_tag (graph) == BSL_TAG_FIXED_PT)
            want = g_strdup_printf ("du=%d,", (int) du->data[0]);
          else
            {
              char buf[G_ASCII_DTOSTR_BUF_SIZE];
              want = g_strdup_printf ("du=%s,", g_ascii_formatd (buf, sizeof buf, "%.17g", du->data[0]));
            }
          g_assert_true (g_str_has_prefix (at + strlen (decl),
                                           bsl_proc_type_is_equations (type) ? "LIF(" : type->name));
          if (strstr (at, want) == NULL)
            g_error ("'%s' is not built with %s", bsl_process_get_name (p), want);
        }
    }
  for (guint c = 0; c < bsl_graph_get_n_connections (graph); c++)
    {
      const BslConnection *conn = bsl_graph_get_connection (graph, c);
      const BslProcess *from = bsl_graph_find_process (graph, bsl_connection_get_from_process (conn));
      const BslProcType *from_type = bsl_process_get_proc_type (from);
      gboolean replaced = from_type->category == BSL_CATEGORY_INPUTS
                          && !g_str_equal (from_type->name, "RingBuffer");
      g_autofree char *line = g_strdup_printf ("procs['%s'].out_ports.%s.connect(procs['%s'].in_ports.%s)",
                                               bsl_connection_get_from_process (conn), replaced ? "s_out" : bsl_connection_get_from_port (conn),
                                               bsl_connection_get_to_process (conn), bsl_connection_get_to_port (conn));
      g_assert_nonnull (strstr (text, line));
    }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_example (gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (data, &error);

  g_assert_no_error (error);
  if (g_str_has_suffix (data, "lif-as-equations.basalt"))
    {
      /* Lava's LIF written as equations goes out as Lava's LIF, with the built-in one's values */
      g_autofree char *dir = test_tmp_dir ();
      g_autofree char *path = g_build_filename (dir, "net.py", NULL);
      g_autofree char *text = NULL;
      BslLavaExportOptions options = { .tag = BSL_TAG_NONE, .steps = 40 };
      BslProcess *eq = bsl_graph_find_process (graph, "eq");
      double du[20];

      check_export (graph, NULL);
      g_assert_true (bsl_lava_export_file (graph, path, &options, NULL, &error));
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, "procs['eq'] = LIF(\n        shape=(20,)"));
      g_assert_nonnull (strstr (strstr (text, "procs['eq']"), "du=0.14999999999999999,\n        dv=0.080000000000000002,\n        vth=25"));

      /* where Lava's LIF cannot stand for it, it becomes a process of the script's own, and
       * the report says why */
      for (guint i = 0; i < 20; i++)
        du[i] = 0.1 + 0.01 * i;
      g_assert_true (bsl_process_set_param (eq, "du", bsl_array_new_vector (20, du), &error));
      {
        g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
        g_autofree char *custom = NULL;
        gboolean said = FALSE;

        g_assert_true (bsl_lava_export_file (graph, path, &options, notes, &error));
        g_assert_no_error (error);
        for (guint i = 0; i < notes->len; i++)
          said = said || strstr (notes->pdata[i], "its du differs between neurons (0.1 at [0], 0.11 at [1])") != NULL;
        g_assert_true (said);
        g_assert_true (g_file_get_contents (path, &custom, NULL, NULL));
        g_assert_nonnull (strstr (custom, "class Basalt_eq(AbstractProcess):"));
        g_assert_nonnull (strstr (custom, "procs['eq'] = Basalt_eq("));
        assert_python_compiles (path);
      }
      g_unlink (path);
      g_rmdir (dir);
      return;
    }
  check_export (graph, NULL);
}

/* Spiker, PoissonSource and CurrentSource go out as RingBuffers of what they send. */
static void
test_sources (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (sources_network, -1, "sources", NULL, &error);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FIXED_PT);
  g_autoptr (GString) row = g_string_new ("data=np.array([[");
  g_autofree char *squeezed = NULL;
  BslLavaExportOptions options = { .tag = BSL_TAG_NONE, .steps = 40 };
  BslProbe *probe;
  BslRuntime *rt;
  guint replaced = 0;

  g_assert_no_error (error);
  check_export (graph, notes);
  for (guint i = 0; i < notes->len; i++)
    if (strstr (notes->pdata[i], "source RingBuffer") != NULL)
      replaced++;
  g_assert_cmpuint (replaced, ==, 3);

  /* The Spiker's RingBuffer holds the engine's own output, step by step. */
  text = bsl_lava_export_to_string (graph, &options, NULL, &error);
  g_assert_no_error (error);
  config->seed = bsl_graph_get_run_seed (graph);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  probe = bsl_runtime_add_probe (rt, "spk.s_out", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, 40);
  for (gsize t = 0; t < 40; t++)
    g_string_append_printf (row, "%s%d", t ? "," : "", (int) bsl_probe_get_row (probe, t)[0]);
  bsl_runtime_free (rt);
  g_assert_nonnull (strstr (text, "procs['spk'] = Source("));
  squeezed = squeeze (text);
  if (strstr (squeezed, row->str) == NULL)
    g_error ("the Spiker's first row is not %s", row->str);
  g_assert_nonnull (strstr (text, "csr_matrix("));
  g_assert_nonnull (strstr (text, "sign_mode=SignMode.MIXED"));
  g_assert_nonnull (strstr (text, "reset_interval=8"));
}

/* Lava's other neuron processes: ATRLIF, RF and SigmaDelta with their own keyword names. */
static void
test_lava_models (void)
{
  static const char json[] =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 50},\n"
    " \"processes\": [\n"
    "  {\"name\": \"wave\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[0, 15], [20, 5]]}},\n"
    "  {\"name\": \"rf\", \"type\": \"RF\", \"shape\": [2], \"params\": {\"period\": 8, \"decay_bits\": 12, \"vth\": 30}},\n"
    "  {\"name\": \"sd\", \"type\": \"SigmaDelta\", \"shape\": [2], \"params\": {\"vth\": 4, \"act_mode\": 0, \"sigma\": [3, 0]}},\n"
    "  {\"name\": \"at\", \"type\": \"ATRLIF\", \"shape\": [2], \"params\": {\"theta_0\": 7}}\n"
    " ],\n"
    " \"connections\": [\n"
    "  {\"from\": \"wave.s_out\", \"to\": \"rf.a_real_in\"}, {\"from\": \"wave.s_out\", \"to\": \"sd.a_in\"},\n"
    "  {\"from\": \"sd.s_out\", \"to\": \"at.a_in\"}\n"
    " ]}\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "models", NULL, &error);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  gboolean sigma_noted = FALSE;

  g_assert_no_error (error);
  check_export (graph, notes);
  text = bsl_lava_export_to_string (graph, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "from lava.proc.rf.process import RF"));
  g_assert_nonnull (strstr (text, "decay_bits=12"));
  g_assert_nonnull (strstr (text, "act_mode=ActivationMode.UNIT"));
  g_assert_nonnull (strstr (text, "theta_0=7"));
  for (guint i = 0; i < notes->len; i++)
    sigma_noted = sigma_noted || strstr (notes->pdata[i], "'sigma'") != NULL;
  g_assert_true (sigma_noted);
}

static void
test_cli (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "net.py", NULL);
  g_autofree char *example = test_examples_path ("ringbuffer-dense-lif.basalt");
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  int status;

  status = test_run_basalt (&stdout_text, &stderr_text, "export", example, "--format", "lava",
                            "-o", out, "--steps", "25", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  assert_python_compiles (out);
  g_clear_pointer (&stdout_text, g_free);
  g_clear_pointer (&stderr_text, g_free);
  status = test_run_basalt (&stdout_text, &stderr_text, "export", example, "--format", "lava",
                            "-o", out, "--probe", "nothere.v", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (stderr_text, "nothere"));
}

/* A python3 that has numpy: Debian's first (the python3 first on PATH may be another). */
static char *
find_python_with_numpy (void)
{
  const char *candidates[] = { "/usr/bin/python3", "python3" };

  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    {
      g_autofree char *python = g_find_program_in_path (candidates[k]);
      const char *argv[] = { python, "-c", "import numpy", NULL };
      int status = -1;

      if (python == NULL)
        continue;
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, &status, NULL);
      if (g_spawn_check_wait_status (status, NULL))
        return g_steal_pointer (&python);
    }
  return NULL;
}

/* Izhikevich, AdEx, CondLIF and Equations neurons driven by currents and spikes; Brian2's CUBA
 * neuron (exact, two ports) and a neuron whose port sets its current (rk2). */
static const char custom_models_network[] =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 400},"
    " \"processes\": ["
    "  {\"name\": \"drive\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [10, 14], \"start\": 20}},"
    "  {\"name\": \"pulse\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [500, 900], \"start\": 50, \"stop\": 300}},"
    "  {\"name\": \"syn\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [2e-11, 4e-11], \"start\": 10}},"
    "  {\"name\": \"iz\", \"type\": \"Izhikevich\", \"shape\": [2]},"
    "  {\"name\": \"ad\", \"type\": \"AdEx\", \"shape\": [2]},"
    "  {\"name\": \"cl\", \"type\": \"CondLIF\", \"shape\": [2], \"params\": {\"refractory_steps\": 20}},"
    "  {\"name\": \"eq\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {"
    "    \"model\": \"dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)\\ndI/dt = -I/tau_syn : amp\\n"
    "v_rest : volt\\nv_th : volt\\nv_reset : volt\\nR : ohm\\ntau : second\\ntau_syn : second\\n\","
    "    \"threshold\": \"v > v_th\", \"reset\": \"v = v_reset\", \"refractory\": \"2*ms\", \"input\": \"I\","
    "    \"method\": \"exponential_euler\"},"
    "   \"params\": {\"v_rest\": -0.065, \"v_th\": -0.050, \"v_reset\": -0.065, \"R\": 1e8, \"tau\": 0.01,"
    "    \"tau_syn\": 0.005, \"v\": -0.065}},"
    "  {\"name\": \"iz_eq\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {"
    "    \"model\": \"dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I_ext)/ms : volt\\ndu/dt = a*(b*v - u)/ms : volt\\n"
    "a : 1\\nb : 1\\nc : volt\\nd : volt\\nI_ext : volt\\n\", \"threshold\": \"v >= 30*mV\","
    "    \"reset\": \"v = c\\nu += d\", \"input\": \"v\", \"method\": \"rk4\"},"
    "   \"params\": {\"a\": [0.02, 0.1], \"b\": 0.2, \"c\": -0.065, \"d\": [0.008, 0.002], \"I_ext\": 0.01,"
    "    \"v\": -0.065, \"u\": -0.013, \"dt\": 0.0005}},"
    "  {\"name\": \"cuba\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {"
    "    \"model\": \"dv/dt = (ge+gi-(v-El))/taum : volt (unless refractory)\\ndge/dt = -ge/taue : volt\\n"
    "dgi/dt = -gi/taui : volt\\ntaum : second\\ntaue : second\\ntaui : second\\nEl : volt\\nVt : volt\\n"
    "Vr : volt\\n\", \"threshold\": \"v > Vt\", \"reset\": \"v = Vr\", \"refractory\": \"5*ms\","
    "    \"input\": {\"a_ge\": \"ge\", \"a_gi\": \"gi\"}, \"method\": \"exact\"},"
    "   \"params\": {\"taum\": [0.02, 0.03], \"taue\": 0.005, \"taui\": 0.01, \"El\": -0.049, \"Vt\": -0.05,"
    "    \"Vr\": -0.06, \"v\": [-0.06, -0.055]}},"
    "  {\"name\": \"mid\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {"
    "    \"model\": \"dv/dt = (v_rest - v + R*I_ext)/tau : volt (unless refractory)\\nv_rest : volt\\nR : ohm\\n"
    "tau : second\\nI_ext : amp\\n\", \"threshold\": \"v > -50*mV\", \"reset\": \"v = v_rest\","
    "    \"refractory\": \"2*ms\", \"input\": \"I_ext\", \"method\": \"rk2\"},"
    "   \"params\": {\"v_rest\": -0.065, \"R\": 1e8, \"tau\": 0.01, \"I_ext\": 0, \"v\": -0.065}},"
    "  {\"name\": \"exc\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [4e-4, 6e-4], \"start\": 30}},"
    "  {\"name\": \"inh\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [-2e-5, -1e-5], \"start\": 60}},"
    "  {\"name\": \"amps\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [2e-10, 3e-10], \"start\": 15, \"stop\": 350}},"
    "  {\"name\": \"noisy_eq\", \"type\": \"Equations\", \"shape\": [3], \"equations\": {"
    "    \"model\": \"dv/dt = (v_rest - v)/tau + sigma*xi*tau**-0.5 + 0.1*mV/ms*randn() : volt (unless refractory)\\n"
    "v_rest : volt\\ntau : second\\nsigma : volt\\n\", \"threshold\": \"v > -50*mV + mV*rand()\","
    "    \"reset\": \"v = -65*mV + 2*mV*randn()\", \"refractory\": \"1*ms\", \"method\": \"euler\"},"
    "   \"params\": {\"v_rest\": -0.046, \"tau\": 0.01, \"sigma\": 0.003, \"v\": -0.06, \"seed\": 5}}],"
    " \"connections\": [{\"from\": \"drive.a_out\", \"to\": \"iz.a_in\"}, {\"from\": \"pulse.a_out\", \"to\": \"ad.a_in\"},"
    "  {\"from\": \"drive.a_out\", \"to\": \"cl.g_exc_in\"}, {\"from\": \"drive.a_out\", \"to\": \"cl.g_inh_in\"},"
    "  {\"from\": \"pulse.a_out\", \"to\": \"cl.a_in\"}, {\"from\": \"syn.a_out\", \"to\": \"eq.a_in\"},"
    "  {\"from\": \"exc.a_out\", \"to\": \"cuba.a_ge\"}, {\"from\": \"inh.a_out\", \"to\": \"cuba.a_gi\"},"
    "  {\"from\": \"amps.a_out\", \"to\": \"mid.a_in\"}]}";

/* Izhikevich, AdEx, CondLIF and equation-defined neurons become processes of the script's own.
 * Their models, stepped with what Basalt's neurons received, compute what Basalt computes: every
 * state and spike equal, bit for bit, over 400 steps, random draws (noisy_eq) included. */
static void
test_custom_models (void)
{
  const char *json = custom_models_network;
  static const char *const custom[] = { "iz", "ad", "cl", "eq", "iz_eq", "cuba", "mid", "noisy_eq" };
  enum { STEPS = 400 };
  g_autofree char *python = find_python_with_numpy ();
  g_autofree char *driver = g_test_build_filename (G_TEST_DIST, "interop", "run_custom_lava_models.py", NULL);
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *script = g_build_filename (dir, "custom.py", NULL);
  g_autofree char *drive_path = g_build_filename (dir, "drive.json", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "custom", NULL, &error);
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (GHashTable) probes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) drive = g_string_new ("{");
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = NULL;
  BslLavaExportOptions options = { .tag = BSL_TAG_NONE, .steps = STEPS };
  guint compared = 0, spikes[G_N_ELEMENTS (custom)] = { 0 };
  BslRuntime *rt;
  int status;

  g_assert_no_error (error);
  g_assert_true (bsl_lava_export_file (graph, script, &options, notes, &error));
  g_assert_no_error (error);
  assert_python_compiles (script);
  if (python == NULL)
    {
      g_test_skip ("no python3 with numpy: the script's models are not run");
      return;
    }

  /* Basalt's run: every Var, every InPort (what each neuron received) and the spikes */
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (guint c = 0; c < G_N_ELEMENTS (custom); c++)
    {
      const BslProcess *p = bsl_graph_find_process (graph, custom[c]);

      for (guint i = 0; i < bsl_process_get_proc_type (p)->n_vars; i++)
        if (bsl_process_get_proc_type (p)->vars[i].shape != BSL_SHAPE_SCALAR)
          {
            char *target = g_strdup_printf ("%s.%s", custom[c], bsl_process_get_proc_type (p)->vars[i].name);

            g_hash_table_insert (probes, target, bsl_runtime_add_probe (rt, target, BSL_PROBE_RECORD, 0, &error));
            g_assert_no_error (error);
          }
      for (guint k = 0; k < bsl_process_get_proc_type (p)->n_ports; k++)
        {
          char *target = g_strdup_printf ("%s.%s", custom[c], bsl_process_get_proc_type (p)->ports[k].name);

          g_hash_table_insert (probes, target, bsl_runtime_add_probe (rt, target, BSL_PROBE_RECORD, 0, &error));
          g_assert_no_error (error);
        }
    }
  bsl_runtime_run (rt, STEPS);

  /* what each InPort received, step by step, for the models */
  for (guint c = 0; c < G_N_ELEMENTS (custom); c++)
    {
      const BslProcess *p = bsl_graph_find_process (graph, custom[c]);
      const BslProcType *type = bsl_process_get_proc_type (p);
      guint written = 0;

      g_string_append_printf (drive, "%s\"%s\": {", c ? ", " : "", custom[c]);
      for (guint k = 0; k < type->n_ports; k++)
        {
          g_autofree char *target = g_strdup_printf ("%s.%s", custom[c], type->ports[k].name);
          BslProbe *probe = g_hash_table_lookup (probes, target);

          if (type->ports[k].direction != BSL_PORT_IN)
            continue;
          g_string_append_printf (drive, "%s\"%s\": [", written++ ? ", " : "", type->ports[k].name);
          for (gsize t = 0; t < STEPS; t++)
            {
              const double *row = bsl_probe_get_row (probe, t);

              g_string_append (drive, t ? ", [" : "[");
              for (gsize i = 0; i < bsl_probe_get_size (probe); i++)
                g_string_append_printf (drive, "%s%.17g", i ? ", " : "", row[i]);
              g_string_append_c (drive, ']');
            }
          g_string_append_c (drive, ']');
        }
      g_string_append_c (drive, '}');
    }
  g_string_append_c (drive, '}');
  g_assert_true (g_file_set_contents (drive_path, drive->str, -1, &error));

  {
    g_autofree char *steps = g_strdup_printf ("%d", STEPS);
    const char *argv[] = { python, driver, script, drive_path, steps, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                 &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the script's models fail:\n%s", err);
  }

  /* every value the models printed equals Basalt's */
  lines = g_strsplit (out, "\n", -1);
  for (guint l = 0; lines[l] != NULL && lines[l][0] != '\0'; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], ",", 5);
      g_autofree char *target = g_strdup_printf ("%s.%s", f[0], f[1]);
      BslProbe *probe = g_hash_table_lookup (probes, target);
      gsize t = (gsize) g_ascii_strtoull (f[2], NULL, 10), i = (gsize) g_ascii_strtoull (f[3], NULL, 10);
      double got = g_ascii_strtod (f[4], NULL), want;

      g_assert_nonnull (probe);
      want = bsl_probe_get_row (probe, t - 1)[i];
      if (got != want && !(isinf (got) && isinf (want) && got == want))
        g_error ("%s[%" G_GSIZE_FORMAT "] at step %" G_GSIZE_FORMAT ": Basalt %.17g, the Lava "
                 "model %.17g", target, i, t, want, got);
      compared++;
      if (g_str_equal (f[1], "s_out") && got != 0)
        for (guint c = 0; c < G_N_ELEMENTS (custom); c++)
          if (g_str_equal (f[0], custom[c]))
            spikes[c]++;
    }
  for (guint c = 0; c < G_N_ELEMENTS (custom); c++)
    {
      g_test_message ("%s: %u spikes, on Basalt's steps", custom[c], spikes[c]);
      g_assert_cmpuint (spikes[c], >, 0);
    }
  g_test_message ("%u values compared, all equal", compared);
  g_assert_cmpuint (compared, >, 10000);
  bsl_runtime_free (rt);
  g_unlink (script);
  g_unlink (drive_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autofree char *examples = NULL, *fixed = NULL, *floating = NULL;
  g_autoptr (GDir) d = NULL;
  const char *name;

  g_test_init (&argc, &argv, NULL);
  examples = test_examples_path ("");
  d = g_dir_open (examples, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".basalt"))
      {
        g_autofree char *test = g_strdup_printf ("/lava-export/examples/%s", name);
        g_test_add_data_func_full (test, g_build_filename (examples, name, NULL), test_example, g_free);
      }
  g_test_add_func ("/lava-export/sources", test_sources);
  g_test_add_func ("/lava-export/lava-models", test_lava_models);
  g_test_add_func ("/lava-export/custom-models", test_custom_models);
  g_test_add_func ("/lava-export/cli", test_cli);
  test_add_dir_cases ("/lava-export/lava/examples", examples, ".basalt", test_lava_example);
  fixed = test_data_path ("reference", "traces", "fixed", NULL);
  floating = test_data_path ("reference", "traces", "float", NULL);
  test_add_dir_cases ("/lava-export/lava/traces/fixed", fixed, ".json", test_lava_trace);
  test_add_dir_cases ("/lava-export/lava/traces/float", floating, ".json", test_lava_trace);
  g_test_add_func ("/lava-export/lava/sources", test_lava_sources);
  g_test_add_func ("/lava-export/lava/negative-bias-exp", test_lava_negative_bias_exp);
  g_test_add_data_func ("/lava-export/lava/neuron-models/fixed", "fixed_pt 0", test_lava_neuron_models);
  g_test_add_data_func ("/lava-export/lava/neuron-models/fixed-corrected", "fixed_pt 1",
                        test_lava_neuron_models);
  g_test_add_data_func ("/lava-export/lava/neuron-models/float", "floating_pt 0",
                        test_lava_neuron_models);
  g_test_add_func ("/lava-export/lava-summary/all", test_lava_summary);
  return g_test_run ();
}
