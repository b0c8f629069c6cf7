/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tables over time (Brian2's TimedArray) in equations: side by side with Brian2 (committed
 * traces of brian2_timed.py), interpreted and as machine code; their errors; the file's
 * "tables" object, read, run and saved. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "bsl-equations-type.h"
#include "bsl-graph.h"
#include "bsl-network-file.h"
#include "bsl-runtime.h"
#include "equations/bsl-equations.h"

enum { STEPS = 1500, MAX_N = 4 };
#define DT 1e-4

typedef struct
{
  const char *file, *model, *threshold, *reset, *refractory, *method, *unit;
  double table_dt;
  guint n;
  double params[MAX_N * 3];     /* per parameter, one value per neuron */
} Case;

/* What Brian2 computed: its table, its v at the end of every step, its spikes. */
typedef struct
{
  GArray *table;                /* double, row-major */
  gsize rows, columns;
  double v[STEPS][MAX_N];
  GHashTable *spikes;           /* "step,index" */
} Reference;

static void
reference_clear (Reference *r)
{
  g_clear_pointer (&r->table, g_array_unref);
  g_clear_pointer (&r->spikes, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reference, reference_clear)

static void
reference_load (Reference  *r,
                const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "equations", "data", file, NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) cells = g_array_new (FALSE, FALSE, sizeof (double) * 3);

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  r->spikes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint l = 1; lines[l] != NULL && *lines[l] != '\0'; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], ",", 4);
      double cell[3] = { g_ascii_strtod (f[1], NULL), g_ascii_strtod (f[2], NULL),
                         g_ascii_strtod (f[3], NULL) };

      if (g_str_equal (f[0], "table"))
        {
          g_array_append_val (cells, cell);
          r->rows = MAX (r->rows, (gsize) cell[0] + 1);
          r->columns = MAX (r->columns, (gsize) cell[1] + 1);
        }
      else if (g_str_equal (f[0], "v"))
        r->v[(gsize) cell[0]][(gsize) cell[1]] = cell[2];
      else if (g_str_equal (f[0], "spike"))
        g_hash_table_add (r->spikes, g_strdup_printf ("%s,%s", f[1], f[2]));
    }
  r->table = g_array_new (FALSE, TRUE, sizeof (double));
  g_array_set_size (r->table, r->rows * r->columns);
  for (guint k = 0; k < cells->len; k++)
    {
      const double *cell = &g_array_index (cells, double, 3 * k);

      g_array_index (r->table, double, (gsize) cell[0] * r->columns + (gsize) cell[1]) = cell[2];
    }
}

static BslEquationsTable
reference_table (const Reference *r,
                 const Case      *c)
{
  return (BslEquationsTable) { "stimulus", c->unit, c->table_dt, r->rows,
                               r->columns > 1 ? r->columns : 0, (double *) r->table->data };
}

/* Every spike on Brian2's step, v within 1e-9 of Brian2's value; returns the largest relative
 * difference. v_out: the run's v, STEPS * n. */
static double
run_against (const Case      *c,
             const Reference *r,
             gboolean         native,
             double          *v_out)
{
  g_autoptr (GError) error = NULL;
  BslEquationsTable table = reference_table (r, c);
  g_autoptr (BslEquations) eq = bsl_equations_new_with_tables (c->model, c->threshold, c->reset,
                                                               c->refractory, NULL, &table, 1,
                                                               &error);
  double v[MAX_N], last[MAX_N], spikes[MAX_N], params[3][MAX_N];
  double *states[1] = { v }, *param_ptrs[3] = { params[0], params[1], params[2] };
  double worst = 0;
  guint n_spikes = 0;

  g_assert_no_error (error);
  g_assert_true (bsl_equations_set_method (eq, c->method, &error));
  if (native && !bsl_equations_prepare_native (eq))
    {
      g_test_message ("no machine code: %s", bsl_equations_get_native_why (eq));
      return -1;
    }
  for (guint i = 0; i < c->n; i++)
    {
      v[i] = -65e-3;
      last[i] = BSL_EQUATIONS_NEVER;
      for (guint j = 0; j < bsl_equations_get_n_params (eq); j++)
        params[j][i] = c->params[j * c->n + i];
    }
  for (guint step = 0; step < STEPS; step++)
    {
      bsl_equations_step (eq, c->n, DT, step, states, param_ptrs, NULL, last, spikes);
      for (guint i = 0; i < c->n; i++)
        {
          g_autofree char *key = g_strdup_printf ("%u,%u", step, i);
          double ref = r->v[step][i];

          if ((spikes[i] != 0) != g_hash_table_contains (r->spikes, key))
            g_error ("%s: neuron %u %s at step %u, Brian2 %s", c->file, i,
                     spikes[i] != 0 ? "spikes" : "does not spike", step,
                     spikes[i] != 0 ? "does not" : "does");
          n_spikes += spikes[i] != 0;
          worst = MAX (worst, fabs (v[i] - ref) / fabs (ref));
          v_out[step * c->n + i] = v[i];
        }
    }
  g_assert_cmpuint (n_spikes, ==, g_hash_table_size (r->spikes));
  g_assert_cmpuint (n_spikes, >=, 10);
  g_test_message ("%s%s: %u spikes on Brian2's steps, v within %.1e", c->file,
                  native ? " (machine code)" : "", n_spikes, worst);
  g_assert_cmpfloat (worst, <=, 1e-9);
  return worst;
}

