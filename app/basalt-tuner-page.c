/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "bsl-error.h"
#include "fit/bsl-fit.h"
#include "fit/bsl-quantize.h"

#include "basalt-fit-candidate.h"
#include "basalt-plot.h"
#include "basalt-tuner-page.h"

#define POLL_MS 100
#define FIT_BUDGET 400000
#define MAX_CANDIDATES 2000

typedef struct
{
  BasaltTunerPage *page;
  guint            dim;
  GtkCheckButton  *lock;
  GtkScale        *scale;
  GtkSpinButton   *spin;
  GtkSpinButton   *lower;
  GtkSpinButton   *upper;
} ParamRow;

struct _BasaltTunerPage
{
  GtkBox           parent_instance;

  /* Template widgets */
  GtkLabel        *reference_label;
  GtkMenuButton   *network_reference_button;
  GtkDropDown     *process_dropdown;
  GtkDropDown     *tag_dropdown;
  GtkCheckButton  *compare_check;
  GtkGrid         *params_grid;
  GtkLabel        *metrics_label;
  GtkColumnView   *candidates_view;
  GtkColumnViewColumn *value_column;
  GListStore      *candidates;
  GtkEntry        *metric_entry;
  GtkDropDown     *method_dropdown;
  GtkBox          *plots_box;
  GtkButton       *fit_button;
  GtkToggleButton *pause_button;
  GtkButton       *stop_button;
  GtkProgressBar  *progress_bar;
  GtkButton       *adopt_button;
  GtkButton       *export_button;

  BasaltDocument  *document;
  gulong           changed_id;
  GPtrArray       *process_keys;     /* char *: process name or "new:TYPE" */
  gboolean         updating;

  BslReference    *ref;
  BslReference    *source_ref;       /* as loaded or simulated; ref drops what does not apply */
  char            *source_type;      /* the simulated population's type, NULL for a file */
  char            *process_key;
  BslTag           tag;
  BslFitProblem   *problem;          /* live simulation, main thread */
  BslReference    *trace;
  double          *x;
  guint            n_dims;
  GPtrArray       *rows;             /* ParamRow* */
  BslMetricValues  metrics;
  BslMetricConfig  metric_config;

  BasaltPlot      *v_plot, *u_plot, *diff_plot, *raster;
  char            *compare_text;
  char            *type_name;        /* of the population being tuned */
  double          *t_axis;

  /* The fit, run on its own thread with its own problem. */
  BslFitProblem   *fit_problem;
  BslFit          *fit;
  GThread         *fit_thread;
  guint            poll_id;
  GMutex           fit_lock;
  double          *fit_best;         /* fit_problem dims, under fit_lock */
  double           fit_best_value;
  guint64          fit_evaluations;
  BslFitStage      fit_stage;
  gboolean         fit_finished;
  double          *best_x;           /* page dims */
  gboolean         have_best;
  gboolean         adopting;
};

G_DEFINE_FINAL_TYPE (BasaltTunerPage, basalt_tuner_page, GTK_TYPE_BOX)

static void resimulate (BasaltTunerPage *self, const double *x);
static void fill_candidates (BasaltTunerPage *self);

/* ---- helpers ------------------------------------------------------------------------------- */

static int
find_dim (BasaltTunerPage *self,
          const char      *name)
{
  for (guint k = 0; k < self->n_dims; k++)
    if (g_str_equal (bsl_fit_problem_get_dim_name (self->problem, k), name))
      return (int) k;
  return -1;
}

static void
set_message (BasaltTunerPage *self,
             const char      *text)
{
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
update_fit_buttons (BasaltTunerPage *self)
{
  gboolean fitting = self->fit_thread != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->fit_button), !fitting && self->problem != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->adopt_button), self->have_best && !fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), self->fit != NULL && !fitting);
}

/* ---- plots --------------------------------------------------------------------------------- */

static BasaltPlot *
add_plot (BasaltTunerPage *self,
          BasaltPlotKind   kind,
          const char      *title,
          const char      *y_label,
          int              height)
{
  GtkWidget *plot = basalt_plot_new (kind);

  basalt_plot_set_title (BASALT_PLOT (plot), title);
  if (y_label != NULL)
    basalt_plot_set_y_label (BASALT_PLOT (plot), y_label);
  gtk_widget_set_size_request (plot, 200, height);
  gtk_widget_set_vexpand (plot, kind == BASALT_PLOT_TRACES);
  gtk_box_append (self->plots_box, plot);
  return BASALT_PLOT (plot);
}

static void
rebuild_plots (BasaltTunerPage *self)
{
  GtkWidget *child;
  gsize n_steps = self->ref != NULL ? self->ref->n_steps : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->plots_box))) != NULL)
    gtk_box_remove (self->plots_box, child);
  self->v_plot = add_plot (self, BASALT_PLOT_TRACES, "v: reference and model", "v", 160);
  self->u_plot = add_plot (self, BASALT_PLOT_TRACES, "u: reference and model", "u", 120);
  self->diff_plot = add_plot (self, BASALT_PLOT_TRACES, "v model - v reference", NULL, 70);
  self->raster = add_plot (self, BASALT_PLOT_RASTER, "spikes: reference (lower rows), model (upper rows)", NULL, 90);
  basalt_plot_add_series (self->v_plot, "reference");
  basalt_plot_add_series (self->v_plot, "model");
  basalt_plot_add_series (self->v_plot, "other tag");
  basalt_plot_add_series (self->u_plot, "reference");
  basalt_plot_add_series (self->u_plot, "model");
  basalt_plot_add_series (self->diff_plot, "difference");
  {
    BasaltPlot *plots[4] = { self->v_plot, self->u_plot, self->diff_plot, self->raster };

    for (guint p = 0; p < 4; p++)
      basalt_plot_set_empty_text (plots[p], n_steps > 0 ? _("no data for this reference and model")
                                                        : _("no reference yet: Open Reference… or From Network"));
  }
  g_free (self->t_axis);
  self->t_axis = g_new (double, MAX (n_steps, 1));
  for (gsize t = 0; t < n_steps; t++)
    self->t_axis[t] = (double) (t + 1);
  if (n_steps > 0)
    {
      BasaltPlot *plots[4] = { self->v_plot, self->u_plot, self->diff_plot, self->raster };

      for (guint p = 0; p < 4; p++)
        {
          basalt_plot_set_history (plots[p], n_steps);
          basalt_plot_set_span (plots[p], (double) n_steps);
          basalt_plot_set_follow (plots[p], TRUE);
        }
      basalt_plot_set_n_rows (self->raster, 2 * self->ref->n_neurons);
    }
}

/* Neuron 0 is drawn (and the raster shows every neuron): a population's first neuron is what
 * one reads against the reference while tuning. */
