/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NIR (HDF5) -> Basalt network.
 *
 * The file is read into a flat list of nodes (subgraphs inlined, their Input/Output nodes turned
 * into pass-throughs). Every linear node (Affine, Linear, Scale, Flatten, Delay, plain edges) is
 * then folded into the consumer it feeds, so that each neuron population or Output ends up with
 * one weight matrix (and delays, and a constant bias) per producer: a source or a spiking
 * population. Those become Dense/DelayDense processes. Neurons map onto Lava's LIF as described
 * in docs/interop.md. This file reads the nodes; bsl-nir-params.c checks their sizes and
 * parameters, bsl-nir-fold.c and bsl-nir-lower.c do the rest. */
#include "config.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-hdf5-auto.h"
#include "bsl-nir-hdf5-read.h"
#include "bsl-nir-import.h"
#include "bsl-nir-import-private.h"
#include "bsl-nir-origin.h"
#include "bsl-nir-private.h"

static void
group_info_free (gpointer data)
{
  GroupInfo *g = data;

  g_free (g->name);
  g_free (g);
}

static void
neuron_free (Neuron *nr)
{
  if (nr == NULL)
    return;
  g_free (nr->du);
  g_free (nr->dv);
  g_free (nr->gain);
  g_free (nr->bias);
  g_free (nr->delta);
  g_free (nr->v0);
  g_free (nr);
}

static void
node_free (gpointer data)
{
  Node *node = data;

  g_free (node->path);
  g_free (node->base);
  g_free (node->name);
  g_free (node->type);
  g_clear_pointer (&node->data, g_hash_table_unref);
  g_clear_pointer (&node->inputs, g_ptr_array_unref);
  g_clear_pointer (&node->outputs, g_ptr_array_unref);
  neuron_free (node->neuron);
  _bsl_nir_expr_free (node->expr);
  g_clear_pointer (&node->parts, g_ptr_array_unref);
  g_free (node->dense_w);
  g_free (node->dense_b);
  g_free (node);
}

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_clear_pointer (&e->sub_inputs, g_ptr_array_unref);
  g_clear_pointer (&e->sub_outputs, g_ptr_array_unref);
  g_free (e);
}

/* ------------------------------------------------------------------------------------------ */
/* Node catalogue                                                                             */

typedef struct
{
  const char *type;
  NodeKind    kind;
  const char *required[8];
  const char *optional[4];
} NodeSpec;

static const NodeSpec node_specs[] = {
  { "Input", NODE_SOURCE, { "shape" }, { NULL } },
  { "Output", NODE_SINK, { "shape" }, { NULL } },
  { "Affine", NODE_LINEAR, { "weight", "bias" }, { NULL } },
  { "Linear", NODE_LINEAR, { "weight" }, { NULL } },
  { "Scale", NODE_LINEAR, { "scale" }, { NULL } },
  { "Flatten", NODE_IDENTITY, { "start_dim", "end_dim" }, { "input_type" } },
  { "Delay", NODE_DELAY, { "delay" }, { NULL } },
  { "Threshold", NODE_NEURON, { "threshold" }, { NULL } },
  { "I", NODE_NEURON, { "r" }, { NULL } },
  { "LI", NODE_NEURON, { "tau", "r", "v_leak" }, { NULL } },
  { "IF", NODE_NEURON, { "r", "v_threshold" }, { "v_reset" } },
  { "LIF", NODE_NEURON, { "tau", "r", "v_leak", "v_threshold" }, { "v_reset" } },
  { "CubaLI", NODE_NEURON, { "tau_syn", "tau_mem", "r", "v_leak" }, { "w_in" } },
  { "CubaLIF", NODE_NEURON, { "tau_syn", "tau_mem", "r", "v_leak", "v_threshold" },
    { "v_reset", "w_in" } },
  /* Only with the flatten option: */
  { "Conv1d", NODE_LINEAR, { "weight", "stride", "padding", "dilation", "groups", "input_shape" },
    { "bias" } },
  { "Conv2d", NODE_LINEAR, { "weight", "stride", "padding", "dilation", "groups", "input_shape" },
    { "bias" } },
  { "SumPool2d", NODE_LINEAR, { "kernel_size", "stride", "padding" }, { NULL } },
  { "AvgPool2d", NODE_LINEAR, { "kernel_size", "stride", "padding" }, { NULL } },
};

