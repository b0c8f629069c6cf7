/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The node canvas. Nodes, ports and wires are drawn in one cairo node per frame (GTK 4.8 has no
 * GskPath); hit testing is geometric, in canvas units. The graph is only read here: gestures
 * become signals, and the owner turns them into undoable edits and calls refresh(). */

#include "config.h"

#include <math.h>
#include <string.h>

#include "basalt-graph-canvas-private.h"
#include "basalt-canvas-groups.h"
#include "bsl-strings.h"

#define NODE_W      180.0
#define HEADER_H     26.0
#define SUB_H        18.0
#define PORT_ROW     20.0
#define NODE_PAD      8.0
#define PORT_R        5.0
#define PORT_HIT     10.0   /* widget pixels */
#define WIRE_HIT      6.0   /* widget pixels */
#define MIN_ZOOM      0.15
#define MAX_ZOOM      3.0
#define GRID          24.0

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_MOVE,
  DRAG_RUBBER,
  DRAG_WIRE,
  DRAG_CLICK_EMPTY,
  DRAG_GROUP,
} DragMode;

/* The groups as the canvas shows them (basalt-canvas-groups.c) */
typedef BasaltCanvasGroup CanvasGroup;

struct _BasaltGraphCanvas
{
  GtkWidget       parent_instance;

  BslGraph       *graph;
  GHashTable     *selection;       /* process name -> NULL */
  BslConnection  *selected_wire;   /* a copy, matched by value */
  GHashTable     *probed;

  double          zoom;
  double          offset_x;        /* canvas coordinate at the widget's left edge */
  double          offset_y;

  /* Gestures */
  DragMode        drag_mode;
  double          drag_start_x;    /* widget coordinates */
  double          drag_start_y;
  double          drag_x;
  double          drag_y;
  double          move_dx;         /* canvas units, while moving nodes */
  double          move_dy;
  gboolean        drag_toggle;     /* Ctrl held at press */
  char           *press_node;
  double          pan_start_x;
  double          pan_start_y;
  double          zoom_start;

  /* Wiring */
  char           *wire_process;
  char           *wire_port;
  BslPortDirection wire_direction;
  char           *hover_process;
  char           *hover_port;
  gboolean        hover_valid;
  char           *message;

  GtkWidget      *menu;
  gboolean        fit_pending;

  GPtrArray      *groups;          /* CanvasGroup* */
  char           *selected_group;
  char           *drag_group;
  double          group_dx, group_dy;
};

