/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-equations.h"

G_BEGIN_DECLS

/* ---- dimensions: exponents of metre, kilogram, second, amp, kelvin, mole, candela ---- */

#define BSL_EQ_N_BASE 7

typedef struct
{
  double e[BSL_EQ_N_BASE];
} BslEqDim;

extern const BslEqDim bsl_eq_dimensionless;

gboolean  bsl_eq_dim_equal        (const BslEqDim *a,
                                   const BslEqDim *b);
gboolean  bsl_eq_dim_is_one       (const BslEqDim *a);
BslEqDim  bsl_eq_dim_mul          (const BslEqDim *a,
                                   const BslEqDim *b);
BslEqDim  bsl_eq_dim_div          (const BslEqDim *a,
                                   const BslEqDim *b);
BslEqDim  bsl_eq_dim_pow          (const BslEqDim *a,
                                   double          p);
/* A unit Brian2 can parse ("volt/second", "1"); messages use bsl_eq_dim_describe. */
char     *bsl_eq_dim_to_unit      (const BslEqDim *a);
char     *bsl_eq_dim_describe     (const BslEqDim *a);
/* A unit or prefixed unit name ("mV", "msecond", "Mohm", "cm2"): its value in SI and dimension. */
/* Brian2's unit names (bsl-equations-unit-names.c), in strcmp order. */
extern const char *const bsl_eq_unit_names[];
extern const unsigned bsl_eq_n_unit_names;
gboolean  bsl_eq_unit_lookup      (const char     *name,
                                   double         *scale,
                                   BslEqDim       *dim);

/* ---- expressions ---- */

typedef enum
{
  BSL_EQ_OP_COPY,
  BSL_EQ_OP_ADD,
  BSL_EQ_OP_SUB,
  BSL_EQ_OP_MUL,
  BSL_EQ_OP_DIV,
  BSL_EQ_OP_MOD,
  BSL_EQ_OP_POW,
  BSL_EQ_OP_NEG,
  BSL_EQ_OP_LT,
  BSL_EQ_OP_LE,
  BSL_EQ_OP_GT,
  BSL_EQ_OP_GE,
  BSL_EQ_OP_EQ,
  BSL_EQ_OP_NE,
  BSL_EQ_OP_AND,
  BSL_EQ_OP_OR,
  BSL_EQ_OP_NOT,
  /* functions of one argument */
  BSL_EQ_OP_EXP,
  BSL_EQ_OP_LOG,
  BSL_EQ_OP_LOG10,
  BSL_EQ_OP_SQRT,
  BSL_EQ_OP_ABS,
  BSL_EQ_OP_SIN,
  BSL_EQ_OP_COS,
  BSL_EQ_OP_TAN,
  BSL_EQ_OP_TANH,
  BSL_EQ_OP_SINH,
  BSL_EQ_OP_COSH,
  BSL_EQ_OP_ARCSIN,
  BSL_EQ_OP_ARCCOS,
  BSL_EQ_OP_ARCTAN,
  BSL_EQ_OP_FLOOR,
  BSL_EQ_OP_CEIL,
  BSL_EQ_OP_SIGN,
  BSL_EQ_OP_EXPREL,
  BSL_EQ_OP_INT,
  BSL_EQ_OP_EXPM1,
  BSL_EQ_OP_LOG1P,
  /* two arguments: Brian2's timestep(t, dt), the number of the step at t */
  BSL_EQ_OP_TIMESTEP,
  /* three arguments */
  BSL_EQ_OP_CLIP,
  /* dst = b ? a : dst (masked assignment) */
  BSL_EQ_OP_SELECT,
  /* Brian2's rand() and randn(): a = the neuron's index, b = the stream builtin, c = the
   * number of the draw (bsl-equations-noise.c) */
  BSL_EQ_OP_RAND,
  BSL_EQ_OP_RANDN,
  /* a time-varying table (Brian2's TimedArray), c the table's number (a constant): the row
   * of time a at the step's dt b, then the value at row a and column b (bsl-equations-tables.c).
   * In a parsed model, TABLE_AT is the call itself: a the time, b the column or NULL. */
  BSL_EQ_OP_TABLE_ROW,
  BSL_EQ_OP_TABLE_AT,
  BSL_EQ_N_OPS
} BslEqOp;

typedef enum
{
  BSL_EQ_NODE_NUMBER,    /* value (constants, quantities and folded subtrees) */
  BSL_EQ_NODE_NAME,      /* unresolved identifier (parser output only) */
  BSL_EQ_NODE_STATE,     /* index */
  BSL_EQ_NODE_PARAM,     /* index */
  BSL_EQ_NODE_SUBEXPR,   /* index */
  BSL_EQ_NODE_BUILTIN,   /* index: BslEqBuiltin */
  BSL_EQ_NODE_OP,        /* op applied to a, b, c */
  BSL_EQ_NODE_NOISE,     /* index: which xi (differential equations only) */
} BslEqNodeKind;

