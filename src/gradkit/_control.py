"""A while loop that differentiates in reverse mode under `jit` and never stops silently.

`jax.lax.while_loop` is forward-mode only ("Reverse-mode differentiation does not
work for lax.while_loop ..."), because XLA needs a static bound on the memory
the backward pass keeps. With a bound, `max_steps`, equinox's loops
(`equinox.internal.while_loop`) differentiate in reverse mode too. That API is
documented as unstable, so gradkit pins equinox to 0.13.x and keeps the call
in `_equinox_loop` below, where the tests in ``tests/test_control.py`` pin its
behaviour.

Equinox silently stops at `max_steps` and returns a wrong value and gradient
(measured: 3200 instead of 819200 for the seed's loop). gradkit checks the
condition once more after the loop; if it still holds, the loop was cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from ._errors import InvalidInputError, LoopExhaustedError

Kind = Literal["bounded", "checkpointed", "lax"]
OnExhaust = Literal["nan", "raise"]
KINDS: tuple[str, ...] = ("bounded", "checkpointed", "lax")

_EXHAUSTED = "gk.while_loop reached max_steps"


def _equinox_loop(
    cond: Callable[[Any], Any],
    body: Callable[[Any], Any],
    init: Any,
    max_steps: int,
    kind: str,
    checkpoints: int | None,
) -> Any:
    """Run equinox's loop (the one place gradkit touches ``equinox.internal``)."""
    if kind == "lax":
        # lax's loop has no bound: count steps in the carry to enforce max_steps.
        def lax_cond(state: tuple[Any, jax.Array]) -> jax.Array:
            value, step = state
            return jnp.logical_and(step < max_steps, cond(value))

        def lax_body(state: tuple[Any, jax.Array]) -> tuple[Any, jax.Array]:
            value, step = state
            return body(value), step + 1

        return jax.lax.while_loop(lax_cond, lax_body, (init, jnp.zeros((), jnp.int32)))[0]
    import equinox.internal as eqxi

    return eqxi.while_loop(
        cond, body, init, max_steps=max_steps, kind=kind, checkpoints=checkpoints
    )


def _poison(tree: Any, exhausted: jax.Array) -> Any:
    # Multiply (not `where`): value *and* every derivative become NaN, since
    # d(x·c)/dx = c = NaN; a `where` would leave a zero gradient behind.
    factor = jax.lax.stop_gradient(jnp.where(exhausted, jnp.nan, 1.0))
    return jax.tree.map(
        lambda leaf: (
            leaf * factor.astype(leaf.dtype)
            if jnp.issubdtype(jnp.result_type(leaf), jnp.inexact)
            else leaf
        ),
        tree,
    )


def _check_body(body: Callable[[Any], Any], init: Any) -> None:
    """Refuse a `body` whose output differs from its input in structure, shape or dtype."""

    def spec(tree: Any) -> Any:
        return jax.tree.map(lambda a: (jnp.shape(a), jnp.result_type(a).name), tree)

    out = jax.eval_shape(body, init)
    want, got = spec(init), spec(out)
    if jax.tree.structure(want) != jax.tree.structure(got) or want != got:
        raise InvalidInputError(
            f"gk.while_loop: body must return a carry like its input, but it maps "
            f"(shape, dtype) {want} to {got}; keep every shape and dtype fixed (cast with "
            ".astype(x.dtype), pad instead of growing), as a compiled loop needs"
        )


def _concrete_bool(x: jax.Array) -> bool | None:
    try:
        return bool(np.asarray(x))
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        return None


