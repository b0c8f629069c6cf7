#!/usr/bin/python3
"""Brian2's CUBA network at any size, as `basalt bench --network cuba --n N` builds it: 0.8 N
excitatory and 0.2 N inhibitory current-based neurons integrated exactly, 5 ms refractory,
dt = 0.1 ms, every pair connected with probability 0.02 (ge += 1.62 mV from excitatory neurons,
gi += -9 mV from inhibitory ones). Prints one line 'RESULT {json}'.

    /usr/bin/python3 bench/brian2_cuba.py --N 50000 [--steps 10000] [--target cpp_standalone]

The connections are drawn by Brian2's generator, so the spike counts agree with Basalt's in
rate, not spike for spike.
"""
import argparse, json, os, tempfile, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--N', type=int, default=4000)
    ap.add_argument('--steps', type=int, default=10000)
    ap.add_argument('--target', default='cpp_standalone', choices=['cpp_standalone', 'cython', 'numpy'])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--workdir', default=os.path.join(tempfile.gettempdir(), 'basalt-brian2-cuba'))
    args = ap.parse_args()

    import brian2 as b2
    from brian2 import ms, mV
    if args.target == 'cpp_standalone':
        b2.set_device('cpp_standalone', build_on_run=False, directory=None)
    else:
        b2.prefs.codegen.target = args.target
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)

    n_exc = args.N * 4 // 5
    model = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    namespace = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, El=-49 * mV, Vt=-50 * mV, Vr=-60 * mV,
                     we=60 * 0.27 / 10 * mV, wi=-20 * 4.5 / 10 * mV)
    group = b2.NeuronGroup(args.N, model, threshold='v > Vt', reset='v = Vr', refractory=5 * ms,
                           method='exact', namespace=namespace)
    group.v = 'Vr + rand() * (Vt - Vr)'
    excitatory = b2.Synapses(group, group, on_pre='ge += we', namespace=namespace)
    inhibitory = b2.Synapses(group, group, on_pre='gi += wi', namespace=namespace)
    excitatory.connect('i < n_exc', p=0.02, namespace=dict(n_exc=n_exc))
    inhibitory.connect('i >= n_exc', p=0.02, namespace=dict(n_exc=n_exc))
    spikes = b2.SpikeMonitor(group, record=False)
    net = b2.Network(group, excitatory, inhibitory, spikes)
    duration = args.steps * b2.defaultclock.dt
    result = dict(bench='cuba', target=args.target, N=args.N, steps=args.steps)
    if args.target == 'cpp_standalone':
        net.run(duration)
        directory = os.path.join(args.workdir, 'N%d' % args.N)
        b2.device.build(directory=directory, compile=True, run=True, clean=True)
        result['run_s'] = b2.device._last_run_time
        result['synapses'] = int(len(excitatory) + len(inhibitory))
        result['spikes'] = int(spikes.num_spikes)
    else:
        net.run(0 * ms)
        t0 = time.time()
        net.run(duration)
        result['run_s'] = time.time() - t0
        result['synapses'] = int(len(excitatory) + len(inhibitory))
        result['spikes'] = int(spikes.num_spikes)
    result['steps_per_s'] = args.steps / result['run_s']
    print('RESULT ' + json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
