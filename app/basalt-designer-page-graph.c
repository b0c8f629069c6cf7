/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Designer's "graph.*" actions: edits of the network on the canvas, made through the
 * document (undoable). */

#include "config.h"

#include "basalt-designer-page-private.h"

static void
graph_delete (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const BslConnection *wire = basalt_graph_canvas_get_selected_connection (self->canvas);
  g_autoptr(GError) error = NULL;

  if (wire != NULL)
    {
      g_autofree char *from_process = g_strdup (bsl_connection_get_from_process (wire));
      g_autofree char *from_port = g_strdup (bsl_connection_get_from_port (wire));
      g_autofree char *to_process = g_strdup (bsl_connection_get_to_process (wire));
      g_autofree char *to_port = g_strdup (bsl_connection_get_to_port (wire));

      if (!basalt_document_disconnect (self->document, from_process, from_port, to_process, to_port, &error))
        _basalt_designer_page_show_message (self, error->message);
      return;
    }

  {
    const char *group = basalt_graph_canvas_get_selected_group (self->canvas);
    g_auto(GStrv) names = group != NULL ? basalt_document_dup_group_members (self->document, group)
                                        : basalt_graph_canvas_dup_selection (self->canvas);

    if (!basalt_document_remove_processes (self->document, (const char *const *) names, &error))
      _basalt_designer_page_show_message (self, error->message);
  }
}

static void
graph_rename (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_inspector_focus_name (self->inspector);
}

static void
select_names (BasaltDesignerPage *self,
              const char *const  *names)
{
  basalt_graph_canvas_unselect_all (self->canvas);
  for (guint i = 0; names && names[i]; i++)
    basalt_graph_canvas_select (self->canvas, names[i], TRUE);
}

static void
graph_duplicate (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  g_auto(GStrv) copies = NULL;
  g_autoptr(GError) error = NULL;
  BslGraph *graph = basalt_document_get_graph (self->document);

  /* Copies of unplaced nodes start from where they are drawn. */
  for (guint i = 0; names[i]; i++)
    {
      BslProcess *process = bsl_graph_find_process (graph, names[i]);

      if (process != NULL && !bsl_process_has_position (process))
        {
          double x, y;

          bsl_process_get_position (process, &x, &y);
          basalt_graph_canvas_get_node_position (self->canvas, names[i], &x, &y);
          bsl_process_set_position (process, x, y);
        }
    }

  copies = basalt_document_duplicate (self->document, (const char *const *) names, 40, 40, &error);
  if (copies == NULL)
    _basalt_designer_page_show_message (self, error->message);
  else
    select_names (self, (const char *const *) copies);
}

