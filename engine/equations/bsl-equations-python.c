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
  "# Whether a refractory condition has ended the refractoriness of the last spike.\n"
  "def _released(last_spike_step):\n"
  "    return math.isinf(last_spike_step) or last_spike_step != math.floor(last_spike_step)\n"
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
  "# C's round(): halves away from zero.\n"
  "def _round(a):\n"
  "    if not math.isfinite(a):\n"
  "        return a\n"
  "    b = math.fabs(a)\n"
  "    f = float(math.floor(b))\n"
  "    return math.copysign(f + 1.0 if b - f >= 0.5 else f, a)\n"
  "\n"
  "\n"
  "# The exact method's e^M, as the engine's bsl_k_matrix_exp computes it.\n"
  "def _balance(M, m):\n"
  "    d = [1.0] * m\n"
  "    target = 0.0\n"
  "    for i in range(m):\n"
  "        a = math.fabs(M[i * m + i])\n"
  "        target = target if target > a else a\n"
  "    if target == 0:\n"
  "        target = 1.0\n"
  "    changed, passes = True, 0\n"
  "    while changed and passes < 100:\n"
  "        changed = False\n"
  "        for i in range(m):\n"
  "            r, c, f = 0.0, 0.0, 1.0\n"
  "            for j in range(m):\n"
  "                if j != i:\n"
  "                    c += math.fabs(M[j * m + i])\n"
  "                    r += math.fabs(M[i * m + j])\n"
  "            if c == 0 and r == 0:\n"
  "                continue\n"
  "            if c == 0 or r == 0:\n"
  "                f = _call(math.exp2, _round(_log2(_div(r, target) if c == 0 else _div(target, c))))\n"
  "                if f > 0.5 and f < 2:\n"
  "                    continue\n"
  "                r = _div(r, f)\n"
  "                c *= f\n"
  "            while c != 0 and r != 0 and c < r / 2:\n"
  "                c, r, f = c * 2, r / 2, f * 2\n"
  "            while c != 0 and r != 0 and c >= r * 2:\n"
  "                c, r, f = c / 2, r * 2, f / 2\n"
  "            if f != 1:\n"
  "                d[i] *= f\n"
  "                for j in range(m):\n"
  "                    M[i * m + j] = _div(M[i * m + j], f)\n"
  "                    M[j * m + i] *= f\n"
  "                changed = True\n"
  "        passes += 1\n"
  "    return d\n"
  "\n"
  "\n"
  "def _log2(a):\n"
  "    if a == 0.0:\n"
  "        return -math.inf\n"
  "    if a == math.inf:\n"
  "        return math.inf\n"
  "    if not a > 0.0:\n"
  "        return math.nan\n"
  "    return math.log2(a)\n"
  "\n"
  "\n"
  "def _product(P, Q, m):\n"
  "    out = [0.0] * (m * m)\n"
  "    for r in range(m):\n"
  "        for c in range(m):\n"
  "            s = 0.0\n"
  "            for k in range(m):\n"
  "                s += P[r * m + k] * Q[k * m + c]\n"
  "            out[r * m + c] = s\n"
  "    return out\n"
  "\n"
  "\n"
  "def _matrix_exp(M_in, m):\n"
  "    M = list(M_in)\n"
  "    d = _balance(M, m)\n"
  "    norm = 0.0\n"
  "    for r in range(m):\n"
  "        row = 0.0\n"
  "        for c in range(m):\n"
  "            row += math.fabs(M[r * m + c])\n"
  "        norm = norm if norm > row else row\n"
  "    squarings = 0\n"
  "    while norm > 0.25 and squarings < 60:\n"
  "        norm /= 2\n"
  "        squarings += 1\n"
  "    scale = math.ldexp(1.0, -squarings)\n"
  "    A = [M[e] * scale for e in range(m * m)]\n"
  "    E = [1.0 if e // m == e % m else 0.0 for e in range(m * m)]\n"
  "    term = list(E)\n"
  "    for order in range(1, 21):\n"
  "        term = [s / order for s in _product(term, A, m)]\n"
  "        for e in range(m * m):\n"
  "            E[e] += term[e]\n"
  "    for _ in range(squarings):\n"
  "        E = _product(E, E, m)\n"
  "    return [_div(E[r * m + c] * d[r], d[c]) for r in range(m) for c in range(m)]\n"
  "\n"
  "\n"
  "# Equal as the engine compares matrices: bit for bit (0.0 is not -0.0).\n"
  "def _same(P, Q):\n"
  "    return Q is not None and all(a == b and math.copysign(1.0, a) == math.copysign(1.0, b)\n"
  "                                 for a, b in zip(P, Q))\n"
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
    "def %s(n, dt, step, states, params, inputs, last_spike_step, spikes_out%s):\n"
    "    \"\"\"One step of n neurons (bsl_equations_step's arithmetic); states:", name,
    bsl_eq_is_stochastic (eq) ? ", key=0" : "");
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, " %s", g_array_index (m->states, BslEqSymbol, k).name);
  g_string_append (s, "; parameters:");
  for (guint j = 0; j < m->params->len; j++)
    g_string_append_printf (s, " %s", g_array_index (m->params, BslEqSymbol, j).name);
  g_string_append_printf (s, ".\"\"\"\n"
    "    t0 = float(step) * dt\n"
    "    dstep = float(step)\n"
    "    exact_last, exact_exps = [None, None], [None, None]\n"
    "    for i in range(n):\n"
    "        r = [0.0] * %u\n"
    "        xs = [0.0] * %u\n"
    "        k1 = [0.0] * %u\n"
    "        k2 = [0.0] * %u\n"
    "        k3 = [0.0] * %u\n"
    "        t, nr, sp, ls = t0, 1.0, 0.0, _whole(math.floor, float(last_spike_step[i])) * dt\n"
    "        idx, nn = float(i), float(n)\n"
    "        x = [",
    MAX (code->n_regs, 1), ns, ns, ns, ns);
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%sfloat(states[%u][i])", k ? ", " : "", k);
  g_string_append (s, "]\n");
  if (bsl_eq_refractory_is_condition (m))
    g_string_append_printf (s, "%snr = 1.0 if _released(float(last_spike_step[i])) else 0.0\n",
                            ind);
  else if (refr)
    {
      bsl_eq_source_program (g, &code->refractory, ind);
      g_string_append_printf (s, "%snr = 1.0 if dstep - float(last_spike_step[i]) >= "
                              "_whole(math.floor, _div(r[%u], dt) + 1e-3) else 0.0\n",
                              ind, code->refractory.out[0]);
    }
}

