/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The .basalt network file: JSON, versioned, unknown keys preserved. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bsl-atomic-file.h"
#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-graph-probes.h"
#include "bsl-json-numbers.h"
#include "bsl-learning-rule.h"
#include "bsl-limits.h"
#include "bsl-network-file.h"
#include "bsl-packed-arrays.h"
#include "equations/bsl-equations.h"
#include "bsl-proc-synapses.h"

static const char *top_level_keys[] = { "format", "version", "run", "processes", "connections",
                                        "groups", "probes", NULL };
static const char *process_keys[] = { "name", "type", "shape", "equations", "synapses", "params",
                                      "model", "ui", NULL };
static const char *equations_keys[] = { "model", "threshold", "reset", "refractory", "input",
                                        "method" };

/* ---------------- reading ---------------- */

/* The member's text, or NULL when it is missing or not a string. json-glib's
 * _with_default getters emit a critical when the member is a list or an object. */
static const char *
member_string (JsonObject *object, const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE || type == G_TYPE_BOOLEAN;
}

static double
node_number (JsonNode *node)
{
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node) ? 1.0 : 0.0;
  return json_node_get_double (node);
}

/* A number beyond a double's range reads as infinity, which cannot be written back as JSON.
 * Kept content (ui, unknown keys, initializer objects) is refused with the path to it. */
static gboolean
find_infinite (JsonNode *node, GString *path)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          gsize len = path->len;
          g_string_append_printf (path, "%s\"%s\"", len ? ": " : "", (const char *) l->data);
          if (find_infinite (json_object_get_member (object, l->data), path))
            return TRUE;
          g_string_truncate (path, len);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint k = 0; k < json_array_get_length (array); k++)
        {
          gsize len = path->len;
          g_string_append_printf (path, "[%u]", k);
          if (find_infinite (json_array_get_element (array, k), path))
            return TRUE;
          g_string_truncate (path, len);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return !isfinite (json_node_get_double (node));
  return FALSE;
}

/* Finds the nesting depth and dimensions of a (hopefully rectangular) nested array. */
static gboolean
nested_shape (JsonNode *node, guint *ndim, gsize *dims)
{
  *ndim = 0;
  while (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      if (*ndim >= BSL_MAX_DIMS)
        return FALSE;
      dims[(*ndim)++] = json_array_get_length (array);
      if (json_array_get_length (array) == 0)
        break;
      node = json_array_get_element (array, 0);
    }
  return TRUE;
}

static gboolean
fill_nested (JsonNode *node, guint depth, guint ndim, const gsize *dims, double **out,
             GString *where, GError **error)
{
  if (depth == ndim)
    {
      if (!node_is_number (node))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "element %s is not a number",
                       where->len ? where->str : "");
          return FALSE;
        }
      *(*out)++ = node_number (node);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != dims[depth])
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "the nested lists are ragged: row %s does not have %" G_GSIZE_FORMAT " elements",
                   where->len ? where->str : "[]", dims[depth]);
      return FALSE;
    }
  for (gsize k = 0; k < dims[depth]; k++)
    {
      gsize len = where->len;
      g_string_append_printf (where, "[%" G_GSIZE_FORMAT "]", k);
      if (!fill_nested (json_array_get_element (json_node_get_array (node), k), depth + 1, ndim,
                        dims, out, where, error))
        return FALSE;
      g_string_truncate (where, len);
    }
  return TRUE;
}

/* An Equations process's value written with units ("10*ms"); NULL without an error when the
 * node is not such a text. */
