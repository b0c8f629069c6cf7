/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Undo is built from small reversible operations. An edit is checked and applied once with the
 * engine's own validation (so its errors reach the user); what it did is recorded as a list of
 * operations that can be replayed forwards (redo) or backwards (undo) without further checks.
 * This file holds the operations and their replay. */

#include "config.h"

#include "bsl-graph-probes.h"

#include "basalt-document-private.h"

/* json_node_copy() shares arrays and objects; edits need a copy of their own. */
JsonNode *
_basalt_document_deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json_from_string (text, NULL);
}

void
_basalt_document_op_free (gpointer data)
{
  Op *op = data;

  g_clear_pointer (&op->snapshot, bsl_process_free);
  g_clear_pointer (&op->snapshot_after, bsl_process_free);
  g_clear_pointer (&op->connections, g_ptr_array_unref);
  g_free (op->process);
  g_free (op->other);
  g_clear_pointer (&op->connection, bsl_connection_free);
  g_clear_pointer (&op->value[0], bsl_array_free);
  g_clear_pointer (&op->value[1], bsl_array_free);
  g_clear_pointer (&op->groups[0], json_node_unref);
  g_clear_pointer (&op->groups[1], json_node_unref);
  g_free (op);
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

              if (bsl_graph_connect_ports (self->graph, bsl_connection_get_from_process (c),
                                           bsl_connection_get_from_port (c), bsl_connection_get_to_process (c),
                                           bsl_connection_get_to_port (c), &error) == NULL)
                break;
            }
        }
      else
        bsl_graph_remove_process (self->graph, bsl_process_get_name (op->snapshot));
      break;

    case OP_CONNECTION:
      if (op->forward_adds == forward)
        bsl_graph_connect_ports (self->graph, bsl_connection_get_from_process (op->connection),
                                 bsl_connection_get_from_port (op->connection),
                                 bsl_connection_get_to_process (op->connection),
                                 bsl_connection_get_to_port (op->connection), &error);
      else
        bsl_graph_disconnect (self->graph, bsl_connection_get_from_process (op->connection),
                              bsl_connection_get_from_port (op->connection),
                              bsl_connection_get_to_process (op->connection),
                              bsl_connection_get_to_port (op->connection));
      break;

    case OP_MOVE:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        /* Without a place, the coordinates are kept all the same. */
        if (process != NULL)
          {
            bsl_process_set_position (process, op->x[side], op->y[side]);
            if (!op->had_position[side])
              bsl_process_unset_position (process);
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
      bsl_graph_set_run_tag (self->graph, op->tag[side]);
      break;

    case OP_REPLACE:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        /* The graph keeps its pointer; the contents are exchanged for a copy of the snapshot. */
        if (process != NULL)
          bsl_process_assign (process, forward ? op->snapshot_after : op->snapshot);
      }
      break;

    case OP_MODEL:
      {
        BslProcess *process = bsl_graph_find_process (self->graph, op->process);

        if (process != NULL)
          bsl_process_set_tag (process, op->tag[side]);
      }
      break;

    case OP_RUN_STEPS:
      bsl_graph_set_run_steps (self->graph, op->steps[side]);
      break;

    case OP_PROBE:
      if (op->forward_adds == forward)
        bsl_graph_insert_probe (self->graph, op->position, op->process, &error);
      else
        bsl_graph_remove_probe (self->graph, op->process);
      break;

    case OP_GROUPS:
      bsl_graph_set_groups (self->graph,
                            op->groups[side] != NULL ? _basalt_document_deep_copy (op->groups[side]) : NULL);
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_critical ("undo history does not match the network: %s", error->message);
}
