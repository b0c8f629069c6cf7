/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bsl-equations-templates.h"
#include "fit-case.h"
#include "test-util.h"

/* `basalt fit` as a user runs it: the result JSON, and exit status 2 with a message naming the
 * file, process and parameter for bad input, leaving no result file behind. */

static char *tmp_dir;

static const FitCase *
find_case (GPtrArray  *cases,
           const char *prefix)
{
  for (guint c = 0; c < cases->len; c++)
    {
      const FitCase *fc = g_ptr_array_index (cases, c);

      if (g_str_has_prefix (fc->name, prefix))
        return fc;
    }
  g_error ("no case %s", prefix);
  return NULL;
}

/* The case's network with the population's parameters scaled, saved as a .basalt file. */
static char *
write_network (const FitCase *fc,
               const char    *name,
               const char    *const *params,
               const double  *factors)
{
  g_autoptr(BslGraph) graph = fit_case_network (fc);
  g_autoptr(GError) error = NULL;
  BslProcess *lif = bsl_graph_find_process (graph, "lif");
  char *path = g_build_filename (tmp_dir, name, NULL);

  for (guint k = 0; params[k] != NULL; k++)
    {
      BslArray *value = bsl_array_copy (bsl_process_get_param (lif, params[k]));

      for (gsize e = 0; e < value->n; e++)
        value->data[e] = (double) (gint64) (value->data[e] * factors[k]);
      g_assert_true (bsl_process_set_param (lif, params[k], value, &error));
    }
  bsl_graph_set_run_tag (graph, fc->tag);
  g_assert_true (bsl_graph_save_file (graph, path, &error));
  g_assert_no_error (error);
  return path;
}

static JsonObject *
parse_result (JsonParser *parser,
              const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_fit_reference_drive (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  static const char *const params[] = { "du", "dv", "vth", NULL };
  static const double factors[] = { 1.3, 0.7, 1.25 };
  g_autofree char *network = NULL, *result = NULL, *out = NULL, *err = NULL, *history = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BslGraph) fitted = NULL;
  const FitCase *fc;
  JsonObject *root, *parameters;
  int status;

  fc = find_case (cases, "p05");
  network = write_network (fc, "p05.basalt", params, factors);
  result = g_build_filename (tmp_dir, "p05.json", NULL);
  history = g_build_filename (tmp_dir, "p05-history.csv", NULL);
  saved = g_build_filename (tmp_dir, "p05-fitted.basalt", NULL);
  status = test_run_basalt (&out, &err, "fit", network, "--process", "lif", "--reference",
                            fc->csv_path, "--params", "du,dv,vth", "-o", result,
                            "--history", history, "--save", saved, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (strstr (out, "exact") != NULL);

  root = parse_result (parser, result);
  g_assert_true (json_object_get_boolean_member (root, "exact"));
  g_assert_cmpstr (json_object_get_string_member (root, "process"), ==, "lif");
  g_assert_cmpstr (json_object_get_string_member (root, "tag"), ==, "fixed_pt");
  g_assert_cmpstr (json_object_get_string_member (root, "drive"), ==, "reference");
  g_assert_cmpint (json_object_get_int_member (root, "evaluations"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (root, "seconds"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (root, "metrics"), "rmse_v"), ==, 0.0);
  parameters = json_object_get_object_member (root, "parameters");
  g_assert_cmpint (json_object_get_int_member (parameters, "du"), ==, 410);
  g_assert_cmpint (json_object_get_int_member (parameters, "dv"), ==, 205);
  g_assert_true (g_file_test (history, G_FILE_TEST_EXISTS));

  /* The saved network runs to the reference (checked through the library, as run would). */
  fitted = bsl_graph_load_file (saved, NULL);
  g_assert_nonnull (fitted);
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (bsl_graph_find_process (fitted, "lif"), "du"), 0), ==, 410);
  g_assert_cmpuint (bsl_graph_get_n_connections (fitted), ==, 2);
}