/* Node types of NIR that Basalt cannot represent. */
static const char *const unsupported_types[] = {
  "Identity", NULL,
};

/* Node types Basalt represents only as dense matrices, when asked to. */
static const char *const conv_types[] = {
  "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", NULL,
};

static const NodeSpec *
find_spec (const char *type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (node_specs); i++)
    if (g_str_equal (node_specs[i].type, type))
      return &node_specs[i];
  return NULL;
}

static gboolean
spec_knows (const NodeSpec *spec, const char *name)
{
  for (int i = 0; i < 8 && spec->required[i] != NULL; i++)
    if (g_str_equal (spec->required[i], name))
      return TRUE;
  for (int i = 0; i < 4 && spec->optional[i] != NULL; i++)
    if (g_str_equal (spec->optional[i], name))
      return TRUE;
  return FALSE;
}

static char *
node_what (Ctx *ctx, const char *path, const char *type)
{
  if (type != NULL)
    return g_strdup_printf ("%s: node '%s' (%s)", ctx->display, path, type);
  return g_strdup_printf ("%s: node '%s'", ctx->display, path);
}

const BslArray *
_bsl_nir_node_array (Node *node, const char *name)
{
  return g_hash_table_lookup (node->data, name);
}

/* A valid Basalt process name for a node path: [A-Za-z_][A-Za-z0-9_]*. */
char *
_bsl_nir_sanitize_name (const char *wanted)
{
  GString *s = g_string_new (NULL);

  for (const char *p = wanted; *p != '\0'; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '_' ? *p : '_');
  if (s->len == 0 || g_ascii_isdigit (s->str[0]))
    g_string_prepend_c (s, 'n');
  return g_string_free (s, FALSE);
}

/* The same, made unique among the processes created so far. */
char *
_bsl_nir_claim_name (Ctx *ctx, const char *wanted)
{
  g_autofree char *base = _bsl_nir_sanitize_name (wanted);
  char *name = g_strdup (base);

  for (int k = 2; g_hash_table_contains (ctx->names, name); k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%d", base, k);
    }
  g_hash_table_add (ctx->names, g_strdup (name));
  return name;
}

static gboolean read_graph (Ctx *ctx, hid_t group, const char *prefix, int depth,
                            GPtrArray *inputs, GPtrArray *outputs, GError **error);

/* The group a subgraph stands for, when Basalt wrote it. */
static GroupInfo *
read_group_mark (Ctx *ctx, hid_t graph, const char *name)
{
  g_auto (BslH5Group) meta = H5I_INVALID_HID;
  GroupInfo *info;

  if (!_bsl_nir_is_group (graph, "metadata"))
    return NULL;
  meta = H5Gopen2 (graph, "metadata", H5P_DEFAULT);
  if (meta < 0 || !_bsl_nir_is_dataset (meta, BSL_NIR_GROUP_MARK))
    return NULL;
  info = g_new0 (GroupInfo, 1);
  info->name = g_strdup (name);
  info->x = _bsl_nir_read_number (meta, "x", 0);
  info->y = _bsl_nir_read_number (meta, "y", 0);
  info->collapsed = _bsl_nir_read_number (meta, "collapsed", 0) != 0;
  return info;
}

/* A nested NIRGraph: its nodes join the flat list, its Input and Output nodes become the ports
 * of the entry. */
static Entry *
read_subgraph (Ctx *ctx, hid_t group, const char *name, const char *path, const char *type,
               int depth, GError **error)
{
  g_autofree char *sub_prefix = g_strconcat (path, "/", NULL);
  char *outer_prefix = ctx->name_prefix;
  GroupInfo *info = read_group_mark (ctx, group, name);
  JsonObject *outer_origin = ctx->origin;
  Entry *entry;

  /* Inside a Basalt group, nodes keep their own names; in any other subgraph the
   * subgraph's name goes in front. */
  ctx->name_prefix = info != NULL ? g_strdup (outer_prefix)
                                  : g_strconcat (outer_prefix, name, "/", NULL);
  entry = g_new0 (Entry, 1);
  entry->sub_inputs = g_ptr_array_new ();
  entry->sub_outputs = g_ptr_array_new ();
  if (info != NULL)
    info->first = ctx->nodes->len;
  ctx->origin = _bsl_nir_origin_add_node (outer_origin, name, type);
  if (!read_graph (ctx, group, sub_prefix, depth + 1, entry->sub_inputs, entry->sub_outputs,
                   error))
    g_clear_pointer (&entry, entry_free);
  ctx->origin = outer_origin;
  if (info != NULL)
    {
      info->last = ctx->nodes->len;
      g_ptr_array_add (ctx->groups, info);
    }
  g_free (ctx->name_prefix);
  ctx->name_prefix = outer_prefix;
  return entry;
}

