/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The standalone C export: every example network, every reference-trace network and a network
 * with every process type are exported, compiled with the system compiler, run, and their CSV
 * compared with the engine's own (bsl_runtime_write_csv) byte for byte, under both tags. */
#include "config.h"

#include <string.h>

#include "interop/bsl-c-export.h"
#include "test-util.h"

#define STEPS 150

/* Every process type, both tags (LIFRefractory has no fixed_pt model, as in Lava). */
static const char all_types_float[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 100, \"seed\": 5},\n"
  " \"processes\": [\n"
  "  {\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[1, 0, 1, 0, 0], [0, 1, 1, 0, 1], [0, 0, 0, 1, 1]]}},\n"
  "  {\"name\": \"graded\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[0.5, 1.5], [0, -1], [2.25, 0]]}},\n"
  "  {\"name\": \"spk\", \"type\": \"Spiker\", \"shape\": [2], \"params\": {\"period\": [3, 5], \"payload\": 1}},\n"
  "  {\"name\": \"poi\", \"type\": \"PoissonSource\", \"shape\": [4], \"params\": {\"rate\": 0.3}},\n"
  "  {\"name\": \"cur\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [0.3, 0.21], \"baseline\": 0.05, \"start\": 5, \"stop\": 40}},\n"
  "  {\"name\": \"d1\", \"type\": \"Dense\", \"shape\": [4, 3], \"params\": {\"weights\": [[0.5, 0.1, 0], [0.2, 0.3, 0.4], [-0.1, 0.6, 0.2], [0.05, 0, 0.7]]}},\n"
  "  {\"name\": \"dg\", \"type\": \"Dense\", \"shape\": [4, 3], \"params\": {\"weights\": [[0.1, 0.2, 0.3], [0, 0.1, 0], [0.2, 0, 0.1], [0.3, 0.3, 0.3]], \"num_message_bits\": 8}},\n"
  "  {\"name\": \"sp\", \"type\": \"Sparse\", \"shape\": [4, 4], \"params\": {\"weights\": [[0.2, 0, 0, 0.1], [0, 0.3, 0, 0], [0.1, 0, 0.25, 0], [0, 0, 0, 0.4]]}},\n"
  "  {\"name\": \"dd\", \"type\": \"DelayDense\", \"shape\": [2, 2], \"params\": {\"weights\": [[0.4, 0.2], [0.1, 0.5]], \"delays\": [[0, 2], [3, 1]]}},\n"
  "  {\"name\": \"l1\", \"type\": \"LIF\", \"shape\": [4], \"params\": {\"du\": 0.3, \"dv\": 0.1, \"vth\": 1.0, \"bias_mant\": [0.01, 0.02, 0, 0.05]}},\n"
  "  {\"name\": \"lr\", \"type\": \"LIFReset\", \"shape\": [2], \"params\": {\"du\": 0.2, \"dv\": 0.05, \"vth\": 0.6, \"reset_interval\": 7, \"reset_offset\": 2}},\n"
  "  {\"name\": \"lt\", \"type\": \"TernaryLIF\", \"shape\": [4], \"params\": {\"du\": 0.5, \"dv\": 0.2, \"vth_hi\": 0.8, \"vth_lo\": -0.3, \"bias_mant\": -0.01}},\n"
  "  {\"name\": \"lref\", \"type\": \"LIFRefractory\", \"shape\": [2], \"params\": {\"du\": 0.4, \"dv\": 0.1, \"vth\": 0.5, \"refractory_period\": 3}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [4]}\n"
  " ],\n"
  " \"connections\": [\n"
  "  {\"from\": \"src.s_out\", \"to\": \"d1.s_in\"}, {\"from\": \"d1.a_out\", \"to\": \"l1.a_in\"},\n"
  "  {\"from\": \"graded.s_out\", \"to\": \"dg.s_in\"}, {\"from\": \"dg.a_out\", \"to\": \"l1.a_in\"},\n"
  "  {\"from\": \"poi.s_out\", \"to\": \"sp.s_in\"}, {\"from\": \"sp.a_out\", \"to\": \"l1.a_in\"},\n"
  "  {\"from\": \"l1.s_out\", \"to\": \"lt.a_in\"}, {\"from\": \"lt.s_out\", \"to\": \"mon.a_in\"},\n"
  "  {\"from\": \"spk.s_out\", \"to\": \"dd.s_in\"}, {\"from\": \"dd.a_out\", \"to\": \"lr.a_in\"},\n"
  "  {\"from\": \"cur.a_out\", \"to\": \"lr.a_in\"}, {\"from\": \"cur.a_out\", \"to\": \"lref.a_in\"}\n"
  " ]}\n";

static const char all_types_fixed[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 100, \"seed\": 9},\n"
  " \"processes\": [\n"
  "  {\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[1, 0, 1, 0, 0], [0, 1, 1, 0, 1], [0, 0, 0, 1, 1]]}},\n"
  "  {\"name\": \"graded\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[5, 12], [0, -3], [9, 0]]}},\n"
  "  {\"name\": \"spk\", \"type\": \"Spiker\", \"shape\": [2], \"params\": {\"period\": [3, 5], \"payload\": 1}},\n"
  "  {\"name\": \"poi\", \"type\": \"PoissonSource\", \"shape\": [4], \"params\": {\"rate\": 0.3, \"seed\": 4}},\n"
  "  {\"name\": \"cur\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [30.7, -21], \"baseline\": 5, \"start\": 5, \"stop\": 40}},\n"
  "  {\"name\": \"d1\", \"type\": \"Dense\", \"shape\": [4, 3], \"params\": {\"weights\": [[50, 11, 0], [21, 33, 47], [-13, 61, 25], [5, 0, 77]], \"weight_exp\": 1}},\n"
  "  {\"name\": \"dg\", \"type\": \"Dense\", \"shape\": [4, 3], \"params\": {\"weights\": [[10, 20, 30], [0, 11, 0], [21, 0, 13], [30, 31, 33]], \"num_message_bits\": 8, \"num_weight_bits\": 6}},\n"
  "  {\"name\": \"sp\", \"type\": \"Sparse\", \"shape\": [4, 4], \"params\": {\"weights\": [[-20, 0, 0, -11], [0, -31, 0, 0], [-10, 0, -25, 0], [0, 0, 0, -40]], \"weight_exp\": -1}},\n"
  "  {\"name\": \"dd\", \"type\": \"DelayDense\", \"shape\": [2, 2], \"params\": {\"weights\": [[40, 20], [10, 51]], \"delays\": [[0, 2], [3, 1]]}},\n"
  "  {\"name\": \"l1\", \"type\": \"LIF\", \"shape\": [4], \"params\": {\"du\": 410, \"dv\": 205, \"vth\": 80, \"bias_mant\": [10, 20, 0, 50], \"bias_exp\": [0, 1, 0, 2]}},\n"
  "  {\"name\": \"lr\", \"type\": \"LIFReset\", \"shape\": [2], \"params\": {\"du\": 800, \"dv\": 100, \"vth\": 60, \"reset_interval\": 7, \"reset_offset\": 2}},\n"
  "  {\"name\": \"lt\", \"type\": \"TernaryLIF\", \"shape\": [4], \"params\": {\"du\": 2048, \"dv\": 512, \"vth_hi\": 8, \"vth_lo\": -3, \"bias_mant\": -1}},\n"
  "  {\"name\": \"l2\", \"type\": \"LIF\", \"shape\": [2], \"params\": {\"du\": 4095, \"dv\": 0, \"vth\": 50}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [4]}\n"
  " ],\n"
  " \"connections\": [\n"
  "  {\"from\": \"src.s_out\", \"to\": \"d1.s_in\"}, {\"from\": \"d1.a_out\", \"to\": \"l1.a_in\"},\n"
  "  {\"from\": \"graded.s_out\", \"to\": \"dg.s_in\"}, {\"from\": \"dg.a_out\", \"to\": \"l1.a_in\"},\n"
  "  {\"from\": \"poi.s_out\", \"to\": \"sp.s_in\"}, {\"from\": \"sp.a_out\", \"to\": \"l1.a_in\"},\n"
  "  {\"from\": \"l1.s_out\", \"to\": \"lt.a_in\"}, {\"from\": \"lt.s_out\", \"to\": \"mon.a_in\"},\n"
  "  {\"from\": \"spk.s_out\", \"to\": \"dd.s_in\"}, {\"from\": \"dd.a_out\", \"to\": \"lr.a_in\"},\n"
  "  {\"from\": \"cur.a_out\", \"to\": \"lr.a_in\"}, {\"from\": \"cur.a_out\", \"to\": \"l2.a_in\"}\n"
  " ]}\n";

/* The float-only biophysical models. */
static const char biophysical[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 100, \"seed\": 2},\n"
  " \"processes\": [\n"
  "  {\"name\": \"cur1\", \"type\": \"CurrentSource\", \"shape\": [3], \"params\": {\"amplitude\": [5, 10, 15]}},\n"
  "  {\"name\": \"cur2\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [300, 600]}},\n"
  "  {\"name\": \"cur3\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [200, 400], \"start\": 10}},\n"
  "  {\"name\": \"poi\", \"type\": \"PoissonSource\", \"shape\": [2], \"params\": {\"rate\": 0.3}},\n"
  "  {\"name\": \"iz\", \"type\": \"Izhikevich\", \"shape\": [3]},\n"
  "  {\"name\": \"ad\", \"type\": \"AdEx\", \"shape\": [2]},\n"
  "  {\"name\": \"cl\", \"type\": \"CondLIF\", \"shape\": [2]},\n"
  "  {\"name\": \"exc\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": [[1.5, 0.5], [0, 2]]}},\n"
  "  {\"name\": \"inh\", \"type\": \"Dense\", \"shape\": [2, 3], \"params\": {\"weights\": [[1, 0, 1], [0, 2, 0]]}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [3]}\n"
  " ],\n"
  " \"connections\": [\n"
  "  {\"from\": \"cur1.a_out\", \"to\": \"iz.a_in\"}, {\"from\": \"cur2.a_out\", \"to\": \"ad.a_in\"},\n"
  "  {\"from\": \"cur3.a_out\", \"to\": \"cl.a_in\"}, {\"from\": \"poi.s_out\", \"to\": \"exc.s_in\"},\n"
  "  {\"from\": \"exc.a_out\", \"to\": \"cl.g_exc_in\"}, {\"from\": \"iz.s_out\", \"to\": \"inh.s_in\"},\n"
  "  {\"from\": \"inh.a_out\", \"to\": \"cl.g_inh_in\"}, {\"from\": \"iz.s_out\", \"to\": \"mon.a_in\"}\n"
  " ]}\n";

/* Neurons defined by equations: the default LIF with a refractory period, and an AdEx with RK4. */
static const char equations[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 300},\n"
  " \"processes\": [\n"
  "  {\"name\": \"cur\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [2e-10, 3e-10]}},\n"
  "  {\"name\": \"lif\", \"type\": \"Equations\", \"shape\": [2]},\n"
  "  {\"name\": \"ad\", \"type\": \"Equations\", \"shape\": [1],\n"
  "   \"equations\": {\"model\": \"dv/dt = (-gl*(v - el) + gl*dT*exp((v - vt)/dT) - w + I)/C : volt\\n"
  "dw/dt = (a*(v - el) - w)/tauw : amp\\nI : amp\\ngl : siemens\\nel : volt\\ndT : volt\\nvt : volt\\n"
  "C : farad\\na : siemens\\ntauw : second\\nb : amp\\nvr : volt\",\n"
  "    \"threshold\": \"v > 0*mV\", \"reset\": \"v = vr; w += b\", \"method\": \"rk4\"},\n"
  "   \"params\": {\"v\": -0.0706, \"I\": 1e-9, \"gl\": 3e-8, \"el\": -0.0706, \"dT\": 0.002, \"vt\": -0.0504,\n"
  "    \"C\": 2.81e-10, \"a\": 4e-9, \"tauw\": 0.144, \"b\": 8.05e-11, \"vr\": -0.0706, \"dt\": 1e-4}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [2]}\n"
  " ],\n"
  " \"connections\": [{\"from\": \"cur.a_out\", \"to\": \"lif.a_in\"}, {\"from\": \"lif.s_out\", \"to\": \"mon.a_in\"}]}\n";

/* Lava's RF, SigmaDelta and ATRLIF, whose models derive values before the first step. */
static const char lava_models_float[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 100},\n"
  " \"processes\": [\n"
  "  {\"name\": \"cur\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [0.6, 1.1], \"stop\": 20}},\n"
  "  {\"name\": \"wave\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[0, 1.5, 3, 1], [2, 2, 0.5, 0], [-1, 0, 1, 4]]}},\n"
  "  {\"name\": \"rf\", \"type\": \"RF\", \"shape\": [2], \"params\": {\"period\": 8, \"alpha\": 0.05, \"vth\": 0.3}},\n"
  "  {\"name\": \"sd\", \"type\": \"SigmaDelta\", \"shape\": [3], \"params\": {\"vth\": 0.4, \"bias\": [0.1, 0, -0.2], \"cum_error\": 1, \"spike_exp\": 1}},\n"
  "  {\"name\": \"w\", \"type\": \"Dense\", \"shape\": [2, 3], \"params\": {\"weights\": [[1, 0.5, 0], [0, 2, 1]], \"num_message_bits\": 16}},\n"
  "  {\"name\": \"at\", \"type\": \"ATRLIF\", \"shape\": [2], \"params\": {\"bias_mant\": [0.5, 1]}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [2]}\n"
  " ],\n"
  " \"connections\": [\n"
  "  {\"from\": \"cur.a_out\", \"to\": \"rf.a_real_in\"}, {\"from\": \"wave.s_out\", \"to\": \"sd.a_in\"},\n"
  "  {\"from\": \"sd.s_out\", \"to\": \"w.s_in\"}, {\"from\": \"w.a_out\", \"to\": \"at.a_in\"},\n"
  "  {\"from\": \"at.s_out\", \"to\": \"mon.a_in\"}\n"
  " ]}\n";

static const char lava_models_fixed[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 100},\n"
  " \"processes\": [\n"
  "  {\"name\": \"cur\", \"type\": \"CurrentSource\", \"shape\": [2], \"params\": {\"amplitude\": [60, 110], \"stop\": 20}},\n"
  "  {\"name\": \"wave\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[0, 15, 30, 10], [20, 20, 5, 0], [-10, 0, 10, 40]]}},\n"
  "  {\"name\": \"rf\", \"type\": \"RF\", \"shape\": [2], \"params\": {\"period\": 8, \"alpha\": 0.05, \"vth\": 30, \"decay_bits\": 12, \"state_exp\": 6}},\n"
  "  {\"name\": \"sd\", \"type\": \"SigmaDelta\", \"shape\": [3], \"params\": {\"vth\": 4, \"bias\": [1, 0, -2], \"state_exp\": 3}},\n"
  "  {\"name\": \"w\", \"type\": \"Dense\", \"shape\": [2, 3], \"params\": {\"weights\": [[10, 5, 0], [0, 20, 12]], \"num_message_bits\": 16}},\n"
  "  {\"name\": \"at\", \"type\": \"ATRLIF\", \"shape\": [2], \"params\": {\"bias_mant\": [50, 100], \"bias_exp\": 1}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [2]}\n"
  " ],\n"
  " \"connections\": [\n"
  "  {\"from\": \"cur.a_out\", \"to\": \"rf.a_real_in\"}, {\"from\": \"wave.s_out\", \"to\": \"sd.a_in\"},\n"
  "  {\"from\": \"sd.s_out\", \"to\": \"w.s_in\"}, {\"from\": \"w.a_out\", \"to\": \"at.a_in\"},\n"
  "  {\"from\": \"at.s_out\", \"to\": \"mon.a_in\"}\n"
  " ]}\n";

/* What to record: every state Var and out-port a user could plot. */
static GPtrArray *
all_probes (const BslGraph *graph)
{
  GPtrArray *probes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      const BslProcType *type = bsl_process_get_proc_type (p);
      for (guint v = 0; v < type->n_vars; v++)
        if (type->vars[v].flags & BSL_VAR_STATE)
          g_ptr_array_add (probes, g_strdup_printf ("%s.%s", bsl_process_get_name (p), type->vars[v].name));
      for (guint k = 0; k < type->n_ports; k++)
        if (type->ports[k].direction == BSL_PORT_OUT)
          g_ptr_array_add (probes, g_strdup_printf ("%s.%s", bsl_process_get_name (p), type->ports[k].name));
    }
  g_ptr_array_add (probes, NULL);
  return probes;
}

