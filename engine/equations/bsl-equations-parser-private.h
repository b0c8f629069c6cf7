/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The stages of the equation parser, shared by its files; bsl_eq_model_parse
 * (bsl-equations-parse.c) runs them in turn. */

#include "bsl-equations-private.h"

G_BEGIN_DECLS

typedef enum
{
  TOK_END,
  TOK_NEWLINE,
  TOK_NUMBER,
  TOK_NAME,
  TOK_OP,
} TokKind;

typedef struct
{
  TokKind kind;
  char op[4];
  double value;
  char *name;
  int line, column, start, end;
} Token;

typedef struct
{
  BslEqModel *m;
  const char *what;       /* NULL for the model, else "threshold", "reset", "refractory" */
  const char *text;
  GArray *toks;
  guint pos;
  guint nesting;
  gboolean noise_allowed; /* resolving a differential equation: xi may appear */
  GError **error;
} Parser;

/* Bounds that keep the recursive parts (parser, analysis, compiler) far from the stack's end
 * whatever the text; real models stay well below them. */
#define MAX_NESTING 100
#define MAX_HEIGHT 2000
#define MAX_SPLIT_NODES 100000

typedef struct
{
  const char *name;
  BslEqOp     op;
  guint       n_args;
} BslEqFunction;

/* The functions an expression may call. */
extern const BslEqFunction bsl_eq_functions[];
extern const guint         bsl_eq_n_functions;

typedef struct
{
  Parser *p;
  guint8 *busy;           /* subexpressions being analysed: a cycle */
  guint depth;            /* subexpressions within subexpressions */
} Analysis;

/* ---- Tables (bsl-equations-tables.c) ---- */

/* Whether name is one of the model's tables: then call is its signature and table its number. */
gboolean bsl_eq_table_call (const BslEqModel *m,
                            const char       *name,
                            BslEqFunction    *call,
                            int              *table);

/* A table called like a name the model declares is refused at the declaration. */
gboolean bsl_eq_tables_check_names (Parser *p);

/* " (table 'stimulus' is in amp)" when n is a call of a table or holds one, else "". */
char *bsl_eq_table_note (const BslEqModel *m,
                         const BslEqNode  *n);

/* ---- Errors and the lexer (bsl-equations-lex.c) ---- */

void bsl_eq_fail (Parser     *p,
                  int         line,
                  int         column,
                  const char *format,
                  ...) G_GNUC_PRINTF (4, 5);

char *bsl_eq_node_text (BslEqNode *n);

gboolean bsl_eq_lex (Parser     *p,
                     const char *text,
                     gboolean    newlines);

Token *bsl_eq_peek (Parser *p);

Token *bsl_eq_next (Parser *p);

gboolean bsl_eq_is_op (Token      *t,
                       const char *op);

gboolean bsl_eq_at_stop (Token *t);

char *bsl_eq_describe_token (Parser *p,
                             Token  *t);

void bsl_eq_fail_unexpected (Parser     *p,
                             Token      *t,
                             const char *expected);

/* ---- Expressions, by Python's precedence (bsl-equations-expr.c) ---- */

BslEqNode *bsl_eq_node_new (BslEqModel    *m,
                            BslEqNodeKind  kind);

/* A GDestroyNotify for the model's nodes. */
void bsl_eq_node_free (gpointer data);

BslEqNode *bsl_eq_node_at (Parser        *p,
                           BslEqNodeKind  kind,
                           Token         *t);

BslEqNode *bsl_eq_op_node (Parser    *p,
                           BslEqOp    op,
                           Token     *at,
                           BslEqNode *first,
                           BslEqNode *last,
                           BslEqNode *a,
                           BslEqNode *b,
                           BslEqNode *c);

/* An expression that must run to the end of its statement. */
BslEqNode *bsl_eq_parse_expression (Parser     *p,
                                    const char *after);

/* ---- Declarations: the lines of a model and their units (bsl-equations-declare.c) ---- */

gboolean bsl_eq_parse_unit_term (Parser   *p,
                                 double   *scale,
                                 BslEqDim *dim,
                                 gboolean *is_bool);

BslEqSymbol *bsl_eq_find_symbol (GArray     *a,
                                 const char *name,
                                 int        *index);

gboolean bsl_eq_declared (BslEqModel *m,
                          const char *name);

/* One line of the model: "dx/dt = expr : unit (flags)", "x = expr : unit" or "x : unit". */
gboolean bsl_eq_parse_model_line (Parser *p);

/* ---- Name resolution and dimensional analysis (bsl-equations-analyse.c) ---- */

BslEqNode *bsl_eq_resolve (Parser    *p,
                           BslEqNode *n);

gboolean bsl_eq_analyse_subexpr (Analysis  *an,
                                 BslEqNode *n);

gboolean bsl_eq_analyse (Analysis  *an,
                         BslEqNode *n);

/* ---- The split x' = A x + B and the exact method's system (bsl-equations-linear.c) ---- */

void bsl_eq_linearise (BslEqModel *m);

/* The exact method: x' = A x + b with A and b free of the states and of t, as Brian2's
 * linear state updater requires; otherwise the reason, naming the first equation that is not. */
void bsl_eq_linearise_system (BslEqModel *m);

/* ---- Stochastic terms (bsl-equations-noise.c) ---- */

/* Each differential equation as f + g_1 xi_1 + ...: the right-hand side becomes f, the
 * factors go to m->noise_coef. Fails (naming the equation) when an equation is not linear in
 * its noises or a factor depends on a state variable (multiplicative noise). */
gboolean bsl_eq_split_noise (Parser *p);

/* The node builders of the linear split (NULL stands for 0). */
BslEqNode *bsl_eq_linear_op (BslEqModel *m,
                             BslEqOp     op,
                             BslEqNode  *a,
                             BslEqNode  *b);
BslEqNode *bsl_eq_linear_number (BslEqModel *m,
                                 double      value);

G_END_DECLS
