/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>

#include "basalt-document.h"
#include "basalt-plot.h"
#include "basalt-tuner-page.h"
#include "fit-case.h"
#include "test-gui-util.h"

/* The Tuner page driven with the pointer and keyboard through the X server (xdotool), as a
 * person would: dragging sliders, typing values, pressing Fit and Stop on a real population. */

static char *tmp_dir;
static gboolean have_display;
static gboolean have_xdotool;

/* ---- the X pointer and keyboard ------------------------------------------------------------ */

static void
on_child_exit (GPid     pid,
               int      status,
               gpointer data)
{
  *(gboolean *) data = TRUE;
  g_spawn_close_pid (pid);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Runs xdotool with the arguments while the main loop keeps going (the page sees the events as
 * they come, not all at once). */
static void
xdotool_argv (char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  GPid pid;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint k = 0; args[k] != NULL; k++)
    g_ptr_array_add (argv, args[k]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, on_child_exit, &done);
  g_assert_true (gui_wait_until (flag_set, &done, 20.0));
  gui_spin (0.1);
}

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  xdotool_argv ((char **) argv->pdata);
}

/* A widget's point in the coordinates of its toplevel X window. */
static void
window_point (GtkWidget *widget,
              double     x,
              double     y,
              int       *wx,
              int       *wy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t point;
  double sx, sy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &sx, &sy);
  *wx = (int) lround (point.x + sx);
  *wy = (int) lround (point.y + sy);
}

static char *
window_id (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));

  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

static void
pointer_to (GtkWidget *widget,
            double     x,
            double     y)
{
  g_autofree char *id = window_id (widget);
  g_autofree char *sx = NULL, *sy = NULL;
  int wx, wy;

  window_point (widget, x, y, &wx, &wy);
  sx = g_strdup_printf ("%d", wx);
  sy = g_strdup_printf ("%d", wy);
  xdotool ("mousemove", "--window", id, sx, sy, NULL);
}

static void
click (GtkWidget *widget)
{
  pointer_to (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
  xdotool ("click", "1", NULL);
}

/* ---- finding widgets as a person sees them ------------------------------------------------- */

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_is_drawable (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static GtkWidget *
find_nth (GtkWidget *root,
          GType      type,
          guint      n)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (root, type, found);
  return n < found->len ? g_ptr_array_index (found, n) : NULL;
}

static GtkWidget * G_GNUC_UNUSED
find_button (GtkWidget  *root,
             const char *label)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (root, GTK_TYPE_BUTTON, found);
  for (guint k = 0; k < found->len; k++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (found, k)), label) == 0)
      return g_ptr_array_index (found, k);
  return NULL;
}

/* The scale's knob (its "slider" node) in the scale's coordinates. */
static double
knob_center_x (GtkWidget *scale)
{
  GtkWidget *trough = gtk_widget_get_first_child (scale);
  GtkWidget *knob = NULL;
  graphene_rect_t bounds;

  for (GtkWidget *w = trough; w != NULL && knob == NULL; w = gtk_widget_get_next_sibling (w))
    for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
      if (g_strcmp0 (gtk_widget_get_css_name (c), "slider") == 0)
        knob = c;
  g_assert_nonnull (knob);
  g_assert_true (gtk_widget_compute_bounds (knob, scale, &bounds));
  return bounds.origin.x + bounds.size.width / 2.0;
}

static GtkWidget *
show_page (BasaltDocument  *document,
           GtkWidget      **page)
{
  GtkWidget *window = gtk_window_new ();

  *page = basalt_tuner_page_new (document);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  gtk_window_set_child (GTK_WINDOW (window), *page);
  gtk_window_present (GTK_WINDOW (window));
  gui_spin (0.5);
  return window;
}

static const FitCase *
find_case (GPtrArray  *cases,
           const char *prefix)
{
  for (guint c = 0; cases != NULL && c < cases->len; c++)
    if (g_str_has_prefix (((FitCase *) g_ptr_array_index (cases, c))->name, prefix))
      return g_ptr_array_index (cases, c);
  return NULL;
}

#define REQUIRE_X()                                                        \
  G_STMT_START {                                                           \
    REQUIRE_DISPLAY (have_display);                                        \
    if (!have_xdotool || !GDK_IS_X11_DISPLAY (gdk_display_get_default ())) \
      {                                                                    \
        g_test_skip ("needs an X display and xdotool");                    \
        return;                                                            \
      }                                                                    \
  } G_STMT_END