/* Each port's input: into its parameter, or added to its state unless refractory or just
 * reset, port after port. */
static void
python_source_input (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  gboolean refr = m->refractory != NULL;
  GString *s = g->s;
  const char *ind = "        ";

  for (guint p = 0; p < m->inputs->len; p++)
    {
      const BslEqInput *in = &g_array_index (m->inputs, BslEqInput, p);
      g_autoptr (GString) cond = NULL;

      if (in->param >= 0)
        {
          g_string_append_printf (s, "%sif inputs is not None and inputs[%u] is not None:\n"
                                  "%s    params[%d][i] = float(inputs[%u][i])\n", ind, p, ind,
                                  in->param, p);
          continue;
        }
      cond = g_string_new (NULL);
      g_string_append_printf (cond, "inputs is not None and inputs[%u] is not None", p);
      g_string_append (s, "        since = dstep - 1.0 - float(last_spike_step[i])\n");
      if (bsl_eq_refractory_is_condition (m) && held (eq, in->state))
        g_string_append (cond, " and nr != 0.0");
      else if (refr && held (eq, in->state))
        g_string_append_printf (cond, " and not since < _whole(math.floor, _div(r[%u], dt) + 1e-3)",
                                code->refractory.out[0]);
      if (in->reset_effect == BSL_EQ_RESET_OVERWRITES)
        g_string_append (cond, " and since != 0.0");
      g_string_append_printf (s, "%sif %s:\n%s    x[%d] = x[%d] + float(inputs[%u][i])\n",
                              ind, cond->str, ind, in->state, in->state, p);
    }
}

/* The exact method: e^M of the coefficients, found again only when M differs from the last one
 * of its kind (refractory or not), then (x, 1) <- e^M (x, 1). */
