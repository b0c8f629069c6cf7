/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plastic synapses: NumPy's generator as Lava draws from it, the rule grammar, and every Lava
 * learning trace in tests/data/learning (made by Lava 0.11 itself). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-kernel-numpy-random.h"
#include "bsl-learning-rule.h"
#include "test-util.h"

static JsonObject *
load_json_object (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "learning", name, NULL);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* numpy-rng.json: one generator per seed and kind of call, each advanced one call at a time. */
static void
test_numpy_random (void)
{
  g_autoptr(JsonObject) root = load_json_object ("numpy-rng.json");
  JsonObject *doubles = json_object_get_object_member (root, "random");
  JsonObject *integers = json_object_get_object_member (root, "integers_0_128");
  g_autoptr(GList) seeds = json_object_get_members (doubles);
  guint checked = 0;

  for (GList *l = seeds; l != NULL; l = l->next)
    {
      guint64 seed = g_ascii_strtoull (l->data, NULL, 10);
      JsonArray *want_doubles = json_object_get_array_member (doubles, l->data);
      JsonArray *want_ints = json_object_get_array_member (integers, l->data);
      BslNumpyRandom rd, ri;

      bsl_numpy_random_init (&rd, seed);
      bsl_numpy_random_init (&ri, seed);
      for (guint k = 0; k < json_array_get_length (want_doubles); k++)
        {
          JsonObject *draw = json_array_get_object_element (want_doubles, k);
          double want = g_ascii_strtod (json_object_get_string_member (draw, "bits"), NULL);
          double got = bsl_numpy_random_double (&rd);

          if (got != want)
            g_error ("seed %s, random() draw %u: got %a, want %a", (char *) l->data, k, got, want);
          checked++;
        }
      for (guint k = 0; k < json_array_get_length (want_ints); k++)
        {
          gint64 want = json_array_get_int_element (want_ints, k);
          gint64 got = bsl_numpy_random_integers (&ri, 128);

          if (got != want)
            g_error ("seed %s, integers(0, 128) draw %u: got %" G_GINT64_FORMAT ", want %"
                     G_GINT64_FORMAT, (char *) l->data, k, got, want);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 14 * 128);
}

/* ---- Lava's traces ---- */

/* The case's network as a .basalt file: RingBuffer -> LearningDense -> LIF, the LIF's s_out
 * into s_in_bap, in the file form the project documents. */
static char *
case_network (JsonObject *spec)
{
  JsonObject *pre = json_object_get_object_member (spec, "pre");
  JsonObject *post = json_object_get_object_member (spec, "post");
  JsonObject *dense = json_object_get_object_member (spec, "dense");
  JsonObject *rule = json_object_get_object_member (spec, "rule");
  JsonArray *events = json_object_get_array_member (pre, "events");
  gint64 steps = json_object_get_int_member (spec, "steps"), n_pre = json_object_get_int_member (pre, "n");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree guint8 *spikes = g_new0 (guint8, n_pre * steps);
  JsonObject *rule_args = json_object_has_member (rule, "stdp")
                          ? json_object_get_object_member (rule, "stdp") : rule;
  g_autoptr(GList) rule_keys = json_object_get_members (rule_args);
  const char *lif_keys[] = { "du", "dv", "vth", "bias_mant", "bias_exp" };

  for (guint e = 0; e < json_array_get_length (events); e++)
    {
      JsonArray *ev = json_array_get_array_element (events, e);
      gint64 step = json_array_get_int_element (ev, 0), j = json_array_get_int_element (ev, 1);
      spikes[j * steps + (step - 1) % steps] = 1;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "basalt");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "processes");
  json_builder_begin_array (b);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "pre");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "RingBuffer");
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (gint64 j = 0; j < n_pre; j++)
    {
      json_builder_begin_array (b);
      for (gint64 t = 0; t < steps; t++)
        json_builder_add_int_value (b, spikes[j * steps + t]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, n_pre);
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "syn");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "LearningDense");
  json_builder_set_member_name (b, "shape");
  {
    JsonArray *weights = json_object_get_array_member (dense, "weights");
    json_builder_begin_array (b);
    json_builder_add_int_value (b, json_array_get_length (weights));
    json_builder_add_int_value (b, json_array_get_length (json_array_get_array_element (weights, 0)));
    json_builder_end_array (b);
  }
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  {
    g_autoptr(GList) dense_keys = json_object_get_members (dense);
    for (GList *l = dense_keys; l != NULL; l = l->next)
      {
        json_builder_set_member_name (b, l->data);
        json_builder_add_value (b, json_node_copy (json_object_get_member (dense, l->data)));
      }
  }
  json_builder_set_member_name (b, "learning_rule");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, rule_args != rule ? "STDPLoihi" : "Loihi2FLearningRule");
  for (GList *l = rule_keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_value (b, json_node_copy (json_object_get_member (rule_args, l->data)));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "post");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "LIF");
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, json_object_get_int_member (post, "n"));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (guint k = 0; k < G_N_ELEMENTS (lif_keys); k++)
    {
      json_builder_set_member_name (b, lif_keys[k]);
      json_builder_add_value (b, json_node_copy (json_object_get_member (post, lif_keys[k])));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  {
    const char *ends[][2] = { { "pre.s_out", "syn.s_in" }, { "syn.a_out", "post.a_in" },
                              { "post.s_out", "syn.s_in_bap" } };
    for (guint k = 0; k < G_N_ELEMENTS (ends); k++)
      {
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "from");
        json_builder_add_string_value (b, ends[k][0]);
        json_builder_set_member_name (b, "to");
        json_builder_add_string_value (b, ends[k][1]);
        json_builder_end_object (b);
      }
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

typedef struct
{
  gint64  step;
  char   *probe;
  gsize   index;
  double  value;
} TraceRow;

static GArray *
read_trace_csv (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "learning", "traces", name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (TraceRow));
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint k = 1; lines[k] != NULL; k++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[k], ",", 4);
      TraceRow row;

      if (g_strv_length (cells) != 4)
        continue;
      row.step = g_ascii_strtoll (cells[0], NULL, 10);
      row.probe = g_strdup (cells[1]);
      row.index = g_ascii_strtoull (cells[2], NULL, 10);
      row.value = g_ascii_strtod (cells[3], NULL);
      g_array_append_val (rows, row);
    }
  return rows;
}

