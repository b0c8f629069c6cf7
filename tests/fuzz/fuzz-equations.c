/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Equations: the input is split at '\x01' into model, threshold, reset, refractory, input
 * variable and method. Every text is refused with a position, or compiles, steps a few neurons
 * and exports to C. */
#include "config.h"

#include "basalt-engine.h"
#include "equations/bsl-equations.h"
#include "fuzz-common.h"

static void
step_a_little (BslEquations *eq)
{
  guint n_states = bsl_equations_get_n_states (eq), n_params = bsl_equations_get_n_params (eq);
  g_autofree double *values = g_new0 (double, 3 * (n_states + n_params + 3));
  g_autofree double **states = g_new0 (double *, n_states + 1);
  g_autofree double **params = g_new0 (double *, n_params + 1);
  double *last = values + 3 * (n_states + n_params), *spikes = last + 3, *input = spikes + 3;
  g_autofree char *c = NULL;

  for (guint i = 0; i < n_states; i++)
    states[i] = values + 3 * i;
  for (guint i = 0; i < n_params; i++)
    {
      params[i] = values + 3 * (n_states + i);
      params[i][0] = 1e-3;
      params[i][1] = 1;
      params[i][2] = -2;
    }
  for (guint k = 0; k < 3; k++)
    last[k] = BSL_EQUATIONS_NEVER;
  for (gint64 s = 0; s < 3; s++)
    bsl_equations_step (eq, 3, 1e-4, s, states, params, input, last, spikes);
  c = bsl_equations_to_c (eq, "fuzz", NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) parts = g_strsplit (text, "\x01", 6);
  const char *field[6] = { "", "", "", "", "", "euler" };
  g_autoptr(GError) error = NULL;
  BslEquations *eq;

  fuzz_setup ();
  for (guint i = 0; i < 6 && parts[i] != NULL; i++)
    field[i] = parts[i];
  eq = bsl_equations_new (field[0], field[1], field[2], field[3], field[4], &error);
  if (eq == NULL)
    {
      fuzz_check_refusal (error, NULL);
      return 0;
    }
  if (bsl_equations_set_method (eq, field[5], &error))
    step_a_little (eq);
  else
    fuzz_check_refusal (error, NULL);
  bsl_equations_unref (eq);
  return 0;
}
