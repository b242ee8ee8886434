"""The seed notebook's workloads: gradkit (jitted) vs PyTorch eager, side by side.

PyTorch is not a gradkit dependency. The torch side runs in its own interpreter
(default ``/tmp/torchvenv/bin/python``, or ``$TORCH_PYTHON``), made with

    python3.11 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy

and prints its timings as JSON; without it only the gradkit column is shown.
Run:

    .venv/bin/python benchmarks/bench_seed_vs_torch.py [--device cuda]

With ``--device cuda`` the torch side runs on the GPU (every timed call ends
with ``torch.cuda.synchronize()``) and gradkit on JAX's default device; set
``TORCH_PYTHON`` to this interpreter where it has torch (a GPU image).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from _util import machine, median_time, table  # noqa: E402

import gradkit as gk  # noqa: E402

TORCH_PYTHON = os.environ.get("TORCH_PYTHON", "/tmp/torchvenv/bin/python")
SIZES = (4, 1_000, 1_000_000)

# The torch side: the seed's cells as written, timed per call (median of 7).
TORCH_SCRIPT = r"""
import json, statistics, time, torch

def sync():
    if DEVICE == "cuda":
        torch.cuda.synchronize()

def median_time(fn, repeat=7):
    fn()
    sync()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        if time.perf_counter() - t > 0.02 or n >= 100000:
            break
        n *= 4
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        runs.append((time.perf_counter() - t) / n)
    return statistics.median(runs)

def grad_dot2(n):
    x = torch.arange(float(n), device=DEVICE) / n
    x.requires_grad_(True)
    def step():
        y = 2 * torch.dot(x, x)
        y.backward()
        g = x.grad
        x.grad = None
        return g
    return step

def fun(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

def grad_doubling():
    a = torch.tensor(0.813, requires_grad=True, device=DEVICE)
    def step():
        d = fun(a)
        d.backward()
        g = a.grad
        a.grad = None
        return g
    return step

v = torch.tensor([3.0, -4.0, 0.0], device=DEVICE)
M = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], device=DEVICE)
out = {f"grad 2xᵀx, n={n:g}": median_time(grad_dot2(n)) for n in SIZES}
out["grad doubling (a=0.813)"] = median_time(grad_doubling())
out["norm(v), p=2,1,inf"] = median_time(
    lambda: (torch.norm(v), torch.norm(v, p=1), torch.norm(v, p=float("inf")))
)
out["norm(M), dim=0, dim=1, fro"] = median_time(
    lambda: (torch.norm(M, dim=0), torch.norm(M, dim=1), torch.norm(M, p="fro"))
)
w = torch.linspace(-1, 1, 1000, requires_grad=True, device=DEVICE)
def grad_norm():
    torch.norm(w).backward()
    g = w.grad
    w.grad = None
    return g
out["grad ‖w‖₂, n=1000"] = median_time(grad_norm)
out["torch"] = torch.__version__
print(json.dumps(out))
"""


def gradkit_times() -> dict[str, float]:
    dot2 = gk.functions["dot2"].fn
    g_dot2 = jax.jit(gk.grad(dot2))
    out = {}
    for n in SIZES:
        x = jnp.arange(float(n)) / n
        out[f"grad 2xᵀx, n={n:g}"] = median_time(lambda x=x: g_dot2(x))
    g_doubling = jax.jit(gk.grad(gk.functions["doubling"].fn))
    a = jnp.float32(0.813)
    out["grad doubling (a=0.813)"] = median_time(lambda: g_doubling(a))
    v = jnp.array([3.0, -4.0, 0.0])
    m = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    vec_norms = jax.jit(lambda v: (gk.norm(v), gk.norm(v, ord=1), gk.norm(v, ord=jnp.inf)))
    mat_norms = jax.jit(lambda m: (gk.norm(m, axis=0), gk.norm(m, axis=1), gk.norm(m, ord="fro")))
    out["norm(v), p=2,1,inf"] = median_time(lambda: vec_norms(v))
    out["norm(M), dim=0, dim=1, fro"] = median_time(lambda: mat_norms(m))
    w = jnp.linspace(-1.0, 1.0, 1000)
    g_norm = jax.jit(gk.grad(gk.norm))
    out["grad ‖w‖₂, n=1000"] = median_time(lambda: g_norm(w))
    return out


def torch_times(device: str = "cpu") -> dict[str, float] | None:
    if not os.path.exists(TORCH_PYTHON):
        print(f"(no PyTorch interpreter at {TORCH_PYTHON}; set TORCH_PYTHON to compare)")
        return None
    script = f"SIZES = {SIZES!r}\nDEVICE = {device!r}\n" + TORCH_SCRIPT
    done = subprocess.run(
        [TORCH_PYTHON, "-c", script], capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        print(f"(the torch side failed: {done.stderr.strip().splitlines()[-1:]})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    device = parser.parse_args().device
    print(f"machine: {machine()}")
    ours = gradkit_times()
    theirs = torch_times(device)
    if theirs:
        print(f"torch {theirs.pop('torch')} (eager, {device}, its own process)\n")
    rows = []
    for name, t in ours.items():
        row = [name, f"{t * 1e6:.1f}"]
        if theirs:
            row += [f"{theirs[name] * 1e6:.1f}", f"{theirs[name] / t:.1f}×"]
        rows.append(row)
    header = ["workload", "gradkit jit µs"]
    if theirs:
        header += ["torch eager µs", "torch/gradkit"]
    print(table(header, rows))


if __name__ == "__main__":
    main()
