/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "test-util.h"

static BslGraph *
three_node_graph (void)
{
  BslGraph *graph = bsl_graph_new ();
  gsize v4[1] = { 4 }, v3[1] = { 3 }, m[2] = { 3, 4 };
  g_autoptr(GError) error = NULL;

  bsl_graph_add_process (graph, "RingBuffer", "src", 1, v4, &error);
  g_assert_no_error (error);
  bsl_graph_add_process (graph, "Dense", "syn", 2, m, &error);
  g_assert_no_error (error);
  bsl_graph_add_process (graph, "LIF", "lif", 1, v3, &error);
  g_assert_no_error (error);
  return graph;
}

static void
test_registry (void)
{
  guint n;
  const BslProcType **types = bsl_proc_type_list (&n);
  const char *expected[] = { "LIF", "LIFReset", "LIFRefractory", "TernaryLIF", "ATRLIF", "RF",
                             "SigmaDelta", "Izhikevich", "AdEx", "CondLIF", "Equations", "Dense", "Sparse",
                             "RandomSparse",
                             "DelayDense", "LearningDense", "Synapses", "RingBuffer", "Spiker", "PoissonSource",
                             "CurrentSource", "Monitor" };

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (types[i]->name, ==, expected[i]);
      g_assert_true (bsl_proc_type_lookup (expected[i]) == types[i]);
      g_assert_true (bsl_proc_type_has_model (types[i], BSL_TAG_FLOATING_PT));
    }
  g_assert_false (bsl_proc_type_has_model (bsl_proc_type_lookup ("LIFRefractory"), BSL_TAG_FIXED_PT));
  g_assert_true (bsl_proc_type_has_model (bsl_proc_type_lookup ("TernaryLIF"), BSL_TAG_FIXED_PT));
  g_assert_nonnull (bsl_proc_type_find_var (bsl_proc_type_lookup ("LIF"), "bias_exp"));
  g_assert_cmpfloat (bsl_proc_type_find_var (bsl_proc_type_lookup ("LIF"), "du")->fixed_max, ==, 4095);
  g_assert_null (bsl_proc_type_lookup ("Conv"));
}

static void
test_connect_checks (void)
{
  g_autoptr(BslGraph) graph = three_node_graph ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bsl_graph_connect (graph, "src.s_out", "syn.s_in", &error));
  g_assert_no_error (error);
  g_assert_nonnull (bsl_graph_connect (graph, "syn.a_out", "lif.a_in", &error));
  g_assert_no_error (error);

  /* wrong direction: names both ends */
  g_assert_null (bsl_graph_connect (graph, "lif.a_in", "syn.s_in", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "'lif.a_in'"));
  g_assert_nonnull (strstr (error->message, "'syn.s_in'"));
  g_clear_error (&error);

  /* shape mismatch: LIF (3,) into Dense s_in (4,) */
  g_assert_null (bsl_graph_connect (graph, "lif.s_out", "syn.s_in", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "(3,)"));
  g_assert_nonnull (strstr (error->message, "(4,)"));
  g_assert_nonnull (strstr (error->message, "'lif.s_out'"));
  g_clear_error (&error);

  /* unknown port lists the ports */
  g_assert_null (bsl_graph_connect (graph, "lif.spikes", "syn.s_in", &error));
  g_assert_nonnull (strstr (error->message, "a_in, s_out"));
  g_clear_error (&error);

  /* unknown process, duplicate, malformed end */
  g_assert_null (bsl_graph_connect (graph, "nope.s_out", "syn.s_in", &error));
  g_assert_nonnull (strstr (error->message, "'nope'"));
  g_clear_error (&error);
  g_assert_null (bsl_graph_connect (graph, "src.s_out", "syn.s_in", &error));
  g_assert_nonnull (strstr (error->message, "already connected"));
  g_clear_error (&error);
  g_assert_null (bsl_graph_connect (graph, "src", "syn.s_in", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_CONNECTION);
}

