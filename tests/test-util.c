/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdarg.h>

#include <json-glib/json-glib.h>

#include "test-util.h"

char *
test_data_path (const char *first, ...)
{
  const char *root = g_getenv ("BASALT_TEST_DATA_DIR");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, (gpointer) (root != NULL ? root : "tests/data"));
  g_ptr_array_add (parts, (gpointer) first);
  va_start (args, first);
  for (const char *p = va_arg (args, const char *); p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

char *
test_examples_path (const char *name)
{
  const char *root = g_getenv ("BASALT_EXAMPLES_DIR");

  return g_build_filename (root != NULL ? root : "data/examples", name, NULL);
}

int
test_run_basalt (char      **out,
                 char      **err,
                 const char *first_arg,
                 ...)
{
  const char *exe = g_getenv ("BASALT_EXE");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list args;

  g_assert_nonnull (exe);
  g_ptr_array_add (argv, (gpointer) exe);
  g_ptr_array_add (argv, (gpointer) first_arg);
  va_start (args, first_arg);
  for (const char *a = va_arg (args, const char *); a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

char *
test_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("basalt-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* The RingBuffer that drives the neurons, and for spike drives the Dense between them. */
static void
add_drive_processes (JsonBuilder *b,
                     JsonObject  *drive,
                     const char  *kind,
                     gint64       n,
                     gint64       steps)
{
  gboolean spikes = g_str_equal (kind, "spikes");
  gint64 n_src = spikes ? json_object_get_int_member (drive, "n_in") : n;
  JsonArray *values = spikes ? NULL : json_object_get_array_member (drive, "values");
  gint64 cols = spikes ? steps : json_array_get_length (values);
  g_autofree double *data = g_new0 (double, n_src * cols);

  if (spikes)
    {
      JsonArray *events = json_object_get_array_member (drive, "events");
      for (guint e = 0; e < json_array_get_length (events); e++)
        {
          JsonArray *ev = json_array_get_array_element (events, e);
          data[json_array_get_int_element (ev, 1) * cols + json_array_get_int_element (ev, 0) - 1] =
            json_array_get_double_element (ev, 2);
        }
    }
  else
    for (gint64 t = 0; t < cols; t++)
      for (gint64 i = 0; i < n_src; i++)
        data[i * cols + t] = json_array_get_double_element (json_array_get_array_element (values, t), i);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "drive");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "RingBuffer");
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, n_src);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (gint64 i = 0; i < n_src; i++)
    {
      json_builder_begin_array (b);
      for (gint64 t = 0; t < cols; t++)
        json_builder_add_double_value (b, data[i * cols + t]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  if (spikes)
    {
      static const char *const keys[] = { "weights", "weight_exp", "sign_mode",
                                          "num_message_bits", "num_weight_bits", NULL };
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, "syn");
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "Dense");
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, n);
      json_builder_add_int_value (b, n_src);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "params");
      json_builder_begin_object (b);
      for (guint k = 0; keys[k] != NULL; k++)
        if (json_object_has_member (drive, keys[k]))
          {
            json_builder_set_member_name (b, keys[k]);
            json_builder_add_value (b, json_node_copy (json_object_get_member (drive, keys[k])));
          }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
}

/* The network a reference trace describes, written as a .basalt document. */
BslGraph *
test_trace_network (const char *json_path, BslTag *tag)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GList) members = NULL;
  g_autofree char *text = NULL;
  JsonObject *spec, *neuron, *drive;
  const char *kind;
  gint64 n, steps;
  BslGraph *graph;

  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  spec = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "spec");
  neuron = json_object_get_object_member (spec, "neuron");
  drive = json_object_get_object_member (spec, "drive");
  kind = json_object_get_string_member (drive, "type");
  n = json_object_get_int_member (neuron, "n");
  steps = json_object_get_int_member (spec, "steps");
  g_assert_true (bsl_tag_from_string (json_object_get_string_member (spec, "tag"), tag));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "basalt");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "processes");
  json_builder_begin_array (b);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "neuron");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, json_object_get_string_member (spec, "model"));
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, n);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  members = json_object_get_members (neuron);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "n"))
      {
        json_builder_set_member_name (b, l->data);
        json_builder_add_value (b, json_node_copy (json_object_get_member (neuron, l->data)));
      }
  json_builder_end_object (b);
  json_builder_end_object (b);

  if (!g_str_equal (kind, "bias"))
    add_drive_processes (b, drive, kind, n, steps);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  if (!g_str_equal (kind, "bias"))
    {
      gboolean spikes = g_str_equal (kind, "spikes");
      const char *const ends[] = { "drive.s_out", spikes ? "syn.s_in" : "neuron.a_in",
                                   "syn.a_out", "neuron.a_in" };
      for (guint c = 0; c < (spikes ? 2u : 1u); c++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "from");
          json_builder_add_string_value (b, ends[2 * c]);
          json_builder_set_member_name (b, "to");
          json_builder_add_string_value (b, ends[2 * c + 1]);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  graph = bsl_graph_load_data (text, -1, json_path, NULL, &error);
  g_assert_no_error (error);
  bsl_graph_set_run_tag (graph, *tag);
  bsl_graph_set_run_steps (graph, steps);
  return graph;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

void
test_add_dir_cases (const char *prefix, const char *dir, const char *suffix, GTestDataFunc func)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, suffix))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("%s/%s", prefix, (char *) names->pdata[i]);
      g_test_add_data_func_full (test, g_build_filename (dir, names->pdata[i], NULL), func, g_free);
    }
}

char *
test_write_file (const char *dir,
                 const char *name,
                 const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

void
test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

gboolean
test_run_nir_python (const char *const *args,
                     char             **out,
                     char             **err,
                     int               *status)
{
  const char *pythonpath = g_getenv ("BASALT_NIR_PYTHONPATH");
  const char *python_env = g_getenv ("BASALT_NIR_PYTHON");
  g_autofree char *python = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) env = NULL;
  g_autoptr (GError) error = NULL;

  if (pythonpath == NULL || *pythonpath == '\0')
    {
      g_test_skip ("BASALT_NIR_PYTHONPATH is not set: the file is not read with the reference "
                   "nir package (set it to the PYTHONPATH under which python3 imports nir)");
      return FALSE;
    }
  python = python_env != NULL ? g_strdup (python_env) : g_find_program_in_path ("python3");
  g_assert_nonnull (python);
  env = g_environ_setenv (g_get_environ (), "PYTHONPATH", pythonpath, TRUE);
  g_ptr_array_add (argv, python);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, out, err, status,
                &error);
  g_assert_no_error (error);
  return TRUE;
}

/* The case's network as a .basalt file: RingBuffer -> LearningDense -> LIF, the LIF's s_out
 * into s_in_bap, in the file form the project documents. */
char *
test_learning_case_network (JsonObject *spec)
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

BslGraph *
test_learning_case_graph (const char *name)
{
  g_autofree char *file_name = g_strconcat (name, ".json", NULL);
  g_autofree char *path = test_data_path ("learning", "traces", file_name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  BslGraph *graph;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  text = test_learning_case_network (json_object_get_object_member (
    json_node_get_object (json_parser_get_root (parser)), "spec"));
  graph = bsl_graph_load_data (text, -1, file_name, NULL, &error);
  g_assert_no_error (error);
  return graph;
}
