/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rule tuner's fit: an optimiser over the ticked parameters on a worker thread (a GTask)
 * with its own problem. The worker reports progress to the main loop at most every
 * PROGRESS_MS; the main thread draws the best point then. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "basalt-rule-tuner-private.h"
#include "bsl-error.h"
#include "bsl-learning-rule.h"

#define FIT_BUDGET 200000
#define PROGRESS_MS 100

struct _BasaltRuleTunerFit
{
  BslRuleFitProblem *problem;   /* the worker's, over the ticked parameters */
  BslOptimizer      *optimizer;
  guint             *dims;      /* the tuner's dimension of each of the fit's */
  guint              n;
  double            *base;      /* the sliders when the fit started */
  double            *shown;     /* the fit's point last drawn */
  BslOptimizerStop   stop;
  gint64             last_report_us;  /* worker thread only */
  gint               report_queued;   /* atomic: an update waits in the main loop */
};

static void
tuner_fit_free (gpointer data)
{
  BasaltRuleTunerFit *fit = data;

  bsl_optimizer_free (fit->optimizer);
  bsl_rule_fit_problem_free (fit->problem);
  g_free (fit->dims);
  g_free (fit->base);
  g_free (fit->shown);
  g_free (fit);
}

/* The fit's point in the tuner's dimensions: unticked ones keep the sliders' values. */
static void
map_point (BasaltRuleTuner *self, BasaltRuleTunerFit *fit, const double *fit_x, double *x)
{
  memcpy (x, fit->base, bsl_rule_fit_problem_get_n_dims (self->problem) * sizeof (double));
  for (guint k = 0; k < fit->n; k++)
    x[fit->dims[k]] = fit_x[k];
}

static void
show_best (BasaltRuleTuner *self, BasaltRuleTunerFit *fit)
{
  g_autofree double *fit_x = g_new0 (double, MAX (fit->n, 1));
  g_autofree double *x = g_new0 (double, bsl_rule_fit_problem_get_n_dims (self->problem));
  double best = bsl_optimizer_get_best (fit->optimizer, fit_x);

  if (!isfinite (best) || memcmp (fit_x, fit->shown, fit->n * sizeof (double)) == 0)
    return;
  memcpy (fit->shown, fit_x, fit->n * sizeof (double));
  map_point (self, fit, fit_x, x);
  _basalt_rule_tuner_show_point (self, x);
}

static void
show_progress (BasaltRuleTuner *self, BasaltRuleTunerFit *fit)
{
  guint64 evaluations = bsl_optimizer_get_n_evaluations (fit->optimizer);
  g_autofree char *text = g_strdup_printf (_("%" G_GUINT64_FORMAT " evaluations, best sum of squared "
                                             "weight errors %.6g"), evaluations,
                                           bsl_optimizer_get_best (fit->optimizer, NULL));

  gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) evaluations / FIT_BUDGET));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* Main loop: the task (its source object and data) is alive while an update is queued. */
static gboolean
show_reported_progress (gpointer data)
{
  GTask *task = data;
  BasaltRuleTuner *self = g_task_get_source_object (task);
  BasaltRuleTunerFit *fit = g_task_get_task_data (task);

  g_atomic_int_set (&fit->report_queued, FALSE);
  if (self->disposed || self->fit != fit)
    return G_SOURCE_REMOVE;
  show_progress (self, fit);
  show_best (self, fit);
  return G_SOURCE_REMOVE;
}

/* Worker thread: called after each improvement and every so many evaluations. */
static void
on_optimizer_progress (BslOptimizer *optimizer,
                       guint64       evaluations,
                       double        best_value,
                       const double *best_x,
                       gpointer      user_data)
{
  GTask *task = user_data;
  BasaltRuleTunerFit *fit = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();

  if (now - fit->last_report_us < PROGRESS_MS * 1000 ||
      !g_atomic_int_compare_and_exchange (&fit->report_queued, FALSE, TRUE))
    return;
  fit->last_report_us = now;
  /* an idle of the main loop: invoking the main context from here could run it here */
  g_idle_add_full (G_PRIORITY_DEFAULT, show_reported_progress, g_object_ref (task), g_object_unref);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  BasaltRuleTunerFit *fit = data;

  bsl_optimizer_cancel (fit->optimizer);
}

static void
run_fit (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  BasaltRuleTunerFit *fit = data;
  gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), fit, NULL);

  bsl_optimizer_set_progress_func (fit->optimizer, on_optimizer_progress, 1, task);
  fit->stop = bsl_optimizer_run (fit->optimizer, bsl_rule_fit_problem_objective, fit->problem);
  g_cancellable_disconnect (cancellable, handler);
  g_task_return_boolean (task, TRUE);
}

