/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "bsl-atomic-file.h"
#include "bsl-network-file.h"

#include "basalt-autosave.h"
#include "basalt-window.h"

/* Soon enough that no edit older than a minute is lost, rarely enough to go unnoticed. */
#define DEFAULT_INTERVAL_SECONDS 45
#define ORIGIN_GROUP "Autosave"

struct _BasaltAutosave
{
  GObject         parent_instance;

  BasaltDocument *document;
  char           *path;          /* the copy */
  char           *origin_path;   /* beside it: which file the copy is of */
  guint           interval;      /* seconds */
  guint           timeout_id;
  guint64         saved_serial;  /* the document's serial the copy holds; 0: none */
};

G_DEFINE_FINAL_TYPE (BasaltAutosave, basalt_autosave, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
basalt_autosave_dup_folder (void)
{
  return g_build_filename (g_get_user_cache_dir (), "basalt", "autosave", NULL);
}

static guint
interval_from_environment (void)
{
  const char *text = g_getenv ("BASALT_AUTOSAVE_SECONDS");
  guint64 seconds;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, 3600, &seconds, NULL))
    return (guint) seconds;
  return DEFAULT_INTERVAL_SECONDS;
}

static void
remove_copy (BasaltAutosave *self)
{
  g_unlink (self->path);
  g_unlink (self->origin_path);
  self->saved_serial = 0;
}

/* Which file the copy is of, and when it was made, in a small key file beside it. */
static gboolean
write_origin (BasaltAutosave  *self,
              GError         **error)
{
  GFile *file = basalt_document_get_file (self->document);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (path != NULL)
    g_key_file_set_string (keys, ORIGIN_GROUP, "file", path);
  g_key_file_set_int64 (keys, ORIGIN_GROUP, "saved", g_get_real_time () / G_USEC_PER_SEC);
  data = g_key_file_to_data (keys, &length, NULL);
  return bsl_write_file_atomic (self->origin_path, data, length, error);
}

gboolean
basalt_autosave_save_now (BasaltAutosave  *self,
                          GError         **error)
{
  g_autofree char *folder = NULL;
  guint64 serial;

  g_return_val_if_fail (BASALT_IS_AUTOSAVE (self), FALSE);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  serial = basalt_document_get_serial (self->document);
  if (!basalt_document_get_dirty (self->document) || serial == self->saved_serial)
    return TRUE;

  folder = basalt_autosave_dup_folder ();
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create %s: %s", folder, g_strerror (saved_errno));
      return FALSE;
    }
  if (!write_origin (self, error) ||
      !bsl_graph_save_file (basalt_document_get_graph (self->document), self->path, error))
    return FALSE;
  self->saved_serial = serial;
  return TRUE;
}

static gboolean
save_cb (gpointer data)
{
  BasaltAutosave *self = data;
  g_autoptr(GError) error = NULL;

  self->timeout_id = 0;
  if (!basalt_autosave_save_now (self, &error))
    g_warning ("automatic copy of the network not written: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
on_document_changed (BasaltAutosave *self)
{
  if (!basalt_document_get_dirty (self->document))
    {
      /* Saved, or undone back to the saved state: the file on disk is the network. */
      g_clear_handle_id (&self->timeout_id, g_source_remove);
      remove_copy (self);
      return;
    }
  /* The first edit after a copy starts the clock: no edit waits longer than the interval. */
  if (self->timeout_id == 0)
    self->timeout_id = g_timeout_add_seconds (self->interval, save_cb, self);
}

BasaltAutosave *
basalt_autosave_new (BasaltDocument *document)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (document), NULL);

  return g_object_new (BASALT_TYPE_AUTOSAVE, "document", document, NULL);
}

const char *
basalt_autosave_get_path (BasaltAutosave *self)
{
  g_return_val_if_fail (BASALT_IS_AUTOSAVE (self), NULL);

  return self->path;
}

static void
basalt_autosave_dispose (GObject *object)
{
  BasaltAutosave *self = (BasaltAutosave *) object;

  /* Closed on purpose: what was not saved was given up. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->path != NULL)
    remove_copy (self);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (basalt_autosave_parent_class)->dispose (object);
}

static void
basalt_autosave_finalize (GObject *object)
{
  BasaltAutosave *self = (BasaltAutosave *) object;

  g_free (self->path);
  g_free (self->origin_path);

  G_OBJECT_CLASS (basalt_autosave_parent_class)->finalize (object);
}

static void
basalt_autosave_constructed (GObject *object)
{
  BasaltAutosave *self = BASALT_AUTOSAVE (object);
  g_autofree char *folder = basalt_autosave_dup_folder ();
  g_autofree char *name = NULL;
  static guint n_made;

  G_OBJECT_CLASS (basalt_autosave_parent_class)->constructed (object);
  self->interval = interval_from_environment ();
  /* The process id tells a copy of a running Basalt from one a crash left behind. */
  name = g_strdup_printf ("%d-%u", (int) getpid (), ++n_made);
  self->path = g_strdup_printf ("%s/%s.basalt", folder, name);
  self->origin_path = g_strdup_printf ("%s/%s.origin", folder, name);
  g_signal_connect_object (self->document, "changed", G_CALLBACK (on_document_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "notify::dirty", G_CALLBACK (on_document_changed), self, G_CONNECT_SWAPPED);
}

static void
basalt_autosave_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BasaltAutosave *self = BASALT_AUTOSAVE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_autosave_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BasaltAutosave *self = BASALT_AUTOSAVE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_autosave_class_init (BasaltAutosaveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = basalt_autosave_dispose;
  object_class->finalize = basalt_autosave_finalize;
  object_class->constructed = basalt_autosave_constructed;
  object_class->get_property = basalt_autosave_get_property;
  object_class->set_property = basalt_autosave_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, BASALT_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
basalt_autosave_init (BasaltAutosave *self)
{
}

/* Recovery */

typedef struct
{
  char   *copy;
  char   *origin;
  char   *file;     /* the network's own file; NULL when it had none */
  gint64  saved;    /* when the copy was made (seconds since 1970) */
} Leftover;

static void
leftover_free (gpointer data)
{
  Leftover *leftover = data;

  g_free (leftover->copy);
  g_free (leftover->origin);
  g_free (leftover->file);
  g_free (leftover);
}

static gboolean
process_is_running (int pid)
{
  return pid == (int) getpid () || kill (pid, 0) == 0 || errno == EPERM;
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const Leftover *la = *(Leftover *const *) a;
  const Leftover *lb = *(Leftover *const *) b;

  return (la->saved < lb->saved) - (la->saved > lb->saved);
}

static Leftover *
read_leftover (const char *folder,
               const char *name)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".basalt"));
  Leftover *leftover = g_new0 (Leftover, 1);
  GStatBuf info;

  leftover->copy = g_build_filename (folder, name, NULL);
  leftover->origin = g_strdup_printf ("%s/%s.origin", folder, stem);
  if (g_key_file_load_from_file (keys, leftover->origin, G_KEY_FILE_NONE, NULL))
    {
      leftover->file = g_key_file_get_string (keys, ORIGIN_GROUP, "file", NULL);
      leftover->saved = g_key_file_get_int64 (keys, ORIGIN_GROUP, "saved", NULL);
    }
  if (leftover->saved == 0 && g_stat (leftover->copy, &info) == 0)
    leftover->saved = info.st_mtime;
  return leftover;
}

