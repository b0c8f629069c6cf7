/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "interop/bsl-interop.h"
#include "interop/bsl-nir-import.h"

#include "basalt-tuner-page.h"
#include "basalt-window-private.h"

#define MAX_RECENT        8
#define MESSAGE_SECONDS  12

G_DEFINE_FINAL_TYPE (BasaltWindow, basalt_window, GTK_TYPE_APPLICATION_WINDOW)

/* Messages */

static gboolean
hide_message_cb (gpointer user_data)
{
  BasaltWindow *self = user_data;

  self->message_timeout = 0;
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  g_clear_pointer (&self->message, g_free);
  return G_SOURCE_REMOVE;
}

void
_basalt_window_show_message (BasaltWindow *self,
                             const char   *message)
{
  g_assert (BASALT_IS_WINDOW (self));

  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
  g_clear_handle_id (&self->message_timeout, g_source_remove);
  self->message_timeout = g_timeout_add_seconds (MESSAGE_SECONDS, hide_message_cb, self);
}

static void
on_message_close (BasaltWindow *self)
{
  g_clear_handle_id (&self->message_timeout, g_source_remove);
  hide_message_cb (self);
}

const char *
basalt_window_get_message (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->message;
}

/* Title and undo */

static void
update_title (BasaltWindow *self)
{
  g_autofree char *name = basalt_document_dup_title (self->document);
  g_autofree char *label = NULL;
  g_autofree char *title = NULL;
  gboolean dirty = basalt_document_get_dirty (self->document);

  /* A dot before the name marks unsaved changes, as GNOME apps do. */
  label = dirty ? g_strdup_printf ("• %s", name) : g_strdup (name);
  title = g_strdup_printf ("%s — Basalt", label);
  gtk_label_set_text (self->title_label, label);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_undo (BasaltWindow *self)
{
  const char *undo = basalt_document_get_undo_label (self->document);
  const char *redo = basalt_document_get_redo_label (self->document);
  g_autofree char *undo_tip = undo ? g_strdup_printf ("Undo “%s” (Ctrl+Z)", undo) : g_strdup ("Nothing to undo");
  g_autofree char *redo_tip = redo ? g_strdup_printf ("Redo “%s” (Shift+Ctrl+Z)", redo) : g_strdup ("Nothing to redo");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", undo != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", redo != NULL);
  /* The buttons' tooltips say what undo and redo would do. */
  gtk_widget_set_tooltip_text (self->undo_button, undo_tip);
  gtk_widget_set_tooltip_text (self->redo_button, redo_tip);
}

static void
on_document_changed (BasaltDocument *document,
                     guint           flags,
                     const char     *process,
                     const char     *var,
                     BasaltWindow   *self)
{
  update_title (self);
  update_undo (self);
}

static void
on_dirty_changed (BasaltDocument *document,
                  GParamSpec     *pspec,
                  BasaltWindow   *self)
{
  update_title (self);
}

/* Each run is a moment worth an automatic copy: a crash is likeliest while one goes on. */
static void
on_run_state (BasaltWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (basalt_simulation_get_state (basalt_designer_page_get_simulation (self->designer_page)) ==
      BASALT_SIMULATION_RUNNING &&
      !basalt_autosave_save_now (self->autosave, &error))
    g_warning ("automatic copy of the network not written: %s", error->message);
}

/* Recent files */

static void
remember_file (BasaltWindow *self,
               GFile        *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (self->settings == NULL || path == NULL)
    return;

  old = g_settings_get_strv (self->settings, "recent-files");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-files", (const char *const *) recent);
  _basalt_window_rebuild_recent_menu (self);
}

/* Open, save, import and export */

gboolean
basalt_window_open_file (BasaltWindow  *self,
                         GFile         *file,
                         GError       **error)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!basalt_document_load (self->document, file, error))
    return FALSE;

  remember_file (self, file);
  return TRUE;
}

