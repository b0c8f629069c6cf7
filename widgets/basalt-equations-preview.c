/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include "basalt-plot.h"

#include "basalt-equations-preview.h"

/* Long enough for a few spikes of a typical neuron at dt = 0.1 ms, short enough to redo at
 * every keystroke (a single neuron takes microseconds per hundred steps). */
#define PREVIEW_STEPS 500

struct _BasaltEquationsPreview
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkWidget    *input_row;
  GtkEditable  *input_entry;
  GtkLabel     *unit_label;
  BasaltPlot   *plot;
  GtkLabel     *message;

  /* What the last show() took from the process, so that a new input re-runs alone. */
  BslEquations *equations;
  double        dt;
  double       *params;
  double       *initial;
  char         *input_unit;

  double        trace[PREVIEW_STEPS];
  gsize         n_trace;
  gsize         n_spikes;
  guint         n_updates;
};

G_DEFINE_FINAL_TYPE (BasaltEquationsPreview, basalt_equations_preview, GTK_TYPE_WIDGET)

static void
set_message (BasaltEquationsPreview *self,
             const char             *message)
{
  gtk_label_set_text (self->message, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), message != NULL && *message != '\0');
}

static void
show_no_trace (BasaltEquationsPreview *self,
               const char             *message)
{
  self->n_trace = 0;
  self->n_spikes = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->plot), FALSE);
  set_message (self, message);
}

/* A first value that makes the built-in default (a LIF neuron driven through its synaptic
 * current, with typical parameters) fire a few times in the preview's window. */
static const char *
default_input (const char *unit)
{
  if (g_strcmp0 (unit, "amp") == 0)
    return "1e-11";
  if (g_strcmp0 (unit, "volt") == 0)
    return "0.001";
  return "0";
}

/* The first value of a Var of the process, or NAN when it has none (no value set, or a name
 * the process's schema does not have yet because the texts are not applied). */
static double
first_value (const BslProcess *process,
             const char       *name,
             gboolean          state)
{
  const BslVarSpec *spec = bsl_proc_type_find_var (bsl_process_get_proc_type (process), name);
  const BslArray *value;

  if (spec == NULL)
    return state ? 0.0 : NAN;
  value = bsl_process_get_param (process, name);
  if (value == NULL)
    return spec->default_value;
  return bsl_array_get (value, 0);
}

