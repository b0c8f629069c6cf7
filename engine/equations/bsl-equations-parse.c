/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's equation syntax: lexer, parser, name resolution, dimensional analysis, constant
 * folding and the split x' = A x + B that exponential Euler needs. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-private.h"

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
  GError **error;
} Parser;

/* Bounds that keep the recursive parts (parser, analysis, compiler) far from the stack's end
 * whatever the text; real models stay well below them. */
#define MAX_NESTING 100
#define MAX_HEIGHT 2000
#define MAX_SPLIT_NODES 100000

static const struct { const char *name; BslEqOp op; guint n_args; } functions[] = {
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
};

static const char *const builtin_names[BSL_EQ_N_BUILTINS] = {
  "t", "dt", "not_refractory", "lastspike", NULL, "i", "N",
};

static const char *const reserved[] = {
  "t", "dt", "not_refractory", "lastspike", "xi", "and", "or", "not", "True", "False",
  "refractory", "i", "N", "refractory_until", "t_in_timesteps",
};

/* ---- errors ---- */

static void G_GNUC_PRINTF (4, 5)
fail (Parser     *p,
      int         line,
      int         column,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  if (p->error == NULL || *p->error != NULL)
    return;
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  if (p->what != NULL)
    g_set_error (p->error, BSL_ERROR, BSL_ERROR_PARSE, "%s, line %d, column %d: %s",
                 p->what, line, column, msg);
  else
    g_set_error (p->error, BSL_ERROR, BSL_ERROR_PARSE, "line %d, column %d: %s",
                 line, column, msg);
}

static char *
node_text (BslEqNode *n)
{
  return g_strndup (n->text + n->start, n->end - n->start);
}

/* ---- lexer ---- */

static void
token_clear (gpointer data)
{
  Token *t = data;

  g_free (t->name);
}

static gboolean
lex (Parser     *p,
     const char *text,
     gboolean    newlines)
{
  const char *s = text;
  const char *line_start = text;
  int line = 1;
  int depth = 0;
  static const char *const ops[] = {
    "**", "+=", "-=", "*=", "/=", "<=", ">=", "==", "!=", "//",
    "+", "-", "*", "/", "%", "(", ")", ",", ":", "=", "<", ">", ";", "^", "&", "|", "!", "[",
    "]", "{", "}",
  };

  p->text = text;
  p->toks = g_array_new (FALSE, TRUE, sizeof (Token));
  g_array_set_clear_func (p->toks, token_clear);
  p->pos = 0;
  if (!g_utf8_validate (text, -1, NULL))
    {
      fail (p, 1, 1, "the text is not valid UTF-8");
      return FALSE;
    }

  while (*s != '\0')
    {
      Token t = { 0 };
      int column = (int) g_utf8_pointer_to_offset (line_start, s) + 1;

      if (*s == '#')
        {
          while (*s != '\0' && *s != '\n')
            s++;
          continue;
        }
      if (*s == '\n')
        {
          if (newlines && depth == 0)
            {
              t.kind = TOK_NEWLINE;
              t.line = line;
              t.column = column;
              t.start = s - text;
              t.end = t.start + 1;
              g_array_append_val (p->toks, t);
            }
          s++;
          line++;
          line_start = s;
          continue;
        }
      if (g_ascii_isspace (*s))
        {
          s++;
          continue;
        }
      t.line = line;
      t.column = column;
      t.start = s - text;
      if (g_ascii_isdigit (*s) || (*s == '.' && g_ascii_isdigit (s[1])))
        {
          char *end = NULL;

          t.kind = TOK_NUMBER;
          t.value = g_ascii_strtod (s, &end);
          s = end;
          if (g_ascii_isalpha (*s) || *s == '_')
            {
              g_autofree char *num = g_strndup (text + t.start, s - text - t.start);
              const char *w = s;

              while (g_ascii_isalnum (*w) || *w == '_')
                w++;
              g_autofree char *word = g_strndup (s, w - s);
              fail (p, line, column, "a number cannot be followed by a name: write %s*%s",
                    num, word);
              return FALSE;
            }
        }
      else if (g_ascii_isalpha (*s) || *s == '_')
        {
          const char *b = s;

          while (g_ascii_isalnum (*s) || *s == '_')
            s++;
          t.kind = TOK_NAME;
          t.name = g_strndup (b, s - b);
        }
      else
        {
          guint i;

          for (i = 0; i < G_N_ELEMENTS (ops); i++)
            if (strncmp (s, ops[i], strlen (ops[i])) == 0)
              break;
          if (i == G_N_ELEMENTS (ops))
            {
              gunichar c = g_utf8_get_char (s);
              char buf[8] = { 0 };

              g_unichar_to_utf8 (c, buf);
              fail (p, line, column, "unexpected character '%s'", buf);
              return FALSE;
            }
          t.kind = TOK_OP;
          g_strlcpy (t.op, ops[i], sizeof t.op);
          s += strlen (ops[i]);
          if (strcmp (t.op, "(") == 0)
            depth++;
          else if (strcmp (t.op, ")") == 0 && depth > 0)
            depth--;
        }
      t.end = s - text;
      g_array_append_val (p->toks, t);
    }
  {
    Token t = { 0 };

    t.kind = TOK_END;
    t.line = line;
    t.column = (int) g_utf8_pointer_to_offset (line_start, s) + 1;
    t.start = t.end = s - text;
    g_array_append_val (p->toks, t);
  }
  return TRUE;
}

static Token *
peek (Parser *p)
{
  return &g_array_index (p->toks, Token, p->pos);
}

static Token *
next (Parser *p)
{
  Token *t = peek (p);

  if (t->kind != TOK_END)
    p->pos++;
  return t;
}

static gboolean
is_op (Token      *t,
       const char *op)
{
  return t->kind == TOK_OP && strcmp (t->op, op) == 0;
}

static gboolean
at_stop (Token *t)
{
  return t->kind == TOK_END || t->kind == TOK_NEWLINE || is_op (t, ";") || is_op (t, ":");
}

