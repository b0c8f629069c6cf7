/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Rendering through PLplot's extcairo device: the plot's stream, axes, traces and raster,
 * into the widget or an exported file. */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "basalt-plot-private.h"

enum {
  COLOR_BACKGROUND,
  COLOR_AXES,
  COLOR_GRID,
  COLOR_TEXT_DIM,
  COLOR_FIRST_SERIES,
};

static const PLINT palette[][3] = {
  { 255, 255, 255 },
  {  46,  52,  54 },
  { 222, 221, 218 },
  { 119, 118, 123 },
  {  28, 113, 216 },
  { 230,  97,   0 },
  {  38, 162, 105 },
  { 145,  65, 172 },
  { 224,  27,  36 },
  { 134,  94,  60 },
  {  33, 144, 164 },
  { 229, 165,  10 },
};
#define N_SERIES_COLORS (G_N_ELEMENTS (palette) - COLOR_FIRST_SERIES)

/* Spikes get a colour of their own, so they can be told from axes and text in rendered pixels. */
static const guint8 raster_rgb[3] = { 28, 113, 216 };

/* Without the driver, plinit() prompts on stdin and then exit()s the process; ask first. */
static gboolean
have_extcairo (void)
{
  static int have = -1;

  if (have < 0)
    {
      const char *menu[128], *names[128];
      const char **pmenu = menu, **pnames = names;
      int n = G_N_ELEMENTS (names);

      have = FALSE;
      plgDevs (&pmenu, &pnames, &n);
      for (int i = 0; i < n; i++)
        if (g_strcmp0 (names[i], "extcairo") == 0)
          have = TRUE;

      if (!have)
        g_warning ("PLplot extcairo driver not found; plots stay empty (install plplot-driver-cairo)");
    }

  return have;
}

static void
plot_abort_handler (PLCHAR_VECTOR message)
{
  g_warning ("PLplot: %s", message);
}

void
_basalt_plot_destroy_stream (BasaltPlot *self)
{
  PLINT previous;

  if (self->stream < 0)
    return;

  plgstrm (&previous);
  plsstrm (self->stream);
  plend1 ();
  plsstrm (previous == self->stream ? 0 : previous);
  self->stream = -1;
}

/* extcairo takes the page size at plinit() only, so a new size means a new stream. */
static void
basalt_plot_ensure_stream (BasaltPlot *self,
                           int         width,
                           int         height)
{
  PLINT previous;

  if (self->stream >= 0 && self->page_width == width && self->page_height == height)
    return;

  _basalt_plot_destroy_stream (self);

  plgstrm (&previous);
  plmkstrm (&self->stream);
  plsabort (plot_abort_handler);
  plsdev ("extcairo");
  plspage (0.0, 0.0, width, height, 0, 0);
  plscmap0n (16);
  for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
    plscol0 (i, palette[i][0], palette[i][1], palette[i][2]);
  plsfont (PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_MEDIUM);
  plinit ();
  plsstrm (previous);

  self->page_width = width;
  self->page_height = height;
}

/* The frame around the data, as fractions of the page. They follow PLplot's text size, so the
 * tick numbers and the axis labels stay inside the image whatever its size (an export at
 * 640x240 as much as a tall plot in the window). */
static void
plot_frame (int     width,
            int     height,
            double *x0,
            double *x1,
            double *y0,
            double *y1)
{
  PLFLT default_mm, char_mm, xmin_mm, xmax_mm, ymin_mm, ymax_mm;
  double px_per_mm, char_px;

  plgchr (&default_mm, &char_mm);
  plgspa (&xmin_mm, &xmax_mm, &ymin_mm, &ymax_mm);
  px_per_mm = ymax_mm > ymin_mm ? height / (ymax_mm - ymin_mm) : 1.0;
  char_px = char_mm * px_per_mm;

  /* Left: numbers and the y label (PLplot sets it 5 heights out); right: half of the last step
   * number ("150000"), centred on the edge; bottom: numbers, then the x label 3.2 heights out
   * and its descenders; top: the title or the legend. */
  *x0 = MIN (0.4, (6.4 * char_px) / width);
  *x1 = 1.0 - MIN (0.2, (3.4 * char_px) / width);
  *y0 = MIN (0.45, (4.7 * char_px) / height);
  *y1 = 1.0 - MIN (0.3, (2.2 * char_px) / height);
}

