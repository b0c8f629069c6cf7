/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The designer window's layout as a user sees it in a 1280x1024 window: plots that fill the
 * height below the canvas, per-neuron rows, and widgets that stay where they are while a run
 * goes on, the inspector shows another process or a message appears. */

#include "config.h"

#include <glib/gstdio.h>

#include "basalt-application.h"
#include "basalt-inspector-private.h"
#include "basalt-plot.h"
#include "basalt-window.h"
#include "test-gui-util.h"

static gboolean have_display;
static BasaltApplication *app;

typedef struct
{
  BasaltWindow *window;
  char         *dir;
} Fixture;

static gboolean
window_laid_out (gpointer data)
{
  GtkWidget *canvas = GTK_WIDGET (basalt_window_get_canvas (data));

  return gtk_widget_get_mapped (canvas) && gtk_widget_get_width (canvas) > 300;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (!have_display)
    return;

  f->window = basalt_window_new (GTK_APPLICATION (app));
  f->dir = g_dir_make_tmp ("basalt-layout-XXXXXX", NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 1024);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (gui_wait_until (window_laid_out, f->window, 10));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!have_display)
    return;

  gtk_window_destroy (GTK_WINDOW (f->window));
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
open_network (Fixture    *f,
              const char *json)
{
  g_autofree char *path = g_build_filename (f->dir, "net.basalt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  g_assert_true (basalt_window_open_file (f->window, file, &error));
  g_assert_no_error (error);
  gui_spin (0.1);
}

static void
run_steps (Fixture *f,
           guint    n_steps)
{
  BasaltSimulation *simulation = basalt_window_get_simulation (f->window);
  g_autoptr(GError) error = NULL;

  g_assert_true (basalt_window_run (f->window, n_steps, &error));
  g_assert_no_error (error);
  basalt_simulation_wait (simulation);
  basalt_simulation_sync (simulation);
  gui_spin (0.2);
}

static BasaltPlot *
find_plot (Fixture    *f,
           const char *target)
{
  BasaltSimulation *simulation = basalt_window_get_simulation (f->window);

  for (guint i = 0; i < basalt_simulation_get_n_probes (simulation); i++)
    if (g_strcmp0 (basalt_simulation_get_target (simulation, i), target) == 0)
      return BASALT_PLOT (basalt_simulation_get_plot (simulation, i));
  return NULL;
}

static const char lif_network[] =
  "{\"format\": \"basalt\", \"version\": 1,"
  " \"processes\": [{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [6],"
  "   \"params\": {\"du\": 0.1, \"dv\": 0.05, \"vth\": 10, \"bias_mant\": [1, 1.5, 2, 2.5, 3, 3.5]}}],"
  " \"connections\": [], \"probes\": [%s]}";

/* One plot takes the height below the canvas, not a strip of it; many plots keep a readable
 * height each and the list scrolls. */
static void
test_plot_height (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *one = g_strdup_printf (lif_network, "\"lif.v\"");
  g_autofree char *many = g_strdup_printf (lif_network,
                                           "\"lif.v\", \"lif.u\", \"lif.s_out\", \"lif.bias_mant\"");
  BasaltPlot *plot;
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;

  REQUIRE_DISPLAY (have_display);

  open_network (f, one);
  run_steps (f, 50);
  plot = find_plot (f, "lif.v");
  g_assert_nonnull (plot);
  g_test_message ("one plot: %d px high", gtk_widget_get_height (GTK_WIDGET (plot)));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (plot)), >, 300);

  open_network (f, many);
  run_steps (f, 50);
  for (guint i = 0; i < basalt_simulation_get_n_probes (basalt_window_get_simulation (f->window)); i++)
    {
      GtkWidget *each = basalt_simulation_get_plot (basalt_window_get_simulation (f->window), i);

      g_assert_cmpint (gtk_widget_get_height (each), >=, 180);
    }
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (find_plot (f, "lif.u")), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = find_button_labelled (child, label)) != NULL)
        return found;
    }
  return NULL;
}

/* The Rows button in a trace's header puts each neuron in a row of its own, tall enough to read. */
static void
test_plot_rows_button (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *json = g_strdup_printf (lif_network, "\"lif.v\"");
  GtkWidget *header, *rows;
  BasaltPlot *plot;

  REQUIRE_DISPLAY (have_display);

  open_network (f, json);
  run_steps (f, 50);
  plot = find_plot (f, "lif.v");
  header = gtk_widget_get_prev_sibling (GTK_WIDGET (plot));
  rows = find_button_labelled (header, "Rows");
  g_assert_nonnull (rows);
  g_assert_false (basalt_plot_get_rows (plot));
  /* A button's activation presses it for a moment before it toggles. */
  gtk_widget_activate (rows);
  gui_spin (0.5);
  g_assert_true (basalt_plot_get_rows (plot));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (plot)), >=,
                   (int) basalt_plot_get_n_series (plot) * 70);
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

  g_test_add ("/layout/plot-height", Fixture, NULL, fixture_set_up, test_plot_height, fixture_tear_down);
  g_test_add ("/layout/plot-rows-button", Fixture, NULL, fixture_set_up, test_plot_rows_button,
              fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