static BslArray *
equations_value_from_json (JsonNode          *node,
                           const BslProcess  *process,
                           const BslVarSpec  *spec,
                           GError           **error)
{
  double value;

  if (!bsl_proc_type_is_equations (process->type) || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  if (!bsl_equations_parse_value (json_node_get_string (node), spec->unit, &value, error))
    return NULL;
  return bsl_array_new_scalar (value);
}

static BslArray *
array_from_json (JsonNode              *node,
                 const BslProcess      *process,
                 const BslVarSpec      *spec,
                 const char            *base_dir,
                 const BslPackedArrays *packed,
                 GError               **error)
{
  BslPackedArray *list = bsl_packed_arrays_lookup (packed, node);
  BslArray *taken = list != NULL ? bsl_packed_array_take (list) : NULL;

  if (taken != NULL)
    return taken;
  if (node_is_number (node))
    return bsl_array_new_scalar (node_number (node));
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      guint ndim;
      gsize dims[BSL_MAX_DIMS];
      g_autoptr(BslArray) array = NULL;
      g_autoptr(GString) where = g_string_new (NULL);
      double *out;

      if (!nested_shape (node, &ndim, dims))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "has more than %d dimensions",
                       BSL_MAX_DIMS);
          return NULL;
        }
      array = bsl_array_new (ndim, dims);
      out = array->data;
      if (!fill_nested (node, 0, ndim, dims, &out, where, error))
        return NULL;
      return g_steal_pointer (&array);
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      guint ndim = 0;
      gsize dims[BSL_MAX_DIMS] = { 0 };
      BslArray *array;

      if (spec->shape == BSL_SHAPE_TIME_SERIES)
        {
          ndim = process->ndim + 1;
          memcpy (dims, process->dims, process->ndim * sizeof (gsize));
          dims[process->ndim] = 1;
        }
      else
        bsl_var_spec_shape (spec, process->ndim, process->dims, &ndim, dims);
      array = _bsl_initializer_expand_packed (node, ndim, dims, base_dir, packed, error);
      /* Kept to be written back as it was, unless it holds large lists: their numbers are not in
       * the tree, and the expanded values are written instead. */
      if (array != NULL && !bsl_packed_arrays_in_object (packed, json_node_get_object (node)))
        array->init = json_node_copy (node);
      return array;
    }
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
               "must be a number, a nested list of numbers or an initializer object");
  return NULL;
}

static gboolean
read_shape (JsonNode *node, guint *ndim, gsize *dims, GError **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  *ndim = json_array_get_length (array);
  if (*ndim == 0 || *ndim > 2)
    goto bad;
  for (guint i = 0; i < *ndim; i++)
    {
      JsonNode *d = json_array_get_element (array, i);
      double x;
      if (!node_is_number (d))
        goto bad;
      x = node_number (d);
      if (x != floor (x) || x < 1)
        goto bad;
      /* The process checks the size; this only keeps the conversion defined. */
      if (x > 9007199254740992.0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "'shape' dimension %g is too large", x);
          return FALSE;
        }
      dims[i] = (gsize) x;
    }
  return TRUE;

bad:
  g_set_error_literal (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "'shape' must be a list of one or two positive integers, e.g. [3] or "
                       "[3, 4]");
  return FALSE;
}

static JsonObject *
unknown_members (JsonObject *object, const char **known)
{
  JsonObject *extra = NULL;
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (g_strv_contains (known, l->data))
        continue;
      if (extra == NULL)
        extra = json_object_new ();
      json_object_set_member (extra, l->data,
                              json_node_copy (json_object_get_member (object, l->data)));
    }
  return extra;
}

/* "learning_rule" of a plastic connection: Lava's rule object as its keyword arguments. */
static gboolean
read_learning_rule (BslProcess *process, JsonNode *node, GError **error)
{
  g_autoptr(BslLearningRule) rule = NULL;
  g_autoptr(GError) local_error = NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    rule = bsl_learning_rule_from_json (json_node_get_object (node), &local_error);
  else
    g_set_error (&local_error, BSL_ERROR, BSL_ERROR_PARSE,
                 "must be an object {\"type\": \"STDPLoihi\" | \"Loihi2FLearningRule\", ...}");
  if (rule == NULL)
    {
      g_set_error (error, BSL_ERROR, local_error->code, "process '%s' (%s): learning_rule: %s",
                   process->name, process->type->name, local_error->message);
      return FALSE;
    }
  return bsl_process_set_learning_rule (process, rule, error);
}

