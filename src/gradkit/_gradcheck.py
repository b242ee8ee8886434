"""Gradient checking: autodiff against Richardson-extrapolated finite differences.

Like `jax.test_util.check_grads` and PyTorch's fast ``gradcheck``, the check runs
along one random direction (a seeded normal tangent, and a normal cotangent for
reverse mode), so it costs a few evaluations whatever the input size. Unlike
them it computes in float64, uses an accurate extrapolated difference (error
~1e-12, so tight tolerances are meaningful), and never scales the tolerance
with the array size (jax-ml/jax#3130).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._config import float64
from ._errors import GradientMismatch, InvalidInputError, NotDifferentiableError
from ._finite_diff import _scalar_rule
from ._rich import RichTable
from ._typing import Arguments

_MODES = ("fwd", "rev")


@dataclasses.dataclass(frozen=True)
class GradCheckResult:
    """One comparison: a mode at an order.

    Attributes:
        mode: ``"fwd"`` (the JVP J·t, every output element) or ``"rev"`` (the
            projection ⟨Jᵀc, t⟩ against ⟨J·t, c⟩); at order 2 and up, what was
            differentiated, e.g. ``"rev of fwd"`` checks the VJP of the JVP.
        order: 1 for first derivatives, 2 for derivatives of derivatives, ….
        autodiff: the autodiff value at the worst element.
        numerical: the finite-difference value there.
        max_abs_error: max |autodiff − numerical|.
        max_rel_error: max |autodiff − numerical| / |numerical| (0/0 counts as 0).
        passed: every element within ``atol + rtol·|numerical|``.
    """

    mode: str
    order: int
    autodiff: float
    numerical: float
    max_abs_error: float
    max_rel_error: float
    passed: bool


@dataclasses.dataclass(frozen=True)
class GradCheckReport(RichTable):
    """What `check_grad` found. ``bool(report)`` is ``report.passed``.

    Attributes:
        function: the checked function's name.
        passed: every comparison passed.
        results: one `GradCheckResult` per mode and order.
        rtol, atol: the tolerances used.
    """

    function: str
    passed: bool
    results: tuple[GradCheckResult, ...]
    rtol: float
    atol: float

    def __bool__(self) -> bool:
        return self.passed

    @property
    def worst(self) -> GradCheckResult:
        """Return the result with the largest relative error."""
        return max(self.results, key=lambda r: (not r.passed, r.max_rel_error))

    def __str__(self) -> str:
        lines = [
            f"check_grad({self.function}): {'passed' if self.passed else 'FAILED'} "
            f"(rtol={self.rtol:g}, atol={self.atol:g})"
        ]
        for r in self.results:
            lines.append(
                f"  {r.mode} order {r.order}: max abs error {r.max_abs_error:.3e}, "
                f"max rel error {r.max_rel_error:.3e} "
                f"(autodiff {r.autodiff:.12g}, numerical {r.numerical:.12g})"
                f"{'' if r.passed else '  <-- mismatch'}"
            )
        return "\n".join(lines)

    def _table(self) -> tuple[str, list[str], list[list[str]]]:
        caption = (
            f"check_grad({self.function}): {'passed' if self.passed else 'FAILED'} "
            f"(rtol={self.rtol:g}, atol={self.atol:g}); directional derivatives along "
            "random directions, autodiff against finite differences"
        )
        headers = ["mode", "order", "autodiff", "numerical", "max abs error", "max rel error", ""]
        rows = [
            [r.mode, str(r.order), f"{r.autodiff:.12g}", f"{r.numerical:.12g}",
             f"{r.max_abs_error:.3e}", f"{r.max_rel_error:.3e}", "ok" if r.passed else "mismatch"]
            for r in self.results
        ]  # fmt: skip
        return caption, headers, rows


def _to_float64(fname: str, args: Sequence[Any]) -> tuple[Any, ...]:
    out = []
    for i, arg in enumerate(args):
        for leaf in jax.tree.leaves(arg):
            if not jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
                raise NotDifferentiableError(
                    f"gk.check_grad differentiates with respect to every argument, but argument "
                    f"{i} of {fname} has dtype {jnp.result_type(leaf)}: use floats, e.g. "
                    "jnp.arange(4.0), or close over the non-float argument with a lambda"
                )
        out.append(jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), arg))
    return tuple(out)


def _random_like(tree: Any, rng: np.random.RandomState) -> Any:
    return jax.tree.map(lambda a: jnp.asarray(rng.standard_normal(np.shape(a)), jnp.float64), tree)


def _flat(tree: Any) -> jax.Array:
    leaves = [jnp.ravel(jnp.asarray(leaf, jnp.float64)) for leaf in jax.tree.leaves(tree)]
    return jnp.concatenate(leaves) if leaves else jnp.zeros((0,), jnp.float64)


def _numerical_jvp(f: Callable[..., Any], args: tuple[Any, ...], tangent: tuple[Any, ...]) -> Any:
    def along(s: jax.Array) -> jax.Array:
        moved = jax.tree.map(lambda a, t: a + s * t, args, tangent)
        return _flat(f(*moved))

    return _scalar_rule(along, jnp.zeros((), jnp.float64), "richardson", None)


def _value(f: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return f(*args)


def _jvp_flat(f: Callable[..., Any], args: tuple[Any, ...], tangent: tuple[Any, ...]) -> Any:
    return _flat(jax.jvp(f, args, tangent)[1])


def _vjp_flat(f: Callable[..., Any], args: tuple[Any, ...], cotangent: Any) -> Any:
    return _flat(jax.vjp(f, *args)[1](cotangent))


# `f` is static: checking the same function again reuses the compiled passes.
_COMPILED: dict[Callable[..., Any], Callable[..., Any]] = {
    fn: jax.jit(fn, static_argnums=0) for fn in (_value, _numerical_jvp, _jvp_flat, _vjp_flat)
}


def _jit_or_eager(fn: Callable[..., Any], f: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(f, *args)`` compiled, or eagerly when `f` uses Python control flow on values."""
    try:
        return _COMPILED[fn](f, *args)
    except jax.errors.ConcretizationTypeError:
        return fn(f, *args)
    except TypeError as err:  # an unhashable callable cannot be a static argument
        if "hashable" not in str(err):
            raise
        return fn(f, *args)


