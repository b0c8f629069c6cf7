/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-fit.h"
#include "bsl-json-numbers.h"
#include "bsl-kernel-dense.h"
#include "bsl-kernel-lif.h"
#include "bsl-quantize.h"

#define STATE_MAX  8388607.0      /* 2^23 - 1 */
#define VTH_MAX    131071.0
#define MANT_MAX   4095.0
#define EXP_MAX    7

static void
clear_param (gpointer data)
{
  BslQuantizeParam *p = data;

  g_free (p->name);
}

GArray *
bsl_quantize_params_new (void)
{
  GArray *params = g_array_new (FALSE, TRUE, sizeof (BslQuantizeParam));

  g_array_set_clear_func (params, clear_param);
  return params;
}

void
bsl_quantize_result_free (BslQuantizeResult *result)
{
  if (result == NULL)
    return;
  g_free (result->bias_mant);
  g_free (result->bias_exp);
  g_free (result->weights);
  g_free (result->a_in);
  g_clear_pointer (&result->params, g_array_unref);
  g_free (result);
}

void
bsl_quantize_params_append (GArray     *params,
                            const char *name,
                            double      float_value,
                            double      fixed_value,
                            double      represented)
{
  BslQuantizeParam p = { g_strdup (name), float_value, fixed_value, represented, 0, 0 };

  p.abs_error = fabs (represented - float_value);
  p.rel_error = float_value != 0.0 ? p.abs_error / fabs (float_value) : 0.0;
  g_array_append_val (params, p);
}

/* The float drive a_in (n_steps x n). */
static double *
float_drive (const BslQuantizeInput *in)
{
  double *a = g_new0 (double, MAX (in->n_steps * in->n, 1));

  if (in->a_in != NULL)
    memcpy (a, in->a_in, in->n_steps * in->n * sizeof (double));
  else if (in->weights != NULL && in->spikes != NULL)
    for (gsize t = 1; t < in->n_steps; t++)
      for (gsize i = 0; i < in->n; i++)
        {
          double sum = 0.0;

          for (gsize j = 0; j < in->n_in; j++)
            {
              double s = in->spikes[(t - 1) * in->n_in + j];

              if (s != 0.0)
                sum += in->weights[i * in->n_in + j] * (in->graded ? s : 1.0);
            }
          a[t * in->n + i] = sum;
        }
  return a;
}

/* The fixed drive: Lava's Dense fixed model on the quantised weights, or the rounded a_in. */
static void
fixed_drive (const BslQuantizeInput *in,
             BslQuantizeResult      *r)
{
  g_free (r->a_in);
  r->a_in = g_new0 (gint32, MAX (in->n_steps * in->n, 1));
  if (r->weights != NULL)
    {
      g_autofree gint32 *w = g_new (gint32, in->n * in->n_in);

      for (gsize k = 0; k < in->n * in->n_in; k++)
        w[k] = bsl_k_dense_quantize_weight (r->weights[k], r->sign_mode, r->num_weight_bits);
      for (gsize t = 1; t < in->n_steps; t++)
        for (gsize i = 0; i < in->n; i++)
          {
            gint64 acc = 0;

            for (gsize j = 0; j < in->n_in; j++)
              {
                double s = in->spikes[(t - 1) * in->n_in + j];

                if (s != 0.0)
                  acc += (gint64) w[i * in->n_in + j] * (in->graded ? (gint64) trunc (s) : 1);
              }
            r->a_in[t * in->n + i] = (gint32) bsl_k_shift (acc, r->weight_exp);
          }
    }
  else if (in->a_in != NULL)
    for (gsize k = 0; k < in->n_steps * in->n; k++)
      r->a_in[k] = (gint32) CLAMP (nearbyint (in->a_in[k] * r->scale / 64.0), -2147483648.0, 2147483647.0);
}

