/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "bsl-atomic-file.h"
#include "bsl-json-numbers.h"
#include "basalt-cli.h"
#include "basalt-engine.h"
#include "fit/bsl-fit.h"
#include "fit/bsl-quantize.h"
#include "fit/bsl-tag-compare.h"

/* basalt fit: fits parameters of one neuron population to a reference trace and writes the
 * result as JSON. basalt fit --bench: times a 4-parameter fit to a 1000-step trace. */

#define fail_message(...) basalt_cli_fail_input ("fit", __VA_ARGS__)

/* A value as JSON: a number for a scalar or a uniform array, otherwise a list. */
static JsonNode *
array_to_json (const BslArray *array,
               gboolean        integer)
{
  if (array->n == 1)
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      if (integer)
        json_node_set_int (node, (gint64) array->data[0]);
      else
        json_node_set_double (node, array->data[0]);
      return node;
    }
  {
    JsonArray *list = json_array_sized_new (array->n);

    for (gsize k = 0; k < array->n; k++)
      if (integer)
        json_array_add_int_element (list, (gint64) array->data[k]);
      else
        json_array_add_double_element (list, array->data[k]);
    return json_node_init_array (json_node_alloc (), list);
  }
}

static JsonNode *
parameters_json (BslFitProblem *problem,
                 const double  *x)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean fixed = bsl_fit_problem_get_tag (problem) == BSL_TAG_FIXED_PT;
  const char *last = NULL;

  json_builder_begin_object (builder);
  for (guint k = 0; k < bsl_fit_problem_get_n_dims (problem); k++)
    {
      const char *var = bsl_fit_problem_get_dim_var (problem, k);
      g_autoptr(BslArray) value = NULL;
      gboolean integer;

      if (last != NULL && g_str_equal (last, var))
        continue;
      last = var;
      bsl_fit_problem_get_bounds (problem, k, NULL, NULL, &integer);
      value = bsl_fit_problem_dup_var (problem, x, var);
      json_builder_set_member_name (builder, var);
      json_builder_add_value (builder, array_to_json (value, integer || fixed));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
result_json (BslFit        *fit,
             BslFitProblem *problem,
             const char    *network_path,
             const char    *reference_path,
             const char    *type_name,
             const char    *drive,
             const double  *start,
             const double  *best,
             BslOptimizerStop stop)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *metric = bsl_metric_config_to_string (bsl_fit_problem_get_metric (problem));
  const BslReference *ref = bsl_fit_problem_get_reference (problem);
  BslMetricValues values;
  double seconds = bsl_fit_get_seconds (fit);
  guint64 evaluations = bsl_fit_get_n_evaluations (fit);

  bsl_fit_get_metrics (fit, &values);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "network");
  json_builder_add_string_value (builder, network_path);
  json_builder_set_member_name (builder, "process");
  json_builder_add_string_value (builder, bsl_fit_problem_get_process_name (problem));
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type_name);
  json_builder_set_member_name (builder, "tag");
  json_builder_add_string_value (builder, bsl_tag_to_string (bsl_fit_problem_get_tag (problem)));
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, reference_path);
  json_builder_set_member_name (builder, "steps");
  json_builder_add_int_value (builder, ref->n_steps);
  json_builder_set_member_name (builder, "neurons");
  json_builder_add_int_value (builder, ref->n_neurons);
  json_builder_set_member_name (builder, "drive");
  json_builder_add_string_value (builder, drive);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, bsl_optimizer_method_to_string (bsl_fit_get_method (fit)));
  json_builder_set_member_name (builder, "metric");
  json_builder_add_string_value (builder, metric);
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, parameters_json (problem, best));
  json_builder_set_member_name (builder, "start");
  json_builder_add_value (builder, parameters_json (problem, start));
  json_builder_set_member_name (builder, "metrics");
  json_builder_begin_object (builder);
  for (guint m = 0; m < BSL_N_METRICS; m++)
    _bsl_json_builder_add_number (builder, bsl_metric_to_string (m), values.values[m]);
  _bsl_json_builder_add_number (builder, "gamma_factor", values.gamma);
  _bsl_json_builder_add_number (builder, "objective", values.total);
  json_builder_end_object (builder);
  if (bsl_fit_problem_get_tag (problem) == BSL_TAG_FIXED_PT)
    {
      json_builder_set_member_name (builder, "exact");
      json_builder_add_boolean_value (builder, bsl_fit_is_exact (fit));
    }
  json_builder_set_member_name (builder, "stop");
  json_builder_add_string_value (builder, bsl_optimizer_stop_to_string (stop));
  json_builder_set_member_name (builder, "evaluations");
  json_builder_add_int_value (builder, evaluations);
  _bsl_json_builder_add_number (builder, "seconds", seconds);
  _bsl_json_builder_add_number (builder, "evaluations_per_second", seconds > 0 ? evaluations / seconds : 0.0);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/* --- the benchmark ---------------------------------------------------------------------------- */

