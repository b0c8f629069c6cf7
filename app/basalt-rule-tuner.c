/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Tuner's learning-rule part: the connection, its weight trajectory, the rule's sliders,
 * the weights drawn over the reference's, adopting the rule. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "basalt-rule-tuner-private.h"
#include "bsl-error.h"
#include "bsl-learning-rule.h"

G_DEFINE_FINAL_TYPE (BasaltRuleTuner, basalt_rule_tuner, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


/* Synapses whose two traces (reference, model) the weights plot draws. */
#define PLOTTED_SYNAPSES 4

static BslTag
process_tag (const BslGraph *graph, const BslProcess *process)
{
  return bsl_process_resolve_tag (process, bsl_graph_get_run_tag (graph));
}

void
_basalt_rule_tuner_update_buttons (BasaltRuleTuner *self)
{
  gboolean fitting = self->fit != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->fit_button), !fitting && self->problem != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->adopt_button), !fitting && self->problem != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->params_grid), !fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->process_dropdown), !fitting);
}

void
_basalt_rule_tuner_set_status (BasaltRuleTuner *self, const char *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text);
}

/* ---- plots ---- */

static BasaltPlot *
add_plot (BasaltRuleTuner *self, const char *title, const char *y_label, int height)
{
  GtkWidget *plot = basalt_plot_new (BASALT_PLOT_TRACES);

  basalt_plot_set_title (BASALT_PLOT (plot), title);
  basalt_plot_set_y_label (BASALT_PLOT (plot), y_label);
  basalt_plot_set_empty_text (BASALT_PLOT (plot), _("no weight trajectory yet: Open Weights…"));
  gtk_widget_set_size_request (plot, 200, height);
  gtk_widget_set_vexpand (plot, TRUE);
  gtk_box_append (self->plots_box, plot);
  return BASALT_PLOT (plot);
}

static void
rebuild_plots (BasaltRuleTuner *self)
{
  GtkWidget *child;
  gsize n_steps = self->ref != NULL ? self->ref->n_steps : 0;
  gsize shown = self->ref != NULL ? MIN (self->ref->n_synapses, PLOTTED_SYNAPSES) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->plots_box))) != NULL)
    gtk_box_remove (self->plots_box, child);
  self->weights_plot = add_plot (self, _("weights"), "w", 200);
  self->error_plot = add_plot (self, _("largest |model - reference| weight of each step"), "|error|", 90);
  for (gsize k = 0; k < shown; k++)
    {
      g_autofree char *ref_label = g_strdup_printf ("w[%" G_GSIZE_FORMAT "] reference", k);
      g_autofree char *model_label = g_strdup_printf ("w[%" G_GSIZE_FORMAT "] model", k);

      basalt_plot_add_series (self->weights_plot, ref_label);
      basalt_plot_add_series (self->weights_plot, model_label);
    }
  basalt_plot_add_series (self->error_plot, "max |error|");
  g_free (self->t_axis);
  self->t_axis = g_new (double, MAX (n_steps, 1));
  for (gsize t = 0; t < n_steps; t++)
    self->t_axis[t] = (double) (t + 1);
  if (n_steps > 0)
    {
      BasaltPlot *plots[2] = { self->weights_plot, self->error_plot };

      for (guint p = 0; p < 2; p++)
        {
          basalt_plot_set_history (plots[p], n_steps);
          basalt_plot_set_span (plots[p], (double) n_steps);
          basalt_plot_set_follow (plots[p], TRUE);
        }
    }
}

static void
draw_weights (BasaltRuleTuner *self)
{
  const BslWeightReference *ref = self->ref;
  gsize steps = ref->n_steps, n = ref->n_synapses;
  g_autofree double *y = g_new (double, MAX (steps, 1));

  for (gsize k = 0; k < MIN (n, PLOTTED_SYNAPSES); k++)
    {
      for (gsize t = 0; t < steps; t++)
        y[t] = ref->weights[t * n + k];
      basalt_plot_set_series_data (self->weights_plot, 2 * k, self->t_axis, y, steps);
      for (gsize t = 0; t < steps; t++)
        y[t] = self->weights[t * n + k];
      basalt_plot_set_series_data (self->weights_plot, 2 * k + 1, self->t_axis, y, steps);
    }
  basalt_plot_set_series_data (self->error_plot, 0, self->t_axis, self->report->max_abs, steps);
}

