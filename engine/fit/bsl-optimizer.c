/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bsl-atomic-file.h"
#include "bsl-error.h"
#include "bsl-optimizer-methods.h"
#include "bsl-optimizer-private.h"

static const char *const method_names[BSL_N_OPTIMIZERS] = { "nelder-mead", "cma-es", "integer" };

const char *
bsl_optimizer_method_to_string (BslOptimizerMethod method)
{
  g_return_val_if_fail (method < BSL_N_OPTIMIZERS, NULL);
  return method_names[method];
}

gboolean
bsl_optimizer_method_from_string (const char         *text,
                                  BslOptimizerMethod *method)
{
  static const struct { const char *alias; BslOptimizerMethod method; } aliases[] = {
    { "nelder-mead", BSL_OPTIMIZER_NELDER_MEAD }, { "nelder_mead", BSL_OPTIMIZER_NELDER_MEAD },
    { "nm", BSL_OPTIMIZER_NELDER_MEAD }, { "simplex", BSL_OPTIMIZER_NELDER_MEAD },
    { "cma-es", BSL_OPTIMIZER_CMA_ES }, { "cma_es", BSL_OPTIMIZER_CMA_ES },
    { "cmaes", BSL_OPTIMIZER_CMA_ES }, { "cma", BSL_OPTIMIZER_CMA_ES },
    { "integer", BSL_OPTIMIZER_INTEGER }, { "int", BSL_OPTIMIZER_INTEGER },
  };

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_ascii_strcasecmp (text, aliases[i].alias) == 0)
      {
        *method = aliases[i].method;
        return TRUE;
      }
  return FALSE;
}

const char *
bsl_optimizer_stop_to_string (BslOptimizerStop stop)
{
  switch (stop)
    {
    case BSL_OPTIMIZER_STOP_NONE: return "running";
    case BSL_OPTIMIZER_STOP_TARGET: return "target reached";
    case BSL_OPTIMIZER_STOP_BUDGET: return "evaluation budget used";
    case BSL_OPTIMIZER_STOP_CONVERGED: return "converged";
    case BSL_OPTIMIZER_STOP_CANCELLED: return "cancelled";
    default: return "unknown";
    }
}

/* --- the optimiser ---------------------------------------------------------------------------- */

BslOptimizer *
bsl_optimizer_new (BslOptimizerMethod method,
                   guint              n_dims)
{
  BslOptimizer *opt;

  g_return_val_if_fail (method < BSL_N_OPTIMIZERS, NULL);
  g_return_val_if_fail (n_dims > 0, NULL);

  opt = g_new0 (BslOptimizer, 1);
  opt->method = method;
  opt->n = n_dims;
  opt->lower = g_new (double, n_dims);
  opt->upper = g_new (double, n_dims);
  opt->integer = g_new0 (gboolean, n_dims);
  opt->step = g_new0 (double, n_dims);
  opt->names = g_new0 (char *, n_dims + 1);
  opt->x0 = g_new0 (double, n_dims);
  opt->scratch = g_new0 (double, n_dims);
  opt->best_x = g_new0 (double, n_dims);
  for (guint i = 0; i < n_dims; i++)
    {
      opt->lower[i] = -1e9;
      opt->upper[i] = 1e9;
      opt->names[i] = g_strdup_printf ("x%u", i);
    }
  opt->seed = 1;
  opt->max_evaluations = 100000;
  opt->target = -INFINITY;
  opt->progress_interval = 100;
  opt->best_value = INFINITY;
  g_mutex_init (&opt->lock);
  g_cond_init (&opt->cond);
  return opt;
}

void
bsl_optimizer_free (BslOptimizer *opt)
{
  if (opt == NULL)
    return;
  g_free (opt->lower);
  g_free (opt->upper);
  g_free (opt->integer);
  g_free (opt->step);
  g_strfreev (opt->names);
  g_free (opt->x0);
  g_free (opt->scratch);
  g_free (opt->best_x);
  if (opt->history != NULL)
    g_array_unref (opt->history);
  g_mutex_clear (&opt->lock);
  g_cond_clear (&opt->cond);
  g_free (opt);
}

BslOptimizerMethod
bsl_optimizer_get_method (BslOptimizer *opt)
{
  g_return_val_if_fail (opt != NULL, BSL_OPTIMIZER_NELDER_MEAD);

  return opt->method;
}

guint
bsl_optimizer_get_n_dims (BslOptimizer *opt)
{
  g_return_val_if_fail (opt != NULL, 0);

  return opt->n;
}

