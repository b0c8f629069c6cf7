/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Limits on what one network may take, checked before anything is allocated: a file that
 * asks for more is refused with a message instead of aborting in g_malloc. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-graph.h"
#include "bsl-limits.h"

static guint64
parse_budget (const char *text)
{
  char *end = NULL;
  guint64 value;

  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || end == text)
    return 0;
  switch (g_ascii_toupper (*end))
    {
    case 'K': value <<= 10; end++; break;
    case 'M': value <<= 20; end++; break;
    case 'G': value <<= 30; end++; break;
    default: break;
    }
  return *end == '\0' ? value : 0;
}

guint64
bsl_memory_budget (void)
{
  const char *env = g_getenv ("BASALT_MEMORY_BUDGET");
  long pages = sysconf (_SC_PHYS_PAGES), page_size = sysconf (_SC_PAGESIZE);
  guint64 budget = pages > 0 && page_size > 0 ? (guint64) pages * (guint64) page_size / 2
                                              : G_GUINT64_CONSTANT (1) << 32;
  struct rlimit limit;

  if (env != NULL && parse_budget (env) > 0)
    budget = parse_budget (env);
  if (getrlimit (RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    budget = MIN (budget, (guint64) limit.rlim_cur / 2);
  return budget;
}

/* Rounded up for what is needed and down for what is allowed, so that the two never read the
 * same. */
static char *
format_bytes (guint64  bytes,
              gboolean up)
{
  gboolean gb = bytes >= (G_GUINT64_CONSTANT (1) << 30);
  double tenths = bytes / (gb ? 1073741824.0 : 1048576.0) * 10;

  return g_strdup_printf ("%.1f %s", (up ? ceil (tenths) : floor (tenths)) / 10, gb ? "GB" : "MB");
}

gboolean
bsl_memory_check (guint64      bytes,
                  const char  *what,
                  GError     **error)
{
  guint64 budget = bsl_memory_budget ();
  g_autofree char *needed = NULL, *allowed = NULL;

  if (bytes <= budget)
    return TRUE;
  needed = format_bytes (bytes, TRUE);
  allowed = format_bytes (budget, FALSE);
  g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
               "%s needs %s, more than the memory budget of %s (set BASALT_MEMORY_BUDGET to "
               "allow more)", what, needed, allowed);
  return FALSE;
}

static const char *
file_kind (const struct stat *st)
{
  if (S_ISDIR (st->st_mode))
    return "a folder";
  if (S_ISFIFO (st->st_mode))
    return "a FIFO";
  if (S_ISCHR (st->st_mode) || S_ISBLK (st->st_mode))
    return "a device";
  if (S_ISSOCK (st->st_mode))
    return "a socket";
  return "not a file";
}

gboolean
bsl_check_regular_file (const char  *path,
                        GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s", path,
                   saved_errno == ENOENT ? "no such file" : g_strerror (saved_errno));
      return FALSE;
    }
  if (S_ISREG (st.st_mode))
    return TRUE;
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: is %s, not a regular file", path,
               file_kind (&st));
  return FALSE;
}

gboolean
bsl_read_regular_file (const char  *path,
                       char       **contents,
                       gsize       *length,
                       GError     **error)
{
  guint64 budget = bsl_memory_budget ();
  g_autoptr(GByteArray) bytes = NULL;
  struct stat st;
  int fd, saved_errno;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s", path,
                   saved_errno == ENOENT ? "no such file" : g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: is %s, not a regular file", path, file_kind (&st));
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > budget)
    {
      g_autofree char *what = g_strdup_printf ("%s: reading the file", path);
      close (fd);
      return bsl_memory_check ((guint64) st.st_size, what, error);
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  bytes = g_byte_array_sized_new ((guint) MIN ((guint64) st.st_size + 1, G_MAXUINT));
  for (;;)
    {
      guint8 buffer[65536];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       "%s: cannot read: %s", path, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      /* A file that grows while it is read (or a /proc file of size 0) stays within the budget. */
      if (bytes->len + (guint64) n > budget || bytes->len + (guint64) n >= G_MAXUINT)
        {
          g_autofree char *what = g_strdup_printf ("%s: reading the file", path);
          close (fd);
          return bsl_memory_check (MAX (budget, (guint64) G_MAXUINT - 1) + 1, what, error);
        }
      g_byte_array_append (bytes, buffer, (guint) n);
    }
  close (fd);
  *length = bytes->len;
  g_byte_array_append (bytes, (const guint8 *) "", 1);
  *contents = (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
  return TRUE;
}

guint64
bsl_process_memory (const BslProcess *process)
{
  guint64 bytes = 0;

  for (guint v = 0; v < process->type->n_vars; v++)
    {
      const BslVarSpec *spec = &process->type->vars[v];
      const BslArray *value = g_hash_table_lookup (process->params, spec->name);
      gsize dims[BSL_MAX_DIMS];
      guint ndim;
      guint64 n = 1;

      if (!bsl_var_spec_shape (spec, process->ndim, process->dims, &ndim, dims))
        {
          bytes += value != NULL ? (guint64) value->n * sizeof (double) : 0;
          continue;
        }
      /* Shapes are at most 2^26 elements per process, so neither product wraps. */
      for (guint i = 0; i < ndim; i++)
        n *= dims[i];
      bytes += n * sizeof (double);
    }
  if (process->type->generated_memory != NULL)
    bytes += process->type->generated_memory (process);
  return bytes;
}

gboolean
bsl_graph_check_memory (const BslGraph  *graph,
                        guint            copies,
                        GError         **error)
{
  guint64 total = 0;

  g_return_val_if_fail (graph != NULL, FALSE);

  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (graph->processes, i);
      g_autofree char *what = NULL;

      total += bsl_process_memory (process) * copies;
      if (total <= bsl_memory_budget ())
        continue;
      what = g_strdup_printf ("the network, up to process '%s' (%s),", process->name,
                              process->type->name);
      return bsl_memory_check (total, what, error);
    }
  return TRUE;
}