static char *
describe_report (const BslWeightErrorReport *report)
{
  gsize last = report->n_steps - 1;

  if (report->overall_max_abs == 0)
    return g_strdup_printf (_("Every weight equals the reference's at all %" G_GSIZE_FORMAT " steps."),
                            report->n_steps);
  return g_strdup_printf (_("Final step %" G_GSIZE_FORMAT ": max |error| %.6g, RMSE %.6g. All steps: "
                            "max |error| %.6g, RMSE %.6g; the first difference at step %" G_GSIZE_FORMAT "."),
                          last + 1, report->max_abs[last], report->rmse[last],
                          report->overall_max_abs, report->overall_rmse, report->first_differing_step);
}

/* Runs the network with the sliders' rule and draws it. */
static void
resimulate (BasaltRuleTuner *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->problem == NULL)
    return;
  if (!bsl_rule_fit_problem_simulate (self->problem, self->x, self->weights, &error))
    {
      _basalt_rule_tuner_set_status (self, error->message);
      return;
    }
  g_clear_pointer (&self->report, bsl_weight_error_report_free);
  self->report = bsl_weight_error_report_new (self->ref, self->weights);
  draw_weights (self);
  text = describe_report (self->report);
  _basalt_rule_tuner_set_status (self, text);
}

/* ---- the sliders ---- */

static void
update_value_label (BasaltRuleTuner *self, guint dim)
{
  g_autofree char *text = g_strdup_printf ("= %.10g", bsl_rule_fit_problem_dim_value (self->problem, dim, self->x[dim]));

  gtk_label_set_text (g_ptr_array_index (self->value_labels, dim), text);
}

static void
on_scale_changed (GtkRange *range, BasaltRuleTuner *self)
{
  guint dim = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (range), "dim"));

  if (self->updating || self->problem == NULL)
    return;
  self->x[dim] = gtk_range_get_value (range);
  update_value_label (self, dim);
  resimulate (self);
}

static void
on_fitted_toggled (GtkCheckButton *check, BasaltRuleTuner *self)
{
  guint dim = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "dim"));

  self->fitted[dim] = gtk_check_button_get_active (check);
}

static void
clear_rows (BasaltRuleTuner *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->params_grid))) != NULL)
    gtk_grid_remove (self->params_grid, child);
  g_ptr_array_set_size (self->scales, 0);
  g_ptr_array_set_size (self->value_labels, 0);
}

