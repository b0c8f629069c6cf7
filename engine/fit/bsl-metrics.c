/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-metrics.h"

static const char *const metric_names[BSL_N_METRICS] = {
  "rmse_v", "rmse_u", "spike_count", "van_rossum", "gamma", "latency",
};

const char *
bsl_metric_to_string (BslMetric metric)
{
  g_return_val_if_fail (metric < BSL_N_METRICS, NULL);
  return metric_names[metric];
}

gboolean
bsl_metric_from_string (const char *text,
                        BslMetric  *metric)
{
  static const struct { const char *alias; BslMetric metric; } aliases[] = {
    { "v", BSL_METRIC_RMSE_V }, { "u", BSL_METRIC_RMSE_U },
    { "spikes", BSL_METRIC_SPIKE_COUNT }, { "count", BSL_METRIC_SPIKE_COUNT },
    { "vanrossum", BSL_METRIC_VAN_ROSSUM }, { "van-rossum", BSL_METRIC_VAN_ROSSUM },
    { "coincidence", BSL_METRIC_GAMMA }, { "first_spike", BSL_METRIC_LATENCY },
  };

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < BSL_N_METRICS; i++)
    if (g_ascii_strcasecmp (text, metric_names[i]) == 0)
      {
        *metric = i;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_ascii_strcasecmp (text, aliases[i].alias) == 0)
      {
        *metric = aliases[i].metric;
        return TRUE;
      }
  return FALSE;
}

BslRefVar
bsl_metric_needs (BslMetric metric)
{
  switch (metric)
    {
    case BSL_METRIC_RMSE_V: return BSL_REF_V;
    case BSL_METRIC_RMSE_U: return BSL_REF_U;
    default: return BSL_REF_SPIKE;
    }
}

void
bsl_metric_config_init (BslMetricConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->weights[BSL_METRIC_RMSE_V] = 1.0;
  config->weights[BSL_METRIC_RMSE_U] = 1.0;
  config->van_rossum_tau = 10.0;
  config->gamma_window = 2.0;
}

gboolean
bsl_metric_config_parse (BslMetricConfig *config,
                         const char      *text,
                         GError         **error)
{
  g_auto(GStrv) terms = NULL;
  double weights[BSL_N_METRICS] = { 0 };
  gboolean any = FALSE;

  g_return_val_if_fail (config != NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "empty metric");
      return FALSE;
    }
  terms = g_strsplit_set (text, ",+", -1);
  for (guint k = 0; terms[k] != NULL; k++)
    {
      char *term = g_strstrip (terms[k]);
      char *eq = strchr (term, '=');
      char *star = strchr (term, '*');
      const char *name = term;
      double weight = 1.0;
      BslMetric metric;

      if (*term == '\0')
        continue;
      /* "name=weight" or "weight*name". */
      if (eq != NULL)
        {
          char *end = NULL;

          *eq = '\0';
          weight = g_ascii_strtod (eq + 1, &end);
          if (end == eq + 1 || *g_strstrip (end) != '\0')
            weight = NAN;
          name = g_strstrip (term);
        }
      else if (star != NULL)
        {
          char *end = NULL;

          *star = '\0';
          weight = g_ascii_strtod (term, &end);
          if (end == term || *g_strstrip (end) != '\0')
            weight = NAN;
          name = g_strstrip (star + 1);
        }
      if (!bsl_metric_from_string (name, &metric))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                       "unknown metric '%s' (expected rmse_v, rmse_u, spike_count, van_rossum, "
                       "gamma or latency, or a weighted sum such as rmse_v=1,gamma=10)", name);
          return FALSE;
        }
      if (!isfinite (weight) || weight < 0.0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                       "metric '%s': the weight must be a number >= 0", name);
          return FALSE;
        }
      weights[metric] += weight;
      any = any || weight > 0.0;
    }
  if (!any)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "metric '%s': no term with a positive weight", text);
      return FALSE;
    }
  memcpy (config->weights, weights, sizeof weights);
  return TRUE;
}

