/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "basalt-graph-canvas.h"

G_BEGIN_DECLS

/* The steps of dragging a wire, for tests: the drag gesture goes through the same functions. */

/* Wiring, as the drag gesture does it: begin at a port, move, end (connects when valid). */
gboolean    basalt_graph_canvas_begin_wire         (BasaltGraphCanvas *self,
                                                    const char        *process,
                                                    const char        *port);
/* Returns whether a wire dropped here would be accepted. */
gboolean    basalt_graph_canvas_update_wire        (BasaltGraphCanvas *self,
                                                    double             wx,
                                                    double             wy);
gboolean    basalt_graph_canvas_end_wire           (BasaltGraphCanvas *self,
                                                    double             wx,
                                                    double             wy);
/* Why the wire under the pointer is refused (or was, at the last drop); NULL when it is not. */
const char *basalt_graph_canvas_get_message        (BasaltGraphCanvas *self);

G_END_DECLS
