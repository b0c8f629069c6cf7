/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The document's network file: load, save, recover, import. */

#include "config.h"

#include "bsl-network-file.h"

#include "basalt-document-private.h"

static void
replace_graph (BasaltDocument *self,
               BslGraph       *graph,
               GFile          *file)
{
  g_clear_pointer (&self->graph, bsl_graph_unref);
  self->graph = graph;
  g_set_object (&self->file, file);
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  self->saved_serial = 0;
  _basalt_document_update_state (self);
  _basalt_document_notify_file (self);
  _basalt_document_emit_changed (self, BASALT_CHANGE_GRAPH | BASALT_CHANGE_STRUCTURE, NULL, NULL);
}

void
basalt_document_clear (BasaltDocument *self)
{
  g_return_if_fail (BASALT_IS_DOCUMENT (self));

  replace_graph (self, bsl_graph_new (), NULL);
}

void
basalt_document_take_imported (BasaltDocument *self,
                               BslGraph       *graph)
{
  g_return_if_fail (BASALT_IS_DOCUMENT (self));
  g_return_if_fail (graph != NULL);

  replace_graph (self, graph, NULL);
  /* Never saved as a .basalt file: closing asks first. */
  self->saved_serial = G_MAXUINT64;
  _basalt_document_update_state (self);
}

/* The path of a file to open; NULL (with the reason) for one that is not local. */
static char *
dup_local_path (GFile   *file,
                GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s: only local files can be opened", uri);
    }
  return path;
}

gboolean
basalt_document_load (BasaltDocument  *self,
                      GFile           *file,
                      GError         **error)
{
  g_autofree char *path = NULL;
  BslGraph *graph;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if ((path = dup_local_path (file, error)) == NULL)
    return FALSE;

  if ((graph = bsl_graph_load_file (path, error)) == NULL)
    return FALSE;

  replace_graph (self, graph, file);
  return TRUE;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autofree char *path = g_file_get_path (task_data);
  GError *error = NULL;
  BslGraph *graph = bsl_graph_load_file (path, &error);

  if (graph == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, graph, (GDestroyNotify) bsl_graph_unref);
}

void
basalt_document_load_async (BasaltDocument      *self,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;

  g_return_if_fail (BASALT_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, basalt_document_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  if ((path = dup_local_path (file, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, load_in_thread);
}

gboolean
basalt_document_load_finish (BasaltDocument  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  BslGraph *graph;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == basalt_document_load_async, FALSE);

  if ((graph = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return FALSE;

  replace_graph (self, graph, g_task_get_task_data (G_TASK (result)));
  return TRUE;
}

gboolean
basalt_document_recover (BasaltDocument  *self,
                         GFile           *copy,
                         GFile           *original,
                         GError         **error)
{
  g_autofree char *path = NULL;
  BslGraph *graph = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (copy), FALSE);

  path = g_file_get_path (copy);
  if (path == NULL || (graph = bsl_graph_load_file (path, error)) == NULL)
    {
      if (path == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "the copy is not a local file");
      return FALSE;
    }

  replace_graph (self, graph, original);
  /* Not what the original file holds: closing asks first. */
  self->saved_serial = G_MAXUINT64;
  _basalt_document_update_state (self);
  return TRUE;
}
gboolean
basalt_document_save (BasaltDocument  *self,
                      GFile           *file,
                      GError         **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (file == NULL)
    file = self->file;
  if (file == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, "the network has no file name yet");
      return FALSE;
    }
  if ((path = g_file_get_path (file)) == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s: only local files can be saved", uri);
      return FALSE;
    }

  if (!bsl_graph_save_file (self->graph, path, error))
    return FALSE;

  if (self->file != file)
    {
      g_set_object (&self->file, file);
      _basalt_document_notify_file (self);
    }
  self->saved_serial = _basalt_document_current_serial (self);
  _basalt_document_update_state (self);
  return TRUE;
}
