/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fitting a learning rule to a weight trajectory made by Lava (tests/data/learning/traces): the
 * case's network with its rule perturbed is fitted back until every weight of every step
 * equals Lava's, the step-by-step report agrees with an independent run, and bad names are
 * refused naming the process and the parameter. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bsl-learning-rule.h"
#include "fit/bsl-rule-fit.h"
#include "test-util.h"

static char *tmp_dir;

static char *
trace_path (const char *name, const char *suffix)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);
  return test_data_path ("learning", "traces", file, NULL);
}

/* The Lava case's network, with `edit` applied to its rule. */
static BslGraph *
case_graph (const char *name, void (*edit) (BslLearningRule *rule))
{
  g_autoptr(GError) error = NULL;
  BslGraph *graph = test_learning_case_graph (name);
  g_autoptr(BslLearningRule) rule = NULL;

  if (edit != NULL)
    {
      BslProcess *syn = bsl_graph_find_process (graph, "syn");

      rule = bsl_learning_rule_copy (bsl_process_get_learning_rule (syn));
      edit (rule);
      g_assert_true (bsl_process_set_learning_rule (syn, rule, &error));
      g_assert_no_error (error);
    }
  return graph;
}

static BslWeightReference *
case_reference (const char *name)
{
  g_autofree char *path = trace_path (name, ".csv");
  g_autoptr(GError) error = NULL;
  BslWeightReference *ref = bsl_weight_reference_load (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (ref->probe, ==, "syn.weights");
  return ref;
}

/* The weights a network's own run records, step by step, beside the report's figures. */
static void
assert_report_matches_run (BslGraph *graph, BslTag tag, const BslWeightReference *ref,
                           const BslWeightErrorReport *report)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslRunConfig) config = bsl_run_config_new (tag);
  g_autoptr(BslRuntime) runtime = bsl_runtime_new (graph, config, &error);
  BslProbe *probe;

  g_assert_no_error (error);
  probe = bsl_runtime_add_probe (runtime, "syn.weights", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (runtime, (gint64) ref->n_steps);
  g_assert_cmpuint (report->n_steps, ==, ref->n_steps);
  for (gsize t = 0; t < ref->n_steps; t++)
    {
      const double *row = bsl_probe_get_row (probe, t);
      double largest = 0, sum = 0;

      for (gsize k = 0; k < ref->n_synapses; k++)
        {
          double d = fabs (row[k] - ref->weights[t * ref->n_synapses + k]);
          largest = MAX (largest, d);
          sum += d * d;
        }
      g_assert_cmpfloat (report->max_abs[t], ==, largest);
      g_assert_cmpfloat_with_epsilon (report->rmse[t], sqrt (sum / ref->n_synapses), 1e-12);
    }
}

typedef struct
{
  const char *case_name;
  void      (*perturb) (BslLearningRule *rule);
  const char *params;
  double      truth[4];     /* the parameters' values in Lava's rule, when recovered */
  gboolean    recovers;     /* the fit returns exactly these (else: the same weights) */
} RuleFitCase;

static void
perturb_stdp (BslLearningRule *rule)
{
  rule->tau_plus = rule->tau[BSL_K_TRACE_X1] = 6;
  rule->tau_minus = rule->tau[BSL_K_TRACE_Y1] = 15;
  rule->a_plus = 3;
}

static void
perturb_string (BslLearningRule *rule)
{
  g_free (rule->text[BSL_K_TARGET_W]);
  rule->text[BSL_K_TARGET_W] = g_strdup ("2^-2*x1*y0 - 2^-1*y1*x0 + 2^-4*x2*y0");
  rule->tau[BSL_K_TRACE_X1] = 11;
  rule->tau[BSL_K_TRACE_X2] = 20;
}

static void
perturb_fractional (BslLearningRule *rule)
{
  rule->impulse[BSL_K_TRACE_Y2] = 12;
  rule->tau[BSL_K_TRACE_Y3] = 25;
}

static void
perturb_float (BslLearningRule *rule)
{
  rule->tau_plus = rule->tau[BSL_K_TRACE_X1] = 6;
  rule->tau_minus = rule->tau[BSL_K_TRACE_Y1] = 15;
}