G_DEFINE_FINAL_TYPE (BasaltGraphCanvas, basalt_graph_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ZOOM,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PROCESS_DROPPED,
  PROCESSES_MOVED,
  PROCESS_ACTIVATED,
  SELECTION_CHANGED,
  POPULATE_MENU,
  CONNECT_REFUSED,
  GROUP_MOVED,
  GROUP_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_message (BasaltGraphCanvas *self,
             const char        *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

/* Geometry */

static void
count_ports (const BslProcess *process,
             guint            *n_in,
             guint            *n_out)
{
  *n_in = *n_out = 0;
  for (guint i = 0; i < process->type->n_ports; i++)
    {
      if (process->type->ports[i].direction == BSL_PORT_IN)
        (*n_in)++;
      else
        (*n_out)++;
    }
}

static double
node_height (const BslProcess *process)
{
  guint n_in, n_out;

  count_ports (process, &n_in, &n_out);
  return HEADER_H + SUB_H + MAX (MAX (n_in, n_out), 1) * PORT_ROW + NODE_PAD;
}

static void
node_origin (BasaltGraphCanvas *self,
             const BslProcess  *process,
             guint              position,
             double            *x,
             double            *y)
{
  if (process->has_position)
    {
      *x = process->x;
      *y = process->y;
    }
  else
    {
      /* Unplaced processes (e.g. from a hand-written file) get a tidy grid, left to right. */
      *x = 40 + (position % 4) * 240;
      *y = 40 + (position / 4) * 170;
    }

  if (self->drag_mode == DRAG_MOVE && g_hash_table_contains (self->selection, process->name))
    {
      *x += self->move_dx;
      *y += self->move_dy;
    }
}

static gboolean
port_point (BasaltGraphCanvas *self,
            const BslProcess  *process,
            guint              position,
            const char        *port,
            double            *cx,
            double            *cy)
{
  guint row_in = 0, row_out = 0;
  double x, y;

  node_origin (self, process, position, &x, &y);

  for (guint i = 0; i < process->type->n_ports; i++)
    {
      const BslPortSpec *spec = &process->type->ports[i];
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

static const BslProcess *
find_process (BasaltGraphCanvas *self,
              const char        *name,
              guint             *position)
{
  if (self->graph == NULL || name == NULL)
    return NULL;

  for (guint i = 0; i < self->graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i);

      if (g_strcmp0 (process->name, name) == 0)
        {
          if (position)
            *position = i;
          return process;
        }
    }

  return NULL;
}

/* The graph's groups changed: read them again. */
static void
parse_groups (BasaltGraphCanvas *self)
{
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  self->groups = basalt_canvas_groups_new (self->graph);
}

static double
group_height (guint n_in,
              guint n_out)
{
  return HEADER_H + SUB_H + MAX (MAX (n_in, n_out), 1) * PORT_ROW + NODE_PAD;
}

static void
group_origin (BasaltGraphCanvas *self,
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
      for (guint i = 0; self->graph && i < self->graph->processes->len; i++)
        {
          const BslProcess *process = g_ptr_array_index (self->graph->processes, i);
          double px, py;

          if (!g_hash_table_contains (group->members, process->name))
            continue;
          node_origin (self, process, i, &px, &py);
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

static gboolean
group_port_point (BasaltGraphCanvas *self,
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
  group_origin (self, group, &x, &y);
  *cx = out ? x + NODE_W : x;
  *cy = y + HEADER_H + SUB_H + row * PORT_ROW + PORT_ROW / 2;
  return TRUE;
}

static CanvasGroup *
pick_group (BasaltGraphCanvas *self,
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
      group_origin (self, group, &x, &y);
      if (cx >= x && cx <= x + NODE_W && cy >= y && cy <= y + group_height (ins->len, outs->len))
        return group;
    }
  return NULL;
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
static gboolean
endpoint_point (BasaltGraphCanvas *self,
                const char        *process_name,
                const char        *port,
                double            *cx,
                double            *cy)
{
  guint position = 0;
  const BslProcess *process = find_process (self, process_name, &position);
  const BslPortSpec *spec;
  CanvasGroup *group;

  if (process == NULL || (spec = bsl_proc_type_find_port (process->type, port)) == NULL)
    return FALSE;
  if ((group = basalt_canvas_groups_find_hiding (self->groups, process_name)) != NULL)
    {
      g_autofree char *endpoint = g_strdup_printf ("%s.%s", process_name, port);

      return group_port_point (self, group, endpoint, spec->direction == BSL_PORT_OUT, cx, cy);
    }
  return port_point (self, process, position, port, cx, cy);
}

static void
wire_endpoints (BasaltGraphCanvas   *self,
                const BslConnection *connection,
                double              *x1,
                double              *y1,
                double              *x2,
                double              *y2,
                gboolean            *ok)
{
  guint from_pos = 0, to_pos = 0;
  const BslProcess *from = find_process (self, connection->from_process, &from_pos);
  const BslProcess *to = find_process (self, connection->to_process, &to_pos);
  CanvasGroup *from_group = basalt_canvas_groups_find_hiding (self->groups, connection->from_process);
  CanvasGroup *to_group = basalt_canvas_groups_find_hiding (self->groups, connection->to_process);

  /* Wires inside a collapsed group are not drawn; wires into it end at its node. */
  if (from == NULL || to == NULL || (from_group != NULL && from_group == to_group))
    {
      *ok = FALSE;
      return;
    }

  if (from_group != NULL)
    {
      g_autofree char *endpoint = g_strdup_printf ("%s.%s", connection->from_process, connection->from_port);

      *ok = group_port_point (self, from_group, endpoint, TRUE, x1, y1);
    }
  else
    *ok = port_point (self, from, from_pos, connection->from_port, x1, y1);

  if (!*ok)
    return;

  if (to_group != NULL)
    {
      g_autofree char *endpoint = g_strdup_printf ("%s.%s", connection->to_process, connection->to_port);

      *ok = group_port_point (self, to_group, endpoint, FALSE, x2, y2);
    }
  else
    *ok = port_point (self, to, to_pos, connection->to_port, x2, y2);
}

typedef struct
{
  double x0, y0, c1x, c1y, c2x, c2y, x1, y1;
} Bezier;

/* A wire leaves its OutPort to the right and enters its InPort from the left. When the InPort
 * is not to the right of the OutPort, the wire loops below both ends instead of cutting back
 * across the nodes. */
static guint
wire_segments (double  x1,
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

static double
distance_to_wire (double px,
                  double py,
                  double x1,
                  double y1,
                  double x2,
                  double y2)
{
  Bezier segments[2];
  guint n = wire_segments (x1, y1, x2, y2, segments);
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

static const BslConnection *
pick_wire (BasaltGraphCanvas *self,
           double             wx,
           double             wy)
{
  double cx, cy;

  if (self->graph == NULL)
    return NULL;

  basalt_graph_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);

  for (guint i = 0; i < self->graph->connections->len; i++)
    {
      const BslConnection *connection = g_ptr_array_index (self->graph->connections, i);
      double x1, y1, x2, y2;
      gboolean ok;

      wire_endpoints (self, connection, &x1, &y1, &x2, &y2, &ok);
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

              if (dot == NULL || !group_port_point (self, group, endpoint, side == 1, &px, &py) ||
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
  for (guint i = self->graph->processes->len; i > 0; i--)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i - 1);
      double x, y, h = node_height (process);

      if (basalt_canvas_groups_find_hiding (self->groups, process->name) != NULL)
        continue;
      node_origin (self, process, i - 1, &x, &y);

      for (guint p = 0; p < process->type->n_ports; p++)
        {
          double px, py;

          port_point (self, process, i - 1, process->type->ports[p].name, &px, &py);
          if (fabs (px - cx) <= hit && fabs (py - cy) <= hit)
            {
              if (process_out)
                *process_out = g_strdup (process->name);
              if (port_out)
                *port_out = g_strdup (process->type->ports[p].name);
              return TRUE;
            }
        }

      if (cx >= x && cx <= x + NODE_W && cy >= y && cy <= y + h)
        {
          if (process_out)
            *process_out = g_strdup (process->name);
          return TRUE;
        }
    }

  return FALSE;
}

/* Drawing */

static void
category_color (BslCategory category,
                GdkRGBA    *rgba)
{
  switch (category)
    {
    case BSL_CATEGORY_NEURONS:
      gdk_rgba_parse (rgba, "#3584e4");
      break;
    case BSL_CATEGORY_CONNECTIONS:
      gdk_rgba_parse (rgba, "#e66100");
      break;
    case BSL_CATEGORY_INPUTS:
      gdk_rgba_parse (rgba, "#26a269");
      break;
    case BSL_CATEGORY_MONITORS:
    case BSL_N_CATEGORIES:
    default:
      gdk_rgba_parse (rgba, "#9141ac");
      break;
    }
}

static void
draw_text (cairo_t               *cr,
           PangoLayout           *layout,
           const char            *text,
           double                 x,
           double                 y,
           double                 max_width,
           PangoAlignment         align)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, align);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_wire (cairo_t *cr,
           double   x1,
           double   y1,
           double   x2,
           double   y2)
{
  Bezier segments[2];
  guint n = wire_segments (x1, y1, x2, y2, segments);

  cairo_move_to (cr, x1, y1);
  for (guint s = 0; s < n; s++)
    cairo_curve_to (cr, segments[s].c1x, segments[s].c1y, segments[s].c2x, segments[s].c2y,
                    segments[s].x1, segments[s].y1);
  cairo_stroke (cr);
}

static gboolean
connection_equal (const BslConnection *a,
                  const BslConnection *b)
{
  return a != NULL && b != NULL &&
         g_strcmp0 (a->from_process, b->from_process) == 0 &&
         g_strcmp0 (a->from_port, b->from_port) == 0 &&
         g_strcmp0 (a->to_process, b->to_process) == 0 &&
         g_strcmp0 (a->to_port, b->to_port) == 0;
}

static void
draw_node (BasaltGraphCanvas *self,
           cairo_t           *cr,
           PangoLayout       *layout,
           const BslProcess  *process,
           guint              position)
{
  gboolean selected = g_hash_table_contains (self->selection, process->name);
  g_autofree char *shape = bsl_process_dup_shape_string (process);
  g_autofree char *subtitle = NULL;
  PangoFontDescription *font;
  double x, y, h = node_height (process);
  guint row_in = 0, row_out = 0;
  GdkRGBA color;

  node_origin (self, process, position, &x, &y);
  category_color (process->type->category, &color);

  /* Shadow, body, header */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.12);
  cairo_rectangle (cr, x + 2, y + 3, NODE_W, h);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, NODE_W, h);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_rectangle (cr, x, y, NODE_W, HEADER_H);
  cairo_fill (cr);

  if (selected)
    {
      cairo_set_source_rgb (cr, 0.95, 0.75, 0.1);
      cairo_set_line_width (cr, 3.0);
    }
  else
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
      cairo_set_line_width (cr, 1.0);
    }
  cairo_rectangle (cr, x, y, NODE_W, h);
  cairo_stroke (cr);

  if (g_hash_table_contains (self->probed, process->name))
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_arc (cr, x + NODE_W - 12, y + HEADER_H / 2, 4, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  font = pango_font_description_from_string ("Sans Bold 10");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_text (cr, layout, process->name, x + 8, y + 5, NODE_W - 28, PANGO_ALIGN_LEFT);

  font = pango_font_description_from_string ("Sans 8");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  subtitle = g_strdup_printf ("%s %s%s%s", process->type->name, shape,
                              process->model != BSL_TAG_NONE ? " · " : "",
                              process->model != BSL_TAG_NONE ? bsl_tag_to_string (process->model) : "");
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.38);
  draw_text (cr, layout, subtitle, x + 8, y + HEADER_H + 2, NODE_W - 16, PANGO_ALIGN_LEFT);

  for (guint i = 0; i < process->type->n_ports; i++)
    {
      const BslPortSpec *spec = &process->type->ports[i];
      gboolean is_in = spec->direction == BSL_PORT_IN;
      guint row = is_in ? row_in++ : row_out++;
      double py = y + HEADER_H + SUB_H + row * PORT_ROW + PORT_ROW / 2;
      double px = is_in ? x : x + NODE_W;
      gboolean hovered = g_strcmp0 (self->hover_process, process->name) == 0 &&
                         g_strcmp0 (self->hover_port, spec->name) == 0;

      cairo_set_source_rgb (cr, 0.2, 0.2, 0.22);
      draw_text (cr, layout, spec->name, is_in ? x + 10 : x + NODE_W / 2, py - 7,
                 NODE_W / 2 - 10, is_in ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);

      if (hovered && self->drag_mode == DRAG_WIRE)
        cairo_set_source_rgb (cr, self->hover_valid ? 0.15 : 0.88, self->hover_valid ? 0.64 : 0.11,
                              self->hover_valid ? 0.41 : 0.14);
      else
        gdk_cairo_set_source_rgba (cr, &color);
      cairo_arc (cr, px, py, hovered ? PORT_R + 2 : PORT_R, 0, 2 * G_PI);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
}

static void
draw_group_node (BasaltGraphCanvas *self,
                 cairo_t           *cr,
                 PangoLayout       *layout,
                 CanvasGroup       *group)
{
  g_autoptr(GPtrArray) ins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *subtitle = NULL;
  PangoFontDescription *font;
  gboolean selected = g_strcmp0 (self->selected_group, group->name) == 0;
  double x, y, h;

  basalt_canvas_group_ports (group, self->graph, ins, outs);
  group_origin (self, group, &x, &y);
  h = group_height (ins->len, outs->len);

  /* A stack of cards: it stands for several processes. */
  for (int k = 2; k >= 1; k--)
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.10);
      cairo_rectangle (cr, x + 4 * k, y - 4 * k, NODE_W, h);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.97, 0.97, 0.97);
      cairo_rectangle (cr, x + 4 * k - 1, y - 4 * k - 1, NODE_W, h);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, NODE_W, h);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.37, 0.36, 0.39);
  cairo_rectangle (cr, x, y, NODE_W, HEADER_H);
  cairo_fill (cr);
  if (selected)
    {
      cairo_set_source_rgb (cr, 0.95, 0.75, 0.1);
      cairo_set_line_width (cr, 3.0);
    }
  else
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
      cairo_set_line_width (cr, 1.0);
    }
  cairo_rectangle (cr, x, y, NODE_W, h);
  cairo_stroke (cr);

  font = pango_font_description_from_string ("Sans Bold 10");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_text (cr, layout, group->name, x + 8, y + 5, NODE_W - 16, PANGO_ALIGN_LEFT);

  font = pango_font_description_from_string ("Sans 8");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  subtitle = g_strdup_printf ("group of %u processes", g_hash_table_size (group->members));
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.38);
  draw_text (cr, layout, subtitle, x + 8, y + HEADER_H + 2, NODE_W - 16, PANGO_ALIGN_LEFT);

  for (guint side = 0; side < 2; side++)
    {
      GPtrArray *endpoints = side == 0 ? ins : outs;

      for (guint row = 0; row < endpoints->len; row++)
        {
          double py = y + HEADER_H + SUB_H + row * PORT_ROW + PORT_ROW / 2;
          double px = side == 0 ? x : x + NODE_W;

          cairo_set_source_rgb (cr, 0.2, 0.2, 0.22);
          draw_text (cr, layout, g_ptr_array_index (endpoints, row), side == 0 ? x + 10 : x + 10,
                     py - 7, NODE_W - 20, side == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
          cairo_set_source_rgb (cr, 0.37, 0.36, 0.39);
          cairo_arc (cr, px, py, PORT_R, 0, 2 * G_PI);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
}

/* An open group: a labelled frame around its members. */
static void
draw_group_frame (BasaltGraphCanvas *self,
                  cairo_t           *cr,
                  PangoLayout       *layout,
                  CanvasGroup       *group)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  PangoFontDescription *font;

  for (guint i = 0; self->graph && i < self->graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i);
      double x, y;

      if (!g_hash_table_contains (group->members, process->name))
        continue;
      node_origin (self, process, i, &x, &y);
      x0 = MIN (x0, x);
      y0 = MIN (y0, y);
      x1 = MAX (x1, x + NODE_W);
      y1 = MAX (y1, y + node_height (process));
    }
  if (x0 > x1)
    return;

  x0 -= 14;
  y0 -= 30;
  x1 += 14;
  y1 += 14;
  cairo_set_source_rgba (cr, 0.37, 0.36, 0.39, 0.07);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0.37, 0.36, 0.39, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, (double[]) { 5, 3 }, 2, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  font = pango_font_description_from_string ("Sans Bold 9");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  cairo_set_source_rgba (cr, 0.37, 0.36, 0.39, 0.9);
  draw_text (cr, layout, group->name, x0 + 8, y0 + 4, x1 - x0 - 16, PANGO_ALIGN_LEFT);
}

