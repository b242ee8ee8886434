"""Shared helpers for the benchmark scripts: timing, XLA cost, machine description."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any


def median_time(fn: Callable[[], Any], *, repeat: int = 7, number: int | None = None) -> float:
    """Return the median seconds per call of `fn` (results blocked until ready).

    `number` calls per repeat; when None it is picked so one repeat takes ~20 ms.
    """

    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            out = fn()
        _block(out)
        return (time.perf_counter() - start) / n

    _block(fn())  # warm up (compile)
    if number is None:
        number = 1
        while run(number) * number < 0.02 and number < 100_000:
            number *= 4
    return statistics.median(run(number) for _ in range(repeat))


def paired_times(
    fa: Callable[[], Any], fb: Callable[[], Any], *, repeat: int = 15
) -> tuple[float, float]:
    """Return the median seconds per call of `fa` and `fb`, measured alternately.

    Alternating the repeats spreads the noise of a shared machine over both.
    """
    _block(fa())
    _block(fb())
    number = 1
    start = time.perf_counter()
    while time.perf_counter() - start < 0.01 and number < 100_000:
        for _ in range(number):
            _block(fa())
        number *= 2
    ta, tb = [], []
    for _ in range(repeat):
        for fn, out in ((fa, ta), (fb, tb)):
            begin = time.perf_counter()
            for _ in range(number):
                res = fn()
            _block(res)
            out.append((time.perf_counter() - begin) / number)
    return statistics.median(ta), statistics.median(tb)


def program_text(fn: Callable[..., Any], *args: Any) -> str:
    """Return the optimized HLO ``jax.jit`` compiles `fn` to at `args`, names stripped.

    Module, function and source-location names are removed, so two installs (or
    two spellings) that compile to the same computation give the same text.
    """
    import re

    import jax

    hlo = jax.jit(fn).lower(*args).compile().as_text()
    hlo = re.sub(r"HloModule \S+", "HloModule m", hlo)
    hlo = re.sub(r", metadata=\{[^}]*\}", "", hlo)
    hlo = re.sub(r"jit_\w+", "jit_f", hlo)
    # keep the computations; drop the source-location tables (file and function names)
    return "\n".join(line for line in hlo.splitlines() if not re.match(r"^(\d+ |[A-Z]\w*$)", line))


def same_program(fa: Callable[..., Any], fb: Callable[..., Any], *args: Any) -> bool:
    """Return whether ``jax.jit`` compiles `fa` and `fb` to the same optimized HLO."""
    return program_text(fa, *args) == program_text(fb, *args)


def _block(out: Any) -> None:
    import jax

    for leaf in jax.tree.leaves(out):
        if hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()


def flops(fn: Callable[..., Any], *args: Any) -> float:
    """Return XLA's cost-analysis flop count of ``jax.jit(fn)`` at `args`."""
    import jax

    cost = jax.jit(fn).lower(*args).compile().cost_analysis()
    cost = cost[0] if isinstance(cost, list | tuple) else cost
    return float(cost.get("flops", float("nan"))) if cost else float("nan")


def machine() -> str:
    """Describe the machine in one line: CPU, cores, load, Python, jax."""
    import jax

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    devices = ", ".join(str(d) for d in jax.devices())
    return (
        f"{cpu}, {os.cpu_count()} cores (load {load:.1f}), Python {platform.python_version()}, "
        f"jax {jax.__version__}, devices: {devices}"
    )


def table(header: list[str], rows: list[list[str]]) -> str:
    """Format a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
