/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "fit/bsl-metrics.h"

#define T 200

static BslReference *
make_trace (gsize        n_neurons,
            const int   *spike_steps,
            guint        n_spikes)
{
  BslReference *ref = bsl_reference_new (T, n_neurons, "synthetic");

  ref->data[BSL_REF_U] = g_new0 (double, T * n_neurons);
  ref->data[BSL_REF_V] = g_new0 (double, T * n_neurons);
  ref->data[BSL_REF_SPIKE] = g_new0 (double, T * n_neurons);
  for (gsize k = 0; k < T * n_neurons; k++)
    {
      ref->data[BSL_REF_V][k] = sin (k * 0.1) * 100.0;
      ref->data[BSL_REF_U][k] = cos (k * 0.05) * 10.0;
    }
  for (guint s = 0; s < n_spikes; s++)
    for (gsize i = 0; i < n_neurons; i++)
      ref->data[BSL_REF_SPIKE][spike_steps[s] * n_neurons + i] = 1.0;
  return ref;
}

static void
test_identical (void)
{
  const int spikes[] = { 10, 50, 51, 120 };
  g_autoptr(BslReference) a = make_trace (2, spikes, G_N_ELEMENTS (spikes));
  g_autoptr(BslReference) b = bsl_reference_copy (a);
  BslMetricConfig config;
  BslMetricValues values;

  bsl_metric_config_init (&config);
  bsl_metrics_compute (&config, a, b, TRUE, &values);
  for (guint m = 0; m < BSL_N_METRICS; m++)
    g_assert_cmpfloat (values.values[m], ==, 0.0);
  g_assert_cmpfloat (values.gamma, ==, 1.0);
  g_assert_cmpfloat (values.total, ==, 0.0);
}

static void
test_rmse (void)
{
  const double a[] = { 1, 2, 3, 4 };
  const double b[] = { 1, 2, 3, 8 };

  g_assert_cmpfloat_with_epsilon (bsl_metric_rmse (a, b, 4), 2.0, 1e-15);
  g_assert_cmpfloat (bsl_metric_rmse (a, a, 4), ==, 0.0);
}

