/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"
#include "bsl-metrics.h"
#include "bsl-optimizer.h"
#include "bsl-reference.h"

G_BEGIN_DECLS

/* One neuron population simulated against a reference trace, as a function of the parameters
 * being fitted: the objective of a fit, and the live simulation of the tuner.
 *
 * The drive is either the reference's a_in column, injected exactly as a RingBuffer wired to the
 * population's a_in would (Lava's RingBuffer: column t - 1 received at step t), or the network
 * the population lives in. With the a_in drive, LIF-family populations are stepped by the
 * engine's own kernels (engine/kernels/) on flat arrays, without the runtime's scheduling: a
 * 1000-step evaluation of one neuron then costs a few microseconds. Every other case (network
 * drive, other neuron types) goes through a runtime compiled once and reset between evaluations. */
typedef struct _BslFitProblem BslFitProblem;

/* What a reference's columns are for a neuron type: the in-port its a_in column drives and the
 * Vars its u and v columns hold (NULL when the type has none). "a_in", "u", "v" for the LIF
 * family and most types; RF: its real input, imag as u and real (which the threshold is on) as
 * v; SigmaDelta: sigma as u and act as v. FALSE for a type without such an in-port. */
gboolean        bsl_fit_neuron_roles             (const BslProcType     *type,
                                                  const char           **drive_port,
                                                  const char           **u_var,
                                                  const char           **v_var);

/* neuron: the population to fit; its parameters are the start point. network: NULL for the a_in
 * drive, otherwise a graph holding a process of the same name (whose other processes drive it).
 * The reference must have as many neurons as the population. */
BslFitProblem  *bsl_fit_problem_new              (const BslProcess      *neuron,
                                                  BslTag                 tag,
                                                  const BslReference    *ref,
                                                  const BslGraph        *network,
                                                  GError               **error);
void            bsl_fit_problem_free             (BslFitProblem         *problem);

/* "du", "bias_mant" (one dimension per neuron for a per-neuron Var), "bias_mant[2]" (one
 * neuron's) or "bias_mant[:]" (one value for every neuron, a dimension named "bias_mant").
 * Errors name the process and the parameter. */
gboolean        bsl_fit_problem_add_param        (BslFitProblem         *problem,
                                                  const char            *spec,
                                                  GError               **error);
/* A comma-separated list of the above. */
gboolean        bsl_fit_problem_add_params       (BslFitProblem         *problem,
                                                  const char            *specs,
                                                  GError               **error);
guint           bsl_fit_problem_get_n_dims       (const BslFitProblem   *problem);
const char     *bsl_fit_problem_get_dim_name     (const BslFitProblem   *problem,
                                                  guint                  dim);
/* What bsl_fit_problem_add_param() takes to make this dimension again ("bias_mant[:]" for
 * one value shared by every neuron, otherwise its name). */
char           *bsl_fit_problem_dup_dim_spec     (const BslFitProblem   *problem,
                                                  guint                  dim);
/* The Var a dimension belongs to. */
const char     *bsl_fit_problem_get_dim_var      (const BslFitProblem   *problem,
                                                  guint                  dim);
/* Loihi 2 ranges under fixed_pt (integer), the Var's range under floating_pt (made finite
 * around the start value where the Var has none). */
void            bsl_fit_problem_get_bounds       (const BslFitProblem   *problem,
                                                  guint                  dim,
                                                  double                *lower,
                                                  double                *upper,
                                                  gboolean              *integer);
/* The dimension's valid range: the Loihi 2 range under fixed_pt, the Var's float range (which
 * may be infinite) under floating_pt. Bounds never leave it. */
void            bsl_fit_problem_get_valid_range  (const BslFitProblem   *problem,
                                                  guint                  dim,
                                                  double                *lower,
                                                  double                *upper);
/* Sets a dimension's bounds (clamped to its valid range). */
void            bsl_fit_problem_set_bounds       (BslFitProblem         *problem,
                                                  guint                  dim,
                                                  double                 lower,
                                                  double                 upper);
