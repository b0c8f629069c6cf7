/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsl-error.h"
#include "fuzz-common.h"

static char *scratch;

static void
remove_scratch (void)
{
  g_autoptr(GDir) dir = g_dir_open (scratch, 0, NULL);

  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *path = g_build_filename (scratch, name, NULL);
      g_unlink (path);
    }
  g_rmdir (scratch);
}

/* GLib stops on a fatal message with a breakpoint trap, which libFuzzer does not catch: the
 * input would be lost. abort() makes libFuzzer save it as a crash artifact. */
static void
abort_on_fatal (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        data)
{
  if (level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      /* not through g_log_default_handler, which traps on its own */
      fprintf (stderr, "%s: %s\n", domain != NULL ? domain : "fuzz", message);
      abort ();
    }
  g_log_default_handler (domain, level, message, data);
}

void
fuzz_setup (void)
{
  if (scratch != NULL)
    return;
  g_setenv ("BASALT_MEMORY_BUDGET", "256M", TRUE);
  g_unsetenv ("BASALT_DATA_PATH");
  /* GLib's criticals are bugs here, as in the test suite. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_default_handler (abort_on_fatal, NULL);
  /* In memory when the machine has /dev/shm: every input of some targets is a file. */
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    {
      scratch = g_build_filename ("/dev/shm", "basalt-fuzz-XXXXXX", NULL);
      if (g_mkdtemp (scratch) == NULL)
        g_clear_pointer (&scratch, g_free);
    }
  if (scratch == NULL)
    scratch = g_dir_make_tmp ("basalt-fuzz-XXXXXX", NULL);
  g_assert_nonnull (scratch);
  atexit (remove_scratch);
}

const char *
fuzz_scratch_dir (void)
{
  return scratch;
}

char *
fuzz_write_input (const char    *name,
                  const uint8_t *data,
                  size_t         size)
{
  char *path = g_build_filename (scratch, name, NULL);
  FILE *file = fopen (path, "wb");

  g_assert_nonnull (file);
  g_assert_true (size == 0 || fwrite (data, 1, size, file) == size);
  g_assert_true (fclose (file) == 0);
  return path;
}

void
fuzz_check_refusal (const GError *error,
                    const char   *display)
{
  if (error == NULL)
    g_error ("refused without an error");
  if (!bsl_error_is_bad_input (error))
    g_error ("refused as a failure (exit 1), not as bad input: %s", error->message);
  if (display != NULL && strstr (error->message, display) == NULL)
    g_error ("the message does not name %s: %s", display, error->message);
}