static void
test_fit_network_drive (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  static const char *const params[] = { "du", "dv", "vth", NULL };
  static const double factors[] = { 1.25, 0.75, 1.3 };
  g_autofree char *network = NULL, *result = NULL, *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const FitCase *fc;
  JsonObject *root;
  int status;

  fc = find_case (cases, "p06");
  network = write_network (fc, "p06.basalt", params, factors);
  result = g_build_filename (tmp_dir, "p06.json", NULL);
  status = test_run_basalt (&out, &err, "fit", network, "--process", "lif", "--reference",
                            fc->csv_path, "--params", "du,dv,vth", "--drive", "network", "-o", result, NULL);
  g_assert_cmpint (status, ==, 0);
  root = parse_result (parser, result);
  g_assert_cmpstr (json_object_get_string_member (root, "drive"), ==, "network");
  g_assert_true (json_object_get_boolean_member (root, "exact"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "parameters"), "du"), ==, 820);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "parameters"), "dv"), ==, 820);
}

static void
test_fit_float (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  static const char *const params[] = { "du", "dv", NULL };
  static const double factors[] = { 0.75, 1.3 };
  g_autofree char *network = NULL, *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const FitCase *fc;
  JsonObject *root;
  int status;

  fc = find_case (cases, "f_spikes_exc");
  network = write_network (fc, "f.basalt", params, factors);
  status = test_run_basalt (&out, &err, "fit", network, "--process", "lif", "--reference",
                            fc->csv_path, "--params", "du,dv", "--method", "nelder-mead",
                            "--metric", "rmse_v=1,van_rossum=0.5", "-o", "-", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "method"), ==, "nelder-mead");
  g_assert_cmpstr (json_object_get_string_member (root, "metric"), ==, "rmse_v=1,van_rossum=0.5");
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (root, "metrics"), "rmse_v"), <, 1e-6);
}

/* Lava's Monitor data saved with numpy.save, one file per variable, (steps, neurons) each. */
static void
test_fit_npy_reference (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  static const char *const params[] = { "du", "dv", "vth", NULL };
  static const double factors[] = { 0.75, 1.3, 1.2 };
  static const char *const vars[] = { "a_in", "u", "v", "s_out" };
  g_autofree char *network = NULL, *out = NULL, *err = NULL;
  g_auto(GStrv) paths = g_new0 (char *, 5);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const FitCase *fc;
  JsonObject *root;
  int status;

  fc = find_case (cases, "p04");
  network = write_network (fc, "p04-npy.basalt", params, factors);
  for (guint v = 0; v < 4; v++)
    {
      gsize dims[2] = { fc->ref->n_steps, fc->ref->n_neurons };
      g_autoptr(BslArray) array = bsl_array_new (2, dims);
      g_autofree char *name = g_strdup_printf ("lif_%s.npy", vars[v]);

      memcpy (array->data, fc->ref->data[v], array->n * sizeof (double));
      paths[v] = g_build_filename (tmp_dir, name, NULL);
      g_assert_true (bsl_npy_save (array, paths[v], NULL));
    }
  status = test_run_basalt (&out, &err, "fit", network, "--process", "lif",
                            "--reference", paths[0], "--reference", paths[1],
                            "--reference", paths[2], "--reference", paths[3],
                            "--params", "du,dv,vth", "-o", "-", NULL);
  if (status != 0)
    g_error ("exit %d: %s", status, err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (root, "exact"));
  g_assert_cmpint (json_object_get_int_member (root, "steps"), ==, fc->ref->n_steps);
  g_assert_cmpint (json_object_get_int_member (root, "neurons"), ==, fc->ref->n_neurons);
}

typedef struct
{
  const char *what;
  const char *args[12];
  const char *pieces[4];
} BadCase;

