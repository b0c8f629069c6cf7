/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stepping: Lava's floating LIF written as equations, the integration methods against exact
 * solutions, the input and refractory conventions, and the C source against the engine. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "bsl-error.h"
#include "equations/bsl-equations.h"
#include "bsl-kernel-lif.h"

static BslEquations *
equations (const char *model,
           const char *threshold,
           const char *reset,
           const char *refractory,
           const char *input,
           const char *method)
{
  g_autoptr (GError) error = NULL;
  BslEquations *eq = bsl_equations_new (model, threshold, reset, refractory, input, &error);

  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (eq, method, &error));
  g_assert_no_error (error);
  return eq;
}

/* Lava's PyLifModelFloat, step by step: u = u*(1-du) + a_in; v = v*(1-dv) + u + bias_mant;
 * spike where v > vth, v = 0 there. As equations, with the input added to u before the
 * integration and forward Euler, the state u is Lava's u after its decay, u*(1-du), and
 * v is Lava's v. (The lava_lif template also makes u Lava's u: docs/equations.md.) */
static const char lava_lif[] =
  "du/dt = -du*u/dt : 1\n"
  "dv/dt = (-dv*v + u + bias_mant)/dt : 1\n"
  "du : 1\n"
  "dv : 1\n"
  "bias_mant : 1\n"
  "vth : 1\n";

static void
test_lava_lif (void)
{
  enum { N = 37, STEPS = 1000 };
  g_autoptr (BslEquations) eq = equations (lava_lif, "v > vth", "v = 0", NULL, "u", "euler");
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  double u[N] = { 0 }, v[N] = { 0 }, du[N], dv[N], bias[N], vth[N];
  double ref_u[N] = { 0 }, ref_v[N] = { 0 }, k_u[N] = { 0 }, k_v[N] = { 0 };
  double a_in[N], last[N], spikes[N], k_s[N];
  double *states[] = { u, v };
  double *params[] = { du, dv, bias, vth };
  double worst = 0;
  guint n_spikes = 0;

  for (guint i = 0; i < N; i++)
    {
      du[i] = g_rand_double_range (rand, 0.02, 0.5);
      dv[i] = g_rand_double_range (rand, 0.02, 0.3);
      bias[i] = g_rand_double_range (rand, 0, 1.5);
      vth[i] = g_rand_double_range (rand, 5, 15);
      last[i] = BSL_EQUATIONS_NEVER;
    }
  for (guint step = 1; step <= STEPS; step++)
    {
      for (guint i = 0; i < N; i++)
        a_in[i] = g_rand_double (rand) < 0.3 ? g_rand_double_range (rand, 0, 3) : 0;

      bsl_equations_step (eq, N, 1.0, step, states, params, a_in, last, spikes);

      for (guint i = 0; i < N; i++)
        {
          gboolean s;

          /* Lava's floating-point LIF, written out */
          ref_u[i] = ref_u[i] * (1 - du[i]) + a_in[i];
          ref_v[i] = ref_v[i] * (1 - dv[i]) + ref_u[i] + bias[i];
          s = ref_v[i] > vth[i];
          if (s)
            ref_v[i] = 0;
          /* and Basalt's built-in LIF kernel, one neuron at a time (du, dv are per neuron) */
          bsl_k_lif_float_step (i, i + 1, du[i], dv[i], vth[i], bias, a_in, k_u, k_v, k_s);
          g_assert_cmpfloat (k_v[i], ==, ref_v[i]);

          g_assert_cmpfloat (spikes[i], ==, s ? 1.0 : 0.0);
          g_assert_cmpfloat (k_s[i], ==, spikes[i]);
          n_spikes += s;
          worst = MAX (worst, fabs (v[i] - ref_v[i]));
          worst = MAX (worst, fabs (u[i] - ref_u[i] * (1 - du[i])));
          g_assert_cmpfloat_with_epsilon (v[i], ref_v[i], 1e-12);
          g_assert_cmpfloat_with_epsilon (u[i], ref_u[i] * (1 - du[i]), 1e-12);
          if (s)
            g_assert_cmpfloat (last[i], ==, step);
        }
    }
  g_test_message ("Lava LIF as equations: %u spikes, largest difference %.3g", n_spikes, worst);
  g_assert_cmpuint (n_spikes, >, N * 10);
}

/* dv/dt = (v_inf - v)/tau: exponential Euler is exact at every step, whatever dt. */
static void
test_exponential_euler_exact (void)
{
  static const double dts[] = { 0.1e-3, 1e-3, 50e-3 };
  g_autoptr (BslEquations) eq =
    equations ("dv/dt = (v_rest - v + R*I_ext)/tau : volt\n"
               "v_rest : volt\nR : ohm\nI_ext : amp\ntau : second\n",
               NULL, NULL, NULL, NULL, "exponential_euler");
  double v_rest = -65e-3, R = 100e6, I_ext = 0.3e-9, tau = 10e-3;
  double v_inf = v_rest + R * I_ext, v0 = -80e-3;
  double *params[] = { &v_rest, &R, &I_ext, &tau };

  for (guint d = 0; d < G_N_ELEMENTS (dts); d++)
    {
      double v = v0, last = BSL_EQUATIONS_NEVER, spike;
      double *states[] = { &v };
      double worst = 0;

      for (guint step = 0; step < 400; step++)
        {
          double t = (step + 1) * dts[d];
          double exact = v_inf + (v0 - v_inf) * exp (-t / tau);

          bsl_equations_step (eq, 1, dts[d], step, states, params, NULL, &last, &spike);
          worst = MAX (worst, fabs (v - exact));
          g_assert_cmpfloat (spike, ==, 0);
        }
      g_test_message ("exponential Euler, dt = %g s: largest error %.3g V", dts[d], worst);
      g_assert_cmpfloat (worst, <, 1e-15);
    }
}

