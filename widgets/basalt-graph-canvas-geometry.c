/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Where nodes, ports, groups and wires are, in canvas units. */

#include "config.h"

#include "basalt-graph-canvas-private.h"

static void
count_ports (const BslProcess *process,
             guint            *n_in,
             guint            *n_out)
{
  const BslProcType *type = bsl_process_get_proc_type (process);

  *n_in = *n_out = 0;
  for (guint i = 0; i < type->n_ports; i++)
    {
      if (type->ports[i].direction == BSL_PORT_IN)
        (*n_in)++;
      else
        (*n_out)++;
    }
}

double
_basalt_graph_canvas_node_height (const BslProcess *process)
{
  guint n_in, n_out;

  count_ports (process, &n_in, &n_out);
  return HEADER_H + SUB_H + MAX (MAX (n_in, n_out), 1) * PORT_ROW + NODE_PAD;
}

void
_basalt_graph_canvas_node_origin (BasaltGraphCanvas *self,
                                  const BslProcess  *process,
                                  guint              position,
                                  double            *x,
                                  double            *y)
{
  if (!bsl_process_get_position (process, x, y))
    {
      /* Unplaced processes (e.g. from a hand-written file) get a tidy grid, left to right. */
      *x = 40 + (position % 4) * 240;
      *y = 40 + (position / 4) * 170;
    }

  if (self->drag_mode == DRAG_MOVE && g_hash_table_contains (self->selection, bsl_process_get_name (process)))
    {
      *x += self->move_dx;
      *y += self->move_dy;
    }
}

gboolean
_basalt_graph_canvas_port_point (BasaltGraphCanvas *self,
                                 const BslProcess  *process,
                                 guint              position,
                                 const char        *port,
                                 double            *cx,
                                 double            *cy)
{
  const BslProcType *type = bsl_process_get_proc_type (process);
  guint row_in = 0, row_out = 0;
  double x, y;

  _basalt_graph_canvas_node_origin (self, process, position, &x, &y);

  for (guint i = 0; i < type->n_ports; i++)
    {
      const BslPortSpec *spec = &type->ports[i];
      gboolean is_in = spec->direction == BSL_PORT_IN;
      guint row = is_in ? row_in++ : row_out++;

      if (g_strcmp0 (spec->name, port) == 0)
        {
          *cx = is_in ? x : x + NODE_W;
          *cy = y + HEADER_H + SUB_H + row * PORT_ROW + PORT_ROW / 2;
          return TRUE;
        }
    }

  return FALSE;
}

const BslProcess *
_basalt_graph_canvas_find_process (BasaltGraphCanvas *self,
                                   const char        *name,
                                   guint             *position)
{
  if (self->graph == NULL || name == NULL)
    return NULL;

  for (guint i = 0; i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i);

      if (g_strcmp0 (bsl_process_get_name (process), name) == 0)
        {
          if (position)
            *position = i;
          return process;
        }
    }

  return NULL;
}

/* The graph's groups changed: read them again. */
void
_basalt_graph_canvas_parse_groups (BasaltGraphCanvas *self)
{
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  self->groups = basalt_canvas_groups_new (self->graph);
}

double
_basalt_graph_canvas_group_height (guint n_in,
                                   guint n_out)
{
  return HEADER_H + SUB_H + MAX (MAX (n_in, n_out), 1) * PORT_ROW + NODE_PAD;
}

void
_basalt_graph_canvas_group_origin (BasaltGraphCanvas *self,
                                   CanvasGroup       *group,
                                   double            *x,
                                   double            *y)
{
  if (group->has_position)
    {
      *x = group->x;
      *y = group->y;
    }
  else
    {
      *x = *y = G_MAXDOUBLE;
      for (guint i = 0; self->graph && i < bsl_graph_get_n_processes (self->graph); i++)
        {
          const BslProcess *process = bsl_graph_get_process (self->graph, i);
          double px, py;

          if (!g_hash_table_contains (group->members, bsl_process_get_name (process)))
            continue;
          _basalt_graph_canvas_node_origin (self, process, i, &px, &py);
          *x = MIN (*x, px);
          *y = MIN (*y, py);
        }
      if (*x == G_MAXDOUBLE)
        *x = *y = 0;
    }

  if (self->drag_mode == DRAG_GROUP && g_strcmp0 (self->drag_group, group->name) == 0)
    {
      *x += self->group_dx;
      *y += self->group_dy;
    }
}

gboolean
_basalt_graph_canvas_group_port_point (BasaltGraphCanvas *self,
                                       CanvasGroup       *group,
                                       const char        *endpoint,
                                       gboolean           out,
                                       double            *cx,
                                       double            *cy)
{
  g_autoptr(GPtrArray) ins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func (g_free);
  guint row;
  double x, y;

  basalt_canvas_group_ports (group, self->graph, ins, outs);
  if (!g_ptr_array_find_with_equal_func (out ? outs : ins, endpoint, g_str_equal, &row))
    return FALSE;
  _basalt_graph_canvas_group_origin (self, group, &x, &y);
  *cx = out ? x + NODE_W : x;
  *cy = y + HEADER_H + SUB_H + row * PORT_ROW + PORT_ROW / 2;
  return TRUE;
}

