/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "basalt-action-params.h"
#include "basalt-rule-editor.h"
#include "basalt-rule-fields.h"

struct _BasaltRuleEditor
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkDropDown     *preset;
  GtkLabel        *kind;
  GtkEntry        *dw, *dd, *dt;
  GtkLabel        *error;
  GtkGrid         *numbers;
  GtkButton       *apply;
  GtkWidget       *field_label[BASALT_RULE_N_FIELDS];
  GtkEntry        *field_entry[BASALT_RULE_N_FIELDS];
  GtkLabel        *field_error[BASALT_RULE_N_FIELDS];

  BslLearningRule *rule;
  char            *process;
  gboolean         fixed_pt;      /* numbers are checked against Loihi 2's widths */
  gboolean         choosing;      /* the preset list is being reset: not a choice */
};

G_DEFINE_FINAL_TYPE (BasaltRuleEditor, basalt_rule_editor, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROCESS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static GtkEntry *
entry_of (BasaltRuleEditor *self, int target)
{
  GtkEntry *entries[BSL_K_N_TARGETS] = { self->dw, self->dd, self->dt };

  return entries[target];
}

static void
clear_marks (BasaltRuleEditor *self)
{
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    gtk_entry_set_attributes (entry_of (self, target), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error), FALSE);
  gtk_label_set_text (self->error, "");
  for (int k = 0; k < BASALT_RULE_N_FIELDS; k++)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->field_error[k]), FALSE);
      gtk_label_set_text (self->field_error[k], "");
      gtk_widget_remove_css_class (GTK_WIDGET (self->field_entry[k]), "error");
    }
}

static void
mark_field (BasaltRuleEditor *self, int field, const char *message)
{
  gtk_label_set_text (self->field_error[field], message);
  gtk_widget_set_visible (GTK_WIDGET (self->field_error[field]), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->field_entry[field]), "error");
}

/* "dw: column 5: ..." marks the fifth character of dw. */
static void
mark_error (BasaltRuleEditor *self, const char *message)
{
  gtk_label_set_text (self->error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error), TRUE);
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s: column ", bsl_learning_target_names[target]);
      GtkEntry *entry = entry_of (self, target);
      const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
      PangoAttrList *attrs;
      PangoAttribute *underline, *background;
      int column, start;

      if (!g_str_has_prefix (message, prefix))
        continue;
      column = atoi (message + strlen (prefix));
      start = CLAMP (column - 1, 0, MAX ((int) strlen (text) - 1, 0));
      attrs = pango_attr_list_new ();
      underline = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);
      background = pango_attr_background_new (0xe000, 0x1b00, 0x2400);
      underline->start_index = background->start_index = (guint) start;
      underline->end_index = background->end_index = (guint) start + 1;
      pango_attr_list_insert (attrs, underline);
      pango_attr_list_insert (attrs, background);
      gtk_entry_set_attributes (entry, attrs);
      pango_attr_list_unref (attrs);
    }
}

static void
show_fields (BasaltRuleEditor *self)
{
  for (int k = 0; k < BASALT_RULE_N_FIELDS; k++)
    {
      const BasaltRuleField *field = &basalt_rule_fields[k];
      g_autofree char *text = basalt_rule_field_format (field, self->rule);
      gboolean applies = basalt_rule_field_applies (field, self->rule);

      gtk_editable_set_text (GTK_EDITABLE (self->field_entry[k]), text);
      gtk_widget_set_visible (self->field_label[k], applies);
      gtk_widget_set_visible (GTK_WIDGET (self->field_entry[k]), applies);
      gtk_widget_set_sensitive (GTK_WIDGET (self->field_entry[k]),
                                basalt_rule_field_editable (field, self->rule));
    }
}

