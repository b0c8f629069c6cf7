/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The inspector's value texts: what a parameter's editor shows, what typed text means, and the
 * hint under the editor. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-network-file.h"

#include "basalt-inspector-private.h"

/* Above this many values an editor shows a summary instead of every number. */
#define MAX_LISTED_VALUES 64

static void
append_number (GString *out,
               double   x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (x == floor (x) && fabs (x) < 1e15)
    g_string_append_printf (out, "%.0f", x);
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.10g", x));
}

char *
basalt_inspector_format_value (const BslArray *value)
{
  GString *out;

  if (value == NULL)
    return g_strdup ("");

  if (value->init != NULL)
    return json_to_string (value->init, FALSE);

  out = g_string_new (NULL);
  if (value->ndim == 0)
    append_number (out, value->data[0]);
  else if (value->n > MAX_LISTED_VALUES)
    {
      double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
      g_autofree char *shape = bsl_shape_to_string (value->ndim, value->dims);

      for (gsize i = 0; i < value->n; i++)
        {
          lo = MIN (lo, value->data[i]);
          hi = MAX (hi, value->data[i]);
        }
      g_string_append_printf (out, "%s values, ", shape);
      append_number (out, lo);
      g_string_append (out, " … ");
      append_number (out, hi);
    }
  else if (value->ndim == 1)
    for (gsize i = 0; i < value->n; i++)
      {
        if (i > 0)
          g_string_append (out, ", ");
        append_number (out, value->data[i]);
      }
  else
    {
      gsize cols = value->n / MAX (value->dims[0], 1);

      g_string_append_c (out, '[');
      for (gsize r = 0; r < value->dims[0]; r++)
        {
          g_string_append (out, r ? ", [" : "[");
          for (gsize c = 0; c < cols; c++)
            {
              if (c > 0)
                g_string_append (out, ", ");
              append_number (out, value->data[r * cols + c]);
            }
          g_string_append_c (out, ']');
        }
      g_string_append_c (out, ']');
    }

  return g_string_free (out, FALSE);
}

/* Nested JSON arrays of numbers -> flat data + dims. */
static gboolean
flatten_json (JsonNode  *node,
              guint      depth,
              guint     *ndim,
              gsize     *dims,
              GArray    *out,
              GError   **error)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);
      double x;

      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE && type != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "only numbers are allowed");
          return FALSE;
        }
      if (*ndim == G_MAXUINT)
        *ndim = depth;
      else if (*ndim != depth)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the rows are ragged");
          return FALSE;
        }
      x = json_node_get_double (node);
      g_array_append_val (out, x);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (depth >= BSL_MAX_DIMS)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "too many dimensions");
          return FALSE;
        }
      if (dims[depth] == 0)
        dims[depth] = n;
      else if (dims[depth] != n)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the rows are ragged");
          return FALSE;
        }
      for (guint i = 0; i < n; i++)
        if (!flatten_json (json_array_get_element (array, i), depth + 1, ndim, dims, out, error))
          return FALSE;
      return TRUE;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "only numbers are allowed");
  return FALSE;
}

/* An initializer object ({"init": ...} or {"file": ...}) expanded to the Var's shape. */
static BslArray *
expand_initializer (const BslProcess *process,
                    const BslVarSpec *spec,
                    JsonNode         *root,
                    gboolean          have_shape,
                    guint             want_ndim,
                    const gsize      *want_dims,
                    const char       *base_dir,
                    GError          **error)
{
  BslArray *array;

  if (!have_shape)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s': parameter '%s' cannot be given by an initializer",
                   bsl_process_get_name (process), spec->name);
      return NULL;
    }
  array = bsl_initializer_expand (root, want_ndim, want_dims, base_dir, error);
  if (array == NULL)
    return NULL;
  if (array->ndim != want_ndim || memcmp (array->dims, want_dims, sizeof (gsize) * want_ndim) != 0)
    {
      g_autofree char *got = bsl_shape_to_string (array->ndim, array->dims);
      g_autofree char *want = bsl_shape_to_string (want_ndim, want_dims);
      JsonObject *object = json_node_get_object (root);
      const char *source = json_object_has_member (object, "file")
                           ? json_object_get_string_member_with_default (object, "file", "the file")
                           : "the initializer";

      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "process '%s' (%s): parameter '%s': %s holds shape %s but the parameter needs %s",
                   bsl_process_get_name (process), bsl_process_get_proc_type (process)->name, spec->name,
                   source, got, want);
      bsl_array_free (array);
      return NULL;
    }
  if (array->init == NULL)
    array->init = json_node_copy (root);
  return array;
}