void
basalt_graph_canvas_widget_to_canvas (BasaltGraphCanvas *self,
                                      double             wx,
                                      double             wy,
                                      double            *cx,
                                      double            *cy)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  *cx = wx / self->zoom + self->offset_x;
  *cy = wy / self->zoom + self->offset_y;
}

void
basalt_graph_canvas_canvas_to_widget (BasaltGraphCanvas *self,
                                      double             cx,
                                      double             cy,
                                      double            *wx,
                                      double            *wy)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  *wx = (cx - self->offset_x) * self->zoom;
  *wy = (cy - self->offset_y) * self->zoom;
}

/* Where a port's connector is drawn: on its node, or on the node of the collapsed group that
 * hides it (only ports that connect the group to the rest are shown there). */
gboolean
_basalt_graph_canvas_endpoint_point (BasaltGraphCanvas *self,
                                     const char        *process_name,
                                     const char        *port,
                                     double            *cx,
                                     double            *cy)
{
  guint position = 0;
  const BslProcess *process = _basalt_graph_canvas_find_process (self, process_name, &position);
  const BslPortSpec *spec;
  CanvasGroup *group;

  if (process == NULL || (spec = bsl_proc_type_find_port (bsl_process_get_proc_type (process), port)) == NULL)
    return FALSE;
  if ((group = basalt_canvas_groups_find_hiding (self->groups, process_name)) != NULL)
    {
      g_autofree char *endpoint = g_strdup_printf ("%s.%s", process_name, port);

      return _basalt_graph_canvas_group_port_point (self, group, endpoint, spec->direction == BSL_PORT_OUT, cx, cy);
    }
  return _basalt_graph_canvas_port_point (self, process, position, port, cx, cy);
}

void
_basalt_graph_canvas_wire_endpoints (BasaltGraphCanvas   *self,
                                     const BslConnection *connection,
                                     double              *x1,
                                     double              *y1,
                                     double              *x2,
                                     double              *y2,
                                     gboolean            *ok)
{
  const char *from_process = bsl_connection_get_from_process (connection);
  const char *from_port = bsl_connection_get_from_port (connection);
  const char *to_process = bsl_connection_get_to_process (connection);
  const char *to_port = bsl_connection_get_to_port (connection);
  guint from_pos = 0, to_pos = 0;
  const BslProcess *from = _basalt_graph_canvas_find_process (self, from_process, &from_pos);
  const BslProcess *to = _basalt_graph_canvas_find_process (self, to_process, &to_pos);
  CanvasGroup *from_group = basalt_canvas_groups_find_hiding (self->groups, from_process);
  CanvasGroup *to_group = basalt_canvas_groups_find_hiding (self->groups, to_process);

  /* Wires inside a collapsed group are not drawn; wires into it end at its node. */
  if (from == NULL || to == NULL || (from_group != NULL && from_group == to_group))
    {
      *ok = FALSE;
      return;
    }

  if (from_group != NULL)
    {
      g_autofree char *endpoint = g_strdup_printf ("%s.%s", from_process, from_port);

      *ok = _basalt_graph_canvas_group_port_point (self, from_group, endpoint, TRUE, x1, y1);
    }
  else
    *ok = _basalt_graph_canvas_port_point (self, from, from_pos, from_port, x1, y1);

  if (!*ok)
    return;

  if (to_group != NULL)
    {
      g_autofree char *endpoint = g_strdup_printf ("%s.%s", to_process, to_port);

      *ok = _basalt_graph_canvas_group_port_point (self, to_group, endpoint, FALSE, x2, y2);
    }
  else
    *ok = _basalt_graph_canvas_port_point (self, to, to_pos, to_port, x2, y2);
}

/* A wire leaves its OutPort to the right and enters its InPort from the left. When the InPort
 * is not to the right of the OutPort, the wire loops below both ends instead of cutting back
 * across the nodes. */
guint
_basalt_graph_canvas_wire_segments (double  x1,
                                    double  y1,
                                    double  x2,
                                    double  y2,
                                    Bezier  segments[2])
{
  if (x2 >= x1 + 40)
    {
      double dx = MAX (50.0, (x2 - x1) * 0.5);

      segments[0] = (Bezier) { x1, y1, x1 + dx, y1, x2 - dx, y2, x2, y2 };
      return 1;
    }
  else
    {
      double d = 60, xm = (x1 + x2) / 2, ym = MAX (y1, y2) + 70;

      segments[0] = (Bezier) { x1, y1, x1 + d, y1, x1 + d, ym, xm, ym };
      segments[1] = (Bezier) { xm, ym, x2 - d, ym, x2 - d, y2, x2, y2 };
      return 2;
    }
}
