"""`norm`: numpy/torch norm semantics with finite gradients, plus named variants."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, Shaped

from . import _errors
from . import _matrix_norms as mat
from . import _vector_norms as vec
from ._errors import InvalidInputError, UnknownNameError, UnknownOrderError

Axis = int | Sequence[int] | None
Ord = float | str | None

_VECTOR_ORDS = "a real p ≠ 0, 0 (count of non-zeros), inf or -inf"
# numpy's extended precision (where it is wider than float64), which JAX lacks
_LONG_DOUBLES = tuple(
    np.dtype(t)
    for t, d in ((np.longdouble, np.float64), (np.clongdouble, np.complex128))
    if np.dtype(t).itemsize > np.dtype(d).itemsize
)
_MATRIX_ORDS = "'fro', 'nuc', 1, -1, 2, -2, inf or -inf"


def norm(
    x: Shaped[ArrayLike, "*shape"] | Sequence[Any],
    ord: Ord = None,  # noqa: A002
    axis: Axis = None,
    keepdims: bool = False,
) -> Float[Array, "*kept"]:
    """Compute a vector or matrix norm, like `numpy.linalg.norm`, with finite gradients.

    Which norm is computed (numpy's rules, which torch.linalg.norm shares):

    - ``ord=None, axis=None``: the 2-norm of ``x`` flattened, whatever its shape.
    - ``axis`` an int (or a 1-tuple): a vector norm along that axis, for every
      other index (a batch). ``ord``: a real ``p ≠ 0`` gives ``(Σ|xᵢ|ᵖ)^(1/p)``
      (a quasi-norm when ``0 < p < 1``; for ``p < 0`` numpy's generalised
      mean, 0 when an entry is 0), ``0`` the number of non-zeros, ``inf``
      ``max|xᵢ|``, ``-inf`` ``min|xᵢ|``; ``None`` means 2.
    - ``axis=(r, c)``: a matrix norm over those two axes, batched over the rest.
      ``ord``: ``"fro"`` (also ``None``), ``"nuc"`` (sum of singular values),
      ``2``/``-2`` (largest/smallest singular value), ``1``/``-1`` (max/min
      column sum of ``|aᵢⱼ|``), ``inf``/``-inf`` (max/min row sum).
    - ``axis=None`` with ``ord`` given: ``x`` must be 1-D (vector) or 2-D (matrix).
    - ``ord`` a registered name (``gradkit.norms``, e.g. ``"l1"``, ``"rms"``,
      ``"spectral"``, or one a plugin added): that variant's function applied to
      each vector (or matrix) selected by ``axis``. For a vector variant
      ``axis=None`` means all axes, flattened, and a tuple of axes is flattened
      into one vector (like ``torch.linalg.vector_norm``); a matrix variant needs
      a 2-D ``x`` or ``axis=(r, c)``.

    ``keepdims=True`` keeps the reduced axes with size 1. Integer and boolean
    inputs are converted to JAX's default float type (numpy converts too).
    Complex input gives numpy's values (real, of the matching precision):
    every norm of ``|xᵢ|``, except the matrix ``2``, ``-2`` and ``"nuc"``,
    which take the complex SVD. Empty input follows numpy: a sum or maximum
    over no entries is 0, a minimum over none (``ord=-inf``, matrix ``-1``,
    ``-2``) raises, a vector ``p < 0`` gives ∞.

    Gradients are finite for every finite input, under `jax.grad`,
    `jax.jacfwd`, `jax.jacrev`, `jax.vmap` and `jax.jit`. At a kink the gradient
    is the minimum-norm subgradient: 0 at the origin for every ``ord`` (JAX's
    ``jnp.linalg.norm`` gives NaN there), ``sign(0) = 0`` per coordinate for the
    1-norm, ties of the ∞-norm split evenly. The matrix conventions (repeated
    or zero singular values, tied column sums) and those of negative orders
    are in ``docs/norms.md``. For complex input `jax.grad` follows JAX's
    conjugate convention (``grad(norm)(z) = conj(z)/‖z‖``), and ``|z|`` at
    ``z = 0`` has subgradient 0, so the conventions above carry over.

    Args:
        x: an array (or anything `jnp.asarray` accepts) of real or complex numbers.
        ord: the order of the norm, or the name of a registered variant.
        axis: ``None``, an axis, or a pair of axes (see above).
        keepdims: keep the reduced axes, with size 1.

    Returns:
        The norm, with the reduced axes removed (or kept with size 1).

    Raises:
        InvalidInputError: an ``ord``/``axis`` combination numpy rejects, or an
            input that is not a numeric array. A ``ValueError``, as in numpy.
        InvalidAxisError: an axis out of range; also numpy's ``AxisError``.
        UnknownOrderError: ``ord`` is a string nobody registered; also a
            ``ValueError``, as numpy raises, and an `UnknownNameError`.

    >>> import gradkit as gk, jax, jax.numpy as jnp
    >>> float(gk.norm(jnp.array([3.0, -4.0, 0.0])))
    5.0
    >>> jax.grad(gk.norm)(jnp.zeros(3)).tolist()
    [0.0, 0.0, 0.0]
    """
    x = _as_array(x)
    if isinstance(ord, str) and ord not in ("fro", "nuc"):
        return _norm_by_name(x, ord, axis, keepdims)
    if axis is None and ord is None:
        flat = _magnitude(x.reshape(x.size))
        return _keep(vec.l2(flat), (), x.ndim, keepdims, all_axes=True)
    axes = _normalize_axes(axis, x.ndim, ord)
    if len(axes) == 1:
        return _keep(_vector(_move_last(x, axes), ord), axes, x.ndim, keepdims)
    if len(axes) == 2:
        return _keep(_matrix(_move_last(x, axes), ord), axes, x.ndim, keepdims)
    raise InvalidInputError(
        f"axis={axis!r} names {len(axes)} axes; a norm reduces one axis (a vector norm) or "
        "two (a matrix norm). Pass an int or a pair, or use a named vector variant such as "
        "ord='l2', which flattens any number of axes"
    )


def _as_array(x: Any) -> Array:
    if getattr(x, "dtype", None) in _LONG_DOUBLES:
        raise InvalidInputError(
            f"norm got an array of dtype {x.dtype} (long double), which JAX cannot "
            "hold; convert it first, e.g. x.astype(np.float64) (or np.complex128)"
        )
    try:
        array = jnp.asarray(x)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"norm expects an array of real or complex numbers, got {x!r} ({error}); "
            "pass a jax or numpy array, or a list of numbers"
        ) from None
    if not jnp.issubdtype(array.dtype, jnp.inexact):
        # numpy converts integers and booleans to float too
        array = array.astype(jnp.result_type(float))
    return array


def _normalize_axes(axis: Axis, ndim: int, ord: Ord) -> tuple[int, ...]:
    if axis is None:
        if ndim not in (1, 2):
            raise InvalidInputError(
                f"ord={ord!r} with axis=None needs a 1-D (vector) or 2-D (matrix) array, "
                f"got {ndim} dimensions; pass axis=k for a vector norm along axis k, "
                "axis=(r, c) for a matrix norm, or ord=None for the 2-norm of all entries"
            )
        return tuple(range(ndim))
    axes = _axes_tuple(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            valid = f"valid axes are {-ndim}..{ndim - 1}" if ndim else "it has no axes"
            raise _errors.InvalidAxisError(
                f"axis {a!r} is out of range for an array of {ndim} dimensions; {valid}",
                a,
                ndim,
            )
    normalized = tuple(a % ndim for a in axes)
    if len(set(normalized)) != len(normalized):
        raise InvalidInputError(f"axis={axis!r} names the same axis twice; pass distinct axes")
    return normalized


def _axes_tuple(axis: int | Sequence[int]) -> tuple[int, ...]:
    items = (axis,) if isinstance(axis, numbers.Integral | np.integer) else axis
    if not isinstance(items, Sequence | np.ndarray) or not all(
        isinstance(a, numbers.Integral | np.integer) and not isinstance(a, bool) for a in items
    ):
        raise InvalidInputError(f"axis must be None, an int or a tuple of ints, got {axis!r}")
    return tuple(int(a) for a in items)


def _magnitude(x: Array) -> Array:
    """Return ``|x|`` for complex ``x`` (gradient 0 at 0), and real ``x`` unchanged."""
    return vec.abs_complex(x) if jnp.iscomplexobj(x) else x


def _move_last(x: Array, axes: tuple[int, ...]) -> Array:
    return jnp.moveaxis(x, axes, tuple(range(-len(axes), 0)))


def _keep(
    y: Array, axes: tuple[int, ...], ndim: int, keepdims: bool, *, all_axes: bool = False
) -> Array:
    if not keepdims:
        return y
    if all_axes:
        return y.reshape((1,) * ndim)
    return jnp.expand_dims(y, axes)


def _check_order(ord: Ord, valid: str, kind: str) -> float:
    if isinstance(ord, bool) or not isinstance(ord, numbers.Real):
        raise InvalidInputError(
            f"invalid {kind} ord {ord!r}: use {valid}, or the name of a registered "
            "norm variant (see gradkit.norms.names())"
        )
    if math.isnan(ord):
        raise InvalidInputError(f"invalid {kind} ord {ord!r}: use {valid}")
    return float(ord)


def _vector(x: Array, ord: Ord) -> Array:
    if isinstance(ord, str):
        raise InvalidInputError(
            f"ord={ord!r} is a matrix norm, but the input is a vector (one axis); "
            f"pass axis=(r, c) for a matrix norm, or a vector ord: {_VECTOR_ORDS}"
        )
    p = 2.0 if ord is None else _check_order(ord, _VECTOR_ORDS, "vector")
    x = _magnitude(x)
    if p == 2:
        return vec.l2(x)
    if p == 1:
        return vec.l1(x)
    if p == math.inf:
        return vec.linf(x)
    if p == -math.inf:
        _reject_empty_minimum(x.shape[-1], "ord=-inf", "a vector")
        return vec.neg_inf(x)
    if p == 0:
        return vec.count_nonzero(x)
    return vec.lp(x, p)


def _matrix(x: Array, ord: Ord) -> Array:
    rows, cols = x.shape[-2], x.shape[-1]
    if ord is None or ord == "fro":
        return mat.fro(_magnitude(x))
    if ord == "nuc":
        return mat.singular_value_norm(x, "nuc")
    p = _check_order(ord, _MATRIX_ORDS, "matrix")
    if p not in (2, -2):
        x = _magnitude(x)
    if p == 2:
        return mat.singular_value_norm(x, "max")
    if p == -2:
        _reject_empty_minimum(min(rows, cols), "ord=-2", "a matrix with no singular values")
        return mat.singular_value_norm(x, "min")
    if p == 1:
        return mat.abs_sum_extreme(x, -2, True)
    if p == -1:
        _reject_empty_minimum(cols, "ord=-1", "a matrix with no columns")
        return mat.abs_sum_extreme(x, -2, False)
    if p == math.inf:
        return mat.abs_sum_extreme(x, -1, True)
    if p == -math.inf:
        _reject_empty_minimum(rows, "ord=-inf", "a matrix with no rows")
        return mat.abs_sum_extreme(x, -1, False)
    raise InvalidInputError(
        f"invalid matrix ord {ord!r} for axis=(r, c): use {_MATRIX_ORDS}, "
        "or one axis for a vector p-norm"
    )


def _reject_empty_minimum(size: int, what: str, of_what: str) -> None:
    if size == 0:
        raise InvalidInputError(
            f"{what} is a minimum, undefined for {of_what} (an empty axis); "
            "numpy raises here too. Check the shape, or use a norm that is 0 on empty input"
        )


def _norm_by_name(x: Array, name: str, axis: Axis, keepdims: bool) -> Array:
    from ._registry import norms

    try:
        spec = norms.get(name)
    except UnknownNameError as error:
        hint = ""
        if name.strip().lstrip("+-").lower() in ("inf", "infinity"):
            sign = "-" if name.strip().startswith("-") else ""
            hint = f"; for the ∞-norm pass the number ord={sign}jnp.inf, not the string {name!r}"
        raise UnknownOrderError(
            f"{error}{hint}; or pass a numeric ord ({_VECTOR_ORDS} for vectors; "
            f"{_MATRIX_ORDS} for matrices)"
        ) from None
    if jnp.iscomplexobj(x):
        raise InvalidInputError(
            f"norm variant {name!r} takes real input, got dtype {x.dtype}; pass a numeric "
            f"ord (complex input works with every one), or jnp.abs(x) to apply {name!r} "
            "to the moduli"
        )
    if spec.kind == "vector":
        axes = tuple(range(x.ndim)) if axis is None else _normalize_axes(axis, x.ndim, name)
        batch = _move_last(x, axes)
        lead = batch.shape[: x.ndim - len(axes)]
        batch = batch.reshape(*lead, math.prod(batch.shape[len(lead) :]))
    else:
        axes = _normalize_axes(axis, x.ndim, name)
        if len(axes) != 2:
            raise InvalidInputError(
                f"norm variant {name!r} is a matrix norm and needs two axes, got "
                f"axis={axis!r} on a {x.ndim}-D array; pass axis=(r, c)"
            )
        batch = _move_last(x, axes)
    y = _map(spec.fn, batch, 1 if spec.kind == "vector" else 2, name)
    return _keep(y, axes, x.ndim, keepdims)


def _map(fn: Callable[[Array], Any], x: Array, core: int, name: str) -> Array:
    """Apply ``fn`` to each of the trailing ``core``-D blocks of ``x``."""
    lead = x.shape[: x.ndim - core]
    flat = x.reshape(math.prod(lead), *x.shape[x.ndim - core :])
    try:
        y = jax.vmap(fn)(flat)
    except ValueError:
        # on empty input that is a reduction with no identity (jnp.max of nothing);
        # on any other input it is the variant's own error, which passes unchanged
        if flat.size != 0:
            raise
        raise InvalidInputError(
            f"norm variant {name!r} takes a minimum or maximum, undefined on an empty "
            f"{'vector' if core == 1 else 'matrix'} (shape {x.shape}); check the shape, or use "
            "a norm that is 0 on empty input"
        ) from None
    if getattr(y, "shape", None) != flat.shape[:1]:
        what = "vector" if core == 1 else "matrix"
        got = f"shape {y.shape[1:]}" if hasattr(y, "shape") else type(y).__name__
        raise InvalidInputError(
            f"norm variant {name!r} returned {got} for one {what}; a NormSpec.fn must "
            "return a scalar"
        )
    return y.reshape(lead)