static void
basalt_graph_canvas_draw (BasaltGraphCanvas *self,
                          cairo_t           *cr,
                          int                width,
                          int                height)
{
  PangoLayout *layout;
  double gx0, gy0, gx1, gy1;

  cairo_set_source_rgb (cr, 0.965, 0.965, 0.96);
  cairo_paint (cr);

  cairo_save (cr);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_translate (cr, -self->offset_x, -self->offset_y);

  /* Dot grid */
  basalt_graph_canvas_widget_to_canvas (self, 0, 0, &gx0, &gy0);
  basalt_graph_canvas_widget_to_canvas (self, width, height, &gx1, &gy1);
  if (self->zoom > 0.4)
    {
      cairo_set_source_rgb (cr, 0.82, 0.82, 0.8);
      for (double gx = floor (gx0 / GRID) * GRID; gx <= gx1; gx += GRID)
        for (double gy = floor (gy0 / GRID) * GRID; gy <= gy1; gy += GRID)
          cairo_rectangle (cr, gx - 0.75, gy - 0.75, 1.5, 1.5);
      cairo_fill (cr);
    }

  if (self->graph == NULL)
    {
      cairo_restore (cr);
      return;
    }

  layout = pango_cairo_create_layout (cr);
  for (guint i = 0; i < self->groups->len; i++)
    {
      CanvasGroup *group = g_ptr_array_index (self->groups, i);

      if (!group->collapsed)
        draw_group_frame (self, cr, layout, group);
    }

  /* Wires under the nodes */
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < self->graph->connections->len; i++)
    {
      const BslConnection *connection = g_ptr_array_index (self->graph->connections, i);
      double x1, y1, x2, y2;
      gboolean ok, selected = connection_equal (connection, self->selected_wire);

      wire_endpoints (self, connection, &x1, &y1, &x2, &y2, &ok);
      if (!ok)
        continue;
      if (selected)
        {
          cairo_set_source_rgb (cr, 0.95, 0.75, 0.1);
          cairo_set_line_width (cr, 5.0);
          draw_wire (cr, x1, y1, x2, y2);
        }
      cairo_set_source_rgb (cr, 0.33, 0.34, 0.36);
      cairo_set_line_width (cr, 2.0);
      draw_wire (cr, x1, y1, x2, y2);
    }

  for (guint i = 0; i < self->graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i);

      if (basalt_canvas_groups_find_hiding (self->groups, process->name) == NULL)
        draw_node (self, cr, layout, process, i);
    }
  for (guint i = 0; i < self->groups->len; i++)
    {
      CanvasGroup *group = g_ptr_array_index (self->groups, i);

      if (group->collapsed)
        draw_group_node (self, cr, layout, group);
    }

  /* The wire being dragged */
  if (self->drag_mode == DRAG_WIRE)
    {
      double px, py, cx, cy;

      if (endpoint_point (self, self->wire_process, self->wire_port, &px, &py))
        {
          basalt_graph_canvas_widget_to_canvas (self, self->drag_x, self->drag_y, &cx, &cy);
          if (self->hover_port == NULL)
            cairo_set_source_rgb (cr, 0.4, 0.4, 0.45);
          else if (self->hover_valid)
            cairo_set_source_rgb (cr, 0.15, 0.64, 0.41);
          else
            cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
          cairo_set_line_width (cr, 2.5);
          cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
          if (self->wire_direction == BSL_PORT_OUT)
            draw_wire (cr, px, py, cx, cy);
          else
            draw_wire (cr, cx, cy, px, py);
          cairo_set_dash (cr, NULL, 0, 0);
        }
    }
  cairo_restore (cr);

  if (self->drag_mode == DRAG_RUBBER)
    {
      double rx = MIN (self->drag_start_x, self->drag_x), ry = MIN (self->drag_start_y, self->drag_y);
      double rw = fabs (self->drag_x - self->drag_start_x), rh = fabs (self->drag_y - self->drag_start_y);

      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
      cairo_rectangle (cr, rx, ry, rw, rh);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.8);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }

  /* The reason a wire is refused, next to the pointer while dragging. */
  if (self->drag_mode == DRAG_WIRE && self->message != NULL)
    {
      PangoFontDescription *font = pango_font_description_from_string ("Sans 9");
      PangoRectangle ink;
      double tx = self->drag_x + 14, ty = self->drag_y + 10;

      pango_layout_set_font_description (layout, font);
      pango_font_description_free (font);
      pango_layout_set_width (layout, 360 * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
      pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
      pango_layout_set_text (layout, self->message, -1);
      pango_layout_get_pixel_extents (layout, NULL, &ink);
      if (tx + ink.width + 12 > width)
        tx = MAX (0, width - ink.width - 12);
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.92);
      cairo_rectangle (cr, tx - 6, ty - 4, ink.width + 12, ink.height + 8);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_move_to (cr, tx, ty);
      pango_cairo_show_layout (cr, layout);
    }

  g_object_unref (layout);
}