static void
simulate_float (const BslQuantizeInput *in,
                const double           *a_in,
                BslReference           *trace)
{
  gsize n = in->n;
  g_autofree double *u = g_new0 (double, n), *v = g_new0 (double, n), *s = g_new0 (double, n);
  g_autofree double *bias = g_new0 (double, n);

  if (in->bias != NULL)
    memcpy (bias, in->bias, n * sizeof (double));
  for (gsize t = 0; t < in->n_steps; t++)
    {
      bsl_k_lif_float_step (0, n, in->du, in->dv, in->vth, bias, a_in + t * n, u, v, s);
      memcpy (trace->data[BSL_REF_U] + t * n, u, n * sizeof (double));
      memcpy (trace->data[BSL_REF_V] + t * n, v, n * sizeof (double));
      memcpy (trace->data[BSL_REF_SPIKE] + t * n, s, n * sizeof (double));
    }
}

static void
simulate_fixed (const BslQuantizeResult *r,
                BslReference            *trace)
{
  gsize n = r->n;
  g_autofree gint32 *u = g_new0 (gint32, n), *v = g_new0 (gint32, n), *s = g_new0 (gint32, n);

  for (gsize t = 0; t < r->n_steps; t++)
    {
      bsl_k_lif_fixed_step (0, n, r->du, r->dv, r->vth, r->bias_mant, r->bias_exp,
                            r->a_in + t * n, u, v, s);
      for (gsize i = 0; i < n; i++)
        {
          trace->data[BSL_REF_U][t * n + i] = u[i];
          trace->data[BSL_REF_V][t * n + i] = v[i];
          trace->data[BSL_REF_SPIKE][t * n + i] = s[i];
        }
    }
}

static BslReference *
new_trace (gsize n_steps,
           gsize n)
{
  BslReference *trace = bsl_reference_new (n_steps, n, "trace");

  for (guint v = BSL_REF_U; v <= BSL_REF_SPIKE; v++)
    trace->data[v] = g_new0 (double, MAX (n_steps * n, 1));
  return trace;
}

/* Fixed trace against the float one: fixed states scaled back by S. */
static void
compare (const BslQuantizeResult *r,
         const BslReference      *float_trace,
         const BslReference      *fixed_trace,
         BslMetricValues         *values)
{
  g_autoptr(BslReference) scaled = bsl_reference_copy (fixed_trace);
  BslMetricConfig config;

  for (gsize k = 0; k < r->n_steps * r->n; k++)
    {
      scaled->data[BSL_REF_U][k] /= r->scale;
      scaled->data[BSL_REF_V][k] /= r->scale;
    }
  bsl_metric_config_init (&config);
  bsl_metrics_compute (&config, float_trace, scaled, TRUE, values);
}