/* A process's "equations" object: its text becomes the process's own type. */
static gboolean
read_process_equations (BslProcess            *process,
                        const BslProcType     *type,
                        const char            *type_name,
                        JsonNode              *member,
                        const char            *base_dir,
                        GError               **error)
{
  const char *name = process->name;
  JsonObject *eq;
  BslEquationsText text = { 0 };
  g_autofree char *input = NULL;
  g_autoptr (BslEquationsTables) tables = NULL;

  if (!bsl_proc_type_is_equations (type) || !JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "process '%s' (%s): \"equations\" belongs to an Equations process and "
                   "must be an object with \"model\", \"threshold\", \"reset\", ...",
                   name, type_name);
      return FALSE;
    }
  eq = json_node_get_object (member);
  if (json_object_has_member (eq, "input"))
    input = bsl_equations_input_from_json (json_object_get_member (eq, "input"));
  if (json_object_has_member (eq, "input") && input == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "process '%s' (%s): \"equations\": \"input\" must be a variable name or "
                   "an object mapping port names to variables", name, type_name);
      return FALSE;
    }
  for (guint k = 0; k < G_N_ELEMENTS (equations_keys); k++)
    if (json_object_has_member (eq, equations_keys[k]) &&
        strcmp (equations_keys[k], "input") != 0 &&
        member_string (eq, equations_keys[k]) == NULL)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                     "process '%s' (%s): \"equations\": \"%s\" must be a string", name,
                     type_name, equations_keys[k]);
        return FALSE;
      }
  text.model = member_string (eq, "model") ?: "";
  text.threshold = member_string (eq, "threshold") ?: "";
  text.reset = member_string (eq, "reset") ?: "";
  text.refractory = member_string (eq, "refractory") ?: "";
  text.input = input != NULL ? input : "";
  text.method = member_string (eq, "method") ?: "euler";
  if (json_object_has_member (eq, "tables"))
    {
      g_autoptr (GError) local_error = NULL;

      tables = bsl_equations_tables_from_json (json_object_get_member (eq, "tables"), base_dir,
                                               &local_error);
      if (tables == NULL)
        {
          g_set_error (error, BSL_ERROR, local_error->code, "process '%s' (%s): %s", name,
                       type_name, local_error->message);
          return FALSE;
        }
      text.tables = tables;
    }
  if (!bsl_process_set_equations (process, &text, error))
    return FALSE;
  /* The file's params are the values; nothing of a new process's defaults stays. */
  g_hash_table_remove_all (process->params);
  return TRUE;
}

/* A process's "params": each value checked against the process's (own) type. */
static gboolean
read_process_params (BslProcess            *process,
                     const char            *type_name,
                     JsonNode              *member,
                     const char            *base_dir,
                     const BslPackedArrays *packed,
                     GError               **error)
{
  const char *name = process->name;
  JsonObject *params;
  g_autoptr(GList) names = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "process '%s' (%s): \"params\" must be an object", name, type_name);
      return FALSE;
    }
  params = json_node_get_object (member);
  names = json_object_get_members (params);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *param = l->data;
      /* process->type: an Equations process has the schema of its own equations. */
      const BslVarSpec *spec = bsl_proc_type_find_var (process->type, param);
      BslArray *value;

      if (strcmp (param, "learning_rule") == 0 && bsl_proc_type_is_plastic (process->type))
        {
          if (!read_learning_rule (process, json_object_get_member (params, param), error))
            return FALSE;
          continue;
        }
      if (spec == NULL)
        {
          GString *known = g_string_new (NULL);
          for (guint v = 0; v < process->type->n_vars; v++)
            g_string_append_printf (known, "%s%s", v ? ", " : "", process->type->vars[v].name);
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                       "process '%s' (%s): unknown parameter '%s' (known: %s)", name,
                       type_name, param, known->str);
          g_string_free (known, TRUE);
          return FALSE;
        }
      value = NULL;
      if (bsl_packed_arrays_lookup (packed, json_object_get_member (params, param)) == NULL)
        value = equations_value_from_json (json_object_get_member (params, param), process,
                                           spec, &local_error);
      if (value == NULL && local_error == NULL)
        value = array_from_json (json_object_get_member (params, param), process, spec,
                                 base_dir, packed, &local_error);
      if (value == NULL)
        {
          g_set_error (error, BSL_ERROR, local_error->code,
                       "process '%s' (%s): parameter '%s' %s", name, type_name, param,
                       local_error->message);
          return FALSE;
        }
      if (!bsl_process_set_param (process, param, value, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_process (BslGraph              *graph,
              JsonNode              *node,
              guint                  index,
              const char            *base_dir,
              const BslPackedArrays *packed,
              guint64               *graph_bytes,
              GError               **error)
{
  JsonObject *object;
  const char *name, *type_name;
  const BslProcType *type;
  guint ndim = 0;
  gsize dims[BSL_MAX_DIMS] = { 0 };
  BslProcess *process;
  JsonNode *member;
  g_autoptr(GError) local_error = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "processes[%u] must be an object", index);
      return FALSE;
    }
  object = json_node_get_object (node);
  name = member_string (object, "name");
  type_name = member_string (object, "type");
  if (name == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "processes[%u] has no \"name\" string", index);
      return FALSE;
    }
  if (type_name == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE,
                   "process '%s' has no \"type\" string", name);
      return FALSE;
    }
  type = bsl_proc_type_lookup (type_name);
  if (type == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE,
                   "process '%s': unknown type '%s'", name, type_name);
      return FALSE;
    }
  if ((member = json_object_get_member (object, "shape")) != NULL &&
      !read_shape (member, &ndim, dims, &local_error))
    {
      g_set_error (error, BSL_ERROR, local_error->code, "process '%s' (%s): %s", name, type_name,
                   local_error->message);
      return FALSE;
    }
  process = bsl_graph_add_process (graph, type_name, name, ndim, dims, error);
  if (process == NULL)
    return FALSE;
  /* Checked before the parameters are expanded to the process's shape. */
  *graph_bytes += bsl_process_memory (process);
  if (*graph_bytes > bsl_memory_budget ())
    {
      g_autofree char *what = g_strdup_printf ("the network, up to process '%s' (%s),", name,
                                               type_name);
      return bsl_memory_check (*graph_bytes, what, error);
    }

  if ((member = json_object_get_member (object, "equations")) != NULL &&
      !read_process_equations (process, type, type_name, member, base_dir, error))
    return FALSE;
  if ((member = json_object_get_member (object, "synapses")) != NULL &&
      !bsl_process_read_synapses_json (process, member, error))
    return FALSE;
  if ((member = json_object_get_member (object, "params")) != NULL &&
      !read_process_params (process, type_name, member, base_dir, packed, error))
    return FALSE;

  if ((member = json_object_get_member (object, "model")) != NULL)
    {
      const char *tag = JSON_NODE_HOLDS_VALUE (member) ? json_node_get_string (member) : NULL;
      if (!bsl_tag_from_string (tag, &process->model))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "process '%s' (%s): \"model\" must be \"floating_pt\" or \"fixed_pt\"",
                       name, type_name);
          return FALSE;
        }
    }
  if ((member = json_object_get_member (object, "ui")) != NULL && JSON_NODE_HOLDS_OBJECT (member))
    {
      JsonObject *ui = json_node_get_object (member);
      JsonNode *x = json_object_get_member (ui, "x"), *y = json_object_get_member (ui, "y");

      process->ui = json_object_ref (ui);
      if (x != NULL && y != NULL && node_is_number (x) && node_is_number (y))
        {
          process->has_position = TRUE;
          process->x = node_number (x);
          process->y = node_number (y);
        }
    }
  process->extra = unknown_members (object, process_keys);
  {
    g_autoptr(GString) path = g_string_new (NULL);
    if (find_infinite (node, path))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                     "process '%s' (%s): %s is not a finite number", name, type_name, path->str);
        return FALSE;
      }
  }
  return TRUE;
}

