/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The split x' = A x + B that exponential Euler needs, and the linear system of the exact
 * method. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"

gboolean
bsl_eq_node_depends_on_state (BslEqModel *m,
                              BslEqNode  *n,
                              int         state)
{
  if (n == NULL)
    return FALSE;
  switch (n->kind)
    {
    case BSL_EQ_NODE_STATE:
      return n->index == state;
    case BSL_EQ_NODE_SUBEXPR:
      {
        gint8 *known = &m->sub_deps[n->index * m->states->len + state];

        /* held from the start of the step, it is a parameter to the step (as in Brian2) */
        if (g_array_index (m->subexprs, BslEqSymbol, n->index).over_dt)
          return FALSE;
        /* memoised: subexpressions that use one another twice would otherwise cost 2^depth */
        if (*known < 0)
          *known = bsl_eq_node_depends_on_state (m, g_array_index (m->subexprs, BslEqSymbol,
                                                                   n->index).rhs, state);
        return *known;
      }
    case BSL_EQ_NODE_OP:
      return bsl_eq_node_depends_on_state (m, n->a, state)
        || bsl_eq_node_depends_on_state (m, n->b, state)
        || bsl_eq_node_depends_on_state (m, n->c, state);
    case BSL_EQ_NODE_NUMBER:
    case BSL_EQ_NODE_NAME:
    case BSL_EQ_NODE_PARAM:
    case BSL_EQ_NODE_BUILTIN:
    default:
      return FALSE;
    }
}

static BslEqNode *
mk_number (BslEqModel *m,
           double      value)
{
  BslEqNode *n = bsl_eq_node_new (m, BSL_EQ_NODE_NUMBER);

  m->n_split_nodes++;
  n->value = value;
  n->is_const = n->analysed = TRUE;
  return n;
}

static BslEqNode *
mk_op (BslEqModel *m,
       BslEqOp     op,
       BslEqNode  *a,
       BslEqNode  *b)
{
  BslEqNode *n;

  /* NULL stands for zero */
  switch (op)
    {
    case BSL_EQ_OP_ADD:
      if (a == NULL || b == NULL)
        return a != NULL ? a : b;
      break;
    case BSL_EQ_OP_SUB:
      if (b == NULL)
        return a;
      if (a == NULL)
        return mk_op (m, BSL_EQ_OP_NEG, b, NULL);
      break;
    case BSL_EQ_OP_NEG:
      if (a == NULL)
        return NULL;
      break;
    case BSL_EQ_OP_MUL:
      if (a == NULL || b == NULL)
        return NULL;
      if (a->kind == BSL_EQ_NODE_NUMBER && a->value == 1.0)
        return b;
      if (b->kind == BSL_EQ_NODE_NUMBER && b->value == 1.0)
        return a;
      break;
    case BSL_EQ_OP_DIV:
      if (a == NULL)
        return NULL;
      break;
    default:
      break;
    }
  if (a->kind == BSL_EQ_NODE_NUMBER && (b == NULL || b->kind == BSL_EQ_NODE_NUMBER))
    return mk_number (m, bsl_eq_apply (op, a->value, b != NULL ? b->value : 0, 0));
  n = bsl_eq_node_new (m, BSL_EQ_NODE_OP);
  n->op = op;
  n->a = a;
  n->b = b;
  n->analysed = TRUE;
  m->n_split_nodes++;
  return n;
}

static gboolean split (BslEqModel *m, BslEqNode *n, int state, gboolean conditionally,
                       BslEqNode **a, BslEqNode **b, BslEqNode **bad);

static BslEqNode *
mk_state (BslEqModel *m,
          int         state)
{
  BslEqNode *n = bsl_eq_node_new (m, BSL_EQ_NODE_STATE);

  m->n_split_nodes++;
  n->index = state;
  n->analysed = TRUE;
  return n;
}

/* A product of two factors that both read x, as Brian2 collects it after expanding:
 * (a1 x + b1)(a2 x + b2) = (a1 b2 + a2 b1) x + (a1 a2 x*x + b1 b2), where the coefficient of x
 * must not read x (b1 and b2 may, as x*x and functions of x go to B). */
