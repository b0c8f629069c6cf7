/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The text of a trace's chooser: which neurons ("0, 3, 5-7") or synapses ("0,1; 2,3") a trace
 * probe shows. */

#include "config.h"

#include "basalt-trace-choice.h"

/* "0, 3, 5-7" -> indices. */
static gboolean
parse_neurons (const char  *text,
               GArray      *indices,
               GError     **error)
{
  g_auto(GStrv) tokens = g_regex_split_simple ("[,;\\s]+", text, 0, 0);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_auto(GStrv) range = NULL;
      guint64 lo, hi;

      if (tokens[i][0] == '\0')
        continue;
      range = g_strsplit (tokens[i], "-", 2);
      if (!g_ascii_string_to_unsigned (range[0], 10, 0, G_MAXUINT32, &lo, NULL) ||
          !g_ascii_string_to_unsigned (range[1] ? range[1] : range[0], 10, lo, G_MAXUINT32, &hi, NULL) ||
          hi - lo > 64)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "'%s' is not a neuron number or a range like 2-5", tokens[i]);
          return FALSE;
        }
      for (guint64 k = lo; k <= hi; k++)
        {
          gsize index = (gsize) k;

          g_array_append_val (indices, index);
        }
    }
  return TRUE;
}

/* "0,1; 2,3" -> the synapses (post 0, pre 1) and (post 2, pre 3) as row-major indices. */
gboolean
basalt_trace_choice_parse_synapses (const char  *text,
                                    gsize        columns,
                                    GArray      *indices,
                                    GError     **error)
{
  g_return_val_if_fail (text != NULL, FALSE);

  g_auto(GStrv) pairs = g_strsplit (text, ";", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *pair = g_strstrip (g_strdup (pairs[i]));
      g_auto(GStrv) parts = g_strsplit (pair, ",", -1);
      guint64 post, pre;
      gsize index;

      if (pair[0] == '\0')
        continue;
      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_unsigned (g_strstrip (parts[0]), 10, 0, G_MAXUINT32, &post, NULL) ||
          !g_ascii_string_to_unsigned (g_strstrip (parts[1]), 10, 0, columns - 1, &pre, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "'%s' is not a synapse written post,pre with pre below %" G_GSIZE_FORMAT
                       " (e.g. 2,5; pairs apart with ;)", pair, columns);
          return FALSE;
        }
      index = (gsize) post * columns + (gsize) pre;
      g_array_append_val (indices, index);
    }
  return TRUE;
}

/* The text of a chooser: "0, 3, 5" for neurons, "0,1; 2,3" for synapses. */
char *
basalt_trace_choice_format (const gsize *indices,
                            guint        n,
                            gsize        columns)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    if (columns > 0)
      g_string_append_printf (text, "%s%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT, i ? "; " : "",
                              indices[i] / columns, indices[i] % columns);
    else
      g_string_append_printf (text, "%s%" G_GSIZE_FORMAT, i ? ", " : "", indices[i]);
  return g_string_free (text, FALSE);
}

gboolean
basalt_trace_choice_parse (const char  *text,
                           gsize        columns,
                           GArray      *indices,
                           GError     **error)
{
  g_return_val_if_fail (text != NULL, FALSE);

  return columns > 0 ? basalt_trace_choice_parse_synapses (text, columns, indices, error)
                     : parse_neurons (text, indices, error);
}
