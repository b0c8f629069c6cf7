/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fit-case.h"
#include "fit/bsl-quantize.h"
#include "fit/bsl-tag-compare.h"

/* Float -> fixed: the fixed network behaves like the float one (spikes coincide, voltages close
 * at the chosen scale), every value fits its Loihi 2 range with headroom left, and fixed ->
 * float gives back the float parameters to within the quantisation step. */

static void
test_float_cases (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");

  for (guint c = 0; c < cases->len; c++)
    {
      const FitCase *fc = g_ptr_array_index (cases, c);
      g_autoptr(BslGraph) graph = fit_case_network (fc);
      g_autoptr(BslGraph) fixed = NULL;
      g_autoptr(GError) error = NULL;
      BslQuantizeResult *r;
      double vth;

      r = bsl_quantize_network (graph, "lif", fc->ref->n_steps, TRUE, &fixed, &error);
      g_assert_no_error (error);
      vth = bsl_array_get (bsl_process_get_param (fc->neuron, "vth"), 0);
      g_test_message ("%s: scale %g, rmse v %g (vth %g), spikes %zu float / %zu fixed, gamma %g, "
                      "headroom u %.1f v %.1f bits, refined %d",
                      fc->name, r->scale, r->error.values[BSL_METRIC_RMSE_V], vth, r->spikes_float,
                      r->spikes_fixed, r->error.gamma, r->u_headroom_bits, r->v_headroom_bits, r->refined);
      g_assert_cmpfloat (r->error.values[BSL_METRIC_RMSE_V], <, 0.01 * vth);
      g_assert_cmpfloat (r->error.gamma, >, 0.95);
      g_assert_cmpfloat (fabs ((double) r->spikes_fixed - (double) r->spikes_float), <=, 0.02 * r->spikes_float + 1);
      g_assert_cmpfloat (r->u_headroom_bits, >, 0.0);
      g_assert_cmpfloat (r->v_headroom_bits, >, 0.0);
      g_assert_cmpint (r->vth, <=, 131071);
      for (gsize i = 0; i < r->n; i++)
        {
          g_assert_cmpint (ABS (r->bias_mant[i]), <=, 4096);
          g_assert_cmpint (r->bias_exp[i], >=, 0);
          g_assert_cmpint (r->bias_exp[i], <=, 7);
        }
      for (gsize k = 0; r->weights != NULL && k < r->n * r->n_in; k++)
        {
          g_assert_cmpint (r->weights[k], >=, -256);
          g_assert_cmpint (r->weights[k], <=, 255);
        }
      /* Every quantised parameter is within half a step (relative) of its float value, or the
       * refinement moved it on purpose. */
      for (guint k = 0; k < r->params->len; k++)
        {
          const BslQuantizeParam *p = &g_array_index (r->params, BslQuantizeParam, k);

          if (!r->refined && p->float_value != 0.0 && fabs (p->fixed_value) >= 64)
            g_assert_cmpfloat (p->rel_error, <, 0.01);
        }
      /* The fixed network is valid as a fixed_pt network. */
      g_assert_true (bsl_graph_validate (fixed, BSL_TAG_FIXED_PT, &error));
      g_assert_no_error (error);
      {
        char *json = bsl_quantize_result_to_json (r);

        g_assert_true (strstr (json, "\"quantization_error\"") != NULL);
        g_free (json);
      }
      bsl_quantize_result_free (r);
    }
}

