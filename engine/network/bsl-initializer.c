/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parameter initializers. The generators are specified in docs/file-format.md so that the
 * engine, the C export and a reload produce the same numbers. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bsl-csv.h"
#include "bsl-error.h"
#include "bsl-limits.h"
#include "bsl-network-file.h"
#include "bsl-packed-arrays.h"
#include "bsl-random.h"

static gboolean
get_number (JsonObject *object, const char *key, double fallback, double *value, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "initializer key '%s' must be a number", key);
      return FALSE;
    }
  *value = json_node_get_double (node);
  if (!isfinite (*value))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "initializer key '%s' is not finite", key);
      return FALSE;
    }
  return TRUE;
}

/* The generators take an unsigned 64-bit seed; a negative, fractional or huge one would be
 * converted differently on different machines (the conversion is undefined in C). */
static gboolean
get_seed (JsonObject *object, guint64 *seed, GError **error)
{
  double x;

  if (!get_number (object, "seed", 0, &x, error))
    return FALSE;
  if (x < 0 || x >= 18446744073709551616.0 || x != floor (x))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "initializer key 'seed' = %g must be a whole number from 0 to 2^64 - 1", x);
      return FALSE;
    }
  *seed = (guint64) x;
  return TRUE;
}

/* The real path of @path (symbolic links followed), or its lexical form when it does not
 * exist. */
static char *
resolved_path (const char *path)
{
  char *real = realpath (path, NULL);
  char *resolved;

  if (real == NULL)
    return g_canonicalize_filename (path, NULL);
  resolved = g_strdup (real);
  free (real);
  return resolved;
}

static gboolean
path_is_below (const char *path,
               const char *folder)
{
  g_autofree char *root = resolved_path (folder);
  gsize len = strlen (root);

  if (g_str_equal (root, "/"))
    return TRUE;
  return strncmp (path, root, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

/* A network file is shared like a document: the data files it names are read only from its own
 * folder and below, or from the folders the user lists in BASALT_DATA_PATH, so that opening one
 * cannot read (and show in a message) any file the user can read. */
static gboolean
check_file_allowed (const char  *path,
                    const char  *base_dir,
                    GError     **error)
{
  g_autofree char *cwd = g_get_current_dir ();
  const char *home = base_dir != NULL ? base_dir : cwd;
  g_autofree char *real = resolved_path (path);
  g_auto(GStrv) extra = g_strsplit (g_getenv ("BASALT_DATA_PATH") ?: "",
                                    G_SEARCHPATH_SEPARATOR_S, -1);

  if (path_is_below (real, home))
    return TRUE;
  for (guint i = 0; extra[i] != NULL; i++)
    if (*extra[i] != '\0' && path_is_below (real, extra[i]))
      return TRUE;
  g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
               "initializer key 'file': %s is outside the network's folder %s (a network reads "
               "data files from its folder and below; list other folders in BASALT_DATA_PATH)",
               path, home);
  return FALSE;
}

static BslArray *
load_csv_matrix (const char *path, GError **error)
{
  g_auto(BslCsvReader) reader = { 0 };
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  gsize rows = 0, cols = 0;
  const char *line;
  BslArray *array;

  if (!bsl_csv_reader_open (&reader, path, error))
    return NULL;
  while ((line = bsl_csv_reader_next_line (&reader)) != NULL)
    {
      g_auto(GStrv) fields = g_strsplit_set (line, ",; \t", -1);
      guint n = 0;

      for (guint f = 0; fields[f] != NULL; f++)
        {
          char *end;
          double x;

          if (*fields[f] == '\0')
            continue;
          x = g_ascii_strtod (fields[f], &end);
          if (*end != '\0' || !isfinite (x))
            {
              /* The field itself is not repeated: the message shows no content of the file. */
              g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                           "%s:%u: value %u is not a finite number", path, reader.line_no, n + 1);
              return NULL;
            }
          g_array_append_val (values, x);
          n++;
        }
      if (rows > 0 && n != cols)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s:%u: row has %u values, the rows before have %" G_GSIZE_FORMAT,
                       path, reader.line_no, n, cols);
          return NULL;
        }
      cols = n;
      rows++;
    }
  array = bsl_array_new_matrix (rows, cols);
  if (values->len > 0)
    memcpy (array->data, values->data, values->len * sizeof (double));
  return array;
}