static void
add_row (BasaltRuleTuner *self, guint dim)
{
  const char *unit = bsl_rule_fit_problem_get_dim_unit (self->problem, dim);
  g_autofree char *name = unit != NULL ? g_strdup_printf ("%s (%s)", bsl_rule_fit_problem_get_dim_name (self->problem, dim), unit)
                                       : g_strdup (bsl_rule_fit_problem_get_dim_name (self->problem, dim));
  double lower, upper;
  gboolean integer;
  GtkAdjustment *adjustment;
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (name);
  GtkWidget *scale, *spin, *value = gtk_label_new (NULL);

  bsl_rule_fit_problem_get_bounds (self->problem, dim, &lower, &upper, &integer);
  adjustment = gtk_adjustment_new (self->x[dim], lower, upper, integer ? 1 : (upper - lower) / 1000,
                                   integer ? 1 : (upper - lower) / 100, 0);
  scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment);
  spin = gtk_spin_button_new (adjustment, 1, integer ? 0 : 6);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_size_request (scale, 120, -1);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), self->fitted[dim]);
  gtk_widget_set_tooltip_text (check, _("Fit this parameter"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_width_chars (GTK_LABEL (value), 12);
  g_object_set_data (G_OBJECT (scale), "dim", GUINT_TO_POINTER (dim));
  g_object_set_data (G_OBJECT (check), "dim", GUINT_TO_POINTER (dim));
  g_signal_connect (scale, "value-changed", G_CALLBACK (on_scale_changed), self);
  g_signal_connect (check, "toggled", G_CALLBACK (on_fitted_toggled), self);
  gtk_grid_attach (self->params_grid, check, 0, (int) dim, 1, 1);
  gtk_grid_attach (self->params_grid, label, 1, (int) dim, 1, 1);
  gtk_grid_attach (self->params_grid, scale, 2, (int) dim, 1, 1);
  gtk_grid_attach (self->params_grid, spin, 3, (int) dim, 1, 1);
  gtk_grid_attach (self->params_grid, value, 4, (int) dim, 1, 1);
  g_ptr_array_add (self->scales, scale);
  g_ptr_array_add (self->value_labels, value);
}

void
_basalt_rule_tuner_show_point (BasaltRuleTuner *self, const double *x)
{
  guint n = bsl_rule_fit_problem_get_n_dims (self->problem);

  memcpy (self->x, x, n * sizeof (double));
  self->updating = TRUE;
  for (guint k = 0; k < n; k++)
    {
      gtk_range_set_value (g_ptr_array_index (self->scales, k), x[k]);
      update_value_label (self, k);
    }
  self->updating = FALSE;
  resimulate (self);
}

/* ---- the connection and its reference ---- */

static void
drop_problem (BasaltRuleTuner *self)
{
  clear_rows (self);
  g_clear_pointer (&self->problem, bsl_rule_fit_problem_free);
  g_clear_pointer (&self->report, bsl_weight_error_report_free);
  g_clear_pointer (&self->x, g_free);
  g_clear_pointer (&self->fitted, g_free);
  g_clear_pointer (&self->weights, g_free);
}

static gboolean
rebuild_problem (BasaltRuleTuner *self, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  BslGraph *graph = basalt_document_get_graph (self->document);
  const BslProcess *process = self->process != NULL ? bsl_graph_find_process (graph, self->process) : NULL;
  g_autofree char *available = NULL;
  guint n;

  _basalt_rule_tuner_cancel_fit (self);
  drop_problem (self);
  rebuild_plots (self);
  if (self->ref == NULL || process == NULL)
    {
      _basalt_rule_tuner_update_buttons (self);
      return TRUE;
    }
  self->problem = bsl_rule_fit_problem_new (graph, self->process, process_tag (graph, process), self->ref,
                                            &local_error);
  if (self->problem != NULL)
    {
      available = bsl_rule_fit_problem_dup_available (self->problem);
      if (!bsl_rule_fit_problem_add_params (self->problem, available, &local_error))
        g_clear_pointer (&self->problem, bsl_rule_fit_problem_free);
    }
  if (self->problem == NULL)
    {
      _basalt_rule_tuner_set_status (self, local_error->message);
      _basalt_rule_tuner_update_buttons (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  n = bsl_rule_fit_problem_get_n_dims (self->problem);
  self->x = g_new0 (double, n);
  self->fitted = g_new (gboolean, n);
  self->weights = g_new0 (double, self->ref->n_steps * self->ref->n_synapses);
  bsl_rule_fit_problem_get_start (self->problem, self->x);
  for (guint k = 0; k < n; k++)
    {
      self->fitted[k] = TRUE;
      add_row (self, k);
      update_value_label (self, k);
    }
  resimulate (self);
  _basalt_rule_tuner_update_buttons (self);
  return TRUE;
}

gboolean
basalt_rule_tuner_load_reference (BasaltRuleTuner *self, const char *path, GError **error)
{
  BslWeightReference *ref = bsl_weight_reference_load (path, NULL, error);
  g_autofree char *text = NULL;

  if (ref == NULL)
    return FALSE;
  g_clear_pointer (&self->ref, bsl_weight_reference_free);
  self->ref = ref;
  text = g_strdup_printf (_("%s: %s, %" G_GSIZE_FORMAT " steps, %" G_GSIZE_FORMAT " synapses"),
                          ref->display_name, ref->probe, ref->n_steps, ref->n_synapses);
  gtk_label_set_text (self->reference_label, text);
  return rebuild_problem (self, error);
}

static void
on_open_response (GtkNativeDialog *dialog, int response, BasaltRuleTuner *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog)) : NULL;
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (dialog);
  if (path != NULL && !basalt_rule_tuner_load_reference (self, path, &error))
    _basalt_rule_tuner_set_status (self, error->message);
}

static void
on_open_clicked (GtkButton *button, BasaltRuleTuner *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Open Weight Trajectory"),
                                                              GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Weight trajectories (CSV)"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

gboolean
basalt_rule_tuner_set_process (BasaltRuleTuner *self, const char *name, GError **error)
{
  BslGraph *graph = basalt_document_get_graph (self->document);
  const BslProcess *process = bsl_graph_find_process (graph, name);

  if (process == NULL || bsl_process_get_learning_rule (process) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, _("'%s' is no LearningDense of the network"), name);
      return FALSE;
    }
  g_free (self->process);
  self->process = g_strdup (name);
  self->updating = TRUE;
  for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (self->process_names)); k++)
    if (g_str_equal (gtk_string_list_get_string (self->process_names, k), name))
      gtk_drop_down_set_selected (self->process_dropdown, k);
  self->updating = FALSE;
  return rebuild_problem (self, error);
}