static const RuleFitCase fit_cases[] = {
  { "l01_stdp_fixed", perturb_stdp, "syn.tau_plus,tau_minus,A_plus", { 10, 10, 2 }, TRUE },
  { "l03_rule_string_epoch2_fixed", perturb_string, "x1_tau,x2_tau,dw[1]", { 8, 30, -0.125 }, TRUE },
  { "l05_dd_y2_y3_epoch3_fixed", perturb_fractional, "y2_impulse,y3_tau", { 14.75, 40 }, FALSE },
};

/* Perturbed, fitted: every weight of every step equals Lava's, and the report says so. */
static void
test_fit_case (gconstpointer data)
{
  const RuleFitCase *c = data;
  g_autoptr(BslGraph) graph = case_graph (c->case_name, c->perturb);
  g_autoptr(BslWeightReference) ref = case_reference (c->case_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(BslRuleFitProblem) problem = bsl_rule_fit_problem_new (graph, "syn", BSL_TAG_FIXED_PT, ref, &error);
  g_autoptr(BslOptimizer) optimizer = NULL;
  g_autoptr(BslWeightErrorReport) before = NULL, after = NULL;
  g_autoptr(BslLearningRule) fitted = NULL;
  double start[4], best[4];
  guint n;

  g_assert_no_error (error);
  g_assert_true (bsl_rule_fit_problem_add_params (problem, c->params, &error));
  g_assert_no_error (error);
  n = bsl_rule_fit_problem_get_n_dims (problem);
  bsl_rule_fit_problem_get_start (problem, start);

  /* The perturbed rule is off, and the report of its run says where. */
  before = bsl_rule_fit_problem_report (problem, start, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (before->overall_max_abs, >, 0);
  g_assert_cmpuint (before->first_differing_step, >, 0);
  assert_report_matches_run (graph, BSL_TAG_FIXED_PT, ref, before);

  optimizer = bsl_rule_fit_problem_new_optimizer (problem, BSL_N_OPTIMIZERS);
  g_assert_cmpint (bsl_optimizer_get_method (optimizer), ==, BSL_OPTIMIZER_INTEGER);
  bsl_optimizer_set_max_evaluations (optimizer, 200000);
  g_assert_cmpint (bsl_optimizer_run (optimizer, bsl_rule_fit_problem_objective, problem), ==,
                   BSL_OPTIMIZER_STOP_TARGET);
  g_assert_cmpfloat (bsl_optimizer_get_best (optimizer, best), ==, 0);
  for (guint k = 0; k < n && c->recovers; k++)
    g_assert_cmpfloat (bsl_rule_fit_problem_dim_value (problem, k, best[k]), ==, c->truth[k]);

  /* The fitted rule, set on the network, runs Lava's weights: an independent check. */
  after = bsl_rule_fit_problem_report (problem, best, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (after->overall_max_abs, ==, 0);
  g_assert_cmpuint (after->first_differing_step, ==, 0);
  fitted = bsl_rule_fit_problem_dup_rule (problem, best, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_process_set_learning_rule (bsl_graph_find_process (graph, "syn"), fitted, &error));
  assert_report_matches_run (graph, BSL_TAG_FIXED_PT, ref, after);
}

/* Under floating_pt CMA-ES brings STDP's taus back from 40 % off. */
static void
test_fit_float (void)
{
  g_autoptr(BslGraph) graph = case_graph ("l02_stdp_float", perturb_float);
  g_autoptr(BslWeightReference) ref = case_reference ("l02_stdp_float");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslRuleFitProblem) problem = bsl_rule_fit_problem_new (graph, "syn", BSL_TAG_FLOATING_PT, ref, &error);
  g_autoptr(BslOptimizer) optimizer = NULL;
  g_autoptr(BslWeightErrorReport) report = NULL;
  double best[2];

  g_assert_no_error (error);
  g_assert_true (bsl_rule_fit_problem_add_params (problem, "tau_plus,tau_minus", &error));
  optimizer = bsl_rule_fit_problem_new_optimizer (problem, BSL_N_OPTIMIZERS);
  g_assert_cmpint (bsl_optimizer_get_method (optimizer), ==, BSL_OPTIMIZER_CMA_ES);
  bsl_optimizer_set_seed (optimizer, 1);
  bsl_optimizer_set_max_evaluations (optimizer, 20000);
  bsl_optimizer_run (optimizer, bsl_rule_fit_problem_objective, problem);
  bsl_optimizer_get_best (optimizer, best);
  g_assert_cmpfloat_with_epsilon (best[0], 10.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (best[1], 10.0, 1e-6);
  report = bsl_rule_fit_problem_report (problem, best, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (report->overall_max_abs, <, 1e-5);
}

/* Each rule string written back from its products reads as the same products. */
static void
test_series_text (void)
{
  const char *texts[] = {
    "2^-2*x1*y0 - 2^-3*y1*x0 + 2^-4*x2*y0",
    "2^-3*y0*x1*(y2+4) - 2^-4*x0*y3 + 2^-5*x0*x2",
    "2^-2*y0*x1 - 3*2^-5*x0*y2*d",
    "u1*2^-4*(x1-3) + 2^-2*y0*x1 - 2^-3*x0*y1 - 2^-5*y0*sgn(w+1)*(w-10)",
    "2^-1*y0*x1*y1 - u1*(t+2)*2^-3 + x0*2^2",
    "-x0*(-x1-3) + 2*2^3*y0*sgn(-w) + 16*u3",
  };

  for (guint k = 0; k < G_N_ELEMENTS (texts); k++)
    {
      BslLearningSeries a, b;
      g_autoptr(GError) error = NULL;
      g_autofree char *written = NULL;

      g_assert_true (bsl_learning_series_parse (texts[k], &a, &error));
      written = bsl_learning_series_to_text (&a);
      g_assert_nonnull (written);
      if (!bsl_learning_series_parse (written, &b, &error))
        g_error ("'%s' written as '%s': %s", texts[k], written, error->message);
      g_assert_cmpint (a.n_products, ==, b.n_products);
      g_assert_cmpint (a.decimate_exponent, ==, b.decimate_exponent);
      for (int p = 0; p < a.n_products; p++)
        if (memcmp (&a.products[p], &b.products[p], sizeof (BslKProduct)) != 0)
          g_error ("'%s' written as '%s': product %d differs", texts[k], written, p);
      bsl_learning_series_clear (&a);
      bsl_learning_series_clear (&b);
    }
}

static void
assert_param_refused (BslRuleFitProblem *problem, const char *spec, const char *expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bsl_rule_fit_problem_add_params (problem, spec, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, "'syn'") == NULL || strstr (error->message, expected) == NULL)
    g_error ("%s: got \"%s\", want the process and \"%s\"", spec, error->message, expected);
}

/* Names the rule does not have are refused naming the process and the parameter. */
static void
test_param_errors (void)
{
  g_autoptr(BslGraph) stdp = case_graph ("l01_stdp_fixed", NULL);
  g_autoptr(BslGraph) strings = case_graph ("l03_rule_string_epoch2_fixed", NULL);
  g_autoptr(BslWeightReference) stdp_ref = case_reference ("l01_stdp_fixed");
  g_autoptr(BslWeightReference) strings_ref = case_reference ("l03_rule_string_epoch2_fixed");
  g_autoptr(BslWeightReference) wider_ref = case_reference ("l06_u_sgn_constants_fixed");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslRuleFitProblem) a = bsl_rule_fit_problem_new (stdp, "syn", BSL_TAG_FIXED_PT, stdp_ref, &error);
  g_autoptr(BslRuleFitProblem) b = bsl_rule_fit_problem_new (strings, "syn", BSL_TAG_FIXED_PT, strings_ref, &error);
  BslRuleFitProblem *none;

  g_assert_no_error (error);
  assert_param_refused (a, "x9_tau", "'x9_tau': unknown");
  assert_param_refused (a, "x1_tau", "STDPLoihi sets it from tau_plus");
  assert_param_refused (a, "dw[0]", "fit those");
  assert_param_refused (a, "tau_plus,tau_plus", "named twice");
  assert_param_refused (b, "A_plus", "only an STDPLoihi rule");
  assert_param_refused (b, "dw[3]", "dw has 3 products");
  assert_param_refused (b, "dd[0]", "the rule has no dd");
  assert_param_refused (b, "syn.vth", "offers x1_impulse, x1_tau, x2_impulse, x2_tau, y1_impulse, "
                        "y1_tau, dw[0], dw[1], dw[2]");
  g_assert_false (bsl_rule_fit_problem_add_param (b, "post.vth", &error));
  g_assert_nonnull (strstr (error->message, "'post.vth' names another process than the fitted connection 'syn'"));
  g_clear_error (&error);

  /* A trajectory of another shape, or a process that does not learn. */
  none = bsl_rule_fit_problem_new (strings, "syn", BSL_TAG_FIXED_PT, wider_ref, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "l06_u_sgn_constants_fixed.csv: syn.weights holds 12 weights "
                                            "per step, process 'syn' (LearningDense) has 6 synapses"));
  g_clear_error (&error);
  none = bsl_rule_fit_problem_new (strings, "post", BSL_TAG_FIXED_PT, strings_ref, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "process 'post' (LIF) has no learning rule"));
}

