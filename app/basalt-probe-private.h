/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* How the simulation (basalt-simulation.c) fills a probe. */

#include "basalt-probe.h"

G_BEGIN_DECLS

BasaltProbe *_basalt_probe_new        (const char         *target,
                                       const char         *var,
                                       gboolean            raster);
void         _basalt_probe_set_title  (BasaltProbe        *self,
                                       const char         *title);
/* Replaces the traces' series (labels: n_series of them). */
void         _basalt_probe_set_series (BasaltProbe        *self,
                                       const char *const  *labels,
                                       guint               n_series);
void         _basalt_probe_set_n_rows (BasaltProbe        *self,
                                       guint               n_rows);
void         _basalt_probe_clear      (BasaltProbe        *self);
/* Emits "rows-arrived" for n_rows rows of width values (values is read during the emission). */
void         _basalt_probe_push_rows  (BasaltProbe        *self,
                                       gint64              first_step,
                                       guint               n_rows,
                                       guint               width,
                                       const double       *values);

G_END_DECLS