static void
basalt_graph_canvas_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  BasaltGraphCanvas *self = BASALT_GRAPH_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  basalt_graph_canvas_draw (self, cr, width, height);
  cairo_destroy (cr);
}

static void
basalt_graph_canvas_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  BasaltGraphCanvas *self = BASALT_GRAPH_CANVAS (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));

  if (self->fit_pending && width > 0 && height > 0)
    {
      self->fit_pending = FALSE;
      basalt_graph_canvas_zoom_to_fit (self);
    }
}

/* Selection */

static void
emit_selection_changed (BasaltGraphCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
clear_selected_wire (BasaltGraphCanvas *self)
{
  g_clear_pointer (&self->selected_wire, bsl_connection_free);
  g_clear_pointer (&self->selected_group, g_free);
}

void
basalt_graph_canvas_select_group (BasaltGraphCanvas *self,
                                  const char        *name)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  if (name != NULL && basalt_canvas_groups_find (self->groups, name) != NULL)
    self->selected_group = g_strdup (name);
  emit_selection_changed (self);
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

  return find_process (self, process, NULL) != NULL && basalt_canvas_groups_find_hiding (self->groups, process) == NULL;
}

void
basalt_graph_canvas_select (BasaltGraphCanvas *self,
                            const char        *name,
                            gboolean           add)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  clear_selected_wire (self);
  if (!add)
    g_hash_table_remove_all (self->selection);
  if (name != NULL && find_process (self, name, NULL) != NULL)
    g_hash_table_add (self->selection, g_strdup (name));
  emit_selection_changed (self);
}

