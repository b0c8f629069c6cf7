/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-interop-output.h"
#include "bsl-model.h"
#include "bsl-random-sparse-lower.h"
#include "bsl-random-synapses.h"

#define MAX_MATRIX_ELEMENTS ((gsize) 1 << 26)

static double
param_or_default (const BslProcess *process, const char *name)
{
  const BslArray *value = bsl_process_get_param (process, name);

  if (value != NULL)
    return bsl_array_get (value, 0);
  return bsl_proc_type_find_var (process->type, name)->default_value;
}

BslArray *
bsl_random_sparse_expand (const BslProcess  *process,
                          GError           **error)
{
  gsize n_out, n_in;
  double p, weight;
  guint64 seed;
  BslArray *weights;

  g_return_val_if_fail (process != NULL, NULL);
  g_return_val_if_fail (process->type == &bsl_proc_type_random_sparse, NULL);

  n_out = process->dims[0];
  n_in = process->dims[1];
  if (n_out * n_in > MAX_MATRIX_ELEMENTS)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "process '%s' (RandomSparse): its weight matrix (%" G_GSIZE_FORMAT ", %"
                   G_GSIZE_FORMAT ") would have more than %" G_GSIZE_FORMAT " elements",
                   process->name, n_out, n_in, MAX_MATRIX_ELEMENTS);
      return NULL;
    }
  p = param_or_default (process, "p");
  weight = param_or_default (process, "weight");
  seed = (guint64) param_or_default (process, "seed");

  weights = bsl_array_new_matrix (n_out, n_in);
  for (gsize j = 0; j < n_in; j++)
    {
      BslSynapseDraw draw;
      gsize row;

      bsl_synapse_draw_column (&draw, seed, j, n_out, p);
      while (bsl_synapse_draw_next (&draw, &row))
        weights->data[row * n_in + j] = weight;
    }
  return weights;
}

static gboolean
has_random_sparse (const BslGraph *graph)
{
  for (guint i = 0; i < graph->processes->len; i++)
    if (((BslProcess *) g_ptr_array_index (graph->processes, i))->type == &bsl_proc_type_random_sparse)
      return TRUE;
  return FALSE;
}

/* The Vars both types have keep their values; weight, p and seed become the matrix. */
static gboolean
become_sparse (BslProcess *process, const char *export_name, GError **error)
{
  static const char *const kept[] = { "weight_exp", "num_weight_bits", "num_message_bits" };
  g_autoptr (GError) local_error = NULL;
  g_autoptr (BslArray) weights = bsl_random_sparse_expand (process, &local_error);
  g_autoptr (GHashTable) params = NULL;

  if (weights == NULL)
    {
      g_set_error (error, BSL_ERROR, local_error->code, "%s writes weight matrices whole: %s",
                   export_name, local_error->message);
      return FALSE;
    }
  params = g_steal_pointer (&process->params);
  process->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) bsl_array_free);
  process->type = &bsl_proc_type_sparse;
  for (guint k = 0; k < G_N_ELEMENTS (kept); k++)
    {
      const BslArray *value = g_hash_table_lookup (params, kept[k]);
      if (value != NULL && !bsl_process_set_param (process, kept[k], bsl_array_copy (value), error))
        return FALSE;
    }
  return bsl_process_set_param (process, "weights", g_steal_pointer (&weights), error);
}

BslGraph *
bsl_graph_lower_random_sparse (const BslGraph  *graph,
                               const char      *export_name,
                               GPtrArray       *notes,
                               GError         **error)
{
  g_autoptr (BslGraph) copy = NULL;

  g_return_val_if_fail (graph != NULL && export_name != NULL, NULL);

  if (!has_random_sparse (graph))
    return bsl_graph_ref ((BslGraph *) graph);
  copy = bsl_graph_copy (graph);
  for (guint i = 0; i < copy->processes->len; i++)
    {
      BslProcess *process = g_ptr_array_index (copy->processes, i);

      if (process->type != &bsl_proc_type_random_sparse)
        continue;
      if (!become_sparse (process, export_name, error))
        return NULL;
      _bsl_interop_note (notes, "process '%s' (RandomSparse) is written as a Sparse with the "
                         "synapses its seed draws", process->name);
    }
  return g_steal_pointer (&copy);
}