/* run.steps and run.seed: whole numbers from 0 up to what a gint64 holds. */
static gboolean
read_run_count (JsonObject  *run,
                const char  *key,
                gint64      *value,
                GError     **error)
{
  JsonNode *node = json_object_get_member (run, key);
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
                                                            : G_TYPE_INVALID;
  double x = type == G_TYPE_DOUBLE ? json_node_get_double (node) : -1;

  if (node == NULL)
    return TRUE;
  if (type == G_TYPE_INT64 && json_node_get_int (node) >= 0)
    {
      *value = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE && x >= 0 && x < 9223372036854775808.0 && x == floor (x))
    {
      *value = (gint64) x;
      return TRUE;
    }
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
               "run: \"%s\" must be a whole number from 0 to %" G_GINT64_FORMAT, key, G_MAXINT64);
  return FALSE;
}

/* "probes": ["lif.v", "lif.s_out"], checked against the processes read before. */
static gboolean
read_probes (BslGraph  *graph,
             JsonNode  *member,
             GError   **error)
{
  JsonArray *list;

  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "\"probes\" must be a list of \"PROCESS.VAR\" strings, e.g. [\"lif1.v\"]");
      return FALSE;
    }
  list = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "probes[%u] must be a \"PROCESS.VAR\" string, e.g. \"lif1.v\"", i);
          return FALSE;
        }
      if (!bsl_graph_add_probe (graph, json_node_get_string (item), error))
        {
          g_prefix_error (error, "probes[%u]: ", i);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_graph (BslGraph              *graph,
            JsonNode              *root,
            const char            *base_dir,
            const BslPackedArrays *packed,
            GError               **error)
{
  JsonObject *object;
  JsonNode *member;
  double version;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "the file must hold a JSON object");
      return FALSE;
    }
  object = json_node_get_object (root);
  if (g_strcmp0 (member_string (object, "format"), "basalt") != 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "not a Basalt network (\"format\": \"basalt\" is missing)");
      return FALSE;
    }
  member = json_object_get_member (object, "version");
  if (member == NULL || !node_is_number (member))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"version\" is missing or not a number");
      return FALSE;
    }
  /* Compared as a double: a huge version must not wrap into the accepted range. */
  version = node_number (member);
  if (version > BSL_FILE_FORMAT_VERSION)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_VERSION,
                   "written by a newer Basalt (file format version %g; this Basalt reads up to "
                   "version %d)", version, BSL_FILE_FORMAT_VERSION);
      return FALSE;
    }
  if (version < 1 || version != floor (version))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_VERSION, "unknown file format version %g", version);
      return FALSE;
    }

  if ((member = json_object_get_member (object, "run")) != NULL)
    {
      JsonObject *run;
      const char *tag;
      gint64 seed = 0;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "\"run\" must be an object, e.g. {\"tag\": \"fixed_pt\", \"steps\": 100}");
          return FALSE;
        }
      run = json_node_get_object (member);
      tag = member_string (run, "tag");
      if (json_object_has_member (run, "tag") && !bsl_tag_from_string (tag, &graph->run_tag))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "run: \"tag\" must be \"floating_pt\" or \"fixed_pt\", not '%s'",
                       tag != NULL ? tag : "(not a string)");
          return FALSE;
        }
      if (!read_run_count (run, "steps", &graph->run_steps, error) ||
          !read_run_count (run, "seed", &seed, error))
        return FALSE;
      graph->run_seed = (guint64) seed;
    }

  member = json_object_get_member (object, "processes");
  if (member != NULL)
    {
      JsonArray *processes;
      guint64 graph_bytes = 0;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"processes\" must be a list");
          return FALSE;
        }
      processes = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (processes); i++)
        if (!read_process (graph, json_array_get_element (processes, i), i, base_dir, packed,
                           &graph_bytes, error))
          return FALSE;
    }

  member = json_object_get_member (object, "connections");
  if (member != NULL)
    {
      JsonArray *connections;
      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"connections\" must be a list");
          return FALSE;
        }
      connections = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (connections); i++)
        {
          JsonNode *c = json_array_get_element (connections, i);
          const char *from, *to;
          if (!JSON_NODE_HOLDS_OBJECT (c))
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "connections[%u] must be an object", i);
              return FALSE;
            }
          from = member_string (json_node_get_object (c), "from");
          to = member_string (json_node_get_object (c), "to");
          if (from == NULL || to == NULL)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                           "connections[%u] needs \"from\" and \"to\" strings", i);
              return FALSE;
            }
          if (bsl_graph_connect (graph, from, to, error) == NULL)
            return FALSE;
        }
    }

  {
    g_autoptr(GString) path = g_string_new (NULL);
    g_autoptr(JsonNode) others = json_node_new (JSON_NODE_OBJECT);
    g_autoptr(JsonObject) kept = json_object_new ();
    g_autoptr(GList) members = json_object_get_members (object);

    /* The processes were checked one by one, with their names. */
    for (GList *l = members; l != NULL; l = l->next)
      if (!g_str_equal (l->data, "processes"))
        json_object_set_member (kept, l->data, json_node_ref (json_object_get_member (object, l->data)));
    json_node_set_object (others, kept);
    if (find_infinite (others, path))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "%s is not a finite number", path->str);
        return FALSE;
      }
  }
  if ((member = json_object_get_member (object, "probes")) != NULL && !read_probes (graph, member, error))
    return FALSE;
  if ((member = json_object_get_member (object, "groups")) != NULL)
    graph->groups = json_node_copy (member);
  graph->extra = unknown_members (object, top_level_keys);
  return TRUE;
}

