/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "test-util.h"

static BslGraph *
graph_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  BslGraph *graph = bsl_graph_load_data (json, -1, "test.basalt", NULL, &error);

  g_assert_no_error (error);
  return graph;
}

static BslRuntime *
compile (const BslGraph *graph, BslTag tag, guint threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslRunConfig) config = bsl_run_config_new (tag);
  BslRuntime *runtime;

  config->n_threads = threads;
  config->seed = bsl_graph_get_run_seed (graph);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  return runtime;
}

static BslProbe *
probe (BslRuntime *runtime, const char *target)
{
  g_autoptr(GError) error = NULL;
  BslProbe *p = bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, &error);

  g_assert_no_error (error);
  return p;
}

static gint64
first_nonzero_step (BslProbe *p, gsize index)
{
  for (gsize s = 0; s < bsl_probe_get_n_steps (p); s++)
    if (bsl_probe_get_row (p, s)[index] != 0)
      return bsl_probe_get_first_step (p) + (gint64) s;
  return -1;
}

static void
test_threads_do_not_change_results (void)
{
  for (BslTag tag = 0; tag < BSL_N_TAGS; tag++)
    {
      g_autoptr(BslGraph) graph = bsl_bench_dense_network (2000, tag, NULL);
      g_autoptr(BslRuntime) one = compile (graph, tag, 1);
      g_autoptr(BslRuntime) two = compile (graph, tag, 2);
      BslProbe *p1 = probe (one, "B.v"), *p2 = probe (two, "B.v");

      bsl_runtime_run (one, 120);
      bsl_runtime_run (two, 120);
      for (gsize s = 0; s < 120; s++)
        g_assert_cmpmem (bsl_probe_get_row (p1, s), 2000 * sizeof (double),
                         bsl_probe_get_row (p2, s), 2000 * sizeof (double));
    }
}

static void
test_bench_spike_counts (void)
{
  /* the spike counts Lava gives for N = 100, 1000 steps */
  g_autoptr(BslGraph) graph = bsl_bench_dense_network (100, BSL_TAG_FLOATING_PT, NULL);
  g_autoptr(BslRuntime) runtime = compile (graph, BSL_TAG_FLOATING_PT, 0);
  BslProbe *a = bsl_runtime_add_probe (runtime, "A.s_out", BSL_PROBE_COUNT_NONZERO, 0, NULL);
  BslProbe *b = bsl_runtime_add_probe (runtime, "B.s_out", BSL_PROBE_COUNT_NONZERO, 0, NULL);

  bsl_runtime_run (runtime, 1000);
  g_assert_cmpuint (bsl_probe_get_total_count (a), ==, 6072);
  g_assert_cmpuint (bsl_probe_get_total_count (b), ==, 17671);
}

static void
test_reset_and_rerun (void)
{
  g_autofree char *path = test_examples_path ("ei-network.basalt");
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, NULL);
  g_autoptr(BslRuntime) runtime = compile (graph, BSL_TAG_FIXED_PT, 0);
  BslProbe *v = probe (runtime, "E.v");
  g_autofree double *first = g_new (double, 800 * 60);

  bsl_runtime_run (runtime, 60);
  for (gsize s = 0; s < 60; s++)
    memcpy (first + s * 800, bsl_probe_get_row (v, s), 800 * sizeof (double));
  bsl_runtime_reset (runtime);
  g_assert_cmpint (bsl_runtime_get_time (runtime), ==, 0);
  g_assert_cmpuint (bsl_probe_get_n_steps (v), ==, 0);
  for (gsize s = 0; s < 60; s++)
    bsl_runtime_step (runtime);
  for (gsize s = 0; s < 60; s++)
    g_assert_cmpmem (first + s * 800, 800 * sizeof (double), bsl_probe_get_row (v, s), 800 * sizeof (double));
}

