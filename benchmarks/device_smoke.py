"""Seed conformance and norm gradients on whatever accelerator JAX finds.

Runs from a source checkout without installing gradkit (needs jax, equinox,
pluggy and numpy):

    PYTHONPATH=src python benchmarks/device_smoke.py

Prints the JAX backend and devices, checks every seed result through gradkit
on the default device, checks that norm gradients are finite at the origin
(if `gradkit.norm` exists), prints timings (median µs per jitted call, after
compiling), and exits with status 1 if any check failed.
"""

from __future__ import annotations

import statistics
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import gradkit as gk

FAILURES: list[str] = []
TIMINGS: list[tuple[str, float, float]] = []


def check(name: str, fn: Callable[[], Any]) -> None:
    """Run one check; record a failure instead of stopping."""
    try:
        fn()
        print(f"  ok    {name}")
    except Exception:  # noqa: BLE001 - a smoke test reports every failure
        FAILURES.append(name)
        print(f"  FAIL  {name}\n{traceback.format_exc()}")


def timed(name: str, fn: Callable[..., Any], *args: Any) -> None:
    """Record compile time and the median run time of the jitted `fn`."""
    jitted = jax.jit(fn)
    start = time.perf_counter()
    jax.block_until_ready(jitted(*args))
    compile_s = time.perf_counter() - start
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(20):
            out = jitted(*args)
        jax.block_until_ready(out)
        runs.append((time.perf_counter() - start) / 20)
    TIMINGS.append((name, compile_s, statistics.median(runs)))


def seed_checks() -> None:
    f = gk.functions["quadratic"]
    dot2 = gk.functions["dot2"].fn
    doubling = gk.functions["doubling"].fn
    x = jnp.arange(4.0)

    def values() -> None:
        assert (f(1), f(2), f(5)) == (-1, 4, 55)

    def limit_lines() -> None:
        lines = str(gk.limit_table(f, 1.0)).split("\n")
        assert lines[0] == "h=0.10000, numerical limit=2.30000", lines
        assert lines[-1] == "h=0.00001, numerical limit=2.00003", lines

    def grad_dot2() -> None:
        g = jax.jit(gk.grad(dot2))(x)
        assert g.tolist() == [0.0, 4.0, 8.0, 12.0], g
        assert bool(jnp.all(g == 4 * x))

    def backward_sum() -> None:
        assert jax.jit(lambda x: gk.backward(jnp.sum, x))(x).tolist() == [1.0] * 4

    def detach() -> None:
        u = gk.detach(x * x)
        assert bool(jnp.all(jax.jit(gk.grad(lambda x: (u * x).sum()))(x) == u))
        assert bool(jnp.all(jax.jit(gk.grad(lambda x: (x * x).sum()))(x) == 2 * x))

    def doubling_both_modes() -> None:
        rev = jax.jit(gk.grad(doubling))
        fwd = jax.jit(lambda a: jax.jvp(doubling, (a,), (jnp.ones_like(a),))[1])
        value = jax.jit(doubling)
        for a in (0.813, 1.7, -0.2, -3.0, 1e-6, -1e-20, 3000.0, -2e4):
            a = jnp.float32(a)
            want = value(a) / a
            # Both modes must agree exactly. Against d / a allow a few ulps: on
            # an H200 (jax 0.11.2) the division d / a itself came out 1 ulp
            # below the exact power of two that the gradient is.
            got_rev, got_fwd = rev(a), fwd(a)
            assert bool(got_rev == got_fwd), (float(a), got_rev, got_fwd)
            ulps = float(jnp.abs(got_rev - want) / (jnp.finfo(jnp.float32).eps * jnp.abs(want)))
            assert ulps <= 4, (float(a), got_rev, want, ulps)

    def numerics() -> None:
        d = gk.numerical_derivative(jnp.exp, method="richardson")
        assert abs(float(d(1.0)) - np.e) < 1e-12 * np.e

    check("f(1), f(2), f(5) = -1, 4, 55", values)
    check("the five limit lines", limit_lines)
    check("grad 2xᵀx = [0, 4, 8, 12] = 4x (jit)", grad_dot2)
    check("backward of sum = ones (jit)", backward_sum)
    check("detach cells (jit)", detach)
    check("doubling: grad = d/a, reverse and forward, under jit", doubling_both_modes)
    check("numerical derivative (float64, richardson)", numerics)

    timed("grad 2xᵀx, n=4", gk.grad(dot2), x)
    timed("grad 2xᵀx, n=1e6", gk.grad(dot2), jnp.linspace(0.0, 1.0, 1_000_000))
    timed("grad doubling", gk.grad(doubling), jnp.float32(0.813))
    timed("hvp, n=1e6", lambda v: gk.hvp(dot2, v, v), jnp.linspace(0.0, 1.0, 1_000_000))


def norm_checks() -> None:
    try:
        norm = gk.norm
    except AttributeError:
        print("  (gradkit.norm is not available in this checkout: norm checks skipped)")
        return
    v = jnp.array([3.0, -4.0, 0.0])
    m = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

    def values() -> None:
        assert float(norm(v)) == 5.0 and float(norm(v, ord=1)) == 7.0
        assert float(norm(v, ord=jnp.inf)) == 4.0
        np.testing.assert_allclose(norm(m, axis=0), [4.1231, 5.3852, 6.7082], atol=1e-4)
        np.testing.assert_allclose(norm(m, axis=1), [3.7417, 8.7750], atol=1e-4)
        assert abs(float(norm(m, ord="fro")) - 9.5394) < 1e-4

    def finite_at_zero() -> None:
        for ord_ in (None, 1, 2, jnp.inf):
            g = jax.jit(gk.grad(lambda z, o=ord_: norm(z, ord=o)))(jnp.zeros(3))
            assert bool(jnp.all(jnp.isfinite(g))), (ord_, g)
        g = jax.jit(gk.grad(lambda z: norm(z, ord="fro")))(jnp.zeros((2, 2)))
        assert bool(jnp.all(jnp.isfinite(g))), g

    check("norm values 5, 7, 4, columns, rows, fro", values)
    check("norm gradients finite at 0 (ord None, 1, 2, inf, fro)", finite_at_zero)
    timed("grad ‖w‖₂, n=1e6", gk.grad(norm), jnp.linspace(-1.0, 1.0, 1_000_000))


def main() -> int:
    print(f"jax {jax.__version__}, backend {jax.default_backend()}, devices {jax.devices()}")
    print("seed conformance:")
    seed_checks()
    print("norms:")
    norm_checks()
    print("\ntimings (jitted, on the default device):")
    print(f"  {'workload':<22} {'compile s':>10} {'median µs':>11}")
    for name, compile_s, run_s in TIMINGS:
        print(f"  {name:<22} {compile_s:>10.2f} {run_s * 1e6:>11.1f}")
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) FAILED: {', '.join(FAILURES)}")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