/* The integer fit of the fixed model to the float trace times S, from the rounded values. */
static gboolean
refine (BslQuantizeResult  *r,
        const BslReference *float_trace,
        const BslReference *fixed_trace)
{
  gsize n = r->n;
  g_autoptr(BslProcess) lif = NULL;
  g_autoptr(BslReference) target = NULL;
  g_autoptr(BslArray) mant = bsl_array_new_vector (n, NULL);
  g_autoptr(BslArray) exps = bsl_array_new_vector (n, NULL);
  BslFitProblem *problem;
  BslFitOptions options;
  BslFit *fit;
  g_autofree double *x = NULL;
  double before, after;
  gboolean improved = FALSE;

  lif = bsl_process_new (bsl_proc_type_lookup ("LIF"), "lif", 1, &n);
  bsl_process_set_param (lif, "du", bsl_array_new_scalar (r->du), NULL);
  bsl_process_set_param (lif, "dv", bsl_array_new_scalar (r->dv), NULL);
  bsl_process_set_param (lif, "vth", bsl_array_new_scalar (r->vth), NULL);
  for (gsize i = 0; i < n; i++)
    {
      mant->data[i] = r->bias_mant[i];
      exps->data[i] = r->bias_exp[i];
    }
  bsl_process_set_param (lif, "bias_mant", g_steal_pointer (&mant), NULL);
  bsl_process_set_param (lif, "bias_exp", g_steal_pointer (&exps), NULL);

  target = bsl_reference_copy (float_trace);
  target->data[BSL_REF_A_IN] = g_new0 (double, MAX (r->n_steps * n, 1));
  for (gsize k = 0; k < r->n_steps * n; k++)
    {
      target->data[BSL_REF_U][k] *= r->scale;
      target->data[BSL_REF_V][k] *= r->scale;
      target->data[BSL_REF_A_IN][k] = r->a_in[k];
    }
  problem = bsl_fit_problem_new (lif, BSL_TAG_FIXED_PT, target, NULL, NULL);
  if (problem == NULL)
    return FALSE;
  if (!bsl_fit_problem_add_params (problem, "du,dv,vth,bias_mant", NULL))
    {
      bsl_fit_problem_free (problem);
      return FALSE;
    }
  x = g_new0 (double, bsl_fit_problem_get_n_dims (problem));
  bsl_fit_problem_get_start (problem, x);
  before = bsl_fit_problem_evaluate (problem, x, FALSE, NULL);
  bsl_fit_options_init (&options);
  options.max_evaluations = 30000;
  fit = bsl_fit_new (problem, &options);
  bsl_fit_run (fit);
  after = bsl_fit_get_best (fit, x);
  if (after < before)
    {
      r->du = (gint32) x[0];
      r->dv = (gint32) x[1];
      r->vth = (gint32) x[2];
      for (gsize i = 0; i < n; i++)
        r->bias_mant[i] = (gint32) x[3 + i];
      improved = TRUE;
    }
  bsl_fit_free (fit);
  bsl_fit_problem_free (problem);
  return improved;
}

static double
headroom_bits (double max_abs)
{
  return 23.0 - log2 (max_abs + 1.0);
}

