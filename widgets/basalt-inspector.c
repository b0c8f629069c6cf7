/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "basalt-action-params.h"
#include "basalt-equations-preview.h"
#include "basalt-rule-editor.h"
#include "basalt-inspector-private.h"
#include "basalt-param-row.h"

G_DEFINE_FINAL_TYPE (BasaltInspector, basalt_inspector, GTK_TYPE_WIDGET)

BslProcess *
_basalt_inspector_get_shown_process (BasaltInspector *self)
{
  if (self->graph == NULL || self->process_name == NULL)
    return NULL;
  return bsl_graph_find_process (self->graph, self->process_name);
}

BslTag
_basalt_inspector_effective_tag (BasaltInspector  *self,
                                 const BslProcess *process)
{
  BslTag tag = bsl_process_resolve_tag (process, self->tag);

  /* A type with one model only is checked against the one it has. */
  if (!bsl_proc_type_has_model (bsl_process_get_proc_type (process), tag))
    tag = tag == BSL_TAG_FIXED_PT ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;
  return tag;
}

BslGraph *
_basalt_inspector_get_graph (BasaltInspector *self)
{
  return self->graph;
}

const char *
_basalt_inspector_get_base_dir (BasaltInspector *self)
{
  return self->graph != NULL ? bsl_graph_get_base_dir (self->graph) : NULL;
}

void
_basalt_inspector_request_param (BasaltInspector  *self,
                                 const BslProcess *process,
                                 const char       *var,
                                 const BslArray   *value)
{
  /* The page may rename or remove the process: the name is a copy. */
  g_autofree char *process_name = g_strdup (bsl_process_get_name (process));

  gtk_widget_activate_action (GTK_WIDGET (self), "graph.set-param",
                              "(ss@" BASALT_VARIANT_TYPE_PARAM_VALUE ")", process_name, var,
                              basalt_variant_new_param_value (value));
}

static void
add_param_row (BasaltInspector  *self,
               const BslProcess *process,
               const BslVarSpec *spec)
{
  GtkWidget *row = basalt_param_row_new (self, spec, process);

  gtk_box_append (self->params_box, row);
  g_ptr_array_add (self->rows, row);
  basalt_param_row_show_hint (BASALT_PARAM_ROW (row), process, _basalt_inspector_effective_tag (self, process));
  basalt_param_row_show_value (BASALT_PARAM_ROW (row), process);
}

static void
on_preset_selected (GtkDropDown     *dropdown,
                    GParamSpec      *pspec,
                    BasaltInspector *self)
{
  BslProcess *process = _basalt_inspector_get_shown_process (self);
  guint selected = gtk_drop_down_get_selected (dropdown);
  const BslProcType *type;
  g_autofree char *name = NULL;

  /* Row 0 is the prompt; a preset is applied once, then the prompt shows again. */
  if (process == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return;
  type = bsl_process_get_proc_type (process);
  if (selected > type->n_presets)
    return;

  name = g_strdup (bsl_process_get_name (process));
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.apply-preset", "(ss)", name,
                              type->presets[selected - 1].name);
  gtk_drop_down_set_selected (dropdown, 0);
}

/* Types with named parameter sets (Izhikevich's regular spiking, ...) offer them first. */
static void
add_preset_row (BasaltInspector  *self,
                const BslProcess *process)
{
  const BslProcType *type = bsl_process_get_proc_type (process);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new ("Preset");
  GtkWidget *dropdown;

  gtk_string_list_append (names, "Apply a preset…");
  for (guint i = 0; i < type->n_presets; i++)
    gtk_string_list_append (names, type->presets[i].name);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_set_name (dropdown, "preset");
  gtk_widget_set_tooltip_text (dropdown, "Sets the parameters the preset names, as one undoable edit");
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_preset_selected), self);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), dropdown);
  gtk_box_append (self->params_box, box);
}

static void
add_rule_editor (BasaltInspector  *self,
                 const BslProcess *process)
{
  self->rule_editor = basalt_rule_editor_new ();
  basalt_rule_editor_set_process (BASALT_RULE_EDITOR (self->rule_editor), self->process_name);
  basalt_rule_editor_set_rule (BASALT_RULE_EDITOR (self->rule_editor),
                               bsl_process_get_learning_rule (process));
  basalt_rule_editor_set_fixed_pt (BASALT_RULE_EDITOR (self->rule_editor),
                                   _basalt_inspector_effective_tag (self, process) == BSL_TAG_FIXED_PT);
  gtk_box_append (self->params_box, self->rule_editor);
}

GtkWidget *
basalt_inspector_get_rule_editor (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);
  return self->rule_editor;
}

