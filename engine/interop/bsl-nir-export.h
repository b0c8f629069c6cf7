/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"
#include "bsl-nir.h"

G_BEGIN_DECLS

typedef struct
{
  double dt;    /* seconds per step, stored as metadata "dt"; <= 0: BSL_NIR_DEFAULT_DT */
  BslTag tag;   /* tag of the run to export; BSL_TAG_NONE: the network's own run tag */
} BslNirExportOptions;

/* Writes the network as a NIR graph in the layout nir.read loads (docs/interop.md has the
 * mapping). A fixed_pt network goes out through its floating-point equivalent. notes (may be
 * NULL) receives one line (char*) per value that had to be approximated and per process that
 * could not be exported. The file is written beside path and renamed over it, so a failure
 * leaves nothing behind. */
gboolean bsl_nir_export_file (const BslGraph            *graph,
                              const char                *path,
                              const BslNirExportOptions *options,
                              GPtrArray                 *notes,
                              GError                   **error);

G_END_DECLS
