/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's equation syntax: expressions, by Python's precedence, as nodes of the model. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"

const BslEqFunction bsl_eq_functions[] = {
  { "exp", BSL_EQ_OP_EXP, 1 }, { "log", BSL_EQ_OP_LOG, 1 }, { "log10", BSL_EQ_OP_LOG10, 1 },
  { "sqrt", BSL_EQ_OP_SQRT, 1 }, { "abs", BSL_EQ_OP_ABS, 1 }, { "sin", BSL_EQ_OP_SIN, 1 },
  { "cos", BSL_EQ_OP_COS, 1 }, { "tan", BSL_EQ_OP_TAN, 1 }, { "tanh", BSL_EQ_OP_TANH, 1 },
  { "sinh", BSL_EQ_OP_SINH, 1 }, { "cosh", BSL_EQ_OP_COSH, 1 },
  { "arcsin", BSL_EQ_OP_ARCSIN, 1 }, { "arccos", BSL_EQ_OP_ARCCOS, 1 },
  { "arctan", BSL_EQ_OP_ARCTAN, 1 }, { "floor", BSL_EQ_OP_FLOOR, 1 },
  { "ceil", BSL_EQ_OP_CEIL, 1 }, { "sign", BSL_EQ_OP_SIGN, 1 },
  { "exprel", BSL_EQ_OP_EXPREL, 1 }, { "int", BSL_EQ_OP_INT, 1 },
  { "expm1", BSL_EQ_OP_EXPM1, 1 }, { "log1p", BSL_EQ_OP_LOG1P, 1 },
  { "timestep", BSL_EQ_OP_TIMESTEP, 2 },
  { "clip", BSL_EQ_OP_CLIP, 3 },
  { "rand", BSL_EQ_OP_RAND, 0 }, { "randn", BSL_EQ_OP_RANDN, 0 },
};

const guint bsl_eq_n_functions = G_N_ELEMENTS (bsl_eq_functions);

BslEqNode *
bsl_eq_node_new (BslEqModel    *m,
                 BslEqNodeKind  kind)
{
  BslEqNode *n = g_new0 (BslEqNode, 1);

  n->kind = kind;
  g_ptr_array_add (m->nodes, n);
  return n;
}

void
bsl_eq_node_free (gpointer data)
{
  BslEqNode *n = data;

  g_free (n->name);
  g_free (n);
}

BslEqNode *
bsl_eq_node_at (Parser        *p,
                BslEqNodeKind  kind,
                Token         *t)
{
  BslEqNode *n = bsl_eq_node_new (p->m, kind);

  n->text = p->text;
  n->line = n->span_line = t->line;
  n->column = n->span_column = t->column;
  n->start = t->start;
  n->end = t->end;
  return n;
}

BslEqNode *
bsl_eq_op_node (Parser    *p,
                BslEqOp    op,
                Token     *at,
                BslEqNode *first,
                BslEqNode *last,
                BslEqNode *a,
                BslEqNode *b,
                BslEqNode *c)
{
  BslEqNode *n = bsl_eq_node_at (p, BSL_EQ_NODE_OP, at);

  n->op = op;
  n->a = a;
  n->b = b;
  n->c = c;
  if (first != NULL)
    {
      n->span_line = first->span_line;
      n->span_column = first->span_column;
      n->start = first->start;
    }
  if (last != NULL)
    n->end = last->end;
  n->height = 1 + MAX (a != NULL ? a->height : 0,
                       MAX (b != NULL ? b->height : 0, c != NULL ? c->height : 0));
  if (n->height > MAX_HEIGHT)
    {
      bsl_eq_fail (p, n->line, n->column,
                   "the expression is too long (more than %d operations deep)", MAX_HEIGHT);
      return NULL;
    }
  return n;
}

/* ---- expressions (Python's precedence) ---- */

static BslEqNode *parse_or (Parser *p);
static BslEqNode *parse_unary (Parser *p);