static void
clear_rows (BasaltInspector *self)
{
  GtkWidget *child;

  if (self->eq_preview != NULL)
    {
      GtkEditable *input = basalt_equations_preview_get_input (BASALT_EQUATIONS_PREVIEW (self->eq_preview));

      g_free (self->eq_preview_input);
      self->eq_preview_input = g_strdup (gtk_editable_get_text (input));
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->params_box))) != NULL)
    gtk_box_remove (self->params_box, child);
  g_ptr_array_set_size (self->rows, 0);
  g_clear_handle_id (&self->eq_preview_source, g_source_remove);
  self->eq_model = self->eq_threshold = self->eq_reset = NULL;
  self->eq_refractory = self->eq_input = self->eq_method = self->eq_error = NULL;
  self->eq_preview = self->eq_template = NULL;
  self->rule_editor = NULL;
}

/* The Model list's row for the process's tag: row 0 is the run's. */
static guint
model_position (const BslProcess *process)
{
  BslTag tag = bsl_process_get_tag (process);

  return tag == BSL_TAG_NONE ? 0 : (guint) tag + 1;
}

static void
show_header (BasaltInspector  *self,
             const BslProcess *process)
{
  const BslProcType *type = bsl_process_get_proc_type (process);
  g_autofree char *shape = bsl_process_dup_shape_string (process);
  g_autofree char *title = g_strdup_printf ("%s · %s", type->name, bsl_category_to_string (type->category));

  gtk_label_set_text (self->type_label, title);
  gtk_label_set_text (self->description_label, type->description);
  if (!gtk_widget_has_focus (GTK_WIDGET (self->name_entry)) &&
      !gtk_widget_has_focus (gtk_widget_get_first_child (GTK_WIDGET (self->name_entry))))
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), bsl_process_get_name (process));
  gtk_editable_set_text (GTK_EDITABLE (self->shape_entry), shape);

  self->updating_model = TRUE;
  gtk_drop_down_set_selected (self->model_dropdown, model_position (process));
  self->updating_model = FALSE;
}


static char *
schema_signature (const BslProcess *process)
{
  const BslProcType *type = bsl_process_get_proc_type (process);
  GString *out = g_string_new (type->name);

  for (guint i = 0; i < type->n_vars; i++)
    g_string_append_printf (out, " %s", type->vars[i].name);
  return g_string_free (out, FALSE);
}

static void
rebuild (BasaltInspector *self)
{
  BslProcess *process = _basalt_inspector_get_shown_process (self);
  const BslProcType *type;

  clear_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->header_error), FALSE);

  if (process == NULL)
    {
      self->shown_type = NULL;
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  type = bsl_process_get_proc_type (process);
  self->shown_type = type;
  g_free (self->shown_schema);
  self->shown_schema = schema_signature (process);
  show_header (self, process);
  if (bsl_proc_type_is_equations (type))
    _basalt_inspector_add_equations_editor (self, process);
  if (bsl_process_get_learning_rule (process) != NULL)
    add_rule_editor (self, process);
  if (type->n_presets > 0)
    add_preset_row (self, process);
  for (guint i = 0; i < type->n_vars; i++)
    if (!(type->vars[i].flags & BSL_VAR_HIDDEN))
      add_param_row (self, process, &type->vars[i]);
  _basalt_inspector_rebuild_connections (self, process);
  gtk_stack_set_visible_child_name (self->stack, "process");
}

static void
show_header_error (BasaltInspector *self,
                   const char      *message)
{
  gtk_label_set_text (self->header_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->header_error), message != NULL);
}

static void
on_name_activate (GtkEntry        *entry,
                  BasaltInspector *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *old_name = g_strdup (self->process_name);
  g_autofree char *new_name = g_strstrip (g_strdup (text));

  if (old_name == NULL || g_strcmp0 (old_name, new_name) == 0)
    return;

  if (bsl_graph_find_process (self->graph, new_name) != NULL)
    {
      g_autofree char *message = g_strdup_printf ("there is already a process named '%s'", new_name);

      show_header_error (self, message);
      return;
    }

  show_header_error (self, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.rename-process", "(ss)", old_name, new_name);
}

static void
on_shape_activate (GtkEntry        *entry,
                   BasaltInspector *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GArray) dims = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(BslArray) value = NULL;
  BslProcess *process = _basalt_inspector_get_shown_process (self);

  if (process == NULL)
    return;

  g_strdelimit (text, "()[]", ' ');
  tokens = g_regex_split_simple ("[,\\s]+", g_strstrip (text), 0, 0);
  for (guint i = 0; tokens[i]; i++)
    {
      guint64 n;

      if (tokens[i][0] == '\0')
        continue;
      /* No sign, no wrap-around: "-3" would otherwise read as 2^64 - 3. */
      if (!g_ascii_string_to_unsigned (tokens[i], 10, 1, G_MAXUINT32, &n, NULL))
        {
          g_autofree char *message = g_strdup_printf ("'%s' is not a valid size: sizes are whole numbers ≥ 1",
                                                      tokens[i]);
          show_header_error (self, message);
          return;
        }
      {
        double x = (double) n;

        g_array_append_val (dims, x);
      }
    }

  if (dims->len == 0)
    {
      show_header_error (self, "the shape is empty");
      return;
    }

  show_header_error (self, NULL);
  value = bsl_array_new_vector (dims->len, &g_array_index (dims, double, 0));
  {
    g_autofree char *process_name = g_strdup (bsl_process_get_name (process));

    g_autoptr(GArray) dims_u64 = g_array_new (FALSE, FALSE, sizeof (guint64));

    for (gsize i = 0; i < value->n; i++)
      {
        guint64 dim = (guint64) value->data[i];

        g_array_append_val (dims_u64, dim);
      }
    gtk_widget_activate_action (GTK_WIDGET (self), "graph.set-shape", "(s@at)", process_name,
                                g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, dims_u64->data,
                                                           dims_u64->len, sizeof (guint64)));
  }
}

