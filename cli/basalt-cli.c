/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "basalt-cli.h"
#include "bsl-error.h"

typedef struct
{
  const char    *name;
  BasaltCliVerb  func;
  const char    *usage;
} Verb;

static int basalt_cli_help (int argc, char **argv);

static const Verb verbs[] = {
  { "run", basalt_cli_run,
    "run FILE.basalt [--steps N] [--tag floating_pt|fixed_pt] [--seed S] [--probe PROC.VAR]... "
    "[--out FILE.csv] [--threads T]" },
  { "export", basalt_cli_export, "export FILE.basalt --format nir|c|lava -o OUT" },
  { "import", basalt_cli_import, "import FILE.nir -o OUT.basalt" },
  { "fit", basalt_cli_fit,
    "fit FILE.basalt --process NAME --reference REF.csv --params P1,P2,... [--tag ...] "
    "[--metric ...] [--method ...] [-o RESULT.json]" },
  { "bench", basalt_cli_bench,
    "bench [FILE.basalt | --network dense --n N] [--steps S] [--tag ...] [--threads T] [--json]" },
  { "help", basalt_cli_help, "help" },
  { "--help", basalt_cli_help, NULL },
  { "--version", basalt_cli_help, NULL },
};

static int
basalt_cli_help (int argc, char **argv)
{
  if (g_strcmp0 (argv[0], "--version") == 0)
    {
      printf ("basalt %s\n", PACKAGE_VERSION);
      return BASALT_EXIT_OK;
    }
  printf ("Usage:\n  basalt                 the application\n"
          "  basalt FILE.basalt     the application with that network open\n");
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (verbs[i].usage != NULL)
      printf ("  basalt %s\n", verbs[i].usage);
  printf ("\nExit status: 0 success, 2 bad input, 1 any other failure.\n");
  return BASALT_EXIT_OK;
}

gboolean
basalt_cli_is_verb (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_strcmp0 (verbs[i].name, word) == 0)
      return TRUE;
  return FALSE;
}

int
basalt_cli_dispatch (int    argc,
                     char **argv)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_strcmp0 (verbs[i].name, argv[0]) == 0)
      return verbs[i].func (argc, argv);
  fprintf (stderr, "basalt: unknown command '%s'\n", argv[0]);
  return BASALT_EXIT_BAD_INPUT;
}

gboolean
basalt_cli_threads (const char *verb,
                    int         threads,
                    guint      *n_threads)
{
  guint most = 4 * g_get_num_processors ();

  if (threads < 0)
    {
      fprintf (stderr, "basalt %s: --threads must be 0 (all cores) or more, not %d\n", verb,
               threads);
      return FALSE;
    }
  /* More threads than cores only take turns; thousands would exhaust the process's threads. */
  if ((guint) threads > most)
    fprintf (stderr, "basalt %s: --threads %d: using %u (four per core)\n", verb, threads, most);
  *n_threads = MIN ((guint) threads, most);
  return TRUE;
}

int
basalt_cli_fail (const char   *verb,
                 const GError *error)
{
  fprintf (stderr, "basalt %s: %s\n", verb, error->message);
  if (error->domain == G_OPTION_ERROR || bsl_error_is_bad_input (error))
    return BASALT_EXIT_BAD_INPUT;
  return BASALT_EXIT_FAILURE;
}

int
basalt_cli_fail_input (const char *verb,
                       const char *format,
                       ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "basalt %s: %s\n", verb, message);
  return BASALT_EXIT_BAD_INPUT;
}