static char *
describe_token (Parser *p,
                Token  *t)
{
  switch (t->kind)
    {
    case TOK_END:
      return g_strdup ("the end of the text");
    case TOK_NEWLINE:
      return g_strdup ("the end of the line");
    case TOK_NAME:
    case TOK_NUMBER:
    case TOK_OP:
    default:
      return g_strdup_printf ("'%.*s'", t->end - t->start, p->text + t->start);
    }
}

/* A line break that seems to split one expression: the line ends in an operator, or the next
 * one starts with an operator. */
static gboolean
continues_on_next_line (Parser *p,
                        Token  *newline)
{
  guint at = (guint) (newline - &g_array_index (p->toks, Token, 0));
  Token *before = at > 0 ? &g_array_index (p->toks, Token, at - 1) : NULL;
  Token *after = at + 1 < p->toks->len ? &g_array_index (p->toks, Token, at + 1) : NULL;
  static const char *const joins[] = { "+", "-", "*", "/", "**", "%", "<", ">", "<=", ">=",
                                       "==", "!=" };

  for (guint k = 0; k < G_N_ELEMENTS (joins); k++)
    if ((before != NULL && is_op (before, joins[k])) || (after != NULL && is_op (after, joins[k])))
      return TRUE;
  return FALSE;
}

static void
fail_unexpected (Parser     *p,
                 Token      *t,
                 const char *expected)
{
  g_autofree char *what = describe_token (p, t);
  if (is_op (t, "^"))
    fail (p, t->line, t->column, "'^' is not an operator; write powers with '**'");
  else if (is_op (t, "&") || is_op (t, "|") || is_op (t, "!"))
    fail (p, t->line, t->column, "unexpected %s: write conditions with 'and', 'or', 'not'",
          what);
  else if (t->kind == TOK_NEWLINE && continues_on_next_line (p, t))
    fail (p, t->line, t->column, "expected %s, found the end of the line (to continue an "
          "expression on the next line, put it in parentheses: a line break inside '( )' "
          "continues the line)", expected);
  else
    fail (p, t->line, t->column, "expected %s, found %s", expected, what);
}

/* ---- nodes ---- */

static BslEqNode *
node_new (BslEqModel    *m,
          BslEqNodeKind  kind)
{
  BslEqNode *n = g_new0 (BslEqNode, 1);

  n->kind = kind;
  g_ptr_array_add (m->nodes, n);
  return n;
}

static void
node_free (gpointer data)
{
  BslEqNode *n = data;

  g_free (n->name);
  g_free (n);
}

static BslEqNode *
node_at (Parser        *p,
         BslEqNodeKind  kind,
         Token         *t)
{
  BslEqNode *n = node_new (p->m, kind);

  n->text = p->text;
  n->line = n->span_line = t->line;
  n->column = n->span_column = t->column;
  n->start = t->start;
  n->end = t->end;
  return n;
}

static BslEqNode *
op_node (Parser    *p,
         BslEqOp    op,
         Token     *at,
         BslEqNode *first,
         BslEqNode *last,
         BslEqNode *a,
         BslEqNode *b,
         BslEqNode *c)
{
  BslEqNode *n = node_at (p, BSL_EQ_NODE_OP, at);

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
      fail (p, n->line, n->column, "the expression is too long (more than %d operations deep)",
            MAX_HEIGHT);
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
  Token *t = peek (p);

  if (t->kind == TOK_NUMBER)
    {
      BslEqNode *n = node_at (p, BSL_EQ_NODE_NUMBER, next (p));

      n->value = t->value;
      return n;
    }
  if (t->kind == TOK_NAME)
    {
      next (p);
      if (is_op (peek (p), "("))
        {
          BslEqNode *args[3] = { NULL };
          guint n_args = 0;
          guint f;
          Token *close;

          for (f = 0; f < G_N_ELEMENTS (functions); f++)
            if (strcmp (functions[f].name, t->name) == 0)
              break;
          if (f == G_N_ELEMENTS (functions))
            {
              fail (p, t->line, t->column, "unknown function '%s'", t->name);
              return NULL;
            }
          next (p);
          while (!is_op (peek (p), ")"))
            {
              BslEqNode *arg;

              if (n_args > 0)
                {
                  if (!is_op (peek (p), ","))
                    {
                      fail_unexpected (p, peek (p), "',' or ')'");
                      return NULL;
                    }
                  next (p);
                }
              if (++p->nesting > MAX_NESTING)
                {
                  fail (p, t->line, t->column, "function calls are nested too deeply");
                  return NULL;
                }
              arg = parse_or (p);
              p->nesting--;
              if (arg == NULL)
                return NULL;
              if (n_args == G_N_ELEMENTS (args))
                {
                  fail (p, arg->span_line, arg->span_column, "too many arguments for %s",
                        t->name);
                  return NULL;
                }
              args[n_args++] = arg;
            }
          close = next (p);
          if (n_args != functions[f].n_args)
            {
              fail (p, t->line, t->column, "%s takes %u argument%s, not %u", t->name,
                    functions[f].n_args, functions[f].n_args == 1 ? "" : "s", n_args);
              return NULL;
            }
          {
            BslEqNode *n = op_node (p, functions[f].op, t, NULL, NULL, args[0], args[1],
                                    args[2]);

            if (n == NULL)
              return NULL;
            n->end = close->end;
            return n;
          }
        }
      {
        BslEqNode *n = node_at (p, BSL_EQ_NODE_NAME, t);

        n->name = g_strdup (t->name);
        return n;
      }
    }
  if (is_op (t, "("))
    {
      Token *open = next (p);
      BslEqNode *inner;
      Token *close;

      if (++p->nesting > MAX_NESTING)
        {
          fail (p, open->line, open->column, "parentheses are nested too deeply (more than %d)",
                MAX_NESTING);
          return NULL;
        }
      inner = parse_or (p);
      p->nesting--;
      if (inner == NULL)
        return NULL;
      if (!is_op (peek (p), ")"))
        {
          fail_unexpected (p, peek (p), "')'");
          return NULL;
        }
      close = next (p);
      /* the span of a parenthesised expression includes its parentheses */
      inner->span_line = open->line;
      inner->span_column = open->column;
      inner->start = open->start;
      inner->end = close->end;
      return inner;
    }
  fail_unexpected (p, t, "an expression");
  return NULL;
}

