/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compiled programs as source text, one statement per instruction, so that generated C and
 * Python compute operation by operation what the engine computes. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-private.h"

static char *
c_literal (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    return g_strdup ("NAN");
  if (isinf (v))
    return g_strdup (v > 0 ? "HUGE_VAL" : "(-HUGE_VAL)");
  g_ascii_formatd (buf, sizeof buf, "%.17g", v);
  if (strpbrk (buf, ".eE") == NULL)
    g_strlcat (buf, ".0", sizeof buf);
  if (v < 0 || (v == 0 && signbit (v)))
    return g_strdup_printf ("(%s)", buf);
  return g_strdup (buf);
}

static const char *const c_formats[BSL_EQ_N_OPS] = {
  [BSL_EQ_OP_COPY] = "%1$s", [BSL_EQ_OP_ADD] = "%1$s + %2$s", [BSL_EQ_OP_SUB] = "%1$s - %2$s",
  [BSL_EQ_OP_MUL] = "%1$s * %2$s", [BSL_EQ_OP_DIV] = "%1$s / %2$s",
  [BSL_EQ_OP_MOD] = "%1$s - floor (%1$s / %2$s) * %2$s", [BSL_EQ_OP_POW] = "pow (%1$s, %2$s)",
  [BSL_EQ_OP_NEG] = "-%1$s", [BSL_EQ_OP_LT] = "%1$s < %2$s ? 1.0 : 0.0",
  [BSL_EQ_OP_LE] = "%1$s <= %2$s ? 1.0 : 0.0", [BSL_EQ_OP_GT] = "%1$s > %2$s ? 1.0 : 0.0",
  [BSL_EQ_OP_GE] = "%1$s >= %2$s ? 1.0 : 0.0", [BSL_EQ_OP_EQ] = "%1$s == %2$s ? 1.0 : 0.0",
  [BSL_EQ_OP_NE] = "%1$s != %2$s ? 1.0 : 0.0",
  [BSL_EQ_OP_AND] = "(%1$s != 0.0 && %2$s != 0.0) ? 1.0 : 0.0",
  [BSL_EQ_OP_OR] = "(%1$s != 0.0 || %2$s != 0.0) ? 1.0 : 0.0",
  [BSL_EQ_OP_NOT] = "%1$s == 0.0 ? 1.0 : 0.0", [BSL_EQ_OP_EXP] = "exp (%1$s)",
  [BSL_EQ_OP_LOG] = "log (%1$s)", [BSL_EQ_OP_LOG10] = "log10 (%1$s)",
  [BSL_EQ_OP_SQRT] = "sqrt (%1$s)", [BSL_EQ_OP_ABS] = "fabs (%1$s)",
  [BSL_EQ_OP_SIN] = "sin (%1$s)", [BSL_EQ_OP_COS] = "cos (%1$s)",
  [BSL_EQ_OP_TAN] = "tan (%1$s)", [BSL_EQ_OP_TANH] = "tanh (%1$s)",
  [BSL_EQ_OP_SINH] = "sinh (%1$s)", [BSL_EQ_OP_COSH] = "cosh (%1$s)",
  [BSL_EQ_OP_ARCSIN] = "asin (%1$s)", [BSL_EQ_OP_ARCCOS] = "acos (%1$s)",
  [BSL_EQ_OP_ARCTAN] = "atan (%1$s)", [BSL_EQ_OP_FLOOR] = "floor (%1$s)",
  [BSL_EQ_OP_CEIL] = "ceil (%1$s)",
  [BSL_EQ_OP_SIGN] = "(double) ((%1$s > 0.0) - (%1$s < 0.0))",
  [BSL_EQ_OP_EXPREL] = "%1$s == 0.0 ? 1.0 : expm1 (%1$s) / %1$s",
  [BSL_EQ_OP_INT] = "trunc (%1$s)", [BSL_EQ_OP_CLIP] = "fmin (fmax (%1$s, %2$s), %3$s)",
  [BSL_EQ_OP_EXPM1] = "expm1 (%1$s)", [BSL_EQ_OP_LOG1P] = "log1p (%1$s)",
  [BSL_EQ_OP_TIMESTEP] = "trunc ((%1$s + 0.001 * %2$s) / %2$s)",
  [BSL_EQ_OP_SELECT] = "%2$s != 0.0 ? %1$s : %3$s",
  [BSL_EQ_OP_TABLE_ROW] = "%4$s_table_row (%3$s, %1$s, %2$s)",
  [BSL_EQ_OP_TABLE_AT] = "%4$s_table_at (tables, %3$s, %1$s, %2$s)",
};

