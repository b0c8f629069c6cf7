/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The designer window as a user sees it in a 1280x1024 window: plots that fill the height below
 * the canvas, per-neuron rows, widgets that stay where they are while a run goes on, the
 * inspector shows another process or a message appears; what the inspector says (hints that
 * name a parameter's shape, readable initializer fields, a value refused at Run shown on its
 * process); and any Var recorded from a process's menu. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include <gdk/x11/gdkx.h>

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
  return basalt_designer_page_get_probe_plot (basalt_window_get_designer_page (f->window), target);
}

/* The first widget under widget (depth first) that matches. */
static GtkWidget *
find_descendant (GtkWidget     *widget,
                 gboolean     (*matches) (GtkWidget *candidate, gconstpointer data),
                 gconstpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (matches (child, data))
        return child;
      if ((found = find_descendant (child, matches, data)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_button_labelled (GtkWidget     *candidate,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (candidate) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (candidate)), label) == 0;
}

static gboolean
is_entry_with_placeholder (GtkWidget     *candidate,
                           gconstpointer  placeholder)
{
  return GTK_IS_ENTRY (candidate) &&
         g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (candidate)), placeholder) == 0;
}

typedef struct
{
  GType       type;
  const char *css_class;
} Kind;

static gboolean
is_of_kind (GtkWidget     *candidate,
            gconstpointer  data)
{
  const Kind *kind = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (candidate, kind->type) &&
         (kind->css_class == NULL || gtk_widget_has_css_class (candidate, kind->css_class));
}

static GtkWidget *
find_with_class (GtkWidget  *widget,
                 GType       type,
                 const char *css_class)
{
  Kind kind = { type, css_class };

  return find_descendant (widget, is_of_kind, &kind);
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
      GtkWidget *each = GTK_WIDGET (find_plot (f, basalt_simulation_get_target (basalt_window_get_simulation (f->window), i)));

      g_assert_cmpint (gtk_widget_get_height (each), >=, 180);
    }
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (find_plot (f, "lif.u")), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
}

/* Opens the network, runs 50 steps and returns the plot of lif.v and its header. */
static BasaltPlot *
lif_v_plot (Fixture    *f,
            const char *json,
            GtkWidget **header)
{
  BasaltPlot *plot;

  open_network (f, json);
  run_steps (f, 50);
  plot = find_plot (f, "lif.v");
  g_assert_nonnull (plot);
  *header = gtk_widget_get_prev_sibling (GTK_WIDGET (plot));
  return plot;
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

  plot = lif_v_plot (f, json, &header);
  rows = find_descendant (header, is_button_labelled, "Rows");
  g_assert_nonnull (rows);
  g_assert_false (basalt_plot_get_rows (plot));
  /* A button's activation presses it for a moment before it toggles. */
  gtk_widget_activate (rows);
  gui_spin (0.5);
  g_assert_true (basalt_plot_get_rows (plot));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (plot)), >=,
                   (int) basalt_plot_get_n_series (plot) * 70);
}

/* With Rows on, choosing more neurons in the header grows the plot to a readable row for each,
 * without toggling Rows again. */
static void
test_plot_rows_follow_neurons (Fixture       *f,
                               gconstpointer  data)
{
  /* several plots: each has the least height, not a share of the window */
  g_autofree char *json = g_strdup_printf (lif_network, "\"lif.v\", \"lif.u\", \"lif.s_out\", \"lif.bias_mant\"");
  GtkWidget *header, *rows, *entry;
  BasaltPlot *plot;

  REQUIRE_DISPLAY (have_display);

  plot = lif_v_plot (f, json, &header);
  rows = find_descendant (header, is_button_labelled, "Rows");
  entry = find_with_class (header, GTK_TYPE_ENTRY, NULL);
  g_assert_nonnull (rows);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "0");
  g_signal_emit_by_name (entry, "activate");
  gtk_widget_activate (rows);
  gui_spin (0.5);
  g_assert_true (basalt_plot_get_rows (plot));
  g_assert_cmpuint (basalt_plot_get_n_series (plot), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (entry), "0-5");
  g_signal_emit_by_name (entry, "activate");
  gui_spin (0.5);
  g_test_message ("%u neurons in rows: %d px high", basalt_plot_get_n_series (plot),
                  gtk_widget_get_height (GTK_WIDGET (plot)));
  g_assert_cmpuint (basalt_plot_get_n_series (plot), ==, 6);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (plot)), >=, 6 * 70);
}