static BslArray *
parse_text (const BslProcess *process,
            const BslVarSpec *spec,
            const char       *text,
            const char       *base_dir,
            GError          **error)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) tokens = NULL;
  guint want_ndim = 0;
  gsize want_dims[BSL_MAX_DIMS] = { 0 };
  gboolean have_shape;
  BslArray *array;

  have_shape = bsl_var_spec_shape (spec, bsl_process_get_ndim (process), bsl_process_get_dims (process),
                                   &want_ndim, want_dims);

  if (text[0] == '{' || text[0] == '[')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) local_error = NULL;
      JsonNode *root;
      guint ndim = G_MAXUINT;
      gsize dims[BSL_MAX_DIMS] = { 0 };

      if (!json_parser_load_from_data (parser, text, -1, &local_error))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s': %s",
                       bsl_process_get_name (process), spec->name, local_error->message);
          return NULL;
        }
      root = json_parser_get_root (parser);

      if (JSON_NODE_HOLDS_OBJECT (root))
        return expand_initializer (process, spec, root, have_shape, want_ndim, want_dims, base_dir,
                                   error);
      if (!flatten_json (root, 0, &ndim, dims, values, &local_error))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s': %s",
                       bsl_process_get_name (process), spec->name, local_error->message);
          return NULL;
        }
      if (ndim == G_MAXUINT || values->len == 0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s' is empty",
                       bsl_process_get_name (process), spec->name);
          return NULL;
        }
      array = bsl_array_new (ndim, dims);
      memcpy (array->data, values->data, sizeof (double) * values->len);
      return array;
    }

  tokens = g_regex_split_simple ("[,;\\s]+", text, 0, 0);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      char *end = NULL;
      double x;

      if (token[0] == '\0')
        continue;

      /* Enum Vars take their names as well as their indices. */
      if (spec->flags & BSL_VAR_ENUM && spec->enum_names != NULL)
        {
          gboolean found = FALSE;

          for (guint k = 0; spec->enum_names[k] != NULL; k++)
            if (g_ascii_strcasecmp (spec->enum_names[k], token) == 0)
              {
                x = k;
                g_array_append_val (values, x);
                found = TRUE;
                break;
              }
          if (found)
            continue;
        }

      x = g_ascii_strtod (token, &end);
      if (end == token || *end != '\0')
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "process '%s': parameter '%s': '%s' is not a number",
                       bsl_process_get_name (process), spec->name, token);
          return NULL;
        }
      g_array_append_val (values, x);
    }

  if (values->len == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s' is empty",
                   bsl_process_get_name (process), spec->name);
      return NULL;
    }

  if (values->len == 1)
    return bsl_array_new_scalar (g_array_index (values, double, 0));

  /* A flat list that fills the Var's shape exactly takes that shape (rows first). */
  if (have_shape && want_ndim > 1)
    {
      gsize n = 1;

      for (guint d = 0; d < want_ndim; d++)
        n *= want_dims[d];
      if (n == values->len)
        {
          array = bsl_array_new (want_ndim, want_dims);
          memcpy (array->data, values->data, sizeof (double) * values->len);
          return array;
        }
    }

  return bsl_array_new_vector (values->len, &g_array_index (values, double, 0));
}

BslArray *
basalt_inspector_parse_value (const BslProcess *process,
                              const BslVarSpec *spec,
                              const char       *text,
                              BslTag            tag,
                              const char       *base_dir,
                              GError          **error)
{
  g_autoptr(BslArray) array = NULL;
  g_autoptr(BslProcess) probe = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (process != NULL, NULL);
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  stripped = g_strstrip (g_strdup (text));
  if ((array = parse_text (process, spec, stripped, base_dir, error)) == NULL)
    return NULL;

  /* Check the value alone, on a process of the same type and shape, as a run would. An
   * Equations process has parameters without defaults: its other values come along. */
  if (bsl_proc_type_is_equations (bsl_process_get_proc_type (process)))
    probe = bsl_process_copy (process);
  else
    probe = bsl_process_new (bsl_process_get_proc_type (process), bsl_process_get_name (process),
                             bsl_process_get_ndim (process), bsl_process_get_dims (process));
  if (!bsl_process_set_param (probe, spec->name, bsl_array_copy (array), error) ||
      !bsl_process_validate (probe, tag, error))
    return NULL;

  return g_steal_pointer (&array);
}

