/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-clones.h"
#include "bsl-error.h"
#include "bsl-graph.h"
#include "bsl-graph-private.h"
#include "bsl-strings.h"
#include "bsl-learning-rule.h"

/* Elements of one process (neurons, or synapses of a matrix): refused above this before
 * anything is allocated. 2^26 doubles are 512 MiB per Var. docs/file-format.md names it. */
#define MAX_ELEMENTS ((gsize) 1 << 26)

static gboolean
name_is_valid (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (const char *p = name + 1; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/* ---------------- processes ---------------- */

BslProcess *
bsl_process_new (const BslProcType *type,
                 const char        *name,
                 guint              ndim,
                 const gsize       *dims)
{
  BslProcess *process = g_new0 (BslProcess, 1);

  process->name = g_strdup (name);
  process->type = bsl_proc_type_ref (type);
  process->ndim = ndim;
  for (guint i = 0; i < ndim; i++)
    process->dims[i] = dims[i];
  process->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) bsl_array_free);
  process->model = BSL_TAG_NONE;
  if (bsl_proc_type_is_plastic (type))
    process->learning_rule = bsl_learning_rule_new_default ();
  return process;
}

BslProcess *
bsl_process_copy (const BslProcess *process)
{
  BslProcess *copy = bsl_process_new (process->type, process->name, process->ndim, process->dims);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, process->params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->params, g_strdup (key), bsl_array_copy (value));
  copy->model = process->model;
  if (process->learning_rule != NULL)
    {
      bsl_learning_rule_free (copy->learning_rule);
      copy->learning_rule = bsl_learning_rule_copy (process->learning_rule);
    }
  copy->has_position = process->has_position;
  copy->x = process->x;
  copy->y = process->y;
  if (process->ui != NULL)
    copy->ui = json_object_ref (process->ui);
  if (process->extra != NULL)
    copy->extra = json_object_ref (process->extra);
  return copy;
}

void
bsl_process_free (BslProcess *process)
{
  if (process == NULL)
    return;
  g_free (process->name);
  bsl_proc_type_unref (process->type);
  g_hash_table_unref (process->params);
  g_clear_pointer (&process->ui, json_object_unref);
  g_clear_pointer (&process->extra, json_object_unref);
  g_clear_pointer (&process->learning_rule, bsl_learning_rule_free);
  g_free (process);
}

const char *
bsl_process_get_name (const BslProcess *process)
{
  g_return_val_if_fail (process != NULL, NULL);

  return process->name;
}

void
bsl_process_set_name (BslProcess *process,
                      const char *name)
{
  g_return_if_fail (process != NULL);
  g_return_if_fail (name != NULL);

  g_free (process->name);
  process->name = g_strdup (name);
}

const BslProcType *
bsl_process_get_proc_type (const BslProcess *process)
{
  g_return_val_if_fail (process != NULL, NULL);

  return process->type;
}

guint
bsl_process_get_ndim (const BslProcess *process)
{
  g_return_val_if_fail (process != NULL, 0);

  return process->ndim;
}

const gsize *
bsl_process_get_dims (const BslProcess *process)
{
  g_return_val_if_fail (process != NULL, NULL);

  return process->dims;
}

guint
bsl_process_get_n_params (const BslProcess *process)
{
  g_return_val_if_fail (process != NULL, 0);

  return g_hash_table_size (process->params);
}

BslTag
bsl_process_get_tag (const BslProcess *process)
{
  g_return_val_if_fail (process != NULL, BSL_TAG_NONE);

  return process->model;
}

void
bsl_process_set_tag (BslProcess *process,
                     BslTag      tag)
{
  g_return_if_fail (process != NULL);
  g_return_if_fail (tag == BSL_TAG_NONE || (guint) tag < BSL_N_TAGS);

  process->model = tag;
}

BslTag
bsl_process_resolve_tag (const BslProcess *process,
                         BslTag            run_tag)
{
  g_return_val_if_fail (process != NULL, run_tag);

  return process->model != BSL_TAG_NONE ? process->model : run_tag;
}

gboolean
bsl_process_get_position (const BslProcess *process,
                          double           *x,
                          double           *y)
{
  g_return_val_if_fail (process != NULL, FALSE);

  if (x != NULL)
    *x = process->x;
  if (y != NULL)
    *y = process->y;
  return process->has_position;
}

