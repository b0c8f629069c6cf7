/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bsl-kernel-learning.h"

G_BEGIN_DECLS

/* One learning rule string (Lava's dw, dd or dt) as a sum of products. */
typedef struct
{
  BslKProduct *products;
  int          n_products;
  int          decimate_exponent;   /* the k of u<k>, -1 when the rule has no u */
} BslLearningSeries;

/* Reads a rule string as Lava's SymbolicEquation and ProductSeries do, accepting what Lava
 * accepts and refusing what it refuses. The error names the column (1-based, in the text as
 * given) and the reason. */
gboolean bsl_learning_series_parse (const char         *text,
                                    BslLearningSeries  *series,
                                    GError            **error);
void     bsl_learning_series_clear (BslLearningSeries  *series);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BslLearningSeries, bsl_learning_series_clear)

/* The series as a rule string that parses to the same products (scales as m*2^e), or NULL
 * when a factor cannot be written back (a bracket constant that is not an integer). */
char    *bsl_learning_series_to_text (const BslLearningSeries *series);

/* The column of a parse error (1-based), or 0 when the message has none. */
int      bsl_learning_error_column (const GError       *error);

G_END_DECLS
