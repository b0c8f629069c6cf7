/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-reference.h"

G_BEGIN_DECLS

/* Distances between a model trace and a reference, each >= 0 and 0 for identical traces, so that
 * a weighted sum of them is a fitting objective. Spike trains are the non-zero entries of the
 * spike variable (TernaryLIF's -1 counts as a spike; van Rossum uses the signed value). */
typedef enum
{
  BSL_METRIC_RMSE_V,          /* root mean square of v differences, over all steps and neurons */
  BSL_METRIC_RMSE_U,
  BSL_METRIC_SPIKE_COUNT,     /* sum over neurons of |spike count difference| */
  BSL_METRIC_VAN_ROSSUM,      /* van Rossum distance (time constant tau, in steps), neuron mean */
  BSL_METRIC_GAMMA,           /* 1 - gamma coincidence factor (window in steps), neuron mean */
  BSL_METRIC_LATENCY,         /* |first-spike step difference|, neuron mean; n_steps if one has none */
  BSL_N_METRICS
} BslMetric;

const char *bsl_metric_to_string   (BslMetric   metric);
gboolean    bsl_metric_from_string (const char *text,
                                    BslMetric  *metric);
/* The reference variable a metric needs. */
BslRefVar   bsl_metric_needs       (BslMetric   metric);

typedef struct
{
  double weights[BSL_N_METRICS];
  double van_rossum_tau;          /* steps; default 10 */
  double gamma_window;            /* steps (half-width); default 2 */
} BslMetricConfig;

typedef struct
{
  double values[BSL_N_METRICS];   /* NAN where not computed */
  double gamma;                   /* the coincidence factor itself (1 = identical) */
  double total;                   /* weighted sum */
} BslMetricValues;

void     bsl_metric_config_init      (BslMetricConfig       *config);
/* "rmse_v", "gamma", or a weighted sum "rmse_v=1,spike_count=0.5,van_rossum=2". */
gboolean bsl_metric_config_parse     (BslMetricConfig       *config,
                                      const char            *text,
                                      GError               **error);
/* Drops metrics whose variable the reference lacks; fails when one was asked for explicitly
 * (strict) or when nothing is left. */
gboolean bsl_metric_config_check     (BslMetricConfig       *config,
                                      const BslReference    *ref,
                                      gboolean               strict,
                                      GError               **error);
char    *bsl_metric_config_to_string (const BslMetricConfig *config);

/* Computes the metrics with a non-zero weight (all of them when all is TRUE) of model against
 * ref over the first min(n_steps) steps. Both must have the same number of neurons. */
void     bsl_metrics_compute         (const BslMetricConfig *config,
                                      const BslReference    *ref,
                                      const BslReference    *model,
                                      gboolean               all,
                                      BslMetricValues       *values);

/* The building blocks, on plain arrays. Spike arrays are step-major (t * n_neurons + i). */
double   bsl_metric_rmse             (const double          *a,
                                      const double          *b,
                                      gsize                  n);
double   bsl_metric_spike_count_diff (const double          *s_ref,
                                      const double          *s_model,
                                      gsize                  n_steps,
                                      gsize                  n_neurons);
double   bsl_metric_van_rossum       (const double          *s_ref,
                                      const double          *s_model,
                                      gsize                  n_steps,
                                      gsize                  n_neurons,
                                      double                 tau);
/* The mean coincidence factor (1 = identical, about 0 = chance). */
double   bsl_metric_gamma            (const double          *s_ref,
                                      const double          *s_model,
                                      gsize                  n_steps,
                                      gsize                  n_neurons,
                                      double                 window);
double   bsl_metric_latency          (const double          *s_ref,
                                      const double          *s_model,
                                      gsize                  n_steps,
                                      gsize                  n_neurons);

G_END_DECLS
