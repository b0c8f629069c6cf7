/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Python source with the arithmetic of bsl_equations_step(), operation by operation, for the
 * Lava export: one neuron at a time with Python floats and the math module (the C library's
 * functions), wrapped where Python raises instead of returning C's inf or nan. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-private.h"

static const char python_prelude[] =
  "import math\n"
  "\n"
  "\n"
  "# C's arithmetic where Python raises: inf and nan instead of exceptions.\n"
  "def _div(a, b):\n"
  "    if b != 0.0:\n"
  "        return a / b\n"
  "    if a != a or a == 0.0:\n"
  "        return math.nan\n"
  "    return math.copysign(math.inf, a) * math.copysign(1.0, b)\n"
  "\n"
  "\n"
  "def _call(f, a, *more):\n"
  "    try:\n"
  "        return f(a, *more)\n"
  "    except OverflowError:\n"
  "        return math.inf\n"
  "    except ValueError:\n"
  "        return math.nan\n"
  "\n"
  "\n"
  "def _log(a, base10=False):\n"
  "    if a == 0.0:\n"
  "        return -math.inf\n"
  "    if a == math.inf:\n"
  "        return math.inf\n"
  "    if not a > 0.0:\n"
  "        return math.nan\n"
  "    return math.log10(a) if base10 else math.log(a)\n"
  "\n"
  "\n"
  "def _pow(a, b):\n"
  "    try:\n"
  "        return math.pow(a, b)\n"
  "    except OverflowError:\n"
  "        return math.inf if a > 0.0 or b % 2.0 != 1.0 else -math.inf\n"
  "    except ValueError:\n"
  "        return math.inf if a == 0.0 else math.nan\n"
  "\n"
  "\n"
  "def _whole(f, a):\n"
  "    return float(f(a)) if math.isfinite(a) else a\n"
  "\n"
  "\n"
  "def _fmax(a, b):\n"
  "    if a != a:\n"
  "        return b\n"
  "    if b != b:\n"
  "        return a\n"
  "    return a if a > b else b\n"
  "\n"
  "\n"
  "def _fmin(a, b):\n"
  "    if a != a:\n"
  "        return b\n"
  "    if b != b:\n"
  "        return a\n"
  "    return a if a < b else b\n"
  "\n"
  "\n"
  "def _exprel(a):\n"
  "    return 1.0 if a == 0.0 else _div(_call(math.expm1, a), a)\n"
  "\n"
  "\n"
  "def _log1p(a):\n"
  "    if a == -1.0:\n"
  "        return -math.inf\n"
  "    if not a > -1.0:\n"
  "        return math.nan\n"
  "    return math.log1p(a)\n"
  "\n"
  "\n"
  "def _mod(a, b):\n"
  "    q = _div(a, b)\n"
  "    return a - _whole(math.floor, q) * b\n"
  "\n"
  "\n"
  "# Brian2's TimedArray: the row of time t at the step's dt (its upsampling by a power of two\n"
  "# and round half to even), then the value at a row and a column (clipped to the table).\n"
  "def _table_row(dts, lasts, k, t, dt):\n"
  "    j = int(k)\n"
  "    up = float(math.trunc(2.0 ** math.ceil(math.log2(8.0 / dt * dts[j]))))\n"
  "    up = 1.0 if up < 1.0 else up\n"
  "    return _fmin(_fmax(float(math.trunc(round(t / (dts[j] / up)) / up)), 0.0), lasts[j])\n"
  "\n"
  "\n"
  "def _table_at(tables, widths, k, row, column):\n"
  "    j = int(k)\n"
  "    width = widths[j]\n"
  "    col = _fmin(_fmax(_whole(math.trunc, column), 0.0), width - 1.0) if width > 0.0 else 0.0\n"
  "    return tables[j][int(row) * int(width if width > 0.0 else 1.0) + int(col)]\n";

static gboolean
held (const BslEquations *eq,
      guint               k)
{
  return eq->m->refractory != NULL && g_array_index (eq->m->states, BslEqSymbol, k).held;
}

const char *
bsl_equations_python_prelude (void)
{
  return python_prelude;
}