typedef enum
{
  BSL_EQ_BUILTIN_T,
  BSL_EQ_BUILTIN_DT,
  BSL_EQ_BUILTIN_NOT_REFRACTORY,
  BSL_EQ_BUILTIN_LASTSPIKE,
  BSL_EQ_BUILTIN_SPIKE,          /* internal: the mask of the reset */
  BSL_EQ_BUILTIN_INDEX,          /* i: the neuron's index in its population */
  BSL_EQ_BUILTIN_N,              /* N: the population's size */
  BSL_EQ_BUILTIN_STREAM,         /* internal: the key and the step of the random draws */
  BSL_EQ_N_BUILTINS
} BslEqBuiltin;

typedef struct _BslEqNode BslEqNode;
struct _BslEqNode
{
  BslEqNodeKind kind;
  BslEqOp op;
  int index;
  double value;
  char *name;
  BslEqNode *a, *b, *c;
  /* for messages: where to point (the operator of an operation) and the span of the node */
  const char *text;
  int line, column;
  int span_line, span_column, start, end;
  /* analysis */
  int height;             /* of the tree below, bounded so that recursion stays shallow */
  gboolean analysed;
  BslEqDim dim;
  gboolean is_bool;
  gboolean is_const;
};

typedef struct
{
  char *name;
  BslEqDim dim;
  char *unit;
  gboolean held;          /* (unless refractory) */
  BslEqNode *rhs;         /* derivative (states) or value (subexpressions) */
  gboolean is_bool;       /* parameters declared ": boolean" */
  gboolean shared;        /* (shared): one value for the whole population */
  gboolean over_dt;       /* (constant over dt): held from the start of the step */
  int line, column;
} BslEqSymbol;

typedef enum
{
  BSL_EQ_ASSIGN,
  BSL_EQ_ASSIGN_ADD,
  BSL_EQ_ASSIGN_SUB,
  BSL_EQ_ASSIGN_MUL,
  BSL_EQ_ASSIGN_DIV,
} BslEqAssignKind;

typedef struct
{
  int state;
  BslEqNode *value;       /* the full new value (compound assignments are expanded) */
} BslEqStatement;

/* What the reset of the previous step does to an increment of an input variable, which
 * Brian2 applies between the threshold test and the reset (bsl-equations.c). */
typedef enum
{
  BSL_EQ_RESET_KEEPS,       /* the reset leaves it or shifts it by a value free of it */
  BSL_EQ_RESET_OVERWRITES,  /* the reset assigns a value free of it: the increment is lost */
  BSL_EQ_RESET_OTHER,       /* anything else: the increment lands after the reset */
} BslEqResetEffect;

/* One input port: what arrives is added to a state variable or, for a parameter, is its
 * value for the step (a current). */
typedef struct
{
  char *port;
  int state, param;       /* one of them is -1 */
  BslEqResetEffect reset_effect;
} BslEqInput;

/* A table of values over time that the model calls as a function (name(t) or name(t, i)). */
typedef struct
{
  char *name;
  char *unit;
  BslEqDim dim;
  double dt;              /* seconds between rows */
  gsize n_times;
  gsize n_columns;        /* 0: one column, called name(t) */
  double *values;         /* n_times rows of MAX (n_columns, 1), in SI units */
} BslEqTable;

/* The parsed, resolved and checked model. */
typedef struct
{
  GPtrArray *nodes;       /* owns every node */
  GArray *tables;         /* BslEqTable */
  GArray *states;         /* BslEqSymbol */
  GArray *params;
  GArray *subexprs;
  BslEqNode *threshold;
  GArray *reset;          /* BslEqStatement */
  BslEqNode *refractory;  /* a period (second) or a condition that ends refractoriness */
  int input_state;        /* the first input port's state, -1 when none */
  GArray *inputs;         /* BslEqInput */
  /* which states each subexpression depends on: n_subexprs * n_states, -1 = not known yet */
  gint8 *sub_deps;
  guint n_split_nodes;
  /* exponential Euler: x' = A x + B per state, or the reason it is not linear */
  BslEqNode **lin_a, **lin_b;
  char *nonlinear_message;
  /* exact: x' = A x + b, A n*n by rows, b n (NULL terms are 0), or the reason it is not */
  BslEqNode **sys_a, **sys_b;
  char *nonsystem_message;
  /* stochastic terms (bsl-equations-noise.c): the names of the noises (xi, xi_a, ...), the
   * factor of each in each equation (n_states * n_noises, NULL = 0), the number of rand() and
   * randn() calls, and whether a differential equation draws */
  GPtrArray *noises;
  BslEqNode **noise_coef;
  guint n_draw_sites;
  gboolean draws_in_derivatives;
  gboolean noise_uses_time;
  char *multiplicative_message;  /* why euler cannot integrate the noise, or NULL */
} BslEqModel;