static void
simulate (BasaltEquationsPreview *self)
{
  BslEquations *eq = self->equations;
  guint n_states = bsl_equations_get_n_states (eq);
  guint n_params = bsl_equations_get_n_params (eq);
  g_autofree double *state = g_memdup2 (self->initial, n_states * sizeof (double));
  g_autofree double **states = g_new (double *, MAX (n_states, 1));
  g_autofree double **params = g_new (double *, MAX (n_params, 1));
  double t[PREVIEW_STEPS], y[PREVIEW_STEPS], marks_t[3 * PREVIEW_STEPS + 2], marks_y[3 * PREVIEW_STEPS + 2];
  double last_spike = BSL_EQUATIONS_NEVER, spike = 0.0, input = 0.0, lo = INFINITY, hi = -INFINITY;
  double scale = 1.0, base, top;
  gsize spike_steps[PREVIEW_STEPS], n_marks = 0;
  /* The variable worth watching: what the threshold reads (the membrane potential, usually). */
  guint shown = MAX (bsl_equations_get_threshold_state (eq), 0);
  const char *name = bsl_equations_get_state_name (eq, shown);
  const char *unit = bsl_equations_get_state_unit (eq, shown);
  const char *text = gtk_editable_get_text (self->input_entry);
  g_autofree char *y_label = NULL;
  g_autofree char *summary = NULL;
  char *end = NULL;

  self->n_trace = 0;
  self->n_spikes = 0;
  if (bsl_equations_get_input_state (eq) >= 0)
    {
      input = g_ascii_strtod (text, &end);
      while (end != text && g_ascii_isspace (*end))
        end++;
      if (end == text || *end != '\0' || !isfinite (input))
        {
          g_autofree char *message = g_strdup_printf ("The input '%s' is not a number (in %s).", text,
                                                      self->input_unit);

          show_no_trace (self, message);
          return;
        }
    }

  for (guint i = 0; i < n_states; i++)
    states[i] = &state[i];
  for (guint i = 0; i < n_params; i++)
    params[i] = &self->params[i];

  for (gsize step = 0; step < PREVIEW_STEPS; step++)
    {
      bsl_equations_step (eq, 1, self->dt, (gint64) step, states, params, &input, &last_spike, &spike);
      if (!isfinite (state[shown]))
        break;
      self->trace[step] = state[shown];
      self->n_trace = step + 1;
      if (spike != 0.0)
        spike_steps[self->n_spikes++] = step;
    }

  if (self->n_trace == 0)
    {
      g_autofree char *message = g_strdup_printf ("%s is not finite after the first step.", name);

      show_no_trace (self, message);
      return;
    }

  /* Volts read best in millivolts; other units stay in SI. */
  if (g_strcmp0 (unit, "volt") == 0)
    {
      scale = 1e3;
      y_label = g_strdup_printf ("%s (mV)", name);
    }
  else if (g_strcmp0 (unit, "1") == 0)
    y_label = g_strdup (name);
  else
    y_label = g_strdup_printf ("%s (%s)", name, unit);

  for (gsize i = 0; i < self->n_trace; i++)
    {
      t[i] = (double) (i + 1);
      y[i] = self->trace[i] * scale;
      lo = MIN (lo, y[i]);
      hi = MAX (hi, y[i]);
    }

  /* Spike marks: a comb under the trace whose teeth rise above it, so that a spike shows even
   * where the reset leaves no trace of the threshold crossing. */
  base = lo - 0.08 * MAX (hi - lo, 1e-9);
  top = hi + 0.04 * MAX (hi - lo, 1e-9);
  marks_t[n_marks] = 1.0;
  marks_y[n_marks++] = base;
  for (gsize s = 0; s < self->n_spikes; s++)
    {
      double ts = (double) (spike_steps[s] + 1);

      marks_t[n_marks] = ts, marks_y[n_marks++] = base;
      marks_t[n_marks] = ts, marks_y[n_marks++] = top;
      marks_t[n_marks] = ts, marks_y[n_marks++] = base;
    }
  marks_t[n_marks] = (double) self->n_trace;
  marks_y[n_marks++] = base;

  basalt_plot_clear_series (self->plot);
  basalt_plot_add_series (self->plot, name);
  basalt_plot_add_series (self->plot, self->n_spikes > 0 ? "spikes" : NULL);
  basalt_plot_set_y_label (self->plot, y_label);
  basalt_plot_set_series_data (self->plot, 0, t, y, self->n_trace);
  basalt_plot_set_series_data (self->plot, 1, marks_t, marks_y, self->n_spikes > 0 ? n_marks : 0);
  gtk_widget_set_visible (GTK_WIDGET (self->plot), TRUE);

  if (self->n_trace < PREVIEW_STEPS)
    summary = g_strdup_printf ("The trace diverges after step %" G_GSIZE_FORMAT ".", self->n_trace);
  else
    summary = g_strdup_printf ("Neuron 0, %d steps of %g ms: %" G_GSIZE_FORMAT " spike%s. "
                               "The preview does not change the network.",
                               PREVIEW_STEPS, self->dt * 1e3, self->n_spikes,
                               self->n_spikes == 1 ? "" : "s");
  set_message (self, summary);
}

static void
on_input_changed (GtkEditable            *editable,
                  BasaltEquationsPreview *self)
{
  self->n_updates++;
  if (self->equations != NULL)
    simulate (self);
}

void
basalt_equations_preview_show (BasaltEquationsPreview *self,
                               BslEquations           *equations,
                               const BslProcess       *process)
{
  guint n_states, n_params;
  gint input_state;
  const char *input_unit;
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_missing = 0;

  g_return_if_fail (BASALT_IS_EQUATIONS_PREVIEW (self));
  g_return_if_fail (equations != NULL && process != NULL);

  self->n_updates++;
  g_clear_pointer (&self->equations, bsl_equations_unref);
  n_states = bsl_equations_get_n_states (equations);
  n_params = bsl_equations_get_n_params (equations);
  if (n_states == 0)
    {
      show_no_trace (self, "No preview: the model has no state variable (no dx/dt line).");
      return;
    }

  g_free (self->params);
  g_free (self->initial);
  self->params = g_new (double, MAX (n_params, 1));
  self->initial = g_new (double, n_states);
  for (guint i = 0; i < n_states; i++)
    {
      self->initial[i] = first_value (process, bsl_equations_get_state_name (equations, i), TRUE);
      if (!isfinite (self->initial[i]))
        self->initial[i] = 0.0;
    }
  for (guint i = 0; i < n_params; i++)
    {
      const char *name = bsl_equations_get_param_name (equations, i);

      self->params[i] = first_value (process, name, FALSE);
      if (isnan (self->params[i]))
        g_string_append_printf (missing, "%s%s", n_missing++ > 0 ? ", " : "", name);
    }
  self->dt = first_value (process, "dt", FALSE);

  input_state = bsl_equations_get_input_state (equations);
  input_unit = input_state >= 0 ? bsl_equations_get_state_unit (equations, input_state) : NULL;
  gtk_widget_set_visible (self->input_row, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->input_entry), input_state >= 0);
  if (g_strcmp0 (input_unit, self->input_unit) != 0)
    {
      g_free (self->input_unit);
      self->input_unit = g_strdup (input_unit);
      gtk_label_set_text (self->unit_label, input_unit ? input_unit : "");
      g_signal_handlers_block_by_func (self->input_entry, on_input_changed, self);
      gtk_editable_set_text (self->input_entry, input_unit ? default_input (input_unit) : "");
      g_signal_handlers_unblock_by_func (self->input_entry, on_input_changed, self);
    }

  if (n_missing > 0)
    {
      g_autofree char *message = g_strdup_printf ("No preview yet: %s %s no value. Set %s under the "
                                                  "equations (new parameters appear there after Apply).",
                                                  missing->str, n_missing == 1 ? "has" : "have",
                                                  n_missing == 1 ? "it" : "them");

      show_no_trace (self, message);
      return;
    }
  if (!(self->dt > 0.0) || !isfinite (self->dt))
    {
      show_no_trace (self, "No preview: dt must be a positive number of seconds.");
      return;
    }

  self->equations = bsl_equations_ref (equations);
  simulate (self);
}

