/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Numbers and arrays of a .basalt file as a person would write them: 0.1, not
 * 0.10000000000000001, and a matrix as rows rather than one number per line. */
#include "config.h"

#include <math.h>

#include "bsl-json-numbers.h"

void
_bsl_json_append_number (GString *s,
                         double   x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (x == floor (x) && fabs (x) < 9007199254740992.0)
    {
      g_string_append_printf (s, "%" G_GINT64_FORMAT, (gint64) x);
      return;
    }
  /* The fewest significant digits that give x back; 17 always do. */
  for (int digits = 1; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, x);
      if (g_ascii_strtod (buf, NULL) == x)
        break;
    }
  g_string_append (s, buf);
}

static void
append_nested (GString *s, const BslArray *a, guint dim, gsize *offset, guint indent)
{
  guint ndim = MIN (a->ndim, BSL_MAX_DIMS);

  if (dim >= ndim)
    return;
  g_string_append_c (s, '[');
  for (gsize k = 0; k < a->dims[dim]; k++)
    {
      if (k > 0)
        {
          /* rows of a matrix (and of each outer block) start a new line */
          if (dim + 1 < ndim)
            g_string_append_printf (s, ",\n%*s", (int) (indent + dim + 1), "");
          else
            g_string_append (s, ", ");
        }
      if (dim + 1 < ndim)
        append_nested (s, a, dim + 1, offset, indent);
      else
        _bsl_json_append_number (s, a->data[(*offset)++]);
    }
  g_string_append_c (s, ']');
}

/* A large matrix of mostly zeros is written as the sparse initializer: its non-zero elements. */
#define SPARSE_MIN_ELEMENTS 1024

static gboolean
append_sparse (GString *s, const BslArray *a)
{
  gsize nonzero = 0, written = 0;

  if (a->ndim != 2 || a->n < SPARSE_MIN_ELEMENTS)
    return FALSE;
  for (gsize k = 0; k < a->n; k++)
    nonzero += a->data[k] != 0.0;
  if (nonzero * 4 > a->n)
    return FALSE;
  g_string_append (s, "{\"init\": \"sparse\", \"index\": [");
  for (gsize k = 0; k < a->n; k++)
    if (a->data[k] != 0.0)
      g_string_append_printf (s, "%s%" G_GSIZE_FORMAT, written++ ? ", " : "", k);
  g_string_append (s, "],\n          \"value\": [");
  written = 0;
  for (gsize k = 0; k < a->n; k++)
    if (a->data[k] != 0.0)
      {
        if (written++)
          g_string_append (s, ", ");
        _bsl_json_append_number (s, a->data[k]);
      }
  g_string_append (s, "]}");
  return TRUE;
}

char *
_bsl_json_array_text (const BslArray *array,
                      guint           indent,
                      gboolean        sparse_allowed)
{
  GString *s = g_string_new (NULL);
  gsize offset = 0;

  if (sparse_allowed && append_sparse (s, array))
    ;
  else if (array->ndim == 0)
    _bsl_json_append_number (s, array->data[0]);
  else
    append_nested (s, array, 0, &offset, indent);
  return g_string_free (s, FALSE);
}

void
_bsl_json_builder_add_number (JsonBuilder *builder,
                              const char  *name,
                              double       value)
{
  if (name != NULL)
    json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
