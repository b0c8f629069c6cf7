/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which NIR neuron node an Equations process is, found by probing its compiled right-hand
 * sides rather than by its text: any names, units and arrangement of a linear integrate-and-fire
 * model are recognised. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-equations-type.h"
#include "bsl-graph-private.h"
#include "bsl-nir-equations.h"
#include "equations/bsl-equations.h"

void
_bsl_nir_neuron_clear (BslNirNeuron *neuron)
{
  for (guint k = 0; k < BSL_NIR_N_FIELDS; k++)
    g_clear_pointer (&neuron->field[k], g_free);
  g_clear_pointer (&neuron->dropped, g_free);
  g_clear_pointer (&neuron->v0, g_free);
  g_clear_pointer (&neuron->v_name, g_free);
}

static const char *const field_names[BSL_NIR_N_FIELDS] = {
  "tau", "tau_mem", "tau_syn", "r", "v_leak", "v_threshold", "v_reset", "w_in",
};

const char *
_bsl_nir_field_name (BslNirField field)
{
  return field_names[field];
}

/* Values of the process's parameters, one array of n per parameter of eq. */
static double **
param_arrays (const BslProcess *p, BslEquations *eq, gsize n)
{
  guint n_params = bsl_equations_get_n_params (eq);
  double **params = g_new0 (double *, MAX (n_params, 1));

  for (guint k = 0; k < n_params; k++)
    {
      g_autoptr(BslArray) full = bsl_process_dup_param_full (p, bsl_equations_get_param_name (eq, k), NULL);

      params[k] = g_new0 (double, n);
      if (full == NULL)
        continue;
      for (gsize i = 0; i < n; i++)
        params[k][i] = full->data[full->n == n ? i : 0];
    }
  return params;
}

static void
free_arrays (double **arrays, guint count)
{
  for (guint k = 0; k < count; k++)
    g_free (arrays[k]);
  g_free (arrays);
}

/* dx/dt of every state at one point (the same for all neurons), at two times. FALSE where a
 * value is not finite or depends on time. */
static gboolean
derivatives_at (BslEquations *eq, gsize n, double dt, double *const *params, const double *point,
                double **out)
{
  guint n_states = bsl_equations_get_n_states (eq);
  g_autofree double **states = g_new0 (double *, n_states);
  g_autofree double **later = g_new0 (double *, n_states);
  gboolean ok = TRUE;

  for (guint s = 0; s < n_states; s++)
    {
      states[s] = g_new (double, n);
      later[s] = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        states[s][i] = point[s];
    }
  bsl_equations_eval_derivatives (eq, n, dt, 0.0, states, params, out);
  bsl_equations_eval_derivatives (eq, n, dt, 1.375, states, params, later);
  for (guint s = 0; s < n_states; s++)
    for (gsize i = 0; i < n; i++)
      ok = ok && isfinite (out[s][i]) && out[s][i] == later[s][i];
  for (guint s = 0; s < n_states; s++)
    {
      g_free (states[s]);
      g_free (later[s]);
    }
  return ok;
}

static gboolean
close_to (double a, double b, double scale)
{
  return fabs (a - b) <= 1e-9 * scale + 1e-300;
}

/* The right-hand sides as an affine map: dx_s/dt = sum_j m[s][j] x_j + c[s] for every neuron,
 * checked at points beyond those that define it. FALSE when it is not affine. */
