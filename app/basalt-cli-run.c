/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "basalt-cli.h"
#include "basalt-engine.h"

/* Without --probe: every Monitor, or else the spikes of every neuron population. */
static gboolean
add_default_probes (BslRuntime *runtime, const BslGraph *graph, GError **error)
{
  gboolean any_monitor = FALSE;

  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);
      if (g_str_equal (p->type->name, "Monitor"))
        {
          g_autofree char *target = g_strdup_printf ("%s.data", p->name);
          if (!bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, error))
            return FALSE;
          any_monitor = TRUE;
        }
    }
  if (any_monitor)
    return TRUE;
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);
      if (p->type->category == BSL_CATEGORY_NEURONS)
        {
          g_autofree char *target = g_strdup_printf ("%s.s_out", p->name);
          if (!bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, error))
            return FALSE;
        }
    }
  return TRUE;
}

static void
print_summary (const BslRuntime *runtime, BslTag tag, double seconds)
{
  gint64 steps = bsl_runtime_get_time (runtime);

  printf ("ran %" G_GINT64_FORMAT " steps (%s) in %.3f s: %.0f steps/s\n", steps,
          bsl_tag_to_string (tag), seconds, seconds > 0 ? steps / seconds : 0.0);
  for (guint p = 0; p < bsl_runtime_get_n_probes (runtime); p++)
    {
      const BslProbe *probe = bsl_runtime_get_probe (runtime, p);
      gsize size = bsl_probe_get_size (probe), n = bsl_probe_get_n_steps (probe);
      guint64 nonzero = 0;
      const double *last = n > 0 ? bsl_probe_get_row (probe, n - 1) : NULL;

      for (gsize s = 0; s < n; s++)
        {
          const double *row = bsl_probe_get_row (probe, s);
          for (gsize k = 0; k < size; k++)
            nonzero += row[k] != 0.0;
        }
      printf ("  %-20s %" G_GSIZE_FORMAT " elements, %" G_GUINT64_FORMAT
              " non-zero values (spikes) over %" G_GSIZE_FORMAT " steps", bsl_probe_get_target (probe),
              size, nonzero, n);
      if (last != NULL && size <= 4)
        {
          printf (", last:");
          for (gsize k = 0; k < size; k++)
            printf (" %.6g", last[k]);
        }
      printf ("\n");
    }
}

int
basalt_cli_run (int    argc,
                char **argv)
{
  gint64 steps = -1;
  g_autofree char *tag_text = NULL;
  g_autofree char *out = NULL;
  gint64 seed = -1;
  int threads = 0;
  g_auto(GStrv) probes = NULL;
  GOptionEntry entries[] = {
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "Steps to run (default: the file's run.steps)", "N" },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag_text, "floating_pt or fixed_pt (default: the file's)", "TAG" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default: the file's)", "S" },
    { "probe", 0, 0, G_OPTION_ARG_STRING_ARRAY, &probes, "Record PROC.VAR or PROC.PORT", "PROC.VAR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Write step,probe,index,value CSV ('-': stdout)", "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.basalt - run a network headless");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(BslRunConfig) config = NULL;
  BslRuntime *runtime;
  BslTag tag;
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

  tag = graph->run_tag;
  if (tag_text != NULL && !bsl_tag_from_string (tag_text, &tag))
    {
      fprintf (stderr, "basalt run: --tag must be floating_pt or fixed_pt, not '%s'\n", tag_text);
      return BASALT_EXIT_BAD_INPUT;
    }
  if (steps < 0)
    steps = graph->run_steps;
  config = bsl_run_config_new (tag);
  config->seed = seed >= 0 ? (guint64) seed : graph->run_seed;
  config->n_threads = threads > 0 ? (guint) threads : 0;

  runtime = bsl_runtime_new (graph, config, &error);
  if (runtime == NULL)
    {
      g_prefix_error (&error, "%s: ", argv[1]);
      return basalt_cli_fail ("run", error);
    }
  if (probes != NULL)
    {
      for (guint i = 0; probes[i] != NULL; i++)
        if (!bsl_runtime_add_probe (runtime, probes[i], BSL_PROBE_RECORD, 0, &error))
          {
            g_prefix_error (&error, "%s: ", argv[1]);
            status = basalt_cli_fail ("run", error);
            goto out;
          }
    }
  else if (!add_default_probes (runtime, graph, &error))
    {
      status = basalt_cli_fail ("run", error);
      goto out;
    }

  t0 = g_get_monotonic_time ();
  bsl_runtime_run (runtime, steps);
  seconds = (g_get_monotonic_time () - t0) / 1e6;

  if (out != NULL && g_str_equal (out, "-"))
    {
      if (!bsl_runtime_write_csv_stream (runtime, stdout, &error))
        status = basalt_cli_fail ("run", error);
    }
  else if (out != NULL)
    {
      if (!bsl_runtime_write_csv (runtime, out, &error))
        status = basalt_cli_fail ("run", error);
      else
        print_summary (runtime, tag, seconds);
    }
  else
    print_summary (runtime, tag, seconds);

out:
  bsl_runtime_free (runtime);
  return status;
}
