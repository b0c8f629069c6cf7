/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "basalt-weight-map.h"

/* Room around the matrix for the axis labels and the colour scale. */
#define MARGIN_LEFT   44.0
#define MARGIN_TOP    10.0
#define MARGIN_RIGHT  76.0
#define MARGIN_BOTTOM 30.0
#define SCALE_WIDTH   12.0
#define SCALE_GAP     10.0
#define MAX_IMAGE_SIDE 4096
/* Odd, so that 0 on a diverging scale has a colour of its own. */
#define N_COLORS 257

struct _BasaltWeightMap
{
  GtkWidget   parent_instance;

  double     *weights;
  gsize       n_post, n_pre;
  gint64      step;
  double      lowest, highest;   /* the colour range: widens only */

  GdkTexture *image;             /* the matrix at the size it was made for */
  int         image_width, image_height;
  gboolean    image_stale;
  double      last_image_ms;
};

G_DEFINE_FINAL_TYPE (BasaltWeightMap, basalt_weight_map, GTK_TYPE_WIDGET)

typedef struct { double at; guint8 r, g, b; } ColorStop;

/* Sequential (viridis-like) for weights of one sign; diverging blue, white, red for signed. */
static const ColorStop sequential_stops[] = {
  { 0.00, 0x44, 0x01, 0x54 }, { 0.25, 0x3b, 0x52, 0x8b }, { 0.50, 0x21, 0x91, 0x8c },
  { 0.75, 0x5e, 0xc9, 0x62 }, { 1.00, 0xfd, 0xe7, 0x25 },
};
static const ColorStop diverging_stops[] = {
  { 0.00, 0x21, 0x66, 0xac }, { 0.25, 0x67, 0xa9, 0xcf }, { 0.50, 0xf7, 0xf7, 0xf7 },
  { 0.75, 0xef, 0x8a, 0x62 }, { 1.00, 0xb2, 0x18, 0x2b },
};

static gboolean
is_diverging (BasaltWeightMap *self)
{
  return self->lowest < 0 && self->highest > 0;
}

/* The colour at t in [0, 1] of the map in use. */
static void
color_at (BasaltWeightMap *self, double t, guint8 rgb[3])
{
  const ColorStop *stops = is_diverging (self) ? diverging_stops : sequential_stops;
  guint n = 5, k = 1;
  double f;

  t = CLAMP (t, 0, 1);
  while (k < n - 1 && t > stops[k].at)
    k++;
  f = (t - stops[k - 1].at) / (stops[k].at - stops[k - 1].at);
  rgb[0] = (guint8) lround (stops[k - 1].r + f * (stops[k].r - stops[k - 1].r));
  rgb[1] = (guint8) lround (stops[k - 1].g + f * (stops[k].g - stops[k - 1].g));
  rgb[2] = (guint8) lround (stops[k - 1].b + f * (stops[k].b - stops[k - 1].b));
}

/* The ends of the scale: symmetric around 0 for signed weights. */
static void
scale_ends (BasaltWeightMap *self, double *bottom, double *top)
{
  if (is_diverging (self))
    {
      double m = MAX (-self->lowest, self->highest);
      *bottom = -m;
      *top = m;
    }
  else
    {
      *bottom = self->lowest;
      *top = self->highest > self->lowest ? self->highest : self->lowest + 1;
    }
}

static void
matrix_area (BasaltWeightMap *self, graphene_rect_t *area)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));

  graphene_rect_init (area, MARGIN_LEFT, MARGIN_TOP, MAX (width - MARGIN_LEFT - MARGIN_RIGHT, 0),
                      MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 0));
}

/* The source range [first, end) of an image pixel along an axis of n values shown in size
 * pixels: several values averaged when they outnumber the pixels, one repeated otherwise. */
static void
pixel_span (gsize pixel, gsize size, gsize n, gsize *first, gsize *end)
{
  *first = pixel * n / size;
  *end = MAX (*first + 1, (pixel + 1) * n / size);
}

