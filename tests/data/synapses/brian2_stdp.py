#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Brian2's STDP example (examples/synapses/STDP.py), scaled down to 50 inputs and one
post-synaptic neuron, with the Poisson inputs replaced by a fixed spike pattern drawn here
(a seeded NumPy generator) and the initial weights set by a formula, so that Basalt can be
given the very same input. Writes stdp_brian2.csv beside this script:

    in,STEP,INPUT          a spike of input INPUT at Brian2's step STEP
    w,STEP,SYNAPSE,VALUE   w of synapse SYNAPSE (= its input) at the end of step STEP
    spike,STEP,0           a spike of the post-synaptic neuron at step STEP

Run with /usr/bin/python3 (python3-brian)."""
import os

import numpy as np
from brian2 import (NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses,
                    defaultclock, ms, mV, prefs, run)

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1 * ms

N = 50
RATE = 40.0          # Hz, per input
STEPS = 5000         # 500 ms
RECORD_EVERY = 100   # steps between recorded weights
taum = 10 * ms
taupre = 20 * ms
taupost = taupre
Ee = 0 * mV
vt = -54 * mV
vr = -60 * mV
El = -74 * mV
taue = 5 * ms
gmax = 0.08
dApre = 0.01
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax

rng = np.random.RandomState(2024)
fired = rng.random_sample((STEPS, N)) < RATE * float(defaultclock.dt)
steps, inputs = np.nonzero(fired)
source = SpikeGeneratorGroup(N, inputs, steps * defaultclock.dt)

neurons = NeuronGroup(1, '''dv/dt = (ge * (Ee-v) + El - v) / taum : volt
                            dge/dt = -ge / taue : 1''',
                      threshold='v>vt', reset='v = vr', method='euler')
neurons.v = vr
S = Synapses(source, neurons,
             '''w : 1
                dApre/dt = -Apre / taupre : 1 (event-driven)
                dApost/dt = -Apost / taupost : 1 (event-driven)''',
             on_pre='''ge += w
                    Apre += dApre
                    w = clip(w + Apost, 0, gmax)''',
             on_post='''Apost += dApost
                     w = clip(w + Apre, 0, gmax)''')
S.connect()
S.w = 'gmax * ((i * 37) % 50) / 50.0'
weights = StateMonitor(S, 'w', record=True, dt=RECORD_EVERY * defaultclock.dt, when='end')
post = SpikeMonitor(neurons)
run(STEPS * defaultclock.dt)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'stdp_brian2.csv')
with open(out, 'w') as f:
    f.write('kind,step,index,value\n')
    for step, i in zip(steps, inputs):
        f.write(f'in,{step},{i},1\n')
    for k, t in enumerate(weights.t):
        step = int(round(float(t / defaultclock.dt)))
        for s in range(N):
            f.write(f'w,{step},{s},{weights.w[s, k]!r}\n')
    for t in post.t:
        f.write(f'spike,{int(round(float(t / defaultclock.dt)))},0,1\n')
print(len(steps), 'input spikes,', len(post.t), 'post spikes, final mean w',
      float(np.mean(S.w)) / gmax, '* gmax')
