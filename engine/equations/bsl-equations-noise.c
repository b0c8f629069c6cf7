/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's stochastic terms: the noises xi of differential equations, split out of their
 * right-hand sides, and the random draws of xi, rand() and randn().
 *
 * Every draw is a function of (key, step, neuron index, draw number) alone: a counter-based
 * generator, so a neuron gets the same numbers whatever the thread count or the way its
 * population is split into parts, and the interpreter, the machine code and the exported C
 * agree bit for bit. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"
#include "bsl-kernel-common.h"

/* ---- the generator ---- */

/* The generator as C source for generated steps (machine code and the C export); the
 * functions below compute the same, and test-equations-native holds the two to the bit. */
#define DRAW_SOURCE(PREFIX) \
  "static uint64_t\n" PREFIX "_mix64 (uint64_t x)\n{\n" \
  "  x += 0x9e3779b97f4a7c15ULL;\n" \
  "  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;\n" \
  "  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;\n" \
  "  return x ^ (x >> 31);\n}\n\n" \
  "static uint64_t\n" PREFIX "_bits (uint64_t key, double step, double index, double draw)\n{\n" \
  "  uint64_t h = " PREFIX "_mix64 ((uint64_t) draw);\n\n" \
  "  h = " PREFIX "_mix64 (h ^ (uint64_t) index);\n" \
  "  h = " PREFIX "_mix64 (h ^ (uint64_t) (int64_t) step * 0x632be59bd9b4e019ULL);\n" \
  "  return " PREFIX "_mix64 (h ^ key);\n}\n\n" \
  "static double\n" PREFIX "_uniform (uint64_t key, double step, double index, double draw)\n{\n" \
  "  return (double) (" PREFIX "_bits (key, step, index, draw) >> 11) * 0x1p-53;\n}\n\n" \
  "static double\n" PREFIX "_normal (uint64_t key, double step, double index, double draw)\n{\n" \
  "  uint64_t h = " PREFIX "_bits (key, step, index, draw);\n" \
  "  double u1 = (double) ((h >> 11) + 1) * 0x1p-53;\n" \
  "  double u2 = (double) (" PREFIX "_mix64 (h) >> 11) * 0x1p-53;\n\n" \
  "  return sqrt (-2.0 * log (u1)) * cos (6.283185307179586 * u2);\n}\n"

static guint64
draw_bits (guint64 key,
           double  step,
           double  index,
           double  draw)
{
  guint64 h = bsl_k_mix64 ((guint64) draw);

  h = bsl_k_mix64 (h ^ (guint64) index);
  h = bsl_k_mix64 (h ^ (guint64) (gint64) step * 0x632be59bd9b4e019ULL);
  return bsl_k_mix64 (h ^ key);
}

double
bsl_eq_draw_uniform (guint64 key,
                     double  step,
                     double  index,
                     double  draw)
{
  return (double) (draw_bits (key, step, index, draw) >> 11) * 0x1p-53;
}

/* Box-Muller from two 53-bit uniforms, the first in (0, 1] so that its log is finite. */
double
bsl_eq_draw_normal (guint64 key,
                    double  step,
                    double  index,
                    double  draw)
{
  guint64 h = draw_bits (key, step, index, draw);
  double u1 = (double) ((h >> 11) + 1) * 0x1p-53;
  double u2 = (double) (bsl_k_mix64 (h) >> 11) * 0x1p-53;

  return sqrt (-2.0 * log (u1)) * cos (6.283185307179586 * u2);
}

/* The same in Python, whose integers do the 64-bit arithmetic with a mask and whose math
 * functions are the C library's. */
#define DRAW_PYTHON(PREFIX) \
  "def " PREFIX "_mix64(x):\n" \
  "    x = (x + 0x9e3779b97f4a7c15) & 0xffffffffffffffff\n" \
  "    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & 0xffffffffffffffff\n" \
  "    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & 0xffffffffffffffff\n" \
  "    return x ^ (x >> 31)\n\n\n" \
  "def " PREFIX "_bits(key, step, index, draw):\n" \
  "    h = " PREFIX "_mix64(int(draw))\n" \
  "    h = " PREFIX "_mix64(h ^ int(index))\n" \
  "    h = " PREFIX "_mix64(h ^ ((int(step) * 0x632be59bd9b4e019) & 0xffffffffffffffff))\n" \
  "    return " PREFIX "_mix64(h ^ key)\n\n\n" \
  "def " PREFIX "_uniform(key, step, index, draw):\n" \
  "    return float(" PREFIX "_bits(key, step, index, draw) >> 11) * 2.0 ** -53\n\n\n" \
  "def " PREFIX "_normal(key, step, index, draw):\n" \
  "    h = " PREFIX "_bits(key, step, index, draw)\n" \
  "    u1 = float((h >> 11) + 1) * 2.0 ** -53\n" \
  "    u2 = float(" PREFIX "_mix64(h) >> 11) * 2.0 ** -53\n" \
  "    return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)\n\n\n"

