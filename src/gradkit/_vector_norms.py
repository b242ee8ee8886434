"""Vector norms over the last axis, with finite gradients everywhere.

Each function here reduces the last axis of its input (any leading axes are a
batch) and is differentiable under `jax.grad`, `jax.jacfwd`, `jax.jacrev`,
`jax.vmap` and `jax.jit`. Where a norm is not differentiable (a *kink*) the
derivative is the **minimum-norm subgradient**: the element of the
subdifferential closest to 0. In particular every norm has gradient 0 at the
origin, where `jnp.linalg.norm` gives NaN (jax-ml/jax#3058, #26248).

`gradkit.norm` is the public entry point; these are its kernels.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax import Array


@jax.custom_jvp
def abs0(x: Array) -> Array:
    """Return ``|x|`` elementwise with derivative ``sign(x)``, so ``|·|′(0) = 0``.

    ``jnp.abs`` has derivative 1 at 0 (jax-ml/jax#37820); PyTorch and the
    minimum-norm subgradient both give 0. The tangent ``sign(x)·t`` is linear
    and its own derivative is 0, so second derivatives are 0, never NaN.
    """
    return jnp.abs(x)


abs0.defjvp(lambda primals, tangents: (jnp.abs(primals[0]), jnp.sign(primals[0]) * tangents[0]))


@jax.custom_jvp
def l2(x: Array) -> Array:
    """Compute ``‖x‖₂ = sqrt(Σᵢ xᵢ²)`` over the last axis.

    Gradient ``x / ‖x‖₂``, and 0 at ``x = 0`` (the minimum-norm subgradient; the
    subdifferential there is the unit ball). Second derivatives are finite too
    (0 at the origin). Squares overflow in float32 above ~1.8e19; `l2_scaled`
    does not. An empty vector has norm 0.
    """
    return jnp.sqrt(jnp.sum(x * x, axis=-1))


@l2.defjvp
def _l2_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    n = l2(x)
    positive = n > 0
    # A scalar factor per vector: the gradient is then one multiply per entry, as
    # in jnp.linalg.norm, and 0 rather than NaN at the origin.
    inverse = jnp.where(positive, 1.0 / jnp.where(positive, n, 1.0), 0.0)
    return n, jnp.sum(x * t, axis=-1) * inverse


@jax.custom_jvp
def abs_complex(z: Array) -> Array:
    """Return ``|z|`` elementwise for complex ``z`` (a real array), with ``|·|′(0) = 0``.

    The tangent is ``Re(conj(z/|z|)·t)``, so `jax.grad` gives JAX's conjugate
    convention: ``grad(lambda z: abs_complex(z))(3+4j) == 0.6-0.8j``, as for
    ``jnp.abs``. At ``z = 0`` it is 0 (the minimum-norm subgradient; the
    subdifferential is the unit disc), where ``jnp.abs`` gives NaN. Every
    complex norm reduces ``|z|`` with a real kernel, so the conventions at zeros
    and ties carry over from real input.
    """
    return jnp.abs(z)


@abs_complex.defjvp
def _abs_complex_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (z,), (t,) = primals, tangents
    a = abs_complex(z)
    nonzero = a > 0
    safe = jnp.where(nonzero, a, jnp.ones_like(a)).astype(z.dtype)
    unit = jnp.where(nonzero, z / safe, jnp.zeros_like(z))
    return a, jnp.real(jnp.conj(unit) * t)


def l1(x: Array) -> Array:
    """Compute ``‖x‖₁ = Σᵢ |xᵢ|`` over the last axis.

    Gradient ``sign(x)`` with ``sign(0) = 0`` per coordinate: the minimum-norm
    subgradient (JAX's ``abs`` would give +1 at 0). An empty vector has norm 0.
    """
    return jnp.sum(abs0(x), axis=-1)


def linf(x: Array) -> Array:
    """Compute ``‖x‖∞ = maxᵢ |xᵢ|`` over the last axis.

    Gradient ``sign(xᵢ)/k`` on the ``k`` coordinates tied for the maximum and 0
    elsewhere: ties split evenly, which is the minimum-norm subgradient (the
    subdifferential is the convex hull of the tied ``sign(xᵢ)eᵢ``). At the
    origin every coordinate ties and ``sign(0) = 0``, so the gradient is 0.
    An empty vector has norm 0 (as in numpy).
    """
    if x.shape[-1] == 0:
        return jnp.zeros(x.shape[:-1], x.dtype)
    return jnp.max(abs0(x), axis=-1)


def neg_inf(x: Array) -> Array:
    """Compute ``minᵢ |xᵢ|`` over the last axis (numpy's ``ord=-inf``; not a norm).

    Gradient ``sign(xᵢ)/k`` on the ``k`` coordinates tied for the minimum, and 0
    on coordinates equal to 0. The caller rejects an empty last axis (numpy
    raises there: the minimum of no numbers).
    """
    return jnp.min(abs0(x), axis=-1)


def count_nonzero(x: Array) -> Array:
    """Count the non-zero entries over the last axis, as a float (numpy's ``ord=0``).

    Piecewise constant, so the gradient is 0 everywhere. Not a norm: it is not
    homogeneous.
    """
    return jnp.sum((x != 0).astype(x.dtype), axis=-1)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def lp(x: Array, p: float) -> Array:
    """Compute ``‖x‖ₚ = (Σᵢ |xᵢ|ᵖ)^(1/p)`` over the last axis, for real ``p ≠ 0``.

    For ``p ≥ 1`` this is a norm; for ``0 < p < 1`` a quasi-norm (the triangle
    inequality fails); for ``p < 0`` numpy's value of the same formula (a
    generalised harmonic mean, not a norm): 0 when an entry is 0, ∞ on an
    empty vector, as in numpy. Gradient ``sign(xᵢ)·(|xᵢ|/‖x‖ₚ)^(p-1)``: a
    ratio ≤ 1 for ``p > 1`` and ≥ 1 raised to ``p - 1 < 0`` for ``p < 0``, so
    neither overflows. Conventions: 0 at the origin (minimum-norm
    subgradient); 0 on coordinates equal to 0, which for ``p = 1`` is the
    minimum-norm subgradient and for ``p < 1`` (where the derivative is
    infinite) is gradkit's choice of a finite value; for ``p < 0`` the whole
    gradient is 0 when an entry is 0 (there the value is 0 and, along that
    entry, behaves like ``|xₖ|``, whose minimum-norm subgradient is 0).

    Computed as ``m·(Σᵢ (|xᵢ|/m)ᵖ)^(1/p)`` with ``m = maxᵢ|xᵢ|`` (``minᵢ|xᵢ|``
    for ``p < 0``), so ``|xᵢ|ᵖ`` neither overflows nor underflows (``[3, 4]``
    with ``p = 500`` is 4, not inf).
    """
    a = abs0(x)
    if p > 0:
        m = jnp.max(a, axis=-1, initial=0.0, keepdims=True)
    else:
        m = jnp.min(a, axis=-1, initial=jnp.inf, keepdims=True)
    # m = 0 (an entry 0) or inf: divide by 1 instead, giving 0 or inf as before
    scale = jnp.where((m > 0) & jnp.isfinite(m), m, jnp.ones_like(m))
    return scale[..., 0] * jnp.sum((a / scale) ** p, axis=-1) ** (1.0 / p)


@lp.defjvp
def _lp_jvp(p: float, primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    n = lp(x, p)
    positive = (n > 0)[..., None]
    nonzero = (x != 0) & positive
    # Double where: both the base and the divisor stay positive in the unused branch.
    ratio = jnp.where(nonzero, abs0(x), 1.0) / jnp.where(positive, n[..., None], 1.0)
    weight = jnp.where(nonzero, jnp.sign(x) * ratio ** (p - 1.0), 0.0)
    return n, jnp.sum(weight * t, axis=-1)


def _scaled(x: Array) -> tuple[Array, Array, Array, Array, Array]:
    """Return ``‖x/2ᵉ‖₂``, the factors ``2⁻ˡᵒʷ``, ``2⁻ʰⁱᵍʰ`` and ``low + high = e``.

    ``e`` is the exponent with ``2ᵉ⁻¹ ≤ max|xᵢ| < 2ᵉ``. Two exact power-of-two
    factors, each a normal number: a single ``2⁻ᵉ`` (or a division by
    ``max|xᵢ|``) is subnormal for float32 inputs above ~1e38, and XLA on CPU
    flushes subnormals to 0.
    """
    _, e = jnp.frexp(jnp.max(jnp.abs(x), axis=-1, initial=0.0))
    low = e // 2
    high = e - low
    one = jnp.ones((), x.dtype)
    f_low, f_high = jnp.ldexp(one, -low), jnp.ldexp(one, -high)
    y = x * f_low[..., None] * f_high[..., None]
    return jnp.sqrt(jnp.sum(y * y, axis=-1)), f_low, f_high, low, high


@jax.custom_jvp
def l2_scaled(x: Array) -> Array:
    """Compute ``‖x‖₂`` over the last axis without overflow or underflow.

    Like LAPACK's ``nrm2`` it scales first: with ``2ᵉ⁻¹ ≤ maxᵢ|xᵢ| < 2ᵉ``,
    ``‖x‖₂ = 2ᵉ·sqrt(Σᵢ (xᵢ/2ᵉ)²)``, scaling by exact powers of two. So float32
    ``[2e38, 2e38]`` gives ``2.83e38`` where `l2` gives ``inf``, and ``[1e-30]``
    gives ``1e-30`` where `l2` gives 0. It reads the input twice, so it costs
    more than `l2` (see docs/benchmarks.md). Gradient ``x/‖x‖₂`` (computed
    from the scaled values, so it is overflow-safe too), and 0 at the origin.
    An empty vector has norm 0.
    """
    root, _, _, low, high = _scaled(x)
    return jnp.ldexp(jnp.ldexp(root, low), high)


@l2_scaled.defjvp
def _l2_scaled_jvp(primals: tuple[Array], tangents: tuple[Array]) -> tuple[Array, Array]:
    (x,), (t,) = primals, tangents
    root, f_low, f_high, low, high = _scaled(x)
    # x/‖x‖ = (x·2⁻ˡᵒʷ)·(2⁻ʰⁱᵍʰ/root): every factor stays a normal number
    inverse = f_high / jnp.where(root > 0, root, jnp.ones_like(root))
    unit = x * f_low[..., None] * inverse[..., None]
    return jnp.ldexp(jnp.ldexp(root, low), high), jnp.sum(unit * t, axis=-1)


def rms(x: Array) -> Array:
    """Compute the root mean square ``sqrt(Σᵢ xᵢ² / n) = ‖x‖₂/√n`` over the last axis.

    A norm for each fixed length ``n``. Gradient ``x/(n·rms(x))`` and 0 at the
    origin. An empty vector has rms 0 (not NaN).
    """
    n = x.shape[-1]
    return l2(x) / jnp.sqrt(jnp.asarray(max(n, 1), dtype=x.dtype))