static void
draw_trace (BasaltTunerPage    *self,
            const BslReference *model)
{
  const BslReference *ref = self->ref;
  gsize n = ref->n_neurons, steps = ref->n_steps;
  g_autofree double *y = g_new (double, MAX (steps, 1));
  g_autofree double *row = g_new0 (double, 2 * n);
  struct { BasaltPlot *plot; BslRefVar var; } traces[2] = { { self->v_plot, BSL_REF_V }, { self->u_plot, BSL_REF_U } };

  for (guint p = 0; p < 2; p++)
    {
      if (ref->data[traces[p].var] != NULL)
        {
          for (gsize t = 0; t < steps; t++)
            y[t] = ref->data[traces[p].var][t * n];
          basalt_plot_set_series_data (traces[p].plot, 0, self->t_axis, y, steps);
        }
      /* A model without this state (ATRLIF has no u) draws no line for it. */
      if (model->data[traces[p].var] == NULL)
        {
          basalt_plot_set_series_data (traces[p].plot, 1, self->t_axis, y, 0);
          continue;
        }
      for (gsize t = 0; t < steps; t++)
        y[t] = model->data[traces[p].var][t * n];
      basalt_plot_set_series_data (traces[p].plot, 1, self->t_axis, y, steps);
    }
  if (ref->data[BSL_REF_V] != NULL && model->data[BSL_REF_V] != NULL)
    {
      for (gsize t = 0; t < steps; t++)
        y[t] = model->data[BSL_REF_V][t * n] - ref->data[BSL_REF_V][t * n];
      basalt_plot_set_series_data (self->diff_plot, 0, self->t_axis, y, steps);
    }
  basalt_plot_clear (self->raster);
  basalt_plot_set_n_rows (self->raster, 2 * n);
  for (gsize t = 0; t < steps; t++)
    {
      for (gsize i = 0; i < n; i++)
        {
          row[i] = ref->data[BSL_REF_SPIKE] != NULL ? ref->data[BSL_REF_SPIKE][t * n + i] : 0.0;
          row[n + i] = model->data[BSL_REF_SPIKE] != NULL ? model->data[BSL_REF_SPIKE][t * n + i] : 0.0;
        }
      basalt_plot_append_raster_step (self->raster, (double) (t + 1), row, 2 * n);
    }
}

static void
show_metrics (BasaltTunerPage       *self,
              const BslMetricValues *values,
              const char            *what)
{
  g_autofree char *text = g_strdup_printf (
      "%s\nrmse v      %.6g\nrmse u      %.6g\nspike diff  %.0f\nvan Rossum  %.4g (tau %g)\n"
      "gamma       %.4f (window %g)\nlatency     %.4g steps\nobjective   %.6g",
      what, values->values[BSL_METRIC_RMSE_V], values->values[BSL_METRIC_RMSE_U],
      values->values[BSL_METRIC_SPIKE_COUNT], values->values[BSL_METRIC_VAN_ROSSUM],
      self->metric_config.van_rossum_tau, values->gamma, self->metric_config.gamma_window,
      values->values[BSL_METRIC_LATENCY], values->total);

  if (self->compare_text != NULL)
    {
      g_autofree char *with = g_strdup_printf ("%s\n%s", text, self->compare_text);

      gtk_label_set_text (self->metrics_label, with);
      return;
    }
  gtk_label_set_text (self->metrics_label, text);
}

/* A LIF population under the other tag: under fixed_pt the float values the integers stand for
 * (scale 64: one float unit of u is one unit of a_in), under floating_pt the integers the float
 * values quantise to (and the drive as the quantisation scales it). NULL, with the reason in
 * compare_text, when it cannot be converted. */
static BslProcess *
lif_under_other_tag (BasaltTunerPage *self,
                     const double    *x,
                     BslReference    *drive,
                     double          *scale_back)
{
  gsize n = self->ref->n_neurons, steps = self->ref->n_steps;
  g_autoptr(BslArray) du = bsl_fit_problem_dup_var (self->problem, x, "du");
  g_autoptr(BslArray) dv = bsl_fit_problem_dup_var (self->problem, x, "dv");
  g_autoptr(BslArray) vth = bsl_fit_problem_dup_var (self->problem, x, "vth");
  g_autoptr(BslArray) bias = bsl_fit_problem_dup_var (self->problem, x, "bias_mant");
  g_autoptr(BslArray) bias_exp = bsl_fit_problem_dup_var (self->problem, x, "bias_exp");
  g_autoptr(BslProcess) other = NULL;
  g_autoptr(GError) error = NULL;

  if (du == NULL || dv == NULL || vth == NULL || bias == NULL)
    {
      self->compare_text = g_strdup ("comparing tags needs du, dv, vth and bias_mant");
      return NULL;
    }
  other = bsl_process_new (bsl_proc_type_lookup ("LIF"), "other", 1, &n);
  if (self->tag == BSL_TAG_FIXED_PT)
    {
      g_autofree gint32 *mant = g_new (gint32, n), *exps = g_new (gint32, n);
      g_autofree double *fb = g_new (double, n);
      double fdu, fdv, fvth;

      for (gsize i = 0; i < n; i++)
        {
          mant[i] = (gint32) bias->data[bias->n == 1 ? 0 : i];
          exps[i] = bias_exp != NULL ? (gint32) bias_exp->data[bias_exp->n == 1 ? 0 : i] : 0;
        }
      bsl_quantize_fixed_to_float (n, (gint32) du->data[0], (gint32) dv->data[0], (gint32) vth->data[0],
                                   mant, exps, 0, NULL, 0, 8, 0, 64.0, &fdu, &fdv, &fvth, fb, NULL);
      bsl_process_set_param (other, "du", bsl_array_new_scalar (fdu), NULL);
      bsl_process_set_param (other, "dv", bsl_array_new_scalar (fdv), NULL);
      bsl_process_set_param (other, "vth", bsl_array_new_scalar (fvth), NULL);
      bsl_process_set_param (other, "bias_mant", bsl_array_new_vector (n, fb), NULL);
      *scale_back = 64.0;
    }
  else
    {
      BslQuantizeInput in = { n, du->data[0], dv->data[0], vth->data[0], NULL, steps,
                              self->ref->data[BSL_REF_A_IN], 0, NULL, NULL, FALSE };
      g_autoptr(BslArray) full_bias = bsl_array_new_vector (n, NULL);
      BslQuantizeResult *r;
      BslArray *mant, *exps;

      for (gsize i = 0; i < n; i++)
        full_bias->data[i] = bias->data[bias->n == 1 ? 0 : i];
      in.bias = full_bias->data;
      if (in.a_in == NULL)
        {
          self->compare_text = g_strdup ("comparing with fixed_pt needs the reference's a_in column");
          return NULL;
        }
      r = bsl_quantize_lif (&in, FALSE, &error);
      if (r == NULL)
        {
          self->compare_text = g_strdup_printf ("fixed_pt: %s", error->message);
          return NULL;
        }
      mant = bsl_array_new_vector (n, NULL);
      exps = bsl_array_new_vector (n, NULL);
      for (gsize i = 0; i < n; i++)
        {
          mant->data[i] = r->bias_mant[i];
          exps->data[i] = r->bias_exp[i];
        }
      bsl_process_set_param (other, "du", bsl_array_new_scalar (r->du), NULL);
      bsl_process_set_param (other, "dv", bsl_array_new_scalar (r->dv), NULL);
      bsl_process_set_param (other, "vth", bsl_array_new_scalar (r->vth), NULL);
      bsl_process_set_param (other, "bias_mant", mant, NULL);
      bsl_process_set_param (other, "bias_exp", exps, NULL);
      for (gsize k = 0; k < steps * n; k++)
        drive->data[BSL_REF_A_IN][k] = r->a_in[k];
      *scale_back = 1.0 / r->scale;
      bsl_quantize_result_free (r);
    }
  return g_steal_pointer (&other);
}

/* ATRLIF has the same parameters under both tags (fractional decays; theta_0 and theta_step
 * are scaled by 64 inside the fixed_pt model); its states and bias carry the factor 64 of
 * a_in << 6, and a fixed_pt receiver truncates the drive. */
