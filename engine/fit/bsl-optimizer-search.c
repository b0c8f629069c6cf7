/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every optimiser method uses while it searches: the projection into the box, the initial
 * steps, and the evaluation that counts, records, pauses and stops. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-optimizer-private.h"

void
_bsl_optimizer_project (BslOptimizer *opt,
                        double       *x)
{
  for (guint i = 0; i < opt->n; i++)
    {
      double value = x[i];

      if (isnan (value))
        value = opt->x0[i];
      if (opt->integer[i])
        value = nearbyint (value);
      x[i] = CLAMP (value, opt->lower[i], opt->upper[i]);
    }
}

double
_bsl_optimizer_initial_step (BslOptimizer *opt,
                             guint         i)
{
  double range = opt->upper[i] - opt->lower[i];
  double step = opt->step[i];

  if (step <= 0.0)
    {
      /* A fifth of the start value reaches the usual distance of a guess from the truth;
       * a share of the range covers a start at zero. */
      step = MAX (0.2 * fabs (opt->x0[i]), 0.05 * MIN (range, 1e6));
      if (step <= 0.0)
        step = 1.0;
    }
  if (range > 0.0)
    step = MIN (step, range);
  if (opt->integer[i])
    step = MAX (step, 1.0);
  return step;
}

static void
wait_while_paused (BslOptimizer *opt)
{
  if (!g_atomic_int_get (&opt->paused))
    return;
  g_mutex_lock (&opt->lock);
  while (g_atomic_int_get (&opt->paused) && !g_atomic_int_get (&opt->cancelled))
    g_cond_wait (&opt->cond, &opt->lock);
  g_mutex_unlock (&opt->lock);
}

double
_bsl_optimizer_evaluate (BslOptimizer *opt,
                         const double *x)
{
  double value;
  gboolean improved = FALSE;
  guint64 evaluations;

  if (opt->stop != BSL_OPTIMIZER_STOP_NONE)
    return INFINITY;
  wait_while_paused (opt);
  if (g_atomic_int_get (&opt->cancelled))
    {
      opt->stop = BSL_OPTIMIZER_STOP_CANCELLED;
      return INFINITY;
    }

  memcpy (opt->scratch, x, opt->n * sizeof (double));
  _bsl_optimizer_project (opt, opt->scratch);
  value = opt->objective (opt->scratch, opt->objective_data);
  if (isnan (value))
    value = INFINITY;

  g_mutex_lock (&opt->lock);
  evaluations = ++opt->evaluations;
  if (value < opt->best_value)
    {
      opt->best_value = value;
      memcpy (opt->best_x, opt->scratch, opt->n * sizeof (double));
      improved = TRUE;
    }
  if (opt->record_history)
    {
      double e = (double) evaluations;

      g_array_append_val (opt->history, e);
      g_array_append_val (opt->history, value);
      g_array_append_vals (opt->history, opt->scratch, opt->n);
    }
  g_mutex_unlock (&opt->lock);

  if (opt->progress_func != NULL &&
      (improved || evaluations - opt->last_progress >= opt->progress_interval))
    {
      opt->last_progress = evaluations;
      opt->progress_func (opt, evaluations, opt->best_value, opt->best_x, opt->progress_data);
    }

  if (opt->best_value <= opt->target)
    opt->stop = BSL_OPTIMIZER_STOP_TARGET;
  else if (evaluations >= opt->max_evaluations)
    opt->stop = BSL_OPTIMIZER_STOP_BUDGET;
  return value;
}

double
_bsl_optimizer_copy_best (BslOptimizer *opt,
                          double       *x)
{
  double value;

  g_mutex_lock (&opt->lock);
  value = opt->best_value;
  if (x != NULL)
    memcpy (x, opt->best_x, opt->n * sizeof (double));
  g_mutex_unlock (&opt->lock);
  return value;
}
