/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the optimiser's state and what its methods use while they search
 * (bsl-optimizer-search.c). */
#pragma once

#include "bsl-optimizer.h"
#include "bsl-random.h"

G_BEGIN_DECLS

struct _BslOptimizer
{
  BslOptimizerMethod method;
  guint              n;
  double            *lower;
  double            *upper;
  gboolean          *integer;
  double            *step;
  char             **names;
  double            *x0;
  guint64            seed;
  guint64            max_evaluations;
  double             target;
  gboolean           record_history;
  BslOptimizerProgressFunc progress_func;
  guint              progress_interval;
  gpointer           progress_data;

  /* Run state. */
  BslObjectiveFunc   objective;
  gpointer           objective_data;
  BslRandom          rng;
  double            *scratch;       /* the point as evaluated (clamped, rounded) */
  BslOptimizerStop   stop;
  guint64            last_progress;

  /* Shared with other threads. */
  GMutex             lock;
  GCond              cond;
  gint               cancelled;     /* atomic */
  gint               paused;        /* atomic; waits on cond under lock */
  guint64            evaluations;   /* under lock */
  double             best_value;    /* under lock */
  double            *best_x;        /* under lock */
  GArray            *history;       /* doubles, (2 + n) per entry: evaluation, value, x; under lock */
};

/* Clamps x into the bounds and rounds integer dimensions, in place. */
void     _bsl_optimizer_project        (BslOptimizer *opt,
                                        double       *x);
/* Evaluates the objective at the projection of x (x itself is not changed), records it,
 * honours pause and cancel, and sets opt->stop when the run must end. Returns +inf once
 * stopped without evaluating. */
double   _bsl_optimizer_evaluate       (BslOptimizer *opt,
                                        const double *x);
static inline gboolean
_bsl_optimizer_stopped (const BslOptimizer *opt)
{
  return opt->stop != BSL_OPTIMIZER_STOP_NONE;
}
/* The initial step of dimension i (set, or derived from the start point and bounds). */
double   _bsl_optimizer_initial_step   (BslOptimizer *opt,
                                        guint         i);
/* The best value so far, its point copied into x (n values, may be NULL). */
double   _bsl_optimizer_copy_best      (BslOptimizer *opt,
                                        double       *x);

G_END_DECLS
