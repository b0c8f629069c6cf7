/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  BASALT_PLOT_TRACES,   /* one line per series: a Var of chosen neurons over time */
  BASALT_PLOT_RASTER,   /* one row per neuron, a tick per spike */
} BasaltPlotKind;

#define BASALT_TYPE_PLOT (basalt_plot_get_type ())

G_DECLARE_FINAL_TYPE (BasaltPlot, basalt_plot, BASALT, PLOT, GtkDrawingArea)

GtkWidget     *basalt_plot_new                (BasaltPlotKind  kind);
BasaltPlotKind basalt_plot_get_kind           (BasaltPlot     *self);
void           basalt_plot_set_title          (BasaltPlot     *self,
                                               const char     *title);
const char    *basalt_plot_get_title          (BasaltPlot     *self);
/* Whether the title is drawn in the widget (exports always draw it). */
void           basalt_plot_set_show_title     (BasaltPlot     *self,
                                               gboolean        show_title);
void           basalt_plot_set_y_label        (BasaltPlot     *self,
                                               const char     *label);
/* What the plot says while it has no data (NULL: "no data yet: press Run"). */
void           basalt_plot_set_empty_text     (BasaltPlot     *self,
                                               const char     *text);
/* Drops all data (a reset of the run). */
void           basalt_plot_clear              (BasaltPlot     *self);
/* Steps older than the newest minus this are dropped as new ones arrive. */
void           basalt_plot_set_history        (BasaltPlot     *self,
                                               gsize           n_steps);

/* Raster: every non-zero value of a step is a spike of that row. */
void           basalt_plot_set_n_rows         (BasaltPlot     *self,
                                               guint           n_rows);
void           basalt_plot_append_raster_step (BasaltPlot     *self,
                                               double          t,
                                               const double   *values,
                                               gsize           n_values);
gsize          basalt_plot_get_n_spikes       (BasaltPlot     *self);

/* Traces: series are drawn in the order they were added, each in its own colour. */
guint          basalt_plot_add_series         (BasaltPlot     *self,
                                               const char     *label);
void           basalt_plot_append_sample      (BasaltPlot     *self,
                                               guint           series,
                                               double          t,
                                               double          y);
/* Replaces a series' data (t ascending). */
void           basalt_plot_set_series_data    (BasaltPlot     *self,
                                               guint           series,
                                               const double   *t,
                                               const double   *y,
                                               gsize           n);
guint          basalt_plot_get_n_series       (BasaltPlot     *self);
/* Each series in a row of its own, with its own y range (many neurons stay readable), instead
 * of all of them over each other. */
void           basalt_plot_set_rows           (BasaltPlot     *self,
                                               gboolean        rows);
gboolean       basalt_plot_get_rows           (BasaltPlot     *self);
/* Removes every series (a new choice of what to trace). */
void           basalt_plot_clear_series       (BasaltPlot     *self);

/* The visible time window: follow the newest data, or stay where the user scrolled. */
void           basalt_plot_set_follow         (BasaltPlot     *self,
                                               gboolean        follow);
gboolean       basalt_plot_get_follow         (BasaltPlot     *self);
void           basalt_plot_set_span           (BasaltPlot     *self,
                                               double          span);
double         basalt_plot_get_span           (BasaltPlot     *self);
/* Moves the window by delta time units (negative = back in time); stops following. */
void           basalt_plot_scroll             (BasaltPlot     *self,
                                               double          delta);
void           basalt_plot_get_view           (BasaltPlot     *self,
                                               double         *t0,
                                               double         *t1);

/* Draws into any cairo context (the widget uses it; so do export and tests). */
void           basalt_plot_render             (BasaltPlot     *self,
                                               cairo_t        *cr,
                                               int             width,
                                               int             height);
/* PNG, SVG or PDF, chosen by the file name's extension. */
gboolean       basalt_plot_export             (BasaltPlot     *self,
                                               const char     *path,
                                               int             width,
                                               int             height,
                                               GError        **error);

guint          basalt_plot_get_n_draws        (BasaltPlot     *self);
double         basalt_plot_get_last_draw_ms   (BasaltPlot     *self);

/* The colour spikes are drawn in (tests look for it in rendered pixels). */
void           basalt_plot_get_raster_rgb     (guint8         *r,
                                               guint8         *g,
                                               guint8         *b);

G_END_DECLS