static gboolean
affine_map (BslEquations *eq, gsize n, double dt, double *const *params, double **m, double **c)
{
  guint n_states = bsl_equations_get_n_states (eq);
  g_autofree double *point = g_new0 (double, n_states);
  double **probe = g_new0 (double *, n_states);
  gboolean ok;

  for (guint s = 0; s < n_states; s++)
    probe[s] = g_new (double, n);
  /* The constant term at the origin, one column per state from a unit step, then two more
   * points that must agree. */
  ok = derivatives_at (eq, n, dt, params, point, c);
  for (guint j = 0; ok && j < n_states; j++)
    {
      memset (point, 0, n_states * sizeof (double));
      point[j] = 1.0;
      ok = derivatives_at (eq, n, dt, params, point, probe);
      for (guint s = 0; ok && s < n_states; s++)
        for (gsize i = 0; i < n; i++)
          m[s][j * n + i] = probe[s][i] - c[s][i];
    }
  for (guint trial = 0; ok && trial < 2; trial++)
    {
      for (guint j = 0; j < n_states; j++)
        point[j] = trial == 0 ? -0.75 * (j + 1) : 0.0625 * (j + 3);
      ok = derivatives_at (eq, n, dt, params, point, probe);
      for (guint s = 0; ok && s < n_states; s++)
        for (gsize i = 0; i < n; i++)
          {
            double want = c[s][i], scale = fabs (c[s][i]);

            for (guint j = 0; j < n_states; j++)
              {
                want += m[s][j * n + i] * point[j];
                scale += fabs (m[s][j * n + i] * point[j]);
              }
            ok = close_to (probe[s][i], want, scale);
          }
    }
  free_arrays (probe, n_states);
  return ok;
}

/* The value of an expression of parameters, per neuron, in the unit of state `state`. */
static double *
evaluate (BslEquations *eq, double *const *params, gsize n, const char *expression, guint state,
          char **why)
{
  g_autoptr(GString) model = g_string_new (NULL);
  g_autoptr(BslEquations) value = NULL;
  g_autoptr(GError) error = NULL;
  double *result = g_new0 (double, n);
  double *zero = g_new0 (double, n);
  double *states[1] = { zero };
  double *derivs[1] = { result };

  g_string_append_printf (model, "dbsl_nir_value/dt = (%s)/second : %s\n", expression,
                          bsl_equations_get_state_unit (eq, state));
  for (guint k = 0; k < bsl_equations_get_n_params (eq); k++)
    g_string_append_printf (model, "%s : %s\n", bsl_equations_get_param_name (eq, k),
                            bsl_equations_get_param_unit (eq, k));
  value = bsl_equations_new (model->str, NULL, NULL, NULL, NULL, &error);
  if (value == NULL)
    {
      *why = g_strdup_printf ("'%s' is not a value of the parameters", expression);
      g_free (zero);
      g_free (result);
      return NULL;
    }
  bsl_equations_eval_derivatives (value, n, 1.0, 0.0, states, params, derivs);
  g_free (zero);
  return result;
}

/* "v > EXPR" (or >=): EXPR; NULL when the condition has another form. */
static char *
threshold_bound (const char *threshold, const char *v)
{
  g_autofree char *text = g_strstrip (g_strdup (threshold));
  const char *gt = strchr (text, '>');
  g_autofree char *left = NULL;

  if (gt == NULL || strchr (text, '<') != NULL || strstr (text, " and ") != NULL ||
      strstr (text, " or ") != NULL || strchr (gt + 1, '>') != NULL)
    return NULL;
  left = g_strstrip (g_strndup (text, gt - text));
  if (!g_str_equal (left, v))
    return NULL;
  return g_strstrip (g_strdup (gt[1] == '=' ? gt + 2 : gt + 1));
}

/* "v = EXPR", one statement: EXPR; NULL otherwise. */
static char *
reset_value (const char *reset, const char *v)
{
  g_autofree char *text = g_strstrip (g_strdup (reset));
  g_auto(GStrv) statements = NULL;
  const char *eq;
  g_autofree char *left = NULL;
  guint n = 0;
  char *only = NULL;

  for (char *p = text; *p; p++)
    if (*p == '\n')
      *p = ';';
  statements = g_strsplit (text, ";", -1);
  for (guint k = 0; statements[k] != NULL; k++)
    if (*g_strstrip (statements[k]) != '\0')
      {
        only = statements[k];
        n++;
      }
  if (n != 1 || (eq = strchr (only, '=')) == NULL || eq == only ||
      strchr ("+-*/<>!=", eq[-1]) != NULL || eq[1] == '=')
    return NULL;
  left = g_strstrip (g_strndup (only, eq - only));
  if (!g_str_equal (left, v))
    return NULL;
  return g_strstrip (g_strdup (eq + 1));
}

/* Values found by probing carry rounding in their last bits; 15 significant digits give back the
 * parameters as written (0.01, not 0.010000000000000002). */
