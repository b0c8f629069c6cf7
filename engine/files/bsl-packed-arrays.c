/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Large lists of numbers of a .basalt text read straight into doubles (see the header). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-alloc.h"
#include "bsl-packed-arrays.h"

/* Deeper than the plain-JSON check lets a text nest. */
#define MAX_FRAMES 300

/* A placeholder is the string "\u0001packed:NONCE:K": NONCE is random for each text, so that no
 * string a file holds can pass for one. */
#define PLACEHOLDER_PREFIX "\001packed:"

struct _BslPackedArrays
{
  guint64    nonce;
  GPtrArray *lists;   /* BslPackedArray *, K-th placeholder */
};

/* Where a container stands in a .basalt file, as far as packing cares. */
typedef enum
{
  PLACE_OTHER,
  PLACE_ROOT,
  PLACE_PROCESSES,
  PLACE_PROCESS,
  PLACE_PARAMS,
  PLACE_INITIALIZER,
} Place;

typedef struct
{
  Place       place;
  gboolean    is_object;
  gboolean    expect_key;
  gboolean    expect_value;  /* after '[' or ',' in a list, after ':' in an object */
  const char *key;          /* the member being read, as written (escapes not decoded) */
  gsize       key_length;
} Frame;

static gboolean
key_is (const Frame *frame,
        const char  *key)
{
  return frame->key != NULL && frame->key_length == strlen (key) &&
         memcmp (frame->key, key, frame->key_length) == 0;
}

/* The place of a container opened (with @bracket) as a value inside @parent (NULL: the
 * root), and in *@packable whether it is a list to pack (*@max_ndim: its most dimensions). */
static Place
child_place (const Frame *parent,
             char         bracket,
             gboolean    *packable,
             guint       *max_ndim)
{
  gboolean list = bracket == '[';

  *packable = FALSE;
  if (parent == NULL)
    return list ? PLACE_OTHER : PLACE_ROOT;
  switch (parent->place)
    {
    case PLACE_ROOT:
      return list && key_is (parent, "processes") ? PLACE_PROCESSES : PLACE_OTHER;
    case PLACE_PROCESSES:
      return list ? PLACE_OTHER : PLACE_PROCESS;
    case PLACE_PROCESS:
      return !list && key_is (parent, "params") ? PLACE_PARAMS : PLACE_OTHER;
    case PLACE_PARAMS:
      /* A learning rule is an object of its own keys, not an initializer. */
      if (key_is (parent, "learning_rule"))
        return PLACE_OTHER;
      *packable = list;
      *max_ndim = BSL_MAX_DIMS;
      return list ? PLACE_OTHER : PLACE_INITIALIZER;
    case PLACE_INITIALIZER:
      *packable = list && (key_is (parent, "index") || key_is (parent, "value"));
      *max_ndim = 1;
      return PLACE_OTHER;
    case PLACE_OTHER:
    default:
      return PLACE_OTHER;
    }
}