/* Draws series [first, last) as lines in the current window. */
static void
draw_series_lines (BasaltPlot *self,
                   guint       first,
                   guint       last,
                   double      t0,
                   double      t1,
                   guint       n_columns)
{
  for (guint s = first; s < last; s++)
    {
      const Series *series = g_ptr_array_index (self->series, s);
      gsize begin = _basalt_plot_lower_bound_double (series->t, t0);
      gsize end = _basalt_plot_lower_bound_double (series->t, t1 + 1e-9);
      const double *px, *py;
      gsize pn;

      /* One sample before and after the window so the line reaches the edges. */
      if (begin > 0)
        begin--;
      if (end < series->t->len)
        end++;
      if (end <= begin)
        continue;

      _basalt_plot_decimate_minmax (self, series, begin, end, t0, t1, n_columns, &px, &py, &pn);
      plcol0 (COLOR_FIRST_SERIES + s % N_SERIES_COLORS);
      plwidth (1.4);
      if (pn > 1)
        plline (pn, px, py);
      else
        plpoin (pn, px, py, 1);
      plwidth (1.0);
    }
}

/* A value axis's number in at most about six characters: 0.25, 1200, -4.5e6. PLplot's own
 * labels would move a common factor into a "(x10^6)" above the axis, where it collides with the
 * plot's title and is cut by the top edge. */
static void
format_value_tick (PLINT     axis,
                   PLFLT     value,
                   char     *label,
                   PLINT     length,
                   PLPointer data)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  char *exponent;
  GString *compact;

  g_ascii_formatd (text, sizeof text, "%.3g", fabs (value) < 1e-12 ? 0.0 : value);
  compact = g_string_new (NULL);
  exponent = strchr (text, 'e');
  if (exponent == NULL)
    g_string_append (compact, text);
  else
    {
      const char *digits = exponent + 1;
      gboolean negative = *digits == '-';

      g_string_append_len (compact, text, exponent - text);
      g_string_append_c (compact, 'e');
      if (negative)
        g_string_append_c (compact, '-');
      if (*digits == '+' || *digits == '-')
        digits++;
      while (digits[0] == '0' && digits[1] != '\0')
        digits++;
      g_string_append (compact, digits);
    }
  g_strlcpy (label, compact->str, length);
  g_string_free (compact, TRUE);
}

/* Axes of one panel. Steps are written out in full ("f"): a run of 10^5 steps reads 100000, not
 * 1 with a "(x10^5)" beside the axis; values use format_value_tick ("o"). */
static void
draw_axes (gboolean x_numbers)
{
  plcol0 (COLOR_GRID);
  plbox ("g", 0, 0, "g", 0, 0);
  plcol0 (COLOR_AXES);
  plslabelfunc (format_value_tick, NULL);
  plbox (x_numbers ? "bcnstf" : "bcstf", 0, 0, "bcnstvo", 0, 0);
}

/* All series over each other in one panel, their names along the top. */
static void
render_overlaid (BasaltPlot *self,
                 double      t0,
                 double      t1,
                 guint       n_columns)
{
  double ymin, ymax;

  _basalt_plot_visible_y_range (self, 0, self->series->len, t0, t1, &ymin, &ymax);
  plwind (t0, t1, ymin, ymax);
  draw_axes (TRUE);
  draw_series_lines (self, 0, self->series->len, t0, t1, n_columns);
  for (guint s = 0; s < self->series->len; s++)
    {
      const Series *series = g_ptr_array_index (self->series, s);

      plcol0 (COLOR_FIRST_SERIES + s % N_SERIES_COLORS);
      if (series->label)
        plmtex ("t", 0.8, 1.0 - 0.11 * s, 1.0, series->label);
    }
}

/* One panel per series, stacked top to bottom, each with its own y range and its name inside
 * its top left corner; only the bottom one numbers the steps. */
