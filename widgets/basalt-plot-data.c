/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The data a plot holds: raster events and traces, trimmed to the history, and the queries
 * the drawing makes of them (what falls in the view, reduced to what the pixels can show). */

#include "config.h"

#include <math.h>

#include "basalt-plot-private.h"

void
_basalt_plot_series_free (gpointer data)
{
  Series *series = data;

  g_free (series->label);
  g_array_unref (series->t);
  g_array_unref (series->y);
  g_free (series);
}

/* First index whose time is >= t in a GArray of doubles (ascending). */
gsize
_basalt_plot_lower_bound_double (GArray *times,
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

gsize
_basalt_plot_lower_bound_event (GArray *events,
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
void
_basalt_plot_decimate_minmax (BasaltPlot    *self,
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
void
_basalt_plot_visible_y_range (BasaltPlot *self,
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
      gsize begin = _basalt_plot_lower_bound_double (series->t, t0);

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
    g_array_remove_range (self->events, 0, _basalt_plot_lower_bound_event (self->events, keep_from));

  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      gsize n = _basalt_plot_lower_bound_double (series->t, keep_from);

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
