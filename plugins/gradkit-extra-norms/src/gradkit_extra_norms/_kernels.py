"""The JAX kernels of gradkit-extra-norms: pure functions with finite gradients."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array


def huber(v: Array, delta: float = 1.0) -> Array:
    """Return Σᵢ hᵟ(vᵢ), hᵟ(t) = t²/2 for |t| ≤ δ and δ(|t| − δ/2) beyond.

    Smooth: the gradient is clip(v, −δ, δ), 0 at v = 0. Not a norm (not
    absolutely homogeneous). 0 for an empty vector.
    """
    a = jnp.abs(v)
    return jnp.sum(jnp.where(a <= delta, 0.5 * v * v, delta * (a - 0.5 * delta)))


def l21(a: Array) -> Array:
    """Return Σⱼ ‖a[:, j]‖₂, the group L2,1 norm of a matrix (columns are the groups).

    A zero column gets the zero subgradient instead of the 0/0 of sqrt at 0.
    """
    squares = jnp.sum(a * a, axis=0)
    nonzero = squares > 0
    # the inner where keeps sqrt's gradient finite where the outer one discards it
    return jnp.sum(jnp.where(nonzero, jnp.sqrt(jnp.where(nonzero, squares, 1.0)), 0.0))


def schatten(p: float) -> Callable[[Array], Array]:
    """Return the Schatten p-norm ‖A‖ₚ = (Σσᵢᵖ)^(1/p) of a matrix, for p ≥ 1.

    Its gradient is U diag(σᵢ^(p−1)) Vᵀ / ‖A‖ₚ^(p−1) over the singular values
    σᵢ > 0 (a custom JVP: differentiating the SVD itself gives NaN at repeated
    singular values). At A = 0 the gradient is 0, a valid subgradient.
    """
    if not p >= 1:
        raise ValueError(f"the Schatten p-norm needs p >= 1, got p={p!r}")

    def value(s: Array) -> Array:
        return jnp.sum(s) if p == 1 else jnp.sum(s**p) ** (1.0 / p)

    @jax.custom_jvp
    def norm(a: Array) -> Array:
        return value(jnp.linalg.svd(a, compute_uv=False))

    @norm.defjvp
    def norm_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
        (a,), (da,) = primals, tangents
        u, s, vt = jnp.linalg.svd(a, full_matrices=False)
        out = value(s)
        positive = s > 0
        weights = jnp.where(positive, jnp.where(positive, s, 1.0) ** (p - 1), 0.0)
        scale = jnp.where(out > 0, out, 1.0) ** (p - 1)
        gradient = (u * (weights / scale)) @ vt
        return out, jnp.sum(gradient * da)

    norm.__name__ = f"schatten_{p}"
    return norm


def log_cosh(x: Array) -> Array:
    """Return log(cosh x) elementwise, computed as |x| + log1p(e^(−2|x|)) − log 2 (no overflow)."""
    a = jnp.abs(x)
    return a + jnp.log1p(jnp.exp(-2.0 * a)) - jnp.log(2.0).astype(a.dtype)


def tanh(x: Array) -> Array:
    """Return tanh x, the derivative of log-cosh."""
    return jnp.tanh(x)


def swish(x: Array) -> Array:
    """Return x·σ(x) elementwise (SiLU)."""
    return x * jax.nn.sigmoid(x)


def swish_derivative(x: Array) -> Array:
    """Return σ(x)(1 + x(1 − σ(x))), the derivative of swish."""
    s = jax.nn.sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


def normal_vector(key: Array) -> Array:
    """Draw the contract checks' input: five standard normal numbers."""
    return jax.random.normal(key, (5,))
