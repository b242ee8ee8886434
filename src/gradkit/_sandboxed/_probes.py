"""Probe functions for higher-order exercises, with shapes the registry lacks.

`gradkit.functions` holds the book's functions, which are scalar or
elementwise. Some exercises need others: a *wide* function (many inputs, few
outputs) and a *tall* one (few inputs, many outputs) tell forward from
reverse mode apart, and a non-quadratic scalar function of a vector makes a
Hessian-vector product do real work. They live in gradkit itself so that the
sandboxed worker, which loads no third-party plugins, can resolve them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _wide(x: Any) -> Any:
    """Map Rⁿ → R²: ``(Σ sin xᵢ · xᵢ, Σ xᵢ² / 2)``."""
    import jax.numpy as jnp

    return jnp.stack([jnp.sum(jnp.sin(x) * x), jnp.sum(x * x) / 2])


def _tall(x: Any) -> Any:
    """Map R² → R²⁵⁶: ``sin(t·x₀) + x₁² · t`` on 256 points t in [0, 1]."""
    import jax.numpy as jnp

    t = jnp.linspace(0.0, 1.0, 256, dtype=x.dtype)
    return jnp.sin(t * x[0]) + x[1] ** 2 * t


def _sin_dot(x: Any) -> Any:
    """Map Rⁿ → R: ``Σ sin(xᵢ) · xᵢ`` (its Hessian is diagonal but not constant)."""
    import jax.numpy as jnp

    return jnp.sum(jnp.sin(x) * x)


def _jnp(name: str) -> Callable[[Any], Any]:
    def fn(x: Any) -> Any:
        import jax.numpy as jnp

        return getattr(jnp, name)(x)

    fn.__name__ = name
    return fn


PROBES: dict[str, Callable[[Any], Any]] = {
    "probe.wide": _wide,
    "probe.tall": _tall,
    "probe.sin-dot": _sin_dot,
    # invertible pairs, for the derivative of an inverse
    "probe.exp": _jnp("exp"),
    "probe.log": _jnp("log"),
    "probe.sinh": _jnp("sinh"),
    "probe.asinh": _jnp("arcsinh"),
}


def lookup(name: str) -> Callable[[Any], Any]:
    """Return the probe or registered function called `name`."""
    probe = PROBES.get(name)
    if probe is not None:
        return probe
    from .._registry import functions

    return functions.get(name).fn


def derivative(name: str) -> Callable[[Any], Any]:
    """Return f′ of the scalar function `name`, applied elementwise."""
    if name not in PROBES:
        from .._registry import functions

        spec = functions.get(name)
        if spec.derivative is not None:
            return spec.derivative
    fn = lookup(name)

    def df(x: Any) -> Any:
        import jax
        import jax.numpy as jnp

        return jnp.vectorize(jax.grad(fn))(x)

    return df
