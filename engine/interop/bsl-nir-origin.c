/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NIR origin of an imported network: recorded by the importer, checked against the network
 * by the exporter. A process or connection is "unchanged" when its fingerprint (type, shape,
 * model and every parameter's value, bit for bit; input data excluded, since NIR's Input has
 * none) is the one recorded at import. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-graph-private.h"
#include "bsl-json-numbers.h"
#include "bsl-nir-origin.h"

JsonObject *
_bsl_nir_origin_graph_new (void)
{
  JsonObject *graph = json_object_new ();

  json_object_set_string_member (graph, "type", "NIRGraph");
  json_object_set_object_member (graph, "nodes", json_object_new ());
  json_object_set_array_member (graph, "edges", json_array_new ());
  return graph;
}

JsonObject *
_bsl_nir_origin_add_node (JsonObject *graph,
                          const char *name,
                          const char *type)
{
  JsonObject *nodes = json_object_get_object_member (graph, "nodes");
  JsonObject *node;

  if (g_str_equal (type, "NIRGraph"))
    node = _bsl_nir_origin_graph_new ();
  else
    {
      node = json_object_new ();
      json_object_set_string_member (node, "type", type);
      json_object_set_object_member (node, "data", json_object_new ());
    }
  json_object_set_object_member (nodes, name, node);
  return node;
}

/* Values are one string of numbers in their shortest exact form: "1 0.5 -2", or for an array
 * that is mostly zeros its non-zero elements "index:value ..." (row-major), so that a sparse
 * matrix stays small in the .basalt file. */
static char *
values_text (const BslArray *value, gboolean *sparse)
{
  GString *text = g_string_new (NULL);
  gsize nonzero = 0;

  for (gsize i = 0; i < value->n; i++)
    nonzero += value->data[i] != 0;
  *sparse = value->n >= 64 && nonzero < value->n / 4;
  for (gsize i = 0; i < value->n; i++)
    {
      if (*sparse && value->data[i] == 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      if (*sparse)
        g_string_append_printf (text, "%" G_GSIZE_FORMAT ":", i);
      _bsl_json_append_number (text, value->data[i]);
    }
  return g_string_free (text, FALSE);
}

gboolean
_bsl_nir_origin_parse_values (JsonObject *set,
                              gsize       n,
                              double     *out)
{
  gboolean sparse = json_object_has_member (set, "nonzero");
  JsonNode *node = json_object_get_member (set, sparse ? "nonzero" : "values");
  const char *p;
  gsize count = 0;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  p = json_node_get_string (node);
  memset (out, 0, n * sizeof (double));
  while (*p == ' ')
    p++;
  while (*p != '\0')
    {
      char *end;
      guint64 index = count;
      double x;

      if (sparse)
        {
          index = g_ascii_strtoull (p, &end, 10);
          if (end == p || *end != ':' || index >= n)
            return FALSE;
          p = end + 1;
        }
      x = g_ascii_strtod (p, &end);
      if (end == p || !isfinite (x) || index >= n || (*end != ' ' && *end != '\0'))
        return FALSE;
      out[index] = x;
      count++;
      for (p = end; *p == ' '; p++)
        ;
    }
  return sparse || count == n;
}

void
_bsl_nir_origin_add_dataset (JsonObject     *node,
                             const char     *name,
                             const BslArray *value,
                             const char     *dtype)
{
  JsonObject *data = json_object_get_object_member (node, "data");
  JsonObject *set = json_object_new ();
  JsonArray *shape = json_array_new ();
  gboolean sparse;
  g_autofree char *text = values_text (value, &sparse);

  for (guint d = 0; d < value->ndim; d++)
    json_array_add_int_element (shape, value->dims[d]);
  json_object_set_array_member (set, "shape", shape);
  json_object_set_string_member (set, "dtype", dtype);
  json_object_set_string_member (set, sparse ? "nonzero" : "values", text);
  json_object_set_object_member (data, name, set);
}

void
_bsl_nir_origin_set_edges (JsonObject *graph,
                           char      **ends,
                           gsize       n_edges)
{
  JsonArray *edges = json_object_get_array_member (graph, "edges");

  for (gsize e = 0; e < n_edges; e++)
    {
      JsonArray *pair = json_array_new ();
      json_array_add_string_element (pair, ends[2 * e]);
      json_array_add_string_element (pair, ends[2 * e + 1]);
      json_array_add_array_element (edges, pair);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Fingerprints                                                                               */

static char *
process_kind (const BslProcess *p)
{
  g_autofree char *shape = bsl_process_dup_shape_string (p);

  return g_strdup_printf ("%s %s %s", p->type->name, shape,
                          p->model != BSL_TAG_NONE ? bsl_tag_to_string (p->model) : "-");
}

/* var name -> hex digest of its full value, for every parameter but input data. */
static JsonObject *
process_values (const BslProcess *p)
{
  JsonObject *values = json_object_new ();

  for (guint v = 0; v < p->type->n_vars; v++)
    {
      const char *var = p->type->vars[v].name;
      g_autoptr (BslArray) full = NULL;
      g_autofree char *digest = NULL;

      if (p->type->vars[v].shape == BSL_SHAPE_TIME_SERIES)
        continue;
      full = bsl_process_dup_param_full (p, var, NULL);
      if (full == NULL)
        continue;
      digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) full->data,
                                            full->n * sizeof (double));
      digest[16] = '\0';
      json_object_set_string_member (values, var, digest);
    }
  return values;
}

static char *
connection_text (const BslConnection *c)
{
  return g_strdup_printf ("%s.%s -> %s.%s", c->from_process, c->from_port, c->to_process,
                          c->to_port);
}

/* "a.p -> b.q" of every connection touching one of the processes. */
static GPtrArray *
connections_of (const BslGraph *network, GHashTable *processes)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < network->connections->len; c++)
    {
      const BslConnection *conn = network->connections->pdata[c];
      if (g_hash_table_contains (processes, conn->from_process)
          || g_hash_table_contains (processes, conn->to_process))
        g_ptr_array_add (out, connection_text (conn));
    }
  return out;
}

