/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Edits of the network's processes and connections, recorded for undo. */

#include "config.h"

#include "bsl-error.h"

#include "basalt-document-private.h"

/* Removes a process now and records how to bring it back. */
static Op *
take_process (BasaltDocument *self,
              const char     *name)
{
  Op *op = _basalt_document_op_new (OP_PRESENCE);
  BslProcess *process;

  op->forward_adds = FALSE;
  op->position = bsl_graph_process_index (self->graph, name);
  op->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_connection_free);
  for (guint i = 0; i < bsl_graph_get_n_connections (self->graph); i++)
    {
      const BslConnection *c = bsl_graph_get_connection (self->graph, i);

      if (g_strcmp0 (bsl_connection_get_from_process (c), name) == 0 ||
          g_strcmp0 (bsl_connection_get_to_process (c), name) == 0)
        g_ptr_array_add (op->connections, bsl_connection_copy (c));
    }
  process = bsl_graph_take_process (self->graph, name);
  op->snapshot = process;
  return op;
}

static Op *
record_added (BasaltDocument   *self,
              const BslProcess *process)
{
  Op *op = _basalt_document_op_new (OP_PRESENCE);

  op->forward_adds = TRUE;
  op->snapshot = bsl_process_copy (process);
  op->position = bsl_graph_process_index (self->graph, bsl_process_get_name (process));
  op->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_connection_free);
  return op;
}

static char *
name_prefix (const char *type_name)
{
  return g_ascii_strdown (type_name, -1);
}

char *
basalt_document_add_process (BasaltDocument  *self,
                             const char      *type_name,
                             double           x,
                             double           y,
                             GError         **error)
{
  g_autofree char *prefix = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  BslProcess *process;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (type_name != NULL, NULL);

  prefix = name_prefix (type_name);
  name = bsl_graph_unique_name (self->graph, prefix);
  process = bsl_graph_add_process (self->graph, type_name, name, 0, NULL, error);
  if (process == NULL)
    return NULL;

  bsl_process_set_position (process, x, y);

  label = g_strdup_printf ("Add %s", name);
  _basalt_document_push_op (self, label, record_added (self, process));

  return g_steal_pointer (&name);
}

gboolean
_basalt_document_check_names (BasaltDocument     *self,
                              const char *const  *names,
                              GError            **error)
{
  for (guint i = 0; names && names[i]; i++)
    if (bsl_graph_find_process (self->graph, names[i]) == NULL)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", names[i]);
        return FALSE;
      }
  return TRUE;
}

gboolean
basalt_document_remove_processes (BasaltDocument     *self,
                                  const char *const  *names,
                                  GError            **error)
{
  g_autofree char *label = NULL;
  Command *command;
  guint n;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (!_basalt_document_check_names (self, names, error))
    return FALSE;
  n = names ? g_strv_length ((char **) names) : 0;
  if (n == 0)
    return TRUE;

  label = n == 1 ? g_strdup_printf ("Delete %s", names[0]) : g_strdup_printf ("Delete %u processes", n);
  command = _basalt_document_command_new (label);
  for (guint i = 0; i < n; i++)
    {
      /* Undo brings the process back first, then its probes. */
      _basalt_document_take_probes_of (self, command->ops, names[i]);
      g_ptr_array_add (command->ops, take_process (self, names[i]));
    }
  _basalt_document_command_add_op (command, _basalt_document_fix_groups (self, NULL, NULL));
  _basalt_document_push_command (self, command);
  return TRUE;
}

gboolean
basalt_document_move_processes (BasaltDocument     *self,
                                const char *const  *names,
                                const double       *x,
                                const double       *y,
                                GError            **error)
{
  g_autofree char *label = NULL;
  Command *command;
  guint n;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (!_basalt_document_check_names (self, names, error))
    return FALSE;
  n = names ? g_strv_length ((char **) names) : 0;

  label = n == 1 ? g_strdup_printf ("Move %s", names[0]) : g_strdup_printf ("Move %u processes", n);
  command = _basalt_document_command_new (label);
  for (guint i = 0; i < n; i++)
    {
      BslProcess *process = bsl_graph_find_process (self->graph, names[i]);
      Op *op = _basalt_document_op_new (OP_MOVE);

      op->process = g_strdup (names[i]);
      op->had_position[0] = bsl_process_get_position (process, &op->x[0], &op->y[0]);
      op->had_position[1] = TRUE;
      op->x[1] = x[i];
      op->y[1] = y[i];
      _basalt_document_op_apply (self, op, TRUE);
      g_ptr_array_add (command->ops, op);
    }
  _basalt_document_push_command (self, command);
  return TRUE;
}