BslQuantizeResult *
bsl_quantize_lif (const BslQuantizeInput *in,
                  gboolean                refine_fit,
                  GError                **error)
{
  BslQuantizeResult *r;
  g_autofree double *a_float = NULL;
  g_autoptr(BslReference) float_trace = NULL;
  g_autoptr(BslReference) fixed_trace = NULL;
  double max_u = 0.0, max_v = 0.0, max_bias = 0.0, max_w = 0.0, bound, scale;
  gboolean any_pos = FALSE, any_neg = FALSE;

  g_return_val_if_fail (in != NULL && in->n > 0, NULL);

  if (!(in->du >= 0.0 && in->du <= 1.0) || !(in->dv >= 0.0 && in->dv <= 1.0))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "du and dv must lie in [0, 1] to have a Loihi 2 value (du %g, dv %g)", in->du, in->dv);
      return NULL;
    }
  if (!(in->vth >= 0.0) || !isfinite (in->vth))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "vth must be a finite value >= 0 to have a Loihi 2 value (vth %g)", in->vth);
      return NULL;
    }
  if (in->weights != NULL && in->spikes == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "weights without input spikes");
      return NULL;
    }

  a_float = float_drive (in);
  float_trace = new_trace (in->n_steps, in->n);
  simulate_float (in, a_float, float_trace);

  for (gsize k = 0; k < in->n_steps * in->n; k++)
    {
      max_u = MAX (max_u, fabs (float_trace->data[BSL_REF_U][k]));
      max_v = MAX (max_v, fabs (float_trace->data[BSL_REF_V][k]));
    }
  for (gsize i = 0; in->bias != NULL && i < in->n; i++)
    max_bias = MAX (max_bias, fabs (in->bias[i]));
  for (gsize k = 0; in->weights != NULL && k < in->n * in->n_in; k++)
    {
      max_w = MAX (max_w, fabs (in->weights[k]));
      any_pos |= in->weights[k] > 0;
      any_neg |= in->weights[k] < 0;
    }

  /* The largest scale at which everything fits. A voltage about to spike can exceed every value
   * the trace shows (it is reset at once), by at most one input and one bias. */
  bound = MAX (MAX (max_u, max_v), in->vth + max_u + max_bias);
  scale = bound > 0 ? STATE_MAX / (2.0 * bound) : 64.0;
  if (in->vth > 0)
    scale = MIN (scale, VTH_MAX * 64.0 / in->vth);
  if (max_bias > 0)
    scale = MIN (scale, MANT_MAX * (1 << EXP_MAX) / max_bias);
  if (max_w > 0)
    scale = MIN (scale, 255.0 * 64.0 * 128.0 / max_w);   /* weight_exp at most 7 */

  r = g_new0 (BslQuantizeResult, 1);
  r->scale = scale;
  r->n = in->n;
  r->n_in = in->weights != NULL ? in->n_in : 0;
  r->n_steps = in->n_steps;
  r->params = bsl_quantize_params_new ();
  r->bias_mant = g_new0 (gint32, in->n);
  r->bias_exp = g_new0 (gint32, in->n);
  r->num_weight_bits = 8;

  r->du = (gint32) CLAMP (nearbyint (in->du * 4096.0) - 1.0, 0.0, 4095.0);
  r->dv = (gint32) CLAMP (nearbyint (in->dv * 4096.0), 0.0, 4095.0);
  r->vth = (gint32) CLAMP (nearbyint (scale * in->vth / 64.0), 0.0, VTH_MAX);
  for (gsize i = 0; i < in->n; i++)
    {
      double b = in->bias != NULL ? scale * in->bias[i] : 0.0;
      gint32 e = 0;

      while (e < EXP_MAX && fabs (b) / (1 << e) > MANT_MAX)
        e++;
      r->bias_exp[i] = e;
      r->bias_mant[i] = (gint32) CLAMP (nearbyint (b / (1 << e)), -4096.0, MANT_MAX);
    }
  if (in->weights != NULL)
    {
      /* Mixed signs spend the lowest bit (Lava's MIXED mode keeps even weights only). */
      double limit;
      gint32 e = -8;

      r->sign_mode = any_pos && any_neg ? BSL_K_SIGN_MIXED
                     : any_neg ? BSL_K_SIGN_INHIBITORY : BSL_K_SIGN_EXCITATORY;
      limit = r->sign_mode == BSL_K_SIGN_MIXED ? 254.0 : 255.0;
      while (e < 7 && max_w * scale / (64.0 * ldexp (1.0, e)) > limit)
        e++;
      r->weight_exp = e;
      r->weights = g_new0 (gint32, in->n * in->n_in);
      for (gsize k = 0; k < in->n * in->n_in; k++)
        {
          double w = in->weights[k] * scale / (64.0 * ldexp (1.0, e));

          if (r->sign_mode == BSL_K_SIGN_MIXED)
            w = 2.0 * nearbyint (w / 2.0);
          else
            w = nearbyint (w);
          r->weights[k] = (gint32) CLAMP (w, -256.0, 255.0);
        }
    }
  fixed_drive (in, r);

  fixed_trace = new_trace (in->n_steps, in->n);
  simulate_fixed (r, fixed_trace);
  if (refine_fit && in->n_steps > 0)
    {
      BslMetricValues rounded, refined;
      BslQuantizeResult saved = *r;
      g_autofree gint32 *saved_mant = g_memdup2 (r->bias_mant, in->n * sizeof (gint32));

      compare (r, float_trace, fixed_trace, &rounded);
      if (rounded.total > 0.0 && refine (r, float_trace, fixed_trace))
        {
          simulate_fixed (r, fixed_trace);
          compare (r, float_trace, fixed_trace, &refined);
          if (refined.total < rounded.total)
            r->refined = TRUE;
          else
            {
              r->du = saved.du;
              r->dv = saved.dv;
              r->vth = saved.vth;
              memcpy (r->bias_mant, saved_mant, in->n * sizeof (gint32));
              simulate_fixed (r, fixed_trace);
            }
        }
    }

  /* The report. */
  {
    double du_f, dv_f, vth_f;
    g_autofree double *bias_f = g_new0 (double, in->n);
    g_autofree double *w_f = r->weights != NULL ? g_new0 (double, in->n * in->n_in) : NULL;

    bsl_quantize_fixed_to_float (in->n, r->du, r->dv, r->vth, r->bias_mant, r->bias_exp,
                                 r->n_in, r->weights, r->weight_exp, r->num_weight_bits,
                                 r->sign_mode, scale, &du_f, &dv_f, &vth_f, bias_f, w_f);
    bsl_quantize_params_append (r->params, "du", in->du, r->du, du_f);
    bsl_quantize_params_append (r->params, "dv", in->dv, r->dv, dv_f);
    bsl_quantize_params_append (r->params, "vth", in->vth, r->vth, vth_f);
    for (gsize i = 0; i < in->n; i++)
      {
        g_autofree char *name = g_strdup_printf ("bias[%" G_GSIZE_FORMAT "]", i);

        bsl_quantize_params_append (r->params, name, in->bias != NULL ? in->bias[i] : 0.0,
                   (double) r->bias_mant[i] * ldexp (1.0, r->bias_exp[i]), bias_f[i]);
      }
    if (w_f != NULL)
      {
        gsize worst = 0;
        double worst_error = -1.0;

        for (gsize k = 0; k < in->n * in->n_in; k++)
          if (fabs (w_f[k] - in->weights[k]) > worst_error)
            {
              worst_error = fabs (w_f[k] - in->weights[k]);
              worst = k;
            }
        {
          g_autofree char *name = g_strdup_printf ("weights[%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT "] (worst)",
                                                   worst / in->n_in, worst % in->n_in);

          bsl_quantize_params_append (r->params, name, in->weights[worst], r->weights[worst], w_f[worst]);
        }
      }
    else if (in->a_in != NULL)
      {
        gsize worst = 0;
        double worst_error = -1.0;

        for (gsize k = 0; k < in->n_steps * in->n; k++)
          if (fabs (r->a_in[k] * 64.0 / scale - in->a_in[k]) > worst_error)
            {
              worst_error = fabs (r->a_in[k] * 64.0 / scale - in->a_in[k]);
              worst = k;
            }
        if (in->n_steps > 0)
          {
            g_autofree char *name = g_strdup_printf ("a_in[step %" G_GSIZE_FORMAT ", neuron %" G_GSIZE_FORMAT "] (worst)",
                                                     worst / in->n + 1, worst % in->n);

            bsl_quantize_params_append (r->params, name, in->a_in[worst], r->a_in[worst],
                                        r->a_in[worst] * 64.0 / scale);
          }
      }
  }
  for (gsize k = 0; k < in->n_steps * in->n; k++)
    {
      r->u_max = MAX (r->u_max, fabs (fixed_trace->data[BSL_REF_U][k]));
      r->v_max = MAX (r->v_max, fabs (fixed_trace->data[BSL_REF_V][k]));
    }
  r->u_headroom_bits = headroom_bits (r->u_max);
  r->v_headroom_bits = headroom_bits (r->v_max);
  compare (r, float_trace, fixed_trace, &r->error);
  r->spikes_float = bsl_reference_count_spikes (float_trace, -1);
  r->spikes_fixed = bsl_reference_count_spikes (fixed_trace, -1);
  return r;
}