gboolean
bsl_process_has_position (const BslProcess *process)
{
  g_return_val_if_fail (process != NULL, FALSE);

  return process->has_position;
}

void
bsl_process_set_position (BslProcess *process,
                          double      x,
                          double      y)
{
  g_return_if_fail (process != NULL);

  process->has_position = TRUE;
  process->x = x;
  process->y = y;
}

void
bsl_process_unset_position (BslProcess *process)
{
  g_return_if_fail (process != NULL);

  process->has_position = FALSE;
}

void
bsl_process_assign (BslProcess       *process,
                    const BslProcess *source)
{
  BslProcess *replacement;
  BslProcess swap;

  g_return_if_fail (process != NULL);
  g_return_if_fail (source != NULL);

  replacement = bsl_process_copy (source);
  swap = *process;
  *process = *replacement;
  *replacement = swap;
  bsl_process_free (replacement);
}

static gboolean
shape_equal (guint ndim_a, const gsize *a, guint ndim_b, const gsize *b)
{
  if (ndim_a != ndim_b)
    return FALSE;
  for (guint i = 0; i < ndim_a; i++)
    if (a[i] != b[i])
      return FALSE;
  return TRUE;
}

static gboolean
check_param_shape (const BslProcess *process,
                   const BslVarSpec *spec,
                   const BslArray   *value,
                   GError          **error)
{
  guint ndim;
  gsize dims[BSL_MAX_DIMS];
  g_autofree char *given = bsl_shape_to_string (value->ndim, value->dims);
  g_autofree char *wanted = NULL;

  if (spec->shape == BSL_SHAPE_TIME_SERIES)
    {
      if (value->ndim == process->ndim + 1 &&
          shape_equal (process->ndim, process->dims, process->ndim, value->dims) &&
          value->dims[process->ndim] >= 1)
        return TRUE;
      if (value->ndim == 0 && (spec->flags & BSL_VAR_BROADCAST))
        return TRUE;
      wanted = bsl_shape_to_string (process->ndim, process->dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "process '%s' (%s): parameter '%s' has shape %s; it must be %s plus a time "
                   "axis, e.g. (%" G_GSIZE_FORMAT ", T)",
                   process->name, process->type->name, spec->name, given, wanted,
                   process->dims[0]);
      return FALSE;
    }

  bsl_var_spec_shape (spec, process->ndim, process->dims, &ndim, dims);
  if (shape_equal (ndim, dims, value->ndim, value->dims))
    return TRUE;
  if (value->ndim == 0 && (ndim == 0 || (spec->flags & BSL_VAR_BROADCAST)))
    return TRUE;
  /* Lava's scalar Vars have shape (1,). */
  if (ndim == 0 && value->ndim == 1 && value->dims[0] == 1)
    return TRUE;
  wanted = bsl_shape_to_string (ndim, dims);
  g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
               "process '%s' (%s): parameter '%s' has shape %s but must be %s%s",
               process->name, process->type->name, spec->name, given, wanted,
               (spec->flags & BSL_VAR_BROADCAST) ? " or a scalar" : "");
  return FALSE;
}

gboolean
bsl_process_set_shape (BslProcess   *process,
                       guint         ndim,
                       const gsize  *dims,
                       GError      **error)
{
  BslProcess probe = *process;
  GHashTableIter iter;
  gpointer key, value;
  guint wanted_ndim = process->type->shape_kind == BSL_SHAPE_KIND_MATRIX ? 2 : 1;
  gsize n = 1;

  if (ndim != wanted_ndim)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "process '%s' (%s): shape must have %u dimension%s%s",
                   process->name, process->type->name, wanted_ndim, wanted_ndim > 1 ? "s" : "",
                   wanted_ndim == 2 ? " (n_out, n_in)" : " (n,)");
      return FALSE;
    }
  for (guint i = 0; i < ndim; i++)
    {
      if (dims[i] == 0 || dims[i] > MAX_ELEMENTS)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "process '%s' (%s): shape dimension %u is %" G_GSIZE_FORMAT
                       "; it must be between 1 and %" G_GSIZE_FORMAT,
                       process->name, process->type->name, i, dims[i], MAX_ELEMENTS);
          return FALSE;
        }
      /* Each factor is at most 2^26 and there are two at most, so the product cannot wrap. */
      n *= dims[i];
    }
  if (n > MAX_ELEMENTS && process->type->generated_memory == NULL)
    {
      g_autofree char *shape = bsl_shape_to_string (ndim, dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "process '%s' (%s): shape %s has %" G_GSIZE_FORMAT " elements; a process "
                   "holds at most %" G_GSIZE_FORMAT, process->name, process->type->name, shape,
                   n, MAX_ELEMENTS);
      return FALSE;
    }

  probe.ndim = ndim;
  for (guint i = 0; i < ndim; i++)
    probe.dims[i] = dims[i];
  g_hash_table_iter_init (&iter, process->params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const BslVarSpec *spec = bsl_proc_type_find_var (process->type, key);
      if (spec != NULL && !check_param_shape (&probe, spec, value, error))
        return FALSE;
    }
  process->ndim = ndim;
  for (guint i = 0; i < ndim; i++)
    process->dims[i] = dims[i];
  return TRUE;
}