static void
test_bad_input (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  static const char *const none[] = { NULL };
  g_autofree char *network = NULL, *nan_ref = NULL, *result = NULL;
  g_autofree char *three = NULL, *contents = NULL, *others = NULL;
  const FitCase *fc;

  fc = find_case (cases, "p04");     /* 2 neurons */
  network = write_network (fc, "p04.basalt", none, NULL);
  result = g_build_filename (tmp_dir, "bad.json", NULL);
  three = g_strdup (find_case (cases, "p01")->csv_path);     /* 3 neurons */
  g_assert_true (g_file_get_contents (fc->csv_path, &contents, NULL, NULL));
  {
    char *line = strstr (contents, "\n3,1,");

    g_assert_nonnull (line);
    /* v of step 3, neuron 1 becomes NaN. */
    line = strchr (line + 1, ',');
    line = strchr (line + 1, ',');
    line = strchr (line + 1, ',');
    line = strchr (line + 1, ',');
    memcpy (line + 1, "nan", 3);
  }
  nan_ref = g_build_filename (tmp_dir, "nan.csv", NULL);
  g_assert_true (g_file_set_contents (nan_ref, contents, -1, NULL));
  others = g_build_filename (tmp_dir, "others.basalt", NULL);
  g_assert_true (g_file_set_contents (others,
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"atr\", \"type\": \"ATRLIF\", \"shape\": [1]},"
    "{\"name\": \"iz\", \"type\": \"Izhikevich\", \"shape\": [1]}]}", -1, NULL));

  {
    const BadCase bad[] = {
      { "missing network", { "/nonexistent/net.basalt", "--process", "lif", "--reference", fc->csv_path, "--params", "du" },
        { "/nonexistent/net.basalt" } },
      { "unknown process", { network, "--process", "lif9", "--reference", fc->csv_path, "--params", "du" },
        { "p04.basalt", "lif9" } },
      { "unknown parameter", { network, "--process", "lif", "--reference", fc->csv_path, "--params", "du,tau_m" },
        { "p04.basalt", "'lif'", "tau_m" } },
      { "not a neuron", { network, "--process", "src", "--reference", fc->csv_path, "--params", "data" },
        { "'src'", "RingBuffer" } },
      { "no params", { network, "--process", "lif", "--reference", fc->csv_path },
        { "'lif'", "--params" } },
      { "NaN", { network, "--process", "lif", "--reference", nan_ref, "--params", "du" },
        { "nan.csv", "line", "column 5 (v)" } },
      { "wrong neuron count", { network, "--process", "lif", "--reference", three, "--params", "du" },
        { "wrong neuron count", "'lif'", "p01" } },
      { "bad method", { network, "--process", "lif", "--reference", fc->csv_path, "--params", "du", "--method", "newton" },
        { "newton" } },
      { "bad metric", { network, "--process", "lif", "--reference", fc->csv_path, "--params", "du", "--metric", "rmse_q" },
        { "rmse_q" } },
      { "missing reference", { network, "--process", "lif", "--reference", "/nonexistent/ref.csv", "--params", "du" },
        { "/nonexistent/ref.csv" } },
      { "quantize ATRLIF", { others, "--quantize", "--process", "atr" },
        { "others.basalt", "'atr' (ATRLIF)", "same parameters", "--tag fixed_pt" } },
      { "quantize Izhikevich", { others, "--quantize", "--process", "iz" },
        { "others.basalt", "'iz' (Izhikevich)", "no fixed_pt model" } },
      { "unknown reference process", { others, "--process", "atr", "--reference-process", "nope", "--params", "delta_i" },
        { "others.basalt", "--reference-process", "'nope'" } },
      { "reference process is itself", { others, "--process", "atr", "--reference-process", "atr", "--params", "delta_i" },
        { "others.basalt", "'atr' is the population being fitted" } },
      { "two references", { others, "--process", "atr", "--reference-process", "iz", "--reference", fc->csv_path, "--params", "delta_i" },
        { "others.basalt", "not both" } },
    };

    for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
      {
        g_autoptr(GPtrArray) argv = g_ptr_array_new ();
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) error = NULL;
        const char *exe = g_getenv ("BASALT_EXE");
        int status;

        g_ptr_array_add (argv, (gpointer) exe);
        g_ptr_array_add (argv, (gpointer) "fit");
        for (guint a = 0; bad[b].args[a] != NULL; a++)
          g_ptr_array_add (argv, (gpointer) bad[b].args[a]);
        g_ptr_array_add (argv, (gpointer) "-o");
        g_ptr_array_add (argv, (gpointer) result);
        g_ptr_array_add (argv, NULL);
        g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                     &out, &err, &status, &error));
        g_assert_true (WIFEXITED (status));
        if (WEXITSTATUS (status) != 2)
          g_error ("%s: exit status %d, stderr: %s", bad[b].what, WEXITSTATUS (status), err);
        for (guint p = 0; p < G_N_ELEMENTS (bad[b].pieces) && bad[b].pieces[p] != NULL; p++)
          if (strstr (err, bad[b].pieces[p]) == NULL)
            g_error ("%s: the message '%s' lacks '%s'", bad[b].what, err, bad[b].pieces[p]);
        g_assert_false (g_file_test (result, G_FILE_TEST_EXISTS));
      }
  }
}

