/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <math.h>

#include <glib-object.h>

G_BEGIN_DECLS

/* Neurons defined by equations in Brian2's syntax, checked for units and compiled once into a
 * small vectorised instruction list. The conventions (input, refractoriness, order of a step)
 * are those of docs/equations.md. All values are doubles in SI units (volt, second, amp, ...).
 *
 * A BslEquations is immutable once bsl_equations_set_method() has been called: stepping reads
 * it only, so several threads may step disjoint neuron ranges with the same object. */
typedef struct _BslEquations BslEquations;

#define BSL_TYPE_EQUATIONS (bsl_equations_get_type ())
GType          bsl_equations_get_type        (void) G_GNUC_CONST;

typedef enum
{
  BSL_EQUATIONS_EULER,
  BSL_EQUATIONS_EXPONENTIAL_EULER,
  BSL_EQUATIONS_RK4,
  BSL_EQUATIONS_EXACT,
  BSL_EQUATIONS_RK2,
  /* Brian2's stochastic schemes, where they differ from euler: multiplicative noise, or for
   * heun a noise factor that changes with t */
  BSL_EQUATIONS_HEUN,
  BSL_EQUATIONS_MILSTEIN,
} BslEquationsMethod;

/* Parses and checks everything. model: the equations; threshold: a condition or NULL/"" for a
 * model that never spikes; reset: statements separated by newlines or ';' (NULL/"" for none);
 * refractory: an expression with the unit second (a quantity like "2*ms" or a parameter name)
 * or a condition that keeps a neuron refractory after a spike until it is false
 * ("v > -40*mV"), NULL/"" for none; input_var: the state variable the input is added to, NULL/"" for none.
 * Errors are in the domain BSL_ERROR (code BSL_ERROR_PARSE) and read
 * "line 2, column 15: cannot add volt and amp" for the model and
 * "threshold, line 1, column 3: ..." (likewise reset, refractory) for the other texts. */
BslEquations  *bsl_equations_new             (const char          *model,
                                              const char          *threshold,
                                              const char          *reset,
                                              const char          *refractory,
                                              const char          *input_var,
                                              GError             **error);
/* A table of values over time, called in the model as a function like Brian2's TimedArray:
 * name(t) for one column, name(t, i) for one column per neuron (n_columns must then be the
 * population's size). Row r holds the values from r*dt on; a time maps to its row with
 * Brian2's rounding, and times past the end (or before 0) take the last (first) row. */
typedef struct
{
  const char   *name;
  const char   *unit;       /* an unscaled unit as declarations write it: "amp", "volt", "1" */
  double        dt;         /* seconds between rows, > 0 */
  gsize         n_times;    /* rows, >= 1 */
  gsize         n_columns;  /* 0: name(t); else name(t, i) with this many columns */
  const double *values;     /* n_times rows of MAX (n_columns, 1), row-major, in SI units */
} BslEquationsTable;

/* bsl_equations_new() with tables the model may call (copied). Errors about a table itself
 * read "table 'stimulus': ..."; about a call, they have the line and column of the call. */
BslEquations  *bsl_equations_new_with_tables (const char              *model,
                                              const char              *threshold,
                                              const char              *reset,
                                              const char              *refractory,
                                              const char              *input_var,
                                              const BslEquationsTable *tables,
                                              guint                    n_tables,
                                              GError                 **error);
guint          bsl_equations_get_n_tables    (const BslEquations  *eq);
/* The table's description (its pointers live as long as eq). */
void           bsl_equations_get_table       (const BslEquations  *eq,
                                              guint                k,
                                              BslEquationsTable   *table);
/* Whether a population of n neurons fits the tables (a 2-D table needs n columns); the error
 * names the table. */
gboolean       bsl_equations_check_population (const BslEquations *eq,
                                               gsize               n,
                                               GError            **error);
/* Where an error of bsl_equations_new() or _set_method() points, for an editor to mark it:
 * text is "model", "threshold", "reset" or "refractory"; line and column count from 1
 * (characters). FALSE when the message has no position (the input variable, a method name). */
gboolean       bsl_equations_error_position  (const GError        *error,
                                              const char         **text,
                                              guint               *line,
                                              guint               *column);
BslEquations  *bsl_equations_ref             (BslEquations        *eq);
void           bsl_equations_unref           (BslEquations        *eq);

/* State variables (those with a derivative) in the order of the model text. */
guint          bsl_equations_get_n_states    (const BslEquations  *eq);
const char    *bsl_equations_get_state_name  (const BslEquations  *eq,
                                              guint                i);
/* A unit Brian2 can parse: "volt", "amp/second", "1", "siemens/metre**2". */
const char    *bsl_equations_get_state_unit  (const BslEquations  *eq,
                                              guint                i);
gboolean       bsl_equations_get_state_held  (const BslEquations  *eq,
                                              guint                i);