static void
python_source_exact (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  guint ns = eq->m->states->len, m = ns + 1;
  GString *s = g->s;
  const char *ind = "        ";

  g_string_append_printf (s, "%skind = 1 if nr == 0.0 else 0\n", ind);
  bsl_eq_source_program (g, &code->system, ind);
  g_string_append_printf (s, "%sM = [0.0] * %u\n", ind, m * m);
  for (guint k = 0; k < ns; k++)
    {
      const char *frozen = held (eq, k) ? "0.0 if kind == 1 else " : "";

      for (guint j = 0; j < ns; j++)
        g_string_append_printf (s, "%sM[%u] = %sr[%u] * dt\n", ind, k * m + j, frozen,
                                code->system.out[k * ns + j]);
      g_string_append_printf (s, "%sM[%u] = %sr[%u] * dt\n", ind, k * m + ns, frozen,
                              code->system.out[ns * ns + k]);
    }
  g_string_append_printf (s, "%sif not _same(M, exact_last[kind]):\n"
                          "%s    exact_exps[kind] = _matrix_exp(M, %u)\n"
                          "%s    exact_last[kind] = M\n"
                          "%sE = exact_exps[kind]\n", ind, ind, m, ind, ind);
  for (guint k = 0; k < ns; k++)
    {
      g_string_append_printf (s, "%sxs[%u] = E[%u]\n", ind, k, k * m + ns);
      for (guint j = 0; j < ns; j++)
        g_string_append_printf (s, "%sxs[%u] = xs[%u] + E[%u] * x[%u]\n", ind, k, k,
                                k * m + j, j);
    }
  g_string_append_printf (s, "%sx = list(xs)\n", ind);
}

/* Brian2's midpoint method, as the engine's rk2. */
static void
python_source_rk2 (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  guint ns = eq->m->states->len;
  GString *s = g->s;
  const char *ind = "        ";

  bsl_eq_source_program (g, &code->deriv, ind);
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%sxs[%u] = x[%u] + (%sdt * r[%u]) / 2.0\n", ind, k, k,
                            held (eq, k) ? "0.0 if nr == 0.0 else " : "", code->deriv.out[k]);
  g_string_append_printf (s, "%st = t0 + dt / 2.0\n", ind);
  g->state_array = "xs";
  bsl_eq_source_program (g, &code->deriv, ind);
  g->state_array = "x";
  for (guint k = 0; k < ns; k++)
    {
      if (held (eq, k))
        g_string_append_printf (s, "%sif nr != 0.0:\n%s    x[%u] = x[%u] + dt * r[%u]\n",
                                ind, ind, k, k, code->deriv.out[k]);
      else
        g_string_append_printf (s, "%sx[%u] = x[%u] + dt * r[%u]\n", ind, k, k,
                                code->deriv.out[k]);
    }
  g_string_append_printf (s, "%st = t0\n", ind);
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
      const char *body = held (eq, k) ? "            " : ind;

      if (held (eq, k))
        g_string_append_printf (s, "%sif nr != 0.0:\n", ind);
      g_string_append_printf (s, "%sx[%u] = x[%u] + dt * r[%u]\n", body, k, k,
                              code->deriv.out[k]);
      bsl_eq_source_noise (g, k, body, "");
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
  g.s = g_string_new (NULL);
  g.prefix = name;
  /* the random draws' generator; the key comes last among the arguments */
  if (bsl_eq_is_stochastic (eq))
    bsl_eq_draw_python_source (g.s, name);
  bsl_eq_source_tables (&g, FALSE);
  python_source_prologue (&g, name);
  python_source_input (&g);
  bsl_eq_source_start_of_step (&g, "        ",
                               "%1$sif nr == 0.0 and r[%2$u] == 0.0:\n%1$s    nr = 1.0\n"
                               "%1$s    last_spike_step[i] = float(last_spike_step[i]) + 0.5\n");
  switch (eq->method)
    {
    case BSL_EQUATIONS_EULER:
      python_source_euler (&g);
      break;
    case BSL_EQUATIONS_EXPONENTIAL_EULER:
      python_source_exponential_euler (&g);
      break;
    case BSL_EQUATIONS_EXACT:
      python_source_exact (&g);
      break;
    case BSL_EQUATIONS_RK2:
      python_source_rk2 (&g);
      break;
    case BSL_EQUATIONS_HEUN:
    case BSL_EQUATIONS_MILSTEIN:
      bsl_eq_source_stochastic (&g, eq->method == BSL_EQUATIONS_HEUN, "        ");
      break;
    case BSL_EQUATIONS_RK4:
    default:
      python_source_rk4 (&g);
      break;
    }
  python_source_spikes (&g);
  return g_string_free (g.s, FALSE);
}
