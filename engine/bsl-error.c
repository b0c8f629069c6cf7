/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "bsl-error.h"

G_DEFINE_QUARK (bsl-error-quark, bsl_error)

gboolean
bsl_error_is_bad_input (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == BSL_ERROR)
    return error->code != BSL_ERROR_FAILED;
  /* A file that cannot be opened or parsed is the user's input too. */
  return error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR;
}

/* The quoted name after the first occurrence of word, e.g. lif in "process 'lif'". */
static char *
dup_quoted_after (const char *message,
                  const char *word)
{
  const char *start = strstr (message, word);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (word);
  end = strchr (start, '\'');
  if (end == NULL || end == start)
    return NULL;
  return g_strndup (start, end - start);
}

void
bsl_error_dup_subject (const GError  *error,
                       char         **process,
                       char         **param)
{
  if (process != NULL)
    *process = error != NULL ? dup_quoted_after (error->message, "process '") : NULL;
  if (param != NULL)
    *param = error != NULL ? dup_quoted_after (error->message, "parameter '") : NULL;
}