/* A weight file with faults is refused naming the file and the line. */
static void
test_reference_errors (void)
{
  const struct { const char *text; const char *expected; } cases[] = {
    { "step,probe,index,value\n1,syn.weights,0,4\n2,syn.weights,0,nan\n", "bad.csv: line 3: column 4 (value): 'nan' is not a finite number" },
    { "step,probe,index,value\n1,syn.weights,0,4\n2,syn.weights,0\n", "line 3: 3 cells where the header has 4" },
    { "step,probe,value\n1,syn.weights,4\n", "line 1: no column 'index'" },
    { "step,probe,index,value\n1,syn.weights,0,4\n1,syn.weights,1,4\n2,syn.weights,0,5\n", "no value at step 2, index 1" },
    { "step,probe,index,value\n1,post.v,0,4\n", "no weights in the file" },
    { "step,probe,index,value\n1,a.weights,0,4\n1,b.weights,0,4\n", "a.weights and b.weights are both weights" },
    { "step,probe,index,value\n0,syn.weights,0,4\n", "line 2: column 1 (step): '0' is not a step number" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *path = test_write_file (tmp_dir, "bad.csv", cases[k].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(BslWeightReference) ref = bsl_weight_reference_load (path, NULL, &error);

      g_assert_null (ref);
      if (strstr (error->message, cases[k].expected) == NULL)
        g_error ("case %u: got \"%s\", want \"%s\"", k, error->message, cases[k].expected);
    }
}

static char *
write_case_network (const char *case_name, void (*edit) (BslLearningRule *rule), const char *file)
{
  g_autoptr(BslGraph) graph = case_graph (case_name, edit);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, file, NULL);

  bsl_graph_set_run_tag (graph, BSL_TAG_FIXED_PT);
  g_assert_true (bsl_graph_save_file (graph, path, &error));
  g_assert_no_error (error);
  return path;
}

/* basalt fit on the LearningDense: the result, the per-step CSV and the saved network. */
static void
test_cli (void)
{
  g_autofree char *network = write_case_network ("l01_stdp_fixed", perturb_stdp, "stdp.basalt");
  g_autofree char *reference = trace_path ("l01_stdp_fixed", ".csv");
  g_autofree char *result = g_build_filename (tmp_dir, "result.json", NULL);
  g_autofree char *steps = g_build_filename (tmp_dir, "steps.csv", NULL);
  g_autofree char *saved = g_build_filename (tmp_dir, "fitted.basalt", NULL);
  g_autofree char *history = g_build_filename (tmp_dir, "history.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *csv = NULL, *history_text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) refit = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *root, *params;
  const BslLearningRule *rule;
  int status;

  status = test_run_basalt (&out, &err, "fit", network, "--process", "syn", "--reference", reference,
                            "--params", "syn.tau_plus,syn.tau_minus,A_plus", "-o", result,
                            "--step-errors", steps, "--save", saved, "--history", history, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "weights equal at every step"));
  g_assert_nonnull (strstr (out, "final step 200: max |error| 0, rmse 0"));
  json_parser_load_from_file (parser, result, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (root, "exact"));
  g_assert_cmpstr (json_object_get_string_member (root, "method"), ==, "integer");
  g_assert_cmpfloat (json_object_get_double_member (root, "final_max_abs_error"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "step_rmse")), ==, 200);
  params = json_object_get_object_member (root, "parameters");
  g_assert_cmpfloat (json_object_get_double_member (params, "tau_plus"), ==, 10);
  g_assert_cmpfloat (json_object_get_double_member (params, "tau_minus"), ==, 10);
  g_assert_cmpfloat (json_object_get_double_member (params, "A_plus"), ==, 2);

  g_assert_true (g_file_get_contents (steps, &csv, NULL, &error));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "step,max_abs_error,rmse");
  g_assert_cmpstr (lines[1], ==, "1,0,0");
  g_assert_cmpstr (lines[200], ==, "200,0,0");
  g_assert_cmpuint (g_strv_length (lines), ==, 202);

  /* every candidate, the best (0: Lava's weights) first */
  g_assert_true (g_file_get_contents (history, &history_text, NULL, &error));
  g_assert_true (g_str_has_prefix (history_text, "evaluation,value,tau_plus,tau_minus,A_plus\n"));
  g_assert_nonnull (strstr (history_text, ",0,10,10,2\n"));

  refit = bsl_graph_load_file (saved, &error);
  g_assert_no_error (error);
  rule = bsl_process_get_learning_rule (bsl_graph_find_process (refit, "syn"));
  g_assert_cmpint (rule->kind, ==, BSL_LEARNING_RULE_STDP);
  g_assert_cmpfloat (rule->tau_plus, ==, 10);
  g_assert_cmpfloat (rule->a_plus, ==, 2);
}

