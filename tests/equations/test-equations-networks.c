/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Brian2 models driven through synapses, side by side with Brian2 (python3-brian 2.5): the
 * spikes of the presynaptic sources, the connections and Brian2's states and spikes are
 * committed as data/net_<example>.csv by brian2_networks.py. Each step, what the connections
 * deliver from the previous step's spikes arrives at the model's ports, as a Dense does. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "equations/bsl-equations.h"

/* Rounding only: Brian2 rewrites expressions with sympy, Basalt computes them as written. */
#define TOLERANCE 1e-9
#define MAX_PORTS 4

typedef struct
{
  const char *file;
  const char *model, *threshold, *reset, *refractory, *input, *method;
  guint n, n_steps;
  const char *params;                 /* "name=value;..." in SI units, every neuron */
  double external_weight[MAX_PORTS];  /* of an "in" spike, per port, onto every neuron */
} Case;

typedef struct
{
  guint pre, post, port;
  double weight;
} Synapse;

typedef struct
{
  GArray *inputs;          /* guint: steps of the sources' spikes, repeated per spike */
  GArray *synapses;        /* Synapse */
  GHashTable *spikes;      /* "step:neuron" */
  GHashTable *values;      /* "var:step:neuron" -> double* */
  GHashTable *initial;     /* "var:neuron" -> double* */
  guint n_spikes;
} Reference;

static void
reference_clear (Reference *r)
{
  g_array_unref (r->inputs);
  g_array_unref (r->synapses);
  g_hash_table_unref (r->spikes);
  g_hash_table_unref (r->values);
  g_hash_table_unref (r->initial);
}

static double *
boxed (double v)
{
  return g_memdup2 (&v, sizeof v);
}

static void
reference_load (Reference  *r,
                const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "equations", "data", file, NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  r->inputs = g_array_new (FALSE, FALSE, sizeof (guint));
  r->synapses = g_array_new (FALSE, FALSE, sizeof (Synapse));
  r->spikes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->initial = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->n_spikes = 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint l = 1; lines[l] != NULL && *lines[l] != '\0'; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], ",", 4);
      guint step = (guint) g_ascii_strtoull (f[1], NULL, 10);
      guint index = (guint) g_ascii_strtoull (f[2], NULL, 10);
      double value = g_ascii_strtod (f[3], NULL);

      if (g_str_equal (f[0], "in"))
        g_array_append_val (r->inputs, step);
      else if (g_str_has_prefix (f[0], "syn"))
        {
          Synapse s = { step, index, (guint) g_ascii_strtoull (f[0] + 3, NULL, 10), value };

          g_array_append_val (r->synapses, s);
        }
      else if (g_str_equal (f[0], "spike"))
        {
          g_hash_table_add (r->spikes, g_strdup_printf ("%u:%u", step, index));
          r->n_spikes++;
        }
      else if (g_str_has_prefix (f[0], "init:"))
        g_hash_table_insert (r->initial, g_strdup_printf ("%s:%u", f[0] + 5, index),
                             boxed (value));
      else
        g_hash_table_insert (r->values, g_strdup_printf ("%s:%u:%u", f[0], step, index),
                             boxed (value));
    }
}

static BslEquations *
case_equations (const Case *c)
{
  g_autoptr (GError) error = NULL;
  BslEquations *eq = bsl_equations_new (c->model, c->threshold, c->reset, c->refractory,
                                        c->input, &error);

  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (eq, c->method, &error));
  return eq;
}

static double **
new_arrays (guint count,
            guint n)
{
  double **a = g_new0 (double *, count + 1);

  for (guint k = 0; k < count; k++)
    a[k] = g_new0 (double, n);
  return a;
}

static void
fill_params (const Case     *c,
             BslEquations   *eq,
             double *const  *params)
{
  g_auto (GStrv) items = g_strsplit (c->params, ";", -1);

  for (guint k = 0; items[k] != NULL; k++)
    {
      g_auto (GStrv) kv = g_strsplit (items[k], "=", 2);
      gint j = bsl_equations_find_param (eq, kv[0]);

      if (*items[k] == '\0')
        continue;
      g_assert_cmpint (j, >=, 0);
      for (guint i = 0; i < c->n; i++)
        params[j][i] = g_ascii_strtod (kv[1], NULL);
    }
}