gboolean
bsl_process_set_param (BslProcess  *process,
                       const char  *name,
                       BslArray    *value,
                       GError     **error)
{
  g_autoptr(BslArray) owned = value;
  const BslVarSpec *spec = bsl_proc_type_find_var (process->type, name);
  gsize bad;

  if (spec == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "process '%s' (%s): unknown parameter '%s'",
                   process->name, process->type->name, name);
      return FALSE;
    }
  if (!check_param_shape (process, spec, value, error))
    return FALSE;
  if (bsl_array_find_nan (value, &bad))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "process '%s' (%s): parameter '%s' is not a finite number at index %"
                   G_GSIZE_FORMAT, process->name, process->type->name, name, bad);
      return FALSE;
    }
  /* Lava's shape-(1,) scalars are stored as scalars. */
  if (spec->shape == BSL_SHAPE_SCALAR && value->ndim == 1)
    value->ndim = 0;
  g_hash_table_insert (process->params, g_strdup (name), g_steal_pointer (&owned));
  return TRUE;
}

gboolean
bsl_process_apply_preset (BslProcess  *process,
                          const char  *preset,
                          GError     **error)
{
  const BslPreset *p = bsl_proc_type_find_preset (process->type, preset);

  if (p == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "process '%s' (%s): unknown preset '%s'", process->name, process->type->name,
                   preset);
      return FALSE;
    }
  for (const BslPresetValue *v = p->values; v->var != NULL; v++)
    if (!bsl_process_set_param (process, v->var, bsl_array_new_scalar (v->value), error))
      return FALSE;
  return TRUE;
}

void
bsl_process_unset_param (BslProcess *process,
                         const char *name)
{
  g_hash_table_remove (process->params, name);
}

const BslArray *
bsl_process_get_param (const BslProcess *process,
                       const char       *name)
{
  return g_hash_table_lookup (process->params, name);
}

BslArray *
bsl_process_dup_param_full (const BslProcess *process,
                            const char       *name,
                            GError          **error)
{
  const BslVarSpec *spec = bsl_proc_type_find_var (process->type, name);
  const BslArray *value;
  BslArray *full;
  guint ndim;
  gsize dims[BSL_MAX_DIMS];

  if (spec == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "process '%s' (%s): unknown parameter '%s'",
                   process->name, process->type->name, name);
      return NULL;
    }
  value = bsl_process_get_param (process, name);

  if (spec->shape == BSL_SHAPE_TIME_SERIES)
    {
      if (value != NULL && value->ndim > 0)
        return bsl_array_copy (value);
      ndim = process->ndim + 1;
      for (guint i = 0; i < process->ndim; i++)
        dims[i] = process->dims[i];
      dims[process->ndim] = 1;
    }
  else
    bsl_var_spec_shape (spec, process->ndim, process->dims, &ndim, dims);

  full = bsl_array_new (ndim, dims);
  for (gsize k = 0; k < full->n; k++)
    full->data[k] = value == NULL ? spec->default_value
                                  : (value->n == full->n ? value->data[k] : value->data[0]);
  return full;
}

/* The index of the first value that is not finite, not whole when it must be, or out of
 * [lo, hi]; n when all are fine. A weight matrix has millions of values, so the loop checks
 * blocks without a branch per element and looks closer only at a block with a fault. */