static BslProcess *
atrlif_under_other_tag (BasaltTunerPage *self,
                        const double    *x,
                        double          *scale_back)
{
  static const char *const states[] = { "i", "v", "r" };
  BslProcess *other = bsl_fit_problem_dup_process (self->problem, x);
  gboolean to_fixed = self->tag == BSL_TAG_FLOATING_PT;
  g_autoptr(BslArray) bias = bsl_process_dup_param_full (other, "bias_mant", NULL);
  g_autoptr(BslArray) bias_exp = bsl_process_dup_param_full (other, "bias_exp", NULL);

  for (guint k = 0; k < G_N_ELEMENTS (states); k++)
    {
      BslArray *value = bsl_process_dup_param_full (other, states[k], NULL);

      for (gsize e = 0; e < value->n; e++)
        value->data[e] = to_fixed ? nearbyint (value->data[e] * 64.0) : value->data[e] / 64.0;
      bsl_process_set_param (other, states[k], value, NULL);
    }
  for (gsize e = 0; e < bias->n; e++)
    {
      double b = to_fixed ? bias->data[e] * 64.0 : ldexp (bias->data[e], (int) bias_exp->data[e]) / 64.0;
      int exponent = 0;

      /* fixed_pt: the smallest exponent whose mantissa fits Loihi's 13 signed bits */
      while (to_fixed && fabs (nearbyint (ldexp (b, -exponent))) > 4095 && exponent < 7)
        exponent++;
      bias->data[e] = to_fixed ? nearbyint (ldexp (b, -exponent)) : b;
      bias_exp->data[e] = exponent;
    }
  bsl_process_set_param (other, "bias_mant", g_steal_pointer (&bias), NULL);
  if (to_fixed)
    bsl_process_set_param (other, "bias_exp", g_steal_pointer (&bias_exp), NULL);
  else
    bsl_process_unset_param (other, "bias_exp");
  *scale_back = to_fixed ? 1.0 / 64.0 : 64.0;
  return other;
}

/* The population under the other tag, drawn in the current tag's units beside the model, with
 * the RMSE between the two and both spike counts (LIF and ATRLIF). */
static void
draw_other_tag (BasaltTunerPage *self,
                const double    *x)
{
  gsize n = self->ref->n_neurons, steps = self->ref->n_steps;
  g_autoptr(BslProcess) other = NULL;
  g_autoptr(BslReference) drive = bsl_reference_copy (self->ref);
  g_autoptr(BslReference) trace = NULL;
  g_autofree double *y = g_new0 (double, MAX (steps, 1));
  g_autoptr(GError) error = NULL;
  BslFitProblem *problem;
  double scale_back = 1.0;
  BslTag other_tag = self->tag == BSL_TAG_FIXED_PT ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;

  g_clear_pointer (&self->compare_text, g_free);
  basalt_plot_set_series_data (self->v_plot, 2, self->t_axis, y, 0);
  if (!gtk_check_button_get_active (self->compare_check))
    return;
  if (g_strcmp0 (self->type_name, "LIF") == 0)
    other = lif_under_other_tag (self, x, drive, &scale_back);
  else if (g_strcmp0 (self->type_name, "ATRLIF") == 0)
    other = atrlif_under_other_tag (self, x, &scale_back);
  else if (self->type_name != NULL && bsl_proc_type_lookup (self->type_name) != NULL &&
           !bsl_proc_type_has_model (bsl_proc_type_lookup (self->type_name), other_tag))
    self->compare_text = g_strdup_printf ("%s has no %s model to compare with", self->type_name,
                                          bsl_tag_to_string (other_tag));
  else
    self->compare_text = g_strdup ("comparing tags covers LIF and ATRLIF populations");
  if (other == NULL)
    return;

  problem = bsl_fit_problem_new (other, other_tag, drive, NULL, &error);
  if (problem == NULL)
    {
      self->compare_text = g_strdup_printf ("%s: %s", bsl_tag_to_string (other_tag), error->message);
      return;
    }
  trace = bsl_fit_problem_new_trace (problem);
  if (bsl_fit_problem_simulate (problem, NULL, trace, &error))
    {
      gsize spikes = bsl_reference_count_spikes (trace, -1);
      gsize model_spikes = bsl_reference_count_spikes (self->trace, -1);
      double sum = 0.0;

      for (gsize t = 0; t < steps; t++)
        y[t] = trace->data[BSL_REF_V][t * n] * scale_back;
      basalt_plot_set_series_data (self->v_plot, 2, self->t_axis, y, steps);
      for (gsize k = 0; k < steps * n; k++)
        {
          double d = trace->data[BSL_REF_V][k] * scale_back - self->trace->data[BSL_REF_V][k];

          sum += d * d;
        }
      self->compare_text = g_strdup_printf ("%s model: rmse v vs this %.6g, spikes %" G_GSIZE_FORMAT
                                            " (this %" G_GSIZE_FORMAT ")",
                                            bsl_tag_to_string (other_tag), sqrt (sum / MAX (steps * n, 1)),
                                            spikes, model_spikes);
    }
  else
    self->compare_text = g_strdup_printf ("%s: %s", bsl_tag_to_string (other_tag), error->message);
  bsl_fit_problem_free (problem);
}

static void
resimulate (BasaltTunerPage *self,
            const double    *x)
{
  g_autoptr(GError) error = NULL;

  if (self->problem == NULL)
    return;
  if (!bsl_fit_problem_simulate (self->problem, x, self->trace, &error))
    {
      set_message (self, error->message);
      return;
    }
  bsl_metrics_compute (&self->metric_config, self->ref, self->trace, TRUE, &self->metrics);
  draw_trace (self, self->trace);
  draw_other_tag (self, x);
  show_metrics (self, &self->metrics, x == self->x ? "current parameters" : "best candidate");
}

/* ---- parameter rows ------------------------------------------------------------------------ */

static void
sync_row (ParamRow *row)
{
  BasaltTunerPage *self = row->page;
  double value = self->x[row->dim];

  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (row->scale), value);
  gtk_spin_button_set_value (row->spin, value);
  self->updating = FALSE;
}

static void
on_row_value_changed (ParamRow *row,
                      double    value)
{
  BasaltTunerPage *self = row->page;
  gboolean integer;

  if (self->updating)
    return;
  bsl_fit_problem_get_bounds (self->problem, row->dim, NULL, NULL, &integer);
  self->x[row->dim] = integer ? nearbyint (value) : value;
  sync_row (row);
  resimulate (self, self->x);
}

static void
on_scale_changed (GtkRange *range,
                  ParamRow *row)
{
  on_row_value_changed (row, gtk_range_get_value (range));
}

static void
on_spin_changed (GtkSpinButton *spin,
                 ParamRow      *row)
{
  on_row_value_changed (row, gtk_spin_button_get_value (spin));
}

/* The slider and the entry span the dimension's bounds, which the fit keeps to. */
static void
apply_bounds (ParamRow *row)
{
  BasaltTunerPage *self = row->page;
  double lo, hi;
  gboolean integer;

  bsl_fit_problem_get_bounds (self->problem, row->dim, &lo, &hi, &integer);
  self->updating = TRUE;
  gtk_range_set_range (GTK_RANGE (row->scale), lo, hi);
  gtk_spin_button_set_range (row->spin, lo, hi);
  gtk_spin_button_set_value (row->lower, lo);
  gtk_spin_button_set_value (row->upper, hi);
  self->updating = FALSE;
  if (self->x[row->dim] < lo || self->x[row->dim] > hi)
    {
      self->x[row->dim] = CLAMP (self->x[row->dim], lo, hi);
      sync_row (row);
      resimulate (self, self->x);
    }
}

static void
on_bound_changed (GtkSpinButton *spin,
                  ParamRow      *row)
{
  if (row->page->updating)
    return;
  bsl_fit_problem_set_bounds (row->page->problem, row->dim, gtk_spin_button_get_value (row->lower),
                              gtk_spin_button_get_value (row->upper));
  apply_bounds (row);
}

static GtkWidget *
bounds_button (ParamRow *row,
               double    lo,
               double    hi,
               gboolean  integer)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();
  double step = integer ? 1 : MAX ((hi - lo) / 10000, 1e-9);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_tooltip_text (button, _("Bounds of the slider and of a fit"));
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  row->lower = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (-1e12, 1e12, step));
  row->upper = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (-1e12, 1e12, step));
  gtk_spin_button_set_digits (row->lower, integer ? 0 : 6);
  gtk_spin_button_set_digits (row->upper, integer ? 0 : 6);
  gtk_spin_button_set_value (row->lower, lo);
  gtk_spin_button_set_value (row->upper, hi);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new (_("Lower")), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->lower), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new (_("Upper")), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->upper), 1, 1, 1, 1);
  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  g_signal_connect (row->lower, "value-changed", G_CALLBACK (on_bound_changed), row);
  g_signal_connect (row->upper, "value-changed", G_CALLBACK (on_bound_changed), row);
  return button;
}