static void
render_rows (BasaltPlot *self,
             double      x0,
             double      x1,
             double      y0,
             double      y1,
             double      t0,
             double      t1,
             guint       n_columns)
{
  guint n = self->series->len;
  double row_h = (y1 - y0) / n;

  for (guint s = 0; s < n; s++)
    {
      const Series *series = g_ptr_array_index (self->series, s);
      double top = y1 - s * row_h;
      double ymin, ymax;

      plvpor (x0, x1, top - row_h * 0.94, top);
      _basalt_plot_visible_y_range (self, s, s + 1, t0, t1, &ymin, &ymax);
      plwind (t0, t1, ymin, ymax);
      draw_axes (s == n - 1);
      draw_series_lines (self, s, s + 1, t0, t1, n_columns);
      plcol0 (COLOR_FIRST_SERIES + s % N_SERIES_COLORS);
      if (series->label)
        plmtex ("t", -1.3, 0.01, 0.0, series->label);
    }
  plvpor (x0, x1, y0, y1);
}

/* Spikes are set as pixels of one image: a PLplot primitive per tick costs microseconds, and
 * even one cairo path of tens of thousands of rectangles takes too long per frame. */
static void
paint_raster_ticks (BasaltPlot *self,
                    cairo_t    *cr,
                    int         width,
                    int         height,
                    double      vx0,
                    double      vx1,
                    double      vy0,
                    double      vy1,
                    double      t0,
                    double      t1)
{
  int px0 = (int) ceil (vx0 * width), px1 = (int) floor (vx1 * width);
  int py0 = (int) ceil ((1.0 - vy1) * height), py1 = (int) floor ((1.0 - vy0) * height);
  double scale_x = 1, scale_y = 1;
  int pw, ph;

  /* Draw in device pixels, so ticks stay sharp on a HiDPI screen. */
  cairo_surface_get_device_scale (cairo_get_target (cr), &scale_x, &scale_y);
  scale_x = CLAMP (scale_x, 1, 4);
  pw = (int) ((px1 - px0) * scale_x);
  ph = (int) ((py1 - py0) * scale_x);
  double sx = pw / (t1 - t0);
  double row_h = (double) ph / self->n_rows;
  int tick_w = (int) CLAMP (sx * 0.8, 1, 3 * scale_x);
  int tick_h = (int) MAX (1, row_h * 0.8);
  guint32 color = 0xff000000u | (raster_rgb[0] << 16) | (raster_rgb[1] << 8) | raster_rgb[2];
  gsize begin = _basalt_plot_lower_bound_event (self->events, t0 - 1);
  cairo_surface_t *ticks;
  guint32 *data;
  int stride;

  if (pw <= 0 || ph <= 0)
    return;

  ticks = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_surface_flush (ticks);
  data = (guint32 *) (gpointer) cairo_image_surface_get_data (ticks);
  stride = cairo_image_surface_get_stride (ticks) / 4;

  for (gsize i = begin; i < self->events->len; i++)
    {
      const RasterEvent *ev = &g_array_index (self->events, RasterEvent, i);
      int x, y;

      if (ev->t > t1 + 1)
        break;
      x = (int) lround ((ev->t - t0) * sx) - tick_w / 2;
      /* Row 0 at the bottom, where the axis starts counting. */
      y = (int) floor ((self->n_rows - 1 - ev->row) * row_h + (row_h - tick_h) / 2);
      for (int yy = MAX (y, 0); yy < MIN (y + tick_h, ph); yy++)
        for (int xx = MAX (x, 0); xx < MIN (x + tick_w, pw); xx++)
          data[yy * stride + xx] = color;
    }

  cairo_surface_mark_dirty (ticks);
  cairo_surface_set_device_scale (ticks, scale_x, scale_x);
  cairo_save (cr);
  cairo_set_source_surface (cr, ticks, px0, py0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (ticks);
}

void
basalt_plot_render (BasaltPlot *self,
                    cairo_t    *cr,
                    int         width,
                    int         height)
{
  PLFLT vx0, vx1, vy0, vy1;
  double t0, t1;
  double fx0, fx1, fy0, fy1;
  gboolean rows;
  PLINT previous;

  g_return_if_fail (BASALT_IS_PLOT (self));
  g_return_if_fail (cr != NULL);

  /* GTK hands over a transparent surface and extcairo paints no background. */
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_restore (cr);

  if (width < 80 || height < 60 || !have_extcairo ())
    return;

  basalt_plot_ensure_stream (self, width, height);
  basalt_plot_get_view (self, &t0, &t1);
  rows = self->kind == BASALT_PLOT_TRACES && self->rows && self->series->len > 1;

  plgstrm (&previous);
  plsstrm (self->stream);

  cairo_save (cr);
  pl_cmd (PLESC_DEVINIT, cr);
  pladv (0);
  /* PLplot sizes text by the page: a small plot (the inspector's preview) would get unreadable
   * labels, so below about 1000 px of width plus height the text keeps that size. */
  plschr (0, 0.72 * CLAMP (1000.0 / (width + height), 1.0, 2.5));
  plot_frame (width, height, &fx0, &fx1, &fy0, &fy1);
  plvpor (fx0, fx1, fy0, fy1);

  if (self->kind == BASALT_PLOT_RASTER)
    {
      plwind (t0, t1, 0, MAX (1, self->n_rows));
      draw_axes (TRUE);
    }
  else if (rows)
    render_rows (self, fx0, fx1, fy0, fy1, t0, t1, MAX (16, width - 78));
  else
    render_overlaid (self, t0, t1, MAX (16, width - 78));

  plcol0 (COLOR_AXES);
  pllab ("step", self->y_label ? self->y_label : "", "");
  /* An exported image has no header around it to name it. */
  if (self->title && (self->show_title || self->exporting))
    plmtex ("t", 0.8, 0.0, 0.0, self->title);

  if (!self->have_data)
    {
      plwind (t0, t1, 0, 1);
      plcol0 (COLOR_TEXT_DIM);
      plptex ((t0 + t1) / 2, 0.5, 1, 0, 0.5,
              self->empty_text != NULL ? self->empty_text : "no data yet: press Run");
    }

  plgvpd (&vx0, &vx1, &vy0, &vy1);
  plflush ();
  cairo_restore (cr);
  plsstrm (previous);

  if (self->kind == BASALT_PLOT_RASTER && self->events->len > 0 && self->n_rows > 0)
    paint_raster_ticks (self, cr, width, height, vx0, vx1, vy0, vy1, t0, t1);
}

void
_basalt_plot_draw (GtkDrawingArea *area,
                   cairo_t        *cr,
                   int             width,
                   int             height,
                   gpointer        user_data)
{
  BasaltPlot *self = BASALT_PLOT (area);
  gint64 begin = g_get_monotonic_time ();

  basalt_plot_render (self, cr, width, height);

  self->last_draw_ms = (g_get_monotonic_time () - begin) / 1000.0;
  self->n_draws++;
}

gboolean
basalt_plot_export (BasaltPlot  *self,
                    const char  *path,
                    int          width,
                    int          height,
                    GError     **error)
{
  g_autofree char *tmp_path = NULL;
  g_autofree char *lower = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (BASALT_IS_PLOT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  tmp_path = g_strdup_printf ("%s.tmp-%u", path, g_random_int ());

  if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (tmp_path, width, height);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (tmp_path, width, height);
  else if (g_str_has_suffix (lower, ".png"))
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: unknown image format (use .png, .svg or .pdf)", path);
      return FALSE;
    }

  cr = cairo_create (surface);
  self->exporting = TRUE;
  basalt_plot_render (self, cr, width, height);
  self->exporting = FALSE;
  cairo_destroy (cr);

  if (g_str_has_suffix (lower, ".png"))
    status = cairo_surface_write_to_png (surface, tmp_path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS || g_rename (tmp_path, path) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: could not write the image: %s", path,
                   status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status) : g_strerror (errno));
      g_unlink (tmp_path);
      return FALSE;
    }

  return TRUE;
}

void
basalt_plot_get_raster_rgb (guint8 *r,
                            guint8 *g,
                            guint8 *b)
{
  *r = raster_rgb[0];
  *g = raster_rgb[1];
  *b = raster_rgb[2];
}