static void
append_prefixed (GString    *s,
                 const char *text,
                 const char *prefix)
{
  g_auto (GStrv) parts = g_strsplit (text, "@", -1);
  g_autofree char *joined = g_strjoinv (prefix, parts);

  g_string_append (s, joined);
}

void
bsl_eq_draw_python_source (GString    *s,
                           const char *prefix)
{
  append_prefixed (s, DRAW_PYTHON ("@"), prefix);
}

void
bsl_eq_draw_c_source (GString    *s,
                      const char *prefix)
{
  append_prefixed (s, DRAW_SOURCE ("@"), prefix);
}

/* ---- the split f + g xi ---- */

static gboolean
has_noise (BslEqNode *n)
{
  if (n == NULL)
    return FALSE;
  if (n->kind == BSL_EQ_NODE_NOISE)
    return TRUE;
  return n->kind == BSL_EQ_NODE_OP && (has_noise (n->a) || has_noise (n->b) || has_noise (n->c));
}

/* n = drift + sum of coef[j] xi_j; FALSE with *bad the first part that is not linear in xi.
 * Subexpressions cannot hold xi, so only operations of the equation's own text are walked. */
static gboolean
split (BslEqModel  *m,
       BslEqNode   *n,
       BslEqNode  **drift,
       BslEqNode  **coef,
       BslEqNode  **bad)
{
  guint nn = m->noises->len;
  g_autofree BslEqNode **c1 = g_new0 (BslEqNode *, nn + 1);
  g_autofree BslEqNode **c2 = g_new0 (BslEqNode *, nn + 1);
  BslEqNode *d1, *d2;

  memset (coef, 0, nn * sizeof *coef);
  *drift = NULL;
  if (!has_noise (n))
    {
      *drift = n;
      return TRUE;
    }
  if (n->kind == BSL_EQ_NODE_NOISE)
    {
      coef[n->index] = bsl_eq_linear_number (m, 1.0);
      return TRUE;
    }
  switch (n->op)
    {
    case BSL_EQ_OP_ADD:
    case BSL_EQ_OP_SUB:
      if (!split (m, n->a, &d1, c1, bad) || !split (m, n->b, &d2, c2, bad))
        return FALSE;
      *drift = bsl_eq_linear_op (m, n->op, d1, d2);
      for (guint j = 0; j < nn; j++)
        coef[j] = bsl_eq_linear_op (m, n->op, c1[j], c2[j]);
      return TRUE;
    case BSL_EQ_OP_NEG:
      if (!split (m, n->a, &d1, c1, bad))
        return FALSE;
      *drift = bsl_eq_linear_op (m, BSL_EQ_OP_NEG, d1, NULL);
      for (guint j = 0; j < nn; j++)
        coef[j] = bsl_eq_linear_op (m, BSL_EQ_OP_NEG, c1[j], NULL);
      return TRUE;
    case BSL_EQ_OP_MUL:
    case BSL_EQ_OP_DIV:
      {
        gboolean noisy_a = has_noise (n->a);
        BslEqNode *noisy = noisy_a ? n->a : n->b, *other = noisy_a ? n->b : n->a;

        if ((noisy_a && has_noise (n->b)) || (n->op == BSL_EQ_OP_DIV && !noisy_a))
          break;
        if (!split (m, noisy, &d1, c1, bad))
          return FALSE;
        *drift = noisy_a ? bsl_eq_linear_op (m, n->op, d1, other)
          : bsl_eq_linear_op (m, n->op, other, d1);
        for (guint j = 0; j < nn; j++)
          coef[j] = noisy_a ? bsl_eq_linear_op (m, n->op, c1[j], other)
            : bsl_eq_linear_op (m, n->op, other, c1[j]);
        return TRUE;
      }
    default:
      break;
    }
  *bad = n;
  return FALSE;
}

/* Whether n reads t, or calls rand() or randn(), through subexpressions too (memo: one entry
 * per subexpression, -1 unknown). */
static gboolean
node_uses (BslEqModel *m,
           BslEqNode  *n,
           gboolean    draws,
           gint8      *memo)
{
  if (n == NULL)
    return FALSE;
  switch (n->kind)
    {
    case BSL_EQ_NODE_BUILTIN:
      return !draws && n->index == BSL_EQ_BUILTIN_T;
    case BSL_EQ_NODE_SUBEXPR:
      if (memo[n->index] < 0)
        memo[n->index] = node_uses (m, g_array_index (m->subexprs, BslEqSymbol, n->index).rhs,
                                    draws, memo);
      return memo[n->index];
    case BSL_EQ_NODE_OP:
      if (draws && (n->op == BSL_EQ_OP_RAND || n->op == BSL_EQ_OP_RANDN))
        return TRUE;
      return node_uses (m, n->a, draws, memo) || node_uses (m, n->b, draws, memo)
        || node_uses (m, n->c, draws, memo);
    default:
      return FALSE;
    }
}

