"""Numerical calculus (D2L §2.4): difference quotients, limit tables, finite differences.

Everything here computes in float64 by default, inside `gradkit._config.float64`,
so the user's global ``jax_enable_x64`` setting is never changed: the seed's limit
table is wrong in float32 (h=1e-5 gives 2.00272 instead of 2.00003).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, Literal

import jax
import jax.core  # Tracer: `import jax` binds jax.core only as a side effect
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, DTypeLike, Float, Real

from ._config import float64
from ._errors import InvalidInputError, TracedControlFlowError
from ._finite_diff import _compute, _concrete, _map, _out_shape, _program
from ._holomorphic import _check_holomorphic
from ._rich import RichTable

Method = Literal["central", "forward", "backward", "complex", "richardson"]
METHODS: tuple[str, ...] = ("central", "forward", "backward", "complex", "richardson")

_DEFAULT_HS = tuple(float(h) for h in 10.0 ** np.arange(-1, -6, -1))


def _dtype(dtype: Any) -> Any:
    """Return the real dtype to compute in: float64 unless the caller names one."""
    try:
        dt = np.dtype(jnp.float64 if dtype is None else dtype)
    except TypeError:
        dt = None
    if dt is None or not np.issubdtype(dt, np.floating):
        raise InvalidInputError(
            f"dtype must be a real floating-point type such as jnp.float64, got {dtype!r}"
        )
    return dt


def _traced(x: Any) -> bool:
    return isinstance(x, jax.core.Tracer)


def _precision(x: Any, dt: Any) -> tuple[Any, contextlib.AbstractContextManager[None]]:
    """Return the dtype to compute in and the scope to compute it under.

    float64 comes from a scoped x64 context. Inside the caller's own `jax.jit`
    with x64 off that cannot work (the caller's program is lowered after the
    scope ends, and float64 would be truncated), so there gradkit computes in
    the input's own float dtype, with that dtype's step.
    """
    if dt == np.float64 and _traced(x) and not jax.config.jax_enable_x64:
        own = np.dtype(getattr(x, "dtype", np.float32))
        return (own if np.issubdtype(own, np.floating) else np.dtype(np.float32)), (
            contextlib.nullcontext()
        )
    return dt, float64()


def _as_float(x: Any, dt: Any, what: str = "x") -> jax.Array:
    try:
        arr = jnp.asarray(x)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"{what} must be a real number or array, got {x!r}; pass e.g. 1.0 or jnp.array([...])"
        ) from None
    if not jnp.issubdtype(arr.dtype, jnp.inexact) and not jnp.issubdtype(arr.dtype, jnp.integer):
        raise InvalidInputError(f"{what} must be a real number or array, got {x!r}")
    if jnp.issubdtype(arr.dtype, jnp.complexfloating):
        raise InvalidInputError(
            f"{what} must be real; complex inputs are not supported, got dtype {arr.dtype}"
        )
    return arr.astype(dt)


def difference_quotient(
    f: Callable[[Any], Any],
    x: Real[ArrayLike, "*x"],
    h: Real[ArrayLike, "*steps"],
    *,
    dtype: DTypeLike | None = None,
) -> Float[Array, "*out"]:  # shape h.shape + f(x).shape
    """Return the forward difference quotient ``(f(x + h) - f(x)) / h``.

    Vectorised over `h`: the result has shape ``h.shape + f(x).shape``, and `f`
    is called once per step (through `jax.vmap`, so `f` need not be vectorised).
    Computed in float64 unless `dtype` says otherwise.

    Args:
        f: a JAX-traceable function.
        x: the point (a number or an array).
        h: one step or an array of steps; every step must be non-zero.
        dtype: the real dtype to compute in (default float64).

    Raises:
        InvalidInputError: a step is zero, or `x`/`h` is not real.

    >>> float(difference_quotient(lambda x: 3 * x**2 - 4 * x, 1.0, 0.1))
    2.3000000000000043
    """
    dt, scope = _precision(x, _dtype(dtype))
    with scope:
        xs = _as_float(x, dt)
        hs = _as_float(h, dt, "h")
        concrete = _concrete(hs)
        if concrete is not None and bool(np.any(concrete == 0)):
            raise InvalidInputError(f"every step h must be non-zero, got h={h!r}")
        if concrete is not None and not bool(np.all(np.isfinite(concrete))):
            raise InvalidInputError(f"every step h must be finite, got h={h!r}")
        fx = f(xs)
        if hs.ndim == 0:
            return (f(xs + hs) - fx) / hs
        # _map: one step at a time when f uses Python `if` on x (D2L's eager style)
        flat = _map(lambda step: (f(xs + step) - fx) / step, hs.ravel())
        return flat.reshape(hs.shape + jnp.shape(fx))


@dataclasses.dataclass(frozen=True)
class LimitTable(RichTable):
    """The difference quotients of a scalar function at one point, one row per step.

    ``str(table)`` prints one line per step exactly as D2L's notebook does
    (``h=0.10000, numerical limit=2.30000``), with an ``error=`` column when
    the exact derivative is known.

    Attributes:
        x: the point.
        hs: the steps, in order.
        values: ``(f(x + h) - f(x)) / h`` for each step.
        exact: the exact limit f′(x), if given.
    """

    x: float
    hs: tuple[float, ...]
    values: tuple[float, ...]
    exact: float | None = None

    @property
    def errors(self) -> tuple[float, ...] | None:
        """Return ``|value - exact|`` per step, or None when `exact` is unknown."""
        if self.exact is None:
            return None
        return tuple(abs(v - self.exact) for v in self.values)

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        """The column names and, per step, h, the quotient and the error, as printed."""
        errors = self.errors
        headers = ["h", "numerical limit", *(["error"] if errors is not None else [])]
        rows = []
        for i, (h, v) in enumerate(zip(self.hs, self.values, strict=True)):
            places = _places(h)
            row = [f"{h:.{places}f}", f"{v:.{places}f}"]
            rows.append(row + ([f"{errors[i]:.5e}"] if errors is not None else []))
        return headers, rows

    def __str__(self) -> str:
        _, rows = self._cells()
        names = ("h", "numerical limit", "error")
        return "\n".join(
            ", ".join(f"{n}={c}" for n, c in zip(names, row, strict=False)) for row in rows
        )

    def _table(self) -> tuple[str, list[str], list[list[str]]]:
        return (f"difference quotients (f(x + h) − f(x))/h at x = {self.x:g}", *self._cells())


def _places(h: float) -> int:
    """Decimal places for a row of the table: the seed's 5, or as many as h needs.

    The notebook prints 5 (``h=0.00001``); a smaller h would print as ``0.00000``,
    and its quotient would hide the digits that still change, so both get enough
    places to show h's leading digits (``h=0.0000001``).
    """
    places = 5
    while places < 20 and abs(round(h, places) - h) > 1e-3 * abs(h):
        places += 1
    return places


def limit_table(
    f: Callable[[Any], Any],
    x: float,
    hs: Sequence[float] | None = None,
    *,
    exact: float | None = None,
) -> LimitTable:
    """Tabulate ``(f(x + h) - f(x)) / h`` as h shrinks, in float64.

    Args:
        f: a scalar function of a scalar.
        x: the point.
        hs: the steps; default 1e-1, 1e-2, …, 1e-5 (the seed's ``10.0**np.arange(-1, -6, -1)``).
        exact: the exact derivative, to add an error column.

    Returns:
        A `LimitTable`; ``print(table)`` shows the seed's lines.

    Raises:
        InvalidInputError: `x` or ``f(x)`` is not a real scalar, `x` is outside f's
            domain (``f(x)`` not finite), or a step is zero or not finite.

    >>> print(limit_table(lambda x: 3 * x**2 - 4 * x, 1.0, [0.1, 0.01]))
    h=0.10000, numerical limit=2.30000
    h=0.01000, numerical limit=2.03000
    """
    if any(_traced(leaf) for leaf in jax.tree.leaves((x, hs))):
        raise InvalidInputError(
            "limit_table builds a table of Python floats, so it cannot run under jax.jit or "
            f"jax.vmap (got x={x!r}); call it outside, or use difference_quotient there"
        )
    try:
        steps = _DEFAULT_HS if hs is None else tuple(float(h) for h in hs)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"hs must be a sequence of step sizes, e.g. [0.1, 0.01], got hs={hs!r}"
        ) from None
    if not steps:
        raise InvalidInputError(f"limit_table needs at least one step, got hs={hs!r}")
    if np.ndim(x) != 0:
        raise InvalidInputError(
            f"limit_table needs a scalar point x, got shape {np.shape(x)}; "
            "use difference_quotient for arrays"
        )
    with float64():
        x64 = _as_float(x, np.dtype(np.float64))
        if not bool(jnp.isfinite(x64)):
            raise InvalidInputError(f"limit_table needs a finite point x, got x={x!r}")
        out = f(x64)  # eager: x is concrete here, so f may use Python `if` on it
        fx = jnp.asarray(out) if isinstance(out, float | int | jax.Array | np.generic) else None
        if fx is None or fx.shape != ():
            got = f"shape {fx.shape}" if fx is not None else f"type {type(out).__name__}"
            raise InvalidInputError(f"limit_table needs f to return a scalar, but f(x) has {got}")
        if jnp.issubdtype(fx.dtype, jnp.complexfloating):
            raise InvalidInputError(
                f"limit_table needs f to return a real number, but f(x) has dtype {fx.dtype}; "
                "tabulate jnp.real(f(x)) and jnp.imag(f(x)) separately"
            )
        fx_value = float(fx)
        if not np.isfinite(fx_value):
            raise InvalidInputError(
                f"f(x) is not finite at x={x!r} ({fx_value}): x is outside f's domain; "
                "choose a point where f is defined"
            )
        values = difference_quotient(f, x64, jnp.asarray(steps, jnp.float64))
        values_np = np.asarray(values, dtype=np.float64)
    return LimitTable(
        x=float(x),
        hs=steps,
        values=tuple(float(v) for v in values_np),
        exact=None if exact is None else float(exact),
    )


def _check_elementwise(f: Callable[[Any], Any], x: jax.Array) -> None:
    """Refuse a same-shape `f` that is not elementwise (checked once, at a concrete `x`)."""
    if _concrete(x) is None:
        return
    whole = np.asarray(f(x))
    try:
        each = np.asarray(jax.vmap(f)(x.ravel())).reshape(x.shape)
    except (TypeError, ValueError, IndexError):  # IndexError: f indexes its (now scalar) input
        each = None
    if each is None or not np.allclose(whole, each, rtol=1e-12, atol=0.0, equal_nan=True):
        raise InvalidInputError(
            f"f maps shape {x.shape} to the same shape but is not elementwise (f(x) differs "
            "from f applied to each element), so f' elementwise is undefined; use "
            "gk.jacobian(f) for the Jacobian, or gk.backward(f, x) for its vector product"
        )


def numerical_derivative(
    f: Callable[[Any], Any],
    *,
    method: Method = "central",
    step: float | None = None,
    dtype: DTypeLike | None = None,
) -> Callable[[Real[ArrayLike, "*x"]], Float[Array, "*out"]]:
    """Return a function that approximates the derivative of `f` by finite differences.

    ``df = numerical_derivative(f)`` and ``df(x)`` gives:

    * f′(x) when `x` is a scalar (any output shape: the result has f(x)'s shape);
    * the gradient ∇f(x) (shape of `x`) when `x` is an array and f(x) a scalar,
      one difference per coordinate;
    * f′ elementwise when f(x) has the shape of `x`: `f` is treated as a scalar
      function and applied to each element separately (through `jax.vmap`), so
      the result is f′(xᵢ) even when `f` is not vectorised. For a general map
      Rⁿ → Rⁿ this is not the Jacobian; use `gradkit.jacobian` for that.

    Methods, with u the unit round-off of the dtype. The default step of the
    difference methods is chosen per point: a ladder of 10 steps h·s, with s
    geometric from max(1, |x|) down to min(1, max(|x|, 2⁻⁴⁰))/8, and the step
    with the smallest estimated error (the change to the next step, for the
    truncation, plus u·|f|/h for the round-off) wins; a step whose f value is not
    finite (outside f's domain) is never chosen. So the step is right both for
    f(x) = 1 + x near 0 (s ~ 1) and next to a singularity such as log at
    x = 1e-9 (s ~ |x|, keeping x ± h inside the domain). Measured accuracy in
    float64 (relative error; numdifftools' 19 example functions at x = 0.5, and
    log′ at 1e-3, 1e-6, 1e-9; see docs/benchmarks.md):

    * ``"forward"`` (f(x+h) − f(x))/h and ``"backward"``, h = √u·s: worst 3e-8
      (error ~√u), 11 evaluations of f;
    * ``"central"`` (f(x+h) − f(x−h))/2h, h = u^{1/3}·s: worst 3e-11 on the 19
      functions, ≤ 3e-10 for log′ near 0 (error ~u^{2/3}), 20 evaluations;
    * ``"complex"`` Im f(x + ih)/h, h = u²: no cancellation, exact to rounding
      (worst 2e-16), 1 evaluation, but only for holomorphic `f`. Before
      evaluating, gradkit traces f at a complex input and refuses
      (`NotDifferentiableError`) any primitive that takes a complex value and
      is not analytic: abs, sign, conj, max/min, comparisons (so `jnp.where`
      on x), sort, floor/round, or any that turns complex into real. A split
      into real and imaginary parts that is recombined (as `jnp.log10` does)
      is instead checked at the first point against ``"richardson"``;
    * ``"richardson"``: central differences at steps s·2⁻ᵏ (k = 1…40, s =
      max(1, |x|)) extrapolated over windows of 5 steps; the window with the
      smallest error estimate (including its round-off) wins: worst 7e-14 on the
      19 functions, ≤ 2e-13 for log′ near 0, 80 evaluations. It evaluates f up
      to s/2 away from x, skipping windows where f is not finite: pass `step`
      to stay inside a narrow domain.

    With an explicit `step` every method uses that one step (Richardson: it and
    its 4 halvings, one window).

    Args:
        f: a JAX-traceable function.
        method: one of ``"central"``, ``"forward"``, ``"backward"``, ``"complex"``,
            ``"richardson"``.
        step: an absolute step that overrides the default.
        dtype: the real dtype to compute in (default float64, without changing the
            global ``jax_enable_x64``).

    Returns:
        ``df(x)``, which works under `jax.jit` and `jax.vmap`. Inside your own
        `jax.jit`/`jax.vmap` with x64 off it computes in the input's own dtype
        (float64 cannot leave a scoped context into your program); pass arrays to
        ``df`` directly to get float64.

    Raises:
        InvalidInputError: unknown `method`, a non-positive `step`, or shapes it cannot handle.
        NotDifferentiableError: ``method="complex"`` on a non-holomorphic `f`.

    >>> df = numerical_derivative(lambda x: 3 * x**2 - 4 * x)
    >>> round(float(df(1.0)), 9)
    2.0
    """
    if not callable(f):
        raise InvalidInputError(
            f"numerical_derivative takes a function, got {f!r}; pass the function itself, "
            "e.g. numerical_derivative(f), not numerical_derivative(f(x))"
        )
    if method not in METHODS:
        raise InvalidInputError(f"unknown method {method!r}; known methods: {', '.join(METHODS)}")
    if step is not None and not (
        isinstance(step, numbers.Real)
        and not isinstance(step, bool)
        and math.isfinite(step)
        and step > 0
    ):
        raise InvalidInputError(
            f"step must be a positive number, got step={step!r}; pass a finite float such as "
            "1e-4, or None for the default step"
        )
    dt = _dtype(dtype)
    checked: set[tuple[Any, ...]] = set()
    step_ = None if step is None else float(step)

    def program(dt_now: Any) -> Callable[[Any], Any]:
        try:
            return _program(f, method, step_, dt_now)
        except TypeError:  # an unhashable callable: compile for this instance only
            return _program.__wrapped__(f, method, step_, dt_now)

    programs = {np.dtype(np.float64): program(np.dtype(np.float64))}

    @functools.wraps(f)
    def df(x: Any) -> jax.Array:
        dt_now, scope = _precision(x, dt)
        with scope:
            key = (np.shape(x), getattr(x, "dtype", type(x)), dt_now)
            if key not in checked:
                xs = _as_float(x, dt_now)
                elementwise = xs.ndim > 0 and _out_shape(f, xs) == xs.shape
                if elementwise:
                    _check_elementwise(f, xs)
                if method == "complex":
                    ct = np.complex128 if dt_now == np.float64 else np.complex64
                    _check_holomorphic(f, xs, elementwise, ct, dt_now)
                if _concrete(xs) is not None:
                    checked.add(key)
            run = programs.get(dt_now)
            if run is None:
                run = programs[dt_now] = program(dt_now)
            try:
                return run(x)
            except jax.errors.ConcretizationTypeError as err:
                # Python `if`/`while` on x (as in D2L's eager examples): run unjitted,
                # which works whenever x itself is concrete.
                if _concrete(x) is None:
                    raise TracedControlFlowError(
                        f"{getattr(f, '__name__', 'f')} uses Python `if`/`while` on its input, "
                        "which numerical_derivative can run only outside jax.jit/jax.vmap; "
                        "call df(x) outside, or write the branch with jnp.where or jax.lax.cond"
                    ) from err
                return _compute(f, x, method, step_, dt_now)

    return df
