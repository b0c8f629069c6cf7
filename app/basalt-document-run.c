/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The document's edits of how a run is made (run.steps), sharing its history through
 * basalt-document-private.h. */

#include "config.h"

#include "bsl-error.h"
#include "bsl-graph-probes.h"

#include "basalt-document-private.h"

gboolean
basalt_document_set_run_steps (BasaltDocument  *self,
                               gint64           steps,
                               GError         **error)
{
  g_autofree char *label = NULL;
  Op *op;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (steps < 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "run.steps must be a whole number of steps from 1 up, not %" G_GINT64_FORMAT, steps);
      return FALSE;
    }
  if (bsl_graph_get_run_steps (self->graph) == steps)
    return TRUE;

  op = _basalt_document_op_new (OP_RUN_STEPS);
  op->steps[0] = bsl_graph_get_run_steps (self->graph);
  op->steps[1] = steps;
  _basalt_document_op_apply (self, op, TRUE);
  label = g_strdup_printf ("Run %" G_GINT64_FORMAT " steps", steps);
  _basalt_document_push_op (self, label, op);
  return TRUE;
}

/* Probes: what a run records, part of the network (graph->probes, saved with the file). */

static Op *
probe_op (BasaltDocument *self,
          const char     *target,
          gboolean        adds)
{
  Op *op = _basalt_document_op_new (OP_PROBE);

  op->forward_adds = adds;
  op->process = g_strdup (target);
  op->position = 0;
  for (guint i = 0; i < bsl_graph_get_n_probes (self->graph); i++)
    if (g_str_equal (bsl_graph_get_probe (self->graph, i), target))
      op->position = i;
  return op;
}

gboolean
basalt_document_add_probe (BasaltDocument  *self,
                           const char      *target,
                           GError         **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (!bsl_graph_add_probe (self->graph, target, error))
    return FALSE;
  label = g_strdup_printf ("Probe %s", target);
  _basalt_document_push_op (self, label, probe_op (self, target, TRUE));
  return TRUE;
}

/* Removed now; the position is kept so that undo puts it back in its place. */
static Op *
take_probe (BasaltDocument *self,
            const char     *target)
{
  Op *op = probe_op (self, target, FALSE);

  bsl_graph_remove_probe (self->graph, target);
  return op;
}

gboolean
basalt_document_remove_probe (BasaltDocument  *self,
                              const char      *target,
                              GError         **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  if (!bsl_graph_has_probe (self->graph, target))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "'%s' is not probed", target);
      return FALSE;
    }
  label = g_strdup_printf ("Stop probing %s", target);
  _basalt_document_push_op (self, label, take_probe (self, target));
  return TRUE;
}

void
basalt_document_clear_probes (BasaltDocument *self)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new ();

  g_return_if_fail (BASALT_IS_DOCUMENT (self));

  /* From the last, so that each one's position is still true when undo puts them back. */
  while (bsl_graph_get_n_probes (self->graph) > 0)
    {
      const char *target = bsl_graph_get_probe (self->graph, bsl_graph_get_n_probes (self->graph) - 1);

      g_ptr_array_add (ops, take_probe (self, target));
    }
  _basalt_document_push_ops (self, "Remove all probes", ops);
}

void
_basalt_document_take_probes_of (BasaltDocument *self,
                                  GPtrArray      *ops,
                                  const char     *process)
{
  for (guint i = bsl_graph_get_n_probes (self->graph); i > 0; i--)
    {
      const char *target = bsl_graph_get_probe (self->graph, i - 1);

      if (bsl_probe_target_is_of (target, process))
        g_ptr_array_add (ops, take_probe (self, target));
    }
}
