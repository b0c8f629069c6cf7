/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What the canvas, the palette and the inspector report, turned into edits of the document. */

#include "config.h"

#include "basalt-designer-page-private.h"

static void
on_palette_type_activated (BasaltPalette      *palette,
                           const char         *type_name,
                           BasaltDesignerPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.add-process", "s", type_name);
}

static void
on_canvas_process_dropped (BasaltGraphCanvas  *canvas,
                           const char         *type_name,
                           double              x,
                           double              y,
                           BasaltDesignerPage *self)
{
  /* The node's header lands under the pointer. */
  _basalt_designer_page_add_process_at (self, type_name, x - 90, y - 13);
}

static void
on_canvas_processes_moved (BasaltGraphCanvas  *canvas,
                           GStrv               names,
                           double              dx,
                           double              dy,
                           BasaltDesignerPage *self)
{
  guint n = g_strv_length (names);
  g_autofree double *xs = g_new0 (double, n);
  g_autofree double *ys = g_new0 (double, n);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      basalt_graph_canvas_get_node_position (canvas, names[i], &xs[i], &ys[i]);
      xs[i] += dx;
      ys[i] += dy;
    }

  if (!basalt_document_move_processes (self->document, (const char *const *) names, xs, ys, &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
on_canvas_group_activated (BasaltGraphCanvas  *canvas,
                           const char         *group,
                           BasaltDesignerPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.open-group", "s", group);
}

static void
on_canvas_group_moved (BasaltGraphCanvas  *canvas,
                       const char         *group,
                       double              x,
                       double              y,
                       BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_move_group (self->document, group, x, y, &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
on_canvas_connect_refused (BasaltGraphCanvas  *canvas,
                           const char         *reason,
                           BasaltDesignerPage *self)
{
  _basalt_designer_page_show_message (self, reason);
}

static void
on_canvas_process_activated (BasaltGraphCanvas  *canvas,
                             const char         *name,
                             BasaltDesignerPage *self)
{
  basalt_inspector_focus_name (self->inspector);
}

/* The weight matrix shows the plastic connection selected on the canvas; with another selection
 * it keeps the one it shows, and otherwise shows the network's first plastic connection. */
static gboolean
is_plastic (const BslProcess *process)
{
  return process != NULL && bsl_proc_type_is_plastic (bsl_process_get_proc_type (process));
}

void
_basalt_designer_page_follow_plastic_connection (BasaltDesignerPage *self)
{
  BslGraph *graph = basalt_document_get_graph (self->document);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  const char *shown = basalt_weight_view_get_process (self->weight_view);
  const BslProcess *selected = g_strv_length (names) == 1 ? bsl_graph_find_process (graph, names[0]) : NULL;
  const BslProcess *process = shown != NULL ? bsl_graph_find_process (graph, shown) : NULL;
  gboolean chosen = is_plastic (selected);

  if (chosen)
    process = selected;
  for (guint i = 0; i < bsl_graph_get_n_processes (graph) && !is_plastic (process); i++)
    process = bsl_graph_get_process (graph, i);
  if (!is_plastic (process))
    process = NULL;
  basalt_weight_view_show_process (self->weight_view, process != NULL ? bsl_process_get_name (process) : NULL, chosen);
}

static void
on_canvas_selection_changed (BasaltGraphCanvas  *canvas,
                             BasaltDesignerPage *self)
{
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (canvas);
  const char *shown = g_strv_length (names) == 1 ? names[0] : NULL;

  if (g_strcmp0 (shown, basalt_inspector_get_process (self->inspector)) != 0)
    basalt_inspector_set_process (self->inspector, basalt_document_get_graph (self->document), shown);
  _basalt_designer_page_follow_plastic_connection (self);
  _basalt_designer_page_update_actions (self);
}

/* Menus read '_' as a mnemonic; a doubled one shows as itself. */
static char *
menu_label_escape (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "_", -1);

  return g_strjoinv ("__", parts);
}

static void
on_canvas_populate_menu (BasaltGraphCanvas  *canvas,
                         const char         *name,
                         GMenu              *menu,
                         BasaltDesignerPage *self)
{
  const BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), name);
  g_autoptr(GMenu) probes = NULL;
  g_autoptr(GMenu) parameters = NULL;

  if (process == NULL)
    return;

  probes = g_menu_new ();
  for (guint i = 0; i < bsl_process_get_proc_type (process)->n_ports; i++)
    {
      const BslPortSpec *port = &bsl_process_get_proc_type (process)->ports[i];

      if (port->direction == BSL_PORT_OUT)
        {
          g_autofree char *target = g_strdup_printf ("%s.%s", name, port->name);
          g_autofree char *shown = menu_label_escape (port->name);
          g_autofree char *label = g_strdup_printf (g_str_equal (port->name, "s_out") ? "Record Spikes (%s)"
                                                                                     : "Record %s",
                                                    shown);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "graph.add-probe", g_variant_new_string (target));
          g_menu_append_item (probes, item);
        }
    }
  /* Any Var can be recorded, as Lava's Monitor probes any Var: the states that change as it runs
   * first, the parameters (constant unless edited while running) in a submenu. */
  parameters = g_menu_new ();
  for (guint i = 0; i < bsl_process_get_proc_type (process)->n_vars; i++)
    {
      const BslVarSpec *var = &bsl_process_get_proc_type (process)->vars[i];

      if (!(var->flags & BSL_VAR_HIDDEN))
        {
          g_autofree char *target = g_strdup_printf ("%s.%s", name, var->name);
          g_autofree char *shown = menu_label_escape (var->name);
          g_autofree char *label = g_strdup_printf ("Record %s", shown);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "graph.add-probe", g_variant_new_string (target));
          g_menu_append_item ((var->flags & BSL_VAR_STATE) ? probes : parameters, item);
        }
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (parameters)) > 0)
    g_menu_append_submenu (probes, "Record a _Parameter", G_MENU_MODEL (parameters));

  if (g_menu_model_get_n_items (G_MENU_MODEL (probes)) > 0)
    g_menu_append_section (menu, "Probe", G_MENU_MODEL (probes));

  {
    g_autoptr(GMenu) groups = g_menu_new ();
    g_autofree char *group = basalt_document_dup_group_of (self->document, name);

    if (group != NULL)
      {
        g_autofree char *close = g_strdup_printf ("graph.close-group::%s", group);
        g_autofree char *ungroup = g_strdup_printf ("graph.ungroup::%s", group);
        g_autofree char *close_label = g_strdup_printf ("Close Group “%s”", group);
        g_autofree char *ungroup_label = g_strdup_printf ("Ungroup “%s”", group);

        g_menu_append (groups, close_label, close);
        g_menu_append (groups, ungroup_label, ungroup);
      }
    else
      g_menu_append (groups, "_Group Selection", "graph.group");
    g_menu_append_section (menu, NULL, G_MENU_MODEL (groups));
  }
}

static void
on_inspector_param_changed (BasaltInspector    *inspector,
                            const char         *process,
                            const char         *var,
                            gpointer            value,
                            BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_param (self->document, process, var, value, &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
on_inspector_equations_requested (BasaltInspector    *inspector,
                                  const char         *process,
                                  gpointer            text,
                                  BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_equations (self->document, process, text, &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
on_inspector_learning_rule_requested (BasaltInspector    *inspector,
                                      const char         *process,
                                      gpointer            rule,
                                      BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_learning_rule (self->document, process, rule, &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
on_inspector_template_requested (BasaltInspector    *inspector,
                                 const char         *process,
                                 const char         *template_name,
                                 BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_apply_equations_template (self->document, process, template_name, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* The document */

void
_basalt_designer_page_class_init_canvas (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_palette_type_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_process_dropped);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_processes_moved);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_equations_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_template_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_learning_rule_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_connect_refused);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_process_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_populate_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_group_moved);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_group_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_param_changed);
}