static double
decay_error (const char *method,
             double      dt)
{
  g_autoptr (BslEquations) eq = equations ("dx/dt = -x/tau : 1\ntau : second\n", NULL, NULL,
                                           NULL, NULL, method);
  double x = 1, tau = 1, last = BSL_EQUATIONS_NEVER, spike;
  double *states[] = { &x };
  double *params[] = { &tau };
  guint steps = (guint) round (1.0 / dt);

  for (guint step = 0; step < steps; step++)
    bsl_equations_step (eq, 1, dt, step, states, params, NULL, &last, &spike);
  return fabs (x - exp (-1.0));
}

/* Halving dt divides the error at t = tau by 2^4 under RK4 and by 2 under Euler. */
static void
test_convergence_order (void)
{
  double rk4[3], euler[3];

  for (guint i = 0; i < 3; i++)
    {
      rk4[i] = decay_error ("rk4", 0.1 / (1 << i));
      euler[i] = decay_error ("euler", 0.1 / (1 << i));
    }
  for (guint i = 0; i < 2; i++)
    {
      double order_rk4 = log2 (rk4[i] / rk4[i + 1]);
      double order_euler = log2 (euler[i] / euler[i + 1]);

      g_test_message ("dt %g -> %g: RK4 error %.3g -> %.3g (order %.3f), Euler order %.3f",
                      0.1 / (1 << i), 0.1 / (2 << i), rk4[i], rk4[i + 1], order_rk4,
                      order_euler);
      g_assert_cmpfloat (fabs (order_rk4 - 4), <, 0.1);
      g_assert_cmpfloat (fabs (order_euler - 1), <, 0.1);
    }
  /* RK4's global error for x' = -x over one time constant: e^-1 h^4 / 120 */
  g_assert_cmpfloat (fabs (rk4[0] / (exp (-1.0) * 1e-4 / 120) - 1), <, 0.1);
}

/* The input is added to the input variable at the start of the step, then the equations are
 * integrated from there. */
static void
test_input_convention (void)
{
  g_autoptr (BslEquations) eq = equations ("dv/dt = -v/tau : volt\ntau : second\n",
                                           "v > 1*volt", "v = 0*volt", NULL, "v", "euler");
  double v = 0.25, tau = 10e-3, dt = 1e-3, in = 0.5, last = BSL_EQUATIONS_NEVER, spike;
  double *states[] = { &v };
  double *params[] = { &tau };
  double expected = (0.25 + 0.5) + dt * (-(0.25 + 0.5) / tau);

  bsl_equations_step (eq, 1, dt, 0, states, params, &in, &last, &spike);
  g_assert_cmpfloat (v, ==, expected);
  /* an input above threshold makes a spike in the same step */
  in = 2;
  bsl_equations_step (eq, 1, dt, 1, states, params, &in, &last, &spike);
  g_assert_cmpfloat (spike, ==, 1);
  g_assert_cmpfloat (v, ==, 0);
  g_assert_cmpfloat (last, ==, 1);
  /* without input, nothing is added */
  v = 0.5;
  bsl_equations_step (eq, 1, dt, 2, states, params, NULL, &last, &spike);
  g_assert_cmpfloat (v, ==, 0.5 + dt * (-0.5 / tau));
}

/* (unless refractory) holds v for refractory/dt steps after a spike, during which there is no
 * spike and the input to v is dropped; I goes on. */
static void
test_refractory (void)
{
  g_autoptr (BslEquations) eq =
    equations ("dv/dt = (v_rest - v + R*(I + I_ext))/tau : volt (unless refractory)\n"
               "dI/dt = -I/tau_syn : amp\n"
               "v_rest : volt\nR : ohm\nI_ext : amp\ntau : second\ntau_syn : second\n",
               "v > -50*mV", "v = -70*mV\nI += 0.1*nA", "2*ms", "v", "rk4");
  double v = -65e-3, I = 0, v_rest = -65e-3, R = 100e6, I_ext = 0.5e-9, tau = 10e-3;
  double tau_syn = 5e-3, dt = 0.1e-3, last = BSL_EQUATIONS_NEVER, spike, in = 1e-3;
  double *states[] = { &v, &I };
  double *params[] = { &v_rest, &R, &I_ext, &tau, &tau_syn };
  gint64 last_spike = -1;
  guint n_spikes = 0;

  for (gint64 step = 0; step < 3000; step++)
    {
      double I_before = I;

      bsl_equations_step (eq, 1, dt, step, states, params, &in, &last, &spike);
      if (last_spike >= 0 && step - last_spike < 20)
        {
          /* held at the reset, input dropped, no spike, while I decays */
          g_assert_cmpfloat (spike, ==, 0);
          g_assert_cmpfloat (v, ==, -70e-3);
          g_assert_cmpfloat (I, <, I_before);
        }
      else if (last_spike >= 0 && step - last_spike == 20)
        g_assert_cmpfloat (v, >, -70e-3);
      if (spike != 0)
        {
          g_assert_true (last_spike < 0 || step - last_spike >= 20);
          g_assert_cmpfloat (last, ==, step);
          g_assert_cmpfloat (v, ==, -70e-3);
          last_spike = step;
          n_spikes++;
        }
    }
  g_assert_cmpuint (n_spikes, >, 10);
}