/* One pass over the weights into an image of width x height device pixels. */
static void
make_image (BasaltWeightMap *self, int width, int height)
{
  gint64 start = g_get_monotonic_time ();
  guint32 lut[N_COLORS];
  gsize *column_first = g_new (gsize, width), *column_end = g_new (gsize, width);
  guint32 *pixels = g_new (guint32, (gsize) width * height);
  double bottom, top;
  g_autoptr(GBytes) bytes = NULL;

  scale_ends (self, &bottom, &top);
  for (int k = 0; k < N_COLORS; k++)
    {
      guint8 rgb[3];
      color_at (self, k / (N_COLORS - 1.0), rgb);
      lut[k] = 0xff000000u | ((guint32) rgb[0] << 16) | ((guint32) rgb[1] << 8) | rgb[2];
    }
  for (int x = 0; x < width; x++)
    pixel_span (x, width, self->n_pre, &column_first[x], &column_end[x]);
  for (int y = 0; y < height; y++)
    {
      gsize row_first, row_end;

      pixel_span (y, height, self->n_post, &row_first, &row_end);
      for (int x = 0; x < width; x++)
        {
          double sum = 0;
          int index;

          for (gsize r = row_first; r < row_end; r++)
            {
              const double *row = self->weights + r * self->n_pre;
              for (gsize c = column_first[x]; c < column_end[x]; c++)
                sum += row[c];
            }
          sum /= (double) ((row_end - row_first) * (column_end[x] - column_first[x]));
          index = (int) lround ((sum - bottom) / (top - bottom) * (N_COLORS - 1));
          pixels[(gsize) y * width + x] = lut[CLAMP (index, 0, N_COLORS - 1)];
        }
    }
  g_free (column_first);
  g_free (column_end);
  bytes = g_bytes_new_take (pixels, (gsize) width * height * 4);
  g_clear_object (&self->image);
  /* Opaque BGRA words in memory order on a little-endian machine, ARGB words in general. */
  self->image = gdk_memory_texture_new (width, height,
                                        G_BYTE_ORDER == G_LITTLE_ENDIAN ? GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
                                                                        : GDK_MEMORY_A8R8G8B8_PREMULTIPLIED,
                                        bytes, (gsize) width * 4);
  self->image_width = width;
  self->image_height = height;
  self->image_stale = FALSE;
  self->last_image_ms = (g_get_monotonic_time () - start) / 1000.0;
}

static PangoLayout *
label_layout (BasaltWeightMap *self, const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 8");

  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

/* Text with its anchor point at (x, y): xalign/yalign 0 left/top, 0.5 centre, 1 right/bottom. */
static void
draw_label (BasaltWeightMap *self, GtkSnapshot *snapshot, const char *text, double x, double y,
            double xalign, double yalign)
{
  static const GdkRGBA ink = { 0.2, 0.2, 0.2, 1 };
  g_autoptr(PangoLayout) layout = label_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) round (x - xalign * w),
                                                          (float) round (y - yalign * h)));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);
}

static void
draw_axes (BasaltWeightMap *self, GtkSnapshot *snapshot, const graphene_rect_t *area)
{
  g_autofree char *last_pre = g_strdup_printf ("%" G_GSIZE_FORMAT, self->n_pre - 1);
  g_autofree char *last_post = g_strdup_printf ("%" G_GSIZE_FORMAT, self->n_post - 1);
  double x0 = area->origin.x, y0 = area->origin.y;
  double x1 = x0 + area->size.width, y1 = y0 + area->size.height;

  draw_label (self, snapshot, "0", x0, y1 + 2, 0, 0);
  if (self->n_pre > 1)
    draw_label (self, snapshot, last_pre, x1, y1 + 2, 1, 0);
  draw_label (self, snapshot, "pre", (x0 + x1) / 2, y1 + 2, 0.5, 0);
  draw_label (self, snapshot, "0", x0 - 4, y0, 1, 0);
  if (self->n_post > 1)
    draw_label (self, snapshot, last_post, x0 - 4, y1, 1, 1);
  draw_label (self, snapshot, "post", x0 - 4, (y0 + y1) / 2, 1, 0.5);
}

static void
format_weight (char *buffer, gsize size, double value)
{
  g_ascii_formatd (buffer, size, fabs (value) >= 1e4 || (value != 0 && fabs (value) < 1e-2) ? "%.2e" : "%.4g",
                   value);
}

/* The colour scale: a gradient from the lowest weight (bottom) to the highest, labelled. */
static void
draw_scale (BasaltWeightMap *self, GtkSnapshot *snapshot, const graphene_rect_t *area)
{
  GskColorStop stops[9];
  graphene_rect_t bar;
  double bottom, top;
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  graphene_rect_init (&bar, area->origin.x + area->size.width + SCALE_GAP, area->origin.y, SCALE_WIDTH,
                      area->size.height);
  scale_ends (self, &bottom, &top);
  for (guint k = 0; k < G_N_ELEMENTS (stops); k++)
    {
      double t = k / (G_N_ELEMENTS (stops) - 1.0);
      guint8 rgb[3];

      color_at (self, 1 - t, rgb);
      stops[k].offset = (float) t;
      stops[k].color = (GdkRGBA) { rgb[0] / 255.f, rgb[1] / 255.f, rgb[2] / 255.f, 1 };
    }
  gtk_snapshot_append_linear_gradient (snapshot, &bar, &bar.origin,
                                       &GRAPHENE_POINT_INIT (bar.origin.x, bar.origin.y + bar.size.height),
                                       stops, G_N_ELEMENTS (stops));
  format_weight (text, sizeof text, top);
  draw_label (self, snapshot, text, bar.origin.x + SCALE_WIDTH + 4, bar.origin.y, 0, 0);
  format_weight (text, sizeof text, bottom);
  draw_label (self, snapshot, text, bar.origin.x + SCALE_WIDTH + 4, bar.origin.y + bar.size.height, 0, 1);
  if (is_diverging (self))
    draw_label (self, snapshot, "0", bar.origin.x + SCALE_WIDTH + 4, bar.origin.y + bar.size.height / 2, 0, 0.5);
}

