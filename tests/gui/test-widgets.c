/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The widgets on their own: what the plot draws, what the palette lists, what the inspector
 * accepts and refuses. */

#include "config.h"

#include <math.h>
#include <time.h>
#include <string.h>
#include <glib/gstdio.h>

#include "bsl-network-file.h"
#include "bsl-proc-type.h"

#include "basalt-action-params.h"
#include "basalt-inspector-private.h"
#include "basalt-palette.h"
#include "basalt-plot.h"
#include "basalt-weight-map.h"
#include "test-gui-util.h"

static gboolean have_display;

static gboolean
plot_drawn (gpointer data)
{
  return basalt_plot_get_n_draws (data) > 0 && gtk_widget_get_width (data) > 100;
}

static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static GtkWidget *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static guint
raster_pixels (BasaltPlot *plot)
{
  g_autofree guchar *pixels = NULL;
  guint8 r, g, b;
  int w, h;

  basalt_plot_get_raster_rgb (&r, &g, &b);
  pixels = gui_render_widget (GTK_WIDGET (plot), &w, &h);
  return gui_count_color (pixels, w, h, r, g, b);
}

static gboolean
map_ready (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) >= 400;
}

/* The colour at a point of a rendered widget, as 0xRRGGBB. */
static guint32
pixel_at (const guchar *pixels, int width, int x, int y)
{
  const guchar *p = pixels + 4 * ((gsize) y * width + x);

  return ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static guint32
render_map_pixel (GtkWidget *map, int x, int y)
{
  g_autofree guchar *pixels = NULL;
  int w, h;

  gui_spin (0.1);
  pixels = gui_render_widget (map, &w, &h);
  g_assert_cmpint (x, <, w);
  g_assert_cmpint (y, <, h);
  return pixel_at (pixels, w, x, y);
}

/* The weight map colours each synapse by its weight on a scale that only widens: one sign on a
 * sequential scale, both signs on a diverging one centred on 0; a matrix larger than the
 * widget shows each pixel as the mean of the synapses under it. */
static void
test_weight_map (void)
{
  static const double one_sign[] = { 0, 10, 10, 0 }, narrower[] = { 2, 3, 3, 2 };
  static const double signed_weights[] = { -4, 4, 0, 2 };
  GtkWidget *map = basalt_weight_map_new (), *window;
  double *checkerboard = g_new (double, 1000 * 1000), lowest, highest;
  guint32 middle;

  REQUIRE_DISPLAY (have_display);

  window = show_in_window (map, 400, 300);
  g_assert_true (gui_wait_until (map_ready, map, 5));
  /* The matrix spans x 44 ... width - 76 and y 10 ... height - 30. */
  basalt_weight_map_set_weights (BASALT_WEIGHT_MAP (map), one_sign, 2, 2, 1);
  g_assert_cmphex (render_map_pixel (map, 100, 60), ==, 0x440154);
  g_assert_cmphex (render_map_pixel (map, 250, 60), ==, 0xfde725);
  g_assert_cmphex (render_map_pixel (map, 100, 200), ==, 0xfde725);
  basalt_weight_map_set_weights (BASALT_WEIGHT_MAP (map), narrower, 2, 2, 2);
  basalt_weight_map_get_range (BASALT_WEIGHT_MAP (map), &lowest, &highest);
  g_assert_cmpfloat (lowest, ==, 0);
  g_assert_cmpfloat (highest, ==, 10);
  g_assert_cmphex (render_map_pixel (map, 100, 60), !=, 0x440154);

  /* Cleared, the range starts again. */
  basalt_weight_map_clear (BASALT_WEIGHT_MAP (map));
  basalt_weight_map_set_weights (BASALT_WEIGHT_MAP (map), signed_weights, 2, 2, 3);
  g_assert_cmphex (render_map_pixel (map, 100, 60), ==, 0x2166ac);
  g_assert_cmphex (render_map_pixel (map, 250, 60), ==, 0xb2182b);
  g_assert_cmphex (render_map_pixel (map, 100, 200), ==, 0xf7f7f7);

  for (gsize k = 0; k < 1000 * 1000; k++)
    checkerboard[k] = ((k / 1000 + k % 1000) % 2) * 10.0;
  basalt_weight_map_set_weights (BASALT_WEIGHT_MAP (map), checkerboard, 1000, 1000, 4);
  middle = render_map_pixel (map, 150, 120);
  g_test_message ("1000 x 1000 checkerboard: pixel 0x%06x, image made in %.1f ms", middle,
                  basalt_weight_map_get_last_image_ms (BASALT_WEIGHT_MAP (map)));
  g_assert_cmphex (middle, ==, 0x21918c);
  g_assert_cmphex (render_map_pixel (map, 250, 200), ==, 0x21918c);
  g_assert_cmpfloat (basalt_weight_map_get_weight (BASALT_WEIGHT_MAP (map), 0, 1), ==, 10);
  g_free (checkerboard);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A raster draws a tick per spike, and nothing where there are none. */
static void
test_plot_raster (void)
{
  GtkWidget *plot, *window;
  double row[20];
  guint empty, full;

  REQUIRE_DISPLAY (have_display);

  plot = basalt_plot_new (BASALT_PLOT_RASTER);
  window = show_in_window (plot, 600, 300);
  g_assert_true (gui_wait_until (plot_drawn, plot, 5));

  /* 200 silent steps */
  memset (row, 0, sizeof row);
  for (int t = 1; t <= 200; t++)
    basalt_plot_append_raster_step (BASALT_PLOT (plot), t, row, G_N_ELEMENTS (row));
  gui_spin (0.05);
  empty = raster_pixels (BASALT_PLOT (plot));
  g_assert_cmpuint (basalt_plot_get_n_spikes (BASALT_PLOT (plot)), ==, 0);

  /* then every neuron fires every fifth step */
  basalt_plot_clear (BASALT_PLOT (plot));
  for (int t = 1; t <= 200; t++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (row); i++)
        row[i] = (t + i) % 5 == 0;
      basalt_plot_append_raster_step (BASALT_PLOT (plot), t, row, G_N_ELEMENTS (row));
    }
  gui_spin (0.05);
  full = raster_pixels (BASALT_PLOT (plot));

  g_test_message ("raster pixels: silent %u, spiking %u", empty, full);
  g_assert_cmpuint (basalt_plot_get_n_spikes (BASALT_PLOT (plot)), ==, 200 * 20 / 5);
  g_assert_cmpuint (empty, ==, 0);
  g_assert_cmpuint (full, >, 500);

  /* Neuron 0 is drawn at the bottom, where the axis starts at 0. */
  basalt_plot_clear (BASALT_PLOT (plot));
  memset (row, 0, sizeof row);
  row[0] = 1;
  for (int t = 1; t <= 200; t++)
    basalt_plot_append_raster_step (BASALT_PLOT (plot), t, row, G_N_ELEMENTS (row));
  gui_spin (0.05);
  {
    g_autofree guchar *pixels = NULL;
    guint8 r, g, b;
    double sum_y = 0;
    guint n = 0;
    int w, h;

    basalt_plot_get_raster_rgb (&r, &g, &b);
    pixels = gui_render_widget (plot, &w, &h);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        if (gui_count_color (pixels + ((gsize) y * w + x) * 4, 1, 1, r, g, b))
          {
            sum_y += y;
            n++;
          }
    g_assert_cmpuint (n, >, 50);
    g_test_message ("neuron 0 drawn at mean height %.0f of %d", sum_y / n, h);
    g_assert_cmpfloat (sum_y / n, >, h * 0.6);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* 100k samples reduce to a few per pixel column: drawing stays fast and shows the trace. */
static void
test_plot_many_points (void)
{
  GtkWidget *plot, *window;
  g_autofree double *t = g_new (double, 100000);
  g_autofree double *y = g_new (double, 100000);
  g_autofree guchar *pixels = NULL;
  gint64 begin;
  double ms;
  guint blue;
  int w, h;

  REQUIRE_DISPLAY (have_display);

  plot = basalt_plot_new (BASALT_PLOT_TRACES);
  for (int i = 0; i < 100000; i++)
    {
      t[i] = i;
      y[i] = sin (i / 500.0) + (i % 7) * 0.01;
    }
  basalt_plot_add_series (BASALT_PLOT (plot), "v[0]");
  basalt_plot_set_history (BASALT_PLOT (plot), 200000);
  basalt_plot_set_span (BASALT_PLOT (plot), 100000);
  basalt_plot_set_series_data (BASALT_PLOT (plot), 0, t, y, 100000);
  window = show_in_window (plot, 900, 400);
  g_assert_true (gui_wait_until (plot_drawn, plot, 5));

  /* CPU time of this thread: what drawing costs, whatever else the machine is doing. */
  begin = thread_cpu_usec ();
  for (int i = 0; i < 20; i++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 400);
      cairo_t *cr = cairo_create (surface);

      basalt_plot_render (BASALT_PLOT (plot), cr, 900, 400);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  ms = (thread_cpu_usec () - begin) / 1000.0 / 20;
  g_test_message ("100k-point trace: %.2f ms CPU per render (offscreen, 900x400)", ms);
  /* Well within a frame's budget, with room for a slow machine. */
  if (GUI_CHECK_TIMINGS)
    g_assert_cmpfloat (ms, <, 50);

  pixels = gui_render_widget (plot, &w, &h);
  blue = gui_count_color (pixels, w, h, 28, 113, 216);
  g_assert_cmpuint (blue, >, 500);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* While following, the view ends at the newest step; scrolling back shows older steps and
 * stops following; Ctrl+wheel zooms the time axis. */
static void
test_plot_scroll_back (void)
{
  GtkWidget *plot;
  double row[2] = { 1, 0 };
  double t0, t1;

  REQUIRE_DISPLAY (have_display);

  plot = g_object_ref_sink (basalt_plot_new (BASALT_PLOT_RASTER));
  basalt_plot_set_span (BASALT_PLOT (plot), 100);
  for (int t = 1; t <= 1000; t++)
    basalt_plot_append_raster_step (BASALT_PLOT (plot), t, row, 2);

  basalt_plot_get_view (BASALT_PLOT (plot), &t0, &t1);
  g_assert_cmpfloat (t1, ==, 1000);
  g_assert_cmpfloat (t1 - t0, ==, 100);

  basalt_plot_scroll (BASALT_PLOT (plot), -300);
  g_assert_false (basalt_plot_get_follow (BASALT_PLOT (plot)));
  basalt_plot_get_view (BASALT_PLOT (plot), &t0, &t1);
  g_assert_cmpfloat (t1, ==, 700);

  /* New steps arrive; the view stays where the user put it. */
  for (int t = 1001; t <= 1100; t++)
    basalt_plot_append_raster_step (BASALT_PLOT (plot), t, row, 2);
  basalt_plot_get_view (BASALT_PLOT (plot), &t0, &t1);
  g_assert_cmpfloat (t1, ==, 700);

  /* Not before the first recorded step */
  basalt_plot_scroll (BASALT_PLOT (plot), -5000);
  basalt_plot_get_view (BASALT_PLOT (plot), &t0, &t1);
  g_assert_cmpfloat (t0, ==, 1);

  basalt_plot_set_span (BASALT_PLOT (plot), 400);
  basalt_plot_set_follow (BASALT_PLOT (plot), TRUE);
  basalt_plot_get_view (BASALT_PLOT (plot), &t0, &t1);
  g_assert_cmpfloat (t1, ==, 1100);
  g_assert_cmpfloat (t1 - t0, ==, 400);

  g_object_unref (plot);
}

static void
test_plot_export (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("basalt-plot-XXXXXX", &error);
  const char *formats[] = { "png", "svg", "pdf" };
  GtkWidget *plot;
  double row[4] = { 1, 0, 1, 0 };

  REQUIRE_DISPLAY (have_display);
  g_assert_no_error (error);

  plot = g_object_ref_sink (basalt_plot_new (BASALT_PLOT_RASTER));
  for (int t = 1; t <= 50; t++)
    basalt_plot_append_raster_step (BASALT_PLOT (plot), t, row, 4);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/raster.%s", dir, formats[i]);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (basalt_plot_export (BASALT_PLOT (plot), path, 640, 240, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, >, 500);
      g_unlink (path);
    }

  /* An unknown format is refused and leaves nothing behind. */
  {
    g_autofree char *path = g_strdup_printf ("%s/raster.bmp", dir);

    g_assert_false (basalt_plot_export (BASALT_PLOT (plot), path, 640, 240, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "raster.bmp"));
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
  }

  g_rmdir (dir);
  g_object_unref (plot);
}

/* A long run's steps on a traces plot: 150000 steps of a slow sine per series. */
static GtkWidget *
long_run_traces (guint n_series)
{
  GtkWidget *plot = g_object_ref_sink (basalt_plot_new (BASALT_PLOT_TRACES));
  g_autofree double *t = g_new (double, 1500);
  g_autofree double *y = g_new (double, 1500);

  basalt_plot_set_history (BASALT_PLOT (plot), 200000);
  basalt_plot_set_span (BASALT_PLOT (plot), 150000);
  basalt_plot_set_y_label (BASALT_PLOT (plot), "v");
  for (guint s = 0; s < n_series; s++)
    {
      g_autofree char *label = g_strdup_printf ("v[%u]", s);

      for (int i = 0; i < 1500; i++)
        {
          t[i] = i * 100.0;
          y[i] = (s + 1) * 10 * sin (i / (40.0 + 20 * s));
        }
      basalt_plot_add_series (BASALT_PLOT (plot), label);
      basalt_plot_set_series_data (BASALT_PLOT (plot), s, t, y, 1500);
    }
  return plot;
}

/* Dark (text or axis) pixels in rows [y0, y1) and columns [x0, x1) of an ARGB32 image. */
static guint
dark_pixels (cairo_surface_t *image,
             int              x0,
             int              x1,
             int              y0,
             int              y1)
{
  const guchar *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  guint n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        const guchar *p = data + y * stride + 4 * x;

        if (p[0] < 160 && p[1] < 160 && p[2] < 160)
          n++;
      }
  return n;
}

/* The exported image holds the whole step label and the whole y label: nothing is drawn on its
 * outermost rows and columns, and the label is there, above them. Steps read in full. */
static void
test_plot_export_margins (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("basalt-plot-XXXXXX", &error);
  const int sizes[][2] = { { 640, 240 }, { 900, 300 }, { 1200, 500 } };
  GtkWidget *plot;

  REQUIRE_DISPLAY (have_display);
  g_assert_no_error (error);

  plot = long_run_traces (2);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/v.png", dir);
      int w = sizes[i][0], h = sizes[i][1];
      int label_top, label_bottom;
      cairo_surface_t *image;

      g_assert_true (basalt_plot_export (BASALT_PLOT (plot), path, w, h, &error));
      g_assert_no_error (error);
      image = cairo_image_surface_create_from_png (path);
      g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (cairo_image_surface_get_height (image), ==, h);

      /* A clipped label or number leaves its glyphs cut by the image's edge. */
      g_assert_cmpuint (dark_pixels (image, 0, w, h - 3, h), ==, 0);
      g_assert_cmpuint (dark_pixels (image, 0, 3, 0, h), ==, 0);
      g_assert_cmpuint (dark_pixels (image, w - 3, w, 0, h), ==, 0);
      /* The step label is the lowest text under the plot's centre... */
      label_bottom = h - 1;
      while (label_bottom > h / 2 && dark_pixels (image, w / 2 - 30, w / 2 + 30, label_bottom, label_bottom + 1) == 0)
        label_bottom--;
      label_top = label_bottom;
      while (label_top > h / 2 && dark_pixels (image, w / 2 - 30, w / 2 + 30, label_top - 1, label_top) > 0)
        label_top--;
      g_assert_cmpint (label_bottom - label_top, >=, 6);
      g_assert_cmpint (label_bottom, >, h - h / 6);
      /* ...with nothing beside it: steps are written out (150000), with no "(x10^5)" at the right
       * end of the axis. */
      g_assert_cmpuint (dark_pixels (image, w * 3 / 4, w, label_top, label_bottom + 1), ==, 0);
      cairo_surface_destroy (image);
      if (g_getenv ("BASALT_KEEP_PLOT") != NULL)
        {
          g_autofree char *kept = g_strdup_printf ("/tmp/basalt-plot-%d.png", w);

          g_rename (path, kept);
        }
      g_unlink (path);
    }
  g_rmdir (dir);
  g_object_unref (plot);
}

/* Values in the millions (a fixed_pt v) are labelled in place ("-4e6"): nothing is written
 * above the frame's left end, where PLplot would put "(x10^6)" and the page's edge cut it. */
static void
test_plot_large_values_labelled_in_place (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("basalt-plot-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree double *t = g_new (double, 500);
  g_autofree double *y = g_new (double, 500);
  GtkWidget *plot;
  cairo_surface_t *image;
  const int w = 900, h = 300;
  int frame_top = 0;

  REQUIRE_DISPLAY (have_display);
  g_assert_no_error (error);
  plot = g_object_ref_sink (basalt_plot_new (BASALT_PLOT_TRACES));
  basalt_plot_set_y_label (BASALT_PLOT (plot), "v");
  for (int i = 0; i < 500; i++)
    {
      t[i] = i;
      y[i] = -2.5e6 + 2e6 * sin (i / 30.0);
    }
  basalt_plot_add_series (BASALT_PLOT (plot), "v[0]");
  basalt_plot_set_series_data (BASALT_PLOT (plot), 0, t, y, 500);
  path = g_build_filename (dir, "v.png", NULL);
  g_assert_true (basalt_plot_export (BASALT_PLOT (plot), path, w, h, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);

  /* the frame's top edge: the first row dark across the middle third */
  while (frame_top < h / 2 && dark_pixels (image, w / 3, 2 * w / 3, frame_top, frame_top + 1) < (guint) w / 4)
    frame_top++;
  g_assert_cmpint (frame_top, <, h / 2);
  g_assert_cmpuint (dark_pixels (image, 0, w / 5, 0, frame_top - 1), ==, 0);
  /* the numbers are there, left of the frame */
  g_assert_cmpuint (dark_pixels (image, 0, w / 10, frame_top, h - h / 4), >, 50);

  cairo_surface_destroy (image);
  g_unlink (path);
  g_rmdir (dir);
  g_object_unref (plot);
}

/* Per-neuron rows: each series gets a band of its own, so its colour fills only its band. */
static void
test_plot_rows (void)
{
  GtkWidget *plot, *window;
  g_autofree guchar *overlaid = NULL;
  g_autofree guchar *stacked = NULL;
  int w, h;

  REQUIRE_DISPLAY (have_display);

  plot = long_run_traces (4);
  window = show_in_window (plot, 800, 600);
  g_assert_true (gui_wait_until (plot_drawn, plot, 5));
  overlaid = gui_render_widget (plot, &w, &h);

  basalt_plot_set_rows (BASALT_PLOT (plot), TRUE);
  g_assert_true (basalt_plot_get_rows (BASALT_PLOT (plot)));
  gui_spin (0.1);
  stacked = gui_render_widget (plot, &w, &h);

  /* Series 0 (blue) and series 3 (purple): overlaid, both cross the middle of the plot; in
   * rows, blue stays in the top quarter and purple in the bottom one. */
  for (guint s = 0; s < 4; s += 3)
    {
      static const guint8 colours[][3] = { { 28, 113, 216 }, { 0 }, { 0 }, { 145, 65, 172 } };
      guint top = 0, bottom = 0, all_overlaid = 0;

      for (int y = 0; y < h; y++)
        {
          guint in_row = gui_count_color (stacked + (gsize) y * w * 4, w, 1, colours[s][0], colours[s][1],
                                          colours[s][2]);

          if (y < h / 4)
            top += in_row;
          else if (y > h * 3 / 4)
            bottom += in_row;
        }
      all_overlaid = gui_count_color (overlaid, w, h, colours[s][0], colours[s][1], colours[s][2]);
      g_assert_cmpuint (all_overlaid, >, 100);
      if (s == 0)
        {
          g_assert_cmpuint (top, >, 100);
          g_assert_cmpuint (bottom, <, 10);
        }
      else
        {
          g_assert_cmpuint (bottom, >, 100);
          g_assert_cmpuint (top, <, 10);
        }
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (plot);
}

static guint n_activated;
static char *last_activated;

static void
on_add_process (GSimpleAction *action,
                GVariant      *param,
                gpointer       data)
{
  n_activated++;
  g_free (last_activated);
  last_activated = g_variant_dup_string (param, NULL);
}

static void
test_palette_search (void)
{
  g_autoptr(GSimpleActionGroup) graph_actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) add_process = g_simple_action_new ("add-process", G_VARIANT_TYPE_STRING);
  GtkWidget *palette, *window;
  guint n_types = 0;

  REQUIRE_DISPLAY (have_display);

  bsl_proc_type_list (&n_types);
  palette = basalt_palette_new ();
  g_signal_connect (add_process, "activate", G_CALLBACK (on_add_process), NULL);
  g_action_map_add_action (G_ACTION_MAP (graph_actions), G_ACTION (add_process));
  gtk_widget_insert_action_group (palette, "graph", G_ACTION_GROUP (graph_actions));
  window = show_in_window (palette, 240, 600);

  /* Every type of the registry is listed. */
  g_assert_cmpuint (basalt_palette_get_n_visible (BASALT_PALETTE (palette)), ==, n_types);

  basalt_palette_set_search_text (BASALT_PALETTE (palette), "dense");
  g_assert_cmpuint (basalt_palette_get_n_visible (BASALT_PALETTE (palette)), >=, 2);
  g_assert_cmpuint (basalt_palette_get_n_visible (BASALT_PALETTE (palette)), <, n_types);

  basalt_palette_set_search_text (BASALT_PALETTE (palette), "ringbuf");
  g_assert_true (basalt_palette_activate_first (BASALT_PALETTE (palette)));
  g_assert_cmpstr (last_activated, ==, "RingBuffer");

  basalt_palette_set_search_text (BASALT_PALETTE (palette), "no such process");
  g_assert_cmpuint (basalt_palette_get_n_visible (BASALT_PALETTE (palette)), ==, 0);
  g_assert_false (basalt_palette_activate_first (BASALT_PALETTE (palette)));
  g_assert_cmpuint (n_activated, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_pointer (&last_activated, g_free);
}

typedef struct
{
  guint     n;
  char     *var;
  BslArray *value;
} ParamLog;

static void
on_set_param (GSimpleAction *action,
              GVariant      *param,
              ParamLog      *log)
{
  g_autoptr(GVariant) value = NULL;

  log->n++;
  g_free (log->var);
  g_variant_get (param, "(&ss@" BASALT_VARIANT_TYPE_PARAM_VALUE ")", NULL, &log->var, &value);
  g_clear_pointer (&log->value, bsl_array_free);
  log->value = basalt_variant_dup_param_value (value);
}

/* Under fixed_pt the inspector takes only Loihi 2 values, and says why it refuses others. */
static void
test_inspector_ranges (void)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSimpleActionGroup) graph_actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) set_param =
    g_simple_action_new ("set-param", G_VARIANT_TYPE ("(ss" BASALT_VARIANT_TYPE_PARAM_VALUE ")"));
  ParamLog log = { 0 };
  GtkWidget *inspector, *window;
  g_autofree char *text = NULL;
  const char *message;

  REQUIRE_DISPLAY (have_display);

  g_assert_nonnull (bsl_graph_add_process (graph, "LIF", "lif1", 1, (gsize[]) { 3 }, &error));
  inspector = basalt_inspector_new ();
  g_signal_connect (set_param, "activate", G_CALLBACK (on_set_param), &log);
  g_action_map_add_action (G_ACTION_MAP (graph_actions), G_ACTION (set_param));
  gtk_widget_insert_action_group (inspector, "graph", G_ACTION_GROUP (graph_actions));
  window = show_in_window (inspector, 320, 700);
  basalt_inspector_set_process (BASALT_INSPECTOR (inspector), graph, "lif1");

  basalt_inspector_set_tag (BASALT_INSPECTOR (inspector), BSL_TAG_FIXED_PT);

  /* Not an integer */
  g_assert_false (basalt_inspector_enter_param (BASALT_INSPECTOR (inspector), "du", "2.5"));
  message = basalt_inspector_get_param_error (BASALT_INSPECTOR (inspector), "du");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "du"));
  g_assert_nonnull (strstr (message, "integer"));

  /* Outside the 12-bit range of du */
  g_assert_false (basalt_inspector_enter_param (BASALT_INSPECTOR (inspector), "du", "5000"));
  message = basalt_inspector_get_param_error (BASALT_INSPECTOR (inspector), "du");
  g_assert_nonnull (strstr (message, "lif1"));
  g_assert_nonnull (strstr (message, "range"));

  /* Not a number at all */
  g_assert_false (basalt_inspector_enter_param (BASALT_INSPECTOR (inspector), "vth", "ten"));
  g_assert_nonnull (strstr (basalt_inspector_get_param_error (BASALT_INSPECTOR (inspector), "vth"), "ten"));
  g_assert_cmpuint (log.n, ==, 0);

  /* A valid value is requested, not written: the graph is the owner's to change. */
  g_assert_true (basalt_inspector_enter_param (BASALT_INSPECTOR (inspector), "du", "410"));
  g_assert_null (basalt_inspector_get_param_error (BASALT_INSPECTOR (inspector), "du"));
  g_assert_cmpuint (log.n, ==, 1);
  g_assert_cmpstr (log.var, ==, "du");
  g_assert_cmpfloat (log.value->data[0], ==, 410);
  g_assert_null (bsl_process_get_param (bsl_graph_find_process (graph, "lif1"), "du"));

  /* Per-neuron values must match the population. */
  g_assert_false (basalt_inspector_enter_param (BASALT_INSPECTOR (inspector), "bias_mant", "1, 2"));
  g_assert_true (basalt_inspector_enter_param (BASALT_INSPECTOR (inspector), "bias_mant", "1, 2, 3"));
  g_assert_cmpuint (log.value->n, ==, 3);

  /* Under floating_pt fractions are fine. */
  basalt_inspector_set_tag (BASALT_INSPECTOR (inspector), BSL_TAG_FLOATING_PT);
  g_assert_true (basalt_inspector_enter_param (BASALT_INSPECTOR (inspector), "du", "0.25"));
  g_assert_cmpfloat (log.value->data[0], ==, 0.25);

  /* The editor shows what the graph holds once the owner applied it. */
  bsl_process_set_param (bsl_graph_find_process (graph, "lif1"), "vth", bsl_array_new_scalar (7), NULL);
  basalt_inspector_refresh (BASALT_INSPECTOR (inspector));
  text = basalt_inspector_dup_param_text (BASALT_INSPECTOR (inspector), "vth");
  g_assert_cmpstr (text, ==, "7");

  gtk_window_destroy (GTK_WINDOW (window));
  g_free (log.var);
  g_clear_pointer (&log.value, bsl_array_free);
}

