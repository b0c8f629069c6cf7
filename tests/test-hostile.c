/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hostile files and a hostile environment, through the command line as a user meets them: each
 * ends in a clear message naming the file and the problem (exit 2, also for an output that does
 * not fit on the disk), never a crash, a hang, unbounded memory or a temporary file left behind. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-util.h"

static char *tmp_dir;

/* Runs a /bin/sh script with $BASALT set to the executable (for ulimit and timeout); returns
 * the exit status, or 128 + the signal that ended it. */
static int
run_shell (const char  *script,
           char       **err)
{
  g_autofree char *full = g_strdup_printf ("BASALT='%s'; %s", g_getenv ("BASALT_EXE"), script);
  const char *argv[] = { "/bin/sh", "-c", full, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, err,
                &status, &error);
  g_assert_no_error (error);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

static void
assert_message (const char *err,
                const char *first,
                ...)
{
  va_list args;

  g_assert_nonnull (err);
  g_assert_null (strstr (err, "CRITICAL"));
  g_assert_null (strstr (err, "runtime error"));   /* UBSan */
  va_start (args, first);
  for (const char *w = first; w != NULL; w = va_arg (args, const char *))
    if (strstr (err, w) == NULL)
      g_error ("'%s' is not in the message: %s", w, err);
  va_end (args);
}

/* Names in @dir other than @keep: the temporary files a failed write would leave. */
static guint
count_leftovers (const char *dir,
                 const char *keep)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    if (keep == NULL || !g_str_equal (name, keep))
      {
        g_test_message ("left behind: %s", name);
        n++;
      }
  return n;
}