static void
test_brian2 (gconstpointer data)
{
  const Case *c = data;
  g_auto (Reference) r = { 0 };
  g_autofree double *interpreted = g_new (double, STEPS * c->n);
  g_autofree double *native = g_new (double, STEPS * c->n);

  reference_load (&r, c->file);
  run_against (c, &r, FALSE, interpreted);
  if (run_against (c, &r, TRUE, native) >= 0)
    g_assert_true (memcmp (native, interpreted, STEPS * c->n * sizeof (double)) == 0);
}

static const char model_1d[] =
  "I = stimulus(t) : amp\n"
  "dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)\n"
  "v_rest : volt\nR : ohm\ntau : second\n";
static const char model_2d[] = "dv/dt = (stimulus(t, i) - v)/tau : volt\ntau : second\n";

static const Case cases[] = {
  { "timed_1d_euler.csv", model_1d, "v > -50*mV", "v = -65*mV", "2*ms", "euler", "amp", 1e-3,
    1, { -65e-3, 100e6, 10e-3 } },
  { "timed_1d_rk4.csv", model_1d, "v > -50*mV", "v = -65*mV", "2*ms", "rk4", "amp", 1e-3,
    1, { -65e-3, 100e6, 10e-3 } },
  { "timed_2d_exponential_euler.csv", model_2d, "v > -50*mV", "v = -60*mV", NULL,
    "exponential_euler", "volt", 0.3e-3, 4, { 4e-3, 6e-3, 8e-3, 10e-3 } },
  { "timed_2d_rk4.csv", model_2d, "v > -50*mV", "v = -60*mV", NULL, "rk4", "volt", 0.3e-3,
    4, { 4e-3, 6e-3, 8e-3, 10e-3 } },
};

/* ---- errors ---- */

static const double three[3 * 3] = { 1e-10, 2e-10, 3e-10, 4e-10, 5e-10, 6e-10, 7e-10, 8e-10,
                                      9e-10 };

static char *
model_error (const char              *model,
             const BslEquationsTable *tables,
             guint                    n_tables)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = bsl_equations_new_with_tables (model, NULL, NULL, NULL, NULL,
                                                               tables, n_tables, &error);

  g_assert_null (eq);
  g_assert_nonnull (error);
  return g_strdup (error->message);
}

