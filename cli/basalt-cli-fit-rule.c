/* SPDX-License-Identifier: GPL-3.0-or-later */
/* basalt fit --process SYN on a LearningDense: the rule's impulses, taus and coefficients fitted
 * to a weight trajectory, with the weight error of every step. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "basalt-cli.h"
#include "basalt-engine.h"
#include "bsl-atomic-file.h"
#include "bsl-json-numbers.h"
#include "bsl-learning-rule.h"
#include "fit/bsl-rule-fit.h"

static void
add_values (JsonBuilder *builder, const char *name, const double *values, gsize n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (gsize k = 0; k < n; k++)
    _bsl_json_builder_add_number (builder, NULL, values[k]);
  json_builder_end_array (builder);
}

static void
add_parameters (JsonBuilder *builder, const char *name, BslRuleFitProblem *problem, const double *x)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  for (guint k = 0; k < bsl_rule_fit_problem_get_n_dims (problem); k++)
    {
      json_builder_set_member_name (builder, bsl_rule_fit_problem_get_dim_name (problem, k));
      json_builder_add_double_value (builder, bsl_rule_fit_problem_dim_value (problem, k, x[k]));
    }
  json_builder_end_object (builder);
}

static char *
result_json (const BasaltCliRuleFit *options, BslRuleFitProblem *problem, BslOptimizer *optimizer,
             const double *start, const double *best, const BslWeightErrorReport *report,
             BslOptimizerStop stop, double seconds)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(BslLearningRule) rule = bsl_rule_fit_problem_dup_rule (problem, best, NULL);
  guint64 evaluations = bsl_optimizer_get_n_evaluations (optimizer);
  gsize last = report->n_steps - 1;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "network");
  json_builder_add_string_value (builder, options->network_path);
  json_builder_set_member_name (builder, "process");
  json_builder_add_string_value (builder, options->process);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "LearningDense");
  json_builder_set_member_name (builder, "tag");
  json_builder_add_string_value (builder, bsl_tag_to_string (bsl_rule_fit_problem_get_tag (problem)));
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, options->reference);
  json_builder_set_member_name (builder, "steps");
  json_builder_add_int_value (builder, report->n_steps);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, bsl_optimizer_method_to_string (bsl_optimizer_get_method (optimizer)));
  add_parameters (builder, "parameters", problem, best);
  add_parameters (builder, "start", problem, start);
  json_builder_set_member_name (builder, "learning_rule");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (),
                                                          bsl_learning_rule_to_json (rule)));
  json_builder_set_member_name (builder, "exact");
  json_builder_add_boolean_value (builder, report->overall_max_abs == 0);
  _bsl_json_builder_add_number (builder, "final_max_abs_error", report->max_abs[last]);
  _bsl_json_builder_add_number (builder, "final_rmse", report->rmse[last]);
  _bsl_json_builder_add_number (builder, "max_abs_error", report->overall_max_abs);
  _bsl_json_builder_add_number (builder, "rmse", report->overall_rmse);
  json_builder_set_member_name (builder, "first_differing_step");
  json_builder_add_int_value (builder, report->first_differing_step);
  add_values (builder, "step_max_abs_error", report->max_abs, report->n_steps);
  add_values (builder, "step_rmse", report->rmse, report->n_steps);
  json_builder_set_member_name (builder, "stop");
  json_builder_add_string_value (builder, bsl_optimizer_stop_to_string (stop));
  json_builder_set_member_name (builder, "evaluations");
  json_builder_add_int_value (builder, evaluations);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static void
print_summary (BslRuleFitProblem *problem, BslOptimizer *optimizer, const double *start,
               const double *best, const BslWeightErrorReport *report, double seconds)
{
  gsize last = report->n_steps - 1;

  printf ("fitted %u rule parameter%s of %s (%s, %s) in %.3f s, %" G_GUINT64_FORMAT
          " evaluations: weights %s\n", bsl_rule_fit_problem_get_n_dims (problem),
          bsl_rule_fit_problem_get_n_dims (problem) == 1 ? "" : "s",
          bsl_rule_fit_problem_get_process_name (problem),
          bsl_tag_to_string (bsl_rule_fit_problem_get_tag (problem)),
          bsl_optimizer_method_to_string (bsl_optimizer_get_method (optimizer)), seconds,
          bsl_optimizer_get_n_evaluations (optimizer),
          report->overall_max_abs == 0 ? "equal at every step" : "differ");
  printf ("  final step %" G_GSIZE_FORMAT ": max |error| %.6g, rmse %.6g; over %" G_GSIZE_FORMAT
          " steps: max |error| %.6g, rmse %.6g", last + 1, report->max_abs[last], report->rmse[last],
          report->n_steps, report->overall_max_abs, report->overall_rmse);
  if (report->first_differing_step > 0)
    printf (", first differing step %" G_GSIZE_FORMAT, report->first_differing_step);
  printf ("\n");
  for (guint k = 0; k < bsl_rule_fit_problem_get_n_dims (problem); k++)
    printf ("  %-16s %.17g (from %.17g)\n", bsl_rule_fit_problem_get_dim_name (problem, k),
            bsl_rule_fit_problem_dim_value (problem, k, best[k]),
            bsl_rule_fit_problem_dim_value (problem, k, start[k]));
}

static gboolean
save_network (const BslGraph *graph, BslRuleFitProblem *problem, const double *best,
              const char *path, GError **error)
{
  g_autoptr(BslGraph) fitted = bsl_graph_copy (graph);
  g_autoptr(BslLearningRule) rule = bsl_rule_fit_problem_dup_rule (problem, best, error);
  BslProcess *process = bsl_graph_find_process (fitted, bsl_rule_fit_problem_get_process_name (problem));

  return rule != NULL && bsl_process_set_learning_rule (process, rule, error) &&
         bsl_graph_save_file (fitted, path, error);
}

static BslRuleFitProblem *
make_problem (const BasaltCliRuleFit *options, const BslGraph *graph, GError **error)
{
  const BslProcess *process = bsl_graph_find_process (graph, options->process);
  g_autoptr(BslWeightReference) ref = NULL;
  g_autoptr(BslRuleFitProblem) problem = NULL;
  g_autofree char *probe = NULL;
  BslTag tag = bsl_process_resolve_tag (process, bsl_graph_get_run_tag (graph));

  if (options->tag != NULL && !bsl_tag_from_string (options->tag, &tag))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "--tag must be floating_pt or fixed_pt, "
                   "not '%s'", options->tag);
      return NULL;
    }
  /* A file of several connections' weights: the fitted one's. */
  if (options->probe != NULL)
    probe = strchr (options->probe, '.') != NULL ? g_strdup (options->probe)
                                                 : g_strdup_printf ("%s.%s", options->probe, "weights");
  ref = bsl_weight_reference_load (options->reference, probe, error);
  if (ref == NULL)
    return NULL;
  problem = bsl_rule_fit_problem_new (graph, options->process, tag, ref, error);
  if (problem == NULL || !bsl_rule_fit_problem_add_params (problem, options->params, error))
    {
      g_prefix_error (error, "%s: ", options->network_path);
      return NULL;
    }
  return g_steal_pointer (&problem);
}

