/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "bsl-error.h"
#include "bsl-thread-priority.h"

#include "basalt-tuner-page-private.h"

/* The Tuner's fit runs as a GTask on a worker thread; Stop cancels its GCancellable. The worker
 * owns everything it touches: the fit, its problem, and a second problem with which it
 * simulates the best point so far for the page to draw. It hands the page a snapshot (stage,
 * evaluations, best, the best's trace) at most PROGRESS_MS apart through the main context;
 * the main thread never simulates for a fit, so a population whose every evaluation is a run of
 * the whole network keeps the window responsive. */

#define FIT_BUDGET 400000
#define PROGRESS_MS 100

struct _BasaltTunerFit
{
  gatomicrefcount  ref_count;
  guint            generation;
  BasaltTunerPage *page;             /* the task's source object keeps it alive */
  BslFitProblem   *problem;          /* worker thread */
  BslFitProblem   *preview;          /* worker thread: simulates the best for the page */
  BslFit          *fit;
  guint            n_dims;
  guint64          budget;

  GMutex           lock;             /* guards what follows */
  BslFitStage      stage;
  guint64          evaluations;
  double           best_value;
  double          *best;             /* n_dims */
  gboolean         best_changed;     /* since the last preview */
  BslReference    *preview_trace;    /* a fresh trace of the best, not yet drawn */
  double          *preview_x;
  BslMetricValues  preview_metrics;
  gboolean         update_queued;
  gint64           last_update_us;
};

static BasaltTunerFit *
tuner_fit_ref (BasaltTunerFit *f)
{
  g_atomic_ref_count_inc (&f->ref_count);
  return f;
}

static void
tuner_fit_unref (gpointer data)
{
  BasaltTunerFit *f = data;

  if (!g_atomic_ref_count_dec (&f->ref_count))
    return;
  g_clear_pointer (&f->fit, bsl_fit_free);
  g_clear_pointer (&f->problem, bsl_fit_problem_free);
  g_clear_pointer (&f->preview, bsl_fit_problem_free);
  g_clear_pointer (&f->preview_trace, bsl_reference_free);
  g_free (f->preview_x);
  g_free (f->best);
  g_mutex_clear (&f->lock);
  g_free (f);
}

static gboolean is_current (BasaltTunerPage *self, BasaltTunerFit *f);
static void show_progress (BasaltTunerPage *self, BasaltTunerFit *f);

/* ---- the worker thread --------------------------------------------------------------------- */

typedef struct
{
  BasaltTunerPage *page;
  BasaltTunerFit  *fit;
} Update;

static void
update_free (gpointer data)
{
  Update *update = data;

  g_object_unref (update->page);
  tuner_fit_unref (update->fit);
  g_free (update);
}

static gboolean
update_on_main (gpointer data)
{
  Update *update = data;

  g_mutex_lock (&update->fit->lock);
  update->fit->update_queued = FALSE;
  g_mutex_unlock (&update->fit->lock);
  if (is_current (update->page, update->fit))
    show_progress (update->page, update->fit);
  return G_SOURCE_REMOVE;
}

