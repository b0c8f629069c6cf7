/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's equation syntax: name resolution, dimensional analysis and constant folding. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"

static const char *const builtin_names[BSL_EQ_N_BUILTINS] = {
  "t", "dt", "not_refractory", "lastspike", NULL, "i", "N", NULL,
};

BslEqNode *
bsl_eq_resolve (Parser    *p,
                BslEqNode *n)
{
  int index;

  if (n == NULL)
    return NULL;
  if (n->kind == BSL_EQ_NODE_OP)
    {
      if ((n->a != NULL && bsl_eq_resolve (p, n->a) == NULL)
          || (n->b != NULL && bsl_eq_resolve (p, n->b) == NULL)
          || (n->c != NULL && bsl_eq_resolve (p, n->c) == NULL))
        return NULL;
      return n;
    }
  if (n->kind != BSL_EQ_NODE_NAME)
    return n;

  if (bsl_eq_find_symbol (p->m->states, n->name, &index))
    n->kind = BSL_EQ_NODE_STATE;
  else if (bsl_eq_find_symbol (p->m->params, n->name, &index))
    n->kind = BSL_EQ_NODE_PARAM;
  else if (bsl_eq_find_symbol (p->m->subexprs, n->name, &index))
    n->kind = BSL_EQ_NODE_SUBEXPR;
  else
    {
      double scale;
      BslEqDim dim;

      for (index = 0; index < BSL_EQ_N_BUILTINS; index++)
        if (builtin_names[index] != NULL && strcmp (builtin_names[index], n->name) == 0)
          break;
      if (index < BSL_EQ_N_BUILTINS)
        n->kind = BSL_EQ_NODE_BUILTIN;
      else if (strcmp (n->name, "pi") == 0 || strcmp (n->name, "e") == 0
               || strcmp (n->name, "inf") == 0)
        {
          n->kind = BSL_EQ_NODE_NUMBER;
          n->value = n->name[0] == 'p' ? G_PI : n->name[0] == 'e' ? G_E : INFINITY;
        }
      else if (strcmp (n->name, "True") == 0 || strcmp (n->name, "False") == 0)
        {
          n->kind = BSL_EQ_NODE_NUMBER;
          n->value = n->name[0] == 'T';
          n->is_bool = TRUE;
        }
      else if (strcmp (n->name, "xi") == 0 || g_str_has_prefix (n->name, "xi_"))
        {
          guint j;

          if (!p->noise_allowed)
            {
              bsl_eq_fail (p, n->line, n->column, "the noise %s can only appear in a "
                           "differential equation", n->name);
              return NULL;
            }
          /* one noise per name: the same xi_name in two equations is the same draw */
          for (j = 0; j < p->m->noises->len; j++)
            if (strcmp (g_ptr_array_index (p->m->noises, j), n->name) == 0)
              break;
          if (j == p->m->noises->len)
            g_ptr_array_add (p->m->noises, g_strdup (n->name));
          n->kind = BSL_EQ_NODE_NOISE;
          n->index = (int) j;
          return n;
        }
      else if (bsl_eq_unit_lookup (n->name, &scale, &dim))
        {
          n->kind = BSL_EQ_NODE_NUMBER;
          n->value = scale;
          n->dim = dim;
          n->analysed = TRUE;
          n->is_const = TRUE;
        }
      else
        {
          bsl_eq_fail (p, n->line, n->column, "unknown symbol '%s'", n->name);
          return NULL;
        }
      index = index < BSL_EQ_N_BUILTINS ? index : 0;
    }
  n->index = index;
  return n;
}

static const char *
op_name (BslEqOp op)
{
  for (guint i = 0; i < bsl_eq_n_functions; i++)
    if (bsl_eq_functions[i].op == op)
      return bsl_eq_functions[i].name;
  switch (op)
    {
    case BSL_EQ_OP_AND: return "and";
    case BSL_EQ_OP_OR: return "or";
    case BSL_EQ_OP_NOT: return "not";
    default: return "?";
    }
}

