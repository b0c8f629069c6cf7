/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-atomic-file.h"
#include "bsl-fit.h"

struct _BslFit
{
  BslFitProblem     *problem;
  BslFitOptions      options;
  guint              n;
  double            *start;
  BslFitProgressFunc progress_func;
  guint              progress_interval;
  gpointer           progress_data;

  GMutex             lock;
  BslOptimizer      *stages[2];     /* under lock while swapped in */
  BslFitStage        stage;
  gboolean           cancelled;
  gboolean           paused;
  guint64            earlier_evaluations;  /* of finished stages */
  double            *best_x;        /* the final result, set by run() */
  double             best_value;
  gint64             started;
  gint64             finished;
  BslMetricValues    metrics;
  gboolean           have_result;
};

void
bsl_fit_options_init (BslFitOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->method = BSL_N_OPTIMIZERS;
  options->seed = 1;
  options->max_evaluations = 400000;
  options->forcing = TRUE;
}

BslFit *
bsl_fit_new (BslFitProblem       *problem,
             const BslFitOptions *options)
{
  BslFit *fit = g_new0 (BslFit, 1);

  g_return_val_if_fail (problem != NULL, NULL);

  fit->problem = problem;
  if (options != NULL)
    fit->options = *options;
  else
    bsl_fit_options_init (&fit->options);
  if (fit->options.method >= BSL_N_OPTIMIZERS)
    fit->options.method = bsl_fit_problem_get_tag (problem) == BSL_TAG_FIXED_PT
                          ? BSL_OPTIMIZER_INTEGER : BSL_OPTIMIZER_CMA_ES;
  fit->n = bsl_fit_problem_get_n_dims (problem);
  fit->start = g_new0 (double, MAX (fit->n, 1));
  fit->best_x = g_new0 (double, MAX (fit->n, 1));
  bsl_fit_problem_get_start (problem, fit->start);
  memcpy (fit->best_x, fit->start, fit->n * sizeof (double));
  fit->best_value = INFINITY;
  fit->progress_interval = 1000;
  g_mutex_init (&fit->lock);
  return fit;
}

void
bsl_fit_free (BslFit *fit)
{
  if (fit == NULL)
    return;
  for (guint s = 0; s < 2; s++)
    bsl_optimizer_free (fit->stages[s]);
  g_free (fit->start);
  g_free (fit->best_x);
  g_mutex_clear (&fit->lock);
  g_free (fit);
}

void
bsl_fit_set_start (BslFit       *fit,
                   const double *x)
{
  g_return_if_fail (fit != NULL);

  memcpy (fit->start, x, fit->n * sizeof (double));
}

void
bsl_fit_set_progress_func (BslFit             *fit,
                           BslFitProgressFunc  func,
                           guint               interval,
                           gpointer            user_data)
{
  g_return_if_fail (fit != NULL);

  fit->progress_func = func;
  fit->progress_interval = MAX (interval, 1);
  fit->progress_data = user_data;
}

static void
forward_progress (BslOptimizer *optimizer,
                  guint64       evaluations,
                  double        best_value,
                  const double *best_x,
                  gpointer      user_data)
{
  BslFit *fit = user_data;

  if (fit->progress_func != NULL)
    fit->progress_func (fit, fit->stage, fit->earlier_evaluations + evaluations, best_value,
                        best_x, fit->progress_data);
}

static BslOptimizer *
start_stage (BslFit      *fit,
             BslFitStage  stage,
             const double *x0,
             guint64      budget)
{
  BslOptimizer *opt = bsl_fit_problem_new_optimizer (fit->problem, fit->options.method);

  bsl_optimizer_set_start (opt, x0);
  bsl_optimizer_set_seed (opt, fit->options.seed + stage);
  bsl_optimizer_set_max_evaluations (opt, MAX (budget, 1));
  bsl_optimizer_set_record_history (opt, fit->options.record_history);
  bsl_optimizer_set_progress_func (opt, forward_progress, fit->progress_interval, fit);
  g_mutex_lock (&fit->lock);
  fit->stages[stage] = opt;
  fit->stage = stage;
  if (fit->paused)
    bsl_optimizer_set_paused (opt, TRUE);
  if (fit->cancelled)
    bsl_optimizer_cancel (opt);
  g_mutex_unlock (&fit->lock);
  return opt;
}

