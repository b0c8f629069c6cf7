/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "basalt-tuner-page-private.h"

/* The raster shows at most this many neurons of each side: more would be rows of under a pixel. */
#define RASTER_NEURONS 40
/* The conversion report lists this many per-neuron values. */
#define REPORT_NEURONS 8

/* The page's plots and metrics: reference against model, and the population under the other tag. */

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

/* The states the population's type compares as u and v (an RF's imag and real, a SigmaDelta's
 * sigma and act), so that the plots name what they show. */
static void
population_state_names (BasaltTunerPage  *self,
                        const char      **u_name,
                        const char      **v_name)
{
  const BslProcType *type = NULL;
  const char *u = NULL, *v = NULL;

  if (self->process_key == NULL)
    type = bsl_proc_type_lookup ("LIF");
  else if (g_str_has_prefix (self->process_key, "new:"))
    type = bsl_proc_type_lookup (self->process_key + 4);
  else
    {
      const BslProcess *p = bsl_graph_find_process (basalt_document_get_graph (self->document), self->process_key);

      type = p != NULL ? bsl_process_get_proc_type (p) : NULL;
    }
  if (type != NULL)
    bsl_fit_neuron_roles (type, NULL, &u, &v);
  *u_name = u != NULL ? u : "u";
  *v_name = v != NULL ? v : "v";
}

void
_basalt_tuner_page_rebuild_plots (BasaltTunerPage *self)
{
  GtkWidget *child;
  gsize n_steps = self->ref != NULL ? self->ref->n_steps : 0;
  const char *u_name, *v_name;
  g_autofree char *v_title = NULL;
  g_autofree char *u_title = NULL;
  g_autofree char *diff_title = NULL;

  population_state_names (self, &u_name, &v_name);
  v_title = g_strdup_printf (_("%s: reference and model"), v_name);
  u_title = g_strdup_printf (_("%s: reference and model"), u_name);
  diff_title = g_strdup_printf (_("%s model - %s reference"), v_name, v_name);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->plots_box))) != NULL)
    gtk_box_remove (self->plots_box, child);
  self->v_plot = add_plot (self, BASALT_PLOT_TRACES, v_title, v_name, 160);
  self->u_plot = add_plot (self, BASALT_PLOT_TRACES, u_title, u_name, 120);
  self->diff_plot = add_plot (self, BASALT_PLOT_TRACES, diff_title, NULL, 70);
  {
    gsize shown = self->ref != NULL ? MIN (self->ref->n_neurons, RASTER_NEURONS) : 0;
    g_autofree char *title = self->ref != NULL && self->ref->n_neurons > shown
      ? g_strdup_printf (_("spikes of the first %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                           " neurons: reference (lower rows), model (upper rows)"), shown, self->ref->n_neurons)
      : g_strdup (_("spikes: reference (lower rows), model (upper rows)"));

    /* Rows keep a readable height: a taller strip for more neurons, at most RASTER_NEURONS. */
    self->raster = add_plot (self, BASALT_PLOT_RASTER, title, NULL, (int) CLAMP (90 + 4 * shown, 110, 260));
  }
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
      basalt_plot_set_n_rows (self->raster, 2 * MIN (self->ref->n_neurons, RASTER_NEURONS));
    }
}

/* Neuron 0 is drawn (and the raster the first RASTER_NEURONS): a population's first neuron is what
 * one reads against the reference while tuning. */