static char *
engine_csv (const BslGraph *graph, BslTag tag, guint64 seed, const char *const *probes,
            const char *dir)
{
  g_autoptr (BslRunConfig) config = bsl_run_config_new (tag);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "engine.csv", NULL);
  char *text = NULL;
  BslRuntime *rt;

  config->seed = seed;
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (guint i = 0; probes[i] != NULL; i++)
    {
      bsl_runtime_add_probe (rt, probes[i], BSL_PROBE_RECORD, 0, &error);
      g_assert_no_error (error);
    }
  bsl_runtime_run (rt, STEPS);
  bsl_runtime_write_csv (rt, path, &error);
  g_assert_no_error (error);
  bsl_runtime_free (rt);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
spawn_ok (const char *const *argv, char **out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed:\n%s", argv[0], err);
}

static const char *
compiler (void)
{
  const char *cc = g_getenv ("CC");

  return cc != NULL && *cc != '\0' ? cc : "cc";
}

/* Exports, builds with `cc -O2 net.c -lm` and runs the program: its stdout. */
static char *
exported_csv (const BslGraph *graph, BslTag tag, guint64 seed, const char **probes,
              const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *c_path = g_build_filename (dir, "net.c", NULL);
  g_autofree char *exe = g_build_filename (dir, "net", NULL);
  g_autofree char *steps = g_strdup_printf ("%d", STEPS);
  BslCExportOptions options = {
    .tag = tag, .seed = seed, .has_seed = TRUE, .steps = STEPS, .probes = probes,
  };
  /* Warnings are errors: users build this file with their own flags. */
  const char *cc_argv[] = { compiler (), "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe, c_path,
                            "-lm", NULL };
  const char *run_argv[] = { exe, "--steps", steps, NULL };
  char *out = NULL;

  bsl_c_export_file (graph, c_path, &options, &error);
  g_assert_no_error (error);
  spawn_ok (cc_argv, NULL);
  spawn_ok (run_argv, &out);
  return out;
}

