/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "bsl-bench.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-learning-rule.h"

#define FIXED_SCALE_LOG2 17

static double
bench_weight (gsize n, gsize pre, gsize post)
{
  /* Written as the benchmark's reference scripts evaluate it, to get the same doubles. */
  double wscale = 4.0 / (double) n;
  gint64 k = (gint64) ((pre * 7919 + post * 104729) % 2001) - 900;

  return (wscale * (double) k) / 1000.0;
}

static double
bench_bias (gsize j)
{
  return 0.1 + 0.05 * (double) ((j * 37) % 101) / 100.0;
}

static gboolean
set_scalar (BslProcess *p, const char *name, double value, GError **error)
{
  return bsl_process_set_param (p, name, bsl_array_new_scalar (value), error);
}

/* The benchmark's STDP: a small learning rate, so that the weights drift rather than jump. */
static BslLearningRule *
bench_rule (BslTag tag)
{
  BslLearningRule *rule = bsl_learning_rule_new_default ();
  double impulse = tag == BSL_TAG_FIXED_PT ? 16 : 0.1;

  rule->learning_rate = ldexp (1.0, -7);
  rule->a_plus = 1;
  rule->a_minus = -1;
  rule->impulse[BSL_K_TRACE_X1] = rule->impulse[BSL_K_TRACE_Y1] = impulse;
  return rule;
}

static BslGraph *
bench_network (gsize n, BslTag tag, gboolean plastic, GError **error)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  gsize vec[1] = { n }, mat[2] = { n, n };
  BslProcess *a, *b, *dense;
  BslArray *bias, *weights;
  gboolean fixed = tag == BSL_TAG_FIXED_PT;
  int weight_exp = 0;

  if (n == 0 || n > 8192)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "--n %" G_GSIZE_FORMAT " is outside 1..8192", n);
      return NULL;
    }
  graph->run_tag = tag;
  graph->run_steps = 1000;

  a = bsl_graph_add_process (graph, "LIF", "A", 1, vec, error);
  dense = bsl_graph_add_process (graph, plastic ? "LearningDense" : "Dense", "W", 2, mat, error);
  b = bsl_graph_add_process (graph, "LIF", "B", 1, vec, error);
  if (a == NULL || dense == NULL || b == NULL)
    return NULL;

  bias = bsl_array_new_vector (n, NULL);
  weights = bsl_array_new_matrix (n, n);
  if (fixed)
    {
      double w_max = 0;
      for (gsize post = 0; post < n; post++)
        for (gsize pre = 0; pre < n; pre++)
          w_max = MAX (w_max, fabs (bench_weight (n, pre, post)));
      /* Smallest exponent with |w| * 2^(11 - e) <= 255: u gains W * 2^(e + 6) = w * 2^17. */
      weight_exp = -8;
      while (w_max * ldexp (1.0, FIXED_SCALE_LOG2 - 6 - weight_exp) > 255.0)
        weight_exp++;
      /* Scaling by a power of two is exact: the factor is computed once, not per weight. */
      const double weight_scale = ldexp (1.0, FIXED_SCALE_LOG2 - 6 - weight_exp);
      for (gsize j = 0; j < n; j++)
        bias->data[j] = round (bench_bias (j) * ldexp (1.0, FIXED_SCALE_LOG2 - 3));
      for (gsize post = 0; post < n; post++)
        for (gsize pre = 0; pre < n; pre++)
          weights->data[post * n + pre] = round (bench_weight (n, pre, post) * weight_scale);
    }
  else
    {
      for (gsize j = 0; j < n; j++)
        bias->data[j] = bench_bias (j);
      for (gsize post = 0; post < n; post++)
        for (gsize pre = 0; pre < n; pre++)
          weights->data[post * n + pre] = bench_weight (n, pre, post);
    }

  for (int side = 0; side < 2; side++)
    {
      BslProcess *p = side == 0 ? a : b;
      if (!set_scalar (p, "du", fixed ? 410 : 0.1, error) ||
          !set_scalar (p, "dv", fixed ? 410 : 0.1, error) ||
          !set_scalar (p, "vth", fixed ? ldexp (1.0, FIXED_SCALE_LOG2 - 6) : 1.0, error) ||
          !set_scalar (p, "bias_exp", fixed ? 3 : 0, error))
        return NULL;
    }
  if (!bsl_process_set_param (a, "bias_mant", bias, error) ||
      !bsl_process_set_param (dense, "weights", weights, error) ||
      !set_scalar (dense, "weight_exp", weight_exp, error))
    return NULL;
  a->has_position = b->has_position = dense->has_position = TRUE;
  a->x = 40, a->y = 80, dense->x = 260, dense->y = 80, b->x = 480, b->y = 80;

  if (!bsl_graph_connect (graph, "A.s_out", "W.s_in", error) ||
      !bsl_graph_connect (graph, "W.a_out", "B.a_in", error))
    return NULL;
  if (plastic)
    {
      g_autoptr(BslLearningRule) rule = bench_rule (tag);

      if (!bsl_process_set_learning_rule (dense, rule, error) ||
          !bsl_graph_connect (graph, "B.s_out", "W.s_in_bap", error))
        return NULL;
    }
  return g_steal_pointer (&graph);
}

BslGraph *
bsl_bench_dense_network (gsize n, BslTag tag, GError **error)
{
  return bench_network (n, tag, FALSE, error);
}

BslGraph *
bsl_bench_stdp_network (gsize n, BslTag tag, GError **error)
{
  return bench_network (n, tag, TRUE, error);
}
