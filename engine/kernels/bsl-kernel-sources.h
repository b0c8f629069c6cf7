/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Input processes. Plain C: the C exporter embeds this text verbatim. */
#ifndef BSL_KERNEL_SOURCES_H
#define BSL_KERNEL_SOURCES_H

#include "bsl-kernel-common.h"

/* RingBuffer (lava.proc.io.source.RingBuffer): column (t - 1) % T of data (n x T) at step t. */
static inline size_t
bsl_k_ring_buffer_column (int64_t t, size_t n_columns)
{
  return (size_t) ((t - 1) % (int64_t) n_columns);
}

/* Spiker: counter counts up every step; where it exceeds period the payload is sent and the
 * counter restarts at 1, so the first message goes out at step period + 1. */
static inline void
bsl_k_spiker_step (size_t begin, size_t end, const double *period, const double *payload,
                   double *counter, double *s_out)
{
  for (size_t i = begin; i < end; i++)
    {
      counter[i] += 1.0;
      if (counter[i] > period[i])
        {
          s_out[i] = payload[i];
          counter[i] = 1.0;
        }
      else
        s_out[i] = 0.0;
    }
}

/* PoissonSource: spike with probability rate[i] at each step, from a counter-based stream so
 * that the pattern depends only on (seed, step, neuron). */
static inline void
bsl_k_poisson_step (size_t begin, size_t end, uint64_t key, int64_t t, const double *rate,
                    double *s_out)
{
  for (size_t i = begin; i < end; i++)
    s_out[i] = bsl_k_uniform (key, t, i) < rate[i] ? 1.0 : 0.0;
}

/* CurrentSource: amplitude during [start, stop) (stop <= 0: for ever), baseline otherwise. */
static inline void
bsl_k_current_step (size_t begin, size_t end, int64_t t, int64_t start, int64_t stop,
                    const double *amplitude, const double *baseline, double *a_out)
{
  int on = t >= start && (stop <= 0 || t < stop);

  for (size_t i = begin; i < end; i++)
    a_out[i] = on ? amplitude[i] : baseline[i];
}

#endif /* BSL_KERNEL_SOURCES_H */
