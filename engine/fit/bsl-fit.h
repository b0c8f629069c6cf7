/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-fit-problem.h"
#include "bsl-optimizer.h"

G_BEGIN_DECLS

/* A complete fit: an optimiser over a BslFitProblem, in two stages where the reference allows:
 *
 * 1. "forced": the teacher-forced objective (bsl_fit_problem_set_forcing()), whose wide basin
 *    the search reaches from a start far off;
 * 2. "free": the real objective, the free-running simulation against the reference, from the
 *    better of the start and the first stage's best.
 *
 * Under fixed_pt both stages stop as soon as the trace matches the reference exactly. The fit
 * runs on the calling thread; cancel, pause and the getters may be called from any other. */
typedef struct _BslFit BslFit;

typedef enum
{
  BSL_FIT_STAGE_FORCED,
  BSL_FIT_STAGE_FREE,
} BslFitStage;

typedef struct
{
  BslOptimizerMethod method;          /* BSL_N_OPTIMIZERS: integer search (fixed_pt), CMA-ES (float) */
  guint64            seed;
  guint64            max_evaluations; /* over both stages */
  gboolean           forcing;         /* run stage 1 when possible */
  gboolean           record_history;
} BslFitOptions;

typedef void (*BslFitProgressFunc) (BslFit       *fit,
                                    BslFitStage   stage,
                                    guint64       evaluations,
                                    double        best_value,
                                    const double *best_x,
                                    gpointer      user_data);

void              bsl_fit_options_init       (BslFitOptions       *options);

/* The problem is used by the fit while it runs (not thread-safe: give it to no one else then). */
BslFit           *bsl_fit_new                (BslFitProblem       *problem,
                                              const BslFitOptions *options);
void              bsl_fit_free               (BslFit              *fit);
/* Start point (default: the problem's current values). */
void              bsl_fit_set_start          (BslFit              *fit,
                                              const double        *x);
void              bsl_fit_set_progress_func  (BslFit              *fit,
                                              BslFitProgressFunc   func,
                                              guint                interval,
                                              gpointer             user_data);

BslOptimizerStop  bsl_fit_run                (BslFit              *fit);

void              bsl_fit_cancel             (BslFit              *fit);
void              bsl_fit_set_paused         (BslFit              *fit,
                                              gboolean             paused);
gboolean          bsl_fit_is_paused          (BslFit              *fit);
BslFitStage       bsl_fit_get_stage          (BslFit              *fit);
guint64           bsl_fit_get_n_evaluations  (BslFit              *fit);
/* Best point so far (n values, may be NULL) and its value in the current stage's objective. */
double            bsl_fit_get_best           (BslFit              *fit,
                                              double              *x);
BslOptimizerMethod bsl_fit_get_method        (BslFit              *fit);
double            bsl_fit_get_seconds        (BslFit              *fit);

/* After run(): every metric of the free-running best against the reference. */
void              bsl_fit_get_metrics        (BslFit              *fit,
                                              BslMetricValues     *values);
/* Under fixed_pt: TRUE when the best trace equals the reference in every variable it has. */
gboolean          bsl_fit_is_exact           (BslFit              *fit);

/* Every candidate of both stages when recording: the forced stage's first, in evaluation order.
 * x receives the point (n values, may be NULL). */
guint64           bsl_fit_get_history_length (BslFit              *fit);
gboolean          bsl_fit_get_history_entry  (BslFit              *fit,
                                              guint64              index,
                                              BslFitStage         *stage,
                                              guint64             *evaluation,
                                              double              *value,
                                              double              *x);

/* "stage,evaluation,value,NAME1,..." for every candidate of both stages (when recording). */
gboolean          bsl_fit_write_history_csv  (BslFit              *fit,
                                              const char          *path,
                                              gboolean             sort_by_value,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslFit, bsl_fit_free)

G_END_DECLS
