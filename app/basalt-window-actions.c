/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "bsl-error.h"

#include "basalt-dialogs.h"
#include "basalt-window-private.h"

/* What to do after a dialog the user may cancel (save before closing, ...). */
typedef void (*Continuation) (BasaltWindow *self,
                              gpointer      data);

typedef struct
{
  BasaltWindow   *self;
  Continuation    func;
  gpointer        data;
  GDestroyNotify  destroy;
} Pending;

typedef void (*FileChosen) (BasaltWindow *self,
                            GFile        *file,
                            Pending      *then);

typedef struct
{
  BasaltWindow *self;
  FileChosen    func;
  Pending      *then;
} Chooser;

static void save_then (BasaltWindow *self,
                       Pending      *then);

static Pending *
pending_new (BasaltWindow   *self,
             Continuation    func,
             gpointer        data,
             GDestroyNotify  destroy)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->func = func;
  pending->data = data;
  pending->destroy = destroy;
  return pending;
}

static void
pending_finish (Pending  *pending,
                gboolean  run)
{
  if (pending == NULL)
    return;
  if (run && pending->func != NULL)
    pending->func (pending->self, pending->data);
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_object_unref (pending->self);
  g_free (pending);
}

static void
pending_run (Pending *pending)
{
  pending_finish (pending, TRUE);
}

static void
pending_drop (Pending *pending)
{
  pending_finish (pending, FALSE);
}

static void
on_file_chosen (GFile    *file,
                gpointer  user_data)
{
  Chooser *chooser = user_data;

  if (file != NULL)
    chooser->func (chooser->self, file, chooser->then);
  else
    pending_drop (chooser->then);
  g_object_unref (chooser->self);
  g_free (chooser);
}

static void
choose_file (BasaltWindow         *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             GtkFileFilter        *filter,
             const char           *suggested_name,
             FileChosen            func,
             Pending              *then)
{
  Chooser *chooser = g_new0 (Chooser, 1);

  chooser->self = g_object_ref (self);
  chooser->func = func;
  chooser->then = then;
  basalt_choose_file (GTK_WINDOW (self), title, action, accept, filter, suggested_name, on_file_chosen, chooser);
}

/* Recent files */

void
_basalt_window_rebuild_recent_menu (BasaltWindow *self)
{
  g_auto(GStrv) recent = NULL;
  guint n = 0;

  g_assert (BASALT_IS_WINDOW (self));

  g_menu_remove_all (self->recent_submenu);
  if (self->settings != NULL)
    recent = g_settings_get_strv (self->settings, "recent-files");

  for (guint i = 0; recent && recent[i]; i++)
    {
      g_autofree char *name = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_submenu, item);
      n++;
    }

  if (n == 0)
    g_menu_append (self->recent_submenu, "No recent networks", "win.none");
}

/* Open and save */

static void
file_opened (GObject      *window,
             GAsyncResult *result,
             gpointer      user_data)
{
  BasaltWindow *self = BASALT_WINDOW (window);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;

  if (!basalt_window_open_file_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *primary = g_strdup_printf ("Could not open “%s”", name);

      /* The network that was open stays open and unchanged. */
      basalt_show_error_dialog (GTK_WINDOW (self), primary, error);
    }
}

static void
open_chosen (BasaltWindow *self,
             GFile        *file,
             Pending      *then)
{
  basalt_window_open_file_async (self, file, self->cancellable, file_opened, g_object_ref (file));
  pending_drop (then);
}

static void
open_dialog (BasaltWindow *self,
             gpointer      data)
{
  choose_file (self, "Open Network", GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", basalt_network_file_filter (), NULL,
               open_chosen, NULL);
}

static void
open_path (BasaltWindow *self,
           gpointer      data)
{
  g_autoptr(GFile) file = g_file_new_for_path (data);

  open_chosen (self, file, NULL);
}

static void
clear_network (BasaltWindow *self,
               gpointer      data)
{
  basalt_document_clear (self->document);
}

static void
close_window (BasaltWindow *self,
              gpointer      data)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_chosen (BasaltWindow *self,
             GFile        *file,
             Pending      *then)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_window_save_file (self, file, &error))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *primary = g_strdup_printf ("Could not save “%s”", name);

      basalt_show_error_dialog (GTK_WINDOW (self), primary, error);
      pending_drop (then);
      return;
    }
  pending_run (then);
}

