/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "basalt-cli.h"
#include "basalt-engine.h"
#include "equations/bsl-equations.h"

typedef struct
{
  const char *name;
  BslProbe   *spikes;
} Population;

/* A synaptic event is one spike arriving at one synapse: spikes into a connection times its
 * number of outputs, or for a RandomSparse its mean number of synapses per input (p n_out). */
static guint64
count_synaptic_events (const BslGraph *graph,
                       GArray         *populations)
{
  guint64 events = 0;

  for (guint c = 0; c < bsl_graph_get_n_connections (graph); c++)
    {
      const BslConnection *conn = bsl_graph_get_connection (graph, c);
      const BslProcess *dst = bsl_graph_find_process (graph, bsl_connection_get_to_process (conn));
      if (bsl_process_get_proc_type (dst)->category != BSL_CATEGORY_CONNECTIONS)
        continue;
      for (guint i = 0; i < populations->len; i++)
        {
          Population *pop = &g_array_index (populations, Population, i);
          const BslArray *p = bsl_process_get_param (dst, "p");
          double reach = (double) bsl_process_get_dims (dst)[0];

          if (g_str_equal (bsl_process_get_proc_type (dst)->name, "RandomSparse"))
            reach *= p != NULL ? bsl_array_get (p, 0)
                               : bsl_proc_type_find_var (bsl_process_get_proc_type (dst), "p")->default_value;
          if (g_str_equal (pop->name, bsl_connection_get_from_process (conn)))
            events += (guint64) llround ((double) bsl_probe_get_total_count (pop->spikes) * reach);
        }
    }

  return events;
}

typedef struct
{
  const char *label;
  BslTag      tag;
  gint64      steps;
  int         threads;
  double      compile_s, run_s;
  guint64     events;
} BenchReport;

static void
print_report (const BenchReport *r,
              gboolean           json,
              GArray            *populations)
{
  const char *tag = bsl_tag_to_string (r->tag);

  if (json)
    {
      printf ("{\"bench\": \"%s\", \"tag\": \"%s\", \"steps\": %" G_GINT64_FORMAT
              ", \"threads\": %d, \"compile_s\": %.4f, \"run_s\": %.6f, \"steps_per_s\": %.2f"
              ", \"events_per_s\": %.4g, \"syn_events\": %" G_GUINT64_FORMAT ", \"spikes\": {",
              r->label, tag, r->steps, r->threads, r->compile_s, r->run_s, r->steps / r->run_s,
              r->events / r->run_s, r->events);
      for (guint i = 0; i < populations->len; i++)
        {
          Population *pop = &g_array_index (populations, Population, i);
          printf ("%s\"%s\": %" G_GUINT64_FORMAT, i ? ", " : "", pop->name,
                  bsl_probe_get_total_count (pop->spikes));
        }
      printf ("}}\n");
    }
  else
    {
      printf ("network %s, %s, %" G_GINT64_FORMAT " steps\n", r->label, tag, r->steps);
      printf ("  compile     %.3f s\n", r->compile_s);
      printf ("  run         %.4f s\n", r->run_s);
      printf ("  steps/s     %.1f\n", r->steps / r->run_s);
      printf ("  events/s    %.4g (%" G_GUINT64_FORMAT " synaptic events)\n", r->events / r->run_s,
              r->events);
      for (guint i = 0; i < populations->len; i++)
        {
          Population *pop = &g_array_index (populations, Population, i);
          printf ("  spikes %-6s %" G_GUINT64_FORMAT "\n", pop->name,
                  bsl_probe_get_total_count (pop->spikes));
        }
    }
}

#define STEPS_UNSET G_MININT64

