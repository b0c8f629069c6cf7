/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A time plot drawn by PLplot through its extcairo device. PLplot keeps its state in global
 * streams and is not thread-safe: each plot owns one stream, selects it around every use and
 * restores the previous one, and is only ever touched from the GTK main thread. Data are handed
 * in by the owner (appended per step), never read from the engine here. */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <plplot.h>

#include "bsl-strings.h"

#include "basalt-plot.h"

#define DEFAULT_SPAN    200.0
#define DEFAULT_HISTORY 20000
#define MIN_SPAN        5.0

typedef struct
{
  double  t;
  guint32 row;
} RasterEvent;

typedef struct
{
  char   *label;
  GArray *t;
  GArray *y;
} Series;

struct _BasaltPlot
{
  GtkDrawingArea  parent_instance;

  BasaltPlotKind  kind;
  char           *title;
  char           *y_label;
  char           *empty_text;   /* shown while there is no data; NULL: the designer's hint */
  gboolean        show_title;
  gboolean        exporting;

  /* Raster */
  guint           n_rows;
  GArray         *events;      /* RasterEvent, t ascending */

  /* Traces */
  GPtrArray      *series;      /* Series* */
  gboolean        rows;        /* one panel per series instead of all in one */

  gboolean        have_data;
  double          t_first;
  double          t_last;
  gsize           history;

  gboolean        follow;
  double          span;
  double          view_end;    /* when not following */

  /* PLplot stream owned by this widget, -1 until the first render */
  PLINT           stream;
  int             page_width;
  int             page_height;

  GArray         *dec_x;
  GArray         *dec_y;

  guint           n_draws;
  double          last_draw_ms;
};

G_DEFINE_FINAL_TYPE (BasaltPlot, basalt_plot, GTK_TYPE_DRAWING_AREA)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_FOLLOW,
  PROP_SPAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

static void
series_free (gpointer data)
{
  Series *series = data;

  g_free (series->label);
  g_array_unref (series->t);
  g_array_unref (series->y);
  g_free (series);
}

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

static void
basalt_plot_destroy_stream (BasaltPlot *self)
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

  basalt_plot_destroy_stream (self);

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

void
basalt_plot_get_view (BasaltPlot *self,
                      double     *t0,
                      double     *t1)
{
  double end;

  g_return_if_fail (BASALT_IS_PLOT (self));

  if (self->follow || !self->have_data)
    end = self->have_data ? MAX (self->t_last, self->t_first + self->span) : self->span;
  else
    end = self->view_end;

  if (t0)
    *t0 = end - self->span;
  if (t1)
    *t1 = end;
}