static void
perturb_x1_tau (BslLearningRule *rule)
{
  rule->tau[BSL_K_TRACE_X1] = 20;
}

/* A trajectory recorded by basalt run (with spikes written as events beside the weights) is
 * a reference as Lava's is. */
static void
test_cli_run_reference (void)
{
  g_autofree char *truth = write_case_network ("l03_rule_string_epoch2_fixed", NULL, "truth.basalt");
  g_autofree char *network = write_case_network ("l03_rule_string_epoch2_fixed", perturb_x1_tau, "off.basalt");
  g_autofree char *recorded = g_build_filename (tmp_dir, "recorded.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = test_run_basalt (&out, &err, "run", truth, "--steps", "240", "--probe", "syn.weights",
                            "--probe", "post.s_out", "--out", recorded, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = test_run_basalt (&out, &err, "fit", network, "--process", "syn", "--reference", recorded,
                            "--params", "x1_tau", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "weights equal at every step"));
  g_assert_nonnull (strstr (out, "x1_tau           8 (from 20)"));
}

/* Bad names exit with status 2 naming the file, the process and the parameter; no result. */
static void
test_cli_errors (void)
{
  g_autofree char *network = write_case_network ("l01_stdp_fixed", NULL, "stdp-errors.basalt");
  g_autofree char *reference = trace_path ("l01_stdp_fixed", ".csv");
  g_autofree char *result = g_build_filename (tmp_dir, "never.json", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = test_run_basalt (&out, &err, "fit", network, "--process", "syn", "--reference", reference,
                            "--params", "tau_plus,x1_tauu", "-o", result, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "stdp-errors.basalt: process 'syn' (LearningDense): rule parameter 'x1_tauu': unknown"));
  g_assert_false (g_file_test (result, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = test_run_basalt (&out, &err, "fit", network, "--process", "post", "--reference", reference,
                            "--params", "vth", "--step-errors", result, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--step-errors reports the weights of a LearningDense; process 'post' is a LIF"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = test_run_basalt (&out, &err, "fit", network, "--process", "syn", "--reference", reference,
                            "--params", "tau_plus", "--metric", "rmse_v=1", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "process 'syn' (LearningDense): --metric does not apply to a rule fit"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_tmp_dir ();
  for (guint k = 0; k < G_N_ELEMENTS (fit_cases); k++)
    {
      g_autofree char *path = g_strdup_printf ("/fit/rule/lava/%s", fit_cases[k].case_name);
      g_test_add_data_func (path, &fit_cases[k], test_fit_case);
    }
  g_test_add_func ("/fit/rule/float", test_fit_float);
  g_test_add_func ("/fit/rule/series-text", test_series_text);
  g_test_add_func ("/fit/rule/param-errors", test_param_errors);
  g_test_add_func ("/fit/rule/reference-errors", test_reference_errors);
  g_test_add_func ("/fit/rule/cli", test_cli);
  g_test_add_func ("/fit/rule/cli-run-reference", test_cli_run_reference);
  g_test_add_func ("/fit/rule/cli-errors", test_cli_errors);
  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