static void
show_rule (BasaltRuleEditor *self)
{
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      g_autofree char *text = bsl_learning_rule_dup_text (self->rule, target);
      gtk_editable_set_text (GTK_EDITABLE (entry_of (self, target)), text != NULL ? text : "");
    }
  gtk_label_set_text (self->kind, self->rule->kind == BSL_LEARNING_RULE_STDP
                      ? "STDPLoihi: dw is written from its arguments below; editing dw makes the "
                        "rule a Loihi2FLearningRule"
                      : "Loihi2FLearningRule");
  show_fields (self);
  clear_marks (self);
}

void
basalt_rule_editor_set_rule (BasaltRuleEditor *self, const BslLearningRule *rule)
{
  g_return_if_fail (BASALT_IS_RULE_EDITOR (self));

  g_clear_pointer (&self->rule, bsl_learning_rule_free);
  self->rule = bsl_learning_rule_copy (rule);
  show_rule (self);
}

void
basalt_rule_editor_set_process (BasaltRuleEditor *self,
                                const char       *process)
{
  g_return_if_fail (BASALT_IS_RULE_EDITOR (self));

  if (g_strcmp0 (self->process, process) == 0)
    return;
  g_free (self->process);
  self->process = g_strdup (process);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROCESS]);
}

const char *
basalt_rule_editor_get_process (BasaltRuleEditor *self)
{
  g_return_val_if_fail (BASALT_IS_RULE_EDITOR (self), NULL);

  return self->process;
}

/* Checks a rule as the engine will, marks what is refused, else requests it. */
static gboolean
request (BasaltRuleEditor *self, const BslLearningRule *rule)
{
  BslLearningProgram program;
  g_autoptr(GError) error = NULL;

  if (!bsl_learning_rule_compile (rule, &program, &error))
    {
      mark_error (self, error->message);
      return FALSE;
    }
  bsl_learning_program_clear (&program);
  clear_marks (self);
  /* The page that owns the network applies it; the inspector holding this editor may be
   * rebuilt meanwhile. */
  g_object_ref (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.set-learning-rule",
                              "(s@" BASALT_VARIANT_TYPE_LEARNING_RULE ")", self->process ? self->process : "",
                              basalt_variant_new_learning_rule (rule));
  g_object_unref (self);
  return TRUE;
}

/* Reads every number field into the rule; marks those refused. */
static gboolean
read_fields (BasaltRuleEditor *self, BslLearningRule *rule)
{
  gboolean ok = TRUE;

  for (int k = 0; k < BASALT_RULE_N_FIELDS; k++)
    {
      const BasaltRuleField *field = &basalt_rule_fields[k];
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->field_entry[k]));
      g_autofree char *message = NULL;

      if (!basalt_rule_field_editable (field, self->rule))
        continue;
      if (!basalt_rule_field_read (field, text, self->fixed_pt, rule, &message))
        {
          mark_field (self, k, message);
          ok = FALSE;
        }
    }
  return ok;
}

gboolean
basalt_rule_editor_apply (BasaltRuleEditor *self)
{
  g_autoptr(BslLearningRule) rule = NULL;
  gboolean unchanged = TRUE;

  g_return_val_if_fail (BASALT_IS_RULE_EDITOR (self), FALSE);
  if (self->rule == NULL)
    return FALSE;
  rule = bsl_learning_rule_copy (self->rule);
  clear_marks (self);
  if (!read_fields (self, rule))
    return FALSE;
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      g_autofree char *before = bsl_learning_rule_dup_text (self->rule, target);
      const char *text = gtk_editable_get_text (GTK_EDITABLE (entry_of (self, target)));

      unchanged = unchanged && g_strcmp0 (before != NULL ? before : "", text) == 0;
    }
  /* An STDPLoihi whose strings are edited is written as the strings it has become. */
  if (!unchanged || rule->kind != BSL_LEARNING_RULE_STDP)
    {
      rule->kind = BSL_LEARNING_RULE_LOIHI_2F;
      for (int target = 0; target < BSL_K_N_TARGETS; target++)
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (entry_of (self, target)));
          g_free (rule->text[target]);
          rule->text[target] = *text != '\0' ? g_strdup (text) : NULL;
        }
    }
  if (bsl_learning_rule_equal (rule, self->rule))
    return TRUE;
  return request (self, rule);
}