void
_bsl_nir_origin_attach (BslGraph   *network,
                        JsonObject *graph_object,
                        double      dt)
{
  JsonObject *origin = json_object_new ();
  JsonObject *processes = json_object_new ();
  JsonArray *connections = json_array_new ();
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) texts = NULL;

  for (guint i = 0; i < network->processes->len; i++)
    {
      const BslProcess *p = network->processes->pdata[i];
      JsonObject *record = json_object_new ();
      g_autofree char *kind = process_kind (p);

      json_object_set_string_member (record, "kind", kind);
      json_object_set_object_member (record, "values", process_values (p));
      json_object_set_object_member (processes, p->name, record);
      g_hash_table_add (names, p->name);
    }
  texts = connections_of (network, names);
  for (guint i = 0; i < texts->len; i++)
    json_array_add_string_element (connections, texts->pdata[i]);
  json_object_set_double_member (origin, "dt", dt);
  json_object_set_object_member (origin, "graph", graph_object);
  json_object_set_object_member (origin, "processes", processes);
  json_object_set_array_member (origin, "connections", connections);
  if (network->extra == NULL)
    network->extra = json_object_new ();
  json_object_set_object_member (network->extra, BSL_NIR_ORIGIN_KEY, origin);
}

/* ------------------------------------------------------------------------------------------ */
/* Checking the record against the network                                                    */

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
member_array (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static gboolean
is_number (JsonNode *n)
{
  GType t = n != NULL && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_NONE;

  return (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE) && isfinite (json_node_get_double (n));
}

static gboolean
valid_name (const char *name)
{
  return name[0] != '\0' && strchr (name, '/') == NULL && !g_str_equal (name, ".")
         && !g_str_equal (name, "..") && g_utf8_validate (name, -1, NULL);
}

static const char *const dtypes[] = { "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8",
                                      NULL };

static gboolean
valid_dataset (JsonObject *set)
{
  JsonArray *shape = member_array (set, "shape");
  const char *dtype = member_string (set, "dtype");
  g_autofree double *values = NULL;
  guint64 n = 1;

  if (shape == NULL || dtype == NULL || !g_strv_contains (dtypes, dtype)
      || json_array_get_length (shape) > BSL_MAX_DIMS)
    return FALSE;
  for (guint d = 0; d < json_array_get_length (shape); d++)
    {
      JsonNode *e = json_array_get_element (shape, d);
      if (!is_number (e) || json_node_get_double (e) < 0 || json_node_get_double (e) > 1e8)
        return FALSE;
      n *= (guint64) json_node_get_int (e);
      if (n > 100000000)
        return FALSE;
    }
  values = g_try_new (double, MAX (n, 1));
  return values != NULL && _bsl_nir_origin_parse_values (set, n, values);
}

static gboolean
valid_graph (JsonObject *graph, int depth)
{
  JsonObject *nodes = member_object (graph, "nodes");
  JsonArray *edges = member_array (graph, "edges");
  g_autoptr (GList) names = NULL;

  if (depth > 16 || nodes == NULL || edges == NULL)
    return FALSE;
  for (guint e = 0; e < json_array_get_length (edges); e++)
    {
      JsonNode *pair = json_array_get_element (edges, e);
      JsonArray *ends = JSON_NODE_HOLDS_ARRAY (pair) ? json_node_get_array (pair) : NULL;
      if (ends == NULL || json_array_get_length (ends) != 2)
        return FALSE;
      for (guint k = 0; k < 2; k++)
        {
          JsonNode *end = json_array_get_element (ends, k);
          if (!JSON_NODE_HOLDS_VALUE (end) || json_node_get_value_type (end) != G_TYPE_STRING)
            return FALSE;
        }
    }
  names = json_object_get_members (nodes);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *node = member_object (nodes, l->data);
      const char *type = member_string (node, "type");
      JsonObject *data = member_object (node, "data");
      g_autoptr (GList) sets = NULL;

      if (!valid_name (l->data) || type == NULL || type[0] == '\0')
        return FALSE;
      if (g_str_equal (type, "NIRGraph"))
        {
          if (!valid_graph (node, depth + 1))
            return FALSE;
          continue;
        }
      if (data == NULL)
        return FALSE;
      sets = json_object_get_members (data);
      for (GList *s = sets; s != NULL; s = s->next)
        if (!valid_name (s->data) || g_str_equal (s->data, "type")
            || !valid_dataset (member_object (data, s->data)))
          return FALSE;
    }
  return TRUE;
}

