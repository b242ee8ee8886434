"""The seed's doubling loop: does `jit(grad(doubling))` cost the steps it takes?

Side by side in one process, interleaved repeat by repeat (so a loaded
machine's noise falls on every column alike), medians per call:

* gradkit's ``kind="auto"`` (the default: a real `lax.while_loop`) and the old
  default ``kind="bounded"`` (equinox's nested scans), each with
  ``max_steps=160`` (the seed's bound) and ``max_steps=100_000``;
* PyTorch eager on the same device, the seed's Python loop as written
  (``b.norm() < 1000``, ``backward()``), in this interpreter if it imports
  torch, else in ``$TORCH_PYTHON`` (default ``/tmp/torchvenv/bin/python``, see
  `bench_seed_vs_torch.py`), which then runs after the gradkit columns.

The loop takes 11 steps at a = 0.813 whatever the bound. Goals: auto's
100_000 / 160 ratio <= 1.5; gradkit >= 15x faster than torch eager on the CPU,
faster than torch eager CUDA on a GPU.

Usage: ``python benchmarks/bench_loops.py [--repeat 41] [--device cpu|cuda]``
(``cuda`` needs JAX's default backend to be the GPU and torch built for CUDA).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from _util import machine, table  # noqa: E402

import gradkit as gk  # noqa: E402

TORCH_PYTHON = os.environ.get("TORCH_PYTHON", "/tmp/torchvenv/bin/python")
A = 0.813

TORCH_SIDE = r"""
import statistics, time, torch

def torch_doubling_grad(device):
    def fun(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c

    a = torch.tensor(A, requires_grad=True, device=device)

    def step():
        d = fun(a)
        d.backward()
        g = a.grad
        a.grad = None
        if device == "cuda":
            torch.cuda.synchronize()
        return g

    return step
"""


def _block(out: Any) -> Any:
    for leaf in jax.tree.leaves(out):
        if hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()
    return out


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Seconds per call of each of `fns` in every repeat, measured in turn, repeat by repeat."""
    for fn in fns.values():
        _block(fn())
    number = 1
    first = next(iter(fns.values()))
    while True:
        start = time.perf_counter()
        for _ in range(number):
            _block(first())
        if time.perf_counter() - start > 0.005 or number >= 10_000:
            break
        number *= 2
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(number):
                out = fn()
            _block(out)
            times[name].append((time.perf_counter() - start) / number)
    return times


def doubling(max_steps: int, kind: str) -> Callable[[jax.Array], jax.Array]:
    """The seed's `doubling` (as registered) with another bound or kind."""

    def f(a: jax.Array) -> jax.Array:
        b = gk.while_loop(
            lambda b: jnp.linalg.norm(b) < 1000,
            lambda b: 2 * b,
            2 * a,
            max_steps=max_steps,
            kind=kind,
        )
        return jax.lax.cond(jnp.sum(b) > 0, lambda b: b, lambda b: 100 * b, b)

    return f


def torch_fns(device: str) -> dict[str, Callable[[], Any]] | None:
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    scope: dict[str, Any] = {"A": A}
    exec(TORCH_SIDE, scope)  # noqa: S102 - our own benchmark code
    return {f"torch eager ({device})": scope["torch_doubling_grad"](device)}


def torch_elsewhere(device: str, repeat: int) -> tuple[dict[str, list[float]], str] | None:
    if not os.path.exists(TORCH_PYTHON):
        return None
    script = (
        f"A = {A!r}\n{TORCH_SIDE}\n"
        "import json\n"
        f"step = torch_doubling_grad({device!r})\n"
        "for _ in range(50): step()\n"
        "runs = []\n"
        f"for _ in range({repeat}):\n"
        "    t = time.perf_counter()\n"
        "    for _ in range(200): step()\n"
        "    runs.append((time.perf_counter() - t) / 200)\n"
        "print(json.dumps([runs, torch.__version__]))\n"
    )
    done = subprocess.run(
        [TORCH_PYTHON, "-c", script], capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        print(f"(the torch side failed: {done.stderr.strip().splitlines()[-1:]})")
        return None
    runs, version = json.loads(done.stdout.strip().splitlines()[-1])
    return {f"torch eager ({device})": runs}, version


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=41)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    args = parser.parse_args()
    print(f"machine: {machine()}")
    a = jnp.float32(A)
    fns: dict[str, Callable[[], Any]] = {}
    for kind in ("auto", "bounded"):
        for max_steps in (160, 100_000):
            g = jax.jit(gk.grad(doubling(max_steps, kind)))
            fns[f"{kind}, max_steps={max_steps}"] = lambda g=g: g(a)
    want = float(gk.functions["doubling"](a)) / A
    for name, fn in fns.items():
        got = float(fn())
        assert abs(got - want) <= 1e-3 * abs(want), (name, got, want)
    theirs = torch_fns(args.device)
    version = None
    if theirs is not None:
        import torch

        version = torch.__version__
        fns.update(theirs)
    runs = interleaved(fns, args.repeat)
    if theirs is None:
        elsewhere = torch_elsewhere(args.device, args.repeat)
        if elsewhere is None:
            print(f"(no torch here or at {TORCH_PYTHON}: torch column left out)")
        else:
            extra, version = elsewhere
            runs.update(extra)
    times = {name: statistics.median(ts) for name, ts in runs.items()}
    best = {name: min(ts) for name, ts in runs.items()}
    torch_name = f"torch eager ({args.device})"
    print(f"jit(grad(doubling)) at a={A}, 11 steps; torch {version or 'n/a'}\n")
    rows = []
    for name, t in times.items():
        row = [name, f"{t * 1e6:.1f}", f"{best[name] * 1e6:.1f}"]
        row.append(f"{times[torch_name] / t:.1f}×" if torch_name in times else "n/a")
        rows.append(row)
    print(table(["workload", "median µs", "best µs", "torch / this (medians)"], rows))
    for kind in ("auto", "bounded"):
        big, small = f"{kind}, max_steps=100000", f"{kind}, max_steps=160"
        print(
            f"{kind}: max_steps 100_000 / 160 = {times[big] / times[small]:.2f}× (medians), "
            f"{best[big] / best[small]:.2f}× (bests)"
        )


if __name__ == "__main__":
    main()
