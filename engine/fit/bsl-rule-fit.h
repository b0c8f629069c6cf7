/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"
#include "bsl-optimizer.h"

G_BEGIN_DECLS

/* A weight trajectory to fit a learning rule to: the weights of one plastic connection at every
 * step, (post, pre) in C order, as Lava's Monitor records them and `basalt run --out` writes
 * them (rows "step,probe,index,value" of the probe PROCESS.weights, step counted from 1). */
typedef struct
{
  gsize   n_steps;
  gsize   n_synapses;
  double *weights;          /* n_steps x n_synapses */
  char   *probe;            /* "syn.weights" */
  char   *display_name;     /* the file's base name */
} BslWeightReference;

/* probe: the probe to read ("syn.weights"), or NULL to take the only one of the file whose
 * Var is "weights". Errors name the file, the line and the column. */
BslWeightReference *bsl_weight_reference_load (const char               *path,
                                               const char               *probe,
                                               GError                  **error);
void                bsl_weight_reference_free (BslWeightReference       *ref);

/* How far a weight trajectory is from the reference at each step. */
typedef struct
{
  gsize   n_steps;
  double *max_abs;          /* per step: the largest |model - reference| over the synapses */
  double *rmse;             /* per step: root mean square over the synapses */
  double  overall_max_abs;
  double  overall_rmse;     /* over every step and synapse */
  gsize   first_differing_step;  /* 1-based; 0 when every step matches exactly */
} BslWeightErrorReport;

BslWeightErrorReport *bsl_weight_error_report_new   (const BslWeightReference *ref,
                                                     const double             *weights);
void                  bsl_weight_error_report_free  (BslWeightErrorReport     *report);
/* "step,max_abs_error,rmse" for every step, written to a temporary file renamed over path. */
gboolean              bsl_weight_error_report_write_csv (const BslWeightErrorReport *report,
                                                         const char               *path,
                                                         GError                  **error);

/* A plastic connection's learning rule as a function of the parameters being fitted, against a
 * weight trajectory: the network is run with the rule at each candidate and the weights of
 * every step compared with the reference.
 *
 * Parameters (bsl_rule_fit_problem_add_param()):
 * - trace impulses and time constants, x1_impulse ... y3_impulse, x1_tau ... y3_tau: under
 *   fixed_pt an impulse is fitted in steps of 1/256 (Lava keeps 8 fractional bits; the
 *   dimension counts them: 0..32767 for 0..127.996, the trace's 7 bits) and a tau is an integer
 *   0..4095; real under floating_pt (impulses 0..127, taus 0..4095);
 * - STDPLoihi's learning_rate (a power of two: Lava writes it as one below 1, so the dimension
 *   is its base-2 exponent, -7..3), A_plus and A_minus (integers -16..16 under fixed_pt),
 *   tau_plus and tau_minus (as taus);
 * - a product's scale in a rule string, dw[0], dd[1], dt[0], ...: an index into every value
 *   m * 2^e that a product can scale by (-8 <= m < 8, -7 <= e <= 8), in increasing order, so
 *   only scales the hardware has are tried, under both tags.
 * A candidate that makes a rule Lava refuses evaluates to +inf. */
typedef struct _BslRuleFitProblem BslRuleFitProblem;

/* graph: the network holding the LearningDense `process`, run under `tag` for the reference's
 * steps. */
BslRuleFitProblem *bsl_rule_fit_problem_new         (const BslGraph           *graph,
                                                     const char               *process,
                                                     BslTag                    tag,
                                                     const BslWeightReference *ref,
                                                     GError                  **error);
void               bsl_rule_fit_problem_free        (BslRuleFitProblem        *problem);

/* One parameter as above ("x1_tau", "dw[1]"; "syn.x1_tau" names the process too). Errors name
 * the process and the parameter. */
gboolean           bsl_rule_fit_problem_add_param   (BslRuleFitProblem        *problem,
                                                     const char               *spec,
                                                     GError                  **error);
/* A comma-separated list of the above. */
gboolean           bsl_rule_fit_problem_add_params  (BslRuleFitProblem        *problem,
                                                     const char               *specs,
                                                     GError                  **error);
/* Every parameter the rule offers, comma-separated (what the Tuner lists). */
char              *bsl_rule_fit_problem_dup_available (const BslRuleFitProblem *problem);

guint              bsl_rule_fit_problem_get_n_dims  (const BslRuleFitProblem  *problem);
const char        *bsl_rule_fit_problem_get_dim_name (const BslRuleFitProblem *problem,
                                                     guint                     dim);
void               bsl_rule_fit_problem_get_bounds  (const BslRuleFitProblem  *problem,
                                                     guint                     dim,
                                                     double                   *lower,
                                                     double                   *upper,
                                                     gboolean                 *integer);
/* The rule's parameter a dimension's value x stands for (2^x for learning_rate, the scale for
 * a product's index, x otherwise). */
double             bsl_rule_fit_problem_dim_value   (const BslRuleFitProblem  *problem,
                                                     guint                     dim,
                                                     double                    x);
/* What one step of a dimension counts when it is not the value itself: "1/256" (an impulse
 * under fixed_pt), "2^k" (learning_rate's exponent), "index" (a product's scale); else NULL. */
const char        *bsl_rule_fit_problem_get_dim_unit (const BslRuleFitProblem *problem,
                                                      guint                    dim);
/* The process's current values, as dimension values. */
void               bsl_rule_fit_problem_get_start   (const BslRuleFitProblem  *problem,
                                                     double                   *x);
BslTag             bsl_rule_fit_problem_get_tag     (const BslRuleFitProblem  *problem);
const char        *bsl_rule_fit_problem_get_process_name (const BslRuleFitProblem *problem);
const BslWeightReference *bsl_rule_fit_problem_get_reference (const BslRuleFitProblem *problem);

/* The rule with the dimensions at x (projected into the bounds); NULL with an error naming
 * the process when Lava would refuse it. */
struct _BslLearningRule *bsl_rule_fit_problem_dup_rule (const BslRuleFitProblem *problem,
                                                        const double            *x,
                                                        GError                 **error);
/* Runs the network with the rule at x; weights receives n_steps x n_synapses values. */
gboolean           bsl_rule_fit_problem_simulate    (BslRuleFitProblem        *problem,
                                                     const double             *x,
                                                     double                   *weights,
                                                     GError                  **error);
/* The objective: the sum over every step and synapse of the squared weight error (0 exactly
 * when every weight matches), +inf when the rule is refused. Not thread-safe. */
double             bsl_rule_fit_problem_evaluate    (BslRuleFitProblem        *problem,
                                                     const double             *x);
double             bsl_rule_fit_problem_objective   (const double             *x,
                                                     gpointer                  problem);
guint64            bsl_rule_fit_problem_get_n_evaluations (const BslRuleFitProblem *problem);
/* The simulation at x against the reference, step by step. */
BslWeightErrorReport *bsl_rule_fit_problem_report   (BslRuleFitProblem        *problem,
                                                     const double             *x,
                                                     GError                  **error);
/* An optimiser over the dimensions: names, bounds, integer steps, the start and target 0.
 * BSL_N_OPTIMIZERS picks the integer search when every dimension is an integer, else CMA-ES. */
BslOptimizer      *bsl_rule_fit_problem_new_optimizer (BslRuleFitProblem      *problem,
                                                       BslOptimizerMethod      method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslWeightReference, bsl_weight_reference_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslWeightErrorReport, bsl_weight_error_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslRuleFitProblem, bsl_rule_fit_problem_free)

G_END_DECLS
