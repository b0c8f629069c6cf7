/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Writing the datasets and groups of a NIR file, as nir.write lays them out. Each returns FALSE
 * when libhdf5 refuses. */

#include <glib.h>
#include <hdf5.h>

G_BEGIN_DECLS

/* A scalar variable-length UTF-8 string dataset, as nir.write stores every string. */
gboolean _bsl_nir_write_string   (hid_t          loc,
                                  const char    *name,
                                  const char    *s);
/* The (E, 2) "edges" dataset of a graph group from pairs of names. */
gboolean _bsl_nir_write_edges    (hid_t          group,
                                  GPtrArray     *ends);
/* A float64 dataset of any rank (0: scalar); large matrices are compressed. */
gboolean _bsl_nir_write_f64      (hid_t          loc,
                                  const char    *name,
                                  int            rank,
                                  const hsize_t *dims,
                                  const double  *v);
gboolean _bsl_nir_write_vector   (hid_t          loc,
                                  const char    *name,
                                  gsize          n,
                                  const double  *v);
/* A vector of n times the same value. */
gboolean _bsl_nir_write_constant (hid_t          loc,
                                  const char    *name,
                                  gsize          n,
                                  double         value);
/* The int64 "shape" (n,) of an Input or Output node. */
gboolean _bsl_nir_write_shape    (hid_t          loc,
                                  gsize          n);
/* A node group with its "type" dataset; H5I_INVALID_HID when it cannot be made. */
hid_t    _bsl_nir_new_node       (hid_t          nodes,
                                  const char    *name,
                                  const char    *type);

/* Datasets of at least this many values are stored gzip-compressed in chunks (h5py and
 * libhdf5 read them as any dataset): a sparse connection matrix written densely is mostly
 * zeros. */
#define BSL_NIR_COMPRESS_MIN_ELEMENTS 4096

/* Dataset creation properties for such a dataset: chunks of about 64k values along the first
 * dimension, shuffled and deflated. */
hid_t    _bsl_nir_compressed_plist (int            rank,
                                    const hsize_t *dims,
                                    hsize_t        n);

G_END_DECLS