void
basalt_graph_canvas_select_all (BasaltGraphCanvas *self)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  clear_selected_wire (self);
  for (guint i = 0; self->graph && i < self->graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i);

      g_hash_table_add (self->selection, g_strdup (process->name));
    }
  emit_selection_changed (self);
}

void
basalt_graph_canvas_unselect_all (BasaltGraphCanvas *self)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  emit_selection_changed (self);
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

  clear_selected_wire (self);
  if (!add)
    g_hash_table_remove_all (self->selection);

  for (guint i = 0; self->graph && i < self->graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i);
      double x, y;

      if (basalt_canvas_groups_find_hiding (self->groups, process->name) != NULL)
        continue;
      node_origin (self, process, i, &x, &y);
      if (x <= cx1 && x + NODE_W >= cx0 && y <= cy1 && y + node_height (process) >= cy0)
        g_hash_table_add (self->selection, g_strdup (process->name));
    }
  emit_selection_changed (self);
}

char **
basalt_graph_canvas_dup_selection (BasaltGraphCanvas *self)
{
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), NULL);

  builder = g_strv_builder_new ();
  /* In graph order, so commands built from a selection are deterministic. */
  for (guint i = 0; self->graph && i < self->graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i);

      if (g_hash_table_contains (self->selection, process->name))
        g_strv_builder_add (builder, process->name);
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

  clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  if (connection != NULL)
    {
      self->selected_wire = g_new0 (BslConnection, 1);
      self->selected_wire->from_process = g_strdup (connection->from_process);
      self->selected_wire->from_port = g_strdup (connection->from_port);
      self->selected_wire->to_process = g_strdup (connection->to_process);
      self->selected_wire->to_port = g_strdup (connection->to_port);
    }
  emit_selection_changed (self);
}

/* Wiring */

static void
clear_hover (BasaltGraphCanvas *self)
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

  process = find_process (self, process_name, &position);
  if (process == NULL || (spec = bsl_proc_type_find_port (process->type, port)) == NULL)
    return FALSE;

  bsl_set_str (&self->wire_process, process_name);
  bsl_set_str (&self->wire_port, port);
  self->wire_direction = spec->direction;
  self->drag_mode = DRAG_WIRE;
  clear_hover (self);
  set_message (self, NULL);
  if (!endpoint_point (self, process_name, port, &cx, &cy))
    port_point (self, process, position, port, &cx, &cy);
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
      clear_hover (self);
      set_message (self, NULL);
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

  set_message (self, self->hover_valid ? NULL : (error ? error->message : "cannot connect these ports"));
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

      clear_hover (self);
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
      clear_hover (self);
      if (self->message != NULL)
        g_signal_emit (self, signals[CONNECT_REFUSED], 0, self->message);
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

/* Gestures */

