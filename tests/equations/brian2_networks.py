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
    (likewise refractory, refractory_condition, cuba, coba)
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
    drive_every_step(rows, neuron, ["v", "x"])


# 400 steps of input on every step, 0.05 mV into v and x, every state recorded.
def drive_every_step(rows, neuron, states):
    n_steps = 400
    source = b2.SpikeGeneratorGroup(1, [0] * n_steps, [k * DT for k in range(n_steps)])
    synapses = b2.Synapses(source, neuron, on_pre="v += 0.05*mV\nx += 0.05*mV")
    synapses.connect()
    inputs = b2.SpikeMonitor(source)
    record = b2.StateMonitor(neuron, states, record=True, when="end")
    spikes = b2.SpikeMonitor(neuron)
    b2.run(n_steps * DT)
    emit_inputs(rows, inputs)
    emit_run(rows, neuron, states, spikes, record, 1)


# The same drive with a refractoriness that a condition ends: w jumps at each spike and decays,
# and the neuron stays refractory (v held, its input dropped) while w is above a level.
def refractory_condition(rows):
    eqs = """
    dv/dt = (1.2*mV - v)/(10*ms) : volt (unless refractory)
    dx/dt = -x/(10*ms) : volt
    dw/dt = -w/(2*ms) : volt
    """
    neuron = b2.NeuronGroup(2, eqs, threshold="v > 1*mV", reset="v -= 0.5*mV\nw += 1*mV",
                            refractory="w > (0.3 + 0.3*i)*mV", method="euler")
    drive_every_step(rows, neuron, ["v", "x", "w"])


def emit_synapses(rows, synapses, port, weight):
    for pre, post in zip(synapses.i[:], synapses.j[:]):
        rows.append(f"syn{port},{int(pre)},{int(post)},{weight:.17g}")


def emit_network(rows, group, synapses, states, n_steps, namespace):
    record = b2.StateMonitor(group, states, record=range(5), when="end")
    spikes = b2.SpikeMonitor(group)
    b2.Network(group, *synapses, record, spikes).run(n_steps * DT, namespace=namespace)
    emit_run(rows, group, states, spikes, record, 10)


# Brian2's examples/CUBA.py with 500 neurons (400 excitatory) connected with p = 0.1 instead
# of 4000 with p = 0.02 (the same order of inputs per neuron), 100 ms.
def cuba(rows):
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = b2.NeuronGroup(500, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms,
                       method="exact")
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    Ce = b2.Synapses(P, P, on_pre="ge += we")
    Ci = b2.Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i<400", p=0.1)
    Ci.connect("i>=400", p=0.1)
    emit_init(rows, P, ["v", "ge", "gi"])
    emit_synapses(rows, Ce, 0, float(we))
    emit_synapses(rows, Ci, 1, float(wi))
    emit_network(rows, P, [Ce, Ci], ["v", "ge", "gi"], 1000, locals())


# The conductance-based COBA network of Brian2's benchmarks (Vogels & Abbott 2005): two
# dimensionless conductances fed by two synapse groups, exponential Euler; 500 neurons, p = 0.1.
def coba(rows):
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -60 * mV
    Erev_exc, Erev_inh, I = 0 * mV, -80 * mV, 20 * mV
    eqs = """
    dv/dt  = (ge*(Erev_exc-v)+gi*(Erev_inh-v)-(v-El) + I)*(1./taum) : volt (unless refractory)
    dge/dt = -ge/taue : 1
    dgi/dt = -gi/taui : 1
    """
    P = b2.NeuronGroup(500, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms,
                       method="exponential_euler")
    P.v = "Vr + rand() * (Vt - Vr)"
    we, wi = 6. / 10., 67. / 10.
    Ce = b2.Synapses(P, P, on_pre="ge += we")
    Ci = b2.Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i<400", p=0.1)
    Ci.connect("i>=400", p=0.1)
    emit_init(rows, P, ["v", "ge", "gi"])
    emit_synapses(rows, Ce, 0, we)
    emit_synapses(rows, Ci, 1, wi)
    emit_network(rows, P, [Ce, Ci], ["v", "ge", "gi"], 1000, locals())


def main():
    examples = {"adaptive_threshold": adaptive_threshold, "refractory": refractory,
                "refractory_condition": refractory_condition, "cuba": cuba, "coba": coba}
    if len(sys.argv) != 2 or sys.argv[1] not in examples:
        sys.exit("usage: brian2_networks.py " + "|".join(examples))
    b2.seed(2026)
    b2.defaultclock.dt = DT
    rows = ["kind,step,index,value"]
    examples[sys.argv[1]](rows)
    print("\n".join(rows))


main()