/* Copies whose process no longer runs, newest first. */
static GPtrArray *
find_leftovers (void)
{
  g_autofree char *folder = basalt_autosave_dup_folder ();
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  GPtrArray *leftovers = g_ptr_array_new_with_free_func (leftover_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      char *end = NULL;
      long pid = strtol (name, &end, 10);

      if (!g_str_has_suffix (name, ".basalt") || end == name || *end != '-' || process_is_running ((int) pid))
        continue;
      g_ptr_array_add (leftovers, read_leftover (folder, name));
    }
  g_ptr_array_sort (leftovers, newest_first);
  return leftovers;
}

static void
discard_leftover (const Leftover *leftover)
{
  g_unlink (leftover->copy);
  g_unlink (leftover->origin);
}

static char *
describe_leftovers (GPtrArray *leftovers)
{
  const Leftover *newest = g_ptr_array_index (leftovers, 0);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (newest->saved);
  g_autofree char *time = g_date_time_format (when, "%H:%M on %e %B");
  g_autofree char *name = newest->file ? g_path_get_basename (newest->file) : g_strdup ("Untitled network");

  if (leftovers->len == 1)
    return g_strdup_printf ("Basalt closed without saving the changes to “%s”. A copy made at %s "
                            "holds them.", name, time);
  return g_strdup_printf ("Basalt closed without saving the changes to %u networks. Copies hold "
                          "them, the newest (“%s”) made at %s.", leftovers->len, name, time);
}

/* The newest copy goes into this window when it holds nothing yet; the others get windows. */
static void
restore_leftovers (BasaltAutosave *self,
                   GtkWindow      *parent,
                   GPtrArray      *leftovers)
{
  for (guint i = 0; i < leftovers->len; i++)
    {
      const Leftover *leftover = g_ptr_array_index (leftovers, i);
      g_autoptr(GFile) copy = g_file_new_for_path (leftover->copy);
      g_autoptr(GFile) original = leftover->file ? g_file_new_for_path (leftover->file) : NULL;
      BasaltAutosave *target = self;
      g_autoptr(GError) error = NULL;

      if (i > 0 || basalt_document_get_dirty (self->document) || basalt_document_get_file (self->document))
        {
          BasaltWindow *window = basalt_window_new (gtk_window_get_application (parent));

          gtk_window_present (GTK_WINDOW (window));
          target = basalt_window_get_autosave (window);
        }
      /* The copy is removed only once this session holds its own. */
      if (!basalt_document_recover (target->document, copy, original, &error) ||
          !basalt_autosave_save_now (target, &error))
        {
          g_warning ("could not restore %s: %s", leftover->copy, error->message);
          continue;
        }
      discard_leftover (leftover);
    }
}

static void
on_recovery_response (GtkDialog *dialog,
                      int        response,
                      gpointer   user_data)
{
  BasaltAutosave *self = user_data;
  GPtrArray *leftovers = g_object_get_data (G_OBJECT (dialog), "basalt-leftovers");
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (response == GTK_RESPONSE_ACCEPT)
    restore_leftovers (self, parent, leftovers);
  else if (response == GTK_RESPONSE_REJECT)
    for (guint i = 0; i < leftovers->len; i++)
      discard_leftover (g_ptr_array_index (leftovers, i));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

void
basalt_autosave_offer_recovery (BasaltAutosave *self,
                                GtkWindow      *parent)
{
  g_autoptr(GPtrArray) leftovers = NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog;

  g_return_if_fail (BASALT_IS_AUTOSAVE (self));

  leftovers = find_leftovers ();
  if (leftovers->len == 0)
    return;

  text = describe_leftovers (leftovers);
  dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "Restore the unsaved changes?");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", text);
  gtk_window_set_title (GTK_WINDOW (dialog), "Recover Unsaved Work");
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Discard", GTK_RESPONSE_REJECT, "_Restore",
                          GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT),
                            "suggested-action");
  g_object_set_data_full (G_OBJECT (dialog), "basalt-leftovers", g_steal_pointer (&leftovers),
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_recovery_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