/* ---- tests --------------------------------------------------------------------------------- */

/* Drags the first slider of the page 48 px to the right in six steps: the knob follows. */
static void
drag_first_slider (GtkWidget *page)
{
  GtkWidget *scale = find_nth (page, GTK_TYPE_SCALE, 0);
  const char *param = basalt_tuner_page_get_param_name (BASALT_TUNER_PAGE (page), 0);
  double before = basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), param);
  g_autofree char *id = NULL;
  double start, knob;
  int wx, wy;

  g_assert_nonnull (scale);
  start = knob_center_x (scale);
  g_test_message ("%s: slider %d px wide, knob at %.0f px", param, gtk_widget_get_width (scale), start);
  id = window_id (scale);
  pointer_to (scale, start, gtk_widget_get_height (scale) / 2.0);
  xdotool ("mousedown", "1", NULL);
  window_point (scale, start, gtk_widget_get_height (scale) / 2.0, &wx, &wy);
  /* step by step, looking at the knob after each move */
  for (int step = 1; step <= 3; step++)
    {
      g_autofree char *sx = g_strdup_printf ("%d", wx + 8 * step);
      g_autofree char *sy = g_strdup_printf ("%d", wy);

      xdotool ("mousemove", "--window", id, sx, sy, NULL);
      knob = knob_center_x (scale);
      g_test_message ("pointer +%d px: knob +%.1f px", 8 * step, knob - start);
      g_assert_cmpfloat (fabs (knob - start - 8 * step), <=, 3.0);
    }
  /* then in one sweep of 24 more pixels, 2 px every 10 ms, as a hand moves */
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) args = NULL;
    g_autofree char *command = NULL;

    for (int px = 2; px <= 24; px += 2)
      {
        g_autofree char *move = g_strdup_printf ("mousemove --window %s %d %d sleep 0.01", id, wx + 24 + px, wy);

        g_strv_builder_add (builder, move);
      }
    args = g_strv_builder_end (builder);
    command = g_strjoinv (" ", args);
    args = g_strsplit (command, " ", -1);
    xdotool_argv (args);
  }
  gui_spin (1.0);
  knob = knob_center_x (scale);
  g_test_message ("after a sweep to +48 px: knob +%.1f px", knob - start);
  g_assert_cmpfloat (fabs (knob - start - 48), <=, 3.0);
  xdotool ("mouseup", "1", NULL);
  g_assert_cmpfloat (basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), param), >, before);
}

/* On a reference trace of three neurons (a fresh LIF). */
static void
test_slider_follows_drag (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  const FitCase *fc = find_case (cases, "p05");
  GtkWidget *window, *page;

  REQUIRE_X ();
  /* The Lava-made traces are in tests/data/reference. */
  g_assert_nonnull (fc);
  window = show_page (document, &page);
  g_assert_true (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, &error));
  g_assert_no_error (error);
  gui_spin (0.5);
  drag_first_slider (page);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (0.05);
}

/* The example network's E population (800 LIF neurons driven by the network). */
static GtkWidget *
show_ei_network (BasaltDocument  *document,
                 GtkWidget      **page)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples",
                                                 "ei-network.basalt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;

  g_assert_true (basalt_document_load (document, file, &error));
  g_assert_no_error (error);
  window = show_page (document, page);
  g_assert_true (basalt_tuner_page_reference_from_network (BASALT_TUNER_PAGE (*page), "E", &error));
  g_assert_no_error (error);
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (*page), "E", &error));
  g_assert_no_error (error);
  gui_spin (2.0);
  g_test_message ("E: %u parameters", basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (*page)));
  return window;
}

static void
test_slider_follows_drag_population (void)
{
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  GtkWidget *window, *page;

  REQUIRE_X ();
  window = show_ei_network (document, &page);
  drag_first_slider (page);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (0.05);
}

static gboolean
fitting_stopped (gpointer page)
{
  return !basalt_tuner_page_is_fitting (page);
}

/* Selects what the entry holds and types the text, then Return. */
static void
type_into (GtkWidget  *entry,
           const char *text)
{
  click (entry);
  xdotool ("key", "ctrl+a", NULL);
  xdotool ("type", "--delay", "30", "--", text, NULL);
  xdotool ("key", "Return", NULL);
  gui_spin (0.3);
}

