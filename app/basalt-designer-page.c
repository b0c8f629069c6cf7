/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "bsl-graph-probes.h"

#include "basalt-designer-page-private.h"

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
void
_basalt_designer_page_show_message (BasaltDesignerPage *self,
                                    const char         *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-message", "s", message);
}

GtkWindow *
_basalt_designer_page_parent_window (BasaltDesignerPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* Action states */

void
_basalt_designer_page_update_actions (BasaltDesignerPage *self)
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
  BslTag tag = bsl_graph_get_run_tag (basalt_document_get_graph (self->document));

  if (tag != BSL_TAG_FIXED_PT)
    tag = BSL_TAG_FLOATING_PT;

  self->updating_tag = TRUE;
  gtk_drop_down_set_selected (self->tag_dropdown, tag == BSL_TAG_FIXED_PT ? 1 : 0);
  basalt_inspector_set_tag (self->inspector, tag);
  self->updating_tag = FALSE;
  /* The radio items of sim.tag follow the property. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAG]);
}

BslTag
_basalt_designer_page_current_tag (BasaltDesignerPage *self)
{
  BslTag tag = bsl_graph_get_run_tag (basalt_document_get_graph (self->document));

  return tag == BSL_TAG_FIXED_PT ? BSL_TAG_FIXED_PT : BSL_TAG_FLOATING_PT;
}

/* The canvas marks the processes that have a probe. */
void
_basalt_designer_page_update_probed_marks (BasaltDesignerPage *self)
{
  g_auto(GStrv) names = basalt_simulation_dup_probed (self->simulation);

  basalt_graph_canvas_set_probed (self->canvas, (const char *const *) names);
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

/* With no probe chosen, a run records what the network says it records (its Monitors and
 * probes, as `basalt run` does); a network that says nothing gets the spikes of every neuron
 * population, the voltage of the first one and the weights of small plastic connections: what
 * a user pressing Run expects to see. */
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
  _basalt_designer_page_update_probed_marks (self);
}

/* A stopped run is not continued: the next one starts from step 0. */
gboolean
_basalt_designer_page_ensure_compiled (BasaltDesignerPage  *self,
                                       GError             **error)
{
  if (basalt_simulation_is_compiled (self->simulation) &&
      basalt_simulation_get_state (self->simulation) != BASALT_SIMULATION_STOPPED)
    return TRUE;

  add_default_probes (self);
  return basalt_simulation_compile (self->simulation, basalt_document_get_graph (self->document),
                                    _basalt_designer_page_current_tag (self), error);
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
            _basalt_designer_page_show_message (self, "The network changed: press Run to start it again");
        }
      sync_tag_ui (self);
    }
  else if ((flags & BASALT_CHANGE_PARAMS) && process != NULL && var != NULL)
    _basalt_designer_page_push_param_to_run (self, process, var);
  else if ((flags & BASALT_CHANGE_PARAMS) && process != NULL)
    _basalt_designer_page_push_params_to_run (self, process);

  if (flags & (BASALT_CHANGE_RUN | BASALT_CHANGE_GRAPH))
    _basalt_designer_page_sync_steps_ui (self);
  gtk_widget_set_visible (self->canvas_hint, bsl_graph_get_n_processes (graph) == 0);
  if (flags & (BASALT_CHANGE_PROBES | BASALT_CHANGE_STRUCTURE | BASALT_CHANGE_GRAPH))
    _basalt_designer_page_follow_document_probes (self);
  if (flags & (BASALT_CHANGE_STRUCTURE | BASALT_CHANGE_GRAPH))
    _basalt_designer_page_follow_plastic_connection (self);

  if (basalt_inspector_get_process (self->inspector) != NULL &&
      bsl_graph_find_process (graph, basalt_inspector_get_process (self->inspector)) == NULL)
    basalt_inspector_set_process (self->inspector, graph, NULL);
  else
    basalt_inspector_refresh (self->inspector);

  _basalt_designer_page_update_actions (self);
}

/* Properties */

static const char *
get_tag_name (BasaltDesignerPage *self)
{
  return bsl_tag_to_string (_basalt_designer_page_current_tag (self));
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
  _basalt_designer_page_sync_steps_ui (self);
  _basalt_designer_page_follow_document_probes (self);
  gtk_widget_set_visible (self->canvas_hint, bsl_graph_get_n_processes (basalt_document_get_graph (self->document)) == 0);
  _basalt_designer_page_update_actions (self);
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
  g_clear_pointer (&self->plots, g_hash_table_unref);

  G_OBJECT_CLASS (basalt_designer_page_parent_class)->dispose (object);
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


  _basalt_designer_page_class_init_run (widget_class);
  _basalt_designer_page_class_init_probes (widget_class);
  _basalt_designer_page_class_init_plots (widget_class);
  _basalt_designer_page_class_init_graph (widget_class);
  _basalt_designer_page_class_init_canvas (widget_class);
}

static void
basalt_designer_page_init (BasaltDesignerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->simulation = basalt_simulation_new ();
  self->document_probes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  _basalt_designer_page_init_plots (self);
  _basalt_designer_page_init_probes (self);
  g_signal_connect_swapped (self->simulation, "notify::state", G_CALLBACK (_basalt_designer_page_update_actions), self);
  _basalt_designer_page_bind_run_bar (self);
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
