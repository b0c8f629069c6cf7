#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference runs of Brian2 examples driven through synapses, for test-equations-networks.c.

Runs one example in Brian2 2.5 (Debian's python3-brian, numpy target, fixed seed) and prints
CSV on stdout, committed as data/net_<example>.csv:

    kind,step,index,value

kind "in": a presynaptic spike of source neuron `index` at `step` (0-based); "syn": a synapse
(step = presynaptic index, index = postsynaptic index, value = weight, SI); "spike": a spike
of the model's neuron `index`; "init:<var>": an initial value; any other kind is a state
variable recorded at the end of `step` (after the reset), every RECORD_EVERY steps.
Usage (from this folder):
    /usr/bin/python3 brian2_networks.py adaptive_threshold > data/net_adaptive_threshold.csv
"""
import sys
import warnings

warnings.filterwarnings("ignore")
import brian2 as b2  # noqa: E402
from brian2 import mV, ms, Hz, second  # noqa: E402

b2.prefs.codegen.target = "numpy"
b2.BrianLogger.log_level_error()
DT = 0.1 * ms


def step_of(t):
    return int(round(float(t / DT)))


def emit_run(rows, group, states, spikes, record, record_every):
    for k, var in enumerate(states):
        values = getattr(record, var)
        for n in range(values.shape[0]):
            for s in range(0, values.shape[1], record_every):
                rows.append(f"{var},{s},{n},{float(values[n, s]):.17g}")
    for n, t in zip(spikes.i, spikes.t):
        rows.append(f"spike,{step_of(t)},{int(n)},1")


def emit_init(rows, group, states):
    for var in states:
        for n, value in enumerate(getattr(group, var)):
            rows.append(f"init:{var},0,{n},{float(value):.17g}")


def emit_inputs(rows, monitor):
    for n, t in zip(monitor.i, monitor.t):
        rows.append(f"in,{step_of(t)},{int(n)},1")


# Brian2's examples/adaptive_threshold.py, as it is (2 s, one neuron, Poisson input).
def adaptive_threshold(rows):
    eqs = """
    dv/dt = -v/(10*ms) : volt
    dvt/dt = (10*mV-vt)/(15*ms) : volt
    """
    reset = """
    v = 0*mV
    vt += 3*mV
    """
    neuron = b2.NeuronGroup(1, model=eqs, reset=reset, threshold="v>vt", method="exact")
    neuron.vt = 10 * mV
    emit_init(rows, neuron, ["v", "vt"])
    source = b2.PoissonGroup(1, 500 * Hz)
    synapses = b2.Synapses(source, neuron, on_pre="v += 3*mV")
    synapses.connect()
    inputs = b2.SpikeMonitor(source)
    record = b2.StateMonitor(neuron, ["v", "vt"], record=True, when="end")
    spikes = b2.SpikeMonitor(neuron)
    b2.run(2 * second)
    emit_inputs(rows, inputs)
    emit_run(rows, neuron, ["v", "vt"], spikes, record, 10)


# A neuron held while refractory, under input on every step: Brian2 drops writes to an
# (unless refractory) variable while the neuron is refractory, and a reset that shifts v keeps
# the input of the spike step only when the neuron is not refractory.
def refractory(rows):
    eqs = """
    dv/dt = (1.2*mV - v)/(10*ms) : volt (unless refractory)
    dx/dt = -x/(10*ms) : volt
    """
    neuron = b2.NeuronGroup(2, eqs, threshold="v > 1*mV", reset="v -= 0.5*mV",
                            refractory="(1 + i)*ms", method="euler")
    n_steps = 400
    source = b2.SpikeGeneratorGroup(1, [0] * n_steps, [k * DT for k in range(n_steps)])
    synapses = b2.Synapses(source, neuron, on_pre="v += 0.05*mV\nx += 0.05*mV")
    synapses.connect()
    inputs = b2.SpikeMonitor(source)
    record = b2.StateMonitor(neuron, ["v", "x"], record=True, when="end")
    spikes = b2.SpikeMonitor(neuron)
    b2.run(n_steps * DT)
    emit_inputs(rows, inputs)
    emit_run(rows, neuron, ["v", "x"], spikes, record, 1)


def main():
    examples = {"adaptive_threshold": adaptive_threshold, "refractory": refractory}
    if len(sys.argv) != 2 or sys.argv[1] not in examples:
        sys.exit("usage: brian2_networks.py " + "|".join(examples))
    b2.seed(2026)
    b2.defaultclock.dt = DT
    rows = ["kind,step,index,value"]
    examples[sys.argv[1]](rows)
    print("\n".join(rows))


main()
