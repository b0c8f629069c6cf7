/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fit-case.h"
#include "fit/bsl-fit.h"

/* The tuner's promise: from parameters at least 20 % off, a fit recovers parameters whose trace
 * is Lava's, bit for bit under fixed_pt and to RMSE < 1e-6 under floating_pt. */

/* Moves every dimension by at least 20 % of its value (of its range when the value is 0),
 * alternately up and down (down and up when flip is odd), staying inside the bounds. */
static void
perturb (BslFitProblem *problem,
         double        *x,
         guint          flip)
{
  guint n = bsl_fit_problem_get_n_dims (problem);

  bsl_fit_problem_get_start (problem, x);
  for (guint k = 0; k < n; k++)
    {
      double lo, hi, delta, value;
      gboolean integer;

      bsl_fit_problem_get_bounds (problem, k, &lo, &hi, &integer);
      delta = x[k] != 0.0 ? 0.25 * fabs (x[k]) : 0.2 * (hi - lo);
      if (integer)
        delta = MAX (ceil (delta), 1.0);
      value = x[k] + (((k + flip) % 2) ? -delta : delta);
      if (value < lo || value > hi)
        value = x[k] + (((k + flip) % 2) ? delta : -delta);
      g_assert_cmpfloat (value, >=, lo);
      g_assert_cmpfloat (value, <=, hi);
      g_assert_cmpfloat (fabs (value - x[k]), >=, 0.2 * fabs (x[k]));
      x[k] = value;
    }
}

typedef struct
{
  const char        *kind;
  BslOptimizerMethod method;
} FitTest;

static void
test_fit_cases (gconstpointer data)
{
  const FitTest *ft = data;
  g_autoptr(GPtrArray) cases = fit_case_load_all (ft->kind);

  for (guint c = 0; c < 2 * cases->len; c++)
    {
      const FitCase *fc = g_ptr_array_index (cases, c % cases->len);
      guint flip = c / cases->len;
      g_autoptr(GError) error = NULL;
      BslFitProblem *problem = bsl_fit_problem_new (fc->neuron, fc->tag, fc->ref, NULL, &error);
      BslFitOptions options;
      BslFit *fit;
      g_autofree double *x = NULL;
      g_autoptr(BslReference) trace = NULL;
      BslMetricValues values;
      guint n;
      double seconds;

      g_assert_no_error (error);
      for (guint i = 0; i < fc->params->len; i++)
        g_assert_true (bsl_fit_problem_add_param (problem, g_ptr_array_index (fc->params, i), NULL));
      n = bsl_fit_problem_get_n_dims (problem);
      x = g_new0 (double, n);
      perturb (problem, x, flip);
      bsl_fit_options_init (&options);
      options.method = ft->method;
      fit = bsl_fit_new (problem, &options);
      bsl_fit_set_start (fit, x);
      bsl_fit_run (fit);
      bsl_fit_get_best (fit, x);
      seconds = bsl_fit_get_seconds (fit);

      trace = bsl_fit_problem_new_trace (problem);
      g_assert_true (bsl_fit_problem_simulate (problem, x, trace, NULL));
      bsl_metrics_compute (bsl_fit_problem_get_metric (problem), fc->ref, trace, TRUE, &values);
      g_test_message ("%s (start %u): %u parameters, %" G_GUINT64_FORMAT " evaluations, %.3f s, "
                      "rmse v %g u %g, spike count diff %g",
                      fc->name, flip, n, bsl_fit_get_n_evaluations (fit), seconds,
                      values.values[BSL_METRIC_RMSE_V], values.values[BSL_METRIC_RMSE_U],
                      values.values[BSL_METRIC_SPIKE_COUNT]);
      for (guint k = 0; k < n; k++)
        g_test_message ("  %s = %.17g", bsl_fit_problem_get_dim_name (problem, k), x[k]);
      if (fc->tag == BSL_TAG_FIXED_PT)
        {
          for (guint v = BSL_REF_U; v <= BSL_REF_SPIKE; v++)
            if (memcmp (trace->data[v], fc->ref->data[v],
                        fc->ref->n_steps * fc->ref->n_neurons * sizeof (double)) != 0)
              g_error ("%s: the fitted %s trace is not Lava's (rmse v %g, u %g)", fc->name,
                       bsl_ref_var_to_string (v), values.values[BSL_METRIC_RMSE_V],
                       values.values[BSL_METRIC_RMSE_U]);
        }
      else
        {
          if (!(values.values[BSL_METRIC_RMSE_V] < 1e-6 && values.values[BSL_METRIC_RMSE_U] < 1e-6))
            g_error ("%s: rmse v %g, u %g after the fit", fc->name,
                     values.values[BSL_METRIC_RMSE_V], values.values[BSL_METRIC_RMSE_U]);
          g_assert_cmpfloat (values.values[BSL_METRIC_SPIKE_COUNT], ==, 0.0);
        }
      if (fc->tag == BSL_TAG_FIXED_PT)
        g_assert_true (bsl_fit_is_exact (fit));
      bsl_fit_free (fit);
      bsl_fit_problem_free (problem);
    }
}

static gpointer
run_fit_thread (gpointer data)
{
  return GINT_TO_POINTER (bsl_fit_run (data));
}

/* A fit is stopped from another thread within moments, with its best point so far. */
static void
test_cancel (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  const FitCase *fc;
  BslFitProblem *problem;
  BslFitOptions options;
  BslFit *fit;
  GThread *thread;
  g_autofree double *x = NULL;
  guint64 evaluations;
  gint64 asked;

  fc = g_ptr_array_index (cases, 2);
  problem = bsl_fit_problem_new (fc->neuron, fc->tag, fc->ref, NULL, NULL);
  g_assert_true (bsl_fit_problem_add_params (problem, "du,dv,vth,bias_mant", NULL));
  x = g_new0 (double, bsl_fit_problem_get_n_dims (problem));
  perturb (problem, x, 0);
  bsl_fit_options_init (&options);
  options.max_evaluations = G_MAXUINT32;
  options.record_history = TRUE;
  fit = bsl_fit_new (problem, &options);
  bsl_fit_set_start (fit, x);
  thread = g_thread_new ("fit", run_fit_thread, fit);
  g_usleep (30000);
  bsl_fit_set_paused (fit, TRUE);
  g_usleep (20000);
  evaluations = bsl_fit_get_n_evaluations (fit);
  g_usleep (50000);
  g_assert_cmpuint (bsl_fit_get_n_evaluations (fit), <=, evaluations + 1);
  g_assert_true (isfinite (bsl_fit_get_best (fit, x)));
  asked = g_get_monotonic_time ();
  bsl_fit_cancel (fit);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, BSL_OPTIMIZER_STOP_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - asked, <, G_USEC_PER_SEC);
  g_assert_true (isfinite (bsl_fit_get_best (fit, x)));
  bsl_fit_free (fit);
  bsl_fit_problem_free (problem);
}

int
main (int argc, char **argv)
{
  static const FitTest fixed_integer = { "fixed", BSL_OPTIMIZER_INTEGER };
  static const FitTest float_cma = { "float", BSL_OPTIMIZER_CMA_ES };

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/fit/traces/fixed/integer", &fixed_integer, test_fit_cases);
  g_test_add_data_func ("/fit/traces/float/cma-es", &float_cma, test_fit_cases);
  g_test_add_func ("/fit/traces/cancel", test_cancel);
  return g_test_run ();
}