static gsize
skip_space (const char *data,
            gsize       length,
            gsize       i)
{
  while (i < length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
    i++;
  return i;
}

static gsize
skip_digits (const char *data,
             gsize       length,
             gsize       i)
{
  while (i < length && g_ascii_isdigit (data[i]))
    i++;
  return i;
}

/* The length of the plain JSON number at data[i] (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?)
 * when a ',' or ']' or white space follows it, else 0. An integer of more than 18 digits is
 * refused: json-glib's reading of one that may not fit 64 bits is left to json-glib. */
static gsize
number_length (const char *data,
               gsize       length,
               gsize       i,
               gboolean   *fraction)
{
  gsize start = i, digits;

  *fraction = FALSE;
  if (i < length && data[i] == '-')
    i++;
  if (i >= length || !g_ascii_isdigit (data[i]))
    return 0;
  digits = i;
  if (data[i] == '0')
    i++;
  else
    i = skip_digits (data, length, i);
  digits = i - digits;
  if (i < length && data[i] == '.')
    {
      gsize first = ++i;
      i = skip_digits (data, length, i);
      if (i == first)
        return 0;
      *fraction = TRUE;
    }
  if (i < length && (data[i] == 'e' || data[i] == 'E'))
    {
      gsize first;
      i++;
      if (i < length && (data[i] == '+' || data[i] == '-'))
        i++;
      first = i;
      i = skip_digits (data, length, i);
      if (i == first)
        return 0;
      *fraction = TRUE;
    }
  if (!*fraction && digits > 18)
    return 0;
  if (i >= length || !(data[i] == ',' || data[i] == ']' || data[i] == ' ' || data[i] == '\t' ||
                       data[i] == '\n' || data[i] == '\r'))
    return 0;
  return i - start;
}

/* Checks that the list opened at data[start] is a rectangular nested list of plain numbers, of at
 * most @max_ndim dimensions; fills its shape and *@end (after its ']'). No allocation. */
static gboolean
measure_list (const char     *data,
              gsize           length,
              gsize           start,
              guint           max_ndim,
              BslPackedArray *shape,
              gsize          *end)
{
  gsize counts[BSL_MAX_DIMS] = { 0 };
  gboolean dims_known[BSL_MAX_DIMS] = { FALSE };
  guint depth = 0;
  gsize i = start;

  shape->ndim = 0;
  shape->first_fraction = G_MAXSIZE;
  shape->n = 0;
  for (;;)
    {
      /* i is at the start of a value of the list at depth (0: the outer list itself). */
      if (data[i] == '[')
        {
          if (depth == max_ndim || (shape->ndim != 0 && depth >= shape->ndim))
            return FALSE;
          counts[depth++] = 0;
          i = skip_space (data, length, i + 1);
          if (i >= length || data[i] == ']')
            return FALSE;   /* an empty list: its shape is json-glib's to report */
          continue;
        }
      else
        {
          gboolean fraction;
          gsize n = number_length (data, length, i, &fraction);

          if (n == 0 || depth == 0 || (shape->ndim != 0 && depth != shape->ndim))
            return FALSE;
          shape->ndim = depth;
          if (fraction && shape->first_fraction == G_MAXSIZE)
            shape->first_fraction = shape->n;
          shape->n++;
          i += n;
        }
      /* After a value: ',' and the next one, or ']' closing one list or more. */
      for (;;)
        {
          i = skip_space (data, length, i);
          if (i >= length)
            return FALSE;
          if (data[i] == ',')
            {
              counts[depth - 1]++;
              i = skip_space (data, length, i + 1);
              if (i >= length)
                return FALSE;
              break;
            }
          if (data[i] != ']')
            return FALSE;
          counts[depth - 1]++;
          depth--;
          if (dims_known[depth] && counts[depth] != shape->dims[depth])
            return FALSE;
          shape->dims[depth] = counts[depth];
          dims_known[depth] = TRUE;
          i++;
          if (depth == 0)
            {
              *end = i;
              if (shape->first_fraction == G_MAXSIZE)
                shape->first_fraction = shape->n;
              return TRUE;
            }
        }
    }
}

/* Reads the numbers of a list measure_list() accepted. FALSE (nothing kept) when one is beyond a
 * double's range: json-glib reads it as infinity, and the loader names it. */
static gboolean
read_numbers (const char     *data,
              gsize           start,
              gsize           end,
              BslPackedArray *list)
{
  gsize k = 0;

  list->values = bsl_alloc_zeroed (list->n, sizeof (double));
  for (gsize i = start; i < end && k < list->n; i++)
    {
      char *after = NULL;

      if (data[i] != '-' && !g_ascii_isdigit (data[i]))
        continue;
      /* As json-glib reads them: an integer as a 64-bit integer, converted ("-0" is 0), a
       * number with a fraction or an exponent as a double ("-0.0" is -0.0). */
      list->values[k] = (double) g_ascii_strtoll (data + i, &after, 10);
      if (*after == '.' || *after == 'e' || *after == 'E')
        list->values[k] = g_ascii_strtod (data + i, &after);
      if (!isfinite (list->values[k]))
        {
          g_clear_pointer (&list->values, g_free);
          return FALSE;
        }
      k++;
      i = (gsize) (after - data) - 1;
    }
  return TRUE;
}

/* Columns are kept for lines up to this long; a longer one would cost its length in spaces. */
#define MAX_PADDING 65536

/* The placeholder text, with the line breaks of the list it stands for and the spaces that put
 * what follows in its column: json-glib's messages about later text keep their line and (after
 * a line of at most MAX_PADDING characters) their column. */
static void
append_placeholder (GString    *text,
                    guint64     nonce,
                    guint       k,
                    const char *list,
                    gsize       list_length)
{
  gsize start = text->len, last_line = 0;
  guint lines = 0;
  gsize tail;

  g_string_append_printf (text, "\"\\u0001packed:%016" G_GINT64_MODIFIER "x:%u\"", nonce, k);
  for (gsize i = 0; i < list_length; i++)
    if (list[i] == '\n')
      {
        lines++;
        last_line = i + 1;
      }
  for (guint l = 0; l < lines; l++)
    g_string_append_c (text, '\n');
  tail = lines > 0 ? list_length - last_line : list_length - MIN (list_length, text->len - start);
  for (gsize s = 0; s < MIN (tail, MAX_PADDING); s++)
    g_string_append_c (text, ' ');
}

/* Packs the list at data[start] into @arrays when it qualifies; *@end is then after it. */
static gboolean
try_pack (BslPackedArrays *arrays,
          const char      *data,
          gsize            length,
          gsize            start,
          guint            max_ndim,
          gsize            min_numbers,
          GString         *text,
          gsize           *end)
{
  g_autofree BslPackedArray *list = g_new0 (BslPackedArray, 1);

  if (!measure_list (data, length, start, max_ndim, list, end) || list->n < min_numbers ||
      !read_numbers (data, start, *end, list))
    return FALSE;
  append_placeholder (text, arrays->nonce, arrays->lists->len, data + start, *end - start);
  g_ptr_array_add (arrays->lists, g_steal_pointer (&list));
  return TRUE;
}

static void
packed_array_free (gpointer data)
{
  BslPackedArray *list = data;

  g_free (list->values);
  g_free (list);
}

/* The end of the string whose opening quote is at data[i]: after its closing quote. */
static gsize
string_end (const char *data,
            gsize       length,
            gsize       i)
{
  for (i++; i < length && data[i] != '"'; i++)
    if (data[i] == '\\')
      i++;
  return MIN (i + 1, length);
}

BslPackedArrays *
bsl_packed_arrays_extract (const char  *data,
                           gsize        length,
                           gsize        min_numbers,
                           GString    **text,
                           guint64     *structure)
{
  BslPackedArrays *arrays = g_new0 (BslPackedArrays, 1);
  Frame frames[MAX_FRAMES];
  guint depth = 0;
  gsize copied = 0;

  arrays->nonce = ((guint64) g_random_int () << 32) | g_random_int ();
  arrays->lists = g_ptr_array_new_with_free_func (packed_array_free);
  *text = g_string_sized_new (MIN (length, (gsize) 1 << 20));
  *structure = 0;
  for (gsize i = 0; i < length;)
    {
      char c = data[i];
      Frame *top = depth > 0 ? &frames[depth - 1] : NULL;
      /* Only a list where a value belongs is replaced: anywhere else json-glib reports it. */
      gboolean value_expected = top != NULL && top->expect_value;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          i++;
          continue;
        }
      if (c == ']' || c == '}')
        {
          depth -= depth > 0;
          i++;
          continue;
        }
      if (c == ',' || c == ':')
        {
          (*structure)++;
          if (top != NULL)
            {
              top->expect_key = c == ',' && top->is_object;
              top->expect_value = c == ':' ? top->is_object : !top->is_object;
            }
          i++;
          continue;
        }
      if (c == '"' && top != NULL && top->expect_key)
        {
          gsize end = string_end (data, length, i);
          top->key = data + i + 1;
          top->key_length = end - i - 2;
          top->expect_key = FALSE;
          i = end;
          continue;
        }
      /* The start of a value. */
      if (top != NULL)
        top->expect_key = top->expect_value = FALSE;
      if (c == '"')
        {
          i = string_end (data, length, i);
          continue;
        }
      if (c == '[' || c == '{')
        {
          gboolean packable;
          guint max_ndim = 0;
          Place place = child_place (top, c, &packable, &max_ndim);
          gsize end;

          (*structure)++;
          if (packable && value_expected)
            {
              g_string_append_len (*text, data + copied, i - copied);
              if (try_pack (arrays, data, length, i, max_ndim, min_numbers, *text, &end))
                {
                  copied = i = end;
                  continue;
                }
              copied = i;
            }
          if (depth < MAX_FRAMES)
            frames[depth++] = (Frame) { place, c == '{', c == '{', c == '[', NULL, 0 };
        }
      i++;
    }
  g_string_append_len (*text, data + copied, length - copied);
  return arrays;
}