/* Brian2's refractory='v > -40*mV': refractory after a spike until the condition is false. */
static inline gboolean
bsl_eq_refractory_is_condition (const BslEqModel *m)
{
  return m->refractory != NULL && m->refractory->is_bool;
}

#define BSL_EQ_MAX_EXACT_STATES 16

BslEqModel *bsl_eq_model_parse    (const char  *model,
                                   const char  *threshold,
                                   const char  *reset,
                                   const char  *refractory,
                                   const char  *input_var,
                                   GArray      *tables,
                                   GError     **error);
/* ---- tables (bsl-equations-tables.c) ---- */
/* Checked copies of the caller's tables (BslEqTable), or NULL with an error naming the table. */
GArray     *bsl_eq_tables_copy    (const BslEquationsTable *tables,
                                   guint                    n_tables,
                                   GError                 **error);
GArray     *bsl_eq_tables_new_empty (void);
const BslEqTable *bsl_eq_model_find_table (const BslEqModel *m,
                                           const char       *name,
                                           int              *index);
/* Brian2's TimedArray: the row for time t at the step's dt, and the value at a row and a
 * column; the C and Python sources compute the same. */
double      bsl_eq_table_row      (const BslEqTable *table,
                                   double            t,
                                   double            dt);
double      bsl_eq_table_at       (const BslEqTable *table,
                                   double            row,
                                   double            column);
void        bsl_eq_model_free     (BslEqModel  *m);
/* The input ports (bsl-equations-inputs.c), after the reset is parsed. */
gboolean    bsl_eq_model_set_inputs (BslEqModel  *m,
                                     const char  *spec,
                                     GError     **error);
gboolean    bsl_eq_node_depends_on_state (BslEqModel *m,
                                          BslEqNode  *node,
                                          int         state);

/* The arithmetic of one element, shared by constant folding and the stepping loops. */
double      bsl_eq_apply          (BslEqOp      op,
                                   double       a,
                                   double       b,
                                   double       c);

/* ---- instruction lists ---- */

/* Operands are slots: registers first, then states, parameters, builtins and constants. */
typedef struct
{
  guint16 op;
  guint16 dst, a, b, c;
} BslEqInstr;

typedef struct
{
  GArray *code;           /* BslEqInstr */
  guint *out;             /* result slots (derivatives, A and B, the condition, ...) */
  guint n_out;
  const BslEqTable *tables; /* the model's, for TABLE_ROW and TABLE_AT */
} BslEqProgram;

typedef struct
{
  guint n_regs;
  /* the noise factors among deriv.out: position of state k's factor of noise j at
   * k * n_noises + j, -1 where it is 0 */
  int *noise_out;
  guint first_state, first_param, first_builtin, first_const, n_slots;
  GArray *consts;         /* double */
  BslEqProgram deriv;     /* n_states derivatives */
  BslEqProgram linear;    /* 2 * n_states: A then B for each state */
  BslEqProgram system;    /* n_states * (n_states + 1): A by rows, then b (exact) */
  BslEqProgram threshold; /* 1 condition */
  BslEqProgram reset;     /* no outputs: SELECT into state slots, mask in slot reset_mask */
  BslEqProgram refractory;/* 1 period in seconds */
  BslEqProgram subexprs;  /* n_subexprs values, for probing */
  BslEqProgram held;      /* the (constant over dt) subexpressions, into their own registers */
} BslEqCode;

BslEqCode  *bsl_eq_code_compile   (BslEqModel  *m);

/* The step compiled to machine code (bsl-equations-native.c): bsl_eq_c_source (native). */
typedef void (*BslEqNativeStep) (size_t n, double dt, gint64 step, double *const *states,
                                 double *const *params, const double *const *inputs,
                                 double *last_spike_step, double *spikes_out, size_t first,
                                 size_t n_total, const double *const *tables, guint64 key);

/* The compiled object (bsl-equations.h), shared by its source generators. */
struct _BslEquations
{
  gatomicrefcount ref;
  char *model, *threshold, *reset, *refractory, *input_var;
  BslEqModel *m;
  BslEqCode *code;
  BslEquationsMethod method;
  double *const_blocks;     /* every constant broadcast over a block */
  gboolean any_held;
  GMutex native_lock;
  gboolean native_tried;
  BslEqNativeStep native;
  gpointer native_module;
  char *native_why;         /* why there is no native step */
  const double **table_values; /* each table's values, for the native step */
};

