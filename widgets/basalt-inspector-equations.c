/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The inspector's editor of an Equations process's texts (Brian2's syntax), with the list of
 * templates to start from and a live trace of one neuron under them. */

#include "config.h"

#include <string.h>

#include "bsl-equations-templates.h"

#include "basalt-action-params.h"
#include "basalt-equations-preview.h"
#include "basalt-inspector-private.h"

/* heun and milstein: Brian2's schemes for noise that euler cannot take (multiplicative) */
static const char *eq_methods[] = { "euler", "exponential_euler", "rk4", "heun", "milstein", NULL };

static char *
text_view_dup_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The texts as shown in the editor; returns the model text, which text->model borrows. */
static char *
get_shown_equations (BasaltInspector  *self,
                     BslEquationsText *text)
{
  char *model = text_view_dup_text (self->eq_model);
  guint method = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->eq_method));

  text->model = model;
  text->threshold = gtk_editable_get_text (GTK_EDITABLE (self->eq_threshold));
  text->reset = gtk_editable_get_text (GTK_EDITABLE (self->eq_reset));
  text->refractory = gtk_editable_get_text (GTK_EDITABLE (self->eq_refractory));
  text->input = gtk_editable_get_text (GTK_EDITABLE (self->eq_input));
  text->method = method < G_N_ELEMENTS (eq_methods) - 1 ? eq_methods[method] : "euler";
  text->tables = NULL;  /* the process keeps its own */
  return model;
}

static gboolean
apply_equations (BasaltInspector *self)
{
  BslProcess *process = _basalt_inspector_get_shown_process (self);
  g_autofree char *model = NULL;
  g_autoptr(BslProcess) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  BslEquationsText text;

  if (process == NULL || self->eq_model == NULL)
    return FALSE;

  model = get_shown_equations (self, &text);

  /* Checked on a copy first, so the message (line and column) shows here and nothing changes. */
  probe = bsl_process_copy (process);
  if (!bsl_process_set_equations (probe, &text, &error))
    {
      gtk_label_set_text (GTK_LABEL (self->eq_error), error->message);
      gtk_widget_set_visible (self->eq_error, TRUE);
      return FALSE;
    }

  gtk_widget_set_visible (self->eq_error, FALSE);
  name = g_strdup (bsl_process_get_name (process));
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.set-equations",
                              "(s@" BASALT_VARIANT_TYPE_EQUATIONS ")", name, basalt_variant_new_equations (&text));
  return TRUE;
}

static void
on_equations_apply (GtkButton       *button,
                    BasaltInspector *self)
{
  apply_equations (self);
}

/* Live preview */

/* Text offsets of a (line, column) position, both counted from 1 in characters; the column
 * may be one past the end of the line (an unfinished expression). */
static gboolean
find_char_range (const char *text,
                 guint       line,
                 guint       column,
                 int        *start,
                 int        *end)
{
  const char *p = text;
  glong line_start, line_len, offset;

  for (guint l = 1; l < line; l++)
    {
      p = strchr (p, '\n');
      if (p == NULL)
        return FALSE;
      p++;
    }
  line_start = g_utf8_pointer_to_offset (text, p);
  line_len = g_utf8_strlen (p, (gssize) strcspn (p, "\n"));
  if (line_len == 0)
    return FALSE;
  offset = MIN ((glong) column - 1, line_len - 1);
  *start = (int) (line_start + offset);
  *end = *start + 1;
  return TRUE;
}

static void
clear_error_marks (BasaltInspector *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model));
  GtkTextIter start, end;
  GtkWidget *entries[] = { self->eq_threshold, self->eq_reset, self->eq_refractory };

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "error", &start, &end);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    gtk_entry_set_attributes (GTK_ENTRY (entries[i]), NULL);
}

/* Marks the character an error points at, in the text it belongs to. The cursor moves there
 * only when the model view is not being typed in, so typing is never interrupted. */