/* A deterministic drive with structure at several time scales: bursts and a slow ramp. */
static void
bench_drive (double *a_in,
             gsize   steps)
{
  guint64 state = 12345;

  for (gsize t = 0; t < steps; t++)
    {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      a_in[t] = ((state >> 33) % 100 < 15 ? 40.0 + (double) ((state >> 40) % 60) : 0.0)
                + (double) ((t / 100) % 3) * 2.0;
    }
}

static int
run_bench (gint64   steps,
           gboolean json)
{
  static const struct { BslTag tag; const char *params; } cases[] = {
    { BSL_TAG_FIXED_PT, "du,dv,vth,bias_mant" },
    { BSL_TAG_FLOATING_PT, "du,dv,vth,bias_mant" },
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean all_fast = TRUE;

  if (steps <= 0)
    steps = 1000;
  json_builder_begin_array (builder);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      gboolean fixed = cases[c].tag == BSL_TAG_FIXED_PT;
      gsize one = 1;
      g_autoptr(BslProcess) truth = bsl_process_new (bsl_proc_type_lookup ("LIF"), "lif", 1, &one);
      g_autoptr(BslReference) ref = bsl_reference_new (steps, 1, "bench");
      g_autoptr(BslReference) trace = NULL;
      g_autoptr(GError) error = NULL;
      BslFitProblem *problem;
      BslFitOptions options;
      BslFit *fit;
      double x[4], start[4], best[4];
      gint64 t0;
      double eval_seconds, fit_seconds;
      guint64 evaluations;
      const guint n_evals = 2000;
      gboolean exact_or_close;

      bsl_process_set_param (truth, "du", bsl_array_new_scalar (fixed ? 410 : 0.1), NULL);
      bsl_process_set_param (truth, "dv", bsl_array_new_scalar (fixed ? 205 : 0.05), NULL);
      bsl_process_set_param (truth, "vth", bsl_array_new_scalar (fixed ? 200 : 12800), NULL);
      bsl_process_set_param (truth, "bias_mant", bsl_array_new_scalar (fixed ? 30 : 30 * 64), NULL);
      if (fixed)
        bsl_process_set_param (truth, "bias_exp", bsl_array_new_scalar (6), NULL);
      ref->data[BSL_REF_A_IN] = g_new0 (double, steps);
      bench_drive (ref->data[BSL_REF_A_IN], steps);
      if (!fixed)
        for (gint64 t = 0; t < steps; t++)
          ref->data[BSL_REF_A_IN][t] *= 64.0;
      ref->data[BSL_REF_U] = g_new0 (double, steps);
      ref->data[BSL_REF_V] = g_new0 (double, steps);
      ref->data[BSL_REF_SPIKE] = g_new0 (double, steps);

      /* The reference is the model itself at the true parameters. */
      problem = bsl_fit_problem_new (truth, cases[c].tag, ref, NULL, &error);
      if (problem == NULL || !bsl_fit_problem_add_params (problem, cases[c].params, &error))
        return basalt_cli_fail ("fit", error);
      bsl_fit_problem_get_start (problem, x);
      trace = bsl_fit_problem_new_trace (problem);
      bsl_fit_problem_simulate (problem, x, trace, NULL);
      for (guint v = BSL_REF_U; v <= BSL_REF_SPIKE; v++)
        memcpy (ref->data[v], trace->data[v], steps * sizeof (double));
      bsl_fit_problem_free (problem);
      problem = bsl_fit_problem_new (truth, cases[c].tag, ref, NULL, &error);
      bsl_fit_problem_add_params (problem, cases[c].params, NULL);

      /* One evaluation: simulate and score. */
      t0 = g_get_monotonic_time ();
      for (guint k = 0; k < n_evals; k++)
        bsl_fit_problem_evaluate (problem, x, FALSE, NULL);
      eval_seconds = (g_get_monotonic_time () - t0) / 1e6 / n_evals;

      /* The fit, from 25 % off in every parameter. */
      for (guint k = 0; k < 4; k++)
        start[k] = fixed ? nearbyint (x[k] * (k % 2 ? 0.75 : 1.25)) : x[k] * (k % 2 ? 0.75 : 1.25);
      bsl_fit_options_init (&options);
      fit = bsl_fit_new (problem, &options);
      bsl_fit_set_start (fit, start);
      bsl_fit_run (fit);
      bsl_fit_get_best (fit, best);
      fit_seconds = bsl_fit_get_seconds (fit);
      evaluations = bsl_fit_get_n_evaluations (fit);
      if (fixed)
        exact_or_close = bsl_fit_is_exact (fit);
      else
        {
          BslMetricValues values;

          bsl_fit_get_metrics (fit, &values);
          exact_or_close = values.values[BSL_METRIC_RMSE_V] < 1e-6;
        }
      all_fast = all_fast && fit_seconds < 1.0 && exact_or_close;

      if (json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "tag");
          json_builder_add_string_value (builder, bsl_tag_to_string (cases[c].tag));
          json_builder_set_member_name (builder, "steps");
          json_builder_add_int_value (builder, steps);
          json_builder_set_member_name (builder, "parameters");
          json_builder_add_string_value (builder, cases[c].params);
          json_builder_set_member_name (builder, "method");
          json_builder_add_string_value (builder, bsl_optimizer_method_to_string (bsl_fit_get_method (fit)));
          _bsl_json_builder_add_number (builder, "evaluation_microseconds", eval_seconds * 1e6);
          _bsl_json_builder_add_number (builder, "fit_seconds", fit_seconds);
          json_builder_set_member_name (builder, "evaluations");
          json_builder_add_int_value (builder, evaluations);
          _bsl_json_builder_add_number (builder, "evaluations_per_second", evaluations / MAX (fit_seconds, 1e-9));
          json_builder_set_member_name (builder, "recovered");
          json_builder_add_boolean_value (builder, exact_or_close);
          json_builder_end_object (builder);
        }
      else
        printf ("%-11s %d-step LIF, 4 parameters (%s): one evaluation %.1f us; fit %.3f s, "
                "%" G_GUINT64_FORMAT " evaluations, %.0f evaluations/s, %s\n",
                bsl_tag_to_string (cases[c].tag), (int) steps, bsl_optimizer_method_to_string (bsl_fit_get_method (fit)),
                eval_seconds * 1e6, fit_seconds, evaluations,
                evaluations / MAX (fit_seconds, 1e-9),
                exact_or_close ? (fixed ? "recovered exactly" : "recovered (rmse < 1e-6)")
                               : "NOT recovered");
      bsl_fit_free (fit);
      bsl_fit_problem_free (problem);
    }
  json_builder_end_array (builder);
  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      printf ("%s\n", text);
    }
  return all_fast ? BASALT_EXIT_OK : BASALT_EXIT_FAILURE;
}