/* A list of an initializer object: a JSON array, or a list read straight into doubles. */
typedef struct
{
  JsonArray      *json;
  BslPackedArray *packed;
} NumberList;

static gboolean
number_list_get (JsonObject            *object,
                 const char            *key,
                 const BslPackedArrays *packed,
                 NumberList            *list)
{
  JsonNode *node = json_object_get_member (object, key);

  list->packed = bsl_packed_arrays_lookup (packed, node);
  list->json = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  return list->packed != NULL || list->json != NULL;
}

static gsize
number_list_length (const NumberList *list)
{
  return list->packed != NULL ? list->packed->n : json_array_get_length (list->json);
}

/* Element k as a double; FALSE when it is not a number, or when @integer and it was not
 * written as an integer. */
static gboolean
number_list_element (const NumberList *list,
                     gsize             k,
                     gboolean          integer,
                     double           *value)
{
  JsonNode *node;
  GType type;

  if (list->packed != NULL)
    {
      *value = list->packed->values[k];
      return !integer || k < list->packed->first_fraction;
    }
  node = json_array_get_element (list->json, k);
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE && !integer)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

/* "sparse": the non-zero elements of a matrix, "index" (row-major positions) and "value". */
static gboolean
fill_sparse (JsonObject            *object,
             const BslPackedArrays *packed,
             BslArray              *array,
             GError               **error)
{
  NumberList index, value;

  if (!number_list_get (object, "index", packed, &index) ||
      !number_list_get (object, "value", packed, &value))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "the sparse initializer needs the lists "
                   "\"index\" (positions in row-major order) and \"value\"");
      return FALSE;
    }
  if (number_list_length (&index) != number_list_length (&value))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "the sparse initializer has %" G_GSIZE_FORMAT
                   " positions but %" G_GSIZE_FORMAT " values", number_list_length (&index),
                   number_list_length (&value));
      return FALSE;
    }
  for (gsize k = 0; k < number_list_length (&index); k++)
    {
      double position, x;

      if (!number_list_element (&index, k, TRUE, &position) || position < 0 ||
          position >= (double) array->n)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "sparse initializer: index[%"
                       G_GSIZE_FORMAT "] must be a whole number from 0 to %" G_GSIZE_FORMAT, k,
                       array->n - 1);
          return FALSE;
        }
      if (!number_list_element (&value, k, FALSE, &x))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "sparse initializer: value[%"
                       G_GSIZE_FORMAT "] must be a number", k);
          return FALSE;
        }
      array->data[(gsize) position] = x;
    }
  return TRUE;
}

BslArray *
bsl_initializer_expand (JsonNode     *init,
                        guint         ndim,
                        const gsize  *dims,
                        const char   *base_dir,
                        GError      **error)
{
  return _bsl_initializer_expand_packed (init, ndim, dims, base_dir, NULL, error);
}

/* {"file": ...}: a .npy or CSV file in the network's folder (or BASALT_DATA_PATH). */
static BslArray *
load_file_initializer (JsonObject  *object,
                       const char  *base_dir,
                       GError     **error)
{
  JsonNode *node = json_object_get_member (object, "file");
  /* Not json_object_get_string_member_with_default: it warns on a list or an object. */
  const char *file = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
  g_autofree char *path = NULL;

  if (file == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "initializer key 'file' must be a string");
      return NULL;
    }
  path = g_path_is_absolute (file) || base_dir == NULL ? g_strdup (file)
                                                        : g_build_filename (base_dir, file, NULL);
  if (!check_file_allowed (path, base_dir, error))
    return NULL;
  /* A device such as /dev/zero would be read without end. */
  if (g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "initializer key 'file': %s is not a "
                   "regular file", path);
      return NULL;
    }
  return g_str_has_suffix (file, ".npy") ? bsl_npy_load (path, error)
                                         : load_csv_matrix (path, error);
}

/* Connection probability: a separate stream (seed + 1) keeps element k with probability p, so
 * changing p does not change the values of the synapses that stay. */