static void
test_get_and_set_vars (void)
{
  g_autofree char *path = test_examples_path ("lif-bias.basalt");
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, NULL);
  g_autoptr(BslRuntime) runtime = compile (graph, BSL_TAG_FIXED_PT, 0);
  BslProbe *s = bsl_runtime_add_probe (runtime, "lif.s_out", BSL_PROBE_COUNT_NONZERO, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BslArray) v = NULL;
  g_autoptr(BslArray) big = bsl_array_new_scalar (70000);
  g_autoptr(BslArray) bad = bsl_array_new_scalar (200000);
  guint64 before;

  bsl_runtime_run (runtime, 100);
  before = bsl_probe_get_total_count (s);
  g_assert_cmpuint (before, >, 50);
  v = bsl_runtime_get_var (runtime, "lif", "v", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (v->n, ==, 3);

  g_assert_false (bsl_runtime_set_var (runtime, "lif", "vth", bad, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_RANGE);
  g_assert_nonnull (strstr (error->message, "'vth'"));
  g_clear_error (&error);
  g_assert_true (bsl_runtime_set_var (runtime, "lif", "vth", big, &error));
  bsl_runtime_run (runtime, 100);
  /* threshold 70000 << 6 is out of reach of bias 100 << 6 with no leak... for 100 steps */
  g_assert_cmpuint (bsl_probe_get_total_count (s), ==, before);

  g_assert_null (bsl_runtime_get_var (runtime, "lif", "nothing", &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM);
}

static void
test_loop_without_delay_refused (void)
{
  g_autoptr(BslGraph) graph = graph_from (
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"a\", \"type\": \"LIF\", \"shape\": [2]}, {\"name\": \"b\", \"type\": \"LIF\", \"shape\": [2]}],"
    "\"connections\": [{\"from\": \"a.s_out\", \"to\": \"b.a_in\"}, {\"from\": \"b.s_out\", \"to\": \"a.a_in\"}]}");
  g_autoptr(BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr(GError) error = NULL;

  g_assert_null (bsl_runtime_new (graph, config, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "'a'"));
  g_assert_nonnull (strstr (error->message, "loop"));
}

static void
test_timing (void)
{
  /* A spike sent at step 1 reaches: the LIF through a RingBuffer at 1, through Dense at 2,
   * through DelayDense with delay 3 at 5. */
  g_autoptr(BslGraph) graph = graph_from (
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [1], \"params\": {\"data\": [[1, 0, 0, 0, 0, 0, 0, 0]]}},"
    "{\"name\": \"direct\", \"type\": \"LIF\", \"shape\": [1], \"params\": {\"vth\": 100}},"
    "{\"name\": \"d\", \"type\": \"Dense\", \"shape\": [1, 1], \"params\": {\"weights\": 5}},"
    "{\"name\": \"viadense\", \"type\": \"LIF\", \"shape\": [1], \"params\": {\"vth\": 100}},"
    "{\"name\": \"dd\", \"type\": \"DelayDense\", \"shape\": [1, 1], \"params\": {\"weights\": 5, \"delays\": 3}},"
    "{\"name\": \"viadelay\", \"type\": \"LIF\", \"shape\": [1], \"params\": {\"vth\": 100}}],"
    "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"direct.a_in\"},"
    " {\"from\": \"src.s_out\", \"to\": \"d.s_in\"}, {\"from\": \"d.a_out\", \"to\": \"viadense.a_in\"},"
    " {\"from\": \"src.s_out\", \"to\": \"dd.s_in\"}, {\"from\": \"dd.a_out\", \"to\": \"viadelay.a_in\"}]}");

  for (BslTag tag = 0; tag < BSL_N_TAGS; tag++)
    {
      g_autoptr(BslRuntime) runtime = compile (graph, tag, 0);
      BslProbe *p1 = probe (runtime, "direct.a_in");
      BslProbe *p2 = probe (runtime, "viadense.a_in");
      BslProbe *p3 = probe (runtime, "viadelay.a_in");

      bsl_runtime_run (runtime, 8);
      g_assert_cmpint (first_nonzero_step (p1, 0), ==, 1);
      g_assert_cmpint (first_nonzero_step (p2, 0), ==, 2);
      g_assert_cmpint (first_nonzero_step (p3, 0), ==, 5);
      g_assert_cmpfloat (bsl_probe_get_row (p3, 4)[0], ==, 5);
    }
}

static void
test_spiker_and_poisson (void)
{
  g_autoptr(BslGraph) graph = graph_from (
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"seed\": 3}, \"processes\": ["
    "{\"name\": \"sp\", \"type\": \"Spiker\", \"shape\": [1], \"params\": {\"period\": 3, \"payload\": 7}},"
    "{\"name\": \"po\", \"type\": \"PoissonSource\", \"shape\": [500], \"params\": {\"rate\": 0.1}}]}");
  g_autoptr(BslRuntime) a = compile (graph, BSL_TAG_FLOATING_PT, 1);
  g_autoptr(BslRuntime) b = compile (graph, BSL_TAG_FLOATING_PT, 2);
  BslProbe *sp = probe (a, "sp.s_out");
  BslProbe *pa = probe (a, "po.s_out"), *pb = probe (b, "po.s_out");
  gsize spikes = 0;

  bsl_runtime_run (a, 200);
  bsl_runtime_run (b, 200);
  /* Lava's Spiker: first message at step period + 1, then every period steps */
  for (gsize s = 0; s < 12; s++)
    g_assert_cmpfloat (bsl_probe_get_row (sp, s)[0], ==, (s + 1) % 3 == 1 && s > 0 ? 7 : 0);
  for (gsize s = 0; s < 200; s++)
    {
      g_assert_cmpmem (bsl_probe_get_row (pa, s), 500 * sizeof (double), bsl_probe_get_row (pb, s),
                       500 * sizeof (double));
      for (gsize i = 0; i < 500; i++)
        spikes += bsl_probe_get_row (pa, s)[i] != 0;
    }
  /* 10000 expected; 5 standard deviations is 474 */
  g_assert_cmpuint (spikes, >, 9500);
  g_assert_cmpuint (spikes, <, 10500);
}

static void
test_sparse_equals_dense (void)
{
#define SPARSE_DENSE_JSON(TYPE) \
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"seed\": 1}, \"processes\": [" \
    "{\"name\": \"in\", \"type\": \"PoissonSource\", \"shape\": [50], \"params\": {\"rate\": 0.2}}," \
    "{\"name\": \"w\", \"type\": \"" TYPE "\", \"shape\": [30, 50], \"params\": {\"weights\": " \
    "  {\"init\": \"uniform\", \"low\": -100, \"high\": 100, \"p\": 0.3, \"seed\": 9, \"round\": true}, \"weight_exp\": -1}}," \
    "{\"name\": \"n\", \"type\": \"LIF\", \"shape\": [30], \"params\": {\"du\": 300, \"dv\": 300, \"vth\": 50}}]," \
    "\"connections\": [{\"from\": \"in.s_out\", \"to\": \"w.s_in\"}, {\"from\": \"w.a_out\", \"to\": \"n.a_in\"}]}"
  const char *dense_json = SPARSE_DENSE_JSON ("Dense");
  const char *sparse_json = SPARSE_DENSE_JSON ("Sparse");
  g_autoptr(BslGraph) dense = graph_from (dense_json);
  g_autoptr(BslGraph) sparse = graph_from (sparse_json);
  g_autoptr(BslRuntime) rd = compile (dense, BSL_TAG_FIXED_PT, 0);
  g_autoptr(BslRuntime) rs = compile (sparse, BSL_TAG_FIXED_PT, 0);
  BslProbe *vd = probe (rd, "n.v"), *vs = probe (rs, "n.v");
  double total = 0;

  bsl_runtime_run (rd, 300);
  bsl_runtime_run (rs, 300);
  for (gsize s = 0; s < 300; s++)
    {
      g_assert_cmpmem (bsl_probe_get_row (vd, s), 30 * sizeof (double), bsl_probe_get_row (vs, s),
                       30 * sizeof (double));
      total += fabs (bsl_probe_get_row (vd, s)[0]);
    }
  g_assert_cmpfloat (total, >, 0);
}

static void
test_refractory (void)
{
  g_autoptr(BslGraph) graph = graph_from (
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"n\", \"type\": \"LIFRefractory\", \"shape\": [1], "
    " \"params\": {\"du\": 1, \"dv\": 0, \"vth\": 2.5, \"bias_mant\": 1, \"refractory_period\": 4}}]}");
  g_autoptr(BslRuntime) runtime = compile (graph, BSL_TAG_FLOATING_PT, 0);
  BslProbe *s = probe (runtime, "n.s_out"), *v = probe (runtime, "n.v");
  g_autoptr(BslRunConfig) fixed = bsl_run_config_new (BSL_TAG_FIXED_PT);
  g_autoptr(GError) error = NULL;

  bsl_runtime_run (runtime, 12);
  /* v: 1 2 3 -> spike at 3; held at 0 through step 7; then 1 2 3 -> spike at 10 */
  g_assert_cmpint (first_nonzero_step (s, 0), ==, 3);
  for (gsize k = 3; k < 7; k++)
    g_assert_cmpfloat (bsl_probe_get_row (v, k)[0], ==, 0);
  g_assert_cmpfloat (bsl_probe_get_row (s, 9)[0], ==, 1);

  g_assert_null (bsl_runtime_new (graph, fixed, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "'n'"));
}

static void
test_probe_window (void)
{
  g_autofree char *path = test_examples_path ("lif-bias.basalt");
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, NULL);
  g_autoptr(BslRuntime) runtime = compile (graph, BSL_TAG_FIXED_PT, 0);
  g_autoptr(GError) error = NULL;
  BslProbe *all = probe (runtime, "lif.v");
  BslProbe *window = bsl_runtime_add_probe (runtime, "lif.v", BSL_PROBE_RECORD, 10, &error);

  g_assert_no_error (error);
  bsl_runtime_run (runtime, 25);
  g_assert_cmpuint (bsl_probe_get_n_steps (window), ==, 10);
  g_assert_cmpint (bsl_probe_get_first_step (window), ==, 16);
  for (gsize s = 0; s < 10; s++)
    g_assert_cmpmem (bsl_probe_get_row (window, s), 3 * sizeof (double),
                     bsl_probe_get_row (all, 15 + s), 3 * sizeof (double));
  g_assert_null (bsl_runtime_add_probe (runtime, "lif.w", BSL_PROBE_RECORD, 0, &error));
  g_assert_nonnull (strstr (error->message, "'lif.w'"));
}

static void
test_mixed_tags (void)
{
  g_autofree char *path = test_examples_path ("ringbuffer-dense-lif.basalt");
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, NULL);
  g_autoptr(BslRunConfig) config = bsl_run_config_new (BSL_TAG_FIXED_PT);
  g_autoptr(GError) error = NULL;
  g_autoptr(BslRuntime) runtime = NULL;
  g_autoptr(BslArray) w = NULL;

  bsl_run_config_set_override (config, "syn", BSL_TAG_FLOATING_PT);
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bsl_runtime_get_process_tag (runtime, "syn"), ==, BSL_TAG_FLOATING_PT);
  g_assert_cmpint (bsl_runtime_get_process_tag (runtime, "lif1"), ==, BSL_TAG_FIXED_PT);
  bsl_runtime_run (runtime, 20);
  w = bsl_runtime_get_var (runtime, "lif1", "v", &error);
  g_assert_no_error (error);
}

