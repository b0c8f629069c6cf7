/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* What the importers and exporters share to report and write: bsl-interop.c, the one entry
 * point of the exporters, depends on them and never the other way. */

G_BEGIN_DECLS

/* Appends one formatted line to an exporter's or importer's report; notes may be NULL. */
void _bsl_interop_note (GPtrArray  *notes,
                        const char *format,
                        ...) G_GNUC_PRINTF (2, 3);

/* Writes text to path through a temporary file and a rename; errors as bsl_write_file_atomic's. */
gboolean _bsl_interop_write_text (const char  *path,
                                  const char  *text,
                                  GError     **error);

G_END_DECLS