def _compare(
    mode: str, order: int, ad: jax.Array, num: jax.Array, rtol: float, atol: float
) -> GradCheckResult:
    ad_np = np.atleast_1d(np.asarray(ad, np.float64))
    num_np = np.atleast_1d(np.asarray(num, np.float64))
    diff = np.abs(ad_np - num_np)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / np.abs(num_np))
    bad = ~np.isfinite(diff) | (diff > atol + rtol * np.abs(num_np))
    worst = int(np.argmax(np.where(np.isfinite(rel), rel, np.inf))) if rel.size else 0
    return GradCheckResult(
        mode=mode,
        order=order,
        autodiff=float(ad_np[worst]) if ad_np.size else 0.0,
        numerical=float(num_np[worst]) if num_np.size else 0.0,
        max_abs_error=float(np.max(diff, initial=0.0)),
        max_rel_error=float(np.max(rel, initial=0.0)),
        passed=not bool(np.any(bad)),
    )


def _check(
    f: Callable[..., Any],
    args: tuple[Any, ...],
    order: int,
    level: int,
    label: str,
    modes: tuple[str, ...],
    rtol: float,
    atol: float,
    rng: np.random.RandomState,
) -> list[GradCheckResult]:
    tangent = _random_like(args, rng)
    out = _jit_or_eager(_value, f, args)
    cotangent = _random_like(out, rng)
    num = _jit_or_eager(_numerical_jvp, f, args, tangent)
    results = []
    if "fwd" in modes:
        ad = _jit_or_eager(_jvp_flat, f, args, tangent)
        results.append(_compare("fwd" + label, level, ad, num, rtol, atol))
    if "rev" in modes:
        vjp_ct = _jit_or_eager(_vjp_flat, f, args, cotangent)
        ad_proj = jnp.vdot(vjp_ct, _flat(tangent))
        num_proj = jnp.vdot(num, _flat(cotangent))
        results.append(_compare("rev" + label, level, ad_proj, num_proj, rtol, atol))
    if order > 1:
        if "fwd" in modes:

            def f_jvp(*a: Any) -> Any:
                return jax.jvp(f, a, tangent)[1]

            results += _check(
                f_jvp, args, order - 1, level + 1, f" of fwd{label}", modes, rtol, atol, rng
            )
        if "rev" in modes:

            def f_vjp(*a: Any) -> Any:
                return jax.vjp(f, *a)[1](cotangent)

            results += _check(
                f_vjp, args, order - 1, level + 1, f" of rev{label}", modes, rtol, atol, rng
            )
    return results