/* json-glib parses recursively, so lists nested a few hundred thousand deep overflow the stack,
 * and it reads more than JSON: single-quoted strings, '/' comments and \\u escapes that swallow
 * the characters after them. A bracket inside any of those would hide from a depth count, so
 * the text is first checked to be plain JSON (strings in double quotes, complete \\u escapes,
 * surrogates in pairs; json-glib aborts on a lone one), counting the depth as it goes. */
#define MAX_NESTING 256

static int
hex_value (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* The code unit of the \\u escape whose 'u' is at data[i], or -1 when fewer than four hex digits
 * follow. */
static int
unicode_escape (const char *data,
                gsize       length,
                gsize       i)
{
  int code = 0;

  if (i + 4 >= length)
    return -1;
  for (guint k = 1; k <= 4; k++)
    {
      int digit = hex_value (data[i + k]);
      if (digit < 0)
        return -1;
      code = code * 16 + digit;
    }
  return code;
}

/* Steps over the escape whose backslash is at data[*i]; FALSE when json-glib would read it
 * differently from JSON. */
static gboolean
skip_escape (const char *data,
             gsize       length,
             gsize      *i)
{
  int code;

  if (*i + 1 >= length)
    return FALSE;
  if (data[*i + 1] != 'u')
    {
      *i += 1;
      return TRUE;
    }
  code = unicode_escape (data, length, *i + 1);
  if (code < 0 || (code >= 0xDC00 && code <= 0xDFFF))
    return FALSE;
  *i += 5;
  if (code >= 0xD800 && code <= 0xDBFF)
    {
      int low;

      if (*i + 2 >= length || data[*i + 1] != '\\' || data[*i + 2] != 'u')
        return FALSE;
      low = unicode_escape (data, length, *i + 2);
      if (low < 0xDC00 || low > 0xDFFF)
        return FALSE;
      *i += 6;
    }
  return TRUE;
}

static gboolean
check_json_text (const char  *data,
                 gsize        length,
                 GError     **error)
{
  guint depth = 0, line = 1;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        line++;
      if (c == '\0')
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "line %u: a NUL byte: not a text file",
                       line);
          return FALSE;
        }
      if (in_string)
        {
          if (c == '"')
            in_string = FALSE;
          else if (c == '\\' && !skip_escape (data, length, &i))
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                           "malformed JSON: line %u: a broken escape in a string (\\u needs four "
                           "hex digits; surrogates come in pairs)", line);
              return FALSE;
            }
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '\'' || c == '/')
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "malformed JSON: line %u: %s", line,
                       c == '/' ? "a comment or a '/' outside a string"
                                : "a single-quoted string (JSON strings use double quotes)");
          return FALSE;
        }
      else if ((c == '[' || c == '{') && ++depth > MAX_NESTING)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "malformed JSON: line %u: lists and objects nested more than %d deep",
                       line, MAX_NESTING);
          return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* What json-glib's tree takes for each value (a node and its value, about 90 bytes, measured),
 * counted by the structural characters that separate values. */
