/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fit-case.h"
#include "fit/bsl-fit-problem.h"

static double
max_abs_diff (const BslReference *a,
              const BslReference *b,
              BslRefVar           var)
{
  gsize n = a->n_steps * a->n_neurons;
  double worst = 0.0;

  for (gsize k = 0; k < n; k++)
    worst = MAX (worst, fabs (a->data[var][k] - b->data[var][k]));
  return worst;
}

static BslFitProblem *
case_problem (const FitCase *fc,
              gboolean       network)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = network ? fit_case_network (fc) : NULL;
  BslFitProblem *problem = bsl_fit_problem_new (fc->neuron, fc->tag, fc->ref, graph, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < fc->params->len; i++)
    {
      g_assert_true (bsl_fit_problem_add_param (problem, g_ptr_array_index (fc->params, i), &error));
      g_assert_no_error (error);
    }
  return problem;
}

/* With the case's own parameters the harness reproduces Lava's trace: bit for bit under fixed_pt,
 * to rounding under floating_pt, by all four paths (kernels or the runtime, on the a_in column
 * or on the case's network). */
static void
check_reproduces (const char *kind)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all (kind);

  g_assert_cmpuint (cases->len, >, 0);
  for (guint c = 0; c < cases->len; c++)
    {
      const FitCase *fc = g_ptr_array_index (cases, c);
      double tolerance = fc->tag == BSL_TAG_FIXED_PT ? 0.0 : 1e-9;

      for (guint path = 0; path < 4; path++)
        {
          BslFitProblem *problem = case_problem (fc, path >= 2);
          g_autoptr(BslReference) trace = bsl_fit_problem_new_trace (problem);
          g_autofree double *x = g_new0 (double, bsl_fit_problem_get_n_dims (problem) + 1);
          g_autoptr(GError) error = NULL;

          if (path == 1 || path == 3)
            bsl_fit_problem_set_use_runtime (problem, TRUE);
          /* The network's input does not depend on the population: recorded once, then the
           * kernels step the population as for the a_in column. */
          g_assert_true (bsl_fit_problem_is_direct (problem) == (path == 0 || path == 2));
          bsl_fit_problem_get_start (problem, x);
          g_assert_true (bsl_fit_problem_simulate (problem, x, trace, &error));
          g_assert_no_error (error);
          for (guint v = BSL_REF_U; v <= BSL_REF_SPIKE; v++)
            {
              double diff = max_abs_diff (fc->ref, trace, v);

              if (diff > tolerance)
                g_error ("%s, path %u: %s differs by %g", fc->name, path,
                         bsl_ref_var_to_string (v), diff);
            }
          bsl_fit_problem_free (problem);
        }
    }
}

static void
test_reproduces_fixed (void)
{
  check_reproduces ("fixed");
}

static void
test_reproduces_float (void)
{
  check_reproduces ("float");
}

/* Away from the true parameters, the kernels and the runtime still agree exactly, and repeated
 * evaluations (runtime reset in between) give the same trace. */
static void
test_direct_matches_runtime (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");

  for (guint c = 0; c < cases->len; c++)
    {
      const FitCase *fc = g_ptr_array_index (cases, c);
      BslFitProblem *direct = case_problem (fc, FALSE);
      BslFitProblem *runtime = case_problem (fc, FALSE);
      guint n = bsl_fit_problem_get_n_dims (direct);
      g_autofree double *x = g_new0 (double, n);
      g_autoptr(BslReference) a = bsl_fit_problem_new_trace (direct);
      g_autoptr(BslReference) b = bsl_fit_problem_new_trace (runtime);

      bsl_fit_problem_set_use_runtime (runtime, TRUE);
      for (guint round = 0; round < 3; round++)
        {
          bsl_fit_problem_get_start (direct, x);
          for (guint k = 0; k < n; k++)
            {
              double lo, hi;

              bsl_fit_problem_get_bounds (direct, k, &lo, &hi, NULL);
              x[k] = CLAMP (floor (x[k] * (round == 1 ? 0.7 : 1.3) + round), lo, hi);
            }
          g_assert_true (bsl_fit_problem_simulate (direct, x, a, NULL));
          g_assert_true (bsl_fit_problem_simulate (runtime, x, b, NULL));
          for (guint v = BSL_REF_U; v <= BSL_REF_SPIKE; v++)
            g_assert_cmpfloat (max_abs_diff (a, b, v), ==, 0.0);
        }
      bsl_fit_problem_free (direct);
      bsl_fit_problem_free (runtime);
    }
}