static void
basalt_weight_map_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BasaltWeightMap *self = BASALT_WEIGHT_MAP (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  graphene_rect_t area;
  int width, height;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget)));
  matrix_area (self, &area);
  if (self->weights == NULL)
    {
      draw_label (self, snapshot, "Run the network to see these weights learn",
                  gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0, 0.5, 0.5);
      return;
    }
  width = MIN ((int) area.size.width * scale, MAX_IMAGE_SIDE);
  height = MIN ((int) area.size.height * scale, MAX_IMAGE_SIDE);
  if (width < 1 || height < 1)
    return;
  if (self->image == NULL || self->image_stale || width != self->image_width || height != self->image_height)
    make_image (self, width, height);
  gtk_snapshot_append_texture (snapshot, self->image, &area);
  draw_axes (self, snapshot, &area);
  draw_scale (self, snapshot, &area);
}

static gboolean
basalt_weight_map_query_tooltip (GtkWidget  *widget,
                                 int         x,
                                 int         y,
                                 gboolean    keyboard,
                                 GtkTooltip *tooltip)
{
  BasaltWeightMap *self = BASALT_WEIGHT_MAP (widget);
  graphene_rect_t area;
  gsize post, pre;
  g_autofree char *text = NULL;
  char value[G_ASCII_DTOSTR_BUF_SIZE];

  matrix_area (self, &area);
  if (self->weights == NULL || keyboard || !graphene_rect_contains_point (&area, &GRAPHENE_POINT_INIT (x, y)) ||
      area.size.width < 1 || area.size.height < 1)
    return FALSE;
  post = MIN ((gsize) ((y - area.origin.y) / area.size.height * self->n_post), self->n_post - 1);
  pre = MIN ((gsize) ((x - area.origin.x) / area.size.width * self->n_pre), self->n_pre - 1);
  format_weight (value, sizeof value, self->weights[post * self->n_pre + pre]);
  text = g_strdup_printf ("post %" G_GSIZE_FORMAT ", pre %" G_GSIZE_FORMAT ": weight %s (step %" G_GINT64_FORMAT ")",
                          post, pre, value, self->step);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
basalt_weight_map_set_weights (BasaltWeightMap *self,
                               const double    *weights,
                               gsize            n_post,
                               gsize            n_pre,
                               gint64           step)
{
  g_return_if_fail (BASALT_IS_WEIGHT_MAP (self));
  g_return_if_fail (weights != NULL && n_post > 0 && n_pre > 0);

  if (self->weights == NULL || n_post != self->n_post || n_pre != self->n_pre)
    {
      g_free (self->weights);
      self->weights = g_new (double, n_post * n_pre);
      self->n_post = n_post;
      self->n_pre = n_pre;
      self->lowest = INFINITY;
      self->highest = -INFINITY;
    }
  memcpy (self->weights, weights, n_post * n_pre * sizeof (double));
  for (gsize k = 0; k < n_post * n_pre; k++)
    {
      if (weights[k] < self->lowest)
        self->lowest = weights[k];
      if (weights[k] > self->highest)
        self->highest = weights[k];
    }
  self->step = step;
  self->image_stale = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
basalt_weight_map_clear (BasaltWeightMap *self)
{
  g_return_if_fail (BASALT_IS_WEIGHT_MAP (self));

  g_clear_pointer (&self->weights, g_free);
  g_clear_object (&self->image);
  self->n_post = self->n_pre = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
basalt_weight_map_has_weights (BasaltWeightMap *self)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_MAP (self), FALSE);
  return self->weights != NULL;
}

gint64
basalt_weight_map_get_step (BasaltWeightMap *self)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_MAP (self), 0);
  return self->step;
}

void
basalt_weight_map_get_range (BasaltWeightMap *self, double *lowest, double *highest)
{
  g_return_if_fail (BASALT_IS_WEIGHT_MAP (self));
  scale_ends (self, lowest, highest);
}

double
basalt_weight_map_get_weight (BasaltWeightMap *self, gsize post, gsize pre)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_MAP (self), NAN);
  if (self->weights == NULL || post >= self->n_post || pre >= self->n_pre)
    return NAN;
  return self->weights[post * self->n_pre + pre];
}

double
basalt_weight_map_get_last_image_ms (BasaltWeightMap *self)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_MAP (self), 0);
  return self->last_image_ms;
}

static void
basalt_weight_map_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 240;
}

static void
basalt_weight_map_finalize (GObject *object)
{
  BasaltWeightMap *self = BASALT_WEIGHT_MAP (object);

  g_free (self->weights);
  g_clear_object (&self->image);
  G_OBJECT_CLASS (basalt_weight_map_parent_class)->finalize (object);
}

static void
basalt_weight_map_class_init (BasaltWeightMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = basalt_weight_map_finalize;
  widget_class->snapshot = basalt_weight_map_snapshot;
  widget_class->measure = basalt_weight_map_measure;
  widget_class->query_tooltip = basalt_weight_map_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "weightmap");
}

static void
basalt_weight_map_init (BasaltWeightMap *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
basalt_weight_map_new (void)
{
  return g_object_new (BASALT_TYPE_WEIGHT_MAP, NULL);
}