/* Where a widget is in its window. */
static graphene_rect_t
bounds_in_window (GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (gtk_widget_get_root (widget)), &bounds));
  return bounds;
}

static void
assert_same_bounds (const char            *what,
                    const graphene_rect_t *before,
                    const graphene_rect_t *after)
{
  g_test_message ("%s: %.0f,%.0f %.0fx%.0f -> %.0f,%.0f %.0fx%.0f", what, before->origin.x, before->origin.y,
                  before->size.width, before->size.height, after->origin.x, after->origin.y, after->size.width,
                  after->size.height);
  g_assert_cmpfloat (fabs (before->origin.x - after->origin.x), <, 0.5);
  g_assert_cmpfloat (fabs (before->origin.y - after->origin.y), <, 0.5);
  g_assert_cmpfloat (fabs (before->size.width - after->size.width), <, 0.5);
  g_assert_cmpfloat (fabs (before->size.height - after->size.height), <, 0.5);
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
  gui_spin (0.2);
}

/* The canvas keeps its place and size whichever process the inspector shows, and when a
 * message appears above the pages. */
static void
test_canvas_steady (Fixture       *f,
                    gconstpointer  data)
{
  static const char *const processes[] = { "input", "to_lif", "lif", "eq", "eq_rec", "lif" };
  GtkWidget *canvas;
  graphene_rect_t first, now;

  REQUIRE_DISPLAY (have_display);

  open_example (f, "lif-as-equations.basalt");
  canvas = GTK_WIDGET (basalt_window_get_canvas (f->window));
  basalt_graph_canvas_select (BASALT_GRAPH_CANVAS (canvas), "input", FALSE);
  gui_spin (0.3);
  first = bounds_in_window (canvas);
  for (guint i = 1; i < G_N_ELEMENTS (processes); i++)
    {
      g_autofree char *what = g_strdup_printf ("canvas with %s inspected", processes[i]);

      basalt_graph_canvas_select (BASALT_GRAPH_CANVAS (canvas), processes[i], FALSE);
      gui_spin (0.3);
      now = bounds_in_window (canvas);
      assert_same_bounds (what, &first, &now);
    }

  g_assert_true (gtk_widget_activate_action (canvas, "win.show-message", "s",
                                             "A message long enough to need a line of its own"));
  gui_spin (0.6);
  g_assert_true (gtk_widget_get_mapped (find_with_class (GTK_WIDGET (f->window), GTK_TYPE_WIDGET, "message-bar")));
  now = bounds_in_window (canvas);
  assert_same_bounds ("canvas under a message", &first, &now);
}

/* The header's title and page switcher, and the run bar's controls, stay put while the step and
 * rate text changes during a run. */
static void
test_header_steady (Fixture       *f,
                    gconstpointer  data)
{
  BasaltSimulation *simulation = basalt_window_get_simulation (f->window);
  GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (f->window));
  GtkWidget *title = find_with_class (titlebar, GTK_TYPE_LABEL, "title");
  GtkWidget *switcher = find_with_class (titlebar, GTK_TYPE_STACK_SWITCHER, NULL);
  GtkWidget *page = GTK_WIDGET (basalt_window_get_designer_page (f->window));
  GtkWidget *tags = find_with_class (page, GTK_TYPE_DROP_DOWN, NULL);
  GtkWidget *status = find_with_class (page, GTK_TYPE_LABEL, "numeric");
  g_autoptr(GError) error = NULL;
  graphene_rect_t title0, switcher0, tags0, status0, now;
  g_autoptr(GHashTable) texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  REQUIRE_DISPLAY (have_display);
  g_assert_nonnull (title);
  g_assert_nonnull (switcher);
  g_assert_nonnull (tags);
  g_assert_nonnull (status);

  /* A narrow window, where every pixel of the header and the run bar is spoken for. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 1024);
  open_example (f, "ei-network.basalt");
  gui_spin (0.5);
  title0 = bounds_in_window (title);
  switcher0 = bounds_in_window (switcher);
  tags0 = bounds_in_window (tags);
  status0 = bounds_in_window (status);

  basalt_simulation_set_speed (simulation, 0);
  g_assert_true (basalt_window_run (f->window, 100000000, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      gui_spin (0.1);
      g_hash_table_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (status))));
      now = bounds_in_window (title);
      assert_same_bounds ("title", &title0, &now);
      now = bounds_in_window (switcher);
      assert_same_bounds ("page switcher", &switcher0, &now);
      now = bounds_in_window (tags);
      assert_same_bounds ("tag list", &tags0, &now);
      now = bounds_in_window (status);
      assert_same_bounds ("step and rate", &status0, &now);
    }
  g_assert_true (gtk_widget_activate_action (page, "sim.run-pause", NULL));
  gui_spin (0.2);
  /* The run did move the text: the measure above saw it change. */
  g_assert_cmpuint (g_hash_table_size (texts), >, 3);
  now = bounds_in_window (title);
  assert_same_bounds ("title after the run", &title0, &now);

  /* An edit marks the title as unsaved ("• ei-network"): the switcher beside it stays put. */
  basalt_graph_canvas_select (basalt_window_get_canvas (f->window), "E", FALSE);
  g_assert_true (gtk_widget_activate_action (page, "graph.nudge", "(dd)", 24.0, 0.0));
  gui_spin (0.3);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (title)), "•"));
  now = bounds_in_window (switcher);
  assert_same_bounds ("page switcher with the title marked unsaved", &switcher0, &now);
  now = bounds_in_window (title);
  assert_same_bounds ("title marked unsaved", &title0, &now);
}

