/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "basalt-simulation.h"
#include "basalt-weight-map.h"

G_BEGIN_DECLS

#define BASALT_TYPE_WEIGHT_VIEW (basalt_weight_view_get_type ())

G_DECLARE_FINAL_TYPE (BasaltWeightView, basalt_weight_view, BASALT, WEIGHT_VIEW, GtkBox)

/* The weight matrix of one plastic connection of the running network, with a header naming it
 * and the step shown. While the network runs, the weights are read from the run at most every
 * BASALT_WEIGHT_VIEW_INTERVAL_MS (however fast it steps), or less often when a read and its
 * image cost more than a tenth of that, and once more when the run stops or pauses, so that
 * the map always ends on the last step. */
#define BASALT_WEIGHT_VIEW_INTERVAL_MS 50

/* Enter in the header's synapse chooser asks the page to plot them: it activates
 * "sim.plot-synapses" with (process, text), e.g. "0,1; 2,3" (post,pre pairs). */

GtkWidget       *basalt_weight_view_new         (BasaltSimulation *simulation);
/* The connection to show (NULL: none, and the view hides); its matrix is read from the run at
 * once if there is one. A view hidden by its close button stays hidden until the user chooses
 * a plastic connection (chosen). */
void             basalt_weight_view_show_process (BasaltWeightView *self,
                                                  const char       *process,
                                                  gboolean          chosen);
const char      *basalt_weight_view_get_process (BasaltWeightView *self);
/* Reads the weights from the run now. */
void             basalt_weight_view_refresh     (BasaltWeightView *self);
BasaltWeightMap *basalt_weight_view_get_map     (BasaltWeightView *self);
GtkEditable     *basalt_weight_view_get_synapses_entry (BasaltWeightView *self);
/* Marks the chooser's text as refused (or no longer). */
void             basalt_weight_view_mark_synapses (BasaltWeightView *self,
                                                   gboolean          refused);
/* What the last read of the weights took (the run's lock, the copy), in milliseconds. */
double           basalt_weight_view_get_last_read_ms (BasaltWeightView *self);

G_END_DECLS
