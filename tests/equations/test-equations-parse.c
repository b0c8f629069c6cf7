/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a user writes and what Basalt makes of it: declarations, units, and the messages for
 * everything malformed, each with its line and column. */
#include "config.h"

#include <math.h>

#include <glib.h>

#include "bsl-error.h"
#include "equations/bsl-equations.h"
#include "equations/bsl-equations-private.h"

static const char lif[] =
  "dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)\n"
  "dI/dt = -I/tau_syn : amp\n"
  "tau : second\n"
  "tau_syn : second\n"
  "v_rest : volt\n"
  "R : ohm\n";

static void
test_declarations (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = NULL;

  eq = bsl_equations_new (lif, "v > -50*mV", "v = -70*mV; I += 0*amp", "2*ms", "I", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bsl_equations_get_n_states (eq), ==, 2);
  g_assert_cmpstr (bsl_equations_get_state_name (eq, 0), ==, "v");
  g_assert_cmpstr (bsl_equations_get_state_unit (eq, 0), ==, "volt");
  g_assert_true (bsl_equations_get_state_held (eq, 0));
  g_assert_cmpstr (bsl_equations_get_state_name (eq, 1), ==, "I");
  g_assert_cmpstr (bsl_equations_get_state_unit (eq, 1), ==, "amp");
  g_assert_false (bsl_equations_get_state_held (eq, 1));
  g_assert_cmpuint (bsl_equations_get_n_params (eq), ==, 4);
  g_assert_cmpstr (bsl_equations_get_param_name (eq, 0), ==, "tau");
  g_assert_cmpstr (bsl_equations_get_param_unit (eq, 0), ==, "second");
  g_assert_cmpstr (bsl_equations_get_param_name (eq, 3), ==, "R");
  g_assert_cmpstr (bsl_equations_get_param_unit (eq, 3), ==, "ohm");
  g_assert_cmpint (bsl_equations_find_param (eq, "v_rest"), ==, 2);
  g_assert_cmpint (bsl_equations_find_param (eq, "v"), ==, -1);
  g_assert_cmpint (bsl_equations_get_input_state (eq), ==, 1);
  g_assert_true (bsl_equations_has_threshold (eq));
  g_assert_true (bsl_equations_has_refractory (eq));
  g_assert_cmpstr (bsl_equations_get_reset (eq), ==, "v = -70*mV; I += 0*amp");
  g_assert_cmpstr (bsl_equations_method_to_string (bsl_equations_get_method (eq)), ==, "euler");
}

