/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "bsl-error.h"

#include "basalt-tuner-page-private.h"

/* Where the reference comes from: a file (Open Reference…) or a population of the network
 * simulated for its run steps (From Network). */

gboolean
basalt_tuner_page_load_reference (BasaltTunerPage *self,
                                  const char      *path,
                                  GError         **error)
{
  BslReference *ref;
  g_autofree char *text = NULL, *base = NULL, *label = NULL;

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  ref = bsl_reference_load (path, NULL, error);
  if (ref == NULL)
    return FALSE;
  _basalt_tuner_page_clear_fit (self);
  g_clear_pointer (&self->ref, bsl_reference_free);
  g_clear_pointer (&self->source_ref, bsl_reference_free);
  g_clear_pointer (&self->source_type, g_free);
  self->ref = ref;
  bsl_metric_config_init (&self->metric_config);
  if (!bsl_metric_config_parse (&self->metric_config,
                                gtk_editable_get_text (GTK_EDITABLE (self->metric_entry)), NULL))
    bsl_metric_config_init (&self->metric_config);
  bsl_metric_config_check (&self->metric_config, ref, FALSE, NULL);
  text = bsl_reference_describe (ref);
  base = g_path_get_basename (path);
  label = g_strdup_printf ("%s: %s", base, text);
  gtk_label_set_text (self->reference_label, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reference_label), path);
  return _basalt_tuner_page_rebuild_problem (self, error);
}

gboolean
basalt_tuner_page_reference_from_network (BasaltTunerPage  *self,
                                          const char       *process,
                                          GError          **error)
{
  BslGraph *graph;
  const BslProcess *p;
  BslReference *ref;

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  graph = self->document != NULL ? basalt_document_get_graph (self->document) : NULL;
  if (graph == NULL || (p = bsl_graph_find_process (graph, process)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "the network has no process '%s'", process);
      return FALSE;
    }
  ref = bsl_reference_from_network (graph, process, bsl_graph_get_run_steps (graph), error);
  if (ref == NULL)
    return FALSE;
  _basalt_tuner_page_clear_fit (self);
  g_clear_pointer (&self->ref, bsl_reference_free);
  g_clear_pointer (&self->source_ref, bsl_reference_free);
  g_free (self->source_type);
  self->source_type = g_strdup (bsl_process_get_proc_type (p)->name);
  self->source_ref = ref;
  self->ref = bsl_reference_copy (ref);
  /* rebuild_problem fits the reference, its label and the metrics to the tuned population */
  return _basalt_tuner_page_rebuild_problem (self, error);
}

static void
on_reference_from_network (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       data)
{
  BasaltTunerPage *self = data;
  g_autoptr(GError) error = NULL;

  if (!basalt_tuner_page_reference_from_network (self, g_variant_get_string (parameter, NULL), &error))
    {
      _basalt_tuner_page_set_message (self, error->message);
      gtk_label_set_text (self->reference_label, error->message);
    }
}

/* The network's neuron populations, offered when the menu opens (the network may have changed). */
static void
create_network_menu (GtkMenuButton *button,
                     gpointer       data)
{
  BasaltTunerPage *self = data;
  g_autoptr(GMenu) menu = g_menu_new ();
  BslGraph *graph = self->document != NULL ? basalt_document_get_graph (self->document) : NULL;

  for (guint i = 0; graph != NULL && i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      const BslProcType *type = bsl_process_get_proc_type (p);
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;

      if (type->category != BSL_CATEGORY_NEURONS || bsl_proc_type_find_port (type, "s_out") == NULL)
        continue;
      label = g_strdup_printf ("%s (%s)", bsl_process_get_name (p), type->name);
      action = g_strdup_printf ("tuner.reference-from::%s", bsl_process_get_name (p));
      g_menu_append (menu, label, action);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (menu)) == 0)
    g_menu_append (menu, _("The network has no neuron population"), "tuner.none");
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  BasaltTunerPage *self)
{
  g_autofree char *path = _basalt_tuner_page_dup_chosen_path (dialog, response);
  g_autoptr(GError) error = NULL;

  if (path != NULL && !basalt_tuner_page_load_reference (self, path, &error))
    {
      _basalt_tuner_page_set_message (self, error->message);
      gtk_label_set_text (self->reference_label, error->message);
    }
}

void
_basalt_tuner_page_on_open_clicked (GtkButton       *button,
                                    BasaltTunerPage *self)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = gtk_file_chooser_native_new (_("Open Reference Trace"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Traces (CSV, NumPy)"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.npy");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The From Network menu and its action. */
void
_basalt_tuner_page_setup_reference (BasaltTunerPage *self)
{
  static const GActionEntry entries[] = {
    { "reference-from", on_reference_from_network, "s", NULL, NULL, { 0 } },
  };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "tuner", G_ACTION_GROUP (group));
  gtk_menu_button_set_create_popup_func (self->network_reference_button, create_network_menu, self, NULL);
}
