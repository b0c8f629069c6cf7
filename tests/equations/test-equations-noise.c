/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2's stochastic terms: xi in differential equations (Euler-Maruyama), rand() and
 * randn() anywhere, drawn from a seed so that a run is the same whatever the threads or the
 * parts a population is stepped in; and the models that are refused, with their messages. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "bsl-error.h"
#include "bsl-graph.h"
#include "bsl-network-file.h"
#include "bsl-runtime.h"
#include "equations/bsl-equations.h"
#include "test-util.h"

static BslEquations *
equations (const char *model,
           const char *threshold,
           const char *reset,
           const char *method)
{
  g_autoptr (GError) error = NULL;
  BslEquations *eq = bsl_equations_new (model, threshold, reset, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (eq, method, &error));
  g_assert_no_error (error);
  return eq;
}

/* n neurons of a one-state model: x starts at x0, params all p0 */
typedef struct
{
  guint n, ns, np;
  double *x, *p, *last, *spikes;
  double *states[4], *params[4];
} Pop;

static void
pop_init (Pop                *pop,
          const BslEquations *eq,
          guint               n,
          double              x0,
          double              p0)
{
  pop->n = n;
  pop->ns = bsl_equations_get_n_states (eq);
  pop->np = bsl_equations_get_n_params (eq);
  g_assert_cmpuint (pop->ns, <=, 4);
  g_assert_cmpuint (pop->np, <=, 4);
  pop->x = g_new (double, (gsize) n * pop->ns);
  pop->p = g_new (double, (gsize) n * MAX (pop->np, 1));
  pop->last = g_new (double, n);
  pop->spikes = g_new (double, n);
  for (guint i = 0; i < n * pop->ns; i++)
    pop->x[i] = x0;
  for (guint i = 0; i < n * pop->np; i++)
    pop->p[i] = p0;
  for (guint i = 0; i < n; i++)
    pop->last[i] = BSL_EQUATIONS_NEVER;
  for (guint k = 0; k < pop->ns; k++)
    pop->states[k] = pop->x + (gsize) k * n;
  for (guint j = 0; j < pop->np; j++)
    pop->params[j] = pop->p + (gsize) j * n;
}

static void
pop_clear (Pop *pop)
{
  g_free (pop->x);
  g_free (pop->p);
  g_free (pop->last);
  g_free (pop->spikes);
}

/* One step, the population cut into parts of `part` neurons (as threads would step it). */
static void
pop_step (Pop                *pop,
          const BslEquations *eq,
          double              dt,
          gint64              step,
          guint64             key,
          guint               part)
{
  for (guint first = 0; first < pop->n; first += part)
    {
      guint n = MIN (part, pop->n - first);
      double *states[4], *params[4];
      BslEquationsContext ctx = { first, pop->n, NULL, key };

      for (guint k = 0; k < pop->ns; k++)
        states[k] = pop->states[k] + first;
      for (guint j = 0; j < pop->np; j++)
        params[j] = pop->params[j] + first;
      bsl_equations_step_full (eq, n, dt, step, states, params, &ctx, pop->last + first,
                               pop->spikes + first);
    }
}

static const char noisy_lif[] =
  "dv/dt = (v_rest - v)/tau + sigma*xi*tau**-0.5 + 0.5*mV/ms*randn() : volt (unless refractory)\n"
  "v_rest : volt\ntau : second\nsigma : volt\n";

/* The whole trace of a noisy LIF under a key, the population cut into parts. */
static double *
noisy_trace (guint64 key,
             guint   part,
             guint  *n_spikes)
{
  g_autoptr (BslEquations) eq = NULL;
  g_autoptr (GError) error = NULL;
  enum { N = 300, STEPS = 400 };
  double *trace = g_new (double, (gsize) N * STEPS);
  Pop pop;

  eq = bsl_equations_new (noisy_lif, "v > -50*mV + 2*mV*rand()", "v = -70*mV + 3*mV*randn()",
                          "1*ms", NULL, &error);
  g_assert_no_error (error);
  pop_init (&pop, eq, N, -65e-3, 0);
  for (guint i = 0; i < N; i++)
    {
      pop.params[0][i] = -52e-3;
      pop.params[1][i] = 10e-3;
      pop.params[2][i] = 3e-3;
    }
  *n_spikes = 0;
  for (guint step = 0; step < STEPS; step++)
    {
      pop_step (&pop, eq, 1e-4, step, key, part);
      memcpy (trace + (gsize) step * N, pop.states[0], N * sizeof (double));
      for (guint i = 0; i < N; i++)
        *n_spikes += pop.spikes[i] != 0;
    }
  pop_clear (&pop);
  return trace;
}

