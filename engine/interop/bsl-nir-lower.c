/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lowering: neuron nodes become LIF populations (split into parts that share du, dv and the
 * threshold), sources and sinks become RingBuffers and Monitors, and each folded expression
 * becomes Dense/DelayDense processes from its producers; then the canvas layout. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-nir.h"
#include "bsl-nir-import-private.h"
#include "bsl-nir-private.h"

static void
part_free (gpointer data)
{
  Part *p = data;

  g_free (p->name);
  g_free (p->index);
  g_free (p->k);
  g_free (p);
}

/* Splits a neuron node into parts with one du, dv and threshold each. Within a part a positive
 * per-neuron scale k of v makes differing thresholds (v_threshold - v_reset) common. */
static void
make_parts (Ctx *ctx, Node *node)
{
  Neuron *nr = node->neuron;
  gsize n = node->n_out;
  gboolean all_pos = TRUE;
  g_autofree int *part_of = g_new (int, n);
  g_autoptr (GArray) leaders = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (gsize i = 0; i < n; i++)
    if (nr->spiking && !(nr->delta[i] > 0))
      all_pos = FALSE;
  for (gsize i = 0; i < n; i++)
    {
      part_of[i] = -1;
      for (guint p = 0; p < leaders->len; p++)
        {
          gsize l = g_array_index (leaders, gsize, p);
          if (nr->du[l] == nr->du[i] && nr->dv[l] == nr->dv[i]
              && (all_pos || !nr->spiking || nr->delta[l] == nr->delta[i]))
            {
              part_of[i] = p;
              break;
            }
        }
      if (part_of[i] < 0)
        {
          part_of[i] = leaders->len;
          g_array_append_val (leaders, i);
        }
    }
  node->parts = g_ptr_array_new_with_free_func (part_free);
  for (guint p = 0; p < leaders->len; p++)
    {
      gsize l = g_array_index (leaders, gsize, p);
      Part *part = g_new0 (Part, 1);
      g_autofree char *wanted = NULL;

      for (gsize i = 0; i < n; i++)
        if (part_of[i] == (int) p)
          part->n++;
      part->index = g_new (gsize, part->n);
      part->k = g_new (double, part->n);
      part->du = nr->du[l];
      part->dv = nr->dv[l];
      part->vth = nr->spiking ? nr->delta[l] : BSL_NIR_NONSPIKING_VTH;
      for (gsize i = 0, j = 0; i < n; i++)
        if (part_of[i] == (int) p)
          {
            part->index[j] = i;
            part->k[j] = nr->spiking && nr->delta[i] != part->vth ? part->vth / nr->delta[i] : 1.0;
            j++;
          }
      wanted = leaders->len == 1 ? g_strdup (node->name)
                                 : g_strdup_printf ("%s_%u", node->name, p);
      part->name = leaders->len == 1 ? g_strdup (node->name) : _bsl_nir_claim_name (ctx, wanted);
      g_ptr_array_add (node->parts, part);
    }
  if (leaders->len > 1)
    note (ctx, "node '%s' (%s): its %" G_GSIZE_FORMAT " neurons have %u different time "
          "constants%s; it became %u LIF populations '%s_0' ... (Lava's du, dv and vth are "
          "shared by a population)", node->path, node->type, n, leaders->len,
          all_pos ? "" : " or thresholds", leaders->len, node->name);
}

/* Sources and sinks: one part covering every element. */
static void
make_single_part (Node *node)
{
  Part *part = g_new0 (Part, 1);

  part->name = g_strdup (node->name);
  part->n = node->n_out;
  part->index = g_new (gsize, part->n);
  part->k = g_new (double, part->n);
  for (gsize i = 0; i < part->n; i++)
    {
      part->index[i] = i;
      part->k[i] = 1.0;
    }
  node->parts = g_ptr_array_new_with_free_func (part_free);
  g_ptr_array_add (node->parts, part);
}

/* An Output that shows one population as it is gets one Monitor per part of that population,
 * wired straight to its spikes; anything else is one Monitor behind Dense connections. */