static gboolean
split_product (BslEqModel  *m,
               BslEqNode   *n,
               int          state,
               BslEqNode  **a,
               BslEqNode  **b,
               BslEqNode  **bad)
{
  BslEqNode *a1, *b1, *a2, *b2;

  if (!split (m, n->a, state, TRUE, &a1, &b1, bad) || !split (m, n->b, state, TRUE, &a2, &b2, bad))
    return FALSE;
  if ((a2 != NULL && b1 != NULL && bsl_eq_node_depends_on_state (m, b1, state)) ||
      (a1 != NULL && b2 != NULL && bsl_eq_node_depends_on_state (m, b2, state)))
    {
      *bad = n;
      return FALSE;
    }
  *a = mk_op (m, BSL_EQ_OP_ADD, mk_op (m, BSL_EQ_OP_MUL, a1, b2), mk_op (m, BSL_EQ_OP_MUL, a2, b1));
  *b = mk_op (m, BSL_EQ_OP_ADD,
              mk_op (m, BSL_EQ_OP_MUL, mk_op (m, BSL_EQ_OP_MUL, a1, a2),
                     mk_op (m, BSL_EQ_OP_MUL, mk_state (m, state), mk_state (m, state))),
              mk_op (m, BSL_EQ_OP_MUL, b1, b2));
  return TRUE;
}

/* n as A x + B with A free of x. Strictly (the exact method), B is free of x too. Conditionally
 * (exponential Euler, as Brian2's conditionally linear split), B may read x where x is not a
 * factor of the term: inside a function, a power or a denominator (exp(x), x**2, 1/(1 + x)). */
static gboolean
split (BslEqModel  *m,
       BslEqNode   *n,
       int          state,
       gboolean     conditionally,
       BslEqNode  **a,
       BslEqNode  **b,
       BslEqNode  **bad)
{
  BslEqNode *a1, *b1, *a2, *b2;

  if (!bsl_eq_node_depends_on_state (m, n, state))
    {
      *a = NULL;
      *b = n;
      return TRUE;
    }
  if (m->n_split_nodes > MAX_SPLIT_NODES)
    {
      *bad = n;
      return FALSE;
    }
  if (n->kind == BSL_EQ_NODE_STATE)
    {
      *a = mk_number (m, 1.0);
      *b = NULL;
      return TRUE;
    }
  if (n->kind == BSL_EQ_NODE_SUBEXPR)
    return split (m, g_array_index (m->subexprs, BslEqSymbol, n->index).rhs, state,
                  conditionally, a, b, bad);
  g_assert (n->kind == BSL_EQ_NODE_OP);
  switch (n->op)
    {
    case BSL_EQ_OP_ADD:
    case BSL_EQ_OP_SUB:
      if (!split (m, n->a, state, conditionally, &a1, &b1, bad) ||
          !split (m, n->b, state, conditionally, &a2, &b2, bad))
        return FALSE;
      *a = mk_op (m, n->op, a1, a2);
      *b = mk_op (m, n->op, b1, b2);
      return TRUE;
    case BSL_EQ_OP_NEG:
      if (!split (m, n->a, state, conditionally, &a1, &b1, bad))
        return FALSE;
      *a = mk_op (m, BSL_EQ_OP_NEG, a1, NULL);
      *b = mk_op (m, BSL_EQ_OP_NEG, b1, NULL);
      return TRUE;
    case BSL_EQ_OP_MUL:
      if (!bsl_eq_node_depends_on_state (m, n->a, state))
        {
          if (!split (m, n->b, state, conditionally, &a2, &b2, bad))
            return FALSE;
          *a = mk_op (m, BSL_EQ_OP_MUL, n->a, a2);
          *b = mk_op (m, BSL_EQ_OP_MUL, n->a, b2);
          return TRUE;
        }
      if (!bsl_eq_node_depends_on_state (m, n->b, state))
        {
          if (!split (m, n->a, state, conditionally, &a1, &b1, bad))
            return FALSE;
          *a = mk_op (m, BSL_EQ_OP_MUL, a1, n->b);
          *b = mk_op (m, BSL_EQ_OP_MUL, b1, n->b);
          return TRUE;
        }
      if (conditionally)
        return split_product (m, n, state, a, b, bad);
      break;
    case BSL_EQ_OP_DIV:
      if (!bsl_eq_node_depends_on_state (m, n->b, state))
        {
          if (!split (m, n->a, state, conditionally, &a1, &b1, bad))
            return FALSE;
          *a = mk_op (m, BSL_EQ_OP_DIV, a1, n->b);
          *b = mk_op (m, BSL_EQ_OP_DIV, b1, n->b);
          return TRUE;
        }
      /* x only in the denominator: no factor x */
      if (conditionally && !bsl_eq_node_depends_on_state (m, n->a, state))
        {
          *a = NULL;
          *b = n;
          return TRUE;
        }
      break;
    default:
      /* x inside a function or a power: not a factor of the term */
      if (conditionally)
        {
          *a = NULL;
          *b = n;
          return TRUE;
        }
      break;
    }
  *bad = n;
  return FALSE;
}