static void
test_seeded (void)
{
  guint n1, n2, n3, n4;
  g_autofree double *a = noisy_trace (7, 300, &n1);
  g_autofree double *b = noisy_trace (7, 300, &n2);
  g_autofree double *parts = noisy_trace (7, 37, &n3);
  g_autofree double *other = noisy_trace (8, 300, &n4);
  guint differ = 0;

  g_assert_cmpuint (n1, >, 100);
  g_assert_cmpmem (a, 300 * 400 * sizeof (double), b, 300 * 400 * sizeof (double));
  /* stepped in parts of 37: each neuron draws by its index in the population */
  g_assert_cmpmem (a, 300 * 400 * sizeof (double), parts, 300 * 400 * sizeof (double));
  g_assert_cmpuint (n3, ==, n1);
  for (guint i = 0; i < 300 * 400; i++)
    differ += a[i] != other[i];
  /* another seed: other numbers from the first step on (all but the 300 initial values) */
  g_assert_cmpuint (differ, >=, 300 * 399);
  g_test_message ("%u spikes; another key: %u of %u values differ", n1, differ, 300 * 400);
}

/* Mean and variance of a sample. */
static void
moments (const double *x,
         guint         n,
         double       *mean,
         double       *var)
{
  double s = 0, ss = 0;

  for (guint i = 0; i < n; i++)
    s += x[i];
  *mean = s / n;
  for (guint i = 0; i < n; i++)
    ss += (x[i] - *mean) * (x[i] - *mean);
  *var = ss / (n - 1);
}

/* Ornstein-Uhlenbeck: dv = -v/tau dt + sigma sqrt(2/tau)... here sigma/sqrt(tau) dW, whose
 * stationary variance is sigma^2/2. Euler-Maruyama's own stationary variance is
 * sigma^2 / (2 - dt/tau) (the recursion v' = (1 - a) v + sigma sqrt(a) z, a = dt/tau). Over
 * N independent neurons the sample mean has standard error sqrt(var/N), the sample variance
 * var sqrt(2/(N - 1)); the test allows 5 of them. */
static void
test_ornstein_uhlenbeck (void)
{
  static const char *const methods[] = { "euler", "milstein", "heun" };
  enum { N = 20000, STEPS = 1500 };
  const double dt = 1e-4, tau = 10e-3, sigma = 2.0;

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      g_autoptr (BslEquations) eq = equations ("dv/dt = -v/tau + sigma*xi*tau**-0.5 : 1\n"
                                               "tau : second\nsigma : 1\n", NULL, NULL,
                                               methods[m]);
      double a = dt / tau, want = sigma * sigma / (2 - a), mean, var;
      double se_mean = sqrt (want / N), se_var = want * sqrt (2.0 / (N - 1));
      Pop pop;

      pop_init (&pop, eq, N, 0, 0);
      for (guint i = 0; i < N; i++)
        {
          pop.params[0][i] = tau;
          pop.params[1][i] = sigma;
        }
      /* 15 time constants: the start (v = 0) is forgotten to e^-30 */
      for (guint step = 0; step < STEPS; step++)
        pop_step (&pop, eq, dt, step, 42, N);
      moments (pop.states[0], N, &mean, &var);
      g_test_message ("%s: mean %.4f (se %.4f), variance %.4f, expected %.4f (se %.4f; "
                      "sigma^2/2 = %.4f)", methods[m], mean, se_mean, var, want, se_var,
                      sigma * sigma / 2);
      g_assert_cmpfloat (fabs (mean), <, 5 * se_mean);
      g_assert_cmpfloat (fabs (var - want), <, 5 * se_var);
      pop_clear (&pop);
    }
}

/* Geometric Brownian motion dX = s X dW read as Stratonovich (Brian2's heun and milstein):
 * X_T = exp(s W_T), so log X_T has mean 0 and variance s^2 T (Ito's reading, which euler would
 * be, gives mean -s^2 T/2 = -0.05 here). 5 standard errors each over N neurons. */