char *
basalt_inspector_describe_var (const BslVarSpec *spec,
                               BslTag            tag)
{
  GString *out = g_string_new (NULL);
  gboolean fixed = tag == BSL_TAG_FIXED_PT;
  double lo = fixed ? spec->fixed_min : spec->float_min;
  double hi = fixed ? spec->fixed_max : spec->float_max;

  if (fixed && (spec->flags & BSL_VAR_FLOAT_ONLY))
    g_string_append (out, "not used under fixed_pt");
  else if (!fixed && (spec->flags & BSL_VAR_FIXED_ONLY))
    g_string_append (out, "not used under floating_pt");
  else if (spec->flags & BSL_VAR_ENUM)
    g_string_append (out, "one of the listed modes");
  else
    {
      if ((fixed && (spec->flags & BSL_VAR_INTEGER)) || (spec->flags & BSL_VAR_COUNT))
        g_string_append (out, "integer, ");
      if (isfinite (lo) && isfinite (hi) && lo > -1e300 && hi < 1e300)
        {
          g_string_append (out, fixed ? "Loihi 2 range " : "range ");
          append_number (out, lo);
          g_string_append (out, " … ");
          append_number (out, hi);
        }
      else if (isfinite (lo) && lo > -1e300)
        {
          g_string_append (out, "≥ ");
          append_number (out, lo);
        }
      else
        g_string_append (out, "any real number");
    }

  if (spec->unit != NULL && spec->unit[0] != '\0')
    g_string_append_printf (out, " (%s)", spec->unit);
  /* A parameter of an Equations process has no default: it must be given. */
  if (isnan (spec->default_value))
    g_string_append (out, "; no default, must be set");
  else if (!(spec->flags & BSL_VAR_ENUM))
    {
      g_string_append (out, "; default ");
      append_number (out, spec->default_value);
    }
  if (spec->flags & BSL_VAR_STATE)
    g_string_append (out, "; state");

  return g_string_free (out, FALSE);
}

/* What shape a parameter takes on this process, before what its values may be: "any real number"
 * alone would hide that RingBuffer data is a matrix. NULL for a single value. */
static char *
describe_shape (const BslVarSpec *spec,
                const BslProcess *process)
{
  gboolean broadcast = (spec->flags & BSL_VAR_BROADCAST) != 0;
  guint ndim = bsl_process_get_ndim (process);
  const gsize *dims = bsl_process_get_dims (process);
  gsize n = ndim > 0 ? dims[0] : 1;

  switch (spec->shape)
    {
    case BSL_SHAPE_TIME_SERIES:
      return g_strdup_printf ("(%" G_GSIZE_FORMAT ", T) matrix: a row per neuron, a column per step "
                              "(any T ≥ 1, repeated)", n);
    case BSL_SHAPE_POPULATION:
      if (ndim == 2)
        return g_strdup_printf ("(%" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT ") matrix, a row per output%s",
                                dims[0], dims[1], broadcast ? ", or one value for all" : "");
      if (n > 1)
        return g_strdup_printf ("%s%" G_GSIZE_FORMAT " values, one per neuron", broadcast ? "one value, or " : "",
                                n);
      return NULL;
    case BSL_SHAPE_ROWS:
    case BSL_SHAPE_COLUMNS:
      {
        gsize count = spec->shape == BSL_SHAPE_ROWS || ndim < 2 ? n : dims[1];

        if (count <= 1)
          return NULL;
        return g_strdup_printf ("%s%" G_GSIZE_FORMAT " values, one per %s", broadcast ? "one value, or " : "", count,
                                spec->shape == BSL_SHAPE_ROWS ? "output" : "input");
      }
    case BSL_SHAPE_SCALAR:
    default:
      return NULL;
    }
}

char *
_basalt_inspector_describe_param (const BslVarSpec *spec,
                                  const BslProcess *process,
                                  BslTag            tag)
{
  g_autofree char *shape = describe_shape (spec, process);
  g_autofree char *values = basalt_inspector_describe_var (spec, tag);

  if (shape == NULL)
    return g_steal_pointer (&values);
  return g_strdup_printf ("%s; each value: %s", shape, values);
}
