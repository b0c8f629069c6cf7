/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "basalt-cli.h"
#include "basalt-engine.h"

/* Without --probe: what the network says it records. */
static gboolean
add_default_probes (BslRuntime     *runtime,
                    const BslGraph *graph,
                    BslProbeMode    mode,
                    GError        **error)
{
  g_auto(GStrv) targets = bsl_graph_dup_default_probes (graph, BSL_DEFAULT_PROBES_RECORDED);

  for (guint i = 0; targets[i] != NULL; i++)
    if (!bsl_runtime_add_probe (runtime, targets[i], mode, 1, error))
      return FALSE;
  return TRUE;
}

/* Counts of non-zero values per probe, for the summary. */
static void
print_summary (BslRuntime    *runtime,
               BslTag         tag,
               double         seconds,
               const guint64 *nonzero)
{
  gint64 steps = bsl_runtime_get_time (runtime);

  printf ("ran %" G_GINT64_FORMAT " steps (%s) in %.3f s: %.0f steps/s\n", steps,
          bsl_tag_to_string (tag), seconds, seconds > 0 ? steps / seconds : 0.0);
  for (guint p = 0; p < bsl_runtime_get_n_probes (runtime); p++)
    {
      const BslProbe *probe = bsl_runtime_get_probe (runtime, p);
      gsize size = bsl_probe_get_size (probe);
      g_autoptr(BslArray) last = bsl_runtime_get_var (runtime, bsl_probe_get_process (probe),
                                                      bsl_probe_get_var (probe), NULL);

      /* What a spike port sends is counted as spikes; any other Var's non-zero values are not. */
      gboolean spikes = g_strcmp0 (bsl_probe_get_var (probe), "s_out") == 0;

      printf ("  %-20s %" G_GSIZE_FORMAT " elements, %" G_GUINT64_FORMAT " %s over %"
              G_GINT64_FORMAT " steps", bsl_probe_get_target (probe), size, nonzero[p],
              spikes ? (nonzero[p] == 1 ? "spike" : "spikes") : "non-zero values", steps);
      if (last != NULL && size <= 4 && steps > 0)
        {
          printf (", last:");
          for (gsize k = 0; k < size; k++)
            printf (" %.6g", last->data[k]);
        }
      printf ("\n");
    }
}

/* Spike ports are written as events (only the non-zero values) unless every value is asked for:
 * 10 000 neurons over 1000 steps are 10 million rows in full, mostly zeros. */
static gboolean
probe_as_events (const BslProbe *probe, gboolean full)
{
  return !full && g_strcmp0 (bsl_probe_get_var (probe), "s_out") == 0;
}

/* The comment lines that tell a reader which probes are events: their size and the steps the
 * file covers, so that the zeros left out can be restored. */
static void
write_events_header (FILE *stream, BslRuntime *runtime, gint64 steps, gboolean full)
{
  gint64 first = bsl_runtime_get_time (runtime) + 1;

  for (guint p = 0; p < bsl_runtime_get_n_probes (runtime); p++)
    {
      const BslProbe *probe = bsl_runtime_get_probe (runtime, p);

      if (probe_as_events (probe, full))
        fprintf (stream, "# events %s %" G_GSIZE_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                 "\n", bsl_probe_get_target (probe), bsl_probe_get_size (probe), first,
                 first + steps - 1);
    }
}

/* One step's rows of every probe; counts non-zero values. */
static void
write_step_rows (FILE       *stream,
                 BslRuntime *runtime,
                 gint64      t,
                 gboolean    full,
                 guint64    *nonzero)
{
  for (guint p = 0; p < bsl_runtime_get_n_probes (runtime); p++)
    {
      const BslProbe *probe = bsl_runtime_get_probe (runtime, p);
      gsize n = bsl_probe_get_n_steps (probe);

      if (n > 0)
        nonzero[p] += bsl_probe_write_csv_rows (probe, stream, t, n - 1,
                                                probe_as_events (probe, full));
    }
}

/* Runs and streams the CSV step by step, so a long run does not keep its whole history in
 * memory. A file is written beside its destination and renamed at the end. */