static void
draw_trace (BasaltTunerPage    *self,
            const BslReference *model)
{
  const BslReference *ref = self->ref;
  gsize n = ref->n_neurons, steps = ref->n_steps;
  g_autofree double *y = g_new (double, MAX (steps, 1));
  gsize shown = MIN (n, RASTER_NEURONS);
  g_autofree double *row = g_new0 (double, 2 * shown);
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
  basalt_plot_set_n_rows (self->raster, 2 * shown);
  for (gsize t = 0; t < steps; t++)
    {
      for (gsize i = 0; i < shown; i++)
        {
          row[i] = ref->data[BSL_REF_SPIKE] != NULL ? ref->data[BSL_REF_SPIKE][t * n + i] : 0.0;
          row[shown + i] = model->data[BSL_REF_SPIKE] != NULL ? model->data[BSL_REF_SPIKE][t * n + i] : 0.0;
        }
      basalt_plot_append_raster_step (self->raster, (double) (t + 1), row, 2 * shown);
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

static void
add_report_row (GString    *text,
                const char *name,
                const char *floating,
                const char *fixed)
{
  g_string_append_printf (text, "%-12s %14s %14s\n", name, floating, fixed);
}

/* Per parameter: the float value, the integer, what the integer stands for and the error;
 * the fixed model's headroom; both traces against the reference side by side. */
static char *
format_report (const BslTagComparison *c,
               const char             *type_name)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const BslMetricValues *m = c->metrics;
  g_autofree char *rmse_v[2] = { NULL, NULL }, *rmse_u[2] = { NULL, NULL }, *spikes[2] = { NULL, NULL };

  g_string_append_printf (text, _("%s, %s -> %s\n(scale %.6g fixed units per float unit)\n\n"),
                          type_name, bsl_tag_to_string (c->tag), bsl_tag_to_string (c->other_tag), c->scale);
  g_string_append_printf (text, "%-12s %11s %9s %11s %8s\n", _("parameter"), _("float"), _("fixed"),
                          _("represents"), _("error"));
  for (guint k = 0, per_neuron = 0; k < c->params->len; k++)
    {
      const BslQuantizeParam *p = &g_array_index (c->params, BslQuantizeParam, k);

      /* a large population's per-neuron rows: the first few, then how many more */
      if (strchr (p->name, '[') != NULL && !g_str_has_prefix (p->name, "a_in") && ++per_neuron > REPORT_NEURONS)
        {
          if (per_neuron == REPORT_NEURONS + 1)
            g_string_append_printf (text, _("%-12s (and more neurons)\n"), "…");
          continue;
        }
      /* a long name ("a_in[step 1, neuron 1] (worst)") on a line of its own */
      if (strlen (p->name) > 12)
        g_string_append_printf (text, "%s\n", p->name);
      g_string_append_printf (text, "%-12s %11.6g %9.0f %11.6g %7.2g%%\n", strlen (p->name) > 12 ? "" : p->name,
                              p->float_value, p->fixed_value, p->represented, 100.0 * p->rel_error);
    }
  g_string_append_printf (text, _("\nheadroom of fixed_pt below 2^%.0f:\n  |%s| max %.0f, %.1f bits left\n"
                                  "  |%s| max %.0f, %.1f bits left\n\n"),
                          c->state_bits, c->u_name != NULL ? c->u_name : "u", c->u_max, c->u_headroom_bits,
                          c->v_name != NULL ? c->v_name : "v", c->v_max, c->v_headroom_bits);
  for (guint k = 0; k < 2; k++)
    {
      rmse_v[k] = g_strdup_printf ("%.6g", m[k].values[BSL_METRIC_RMSE_V]);
      rmse_u[k] = g_strdup_printf ("%.6g", m[k].values[BSL_METRIC_RMSE_U]);
      spikes[k] = g_strdup_printf ("%" G_GSIZE_FORMAT, c->spikes[k]);
    }
  add_report_row (text, _("vs reference"), "floating_pt", "fixed_pt");
  add_report_row (text, _("rmse v"), rmse_v[0], rmse_v[1]);
  add_report_row (text, _("rmse u"), rmse_u[0], rmse_u[1]);
  add_report_row (text, _("spikes"), spikes[0], spikes[1]);
  g_string_append_printf (text, _("rmse v between the two: %.6g\n(%s units)"), c->rmse_v_between,
                          bsl_tag_to_string (c->tag));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The population under the other tag, drawn in the current tag's units beside the model, with
 * the RMSE between the two and both spike counts, and the conversion report. */
static void
draw_other_tag (BasaltTunerPage *self,
                const double    *x)
{
  gsize steps = self->ref->n_steps, n = self->ref->n_neurons;
  g_autoptr(BslProcess) process = NULL;
  g_autoptr(BslTagComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *y = g_new0 (double, MAX (steps, 1));
  g_autofree char *report = NULL;
  const BslReference *other;

  g_clear_pointer (&self->compare_text, g_free);
  basalt_plot_set_series_data (self->v_plot, 2, self->t_axis, y, 0);
  if (!gtk_check_button_get_active (self->compare_check))
    {
      gtk_label_set_text (self->report_label, _("Tick Compare tags to see the float -> fixed conversion."));
      return;
    }
  process = bsl_fit_problem_dup_process (self->problem, x);
  comparison = bsl_tag_comparison_new (process, self->tag, self->ref, &self->metric_config, &error);
  if (comparison == NULL)
    {
      self->compare_text = g_strdup (error->message);
      gtk_label_set_text (self->report_label, error->message);
      return;
    }
  other = comparison->traces[comparison->other_tag];
  if (other->data[BSL_REF_V] != NULL)
    {
      for (gsize t = 0; t < steps; t++)
        y[t] = other->data[BSL_REF_V][t * n];
      basalt_plot_set_series_data (self->v_plot, 2, self->t_axis, y, steps);
    }
  self->compare_text = g_strdup_printf ("%s model: rmse v vs this %.6g, spikes %" G_GSIZE_FORMAT
                                        " (this %" G_GSIZE_FORMAT ")",
                                        bsl_tag_to_string (comparison->other_tag),
                                        comparison->rmse_v_between, comparison->spikes[comparison->other_tag],
                                        comparison->spikes[comparison->tag]);
  report = format_report (comparison, self->type_name);
  gtk_label_set_text (self->report_label, report);
}

void
_basalt_tuner_page_show_trace (BasaltTunerPage       *self,
                               const BslReference    *trace,
                               const BslMetricValues *metrics,
                               const char            *what)
{
  if (self->ref == NULL || trace->n_steps != self->ref->n_steps || trace->n_neurons != self->ref->n_neurons)
    return;
  draw_trace (self, trace);
  show_metrics (self, metrics, what);
}

void
_basalt_tuner_page_resimulate (BasaltTunerPage *self,
                               const double    *x)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (self->problem == NULL)
    return;
  if (!bsl_fit_problem_simulate (self->problem, x, self->trace, &error))
    {
      _basalt_tuner_page_set_message (self, error->message);
      return;
    }
  self->last_simulation_us = g_get_monotonic_time () - start;
  bsl_metrics_compute (&self->metric_config, self->ref, self->trace, TRUE, &self->metrics);
  draw_trace (self, self->trace);
  draw_other_tag (self, x);
  show_metrics (self, &self->metrics, x == self->x ? _("current parameters") : _("best candidate"));
}

/* ---- simulating on a worker thread --------------------------------------------------------- */

/* Above this, a slider's move simulates on a worker: the knob and the frames do not wait. */
#define SYNC_SIMULATION_US 8000

typedef struct
{
  BslFitProblem   *problem;
  double          *x;
  BslReference    *trace;
  BslMetricConfig  config;
  BslMetricValues  metrics;
  guint            generation;
  gboolean         ok;
} Simulation;

static void
simulation_free (gpointer data)
{
  Simulation *sim = data;

  g_clear_pointer (&sim->problem, bsl_fit_problem_free);
  g_clear_pointer (&sim->trace, bsl_reference_free);
  g_free (sim->x);
  g_free (sim);
}

static void
simulation_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Simulation *sim = task_data;

  sim->ok = bsl_fit_problem_simulate (sim->problem, sim->x, sim->trace, NULL);
  if (sim->ok)
    bsl_metrics_compute (&sim->config, bsl_fit_problem_get_reference (sim->problem), sim->trace, TRUE,
                         &sim->metrics);
  g_task_return_boolean (task, TRUE);
}

static void start_simulation (BasaltTunerPage *self);

static void
on_simulation_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (source);
  Simulation *sim = g_task_get_task_data (G_TASK (result));

  self->simulating = FALSE;
  if (self->disposed || sim->generation != self->simulation_generation)
    return;
  self->sim_problem = g_steal_pointer (&sim->problem);
  if (sim->ok)
    {
      self->metrics = sim->metrics;
      draw_trace (self, sim->trace);
      draw_other_tag (self, sim->x);
      show_metrics (self, &self->metrics, _("current parameters"));
    }
  if (self->simulation_pending)
    start_simulation (self);
}