static char *
fresh_dir (const char *name)
{
  char *dir = g_build_filename (tmp_dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* 4 rows whose steps x neurons grid (968973220 x 19037413721) wraps a 64-bit product to 4. */
static void
test_reference_overflow (void)
{
  g_autofree char *net = test_examples_path ("lif-bias.basalt");
  const char *files[][2] = {
    { "wrap-long.csv", "step,neuron,u,v,spike\n0,0,0,0,0\n0,19037413720,0,0,0\n"
                       "968973219,0,0,0,0\n968973219,19037413720,0,0,0\n" },
    { "wrap-probe.csv", "step,probe,index,value\n1,lif.v,0,0\n1,lif.v,19037413720,0\n"
                        "968973220,lif.v,0,0\n968973220,lif.v,19037413720,0\n" },
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *ref = test_write_file (tmp_dir, files[f][0], files[f][1]);
      g_autofree char *out = NULL, *err = NULL;
      int status = test_run_basalt (&out, &err, "fit", net, "--process", "lif", "--reference",
                                    ref, "--params", "vth", NULL);

      g_test_message ("%s: %d, %s", files[f][0], status, err);
      g_assert_cmpint (status, ==, 2);
      assert_message (err, ref, "too large a reference", NULL);
    }
}

static GString *
deep_network (const char *prefix)
{
  GString *text = g_string_new (prefix);

  g_string_append (text, "\"format\": \"basalt\", \"version\": 1, \"x\": ");
  for (guint k = 0; k < 300000; k++)
    g_string_append_c (text, '[');
  for (guint k = 0; k < 300000; k++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return text;
}

/* json-glib reads single-quoted strings, '/' comments and short \u escapes, all of which once
 * hid a deep nesting from the depth check (a stack overflow); a lone surrogate escape makes
 * json-glib abort. */
static void
test_json_tricks (void)
{
  const char *prefixes[][2] = {
    { "{'a\"': 1, ", "single-quoted string" },
    { "{/* \" */ ", "comment" },
    { "{\"k\": \"\\u0\", ", "broken escape" },
    { "{\"k\": \"\\uD800\", ", "broken escape" },
  };

  for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
    {
      g_autoptr(GString) text = deep_network (prefixes[p][0]);
      g_autofree char *name = g_strdup_printf ("trick%u.basalt", p);
      g_autofree char *path = test_write_file (tmp_dir, name, text->str);
      const char *verbs[][4] = { { "run", "--steps", "1" }, { "bench", "--steps", "1" },
                                 { "export", "--format", "c" } };

      for (guint v = 0; v < G_N_ELEMENTS (verbs); v++)
        {
          g_autofree char *out = NULL, *err = NULL;
          g_autofree char *dest = g_build_filename (tmp_dir, "never.c", NULL);
          int status = test_run_basalt (&out, &err, verbs[v][0], path, verbs[v][1], verbs[v][2],
                                        "-o", dest, NULL);

          if (g_str_equal (verbs[v][0], "export"))
            g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
          else
            {
              g_clear_pointer (&out, g_free);
              g_clear_pointer (&err, g_free);
              status = test_run_basalt (&out, &err, verbs[v][0], path, verbs[v][1], verbs[v][2],
                                        NULL);
            }
          g_test_message ("%s %s: %d, %s", verbs[v][0], name, status, err);
          g_assert_cmpint (status, ==, 2);
          assert_message (err, path, "malformed JSON", prefixes[p][1], NULL);
        }
    }
}

static const char full_disk_network[] =
  "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
  "{\"name\": \"a\", \"type\": \"LIF\", \"shape\": [64]},"
  "{\"name\": \"w\", \"type\": \"Dense\", \"shape\": [64, 64], \"params\": {\"weights\": "
  "{\"init\": \"uniform\", \"low\": -1, \"high\": 1, \"seed\": 1}}},"
  "{\"name\": \"b\", \"type\": \"LIF\", \"shape\": [64]}],"
  "\"connections\": [{\"from\": \"a.s_out\", \"to\": \"w.s_in\"},"
  "{\"from\": \"w.a_out\", \"to\": \"b.a_in\"}]}";

/* Runs @command (a basalt verb and its arguments, written to @dest) under @limit, a shell
 * prefix that makes the write fail; every output that does not fit exits 2 naming @dest, with
 * the reason, and leaves nothing in @dir (a limit that mounts its own @dir lists what is left
 * there on stderr, each name after "left behind:"). */
static void
assert_output_does_not_fit (const char *limit,
                            const char *dir,
                            const char *dest,
                            const char *command,
                            const char *reason)
{
  g_autofree char *script = g_strdup_printf ("%s \"$BASALT\" %s", limit, command);
  g_autofree char *err = NULL;
  int status = run_shell (script, &err);

  g_test_message ("%s: %d, %s", script, status, err);
  g_assert_cmpint (status, ==, 2);
  assert_message (err, dest, "writing failed", reason, NULL);
  g_assert_null (strstr (err, "left behind:"));
  g_assert_cmpuint (count_leftovers (dir, NULL), ==, 0);
}

/* The outputs of run, export and import under the file-size limit (ulimit -f) and on a full
 * disk: the write fails (EFBIG instead of SIGXFSZ killing the process; ENOSPC), the message
 * names the destination, nothing is left behind, and for NIR no HDF5 file stays open to crash
 * the process at exit. */
static void
check_outputs_do_not_fit (const char *limit,
                          const char *dir,
                          const char *reason)
{
  g_autofree char *net = test_write_file (tmp_dir, "big.basalt", full_disk_network);
  g_autofree char *nir = g_build_filename (tmp_dir, "big.nir", NULL);
  const char *formats[] = { "nir", "c", "lava" };
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *run = g_strdup_printf ("run '%s' --steps 2000 --probe b.v --out '%s'", net,
                                          csv);
  g_autofree char *imported = g_build_filename (dir, "imported.basalt", NULL);
  g_autofree char *import = g_strdup_printf ("import '%s' -o '%s'", nir, imported);
  g_autofree char *err = NULL;

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *dest = g_strdup_printf ("%s/out.%s", dir, formats[f]);
      g_autofree char *export = g_strdup_printf ("export '%s' --format %s -o '%s'", net,
                                                 formats[f], dest);
      assert_output_does_not_fit (limit, dir, dest, export, reason);
    }
  assert_output_does_not_fit (limit, dir, csv, run, reason);
  g_assert_cmpint (test_run_basalt (NULL, &err, "export", net, "--format", "nir", "-o", nir,
                                    NULL), ==, 0);
  assert_output_does_not_fit (limit, dir, imported, import, reason);
}

static void
test_file_size_limit (void)
{
  g_autofree char *dir = fresh_dir ("full");

  check_outputs_do_not_fit ("ulimit -f 8; exec", dir, "file-size limit");
}

/* A real full disk: a 16 KB tmpfs mounted in a user namespace of its own (skipped where the
 * system allows no user namespaces). */
static void
test_full_disk (void)
{
  g_autofree char *dir = fresh_dir ("tmpfs");
  g_autofree char *mount = g_strdup_printf ("unshare -rm sh -c 'mount -t tmpfs -o size=16k "
                                            "none \"%s\"' 2>/dev/null", dir);
  g_autofree char *limit = NULL;

  if (run_shell (mount, NULL) != 0)
    {
      g_test_skip ("no user namespace to mount a small tmpfs in (unshare -rm)");
      return;
    }
  /* Each command runs in its own namespace and sees its own empty 16 KB tmpfs. */
  limit = g_strdup_printf ("exec unshare -rm sh -c 'mount -t tmpfs -o size=16k none \"%s\" || "
                           "exit 99; \"$0\" \"$@\"; status=$?; ls -A \"%s\" | "
                           "sed \"s/^/left behind: /\" >&2; exit $status'", dir, dir);
  check_outputs_do_not_fit (limit, dir, "No space left on device");
}

/* SIGTERM or SIGINT during a long run removes the half-written CSV. */
static void
test_signal_cleanup (void)
{
  const int signals[] = { SIGTERM, SIGINT, SIGHUP };
  g_autofree char *net = test_examples_path ("lif-bias.basalt");

  for (guint s = 0; s < G_N_ELEMENTS (signals); s++)
    {
      g_autofree char *name = g_strdup_printf ("signal%d", signals[s]);
      g_autofree char *dir = fresh_dir (name);
      g_autofree char *dest = g_build_filename (dir, "out.csv", NULL);
      const char *argv[] = { g_getenv ("BASALT_EXE"), "run", net, "--steps", "1000000000",
                             "--probe", "lif.v", "--out", dest, NULL };
      g_autoptr(GError) error = NULL;
      GPid pid;
      int status;
      guint waited = 0;

      g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &pid, &error));
      g_assert_no_error (error);
      /* Until the temporary file is there and growing. */
      while (count_leftovers (dir, NULL) == 0 && waited++ < 400)
        g_usleep (25000);
      g_usleep (200000);
      g_assert_cmpuint (count_leftovers (dir, NULL), ==, 1);
      kill (pid, signals[s]);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, signals[s]);
      g_assert_cmpuint (count_leftovers (dir, NULL), ==, 0);
    }
}

