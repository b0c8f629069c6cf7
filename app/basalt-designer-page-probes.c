/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What the Designer's run records: the network's probes and those the page or the user chose
 * (a trace's neurons, a plastic connection's synapses), and their CSV export. */

#include "config.h"

#include <string.h>

#include "bsl-graph-probes.h"

#include "basalt-dialogs.h"
#include "basalt-trace-choice.h"

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
  for (guint i = 0; i < bsl_graph_get_n_probes (graph); i++)
    {
      const char *target = bsl_graph_get_probe (graph, i);
      g_autoptr(GError) error = NULL;

      g_hash_table_add (self->document_probes, g_strdup (target));
      if (!basalt_simulation_add_probe (self->simulation, graph, target, &error))
        g_warning ("%s", error->message);
    }
  _basalt_designer_page_update_probed_marks (self);
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
  _basalt_designer_page_show_chosen (self, target);
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
  const gsize *dims;

  if (rule == NULL || bsl_process_get_ndim (process) != 2)
    return TRUE;
  dims = bsl_process_get_dims (process);
  if (!basalt_trace_choice_parse_synapses (text, dims[1], synapses, error))
    return FALSE;
  for (guint i = 0; i < synapses->len; i++)
    {
      gsize k = g_array_index (synapses, gsize, i);

      if (k / dims[1] >= dims[0])
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has no post-synaptic neuron %"
                       G_GSIZE_FORMAT " (it has %" G_GSIZE_FORMAT ", counted from 0)", process_name,
                       k / dims[1], dims[0]);
          return FALSE;
        }
      append_once (pre, k % dims[1]);
      append_once (post, k / dims[1]);
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

void
_basalt_designer_page_init_probes (BasaltDesignerPage *self)
{
  self->weight_view = BASALT_WEIGHT_VIEW (basalt_weight_view_new (self->simulation));
  gtk_widget_set_visible (GTK_WIDGET (self->weight_view), FALSE);
  gtk_box_prepend (self->plots_box, GTK_WIDGET (self->weight_view));
}

void
_basalt_designer_page_class_init_probes (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.add-probe", "s", graph_add_probe);
  gtk_widget_class_install_action (widget_class, "sim.export-csv", NULL, sim_export_csv);
  gtk_widget_class_install_action (widget_class, "sim.clear-probes", NULL, sim_clear_probes);
  gtk_widget_class_install_action (widget_class, "sim.remove-probe", "s", sim_remove_probe);
  gtk_widget_class_install_action (widget_class, "sim.plot-synapses", "(ss)", sim_plot_synapses);
}