/* A float LIF whose vth starts at 10 (its slider spans -90 .. 110) fitted to Lava's trace made with
 * vth = 200: typing 190 widens the bounds instead of clamping to 110, and the fit is exact. A
 * value outside the valid range is clamped, and the page says so. */
static void
test_typed_value_widens_bounds (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *network = g_build_filename (tmp_dir, "float-lif.basalt", NULL);
  const FitCase *fc = find_case (cases, "f_current_const");
  GtkWidget *window, *page, *vth_entry, *status, *pane;
  int pane_width;
  BslProcess *lif;
  BslMetricValues metrics;
  double lo, hi;

  REQUIRE_X ();
  /* The Lava-made traces are in tests/data/reference. */
  g_assert_nonnull (fc);
  lif = bsl_graph_add_process (graph, "LIF", "lif", 1, (gsize[]) { 2 }, &error);
  g_assert_no_error (error);
  bsl_process_set_param (lif, "du", bsl_array_new_scalar (0.10009765625), NULL);
  bsl_process_set_param (lif, "dv", bsl_array_new_scalar (0.10009765625), NULL);
  bsl_process_set_param (lif, "vth", bsl_array_new_scalar (10), NULL);
  bsl_graph_set_run_tag (graph, BSL_TAG_FLOATING_PT);
  g_assert_true (bsl_graph_save_file (graph, network, NULL));
  file = g_file_new_for_path (network);
  g_assert_true (basalt_document_load (document, file, &error));
  window = show_page (document, &page);
  g_assert_true (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, &error));
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "lif", &error));
  g_assert_no_error (error);
  gui_spin (0.5);
  basalt_tuner_page_get_bounds (BASALT_TUNER_PAGE (page), "vth", &lo, &hi);
  g_test_message ("vth bounds before: %g .. %g", lo, hi);
  g_assert_cmpfloat (hi, <, 190);

  vth_entry = find_nth (page, GTK_TYPE_SPIN_BUTTON, 2);
  g_assert_nonnull (vth_entry);
  type_into (vth_entry, "190");
  basalt_tuner_page_get_bounds (BASALT_TUNER_PAGE (page), "vth", &lo, &hi);
  g_test_message ("vth after typing 190: %g, bounds %g .. %g",
                  basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), "vth"), lo, hi);
  g_assert_cmpfloat (basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), "vth"), ==, 190);
  g_assert_cmpfloat (hi, >, 200);

  /* fit vth alone from 190: Lava's 200 exactly */
  for (guint k = 0; k < basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (page)); k++)
    {
      const char *name = basalt_tuner_page_get_param_name (BASALT_TUNER_PAGE (page), k);

      basalt_tuner_page_set_locked (BASALT_TUNER_PAGE (page), name, !g_str_equal (name, "vth"));
    }
  pane = gtk_paned_get_start_child (GTK_PANED (find_nth (page, GTK_TYPE_PANED, 0)));
  pane_width = gtk_widget_get_width (pane);
  click (find_button (page, "Fit"));
  g_assert_true (gui_wait_until (fitting_stopped, page, 120.0));
  click (find_button (page, "Adopt Best"));
  gui_spin (0.3);
  /* the metrics and candidates of a fit do not widen the left pane */
  g_assert_cmpint (gtk_widget_get_width (pane), ==, pane_width);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &metrics);
  g_test_message ("fitted vth %.12g, rmse v %g", basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), "vth"),
                  metrics.values[BSL_METRIC_RMSE_V]);
  /* the trace is Lava's exactly (any vth between the largest v that did not spike and the
   * smallest that did gives the same trace) */
  g_assert_cmpfloat (fabs (basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), "vth") - 200), <, 1.0);
  g_assert_cmpfloat (metrics.values[BSL_METRIC_RMSE_V], <, 1e-6);

  /* du beyond its valid range 0 .. 1: clamped to it, and said */
  type_into (find_nth (page, GTK_TYPE_SPIN_BUTTON, 0), "3");
  status = find_nth (page, GTK_TYPE_PROGRESS_BAR, 0);
  g_test_message ("%s", gtk_progress_bar_get_text (GTK_PROGRESS_BAR (status)));
  g_assert_nonnull (strstr (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (status)), "outside its valid range"));
  g_assert_cmpfloat (basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), "du"), ==, 1.0);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (0.05);
}