static void
test_round_trip (void)
{
  const double bias[2] = { 12.5, -3.25 };
  const double weights[2 * 3] = { 40.0, -12.0, 7.5, 0.0, 33.0, -20.0 };
  double spikes[50 * 3] = { 0 };
  BslQuantizeInput in = { 2, 0.125, 0.0625, 200.0, bias, 50, NULL, 3, weights, spikes, FALSE };
  BslQuantizeResult *r;
  g_autoptr(GError) error = NULL;
  double du, dv, vth, b[2], w[6];

  for (guint t = 0; t < 50; t += 3)
    spikes[t * 3 + (t % 3)] = 1.0;
  r = bsl_quantize_lif (&in, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->sign_mode, ==, 1);
  bsl_quantize_fixed_to_float (2, r->du, r->dv, r->vth, r->bias_mant, r->bias_exp, 3, r->weights,
                               r->weight_exp, r->num_weight_bits, r->sign_mode, r->scale,
                               &du, &dv, &vth, b, w);
  g_assert_cmpfloat (fabs (du - 0.125), <=, 0.5 / 4096);
  g_assert_cmpfloat (fabs (dv - 0.0625), <=, 0.5 / 4096);
  g_assert_cmpfloat (fabs (vth - 200.0), <=, 0.5 * 64 / r->scale);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpfloat (fabs (b[i] - bias[i]), <=, 0.5 * ldexp (1.0, r->bias_exp[i]) / r->scale);
  for (guint k = 0; k < 6; k++)
    g_assert_cmpfloat (fabs (w[k] - weights[k]), <=, 1.0 * ldexp (1.0, r->weight_exp) * 64 / r->scale + 1e-12);
  bsl_quantize_result_free (r);

  /* Out of range: a leak above 1 has no Loihi value. */
  in.du = 1.5;
  g_assert_null (bsl_quantize_lif (&in, FALSE, &error));
  g_assert_true (strstr (error->message, "du") != NULL);
}

static void
test_unsupported (void)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;
  gsize n = 2;

  g_assert_nonnull (bsl_graph_add_process (graph, "TernaryLIF", "tern", 1, &n, &error));
  g_assert_null (bsl_quantize_network (graph, "tern", 10, FALSE, NULL, &error));
  g_assert_true (strstr (error->message, "'tern'") != NULL);
  g_assert_true (strstr (error->message, "TernaryLIF") != NULL);
  g_clear_error (&error);
  g_assert_null (bsl_quantize_network (graph, "nothere", 10, FALSE, NULL, &error));
  g_assert_true (strstr (error->message, "'nothere'") != NULL);
}

/* One population under both tags, as the Tuner's Compare tags shows it: Lava's float LIF of
 * f_current_const converts to integers that spike on the same steps, the integers convert back,
 * ATRLIF carries the factor 64, a type without a conversion says so. */
