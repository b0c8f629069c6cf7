/* SPDX-License-Identifier: GPL-3.0-or-later */
/* basalt export FILE.basalt --format nir|c|lava -o OUT
 * basalt import FILE.nir -o OUT.basalt */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "basalt-cli.h"
#include "basalt-engine.h"
#include "interop/bsl-interop.h"
#include "interop/bsl-nir-import.h"

static void
print_notes (const char *verb, GPtrArray *notes)
{
  for (guint i = 0; i < notes->len; i++)
    fprintf (stderr, "basalt %s: note: %s\n", verb, (const char *) notes->pdata[i]);
}

static int
bad_usage (const char *verb, const char *message)
{
  fprintf (stderr, "basalt %s: %s\n", verb, message);
  return BASALT_EXIT_BAD_INPUT;
}

/* --dt: a positive finite number of seconds, or 0 when the option was not given. */
static gboolean
parse_dt (const char *verb, const char *text, double *dt)
{
  char *end = NULL;

  *dt = 0.0;
  if (text == NULL)
    return TRUE;
  *dt = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (*dt) || *dt <= 0)
    {
      fprintf (stderr, "basalt %s: --dt must be a positive number of seconds (e.g. 0.001), not "
               "'%s'\n", verb, text);
      return FALSE;
    }
  return TRUE;
}

int
basalt_cli_export (int    argc,
                   char **argv)
{
  g_autofree char *format = NULL, *out = NULL, *tag_text = NULL, *prefix = NULL, *dt_text = NULL;
  double dt = 0.0;
  gint64 steps = -1, seed = -1;
  g_auto (GStrv) probes = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "nir, c or lava", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "File to write", "OUT" },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag_text, "floating_pt or fixed_pt (default: the file's)", "TAG" },
    { "dt", 0, 0, G_OPTION_ARG_STRING, &dt_text, "nir: seconds per step (default 0.001)", "SECONDS" },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix, "c: name prefix of the library API (default: net)", "NAME" },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "c, lava: steps to run (default: the file's)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "c: default random seed (default: the file's)", "S" },
    { "probe", 0, 0, G_OPTION_ARG_STRING_ARRAY, &probes, "c, lava: record PROC.VAR (default: as basalt run)", "PROC.VAR" },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new ("FILE.basalt --format nir|c|lava -o OUT - export a network");
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  BslExportOptions options = { .tag = BSL_TAG_NONE };
  BslExportFormat kind;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return basalt_cli_fail ("export", error);
  if (argc != 2)
    return bad_usage ("export", "give exactly one network file (basalt export FILE.basalt "
                      "--format nir|c|lava -o OUT)");
  if (format == NULL || out == NULL)
    return bad_usage ("export", "--format (nir, c or lava) and -o OUT are required");
  if (tag_text != NULL && !bsl_tag_from_string (tag_text, &options.tag))
    return bad_usage ("export", "--tag must be floating_pt or fixed_pt");
  if (!parse_dt ("export", dt_text, &dt))
    return BASALT_EXIT_BAD_INPUT;
  if (!bsl_export_format_from_string (format, &kind))
    {
      fprintf (stderr, "basalt export: unknown format '%s' (nir, c or lava)\n", format);
      return BASALT_EXIT_BAD_INPUT;
    }

  graph = bsl_graph_load_file (argv[1], &error);
  if (graph == NULL)
    return basalt_cli_fail ("export", error);

  options.dt = dt;
  options.steps = steps;
  options.prefix = prefix;
  options.probes = (const char **) probes;
  options.has_seed = seed >= 0;
  options.seed = seed >= 0 ? (guint64) seed : 0;
  if (!bsl_export_file (graph, kind, out, &options, notes, &error))
    {
      if (error->domain == BSL_ERROR && !g_str_has_prefix (error->message, argv[1]))
        g_prefix_error (&error, "%s: ", argv[1]);
      return basalt_cli_fail ("export", error);
    }
  print_notes ("export", notes);
  return BASALT_EXIT_OK;
}

int
basalt_cli_import (int    argc,
                   char **argv)
{
  g_autofree char *out = NULL, *dt_text = NULL;
  double dt = 0.0;
  gboolean flatten = FALSE;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Network file to write", "OUT.basalt" },
    { "dt", 0, 0, G_OPTION_ARG_STRING, &dt_text, "Seconds per step (default: the file's metadata dt, else 0.001)", "SECONDS" },
    { "flatten-conv", 0, 0, G_OPTION_ARG_NONE, &flatten, "Turn convolutions and pooling into dense weights", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.nir -o OUT.basalt - import a NIR graph");
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  BslNirImportOptions options = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return basalt_cli_fail ("import", error);
  if (argc != 2)
    return bad_usage ("import", "give exactly one NIR file (basalt import FILE.nir -o OUT.basalt)");
  if (out == NULL)
    return bad_usage ("import", "-o OUT.basalt is required");
  if (!parse_dt ("import", dt_text, &dt))
    return BASALT_EXIT_BAD_INPUT;

  options.dt = dt;
  options.flatten_conv = flatten;
  graph = bsl_nir_import_file (argv[1], &options, notes, &error);
  if (g_error_matches (error, BSL_ERROR, BSL_ERROR_NEEDS_FLATTENING))
    {
      g_autofree char *refusal = error->message;

      error->message = g_strdup_printf ("%s (import with --flatten-conv to turn it into dense weights)", refusal);
    }
  if (graph == NULL || !bsl_graph_save_file (graph, out, &error))
    return basalt_cli_fail ("import", error);
  print_notes ("import", notes);
  return BASALT_EXIT_OK;
}
