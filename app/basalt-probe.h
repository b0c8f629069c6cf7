/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BASALT_TYPE_PROBE (basalt_probe_get_type ())

G_DECLARE_FINAL_TYPE (BasaltProbe, basalt_probe, BASALT, PROBE, GObject)

/* What a run records of one target ("proc.s_out", "proc.v"), as the simulation brings it over
 * from the engine; views draw it. Spikes (s_out) are a raster of every neuron, anything else
 * traces of a few chosen neurons or synapses, its series.
 *
 * Properties: "target", "title" (the target, or the target and why nothing is recorded).
 * Signals: "layout-changed" () the series or the raster's rows changed; "cleared" () the data
 * recorded so far was dropped (a new run or a reset); "rows-arrived" (gint64 first_step,
 * guint n_rows) new steps, read with basalt_probe_peek_rows() while the signal runs. */

const char   *basalt_probe_get_target       (BasaltProbe *self);
/* The Var or port recorded (the part of the target after the dot). */
const char   *basalt_probe_get_var          (BasaltProbe *self);
const char   *basalt_probe_get_title        (BasaltProbe *self);
gboolean      basalt_probe_is_raster        (BasaltProbe *self);
/* Traces: the series shown, in order, and their labels ("v[3]", "weights[0,1]"). */
guint         basalt_probe_get_n_series     (BasaltProbe *self);
const char   *basalt_probe_get_series_label (BasaltProbe *self,
                                             guint        series);
/* Raster: the neurons recorded (0 until a run records them). */
guint         basalt_probe_get_n_rows       (BasaltProbe *self);
/* During "rows-arrived": n_rows rows of *width values each, row after row. A raster's row has
 * a value per neuron (non-zero: a spike); a trace's row a value per series. */
const double *basalt_probe_peek_rows        (BasaltProbe *self,
                                             guint       *width);

G_END_DECLS