static void
document_loaded (GObject      *document,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!basalt_document_load_finish (BASALT_DOCUMENT (document), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  remember_file (g_task_get_source_object (task), g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

void
basalt_window_open_file_async (BasaltWindow        *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BASALT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, basalt_window_open_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  basalt_document_load_async (self->document, file, cancellable, document_loaded, task);
}

gboolean
basalt_window_open_file_finish (BasaltWindow  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
basalt_window_save_file (BasaltWindow  *self,
                         GFile         *file,
                         GError       **error)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);

  if (!basalt_document_save (self->document, file, error))
    return FALSE;

  remember_file (self, file ? file : basalt_document_get_file (self->document));
  return TRUE;
}

gboolean
basalt_window_import_nir (BasaltWindow  *self,
                          GFile         *file,
                          GPtrArray     *notes,
                          GError       **error)
{
  return basalt_window_import_nir_full (self, file, FALSE, notes, error);
}

static char *
dup_import_path (GFile   *file,
                 GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "only local files can be imported");
  return path;
}

gboolean
basalt_window_import_nir_full (BasaltWindow  *self,
                               GFile         *file,
                               gboolean       flatten,
                               GPtrArray     *notes,
                               GError       **error)
{
  BslNirImportOptions options = { .flatten_conv = flatten };
  g_autofree char *path = NULL;
  BslGraph *graph;

  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if ((path = dup_import_path (file, error)) == NULL)
    return FALSE;
  graph = bsl_nir_import_file (path, &options, notes, error);
  if (graph == NULL)
    return FALSE;
  basalt_document_take_imported (self->document, graph);
  return TRUE;
}

/* An import on a worker thread: what it reads, and the report it writes. */
typedef struct
{
  char                *path;
  BslNirImportOptions  options;
  GPtrArray           *notes;
} ImportJob;

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  g_free (job->path);
  g_ptr_array_unref (job->notes);
  g_free (job);
}

static void
import_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ImportJob *job = task_data;
  GError *error = NULL;
  BslGraph *graph = bsl_nir_import_file (job->path, &job->options, job->notes, &error);

  if (graph == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, graph, (GDestroyNotify) bsl_graph_unref);
}

void
basalt_window_import_nir_async (BasaltWindow        *self,
                                GFile               *file,
                                gboolean             flatten,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportJob *job;
  GError *error = NULL;

  g_return_if_fail (BASALT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, basalt_window_import_nir_async);
  job = g_new0 (ImportJob, 1);
  job->options.flatten_conv = flatten;
  job->notes = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, job, import_job_free);
  if ((job->path = dup_import_path (file, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, import_in_thread);
}

static gpointer
copy_note (gconstpointer note,
           gpointer      user_data)
{
  return g_strdup (note);
}

gboolean
basalt_window_import_nir_finish (BasaltWindow  *self,
                                 GAsyncResult  *result,
                                 GPtrArray     *notes,
                                 GError       **error)
{
  ImportJob *job;
  BslGraph *graph;

  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == basalt_window_import_nir_async, FALSE);

  if ((graph = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return FALSE;
  basalt_document_take_imported (self->document, graph);
  job = g_task_get_task_data (G_TASK (result));
  if (notes != NULL)
    g_ptr_array_extend (notes, job->notes, copy_note, NULL);
  return TRUE;
}

gboolean
basalt_window_export (BasaltWindow     *self,
                      BslExportFormat   format,
                      GFile            *file,
                      GPtrArray        *notes,
                      GError          **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "only local files can be written");
      return FALSE;
    }
  return bsl_export_file (basalt_document_get_graph (self->document), format, path, NULL, notes, error);
}

/* Running (for scripts and tests: the Designer's Run button does the same) */

gboolean
basalt_window_run (BasaltWindow  *self,
                   gint64         n_steps,
                   GError       **error)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);

  return basalt_designer_page_run (self->designer_page, n_steps, error);
}

/* Window */