void
bsl_quantize_fixed_to_float (gsize          n,
                             gint32         du,
                             gint32         dv,
                             gint32         vth,
                             const gint32  *bias_mant,
                             const gint32  *bias_exp,
                             gsize          n_in,
                             const gint32  *weights,
                             gint32         weight_exp,
                             gint32         num_weight_bits,
                             gint32         sign_mode,
                             double         scale,
                             double        *du_out,
                             double        *dv_out,
                             double        *vth_out,
                             double        *bias_out,
                             double        *weights_out)
{
  *du_out = MIN ((du + 1) / 4096.0, 1.0);
  *dv_out = dv / 4096.0;
  *vth_out = vth * 64.0 / scale;
  for (gsize i = 0; bias_out != NULL && i < n; i++)
    *(bias_out + i) = bias_mant != NULL ? (double) bsl_k_shift (bias_mant[i], bias_exp != NULL ? bias_exp[i] : 0) / scale : 0.0;
  if (weights != NULL && weights_out != NULL)
    {
      int mode = bsl_k_dense_sign_mode (weights, n * n_in, sign_mode);

      for (gsize k = 0; k < n * n_in; k++)
        weights_out[k] = bsl_k_dense_quantize_weight (weights[k], mode, num_weight_bits)
                         * ldexp (1.0, weight_exp) * 64.0 / scale;
    }
}

