/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bsl-graph.h"

G_BEGIN_DECLS

#define BASALT_TYPE_GRAPH_CANVAS (basalt_graph_canvas_get_type ())

G_DECLARE_FINAL_TYPE (BasaltGraphCanvas, basalt_graph_canvas, BASALT, GRAPH_CANVAS, GtkWidget)

/* The canvas shows a graph and turns gestures into requests, the owner's typed actions; it never
 * edits the graph itself, so the owner can make every edit an undoable command. Positions are in
 * canvas units.
 *   graph.connect (from_process, from_port, to_process, to_port)   a wire dropped on a port that accepts it
 *   graph.add-process-at (type, x, y)          a type dropped on the canvas: its node's place
 *   graph.move-processes ([(name, x, y)])      nodes dragged: their new places
 *   graph.move-group (group, x, y)             a collapsed group dragged: its new place
 *   graph.open-group (group)                   double click on a collapsed group
 *   graph.rename                               double click on a node
 *   win.show-message (reason)                  a wire dropped on a port that refuses it
 * Its menus name the owner's other graph.* actions.
 *
 * Property "selection" (GStrv): the selected processes, notified when the selection changes.
 * Signal populate-menu (const char *name, GMenu *menu): before a node's menu opens.
 *
 * Groups come from the graph's "groups" array ({"name", "members", "collapsed", "x", "y"}): an
 * open group is a frame around its members, a collapsed one a single node with the ports that
 * connect its members to the rest.
 */

GtkWidget  *basalt_graph_canvas_new                (void);
void        basalt_graph_canvas_set_graph          (BasaltGraphCanvas *self,
                                                    BslGraph          *graph);
BslGraph   *basalt_graph_canvas_get_graph          (BasaltGraphCanvas *self);
/* The graph changed: forget what no longer exists and redraw. */
void        basalt_graph_canvas_refresh            (BasaltGraphCanvas *self);

/* Selection: processes, or a single connection. */
char      **basalt_graph_canvas_dup_selection      (BasaltGraphCanvas *self);
guint       basalt_graph_canvas_get_n_selected     (BasaltGraphCanvas *self);
void        basalt_graph_canvas_select             (BasaltGraphCanvas *self,
                                                    const char        *name,
                                                    gboolean           add);
void        basalt_graph_canvas_select_all         (BasaltGraphCanvas *self);
void        basalt_graph_canvas_unselect_all       (BasaltGraphCanvas *self);
/* Borrowed; NULL when no connection is selected. */
const BslConnection *basalt_graph_canvas_get_selected_connection (BasaltGraphCanvas *self);
void        basalt_graph_canvas_select_connection  (BasaltGraphCanvas *self,
                                                    const BslConnection *connection);
/* Selects the processes whose nodes meet the rectangle (widget coordinates). */
void        basalt_graph_canvas_select_rect        (BasaltGraphCanvas *self,
                                                    double             x0,
                                                    double             y0,
                                                    double             x1,
                                                    double             y1,
                                                    gboolean           add);

/* Where a node is drawn (canvas units), including the default place of an unplaced one. */
gboolean    basalt_graph_canvas_get_node_position  (BasaltGraphCanvas *self,
                                                    const char        *name,
                                                    double            *x,
                                                    double            *y);
/* Widget coordinates of a port's connector. */
gboolean    basalt_graph_canvas_get_port_point     (BasaltGraphCanvas *self,
                                                    const char        *process,
                                                    const char        *port,
                                                    double            *wx,
                                                    double            *wy);
/* The process (and port, when over a connector) at a point in widget coordinates. */
gboolean    basalt_graph_canvas_pick               (BasaltGraphCanvas *self,
                                                    double             wx,
                                                    double             wy,
                                                    char             **process,
                                                    char             **port);

/* View */
double      basalt_graph_canvas_get_zoom           (BasaltGraphCanvas *self);
/* Zooms about a point in widget coordinates. */
void        basalt_graph_canvas_set_zoom           (BasaltGraphCanvas *self,
                                                    double             zoom,
                                                    double             wx,
                                                    double             wy);
void        basalt_graph_canvas_zoom_in            (BasaltGraphCanvas *self);
void        basalt_graph_canvas_zoom_out           (BasaltGraphCanvas *self);
void        basalt_graph_canvas_zoom_to_fit        (BasaltGraphCanvas *self);
void        basalt_graph_canvas_pan                (BasaltGraphCanvas *self,
                                                    double             dx,
                                                    double             dy);
/* Canvas coordinates of the centre of the visible area. */
void        basalt_graph_canvas_get_center         (BasaltGraphCanvas *self,
                                                    double            *x,
                                                    double            *y);
void        basalt_graph_canvas_widget_to_canvas   (BasaltGraphCanvas *self,
                                                    double             wx,
                                                    double             wy,
                                                    double            *cx,
                                                    double            *cy);
void        basalt_graph_canvas_canvas_to_widget   (BasaltGraphCanvas *self,
                                                    double             cx,
                                                    double             cy,
                                                    double            *wx,
                                                    double            *wy);

/* A collapsed group (its node) as the selection. */
void        basalt_graph_canvas_select_group       (BasaltGraphCanvas *self,
                                                    const char        *name);
const char *basalt_graph_canvas_get_selected_group (BasaltGraphCanvas *self);
/* FALSE for processes hidden inside a collapsed group (and unknown ones). */
gboolean    basalt_graph_canvas_is_visible         (BasaltGraphCanvas *self,
                                                    const char        *process);

/* Processes drawn with a probe marker (e.g. those a run records). */
void        basalt_graph_canvas_set_probed         (BasaltGraphCanvas *self,
                                                    const char *const *names);

G_END_DECLS