static inline const BslEqSymbol *
bsl_eq_state (const BslEquations *eq,
              guint               i)
{
  return &g_array_index (eq->m->states, BslEqSymbol, i);
}

static inline const BslEqSymbol *
bsl_eq_param (const BslEquations *eq,
              guint               i)
{
  return &g_array_index (eq->m->params, BslEqSymbol, i);
}

char       *bsl_eq_c_source       (const BslEquations  *eq,
                                   const char          *prefix,
                                   gboolean             native,
                                   GError             **error);
void        bsl_eq_native_free    (BslEquations        *eq);
void        bsl_eq_code_free      (BslEqCode   *code);

/* ---- source text (bsl-equations-source.c) ---- */

typedef struct
{
  const char *const *formats;      /* per op, over the operands a, b, c */
  char *(*literal) (double v);
  const char *statement_end;
  /* one noise term of an Euler step: x[k] += g * sqrt(dt) * N(0, 1), over k, k, the slot of
   * g, the prefix of the generator and the draw number */
  const char *noise_format;
  /* the scratch of heun and milstein: g0 (over its size) and dw */
  const char *stochastic_scratch;
} BslEqLanguage;

extern const BslEqLanguage bsl_eq_language_c;
extern const BslEqLanguage bsl_eq_language_python;

typedef struct
{
  const BslEquations  *eq;
  const BslEqLanguage *language;
  GString             *s;
  const char          *state_array;  /* which copy of the states the operands read: x or xs */
  const char          *prefix;       /* of the helpers the source defines (draws, tables) */
  gboolean             locals;       /* arrays read through restrict locals (machine code) */
} BslEqSource;

/* The tables' data and lookup functions, named after src->prefix, before the step function:
 * native passes the values in (argument tables), else they are written out. */
void        bsl_eq_source_tables  (BslEqSource        *src,
                                   gboolean            native);

/* A name both C and Python accept: a letter or '_', then letters, digits and '_'. */
gboolean    bsl_eq_is_identifier  (const char         *name);
/* The noise terms of state k's Euler step, as the engine adds them (add_noise), one line
 * each, starting with indent and guard (a condition that ends in the statement). */
void        bsl_eq_source_noise   (BslEqSource        *src,
                                   guint               k,
                                   const char         *indent,
                                   const char         *guard);
/* heun's or milstein's own scheme, as the engine's integrate_stochastic computes it: k1
 * gathers the new state, g0 holds the noise factors at the start, xs a support point per
 * noise (bsl_eq_source_support). */
void        bsl_eq_source_stochastic (BslEqSource     *src,
                                      gboolean         heun,
                                      const char      *indent);
void        bsl_eq_source_support (BslEqSource        *src,
                                   gboolean            heun,
                                   guint               j,
                                   const char         *indent);
/* One statement per instruction of prog, each line starting with indent. */
void        bsl_eq_source_program (BslEqSource        *src,
                                   const BslEqProgram *prog,
                                   const char         *indent);

/* After the input: the held subexpressions, then (for a refractory condition) the condition
 * and release, a format of the indent (%1$s) and the condition's register (%2$u) that sets nr
 * and adds half a step to last_spike_step where the condition no longer holds. */
void        bsl_eq_source_start_of_step (BslEqSource *src,
                                         const char  *indent,
                                         const char  *release);
/* ---- random draws (bsl-equations-noise.c) ---- */

/* The draw number of noise j: apart from those of rand() and randn() calls, which count from 0. */
#define BSL_EQ_NOISE_DRAW(j) (4294967296.0 + (double) (j))

/* Draws from (key, step, neuron index, draw number) alone, whatever the order of the calls. */
double      bsl_eq_draw_uniform   (guint64      key,
                                   double       step,
                                   double       index,
                                   double       draw);
double      bsl_eq_draw_normal    (guint64      key,
                                   double       step,
                                   double       index,
                                   double       draw);
/* The same functions as C or Python source, named PREFIX_uniform and PREFIX_normal. */
void        bsl_eq_draw_c_source  (GString     *s,
                                   const char  *prefix);
void        bsl_eq_draw_python_source (GString    *s,
                                       const char *prefix);
gboolean    bsl_eq_is_stochastic  (const BslEquations *eq);
/* Whether a method name (as the user wrote it) can integrate the model's stochastic terms;
 * the message names the method and what to use instead. */
gboolean    bsl_eq_noise_check_method (const BslEquations  *eq,
                                       const char          *method,
                                       GError             **error);
/* heun and milstein are euler unless the model needs their own scheme. */
BslEquationsMethod bsl_eq_noise_method (const BslEquations *eq,
                                        BslEquationsMethod  method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslEqModel, bsl_eq_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslEqCode, bsl_eq_code_free)

G_END_DECLS
