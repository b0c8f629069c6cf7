/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A parsed rule string written back as text the grammar reads to the same products: what a
 * rule whose product scales were changed (by a fit) is saved and compiled from. */
#include "config.h"

#include <math.h>

#include "bsl-learning-grammar.h"

static const char *const symbol_names[BSL_K_N_SYMS] = {
  "x0", "y0", "u", "x1", "x2", "y1", "y2", "y3", "w", "d", "t", NULL,
};

/* Constants in brackets are integers in every rule this writes; others cannot be written as
 * one literal the bracket grammar accepts. */
static gboolean
append_factor (GString *out, const BslKFactor *f)
{
  const char *name = f->sym >= 0 && f->sym < BSL_K_N_SYMS ? symbol_names[f->sym] : NULL;

  if (name == NULL)
    return FALSE;
  if (!f->has_const && !f->is_sgn)
    {
      g_string_append_printf (out, "*%s", name);
      return TRUE;
    }
  if (f->has_const && (f->constant != nearbyint (f->constant) || fabs (f->constant) > 1e6))
    return FALSE;
  g_string_append_printf (out, "*%s(%s", f->is_sgn ? "sgn" : "", name);
  if (f->has_const && f->constant != 0)
    g_string_append_printf (out, " %c %d", f->constant < 0 ? '-' : '+', (int) fabs (f->constant));
  g_string_append_c (out, ')');
  return TRUE;
}

char *
bsl_learning_series_to_text (const BslLearningSeries *series)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (int k = 0; k < series->n_products; k++)
    {
      const BslKProduct *p = &series->products[k];
      int mantissa = p->s_mantissa, exponent = p->s_exp - 7;

      if (k > 0)
        g_string_append (out, mantissa < 0 ? " - " : " + ");
      else if (mantissa < 0)
        g_string_append_c (out, '-');
      if (ABS (mantissa) != 1)
        g_string_append_printf (out, "%d*", ABS (mantissa));
      if (exponent != 0)
        g_string_append_printf (out, "2^%d*", exponent);
      if (p->dependency == BSL_K_SYM_U)
        g_string_append_printf (out, "u%d", series->decimate_exponent);
      else if (p->dependency == BSL_K_SYM_X0 || p->dependency == BSL_K_SYM_Y0)
        g_string_append (out, symbol_names[p->dependency]);
      else
        return NULL;
      for (int f = 0; f < p->n_factors; f++)
        if (!append_factor (out, &p->factors[f]))
          return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