BslOptimizerStop
bsl_fit_run (BslFit *fit)
{
  BslFitProblem *problem = fit->problem;
  guint64 budget = fit->options.max_evaluations;
  g_autofree double *x = g_memdup2 (fit->start, MAX (fit->n, 1) * sizeof (double));
  BslOptimizerStop stop = BSL_OPTIMIZER_STOP_NONE;
  BslOptimizer *opt;

  g_return_val_if_fail (fit->n > 0, BSL_OPTIMIZER_STOP_CANCELLED);

  fit->started = g_get_monotonic_time ();
  fit->earlier_evaluations = 0;

  if (fit->options.forcing && bsl_fit_problem_can_force (problem))
    {
      bsl_fit_problem_set_forcing (problem, TRUE);
      /* Half the budget at most: the free stage must have room to finish. */
      opt = start_stage (fit, BSL_FIT_STAGE_FORCED, x, budget / 2);
      stop = bsl_optimizer_run (opt, bsl_fit_problem_objective, problem);
      bsl_fit_problem_set_forcing (problem, FALSE);
      fit->earlier_evaluations = bsl_optimizer_get_n_evaluations (opt);
      budget -= MIN (budget - 1, fit->earlier_evaluations);
      if (stop != BSL_OPTIMIZER_STOP_CANCELLED)
        {
          g_autofree double *forced_best = g_new (double, fit->n);

          /* Continue from the better of the start and the forced optimum, by the real objective. */
          bsl_optimizer_get_best (opt, forced_best);
          if (bsl_fit_problem_evaluate (problem, forced_best, FALSE, NULL) <=
              bsl_fit_problem_evaluate (problem, x, FALSE, NULL))
            memcpy (x, forced_best, fit->n * sizeof (double));
          fit->earlier_evaluations += 2;
        }
    }

  if (stop != BSL_OPTIMIZER_STOP_CANCELLED)
    {
      opt = start_stage (fit, BSL_FIT_STAGE_FREE, x, budget);
      stop = bsl_optimizer_run (opt, bsl_fit_problem_objective, problem);
    }

  /* The result: the best point of the free stage (or of the forced one when cancelled there). */
  opt = fit->stages[BSL_FIT_STAGE_FREE] != NULL ? fit->stages[BSL_FIT_STAGE_FREE]
                                                : fit->stages[BSL_FIT_STAGE_FORCED];
  g_mutex_lock (&fit->lock);
  fit->best_value = bsl_optimizer_get_best (opt, fit->best_x);
  fit->finished = g_get_monotonic_time ();
  g_mutex_unlock (&fit->lock);
  bsl_fit_problem_evaluate (problem, fit->best_x, TRUE, &fit->metrics);
  fit->have_result = TRUE;
  return stop;
}

void
bsl_fit_cancel (BslFit *fit)
{
  g_return_if_fail (fit != NULL);

  g_mutex_lock (&fit->lock);
  fit->cancelled = TRUE;
  for (guint s = 0; s < 2; s++)
    if (fit->stages[s] != NULL)
      bsl_optimizer_cancel (fit->stages[s]);
  g_mutex_unlock (&fit->lock);
}

void
bsl_fit_set_paused (BslFit  *fit,
                    gboolean paused)
{
  g_return_if_fail (fit != NULL);

  g_mutex_lock (&fit->lock);
  fit->paused = paused;
  for (guint s = 0; s < 2; s++)
    if (fit->stages[s] != NULL)
      bsl_optimizer_set_paused (fit->stages[s], paused);
  g_mutex_unlock (&fit->lock);
}

gboolean
bsl_fit_is_paused (BslFit *fit)
{
  gboolean paused;

  g_return_val_if_fail (fit != NULL, FALSE);

  g_mutex_lock (&fit->lock);
  paused = fit->paused;
  g_mutex_unlock (&fit->lock);
  return paused;
}

BslFitStage
bsl_fit_get_stage (BslFit *fit)
{
  BslFitStage stage;

  g_return_val_if_fail (fit != NULL, BSL_FIT_STAGE_FORCED);

  g_mutex_lock (&fit->lock);
  stage = fit->stage;
  g_mutex_unlock (&fit->lock);
  return stage;
}

guint64
bsl_fit_get_n_evaluations (BslFit *fit)
{
  guint64 total = 0;

  g_return_val_if_fail (fit != NULL, 0);

  g_mutex_lock (&fit->lock);
  for (guint s = 0; s < 2; s++)
    if (fit->stages[s] != NULL)
      total += bsl_optimizer_get_n_evaluations (fit->stages[s]);
  g_mutex_unlock (&fit->lock);
  return total;
}

double
bsl_fit_get_best (BslFit *fit,
                  double *x)
{
  double value = INFINITY;

  g_return_val_if_fail (fit != NULL, 0.0);

  g_mutex_lock (&fit->lock);
  if (fit->have_result || fit->finished != 0)
    {
      value = fit->best_value;
      if (x != NULL)
        memcpy (x, fit->best_x, fit->n * sizeof (double));
    }
  else if (fit->stages[fit->stage] != NULL)
    value = bsl_optimizer_get_best (fit->stages[fit->stage], x);
  else if (x != NULL)
    memcpy (x, fit->start, fit->n * sizeof (double));
  g_mutex_unlock (&fit->lock);
  return value;
}

BslOptimizerMethod
bsl_fit_get_method (BslFit *fit)
{
  g_return_val_if_fail (fit != NULL, BSL_OPTIMIZER_NELDER_MEAD);

  return fit->options.method;
}

double
bsl_fit_get_seconds (BslFit *fit)
{
  gint64 end;

  g_return_val_if_fail (fit != NULL, 0.0);

  end = fit->finished != 0 ? fit->finished : g_get_monotonic_time ();
  return fit->started != 0 ? (end - fit->started) / 1e6 : 0.0;
}

