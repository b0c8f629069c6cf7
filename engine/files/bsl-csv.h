/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads a text table line by line: blank lines and lines starting with '#' are passed over,
 * and messages name the line by its number in the file. */
typedef struct
{
  const char *display;     /* the path, as messages name the file */
  char       *contents;
  gsize       length;
  char       *cursor;
  guint       line_no;     /* of the line last returned */
} BslCsvReader;

/* Reads the whole file (a regular file within the engine's size limit). */
gboolean  bsl_csv_reader_open       (BslCsvReader  *reader,
                                     const char    *path,
                                     GError       **error);
void      bsl_csv_reader_clear      (BslCsvReader  *reader);
/* The next line that is neither blank nor a comment, trimmed and NUL-terminated in place; NULL
 * at the end (or at a NUL byte). */
char     *bsl_csv_reader_next_line  (BslCsvReader  *reader);

/* Splits a line at its commas, in place; fields are trimmed. Returns a NULL-terminated array
 * (free with g_free, the fields belong to the line). */
char    **bsl_csv_split             (char          *line,
                                     guint         *n_fields);
/* A whole field as a number (g_ascii_strtod, nothing after it, not out of range). */
gboolean  bsl_csv_parse_number      (const char    *text,
                                     double        *value);
/* The field of the current line in column (0-based, named column_name in messages) as a
 * finite number. */
gboolean  bsl_csv_reader_value      (const BslCsvReader *reader,
                                     const char         *text,
                                     guint               column,
                                     const char         *column_name,
                                     double             *value,
                                     GError            **error);
/* The same as an integer from min to 10^12. */
gboolean  bsl_csv_reader_integer    (const BslCsvReader *reader,
                                     const char         *text,
                                     guint               column,
                                     const char         *column_name,
                                     gint64              min,
                                     gint64             *value,
                                     GError            **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BslCsvReader, bsl_csv_reader_clear)

G_END_DECLS
