/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bsl-atomic-file.h"
#include "bsl-interop-output.h"

void
_bsl_interop_note (GPtrArray  *notes,
                   const char *format,
                   ...)
{
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (notes, g_strdup_vprintf (format, args));
  va_end (args);
}

gboolean
_bsl_interop_write_text (const char  *path,
                         const char  *text,
                         GError     **error)
{
  return bsl_write_file_atomic (path, text, strlen (text), error);
}