void
bsl_optimizer_set_bounds (BslOptimizer *opt,
                          guint         dim,
                          double        lower,
                          double        upper,
                          gboolean      integer)
{
  g_return_if_fail (dim < opt->n);
  g_return_if_fail (lower <= upper);

  if (integer)
    {
      lower = ceil (lower);
      upper = floor (upper);
      if (upper < lower)
        upper = lower;
    }
  opt->lower[dim] = lower;
  opt->upper[dim] = upper;
  opt->integer[dim] = integer;
}

void
bsl_optimizer_set_name (BslOptimizer *opt,
                        guint         dim,
                        const char   *name)
{
  g_return_if_fail (dim < opt->n);
  g_free (opt->names[dim]);
  opt->names[dim] = g_strdup (name);
}

const char *
bsl_optimizer_get_name (BslOptimizer *opt,
                        guint         dim)
{
  g_return_val_if_fail (dim < opt->n, NULL);
  return opt->names[dim];
}

void
bsl_optimizer_set_start (BslOptimizer *opt,
                         const double *x0)
{
  g_return_if_fail (opt != NULL);

  memcpy (opt->x0, x0, opt->n * sizeof (double));
}

void
bsl_optimizer_set_step (BslOptimizer *opt,
                        guint         dim,
                        double        step)
{
  g_return_if_fail (dim < opt->n);
  opt->step[dim] = fabs (step);
}

void
bsl_optimizer_set_seed (BslOptimizer *opt,
                        guint64       seed)
{
  g_return_if_fail (opt != NULL);

  opt->seed = seed;
}

void
bsl_optimizer_set_max_evaluations (BslOptimizer *opt,
                                   guint64       max_evaluations)
{
  g_return_if_fail (opt != NULL);

  opt->max_evaluations = MAX (max_evaluations, 1);
}

void
bsl_optimizer_set_target (BslOptimizer *opt,
                          double        target)
{
  g_return_if_fail (opt != NULL);

  opt->target = target;
}

void
bsl_optimizer_set_record_history (BslOptimizer *opt,
                                  gboolean      record)
{
  g_return_if_fail (opt != NULL);

  opt->record_history = record;
}

void
bsl_optimizer_set_progress_func (BslOptimizer            *opt,
                                 BslOptimizerProgressFunc func,
                                 guint                    progress_interval,
                                 gpointer                 user_data)
{
  g_return_if_fail (opt != NULL);

  opt->progress_func = func;
  opt->progress_interval = MAX (progress_interval, 1);
  opt->progress_data = user_data;
}

BslOptimizerStop
bsl_optimizer_run (BslOptimizer     *opt,
                   BslObjectiveFunc  objective,
                   gpointer          user_data)
{
  g_return_val_if_fail (objective != NULL, BSL_OPTIMIZER_STOP_CANCELLED);

  opt->objective = objective;
  opt->objective_data = user_data;
  opt->stop = BSL_OPTIMIZER_STOP_NONE;
  opt->last_progress = 0;
  bsl_random_init_splitmix (&opt->rng, opt->seed);
  _bsl_optimizer_project (opt, opt->x0);

  g_mutex_lock (&opt->lock);
  opt->evaluations = 0;
  opt->best_value = INFINITY;
  memcpy (opt->best_x, opt->x0, opt->n * sizeof (double));
  if (opt->history != NULL)
    g_array_set_size (opt->history, 0);
  else
    opt->history = g_array_new (FALSE, FALSE, sizeof (double));
  g_mutex_unlock (&opt->lock);

  switch (opt->method)
    {
    case BSL_OPTIMIZER_NELDER_MEAD:
      _bsl_optimizer_run_nelder_mead (opt);
      break;
    case BSL_OPTIMIZER_CMA_ES:
      _bsl_optimizer_run_cma_es (opt);
      break;
    case BSL_OPTIMIZER_INTEGER:
      _bsl_optimizer_run_integer (opt);
      break;
    default:
      g_assert_not_reached ();
    }
  if (opt->stop == BSL_OPTIMIZER_STOP_NONE)
    opt->stop = BSL_OPTIMIZER_STOP_CONVERGED;
  if (g_atomic_int_get (&opt->cancelled))
    opt->stop = BSL_OPTIMIZER_STOP_CANCELLED;
  if (opt->progress_func != NULL)
    opt->progress_func (opt, opt->evaluations, opt->best_value, opt->best_x, opt->progress_data);
  return opt->stop;
}