char *
bsl_quantize_result_to_json (const BslQuantizeResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scale");
  json_builder_add_double_value (b, r->scale);
  json_builder_set_member_name (b, "fixed");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "du");
  json_builder_add_int_value (b, r->du);
  json_builder_set_member_name (b, "dv");
  json_builder_add_int_value (b, r->dv);
  json_builder_set_member_name (b, "vth");
  json_builder_add_int_value (b, r->vth);
  json_builder_set_member_name (b, "bias_mant");
  json_builder_begin_array (b);
  for (gsize i = 0; i < r->n; i++)
    json_builder_add_int_value (b, r->bias_mant[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "bias_exp");
  json_builder_begin_array (b);
  for (gsize i = 0; i < r->n; i++)
    json_builder_add_int_value (b, r->bias_exp[i]);
  json_builder_end_array (b);
  if (r->weights != NULL)
    {
      json_builder_set_member_name (b, "weights");
      json_builder_begin_array (b);
      for (gsize i = 0; i < r->n; i++)
        {
          json_builder_begin_array (b);
          for (gsize j = 0; j < r->n_in; j++)
            json_builder_add_int_value (b, r->weights[i * r->n_in + j]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "weight_exp");
      json_builder_add_int_value (b, r->weight_exp);
      json_builder_set_member_name (b, "num_weight_bits");
      json_builder_add_int_value (b, r->num_weight_bits);
      json_builder_set_member_name (b, "sign_mode");
      json_builder_add_int_value (b, r->sign_mode);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "refined");
  json_builder_add_boolean_value (b, r->refined);
  json_builder_set_member_name (b, "quantization_error");
  json_builder_begin_array (b);
  for (guint k = 0; k < r->params->len; k++)
    {
      const BslQuantizeParam *p = &g_array_index (r->params, BslQuantizeParam, k);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, p->name);
      json_builder_set_member_name (b, "float");
      json_builder_add_double_value (b, p->float_value);
      json_builder_set_member_name (b, "fixed");
      json_builder_add_double_value (b, p->fixed_value);
      json_builder_set_member_name (b, "represented");
      json_builder_add_double_value (b, p->represented);
      json_builder_set_member_name (b, "abs_error");
      json_builder_add_double_value (b, p->abs_error);
      json_builder_set_member_name (b, "rel_error");
      json_builder_add_double_value (b, p->rel_error);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "headroom");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "u_max");
  json_builder_add_double_value (b, r->u_max);
  json_builder_set_member_name (b, "v_max");
  json_builder_add_double_value (b, r->v_max);
  json_builder_set_member_name (b, "u_bits_left");
  json_builder_add_double_value (b, r->u_headroom_bits);
  json_builder_set_member_name (b, "v_bits_left");
  json_builder_add_double_value (b, r->v_headroom_bits);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "fixed_vs_float");
  json_builder_begin_object (b);
  for (guint m = 0; m < BSL_N_METRICS; m++)
    _bsl_json_builder_add_number (b, bsl_metric_to_string (m), r->error.values[m]);
  json_builder_set_member_name (b, "spikes_float");
  json_builder_add_int_value (b, r->spikes_float);
  json_builder_set_member_name (b, "spikes_fixed");
  json_builder_add_int_value (b, r->spikes_fixed);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/* --- on a network ----------------------------------------------------------------------------- */

