/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Edits of what a process is (its Vars' values, shape, equations, rule and model) and of the
 * run's tag, recorded for undo. */

#include "config.h"

#include <string.h>

#include "bsl-equations-templates.h"
#include "bsl-error.h"

#include "basalt-document-private.h"

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
  if (bsl_proc_type_find_var (bsl_process_get_proc_type (process), var) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "process '%s' (%s): unknown parameter '%s'",
                   process_name, bsl_process_get_proc_type (process)->name, var);
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
          _basalt_document_op_free (op);
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

  command = _basalt_document_command_new (label != NULL ? label : "Set parameters");
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

      if (bsl_proc_type_find_var (bsl_process_get_proc_type (process), vars[i]) == NULL ||
          (value != NULL && !bsl_process_set_param (process, vars[i], bsl_array_copy (value), error)))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "process '%s' (%s): unknown parameter '%s'",
                         process_name, bsl_process_get_proc_type (process)->name, vars[i]);
          g_clear_pointer (&old, bsl_array_free);
          /* All or nothing: put back what was already changed. */
          for (guint k = command->ops->len; k > 0; k--)
            _basalt_document_op_apply (self, g_ptr_array_index (command->ops, k - 1), FALSE);
          _basalt_document_command_free (command);
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

  _basalt_document_push_command (self, command);
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
  op->ndim[0] = bsl_process_get_ndim (process);
  memcpy (op->dims[0], bsl_process_get_dims (process), sizeof op->dims[0]);
  op->ndim[1] = ndim;
  memcpy (op->dims[1], dims, sizeof (gsize) * ndim);

  if (op->ndim[0] == ndim && memcmp (op->dims[0], op->dims[1], sizeof (gsize) * ndim) == 0)
    {
      _basalt_document_op_free (op);
      return TRUE;
    }
  if (!bsl_process_set_shape (process, ndim, dims, error))
    {
      _basalt_document_op_free (op);
      return FALSE;
    }

  label = g_strdup_printf ("Reshape %s", process_name);
  _basalt_document_push_op (self, label, op);
  return TRUE;
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
  if (tag != BSL_TAG_NONE && !bsl_proc_type_has_model (bsl_process_get_proc_type (process), tag))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "process '%s' (%s): there is no %s model",
                   process_name, bsl_process_get_proc_type (process)->name, bsl_tag_to_string (tag));
      return FALSE;
    }
  if (bsl_process_get_tag (process) == tag)
    return TRUE;

  op = _basalt_document_op_new (OP_MODEL);
  op->process = g_strdup (process_name);
  op->tag[0] = bsl_process_get_tag (process);
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

  if (bsl_graph_get_run_tag (self->graph) == tag)
    return;

  op = _basalt_document_op_new (OP_RUN_TAG);
  op->tag[0] = bsl_graph_get_run_tag (self->graph);
  op->tag[1] = tag;
  _basalt_document_op_apply (self, op, TRUE);
  command = _basalt_document_command_new (tag == BSL_TAG_FIXED_PT ? "Run with fixed_pt" : "Run with floating_pt");
  g_ptr_array_add (command->ops, op);
  _basalt_document_push_command (self, command);
}
