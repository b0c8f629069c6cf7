/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "bsl-csv.h"
#include "bsl-error.h"
#include "bsl-limits.h"

gboolean
bsl_csv_reader_open (BslCsvReader  *reader,
                     const char    *path,
                     GError       **error)
{
  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reader->display = path;
  reader->line_no = 0;
  if (!bsl_read_regular_file (path, &reader->contents, &reader->length, error))
    return FALSE;
  reader->cursor = reader->contents;
  return TRUE;
}

void
bsl_csv_reader_clear (BslCsvReader *reader)
{
  g_return_if_fail (reader != NULL);

  g_clear_pointer (&reader->contents, g_free);
  reader->cursor = NULL;
}

char *
bsl_csv_reader_next_line (BslCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);

  while (reader->cursor != NULL && *reader->cursor != '\0')
    {
      char *line = reader->cursor;
      char *end = strchr (line, '\n');

      reader->line_no++;
      if (end != NULL)
        {
          *end = '\0';
          reader->cursor = end + 1;
        }
      else
        reader->cursor = NULL;
      if (end != NULL && end > line && end[-1] == '\r')
        end[-1] = '\0';
      g_strstrip (line);
      if (*line != '\0' && *line != '#')
        return line;
    }
  return NULL;
}

char **
bsl_csv_split (char  *line,
               guint *n_fields)
{
  GPtrArray *fields;
  char *p = line;

  g_return_val_if_fail (line != NULL, NULL);
  g_return_val_if_fail (n_fields != NULL, NULL);

  fields = g_ptr_array_new ();
  for (;;)
    {
      char *comma = strchr (p, ',');

      if (comma != NULL)
        *comma = '\0';
      g_ptr_array_add (fields, g_strstrip (p));
      if (comma == NULL)
        break;
      p = comma + 1;
    }
  *n_fields = fields->len;
  g_ptr_array_add (fields, NULL);
  return (char **) g_ptr_array_free (fields, FALSE);
}

gboolean
bsl_csv_parse_number (const char *text,
                      double     *value)
{
  char *end = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (*text == '\0')
    return FALSE;
  errno = 0;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && errno != ERANGE;
}

gboolean
bsl_csv_reader_value (const BslCsvReader *reader,
                      const char         *text,
                      guint               column,
                      const char         *column_name,
                      double             *value,
                      GError            **error)
{
  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!bsl_csv_parse_number (text, value))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: line %u, column %u (%s): '%s' is not a number",
                   reader->display, reader->line_no, column + 1, column_name, text);
      return FALSE;
    }
  if (!isfinite (*value))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "%s: line %u, column %u (%s): '%s' is not a finite number",
                   reader->display, reader->line_no, column + 1, column_name, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
bsl_csv_reader_integer (const BslCsvReader *reader,
                        const char         *text,
                        guint               column,
                        const char         *column_name,
                        gint64              min,
                        gint64             *value,
                        GError            **error)
{
  double d;

  g_return_val_if_fail (value != NULL, FALSE);

  if (!bsl_csv_reader_value (reader, text, column, column_name, &d, error))
    return FALSE;
  if (d != floor (d) || d < (double) min || d > 1e12)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: line %u, column %u (%s): '%s' is not an integer >= %" G_GINT64_FORMAT,
                   reader->display, reader->line_no, column + 1, column_name, text, min);
      return FALSE;
    }
  *value = (gint64) d;
  return TRUE;
}