static void
clear_rows (BasaltTunerPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->params_grid))) != NULL)
    gtk_grid_remove (self->params_grid, child);
  g_ptr_array_set_size (self->rows, 0);
}

static void
build_rows (BasaltTunerPage *self)
{
  GtkWidget *header;

  clear_rows (self);
  header = gtk_label_new (_("Lock"));
  gtk_widget_add_css_class (header, "dim-label");
  gtk_grid_attach (self->params_grid, header, 0, 0, 1, 1);
  for (guint k = 0; k < self->n_dims; k++)
    {
      ParamRow *row = g_new0 (ParamRow, 1);
      double lo, hi;
      gboolean integer;
      GtkWidget *label;
      GtkAdjustment *adjustment;

      bsl_fit_problem_get_bounds (self->problem, k, &lo, &hi, &integer);
      row->page = self;
      row->dim = k;
      row->lock = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->lock), _("Locked parameters keep their value in a fit"));
      label = gtk_label_new (bsl_fit_problem_get_dim_name (self->problem, k));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      adjustment = gtk_adjustment_new (self->x[k], lo, hi, integer ? 1 : (hi - lo) / 1000,
                                       integer ? MAX (1, nearbyint ((hi - lo) / 100)) : (hi - lo) / 100, 0);
      row->scale = GTK_SCALE (gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment));
      gtk_scale_set_draw_value (row->scale, FALSE);
      gtk_widget_set_hexpand (GTK_WIDGET (row->scale), TRUE);
      gtk_widget_set_size_request (GTK_WIDGET (row->scale), 120, -1);
      row->spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (lo, hi, integer ? 1 : (hi - lo) / 10000));
      gtk_spin_button_set_digits (row->spin, integer ? 0 : 6);
      gtk_spin_button_set_value (row->spin, self->x[k]);
      gtk_editable_set_width_chars (GTK_EDITABLE (row->spin), 10);
      gtk_grid_attach (self->params_grid, GTK_WIDGET (row->lock), 0, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, label, 1, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, GTK_WIDGET (row->scale), 2, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, GTK_WIDGET (row->spin), 3, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, bounds_button (row, lo, hi, integer), 4, k + 1, 1, 1);
      g_signal_connect (row->scale, "value-changed", G_CALLBACK (on_scale_changed), row);
      g_signal_connect (row->spin, "value-changed", G_CALLBACK (on_spin_changed), row);
      g_ptr_array_add (self->rows, row);
    }
}

/* ---- the problem --------------------------------------------------------------------------- */

static gboolean
fittable (const BslVarSpec *spec,
          BslTag            tag)
{
  if (spec->flags & (BSL_VAR_STATE | BSL_VAR_HIDDEN | BSL_VAR_ENUM))
    return FALSE;
  if (spec->shape == BSL_SHAPE_TIME_SERIES)
    return FALSE;
  if ((spec->flags & BSL_VAR_FIXED_ONLY) && tag != BSL_TAG_FIXED_PT)
    return FALSE;
  if ((spec->flags & BSL_VAR_FLOAT_ONLY) && tag != BSL_TAG_FLOATING_PT)
    return FALSE;
  return TRUE;
}

static BslProcess *
dup_neuron (BasaltTunerPage *self,
            gboolean        *from_document,
            GError         **error)
{
  gsize n = self->ref->n_neurons;

  *from_document = FALSE;
  if (self->process_key == NULL || g_str_has_prefix (self->process_key, "new:"))
    {
      const char *type = self->process_key != NULL ? self->process_key + 4 : "LIF";
      const BslProcType *proc_type = bsl_proc_type_lookup (type);

      if (proc_type == NULL)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE, "unknown neuron type '%s'", type);
          return NULL;
        }
      /* A graph gives a new process what it needs (an Equations process its equations). */
      {
        g_autoptr(BslGraph) scratch = bsl_graph_new ();
        BslProcess *fresh = bsl_graph_add_process (scratch, type, "tuned", 1, &n, error);

        return fresh != NULL ? bsl_process_copy (fresh) : NULL;
      }
    }
  else
    {
      const BslProcess *p = bsl_graph_find_process (basalt_document_get_graph (self->document),
                                                    self->process_key);

      if (p == NULL)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "the network has no process '%s'", self->process_key);
          return NULL;
        }
      *from_document = TRUE;
      return bsl_process_copy (p);
    }
}

static gboolean
rebuild_problem (BasaltTunerPage *self,
                 GError         **error)
{
  g_autoptr(BslProcess) neuron = NULL;
  BslFitProblem *problem;
  gboolean from_document;

  g_clear_pointer (&self->problem, bsl_fit_problem_free);
  g_clear_pointer (&self->trace, bsl_reference_free);
  g_clear_pointer (&self->x, g_free);
  g_clear_pointer (&self->compare_text, g_free);
  self->n_dims = 0;
  clear_rows (self);
  update_fit_buttons (self);
  if (self->ref == NULL)
    return TRUE;

  neuron = dup_neuron (self, &from_document, error);
  if (neuron == NULL)
    return FALSE;
  if (neuron->model != BSL_TAG_NONE)
    neuron->model = BSL_TAG_NONE;
  /* A simulated population of another model is matched by its input and spikes: its u and v
   * mean other things (an Izhikevich's mV against a LIF's units). */
  if (self->source_type != NULL)
    {
      g_clear_pointer (&self->ref, bsl_reference_free);
      self->ref = bsl_reference_copy (self->source_ref);
      bsl_reference_keep_comparable (self->ref, self->source_type, neuron->type->name);
      /* The metrics follow what the reference holds now (spike distances without v). */
      {
        g_autofree char *metrics = NULL;

        bsl_metric_config_init (&self->metric_config);
        if (!bsl_metric_config_parse (&self->metric_config,
                                      gtk_editable_get_text (GTK_EDITABLE (self->metric_entry)), NULL) ||
            !bsl_metric_config_check (&self->metric_config, self->ref, FALSE, NULL))
          {
            bsl_metric_config_init (&self->metric_config);
            bsl_metric_config_check (&self->metric_config, self->ref, FALSE, NULL);
          }
        metrics = bsl_metric_config_to_string (&self->metric_config);
        gtk_editable_set_text (GTK_EDITABLE (self->metric_entry), metrics);
      }
      {
        g_autofree char *text = bsl_reference_describe (self->ref);
        g_autofree char *label = g_strdup_printf (_("%s, %s: %s%s"),
                                                  self->source_ref->display_name, self->source_type,
                                                  text, self->ref->data[BSL_REF_V] == NULL
                                                  ? _(" (another model: its u and v are not compared)") : "");

        gtk_label_set_text (self->reference_label, label);
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->reference_label), label);
      }
      rebuild_plots (self);
    }
  /* A model that exists under one tag only (Equations, Izhikevich, ...) is tuned under it. */
  if (!bsl_proc_type_has_model (neuron->type, self->tag))
    {
      BslTag other = self->tag == BSL_TAG_FIXED_PT ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;

      if (bsl_proc_type_has_model (neuron->type, other))
        {
          self->tag = other;
          self->updating = TRUE;
          gtk_drop_down_set_selected (self->tag_dropdown, other == BSL_TAG_FLOATING_PT ? 0 : 1);
          self->updating = FALSE;
        }
    }
  g_free (self->type_name);
  self->type_name = g_strdup (neuron->type->name);
  /* The network drives a process of the document when the reference has no a_in column. */
  problem = bsl_fit_problem_new (neuron, self->tag, self->ref,
                                 from_document && !bsl_reference_has_var (self->ref, BSL_REF_A_IN)
                                 ? basalt_document_get_graph (self->document) : NULL,
                                 error);
  if (problem == NULL)
    return FALSE;
  for (guint i = 0; i < neuron->type->n_vars; i++)
    if (fittable (&neuron->type->vars[i], self->tag) &&
        !bsl_fit_problem_add_param (problem, neuron->type->vars[i].name, error))
      {
        bsl_fit_problem_free (problem);
        return FALSE;
      }
  bsl_fit_problem_set_metric (problem, &self->metric_config);
  self->problem = problem;
  self->n_dims = bsl_fit_problem_get_n_dims (problem);
  self->x = g_new0 (double, MAX (self->n_dims, 1));
  g_free (self->best_x);
  self->best_x = g_new0 (double, MAX (self->n_dims, 1));
  self->have_best = FALSE;
  bsl_fit_problem_get_start (problem, self->x);
  self->trace = bsl_fit_problem_new_trace (problem);
  build_rows (self);
  rebuild_plots (self);
  resimulate (self, self->x);
  update_fit_buttons (self);
  return TRUE;
}