BSL_VECTOR_CLONES static gsize
first_bad_value (const double *data, gsize n, double lo, double hi, gboolean integer)
{
  for (gsize k0 = 0; k0 < n; k0 += 256)
    {
      gsize k1 = MIN (k0 + 256, n);
      int bad = 0;

      for (gsize k = k0; k < k1; k++)
        {
          double x = data[k];
          bad |= !(x >= lo && x <= hi && x - x == 0.0) | (integer && x != floor (x));
        }
      if (bad)
        for (gsize k = k0; k < k1; k++)
          {
            double x = data[k];
            if (!(x >= lo && x <= hi && isfinite (x)) || (integer && x != floor (x)))
              return k;
          }
    }
  return n;
}

gboolean
_bsl_var_check_value (const BslProcess *process,
                      const BslVarSpec *spec,
                      const BslArray   *value,
                      BslTag            tag,
                      GError          **error)
{
  gboolean fixed = tag == BSL_TAG_FIXED_PT;
  double lo = fixed ? spec->fixed_min : spec->float_min;
  double hi = fixed ? spec->fixed_max : spec->float_max;
  gboolean integer = (fixed && (spec->flags & BSL_VAR_INTEGER)) || (spec->flags & BSL_VAR_COUNT);

  if ((fixed && (spec->flags & BSL_VAR_FLOAT_ONLY)) || (!fixed && (spec->flags & BSL_VAR_FIXED_ONLY)))
    return TRUE;

  gsize k = first_bad_value (value->data, value->n, lo, hi, integer);
  g_autofree char *where = NULL;
  double x;

  if (k == value->n)
    return TRUE;
  x = value->data[k];
  where = value->n > 1 ? g_strdup_printf ("[%" G_GSIZE_FORMAT "]", k) : g_strdup ("");
  if (!isfinite (x))
    g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                 "process '%s' (%s): parameter '%s'%s is not a finite number",
                 process->name, process->type->name, spec->name, where);
  else if (integer && x != floor (x))
    g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                 "process '%s' (%s): parameter '%s'%s = %.17g must be an integer%s",
                 process->name, process->type->name, spec->name, where, x,
                 fixed ? " under fixed_pt (Loihi 2 values are integers)" : "");
  else
    g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                 "process '%s' (%s): parameter '%s'%s = %.17g is outside the %s range "
                 "%.17g..%.17g",
                 process->name, process->type->name, spec->name, where, x,
                 fixed ? "Loihi 2 (fixed_pt)" : "floating_pt", lo, hi);
  return FALSE;
}


gboolean
bsl_process_validate (const BslProcess *process,
                      BslTag            tag,
                      GError          **error)
{
  if (!bsl_proc_type_has_model (process->type, tag))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s' (%s): there is no %s model for this type%s",
                   process->name, process->type->name, bsl_tag_to_string (tag),
                   tag == BSL_TAG_FIXED_PT ? " (it exists only as a floating_pt model); run it "
                                             "with \"model\": \"floating_pt\"" : "");
      return FALSE;
    }
  for (guint v = 0; v < process->type->n_vars; v++)
    {
      const BslVarSpec *spec = &process->type->vars[v];
      const BslArray *value = bsl_process_get_param (process, spec->name);

      if (value == NULL && isnan (spec->default_value))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                       "process '%s' (%s): parameter '%s'%s%s%s has no value", process->name,
                       process->type->name, spec->name, spec->unit ? " (" : "",
                       spec->unit ? spec->unit : "", spec->unit ? ")" : "");
          return FALSE;
        }
      if (value != NULL && !_bsl_var_check_value (process, spec, value, tag, error))
        return FALSE;
    }
  return TRUE;
}

char *
bsl_process_dup_shape_string (const BslProcess *process)
{
  return bsl_shape_to_string (process->ndim, process->dims);
}

gsize
bsl_process_port_size (const BslProcess *process,
                       const char       *port)
{
  const BslPortSpec *spec = bsl_proc_type_find_port (process->type, port);

  g_return_val_if_fail (spec != NULL, 0);
  return bsl_port_spec_size (spec, process->ndim, process->dims);
}

/* ---------------- connections ---------------- */