static void
start_simulation (BasaltTunerPage *self)
{
  g_autoptr(GTask) task = NULL;
  Simulation *sim;

  self->simulation_pending = FALSE;
  if (self->sim_problem == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->sim_problem = _basalt_tuner_page_new_problem (self, NULL, &error);
      if (self->sim_problem == NULL)
        {
          _basalt_tuner_page_set_message (self, error->message);
          return;
        }
    }
  sim = g_new0 (Simulation, 1);
  sim->problem = g_steal_pointer (&self->sim_problem);
  sim->x = g_memdup2 (self->x, MAX (self->n_dims, 1) * sizeof (double));
  sim->trace = bsl_fit_problem_new_trace (sim->problem);
  sim->config = self->metric_config;
  sim->generation = self->simulation_generation;
  self->simulating = TRUE;
  task = g_task_new (self, NULL, on_simulation_done, NULL);
  g_task_set_source_tag (task, start_simulation);
  g_task_set_task_data (task, sim, simulation_free);
  g_task_run_in_thread (task, simulation_thread);
}

void
_basalt_tuner_page_request_resimulate (BasaltTunerPage *self)
{
  if (self->problem == NULL)
    return;
  if (self->last_simulation_us < SYNC_SIMULATION_US)
    {
      _basalt_tuner_page_resimulate (self, self->x);
      return;
    }
  if (self->simulating)
    self->simulation_pending = TRUE;
  else
    start_simulation (self);
}

/* The worker's problem no longer matches the page's (another population, tag or reference). */
void
_basalt_tuner_page_drop_simulation (BasaltTunerPage *self)
{
  self->simulation_generation++;
  self->simulation_pending = FALSE;
  g_clear_pointer (&self->sim_problem, bsl_fit_problem_free);
}

