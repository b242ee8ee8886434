"""The issue-15 table: gradkit (jit) vs raw JAX (jit) vs PyTorch eager, on one device.

Rows: grad of 2xᵀx (n = 1e8), value_and_grad of ‖x‖∞ (n = 1e8), hvp (n = 1e7),
hessian of tanh(Qx)·1 (n = 2000), grad of the seed's `doubling`. Medians of
`--repeat` calls after warm-up, the three columns measured in turn, repeat by
repeat. PyTorch runs in this interpreter when it imports (a GPU image), on
``--device`` (``cuda`` synchronizes after every call); without torch its column
is left out. ``--scale 0.001`` shrinks every n for a CPU try.

Usage: ``python benchmarks/bench_device_table.py [--device cuda] [--repeat 20] [--scale 1]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from _util import machine, table  # noqa: E402

import gradkit as gk  # noqa: E402


def _block(out: Any) -> None:
    for leaf in jax.tree.leaves(out):
        if hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()


def rows(scale: float) -> list[tuple[str, Callable[[], Any], Callable[[], Any], str]]:
    """(name, gradkit call, raw JAX call, torch code) per workload."""
    n8, n7, nh = max(int(1e8 * scale), 8), max(int(1e7 * scale), 8), max(int(2000 * scale), 4)
    x8 = jnp.linspace(-1.0, 1.0, n8)
    x7 = jnp.linspace(-1.0, 1.0, n7)
    q = jax.random.normal(jax.random.key(0), (nh, nh)) / nh**0.5
    xh = jnp.linspace(-1.0, 1.0, nh)
    a = jnp.float32(0.813)

    def dot2(x: jax.Array) -> jax.Array:
        return 2 * jnp.dot(x, x)

    def quartic(x: jax.Array) -> jax.Array:
        return jnp.sum(x**4)

    def tanh_q(x: jax.Array) -> jax.Array:
        return jnp.sum(jnp.tanh(q @ x))

    def raw_doubling(a: jax.Array) -> jax.Array:  # forward lax.while_loop (no reverse mode)
        b = jax.lax.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: 2 * b, 2 * a)
        return jax.lax.cond(jnp.sum(b) > 0, lambda b: b, lambda b: 100 * b, b)

    gk_grad_dot = jax.jit(gk.grad(dot2))
    jx_grad_dot = jax.jit(jax.grad(dot2))
    gk_vg = jax.jit(jax.value_and_grad(lambda x: gk.norm(x, ord=jnp.inf)))
    jx_vg = jax.jit(jax.value_and_grad(lambda x: jnp.linalg.norm(x, ord=jnp.inf)))
    gk_hvp = jax.jit(lambda x, v: gk.hvp(quartic, x, v))
    jx_hvp = jax.jit(lambda x, v: jax.jvp(jax.grad(quartic), (x,), (v,))[1])
    gk_hess = jax.jit(gk.hessian(tanh_q))
    jx_hess = jax.jit(jax.hessian(tanh_q))
    gk_doubling = jax.jit(gk.grad(gk.functions["doubling"].fn))
    jx_doubling = jax.jit(lambda a: jax.jvp(raw_doubling, (a,), (jnp.ones_like(a),))[1])
    return [
        (f"grad 2xᵀx, n={n8:g}", lambda: gk_grad_dot(x8), lambda: jx_grad_dot(x8), "grad_dot"),
        (f"value_and_grad ‖x‖∞, n={n8:g}", lambda: gk_vg(x8), lambda: jx_vg(x8), "vg_inf"),
        (f"hvp Σx⁴, n={n7:g}", lambda: gk_hvp(x7, x7), lambda: jx_hvp(x7, x7), "hvp"),
        (f"hessian Σtanh(Qx), n={nh}", lambda: gk_hess(xh), lambda: jx_hess(xh), "hessian"),
        (
            "grad doubling (raw JAX: jvp of lax.while_loop)",
            lambda: gk_doubling(a),
            lambda: jx_doubling(a),
            "doubling",
        ),
    ], (n8, n7, nh)


def torch_calls(device: str, sizes: tuple[int, int, int]) -> dict[str, Callable[[], Any]] | None:
    try:
        import torch
    except ImportError:
        return None
    n8, n7, nh = sizes
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    x8 = torch.linspace(-1, 1, n8, device=device, requires_grad=True)
    x7 = torch.linspace(-1, 1, n7, device=device, requires_grad=True)
    v7 = torch.linspace(-1, 1, n7, device=device)
    gen = torch.Generator(device="cpu").manual_seed(0)
    q = (torch.randn(nh, nh, generator=gen) / nh**0.5).to(device)
    xh = torch.linspace(-1, 1, nh, device=device)

    def grad_dot() -> Any:
        (g,) = torch.autograd.grad(2 * torch.dot(x8, x8), x8)
        sync()
        return g

    def vg_inf() -> Any:
        y = torch.linalg.vector_norm(x8, ord=float("inf"))
        (g,) = torch.autograd.grad(y, x8)
        sync()
        return y, g

    def hvp() -> Any:
        out = torch.autograd.functional.hvp(lambda x: torch.sum(x**4), x7.detach(), v7)[1]
        sync()
        return out

    def hessian() -> Any:
        out = torch.autograd.functional.hessian(lambda x: torch.sum(torch.tanh(q @ x)), xh)
        sync()
        return out

    a = torch.tensor(0.813, device=device, requires_grad=True)

    def doubling() -> Any:
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        c = b if b.sum() > 0 else 100 * b
        (g,) = torch.autograd.grad(c, a)
        sync()
        return g

    return {
        "grad_dot": grad_dot,
        "vg_inf": vg_inf,
        "hvp": hvp,
        "hessian": hessian,
        "doubling": doubling,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    workloads, sizes = rows(args.scale)
    theirs = torch_calls(args.device, sizes)
    out = []
    for name, ours, raw, key in workloads:
        fns = {"gradkit": ours, "jax": raw}
        if theirs is not None:
            try:
                theirs[key]()
                fns["torch"] = theirs[key]
            except Exception as error:  # noqa: BLE001 - one torch row failing keeps the rest
                print(f"(torch failed on {name}: {error!r})")
        times: dict[str, list[float]] = {k: [] for k in fns}
        for fn in fns.values():  # warm up (compile)
            _block(fn())
            _block(fn())
        for _ in range(args.repeat):
            for k, fn in fns.items():
                start = time.perf_counter()
                _block(fn())
                times[k].append(time.perf_counter() - start)
        med = {k: statistics.median(v) * 1e6 for k, v in times.items()}
        row = [name, f"{med['gradkit']:.0f}", f"{med['jax']:.0f}"]
        if theirs is not None and "torch" in med:
            row += [f"{med['torch']:.0f}", f"{med['torch'] / med['gradkit']:.1f}×"]
        elif theirs is not None:
            row += ["failed", "n/a"]
        out.append(row)
        print(" | ".join(row), flush=True)
    header = ["workload", "gradkit jit µs", "raw JAX jit µs"]
    if theirs is not None:
        import torch

        header += [f"torch {torch.__version__} eager ({args.device}) µs", "torch / gradkit"]
    print()
    print(table(header, out))


if __name__ == "__main__":
    main()