/* First index whose time is >= t in a GArray of doubles (ascending). */
static gsize
lower_bound_double (GArray *times,
                    double  t)
{
  gsize lo = 0, hi = times->len;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (g_array_index (times, double, mid) < t)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static gsize
lower_bound_event (GArray *events,
                   double  t)
{
  gsize lo = 0, hi = events->len;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (g_array_index (events, RasterEvent, mid).t < t)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* Reduces the samples inside [begin, end) to a minimum and a maximum per pixel column, in time
 * order, so 100k points cost as much as a few thousand and look the same. */
static void
decimate_minmax (BasaltPlot    *self,
                 const Series  *series,
                 gsize          begin,
                 gsize          end,
                 double         t0,
                 double         t1,
                 guint          n_columns,
                 const double **out_x,
                 const double **out_y,
                 gsize         *out_n)
{
  const double *x = &g_array_index (series->t, double, 0);
  const double *y = &g_array_index (series->y, double, 0);
  double column_width;
  gsize i;

  if (end - begin <= 4 * (gsize) n_columns)
    {
      *out_x = x + begin;
      *out_y = y + begin;
      *out_n = end - begin;
      return;
    }

  g_array_set_size (self->dec_x, 0);
  g_array_set_size (self->dec_y, 0);
  column_width = (t1 - t0) / n_columns;

  i = begin;
  while (i < end)
    {
      double column_end = t0 + (floor ((x[i] - t0) / column_width) + 1) * column_width;
      gsize imin = i, imax = i, first = i;

      for (i = i + 1; i < end && x[i] < column_end; i++)
        {
          if (y[i] < y[imin])
            imin = i;
          if (y[i] > y[imax])
            imax = i;
        }

      /* Keep time order so the line does not fold back on itself. */
      if (imin == imax)
        {
          g_array_append_val (self->dec_x, x[first]);
          g_array_append_val (self->dec_y, y[first]);
        }
      else
        {
          gsize a = MIN (imin, imax), b = MAX (imin, imax);

          g_array_append_val (self->dec_x, x[a]);
          g_array_append_val (self->dec_y, y[a]);
          g_array_append_val (self->dec_x, x[b]);
          g_array_append_val (self->dec_y, y[b]);
        }
    }

  *out_x = &g_array_index (self->dec_x, double, 0);
  *out_y = &g_array_index (self->dec_y, double, 0);
  *out_n = self->dec_x->len;
}

/* The y range of series [first, last) inside the time window, with a little room around it. */
static void
visible_y_range (BasaltPlot *self,
                 guint       first,
                 guint       last,
                 double      t0,
                 double      t1,
                 double     *ymin,
                 double     *ymax)
{
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

  for (guint s = first; s < last; s++)
    {
      const Series *series = g_ptr_array_index (self->series, s);
      gsize begin = lower_bound_double (series->t, t0);

      for (gsize i = begin; i < series->t->len; i++)
        {
          double t = g_array_index (series->t, double, i);
          double y = g_array_index (series->y, double, i);

          if (t > t1)
            break;
          if (!isfinite (y))
            continue;
          lo = MIN (lo, y);
          hi = MAX (hi, y);
        }
    }

  if (lo > hi)
    {
      lo = 0;
      hi = 1;
    }
  else if (hi - lo < 1e-12)
    {
      double pad = MAX (1.0, fabs (hi) * 0.1);

      lo -= pad;
      hi += pad;
    }
  else
    {
      double pad = (hi - lo) * 0.06;

      lo -= pad;
      hi += pad;
    }

  *ymin = lo;
  *ymax = hi;
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
      gsize begin = lower_bound_double (series->t, t0);
      gsize end = lower_bound_double (series->t, t1 + 1e-9);
      const double *px, *py;
      gsize pn;

      /* One sample before and after the window so the line reaches the edges. */
      if (begin > 0)
        begin--;
      if (end < series->t->len)
        end++;
      if (end <= begin)
        continue;

      decimate_minmax (self, series, begin, end, t0, t1, n_columns, &px, &py, &pn);
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

  visible_y_range (self, 0, self->series->len, t0, t1, &ymin, &ymax);
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
      visible_y_range (self, s, s + 1, t0, t1, &ymin, &ymax);
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
  gsize begin = lower_bound_event (self->events, t0 - 1);
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

static void
basalt_plot_draw (GtkDrawingArea *area,
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

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           BasaltPlot               *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      basalt_plot_set_span (self, self->span * (dy > 0 ? 1.25 : 0.8));
      return TRUE;
    }

  if (!self->have_data)
    return FALSE;

  basalt_plot_scroll (self, (dx + dy) * self->span * 0.1);
  return TRUE;
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  BasaltPlot      *self)
{
  if (n_press == 2)
    basalt_plot_set_follow (self, TRUE);
}

static void
basalt_plot_dispose (GObject *object)
{
  BasaltPlot *self = (BasaltPlot *) object;

  basalt_plot_destroy_stream (self);

  G_OBJECT_CLASS (basalt_plot_parent_class)->dispose (object);
}

static void
basalt_plot_finalize (GObject *object)
{
  BasaltPlot *self = (BasaltPlot *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->y_label, g_free);
  g_clear_pointer (&self->empty_text, g_free);
  g_clear_pointer (&self->events, g_array_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->dec_x, g_array_unref);
  g_clear_pointer (&self->dec_y, g_array_unref);

  G_OBJECT_CLASS (basalt_plot_parent_class)->finalize (object);
}

static void
basalt_plot_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BasaltPlot *self = BASALT_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;

    case PROP_SPAN:
      g_value_set_double (value, self->span);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_plot_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  BasaltPlot *self = BASALT_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      basalt_plot_set_title (self, g_value_get_string (value));
      break;

    case PROP_FOLLOW:
      basalt_plot_set_follow (self, g_value_get_boolean (value));
      break;

    case PROP_SPAN:
      basalt_plot_set_span (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_plot_class_init (BasaltPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_plot_dispose;
  object_class->finalize = basalt_plot_finalize;
  object_class->get_property = basalt_plot_get_property;
  object_class->set_property = basalt_plot_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPAN] =
    g_param_spec_double ("span", NULL, NULL, MIN_SPAN, G_MAXDOUBLE, DEFAULT_SPAN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "plot");
}

static void
basalt_plot_init (BasaltPlot *self)
{
  GtkEventController *scroll;
  GtkGesture *click;

  self->stream = -1;
  self->show_title = TRUE;
  self->follow = TRUE;
  self->span = DEFAULT_SPAN;
  self->history = DEFAULT_HISTORY;
  self->events = g_array_new (FALSE, FALSE, sizeof (RasterEvent));
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->dec_x = g_array_new (FALSE, FALSE, sizeof (double));
  self->dec_y = g_array_new (FALSE, FALSE, sizeof (double));

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 200, 140);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), basalt_plot_draw, NULL, NULL);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
basalt_plot_new (BasaltPlotKind kind)
{
  BasaltPlot *self = g_object_new (BASALT_TYPE_PLOT, NULL);

  self->kind = kind;
  if (kind == BASALT_PLOT_RASTER)
    basalt_plot_set_y_label (self, "neuron");
  return GTK_WIDGET (self);
}