BslConnection *
bsl_connection_new (const char *from_process,
                    const char *from_port,
                    const char *to_process,
                    const char *to_port)
{
  BslConnection *c;

  g_return_val_if_fail (from_process != NULL && from_port != NULL, NULL);
  g_return_val_if_fail (to_process != NULL && to_port != NULL, NULL);

  c = g_new0 (BslConnection, 1);
  c->from_process = g_strdup (from_process);
  c->from_port = g_strdup (from_port);
  c->to_process = g_strdup (to_process);
  c->to_port = g_strdup (to_port);
  return c;
}

BslConnection *
bsl_connection_copy (const BslConnection *connection)
{
  g_return_val_if_fail (connection != NULL, NULL);

  return bsl_connection_new (connection->from_process, connection->from_port,
                             connection->to_process, connection->to_port);
}

void
bsl_connection_free (BslConnection *connection)
{
  if (connection == NULL)
    return;
  g_free (connection->from_process);
  g_free (connection->from_port);
  g_free (connection->to_process);
  g_free (connection->to_port);
  g_free (connection);
}

const char *
bsl_connection_get_from_process (const BslConnection *connection)
{
  g_return_val_if_fail (connection != NULL, NULL);

  return connection->from_process;
}

const char *
bsl_connection_get_from_port (const BslConnection *connection)
{
  g_return_val_if_fail (connection != NULL, NULL);

  return connection->from_port;
}

const char *
bsl_connection_get_to_process (const BslConnection *connection)
{
  g_return_val_if_fail (connection != NULL, NULL);

  return connection->to_process;
}

const char *
bsl_connection_get_to_port (const BslConnection *connection)
{
  g_return_val_if_fail (connection != NULL, NULL);

  return connection->to_port;
}

gboolean
bsl_connection_equal (const BslConnection *a,
                      const BslConnection *b)
{
  return a != NULL && b != NULL &&
         g_strcmp0 (a->from_process, b->from_process) == 0 &&
         g_strcmp0 (a->from_port, b->from_port) == 0 &&
         g_strcmp0 (a->to_process, b->to_process) == 0 &&
         g_strcmp0 (a->to_port, b->to_port) == 0;
}

/* ---------------- graph ---------------- */

BslGraph *
bsl_graph_new (void)
{
  BslGraph *graph = g_new0 (BslGraph, 1);

  g_atomic_ref_count_init (&graph->ref_count);
  graph->processes = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_process_free);
  graph->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_connection_free);
  graph->probes = g_ptr_array_new_with_free_func (g_free);
  graph->run_tag = BSL_TAG_FLOATING_PT;
  graph->run_steps = 100;
  graph->run_seed = 0;
  return graph;
}

BslGraph *
bsl_graph_ref (BslGraph *graph)
{
  g_atomic_ref_count_inc (&graph->ref_count);
  return graph;
}

void
bsl_graph_unref (BslGraph *graph)
{
  if (graph == NULL || !g_atomic_ref_count_dec (&graph->ref_count))
    return;
  g_ptr_array_unref (graph->processes);
  g_ptr_array_unref (graph->connections);
  g_ptr_array_unref (graph->probes);
  g_clear_pointer (&graph->groups, json_node_unref);
  g_clear_pointer (&graph->extra, json_object_unref);
  g_free (graph->base_dir);
  g_free (graph);
}

BslGraph *
bsl_graph_copy (const BslGraph *graph)
{
  BslGraph *copy = bsl_graph_new ();

  for (guint i = 0; i < graph->processes->len; i++)
    g_ptr_array_add (copy->processes, bsl_process_copy (g_ptr_array_index (graph->processes, i)));
  for (guint i = 0; i < graph->connections->len; i++)
    {
      const BslConnection *c = g_ptr_array_index (graph->connections, i);
      g_ptr_array_add (copy->connections, bsl_connection_copy (c));
    }
  for (guint i = 0; i < graph->probes->len; i++)
    g_ptr_array_add (copy->probes, g_strdup (g_ptr_array_index (graph->probes, i)));
  copy->run_tag = graph->run_tag;
  copy->run_steps = graph->run_steps;
  copy->run_seed = graph->run_seed;
  if (graph->groups != NULL)
    copy->groups = json_node_copy (graph->groups);
  if (graph->extra != NULL)
    copy->extra = json_object_ref (graph->extra);
  copy->base_dir = g_strdup (graph->base_dir);
  return copy;
}