static gboolean
apply_probability (JsonObject  *object,
                   BslArray    *array,
                   GError     **error)
{
  double p;
  guint64 seed;
  BslRandom rng;

  if (!get_number (object, "p", 1, &p, error) || !get_seed (object, &seed, error))
    return FALSE;
  if (p < 0 || p > 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "initializer key 'p' = %g must be a probability between 0 and 1", p);
      return FALSE;
    }
  bsl_random_init_mix64 (&rng, seed + 1);
  for (gsize k = 0; k < array->n; k++)
    if (bsl_random_uniform (&rng) >= p)
      array->data[k] = 0.0;
  return TRUE;
}

BslArray *
_bsl_initializer_expand_packed (JsonNode              *init,
                                guint                  ndim,
                                const gsize           *dims,
                                const char            *base_dir,
                                const BslPackedArrays *packed,
                                GError               **error)
{
  JsonObject *object;
  const char *kind;
  g_autoptr(BslArray) array = NULL;
  double round_values = 0;

  if (!JSON_NODE_HOLDS_OBJECT (init))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "an initializer must be a JSON object");
      return NULL;
    }
  object = json_node_get_object (init);

  if (json_object_has_member (object, "file"))
    return load_file_initializer (object, base_dir, error);

  kind = json_object_has_member (object, "init") &&
         JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "init"))
           ? json_node_get_string (json_object_get_member (object, "init")) : NULL;
  if (kind == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "an initializer needs \"init\" (constant, uniform, normal, one_to_one, sparse) or "
                   "\"file\"");
      return NULL;
    }
  if (!get_number (object, "round", 0, &round_values, error))
    return NULL;
  if (json_object_has_member (object, "round") &&
      json_node_get_value_type (json_object_get_member (object, "round")) == G_TYPE_BOOLEAN)
    round_values = json_object_get_boolean_member (object, "round");

  array = bsl_array_new (ndim, dims);
  if (g_str_equal (kind, "constant"))
    {
      double value;
      if (!get_number (object, "value", 0, &value, error))
        return NULL;
      for (gsize k = 0; k < array->n; k++)
        array->data[k] = value;
    }
  else if (g_str_equal (kind, "uniform"))
    {
      double low, high;
      guint64 seed;
      BslRandom rng;
      if (!get_number (object, "low", 0, &low, error) ||
          !get_number (object, "high", 1, &high, error) ||
          !get_seed (object, &seed, error))
        return NULL;
      bsl_random_init_mix64 (&rng, seed);
      for (gsize k = 0; k < array->n; k++)
        array->data[k] = low + (high - low) * bsl_random_uniform (&rng);
    }
  else if (g_str_equal (kind, "normal"))
    {
      double mean, std;
      guint64 seed;
      BslRandom rng;
      if (!get_number (object, "mean", 0, &mean, error) ||
          !get_number (object, "std", 1, &std, error) ||
          !get_seed (object, &seed, error))
        return NULL;
      bsl_random_init_mix64 (&rng, seed);
      for (gsize k = 0; k < array->n; k++)
        {
          /* Box-Muller, cosine branch only: one normal from two uniforms. */
          double u1 = 1.0 - bsl_random_uniform (&rng);
          double u2 = bsl_random_uniform (&rng);
          array->data[k] = mean + std * sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
        }
    }
  else if (g_str_equal (kind, "sparse"))
    {
      if (!fill_sparse (object, packed, array, error))
        return NULL;
    }
  else if (g_str_equal (kind, "one_to_one"))
    {
      double value;
      if (ndim != 2)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "the one_to_one initializer needs a matrix parameter");
          return NULL;
        }
      if (!get_number (object, "value", 1, &value, error))
        return NULL;
      for (gsize i = 0; i < MIN (dims[0], dims[1]); i++)
        array->data[i * dims[1] + i] = value;
    }
  else
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "unknown initializer '%s' (use constant, uniform, normal, one_to_one, sparse or file)",
                   kind);
      return NULL;
    }
  if (round_values != 0)
    for (gsize k = 0; k < array->n; k++)
      array->data[k] = round (array->data[k]);
  if (json_object_has_member (object, "p") && !apply_probability (object, array, error))
    return NULL;
  return g_steal_pointer (&array);
}
