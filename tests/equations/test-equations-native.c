/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Equations as machine code: built once per model into the cache, loaded, and stepping with
 * the interpreter's bits; the interpreter when no compiler is there. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "equations/bsl-equations.h"

typedef struct
{
  const char *label, *model, *threshold, *reset, *refractory, *input, *method;
  double params[8], init[4];
  guint table_rows;             /* a table "stim" in volt, one column per neuron (0: none) */
  gboolean uniform;             /* every neuron has the same parameters */
} Model;

/* A refractory model whose threshold reads v (not held), t and lastspike. */
#define THRESHOLD_IN_REFRACTORINESS \
  "dv/dt = (v_rest - v + I)/tau : volt\n" \
  "dw/dt = -w/tau : volt (unless refractory)\n" \
  "tau : second\nv_rest : volt\nI : volt\n", \
  "v > -50*mV and t - lastspike > 0.3*ms", "v = -52*mV; w += 1*mV"

/* Noise whose factor depends on the states and on t, and a held variable. */
#define MULTIPLICATIVE \
  "dv/dt = (v_rest - v)/tau + (1 + (v - v_rest)/(10*mV))*sigma*xi*tau**-0.5 : volt " \
  "(unless refractory)\n" \
  "dg/dt = -g/tau + 0.2*g*xi_b*tau**-0.5 + sin(t/tau)*xi*tau**-0.5/100 : 1\n" \
  "tau : second\nv_rest : volt\nsigma : volt\n", \
  "v > -50*mV", "v = -65*mV; g += 1", "1*ms", "v"

static const Model models[] = {
  { "AdEx, rk4",
    "dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt\n"
    "dw/dt = (a*(vm - EL) - w)/tauw : amp\n"
    "gL : siemens\nEL : volt\nDeltaT : volt\nVT : volt\nI : amp\nC : farad\na : siemens\n"
    "tauw : second\n",
    "vm > VT + 5*DeltaT", "vm = EL; w += 0.08*nA", NULL, "vm", "rk4",
    { 30e-9, -70.6e-3, 2e-3, -50.4e-3, 1e-9, 281e-12, 4e-9, 144e-3 }, { -70e-3, 0 } },
  { "LIF with i and N, refractory, exponential_euler",
    "dv/dt = (v_rest - v + R*I)/tau + (i/N)*mV/ms : volt (unless refractory)\n"
    "dI/dt = -I/tau_syn : amp\n"
    "tau : second\ntau_syn : second\nv_rest : volt\nR : ohm\n",
    "v > -50*mV", "v = -70*mV; I += 0.1*nA", "2*ms", "v", "exponential_euler",
    { 10e-3, 5e-3, -65e-3, 100e6 }, { -65e-3, 0.2e-9 } },
  { "Izhikevich, euler",
    "dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I)/ms : volt\n"
    "du/dt = a*(b*v - u)/ms : volt\n"
    "a : 1\nb : 1\nI : volt\n",
    "v >= 30*mV", "v = -65*mV; u += 8*mV", NULL, "v", "euler",
    { 0.02, 0.2, 10e-3 }, { -65e-3, -13e-3 } },
  { "CUBA, exact, two ports, refractory, parameters per neuron",
    "dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)\n"
    "dge/dt = -ge/taue : volt\ndgi/dt = -gi/taui : volt\n"
    "taum : second\ntaue : second\ntaui : second\nEl : volt\nVt : volt\nVr : volt\n",
    "v > Vt", "v = Vr", "5*ms", "a_ge: ge, a_gi: gi", "exact",
    { 20e-3, 5e-3, 10e-3, -45e-3, -50e-3, -60e-3 }, { -55e-3, 0, 0 } },
  { "CUBA, exact, two ports, refractory, one parameter set",
    "dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)\n"
    "dge/dt = -ge/taue : volt\ndgi/dt = -gi/taui : volt\n"
    "taum : second\ntaue : second\ntaui : second\nEl : volt\nVt : volt\nVr : volt\n",
    "v > Vt", "v = Vr", "5*ms", "a_ge: ge, a_gi: gi", "exact",
    { 20e-3, 5e-3, 10e-3, -45e-3, -50e-3, -60e-3 }, { -55e-3, 0, 0 }, 0, TRUE },
  { "exact, a port that sets a parameter the coefficients read, one parameter set",
    "dv/dt = (v_rest - v + R*I_ext)/tau : volt (unless refractory)\n"
    "tau : second\nv_rest : volt\nR : ohm\nI_ext : amp\n",
    "v > -50*mV", "v = -70*mV", "2*ms", "I_ext", "exact",
    { 10e-3, -49e-3, 5.0, 0 }, { -65e-3 }, 0, TRUE },
  { "LIF with a current, rk2, refractory",
    "dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)\n"
    "dI/dt = -I/tau_syn : amp\n"
    "tau : second\ntau_syn : second\nv_rest : volt\nR : ohm\n",
    "v > -50*mV", "v = -70*mV", "2*ms", "v", "rk2",
    { 10e-3, 5e-3, -45e-3, 100e6 }, { -65e-3, 0.2e-9 } },
  { "noisy LIF: one xi in two equations, another xi, rand() and randn(), milstein",
    "dv/dt = (v_rest - v + R*I)/tau + sigma*xi_a*tau**-0.5 + 0.2*mV/ms*randn() : volt "
    "(unless refractory)\n"
    "dI/dt = -I/tau_syn + 0.02*nA*xi_a/sqrt(tau_syn) + 0.01*nA*xi_b*tau_syn**-0.5 : amp\n"
    "tau : second\ntau_syn : second\nv_rest : volt\nR : ohm\nsigma : volt\n",
    "v > -50*mV + mV*rand()", "v = -70*mV + 2*mV*randn(); I += 0.1*nA*rand()", "2*ms", "v",
    "milstein", { 10e-3, 5e-3, -52e-3, 100e6, 3e-3 }, { -65e-3, 0.2e-9 } },
  { "multiplicative noise, a held variable, heun",
    MULTIPLICATIVE, "heun",
    { 10e-3, -51e-3, 3e-3 }, { -65e-3, 0.5 } },
  { "multiplicative noise, a held variable, milstein",
    MULTIPLICATIVE, "milstein",
    { 10e-3, -51e-3, 3e-3 }, { -65e-3, 0.5 } },
  { "randn() in an equation, exponential_euler",
    "dv/dt = (v_rest - v + 2*mV*randn())/tau : volt\ntau : second\nv_rest : volt\n",
    "v > -50*mV", "v = -70*mV + 5*mV*rand()", NULL, "v", "exponential_euler",
    { 10e-3, -49e-3 }, { -65e-3 } },
  { "refractory condition, a held drive of v and t, rk4",
    "dv/dt = (v_rest - v + drive - u)/tau : volt (unless refractory)\n"
    "du/dt = (a*(v - v_rest) - u)/tau_u : volt\n"
    "drive = R*I0*(1 + 0.5*sin(2*pi*t/(50*ms))) + k*(v - v_rest) : volt (constant over dt)\n"
    "v_rest : volt\nR : ohm\nI0 : amp\ntau : second\ntau_u : second\na : 1\nk : 1\n",
    "v > -50*mV", "v = -70*mV; u += 5*mV", "u > 2*mV", "v", "rk4",
    { -65e-3, 100e6, 0.3e-9, 10e-3, 30e-3, 0.2, 0.1 }, { -65e-3, 0 } },
  /* v is not held, so the threshold is true within the refractory period, where only nr keeps
   * the neuron from spiking; the port sets a parameter */
  { "a threshold on v, t and lastspike within a refractory period that reads the port's "
    "parameter, euler",
    THRESHOLD_IN_REFRACTORINESS, "(1 + I/mV)*ms", "I", "euler",
    { 10e-3, -40e-3, 0 }, { -65e-3, 0 } },
  { "a threshold on v, t and lastspike within a refractory period, a port on a parameter, rk2",
    THRESHOLD_IN_REFRACTORINESS, "2*ms", "I", "rk2",
    { 10e-3, -40e-3, 0 }, { -65e-3, 0 } },
  { "a table of one column per neuron (TimedArray), rk4, past the table's end",
    "dv/dt = (stim(t, i) - v)/tau : volt\ntau : second\n",
    "v > -50*mV", "v = -65*mV", NULL, "v", "rk4", { 10e-3 }, { -65e-3 }, 400 },
};