static void
test_bad_params (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  g_autoptr(GError) error = NULL;
  const FitCase *fc;
  BslFitProblem *problem;
  gsize three = 3;
  g_autoptr(BslProcess) wrong_size = NULL;

  fc = g_ptr_array_index (cases, 0);
  problem = case_problem (fc, FALSE);
  g_assert_false (bsl_fit_problem_add_param (problem, "tau", &error));
  g_assert_true (strstr (error->message, "'lif'") != NULL);
  g_assert_true (strstr (error->message, "'tau'") != NULL);
  g_clear_error (&error);
  g_assert_false (bsl_fit_problem_add_param (problem, "bias_mant[7]", &error));
  g_assert_true (strstr (error->message, "bias_mant[7]") != NULL);
  g_clear_error (&error);
  g_assert_false (bsl_fit_problem_add_param (problem, "du", &error));
  g_assert_true (strstr (error->message, "twice") != NULL);
  g_clear_error (&error);
  bsl_fit_problem_free (problem);

  /* The reference has fc->ref->n_neurons; a population of another size is refused. */
  three = fc->ref->n_neurons + 1;
  wrong_size = bsl_process_new (bsl_proc_type_lookup ("LIF"), "small", 1, &three);
  g_assert_null (bsl_fit_problem_new (wrong_size, BSL_TAG_FIXED_PT, fc->ref, NULL, &error));
  g_assert_true (strstr (error->message, "wrong neuron count") != NULL);
  g_assert_true (strstr (error->message, "'small'") != NULL);
}

/* A population that drives itself (s_out -> Dense -> a_in) cannot have its input recorded once:
 * it is simulated through the runtime, and still reproduces its own trace. */
static void
test_recurrent_network (void)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;
  gsize n = 2, dims[2] = { 2, 2 };
  BslProcess *lif = bsl_graph_add_process (graph, "LIF", "lif", 1, &n, &error);
  BslProcess *syn = bsl_graph_add_process (graph, "Dense", "syn", 2, dims, &error);
  g_autoptr(BslReference) ref = bsl_reference_new (50, 2, "self");
  g_autoptr(BslReference) trace = NULL;
  BslFitProblem *problem;
  double x[1] = { 30 };

  g_assert_no_error (error);
  bsl_process_set_param (lif, "bias_mant", bsl_array_new_scalar (20), NULL);
  bsl_process_set_param (lif, "bias_exp", bsl_array_new_scalar (6), NULL);
  bsl_process_set_param (lif, "vth", bsl_array_new_scalar (50), NULL);
  bsl_process_set_param (syn, "weights", bsl_array_new_scalar (-40), NULL);
  g_assert_nonnull (bsl_graph_connect (graph, "lif.s_out", "syn.s_in", &error));
  g_assert_nonnull (bsl_graph_connect (graph, "syn.a_out", "lif.a_in", &error));
  for (guint v = BSL_REF_U; v <= BSL_REF_SPIKE; v++)
    ref->data[v] = g_new0 (double, 100);
  problem = bsl_fit_problem_new (lif, BSL_TAG_FIXED_PT, ref, graph, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_fit_problem_add_param (problem, "vth", &error));
  g_assert_false (bsl_fit_problem_is_direct (problem));
  trace = bsl_fit_problem_new_trace (problem);
  g_assert_true (bsl_fit_problem_simulate (problem, x, trace, &error));
  g_assert_no_error (error);
  /* The inhibition reaches u one step after each spike. */
  {
    gboolean inhibited = FALSE;

    for (gsize t = 1; t < 50; t++)
      if (trace->data[BSL_REF_SPIKE][(t - 1) * 2] != 0.0 && trace->data[BSL_REF_U][t * 2] < 0)
        inhibited = TRUE;
    g_assert_true (inhibited);
  }
  bsl_fit_problem_free (problem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit/problem/reproduces-fixed", test_reproduces_fixed);
  g_test_add_func ("/fit/problem/reproduces-float", test_reproduces_float);
  g_test_add_func ("/fit/problem/direct-matches-runtime", test_direct_matches_runtime);
  g_test_add_func ("/fit/problem/bad-params", test_bad_params);
  g_test_add_func ("/fit/problem/recurrent-network", test_recurrent_network);
  return g_test_run ();
}
