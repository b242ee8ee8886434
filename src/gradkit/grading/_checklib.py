"""The check vocabulary exercise authors use: ``gk.checks.values(...)`` and friends.

Each constructor returns a frozen check value (`Values`, `Finite`,
`CostAtMost`, `Exact`, `Avoids`, `Uses`, `Stationary`); ``static=`` binds one row of static
arguments (numbers, strings, `FunctionRef`) and ``statics=`` several.
"""

from __future__ import annotations

from typing import Any

from .._errors import ExerciseError
from .._sandboxed import Transform
from ._checks import Check as Check
from ._checks import CostAtMost as CostAtMost
from ._checks import Exact as Exact
from ._checks import Finite as Finite
from ._checks import Values as Values
from ._checks_special import Avoids as Avoids
from ._checks_special import Stationary as Stationary
from ._checks_special import Uses as Uses
from ._samplers import Sampler


def values(entry: str, *args: Sampler, **options: Any) -> Values:
    """Compare ``entry(*static, *args)`` with the reference (``statics=``, ``samples=``, ...)."""
    return Values(entry=entry, args=args, **_statics(options))


def shape(entry: str, *args: Sampler, **options: Any) -> Values:
    """Compare only the structure, shapes and dtype classes of the answers with the reference's."""
    options.setdefault("name", f"{entry} shape")
    options.setdefault("samples", 1)
    return Values(entry=entry, args=args, shape_only=True, **_statics(options))


def grad(entry: str, *args: Sampler, **options: Any) -> Values:
    """Compare ``jax.grad`` of the entry (w.r.t. its first array argument) with the reference's."""
    return Values(entry=entry, args=args, transform="grad", **_statics(options))


def jit(entry: str, *args: Sampler, **options: Any) -> Values:
    """Compare ``jax.jit(entry)`` with the reference: fails on Python control flow on values."""
    return Values(entry=entry, args=args, transform="jit", **_statics(options))


def jit_grad(entry: str, *args: Sampler, **options: Any) -> Values:
    """Compare ``jax.jit(jax.grad(entry))`` with the reference (reverse mode under jit)."""
    return Values(entry=entry, args=args, transform="jit_grad", **_statics(options))


def vmap(entry: str, *args: Sampler, **options: Any) -> Values:
    """Compare ``jax.vmap(entry)`` (over axis 0 of every argument) with the reference."""
    return Values(entry=entry, args=args, transform="vmap", **_statics(options))


def exact(entry: str, *args: Sampler, ulps: float = 64.0, **options: Any) -> Exact:
    """Require a formula, not a finite difference: where ``entry`` is right, right to rounding."""
    return Exact(entry=entry, args=args, ulps=ulps, **_statics(options))


def finite(entry: str, *args: Sampler, transform: Transform = "call", **options: Any) -> Finite:
    """Require finite values of ``transform(entry)`` at the given inputs (e.g. `fixed` points)."""
    options.setdefault("samples", 1)
    return Finite(entry=entry, args=args, transform=transform, **_statics(options))


def cost(entry: str, *args: Sampler, factor: float, **options: Any) -> CostAtMost:
    """Require XLA flops ≤ `factor` × the reference implementation's, on the same inputs."""
    return CostAtMost(entry=entry, args=args, factor=factor, **_statics(options))


def avoids(entry: str, *names: str, **options: Any) -> Avoids:
    """Require that the entry's source (and what it reaches) does not use `names`."""
    return Avoids(entry=entry, names=frozenset(names), **options)


def uses(entry: str, *names: str, **options: Any) -> Uses:
    """Require that the entry's source (or what it reaches) uses one of `names`."""
    return Uses(entry=entry, names=frozenset(names), **options)


def stationary(function: str, point: str, args: Sampler, **options: Any) -> Stationary:
    """Require the submitted constant `point` to be a stationary point of `function`."""
    return Stationary(function=function, point=point, args=args, **options)


def _statics(options: dict[str, Any]) -> dict[str, Any]:
    static = options.pop("static", None)
    if static is not None:
        if "statics" in options:
            raise ExerciseError("give either static= or statics=, not both")
        options["statics"] = (tuple(static),)
    elif "statics" in options:
        options["statics"] = tuple(tuple(row) for row in options["statics"])
    return options
