"""Finite-difference rules: one step, Richardson extrapolation, and where to apply them.

The private engine behind `gradkit.numerical_derivative` and `gradkit.check_grad`.
Every rule differentiates ``g: R -> R^m`` at a scalar; `_derivative_at` maps that
over coordinates (a gradient) or elements (an elementwise derivative).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._errors import InvalidInputError

# Richardson: central differences at steps s·4^-k, k = 1..20 (s = max(1, |x|),
# down to ~1e-12·s), extrapolated over windows of 4 consecutive steps; the window
# with the smallest error estimate wins. Ratio 4 covers the scales that 40
# halvings did with half the evaluations of f and a quarter of the bookkeeping
# (measured: the same accuracy targets, see docs/benchmarks.md), which keeps the
# whole program under XLA:CPU's 1000-flop mark for cheap f, so it runs inline in
# the caller's thread instead of being dispatched to a worker thread (measured
# 10 µs against 45 µs, and milliseconds on a loaded machine). The smallest
# steps also keep check_grad exact on piecewise-linear functions close to a jump.
_RICHARDSON_RATIO = 4.0
_RICHARDSON_STEPS = 20
_RICHARDSON_LEVELS = 4
# An explicit step: that step and its 4 halvings, one window of 5.
_STEP_RATIO = 2.0
_STEP_LEVELS = 5

# The default steps of "central", "forward" and "backward" are chosen per point
# from a ladder of _LADDER_RUNGS steps h·s, with s geometric from max(1, |x|)
# down to min(1, max(|x|, _LADDER_FLOOR))/8: the step that is right for f(x) = 1 + x
# near 0 (h·1) and the one that is right near a singularity at 0, such as log at
# x = 1e-9 (h·|x|), and every scale between. The rung with the smallest estimated
# error (truncation from neighbouring rungs + round-off u·|f|/h) wins; a rung
# outside f's domain (a non-finite value) never does.
_LADDER_RUNGS = 10
_LADDER_FLOOR = 2.0**-40


def _concrete(x: Any) -> np.ndarray | None:
    """Return `x` as a NumPy array, or None while it is traced under a transformation."""
    try:
        return np.asarray(x)
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        return None


def _default_step(method: str, dt: Any) -> float:
    eps = float(np.finfo(dt).eps)
    if method in ("forward", "backward"):
        return eps**0.5  # h* ~ sqrt(u): truncation h|f''|/2 balances round-off u|f|/h
    if method == "central":
        return eps ** (1 / 3)  # h* ~ u^(1/3): truncation h²|f'''|/6 vs round-off u|f|/h
    if method == "complex":
        return eps**2  # no cancellation: any tiny step works; eps² stays far above underflow
    return 0.5  # richardson: the largest step of the sequence (times the scale)


def _ladder(g: Callable[[jax.Array], jax.Array], t0: jax.Array, method: str) -> jax.Array:
    """Difference quotients at a ladder of steps; keep the one with the smallest error estimate."""
    dt = t0.dtype
    one = jnp.ones((), dt)
    size = jnp.abs(t0)
    hi = jnp.maximum(one, size)
    lo = jnp.minimum(one, jnp.maximum(size, jnp.asarray(_LADDER_FLOOR, dt))) / 8
    ratio = (lo / hi) ** (1.0 / (_LADDER_RUNGS - 1))
    steps = _default_step(method, dt) * hi * ratio ** jnp.arange(_LADDER_RUNGS, dtype=dt)
    steps = (t0 + steps) - t0  # exactly representable steps
    eps = jnp.asarray(np.finfo(dt).eps, dt)
    if method == "central":
        # computed once: without the barrier XLA recomputes f in each consumer
        plus, minus = jax.lax.optimization_barrier((_map(g, t0 + steps), _map(g, t0 - steps)))
        shape = (-1,) + (1,) * (plus.ndim - 1)
        h = steps.reshape(shape)
        quotients = (plus - minus) / (2 * h)
        noise = eps * (jnp.abs(plus) + jnp.abs(minus)) / (2 * h)
        order = 2
    else:
        sign = 1.0 if method == "forward" else -1.0
        at, moved = jax.lax.optimization_barrier((g(t0), _map(g, t0 + sign * steps)))
        shape = (-1,) + (1,) * (moved.ndim - 1)
        h = steps.reshape(shape)
        quotients = sign * (moved - at) / h
        noise = eps * (jnp.abs(moved) + jnp.abs(at)) / h
        order = 1
    # truncation error ∝ hᵒʳᵈᵉʳ: two rungs differ by (1 - ratioᵒʳᵈᵉʳ) times the larger's error
    shrink = 1 - ratio**order
    gaps = jnp.abs(jnp.diff(quotients, axis=0)) / jnp.where(shrink > 0, shrink, one)
    truncation = jnp.concatenate([gaps, gaps[-1:] * ratio**order])
    err = truncation + noise
    err = jnp.where(jnp.isfinite(err) & jnp.isfinite(quotients), err, jnp.inf)
    idx = jnp.argmin(err, axis=0)
    return jnp.take_along_axis(quotients, idx[None], axis=0)[0]


def _map(g: Callable[[jax.Array], jax.Array], ts: jax.Array) -> jax.Array:
    """Return ``g`` at each of `ts`: vectorised, or one by one when `g` uses Python control flow."""
    try:
        return jax.vmap(g)(ts)
    except jax.errors.ConcretizationTypeError:
        if _concrete(ts) is None:
            raise
        return jnp.stack([g(t) for t in ts])


@functools.cache
def _richardson_weights(ratio: float, levels: int) -> tuple[float, ...]:
    """Weights w with Σⱼ wⱼ·D(h/ratioʲ) = the Richardson table's last entry over `levels` steps.

    Central differences D(h) have even error terms h², h⁴, …; each level of the
    table, (r²ᵐ·D(h/r) − D(h))/(r²ᵐ − 1), cancels the next one.
    """
    w = np.ones(1)
    for m in range(1, levels):
        fac = ratio ** (2 * m)
        nxt = np.zeros(m + 1)
        nxt[1:] += w * fac / (fac - 1)
        nxt[:-1] -= w / (fac - 1)
        w = nxt
    return tuple(float(v) for v in w)


def _richardson(
    g: Callable[[jax.Array], jax.Array],
    t0: jax.Array,
    scale: jax.Array,
    multiples: np.ndarray,
    ratio: float,
    levels: int,
) -> jax.Array:
    """Extrapolate central differences at steps ``scale·multiples`` and keep the best window.

    `multiples` falls by `ratio` from one step to the next. Every window of
    `levels` consecutive steps gives one extrapolated value; its error estimate
    is the change to the next window plus the round-off of its smallest step
    (u·|f|/h, times 2), and a window whose estimate or error estimate is not
    finite (a step outside f's domain) is never chosen.
    """
    n = multiples.shape[0]
    plus_at = t0 + scale * jnp.asarray(multiples, t0.dtype)
    steps = plus_at - t0  # exactly representable steps
    # one call of f at all 2n points, computed once (a barrier: XLA would otherwise
    # recompute f inside each consumer, doubling its cost)
    values = jax.lax.optimization_barrier(_map(g, jnp.concatenate([plus_at, t0 - steps])))
    plus, minus = values[:n], values[n:]
    half_inv = (0.5 / steps).reshape((-1,) + (1,) * (plus.ndim - 1))
    quotients = (plus - minus) * half_inv
    windows = n - levels + 1
    weights = _richardson_weights(ratio, levels)
    best = weights[0] * quotients[:windows]
    for j in range(1, levels):
        best = best + weights[j] * quotients[j : j + windows]
    if windows == 1:
        return best[0]
    # in units of the round-off, so that the round-off term costs 2 flops per window
    eps = float(np.finfo(t0.dtype).eps)
    change = jnp.abs(jnp.diff(best, axis=0, append=best[-1:]))
    err = change * (1 / (4 * eps)) + jnp.abs(plus[levels - 1 :]) * half_inv[levels - 1 :]
    err = jnp.where(err < jnp.inf, err, jnp.inf)  # NaN: never chosen
    # the first window with the smallest error (argmin costs 3 times the flops)
    index = jnp.arange(windows).reshape((-1,) + (1,) * (best.ndim - 1))
    first = jnp.min(jnp.where(err == jnp.min(err, axis=0), index, windows - 1), axis=0)
    return jnp.take_along_axis(best, first[None], axis=0)[0]


def _scalar_rule(
    g: Callable[[jax.Array], jax.Array], t0: jax.Array, method: str, step: float | None
) -> jax.Array:
    """Differentiate ``g: R -> R^m`` at the scalar `t0` with one finite-difference rule."""
    dt = t0.dtype
    scale = jnp.maximum(jnp.ones((), dt), jnp.abs(t0))
    if method == "richardson":
        if step is None:
            k = np.arange(1, _RICHARDSON_STEPS + 1, dtype=np.float64)
            return _richardson(
                g, t0, scale, _RICHARDSON_RATIO**-k, _RICHARDSON_RATIO, _RICHARDSON_LEVELS
            )
        k = np.arange(_STEP_LEVELS, dtype=np.float64)
        return _richardson(g, t0, jnp.asarray(step, dt), _STEP_RATIO**-k, _STEP_RATIO, _STEP_LEVELS)
    if step is None and method != "complex":
        return _ladder(g, t0, method)
    h = (
        jnp.asarray(_default_step(method, dt), dt) * scale
        if step is None
        else jnp.asarray(step, dt)
    )
    if method == "complex":
        ct = jnp.complex128 if dt == np.float64 else jnp.complex64
        out = g(t0.astype(ct) + 1j * h.astype(ct))
        return jnp.imag(out) / h
    h = (t0 + h) - t0  # exactly representable step: removes one rounding error
    if method == "forward":
        return (g(t0 + h) - g(t0)) / h
    if method == "backward":
        return (g(t0) - g(t0 - h)) / h
    return (g(t0 + h) - g(t0 - h)) / (2 * h)


def _out_shape(f: Callable[[Any], Any], x: jax.Array) -> tuple[int, ...] | None:
    """Return the shape of ``f(x)``, tracing abstractly unless `f` needs concrete values."""
    try:
        out = jax.eval_shape(f, x)
    except jax.errors.ConcretizationTypeError:
        if _concrete(x) is None:
            raise
        out = f(x)
    return getattr(out, "shape", None)


def _derivative_at(f: Callable[[Any], Any], x: jax.Array, method: str, step: float | None) -> Any:
    out_shape = _out_shape(f, x)
    if out_shape is None:
        raise InvalidInputError(
            "numerical_derivative needs f to return one array or number, but f(x) at x of "
            f"shape {x.shape} returned something else (a tuple, list, dict or None); "
            "return one array, e.g. jnp.stack([y1, y2])"
        )
    if x.size == 0 and out_shape in ((), x.shape):
        return jnp.zeros(x.shape, x.dtype)  # the gradient, or f′ elementwise, of no entries
    if x.ndim == 0:
        return _scalar_rule(f, x, method, step)
    flat = x.ravel()
    if out_shape == ():

        def partial_i(i: jax.Array) -> jax.Array:
            return _scalar_rule(
                # astype first: the complex step must not be cast away into a real array
                lambda t: f(flat.astype(t.dtype).at[i].set(t).reshape(x.shape)),
                flat[i],
                method,
                step,
            )

        return jax.vmap(partial_i)(jnp.arange(flat.shape[0])).reshape(x.shape)
    if out_shape == x.shape:
        return jax.vmap(lambda t: _scalar_rule(f, t, method, step))(flat).reshape(x.shape)
    raise InvalidInputError(
        f"numerical_derivative works for f: R -> R^m, f: R^n -> R (the gradient) and scalar "
        f"functions applied elementwise, but f maps shape {x.shape} to {out_shape}; "
        "use gk.jacobian(f) for a general Jacobian"
    )


def _compute(f: Callable[[Any], Any], x: Any, method: str, step: float | None, dt: Any) -> Any:
    return _derivative_at(f, jnp.asarray(x).astype(dt), method, step)


# Compiled programs are shared: numerical_derivative(f) made again for the same
# `f` (a loop, a test, a plot) reuses the program instead of compiling anew.
@functools.lru_cache(maxsize=256)
def _program(
    f: Callable[[Any], Any], method: str, step: float | None, dt: Any
) -> Callable[[Any], Any]:
    return jax.jit(functools.partial(_compute, f, method=method, step=step, dt=dt))