/* Parameters (names declared "name : unit" without a derivative), in the order of the text. */
guint          bsl_equations_get_n_params    (const BslEquations  *eq);
const char    *bsl_equations_get_param_name  (const BslEquations  *eq,
                                              guint                i);
const char    *bsl_equations_get_param_unit  (const BslEquations  *eq,
                                              guint                i);
/* A parameter flagged (shared): one value for the whole population (the runtime refuses
 * differing values). */
gboolean       bsl_equations_get_param_shared (const BslEquations *eq,
                                               guint               i);
/* Index of a state or parameter by name, or -1. */
gint           bsl_equations_find_state      (const BslEquations  *eq,
                                              const char          *name);
gint           bsl_equations_find_param      (const BslEquations  *eq,
                                              const char          *name);
/* Index of the input variable among the states, or -1 when there is none. */
gint           bsl_equations_get_input_state (const BslEquations  *eq);
/* Input ports, in the order of the input text ("v": one port a_in; "a_ge: ge, a_gi: gi": one
 * per variable). What arrives at a port on a state variable is added to it as Brian2's
 * on_pre 'x += w' of the previous step would be (docs/equations.md); at a port on a parameter
 * it is the parameter's value for the step (a current). */
guint          bsl_equations_get_n_inputs    (const BslEquations  *eq);
const char    *bsl_equations_get_input_port  (const BslEquations  *eq,
                                              guint                k);
const char    *bsl_equations_get_input_target (const BslEquations *eq,
                                               guint               k);
gboolean       bsl_equations_get_input_sets_param (const BslEquations *eq,
                                                   guint               k);
/* The first state (in the model's order) the threshold condition depends on, through
 * subexpressions too; -1 when there is no threshold or it reads no state. */
gint           bsl_equations_get_threshold_state (const BslEquations *eq);
/* The texts the object was made from (for saving); "" where none was given. */
const char    *bsl_equations_get_model       (const BslEquations  *eq);
const char    *bsl_equations_get_threshold   (const BslEquations  *eq);
const char    *bsl_equations_get_reset       (const BslEquations  *eq);
const char    *bsl_equations_get_refractory  (const BslEquations  *eq);
const char    *bsl_equations_get_input_var   (const BslEquations  *eq);
gboolean       bsl_equations_has_threshold   (const BslEquations  *eq);
gboolean       bsl_equations_has_refractory  (const BslEquations  *eq);
/* Whether the model draws random numbers (xi, rand() or randn()): its steps then depend on
 * the key of BslEquationsContext. */
gboolean       bsl_equations_is_stochastic   (const BslEquations  *eq);

/* "euler" (the default), "exponential_euler" (every equation must be linear in its own
 * variable; the error names the first term that is not), "rk2", "rk4", "exact" or its other
 * name "linear" (x' = A x + b with A and b free of the states and t: solved over each step
 * with a matrix exponential, as Brian2's linear state updater does symbolically), and Brian2's
 * "heun" and "milstein", which are Euler for equations without stochastic terms and
 * Euler-Maruyama for additive noise (get_method then gives EULER), their own schemes otherwise.
 * A model with xi takes euler (additive noise only), heun and milstein, one with rand() or
 * randn() in a differential equation no method of several stages; the message names the
 * method and what to use instead. */
gboolean       bsl_equations_set_method      (BslEquations        *eq,
                                              const char          *method,
                                              GError             **error);
/* Whether set_method would accept the method, without changing anything. */
gboolean       bsl_equations_check_method    (const BslEquations  *eq,
                                              const char          *method,
                                              GError             **error);
BslEquationsMethod bsl_equations_get_method  (const BslEquations  *eq);
const char    *bsl_equations_method_to_string (BslEquationsMethod  method);

/* The value to fill last_spike_step with before the first step: "never spiked". */
#define BSL_EQUATIONS_NEVER (-INFINITY)

/* One step of n neurons, the step-th (t = step * dt at its start): input (may be NULL) arrives
 * at the first input port, the equations are integrated over dt, the threshold is tested,
 * the reset applied to the neurons that spiked. states: n_states arrays of n, updated in place;
 * params: n_params arrays of n (read only); last_spike_step: n, the step of each neuron's last
 * spike (BSL_EQUATIONS_NEVER initially), updated, with half a step added once a refractory
 * condition has ended that spike's refractoriness (floor() gives the step); spikes_out: n,
 * set to 0 or 1. */
void           bsl_equations_step            (const BslEquations  *eq,
                                              gsize                n,
                                              double               dt,
                                              gint64               step,
                                              double *const       *states,
                                              double *const       *params,
                                              const double        *input,
                                              double              *last_spike_step,
                                              double              *spikes_out);

/* Where a call's neurons sit in their population, and what arrived at the ports. */
typedef struct
{
  gsize first;                  /* Brian2's i of the call's first neuron */
  gsize n_total;                /* N, the population's size (0: the call's n) */
  const double *const *inputs;  /* one array of n per input port (NULL entries: nothing); or NULL */
  guint64 key;                  /* of the random draws (xi, rand(), randn()): the seed */
} BslEquationsContext;