static gboolean
make_sink_parts (Ctx *ctx, Node *node, GError **error)
{
  Expr *in = _bsl_nir_fold_input (ctx, node, error);
  Term *t;
  Node *prod;
  gboolean mirror;

  if (in == NULL)
    return FALSE;
  t = in->terms->len == 1 ? in->terms->pdata[0] : NULL;
  prod = t != NULL ? t->prod : NULL;
  mirror = t != NULL && in->bias == NULL && t->delay == NULL && prod->n_out == node->n_in
           && prod->parts != NULL && prod->parts->len > 1;
  for (gsize r = 0; mirror && r < node->n_in; r++)
    for (gsize c = 0; mirror && c < prod->n_out; c++)
      if (t->w[r * prod->n_out + c] != (r == c ? 1.0 : 0.0))
        mirror = FALSE;
  if (!mirror)
    {
      _bsl_nir_expr_free (in);
      make_single_part (node);
      return TRUE;
    }
  node->parts = g_ptr_array_new_with_free_func (part_free);
  for (guint p = 0; p < prod->parts->len; p++)
    {
      Part *src = prod->parts->pdata[p];
      Part *part = g_new0 (Part, 1);
      g_autofree char *wanted = g_strdup_printf ("%s_%u", node->name, p);
      part->name = _bsl_nir_claim_name (ctx, wanted);
      part->n = src->n;
      part->index = g_memdup2 (src->index, src->n * sizeof (gsize));
      part->k = g_new (double, src->n);
      for (gsize i = 0; i < src->n; i++)
        part->k[i] = 1.0;
      g_ptr_array_add (node->parts, part);
    }
  _bsl_nir_expr_free (in);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Building the Basalt graph                                                                  */

static void
array_set (BslProcess *p, const char *name, BslArray *value)
{
  g_autoptr (GError) error = NULL;

  if (!bsl_process_set_param (p, name, value, &error))
    g_warning ("NIR import: %s.%s: %s", p->name, name, error->message);
}

static BslArray *
vector_or_scalar (const double *v, gsize n)
{
  for (gsize i = 1; i < n; i++)
    if (v[i] != v[0])
      return bsl_array_new_vector (n, v);
  return bsl_array_new_scalar (n > 0 ? v[0] : 0.0);
}

static gboolean
emit_neuron_part (Ctx *ctx, BslGraph *graph, Node *node, Part *part, GError **error)
{
  gsize dims[1] = { part->n };
  BslProcess *p = bsl_graph_add_process (graph, "LIF", part->name, 1, dims, error);

  if (p == NULL)
    return FALSE;
  array_set (p, "du", bsl_array_new_scalar (part->du));
  array_set (p, "dv", bsl_array_new_scalar (part->dv));
  array_set (p, "vth", bsl_array_new_scalar (part->vth));
  {
    g_autofree double *v0 = g_new (double, part->n);
    gboolean any = FALSE;
    for (gsize r = 0; r < part->n; r++)
      {
        v0[r] = part->k[r] * node->neuron->v0[part->index[r]];
        any = any || v0[r] != 0;
      }
    if (any)
      array_set (p, "v", vector_or_scalar (v0, part->n));
  }
  return TRUE;
}

static gboolean
emit_source (Ctx *ctx, BslGraph *graph, Node *node, GError **error)
{
  gsize dims[2] = { node->n_out, 1 };
  BslProcess *p = bsl_graph_add_process (graph, "RingBuffer", node->name, 1, dims, error);

  if (p == NULL)
    return FALSE;
  array_set (p, "data", bsl_array_new (2, dims));
  note (ctx, "Input '%s' became RingBuffer '%s' with all-zero data: set its data to drive the "
        "network", node->path, node->name);
  return TRUE;
}

static gboolean
connect (BslGraph *graph, const char *from, const char *from_port, const char *to,
         const char *to_port, GError **error)
{
  return bsl_graph_connect_ports (graph, from, from_port, to, to_port, error) != NULL;
}

/* One connection process (or a direct wire) from a producer part into a consumer part. */
static gboolean
emit_synapse (Ctx *ctx, BslGraph *graph, Node *consumer, Part *cpart, const double *row_scale,
              Term *term, Part *ppart, GError **error)
{
  Node *prod = term->prod;
  gsize np = prod->n_out;
  gsize rows = cpart->n, cols = ppart->n;
  g_autoptr (BslArray) w = bsl_array_new_matrix (rows, cols);
  g_autoptr (BslArray) delays = NULL;
  gboolean any = FALSE, identity = rows == cols, delayed = FALSE;
  g_autofree char *wanted = NULL;
  g_autofree char *name = NULL;
  const char *from_port = "s_out";
  BslProcess *p;

  for (gsize r = 0; r < rows; r++)
    for (gsize c = 0; c < cols; c++)
      {
        gsize q = cpart->index[r] * np + ppart->index[c];
        double x = term->w[q] * row_scale[r];
        w->data[r * cols + c] = x;
        if (x != 0)
          any = TRUE;
        if (x != (r == c ? 1.0 : 0.0))
          identity = FALSE;
        if (term->delay != NULL && term->delay[q] != 0 && x != 0)
          delayed = TRUE;
      }
  if (!any)
    return TRUE;
  /* A plain edge from an Input or to an Output is a direct wire; any weight node (Linear,
   * Affine, Scale, even one holding the identity) is a connection process, which takes one step
   * as every Basalt connection does. The timing follows the graph, not the weights' values. */
  if (term->via == NULL && identity && !delayed
      && (prod->kind == NODE_SOURCE || consumer->kind == NODE_SINK))
    return connect (graph, ppart->name, from_port, cpart->name, "a_in", error);

  if (term->via != NULL && consumer->parts->len == 1 && prod->parts->len == 1)
    wanted = g_strdup (term->via);
  else
    wanted = g_strdup_printf ("%s_to_%s", ppart->name, cpart->name);
  name = _bsl_nir_claim_name (ctx, wanted);
  {
    gsize dims[2] = { rows, cols };
    p = bsl_graph_add_process (graph, delayed ? "DelayDense" : "Dense", name, 2, dims, error);
  }
  if (p == NULL)
    return FALSE;
  array_set (p, "weights", g_steal_pointer (&w));
  if (delayed)
    {
      delays = bsl_array_new_matrix (rows, cols);
      for (gsize r = 0; r < rows; r++)
        for (gsize c = 0; c < cols; c++)
          delays->data[r * cols + c] = term->delay[cpart->index[r] * np + ppart->index[c]];
      array_set (p, "delays", g_steal_pointer (&delays));
    }
  /* An Input carries values, not spikes: Lava's Dense only multiplies graded messages. */
  if (prod->kind == NODE_SOURCE)
    array_set (p, "num_message_bits", bsl_array_new_scalar (24));
  return connect (graph, ppart->name, from_port, name, "s_in", error)
         && connect (graph, name, "a_out", cpart->name, "a_in", error);
}

static gboolean
emit_consumer (Ctx *ctx, BslGraph *graph, Node *node, GError **error)
{
  Expr *in = _bsl_nir_fold_input (ctx, node, error);
  gboolean ok = TRUE;

  if (in == NULL)
    return FALSE;
  for (guint pi = 0; ok && pi < node->parts->len; pi++)
    {
      Part *cpart = node->parts->pdata[pi];
      g_autofree double *scale = g_new (double, cpart->n);

      for (gsize r = 0; r < cpart->n; r++)
        scale[r] = node->kind == NODE_NEURON
                   ? cpart->k[r] * node->neuron->gain[cpart->index[r]] : 1.0;
      for (guint ti = 0; ok && ti < in->terms->len; ti++)
        {
          Term *term = in->terms->pdata[ti];
          if (term->prod->kind == NODE_NEURON && !term->prod->neuron->spiking)
            {
              if (node->kind != NODE_SINK)
                {
                  g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                               "%s: node '%s' (%s) passes its membrane voltage on to '%s' (%s); "
                               "Basalt's connections carry spikes",
                               ctx->display, term->prod->path, term->prod->type, node->path,
                               node->type);
                  ok = FALSE;
                  break;
                }
              if (pi == 0)
                note (ctx, "Output '%s' reads the membrane voltage of '%s' (%s), which never "
                      "spikes in Basalt: probe %s.v to see it", node->path, term->prod->path,
                      term->prod->type, term->prod->name);
            }
          for (guint pp = 0; ok && pp < term->prod->parts->len; pp++)
            ok = emit_synapse (ctx, graph, node, cpart, scale, term, term->prod->parts->pdata[pp],
                               error);
        }
    }

  /* Constant input (Affine biases): into v for neurons without a synaptic filter, else a
   * CurrentSource feeding a_in, which the synaptic current then filters exactly as NIR does. */
  if (ok && in->bias != NULL && node->kind == NODE_SINK)
    note (ctx, "Output '%s': the bias of '%s' that reaches it was dropped (a Monitor has no bias)",
          node->path, in->bias_via ? in->bias_via : "?");
  for (guint pi = 0; ok && node->kind == NODE_NEURON && pi < node->parts->len; pi++)
    {
      Part *part = node->parts->pdata[pi];
      Neuron *nr = node->neuron;
      BslProcess *p = bsl_graph_find_process (graph, part->name);
      g_autofree double *bias = g_new0 (double, part->n);
      g_autofree double *current = g_new0 (double, part->n);
      gboolean any_current = FALSE;

      for (gsize r = 0; r < part->n; r++)
        {
          gsize i = part->index[r];
          double b = in->bias != NULL ? in->bias[i] : 0.0;
          bias[r] = part->k[r] * nr->bias[i];
          if (part->du == 1.0)
            bias[r] += part->k[r] * nr->gain[i] * b;
          else
            {
              current[r] = part->k[r] * nr->gain[i] * b;
              if (current[r] != 0)
                any_current = TRUE;
            }
        }
      array_set (p, "bias_mant", vector_or_scalar (bias, part->n));
      if (any_current)
        {
          g_autofree char *wanted = g_strdup_printf ("%s_bias", in->bias_via && node->parts->len == 1
                                                                ? in->bias_via : part->name);
          g_autofree char *name = _bsl_nir_claim_name (ctx, wanted);
          gsize dims[1] = { part->n };
          BslProcess *cs = bsl_graph_add_process (graph, "CurrentSource", name, 1, dims, error);
          if (cs == NULL)
            ok = FALSE;
          else
            {
              array_set (cs, "amplitude", vector_or_scalar (current, part->n));
              array_set (cs, "baseline", vector_or_scalar (current, part->n));
              ok = connect (graph, name, "a_out", part->name, "a_in", error);
            }
        }
    }
  _bsl_nir_expr_free (in);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Layout: columns by distance from the inputs, connections between their two ends.            */

static void
layout (Ctx *ctx, BslGraph *graph)
{
  g_autoptr (GHashTable) level = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) count = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean changed = TRUE;
  guint rounds = 0;

  for (guint i = 0; i < graph->processes->len; i++)
    {
      BslProcess *p = graph->processes->pdata[i];
      if (p->type->category == BSL_CATEGORY_INPUTS)
        g_hash_table_insert (level, p->name, GINT_TO_POINTER (1));
    }
  /* Shortest distance in processes from an input (recurrent edges do not push columns out). */
  while (changed && rounds++ < graph->processes->len + 1)
    {
      changed = FALSE;
      for (guint c = 0; c < graph->connections->len; c++)
        {
          BslConnection *conn = graph->connections->pdata[c];
          int a = GPOINTER_TO_INT (g_hash_table_lookup (level, conn->from_process));
          int b = GPOINTER_TO_INT (g_hash_table_lookup (level, conn->to_process));
          if (a > 0 && (b == 0 || b > a + 1))
            {
              g_hash_table_insert (level, conn->to_process, GINT_TO_POINTER (a + 1));
              changed = TRUE;
            }
        }
    }
  for (guint i = 0; i < graph->processes->len; i++)
    {
      BslProcess *p = graph->processes->pdata[i];
      int col = GPOINTER_TO_INT (g_hash_table_lookup (level, p->name));
      int row;
      if (col == 0)
        col = 1;
      if (p->type->category == BSL_CATEGORY_INPUTS && p->type != bsl_proc_type_lookup ("RingBuffer"))
        col = 1;
      row = GPOINTER_TO_INT (g_hash_table_lookup (count, GINT_TO_POINTER (col)));
      g_hash_table_insert (count, GINT_TO_POINTER (col), GINT_TO_POINTER (row + 1));
      p->has_position = TRUE;
      p->x = 40.0 + 220.0 * (col - 1);
      p->y = 40.0 + 140.0 * row;
    }
  /* Positions stored by Basalt's own export win: they are keyed by process name. */
  for (guint i = 0; i < graph->processes->len; i++)
    {
      BslProcess *p = graph->processes->pdata[i];
      double *xy = g_hash_table_lookup (ctx->layout, p->name);
      if (xy != NULL)
        {
          p->x = xy[0];
          p->y = xy[1];
        }
    }
}