/* Worker thread: at most every PROGRESS_MS, the best point's trace and a page update. */
static void
on_fit_progress (BslFit       *fit,
                 BslFitStage   stage,
                 guint64       evaluations,
                 double        best_value,
                 const double *best_x,
                 gpointer      user_data)
{
  BasaltTunerFit *f = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean simulate;

  g_mutex_lock (&f->lock);
  f->stage = stage;
  f->evaluations = evaluations;
  if (best_value != f->best_value || memcmp (f->best, best_x, f->n_dims * sizeof (double)) != 0)
    {
      f->best_value = best_value;
      memcpy (f->best, best_x, f->n_dims * sizeof (double));
      f->best_changed = TRUE;
    }
  simulate = f->best_changed && now - f->last_update_us >= PROGRESS_MS * 1000;
  if (!simulate && (f->update_queued || now - f->last_update_us < PROGRESS_MS * 1000))
    {
      g_mutex_unlock (&f->lock);
      return;
    }
  f->last_update_us = now;
  f->best_changed = FALSE;
  g_mutex_unlock (&f->lock);

  if (simulate)
    {
      BslReference *trace = bsl_fit_problem_new_trace (f->preview);
      double *x = g_memdup2 (best_x, f->n_dims * sizeof (double));
      BslMetricValues metrics;

      if (bsl_fit_problem_simulate (f->preview, x, trace, NULL))
        {
          bsl_metrics_compute (bsl_fit_problem_get_metric (f->preview), bsl_fit_problem_get_reference (f->preview),
                               trace, TRUE, &metrics);
          g_mutex_lock (&f->lock);
          g_clear_pointer (&f->preview_trace, bsl_reference_free);
          g_free (f->preview_x);
          f->preview_trace = g_steal_pointer (&trace);
          f->preview_x = g_steal_pointer (&x);
          f->preview_metrics = metrics;
          g_mutex_unlock (&f->lock);
        }
      g_clear_pointer (&trace, bsl_reference_free);
      g_free (x);
    }
  g_mutex_lock (&f->lock);
  if (!f->update_queued)
    {
      Update *update = g_new (Update, 1);

      update->page = g_object_ref (f->page);
      update->fit = tuner_fit_ref (f);
      f->update_queued = TRUE;
      /* an idle of the main loop: invoking the main context from here could run it here */
      g_idle_add_full (G_PRIORITY_DEFAULT, update_on_main, update, update_free);
    }
  g_mutex_unlock (&f->lock);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  BasaltTunerFit *f = data;

  /* A paused fit waits on a condition: release it so that it sees the cancel. */
  bsl_fit_cancel (f->fit);
  bsl_fit_set_paused (f->fit, FALSE);
}

static void
fit_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  BasaltTunerFit *f = task_data;
  gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), f, NULL);

  bsl_fit_run (f->fit);
  g_cancellable_disconnect (cancellable, handler);
  /* The last best, drawn when the page takes the result. */
  g_mutex_lock (&f->lock);
  f->evaluations = bsl_fit_get_n_evaluations (f->fit);
  f->stage = bsl_fit_get_stage (f->fit);
  f->best_value = bsl_fit_get_best (f->fit, f->best);
  f->best_changed = TRUE;
  f->last_update_us = 0;
  g_mutex_unlock (&f->lock);
  if (!g_cancellable_is_cancelled (cancellable))
    on_fit_progress (f->fit, f->stage, f->evaluations, f->best_value, f->best, f);
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
}

/* A thread of its own (not one of GLib's pool): a pool thread that lowered its priority could
 * not raise it back for the next task. */
static gpointer
fit_thread_main (gpointer data)
{
  g_autoptr(GTask) task = data;

  bsl_thread_lower_priority (BSL_BACKGROUND_NICENESS);
  fit_thread (task, g_task_get_source_object (task), g_task_get_task_data (task), g_task_get_cancellable (task));
  return NULL;
}

/* ---- the page's side ----------------------------------------------------------------------- */

static gboolean
is_current (BasaltTunerPage *self,
            BasaltTunerFit  *f)
{
  return self->fit == f;
}

void
_basalt_tuner_page_map_fit_point (BasaltTunerPage     *self,
                                  const BslFitProblem *fit_problem,
                                  const double        *fit_x,
                                  double              *x)
{
  memcpy (x, self->x, self->n_dims * sizeof (double));
  for (guint k = 0; k < bsl_fit_problem_get_n_dims (fit_problem); k++)
    {
      int dim = _basalt_tuner_page_find_dim (self, bsl_fit_problem_get_dim_name (fit_problem, k));

      if (dim >= 0)
        x[dim] = fit_x[k];
    }
}

static void
show_status (BasaltTunerPage *self,
             const char      *state,
             BslFitStage      stage,
             guint64          evaluations,
             guint64          budget,
             double           best,
             double           fraction)
{
  g_autofree char *text = g_strdup_printf (_("%s: %s stage, %" G_GUINT64_FORMAT " of at most %" G_GUINT64_FORMAT
                                             " evaluations, best %.6g"),
                                           state, stage == BSL_FIT_STAGE_FORCED ? _("teacher-forced") : _("free-running"),
                                           evaluations, budget, best);

  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  _basalt_tuner_page_set_message (self, text);
}

