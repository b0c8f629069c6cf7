#!/usr/bin/python3
"""Reference traces for Basalt's floating_pt Izhikevich and AdEx models, made with Brian2
(Debian's python3-brian) using forward Euler and the same dt. Run from this folder:
    /usr/bin/python3 brian2_biophysical.py
It writes izhikevich_<preset>.csv (step,v,u,spike) and adex.csv (step,v,w,spike), where step n
(1-based) is the state after integrating from (n - 1) dt to n dt, as Basalt counts steps.
"""
from brian2 import (NeuronGroup, StateMonitor, SpikeMonitor, Network, defaultclock, prefs,
                    ms, mV, pA, nS, pF)

prefs.codegen.target = 'numpy'


def write(name, steps, dt, mon, spikes, a, b):
    spike_steps = {int(round(float(t / dt))) + 1 for t in spikes.t}
    with open(name, 'w') as f:
        f.write('step,%s,%s,spike\n' % (a, b))
        for n in range(steps):
            f.write('%d,%.17g,%.17g,%d\n' % (n + 1, getattr(mon, a)[0][n], getattr(mon, b)[0][n],
                                             1 if (n + 1) in spike_steps else 0))


def izhikevich(preset, a, b, c, d, current=10.0, steps=1000, dt=0.5):
    defaultclock.dt = dt * ms
    g = NeuronGroup(1, '''dv/dt = (0.04*v**2 + 5*v + 140 - u + I)/ms : 1
                          du/dt = a*(b*v - u)/ms : 1
                          I : 1''',
                    threshold='v >= 30', reset='v = c\nu = u + d', method='euler',
                    namespace=dict(a=a, b=b, c=c, d=d))
    g.v = -65
    g.u = -13
    g.I = current
    mon = StateMonitor(g, ['v', 'u'], record=True, when='end')
    spikes = SpikeMonitor(g)
    net = Network(g, mon, spikes)
    net.run(steps * dt * ms)
    write('izhikevich_%s.csv' % preset, steps, dt * ms, mon, spikes, 'v', 'u')


def adex(steps=3000, dt=0.1):
    defaultclock.dt = dt * ms
    ns = dict(c_m=281 * pF, g_l=30 * nS, e_l=-70.6 * mV, v_t=-50.4 * mV, delta_t=2 * mV,
              tau_w=144 * ms, a=4 * nS, b=80.5 * pA, v_reset=-70.6 * mV, v_peak=20 * mV)
    g = NeuronGroup(1, '''dv/dt = (-g_l*(v - e_l) + g_l*delta_t*exp((v - v_t)/delta_t) - w + I)/c_m : volt
                          dw/dt = (a*(v - e_l) - w)/tau_w : amp
                          I : amp''',
                    threshold='v > v_peak', reset='v = v_reset\nw = w + b', method='euler',
                    namespace=ns)
    g.v = -70.6 * mV
    g.w = 0 * pA
    g.I = 1000 * pA
    mon = StateMonitor(g, ['v', 'w'], record=True, when='end')
    spikes = SpikeMonitor(g)
    net = Network(g, mon, spikes)
    net.run(steps * dt * ms)
    spike_steps = {int(round(float(t / (dt * ms)))) + 1 for t in spikes.t}
    with open('adex.csv', 'w') as f:
        f.write('step,v,w,spike\n')
        for n in range(steps):
            f.write('%d,%.17g,%.17g,%d\n' % (n + 1, mon.v[0][n] / mV, mon.w[0][n] / pA,
                                             1 if (n + 1) in spike_steps else 0))


if __name__ == '__main__':
    izhikevich('regular_spiking', 0.02, 0.2, -65, 8)
    izhikevich('fast_spiking', 0.1, 0.2, -65, 2)
    izhikevich('intrinsically_bursting', 0.02, 0.2, -55, 4)
    izhikevich('chattering', 0.02, 0.2, -50, 2)
    adex()