BasaltPlotKind
basalt_plot_get_kind (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), BASALT_PLOT_TRACES);

  return self->kind;
}

void
basalt_plot_set_title (BasaltPlot *self,
                       const char *title)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  if (bsl_set_str (&self->title, title))
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

const char *
basalt_plot_get_title (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), NULL);

  return self->title;
}

void
basalt_plot_set_show_title (BasaltPlot *self,
                            gboolean    show_title)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  self->show_title = !!show_title;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_plot_set_y_label (BasaltPlot *self,
                         const char *label)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  if (bsl_set_str (&self->y_label, label))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_plot_set_empty_text (BasaltPlot *self,
                            const char *text)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  if (bsl_set_str (&self->empty_text, text))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_plot_clear (BasaltPlot *self)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  g_array_set_size (self->events, 0);
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);

      g_array_set_size (series->t, 0);
      g_array_set_size (series->y, 0);
    }
  self->have_data = FALSE;
  self->t_first = self->t_last = 0;
  basalt_plot_set_follow (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_plot_set_history (BasaltPlot *self,
                         gsize       n_steps)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  self->history = MAX (n_steps, 10);
}

static void
note_time (BasaltPlot *self,
           double      t)
{
  if (!self->have_data)
    {
      self->have_data = TRUE;
      self->t_first = self->t_last = t;
    }
  else
    {
      self->t_first = MIN (self->t_first, t);
      self->t_last = MAX (self->t_last, t);
    }
}

/* Drops old data in chunks, so the cost is amortised over many appends. */
static void
trim_history (BasaltPlot *self)
{
  double keep_from = self->t_last - (double) self->history;

  if (self->t_first >= keep_from - self->history * 0.1)
    return;

  if (self->kind == BASALT_PLOT_RASTER)
    g_array_remove_range (self->events, 0, lower_bound_event (self->events, keep_from));

  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      gsize n = lower_bound_double (series->t, keep_from);

      g_array_remove_range (series->t, 0, n);
      g_array_remove_range (series->y, 0, n);
    }

  self->t_first = keep_from;
}