/* --- basalt fit --quantize ------------------------------------------------------------------- */

static int
write_report (const char  *report,
              const char  *out,
              BslGraph    *fixed,
              const char  *save)
{
  g_autoptr(GError) error = NULL;

  if (out != NULL && g_str_equal (out, "-"))
    printf ("%s\n", report);
  else if (out != NULL && !bsl_write_file_atomic (out, report, strlen (report), &error))
    return basalt_cli_fail ("fit", error);
  if (save != NULL && !bsl_graph_save_file (fixed, save, &error))
    return basalt_cli_fail ("fit", error);
  return BASALT_EXIT_OK;
}

/* RF and SigmaDelta: through the comparison of tags the Tuner shows. */
static int
run_quantize_by_tags (const char *path,
                      BslGraph   *graph,
                      const char *process,
                      gint64      steps,
                      const char *out,
                      const char *save)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) fixed = NULL;
  g_autoptr(BslTagComparison) c = bsl_tag_comparison_network (graph, process, steps, save != NULL ? &fixed : NULL,
                                                              &error);
  g_autofree char *report = NULL;

  if (c == NULL)
    {
      g_prefix_error (&error, "%s: ", path);
      return basalt_cli_fail ("fit", error);
    }
  printf ("%s: scale %g; fixed vs float over %" G_GSIZE_FORMAT " steps: rmse %s %.6g, spikes %" G_GSIZE_FORMAT
          " / %" G_GSIZE_FORMAT "; headroom %s %.1f bits, %s %.1f bits\n", process, c->scale,
          c->traces[0]->n_steps, c->v_name, c->rmse_v_between, c->spikes[BSL_TAG_FIXED_PT],
          c->spikes[BSL_TAG_FLOATING_PT], c->u_name, c->u_headroom_bits, c->v_name, c->v_headroom_bits);
  for (guint k = 0; k < c->params->len; k++)
    {
      const BslQuantizeParam *p = &g_array_index (c->params, BslQuantizeParam, k);

      printf ("  %-28s %-12.6g -> %-8.0f = %-12.6g error %.3g (%.3g %%)\n", p->name, p->float_value,
              p->fixed_value, p->represented, p->abs_error, 100.0 * p->rel_error);
    }
  report = bsl_tag_comparison_to_json (c);
  return write_report (report, out, fixed, save);
}

