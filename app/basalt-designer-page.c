/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-probes.h"

#include "basalt-designer-page.h"
#include "basalt-weight-view.h"
#include "basalt-dialogs.h"
#include "basalt-plot.h"

struct _BasaltDesignerPage
{
  GtkBox              parent_instance;

  /* Template widgets */
  GtkLabel           *rate_label;
  GtkDropDown        *tag_dropdown;
  GtkButton          *run_button;
  GtkSpinButton      *steps_spin;
  BasaltPalette      *palette;
  BasaltGraphCanvas  *canvas;
  BasaltInspector    *inspector;
  GtkBox             *plots_box;
  GtkWidget          *plots_placeholder;
  GtkWidget          *canvas_hint;

  BasaltDocument     *document;
  BasaltSimulation   *simulation;
  GHashTable         *document_probes;  /* the network's probes the plots last followed */
  BasaltWeightView   *weight_view;      /* the matrix of a plastic connection, above the plots */
  double              speed;        /* bound to the simulation's */
  gboolean            updating_tag;
  gboolean            updating_steps;
};

G_DEFINE_FINAL_TYPE (BasaltDesignerPage, basalt_designer_page, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_TAG,
  PROP_SPEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


/* The window shows refusals and errors in its message bar. */
static void
show_message (BasaltDesignerPage *self,
              const char         *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-message", "s", message);
}

static GtkWindow *
parent_window (BasaltDesignerPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* Action states */

static void
update_actions (BasaltDesignerPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n_selected = basalt_graph_canvas_get_n_selected (self->canvas);
  gboolean wire = basalt_graph_canvas_get_selected_connection (self->canvas) != NULL;

  gtk_widget_action_set_enabled (widget, "graph.delete",
                                 n_selected > 0 || wire || basalt_graph_canvas_get_selected_group (self->canvas) != NULL);
  gtk_widget_action_set_enabled (widget, "graph.group", n_selected > 0);
  gtk_widget_action_set_enabled (widget, "graph.nudge", n_selected > 0);
  gtk_widget_action_set_enabled (widget, "graph.duplicate", n_selected > 0);
  gtk_widget_action_set_enabled (widget, "graph.rename", n_selected == 1);
  gtk_widget_action_set_enabled (widget, "sim.export-csv", basalt_simulation_is_compiled (self->simulation));
  gtk_widget_action_set_enabled (widget, "sim.stop",
                                 basalt_simulation_get_state (self->simulation) != BASALT_SIMULATION_STOPPED);
  gtk_widget_action_set_enabled (widget, "sim.export-plots", basalt_simulation_get_n_probes (self->simulation) > 0);
}

static void
sync_tag_ui (BasaltDesignerPage *self)
{
  BslTag tag = basalt_document_get_graph (self->document)->run_tag;

  if (tag != BSL_TAG_FIXED_PT)
    tag = BSL_TAG_FLOATING_PT;

  self->updating_tag = TRUE;
  gtk_drop_down_set_selected (self->tag_dropdown, tag == BSL_TAG_FIXED_PT ? 1 : 0);
  basalt_inspector_set_tag (self->inspector, tag);
  self->updating_tag = FALSE;
  /* The radio items of sim.tag follow the property. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAG]);
}

static BslTag
current_tag (BasaltDesignerPage *self)
{
  BslTag tag = basalt_document_get_graph (self->document)->run_tag;

  return tag == BSL_TAG_FIXED_PT ? BSL_TAG_FIXED_PT : BSL_TAG_FLOATING_PT;
}

/* Running */

/* The run bar follows the simulation's properties. */

static char *
run_status_text (GObject               *simulation,
                 BasaltSimulationState  state,
                 gint64                 time,
                 double                 rate,
                 gpointer               user_data)
{
  if (state == BASALT_SIMULATION_RUNNING)
    return g_strdup_printf ("step %" G_GINT64_FORMAT " · %.0f steps/s", time, rate);
  if (state == BASALT_SIMULATION_STOPPED && time > 0)
    return g_strdup_printf ("stopped at step %" G_GINT64_FORMAT, time);
  return g_strdup_printf ("step %" G_GINT64_FORMAT, time);
}

static char *
run_button_icon (GObject               *simulation,
                 BasaltSimulationState  state,
                 gpointer               user_data)
{
  return g_strdup (state == BASALT_SIMULATION_RUNNING ? "media-playback-pause-symbolic"
                                                      : "media-playback-start-symbolic");
}

static char *
run_button_tooltip (GObject               *simulation,
                    BasaltSimulationState  state,
                    gpointer               user_data)
{
  return g_strdup (state == BASALT_SIMULATION_RUNNING ? "Pause (F5)" : "Run (F5)");
}

static GtkExpression *
simulation_property (const char *name)
{
  return gtk_property_expression_new (BASALT_TYPE_SIMULATION, NULL, name);
}

static void
bind_run_bar (BasaltDesignerPage *self)
{
  GtkExpression *status[] = { simulation_property ("state"), simulation_property ("time"),
                              simulation_property ("rate") };
  GtkExpression *expression;

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, G_N_ELEMENTS (status), status,
                                            G_CALLBACK (run_status_text), NULL, NULL);
  gtk_expression_bind (expression, self->rate_label, "label", self->simulation);

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, (GtkExpression *[]) { simulation_property ("state") },
                                            G_CALLBACK (run_button_icon), NULL, NULL);
  gtk_expression_bind (expression, self->run_button, "icon-name", self->simulation);

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, (GtkExpression *[]) { simulation_property ("state") },
                                            G_CALLBACK (run_button_tooltip), NULL, NULL);
  gtk_expression_bind (expression, self->run_button, "tooltip-text", self->simulation);

  g_object_bind_property (self->simulation, "speed", self, "speed",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

static void
update_probed_marks (BasaltDesignerPage *self)
{
  g_auto(GStrv) names = basalt_simulation_dup_probed (self->simulation);

  basalt_graph_canvas_set_probed (self->canvas, (const char *const *) names);
}

static char *
probe_process_name (const char *target)
{
  const char *dot = strrchr (target, '.');

  return dot != NULL ? g_strndup (target, dot - target) : g_strdup (target);
}

/* The plots follow the network's probes: a probe removed from it (by an edit, an undo, or with
 * its process) loses its plot, one added gets one. Plots the page chose itself (see
 * add_default_probes) stay while their process does. */
static void
follow_document_probes (BasaltDesignerPage *self)
{
  BslGraph *graph = basalt_document_get_graph (self->document);

  for (guint i = basalt_simulation_get_n_probes (self->simulation); i > 0; i--)
    {
      g_autofree char *target = g_strdup (basalt_simulation_get_target (self->simulation, i - 1));
      g_autofree char *process = probe_process_name (target);

      if (bsl_graph_find_process (graph, process) == NULL ||
          (g_hash_table_contains (self->document_probes, target) && !bsl_graph_has_probe (graph, target)))
        basalt_simulation_remove_probe (self->simulation, target);
    }

  g_hash_table_remove_all (self->document_probes);
  for (guint i = 0; i < graph->probes->len; i++)
    {
      const char *target = g_ptr_array_index (graph->probes, i);
      g_autoptr(GError) error = NULL;

      g_hash_table_add (self->document_probes, g_strdup (target));
      if (!basalt_simulation_add_probe (self->simulation, graph, target, &error))
        g_warning ("%s", error->message);
    }
  update_probed_marks (self);
}

/* Plots the user kept or removed from what the page chose are not chosen again. */
static gboolean
has_page_probes (BasaltDesignerPage *self)
{
  for (guint i = 0; i < basalt_simulation_get_n_probes (self->simulation); i++)
    if (!g_hash_table_contains (self->document_probes, basalt_simulation_get_target (self->simulation, i)))
      return TRUE;
  return FALSE;
}

/* With no probe chosen, a run shows what the engine chooses for a viewer
 * (BSL_DEFAULT_PROBES_VIEW). */
static void
add_default_probes (BasaltDesignerPage *self)
{
  BslGraph *graph = basalt_document_get_graph (self->document);
  g_auto(GStrv) targets = NULL;

  if (has_page_probes (self))
    return;

  targets = bsl_graph_dup_default_probes (graph, BSL_DEFAULT_PROBES_VIEW);
  for (guint i = 0; targets[i] != NULL; i++)
    basalt_simulation_add_probe (self->simulation, graph, targets[i], NULL);
  update_probed_marks (self);
}

/* A stopped run is not continued: the next one starts from step 0. */
static gboolean
ensure_compiled (BasaltDesignerPage  *self,
                 GError             **error)
{
  if (basalt_simulation_is_compiled (self->simulation) &&
      basalt_simulation_get_state (self->simulation) != BASALT_SIMULATION_STOPPED)
    return TRUE;

  add_default_probes (self);
  return basalt_simulation_compile (self->simulation, basalt_document_get_graph (self->document),
                                    current_tag (self), error);
}

/* A run refused for a process's value: the message says why, and the process is selected on the
 * canvas and shown in the inspector with the reason under the parameter. */
static void
show_refusal (BasaltDesignerPage *self,
              const GError       *error)
{
  g_autofree char *process = NULL;
  g_autofree char *param = NULL;

  show_message (self, error->message);
  bsl_error_dup_subject (error, &process, &param);
  if (process == NULL || bsl_graph_find_process (basalt_document_get_graph (self->document), process) == NULL)
    return;
  basalt_graph_canvas_select (self->canvas, process, FALSE);
  if (param != NULL)
    basalt_inspector_show_param_error (self->inspector, param, error->message);
}

gboolean
basalt_designer_page_run (BasaltDesignerPage  *self,
                          gint64               n_steps,
                          GError             **error)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), FALSE);

  if (!ensure_compiled (self, error))
    return FALSE;

  basalt_simulation_start (self->simulation, n_steps);
  update_actions (self);
  return TRUE;
}

