/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NumPy .npy arrays: version 1-3 headers, little or big endian, bool/int/uint/float of any
 * standard size, C or Fortran order. */
#include "config.h"

#include <string.h>

#include "bsl-atomic-file.h"
#include "bsl-error.h"
#include "bsl-limits.h"
#include "bsl-network-file.h"

static gboolean
parse_header (const char *header,
              char       *kind,
              gboolean   *big_endian,
              guint      *item_size,
              gboolean   *fortran,
              guint      *ndim,
              gsize      *dims)
{
  const char *descr = strstr (header, "'descr'");
  const char *order = strstr (header, "'fortran_order'");
  const char *shape = strstr (header, "'shape'");
  const char *p;

  if (descr == NULL || order == NULL || shape == NULL)
    return FALSE;
  p = strchr (descr + 7, '\'');
  if (p == NULL || strlen (p) < 4)
    return FALSE;
  p++;
  *big_endian = *p == '>';
  if (*p == '<' || *p == '>' || *p == '|' || *p == '=')
    p++;
  *kind = *p++;
  *item_size = (guint) g_ascii_strtoull (p, NULL, 10);
  p = order + strlen ("'fortran_order'");
  while (*p == ' ' || *p == ':')
    p++;
  *fortran = g_str_has_prefix (p, "True");
  p = strchr (shape, '(');
  if (p == NULL)
    return FALSE;
  p++;
  *ndim = 0;
  while (*p != ')' && *p != '\0')
    {
      char *end;
      guint64 d;

      while (*p == ' ' || *p == ',')
        p++;
      if (*p == ')')
        break;
      /* g_ascii_strtoull would read "-1" as 2^64 - 1. */
      if (!g_ascii_isdigit (*p))
        return FALSE;
      d = g_ascii_strtoull (p, &end, 10);
      if (end == p || *ndim >= BSL_MAX_DIMS)
        return FALSE;
      dims[(*ndim)++] = d;
      p = end;
    }
  return *p == ')';
}

static double
read_item (const guchar *src, char kind, guint size, gboolean big_endian)
{
  guchar buf[8];

  for (guint b = 0; b < size; b++)
    buf[b] = big_endian ? src[size - 1 - b] : src[b];
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (guint b = 0; b < size / 2; b++)
    {
      guchar tmp = buf[b];
      buf[b] = buf[size - 1 - b];
      buf[size - 1 - b] = tmp;
    }
#endif
  switch (kind)
    {
    case 'f':
      if (size == 8) { double d; memcpy (&d, buf, 8); return d; }
      if (size == 4) { float f; memcpy (&f, buf, 4); return f; }
      break;
    case 'i':
      if (size == 1) return (gint8) buf[0];
      if (size == 2) { gint16 v; memcpy (&v, buf, 2); return v; }
      if (size == 4) { gint32 v; memcpy (&v, buf, 4); return v; }
      if (size == 8) { gint64 v; memcpy (&v, buf, 8); return (double) v; }
      break;
    case 'u':
    case 'b':
      if (size == 1) return buf[0];
      if (size == 2) { guint16 v; memcpy (&v, buf, 2); return v; }
      if (size == 4) { guint32 v; memcpy (&v, buf, 4); return v; }
      if (size == 8) { guint64 v; memcpy (&v, buf, 8); return (double) v; }
      break;
    default:
      break;
    }
  return 0.0;
}

BslArray *
bsl_npy_load (const char  *path,
              GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  g_autofree char *contents = NULL;
  gsize length, header_len, offset, n = 1;
  g_autofree char *header = NULL;
  char kind = 0;
  gboolean big_endian = FALSE, fortran = FALSE;
  guint item_size = 0, ndim = 0;
  gsize dims[BSL_MAX_DIMS] = { 0 };
  const guchar *data;
  BslArray *array;

  if (!bsl_read_regular_file (path, &contents, &length, error))
    return NULL;
  if (length < 10 || memcmp (contents, "\x93NUMPY", 6) != 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: not a NumPy .npy file", path);
      return NULL;
    }
  if ((guchar) contents[6] == 1)
    {
      header_len = (guchar) contents[8] | ((gsize) (guchar) contents[9] << 8);
      offset = 10;
    }
  else
    {
      if (length < 12)
        goto truncated;
      header_len = (guchar) contents[8] | ((gsize) (guchar) contents[9] << 8) |
                   ((gsize) (guchar) contents[10] << 16) | ((gsize) (guchar) contents[11] << 24);
      offset = 12;
    }
  if (offset + header_len > length)
    goto truncated;
  header = g_strndup (contents + offset, header_len);
  if (!parse_header (header, &kind, &big_endian, &item_size, &fortran, &ndim, dims) ||
      !strchr ("fiub", kind) || !(item_size == 1 || item_size == 2 || item_size == 4 || item_size == 8) ||
      (kind == 'f' && item_size < 4))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: unsupported .npy header (Basalt reads bool, integer and float arrays): %s",
                   path, header);
      return NULL;
    }
  offset += header_len;
  /* A lying header must not wrap the element count: every factor is checked against the data
   * that is there, so nothing is allocated beyond what the file holds. */
  for (guint d = 0; d < ndim; d++)
    {
      if (dims[d] != 0 && n > (length - offset) / item_size / dims[d])
        {
          g_autofree char *shape = bsl_shape_to_string (ndim, dims);
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "%s: the .npy file is truncated (its header says shape %s, which needs "
                       "more data than the file holds)", path, shape);
          return NULL;
        }
      n *= dims[d];
    }
  if (offset + n * item_size > length)
    goto truncated;

  array = bsl_array_new (ndim, dims);
  data = (const guchar *) contents + offset;
  for (gsize k = 0; k < n; k++)
    {
      gsize dst = k;
      if (fortran && ndim > 1)
        {
          /* k walks the first axis fastest; find the C-order index. */
          gsize rem = k, idx[BSL_MAX_DIMS];
          for (guint d = 0; d < ndim; d++)
            {
              idx[d] = rem % dims[d];
              rem /= dims[d];
            }
          dst = 0;
          for (guint d = 0; d < ndim; d++)
            dst = dst * dims[d] + idx[d];
        }
      array->data[dst] = read_item (data + k * item_size, kind, item_size, big_endian);
    }
  return array;

truncated:
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: the .npy file is truncated", path);
  return NULL;
}

gboolean
bsl_npy_save (const BslArray  *array,
              const char      *path,
              GError         **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) header = g_string_new ("{'descr': '<f8', 'fortran_order': False, 'shape': (");

  g_return_val_if_fail (array != NULL, FALSE);

  for (guint d = 0; d < array->ndim; d++)
    g_string_append_printf (header, "%" G_GSIZE_FORMAT "%s", array->dims[d],
                            array->ndim == 1 || d + 1 < array->ndim ? ", " : "");
  g_string_append (header, "), }");
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');

  g_string_append_len (out, "\x93NUMPY\x01\x00", 8);
  g_string_append_c (out, (char) (header->len & 0xff));
  g_string_append_c (out, (char) (header->len >> 8));
  g_string_append_len (out, header->str, header->len);
  for (gsize k = 0; k < array->n; k++)
    {
      double x = array->data[k];
      guint64 bits;
      memcpy (&bits, &x, 8);
      bits = GUINT64_TO_LE (bits);
      g_string_append_len (out, (const char *) &bits, 8);
    }
  return bsl_write_file_atomic (path, out->str, out->len, error);
}
