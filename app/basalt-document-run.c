/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The document's edits of how a run is made (run.steps), sharing its history through
 * basalt-document-private.h. */

#include "config.h"

#include "bsl-error.h"

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
  if (self->graph->run_steps == steps)
    return TRUE;

  op = _basalt_document_op_new (OP_RUN_STEPS);
  op->steps[0] = self->graph->run_steps;
  op->steps[1] = steps;
  _basalt_document_op_apply (self, op, TRUE);
  label = g_strdup_printf ("Run %" G_GINT64_FORMAT " steps", steps);
  _basalt_document_push_op (self, label, op);
  return TRUE;
}