static void
sim_run_pause (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (basalt_simulation_get_state (self->simulation) == BASALT_SIMULATION_RUNNING)
    {
      /* The steps made before the pause are shown at once. */
      basalt_simulation_pause (self->simulation);
      basalt_simulation_sync (self->simulation);
      return;
    }

  if (!basalt_designer_page_run (self, -1, &error))
    show_refusal (self, error);
}

static void
sim_run_steps (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  /* A number still being typed counts. */
  gtk_spin_button_update (self->steps_spin);
  if (!basalt_designer_page_run (self, basalt_document_get_graph (self->document)->run_steps, &error))
    show_message (self, error->message);
}

static void
sim_stop (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_simulation_stop (self->simulation);
  update_actions (self);
}

static void
on_steps_changed (GtkSpinButton      *spin,
                  BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->updating_steps || self->document == NULL)
    return;
  if (!basalt_document_set_run_steps (self->document, (gint64) gtk_spin_button_get_value (spin), &error))
    show_message (self, error->message);
}

static void
sync_steps_ui (BasaltDesignerPage *self)
{
  self->updating_steps = TRUE;
  gtk_spin_button_set_value (self->steps_spin, (double) basalt_document_get_graph (self->document)->run_steps);
  self->updating_steps = FALSE;
}

static void
sim_step (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!ensure_compiled (self, &error))
    {
      show_refusal (self, error);
      return;
    }

  /* One step is short: wait for it, so the plots show it at once. */
  basalt_simulation_step (self->simulation);
  basalt_simulation_wait (self->simulation);
  basalt_simulation_sync (self->simulation);
  update_actions (self);
}

static void
sim_reset (GtkWidget  *widget,
           const char *action_name,
           GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  /* Back to the start from the network as it is now, parameter edits included. */
  basalt_simulation_invalidate (self->simulation);
  if (!basalt_simulation_compile (self->simulation, basalt_document_get_graph (self->document),
                                  current_tag (self), &error))
    show_message (self, error->message);
  update_actions (self);
}

static void
on_tag_selected (GtkDropDown        *dropdown,
                 GParamSpec         *pspec,
                 BasaltDesignerPage *self)
{
  if (self->updating_tag || self->document == NULL)
    return;
  basalt_document_set_run_tag (self->document,
                               gtk_drop_down_get_selected (dropdown) == 1 ? BSL_TAG_FIXED_PT : BSL_TAG_FLOATING_PT);
}

/* "0, 3, 5-7" -> indices. */
static gboolean
parse_neurons (const char  *text,
               GArray      *indices,
               GError     **error)
{
  g_auto(GStrv) tokens = g_regex_split_simple ("[,;\\s]+", text, 0, 0);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_auto(GStrv) range = NULL;
      guint64 lo, hi;

      if (tokens[i][0] == '\0')
        continue;
      range = g_strsplit (tokens[i], "-", 2);
      if (!g_ascii_string_to_unsigned (range[0], 10, 0, G_MAXUINT32, &lo, NULL) ||
          !g_ascii_string_to_unsigned (range[1] ? range[1] : range[0], 10, lo, G_MAXUINT32, &hi, NULL) ||
          hi - lo > 64)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "'%s' is not a neuron number or a range like 2-5", tokens[i]);
          return FALSE;
        }
      for (guint64 k = lo; k <= hi; k++)
        {
          gsize index = (gsize) k;

          g_array_append_val (indices, index);
        }
    }
  return TRUE;
}

/* "0,1; 2,3" -> the synapses (post 0, pre 1) and (post 2, pre 3) as row-major indices. */
static gboolean
parse_synapses (const char  *text,
                gsize        columns,
                GArray      *indices,
                GError     **error)
{
  g_auto(GStrv) pairs = g_strsplit (text, ";", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *pair = g_strstrip (g_strdup (pairs[i]));
      g_auto(GStrv) parts = g_strsplit (pair, ",", -1);
      guint64 post, pre;
      gsize index;

      if (pair[0] == '\0')
        continue;
      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_unsigned (g_strstrip (parts[0]), 10, 0, G_MAXUINT32, &post, NULL) ||
          !g_ascii_string_to_unsigned (g_strstrip (parts[1]), 10, 0, columns - 1, &pre, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "'%s' is not a synapse written post,pre with pre below %" G_GSIZE_FORMAT
                       " (e.g. 2,5; pairs apart with ;)", pair, columns);
          return FALSE;
        }
      index = (gsize) post * columns + (gsize) pre;
      g_array_append_val (indices, index);
    }
  return TRUE;
}

