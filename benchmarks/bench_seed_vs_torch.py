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

Each side times every workload in its own process. ``--rounds R`` repeats
that R times, rotating which side goes first, and reports the median of each
round's times and ratios, so a change of load on a shared machine falls on
every side. ``--against OTHER/.venv/bin/python`` adds a third side: the
gradkit installed for that interpreter, timed by this script in the same
rounds. Its column says whether a change to gradkit moved the torch ratios,
with torch's own noise divided out (``this / against`` is gradkit's time
against the other install's, round by round):

    .venv/bin/python benchmarks/bench_seed_vs_torch.py --rounds 5 \
        --against /tmp/old/.venv/bin/python
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from _util import machine, median_time, program_text, table  # noqa: E402

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


def gradkit_workloads() -> dict[str, tuple[Callable[..., Any], tuple[Any, ...]]]:
    """Return each workload's gradkit function and the arguments it is timed at."""
    g_dot2 = gk.grad(gk.functions["dot2"].fn)
    out: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {
        f"grad 2xᵀx, n={n:g}": (g_dot2, (jnp.arange(float(n)) / n,)) for n in SIZES
    }
    out["grad doubling (a=0.813)"] = (
        gk.grad(gk.functions["doubling"].fn),
        (jnp.float32(0.813),),
    )
    out["norm(v), p=2,1,inf"] = (
        lambda v: (gk.norm(v), gk.norm(v, ord=1), gk.norm(v, ord=jnp.inf)),
        (jnp.array([3.0, -4.0, 0.0]),),
    )
    out["norm(M), dim=0, dim=1, fro"] = (
        lambda m: (gk.norm(m, axis=0), gk.norm(m, axis=1), gk.norm(m, ord="fro")),
        (jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),),
    )
    out["grad ‖w‖₂, n=1000"] = (gk.grad(gk.norm), (jnp.linspace(-1.0, 1.0, 1000),))
    return out


def gradkit_times() -> dict[str, dict[str, Any]]:
    """Time each workload jitted; fingerprint its optimized program (names stripped)."""
    times, programs = {}, {}
    for name, (fn, args) in gradkit_workloads().items():
        jitted = jax.jit(fn)
        times[name] = median_time(lambda jitted=jitted, args=args: jitted(*args))
        programs[name] = hashlib.sha256(program_text(fn, *args).encode()).hexdigest()[:12]
    return {"times": times, "programs": programs}


def side_times(python: str, args: list[str]) -> dict[str, Any]:
    """Run one side in its own interpreter and return what it printed as JSON."""
    done = subprocess.run([python, *args], capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        sys.exit(f"{python} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every side (default 1)")
    parser.add_argument(
        "--against", metavar="PYTHON", help="also time the gradkit installed for PYTHON"
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:  # one gradkit side, run by the rounds below
        print(json.dumps(gradkit_times()))
        return
    print(f"machine: {machine()}")
    ours = [sys.executable, os.path.abspath(__file__), "--json"]
    sides = {"gradkit": (sys.executable, ours[1:])}
    if args.against:
        sides["against"] = (args.against, ours[1:])
    if os.path.exists(TORCH_PYTHON):
        script = f"SIZES = {SIZES!r}\nDEVICE = {args.device!r}\n" + TORCH_SCRIPT
        sides["torch"] = (TORCH_PYTHON, ["-c", script])
    else:
        print(f"(no PyTorch interpreter at {TORCH_PYTHON}; set TORCH_PYTHON to compare)")
    rounds: list[dict[str, dict[str, float]]] = []
    programs: dict[str, set[str]] = {}  # workload -> the programs either gradkit compiled
    order = list(sides)
    version = ""
    for r in range(args.rounds):
        done = {}
        for side in order[r % len(order) :] + order[: r % len(order)]:
            out = side_times(*sides[side])
            if side == "torch":
                version = out.pop("torch")
                done[side] = out
            else:
                done[side] = out["times"]
                for name, program in out["programs"].items():
                    programs.setdefault(name, set()).add(program)
        rounds.append(done)
    if version:
        print(f"torch {version} (eager, {args.device}, its own process)")
    print(f"{args.rounds} round(s), medians over rounds\n")

    def med(name: str, side: str, per: str | None = None) -> float:
        """Median over rounds of `side`'s time, or of its ratio to `per`'s."""
        return statistics.median(
            done[side][name] / (done[per][name] if per else 1e-6) for done in rounds
        )

    header = ["workload", "gradkit jit µs"]
    header += ["against µs", "this / against", "same program"] if "against" in sides else []
    header += ["torch eager µs", "torch/gradkit"] if "torch" in sides else []
    header += ["torch/against"] if "torch" in sides and "against" in sides else []
    rows = []
    for name in rounds[0]["gradkit"]:
        row = [name, f"{med(name, 'gradkit'):.1f}"]
        if "against" in sides:
            row += [f"{med(name, 'against'):.1f}", f"{med(name, 'gradkit', 'against'):.2f}"]
            row.append("yes" if len(programs[name]) == 1 else "no")
        if "torch" in sides:
            row += [f"{med(name, 'torch'):.1f}", f"{med(name, 'torch', 'gradkit'):.1f}×"]
            if "against" in sides:
                row.append(f"{med(name, 'torch', 'against'):.1f}×")
        rows.append(row)
    print(table(header, rows))


if __name__ == "__main__":
    main()