guint
bsl_graph_get_n_processes (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, 0);

  return graph->processes->len;
}

BslProcess *
bsl_graph_get_process (const BslGraph *graph,
                       guint           index)
{
  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (index < graph->processes->len, NULL);

  return g_ptr_array_index (graph->processes, index);
}

guint
bsl_graph_get_n_connections (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, 0);

  return graph->connections->len;
}

const BslConnection *
bsl_graph_get_connection (const BslGraph *graph,
                          guint           index)
{
  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (index < graph->connections->len, NULL);

  return g_ptr_array_index (graph->connections, index);
}

BslTag
bsl_graph_get_run_tag (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, BSL_TAG_FLOATING_PT);

  return graph->run_tag;
}

void
bsl_graph_set_run_tag (BslGraph *graph,
                       BslTag    tag)
{
  g_return_if_fail (graph != NULL);
  g_return_if_fail ((guint) tag < BSL_N_TAGS);

  graph->run_tag = tag;
}

gint64
bsl_graph_get_run_steps (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, 0);

  return graph->run_steps;
}

void
bsl_graph_set_run_steps (BslGraph *graph,
                         gint64    steps)
{
  g_return_if_fail (graph != NULL);

  graph->run_steps = steps;
}

guint64
bsl_graph_get_run_seed (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, 0);

  return graph->run_seed;
}

JsonNode *
bsl_graph_get_groups (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, NULL);

  return graph->groups;
}

void
bsl_graph_set_groups (BslGraph *graph,
                      JsonNode *groups)
{
  g_return_if_fail (graph != NULL);

  if (groups == graph->groups)
    return;
  g_clear_pointer (&graph->groups, json_node_unref);
  graph->groups = groups;
}

JsonObject *
bsl_graph_get_extra (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, NULL);

  return graph->extra;
}

const char *
bsl_graph_get_base_dir (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, NULL);

  return graph->base_dir;
}

BslProcess *
bsl_graph_find_process (const BslGraph *graph,
                        const char     *name)
{
  int index = bsl_graph_process_index (graph, name);

  return index < 0 ? NULL : g_ptr_array_index (graph->processes, index);
}

int
bsl_graph_process_index (const BslGraph *graph,
                         const char     *name)
{
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);
      if (g_strcmp0 (p->name, name) == 0)
        return (int) i;
    }
  return -1;
}

char *
bsl_graph_unique_name (const BslGraph *graph,
                       const char     *prefix)
{
  for (guint k = 1;; k++)
    {
      char *name = g_strdup_printf ("%s%u", prefix, k);
      if (bsl_graph_find_process (graph, name) == NULL)
        return name;
      g_free (name);
    }
}

static gboolean
check_new_name (const BslGraph *graph,
                const char     *name,
                GError        **error)
{
  if (!name_is_valid (name))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME,
                   "process name '%s' is not valid: use letters, digits and '_', not starting "
                   "with a digit", name != NULL ? name : "");
      return FALSE;
    }
  if (bsl_graph_find_process (graph, name) != NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME,
                   "there is already a process named '%s'", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
bsl_graph_insert_process (BslGraph    *graph,
                          BslProcess  *process,
                          int          position,
                          GError     **error)
{
  if (!check_new_name (graph, process->name, error))
    {
      bsl_process_free (process);
      return FALSE;
    }
  if (position < 0 || (guint) position > graph->processes->len)
    g_ptr_array_add (graph->processes, process);
  else
    g_ptr_array_insert (graph->processes, position, process);
  return TRUE;
}

BslProcess *
bsl_graph_add_process (BslGraph     *graph,
                       const char   *type_name,
                       const char   *name,
                       guint         ndim,
                       const gsize  *dims,
                       GError      **error)
{
  const BslProcType *type = bsl_proc_type_lookup (type_name);
  BslProcess *process;
  if (type == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE,
                   "process '%s': unknown type '%s'", name, type_name);
      return NULL;
    }
  if (!check_new_name (graph, name, error))
    return NULL;

  process = bsl_process_new (type, name, 0, NULL);
  if (ndim == 0)
    {
      ndim = type->shape_kind == BSL_SHAPE_KIND_MATRIX ? 2 : 1;
      dims = type->default_dims;
    }
  if (!bsl_process_set_shape (process, ndim, dims, error) ||
      (type->init_process != NULL && !type->init_process (process, error)))
    {
      bsl_process_free (process);
      return NULL;
    }
  g_ptr_array_add (graph->processes, process);
  return process;
}