static gboolean
values_agree (double got, double want, gboolean exact)
{
  if (isnan (want))
    return isnan (got);
  return exact ? got == want : fabs (got - want) <= 1e-9 * MAX (1.0, fabs (want));
}

/* Runs one case of tests/data/learning/traces and compares every value at every step. */
static void
run_trace_case (gconstpointer data)
{
  const char *name = data;
  g_autofree char *json_name = g_strdup_printf ("%s.json", name);
  g_autofree char *csv_name = g_strdup_printf ("%s.csv", name);
  g_autofree char *json_path = g_build_filename ("traces", json_name, NULL);
  g_autoptr(JsonObject) root = load_json_object (json_path);
  JsonObject *spec = json_object_get_object_member (root, "spec");
  const char *tag_name = json_object_get_string_member (spec, "tag");
  g_autofree char *network = case_network (spec);
  g_autoptr(GArray) rows = read_trace_csv (csv_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) probes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(BslGraph) graph = bsl_graph_load_data (network, -1, "case.basalt", NULL, &error);
  g_autoptr(BslRunConfig) config = NULL;
  g_autoptr(BslRuntime) runtime = NULL;
  BslTag tag;
  gsize compared = 0;

  g_assert_no_error (error);
  g_assert_true (bsl_tag_from_string (tag_name, &tag));
  config = bsl_run_config_new (tag);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < rows->len; k++)
    {
      const char *target = g_array_index (rows, TraceRow, k).probe;
      if (!g_hash_table_contains (probes, target))
        {
          BslProbe *probe = bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, &error);
          g_assert_no_error (error);
          g_hash_table_insert (probes, (gpointer) target, probe);
        }
    }
  bsl_runtime_run (runtime, json_object_get_int_member (spec, "steps"));
  for (guint k = 0; k < rows->len; k++)
    {
      TraceRow *row = &g_array_index (rows, TraceRow, k);
      BslProbe *probe = g_hash_table_lookup (probes, row->probe);
      double got = bsl_probe_get_row (probe, row->step - 1)[row->index];

      if (!values_agree (got, row->value, tag == BSL_TAG_FIXED_PT))
        g_error ("%s: %s[%" G_GSIZE_FORMAT "] at step %" G_GINT64_FORMAT ": got %.17g, Lava %.17g",
                 name, row->probe, row->index, row->step, got, row->value);
      compared++;
    }
  g_assert_cmpuint (compared, >, 1000);
  for (guint k = 0; k < rows->len; k++)
    g_free (g_array_index (rows, TraceRow, k).probe);
}

static void
add_trace_cases (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "learning", "traces", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *entry;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".json"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - strlen (".json")));
  g_assert_cmpuint (names->len, >=, 4);
  for (guint k = 0; k < names->len; k++)
    {
      g_autofree char *path = g_strdup_printf ("/learning/lava-trace/%s", (char *) names->pdata[k]);
      /* The names live as long as the test program. */
      g_test_add_data_func (path, names->pdata[k], run_trace_case);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/learning/numpy-random", test_numpy_random);
  add_trace_cases ();
  return g_test_run ();
}
