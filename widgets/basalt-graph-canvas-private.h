/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "basalt-graph-canvas.h"
#include "basalt-canvas-groups.h"

G_BEGIN_DECLS

/* Shared by the canvas's files: the instance, its geometry (canvas units) and its signals. */

#define NODE_W      180.0
#define HEADER_H     26.0
#define SUB_H        18.0
#define PORT_ROW     20.0
#define NODE_PAD      8.0
#define PORT_R        5.0
#define PORT_HIT     10.0   /* widget pixels */
#define WIRE_HIT      6.0   /* widget pixels */
#define MIN_ZOOM      0.15
#define MAX_ZOOM      3.0
#define GRID          24.0

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_MOVE,
  DRAG_RUBBER,
  DRAG_WIRE,
  DRAG_CLICK_EMPTY,
  DRAG_GROUP,
} DragMode;

/* The groups as the canvas shows them (basalt-canvas-groups.c) */
typedef BasaltCanvasGroup CanvasGroup;

/* A wire is drawn as one or two cubic Bézier segments. */
typedef struct
{
  double x0, y0, c1x, c1y, c2x, c2y, x1, y1;
} Bezier;

struct _BasaltGraphCanvas
{
  GtkWidget       parent_instance;

  BslGraph       *graph;
  GHashTable     *selection;       /* process name -> NULL */
  BslConnection  *selected_wire;   /* a copy, matched by value */
  GHashTable     *probed;

  double          zoom;
  double          offset_x;        /* canvas coordinate at the widget's left edge */
  double          offset_y;

  /* Gestures */
  DragMode        drag_mode;
  double          drag_start_x;    /* widget coordinates */
  double          drag_start_y;
  double          drag_x;
  double          drag_y;
  double          move_dx;         /* canvas units, while moving nodes */
  double          move_dy;
  gboolean        drag_toggle;     /* Ctrl held at press */
  char           *press_node;
  double          pan_start_x;
  double          pan_start_y;
  double          zoom_start;

  /* Wiring */
  char           *wire_process;
  char           *wire_port;
  BslPortDirection wire_direction;
  char           *hover_process;
  char           *hover_port;
  gboolean        hover_valid;
  char           *message;

  GtkWidget      *menu;
  gboolean        fit_pending;

  GPtrArray      *groups;          /* CanvasGroup* */
  char           *selected_group;
  char           *drag_group;
  double          group_dx, group_dy;
};

enum {
  POPULATE_MENU,
  N_SIGNALS
};

extern guint _basalt_graph_canvas_signals[N_SIGNALS];

/* basalt-graph-canvas.c */
void _basalt_graph_canvas_set_message (BasaltGraphCanvas *self,
                                       const char        *message);
void _basalt_graph_canvas_notify_selection (BasaltGraphCanvas *self);

/* basalt-graph-canvas-geometry.c */
double _basalt_graph_canvas_node_height (const BslProcess *process);
void _basalt_graph_canvas_node_origin (BasaltGraphCanvas *self,
                                       const BslProcess  *process,
                                       guint              position,
                                       double            *x,
                                       double            *y);
gboolean _basalt_graph_canvas_port_point (BasaltGraphCanvas *self,
                                          const BslProcess  *process,
                                          guint              position,
                                          const char        *port,
                                          double            *cx,
                                          double            *cy);
const BslProcess *_basalt_graph_canvas_find_process (BasaltGraphCanvas *self,
                                                     const char        *name,
                                                     guint             *position);
void _basalt_graph_canvas_parse_groups (BasaltGraphCanvas *self);
double _basalt_graph_canvas_group_height (guint n_in,
                                          guint n_out);
void _basalt_graph_canvas_group_origin (BasaltGraphCanvas *self,
                                        CanvasGroup       *group,
                                        double            *x,
                                        double            *y);
gboolean _basalt_graph_canvas_group_port_point (BasaltGraphCanvas *self,
                                                CanvasGroup       *group,
                                                const char        *endpoint,
                                                gboolean           out,
                                                double            *cx,
                                                double            *cy);
gboolean _basalt_graph_canvas_endpoint_point (BasaltGraphCanvas *self,
                                              const char        *process_name,
                                              const char        *port,
                                              double            *cx,
                                              double            *cy);
void _basalt_graph_canvas_wire_endpoints (BasaltGraphCanvas   *self,
                                          const BslConnection *connection,
                                          double              *x1,
                                          double              *y1,
                                          double              *x2,
                                          double              *y2,
                                          gboolean            *ok);
guint _basalt_graph_canvas_wire_segments (double  x1,
                                          double  y1,
                                          double  x2,
                                          double  y2,
                                          Bezier  segments[2]);

/* basalt-graph-canvas-pick.c */
CanvasGroup *_basalt_graph_canvas_pick_group (BasaltGraphCanvas *self,
                                              double             wx,
                                              double             wy);
const BslConnection *_basalt_graph_canvas_pick_wire (BasaltGraphCanvas *self,
                                                     double             wx,
                                                     double             wy);

/* basalt-graph-canvas-selection.c */
void _basalt_graph_canvas_emit_selection_changed (BasaltGraphCanvas *self);
void _basalt_graph_canvas_clear_selected_wire (BasaltGraphCanvas *self);

/* basalt-graph-canvas-wire.c */
void _basalt_graph_canvas_clear_hover (BasaltGraphCanvas *self);

/* basalt-graph-canvas-draw.c */
void _basalt_graph_canvas_snapshot (GtkWidget   *widget,
                                    GtkSnapshot *snapshot);

/* basalt-graph-canvas-input.c: the pointer, scroll, zoom and drop controllers. */
void _basalt_graph_canvas_add_controllers (BasaltGraphCanvas *self);

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
