/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The pointer: dragging (pan, move, rubber band, wire), clicks and the context menu, scrolling,
 * pinch zoom and dropping process types from the palette. */

#include "config.h"

#include <math.h>

#include "basalt-graph-canvas-private.h"
#include "bsl-strings.h"

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

  if ((group = _basalt_graph_canvas_pick_group (self, x, y)) != NULL)
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
          _basalt_graph_canvas_clear_selected_wire (self);
          if (!g_hash_table_remove (self->selection, process))
            g_hash_table_add (self->selection, g_strdup (process));
          _basalt_graph_canvas_emit_selection_changed (self);
        }
      else if (!g_hash_table_contains (self->selection, process))
        basalt_graph_canvas_select (self, process, FALSE);
      return;
    }

  if ((wire = _basalt_graph_canvas_pick_wire (self, x, y)) != NULL)
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
          GVariantBuilder places;

          /* Leave move mode first so the positions are the graph's own. */
          self->drag_mode = DRAG_NONE;
          self->move_dx = self->move_dy = 0;
          g_variant_builder_init (&places, G_VARIANT_TYPE ("a(sdd)"));
          for (guint i = 0; names[i] != NULL; i++)
            {
              double px = 0, py = 0;

              basalt_graph_canvas_get_node_position (self, names[i], &px, &py);
              g_variant_builder_add (&places, "(sdd)", names[i], px + dx, py + dy);
            }
          if (names[0] != NULL)
            gtk_widget_activate_action (GTK_WIDGET (self), "graph.move-processes", "a(sdd)", &places);
          else
            g_variant_builder_clear (&places);
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

            _basalt_graph_canvas_group_origin (self, group, &gx, &gy);
            self->drag_mode = DRAG_NONE;
            gtk_widget_activate_action (GTK_WIDGET (self), "graph.move-group", "(sdd)", name, gx, gy);
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
  g_signal_emit (self, _basalt_graph_canvas_signals[POPULATE_MENU], 0, name, menu);

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

  CanvasGroup *group = _basalt_graph_canvas_pick_group (self, x, y);

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
        gtk_widget_activate_action (GTK_WIDGET (self), "graph.open-group", "s", group->name);
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
    gtk_widget_activate_action (GTK_WIDGET (self), "graph.rename", NULL);
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

      _basalt_graph_canvas_set_message (self, text);
      return FALSE;
    }

  basalt_graph_canvas_widget_to_canvas (self, x, y, &cx, &cy);
  /* The node's header lands under the pointer. */
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.add-process-at", "(sdd)", type_name,
                              cx - NODE_W / 2, cy - HEADER_H / 2);
  return TRUE;
}

void
_basalt_graph_canvas_add_controllers (BasaltGraphCanvas *self)
{
  GtkGesture *drag, *click, *zoom;
  GtkEventController *scroll;
  GtkDropTarget *drop;

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
