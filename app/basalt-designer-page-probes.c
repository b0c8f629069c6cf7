/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Designer's probes and their plots: the plots follow the network's probes and the
 * simulation's; choosers of what a trace shows; CSV and image export. */

#include "config.h"

#include <string.h>

#include "bsl-graph-probes.h"

#include "basalt-dialogs.h"
#include "basalt-plot.h"

#include "basalt-designer-page-private.h"

static char *
probe_process_name (const char *target)
{
  const char *dot = strrchr (target, '.');

  return dot != NULL ? g_strndup (target, dot - target) : g_strdup (target);
}

/* The plots follow the network's probes: a probe removed from it (by an edit, an undo, or with
 * its process) loses its plot, one added gets one. Plots the page chose itself (see
 * add_default_probes) stay while their process does. */
void
_basalt_designer_page_follow_document_probes (BasaltDesignerPage *self)
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
  _basalt_designer_page_update_probed_marks (self);
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
      _basalt_designer_page_show_message (self, error->message);
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
  _basalt_designer_page_update_probed_marks (self);
  return TRUE;
}

/* (process, text): the synapses chosen in the weight view's header */
static void
sim_plot_synapses (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *process, *text;
  gboolean ok;

  g_variant_get (param, "(&s&s)", &process, &text);
  ok = plot_synapses (self, process, text, &error);
  basalt_weight_view_mark_synapses (self->weight_view, !ok);
  if (!ok)
    _basalt_designer_page_show_message (self, error->message);
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
  _basalt_designer_page_update_actions (self);
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
  _basalt_designer_page_update_probed_marks (self);
  _basalt_designer_page_update_actions (self);
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
  _basalt_designer_page_update_probed_marks (self);
  _basalt_designer_page_update_actions (self);
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
    _basalt_designer_page_show_message (self, error->message);
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
    basalt_show_error_dialog (_basalt_designer_page_parent_window (self), "Could not export the probes", error);
}

static void
sim_export_csv (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_choose_file (_basalt_designer_page_parent_window (self), "Export Probes as CSV", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export",
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
          basalt_show_error_dialog (_basalt_designer_page_parent_window (self), "Could not export the plot", error);
          break;
        }
    }
}

static void
sim_export_plots (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  basalt_choose_file (_basalt_designer_page_parent_window (BASALT_DESIGNER_PAGE (widget)), "Export Plots (PNG, SVG or PDF)",
                      GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", NULL, "plot.png", plots_chosen, g_object_ref (widget));
}

void
_basalt_designer_page_init_plots (BasaltDesignerPage *self)
{
  g_signal_connect (self->simulation, "probe-added", G_CALLBACK (on_probe_added), self);
  g_signal_connect (self->simulation, "probe-removed", G_CALLBACK (on_probe_removed), self);
  g_signal_connect (self->simulation, "probes-cleared", G_CALLBACK (on_probes_cleared), self);
  self->weight_view = BASALT_WEIGHT_VIEW (basalt_weight_view_new (self->simulation));
  gtk_widget_set_visible (GTK_WIDGET (self->weight_view), FALSE);
  gtk_box_prepend (self->plots_box, GTK_WIDGET (self->weight_view));
}

void
_basalt_designer_page_class_init_probes (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.add-probe", "s", graph_add_probe);
  gtk_widget_class_install_action (widget_class, "sim.export-csv", NULL, sim_export_csv);
  gtk_widget_class_install_action (widget_class, "sim.export-plots", NULL, sim_export_plots);
  gtk_widget_class_install_action (widget_class, "sim.clear-probes", NULL, sim_clear_probes);
  gtk_widget_class_install_action (widget_class, "sim.remove-probe", "s", sim_remove_probe);
  gtk_widget_class_install_action (widget_class, "sim.plot-synapses", "(ss)", sim_plot_synapses);
}
