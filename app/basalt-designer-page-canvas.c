/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The requests of the canvas and the inspector (graph.* actions with typed parameters), turned
 * into edits of the document; the canvas's selection and node menus. */

#include "config.h"

#include "basalt-action-params.h"
#include "basalt-designer-page-private.h"

/* (type, x, y): a type dropped on the canvas, its node's place in canvas units */
static void
graph_add_process_at (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  const char *type_name;
  double x, y;

  g_variant_get (param, "(&sdd)", &type_name, &x, &y);
  _basalt_designer_page_add_process_at (BASALT_DESIGNER_PAGE (widget), type_name, x, y);
}

/* [(process, x, y)]: the nodes dragged on the canvas and their new places, one undo step */
static void
graph_move_processes (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  gsize n = g_variant_n_children (param);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autofree double *xs = g_new0 (double, n);
  g_autofree double *ys = g_new0 (double, n);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    g_variant_get_child (param, i, "(&sdd)", &names[i], &xs[i], &ys[i]);

  if (!basalt_document_move_processes (self->document, names, xs, ys, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* (group, x, y): the new place of a collapsed group's node */
static void
graph_move_group (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *group;
  double x, y;

  g_variant_get (param, "(&sdd)", &group, &x, &y);
  if (!basalt_document_move_group (self->document, group, x, y, &error))
    _basalt_designer_page_show_message (self, error->message);
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
                             GParamSpec         *pspec,
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

/* (process, var, value): BASALT_VARIANT_TYPE_PARAM_VALUE, nothing for the default */
static void
graph_set_param (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GVariant) encoded = NULL;
  g_autoptr(BslArray) value = NULL;
  g_autoptr(GError) error = NULL;
  const char *process, *var;

  g_variant_get (param, "(&s&s@" BASALT_VARIANT_TYPE_PARAM_VALUE ")", &process, &var, &encoded);
  value = basalt_variant_dup_param_value (encoded);
  if (!basalt_document_set_param (self->document, process, var, value, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* (process, texts): BASALT_VARIANT_TYPE_EQUATIONS */
static void
graph_set_equations (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GVariant) texts = NULL;
  g_autoptr(GError) error = NULL;
  BslEquationsText text;
  const char *process;

  g_variant_get (param, "(&s@" BASALT_VARIANT_TYPE_EQUATIONS ")", &process, &texts);
  basalt_variant_get_equations (texts, &text);
  if (!basalt_document_set_equations (self->document, process, &text, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* (process, rule): BASALT_VARIANT_TYPE_LEARNING_RULE */
static void
graph_set_learning_rule (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GVariant) fields = NULL;
  g_autoptr(BslLearningRule) rule = NULL;
  g_autoptr(GError) error = NULL;
  const char *process;

  g_variant_get (param, "(&s@" BASALT_VARIANT_TYPE_LEARNING_RULE ")", &process, &fields);
  rule = basalt_variant_dup_learning_rule (fields);
  if (!basalt_document_set_learning_rule (self->document, process, rule, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* (process, template): bsl-equations-templates.h */
static void
graph_apply_template (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const char *process, *template_name;
  g_autoptr(GError) error = NULL;

  g_variant_get (param, "(&s&s)", &process, &template_name);
  if (!basalt_document_apply_equations_template (self->document, process, template_name, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* The document */

void
_basalt_designer_page_class_init_canvas (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.add-process-at", "(sdd)", graph_add_process_at);
  gtk_widget_class_install_action (widget_class, "graph.move-processes", "a(sdd)", graph_move_processes);
  gtk_widget_class_install_action (widget_class, "graph.move-group", "(sdd)", graph_move_group);
  gtk_widget_class_install_action (widget_class, "graph.set-param", "(ss" BASALT_VARIANT_TYPE_PARAM_VALUE ")",
                                   graph_set_param);
  gtk_widget_class_install_action (widget_class, "graph.set-equations", "(s" BASALT_VARIANT_TYPE_EQUATIONS ")",
                                   graph_set_equations);
  gtk_widget_class_install_action (widget_class, "graph.apply-template", "(ss)", graph_apply_template);
  gtk_widget_class_install_action (widget_class, "graph.set-learning-rule",
                                   "(s" BASALT_VARIANT_TYPE_LEARNING_RULE ")", graph_set_learning_rule);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_populate_menu);
}