static void
test_multiplicative (void)
{
  static const char *const methods[] = { "heun", "milstein" };
  enum { N = 20000, STEPS = 1000 };
  const double dt = 1e-4, s = 1.0, T = STEPS * dt;

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      g_autoptr (BslEquations) eq = equations ("dx/dt = s*x*xi*second**-0.5 : 1\ns : 1\n",
                                               NULL, NULL, methods[m]);
      g_autofree double *logs = g_new (double, N);
      double mean, var, want = s * s * T;
      Pop pop;

      pop_init (&pop, eq, N, 1, s);
      for (guint step = 0; step < STEPS; step++)
        pop_step (&pop, eq, dt, step, 17, 3000);
      for (guint i = 0; i < N; i++)
        logs[i] = log (pop.states[0][i]);
      moments (logs, N, &mean, &var);
      g_test_message ("%s: log X mean %.4f (se %.4f), variance %.4f, expected %.4f (se %.4f)",
                      methods[m], mean, sqrt (want / N), var, want, want * sqrt (2.0 / (N - 1)));
      g_assert_cmpfloat (fabs (mean), <, 5 * sqrt (want / N));
      g_assert_cmpfloat (fabs (var - want), <, 5 * want * sqrt (2.0 / (N - 1)));
      pop_clear (&pop);
    }
}

/* rand() in [0, 1): mean 1/2, variance 1/12; randn(): mean 0, variance 1. The variance of
 * (U - 1/2)^2 is 1/80 - 1/144, of (Z^2) is 2: 5 standard errors each. */
static void
test_rand_randn (void)
{
  enum { N = 100000 };
  g_autoptr (BslEquations) eq = equations ("dx/dt = 0/second : 1\ndy/dt = 0/second : 1\n",
                                           "True", "x = rand()\ny = randn()", "euler");
  double mean, var;
  Pop pop;

  pop_init (&pop, eq, N, -1, 0);
  pop_step (&pop, eq, 1e-4, 3, 99, 1000);
  for (guint i = 0; i < N; i++)
    {
      g_assert_cmpfloat (pop.states[0][i], >=, 0.0);
      g_assert_cmpfloat (pop.states[0][i], <, 1.0);
    }
  moments (pop.states[0], N, &mean, &var);
  g_test_message ("rand(): mean %.5f, variance %.5f", mean, var);
  g_assert_cmpfloat (fabs (mean - 0.5), <, 5 * sqrt (1.0 / 12 / N));
  g_assert_cmpfloat (fabs (var - 1.0 / 12), <, 5 * sqrt ((1.0 / 80 - 1.0 / 144) / N));
  moments (pop.states[1], N, &mean, &var);
  g_test_message ("randn(): mean %.5f, variance %.5f", mean, var);
  g_assert_cmpfloat (fabs (mean), <, 5 * sqrt (1.0 / N));
  g_assert_cmpfloat (fabs (var - 1), <, 5 * sqrt (2.0 / N));
  /* the next step draws anew */
  {
    double x0 = pop.states[0][0];

    pop_step (&pop, eq, 1e-4, 4, 99, 1000);
    g_assert_cmpfloat (pop.states[0][0], !=, x0);
  }
  pop_clear (&pop);
}

/* One xi_name in two equations is one draw (as in Brian2); another name another draw; a
 * subexpression with rand() has one value per step wherever it is used. */
static void
test_shared_noise (void)
{
  g_autoptr (BslEquations) eq =
    equations ("dx/dt = xi_a*second**-0.5 : 1\n"
               "dy/dt = 2*xi_a/sqrt(second) : 1\n"
               "dz/dt = xi_b*second**-0.5 : 1\n"
               "dw/dt = (u - w)/dt : 1\n"
               "u = rand() : 1\n", "u < 0.5", "w = u", "euler");
  Pop pop;
  guint spikes = 0;

  pop_init (&pop, eq, 50, 0, 0);
  for (guint step = 0; step < 20; step++)
    {
      pop_step (&pop, eq, 1e-2, step, 5, 50);
      for (guint i = 0; i < 50; i++)
        {
          g_assert_cmpfloat (pop.states[1][i], ==, 2 * pop.states[0][i]);
          g_assert_cmpfloat (pop.states[2][i], !=, pop.states[0][i]);
          /* the threshold and the reset read the same u */
          if (pop.spikes[i] != 0)
            {
              g_assert_cmpfloat (pop.states[3][i], <, 0.5);
              spikes++;
            }
        }
    }
  g_assert_cmpuint (spikes, >, 200);
  pop_clear (&pop);
}

