/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An Equations process's tables (Brian2's TimedArray) as the .basalt file holds them: read from
 * the "tables" object, kept as written for saving, and handed to the equations. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-network-file.h"
#include "equations/bsl-equations.h"

struct _BslEquationsTables
{
  gatomicrefcount    ref;
  JsonNode          *json;        /* the "tables" object as read, written back as it is */
  GArray            *tables;      /* BslEquationsTable, pointing into json and arrays */
  GPtrArray         *arrays;      /* BslArray of each table's values */
};

G_DEFINE_BOXED_TYPE (BslEquationsTables, bsl_equations_tables, bsl_equations_tables_ref,
                     bsl_equations_tables_unref)

BslEquationsTables *
bsl_equations_tables_ref (BslEquationsTables *tables)
{
  g_return_val_if_fail (tables != NULL, NULL);
  g_atomic_ref_count_inc (&tables->ref);
  return tables;
}

void
bsl_equations_tables_unref (BslEquationsTables *tables)
{
  if (tables == NULL || !g_atomic_ref_count_dec (&tables->ref))
    return;
  json_node_unref (tables->json);
  g_array_unref (tables->tables);
  g_ptr_array_unref (tables->arrays);
  g_free (tables);
}

/* "values": numbers (one column), rows of numbers (a column per neuron), or {"file": ...}. */
static BslArray *
read_values (JsonNode    *node,
             const char  *base_dir,
             GError     **error)
{
  JsonArray *rows;
  gsize n_rows, width = 0;
  g_autoptr (BslArray) array = NULL;

  if (JSON_NODE_HOLDS_OBJECT (node) && json_object_has_member (json_node_get_object (node), "file"))
    return bsl_initializer_expand (node, 0, NULL, base_dir, error);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"values\" must be a list of numbers, a "
                   "list of rows (one column per neuron) or {\"file\": ...}");
      return NULL;
    }
  rows = json_node_get_array (node);
  n_rows = json_array_get_length (rows);
  if (n_rows > 0 && JSON_NODE_HOLDS_ARRAY (json_array_get_element (rows, 0)))
    width = json_array_get_length (json_array_get_array_element (rows, 0));
  array = bsl_array_new (width > 0 ? 2 : 1, (gsize[]) { n_rows, width });
  for (gsize r = 0; r < n_rows; r++)
    {
      JsonNode *row = json_array_get_element (rows, r);
      JsonArray *cells = JSON_NODE_HOLDS_ARRAY (row) ? json_node_get_array (row) : NULL;

      if ((width > 0) != (cells != NULL)
          || (cells != NULL && json_array_get_length (cells) != width))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "the table is ragged: row %"
                       G_GSIZE_FORMAT " %s, but row 0 has %" G_GSIZE_FORMAT " (every row needs "
                       "one value per column)", r,
                       cells != NULL ? "has another number of values" : "is not a list",
                       MAX (width, 1));
          return NULL;
        }
      for (gsize c = 0; c < MAX (width, 1); c++)
        {
          JsonNode *cell = cells != NULL ? json_array_get_element (cells, c) : row;
          GType type = JSON_NODE_HOLDS_VALUE (cell) ? json_node_get_value_type (cell)
                                                    : G_TYPE_INVALID;

          if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "row %" G_GSIZE_FORMAT ", column %"
                           G_GSIZE_FORMAT " is not a number", r, c);
              return NULL;
            }
          array->data[r * MAX (width, 1) + c] = json_node_get_double (cell);
        }
    }
  return g_steal_pointer (&array);
}

/* "dt": a time with units ("1*ms") or a number of seconds. */
static gboolean
read_dt (JsonObject  *object,
         double      *dt,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, "dt");
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
                                                            : G_TYPE_INVALID;

  if (type == G_TYPE_STRING)
    {
      g_autoptr (GError) local_error = NULL;

      if (bsl_equations_parse_value (json_node_get_string (node), "second", dt, &local_error))
        return TRUE;
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"dt\" %s", local_error->message);
      return FALSE;
    }
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      *dt = json_node_get_double (node);
      return TRUE;
    }
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "needs \"dt\", the time between rows "
               "(\"1*ms\" or a number of seconds)");
  return FALSE;
}

