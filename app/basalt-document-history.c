/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The document's undo history: commands (edits made of operations), undo and redo. */

#include "config.h"

#include "basalt-document-private.h"

void
_basalt_document_command_free (gpointer data)
{
  Command *command = data;

  g_free (command->label);
  g_ptr_array_unref (command->ops);
  g_free (command);
}

Command *
_basalt_document_command_new (const char *label)
{
  Command *command = g_new0 (Command, 1);

  command->label = g_strdup (label);
  command->ops = g_ptr_array_new_with_free_func (_basalt_document_op_free);
  return command;
}

guint64
_basalt_document_current_serial (BasaltDocument *self)
{
  if (self->undo_stack->len == 0)
    return 0;
  return ((Command *) g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1))->serial;
}

static guint
command_flags (const Command  *command,
               const char    **process,
               const char    **var)
{
  guint flags = 0;

  *process = NULL;
  *var = NULL;
  for (guint i = 0; i < command->ops->len; i++)
    {
      const Op *op = g_ptr_array_index (command->ops, i);

      switch (op->kind)
        {
        case OP_MOVE:
        case OP_GROUPS:
          flags |= BASALT_CHANGE_LAYOUT;
          break;
        case OP_PARAM:
          flags |= BASALT_CHANGE_PARAMS;
          /* One process: observers can update just that one (var NULL: several of its Vars). */
          if (i == 0)
            {
              *process = op->process;
              *var = command->ops->len == 1 ? op->other : NULL;
            }
          else if (g_strcmp0 (*process, op->process) != 0)
            *process = NULL;
          break;
        case OP_RUN_STEPS:
          flags |= BASALT_CHANGE_RUN;
          break;
        case OP_PROBE:
          flags |= BASALT_CHANGE_PROBES;
          break;
        case OP_PRESENCE:
        case OP_CONNECTION:
        case OP_RENAME:
        case OP_SHAPE:
        case OP_RUN_TAG:
        case OP_MODEL:
        case OP_REPLACE:
        default:
          flags |= BASALT_CHANGE_STRUCTURE;
          break;
        }
    }

  return flags;
}

/* Records an edit that has just been applied. */
void
_basalt_document_push_command (BasaltDocument *self,
                               Command        *command)
{
  const char *process = NULL, *var = NULL;
  guint flags;

  if (command->ops->len == 0)
    {
      _basalt_document_command_free (command);
      return;
    }

  command->serial = ++self->next_serial;
  g_ptr_array_add (self->undo_stack, command);
  g_ptr_array_set_size (self->redo_stack, 0);
  flags = command_flags (command, &process, &var);
  _basalt_document_update_state (self);
  _basalt_document_emit_changed (self, flags, process, var);
}

void
_basalt_document_command_add_op (Command *command,
                                 Op      *op)
{
  if (op != NULL)
    g_ptr_array_add (command->ops, op);
}

/* Records an edit made of one operation. */
void
_basalt_document_push_op (BasaltDocument *self,
                          const char     *label,
                          Op             *op)
{
  Command *command = _basalt_document_command_new (label);

  g_ptr_array_add (command->ops, op);
  _basalt_document_push_command (self, command);
}

void
_basalt_document_push_ops (BasaltDocument *self,
                           const char     *label,
                           GPtrArray      *ops)
{
  Command *command = _basalt_document_command_new (label);

  for (guint i = 0; i < ops->len; i++)
    g_ptr_array_add (command->ops, g_ptr_array_index (ops, i));
  _basalt_document_push_command (self, command);
}

gboolean
basalt_document_undo (BasaltDocument *self)
{
  Command *command;
  const char *process = NULL, *var = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (self->undo_stack->len == 0)
    return FALSE;

  command = g_ptr_array_steal_index (self->undo_stack, self->undo_stack->len - 1);
  for (guint i = command->ops->len; i > 0; i--)
    _basalt_document_op_apply (self, g_ptr_array_index (command->ops, i - 1), FALSE);
  g_ptr_array_add (self->redo_stack, command);

  _basalt_document_update_state (self);
  _basalt_document_emit_changed (self, command_flags (command, &process, &var), process, var);
  return TRUE;
}

gboolean
basalt_document_redo (BasaltDocument *self)
{
  Command *command;
  const char *process = NULL, *var = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (self->redo_stack->len == 0)
    return FALSE;

  command = g_ptr_array_steal_index (self->redo_stack, self->redo_stack->len - 1);
  for (guint i = 0; i < command->ops->len; i++)
    _basalt_document_op_apply (self, g_ptr_array_index (command->ops, i), TRUE);
  g_ptr_array_add (self->undo_stack, command);

  _basalt_document_update_state (self);
  _basalt_document_emit_changed (self, command_flags (command, &process, &var), process, var);
  return TRUE;
}

gboolean
basalt_document_can_undo (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  return self->undo_stack->len > 0;
}

gboolean
basalt_document_can_redo (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  return self->redo_stack->len > 0;
}

const char *
basalt_document_get_undo_label (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  if (self->undo_stack->len == 0)
    return NULL;
  return ((Command *) g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1))->label;
}

const char *
basalt_document_get_redo_label (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  if (self->redo_stack->len == 0)
    return NULL;
  return ((Command *) g_ptr_array_index (self->redo_stack, self->redo_stack->len - 1))->label;
}