/* Refuses the node types Basalt cannot represent, and those it represents only flattened when
 * flattening was not asked for. */
static gboolean
check_type_supported (Ctx *ctx, const char *path, const char *type, GError **error)
{
  for (int i = 0; unsupported_types[i] != NULL; i++)
    if (g_str_equal (type, unsupported_types[i]))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                     "%s: node '%s' is a %s, which Basalt cannot represent "
                     "(only neuron populations and dense connections)",
                     ctx->display, path, type);
        return FALSE;
      }
  if (!ctx->flatten && g_strv_contains (conv_types, type))
    {
      /* The caller says how to ask for flattening: a command-line option, a button. */
      g_set_error (error, BSL_ERROR, BSL_ERROR_NEEDS_FLATTENING,
                   "%s: node '%s' is a %s, which Basalt imports only flattened into dense weights",
                   ctx->display, path, type);
      return FALSE;
    }
  return TRUE;
}

/* The datasets of a node group into node->data (and the origin record). */
static gboolean
read_datasets (Ctx *ctx, hid_t group, Node *node, const NodeSpec *spec, JsonObject *origin,
               const char *what, GError **error)
{
  g_autoptr (GPtrArray) links = NULL;

  for (int i = 0; i < 8 && spec->required[i] != NULL; i++)
    if (!_bsl_nir_is_dataset (group, spec->required[i]))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: required dataset '%s' is missing",
                     what, spec->required[i]);
        return FALSE;
      }
  links = _bsl_nir_list_links (group);
  if (links == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s cannot be listed", what);
      return FALSE;
    }
  for (guint i = 0; i < links->len; i++)
    {
      const char *ds = links->pdata[i];
      g_autofree char *ds_what = NULL;
      BslArray *array;

      if (g_str_equal (ds, "type") || g_str_equal (ds, "metadata"))
        continue;
      if (!spec_knows (spec, ds))
        {
          note (ctx, "node '%s' (%s): dataset '%s' is not part of NIR and was ignored",
                node->path, node->type, ds);
          continue;
        }
      if (!_bsl_nir_is_dataset (group, ds))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: '%s' is not a dataset", what, ds);
          return FALSE;
        }
      ds_what = g_strdup_printf ("%s: dataset '%s'", what, ds);
      array = _bsl_nir_read_array (group, ds, ds_what, error);
      if (array == NULL)
        return FALSE;
      _bsl_nir_origin_add_dataset (origin, ds, array, _bsl_nir_stored_type (group, ds));
      g_hash_table_insert (node->data, g_strdup (ds), array);
    }
  return TRUE;
}

/* Reads one node group; subgraphs recurse and come back as an Entry with port lists. */
static Entry *
read_node (Ctx *ctx, hid_t parent, const char *name, const char *prefix, int depth, GError **error)
{
  g_autofree char *path = g_strconcat (prefix, name, NULL);
  g_autofree char *what = node_what (ctx, path, NULL);
  g_autofree char *type = NULL;
  g_autofree char *type_what = NULL;
  g_auto (BslH5Group) group = H5I_INVALID_HID;
  const NodeSpec *spec;
  Entry *entry;
  JsonObject *origin;
  Node *node;

  if (!_bsl_nir_is_group (parent, name))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s is not a group", what);
      return NULL;
    }
  group = H5Gopen2 (parent, name, H5P_DEFAULT);
  if (group < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s cannot be opened", what);
      return NULL;
    }
  if (!_bsl_nir_is_dataset (group, "type"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s has no 'type' dataset", what);
      return NULL;
    }
  type_what = g_strdup_printf ("%s: 'type'", what);
  type = _bsl_nir_read_string (group, "type", type_what, error);
  if (type == NULL)
    return NULL;
  if (g_str_equal (type, "NIRGraph"))
    return read_subgraph (ctx, group, name, path, type, depth, error);
  if (!check_type_supported (ctx, path, type, error))
    return NULL;
  spec = find_spec (type);
  if (spec == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE,
                   "%s: node '%s' has unknown type '%s'", ctx->display, path, type);
      return NULL;
    }

  g_free (what);
  what = node_what (ctx, path, type);
  node = g_new0 (Node, 1);
  node->path = g_strdup (path);
  node->base = g_strconcat (ctx->name_prefix, name, NULL);
  node->type = g_strdup (type);
  node->kind = spec->kind;
  if (depth > 0 && (node->kind == NODE_SOURCE || node->kind == NODE_SINK))
    node->kind = NODE_IDENTITY;
  node->data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) bsl_array_free);
  node->inputs = g_ptr_array_new ();
  node->outputs = g_ptr_array_new ();
  g_ptr_array_add (ctx->nodes, node);
  entry = g_new0 (Entry, 1);
  entry->node = node;
  origin = _bsl_nir_origin_add_node (ctx->origin, name, type);
  if (!read_datasets (ctx, group, node, spec, origin, what, error))
    g_clear_pointer (&entry, entry_free);
  return entry;
}

