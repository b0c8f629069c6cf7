/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A time plot drawn by PLplot through its extcairo device. PLplot keeps its state in global
 * streams and is not thread-safe: each plot owns one stream, selects it around every use and
 * restores the previous one, and is only ever touched from the GTK main thread. Data are handed
 * in by the owner (appended per step), never read from the engine here.
 *
 * This file holds the widget and its view (the time window); the data are in basalt-plot-data.c
 * and the drawing in basalt-plot-render.c. */

#include "config.h"

#include "bsl-strings.h"

#include "basalt-plot-private.h"

G_DEFINE_FINAL_TYPE (BasaltPlot, basalt_plot, GTK_TYPE_DRAWING_AREA)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_FOLLOW,
  PROP_SPAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

  _basalt_plot_destroy_stream (self);

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
  self->series = g_ptr_array_new_with_free_func (_basalt_plot_series_free);
  self->dec_x = g_array_new (FALSE, FALSE, sizeof (double));
  self->dec_y = g_array_new (FALSE, FALSE, sizeof (double));

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 200, 140);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), _basalt_plot_draw, NULL, NULL);

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
