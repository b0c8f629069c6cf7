/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Checked reading of the datasets of a NIR file: libhdf5 trusts what a file says about itself,
 * so every size, type and reference is checked before it is used. what names the dataset in
 * error messages. */

#include <hdf5.h>

#include "bsl-array.h"

G_BEGIN_DECLS

/* No parameter of a real network comes near this; a corrupt dataspace claims far more. */
#define BSL_NIR_MAX_ELEMENTS ((hssize_t) 1 << 26)

gboolean    _bsl_nir_is_dataset   (hid_t        loc,
                                   const char  *name);
gboolean    _bsl_nir_is_group     (hid_t        loc,
                                   const char  *name);
/* Every element of a string dataset (scalar or any shape), vlen or fixed-length. */
char      **_bsl_nir_read_strings (hid_t        dset,
                                   gsize       *n_out,
                                   GError     **error,
                                   const char  *what);
/* A dataset holding exactly one string. */
char       *_bsl_nir_read_string  (hid_t        loc,
                                   const char  *name,
                                   const char  *what,
                                   GError     **error);
/* A numeric dataset (any integer or float type, any layout or filter) as doubles. */
BslArray   *_bsl_nir_read_array   (hid_t        loc,
                                   const char  *name,
                                   const char  *what,
                                   GError     **error);
/* A one-element numeric dataset, or fallback when there is none or it cannot be read. */
double      _bsl_nir_read_number  (hid_t        loc,
                                   const char  *name,
                                   double       fallback);
/* The number type a dataset is stored as, in the origin record's notation ("f4", "i8", ...). */
const char *_bsl_nir_stored_type  (hid_t        group,
                                   const char  *name);
/* The names of a group's links, in name order; NULL when it cannot be listed. */
GPtrArray  *_bsl_nir_list_links   (hid_t        group);

G_END_DECLS
