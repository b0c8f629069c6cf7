/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Wiring: dragging a wire from a port, checked as it moves, connected where it is dropped. */

#include "config.h"

#include "basalt-graph-canvas-private.h"
#include "bsl-strings.h"

void
_basalt_graph_canvas_clear_hover (BasaltGraphCanvas *self)
{
  g_clear_pointer (&self->hover_process, g_free);
  g_clear_pointer (&self->hover_port, g_free);
  self->hover_valid = FALSE;
}

gboolean
basalt_graph_canvas_begin_wire (BasaltGraphCanvas *self,
                                const char        *process_name,
                                const char        *port)
{
  const BslProcess *process;
  const BslPortSpec *spec;
  guint position = 0;
  double cx, cy;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), FALSE);

  process = _basalt_graph_canvas_find_process (self, process_name, &position);
  if (process == NULL || (spec = bsl_proc_type_find_port (bsl_process_get_proc_type (process), port)) == NULL)
    return FALSE;

  bsl_set_str (&self->wire_process, process_name);
  bsl_set_str (&self->wire_port, port);
  self->wire_direction = spec->direction;
  self->drag_mode = DRAG_WIRE;
  _basalt_graph_canvas_clear_hover (self);
  _basalt_graph_canvas_set_message (self, NULL);
  if (!_basalt_graph_canvas_endpoint_point (self, process_name, port, &cx, &cy))
    _basalt_graph_canvas_port_point (self, process, position, port, &cx, &cy);
  basalt_graph_canvas_canvas_to_widget (self, cx, cy, &self->drag_x, &self->drag_y);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return TRUE;
}

gboolean
basalt_graph_canvas_update_wire (BasaltGraphCanvas *self,
                                 double             wx,
                                 double             wy)
{
  g_autofree char *process = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), FALSE);

  if (self->drag_mode != DRAG_WIRE)
    return FALSE;

  self->drag_x = wx;
  self->drag_y = wy;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (!basalt_graph_canvas_pick (self, wx, wy, &process, &port) || port == NULL ||
      (g_strcmp0 (process, self->wire_process) == 0 && g_strcmp0 (port, self->wire_port) == 0))
    {
      _basalt_graph_canvas_clear_hover (self);
      _basalt_graph_canvas_set_message (self, NULL);
      return FALSE;
    }

  if (g_strcmp0 (process, self->hover_process) == 0 && g_strcmp0 (port, self->hover_port) == 0)
    return self->hover_valid;

  bsl_set_str (&self->hover_process, process);
  bsl_set_str (&self->hover_port, port);

  /* The wire goes from where the drag started to where it is: the engine explains what is
   * wrong with that (wrong direction, shape mismatch, ...). */
  if (self->wire_direction == BSL_PORT_OUT)
    self->hover_valid = bsl_graph_can_connect (self->graph, self->wire_process, self->wire_port,
                                               process, port, &error);
  else
    self->hover_valid = bsl_graph_can_connect (self->graph, process, port,
                                               self->wire_process, self->wire_port, &error);

  _basalt_graph_canvas_set_message (self, self->hover_valid ? NULL
                                    : (error ? error->message : "cannot connect these ports"));
  return self->hover_valid;
}

gboolean
basalt_graph_canvas_end_wire (BasaltGraphCanvas *self,
                              double             wx,
                              double             wy)
{
  gboolean valid;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), FALSE);

  if (self->drag_mode != DRAG_WIRE)
    return FALSE;

  valid = basalt_graph_canvas_update_wire (self, wx, wy);
  self->drag_mode = DRAG_NONE;

  if (valid)
    {
      g_autofree char *process = g_strdup (self->hover_process);
      g_autofree char *port = g_strdup (self->hover_port);

      _basalt_graph_canvas_clear_hover (self);
      /* The owner makes the edit (the Designer page's graph.connect action). */
      if (self->wire_direction == BSL_PORT_OUT)
        gtk_widget_activate_action (GTK_WIDGET (self), "graph.connect", "(ssss)",
                                    self->wire_process, self->wire_port, process, port);
      else
        gtk_widget_activate_action (GTK_WIDGET (self), "graph.connect", "(ssss)",
                                    process, port, self->wire_process, self->wire_port);
    }
  else
    {
      _basalt_graph_canvas_clear_hover (self);
      if (self->message != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-message", "s", self->message);
    }

  g_clear_pointer (&self->wire_process, g_free);
  g_clear_pointer (&self->wire_port, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return valid;
}

const char *
basalt_graph_canvas_get_message (BasaltGraphCanvas *self)
{
  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), NULL);

  return self->message;
}
