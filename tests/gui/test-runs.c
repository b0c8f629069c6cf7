/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Runs and what they record, driven as a user drives them: a run of a set number of steps and
 * Stop, probes that come and go with their process through undo and redo. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "bsl-graph-probes.h"
#include "bsl-network-file.h"

#include "basalt-application.h"
#include "basalt-plot.h"
#include "basalt-window.h"
#include "test-gui-util.h"

static gboolean have_display;
static BasaltApplication *app;

typedef struct
{
  BasaltWindow     *window;
  BasaltDocument   *document;
  BasaltSimulation *simulation;
  GtkWidget        *page;
  char             *dir;
} Fixture;

static gboolean
page_ready (gpointer data)
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
  f->simulation = basalt_window_get_simulation (f->window);
  f->page = GTK_WIDGET (basalt_window_get_designer_page (f->window));
  f->dir = g_dir_make_tmp ("basalt-runs-XXXXXX", NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (gui_wait_until (page_ready, f->page, 10));
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

static void
open_example (Fixture    *f,
              const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("BASALT_EXAMPLES_DIR"), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (basalt_window_open_file (f->window, file, &error));
  g_assert_no_error (error);
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static GtkWidget *
find_widget_of_type (GtkWidget *widget,
                     GType      type)
{
  return gui_find_widget (widget, is_of_type, GSIZE_TO_POINTER (type));
}

static gboolean
has_label (GtkWidget     *widget,
           gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  return gui_find_widget (widget, has_label, text);
}

static gint64
run_steps (Fixture *f)
{
  return bsl_graph_get_run_steps (basalt_document_get_graph (f->document));
}

/* The steps the exported CSV holds: the recorded data's length, as a user reads it. */
static gint64
csv_steps (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "probes.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (basalt_simulation_write_csv (f->simulation, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "step,probe,index,value");
  for (guint i = 1; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_hash_table_add (steps, g_strndup (lines[i], strcspn (lines[i], ",")));
  return g_hash_table_size (steps);
}

static gboolean
steps_are_37 (gpointer data)
{
  return bsl_graph_get_run_steps (basalt_document_get_graph (data)) == 37;
}

static gboolean
run_finished (gpointer data)
{
  return basalt_simulation_get_state (data) == BASALT_SIMULATION_PAUSED;
}

static gboolean
run_going (gpointer data)
{
  return basalt_simulation_get_state (data) == BASALT_SIMULATION_RUNNING &&
         basalt_simulation_get_time (data) >= 20;
}

static gboolean
run_stopped (gpointer data)
{
  return basalt_simulation_get_state (data) == BASALT_SIMULATION_STOPPED;
}

static gboolean
simulation_running (gpointer data)
{
  return basalt_simulation_get_state (data) == BASALT_SIMULATION_RUNNING;
}

/* The number of steps is typed into the run bar, is an undoable edit of the file's run.steps,
 * and Run Steps stops exactly there; Stop interrupts a long run, which then starts again. */
static void
test_run_steps (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *saved = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) reread = NULL;
  GtkWidget *spin, *run_button, *stop_button;
  g_autofree char *stopped_text = NULL;
  gint64 stopped_at;

  REQUIRE_DISPLAY (have_display);

  open_example (f, "lif-bias.basalt");
  g_assert_cmpint (run_steps (f), ==, 300);
  spin = find_widget_of_type (f->page, GTK_TYPE_SPIN_BUTTON);
  run_button = gui_find_actionable (f->page, "sim.run-steps");
  stop_button = gui_find_actionable (f->page, "sim.stop");
  g_assert_nonnull (spin);
  g_assert_nonnull (run_button);
  g_assert_nonnull (stop_button);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 300);
  g_assert_false (gtk_widget_is_sensitive (stop_button));

  /* In the text, left of the spin button's - and + buttons. */
  if (!gui_pointer_to (spin, 12, gtk_widget_get_height (spin) / 2.0) || !gui_xdotool ("click", "1", NULL))
    {
      g_test_skip ("no xdotool or no X display");
      return;
    }
  g_assert_true (gui_xdotool ("key", "ctrl+a", NULL));
  g_assert_true (gui_xdotool ("type", "37", NULL));
  g_assert_true (gui_xdotool ("key", "Return", NULL));
  g_assert_true (gui_wait_until (steps_are_37, f->document, 5));
  g_assert_cmpstr (basalt_document_get_undo_label (f->document), ==, "Run 37 steps");

  /* Undo and redo bring the spin button along. */
  g_assert_true (gtk_widget_activate_action (f->page, "win.undo", NULL));
  g_assert_cmpint (run_steps (f), ==, 300);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 300);
  g_assert_true (gtk_widget_activate_action (f->page, "win.redo", NULL));
  g_assert_cmpint (run_steps (f), ==, 37);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 37);

  basalt_simulation_set_speed (f->simulation, 0);
  g_assert_true (gui_click (run_button));
  g_assert_true (gui_wait_until (run_finished, f->simulation, 10));
  basalt_simulation_sync (f->simulation);
  g_assert_cmpint (basalt_simulation_get_time (f->simulation), ==, 37);
  g_assert_cmpint (csv_steps (f), ==, 37);
  /* Again: 37 more, as Lava's run(RunSteps(37)) continues where the last stopped. */
  g_assert_true (gui_xdotool ("key", "ctrl+F5", NULL));
  g_assert_true (gui_wait_until (run_finished, f->simulation, 10));
  basalt_simulation_sync (f->simulation);
  g_assert_cmpint (basalt_simulation_get_time (f->simulation), ==, 74);
  g_assert_cmpint (csv_steps (f), ==, 74);

  /* The number is saved with the file. */
  saved = g_build_filename (f->dir, "steps.basalt", NULL);
  file = g_file_new_for_path (saved);
  g_assert_true (basalt_window_save_file (f->window, file, &error));
  g_assert_no_error (error);
  reread = bsl_graph_load_file (saved, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bsl_graph_get_run_steps (reread), ==, 37);

  /* Stop interrupts a long run; the data stays; the next run starts from step 0. */
  g_assert_true (basalt_document_set_run_steps (f->document, 1000000, &error));
  g_assert_no_error (error);
  basalt_simulation_set_speed (f->simulation, 100);
  g_assert_true (gui_click (run_button));
  g_assert_true (gui_wait_until (run_going, f->simulation, 10));
  g_assert_true (gtk_widget_is_sensitive (stop_button));
  g_assert_true (gui_click (stop_button));
  g_assert_true (gui_wait_until (run_stopped, f->simulation, 5));
  stopped_at = basalt_simulation_get_time (f->simulation);
  g_test_message ("stopped at step %" G_GINT64_FORMAT, stopped_at);
  g_assert_cmpint (stopped_at, >=, 74 + 20);
  g_assert_cmpint (stopped_at, <, 74 + 1000);
  gui_spin (0.3);
  g_assert_cmpint (basalt_simulation_get_time (f->simulation), ==, stopped_at);
  g_assert_cmpint (csv_steps (f), ==, stopped_at);
  stopped_text = g_strdup_printf ("stopped at step %" G_GINT64_FORMAT, stopped_at);
  g_assert_nonnull (find_label (f->page, stopped_text));
  g_assert_false (gtk_widget_is_sensitive (stop_button));

  g_assert_true (gui_xdotool ("key", "F5", NULL));
  g_assert_true (gui_wait_until (simulation_running, f->simulation, 5));
  g_assert_cmpint (basalt_simulation_get_time (f->simulation), <, stopped_at);
  g_assert_true (gui_xdotool ("key", "shift+F6", NULL));
  g_assert_true (gui_wait_until (run_stopped, f->simulation, 5));
}