def check_grad(
    f: Callable[..., Any],
    *args: Arguments,
    order: int = 1,
    modes: Sequence[str] = _MODES,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
    raise_on_mismatch: bool = False,
) -> GradCheckReport:
    """Check the autodiff derivatives of `f` at `args` against finite differences.

    Differentiates with respect to every argument (floats only: close over the
    rest). Along a random tangent t (and cotangent c), ``"fwd"`` compares the JVP
    J·t element by element and ``"rev"`` compares ⟨Jᵀc, t⟩ with ⟨J·t, c⟩, where
    J·t comes from a Richardson-extrapolated central difference in float64.
    ``order=2`` also checks the derivatives of the JVP and VJP, and so on.
    An element passes when ``|autodiff − numerical| ≤ atol + rtol·|numerical|``.

    Do not check at kinks (|x| at 0, ties of max): autodiff picks a one-sided
    convention there and finite differences average the sides. The arguments are
    cast to float64; a function that forces float32 inside will miss the default
    tolerances by float32 rounding (pass ``rtol=1e-3``).

    Args:
        f: a JAX-traceable function of float arrays (pytrees allowed).
        *args: the point.
        order: highest derivative order to check (≥ 1).
        modes: a subset of ``("fwd", "rev")``.
        rtol, atol: tolerances; default 1e-6 and 1e-8 (the check runs in float64).
        seed: seeds the random directions (the same seed gives the same check).
        raise_on_mismatch: raise `GradientMismatch` instead of returning a failed report.

    Returns:
        A `GradCheckReport`; it is truthy when every comparison passed.

    Raises:
        GradientMismatch: with ``raise_on_mismatch=True``, when a comparison fails.
        InvalidInputError: bad `order`, `modes` or missing `args`.
        NotDifferentiableError: an integer argument.
    """
    modes = (modes,) if isinstance(modes, str) else tuple(modes)  # modes="rev" means ("rev",)
    # a registered FunctionSpec is called directly; its name is its registry name
    fname = getattr(f, "__name__", None) or getattr(f, "name", None) or type(f).__name__
    if not args:
        raise InvalidInputError(f"gk.check_grad needs the point: check_grad({fname}, x, ...)")
    if not modes or any(m not in _MODES for m in modes):
        raise InvalidInputError(f"unknown modes {modes!r}; known modes: fwd, rev")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise InvalidInputError(f"order must be a positive integer, got order={order!r}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        # a NaN tolerance would pass every comparison, a negative one fail every one
        if tol is not None and not (
            isinstance(tol, numbers.Real)
            and not isinstance(tol, bool)
            and math.isfinite(tol)
            and tol >= 0
        ):
            raise InvalidInputError(
                f"{name} must be a finite number >= 0, got {name}={tol!r}; "
                "e.g. rtol=1e-6, atol=1e-8 (the defaults), or rtol=1e-3 for float32 code"
            )
    rtol = 1e-6 if rtol is None else float(rtol)
    atol = 1e-8 if atol is None else float(atol)
    rng = np.random.RandomState(seed)
    with float64():
        args64 = _to_float64(fname, args)
        results = _check(f, args64, order, 1, "", modes, rtol, atol, rng)
    report = GradCheckReport(
        function=fname,
        passed=all(r.passed for r in results),
        results=tuple(results),
        rtol=rtol,
        atol=atol,
    )
    if raise_on_mismatch and not report.passed:
        w = report.worst
        raise GradientMismatch(
            f"gk.check_grad: the {w.mode}-mode derivative of {fname} (order {w.order}) disagrees "
            f"with finite differences: autodiff {w.autodiff!r} vs numerical {w.numerical!r} "
            f"(max abs error {w.max_abs_error:.3e}, max rel error {w.max_rel_error:.3e}, "
            f"rtol={rtol:g}, atol={atol:g}). Check the custom derivative rules of {fname}, "
            "or that the point is not at a kink."
        )
    return report
