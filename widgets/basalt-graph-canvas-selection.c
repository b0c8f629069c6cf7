/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The selection: processes, one wire or one group. */

#include "config.h"

#include "basalt-graph-canvas-private.h"

void
_basalt_graph_canvas_emit_selection_changed (BasaltGraphCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _basalt_graph_canvas_notify_selection (self);
}

void
_basalt_graph_canvas_clear_selected_wire (BasaltGraphCanvas *self)
{
  g_clear_pointer (&self->selected_wire, bsl_connection_free);
  g_clear_pointer (&self->selected_group, g_free);
}

void
basalt_graph_canvas_select_group (BasaltGraphCanvas *self,
                                  const char        *name)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  _basalt_graph_canvas_clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  if (name != NULL && basalt_canvas_groups_find (self->groups, name) != NULL)
    self->selected_group = g_strdup (name);
  _basalt_graph_canvas_emit_selection_changed (self);
}

const char *
basalt_graph_canvas_get_selected_group (BasaltGraphCanvas *self)
{
  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), NULL);

  return self->selected_group;
}

gboolean
basalt_graph_canvas_is_visible (BasaltGraphCanvas *self,
                                const char        *process)
{
  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), FALSE);

  return _basalt_graph_canvas_find_process (self, process, NULL) != NULL &&
         basalt_canvas_groups_find_hiding (self->groups, process) == NULL;
}

void
basalt_graph_canvas_select (BasaltGraphCanvas *self,
                            const char        *name,
                            gboolean           add)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  _basalt_graph_canvas_clear_selected_wire (self);
  if (!add)
    g_hash_table_remove_all (self->selection);
  if (name != NULL && _basalt_graph_canvas_find_process (self, name, NULL) != NULL)
    g_hash_table_add (self->selection, g_strdup (name));
  _basalt_graph_canvas_emit_selection_changed (self);
}

void
basalt_graph_canvas_select_all (BasaltGraphCanvas *self)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  _basalt_graph_canvas_clear_selected_wire (self);
  for (guint i = 0; self->graph && i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i);

      g_hash_table_add (self->selection, g_strdup (bsl_process_get_name (process)));
    }
  _basalt_graph_canvas_emit_selection_changed (self);
}

void
basalt_graph_canvas_unselect_all (BasaltGraphCanvas *self)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  _basalt_graph_canvas_clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  _basalt_graph_canvas_emit_selection_changed (self);
}

void
basalt_graph_canvas_select_rect (BasaltGraphCanvas *self,
                                 double             x0,
                                 double             y0,
                                 double             x1,
                                 double             y1,
                                 gboolean           add)
{
  double cx0, cy0, cx1, cy1;

  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  basalt_graph_canvas_widget_to_canvas (self, MIN (x0, x1), MIN (y0, y1), &cx0, &cy0);
  basalt_graph_canvas_widget_to_canvas (self, MAX (x0, x1), MAX (y0, y1), &cx1, &cy1);

  _basalt_graph_canvas_clear_selected_wire (self);
  if (!add)
    g_hash_table_remove_all (self->selection);

  for (guint i = 0; self->graph && i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i);
      double x, y;

      if (basalt_canvas_groups_find_hiding (self->groups, bsl_process_get_name (process)) != NULL)
        continue;
      _basalt_graph_canvas_node_origin (self, process, i, &x, &y);
      if (x <= cx1 && x + NODE_W >= cx0 && y <= cy1 && y + _basalt_graph_canvas_node_height (process) >= cy0)
        g_hash_table_add (self->selection, g_strdup (bsl_process_get_name (process)));
    }
  _basalt_graph_canvas_emit_selection_changed (self);
}

char **
basalt_graph_canvas_dup_selection (BasaltGraphCanvas *self)
{
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), NULL);

  builder = g_strv_builder_new ();
  /* In graph order, so commands built from a selection are deterministic. */
  for (guint i = 0; self->graph && i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i);

      if (g_hash_table_contains (self->selection, bsl_process_get_name (process)))
        g_strv_builder_add (builder, bsl_process_get_name (process));
    }
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return result;
}

guint
basalt_graph_canvas_get_n_selected (BasaltGraphCanvas *self)
{
  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), 0);

  return g_hash_table_size (self->selection);
}

const BslConnection *
basalt_graph_canvas_get_selected_connection (BasaltGraphCanvas *self)
{
  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), NULL);

  return self->selected_wire;
}

void
basalt_graph_canvas_select_connection (BasaltGraphCanvas   *self,
                                       const BslConnection *connection)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  _basalt_graph_canvas_clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  if (connection != NULL)
    {
      self->selected_wire = bsl_connection_copy (connection);
    }
  _basalt_graph_canvas_emit_selection_changed (self);
}