static void
on_drag_begin (GtkGestureDrag    *gesture,
               double             x,
               double             y,
               BasaltGraphCanvas *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  g_autofree char *process = NULL;
  g_autofree char *port = NULL;
  const BslConnection *wire;
  CanvasGroup *group;
  gboolean picked;

  gtk_widget_grab_focus (GTK_WIDGET (self));

  self->drag_start_x = self->drag_x = x;
  self->drag_start_y = self->drag_y = y;
  self->move_dx = self->move_dy = 0;
  self->drag_toggle = (state & GDK_CONTROL_MASK) != 0;
  g_clear_pointer (&self->press_node, g_free);

  if (button == GDK_BUTTON_MIDDLE)
    {
      self->drag_mode = DRAG_PAN;
      self->pan_start_x = self->offset_x;
      self->pan_start_y = self->offset_y;
      return;
    }

  if (button != GDK_BUTTON_PRIMARY)
    {
      self->drag_mode = DRAG_NONE;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  picked = basalt_graph_canvas_pick (self, x, y, &process, &port);

  /* Connectors first (on nodes and on collapsed groups), then group nodes, then nodes. */
  if (picked && port != NULL)
    {
      basalt_graph_canvas_begin_wire (self, process, port);
      self->drag_x = x;
      self->drag_y = y;
      return;
    }

  if ((group = pick_group (self, x, y)) != NULL)
    {
      basalt_graph_canvas_select_group (self, group->name);
      self->drag_mode = DRAG_GROUP;
      bsl_set_str (&self->drag_group, group->name);
      self->group_dx = self->group_dy = 0;
      return;
    }

  if (picked)
    {
      self->drag_mode = DRAG_MOVE;
      self->press_node = g_strdup (process);
      if (self->drag_toggle)
        {
          clear_selected_wire (self);
          if (!g_hash_table_remove (self->selection, process))
            g_hash_table_add (self->selection, g_strdup (process));
          emit_selection_changed (self);
        }
      else if (!g_hash_table_contains (self->selection, process))
        basalt_graph_canvas_select (self, process, FALSE);
      return;
    }

  if ((wire = pick_wire (self, x, y)) != NULL)
    {
      basalt_graph_canvas_select_connection (self, wire);
      self->drag_mode = DRAG_NONE;
      return;
    }

  if (state & GDK_SHIFT_MASK)
    self->drag_mode = DRAG_RUBBER;
  else
    {
      self->drag_mode = DRAG_CLICK_EMPTY;
      self->pan_start_x = self->offset_x;
      self->pan_start_y = self->offset_y;
    }
}

static void
on_drag_update (GtkGestureDrag    *gesture,
                double             ox,
                double             oy,
                BasaltGraphCanvas *self)
{
  double x = self->drag_start_x + ox, y = self->drag_start_y + oy;

  switch (self->drag_mode)
    {
    case DRAG_CLICK_EMPTY:
      if (fabs (ox) + fabs (oy) < 4)
        return;
      self->drag_mode = DRAG_PAN;
      G_GNUC_FALLTHROUGH;
    case DRAG_PAN:
      self->offset_x = self->pan_start_x - ox / self->zoom;
      self->offset_y = self->pan_start_y - oy / self->zoom;
      break;

    case DRAG_MOVE:
      self->move_dx = ox / self->zoom;
      self->move_dy = oy / self->zoom;
      break;

    case DRAG_RUBBER:
      self->drag_x = x;
      self->drag_y = y;
      break;

    case DRAG_GROUP:
      self->group_dx = ox / self->zoom;
      self->group_dy = oy / self->zoom;
      break;

    case DRAG_WIRE:
      basalt_graph_canvas_update_wire (self, x, y);
      return;

    case DRAG_NONE:
    default:
      return;
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag    *gesture,
             double             ox,
             double             oy,
             BasaltGraphCanvas *self)
{
  double x = self->drag_start_x + ox, y = self->drag_start_y + oy;
  DragMode mode = self->drag_mode;

  switch (mode)
    {
    case DRAG_WIRE:
      basalt_graph_canvas_end_wire (self, x, y);
      break;

    case DRAG_MOVE:
      if (fabs (ox) + fabs (oy) >= 2)
        {
          g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self);
          double dx = ox / self->zoom, dy = oy / self->zoom;

          /* Leave move mode first so the signal handler sees the graph's own positions. */
          self->drag_mode = DRAG_NONE;
          self->move_dx = self->move_dy = 0;
          if (names[0] != NULL)
            g_signal_emit (self, signals[PROCESSES_MOVED], 0, names, dx, dy);
        }
      else if (!self->drag_toggle && self->press_node != NULL)
        basalt_graph_canvas_select (self, self->press_node, FALSE);
      break;

    case DRAG_RUBBER:
      basalt_graph_canvas_select_rect (self, self->drag_start_x, self->drag_start_y, x, y,
                                       self->drag_toggle);
      break;

    case DRAG_CLICK_EMPTY:
      basalt_graph_canvas_unselect_all (self);
      break;

    case DRAG_GROUP:
      {
        CanvasGroup *group = basalt_canvas_groups_find (self->groups, self->drag_group);

        if (group != NULL && fabs (ox) + fabs (oy) >= 2)
          {
            g_autofree char *name = g_strdup (group->name);
            double gx, gy;

            group_origin (self, group, &gx, &gy);
            self->drag_mode = DRAG_NONE;
            g_signal_emit (self, signals[GROUP_MOVED], 0, name, gx, gy);
          }
      }
      break;

    case DRAG_PAN:
    case DRAG_NONE:
    default:
      break;
    }

  self->drag_mode = DRAG_NONE;
  self->move_dx = self->move_dy = 0;
  g_clear_pointer (&self->press_node, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
show_menu (BasaltGraphCanvas *self,
           GMenuModel        *model,
           double             x,
           double             y)
{
  if (self->menu == NULL)
    {
      self->menu = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
      gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu), model);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
popup_menu (BasaltGraphCanvas *self,
            const char        *name,
            double             x,
            double             y)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();

  g_menu_append (edit, "_Rename", "graph.rename");
  g_menu_append (edit, "D_uplicate", "graph.duplicate");
  g_menu_append (edit, "_Delete", "graph.delete");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  g_signal_emit (self, signals[POPULATE_MENU], 0, name, menu);

  show_menu (self, G_MENU_MODEL (menu), x, y);
}

static void
on_click_pressed (GtkGestureClick   *gesture,
                  int                n_press,
                  double             x,
                  double             y,
                  BasaltGraphCanvas *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  g_autofree char *process = NULL;

  CanvasGroup *group = pick_group (self, x, y);

  if (group != NULL)
    {
      if (button == GDK_BUTTON_SECONDARY)
        {
          g_autoptr(GMenu) menu = g_menu_new ();
          g_autofree char *open = g_strdup_printf ("graph.open-group::%s", group->name);
          g_autofree char *ungroup = g_strdup_printf ("graph.ungroup::%s", group->name);

          basalt_graph_canvas_select_group (self, group->name);
          g_menu_append (menu, "_Open Group", open);
          g_menu_append (menu, "_Ungroup", ungroup);
          show_menu (self, G_MENU_MODEL (menu), x, y);
          gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
        }
      else if (button == GDK_BUTTON_PRIMARY && n_press == 2)
        g_signal_emit (self, signals[GROUP_ACTIVATED], 0, group->name);
      return;
    }

  basalt_graph_canvas_pick (self, x, y, &process, NULL);

  if (button == GDK_BUTTON_SECONDARY)
    {
      if (process == NULL)
        return;
      if (!g_hash_table_contains (self->selection, process))
        basalt_graph_canvas_select (self, process, FALSE);
      popup_menu (self, process, x, y);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    }
  else if (button == GDK_BUTTON_PRIMARY && n_press == 2 && process != NULL)
    g_signal_emit (self, signals[PROCESS_ACTIVATED], 0, process);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           BasaltGraphCanvas        *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      double px = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      double py = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
      GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
      double factor = pow (1.15, -dy);

      /* Zoom about the pointer, so what is under it stays under it. */
      if (event != NULL)
        {
          double ex, ey;
          GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
          graphene_point_t point;

          if (gdk_event_get_position (event, &ex, &ey) && native != NULL)
            {
              double nx, ny;

              gtk_native_get_surface_transform (native, &nx, &ny);
              if (gtk_widget_compute_point (GTK_WIDGET (native), GTK_WIDGET (self),
                                            &GRAPHENE_POINT_INIT (ex - nx, ey - ny), &point))
                {
                  px = point.x;
                  py = point.y;
                }
            }
        }

      basalt_graph_canvas_set_zoom (self, self->zoom * factor, px, py);
      return TRUE;
    }

  if (state & GDK_SHIFT_MASK)
    basalt_graph_canvas_pan (self, dy * 30, dx * 30);
  else
    basalt_graph_canvas_pan (self, dx * 30, dy * 30);
  return TRUE;
}

static void
on_zoom_begin (GtkGesture        *gesture,
               GdkEventSequence  *sequence,
               BasaltGraphCanvas *self)
{
  self->zoom_start = self->zoom;
}

static void
on_zoom_scale_changed (GtkGestureZoom    *gesture,
                       double             scale,
                       BasaltGraphCanvas *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    {
      cx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      cy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  basalt_graph_canvas_set_zoom (self, self->zoom_start * scale, cx, cy);
}

static gboolean
on_drop (GtkDropTarget     *target,
         const GValue      *value,
         double             x,
         double             y,
         BasaltGraphCanvas *self)
{
  g_autofree char *type_name = NULL;
  double cx, cy;

  if (!G_VALUE_HOLDS_STRING (value) || g_value_get_string (value) == NULL)
    return FALSE;

  type_name = g_strstrip (g_value_dup_string (value));
  if (bsl_proc_type_lookup (type_name) == NULL)
    {
      g_autofree char *text = g_strdup_printf ("“%s” is not a process type", type_name);

      set_message (self, text);
      return FALSE;
    }

  basalt_graph_canvas_widget_to_canvas (self, x, y, &cx, &cy);
  g_signal_emit (self, signals[PROCESS_DROPPED], 0, type_name, cx, cy);
  return TRUE;
}

/* View */

double
basalt_graph_canvas_get_zoom (BasaltGraphCanvas *self)
{
  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), 1.0);

  return self->zoom;
}