/* Groups Basalt exported come back as the designer's "groups" array, with every process made
 * from one of their nodes as a member. */
static void
restore_groups (Ctx *ctx, BslGraph *graph)
{
  JsonArray *array;

  if (ctx->groups->len == 0)
    return;
  array = json_array_new ();
  for (guint i = 0; i < ctx->groups->len; i++)
    {
      GroupInfo *info = ctx->groups->pdata[i];
      JsonObject *o = json_object_new ();
      JsonArray *members = json_array_new ();
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint k = info->first; k < info->last; k++)
        {
          Node *node = ctx->nodes->pdata[k];
          if (node->parts != NULL)
            for (guint p = 0; p < node->parts->len; p++)
              {
                Part *part = node->parts->pdata[p];
                if (bsl_graph_find_process (graph, part->name) != NULL
                    && g_hash_table_add (seen, part->name))
                  json_array_add_string_element (members, part->name);
              }
          else if (node->kind != NODE_IDENTITY && bsl_graph_find_process (graph, node->name) != NULL
                   && g_hash_table_add (seen, node->name))
            json_array_add_string_element (members, node->name);
        }
      json_object_set_string_member (o, "name", info->name);
      json_object_set_array_member (o, "members", members);
      json_object_set_boolean_member (o, "collapsed", info->collapsed);
      json_object_set_double_member (o, "x", info->x);
      json_object_set_double_member (o, "y", info->y);
      json_array_add_object_element (array, o);
    }
  g_clear_pointer (&graph->groups, json_node_unref);
  graph->groups = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
}