void
bsl_fit_get_metrics (BslFit          *fit,
                     BslMetricValues *values)
{
  g_return_if_fail (fit != NULL);
  g_return_if_fail (values != NULL);

  *values = fit->metrics;
}

gboolean
bsl_fit_is_exact (BslFit *fit)
{
  const BslReference *ref;
  g_autoptr(BslReference) trace = NULL;
  gsize n;

  g_return_val_if_fail (fit != NULL, FALSE);

  ref = bsl_fit_problem_get_reference (fit->problem);
  n = ref->n_steps * ref->n_neurons;

  if (!fit->have_result || bsl_fit_problem_get_tag (fit->problem) != BSL_TAG_FIXED_PT)
    return FALSE;
  trace = bsl_fit_problem_new_trace (fit->problem);
  if (!bsl_fit_problem_simulate (fit->problem, fit->best_x, trace, NULL))
    return FALSE;
  for (guint v = BSL_REF_U; v <= BSL_REF_SPIKE; v++)
    if (ref->data[v] != NULL && memcmp (ref->data[v], trace->data[v], n * sizeof (double)) != 0)
      return FALSE;
  return TRUE;
}

guint64
bsl_fit_get_history_length (BslFit *fit)
{
  guint64 total = 0;

  g_return_val_if_fail (fit != NULL, 0);

  for (guint s = 0; s < 2; s++)
    if (fit->stages[s] != NULL)
      total += bsl_optimizer_get_history_length (fit->stages[s]);
  return total;
}

gboolean
bsl_fit_get_history_entry (BslFit      *fit,
                           guint64      index,
                           BslFitStage *stage,
                           guint64     *evaluation,
                           double      *value,
                           double      *x)
{
  g_return_val_if_fail (fit != NULL, FALSE);

  for (guint s = 0; s < 2; s++)
    {
      guint64 len;

      if (fit->stages[s] == NULL)
        continue;
      len = bsl_optimizer_get_history_length (fit->stages[s]);
      if (index < len)
        {
          if (stage != NULL)
            *stage = s;
          if (evaluation != NULL)
            *evaluation = index + 1;
          return bsl_optimizer_get_history_entry (fit->stages[s], index, value, x);
        }
      index -= len;
    }
  return FALSE;
}

typedef struct
{
  guint   stage;
  guint64 evaluation;
  double  value;
  double *x;
} HistoryRow;

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const HistoryRow *ra = a, *rb = b;

  /* The free stage's values are the real objective: they come first at equal value. */
  if (ra->value != rb->value)
    return ra->value < rb->value ? -1 : 1;
  if (ra->stage != rb->stage)
    return ra->stage > rb->stage ? -1 : 1;
  return ra->evaluation < rb->evaluation ? -1 : ra->evaluation > rb->evaluation;
}

gboolean
bsl_fit_write_history_csv (BslFit      *fit,
                           const char  *path,
                           gboolean     sort_by_value,
                           GError     **error)
{
  static const char *const stage_names[2] = { "forced", "free" };
  g_autoptr(GString) out = g_string_new ("stage,evaluation,value");
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (HistoryRow));
  g_autofree double *values = NULL;
  guint64 total = 0, offset = 0;

  g_return_val_if_fail (fit != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  for (guint k = 0; k < fit->n; k++)
    g_string_append_printf (out, ",%s", bsl_fit_problem_get_dim_name (fit->problem, k));
  g_string_append_c (out, '\n');
  for (guint s = 0; s < 2; s++)
    if (fit->stages[s] != NULL)
      total += bsl_optimizer_get_history_length (fit->stages[s]);
  values = g_new (double, MAX (total * fit->n, 1));
  for (guint s = 0; s < 2; s++)
    {
      guint64 len;

      if (fit->stages[s] == NULL)
        continue;
      len = bsl_optimizer_get_history_length (fit->stages[s]);
      for (guint64 k = 0; k < len && offset < total; k++, offset++)
        {
          HistoryRow row = { s, k + 1, 0.0, values + offset * fit->n };

          bsl_optimizer_get_history_entry (fit->stages[s], k, &row.value, row.x);
          g_array_append_val (rows, row);
        }
    }
  if (sort_by_value)
    g_array_sort (rows, compare_rows);
  for (guint r = 0; r < rows->len; r++)
    {
      const HistoryRow *row = &g_array_index (rows, HistoryRow, r);
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (out, "%s,%" G_GUINT64_FORMAT ",%s", stage_names[row->stage],
                              row->evaluation,
                              g_ascii_formatd (buffer, sizeof buffer, "%.17g", row->value));
      for (guint k = 0; k < fit->n; k++)
        g_string_append_printf (out, ",%s", g_ascii_formatd (buffer, sizeof buffer, "%.17g", row->x[k]));
      g_string_append_c (out, '\n');
    }
  return bsl_write_file_atomic (path, out->str, out->len, error);
}
