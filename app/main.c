/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "basalt-cli.h"
#include "bsl-atomic-file.h"

#ifdef BASALT_HAVE_GUI
int basalt_gui_main (int argc, char **argv);
#endif

static gboolean
have_display (void)
{
  return g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL ||
         g_getenv ("BROADWAY_DISPLAY") != NULL;
}

/* Without a display the application cannot open; run the network headless instead, so that the
 * first command a new user types still shows the engine at work. */
static int
run_headless (int argc, char **argv)
{
  const char *file = NULL;
  g_autofree char *example = NULL;
  char *run_argv[8];
  int run_argc = 0;

  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-')
      file = argv[i];
  if (file == NULL)
    {
      example = g_build_filename (BASALT_SOURCE_DATADIR, "examples", "ei-network.basalt", NULL);
      if (!g_file_test (example, G_FILE_TEST_EXISTS))
        {
          g_free (example);
          example = g_build_filename (BASALT_DATADIR, "examples", "ei-network.basalt", NULL);
        }
      file = example;
    }
  fprintf (stderr,
           "basalt: no display found, so the application cannot open a window.\n"
           "basalt: running %s headless instead (basalt run %s):\n", file, file);
  run_argv[run_argc++] = (char *) "run";
  run_argv[run_argc++] = (char *) file;
  run_argv[run_argc] = NULL;
  return basalt_cli_run (run_argc, run_argv);
}

int
main (int    argc,
      char **argv)
{
  bsl_atomic_files_handle_signals ();
  if (argc > 1 && basalt_cli_is_verb (argv[1]))
    return basalt_cli_dispatch (argc - 1, argv + 1);

  if (!have_display ())
    return run_headless (argc, argv);

#ifdef BASALT_HAVE_GUI
  return basalt_gui_main (argc, argv);
#else
  fprintf (stderr, "basalt: this build has no graphical interface (GTK 4 was not found)\n");
  return run_headless (argc, argv);
#endif
}
