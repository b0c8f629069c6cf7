"""Steps the process models an exported Lava script defines for itself, without Lava.

Usage: run_custom_lava_models.py SCRIPT DRIVE.json STEPS

Lava's modules are replaced by stand-ins just large enough for the script to load and build its
network; each of the script's own processes (CUSTOM_MODELS) then gets its model object, with its
Vars' initial values, and run_spk() is called once per step, Lava's time_step counting from 1.
DRIVE.json gives, per process and InPort, what it receives at each step ({"iz": {"a_in":
[[...], ...]}}). Prints "process,var,step,index,value" for every Var and for s_out, values in
repr() so that they read back exactly.
"""

import importlib.util
import json
import sys
import types

import numpy as np


class _Port:
    VEC_DENSE = 'dense'

    def __init__(self, *args, **kwargs):
        pass

    def connect(self, other):
        pass


class _Ports:
    def __getattr__(self, name):
        return _Port()


class _Process:
    def __init__(self, *args, **kwargs):
        self.in_ports = _Ports()
        self.out_ports = _Ports()
        self.values = kwargs


class _Var:
    def __init__(self, shape, init):
        self.shape = shape
        self.init = init


class _LavaPyType:
    def __init__(self, cls, dtype, precision=None):
        self.cls = cls


class _ProcessModel:
    def __init__(self, proc_params=None):
        self.time_step = 0


def _decorator(*args, **kwargs):
    return lambda cls: cls


_STAND_INS = {
    'lava.magma.core.run_conditions': {'RunSteps': _Process},
    'lava.magma.core.run_configs': {'Loihi2SimCfg': _Process},
    'lava.proc.dense.process': {'DelayDense': _Process, 'Dense': _Process},
    'lava.proc.io.sink': {'RingBuffer': _Process},
    'lava.proc.io.source': {'RingBuffer': _Process},
    'lava.proc.lif.process': {'LIF': _Process, 'LIFRefractory': _Process, 'LIFReset': _Process,
                              'TernaryLIF': _Process},
    'lava.proc.monitor.process': {'Monitor': _Process},
    'lava.proc.atrlif.process': {'ATRLIF': _Process},
    'lava.proc.rf.process': {'RF': _Process},
    'lava.proc.sdn.process': {'ActivationMode': _Process, 'SigmaDelta': _Process},
    'lava.proc.sparse.process': {'Sparse': _Process},
    'lava.utils.weightutils': {'SignMode': _Process},
    'lava.magma.core.decorator': {'implements': _decorator, 'requires': _decorator,
                                  'tag': _decorator},
    'lava.magma.core.model.py.model': {'PyLoihiProcessModel': _ProcessModel},
    'lava.magma.core.model.py.ports': {'PyInPort': _Port, 'PyOutPort': _Port},
    'lava.magma.core.model.py.type': {'LavaPyType': _LavaPyType},
    'lava.magma.core.process.ports.ports': {'InPort': _Port, 'OutPort': _Port},
    'lava.magma.core.process.process': {'AbstractProcess': _Process},
    'lava.magma.core.process.variable': {'Var': _Var},
    'lava.magma.core.resources': {'CPU': object},
    'lava.magma.core.sync.protocols.loihi_protocol': {'LoihiProtocol': object},
    'scipy.sparse': {'csr_matrix': np.array},
}


def _install_stand_ins():
    for name, attributes in _STAND_INS.items():
        parts = name.split('.')
        for k in range(1, len(parts) + 1):
            sys.modules.setdefault('.'.join(parts[:k]), types.ModuleType('.'.join(parts[:k])))
        module = sys.modules[name]
        for attribute, value in attributes.items():
            setattr(module, attribute, value)


class _Inbox:
    def __init__(self, rows):
        self.rows = rows
        self.step = 0

    def recv(self):
        row = np.array(self.rows[self.step], dtype=np.float64)
        self.step += 1
        return row


class _Outbox:
    def __init__(self):
        self.sent = []

    def send(self, data):
        self.sent.append(np.array(data, dtype=np.float64))


def main():
    script, drive_path, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    _install_stand_ins()
    spec = importlib.util.spec_from_file_location('exported', script)
    exported = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exported)
    with open(drive_path) as f:
        drive = json.load(f)
    procs = exported.build(steps)

    for name, process in procs.items():
        model_class = exported.CUSTOM_MODELS.get(type(process))
        if model_class is None:
            continue
        model = model_class()
        n = None
        for attribute, declared in vars(model_class).items():
            if not isinstance(declared, _LavaPyType) or declared.cls == _Port.VEC_DENSE:
                continue
            var = getattr(process, attribute)
            if declared.cls is np.ndarray:
                value = np.array(np.broadcast_to(np.asarray(var.init, dtype=np.float64),
                                                 var.shape), dtype=np.float64)
                n = value.size
            else:
                value = float(np.asarray(var.init, dtype=np.float64).reshape(-1)[0])
            setattr(model, attribute, value)
        outbox = _Outbox()
        for attribute, declared in vars(model_class).items():
            if isinstance(declared, _LavaPyType) and declared.cls == _Port.VEC_DENSE:
                if attribute == 's_out':
                    model.s_out = outbox
                else:
                    rows = drive.get(name, {}).get(attribute, [[0.0] * n] * steps)
                    setattr(model, attribute, _Inbox(rows))
        states = [a for a, d in vars(model_class).items()
                  if isinstance(d, _LavaPyType) and d.cls is np.ndarray]
        for t in range(1, steps + 1):
            model.time_step = t
            model.run_spk()
            for var in states:
                for i, x in enumerate(getattr(model, var)):
                    print('%s,%s,%d,%d,%r' % (name, var, t, i, float(x)))
            for i, x in enumerate(outbox.sent[-1]):
                print('%s,s_out,%d,%d,%r' % (name, t, i, float(x)))


if __name__ == '__main__':
    main()