static void
on_process_selected (GtkDropDown *dropdown, GParamSpec *pspec, BasaltRuleTuner *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  g_autoptr(GError) error = NULL;

  if (self->updating || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (!basalt_rule_tuner_set_process (self, gtk_string_list_get_string (self->process_names, selected), &error))
    _basalt_rule_tuner_set_status (self, error->message);
}

/* The plastic connections of the network; the part shows only when there is one. */
static void
refresh_processes (BasaltRuleTuner *self)
{
  BslGraph *graph = basalt_document_get_graph (self->document);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *keep = NULL;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->process_names));

  for (guint k = 0; k < bsl_graph_get_n_processes (graph); k++)
    {
      const BslProcess *process = bsl_graph_get_process (graph, k);
      const char *name = bsl_process_get_name (process);

      if (bsl_process_get_learning_rule (process) == NULL)
        continue;
      g_ptr_array_add (names, (gpointer) name);
      if (g_strcmp0 (self->process, name) == 0)
        keep = name;
    }
  g_ptr_array_add (names, NULL);
  self->updating = TRUE;
  gtk_string_list_splice (self->process_names, 0, n_old, (const char *const *) names->pdata);
  self->updating = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self), names->len > 1);
  if (keep == NULL)
    {
      g_autoptr(GError) error = NULL;

      g_clear_pointer (&self->process, g_free);
      if (names->len > 1)
        basalt_rule_tuner_set_process (self, names->pdata[0], &error);
      else
        rebuild_problem (self, &error);
    }
  else
    basalt_rule_tuner_set_process (self, keep, NULL);
}

static void
on_document_changed (BasaltDocument *document, guint flags, const char *process, const char *var,
                     BasaltRuleTuner *self)
{
  if (flags & (BASALT_CHANGE_GRAPH | BASALT_CHANGE_STRUCTURE))
    refresh_processes (self);
  else if ((flags & BASALT_CHANGE_PARAMS) && self->fit == NULL && self->problem != NULL)
    {
      /* The network runs otherwise now. The sliders start again from the connection's rule when
       * that changed (an adopted fit, an edit in the inspector), and stay where they are else. */
      guint n = bsl_rule_fit_problem_get_n_dims (self->problem);
      g_autofree double *x = g_memdup2 (self->x, n * sizeof (double));
      g_autofree gboolean *fitted = g_memdup2 (self->fitted, n * sizeof (gboolean));
      gboolean keep = g_strcmp0 (process, self->process) != 0;

      if (!rebuild_problem (self, NULL) || !keep || self->problem == NULL ||
          bsl_rule_fit_problem_get_n_dims (self->problem) != n)
        return;
      for (guint k = 0; k < n; k++)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (gtk_grid_get_child_at (self->params_grid, 0, (int) k)),
                                     fitted[k]);
      _basalt_rule_tuner_show_point (self, x);
    }
}

/* ---- public API ---- */

static int
find_dim (BasaltRuleTuner *self, const char *param)
{
  for (guint k = 0; self->problem != NULL && k < bsl_rule_fit_problem_get_n_dims (self->problem); k++)
    if (g_str_equal (bsl_rule_fit_problem_get_dim_name (self->problem, k), param))
      return (int) k;
  return -1;
}

guint
basalt_rule_tuner_get_n_params (BasaltRuleTuner *self)
{
  return self->problem != NULL ? bsl_rule_fit_problem_get_n_dims (self->problem) : 0;
}

const char *
basalt_rule_tuner_get_param_name (BasaltRuleTuner *self, guint index)
{
  return bsl_rule_fit_problem_get_dim_name (self->problem, index);
}

double
basalt_rule_tuner_get_position (BasaltRuleTuner *self, const char *param)
{
  int dim = find_dim (self, param);
  return dim >= 0 ? self->x[dim] : NAN;
}

double
basalt_rule_tuner_get_value (BasaltRuleTuner *self, const char *param)
{
  int dim = find_dim (self, param);
  return dim >= 0 ? bsl_rule_fit_problem_dim_value (self->problem, dim, self->x[dim]) : NAN;
}

gboolean
basalt_rule_tuner_set_position (BasaltRuleTuner *self, const char *param, double position)
{
  int dim = find_dim (self, param);

  if (dim < 0)
    return FALSE;
  gtk_range_set_value (g_ptr_array_index (self->scales, dim), position);
  return TRUE;
}

void
basalt_rule_tuner_set_fitted (BasaltRuleTuner *self, const char *param, gboolean fitted)
{
  int dim = find_dim (self, param);
  GtkWidget *check;

  if (dim < 0)
    return;
  check = gtk_grid_get_child_at (self->params_grid, 0, dim);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), fitted);
}