static void
test_fixed_wraps (void)
{
  /* u wraps into (-2^23, 2^23] after a_in << 6 is added in int32, as Lava's int32 arrays do;
   * v saturates at +-(2^23 - 1). du = 4095 forgets the old u, dv = 4095 keeps 1/4096 of v. */
  g_autoptr(BslGraph) graph = graph_from (
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [1],"
    " \"params\": {\"data\": [[131072, 131073, 67108864, -131072, 200000]]}},"
    "{\"name\": \"n\", \"type\": \"LIF\", \"shape\": [1],"
    " \"params\": {\"du\": 4095, \"dv\": 4095, \"vth\": 131071}}],"
    "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"n.a_in\"}]}");
  g_autoptr(BslRuntime) runtime = compile (graph, BSL_TAG_FIXED_PT, 0);
  BslProbe *u = probe (runtime, "n.u"), *v = probe (runtime, "n.v");
  /* step 1: u = 2^23 is kept; v saturates at 2^23 - 1 > vth << 6, spikes and resets.
   * step 2: 2^23 + 64 wraps to -2^23 + 64. step 3: 2^26 << 6 = 2^32 wraps to 0 in int32;
   * v = -(8388544 / 4096 toward zero). step 4: -2^23 wraps to +2^23. step 5: 12800000 - 2^24. */
  const double want_u[] = { 8388608, -8388544, 0, 8388608, -3977216 };
  const double want_v[] = { 0, -8388544, -2047, 0, -3977216 };

  bsl_runtime_run (runtime, 5);
  for (gsize s = 0; s < 5; s++)
    {
      g_assert_cmpfloat (bsl_probe_get_row (u, s)[0], ==, want_u[s]);
      g_assert_cmpfloat (bsl_probe_get_row (v, s)[0], ==, want_v[s]);
    }
}