static void
test_bench (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *runs;
  int status;

  status = test_run_basalt (&out, &err, "fit", "--bench", "--json", NULL);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  runs = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  for (guint r = 0; r < 2; r++)
    {
      JsonObject *run = json_array_get_object_element (runs, r);

      g_assert_true (json_object_get_boolean_member (run, "recovered"));
      g_assert_cmpint (json_object_get_int_member (run, "steps"), ==, 1000);
      g_test_message ("%s: fit %.3f s, %.0f evaluations/s, one evaluation %.1f us",
                      json_object_get_string_member (run, "tag"),
                      json_object_get_double_member (run, "fit_seconds"),
                      json_object_get_double_member (run, "evaluations_per_second"),
                      json_object_get_double_member (run, "evaluation_microseconds"));
    }
  /* 0 when every fit took under a second (1 otherwise, e.g. under a sanitizer). */
  g_assert_true (status == 0 || status == 1);
}

/* Loihi 2's ATRLIF fitted to the spikes of an Izhikevich regular-spiking neuron, both made and
 * fitted with the command line: `basalt run --out` is the reference. */
static void
test_fit_to_izhikevich (void)
{
  const char *izhikevich =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 1000},"
    " \"processes\": [{\"name\": \"drive\", \"type\": \"CurrentSource\", \"shape\": [1],"
    " \"params\": {\"amplitude\": 10, \"start\": 100, \"stop\": 900}},"
    " {\"name\": \"iz\", \"type\": \"Izhikevich\", \"shape\": [1]}],"
    " \"connections\": [{\"from\": \"drive.a_out\", \"to\": \"iz.a_in\"}]}";
  const char *atrlif =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 1000},"
    " \"processes\": [{\"name\": \"atr\", \"type\": \"ATRLIF\", \"shape\": [1], \"params\":"
    " {\"delta_i\": 0.5, \"delta_v\": 0.05, \"delta_theta\": 0.05, \"delta_r\": 0.2,"
    " \"theta_0\": 10, \"theta\": 10, \"theta_step\": 2}}]}";
  g_autofree char *iz_path = g_build_filename (tmp_dir, "iz.basalt", NULL);
  g_autofree char *atr_path = g_build_filename (tmp_dir, "atr.basalt", NULL);
  g_autofree char *spikes = g_build_filename (tmp_dir, "iz-spikes.csv", NULL);
  g_autofree char *result = g_build_filename (tmp_dir, "atr-fit.json", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *metrics;
  int status;

  g_assert_true (g_file_set_contents (iz_path, izhikevich, -1, NULL));
  g_assert_true (g_file_set_contents (atr_path, atrlif, -1, NULL));
  status = test_run_basalt (&out, &err, "run", iz_path, "--probe", "iz.s_out", "--probe", "iz.a_in",
                            "--out", spikes, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = test_run_basalt (&out, &err, "fit", atr_path, "--process", "atr", "--reference", spikes,
                            "--params", "delta_i,delta_v,delta_theta,delta_r,theta_0,theta_step,bias_mant",
                            "--metric", "van_rossum=1,spike_count=0.5,gamma=5,latency=0.02",
                            "-o", result, NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  metrics = json_object_get_object_member (parse_result (parser, result), "metrics");
  /* every one of the adapting spikes within the coincidence window, none extra */
  g_assert_cmpfloat (json_object_get_double_member (metrics, "spike_count"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (metrics, "gamma_factor"), >=, 0.95);

  /* The same in one network, in one command: the Izhikevich population simulated as the
   * reference of the ATRLIF one; and from a run CSV of both, naming the reference with --var. */
  {
    g_autofree char *both_path = g_build_filename (tmp_dir, "iz-atr.basalt", NULL);
    g_autofree char *both_csv = g_build_filename (tmp_dir, "iz-atr.csv", NULL);
    g_autoptr(BslGraph) both = bsl_graph_load_data (izhikevich, -1, "iz", NULL, NULL);
    g_autoptr(BslGraph) atr = bsl_graph_load_data (atrlif, -1, "atr", NULL, NULL);
    const char *params = "delta_i,delta_v,delta_theta,delta_r,theta_0,theta_step,bias_mant";
    const char *metric = "van_rossum=1,spike_count=0.5,gamma=5,latency=0.02";

    g_assert_true (bsl_graph_insert_process (both, bsl_process_copy (bsl_graph_find_process (atr, "atr")),
                                             -1, NULL));
    g_assert_true (bsl_graph_save_file (both, both_path, NULL));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    status = test_run_basalt (&out, &err, "fit", both_path, "--process", "atr", "--reference-process",
                              "iz", "--params", params, "--metric", metric, "-o", result, NULL);
    g_test_message ("%s%s", out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (err, "iz (Izhikevich) is another model than atr (ATRLIF)"));
    g_clear_object (&parser);
    parser = json_parser_new ();
    metrics = json_object_get_object_member (parse_result (parser, result), "metrics");
    g_assert_cmpfloat (json_object_get_double_member (metrics, "spike_count"), ==, 0);
    g_assert_cmpfloat (json_object_get_double_member (metrics, "gamma_factor"), >=, 0.95);

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    status = test_run_basalt (&out, &err, "run", both_path, "--probe", "iz.s_out", "--probe", "iz.a_in",
                              "--probe", "atr.s_out", "--out", both_csv, NULL);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    status = test_run_basalt (&out, &err, "fit", both_path, "--process", "atr", "--reference", both_csv,
                              "--var", "iz", "--params", params, "--metric", metric, "-o", result, NULL);
    g_assert_cmpint (status, ==, 0);
    g_clear_object (&parser);
    parser = json_parser_new ();
    metrics = json_object_get_object_member (parse_result (parser, result), "metrics");
    g_assert_cmpfloat (json_object_get_double_member (metrics, "gamma_factor"), >=, 0.95);
    g_unlink (both_path);
    g_unlink (both_csv);
  }
  g_unlink (iz_path);
  g_unlink (atr_path);
  g_unlink (spikes);
  g_unlink (result);
}

/* --quantize of RF and SigmaDelta populations driven by a RingBuffer: each parameter's integer
 * and error, headroom, both spike counts; the saved fixed_pt network spikes as the float one. */
static void
test_quantize_resonators (void)
{
  static const char rf_network[] =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"steps\": 300, \"tag\": \"floating_pt\"},"
    " \"processes\": ["
    "  {\"name\": \"kick\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\":"
    "   [[0,0,0,0,0,30.25,0,0,0,0,0,0,0,0,0,0,0,0,0,0], [0,0,0,0,0,0,0,0,0,0,0,41.5,0,0,0,0,0,0,0,0]]}},"
    "  {\"name\": \"rf\", \"type\": \"RF\", \"shape\": [2], \"params\": {\"period\": 12, \"alpha\": 0.04, \"vth\": 6.3}}],"
    " \"connections\": [{\"from\": \"kick.s_out\", \"to\": \"rf.a_real_in\"}]}";
  static const char sd_network[] =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"steps\": 300, \"tag\": \"floating_pt\"},"
    " \"processes\": ["
    "  {\"name\": \"sd\", \"type\": \"SigmaDelta\", \"shape\": [2], \"params\": {\"vth\": 1.7, \"bias\": 0.35}},"
    "  {\"name\": \"wave\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\":"
    "   [[0.5,1.25,2.5,3.75,2.5,1.25,0,-1.25,-2.5,-1.25], [4.5,2.25,0.5,-0.75,-2.5,-1.25,0,1.25,2.5,3.25]]}}],"
    " \"connections\": [{\"from\": \"wave.s_out\", \"to\": \"sd.a_in\"}]}";
  static const struct { const char *process, *param, *json; } cases[] = {
    { "rf", "sin_decay", rf_network }, { "sd", "bias[1]", sd_network } };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *network = g_strdup_printf ("%s/%s.basalt", tmp_dir, cases[c].process);
      g_autofree char *out = NULL, *err = NULL, *saved = g_strdup_printf ("%s/%s-fixed.basalt", tmp_dir, cases[c].process);
      g_autofree char *report = g_strdup_printf ("%s/%s.json", tmp_dir, cases[c].process);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(BslGraph) fixed = NULL;
      JsonObject *root;
      JsonArray *params;
      gboolean found = FALSE;
      gint64 float_spikes;
      int status;

      g_assert_true (g_file_set_contents (network, cases[c].json, -1, NULL));
      status = test_run_basalt (&out, &err, "fit", network, "--quantize", "--process", cases[c].process,
                                "--save", saved, "-o", report, NULL);
      g_test_message ("%s%s", out, err);
      g_assert_cmpint (status, ==, 0);
      root = parse_result (parser, report);
      g_assert_cmpstr (json_object_get_string_member (root, "to"), ==, "fixed_pt");
      params = json_object_get_array_member (root, "parameters");
      for (guint k = 0; k < json_array_get_length (params); k++)
        found = found || g_str_equal (json_object_get_string_member (json_array_get_object_element (params, k), "name"),
                                      cases[c].param);
      g_assert_true (found);
      float_spikes = json_object_get_int_member (json_object_get_object_member (root, "floating_pt"), "spikes");
      g_assert_cmpint (float_spikes, >, 5);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "fixed_pt"), "spikes"), ==,
                       float_spikes);
      g_assert_true (strstr (out, "headroom") != NULL);
      /* the saved network runs under fixed_pt and its population spikes as often as the float one */
      fixed = bsl_graph_load_file (saved, &error);
      g_assert_no_error (error);
      g_assert_cmpint (bsl_graph_get_run_tag (fixed), ==, BSL_TAG_FIXED_PT);
      {
        g_autoptr(BslReference) ref = bsl_reference_from_network (fixed, cases[c].process, 300, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (bsl_reference_count_spikes (ref, -1), ==, (gsize) float_spikes);
      }
    }
  /* a fixed_pt population has nothing to convert from; SigmaDelta's scaled drive needs a RingBuffer */
  {
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *fixed_network = g_build_filename (tmp_dir, "resonators-fixed-tag.basalt", NULL);
    g_autoptr(GString) edited = g_string_new (rf_network);

    g_string_replace (edited, "\"floating_pt\"", "\"fixed_pt\"", 1);
    g_assert_true (g_file_set_contents (fixed_network, edited->str, -1, NULL));
    g_assert_cmpint (test_run_basalt (&out, &err, "fit", fixed_network, "--quantize", "--process", "rf", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "resonators-fixed-tag.basalt"));
    g_assert_nonnull (strstr (err, "'rf' (RF) runs under fixed_pt"));
  }
}

