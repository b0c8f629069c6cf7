/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Speed of equation-defined neurons: 10,000 neurons of a 2-variable model for 1,000 steps
 * under each method (and AdEx under Euler and RK4). Prints one line per case:
 *   build-eq/tests/equations/bench-equations [n] [steps] */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <glib.h>

#include "equations/bsl-equations.h"

static void
bench (const char   *label,
       const char   *model,
       const char   *threshold,
       const char   *reset,
       const char   *refractory,
       const char   *method,
       const double *param_values,
       const double *init,
       gsize         n,
       guint         steps)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = bsl_equations_new (model, threshold, reset, refractory, "v",
                                                   &error);
  guint ns, np;
  double **states, **params, *last, *spikes, *input;
  double total = 0;
  gint64 start;
  clock_t cpu_start;

  if (eq == NULL || !bsl_equations_set_method (eq, method, &error))
    {
      g_printerr ("%s: %s\n", label, error->message);
      exit (1);
    }
  ns = bsl_equations_get_n_states (eq);
  np = bsl_equations_get_n_params (eq);
  states = g_new (double *, ns);
  params = g_new (double *, np);
  for (guint k = 0; k < ns; k++)
    {
      states[k] = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        states[k][i] = init[k] * (1 + 1e-3 * (double) (i % 17));
    }
  for (guint j = 0; j < np; j++)
    {
      params[j] = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        params[j][i] = param_values[j] * (1 + 1e-2 * (double) (i % 11));
    }
  last = g_new (double, n);
  spikes = g_new (double, n);
  input = g_new0 (double, n);
  for (gsize i = 0; i < n; i++)
    last[i] = BSL_EQUATIONS_NEVER;

  start = g_get_monotonic_time ();
  cpu_start = clock ();
  for (guint step = 0; step < steps; step++)
    {
      bsl_equations_step (eq, n, 1e-4, step, states, params, input, last, spikes);
      for (gsize i = 0; i < n; i++)
        total += spikes[i];
    }
  {
    double s = (g_get_monotonic_time () - start) / 1e6;
    double cpu = (double) (clock () - cpu_start) / CLOCKS_PER_SEC;

    /* CPU time as well as wall time: a busy machine stretches only the latter */
    printf ("%-24s %-18s %zu neurons x %u steps: %7.1f ms wall, %7.1f ms CPU "
            "(%.1f ns per neuron-step; %u instructions per step; %.0f spikes)\n", label,
            method, n, steps, s * 1e3, cpu * 1e3, cpu * 1e9 / ((double) n * steps),
            bsl_equations_get_n_instructions (eq), total);
  }
  for (guint k = 0; k < ns; k++)
    g_free (states[k]);
  for (guint j = 0; j < np; j++)
    g_free (params[j]);
  g_free (states);
  g_free (params);
  g_free (last);
  g_free (spikes);
  g_free (input);
}

int
main (int    argc,
      char **argv)
{
  gsize n = argc > 1 ? (gsize) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  guint steps = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 1000;
  static const char *const methods[] = { "euler", "exponential_euler", "rk4" };
  static const char lif[] =
    "dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)\n"
    "dI/dt = -I/tau_syn : amp\n"
    "tau : second\ntau_syn : second\nv_rest : volt\nR : ohm\n";
  static const double lif_params[] = { 20e-3, 5e-3, -45e-3, 100e6 };
  static const double lif_init[] = { -65e-3, 0.3e-9 };
  static const char adex[] =
    "dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C : volt\n"
    "dw/dt = (a*(v - EL) - w)/tauw : amp\n"
    "C : farad\ngL : siemens\nEL : volt\nVT : volt\nDeltaT : volt\ntauw : second\n"
    "a : siemens\nb : amp\nI : amp\n";
  static const double adex_params[] = { 281e-12, 30e-9, -70.6e-3, -50.4e-3, 2e-3, 144e-3,
                                        4e-9, 0.0805e-9, 1e-9 };
  static const double adex_init[] = { -70.6e-3, 0 };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    bench ("LIF + synaptic current", lif, "v > -50*mV", "v = -70*mV; I += 0.1*nA", "2*ms",
           methods[m], lif_params, lif_init, n, steps);
  bench ("AdEx", adex, "v > VT + 5*DeltaT", "v = EL; w += b", NULL, "euler", adex_params,
         adex_init, n, steps);
  bench ("AdEx", adex, "v > VT + 5*DeltaT", "v = EL; w += b", NULL, "rk4", adex_params,
         adex_init, n, steps);
  return 0;
}