/* Main thread: the snapshot the worker left, and its best trace when there is a new one. */
static void
show_progress (BasaltTunerPage *self,
               BasaltTunerFit  *f)
{
  g_autoptr(BslReference) trace = NULL;
  g_autofree double *x = NULL;
  BslMetricValues metrics;
  BslFitStage stage;
  guint64 evaluations;
  double best;

  g_mutex_lock (&f->lock);
  stage = f->stage;
  evaluations = f->evaluations;
  best = f->best_value;
  trace = g_steal_pointer (&f->preview_trace);
  x = g_steal_pointer (&f->preview_x);
  metrics = f->preview_metrics;
  g_mutex_unlock (&f->lock);

  self->shown_evaluations = evaluations;
  show_status (self, bsl_fit_is_paused (f->fit) ? _("Paused") : _("Fitting"), stage, evaluations, f->budget, best,
               (double) evaluations / f->budget);
  if (trace != NULL)
    {
      _basalt_tuner_page_map_fit_point (self, f->problem, x, self->best_x);
      self->have_best = TRUE;
      _basalt_tuner_page_show_trace (self, trace, &metrics, _("best candidate"));
    }
}

/* Back to idle: the buttons, and the best so far kept for Adopt. */
static void
finish (BasaltTunerPage *self,
        BasaltTunerFit  *f,
        const char      *state,
        double           fraction)
{
  g_mutex_lock (&f->lock);
  _basalt_tuner_page_map_fit_point (self, f->problem, f->best, self->best_x);
  self->have_best = f->evaluations > 0;
  self->shown_evaluations = f->evaluations;
  show_status (self, state, f->stage, f->evaluations, f->budget, f->best_value, fraction);
  g_mutex_unlock (&f->lock);
  self->fit = NULL;
  g_clear_object (&self->fit_cancellable);
  gtk_toggle_button_set_active (self->pause_button, FALSE);
  _basalt_tuner_page_update_buttons (self);
}

static void
on_fit_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (source);
  BasaltTunerFit *f = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Stopped: the page went idle at once; the worker's history is still worth keeping. */
      if (self->fit == NULL && !self->disposed && f->generation == self->fit_generation)
        {
          g_clear_pointer (&self->done_fit, bsl_fit_free);
          g_clear_pointer (&self->done_problem, bsl_fit_problem_free);
          self->done_fit = g_steal_pointer (&f->fit);
          self->done_problem = g_steal_pointer (&f->problem);
          _basalt_tuner_page_fill_candidates (self);
          _basalt_tuner_page_update_buttons (self);
        }
      return;
    }
  if (!is_current (self, f))
    return;
  show_progress (self, f);
  finish (self, f, _("Done"), 1.0);
  g_clear_pointer (&self->done_fit, bsl_fit_free);
  g_clear_pointer (&self->done_problem, bsl_fit_problem_free);
  self->done_fit = g_steal_pointer (&f->fit);
  self->done_problem = g_steal_pointer (&f->problem);
  _basalt_tuner_page_fill_candidates (self);
  _basalt_tuner_page_update_buttons (self);
}

static char *
unlocked_params (BasaltTunerPage *self)
{
  GString *params = g_string_new (NULL);

  for (guint k = 0; k < self->rows->len; k++)
    {
      BasaltTunerParamRow *row = g_ptr_array_index (self->rows, k);

      g_autofree char *spec = bsl_fit_problem_dup_dim_spec (self->problem, row->dim);

      if (!gtk_check_button_get_active (row->lock))
        g_string_append_printf (params, "%s%s", params->len > 0 ? "," : "", spec);
    }
  return g_string_free (params, FALSE);
}

