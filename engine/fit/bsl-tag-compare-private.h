/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-tag-compare.h"

G_BEGIN_DECLS

/* A parameter's first value (0 when unset and without a default). */
double        _bsl_tag_compare_scalar   (const BslProcess    *process,
                                         const char          *var);

/* The population simulated under tag on the drive's a_in column. */
BslReference *_bsl_tag_compare_simulate (const BslProcess    *process,
                                         BslTag               tag,
                                         const BslReference  *drive,
                                         GError             **error);

/* Fill c->other (a copy of process), c->params, c->scale and c->scale_back, and round or scale
 * drive's a_in to what the fixed_pt model receives. bsl-tag-convert-resonators.c. */
gboolean      _bsl_tag_convert_rf          (BslTagComparison    *c,
                                            const BslProcess    *process,
                                            const BslReference  *ref,
                                            BslReference        *drive,
                                            GError             **error);
gboolean      _bsl_tag_convert_sigma_delta (BslTagComparison    *c,
                                            const BslProcess    *process,
                                            const BslReference  *ref,
                                            BslReference        *drive,
                                            GError             **error);

G_END_DECLS