/* Resolves an edge end: a node of this graph, a subgraph (its single port), or "G.port". */
static Node *
resolve_end (Ctx *ctx, GHashTable *entries, const char *name, gboolean as_source,
             const char *graph_path, guint edge, GError **error)
{
  Entry *entry = g_hash_table_lookup (entries, name);
  GPtrArray *ports;

  if (entry == NULL)
    {
      const char *dot = strrchr (name, '.');
      if (dot != NULL)
        {
          g_autofree char *head = g_strndup (name, dot - name);
          Entry *sub = g_hash_table_lookup (entries, head);
          if (sub != NULL && sub->node == NULL)
            {
              ports = as_source ? sub->sub_outputs : sub->sub_inputs;
              for (guint i = 0; i < ports->len; i++)
                {
                  Node *p = ports->pdata[i];
                  const char *base = strrchr (p->path, '/');
                  if (g_str_equal (base != NULL ? base + 1 : p->path, dot + 1))
                    return p;
                }
            }
        }
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: edge %u of graph '%s' (%s end) names '%s', which is not a node "
                   "of that graph (dangling edge)", ctx->display, edge,
                   graph_path[0] ? graph_path : "/", as_source ? "source" : "target", name);
      return NULL;
    }
  if (entry->node != NULL)
    return entry->node;
  ports = as_source ? entry->sub_outputs : entry->sub_inputs;
  if (ports->len != 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: edge %u of graph '%s' connects to subgraph '%s', which has %u %s "
                   "nodes: name one as '%s.<port>'", ctx->display, edge,
                   graph_path[0] ? graph_path : "/", name, ports->len,
                   as_source ? "Output" : "Input", name);
      return NULL;
    }
  return ports->pdata[0];
}

/* The nodes of a graph group into entries (by name) and the flat list. */
static gboolean
read_nodes (Ctx *ctx, hid_t group, const char *prefix, int depth, GHashTable *entries,
            GPtrArray *inputs, GPtrArray *outputs, const char *gwhat, GError **error)
{
  g_auto (BslH5Group) nodes = H5Gopen2 (group, "nodes", H5P_DEFAULT);
  g_autoptr (GPtrArray) links = nodes >= 0 ? _bsl_nir_list_links (nodes) : NULL;

  if (links == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: 'nodes' cannot be read", gwhat);
      return FALSE;
    }
  for (guint i = 0; i < links->len; i++)
    {
      const char *name = links->pdata[i];
      Entry *entry = read_node (ctx, nodes, name, prefix, depth, error);
      if (entry == NULL)
        return FALSE;
      if (entry->node != NULL && g_str_equal (entry->node->type, "Input"))
        g_ptr_array_add (inputs, entry->node);
      if (entry->node != NULL && g_str_equal (entry->node->type, "Output"))
        g_ptr_array_add (outputs, entry->node);
      g_hash_table_insert (entries, g_strdup (name), entry);
    }
  return TRUE;
}