static void
test_spike_shift (void)
{
  const int ref_steps[] = { 20, 60, 100 };
  const int shifted[] = { 21, 61, 101 };
  const int far[] = { 40, 80, 140 };
  const int fewer[] = { 20, 60 };
  g_autoptr(BslReference) ref = make_trace (1, ref_steps, 3);
  g_autoptr(BslReference) near = make_trace (1, shifted, 3);
  g_autoptr(BslReference) away = make_trace (1, far, 3);
  g_autoptr(BslReference) less = make_trace (1, fewer, 2);
  const double *s = ref->data[BSL_REF_SPIKE];
  double vr_near, vr_far;

  /* One step late: counts agree, latency is 1, coincident within a window of 2 but not 0. */
  g_assert_cmpfloat (bsl_metric_spike_count_diff (s, near->data[BSL_REF_SPIKE], T, 1), ==, 0.0);
  g_assert_cmpfloat (bsl_metric_latency (s, near->data[BSL_REF_SPIKE], T, 1), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (bsl_metric_gamma (s, near->data[BSL_REF_SPIKE], T, 1, 2.0), 1.0, 1e-12);
  g_assert_cmpfloat (bsl_metric_gamma (s, near->data[BSL_REF_SPIKE], T, 1, 0.0), <, 0.1);
  g_assert_cmpfloat (bsl_metric_gamma (s, away->data[BSL_REF_SPIKE], T, 1, 2.0), <, 0.1);

  /* Van Rossum grows with the shift and shrinks with a longer time constant for a fixed shift. */
  vr_near = bsl_metric_van_rossum (s, near->data[BSL_REF_SPIKE], T, 1, 10.0);
  vr_far = bsl_metric_van_rossum (s, away->data[BSL_REF_SPIKE], T, 1, 10.0);
  g_assert_cmpfloat (vr_near, >, 0.0);
  g_assert_cmpfloat (vr_far, >, vr_near);
  g_assert_cmpfloat (bsl_metric_van_rossum (s, near->data[BSL_REF_SPIKE], T, 1, 50.0), <, vr_near);
  /* Far apart spikes: each contributes sqrt(1/2 (1 + e^-2/tau)/(1 - e^-2/tau) / tau)... about 1
   * for a missing plus an extra spike; three of each gives about sqrt(3). */
  g_assert_cmpfloat (fabs (vr_far - sqrt (3.0)), <, 0.1);

  g_assert_cmpfloat (bsl_metric_spike_count_diff (s, less->data[BSL_REF_SPIKE], T, 1), ==, 1.0);
  {
    double g = bsl_metric_gamma (s, less->data[BSL_REF_SPIKE], T, 1, 1.0);

    g_assert_cmpfloat (g, >, 0.7);
    g_assert_cmpfloat (g, <, 1.0);
  }
}

static void
test_no_spikes (void)
{
  const int some[] = { 30 };
  g_autoptr(BslReference) none = make_trace (1, NULL, 0);
  g_autoptr(BslReference) one = make_trace (1, some, 1);

  g_assert_cmpfloat (bsl_metric_latency (none->data[BSL_REF_SPIKE], one->data[BSL_REF_SPIKE], T, 1),
                     ==, (double) T);
  g_assert_cmpfloat (bsl_metric_latency (none->data[BSL_REF_SPIKE], none->data[BSL_REF_SPIKE], T, 1),
                     ==, 0.0);
  g_assert_cmpfloat (bsl_metric_gamma (none->data[BSL_REF_SPIKE], one->data[BSL_REF_SPIKE], T, 1, 2),
                     ==, 0.0);
  g_assert_cmpfloat (bsl_metric_gamma (none->data[BSL_REF_SPIKE], none->data[BSL_REF_SPIKE], T, 1, 2),
                     ==, 1.0);
}

static void
test_weighted_sum (void)
{
  const int ref_steps[] = { 20, 60, 100 };
  const int fewer[] = { 20, 60 };
  g_autoptr(BslReference) ref = make_trace (1, ref_steps, 3);
  g_autoptr(BslReference) model = make_trace (1, fewer, 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  BslMetricConfig config;
  BslMetricValues values;

  for (gsize k = 0; k < T; k++)
    model->data[BSL_REF_V][k] += 3.0;
  bsl_metric_config_init (&config);
  g_assert_true (bsl_metric_config_parse (&config, "rmse_v=2,spike_count=0.5, gamma", &error));
  g_assert_no_error (error);
  text = bsl_metric_config_to_string (&config);
  g_assert_cmpstr (text, ==, "rmse_v=2,spike_count=0.5,gamma=1");
  bsl_metrics_compute (&config, ref, model, FALSE, &values);
  g_assert_cmpfloat_with_epsilon (values.values[BSL_METRIC_RMSE_V], 3.0, 1e-12);
  g_assert_true (isnan (values.values[BSL_METRIC_RMSE_U]));
  g_assert_cmpfloat_with_epsilon (values.total,
                                  2 * 3.0 + 0.5 * 1.0 + (1.0 - values.gamma), 1e-12);

  g_assert_false (bsl_metric_config_parse (&config, "rmse_w", &error));
  g_assert_true (bsl_error_is_bad_input (error));
  g_assert_true (strstr (error->message, "rmse_w") != NULL);
  g_clear_error (&error);
  g_assert_false (bsl_metric_config_parse (&config, "rmse_v=-1", &error));
  g_assert_true (strstr (error->message, "rmse_v") != NULL);
  g_clear_error (&error);

  /* A metric on a variable the reference does not have. */
  g_clear_pointer (&ref->data[BSL_REF_U], g_free);
  g_assert_true (bsl_metric_config_parse (&config, "rmse_u", NULL));
  g_assert_false (bsl_metric_config_check (&config, ref, TRUE, &error));
  g_assert_true (strstr (error->message, "'u'") != NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit/metrics/identical", test_identical);
  g_test_add_func ("/fit/metrics/rmse", test_rmse);
  g_test_add_func ("/fit/metrics/spike-shift", test_spike_shift);
  g_test_add_func ("/fit/metrics/no-spikes", test_no_spikes);
  g_test_add_func ("/fit/metrics/weighted-sum", test_weighted_sum);
  return g_test_run ();
}
