/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every reference trace made by Lava's own models (tests/data/reference/traces): the network its
 * JSON describes is built, run, and u, v, a_in and spikes of every neuron at every step compared:
 * bit for bit under fixed_pt, to 1e-9 relative under floating_pt. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "test-util.h"

typedef struct
{
  gint64 steps;
  gsize  n;
  double *a_in, *u, *v, *spike;   /* [step * n + neuron] */
} Trace;

static void
trace_free (Trace *trace)
{
  g_free (trace->a_in);
  g_free (trace->u);
  g_free (trace->v);
  g_free (trace->spike);
  g_free (trace);
}

static Trace *
load_trace_csv (const char *path, gint64 steps, gsize n)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  Trace *trace = g_new0 (Trace, 1);

  trace->steps = steps;
  trace->n = n;
  trace->a_in = g_new0 (double, steps * n);
  trace->u = g_new0 (double, steps * n);
  trace->v = g_new0 (double, steps * n);
  trace->spike = g_new0 (double, steps * n);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "step,neuron,a_in,u,v,spike");
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) f = NULL;
      gint64 t;
      gsize i;

      if (lines[l][0] == '\0')
        continue;
      f = g_strsplit (lines[l], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 6);
      t = g_ascii_strtoll (f[0], NULL, 10);
      i = g_ascii_strtoull (f[1], NULL, 10);
      g_assert_cmpint (t, >=, 1);
      g_assert_cmpint (t, <=, steps);
      g_assert_cmpuint (i, <, n);
      trace->a_in[(t - 1) * n + i] = g_ascii_strtod (f[2], NULL);
      trace->u[(t - 1) * n + i] = g_ascii_strtod (f[3], NULL);
      trace->v[(t - 1) * n + i] = g_ascii_strtod (f[4], NULL);
      trace->spike[(t - 1) * n + i] = g_ascii_strtod (f[5], NULL);
    }
  return trace;
}

static BslArray *
json_to_array (JsonNode *node, gsize n)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      BslArray *array = bsl_array_new_vector (json_array_get_length (a), NULL);
      for (guint k = 0; k < json_array_get_length (a); k++)
        array->data[k] = json_array_get_double_element (a, k);
      return array;
    }
  return bsl_array_new_scalar (json_node_get_double (node));
}

static BslArray *
json_to_matrix (JsonArray *rows)
{
  gsize n_rows = json_array_get_length (rows);
  gsize n_cols = json_array_get_length (json_array_get_array_element (rows, 0));
  BslArray *m = bsl_array_new_matrix (n_rows, n_cols);

  for (gsize i = 0; i < n_rows; i++)
    for (gsize j = 0; j < n_cols; j++)
      m->data[i * n_cols + j] = json_array_get_double_element (json_array_get_array_element (rows, i), j);
  return m;
}

