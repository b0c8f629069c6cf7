/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Derivative-free minimisers over a box, for fitting neuron parameters to a reference.
 *
 * Every method is deterministic given its seed, keeps the best point so far, can record every
 * candidate it evaluates, and can be paused, resumed or cancelled from another thread while
 * bsl_optimizer_run() works on its own. Integer dimensions are only ever evaluated at integer
 * values inside their bounds. */

typedef enum
{
  BSL_OPTIMIZER_NELDER_MEAD,
  BSL_OPTIMIZER_CMA_ES,
  BSL_OPTIMIZER_INTEGER,     /* coordinate and pattern search over integer ranges (fixed_pt) */
  BSL_N_OPTIMIZERS
} BslOptimizerMethod;

const char *bsl_optimizer_method_to_string   (BslOptimizerMethod  method);
gboolean    bsl_optimizer_method_from_string (const char         *text,
                                              BslOptimizerMethod *method);

typedef struct _BslOptimizer BslOptimizer;

/* Returns the objective at x (n values). Lower is better; NaN counts as +inf. */
typedef double (*BslObjectiveFunc) (const double *x,
                                    gpointer      user_data);

/* Called on the thread running the optimiser after an improvement, and otherwise at most every
 * `progress_interval` evaluations. */
typedef void (*BslOptimizerProgressFunc) (BslOptimizer *optimizer,
                                          guint64       evaluations,
                                          double        best_value,
                                          const double *best_x,
                                          gpointer      user_data);

typedef enum
{
  BSL_OPTIMIZER_STOP_NONE,
  BSL_OPTIMIZER_STOP_TARGET,       /* reached the target value */
  BSL_OPTIMIZER_STOP_BUDGET,       /* max evaluations */
  BSL_OPTIMIZER_STOP_CONVERGED,    /* no further progress possible */
  BSL_OPTIMIZER_STOP_CANCELLED,
} BslOptimizerStop;

const char   *bsl_optimizer_stop_to_string      (BslOptimizerStop    stop);

BslOptimizer *bsl_optimizer_new                 (BslOptimizerMethod  method,
                                                 guint               n_dims);
void          bsl_optimizer_free                (BslOptimizer       *optimizer);

BslOptimizerMethod bsl_optimizer_get_method     (BslOptimizer       *optimizer);
guint         bsl_optimizer_get_n_dims          (BslOptimizer       *optimizer);
/* Bounds must be finite; integer dimensions have integer bounds. Defaults: [-1e9, 1e9], real. */
void          bsl_optimizer_set_bounds          (BslOptimizer       *optimizer,
                                                 guint               dim,
                                                 double              lower,
                                                 double              upper,
                                                 gboolean            integer);
void          bsl_optimizer_set_name            (BslOptimizer       *optimizer,
                                                 guint               dim,
                                                 const char         *name);
const char   *bsl_optimizer_get_name            (BslOptimizer       *optimizer,
                                                 guint               dim);
/* Start point (clamped into the bounds, rounded on integer dimensions). */
void          bsl_optimizer_set_start           (BslOptimizer       *optimizer,
                                                 const double       *x0);
/* Typical initial step per dimension; 0 (default) picks one from the start point and bounds. */
void          bsl_optimizer_set_step            (BslOptimizer       *optimizer,
                                                 guint               dim,
                                                 double              step);
void          bsl_optimizer_set_seed            (BslOptimizer       *optimizer,
                                                 guint64             seed);
void          bsl_optimizer_set_max_evaluations (BslOptimizer       *optimizer,
                                                 guint64             max_evaluations);
/* Stop as soon as a value <= target is found (default -inf: never). */
void          bsl_optimizer_set_target          (BslOptimizer       *optimizer,
                                                 double              target);
void          bsl_optimizer_set_record_history  (BslOptimizer       *optimizer,
                                                 gboolean            record);
void          bsl_optimizer_set_progress_func   (BslOptimizer       *optimizer,
                                                 BslOptimizerProgressFunc func,
                                                 guint               progress_interval,
                                                 gpointer            user_data);

/* Runs to the end (target, budget, convergence or cancellation) on the calling thread. */
BslOptimizerStop bsl_optimizer_run              (BslOptimizer       *optimizer,
                                                 BslObjectiveFunc    objective,
                                                 gpointer            user_data);

/* Thread-safe, from any thread while run() works. */
void          bsl_optimizer_cancel              (BslOptimizer       *optimizer);
void          bsl_optimizer_set_paused          (BslOptimizer       *optimizer,
                                                 gboolean            paused);
gboolean      bsl_optimizer_is_paused           (BslOptimizer       *optimizer);
guint64       bsl_optimizer_get_n_evaluations   (BslOptimizer       *optimizer);
/* Copies the best point so far into x (n values, may be NULL); returns its value (+inf before
 * the first evaluation). */
double        bsl_optimizer_get_best            (BslOptimizer       *optimizer,
                                                 double             *x);

/* History (when recording): evaluation number (1-based), value, point. */
guint64       bsl_optimizer_get_history_length  (BslOptimizer       *optimizer);
gboolean      bsl_optimizer_get_history_entry   (BslOptimizer       *optimizer,
                                                 guint64             index,
                                                 double             *value,
                                                 double             *x);
/* "evaluation,value,NAME1,NAME2,..." then one row per candidate, in evaluation order or sorted
 * by value; written to a temporary file renamed over path. */
gboolean      bsl_optimizer_write_history_csv   (BslOptimizer       *optimizer,
                                                 const char         *path,
                                                 gboolean            sort_by_value,
                                                 GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslOptimizer, bsl_optimizer_free)

G_END_DECLS