static const BslConnection *
find_input (const BslGraph *graph,
            const char     *process,
            const char     *port)
{
  const BslConnection *found = NULL;

  for (guint c = 0; c < graph->connections->len; c++)
    {
      const BslConnection *conn = g_ptr_array_index (graph->connections, c);

      if (g_str_equal (conn->to_process, process) && g_str_equal (conn->to_port, port))
        {
          if (found != NULL)
            return GINT_TO_POINTER (1);     /* several: unsupported */
          found = conn;
        }
    }
  return found;
}

static double
scalar_param (const BslProcess *p,
              const char       *name)
{
  g_autoptr(BslArray) value = bsl_process_dup_param_full (p, name, NULL);

  return value != NULL ? value->data[0] : 0.0;
}

/* RingBuffer data as (n_steps x n) step-major: column (t % T) at step t + 1. */
static double *
ring_buffer_series (const BslProcess *src,
                    gsize             n_steps)
{
  const BslArray *data = bsl_process_get_param (src, "data");
  gsize n = src->dims[0];
  double *out = g_new0 (double, MAX (n_steps * n, 1));
  gsize columns;

  if (data == NULL)
    return out;
  columns = data->ndim >= 2 ? data->dims[data->ndim - 1] : 1;
  for (gsize t = 0; t < n_steps; t++)
    for (gsize i = 0; i < n; i++)
      out[t * n + i] = data->ndim == 0 ? data->data[0] : data->data[i * columns + t % columns];
  return out;
}