void
bsl_eq_linearise (BslEqModel *m)
{
  m->lin_a = g_new0 (BslEqNode *, m->states->len);
  m->lin_b = g_new0 (BslEqNode *, m->states->len);
  for (guint k = 0; k < m->states->len; k++)
    {
      BslEqSymbol *s = &g_array_index (m->states, BslEqSymbol, k);
      BslEqNode *bad = NULL;

      if (!split (m, s->rhs, k, TRUE, &m->lin_a[k], &m->lin_b[k], &bad))
        {
          g_autofree char *text = bsl_eq_node_text (bad);

          if (m->n_split_nodes > MAX_SPLIT_NODES)
            {
              m->nonlinear_message =
                g_strdup_printf ("line %d, column %d: d%s/dt is too large to write as "
                                 "A*%s + B for exponential_euler", s->rhs->span_line,
                                 s->rhs->span_column, s->name, s->name);
              return;
            }

          m->nonlinear_message =
            g_strdup_printf ("line %d, column %d: exponential_euler needs d%s/dt to be linear "
                             "in %s, but '%s' is not", bad->span_line, bad->span_column,
                             s->name, s->name, text);
          return;
        }
    }
}

/* Whether a term reads t, through subexpressions too (memo: -1 not known yet). */
static gboolean
uses_time (BslEqModel *m,
           BslEqNode  *n,
           gint8      *memo)
{
  if (n == NULL)
    return FALSE;
  switch (n->kind)
    {
    case BSL_EQ_NODE_BUILTIN:
      return n->index == BSL_EQ_BUILTIN_T;
    case BSL_EQ_NODE_SUBEXPR:
      if (g_array_index (m->subexprs, BslEqSymbol, n->index).over_dt)
        return FALSE;
      if (memo[n->index] < 0)
        {
          memo[n->index] = 0;
          memo[n->index] = uses_time (m, g_array_index (m->subexprs, BslEqSymbol,
                                                        n->index).rhs, memo);
        }
      return memo[n->index];
    case BSL_EQ_NODE_OP:
      return uses_time (m, n->a, memo) || uses_time (m, n->b, memo) || uses_time (m, n->c, memo);
    default:
      return FALSE;
    }
}

static gboolean
depends_on_any_state (BslEqModel *m,
                      BslEqNode  *n)
{
  for (guint j = 0; j < m->states->len; j++)
    if (bsl_eq_node_depends_on_state (m, n, (int) j))
      return TRUE;
  return FALSE;
}

/* The exact method: x' = A x + b with A and b free of the states and of t, as Brian2's
 * linear state updater requires; otherwise the reason, naming the first equation that is not. */
void
bsl_eq_linearise_system (BslEqModel *m)
{
  guint n = m->states->len;
  g_autofree gint8 *memo = g_new (gint8, m->subexprs->len + 1);

  memset (memo, -1, m->subexprs->len + 1);
  m->sys_a = g_new0 (BslEqNode *, (gsize) n * n);
  m->sys_b = g_new0 (BslEqNode *, n);
  for (guint k = 0; k < n && m->nonsystem_message == NULL; k++)
    {
      BslEqSymbol *s = &g_array_index (m->states, BslEqSymbol, k);
      BslEqNode *rest = s->rhs, *bad = NULL;
      gboolean ok = n <= BSL_EQ_MAX_EXACT_STATES;

      for (guint j = 0; ok && j < n; j++)
        {
          BslEqNode *a, *b;

          ok = split (m, rest, (int) j, FALSE, &a, &b, &bad) && (a == NULL || !depends_on_any_state (m, a))
            && !uses_time (m, a, memo);
          m->sys_a[k * n + j] = a;
          rest = b;
        }
      ok = ok && !uses_time (m, rest, memo);
      m->sys_b[k] = rest;
      if (!ok)
        m->nonsystem_message =
          n > BSL_EQ_MAX_EXACT_STATES
          ? g_strdup_printf ("exact integration takes at most %d state variables, not %u",
                             BSL_EQ_MAX_EXACT_STATES, n)
          : g_strdup_printf ("line %d, column %d: exact integration needs linear equations "
                             "with constant coefficients (no product of state variables, no t), "
                             "and d%s/dt is not", s->rhs->span_line, s->rhs->span_column,
                             s->name);
    }
}

BslEqNode *
bsl_eq_linear_op (BslEqModel *m,
                  BslEqOp     op,
                  BslEqNode  *a,
                  BslEqNode  *b)
{
  return mk_op (m, op, a, b);
}

BslEqNode *
bsl_eq_linear_number (BslEqModel *m,
                      double      value)
{
  return mk_number (m, value);
}