static void
rebuild_or_report (BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!rebuild_problem (self, &error))
    {
      set_message (self, error->message);
      gtk_label_set_text (self->metrics_label, error->message);
    }
}

/* ---- process list -------------------------------------------------------------------------- */

static void
refresh_process_list (BasaltTunerPage *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  BslGraph *graph = self->document != NULL ? basalt_document_get_graph (self->document) : NULL;
  guint selected = 0;

  g_ptr_array_set_size (self->process_keys, 0);
  for (guint i = 0; graph != NULL && i < graph->processes->len; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);

      if (p->type->category != BSL_CATEGORY_NEURONS || bsl_proc_type_find_port (p->type, "a_in") == NULL)
        continue;
      g_ptr_array_add (self->process_keys, g_strdup (p->name));
      gtk_string_list_take (model, g_strdup_printf ("%s (%s)", p->name, p->type->name));
    }
  {
    guint n_types;
    const BslProcType **types = bsl_proc_type_list (&n_types);

    /* A fresh population of any neuron type with an a_in port (the reference's drive). */
    for (guint k = 0; k < n_types; k++)
      if (types[k]->category == BSL_CATEGORY_NEURONS && bsl_proc_type_find_port (types[k], "a_in") != NULL)
        {
          g_ptr_array_add (self->process_keys, g_strdup_printf ("new:%s", types[k]->name));
          gtk_string_list_take (model, g_strdup_printf (_("new %s"), types[k]->name));
        }
  }
  for (guint k = 0; k < self->process_keys->len; k++)
    if (self->process_key != NULL && g_str_equal (self->process_key, g_ptr_array_index (self->process_keys, k)))
      selected = k;
  self->updating = TRUE;
  gtk_drop_down_set_model (self->process_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->process_dropdown, selected);
  self->updating = FALSE;
  if (self->process_key == NULL || !g_str_equal (self->process_key, g_ptr_array_index (self->process_keys, selected)))
    {
      g_free (self->process_key);
      self->process_key = g_strdup (g_ptr_array_index (self->process_keys, selected));
    }
}

static void
on_process_selected (GtkDropDown     *dropdown,
                     GParamSpec      *pspec,
                     BasaltTunerPage *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->updating || selected >= self->process_keys->len)
    return;
  g_free (self->process_key);
  self->process_key = g_strdup (g_ptr_array_index (self->process_keys, selected));
  rebuild_or_report (self);
}

static void
on_tag_selected (GtkDropDown     *dropdown,
                 GParamSpec      *pspec,
                 BasaltTunerPage *self)
{
  BslTag tag = gtk_drop_down_get_selected (dropdown) == 0 ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;

  if (self->updating || tag == self->tag)
    return;
  self->tag = tag;
  rebuild_or_report (self);
}

static void
on_document_changed (BasaltDocument  *document,
                     guint            flags,
                     const char      *process,
                     const char      *var,
                     BasaltTunerPage *self)
{
  if (self->adopting)
    return;
  if (flags & (BASALT_CHANGE_STRUCTURE | BASALT_CHANGE_GRAPH))
    {
      refresh_process_list (self);
      if (self->fit_thread == NULL)
        rebuild_or_report (self);
    }
  else if ((flags & BASALT_CHANGE_PARAMS) && self->fit_thread == NULL && process != NULL &&
           self->process_key != NULL && g_str_equal (process, self->process_key))
    rebuild_or_report (self);
}

static void
on_compare_toggled (GtkCheckButton  *check,
                    BasaltTunerPage *self)
{
  if (self->problem != NULL)
    resimulate (self, self->x);
}

static void
on_metric_activate (GtkEntry        *entry,
                    BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;
  BslMetricConfig config = self->metric_config;

  if (!bsl_metric_config_parse (&config, gtk_editable_get_text (GTK_EDITABLE (entry)), &error) ||
      (self->ref != NULL && !bsl_metric_config_check (&config, self->ref, TRUE, &error)))
    {
      set_message (self, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  self->metric_config = config;
  if (self->problem != NULL)
    {
      bsl_fit_problem_set_metric (self->problem, &config);
      resimulate (self, self->x);
    }
}

/* ---- reference ----------------------------------------------------------------------------- */

gboolean
basalt_tuner_page_load_reference (BasaltTunerPage *self,
                                  const char      *path,
                                  GError         **error)
{
  BslReference *ref;
  g_autofree char *text = NULL, *base = NULL, *label = NULL;

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  ref = bsl_reference_load (path, NULL, error);
  if (ref == NULL)
    return FALSE;
  basalt_tuner_page_stop_fit (self);
  g_clear_pointer (&self->ref, bsl_reference_free);
  g_clear_pointer (&self->source_ref, bsl_reference_free);
  g_clear_pointer (&self->source_type, g_free);
  self->ref = ref;
  bsl_metric_config_init (&self->metric_config);
  if (!bsl_metric_config_parse (&self->metric_config,
                                gtk_editable_get_text (GTK_EDITABLE (self->metric_entry)), NULL))
    bsl_metric_config_init (&self->metric_config);
  bsl_metric_config_check (&self->metric_config, ref, FALSE, NULL);
  text = bsl_reference_describe (ref);
  base = g_path_get_basename (path);
  label = g_strdup_printf ("%s: %s", base, text);
  gtk_label_set_text (self->reference_label, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reference_label), path);
  return rebuild_problem (self, error);
}

gboolean
basalt_tuner_page_reference_from_network (BasaltTunerPage  *self,
                                          const char       *process,
                                          GError          **error)
{
  BslGraph *graph;
  const BslProcess *p;
  BslReference *ref;

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  graph = self->document != NULL ? basalt_document_get_graph (self->document) : NULL;
  if (graph == NULL || (p = bsl_graph_find_process (graph, process)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "the network has no process '%s'", process);
      return FALSE;
    }
  ref = bsl_reference_from_network (graph, process, graph->run_steps, error);
  if (ref == NULL)
    return FALSE;
  basalt_tuner_page_stop_fit (self);
  g_clear_pointer (&self->ref, bsl_reference_free);
  g_clear_pointer (&self->source_ref, bsl_reference_free);
  g_free (self->source_type);
  self->source_type = g_strdup (p->type->name);
  self->source_ref = ref;
  self->ref = bsl_reference_copy (ref);
  /* rebuild_problem fits the reference, its label and the metrics to the tuned population */
  return rebuild_problem (self, error);
}

static void
on_reference_from_network (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       data)
{
  BasaltTunerPage *self = data;
  g_autoptr(GError) error = NULL;

  if (!basalt_tuner_page_reference_from_network (self, g_variant_get_string (parameter, NULL), &error))
    {
      set_message (self, error->message);
      gtk_label_set_text (self->reference_label, error->message);
    }
}

/* The network's neuron populations, offered when the menu opens (the network may have changed). */
static void
create_network_menu (GtkMenuButton *button,
                     gpointer       data)
{
  BasaltTunerPage *self = data;
  g_autoptr(GMenu) menu = g_menu_new ();
  BslGraph *graph = self->document != NULL ? basalt_document_get_graph (self->document) : NULL;

  for (guint i = 0; graph != NULL && i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;

      if (p->type->category != BSL_CATEGORY_NEURONS || bsl_proc_type_find_port (p->type, "s_out") == NULL)
        continue;
      label = g_strdup_printf ("%s (%s)", p->name, p->type->name);
      action = g_strdup_printf ("tuner.reference-from::%s", p->name);
      g_menu_append (menu, label, action);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (menu)) == 0)
    g_menu_append (menu, _("The network has no neuron population"), "tuner.none");
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  BasaltTunerPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path != NULL && !basalt_tuner_page_load_reference (self, path, &error))
        {
          set_message (self, error->message);
          gtk_label_set_text (self->reference_label, error->message);
        }
    }
  g_object_unref (dialog);
}

