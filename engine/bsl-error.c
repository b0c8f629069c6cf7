/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
