#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the extra learning cases of tests/data/learning/traces with Lava itself.

Each case is RingBuffer -> LearningDense -> LIF with the LIF's s_out fed back into s_in_bap,
recorded by Monitors at every step, written in the layout of the other traces (<case>.json and
<case>.csv). Run with Lava on the path:

    PYTHONPATH=/path/to/lava/src /usr/bin/python3 tests/data/learning/make_lava_cases.py OUTDIR
"""
import json
import os
import sys

import numpy as np

from lava.magma.core.learning.learning_rule import Loihi2FLearningRule
from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi2SimCfg
from lava.proc.dense.process import LearningDense
from lava.proc.learning_rules.stdp_learning_rule import STDPLoihi
from lava.proc.lif.process import LIF
from lava.proc.io.source import RingBuffer
from lava.proc.monitor.process import Monitor
from lava.utils.weightutils import SignMode


def events_for(seed, n_pre, steps, rate):
    rng = np.random.default_rng(seed)
    spikes = rng.random((n_pre, steps)) < rate
    return [[int(t) + 1, int(j)] for t in range(steps) for j in range(n_pre) if spikes[j, t]]


CASES = [
    {
        "name": "l05_dd_y2_y3_epoch3_fixed", "tag": "fixed_pt", "steps": 180, "seed": 11,
        "n_pre": 3, "rate": 0.25,
        "post": {"n": 2, "du": 4095, "dv": 0, "vth": 70, "bias_mant": [0, 0], "bias_exp": [0, 0]},
        "dense": {"weights": [[40, 60, 20], [10, 80, 50]]},
        "rule": {"dw": "2^-3*y0*x1*(y2+4) - 2^-4*x0*y3 + 2^-5*x0*x2",
                 "dd": "2^-2*y0*x1 - 3*2^-5*x0*y2*d",
                 "x1_impulse": 20.5, "x1_tau": 9, "x2_impulse": 7.25, "x2_tau": 25,
                 "y1_impulse": 12, "y1_tau": 6, "y2_impulse": 14.75, "y2_tau": 15,
                 "y3_impulse": 9.5, "y3_tau": 40, "t_epoch": 3, "rng_seed": 7},
        "probes": ["syn.weights", "syn.tag_2", "syn.x1", "syn.x2", "syn.y1", "syn.y2", "syn.y3",
                   "post.v", "post.s_out"],
    },
    {
        "name": "l06_u_sgn_constants_fixed", "tag": "fixed_pt", "steps": 160, "seed": 12,
        "n_pre": 4, "rate": 0.2,
        "post": {"n": 3, "du": 2048, "dv": 1024, "vth": 60, "bias_mant": [0, 3, 0],
                 "bias_exp": [0, 2, 0]},
        "dense": {"weights": [[30, -20, 50, 8], [60, 12, -40, 26], [-6, 44, 18, 90]],
                  "num_weight_bits": 6},
        "rule": {"dw": "u1*2^-4*(x1-3) + 2^-2*y0*x1 - 2^-3*x0*y1 - 2^-5*y0*sgn(w+1)*(w-10)",
                 "dt": "2^-1*y0*x1*y1 - u1*(t+2)*2^-3 + x0*2^2",
                 "x1_impulse": 30, "x1_tau": 12, "y1_impulse": 25, "y1_tau": 8,
                 "t_epoch": 2, "rng_seed": 123},
        "probes": ["syn.weights", "syn.tag_1", "syn.x1", "syn.y1", "post.s_out"],
    },
    {
        "name": "l07_dd_y2_y3_epoch3_float", "tag": "floating_pt", "steps": 180, "seed": 11,
        "n_pre": 3, "rate": 0.25,
        "post": {"n": 2, "du": 1.0, "dv": 0.0, "vth": 70.0, "bias_mant": [0.0, 0.0],
                 "bias_exp": [0, 0]},
        "dense": {"weights": [[40, 60, 20], [10, 80, 50]]},
        "rule": {"dw": "2^-3*y0*x1*(y2+4) - 2^-4*x0*y3 + 2^-5*x0*x2",
                 "dd": "2^-2*y0*x1 - 3*2^-5*x0*y2*d",
                 "x1_impulse": 20.5, "x1_tau": 9, "x2_impulse": 7.25, "x2_tau": 25,
                 "y1_impulse": 12, "y1_tau": 6, "y2_impulse": 14.75, "y2_tau": 15,
                 "y3_impulse": 9.5, "y3_tau": 40, "t_epoch": 3, "rng_seed": 7},
        "probes": ["syn.weights", "syn.tag_2", "syn.x1", "syn.x2", "syn.y1", "syn.y2", "syn.y3",
                   "post.v", "post.s_out"],
    },
    {
        "name": "l08_excitatory_stdp_epoch4_fixed", "tag": "fixed_pt", "steps": 200, "seed": 13,
        "n_pre": 5, "rate": 0.3,
        "post": {"n": 2, "du": 4095, "dv": 300, "vth": 150, "bias_mant": [0, 0],
                 "bias_exp": [0, 0]},
        "dense": {"weights": [[10, 200, 30, 5, 120], [250, 2, 60, 90, 1]],
                  "sign_mode": 2, "weight_exp": -1},
        "rule": {"stdp": {"learning_rate": 1, "A_plus": 4, "A_minus": -6, "tau_plus": 7,
                          "tau_minus": 14, "x1_impulse": 40, "y1_impulse": 33.3, "t_epoch": 4,
                          "rng_seed": 42}},
        "probes": ["syn.weights", "syn.x1", "syn.y1", "post.v", "post.s_out"],
    },
    {
        "name": "l09_u_epoch4_float", "tag": "floating_pt", "steps": 160, "seed": 12,
        "n_pre": 4, "rate": 0.2,
        "post": {"n": 3, "du": 0.5, "dv": 0.25, "vth": 60.0, "bias_mant": [0.0, 3.0, 0.0],
                 "bias_exp": [0, 2, 0]},
        "dense": {"weights": [[30, -20, 50, 8], [60, 12, -40, 26], [-6, 44, 18, 90]]},
        "rule": {"dw": "u1*2^-4*(x1-3) + 2^-2*y0*x1 - 2^-3*x0*y1 - 2^-5*y0*sgn(w+1)*(w-10)",
                 "dt": "2^-1*y0*x1*y1 - u1*(t+2)*2^-3 + x0*2^2",
                 "x1_impulse": 30, "x1_tau": 12, "y1_impulse": 25, "y1_tau": 8,
                 "t_epoch": 4, "rng_seed": 123},
        "probes": ["syn.weights", "syn.tag_1", "syn.x1", "syn.y1", "post.s_out"],
    },
]


def make_rule(spec):
    rule = dict(spec["rule"])
    if "stdp" in rule:
        return STDPLoihi(**rule["stdp"])
    return Loihi2FLearningRule(**rule)


def run_case(case):
    steps, n_pre = case["steps"], case["n_pre"]
    events = events_for(case["seed"], n_pre, steps, case["rate"])
    data = np.zeros((n_pre, steps))
    for step, j in events:
        data[j, step - 1] = 1
    post_spec = case["post"]
    dense = dict(case["dense"])
    weights = np.array(dense.pop("weights"), dtype=float)
    if "sign_mode" in dense:
        dense["sign_mode"] = SignMode(dense["sign_mode"])  # 2: EXCITATORY, as in the file

    pre = RingBuffer(data=data)
    syn = LearningDense(weights=weights, learning_rule=make_rule(case), name="syn", **dense)
    post = LIF(shape=(post_spec["n"],), du=post_spec["du"], dv=post_spec["dv"],
               vth=post_spec["vth"], bias_mant=np.array(post_spec["bias_mant"]),
               bias_exp=np.array(post_spec["bias_exp"]), name="post")
    pre.s_out.connect(syn.s_in)
    syn.a_out.connect(post.a_in)
    post.s_out.connect(syn.s_in_bap)

    monitors = []
    for target in case["probes"]:
        proc_name, var = target.split(".")
        proc = syn if proc_name == "syn" else post
        monitor = Monitor()
        monitor.probe(getattr(proc, var), steps)
        monitors.append((target, monitor, proc, var))
    pre.run(condition=RunSteps(num_steps=steps),
            run_cfg=Loihi2SimCfg(select_tag=case["tag"]))
    rows = []
    for target, monitor, proc, var in monitors:
        values = np.asarray(monitor.get_data()[proc.name][var]).reshape(steps, -1)
        for t in range(steps):
            for k, value in enumerate(values[t]):
                rows.append((t + 1, target, k, value))
    pre.stop()
    return events, rows


def number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def main(outdir):
    for case in CASES:
        events, rows = run_case(case)
        spec = {key: case[key] for key in ("name", "tag", "steps", "post", "dense", "probes")}
        spec["pre"] = {"n": case["n_pre"], "events": events}
        spec["rule"] = case["rule"]
        with open(os.path.join(outdir, case["name"] + ".json"), "w") as out:
            json.dump({"spec": spec, "lava_version": "0.11",
                       "conventions": {"step": "1-based; the value Lava's Monitor holds after step t",
                                       "index": "flat C order; weights are (post, pre)"}},
                      out, indent=1)
        with open(os.path.join(outdir, case["name"] + ".csv"), "w") as out:
            out.write("step,probe,index,value\n")
            for step, target, k, value in rows:
                out.write(f"{step},{target},{k},{number(value)}\n")
        print(case["name"], len(rows), "values")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "traces"))