/* RingBuffer data is an (n, T) matrix, and its hint says so instead of "any real number". */
static void
test_hint_shape (Fixture       *f,
                 gconstpointer  data)
{
  BasaltInspector *inspector = basalt_window_get_inspector (f->window);
  g_autofree char *data_hint = NULL;
  g_autofree char *weights_hint = NULL;
  g_autofree char *bias_hint = NULL;

  REQUIRE_DISPLAY (have_display);

  open_example (f, "ringbuffer-dense-lif.basalt");
  basalt_graph_canvas_select (basalt_window_get_canvas (f->window), "src", FALSE);
  gui_spin (0.2);
  data_hint = basalt_inspector_dup_param_hint (inspector, "data");
  g_test_message ("data: %s", data_hint);
  g_assert_true (g_str_has_prefix (data_hint, "(4, T) matrix: a row per neuron, a column per step"));

  basalt_graph_canvas_select (basalt_window_get_canvas (f->window), "syn", FALSE);
  gui_spin (0.2);
  weights_hint = basalt_inspector_dup_param_hint (inspector, "weights");
  g_test_message ("weights: %s", weights_hint);
  g_assert_true (g_str_has_prefix (weights_hint, "(3, 4) matrix, a row per output"));

  basalt_graph_canvas_select (basalt_window_get_canvas (f->window), "lif1", FALSE);
  gui_spin (0.2);
  bias_hint = basalt_inspector_dup_param_hint (inspector, "bias_mant");
  g_test_message ("bias_mant: %s", bias_hint);
  g_assert_true (g_str_has_prefix (bias_hint, "one value, or 3 values, one per neuron; each value: integer"));
}

/* The weight initializer's fields are wide enough to show what they ask for, not "m…". */
static void
test_initializer_fields_readable (Fixture       *f,
                                  gconstpointer  data)
{
  static const char *const placeholders[] = { "mean", "std", "seed" };
  GtkWidget *inspector = GTK_WIDGET (basalt_window_get_inspector (f->window));

  REQUIRE_DISPLAY (have_display);

  open_example (f, "ringbuffer-dense-lif.basalt");
  basalt_graph_canvas_select (basalt_window_get_canvas (f->window), "syn", FALSE);
  gui_spin (0.3);
  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    {
      GtkWidget *entry = find_descendant (inspector, is_entry_with_placeholder, placeholders[i]);
      g_autoptr(PangoLayout) layout = NULL;
      int text_width;

      g_assert_nonnull (entry);
      layout = gtk_widget_create_pango_layout (entry, placeholders[i]);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      g_test_message ("%s: field %d px, text %d px", placeholders[i], gtk_widget_get_width (entry), text_width);
      /* The text and the entry's padding on both sides. */
      g_assert_cmpint (gtk_widget_get_width (entry), >=, text_width + 20);
    }
}

/* A value refused when Run compiles the network: the message says why, its process is selected
 * on the canvas and shown in the inspector, with the reason under the parameter. */
