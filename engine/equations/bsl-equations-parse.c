/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's equation syntax: a whole model (and its threshold, reset and refractory condition)
 * through the stages of the parser: lexer (bsl-equations-lex.c), declarations
 * (bsl-equations-declare.c) and expressions (bsl-equations-expr.c), name resolution and
 * dimensional analysis (bsl-equations-analyse.c), and the split x' = A x + B that exponential
 * Euler needs (bsl-equations-linear.c). */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"

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
  g_clear_pointer (&m->tables, g_array_unref);
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
  g_clear_pointer (&m->noises, g_ptr_array_unref);
  g_free (m->noise_coef);
  g_free (m->multiplicative_message);
  g_free (m);
}

static void
parser_clear (Parser *p)
{
  g_clear_pointer (&p->toks, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parser, parser_clear)

static gboolean
check_state_rhs (Analysis    *an,
                 BslEqSymbol *s)
{
  BslEqDim want = s->dim;

  want.e[2] -= 1;
  if (!bsl_eq_analyse (an, s->rhs))
    return FALSE;
  if (!bsl_eq_dim_equal (&s->rhs->dim, &want))
    {
      g_autofree char *got = bsl_eq_dim_describe (&s->rhs->dim);
      g_autofree char *exp = bsl_eq_dim_describe (&want);
      g_autofree char *note = bsl_eq_table_note (an->p->m, s->rhs);

      bsl_eq_fail (an->p, s->rhs->span_line, s->rhs->span_column,
                   "the right-hand side of d%s/dt has unit %s, but d%s/dt must have unit %s%s",
                   s->name, got, s->name, exp, note);
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

  if (!bsl_eq_lex (p, reset, TRUE))
    return FALSE;
  while (bsl_eq_peek (p)->kind != TOK_END)
    {
      Token *target = bsl_eq_peek (p);
      Token *op;
      BslEqStatement st = { 0 };
      BslEqNode *value, *var;
      guint i;
      int index;

      if (target->kind == TOK_NEWLINE || bsl_eq_is_op (target, ";"))
        {
          bsl_eq_next (p);
          continue;
        }
      if (target->kind != TOK_NAME)
        {
          bsl_eq_fail_unexpected (p, target, "a variable to assign to");
          return FALSE;
        }
      bsl_eq_next (p);
      op = bsl_eq_next (p);
      for (i = 0; i < G_N_ELEMENTS (assigns); i++)
        if (bsl_eq_is_op (op, assigns[i].text))
          break;
      if (i == G_N_ELEMENTS (assigns))
        {
          p->pos--;
          bsl_eq_fail_unexpected (p, op, "'=', '+=', '-=', '*=' or '/='");
          return FALSE;
        }
      if (bsl_eq_find_symbol (p->m->states, target->name, &index) == NULL)
        {
          if (bsl_eq_declared (p->m, target->name))
            bsl_eq_fail (p, target->line, target->column,
                         "cannot assign to '%s': only state variables (with a derivative) can be "
                         "reset", target->name);
          else
            bsl_eq_fail (p, target->line, target->column, "unknown variable '%s'", target->name);
          return FALSE;
        }
      if ((value = bsl_eq_parse_expression (p, "the end of the statement")) == NULL
          || bsl_eq_resolve (p, value) == NULL || !bsl_eq_analyse (an, value))
        return FALSE;
      var = bsl_eq_node_at (p, BSL_EQ_NODE_STATE, target);
      var->index = index;
      if (!bsl_eq_analyse (an, var))
        return FALSE;
      if (assigns[i].op == BSL_EQ_OP_MUL || assigns[i].op == BSL_EQ_OP_DIV)
        {
          if (!bsl_eq_dim_is_one (&value->dim))
            {
              g_autofree char *d = bsl_eq_dim_describe (&value->dim);

              bsl_eq_fail (p, value->span_line, value->span_column,
                           "'%s' changes the unit of %s: the factor must be dimensionless, not %s",
                           op->op, target->name, d);
              return FALSE;
            }
        }
      else if (!bsl_eq_dim_equal (&value->dim, &var->dim))
        {
          g_autofree char *d = bsl_eq_dim_describe (&value->dim);
          g_autofree char *want = bsl_eq_dim_describe (&var->dim);

          bsl_eq_fail (p, value->span_line, value->span_column,
                       "cannot assign a value in %s to %s, which is in %s", d, target->name, want);
          return FALSE;
        }
      st.state = index;
      st.value = assigns[i].op == BSL_EQ_OP_COPY ? value
        : bsl_eq_op_node (p, assigns[i].op, op, var, value, var, value, NULL);
      if (st.value == NULL)
        return FALSE;
      g_array_append_val (p->m->reset, st);
      if (!bsl_eq_at_stop (bsl_eq_peek (p)))
        {
          bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "the end of the statement");
          return FALSE;
        }
      if (bsl_eq_is_op (bsl_eq_peek (p), ":"))
        {
          bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "the end of the statement");
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

  if (!bsl_eq_lex (p, text, FALSE))
    return NULL;
  if ((n = bsl_eq_parse_expression (p, "the end of the expression")) == NULL)
    return NULL;
  if (bsl_eq_peek (p)->kind != TOK_END)
    {
      bsl_eq_fail_unexpected (p, bsl_eq_peek (p), "the end of the expression");
      return NULL;
    }
  if (bsl_eq_resolve (p, n) == NULL || !bsl_eq_analyse (an, n))
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
                    GArray      *tables,
                    GError     **error)
{
  g_autoptr (BslEqModel) m = g_new0 (BslEqModel, 1);
  g_auto(Parser) p = { 0 };
  Analysis an = { 0 };
  g_autofree guint8 *busy = NULL;

  m->tables = tables != NULL ? tables : bsl_eq_tables_new_empty ();
  m->nodes = g_ptr_array_new_with_free_func (bsl_eq_node_free);
  m->states = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->params = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->subexprs = g_array_new (FALSE, TRUE, sizeof (BslEqSymbol));
  m->reset = g_array_new (FALSE, TRUE, sizeof (BslEqStatement));
  m->noises = g_ptr_array_new_with_free_func (g_free);
  g_array_set_clear_func (m->states, symbol_clear);
  g_array_set_clear_func (m->params, symbol_clear);
  g_array_set_clear_func (m->subexprs, symbol_clear);
  p.m = m;
  p.error = error;

  /* the model: declarations first, so that expressions may name anything declared */
  if (!bsl_eq_lex (&p, model != NULL ? model : "", TRUE))
    return NULL;
  while (bsl_eq_peek (&p)->kind != TOK_END)
    {
      if (bsl_eq_peek (&p)->kind == TOK_NEWLINE)
        {
          bsl_eq_next (&p);
          continue;
        }
      if (!bsl_eq_parse_model_line (&p))
        return NULL;
    }
  if (!bsl_eq_tables_check_names (&p))
    return NULL;
  if (m->states->len == 0)
    {
      bsl_eq_fail (&p, 1, 1,
                   "the model has no differential equation (like 'dv/dt = -v/tau : volt')");
      return NULL;
    }
  busy = g_new0 (guint8, m->subexprs->len + 1);
  m->sub_deps = g_new (gint8, m->subexprs->len * m->states->len + 1);
  memset (m->sub_deps, -1, m->subexprs->len * m->states->len + 1);
  an.p = &p;
  an.busy = busy;
  for (guint i = 0; i < m->subexprs->len; i++)
    if (bsl_eq_resolve (&p, g_array_index (m->subexprs, BslEqSymbol, i).rhs) == NULL)
      return NULL;
  p.noise_allowed = TRUE;
  for (guint i = 0; i < m->states->len; i++)
    if (bsl_eq_resolve (&p, g_array_index (m->states, BslEqSymbol, i).rhs) == NULL)
      return NULL;
  p.noise_allowed = FALSE;
  for (guint i = 0; i < m->subexprs->len; i++)
    {
      BslEqNode ref = { 0 };

      ref.kind = BSL_EQ_NODE_SUBEXPR;
      ref.index = i;
      ref.line = g_array_index (m->subexprs, BslEqSymbol, i).line;
      ref.column = g_array_index (m->subexprs, BslEqSymbol, i).column;
      if (!bsl_eq_analyse_subexpr (&an, &ref))
        return NULL;
    }
  for (guint i = 0; i < m->states->len; i++)
    if (!check_state_rhs (&an, &g_array_index (m->states, BslEqSymbol, i)))
      return NULL;
  if (!bsl_eq_split_noise (&p))
    return NULL;
  parser_clear (&p);

  if (!is_blank (threshold))
    {
      p.what = "threshold";
      if ((m->threshold = parse_single (&p, &an, threshold)) == NULL)
        return NULL;
      if (!m->threshold->is_bool)
        {
          g_autofree char *d = bsl_eq_dim_describe (&m->threshold->dim);

          bsl_eq_fail (&p, m->threshold->span_line, m->threshold->span_column,
                       "the threshold must be a condition (like v > v_th), not a value in %s", d);
          return NULL;
        }
      parser_clear (&p);
    }
  if (!is_blank (reset))
    {
      p.what = "reset";
      if (!parse_reset (&p, &an, reset))
        return NULL;
      parser_clear (&p);
    }
  if (!is_blank (refractory))
    {
      BslEqDim second = bsl_eq_dimensionless;

      second.e[2] = 1;
      p.what = "refractory";
      if ((m->refractory = parse_single (&p, &an, refractory)) == NULL)
        return NULL;
      /* a duration (a number of steps after the spike) or, as Brian2 allows, a condition
       * that ends refractoriness once it is false */
      if (!m->refractory->is_bool && !bsl_eq_dim_equal (&m->refractory->dim, &second))
        {
          g_autofree char *d = bsl_eq_dim_describe (&m->refractory->dim);

          if (bsl_eq_dim_equal (&m->refractory->dim, &bsl_eq_dimensionless))
            bsl_eq_fail (&p, m->refractory->span_line, m->refractory->span_column,
                         "refractory must be a duration (like 2*ms) or a condition "
                         "(like v > -40*mV), not a dimensionless number");
          else
            bsl_eq_fail (&p, m->refractory->span_line, m->refractory->span_column,
                         "the refractory period must have the unit second (or be a condition), "
                         "not %s", d);
          return NULL;
        }
      parser_clear (&p);
    }
  if (!bsl_eq_model_set_inputs (m, is_blank (input_var) ? NULL : input_var, error))
    return NULL;
  bsl_eq_linearise (m);
  bsl_eq_linearise_system (m);
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

  g_return_val_if_fail (value != NULL, FALSE);

  m->nodes = g_ptr_array_new_with_free_func (bsl_eq_node_free);
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
      if (!bsl_eq_lex (&p, unit, FALSE) || !bsl_eq_parse_unit_term (&p, &scale, &dim, &is_bool))
        goto out;
      parser_clear (&p);
    }
  p.what = "value";
  if ((n = parse_single (&p, &an, text)) == NULL)
    goto out;
  if (!n->is_const || n->kind != BSL_EQ_NODE_NUMBER)
    {
      bsl_eq_fail (&p, n->span_line, n->span_column, "not a constant value");
      goto out;
    }
  if (!bsl_eq_dim_equal (&n->dim, &dim))
    {
      g_autofree char *got = bsl_eq_dim_describe (&n->dim);
      g_autofree char *want = bsl_eq_dim_describe (&dim);

      bsl_eq_fail (&p, n->span_line, n->span_column, "a value in %s, but it must be in %s", got,
                   want);
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