static void
mark_error (BasaltInspector *self,
            const GError    *error)
{
  const char *which = NULL;
  guint line, column;
  int start, end;

  if (!bsl_equations_error_position (error, &which, &line, &column))
    return;

  if (g_strcmp0 (which, "model") == 0)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model));
      g_autofree char *text = text_view_dup_text (self->eq_model);
      GtkTextIter a, b;

      if (!find_char_range (text, line, column, &start, &end))
        return;
      gtk_text_buffer_get_iter_at_offset (buffer, &a, start);
      gtk_text_buffer_get_iter_at_offset (buffer, &b, end);
      gtk_text_buffer_apply_tag_by_name (buffer, "error", &a, &b);
      if (!gtk_widget_has_focus (self->eq_model))
        {
          gtk_text_buffer_place_cursor (buffer, &a);
          gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->eq_model), &a, 0.1, FALSE, 0, 0);
        }
    }
  else
    {
      GtkWidget *entry = g_strcmp0 (which, "threshold") == 0 ? self->eq_threshold
                       : g_strcmp0 (which, "reset") == 0 ? self->eq_reset
                       : g_strcmp0 (which, "refractory") == 0 ? self->eq_refractory : NULL;
      const char *text;
      PangoAttrList *attrs;
      PangoAttribute *attr;

      if (entry == NULL)
        return;
      text = gtk_editable_get_text (GTK_EDITABLE (entry));
      if (!find_char_range (text, line, column, &start, &end))
        return;
      attrs = pango_attr_list_new ();
      for (guint i = 0; i < 2; i++)
        {
          attr = i == 0 ? pango_attr_underline_new (PANGO_UNDERLINE_ERROR)
                        : pango_attr_foreground_new (0xe000, 0x1b00, 0x2400);
          attr->start_index = g_utf8_offset_to_pointer (text, start) - text;
          attr->end_index = g_utf8_offset_to_pointer (text, end) - text;
          pango_attr_list_insert (attrs, attr);
        }
      gtk_entry_set_attributes (GTK_ENTRY (entry), attrs);
      pango_attr_list_unref (attrs);
    }
}

/* Compiles the texts as typed (not the process's own) and simulates one neuron with them and
 * the process's values. Nothing of the document changes: Apply stays the only edit. */
void
_basalt_inspector_update_equations_preview (BasaltInspector *self)
{
  BslProcess *process = _basalt_inspector_get_shown_process (self);
  g_autofree char *model = NULL;
  g_autoptr(BslEquations) eq = NULL;
  g_autoptr(GError) error = NULL;
  BslEquationsText text, current = { 0 };

  g_clear_handle_id (&self->eq_preview_source, g_source_remove);
  if (process == NULL || self->eq_preview == NULL)
    return;

  model = get_shown_equations (self, &text);
  bsl_process_get_equations (process, &current);
  eq = bsl_equations_new_with_tables (text.model, text.threshold, text.reset, text.refractory,
                                      text.input, bsl_equations_tables_peek (current.tables),
                                      bsl_equations_tables_get_n (current.tables), &error);
  if (eq != NULL && !bsl_equations_set_method (eq, text.method, &error))
    g_clear_pointer (&eq, bsl_equations_unref);

  clear_error_marks (self);
  if (eq == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->eq_error), error->message);
      gtk_widget_set_visible (self->eq_error, TRUE);
      mark_error (self, error);
      basalt_equations_preview_show_message (BASALT_EQUATIONS_PREVIEW (self->eq_preview),
                                             "No preview while the equations have an error (above).");
      return;
    }

  gtk_widget_set_visible (self->eq_error, FALSE);
  basalt_equations_preview_show (BASALT_EQUATIONS_PREVIEW (self->eq_preview), eq, process);
}

static gboolean
on_preview_timeout (gpointer data)
{
  BasaltInspector *self = data;

  self->eq_preview_source = 0;
  _basalt_inspector_update_equations_preview (self);
  return G_SOURCE_REMOVE;
}

/* Typing re-simulates once the keys pause, not at every key. */
static void
schedule_preview (BasaltInspector *self)
{
  g_clear_handle_id (&self->eq_preview_source, g_source_remove);
  self->eq_preview_source = g_timeout_add (150, on_preview_timeout, self);
}

static void
on_equations_text_changed (gpointer         object,
                           BasaltInspector *self)
{
  schedule_preview (self);
}

static void
on_equations_method_changed (GObject         *object,
                             GParamSpec      *pspec,
                             BasaltInspector *self)
{
  schedule_preview (self);
}