/* edges: (E, 2) strings; an empty list may come back from h5py as a (0,) float dataset. */
static gboolean
read_edges (hid_t group, const char *gwhat, char ***edges, gsize *n_edges, GError **error)
{
  g_auto (BslH5Dataset) dset = H5Dopen2 (group, "edges", H5P_DEFAULT);
  g_auto (BslH5Dataspace) space = H5I_INVALID_HID;
  g_auto (BslH5Datatype) ftype = H5I_INVALID_HID;
  g_autofree char *ewhat = NULL;
  hsize_t dims[H5S_MAX_RANK] = { 0 };
  hssize_t npts;
  int rank;
  gsize n = 0;

  if (dset < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: 'edges' cannot be opened", gwhat);
      return FALSE;
    }
  space = H5Dget_space (dset);
  ftype = H5Dget_type (dset);
  npts = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  if (rank > 0 && rank <= H5S_MAX_RANK)
    H5Sget_simple_extent_dims (space, dims, NULL);
  *n_edges = 0;
  if (npts == 0)
    return TRUE;
  if (ftype < 0 || H5Tget_class (ftype) != H5T_STRING)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: 'edges' must hold strings (pairs of node names)", gwhat);
      return FALSE;
    }
  if (rank != 2 || dims[1] != 2)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: 'edges' must have shape (E, 2), not %d-dimensional%s", gwhat, rank,
                   rank == 2 ? " with a second dimension other than 2" : "");
      return FALSE;
    }
  ewhat = g_strdup_printf ("%s: 'edges'", gwhat);
  *edges = _bsl_nir_read_strings (dset, &n, error, ewhat);
  if (*edges == NULL)
    return FALSE;
  *n_edges = n / 2;
  return TRUE;
}

static gboolean
read_graph (Ctx *ctx, hid_t group, const char *prefix, int depth,
            GPtrArray *inputs, GPtrArray *outputs, GError **error)
{
  g_autoptr (GHashTable) entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          entry_free);
  g_autofree char *graph_path = g_strndup (prefix, strlen (prefix) ? strlen (prefix) - 1 : 0);
  g_autofree char *gwhat = g_strdup_printf ("%s: graph '%s'", ctx->display,
                                            graph_path[0] ? graph_path : "/");
  g_auto (GStrv) edges = NULL;
  gsize n_edges = 0;

  if (!_bsl_nir_is_group (group, "nodes"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s has no 'nodes' group", gwhat);
      return FALSE;
    }
  if (!_bsl_nir_is_dataset (group, "edges"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s has no 'edges' dataset", gwhat);
      return FALSE;
    }
  if (!read_nodes (ctx, group, prefix, depth, entries, inputs, outputs, gwhat, error)
      || !read_edges (group, gwhat, &edges, &n_edges, error))
    return FALSE;
  _bsl_nir_origin_set_edges (ctx->origin, edges, n_edges);

  for (gsize e = 0; e < n_edges; e++)
    {
      Node *src = resolve_end (ctx, entries, edges[2 * e], TRUE, graph_path, e, error);
      Node *dst = src ? resolve_end (ctx, entries, edges[2 * e + 1], FALSE, graph_path, e,
                                     error) : NULL;
      if (dst == NULL)
        return FALSE;
      g_ptr_array_add (src->outputs, dst);
      g_ptr_array_add (dst->inputs, src);
    }
  return TRUE;
}

/* The canvas positions Basalt stored for the nodes. */
static void
read_layout (Ctx *ctx, hid_t meta)
{
  g_auto (BslH5Group) lay = H5Gopen2 (meta, BSL_NIR_LAYOUT_GROUP, H5P_DEFAULT);
  g_autoptr (GPtrArray) names = lay >= 0 ? _bsl_nir_list_links (lay) : NULL;

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BslArray) xy = NULL;
      if (!_bsl_nir_is_dataset (lay, names->pdata[i]))
        continue;
      xy = _bsl_nir_read_array (lay, names->pdata[i], "layout", &error);
      if (xy != NULL && xy->n == 2)
        {
          double *v = g_new (double, 2);
          v[0] = xy->data[0];
          v[1] = xy->data[1];
          g_hash_table_insert (ctx->layout, g_strdup (names->pdata[i]), v);
        }
    }
}

static void
read_metadata (Ctx *ctx, hid_t node_group)
{
  g_auto (BslH5Group) meta = H5I_INVALID_HID;

  if (!_bsl_nir_is_group (node_group, "metadata"))
    return;
  meta = H5Gopen2 (node_group, "metadata", H5P_DEFAULT);
  if (meta < 0)
    return;
  if (ctx->dt <= 0 && _bsl_nir_is_dataset (meta, "dt"))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BslArray) dt = _bsl_nir_read_array (meta, "dt", "metadata 'dt'", &error);
      if (dt != NULL && dt->n == 1 && dt->data[0] > 0)
        ctx->dt = dt->data[0];
      else
        note (ctx, "metadata 'dt' is not a positive number and was ignored");
    }
  if (_bsl_nir_is_group (meta, BSL_NIR_LAYOUT_GROUP))
    read_layout (ctx, meta);
}