/* Units are written back in a form Brian2 parses, whatever way the model spelled them. */
static void
test_units (void)
{
  static const struct { const char *unit, *expected; } cases[] = {
    { "volt", "volt" }, { "amp/second", "amp/second" }, { "1", "1" },
    { "siemens/meter**2", "siemens/metre**2" }, { "kilogram*metre**2/(second**3*amp)", "volt" },
    { "coulomb/second", "amp" }, { "1/second", "1/second" }, { "hertz", "1/second" },
    { "volt*second", "volt*second" }, { "mole/metre**3", "mole/metre**3" },
    { "amp/metre**2", "amp/metre**2" }, { "farad/meter**2", "farad/metre**2" },
    { "boolean", "boolean" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *model = g_strdup_printf ("dx/dt = 0*x/second : 1\np : %s\n",
                                                cases[i].unit);
      g_autoptr (GError) error = NULL;
      g_autoptr (BslEquations) eq = bsl_equations_new (model, NULL, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (bsl_equations_get_param_unit (eq, 0), ==, cases[i].expected);
    }
}

/* Quantities with Brian2's unit names and SI prefixes have their SI values. */
static void
test_quantities (void)
{
  static const struct { const char *text; double value; } cases[] = {
    { "70*mV/volt", 0.07 }, { "2*ms/second", 2e-3 }, { "3*nA/amp", 3e-9 },
    { "200*pF/farad", 200e-12 }, { "10*nS/siemens", 10e-9 }, { "5*Mohm/ohm", 5e6 },
    { "4*kohm/ohm", 4e3 }, { "msecond/second", 1e-3 }, { "mvolt/volt", 1e-3 },
    { "2*uS/siemens", 2e-6 }, { "3*um2/metre**2", 3e-12 }, { "cm2/metre2", 1e-4 },
    { "5*kHz*second", 5e3 }, { "2*mM/molar", 2e-3 }, { "pA/amp", 1e-12 },
    { "ufarad/farad", 1e-6 }, { "kilogram/gram", 1e3 }, { "namp/amp", 1e-9 },
    { "(2*mV)**2/volt**2", 4e-6 }, { "sqrt(4*nS*nS)/siemens", 2e-9 }, { "2**-1", 0.5 },
    { "-3**2", -9 }, { "7 % 3 + -7 % 3", 3 }, { "int(True) + int(2.7) + int(-2.7)", 1 },
    { "pi/e", G_PI / G_E }, { "expm1(1e-10)", expm1 (1e-10) }, { "log1p(1e-10)", log1p (1e-10) },
    { "timestep(0.3*ms, 0.1*ms)", 3 }, { "timestep(0.29999*ms, 0.1*ms)", 3 },
    { "timestep(0.2998*ms, 100*usecond)", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *model = g_strdup_printf ("dx/dt = (%s)/second : 1\n", cases[i].text);
      g_autoptr (GError) error = NULL;
      g_autoptr (BslEquations) eq = bsl_equations_new (model, NULL, NULL, NULL, NULL, &error);
      double x = 0, dx = 0;
      double *states[] = { &x }, *derivs[] = { &dx };

      g_assert_no_error (error);
      bsl_equations_eval_derivatives (eq, 1, 1e-4, 0, states, NULL, derivs);
      if (fabs (dx - cases[i].value) > 1e-15 * fabs (cases[i].value))
        g_error ("%s = %.17g, not %.17g", cases[i].text, dx, cases[i].value);
    }
}

/* Every unit name Brian2 2.5 knows (tests/equations/brian2_units.py) has Brian2's value and
 * dimension, and no other name is a unit. */
static void
test_brian2_unit_names (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "equations", "data",
                                                 "brian2_units.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;
  static const char *const not_units[] = {
    "V", "EL", "El", "pS", "M", "C", "kg", "m", "l", "L", "N", "T", "A", "g", "s", "K", "W",
    "cd", "rad", "Pa", "ml", "daV", "cmsecond",
  };

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint l = 1; lines[l] != NULL && *lines[l] != '\0'; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], ",", -1);
      double scale = 0;
      BslEqDim dim;

      g_assert_cmpuint (g_strv_length (f), ==, 2 + BSL_EQ_N_BASE);
      if (!bsl_eq_unit_lookup (f[0], &scale, &dim))
        g_error ("Brian2's unit %s is not known", f[0]);
      if (fabs (scale - g_ascii_strtod (f[1], NULL)) > 1e-12 * fabs (scale))
        g_error ("%s = %.17g, not %s", f[0], scale, f[1]);
      for (guint d = 0; d < BSL_EQ_N_BASE; d++)
        if (dim.e[d] != g_ascii_strtod (f[2 + d], NULL))
          g_error ("%s has exponent %g, not %s, for base %u", f[0], dim.e[d], f[2 + d], d);
      n++;
    }
  g_assert_cmpuint (n, ==, 1713);
  for (guint i = 0; i < G_N_ELEMENTS (not_units); i++)
    {
      double scale;
      BslEqDim dim;

      if (bsl_eq_unit_lookup (not_units[i], &scale, &dim))
        g_error ("'%s' is not a unit in Brian2", not_units[i]);
    }
}