static void
save_root_screenshot (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("BASALT_SCREENSHOT_DIR") != NULL
                                            ? g_getenv ("BASALT_SCREENSHOT_DIR") : tmp_dir, name, NULL);
  g_autofree char *import = g_find_program_in_path ("import");
  const char *argv[] = { "import", "-window", "root", path, NULL };

  if (import == NULL)
    return;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  g_test_message ("screenshot: %s", path);
}

/* Ticks Compare tags and opens the conversion report with the pointer; returns its text. */
static const char *
open_conversion_report (GtkWidget *page)
{
  GtkWidget *check = find_nth (page, GTK_TYPE_CHECK_BUTTON, 0), *expander;
  const char *text;

  g_assert_nonnull (check);
  g_assert_cmpstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), ==, "Compare tags");
  click (check);
  expander = find_nth (page, GTK_TYPE_EXPANDER, 1);
  g_assert_nonnull (expander);
  pointer_to (expander, 20, 8);
  xdotool ("click", "1", NULL);
  gui_spin (0.5);
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (expander)));
  text = gtk_label_get_text (GTK_LABEL (find_nth (expander, GTK_TYPE_LABEL, 1)));
  g_test_message ("%s", text);
  return text;
}

/* The other tag's spikes and this tag's, from the line under the metrics. */
static void
compared_spikes (GtkWidget *page,
                 double    *rmse,
                 guint     *other_spikes,
                 guint     *these_spikes)
{
  g_assert_cmpint (sscanf (basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)),
                           "fixed_pt model: rmse v vs this %lf, spikes %u (this %u)", rmse, other_spikes,
                           these_spikes), ==, 3);
}

/* Compare tags, ticked with the pointer: the conversion report under the plots' pane, for a
 * fixed_pt LIF and for a floating_pt one. */
static void
test_conversion_report (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  const FitCase *fc = find_case (cases, "f_current_const");
  GtkWidget *window, *page;
  const char *text;

  REQUIRE_X ();
  /* The Lava-made traces are in tests/data/reference. */
  g_assert_nonnull (fc);
  window = show_page (document, &page);
  g_assert_true (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, &error));
  basalt_tuner_page_set_tag (BASALT_TUNER_PAGE (page), BSL_TAG_FLOATING_PT);
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "new:LIF", &error));
  g_assert_no_error (error);
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "du", 0.10009765625);
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "dv", 0.10009765625);
  gui_spin (0.3);
  type_into (find_nth (page, GTK_TYPE_SPIN_BUTTON, 2), "200");
  text = open_conversion_report (page);
  g_assert_nonnull (strstr (text, "floating_pt -> fixed_pt"));
  g_assert_nonnull (strstr (text, "du "));
  g_assert_nonnull (strstr (text, "headroom"));
  g_assert_nonnull (strstr (text, "rmse v "));
  /* Lava's parameters: the float model is exact, the fixed one spikes on as many steps */
  {
    double rmse;
    guint other_spikes, these_spikes;

    compared_spikes (page, &rmse, &other_spikes, &these_spikes);
    g_assert_cmpuint (other_spikes, ==, these_spikes);
    g_assert_cmpfloat (rmse, <, 0.5);
  }
  save_root_screenshot ("tuner-conversion-report.png");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (0.05);
}

/* An RF population of the network, its reference made From Network: Compare tags ticked with the
 * pointer shows its float -> fixed conversion (decays, threshold, headroom of real and imag). */
