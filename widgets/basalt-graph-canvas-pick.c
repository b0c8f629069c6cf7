/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Hit testing: what is under a point of the widget. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "basalt-graph-canvas-private.h"

CanvasGroup *
_basalt_graph_canvas_pick_group (BasaltGraphCanvas *self,
                                 double             wx,
                                 double             wy)
{
  double cx, cy;

  basalt_graph_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  for (guint i = self->groups->len; i > 0; i--)
    {
      CanvasGroup *group = g_ptr_array_index (self->groups, i - 1);
      g_autoptr(GPtrArray) ins = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func (g_free);
      double x, y;

      if (!group->collapsed)
        continue;
      basalt_canvas_group_ports (group, self->graph, ins, outs);
      _basalt_graph_canvas_group_origin (self, group, &x, &y);
      if (cx >= x && cx <= x + NODE_W && cy >= y && cy <= y + _basalt_graph_canvas_group_height (ins->len, outs->len))
        return group;
    }
  return NULL;
}

static double
distance_to_wire (double px,
                  double py,
                  double x1,
                  double y1,
                  double x2,
                  double y2)
{
  Bezier segments[2];
  guint n = _basalt_graph_canvas_wire_segments (x1, y1, x2, y2, segments);
  double best = G_MAXDOUBLE;

  for (guint s = 0; s < n; s++)
    {
      const Bezier *b = &segments[s];
      double prev_x = b->x0, prev_y = b->y0;

      for (int i = 1; i <= 32; i++)
        {
          double t = i / 32.0, u = 1 - t;
          double bx = u * u * u * b->x0 + 3 * u * u * t * b->c1x + 3 * u * t * t * b->c2x + t * t * t * b->x1;
          double by = u * u * u * b->y0 + 3 * u * u * t * b->c1y + 3 * u * t * t * b->c2y + t * t * t * b->y1;
          double sx = bx - prev_x, sy = by - prev_y;
          double len2 = sx * sx + sy * sy;
          double k = len2 > 0 ? CLAMP (((px - prev_x) * sx + (py - prev_y) * sy) / len2, 0, 1) : 0;
          double dx = prev_x + k * sx - px, dy = prev_y + k * sy - py;

          best = MIN (best, sqrt (dx * dx + dy * dy));
          prev_x = bx;
          prev_y = by;
        }
    }

  return best;
}

const BslConnection *
_basalt_graph_canvas_pick_wire (BasaltGraphCanvas *self,
                                double             wx,
                                double             wy)
{
  double cx, cy;

  if (self->graph == NULL)
    return NULL;

  basalt_graph_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);

  for (guint i = 0; i < bsl_graph_get_n_connections (self->graph); i++)
    {
      const BslConnection *connection = bsl_graph_get_connection (self->graph, i);
      double x1, y1, x2, y2;
      gboolean ok;

      _basalt_graph_canvas_wire_endpoints (self, connection, &x1, &y1, &x2, &y2, &ok);
      if (ok && distance_to_wire (cx, cy, x1, y1, x2, y2) <= WIRE_HIT / self->zoom)
        return connection;
    }

  return NULL;
}

gboolean
basalt_graph_canvas_pick (BasaltGraphCanvas  *self,
                          double              wx,
                          double              wy,
                          char              **process_out,
                          char              **port_out)
{
  double cx, cy, hit;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), FALSE);

  if (process_out)
    *process_out = NULL;
  if (port_out)
    *port_out = NULL;

  if (self->graph == NULL)
    return FALSE;

  basalt_graph_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  hit = PORT_HIT / self->zoom;

  /* The ports on collapsed groups' nodes stand for their members' ports. */
  for (guint i = 0; i < self->groups->len; i++)
    {
      CanvasGroup *group = g_ptr_array_index (self->groups, i);
      g_autoptr(GPtrArray) ins = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func (g_free);

      if (!group->collapsed)
        continue;
      basalt_canvas_group_ports (group, self->graph, ins, outs);
      for (guint side = 0; side < 2; side++)
        {
          GPtrArray *endpoints = side == 0 ? ins : outs;

          for (guint k = 0; k < endpoints->len; k++)
            {
              const char *endpoint = g_ptr_array_index (endpoints, k);
              const char *dot = strrchr (endpoint, '.');
              double px, py;

              if (dot == NULL || !_basalt_graph_canvas_group_port_point (self, group, endpoint, side == 1, &px, &py) ||
                  fabs (px - cx) > hit || fabs (py - cy) > hit)
                continue;
              if (process_out)
                *process_out = g_strndup (endpoint, dot - endpoint);
              if (port_out)
                *port_out = g_strdup (dot + 1);
              return TRUE;
            }
        }
    }

  /* Topmost first: later processes are drawn over earlier ones. */
  for (guint i = bsl_graph_get_n_processes (self->graph); i > 0; i--)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i - 1);
      const BslProcType *type = bsl_process_get_proc_type (process);
      double x, y, h = _basalt_graph_canvas_node_height (process);

      if (basalt_canvas_groups_find_hiding (self->groups, bsl_process_get_name (process)) != NULL)
        continue;
      _basalt_graph_canvas_node_origin (self, process, i - 1, &x, &y);

      for (guint p = 0; p < type->n_ports; p++)
        {
          double px, py;

          _basalt_graph_canvas_port_point (self, process, i - 1, type->ports[p].name, &px, &py);
          if (fabs (px - cx) <= hit && fabs (py - cy) <= hit)
            {
              if (process_out)
                *process_out = g_strdup (bsl_process_get_name (process));
              if (port_out)
                *port_out = g_strdup (type->ports[p].name);
              return TRUE;
            }
        }

      if (cx >= x && cx <= x + NODE_W && cy >= y && cy <= y + h)
        {
          if (process_out)
            *process_out = g_strdup (bsl_process_get_name (process));
          return TRUE;
        }
    }

  return FALSE;
}