/* The text of a chooser: "0, 3, 5" for neurons, "0,1; 2,3" for synapses. */
static char *
format_chosen (const gsize *indices,
               guint        n,
               gsize        columns)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    if (columns > 0)
      g_string_append_printf (text, "%s%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT, i ? "; " : "",
                              indices[i] / columns, indices[i] % columns);
    else
      g_string_append_printf (text, "%s%" G_GSIZE_FORMAT, i ? ", " : "", indices[i]);
  return g_string_free (text, FALSE);
}

static gboolean
parse_chosen (const char  *text,
              gsize        columns,
              GArray      *indices,
              GError     **error)
{
  return columns > 0 ? parse_synapses (text, columns, indices, error) : parse_neurons (text, indices, error);
}

static void size_plot (BasaltPlot *plot);

static void
on_neurons_activate (GtkEntry           *entry,
                     BasaltDesignerPage *self)
{
  const char *target = g_object_get_data (G_OBJECT (entry), "basalt-target");
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) error = NULL;

  if (!parse_chosen (gtk_editable_get_text (GTK_EDITABLE (entry)),
                     basalt_simulation_get_columns (self->simulation, target), indices, &error) ||
      !basalt_simulation_set_trace_neurons (self->simulation, target, &g_array_index (indices, gsize, 0),
                                            indices->len, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      show_message (self, error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  size_plot (g_object_get_data (G_OBJECT (entry), "basalt-plot"));
}

/* Shows what a trace probe's plot shows in its chooser. */
static void
show_chosen (BasaltDesignerPage *self,
             const char         *target)
{
  GtkWidget *plot = NULL, *entry;
  gsize indices[8];
  guint n = basalt_simulation_get_trace_neurons (self->simulation, target, indices);
  g_autofree char *text = NULL;

  for (guint i = 0; i < basalt_simulation_get_n_probes (self->simulation); i++)
    if (g_strcmp0 (basalt_simulation_get_target (self->simulation, i), target) == 0)
      plot = basalt_simulation_get_plot (self->simulation, i);
  if (plot == NULL || (entry = g_object_get_data (G_OBJECT (plot), "basalt-chooser")) == NULL)
    return;
  text = format_chosen (indices, n, basalt_simulation_get_columns (self->simulation, target));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  size_plot (BASALT_PLOT (plot));
}

/* Plots a Var of a process for the chosen neurons or synapses (adding its probe if needed). */
static gboolean
plot_chosen (BasaltDesignerPage *self,
             const char         *process,
             const char         *var,
             GArray             *indices,
             GError            **error)
{
  g_autofree char *target = g_strdup_printf ("%s.%s", process, var);

  if (!basalt_simulation_add_probe (self->simulation, basalt_document_get_graph (self->document), target, error) ||
      !basalt_simulation_set_trace_neurons (self->simulation, target, &g_array_index (indices, gsize, 0),
                                            indices->len, error))
    return FALSE;
  show_chosen (self, target);
  return TRUE;
}

static void
append_once (GArray *indices,
             gsize   index)
{
  for (guint i = 0; i < indices->len; i++)
    if (g_array_index (indices, gsize, i) == index)
      return;
  g_array_append_val (indices, index);
}

/* The weights of the chosen synapses over time, and the traces of their pre-synaptic (x1, x2)
 * and post-synaptic (y1, y2, y3) neurons that the rule gives an impulse: each a probe with
 * its plot among the others. */
static gboolean
plot_synapses (BasaltDesignerPage *self,
               const char         *process_name,
               const char         *text,
               GError            **error)
{
  const BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);
  const BslLearningRule *rule = process != NULL ? bsl_process_get_learning_rule (process) : NULL;
  g_autoptr(GArray) synapses = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) pre = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) post = g_array_new (FALSE, FALSE, sizeof (gsize));

  if (rule == NULL || process->ndim != 2)
    return TRUE;
  if (!parse_synapses (text, process->dims[1], synapses, error))
    return FALSE;
  for (guint i = 0; i < synapses->len; i++)
    {
      gsize k = g_array_index (synapses, gsize, i);

      if (k / process->dims[1] >= process->dims[0])
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has no post-synaptic neuron %"
                       G_GSIZE_FORMAT " (it has %" G_GSIZE_FORMAT ", counted from 0)", process_name,
                       k / process->dims[1], process->dims[0]);
          return FALSE;
        }
      append_once (pre, k % process->dims[1]);
      append_once (post, k / process->dims[1]);
    }
  if (!plot_chosen (self, process_name, "weights", synapses, error))
    return FALSE;
  for (int trace = 0; trace < BSL_K_N_TRACES; trace++)
    if (rule->impulse[trace] != 0 &&
        !plot_chosen (self, process_name, bsl_learning_trace_names[trace],
                      trace <= BSL_K_TRACE_X2 ? pre : post, error))
      return FALSE;
  update_probed_marks (self);
  return TRUE;
}

static void
on_weight_synapses_chosen (BasaltWeightView   *view,
                           const char         *process,
                           const char         *text,
                           BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = plot_synapses (self, process, text, &error);

  basalt_weight_view_mark_synapses (view, !ok);
  if (!ok)
    show_message (self, error->message);
}

/* The least height of a plot, and of each neuron's row when a plot shows one row per neuron. */
#define PLOT_MIN_HEIGHT 180
#define PLOT_ROW_MIN_HEIGHT 70

/* A row of PLOT_ROW_MIN_HEIGHT per neuron traced in rows: called when either changes. */
static void
size_plot (BasaltPlot *plot)
{
  gtk_widget_set_size_request (GTK_WIDGET (plot), -1,
                               basalt_plot_get_rows (plot)
                                 ? MAX (PLOT_MIN_HEIGHT, (int) basalt_plot_get_n_series (plot) * PLOT_ROW_MIN_HEIGHT)
                                 : PLOT_MIN_HEIGHT);
}

static void
on_rows_toggled (GtkToggleButton *toggle,
                 BasaltPlot      *plot)
{
  basalt_plot_set_rows (plot, gtk_toggle_button_get_active (toggle));
  size_plot (plot);
}

/* Many neurons over each other are a tangle: this shows each in a row of its own. */
static GtkWidget *
rows_toggle_new (BasaltPlot *plot)
{
  GtkWidget *toggle = gtk_toggle_button_new_with_label ("Rows");

  gtk_widget_add_css_class (toggle, "flat");
  gtk_widget_set_tooltip_text (toggle, "One row per neuron, each with its own scale");
  g_signal_connect_object (toggle, "toggled", G_CALLBACK (on_rows_toggled), plot, 0);
  return toggle;
}