static void
on_model_selected (GtkDropDown     *dropdown,
                   GParamSpec      *pspec,
                   BasaltInspector *self)
{
  BslProcess *process = _basalt_inspector_get_shown_process (self);
  guint selected = gtk_drop_down_get_selected (dropdown);
  BslTag tag = selected == 0 ? BSL_TAG_NONE : (BslTag) (selected - 1);
  g_autofree char *name = NULL;

  if (self->updating_model || process == NULL || selected == GTK_INVALID_LIST_POSITION ||
      tag == bsl_process_get_tag (process))
    return;

  /* Refused here, with the reason, rather than when the run is compiled. */
  if (tag != BSL_TAG_NONE && !bsl_proc_type_has_model (bsl_process_get_proc_type (process), tag))
    {
      g_autofree char *message = g_strdup_printf ("%s has no %s model (as in Lava)",
                                                  bsl_process_get_proc_type (process)->name,
                                                  bsl_tag_to_string (tag));
      show_header_error (self, message);
      self->updating_model = TRUE;
      gtk_drop_down_set_selected (dropdown, model_position (process));
      self->updating_model = FALSE;
      return;
    }

  show_header_error (self, NULL);
  name = g_strdup (bsl_process_get_name (process));
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.set-model", "(si)", name, (int) tag);
}

/* GObject */

static void
basalt_inspector_dispose (GObject *object)
{
  BasaltInspector *self = (BasaltInspector *) object;

  if (self->rows != NULL)
    clear_rows (self);
  g_clear_handle_id (&self->template_source, g_source_remove);
  g_clear_pointer (&self->template_process, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), BASALT_TYPE_INSPECTOR);
  /* The template's top-level child is not a bound one. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->graph, bsl_graph_unref);

  G_OBJECT_CLASS (basalt_inspector_parent_class)->dispose (object);
}

static void
basalt_inspector_finalize (GObject *object)
{
  BasaltInspector *self = (BasaltInspector *) object;

  g_clear_pointer (&self->process_name, g_free);
  g_clear_pointer (&self->shown_schema, g_free);
  g_clear_pointer (&self->eq_preview_input, g_free);
  g_clear_pointer (&self->eq_preview_process, g_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (basalt_inspector_parent_class)->finalize (object);
}

static void
basalt_inspector_class_init (BasaltInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_inspector_dispose;
  object_class->finalize = basalt_inspector_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, type_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, description_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, name_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, shape_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, header_error);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, params_box);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, connections_box);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_shape_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_model_selected);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
}

static void
basalt_inspector_init (BasaltInspector *self)
{
  self->rows = g_ptr_array_new ();
  self->tag = BSL_TAG_FLOATING_PT;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
basalt_inspector_new (void)
{
  return g_object_new (BASALT_TYPE_INSPECTOR, NULL);
}

void
basalt_inspector_set_process (BasaltInspector *self,
                              BslGraph        *graph,
                              const char      *name)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if (graph != self->graph)
    {
      if (graph)
        bsl_graph_ref (graph);
      g_clear_pointer (&self->graph, bsl_graph_unref);
      self->graph = graph;
    }

  g_free (self->process_name);
  self->process_name = g_strdup (name);
  show_header_error (self, NULL);
  rebuild (self);
}

const char *
basalt_inspector_get_process (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  return self->process_name;
}

void
basalt_inspector_refresh (BasaltInspector *self)
{
  BslProcess *process;

  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  process = _basalt_inspector_get_shown_process (self);
  if (process == NULL || bsl_process_get_proc_type (process) != self->shown_type)
    {
      rebuild (self);
      return;
    }
  else
    {
      /* A new schema may reuse the old one's address: compare what it holds. */
      g_autofree char *schema = schema_signature (process);

      if (g_strcmp0 (schema, self->shown_schema) != 0)
        {
          rebuild (self);
          return;
        }
    }

  show_header (self, process);
  for (guint i = 0; i < self->rows->len; i++)
    {
      BasaltParamRow *row = g_ptr_array_index (self->rows, i);

      basalt_param_row_show_hint (row, process, _basalt_inspector_effective_tag (self, process));
      basalt_param_row_show_value (row, process);
    }
  _basalt_inspector_rebuild_connections (self, process);
  if (self->rule_editor != NULL && bsl_process_get_learning_rule (process) != NULL)
    basalt_rule_editor_set_rule (BASALT_RULE_EDITOR (self->rule_editor),
                                 bsl_process_get_learning_rule (process));
  /* New parameter values change the trace at once. */
  _basalt_inspector_update_equations_preview (self);
}