gboolean
bsl_metric_config_check (BslMetricConfig    *config,
                         const BslReference *ref,
                         gboolean            strict,
                         GError            **error)
{
  gboolean any = FALSE;

  g_return_val_if_fail (config != NULL, FALSE);

  for (guint m = 0; m < BSL_N_METRICS; m++)
    {
      if (config->weights[m] <= 0.0)
        continue;
      if (!bsl_reference_has_var (ref, bsl_metric_needs (m)))
        {
          if (strict)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                           "%s: metric '%s' needs the variable '%s', which the reference does not have",
                           ref->display_name, metric_names[m],
                           bsl_ref_var_to_string (bsl_metric_needs (m)));
              return FALSE;
            }
          config->weights[m] = 0.0;
          continue;
        }
      any = TRUE;
    }
  if (!any)
    {
      /* The default was on u and v: a reference of spikes alone falls back to spike distances. */
      if (!strict && bsl_reference_has_var (ref, BSL_REF_SPIKE))
        {
          config->weights[BSL_METRIC_VAN_ROSSUM] = 1.0;
          config->weights[BSL_METRIC_SPIKE_COUNT] = 1.0;
          return TRUE;
        }
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "%s: none of the chosen metrics can be computed from this reference",
                   ref->display_name);
      return FALSE;
    }
  return TRUE;
}

char *
bsl_metric_config_to_string (const BslMetricConfig *config)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (config != NULL, NULL);

  for (guint m = 0; m < BSL_N_METRICS; m++)
    if (config->weights[m] > 0.0)
      g_string_append_printf (text, "%s%s=%g", text->len > 0 ? "," : "", metric_names[m],
                              config->weights[m]);
  return g_string_free (text, FALSE);
}

double
bsl_metric_rmse (const double *a,
                 const double *b,
                 gsize         n)
{
  double sum = 0.0;

  if (n == 0)
    return 0.0;
  for (gsize k = 0; k < n; k++)
    {
      double d = a[k] - b[k];

      sum += d * d;
    }
  return sqrt (sum / n);
}

double
bsl_metric_spike_count_diff (const double *s_ref,
                             const double *s_model,
                             gsize         n_steps,
                             gsize         n_neurons)
{
  double total = 0.0;

  for (gsize i = 0; i < n_neurons; i++)
    {
      gint64 count = 0;

      for (gsize t = 0; t < n_steps; t++)
        count += (s_ref[t * n_neurons + i] != 0.0) - (s_model[t * n_neurons + i] != 0.0);
      total += (double) ABS (count);
    }
  return total;
}

/* D^2 = (1/tau) sum_t (f_t - g_t)^2 with f_t = f_{t-1} e^{-1/tau} + s_t: the discrete form of
 * van Rossum's integral of the squared difference of the exponentially filtered trains. */
double
bsl_metric_van_rossum (const double *s_ref,
                       const double *s_model,
                       gsize         n_steps,
                       gsize         n_neurons,
                       double        tau)
{
  double decay, total = 0.0;

  if (n_neurons == 0)
    return 0.0;
  tau = MAX (tau, 1e-9);
  decay = exp (-1.0 / tau);
  for (gsize i = 0; i < n_neurons; i++)
    {
      double f = 0.0, sum = 0.0;

      for (gsize t = 0; t < n_steps; t++)
        {
          f = f * decay + s_ref[t * n_neurons + i] - s_model[t * n_neurons + i];
          sum += f * f;
        }
      total += sqrt (sum / tau);
    }
  return total / n_neurons;
}

/* Kistler et al. (1997), in discrete time: a coincidence is a pair of spikes at most `window`
 * steps apart, each spike used once. Gamma = (N_c - <N_c>) / (0.5 (N_ref + N_model) (1 - p))
 * with p = (2 window + 1) N_model / T the chance that a model spike falls in a given window,
 * <N_c> = p N_ref. 1 for identical trains, 0 when one of them is empty. When p >= 1 (a window
 * as long as the mean interval) the plain coincidence fraction N_c / (0.5 (N_ref + N_model)). */
