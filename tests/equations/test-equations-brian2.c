/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Equation-defined AdEx, LIF, a held (constant over dt) drive under every stepping method and
 * a refractoriness given as a condition against Brian2
 * (python3-brian 2.5). The models, parameters and initial values are in
 * data/brian2_models.ini, which brian2_adex.py also reads; its output for every method is
 * committed as data/<model>_brian2.csv. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "bsl-error.h"
#include "equations/bsl-equations.h"

/* Brian2 and Basalt do the same operations in a different order (Brian2 rewrites every
 * expression with sympy, e.g. exponential Euler as -B/A + (x + B/A)*exp(A*dt)), so the traces
 * differ by rounding: about 1e-16 relative per operation, amplified where a trajectory is
 * sensitive. The sharpest place is AdEx's upswing, where exp((vm - VT)/DeltaT) doubles the
 * rate of change every 1.4 mV; the measured difference is at most 6e-14 of the range of each
 * variable (AdEx under RK4), so 1e-11 leaves room for another libm. Anything that is not rounding (a wrong term, a step
 * too early or too late, a reset or refractory step missed) moves a trace by a percent of
 * its range or more and moves spikes by at least one step; spikes must be on the same steps. */
#define TOLERANCE 1e-11

typedef struct
{
  GKeyFile *ini;
  char *name;
  char *model, *threshold, *reset, *refractory;
  double dt;
  guint steps;
  guint n;
  char **params;          /* names in the ini */
  char **vars;            /* state variables recorded */
} Case;

static void
case_clear (Case *c)
{
  g_key_file_unref (c->ini);
  g_free (c->name);
  g_free (c->model);
  g_free (c->threshold);
  g_free (c->reset);
  g_free (c->refractory);
  g_strfreev (c->params);
  g_strfreev (c->vars);
}

static void
case_load (Case       *c,
           const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "equations", "data",
                                                 "brian2_models.ini", NULL);
  g_autofree char *pgroup = g_strconcat (name, ".params", NULL);
  g_autofree char *igroup = g_strconcat (name, ".init", NULL);
  g_autoptr (GError) error = NULL;
  gsize n;

  c->ini = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (c->ini, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  c->name = g_strdup (name);
  c->model = g_key_file_get_string (c->ini, name, "model", &error);
  g_assert_no_error (error);
  c->threshold = g_key_file_get_string (c->ini, name, "threshold", NULL);
  c->reset = g_key_file_get_string (c->ini, name, "reset", NULL);
  c->refractory = g_key_file_get_string (c->ini, name, "refractory", NULL);
  c->dt = g_key_file_get_double (c->ini, name, "dt", &error);
  c->steps = g_key_file_get_integer (c->ini, name, "steps", &error);
  g_assert_no_error (error);
  c->params = g_key_file_get_keys (c->ini, pgroup, NULL, &error);
  c->vars = g_key_file_get_keys (c->ini, igroup, NULL, &error);
  g_assert_no_error (error);
  g_free (g_key_file_get_double_list (c->ini, igroup, c->vars[0], &n, &error));
  g_assert_no_error (error);
  c->n = n;
}

static double *
case_values (Case       *c,
             const char *group_suffix,
             const char *key)
{
  g_autofree char *group = g_strconcat (c->name, group_suffix, NULL);
  g_autoptr (GError) error = NULL;
  gsize n = 0;
  double *v = g_key_file_get_double_list (c->ini, group, key, &n, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, c->n);
  return v;
}

/* The committed Brian2 run of one method: values[var][neuron * steps + step], spikes. */
typedef struct
{
  double **values;
  guint8 *spikes;
} Reference;

static void
reference_load (Case       *c,
                const char *method,
                Reference  *ref)
{
  g_autofree char *file = g_strdup_printf ("%s_brian2.csv", c->name);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "equations", "data", file, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  guint n_vars = g_strv_length (c->vars);
  gsize n_values = (gsize) c->n * c->steps;
  gsize found = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  ref->values = g_new0 (double *, n_vars);
  for (guint v = 0; v < n_vars; v++)
    {
      ref->values[v] = g_new (double, n_values);
      for (gsize i = 0; i < n_values; i++)
        ref->values[v][i] = NAN;
    }
  ref->spikes = g_new0 (guint8, n_values);
  /* model,method,neuron,step,var,value: fields split in place (the file has 24,000 lines) */
  for (char *line = text, *next_line; line != NULL && *line != '\0'; line = next_line)
    {
      char *f[6];
      guint n_fields = 0;
      guint64 neuron, step;

      next_line = strchr (line, '\n');
      if (next_line != NULL)
        *next_line++ = '\0';
      for (char *p = line; n_fields < 6; n_fields++)
        {
          f[n_fields] = p;
          if ((p = strchr (p, ',')) == NULL)
            {
              n_fields++;
              break;
            }
          *p++ = '\0';
        }
      if (n_fields != 6 || strcmp (f[1], method) != 0)
        continue;
      neuron = g_ascii_strtoull (f[2], NULL, 10);
      step = g_ascii_strtoull (f[3], NULL, 10);
      g_assert_cmpuint (neuron, <, c->n);
      g_assert_cmpuint (step, <, c->steps);
      if (strcmp (f[4], "spike") == 0)
        {
          ref->spikes[neuron * c->steps + step] = 1;
          continue;
        }
      for (guint v = 0; v < n_vars; v++)
        if (strcmp (f[4], c->vars[v]) == 0)
          {
            ref->values[v][neuron * c->steps + step] = g_ascii_strtod (f[5], NULL);
            found++;
          }
    }
  /* every value of every step is there */
  g_assert_cmpuint (found, ==, n_values * n_vars);
}

