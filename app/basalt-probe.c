/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "basalt-probe-private.h"

struct _BasaltProbe
{
  GObject       parent_instance;

  char         *target;
  char         *var;
  char         *title;
  gboolean      raster;
  GPtrArray    *series_labels;   /* char* */
  guint         n_rows;

  /* The rows being announced by "rows-arrived" (borrowed, NULL otherwise) */
  const double *rows;
  guint         width;
};

G_DEFINE_FINAL_TYPE (BasaltProbe, basalt_probe, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TARGET,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LAYOUT_CHANGED,
  CLEARED,
  ROWS_ARRIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
basalt_probe_get_target (BasaltProbe *self)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), NULL);

  return self->target;
}

const char *
basalt_probe_get_var (BasaltProbe *self)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), NULL);

  return self->var;
}

const char *
basalt_probe_get_title (BasaltProbe *self)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), NULL);

  return self->title;
}

gboolean
basalt_probe_is_raster (BasaltProbe *self)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), FALSE);

  return self->raster;
}

guint
basalt_probe_get_n_series (BasaltProbe *self)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), 0);

  return self->series_labels->len;
}

const char *
basalt_probe_get_series_label (BasaltProbe *self,
                               guint        series)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), NULL);
  g_return_val_if_fail (series < self->series_labels->len, NULL);

  return g_ptr_array_index (self->series_labels, series);
}

guint
basalt_probe_get_n_rows (BasaltProbe *self)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), 0);

  return self->n_rows;
}

const double *
basalt_probe_peek_rows (BasaltProbe *self,
                        guint       *width)
{
  g_return_val_if_fail (BASALT_IS_PROBE (self), NULL);

  if (width != NULL)
    *width = self->width;
  return self->rows;
}

BasaltProbe *
_basalt_probe_new (const char *target,
                   const char *var,
                   gboolean    raster)
{
  BasaltProbe *self = g_object_new (BASALT_TYPE_PROBE, "target", target, NULL);

  self->var = g_strdup (var);
  self->raster = raster;
  return self;
}

void
_basalt_probe_set_title (BasaltProbe *self,
                         const char  *title)
{
  g_return_if_fail (BASALT_IS_PROBE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
_basalt_probe_set_series (BasaltProbe        *self,
                          const char *const  *labels,
                          guint               n_series)
{
  g_return_if_fail (BASALT_IS_PROBE (self));

  g_ptr_array_set_size (self->series_labels, 0);
  for (guint i = 0; i < n_series; i++)
    g_ptr_array_add (self->series_labels, g_strdup (labels[i]));
  g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
}

void
_basalt_probe_set_n_rows (BasaltProbe *self,
                          guint        n_rows)
{
  g_return_if_fail (BASALT_IS_PROBE (self));

  self->n_rows = n_rows;
  g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
}

void
_basalt_probe_clear (BasaltProbe *self)
{
  g_return_if_fail (BASALT_IS_PROBE (self));

  g_signal_emit (self, signals[CLEARED], 0);
}

void
_basalt_probe_push_rows (BasaltProbe  *self,
                         gint64        first_step,
                         guint         n_rows,
                         guint         width,
                         const double *values)
{
  g_return_if_fail (BASALT_IS_PROBE (self));

  if (n_rows == 0)
    return;
  self->rows = values;
  self->width = width;
  g_signal_emit (self, signals[ROWS_ARRIVED], 0, first_step, n_rows);
  self->rows = NULL;
  self->width = 0;
}

static void
basalt_probe_finalize (GObject *object)
{
  BasaltProbe *self = BASALT_PROBE (object);

  g_free (self->target);
  g_free (self->var);
  g_free (self->title);
  g_ptr_array_unref (self->series_labels);

  G_OBJECT_CLASS (basalt_probe_parent_class)->finalize (object);
}

static void
basalt_probe_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  BasaltProbe *self = BASALT_PROBE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_string (value, self->target);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_probe_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  BasaltProbe *self = BASALT_PROBE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      self->target = g_value_dup_string (value);
      self->title = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_probe_class_init (BasaltProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = basalt_probe_finalize;
  object_class->get_property = basalt_probe_get_property;
  object_class->set_property = basalt_probe_set_property;

  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LAYOUT_CHANGED] =
    g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[CLEARED] =
    g_signal_new ("cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[ROWS_ARRIVED] =
    g_signal_new ("rows-arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_UINT);
}

static void
basalt_probe_init (BasaltProbe *self)
{
  self->series_labels = g_ptr_array_new_with_free_func (g_free);
}