enum { N = 300, STEPS = 3000 };

typedef struct
{
  BslEquations *eq;
  double *states[4], *params[8], last[N], spikes[N];
} Run;

static void
run_init (Run         *r,
          const Model *m)
{
  g_autoptr (GError) error = NULL;

  g_autofree double *stim = g_new (double, (gsize) m->table_rows * N + 1);
  BslEquationsTable table = { "stim", "volt", 0.5e-3, m->table_rows, N, stim };

  for (gsize k = 0; k < (gsize) m->table_rows * N; k++)
    stim[k] = -45e-3 + 10e-3 * sin (0.1 * (double) (k / N) + 0.05 * (double) (k % N));
  r->eq = bsl_equations_new_with_tables (m->model, m->threshold, m->reset, m->refractory,
                                         m->input, &table, m->table_rows > 0 ? 1 : 0, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (r->eq, m->method, &error));
  for (guint k = 0; k < bsl_equations_get_n_states (r->eq); k++)
    {
      r->states[k] = g_new (double, N);
      for (guint i = 0; i < N; i++)
        r->states[k][i] = m->init[k] * (1 + 1e-3 * (i % 17));
    }
  for (guint j = 0; j < bsl_equations_get_n_params (r->eq); j++)
    {
      r->params[j] = g_new (double, N);
      for (guint i = 0; i < N; i++)
        r->params[j][i] = m->params[j] * (m->uniform ? 1 : 1 + 1e-2 * (i % 11));
    }
  for (guint i = 0; i < N; i++)
    r->last[i] = BSL_EQUATIONS_NEVER;
}