static void
reference_clear (Case      *c,
                 Reference *ref)
{
  for (guint v = 0; c->vars[v] != NULL; v++)
    g_free (ref->values[v]);
  g_free (ref->values);
  g_free (ref->spikes);
}

static void
compare_method (Case       *c,
                const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = NULL;
  Reference ref;
  guint ns, np, n_vars = g_strv_length (c->vars);
  g_autofree double **states = NULL;
  g_autofree double **params = NULL;
  g_autofree double *last = g_new (double, c->n);
  g_autofree double *spikes = g_new (double, c->n);
  g_autofree double *worst = g_new0 (double, n_vars);
  g_autofree double *range = g_new0 (double, n_vars);
  guint n_spikes = 0;

  eq = bsl_equations_new (c->model, c->threshold, c->reset, c->refractory, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (eq, method, &error));
  g_assert_no_error (error);
  reference_load (c, method, &ref);

  ns = bsl_equations_get_n_states (eq);
  np = bsl_equations_get_n_params (eq);
  g_assert_cmpuint (ns, ==, n_vars);
  states = g_new0 (double *, ns);
  params = g_new0 (double *, np);
  for (guint v = 0; v < n_vars; v++)
    {
      gint k = bsl_equations_find_state (eq, c->vars[v]);

      g_assert_cmpint (k, >=, 0);
      states[k] = case_values (c, ".init", c->vars[v]);
    }
  g_assert_cmpuint (g_strv_length (c->params), ==, np);
  for (guint j = 0; c->params[j] != NULL; j++)
    {
      gint p = bsl_equations_find_param (eq, c->params[j]);

      g_assert_cmpint (p, >=, 0);
      params[p] = case_values (c, ".params", c->params[j]);
    }
  for (guint i = 0; i < c->n; i++)
    last[i] = BSL_EQUATIONS_NEVER;

  for (guint v = 0; v < n_vars; v++)
    for (gsize i = 0; i < (gsize) c->n * c->steps; i++)
      range[v] = MAX (range[v], fabs (ref.values[v][i]));

  for (guint step = 0; step < c->steps; step++)
    {
      bsl_equations_step (eq, c->n, c->dt, step, states, params, NULL, last, spikes);
      for (guint i = 0; i < c->n; i++)
        {
          gsize at = (gsize) i * c->steps + step;

          if ((spikes[i] != 0) != (ref.spikes[at] != 0))
            g_error ("%s, %s, neuron %u: Brian2 %s at step %u, Basalt %s", c->name, method, i,
                     ref.spikes[at] ? "spikes" : "does not spike", step,
                     spikes[i] != 0 ? "does" : "does not");
          n_spikes += spikes[i] != 0;
          for (guint v = 0; v < n_vars; v++)
            {
              gint k = bsl_equations_find_state (eq, c->vars[v]);
              double d = fabs (states[k][i] - ref.values[v][at]) / range[v];

              worst[v] = MAX (worst[v], d);
            }
        }
    }
  for (guint v = 0; v < n_vars; v++)
    {
      g_test_message ("%s, %s: largest difference of %s = %.3g of its range; %u spikes",
                      c->name, method, c->vars[v], worst[v], n_spikes);
      g_assert_cmpfloat (worst[v], <=, TOLERANCE);
    }
  /* the comparison covers spikes of every neuron, not only the subthreshold approach */
  for (guint i = 0; i < c->n; i++)
    {
      guint count = 0;

      for (guint step = 0; step < c->steps; step++)
        count += ref.spikes[(gsize) i * c->steps + step];
      g_assert_cmpuint (count, >=, 2);
    }

  for (guint k = 0; k < ns; k++)
    g_free (states[k]);
  for (guint j = 0; j < np; j++)
    g_free (params[j]);
  reference_clear (c, &ref);
}

static void
test_model (gconstpointer data)
{
  const char *name = data;
  Case c = { 0 };
  g_auto (GStrv) methods = NULL;

  case_load (&c, name);
  methods = g_key_file_get_string_list (c.ini, name, "methods", NULL, NULL);
  g_assert_nonnull (methods);
  for (guint i = 0; methods[i] != NULL; i++)
    compare_method (&c, methods[i]);
  case_clear (&c);
}

/* Held over the step only matters when the subexpression changes within it: one of
 * parameters alone keeps every method. */
static void
test_held_of_parameters_keeps_methods (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq =
    bsl_equations_new ("dv/dt = (drive - v)/tau : volt\n"
                       "drive = 2*A : volt (constant over dt)\ntau : second\nA : volt",
                       NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (eq, "rk4", &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/equations/brian2/adex", "adex", test_model);
  g_test_add_data_func ("/equations/brian2/lif", "lif", test_model);
  g_test_add_data_func ("/equations/brian2/held", "held", test_model);
  g_test_add_data_func ("/equations/brian2/refractory-condition", "refcond", test_model);
  g_test_add_func ("/equations/brian2/held-of-parameters-keeps-methods",
                   test_held_of_parameters_keeps_methods);
  return g_test_run ();
}