static int
run_quantize (const char *path,
              const char *process,
              gint64      steps,
              const char *out,
              const char *save)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, &error);
  g_autoptr(BslGraph) fixed = NULL;
  g_autofree char *report = NULL;
  BslQuantizeResult *r;

  if (graph == NULL)
    return basalt_cli_fail ("fit", error);
  {
    const BslProcess *p = process != NULL ? bsl_graph_find_process (graph, process) : NULL;

    const char *type = p != NULL ? bsl_process_get_proc_type (p)->name : NULL;

    if (type != NULL && (g_str_equal (type, "RF") || g_str_equal (type, "SigmaDelta")))
      return run_quantize_by_tags (path, graph, process, steps, out, save);
  }
  r = bsl_quantize_network (graph, process, steps, TRUE, &fixed, &error);
  if (r == NULL)
    {
      g_prefix_error (&error, "%s: ", path);
      return basalt_cli_fail ("fit", error);
    }
  report = bsl_quantize_result_to_json (r);
  printf ("%s: scale %g; du %d, dv %d, vth %d; fixed vs float over %" G_GSIZE_FORMAT " steps: "
          "rmse v %.6g, spikes %" G_GSIZE_FORMAT " / %" G_GSIZE_FORMAT ", gamma %.4f; "
          "headroom u %.1f bits, v %.1f bits%s\n",
          process, r->scale, r->du, r->dv, r->vth, r->n_steps, r->error.values[BSL_METRIC_RMSE_V],
          r->spikes_fixed, r->spikes_float, r->error.gamma, r->u_headroom_bits, r->v_headroom_bits,
          r->refined ? " (refined by an integer fit)" : "");
  for (guint k = 0; k < r->params->len; k++)
    {
      const BslQuantizeParam *p = &g_array_index (r->params, BslQuantizeParam, k);

      printf ("  %-28s %-12.6g -> %-8.0f = %-12.6g error %.3g (%.3g %%)\n", p->name, p->float_value,
              p->fixed_value, p->represented, p->abs_error, 100.0 * p->rel_error);
    }
  bsl_quantize_result_free (r);
  return write_report (report, out, fixed, save);
}

