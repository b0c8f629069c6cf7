/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* The network as the NIR writer sees it: a copy where every population whose spikes a run
 * records (bsl_graph_dup_recorded) gets a Monitor "<name>_output" (an Output node), and an IF
 * population with a bias but no incoming connection gets a zero-weight Dense "<name>_bias"
 * fed by a one-element RingBuffer "<name>_bias_in", whose Affine bias then carries it. */
BslGraph *_bsl_nir_export_graph (const BslGraph *graph,
                                 BslTag          tag,
                                 GPtrArray      *notes);

G_END_DECLS