/* A refractory condition: after a spike, v is held and the neuron cannot spike until a step
 * starts with the condition false (w has decayed); from then on it is not refractory, even in
 * the window of t where the condition holds again, until its next spike. last_spike_step gains
 * half a step where the refractoriness ends. */
static void
test_refractory_condition (void)
{
  g_autoptr (BslEquations) eq =
    equations ("dv/dt = 1*mV/ms : volt (unless refractory)\ndw/dt = -w/ms : volt\n",
               "v > 1*mV", "v = 0*mV\nw += 1*mV",
               "w > 0.5*mV or (t >= 2*ms and t < 2.5*ms)", NULL, "euler");
  double v = 0, w = 0, dt = 0.1e-3, last = BSL_EQUATIONS_NEVER, spike;
  double *states[] = { &v, &w };
  guint n_spikes = 0, n_released = 0, n_held_steps = 0, n_window_steps = 0;

  for (gint64 step = 0; step < 100; step++)
    {
      double v_before = v, w_before = w, last_before = last;

      bsl_equations_step (eq, 1, dt, step, states, NULL, NULL, &last, &spike);
      if (spike != 0)
        {
          g_assert_cmpfloat (last, ==, step);
          g_assert_cmpfloat (v, ==, 0);
          n_spikes++;
          continue;
        }
      if (isfinite (last_before) && last_before == floor (last_before)
          && last == last_before + 0.5)
        {
          /* the step that ends refractoriness starts with the condition false */
          g_assert_cmpfloat (w_before, <=, 0.5e-3);
          g_assert_cmpfloat (v, >, v_before);
          n_released++;
        }
      else if (isfinite (last) && last == floor (last))
        {
          /* still refractory: the condition held at the start of the step */
          g_assert_cmpfloat (w_before, >, 0.5e-3);
          g_assert_cmpfloat (v, ==, v_before);
          n_held_steps++;
        }
      else
        g_assert_cmpfloat (v, >, v_before);
      if (step >= 20 && step < 25)
        {
          g_assert_cmpfloat (last, !=, floor (last));
          n_window_steps++;
        }
    }
  g_assert_cmpuint (n_spikes, >=, 4);
  g_assert_cmpuint (n_released, ==, n_spikes);
  g_assert_cmpuint (n_held_steps, >=, 6 * n_spikes);
  g_assert_cmpuint (n_window_steps, ==, 5);
}

/* Every neuron of a population steps as it would alone, across the blocks the engine uses. */
static void
test_population_independent (void)
{
  enum { N = 301, STEPS = 200 };
  g_autoptr (BslEquations) eq =
    equations ("dv/dt = (v_rest - v + R*(I + I_ext))/tau : volt (unless refractory)\n"
               "dI/dt = -I/tau_syn : amp\n"
               "v_rest : volt\nR : ohm\nI_ext : amp\ntau : second\ntau_syn : second\n"
               "t_ref : second\n",
               "v > -50*mV", "v = -70*mV; I += 0.1*nA", "t_ref", "I", "euler");
  g_autofree double *p = g_new (double, 6 * N);
  g_autofree double *s = g_new (double, 2 * N);
  g_autofree double *s1 = g_new (double, 2 * N);
  double last[N], last1[N], spikes[N], in[N];
  double *params[6], *states[2] = { s, s + N };

  for (guint j = 0; j < 6; j++)
    params[j] = p + j * N;
  for (guint i = 0; i < N; i++)
    {
      params[0][i] = -65e-3;
      params[1][i] = 100e6;
      params[2][i] = 0.1e-9 + 0.4e-9 * i / N;
      params[3][i] = 5e-3 + 10e-3 * i / N;
      params[4][i] = 3e-3;
      params[5][i] = 1e-3 + 1e-4 * (i % 7);
      s[i] = -65e-3;
      s[N + i] = 0;
      last[i] = last1[i] = BSL_EQUATIONS_NEVER;
    }
  memcpy (s1, s, 2 * N * sizeof (double));
  for (gint64 step = 0; step < STEPS; step++)
    {
      for (guint i = 0; i < N; i++)
        in[i] = (step + i) % 13 == 0 ? 0.05e-9 : 0;
      bsl_equations_step (eq, N, 1e-4, step, states, params, in, last, spikes);
      for (guint i = 0; i < N; i++)
        {
          double *st1[2] = { s1 + i, s1 + N + i };
          double *pr1[6];
          double spike1;

          for (guint j = 0; j < 6; j++)
            pr1[j] = params[j] + i;
          bsl_equations_step (eq, 1, 1e-4, step, st1, pr1, in + i, last1 + i, &spike1);
          g_assert_cmpfloat (spike1, ==, spikes[i]);
        }
    }
  g_assert_cmpmem (s, 2 * N * sizeof (double), s1, 2 * N * sizeof (double));
  g_assert_cmpmem (last, sizeof last, last1, sizeof last1);
}

static const char adex_model[] =
  "dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I_ext - w)/Cm : volt "
  "(unless refractory)\n"
  "dw/dt = (a*(vm - EL) - w)/tauw : amp\n"
  "Cm : farad\ngL : siemens\nEL : volt\nVT : volt\nDeltaT : volt\ntauw : second\n"
  "a : siemens\nb : amp\nI_ext : amp\n";

typedef struct
{
  const BslEquations *eq;
  gsize n;
  double *states[2];
  double *params[9];
  double *last, *spikes;
} Slice;

