/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bsl-error.h"
#include "bsl-interop-private.h"

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
  g_autoptr (GError) local = NULL;

  /* g_file_set_contents writes a temporary file beside path and renames it. */
  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}
