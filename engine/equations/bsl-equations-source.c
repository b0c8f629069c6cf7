/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compiled programs as source text, one statement per instruction, so that generated C and
 * Python compute operation by operation what the engine computes. */
#include "config.h"

#include <math.h>
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

const BslEqLanguage bsl_eq_language_c = { c_formats, c_literal, ";" };

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

const BslEqLanguage bsl_eq_language_python = { python_formats, py_literal, "" };

static char *
operand (const BslEqSource *src,
         guint              slot)
{
  const BslEqCode *code = src->eq->code;
  static const char *const builtin[BSL_EQ_N_BUILTINS] = {
    "t", "dt", "nr", "ls", "sp", "idx", "nn",
  };

  if (slot < code->first_state)
    return g_strdup_printf ("r[%u]", slot);
  if (slot < code->first_param)
    return g_strdup_printf ("%s[%u]", src->state_array, slot - code->first_state);
  if (slot < code->first_builtin)
    return g_strdup_printf ("params[%u][i]", slot - code->first_param);
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

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      expr = g_strdup_printf (src->language->formats[in->op], a, b, c,
                              src->prefix != NULL ? src->prefix : "");
#pragma GCC diagnostic pop
      g_string_append_printf (src->s, "%s%s = %s%s\n", indent, d, expr, src->language->statement_end);
    }
}

gboolean
bsl_eq_source_check (const BslEquations  *eq,
                            GError             **error)
{
  const GArray *inputs = eq->m->inputs;

  if (eq->method == BSL_EQUATIONS_EXACT || eq->method == BSL_EQUATIONS_RK2)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "the source of a model integrated with %s cannot be written yet",
                   bsl_equations_method_to_string (eq->method));
      return FALSE;
    }
  if (inputs->len > 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "the source of a model with several input ports cannot be written yet");
      return FALSE;
    }
  return TRUE;
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