/* Arrow keys move the selection by one grid step (Shift: five), as one undoable move. */
static void
graph_nudge (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  guint n = g_strv_length (names);
  g_autofree double *xs = g_new0 (double, MAX (n, 1));
  g_autofree double *ys = g_new0 (double, MAX (n, 1));
  g_autoptr(GError) error = NULL;
  double dx, dy;

  if (n == 0)
    return;
  g_variant_get (param, "(dd)", &dx, &dy);
  for (guint i = 0; i < n; i++)
    {
      basalt_graph_canvas_get_node_position (self->canvas, names[i], &xs[i], &ys[i]);
      xs[i] += dx;
      ys[i] += dy;
    }
  if (!basalt_document_move_processes (self->document, (const char *const *) names, xs, ys, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* Groups */

static void
graph_group (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  g_autofree char *group = NULL;
  g_autoptr(GError) error = NULL;
  double x = G_MAXDOUBLE, y = G_MAXDOUBLE;

  /* The group's node takes the place of its top-left member. */
  for (guint i = 0; names[i]; i++)
    {
      double nx, ny;

      if (basalt_graph_canvas_get_node_position (self->canvas, names[i], &nx, &ny))
        {
          x = MIN (x, nx);
          y = MIN (y, ny);
        }
    }

  group = basalt_document_group (self->document, (const char *const *) names, x, y, &error);
  if (group == NULL)
    _basalt_designer_page_show_message (self, error->message);
  else
    basalt_graph_canvas_select_group (self->canvas, group);
}

static void
graph_ungroup (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!basalt_document_ungroup (self->document, g_variant_get_string (param, NULL), &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
set_group_collapsed (BasaltDesignerPage *self,
                     const char         *name,
                     gboolean            collapsed)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_group_collapsed (self->document, name, collapsed, &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
graph_open_group (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  set_group_collapsed (BASALT_DESIGNER_PAGE (widget), g_variant_get_string (param, NULL), FALSE);
}

static void
graph_close_group (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  set_group_collapsed (BASALT_DESIGNER_PAGE (widget), g_variant_get_string (param, NULL), TRUE);
}

static void
graph_select_all (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  basalt_graph_canvas_select_all (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_unselect_all (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  basalt_graph_canvas_unselect_all (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_zoom_in (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  basalt_graph_canvas_zoom_in (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_zoom_out (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  basalt_graph_canvas_zoom_out (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_zoom_fit (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  basalt_graph_canvas_zoom_to_fit (BASALT_DESIGNER_PAGE (widget)->canvas);
}

static void
graph_find_type (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_palette_focus_search (self->palette);
}

void
_basalt_designer_page_add_process_at (BasaltDesignerPage *self,
                                      const char         *type_name,
                                      double              x,
                                      double              y)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = basalt_document_add_process (self->document, type_name, x, y, &error);

  if (name == NULL)
    {
      _basalt_designer_page_show_message (self, error->message);
      return;
    }
  basalt_graph_canvas_select (self->canvas, name, FALSE);
}

static void
graph_add_process (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  guint n = bsl_graph_get_n_processes (basalt_document_get_graph (self->document));
  double cx, cy;

  /* Several additions in a row step aside so they do not hide each other. */
  basalt_graph_canvas_get_center (self->canvas, &cx, &cy);
  _basalt_designer_page_add_process_at (self, g_variant_get_string (param, NULL), cx - 90 + (n % 5) * 24, cy - 40 + (n % 5) * 24);
}

/* From a wire dropped on the canvas, or a port's list in the inspector: (from_process,
 * from_port, to_process, to_port). */
static void
graph_connect (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const char *from_process, *from_port, *to_process, *to_port;
  g_autoptr(GError) error = NULL;
  gboolean done;

  g_variant_get (param, "(&s&s&s&s)", &from_process, &from_port, &to_process, &to_port);
  if (g_str_equal (action_name, "graph.connect"))
    done = basalt_document_connect (self->document, from_process, from_port, to_process, to_port, &error);
  else
    done = basalt_document_disconnect (self->document, from_process, from_port, to_process, to_port, &error);
  if (!done)
    _basalt_designer_page_show_message (self, error->message);
}

/* (old_name, new_name) */
static void
graph_rename_process (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *old_name, *new_name;
  g_autofree char *target = NULL;

  g_variant_get (param, "(&s&s)", &old_name, &new_name);
  target = g_strdup (new_name);

  if (!basalt_document_rename_process (self->document, old_name, new_name, &error))
    {
      _basalt_designer_page_show_message (self, error->message);
      return;
    }
  basalt_graph_canvas_select (self->canvas, target, FALSE);
}

/* (process, dims) */
static void
graph_set_shape (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GVariant) shape = NULL;
  const char *process;
  const guint64 *values;
  gsize n_values;
  gsize dims[BSL_MAX_DIMS] = { 0 };
  g_autoptr(GError) error = NULL;
  guint ndim;

  g_variant_get (param, "(&s@at)", &process, &shape);
  values = g_variant_get_fixed_array (shape, &n_values, sizeof (guint64));
  ndim = MIN (n_values, BSL_MAX_DIMS);
  for (guint i = 0; i < ndim; i++)
    dims[i] = (gsize) values[i];

  if (!basalt_document_set_shape (self->document, process, ndim, dims, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* (process, tag): a BslTag, BSL_TAG_NONE for the run's */
static void
graph_set_model (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;
  const char *process;
  int tag;

  g_variant_get (param, "(&si)", &process, &tag);

  if (!basalt_document_set_model (self->document, process, (BslTag) tag, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* (process, preset) */
static void
graph_apply_preset (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  const char *process_name, *preset_name;
  BslProcess *process;
  const BslPreset *preset;
  g_autoptr(GPtrArray) vars = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_array_free);
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (param, "(&s&s)", &process_name, &preset_name);
  process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);
  preset = process ? bsl_proc_type_find_preset (bsl_process_get_proc_type (process), preset_name) : NULL;
  if (preset == NULL)
    return;

  /* One undo step for the whole preset */
  for (const BslPresetValue *v = preset->values; v->var != NULL; v++)
    {
      g_ptr_array_add (vars, (gpointer) v->var);
      g_ptr_array_add (values, bsl_array_new_scalar (v->value));
    }
  g_ptr_array_add (vars, NULL);
  label = g_strdup_printf ("Apply %s to %s", preset_name, process_name);
  if (!basalt_document_set_params (self->document, process_name, (const char *const *) vars->pdata,
                                   (BslArray *const *) values->pdata, label, &error))
    _basalt_designer_page_show_message (self, error->message);
}

void
_basalt_designer_page_class_init_graph (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.delete", NULL, graph_delete);
  gtk_widget_class_install_action (widget_class, "graph.rename", NULL, graph_rename);
  gtk_widget_class_install_action (widget_class, "graph.duplicate", NULL, graph_duplicate);
  gtk_widget_class_install_action (widget_class, "graph.select-all", NULL, graph_select_all);
  gtk_widget_class_install_action (widget_class, "graph.unselect-all", NULL, graph_unselect_all);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, graph_zoom_in);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, graph_zoom_out);
  gtk_widget_class_install_action (widget_class, "graph.zoom-fit", NULL, graph_zoom_fit);
  gtk_widget_class_install_action (widget_class, "graph.find-type", NULL, graph_find_type);
  gtk_widget_class_install_action (widget_class, "graph.add-process", "s", graph_add_process);
  gtk_widget_class_install_action (widget_class, "graph.connect", "(ssss)", graph_connect);
  gtk_widget_class_install_action (widget_class, "graph.disconnect", "(ssss)", graph_connect);
  gtk_widget_class_install_action (widget_class, "graph.rename-process", "(ss)", graph_rename_process);
  gtk_widget_class_install_action (widget_class, "graph.set-shape", "(sat)", graph_set_shape);
  gtk_widget_class_install_action (widget_class, "graph.set-model", "(si)", graph_set_model);
  gtk_widget_class_install_action (widget_class, "graph.apply-preset", "(ss)", graph_apply_preset);
  gtk_widget_class_install_action (widget_class, "graph.group", NULL, graph_group);
  gtk_widget_class_install_action (widget_class, "graph.nudge", "(dd)", graph_nudge);
  gtk_widget_class_install_action (widget_class, "graph.ungroup", "s", graph_ungroup);
  gtk_widget_class_install_action (widget_class, "graph.open-group", "s", graph_open_group);
  gtk_widget_class_install_action (widget_class, "graph.close-group", "s", graph_close_group);
}