static char *
dense_network (guint n_dense)
{
  GString *text = g_string_new ("{\"format\": \"basalt\", \"version\": 1, \"processes\": [");

  for (guint i = 0; i < n_dense; i++)
    g_string_append_printf (text, "%s{\"name\": \"d%u\", \"type\": \"Dense\", \"shape\": "
                            "[8192, 8192], \"params\": {\"weights\": {\"init\": \"constant\", "
                            "\"value\": 1}}}", i ? ", " : "", i);
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

/* A short file asking for 20 Dense 8192 x 8192 (10 GB), endless streams and FIFOs as networks
 * or references: refused before anything is allocated or read, without waiting. */
static void
test_memory_and_streams (void)
{
  g_autofree char *text = dense_network (20);
  g_autofree char *net = test_write_file (tmp_dir, "huge.basalt", text);
  g_autofree char *fifo = g_build_filename (tmp_dir, "pipe.basalt", NULL);
  g_autofree char *example = test_examples_path ("lif-bias.basalt");
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_setenv ("BASALT_MEMORY_BUDGET", "1G", TRUE);
  status = test_run_basalt (&out, &err, "run", net, "--steps", "1", NULL);
  g_test_message ("20 Dense 8192 x 8192: %d, %s", status, err);
  g_assert_cmpint (status, ==, 2);
  assert_message (err, net, "memory budget of 1.0 GB", "'d1' (Dense)", NULL);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  /* A 600 MB network passes the loader's budget but not the running copy's. */
  g_setenv ("BASALT_MEMORY_BUDGET", "700M", TRUE);
  g_free (text);
  text = dense_network (1);
  g_free (net);
  net = test_write_file (tmp_dir, "one.basalt", text);
  status = test_run_basalt (&out, &err, "run", net, "--steps", "1", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_message (err, "memory budget of 700.0 MB", "'d0' (Dense)", NULL);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_unsetenv ("BASALT_MEMORY_BUDGET");

  {
    const char *networks[][2] = { { "/dev/zero", "is a device" }, { fifo, "is a FIFO" },
                                  { tmp_dir, "is a folder" } };
    for (guint k = 0; k < G_N_ELEMENTS (networks); k++)
      {
        g_autofree char *script = g_strdup_printf ("exec timeout 20 \"$BASALT\" run '%s'",
                                                   networks[k][0]);
        g_autofree char *e = NULL;
        status = run_shell (script, &e);
        g_test_message ("run %s: %d, %s", networks[k][0], status, e);
        g_assert_cmpint (status, ==, 2);
        assert_message (e, networks[k][0], networks[k][1], "not a regular file", NULL);
        g_free (e);
        e = NULL;
        g_free (script);
        script = g_strdup_printf ("exec timeout 20 \"$BASALT\" fit '%s' --process lif "
                                  "--reference '%s' --params vth", example, networks[k][0]);
        status = run_shell (script, &e);
        g_test_message ("fit --reference %s: %d, %s", networks[k][0], status, e);
        g_assert_cmpint (status, ==, 2);
        assert_message (e, networks[k][0], networks[k][1], NULL);
      }
  }
  g_unlink (fifo);
}

static void
test_threads_and_bench_arguments (void)
{
  g_autofree char *net = test_examples_path ("lif-bias.basalt");
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = test_run_basalt (&out, &err, "run", net, "--steps", "5", "--threads", "100000", NULL);
  g_assert_cmpint (status, ==, 0);
  assert_message (err, "--threads 100000: using", NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = test_run_basalt (&out, &err, "bench", "--network", "dense", "--n", "10", "--steps",
                            "5", "--threads", "-3", NULL);
  g_assert_cmpint (status, ==, 2);
  assert_message (err, "--threads must be 0", "-3", NULL);

  for (guint k = 0; k < 3; k++)
    {
      const char *n = (const char *[]) { "-5", "0", "8193" }[k];
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      status = test_run_basalt (&out, &err, "bench", "--network", "dense", "--n", n, "--steps",
                                "5", NULL);
      g_test_message ("bench --n %s: %d, %s", n, status, err);
      g_assert_cmpint (status, ==, 2);
      {
        g_autofree char *wanted = g_strdup_printf ("--n %s is outside 1..8192", n);
        assert_message (err, wanted, NULL);
      }
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = test_run_basalt (&out, &err, "bench", "--network", "dense", "--n", "8192", "--steps",
                            "1", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  test_run_basalt (&out, &err, "bench", "--help", NULL);
  g_assert_nonnull (strstr (out, "1..8192"));
}

/* export -o to a folder or into a missing folder, import of what is not a file: exit 2 with
 * the user's path, not a temporary name. */
static void
test_paths (void)
{
  g_autofree char *net = test_examples_path ("lif-bias.basalt");
  g_autofree char *missing = g_build_filename (tmp_dir, "no-such-dir", "out", NULL);
  g_autofree char *fifo = g_build_filename (tmp_dir, "pipe.nir", NULL);
  g_autofree char *back = g_build_filename (tmp_dir, "back.basalt", NULL);
  const char *formats[] = { "nir", "c", "lava" };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      const char *dests[][2] = { { tmp_dir, "is a folder" }, { missing, "does not exist" } };
      for (guint d = 0; d < G_N_ELEMENTS (dests); d++)
        {
          g_autofree char *out = NULL, *err = NULL;
          int status = test_run_basalt (&out, &err, "export", net, "--format", formats[f], "-o",
                                        dests[d][0], NULL);
          g_test_message ("export %s -o %s: %d, %s", formats[f], dests[d][0], status, err);
          g_assert_cmpint (status, ==, 2);
          assert_message (err, dests[d][0], dests[d][1], NULL);
          g_assert_null (strstr (err, "XXXXXX"));
        }
    }
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  {
    const char *inputs[][2] = { { tmp_dir, "is a folder" }, { fifo, "is a FIFO" },
                                { "/dev/null", "is a device" }, { missing, "no such file" } };
    for (guint k = 0; k < G_N_ELEMENTS (inputs); k++)
      {
        g_autofree char *script = g_strdup_printf ("exec timeout 20 \"$BASALT\" import '%s' -o "
                                                   "'%s'", inputs[k][0], back);
        g_autofree char *err = NULL;
        int status = run_shell (script, &err);
        g_test_message ("import %s: %d, %s", inputs[k][0], status, err);
        g_assert_cmpint (status, ==, 2);
        assert_message (err, inputs[k][0], inputs[k][1], NULL);
      }
  }
  g_unlink (fifo);
}

/* v**3000000000 once overflowed an int while its unit was written into the message. */
static void
test_huge_power (void)
{
  g_autofree char *net = test_write_file (tmp_dir, "power.basalt",
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"eq\", \"type\": "
    "\"Equations\", \"shape\": [2], \"equations\": {\"model\": \"dv/dt = (v**3000000000)/ms : "
    "volt\", \"threshold\": \"v > 1*volt\", \"reset\": \"v = 0*volt\"}}]}");
  g_autofree char *out = NULL, *err = NULL;
  int status = test_run_basalt (&out, &err, "run", net, "--steps", "1", NULL);

  g_assert_cmpint (status, ==, 2);
  assert_message (err, net, "'eq'", "kilogram**3000000000", "second**9000000001", NULL);
}

/* Saving changes numbers written as "1e+30.0" by json-glib, never the user's text. */
static void
test_save_keeps_strings (void)
{
  const char *text =
    "{\"format\": \"basalt\", \"version\": 1, \"note\": \"x: 2e5.0, [1e+30.0]\", "
    "\"processes\": [{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [2], \"params\": "
    "{\"vth\": 1e30}, \"ui\": {\"label\": \"2e5.0 \\\" 3e7.0\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_data (text, -1, "strings.basalt", NULL, &error);
  g_autoptr(BslGraph) again = NULL;
  g_autofree char *saved = NULL;
  gsize length;

  g_assert_no_error (error);
  saved = bsl_graph_to_data (graph, &length);
  g_assert_nonnull (strstr (saved, "\"x: 2e5.0, [1e+30.0]\""));
  g_assert_nonnull (strstr (saved, "\"2e5.0 \\\" 3e7.0\""));
  g_assert_null (strstr (saved, "e+30.0,"));
  again = bsl_graph_load_data (saved, (gssize) length, "saved.basalt", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (bsl_process_get_param (bsl_graph_find_process (again, "lif"), "vth")->data[0],
                     ==, 1e30);
}

/* An initializer's "file" is read from the network's folder and below only, unless the folder
 * is listed in BASALT_DATA_PATH; nothing of a refused file reaches the message. */
static void
test_initializer_files (void)
{
  g_autofree char *home = fresh_dir ("project");
  g_autofree char *sub = fresh_dir ("project/data");
  g_autofree char *secret = test_write_file (tmp_dir, "secret.csv", "top-secret-words,1\n");
  g_autofree char *inside = g_build_filename (sub, "w.csv", NULL);
  g_autofree char *link = g_build_filename (home, "link.csv", NULL);
  g_autofree char *fifo = g_build_filename (home, "pipe.csv", NULL);
  const char *refused[] = { "../secret.csv", "/etc/passwd", "link.csv" };

  g_assert_true (g_file_set_contents (inside, "1,2\n3,4\n", -1, NULL));
  g_assert_cmpint (symlink (secret, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (guint k = 0; k < G_N_ELEMENTS (refused) + 2; k++)
    {
      const char *file = k < G_N_ELEMENTS (refused) ? refused[k]
                         : k == G_N_ELEMENTS (refused) ? "data/w.csv" : "pipe.csv";
      g_autofree char *text = g_strdup_printf (
        "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"d\", \"type\": "
        "\"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": {\"file\": \"%s\"}}}]}", file);
      g_autofree char *net = g_build_filename (home, "net.basalt", NULL);
      g_autofree char *script = g_strdup_printf ("exec timeout 20 \"$BASALT\" run '%s' --steps 1",
                                                 net);
      g_autofree char *err = NULL;
      int status;

      g_assert_true (g_file_set_contents (net, text, -1, NULL));
      status = run_shell (script, &err);
      g_test_message ("{\"file\": \"%s\"}: %d, %s", file, status, err);
      g_assert_null (strstr (err, "top-secret"));
      g_assert_null (strstr (err, "root:"));
      if (g_str_equal (file, "data/w.csv"))
        g_assert_cmpint (status, ==, 0);
      else if (g_str_equal (file, "pipe.csv"))
        {
          g_assert_cmpint (status, ==, 2);
          assert_message (err, "pipe.csv", "not a regular file", NULL);
        }
      else
        {
          g_assert_cmpint (status, ==, 2);
          assert_message (err, net, "'weights'", file, "outside the network's folder",
                          "BASALT_DATA_PATH", NULL);
        }
    }
  /* Allowed folders: the secret's own folder; then the content reaches the parser, whose
   * message still does not repeat it. */
  g_setenv ("BASALT_DATA_PATH", tmp_dir, TRUE);
  {
    g_autofree char *text = g_strdup (
      "{\"format\": \"basalt\", \"version\": 1, \"processes\": [{\"name\": \"d\", \"type\": "
      "\"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": {\"file\": \"../secret.csv\"}}}]}");
    g_autofree char *net = g_build_filename (home, "net.basalt", NULL);
    g_autofree char *out = NULL, *err = NULL;
    int status;

    g_assert_true (g_file_set_contents (net, text, -1, NULL));
    status = test_run_basalt (&out, &err, "run", net, "--steps", "1", NULL);
    g_assert_cmpint (status, ==, 2);
    assert_message (err, "secret.csv:1", "not a finite number", NULL);
    g_assert_null (strstr (err, "top-secret"));
  }
  g_unsetenv ("BASALT_DATA_PATH");
  g_unlink (fifo);
}

/* A NIR file whose HDF5 metadata asks for an allocation of exabytes (found by fuzzing the
 * importer): the allocation fails, as malloc does, and the import is refused with exit 2. */
static void
test_corrupt_nir_metadata (void)
{
  g_autofree char *nir = test_data_path ("hostile", "corrupt-metadata.nir", NULL);
  g_autofree char *back = g_build_filename (tmp_dir, "corrupt.basalt", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status = test_run_basalt (&out, &err, "import", nir, "-o", back, NULL);

  g_test_message ("import corrupt-metadata.nir: %d, %s", status, err);
  g_assert_cmpint (status, ==, 2);
  assert_message (err, "corrupt-metadata.nir", NULL);
  g_assert_false (g_file_test (back, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_tmp_dir ();
  g_unsetenv ("BASALT_MEMORY_BUDGET");
  g_unsetenv ("BASALT_DATA_PATH");
  g_test_add_func ("/hostile/reference-overflow", test_reference_overflow);
  g_test_add_func ("/hostile/json-tricks", test_json_tricks);
  g_test_add_func ("/hostile/file-size-limit", test_file_size_limit);
  g_test_add_func ("/hostile/full-disk", test_full_disk);
  g_test_add_func ("/hostile/signal-cleanup", test_signal_cleanup);
  g_test_add_func ("/hostile/memory-and-streams", test_memory_and_streams);
  g_test_add_func ("/hostile/threads-and-bench-arguments", test_threads_and_bench_arguments);
  g_test_add_func ("/hostile/paths", test_paths);
  g_test_add_func ("/hostile/huge-power", test_huge_power);
  g_test_add_func ("/hostile/save-keeps-strings", test_save_keeps_strings);
  g_test_add_func ("/hostile/initializer-files", test_initializer_files);
  g_test_add_func ("/hostile/corrupt-nir-metadata", test_corrupt_nir_metadata);
  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