static void
test_names_and_removal (void)
{
  g_autoptr(BslGraph) graph = three_node_graph ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BslProcess) taken = NULL;
  g_autofree char *fresh = NULL;

  bsl_graph_connect (graph, "src.s_out", "syn.s_in", NULL);
  bsl_graph_connect (graph, "syn.a_out", "lif.a_in", NULL);

  g_assert_null (bsl_graph_add_process (graph, "LIF", "lif", 0, NULL, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_NAME);
  g_clear_error (&error);
  g_assert_null (bsl_graph_add_process (graph, "LIF", "2bad", 0, NULL, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_NAME);
  g_clear_error (&error);
  g_assert_null (bsl_graph_add_process (graph, "Conv", "c", 0, NULL, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);

  g_assert_true (bsl_graph_rename_process (graph, "lif", "out", &error));
  g_assert_cmpstr (bsl_connection_get_to_process (bsl_graph_get_connection (graph, 1)), ==, "out");
  g_assert_false (bsl_graph_rename_process (graph, "out", "src", &error));
  g_clear_error (&error);

  fresh = bsl_graph_unique_name (graph, "src");
  g_assert_cmpstr (fresh, ==, "src1");

  taken = bsl_graph_take_process (graph, "syn");
  g_assert_nonnull (taken);
  g_assert_cmpuint (bsl_graph_get_n_connections (graph), ==, 0);
  g_assert_true (bsl_graph_insert_process (graph, g_steal_pointer (&taken), 1, &error));
  g_assert_cmpint (bsl_graph_process_index (graph, "syn"), ==, 1);
}

static void
test_params (void)
{
  g_autoptr(BslGraph) graph = three_node_graph ();
  BslProcess *lif = bsl_graph_find_process (graph, "lif");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslArray) full = NULL;
  double bias[3] = { 1, 2, 3 };

  g_assert_true (bsl_process_set_param (lif, "vth", bsl_array_new_scalar (50), &error));
  g_assert_true (bsl_process_set_param (lif, "bias_mant", bsl_array_new_vector (3, bias), &error));
  g_assert_false (bsl_process_set_param (lif, "bias_mant", bsl_array_new_vector (2, bias), &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "'bias_mant'"));
  g_assert_nonnull (strstr (error->message, "'lif'"));
  g_clear_error (&error);
  g_assert_false (bsl_process_set_param (lif, "threshold", bsl_array_new_scalar (1), &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM);
  g_clear_error (&error);
  g_assert_false (bsl_process_set_param (lif, "vth", bsl_array_new_scalar (NAN), &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_RANGE);
  g_clear_error (&error);

  full = bsl_process_dup_param_full (lif, "u", &error);
  g_assert_cmpuint (full->n, ==, 3);
  g_assert_cmpfloat (full->data[2], ==, 0);

  /* fixed_pt ranges and integers */
  bsl_process_set_param (lif, "du", bsl_array_new_scalar (5000), NULL);
  g_assert_false (bsl_process_validate (lif, BSL_TAG_FIXED_PT, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_RANGE);
  g_assert_nonnull (strstr (error->message, "'du'"));
  g_assert_nonnull (strstr (error->message, "0..4095"));
  g_clear_error (&error);
  bsl_process_set_param (lif, "du", bsl_array_new_scalar (0.5), NULL);
  g_assert_false (bsl_process_validate (lif, BSL_TAG_FIXED_PT, &error));
  g_assert_nonnull (strstr (error->message, "integer"));
  g_clear_error (&error);
  g_assert_true (bsl_process_validate (lif, BSL_TAG_FLOATING_PT, &error));
  g_assert_no_error (error);

  /* a shape change that the per-neuron bias does not fit is refused */
  {
    gsize five[1] = { 5 };
    g_assert_false (bsl_process_set_shape (lif, 1, five, &error));
    g_assert_nonnull (strstr (error->message, "bias_mant"));
  }
}

static void
test_copy (void)
{
  g_autoptr(BslGraph) graph = three_node_graph ();
  g_autoptr(BslGraph) copy = NULL;

  bsl_graph_connect (graph, "src.s_out", "syn.s_in", NULL);
  bsl_process_set_param (bsl_graph_find_process (graph, "lif"), "vth", bsl_array_new_scalar (7), NULL);
  copy = bsl_graph_copy (graph);
  bsl_process_set_param (bsl_graph_find_process (graph, "lif"), "vth", bsl_array_new_scalar (9), NULL);
  g_assert_cmpfloat (bsl_process_get_param (bsl_graph_find_process (copy, "lif"), "vth")->data[0], ==, 7);
  g_assert_cmpuint (bsl_graph_get_n_connections (copy), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/registry", test_registry);
  g_test_add_func ("/graph/connect-checks", test_connect_checks);
  g_test_add_func ("/graph/names-and-removal", test_names_and_removal);
  g_test_add_func ("/graph/params", test_params);
  g_test_add_func ("/graph/copy", test_copy);
  return g_test_run ();
}