static gpointer
step_slice (gpointer data)
{
  Slice *sl = data;

  for (gint64 step = 0; step < 500; step++)
    bsl_equations_step (sl->eq, sl->n, 1e-4, step, sl->states, sl->params, NULL, sl->last,
                        sl->spikes);
  return NULL;
}

/* One object, two threads, each stepping its own half of a population: the same numbers as
 * one thread stepping all of it. */
static void
test_threads (void)
{
  enum { N = 1000 };
  g_autoptr (BslEquations) eq = equations (adex_model, "vm > VT + 5*DeltaT",
                                           "vm = EL; w += b", "1*ms", NULL, "rk4");
  g_autofree double *mem = g_new (double, 2 * (2 + 9 + 2) * N);
  double *a = mem, *b = mem + (2 + 9 + 2) * N;
  static const double values[9] = { 281e-12, 30e-9, -70.6e-3, -50.4e-3, 2e-3, 144e-3, 4e-9,
                                    0.0805e-9, 1e-9 };
  Slice whole = { eq, N, { 0 }, { 0 }, NULL, NULL }, half[2];
  GThread *threads[2];
  double *params[9];

  for (guint j = 0; j < 9; j++)
    {
      params[j] = a + (2 + j) * N;
      for (guint i = 0; i < N; i++)
        params[j][i] = values[j] * (1 + 0.3 * i / N);
    }
  for (guint i = 0; i < N; i++)
    {
      a[i] = -70e-3;
      a[N + i] = 0;
      a[11 * N + i] = BSL_EQUATIONS_NEVER;
    }
  memcpy (b, a, (2 + 9 + 2) * N * sizeof (double));

  whole.states[0] = a;
  whole.states[1] = a + N;
  memcpy (whole.params, params, sizeof params);
  whole.last = a + 11 * N;
  whole.spikes = a + 12 * N;
  step_slice (&whole);

  for (guint h = 0; h < 2; h++)
    {
      gsize off = h * (N / 2);

      half[h].eq = eq;
      half[h].n = N / 2;
      half[h].states[0] = b + off;
      half[h].states[1] = b + N + off;
      for (guint j = 0; j < 9; j++)
        half[h].params[j] = params[j] + off;
      half[h].last = b + 11 * N + off;
      half[h].spikes = b + 12 * N + off;
      threads[h] = g_thread_new ("equations", step_slice, &half[h]);
    }
  for (guint h = 0; h < 2; h++)
    g_thread_join (threads[h]);
  g_assert_cmpmem (a, 2 * N * sizeof (double), b, 2 * N * sizeof (double));
  g_assert_cmpmem (a + 11 * N, 2 * N * sizeof (double), b + 11 * N, 2 * N * sizeof (double));
  /* every neuron has spiked, so thresholds, resets and refractoriness all ran */
  for (guint i = 0; i < N; i++)
    g_assert_cmpfloat (a[11 * N + i], >, 0);
}

/* Functions, powers and conditions, one Euler step against the same formula written in C. */
static void
test_functions (void)
{
  g_autoptr (BslEquations) eq =
    equations ("dx/dt = (clip(2*sin(t/second + 1), -0.5, 0.5) + tanh(x) + abs(y)**1.5\n"
               "         + exprel(y) + int(x > 0.5 and not (y > 1)) + sqrt(g/siemens)\n"
               "         + log(cosh(x)) + (x % 0.3) + floor(y) + sign(-x))/second : 1\n"
               "dy/dt = -y/tau + 3*exp(-t/tau)/tau*k : 1\n"
               "k = 1 - x/2 : 1\n"
               "g : siemens\ntau : second\n",
               NULL, NULL, NULL, NULL, "euler");
  double x = 0.7, y = -0.4, g = 4e-9, tau = 0.02, dt = 0.001, last = BSL_EQUATIONS_NEVER, sp;
  double *states[] = { &x, &y };
  double *params[] = { &g, &tau };
  double t = 5 * dt;
  double fx = fmin (fmax (2 * sin (t + 1), -0.5), 0.5) + tanh (0.7) + pow (fabs (-0.4), 1.5)
    + expm1 (-0.4) / -0.4 + 1.0 + sqrt (4e-9) + log (cosh (0.7))
    + (0.7 - floor (0.7 / 0.3) * 0.3) + floor (-0.4) - 1.0;
  double fy = -(-0.4) / tau + 3 * exp (-t / tau) / tau * (1 - 0.7 / 2);

  bsl_equations_step (eq, 1, dt, 5, states, params, NULL, &last, &sp);
  g_assert_cmpfloat_with_epsilon (x, 0.7 + dt * fx, 1e-14);
  g_assert_cmpfloat_with_epsilon (y, -0.4 + dt * fy, 1e-14);
}

