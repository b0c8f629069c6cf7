#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The unit names a Brian2 2.5 model may use without declaring them, with their SI values.

These are the names of Brian2's default unit namespace plus the units `from brian2 import *`
brings (mS, cmetre, ...). Prints CSV on stdout: name,scale,m,kg,s,A,K,mol,cd (exponents of
the SI base units). Basalt's list of accepted names (engine/equations/bsl-equations-unit-names.c)
and tests/equations/data/brian2_units.csv are made from it:

    /usr/bin/python3 brian2_units.py csv > data/brian2_units.csv
    /usr/bin/python3 brian2_units.py c > ../../engine/equations/bsl-equations-unit-names.c
"""
import sys
import warnings

warnings.filterwarnings("ignore")
from brian2.core.namespace import DEFAULT_UNITS  # noqa: E402
from brian2.units.fundamentalunits import Unit, get_dimensions  # noqa: E402


def brian2_units():
    namespace = {}
    exec("from brian2 import *", namespace)
    units = dict(DEFAULT_UNITS)
    units.update({k: v for k, v in namespace.items() if isinstance(v, Unit)})
    return units


def main():
    units = brian2_units()
    names = sorted(units, key=lambda n: n.encode())
    if sys.argv[1:] == ["csv"]:
        print("name,scale,m,kg,s,A,K,mol,cd")
        for name in names:
            u = units[name]
            d = get_dimensions(u)
            exps = [d._dims[i] for i in range(7)]
            print(f"{name},{float(u):.17g}," + ",".join(f"{e:g}" for e in exps))
    elif sys.argv[1:] == ["c"]:
        print("/* SPDX-License-Identifier: GPL-3.0-or-later */")
        print("/* Made by tests/equations/brian2_units.py from Brian2 2.5: the unit names a model"
              " may use\n * undeclared, in strcmp order. */")
        print('#include "config.h"\n\n#include "bsl-equations-private.h"\n')
        print("const char *const bsl_eq_unit_names[] = {")
        line = " "
        for name in names:
            item = f' "{name}",'
            if len(line) + len(item) > 98:
                print(line)
                line = " "
            line += item
        print(line)
        print("};\n")
        print("const unsigned bsl_eq_n_unit_names = G_N_ELEMENTS (bsl_eq_unit_names);")
    else:
        sys.exit("usage: brian2_units.py csv|c")


main()
