"""gk.numerical_derivative vs numdifftools: accuracy and time per derivative.

numdifftools' 19 example functions (cos … arctan) at x = 0.5, in float64,
relative error against the analytic derivative, and the median time of one
derivative at one point (after gradkit's first call has compiled). Run:

    .venv/bin/python benchmarks/bench_numdiff.py
"""

from __future__ import annotations

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _util import machine, median_time, table  # noqa: E402

import gradkit as gk  # noqa: E402

X = 0.5

# name: (jax function, numpy function, analytic derivative)
FUNCTIONS = {
    "cos": (jnp.cos, np.cos, lambda x: -np.sin(x)),
    "sin": (jnp.sin, np.sin, np.cos),
    "tan": (jnp.tan, np.tan, lambda x: 1 / np.cos(x) ** 2),
    "cosh": (jnp.cosh, np.cosh, np.sinh),
    "sinh": (jnp.sinh, np.sinh, np.cosh),
    "tanh": (jnp.tanh, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "arcsinh": (jnp.arcsinh, np.arcsinh, lambda x: 1 / np.sqrt(1 + x**2)),
    "exp": (jnp.exp, np.exp, np.exp),
    "expm1": (jnp.expm1, np.expm1, np.exp),
    "exp2": (jnp.exp2, np.exp2, lambda x: np.log(2) * np.exp2(x)),
    "square": (jnp.square, np.square, lambda x: 2 * x),
    "sqrt": (jnp.sqrt, np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    "log": (jnp.log, np.log, lambda x: 1 / x),
    "log1p": (jnp.log1p, np.log1p, lambda x: 1 / (1 + x)),
    "log10": (jnp.log10, np.log10, lambda x: 1 / (x * np.log(10))),
    "log2": (jnp.log2, np.log2, lambda x: 1 / (x * np.log(2))),
    "arccos": (jnp.arccos, np.arccos, lambda x: -1 / np.sqrt(1 - x**2)),
    "arcsin": (jnp.arcsin, np.arcsin, lambda x: 1 / np.sqrt(1 - x**2)),
    "arctan": (jnp.arctan, np.arctan, lambda x: 1 / (1 + x**2)),
}


def rel_err(got: float, want: float) -> float:
    return abs(got - want) / abs(want)


def main() -> None:
    try:
        import numdifftools as nd
    except ImportError:
        nd = None
        print("(numdifftools is not installed: pip install 'gradkit[bench]' to compare)")
    print(f"machine: {machine()}")
    if nd is not None:
        print(f"numdifftools {nd.__version__}\n")
    contestants = [(f"gk {m}", m) for m in ("central", "richardson", "complex")]
    if nd is not None:
        contestants += [("numdifftools central", "nd-central"), ("numdifftools complex", "nd-cx")]
    errors: dict[str, list[float]] = {name: [] for name, _ in contestants}
    times: dict[str, list[float]] = {name: [] for name, _ in contestants}
    for jf, npf, exact in FUNCTIONS.values():
        want = float(exact(X))
        for name, method in contestants:
            if method.startswith("nd-"):
                d = nd.Derivative(npf, method="central" if method == "nd-central" else "complex")
                got = float(d(X))
                t = median_time(lambda d=d: d(X), repeat=5, number=20)
            else:
                d = gk.numerical_derivative(jf, method=method)
                got = float(d(X))
                t = median_time(lambda d=d: d(X), repeat=5)
            errors[name].append(rel_err(got, want))
            times[name].append(t)
    base = statistics.median(times["numdifftools central"]) if nd is not None else None
    rows = []
    for name, _ in contestants:
        med_t = statistics.median(times[name])
        row = [
            name,
            f"{statistics.median(errors[name]):.1e}",
            f"{max(errors[name]):.1e}",
            f"{med_t * 1e6:.0f}",
        ]
        if base is not None:
            row.append(f"{base / med_t:.0f}×")
        rows.append(row)
    header = ["method", "median rel. error", "max rel. error", "µs / derivative"]
    if base is not None:
        header.append("speed vs numdifftools central")
    print(table(header, rows))


if __name__ == "__main__":
    main()
