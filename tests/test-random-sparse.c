/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RandomSparse: synapses drawn when the run starts, the same as the Sparse they expand to, for
 * any number of threads; shapes past a stored matrix's limit; the CUBA benchmark network. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "interop/bsl-nir-export.h"
#include "interop/bsl-random-sparse-lower.h"
#include "test-util.h"

/* Poisson spikes into 5000 LIF through a RandomSparse: more outputs than one block of the kernel
 * holds, so a second thread's share begins inside a block. */
static const char *const network_json =
  "{\"format\": \"basalt\", \"version\": 1,"
  " \"run\": {\"tag\": \"%s\", \"steps\": 150, \"seed\": 4},"
  " \"processes\": ["
  "  {\"name\": \"src\", \"type\": \"PoissonSource\", \"shape\": [300], \"params\": {\"rate\": 0.05}},"
  "  {\"name\": \"W\", \"type\": \"RandomSparse\", \"shape\": [5000, 300],"
  "   \"params\": {\"weight\": %s, \"p\": 0.05, \"seed\": 9, \"num_weight_bits\": %s}},"
  "  {\"name\": \"B\", \"type\": \"LIF\", \"shape\": [5000], \"params\": %s}],"
  " \"connections\": [{\"from\": \"src.s_out\", \"to\": \"W.s_in\"},"
  "                   {\"from\": \"W.a_out\", \"to\": \"B.a_in\"}]}";

static BslGraph *
network (BslTag tag)
{
  g_autoptr (GError) error = NULL;
  gboolean fixed = tag == BSL_TAG_FIXED_PT;
  g_autofree char *json = g_strdup_printf (network_json, bsl_tag_to_string (tag),
                                           fixed ? "77" : "0.3", fixed ? "6" : "8",
                                           fixed ? "{\"du\": 410, \"dv\": 205, \"vth\": 2000, \"bias_mant\": 60}"
                                                 : "{\"du\": 0.1, \"dv\": 0.05, \"vth\": 1.0, \"bias_mant\": 0.02}");
  BslGraph *graph = bsl_graph_load_data (json, -1, "random-sparse.basalt", NULL, &error);

  g_assert_no_error (error);
  return graph;
}

/* Every value of B.v over the run, and the spike count of B. */
static GArray *
run_v (const BslGraph *graph, BslTag tag, guint threads, guint64 *n_spikes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (tag);
  g_autoptr (BslRuntime) runtime = NULL;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  BslProbe *v, *s;

  config->n_threads = threads;
  config->seed = bsl_graph_get_run_seed (graph);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  v = bsl_runtime_add_probe (runtime, "B.v", BSL_PROBE_RECORD, 0, &error);
  g_assert_no_error (error);
  s = bsl_runtime_add_probe (runtime, "B.s_out", BSL_PROBE_COUNT_NONZERO, 0, &error);
  g_assert_no_error (error);
  bsl_runtime_run (runtime, bsl_graph_get_run_steps (graph));
  for (gsize step = 0; step < bsl_probe_get_n_steps (v); step++)
    g_array_append_vals (values, bsl_probe_get_row (v, step), 5000);
  *n_spikes = bsl_probe_get_total_count (s);
  return values;
}

static void
test_same_as_sparse (void)
{
  for (BslTag tag = 0; tag < BSL_N_TAGS; tag++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BslGraph) graph = network (tag);
      g_autoptr (BslGraph) lowered = bsl_graph_lower_random_sparse (graph, "the test", NULL, &error);
      g_autoptr (GArray) sparse = NULL;
      guint64 spikes_sparse, spikes;

      g_assert_no_error (error);
      g_assert_cmpstr (bsl_process_get_proc_type (bsl_graph_find_process (lowered, "W"))->name, ==,
                       "Sparse");
      sparse = run_v (lowered, tag, 1, &spikes_sparse);
      g_assert_cmpuint (spikes_sparse, >, 100);
      for (guint threads = 1; threads <= 2; threads++)
        {
          g_autoptr (GArray) random = run_v (graph, tag, threads, &spikes);

          g_assert_cmpuint (spikes, ==, spikes_sparse);
          g_assert_cmpuint (random->len, ==, sparse->len);
          g_assert_true (memcmp (random->data, sparse->data, sparse->len * sizeof (double)) == 0);
        }
      g_test_message ("%s: %" G_GUINT64_FORMAT " spikes, every v equal to the Sparse's",
                      bsl_tag_to_string (tag), spikes);
    }
}

static BslProcess *
add_random_sparse (BslGraph *graph, gsize n_out, gsize n_in, double p, double seed)
{
  g_autoptr (GError) error = NULL;
  gsize dims[2] = { n_out, n_in };
  BslProcess *process = bsl_graph_add_process (graph, "RandomSparse", "W", 2, dims, &error);

  g_assert_no_error (error);
  g_assert_true (bsl_process_set_param (process, "p", bsl_array_new_scalar (p), &error));
  g_assert_true (bsl_process_set_param (process, "seed", bsl_array_new_scalar (seed), &error));
  g_assert_true (bsl_process_set_param (process, "weight", bsl_array_new_scalar (2), &error));
  return process;
}

static gsize
count_synapses (const BslArray *weights)
{
  gsize n = 0;

  for (gsize k = 0; k < weights->n; k++)
    {
      g_assert_true (weights->data[k] == 0 || weights->data[k] == 2);
      n += weights->data[k] != 0;
    }
  return n;
}