gboolean
basalt_tuner_page_start_fit (BasaltTunerPage *self,
                             GError         **error)
{
  static const BslOptimizerMethod methods[] = { BSL_N_OPTIMIZERS, BSL_OPTIMIZER_INTEGER,
                                                BSL_OPTIMIZER_CMA_ES, BSL_OPTIMIZER_NELDER_MEAD };
  g_autoptr(GTask) task = NULL;
  g_autofree char *params = NULL;
  BslFitOptions options;
  BasaltTunerFit *f;
  guint method;

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->problem == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "open a reference first");
      return FALSE;
    }
  if (self->fit != NULL)
    return TRUE;
  params = unlocked_params (self);
  if (params[0] == '\0')
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "every parameter is locked: nothing to fit");
      return FALSE;
    }
  f = g_new0 (BasaltTunerFit, 1);
  g_atomic_ref_count_init (&f->ref_count);
  g_mutex_init (&f->lock);
  f->page = self;
  f->problem = _basalt_tuner_page_new_problem (self, params, error);
  f->preview = f->problem != NULL ? _basalt_tuner_page_new_problem (self, params, error) : NULL;
  if (f->preview == NULL)
    {
      tuner_fit_unref (f);
      return FALSE;
    }
  method = gtk_drop_down_get_selected (self->method_dropdown);
  bsl_fit_options_init (&options);
  options.method = methods[MIN (method, G_N_ELEMENTS (methods) - 1)];
  options.max_evaluations = FIT_BUDGET;
  options.record_history = TRUE;
  f->fit = bsl_fit_new (f->problem, &options);
  f->n_dims = bsl_fit_problem_get_n_dims (f->problem);
  f->budget = FIT_BUDGET;
  f->best = g_new0 (double, MAX (f->n_dims, 1));
  bsl_fit_problem_get_start (f->problem, f->best);
  f->best_value = INFINITY;
  /* Every evaluation reports; on_fit_progress lets one through every PROGRESS_MS. */
  bsl_fit_set_progress_func (f->fit, on_fit_progress, 1, f);
  f->generation = ++self->fit_generation;

  self->fit = f;
  self->have_best = FALSE;
  self->shown_evaluations = 0;
  self->fit_cancellable = g_cancellable_new ();
  _basalt_tuner_page_clear_candidates (self);
  task = g_task_new (self, self->fit_cancellable, on_fit_done, NULL);
  g_task_set_source_tag (task, basalt_tuner_page_start_fit);
  g_task_set_task_data (task, f, tuner_fit_unref);
  g_thread_unref (g_thread_new ("basalt-fit", fit_thread_main, g_steal_pointer (&task)));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  _basalt_tuner_page_set_message (self, _("Fitting: starting…"));
  _basalt_tuner_page_update_buttons (self);
  return TRUE;
}

gboolean
basalt_tuner_page_is_fitting (BasaltTunerPage *self)
{
  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  return self->fit != NULL;
}

void
basalt_tuner_page_set_fit_paused (BasaltTunerPage *self,
                                  gboolean         paused)
{
  g_return_if_fail (BASALT_IS_TUNER_PAGE (self));

  if (self->fit == NULL)
    return;
  bsl_fit_set_paused (self->fit->fit, paused);
  show_progress (self, self->fit);
}

/* The page is idle at once; the worker stops after the evaluation it is in, and its candidates
 * fill the list when it has. */
void
basalt_tuner_page_stop_fit (BasaltTunerPage *self)
{
  BasaltTunerFit *f;

  g_return_if_fail (BASALT_IS_TUNER_PAGE (self));

  if (self->fit == NULL)
    return;
  f = self->fit;
  g_cancellable_cancel (self->fit_cancellable);
  finish (self, f, _("Stopped"), 0.0);
  {
    g_mutex_lock (&f->lock);
    gtk_progress_bar_set_fraction (self->progress_bar, (double) f->evaluations / f->budget);
    g_mutex_unlock (&f->lock);
  }
}

void
_basalt_tuner_page_clear_fit (BasaltTunerPage *self)
{
  basalt_tuner_page_stop_fit (self);
  self->fit_generation++;
  _basalt_tuner_page_clear_candidates (self);
  g_clear_pointer (&self->done_fit, bsl_fit_free);
  g_clear_pointer (&self->done_problem, bsl_fit_problem_free);
  self->have_best = FALSE;
  self->shown_evaluations = 0;
}

guint64
basalt_tuner_page_get_fit_evaluations (BasaltTunerPage *self)
{
  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), 0);

  if (self->fit != NULL)
    {
      guint64 evaluations;

      g_mutex_lock (&self->fit->lock);
      evaluations = self->fit->evaluations;
      g_mutex_unlock (&self->fit->lock);
      return evaluations;
    }
  return self->done_fit != NULL ? bsl_fit_get_n_evaluations (self->done_fit) : self->shown_evaluations;
}

/* ---- the buttons ------------------------------------------------------------------------------ */

void
_basalt_tuner_page_on_fit_clicked (GtkButton       *button,
                                   BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_tuner_page_start_fit (self, &error))
    _basalt_tuner_page_set_message (self, error->message);
}