#define JSON_TREE_BYTES_PER_VALUE 96

/* The large lists of numbers are read first, straight into doubles; json-glib builds its tree of
 * the rest, after a check that the tree fits the memory budget. */
static JsonParser *
parse_json (const char        *data,
            gsize              length,
            gsize              min_packed,
            BslPackedArrays  **packed,
            GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) text = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 values, bytes;

  *packed = bsl_packed_arrays_extract (data, length, min_packed, &text, &values);
  bytes = (guint64) length + text->len + bsl_packed_arrays_bytes (*packed) +
          values * JSON_TREE_BYTES_PER_VALUE;
  if (!bsl_memory_check (bytes, "reading it (its text, its large lists of numbers and a JSON "
                         "tree of the rest)", error))
    return NULL;
  if (!json_parser_load_from_data (parser, text->str, text->len, &local_error))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "malformed JSON: %s", local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "the file is empty");
      return NULL;
    }
  return g_steal_pointer (&parser);
}

BslGraph *
_bsl_graph_load_data_packing (const char  *data,
                              gssize       length,
                              const char  *display_name,
                              const char  *base_dir,
                              gsize        min_packed,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(BslPackedArrays) packed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BslGraph) graph = NULL;

  if (display_name == NULL)
    display_name = "<network>";
  if (length < 0)
    length = (gssize) strlen (data);
  if (check_json_text (data, (gsize) length, &local_error) &&
      (parser = parse_json (data, (gsize) length, min_packed, &packed, &local_error)) != NULL)
    {
      graph = bsl_graph_new ();
      graph->base_dir = g_strdup (base_dir);
      if (!read_graph (graph, json_parser_get_root (parser), base_dir, packed, &local_error))
        g_clear_pointer (&graph, bsl_graph_unref);
    }
  if (graph == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", display_name,
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&graph);
}

BslGraph *
bsl_graph_load_data (const char  *data,
                     gssize       length,
                     const char  *display_name,
                     const char  *base_dir,
                     GError     **error)
{
  return _bsl_graph_load_data_packing (data, length, display_name, base_dir,
                                       BSL_PACKED_ARRAY_MIN, error);
}

BslGraph *
bsl_graph_load_file (const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  g_autofree char *contents = NULL;
  g_autofree char *base_dir = NULL;
  gsize length;

  if (!bsl_read_regular_file (path, &contents, &length, error))
    return NULL;
  base_dir = g_path_get_dirname (path);
  return bsl_graph_load_data (contents, length, path, base_dir, error);
}

/* ---------------- writing ---------------- */