GHashTable *
_bsl_nir_origin_processes (const BslGraph *network)
{
  JsonObject *origin = member_object (network->extra, BSL_NIR_ORIGIN_KEY);
  JsonObject *processes = member_object (origin, "processes");
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GList) names = processes != NULL ? json_object_get_members (processes) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    g_hash_table_add (set, g_strdup (l->data));
  return set;
}

/* NULL when the process is what the record says, else what differs. */
static char *
process_change (const BslGraph *network, const char *name, JsonObject *record)
{
  const BslProcess *p = bsl_graph_find_process (network, name);
  g_autofree char *kind = NULL;
  g_autoptr (JsonObject) now = NULL;
  JsonObject *then = member_object (record, "values");
  g_autoptr (GList) vars = NULL;

  if (p == NULL)
    return g_strdup_printf ("process '%s' was removed or renamed", name);
  kind = process_kind (p);
  if (g_strcmp0 (kind, member_string (record, "kind")) != 0)
    return g_strdup_printf ("process '%s' changed type, shape or model", name);
  now = process_values (p);
  vars = json_object_get_members (now);
  for (GList *l = vars; l != NULL; l = l->next)
    if (g_strcmp0 (json_object_get_string_member (now, l->data), member_string (then, l->data)))
      return g_strdup_printf ("%s.%s was changed", name, (const char *) l->data);
  return NULL;
}