static void
on_fit_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BasaltRuleTuner *self = BASALT_RULE_TUNER (source);
  BasaltRuleTunerFit *fit = g_task_get_task_data (G_TASK (result));
  g_autofree char *text = NULL;

  /* A fit cancelled by a new reference, connection or the widget's end: nothing to show. */
  if (self->disposed || self->fit != fit)
    return;
  show_best (self, fit);
  self->fit = NULL;
  g_clear_object (&self->fit_cancellable);
  text = g_strdup_printf (_("%s after %" G_GUINT64_FORMAT " evaluations. %s"),
                          fit->stop == BSL_OPTIMIZER_STOP_TARGET ? _("Fitted exactly")
                          : fit->stop == BSL_OPTIMIZER_STOP_CANCELLED ? _("Stopped") : _("Fitted"),
                          bsl_optimizer_get_n_evaluations (fit->optimizer),
                          self->status != NULL ? self->status : "");
  _basalt_rule_tuner_set_status (self, text);
  show_progress (self, fit);
  gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  _basalt_rule_tuner_update_buttons (self);
}

/* The worker's problem: the network with the sliders' rule, over the ticked parameters. */
static BslRuleFitProblem *
new_fit_problem (BasaltRuleTuner *self, BasaltRuleTunerFit *fit, GError **error)
{
  BslGraph *graph = basalt_document_get_graph (self->document);
  g_autoptr(BslGraph) copy = bsl_graph_copy (graph);
  g_autoptr(BslLearningRule) rule = bsl_rule_fit_problem_dup_rule (self->problem, self->x, error);
  g_autoptr(BslRuleFitProblem) problem = NULL;

  if (rule == NULL || !bsl_process_set_learning_rule (bsl_graph_find_process (copy, self->process), rule, error))
    return NULL;
  problem = bsl_rule_fit_problem_new (copy, self->process, bsl_rule_fit_problem_get_tag (self->problem),
                                      self->ref, error);
  if (problem == NULL)
    return NULL;
  for (guint k = 0; k < bsl_rule_fit_problem_get_n_dims (self->problem); k++)
    if (self->fitted[k])
      {
        if (!bsl_rule_fit_problem_add_param (problem, bsl_rule_fit_problem_get_dim_name (self->problem, k), error))
          return NULL;
        fit->dims[fit->n++] = k;
      }
  if (fit->n == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, _("tick at least one parameter to fit"));
      return NULL;
    }
  return g_steal_pointer (&problem);
}

gboolean
basalt_rule_tuner_start_fit (BasaltRuleTuner *self, GError **error)
{
  guint n_dims;
  BasaltRuleTunerFit *fit;
  g_autoptr(GTask) task = NULL;

  if (self->problem == NULL || self->fit != NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED,
                   self->fit != NULL ? _("a fit is running") : _("open a weight trajectory first"));
      return FALSE;
    }
  n_dims = bsl_rule_fit_problem_get_n_dims (self->problem);
  fit = g_new0 (BasaltRuleTunerFit, 1);
  fit->dims = g_new0 (guint, n_dims);
  fit->base = g_memdup2 (self->x, n_dims * sizeof (double));
  fit->problem = new_fit_problem (self, fit, error);
  if (fit->problem == NULL)
    {
      tuner_fit_free (fit);
      return FALSE;
    }
  fit->shown = g_new0 (double, fit->n);
  for (guint k = 0; k < fit->n; k++)
    fit->shown[k] = NAN;
  fit->optimizer = bsl_rule_fit_problem_new_optimizer (fit->problem, BSL_N_OPTIMIZERS);
  bsl_optimizer_set_seed (fit->optimizer, 1);
  bsl_optimizer_set_max_evaluations (fit->optimizer, FIT_BUDGET);

  self->fit = fit;
  self->fit_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->fit_cancellable, on_fit_done, NULL);
  g_task_set_source_tag (task, basalt_rule_tuner_start_fit);
  g_task_set_task_data (task, fit, tuner_fit_free);
  g_task_run_in_thread (task, run_fit);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  _basalt_rule_tuner_set_status (self, _("Fitting…"));
  _basalt_rule_tuner_update_buttons (self);
  return TRUE;
}

gboolean
basalt_rule_tuner_is_fitting (BasaltRuleTuner *self)
{
  return self->fit != NULL;
}

guint64
basalt_rule_tuner_get_fit_evaluations (BasaltRuleTuner *self)
{
  return self->fit != NULL ? bsl_optimizer_get_n_evaluations (self->fit->optimizer) : 0;
}

/* Stop keeps the best so far (the worker stops after the evaluation it is in). */
void
basalt_rule_tuner_stop_fit (BasaltRuleTuner *self)
{
  if (self->fit != NULL)
    bsl_optimizer_cancel (self->fit->optimizer);
}

/* Drops a running fit: its result is not shown. */
void
_basalt_rule_tuner_cancel_fit (BasaltRuleTuner *self)
{
  if (self->fit == NULL)
    return;
  g_cancellable_cancel (self->fit_cancellable);
  g_clear_object (&self->fit_cancellable);
  self->fit = NULL;
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  _basalt_rule_tuner_update_buttons (self);
}

void
_basalt_rule_tuner_on_fit_clicked (GtkButton *button, BasaltRuleTuner *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_rule_tuner_start_fit (self, &error))
    _basalt_rule_tuner_set_status (self, error->message);
}

void
_basalt_rule_tuner_on_stop_clicked (GtkButton *button, BasaltRuleTuner *self)
{
  basalt_rule_tuner_stop_fit (self);
}