/* Dense weights from a seeded initializer: the same numbers every time, kept as the initializer. */
static void
test_inspector_initializer (void)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BslArray) a = NULL;
  g_autoptr(BslArray) b = NULL;
  const BslProcess *dense;
  const BslVarSpec *spec;
  const char *init = "{\"init\": \"normal\", \"mean\": 0, \"std\": 20, \"seed\": 3}";

  REQUIRE_DISPLAY (have_display);

  dense = bsl_graph_add_process (graph, "Dense", "dense1", 2, (gsize[]) { 3, 4 }, &error);
  g_assert_no_error (error);
  spec = bsl_proc_type_find_var (bsl_process_get_proc_type (dense), "weights");

  a = basalt_inspector_parse_value (dense, spec, init, BSL_TAG_FLOATING_PT, NULL, &error);
  g_assert_no_error (error);
  b = basalt_inspector_parse_value (dense, spec, init, BSL_TAG_FLOATING_PT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->ndim, ==, 2);
  g_assert_cmpuint (a->n, ==, 12);
  g_assert_true (bsl_array_equal (a, b));
  g_assert_nonnull (a->init);

  /* A flat list that fills the matrix takes its shape; one that does not is refused. */
  g_clear_pointer (&a, bsl_array_free);
  a = basalt_inspector_parse_value (dense, spec, "1 2 3 4 5 6 7 8 9 10 11 12", BSL_TAG_FIXED_PT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->ndim, ==, 2);
  g_assert_cmpfloat (a->data[4], ==, 5);
  g_assert_null (basalt_inspector_parse_value (dense, spec, "1 2 3", BSL_TAG_FIXED_PT, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "weights"));
  g_clear_error (&error);

  /* From a .npy file beside the network, referenced by a relative path */
  {
    g_autofree char *dir = g_dir_make_tmp ("basalt-npy-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "w.npy", NULL);
    g_autoptr(BslArray) w = bsl_array_new_matrix (3, 4);
    g_autoptr(BslArray) loaded = NULL;
    g_autoptr(BslArray) wrong = bsl_array_new_matrix (4, 3);

    for (gsize i = 0; i < 12; i++)
      w->data[i] = (double) i - 5;
    g_assert_true (bsl_npy_save (w, path, &error));
    loaded = basalt_inspector_parse_value (dense, spec, "{\"file\": \"w.npy\"}", BSL_TAG_FIXED_PT, dir, &error);
    g_assert_no_error (error);
    g_assert_true (bsl_array_equal (loaded, w) || memcmp (loaded->data, w->data, sizeof (double) * 12) == 0);
    g_assert_nonnull (loaded->init);

    /* A matrix of the wrong shape is refused with the file's name */
    g_assert_true (bsl_npy_save (wrong, path, &error));
    g_assert_null (basalt_inspector_parse_value (dense, spec, "{\"file\": \"w.npy\"}", BSL_TAG_FIXED_PT, dir, &error));
    g_assert_nonnull (error);
    g_test_message ("wrong shape: %s", error->message);
    g_assert_nonnull (strstr (error->message, "w.npy"));
    g_clear_error (&error);

    g_unlink (path);
    g_rmdir (dir);
  }
}