static void
on_probe_added (BasaltSimulation   *simulation,
                const char         *target,
                BasaltPlot         *plot,
                BasaltDesignerPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (target);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  gboolean raster = basalt_plot_get_kind (plot) == BASALT_PLOT_RASTER;

  gtk_widget_add_css_class (header, "plot-header");
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (header), title);

  /* Traces show a few chosen neurons; the choice can change at any time. */
  if (!raster)
    {
      gsize columns = basalt_simulation_get_columns (simulation, target);
      GtkWidget *label = gtk_label_new (columns > 0 ? "Synapses" : "Neurons");
      GtkWidget *entry = gtk_entry_new ();
      gsize indices[8];
      guint n = basalt_simulation_get_trace_neurons (simulation, target, indices);
      g_autofree char *text = format_chosen (indices, n, columns);

      gtk_editable_set_text (GTK_EDITABLE (entry), text);
      /* Before a run the plot shows the first four, as the run will. */
      if (n == 0)
        {
          static const gsize first[] = { 0, 1, 2, 3 };
          g_autofree char *shown = columns > 0 ? format_chosen (first, G_N_ELEMENTS (first), columns) : g_strdup ("0-3");

          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), shown);
        }
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), columns > 0 ? 16 : 12);
      gtk_widget_set_tooltip_text (entry, columns > 0
                                   ? "Synapses to trace (up to 8) as post,pre pairs, e.g. 0,1; 2,3; Enter applies"
                                   : "Neurons to trace (up to 8), e.g. 0, 5, 10-12; Enter applies");
      g_object_set_data_full (G_OBJECT (entry), "basalt-target", g_strdup (target), g_free);
      g_object_set_data (G_OBJECT (plot), "basalt-chooser", entry);
      /* the header and its entry live inside the plot's box: the plot outlives them */
      g_object_set_data (G_OBJECT (entry), "basalt-plot", plot);
      g_signal_connect (entry, "activate", G_CALLBACK (on_neurons_activate), self);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (header), label);
      gtk_box_append (GTK_BOX (header), entry);
      gtk_box_append (GTK_BOX (header), rows_toggle_new (plot));
    }

  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, "Stop recording this probe");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "sim.remove-probe");
  gtk_box_append (GTK_BOX (header), remove);

  /* The header above names the probe (and says why it records nothing, if it cannot). */
  basalt_plot_set_show_title (plot, FALSE);
  g_object_bind_property (plot, "title", title, "label", G_BINDING_SYNC_CREATE);
  /* Plots share the height below the canvas; with more than fit, the list scrolls. */
  gtk_widget_set_size_request (GTK_WIDGET (plot), -1, PLOT_MIN_HEIGHT);
  gtk_widget_set_vexpand (GTK_WIDGET (plot), TRUE);
  gtk_widget_set_vexpand (box, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (plot));

  gtk_widget_set_visible (self->plots_placeholder, FALSE);
  gtk_box_append (self->plots_box, box);
  update_actions (self);
}

static void
on_probe_removed (BasaltSimulation   *simulation,
                  const char         *target,
                  BasaltPlot         *plot,
                  BasaltDesignerPage *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (plot));

  if (box != NULL && gtk_widget_get_parent (box) == GTK_WIDGET (self->plots_box))
    gtk_box_remove (self->plots_box, box);
  gtk_widget_set_visible (self->plots_placeholder, basalt_simulation_get_n_probes (simulation) <= 1);
  update_probed_marks (self);
  update_actions (self);
}

static void
sim_remove_probe (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const char *target = g_variant_get_string (param, NULL);

  /* The network's own probes are removed by an undoable edit; the plots follow it. */
  if (bsl_graph_has_probe (basalt_document_get_graph (self->document), target))
    basalt_document_remove_probe (self->document, target, NULL);
  else
    basalt_simulation_remove_probe (self->simulation, target);
}

static void
on_probes_cleared (BasaltSimulation   *simulation,
                   BasaltDesignerPage *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->plots_box));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child != self->plots_placeholder && child != GTK_WIDGET (self->weight_view))
        gtk_box_remove (self->plots_box, child);
      child = next;
    }
  gtk_widget_set_visible (self->plots_placeholder, TRUE);
  update_probed_marks (self);
  update_actions (self);
}

static void
sim_clear_probes (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_document_clear_probes (self->document);
  basalt_simulation_clear_probes (self->simulation);
  g_hash_table_remove_all (self->document_probes);
}

static void
graph_add_probe (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const char *target = g_variant_get_string (param, NULL);
  g_autoptr(GError) error = NULL;

  /* A probe is part of the network: saved with it, undone with it; the plots follow. */
  if (!bsl_graph_has_probe (basalt_document_get_graph (self->document), target) &&
      !basalt_document_add_probe (self->document, target, &error))
    show_message (self, error->message);
}