void
basalt_graph_canvas_set_zoom (BasaltGraphCanvas *self,
                              double             zoom,
                              double             wx,
                              double             wy)
{
  double cx, cy;

  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (zoom == self->zoom)
    return;

  basalt_graph_canvas_widget_to_canvas (self, wx, wy, &cx, &cy);
  self->zoom = zoom;
  self->offset_x = cx - wx / zoom;
  self->offset_y = cy - wy / zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

void
basalt_graph_canvas_zoom_in (BasaltGraphCanvas *self)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  basalt_graph_canvas_set_zoom (self, self->zoom * 1.25, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
basalt_graph_canvas_zoom_out (BasaltGraphCanvas *self)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  basalt_graph_canvas_set_zoom (self, self->zoom / 1.25, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
basalt_graph_canvas_zoom_to_fit (BasaltGraphCanvas *self)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  int width, height;
  double zoom;

  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (width <= 0 || height <= 0)
    {
      self->fit_pending = TRUE;
      return;
    }

  for (guint i = 0; self->graph && i < self->graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (self->graph->processes, i);
      double x, y;

      if (basalt_canvas_groups_find_hiding (self->groups, process->name) != NULL)
        continue;
      node_origin (self, process, i, &x, &y);
      x0 = MIN (x0, x);
      y0 = MIN (y0, y);
      x1 = MAX (x1, x + NODE_W);
      y1 = MAX (y1, y + node_height (process));
    }
  for (guint i = 0; i < self->groups->len; i++)
    {
      CanvasGroup *group = g_ptr_array_index (self->groups, i);
      double x, y;

      if (!group->collapsed)
        continue;
      group_origin (self, group, &x, &y);
      x0 = MIN (x0, x);
      y0 = MIN (y0, y - 8);
      x1 = MAX (x1, x + NODE_W + 8);
      y1 = MAX (y1, y + group_height (2, 2));
    }

  if (x0 > x1)
    {
      x0 = y0 = 0;
      x1 = y1 = 400;
    }

  x0 -= 40;
  y0 -= 40;
  x1 += 40;
  y1 += 40;
  zoom = CLAMP (MIN (width / (x1 - x0), height / (y1 - y0)), MIN_ZOOM, 1.5);
  self->zoom = zoom;
  self->offset_x = (x0 + x1) / 2 - width / 2.0 / zoom;
  self->offset_y = (y0 + y1) / 2 - height / 2.0 / zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

void
basalt_graph_canvas_pan (BasaltGraphCanvas *self,
                         double             dx,
                         double             dy)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  self->offset_x += dx / self->zoom;
  self->offset_y += dy / self->zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_graph_canvas_get_center (BasaltGraphCanvas *self,
                                double            *x,
                                double            *y)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  basalt_graph_canvas_widget_to_canvas (self, MAX (gtk_widget_get_width (GTK_WIDGET (self)), 400) / 2.0,
                                        MAX (gtk_widget_get_height (GTK_WIDGET (self)), 300) / 2.0, x, y);
}

gboolean
basalt_graph_canvas_get_node_position (BasaltGraphCanvas *self,
                                       const char        *name,
                                       double            *x,
                                       double            *y)
{
  const BslProcess *process;
  guint position = 0;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), FALSE);

  if ((process = find_process (self, name, &position)) == NULL)
    return FALSE;

  node_origin (self, process, position, x, y);
  return TRUE;
}