BslProcess *
bsl_graph_take_process (BslGraph   *graph,
                        const char *name)
{
  int index = bsl_graph_process_index (graph, name);

  if (index < 0)
    return NULL;
  for (guint i = graph->connections->len; i > 0; i--)
    {
      const BslConnection *c = g_ptr_array_index (graph->connections, i - 1);
      if (g_strcmp0 (c->from_process, name) == 0 || g_strcmp0 (c->to_process, name) == 0)
        g_ptr_array_remove_index (graph->connections, i - 1);
    }
  _bsl_graph_drop_probes_of (graph, name);
  return g_ptr_array_steal_index (graph->processes, index);
}

gboolean
bsl_graph_remove_process (BslGraph   *graph,
                          const char *name)
{
  BslProcess *process = bsl_graph_take_process (graph, name);

  bsl_process_free (process);
  return process != NULL;
}

gboolean
bsl_graph_rename_process (BslGraph    *graph,
                          const char  *old_name,
                          const char  *new_name,
                          GError     **error)
{
  BslProcess *process = bsl_graph_find_process (graph, old_name);

  if (process == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", old_name);
      return FALSE;
    }
  if (g_strcmp0 (old_name, new_name) == 0)
    return TRUE;
  if (!check_new_name (graph, new_name, error))
    return FALSE;
  for (guint i = 0; i < graph->connections->len; i++)
    {
      BslConnection *c = g_ptr_array_index (graph->connections, i);
      if (g_strcmp0 (c->from_process, old_name) == 0)
        bsl_set_str (&c->from_process, new_name);
      if (g_strcmp0 (c->to_process, old_name) == 0)
        bsl_set_str (&c->to_process, new_name);
    }
  _bsl_graph_rename_probes_of (graph, old_name, new_name);
  bsl_set_str (&process->name, new_name);
  return TRUE;
}

static gboolean
split_endpoint (const char  *endpoint,
                char       **process,
                char       **port,
                GError     **error)
{
  const char *dot = endpoint != NULL ? strrchr (endpoint, '.') : NULL;

  if (dot == NULL || dot == endpoint || dot[1] == '\0')
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "connection end '%s' must be written PROCESS.PORT, e.g. 'lif1.s_out'",
                   endpoint != NULL ? endpoint : "");
      return FALSE;
    }
  *process = g_strndup (endpoint, dot - endpoint);
  *port = g_strdup (dot + 1);
  return TRUE;
}

static const BslPortSpec *
find_endpoint (const BslGraph    *graph,
               const char        *process_name,
               const char        *port_name,
               const BslProcess **process,
               GError           **error)
{
  const BslPortSpec *port;

  *process = bsl_graph_find_process (graph, process_name);
  if (*process == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "'%s.%s': there is no process named '%s'", process_name, port_name,
                   process_name);
      return NULL;
    }
  port = bsl_proc_type_find_port ((*process)->type, port_name);
  if (port == NULL)
    {
      GString *names = g_string_new (NULL);
      for (guint i = 0; i < (*process)->type->n_ports; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", (*process)->type->ports[i].name);
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "'%s.%s': %s has no port '%s' (its ports: %s)", process_name, port_name,
                   (*process)->type->name, port_name, names->str);
      g_string_free (names, TRUE);
      return NULL;
    }
  return port;
}