const BslWeightErrorReport *
basalt_rule_tuner_get_report (BasaltRuleTuner *self)
{
  return self->report;
}

const char *
basalt_rule_tuner_get_status (BasaltRuleTuner *self)
{
  return self->status;
}

BasaltPlot *
basalt_rule_tuner_get_weights_plot (BasaltRuleTuner *self)
{
  return self->weights_plot;
}

gboolean
basalt_rule_tuner_adopt (BasaltRuleTuner *self, GError **error)
{
  g_autoptr(BslLearningRule) rule = NULL;

  if (self->problem == NULL || self->fit != NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, _("no rule to adopt"));
      return FALSE;
    }
  rule = bsl_rule_fit_problem_dup_rule (self->problem, self->x, error);
  return rule != NULL && basalt_document_set_learning_rule (self->document, self->process, rule, error);
}

static void
on_adopt_clicked (GtkButton *button, BasaltRuleTuner *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_rule_tuner_adopt (self, &error))
    _basalt_rule_tuner_set_status (self, error->message);
}

/* ---- GObject ---- */

static void
basalt_rule_tuner_dispose (GObject *object)
{
  BasaltRuleTuner *self = BASALT_RULE_TUNER (object);

  _basalt_rule_tuner_cancel_fit (self);
  self->disposed = TRUE;
  if (self->document != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->document);
      g_clear_object (&self->document);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BASALT_TYPE_RULE_TUNER);
  G_OBJECT_CLASS (basalt_rule_tuner_parent_class)->dispose (object);
}

static void
basalt_rule_tuner_finalize (GObject *object)
{
  BasaltRuleTuner *self = BASALT_RULE_TUNER (object);

  g_clear_pointer (&self->problem, bsl_rule_fit_problem_free);
  g_clear_pointer (&self->report, bsl_weight_error_report_free);
  g_clear_pointer (&self->ref, bsl_weight_reference_free);
  g_clear_pointer (&self->scales, g_ptr_array_unref);
  g_clear_pointer (&self->value_labels, g_ptr_array_unref);
  g_clear_object (&self->process_names);
  g_free (self->process);
  g_free (self->x);
  g_free (self->fitted);
  g_free (self->weights);
  g_free (self->status);
  g_free (self->t_axis);
  G_OBJECT_CLASS (basalt_rule_tuner_parent_class)->finalize (object);
}

static void
basalt_rule_tuner_constructed (GObject *object)
{
  BasaltRuleTuner *self = BASALT_RULE_TUNER (object);

  G_OBJECT_CLASS (basalt_rule_tuner_parent_class)->constructed (object);

  self->changed_id = g_signal_connect (self->document, "changed", G_CALLBACK (on_document_changed), self);
  refresh_processes (self);
}

static void
basalt_rule_tuner_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BasaltRuleTuner *self = BASALT_RULE_TUNER (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_rule_tuner_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BasaltRuleTuner *self = BASALT_RULE_TUNER (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_rule_tuner_class_init (BasaltRuleTunerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_rule_tuner_dispose;
  object_class->finalize = basalt_rule_tuner_finalize;
  object_class->constructed = basalt_rule_tuner_constructed;
  object_class->get_property = basalt_rule_tuner_get_property;
  object_class->set_property = basalt_rule_tuner_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, BASALT_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-rule-tuner.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, expander);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, reference_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, process_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, params_grid);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, status_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, plots_box);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, fit_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, stop_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleTuner, adopt_button);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_adopt_clicked);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_fit_clicked", G_CALLBACK (_basalt_rule_tuner_on_fit_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_stop_clicked", G_CALLBACK (_basalt_rule_tuner_on_stop_clicked));
}

static void
basalt_rule_tuner_init (BasaltRuleTuner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->scales = g_ptr_array_new ();
  self->value_labels = g_ptr_array_new ();
  self->process_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->process_dropdown, G_LIST_MODEL (self->process_names));
  g_signal_connect (self->process_dropdown, "notify::selected", G_CALLBACK (on_process_selected), self);
  rebuild_plots (self);
  _basalt_rule_tuner_set_status (self, _("Open a weight trajectory to fit the connection's rule to it."));
  _basalt_rule_tuner_update_buttons (self);
}

GtkWidget *
basalt_rule_tuner_new (BasaltDocument *document)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (document), NULL);

  return g_object_new (BASALT_TYPE_RULE_TUNER, "document", document, NULL);
}