int
basalt_cli_fit_rule (const BasaltCliRuleFit *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_file (options->network_path, &error);
  g_autoptr(BslRuleFitProblem) problem = NULL;
  g_autoptr(BslOptimizer) optimizer = NULL;
  g_autoptr(BslWeightErrorReport) report = NULL;
  g_autofree double *start = NULL, *best = NULL;
  g_autofree char *result = NULL;
  BslOptimizerMethod method = BSL_N_OPTIMIZERS;
  BslOptimizerStop stop;
  gint64 t0;
  double seconds;
  guint n;

  if (graph == NULL)
    return basalt_cli_fail ("fit", error);
  if (options->method != NULL && !bsl_optimizer_method_from_string (options->method, &method))
    return basalt_cli_fail_input ("fit", "--method must be integer, cma-es or nelder-mead, not '%s'", options->method);
  problem = make_problem (options, graph, &error);
  if (problem == NULL)
    return basalt_cli_fail ("fit", error);
  n = bsl_rule_fit_problem_get_n_dims (problem);
  start = g_new0 (double, n);
  best = g_new0 (double, n);
  bsl_rule_fit_problem_get_start (problem, start);
  /* A network that cannot run at all would otherwise look like a fit that found nothing. */
  report = bsl_rule_fit_problem_report (problem, start, &error);
  if (report == NULL)
    {
      g_prefix_error (&error, "%s: ", options->network_path);
      return basalt_cli_fail ("fit", error);
    }
  g_clear_pointer (&report, bsl_weight_error_report_free);

  optimizer = bsl_rule_fit_problem_new_optimizer (problem, method);
  bsl_optimizer_set_seed (optimizer, (guint64) options->seed);
  bsl_optimizer_set_max_evaluations (optimizer, (guint64) options->max_evaluations);
  bsl_optimizer_set_record_history (optimizer, options->history != NULL);
  t0 = g_get_monotonic_time ();
  stop = bsl_optimizer_run (optimizer, bsl_rule_fit_problem_objective, problem);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  bsl_optimizer_get_best (optimizer, best);
  report = bsl_rule_fit_problem_report (problem, best, &error);
  if (report == NULL)
    return basalt_cli_fail ("fit", error);

  result = result_json (options, problem, optimizer, start, best, report, stop, seconds);
  if (options->out != NULL && g_str_equal (options->out, "-"))
    printf ("%s\n", result);
  else
    {
      if (options->out != NULL && !bsl_write_file_atomic (options->out, result, strlen (result), &error))
        return basalt_cli_fail ("fit", error);
      print_summary (problem, optimizer, start, best, report, seconds);
    }
  if (options->step_errors != NULL &&
      !bsl_weight_error_report_write_csv (report, options->step_errors, &error))
    return basalt_cli_fail ("fit", error);
  if (options->history != NULL &&
      !bsl_optimizer_write_history_csv (optimizer, options->history, TRUE, &error))
    return basalt_cli_fail ("fit", error);
  if (options->save != NULL && !save_network (graph, problem, best, options->save, &error))
    return basalt_cli_fail ("fit", error);
  return BASALT_EXIT_OK;
}
