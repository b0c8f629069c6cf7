/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "basalt-inspector-private.h"

/* Connections: what each port is wired to, and the ports it could be wired to (the same
 * check the canvas makes while a wire is dragged), so wiring works from the keyboard too. */

/* Asks the Designer for the edit: its graph.connect and graph.disconnect actions. */
static void
activate_connection (GtkWidget  *button,
                     const char *action_name)
{
  BasaltInspector *self = g_object_get_data (G_OBJECT (button), "basalt-inspector");
  const char *from = g_object_get_data (G_OBJECT (button), "basalt-from");
  const char *to = g_object_get_data (G_OBJECT (button), "basalt-to");
  g_auto(GStrv) a = g_strsplit (from, ".", 2);
  g_auto(GStrv) b = g_strsplit (to, ".", 2);

  gtk_widget_activate_action (GTK_WIDGET (self), action_name, "(ssss)", a[0], a[1], b[0], b[1]);
}

static void
on_disconnect_clicked (GtkButton *button,
                       gpointer   user_data)
{
  activate_connection (GTK_WIDGET (button), "graph.disconnect");
}

static void
on_connect_clicked (GtkButton *button,
                    gpointer   user_data)
{
  GtkDropDown *dropdown = g_object_get_data (G_OBJECT (button), "basalt-dropdown");
  const char *port = g_object_get_data (G_OBJECT (button), "basalt-port");
  gboolean is_out = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "basalt-is-out"));
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  if (item == NULL)
    return;
  g_object_set_data_full (G_OBJECT (button), is_out ? "basalt-from" : "basalt-to", g_strdup (port), g_free);
  g_object_set_data_full (G_OBJECT (button), is_out ? "basalt-to" : "basalt-from",
                          g_strdup (gtk_string_object_get_string (item)), g_free);
  activate_connection (GTK_WIDGET (button), "graph.connect");
}

static void
add_connection_row (BasaltInspector     *self,
                    const BslConnection *c)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *from = g_strdup_printf ("%s.%s", bsl_connection_get_from_process (c),
                                           bsl_connection_get_from_port (c));
  g_autofree char *to = g_strdup_printf ("%s.%s", bsl_connection_get_to_process (c), bsl_connection_get_to_port (c));
  g_autofree char *text = g_strdup_printf ("%s → %s", from, to);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, "Disconnect");
  g_object_set_data (G_OBJECT (remove), "basalt-inspector", self);
  g_object_set_data_full (G_OBJECT (remove), "basalt-from", g_steal_pointer (&from), g_free);
  g_object_set_data_full (G_OBJECT (remove), "basalt-to", g_steal_pointer (&to), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_disconnect_clicked), NULL);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), remove);
  gtk_box_append (self->connections_box, row);
}

static void
add_port_row (BasaltInspector   *self,
              const BslProcess  *process,
              const BslPortSpec *spec)
{
  gboolean is_out = spec->direction == BSL_PORT_OUT;
  g_autoptr(GtkStringList) candidates = gtk_string_list_new (NULL);
  g_autofree char *endpoint = g_strdup_printf ("%s.%s", bsl_process_get_name (process), spec->name);
  g_autofree char *title = g_strdup_printf (is_out ? "%s to" : "%s from", spec->name);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);

  for (guint i = 0; i < bsl_graph_get_n_processes (self->graph); i++)
    {
      const BslProcess *other = bsl_graph_get_process (self->graph, i);

      const BslProcType *other_type = bsl_process_get_proc_type (other);

      for (guint k = 0; k < other_type->n_ports; k++)
        {
          const BslPortSpec *port = &other_type->ports[k];
          gboolean ok = is_out ? bsl_graph_can_connect (self->graph, bsl_process_get_name (process), spec->name,
                                                        bsl_process_get_name (other), port->name, NULL)
                               : bsl_graph_can_connect (self->graph, bsl_process_get_name (other), port->name,
                                                        bsl_process_get_name (process), spec->name, NULL);

          if (ok)
            {
              g_autofree char *name = g_strdup_printf ("%s.%s", bsl_process_get_name (other), port->name);

              gtk_string_list_append (candidates, name);
            }
        }
    }

  gtk_widget_set_size_request (label, 70, -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (row), label);

  if (g_list_model_get_n_items (G_LIST_MODEL (candidates)) == 0)
    {
      GtkWidget *none = gtk_label_new (is_out ? "no InPort of matching shape" : "no OutPort of matching shape");

      gtk_widget_add_css_class (none, "dim-label");
      gtk_box_append (GTK_BOX (row), none);
    }
  else
    {
      GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (candidates)), NULL);
      GtkWidget *connect = gtk_button_new_with_label ("Connect");

      gtk_widget_set_hexpand (dropdown, TRUE);
      gtk_widget_set_name (dropdown, endpoint);
      g_object_set_data (G_OBJECT (connect), "basalt-inspector", self);
      g_object_set_data (G_OBJECT (connect), "basalt-dropdown", dropdown);
      g_object_set_data (G_OBJECT (connect), "basalt-is-out", GINT_TO_POINTER (is_out));
      g_object_set_data_full (G_OBJECT (connect), "basalt-port", g_steal_pointer (&endpoint), g_free);
      g_signal_connect (connect, "clicked", G_CALLBACK (on_connect_clicked), NULL);
      gtk_box_append (GTK_BOX (row), dropdown);
      gtk_box_append (GTK_BOX (row), connect);
    }

  gtk_box_append (self->connections_box, row);
}

void
_basalt_inspector_rebuild_connections (BasaltInspector  *self,
                                       const BslProcess *process)
{
  const char *name = bsl_process_get_name (process);
  const BslProcType *type = bsl_process_get_proc_type (process);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->connections_box))) != NULL)
    gtk_box_remove (self->connections_box, child);

  for (guint i = 0; i < bsl_graph_get_n_connections (self->graph); i++)
    {
      const BslConnection *c = bsl_graph_get_connection (self->graph, i);

      if (g_strcmp0 (bsl_connection_get_from_process (c), name) == 0 ||
          g_strcmp0 (bsl_connection_get_to_process (c), name) == 0)
        add_connection_row (self, c);
    }
  for (guint i = 0; i < type->n_ports; i++)
    add_port_row (self, process, &type->ports[i]);
}

gboolean
basalt_inspector_connect_port (BasaltInspector *self,
                               const char      *port,
                               const char      *other)
{
  BslProcess *process;
  g_autofree char *endpoint = NULL;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if ((process = _basalt_inspector_get_shown_process (self)) == NULL)
    return FALSE;
  endpoint = g_strdup_printf ("%s.%s", bsl_process_get_name (process), port);

  /* Find the port's drop-down, choose the other end in it, and press Connect. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->connections_box));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_DROP_DOWN (child) && g_strcmp0 (gtk_widget_get_name (child), endpoint) == 0)
        {
          GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (child));

          for (guint i = 0; i < g_list_model_get_n_items (model); i++)
            {
              g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

              if (g_strcmp0 (gtk_string_object_get_string (item), other) == 0)
                {
                  gtk_drop_down_set_selected (GTK_DROP_DOWN (child), i);
                  g_signal_emit_by_name (gtk_widget_get_next_sibling (child), "clicked");
                  return TRUE;
                }
            }
          return FALSE;
        }

  return FALSE;
}