static void
test_tag_comparison (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  const FitCase *fc = NULL;
  g_autoptr(BslTagComparison) to_fixed = NULL, to_float = NULL, atrlif = NULL;
  g_autoptr(BslProcess) fixed_lif = NULL, atr = NULL, izhikevich = NULL;
  g_autoptr(GError) error = NULL;
  gsize n;

  for (guint c = 0; cases != NULL && c < cases->len; c++)
    if (g_str_equal (((FitCase *) g_ptr_array_index (cases, c))->name, "f_current_const"))
      fc = g_ptr_array_index (cases, c);
  g_assert_nonnull (fc);
  n = fc->ref->n_neurons;

  to_fixed = bsl_tag_comparison_new (fc->neuron, BSL_TAG_FLOATING_PT, fc->ref, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (to_fixed->other_tag, ==, BSL_TAG_FIXED_PT);
  g_assert_cmpfloat (to_fixed->metrics[BSL_TAG_FLOATING_PT].values[BSL_METRIC_RMSE_V], <, 1e-9);
  g_assert_cmpuint (to_fixed->spikes[BSL_TAG_FIXED_PT], ==, to_fixed->spikes[BSL_TAG_FLOATING_PT]);
  g_assert_cmpfloat (to_fixed->rmse_v_between, <, 0.001 * 200);
  g_assert_cmpfloat (to_fixed->v_headroom_bits, >, 0.0);
  g_assert_cmpuint (to_fixed->params->len, >=, 4);
  g_test_message ("f_current_const to fixed_pt: scale %g, rmse v between %g, %zu spikes each",
                  to_fixed->scale, to_fixed->rmse_v_between, to_fixed->spikes[BSL_TAG_FIXED_PT]);

  /* the integers back to float: the same spikes again */
  fixed_lif = bsl_process_copy (to_fixed->other);
  {
    g_autoptr(BslReference) fixed_drive = bsl_reference_copy (fc->ref);

    for (gsize k = 0; k < fc->ref->n_steps * n; k++)
      fixed_drive->data[BSL_REF_A_IN][k] = nearbyint (fc->ref->data[BSL_REF_A_IN][k] * 64.0);
    to_float = bsl_tag_comparison_new (fixed_lif, BSL_TAG_FIXED_PT, fixed_drive, NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpint (to_float->other_tag, ==, BSL_TAG_FLOATING_PT);
  g_assert_cmpuint (to_float->spikes[BSL_TAG_FLOATING_PT], ==, to_float->spikes[BSL_TAG_FIXED_PT]);

  atr = bsl_process_new (bsl_proc_type_lookup ("ATRLIF"), "atr", 1, &n);
  bsl_process_set_param (atr, "theta_0", bsl_array_new_scalar (20), NULL);
  atrlif = bsl_tag_comparison_new (atr, BSL_TAG_FLOATING_PT, fc->ref, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (atrlif->scale, ==, 64.0);
  g_assert_cmpuint (atrlif->spikes[BSL_TAG_FLOATING_PT], >, 10);

  izhikevich = bsl_process_new (bsl_proc_type_lookup ("Izhikevich"), "izh", 1, &n);
  g_assert_null (bsl_tag_comparison_new (izhikevich, BSL_TAG_FLOATING_PT, fc->ref, NULL, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "Izhikevich"));
}

/* A drive of n neurons over steps: kicks of a fractional size every period steps (RF rings after
 * each), or a slow wave (SigmaDelta follows it). */
static BslReference *
new_drive (gsize    steps,
           gsize    n,
           gboolean kicks)
{
  BslReference *ref = bsl_reference_new (steps, n, "drive");

  ref->data[BSL_REF_A_IN] = g_new0 (double, steps * n);
  for (gsize t = 0; t < steps; t++)
    for (gsize i = 0; i < n; i++)
      ref->data[BSL_REF_A_IN][t * n + i] = kicks ? (t % 40 == 5 ? 30.25 + 7.5 * i : 0.0)
                                                 : (12.4 + 3 * i) * sin (t / (9.0 + i));
  return ref;
}

static const BslQuantizeParam *
find_param (const BslTagComparison *c,
            const char             *name)
{
  for (guint k = 0; k < c->params->len; k++)
    if (g_str_equal (g_array_index (c->params, BslQuantizeParam, k).name, name))
      return &g_array_index (c->params, BslQuantizeParam, k);
  return NULL;
}

static double
largest_v (const BslReference *trace)
{
  double largest = 0;

  for (gsize k = 0; k < trace->n_steps * trace->n_neurons; k++)
    largest = MAX (largest, fabs (trace->data[BSL_REF_V][k]));
  return largest;
}

/* Both ways, a population's two traces agree: the same spikes (to a few for SigmaDelta, whose
 * changes sent depend on the rounding of each), v within a percent of its range. */
static void
check_both_ways (BslProcess   *process,
                 BslReference *drive,
                 guint         spike_slack)
{
  g_autoptr(BslTagComparison) to_fixed = NULL, to_float = NULL;
  g_autoptr(BslReference) fixed_drive = bsl_reference_copy (drive);
  g_autoptr(GError) error = NULL;
  const BslQuantizeParam *vth;

  to_fixed = bsl_tag_comparison_new (process, BSL_TAG_FLOATING_PT, drive, NULL, &error);
  g_assert_no_error (error);
  vth = find_param (to_fixed, "vth");
  g_assert_nonnull (vth);
  g_test_message ("%s to fixed_pt: scale %g, vth %g -> %g (%g), rmse %s between %g of %g, spikes %zu / %zu, "
                  "headroom %.1f and %.1f bits", bsl_process_get_proc_type (process)->name, to_fixed->scale, vth->float_value,
                  vth->fixed_value, vth->represented, to_fixed->v_name, to_fixed->rmse_v_between,
                  largest_v (to_fixed->traces[BSL_TAG_FLOATING_PT]), to_fixed->spikes[BSL_TAG_FLOATING_PT],
                  to_fixed->spikes[BSL_TAG_FIXED_PT], to_fixed->u_headroom_bits, to_fixed->v_headroom_bits);
  g_assert_cmpuint (to_fixed->spikes[BSL_TAG_FLOATING_PT], >, 5);
  g_assert_cmpuint (to_fixed->spikes[BSL_TAG_FIXED_PT] + spike_slack, >=, to_fixed->spikes[BSL_TAG_FLOATING_PT]);
  g_assert_cmpuint (to_fixed->spikes[BSL_TAG_FLOATING_PT] + spike_slack, >=, to_fixed->spikes[BSL_TAG_FIXED_PT]);
  g_assert_cmpfloat (to_fixed->rmse_v_between, <, 0.01 * largest_v (to_fixed->traces[BSL_TAG_FLOATING_PT]));
  /* the states use the range, and keep a bit of it */
  g_assert_cmpfloat (to_fixed->scale, >, 1.0);
  g_assert_cmpfloat (to_fixed->v_headroom_bits, >=, 1.0);
  g_assert_cmpfloat (to_fixed->u_headroom_bits, >=, 1.0);
  g_assert_cmpfloat (vth->rel_error, <, 0.01);

  /* the integers back to float, on the drive the fixed model received */
  {
    g_autoptr(BslProcess) fixed = bsl_process_copy (to_fixed->other);
    double shift = g_str_equal (bsl_process_get_proc_type (process)->name, "SigmaDelta") ? to_fixed->scale : 1.0;

    for (gsize k = 0; k < drive->n_steps * drive->n_neurons; k++)
      fixed_drive->data[BSL_REF_A_IN][k] = nearbyint (drive->data[BSL_REF_A_IN][k] * shift);
    to_float = bsl_tag_comparison_new (fixed, BSL_TAG_FIXED_PT, fixed_drive, NULL, &error);
  }
  g_assert_no_error (error);
  g_test_message ("%s back to floating_pt: rmse %s between %g, spikes %zu / %zu", bsl_process_get_proc_type (process)->name,
                  to_float->v_name, to_float->rmse_v_between, to_float->spikes[BSL_TAG_FIXED_PT],
                  to_float->spikes[BSL_TAG_FLOATING_PT]);
  g_assert_cmpuint (to_float->spikes[BSL_TAG_FLOATING_PT] + spike_slack, >=, to_float->spikes[BSL_TAG_FIXED_PT]);
  g_assert_cmpuint (to_float->spikes[BSL_TAG_FIXED_PT] + spike_slack, >=, to_float->spikes[BSL_TAG_FLOATING_PT]);
  g_assert_cmpfloat (to_float->rmse_v_between, <, 0.01 * largest_v (to_float->traces[BSL_TAG_FIXED_PT]));
}

/* RF and SigmaDelta convert between tags as the LIF family does. */
static void
test_resonators (void)
{
  gsize n = 3;
  g_autoptr(BslProcess) rf = bsl_process_new (bsl_proc_type_lookup ("RF"), "rf", 1, &n);
  g_autoptr(BslProcess) sd = bsl_process_new (bsl_proc_type_lookup ("SigmaDelta"), "sd", 1, &n);
  g_autoptr(BslReference) kicks = new_drive (400, n, TRUE);
  g_autoptr(BslReference) wave = new_drive (400, n, FALSE);

  bsl_process_set_param (rf, "period", bsl_array_new_scalar (12), NULL);
  bsl_process_set_param (rf, "alpha", bsl_array_new_scalar (0.04), NULL);
  bsl_process_set_param (rf, "vth", bsl_array_new_scalar (6.3), NULL);
  check_both_ways (rf, kicks, 1);
  bsl_process_set_param (sd, "vth", bsl_array_new_scalar (1.7), NULL);
  bsl_process_set_param (sd, "bias", bsl_array_new_scalar (0.35), NULL);
  check_both_ways (sd, wave, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit/quantize/float-cases", test_float_cases);
  g_test_add_func ("/fit/quantize/round-trip", test_round_trip);
  g_test_add_func ("/fit/quantize/unsupported", test_unsupported);
  g_test_add_func ("/fit/quantize/tag-comparison", test_tag_comparison);
  g_test_add_func ("/fit/quantize/resonators", test_resonators);
  return g_test_run ();
}
