"""Complex-step safety: find the operations through which a complex step goes wrong.

Complex step, Im f(x + ih)/h, is exact to rounding for holomorphic f and
silently wrong otherwise (|z|, norms, max, comparisons lose the imaginary part;
measured: 0 instead of the derivative). gradkit traces f at a complex input and
inspects the jaxpr, nested calls included, before evaluating anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._errors import NotDifferentiableError
from ._finite_diff import _compute, _concrete

# Primitives that are not holomorphic: complex step through them loses or
# corrupts the imaginary part without any error (measured: abs and norm give 0).
_NON_HOLOMORPHIC = frozenset(
    {
        "abs", "sign", "conj", "real", "imag", "max", "min", "reduce_max", "reduce_min",
        "argmax", "argmin", "cummax", "cummin", "sort", "clamp", "floor", "ceil", "round",
        "atan2", "rem", "nextafter", "lt", "le", "gt", "ge", "eq", "ne", "is_finite",
    }
)  # fmt: skip


def _is_complex(v: Any) -> bool:
    aval = getattr(v, "aval", None)
    dtype = getattr(aval, "dtype", None)
    return dtype is not None and jnp.issubdtype(dtype, jnp.complexfloating)


def _sub_jaxprs(value: Any) -> list[Any]:
    if hasattr(value, "eqns"):
        return [value]
    inner = getattr(value, "jaxpr", None)
    if inner is not None and hasattr(inner, "eqns"):
        return [inner]
    if isinstance(value, (tuple, list)):
        return [j for item in value for j in _sub_jaxprs(item)]
    return []


def _offending(jaxpr: Any) -> list[str]:
    """Return the primitives in `jaxpr` (and its sub-jaxprs) that can break complex step."""
    found: list[str] = []
    for eqn in jaxpr.eqns:
        subs = [sub for param in eqn.params.values() for sub in _sub_jaxprs(param)]
        for sub in subs:
            found += _offending(sub)
        name = eqn.primitive.name
        if name == "complex":
            found.append(name)  # a recombination of parts, see _check_holomorphic
        if subs or not any(_is_complex(v) for v in eqn.invars):
            continue  # a call or loop is judged by its body; real-only ops are harmless
        if name in _NON_HOLOMORPHIC or not all(_is_complex(v) for v in eqn.outvars):
            found.append(name)
    return found


# Splitting z into real and imaginary parts is harmless when both are scaled by
# the same real factor and recombined (jnp.log10 does that), so these get a
# numerical check at the point instead of a refusal.
_SOFT = frozenset({"real", "imag"})


def _check_holomorphic(
    f: Callable[[Any], Any], x: jax.Array, elementwise: bool, ct: Any, dt: Any
) -> None:
    shape = () if elementwise else x.shape
    try:
        closed = jax.make_jaxpr(f)(jax.ShapeDtypeStruct(shape, ct))
    except (TypeError, ValueError) as err:
        raise NotDifferentiableError(
            f"method='complex' evaluates f at complex points, but f rejects complex input "
            f"({type(err).__name__}: {err}); use method='central' or 'richardson'"
        ) from err
    found = _offending(closed.jaxpr)
    hard = [name for name in found if name not in _SOFT and name != "complex"]
    soft = [name for name in found if name in _SOFT]
    if not hard and not all(_is_complex(v) for v in closed.jaxpr.outvars):
        hard = [*soft, "a real-valued output"]
    if not hard and soft:
        ok = "complex" in found and _concrete(x) is not None
        if ok:
            by_complex = np.asarray(_compute(f, x, "complex", None, dt))
            by_richardson = np.asarray(_compute(f, x, "richardson", None, dt))
            ok = bool(np.allclose(by_complex, by_richardson, rtol=1e-7, atol=1e-10))
        if not ok:
            hard = soft
    if hard:
        raise NotDifferentiableError(
            f"method='complex' needs f built from analytic (holomorphic) operations, but f "
            f"applies {hard[0]!r} to a complex value, where the complex step silently gives a "
            "wrong derivative (as for jnp.abs, jnp.linalg.norm, jnp.maximum, comparisons "
            "and jnp.where conditions); use method='central' or 'richardson'"
        )