static BslEqNode *
parse_atom (Parser *p)
{
  Token *t = bsl_eq_peek (p);

  if (t->kind == TOK_NUMBER)
    {
      BslEqNode *n = bsl_eq_node_at (p, BSL_EQ_NODE_NUMBER, bsl_eq_next (p));

      n->value = t->value;
      return n;
    }
  if (t->kind == TOK_NAME)
    {
      bsl_eq_next (p);
      if (bsl_eq_is_op (bsl_eq_peek (p), "("))
        {
          BslEqNode *args[3] = { NULL };
          guint n_args = 0;
          guint f;
          Token *close;

          int table = -1;
          BslEqFunction call = { 0 };

          for (f = 0; f < bsl_eq_n_functions; f++)
            if (strcmp (bsl_eq_functions[f].name, t->name) == 0)
              break;
          if (f < bsl_eq_n_functions)
            call = bsl_eq_functions[f];
          else if (bsl_eq_table_call (p->m, t->name, &call, &table))
            f = 0;
          if (f == bsl_eq_n_functions)
            {
              bsl_eq_fail (p, t->line, t->column, "unknown function '%s'", t->name);
              return NULL;
            }
          bsl_eq_next (p);
          while (!bsl_eq_is_op (bsl_eq_peek (p), ")"))
            {
              BslEqNode *arg;

              if (n_args > 0)
                {
                  if (!bsl_eq_is_op (bsl_eq_peek (p), ","))
                    {
                      bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "',' or ')'");
                      return NULL;
                    }
                  bsl_eq_next (p);
                }
              if (++p->nesting > MAX_NESTING)
                {
                  bsl_eq_fail (p, t->line, t->column, "function calls are nested too deeply");
                  return NULL;
                }
              arg = parse_or (p);
              p->nesting--;
              if (arg == NULL)
                return NULL;
              if (n_args == G_N_ELEMENTS (args))
                {
                  bsl_eq_fail (p, arg->span_line, arg->span_column, "too many arguments for %s",
                               t->name);
                  return NULL;
                }
              args[n_args++] = arg;
            }
          close = bsl_eq_next (p);
          if (n_args != call.n_args)
            {
              bsl_eq_fail (p, t->line, t->column, "%s%s takes %u argument%s%s, not %u",
                           table >= 0 ? "table " : "", t->name, call.n_args,
                           call.n_args == 1 ? "" : "s",
                           table < 0 ? "" : call.n_args == 1 ? " (t)" : " (t, i)", n_args);
              return NULL;
            }
          {
            BslEqNode *n = bsl_eq_op_node (p, call.op, t, NULL, NULL, args[0], args[1],
                                           args[2]);

            if (n == NULL)
              return NULL;
            n->index = MAX (table, 0);
            n->end = close->end;
            /* each call draws its own numbers */
            if (n->op == BSL_EQ_OP_RAND || n->op == BSL_EQ_OP_RANDN)
              n->index = (int) p->m->n_draw_sites++;
            return n;
          }
        }
      {
        BslEqNode *n = bsl_eq_node_at (p, BSL_EQ_NODE_NAME, t);

        n->name = g_strdup (t->name);
        return n;
      }
    }
  if (bsl_eq_is_op (t, "("))
    {
      Token *open = bsl_eq_next (p);
      BslEqNode *inner;
      Token *close;

      if (++p->nesting > MAX_NESTING)
        {
          bsl_eq_fail (p, open->line, open->column,
                       "parentheses are nested too deeply (more than %d)", MAX_NESTING);
          return NULL;
        }
      inner = parse_or (p);
      p->nesting--;
      if (inner == NULL)
        return NULL;
      if (!bsl_eq_is_op (bsl_eq_peek (p), ")"))
        {
          bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "')'");
          return NULL;
        }
      close = bsl_eq_next (p);
      /* the span of a parenthesised expression includes its parentheses */
      inner->span_line = open->line;
      inner->span_column = open->column;
      inner->start = open->start;
      inner->end = close->end;
      return inner;
    }
  bsl_eq_fail_unexpected (p, t, "an expression");
  return NULL;
}

static BslEqNode *
parse_power (Parser *p)
{
  BslEqNode *base = parse_atom (p);

  if (base == NULL)
    return NULL;
  if (bsl_eq_is_op (bsl_eq_peek (p), "**"))
    {
      Token *op = bsl_eq_next (p);
      BslEqNode *exponent;

      if (++p->nesting > MAX_NESTING)
        {
          bsl_eq_fail (p, op->line, op->column, "too many powers in a row");
          return NULL;
        }
      exponent = parse_unary (p);
      p->nesting--;
      if (exponent == NULL)
        return NULL;
      return bsl_eq_op_node (p, BSL_EQ_OP_POW, op, base, exponent, base, exponent, NULL);
    }
  return base;
}

static BslEqNode *
parse_unary (Parser *p)
{
  if (bsl_eq_is_op (bsl_eq_peek (p), "-") || bsl_eq_is_op (bsl_eq_peek (p), "+"))
    {
      Token *op = bsl_eq_next (p);
      BslEqNode *a;

      if (++p->nesting > MAX_NESTING)
        {
          bsl_eq_fail (p, op->line, op->column, "too many signs in a row");
          return NULL;
        }
      a = parse_unary (p);
      p->nesting--;
      if (a == NULL)
        return NULL;
      if (op->op[0] == '+')
        return a;
      {
        BslEqNode *n = bsl_eq_op_node (p, BSL_EQ_OP_NEG, op, NULL, a, a, NULL, NULL);

        return n;
      }
    }
  return parse_power (p);
}

static BslEqNode *
parse_term (Parser *p)
{
  BslEqNode *a = parse_unary (p);

  while (a != NULL)
    {
      Token *t = bsl_eq_peek (p);
      BslEqOp op;
      BslEqNode *b;

      if (bsl_eq_is_op (t, "*"))
        op = BSL_EQ_OP_MUL;
      else if (bsl_eq_is_op (t, "/"))
        op = BSL_EQ_OP_DIV;
      else if (bsl_eq_is_op (t, "%"))
        op = BSL_EQ_OP_MOD;
      else if (bsl_eq_is_op (t, "//"))
        {
          bsl_eq_fail (p, t->line, t->column, "'//' is not supported; write floor(a/b)");
          return NULL;
        }
      else
        break;
      bsl_eq_next (p);
      if ((b = parse_unary (p)) == NULL)
        return NULL;
      a = bsl_eq_op_node (p, op, t, a, b, a, b, NULL);
    }
  return a;
}

