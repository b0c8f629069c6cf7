/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BASALT_TYPE_FIT_CANDIDATE (basalt_fit_candidate_get_type ())

G_DECLARE_FINAL_TYPE (BasaltFitCandidate, basalt_fit_candidate, BASALT, FIT_CANDIDATE, GObject)

/* One point a fit evaluated, for the Tuner's sortable list of candidates. Properties: "stage"
 * (string), "evaluation" (guint64), "value" (double), "parameters" (string, for display). */
BasaltFitCandidate *basalt_fit_candidate_new       (const char         *stage,
                                                    guint64             evaluation,
                                                    double              value,
                                                    const double       *x,
                                                    guint               n,
                                                    const char *const  *names);
const double       *basalt_fit_candidate_get_x     (BasaltFitCandidate *self,
                                                    guint              *n);

G_END_DECLS