static void
test_dense_weight_precision (void)
{
  /* fixed_pt Dense, Lava's rules: mixed sign spends one bit, so with num_weight_bits 4 weights
   * keep multiples of 2^(8 - 4 + 1) = 32 (floor): 100 -> 96, -100 -> -128, 255 -> 224;
   * inhibitory keeps multiples of 2^2 toward zero: -101 -> -100; excitatory clips at 255.
   * Graded messages multiply; weight_exp 1 doubles the sum. */
  g_autoptr(BslGraph) graph = graph_from (
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[1], [1], [1]]}},"
    "{\"name\": \"mixed\", \"type\": \"Dense\", \"shape\": [3, 3], \"params\": {\"num_weight_bits\": 4,"
    "  \"weights\": [[100, 0, 0], [0, -100, 0], [0, 0, 255]]}},"
    "{\"name\": \"inh\", \"type\": \"Dense\", \"shape\": [1, 3], \"params\": {\"num_weight_bits\": 6,"
    "  \"weights\": [[-101, 0, 0]]}},"
    "{\"name\": \"exc\", \"type\": \"Dense\", \"shape\": [1, 3], \"params\": {\"sign_mode\": 2,"
    "  \"weights\": [[255, 7, 0]], \"weight_exp\": 1}},"
    "{\"name\": \"gsrc\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[3], [-2]]}},"
    "{\"name\": \"graded\", \"type\": \"Dense\", \"shape\": [1, 2], \"params\": {\"num_message_bits\": 8,"
    "  \"weights\": [[10, 20]]}}],"
    "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"mixed.s_in\"}, {\"from\": \"src.s_out\", \"to\": \"inh.s_in\"},"
    " {\"from\": \"src.s_out\", \"to\": \"exc.s_in\"}, {\"from\": \"gsrc.s_out\", \"to\": \"graded.s_in\"}]}");
  g_autoptr(BslRuntime) runtime = compile (graph, BSL_TAG_FIXED_PT, 0);
  BslProbe *mixed = probe (runtime, "mixed.a_out"), *inh = probe (runtime, "inh.a_out");
  BslProbe *exc = probe (runtime, "exc.a_out"), *graded = probe (runtime, "graded.a_out");

  bsl_runtime_run (runtime, 2);
  g_assert_cmpfloat (bsl_probe_get_row (mixed, 1)[0], ==, 96);
  g_assert_cmpfloat (bsl_probe_get_row (mixed, 1)[1], ==, -128);
  g_assert_cmpfloat (bsl_probe_get_row (mixed, 1)[2], ==, 224);
  g_assert_cmpfloat (bsl_probe_get_row (inh, 1)[0], ==, -100);
  g_assert_cmpfloat (bsl_probe_get_row (exc, 1)[0], ==, (255 + 7) * 2);
  /* 10 * 3 + 20 * (-2); the mixed default drops the LSB of neither (both even) */
  g_assert_cmpfloat (bsl_probe_get_row (graded, 1)[0], ==, -10);
  /* nothing arrives before step 2 */
  g_assert_cmpfloat (bsl_probe_get_row (mixed, 0)[0], ==, 0);
}