/* The right-hand sides on their own, across blocks, match the formula. */
static void
test_eval_derivatives (void)
{
  enum { N = 200 };
  g_autoptr (BslEquations) eq =
    equations ("dv/dt = (v_rest - v + R*I)/tau : volt\ndI/dt = -I/tau_syn + t*nA/second**2 : amp\n"
               "v_rest : volt\nR : ohm\ntau : second\ntau_syn : second\n",
               NULL, NULL, NULL, NULL, "euler");
  double v[N], I[N], v_rest[N], R[N], tau[N], tau_syn[N], dv[N], dI[N];
  double *states[] = { v, I }, *params[] = { v_rest, R, tau, tau_syn }, *derivs[] = { dv, dI };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < N; i++)
    {
      v[i] = -70e-3 + 1e-4 * i;
      I[i] = 1e-11 * i;
      v_rest[i] = -65e-3;
      R[i] = 1e8 + 1e5 * i;
      tau[i] = 1e-2 + 1e-5 * i;
      tau_syn[i] = 5e-3;
    }
  bsl_equations_eval_derivatives (eq, N, 1e-4, 0.25, states, params, derivs);
  for (guint i = 0; i < N; i++)
    {
      g_assert_cmpfloat (dv[i], ==, (v_rest[i] - v[i] + R[i] * I[i]) / tau[i]);
      g_assert_cmpfloat_with_epsilon (dI[i], -I[i] / tau_syn[i] + 0.25 * 1e-9, 1e-20);
    }
  /* a linear model can take every method; the check changes nothing */
  g_assert_true (bsl_equations_check_method (eq, "exponential_euler", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bsl_equations_get_method (eq), ==, BSL_EQUATIONS_EULER);
  /* dI/dt reads t: no exact solution with constant coefficients */
  g_assert_false (bsl_equations_check_method (eq, "exact", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "dI/dt is not"));
  g_clear_error (&error);
  g_assert_false (bsl_equations_check_method (eq, "midpoint", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
}

/* ---- C source ---- */

static void
append_array (GString      *s,
              const char   *name,
              const double *v,
              gsize         n)
{
  g_string_append_printf (s, "static double %s[] = {", name);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%s%a", i ? ", " : " ", v[i]);
  g_string_append (s, " };\n");
}

/* The engine's run that a generated source must reproduce: a pulse of input every 11 steps,
 * scaled to the input variable's initial size; the spikes as "spike STEP NEURON" lines; the
 * final states (ns * n) and last-spike steps (n). */
typedef struct
{
  double  *scale;
  double  *states;
  double  *last;
  GString *spikes;
  guint    n_spikes;
} EngineRun;

static void
engine_run (BslEquations *eq,
            guint         n,
            double        dt,
            guint         steps,
            const double *init,
            const double *param,
            EngineRun    *run)
{
  guint ns = bsl_equations_get_n_states (eq), np = bsl_equations_get_n_params (eq);
  gint in_state = bsl_equations_get_input_state (eq);
  g_autofree double *in = g_new (double, n);
  g_autofree double *spikes = g_new (double, n);
  g_autofree double **states = g_new (double *, ns);
  g_autofree double **params = g_new (double *, MAX (np, 1));

  run->scale = g_new (double, n);
  run->states = g_memdup2 (init, sizeof (double) * ns * n);
  run->last = g_new (double, n);
  run->spikes = g_string_new (NULL);
  run->n_spikes = 0;
  for (guint i = 0; i < n; i++)
    {
      run->scale[i] = in_state >= 0 ? fabs (init[in_state * n + i]) + 1e-9 : 0.0;
      run->last[i] = BSL_EQUATIONS_NEVER;
    }
  for (guint k = 0; k < ns; k++)
    states[k] = run->states + k * n;
  for (guint j = 0; j < np; j++)
    params[j] = (double *) param + j * n;
  for (guint step = 0; step < steps; step++)
    {
      for (guint i = 0; i < n; i++)
        in[i] = ((step * 7 + i * 3) % 11 == 0 ? 0.25 : 0.0) * run->scale[i];
      /* every port (at most four) gets the same input */
      const double *inputs[4] = { in, in, in, in };
      BslEquationsContext ctx = { 0, n, in_state >= 0 ? inputs : NULL };

      g_assert_cmpuint (bsl_equations_get_n_inputs (eq), <=, G_N_ELEMENTS (inputs));
      bsl_equations_step_full (eq, n, dt, step, states, params, &ctx, run->last, spikes);
      for (guint i = 0; i < n; i++)
        if (spikes[i] != 0)
          {
            g_string_append_printf (run->spikes, "spike %u %u\n", step, i);
            run->n_spikes++;
          }
    }
}

static void
engine_run_clear (EngineRun *run)
{
  g_free (run->scale);
  g_free (run->states);
  g_free (run->last);
  g_string_free (run->spikes, TRUE);
}

/* Compiles the C source with a driver that steps it with the same inputs, and checks every
 * state, spike and last-spike step against bsl_equations_step, bit for bit. */
static void
check_c_source (BslEquations *eq,
                guint         n,
                double        dt,
                guint         steps,
                const double *init,      /* n_states * n */
                const double *param)     /* n_params * n */
{
  const char *cc = g_getenv ("CC") != NULL && *g_getenv ("CC") ? g_getenv ("CC") : "cc";
  g_autofree char *cc_path = g_find_program_in_path (cc);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *source = NULL;
  g_autofree char *src_path = NULL;
  g_autofree char *exe_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GString) prog = g_string_new (NULL);
  g_autoptr (GString) expected = g_string_new (NULL);
  guint ns = bsl_equations_get_n_states (eq), np = bsl_equations_get_n_params (eq);
  gint in_state = bsl_equations_get_input_state (eq);
  EngineRun run;
  int status = 0;

  if (cc_path == NULL)
    {
      g_test_skip ("no C compiler");
      return;
    }
  source = bsl_equations_to_c (eq, "neuron", &error);
  g_assert_no_error (error);

  /* the engine's run, printed as the driver prints its own */
  engine_run (eq, n, dt, steps, init, param, &run);
  g_string_append (expected, run.spikes->str);
  for (guint k = 0; k < ns * n; k++)
    g_string_append_printf (expected, "%a\n", run.states[k]);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (expected, "%a\n", run.last[i]);

  g_string_append (prog, source);
  g_string_append (prog, "\n#include <stdio.h>\n");
  append_array (prog, "init", init, ns * n);
  append_array (prog, "param", param, MAX (np, 1) * n);
  append_array (prog, "scale", run.scale, n);
  g_string_append_printf (prog,
    "int\nmain (void)\n{\n"
    "  enum { N = %u, NS = %u, NP = %u };\n"
    "  double *states[NS + 1], *params[NP + 1], in[N], last[N], spikes[N];\n\n"
    "  for (int k = 0; k < NS; k++)\n    states[k] = init + k * N;\n"
    "  for (int j = 0; j < NP; j++)\n    params[j] = param + j * N;\n"
    "  for (int i = 0; i < N; i++)\n    last[i] = -HUGE_VAL;\n"
    "  for (unsigned step = 0; step < %u; step++)\n    {\n"
    "      for (unsigned i = 0; i < N; i++)\n"
    "        in[i] = ((step * 7 + i * 3) %% 11 == 0 ? 0.25 : 0.0) * scale[i];\n"
    "      neuron_step (N, %a, step, states, params, %s, last, spikes%s);\n"
    "      for (int i = 0; i < N; i++)\n"
    "        if (spikes[i] != 0)\n          printf (\"spike %%u %%d\\n\", step, i);\n"
    "    }\n"
    "  for (int k = 0; k < NS * N; k++)\n    printf (\"%%a\\n\", init[k]);\n"
    "  for (int i = 0; i < N; i++)\n    printf (\"%%a\\n\", last[i]);\n"
    "  return 0;\n}\n",
    n, ns, np, steps, dt, in_state >= 0 ? "(const double *const[]) { in, in, in, in }" : "NULL",
    /* bsl_equations_step draws with the key 0 */
    bsl_equations_is_stochastic (eq) ? ", (uint64_t) 0" : "");

  dir = g_dir_make_tmp ("basalt-eq-XXXXXX", &error);
  g_assert_no_error (error);
  src_path = g_build_filename (dir, "neuron.c", NULL);
  exe_path = g_build_filename (dir, "neuron", NULL);
  g_assert_true (g_file_set_contents (src_path, prog->str, -1, &error));
  {
    const char *argv[] = { cc_path, "-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra",
                           "-Werror", "-Wno-unused-parameter", "-o", exe_path, src_path, "-lm",
                           NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the C source does not compile:\n%s\n%s", err, prog->str);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { exe_path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (strstr (expected->str, "spike ") != NULL);
  g_assert_cmpstr (out, ==, expected->str);
  g_unlink (exe_path);
  g_unlink (src_path);
  g_rmdir (dir);
  engine_run_clear (&run);
}

/* The Python source run by a driver with the same inputs: every state, spike and last-spike
 * step equal to bsl_equations_step's, bit for bit (Python's floats and math module are the C
 * library's doubles and functions). */
static void
check_python_source (BslEquations *eq,
                     guint         n,
                     double        dt,
                     guint         steps,
                     const double *init,
                     const double *param)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *source = NULL, *path = NULL, *out = NULL, *err = NULL;
  g_autoptr (GString) prog = g_string_new (NULL);
  g_autoptr (GString) expected = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  guint ns = bsl_equations_get_n_states (eq), np = bsl_equations_get_n_params (eq);
  gint in_state = bsl_equations_get_input_state (eq);
  guint line = 0;
  int status = 0;
  EngineRun run;

  if (python == NULL)
    {
      g_test_skip ("no python3");
      return;
    }
  source = bsl_equations_to_python (eq, "neuron_step", &error);
  g_assert_no_error (error);

  engine_run (eq, n, dt, steps, init, param, &run);
  g_assert_cmpuint (run.n_spikes, >, 0);

  g_string_append (prog, bsl_equations_python_prelude ());
  g_string_append (prog, "\n\n");
  g_string_append (prog, source);
  g_string_append_printf (prog, "\n\nN, NS, STEPS, DT = %u, %u, %u, float.fromhex('%a')\n", n, ns,
                          steps, dt);
  g_string_append (prog, "init = [");
  for (guint k = 0; k < ns * n; k++)
    g_string_append_printf (prog, "%sfloat.fromhex('%a')", k ? ", " : "", init[k]);
  g_string_append (prog, "]\nparam = [");
  for (guint k = 0; k < np * n; k++)
    g_string_append_printf (prog, "%sfloat.fromhex('%a')", k ? ", " : "", param[k]);
  g_string_append (prog, "]\nscale = [");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (prog, "%sfloat.fromhex('%a')", i ? ", " : "", run.scale[i]);
  g_string_append_printf (prog,
    "]\nstates = [init[k * N:(k + 1) * N] for k in range(NS)]\n"
    "params = [param[j * N:(j + 1) * N] for j in range(len(param) // N)]\n"
    "last = [-math.inf] * N\nspikes = [0.0] * N\n"
    "for step in range(STEPS):\n"
    "    inp = [(0.25 if (step * 7 + i * 3) %% 11 == 0 else 0.0) * scale[i] for i in range(N)]\n"
    "    neuron_step(N, DT, step, states, params, %s, last, spikes)\n"
    "    for i in range(N):\n"
    "        if spikes[i] != 0.0:\n"
    "            print('spike %%d %%d' %% (step, i))\n"
    "for k in range(NS):\n"
    "    for x in states[k]:\n"
    "        print(repr(x))\n"
    "for x in last:\n"
    "    print(repr(x))\n",
    in_state >= 0 ? "[inp] * 4" : "None");

  dir = g_dir_make_tmp ("basalt-eq-py-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "neuron.py", NULL);
  g_assert_true (g_file_set_contents (path, prog->str, -1, &error));
  {
    const char *argv[] = { python, path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the Python source fails:\n%s\n%s", err, prog->str);
  }
  /* spikes first, word for word; then every number, parsed and compared exactly */
  lines = g_strsplit (out, "\n", -1);
  {
    g_auto (GStrv) want = g_strsplit (run.spikes->str, "\n", -1);

    for (; want[line] != NULL && want[line][0] != '\0'; line++)
      g_assert_cmpstr (lines[line], ==, want[line]);
  }
  for (guint k = 0; k < ns * n; k++, line++)
    {
      double got = g_ascii_strtod (lines[line], NULL);

      /* a state that ran away is nan in both */
      if (!(isnan (got) && isnan (run.states[k])))
        g_assert_cmpfloat (got, ==, run.states[k]);
    }
  for (guint i = 0; i < n; i++, line++)
    g_assert_cmpfloat (g_ascii_strtod (lines[line], NULL), ==, run.last[i]);
  g_test_message ("Python source: %u spikes, %u states and last-spike steps equal", run.n_spikes,
                  (ns + 1) * n);
  g_unlink (path);
  g_rmdir (dir);
  engine_run_clear (&run);
}

static void
test_c_source (void)
{
  static const char *const methods[] = { "euler", "rk4" };
  static const char *const held_methods[] = { "euler", "exponential_euler", "rk4", "rk2" };
  double init[2 * 3] = { -70e-3, -60e-3, -52e-3, 0, 0.1e-9, 0 };
  double param[9 * 3] = {
    281e-12, 200e-12, 200e-12, 30e-9, 10e-9, 12e-9, -70.6e-3, -70e-3, -70e-3,
    -50.4e-3, -50e-3, -50e-3, 2e-3, 2e-3, 2e-3, 144e-3, 300e-3, 300e-3,
    4e-9, 2e-9, 2e-9, 0.0805e-9, 0.06e-9, 0.06e-9, 1e-9, 0.5e-9, 0.3e-9,
  };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      g_autoptr (BslEquations) eq = equations (adex_model, "vm > VT + 5*DeltaT",
                                               "vm = EL + 10*mV; w += b", NULL, "vm",
                                               methods[m]);

      check_c_source (eq, 3, 1e-4, 2000, init, param);
      check_python_source (eq, 3, 1e-4, 2000, init, param);
    }
  /* refractoriness, subexpressions, functions and t, under every method for such a model */
  for (guint m = 0; m < 5; m++)
    {
      if (g_str_equal (bsl_equations_method_to_string (m), "exact"))
        continue;
      g_autoptr (BslEquations) eq =
        equations ("dv/dt = (v_rest - v + R*I_syn)/tau : volt (unless refractory)\n"
                   "dg/dt = -g/tau_syn + clip(sin(2*pi*t/(50*ms)), 0, 1)*nS/ms : siemens\n"
                   "I_syn = g*(E - v) + 0.2*nA*int(t > 5*ms) : amp\n"
                   "v_rest : volt\nR : ohm\ntau : second\ntau_syn : second\nE : volt\n"
                   "t_ref : second\n",
                   "v > -50*mV and not_refractory", "v = -70*mV\ng *= 0.5", "t_ref", "v",
                   bsl_equations_method_to_string (m));
      double init2[2 * 2] = { -65e-3, -60e-3, 0, 1e-9 };
      double param2[6 * 2] = { -65e-3, -60e-3, 100e6, 80e6, 10e-3, 20e-3, 5e-3, 3e-3,
                               0, -10e-3, 2e-3, 3.3e-3 };

      check_c_source (eq, 2, 1e-4, 3000, init2, param2);
      check_python_source (eq, 2, 1e-4, 3000, init2, param2);
    }
  /* a refractoriness that a condition ends, and a (constant over dt) drive that reads v and t,
   * held through the stages */
  for (guint m = 0; m < G_N_ELEMENTS (held_methods); m++)
    {
      g_autoptr (BslEquations) eq =
        equations ("dv/dt = (v_rest - v + drive - u)/tau : volt (unless refractory)\n"
                   "du/dt = (a*(v - v_rest) - u)/tau_u : volt\n"
                   "drive = R*I0*(1 + 0.5*sin(2*pi*t/(50*ms))) + k*(v - v_rest) : volt "
                   "(constant over dt)\n"
                   "v_rest : volt\nR : ohm\nI0 : amp\ntau : second\ntau_u : second\na : 1\n"
                   "k : 1\n",
                   "v > -50*mV", "v = -70*mV\nu += 5*mV", "u > 2*mV", "v", held_methods[m]);
      double init3[2 * 2] = { -65e-3, -60e-3, 0, 0 };
      double param3[7 * 2] = { -65e-3, -60e-3, 100e6, 80e6, 0.3e-9, 0.25e-9, 10e-3, 20e-3,
                               30e-3, 50e-3, 0.2, 0.1, 0.1, -0.2 };

      check_c_source (eq, 2, 1e-4, 3000, init3, param3);
      check_python_source (eq, 2, 1e-4, 3000, init3, param3);
    }
  /* Brian2's CUBA neuron: exact, two ports, refractory; the second neuron's own parameters */
  {
    g_autoptr (BslEquations) eq =
      equations ("dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)\n"
                 "dge/dt = -ge/taue : volt\ndgi/dt = -gi/taui : volt\n"
                 "taum : second\ntaue : second\ntaui : second\nEl : volt\nVt : volt\n"
                 "Vr : volt\n", "v > Vt", "v = Vr", "5*ms", "a_ge: ge, a_gi: gi", "exact");
    double init3[3 * 2] = { -60e-3, -55e-3, 2e-3, 1e-3, 0, -1e-3 };
    double param3[6 * 2] = { 20e-3, 25e-3, 5e-3, 5e-3, 10e-3, 8e-3, -49e-3, -51e-3,
                             -50e-3, -50e-3, -60e-3, -60e-3 };

    check_c_source (eq, 2, 1e-4, 3000, init3, param3);
    check_python_source (eq, 2, 1e-4, 3000, init3, param3);
  }
}

/* Noise, rand() and randn(): the C and Python sources carry the generator and draw the same
 * numbers. */
static void
test_c_source_noise (void)
{
  g_autoptr (BslEquations) eq =
    equations ("dv/dt = (v_rest - v)/tau + sigma*xi*tau**-0.5 + 0.1*mV/ms*randn() : volt "
               "(unless refractory)\n"
               "v_rest : volt\ntau : second\nsigma : volt\n",
               "v > -50*mV + mV*rand()", "v = -70*mV + 2*mV*randn()", "1*ms", "v", "euler");
  double init[3] = { -65e-3, -60e-3, -55e-3 };
  double param[3 * 3] = { -52e-3, -51e-3, -50e-3, 10e-3, 12e-3, 8e-3, 3e-3, 2e-3, 4e-3 };

  check_c_source (eq, 3, 1e-4, 3000, init, param);
  check_python_source (eq, 3, 1e-4, 3000, init, param);
  /* multiplicative noise and a factor that changes with t: Brian2's own schemes */
  for (guint m = 0; m < 2; m++)
    {
      g_autoptr (BslEquations) mult =
        equations ("dv/dt = (v_rest - v)/tau + (1 + (v - v_rest)/(10*mV))*sigma*xi*tau**-0.5"
                   " + sin(t/tau)*sigma*xi_b/sqrt(tau) : volt (unless refractory)\n"
                   "v_rest : volt\ntau : second\nsigma : volt\n",
                   "v > -50*mV + mV*rand()", "v = -70*mV + 2*mV*randn()", "1*ms", "v",
                   m == 0 ? "heun" : "milstein");

      g_assert_cmpint (bsl_equations_get_method (mult), ==,
                       m == 0 ? BSL_EQUATIONS_HEUN : BSL_EQUATIONS_MILSTEIN);
      check_c_source (mult, 3, 1e-4, 3000, init, param);
      check_python_source (mult, 3, 1e-4, 3000, init, param);
    }
}

/* Tables (Brian2's TimedArray), one column and one per neuron, written into the C and Python
 * sources: the same bits as the engine's under every method the sources cover, also past the
 * table's end and with a table dt that is not a multiple of the step's. */
static void
test_c_source_tables (void)
{
  static const char *const methods[] = { "euler", "exponential_euler", "rk4" };
  double current[7], drive[9 * 2];
  const BslEquationsTable tables[] = {
    { "current", "amp", 1e-3, G_N_ELEMENTS (current), 0, current },
    { "drive", "volt", 0.25e-3, 9, 2, drive },
  };
  double init[2] = { -65e-3, -60e-3 };
  double param[3 * 2] = { -65e-3, -62e-3, 100e6, 80e6, 10e-3, 12e-3 };

  for (guint r = 0; r < G_N_ELEMENTS (current); r++)
    current[r] = 0.1e-9 * (double) (r % 4) + 0.12e-9;
  for (guint r = 0; r < G_N_ELEMENTS (drive); r++)
    drive[r] = 2e-3 * sin (0.7 * r);
  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BslEquations) eq = bsl_equations_new_with_tables (
        "I = current(t) : amp\n"
        "dv/dt = (v_rest - v + R*I + drive(t + 0.1*ms, i))/tau : volt\n"
        "v_rest : volt\nR : ohm\ntau : second\n",
        "v > -50*mV", "v = -70*mV", "1*ms", "v", tables, G_N_ELEMENTS (tables), &error);

      g_assert_no_error (error);
      g_assert_true (bsl_equations_set_method (eq, methods[m], &error));
      check_c_source (eq, 2, 1e-4, 3000, init, param);
      check_python_source (eq, 2, 1e-4, 3000, init, param);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/equations/step/lava-lif", test_lava_lif);
  g_test_add_func ("/equations/step/exponential-euler-exact", test_exponential_euler_exact);
  g_test_add_func ("/equations/step/convergence-order", test_convergence_order);
  g_test_add_func ("/equations/step/input-convention", test_input_convention);
  g_test_add_func ("/equations/step/refractory", test_refractory);
  g_test_add_func ("/equations/step/refractory-condition", test_refractory_condition);
  g_test_add_func ("/equations/step/population-independent", test_population_independent);
  g_test_add_func ("/equations/step/functions", test_functions);
  g_test_add_func ("/equations/step/threads", test_threads);
  g_test_add_func ("/equations/step/c-source-noise", test_c_source_noise);
  g_test_add_func ("/equations/step/eval-derivatives", test_eval_derivatives);
  g_test_add_func ("/equations/step/c-source", test_c_source);
  g_test_add_func ("/equations/step/c-source-tables", test_c_source_tables);
  return g_test_run ();
}