void
basalt_equations_preview_show_message (BasaltEquationsPreview *self,
                                       const char             *message)
{
  g_return_if_fail (BASALT_IS_EQUATIONS_PREVIEW (self));

  self->n_updates++;
  g_clear_pointer (&self->equations, bsl_equations_unref);
  show_no_trace (self, message);
}

const char *
basalt_equations_preview_get_message (BasaltEquationsPreview *self)
{
  g_return_val_if_fail (BASALT_IS_EQUATIONS_PREVIEW (self), NULL);

  return gtk_label_get_text (self->message);
}

const double *
basalt_equations_preview_get_trace (BasaltEquationsPreview *self,
                                    gsize                  *n_steps)
{
  g_return_val_if_fail (BASALT_IS_EQUATIONS_PREVIEW (self), NULL);

  if (n_steps != NULL)
    *n_steps = self->n_trace;
  return self->n_trace > 0 ? self->trace : NULL;
}

gsize
basalt_equations_preview_get_n_spikes (BasaltEquationsPreview *self)
{
  g_return_val_if_fail (BASALT_IS_EQUATIONS_PREVIEW (self), 0);

  return self->n_spikes;
}

guint
basalt_equations_preview_get_n_updates (BasaltEquationsPreview *self)
{
  g_return_val_if_fail (BASALT_IS_EQUATIONS_PREVIEW (self), 0);

  return self->n_updates;
}

GtkEditable *
basalt_equations_preview_get_input (BasaltEquationsPreview *self)
{
  g_return_val_if_fail (BASALT_IS_EQUATIONS_PREVIEW (self), NULL);

  return self->input_entry;
}

GtkWidget *
basalt_equations_preview_new (void)
{
  return g_object_new (BASALT_TYPE_EQUATIONS_PREVIEW, NULL);
}

static void
basalt_equations_preview_dispose (GObject *object)
{
  BasaltEquationsPreview *self = BASALT_EQUATIONS_PREVIEW (object);

  g_clear_pointer (&self->equations, bsl_equations_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), BASALT_TYPE_EQUATIONS_PREVIEW);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (basalt_equations_preview_parent_class)->dispose (object);
}

static void
basalt_equations_preview_finalize (GObject *object)
{
  BasaltEquationsPreview *self = BASALT_EQUATIONS_PREVIEW (object);

  g_free (self->params);
  g_free (self->initial);
  g_free (self->input_unit);
  G_OBJECT_CLASS (basalt_equations_preview_parent_class)->finalize (object);
}

static void
basalt_equations_preview_class_init (BasaltEquationsPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_equations_preview_dispose;
  object_class->finalize = basalt_equations_preview_finalize;

  g_type_ensure (BASALT_TYPE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/basalt/Basalt/ui/basalt-equations-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltEquationsPreview, input_row);
  gtk_widget_class_bind_template_child (widget_class, BasaltEquationsPreview, input_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltEquationsPreview, unit_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltEquationsPreview, plot);
  gtk_widget_class_bind_template_child (widget_class, BasaltEquationsPreview, message);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
basalt_equations_preview_init (BasaltEquationsPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  basalt_plot_set_show_title (self->plot, FALSE);
  basalt_plot_set_history (self->plot, PREVIEW_STEPS);
  basalt_plot_set_span (self->plot, PREVIEW_STEPS);
  basalt_plot_set_follow (self->plot, TRUE);
  g_signal_connect (self->input_entry, "changed", G_CALLBACK (on_input_changed), self);
}