static void
run_clear (Run *r)
{
  for (guint k = 0; k < bsl_equations_get_n_states (r->eq); k++)
    g_free (r->states[k]);
  for (guint j = 0; j < bsl_equations_get_n_params (r->eq); j++)
    g_free (r->params[j]);
  bsl_equations_unref (r->eq);
}

/* The population stepped in two parts, as two worker threads would; the random draws keyed
 * by a seed. */
static void
run_step (Run          *r,
          guint         step,
          const double *input)
{
  gsize half = N / 3;

  for (guint part = 0; part < 2; part++)
    {
      gsize first = part == 0 ? 0 : half, n = part == 0 ? half : N - half;
      double *states[4], *params[8];
      /* every port gets the same input */
      const double *inputs[2] = { input + first, input + first };
      BslEquationsContext ctx = { first, N, inputs, 0x5eed };

      for (guint k = 0; k < bsl_equations_get_n_states (r->eq); k++)
        states[k] = r->states[k] + first;
      for (guint j = 0; j < bsl_equations_get_n_params (r->eq); j++)
        params[j] = r->params[j] + first;
      bsl_equations_step_full (r->eq, n, 1e-4, step, states, params, &ctx, r->last + first,
                               r->spikes + first);
    }
}

static guint
count_files (const char *dir,
             const char *suffix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (name, suffix);
  return n;
}

static guint
distinct_models (void)
{
  guint n = 0;

  for (guint c = 0; c < G_N_ELEMENTS (models); c++)
    {
      gboolean seen = FALSE;

      for (guint d = 0; d < c && !seen; d++)
        seen = g_str_equal (models[c].model, models[d].model) &&
               g_str_equal (models[c].method, models[d].method);
      n += !seen;
    }
  return n;
}

static void
test_same_bits (void)
{
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "basalt", "equations", NULL);

  for (guint c = 0; c < G_N_ELEMENTS (models); c++)
    {
      Run interpreted, native;
      g_autofree double *input = g_new0 (double, N);
      g_autoptr (GRand) rand = g_rand_new_with_seed (c);
      guint n_spikes = 0, built;

      run_init (&interpreted, &models[c]);
      run_init (&native, &models[c]);
      if (!bsl_equations_prepare_native (native.eq))
        g_error ("%s: %s", models[c].label, bsl_equations_get_native_why (native.eq));
      built = count_files (cache, ".so");
      for (guint step = 0; step < STEPS; step++)
        {
          for (guint i = 0; i < N; i++)
            input[i] = g_rand_double (rand) < 0.05 ? 2e-3 : 0.0;
          run_step (&interpreted, step, input);
          run_step (&native, step, input);
          for (guint i = 0; i < N; i++)
            {
              g_assert_cmpfloat (native.spikes[i], ==, interpreted.spikes[i]);
              g_assert_cmpfloat (native.last[i], ==, interpreted.last[i]);
              n_spikes += native.spikes[i] != 0;
              for (guint k = 0; k < bsl_equations_get_n_states (native.eq); k++)
                if (memcmp (&native.states[k][i], &interpreted.states[k][i], sizeof (double)))
                  g_error ("%s: state %u of neuron %u at step %u: %.17g, interpreted %.17g",
                           models[c].label, k, i, step, native.states[k][i],
                           interpreted.states[k][i]);
            }
        }
      g_test_message ("%s: %u spikes, every state equal bit for bit", models[c].label, n_spikes);
      g_assert_cmpuint (n_spikes, >, 100);
      /* the same model again: loaded from the cache, nothing built */
      {
        Run again;

        run_init (&again, &models[c]);
        g_assert_true (bsl_equations_prepare_native (again.eq));
        g_assert_cmpuint (count_files (cache, ".so"), ==, built);
        run_clear (&again);
      }
      run_clear (&interpreted);
      run_clear (&native);
    }
  /* one build per model: the two CUBA entries differ in their values only */
  g_assert_cmpuint (count_files (cache, ".so"), ==, distinct_models ());
}

/* No compiler, or the interpreter asked for: the instruction list steps, and the reason is
 * given. */
static void
test_fallback (void)
{
  Run r;

  g_setenv ("CC", "no-such-compiler-here", TRUE);
  run_init (&r, &models[1]);
  g_assert_false (bsl_equations_prepare_native (r.eq));
  g_assert_cmpstr (bsl_equations_get_native_why (r.eq), ==,
                   "no C compiler (no-such-compiler-here) found");
  run_clear (&r);
  g_unsetenv ("CC");

  bsl_equations_set_native_enabled (FALSE);
  run_init (&r, &models[1]);
  g_assert_false (bsl_equations_prepare_native (r.eq));
  g_assert_cmpstr (bsl_equations_get_native_why (r.eq), ==, "interpreted as asked");
  run_clear (&r);
  bsl_equations_set_native_enabled (TRUE);
}

int
main (int argc, char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("basalt-native-XXXXXX", NULL);
  int status;

  /* before GLib reads it: a cache of the test's own */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/equations/native/same-bits", test_same_bits);
  g_test_add_func ("/equations/native/fallback", test_fallback);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", cache);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", cache);
  }
  return status;
}
