/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "basalt-application.h"
#include "basalt-window.h"

struct _BasaltApplication
{
  GtkApplication  parent_instance;

  gboolean        run_on_open;
  gboolean        recovery_offered;
  char           *select_on_open;
};

G_DEFINE_FINAL_TYPE (BasaltApplication, basalt_application, GTK_TYPE_APPLICATION)

static BasaltWindow *
new_window (BasaltApplication *self)
{
  return basalt_window_new (GTK_APPLICATION (self));
}

/* Once per start: work a crashed Basalt left in its automatic copies is offered back. */
static void
offer_recovery_once (BasaltApplication *self,
                     BasaltWindow      *window)
{
  if (self->recovery_offered)
    return;
  self->recovery_offered = TRUE;
  basalt_autosave_offer_recovery (basalt_window_get_autosave (window), GTK_WINDOW (window));
}

static void
basalt_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (new_window (BASALT_APPLICATION (application)));
  gtk_window_present (window);
  offer_recovery_once (BASALT_APPLICATION (application), BASALT_WINDOW (window));
}

static void
basalt_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  BasaltApplication *self = BASALT_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      BasaltWindow *window = new_window (self);
      g_autoptr(GError) error = NULL;

      gtk_window_present (GTK_WINDOW (window));
      offer_recovery_once (self, window);
      if (!basalt_window_open_file (window, files[i], &error))
        {
          GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (window), GTK_DIALOG_MODAL,
                                                      GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                      "Could not open the network");
          gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
          g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
          gtk_window_present (GTK_WINDOW (dialog));
        }
      else
        {
          if (self->select_on_open != NULL)
            basalt_graph_canvas_select (basalt_window_get_canvas (window), self->select_on_open, FALSE);
          if (self->run_on_open)
            gtk_widget_activate_action (GTK_WIDGET (basalt_window_get_designer_page (window)), "sim.run-pause", NULL);
        }
    }
}

static int
basalt_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  BasaltApplication *self = BASALT_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("basalt %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->run_on_open = g_variant_dict_contains (options, "run");
  g_clear_pointer (&self->select_on_open, g_free);
  g_variant_dict_lookup (options, "select", "s", &self->select_on_open);
  return -1;
}

static void
app_quit (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  GtkApplication *application = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (application));

  /* Each window asks about its own unsaved changes. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
app_new_window (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (new_window (user_data)));
}

static void
app_about (GSimpleAction *action,
           GVariant      *param,
           gpointer       user_data)
{
  GtkApplication *application = user_data;
  static const char *authors[] = { "The Basalt developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (application),
                         "program-name", "Basalt",
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", "Design, run and tune spiking neural networks for Loihi 2, "
                                     "with Lava's process semantics",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

char *
basalt_application_dup_help_uri (void)
{
  const char *folders[] = { BASALT_SOURCE_ROOT, BASALT_DOCDIR };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (folders[i], "README.md", NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_filename_to_uri (path, NULL, NULL);
    }
  return NULL;
}

static void
show_in_window (GtkWindow  *window,
                const char *message)
{
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-message", "s", message);
  else
    g_message ("%s", message);
}

static void
help_shown (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  g_autoptr(GError) error = NULL;

  /* No program to show it: say where the documentation is, so it can be opened by hand. */
  if (!gtk_show_uri_full_finish (window, result, &error))
    {
      g_autofree char *uri = basalt_application_dup_help_uri ();
      g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);
      g_autofree char *text = g_strdup_printf ("Could not open the documentation (%s): it is %s, "
                                               "with the other pages in docs/ beside it",
                                               error->message, path);

      show_in_window (window, text);
    }
}

static void
app_help (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (user_data);
  g_autofree char *uri = basalt_application_dup_help_uri ();

  if (uri == NULL)
    {
      show_in_window (window, "The documentation is not installed: it is README.md and docs/ of "
                              "Basalt's sources");
      return;
    }
  gtk_show_uri_full (window, uri, GDK_CURRENT_TIME, NULL, help_shown, window ? g_object_ref (window) : NULL);
}

static const GActionEntry app_entries[] = {
  { "quit", app_quit },
  { "help", app_help },
  { "new-window", app_new_window },
  { "about", app_about },
};

static void
set_accels (GtkApplication *application,
            const char     *action,
            const char     *first,
            ...)
{
  g_autoptr(GPtrArray) accels = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *accel = first; accel != NULL; accel = va_arg (args, const char *))
    g_ptr_array_add (accels, (gpointer) accel);
  va_end (args);
  g_ptr_array_add (accels, NULL);

  gtk_application_set_accels_for_action (application, action, (const char *const *) accels->pdata);
}

static void
basalt_application_startup (GApplication *application)
{
  GtkApplication *gtk_app = GTK_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (basalt_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries, G_N_ELEMENTS (app_entries),
                                   application);

  set_accels (gtk_app, "app.quit", "<Control>q", NULL);
  set_accels (gtk_app, "app.help", "F1", NULL);
  set_accels (gtk_app, "app.new-window", "<Shift><Control>n", NULL);
  set_accels (gtk_app, "win.new", "<Control>n", NULL);
  set_accels (gtk_app, "win.open", "<Control>o", NULL);
  set_accels (gtk_app, "win.save", "<Control>s", NULL);
  set_accels (gtk_app, "win.save-as", "<Shift><Control>s", NULL);
  set_accels (gtk_app, "win.undo", "<Control>z", NULL);
  set_accels (gtk_app, "win.redo", "<Shift><Control>z", "<Control>y", NULL);
  set_accels (gtk_app, "window.close", "<Control>w", NULL);
  set_accels (gtk_app, "win.show-page::designer", "<Alt>1", NULL);
  set_accels (gtk_app, "win.show-page::tuner", "<Alt>2", NULL);
  /* The Designer's own shortcuts (F5, Ctrl+0, ...) are in its template, for its actions. */

  /* Found in the resources (see basalt.gresource.xml) when Basalt is not installed. */
  gtk_window_set_default_icon_name (APP_ID);
  gtk_css_provider_load_from_resource (css, "/org/basalt/Basalt/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
basalt_application_finalize (GObject *object)
{
  BasaltApplication *self = (BasaltApplication *) object;

  g_clear_pointer (&self->select_on_open, g_free);

  G_OBJECT_CLASS (basalt_application_parent_class)->finalize (object);
}

static void
basalt_application_class_init (BasaltApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = basalt_application_finalize;

  app_class->activate = basalt_application_activate;
  app_class->open = basalt_application_open;
  app_class->startup = basalt_application_startup;
  app_class->handle_local_options = basalt_application_handle_local_options;
}

static void
basalt_application_init (BasaltApplication *self)
{
  static const GOptionEntry entries[] = {
    { "run", 'r', 0, G_OPTION_ARG_NONE, NULL, "Start running the networks once they are open", NULL },
    { "select", 0, 0, G_OPTION_ARG_STRING, NULL, "Select this process once a network is open", "NAME" },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version and exit", NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

BasaltApplication *
basalt_application_new (GApplicationFlags flags)
{
  return g_object_new (BASALT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/basalt/Basalt",
                       NULL);
}
