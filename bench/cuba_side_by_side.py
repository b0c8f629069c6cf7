#!/usr/bin/python3
"""Runs `basalt bench --network cuba` (one and two threads) and Brian2's C++ standalone build of
the same network (bench/brian2_cuba.py) side by side, round after round, and prints the range of
each figure over the rounds as a Markdown table.

    /usr/bin/python3 bench/cuba_side_by_side.py --build build [--rounds 2] [--Ns 4000,50000]

Both run 10 000 steps (one second at dt = 0.1 ms). Steps per second count the run alone (not the
drawing of the synapses or Brian2's compilation); every ratio is taken within one round.
"""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(argv, prefix=''):
    """The JSON line of a run and its peak resident memory in MB (from /usr/bin/time)."""
    proc = subprocess.run(['/usr/bin/time', '-f', 'PEAK_KB %M'] + argv, check=True,
                          capture_output=True, text=True)
    peak = [int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith('PEAK_KB')]
    for line in proc.stdout.splitlines():
        if line.startswith(prefix + '{'):
            return json.loads(line[len(prefix):]), (peak[-1] / 1024 if peak else float('nan'))
    raise RuntimeError('no result from ' + ' '.join(argv))


def basalt(build, n, threads, steps):
    r, peak = run_json([os.path.join(build, 'app', 'basalt'), 'bench', '--network', 'cuba',
                        '--n', str(n), '--steps', str(steps), '--threads', str(threads), '--json'])
    return r['steps_per_s'], r['compile_s'], sum(r['spikes'].values()), peak


def brian2(n, steps):
    r, peak = run_json(['/usr/bin/python3', os.path.join(HERE, 'brian2_cuba.py'), '--N', str(n),
                        '--steps', str(steps)], prefix='RESULT ')
    return r['steps_per_s'], r['spikes'], peak


def span(values, fmt):
    lo, hi = min(values), max(values)
    return fmt(lo) if fmt(lo) == fmt(hi) else fmt(lo) + '-' + fmt(hi)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--rounds', type=int, default=2)
    ap.add_argument('--Ns', default='4000,50000')
    ap.add_argument('--steps', type=int, default=10000)
    a = ap.parse_args()
    rows = []
    for n in map(int, a.Ns.split(',')):
        rec = {}
        for _ in range(a.rounds):
            r = {}
            for threads in (1, 2):
                (r['basalt %dt' % threads], r['compile %dt' % threads], r['spikes'],
                 r['peak MB %dt' % threads]) = basalt(a.build, n, threads, a.steps)
            r['brian2'], r['brian2 spikes'], r['brian2 peak MB'] = brian2(n, a.steps)
            r['1t/brian2'] = r['basalt 1t'] / r['brian2']
            r['2t/brian2'] = r['basalt 2t'] / r['brian2']
            for k, v in r.items():
                rec.setdefault(k, []).append(v)
            print('N=%d round: %s' % (n, json.dumps(r)), file=sys.stderr)
        rows.append((n, rec))

    num = lambda x: '%.0f' % x
    ratio = lambda x: '%.2f' % x
    print('| N | Basalt 1 thread | Basalt 2 threads | Brian2 C++ standalone | Basalt / Brian2 (1t, 2t) '
          '| spikes Basalt / Brian2 | drawing s | peak MB Basalt / Brian2 |')
    print('|---|---|---|---|---|---|---|---|')
    for n, rec in rows:
        print('| %d | %s | %s | %s | %sx, %sx | %s / %s | %s | %s / %s |' % (
            n, span(rec['basalt 1t'], num), span(rec['basalt 2t'], num), span(rec['brian2'], num),
            span(rec['1t/brian2'], ratio), span(rec['2t/brian2'], ratio),
            span(rec['spikes'], num), span(rec['brian2 spikes'], num),
            span(rec['compile 1t'], ratio), span(rec['peak MB 1t'], num),
            span(rec['brian2 peak MB'], num)))


if __name__ == '__main__':
    main()