static void
on_open_clicked (GtkButton       *button,
                 BasaltTunerPage *self)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = gtk_file_chooser_native_new (_("Open Reference Trace"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Traces (CSV, NumPy)"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.npy");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- the fit ------------------------------------------------------------------------------- */

static void
fit_progress (BslFit       *fit,
              BslFitStage   stage,
              guint64       evaluations,
              double        best_value,
              const double *best_x,
              gpointer      user_data)
{
  BasaltTunerPage *self = user_data;

  g_mutex_lock (&self->fit_lock);
  self->fit_stage = stage;
  self->fit_evaluations = evaluations;
  self->fit_best_value = best_value;
  memcpy (self->fit_best, best_x, bsl_fit_problem_get_n_dims (self->fit_problem) * sizeof (double));
  g_mutex_unlock (&self->fit_lock);
}

/* The fit's point in the page's dimensions: locked ones keep the sliders' values. */
static void
map_fit_point (BasaltTunerPage *self,
               const double    *fit_x,
               double          *x)
{
  memcpy (x, self->x, self->n_dims * sizeof (double));
  for (guint k = 0; k < bsl_fit_problem_get_n_dims (self->fit_problem); k++)
    {
      int dim = find_dim (self, bsl_fit_problem_get_dim_name (self->fit_problem, k));

      if (dim >= 0)
        x[dim] = fit_x[k];
    }
}

static void
show_fit_state (BasaltTunerPage *self)
{
  g_autofree double *fit_x = g_new0 (double, bsl_fit_problem_get_n_dims (self->fit_problem));
  g_autofree char *text = NULL;
  guint64 evaluations;
  double best;
  BslFitStage stage;

  g_mutex_lock (&self->fit_lock);
  evaluations = self->fit_evaluations;
  best = self->fit_best_value;
  stage = self->fit_stage;
  memcpy (fit_x, self->fit_best, bsl_fit_problem_get_n_dims (self->fit_problem) * sizeof (double));
  g_mutex_unlock (&self->fit_lock);

  text = g_strdup_printf (_("%s: %s stage, %" G_GUINT64_FORMAT " evaluations, best %.6g"),
                          self->fit_finished ? _("Done") : bsl_fit_is_paused (self->fit) ? _("Paused") : _("Fitting"),
                          stage == BSL_FIT_STAGE_FORCED ? _("teacher-forced") : _("free-running"),
                          evaluations, best);
  gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) evaluations / FIT_BUDGET));
  set_message (self, text);
  if (evaluations > 0)
    {
      map_fit_point (self, fit_x, self->best_x);
      self->have_best = TRUE;
      resimulate (self, self->best_x);
    }
}

static gboolean
poll_fit (gpointer user_data)
{
  BasaltTunerPage *self = user_data;

  show_fit_state (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
fit_finished_idle (gpointer user_data)
{
  BasaltTunerPage *self = user_data;

  if (self->fit_thread != NULL)
    {
      g_thread_join (self->fit_thread);
      self->fit_thread = NULL;
      self->fit_finished = TRUE;
      g_clear_handle_id (&self->poll_id, g_source_remove);
      g_autofree double *best = g_new0 (double, bsl_fit_problem_get_n_dims (self->fit_problem));
      double value = bsl_fit_get_best (self->fit, best);

      fit_progress (self->fit, bsl_fit_get_stage (self->fit), bsl_fit_get_n_evaluations (self->fit),
                    value, best, self);
      show_fit_state (self);
      fill_candidates (self);
      gtk_toggle_button_set_active (self->pause_button, FALSE);
      update_fit_buttons (self);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static gpointer
fit_thread_func (gpointer user_data)
{
  BasaltTunerPage *self = user_data;

  bsl_fit_run (self->fit);
  g_idle_add (fit_finished_idle, self);
  return NULL;
}

/* ---- candidates ---------------------------------------------------------------------------- */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  const char *property = user_data;
  GObject *candidate = gtk_list_item_get_item (item);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (candidate), property);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *text = NULL;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (candidate, property, &value);
  if (pspec->value_type == G_TYPE_DOUBLE)
    text = g_strdup_printf ("%.6g", g_value_get_double (&value));
  else if (pspec->value_type == G_TYPE_UINT64)
    text = g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (&value));
  else
    text = g_value_dup_string (&value);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static GtkColumnViewColumn *
add_column (BasaltTunerPage *self,
            const char      *title,
            const char      *property,
            gboolean         numeric,
            gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkExpression *expression = gtk_property_expression_new (BASALT_TYPE_FIT_CANDIDATE, NULL, property);
  GtkSorter *sorter = numeric ? GTK_SORTER (gtk_numeric_sorter_new (expression))
                              : GTK_SORTER (gtk_string_sorter_new (expression));
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), (gpointer) property);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->candidates_view, column);
  g_object_unref (sorter);
  g_object_unref (column);
  return column;
}

static void
setup_candidates (BasaltTunerPage *self)
{
  GtkSortListModel *sorted;

  self->candidates = g_list_store_new (BASALT_TYPE_FIT_CANDIDATE);
  add_column (self, _("Stage"), "stage", FALSE, FALSE);
  add_column (self, _("#"), "evaluation", TRUE, FALSE);
  self->value_column = add_column (self, _("Value"), "value", TRUE, FALSE);
  add_column (self, _("Parameters"), "parameters", FALSE, TRUE);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->candidates)),
                                    g_object_ref (gtk_column_view_get_sorter (self->candidates_view)));
  gtk_column_view_set_model (self->candidates_view,
                             GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (sorted))));
  gtk_column_view_sort_by_column (self->candidates_view, self->value_column, GTK_SORT_ASCENDING);
}

typedef struct
{
  double  value;
  guint64 index;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *ra = a, *rb = b;

  if (ra->value != rb->value)
    return ra->value < rb->value ? -1 : 1;
  return ra->index < rb->index ? -1 : ra->index > rb->index;
}

