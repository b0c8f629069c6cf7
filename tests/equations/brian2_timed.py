#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference runs of neurons driven by a TimedArray, for test-equations-timed.c.

Runs one case in Brian2 2.5 (Debian's python3-brian, numpy target) and prints CSV on stdout,
committed as data/timed_<case>_<method>.csv:

    kind,step,index,value

kind "table": the TimedArray's value at row `step`, column `index` (SI units; one column for
a 1-D table); "spike": a spike of neuron `index` at `step` (0-based); "v": the membrane
potential of neuron `index` at the end of `step` (after the reset, StateMonitor when='end').
The tables are random (fixed seed) and shorter than the run, so that times past their end
take the last row, as Brian2 clips them.
Usage (from this folder):
    /usr/bin/python3 brian2_timed.py 1d euler > data/timed_1d_euler.csv
    (likewise 1d rk4, 2d exponential_euler, 2d rk4)
"""
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import brian2 as b2  # noqa: E402
from brian2 import mV, ms, nA, Mohm  # noqa: E402

b2.prefs.codegen.target = "numpy"
b2.BrianLogger.log_level_error()
DT = 0.1 * ms
STEPS = 1500


def step_of(t):
    return int(round(float(t / DT)))


# One LIF neuron whose current is a 1-D table: I = stimulus(t), 1 ms per row, 100 rows.
def case_1d(method, rows):
    values = np.random.RandomState(7).uniform(0.1, 0.3, 100)
    stimulus = b2.TimedArray(values * nA, dt=1 * ms)
    group = b2.NeuronGroup(1, """
        I = stimulus(t) : amp
        dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)
        v_rest : volt
        R : ohm
        tau : second
        """, threshold="v > -50*mV", reset="v = -65*mV", refractory="2*ms",
        method=method, dt=DT, namespace={"stimulus": stimulus})
    group.v = -65 * mV
    group.v_rest = -65 * mV
    group.R = 100 * Mohm
    group.tau = 10 * ms
    for r, value in enumerate(values * 1e-9):
        rows.append(f"table,{r},0,{float(value):.17g}")
    return group, 1


# Four neurons, each driven towards its own column of a 2-D table: stimulus(t, i) in volt,
# 0.3 ms per row (not a whole number of steps of 0.1 ms), 400 rows.
def case_2d(method, rows):
    values = np.random.RandomState(11).uniform(-70e-3, -25e-3, (400, 4))
    stimulus = b2.TimedArray(values * b2.volt, dt=0.3 * ms)
    group = b2.NeuronGroup(4, """
        dv/dt = (stimulus(t, i) - v)/tau : volt
        tau : second
        """, threshold="v > -50*mV", reset="v = -60*mV", method=method, dt=DT,
        namespace={"stimulus": stimulus})
    group.v = -65 * mV
    group.tau = [4 * ms, 6 * ms, 8 * ms, 10 * ms]
    for r in range(values.shape[0]):
        for c in range(values.shape[1]):
            rows.append(f"table,{r},{c},{float(values[r, c]):.17g}")
    return group, 4


def main():
    case, method = sys.argv[1], sys.argv[2]
    rows = []
    group, n = {"1d": case_1d, "2d": case_2d}[case](method, rows)
    states = b2.StateMonitor(group, "v", record=True, when="end")
    spikes = b2.SpikeMonitor(group)
    net = b2.Network(group, states, spikes)
    net.run(STEPS * DT)
    for i in range(n):
        for s in range(STEPS):
            rows.append(f"v,{s},{i},{float(states.v[i, s]):.17g}")
    for i, t in zip(spikes.i, spikes.t):
        rows.append(f"spike,{step_of(t)},{int(i)},1")
    print("kind,step,index,value")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