static void
test_errors (void)
{
  static const struct { const char *model, *threshold, *reset, *message; } bad[] = {
    { "dv/dt = -v/tau + n : 1\nn = xi*tau**-0.5 : 1/second\ntau : second\n", NULL, NULL,
      "line 2, column 5: the noise xi can only appear in a differential equation" },
    { "dv/dt = -v/tau : 1\ntau : second\n", "v > xi_a*second**0.5", NULL,
      "threshold, line 1, column 5: the noise xi_a can only appear in a differential equation" },
    { "dv/dt = -v/tau : 1\ntau : second\n", NULL, "v = xi", "reset, line 1, column 5: the noise "
      "xi can only appear in a differential equation" },
    /* xi has the unit second**-0.5: sigma*xi is not a rate */
    { "dv/dt = -v/tau + sigma*xi : 1\ntau : second\nsigma : 1\n", NULL, NULL,
      "line 1, column 16: cannot add 1/second and 1/second**0.5" },
    { "dv/dt = sigma*xi : 1\nsigma : 1\n", NULL, NULL,
      "line 1, column 9: the right-hand side of dv/dt has unit 1/second**0.5, but dv/dt must "
      "have unit 1/second" },
    { "dv/dt = -v/tau + xi*xi : 1\ntau : second\n", NULL, NULL,
      "line 1, column 20: dv/dt must be linear in its noise (f + g*xi), and 'xi*xi' is not" },
    { "dv/dt = -v/tau + exp(xi*second**0.5)/tau : 1\ntau : second\n", NULL, NULL,
      "line 1, column 18: dv/dt must be linear in its noise (f + g*xi), and "
      "'exp(xi*second**0.5)' is not" },
    { "dv/dt = -v/tau + xi_a*tau**-0.5 : 1\ntau : second\nxi_a : 1\n", NULL, NULL,
      "line 3, column 1: 'xi_a' is a reserved name" },
    { "dv/dt = -v/tau : 1\ntau : second\nrandn : 1\n", NULL, NULL,
      "line 3, column 1: 'randn' is a reserved name" },
    { "dv/dt = -v/tau : 1\ntau : second\n", NULL, "v = rand(1)",
      "reset, line 1, column 5: rand takes 0 arguments, not 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BslEquations) eq = bsl_equations_new (bad[i].model, bad[i].threshold,
                                                       bad[i].reset, NULL, NULL, &error);

      g_assert_null (eq);
      g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }
}

/* The methods Brian2 refuses for stochastic equations, refused with what to use instead. */
static void
test_methods (void)
{
  static const struct { const char *model, *method, *message; } cases[] = {
    { "dv/dt = -v/tau + xi*tau**-0.5 : 1\ntau : second\n", "rk4",
      "rk4 cannot integrate stochastic equations (xi): use euler, heun or milstein" },
    { "dv/dt = -v/tau + xi_n*tau**-0.5 : 1\ntau : second\n", "exponential_euler",
      "exponential_euler cannot integrate stochastic equations (xi_n): use euler, heun or "
      "milstein" },
    { "dv/dt = -v/tau + xi*tau**-0.5 : 1\ntau : second\n", "exact",
      "exact cannot integrate stochastic equations (xi): use euler, heun or milstein" },
    { "dv/dt = -v/tau + xi*tau**-0.5 : 1\ntau : second\n", "linear",
      "linear cannot integrate stochastic equations (xi): use euler, heun or milstein" },
    { "dv/dt = -v/tau + xi*tau**-0.5 : 1\ntau : second\n", "rk2",
      "rk2 cannot integrate stochastic equations (xi): use euler, heun or milstein" },
    { "dv/dt = -v/tau + v*xi*tau**-0.5 : 1\ntau : second\n", "euler",
      "euler cannot integrate multiplicative noise (the factor of xi in dv/dt depends on v): "
      "use heun or milstein" },
    { "dv/dt = (randn() - v)/tau : 1\ntau : second\n", "rk4",
      "rk4 cannot integrate a differential equation that calls rand() or randn(): use euler, "
      "heun, milstein or exponential_euler" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) check_error = NULL;
      g_autoptr (BslEquations) eq = bsl_equations_new (cases[i].model, NULL, NULL, NULL, NULL,
                                                       &error);

      g_assert_no_error (error);
      g_assert_false (bsl_equations_check_method (eq, cases[i].method, &check_error));
      g_assert_false (bsl_equations_set_method (eq, cases[i].method, &error));
      g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpstr (check_error->message, ==, cases[i].message);
    }
  /* what stays allowed */
  {
    g_autoptr (BslEquations) eq = equations ("dv/dt = (randn() - v)/tau : 1\ntau : second\n",
                                             NULL, NULL, "exponential_euler");
    g_autoptr (BslEquations) heun = equations ("dv/dt = -v/tau + sin(t/tau)/tau "
                                               "+ sin(t/tau)*xi*tau**-0.5 : 1\ntau : second\n", NULL,
                                               NULL, "heun");

    g_autoptr (BslEquations) milstein = equations ("dv/dt = -v/tau + v*xi*tau**-0.5 : 1\n"
                                                   "tau : second\n", NULL, NULL, "milstein");
    g_autoptr (BslEquations) additive = equations ("dv/dt = -v/tau + xi*tau**-0.5 : 1\n"
                                                   "tau : second\n", NULL, NULL, "heun");

    g_assert_true (bsl_equations_is_stochastic (eq));
    /* their own schemes where they differ from euler, else euler */
    g_assert_cmpint (bsl_equations_get_method (heun), ==, BSL_EQUATIONS_HEUN);
    g_assert_cmpint (bsl_equations_get_method (milstein), ==, BSL_EQUATIONS_MILSTEIN);
    g_assert_cmpint (bsl_equations_get_method (additive), ==, BSL_EQUATIONS_EULER);
  }
}