/* The best candidates of the fit (all of them would be hundreds of thousands of rows). */
static void
fill_candidates (BasaltTunerPage *self)
{
  guint n = bsl_fit_problem_get_n_dims (self->fit_problem);
  guint64 length = bsl_fit_get_history_length (self->fit);
  g_autoptr(GArray) ranked = g_array_sized_new (FALSE, FALSE, sizeof (Ranked), length);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autofree double *x = g_new0 (double, MAX (n, 1));

  for (guint k = 0; k < n; k++)
    names[k] = bsl_fit_problem_get_dim_name (self->fit_problem, k);
  for (guint64 i = 0; i < length; i++)
    {
      Ranked r = { INFINITY, i };

      bsl_fit_get_history_entry (self->fit, i, NULL, NULL, &r.value, NULL);
      g_array_append_val (ranked, r);
    }
  g_array_sort (ranked, compare_ranked);
  for (guint i = 0; i < MIN (ranked->len, MAX_CANDIDATES); i++)
    {
      const Ranked *r = &g_array_index (ranked, Ranked, i);
      BslFitStage stage;
      guint64 evaluation;
      double value;

      bsl_fit_get_history_entry (self->fit, r->index, &stage, &evaluation, &value, x);
      g_ptr_array_add (items, basalt_fit_candidate_new (stage == BSL_FIT_STAGE_FORCED ? "forced" : "free",
                                                        evaluation, value, x, n, names));
    }
  g_list_store_splice (self->candidates, 0, g_list_model_get_n_items (G_LIST_MODEL (self->candidates)),
                       items->pdata, items->len);
}

static void
on_candidate_activated (GtkColumnView   *view,
                        guint            position,
                        BasaltTunerPage *self)
{
  g_autoptr(BasaltFitCandidate) candidate = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (view)),
                                                                   position);
  const double *fit_x;

  if (candidate == NULL || self->fit_problem == NULL || self->fit_thread != NULL)
    return;
  fit_x = basalt_fit_candidate_get_x (candidate, NULL);
  map_fit_point (self, fit_x, self->x);
  for (guint k = 0; k < self->rows->len; k++)
    sync_row (g_ptr_array_index (self->rows, k));
  resimulate (self, self->x);
}

static void
clear_fit (BasaltTunerPage *self)
{
  if (self->fit_thread != NULL)
    {
      bsl_fit_cancel (self->fit);
      g_thread_join (self->fit_thread);
      self->fit_thread = NULL;
    }
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->candidates != NULL)
    g_list_store_remove_all (self->candidates);
  g_clear_pointer (&self->fit, bsl_fit_free);
  g_clear_pointer (&self->fit_problem, bsl_fit_problem_free);
  g_clear_pointer (&self->fit_best, g_free);
}

gboolean
basalt_tuner_page_start_fit (BasaltTunerPage *self,
                             GError         **error)
{
  g_autoptr(BslProcess) neuron = NULL;
  g_autoptr(GString) params = g_string_new (NULL);
  gboolean from_document;
  BslFitOptions options;
  static const BslOptimizerMethod methods[] = { BSL_N_OPTIMIZERS, BSL_OPTIMIZER_INTEGER,
                                                BSL_OPTIMIZER_CMA_ES, BSL_OPTIMIZER_NELDER_MEAD };
  guint method = gtk_drop_down_get_selected (self->method_dropdown);

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  if (self->problem == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "open a reference first");
      return FALSE;
    }
  if (self->fit_thread != NULL)
    return TRUE;
  clear_fit (self);

  for (guint k = 0; k < self->rows->len; k++)
    {
      ParamRow *row = g_ptr_array_index (self->rows, k);

      if (!gtk_check_button_get_active (row->lock))
        g_string_append_printf (params, "%s%s", params->len > 0 ? "," : "",
                                bsl_fit_problem_get_dim_name (self->problem, row->dim));
    }
  if (params->len == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "every parameter is locked: nothing to fit");
      return FALSE;
    }
  /* The fit's population starts from the sliders (locked values included). */
  neuron = bsl_fit_problem_dup_process (self->problem, self->x);
  {
    /* Only to learn whether the population is the document's. */
    g_autoptr(BslProcess) check = dup_neuron (self, &from_document, NULL);
  }
  self->fit_problem = bsl_fit_problem_new (neuron, self->tag, self->ref,
                                           from_document && !bsl_reference_has_var (self->ref, BSL_REF_A_IN)
                                           ? basalt_document_get_graph (self->document) : NULL,
                                           error);
  if (self->fit_problem == NULL)
    return FALSE;
  if (!bsl_fit_problem_add_params (self->fit_problem, params->str, error))
    {
      g_clear_pointer (&self->fit_problem, bsl_fit_problem_free);
      return FALSE;
    }
  for (guint k = 0; k < bsl_fit_problem_get_n_dims (self->fit_problem); k++)
    {
      int dim = find_dim (self, bsl_fit_problem_get_dim_name (self->fit_problem, k));
      double lo, hi;

      bsl_fit_problem_get_bounds (self->problem, dim, &lo, &hi, NULL);
      bsl_fit_problem_set_bounds (self->fit_problem, k, lo, hi);
    }
  bsl_fit_problem_set_metric (self->fit_problem, &self->metric_config);
  bsl_fit_options_init (&options);
  options.method = methods[MIN (method, G_N_ELEMENTS (methods) - 1)];
  options.max_evaluations = FIT_BUDGET;
  options.record_history = TRUE;
  self->fit = bsl_fit_new (self->fit_problem, &options);
  self->fit_best = g_new0 (double, bsl_fit_problem_get_n_dims (self->fit_problem));
  bsl_fit_problem_get_start (self->fit_problem, self->fit_best);
  self->fit_best_value = INFINITY;
  self->fit_evaluations = 0;
  self->fit_finished = FALSE;
  bsl_fit_set_progress_func (self->fit, fit_progress, 500, self);
  self->fit_thread = g_thread_new ("basalt-fit", fit_thread_func, g_object_ref (self));
  self->poll_id = g_timeout_add (POLL_MS, poll_fit, self);
  update_fit_buttons (self);
  set_message (self, _("Fitting…"));
  return TRUE;
}

gboolean
basalt_tuner_page_is_fitting (BasaltTunerPage *self)
{
  return self->fit_thread != NULL;
}

void
basalt_tuner_page_set_fit_paused (BasaltTunerPage *self,
                                  gboolean         paused)
{
  if (self->fit != NULL)
    bsl_fit_set_paused (self->fit, paused);
}

void
basalt_tuner_page_stop_fit (BasaltTunerPage *self)
{
  if (self->fit != NULL && self->fit_thread != NULL)
    {
      bsl_fit_set_paused (self->fit, FALSE);
      bsl_fit_cancel (self->fit);
    }
}

guint64
basalt_tuner_page_get_fit_evaluations (BasaltTunerPage *self)
{
  guint64 evaluations;

  g_mutex_lock (&self->fit_lock);
  evaluations = self->fit_evaluations;
  g_mutex_unlock (&self->fit_lock);
  return evaluations;
}

gboolean
basalt_tuner_page_adopt_best (BasaltTunerPage *self,
                              GError         **error)
{
  gboolean from_document;
  g_autoptr(BslProcess) check = NULL;

  if (!self->have_best || self->problem == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "no fit result to adopt");
      return FALSE;
    }
  memcpy (self->x, self->best_x, self->n_dims * sizeof (double));
  for (guint k = 0; k < self->rows->len; k++)
    sync_row (g_ptr_array_index (self->rows, k));
  resimulate (self, self->x);

  check = dup_neuron (self, &from_document, NULL);
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
  if (self->fit == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "no fit to export");
      return FALSE;
    }
  return bsl_fit_write_history_csv (self->fit, path, TRUE, error);
}

static void
on_fit_clicked (GtkButton       *button,
                BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_tuner_page_start_fit (self, &error))
    set_message (self, error->message);
}

static void
on_pause_toggled (GtkToggleButton *button,
                  BasaltTunerPage *self)
{
  basalt_tuner_page_set_fit_paused (self, gtk_toggle_button_get_active (button));
  if (self->fit != NULL)
    show_fit_state (self);
}

static void
on_stop_clicked (GtkButton       *button,
                 BasaltTunerPage *self)
{
  basalt_tuner_page_stop_fit (self);
}

static void
on_adopt_clicked (GtkButton       *button,
                  BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_tuner_page_adopt_best (self, &error))
    set_message (self, error->message);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    BasaltTunerPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path != NULL && !basalt_tuner_page_export_history (self, path, &error))
        set_message (self, error->message);
    }
  g_object_unref (dialog);
}

