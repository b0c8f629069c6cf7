/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* One entry point for the application's File > Export and the command line; the format headers
 * (bsl-nir-export.h, bsl-c-export.h, bsl-lava-export.h) have the details. */

typedef enum
{
  BSL_EXPORT_NIR,
  BSL_EXPORT_C,
  BSL_EXPORT_LAVA,
} BslExportFormat;

typedef struct
{
  BslTag       tag;       /* BSL_TAG_NONE: the network's run tag */
  double       dt;        /* NIR: seconds per step; <= 0: 1 ms */
  gint64       steps;     /* C, Lava: default steps; < 0: the network's */
  gboolean     has_seed;  /* C: default seed given (else the network's) */
  guint64      seed;
  const char  *prefix;    /* C: library prefix; NULL: "net" */
  const char **probes;    /* C, Lava: "proc.var" list; NULL: as `basalt run` */
} BslExportOptions;

/* "nir", "c" or "lava". */
gboolean    bsl_export_format_from_string (const char             *text,
                                           BslExportFormat        *format);
/* The usual file name extension, without the dot: "nir", "c", "py". */
const char *bsl_export_format_extension   (BslExportFormat         format);
/* Writes graph in format to path (through a temporary file). notes (may be NULL) receives one
 * line per value approximated or process left out. options may be NULL. */
gboolean    bsl_export_file               (const BslGraph         *graph,
                                           BslExportFormat         format,
                                           const char             *path,
                                           const BslExportOptions *options,
                                           GPtrArray              *notes,
                                           GError                **error);

G_END_DECLS
