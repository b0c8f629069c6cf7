/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* Integer and range checks of one value for a tag; errors name process and parameter. */
gboolean _bsl_var_check_value (const BslProcess *process,
                               const BslVarSpec *spec,
                               const BslArray   *value,
                               BslTag            tag,
                               GError          **error);

/* Every connection's ends, directions and shapes (bsl_graph_validate without the processes). */
gboolean _bsl_graph_check_connections (const BslGraph *graph,
                                       GError        **error);

/* Keep the probe list in step with a removed or renamed process (bsl-graph-probes.c). */
void     _bsl_graph_drop_probes_of   (BslGraph   *graph,
                                      const char *process);
void     _bsl_graph_rename_probes_of (BslGraph   *graph,
                                      const char *old_name,
                                      const char *new_name);

G_END_DECLS