static void
test_errors (void)
{
  const BslEquationsTable tables[] = {
    { "stimulus", "amp", 1e-3, 3, 0, three },
    { "drive", "volt", 1e-3, 3, 3, three },
  };
  static const struct { const char *model, *message; } cases_text[] = {
    { "dv/dt = (stimulos(t) - v)/tau : volt\ntau : second\n",
      "line 1, column 10: unknown function 'stimulos'" },
    { "dv/dt = (stimulus(t, i)*ohm - v)/tau : volt\ntau : second\n",
      "line 1, column 10: table stimulus takes 1 argument (t), not 2" },
    { "dv/dt = (drive(t) - v)/tau : volt\ntau : second\n",
      "line 1, column 10: table drive takes 2 arguments (t, i), not 1" },
    { "dv/dt = (stimulus(t) - v)/tau : volt\ntau : second\n",
      "line 1, column 22: cannot subtract volt from amp (table 'stimulus' is in amp)" },
    { "dv/dt = -v/tau : volt\nI = stimulus(t) : volt\ntau : second\n",
      "line 2, column 5: the right-hand side of I has unit amp, but I is declared as volt "
      "(table 'stimulus' is in amp)" },
    { "dv/dt = (drive(v, i) - v)/tau : volt\ntau : second\n",
      "line 1, column 16: table 'drive' takes a time (second) as its first argument, not volt" },
    { "dv/dt = (drive(t, v) - v)/tau : volt\ntau : second\n",
      "line 1, column 19: table 'drive' takes a neuron's index (like i) as its second argument, "
      "not a value in volt" },
    { "dv/dt = -v/tau : volt\ntau : second\nstimulus : amp\n",
      "line 3, column 1: 'stimulus' is the name of a table of the process; declare another name" },
  };
  BslEquationsTable bad;
  g_autoptr (GError) error = NULL;
  g_autoptr (BslEquations) eq = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (cases_text); k++)
    {
      g_autofree char *message = model_error (cases_text[k].model, tables, 2);

      g_assert_cmpstr (message, ==, cases_text[k].message);
    }
  bad = (BslEquationsTable) { "stimulus", "amp", 1e-3, 0, 0, three };
  {
    g_autofree char *message = model_error ("dv/dt = -v/tau : volt\ntau : second\n", &bad, 1);

    g_assert_cmpstr (message, ==, "table 'stimulus' is empty: it needs at least one row of values");
  }
  bad = (BslEquationsTable) { "stimulus", "nA", 1e-3, 3, 0, three };
  {
    g_autofree char *message = model_error ("dv/dt = -v/tau : volt\ntau : second\n", &bad, 1);

    g_assert_cmpstr (message, ==, "table 'stimulus': give the values in the unscaled unit amp, "
                     "not nA (SI units)");
  }
  bad = (BslEquationsTable) { "exp", "amp", 1e-3, 3, 0, three };
  {
    g_autofree char *message = model_error ("dv/dt = -v/tau : volt\ntau : second\n", &bad, 1);

    g_assert_cmpstr (message, ==, "a table's name must be an identifier other than a "
                     "function's or a built-in's, not 'exp'");
  }

  /* a table of one column per neuron needs as many columns as the population has neurons */
  eq = bsl_equations_new_with_tables ("dv/dt = (drive(t, i) - v)/tau : volt\ntau : second\n",
                                      NULL, NULL, NULL, NULL, tables, 2, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_equations_check_population (eq, 3, &error));
  g_assert_false (bsl_equations_check_population (eq, 4, &error));
  g_assert_cmpstr (error->message, ==, "table 'drive' has 3 columns (one per neuron, for "
                   "drive(t, i)), but the population has 4 neurons");
  g_clear_error (&error);
  /* exact integration needs the coefficients constant in time */
  g_assert_false (bsl_equations_set_method (eq, "exact", &error));
  g_clear_error (&error);
}

/* Brian2's rounding of a time to its row: the row of t = step * dt for every step, with the
 * table's dt a whole number of steps or not, up to and past the end. */