/* The population's current values of the fitted dimensions. */
void            bsl_fit_problem_get_start        (const BslFitProblem   *problem,
                                                  double                *x);
void            bsl_fit_problem_set_metric       (BslFitProblem         *problem,
                                                  const BslMetricConfig *config);
const BslMetricConfig *bsl_fit_problem_get_metric (const BslFitProblem  *problem);
const BslReference    *bsl_fit_problem_get_reference (const BslFitProblem *problem);
BslTag          bsl_fit_problem_get_tag          (const BslFitProblem   *problem);
const char     *bsl_fit_problem_get_process_name (const BslFitProblem   *problem);
gsize           bsl_fit_problem_get_n_neurons    (const BslFitProblem   *problem);

/* TRUE when evaluations use the kernels directly (see above). */
gboolean        bsl_fit_problem_is_direct        (const BslFitProblem   *problem);
/* Forces the runtime path, to check one path against the other. */
void            bsl_fit_problem_set_use_runtime  (BslFitProblem         *problem,
                                                  gboolean               use_runtime);

/* Teacher forcing: each step starts from the reference's u and v of the step before instead of
 * the model's own, so that an error no longer carries over into every later step and spike.
 * evaluate() then returns the one-step prediction error (u, and v before the reset compared
 * with the reference's voltage or, at the reference's spikes, with the threshold), which is
 * continuous in the parameters and has a wide basin around the true ones; it is 0 exactly
 * where the model reproduces every step. Kernel path only, and the reference needs v and
 * spikes. simulate() steps from the reference's states too. */
gboolean        bsl_fit_problem_can_force        (const BslFitProblem   *problem);
void            bsl_fit_problem_set_forcing      (BslFitProblem         *problem,
                                                  gboolean               forcing);
gboolean        bsl_fit_problem_get_forcing      (const BslFitProblem   *problem);

/* A trace shaped like the reference (u, v, spike, and a_in when known), for simulate(). */
BslReference   *bsl_fit_problem_new_trace        (const BslFitProblem   *problem);
/* Simulates the population with the fitted dimensions at x (projected into the bounds). */
gboolean        bsl_fit_problem_simulate         (BslFitProblem         *problem,
                                                  const double          *x,
                                                  BslReference          *trace,
                                                  GError               **error);
/* The objective: the weighted metric of the simulation at x against the reference. values may
 * be NULL; all computes every metric, not only the weighted ones. +inf when the simulation
 * fails. Not thread-safe: one problem per thread. */
double          bsl_fit_problem_evaluate         (BslFitProblem         *problem,
                                                  const double          *x,
                                                  gboolean               all,
                                                  BslMetricValues       *values);
guint64         bsl_fit_problem_get_n_evaluations (const BslFitProblem  *problem);
/* bsl_fit_problem_evaluate() as a BslObjectiveFunc (user_data is the problem). */
double          bsl_fit_problem_objective        (const double          *x,
                                                  gpointer               problem);
/* An optimiser over the problem's dimensions: names, bounds, integer steps and the start set.
 * BSL_N_OPTIMIZERS picks the integer search under fixed_pt and CMA-ES under floating_pt. The
 * target is 0: an exact match ends the search. */
BslOptimizer   *bsl_fit_problem_new_optimizer    (BslFitProblem         *problem,
                                                  BslOptimizerMethod     method);

/* The full-shape value of a Var of the population with the dimensions at x. */
BslArray       *bsl_fit_problem_dup_var          (const BslFitProblem   *problem,
                                                  const double          *x,
                                                  const char            *var);
/* A copy of the population with the fitted values at x set as its parameters (scalars where
 * every element is equal). */
BslProcess     *bsl_fit_problem_dup_process      (const BslFitProblem   *problem,
                                                  const double          *x);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslFitProblem, bsl_fit_problem_free)

G_END_DECLS