static void
on_export_clicked (GtkButton       *button,
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

/* ---- public -------------------------------------------------------------------------------- */

gboolean
basalt_tuner_page_set_process (BasaltTunerPage *self,
                               const char      *name,
                               GError         **error)
{
  for (guint k = 0; k < self->process_keys->len; k++)
    if (g_str_equal (name, g_ptr_array_index (self->process_keys, k)))
      {
        g_free (self->process_key);
        self->process_key = g_strdup (name);
        self->updating = TRUE;
        gtk_drop_down_set_selected (self->process_dropdown, k);
        self->updating = FALSE;
        return rebuild_problem (self, error);
      }
  g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "no neuron process '%s' to tune", name);
  return FALSE;
}

void
basalt_tuner_page_set_tag (BasaltTunerPage *self,
                           BslTag           tag)
{
  gtk_drop_down_set_selected (self->tag_dropdown, tag == BSL_TAG_FLOATING_PT ? 0 : 1);
}

guint
basalt_tuner_page_get_n_params (BasaltTunerPage *self)
{
  return self->n_dims;
}

const char *
basalt_tuner_page_get_param_name (BasaltTunerPage *self,
                                  guint            index)
{
  g_return_val_if_fail (index < self->n_dims, NULL);
  return bsl_fit_problem_get_dim_name (self->problem, index);
}

double
basalt_tuner_page_get_value (BasaltTunerPage *self,
                             const char      *param)
{
  int dim = self->problem != NULL ? find_dim (self, param) : -1;

  return dim >= 0 ? self->x[dim] : NAN;
}

gboolean
basalt_tuner_page_set_value (BasaltTunerPage *self,
                             const char      *param,
                             double           value)
{
  int dim = self->problem != NULL ? find_dim (self, param) : -1;

  if (dim < 0)
    return FALSE;
  /* As the user would: through the slider. */
  gtk_range_set_value (GTK_RANGE (((ParamRow *) g_ptr_array_index (self->rows, dim))->scale), value);
  return TRUE;
}

gboolean
basalt_tuner_page_set_bounds (BasaltTunerPage *self,
                              const char      *param,
                              double           lower,
                              double           upper)
{
  int dim = self->problem != NULL ? find_dim (self, param) : -1;
  ParamRow *row;

  if (dim < 0)
    return FALSE;
  row = g_ptr_array_index (self->rows, dim);
  /* As the user would: through the bounds entries. */
  self->updating = TRUE;
  gtk_spin_button_set_value (row->lower, lower);
  self->updating = FALSE;
  gtk_spin_button_set_value (row->upper, upper);
  on_bound_changed (row->upper, row);
  return TRUE;
}

void
basalt_tuner_page_get_bounds (BasaltTunerPage *self,
                              const char      *param,
                              double          *lower,
                              double          *upper)
{
  int dim = self->problem != NULL ? find_dim (self, param) : -1;

  *lower = *upper = NAN;
  if (dim >= 0)
    bsl_fit_problem_get_bounds (self->problem, dim, lower, upper, NULL);
}

void
basalt_tuner_page_set_locked (BasaltTunerPage *self,
                              const char      *param,
                              gboolean         locked)
{
  int dim = self->problem != NULL ? find_dim (self, param) : -1;

  if (dim >= 0)
    gtk_check_button_set_active (((ParamRow *) g_ptr_array_index (self->rows, dim))->lock, locked);
}

guint
basalt_tuner_page_get_n_candidates (BasaltTunerPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (self->candidates_view)));
}

double
basalt_tuner_page_get_candidate_value (BasaltTunerPage *self,
                                       guint            position)
{
  g_autoptr(GObject) candidate = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (self->candidates_view)),
                                                        position);
  double value = NAN;

  if (candidate != NULL)
    g_object_get (candidate, "value", &value, NULL);
  return value;
}

void
basalt_tuner_page_activate_candidate (BasaltTunerPage *self,
                                      guint            position)
{
  on_candidate_activated (self->candidates_view, position, self);
}

const char *
basalt_tuner_page_get_comparison (BasaltTunerPage *self)
{
  return self->compare_text;
}

void
basalt_tuner_page_set_compare (BasaltTunerPage *self,
                               gboolean         compare)
{
  gtk_check_button_set_active (self->compare_check, compare);
}

double
basalt_tuner_page_get_draw_ms (BasaltTunerPage *self)
{
  BasaltPlot *plots[4] = { self->v_plot, self->u_plot, self->diff_plot, self->raster };
  double total = 0.0;

  for (guint p = 0; p < 4; p++)
    total += basalt_plot_get_last_draw_ms (plots[p]);
  return total;
}

void
basalt_tuner_page_get_metrics (BasaltTunerPage *self,
                               BslMetricValues *values)
{
  *values = self->metrics;
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
basalt_tuner_page_dispose (GObject *object)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (object);

  clear_fit (self);
  g_clear_object (&self->candidates);
  if (self->document != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->document);
      g_clear_object (&self->document);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BASALT_TYPE_TUNER_PAGE);
  G_OBJECT_CLASS (basalt_tuner_page_parent_class)->dispose (object);
}

static void
basalt_tuner_page_finalize (GObject *object)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (object);

  g_clear_pointer (&self->problem, bsl_fit_problem_free);
  g_clear_pointer (&self->trace, bsl_reference_free);
  g_clear_pointer (&self->ref, bsl_reference_free);
  g_clear_pointer (&self->source_ref, bsl_reference_free);
  g_clear_pointer (&self->source_type, g_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->process_keys, g_ptr_array_unref);
  g_free (self->process_key);
  g_free (self->compare_text);
  g_free (self->type_name);
  g_free (self->x);
  g_free (self->best_x);
  g_free (self->t_axis);
  g_mutex_clear (&self->fit_lock);
  G_OBJECT_CLASS (basalt_tuner_page_parent_class)->finalize (object);
}

static void
basalt_tuner_page_class_init (BasaltTunerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_tuner_page_dispose;
  object_class->finalize = basalt_tuner_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-tuner-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, reference_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, network_reference_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, process_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, compare_check);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, params_grid);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, metrics_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, candidates_view);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, metric_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, plots_box);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, fit_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, adopt_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, export_button);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_metric_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_candidate_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_fit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_adopt_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
}

static void
basalt_tuner_page_init (BasaltTunerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_mutex_init (&self->fit_lock);
  self->rows = g_ptr_array_new_with_free_func (g_free);
  self->process_keys = g_ptr_array_new_with_free_func (g_free);
  self->tag = BSL_TAG_FIXED_PT;
  bsl_metric_config_init (&self->metric_config);
  g_signal_connect (self->process_dropdown, "notify::selected", G_CALLBACK (on_process_selected), self);
  g_signal_connect (self->tag_dropdown, "notify::selected", G_CALLBACK (on_tag_selected), self);
  setup_candidates (self);
  rebuild_plots (self);
  update_fit_buttons (self);
  {
    static const GActionEntry entries[] = {
      { "reference-from", on_reference_from_network, "s", NULL, NULL, { 0 } },
    };
    g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

    g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), self);
    gtk_widget_insert_action_group (GTK_WIDGET (self), "tuner", G_ACTION_GROUP (group));
  }
  gtk_menu_button_set_create_popup_func (self->network_reference_button, create_network_menu, self, NULL);
}

GtkWidget *
basalt_tuner_page_new (BasaltDocument *document)
{
  BasaltTunerPage *self = g_object_new (BASALT_TYPE_TUNER_PAGE, NULL);

  if (document != NULL)
    {
      self->document = g_object_ref (document);
      self->changed_id = g_signal_connect (document, "changed", G_CALLBACK (on_document_changed), self);
    }
  refresh_process_list (self);
  return GTK_WIDGET (self);
}