static void
csv_chosen (GFile    *file,
            gpointer  user_data)
{
  g_autoptr(BasaltDesignerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (file == NULL)
    return;
  path = g_file_get_path (file);
  if (!basalt_simulation_write_csv (self->simulation, path, &error))
    basalt_show_error_dialog (parent_window (self), "Could not export the probes", error);
}

static void
sim_export_csv (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_choose_file (parent_window (self), "Export Probes as CSV", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export",
                      NULL, "probes.csv", csv_chosen, g_object_ref (self));
}

static void
plots_chosen (GFile    *file,
              gpointer  user_data)
{
  g_autoptr(BasaltDesignerPage) self = user_data;
  g_autofree char *path = NULL;
  g_autofree char *stem = NULL;
  const char *dot;
  const char *ext;

  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    return;
  dot = strrchr (path, '.');
  stem = dot ? g_strndup (path, dot - path) : g_strdup (path);
  ext = dot ? dot : ".png";

  /* One file per plot, named after the probe. */
  for (guint i = 0; i < basalt_simulation_get_n_probes (self->simulation); i++)
    {
      GtkWidget *plot = basalt_simulation_get_plot (self->simulation, i);
      g_autofree char *target = g_strdup (basalt_simulation_get_target (self->simulation, i));
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;

      g_strdelimit (target, "./", '-');
      out = g_strdup_printf ("%s-%s%s", stem, target, ext);
      if (!basalt_plot_export (BASALT_PLOT (plot), out, MAX (gtk_widget_get_width (plot), 640),
                               MAX (gtk_widget_get_height (plot), 240), &error))
        {
          basalt_show_error_dialog (parent_window (self), "Could not export the plot", error);
          break;
        }
    }
}

static void
sim_export_plots (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  basalt_choose_file (parent_window (BASALT_DESIGNER_PAGE (widget)), "Export Plots (PNG, SVG or PDF)",
                      GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", NULL, "plot.png", plots_chosen, g_object_ref (widget));
}

/* Graph actions */

static void
graph_delete (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const BslConnection *wire = basalt_graph_canvas_get_selected_connection (self->canvas);
  g_autoptr(GError) error = NULL;

  if (wire != NULL)
    {
      BslConnection copy = *wire;
      g_autofree char *from_process = g_strdup (copy.from_process);
      g_autofree char *from_port = g_strdup (copy.from_port);
      g_autofree char *to_process = g_strdup (copy.to_process);
      g_autofree char *to_port = g_strdup (copy.to_port);

      if (!basalt_document_disconnect (self->document, from_process, from_port, to_process, to_port, &error))
        show_message (self, error->message);
      return;
    }

  {
    const char *group = basalt_graph_canvas_get_selected_group (self->canvas);
    g_auto(GStrv) names = group != NULL ? basalt_document_dup_group_members (self->document, group)
                                        : basalt_graph_canvas_dup_selection (self->canvas);

    if (!basalt_document_remove_processes (self->document, (const char *const *) names, &error))
      show_message (self, error->message);
  }
}

static void
graph_rename (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_inspector_focus_name (self->inspector);
}

static void
select_names (BasaltDesignerPage *self,
              const char *const  *names)
{
  basalt_graph_canvas_unselect_all (self->canvas);
  for (guint i = 0; names && names[i]; i++)
    basalt_graph_canvas_select (self->canvas, names[i], TRUE);
}

static void
graph_duplicate (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  g_auto(GStrv) copies = NULL;
  g_autoptr(GError) error = NULL;
  BslGraph *graph = basalt_document_get_graph (self->document);

  /* Copies of unplaced nodes start from where they are drawn. */
  for (guint i = 0; names[i]; i++)
    {
      BslProcess *process = bsl_graph_find_process (graph, names[i]);

      if (process != NULL && !process->has_position)
        {
          basalt_graph_canvas_get_node_position (self->canvas, names[i], &process->x, &process->y);
          process->has_position = TRUE;
        }
    }

  copies = basalt_document_duplicate (self->document, (const char *const *) names, 40, 40, &error);
  if (copies == NULL)
    show_message (self, error->message);
  else
    select_names (self, (const char *const *) copies);
}

/* Arrow keys move the selection by one grid step (Shift: five), as one undoable move. */
static void
graph_nudge (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  guint n = g_strv_length (names);
  g_autofree double *xs = g_new0 (double, MAX (n, 1));
  g_autofree double *ys = g_new0 (double, MAX (n, 1));
  g_autoptr(GError) error = NULL;
  double dx, dy;

  if (n == 0)
    return;
  g_variant_get (param, "(dd)", &dx, &dy);
  for (guint i = 0; i < n; i++)
    {
      basalt_graph_canvas_get_node_position (self->canvas, names[i], &xs[i], &ys[i]);
      xs[i] += dx;
      ys[i] += dy;
    }
  if (!basalt_document_move_processes (self->document, (const char *const *) names, xs, ys, &error))
    show_message (self, error->message);
}

/* Groups */

static void
graph_group (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  g_autofree char *group = NULL;
  g_autoptr(GError) error = NULL;
  double x = G_MAXDOUBLE, y = G_MAXDOUBLE;

  /* The group's node takes the place of its top-left member. */
  for (guint i = 0; names[i]; i++)
    {
      double nx, ny;

      if (basalt_graph_canvas_get_node_position (self->canvas, names[i], &nx, &ny))
        {
          x = MIN (x, nx);
          y = MIN (y, ny);
        }
    }

  group = basalt_document_group (self->document, (const char *const *) names, x, y, &error);
  if (group == NULL)
    show_message (self, error->message);
  else
    basalt_graph_canvas_select_group (self->canvas, group);
}

static void
graph_ungroup (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!basalt_document_ungroup (self->document, g_variant_get_string (param, NULL), &error))
    show_message (self, error->message);
}

static void
set_group_collapsed (BasaltDesignerPage *self,
                     const char         *name,
                     gboolean            collapsed)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_group_collapsed (self->document, name, collapsed, &error))
    show_message (self, error->message);
}

static void
graph_open_group (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  set_group_collapsed (BASALT_DESIGNER_PAGE (widget), g_variant_get_string (param, NULL), FALSE);
}

static void
graph_close_group (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  set_group_collapsed (BASALT_DESIGNER_PAGE (widget), g_variant_get_string (param, NULL), TRUE);
}

static void
on_canvas_group_activated (BasaltGraphCanvas  *canvas,
                           const char         *group,
                           BasaltDesignerPage *self)
{
  set_group_collapsed (self, group, FALSE);
}

static void
on_canvas_group_moved (BasaltGraphCanvas  *canvas,
                       const char         *group,
                       double              x,
                       double              y,
                       BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_move_group (self->document, group, x, y, &error))
    show_message (self, error->message);
}

