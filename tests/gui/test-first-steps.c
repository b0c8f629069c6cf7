/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What a new user meets first: the empty canvas's hint, Help (F1), a NIR graph with a
 * convolution, the Keyboard Shortcuts window, the About logo and Open Recent when Basalt runs from its build tree. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "basalt-application.h"
#include "basalt-window.h"
#include "test-gui-util.h"

static gboolean have_display;
static BasaltApplication *app;

typedef struct
{
  BasaltWindow   *window;
  BasaltDocument *document;
  char           *dir;
} Fixture;

static gboolean
window_ready (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 300;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (!have_display)
    return;

  f->window = basalt_window_new (GTK_APPLICATION (app));
  f->document = basalt_window_get_document (f->window);
  f->dir = g_dir_make_tmp ("basalt-first-XXXXXX", NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (gui_wait_until (window_ready, f->window, 10));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (!have_display)
    return;

  gtk_window_destroy (GTK_WINDOW (f->window));
  remove_tree (f->dir);
  g_free (f->dir);
}

static gboolean
has_label_starting (GtkWidget     *widget,
                    gconstpointer  prefix)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix);
}

static GtkWidget *
canvas_hint (Fixture *f)
{
  return gui_find_widget (GTK_WIDGET (basalt_window_get_designer_page (f->window)), has_label_starting,
                          "Drag a neuron population");
}

static gboolean
hint_shown (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 100;
}

/* The empty canvas says what to do; the hint goes with the first process and comes back when the
 * network is empty again. */
static void
test_empty_canvas_hint (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *hint, *canvas;

  REQUIRE_DISPLAY (have_display);

  hint = canvas_hint (f);
  g_assert_nonnull (hint);
  g_assert_true (gui_wait_until (hint_shown, hint, 5));
  /* Over the canvas, in its middle. */
  canvas = GTK_WIDGET (basalt_window_get_canvas (f->window));
  {
    graphene_point_t middle;

    g_assert_true (gtk_widget_compute_point (hint, canvas,
                                             &GRAPHENE_POINT_INIT (gtk_widget_get_width (hint) / 2.0,
                                                                   gtk_widget_get_height (hint) / 2.0),
                                             &middle));
    g_assert_cmpfloat (fabs (middle.x - gtk_widget_get_width (canvas) / 2.0), <, 40);
    g_assert_cmpfloat (fabs (middle.y - gtk_widget_get_height (canvas) / 2.0), <, 40);
  }
  /* Clicks reach the canvas through it. */
  g_assert_false (gtk_widget_get_can_target (hint));

  g_assert_true (gtk_widget_activate_action (canvas, "graph.add-process", "s", "LIF"));
  gui_spin (0.1);
  g_assert_false (gtk_widget_get_visible (hint));
  g_assert_true (basalt_document_undo (f->document));
  g_assert_true (gui_wait_until (hint_shown, hint, 5));
}

static void
count_activation (guint *n)
{
  (*n)++;
}