int
basalt_cli_bench (int    argc,
                  char **argv)
{
  g_autofree char *network = NULL;
  g_autofree char *tag_text = NULL;
  gint64 n = 1000, steps = STEPS_UNSET;
  int threads = 0;
  gboolean json = FALSE;
  g_autofree char *equations = NULL;
  GOptionEntry entries[] = {
    { "equations", 0, 0, G_OPTION_ARG_STRING, &equations,
      "Equations processes: compiled (machine code, the default where a C compiler is) or "
      "interpreted", "HOW" },
    { "network", 0, 0, G_OPTION_ARG_STRING, &network, "Built-in benchmark network: dense, stdp (its plastic twin) or cuba (Brian2's CUBA, sparse)", "NAME" },
    { "n", 0, 0, G_OPTION_ARG_INT64, &n, "Neurons per population of dense and stdp (1..8192), of the whole cuba network (5..1000000); default 1000", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "Steps to run (default: 1000; cuba 10000, one second)", "S" },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag_text, "floating_pt or fixed_pt", "TAG" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "T" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON line", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[FILE.basalt] - measure the engine");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(BslRunConfig) config = NULL;
  g_autoptr(GArray) populations = g_array_new (FALSE, FALSE, sizeof (Population));
  BslRuntime *runtime;
  BslTag tag = BSL_TAG_FLOATING_PT;
  gint64 t0;
  double compile_s, run_s;
  const char *label;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return basalt_cli_fail ("bench", error);
  if (tag_text != NULL && !bsl_tag_from_string (tag_text, &tag))
    {
      fprintf (stderr, "basalt bench: --tag must be floating_pt or fixed_pt, not '%s'\n", tag_text);
      return BASALT_EXIT_BAD_INPUT;
    }
  if (equations != NULL && !g_str_equal (equations, "compiled")
      && !g_str_equal (equations, "interpreted"))
    {
      fprintf (stderr, "basalt bench: --equations must be compiled or interpreted, not '%s'\n",
               equations);
      return BASALT_EXIT_BAD_INPUT;
    }
  if (equations != NULL)
    bsl_equations_set_native_enabled (g_str_equal (equations, "compiled"));
  if (steps != STEPS_UNSET && steps < 1)
    {
      fprintf (stderr, "basalt bench: --steps must be at least 1\n");
      return BASALT_EXIT_BAD_INPUT;
    }

  t0 = g_get_monotonic_time ();
  if (argc == 2)
    {
      graph = bsl_graph_load_file (argv[1], &error);
      if (graph != NULL && tag_text == NULL)
        tag = bsl_graph_get_run_tag (graph);
      label = argv[1];
    }
  else if (argc == 1 && (g_strcmp0 (network, "dense") == 0 || g_strcmp0 (network, "stdp") == 0)
           && (n < 1 || n > 8192))
    {
      /* The n x n Dense holds at most 2^26 weights. */
      fprintf (stderr, "basalt bench: --n %" G_GINT64_FORMAT " is outside 1..8192 (the "
               "%s network's n x n weights are at most 2^26)\n", n, network);
      return BASALT_EXIT_BAD_INPUT;
    }
  else if (argc == 1 && g_strcmp0 (network, "dense") == 0)
    {
      graph = bsl_bench_dense_network ((gsize) n, tag, &error);
      label = "dense";
    }
  else if (argc == 1 && g_strcmp0 (network, "stdp") == 0)
    {
      graph = bsl_bench_stdp_network ((gsize) n, tag, &error);
      label = "stdp";
    }
  else if (argc == 1 && g_strcmp0 (network, "cuba") == 0)
    {
      if (tag != BSL_TAG_FLOATING_PT)
        {
          fprintf (stderr, "basalt bench: the cuba network runs under floating_pt only (its "
                   "neurons are Equations)\n");
          return BASALT_EXIT_BAD_INPUT;
        }
      graph = bsl_bench_cuba_network (n < 0 ? 0 : (gsize) n, &error);
      label = "cuba";
    }
  else
    {
      fprintf (stderr, "basalt bench: give a network file or --network dense|stdp|cuba --n N\n");
      return BASALT_EXIT_BAD_INPUT;
    }
  if (graph == NULL)
    return basalt_cli_fail ("bench", error);

  if (steps == STEPS_UNSET)
    steps = argc == 1 ? bsl_graph_get_run_steps (graph) : 1000;
  config = bsl_run_config_new (tag);
  config->seed = bsl_graph_get_run_seed (graph);
  if (!basalt_cli_threads ("bench", threads, &config->n_threads))
    return BASALT_EXIT_BAD_INPUT;
  runtime = bsl_runtime_new (graph, config, &error);
  if (runtime == NULL)
    return basalt_cli_fail ("bench", error);
  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      const char *name = bsl_process_get_name (p);
      if (bsl_proc_type_find_port (bsl_process_get_proc_type (p), "s_out") != NULL)
        {
          g_autofree char *target = g_strdup_printf ("%s.s_out", name);
          Population pop = { name, bsl_runtime_add_probe (runtime, target, BSL_PROBE_COUNT_NONZERO, 0, NULL) };
          g_array_append_val (populations, pop);
        }
    }
  compile_s = (g_get_monotonic_time () - t0) / 1e6;

  t0 = g_get_monotonic_time ();
  bsl_runtime_run (runtime, steps);
  run_s = MAX ((g_get_monotonic_time () - t0) / 1e6, 1e-9);

  {
    BenchReport report = { label, tag, steps, threads, compile_s, run_s,
                           count_synaptic_events (graph, populations) };

    print_report (&report, json, populations);
  }
  bsl_runtime_free (runtime);
  return BASALT_EXIT_OK;
}