void
basalt_plot_set_n_rows (BasaltPlot *self,
                        guint       n_rows)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  if (self->n_rows != n_rows)
    {
      self->n_rows = n_rows;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
basalt_plot_append_raster_step (BasaltPlot   *self,
                                double        t,
                                const double *values,
                                gsize         n_values)
{
  g_return_if_fail (BASALT_IS_PLOT (self));
  g_return_if_fail (values != NULL || n_values == 0);

  if (n_values > self->n_rows)
    self->n_rows = n_values;

  for (gsize i = 0; i < n_values; i++)
    if (values[i] != 0.0)
      {
        RasterEvent ev = { t, (guint32) i };

        g_array_append_val (self->events, ev);
      }

  note_time (self, t);
  trim_history (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gsize
basalt_plot_get_n_spikes (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), 0);

  return self->events->len;
}

guint
basalt_plot_add_series (BasaltPlot *self,
                        const char *label)
{
  Series *series;

  g_return_val_if_fail (BASALT_IS_PLOT (self), 0);

  series = g_new0 (Series, 1);
  series->label = g_strdup (label);
  series->t = g_array_new (FALSE, FALSE, sizeof (double));
  series->y = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, series);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return self->series->len - 1;
}

void
basalt_plot_append_sample (BasaltPlot *self,
                           guint       series_index,
                           double      t,
                           double      y)
{
  Series *series;

  g_return_if_fail (BASALT_IS_PLOT (self));
  g_return_if_fail (series_index < self->series->len);

  series = g_ptr_array_index (self->series, series_index);
  g_array_append_val (series->t, t);
  g_array_append_val (series->y, y);
  note_time (self, t);
  trim_history (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_plot_set_series_data (BasaltPlot   *self,
                             guint         series_index,
                             const double *t,
                             const double *y,
                             gsize         n)
{
  Series *series;

  g_return_if_fail (BASALT_IS_PLOT (self));
  g_return_if_fail (series_index < self->series->len);

  series = g_ptr_array_index (self->series, series_index);
  g_array_set_size (series->t, 0);
  g_array_set_size (series->y, 0);
  g_array_append_vals (series->t, t, n);
  g_array_append_vals (series->y, y, n);

  /* Recompute the time extent over every series. */
  self->have_data = FALSE;
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *other = g_ptr_array_index (self->series, s);

      if (other->t->len > 0)
        {
          note_time (self, g_array_index (other->t, double, 0));
          note_time (self, g_array_index (other->t, double, other->t->len - 1));
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_plot_set_rows (BasaltPlot *self,
                      gboolean    rows)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  self->rows = !!rows;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
basalt_plot_get_rows (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), FALSE);

  return self->rows;
}

guint
basalt_plot_get_n_series (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), 0);

  return self->series->len;
}

void
basalt_plot_clear_series (BasaltPlot *self)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  g_ptr_array_set_size (self->series, 0);
  if (self->kind == BASALT_PLOT_TRACES)
    self->have_data = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_plot_set_follow (BasaltPlot *self,
                        gboolean    follow)
{
  g_return_if_fail (BASALT_IS_PLOT (self));

  follow = !!follow;
  if (self->follow != follow)
    {
      if (!follow)
        basalt_plot_get_view (self, NULL, &self->view_end);
      self->follow = follow;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
    }
}

gboolean
basalt_plot_get_follow (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), FALSE);

  return self->follow;
}

void
basalt_plot_set_span (BasaltPlot *self,
                      double      span)
{
  double end;

  g_return_if_fail (BASALT_IS_PLOT (self));

  span = CLAMP (span, MIN_SPAN, MAX ((double) self->history, MIN_SPAN));
  if (self->span == span)
    return;

  /* Zoom about the right edge of the view, which is what a user watching a run looks at. */
  basalt_plot_get_view (self, NULL, &end);
  self->span = span;
  self->view_end = end;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN]);
}

double
basalt_plot_get_span (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), 0);

  return self->span;
}

void
basalt_plot_scroll (BasaltPlot *self,
                    double      delta)
{
  double t1;

  g_return_if_fail (BASALT_IS_PLOT (self));

  basalt_plot_get_view (self, NULL, &t1);
  basalt_plot_set_follow (self, FALSE);
  /* Stay within what is recorded; scrolling past the newest data follows it again. */
  t1 = MAX (t1 + delta, self->t_first + self->span);
  if (t1 >= self->t_last)
    {
      basalt_plot_set_follow (self, TRUE);
      return;
    }
  self->view_end = t1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

guint
basalt_plot_get_n_draws (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), 0);

  return self->n_draws;
}

double
basalt_plot_get_last_draw_ms (BasaltPlot *self)
{
  g_return_val_if_fail (BASALT_IS_PLOT (self), 0);

  return self->last_draw_ms;
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