gboolean
bsl_eq_analyse_subexpr (Analysis  *an,
                        BslEqNode *n)
{
  BslEqSymbol *s = &g_array_index (an->p->m->subexprs, BslEqSymbol, n->index);

  if (an->busy[n->index])
    {
      bsl_eq_fail (an->p, n->line, n->column, "the subexpression '%s' depends on itself", s->name);
      return FALSE;
    }
  if (an->depth >= MAX_NESTING)
    {
      bsl_eq_fail (an->p, n->line, n->column,
                   "subexpressions are nested too deeply (more than %d use one another)",
                   MAX_NESTING);
      return FALSE;
    }
  an->busy[n->index] = TRUE;
  an->depth++;
  if (!bsl_eq_analyse (an, s->rhs))
    return FALSE;
  an->depth--;
  an->busy[n->index] = FALSE;
  if (!bsl_eq_dim_equal (&s->rhs->dim, &s->dim))
    {
      g_autofree char *got = bsl_eq_dim_describe (&s->rhs->dim);
      g_autofree char *want = bsl_eq_dim_describe (&s->dim);
      g_autofree char *note = bsl_eq_table_note (an->p->m, s->rhs);

      bsl_eq_fail (an->p, s->rhs->span_line, s->rhs->span_column,
                   "the right-hand side of %s has unit %s, but %s is declared as %s%s",
                   s->name, got, s->name, want, note);
      return FALSE;
    }
  n->dim = s->dim;
  n->height = s->rhs->height;
  n->is_bool = s->rhs->is_bool;
  if (s->rhs->is_const)
    {
      n->kind = BSL_EQ_NODE_NUMBER;
      n->value = s->rhs->value;
      n->is_const = TRUE;
    }
  return TRUE;
}

