#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Times Lava on the network of `basalt bench --network stdp --n N --tag fixed_pt`: A (N LIF with a
bias) -> LearningDense N x N with STDPLoihi -> B (N LIF), B's spikes into s_in_bap.

    PYTHONPATH=/path/to/lava/src /usr/bin/python3 lava_stdp_bench.py N STEPS
"""
import math
import sys
import time

import numpy as np

from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi2SimCfg
from lava.proc.dense.process import LearningDense
from lava.proc.learning_rules.stdp_learning_rule import STDPLoihi
from lava.proc.lif.process import LIF

SCALE_LOG2 = 17


def bench_weight(n, pre, post):
    k = (pre * 7919 + post * 104729) % 2001 - 900
    return (4.0 / n * k) / 1000.0


def main(n, steps):
    w = np.array([[bench_weight(n, pre, post) for pre in range(n)] for post in range(n)])
    weight_exp = -8
    while np.abs(w).max() * 2.0 ** (SCALE_LOG2 - 6 - weight_exp) > 255:
        weight_exp += 1
    weights = np.round(w * 2.0 ** (SCALE_LOG2 - 6 - weight_exp))
    bias = np.array([round((0.1 + 0.05 * ((j * 37) % 101) / 100.0) * 2.0 ** (SCALE_LOG2 - 3))
                     for j in range(n)])
    rule = STDPLoihi(learning_rate=2.0 ** -7, A_plus=1, A_minus=-1, tau_plus=10, tau_minus=10,
                     x1_impulse=16, y1_impulse=16, t_epoch=1, rng_seed=0)
    vth = 2 ** (SCALE_LOG2 - 6)
    a = LIF(shape=(n,), du=410, dv=410, vth=vth, bias_mant=bias, bias_exp=3)
    syn = LearningDense(weights=weights, weight_exp=weight_exp, learning_rule=rule)
    b = LIF(shape=(n,), du=410, dv=410, vth=vth, bias_exp=3)
    a.s_out.connect(syn.s_in)
    syn.a_out.connect(b.a_in)
    b.s_out.connect(syn.s_in_bap)
    cfg = Loihi2SimCfg(select_tag="fixed_pt")
    a.run(condition=RunSteps(num_steps=1), run_cfg=cfg)
    start = time.perf_counter()
    a.run(condition=RunSteps(num_steps=steps), run_cfg=cfg)
    elapsed = time.perf_counter() - start
    a.stop()
    print(f"lava: {n} x {n} STDP, fixed_pt, {steps} steps in {elapsed:.2f} s: "
          f"{steps / elapsed:.2f} steps/s")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
