/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Drawing: nodes, ports, wires, groups and the rubber band, in one cairo node per frame (GTK 4.8
 * has no GskPath). */

#include "config.h"

#include <math.h>

#include "basalt-graph-canvas-private.h"

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
  guint n = _basalt_graph_canvas_wire_segments (x1, y1, x2, y2, segments);

  cairo_move_to (cr, x1, y1);
  for (guint s = 0; s < n; s++)
    cairo_curve_to (cr, segments[s].c1x, segments[s].c1y, segments[s].c2x, segments[s].c2y,
                    segments[s].x1, segments[s].y1);
  cairo_stroke (cr);
}

/* A node's body and header, outlined in the selection's colour when it is selected. */
static void
draw_card (cairo_t       *cr,
           double         x,
           double         y,
           double         h,
           const GdkRGBA *header,
           gboolean       selected)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, NODE_W, h);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, header);
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
}

static void
draw_node (BasaltGraphCanvas *self,
           cairo_t           *cr,
           PangoLayout       *layout,
           const BslProcess  *process,
           guint              position)
{
  const BslProcType *type = bsl_process_get_proc_type (process);
  BslTag tag = bsl_process_get_tag (process);
  gboolean selected = g_hash_table_contains (self->selection, bsl_process_get_name (process));
  g_autofree char *shape = bsl_process_dup_shape_string (process);
  g_autofree char *subtitle = NULL;
  PangoFontDescription *font;
  double x, y, h = _basalt_graph_canvas_node_height (process);
  guint row_in = 0, row_out = 0;
  GdkRGBA color;

  _basalt_graph_canvas_node_origin (self, process, position, &x, &y);
  category_color (type->category, &color);

  /* Shadow, body, header */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.12);
  cairo_rectangle (cr, x + 2, y + 3, NODE_W, h);
  cairo_fill (cr);
  draw_card (cr, x, y, h, &color, selected);

  if (g_hash_table_contains (self->probed, bsl_process_get_name (process)))
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_arc (cr, x + NODE_W - 12, y + HEADER_H / 2, 4, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  font = pango_font_description_from_string ("Sans Bold 10");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_text (cr, layout, bsl_process_get_name (process), x + 8, y + 5, NODE_W - 28, PANGO_ALIGN_LEFT);

  font = pango_font_description_from_string ("Sans 8");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  subtitle = g_strdup_printf ("%s %s%s%s", type->name, shape,
                              tag != BSL_TAG_NONE ? " · " : "",
                              tag != BSL_TAG_NONE ? bsl_tag_to_string (tag) : "");
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.38);
  draw_text (cr, layout, subtitle, x + 8, y + HEADER_H + 2, NODE_W - 16, PANGO_ALIGN_LEFT);

  for (guint i = 0; i < type->n_ports; i++)
    {
      const BslPortSpec *spec = &type->ports[i];
      gboolean is_in = spec->direction == BSL_PORT_IN;
      guint row = is_in ? row_in++ : row_out++;
      double py = y + HEADER_H + SUB_H + row * PORT_ROW + PORT_ROW / 2;
      double px = is_in ? x : x + NODE_W;
      gboolean hovered = g_strcmp0 (self->hover_process, bsl_process_get_name (process)) == 0 &&
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
  _basalt_graph_canvas_group_origin (self, group, &x, &y);
  h = _basalt_graph_canvas_group_height (ins->len, outs->len);

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
  draw_card (cr, x, y, h, &(GdkRGBA) { 0.37, 0.36, 0.39, 1 }, selected);

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

  for (guint i = 0; self->graph && i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i);
      double x, y;

      if (!g_hash_table_contains (group->members, bsl_process_get_name (process)))
        continue;
      _basalt_graph_canvas_node_origin (self, process, i, &x, &y);
      x0 = MIN (x0, x);
      y0 = MIN (y0, y);
      x1 = MAX (x1, x + NODE_W);
      y1 = MAX (y1, y + _basalt_graph_canvas_node_height (process));
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

/* A dot every GRID units, when they are far enough apart to help. */
static void
draw_grid (BasaltGraphCanvas *self,
           cairo_t           *cr,
           int                width,
           int                height)
{
  double gx0, gy0, gx1, gy1;

  basalt_graph_canvas_widget_to_canvas (self, 0, 0, &gx0, &gy0);
  basalt_graph_canvas_widget_to_canvas (self, width, height, &gx1, &gy1);
  if (self->zoom <= 0.4)
    return;
  cairo_set_source_rgb (cr, 0.82, 0.82, 0.8);
  for (double gx = floor (gx0 / GRID) * GRID; gx <= gx1; gx += GRID)
    for (double gy = floor (gy0 / GRID) * GRID; gy <= gy1; gy += GRID)
      cairo_rectangle (cr, gx - 0.75, gy - 0.75, 1.5, 1.5);
  cairo_fill (cr);
}

/* The wires, under the nodes; the selected one over a highlight. */
static void
draw_wires (BasaltGraphCanvas *self,
            cairo_t           *cr)
{
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < bsl_graph_get_n_connections (self->graph); i++)
    {
      const BslConnection *connection = bsl_graph_get_connection (self->graph, i);
      double x1, y1, x2, y2;
      gboolean ok, selected = bsl_connection_equal (connection, self->selected_wire);

      _basalt_graph_canvas_wire_endpoints (self, connection, &x1, &y1, &x2, &y2, &ok);
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
}

/* The wire being dragged, dashed, in the colour of what a drop here would do. */
static void
draw_dragged_wire (BasaltGraphCanvas *self,
                   cairo_t           *cr)
{
  double px, py, cx, cy;

  if (!_basalt_graph_canvas_endpoint_point (self, self->wire_process, self->wire_port, &px, &py))
    return;
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

/* The rubber band, in widget coordinates. */
static void
draw_rubber_band (BasaltGraphCanvas *self,
                  cairo_t           *cr)
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

/* The reason a wire is refused, next to the pointer while dragging (widget coordinates). */
static void
draw_refusal (BasaltGraphCanvas *self,
              cairo_t           *cr,
              PangoLayout       *layout,
              int                width)
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

static void
basalt_graph_canvas_draw (BasaltGraphCanvas *self,
                          cairo_t           *cr,
                          int                width,
                          int                height)
{
  PangoLayout *layout;

  cairo_set_source_rgb (cr, 0.965, 0.965, 0.96);
  cairo_paint (cr);

  cairo_save (cr);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_translate (cr, -self->offset_x, -self->offset_y);

  draw_grid (self, cr, width, height);

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

  draw_wires (self, cr);

  for (guint i = 0; i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i);

      if (basalt_canvas_groups_find_hiding (self->groups, bsl_process_get_name (process)) == NULL)
        draw_node (self, cr, layout, process, i);
    }
  for (guint i = 0; i < self->groups->len; i++)
    {
      CanvasGroup *group = g_ptr_array_index (self->groups, i);

      if (group->collapsed)
        draw_group_node (self, cr, layout, group);
    }

  if (self->drag_mode == DRAG_WIRE)
    draw_dragged_wire (self, cr);
  cairo_restore (cr);

  if (self->drag_mode == DRAG_RUBBER)
    draw_rubber_band (self, cr);
  if (self->drag_mode == DRAG_WIRE && self->message != NULL)
    draw_refusal (self, cr, layout, width);

  g_object_unref (layout);
}

void
_basalt_graph_canvas_snapshot (GtkWidget   *widget,
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
