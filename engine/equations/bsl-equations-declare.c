/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's equation syntax: the declarations of a model, one line each, and their units. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"

static const char *const reserved[] = {
  "t", "dt", "not_refractory", "lastspike", "xi", "and", "or", "not", "True", "False",
  "refractory", "i", "N", "refractory_until", "t_in_timesteps",
};

static gboolean
parse_unit_factor (Parser   *p,
                   double   *scale,
                   BslEqDim *dim,
                   gboolean *is_bool);

gboolean
bsl_eq_parse_unit_term (Parser   *p,
                        double   *scale,
                        BslEqDim *dim,
                        gboolean *is_bool)
{
  if (!parse_unit_factor (p, scale, dim, is_bool))
    return FALSE;
  while (bsl_eq_is_op (bsl_eq_peek (p), "*") || bsl_eq_is_op (bsl_eq_peek (p), "/"))
    {
      gboolean div = bsl_eq_is_op (bsl_eq_next (p), "/");
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
  Token *t = bsl_eq_next (p);

  *is_bool = FALSE;
  if (t->kind == TOK_NUMBER && t->value == 1.0)
    {
      *scale = 1;
      *dim = bsl_eq_dimensionless;
    }
  else if (bsl_eq_is_op (t, "("))
    {
      if (!bsl_eq_parse_unit_term (p, scale, dim, is_bool))
        return FALSE;
      if (!bsl_eq_is_op (bsl_eq_peek (p), ")"))
        {
          bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "')'");
          return FALSE;
        }
      bsl_eq_next (p);
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
          bsl_eq_fail (p, t->line, t->column, "unknown unit '%s'", t->name);
          return FALSE;
        }
    }
  else
    {
      p->pos--;
      bsl_eq_fail_unexpected (p, t, "a unit (like volt, amp/second or 1)");
      return FALSE;
    }
  if (bsl_eq_is_op (bsl_eq_peek (p), "**"))
    {
      gboolean neg;
      Token *e;

      bsl_eq_next (p);
      neg = bsl_eq_is_op (bsl_eq_peek (p), "-");
      if (neg)
        bsl_eq_next (p);
      e = bsl_eq_next (p);
      if (e->kind != TOK_NUMBER)
        {
          p->pos--;
          bsl_eq_fail_unexpected (p, e, "a number");
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
  for (guint i = 0; i < bsl_eq_n_functions; i++)
    if (strcmp (bsl_eq_functions[i].name, name) == 0)
      return TRUE;
  /* xi_name is a noise */
  return g_str_has_prefix (name, "xi_");
}

BslEqSymbol *
bsl_eq_find_symbol (GArray     *a,
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

gboolean
bsl_eq_declared (BslEqModel *m,
                 const char *name)
{
  return bsl_eq_find_symbol (m->states, name, NULL) != NULL
    || bsl_eq_find_symbol (m->params, name, NULL)
    || bsl_eq_find_symbol (m->subexprs, name, NULL) != NULL;
}

/* One line of the model: "dx/dt = expr : unit (flags)", "x = expr : unit" or "x : unit". */
gboolean
bsl_eq_parse_model_line (Parser *p)
{
  Token *t0 = bsl_eq_peek (p);
  Token *t1 = &g_array_index (p->toks, Token, MIN (p->pos + 1, p->toks->len - 1));
  Token *t2 = &g_array_index (p->toks, Token, MIN (p->pos + 2, p->toks->len - 1));
  Token *t3 = &g_array_index (p->toks, Token, MIN (p->pos + 3, p->toks->len - 1));
  BslEqSymbol sym = { 0 };
  GArray *where;
  Token *name_tok = t0;
  double scale;
  gboolean is_bool = FALSE;

  if (t0->kind == TOK_NAME && t0->name[0] == 'd' && t0->name[1] != '\0' && bsl_eq_is_op (t1, "/")
      && t2->kind == TOK_NAME && strcmp (t2->name, "dt") == 0 && bsl_eq_is_op (t3, "="))
    {
      where = p->m->states;
      sym.name = g_strdup (t0->name + 1);
      p->pos += 4;
    }
  else if (t0->kind == TOK_NAME && bsl_eq_is_op (t1, "="))
    {
      where = p->m->subexprs;
      sym.name = g_strdup (t0->name);
      p->pos += 2;
    }
  else if (t0->kind == TOK_NAME && bsl_eq_is_op (t1, ":"))
    {
      where = p->m->params;
      sym.name = g_strdup (t0->name);
      p->pos += 1;
    }
  else
    {
      bsl_eq_fail (p, t0->line, t0->column,
                   "expected a differential equation 'dx/dt = ... : unit', a subexpression "
                   "'x = ... : unit' or a parameter 'x : unit'");
      return FALSE;
    }
  sym.line = name_tok->line;
  sym.column = name_tok->column + (where == p->m->states ? 1 : 0);

  if (is_reserved (sym.name) || bsl_eq_declared (p->m, sym.name))
    {
      bsl_eq_fail (p, sym.line, sym.column, is_reserved (sym.name)
                   ? "'%s' is a reserved name" : "'%s' is declared twice", sym.name);
      g_free (sym.name);
      return FALSE;
    }
  if (where != p->m->params)
    {
      sym.rhs = bsl_eq_parse_expression (p, "':' and a unit");
      if (sym.rhs == NULL)
        {
          g_free (sym.name);
          return FALSE;
        }
    }
  if (!bsl_eq_is_op (bsl_eq_peek (p), ":"))
    {
      bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "':' and a unit");
      g_free (sym.name);
      return FALSE;
    }
  bsl_eq_next (p);
  {
    Token *unit_tok = bsl_eq_peek (p);
    Token *unit_end;

    if (!bsl_eq_parse_unit_term (p, &scale, &sym.dim, &is_bool))
      {
        g_free (sym.name);
        return FALSE;
      }
    unit_end = &g_array_index (p->toks, Token, p->pos - 1);
    if (fabs (scale - 1) > 1e-12)
      {
        g_autofree char *unit = bsl_eq_dim_to_unit (&sym.dim);

        bsl_eq_fail (p, unit_tok->line, unit_tok->column,
                     "declare '%s' in the unscaled unit %s, not %.*s (values are in SI units)",
                     sym.name, unit, unit_end->end - unit_tok->start, p->text + unit_tok->start);
        g_free (sym.name);
        return FALSE;
      }
  }
  sym.is_bool = is_bool;
  sym.unit = is_bool ? g_strdup ("boolean") : bsl_eq_dim_to_unit (&sym.dim);
  if (bsl_eq_is_op (bsl_eq_peek (p), "("))
    {
      bsl_eq_next (p);
      while (!bsl_eq_is_op (bsl_eq_peek (p), ")"))
        {
          g_autoptr (GString) flag = g_string_new (NULL);
          Token *ft = bsl_eq_peek (p);

          while (bsl_eq_peek (p)->kind == TOK_NAME)
            {
              if (flag->len > 0)
                g_string_append_c (flag, ' ');
              g_string_append (flag, bsl_eq_next (p)->name);
            }
          if (flag->len == 0)
            {
              bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "a flag");
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
              bsl_eq_fail (p, ft->line, ft->column, "unsupported flag '%s' for %s", flag->str,
                           where == p->m->states ? "a differential equation"
                           : where == p->m->params ? "a parameter" : "a subexpression");
              goto fail;
            }
          if (bsl_eq_is_op (bsl_eq_peek (p), ","))
            bsl_eq_next (p);
          else if (!bsl_eq_is_op (bsl_eq_peek (p), ")"))
            {
              bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "',' or ')'");
              goto fail;
            }
        }
      bsl_eq_next (p);
    }
  if (bsl_eq_peek (p)->kind != TOK_NEWLINE && bsl_eq_peek (p)->kind != TOK_END)
    {
      bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "the end of the line");
      goto fail;
    }
  g_array_append_val (where, sym);
  return TRUE;

fail:
  g_free (sym.name);
  g_free (sym.unit);
  return FALSE;
}