/* F1 and the main menu's Help open the documentation: the README of the sources. */
static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *uri = basalt_application_dup_help_uri ();
  g_autofree char *path = NULL;
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.help");
  GAction *help = g_action_map_lookup_action (G_ACTION_MAP (app), "help");
  GtkWidget *canvas;
  guint n_activated = 0;

  REQUIRE_DISPLAY (have_display);

  g_assert_nonnull (uri);
  path = g_filename_from_uri (uri, NULL, NULL);
  g_assert_true (g_str_has_suffix (path, "README.md"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (help);
  g_assert_true (g_strv_contains ((const char *const *) accels, "F1"));

  /* The key, typed through the X server; the viewer itself is not started here. */
  g_signal_handlers_block_matched (help, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, app);
  g_signal_connect_swapped (help, "activate", G_CALLBACK (count_activation), &n_activated);
  canvas = GTK_WIDGET (basalt_window_get_canvas (f->window));
  if (!gui_pointer_to (canvas, 100, 100))
    {
      g_test_skip ("no xdotool or no X display");
      return;
    }
  g_assert_true (gui_xdotool ("click", "1", NULL));
  g_assert_true (gui_xdotool ("key", "F1", NULL));
  gui_spin (0.2);
  g_signal_handlers_disconnect_by_data (help, &n_activated);
  g_signal_handlers_unblock_matched (help, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, app);
  g_assert_cmpuint (n_activated, ==, 1);
}

static GtkWindow *
find_dialog (GtkWindow  *parent,
             const char *title)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (l->data != parent && gtk_window_get_transient_for (l->data) == parent &&
        g_strcmp0 (gtk_window_get_title (l->data), title) == 0 && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

typedef struct
{
  GtkWindow  *parent;
  const char *title;
} DialogQuery;

static gboolean
dialog_shown (gpointer data)
{
  const DialogQuery *query = data;

  return find_dialog (query->parent, query->title) != NULL;
}

static gboolean
has_text (GtkWidget     *widget,
          gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
network_imported (gpointer data)
{
  return bsl_graph_get_n_processes (basalt_document_get_graph (data)) > 0;
}

/* A NIR graph with a convolution: the window offers to flatten it instead of naming a
 * command-line option, and the button does it. */
static void
test_nir_flatten_offer (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("BASALT_TEST_DATA_DIR"), "reference", "nir",
                                            "05_conv2d_sumpool_flatten.nir", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  DialogQuery query = { GTK_WINDOW (f->window), "Import NIR" };
  g_autoptr(BasaltDocument) direct = NULL;
  GtkWindow *dialog;
  GtkWidget *button;
  guint n_direct;

  REQUIRE_DISPLAY (have_display);

  basalt_window_import_nir_chosen (f->window, file);
  g_assert_true (gui_wait_until (dialog_shown, &query, 5));
  dialog = find_dialog (query.parent, query.title);
  g_assert_nonnull (gui_find_widget (GTK_WIDGET (dialog), has_text, "Conv2d"));
  g_assert_null (gui_find_widget (GTK_WIDGET (dialog), has_text, "--flatten"));
  /* Nothing changes until the user says so. */
  g_assert_cmpuint (bsl_graph_get_n_processes (basalt_document_get_graph (f->document)), ==, 0);

  button = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Import _Flattened");
  gui_spin (0.3);
  if (!gui_click (button))
    {
      g_test_skip ("no xdotool or no X display");
      return;
    }
  g_assert_true (gui_wait_until (network_imported, f->document, 5));
  g_assert_null (find_dialog (query.parent, query.title));

  /* The same network as the flattened import gives. */
  n_direct = bsl_graph_get_n_processes (basalt_document_get_graph (f->document));
  g_assert_true (basalt_window_import_nir_full (f->window, file, TRUE, notes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bsl_graph_get_n_processes (basalt_document_get_graph (f->document)), ==, n_direct);
  g_assert_nonnull (bsl_graph_find_process (basalt_document_get_graph (f->document), "conv"));
}

/* The About logo is the application's icon, found without Basalt being installed. */
static void
test_about_logo (Fixture       *f,
                 gconstpointer  data)
{
  GtkIconTheme *theme;
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *where = NULL;

  REQUIRE_DISPLAY (have_display);

  theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (f->window)));
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  icon = gtk_icon_theme_lookup_icon (theme, APP_ID, NULL, 128, 1, GTK_TEXT_DIR_NONE, 0);
  file = gtk_icon_paintable_get_file (icon);
  where = g_file_get_uri (file);
  g_test_message ("the logo comes from %s", where);
  g_assert_cmpstr (gtk_window_get_default_icon_name (), ==, APP_ID);
}

/* The Keyboard Shortcuts window shows every shortcut on one page that fits the screen; a split
 * over pages made GTK warn about its page buttons (warnings are fatal in tests). */
static void
test_shortcuts_window (Fixture       *f,
                       gconstpointer  data)
{
  GtkShortcutsWindow *overlay;
  int width = 0;

  REQUIRE_DISPLAY (have_display);

  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-help-overlay", NULL));
  g_assert_true (gui_wait_until (window_ready, overlay, 10));
  gtk_widget_measure (GTK_WIDGET (overlay), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  g_assert_cmpint (width, <=, 1280);
  gtk_window_close (GTK_WINDOW (overlay));
}

static gboolean
file_mentions (const char *path,
               const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, text) != NULL;
}

/* Run from the build tree with no schema installed, Basalt still remembers the files it opened
 * (Open Recent), in the settings of the user (here a key file in a folder of the test). */
static void
test_recent_from_build_tree (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *example = g_build_filename (g_getenv ("BASALT_EXAMPLES_DIR"), "lif-bias.basalt", NULL);
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autofree char *keyfile = g_build_filename (config, "glib-2.0", "settings", "keyfile", NULL);
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *window = NULL;
  const char *env[] = { "GSETTINGS_SCHEMA_DIR", NULL, "GSETTINGS_BACKEND", "keyfile",
                        "XDG_CONFIG_HOME", config, "XDG_CACHE_HOME", cache, NULL };
  gboolean remembered = FALSE;
  GPid pid;

  REQUIRE_DISPLAY (have_display);
  if (xdotool == NULL)
    {
      g_test_skip ("no xdotool");
      return;
    }

  pid = gui_start_basalt (example, env);
  window = gui_wait_for_window ("^lif-bias.basalt — Basalt$");
  g_assert_nonnull (window);
  for (int i = 0; i < 50 && !remembered; i++)
    {
      gui_spin (0.1);
      remembered = file_mentions (keyfile, example);
    }
  gui_stop_process (pid, SIGTERM);
  g_assert_true (remembered);
  g_assert_true (file_mentions (keyfile, "recent-files"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();

  if (have_display)
    {
      app = basalt_application_new (G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, NULL);
    }

  g_test_add ("/first-steps/empty-canvas-hint", Fixture, NULL, fixture_set_up, test_empty_canvas_hint,
              fixture_tear_down);
  g_test_add ("/first-steps/help", Fixture, NULL, fixture_set_up, test_help, fixture_tear_down);
  g_test_add ("/first-steps/nir-flatten-offer", Fixture, NULL, fixture_set_up, test_nir_flatten_offer,
              fixture_tear_down);
  g_test_add ("/first-steps/shortcuts-window", Fixture, NULL, fixture_set_up, test_shortcuts_window,
              fixture_tear_down);
  g_test_add ("/first-steps/about-logo", Fixture, NULL, fixture_set_up, test_about_logo, fixture_tear_down);
  g_test_add ("/first-steps/recent-from-build-tree", Fixture, NULL, fixture_set_up,
              test_recent_from_build_tree, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