static void
test_conversion_report_rf (void)
{
  static const char network_json[] =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"steps\": 300, \"tag\": \"floating_pt\"},"
    " \"processes\": ["
    "  {\"name\": \"kick\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\":"
    "   [[0,0,0,0,0,30.25,0,0,0,0,0,0,0,0,0,0,0,0,0,0], [0,0,0,0,0,0,0,0,0,0,0,41.5,0,0,0,0,0,0,0,0]]}},"
    "  {\"name\": \"rf\", \"type\": \"RF\", \"shape\": [2], \"params\": {\"period\": 12, \"alpha\": 0.04, \"vth\": 6.3}}],"
    " \"connections\": [{\"from\": \"kick.s_out\", \"to\": \"rf.a_real_in\"}]}";
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "rf.basalt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *window, *page;
  const char *text;

  REQUIRE_X ();
  g_assert_true (g_file_set_contents (path, network_json, -1, NULL));
  g_assert_true (basalt_document_load (document, file, &error));
  g_assert_no_error (error);
  window = show_page (document, &page);
  g_assert_true (basalt_tuner_page_reference_from_network (BASALT_TUNER_PAGE (page), "rf", &error));
  g_assert_no_error (error);
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "rf", &error));
  g_assert_no_error (error);
  gui_spin (0.5);
  /* the plots name the states an RF compares */
  g_assert_cmpstr (basalt_plot_get_title (BASALT_PLOT (find_nth (page, BASALT_TYPE_PLOT, 0))), ==,
                   "real: reference and model");
  g_assert_cmpstr (basalt_plot_get_title (BASALT_PLOT (find_nth (page, BASALT_TYPE_PLOT, 1))), ==,
                   "imag: reference and model");
  g_assert_cmpstr (basalt_plot_get_title (BASALT_PLOT (find_nth (page, BASALT_TYPE_PLOT, 2))), ==,
                   "real model - real reference");
  text = open_conversion_report (page);
  g_assert_nonnull (strstr (text, "RF, floating_pt -> fixed_pt"));
  g_assert_nonnull (strstr (text, "sin_decay"));
  g_assert_nonnull (strstr (text, "cos_decay"));
  g_assert_nonnull (strstr (text, "|real| max"));
  g_assert_nonnull (strstr (text, "|imag| max"));
  /* the same spikes under both tags, as the reference's */
  {
    double rmse;
    guint other_spikes, these_spikes;

    compared_spikes (page, &rmse, &other_spikes, &these_spikes);
    g_assert_cmpuint (other_spikes, ==, these_spikes);
    g_assert_cmpuint (these_spikes, >, 10);
  }
  save_root_screenshot ("tuner-conversion-report-rf.png");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (0.05);
}

/* ---- frames -------------------------------------------------------------------------------- */

typedef struct
{
  GtkWidget *page;
  gboolean   clicked;
  gboolean   idle_in_handler;
} StopWatch;

/* Runs right after the page's own handler of the Stop button. */
static void
on_stop_clicked_after (GtkButton *button,
                       gpointer   data)
{
  StopWatch *watch = data;

  watch->clicked = TRUE;
  watch->idle_in_handler = !basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (watch->page)) &&
                           gtk_widget_get_sensitive (find_button (watch->page, "Fit"));
}

typedef struct
{
  gint64 last, last_cpu;
  gint64 longest, longest_cpu;
  guint  frames;
} FrameWatch;

/* CPU time of the calling thread (us): unlike the wall clock, not lengthened by other
 * processes on a loaded machine. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* A tick callback asks for every frame: between two, the main thread's CPU time is what the
 * page did there (a frame's work, or anything else it ran on the main thread); the wall-clock
 * gap is reported too. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  FrameWatch *watch = data;
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_us ();

  if (watch->last != 0)
    {
      watch->longest = MAX (watch->longest, now - watch->last);
      watch->longest_cpu = MAX (watch->longest_cpu, cpu - watch->last_cpu);
    }
  watch->last = now;
  watch->last_cpu = cpu;
  watch->frames++;
  return G_SOURCE_CONTINUE;
}


/* A fit on the E population of the example network (800 neurons, every evaluation a run of the
 * whole network): the progress shows, the main thread never works long between two frames,
 * Stop is idle at once. */