/* --- basalt fit ------------------------------------------------------------------------------- */

int
basalt_cli_fit (int    argc,
                char **argv)
{
  g_autofree char *process_name = NULL, *params = NULL, *tag_text = NULL, *metric = NULL;
  g_autofree char *method_text = NULL, *out = NULL, *drive_text = NULL, *var = NULL;
  g_autofree char *history = NULL, *save = NULL, *step_errors = NULL;
  g_auto(GStrv) references = NULL;
  g_autofree char *reference_process = NULL;
  gint64 seed = 1, max_evals = 400000, bench_steps = -1;
  double tau = 10.0, window = 2.0;
  gboolean bench = FALSE, json = FALSE, no_forcing = FALSE, quantize = FALSE;
  GOptionEntry entries[] = {
    { "process", 0, 0, G_OPTION_ARG_STRING, &process_name, "The neuron population to fit", "NAME" },
    { "reference", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &references,
      "Reference trace: long CSV (step,neuron,a_in,u,v,spike), wide CSV or .npy; repeat to combine", "REF" },
    { "reference-process", 0, 0, G_OPTION_ARG_STRING, &reference_process,
      "Simulate this population of the same network as the reference (e.g. an Izhikevich "
      "population to fit a LIF or ATRLIF to); --steps sets its length", "NAME" },
    { "var", 0, 0, G_OPTION_ARG_STRING, &var, "Variable of a wide CSV or .npy reference (a_in, u, v, spike); for a basalt run CSV, the process whose probes to use (for a LearningDense, the weights' probe)", "VAR" },
    { "params", 0, 0, G_OPTION_ARG_STRING, &params, "Parameters to fit, e.g. du,dv,vth,bias_mant[0]; "
      "for a LearningDense its rule's x1_impulse, x1_tau, ..., dw[0], or STDPLoihi's learning_rate, "
      "A_plus, A_minus, tau_plus, tau_minus", "P1,P2,..." },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag_text, "floating_pt or fixed_pt (default: the process's, else the file's)", "TAG" },
    { "metric", 0, 0, G_OPTION_ARG_STRING, &metric,
      "rmse_v, rmse_u, spike_count, van_rossum, gamma, latency, or a weighted sum rmse_v=1,gamma=10 "
      "(default rmse_v=1,rmse_u=1)", "METRIC" },
    { "tau", 0, 0, G_OPTION_ARG_DOUBLE, &tau, "Van Rossum time constant in steps (default 10)", "STEPS" },
    { "window", 0, 0, G_OPTION_ARG_DOUBLE, &window, "Coincidence window of gamma in steps (default 2)", "STEPS" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method_text,
      "integer, cma-es or nelder-mead (default: integer under fixed_pt, cma-es under floating_pt)", "METHOD" },
    { "drive", 0, 0, G_OPTION_ARG_STRING, &drive_text,
      "reference (the reference's a_in column, default when it has one) or network", "DRIVE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the search (default 1)", "S" },
    { "max-evals", 0, 0, G_OPTION_ARG_INT64, &max_evals, "Evaluation budget (default 400000)", "N" },
    { "no-forcing", 0, 0, G_OPTION_ARG_NONE, &no_forcing, "Skip the teacher-forced first stage", NULL },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history, "Write every candidate as CSV", "FILE.csv" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, "Write the network with the fitted parameters", "OUT.basalt" },
    { "step-errors", 0, 0, G_OPTION_ARG_FILENAME, &step_errors,
      "LearningDense: write the weight error of every step (step,max_abs_error,rmse)", "FILE.csv" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the result as JSON ('-': stdout)", "RESULT.json" },
    { "quantize", 0, 0, G_OPTION_ARG_NONE, &quantize,
      "Convert the floating_pt LIF (and its incoming Dense), RF or SigmaDelta process to Loihi 2 integers",
      NULL },
    { "bench", 0, 0, G_OPTION_ARG_NONE, &bench, "Time 4-parameter fits to a 1000-step trace", NULL },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &bench_steps,
      "Trace length of --bench (default 1000), --quantize and --reference-process (default: "
      "the file's run.steps)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "--bench: print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("FILE.basalt --process NAME --reference REF.csv --params P1,P2,... - fit neuron parameters to a reference trace");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(BslReference) ref = NULL;
  g_autofree double *start = NULL, *best = NULL;
  g_autofree char *result = NULL;
  const BslProcess *process;
  BslFitProblem *problem = NULL;
  BslFit *fit = NULL;
  BslFitOptions options;
  BslMetricConfig metric_config;
  BslOptimizerMethod method = BSL_N_OPTIMIZERS;
  BslOptimizerStop stop;
  BslTag tag;
  gboolean network_drive;
  int status = BASALT_EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return basalt_cli_fail ("fit", error);
  if (bench)
    return run_bench (bench_steps > 0 ? bench_steps : 1000, json);

  if (argc != 2)
    return fail_message ("give exactly one network file (basalt fit FILE.basalt --process NAME "
                         "--reference REF.csv --params P1,P2,...)");
  if (process_name == NULL)
    return fail_message ("%s: --process NAME is required (the neuron population to fit)", argv[1]);
  if (quantize)
    return run_quantize (argv[1], process_name, bench_steps, out, save);
  if ((references == NULL || references[0] == NULL) && reference_process == NULL)
    return fail_message ("%s: --reference REF or --reference-process NAME is required", argv[1]);
  if (references != NULL && references[0] != NULL && reference_process != NULL)
    return fail_message ("%s: give --reference or --reference-process, not both", argv[1]);
  if (params == NULL)
    return fail_message ("%s: process '%s': --params P1,P2,... is required (e.g. du,dv,vth)",
                         argv[1], process_name);
  if (method_text != NULL && !bsl_optimizer_method_from_string (method_text, &method))
    return fail_message ("--method must be integer, cma-es or nelder-mead, not '%s'", method_text);
  if (drive_text != NULL && !g_str_equal (drive_text, "reference") && !g_str_equal (drive_text, "network"))
    return fail_message ("--drive must be reference or network, not '%s'", drive_text);
  if (max_evals < 1)
    return fail_message ("--max-evals must be at least 1");
  if (!(tau > 0) || !(window >= 0))
    return fail_message ("--tau must be > 0 and --window >= 0");

  graph = bsl_graph_load_file (argv[1], &error);
  if (graph == NULL)
    return basalt_cli_fail ("fit", error);
  process = bsl_graph_find_process (graph, process_name);
  if (process == NULL)
    return fail_message ("%s: no process named '%s'", argv[1], process_name);
  if (bsl_process_get_learning_rule (process) != NULL)
    {
      BasaltCliRuleFit rule_fit = {
        .network_path = argv[1], .process = process_name, .probe = var, .params = params,
        .tag = tag_text, .method = method_text, .seed = seed, .max_evaluations = max_evals,
        .out = out, .save = save, .step_errors = step_errors, .history = history,
      };

      const char *other = metric != NULL ? "--metric" : drive_text != NULL ? "--drive"
                          : no_forcing ? "--no-forcing" : reference_process != NULL ? "--reference-process" : NULL;

      if (other != NULL)
        return fail_message ("%s: process '%s' (LearningDense): %s does not apply to a rule fit "
                             "(the weights of every step are compared)", argv[1], process_name, other);
      if (references == NULL || references[0] == NULL || references[1] != NULL)
        return fail_message ("%s: process '%s' (LearningDense): give one weight trajectory as "
                             "--reference (rows step,probe,index,value of %s.weights)", argv[1],
                             process_name, process_name);
      rule_fit.reference = references[0];
      return basalt_cli_fit_rule (&rule_fit);
    }
  if (step_errors != NULL)
    return fail_message ("%s: --step-errors reports the weights of a LearningDense; process "
                         "'%s' is a %s", argv[1], process_name, bsl_process_get_proc_type (process)->name);
  tag = bsl_process_resolve_tag (process, bsl_graph_get_run_tag (graph));
  if (tag_text != NULL && !bsl_tag_from_string (tag_text, &tag))
    return fail_message ("--tag must be floating_pt or fixed_pt, not '%s'", tag_text);

  if (reference_process != NULL)
    {
      if (g_str_equal (reference_process, process_name))
        return fail_message ("%s: --reference-process '%s' is the population being fitted",
                             argv[1], process_name);
      ref = bsl_reference_from_network (graph, reference_process,
                                        bench_steps > 0 ? bench_steps : bsl_graph_get_run_steps (graph), &error);
      if (ref == NULL)
        {
          g_prefix_error (&error, "%s: --reference-process: ", argv[1]);
          return basalt_cli_fail ("fit", error);
        }
      {
        const BslProcess *reference = bsl_graph_find_process (graph, reference_process);
        const char *reference_type = bsl_process_get_proc_type (reference)->name;

        if (bsl_reference_keep_comparable (ref, reference_type, bsl_process_get_proc_type (process)->name))
          g_printerr ("basalt fit: note: %s (%s) is another model than %s (%s): its input and "
                      "spikes are the reference, not its u and v\n", reference_process,
                      reference_type, process_name, bsl_process_get_proc_type (process)->name);
      }
    }
  for (guint r = 0; references != NULL && references[r] != NULL; r++)
    {
      g_autoptr(BslReference) part = bsl_reference_load (references[r], var, &error);

      if (part == NULL)
        return basalt_cli_fail ("fit", error);
      if (ref == NULL)
        ref = g_steal_pointer (&part);
      else if (!bsl_reference_merge (ref, part, &error))
        return basalt_cli_fail ("fit", error);
    }

  bsl_metric_config_init (&metric_config);
  metric_config.van_rossum_tau = tau;
  metric_config.gamma_window = window;
  if (metric != NULL && !bsl_metric_config_parse (&metric_config, metric, &error))
    return basalt_cli_fail ("fit", error);
  if (!bsl_metric_config_check (&metric_config, ref, metric != NULL, &error))
    return basalt_cli_fail ("fit", error);

  network_drive = drive_text != NULL ? g_str_equal (drive_text, "network")
                                     : !bsl_reference_has_var (ref, BSL_REF_A_IN);
  if (!network_drive && !bsl_reference_has_var (ref, BSL_REF_A_IN))
    return fail_message ("%s: --drive reference needs an a_in column in the reference",
                         references != NULL ? references[0] : argv[1]);

  problem = bsl_fit_problem_new (process, tag, ref, network_drive ? graph : NULL, &error);
  if (problem == NULL)
    {
      g_prefix_error (&error, "%s: ", argv[1]);
      return basalt_cli_fail ("fit", error);
    }
  if (!bsl_fit_problem_add_params (problem, params, &error))
    {
      g_prefix_error (&error, "%s: ", argv[1]);
      status = basalt_cli_fail ("fit", error);
      goto out;
    }
  bsl_fit_problem_set_metric (problem, &metric_config);

  bsl_fit_options_init (&options);
  options.method = method;
  options.seed = (guint64) seed;
  options.max_evaluations = (guint64) max_evals;
  options.forcing = !no_forcing;
  options.record_history = history != NULL;
  fit = bsl_fit_new (problem, &options);
  start = g_new0 (double, bsl_fit_problem_get_n_dims (problem));
  best = g_new0 (double, bsl_fit_problem_get_n_dims (problem));
  bsl_fit_problem_get_start (problem, start);

  /* A model that cannot be simulated at all would otherwise look like a perfect fit. */
  {
    g_autoptr(BslReference) trial = bsl_fit_problem_new_trace (problem);
    if (!bsl_fit_problem_simulate (problem, start, trial, &error))
      {
        g_prefix_error (&error, "%s: ", argv[1]);
        status = basalt_cli_fail ("fit", error);
        goto out;
      }
  }

  stop = bsl_fit_run (fit);
  bsl_fit_get_best (fit, best);

  result = result_json (fit, problem, argv[1], reference_process != NULL ? ref->display_name : references[0],
                        bsl_process_get_proc_type (process)->name,
                        network_drive ? "network" : "reference", start, best, stop);
  if (out != NULL && g_str_equal (out, "-"))
    printf ("%s\n", result);
  else
    {
      BslMetricValues values;

      if (out != NULL && !bsl_write_file_atomic (out, result, strlen (result), &error))
        {
          status = basalt_cli_fail ("fit", error);
          goto out;
        }
      bsl_fit_get_metrics (fit, &values);
      printf ("fitted %u parameter%s of %s (%s, %s) in %.3f s, %" G_GUINT64_FORMAT " evaluations: "
              "rmse v %.6g, rmse u %.6g, spike count diff %.6g%s\n",
              bsl_fit_problem_get_n_dims (problem), bsl_fit_problem_get_n_dims (problem) == 1 ? "" : "s",
              process_name, bsl_tag_to_string (tag),
              bsl_optimizer_method_to_string (bsl_fit_get_method (fit)), bsl_fit_get_seconds (fit),
              bsl_fit_get_n_evaluations (fit), values.values[BSL_METRIC_RMSE_V],
              values.values[BSL_METRIC_RMSE_U], values.values[BSL_METRIC_SPIKE_COUNT],
              tag == BSL_TAG_FIXED_PT ? (bsl_fit_is_exact (fit) ? ", exact" : ", not exact") : "");
      for (guint k = 0; k < bsl_fit_problem_get_n_dims (problem); k++)
        printf ("  %-16s %.17g (from %.17g)\n", bsl_fit_problem_get_dim_name (problem, k), best[k], start[k]);
    }
  if (history != NULL && !bsl_fit_write_history_csv (fit, history, TRUE, &error))
    {
      status = basalt_cli_fail ("fit", error);
      goto out;
    }
  if (save != NULL)
    {
      BslProcess *fitted = bsl_fit_problem_dup_process (problem, best);
      int position = bsl_graph_process_index (graph, process_name);
      g_autoptr(BslProcess) old = NULL;
      g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_connection_free);

      /* Taking the process out drops its connections: put them back. */
      for (guint c = 0; c < bsl_graph_get_n_connections (graph); c++)
        g_ptr_array_add (connections, bsl_connection_copy (bsl_graph_get_connection (graph, c)));
      old = bsl_graph_take_process (graph, process_name);
      if (!bsl_graph_insert_process (graph, fitted, position, &error))
        {
          status = basalt_cli_fail ("fit", error);
          goto out;
        }
      for (guint c = 0; c < connections->len; c++)
        {
          const BslConnection *conn = g_ptr_array_index (connections, c);
          const char *from = bsl_connection_get_from_process (conn);
          const char *to = bsl_connection_get_to_process (conn);

          if ((g_str_equal (from, process_name) || g_str_equal (to, process_name)) &&
              bsl_graph_connect_ports (graph, from, bsl_connection_get_from_port (conn), to,
                                       bsl_connection_get_to_port (conn), &error) == NULL)
            {
              status = basalt_cli_fail ("fit", error);
              goto out;
            }
        }
      if (!bsl_graph_save_file (graph, save, &error))
        {
          status = basalt_cli_fail ("fit", error);
          goto out;
        }
    }

out:
  bsl_fit_free (fit);
  bsl_fit_problem_free (problem);
  return status;
}