void
_basalt_tuner_page_on_pause_toggled (GtkToggleButton *button,
                                     BasaltTunerPage *self)
{
  basalt_tuner_page_set_fit_paused (self, gtk_toggle_button_get_active (button));
}

void
_basalt_tuner_page_on_stop_clicked (GtkButton       *button,
                                    BasaltTunerPage *self)
{
  basalt_tuner_page_stop_fit (self);
}

void
_basalt_tuner_page_on_adopt_clicked (GtkButton       *button,
                                     BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_tuner_page_adopt_best (self, &error))
    _basalt_tuner_page_set_message (self, error->message);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    BasaltTunerPage *self)
{
  g_autofree char *path = _basalt_tuner_page_dup_chosen_path (dialog, response);
  g_autoptr(GError) error = NULL;

  if (path != NULL && !basalt_tuner_page_export_history (self, path, &error))
    _basalt_tuner_page_set_message (self, error->message);
}

void
_basalt_tuner_page_on_export_clicked (GtkButton       *button,
                                      BasaltTunerPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Export Fit History"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "fit-history.csv");
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}


/* ---- results ------------------------------------------------------------------------------ */


gboolean
basalt_tuner_page_adopt_best (BasaltTunerPage *self,
                              GError         **error)
{
  gboolean from_document;
  g_autoptr(BslProcess) check = NULL;

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  if (!self->have_best || self->problem == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "no fit result to adopt");
      return FALSE;
    }
  memcpy (self->x, self->best_x, self->n_dims * sizeof (double));
  _basalt_tuner_page_sync_rows (self);
  _basalt_tuner_page_resimulate (self, self->x);

  check = _basalt_tuner_page_dup_neuron (self, &from_document, NULL);
  if (from_document)
    {
      g_autoptr(GPtrArray) vars = g_ptr_array_new ();
      g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_array_free);
      g_autofree char *label = NULL;
      const char *last = NULL;
      gboolean ok = TRUE;

      for (guint k = 0; k < self->n_dims; k++)
        {
          const char *var = bsl_fit_problem_get_dim_var (self->problem, k);
          g_autoptr(BslArray) value = NULL;
          const BslArray *current;

          if (last != NULL && g_str_equal (var, last))
            continue;
          last = var;
          value = bsl_fit_problem_dup_var (self->problem, self->x, var);
          current = bsl_process_get_param (check, var);
          if (value->n > 1)
            {
              gboolean uniform = TRUE;

              for (gsize e = 1; e < value->n; e++)
                uniform = uniform && value->data[e] == value->data[0];
              if (uniform)
                {
                  double scalar = value->data[0];

                  bsl_array_free (value);
                  value = bsl_array_new_scalar (scalar);
                }
            }
          /* Only what changed becomes part of the edit. */
          if (current != NULL && bsl_array_equal (current, value))
            continue;
          if (current == NULL && value->n == 1)
            {
              g_autoptr(BslArray) full = bsl_process_dup_param_full (check, var, NULL);

              if (full != NULL && full->n >= 1 && full->data[0] == value->data[0])
                {
                  gboolean same = TRUE;

                  for (gsize e = 1; e < full->n; e++)
                    same = same && full->data[e] == value->data[0];
                  if (same)
                    continue;
                }
            }
          g_ptr_array_add (vars, (gpointer) var);
          g_ptr_array_add (values, g_steal_pointer (&value));
        }
      if (vars->len == 0)
        return TRUE;
      g_ptr_array_add (vars, NULL);
      /* The whole fit is one edit: one Undo brings every parameter back. */
      label = g_strdup_printf ("Adopt fit of %s", self->process_key);
      self->adopting = TRUE;
      ok = basalt_document_set_params (self->document, self->process_key,
                                       (const char *const *) vars->pdata,
                                       (BslArray *const *) values->pdata, label, error);
      self->adopting = FALSE;
      return ok;
    }
  return TRUE;
}


gboolean
basalt_tuner_page_export_history (BasaltTunerPage *self,
                                  const char      *path,
                                  GError         **error)
{
  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  if (self->done_fit == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "no fit to export");
      return FALSE;
    }
  return bsl_fit_write_history_csv (self->done_fit, path, TRUE, error);
}