const BslEqLanguage bsl_eq_language_c = {
  c_formats, c_literal, ";", "x[%u] = x[%u] + r[%u] * (sqrt (dt) * %s_normal (key, dstep, idx, %s))",
  "double g0[%u], dw",
};

static char *
py_literal (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    return g_strdup ("math.nan");
  if (isinf (v))
    return g_strdup (v > 0 ? "math.inf" : "(-math.inf)");
  g_ascii_formatd (buf, sizeof buf, "%.17g", v);
  if (strpbrk (buf, ".eEn") == NULL)
    g_strlcat (buf, ".0", sizeof buf);
  if (v < 0 || (v == 0 && signbit (v)))
    return g_strdup_printf ("(%s)", buf);
  return g_strdup (buf);
}

static const char *const python_formats[BSL_EQ_N_OPS] = {
  [BSL_EQ_OP_COPY] = "%1$s", [BSL_EQ_OP_ADD] = "%1$s + %2$s", [BSL_EQ_OP_SUB] = "%1$s - %2$s",
  [BSL_EQ_OP_MUL] = "%1$s * %2$s", [BSL_EQ_OP_DIV] = "_div(%1$s, %2$s)",
  [BSL_EQ_OP_MOD] = "_mod(%1$s, %2$s)", [BSL_EQ_OP_POW] = "_pow(%1$s, %2$s)",
  [BSL_EQ_OP_NEG] = "-%1$s", [BSL_EQ_OP_LT] = "1.0 if %1$s < %2$s else 0.0",
  [BSL_EQ_OP_LE] = "1.0 if %1$s <= %2$s else 0.0", [BSL_EQ_OP_GT] = "1.0 if %1$s > %2$s else 0.0",
  [BSL_EQ_OP_GE] = "1.0 if %1$s >= %2$s else 0.0", [BSL_EQ_OP_EQ] = "1.0 if %1$s == %2$s else 0.0",
  [BSL_EQ_OP_NE] = "1.0 if %1$s != %2$s else 0.0",
  [BSL_EQ_OP_AND] = "1.0 if (%1$s != 0.0 and %2$s != 0.0) else 0.0",
  [BSL_EQ_OP_OR] = "1.0 if (%1$s != 0.0 or %2$s != 0.0) else 0.0",
  [BSL_EQ_OP_NOT] = "1.0 if %1$s == 0.0 else 0.0", [BSL_EQ_OP_EXP] = "_call(math.exp, %1$s)",
  [BSL_EQ_OP_LOG] = "_log(%1$s)", [BSL_EQ_OP_LOG10] = "_log(%1$s, True)",
  [BSL_EQ_OP_SQRT] = "_call(math.sqrt, %1$s)", [BSL_EQ_OP_ABS] = "math.fabs(%1$s)",
  [BSL_EQ_OP_SIN] = "_call(math.sin, %1$s)", [BSL_EQ_OP_COS] = "_call(math.cos, %1$s)",
  [BSL_EQ_OP_TAN] = "_call(math.tan, %1$s)", [BSL_EQ_OP_TANH] = "math.tanh(%1$s)",
  [BSL_EQ_OP_SINH] = "_call(math.sinh, %1$s)", [BSL_EQ_OP_COSH] = "_call(math.cosh, %1$s)",
  [BSL_EQ_OP_ARCSIN] = "_call(math.asin, %1$s)", [BSL_EQ_OP_ARCCOS] = "_call(math.acos, %1$s)",
  [BSL_EQ_OP_ARCTAN] = "math.atan(%1$s)", [BSL_EQ_OP_FLOOR] = "_whole(math.floor, %1$s)",
  [BSL_EQ_OP_CEIL] = "_whole(math.ceil, %1$s)",
  [BSL_EQ_OP_SIGN] = "float((%1$s > 0.0) - (%1$s < 0.0))",
  [BSL_EQ_OP_EXPREL] = "_exprel(%1$s)",
  [BSL_EQ_OP_INT] = "_whole(math.trunc, %1$s)", [BSL_EQ_OP_CLIP] = "_fmin(_fmax(%1$s, %2$s), %3$s)",
  [BSL_EQ_OP_EXPM1] = "_call(math.expm1, %1$s)", [BSL_EQ_OP_LOG1P] = "_log1p(%1$s)",
  [BSL_EQ_OP_TIMESTEP] = "_whole(math.trunc, _div(%1$s + 0.001 * %2$s, %2$s))",
  [BSL_EQ_OP_SELECT] = "%1$s if %2$s != 0.0 else %3$s",
  [BSL_EQ_OP_TABLE_ROW] = "_table_row(%4$s_table_dt, %4$s_table_last, %3$s, %1$s, %2$s)",
  [BSL_EQ_OP_TABLE_AT] = "_table_at(%4$s_tables, %4$s_table_columns, %3$s, %1$s, %2$s)",
};