gboolean
basalt_graph_canvas_get_port_point (BasaltGraphCanvas *self,
                                    const char        *process_name,
                                    const char        *port,
                                    double            *wx,
                                    double            *wy)
{
  const BslProcess *process;
  guint position = 0;
  double cx, cy;

  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), FALSE);

  if ((process = find_process (self, process_name, &position)) == NULL ||
      !endpoint_point (self, process_name, port, &cx, &cy))
    return FALSE;

  basalt_graph_canvas_canvas_to_widget (self, cx, cy, wx, wy);
  return TRUE;
}

void
basalt_graph_canvas_set_probed (BasaltGraphCanvas *self,
                                const char *const *names)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  g_hash_table_remove_all (self->probed);
  for (guint i = 0; names && names[i]; i++)
    g_hash_table_add (self->probed, g_strdup (names[i]));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Graph */

void
basalt_graph_canvas_set_graph (BasaltGraphCanvas *self,
                               BslGraph          *graph)
{
  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  if (self->graph == graph)
    return;

  if (graph)
    bsl_graph_ref (graph);
  g_clear_pointer (&self->graph, bsl_graph_unref);
  self->graph = graph;

  self->drag_mode = DRAG_NONE;
  clear_hover (self);
  clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  set_message (self, NULL);
  parse_groups (self);
  basalt_graph_canvas_zoom_to_fit (self);
  emit_selection_changed (self);
}

BslGraph *
basalt_graph_canvas_get_graph (BasaltGraphCanvas *self)
{
  g_return_val_if_fail (BASALT_IS_GRAPH_CANVAS (self), NULL);

  return self->graph;
}

void
basalt_graph_canvas_refresh (BasaltGraphCanvas *self)
{
  GHashTableIter iter;
  gpointer key;
  gboolean changed = FALSE;

  g_return_if_fail (BASALT_IS_GRAPH_CANVAS (self));

  parse_groups (self);
  if (self->selected_group != NULL && basalt_canvas_groups_find (self->groups, self->selected_group) == NULL)
    {
      g_clear_pointer (&self->selected_group, g_free);
      changed = TRUE;
    }

  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (find_process (self, key, NULL) == NULL)
      {
        g_hash_table_iter_remove (&iter);
        changed = TRUE;
      }

  if (self->selected_wire != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; self->graph && i < self->graph->connections->len; i++)
        found |= connection_equal (g_ptr_array_index (self->graph->connections, i), self->selected_wire);
      if (!found)
        {
          clear_selected_wire (self);
          changed = TRUE;
        }
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (changed)
    emit_selection_changed (self);
}

/* GObject */

static void
basalt_graph_canvas_dispose (GObject *object)
{
  BasaltGraphCanvas *self = (BasaltGraphCanvas *) object;

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_pointer (&self->graph, bsl_graph_unref);

  G_OBJECT_CLASS (basalt_graph_canvas_parent_class)->dispose (object);
}

static void
basalt_graph_canvas_finalize (GObject *object)
{
  BasaltGraphCanvas *self = (BasaltGraphCanvas *) object;

  g_clear_pointer (&self->selection, g_hash_table_unref);
  g_clear_pointer (&self->probed, g_hash_table_unref);
  g_clear_pointer (&self->selected_wire, bsl_connection_free);
  g_clear_pointer (&self->press_node, g_free);
  g_clear_pointer (&self->wire_process, g_free);
  g_clear_pointer (&self->wire_port, g_free);
  g_clear_pointer (&self->hover_process, g_free);
  g_clear_pointer (&self->hover_port, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->selected_group, g_free);
  g_clear_pointer (&self->drag_group, g_free);

  G_OBJECT_CLASS (basalt_graph_canvas_parent_class)->finalize (object);
}

static void
basalt_graph_canvas_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  BasaltGraphCanvas *self = BASALT_GRAPH_CANVAS (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_graph_canvas_class_init (BasaltGraphCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_graph_canvas_dispose;
  object_class->finalize = basalt_graph_canvas_finalize;
  object_class->get_property = basalt_graph_canvas_get_property;

  widget_class->snapshot = basalt_graph_canvas_snapshot;
  widget_class->size_allocate = basalt_graph_canvas_size_allocate;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROCESS_DROPPED] =
    g_signal_new ("process-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[PROCESSES_MOVED] =
    g_signal_new ("processes-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRV, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[PROCESS_ACTIVATED] =
    g_signal_new ("process-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[POPULATE_MENU] =
    g_signal_new ("populate-menu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_MENU);

  signals[CONNECT_REFUSED] =
    g_signal_new ("connect-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[GROUP_MOVED] =
    g_signal_new ("group-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[GROUP_ACTIVATED] =
    g_signal_new ("group-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "graphcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
basalt_graph_canvas_init (BasaltGraphCanvas *self)
{
  GtkGesture *drag, *click, *zoom;
  GtkEventController *scroll;
  GtkDropTarget *drop;

  self->zoom = 1.0;
  self->selection = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->probed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->groups = basalt_canvas_groups_new (NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 200);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  /* Process types arrive from the palette as their names. */
  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

GtkWidget *
basalt_graph_canvas_new (void)
{
  return g_object_new (BASALT_TYPE_GRAPH_CANVAS, NULL);
}