static gboolean
basalt_window_close_request (GtkWindow *window)
{
  BasaltWindow *self = BASALT_WINDOW (window);

  if (basalt_document_get_dirty (self->document) && !self->close_confirmed)
    {
      _basalt_window_close_after_confirm (self);
      return TRUE;
    }

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set (self->settings, "window-size", "(ii)", width, height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }

  basalt_designer_page_stop (self->designer_page);
  return GTK_WINDOW_CLASS (basalt_window_parent_class)->close_request (window);
}

static void
basalt_window_dispose (GObject *object)
{
  BasaltWindow *self = (BasaltWindow *) object;

  g_clear_handle_id (&self->message_timeout, g_source_remove);
  /* Files still being read are not wanted any more. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  /* The run stops with the window, whoever still holds the page. */
  if (self->designer_page != NULL)
    basalt_designer_page_stop (self->designer_page);

  gtk_widget_dispose_template (GTK_WIDGET (self), BASALT_TYPE_WINDOW);
  self->designer_page = NULL;

  g_clear_object (&self->autosave);
  g_clear_object (&self->document);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (basalt_window_parent_class)->dispose (object);
}

static void
basalt_window_finalize (GObject *object)
{
  BasaltWindow *self = (BasaltWindow *) object;

  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (basalt_window_parent_class)->finalize (object);
}

static void
basalt_window_class_init (BasaltWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = basalt_window_dispose;
  object_class->finalize = basalt_window_finalize;
  window_class->close_request = basalt_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, recent_submenu);
  gtk_widget_class_bind_template_callback (widget_class, on_message_close);

  _basalt_window_class_install_actions (widget_class);
}

/* The installed schema, else the one compiled in the build tree (Basalt run from there keeps
 * its recent files and window size too); NULL when there is neither. */
static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) build_tree = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL && (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) != NULL)
    return g_settings_new (APP_ID);

  build_tree = g_settings_schema_source_new_from_directory (BASALT_BUILD_DATADIR, source, FALSE, NULL);
  if (build_tree == NULL || (schema = g_settings_schema_source_lookup (build_tree, APP_ID, FALSE)) == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static void
restore_size (BasaltWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
basalt_window_init (BasaltWindow *self)
{
  GtkWidget *designer;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->document = basalt_document_new ();
  self->autosave = basalt_autosave_new (self->document);
  self->settings = settings_if_installed ();

  g_signal_connect (self->document, "changed", G_CALLBACK (on_document_changed), self);
  g_signal_connect (self->document, "notify::dirty", G_CALLBACK (on_dirty_changed), self);

  restore_size (self);

  /* The pages, in the order of the switcher; win.show-page::NAME (Alt+1, Alt+2) shows one. */
  designer = basalt_designer_page_new (self->document);
  self->designer_page = BASALT_DESIGNER_PAGE (designer);
  gtk_stack_add_titled (self->stack, designer, "designer", "Designer");
  gtk_stack_add_titled (self->stack, basalt_tuner_page_new (self->document), "tuner", "Tuner");

  g_signal_connect_object (basalt_designer_page_get_simulation (self->designer_page), "notify::state",
                           G_CALLBACK (on_run_state), self, G_CONNECT_SWAPPED);

  _basalt_window_rebuild_recent_menu (self);
  update_title (self);
  update_undo (self);
}

BasaltWindow *
basalt_window_new (GtkApplication *application)
{
  return g_object_new (BASALT_TYPE_WINDOW, "application", application, NULL);
}

BasaltDocument *
basalt_window_get_document (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->document;
}

BasaltDesignerPage *
basalt_window_get_designer_page (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->designer_page;
}

BasaltSimulation *
basalt_window_get_simulation (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return basalt_designer_page_get_simulation (self->designer_page);
}

BasaltGraphCanvas *
basalt_window_get_canvas (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return basalt_designer_page_get_canvas (self->designer_page);
}

BasaltInspector *
basalt_window_get_inspector (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return basalt_designer_page_get_inspector (self->designer_page);
}

BasaltPalette *
basalt_window_get_palette (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return basalt_designer_page_get_palette (self->designer_page);
}

GtkStack *
basalt_window_get_stack (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->stack;
}

BasaltAutosave *
basalt_window_get_autosave (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->autosave;
}