const BslEqLanguage bsl_eq_language_python = {
  python_formats, py_literal, "",
  "x[%u] = x[%u] + r[%u] * (math.sqrt(dt) * %s_normal(key, dstep, idx, %s))",
  "g0 = [0.0] * %u",
};

static char *
operand (const BslEqSource *src,
         guint              slot)
{
  const BslEqCode *code = src->eq->code;
  static const char *const builtin[BSL_EQ_N_BUILTINS] = {
    "t", "dt", "nr", "ls", "sp", "idx", "nn", "key",
  };

  if (slot < code->first_state)
    return g_strdup_printf ("r[%u]", slot);
  if (slot < code->first_param)
    return g_strdup_printf ("%s[%u]", src->state_array, slot - code->first_state);
  if (slot < code->first_builtin)
    return g_strdup_printf (src->locals ? "bsl_params_%u[i]" : "params[%u][i]",
                            slot - code->first_param);
  if (slot < code->first_const)
    return g_strdup (builtin[slot - code->first_builtin]);
  return src->language->literal (g_array_index (code->consts, double, slot - code->first_const));
}

void
bsl_eq_source_program (BslEqSource        *src,
                       const BslEqProgram *prog,
                       const char         *indent)
{
  for (guint k = 0; k < prog->code->len; k++)
    {
      const BslEqInstr *in = &g_array_index (prog->code, BslEqInstr, k);
      g_autofree char *d = operand (src, in->dst);
      g_autofree char *a = operand (src, in->a);
      g_autofree char *b = operand (src, in->b);
      g_autofree char *c = operand (src, in->c);
      g_autofree char *expr = NULL;

      if (in->op == BSL_EQ_OP_RAND || in->op == BSL_EQ_OP_RANDN)
        expr = g_strdup_printf ("%s_%s (key, dstep, %s, %s)", src->prefix,
                                in->op == BSL_EQ_OP_RAND ? "uniform" : "normal", a, c);
      else
        {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          expr = g_strdup_printf (src->language->formats[in->op], a, b, c,
                                  src->prefix != NULL ? src->prefix : "");
#pragma GCC diagnostic pop
        }
      g_string_append_printf (src->s, "%s%s = %s%s\n", indent, d, expr, src->language->statement_end);
    }
}

void
bsl_eq_source_start_of_step (BslEqSource *src,
                             const char  *indent,
                             const char  *release)
{
  const BslEqCode *code = src->eq->code;

  bsl_eq_source_program (src, &code->held, indent);
  if (!bsl_eq_refractory_is_condition (src->eq->m))
    return;
  bsl_eq_source_program (src, &code->refractory, indent);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_string_append_printf (src->s, release, indent, code->refractory.out[0]);
#pragma GCC diagnostic pop
}

void
bsl_eq_source_noise (BslEqSource *src,
                     guint        k,
                     const char  *indent,
                     const char  *guard)
{
  const BslEqModel *m = src->eq->m;
  const BslEqCode *code = src->eq->code;

  for (guint j = 0; j < m->noises->len; j++)
    {
      int out = code->noise_out[k * m->noises->len + j];
      g_autofree char *draw = NULL;
      g_autofree char *line = NULL;

      if (out < 0)
        continue;
      draw = src->language->literal (BSL_EQ_NOISE_DRAW (j));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      line = g_strdup_printf (src->language->noise_format, k, k, code->deriv.out[out],
                              src->prefix, draw);
#pragma GCC diagnostic pop
      g_string_append_printf (src->s, "%s%s%s%s\n", indent, guard, line,
                              src->language->statement_end);
    }
}

/* One line: indent, the statement (a printf format over the arguments), the language's end. */
static void G_GNUC_PRINTF (3, 4)
line (BslEqSource *src,
      const char  *indent,
      const char  *format,
      ...)
{
  va_list args;

  g_string_append (src->s, indent);
  va_start (args, format);
  g_string_append_vprintf (src->s, format, args);
  va_end (args);
  g_string_append_printf (src->s, "%s\n", src->language->statement_end);
}

