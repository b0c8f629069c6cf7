/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Designer's plots: one per probe of the simulation, below the canvas, drawn from what the
 * probe brings over from the run; a trace's chooser of neurons or synapses; image export. */

#include "config.h"

#include <string.h>

#include "basalt-dialogs.h"
#include "basalt-plot.h"
#include "basalt-trace-choice.h"

#include "basalt-designer-page-private.h"

/* Steps a plot keeps; older ones are dropped as new ones arrive. */
#define PLOT_HISTORY 10000
/* The time window a plot shows, in steps. */
#define PLOT_SPAN 400
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

/* Drawing a probe */

static void
show_layout (BasaltProbe *probe,
             BasaltPlot  *plot)
{
  if (basalt_probe_is_raster (probe))
    {
      basalt_plot_set_n_rows (plot, basalt_probe_get_n_rows (probe));
      return;
    }
  basalt_plot_clear_series (plot);
  for (guint i = 0; i < basalt_probe_get_n_series (probe); i++)
    basalt_plot_add_series (plot, basalt_probe_get_series_label (probe, i));
}

static void
on_probe_rows_arrived (BasaltProbe *probe,
                       gint64       first_step,
                       guint        n_rows,
                       BasaltPlot  *plot)
{
  guint width;
  const double *rows = basalt_probe_peek_rows (probe, &width);
  gboolean raster = basalt_probe_is_raster (probe);

  for (guint k = 0; k < n_rows; k++)
    {
      const double *row = rows + (gsize) k * width;
      double t = (double) (first_step + (gint64) k);

      if (raster)
        basalt_plot_append_raster_step (plot, t, row, width);
      else
        for (guint s = 0; s < width; s++)
          basalt_plot_append_sample (plot, s, t, row[s]);
    }
}

/* A plot that draws what the probe records, as it arrives. */
static BasaltPlot *
plot_new (BasaltProbe *probe)
{
  gboolean raster = basalt_probe_is_raster (probe);
  BasaltPlot *plot = BASALT_PLOT (basalt_plot_new (raster ? BASALT_PLOT_RASTER : BASALT_PLOT_TRACES));

  basalt_plot_set_history (plot, PLOT_HISTORY);
  basalt_plot_set_span (plot, PLOT_SPAN);
  if (!raster)
    basalt_plot_set_y_label (plot, basalt_probe_get_var (probe));
  g_object_bind_property (probe, "title", plot, "title", G_BINDING_SYNC_CREATE);
  show_layout (probe, plot);
  g_signal_connect_object (probe, "layout-changed", G_CALLBACK (show_layout), plot, 0);
  g_signal_connect_object (probe, "cleared", G_CALLBACK (basalt_plot_clear), plot, G_CONNECT_SWAPPED);
  g_signal_connect_object (probe, "rows-arrived", G_CALLBACK (on_probe_rows_arrived), plot, 0);
  return plot;
}

/* The header of a plot */

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
on_neurons_activate (GtkEntry           *entry,
                     BasaltDesignerPage *self)
{
  const char *target = g_object_get_data (G_OBJECT (entry), "basalt-target");
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) error = NULL;

  if (!basalt_trace_choice_parse (gtk_editable_get_text (GTK_EDITABLE (entry)),
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

/* Traces show a few chosen neurons; the choice can change at any time. */
static void
append_chooser (BasaltDesignerPage *self,
                GtkBox             *header,
                const char         *target,
                BasaltPlot         *plot)
{
  gsize columns = basalt_simulation_get_columns (self->simulation, target);
  GtkWidget *label = gtk_label_new (columns > 0 ? "Synapses" : "Neurons");
  GtkWidget *entry = gtk_entry_new ();
  gsize indices[8];
  guint n = basalt_simulation_get_trace_neurons (self->simulation, target, indices);
  g_autofree char *text = basalt_trace_choice_format (indices, n, columns);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  /* Before a run the plot shows the first four, as the run will. */
  if (n == 0)
    {
      static const gsize first[] = { 0, 1, 2, 3 };
      g_autofree char *shown = columns > 0 ? basalt_trace_choice_format (first, G_N_ELEMENTS (first), columns)
                                           : g_strdup ("0-3");

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
  gtk_box_append (header, label);
  gtk_box_append (header, entry);
  gtk_box_append (header, rows_toggle_new (plot));
}

/* Shows what a trace probe's plot shows in its chooser. */
void
_basalt_designer_page_show_chosen (BasaltDesignerPage *self,
                                   const char         *target)
{
  BasaltPlot *plot = basalt_designer_page_get_probe_plot (self, target);
  GtkWidget *entry;
  gsize indices[8];
  guint n = basalt_simulation_get_trace_neurons (self->simulation, target, indices);
  g_autofree char *text = NULL;

  if (plot == NULL || (entry = g_object_get_data (G_OBJECT (plot), "basalt-chooser")) == NULL)
    return;
  text = basalt_trace_choice_format (indices, n, basalt_simulation_get_columns (self->simulation, target));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  size_plot (plot);
}

/* The plots of the simulation's probes */

static void
on_probe_added (BasaltSimulation   *simulation,
                BasaltProbe        *probe,
                BasaltDesignerPage *self)
{
  const char *target = basalt_probe_get_target (probe);
  BasaltPlot *plot = g_object_ref_sink (plot_new (probe));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (target);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");

  g_hash_table_insert (self->plots, g_object_ref (probe), plot);

  gtk_widget_add_css_class (header, "plot-header");
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (header), title);

  if (!basalt_probe_is_raster (probe))
    append_chooser (self, GTK_BOX (header), target, plot);

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
                  BasaltProbe        *probe,
                  BasaltDesignerPage *self)
{
  BasaltPlot *plot = g_hash_table_lookup (self->plots, probe);
  GtkWidget *box = plot != NULL ? gtk_widget_get_parent (GTK_WIDGET (plot)) : NULL;

  if (box != NULL && gtk_widget_get_parent (box) == GTK_WIDGET (self->plots_box))
    gtk_box_remove (self->plots_box, box);
  g_hash_table_remove (self->plots, probe);
  gtk_widget_set_visible (self->plots_placeholder, basalt_simulation_get_n_probes (simulation) <= 1);
  _basalt_designer_page_update_probed_marks (self);
  _basalt_designer_page_update_actions (self);
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
  g_hash_table_remove_all (self->plots);
  gtk_widget_set_visible (self->plots_placeholder, TRUE);
  _basalt_designer_page_update_probed_marks (self);
  _basalt_designer_page_update_actions (self);
}

BasaltPlot *
basalt_designer_page_get_probe_plot (BasaltDesignerPage *self,
                                     const char         *target)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  for (guint i = 0; i < basalt_simulation_get_n_probes (self->simulation); i++)
    if (g_strcmp0 (basalt_simulation_get_target (self->simulation, i), target) == 0)
      return g_hash_table_lookup (self->plots, basalt_simulation_get_probe (self->simulation, i));
  return NULL;
}

/* Export */

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
      GtkWidget *plot = g_hash_table_lookup (self->plots, basalt_simulation_get_probe (self->simulation, i));
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
  self->plots = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_object_unref);
  g_signal_connect (self->simulation, "probe-added", G_CALLBACK (on_probe_added), self);
  g_signal_connect (self->simulation, "probe-removed", G_CALLBACK (on_probe_removed), self);
  g_signal_connect (self->simulation, "probes-cleared", G_CALLBACK (on_probes_cleared), self);
}

void
_basalt_designer_page_class_init_plots (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "sim.export-plots", NULL, sim_export_plots);
}
