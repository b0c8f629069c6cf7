# Loads two NIR files with the nir package (nir.read, type check on) and requires the same graph:
# the same node names, node types and nesting, the same edges, and every parameter equal to
# float32 precision. Prints what it compared; exits non-zero naming the first difference.
import dataclasses
import sys

import numpy as np
import nir

counts = {"nodes": 0, "edges": 0, "values": 0, "graphs": 0}


def fail(path, what):
    sys.exit("%s: %s" % (path or "/", what))


def same_value(path, name, a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        if not isinstance(a, dict) or not isinstance(b, dict) or sorted(a) != sorted(b):
            fail(path, "%s differs: %r != %r" % (name, a, b))
        for key in a:
            same_value(path, "%s[%s]" % (name, key), a[key], b[key])
        return
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        if a != b:
            fail(path, "%s differs: %r != %r" % (name, a, b))
        return
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        fail(path, "%s has shape %s, not %s" % (name, y.shape, x.shape))
    if not np.allclose(x, y, rtol=1.2e-7, atol=0.0):
        worst = np.argmax(np.abs(x - y))
        fail(path, "%s differs: %r != %r" % (name, x.flat[worst], y.flat[worst]))
    counts["values"] += x.size


def same_graph(path, a, b):
    counts["graphs"] += 1
    if sorted(a.nodes) != sorted(b.nodes):
        fail(path, "nodes %s, not %s" % (sorted(b.nodes), sorted(a.nodes)))
    if sorted(map(tuple, a.edges)) != sorted(map(tuple, b.edges)):
        fail(path, "edges %s, not %s" % (sorted(b.edges), sorted(a.edges)))
    counts["edges"] += len(a.edges)
    for name, x in a.nodes.items():
        y = b.nodes[name]
        where = path + "/" + name
        if type(x) is not type(y):
            fail(where, "is a %s, not a %s" % (type(y).__name__, type(x).__name__))
        counts["nodes"] += 1
        if isinstance(x, nir.NIRGraph):
            same_graph(where, x, y)
            continue
        for field in dataclasses.fields(x):
            if field.name == "metadata":
                continue
            same_value(where, field.name, getattr(x, field.name), getattr(y, field.name))


original = nir.read(sys.argv[1])
again = nir.read(sys.argv[2])
same_graph("", original, again)
print("%(nodes)d nodes (%(graphs)d graphs), %(edges)d edges, %(values)d values equal" % counts)