/* A parameter's values are written by _bsl_json_array_text, not json-glib (which writes one
 * number per line and 17 digits): the tree holds a placeholder string "\x01array-<key>:<k>" that
 * is replaced by texts[k] after generation. The key is drawn for each save, so that no string of
 * the user's (a name, a key, a note) can pass for a placeholder. An initializer object is kept as
 * it is. */
typedef struct
{
  GPtrArray *texts;
  char       key[17];
} ArrayTexts;

static void
array_texts_init (ArrayTexts *placeholders)
{
  placeholders->texts = g_ptr_array_new_with_free_func (g_free);
  g_snprintf (placeholders->key, sizeof placeholders->key, "%08x%08x", g_random_int (),
              g_random_int ());
}

static JsonNode *
array_to_json (const BslArray   *array,
               const BslProcess *process,
               ArrayTexts       *placeholders)
{
  gboolean process_shape = array->ndim == process->ndim;
  JsonNode *node;
  g_autofree char *mark = NULL;

  if (array->init != NULL)
    return json_node_copy (array->init);
  for (guint d = 0; process_shape && d < array->ndim && d < BSL_MAX_DIMS; d++)
    process_shape = array->dims[d] == process->dims[d];
  mark = g_strdup_printf ("\001array-%s:%u", placeholders->key, placeholders->texts->len);
  g_ptr_array_add (placeholders->texts, _bsl_json_array_text (array, 8, process_shape));
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, mark);
  return node;
}