static void
graph_select_all (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  basalt_graph_canvas_select_all (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_unselect_all (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  basalt_graph_canvas_unselect_all (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_zoom_in (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  basalt_graph_canvas_zoom_in (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_zoom_out (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  basalt_graph_canvas_zoom_out (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_zoom_fit (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  basalt_graph_canvas_zoom_to_fit (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_find_type (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_palette_focus_search (self->palette);
}

static void
add_process_at (BasaltDesignerPage *self,
                const char         *type_name,
                double              x,
                double              y)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = basalt_document_add_process (self->document, type_name, x, y, &error);

  if (name == NULL)
    {
      show_message (self, error->message);
      return;
    }
  basalt_graph_canvas_select (self->canvas, name, FALSE);
}

static void
graph_add_process (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  guint n = basalt_document_get_graph (self->document)->processes->len;
  double cx, cy;

  /* Several additions in a row step aside so they do not hide each other. */
  basalt_graph_canvas_get_center (self->canvas, &cx, &cy);
  add_process_at (self, g_variant_get_string (param, NULL), cx - 90 + (n % 5) * 24, cy - 40 + (n % 5) * 24);
}

/* Canvas, palette and inspector */

static void
on_palette_type_activated (BasaltPalette      *palette,
                           const char         *type_name,
                           BasaltDesignerPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.add-process", "s", type_name);
}

static void
on_canvas_process_dropped (BasaltGraphCanvas  *canvas,
                           const char         *type_name,
                           double              x,
                           double              y,
                           BasaltDesignerPage *self)
{
  /* The node's header lands under the pointer. */
  add_process_at (self, type_name, x - 90, y - 13);
}

static void
on_canvas_processes_moved (BasaltGraphCanvas  *canvas,
                           GStrv               names,
                           double              dx,
                           double              dy,
                           BasaltDesignerPage *self)
{
  guint n = g_strv_length (names);
  g_autofree double *xs = g_new0 (double, n);
  g_autofree double *ys = g_new0 (double, n);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      basalt_graph_canvas_get_node_position (canvas, names[i], &xs[i], &ys[i]);
      xs[i] += dx;
      ys[i] += dy;
    }

  if (!basalt_document_move_processes (self->document, (const char *const *) names, xs, ys, &error))
    show_message (self, error->message);
}

/* From a wire dropped on the canvas, or a port's list in the inspector: (from_process,
 * from_port, to_process, to_port). */
static void
graph_connect (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const char *from_process, *from_port, *to_process, *to_port;
  g_autoptr(GError) error = NULL;
  gboolean done;

  g_variant_get (param, "(&s&s&s&s)", &from_process, &from_port, &to_process, &to_port);
  if (g_str_equal (action_name, "graph.connect"))
    done = basalt_document_connect (self->document, from_process, from_port, to_process, to_port, &error);
  else
    done = basalt_document_disconnect (self->document, from_process, from_port, to_process, to_port, &error);
  if (!done)
    show_message (self, error->message);
}

static void
on_canvas_connect_refused (BasaltGraphCanvas  *canvas,
                           const char         *reason,
                           BasaltDesignerPage *self)
{
  show_message (self, reason);
}

static void
on_canvas_process_activated (BasaltGraphCanvas  *canvas,
                             const char         *name,
                             BasaltDesignerPage *self)
{
  basalt_inspector_focus_name (self->inspector);
}

/* The weight matrix shows the plastic connection selected on the canvas; with another selection
 * it keeps the one it shows, and otherwise shows the network's first plastic connection. */
static void
follow_plastic_connection (BasaltDesignerPage *self)
{
  BslGraph *graph = basalt_document_get_graph (self->document);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  const char *shown = basalt_weight_view_get_process (self->weight_view);
  const BslProcess *selected = g_strv_length (names) == 1 ? bsl_graph_find_process (graph, names[0]) : NULL;
  const BslProcess *process = shown != NULL ? bsl_graph_find_process (graph, shown) : NULL;
  gboolean chosen = selected != NULL && bsl_proc_type_is_plastic (selected->type);

  if (chosen)
    process = selected;
  for (guint i = 0; i < graph->processes->len && (process == NULL || !bsl_proc_type_is_plastic (process->type)); i++)
    process = g_ptr_array_index (graph->processes, i);
  if (process != NULL && !bsl_proc_type_is_plastic (process->type))
    process = NULL;
  basalt_weight_view_show_process (self->weight_view, process != NULL ? process->name : NULL, chosen);
}

static void
on_canvas_selection_changed (BasaltGraphCanvas  *canvas,
                             BasaltDesignerPage *self)
{
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (canvas);
  const char *shown = g_strv_length (names) == 1 ? names[0] : NULL;

  if (g_strcmp0 (shown, basalt_inspector_get_process (self->inspector)) != 0)
    basalt_inspector_set_process (self->inspector, basalt_document_get_graph (self->document), shown);
  follow_plastic_connection (self);
  update_actions (self);
}

/* Menus read '_' as a mnemonic; a doubled one shows as itself. */
static char *
menu_label_escape (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "_", -1);

  return g_strjoinv ("__", parts);
}

static void
on_canvas_populate_menu (BasaltGraphCanvas  *canvas,
                         const char         *name,
                         GMenu              *menu,
                         BasaltDesignerPage *self)
{
  const BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), name);
  g_autoptr(GMenu) probes = NULL;
  g_autoptr(GMenu) parameters = NULL;

  if (process == NULL)
    return;

  probes = g_menu_new ();
  for (guint i = 0; i < process->type->n_ports; i++)
    {
      const BslPortSpec *port = &process->type->ports[i];

      if (port->direction == BSL_PORT_OUT)
        {
          g_autofree char *target = g_strdup_printf ("%s.%s", name, port->name);
          g_autofree char *shown = menu_label_escape (port->name);
          g_autofree char *label = g_strdup_printf (g_str_equal (port->name, "s_out") ? "Record Spikes (%s)"
                                                                                     : "Record %s",
                                                    shown);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "graph.add-probe", g_variant_new_string (target));
          g_menu_append_item (probes, item);
        }
    }
  /* Any Var can be recorded, as Lava's Monitor probes any Var: the states that change as it runs
   * first, the parameters (constant unless edited while running) in a submenu. */
  parameters = g_menu_new ();
  for (guint i = 0; i < process->type->n_vars; i++)
    {
      const BslVarSpec *var = &process->type->vars[i];

      if (!(var->flags & BSL_VAR_HIDDEN))
        {
          g_autofree char *target = g_strdup_printf ("%s.%s", name, var->name);
          g_autofree char *shown = menu_label_escape (var->name);
          g_autofree char *label = g_strdup_printf ("Record %s", shown);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "graph.add-probe", g_variant_new_string (target));
          g_menu_append_item ((var->flags & BSL_VAR_STATE) ? probes : parameters, item);
        }
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (parameters)) > 0)
    g_menu_append_submenu (probes, "Record a _Parameter", G_MENU_MODEL (parameters));

  if (g_menu_model_get_n_items (G_MENU_MODEL (probes)) > 0)
    g_menu_append_section (menu, "Probe", G_MENU_MODEL (probes));

  {
    g_autoptr(GMenu) groups = g_menu_new ();
    g_autofree char *group = basalt_document_dup_group_of (self->document, name);

    if (group != NULL)
      {
        g_autofree char *close = g_strdup_printf ("graph.close-group::%s", group);
        g_autofree char *ungroup = g_strdup_printf ("graph.ungroup::%s", group);
        g_autofree char *close_label = g_strdup_printf ("Close Group “%s”", group);
        g_autofree char *ungroup_label = g_strdup_printf ("Ungroup “%s”", group);

        g_menu_append (groups, close_label, close);
        g_menu_append (groups, ungroup_label, ungroup);
      }
    else
      g_menu_append (groups, "_Group Selection", "graph.group");
    g_menu_append_section (menu, NULL, G_MENU_MODEL (groups));
  }
}

/* (old_name, new_name) */
static void
graph_rename_process (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *old_name, *new_name;
  g_autofree char *target = NULL;

  g_variant_get (param, "(&s&s)", &old_name, &new_name);
  target = g_strdup (new_name);

  if (!basalt_document_rename_process (self->document, old_name, new_name, &error))
    {
      show_message (self, error->message);
      return;
    }
  basalt_graph_canvas_select (self->canvas, target, FALSE);
}

static void
on_inspector_param_changed (BasaltInspector    *inspector,
                            const char         *process,
                            const char         *var,
                            gpointer            value,
                            BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_param (self->document, process, var, value, &error))
    show_message (self, error->message);
}

/* (process, dims) */
static void
graph_set_shape (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GVariant) shape = NULL;
  const char *process;
  const guint64 *values;
  gsize n_values;
  gsize dims[BSL_MAX_DIMS] = { 0 };
  g_autoptr(GError) error = NULL;
  guint ndim;

  g_variant_get (param, "(&s@at)", &process, &shape);
  values = g_variant_get_fixed_array (shape, &n_values, sizeof (guint64));
  ndim = MIN (n_values, BSL_MAX_DIMS);
  for (guint i = 0; i < ndim; i++)
    dims[i] = (gsize) values[i];

  if (!basalt_document_set_shape (self->document, process, ndim, dims, &error))
    show_message (self, error->message);
}

/* (process, tag): a BslTag, BSL_TAG_NONE for the run's */
static void
graph_set_model (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *process;
  int tag;

  g_variant_get (param, "(&si)", &process, &tag);

  if (!basalt_document_set_model (self->document, process, (BslTag) tag, &error))
    show_message (self, error->message);
}