/* Models at the edges of what is accepted: each steps (its states stay finite) and its C and
 * Python sources are written. */
static void
test_accepted (void)
{
  static const struct { const char *model, *threshold, *reset, *refractory, *method; } ok[] = {
    /* noise alone, no drift: x keeps its value and takes the noise */
    { "dx/dt = xi*second**-0.5 : 1\n", NULL, NULL, NULL, "euler" },
    { "dx/dt = -(xi)*2/sqrt(second) - x/second : 1\n", NULL, NULL, NULL, "milstein" },
    { "dx/dt = (xi_1 - xi_2)/sqrt(tau) + (1 - x)/tau : 1\ntau : second\n", "x > rand()",
      "x = randn()*0.1", "(1 + rand())*ms", "heun" },
    { "dv/dt = -v*rand()/tau : 1\ntau : second\n", NULL, NULL, NULL, "exponential_euler" },
    { "dv/dt = -v/tau : 1\nu = clip(randn(), -1, 1) : 1\ntau : second\n", "u > 0.5",
      "v += u", NULL, "rk4" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (ok); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BslEquations) eq = bsl_equations_new (ok[c].model, ok[c].threshold,
                                                       ok[c].reset, ok[c].refractory, NULL,
                                                       &error);
      g_autofree char *c_source = NULL, *python = NULL;
      Pop pop;

      g_assert_no_error (error);
      g_assert_true (bsl_equations_set_method (eq, ok[c].method, &error));
      g_assert_true (bsl_equations_is_stochastic (eq));
      pop_init (&pop, eq, 5, 0.5, 10e-3);
      for (guint step = 0; step < 50; step++)
        pop_step (&pop, eq, 1e-4, step, 1, 2);
      for (guint i = 0; i < 5 * pop.ns; i++)
        g_assert_true (isfinite (pop.x[i]));
      /* the noise moved what has noise */
      if (strstr (ok[c].model, "xi") != NULL)
        g_assert_cmpfloat (pop.x[0], !=, pop.x[1]);
      pop_clear (&pop);
      c_source = bsl_equations_to_c (eq, "edge", &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (c_source, "edge_normal (uint64_t key"));
      python = bsl_equations_to_python (eq, "edge", &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (python, "def edge_normal(key"));
    }
}

/* A network: the same run with one thread and with two, bit for bit (the population is large
 * enough for the runtime to split it between the threads); another seed, another run. */