void
bsl_optimizer_cancel (BslOptimizer *opt)
{
  g_return_if_fail (opt != NULL);

  g_mutex_lock (&opt->lock);
  g_atomic_int_set (&opt->cancelled, 1);
  g_cond_broadcast (&opt->cond);
  g_mutex_unlock (&opt->lock);
}

void
bsl_optimizer_set_paused (BslOptimizer *opt,
                          gboolean      paused)
{
  g_return_if_fail (opt != NULL);

  g_mutex_lock (&opt->lock);
  g_atomic_int_set (&opt->paused, paused ? 1 : 0);
  g_cond_broadcast (&opt->cond);
  g_mutex_unlock (&opt->lock);
}

gboolean
bsl_optimizer_is_paused (BslOptimizer *opt)
{
  g_return_val_if_fail (opt != NULL, FALSE);

  return g_atomic_int_get (&opt->paused) != 0;
}

guint64
bsl_optimizer_get_n_evaluations (BslOptimizer *opt)
{
  guint64 evaluations;

  g_return_val_if_fail (opt != NULL, 0);

  g_mutex_lock (&opt->lock);
  evaluations = opt->evaluations;
  g_mutex_unlock (&opt->lock);
  return evaluations;
}

double
bsl_optimizer_get_best (BslOptimizer *opt,
                        double       *x)
{
  g_return_val_if_fail (opt != NULL, 0.0);

  return _bsl_optimizer_copy_best (opt, x);
}

guint64
bsl_optimizer_get_history_length (BslOptimizer *opt)
{
  guint64 length = 0;

  g_return_val_if_fail (opt != NULL, 0);

  g_mutex_lock (&opt->lock);
  if (opt->history != NULL)
    length = opt->history->len / (2 + opt->n);
  g_mutex_unlock (&opt->lock);
  return length;
}

gboolean
bsl_optimizer_get_history_entry (BslOptimizer *opt,
                                 guint64       index,
                                 double       *value,
                                 double       *x)
{
  gboolean found = FALSE;

  g_return_val_if_fail (opt != NULL, FALSE);

  g_mutex_lock (&opt->lock);
  if (opt->history != NULL && index < opt->history->len / (2 + opt->n))
    {
      const double *row = &g_array_index (opt->history, double, index * (2 + opt->n));

      if (value != NULL)
        *value = row[1];
      if (x != NULL)
        memcpy (x, row + 2, opt->n * sizeof (double));
      found = TRUE;
    }
  g_mutex_unlock (&opt->lock);
  return found;
}

static int
compare_rows_by_value (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const double *ra = *(const double * const *) a;
  const double *rb = *(const double * const *) b;

  if (ra[1] < rb[1])
    return -1;
  if (ra[1] > rb[1])
    return 1;
  return ra[0] < rb[0] ? -1 : ra[0] > rb[0];
}

static void
print_value (GString *out,
             double   value,
             gboolean integer)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (integer && isfinite (value))
    g_string_append_printf (out, "%.0f", value);
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
}

gboolean
bsl_optimizer_write_history_csv (BslOptimizer *opt,
                                 const char   *path,
                                 gboolean      sort_by_value,
                                 GError      **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(GArray) copy = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint width;

  g_return_val_if_fail (opt != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  out = g_string_new ("evaluation,value");
  rows = g_ptr_array_new ();
  width = 2 + opt->n;
  g_mutex_lock (&opt->lock);
  copy = opt->history != NULL ? g_array_copy (opt->history) : g_array_new (FALSE, FALSE, sizeof (double));
  g_mutex_unlock (&opt->lock);

  for (guint i = 0; i < opt->n; i++)
    g_string_append_printf (out, ",%s", opt->names[i]);
  g_string_append_c (out, '\n');
  for (guint r = 0; r < copy->len / width; r++)
    g_ptr_array_add (rows, &g_array_index (copy, double, r * width));
  if (sort_by_value)
    g_ptr_array_sort_with_data (rows, compare_rows_by_value, NULL);
  for (guint r = 0; r < rows->len; r++)
    {
      const double *row = g_ptr_array_index (rows, r);

      g_string_append_printf (out, "%.0f,", row[0]);
      print_value (out, row[1], FALSE);
      for (guint i = 0; i < opt->n; i++)
        {
          g_string_append_c (out, ',');
          print_value (out, row[2 + i], opt->integer[i]);
        }
      g_string_append_c (out, '\n');
    }
  if (!bsl_write_file_atomic (path, out->str, out->len, error))
    return FALSE;
  return TRUE;
}