/* Builds RingBuffer -> (Dense ->) neuron from the case description. */
static BslGraph *
graph_for_case (JsonObject *spec, BslTag *tag, gint64 *steps, gsize *n)
{
  JsonObject *neuron = json_object_get_object_member (spec, "neuron");
  JsonObject *drive = json_object_get_object_member (spec, "drive");
  const char *model = json_object_get_string_member (spec, "model");
  const char *drive_type = json_object_get_string_member (drive, "type");
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) error = NULL;
  BslProcess *lif;
  gsize dims[2];

  g_assert_true (bsl_tag_from_string (json_object_get_string_member (spec, "tag"), tag));
  *steps = json_object_get_int_member (spec, "steps");
  *n = json_object_get_int_member (neuron, "n");
  dims[0] = *n;
  lif = bsl_graph_add_process (graph, model, "neuron", 1, dims, &error);
  g_assert_no_error (error);

  members = json_object_get_members (neuron);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      if (g_str_equal (name, "n"))
        continue;
      bsl_process_set_param (lif, name, json_to_array (json_object_get_member (neuron, name), *n),
                             &error);
      g_assert_no_error (error);
    }

  if (g_str_equal (drive_type, "current"))
    {
      JsonArray *values = json_object_get_array_member (drive, "values");
      gsize T = json_array_get_length (values);
      gsize src_dims[1] = { *n };
      BslArray *data = bsl_array_new_matrix (*n, T);
      BslProcess *src = bsl_graph_add_process (graph, "RingBuffer", "drive", 1, src_dims, &error);

      g_assert_no_error (error);
      for (gsize t = 0; t < T; t++)
        for (gsize i = 0; i < *n; i++)
          data->data[i * T + t] =
            json_array_get_double_element (json_array_get_array_element (values, t), i);
      bsl_process_set_param (src, "data", data, &error);
      g_assert_no_error (error);
      bsl_graph_connect (graph, "drive.s_out", "neuron.a_in", &error);
      g_assert_no_error (error);
    }
  else if (g_str_equal (drive_type, "spikes"))
    {
      gsize n_in = json_object_get_int_member (drive, "n_in");
      JsonArray *events = json_object_get_array_member (drive, "events");
      BslArray *weights = json_to_matrix (json_object_get_array_member (drive, "weights"));
      gsize src_dims[1] = { n_in }, w_dims[2] = { *n, n_in };
      BslArray *data = bsl_array_new_matrix (n_in, *steps);
      BslProcess *src = bsl_graph_add_process (graph, "RingBuffer", "drive", 1, src_dims, &error);
      BslProcess *dense = bsl_graph_add_process (graph, "Dense", "syn", 2, w_dims, &error);
      const char *keys[] = { "weight_exp", "sign_mode", "num_message_bits", "num_weight_bits", NULL };

      g_assert_no_error (error);
      for (guint e = 0; e < json_array_get_length (events); e++)
        {
          JsonArray *ev = json_array_get_array_element (events, e);
          gint64 step = json_array_get_int_element (ev, 0);
          gint64 idx = json_array_get_int_element (ev, 1);
          data->data[idx * *steps + (step - 1)] = json_array_get_double_element (ev, 2);
        }
      bsl_process_set_param (src, "data", data, &error);
      g_assert_no_error (error);
      bsl_process_set_param (dense, "weights", weights, &error);
      g_assert_no_error (error);
      for (guint k = 0; keys[k] != NULL; k++)
        if (json_object_has_member (drive, keys[k]))
          {
            bsl_process_set_param (dense, keys[k],
                                   bsl_array_new_scalar (json_object_get_double_member (drive, keys[k])),
                                   &error);
            g_assert_no_error (error);
          }
      bsl_graph_connect (graph, "drive.s_out", "syn.s_in", &error);
      g_assert_no_error (error);
      bsl_graph_connect (graph, "syn.a_out", "neuron.a_in", &error);
      g_assert_no_error (error);
    }
  else
    g_assert_cmpstr (drive_type, ==, "bias");
  return g_steal_pointer (&graph);
}

static gboolean
values_agree (double got, double want, BslTag tag)
{
  if (tag == BSL_TAG_FIXED_PT)
    return got == want;
  return fabs (got - want) <= 1e-9 * MAX (fabs (want), 1.0);
}

static void
check_case (gconstpointer data)
{
  const char *json_path = data;
  g_autofree char *csv_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(BslRunConfig) config = NULL;
  g_autoptr(BslRuntime) runtime = NULL;
  const char *vars[] = { "a_in", "u", "v", "s_out" };
  BslProbe *probes[4];
  Trace *trace;
  BslTag tag;
  gint64 steps;
  gsize n, mismatches = 0;

  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  graph = graph_for_case (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "spec"),
                          &tag, &steps, &n);
  config = bsl_run_config_new (tag);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (int k = 0; k < 4; k++)
    {
      g_autofree char *target = g_strdup_printf ("neuron.%s", vars[k]);
      probes[k] = bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, &error);
      g_assert_no_error (error);
    }
  bsl_runtime_run (runtime, steps);

  csv_path = g_strdup (json_path);
  strcpy (csv_path + strlen (csv_path) - 4, "csv");
  trace = load_trace_csv (csv_path, steps, n);
  for (gint64 t = 0; t < steps; t++)
    for (int k = 0; k < 4; k++)
      {
        const double *want = k == 0 ? trace->a_in : k == 1 ? trace->u : k == 2 ? trace->v : trace->spike;
        const double *row = bsl_probe_get_row (probes[k], t);
        for (gsize i = 0; i < n; i++)
          if (!values_agree (row[i], want[t * n + i], tag))
            {
              if (mismatches++ < 5)
                g_test_message ("step %" G_GINT64_FORMAT " neuron %" G_GSIZE_FORMAT " %s: "
                                "got %.17g, Lava %.17g", t + 1, i, vars[k], row[i], want[t * n + i]);
            }
      }
  trace_free (trace);
  if (mismatches > 0)
    g_test_fail_printf ("%s: %" G_GSIZE_FORMAT " values differ from Lava's trace", json_path, mismatches);
}

static void
add_cases (const char *kind)
{
  g_autofree char *dir_path = test_data_path ("reference", "traces", kind, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_assert_cmpuint (names->len, >, 0);
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("/traces/%s/%.*s", kind,
                                                    (int) (strlen (file) - 5), file);
      g_test_add_data_func_full (test_path, g_build_filename (dir_path, file, NULL), check_case, g_free);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  add_cases ("fixed");
  add_cases ("float");
  return g_test_run ();
}
