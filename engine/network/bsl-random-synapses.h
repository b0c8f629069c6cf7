/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bsl-random.h"

G_BEGIN_DECLS

/* The synapses of a RandomSparse connection, drawn column by column: input j reaches each of
 * the n_out outputs with probability p, independently. Each column has a stream of its own
 * (from the seed and j), so a column's synapses do not depend on how many columns were drawn
 * before it, and the gaps between synapses are drawn whole (geometric), so a column costs one
 * draw per synapse, not one per output. */
typedef struct
{
  BslRandom rng;
  double    log_skip;   /* log1p (-p): the geometric gap's scale */
  double    p;
  gsize     n_out;
  gsize     next;       /* the first row not yet passed */
} BslSynapseDraw;

void     bsl_synapse_draw_column (BslSynapseDraw *draw,
                                  guint64         seed,
                                  gsize           column,
                                  gsize           n_out,
                                  double          p);
/* The next row of the column with a synapse, ascending; FALSE when the column is done. */
gboolean bsl_synapse_draw_next   (BslSynapseDraw *draw,
                                  gsize          *row);

/* What p * n_out * n_in synapses will hold at most, with slack for the draw's spread. */
guint64  bsl_synapse_draw_expected (double p,
                                    gsize  n_out,
                                    gsize  n_in);

G_END_DECLS
