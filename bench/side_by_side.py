#!/usr/bin/python3
"""Runs `basalt bench --network dense`, the plain C loop and Brian2's C++ standalone side by side,
round after round, and prints the range of each figure over the rounds as a Markdown table.

    /usr/bin/python3 bench/side_by_side.py --build build [--rounds 3] [--Ns 100,1000,4000]
                                           [--brian2 ../shared/bench/brian2_dense.py]

The machine may be shared: every ratio is taken within one round, where the runs are adjacent.
Small networks run more steps so that each run lasts long enough to time.
"""
import argparse, json, os, subprocess, sys

STEPS = {100: 100000, 1000: 5000}


def steps_for(n):
    return STEPS.get(n, 1000)


def run_json(argv, prefix=''):
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith(prefix + '{'):
            return json.loads(line[len(prefix):])
    raise RuntimeError('no result from ' + ' '.join(argv))


def basalt(build, n, tag, threads):
    r = run_json([os.path.join(build, 'app', 'basalt'), 'bench', '--network', 'dense', '--n', str(n),
                  '--steps', str(steps_for(n)), '--tag', tag, '--threads', str(threads), '--json'])
    return r['steps_per_s'], r['compile_s']


def plain(build, n, kind):
    r = run_json([os.path.join(build, 'bench', 'plain-loop'), kind, str(n), str(steps_for(n))])
    return r['steps_per_s']


def brian2(script, n):
    r = run_json(['/usr/bin/python3', script, '--target', 'cpp_standalone', '--N', str(n),
                  '--steps', str(steps_for(n))], prefix='RESULT ')
    return r['steps_per_s']


def bandwidth(build, mib):
    return run_json([os.path.join(build, 'bench', 'plain-loop'), 'bandwidth', str(mib)])['gb_per_s']


def span(values, fmt):
    lo, hi = min(values), max(values)
    return fmt(lo) if fmt(lo) == fmt(hi) else fmt(lo) + '-' + fmt(hi)


def rate(x):
    if x >= 1e6:
        return '%.2f M' % (x / 1e6)
    if x >= 1e4:
        return '%.0f k' % (x / 1e3)
    return '%.2f k' % (x / 1e3) if x >= 1e3 else '%.0f' % x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--Ns', default='100,1000,4000')
    ap.add_argument('--brian2', default=os.path.join(os.path.dirname(__file__), '..', '..', 'shared',
                                                     'bench', 'brian2_dense.py'))
    a = ap.parse_args()
    rows = []
    for n in map(int, a.Ns.split(',')):
        rec = {}
        for _ in range(a.rounds):
            r = {}
            for tag in ('floating_pt', 'fixed_pt'):
                for threads in (1, 2):
                    r[tag, threads], r[tag, 'compile'] = basalt(a.build, n, tag, threads)
            r['plain float'] = plain(a.build, n, 'float')
            r['plain int'] = plain(a.build, n, 'int')
            r['brian2'] = brian2(a.brian2, n) if a.brian2 else float('nan')
            r['bandwidth'] = bandwidth(a.build, 128)
            r['float/plain'] = r['floating_pt', 1] / r['plain float']
            r['fixed/plain'] = r['fixed_pt', 1] / r['plain int']
            r['float/brian2'] = r['floating_pt', 1] / r['brian2']
            r['fixed/brian2'] = r['fixed_pt', 1] / r['brian2']
            r['float 2t/1t'] = r['floating_pt', 2] / r['floating_pt', 1]
            r['fixed 2t/1t'] = r['fixed_pt', 2] / r['fixed_pt', 1]
            for k, v in r.items():
                rec.setdefault(k, []).append(v)
            print('N=%d round: %s' % (n, json.dumps({str(k): v for k, v in r.items()})), file=sys.stderr)
        rows.append((n, rec))

    ratio = lambda x: '%.2f' % x
    print('| N | Basalt floating_pt 1t / 2t | Basalt fixed_pt 1t / 2t | Brian2 C++ standalone '
          '| plain C float64 | plain C int | float vs plain / Brian2 | fixed vs plain / Brian2 |')
    print('|---|---|---|---|---|---|---|---|')
    for n, rec in rows:
        print('| %d | %s / %s | %s / %s | %s | %s | %s | %sx / %sx | %sx / %sx |' % (
            n, span(rec['floating_pt', 1], rate), span(rec['floating_pt', 2], rate),
            span(rec['fixed_pt', 1], rate), span(rec['fixed_pt', 2], rate),
            span(rec['brian2'], rate), span(rec['plain float'], rate), span(rec['plain int'], rate),
            span(rec['float/plain'], ratio), span(rec['float/brian2'], ratio),
            span(rec['fixed/plain'], ratio), span(rec['fixed/brian2'], ratio)))
    print()
    print('| N | 2 threads / 1 (float, fixed) | compile s (float, fixed) | read bandwidth GB/s |')
    print('|---|---|---|---|')
    for n, rec in rows:
        print('| %d | %s, %s | %s, %s | %s |' % (
            n, span(rec['float 2t/1t'], ratio), span(rec['fixed 2t/1t'], ratio),
            span(rec['floating_pt', 'compile'], ratio), span(rec['fixed_pt', 'compile'], ratio),
            span(rec['bandwidth'], ratio)))


if __name__ == '__main__':
    main()