void
basalt_rule_editor_set_fixed_pt (BasaltRuleEditor *self, gboolean fixed_pt)
{
  g_return_if_fail (BASALT_IS_RULE_EDITOR (self));
  self->fixed_pt = fixed_pt;
}

GtkEditable *
basalt_rule_editor_get_field (BasaltRuleEditor *self, const char *name)
{
  g_return_val_if_fail (BASALT_IS_RULE_EDITOR (self), NULL);
  for (int k = 0; k < BASALT_RULE_N_FIELDS; k++)
    if (strcmp (basalt_rule_fields[k].name, name) == 0)
      return GTK_EDITABLE (self->field_entry[k]);
  return NULL;
}

const char *
basalt_rule_editor_get_field_error (BasaltRuleEditor *self, const char *name)
{
  g_return_val_if_fail (BASALT_IS_RULE_EDITOR (self), NULL);
  for (int k = 0; k < BASALT_RULE_N_FIELDS; k++)
    if (strcmp (basalt_rule_fields[k].name, name) == 0)
      return gtk_widget_get_visible (GTK_WIDGET (self->field_error[k]))
             ? gtk_label_get_text (self->field_error[k]) : NULL;
  return NULL;
}

static BslLearningRule *
preset_rule (guint preset)
{
  BslLearningRule *rule = bsl_learning_rule_new_default ();

  if (preset == 1)
    return rule;
  rule->kind = BSL_LEARNING_RULE_LOIHI_2F;
  rule->text[BSL_K_TARGET_W] = g_strdup (preset == 2 ? "2^-2*x1*y0 - 2^-2*y1*x0"
                                                     : "2^-3*x1*y0 - 2^-6*u0*w");
  return rule;
}

gboolean
basalt_rule_editor_choose_preset (BasaltRuleEditor *self, guint preset)
{
  g_autoptr(BslLearningRule) rule = NULL;

  g_return_val_if_fail (BASALT_IS_RULE_EDITOR (self), FALSE);
  if (preset < 1 || preset > 3)
    return FALSE;
  rule = preset_rule (preset);
  if (self->rule != NULL)
    {
      rule->t_epoch = self->rule->t_epoch;
      rule->has_rng_seed = self->rule->has_rng_seed;
      rule->rng_seed = self->rule->rng_seed;
    }
  return request (self, rule);
}

GtkEditable *
basalt_rule_editor_get_entry (BasaltRuleEditor *self, int target)
{
  g_return_val_if_fail (BASALT_IS_RULE_EDITOR (self), NULL);
  g_return_val_if_fail (target >= 0 && target < BSL_K_N_TARGETS, NULL);
  return GTK_EDITABLE (entry_of (self, target));
}

const char *
basalt_rule_editor_get_error (BasaltRuleEditor *self)
{
  g_return_val_if_fail (BASALT_IS_RULE_EDITOR (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error)) ? gtk_label_get_text (self->error) : NULL;
}

static void
on_apply (GtkButton *button, BasaltRuleEditor *self)
{
  basalt_rule_editor_apply (self);
}

static void
on_entry_activate (GtkEntry *entry, BasaltRuleEditor *self)
{
  basalt_rule_editor_apply (self);
}

static gboolean
reset_preset_list (gpointer data)
{
  BasaltRuleEditor *self = data;

  self->choosing = TRUE;
  gtk_drop_down_set_selected (self->preset, 0);
  self->choosing = FALSE;
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
on_preset_selected (GObject *object, GParamSpec *pspec, BasaltRuleEditor *self)
{
  guint selected = gtk_drop_down_get_selected (self->preset);

  if (self->choosing || selected == 0)
    return;
  basalt_rule_editor_choose_preset (self, selected);
  /* The list returns to its prompt once the choice is made (not while it selects). */
  g_idle_add (reset_preset_list, g_object_ref (self));
}

static void
basalt_rule_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BASALT_TYPE_RULE_EDITOR);
  G_OBJECT_CLASS (basalt_rule_editor_parent_class)->dispose (object);
}