/* Opens the file and its top-level graph "/node", which must be a NIRGraph. */
static gboolean
open_top_graph (Ctx *ctx, BslH5File *file, BslH5Group *root, GError **error)
{
  g_autofree char *what = NULL;
  g_autofree char *type = NULL;

  if (!bsl_check_regular_file (ctx->path, error))
    return FALSE;
  if (H5Fis_hdf5 (ctx->path) <= 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: not an HDF5 file (a NIR file is HDF5; truncated or wrong format?)",
                   ctx->display);
      return FALSE;
    }
  *file = H5Fopen (ctx->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (*file < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: the HDF5 file cannot be opened (truncated or corrupt?)", ctx->display);
      return FALSE;
    }
  if (!_bsl_nir_is_group (*file, "node"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: no group '/node': not a NIR graph file", ctx->display);
      return FALSE;
    }
  *root = H5Gopen2 (*file, "node", H5P_DEFAULT);
  if (!_bsl_nir_is_dataset (*root, "type"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: '/node' has no 'type' dataset",
                   ctx->display);
      return FALSE;
    }
  what = g_strdup_printf ("%s: '/node/type'", ctx->display);
  type = _bsl_nir_read_string (*root, "type", what, error);
  if (type == NULL)
    return FALSE;
  if (!g_str_equal (type, "NIRGraph"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: the top-level node is a %s; a NIR file holds a NIRGraph",
                   ctx->display, type);
      return FALSE;
    }
  return TRUE;
}

static void
ctx_clear (Ctx *ctx)
{
  g_free (ctx->display);
  g_clear_pointer (&ctx->nodes, g_ptr_array_unref);
  g_clear_pointer (&ctx->names, g_hash_table_unref);
  g_clear_pointer (&ctx->layout, g_hash_table_unref);
  g_clear_pointer (&ctx->groups, g_ptr_array_unref);
  g_free (ctx->name_prefix);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ctx, ctx_clear)

BslGraph *
bsl_nir_import_file (const char                *path,
                     const BslNirImportOptions *options,
                     GPtrArray                 *notes,
                     GError                   **error)
{
  g_autoptr (GPtrArray) inputs = g_ptr_array_new ();
  g_autoptr (GPtrArray) outputs = g_ptr_array_new ();
  g_autoptr (JsonObject) origin = _bsl_nir_origin_graph_new ();
  g_auto (Ctx) ctx = { 0 };
  g_auto (BslH5File) file = H5I_INVALID_HID;
  g_auto (BslH5Group) root = H5I_INVALID_HID;
  g_autoptr (BslGraph) graph = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  if (options != NULL && !isfinite (options->dt))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "the step dt must be a finite number of "
                   "seconds, not %g", options->dt);
      return NULL;
    }

  ctx.path = path;
  ctx.display = g_path_get_basename (path);
  ctx.dt = options != NULL ? options->dt : 0.0;
  ctx.nodes = g_ptr_array_new_with_free_func (node_free);
  ctx.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.notes = notes;
  ctx.layout = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.flatten = options != NULL && options->flatten_conv;
  ctx.name_prefix = g_strdup ("");
  ctx.groups = g_ptr_array_new_with_free_func (group_info_free);
  ctx.origin = origin;

  /* HDF5 prints its own error stacks by default; Basalt reports through GError instead. */
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);

  if (!open_top_graph (&ctx, &file, &root, error))
    return NULL;
  read_metadata (&ctx, root);
  if (ctx.dt <= 0)
    ctx.dt = BSL_NIR_DEFAULT_DT;
  if (!read_graph (&ctx, root, "", 0, inputs, outputs, error) || !_bsl_nir_check_nodes (&ctx, error))
    return NULL;
  graph = _bsl_nir_lower (&ctx, error);
  if (graph == NULL)
    return NULL;
  /* A file Basalt wrote for designer groups comes back as those groups, not as NIR subgraphs. */
  if (ctx.groups->len == 0)
    {
      _bsl_nir_origin_attach (graph, g_steal_pointer (&origin), ctx.dt);
      note (&ctx, "the NIR graph is kept with the network: exported to NIR unchanged, it "
            "is written back with its node types, names, nesting and edges");
    }
  return g_steal_pointer (&graph);
}