def while_loop[Carry](
    cond: Callable[[Carry], Any],
    body: Callable[[Carry], Carry],
    init: Carry,
    *,
    max_steps: int,
    kind: Kind = "bounded",
    on_exhaust: OnExhaust = "nan",
    checkpoints: int | None = None,
) -> Carry:
    """Run ``while cond(x): x = body(x)`` from `init`, differentiably, at most `max_steps` times.

    The jit-able, differentiable form of a Python ``while`` loop (D2L §2.5.4)::

        b = gk.while_loop(lambda b: gk.norm(b) < 1000, lambda b: 2 * b, 2 * a, max_steps=64)

    Works under `jax.jit`, `jax.vmap` (each batch element stops on its own) and
    `jax.export`. Derivatives by kind:

    * ``"bounded"`` (default): forward and reverse mode, any order; compile time
      and memory grow with `max_steps` (logarithmically nested scans).
    * ``"checkpointed"``: reverse mode only, faster for long loops (treeverse
      checkpointing; `checkpoints` sets the memory).
    * ``"lax"``: `jax.lax.while_loop`, forward mode only, the cheapest.

    If the condition still holds after `max_steps` steps the loop was cut short
    and its result is wrong. With ``on_exhaust="nan"`` (default) every float leaf
    of the result, and every derivative through it, becomes NaN: a value that
    survives `jit`, `vmap` and `jax.export` (which refuses the host callbacks an
    exception would need). With ``on_exhaust="raise"`` gradkit raises
    `LoopExhaustedError` when the loop runs eagerly, and under `jit` stops the
    program with an equinox runtime error carrying the same message (a host
    callback: not exportable; for interactive use).

    Args:
        cond: ``cond(x)`` returns one bool (shape ``()``).
        body: ``body(x) -> x`` with the same structure, shapes and dtypes.
        init: the initial carry, any pytree of arrays.
        max_steps: positive bound on the number of steps (a Python int).
        kind: ``"bounded"``, ``"checkpointed"`` or ``"lax"``.
        on_exhaust: ``"nan"`` or ``"raise"``.
        checkpoints: checkpoints for ``kind="checkpointed"`` (default: from max_steps).

    Returns:
        The final carry.

    Raises:
        InvalidInputError: bad `max_steps`, `kind` or `on_exhaust`, a `cond` that
            does not return one bool, or (with
            ``on_exhaust="nan"``) a carry without a float leaf to poison.
        LoopExhaustedError: ``on_exhaust="raise"`` and the loop ran out of steps.
    """
    if isinstance(max_steps, bool) or not isinstance(max_steps, int | np.integer) or max_steps < 1:
        raise InvalidInputError(
            f"max_steps must be a positive Python int (a static bound on the loop), "
            f"got max_steps={max_steps!r}"
        )
    if kind not in KINDS:
        raise InvalidInputError(f"unknown kind {kind!r}; known kinds: {', '.join(KINDS)}")
    if on_exhaust not in ("nan", "raise"):
        raise InvalidInputError(f"unknown on_exhaust {on_exhaust!r}; known: nan, raise")
    leaves = jax.tree.leaves(init)
    if on_exhaust == "nan" and not any(
        jnp.issubdtype(jnp.result_type(leaf), jnp.inexact) for leaf in leaves
    ):
        raise InvalidInputError(
            "gk.while_loop marks an exhausted loop by making its float results NaN, but the "
            f"carry {init!r} has no float leaf; add one, or pass on_exhaust='raise'"
        )
    pred = jax.eval_shape(cond, init)
    if getattr(pred, "shape", None) != () or not jnp.issubdtype(pred.dtype, jnp.bool_):
        raise InvalidInputError(
            f"gk.while_loop: cond must return one bool, but it returned shape "
            f"{getattr(pred, 'shape', None)} and dtype {getattr(pred, 'dtype', None)}; "
            "reduce it, e.g. jnp.all(b < 1000) or jnp.linalg.norm(b) < 1000"
        )
    if checkpoints is not None and (
        isinstance(checkpoints, bool)
        or not isinstance(checkpoints, int | np.integer)
        or checkpoints < 1
    ):
        raise InvalidInputError(
            f"checkpoints must be a positive int or None (gradkit picks one from max_steps), "
            f"got checkpoints={checkpoints!r}"
        )
    _check_body(body, init)
    final = _equinox_loop(cond, body, init, int(max_steps), kind, checkpoints)
    exhausted = jnp.asarray(cond(final), dtype=bool)
    if on_exhaust == "nan":
        return _poison(final, exhausted)
    concrete = _concrete_bool(exhausted)
    message = (
        f"{_EXHAUSTED} ({max_steps}) while its condition still held, so the result is cut "
        "short and wrong; raise max_steps"
    )
    if concrete is not None:
        if concrete:
            raise LoopExhaustedError(message)
        return final
    import equinox as eqx

    return eqx.error_if(final, exhausted, message)
