/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bsl-types.h"

G_BEGIN_DECLS

#define BSL_MAX_DIMS 4

/* An n-dimensional parameter value. Values are doubles: every Loihi 2 integer is exact in a
 * double, and one representation keeps the graph independent of the run's tag. */
struct _BslArray
{
  guint    ndim;                /* 0 for a scalar */
  gsize    dims[BSL_MAX_DIMS];
  gsize    n;                   /* number of elements (1 for a scalar) */
  double  *data;
  /* When the value came from an initializer object ({"init": "normal", ...} or {"file": ...}),
   * that object, so that saving writes it back instead of the expanded numbers. */
  JsonNode *init;
};

BslArray *bsl_array_new         (guint           ndim,
                                 const gsize    *dims);
BslArray *bsl_array_new_scalar  (double          value);
BslArray *bsl_array_new_vector  (gsize           n,
                                 const double   *values);
BslArray *bsl_array_new_matrix  (gsize           rows,
                                 gsize           cols);
BslArray *bsl_array_copy        (const BslArray *array);
void      bsl_array_free        (BslArray       *array);
gboolean  bsl_array_equal       (const BslArray *a,
                                 const BslArray *b);
gboolean  bsl_array_is_scalar   (const BslArray *array);
double    bsl_array_get         (const BslArray *array,
                                 gsize           index);
/* Returns a newly allocated "(3, 4)" style text. */
char     *bsl_shape_to_string   (guint           ndim,
                                 const gsize    *dims);
gboolean  bsl_array_all_integer (const BslArray *array);
gboolean  bsl_array_find_nan    (const BslArray *array,
                                 gsize          *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslArray, bsl_array_free)

G_END_DECLS
