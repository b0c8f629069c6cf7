/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* The benchmark network of ../shared/bench: A (n LIF driven by a bias) -> Dense (n x n) -> B
 * (n LIF). Under fixed_pt the same network is expressed in Loihi 2 integers: voltages scaled by
 * 2^17 (vth = 2048), du = dv = 410, bias with bias_exp 3, weights scaled to 8 bits with the
 * smallest weight_exp that fits, so its spike counts are close to, not equal to, the float ones. */
BslGraph *bsl_bench_dense_network (gsize    n,
                                   BslTag   tag,
                                   GError **error);

/* The same network with plastic synapses: W is a LearningDense with STDPLoihi (learning rate
 * 2^-7, A_plus 1, A_minus -1, taus 10) and B's spikes feed its s_in_bap. */
BslGraph *bsl_bench_stdp_network  (gsize    n,
                                   BslTag   tag,
                                   GError **error);

/* Brian2's CUBA benchmark scaled to n neurons (0.8 n excitatory E, the rest inhibitory I; Brian2's
 * examples/CUBA.py has n = 4000): Equations neurons (v, ge, gi, exact integration, 5 ms
 * refractory, dt = 0.1 ms) and four RandomSparse connections with p = 0.02 into the ports of ge
 * (weight 1.62 mV) and gi (-9 mV). floating_pt; 10 000 steps (1 s) by default. */
#define BSL_BENCH_CUBA_MAX_N 1000000
BslGraph *bsl_bench_cuba_network  (gsize    n,
                                   GError **error);

G_END_DECLS
