/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "bsl-atomic-file.h"
#include "bsl-error.h"

struct _BslAtomicFile
{
  char *path;
  char *tmp;
  int   fd;
  FILE *stream;
  guint slot;
};

/* The temporary files being written, for the signal handler: it may only read these pointers
 * and call unlink(). */
#define N_SLOTS 64
static char *volatile pending[N_SLOTS];
G_LOCK_DEFINE_STATIC (pending);

static guint
register_tmp (char *tmp)
{
  guint slot = N_SLOTS;

  G_LOCK (pending);
  for (guint i = 0; i < N_SLOTS && slot == N_SLOTS; i++)
    if (pending[i] == NULL)
      {
        pending[i] = tmp;
        slot = i;
      }
  G_UNLOCK (pending);
  return slot;
}

static void
unregister_tmp (guint slot)
{
  if (slot >= N_SLOTS)
    return;
  G_LOCK (pending);
  pending[slot] = NULL;
  G_UNLOCK (pending);
}

static void
remove_pending_and_die (int sig)
{
  for (guint i = 0; i < N_SLOTS; i++)
    {
      char *tmp = pending[i];
      if (tmp != NULL)
        unlink (tmp);
    }
  signal (sig, SIG_DFL);
  raise (sig);
}

void
bsl_atomic_files_handle_signals (void)
{
  static const int fatal[] = { SIGINT, SIGTERM, SIGHUP };
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = remove_pending_and_die;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (fatal); i++)
    {
      struct sigaction old;
      /* A signal the caller chose to ignore (nohup) stays ignored. */
      if (sigaction (fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        continue;
      sigaction (fatal[i], &action, NULL);
    }
  signal (SIGXFSZ, SIG_IGN);
}

static gboolean
path_error (const char  *path,
            int          saved_errno,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (saved_errno == ENOENT || saved_errno == ENOTDIR)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                 "%s: cannot write: the folder %s does not exist", path, dir);
  else
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                 "%s: cannot write in %s: %s", path, dir, g_strerror (saved_errno));
  return FALSE;
}

BslAtomicFile *
bsl_atomic_file_new (const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  BslAtomicFile *file;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                   "%s: is a folder; give the name of the file to write", path);
      return NULL;
    }
  file = g_new0 (BslAtomicFile, 1);
  file->path = g_strdup (path);
  file->tmp = g_strdup_printf ("%s%s.%s.XXXXXX", dir, G_DIR_SEPARATOR_S, base);
  file->fd = g_mkstemp_full (file->tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (file->fd < 0)
    {
      path_error (path, errno, error);
      g_free (file->tmp);
      g_free (file->path);
      g_free (file);
      return NULL;
    }
  file->slot = register_tmp (file->tmp);
  return file;
}

FILE *
bsl_atomic_file_stream (BslAtomicFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  if (file->stream == NULL)
    file->stream = fdopen (file->fd, "w");
  return file->stream;
}

static void
atomic_file_free (BslAtomicFile *file,
                  gboolean       remove)
{
  if (file->stream != NULL)
    fclose (file->stream);
  else if (file->fd >= 0)
    close (file->fd);
  if (remove)
    g_unlink (file->tmp);
  unregister_tmp (file->slot);
  g_free (file->tmp);
  g_free (file->path);
  g_free (file);
}

void
bsl_atomic_file_abort (BslAtomicFile *file)
{
  if (file != NULL)
    atomic_file_free (file, TRUE);
}

static gboolean
write_failed (BslAtomicFile  *file,
              int             saved_errno,
              GError        **error)
{
  /* No room is something the user can act on (free space, another folder, a higher limit):
   * reported like bad input, unlike an I/O error of the device. */
  gboolean no_space = saved_errno == ENOSPC || saved_errno == EFBIG || saved_errno == EDQUOT;

  g_set_error (error, BSL_ERROR, no_space ? BSL_ERROR_NO_SPACE : BSL_ERROR_FAILED,
               "%s: writing failed: %s%s", file->path, g_strerror (saved_errno),
               saved_errno == EFBIG ? " (the file-size limit, ulimit -f, was reached)" : "");
  atomic_file_free (file, TRUE);
  return FALSE;
}

gboolean
bsl_atomic_file_commit (BslAtomicFile  *file,
                        GError        **error)
{
  g_return_val_if_fail (file != NULL, FALSE);

  if (file->stream != NULL)
    {
      int failed = fflush (file->stream) != 0 || ferror (file->stream);
      int saved = errno;

      if (failed)
        return write_failed (file, saved != 0 ? saved : EIO, error);
    }
  /* fsync before the rename, also for a file that did not exist: after a crash the name
   * points to the whole new file or to the old one. */
  if (fsync (file->fd) != 0)
    return write_failed (file, errno, error);
  if (file->stream != NULL)
    {
      int failed = fclose (file->stream) != 0;
      file->stream = NULL;
      file->fd = -1;
      if (failed)
        return write_failed (file, errno, error);
    }
  else
    {
      int failed = close (file->fd) != 0;
      file->fd = -1;
      if (failed)
        return write_failed (file, errno, error);
    }
  if (g_rename (file->tmp, file->path) != 0)
    return write_failed (file, errno, error);
  atomic_file_free (file, FALSE);
  return TRUE;
}

gboolean
bsl_write_file_atomic (const char  *path,
                       const char  *data,
                       gsize        length,
                       GError     **error)
{
  BslAtomicFile *file = bsl_atomic_file_new (path, error);
  gsize done = 0;

  if (file == NULL)
    return FALSE;
  while (done < length)
    {
      gssize n = write (file->fd, data + done, MIN (length - done, (gsize) 1 << 20));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return write_failed (file, n < 0 ? errno : ENOSPC, error);
      done += (gsize) n;
    }
  return bsl_atomic_file_commit (file, error);
}