/* i and N are the neuron's index and the population's size, as in Brian2. */
static void
test_index_and_size (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = bsl_equations_new ("dx/dt = (i + 10*N)/second : 1\n", NULL,
                                                   NULL, NULL, NULL, &error);
  double x[3] = { 0 }, dx[3] = { 0 };
  double *states[] = { x }, *derivs[] = { dx };
  double last[3] = { BSL_EQUATIONS_NEVER, BSL_EQUATIONS_NEVER, BSL_EQUATIONS_NEVER };
  double spikes[3];
  BslEquationsContext ctx = { 5, 40, NULL };

  g_assert_no_error (error);
  bsl_equations_eval_derivatives (eq, 3, 1e-3, 0, states, NULL, derivs);
  g_assert_cmpfloat (dx[0], ==, 30);
  g_assert_cmpfloat (dx[2], ==, 32);
  /* a part of a population, as a worker thread steps it */
  bsl_equations_step_full (eq, 3, 1.0, 0, states, NULL, &ctx, last, spikes);
  g_assert_cmpfloat (x[0], ==, 405);
  g_assert_cmpfloat (x[2], ==, 407);
  g_clear_pointer (&eq, bsl_equations_unref);
  eq = bsl_equations_new ("dx/dt = -x/second : 1\ni : 1\n", NULL, NULL, NULL, NULL, &error);
  g_assert_null (eq);
  g_assert_cmpstr (error->message, ==, "line 2, column 1: 'i' is a reserved name");
}

typedef struct
{
  const char *model, *threshold, *reset, *refractory, *input;
  const char *message;
} Bad;

static const char params[] = "tau : second\nv_rest : volt\nR : ohm\n";

/* An editor gets the position of the message back as numbers. */
static void
check_position (const GError *error)
{
  const char *text = NULL;
  guint line = 0, column = 0;
  g_autofree char *expected = NULL;

  if (!bsl_equations_error_position (error, &text, &line, &column))
    {
      g_assert_true (g_str_has_prefix (error->message, "input variable: "));
      return;
    }
  if (g_str_equal (text, "model"))
    expected = g_strdup_printf ("line %u, column %u: ", line, column);
  else
    expected = g_strdup_printf ("%s, line %u, column %u: ", text, line, column);
  g_assert_true (g_str_has_prefix (error->message, expected));
}

static void
check_bad (const Bad *bad)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *model = g_strconcat (bad->model, params, NULL);
  g_autoptr (BslEquations) eq = bsl_equations_new (model, bad->threshold, bad->reset,
                                                   bad->refractory, bad->input, &error);

  g_assert_null (eq);
  g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
  g_assert_true (bsl_error_is_bad_input (error));
  g_assert_cmpstr (error->message, ==, bad->message);
  check_position (error);
}

