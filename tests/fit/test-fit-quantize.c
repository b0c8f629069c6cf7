/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fit-case.h"
#include "fit/bsl-quantize.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit/quantize/float-cases", test_float_cases);
  g_test_add_func ("/fit/quantize/round-trip", test_round_trip);
  g_test_add_func ("/fit/quantize/unsupported", test_unsupported);
  return g_test_run ();
}