static void
snap (double *values, gsize n)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (gsize i = 0; values != NULL && i < n; i++)
    values[i] = g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, "%.15g", values[i]), NULL);
}

static gboolean
refuse (char **why, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (char **why, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  *why = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

static double *
fill (gsize n, double value)
{
  double *a = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    a[i] = value;
  return a;
}

/* What one step of the process's own integration leaves of a unit input in the input variable,
 * per neuron (1 - dt/tau under Euler for a decay, exp(-dt/tau) under exponential Euler): the
 * importer's Euler step must receive that much for the two to agree. */
static double *
input_gain (const BslProcess *p, BslEquations *eq, gsize n, double dt, double *const *params)
{
  BslEquationsText text;
  g_autoptr(BslEquations) plain = NULL;
  guint n_states = bsl_equations_get_n_states (eq);
  gint input = bsl_equations_get_input_state (eq);
  double **with = g_new0 (double *, n_states), **without = g_new0 (double *, n_states);
  g_autofree double *ones = fill (n, 1.0), *last = fill (n, BSL_EQUATIONS_NEVER);
  g_autofree double *spikes = g_new0 (double, n);
  double *gain = g_new (double, n);

  /* The dynamics alone: no threshold, reset or refractoriness. */
  bsl_process_get_equations (p, &text);
  plain = bsl_equations_new (text.model, NULL, NULL, NULL, text.input, NULL);
  if (plain == NULL || !bsl_equations_set_method (plain, bsl_equations_method_to_string (bsl_equations_get_method (eq)), NULL))
    {
      for (gsize i = 0; i < n; i++)
        gain[i] = 1.0;
      g_free (with);
      g_free (without);
      return gain;
    }
  for (guint s = 0; s < n_states; s++)
    {
      with[s] = g_new0 (double, n);
      without[s] = g_new0 (double, n);
    }
  bsl_equations_step (plain, n, dt, 0, with, params, ones, last, spikes);
  bsl_equations_step (plain, n, dt, 0, without, params, NULL, last, spikes);
  for (gsize i = 0; i < n; i++)
    gain[i] = with[input][i] - without[input][i];
  free_arrays (with, n_states);
  free_arrays (without, n_states);
  return gain;
}

/* What the stages of a match share: the process's equations, its parameters and the affine
 * map of its right-hand sides. */
typedef struct
{
  const BslProcess *p;
  BslEquations     *eq;
  gsize             n;
  double            dt, file_dt;
  guint             n_states, v;
  gint              input;
  double          **params, **m, **c;
} Match;

static void
match_clear (Match *ma)
{
  if (ma->params != NULL)
    free_arrays (ma->params, bsl_equations_get_n_params (ma->eq));
  if (ma->m != NULL)
    free_arrays (ma->m, ma->n_states);
  if (ma->c != NULL)
    free_arrays (ma->c, ma->n_states);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Match, match_clear)

/* One state: dv/dt = a v + b; an input spike adds w to v. Sets *leaky for LIF/LI. */
static gboolean
match_one_state (Match *ma, BslNirNeuron *out, gboolean *leaky, char **why)
{
  BslEquations *eq = ma->eq;
  gsize n = ma->n;
  double **m = ma->m, **c = ma->c;
  g_autofree double *gain = input_gain (ma->p, eq, n, ma->dt, ma->params);

  for (gsize i = 0; i < n; i++)
    *leaky = *leaky || m[0][i] != 0.0;
  if (*leaky)
    {
      out->field[BSL_NIR_TAU] = g_new (double, n);
      out->field[BSL_NIR_V_LEAK] = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        {
          if (m[0][i] >= 0.0)
            return refuse (why, "%s grows instead of decaying (neuron %" G_GSIZE_FORMAT ")",
                           bsl_equations_get_state_name (eq, ma->v), i);
          out->field[BSL_NIR_TAU][i] = -1.0 / m[0][i];
          out->field[BSL_NIR_V_LEAK][i] = -c[0][i] / m[0][i];
        }
      /* tau dv/dt = (v_leak - v) + r I, a spike being I = w for one step: v moves by
       * r w dt / tau, which is what the process keeps of w when r = gain tau / dt. */
      out->field[BSL_NIR_R] = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        out->field[BSL_NIR_R][i] = gain[i] * out->field[BSL_NIR_TAU][i] / ma->file_dt;
      return TRUE;
    }
  for (gsize i = 0; i < n; i++)
    if (c[0][i] != 0.0)
      return refuse (why, "%s has a constant drive without a leak, which NIR's IF and I nodes "
                     "do not have", bsl_equations_get_state_name (eq, ma->v));
  /* dv/dt = r I: a spike moves v by r w dt. */
  out->field[BSL_NIR_R] = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    out->field[BSL_NIR_R][i] = gain[i] / ma->file_dt;
  return TRUE;
}

/* Two states: a synaptic current that only decays, feeding a membrane that decays. */
static gboolean
match_two_states (Match *ma, BslNirNeuron *out, char **why)
{
  BslEquations *eq = ma->eq;
  gsize n = ma->n;
  guint v = ma->v, syn = (guint) ma->input;
  double **m = ma->m, **c = ma->c;

  for (gsize i = 0; i < n; i++)
    {
      double a = m[v][v * n + i], decay = m[syn][syn * n + i];

      if (m[syn][v * n + i] != 0.0 || c[syn][i] != 0.0)
        return refuse (why, "%s depends on %s or has a constant drive; NIR's synaptic current only "
                       "decays", bsl_equations_get_state_name (eq, syn),
                       bsl_equations_get_state_name (eq, v));
      if (a >= 0.0 || decay >= 0.0)
        return refuse (why, "%s and %s must both decay for a CubaLIF (neuron %" G_GSIZE_FORMAT ")",
                       bsl_equations_get_state_name (eq, v), bsl_equations_get_state_name (eq, syn),
                       i);
    }
  for (BslNirField f = BSL_NIR_TAU_MEM; f <= BSL_NIR_W_IN; f++)
    if (f != BSL_NIR_V_THRESHOLD && f != BSL_NIR_V_RESET)
      out->field[f] = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    {
      double a = m[v][v * n + i], coupling = m[v][syn * n + i], decay = m[syn][syn * n + i];

      out->field[BSL_NIR_TAU_MEM][i] = -1.0 / a;
      out->field[BSL_NIR_V_LEAK][i] = -c[v][i] / a;
      out->field[BSL_NIR_R][i] = coupling * out->field[BSL_NIR_TAU_MEM][i];
      out->field[BSL_NIR_TAU_SYN][i] = -1.0 / decay;
      /* tau_syn dI/dt = -I + w_in S, a spike being S = w for one step: I rises by
       * w_in w dt / tau_syn, which is w when w_in = tau_syn / dt. (The membrane's step
       * reads I before I's own decay, so the whole of w reaches it, unlike a LIF's input.) */
      out->field[BSL_NIR_W_IN][i] = out->field[BSL_NIR_TAU_SYN][i] / ma->file_dt;
    }
  return TRUE;
}

/* Threshold and reset: v > value, v = value. */
static gboolean
match_threshold (Match *ma, BslNirNeuron *out, char **why)
{
  BslEquations *eq = ma->eq;
  const char *v_name = bsl_equations_get_state_name (eq, ma->v);
  g_autofree char *bound = NULL, *reset = NULL;

  if (!bsl_equations_has_threshold (eq))
    return TRUE;
  bound = threshold_bound (bsl_equations_get_threshold (eq), v_name);
  if (bound == NULL)
    return refuse (why, "its threshold '%s' is not of the form '%s > value'",
                   bsl_equations_get_threshold (eq), v_name);
  reset = reset_value (bsl_equations_get_reset (eq), v_name);
  if (reset == NULL)
    return refuse (why, "its reset '%s' is not the single statement '%s = value'",
                   bsl_equations_get_reset (eq), v_name);
  out->field[BSL_NIR_V_THRESHOLD] = evaluate (eq, ma->params, ma->n, bound, ma->v, why);
  if (out->field[BSL_NIR_V_THRESHOLD] == NULL)
    return FALSE;
  out->field[BSL_NIR_V_RESET] = evaluate (eq, ma->params, ma->n, reset, ma->v, why);
  if (out->field[BSL_NIR_V_RESET] == NULL)
    return FALSE;
  out->spiking = TRUE;
  return TRUE;
}

/* What NIR has no place for, the initial membrane and the node type. */
static void
finish_match (Match *ma, BslNirNeuron *out, gboolean leaky)
{
  BslEquations *eq = ma->eq;
  guint v = ma->v;
  gsize n = ma->n;

  for (guint k = 0; k < BSL_NIR_N_FIELDS; k++)
    snap (out->field[k], n);
  if (bsl_equations_has_refractory (eq))
    out->dropped = g_strdup_printf ("the refractory period (%s)",
                                    bsl_equations_get_refractory (eq));
  else if (out->spiking && (guint) ma->input == v)
    out->dropped = g_strdup_printf ("the loss of an input to %s that arrives the step after a "
                                    "spike (Brian2's order; NIR's LIF keeps it)",
                                    bsl_equations_get_state_name (eq, v));
  {
    g_autoptr (BslArray) v0 = bsl_process_dup_param_full (ma->p,
                                                          bsl_equations_get_state_name (eq, v),
                                                          NULL);
    out->v_name = g_strdup (bsl_equations_get_state_name (eq, v));
    out->v0 = g_new0 (double, n);
    for (gsize i = 0; v0 != NULL && i < n && i < v0->n; i++)
      out->v0[i] = v0->data[i];
  }
  if (ma->n_states == 2)
    out->type = out->spiking ? "CubaLIF" : "CubaLI";
  else if (leaky)
    out->type = out->spiking ? "LIF" : "LI";
  else
    out->type = out->spiking ? "IF" : "I";
}

gboolean
_bsl_nir_match_equations (const BslProcess *p,
                          gsize             n,
                          double            file_dt,
                          BslNirNeuron     *out,
                          char            **why)
{
  g_autoptr(BslArray) dt_array = bsl_process_dup_param_full (p, "dt", NULL);
  g_auto (Match) ma = {
    .p = p, .eq = bsl_proc_type_get_compiled_equations (p->type), .n = n, .file_dt = file_dt,
    .dt = dt_array != NULL ? dt_array->data[0] : 1e-4,
  };
  gboolean leaky = FALSE, ok;

  memset (out, 0, sizeof *out);
  if (ma.eq == NULL)
    return refuse (why, "it is not defined by equations");
  if (bsl_equations_is_stochastic (ma.eq))
    return refuse (why, "it draws random numbers (xi, rand() or randn()), which NIR's neurons "
                   "do not");
  ma.n_states = bsl_equations_get_n_states (ma.eq);
  ma.input = bsl_equations_get_input_state (ma.eq);
  if (ma.n_states == 0 || ma.n_states > 2)
    return refuse (why, "NIR's neurons have one state (LIF, LI, IF, I) or two (CubaLIF, "
                   "CubaLI); it has %u", ma.n_states);
  if (ma.input < 0)
    return refuse (why, "it has no input variable");
  if (bsl_equations_get_n_inputs (ma.eq) != 1)
    return refuse (why, "NIR's neurons have one input; it has %u",
                   bsl_equations_get_n_inputs (ma.eq));
  /* The membrane: the only state, or the one that is not the input. */
  ma.v = ma.n_states == 1 ? 0 : (guint) (ma.input == 0 ? 1 : 0);

  ma.params = param_arrays (p, ma.eq, n);
  ma.m = g_new0 (double *, ma.n_states);
  ma.c = g_new0 (double *, ma.n_states);
  for (guint s = 0; s < ma.n_states; s++)
    {
      ma.m[s] = g_new0 (double, ma.n_states * n);
      ma.c[s] = g_new0 (double, n);
    }
  if (!affine_map (ma.eq, n, ma.dt, ma.params, ma.m, ma.c))
    ok = refuse (why, "its equations are not linear with constant coefficients, as NIR's "
                 "neurons are");
  else
    ok = (ma.n_states == 1 ? match_one_state (&ma, out, &leaky, why)
                           : match_two_states (&ma, out, why))
         && match_threshold (&ma, out, why);
  if (!ok)
    {
      _bsl_nir_neuron_clear (out);
      return FALSE;
    }
  finish_match (&ma, out, leaky);
  return TRUE;
}