static gboolean
has_plot (Fixture    *f,
          const char *target)
{
  for (guint i = 0; i < basalt_simulation_get_n_probes (f->simulation); i++)
    if (g_strcmp0 (basalt_simulation_get_target (f->simulation, i), target) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_process (Fixture    *f,
             const char *name)
{
  return bsl_graph_find_process (basalt_document_get_graph (f->document), name) != NULL;
}

static gboolean
is_probed (Fixture    *f,
           const char *target)
{
  return bsl_graph_has_probe (basalt_document_get_graph (f->document), target);
}

/* A point of the node's body (not a port) in widget coordinates, found as the pointer finds it. */
static gboolean
node_point (BasaltGraphCanvas *canvas,
            const char        *name,
            double            *wx,
            double            *wy)
{
  double cx, cy, x0, y0;

  g_assert_true (basalt_graph_canvas_get_node_position (canvas, name, &cx, &cy));
  basalt_graph_canvas_canvas_to_widget (canvas, cx, cy, &x0, &y0);
  for (double dy = 8; dy < 80; dy += 4)
    for (double dx = 30; dx < 120; dx += 6)
      {
        g_autofree char *process = NULL;
        g_autofree char *port = NULL;

        if (basalt_graph_canvas_pick (canvas, x0 + dx, y0 + dy, &process, &port) &&
            g_strcmp0 (process, name) == 0 && port == NULL)
          {
            *wx = x0 + dx;
            *wy = y0 + dy;
            return TRUE;
          }
      }
  return FALSE;
}

static gboolean
process_gone (gpointer data)
{
  return !has_process (data, "lif1");
}

static gboolean
process_back (gpointer data)
{
  return has_process (data, "lif1");
}

/* A probe is part of the network: deleting its process deletes it and its plot, undo brings both
 * back, undoing the process's addition leaves no probe (and no plot) behind, and it is saved. */
static void
test_probes_undo (Fixture       *f,
                  gconstpointer  data)
{
  BasaltGraphCanvas *canvas = basalt_window_get_canvas (f->window);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  double wx = 0, wy = 0;

  REQUIRE_DISPLAY (have_display);

  g_assert_true (gtk_widget_activate_action (f->page, "graph.add-process", "s", "LIF"));
  g_assert_true (has_process (f, "lif1"));
  g_assert_true (gtk_widget_activate_action (f->page, "graph.add-probe", "s", "lif1.v"));
  g_assert_true (is_probed (f, "lif1.v"));
  g_assert_true (has_plot (f, "lif1.v"));
  g_assert_cmpstr (basalt_document_get_undo_label (f->document), ==, "Probe lif1.v");
  gui_spin (0.2);

  /* Delete with the keyboard, after a click on the node. */
  g_assert_true (node_point (canvas, "lif1", &wx, &wy));
  if (!gui_pointer_to (GTK_WIDGET (canvas), wx, wy))
    {
      g_test_skip ("no xdotool or no X display");
      return;
    }
  g_assert_true (gui_xdotool ("click", "1", NULL));
  g_assert_cmpuint (basalt_graph_canvas_get_n_selected (canvas), ==, 1);
  g_assert_true (gui_xdotool ("key", "Delete", NULL));
  g_assert_true (gui_wait_until (process_gone, f, 5));
  g_assert_false (is_probed (f, "lif1.v"));
  g_assert_false (has_plot (f, "lif1.v"));

  g_assert_true (gui_xdotool ("key", "ctrl+z", NULL));
  g_assert_true (gui_wait_until (process_back, f, 5));
  g_assert_true (is_probed (f, "lif1.v"));
  g_assert_true (has_plot (f, "lif1.v"));
  g_assert_true (gui_xdotool ("key", "ctrl+shift+z", NULL));
  g_assert_true (gui_wait_until (process_gone, f, 5));
  g_assert_false (has_plot (f, "lif1.v"));
  g_assert_true (gui_xdotool ("key", "ctrl+z", NULL));
  g_assert_true (gui_wait_until (process_back, f, 5));

  /* Undo the probe, then the process: nothing is left to record. */
  g_assert_true (gui_xdotool ("key", "ctrl+z", NULL));
  g_assert_false (is_probed (f, "lif1.v"));
  g_assert_false (has_plot (f, "lif1.v"));
  g_assert_true (gui_xdotool ("key", "ctrl+z", NULL));
  g_assert_true (gui_wait_until (process_gone, f, 5));
  g_assert_cmpuint (bsl_graph_get_n_probes (basalt_document_get_graph (f->document)), ==, 0);
  g_assert_cmpuint (basalt_simulation_get_n_probes (f->simulation), ==, 0);

  /* Redo both; a second probe through its plot's own menu path; save and reopen. */
  g_assert_true (basalt_document_redo (f->document));
  g_assert_true (basalt_document_redo (f->document));
  g_assert_true (has_plot (f, "lif1.v"));
  g_assert_true (gtk_widget_activate_action (f->page, "graph.add-probe", "s", "lif1.s_out"));
  path = g_build_filename (f->dir, "probes.basalt", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (basalt_window_save_file (f->window, file, &error));
  g_assert_no_error (error);
  basalt_document_clear (f->document);
  g_assert_cmpuint (basalt_simulation_get_n_probes (f->simulation), ==, 0);
  g_assert_true (basalt_window_open_file (f->window, file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bsl_graph_get_n_probes (basalt_document_get_graph (f->document)), ==, 2);
  g_assert_true (has_plot (f, "lif1.v"));
  g_assert_true (has_plot (f, "lif1.s_out"));

  /* A run records them (and only them: the network names what it records). */
  basalt_simulation_set_speed (f->simulation, 0);
  g_assert_true (basalt_window_run (f->window, 10, &error));
  g_assert_no_error (error);
  basalt_simulation_wait (f->simulation);
  g_assert_cmpuint (basalt_simulation_get_n_probes (f->simulation), ==, 2);
  g_assert_cmpint (csv_steps (f), ==, 10);

  /* The plot's close button removes the network's probe, as an undoable edit. */
  g_assert_true (gtk_widget_activate_action (f->page, "sim.remove-probe", "s", "lif1.v"));
  g_assert_false (is_probed (f, "lif1.v"));
  g_assert_false (has_plot (f, "lif1.v"));
  g_assert_true (basalt_document_undo (f->document));
  g_assert_true (has_plot (f, "lif1.v"));
}

/* The application as a user starts it, in its own process, with its automatic copies in a
 * folder of the test's own and made after one second instead of the usual interval. */
static GPid
start_basalt (Fixture    *f,
              const char *file)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  const char *env[] = { "XDG_CACHE_HOME", cache, "BASALT_AUTOSAVE_SECONDS", "1", NULL };

  return gui_start_basalt (file, env);
}

static char *
find_copy (Fixture *f)
{
  g_autofree char *folder = g_build_filename (f->dir, "cache", "basalt", "autosave", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".basalt"))
      return g_build_filename (folder, name, NULL);
  return NULL;
}

static guint
n_processes_in (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_file (path, &error);

  g_assert_no_error (error);
  return bsl_graph_get_n_processes (graph);
}

/* An edit is copied within seconds; after the process is killed, the next start offers the copy
 * back, and Restore brings the edit into the window, to be saved to the network's own file. */
static void
test_autosave_after_kill (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *example = g_build_filename (g_getenv ("BASALT_EXAMPLES_DIR"), "lif-bias.basalt", NULL);
  g_autofree char *path = g_build_filename (f->dir, "net.basalt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *window = NULL;
  g_autofree char *dialog = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  gsize length;
  GPid pid;

  REQUIRE_DISPLAY (have_display);
  if (xdotool == NULL || g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no xdotool or no X display");
      return;
    }

  g_assert_true (g_file_get_contents (example, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  g_assert_cmpuint (n_processes_in (path), ==, 1);

  pid = start_basalt (f, path);
  window = gui_wait_for_window ("^net.basalt — Basalt$");
  g_assert_nonnull (window);
  /* Select everything on the canvas (the middle of the window) and delete it. */
  g_assert_true (gui_xdotool ("mousemove", "--sync", "--window", window, "640", "300", NULL));
  g_assert_true (gui_xdotool ("click", "1", NULL));
  g_assert_true (gui_xdotool ("key", "ctrl+a", "Delete", NULL));

  for (int i = 0; i < 100 && copy == NULL; i++)
    {
      gui_spin (0.1);
      copy = find_copy (f);
    }
  g_assert_nonnull (copy);
  gui_spin (0.5);
  g_assert_cmpuint (n_processes_in (copy), ==, 0);
  /* The file itself was never saved. */
  g_assert_cmpuint (n_processes_in (path), ==, 1);

  gui_stop_process (pid, SIGKILL);
  g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));

  pid = start_basalt (f, NULL);
  dialog = gui_wait_for_window ("^Recover Unsaved Work$");
  g_assert_nonnull (dialog);
  /* Restore is the default: Enter, with the pointer over the dialog (no window manager gives the
   * focus here). */
  g_assert_true (gui_xdotool ("mousemove", "--sync", "--window", dialog, "20", "20", NULL));
  g_assert_true (gui_xdotool ("key", "Return", NULL));
  g_free (window);
  window = gui_wait_for_window ("^• net.basalt — Basalt$");
  g_assert_nonnull (window);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));

  /* Ctrl+S writes the restored network to its own file. */
  g_assert_true (gui_xdotool ("mousemove", "--sync", "--window", window, "640", "300", NULL));
  g_assert_true (gui_xdotool ("key", "ctrl+s", NULL));
  g_free (window);
  window = gui_wait_for_window ("^net.basalt — Basalt$");
  g_assert_nonnull (window);
  g_assert_cmpuint (n_processes_in (path), ==, 0);

  /* A clean end leaves no copy to offer. */
  gui_stop_process (pid, SIGTERM);
  g_free (copy);
  copy = find_copy (f);
  g_assert_null (copy);
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

  g_test_add ("/runs/run-steps", Fixture, NULL, fixture_set_up, test_run_steps, fixture_tear_down);
  g_test_add ("/runs/autosave-after-kill", Fixture, NULL, fixture_set_up, test_autosave_after_kill,
              fixture_tear_down);
  g_test_add ("/runs/probes-undo", Fixture, NULL, fixture_set_up, test_probes_undo, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
