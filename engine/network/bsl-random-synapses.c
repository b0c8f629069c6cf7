/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "bsl-random-synapses.h"

/* Keeps the streams of neighbouring columns (and seeds) apart before mix64 spreads them. */
#define COLUMN_STRIDE 0x9e3779b97f4a7c15ULL

void
bsl_synapse_draw_column (BslSynapseDraw *draw,
                         guint64         seed,
                         gsize           column,
                         gsize           n_out,
                         double          p)
{
  g_return_if_fail (draw != NULL);

  bsl_random_init_mix64 (&draw->rng, seed + (guint64) column * COLUMN_STRIDE);
  draw->p = p;
  draw->log_skip = p > 0 && p < 1 ? log1p (-p) : 0.0;
  draw->n_out = n_out;
  draw->next = 0;
}

gboolean
bsl_synapse_draw_next (BslSynapseDraw *draw,
                       gsize          *row)
{
  double gap;

  if (draw->next >= draw->n_out || !(draw->p > 0))
    return FALSE;
  if (draw->p >= 1)
    {
      *row = draw->next++;
      return TRUE;
    }
  /* 1 - u is in (0, 1], so the logarithm is finite and the gap is at least 0. */
  gap = floor (log (1.0 - bsl_random_uniform (&draw->rng)) / draw->log_skip);
  if (gap >= (double) (draw->n_out - draw->next))
    {
      draw->next = draw->n_out;
      return FALSE;
    }
  *row = draw->next + (gsize) gap;
  draw->next = *row + 1;
  return TRUE;
}

guint64
bsl_synapse_draw_expected (double p,
                           gsize  n_out,
                           gsize  n_in)
{
  double mean = CLAMP (p, 0.0, 1.0) * (double) n_out * (double) n_in;

  /* Six standard deviations of the binomial above its mean, and never more than every pair. */
  return (guint64) MIN ((double) n_out * (double) n_in, ceil (mean + 6 * sqrt (mean) + 1));
}