static char *
connections_change (const BslGraph *network, JsonArray *recorded, GHashTable *names)
{
  g_autoptr (GPtrArray) now = connections_of (network, names);
  g_autoptr (GHashTable) then = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (recorded); i++)
    {
      JsonNode *e = json_array_get_element (recorded, i);
      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        g_hash_table_add (then, (gpointer) json_node_get_string (e));
    }
  for (guint i = 0; i < now->len; i++)
    if (!g_hash_table_remove (then, now->pdata[i]))
      return g_strdup_printf ("connection %s was added", (char *) now->pdata[i]);
  if (g_hash_table_size (then) > 0)
    {
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, then);
      g_hash_table_iter_next (&iter, &key, NULL);
      return g_strdup_printf ("connection %s was removed", (char *) key);
    }
  return NULL;
}

JsonObject *
_bsl_nir_origin_still_valid (const BslGraph *network,
                             double          dt,
                             double         *dt_out,
                             char          **why)
{
  JsonObject *origin = member_object (network->extra, BSL_NIR_ORIGIN_KEY);
  JsonObject *graph = member_object (origin, "graph");
  JsonObject *processes = member_object (origin, "processes");
  JsonArray *connections = member_array (origin, "connections");
  JsonNode *dt_node = origin != NULL ? json_object_get_member (origin, "dt") : NULL;
  g_autoptr (GHashTable) names = NULL;
  g_autoptr (GList) members = NULL;
  double origin_dt;

  *why = NULL;
  if (origin == NULL)
    return NULL;
  if (graph == NULL || processes == NULL || connections == NULL || !is_number (dt_node)
      || json_node_get_double (dt_node) <= 0 || !valid_graph (graph, 0))
    {
      *why = g_strdup ("its record in the file is malformed");
      return NULL;
    }
  origin_dt = json_node_get_double (dt_node);
  if (dt > 0 && fabs (dt - origin_dt) > 1e-12 * origin_dt)
    {
      *why = g_strdup_printf ("the export's dt (%g s) is not the import's (%g s)", dt, origin_dt);
      return NULL;
    }
  members = json_object_get_members (processes);
  for (GList *l = members; l != NULL && *why == NULL; l = l->next)
    *why = process_change (network, l->data, member_object (processes, l->data));
  if (*why != NULL)
    return NULL;
  names = _bsl_nir_origin_processes (network);
  if ((*why = connections_change (network, connections, names)) != NULL)
    return NULL;
  *dt_out = origin_dt;
  return graph;
}

void
_bsl_nir_origin_list_nodes (JsonObject *graph_object,
                            const char *prefix,
                            GPtrArray  *out)
{
  JsonObject *nodes = member_object (graph_object, "nodes");
  g_autoptr (GList) names = nodes != NULL ? json_object_get_members (nodes) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *node = member_object (nodes, l->data);
      const char *type = member_string (node, "type");
      g_autofree char *path = g_strconcat (prefix, l->data, NULL);

      g_ptr_array_add (out, g_strdup_printf ("%s (%s)", path, type != NULL ? type : "?"));
      if (g_strcmp0 (type, "NIRGraph") == 0)
        {
          g_autofree char *inner = g_strconcat (path, "/", NULL);
          _bsl_nir_origin_list_nodes (node, inner, out);
        }
    }
}

JsonObject *
_bsl_nir_origin_recorded_graph (const BslGraph *network)
{
  JsonObject *graph = member_object (member_object (network->extra, BSL_NIR_ORIGIN_KEY), "graph");

  return graph != NULL && valid_graph (graph, 0) ? graph : NULL;
}

BslGraph *
_bsl_nir_origin_rest (const BslGraph *network,
                      GHashTable     *origin_procs,
                      JsonObject     *graph_object,
                      char          **why)
{
  g_autoptr (BslGraph) rest = bsl_graph_copy (network);
  JsonObject *nodes = member_object (graph_object, "nodes");
  GHashTableIter iter;
  gpointer name;

  g_hash_table_iter_init (&iter, origin_procs);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    bsl_graph_remove_process (rest, name);   /* with its connections and probes */
  for (guint i = 0; i < rest->processes->len; i++)
    {
      const BslProcess *p = rest->processes->pdata[i];
      if (json_object_has_member (nodes, p->name))
        {
          *why = g_strdup_printf ("process '%s', added after the import, has the name of a node "
                                  "of the NIR graph", p->name);
          return NULL;
        }
    }
  return g_steal_pointer (&rest);
}