gboolean
basalt_document_rename_process (BasaltDocument  *self,
                                const char      *old_name,
                                const char      *new_name,
                                GError         **error)
{
  g_autofree char *label = NULL;
  Command *command;
  Op *op;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (g_strcmp0 (old_name, new_name) == 0)
    return TRUE;
  if (!bsl_graph_rename_process (self->graph, old_name, new_name, error))
    return FALSE;

  label = g_strdup_printf ("Rename %s to %s", old_name, new_name);
  command = _basalt_document_command_new (label);
  op = _basalt_document_op_new (OP_RENAME);
  op->process = g_strdup (old_name);
  op->other = g_strdup (new_name);
  g_ptr_array_add (command->ops, op);
  _basalt_document_command_add_op (command, _basalt_document_fix_groups (self, old_name, new_name));
  _basalt_document_push_command (self, command);
  return TRUE;
}

static Op *
connection_op (gboolean    adds,
               const char *from_process,
               const char *from_port,
               const char *to_process,
               const char *to_port)
{
  Op *op = _basalt_document_op_new (OP_CONNECTION);

  op->forward_adds = adds;
  op->connection = bsl_connection_new (from_process, from_port, to_process, to_port);
  return op;
}

gboolean
basalt_document_connect (BasaltDocument  *self,
                         const char      *from_process,
                         const char      *from_port,
                         const char      *to_process,
                         const char      *to_port,
                         GError         **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (bsl_graph_connect_ports (self->graph, from_process, from_port, to_process, to_port, error) == NULL)
    return FALSE;

  label = g_strdup_printf ("Connect %s.%s → %s.%s", from_process, from_port, to_process, to_port);
  _basalt_document_push_op (self, label, connection_op (TRUE, from_process, from_port, to_process, to_port));
  return TRUE;
}

gboolean
basalt_document_disconnect (BasaltDocument  *self,
                            const char      *from_process,
                            const char      *from_port,
                            const char      *to_process,
                            const char      *to_port,
                            GError         **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (!bsl_graph_disconnect (self->graph, from_process, from_port, to_process, to_port))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION, "'%s.%s' is not connected to '%s.%s'",
                   from_process, from_port, to_process, to_port);
      return FALSE;
    }

  label = g_strdup_printf ("Disconnect %s.%s → %s.%s", from_process, from_port, to_process, to_port);
  _basalt_document_push_op (self, label, connection_op (FALSE, from_process, from_port, to_process, to_port));
  return TRUE;
}

char **
basalt_document_duplicate (BasaltDocument     *self,
                           const char *const  *names,
                           double              dx,
                           double              dy,
                           GError            **error)
{
  g_autoptr(GHashTable) renamed = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  Command *command;
  guint n;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  if (!_basalt_document_check_names (self, names, error))
    return NULL;
  n = names ? g_strv_length ((char **) names) : 0;

  renamed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  builder = g_strv_builder_new ();
  command = _basalt_document_command_new (n == 1 ? "Duplicate process" : "Duplicate processes");

  for (guint i = 0; i < n; i++)
    {
      const BslProcess *original = bsl_graph_find_process (self->graph, names[i]);
      g_autofree char *prefix = name_prefix (bsl_process_get_proc_type (original)->name);
      g_autofree char *name = bsl_graph_unique_name (self->graph, prefix);
      BslProcess *copy = bsl_process_copy (original);
      g_autoptr(GError) local_error = NULL;
      double x, y;

      bsl_process_get_position (original, &x, &y);
      bsl_process_set_name (copy, name);
      bsl_process_set_position (copy, x + dx, y + dy);
      if (!bsl_graph_insert_process (self->graph, copy, -1, &local_error))
        {
          g_critical ("duplicate: %s", local_error->message);
          continue;
        }
      g_ptr_array_add (command->ops, record_added (self, copy));
      g_hash_table_insert (renamed, g_strdup (names[i]), g_strdup (name));
      g_strv_builder_add (builder, name);
    }

  /* Wires among the copied processes are copied too; wires to the rest are not. */
  for (guint i = 0, len = bsl_graph_get_n_connections (self->graph); i < len; i++)
    {
      const BslConnection *c = bsl_graph_get_connection (self->graph, i);
      const char *from = g_hash_table_lookup (renamed, bsl_connection_get_from_process (c));
      const char *to = g_hash_table_lookup (renamed, bsl_connection_get_to_process (c));

      const char *from_port = bsl_connection_get_from_port (c);
      const char *to_port = bsl_connection_get_to_port (c);

      if (from != NULL && to != NULL &&
          bsl_graph_connect_ports (self->graph, from, from_port, to, to_port, NULL) != NULL)
        g_ptr_array_add (command->ops, connection_op (TRUE, from, from_port, to, to_port));
    }

  _basalt_document_push_command (self, command);
  return g_strv_builder_end (builder);
}