static BslEqNode *
parse_power (Parser *p)
{
  BslEqNode *base = parse_atom (p);

  if (base == NULL)
    return NULL;
  if (is_op (peek (p), "**"))
    {
      Token *op = next (p);
      BslEqNode *exponent;

      if (++p->nesting > MAX_NESTING)
        {
          fail (p, op->line, op->column, "too many powers in a row");
          return NULL;
        }
      exponent = parse_unary (p);
      p->nesting--;
      if (exponent == NULL)
        return NULL;
      return op_node (p, BSL_EQ_OP_POW, op, base, exponent, base, exponent, NULL);
    }
  return base;
}

static BslEqNode *
parse_unary (Parser *p)
{
  if (is_op (peek (p), "-") || is_op (peek (p), "+"))
    {
      Token *op = next (p);
      BslEqNode *a;

      if (++p->nesting > MAX_NESTING)
        {
          fail (p, op->line, op->column, "too many signs in a row");
          return NULL;
        }
      a = parse_unary (p);
      p->nesting--;
      if (a == NULL)
        return NULL;
      if (op->op[0] == '+')
        return a;
      {
        BslEqNode *n = op_node (p, BSL_EQ_OP_NEG, op, NULL, a, a, NULL, NULL);

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
      Token *t = peek (p);
      BslEqOp op;
      BslEqNode *b;

      if (is_op (t, "*"))
        op = BSL_EQ_OP_MUL;
      else if (is_op (t, "/"))
        op = BSL_EQ_OP_DIV;
      else if (is_op (t, "%"))
        op = BSL_EQ_OP_MOD;
      else if (is_op (t, "//"))
        {
          fail (p, t->line, t->column, "'//' is not supported; write floor(a/b)");
          return NULL;
        }
      else
        break;
      next (p);
      if ((b = parse_unary (p)) == NULL)
        return NULL;
      a = op_node (p, op, t, a, b, a, b, NULL);
    }
  return a;
}

static BslEqNode *
parse_arith (Parser *p)
{
  BslEqNode *a = parse_term (p);

  while (a != NULL)
    {
      Token *t = peek (p);
      BslEqNode *b;

      if (!is_op (t, "+") && !is_op (t, "-"))
        break;
      next (p);
      if ((b = parse_term (p)) == NULL)
        return NULL;
      a = op_node (p, t->op[0] == '+' ? BSL_EQ_OP_ADD : BSL_EQ_OP_SUB, t, a, b, a, b, NULL);
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
    if (is_op (t, cmp[i].text))
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

  if (a != NULL && comparison_op (peek (p), &op))
    {
      Token *t = next (p);
      BslEqNode *b = parse_arith (p);

      if (b == NULL)
        return NULL;
      if (comparison_op (peek (p), &op))
        {
          fail (p, peek (p)->line, peek (p)->column,
                "chained comparisons are not supported; combine them with 'and'");
          return NULL;
        }
      comparison_op (t, &op);
      a = op_node (p, op, t, a, b, a, b, NULL);
    }
  else if (a != NULL && is_op (peek (p), "="))
    {
      Token *t = peek (p);

      fail (p, t->line, t->column, "unexpected '=': compare with '=='");
      return NULL;
    }
  return a;
}

static BslEqNode *
parse_not (Parser *p)
{
  Token *t = peek (p);

  if (t->kind == TOK_NAME && strcmp (t->name, "not") == 0)
    {
      BslEqNode *a;

      next (p);
      if (++p->nesting > MAX_NESTING)
        {
          fail (p, t->line, t->column, "too many 'not' in a row");
          return NULL;
        }
      a = parse_not (p);
      p->nesting--;
      if (a == NULL)
        return NULL;
      return op_node (p, BSL_EQ_OP_NOT, t, NULL, a, a, NULL, NULL);
    }
  return parse_comparison (p);
}

static BslEqNode *
parse_and (Parser *p)
{
  BslEqNode *a = parse_not (p);

  while (a != NULL && peek (p)->kind == TOK_NAME && strcmp (peek (p)->name, "and") == 0)
    {
      Token *t = next (p);
      BslEqNode *b = parse_not (p);

      if (b == NULL)
        return NULL;
      a = op_node (p, BSL_EQ_OP_AND, t, a, b, a, b, NULL);
    }
  return a;
}

static BslEqNode *
parse_or (Parser *p)
{
  BslEqNode *a = parse_and (p);

  while (a != NULL && peek (p)->kind == TOK_NAME && strcmp (peek (p)->name, "or") == 0)
    {
      Token *t = next (p);
      BslEqNode *b = parse_and (p);

      if (b == NULL)
        return NULL;
      a = op_node (p, BSL_EQ_OP_OR, t, a, b, a, b, NULL);
    }
  return a;
}

/* An expression that must run to the end of its statement. */
static BslEqNode *
parse_expression (Parser     *p,
                  const char *after)
{
  BslEqNode *n = parse_or (p);

  if (n == NULL)
    return NULL;
  if (!at_stop (peek (p)))
    {
      Token *t = peek (p);

      if (t->kind == TOK_NAME || t->kind == TOK_NUMBER || is_op (t, "("))
        {
          g_autofree char *what = describe_token (p, t);

          fail (p, t->line, t->column, "expected an operator before %s", what);
        }
      else
        fail_unexpected (p, t, after);
      return NULL;
    }
  return n;
}

/* ---- declarations ---- */

static gboolean
parse_unit_factor (Parser   *p,
                   double   *scale,
                   BslEqDim *dim,
                   gboolean *is_bool);

static gboolean
parse_unit_term (Parser   *p,
                 double   *scale,
                 BslEqDim *dim,
                 gboolean *is_bool)
{
  if (!parse_unit_factor (p, scale, dim, is_bool))
    return FALSE;
  while (is_op (peek (p), "*") || is_op (peek (p), "/"))
    {
      gboolean div = is_op (next (p), "/");
      double s2;
      BslEqDim d2;
      gboolean b2;

      if (!parse_unit_factor (p, &s2, &d2, &b2))
        return FALSE;
      *scale = div ? *scale / s2 : *scale * s2;
      *dim = div ? bsl_eq_dim_div (dim, &d2) : bsl_eq_dim_mul (dim, &d2);
      *is_bool = FALSE;
    }
  return TRUE;
}

static gboolean
parse_unit_factor (Parser   *p,
                   double   *scale,
                   BslEqDim *dim,
                   gboolean *is_bool)
{
  Token *t = next (p);

  *is_bool = FALSE;
  if (t->kind == TOK_NUMBER && t->value == 1.0)
    {
      *scale = 1;
      *dim = bsl_eq_dimensionless;
    }
  else if (is_op (t, "("))
    {
      if (!parse_unit_term (p, scale, dim, is_bool))
        return FALSE;
      if (!is_op (peek (p), ")"))
        {
          fail_unexpected (p, peek (p), "')'");
          return FALSE;
        }
      next (p);
    }
  else if (t->kind == TOK_NAME && (strcmp (t->name, "boolean") == 0
                                   || strcmp (t->name, "integer") == 0))
    {
      *scale = 1;
      *dim = bsl_eq_dimensionless;
      *is_bool = t->name[0] == 'b';
    }
  else if (t->kind == TOK_NAME)
    {
      if (!bsl_eq_unit_lookup (t->name, scale, dim))
        {
          fail (p, t->line, t->column, "unknown unit '%s'", t->name);
          return FALSE;
        }
    }
  else
    {
      p->pos--;
      fail_unexpected (p, t, "a unit (like volt, amp/second or 1)");
      return FALSE;
    }
  if (is_op (peek (p), "**"))
    {
      gboolean neg;
      Token *e;

      next (p);
      neg = is_op (peek (p), "-");
      if (neg)
        next (p);
      e = next (p);
      if (e->kind != TOK_NUMBER)
        {
          p->pos--;
          fail_unexpected (p, e, "a number");
          return FALSE;
        }
      *scale = pow (*scale, neg ? -e->value : e->value);
      *dim = bsl_eq_dim_pow (dim, neg ? -e->value : e->value);
    }
  return TRUE;
}

static gboolean
is_reserved (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (strcmp (reserved[i], name) == 0)
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    if (strcmp (functions[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

static BslEqSymbol *
find_symbol (GArray     *a,
             const char *name,
             int        *index)
{
  for (guint i = 0; i < a->len; i++)
    {
      BslEqSymbol *s = &g_array_index (a, BslEqSymbol, i);

      if (strcmp (s->name, name) == 0)
        {
          if (index != NULL)
            *index = i;
          return s;
        }
    }
  return NULL;
}

static gboolean
declared (BslEqModel *m,
          const char *name)
{
  return find_symbol (m->states, name, NULL) != NULL || find_symbol (m->params, name, NULL)
    || find_symbol (m->subexprs, name, NULL) != NULL;
}

/* One line of the model: "dx/dt = expr : unit (flags)", "x = expr : unit" or "x : unit". */
static gboolean
parse_model_line (Parser *p)
{
  Token *t0 = peek (p);
  Token *t1 = &g_array_index (p->toks, Token, MIN (p->pos + 1, p->toks->len - 1));
  Token *t2 = &g_array_index (p->toks, Token, MIN (p->pos + 2, p->toks->len - 1));
  Token *t3 = &g_array_index (p->toks, Token, MIN (p->pos + 3, p->toks->len - 1));
  BslEqSymbol sym = { 0 };
  GArray *where;
  Token *name_tok = t0;
  double scale;
  gboolean is_bool = FALSE;

  if (t0->kind == TOK_NAME && t0->name[0] == 'd' && t0->name[1] != '\0' && is_op (t1, "/")
      && t2->kind == TOK_NAME && strcmp (t2->name, "dt") == 0 && is_op (t3, "="))
    {
      where = p->m->states;
      sym.name = g_strdup (t0->name + 1);
      p->pos += 4;
    }
  else if (t0->kind == TOK_NAME && is_op (t1, "="))
    {
      where = p->m->subexprs;
      sym.name = g_strdup (t0->name);
      p->pos += 2;
    }
  else if (t0->kind == TOK_NAME && is_op (t1, ":"))
    {
      where = p->m->params;
      sym.name = g_strdup (t0->name);
      p->pos += 1;
    }
  else
    {
      fail (p, t0->line, t0->column,
            "expected a differential equation 'dx/dt = ... : unit', a subexpression "
            "'x = ... : unit' or a parameter 'x : unit'");
      return FALSE;
    }
  sym.line = name_tok->line;
  sym.column = name_tok->column + (where == p->m->states ? 1 : 0);

  if (is_reserved (sym.name) || declared (p->m, sym.name))
    {
      fail (p, sym.line, sym.column, is_reserved (sym.name)
            ? "'%s' is a reserved name" : "'%s' is declared twice", sym.name);
      g_free (sym.name);
      return FALSE;
    }
  if (where != p->m->params)
    {
      sym.rhs = parse_expression (p, "':' and a unit");
      if (sym.rhs == NULL)
        {
          g_free (sym.name);
          return FALSE;
        }
    }
  if (!is_op (peek (p), ":"))
    {
      fail_unexpected (p, peek (p), "':' and a unit");
      g_free (sym.name);
      return FALSE;
    }
  next (p);
  {
    Token *unit_tok = peek (p);
    Token *unit_end;

    if (!parse_unit_term (p, &scale, &sym.dim, &is_bool))
      {
        g_free (sym.name);
        return FALSE;
      }
    unit_end = &g_array_index (p->toks, Token, p->pos - 1);
    if (fabs (scale - 1) > 1e-12)
      {
        g_autofree char *unit = bsl_eq_dim_to_unit (&sym.dim);

        fail (p, unit_tok->line, unit_tok->column,
              "declare '%s' in the unscaled unit %s, not %.*s (values are in SI units)",
              sym.name, unit, unit_end->end - unit_tok->start, p->text + unit_tok->start);
        g_free (sym.name);
        return FALSE;
      }
  }
  sym.is_bool = is_bool;
  sym.unit = is_bool ? g_strdup ("boolean") : bsl_eq_dim_to_unit (&sym.dim);
  if (is_op (peek (p), "("))
    {
      next (p);
      while (!is_op (peek (p), ")"))
        {
          g_autoptr (GString) flag = g_string_new (NULL);
          Token *ft = peek (p);

          while (peek (p)->kind == TOK_NAME)
            {
              if (flag->len > 0)
                g_string_append_c (flag, ' ');
              g_string_append (flag, next (p)->name);
            }
          if (flag->len == 0)
            {
              fail_unexpected (p, peek (p), "a flag");
              goto fail;
            }
          if (strcmp (flag->str, "unless refractory") == 0 && where == p->m->states)
            sym.held = TRUE;
          else if (strcmp (flag->str, "shared") == 0 && where == p->m->params)
            sym.shared = TRUE;
          else if (strcmp (flag->str, "constant over dt") == 0 && where == p->m->subexprs)
            sym.over_dt = TRUE;
          else if (strcmp (flag->str, "constant") != 0 && strcmp (flag->str, "shared") != 0
                   && strcmp (flag->str, "constant over dt") != 0)
            {
              fail (p, ft->line, ft->column, "unsupported flag '%s' for %s", flag->str,
                    where == p->m->states ? "a differential equation"
                    : where == p->m->params ? "a parameter" : "a subexpression");
              goto fail;
            }
          if (is_op (peek (p), ","))
            next (p);
          else if (!is_op (peek (p), ")"))
            {
              fail_unexpected (p, peek (p), "',' or ')'");
              goto fail;
            }
        }
      next (p);
    }
  if (peek (p)->kind != TOK_NEWLINE && peek (p)->kind != TOK_END)
    {
      fail_unexpected (p, peek (p), "the end of the line");
      goto fail;
    }
  g_array_append_val (where, sym);
  return TRUE;

fail:
  g_free (sym.name);
  g_free (sym.unit);
  return FALSE;
}

/* ---- resolution and analysis ---- */

static BslEqNode *
resolve (Parser    *p,
         BslEqNode *n)
{
  int index;

  if (n == NULL)
    return NULL;
  if (n->kind == BSL_EQ_NODE_OP)
    {
      if ((n->a != NULL && resolve (p, n->a) == NULL)
          || (n->b != NULL && resolve (p, n->b) == NULL)
          || (n->c != NULL && resolve (p, n->c) == NULL))
        return NULL;
      return n;
    }
  if (n->kind != BSL_EQ_NODE_NAME)
    return n;

  if (find_symbol (p->m->states, n->name, &index))
    n->kind = BSL_EQ_NODE_STATE;
  else if (find_symbol (p->m->params, n->name, &index))
    n->kind = BSL_EQ_NODE_PARAM;
  else if (find_symbol (p->m->subexprs, n->name, &index))
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
          fail (p, n->line, n->column, "stochastic terms (%s) are not supported", n->name);
          return NULL;
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
          fail (p, n->line, n->column, "unknown symbol '%s'", n->name);
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
  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    if (functions[i].op == op)
      return functions[i].name;
  switch (op)
    {
    case BSL_EQ_OP_AND: return "and";
    case BSL_EQ_OP_OR: return "or";
    case BSL_EQ_OP_NOT: return "not";
    default: return "?";
    }
}

typedef struct
{
  Parser *p;
  guint8 *busy;           /* subexpressions being analysed: a cycle */
  guint depth;            /* subexpressions within subexpressions */
} Analysis;

static gboolean analyse (Analysis *an, BslEqNode *n);

static gboolean
analyse_subexpr (Analysis  *an,
                 BslEqNode *n)
{
  BslEqSymbol *s = &g_array_index (an->p->m->subexprs, BslEqSymbol, n->index);

  if (an->busy[n->index])
    {
      fail (an->p, n->line, n->column, "the subexpression '%s' depends on itself", s->name);
      return FALSE;
    }
  if (an->depth >= MAX_NESTING)
    {
      fail (an->p, n->line, n->column,
            "subexpressions are nested too deeply (more than %d use one another)", MAX_NESTING);
      return FALSE;
    }
  an->busy[n->index] = TRUE;
  an->depth++;
  if (!analyse (an, s->rhs))
    return FALSE;
  an->depth--;
  an->busy[n->index] = FALSE;
  if (!bsl_eq_dim_equal (&s->rhs->dim, &s->dim))
    {
      g_autofree char *got = bsl_eq_dim_describe (&s->rhs->dim);
      g_autofree char *want = bsl_eq_dim_describe (&s->dim);

      fail (an->p, s->rhs->span_line, s->rhs->span_column,
            "the right-hand side of %s has unit %s, but %s is declared as %s",
            s->name, got, s->name, want);
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
      g_autofree char *text = node_text (x);

      fail (an->p, x->span_line, x->span_column, "'%s' needs conditions, and '%s' is not one",
            op_name (op->op), text);
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

      fail (an->p, n->line, n->column, "the argument of %s must be dimensionless, not %s",
            op_name (n->op), d);
      return FALSE;
    }
  return TRUE;
}

static gboolean
analyse (Analysis  *an,
         BslEqNode *n)
{
  BslEqNode *a = n->a, *b = n->b, *c = n->c;

  if (n->analysed)
    return TRUE;
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
      if (!analyse_subexpr (an, n))
        return FALSE;
      n->analysed = TRUE;
      return TRUE;
    case BSL_EQ_NODE_NAME:
      g_assert_not_reached ();
    case BSL_EQ_NODE_OP:
    default:
      break;
    }

  if ((a != NULL && !analyse (an, a)) || (b != NULL && !analyse (an, b))
      || (c != NULL && !analyse (an, c)))
    return FALSE;

  /* the height with subexpressions expanded, which is how deep compiling recurses */
  n->height = 1 + MAX (a->height, MAX (b != NULL ? b->height : 0, c != NULL ? c->height : 0));
  if (n->height > 2 * MAX_HEIGHT)
    {
      fail (an->p, n->line, n->column, "the expression is too long with its subexpressions "
            "(more than %d operations deep)", 2 * MAX_HEIGHT);
      return FALSE;
    }
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

          if (n->op == BSL_EQ_OP_ADD)
            fail (an->p, n->line, n->column, "cannot add %s and %s", da, db);
          else if (n->op == BSL_EQ_OP_SUB)
            fail (an->p, n->line, n->column, "cannot subtract %s from %s", db, da);
          else
            fail (an->p, n->line, n->column, "cannot take %s modulo %s", da, db);
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

          fail (an->p, b->span_line, b->span_column, "an exponent must be dimensionless, not %s",
                d);
          return FALSE;
        }
      if (!bsl_eq_dim_is_one (&a->dim))
        {
          if (!b->is_const)
            {
              g_autofree char *d = bsl_eq_dim_describe (&a->dim);

              fail (an->p, n->line, n->column,
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

          fail (an->p, n->line, n->column, "cannot compare %s with %s", da, db);
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

          fail (an->p, n->line, n->column,
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

          fail (an->p, n->line, n->column,
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
    case BSL_EQ_OP_COPY:
    case BSL_EQ_OP_SELECT:
    case BSL_EQ_N_OPS:
    default:
      g_assert_not_reached ();
    }

  /* constant folding, with the arithmetic the steps use */
  if ((a == NULL || a->is_const) && (b == NULL || b->is_const) && (c == NULL || c->is_const))
    {
      n->value = bsl_eq_apply (n->op, a->value, b != NULL ? b->value : 0,
                               c != NULL ? c->value : 0);
      n->kind = BSL_EQ_NODE_NUMBER;
      n->is_const = TRUE;
    }
  n->analysed = TRUE;
  return TRUE;
}

/* ---- the split x' = A x + B ---- */

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
  BslEqNode *n = node_new (m, BSL_EQ_NODE_NUMBER);

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
  n = node_new (m, BSL_EQ_NODE_OP);
  n->op = op;
  n->a = a;
  n->b = b;
  n->analysed = TRUE;
  m->n_split_nodes++;
  return n;
}

static gboolean
split (BslEqModel  *m,
       BslEqNode   *n,
       int          state,
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
    return split (m, g_array_index (m->subexprs, BslEqSymbol, n->index).rhs, state, a, b, bad);
  g_assert (n->kind == BSL_EQ_NODE_OP);
  switch (n->op)
    {
    case BSL_EQ_OP_ADD:
    case BSL_EQ_OP_SUB:
      if (!split (m, n->a, state, &a1, &b1, bad) || !split (m, n->b, state, &a2, &b2, bad))
        return FALSE;
      *a = mk_op (m, n->op, a1, a2);
      *b = mk_op (m, n->op, b1, b2);
      return TRUE;
    case BSL_EQ_OP_NEG:
      if (!split (m, n->a, state, &a1, &b1, bad))
        return FALSE;
      *a = mk_op (m, BSL_EQ_OP_NEG, a1, NULL);
      *b = mk_op (m, BSL_EQ_OP_NEG, b1, NULL);
      return TRUE;
    case BSL_EQ_OP_MUL:
      if (!bsl_eq_node_depends_on_state (m, n->a, state))
        {
          if (!split (m, n->b, state, &a2, &b2, bad))
            return FALSE;
          *a = mk_op (m, BSL_EQ_OP_MUL, n->a, a2);
          *b = mk_op (m, BSL_EQ_OP_MUL, n->a, b2);
          return TRUE;
        }
      if (!bsl_eq_node_depends_on_state (m, n->b, state))
        {
          if (!split (m, n->a, state, &a1, &b1, bad))
            return FALSE;
          *a = mk_op (m, BSL_EQ_OP_MUL, a1, n->b);
          *b = mk_op (m, BSL_EQ_OP_MUL, b1, n->b);
          return TRUE;
        }
      break;
    case BSL_EQ_OP_DIV:
      if (!bsl_eq_node_depends_on_state (m, n->b, state))
        {
          if (!split (m, n->a, state, &a1, &b1, bad))
            return FALSE;
          *a = mk_op (m, BSL_EQ_OP_DIV, a1, n->b);
          *b = mk_op (m, BSL_EQ_OP_DIV, b1, n->b);
          return TRUE;
        }
      break;
    default:
      break;
    }
  *bad = n;
  return FALSE;
}

static void
linearise (BslEqModel *m)
{
  m->lin_a = g_new0 (BslEqNode *, m->states->len);
  m->lin_b = g_new0 (BslEqNode *, m->states->len);
  for (guint k = 0; k < m->states->len; k++)
    {
      BslEqSymbol *s = &g_array_index (m->states, BslEqSymbol, k);
      BslEqNode *bad = NULL;

      if (!split (m, s->rhs, k, &m->lin_a[k], &m->lin_b[k], &bad))
        {
          g_autofree char *text = node_text (bad);

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
static void
linearise_system (BslEqModel *m)
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

          ok = split (m, rest, (int) j, &a, &b, &bad) && (a == NULL || !depends_on_any_state (m, a))
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

/* A (constant over dt) subexpression that reads a state or t has, in Brian2, its value from
 * the start of the step in every stage of the method.  Euler has one stage, so it agrees; the
 * other methods would evaluate it again inside the step, so they are refused for such a model
 * rather than giving other numbers. */
static void
check_held_subexprs (BslEqModel *m)
{
  g_autofree gint8 *memo = g_new (gint8, m->subexprs->len + 1);

  memset (memo, -1, m->subexprs->len + 1);
  for (guint i = 0; i < m->subexprs->len && m->over_dt_message == NULL; i++)
    {
      BslEqSymbol *s = &g_array_index (m->subexprs, BslEqSymbol, i);
      BslEqNode ref = { 0 };

      ref.kind = BSL_EQ_NODE_SUBEXPR;
      ref.index = (int) i;
      if (s->over_dt && (depends_on_any_state (m, &ref) || uses_time (m, &ref, memo)))
        m->over_dt_message =
          g_strdup_printf ("line %d, column %d: the subexpression '%s' is (constant over dt) "
                           "and changes within a step; only the euler method holds it at its "
                           "start-of-step value as Brian2 does (remove the flag or use euler)",
                           s->line, s->column, s->name);
    }
}

/* ---- the whole model ---- */

static void
symbol_clear (gpointer data)
{
  BslEqSymbol *s = data;

  g_free (s->name);
  g_free (s->unit);
}

void
bsl_eq_model_free (BslEqModel *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->nodes);
  g_array_unref (m->states);
  g_array_unref (m->params);
  g_array_unref (m->subexprs);
  g_array_unref (m->reset);
  g_clear_pointer (&m->inputs, g_array_unref);
  g_free (m->sub_deps);
  g_free (m->lin_a);
  g_free (m->lin_b);
  g_free (m->nonlinear_message);
  g_free (m->sys_a);
  g_free (m->sys_b);
  g_free (m->nonsystem_message);
  g_free (m->over_dt_message);
  g_free (m);
}

static void
parser_clear (Parser *p)
{
  g_clear_pointer (&p->toks, g_array_unref);
}

static gboolean
check_state_rhs (Analysis    *an,
                 BslEqSymbol *s)
{
  BslEqDim want = s->dim;

  want.e[2] -= 1;
  if (!analyse (an, s->rhs))
    return FALSE;
  if (!bsl_eq_dim_equal (&s->rhs->dim, &want))
    {
      g_autofree char *got = bsl_eq_dim_describe (&s->rhs->dim);
      g_autofree char *exp = bsl_eq_dim_describe (&want);

      fail (an->p, s->rhs->span_line, s->rhs->span_column,
            "the right-hand side of d%s/dt has unit %s, but d%s/dt must have unit %s",
            s->name, got, s->name, exp);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_reset (Parser     *p,
             Analysis   *an,
             const char *reset)
{
  static const struct { const char *text; BslEqOp op; } assigns[] = {
    { "=", BSL_EQ_OP_COPY }, { "+=", BSL_EQ_OP_ADD }, { "-=", BSL_EQ_OP_SUB },
    { "*=", BSL_EQ_OP_MUL }, { "/=", BSL_EQ_OP_DIV },
  };

  if (!lex (p, reset, TRUE))
    return FALSE;
  while (peek (p)->kind != TOK_END)
    {
      Token *target = peek (p);
      Token *op;
      BslEqStatement st = { 0 };
      BslEqNode *value, *var;
      guint i;
      int index;

      if (target->kind == TOK_NEWLINE || is_op (target, ";"))
        {
          next (p);
          continue;
        }
      if (target->kind != TOK_NAME)
        {
          fail_unexpected (p, target, "a variable to assign to");
          return FALSE;
        }
      next (p);
      op = next (p);
      for (i = 0; i < G_N_ELEMENTS (assigns); i++)
        if (is_op (op, assigns[i].text))
          break;
      if (i == G_N_ELEMENTS (assigns))
        {
          p->pos--;
          fail_unexpected (p, op, "'=', '+=', '-=', '*=' or '/='");
          return FALSE;
        }
      if (find_symbol (p->m->states, target->name, &index) == NULL)
        {
          if (declared (p->m, target->name))
            fail (p, target->line, target->column,
                  "cannot assign to '%s': only state variables (with a derivative) can be "
                  "reset", target->name);
          else
            fail (p, target->line, target->column, "unknown variable '%s'", target->name);
          return FALSE;
        }
      if ((value = parse_expression (p, "the end of the statement")) == NULL
          || resolve (p, value) == NULL || !analyse (an, value))
        return FALSE;
      var = node_at (p, BSL_EQ_NODE_STATE, target);
      var->index = index;
      if (!analyse (an, var))
        return FALSE;
      if (assigns[i].op == BSL_EQ_OP_MUL || assigns[i].op == BSL_EQ_OP_DIV)
        {
          if (!bsl_eq_dim_is_one (&value->dim))
            {
              g_autofree char *d = bsl_eq_dim_describe (&value->dim);

              fail (p, value->span_line, value->span_column,
                    "'%s' changes the unit of %s: the factor must be dimensionless, not %s",
                    op->op, target->name, d);
              return FALSE;
            }
        }
      else if (!bsl_eq_dim_equal (&value->dim, &var->dim))
        {
          g_autofree char *d = bsl_eq_dim_describe (&value->dim);
          g_autofree char *want = bsl_eq_dim_describe (&var->dim);

          fail (p, value->span_line, value->span_column,
                "cannot assign a value in %s to %s, which is in %s", d, target->name, want);
          return FALSE;
        }
      st.state = index;
      st.value = assigns[i].op == BSL_EQ_OP_COPY ? value
        : op_node (p, assigns[i].op, op, var, value, var, value, NULL);
      if (st.value == NULL)
        return FALSE;
      g_array_append_val (p->m->reset, st);
      if (!at_stop (peek (p)))
        {
          fail_unexpected (p, peek (p), "the end of the statement");
          return FALSE;
        }
      if (is_op (peek (p), ":"))
        {
          fail_unexpected (p, peek (p), "the end of the statement");
          return FALSE;
        }
    }
  return TRUE;
}

static BslEqNode *
parse_single (Parser     *p,
              Analysis   *an,
              const char *text)
{
  BslEqNode *n;

  if (!lex (p, text, FALSE))
    return NULL;
  if ((n = parse_expression (p, "the end of the expression")) == NULL)
    return NULL;
  if (peek (p)->kind != TOK_END)
    {
      fail_unexpected (p, peek (p), "the end of the expression");
      return NULL;
    }
  if (resolve (p, n) == NULL || !analyse (an, n))
    return NULL;
  return n;
}

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

BslEqModel *
bsl_eq_model_parse (const char  *model,
                    const char  *threshold,
                    const char  *reset,
                    const char  *refractory,
                    const char  *input_var,
                    GError     **error)
{
  g_autoptr (BslEqModel) m = g_new0 (BslEqModel, 1);
  Parser p = { 0 };
  Analysis an = { 0 };
  g_autofree guint8 *busy = NULL;
  gboolean ok = FALSE;

  m->nodes = g_ptr_array_new_with_free_func (node_free);
  m->states = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->params = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->subexprs = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->reset = g_array_new (FALSE, TRUE, sizeof (BslEqStatement));
  g_array_set_clear_func (m->states, symbol_clear);
  g_array_set_clear_func (m->params, symbol_clear);
  g_array_set_clear_func (m->subexprs, symbol_clear);
  p.m = m;
  p.error = error;

  /* the model: declarations first, so that expressions may name anything declared */
  if (!lex (&p, model != NULL ? model : "", TRUE))
    goto out;
  while (peek (&p)->kind != TOK_END)
    {
      if (peek (&p)->kind == TOK_NEWLINE)
        {
          next (&p);
          continue;
        }
      if (!parse_model_line (&p))
        goto out;
    }
  if (m->states->len == 0)
    {
      fail (&p, 1, 1, "the model has no differential equation (like 'dv/dt = -v/tau : volt')");
      goto out;
    }
  busy = g_new0 (guint8, m->subexprs->len + 1);
  m->sub_deps = g_new (gint8, m->subexprs->len * m->states->len + 1);
  memset (m->sub_deps, -1, m->subexprs->len * m->states->len + 1);
  an.p = &p;
  an.busy = busy;
  for (guint i = 0; i < m->subexprs->len; i++)
    if (resolve (&p, g_array_index (m->subexprs, BslEqSymbol, i).rhs) == NULL)
      goto out;
  for (guint i = 0; i < m->states->len; i++)
    if (resolve (&p, g_array_index (m->states, BslEqSymbol, i).rhs) == NULL)
      goto out;
  for (guint i = 0; i < m->subexprs->len; i++)
    {
      BslEqNode ref = { 0 };

      ref.kind = BSL_EQ_NODE_SUBEXPR;
      ref.index = i;
      ref.line = g_array_index (m->subexprs, BslEqSymbol, i).line;
      ref.column = g_array_index (m->subexprs, BslEqSymbol, i).column;
      if (!analyse_subexpr (&an, &ref))
        goto out;
    }
  for (guint i = 0; i < m->states->len; i++)
    if (!check_state_rhs (&an, &g_array_index (m->states, BslEqSymbol, i)))
      goto out;
  parser_clear (&p);

  if (!is_blank (threshold))
    {
      p.what = "threshold";
      if ((m->threshold = parse_single (&p, &an, threshold)) == NULL)
        goto out;
      if (!m->threshold->is_bool)
        {
          g_autofree char *d = bsl_eq_dim_describe (&m->threshold->dim);

          fail (&p, m->threshold->span_line, m->threshold->span_column,
                "the threshold must be a condition (like v > v_th), not a value in %s", d);
          goto out;
        }
      parser_clear (&p);
    }
  if (!is_blank (reset))
    {
      p.what = "reset";
      if (!parse_reset (&p, &an, reset))
        goto out;
      parser_clear (&p);
    }
  if (!is_blank (refractory))
    {
      BslEqDim second = bsl_eq_dimensionless;

      second.e[2] = 1;
      p.what = "refractory";
      if ((m->refractory = parse_single (&p, &an, refractory)) == NULL)
        goto out;
      if (!bsl_eq_dim_equal (&m->refractory->dim, &second) || m->refractory->is_bool)
        {
          g_autofree char *d = bsl_eq_dim_describe (&m->refractory->dim);

          fail (&p, m->refractory->span_line, m->refractory->span_column,
                m->refractory->is_bool
                ? "the refractory period must be a duration (like 2*ms), not a condition"
                : "the refractory period must have the unit second, not %s", d);
          goto out;
        }
      parser_clear (&p);
    }
  if (!bsl_eq_model_set_inputs (m, is_blank (input_var) ? NULL : input_var, error))
    goto out;
  linearise (m);
  linearise_system (m);
  check_held_subexprs (m);
  ok = TRUE;

out:
  parser_clear (&p);
  if (!ok)
    return NULL;
  return g_steal_pointer (&m);
}

/* A value written with units ("10*ms", "-70*mV", "0.5"), checked against the unit of the Var
 * it is for (as the model declares it: "second", "siemens/metre**2", "1", "boolean"). */
gboolean
bsl_equations_parse_value (const char  *text,
                           const char  *unit,
                           double      *value,
                           GError     **error)
{
  g_autoptr (BslEqModel) m = g_new0 (BslEqModel, 1);
  Parser p = { 0 };
  Analysis an = { 0 };
  guint8 busy = 0;
  double scale = 1;
  BslEqDim dim = bsl_eq_dimensionless;
  gboolean is_bool = FALSE, ok = FALSE;
  BslEqNode *n;

  m->nodes = g_ptr_array_new_with_free_func (node_free);
  m->states = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->params = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->subexprs = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->reset = g_array_new (FALSE, TRUE, sizeof (BslEqStatement));
  p.m = m;
  p.error = error;
  p.what = "unit";
  an.p = &p;
  an.busy = &busy;
  if (unit != NULL && *unit != '\0')
    {
      if (!lex (&p, unit, FALSE) || !parse_unit_term (&p, &scale, &dim, &is_bool))
        goto out;
      parser_clear (&p);
    }
  p.what = "value";
  if ((n = parse_single (&p, &an, text)) == NULL)
    goto out;
  if (!n->is_const || n->kind != BSL_EQ_NODE_NUMBER)
    {
      fail (&p, n->span_line, n->span_column, "not a constant value");
      goto out;
    }
  if (!bsl_eq_dim_equal (&n->dim, &dim))
    {
      g_autofree char *got = bsl_eq_dim_describe (&n->dim);
      g_autofree char *want = bsl_eq_dim_describe (&dim);

      fail (&p, n->span_line, n->span_column, "a value in %s, but it must be in %s", got, want);
      goto out;
    }
  *value = n->value / scale;
  ok = TRUE;

out:
  parser_clear (&p);
  /* a value is one short line: say what it is instead of where */
  if (!ok && error != NULL && *error != NULL && g_str_has_prefix ((*error)->message, "value, "))
    {
      const char *reason = strstr ((*error)->message, ": ");
      char *message = g_strdup_printf ("is '%s': %s", text, reason != NULL ? reason + 2 : "");

      g_free ((*error)->message);
      (*error)->message = message;
    }
  return ok;
}