static GtkWidget *
equations_entry (GtkWidget  *grid,
                 int         row,
                 const char *label,
                 const char *text)
{
  GtkWidget *title = gtk_label_new (label);
  GtkWidget *entry = gtk_entry_new ();
  /* A one-line entry shows several statements (a reset) with Brian2's other separator. */
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  g_autofree char *one_line = g_strjoinv ("; ", lines);

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_editable_set_text (GTK_EDITABLE (entry), one_line);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_widget_add_css_class (entry, "monospace");
  gtk_grid_attach (GTK_GRID (grid), title, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), entry, 1, row, 1, 1);
  return entry;
}

static gboolean
request_template (gpointer data)
{
  BasaltInspector *self = data;
  g_autofree char *process = g_steal_pointer (&self->template_process);

  self->template_source = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.apply-template", "(ss)", process, self->template_name);
  return G_SOURCE_REMOVE;
}

static void
on_template_selected (GtkDropDown     *dropdown,
                      GParamSpec      *pspec,
                      BasaltInspector *self)
{
  BslProcess *process = _basalt_inspector_get_shown_process (self);
  guint selected = gtk_drop_down_get_selected (dropdown);
  guint n_templates;
  const BslEquationsTemplate *templates = bsl_equations_templates (&n_templates);

  /* Row 0 is the prompt, shown again once the template is applied. */
  if (process == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > n_templates)
    return;

  /* The new equations rebuild this editor, list included: not while the list is selecting. */
  g_free (self->template_process);
  self->template_process = g_strdup (bsl_process_get_name (process));
  self->template_name = templates[selected - 1].name;
  g_clear_handle_id (&self->template_source, g_source_remove);
  /* At default priority, ahead of redrawing: a window that redraws every frame (a run going
   * flat out on a busy machine) would otherwise never let an idle one run. */
  self->template_source = g_idle_add_full (G_PRIORITY_DEFAULT, request_template, self, NULL);
  gtk_drop_down_set_selected (dropdown, 0);
}

static GtkWidget *
template_dropdown (BasaltInspector *self)
{
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  g_autoptr(GString) tooltip = g_string_new ("Replaces the equations and values with a ready-made "
                                             "model, as one undoable edit:");
  guint n_templates;
  const BslEquationsTemplate *templates = bsl_equations_templates (&n_templates);
  GtkWidget *dropdown;

  gtk_string_list_append (titles, "Start from a template…");
  for (guint i = 0; i < n_templates; i++)
    {
      gtk_string_list_append (titles, templates[i].title);
      g_string_append_printf (tooltip, "\n• %s: %s", templates[i].title, templates[i].description);
    }
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (titles)), NULL);
  gtk_widget_set_name (dropdown, "equations-template");
  gtk_widget_set_tooltip_text (dropdown, tooltip->str);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_template_selected), self);
  return dropdown;
}

/* The process's tables (TimedArray), which its model may call: kept through every edit of the
 * texts, changed only in the file. */
static GtkWidget *
tables_label (const BslEquationsTables *tables)
{
  g_autofree char *description = bsl_equations_tables_describe (tables);
  g_autofree char *text = g_strdup_printf ("Tables: %s", description);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (label, "Values over time the model calls as functions, like "
                               "Brian2's TimedArray: name(t), or name(t, i) with a column per "
                               "neuron. They are kept when the equations change.");
  gtk_widget_set_name (label, "equations-tables");
  return label;
}

