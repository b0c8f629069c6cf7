/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "basalt-weight-view.h"

struct _BasaltWeightView
{
  GtkBox            parent_instance;

  GtkLabel         *title;
  GtkButton        *close;
  GtkEntry         *synapses;
  BasaltWeightMap  *map;

  BasaltSimulation *simulation;
  char             *process;
  gint64            last_read;      /* monotonic time of the last read, in microseconds */
  guint             pending_read;   /* a read put off to keep to the interval */
  gboolean          closed;         /* hidden by its close button */
  double            last_read_ms;   /* what the last read cost the interface */
};

G_DEFINE_FINAL_TYPE (BasaltWeightView, basalt_weight_view, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_SIMULATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


static void
show_title (BasaltWeightView *self, const BslArray *weights)
{
  g_autofree char *text = NULL;

  if (self->process == NULL)
    text = g_strdup ("");
  else if (weights == NULL || weights->ndim != 2)
    text = g_strdup_printf ("%s.weights: weight matrix", self->process);
  else
    text = g_strdup_printf ("%s.weights: %" G_GSIZE_FORMAT " post × %" G_GSIZE_FORMAT " pre, step %"
                            G_GINT64_FORMAT, self->process, weights->dims[0], weights->dims[1],
                            basalt_weight_map_get_step (self->map));
  gtk_label_set_text (self->title, text);
}

void
basalt_weight_view_refresh (BasaltWeightView *self)
{
  g_autoptr(BslArray) weights = NULL;
  gint64 step = 0;

  g_return_if_fail (BASALT_IS_WEIGHT_VIEW (self));

  g_clear_handle_id (&self->pending_read, g_source_remove);
  self->last_read = g_get_monotonic_time ();
  if (self->process == NULL)
    return;
  /* Without a run, or for a connection added after the run began, the map waits. */
  weights = basalt_simulation_dup_var (self->simulation, self->process, "weights", &step, NULL);
  if (weights != NULL && weights->ndim == 2 && weights->n > 0)
    basalt_weight_map_set_weights (self->map, weights->data, weights->dims[0], weights->dims[1], step);
  show_title (self, weights);
  self->last_read_ms = (g_get_monotonic_time () - self->last_read) / 1000.0;
}

double
basalt_weight_view_get_last_read_ms (BasaltWeightView *self)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_VIEW (self), 0);
  return self->last_read_ms;
}

/* Reads (and the image they lead to) take at most about a tenth of the interface's time. */
static double
read_interval_ms (BasaltWeightView *self)
{
  double cost = self->last_read_ms + basalt_weight_map_get_last_image_ms (self->map);

  return MAX (BASALT_WEIGHT_VIEW_INTERVAL_MS, 10 * cost);
}

static gboolean
read_put_off (gpointer data)
{
  BasaltWeightView *self = data;

  self->pending_read = 0;
  basalt_weight_view_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Every step notified, at most one read per interval; the last one is never dropped. */
static void
on_simulation_progress (BasaltWeightView *self)
{
  double since = (g_get_monotonic_time () - self->last_read) / 1000.0, interval = read_interval_ms (self);

  if (self->process == NULL || !gtk_widget_get_visible (GTK_WIDGET (self)))
    return;
  if (basalt_simulation_get_state (self->simulation) != BASALT_SIMULATION_RUNNING || since >= interval)
    basalt_weight_view_refresh (self);
  else if (self->pending_read == 0)
    self->pending_read = g_timeout_add ((guint) ceil (interval - since), read_put_off, self);
}

void
basalt_weight_view_show_process (BasaltWeightView *self, const char *process, gboolean chosen)
{
  g_return_if_fail (BASALT_IS_WEIGHT_VIEW (self));

  if (chosen)
    self->closed = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self), process != NULL && !self->closed);
  if (g_strcmp0 (process, self->process) == 0)
    return;
  g_free (self->process);
  self->process = g_strdup (process);
  basalt_weight_map_clear (self->map);
  basalt_weight_view_refresh (self);
}