BslQuantizeResult *
bsl_quantize_network (const BslGraph  *graph,
                      const char      *process,
                      gint64           n_steps,
                      gboolean         refine_fit,
                      BslGraph       **fixed_graph,
                      GError         **error)
{
  const BslProcess *lif = bsl_graph_find_process (graph, process);
  const BslConnection *input;
  const BslProcess *src = NULL, *dense = NULL;
  BslQuantizeInput in = { 0 };
  g_autoptr(BslArray) bias = NULL;
  g_autoptr(BslArray) weights = NULL;
  g_autofree double *series = NULL;
  BslQuantizeResult *r;

  if (lif == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "no process named '%s'", process);
      return NULL;
    }
  if (!g_str_equal (lif->type->name, "LIF"))
    {
      if (!bsl_proc_type_has_model (lif->type, BSL_TAG_FIXED_PT))
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                     "process '%s' (%s): there is no fixed_pt model to convert to; float to "
                     "fixed conversion is for LIF populations", process, lif->type->name);
      else if (g_str_equal (lif->type->name, "ATRLIF"))
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                     "process '%s' (ATRLIF): float to fixed conversion is for LIF populations; "
                     "ATRLIF runs under fixed_pt with the same parameters (--tag fixed_pt, or "
                     "the Tuner's Compare tags)", process);
      else
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                     "process '%s' (%s): float to fixed conversion is for LIF populations",
                     process, lif->type->name);
      return NULL;
    }
  input = find_input (graph, process, "a_in");
  if (input == GINT_TO_POINTER (1))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s': a_in has several inputs; conversion supports one Dense or one RingBuffer",
                   process);
      return NULL;
    }
  if (input != NULL)
    {
      const BslProcess *from = bsl_graph_find_process (graph, input->from_process);

      if (g_str_equal (from->type->name, "RingBuffer"))
        src = from;
      else if (g_str_equal (from->type->name, "Dense"))
        {
          const BslConnection *dense_input = find_input (graph, from->name, "s_in");

          dense = from;
          if (dense_input != NULL && dense_input != GINT_TO_POINTER (1))
            src = bsl_graph_find_process (graph, dense_input->from_process);
          if (src == NULL || !g_str_equal (src->type->name, "RingBuffer"))
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                           "process '%s': Dense '%s' must be fed by one RingBuffer for the conversion",
                           process, from->name);
              return NULL;
            }
        }
      else
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                       "process '%s': a_in comes from %s '%s'; conversion supports a Dense or a RingBuffer",
                       process, from->type->name, from->name);
          return NULL;
        }
    }

  in.n = lif->dims[0];
  in.du = scalar_param (lif, "du");
  in.dv = scalar_param (lif, "dv");
  in.vth = scalar_param (lif, "vth");
  bias = bsl_process_dup_param_full (lif, "bias_mant", error);
  if (bias == NULL)
    return NULL;
  in.bias = bias->data;
  in.n_steps = n_steps > 0 ? n_steps : graph->run_steps;
  if (src != NULL)
    series = ring_buffer_series (src, in.n_steps);
  if (dense != NULL)
    {
      weights = bsl_process_dup_param_full (dense, "weights", error);
      if (weights == NULL)
        return NULL;
      in.n_in = dense->dims[1];
      in.weights = weights->data;
      in.spikes = series;
      in.graded = scalar_param (dense, "num_message_bits") > 0;
    }
  else if (src != NULL)
    in.a_in = series;

  r = bsl_quantize_lif (&in, refine_fit, error);
  if (r == NULL)
    {
      g_prefix_error (error, "process '%s': ", process);
      return NULL;
    }

  if (fixed_graph != NULL)
    {
      BslGraph *copy = bsl_graph_copy (graph);
      BslProcess *p = bsl_graph_find_process (copy, process);
      BslArray *mant = bsl_array_new_vector (r->n, NULL), *exps = bsl_array_new_vector (r->n, NULL);

      for (gsize i = 0; i < r->n; i++)
        {
          mant->data[i] = r->bias_mant[i];
          exps->data[i] = r->bias_exp[i];
        }
      bsl_process_set_param (p, "du", bsl_array_new_scalar (r->du), NULL);
      bsl_process_set_param (p, "dv", bsl_array_new_scalar (r->dv), NULL);
      bsl_process_set_param (p, "vth", bsl_array_new_scalar (r->vth), NULL);
      bsl_process_set_param (p, "bias_mant", mant, NULL);
      bsl_process_set_param (p, "bias_exp", exps, NULL);
      p->model = BSL_TAG_NONE;
      if (dense != NULL)
        {
          BslProcess *d = bsl_graph_find_process (copy, dense->name);
          BslArray *w = bsl_array_new_matrix (r->n, r->n_in);

          for (gsize k = 0; k < r->n * r->n_in; k++)
            w->data[k] = r->weights[k];
          bsl_process_set_param (d, "weights", w, NULL);
          bsl_process_set_param (d, "weight_exp", bsl_array_new_scalar (r->weight_exp), NULL);
          bsl_process_set_param (d, "num_weight_bits", bsl_array_new_scalar (r->num_weight_bits), NULL);
          bsl_process_set_param (d, "sign_mode", bsl_array_new_scalar (r->sign_mode), NULL);
          d->model = BSL_TAG_NONE;
        }
      else if (src != NULL)
        {
          BslProcess *s = bsl_graph_find_process (copy, src->name);
          BslArray *data = bsl_array_copy (bsl_process_get_param (s, "data"));

          /* The numbers change: the initializer that made them no longer describes them. */
          g_clear_pointer (&data->init, json_node_unref);
          for (gsize k = 0; k < data->n; k++)
            data->data[k] = nearbyint (data->data[k] * r->scale / 64.0);
          bsl_process_set_param (s, "data", data, NULL);
        }
      copy->run_tag = BSL_TAG_FIXED_PT;
      *fixed_graph = copy;
    }
  return r;
}