static void
test_syntax_errors (void)
{
  static const Bad cases[] = {
    { "dv/dt = (v_rest - v + R*I/tau : volt\nI : amp\n", NULL, NULL, NULL, NULL,
      "line 1, column 31: expected ')', found ':'" },
    { "dv/dt = (v_rest - v) /tau*2 tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 29: expected an operator before 'tau'" },
    { "dv/dt = (v_rest - v)/ : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 23: expected an expression, found ':'" },
    { "dv/dt = (v_rest - v)/tau\n", NULL, NULL, NULL, NULL,
      "line 1, column 25: expected ':' and a unit, found the end of the line" },
    { "dv/dt = (v_rest - v)/tau : volt\nw = 3\n", NULL, NULL, NULL, NULL,
      "line 2, column 6: expected ':' and a unit, found the end of the line" },
    { "dv/dt = (v_rest - v)/tau +\n  v_rest/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 27: expected an expression, found the end of the line (to continue an "
      "expression on the next line, put it in parentheses: a line break inside '( )' continues "
      "the line)" },
    { "dv/dt = (v_rest - v)/tau\n  - v/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 25: expected ':' and a unit, found the end of the line (to continue an "
      "expression on the next line, put it in parentheses: a line break inside '( )' continues "
      "the line)" },
    { "dv/dt = (v_rest - 70mV - v)/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 19: a number cannot be followed by a name: write 70*mV" },
    { "dv/dt = (v_rest - v)^2/tau/volt : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 21: '^' is not an operator; write powers with '**'" },
    { "dv/dt = (v_rest - v)/tau : mV\n", NULL, NULL, NULL, NULL,
      "line 1, column 28: declare 'v' in the unscaled unit volt, not mV (values are in SI "
      "units)" },
    { "dv/dt = (v_rest - v)/tau : volt (unless refractroy)\n", NULL, NULL, NULL, NULL,
      "line 1, column 34: unsupported flag 'unless refractroy' for a differential equation" },
    { "\n  dv/dt = (v_rest - v)/tau : volt\ndv/dt = -v/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 3, column 2: 'v' is declared twice" },
    { "dv/dt = (v_rest - v)/tau : volt\ndt : second\n", NULL, NULL, NULL, NULL,
      "line 2, column 1: 'dt' is a reserved name" },
    { "v : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 1: the model has no differential equation (like 'dv/dt = -v/tau : "
      "volt')" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest and", NULL, NULL, NULL,
      "threshold, line 1, column 15: expected an expression, found the end of the text" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v_rest < v < 0*volt", NULL, NULL, NULL,
      "threshold, line 1, column 12: chained comparisons are not supported; combine them "
      "with 'and'" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", "v = v_rest\nv == 0*volt", NULL, NULL,
      "reset, line 2, column 3: expected '=', '+=', '-=', '*=' or '/=', found '=='" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", "v = v_rest; v_rest = 0*volt", NULL,
      NULL,
      "reset, line 1, column 13: cannot assign to 'v_rest': only state variables (with a "
      "derivative) can be reset" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_bad (&cases[i]);
}

static void
test_unknown_symbols (void)
{
  static const Bad cases[] = {
    { "dv/dt = (v_rest - v)/tau_m : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 22: unknown symbol 'tau_m'" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_th", NULL, NULL, NULL,
      "threshold, line 1, column 5: unknown symbol 'v_th'" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", "v = v_reset", NULL, NULL,
      "reset, line 1, column 5: unknown symbol 'v_reset'" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", "w = v_rest", NULL, NULL,
      "reset, line 1, column 1: unknown variable 'w'" },
    { "dv/dt = expo(v/v_rest)*v_rest/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 9: unknown function 'expo'" },
    { "dv/dt = (v_rest - v)/tau : volt\n", NULL, NULL, "t_ref", NULL,
      "refractory, line 1, column 1: unknown symbol 't_ref'" },
    { "dv/dt = (v_rest - v)/tau : volt\n", NULL, NULL, NULL, "I",
      "input variable: 'I' is not a state variable or a parameter of the model (state "
      "variables: v; parameters: tau, v_rest, R)" },
    { "dv/dt = (V - v)/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 10: unknown symbol 'V'" },
    { "dv/dt = (EL - v)/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 10: unknown symbol 'EL'" },
    { "dv/dt = (v_rest - v)/tau + C/(pF*tau) : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 28: unknown symbol 'C'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_bad (&cases[i]);
}

static void
test_unit_errors (void)
{
  static const Bad cases[] = {
    /* adding volt to amp */
    { "dI/dt = -I/tau : amp\ndv/dt = (v_rest - v + I)/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 2, column 21: cannot add volt and amp" },
    { "dv/dt = (v_rest - tau)/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 17: cannot subtract second from volt" },
    /* dividing by a unit that makes the equation inconsistent: volt/ohm is a current */
    { "dv/dt = (v_rest - v)/R : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 9: the right-hand side of dv/dt has unit amp, but dv/dt must have unit "
      "volt/second" },
    /* forgetting the time constant altogether */
    { "dv/dt = v_rest - v : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 9: the right-hand side of dv/dt has unit volt, but dv/dt must have unit "
      "volt/second" },
    /* exp of a voltage */
    { "dv/dt = (v_rest - v + mV*exp(v))/tau : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 26: the argument of exp must be dimensionless, not volt" },
    { "dv/dt = (v_rest - v)/tau*clip(v, 0*volt, 1*amp)/volt : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 26: clip needs its three arguments in one unit, not volt, volt and amp" },
    { "dv/dt = (v_rest - v)/tau*v**(v/volt) : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 27: a quantity in volt can only be raised to a constant power" },
    { "dv/dt = (v_rest - v)/tau*(v/v_rest)**v : volt\n", NULL, NULL, NULL, NULL,
      "line 1, column 38: an exponent must be dimensionless, not volt" },
    { "dv/dt = (v_rest - v)/tau*sqrt(v)/sqrt(volt) : volt\nI = v/R : amp\ng = 1/R : ohm\n",
      NULL, NULL, NULL, NULL,
      "line 3, column 5: the right-hand side of g has unit siemens, but g is declared as ohm" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > 10*ms", NULL, NULL, NULL,
      "threshold, line 1, column 3: cannot compare volt with second" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v - v_rest", NULL, NULL, NULL,
      "threshold, line 1, column 1: the threshold must be a condition (like v > v_th), not a "
      "value in volt" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest and v", NULL, NULL, NULL,
      "threshold, line 1, column 16: 'and' needs conditions, and 'v' is not one" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", "v = v_rest\nv += 2*nA", NULL, NULL,
      "reset, line 2, column 6: cannot assign a value in amp to v, which is in volt" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", "v *= 2*mV", NULL, NULL,
      "reset, line 1, column 6: '*=' changes the unit of v: the factor must be dimensionless, "
      "not volt" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", NULL, "2*mV", NULL,
      "refractory, line 1, column 1: the refractory period must have the unit second (or be a "
      "condition), not volt" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", NULL, "  v/v_rest", NULL,
      "refractory, line 1, column 3: refractory must be a duration (like 2*ms) or a condition "
      "(like v > -40*mV), not a dimensionless number" },
    { "dv/dt = (v_rest - v)/tau : volt\n", "v > v_rest", NULL, "v > v_rest and tau", NULL,
      "refractory, line 1, column 16: 'and' needs conditions, and 'tau' is not one" },
    { "dv/dt = (v_rest - v)/tau : volt\nx = y : 1\ny = 2*x : 1\n", NULL, NULL, NULL, NULL,
      "line 3, column 7: the subexpression 'x' depends on itself" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_bad (&cases[i]);
}

/* Columns count characters, not bytes: a comment with non-ASCII text before does not shift
 * them, and a multi-byte character in an expression is pointed at. */
static void
test_columns_count_characters (void)
{
  static const Bad cases[] = {
    { "# Membran: τ·dv/dt = …\ndv/dt = (v_rest - v)/τ : volt\n", NULL, NULL, NULL, NULL,
      "line 2, column 22: unexpected character 'τ'" },
  };

  check_bad (&cases[0]);
}

static void
test_exponential_euler_needs_linear (void)
{
  static const char adex[] =
    "dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt\n"
    "dw/dt = (a*(vm - EL) - w)/tauw : amp\n"
    "gL : siemens\nEL : volt\nDeltaT : volt\nVT : volt\nI : amp\nC : farad\na : siemens\n"
    "tauw : second\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = bsl_equations_new (adex, NULL, NULL, NULL, "I", &error);
  g_autoptr (BslEquations) lin = NULL;

  /* I is a parameter: the port sets it (a current) */
  g_assert_no_error (error);
  g_assert_cmpuint (bsl_equations_get_n_inputs (eq), ==, 1);
  g_assert_cmpstr (bsl_equations_get_input_port (eq, 0), ==, "a_in");
  g_assert_cmpstr (bsl_equations_get_input_target (eq, 0), ==, "I");
  g_assert_true (bsl_equations_get_input_sets_param (eq, 0));
  g_clear_pointer (&eq, bsl_equations_unref);

  eq = bsl_equations_new (adex, "vm > VT + 5*DeltaT", "vm = EL; w += 0.08*nA", NULL, "vm",
                          &error);
  g_assert_no_error (error);
  g_assert_false (bsl_equations_check_method (eq, "exact", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "line 1, column 10: exact integration needs linear equations with constant "
                   "coefficients (no product of state variables, no t), and dvm/dt is not");
  g_clear_error (&error);
  /* as Brian2: the exponential term, where vm is no factor, is part of B */
  g_assert_true (bsl_equations_check_method (eq, "exponential_euler", &error));
  g_assert_no_error (error);
  g_clear_pointer (&eq, bsl_equations_unref);
  eq = bsl_equations_new ("dvm/dt = (EL - vm + vm*exp((vm - VT)/DeltaT))/tau : volt\n"
                          "EL : volt\nVT : volt\nDeltaT : volt\ntau : second\n",
                          NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (bsl_equations_set_method (eq, "exponential_euler", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "line 1, column 21: exponential_euler needs dvm/dt to be linear in vm, but "
                   "'vm*exp((vm - VT)/DeltaT)' is not");
  {
    const char *text;
    guint line, column;

    g_assert_true (bsl_equations_error_position (error, &text, &line, &column));
    g_assert_cmpstr (text, ==, "model");
    g_assert_cmpuint (line, ==, 1);
    g_assert_cmpuint (column, ==, 21);
  }
  g_clear_error (&error);
  /* the method stays what it was */
  g_assert_cmpint (bsl_equations_get_method (eq), ==, BSL_EQUATIONS_EULER);
  g_assert_true (bsl_equations_set_method (eq, "rk4", &error));
  g_assert_false (bsl_equations_set_method (eq, "midpoint", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "unknown integration method 'midpoint' (euler, exponential_euler, rk2, rk4, "
                   "exact, linear, heun or milstein)");
  g_clear_error (&error);

  /* a product of two states is linear in each, as far as the other is concerned; expanded as
   * Brian2 does, (x - y)*y is x*y (A = x) and -y*y (in B) */
  lin = bsl_equations_new ("dx/dt = -x*y/second : 1\ndy/dt = (x - y)*y/second : 1\n", NULL,
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (lin, "exponential_euler", &error));
  g_assert_no_error (error);
  g_clear_pointer (&lin, bsl_equations_unref);
  /* x/(1 + x): x is a factor whose coefficient reads x */
  lin = bsl_equations_new ("dx/dt = x/(1 + x)/second : 1\n", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (bsl_equations_set_method (lin, "exponential_euler", &error));
  g_assert_cmpstr (error->message, ==,
                   "line 1, column 9: exponential_euler needs dx/dt to be linear in x, but "
                   "'x/(1 + x)' is not");
}

/* Damaged models (characters deleted, doubled or replaced) either compile or fail with a
 * positioned message; none crashes, hangs or leaks. */
static void
test_damaged_models (void)
{
  static const char alphabet[] = "()*/+-:=<>.,;#^_ \n01eavItdxmVsu";
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autoptr (GRegex) positioned = g_regex_new ("^((threshold|reset|refractory), )?line [0-9]+, "
                                               "column [0-9]+: .+|^input variable: .+",
                                               G_REGEX_DOTALL, 0, NULL);
  guint n_ok = 0;

  for (guint trial = 0; trial < 3000; trial++)
    {
      g_autoptr (GString) text = g_string_new (lif);
      g_autoptr (GString) reset = g_string_new ("v = v_rest; I += 0*amp");
      g_autoptr (GError) error = NULL;
      g_autoptr (BslEquations) eq = NULL;
      GString *target = trial % 4 == 0 ? reset : text;
      guint n_edits = 1 + g_rand_int_range (rand, 0, 3);

      for (guint e = 0; e < n_edits && target->len > 0; e++)
        {
          guint at = g_rand_int_range (rand, 0, target->len);
          char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0: g_string_erase (target, at, 1); break;
            case 1: g_string_insert_c (target, at, c); break;
            default: target->str[at] = c; break;
            }
        }
      eq = bsl_equations_new (text->str, "v > v_rest", reset->str, "2*ms", "I", &error);
      if (eq != NULL)
        {
          /* and steps under every method it allows */
          guint ns = bsl_equations_get_n_states (eq), np = bsl_equations_get_n_params (eq);
          g_autofree double *mem = g_new0 (double, 3 * (ns + np + 3));
          g_autofree double **st = g_new (double *, ns);
          g_autofree double **pr = g_new (double *, MAX (np, 1));
          double *in = mem + 3 * (ns + np), *last = in + 3, *spikes = last + 3;

          for (guint k = 0; k < ns; k++)
            st[k] = mem + 3 * k;
          for (guint j = 0; j < np; j++)
            {
              pr[j] = mem + 3 * (ns + j);
              pr[j][0] = pr[j][1] = pr[j][2] = 1e-3;
            }
          for (guint i = 0; i < 3; i++)
            last[i] = BSL_EQUATIONS_NEVER;
          for (guint m = 0; m < 3; m++)
            if (bsl_equations_set_method (eq, bsl_equations_method_to_string (m), NULL))
              for (guint step = 0; step < 5; step++)
                bsl_equations_step (eq, 3, 1e-4, step, st, pr, in, last, spikes);
          n_ok++;
          g_assert_no_error (error);
          continue;
        }
      g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
      if (!g_regex_match (positioned, error->message, 0, NULL))
        g_error ("message without a position: %s\n(model: %s, reset: %s)", error->message,
                 text->str, reset->str);
    }
  g_test_message ("%u of 3000 damaged models still compile", n_ok);
}

/* Texts built to exhaust the stack or the time of a naive compiler are refused, or compiled
 * in linear time. */
static void
test_limits (void)
{
  g_autoptr (GString) nested = g_string_new ("dv/dt = ");
  g_autoptr (GString) sum = g_string_new ("dv/dt = (");
  g_autoptr (GString) chain = g_string_new ("dv/dt = -x60*volt/second : volt\nx0 = v/volt : 1\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (nested, '(');
  g_string_append (nested, "v/second : volt\n");
  eq = bsl_equations_new (nested->str, NULL, NULL, NULL, NULL, &error);
  g_assert_null (eq);
  g_assert_cmpstr (error->message, ==,
                   "line 1, column 109: parentheses are nested too deeply (more than 100)");
  g_clear_error (&error);

  for (guint i = 0; i < 5000; i++)
    g_string_append (sum, "v + ");
  g_string_append (sum, "v)/second : volt\n");
  eq = bsl_equations_new (sum->str, NULL, NULL, NULL, NULL, &error);
  g_assert_null (eq);
  g_assert_true (g_str_has_suffix (error->message,
                                   "the expression is too long (more than 2000 operations deep)"));
  g_clear_error (&error);

  /* each subexpression uses the previous one twice: 2^60 paths, 60 lines (x60 = x0) */
  for (guint i = 1; i <= 60; i++)
    g_string_append_printf (chain, "x%u = (x%u + x%u)/2 : 1\n", i, i - 1, i - 1);
  eq = bsl_equations_new (chain->str, "v > 1*volt", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (bsl_equations_set_method (eq, "exponential_euler", &error));
  g_assert_cmpstr (error->message, ==,
                   "line 1, column 9: dv/dt is too large to write as A*v + B for "
                   "exponential_euler");
  g_clear_error (&error);
  g_assert_true (bsl_equations_set_method (eq, "rk4", &error));
  {
    double v = 1e-30, last = BSL_EQUATIONS_NEVER, spike;
    double *states[] = { &v };

    bsl_equations_step (eq, 1, 1e-3, 0, states, NULL, NULL, &last, &spike);
    g_assert_cmpfloat_with_epsilon (v / 1e-30, exp (-1e-3), 1e-12);
  }
  /* subexpressions computed once each per evaluation: 2 instructions a line, not 2^60 */
  g_assert_cmpuint (bsl_equations_get_n_instructions (eq), <, 4 * (2 * 60 + 10));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/equations/parse/declarations", test_declarations);
  g_test_add_func ("/equations/parse/units", test_units);
  g_test_add_func ("/equations/parse/quantities", test_quantities);
  g_test_add_func ("/equations/parse/brian2-unit-names", test_brian2_unit_names);
  g_test_add_func ("/equations/parse/index-and-size", test_index_and_size);
  g_test_add_func ("/equations/parse/syntax-errors", test_syntax_errors);
  g_test_add_func ("/equations/parse/unknown-symbols", test_unknown_symbols);
  g_test_add_func ("/equations/parse/unit-errors", test_unit_errors);
  g_test_add_func ("/equations/parse/columns-count-characters",
                   test_columns_count_characters);
  g_test_add_func ("/equations/parse/exponential-euler-needs-linear",
                   test_exponential_euler_needs_linear);
  g_test_add_func ("/equations/parse/damaged-models", test_damaged_models);
  g_test_add_func ("/equations/parse/limits", test_limits);
  return g_test_run ();
}
