/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line as a user types it: output formats, exit statuses, messages. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "test-util.h"

static void
test_run_csv (void)
{
  g_autofree char *net = test_examples_path ("lif-bias.basalt");
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *contents = NULL;
  int status;

  status = test_run_basalt (&out, &err, "run", net, "--steps", "2", "--probe", "lif.v",
                            "--probe", "lif.s_out", "--out", csv, NULL);
  g_assert_cmpint (status, ==, 0);
  /* the summary counts spikes only where spikes are sent */
  g_assert_nonnull (strstr (out, "lif.v                3 elements, 5 non-zero values over 2 steps"));
  g_assert_nonnull (strstr (out, "lif.s_out            3 elements, 1 spike over 2 steps"));
  g_file_get_contents (csv, &contents, NULL, NULL);
  /* v gains bias_mant << bias_exp = 100 << 6 a step (du = 4095 forgets u, dv = 0 keeps v);
   * neuron 0 passes vth << 6 = 6400 at step 2, spikes and resets. */
  g_assert_cmpstr (contents, ==,
                   "step,probe,index,value\n"
                   "1,lif.v,0,6400\n1,lif.v,1,3200\n1,lif.v,2,448\n"
                   "1,lif.s_out,0,0\n1,lif.s_out,1,0\n1,lif.s_out,2,0\n"
                   "2,lif.v,0,0\n2,lif.v,1,6400\n2,lif.v,2,896\n"
                   "2,lif.s_out,0,1\n2,lif.s_out,1,0\n2,lif.s_out,2,0\n");
  g_unlink (csv);
  g_rmdir (dir);
}

static void
test_run_float_digits (void)
{
  g_autofree char *net = test_examples_path ("lif-bias.basalt");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "f.basalt", NULL);
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"n\", \"type\": \"LIF\","
    " \"shape\": [1], \"params\": {\"du\": 0.1, \"dv\": 0.3, \"bias_mant\": 0.1, \"vth\": 10}}]}";
  int status;

  g_file_set_contents (path, json, -1, NULL);
  status = test_run_basalt (&out, &err, "run", path, "--steps", "2", "--probe", "n.v", "--out", "-", NULL);
  g_assert_cmpint (status, ==, 0);
  /* step 2: v = 0.1 * (1 - 0.3) + 0 + 0.1 in doubles, printed so that it reads back exactly */
  g_assert_nonnull (strstr (out, "1,n.v,0,0.10000000000000001\n"));
  g_assert_nonnull (strstr (out, "2,n.v,0,0.16999999999999998\n"));
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  const char *json;
  const char *extra_arg;
  const char *needles[3];
} BadRun;

static void
test_bad_input_exit_2 (void)
{
  const BadRun cases[] = {
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [", NULL, { "malformed JSON" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"n\", \"type\": \"LIFF\"}]}",
      NULL, { "'n'", "'LIFF'" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"n\", \"type\": \"LIF\", \"params\": {\"tau\": 3}}]}",
      NULL, { "'n'", "'tau'" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\"}, \"processes\": [{\"name\": \"n\", \"type\": \"LIF\", \"params\": {\"du\": 5000}}]}",
      NULL, { "'n'", "'du'", "0..4095" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"n\", \"type\": \"LIF\", \"params\": {\"du\": 0.5}}]}",
      "--tag=fixed_pt", { "'n'", "'du'", "integer" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"s\", \"type\": \"RingBuffer\", \"shape\": [2]},"
      " {\"name\": \"n\", \"type\": \"LIF\", \"shape\": [3]}], \"connections\": [{\"from\": \"s.s_out\", \"to\": \"n.a_in\"}]}",
      NULL, { "'s.s_out'", "'n.a_in'", "(2,)" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"n\", \"type\": \"LIF\"}]}",
      "--probe=n.w", { "'n.w'" } },
    { "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"d\", \"type\": \"Dense\", \"shape\": [1, 2],"
      " \"params\": {\"weights\": {\"file\": \"nan.csv\"}}}]}", NULL, { "'d'", "'weights'", "nan" } },
  };
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "bad.basalt", NULL);
  g_autofree char *nan_csv = g_build_filename (dir, "nan.csv", NULL);
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);

  g_file_set_contents (nan_csv, "1, nan\n", -1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status;

      g_file_set_contents (path, cases[i].json, -1, NULL);
      status = test_run_basalt (&out, &err, "run", path, "--steps", "5", "--out", csv,
                                cases[i].extra_arg, NULL);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, "bad.basalt"));
      for (guint k = 0; k < 3 && cases[i].needles[k] != NULL; k++)
        if (strstr (err, cases[i].needles[k]) == NULL)
          g_error ("case %u: '%s' is not in: %s", i, cases[i].needles[k], err);
      /* nothing half-written */
      g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
    }
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (test_run_basalt (&out, &err, "run", "/nonexistent/x.basalt", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "/nonexistent/x.basalt"));
    g_clear_pointer (&err, g_free);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (test_run_basalt (&out, &err, "run", path, "--steps", "x", NULL), ==, 2);
  }
  g_unlink (path);
  g_unlink (nan_csv);
  g_rmdir (dir);
}

static void
test_bench_counts (void)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = test_run_basalt (&out, &err, "bench", "--network", "dense", "--n", "100",
                                "--steps", "1000", "--json", NULL);

  g_assert_cmpint (status, ==, 0);
  /* the spike counts Lava gives for this network */
  g_assert_nonnull (strstr (out, "\"spikes\": {\"A\": 6072, \"B\": 17671}"));
  g_assert_nonnull (strstr (out, "\"syn_events\": 607200"));
  g_assert_nonnull (strstr (out, "\"steps_per_s\""));
}

static void
test_headless_start (void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *exe = g_getenv ("BASALT_EXE");
  char *argv[] = { (char *) exe, NULL };
  g_auto(GStrv) env = g_get_environ ();
  int status = -1;
  g_autoptr(GError) error = NULL;

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  env = g_environ_unsetenv (env, "BROADWAY_DISPLAY");
  g_spawn_sync (NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (err, "no display"));
  g_assert_nonnull (strstr (out, "E.s_out"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/run-csv", test_run_csv);
  g_test_add_func ("/cli/run-float-digits", test_run_float_digits);
  g_test_add_func ("/cli/bad-input-exit-2", test_bad_input_exit_2);
  g_test_add_func ("/cli/bench-counts", test_bench_counts);
  g_test_add_func ("/cli/headless-start", test_headless_start);
  return g_test_run ();
}