static void
test_refused_at_run (Fixture       *f,
                     gconstpointer  data)
{
  static const char network[] =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\"},"
    " \"processes\": [{\"name\": \"first\", \"type\": \"LIF\", \"shape\": [2], \"params\": {\"vth\": 10}},"
    "   {\"name\": \"high\", \"type\": \"LIF\", \"shape\": [3], \"params\": {\"vth\": 100000000}}],"
    " \"connections\": []}";
  BasaltGraphCanvas *canvas = basalt_window_get_canvas (f->window);
  BasaltInspector *inspector = basalt_window_get_inspector (f->window);
  g_auto(GStrv) selection = NULL;
  const char *reason;

  REQUIRE_DISPLAY (have_display);

  open_network (f, network);
  basalt_graph_canvas_select (canvas, "first", FALSE);
  gui_spin (0.1);
  /* F5, as a user starts a run. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "sim.run-pause", NULL));
  gui_spin (0.3);

  g_assert_nonnull (strstr (basalt_window_get_message (f->window), "'vth'"));
  selection = basalt_graph_canvas_dup_selection (canvas);
  g_assert_cmpuint (g_strv_length (selection), ==, 1);
  g_assert_cmpstr (selection[0], ==, "high");
  g_assert_cmpstr (basalt_inspector_get_process (inspector), ==, "high");
  reason = basalt_inspector_get_param_error (inspector, "vth");
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "Loihi 2"));
}

/* The probe targets a menu offers (graph.add-probe), sections and submenus included. */
static void
collect_probe_targets (GMenuModel *model,
                       GPtrArray  *targets)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *action = NULL;
      g_autoptr(GVariant) target = NULL;
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (model, i);
      GMenuModel *linked;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action) &&
          g_str_equal (action, "graph.add-probe"))
        {
          target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
          g_ptr_array_add (targets, g_variant_dup_string (target, NULL));
        }
      while (g_menu_link_iter_get_next (links, NULL, &linked))
        {
          collect_probe_targets (linked, targets);
          g_object_unref (linked);
        }
    }
}

static gboolean
has_target (GPtrArray  *targets,
            const char *target)
{
  return g_ptr_array_find_with_equal_func (targets, target, g_str_equal, NULL);
}

/* As Lava's Monitor probes any Var, a process's menu records any of its Vars: states (v, u),
 * parameters (vth, weights) and its spikes; a recorded parameter is plotted and exported with
 * its values. */
static void
test_record_any_var (Fixture       *f,
                     gconstpointer  data)
{
  BasaltGraphCanvas *canvas = basalt_window_get_canvas (f->window);
  BasaltSimulation *simulation = basalt_window_get_simulation (f->window);
  g_autoptr(GPtrArray) lif_targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dense_targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMenu) lif_menu = g_menu_new ();
  g_autoptr(GMenu) dense_menu = g_menu_new ();
  g_autofree char *csv_path = g_build_filename (f->dir, "probes.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DISPLAY (have_display);

  open_example (f, "ringbuffer-dense-lif.basalt");
  g_signal_emit_by_name (canvas, "populate-menu", "lif1", lif_menu);
  g_signal_emit_by_name (canvas, "populate-menu", "syn", dense_menu);
  collect_probe_targets (G_MENU_MODEL (lif_menu), lif_targets);
  collect_probe_targets (G_MENU_MODEL (dense_menu), dense_targets);
  for (guint i = 0; i < lif_targets->len; i++)
    g_test_message ("lif1 menu records %s", (char *) lif_targets->pdata[i]);
  g_assert_true (has_target (lif_targets, "lif1.v"));
  g_assert_true (has_target (lif_targets, "lif1.u"));
  g_assert_true (has_target (lif_targets, "lif1.s_out"));
  g_assert_true (has_target (lif_targets, "lif1.vth"));
  g_assert_true (has_target (lif_targets, "lif1.bias_mant"));
  g_assert_true (has_target (dense_targets, "syn.weights"));

  /* What the menu item does when chosen. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "graph.add-probe", "s", "lif1.vth"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "graph.add-probe", "s", "syn.weights"));
  gui_spin (0.1);
  run_steps (f, 5);
  g_assert_nonnull (find_plot (f, "lif1.vth"));
  g_assert_nonnull (find_plot (f, "syn.weights"));
  g_assert_cmpuint (basalt_plot_get_n_series (find_plot (f, "syn.weights")), >, 0);

  g_assert_true (basalt_simulation_write_csv (simulation, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  /* vth is 100 at every step; weights[0][0] is 12 and weights[1][1] 24 (flat index 5). */
  g_assert_nonnull (strstr (csv, "5,lif1.vth,0,100\n"));
  g_assert_nonnull (strstr (csv, "5,syn.weights,0,12\n"));
  g_assert_nonnull (strstr (csv, "5,syn.weights,5,24\n"));
}