/* (process, preset) */
static void
graph_apply_preset (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const char *process_name, *preset_name;
  BslProcess *process;
  const BslPreset *preset;
  g_autoptr(GPtrArray) vars = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_array_free);
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (param, "(&s&s)", &process_name, &preset_name);
  process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);
  preset = process ? bsl_proc_type_find_preset (process->type, preset_name) : NULL;
  if (preset == NULL)
    return;

  /* One undo step for the whole preset */
  for (const BslPresetValue *v = preset->values; v->var != NULL; v++)
    {
      g_ptr_array_add (vars, (gpointer) v->var);
      g_ptr_array_add (values, bsl_array_new_scalar (v->value));
    }
  g_ptr_array_add (vars, NULL);
  label = g_strdup_printf ("Apply %s to %s", preset_name, process_name);
  if (!basalt_document_set_params (self->document, process_name, (const char *const *) vars->pdata,
                                   (BslArray *const *) values->pdata, label, &error))
    show_message (self, error->message);
}

static void
on_inspector_equations_requested (BasaltInspector    *inspector,
                                  const char         *process,
                                  gpointer            text,
                                  BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_equations (self->document, process, text, &error))
    show_message (self, error->message);
}

static void
on_inspector_learning_rule_requested (BasaltInspector    *inspector,
                                      const char         *process,
                                      gpointer            rule,
                                      BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_learning_rule (self->document, process, rule, &error))
    show_message (self, error->message);
}

static void
on_inspector_template_requested (BasaltInspector    *inspector,
                                 const char         *process,
                                 const char         *template_name,
                                 BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_apply_equations_template (self->document, process, template_name, &error))
    show_message (self, error->message);
}

/* The document */

static void
push_param_to_run (BasaltDesignerPage *self,
                   const char         *process_name,
                   const char         *var)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);
  const BslVarSpec *spec;
  g_autoptr(BslArray) value = NULL;
  g_autoptr(GError) error = NULL;

  if (process == NULL || !basalt_simulation_is_compiled (self->simulation) ||
      (spec = bsl_proc_type_find_var (process->type, var)) == NULL)
    return;

  if (spec->flags & BSL_VAR_INIT_ONLY)
    {
      g_autofree char *text = g_strdup_printf ("%s.%s is read when a run starts: it takes effect after Reset",
                                               process_name, var);
      show_message (self, text);
      return;
    }

  /* Takes effect at the next step of the running network. */
  value = bsl_process_dup_param_full (process, var, &error);
  if (value == NULL || !basalt_simulation_set_var (self->simulation, process_name, var, value, &error))
    show_message (self, error->message);
}

/* Several Vars changed at once (e.g. a fit adopted): the running network takes all that it can
 * change between steps. */
static void
push_params_to_run (BasaltDesignerPage *self,
                    const char         *process_name)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);

  if (process == NULL || !basalt_simulation_is_compiled (self->simulation))
    return;

  for (guint i = 0; i < process->type->n_vars; i++)
    {
      const BslVarSpec *spec = &process->type->vars[i];
      g_autoptr(BslArray) value = NULL;
      g_autoptr(GError) error = NULL;

      if (spec->flags & (BSL_VAR_STATE | BSL_VAR_INIT_ONLY | BSL_VAR_HIDDEN))
        continue;
      value = bsl_process_dup_param_full (process, spec->name, &error);
      if (value == NULL || !basalt_simulation_set_var (self->simulation, process_name, spec->name, value, &error))
        {
          show_message (self, error->message);
          return;
        }
    }
}

static void
on_document_changed (BasaltDocument     *document,
                     guint               flags,
                     const char         *process,
                     const char         *var,
                     BasaltDesignerPage *self)
{
  BslGraph *graph = basalt_document_get_graph (document);

  if (flags & BASALT_CHANGE_GRAPH)
    {
      basalt_simulation_clear_probes (self->simulation);
      g_hash_table_remove_all (self->document_probes);
      basalt_graph_canvas_set_graph (self->canvas, graph);
      basalt_inspector_set_process (self->inspector, graph, NULL);
    }
  else
    basalt_graph_canvas_refresh (self->canvas);

  if (flags & BASALT_CHANGE_STRUCTURE)
    {
      /* A run cannot continue on a network whose shape changed; the plots keep what they have. */
      if (basalt_simulation_is_compiled (self->simulation))
        {
          basalt_simulation_invalidate (self->simulation);
          if (!(flags & BASALT_CHANGE_GRAPH))
            show_message (self, "The network changed: press Run to start it again");
        }
      sync_tag_ui (self);
    }
  else if ((flags & BASALT_CHANGE_PARAMS) && process != NULL && var != NULL)
    push_param_to_run (self, process, var);
  else if ((flags & BASALT_CHANGE_PARAMS) && process != NULL)
    push_params_to_run (self, process);

  if (flags & (BASALT_CHANGE_RUN | BASALT_CHANGE_GRAPH))
    sync_steps_ui (self);
  gtk_widget_set_visible (self->canvas_hint, graph->processes->len == 0);
  if (flags & (BASALT_CHANGE_PROBES | BASALT_CHANGE_STRUCTURE | BASALT_CHANGE_GRAPH))
    follow_document_probes (self);
  if (flags & (BASALT_CHANGE_STRUCTURE | BASALT_CHANGE_GRAPH))
    follow_plastic_connection (self);

  if (basalt_inspector_get_process (self->inspector) != NULL &&
      bsl_graph_find_process (graph, basalt_inspector_get_process (self->inspector)) == NULL)
    basalt_inspector_set_process (self->inspector, graph, NULL);
  else
    basalt_inspector_refresh (self->inspector);

  update_actions (self);
}

/* Properties */

static const char *
get_tag_name (BasaltDesignerPage *self)
{
  return bsl_tag_to_string (current_tag (self));
}

static void
set_tag_name (BasaltDesignerPage *self,
              const char         *name)
{
  BslTag tag;

  /* The document notifies a structural change, which brings the page's controls along. */
  if (name != NULL && bsl_tag_from_string (name, &tag))
    basalt_document_set_run_tag (self->document, tag);
}

static void
set_speed (BasaltDesignerPage *self,
           double              speed)
{
  if (speed == self->speed)
    return;
  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

static void
basalt_designer_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_TAG:
      g_value_set_string (value, get_tag_name (self));
      break;

    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_designer_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;

    case PROP_TAG:
      set_tag_name (self, g_value_get_string (value));
      break;

    case PROP_SPEED:
      set_speed (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Life cycle */

static void
basalt_designer_page_constructed (GObject *object)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (object);

  G_OBJECT_CLASS (basalt_designer_page_parent_class)->constructed (object);

  g_assert (BASALT_IS_DOCUMENT (self->document));

  g_signal_connect_object (self->document, "changed", G_CALLBACK (on_document_changed), self, 0);
  basalt_graph_canvas_set_graph (self->canvas, basalt_document_get_graph (self->document));
  sync_tag_ui (self);
  sync_steps_ui (self);
  follow_document_probes (self);
  gtk_widget_set_visible (self->canvas_hint, basalt_document_get_graph (self->document)->processes->len == 0);
  update_actions (self);
}

static void
basalt_designer_page_dispose (GObject *object)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (object);

  if (self->simulation != NULL)
    {
      basalt_simulation_invalidate (self->simulation);
      g_signal_handlers_disconnect_by_data (self->simulation, self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), BASALT_TYPE_DESIGNER_PAGE);

  g_clear_object (&self->simulation);
  g_clear_object (&self->document);
  g_clear_pointer (&self->document_probes, g_hash_table_unref);

  G_OBJECT_CLASS (basalt_designer_page_parent_class)->dispose (object);
}

