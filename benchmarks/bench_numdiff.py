"""gk.numerical_derivative vs numdifftools: accuracy and time per derivative.

numdifftools' 19 example functions (cos … arctan) at x = 0.5, in float64,
relative error against the analytic derivative; log′ next to its singularity
(x = 1e-3, 1e-6, 1e-9); the time of one derivative at one point as a ratio to
numdifftools' default central method, measured in one process with the two
interleaved repeat by repeat (medians; the machine is shared); and 10⁴ points
at once (gradkit under `jax.vmap`, one call) against numdifftools' loop over
the points. Run:

    .venv/bin/python benchmarks/bench_numdiff.py
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
import warnings
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _util import machine, table  # noqa: E402

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


def interleaved(fa: Any, fb: Any, *, repeat: int = 7, budget: float = 0.02) -> tuple[float, float]:
    """Median seconds per call of `fa` and `fb`, their repeats alternating."""
    np.asarray(fa()), np.asarray(fb())  # warm up (compile)

    def calls(fn: Any) -> int:
        start = time.perf_counter()
        np.asarray(fn())
        return max(1, int(budget / max(time.perf_counter() - start, 1e-7)))

    na, nb = calls(fa), calls(fb)
    ta, tb = [], []
    for _ in range(repeat):
        for fn, n, out in ((fa, na, ta), (fb, nb, tb)):
            begin = time.perf_counter()
            for _ in range(n):
                np.asarray(fn())  # each derivative waited for, as a caller would
            out.append((time.perf_counter() - begin) / n)
    return statistics.median(ta), statistics.median(tb)


def errors(derivative: Any, method: str) -> list[str]:
    """Median and max relative error on the 19 functions, then log′ at 1e-3, 1e-6, 1e-9."""
    errs = [
        rel_err(float(derivative(f, method)(X)), float(exact(X)))
        for f, exact in FUNCTIONS_AND_DERIVATIVES[derivative.__name__]
    ]
    log = jnp.log if derivative is gk_derivative else np.log
    logs = [rel_err(float(derivative(log, method)(x)), 1 / x) for x in (1e-3, 1e-6, 1e-9)]
    return [f"{statistics.median(errs):.1e}", f"{max(errs):.1e}"] + [f"{e:.1e}" for e in logs]


def gk_derivative(f: Any, method: str) -> Any:
    return gk.numerical_derivative(f, method=method)


def nd_derivative(f: Any, method: str) -> Any:
    import numdifftools as nd

    return nd.Derivative(f, method=method)


FUNCTIONS_AND_DERIVATIVES = {
    "gk_derivative": [(jf, exact) for jf, _, exact in FUNCTIONS.values()],
    "nd_derivative": [(npf, exact) for _, npf, exact in FUNCTIONS.values()],
}


def accuracy(nd: Any) -> None:
    rows = [[f"gk {m}", *errors(gk_derivative, m)] for m in ("central", "richardson", "forward")]
    rows.append(["gk complex", *errors(gk_derivative, "complex")])
    if nd is not None:
        with warnings.catch_warnings():  # numdifftools warns where every step leaves log's domain
            warnings.simplefilter("ignore")
            rows += [
                [f"numdifftools {m}", *errors(nd_derivative, m)] for m in ("central", "complex")
            ]
    header = ["method", "median rel. err (19 fns)", "max", "log′(1e-3)", "log′(1e-6)", "log′(1e-9)"]
    print(table(header, rows))


def cost(f: Any, method: str) -> tuple[int, int]:
    """Noise-free cost of one derivative: evaluations of f (sin), and XLA's flop count for f.

    XLA:CPU runs a program under 1000 flops (its cost analysis) inline in the
    caller's thread and dispatches anything larger to a worker thread, which
    costs more than these programs compute.
    """
    from gradkit._config import float64
    from gradkit._finite_diff import _program  # the compiled program behind df

    with float64():
        program = _program(f, method, None, np.dtype(np.float64))
        compiled = program.lower(X).compile()
        sines = str(jax.make_jaxpr(_program(jnp.sin, method, None, np.dtype(np.float64)))(X))
    analysis = compiled.cost_analysis()
    analysis = analysis[0] if isinstance(analysis, list) else analysis
    # the sin equations of the program for f = sin, each over all its points at once
    shapes = re.findall(r"\w+\[([\d,]*)\] = sin\b", sines)
    evaluations = sum(int(np.prod([int(d) for d in shape.split(",") if d])) for shape in shapes)
    return evaluations, int(analysis.get("flops", 0))


def speed(nd: Any) -> None:
    rows = []
    for method in ("central", "richardson", "complex"):
        ratios, gk_times, flops = [], [], []
        for jf, npf, _ in FUNCTIONS.values():
            d = gk.numerical_derivative(jf, method=method)
            ref = nd.Derivative(npf)
            t_gk, t_nd = interleaved(lambda d=d: d(X), lambda ref=ref: ref(X))
            ratios.append(t_nd / t_gk)
            gk_times.append(t_gk)
            evaluations, n = cost(jf, method)
            flops.append(n)
        worst = int(np.argmin(ratios))
        rows.append(
            [
                f"gk {method}",
                f"{statistics.median(gk_times) * 1e6:.0f}",
                f"{statistics.median(ratios):.0f}×",
                f"{ratios[worst]:.1f}× ({list(FUNCTIONS)[worst]})",
                str(evaluations),
                f"{statistics.median(flops)} ({max(flops)})",
            ]
        )
    header = [
        "method",
        "µs / derivative",
        "ratio: median",
        "worst (function)",
        "evaluations of f",
        "XLA flops: median (max)",
    ]
    print(table(header, rows))


def batched(nd: Any, n: int = 10_000) -> None:
    xs = np.linspace(0.1, 3.0, n)
    rows = []
    want = np.cos(xs)
    for method in ("central", "richardson", "complex"):
        d = gk.numerical_derivative(jnp.sin, method=method)
        got = np.asarray(d(xs))  # compiles for this shape
        start = time.perf_counter()
        got = np.asarray(d(xs))
        rows.append(
            [
                f"gk {method}, one call (vmap)",
                f"{time.perf_counter() - start:.4f}",
                f"{np.max(np.abs(got - want)):.1e}",
            ]
        )
    if nd is not None:
        ref = nd.Derivative(np.sin)
        start = time.perf_counter()
        got = np.array([float(ref(x)) for x in xs])
        rows.append(
            [
                "numdifftools central, loop over points",
                f"{time.perf_counter() - start:.4f}",
                f"{np.max(np.abs(got - want)):.1e}",
            ]
        )
        start = time.perf_counter()
        got = np.asarray(ref(xs))
        rows.append(
            [
                "numdifftools central, one vectorised call",
                f"{time.perf_counter() - start:.4f}",
                f"{np.max(np.abs(got - want)):.1e}",
            ]
        )
    print(table([f"sin′ at {n} points", "seconds", "max abs. error"], rows))


def main() -> None:
    try:
        import numdifftools as nd
    except ImportError:
        nd = None
        print("(numdifftools is not installed: pip install 'gradkit[bench]' to compare)")
    print(f"machine: {machine()}")
    if nd is not None:
        print(f"numdifftools {nd.__version__}\n")
    accuracy(nd)
    print()
    if nd is not None:
        speed(nd)
        print()
    batched(nd)


if __name__ == "__main__":
    main()