static void
basalt_rule_editor_finalize (GObject *object)
{
  BasaltRuleEditor *self = BASALT_RULE_EDITOR (object);

  g_clear_pointer (&self->rule, bsl_learning_rule_free);
  g_clear_pointer (&self->process, g_free);
  G_OBJECT_CLASS (basalt_rule_editor_parent_class)->finalize (object);
}

static void
basalt_rule_editor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BasaltRuleEditor *self = BASALT_RULE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROCESS:
      g_value_set_string (value, self->process);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_rule_editor_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BasaltRuleEditor *self = BASALT_RULE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROCESS:
      basalt_rule_editor_set_process (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_rule_editor_class_init (BasaltRuleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_rule_editor_dispose;
  object_class->finalize = basalt_rule_editor_finalize;
  object_class->get_property = basalt_rule_editor_get_property;
  object_class->set_property = basalt_rule_editor_set_property;

  properties[PROP_PROCESS] =
    g_param_spec_string ("process", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-rule-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, box);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, preset);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, kind);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, dw);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, dd);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, dt);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, error);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, numbers);
  gtk_widget_class_bind_template_child (widget_class, BasaltRuleEditor, apply);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* Two fields a row, each with its message under it: STDPLoihi's arguments, then a row per trace
 * (impulse, tau), then t_epoch and rng_seed. */
static void
build_fields (BasaltRuleEditor *self)
{
  for (int k = 0; k < BASALT_RULE_N_FIELDS; k++)
    {
      const BasaltRuleField *field = &basalt_rule_fields[k];
      gboolean stdp = field->kind == BASALT_RULE_FIELD_STDP;
      gboolean trace = field->kind == BASALT_RULE_FIELD_IMPULSE || field->kind == BASALT_RULE_FIELD_TAU;
      int first_field = stdp ? 0 : trace ? 5 : 15, first_row = stdp ? 0 : trace ? 6 : 16;
      int place = k - first_field, row = first_row + place / 2 * 2, column = place % 2 * 2;
      GtkWidget *label = gtk_label_new (field->name), *entry = gtk_entry_new (), *error = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_set_tooltip_text (label, field->tooltip);
      gtk_widget_set_tooltip_text (entry, field->tooltip);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_label_set_xalign (GTK_LABEL (error), 0);
      gtk_label_set_wrap (GTK_LABEL (error), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (error), 24);
      gtk_widget_add_css_class (error, "error");
      gtk_widget_set_visible (error, FALSE);
      gtk_grid_attach (self->numbers, label, column, row, 1, 1);
      gtk_grid_attach (self->numbers, entry, column + 1, row, 1, 1);
      gtk_grid_attach (self->numbers, error, column, row + 1, 2, 1);
      g_signal_connect (entry, "activate", G_CALLBACK (on_entry_activate), self);
      self->field_label[k] = label;
      self->field_entry[k] = GTK_ENTRY (entry);
      self->field_error[k] = GTK_LABEL (error);
    }
}

static void
basalt_rule_editor_init (BasaltRuleEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_fields (self);
  g_signal_connect (self->apply, "clicked", G_CALLBACK (on_apply), self);
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    g_signal_connect (entry_of (self, target), "activate", G_CALLBACK (on_entry_activate), self);
  g_signal_connect (self->preset, "notify::selected", G_CALLBACK (on_preset_selected), self);
}

GtkWidget *
basalt_rule_editor_new (void)
{
  return g_object_new (BASALT_TYPE_RULE_EDITOR, NULL);
}
