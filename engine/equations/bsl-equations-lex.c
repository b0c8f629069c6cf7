/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's equation syntax: errors and the lexer (tokens with their line and column). */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"

void
bsl_eq_fail (Parser     *p,
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

char *
bsl_eq_node_text (BslEqNode *n)
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

gboolean
bsl_eq_lex (Parser     *p,
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
      bsl_eq_fail (p, 1, 1, "the text is not valid UTF-8");
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
              bsl_eq_fail (p, line, column, "a number cannot be followed by a name: write %s*%s",
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
              bsl_eq_fail (p, line, column, "unexpected character '%s'", buf);
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

Token *
bsl_eq_peek (Parser *p)
{
  return &g_array_index (p->toks, Token, p->pos);
}

Token *
bsl_eq_next (Parser *p)
{
  Token *t = bsl_eq_peek (p);

  if (t->kind != TOK_END)
    p->pos++;
  return t;
}

gboolean
bsl_eq_is_op (Token      *t,
              const char *op)
{
  return t->kind == TOK_OP && strcmp (t->op, op) == 0;
}

gboolean
bsl_eq_at_stop (Token *t)
{
  return t->kind == TOK_END || t->kind == TOK_NEWLINE || bsl_eq_is_op (t, ";")
         || bsl_eq_is_op (t, ":");
}

char *
bsl_eq_describe_token (Parser *p,
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
    if ((before != NULL && bsl_eq_is_op (before, joins[k]))
        || (after != NULL && bsl_eq_is_op (after, joins[k])))
      return TRUE;
  return FALSE;
}

void
bsl_eq_fail_unexpected (Parser     *p,
                        Token      *t,
                        const char *expected)
{
  g_autofree char *what = bsl_eq_describe_token (p, t);
  if (bsl_eq_is_op (t, "^"))
    bsl_eq_fail (p, t->line, t->column, "'^' is not an operator; write powers with '**'");
  else if (bsl_eq_is_op (t, "&") || bsl_eq_is_op (t, "|") || bsl_eq_is_op (t, "!"))
    bsl_eq_fail (p, t->line, t->column, "unexpected %s: write conditions with 'and', 'or', 'not'",
                 what);
  else if (t->kind == TOK_NEWLINE && continues_on_next_line (p, t))
    bsl_eq_fail (p, t->line, t->column, "expected %s, found the end of the line (to continue an "
                 "expression on the next line, put it in parentheses: a line break inside '( )' "
                 "continues the line)", expected);
  else
    bsl_eq_fail (p, t->line, t->column, "expected %s, found %s", expected, what);
}