/* An Equations parameter has no default (it must be set); the hint says so instead of "nan". */
static void
test_inspector_no_default (void)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;
  BslProcess *p = bsl_graph_add_process (graph, "Equations", "n", 0, NULL, &error);
  g_autofree char *tau = NULL;
  g_autofree char *du = NULL;

  g_assert_no_error (error);
  tau = basalt_inspector_describe_var (bsl_proc_type_find_var (bsl_process_get_proc_type (p), "tau"), BSL_TAG_FLOATING_PT);
  g_assert_nonnull (strstr (tau, "must be set"));
  g_assert_null (strstr (tau, "nan"));
  du = basalt_inspector_describe_var (bsl_proc_type_find_var (bsl_proc_type_lookup ("LIF"), "du"),
                                      BSL_TAG_FIXED_PT);
  g_assert_nonnull (strstr (du, "default 0"));
}

/* What the widgets pass in the page's actions reads back as it was written. */
static void
test_action_params (void)
{
  g_autoptr(BslArray) matrix = bsl_array_new_matrix (2, 3);
  g_autoptr(BslArray) back = NULL;
  g_autoptr(GVariant) encoded = NULL;
  g_autoptr(BslLearningRule) rule = bsl_learning_rule_new_default ();
  g_autoptr(BslLearningRule) rule_back = NULL;
  BslEquationsText text = { "dv/dt = -v / tau : 1", "v > 1", NULL, "2*ms", "v", "euler" };
  BslEquationsText text_back;

  for (gsize i = 0; i < matrix->n; i++)
    matrix->data[i] = i / 3.0 - 0.5;
  matrix->init = json_from_string ("{\"init\": \"normal\", \"mean\": 0, \"std\": 0.25, \"seed\": 7}", NULL);
  encoded = g_variant_ref_sink (basalt_variant_new_param_value (matrix));
  back = basalt_variant_dup_param_value (encoded);
  g_assert_true (bsl_array_equal (back, matrix));
  g_assert_cmpuint (back->dims[1], ==, 3);
  g_assert_true (json_node_equal (back->init, matrix->init));
  g_clear_pointer (&encoded, g_variant_unref);
  encoded = g_variant_ref_sink (basalt_variant_new_param_value (NULL));
  g_assert_null (basalt_variant_dup_param_value (encoded));

  g_clear_pointer (&encoded, g_variant_unref);
  encoded = g_variant_ref_sink (basalt_variant_new_equations (&text));
  basalt_variant_get_equations (encoded, &text_back);
  g_assert_cmpstr (text_back.model, ==, text.model);
  g_assert_cmpstr (text_back.threshold, ==, text.threshold);
  g_assert_null (text_back.reset);
  g_assert_cmpstr (text_back.refractory, ==, text.refractory);
  g_assert_cmpstr (text_back.input, ==, text.input);
  g_assert_cmpstr (text_back.method, ==, text.method);

  rule->kind = BSL_LEARNING_RULE_LOIHI_2F;
  rule->text[BSL_K_TARGET_W] = g_strdup ("2^-2*x1*y0");
  rule->impulse[BSL_K_TRACE_Y1] = 3;
  rule->tau[BSL_K_TRACE_X1] = 5;
  rule->t_epoch = 2;
  rule->has_rng_seed = FALSE;
  g_clear_pointer (&encoded, g_variant_unref);
  encoded = g_variant_ref_sink (basalt_variant_new_learning_rule (rule));
  rule_back = basalt_variant_dup_learning_rule (encoded);
  g_assert_true (bsl_learning_rule_equal (rule_back, rule));
  g_assert_null (rule_back->text[BSL_K_TARGET_D]);
  g_assert_false (rule_back->has_rng_seed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();

  g_test_add_func ("/widgets/action-params", test_action_params);
  g_test_add_func ("/plot/raster", test_plot_raster);
  g_test_add_func ("/plot/many-points", test_plot_many_points);
  g_test_add_func ("/plot/scroll-back", test_plot_scroll_back);
  g_test_add_func ("/plot/export", test_plot_export);
  g_test_add_func ("/plot/export-margins", test_plot_export_margins);
  g_test_add_func ("/plot/large-values-labelled-in-place", test_plot_large_values_labelled_in_place);
  g_test_add_func ("/plot/rows", test_plot_rows);
  g_test_add_func ("/weight-map/colours", test_weight_map);
  g_test_add_func ("/palette/search", test_palette_search);
  g_test_add_func ("/inspector/ranges", test_inspector_ranges);
  g_test_add_func ("/inspector/no-default", test_inspector_no_default);
  g_test_add_func ("/inspector/initializer", test_inspector_initializer);

  return g_test_run ();
}