/* Lava's LIF written as equations (the lava_lif template) fitted to Lava's float trace: the
 * teacher-forced stage holds its u and v to the reference through the runtime. */
static void
test_fit_equations_lava_lif (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  static const char *const params[] = { "du", "dv", "vth", "bias_mant" };
  static const double factors[] = { 1.3, 0.75, 0.75, 1.0 };
  g_autofree char *network = g_build_filename (tmp_dir, "eq-lava-lif.basalt", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) truth = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  const BslProcess *lif;
  BslProcess *eq;
  JsonObject *root, *metrics, *fitted;
  const FitCase *fc;
  int status;

  fc = find_case (cases, "f_current_const");
  truth = fit_case_network (fc);
  lif = bsl_graph_find_process (truth, "lif");
  eq = bsl_graph_add_process (graph, "Equations", "eq", bsl_process_get_ndim (lif), bsl_process_get_dims (lif), &error);
  g_assert_no_error (error);
  g_assert_true (bsl_process_apply_equations_template (eq, bsl_equations_template_find ("lava_lif"), &error));
  for (guint k = 0; k < G_N_ELEMENTS (params); k++)
    {
      g_autoptr(BslArray) value = bsl_process_dup_param_full (lif, params[k], &error);

      g_assert_no_error (error);
      for (gsize e = 0; e < value->n; e++)
        value->data[e] *= factors[k];
      g_assert_true (bsl_process_set_param (eq, params[k], g_steal_pointer (&value), &error));
    }
  bsl_graph_set_run_tag (graph, BSL_TAG_FLOATING_PT);
  g_assert_true (bsl_graph_save_file (graph, network, &error));
  g_assert_no_error (error);

  status = test_run_basalt (&out, &err, "fit", network, "--process", "eq", "--reference",
                            fc->csv_path, "--params", "du,dv,vth", "-o", "-", NULL);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  metrics = json_object_get_object_member (root, "metrics");
  fitted = json_object_get_object_member (root, "parameters");
  g_test_message ("rmse v %g, rmse u %g, du[0] %.17g in %g s",
                  json_object_get_double_member (metrics, "rmse_v"),
                  json_object_get_double_member (metrics, "rmse_u"),
                  json_array_get_double_element (json_object_get_array_member (fitted, "du"), 0),
                  json_object_get_double_member (root, "seconds"));
  g_assert_cmpfloat (json_object_get_double_member (metrics, "rmse_v"), <, 1e-9);
  g_assert_cmpfloat (json_object_get_double_member (metrics, "rmse_u"), <, 1e-9);
  g_assert_cmpfloat (json_object_get_double_member (metrics, "spike_count"), ==, 0);
  g_unlink (network);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_tmp_dir ();
  g_test_add_func ("/fit/cli/quantize-resonators", test_quantize_resonators);
  g_test_add_func ("/fit/cli/reference-drive", test_fit_reference_drive);
  g_test_add_func ("/fit/cli/network-drive", test_fit_network_drive);
  g_test_add_func ("/fit/cli/float", test_fit_float);
  g_test_add_func ("/fit/cli/npy-reference", test_fit_npy_reference);
  g_test_add_func ("/fit/cli/to-izhikevich", test_fit_to_izhikevich);
  g_test_add_func ("/fit/cli/equations-lava-lif", test_fit_equations_lava_lif);
  g_test_add_func ("/fit/cli/bad-input", test_bad_input);
  g_test_add_func ("/fit/cli/bench", test_bench);
  status = g_test_run ();
  fit_remove_tmp_dir (tmp_dir, FALSE);
  g_free (tmp_dir);
  return status;
}