static void
assert_same_csv (const char *what, const char *got, const char *want)
{
  g_auto (GStrv) a = NULL;
  g_auto (GStrv) b = NULL;

  if (g_strcmp0 (got, want) == 0)
    return;
  a = g_strsplit (got, "\n", -1);
  b = g_strsplit (want, "\n", -1);
  for (guint i = 0; a[i] != NULL || b[i] != NULL; i++)
    if (g_strcmp0 (a[i], b[i]) != 0)
      g_error ("%s: the exported program differs from the engine at CSV line %u:\n"
               "  C:      %s\n  engine: %s", what, i + 1, a[i] ? a[i] : "(end)",
               b[i] ? b[i] : "(end)");
}

static void
check_graph (const char *what, const BslGraph *graph, BslTag tag)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autoptr (GPtrArray) probes = all_probes (graph);
  g_autofree char *want = engine_csv (graph, tag, 11, (const char *const *) probes->pdata, dir);
  g_autofree char *got = exported_csv (graph, tag, 11, (const char **) probes->pdata, dir);

  g_assert_cmpuint (strlen (want), >, 100);
  assert_same_csv (what, got, want);
  g_test_message ("%s (%s): %" G_GSIZE_FORMAT " bytes of CSV identical", what,
                  bsl_tag_to_string (tag), strlen (want));
}