/* value where the neuron is not refractory, otherwise rest, for a held state (else value). */
static char *
unless_resting (BslEqSource *src,
                guint        k,
                const char  *value,
                const char  *rest)
{
  const BslEqModel *m = src->eq->m;

  if (m->refractory == NULL || !g_array_index (m->states, BslEqSymbol, k).held)
    return g_strdup (value);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return g_strdup_printf (src->language->formats[BSL_EQ_OP_SELECT], value, "nr", rest);
#pragma GCC diagnostic pop
}

void
bsl_eq_source_stochastic (BslEqSource *src,
                          gboolean     heun,
                          const char  *indent)
{
  const BslEqCode *code = src->eq->code;
  guint ns = src->eq->m->states->len, nn = src->eq->m->noises->len;

  g_string_append (src->s, indent);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_string_append_printf (src->s, src->language->stochastic_scratch, ns * nn);
#pragma GCC diagnostic pop
  g_string_append_printf (src->s, "%s\n", src->language->statement_end);
  bsl_eq_source_program (src, &code->deriv, indent);
  for (guint k = 0; k < ns; k++)
    {
      g_autofree char *step = g_strdup_printf ("x[%u] + dt * r[%u]", k, code->deriv.out[k]);
      g_autofree char *rest = g_strdup_printf ("x[%u]", k);
      g_autofree char *acc = unless_resting (src, k, step, rest);

      line (src, indent, "k1[%u] = %s", k, acc);
      for (guint j = 0; j < nn; j++)
        {
          int out = code->noise_out[k * nn + j];
          g_autofree char *factor = g_strdup_printf ("r[%u]", out < 0 ? 0 : code->deriv.out[out]);
          g_autofree char *g0 = unless_resting (src, k, factor, "0.0");

          line (src, indent, "g0[%u] = %s", k * nn + j, out < 0 ? "0.0" : g0);
        }
    }
  for (guint j = 0; j < nn; j++)
    bsl_eq_source_support (src, heun, j, indent);
  for (guint k = 0; k < ns; k++)
    line (src, indent, "x[%u] = k1[%u]", k, k);
}

/* One noise of heun or milstein: dW, the support point, the factors there, the terms. */
void
bsl_eq_source_support (BslEqSource *src,
                       gboolean     heun,
                       guint        j,
                       const char  *indent)
{
  const BslEqCode *code = src->eq->code;
  guint ns = src->eq->m->states->len, nn = src->eq->m->noises->len;
  g_autofree char *draw = src->language->literal (BSL_EQ_NOISE_DRAW (j));
  g_autofree char *sqrt_dt = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  sqrt_dt = g_strdup_printf (src->language->formats[BSL_EQ_OP_SQRT], "dt");
#pragma GCC diagnostic pop
  line (src, indent, "dw = %s * %s_normal(key, dstep, idx, %s)", sqrt_dt, src->prefix, draw);
  for (guint k = 0; k < ns; k++)
    {
      if (heun)
        line (src, indent, "xs[%u] = x[%u] + g0[%u] * dw", k, k, k * nn + j);
      else
        line (src, indent, "xs[%u] = k1[%u] + %s * g0[%u]", k, k, sqrt_dt, k * nn + j);
    }
  line (src, indent, "t = %s", heun ? "t0 + dt" : "t0");
  src->state_array = "xs";
  bsl_eq_source_program (src, &code->deriv, indent);
  src->state_array = "x";
  for (guint k = 0; k < ns; k++)
    {
      int out = code->noise_out[k * nn + j];
      g_autofree char *sum = NULL, *rest = NULL, *acc = NULL;

      if (out < 0)
        continue;
      sum = heun ? g_strdup_printf ("k1[%u] + 0.5 * dw * (g0[%u] + r[%u])", k, k * nn + j,
                                    code->deriv.out[out])
        : g_strdup_printf ("k1[%u] + g0[%u] * dw + (r[%u] - g0[%u]) * (dw * dw) / (2.0 * %s)",
                           k, k * nn + j, code->deriv.out[out], k * nn + j, sqrt_dt);
      rest = g_strdup_printf ("k1[%u]", k);
      acc = unless_resting (src, k, sum, rest);
      line (src, indent, "k1[%u] = %s", k, acc);
    }
  line (src, indent, "t = t0");
}

gboolean
bsl_eq_is_identifier (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}