static void
test_population_fit_keeps_frames (void)
{
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  GtkWidget *window, *page, *bar, *fit_button;
  FrameWatch watch = { 0 };
  StopWatch stop_watch = { 0 };
  GuiLoadMark load_before, load_after;
  double others;
  g_autofree char *progress_text = NULL;
  guint tick;
  gint64 stop_at;

  REQUIRE_X ();
  window = show_ei_network (document, &page);
  g_assert_cmpuint (basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (page)), <=, 8);
  /* away from the values the reference was made with: du and dv typed in */
  type_into (find_nth (page, GTK_TYPE_SPIN_BUTTON, 0), "300");
  type_into (find_nth (page, GTK_TYPE_SPIN_BUTTON, 1), "150");
  gui_spin (1.0);
  bar = find_nth (page, GTK_TYPE_PROGRESS_BAR, 0);
  fit_button = find_button (page, "Fit");
  click (fit_button);
  g_assert_true (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)));
  gui_spin (0.5);
  tick = gtk_widget_add_tick_callback (window, on_tick, &watch, NULL);
  gui_load_mark (&load_before);
  gui_spin (3.0);
  gui_load_mark (&load_after);
  gtk_widget_remove_tick_callback (window, tick);
  others = gui_other_cores_busy (&load_before, &load_after);
  progress_text = g_strdup (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)));
  g_test_message ("after 3 s: '%s', %.3f %%; %u frames, the longest gap %.1f ms wall clock, %.1f ms "
                  "of main-thread CPU", progress_text, 100 * gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)),
                  watch.frames, watch.longest / 1000.0, watch.longest_cpu / 1000.0);
  g_test_message ("last draw of the plots: %.1f ms; other processes used %.2f cores meanwhile",
                  basalt_tuner_page_get_draw_ms (BASALT_TUNER_PAGE (page)), others);
  save_root_screenshot ("tuner-population-mid-fit.png");
  g_assert_nonnull (strstr (progress_text, "evaluations"));
  g_assert_true (basalt_tuner_page_get_fit_evaluations (BASALT_TUNER_PAGE (page)) > 0);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), >, 0.0);
  if (GUI_CHECK_TIMINGS)
    g_assert_cmpuint (watch.frames, >, 30);
  /* The main thread's own work between two frames (its CPU time, which other processes do not
   * lengthen): a simulation on the main thread (one evaluation of this population) would
   * exceed this. */
  if (GUI_CHECK_TIMINGS)
    g_assert_cmpint (watch.longest_cpu, <, 50000);
  /* Every frame on time by the wall clock, unless other processes (the X server aside, which
   * draws these frames) kept the cores busy: then the window waits for a core like anyone. */
  if (GUI_CHECK_TIMINGS && others < 0.5 * g_get_num_processors () - 0.5)
    g_assert_cmpint (watch.longest, <, 50000);
  else
    g_test_message ("busy machine: the wall-clock gap is reported, not checked");

  /* Pause, then Stop: idle within 100 ms, Fit available again */
  click (find_button (page, "Pause"));
  gui_spin (0.3);
  stop_watch.page = page;
  g_signal_connect_after (find_button (page, "Stop"), "clicked", G_CALLBACK (on_stop_clicked_after), &stop_watch);
  pointer_to (find_button (page, "Stop"), 10, 10);
  stop_at = g_get_monotonic_time ();
  xdotool ("click", "1", NULL);
  g_assert_true (gui_wait_until (fitting_stopped, page, 1.0));
  g_test_message ("Stop to idle: %.1f ms (including xdotool)", (g_get_monotonic_time () - stop_at) / 1000.0);
  /* idle as soon as the click is handled, whatever the evaluation in progress */
  g_assert_true (stop_watch.clicked);
  g_assert_true (stop_watch.idle_in_handler);
  g_assert_false (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)));
  g_assert_true (gtk_widget_get_sensitive (fit_button));
  g_assert_nonnull (strstr (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)), "Stopped"));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (0.5);
}

int
main (int argc, char **argv)
{
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  int status;

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  have_xdotool = xdotool_path != NULL;
  tmp_dir = g_dir_make_tmp ("basalt-tuner-gui-XXXXXX", NULL);
  g_test_add_func ("/gui/tuner/slider-follows-drag", test_slider_follows_drag);
  g_test_add_func ("/gui/tuner/slider-follows-drag-population", test_slider_follows_drag_population);
  g_test_add_func ("/gui/tuner/typed-value-widens-bounds", test_typed_value_widens_bounds);
  g_test_add_func ("/gui/tuner/conversion-report", test_conversion_report);
  g_test_add_func ("/gui/tuner/conversion-report-rf", test_conversion_report_rf);
  g_test_add_func ("/gui/tuner/population-fit-keeps-frames", test_population_fit_keeps_frames);
  status = g_test_run ();
  fit_remove_tmp_dir (tmp_dir, TRUE);
  g_free (tmp_dir);
  return status;
}
