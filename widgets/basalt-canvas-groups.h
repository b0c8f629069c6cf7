/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bsl-graph.h"

G_BEGIN_DECLS

/* A group of the graph's "groups" array, as the canvas shows it: open, a frame around its
 * members; collapsed, one node standing for them, with the ports that connect them to the rest.
 * Nothing here needs GTK. */
typedef struct
{
  char       *name;
  GHashTable *members;      /* process names */
  gboolean    collapsed;
  gboolean    has_position;
  double      x, y;
} BasaltCanvasGroup;

/* A new array of the graph's groups (BasaltCanvasGroup*, freed with the array); entries that
 * are not objects with a name are skipped. */
GPtrArray         *basalt_canvas_groups_new        (const BslGraph          *graph);
BasaltCanvasGroup *basalt_canvas_groups_find       (GPtrArray               *groups,
                                                    const char              *name);
/* The collapsed group that hides a process, if any. */
BasaltCanvasGroup *basalt_canvas_groups_find_hiding (GPtrArray              *groups,
                                                    const char              *process);
/* Appends the endpoints ("proc.port") through which the group's members connect to the rest:
 * InPorts fed from outside to ins, OutPorts feeding outside to outs (each once, newly
 * allocated). */
void               basalt_canvas_group_ports       (const BasaltCanvasGroup *group,
                                                    const BslGraph          *graph,
                                                    GPtrArray               *ins,
                                                    GPtrArray               *outs);

G_END_DECLS