/* What the connections deliver at step s: the spikes of step s - 1. */
static void
deliver (const Case      *c,
         const Reference *r,
         guint            step,
         const double    *spikes,
         guint           *next_input,
         double *const   *port)
{
  for (guint p = 0; p < MAX_PORTS && port[p] != NULL; p++)
    memset (port[p], 0, c->n * sizeof (double));
  while (*next_input < r->inputs->len && g_array_index (r->inputs, guint, *next_input) + 1 <= step)
    {
      if (g_array_index (r->inputs, guint, *next_input) + 1 == step)
        for (guint p = 0; p < MAX_PORTS && port[p] != NULL; p++)
          for (guint i = 0; i < c->n; i++)
            port[p][i] += c->external_weight[p];
      (*next_input)++;
    }
  for (guint k = 0; step > 0 && k < r->synapses->len; k++)
    {
      const Synapse *s = &g_array_index (r->synapses, Synapse, k);

      if (spikes[s->pre] != 0.0)
        port[s->port][s->post] += s->weight;
    }
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (BslEquations) eq = case_equations (c);
  Reference r;
  guint ns = bsl_equations_get_n_states (eq), np = bsl_equations_get_n_params (eq);
  guint n_ports = bsl_equations_get_n_inputs (eq), next_input = 0, n_spikes = 0;
  double **states = new_arrays (ns, c->n), **params = new_arrays (np, c->n);
  double **port = new_arrays (MAX_PORTS, c->n);
  double **seen = new_arrays (ns, c->n), **seen_params = new_arrays (np, c->n);
  g_autofree double *last = g_new (double, c->n);
  g_autofree double *spikes = g_new0 (double, c->n);
  double *range = g_new0 (double, ns), worst = 0;
  const double *in[MAX_PORTS];
  BslEquationsContext ctx = { 0, c->n, in };

  reference_load (&r, c->file);
  for (guint p = n_ports; p < MAX_PORTS; p++)
    g_clear_pointer (&port[p], g_free);
  for (guint p = 0; p < n_ports; p++)
    in[p] = port[p];
  fill_params (c, eq, params);
  for (guint k = 0; k < ns; k++)
    for (guint i = 0; i < c->n; i++)
      {
        g_autofree char *key = g_strdup_printf ("%s:%u", bsl_equations_get_state_name (eq, k), i);
        const double *v = g_hash_table_lookup (r.initial, key);

        states[k][i] = v != NULL ? *v : 0.0;
      }
  for (guint i = 0; i < c->n; i++)
    last[i] = BSL_EQUATIONS_NEVER;
  /* the scale of each variable, for relative differences */
  {
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init (&it, r.values);
    while (g_hash_table_iter_next (&it, &key, &value))
      for (guint k = 0; k < ns; k++)
        if (g_str_has_prefix (key, bsl_equations_get_state_name (eq, k))
            && ((char *) key)[strlen (bsl_equations_get_state_name (eq, k))] == ':')
          range[k] = MAX (range[k], fabs (*(double *) value));
  }

  deliver (c, &r, 0, spikes, &next_input, port);
  for (guint step = 0; step < c->n_steps; step++)
    {
      bsl_equations_step_full (eq, c->n, 1e-4, step, states, params, &ctx, last, spikes);
      /* Brian2's state at the end of the step holds its on_pre effects, which Basalt takes in
       * at the start of the next step */
      deliver (c, &r, step + 1, spikes, &next_input, port);
      for (guint k = 0; k < ns; k++)
        memcpy (seen[k], states[k], c->n * sizeof (double));
      for (guint j = 0; j < np; j++)
        memcpy (seen_params[j], params[j], c->n * sizeof (double));
      bsl_equations_take_inputs (eq, c->n, 1e-4, step + 1, seen, seen_params, &ctx, last);
      for (guint i = 0; i < c->n; i++)
        {
          g_autofree char *key = g_strdup_printf ("%u:%u", step, i);
          gboolean expected = g_hash_table_contains (r.spikes, key);

          if (expected != (spikes[i] != 0.0))
            g_error ("%s: neuron %u %s at step %u, Brian2 %s", c->file, i,
                     spikes[i] != 0.0 ? "spikes" : "does not spike", step,
                     expected ? "does" : "does not");
          n_spikes += spikes[i] != 0.0;
          for (guint k = 0; k < ns; k++)
            {
              g_autofree char *vkey = g_strdup_printf ("%s:%u:%u",
                                                       bsl_equations_get_state_name (eq, k),
                                                       step, i);
              const double *ref = g_hash_table_lookup (r.values, vkey);
              double d;

              if (ref == NULL)
                continue;
              d = fabs (seen[k][i] - *ref) / MAX (fabs (*ref), 1e-3 * range[k]);
              worst = MAX (worst, d);
              if (d > TOLERANCE)
                g_error ("%s: %s of neuron %u at step %u is %.17g, Brian2 %.17g", c->file,
                         bsl_equations_get_state_name (eq, k), i, step, seen[k][i], *ref);
            }
        }
    }
  g_test_message ("%s: %u spikes on Brian2's steps, states within %.3g relative", c->file,
                  n_spikes, worst);
  g_assert_cmpuint (n_spikes, ==, r.n_spikes);
  g_assert_cmpuint (n_spikes, >, 0);
  for (guint k = 0; k < ns; k++)
    {
      g_free (states[k]);
      g_free (seen[k]);
    }
  for (guint j = 0; j < np; j++)
    {
      g_free (params[j]);
      g_free (seen_params[j]);
    }
  g_free (seen);
  g_free (seen_params);
  for (guint p = 0; p < MAX_PORTS; p++)
    g_free (port[p]);
  g_free (states);
  g_free (params);
  g_free (port);
  g_free (range);
  reference_clear (&r);
}