static void
test_all_types (gconstpointer data)
{
  const char *json = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "all-types", NULL, &error);

  g_assert_no_error (error);
  check_graph (g_test_get_path (), graph, bsl_graph_get_run_tag (graph));
}

static void
test_example (gconstpointer data)
{
  const char *path = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (path, &error);
  guint tested = 0;

  g_assert_no_error (error);
  for (int tag = 0; tag < BSL_N_TAGS; tag++)
    {
      g_autoptr (GError) local = NULL;
      BslCExportOptions options = { .tag = tag, .steps = -1 };
      g_autofree char *text = NULL;
      if (!bsl_graph_validate (graph, tag, &local))
        {
          g_test_message ("%s is not valid under %s (%s)", path, bsl_tag_to_string (tag),
                          local->message);
          continue;
        }
      text = bsl_c_export_to_string (graph, &options, &local);
      if (g_error_matches (local, BSL_ERROR, BSL_ERROR_UNSUPPORTED))
        {
          /* A process type added after the exporter learnt its kernels: said, not hidden. */
          g_test_skip (local->message);
          return;
        }
      g_assert_no_error (local);
      check_graph (path, graph, tag);
      tested++;
    }
  g_assert_cmpuint (tested, >, 0);
}

static void
test_trace (gconstpointer data)
{
  BslTag tag;
  g_autoptr (BslGraph) graph = test_trace_network (data, &tag);

  check_graph (data, graph, tag);
}

