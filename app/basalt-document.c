/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Undo is built from small reversible operations. An edit is checked and applied once with the
 * engine's own validation (so its errors reach the user); what it did is recorded as a list of
 * operations that can be replayed forwards (redo) or backwards (undo) without further checks. */

#include "config.h"

#include <string.h>

#include "bsl-equations-templates.h"
#include "bsl-error.h"
#include "bsl-graph-probes.h"
#include "bsl-network-file.h"

#include "basalt-document-private.h"

G_DEFINE_FINAL_TYPE (BasaltDocument, basalt_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRTY,
  PROP_FILE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* json_node_copy() shares arrays and objects; edits need a copy of their own. */
JsonNode *
_basalt_document_deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json_from_string (text, NULL);
}

static BslConnection *
connection_dup (const BslConnection *c)
{
  BslConnection *copy = g_new0 (BslConnection, 1);

  copy->from_process = g_strdup (c->from_process);
  copy->from_port = g_strdup (c->from_port);
  copy->to_process = g_strdup (c->to_process);
  copy->to_port = g_strdup (c->to_port);
  return copy;
}

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_pointer (&op->snapshot, bsl_process_free);
  g_clear_pointer (&op->snapshot_after, bsl_process_free);
  g_clear_pointer (&op->connections, g_ptr_array_unref);
  g_free (op->process);
  g_free (op->other);
  g_free (op->connection.from_process);
  g_free (op->connection.from_port);
  g_free (op->connection.to_process);
  g_free (op->connection.to_port);
  g_clear_pointer (&op->value[0], bsl_array_free);
  g_clear_pointer (&op->value[1], bsl_array_free);
  g_clear_pointer (&op->groups[0], json_node_unref);
  g_clear_pointer (&op->groups[1], json_node_unref);
  g_free (op);
}

static void
command_free (gpointer data)
{
  Command *command = data;

  g_free (command->label);
  g_ptr_array_unref (command->ops);
  g_free (command);
}

static Command *
command_new (const char *label)
{
  Command *command = g_new0 (Command, 1);

  command->label = g_strdup (label);
  command->ops = g_ptr_array_new_with_free_func (op_free);
  return command;
}

Op *
_basalt_document_op_new (OpKind kind)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  return op;
}

/* Replays one operation. Replays cannot fail unless the history and the graph disagree, which
 * would be a bug: it is reported, and the rest of the command still runs. */
void
_basalt_document_op_apply (BasaltDocument *self,
                           Op             *op,
                           gboolean        forward)
{
  g_autoptr(GError) error = NULL;
  int side = forward ? 1 : 0;

  switch (op->kind)
    {
    case OP_PRESENCE:
      if (op->forward_adds == forward)
        {
          if (!bsl_graph_insert_process (self->graph, bsl_process_copy (op->snapshot), op->position, &error))
            break;
          for (guint i = 0; i < op->connections->len; i++)
            {
              const BslConnection *c = g_ptr_array_index (op->connections, i);

              if (bsl_graph_connect_ports (self->graph, c->from_process, c->from_port,
                                           c->to_process, c->to_port, &error) == NULL)
                break;
            }
        }
      else
        bsl_graph_remove_process (self->graph, op->snapshot->name);
      break;

    case OP_CONNECTION:
      if (op->forward_adds == forward)
        bsl_graph_connect_ports (self->graph, op->connection.from_process, op->connection.from_port,
                                 op->connection.to_process, op->connection.to_port, &error);
      else
        bsl_graph_disconnect (self->graph, op->connection.from_process, op->connection.from_port,
                              op->connection.to_process, op->connection.to_port);
      break;

    case OP_MOVE:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        if (process != NULL)
          {
            process->has_position = op->had_position[side];
            process->x = op->x[side];
            process->y = op->y[side];
          }
      }
      break;

    case OP_RENAME:
      bsl_graph_rename_process (self->graph, forward ? op->process : op->other,
                                forward ? op->other : op->process, &error);
      break;

    case OP_PARAM:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        if (process == NULL)
          break;
        if (op->value[side] == NULL)
          bsl_process_unset_param (process, op->other);
        else
          bsl_process_set_param (process, op->other, bsl_array_copy (op->value[side]), &error);
      }
      break;

    case OP_SHAPE:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        if (process != NULL)
          bsl_process_set_shape (process, op->ndim[side], op->dims[side], &error);
      }
      break;

    case OP_RUN_TAG:
      self->graph->run_tag = op->tag[side];
      break;

    case OP_REPLACE:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        /* The graph keeps its pointer; the contents are exchanged for a copy of the snapshot. */
        if (process != NULL)
          {
            BslProcess *replacement = bsl_process_copy (forward ? op->snapshot_after : op->snapshot);
            BslProcess swap = *process;

            *process = *replacement;
            *replacement = swap;
            bsl_process_free (replacement);
          }
      }
      break;

    case OP_MODEL:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        if (process != NULL)
          process->model = op->tag[side];
      }
      break;

    case OP_RUN_STEPS:
      self->graph->run_steps = op->steps[side];
      break;

    case OP_PROBE:
      if (op->forward_adds == forward)
        g_ptr_array_insert (self->graph->probes, MIN (op->position, (int) self->graph->probes->len),
                            g_strdup (op->process));
      else
        bsl_graph_remove_probe (self->graph, op->process);
      break;

    case OP_GROUPS:
      g_clear_pointer (&self->graph->groups, json_node_unref);
      if (op->groups[side] != NULL)
        self->graph->groups = _basalt_document_deep_copy (op->groups[side]);
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_critical ("undo history does not match the network: %s", error->message);
}

