/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

#define BSL_FILE_FORMAT_VERSION 1

/* Reads a .basalt file. Errors name the file, the process and the parameter. */
BslGraph *bsl_graph_load_file   (const char      *path,
                                 GError         **error);
/* display_name is used in messages; base_dir resolves {"file": ...} initializers (may be NULL). */
BslGraph *bsl_graph_load_data   (const char      *data,
                                 gssize           length,
                                 const char      *display_name,
                                 const char      *base_dir,
                                 GError         **error);
/* bsl_graph_load_data() reading lists of at least @min_packed numbers straight into doubles
 * (BSL_PACKED_ARRAY_MIN by default); G_MAXSIZE reads them all through json-glib's tree. */
BslGraph *_bsl_graph_load_data_packing (const char  *data,
                                        gssize       length,
                                        const char  *display_name,
                                        const char  *base_dir,
                                        gsize        min_packed,
                                        GError     **error);
char     *bsl_graph_to_data     (const BslGraph  *graph,
                                 gsize           *length);
/* Writes to a temporary file beside path and renames it over path. */
gboolean  bsl_graph_save_file   (const BslGraph  *graph,
                                 const char      *path,
                                 GError         **error);

/* Expands an initializer object ({"init": "constant"|"uniform"|"normal"|"one_to_one", ...} or
 * {"file": "w.npy" | "w.csv"}) to an array of the given shape. The generators are documented in
 * docs/file-format.md and deterministic. */
BslArray *bsl_initializer_expand (JsonNode       *init,
                                  guint           ndim,
                                  const gsize    *dims,
                                  const char     *base_dir,
                                  GError        **error);

/* Reads a NumPy .npy file (float64/float32/int8..int64/uint8..uint64, C or Fortran order). */
BslArray *bsl_npy_load           (const char     *path,
                                  GError        **error);
gboolean  bsl_npy_save           (const BslArray *array,
                                  const char     *path,
                                  GError        **error);

G_END_DECLS
