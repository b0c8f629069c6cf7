/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fit-case.h"
#include "test-util.h"

static BslArray *
array_from_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);
      BslArray *value = bsl_array_new_vector (n, NULL);

      for (guint i = 0; i < n; i++)
        value->data[i] = json_array_get_double_element (array, i);
      return value;
    }
  return bsl_array_new_scalar (json_node_get_double (node));
}

void
fit_case_free (FitCase *fit_case)
{
  if (fit_case == NULL)
    return;
  g_free (fit_case->name);
  g_free (fit_case->csv_path);
  bsl_process_free (fit_case->neuron);
  bsl_reference_free (fit_case->ref);
  g_ptr_array_unref (fit_case->params);
  g_clear_object (&fit_case->parser);
  g_free (fit_case);
}

static FitCase *
fit_case_load (const char *dir,
               const char *base)
{
  g_autofree char *json_path = g_strdup_printf ("%s/%s.json", dir, base);
  g_autoptr(GError) error = NULL;
  FitCase *fc = g_new0 (FitCase, 1);
  JsonObject *root, *neuron;
  const char *model = "LIF";
  gsize n;
  g_autoptr(GList) members = NULL;

  fc->name = g_strdup (base);
  fc->csv_path = g_strdup_printf ("%s/%s.csv", dir, base);
  fc->parser = json_parser_new ();
  fc->params = g_ptr_array_new_with_free_func (g_free);
  if (!json_parser_load_from_file (fc->parser, json_path, &error))
    g_error ("%s: %s", json_path, error->message);
  root = json_node_get_object (json_parser_get_root (fc->parser));
  fc->spec = json_object_get_object_member (root, "spec");
  if (json_object_has_member (fc->spec, "model"))
    model = json_object_get_string_member (fc->spec, "model");
  if (!bsl_tag_from_string (json_object_get_string_member (fc->spec, "tag"), &fc->tag))
    g_error ("%s: unknown tag", json_path);
  neuron = json_object_get_object_member (fc->spec, "neuron");
  n = json_object_get_int_member (neuron, "n");
  fc->neuron = bsl_process_new (bsl_proc_type_lookup (model), "lif", 1, &n);
  g_assert_nonnull (fc->neuron);
  members = json_object_get_members (neuron);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      const BslVarSpec *spec;

      if (g_str_equal (name, "n"))
        continue;
      spec = bsl_proc_type_find_var (bsl_process_get_proc_type (fc->neuron), name);
      g_assert_nonnull (spec);
      if ((spec->flags & BSL_VAR_FIXED_ONLY) && fc->tag != BSL_TAG_FIXED_PT)
        continue;
      if (!bsl_process_set_param (fc->neuron, name,
                                  array_from_node (json_object_get_member (neuron, name)), &error))
        g_error ("%s: %s", json_path, error->message);
      g_ptr_array_add (fc->params, g_strdup (name));
    }
  fc->ref = bsl_reference_load (fc->csv_path, NULL, &error);
  if (fc->ref == NULL)
    g_error ("%s", error->message);
  return fc;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
fit_case_load_all (const char *kind)
{
  g_autofree char *dir_path = test_data_path ("reference", "traces", kind, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *cases;
  const char *name;

  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - 5));
  g_ptr_array_sort (names, compare_names);
  cases = g_ptr_array_new_with_free_func ((GDestroyNotify) fit_case_free);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (cases, fit_case_load (dir_path, g_ptr_array_index (names, i)));
  return cases;
}

BslGraph *
fit_case_network (const FitCase *fc)
{
  g_autoptr(GError) error = NULL;
  BslGraph *graph = bsl_graph_new ();
  JsonObject *drive = json_object_get_object_member (fc->spec, "drive");
  const char *type = json_object_get_string_member (drive, "type");
  gsize n = bsl_process_get_dims (fc->neuron)[0];
  gsize steps = json_object_get_int_member (fc->spec, "steps");

  g_assert_true (bsl_graph_insert_process (graph, bsl_process_copy (fc->neuron), -1, &error));
  if (g_str_equal (type, "current"))
    {
      JsonArray *values = json_object_get_array_member (drive, "values");
      gsize t_len = json_array_get_length (values);
      BslArray *data = bsl_array_new_matrix (n, t_len);
      BslProcess *src = bsl_graph_add_process (graph, "RingBuffer", "src", 1, &n, &error);

      g_assert_no_error (error);
      for (gsize t = 0; t < t_len; t++)
        for (gsize i = 0; i < n; i++)
          data->data[i * t_len + t] =
            json_array_get_double_element (json_array_get_array_element (values, t), i);
      g_assert_true (bsl_process_set_param (src, "data", data, &error));
      g_assert_nonnull (bsl_graph_connect (graph, "src.s_out", "lif.a_in", &error));
    }
  else if (g_str_equal (type, "spikes"))
    {
      gsize n_in = json_object_get_int_member (drive, "n_in");
      JsonArray *weights = json_object_get_array_member (drive, "weights");
      JsonArray *events = json_object_get_array_member (drive, "events");
      gsize dims[2] = { n, n_in };
      BslArray *w = bsl_array_new_matrix (n, n_in);
      BslArray *data = bsl_array_new_matrix (n_in, steps);
      BslProcess *src = bsl_graph_add_process (graph, "RingBuffer", "src", 1, &n_in, &error);
      BslProcess *syn = bsl_graph_add_process (graph, "Dense", "syn", 2, dims, &error);
      static const char *const scalars[] = { "weight_exp", "sign_mode", "num_message_bits",
                                             "num_weight_bits" };

      g_assert_no_error (error);
      for (gsize r = 0; r < n; r++)
        for (gsize c = 0; c < n_in; c++)
          w->data[r * n_in + c] =
            json_array_get_double_element (json_array_get_array_element (weights, r), c);
      for (guint e = 0; e < json_array_get_length (events); e++)
        {
          JsonArray *event = json_array_get_array_element (events, e);
          gint64 step = json_array_get_int_element (event, 0);
          gint64 index = json_array_get_int_element (event, 1);

          data->data[index * steps + (step - 1)] = json_array_get_double_element (event, 2);
        }
      g_assert_true (bsl_process_set_param (src, "data", data, &error));
      g_assert_true (bsl_process_set_param (syn, "weights", w, &error));
      for (guint k = 0; k < G_N_ELEMENTS (scalars); k++)
        if (json_object_has_member (drive, scalars[k]) && fc->tag == BSL_TAG_FIXED_PT)
          g_assert_true (bsl_process_set_param (syn, scalars[k],
                                                bsl_array_new_scalar (json_object_get_double_member (drive, scalars[k])),
                                                &error));
      if (json_object_has_member (drive, "num_message_bits") && fc->tag != BSL_TAG_FIXED_PT)
        g_assert_true (bsl_process_set_param (syn, "num_message_bits",
                                              bsl_array_new_scalar (json_object_get_double_member (drive, "num_message_bits")),
                                              &error));
      g_assert_nonnull (bsl_graph_connect (graph, "src.s_out", "syn.s_in", &error));
      g_assert_nonnull (bsl_graph_connect (graph, "syn.a_out", "lif.a_in", &error));
    }
  g_assert_no_error (error);
  return graph;
}

void
fit_remove_tmp_dir (const char *dir,
                    gboolean    keep_png)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!keep_png || !g_str_has_suffix (name, ".png"))
        g_unlink (path);
    }
  g_rmdir (dir);
}
