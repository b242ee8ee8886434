"""gradkit's autodiff wrappers vs the raw JAX transformations, under jax.jit.

For each workload: XLA cost-analysis flops of the compiled program (the goal is
identical), and the median time per call of the jitted function (dispatch plus
run; the goal is a ratio of 1 within noise). Run:

    .venv/bin/python benchmarks/bench_autodiff.py
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from _util import flops, machine, paired_times, same_program, table  # noqa: E402

import gradkit as gk  # noqa: E402


def dot2(x):
    return 2 * jnp.dot(x, x)


def vec(x):
    return jnp.sin(x) * jnp.cumsum(x)


def workloads():
    small, big = jnp.arange(4.0), jnp.linspace(0.0, 1.0, 1000)
    mat = jnp.linspace(0.0, 1.0, 100)
    return [
        ("grad 2xᵀx, n=4", gk.grad(dot2), jax.grad(dot2), small),
        ("grad 2xᵀx, n=1000", gk.grad(dot2), jax.grad(dot2), big),
        (
            "backward sin·cumsum, n=1000",
            lambda x: gk.backward(vec, x),
            lambda x: jax.vjp(vec, x)[1](jnp.ones_like(x))[0],
            big,
        ),
        ("jacobian R¹⁰⁰→R¹⁰⁰ (auto)", gk.jacobian(vec), jax.jacrev(vec), mat),
        ("jacobian R¹⁰⁰→R¹⁰⁰ (fwd)", gk.jacobian(vec, mode="fwd"), jax.jacfwd(vec), mat),
        ("hessian 2xᵀx, n=100", gk.hessian(dot2), jax.hessian(dot2), mat),
        (
            "derivative sin, n=1000",
            gk.derivative(jnp.sin),
            jnp.vectorize(jax.grad(jnp.sin)),
            big,
        ),
    ]


def main() -> None:
    print(f"machine: {machine()}\n")
    rows = []
    for name, ours, raw, x in workloads():
        f_ours, f_raw = flops(ours, x), flops(raw, x)
        j_ours, j_raw = jax.jit(ours), jax.jit(raw)
        t_ours, t_raw = paired_times(lambda: j_ours(x), lambda: j_raw(x))  # noqa: B023
        rows.append(
            [
                name,
                f"{f_ours:.0f}",
                f"{f_raw:.0f}",
                "yes" if same_program(ours, raw, x) else "NO",
                f"{t_ours * 1e6:.1f}",
                f"{t_raw * 1e6:.1f}",
                f"{t_ours / t_raw:.2f}",
            ]
        )
    print(
        table(
            ["workload", "gk flops", "jax flops", "same HLO", "gk µs", "jax µs", "gk/jax"],
            rows,
        )
    )


if __name__ == "__main__":
    main()