/* -DNET_NO_MAIN: the library API driven from a program of the user's, including reset. */
static void
test_library (void)
{
  static const char driver[] =
    "#include <stdint.h>\n#include <stdio.h>\n#include <stddef.h>\n"
    "int mynet_init (void); void mynet_step (void); void mynet_reset (void);\n"
    "int64_t mynet_time (void); size_t mynet_read (const char *, double *, size_t);\n"
    "int mynet_write (const char *, const double *, size_t); size_t mynet_size (const char *);\n"
    "int main (void)\n{\n"
    "  double v[64], x = 7;\n"
    "  mynet_init ();\n"
    "  if (mynet_size (\"l1.v\") != 4 || mynet_size (\"nope.v\") != 0) return 3;\n"
    "  for (int pass = 0; pass < 2; pass++)\n"
    "    {\n"
    "      for (int t = 0; t < 30; t++)\n"
    "        {\n"
    "          mynet_step ();\n"
    "          size_t n = mynet_read (\"l1.v\", v, 64);\n"
    "          printf (\"%lld\", (long long) mynet_time ());\n"
    "          for (size_t k = 0; k < n; k++) printf (\" %.17g\", v[k]);\n"
    "          n = mynet_read (\"lt.s_out\", v, 64);\n"
    "          for (size_t k = 0; k < n; k++) printf (\" %g\", v[k]);\n"
    "          printf (\"\\n\");\n"
    "        }\n"
    "      mynet_reset ();\n"
    "    }\n"
    "  if (mynet_write (\"l1.vth\", &x, 1) != 0 || mynet_write (\"l1.v\", &x, 3) == 0) return 4;\n"
    "  mynet_read (\"l1.vth\", v, 64);\n"
    "  return v[0] == 7 ? 0 : 5;\n}\n";
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *c_path = g_build_filename (dir, "mynet.c", NULL);
  g_autofree char *main_path = g_build_filename (dir, "main.c", NULL);
  g_autofree char *exe = g_build_filename (dir, "prog", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (all_types_fixed, -1, "lib", NULL, &error);
  BslCExportOptions options = { .tag = BSL_TAG_NONE, .steps = -1, .prefix = "mynet" };
  const char *cc_argv[] = { compiler (), "-O2", "-Wall", "-DMYNET_NO_MAIN", "-o", exe, c_path,
                            main_path, "-lm", NULL };
  const char *run_argv[] = { exe, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GString) want = g_string_new (NULL);
  g_autoptr (BslRunConfig) config = NULL;
  BslRuntime *rt;

  g_assert_no_error (error);
  bsl_c_export_file (graph, c_path, &options, &error);
  g_assert_no_error (error);
  g_file_set_contents (main_path, driver, -1, &error);
  g_assert_no_error (error);
  spawn_ok (cc_argv, NULL);
  spawn_ok (run_argv, &out);

  config = bsl_run_config_new (bsl_graph_get_run_tag (graph));
  config->seed = bsl_graph_get_run_seed (graph);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (int pass = 0; pass < 2; pass++)
    {
      for (int t = 0; t < 30; t++)
        {
          g_autoptr (BslArray) v = NULL;
          g_autoptr (BslArray) s = NULL;
          bsl_runtime_step (rt);
          v = bsl_runtime_get_var (rt, "l1", "v", &error);
          s = bsl_runtime_get_var (rt, "lt", "s_out", &error);
          g_assert_no_error (error);
          g_string_append_printf (want, "%" G_GINT64_FORMAT, bsl_runtime_get_time (rt));
          for (gsize k = 0; k < v->n; k++)
            g_string_append_printf (want, " %.17g", v->data[k]);
          for (gsize k = 0; k < s->n; k++)
            g_string_append_printf (want, " %g", s->data[k]);
          g_string_append_c (want, '\n');
        }
      bsl_runtime_reset (rt);
    }
  bsl_runtime_free (rt);
  assert_same_csv ("library API", out, want->str);
}

/* The program rejects what it cannot do, with status 2. */
static void
test_program_arguments (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *c_path = g_build_filename (dir, "net.c", NULL);
  g_autofree char *exe = g_build_filename (dir, "net", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (all_types_fixed, -1, "args", NULL, &error);
  const char *cc_argv[] = { compiler (), "-O2", "-o", exe, c_path, "-lm", NULL };
  const char *bad[][4] = {
    { exe, "--steps", "ten", NULL },
    { exe, "--probe", "nothere.v", NULL },
    { exe, "--bogus", NULL },
  };
  const char *good[] = { exe, "--steps=3", "--probe", "l1.u", NULL };
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  int status;

  g_assert_no_error (error);
  bsl_c_export_file (graph, c_path, NULL, &error);
  g_assert_no_error (error);
  spawn_ok (cc_argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_spawn_sync (NULL, (char **) bad[i], NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    }
  spawn_ok (good, &out);
  g_assert_true (g_str_has_prefix (out, "step,probe,index,value\n1,l1.u,0,"));
  /* 3 steps x 4 neurons + header */
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3 * 4 + 2);
}

/* basalt export --format c: options reach the program (steps, probe, prefix). */
static void
test_cli (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *c_path = g_build_filename (dir, "cli.c", NULL);
  g_autofree char *exe = g_build_filename (dir, "cli", NULL);
  g_autofree char *example = test_examples_path ("lif-bias.basalt");
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  const char *cc_argv[] = { compiler (), "-O2", "-o", exe, c_path, "-lm", NULL };
  const char *run_argv[] = { exe, NULL };
  int status;

  status = test_run_basalt (&out, &err, "export", example, "--format", "c", "-o", c_path,
                            "--steps", "7", "--probe", "lif.v", "--prefix", "bias_net", NULL);
  g_assert_cmpint (status, ==, 0);
  g_file_get_contents (c_path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "bias_net_step (void)"));
  g_clear_pointer (&out, g_free);
  spawn_ok (cc_argv, NULL);
  spawn_ok (run_argv, &out);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpstr (lines[1], !=, NULL);
  g_assert_true (g_str_has_prefix (lines[1], "1,lif.v,0,"));
  /* 7 steps of lif.v for each neuron, the header and the final empty string */
  {
    g_autoptr (BslGraph) graph = bsl_graph_load_file (example, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (lines), ==,
                      7 * bsl_process_get_dims (bsl_graph_find_process (graph, "lif"))[0] + 2);
  }
}

/* A network with nothing in it still builds under -Wall -Wextra -Werror and prints the header. */
static void
test_empty_network (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data ("{\"format\": \"basalt\", \"version\": 1}", -1,
                                                    "empty", NULL, &error);

  g_assert_no_error (error);
  for (BslTag tag = 0; tag < BSL_N_TAGS; tag++)
    {
      g_autofree char *dir = test_tmp_dir ();
      const char *none[] = { NULL };
      g_autofree char *got = exported_csv (graph, tag, 1, none, dir);
      g_assert_cmpstr (got, ==, "step,probe,index,value\n");
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *fixed = NULL;
  g_autofree char *floating = NULL;
  g_autofree char *examples = NULL;

  g_test_init (&argc, &argv, NULL);
  fixed = test_data_path ("reference", "traces", "fixed", NULL);
  floating = test_data_path ("reference", "traces", "float", NULL);
  examples = test_examples_path ("");

  g_test_add_data_func ("/c-export/all-types/floating_pt", all_types_float, test_all_types);
  g_test_add_data_func ("/c-export/all-types/fixed_pt", all_types_fixed, test_all_types);
  g_test_add_data_func ("/c-export/biophysical/floating_pt", biophysical, test_all_types);
  g_test_add_data_func ("/c-export/lava-models/floating_pt", lava_models_float, test_all_types);
  g_test_add_data_func ("/c-export/equations/floating_pt", equations, test_all_types);
  g_test_add_data_func ("/c-export/lava-models/fixed_pt", lava_models_fixed, test_all_types);
  test_add_dir_cases ("/c-export/examples", examples, ".basalt", test_example);
  test_add_dir_cases ("/c-export/traces/fixed", fixed, ".json", test_trace);
  test_add_dir_cases ("/c-export/traces/float", floating, ".json", test_trace);
  g_test_add_func ("/c-export/library", test_library);
  g_test_add_func ("/c-export/program-arguments", test_program_arguments);
  g_test_add_func ("/c-export/cli", test_cli);
  g_test_add_func ("/c-export/empty-network", test_empty_network);
  return g_test_run ();
}