/* A Var recorded through the process's menu is in the Lava script the window exports: a Monitor of
 * it; with real Lava (BASALT_LAVA_PYTHONPATH) the script runs and records it for every step. */
static void
test_lava_export_records_probes (Fixture       *f,
                                 gconstpointer  data)
{
  BasaltGraphCanvas *canvas = basalt_window_get_canvas (f->window);
  g_autofree char *script_path = g_build_filename (f->dir, "net.py", NULL);
  g_autofree char *prefix = g_build_filename (f->dir, "lava", NULL);
  g_autofree char *csv_path = g_strconcat (prefix, ".csv", NULL);
  g_autoptr(GFile) script_file = g_file_new_for_path (script_path);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *script = NULL, *csv = NULL, *out = NULL, *err = NULL, *python = NULL;
  g_auto(GStrv) env = NULL, lines = NULL;
  g_autoptr(GError) error = NULL;
  const char *pythonpath = g_getenv ("BASALT_LAVA_PYTHONPATH");
  int status;
  guint rows = 0;

  REQUIRE_DISPLAY (have_display);

  open_example (f, "ringbuffer-dense-lif.basalt");
  /* what the process's menu item "Record u" does */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (canvas), "graph.add-probe", "s", "lif1.u"));
  gui_spin (0.1);
  run_steps (f, 5);
  g_assert_nonnull (find_plot (f, "lif1.u"));
  g_assert_true (basalt_window_export (f->window, BSL_EXPORT_LAVA, script_file, notes, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (script_path, &script, NULL, NULL));
  g_assert_nonnull (strstr (script, "Monitor"));
  g_assert_nonnull (strstr (script, "'lif1.u'"));
  for (guint k = 0; k < notes->len; k++)
    g_test_message ("note: %s", (char *) notes->pdata[k]);

  if (pythonpath == NULL || pythonpath[0] == '\0')
    {
      g_test_skip ("BASALT_LAVA_PYTHONPATH is not set: the exported script is not run in Lava");
      return;
    }
  python = g_strdup (g_getenv ("BASALT_LAVA_PYTHON") != NULL ? g_getenv ("BASALT_LAVA_PYTHON") : "python3");
  env = g_environ_setenv (g_get_environ (), "PYTHONPATH", pythonpath, TRUE);
  {
    const char *argv[] = { python, script_path, "--steps", "20", "--out", prefix, NULL };

    g_assert_true (g_spawn_sync (f->dir, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                                 &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("the exported script failed in Lava:\n%s", err);
  }
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  for (guint k = 0; lines[k] != NULL; k++)
    if (strstr (lines[k], ",lif1.u,") != NULL)
      rows++;
  g_test_message ("Lava recorded %u values of lif1.u", rows);
  /* three neurons on each of 20 steps */
  g_assert_cmpuint (rows, ==, 3 * 20);
}

/* ---- switching pages -------------------------------------------------------------------- */

typedef struct
{
  GtkStack *stack;
  gint64    key_at;      /* the shortcut's key reached the window */
  gint64    switched_at; /* the stack shows the other page */
  gint64    painted_at;  /* the first frame painted after that */
} SwitchWatch;

static gboolean
on_switch_key (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               SwitchWatch           *watch)
{
  if (watch->key_at == 0)
    watch->key_at = g_get_monotonic_time ();
  return FALSE;
}

static void
on_visible_child (GtkStack    *stack,
                  GParamSpec  *pspec,
                  SwitchWatch *watch)
{
  watch->switched_at = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                SwitchWatch   *watch)
{
  if (watch->switched_at != 0 && watch->painted_at == 0 && !gtk_stack_get_transition_running (watch->stack))
    watch->painted_at = g_get_monotonic_time ();
}

static gboolean
switch_painted (gpointer data)
{
  return ((SwitchWatch *) data)->painted_at != 0;
}

/* Presses the shortcut and returns the milliseconds from its key to the first frame that shows
 * the whole new page. */
static double
switch_page_by_key (Fixture     *f,
                    const char  *key,
                    const char  *page)
{
  GtkStack *stack = basalt_window_get_stack (f->window);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  GtkEventController *keys = gtk_event_controller_key_new ();
  SwitchWatch watch = { stack, 0, 0, 0 };
  gulong child_handler, paint_handler;
  double ms;

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_switch_key), &watch);
  gtk_widget_add_controller (GTK_WIDGET (f->window), keys);
  child_handler = g_signal_connect (stack, "notify::visible-child", G_CALLBACK (on_visible_child), &watch);
  paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &watch);
  g_assert_true (gui_xdotool ("key", "--clearmodifiers", key, NULL));
  if (!gui_wait_until (switch_painted, &watch, 5.0))
    g_error ("no frame after %s: key %" G_GINT64_FORMAT ", switched %" G_GINT64_FORMAT ", now on %s", key,
             watch.key_at, watch.switched_at, gtk_stack_get_visible_child_name (stack));
  g_signal_handler_disconnect (stack, child_handler);
  g_signal_handler_disconnect (clock, paint_handler);
  gtk_widget_remove_controller (GTK_WIDGET (f->window), keys);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, page);
  g_assert_cmpint (watch.key_at, !=, 0);
  ms = (watch.painted_at - watch.key_at) / 1000.0;
  g_test_message ("%s to the %s: %.1f ms (%.1f ms of it before the page switched)", key, page, ms,
                  (watch.switched_at - watch.key_at) / 1000.0);
  return ms;
}