static gboolean
any_uses (BslEqModel *m,
          BslEqNode **nodes,
          guint       n_nodes,
          gboolean    draws)
{
  g_autofree gint8 *memo = g_new (gint8, m->subexprs->len + 1);

  memset (memo, -1, m->subexprs->len + 1);
  for (guint k = 0; k < n_nodes; k++)
    if (node_uses (m, nodes[k], draws, memo))
      return TRUE;
  return FALSE;
}

gboolean
bsl_eq_split_noise (Parser *p)
{
  BslEqModel *m = p->m;
  guint ns = m->states->len, nn = m->noises->len;
  g_autofree BslEqNode **rhs = g_new0 (BslEqNode *, ns + 1);

  m->noise_coef = g_new0 (BslEqNode *, (gsize) ns * nn + 1);
  for (guint k = 0; k < ns; k++)
    {
      BslEqSymbol *s = &g_array_index (m->states, BslEqSymbol, k);
      BslEqNode *drift, *bad = NULL;

      if (!split (m, s->rhs, &drift, m->noise_coef + (gsize) k * nn, &bad))
        {
          g_autofree char *text = bsl_eq_node_text (bad);

          bsl_eq_fail (p, bad->line, bad->column, "d%s/dt must be linear in its noise "
                       "(f + g*xi), and '%s' is not", s->name, text);
          return FALSE;
        }
      for (guint j = 0; j < nn && m->multiplicative_message == NULL; j++)
        for (guint v = 0; v < ns && m->multiplicative_message == NULL; v++)
          if (bsl_eq_node_depends_on_state (m, m->noise_coef[(gsize) k * nn + j], (int) v))
            m->multiplicative_message =
              g_strdup_printf ("euler cannot integrate multiplicative noise (the factor of %s in "
                               "d%s/dt depends on %s): use heun or milstein",
                               (char *) g_ptr_array_index (m->noises, j), s->name,
                               g_array_index (m->states, BslEqSymbol, v).name);
      s->rhs = drift != NULL ? drift : bsl_eq_linear_number (m, 0.0);
      rhs[k] = s->rhs;
    }
  m->draws_in_derivatives = any_uses (m, rhs, ns, TRUE);
  m->noise_uses_time = any_uses (m, m->noise_coef, ns * nn, FALSE);
  return TRUE;
}

/* ---- methods ---- */

gboolean
bsl_eq_is_stochastic (const BslEquations *eq)
{
  return eq->m->noises->len > 0 || eq->m->n_draw_sites > 0;
}

gboolean
bsl_eq_noise_check_method (const BslEquations  *eq,
                           const char          *method,
                           GError             **error)
{
  const BslEqModel *m = eq->m;
  static const char *const deterministic[] = { "exponential_euler", "rk2", "rk4", "exact",
                                                "linear", NULL };
  static const char *const several_stages[] = { "rk2", "rk4", "exact", "linear", NULL };

  if (method == NULL)
    return TRUE;
  if (m->noises->len > 0 && g_strv_contains (deterministic, method))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "%s cannot integrate stochastic equations (%s): use euler, heun or milstein",
                   method, (char *) g_ptr_array_index (m->noises, 0));
      return FALSE;
    }
  /* Brian2 keeps euler to additive noise (its schemes read Stratonovich's calculus) */
  if (m->multiplicative_message != NULL && strcmp (method, "euler") == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "%s", m->multiplicative_message);
      return FALSE;
    }
  /* a method of several stages would evaluate rand() in each, where Brian2 draws anew */
  if (m->draws_in_derivatives && g_strv_contains (several_stages, method))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "%s cannot integrate a differential equation that calls rand() or randn(): "
                   "use euler, heun, milstein or exponential_euler", method);
      return FALSE;
    }
  return TRUE;
}

/* For additive noise Brian2's milstein is euler (its correction is zero), and so is heun when
 * the noise factor does not change with t (it averages the factor at t and t + dt). */
BslEquationsMethod
bsl_eq_noise_method (const BslEquations *eq,
                     BslEquationsMethod  method)
{
  const BslEqModel *m = eq->m;
  gboolean own = m->multiplicative_message != NULL
    || (method == BSL_EQUATIONS_HEUN && m->noise_uses_time);

  if ((method == BSL_EQUATIONS_HEUN || method == BSL_EQUATIONS_MILSTEIN) && !own)
    return BSL_EQUATIONS_EULER;
  return method;
}

gboolean
bsl_equations_is_stochastic (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, FALSE);

  return bsl_eq_is_stochastic (eq);
}
