/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"
#include "bsl-nir.h"

G_BEGIN_DECLS

typedef struct
{
  /* Seconds per Basalt step; <= 0 takes metadata "dt" of the file, else BSL_NIR_DEFAULT_DT. */
  double   dt;
  /* Turn Conv1d, Conv2d, SumPool2d and AvgPool2d into dense weights instead of refusing them. */
  gboolean flatten_conv;
} BslNirImportOptions;

/* Reads a .nir file (HDF5, as nir.write writes it) into a floating_pt network laid out for the
 * canvas. notes (may be NULL) receives one line per approximation or remark (char*, owned by the
 * array). Errors name the file, the node (its path in the graph) and the dataset. The mapping is
 * documented in docs/interop.md. */
BslGraph *bsl_nir_import_file (const char                *path,
                               const BslNirImportOptions *options,
                               GPtrArray                 *notes,
                               GError                   **error);

G_END_DECLS