static void
test_rows (void)
{
  static const double values[5] = { 0, 1, 2, 3, 4 };
  static const struct { double table_dt, dt; guint step, row; } rows[] = {
    { 1e-3, 1e-4, 0, 0 }, { 1e-3, 1e-4, 9, 0 }, { 1e-3, 1e-4, 10, 1 }, { 1e-3, 1e-4, 29, 2 },
    { 1e-3, 1e-4, 30, 3 }, { 1e-3, 1e-4, 49, 4 }, { 1e-3, 1e-4, 5000, 4 },
    { 0.3e-3, 1e-4, 2, 0 }, { 0.3e-3, 1e-4, 3, 1 }, { 0.3e-3, 1e-4, 6, 2 },
    { 0.3e-3, 1e-4, 9, 3 }, { 1e-4, 1e-3, 1, 4 }, { 1e-4, 1e-3, 0, 0 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (rows); k++)
    {
      g_autoptr (GError) error = NULL;
      BslEquationsTable table = { "x", "1", rows[k].table_dt, 5, 0, values };
      g_autoptr (BslEquations) eq = bsl_equations_new_with_tables (
        "dv/dt = (x(t) - v)/dt : 1\n", NULL, NULL, NULL, NULL, &table, 1, &error);
      double v = 0, last = BSL_EQUATIONS_NEVER, spike, *states[1] = { &v };

      g_assert_no_error (error);
      /* Euler over one step of dt = the time constant: v becomes x(t) */
      bsl_equations_step (eq, 1, rows[k].dt, rows[k].step, states, NULL, NULL, &last, &spike);
      g_assert_cmpfloat_with_epsilon (v, rows[k].row, 1e-9);
    }
}

/* ---- the file ---- */

static const char file_head[] =
  "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
  " {\"name\": \"n\", \"type\": \"Equations\", \"shape\": [%u], \"equations\": {"
  "   \"model\": \"%s\", \"threshold\": \"v > -50*mV\", \"reset\": \"v = -65*mV\","
  "   \"refractory\": \"2*ms\", \"method\": \"%s\", \"tables\": %s},"
  "  \"params\": {\"v\": \"-65*mV\", %s \"dt\": \"0.1*ms\"}}]}";

static char *
network (guint       n,
         const char *model,
         const char *method,
         const char *tables,
         const char *params)
{
  g_autofree char *escaped = g_strescape (model, NULL);

  return g_strdup_printf (file_head, n, escaped, method, tables, params);
}

static char *
load_error (const char *text,
            const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (text, -1, "net.basalt", dir, &error);

  g_assert_null (graph);
  return g_strdup (error->message);
}

/* The 1-D case from a .basalt file with its table inline: the run gives Brian2's trace, and
 * saving writes the tables back as they were read. */
static void
test_file_run (void)
{
  const Case *c = &cases[0];
  g_auto (Reference) r = { 0 };
  g_autoptr (GString) values = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (BslGraph) back = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (BslRuntime) rt = NULL;
  g_autofree char *text = NULL, *tables = NULL, *saved = NULL, *again = NULL;
  BslEquationsText eq_text;
  BslProbe *v;

  reference_load (&r, c->file);
  for (gsize k = 0; k < r.rows; k++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (values, "%s%s", k > 0 ? ", " : "",
                              g_ascii_formatd (buf, sizeof buf, "%.17g",
                                               g_array_index (r.table, double, k)));
    }
  tables = g_strdup_printf ("{\"stimulus\": {\"dt\": \"1*ms\", \"unit\": \"amp\", \"values\": "
                            "[%s]}}", values->str);
  text = network (1, c->model, c->method, tables,
                  "\"v_rest\": \"-65*mV\", \"R\": \"100*Mohm\", \"tau\": \"10*ms\",");
  graph = bsl_graph_load_data (text, -1, "net.basalt", NULL, &error);
  g_assert_no_error (error);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  v = bsl_runtime_add_probe (rt, "n.v", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, STEPS);
  for (guint step = 0; step < STEPS; step++)
    g_assert_cmpfloat (fabs (bsl_probe_get_row (v, step)[0] - r.v[step][0]), <=,
                       1e-9 * fabs (r.v[step][0]));

  saved = bsl_graph_to_data (graph, NULL);
  g_assert_nonnull (strstr (saved, "\"tables\""));
  back = bsl_graph_load_data (saved, -1, "net.basalt", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_process_get_equations (bsl_graph_find_process (back, "n"), &eq_text));
  g_assert_cmpuint (bsl_equations_tables_get_n (eq_text.tables), ==, 1);
  again = bsl_graph_to_data (back, NULL);
  g_assert_cmpstr (again, ==, saved);
}

/* A table from a CSV file beside the network, one column per neuron; the errors of the file's
 * tables name the process and the table. */
static void
test_file_tables (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("basalt-timed-XXXXXX", &error);
  g_autofree char *csv = g_build_filename (dir, "drive.csv", NULL);
  g_autofree char *path = g_build_filename (dir, "net.basalt", NULL);
  const char *model = "dv/dt = (drive(t, i) - v)/tau : volt\ntau : second\n";
  const char *from_file = "{\"drive\": {\"dt\": 0.0005, \"unit\": \"volt\", "
                          "\"values\": {\"file\": \"drive.csv\"}}}";
  g_autofree char *text = network (2, model, "euler", from_file, "\"tau\": \"10*ms\",");
  g_autofree char *wide = network (3, model, "euler", from_file, "\"tau\": \"10*ms\",");
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (BslGraph) wide_graph = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (BslRuntime) rt = NULL;
  g_autofree char *saved = NULL;
  static const struct { const char *tables, *message; } bad[] = {
    { "{\"drive\": {\"dt\": \"1*ms\", \"unit\": \"volt\", \"values\": [[1, 2], [3]]}}",
      "net.basalt: process 'n' (Equations): table 'drive': the table is ragged: row 1 has "
      "another number of values, but row 0 has 2 (every row needs one value per column)" },
    { "{\"drive\": {\"dt\": \"1*ms\", \"unit\": \"volt\", \"values\": {\"init\": \"constant\"}}}",
      "net.basalt: process 'n' (Equations): table 'drive': \"values\" must be a list of numbers, "
      "a list of rows (one column per neuron) or {\"file\": ...}" },
    { "{\"drive\": {\"dt\": \"1*ms\", \"unit\": \"volt\", \"values\": []}}",
      "net.basalt: process 'n' (Equations): table 'drive' is empty: it needs at least one row "
      "of values" },
    { "{\"drive\": {\"dt\": \"1*mV\", \"unit\": \"volt\", \"values\": [[1, 2]]}}",
      "net.basalt: process 'n' (Equations): table 'drive': \"dt\" is '1*mV': a value in volt, "
      "but it must be in second" },
    { "{\"stimulus\": {\"dt\": \"1*ms\", \"unit\": \"volt\", \"values\": [[1, 2]]}}",
      "net.basalt: process 'n' (Equations): line 1, column 10: unknown function 'drive'" },
    { "{\"drive\": {\"dt\": \"1*ms\", \"unit\": \"amp\", \"values\": [[1, 2]]}}",
      "net.basalt: process 'n' (Equations): line 1, column 22: cannot subtract volt from amp "
      "(table 'drive' is in amp)" },
  };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (csv, "-0.04, -0.045\n-0.03, -0.06\n-0.05, -0.02\n", -1,
                                      &error));
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  graph = bsl_graph_load_file (path, &error);
  g_assert_no_error (error);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, 20);
  saved = bsl_graph_to_data (graph, NULL);
  g_assert_nonnull (strstr (saved, "\"file\" : \"drive.csv\""));

  /* three neurons, two columns: refused when the run is made */
  g_assert_true (g_file_set_contents (path, wide, -1, &error));
  wide_graph = bsl_graph_load_file (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&rt, bsl_runtime_free);
  rt = bsl_runtime_new (wide_graph, config, &error);
  g_assert_null (rt);
  g_assert_cmpstr (error->message, ==, "process 'n' (Equations): table 'drive' has 2 columns "
                   "(one per neuron, for drive(t, i)), but the population has 3 neurons");
  g_clear_error (&error);

  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autofree char *net = network (2, model, "euler", bad[k].tables, "\"tau\": \"10*ms\",");
      g_autofree char *message = load_error (net, dir);

      g_assert_cmpstr (message, ==, bad[k].message);
    }
  {
    /* only the network's folder: a file elsewhere is refused, naming the table */
    g_autofree char *net = network (2, model, "euler",
                                    "{\"drive\": {\"dt\": 0.001, \"unit\": \"volt\", "
                                    "\"values\": {\"file\": \"/etc/passwd\"}}}", "");
    g_autofree char *message = load_error (net, dir);

    g_assert_true (g_str_has_prefix (message,
                                     "net.basalt: process 'n' (Equations): table 'drive': "));
  }
  g_unlink (csv);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *name = g_strdup_printf ("/equations/timed/brian2/%.*s",
                                               (int) (strlen (cases[k].file) - 4), cases[k].file);

      g_test_add_data_func (name, &cases[k], test_brian2);
    }
  g_test_add_func ("/equations/timed/rows", test_rows);
  g_test_add_func ("/equations/timed/errors", test_errors);
  g_test_add_func ("/equations/timed/file-run", test_file_run);
  g_test_add_func ("/equations/timed/file-tables", test_file_tables);
  return g_test_run ();
}
