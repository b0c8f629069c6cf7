/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Lava script export: valid Python, one Lava process per Basalt process with the same
 * parameters (integers under fixed_pt), Basalt-only sources replaced by exactly what they send.
 * When Lava itself is importable the script is run and its CSV compared with the engine's. */
#include "config.h"

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

/* Runs the script when Lava is there; its CSV must equal `basalt run` for the Monitors. */
static void
run_with_lava_if_present (const BslGraph *graph, const char *script, const char *dir)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *prefix = g_build_filename (dir, "lava", NULL);
  g_autofree char *csv = g_strconcat (prefix, ".csv", NULL);
  g_autofree char *engine = g_build_filename (dir, "engine.csv", NULL);
  g_autofree char *got = NULL, *want = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (graph->run_tag);
  const char *probe_argv[] = { python, "-c", "import lava.magma", NULL };
  const char *run_argv[] = { python, script, "--steps", "40", "--out", prefix, NULL };
  BslRuntime *rt;
  int status;

  if (python == NULL)
    return;
  g_spawn_sync (NULL, (char **) probe_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("Lava is not installed: the script is not run");
      return;
    }
  g_spawn_sync (NULL, (char **) run_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  config->seed = graph->run_seed;
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      if (g_str_equal (p->type->name, "Monitor"))
        {
          g_autofree char *target = g_strdup_printf ("%s.data", p->name);
          bsl_runtime_add_probe (rt, target, BSL_PROBE_RECORD, 0, &error);
          g_assert_no_error (error);
        }
    }
  bsl_runtime_run (rt, 40);
  bsl_runtime_write_csv (rt, engine, &error);
  g_assert_no_error (error);
  bsl_runtime_free (rt);
  g_file_get_contents (csv, &got, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (engine, &want, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, want);
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
    g_autofree char *tag = g_strdup_printf ("TAG = '%s'", bsl_tag_to_string (graph->run_tag));
    g_assert_nonnull (strstr (text, tag));
    g_assert_nonnull (strstr (text, "Loihi2SimCfg(select_tag=TAG)"));
  }
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      g_autofree char *decl = g_strdup_printf ("procs['%s'] = ", p->name);
      const char *at = strstr (text, decl);
      if (at == NULL)
        g_error ("the script does not build '%s'", p->name);
      if (bsl_proc_type_find_var (p->type, "du") != NULL)
        {
          g_autoptr (BslArray) du = bsl_process_dup_param_full (p, "du", NULL);
          g_autofree char *want = NULL;
          if (graph->run_tag == BSL_TAG_FIXED_PT)
            want = g_strdup_printf ("du=%d,", (int) du->data[0]);
          else
            {
              char buf[G_ASCII_DTOSTR_BUF_SIZE];
              want = g_strdup_printf ("du=%s,", g_ascii_formatd (buf, sizeof buf, "%.17g", du->data[0]));
            }
          g_assert_true (g_str_has_prefix (at + strlen (decl),
                                           bsl_proc_type_is_equations (p->type) ? "LIF(" : p->type->name));
          if (strstr (at, want) == NULL)
            g_error ("'%s' is not built with %s", p->name, want);
        }
    }
  for (guint c = 0; c < graph->connections->len; c++)
    {
      const BslConnection *conn = graph->connections->pdata[c];
      g_autofree char *line = g_strdup_printf ("procs['%s'].out_ports.%s.connect(procs['%s'].in_ports.%s)",
                                               conn->from_process, conn->from_port,
                                               conn->to_process, conn->to_port);
      g_assert_nonnull (strstr (text, line));
    }
  run_with_lava_if_present (graph, path, dir);
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

      /* and is refused, saying why, where Lava's LIF cannot stand for it */
      for (guint i = 0; i < 20; i++)
        du[i] = 0.1 + 0.01 * i;
      g_assert_true (bsl_process_set_param (eq, "du", bsl_array_new_vector (20, du), &error));
      g_assert_false (bsl_lava_export_file (graph, path, &options, NULL, &error));
      g_assert_nonnull (strstr (error->message, "its du differs between neurons (0.1 at [0], 0.11 at [1])"));
      g_clear_error (&error);
      g_assert_true (bsl_process_set_equations (eq, &(BslEquationsText) { .model = "dv/dt = -v/(10*ms) : 1" },
                                                &error));
      g_assert_false (bsl_lava_export_file (graph, path, &options, NULL, &error));
      g_assert_cmpstr (error->message, ==, "process 'eq' (Equations): Lava's process library has "
                       "no Equations process; the C export (--format c) runs it");
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
  config->seed = graph->run_seed;
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

int
main (int argc, char **argv)
{
  g_autofree char *examples = NULL;
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
  g_test_add_func ("/lava-export/cli", test_cli);
  return g_test_run ();
}
