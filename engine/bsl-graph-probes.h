/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* A network's probes: the Vars and ports ("proc.var", e.g. "lif1.v", "lif1.s_out") a run of it
 * records. They are part of the network: saved in the .basalt file ("probes"), recorded by
 * `basalt run` without --probe and by every exporter. */

guint       bsl_graph_get_n_probes   (const BslGraph *graph);
const char *bsl_graph_get_probe      (const BslGraph *graph,
                                      guint           index);
/* Where target is in the list, -1 when it is not probed. */
int         bsl_graph_probe_index    (const BslGraph *graph,
                                      const char     *target);
/* Adds target at the end of the network's probes. Refuses (BSL_ERROR_UNKNOWN_PARAM, naming the
 * target) a malformed target, a process that does not exist, a Var or port its type does not
 * have, and a target already probed. */
gboolean    bsl_graph_add_probe      (BslGraph       *graph,
                                      const char     *target,
                                      GError        **error);
/* The same at position (the end when it is negative or past the end): undo puts a removed probe
 * back in its place. */
gboolean    bsl_graph_insert_probe   (BslGraph       *graph,
                                      int             position,
                                      const char     *target,
                                      GError        **error);
/* FALSE when target was not probed. */
gboolean    bsl_graph_remove_probe   (BslGraph       *graph,
                                      const char     *target);
gboolean    bsl_graph_has_probe      (const BslGraph *graph,
                                      const char     *target);
/* TRUE when target ("proc.var") is a probe of the process named process. */
gboolean    bsl_probe_target_is_of   (const char     *target,
                                      const char     *process);
/* What a run records when it is given no probes: every Monitor's "data", then the network's
 * probes; when there are neither, the spikes ("s_out") of every neuron population. */
GStrv       bsl_graph_dup_recorded   (const BslGraph *graph);

G_END_DECLS