void
basalt_inspector_set_tag (BasaltInspector *self,
                          BslTag           tag)
{
  BslProcess *process;

  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if (self->tag == tag)
    return;
  self->tag = tag;
  if ((process = _basalt_inspector_get_shown_process (self)) == NULL)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    basalt_param_row_show_hint (g_ptr_array_index (self->rows, i), process,
                                _basalt_inspector_effective_tag (self, process));
  if (self->rule_editor != NULL)
    basalt_rule_editor_set_fixed_pt (BASALT_RULE_EDITOR (self->rule_editor),
                                     _basalt_inspector_effective_tag (self, process) == BSL_TAG_FIXED_PT);
}

void
basalt_inspector_focus_name (BasaltInspector *self)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if (_basalt_inspector_get_shown_process (self) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static BasaltParamRow *
find_row (BasaltInspector *self,
          const char      *var)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      BasaltParamRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (basalt_param_row_get_spec (row)->name, var) == 0)
        return row;
    }
  return NULL;
}

char *
basalt_inspector_dup_param_text (BasaltInspector *self,
                                 const char      *var)
{
  BasaltParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  row = find_row (self, var);
  return row != NULL ? basalt_param_row_dup_text (row) : NULL;
}

void
basalt_inspector_show_param_error (BasaltInspector *self,
                                   const char      *var,
                                   const char      *message)
{
  BasaltParamRow *row;

  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if ((row = find_row (self, var)) == NULL)
    return;
  basalt_param_row_set_error (row, message);
  basalt_param_row_focus_editor (row);
}

char *
basalt_inspector_dup_param_hint (BasaltInspector *self,
                                 const char      *var)
{
  BasaltParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  row = find_row (self, var);
  return row != NULL ? g_strdup (basalt_param_row_get_hint (row)) : NULL;
}

gboolean
basalt_inspector_enter_param (BasaltInspector *self,
                              const char      *var,
                              const char      *text)
{
  BasaltParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  row = find_row (self, var);
  return row != NULL && basalt_param_row_enter_text (row, text);
}

const char *
basalt_inspector_get_param_error (BasaltInspector *self,
                                  const char      *var)
{
  BasaltParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  row = find_row (self, var);
  return row ? basalt_param_row_get_error (row) : NULL;
}

void
basalt_inspector_enter_name (BasaltInspector *self,
                             const char      *text)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), text);
  g_signal_emit_by_name (self->name_entry, "activate");
}

void
basalt_inspector_enter_shape (BasaltInspector *self,
                              const char      *text)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->shape_entry), text);
  g_signal_emit_by_name (self->shape_entry, "activate");
}

const char *
basalt_inspector_get_header_error (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->header_error)))
    return NULL;
  return gtk_label_get_text (self->header_error);
}


void
basalt_inspector_choose_model (BasaltInspector *self,
                               BslTag           tag)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  gtk_drop_down_set_selected (self->model_dropdown, tag == BSL_TAG_NONE ? 0 : (guint) tag + 1);
}


gboolean
basalt_inspector_choose_preset (BasaltInspector *self,
                                const char      *preset)
{
  GtkWidget *dropdown = NULL;
  BslProcess *process;
  const BslProcType *type;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if ((process = _basalt_inspector_get_shown_process (self)) == NULL)
    return FALSE;
  for (GtkWidget *box = gtk_widget_get_first_child (GTK_WIDGET (self->params_box)); box && !dropdown;
       box = gtk_widget_get_next_sibling (box))
    for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_DROP_DOWN (child) && g_strcmp0 (gtk_widget_get_name (child), "preset") == 0)
        dropdown = child;
  if (dropdown == NULL)
    return FALSE;

  type = bsl_process_get_proc_type (process);
  for (guint i = 0; i < type->n_presets; i++)
    if (g_strcmp0 (type->presets[i].name, preset) == 0)
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i + 1);
        return TRUE;
      }
  return FALSE;
}