/* As many synapses as p promises (within six standard deviations), the same for a seed and not
 * for another; p = 0 and p = 1 exactly none and all. */
static void
test_draw (void)
{
  const double probabilities[] = { 0, 0.003, 0.02, 0.5, 1 };

  for (guint c = 0; c < G_N_ELEMENTS (probabilities); c++)
    {
      double p = probabilities[c], mean = p * 700 * 900, sd = sqrt (mean * (1 - p));
      g_autoptr (GError) error = NULL;
      g_autoptr (BslGraph) graph = bsl_graph_new ();
      g_autoptr (BslGraph) other = bsl_graph_new ();
      g_autoptr (BslArray) a = bsl_random_sparse_expand (add_random_sparse (graph, 700, 900, p, 1),
                                                         &error);
      g_autoptr (BslArray) b = bsl_random_sparse_expand (add_random_sparse (other, 700, 900, p, 2),
                                                         &error);
      gsize n = count_synapses (a);

      g_assert_no_error (error);
      g_assert_cmpfloat (fabs ((double) n - mean), <=, 6 * sd);
      g_assert_cmpuint (count_synapses (b), <=, mean + 6 * sd);
      if (p > 0 && p < 1)
        g_assert_false (bsl_array_equal (a, b));
      else
        g_assert_true (bsl_array_equal (a, b));
      g_test_message ("p = %g: %" G_GSIZE_FORMAT " synapses (expected %.0f)", p, n, mean);
    }
}

/* A RandomSparse holds nothing per pair, so its shape may pass 2^26; a Dense may not, and an
 * export that writes the matrix whole says which process is too large. */
static void
test_large (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_new ();
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "large.nir", NULL);
  gsize dims[2] = { 20000, 20000 };
  BslProcess *w = add_random_sparse (graph, 20000, 20000, 0.001, 3);

  g_assert_nonnull (w);
  g_assert_null (bsl_graph_add_process (graph, "Dense", "D", 2, dims, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "a process holds at most 67108864"));
  g_clear_error (&error);

  g_assert_false (bsl_nir_export_file (graph, path, NULL, NULL, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==, "the NIR export writes weight matrices whole: process 'W' "
                   "(RandomSparse): its weight matrix (20000, 20000) would have more than "
                   "67108864 elements");
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* 400 000 synapses in 4e8 pairs: drawn, run, and a spike reaches its synapses */
  {
    g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
    g_autoptr (BslRuntime) runtime = bsl_runtime_new (graph, config, &error);

    g_assert_no_error (error);
    bsl_runtime_run (runtime, 3);
  }
  test_remove_tree (dir);
}

/* The memory a run would need for its synapses is held against the budget before any is drawn. */
static void
test_memory_budget (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_new ();

  add_random_sparse (graph, 1 << 26, 1 << 26, 0.5, 1);
  g_assert_false (bsl_graph_check_memory (graph, 1, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "process 'W' (RandomSparse)"));
}

static void
test_file_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = network (BSL_TAG_FLOATING_PT);
  g_autofree char *data = bsl_graph_to_data (graph, NULL);
  g_autoptr (BslGraph) again = bsl_graph_load_data (data, -1, "again.basalt", NULL, &error);
  const BslProcess *w;

  g_assert_no_error (error);
  w = bsl_graph_find_process (again, "W");
  g_assert_cmpstr (bsl_process_get_proc_type (w)->name, ==, "RandomSparse");
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (w, "p"), 0), ==, 0.05);
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (w, "seed"), 0), ==, 9);
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (w, "weight"), 0), ==, 0.3);
  g_assert_cmpuint (bsl_process_get_dims (w)[0], ==, 5000);
}

/* The CUBA benchmark network: it fires, and one or two threads give the same spikes. */
static void
test_cuba_network (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_bench_cuba_network (1000, &error);
  guint64 counts[2][2];

  g_assert_no_error (error);
  for (guint threads = 1; threads <= 2; threads++)
    {
      g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
      g_autoptr (BslRuntime) runtime = NULL;
      BslProbe *e, *i;

      config->n_threads = threads;
      runtime = bsl_runtime_new (graph, config, &error);
      g_assert_no_error (error);
      e = bsl_runtime_add_probe (runtime, "E.s_out", BSL_PROBE_COUNT_NONZERO, 0, &error);
      i = bsl_runtime_add_probe (runtime, "I.s_out", BSL_PROBE_COUNT_NONZERO, 0, &error);
      bsl_runtime_run (runtime, 2000);
      counts[threads - 1][0] = bsl_probe_get_total_count (e);
      counts[threads - 1][1] = bsl_probe_get_total_count (i);
    }
  g_assert_cmpuint (counts[0][0], >, 100);
  g_assert_cmpuint (counts[0][1], >, 20);
  g_assert_cmpuint (counts[0][0], ==, counts[1][0]);
  g_assert_cmpuint (counts[0][1], ==, counts[1][1]);

  g_assert_null (bsl_bench_cuba_network (4, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_RANGE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/random-sparse/same-as-sparse", test_same_as_sparse);
  g_test_add_func ("/random-sparse/draw", test_draw);
  g_test_add_func ("/random-sparse/large", test_large);
  g_test_add_func ("/random-sparse/memory-budget", test_memory_budget);
  g_test_add_func ("/random-sparse/file-round-trip", test_file_round_trip);
  g_test_add_func ("/random-sparse/cuba-network", test_cuba_network);
  return g_test_run ();
}