static gboolean
run_to_csv (BslRuntime  *runtime,
            gint64       steps,
            const char  *out,
            gboolean     full,
            guint64     *nonzero,
            GError     **error)
{
  BslAtomicFile *file = NULL;
  FILE *stream = stdout;
  gboolean ok = TRUE;

  if (!g_str_equal (out, "-"))
    {
      if ((file = bsl_atomic_file_new (out, error)) == NULL)
        return FALSE;
      stream = bsl_atomic_file_stream (file);
    }
  fputs ("step,probe,index,value\n", stream);
  write_events_header (stream, runtime, steps, full);
  for (gint64 s = 0; s < steps && ok; s++)
    {
      bsl_runtime_step (runtime);
      write_step_rows (stream, runtime, bsl_runtime_get_time (runtime), full, nonzero);
      ok = !ferror (stream);
    }
  /* commit reports the write error (full disk, EFBIG) and removes the partial file. */
  if (file != NULL)
    return bsl_atomic_file_commit (file, error);
  if (fflush (stream) != 0 || !ok)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "writing to the standard output failed: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

int
basalt_cli_run (int    argc,
                char **argv)
{
  gint64 steps = G_MININT64;
  g_autofree char *tag_text = NULL;
  g_autofree char *out = NULL;
  gint64 seed = G_MININT64;
  int threads = 0;
  gboolean full = FALSE;
  g_auto(GStrv) probes = NULL;
  GOptionEntry entries[] = {
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "Steps to run (default: the file's run.steps)", "N" },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag_text, "floating_pt or fixed_pt (default: the file's)", "TAG" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default: the file's)", "S" },
    { "probe", 0, 0, G_OPTION_ARG_STRING_ARRAY, &probes, "Record PROC.VAR or PROC.PORT", "PROC.VAR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Write step,probe,index,value CSV ('-': stdout); "
      "spikes (s_out) as events, only the non-zero values", "FILE" },
    { "full", 0, 0, G_OPTION_ARG_NONE, &full, "With --out, write every value of spike ports, zeros "
      "included", NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.basalt - run a network headless");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(BslRunConfig) config = NULL;
  BslRuntime *runtime;
  BslTag tag;
  BslProbeMode mode;
  g_autofree guint64 *nonzero = NULL;
  gint64 t0;
  double seconds;
  int status = BASALT_EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return basalt_cli_fail ("run", error);
  if (argc != 2)
    {
      fprintf (stderr, "basalt run: give exactly one network file (basalt run FILE.basalt ...)\n");
      return BASALT_EXIT_BAD_INPUT;
    }
  graph = bsl_graph_load_file (argv[1], &error);
  if (graph == NULL)
    return basalt_cli_fail ("run", error);

  tag = bsl_graph_get_run_tag (graph);
  if (tag_text != NULL && !bsl_tag_from_string (tag_text, &tag))
    {
      fprintf (stderr, "basalt run: --tag must be floating_pt or fixed_pt, not '%s'\n", tag_text);
      return BASALT_EXIT_BAD_INPUT;
    }
  if (steps != G_MININT64 && steps < 0)
    {
      fprintf (stderr, "basalt run: --steps must be 0 or more, not %" G_GINT64_FORMAT "\n", steps);
      return BASALT_EXIT_BAD_INPUT;
    }
  if (seed != G_MININT64 && seed < 0)
    {
      fprintf (stderr, "basalt run: --seed must be 0 or more, not %" G_GINT64_FORMAT "\n", seed);
      return BASALT_EXIT_BAD_INPUT;
    }
  if (steps == G_MININT64)
    steps = bsl_graph_get_run_steps (graph);
  config = bsl_run_config_new (tag);
  config->seed = seed != G_MININT64 ? (guint64) seed : bsl_graph_get_run_seed (graph);
  if (!basalt_cli_threads ("run", threads, &config->n_threads))
    return BASALT_EXIT_BAD_INPUT;

  runtime = bsl_runtime_new (graph, config, &error);
  if (runtime == NULL)
    {
      g_prefix_error (&error, "%s: ", argv[1]);
      return basalt_cli_fail ("run", error);
    }
  /* Only the latest step is kept: a CSV is written as the run goes, a summary only counts. */
  mode = out != NULL ? BSL_PROBE_RECORD : BSL_PROBE_COUNT_NONZERO;
  if (probes != NULL)
    {
      for (guint i = 0; probes[i] != NULL; i++)
        if (!bsl_runtime_add_probe (runtime, probes[i], mode, 1, &error))
          {
            g_prefix_error (&error, "%s: ", argv[1]);
            status = basalt_cli_fail ("run", error);
            goto out;
          }
    }
  else if (!add_default_probes (runtime, graph, mode, &error))
    {
      status = basalt_cli_fail ("run", error);
      goto out;
    }

  nonzero = g_new0 (guint64, MAX (bsl_runtime_get_n_probes (runtime), 1));
  t0 = g_get_monotonic_time ();
  if (out != NULL)
    {
      if (!run_to_csv (runtime, steps, out, full, nonzero, &error))
        {
          status = basalt_cli_fail ("run", error);
          goto out;
        }
    }
  else
    {
      bsl_runtime_run (runtime, steps);
      for (guint p = 0; p < bsl_runtime_get_n_probes (runtime); p++)
        nonzero[p] = bsl_probe_get_total_count (bsl_runtime_get_probe (runtime, p));
    }
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  if (out == NULL || !g_str_equal (out, "-"))
    print_summary (runtime, tag, seconds, nonzero);

out:
  bsl_runtime_free (runtime);
  return status;
}