/* Alt+2 and Alt+1 with the example E/I network open and its plots full: the other page shows
 * whole within 100 ms of the key. */
static void
test_page_switch_time (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("BASALT_EXAMPLES_DIR"), "ei-network.basalt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *xdotool = NULL;
  GuiLoadMark before, after;
  double longest = 0, others;

  REQUIRE_DISPLAY (have_display);
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()) || (xdotool = g_find_program_in_path ("xdotool")) == NULL)
    {
      g_test_skip ("needs xdotool and an X display");
      return;
    }
  g_assert_true (basalt_window_open_file (f->window, file, &error));
  g_assert_no_error (error);
  run_steps (f, 300);
  /* the first visit of the Tuner builds its page; what is measured is going back and forth */
  switch_page_by_key (f, "alt+2", "tuner");
  gui_spin (0.5);
  switch_page_by_key (f, "alt+1", "designer");
  gui_spin (0.5);
  gui_load_mark (&before);
  for (guint round = 0; round < 3; round++)
    {
      double to_tuner = switch_page_by_key (f, "alt+2", "tuner");
      double to_designer;

      gui_spin (0.3);
      to_designer = switch_page_by_key (f, "alt+1", "designer");
      gui_spin (0.3);
      longest = MAX (longest, MAX (to_tuner, to_designer));
    }
  gui_load_mark (&after);
  others = gui_other_cores_busy (&before, &after);
  g_test_message ("longest switch %.1f ms; other processes used %.2f cores meanwhile", longest, others);
  if (GUI_CHECK_TIMINGS && others < 0.5 * g_get_num_processors () - 0.5)
    g_assert_cmpfloat (longest, <, 100.0);
  else
    g_test_message ("busy machine: switch times reported, not checked");
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
  g_test_add ("/layout/plot-rows-follow-neurons", Fixture, NULL, fixture_set_up, test_plot_rows_follow_neurons,
              fixture_tear_down);

  g_test_add ("/layout/canvas-steady", Fixture, NULL, fixture_set_up, test_canvas_steady, fixture_tear_down);
  g_test_add ("/layout/header-steady", Fixture, NULL, fixture_set_up, test_header_steady, fixture_tear_down);

  g_test_add ("/hints/shape", Fixture, NULL, fixture_set_up, test_hint_shape, fixture_tear_down);
  g_test_add ("/hints/initializer-fields-readable", Fixture, NULL, fixture_set_up,
              test_initializer_fields_readable, fixture_tear_down);
  g_test_add ("/hints/refused-at-run", Fixture, NULL, fixture_set_up, test_refused_at_run, fixture_tear_down);

  g_test_add ("/probes/record-any-var", Fixture, NULL, fixture_set_up, test_record_any_var, fixture_tear_down);
  g_test_add ("/probes/lava-export-records-probes", Fixture, NULL, fixture_set_up, test_lava_export_records_probes,
              fixture_tear_down);

  g_test_add ("/layout/page-switch-time", Fixture, NULL, fixture_set_up, test_page_switch_time,
              fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