static gboolean
check_ports (const BslGraph  *graph,
             const char      *from_process,
             const char      *from_port,
             const char      *to_process,
             const char      *to_port,
             gboolean         refuse_duplicate,
             GError         **error)
{
  const BslProcess *src, *dst;
  const BslPortSpec *out, *in;
  gsize n_out, n_in;
  guint ndim;
  gsize dims[BSL_MAX_DIMS];
  g_autofree char *out_shape = NULL;
  g_autofree char *in_shape = NULL;

  if (!(out = find_endpoint (graph, from_process, from_port, &src, error)) ||
      !(in = find_endpoint (graph, to_process, to_port, &dst, error)))
    return FALSE;
  if (out->direction != BSL_PORT_OUT)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "cannot connect '%s.%s' to '%s.%s': '%s.%s' is an InPort; a connection goes "
                   "from an OutPort to an InPort", from_process, from_port, to_process, to_port,
                   from_process, from_port);
      return FALSE;
    }
  if (in->direction != BSL_PORT_IN)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "cannot connect '%s.%s' to '%s.%s': '%s.%s' is an OutPort; a connection goes "
                   "from an OutPort to an InPort", from_process, from_port, to_process, to_port,
                   to_process, to_port);
      return FALSE;
    }
  n_out = bsl_port_spec_size (out, src->ndim, src->dims);
  n_in = bsl_port_spec_size (in, dst->ndim, dst->dims);
  if (n_out != n_in)
    {
      bsl_port_spec_shape (out, src->ndim, src->dims, &ndim, dims);
      out_shape = bsl_shape_to_string (ndim, dims);
      bsl_port_spec_shape (in, dst->ndim, dst->dims, &ndim, dims);
      in_shape = bsl_shape_to_string (ndim, dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "cannot connect '%s.%s' to '%s.%s': shape %s does not match shape %s",
                   from_process, from_port, to_process, to_port, out_shape, in_shape);
      return FALSE;
    }
  for (guint i = 0; refuse_duplicate && i < graph->connections->len; i++)
    {
      const BslConnection *c = g_ptr_array_index (graph->connections, i);
      if (g_str_equal (c->from_process, from_process) && g_str_equal (c->from_port, from_port) &&
          g_str_equal (c->to_process, to_process) && g_str_equal (c->to_port, to_port))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                       "'%s.%s' is already connected to '%s.%s'", from_process, from_port,
                       to_process, to_port);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
bsl_graph_can_connect (const BslGraph  *graph,
                       const char      *from_process,
                       const char      *from_port,
                       const char      *to_process,
                       const char      *to_port,
                       GError         **error)
{
  return check_ports (graph, from_process, from_port, to_process, to_port, TRUE, error);
}

gboolean
_bsl_graph_check_connections (const BslGraph  *graph,
                              GError         **error)
{
  for (guint i = 0; i < graph->connections->len; i++)
    {
      const BslConnection *c = g_ptr_array_index (graph->connections, i);
      if (!check_ports (graph, c->from_process, c->from_port, c->to_process, c->to_port, FALSE,
                        error))
        return FALSE;
    }
  return TRUE;
}

BslConnection *
bsl_graph_connect_ports (BslGraph    *graph,
                         const char  *from_process,
                         const char  *from_port,
                         const char  *to_process,
                         const char  *to_port,
                         GError     **error)
{
  BslConnection *c;

  if (!bsl_graph_can_connect (graph, from_process, from_port, to_process, to_port, error))
    return NULL;
  c = bsl_connection_new (from_process, from_port, to_process, to_port);
  g_ptr_array_add (graph->connections, c);
  return c;
}

BslConnection *
bsl_graph_connect (BslGraph    *graph,
                   const char  *from,
                   const char  *to,
                   GError     **error)
{
  g_autofree char *from_process = NULL, *from_port = NULL, *to_process = NULL, *to_port = NULL;

  if (!split_endpoint (from, &from_process, &from_port, error) ||
      !split_endpoint (to, &to_process, &to_port, error))
    return NULL;
  return bsl_graph_connect_ports (graph, from_process, from_port, to_process, to_port, error);
}

gboolean
bsl_graph_disconnect (BslGraph   *graph,
                      const char *from_process,
                      const char *from_port,
                      const char *to_process,
                      const char *to_port)
{
  for (guint i = 0; i < graph->connections->len; i++)
    {
      const BslConnection *c = g_ptr_array_index (graph->connections, i);
      if (g_str_equal (c->from_process, from_process) && g_str_equal (c->from_port, from_port) &&
          g_str_equal (c->to_process, to_process) && g_str_equal (c->to_port, to_port))
        {
          g_ptr_array_remove_index (graph->connections, i);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
bsl_graph_validate (const BslGraph  *graph,
                    BslTag           tag,
                    GError         **error)
{
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);
      if (!bsl_process_validate (p, bsl_process_resolve_tag (p, tag), error))
        return FALSE;
    }
  return _bsl_graph_check_connections (graph, error);
}