const char *
basalt_weight_view_get_process (BasaltWeightView *self)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_VIEW (self), NULL);
  return self->process;
}

BasaltWeightMap *
basalt_weight_view_get_map (BasaltWeightView *self)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_VIEW (self), NULL);
  return self->map;
}

static void
on_synapses_activate (GtkEntry *entry, BasaltWeightView *self)
{
  if (self->process != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "sim.plot-synapses", "(ss)", self->process,
                                gtk_editable_get_text (GTK_EDITABLE (entry)));
}

GtkEditable *
basalt_weight_view_get_synapses_entry (BasaltWeightView *self)
{
  g_return_val_if_fail (BASALT_IS_WEIGHT_VIEW (self), NULL);
  return GTK_EDITABLE (self->synapses);
}

void
basalt_weight_view_mark_synapses (BasaltWeightView *self, gboolean refused)
{
  g_return_if_fail (BASALT_IS_WEIGHT_VIEW (self));
  if (refused)
    gtk_widget_add_css_class (GTK_WIDGET (self->synapses), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->synapses), "error");
}

static void
on_close (GtkButton *button, BasaltWeightView *self)
{
  self->closed = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
basalt_weight_view_dispose (GObject *object)
{
  BasaltWeightView *self = BASALT_WEIGHT_VIEW (object);

  g_clear_handle_id (&self->pending_read, g_source_remove);
  if (self->simulation != NULL)
    g_signal_handlers_disconnect_by_data (self->simulation, self);
  g_clear_object (&self->simulation);
  gtk_widget_dispose_template (GTK_WIDGET (object), BASALT_TYPE_WEIGHT_VIEW);
  G_OBJECT_CLASS (basalt_weight_view_parent_class)->dispose (object);
}

static void
basalt_weight_view_finalize (GObject *object)
{
  g_free (BASALT_WEIGHT_VIEW (object)->process);
  G_OBJECT_CLASS (basalt_weight_view_parent_class)->finalize (object);
}

static void
basalt_weight_view_constructed (GObject *object)
{
  BasaltWeightView *self = BASALT_WEIGHT_VIEW (object);

  G_OBJECT_CLASS (basalt_weight_view_parent_class)->constructed (object);

  g_signal_connect_swapped (self->simulation, "notify::time", G_CALLBACK (on_simulation_progress), self);
  g_signal_connect_swapped (self->simulation, "notify::state", G_CALLBACK (on_simulation_progress), self);
}

static void
basalt_weight_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BasaltWeightView *self = BASALT_WEIGHT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SIMULATION:
      g_value_set_object (value, self->simulation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_weight_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BasaltWeightView *self = BASALT_WEIGHT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SIMULATION:
      self->simulation = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_weight_view_class_init (BasaltWeightViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_weight_view_dispose;
  object_class->finalize = basalt_weight_view_finalize;
  object_class->constructed = basalt_weight_view_constructed;
  object_class->get_property = basalt_weight_view_get_property;
  object_class->set_property = basalt_weight_view_set_property;

  properties[PROP_SIMULATION] =
    g_param_spec_object ("simulation", NULL, NULL, BASALT_TYPE_SIMULATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_type_ensure (BASALT_TYPE_WEIGHT_MAP);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-weight-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltWeightView, title);
  gtk_widget_class_bind_template_child (widget_class, BasaltWeightView, close);
  gtk_widget_class_bind_template_child (widget_class, BasaltWeightView, synapses);
  gtk_widget_class_bind_template_child (widget_class, BasaltWeightView, map);
}

static void
basalt_weight_view_init (BasaltWeightView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->close, "clicked", G_CALLBACK (on_close), self);
  g_signal_connect (self->synapses, "activate", G_CALLBACK (on_synapses_activate), self);
}

GtkWidget *
basalt_weight_view_new (BasaltSimulation *simulation)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (simulation), NULL);

  return g_object_new (BASALT_TYPE_WEIGHT_VIEW, "simulation", simulation, NULL);
}
