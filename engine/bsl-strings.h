/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Replaces the string in *slot by a copy of value (which may be *slot itself or NULL); returns
 * whether it changed. GLib 2.74 has no g_set_str(). */
static inline gboolean
bsl_set_str (char       **slot,
             const char  *value)
{
  char *copy;

  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  copy = g_strdup (value);
  g_free (*slot);
  *slot = copy;
  return TRUE;
}

G_END_DECLS
