/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line as a user types it: output formats, exit statuses, messages. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
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
  /* spikes are events: only the non-zero values, announced with the size and the steps */
  g_assert_cmpstr (contents, ==,
                   "step,probe,index,value\n"
                   "# events lif.s_out 3 1 2\n"
                   "1,lif.v,0,6400\n1,lif.v,1,3200\n1,lif.v,2,448\n"
                   "2,lif.v,0,0\n2,lif.v,1,6400\n2,lif.v,2,896\n"
                   "2,lif.s_out,0,1\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&contents, g_free);

  /* --full: every value, zeros included */
  status = test_run_basalt (&out, &err, "run", net, "--steps", "2", "--probe", "lif.v",
                            "--probe", "lif.s_out", "--full", "--out", csv, NULL);
  g_assert_cmpint (status, ==, 0);
  g_file_get_contents (csv, &contents, NULL, NULL);
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

/* Every file the command line writes follows the umask (0644 under umask 022), as any tool's. */
static void
test_outputs_follow_umask (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *example = test_examples_path ("ringbuffer-dense-lif.basalt");
  const char *const outputs[][3] = {
    { "run.csv", "run", NULL }, { "net.nir", "export", "nir" }, { "net.c", "export", "c" },
    { "net.py", "export", "lava" },
  };
  mode_t saved = umask (022);

  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autofree char *path = g_build_filename (dir, outputs[i][0], NULL);
      g_autofree char *out = NULL, *err = NULL;
      GStatBuf st;
      int status = outputs[i][2] == NULL
        ? test_run_basalt (&out, &err, "run", example, "--steps", "5", "--out", path, NULL)
        : test_run_basalt (&out, &err, "export", example, "--format", outputs[i][2], "-o", path, NULL);

      g_assert_cmpint (status, ==, 0);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      if ((st.st_mode & 0777) != 0644)
        g_error ("%s is created with mode %o under umask 022", outputs[i][0], st.st_mode & 0777);
      g_unlink (path);
    }
  umask (saved);
  g_rmdir (dir);
}

/* A file's probes may name any Var, parameters included, as Lava's Monitor probes any Var:
 * `basalt run` records them with no --probe, as the window does. */
static void
test_run_records_file_probes_of_any_var (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *net = g_build_filename (dir, "probed.basalt", NULL);
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *contents = NULL;
  int status;

  g_assert_true (g_file_set_contents (net,
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 2},"
    " \"processes\": [{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [2],"
    "   \"params\": {\"du\": 4095, \"vth\": 100, \"bias_mant\": [3, 5], \"bias_exp\": 0}}],"
    " \"connections\": [], \"probes\": [\"lif.vth\", \"lif.bias_mant\", \"lif.v\"]}", -1, NULL));
  status = test_run_basalt (&out, &err, "run", net, "--out", csv, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "step,probe,index,value\n"
                   "1,lif.vth,0,100\n1,lif.bias_mant,0,3\n1,lif.bias_mant,1,5\n1,lif.v,0,3\n1,lif.v,1,5\n"
                   "2,lif.vth,0,100\n2,lif.bias_mant,0,3\n2,lif.bias_mant,1,5\n2,lif.v,0,6\n2,lif.v,1,10\n");
  g_unlink (csv);
  g_unlink (net);
  g_rmdir (dir);
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
  g_test_add_func ("/cli/outputs-follow-umask", test_outputs_follow_umask);
  g_test_add_func ("/cli/run-records-file-probes-of-any-var", test_run_records_file_probes_of_any_var);
  return g_test_run ();
}
