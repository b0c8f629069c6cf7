/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "basalt-dialogs.h"

typedef struct
{
  BasaltFileChosenFunc func;
  gpointer             user_data;
} Chooser;

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     Chooser         *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  chooser->func (file, chooser->user_data);

  g_free (chooser);
  g_object_unref (dialog);
}

void
basalt_choose_file (GtkWindow             *parent,
                    const char            *title,
                    GtkFileChooserAction   action,
                    const char            *accept_label,
                    GtkFileFilter         *filter,
                    const char            *suggested_name,
                    BasaltFileChosenFunc   func,
                    gpointer               user_data)
{
  GtkFileChooserNative *native;
  Chooser *chooser;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (func != NULL);

  chooser = g_new0 (Chooser, 1);
  chooser->func = func;
  chooser->user_data = user_data;

  native = gtk_file_chooser_native_new (title, parent, action, accept_label, "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested_name);
  g_signal_connect (native, "response", G_CALLBACK (on_chooser_response), chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

GtkFileFilter *
basalt_network_file_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Basalt networks");
  gtk_file_filter_add_pattern (filter, "*.basalt");
  return filter;
}

static void
present_message_dialog (GtkWindow      *parent,
                        GtkMessageType  type,
                        const char     *primary,
                        const char     *secondary)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   type, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
basalt_show_error_dialog (GtkWindow    *parent,
                          const char   *primary,
                          const GError *error)
{
  g_return_if_fail (primary != NULL);
  g_return_if_fail (error != NULL);

  present_message_dialog (parent, GTK_MESSAGE_ERROR, primary, error->message);
}

void
basalt_show_report_dialog (GtkWindow  *parent,
                           const char *primary,
                           GPtrArray  *notes)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (primary != NULL);
  g_return_if_fail (notes != NULL);

  for (guint i = 0; i < notes->len; i++)
    g_string_append_printf (text, "%s• %s", i ? "\n" : "", (const char *) notes->pdata[i]);
  present_message_dialog (parent, GTK_MESSAGE_INFO, primary, text->str);
}
