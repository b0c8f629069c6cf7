/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <plplot.h>

#include "basalt-plot.h"

G_BEGIN_DECLS

/* Shared by the plot's files: the data it holds (basalt-plot-data.c), its PLplot rendering
 * (basalt-plot-render.c) and the widget (basalt-plot.c). */

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

/* basalt-plot-data.c */
void _basalt_plot_series_free (gpointer data);
gsize _basalt_plot_lower_bound_double (GArray *times,
                                       double  t);
gsize _basalt_plot_lower_bound_event (GArray *events,
                                      double  t);
void _basalt_plot_decimate_minmax (BasaltPlot    *self,
                                   const Series  *series,
                                   gsize          begin,
                                   gsize          end,
                                   double         t0,
                                   double         t1,
                                   guint          n_columns,
                                   const double **out_x,
                                   const double **out_y,
                                   gsize         *out_n);
void _basalt_plot_visible_y_range (BasaltPlot *self,
                                   guint       first,
                                   guint       last,
                                   double      t0,
                                   double      t1,
                                   double     *ymin,
                                   double     *ymax);

/* basalt-plot-render.c */
void _basalt_plot_destroy_stream (BasaltPlot *self);
void _basalt_plot_draw (GtkDrawingArea *area,
                        cairo_t        *cr,
                        int             width,
                        int             height,
                        gpointer        user_data);

G_END_DECLS