/* The texts of an Equations process, in Brian2's syntax; Apply re-derives its Vars. */
void
_basalt_inspector_add_equations_editor (BasaltInspector  *self,
                                        const BslProcess *process)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new ("Equations");
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *apply = gtk_button_new_with_label ("Apply Equations");
  GtkWidget *method_label = gtk_label_new ("method");
  BslEquationsText text = { 0 };

  bsl_process_get_equations (process, &text);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  self->eq_template = template_dropdown (self);
  gtk_box_append (GTK_BOX (box), self->eq_template);

  self->eq_model = gtk_text_view_new ();
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->eq_model), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->eq_model), GTK_WRAP_WORD_CHAR);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)),
                            text.model ? text.model : "", -1);
  gtk_widget_set_tooltip_text (self->eq_model, "Model equations, one per line (Brian2 syntax)");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->eq_model);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 120);
  gtk_widget_add_css_class (scroller, "frame");
  gtk_box_append (GTK_BOX (box), scroller);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  self->eq_threshold = equations_entry (grid, 0, "threshold", text.threshold);
  self->eq_reset = equations_entry (grid, 1, "reset", text.reset);
  self->eq_refractory = equations_entry (grid, 2, "refractory", text.refractory);
  self->eq_input = equations_entry (grid, 3, "input", text.input);
  self->eq_method = gtk_drop_down_new_from_strings (eq_methods);
  for (guint i = 0; eq_methods[i]; i++)
    if (g_strcmp0 (eq_methods[i], text.method) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->eq_method), i);
  gtk_label_set_xalign (GTK_LABEL (method_label), 1);
  gtk_grid_attach (GTK_GRID (grid), method_label, 0, 4, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->eq_method, 1, 4, 1, 1);
  gtk_box_append (GTK_BOX (box), grid);
  if (bsl_equations_tables_get_n (text.tables) > 0)
    gtk_box_append (GTK_BOX (box), tables_label (text.tables));

  self->eq_error = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->eq_error), 0);
  gtk_label_set_wrap (GTK_LABEL (self->eq_error), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->eq_error), TRUE);
  gtk_widget_add_css_class (self->eq_error, "error");
  gtk_widget_set_visible (self->eq_error, FALSE);
  gtk_box_append (GTK_BOX (box), self->eq_error);

  gtk_widget_set_halign (apply, GTK_ALIGN_END);
  g_signal_connect (apply, "clicked", G_CALLBACK (on_equations_apply), self);
  gtk_box_append (GTK_BOX (box), apply);

  self->eq_preview = basalt_equations_preview_new ();
  gtk_box_append (GTK_BOX (box), self->eq_preview);
  gtk_box_append (self->params_box, box);

  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)), "error",
                              "underline", PANGO_UNDERLINE_ERROR, "background", "rgba(224,27,36,0.25)", NULL);
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)), "changed",
                    G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_threshold, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_reset, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_refractory, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_input, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_method, "notify::selected", G_CALLBACK (on_equations_method_changed), self);
  _basalt_inspector_update_equations_preview (self);
  if (self->eq_preview_input != NULL && g_strcmp0 (self->eq_preview_process, bsl_process_get_name (process)) == 0)
    gtk_editable_set_text (basalt_equations_preview_get_input (BASALT_EQUATIONS_PREVIEW (self->eq_preview)),
                           self->eq_preview_input);
  g_free (self->eq_preview_process);
  self->eq_preview_process = g_strdup (bsl_process_get_name (process));
}

gboolean
basalt_inspector_choose_equations_template (BasaltInspector *self,
                                            const char      *template_name)
{
  guint n_templates;
  const BslEquationsTemplate *templates = bsl_equations_templates (&n_templates);

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if (self->eq_template == NULL)
    return FALSE;
  for (guint i = 0; i < n_templates; i++)
    if (g_strcmp0 (templates[i].name, template_name) == 0)
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->eq_template), i + 1);
        return TRUE;
      }
  return FALSE;
}

gboolean
basalt_inspector_enter_equations (BasaltInspector        *self,
                                  const BslEquationsText *text)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if (self->eq_model == NULL)
    return FALSE;

  if (text->model)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)), text->model, -1);
  if (text->threshold)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_threshold), text->threshold);
  if (text->reset)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_reset), text->reset);
  if (text->refractory)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_refractory), text->refractory);
  if (text->input)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_input), text->input);
  for (guint i = 0; text->method && eq_methods[i]; i++)
    if (g_str_equal (eq_methods[i], text->method))
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->eq_method), i);
  return apply_equations (self);
}

GtkWidget *
basalt_inspector_get_equations_preview (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  return self->eq_preview;
}

GtkTextView *
basalt_inspector_get_equations_view (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  return self->eq_model ? GTK_TEXT_VIEW (self->eq_model) : NULL;
}

const char *
basalt_inspector_get_equations_error (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  if (self->eq_error == NULL || !gtk_widget_get_visible (self->eq_error))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->eq_error));
}
