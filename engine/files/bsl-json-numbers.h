/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bsl-array.h"

G_BEGIN_DECLS

/* x in its shortest form that reads back exactly ("0.1", "1e-09", "12"); x must be finite. */
void  _bsl_json_append_number (GString        *s,
                               double          x);
/* A member called name (an array element when name is NULL) holding value, or null where JSON
 * has no number for it (NaN, infinities). */
void  _bsl_json_builder_add_number (JsonBuilder *builder,
                                    const char  *name,
                                    double       value);
/* The array as compact JSON: a large matrix of mostly zeros as the sparse initializer (when
 * sparse_allowed: an initializer takes its shape from the process, so only a Var of the process's
 * own shape may be one), a vector
 * on one line, a matrix one row per line (continuation
 * lines indented by indent spaces), numbers in their shortest exact form; a scalar as a number. */
char *_bsl_json_array_text    (const BslArray *array,
                               guint           indent,
                               gboolean        sparse_allowed);

G_END_DECLS