static gboolean
read_table (BslEquationsTables  *tables,
            const char          *name,
            JsonNode            *node,
            const char          *base_dir,
            GError             **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *unit = object != NULL ? json_object_get_member (object, "unit") : NULL;
  BslEquationsTable table = { 0 };
  BslArray *values;

  if (object == NULL || !json_object_has_member (object, "values"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "must be an object with \"dt\", \"unit\" "
                   "and \"values\"");
      return FALSE;
    }
  if (unit != NULL
      && (!JSON_NODE_HOLDS_VALUE (unit) || json_node_get_value_type (unit) != G_TYPE_STRING))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "\"unit\" must be a unit (\"amp\", \"volt\", \"1\")");
      return FALSE;
    }
  if (!read_dt (object, &table.dt, error))
    return FALSE;
  values = read_values (json_object_get_member (object, "values"), base_dir, error);
  if (values == NULL)
    return FALSE;
  g_ptr_array_add (tables->arrays, values);
  if (values->ndim > 2)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "the values must be one column or a "
                   "matrix (rows over time, a column per neuron), not %u-dimensional",
                   values->ndim);
      return FALSE;
    }
  table.name = name;
  table.unit = unit != NULL ? json_node_get_string (unit) : "1";
  table.n_times = values->ndim > 0 ? values->dims[0] : 0;
  /* one column is name(t), as a list of numbers */
  table.n_columns = values->ndim == 2 && values->dims[1] != 1 ? values->dims[1] : 0;
  table.values = values->data;
  g_array_append_val (tables->tables, table);
  return TRUE;
}

BslEquationsTables *
bsl_equations_tables_from_json (JsonNode    *node,
                                const char  *base_dir,
                                GError     **error)
{
  g_autoptr (BslEquationsTables) tables = g_new0 (BslEquationsTables, 1);
  g_autoptr (GList) names = NULL;
  JsonObject *object;

  g_atomic_ref_count_init (&tables->ref);
  tables->json = json_node_copy (node);
  tables->tables = g_array_new (FALSE, TRUE, sizeof (BslEquationsTable));
  tables->arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_array_free);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"tables\" must be an object of tables "
                   "by name: {\"stimulus\": {\"dt\": \"1*ms\", \"unit\": \"amp\", "
                   "\"values\": [...]}}");
      return NULL;
    }
  object = json_node_get_object (tables->json);
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autoptr (GError) local_error = NULL;

      if (!read_table (tables, l->data, json_object_get_member (object, l->data), base_dir,
                       &local_error))
        {
          g_set_error (error, BSL_ERROR, local_error->code, "table '%s': %s", (char *) l->data,
                       local_error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&tables);
}

JsonNode *
bsl_equations_tables_to_json (const BslEquationsTables *tables)
{
  g_return_val_if_fail (tables != NULL, NULL);

  return json_node_copy (tables->json);
}

guint
bsl_equations_tables_get_n (const BslEquationsTables *tables)
{
  return tables != NULL ? tables->tables->len : 0;
}

const BslEquationsTable *
bsl_equations_tables_peek (const BslEquationsTables *tables)
{
  return tables != NULL ? (const BslEquationsTable *) tables->tables->data : NULL;
}

char *
bsl_equations_tables_describe (const BslEquationsTables *tables)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < bsl_equations_tables_get_n (tables); k++)
    {
      const BslEquationsTable *t = &g_array_index (tables->tables, BslEquationsTable, k);

      g_string_append_printf (s, "%s%s(t%s): %" G_GSIZE_FORMAT " rows", k > 0 ? "; " : "",
                              t->name, t->n_columns > 0 ? ", i" : "", t->n_times);
      if (t->n_columns > 0)
        g_string_append_printf (s, " of %" G_GSIZE_FORMAT " columns", t->n_columns);
      g_string_append_printf (s, ", every %g s, in %s", t->dt, t->unit);
    }
  return g_string_free (s, FALSE);
}