static gboolean
emit_sources (Ctx *ctx, BslGraph *graph, GError **error)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if (node->kind == NODE_SOURCE && !emit_source (ctx, graph, node, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
emit_neurons (Ctx *ctx, BslGraph *graph, GError **error)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if (node->kind == NODE_NEURON && node->alias == NULL)
        for (guint p = 0; p < node->parts->len; p++)
          if (!emit_neuron_part (ctx, graph, node, node->parts->pdata[p], error))
            return FALSE;
    }
  return TRUE;
}

static gboolean
emit_monitors (Ctx *ctx, BslGraph *graph, GError **error)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if (node->kind == NODE_SINK)
        for (guint p = 0; p < node->parts->len; p++)
          {
            Part *part = node->parts->pdata[p];
            gsize dims[1] = { part->n };
            if (bsl_graph_add_process (graph, "Monitor", part->name, 1, dims, error) == NULL)
              return FALSE;
          }
    }
  return TRUE;
}

static gboolean
emit_consumers (Ctx *ctx, BslGraph *graph, GError **error)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if (((node->kind == NODE_NEURON && node->alias == NULL) || node->kind == NODE_SINK)
          && !emit_consumer (ctx, graph, node, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
make_all_parts (Ctx *ctx, GError **error)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if (node->kind == NODE_NEURON && node->alias == NULL)
        make_parts (ctx, node);
      else if (node->kind == NODE_SOURCE)
        make_single_part (node);
    }
  /* Sinks after the producers: they may mirror a producer's parts. */
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if (node->kind == NODE_SINK && !make_sink_parts (ctx, node, error))
        return FALSE;
    }
  return TRUE;
}

BslGraph *
_bsl_nir_lower (Ctx *ctx, GError **error)
{
  g_autoptr (BslGraph) graph = NULL;

  if (!make_all_parts (ctx, error))
    return NULL;
  graph = bsl_graph_new ();
  graph->run_tag = BSL_TAG_FLOATING_PT;
  if (!emit_sources (ctx, graph, error) || !emit_neurons (ctx, graph, error)
      || !emit_monitors (ctx, graph, error) || !emit_consumers (ctx, graph, error))
    return NULL;
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if ((node->kind == NODE_LINEAR || node->kind == NODE_DELAY) && node->outputs->len == 0)
        note (ctx, "node '%s' (%s) feeds nothing and was left out", node->path, node->type);
    }
  layout (ctx, graph);
  restore_groups (ctx, graph);
  return g_steal_pointer (&graph);
}