static BslEqNode *
parse_arith (Parser *p)
{
  BslEqNode *a = parse_term (p);

  while (a != NULL)
    {
      Token *t = bsl_eq_peek (p);
      BslEqNode *b;

      if (!bsl_eq_is_op (t, "+") && !bsl_eq_is_op (t, "-"))
        break;
      bsl_eq_next (p);
      if ((b = parse_term (p)) == NULL)
        return NULL;
      a = bsl_eq_op_node (p, t->op[0] == '+' ? BSL_EQ_OP_ADD : BSL_EQ_OP_SUB, t, a, b, a, b, NULL);
    }
  return a;
}

static gboolean
comparison_op (Token   *t,
               BslEqOp *op)
{
  static const struct { const char *text; BslEqOp op; } cmp[] = {
    { "<", BSL_EQ_OP_LT }, { "<=", BSL_EQ_OP_LE }, { ">", BSL_EQ_OP_GT },
    { ">=", BSL_EQ_OP_GE }, { "==", BSL_EQ_OP_EQ }, { "!=", BSL_EQ_OP_NE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cmp); i++)
    if (bsl_eq_is_op (t, cmp[i].text))
      {
        *op = cmp[i].op;
        return TRUE;
      }
  return FALSE;
}

static BslEqNode *
parse_comparison (Parser *p)
{
  BslEqNode *a = parse_arith (p);
  BslEqOp op;

  if (a != NULL && comparison_op (bsl_eq_peek (p), &op))
    {
      Token *t = bsl_eq_next (p);
      BslEqNode *b = parse_arith (p);

      if (b == NULL)
        return NULL;
      if (comparison_op (bsl_eq_peek (p), &op))
        {
          bsl_eq_fail (p, bsl_eq_peek (p)->line, bsl_eq_peek (p)->column,
                       "chained comparisons are not supported; combine them with 'and'");
          return NULL;
        }
      comparison_op (t, &op);
      a = bsl_eq_op_node (p, op, t, a, b, a, b, NULL);
    }
  else if (a != NULL && bsl_eq_is_op (bsl_eq_peek (p), "="))
    {
      Token *t = bsl_eq_peek (p);

      bsl_eq_fail (p, t->line, t->column, "unexpected '=': compare with '=='");
      return NULL;
    }
  return a;
}

static BslEqNode *
parse_not (Parser *p)
{
  Token *t = bsl_eq_peek (p);

  if (t->kind == TOK_NAME && strcmp (t->name, "not") == 0)
    {
      BslEqNode *a;

      bsl_eq_next (p);
      if (++p->nesting > MAX_NESTING)
        {
          bsl_eq_fail (p, t->line, t->column, "too many 'not' in a row");
          return NULL;
        }
      a = parse_not (p);
      p->nesting--;
      if (a == NULL)
        return NULL;
      return bsl_eq_op_node (p, BSL_EQ_OP_NOT, t, NULL, a, a, NULL, NULL);
    }
  return parse_comparison (p);
}

static BslEqNode *
parse_and (Parser *p)
{
  BslEqNode *a = parse_not (p);

  while (a != NULL && bsl_eq_peek (p)->kind == TOK_NAME
         && strcmp (bsl_eq_peek (p)->name, "and") == 0)
    {
      Token *t = bsl_eq_next (p);
      BslEqNode *b = parse_not (p);

      if (b == NULL)
        return NULL;
      a = bsl_eq_op_node (p, BSL_EQ_OP_AND, t, a, b, a, b, NULL);
    }
  return a;
}

static BslEqNode *
parse_or (Parser *p)
{
  BslEqNode *a = parse_and (p);

  while (a != NULL && bsl_eq_peek (p)->kind == TOK_NAME
         && strcmp (bsl_eq_peek (p)->name, "or") == 0)
    {
      Token *t = bsl_eq_next (p);
      BslEqNode *b = parse_and (p);

      if (b == NULL)
        return NULL;
      a = bsl_eq_op_node (p, BSL_EQ_OP_OR, t, a, b, a, b, NULL);
    }
  return a;
}

/* An expression that must run to the end of its statement. */
BslEqNode *
bsl_eq_parse_expression (Parser     *p,
                         const char *after)
{
  BslEqNode *n = parse_or (p);

  if (n == NULL)
    return NULL;
  if (!bsl_eq_at_stop (bsl_eq_peek (p)))
    {
      Token *t = bsl_eq_peek (p);

      if (t->kind == TOK_NAME || t->kind == TOK_NUMBER || bsl_eq_is_op (t, "("))
        {
          g_autofree char *what = bsl_eq_describe_token (p, t);

          bsl_eq_fail (p, t->line, t->column, "expected an operator before %s", what);
        }
      else
        bsl_eq_fail_unexpected (p, t, after);
      return NULL;
    }
  return n;
}