/* Brian2's examples/adaptive_threshold.py: Poisson input through on_pre 'v += 3*mV'; the
 * reset overwrites v, so an input in the spike step is lost. */
static const Case adaptive_threshold = {
  "net_adaptive_threshold.csv",
  "dv/dt = -v/(10*ms) : volt\ndvt/dt = (10*mV-vt)/(15*ms) : volt\n",
  "v>vt", "v = 0*mV\nvt += 3*mV", NULL, "v", "exponential_euler",
  1, 20000, "", { 3e-3 },
};

/* Two neurons held while refractory (1 ms and 2 ms), input on every step into v (unless
 * refractory) and x through two ports. */
static const Case refractory = {
  "net_refractory.csv",
  "dv/dt = (1.2*mV - v)/(10*ms) : volt (unless refractory)\ndx/dt = -x/(10*ms) : volt\n",
  "v > 1*mV", "v -= 0.5*mV", "(1 + i)*ms", "a_v: v, a_x: x", "euler",
  2, 400, "", { 0.05e-3, 0.05e-3 },
};

/* The same drive with a refractoriness that a condition on w ends (about 2.4 ms and 1 ms
 * after a spike): input to v is dropped until then. */
static const Case refractory_condition = {
  "net_refractory_condition.csv",
  "dv/dt = (1.2*mV - v)/(10*ms) : volt (unless refractory)\ndx/dt = -x/(10*ms) : volt\n"
  "dw/dt = -w/(2*ms) : volt\n",
  "v > 1*mV", "v -= 0.5*mV\nw += 1*mV", "w > (0.3 + 0.3*i)*mV", "a_v: v, a_x: x", "euler",
  2, 400, "", { 0.05e-3, 0.05e-3 },
};

/* Brian2's CUBA example (500 neurons): two current-like inputs through two ports, exact. */
static const Case cuba = {
  "net_cuba.csv",
  "dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)\n"
  "dge/dt = -ge/taue : volt\ndgi/dt = -gi/taui : volt\n"
  "taum : second\ntaue : second\ntaui : second\nEl : volt\nVt : volt\nVr : volt\n",
  "v>Vt", "v = Vr", "5*ms", "a_e: ge, a_i: gi", "exact",
  500, 1000, "taum=0.02;taue=0.005;taui=0.01;El=-0.049;Vt=-0.05;Vr=-0.06", { 0 },
};

/* The COBA benchmark (500 neurons): two conductances through two ports, exponential Euler. */
static const Case coba = {
  "net_coba.csv",
  "dv/dt  = (ge*(Erev_exc-v)+gi*(Erev_inh-v)-(v-El) + I)*(1./taum) : volt (unless refractory)\n"
  "dge/dt = -ge/taue : 1\ndgi/dt = -gi/taui : 1\n"
  "taum : second\ntaue : second\ntaui : second\nEl : volt\nVt : volt\nVr : volt\n"
  "Erev_exc : volt\nErev_inh : volt\nI : volt\n",
  "v>Vt", "v = Vr", "5*ms", "a_e: ge, a_i: gi", "exponential_euler",
  500, 1000,
  "taum=0.02;taue=0.005;taui=0.01;El=-0.06;Vt=-0.05;Vr=-0.06;Erev_exc=0;Erev_inh=-0.08;I=0.02",
  { 0 },
};

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/equations/networks/adaptive-threshold", &adaptive_threshold, run_case);
  g_test_add_data_func ("/equations/networks/refractory", &refractory, run_case);
  g_test_add_data_func ("/equations/networks/refractory-condition", &refractory_condition,
                        run_case);
  g_test_add_data_func ("/equations/networks/cuba", &cuba, run_case);
  g_test_add_data_func ("/equations/networks/coba", &coba, run_case);
  return g_test_run ();
}
