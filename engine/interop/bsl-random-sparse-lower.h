/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* The Sparse weight matrix (n_out, n_in) with a RandomSparse process's synapses: its weight
 * where a synapse was drawn, 0 elsewhere. NULL and an error naming the process when the matrix
 * would exceed a process's element limit (2^26). */
BslArray *bsl_random_sparse_expand        (const BslProcess  *process,
                                           GError           **error);

/* For the exporters, which write weight matrices: a copy of graph in which every RandomSparse
 * is the Sparse with its synapses drawn (same name, ports, connections and tag), or graph itself
 * (a new reference) when it has none. `export_name` ("NIR export", ...) goes in the error. */
BslGraph *bsl_graph_lower_random_sparse   (const BslGraph    *graph,
                                           const char        *export_name,
                                           GPtrArray         *notes,
                                           GError           **error);

G_END_DECLS