static guint64
current_serial (BasaltDocument *self)
{
  if (self->undo_stack->len == 0)
    return 0;
  return ((Command *) g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1))->serial;
}

static void
update_state (BasaltDocument *self)
{
  gboolean dirty = current_serial (self) != self->saved_serial;

  if (dirty != self->dirty)
    {
      self->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void
emit_changed (BasaltDocument *self,
              guint           flags,
              const char     *process,
              const char     *var)
{
  self->change_count++;
  g_signal_emit (self, signals[CHANGED], 0, flags, process, var);
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
static void
push_command (BasaltDocument *self,
              Command        *command)
{
  const char *process = NULL, *var = NULL;
  guint flags;

  if (command->ops->len == 0)
    {
      command_free (command);
      return;
    }

  command->serial = ++self->next_serial;
  g_ptr_array_add (self->undo_stack, command);
  g_ptr_array_set_size (self->redo_stack, 0);
  flags = command_flags (command, &process, &var);
  update_state (self);
  emit_changed (self, flags, process, var);
}

static void
add_op (Command *command,
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
  Command *command = command_new (label);

  g_ptr_array_add (command->ops, op);
  push_command (self, command);
}

void
_basalt_document_push_ops (BasaltDocument *self,
                           const char     *label,
                           GPtrArray      *ops)
{
  Command *command = command_new (label);

  for (guint i = 0; i < ops->len; i++)
    g_ptr_array_add (command->ops, g_ptr_array_index (ops, i));
  push_command (self, command);
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

  update_state (self);
  emit_changed (self, command_flags (command, &process, &var), process, var);
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

  update_state (self);
  emit_changed (self, command_flags (command, &process, &var), process, var);
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

/* Edits */

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
  for (guint i = 0; i < self->graph->connections->len; i++)
    {
      const BslConnection *c = g_ptr_array_index (self->graph->connections, i);

      if (g_strcmp0 (c->from_process, name) == 0 || g_strcmp0 (c->to_process, name) == 0)
        g_ptr_array_add (op->connections, connection_dup (c));
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
  op->position = bsl_graph_process_index (self->graph, process->name);
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

  process->has_position = TRUE;
  process->x = x;
  process->y = y;

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
  command = command_new (label);
  for (guint i = 0; i < n; i++)
    {
      /* Undo brings the process back first, then its probes. */
      _basalt_document_take_probes_of (self, command->ops, names[i]);
      g_ptr_array_add (command->ops, take_process (self, names[i]));
    }
  add_op (command, _basalt_document_fix_groups (self, NULL, NULL));
  push_command (self, command);
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
  command = command_new (label);
  for (guint i = 0; i < n; i++)
    {
      BslProcess *process = bsl_graph_find_process (self->graph, names[i]);
      Op *op = _basalt_document_op_new (OP_MOVE);

      op->process = g_strdup (names[i]);
      op->had_position[0] = process->has_position;
      op->x[0] = process->x;
      op->y[0] = process->y;
      op->had_position[1] = TRUE;
      op->x[1] = x[i];
      op->y[1] = y[i];
      _basalt_document_op_apply (self, op, TRUE);
      g_ptr_array_add (command->ops, op);
    }
  push_command (self, command);
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
  command = command_new (label);
  op = _basalt_document_op_new (OP_RENAME);
  op->process = g_strdup (old_name);
  op->other = g_strdup (new_name);
  g_ptr_array_add (command->ops, op);
  add_op (command, _basalt_document_fix_groups (self, old_name, new_name));
  push_command (self, command);
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
  op->connection.from_process = g_strdup (from_process);
  op->connection.from_port = g_strdup (from_port);
  op->connection.to_process = g_strdup (to_process);
  op->connection.to_port = g_strdup (to_port);
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

gboolean
basalt_document_set_param (BasaltDocument  *self,
                           const char      *process_name,
                           const char      *var,
                           const BslArray  *value,
                           GError         **error)
{
  g_autofree char *label = NULL;
  const BslArray *old;
  BslProcess *process;
  Op *op;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if ((process = bsl_graph_find_process (self->graph, process_name)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", process_name);
      return FALSE;
    }
  if (bsl_proc_type_find_var (process->type, var) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "process '%s' (%s): unknown parameter '%s'",
                   process_name, process->type->name, var);
      return FALSE;
    }

  old = bsl_process_get_param (process, var);
  if ((old == NULL && value == NULL) || (old != NULL && value != NULL && bsl_array_equal (old, value)))
    return TRUE;

  op = _basalt_document_op_new (OP_PARAM);
  op->process = g_strdup (process_name);
  op->other = g_strdup (var);
  op->value[0] = old ? bsl_array_copy (old) : NULL;
  op->value[1] = value ? bsl_array_copy (value) : NULL;

  if (value != NULL)
    {
      if (!bsl_process_set_param (process, var, bsl_array_copy (value), error))
        {
          op_free (op);
          return FALSE;
        }
    }
  else
    bsl_process_unset_param (process, var);

  label = g_strdup_printf ("Set %s.%s", process_name, var);
  _basalt_document_push_op (self, label, op);
  return TRUE;
}

gboolean
basalt_document_set_params (BasaltDocument     *self,
                            const char         *process_name,
                            const char *const  *vars,
                            BslArray *const    *values,
                            const char         *label,
                            GError            **error)
{
  BslProcess *process;
  Command *command;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (vars != NULL, FALSE);

  if ((process = bsl_graph_find_process (self->graph, process_name)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", process_name);
      return FALSE;
    }

  command = command_new (label != NULL ? label : "Set parameters");
  for (guint i = 0; vars[i] != NULL; i++)
    {
      const BslArray *current = bsl_process_get_param (process, vars[i]);
      const BslArray *value = values[i];
      BslArray *old;
      Op *op;

      if ((current == NULL && value == NULL) ||
          (current != NULL && value != NULL && bsl_array_equal (current, value)))
        continue;
      /* Setting frees the current value: keep a copy for undo first. */
      old = current ? bsl_array_copy (current) : NULL;

      if (bsl_proc_type_find_var (process->type, vars[i]) == NULL ||
          (value != NULL && !bsl_process_set_param (process, vars[i], bsl_array_copy (value), error)))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "process '%s' (%s): unknown parameter '%s'",
                         process_name, process->type->name, vars[i]);
          g_clear_pointer (&old, bsl_array_free);
          /* All or nothing: put back what was already changed. */
          for (guint k = command->ops->len; k > 0; k--)
            _basalt_document_op_apply (self, g_ptr_array_index (command->ops, k - 1), FALSE);
          command_free (command);
          return FALSE;
        }
      if (value == NULL)
        bsl_process_unset_param (process, vars[i]);

      op = _basalt_document_op_new (OP_PARAM);
      op->process = g_strdup (process_name);
      op->other = g_strdup (vars[i]);
      op->value[0] = old;
      op->value[1] = value ? bsl_array_copy (value) : NULL;
      g_ptr_array_add (command->ops, op);
    }

  push_command (self, command);
  return TRUE;
}

gboolean
basalt_document_set_shape (BasaltDocument  *self,
                           const char      *process_name,
                           guint            ndim,
                           const gsize     *dims,
                           GError         **error)
{
  g_autofree char *label = NULL;
  BslProcess *process;
  Op *op;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (ndim <= BSL_MAX_DIMS, FALSE);

  if ((process = bsl_graph_find_process (self->graph, process_name)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", process_name);
      return FALSE;
    }

  op = _basalt_document_op_new (OP_SHAPE);
  op->process = g_strdup (process_name);
  op->ndim[0] = process->ndim;
  memcpy (op->dims[0], process->dims, sizeof op->dims[0]);
  op->ndim[1] = ndim;
  memcpy (op->dims[1], dims, sizeof (gsize) * ndim);

  if (op->ndim[0] == ndim && memcmp (op->dims[0], op->dims[1], sizeof (gsize) * ndim) == 0)
    {
      op_free (op);
      return TRUE;
    }
  if (!bsl_process_set_shape (process, ndim, dims, error))
    {
      op_free (op);
      return FALSE;
    }

  label = g_strdup_printf ("Reshape %s", process_name);
  _basalt_document_push_op (self, label, op);
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
  command = command_new (n == 1 ? "Duplicate process" : "Duplicate processes");

  for (guint i = 0; i < n; i++)
    {
      const BslProcess *original = bsl_graph_find_process (self->graph, names[i]);
      g_autofree char *prefix = name_prefix (original->type->name);
      g_autofree char *name = bsl_graph_unique_name (self->graph, prefix);
      BslProcess *copy = bsl_process_copy (original);
      g_autoptr(GError) local_error = NULL;

      g_free (copy->name);
      copy->name = g_strdup (name);
      copy->has_position = TRUE;
      copy->x = original->x + dx;
      copy->y = original->y + dy;
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
  for (guint i = 0, len = self->graph->connections->len; i < len; i++)
    {
      const BslConnection *c = g_ptr_array_index (self->graph->connections, i);
      const char *from = g_hash_table_lookup (renamed, c->from_process);
      const char *to = g_hash_table_lookup (renamed, c->to_process);

      if (from != NULL && to != NULL &&
          bsl_graph_connect_ports (self->graph, from, c->from_port, to, c->to_port, NULL) != NULL)
        g_ptr_array_add (command->ops, connection_op (TRUE, from, c->from_port, to, c->to_port));
    }

  push_command (self, command);
  return g_strv_builder_end (builder);
}

/* An edit that changes a process's schema: undone by putting back a copy of the process. */
typedef gboolean (*ProcessChange) (BslProcess *process, gconstpointer data, GError **error);

static gboolean
replace_process (BasaltDocument  *self,
                 const char      *process_name,
                 ProcessChange    change,
                 gconstpointer    data,
                 const char      *label,
                 GError         **error)
{
  BslProcess *process, *before;
  Op *op;

  if ((process = bsl_graph_find_process (self->graph, process_name)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", process_name);
      return FALSE;
    }

  before = bsl_process_copy (process);
  if (!change (process, data, error))
    {
      bsl_process_free (before);
      return FALSE;
    }

  op = _basalt_document_op_new (OP_REPLACE);
  op->process = g_strdup (process_name);
  op->snapshot = before;
  op->snapshot_after = bsl_process_copy (process);
  _basalt_document_push_op (self, label, op);
  return TRUE;
}

static gboolean
change_equations (BslProcess     *process,
                  gconstpointer   text,
                  GError        **error)
{
  return bsl_process_set_equations (process, text, error);
}

static gboolean
change_to_template (BslProcess     *process,
                    gconstpointer   tmpl,
                    GError        **error)
{
  return bsl_process_apply_equations_template (process, tmpl, error);
}

gboolean
basalt_document_set_equations (BasaltDocument          *self,
                               const char              *process_name,
                               const BslEquationsText  *text,
                               GError                 **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  label = g_strdup_printf ("Edit the equations of %s", process_name);
  return replace_process (self, process_name, change_equations, text, label, error);
}

static gboolean
change_learning_rule (BslProcess *process, gconstpointer rule, GError **error)
{
  return bsl_process_set_learning_rule (process, rule, error);
}

gboolean
basalt_document_set_learning_rule (BasaltDocument        *self,
                                   const char            *process_name,
                                   const BslLearningRule *rule,
                                   GError               **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  label = g_strdup_printf ("Change the learning rule of %s", process_name);
  return replace_process (self, process_name, change_learning_rule, rule, label, error);
}

gboolean
basalt_document_apply_equations_template (BasaltDocument  *self,
                                          const char      *process_name,
                                          const char      *template_name,
                                          GError         **error)
{
  const BslEquationsTemplate *tmpl = bsl_equations_template_find (template_name);
  g_autofree char *label = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (tmpl == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no equations template named '%s'",
                   template_name);
      return FALSE;
    }
  label = g_strdup_printf ("Start %s from %s", process_name, tmpl->title);
  return replace_process (self, process_name, change_to_template, tmpl, label, error);
}

gboolean
basalt_document_set_model (BasaltDocument  *self,
                           const char      *process_name,
                           BslTag           tag,
                           GError         **error)
{
  g_autofree char *label = NULL;
  BslProcess *process;
  Op *op;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if ((process = bsl_graph_find_process (self->graph, process_name)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", process_name);
      return FALSE;
    }
  if (tag != BSL_TAG_NONE && !bsl_proc_type_has_model (process->type, tag))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "process '%s' (%s): there is no %s model",
                   process_name, process->type->name, bsl_tag_to_string (tag));
      return FALSE;
    }
  if (process->model == tag)
    return TRUE;

  op = _basalt_document_op_new (OP_MODEL);
  op->process = g_strdup (process_name);
  op->tag[0] = process->model;
  op->tag[1] = tag;
  _basalt_document_op_apply (self, op, TRUE);
  label = tag == BSL_TAG_NONE ? g_strdup_printf ("Run %s with the run's tag", process_name)
                              : g_strdup_printf ("Run %s with %s", process_name, bsl_tag_to_string (tag));
  _basalt_document_push_op (self, label, op);
  return TRUE;
}

void
basalt_document_set_run_tag (BasaltDocument *self,
                             BslTag          tag)
{
  Command *command;
  Op *op;

  g_return_if_fail (BASALT_IS_DOCUMENT (self));

  if (self->graph->run_tag == tag)
    return;

  op = _basalt_document_op_new (OP_RUN_TAG);
  op->tag[0] = self->graph->run_tag;
  op->tag[1] = tag;
  _basalt_document_op_apply (self, op, TRUE);
  command = command_new (tag == BSL_TAG_FIXED_PT ? "Run with fixed_pt" : "Run with floating_pt");
  g_ptr_array_add (command->ops, op);
  push_command (self, command);
}

/* Files */

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
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  emit_changed (self, BASALT_CHANGE_GRAPH | BASALT_CHANGE_STRUCTURE, NULL, NULL);
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
  update_state (self);
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

  if ((path = g_file_get_path (file)) == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s: only local files can be opened", uri);
      return FALSE;
    }

  if ((graph = bsl_graph_load_file (path, error)) == NULL)
    return FALSE;

  replace_graph (self, graph, file);
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
  update_state (self);
  return TRUE;
}

guint64
basalt_document_get_serial (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), 0);

  /* Every edit, undo and redo makes a new one: the top of the undo stack alone would repeat
   * after undo then a new edit. */
  return self->change_count;
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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
  self->saved_serial = current_serial (self);
  update_state (self);
  return TRUE;
}

BslGraph *
basalt_document_get_graph (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  return self->graph;
}

GFile *
basalt_document_get_file (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  return self->file;
}

gboolean
basalt_document_get_dirty (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  return self->dirty;
}

char *
basalt_document_dup_title (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  if (self->file == NULL)
    return g_strdup ("Untitled network");
  return g_file_get_basename (self->file);
}

/* GObject */

static void
basalt_document_dispose (GObject *object)
{
  BasaltDocument *self = (BasaltDocument *) object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->graph, bsl_graph_unref);

  G_OBJECT_CLASS (basalt_document_parent_class)->dispose (object);
}

static void
basalt_document_finalize (GObject *object)
{
  BasaltDocument *self = (BasaltDocument *) object;

  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);

  G_OBJECT_CLASS (basalt_document_parent_class)->finalize (object);
}

static void
basalt_document_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BasaltDocument *self = BASALT_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, basalt_document_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, basalt_document_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_document_class_init (BasaltDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = basalt_document_dispose;
  object_class->finalize = basalt_document_finalize;
  object_class->get_property = basalt_document_get_property;

  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
}

static void
basalt_document_init (BasaltDocument *self)
{
  self->graph = bsl_graph_new ();
  self->undo_stack = g_ptr_array_new_with_free_func (command_free);
  self->redo_stack = g_ptr_array_new_with_free_func (command_free);
}

BasaltDocument *
basalt_document_new (void)
{
  return g_object_new (BASALT_TYPE_DOCUMENT, NULL);
}