/* The def line, its docstring naming states and parameters, and the loads of x. */
static void
python_source_prologue (BslEqSource *g, const char *name)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  gboolean refr = m->refractory != NULL;
  GString *s = g->s;
  const char *ind = "        ";

  g_string_append_printf (s,
    "def %s(n, dt, step, states, params, inp, last_spike_step, spikes_out):\n"
    "    \"\"\"One step of n neurons (bsl_equations_step's arithmetic); states:", name);
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, " %s", g_array_index (m->states, BslEqSymbol, k).name);
  g_string_append (s, "; parameters:");
  for (guint j = 0; j < m->params->len; j++)
    g_string_append_printf (s, " %s", g_array_index (m->params, BslEqSymbol, j).name);
  g_string_append_printf (s, ".\"\"\"\n"
    "    t0 = float(step) * dt\n"
    "    dstep = float(step)\n"
    "    for i in range(n):\n"
    "        r = [0.0] * %u\n"
    "        xs = [0.0] * %u\n"
    "        k1 = [0.0] * %u\n"
    "        k2 = [0.0] * %u\n"
    "        k3 = [0.0] * %u\n"
    "        t, nr, sp, ls = t0, 1.0, 0.0, float(last_spike_step[i]) * dt\n"
    "        idx, nn = float(i), float(n)\n"
    "        x = [",
    MAX (code->n_regs, 1), ns, ns, ns, ns);
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%sfloat(states[%u][i])", k ? ", " : "", k);
  g_string_append (s, "]\n");
  if (refr)
    {
      bsl_eq_source_program (g, &code->refractory, ind);
      g_string_append_printf (s, "%snr = 1.0 if dstep - float(last_spike_step[i]) >= "
                              "_whole(math.floor, _div(r[%u], dt) + 1e-3) else 0.0\n",
                              ind, code->refractory.out[0]);
    }
}

/* The input: into its parameter, or added to its state unless refractory or just reset. */
static void
python_source_input (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  gboolean refr = m->refractory != NULL;
  GString *s = g->s;
  const char *ind = "        ";

  if (m->inputs->len == 1 && g_array_index (m->inputs, BslEqInput, 0).param >= 0)
    g_string_append_printf (s, "%sif inp is not None:\n%s    params[%d][i] = float(inp[i])\n", ind,
                            ind, g_array_index (m->inputs, BslEqInput, 0).param);
  if (m->input_state >= 0)
    {
      const BslEqInput *in = &g_array_index (m->inputs, BslEqInput, 0);
      g_autoptr (GString) cond = g_string_new ("inp is not None");

      g_string_append (s, "        since = dstep - 1.0 - float(last_spike_step[i])\n");
      if (refr && held (eq, in->state))
        g_string_append_printf (cond, " and not since < _whole(math.floor, _div(r[%u], dt) + 1e-3)",
                                code->refractory.out[0]);
      if (in->reset_effect == BSL_EQ_RESET_OVERWRITES)
        g_string_append (cond, " and since != 0.0");
      g_string_append_printf (s, "%sif %s:\n%s    x[%d] = x[%d] + float(inp[i])\n",
                              ind, cond->str, ind, in->state, in->state);
    }
}

static void
python_source_euler (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  GString *s = g->s;
  const char *ind = "        ";

  bsl_eq_source_program (g, &code->deriv, ind);
  for (guint k = 0; k < ns; k++)
    {
      if (held (eq, k))
        g_string_append_printf (s, "%sif nr != 0.0:\n%s    x[%u] = x[%u] + dt * r[%u]\n",
                                ind, ind, k, k, code->deriv.out[k]);
      else
        g_string_append_printf (s, "%sx[%u] = x[%u] + dt * r[%u]\n", ind, k, k,
                                code->deriv.out[k]);
    }
}