double
bsl_metric_gamma (const double *s_ref,
                  const double *s_model,
                  gsize         n_steps,
                  gsize         n_neurons,
                  double        window)
{
  double total = 0.0;

  if (n_neurons == 0 || n_steps == 0)
    return 1.0;
  window = MAX (window, 0.0);
  for (gsize i = 0; i < n_neurons; i++)
    {
      gsize n_ref = 0, n_model = 0, n_coinc = 0;
      gsize tm = 0;
      double p, expected, gamma;

      for (gsize t = 0; t < n_steps; t++)
        {
          n_ref += s_ref[t * n_neurons + i] != 0.0;
          n_model += s_model[t * n_neurons + i] != 0.0;
        }
      if (n_ref == 0 && n_model == 0)
        {
          total += 1.0;
          continue;
        }
      if (n_ref == 0 || n_model == 0)
        continue;
      for (gsize tr = 0; tr < n_steps; tr++)
        {
          if (s_ref[tr * n_neurons + i] == 0.0)
            continue;
          /* Earliest unused model spike not before tr - window. */
          while (tm < n_steps && (s_model[tm * n_neurons + i] == 0.0 || (double) tm + window < (double) tr))
            tm++;
          if (tm < n_steps && (double) tm <= (double) tr + window)
            {
              n_coinc++;
              tm++;
            }
        }
      p = (2.0 * floor (window) + 1.0) * (double) n_model / (double) n_steps;
      expected = p * n_ref;
      if (p >= 1.0)
        /* At this rate every window holds a model spike by chance and the correction is
         * undefined: the plain coincidence fraction is the most useful number left. */
        gamma = n_coinc / (0.5 * (n_ref + n_model));
      else
        gamma = (n_coinc - expected) / (0.5 * (n_ref + n_model) * (1.0 - p));
      total += gamma;
    }
  return total / n_neurons;
}

double
bsl_metric_latency (const double *s_ref,
                    const double *s_model,
                    gsize         n_steps,
                    gsize         n_neurons)
{
  double total = 0.0;

  if (n_neurons == 0)
    return 0.0;
  for (gsize i = 0; i < n_neurons; i++)
    {
      gssize first_ref = -1, first_model = -1;

      for (gsize t = 0; t < n_steps && (first_ref < 0 || first_model < 0); t++)
        {
          if (first_ref < 0 && s_ref[t * n_neurons + i] != 0.0)
            first_ref = t;
          if (first_model < 0 && s_model[t * n_neurons + i] != 0.0)
            first_model = t;
        }
      if (first_ref < 0 && first_model < 0)
        continue;
      if (first_ref < 0 || first_model < 0)
        total += (double) n_steps;
      else
        total += (double) ABS (first_ref - first_model);
    }
  return total / n_neurons;
}

void
bsl_metrics_compute (const BslMetricConfig *config,
                     const BslReference    *ref,
                     const BslReference    *model,
                     gboolean               all,
                     BslMetricValues       *values)
{
  gsize n_steps = MIN (ref->n_steps, model->n_steps);
  gsize n_neurons = ref->n_neurons;
  gsize n = n_steps * n_neurons;

  g_return_if_fail (ref->n_neurons == model->n_neurons);

  values->total = 0.0;
  values->gamma = NAN;
  for (guint m = 0; m < BSL_N_METRICS; m++)
    {
      const double *r = ref->data[bsl_metric_needs (m)];
      const double *x = model->data[bsl_metric_needs (m)];
      double value;

      values->values[m] = NAN;
      if (r == NULL || x == NULL || (!all && config->weights[m] <= 0.0))
        continue;
      switch ((BslMetric) m)
        {
        case BSL_METRIC_RMSE_V:
        case BSL_METRIC_RMSE_U:
          value = bsl_metric_rmse (r, x, n);
          break;
        case BSL_METRIC_SPIKE_COUNT:
          value = bsl_metric_spike_count_diff (r, x, n_steps, n_neurons);
          break;
        case BSL_METRIC_VAN_ROSSUM:
          value = bsl_metric_van_rossum (r, x, n_steps, n_neurons, config->van_rossum_tau);
          break;
        case BSL_METRIC_GAMMA:
          values->gamma = bsl_metric_gamma (r, x, n_steps, n_neurons, config->gamma_window);
          value = 1.0 - values->gamma;
          break;
        case BSL_METRIC_LATENCY:
          value = bsl_metric_latency (r, x, n_steps, n_neurons);
          break;
        default:
          g_assert_not_reached ();
        }
      values->values[m] = value;
      if (config->weights[m] > 0.0)
        values->total += config->weights[m] * value;
    }
}