enum { N_NET = 10000, STEPS_NET = 200 };
static const char network[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"seed\": 3}, \"processes\": ["
  " {\"name\": \"n\", \"type\": \"Equations\", \"shape\": [10000], \"equations\": {"
  "   \"model\": \"dv/dt = (v_rest - v)/tau + sigma*xi*tau**-0.5 : volt (unless refractory)\\n"
  "v_rest : volt\\ntau : second\\nsigma : volt\\n\","
  "   \"threshold\": \"v > -50*mV\", \"reset\": \"v = -65*mV + 2*mV*rand()\","
  "   \"refractory\": \"2*ms\", \"method\": \"euler\"},"
  "  \"params\": {\"v\": \"-60*mV\", \"v_rest\": \"-55*mV\", \"tau\": \"10*ms\","
  "   \"sigma\": \"4*mV\", \"dt\": \"0.1*ms\", \"seed\": SEED}}]}";

static BslProbe *
run_network (const char  *seed,
             guint        n_threads,
             BslRuntime **rt_out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) split = g_strsplit (network, "SEED", 2);
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  BslProbe *probe;

  text = g_strconcat (split[0], seed, split[1], NULL);
  graph = bsl_graph_load_data (text, -1, "net.basalt", NULL, &error);
  g_assert_no_error (error);
  config->n_threads = n_threads;
  *rt_out = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  probe = bsl_runtime_add_probe (*rt_out, "n.v", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (*rt_out, STEPS_NET);
  return probe;
}

static void
test_threads (void)
{
  g_autoptr (BslRuntime) one = NULL, two = NULL, other = NULL;
  BslProbe *v1 = run_network ("0", 1, &one);
  BslProbe *v2 = run_network ("0", 2, &two);
  BslProbe *v3 = run_network ("1", 2, &other);
  guint differ = 0, reset = 0;

  for (guint t = 0; t < STEPS_NET; t++)
    {
      const double *a = bsl_probe_get_row (v1, t), *b = bsl_probe_get_row (v2, t);
      const double *c = bsl_probe_get_row (v3, t);

      g_assert_cmpmem (a, N_NET * sizeof (double), b, N_NET * sizeof (double));
      for (guint i = 0; i < N_NET; i++)
        {
          differ += a[i] != c[i];
          reset += a[i] <= -63e-3;
        }
    }
  g_assert_cmpuint (reset, >, 1000);
  g_assert_cmpuint (differ, >, N_NET * (STEPS_NET - 1));
}

/* The example from the command line: the same spikes and values with one thread and with two,
 * others with another seed; the file keeps the process's seed. */
static char *
run_example (const char *threads,
             const char *seed)
{
  g_autofree char *net = test_examples_path ("noisy-lif-equations.basalt");
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = test_run_basalt (&out, &err, "run", net, "--steps", "200", "--probe", "noisy.v",
                            "--probe", "noisy.s_out", "--threads", threads, "--seed", seed,
                            "--out", "-", NULL);
  if (status != 0)
    g_error ("basalt run: %s", err);
  /* with --out -, standard output is the CSV alone */
  g_assert_true (g_str_has_prefix (out, "step,probe,index,value\n"));
  return g_steal_pointer (&out);
}

static void
test_example (void)
{
  g_autofree char *one = run_example ("1", "1");
  g_autofree char *two = run_example ("2", "1");
  g_autofree char *other = run_example ("2", "2");
  g_autofree char *path = test_examples_path ("noisy-lif-equations.basalt");
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (path, &error);
  g_autofree char *saved = NULL;

  g_assert_cmpuint (strlen (one), >, 200 * 1000);
  g_assert_nonnull (strstr (one, ",noisy.s_out,"));
  g_assert_cmpstr (one, ==, two);
  g_assert_cmpstr (one, !=, other);
  g_assert_no_error (error);
  g_assert_cmpfloat (bsl_process_get_param (bsl_graph_find_process (graph, "noisy"),
                                            "seed")->data[0], ==, 0);
  g_assert_true (bsl_process_set_param (bsl_graph_find_process (graph, "noisy"), "seed",
                                        bsl_array_new_scalar (17), &error));
  saved = bsl_graph_to_data (graph, NULL);
  g_assert_nonnull (strstr (saved, "\"seed\" : 17"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/equations/noise/seeded", test_seeded);
  g_test_add_func ("/equations/noise/ornstein-uhlenbeck", test_ornstein_uhlenbeck);
  g_test_add_func ("/equations/noise/multiplicative", test_multiplicative);
  g_test_add_func ("/equations/noise/rand-randn", test_rand_randn);
  g_test_add_func ("/equations/noise/shared-noise", test_shared_noise);
  g_test_add_func ("/equations/noise/errors", test_errors);
  g_test_add_func ("/equations/noise/methods", test_methods);
  g_test_add_func ("/equations/noise/accepted", test_accepted);
  g_test_add_func ("/equations/noise/threads", test_threads);
  g_test_add_func ("/equations/noise/example", test_example);
  return g_test_run ();
}
