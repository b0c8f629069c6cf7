#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference traces from Brian2 for tests/equations/test-equations-brian2.c.

Runs the models of data/brian2_models.ini (the very texts the test gives Basalt) in Brian2
with each listed method and prints CSV on stdout, committed as data/<model>_brian2.csv:

    model,method,neuron,step,var,value

one row per state variable and neuron after each 0-based step (recorded at the end of the
step, after the reset), plus a row with var "spike" and value 1 for every spike. SI units,
17 significant digits. Usage (from this folder):
    /usr/bin/python3 brian2_adex.py adex > data/adex_brian2.csv
    /usr/bin/python3 brian2_adex.py lif > data/lif_brian2.csv
    /usr/bin/python3 brian2_adex.py held > data/held_brian2.csv
    /usr/bin/python3 brian2_adex.py refcond > data/refcond_brian2.csv
"""
import configparser
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import brian2 as b2  # noqa: E402

b2.prefs.codegen.target = "numpy"
b2.BrianLogger.log_level_error()


def values(text):
    return [float(x) for x in text.split(";")]


def run(name, section, params, init, method):
    dt = float(section["dt"])
    steps = int(section["steps"])
    b2.start_scope()
    b2.defaultclock.dt = dt * b2.second
    kwargs = dict(threshold=section["threshold"], reset=section["reset"].replace("\\n", "\n"),
                  method=method)
    if section.get("refractory", "").strip():
        kwargs["refractory"] = section["refractory"]
    n = len(next(iter(init.values())))
    group = b2.NeuronGroup(n, section["model"].replace("\\n", "\n"), **kwargs)
    for key, vals in list(params.items()) + list(init.items()):
        setattr(group, key + "_", vals)
    mon = b2.StateMonitor(group, list(init.keys()), record=True, when="end")
    spk = b2.SpikeMonitor(group)
    b2.run(steps * dt * b2.second)
    for i in range(n):
        for step in range(steps):
            for var in init:
                value = getattr(mon, var + "_")[i][step]
                print(f"{name},{method},{i},{step},{var},{value:.17g}")
    for i, t in zip(spk.i, spk.t_):
        print(f"{name},{method},{i},{int(round(t / dt))},spike,1")


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "adex"
    ini = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",))
    ini.optionxform = str
    ini.read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                          "brian2_models.ini"))
    section = ini[name]
    params = {k: values(v) for k, v in ini[name + ".params"].items()}
    init = {k: values(v) for k, v in ini[name + ".init"].items()}
    print("model,method,neuron,step,var,value")
    for method in section["methods"].split(";"):
        run(name, section, params, init, method)


if __name__ == "__main__":
    main()