static gboolean
need_bool (Analysis  *an,
           BslEqNode *op,
           BslEqNode *x)
{
  if (!x->is_bool)
    {
      g_autofree char *text = bsl_eq_node_text (x);

      bsl_eq_fail (an->p, x->span_line, x->span_column,
                   "'%s' needs conditions, and '%s' is not one", op_name (op->op), text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
need_dimensionless (Analysis  *an,
                    BslEqNode *n,
                    BslEqNode *arg)
{
  if (!bsl_eq_dim_is_one (&arg->dim))
    {
      g_autofree char *d = bsl_eq_dim_describe (&arg->dim);

      bsl_eq_fail (an->p, n->line, n->column, "the argument of %s must be dimensionless, not %s",
                   op_name (n->op), d);
      return FALSE;
    }
  return TRUE;
}

/* Numbers, states, parameters, built-ins and subexpressions: their unit is known. */
static gboolean
analyse_leaf (Analysis  *an,
              BslEqNode *n)
{
  switch (n->kind)
    {
    case BSL_EQ_NODE_NUMBER:
      n->is_const = TRUE;
      n->analysed = TRUE;
      return TRUE;
    case BSL_EQ_NODE_STATE:
      n->dim = g_array_index (an->p->m->states, BslEqSymbol, n->index).dim;
      n->analysed = TRUE;
      return TRUE;
    case BSL_EQ_NODE_PARAM:
      n->dim = g_array_index (an->p->m->params, BslEqSymbol, n->index).dim;
      n->is_bool = g_array_index (an->p->m->params, BslEqSymbol, n->index).is_bool;
      n->analysed = TRUE;
      return TRUE;
    case BSL_EQ_NODE_BUILTIN:
      n->dim = bsl_eq_dimensionless;
      if (n->index == BSL_EQ_BUILTIN_T || n->index == BSL_EQ_BUILTIN_DT
          || n->index == BSL_EQ_BUILTIN_LASTSPIKE)
        n->dim.e[2] = 1;
      n->is_bool = n->index == BSL_EQ_BUILTIN_NOT_REFRACTORY;
      n->analysed = TRUE;
      return TRUE;
    case BSL_EQ_NODE_SUBEXPR:
      if (!bsl_eq_analyse_subexpr (an, n))
        return FALSE;
      n->analysed = TRUE;
      return TRUE;
    case BSL_EQ_NODE_NOISE:
      /* white noise: Brian2 gives xi the unit second**-0.5 */
      n->dim = bsl_eq_dimensionless;
      n->dim.e[2] = -0.5;
      n->analysed = TRUE;
      return TRUE;
    case BSL_EQ_NODE_NAME:
    case BSL_EQ_NODE_OP:
    default:
      break;
    }
  g_assert_not_reached ();
  return FALSE;
}

/* The note naming the table behind a unit that does not fit, "" when none is involved. */
static char *
table_note_of (Analysis  *an,
               BslEqNode *a,
               BslEqNode *b)
{
  char *note = bsl_eq_table_note (an->p->m, a);

  if (*note != '\0' || b == NULL)
    return note;
  g_free (note);
  return bsl_eq_table_note (an->p->m, b);
}

/* name(t) or name(t, i): a time, then a neuron's index; the table's unit. */
static gboolean
analyse_table_call (Analysis  *an,
                    BslEqNode *n)
{
  const BslEqTable *table = &g_array_index (an->p->m->tables, BslEqTable, n->index);
  BslEqDim second = bsl_eq_dimensionless;

  second.e[2] = 1;
  if (!bsl_eq_dim_equal (&n->a->dim, &second) || n->a->is_bool)
    {
      g_autofree char *d = bsl_eq_dim_describe (&n->a->dim);

      bsl_eq_fail (an->p, n->a->span_line, n->a->span_column,
                   "table '%s' takes a time (second) as its first argument, not %s",
                   table->name, n->a->is_bool ? "a condition" : d);
      return FALSE;
    }
  if (n->b != NULL && !bsl_eq_dim_is_one (&n->b->dim))
    {
      g_autofree char *d = bsl_eq_dim_describe (&n->b->dim);

      bsl_eq_fail (an->p, n->b->span_line, n->b->span_column,
                   "table '%s' takes a neuron's index (like i) as its second argument, not a "
                   "value in %s", table->name, d);
      return FALSE;
    }
  n->dim = table->dim;
  return TRUE;
}

/* The unit of an operation from its operands' (already analysed); FALSE when they do not fit. */
static gboolean
analyse_op_dim (Analysis  *an,
                BslEqNode *n)
{
  BslEqNode *a = n->a, *b = n->b, *c = n->c;

  n->dim = bsl_eq_dimensionless;
  switch (n->op)
    {
    case BSL_EQ_OP_ADD:
    case BSL_EQ_OP_SUB:
    case BSL_EQ_OP_MOD:
      if (!bsl_eq_dim_equal (&a->dim, &b->dim))
        {
          g_autofree char *da = bsl_eq_dim_describe (&a->dim);
          g_autofree char *db = bsl_eq_dim_describe (&b->dim);

          g_autofree char *note = table_note_of (an, a, b);

          if (n->op == BSL_EQ_OP_ADD)
            bsl_eq_fail (an->p, n->line, n->column, "cannot add %s and %s%s", da, db, note);
          else if (n->op == BSL_EQ_OP_SUB)
            bsl_eq_fail (an->p, n->line, n->column, "cannot subtract %s from %s%s", db, da,
                         note);
          else
            bsl_eq_fail (an->p, n->line, n->column, "cannot take %s modulo %s%s", da, db, note);
          return FALSE;
        }
      n->dim = a->dim;
      break;
    case BSL_EQ_OP_MUL:
      n->dim = bsl_eq_dim_mul (&a->dim, &b->dim);
      break;
    case BSL_EQ_OP_DIV:
      n->dim = bsl_eq_dim_div (&a->dim, &b->dim);
      break;
    case BSL_EQ_OP_POW:
      if (!bsl_eq_dim_is_one (&b->dim))
        {
          g_autofree char *d = bsl_eq_dim_describe (&b->dim);

          bsl_eq_fail (an->p, b->span_line, b->span_column,
                       "an exponent must be dimensionless, not %s", d);
          return FALSE;
        }
      if (!bsl_eq_dim_is_one (&a->dim))
        {
          if (!b->is_const)
            {
              g_autofree char *d = bsl_eq_dim_describe (&a->dim);

              bsl_eq_fail (an->p, n->line, n->column,
                           "a quantity in %s can only be raised to a constant power", d);
              return FALSE;
            }
          n->dim = bsl_eq_dim_pow (&a->dim, b->value);
        }
      break;
    case BSL_EQ_OP_NEG:
    case BSL_EQ_OP_ABS:
    case BSL_EQ_OP_FLOOR:
    case BSL_EQ_OP_CEIL:
      n->dim = a->dim;
      break;
    case BSL_EQ_OP_LT:
    case BSL_EQ_OP_LE:
    case BSL_EQ_OP_GT:
    case BSL_EQ_OP_GE:
    case BSL_EQ_OP_EQ:
    case BSL_EQ_OP_NE:
      if (!bsl_eq_dim_equal (&a->dim, &b->dim))
        {
          g_autofree char *da = bsl_eq_dim_describe (&a->dim);
          g_autofree char *db = bsl_eq_dim_describe (&b->dim);

          g_autofree char *note = table_note_of (an, a, b);

          bsl_eq_fail (an->p, n->line, n->column, "cannot compare %s with %s%s", da, db, note);
          return FALSE;
        }
      n->is_bool = TRUE;
      break;
    case BSL_EQ_OP_AND:
    case BSL_EQ_OP_OR:
      if (!need_bool (an, n, a) || !need_bool (an, n, b))
        return FALSE;
      n->is_bool = TRUE;
      break;
    case BSL_EQ_OP_NOT:
      if (!need_bool (an, n, a))
        return FALSE;
      n->is_bool = TRUE;
      break;
    case BSL_EQ_OP_SQRT:
      n->dim = bsl_eq_dim_pow (&a->dim, 0.5);
      break;
    case BSL_EQ_OP_SIGN:
      break;
    case BSL_EQ_OP_TIMESTEP:
      if (!bsl_eq_dim_equal (&a->dim, &b->dim))
        {
          g_autofree char *da = bsl_eq_dim_describe (&a->dim);
          g_autofree char *db = bsl_eq_dim_describe (&b->dim);

          bsl_eq_fail (an->p, n->line, n->column,
                       "timestep needs a time and a step in one unit, not %s and %s", da, db);
          return FALSE;
        }
      n->dim = bsl_eq_dimensionless;
      break;
    case BSL_EQ_OP_CLIP:
      if (!bsl_eq_dim_equal (&a->dim, &b->dim) || !bsl_eq_dim_equal (&a->dim, &c->dim))
        {
          g_autofree char *da = bsl_eq_dim_describe (&a->dim);
          g_autofree char *db = bsl_eq_dim_describe (&b->dim);
          g_autofree char *dc = bsl_eq_dim_describe (&c->dim);

          bsl_eq_fail (an->p, n->line, n->column,
                       "clip needs its three arguments in one unit, not %s, %s and %s", da, db, dc);
          return FALSE;
        }
      n->dim = a->dim;
      break;
    case BSL_EQ_OP_EXP:
    case BSL_EQ_OP_LOG:
    case BSL_EQ_OP_LOG10:
    case BSL_EQ_OP_SIN:
    case BSL_EQ_OP_COS:
    case BSL_EQ_OP_TAN:
    case BSL_EQ_OP_TANH:
    case BSL_EQ_OP_SINH:
    case BSL_EQ_OP_COSH:
    case BSL_EQ_OP_ARCSIN:
    case BSL_EQ_OP_ARCCOS:
    case BSL_EQ_OP_ARCTAN:
    case BSL_EQ_OP_EXPREL:
    case BSL_EQ_OP_INT:
    case BSL_EQ_OP_EXPM1:
    case BSL_EQ_OP_LOG1P:
      if (!need_dimensionless (an, n, a))
        return FALSE;
      break;
    case BSL_EQ_OP_TABLE_AT:
      if (!analyse_table_call (an, n))
        return FALSE;
      break;
    case BSL_EQ_OP_COPY:
    case BSL_EQ_OP_SELECT:
    case BSL_EQ_OP_TABLE_ROW:
    case BSL_EQ_N_OPS:
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

gboolean
bsl_eq_analyse (Analysis  *an,
                BslEqNode *n)
{
  BslEqNode *a = n->a, *b = n->b, *c = n->c;

  if (n->analysed)
    return TRUE;
  if (n->kind != BSL_EQ_NODE_OP)
    return analyse_leaf (an, n);
  if (n->op == BSL_EQ_OP_RAND || n->op == BSL_EQ_OP_RANDN)
    {
      /* a dimensionless number, never folded */
      n->dim = bsl_eq_dimensionless;
      n->height = 1;
      n->analysed = TRUE;
      return TRUE;
    }

  if ((a != NULL && !bsl_eq_analyse (an, a)) || (b != NULL && !bsl_eq_analyse (an, b))
      || (c != NULL && !bsl_eq_analyse (an, c)))
    return FALSE;

  /* the height with subexpressions expanded, which is how deep compiling recurses */
  n->height = 1 + MAX (a->height, MAX (b != NULL ? b->height : 0, c != NULL ? c->height : 0));
  if (n->height > 2 * MAX_HEIGHT)
    {
      bsl_eq_fail (an->p, n->line, n->column, "the expression is too long with its subexpressions "
                   "(more than %d operations deep)", 2 * MAX_HEIGHT);
      return FALSE;
    }
  if (!analyse_op_dim (an, n))
    return FALSE;

  /* constant folding, with the arithmetic the steps use (a table's row depends on the step's
   * dt, so its calls stay) */
  if (n->op != BSL_EQ_OP_TABLE_AT && (a == NULL || a->is_const) && (b == NULL || b->is_const) && (c == NULL || c->is_const))
    {
      n->value = bsl_eq_apply (n->op, a->value, b != NULL ? b->value : 0,
                               c != NULL ? c->value : 0);
      n->kind = BSL_EQ_NODE_NUMBER;
      n->is_const = TRUE;
    }
  n->analysed = TRUE;
  return TRUE;
}