static void
test_runner_readers_get_a_turn (void)
{
  /* A plot copies probe data every frame while the engine runs flat out: it must get the lock
   * within a frame or two, and a pause followed by resume must not slow the run down. */
  g_autofree char *path = test_examples_path ("lif-bias.basalt");
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, NULL);
  BslRunner *runner = bsl_runner_new (compile (graph, BSL_TAG_FIXED_PT, 1));
  gint64 worst = 0, before, after;

  bsl_runner_start (runner, -1, 0);
  for (int frame = 0; frame < 100; frame++)
    {
      gint64 start = g_get_monotonic_time ();
      bsl_runner_lock (runner);
      worst = MAX (worst, g_get_monotonic_time () - start);
      bsl_runner_unlock (runner);
      g_usleep (5000);
    }
  g_test_message ("longest wait for the runtime lock: %" G_GINT64_FORMAT " us", worst);
  g_assert_cmpint (worst, <, 50000);

  /* After pause + resume, steps still come in batches: compare the rates before and after. */
  before = bsl_runner_get_time (runner);
  g_usleep (100000);
  before = bsl_runner_get_time (runner) - before;
  bsl_runner_pause (runner);
  bsl_runner_wait_idle (runner);
  bsl_runner_resume (runner);
  after = bsl_runner_get_time (runner);
  g_usleep (100000);
  after = bsl_runner_get_time (runner) - after;
  g_test_message ("steps in 100 ms before a pause: %" G_GINT64_FORMAT ", after: %" G_GINT64_FORMAT,
                  before, after);
  g_assert_cmpint (after * 3, >, before);
  bsl_runner_free (runner);
}