/* json-glib writes the placeholder's control character as \u0001. */
static char *
fill_placeholders (const char       *text,
                   const ArrayTexts *placeholders,
                   gsize            *length)
{
  g_autofree char *mark = g_strdup_printf ("\"\\u0001array-%s:", placeholders->key);
  gsize mark_length = strlen (mark);
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text, *hit;

  while ((hit = strstr (p, mark)) != NULL)
    {
      char *end = NULL;
      guint64 k = g_ascii_strtoull (hit + mark_length, &end, 10);

      g_string_append_len (out, p, hit - p);
      if (end == NULL || *end != '"' || k >= placeholders->texts->len)
        {
          g_string_append (out, mark);
          p = hit + mark_length;
          continue;
        }
      g_string_append (out, placeholders->texts->pdata[k]);
      p = end + 1;
    }
  g_string_append (out, p);
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

static void
copy_members (JsonObject *to, JsonObject *from)
{
  g_autoptr(GList) members = NULL;

  if (from == NULL)
    return;
  members = json_object_get_members (from);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (to, l->data, json_node_copy (json_object_get_member (from, l->data)));
}

static JsonNode *
process_to_json (const BslProcess *process,
                 ArrayTexts       *placeholders)
{
  JsonObject *object = json_object_new ();
  JsonObject *params = json_object_new ();
  JsonArray *shape = json_array_new ();
  BslEquationsText text;
  JsonObject *synapses;
  JsonNode *node;

  json_object_set_string_member (object, "name", process->name);
  json_object_set_string_member (object, "type", process->type->name);
  for (guint i = 0; i < process->ndim; i++)
    json_array_add_int_element (shape, (gint64) process->dims[i]);
  json_object_set_array_member (object, "shape", shape);
  if (bsl_process_get_equations (process, &text))
    {
      JsonObject *eq = json_object_new ();
      json_object_set_string_member (eq, "model", text.model);
      json_object_set_string_member (eq, "threshold", text.threshold);
      json_object_set_string_member (eq, "reset", text.reset);
      json_object_set_string_member (eq, "refractory", text.refractory);
      json_object_set_member (eq, "input", bsl_equations_input_to_json (text.input));
      json_object_set_string_member (eq, "method", text.method);
      if (text.tables != NULL)
        json_object_set_member (eq, "tables", bsl_equations_tables_to_json (text.tables));
      json_object_set_object_member (object, "equations", eq);
    }
  if ((synapses = bsl_process_synapses_to_json (process)) != NULL)
    json_object_set_object_member (object, "synapses", synapses);
  for (guint v = 0; v < process->type->n_vars; v++)
    {
      const BslArray *value = bsl_process_get_param (process, process->type->vars[v].name);
      if (value != NULL)
        json_object_set_member (params, process->type->vars[v].name, array_to_json (value, process, placeholders));
    }
  if (process->learning_rule != NULL)
    json_object_set_object_member (params, "learning_rule",
                                   bsl_learning_rule_to_json (process->learning_rule));
  json_object_set_object_member (object, "params", params);
  if (process->model != BSL_TAG_NONE)
    json_object_set_string_member (object, "model", bsl_tag_to_string (process->model));
  if (process->has_position || process->ui != NULL)
    {
      JsonObject *ui = json_object_new ();
      copy_members (ui, process->ui);
      if (process->has_position)
        {
          json_object_set_double_member (ui, "x", process->x);
          json_object_set_double_member (ui, "y", process->y);
        }
      json_object_set_object_member (object, "ui", ui);
    }
  copy_members (object, process->extra);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

/* json-glib 1.6 writes a whole double in exponent form as "1e+30.0", which is not JSON (nor
 * readable by json-glib). Drops the ".0" after the exponent of such numbers, and only of
 * numbers: text inside strings is the user's and stays as it is. */
static gboolean
is_broken_exponent (const char *token,
                    gsize       length)
{
  const char *e = memchr (token, 'e', length);

  if (e == NULL || length < 4 || token[length - 2] != '.' || token[length - 1] != '0')
    return FALSE;
  /* After the 'e': an optional sign, digits, then the stray ".0". */
  e++;
  if (*e == '+' || *e == '-')
    e++;
  if (e >= token + length - 2)
    return FALSE;
  for (; e < token + length - 2; e++)
    if (!g_ascii_isdigit (*e))
      return FALSE;
  return TRUE;
}

static char *
repair_exponents (char  *text,
                  gsize *length)
{
  GString *fixed = g_string_sized_new (strlen (text));
  gboolean in_string = FALSE;

  for (const char *p = text; *p != '\0';)
    {
      gsize n = 1;

      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            n = 2;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (g_ascii_isdigit (*p) || *p == '-')
        {
          n = strspn (p, "0123456789.eE+-");
          if (is_broken_exponent (p, n))
            {
              g_string_append_len (fixed, p, n - 2);
              p += n;
              continue;
            }
        }
      g_string_append_len (fixed, p, n);
      p += n;
    }
  g_free (text);
  if (length != NULL)
    *length = fixed->len;
  return g_string_free (fixed, FALSE);
}

char *
bsl_graph_to_data (const BslGraph *graph,
                   gsize          *length)
{
  JsonObject *root = json_object_new ();
  JsonObject *run = json_object_new ();
  JsonArray *processes = json_array_new ();
  JsonArray *connections = json_array_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  ArrayTexts placeholders;
  g_autofree char *generated = NULL;
  char *text;

  array_texts_init (&placeholders);
  json_object_set_string_member (root, "format", "basalt");
  json_object_set_int_member (root, "version", BSL_FILE_FORMAT_VERSION);
  json_object_set_string_member (run, "tag", bsl_tag_to_string (graph->run_tag));
  json_object_set_int_member (run, "steps", graph->run_steps);
  json_object_set_int_member (run, "seed", (gint64) graph->run_seed);
  json_object_set_object_member (root, "run", run);
  for (guint i = 0; i < graph->processes->len; i++)
    json_array_add_element (processes, process_to_json (g_ptr_array_index (graph->processes, i),
                                                        &placeholders));
  json_object_set_array_member (root, "processes", processes);
  for (guint i = 0; i < graph->connections->len; i++)
    {
      const BslConnection *c = g_ptr_array_index (graph->connections, i);
      JsonObject *conn = json_object_new ();
      g_autofree char *from = g_strdup_printf ("%s.%s", c->from_process, c->from_port);
      g_autofree char *to = g_strdup_printf ("%s.%s", c->to_process, c->to_port);
      json_object_set_string_member (conn, "from", from);
      json_object_set_string_member (conn, "to", to);
      json_array_add_object_element (connections, conn);
    }
  json_object_set_array_member (root, "connections", connections);
  if (graph->probes->len > 0)
    {
      JsonArray *probes = json_array_new ();
      for (guint i = 0; i < graph->probes->len; i++)
        json_array_add_string_element (probes, g_ptr_array_index (graph->probes, i));
      json_object_set_array_member (root, "probes", probes);
    }
  if (graph->groups != NULL)
    json_object_set_member (root, "groups", json_node_copy (graph->groups));
  copy_members (root, graph->extra);

  json_node_take_object (node, root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  generated = repair_exponents (json_generator_to_data (generator, NULL), NULL);
  text = fill_placeholders (generated, &placeholders, length);
  g_ptr_array_unref (placeholders.texts);
  return text;
}

gboolean
bsl_graph_save_file (const BslGraph  *graph,
                     const char      *path,
                     GError         **error)
{
  gsize length;
  g_autofree char *data = NULL;

  g_return_val_if_fail (graph != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  data = bsl_graph_to_data (graph, &length);
  return bsl_write_file_atomic (path, data, length, error);
}
