/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "basalt-document.h"
#include "basalt-graph-canvas.h"
#include "basalt-inspector.h"
#include "basalt-palette.h"
#include "basalt-plot.h"
#include "basalt-simulation.h"
#include "basalt-weight-view.h"

G_BEGIN_DECLS

#define BASALT_TYPE_DESIGNER_PAGE (basalt_designer_page_get_type ())

G_DECLARE_FINAL_TYPE (BasaltDesignerPage, basalt_designer_page, BASALT, DESIGNER_PAGE, GtkBox)

/* The Designer: palette, canvas, live plots and inspector of the document's network, and its
 * run. Its actions are "graph.*" (editing the canvas) and "sim.*" (running and probing). It
 * reports refusals and errors by activating "win.show-message" with the text. */

GtkWidget         *basalt_designer_page_new            (BasaltDocument     *document);
BasaltDocument    *basalt_designer_page_get_document   (BasaltDesignerPage *self);
BasaltSimulation  *basalt_designer_page_get_simulation (BasaltDesignerPage *self);
BasaltGraphCanvas *basalt_designer_page_get_canvas     (BasaltDesignerPage *self);
BasaltInspector   *basalt_designer_page_get_inspector  (BasaltDesignerPage *self);
BasaltPalette     *basalt_designer_page_get_palette    (BasaltDesignerPage *self);
/* The plot of a probe of the simulation (NULL: none of that target). */
BasaltPlot        *basalt_designer_page_get_probe_plot (BasaltDesignerPage *self,
                                                        const char         *target);
/* The weight matrix of the plastic connection selected (or the first one). */
BasaltWeightView  *basalt_designer_page_get_weight_view (BasaltDesignerPage *self);

/* Compiles if needed and starts the run (n_steps < 0: until paused). */
gboolean           basalt_designer_page_run            (BasaltDesignerPage *self,
                                                        gint64              n_steps,
                                                        GError            **error);
/* Stops the run for good (the window closes). */
void               basalt_designer_page_stop           (BasaltDesignerPage *self);

G_END_DECLS