static void
install_graph_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.delete", NULL, graph_delete);
  gtk_widget_class_install_action (widget_class, "graph.rename", NULL, graph_rename);
  gtk_widget_class_install_action (widget_class, "graph.duplicate", NULL, graph_duplicate);
  gtk_widget_class_install_action (widget_class, "graph.select-all", NULL, graph_select_all);
  gtk_widget_class_install_action (widget_class, "graph.unselect-all", NULL, graph_unselect_all);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, graph_zoom_in);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, graph_zoom_out);
  gtk_widget_class_install_action (widget_class, "graph.zoom-fit", NULL, graph_zoom_fit);
  gtk_widget_class_install_action (widget_class, "graph.find-type", NULL, graph_find_type);
  gtk_widget_class_install_action (widget_class, "graph.add-process", "s", graph_add_process);
  gtk_widget_class_install_action (widget_class, "graph.add-probe", "s", graph_add_probe);
  gtk_widget_class_install_action (widget_class, "graph.connect", "(ssss)", graph_connect);
  gtk_widget_class_install_action (widget_class, "graph.disconnect", "(ssss)", graph_connect);
  gtk_widget_class_install_action (widget_class, "graph.rename-process", "(ss)", graph_rename_process);
  gtk_widget_class_install_action (widget_class, "graph.set-shape", "(sat)", graph_set_shape);
  gtk_widget_class_install_action (widget_class, "graph.set-model", "(si)", graph_set_model);
  gtk_widget_class_install_action (widget_class, "graph.apply-preset", "(ss)", graph_apply_preset);
  gtk_widget_class_install_action (widget_class, "graph.group", NULL, graph_group);
  gtk_widget_class_install_action (widget_class, "graph.nudge", "(dd)", graph_nudge);
  gtk_widget_class_install_action (widget_class, "graph.ungroup", "s", graph_ungroup);
  gtk_widget_class_install_action (widget_class, "graph.open-group", "s", graph_open_group);
  gtk_widget_class_install_action (widget_class, "graph.close-group", "s", graph_close_group);
}

static void
install_sim_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "sim.run-pause", NULL, sim_run_pause);
  gtk_widget_class_install_action (widget_class, "sim.run-steps", NULL, sim_run_steps);
  gtk_widget_class_install_action (widget_class, "sim.stop", NULL, sim_stop);
  gtk_widget_class_install_action (widget_class, "sim.step", NULL, sim_step);
  gtk_widget_class_install_action (widget_class, "sim.reset", NULL, sim_reset);
  gtk_widget_class_install_property_action (widget_class, "sim.tag", "tag");
  gtk_widget_class_install_property_action (widget_class, "sim.speed", "speed");
  gtk_widget_class_install_action (widget_class, "sim.export-csv", NULL, sim_export_csv);
  gtk_widget_class_install_action (widget_class, "sim.export-plots", NULL, sim_export_plots);
  gtk_widget_class_install_action (widget_class, "sim.clear-probes", NULL, sim_clear_probes);
  gtk_widget_class_install_action (widget_class, "sim.remove-probe", "s", sim_remove_probe);
}

static void
basalt_designer_page_class_init (BasaltDesignerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = basalt_designer_page_constructed;
  object_class->dispose = basalt_designer_page_dispose;
  object_class->get_property = basalt_designer_page_get_property;
  object_class->set_property = basalt_designer_page_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, BASALT_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The run's model tag, "floating_pt" or "fixed_pt" (stored in the document). */
  properties[PROP_TAG] =
    g_param_spec_string ("tag", NULL, NULL, "floating_pt",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Steps per second of a run; 0 runs as fast as possible. */
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 200,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Types used by the template */
  g_type_ensure (BASALT_TYPE_GRAPH_CANVAS);
  g_type_ensure (BASALT_TYPE_INSPECTOR);
  g_type_ensure (BASALT_TYPE_PALETTE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-designer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, rate_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, run_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, steps_spin);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, palette);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, canvas);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, inspector);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, plots_box);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, plots_placeholder);
  gtk_widget_class_bind_template_child (widget_class, BasaltDesignerPage, canvas_hint);
  gtk_widget_class_bind_template_callback (widget_class, on_tag_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_steps_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_palette_type_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_process_dropped);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_processes_moved);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_equations_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_template_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_learning_rule_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_connect_refused);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_process_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_populate_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_group_moved);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_group_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_param_changed);

  install_graph_actions (widget_class);
  install_sim_actions (widget_class);
}

static void
basalt_designer_page_init (BasaltDesignerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->simulation = basalt_simulation_new ();
  self->document_probes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (self->simulation, "probe-added", G_CALLBACK (on_probe_added), self);
  g_signal_connect (self->simulation, "probe-removed", G_CALLBACK (on_probe_removed), self);
  g_signal_connect (self->simulation, "probes-cleared", G_CALLBACK (on_probes_cleared), self);
  g_signal_connect_swapped (self->simulation, "notify::state", G_CALLBACK (update_actions), self);
  bind_run_bar (self);
  self->weight_view = BASALT_WEIGHT_VIEW (basalt_weight_view_new (self->simulation));
  gtk_widget_set_visible (GTK_WIDGET (self->weight_view), FALSE);
  gtk_box_prepend (self->plots_box, GTK_WIDGET (self->weight_view));
  g_signal_connect (self->weight_view, "synapses-chosen", G_CALLBACK (on_weight_synapses_chosen), self);
}

GtkWidget *
basalt_designer_page_new (BasaltDocument *document)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (document), NULL);

  return g_object_new (BASALT_TYPE_DESIGNER_PAGE, "document", document, NULL);
}

BasaltDocument *
basalt_designer_page_get_document (BasaltDesignerPage *self)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), NULL);

  return self->document;
}

BasaltWeightView *
basalt_designer_page_get_weight_view (BasaltDesignerPage *self)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), NULL);

  return self->weight_view;
}

BasaltSimulation *
basalt_designer_page_get_simulation (BasaltDesignerPage *self)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), NULL);

  return self->simulation;
}

BasaltGraphCanvas *
basalt_designer_page_get_canvas (BasaltDesignerPage *self)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), NULL);

  return self->canvas;
}

BasaltInspector *
basalt_designer_page_get_inspector (BasaltDesignerPage *self)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), NULL);

  return self->inspector;
}

BasaltPalette *
basalt_designer_page_get_palette (BasaltDesignerPage *self)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), NULL);

  return self->palette;
}

void
basalt_designer_page_stop (BasaltDesignerPage *self)
{
  g_return_if_fail (BASALT_IS_DESIGNER_PAGE (self));

  basalt_simulation_invalidate (self->simulation);
}