static void
save_as_then (BasaltWindow *self,
              Pending      *then)
{
  g_autofree char *name = basalt_document_dup_title (self->document);
  g_autofree char *suggested = basalt_document_get_file (self->document) != NULL
                               ? g_strdup (name) : g_strdup ("network.basalt");

  choose_file (self, "Save Network", GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", basalt_network_file_filter (),
               suggested, save_chosen, then);
}

static void
save_then (BasaltWindow *self,
           Pending      *then)
{
  if (basalt_document_get_file (self->document) == NULL)
    save_as_then (self, then);
  else
    save_chosen (self, basalt_document_get_file (self->document), then);
}

/* Import and export */

/* What was approximated or left out, shown after an import or export (the report the user needs
 * before trusting the other tool's result). */
static void
show_report (BasaltWindow *self,
             const char   *primary,
             GPtrArray    *notes)
{
  if (notes->len == 0)
    _basalt_window_show_message (self, primary);
  else
    basalt_show_report_dialog (GTK_WINDOW (self), primary, notes);
}

static void
import_and_report (BasaltWindow *self,
                   GFile        *file,
                   gboolean      flatten);

static void
on_flatten_response (GtkDialog *dialog,
                     int        response,
                     gpointer   user_data)
{
  BasaltWindow *self = user_data;
  GFile *file = g_object_get_data (G_OBJECT (dialog), "basalt-file");

  if (response == GTK_RESPONSE_ACCEPT)
    import_and_report (self, file, TRUE);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A convolution is imported as dense weights only when the user agrees: the network grows. */
static void
offer_flattening (BasaltWindow *self,
                  GFile        *file,
                  const GError *refusal)
{
  g_autofree char *name = g_file_get_basename (file);
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "Import “%s” with its convolutions flattened?", name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "%s.\n\nFlattened, each convolution and pooling becomes a "
                                            "Dense process holding the equivalent weight matrix: the "
                                            "network computes the same currents, with more synapses.",
                                            refusal->message);
  gtk_window_set_title (GTK_WINDOW (dialog), "Import NIR");
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL,
                          "Import _Flattened", GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT),
                            "suggested-action");
  g_object_set_data_full (G_OBJECT (dialog), "basalt-file", g_object_ref (file), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_flatten_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What an import was asked to do, for when it is done. */
typedef struct
{
  GFile    *file;
  gboolean  flatten;
} ImportRequest;

static void
import_request_free (ImportRequest *request)
{
  g_object_unref (request->file);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportRequest, import_request_free)

static void
imported (GObject      *window,
          GAsyncResult *result,
          gpointer      user_data)
{
  BasaltWindow *self = BASALT_WINDOW (window);
  g_autoptr(ImportRequest) request = user_data;
  GFile *file = request->file;
  gboolean flatten = request->flatten;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);

  if (basalt_window_import_nir_finish (self, result, notes, &error))
    {
      g_autofree char *primary = g_strdup_printf (flatten ? "Imported “%s”, convolutions flattened"
                                                          : "Imported “%s”", name);
      show_report (self, primary, notes);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (!flatten && g_error_matches (error, BSL_ERROR, BSL_ERROR_NEEDS_FLATTENING))
    offer_flattening (self, file, error);
  else
    {
      g_autofree char *primary = g_strdup_printf ("Could not import “%s”", name);

      /* The network that was open stays open and unchanged. */
      basalt_show_error_dialog (GTK_WINDOW (self), primary, error);
    }
}

static void
import_and_report (BasaltWindow *self,
                   GFile        *file,
                   gboolean      flatten)
{
  ImportRequest *request = g_new0 (ImportRequest, 1);

  request->file = g_object_ref (file);
  request->flatten = flatten;
  basalt_window_import_nir_async (self, file, flatten, self->cancellable, imported, request);
}

void
basalt_window_import_nir_chosen (BasaltWindow *self,
                                 GFile        *file)
{
  g_return_if_fail (BASALT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  import_and_report (self, file, FALSE);
}

static void
import_chosen (BasaltWindow *self,
               GFile        *file,
               Pending      *then)
{
  basalt_window_import_nir_chosen (self, file);
  pending_drop (then);
}

static void
import_dialog (BasaltWindow *self,
               gpointer      data)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "NIR graphs");
  gtk_file_filter_add_pattern (filter, "*.nir");
  choose_file (self, "Import NIR", GTK_FILE_CHOOSER_ACTION_OPEN, "_Import", filter, NULL,
               import_chosen, NULL);
}