static void
python_source_exponential_euler (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  GString *s = g->s;
  const char *ind = "        ";

  bsl_eq_source_program (g, &code->linear, ind);
  for (guint k = 0; k < ns; k++)
    {
      const char *b = held (eq, k) ? "            " : ind;

      if (held (eq, k))
        g_string_append_printf (s, "%sif nr != 0.0:\n", ind);
      g_string_append_printf (s,
        "%sz = r[%u] * dt\n"
        "%sem1 = _call(math.expm1, z)\n"
        "%sphi = 1.0 if z == 0.0 else _div(em1, z)\n"
        "%sx[%u] = x[%u] + (x[%u] * em1 + r[%u] * dt * phi)\n",
        b, code->linear.out[k], b, b, b, k, k, k, code->linear.out[ns + k]);
    }
}

/* Four stages, each from the states of the one before (xs); t moves with them. */
static void
python_source_rk4 (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  GString *s = g->s;
  const char *ind = "        ";

  for (guint stage = 0; stage < 4; stage++)
    {
      static const char *const kname[3] = { "k1", "k2", "k3" };

      g->state_array = stage == 0 ? "x" : "xs";
      g_string_append_printf (s, "%st = %s\n", ind,
                              stage == 0 ? "t0" : stage < 3 ? "t0 + 0.5 * dt" : "t0 + dt");
      bsl_eq_source_program (g, &code->deriv, ind);
      for (guint k = 0; k < ns; k++)
        {
          g_autofree char *slope = g_strdup_printf (held (eq, k)
                                                    ? "0.0 if nr == 0.0 else dt * r[%u]"
                                                    : "dt * r[%u]", code->deriv.out[k]);

          if (stage < 3)
            g_string_append_printf (s, "%s%s[%u] = %s\n", ind, kname[stage], k, slope);
          else
            g_string_append_printf (s, "%sa4 = %s\n%sx[%u] = x[%u] + k1[%u] / 6.0 + "
                                    "k2[%u] / 3.0 + k3[%u] / 3.0 + a4 / 6.0\n",
                                    ind, slope, ind, k, k, k, k, k);
        }
      if (stage < 3)
        for (guint k = 0; k < ns; k++)
          g_string_append_printf (s, stage < 2 ? "%sxs[%u] = x[%u] + 0.5 * %s[%u]\n"
                                  : "%sxs[%u] = x[%u] + %s[%u]\n",
                                  ind, k, k, kname[stage], k);
    }
  g->state_array = "x";
  g_string_append_printf (s, "%st = t0\n", ind);
}

/* The threshold, the reset and the stores of the new states. */
static void
python_source_spikes (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  GString *s = g->s;
  const char *ind = "        ";

  if (m->threshold != NULL)
    {
      bsl_eq_source_program (g, &code->threshold, ind);
      g_string_append_printf (s, "%sspikes_out[i] = 1.0 if (r[%u] != 0.0 and nr != 0.0) else 0.0\n"
                              "%sif spikes_out[i] != 0.0:\n"
                              "%s    last_spike_step[i] = dstep\n%s    ls = t0\n%s    sp = 1.0\n",
                              ind, code->threshold.out[0], ind, ind, ind, ind);
      bsl_eq_source_program (g, &code->reset, "            ");
    }
  else
    g_string_append_printf (s, "%sspikes_out[i] = 0.0\n", ind);
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%sstates[%u][i] = x[%u]\n", ind, k, k);
}

char *
bsl_equations_to_python (const BslEquations  *eq,
                         const char          *name,
                         GError             **error)
{
  BslEqSource g = { eq, &bsl_eq_language_python, NULL, "x", name };

  g_return_val_if_fail (eq != NULL, NULL);

  if (!bsl_eq_is_identifier (name))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "'%s' is not a Python identifier",
                   name != NULL ? name : "");
      return NULL;
    }
  if (!bsl_eq_source_check (eq, error))
    return NULL;

  g.s = g_string_new (NULL);
  bsl_eq_source_tables (&g, FALSE);
  python_source_prologue (&g, name);
  python_source_input (&g);
  switch (eq->method)
    {
    case BSL_EQUATIONS_EULER:
      python_source_euler (&g);
      break;
    case BSL_EQUATIONS_EXPONENTIAL_EULER:
      python_source_exponential_euler (&g);
      break;
    case BSL_EQUATIONS_RK4:
    default:
      python_source_rk4 (&g);
      break;
    }
  python_source_spikes (&g);
  return g_string_free (g.s, FALSE);
}