static void
test_runner (void)
{
  g_autofree char *path = test_examples_path ("ei-network.basalt");
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, NULL);
  BslRuntime *runtime = compile (graph, BSL_TAG_FIXED_PT, 0);
  BslRunner *runner;
  g_autoptr(GError) error = NULL;
  g_autoptr(BslArray) high = bsl_array_new_scalar (131071);
  g_autoptr(BslArray) bad = bsl_array_new_scalar (-5);
  BslProbe *spikes = bsl_runtime_add_probe (runtime, "E.s_out", BSL_PROBE_RECORD, 5000, NULL);
  gint64 t1, t2;

  runner = bsl_runner_new (runtime);
  bsl_runner_start (runner, 300, 0);
  bsl_runner_wait (runner);
  g_assert_cmpint (bsl_runner_get_time (runner), ==, 300);
  g_assert_cmpint (bsl_runner_get_state (runner), ==, BSL_RUNNER_IDLE);

  /* continuous, pause, step, resume, stop */
  bsl_runner_start (runner, -1, 20000);
  g_usleep (50000);
  bsl_runner_pause (runner);
  bsl_runner_wait_idle (runner);
  g_assert_cmpint (bsl_runner_get_state (runner), ==, BSL_RUNNER_PAUSED);
  t1 = bsl_runner_get_time (runner);
  g_assert_cmpint (t1, >, 300);
  g_usleep (20000);
  g_assert_cmpint (bsl_runner_get_time (runner), ==, t1);
  bsl_runner_step (runner);
  bsl_runner_wait_idle (runner);
  g_assert_cmpint (bsl_runner_get_time (runner), ==, t1 + 1);

  /* a Var change is validated at once and applied before the next step */
  g_assert_false (bsl_runner_set_var (runner, "E", "vth", bad, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_RANGE);
  g_assert_true (bsl_runner_set_var (runner, "E", "vth", high, NULL));
  bsl_runner_step (runner);
  bsl_runner_wait_idle (runner);
  {
    BslRuntime *rt = bsl_runner_lock (runner);
    g_autoptr(BslArray) vth = bsl_runtime_get_var (rt, "E", "vth", NULL);
    g_assert_cmpfloat (vth->data[0], ==, 131071);
    bsl_runner_unlock (runner);
  }

  bsl_runner_resume (runner);
  g_usleep (20000);
  bsl_runner_stop (runner);
  bsl_runner_wait_idle (runner);
  t2 = bsl_runner_get_time (runner);
  g_assert_cmpint (t2, >, t1 + 1);
  g_assert_cmpint (bsl_runner_get_state (runner), ==, BSL_RUNNER_IDLE);

  bsl_runner_reset (runner);
  bsl_runner_wait_idle (runner);
  g_assert_cmpint (bsl_runner_get_time (runner), ==, 0);
  g_assert_cmpuint (bsl_probe_get_n_steps (spikes), ==, 0);
  bsl_runner_free (runner);
}

