/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a trace probe shows, as a chooser writes it: neurons "0, 3, 5-7", or for a Var with an
 * element per synapse of a connection with columns pre-synaptic neurons, synapses as post,pre
 * pairs "0,1; 2,3" (row-major indices post * columns + pre). Indices are gsize. */

/* columns 0: neurons; else synapses. Appends to indices. */
gboolean  basalt_trace_choice_parse          (const char  *text,
                                              gsize        columns,
                                              GArray      *indices,
                                              GError     **error);
gboolean  basalt_trace_choice_parse_synapses (const char  *text,
                                              gsize        columns,
                                              GArray      *indices,
                                              GError     **error);
char     *basalt_trace_choice_format         (const gsize *indices,
                                              guint        n,
                                              gsize        columns);

G_END_DECLS