void
bsl_packed_arrays_free (BslPackedArrays *arrays)
{
  if (arrays == NULL)
    return;
  g_ptr_array_unref (arrays->lists);
  g_free (arrays);
}

guint64
bsl_packed_arrays_bytes (const BslPackedArrays *arrays)
{
  guint64 bytes = 0;

  for (guint k = 0; k < arrays->lists->len; k++)
    bytes += ((const BslPackedArray *) g_ptr_array_index (arrays->lists, k))->n * sizeof (double);
  return bytes;
}

BslPackedArray *
bsl_packed_arrays_lookup (const BslPackedArrays *arrays,
                          JsonNode              *node)
{
  const char *text;
  char *end;
  guint64 nonce, k;

  if (arrays == NULL || node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (node);
  if (!g_str_has_prefix (text, PLACEHOLDER_PREFIX))
    return NULL;
  text += strlen (PLACEHOLDER_PREFIX);
  nonce = g_ascii_strtoull (text, &end, 16);
  if (end != text + 16 || *end != ':' || nonce != arrays->nonce)
    return NULL;
  text = end + 1;
  k = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || k >= arrays->lists->len)
    return NULL;
  return g_ptr_array_index (arrays->lists, k);
}

gboolean
bsl_packed_arrays_in_object (const BslPackedArrays *arrays,
                             JsonObject            *object)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (bsl_packed_arrays_lookup (arrays, json_object_get_member (object, l->data)) != NULL)
      return TRUE;
  return FALSE;
}

BslArray *
bsl_packed_array_take (BslPackedArray *packed)
{
  BslArray *array;

  g_return_val_if_fail (packed != NULL, NULL);

  if (packed->values == NULL)
    return NULL;
  array = g_new0 (BslArray, 1);
  array->ndim = packed->ndim;
  memcpy (array->dims, packed->dims, sizeof array->dims);
  array->n = packed->n;
  array->data = g_steal_pointer (&packed->values);
  return array;
}