/* A negative bias_exp is a right shift (floor), as Lava's fixed_pt LIF computes it; floating_pt
 * ignores it, as Lava's floating model does. */
static void
test_lif_negative_bias_exp (void)
{
  static const char json[] =
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"lif\", \"type\": \"LIF\","
    " \"shape\": [4], \"params\": {\"du\": 4095, \"dv\": 0, \"vth\": 1000,"
    " \"bias_mant\": [100, -100, 7, -1], \"bias_exp\": [-3, -3, -3, -40]}}]}";
  static const double after_two[] = { 24, -26, 0, -2 };
  g_autoptr (BslGraph) graph = graph_from (json);
  BslRuntime *runtime = compile (graph, BSL_TAG_FIXED_PT, 1);
  g_autoptr (BslArray) v = NULL;

  bsl_runtime_run (runtime, 2);
  v = bsl_runtime_get_var (runtime, "lif", "v", NULL);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (v->data[i], ==, after_two[i]);
  bsl_runtime_free (runtime);

  g_assert_true (bsl_process_set_param (bsl_graph_find_process (graph, "lif"), "du",
                                        bsl_array_new_scalar (1), NULL));
  runtime = compile (graph, BSL_TAG_FLOATING_PT, 1);
  bsl_runtime_run (runtime, 2);
  g_clear_pointer (&v, bsl_array_free);
  v = bsl_runtime_get_var (runtime, "lif", "v", NULL);
  g_assert_cmpfloat (v->data[0], ==, 200);
  bsl_runtime_free (runtime);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/threads-do-not-change-results", test_threads_do_not_change_results);
  g_test_add_func ("/runtime/bench-spike-counts", test_bench_spike_counts);
  g_test_add_func ("/runtime/reset-and-rerun", test_reset_and_rerun);
  g_test_add_func ("/runtime/lif-negative-bias-exp", test_lif_negative_bias_exp);
  g_test_add_func ("/runtime/get-and-set-vars", test_get_and_set_vars);
  g_test_add_func ("/runtime/loop-without-delay-refused", test_loop_without_delay_refused);
  g_test_add_func ("/runtime/timing", test_timing);
  g_test_add_func ("/runtime/spiker-and-poisson", test_spiker_and_poisson);
  g_test_add_func ("/runtime/sparse-equals-dense", test_sparse_equals_dense);
  g_test_add_func ("/runtime/refractory", test_refractory);
  g_test_add_func ("/runtime/probe-window", test_probe_window);
  g_test_add_func ("/runtime/mixed-tags", test_mixed_tags);
  g_test_add_func ("/runtime/fixed-wraps", test_fixed_wraps);
  g_test_add_func ("/runtime/dense-weight-precision", test_dense_weight_precision);
  g_test_add_func ("/runtime/runner", test_runner);
  g_test_add_func ("/runtime/runner-readers-get-a-turn", test_runner_readers_get_a_turn);
  return g_test_run ();
}
