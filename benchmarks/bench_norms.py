"""Benchmark `jit(value_and_grad(gk.norm))` against the same on `jnp.linalg.norm`.

    .venv/bin/python benchmarks/bench_norms.py            # markdown table on stdout
    .venv/bin/python benchmarks/bench_norms.py --repeats 31

Both run side by side in one process, interleaved repeat by repeat so that
noise from a shared machine hits both alike; the table gives medians per call
and the ratio gradkit / JAX (goal: ≤ 1.15), plus the ratio of the best
repeats, which is steadier on a loaded machine. The last column evaluates each
gradient at 0: gradkit's is 0 (the minimum-norm subgradient), JAX's is NaN
for the 2-norms and not 0 for the others.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

import gradkit as gk


def _per_call(fn: Callable, x: jax.Array, budget: float = 0.003) -> tuple[Callable[[], float], int]:
    jax.block_until_ready(fn(x))
    start = time.perf_counter()
    jax.block_until_ready(fn(x))
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(budget / once))

    def run() -> float:
        start = time.perf_counter()
        for _ in range(number):
            out = fn(x)
        jax.block_until_ready(out)
        return (time.perf_counter() - start) / number

    return run, number


def _at_zero(fn: Callable, shape: tuple[int, ...]) -> str:
    g = np.asarray(fn(jnp.zeros(shape))[1])
    if np.isnan(g).any():
        return "NaN"
    return "0" if not g.any() else f"‖g‖={np.linalg.norm(g.ravel()):.3g}"


def _cases() -> list[tuple[str, tuple[int, ...], Callable, Callable]]:
    cases = []
    for n in (1_000, 1_000_000):
        for ord in (1, 2, jnp.inf):
            label = f"vector n={n:,}, ord={ord}"
            cases.append(
                (
                    label,
                    (n,),
                    lambda x, o=ord: gk.norm(x, o),
                    lambda x, o=ord: jnp.linalg.norm(x, o),
                )
            )
        cases.append(
            (
                f"vector n={n:,}, 'l2-scaled' vs ord=2",
                (n,),
                lambda x: gk.norm(x, "l2-scaled"),
                lambda x: jnp.linalg.norm(x, 2),
            )
        )
    cases.append(
        (
            "matrix 1000×1000, 'fro'",
            (1000, 1000),
            lambda x: gk.norm(x, "fro"),
            lambda x: jnp.linalg.norm(x, "fro"),
        )
    )
    for n in (50, 200):
        cases.append(
            (
                f"matrix {n}×{n}, 'nuc'",
                (n, n),
                lambda x: gk.norm(x, "nuc"),
                lambda x: jnp.linalg.norm(x, "nuc"),
            )
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=101, help="timed repeats per function")
    args = parser.parse_args()
    key = jax.random.key(0)
    print(f"python {platform.python_version()}, jax {jax.__version__}, device {jax.devices()[0]}")
    print()
    print(
        "| case | gradkit median (µs) | jnp.linalg.norm median (µs) | ratio of medians "
        "| ratio of bests | grad at 0: gradkit / JAX |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for label, shape, ours, theirs in _cases():
        x = jax.random.normal(key, shape)
        fns = [jax.jit(jax.value_and_grad(f)) for f in (ours, theirs)]
        runs = [_per_call(f, x)[0] for f in fns]
        times: list[list[float]] = [[], []]
        for repeat in range(args.repeats):
            for i in (0, 1) if repeat % 2 else (1, 0):  # alternate who goes first
                times[i].append(runs[i]())
        medians = [statistics.median(t) * 1e6 for t in times]
        best = [min(t) for t in times]
        zero = " / ".join(_at_zero(f, shape) for f in fns)
        print(
            f"| {label} | {medians[0]:.1f} | {medians[1]:.1f} | "
            f"{medians[0] / medians[1]:.2f} | {best[0] / best[1]:.2f} | {zero} |"
        )


if __name__ == "__main__":
    main()