static void
export_chosen (BasaltWindow *self,
               GFile        *file,
               Pending      *then)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);

  if (!basalt_window_export (self, self->export_format, file, notes, &error))
    {
      g_autofree char *primary = g_strdup_printf ("Could not export “%s”", name);
      basalt_show_error_dialog (GTK_WINDOW (self), primary, error);
    }
  else
    {
      g_autofree char *primary = g_strdup_printf ("Exported “%s”", name);
      show_report (self, primary, notes);
    }
  pending_drop (then);
}

/* Unsaved changes */

enum {
  RESPONSE_DISCARD = 1,
  RESPONSE_SAVE = 2,
};

static void
on_confirm_response (GtkDialog *dialog,
                     int        response,
                     Pending   *then)
{
  BasaltWindow *self = then->self;

  /* The dialog lives until this signal emission ends; the window may be gone by then (Discard
   * closes it), so the dialog must not point at it any more. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (response == RESPONSE_DISCARD)
    pending_run (then);
  else if (response == RESPONSE_SAVE)
    save_then (self, then);
  else
    pending_drop (then);
}

/* Runs func now, or after the user saved or discarded unsaved changes. */
static void
confirm_discard_then (BasaltWindow   *self,
                      Continuation    func,
                      gpointer        data,
                      GDestroyNotify  destroy)
{
  Pending *then = pending_new (self, func, data, destroy);
  g_autofree char *name = NULL;
  GtkWidget *dialog;

  if (!basalt_document_get_dirty (self->document))
    {
      pending_run (then);
      return;
    }

  name = basalt_document_dup_title (self->document);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "Save changes to “%s”?", name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "Unsaved changes are lost otherwise.");
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL,
                          "_Discard", RESPONSE_DISCARD, "_Save", RESPONSE_SAVE, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), RESPONSE_SAVE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), then);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_basalt_window_close_after_confirm (BasaltWindow *self)
{
  g_assert (BASALT_IS_WINDOW (self));

  confirm_discard_then (self, close_window, NULL, NULL);
}

/* Actions */

static void
win_new (GtkWidget  *widget,
         const char *action_name,
         GVariant   *param)
{
  confirm_discard_then (BASALT_WINDOW (widget), clear_network, NULL, NULL);
}

static void
win_open (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  confirm_discard_then (BASALT_WINDOW (widget), open_dialog, NULL, NULL);
}

static void
win_open_recent (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  confirm_discard_then (BASALT_WINDOW (widget), open_path, g_variant_dup_string (param, NULL), g_free);
}

static void
win_save (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  save_then (BASALT_WINDOW (widget), NULL);
}

static void
win_save_as (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  save_as_then (BASALT_WINDOW (widget), NULL);
}

static void
win_import_nir (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  confirm_discard_then (BASALT_WINDOW (widget), import_dialog, NULL, NULL);
}

static void
win_export (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  BasaltWindow *self = BASALT_WINDOW (widget);
  g_autofree char *title = basalt_document_dup_title (self->document);
  g_autofree char *suggested = NULL;
  char *dot;

  if (!bsl_export_format_from_string (g_variant_get_string (param, NULL), &self->export_format))
    return;
  if ((dot = strrchr (title, '.')) != NULL)
    *dot = '\0';
  suggested = g_strdup_printf ("%s.%s", title, bsl_export_format_extension (self->export_format));
  choose_file (self, "Export Network", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", NULL, suggested,
               export_chosen, NULL);
}

static void
win_undo (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  basalt_document_undo (BASALT_WINDOW (widget)->document);
}

static void
win_redo (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  basalt_document_redo (BASALT_WINDOW (widget)->document);
}

static void
win_show_page (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltWindow *self = BASALT_WINDOW (widget);
  const char *name = g_variant_get_string (param, NULL);

  if (gtk_stack_get_child_by_name (self->stack, name) != NULL)
    gtk_stack_set_visible_child_name (self->stack, name);
}

/* Pages report refusals and errors with this action: the message bar shows the text. */
static void
win_show_message (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  _basalt_window_show_message (BASALT_WINDOW (widget), g_variant_get_string (param, NULL));
}

void
_basalt_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new", NULL, win_new);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, win_open);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", win_open_recent);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, win_save);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, win_save_as);
  gtk_widget_class_install_action (widget_class, "win.import-nir", NULL, win_import_nir);
  gtk_widget_class_install_action (widget_class, "win.export", "s", win_export);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, win_undo);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, win_redo);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", win_show_page);
  gtk_widget_class_install_action (widget_class, "win.show-message", "s", win_show_message);
}
