/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The node canvas. Nodes, ports and wires are drawn in one cairo node per frame (GTK 4.8 has no
 * GskPath); hit testing is geometric, in canvas units. The graph is only read here: gestures
 * become signals, and the owner turns them into undoable edits and calls refresh().
 *
 * This file holds the view (zoom, pan, fit) and the graph shown; the other parts are in
 * basalt-graph-canvas-{geometry,pick,draw,selection,wire,input}.c, sharing the instance in
 * basalt-graph-canvas-private.h. */

#include "config.h"

#include "basalt-graph-canvas-private.h"

G_DEFINE_FINAL_TYPE (BasaltGraphCanvas, basalt_graph_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ZOOM,
  PROP_MESSAGE,
  PROP_SELECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint _basalt_graph_canvas_signals[N_SIGNALS];

void
_basalt_graph_canvas_set_message (BasaltGraphCanvas *self,
                                  const char        *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
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

  for (guint i = 0; self->graph && i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *process = bsl_graph_get_process (self->graph, i);
      double x, y;

      if (basalt_canvas_groups_find_hiding (self->groups, bsl_process_get_name (process)) != NULL)
        continue;
      _basalt_graph_canvas_node_origin (self, process, i, &x, &y);
      x0 = MIN (x0, x);
      y0 = MIN (y0, y);
      x1 = MAX (x1, x + NODE_W);
      y1 = MAX (y1, y + _basalt_graph_canvas_node_height (process));
    }
  for (guint i = 0; i < self->groups->len; i++)
    {
      CanvasGroup *group = g_ptr_array_index (self->groups, i);
      double x, y;

      if (!group->collapsed)
        continue;
      _basalt_graph_canvas_group_origin (self, group, &x, &y);
      x0 = MIN (x0, x);
      y0 = MIN (y0, y - 8);
      x1 = MAX (x1, x + NODE_W + 8);
      y1 = MAX (y1, y + _basalt_graph_canvas_group_height (2, 2));
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

  if ((process = _basalt_graph_canvas_find_process (self, name, &position)) == NULL)
    return FALSE;

  _basalt_graph_canvas_node_origin (self, process, position, x, y);
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

  if ((process = _basalt_graph_canvas_find_process (self, process_name, &position)) == NULL ||
      !_basalt_graph_canvas_endpoint_point (self, process_name, port, &cx, &cy))
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
  _basalt_graph_canvas_clear_hover (self);
  _basalt_graph_canvas_clear_selected_wire (self);
  g_hash_table_remove_all (self->selection);
  _basalt_graph_canvas_set_message (self, NULL);
  _basalt_graph_canvas_parse_groups (self);
  basalt_graph_canvas_zoom_to_fit (self);
  _basalt_graph_canvas_emit_selection_changed (self);
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

  _basalt_graph_canvas_parse_groups (self);
  if (self->selected_group != NULL && basalt_canvas_groups_find (self->groups, self->selected_group) == NULL)
    {
      g_clear_pointer (&self->selected_group, g_free);
      changed = TRUE;
    }

  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (_basalt_graph_canvas_find_process (self, key, NULL) == NULL)
      {
        g_hash_table_iter_remove (&iter);
        changed = TRUE;
      }

  if (self->selected_wire != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; self->graph && i < bsl_graph_get_n_connections (self->graph); i++)
        found |= bsl_connection_equal (bsl_graph_get_connection (self->graph, i),
                                                        self->selected_wire);
      if (!found)
        {
          _basalt_graph_canvas_clear_selected_wire (self);
          changed = TRUE;
        }
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (changed)
    _basalt_graph_canvas_emit_selection_changed (self);
}

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

void
_basalt_graph_canvas_notify_selection (BasaltGraphCanvas *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION]);
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

    case PROP_SELECTION:
      g_value_take_boxed (value, basalt_graph_canvas_dup_selection (self));
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

  widget_class->snapshot = _basalt_graph_canvas_snapshot;
  widget_class->size_allocate = basalt_graph_canvas_size_allocate;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The selected processes' names; notified when a process, wire or group is selected. */
  properties[PROP_SELECTION] =
    g_param_spec_boxed ("selection", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _basalt_graph_canvas_signals[POPULATE_MENU] =
    g_signal_new ("populate-menu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_MENU);

  gtk_widget_class_set_css_name (widget_class, "graphcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
basalt_graph_canvas_init (BasaltGraphCanvas *self)
{
  self->zoom = 1.0;
  self->selection = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->probed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->groups = basalt_canvas_groups_new (NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 200);
  _basalt_graph_canvas_add_controllers (self);
}

GtkWidget *
basalt_graph_canvas_new (void)
{
  return g_object_new (BASALT_TYPE_GRAPH_CANVAS, NULL);
}