/* bsl_equations_step for a part of a population and every input port. params may be written:
 * a port on a parameter sets it. */
void           bsl_equations_step_full       (const BslEquations        *eq,
                                              gsize                      n,
                                              double                     dt,
                                              gint64                     step,
                                              double *const             *states,
                                              double *const             *params,
                                              const BslEquationsContext *ctx,
                                              double                    *last_spike_step,
                                              double                    *spikes_out);

/* What bsl_equations_step_full does first: the inputs of step `step` taken into the states
 * and parameters, nothing else. After step s - 1, this gives the state Brian2 holds at the end
 * of its step s - 1 (its on_pre effects are in it). */
void           bsl_equations_take_inputs     (const BslEquations        *eq,
                                              gsize                      n,
                                              double                     dt,
                                              gint64                     step,
                                              double *const             *states,
                                              double *const             *params,
                                              const BslEquationsContext *ctx,
                                              const double              *last_spike_step);

/* Subexpressions ("x = ... : unit" lines), in the order of the text, and their values for the
 * given states (after step `step`: t = step * dt, not_refractory and lastspike as that step
 * left them), as Brian2's StateMonitor records them at the end of a step: values is
 * n_subexpressions arrays of n. */
guint          bsl_equations_get_n_subexpressions   (const BslEquations *eq);
const char    *bsl_equations_get_subexpression_name (const BslEquations *eq,
                                                     guint               k);
const char    *bsl_equations_get_subexpression_unit (const BslEquations *eq,
                                                     guint               k);
void           bsl_equations_eval_subexpressions    (const BslEquations        *eq,
                                                     gsize                      n,
                                                     double                     dt,
                                                     gint64                     step,
                                                     double *const             *states,
                                                     double *const             *params,
                                                     const BslEquationsContext *ctx,
                                                     const double              *last_spike_step,
                                                     double *const             *values);

/* The right-hand sides dx/dt of n neurons at time t and the given states, with no input,
 * refractoriness or reset (dt is what the built-in dt reads): derivs is n_states arrays of n
 * (SI units per second). For previews, phase planes, and to recognise models by probing. */
void           bsl_equations_eval_derivatives (const BslEquations *eq,
                                               gsize               n,
                                               double              dt,
                                               double              t,
                                               double *const      *states,
                                               double *const      *params,
                                               double *const      *derivs);

/* C source (C99, libm only) of a function
 *   void PREFIX_step (size_t n, double dt, int64_t step, double *const *states,
 *                     double *const *params, const double *input,
 *                     double *last_spike_step, double *spikes_out);
 * with the same arguments, semantics and arithmetic (operation by operation) as
 * bsl_equations_step() under the current method. The text includes <math.h> and <stdint.h>.
 * prefix must be a C identifier. */
char          *bsl_equations_to_c            (const BslEquations  *eq,
                                              const char          *prefix,
                                              GError             **error);

/* Python source of a function
 *   def NAME(n, dt, step, states, params, inp, last_spike_step, spikes_out)
 * with the same arguments (sequences of floats, e.g. numpy arrays; inp may be None) and the same
 * arithmetic, neuron by neuron with the math module. It calls the helpers of
 * bsl_equations_python_prelude(), which must come first in the file (once). */
char          *bsl_equations_to_python       (const BslEquations  *eq,
                                              const char          *name,
                                              GError             **error);
const char    *bsl_equations_python_prelude  (void);

/* A value written with Brian2's units ("10*ms", "-70*mV", "0.2*nS/um2", "0.5") in the given
 * unit (a unit of the model, e.g. "second"): value is in that unit. Errors read
 * "is '10*mV': a value in volt, but it must be in second". */
gboolean       bsl_equations_parse_value     (const char          *text,
                                              const char          *unit,
                                              double              *value,
                                              GError             **error);

/* Machine code for the step: the C source of the model (as bsl_equations_to_c writes it) is
 * built once with the system's C compiler ($CC or cc; -O2 -ffp-contract=off, so that the bits
 * are the interpreter's), cached under the user's cache directory (basalt/equations/<sha256>.so)
 * and loaded; from then on bsl_equations_step and _step_full run it. FALSE when it cannot be
 * had (no compiler, a method or input ports the C source does not cover, or
 * bsl_equations_set_native_enabled (FALSE) / BASALT_EQUATIONS=interpreted): the instruction
 * list is stepped, and _get_native_why says why. Call it before stepping from several threads;
 * setting another method drops the machine code. */
gboolean       bsl_equations_prepare_native  (BslEquations        *eq);
const char    *bsl_equations_get_native_why  (const BslEquations  *eq);
void           bsl_equations_set_native_enabled (gboolean          enabled);
gboolean       bsl_equations_get_native_enabled (void);

/* Number of vector instructions of one step under the current method (for diagnostics). */
guint          bsl_equations_get_n_instructions (const BslEquations *eq);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslEquations, bsl_equations_unref)

G_END_DECLS
