"""Matrix norms over the last two axes, with finite gradients everywhere.

Each function reduces the last two axes of its input (rows, columns; leading
axes are a batch). Conventions at degenerate points, chosen so that the
gradient is the minimum-norm subgradient wherever the function is convex:

- Frobenius: 0 at the zero matrix.
- induced 1 / ∞ norms (max column / row sum of ``|a|``): entries equal to 0 get
  0, and tied columns (rows) share the gradient with weights proportional to
  ``1/(number of non-zeros in that column)``, which makes the result the
  minimum-norm subgradient; the min variants (``ord=-1, -inf``) use the same
  weights over the tied minima.
- singular-value norms: singular values below ``max(m, n)·eps·σ₁`` count as 0
  (numpy's rank tolerance) and values within that distance of each other count
  as tied. Nuclear: ``U_r V_rᵀ`` over the non-zero singular values only.
  Spectral: the average of ``uᵢvᵢᵀ`` over the singular values tied for the
  largest, and 0 at the zero matrix. ``ord=-2`` (smallest singular value): the
  average over the tied smallest ones, and 0 when the smallest is 0.

Complex matrices: the singular-value norms use the complex SVD, with gradient
``conj(U diag(w) Vᴴ)`` under `jax.grad` (JAX's conjugate convention); every
other norm reduces ``|aᵢⱼ|`` (see `abs_complex`), so its conventions carry over.

Second derivatives of the singular-value norms go through JAX's SVD derivative
and are NaN where singular values repeat; first derivatives never are.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax import Array

from ._vector_norms import abs0, l2


def fro(x: Array) -> Array:
    """Compute the Frobenius norm ``sqrt(Σᵢⱼ aᵢⱼ²)`` over the last two axes.

    Gradient ``A/‖A‖_F``, and 0 at the zero matrix. An empty matrix has norm 0.
    """
    # explicit sizes: reshape's -1 is ambiguous when a batch axis is empty
    return l2(x.reshape(*x.shape[:-2], x.shape[-2] * x.shape[-1]))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2))
def abs_sum_extreme(x: Array, sum_axis: int, largest: bool) -> Array:
    """Compute the max (or min) over columns/rows of the sums of ``|aᵢⱼ|``.

    ``sum_axis=-2, largest=True`` is the induced 1-norm (max column sum),
    ``sum_axis=-1, largest=True`` the induced ∞-norm (max row sum); with
    ``largest=False`` numpy's ``ord=-1`` and ``ord=-inf``. Gradient: ``sign(aᵢⱼ)``
    on the tied columns (rows), weighted by ``1/nnz`` of each and normalised to
    sum to 1 (the minimum-norm subgradient); 0 at the zero matrix.
    """
    sums = jnp.sum(abs0(x), axis=sum_axis)
    if largest:
        return jnp.max(sums, axis=-1, initial=0.0)
    return jnp.min(sums, axis=-1)


@abs_sum_extreme.defjvp
def _abs_sum_extreme_jvp(
    sum_axis: int, largest: bool, primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    sums = jnp.sum(abs0(x), axis=sum_axis)
    value = jnp.max(sums, axis=-1, initial=0.0) if largest else jnp.min(sums, axis=-1)
    tied = sums == value[..., None]
    nnz = jnp.sum((x != 0).astype(x.dtype), axis=sum_axis)
    inverse = jnp.where(tied & (nnz > 0), 1.0 / jnp.where(nnz > 0, nnz, 1.0), 0.0)
    total = jnp.sum(inverse, axis=-1, keepdims=True)
    weight = inverse / jnp.where(total > 0, total, 1.0)
    grad = jnp.sign(x) * jnp.expand_dims(weight, sum_axis)
    return value, jnp.sum(grad * t, axis=(-2, -1))


def _tolerance(s: Array, shape: tuple[int, ...]) -> Array:
    eps = jnp.finfo(s.dtype).eps
    return max(shape[-2], shape[-1]) * eps * jnp.max(s, axis=-1, initial=0.0, keepdims=True)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def singular_value_norm(x: Array, which: str) -> Array:
    """Compute ``Σσᵢ`` (``"nuc"``), ``σ_max`` (``"max"``) or ``σ_min`` (``"min"``).

    Over the last two axes. See the module docstring for the gradient at
    repeated or zero singular values. An empty matrix has ``"nuc"`` and
    ``"max"`` 0; the caller rejects ``"min"`` of an empty matrix (as numpy does).
    """
    s = jnp.linalg.svd(x, compute_uv=False)
    return _reduce_singular_values(s, which)


def _reduce_singular_values(s: Array, which: str) -> Array:
    if which == "nuc":
        return jnp.sum(s, axis=-1)
    if which == "max":
        return jnp.max(s, axis=-1, initial=0.0)
    return jnp.min(s, axis=-1)


@singular_value_norm.defjvp
def _singular_value_norm_jvp(
    which: str, primals: tuple[Array], tangents: tuple[Array]
) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    u, s, vt = jnp.linalg.svd(x, full_matrices=False)
    value = _reduce_singular_values(s, which)
    tol = _tolerance(s, x.shape)
    nonzero = s > tol
    if which == "nuc":
        weight = nonzero.astype(s.dtype)
    else:
        tied = jnp.abs(s - value[..., None]) <= tol
        # a tie at 0 (zero matrix, or a zero smallest singular value) gets 0
        chosen = (tied & jnp.all(nonzero | ~tied, axis=-1, keepdims=True)).astype(s.dtype)
        count = jnp.sum(chosen, axis=-1, keepdims=True)
        weight = chosen / jnp.where(count > 0, count, 1.0)
    grad = (u * weight[..., None, :].astype(u.dtype)) @ vt
    if jnp.iscomplexobj(x):
        # dσ = Re(uᴴ dA v) = Re(Σ conj(u vᴴ) ∘ dA): jax.grad then gives conj(G)
        return value, jnp.real(jnp.sum(jnp.conj(grad) * t, axis=(-2, -1)))
    return value, jnp.sum(grad * t, axis=(-2, -1))
