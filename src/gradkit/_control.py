"""A while loop that differentiates in reverse mode under `jit` and never stops silently.

`jax.lax.while_loop` is forward-mode only ("Reverse-mode differentiation does not
work for lax.while_loop ..."), because XLA needs a static bound on the memory
the backward pass keeps. With a bound, `max_steps`, equinox's loops
(`equinox.internal.while_loop`) differentiate in reverse mode too. That API is
documented as unstable, so gradkit pins equinox to 0.13.x and keeps the call
in `_equinox_loop` below, where the tests in ``tests/test_control.py`` pin its
behaviour.

The default kind, ``"auto"``, is gradkit's own: a `jax.custom_jvp` whose value
is a real `lax.while_loop` (it costs the steps taken, not `max_steps`). Its
derivative is the step's JVP applied n times; when the step is affine that map
is a `custom_linear_solve` whose solve and transpose are both n-step
`lax.while_loop`s, so reverse mode also costs the steps taken. Measured on the
seed's doubling (`benchmarks/bench_loops.py`): jit(grad) at max_steps=100_000
costs what it costs at 160, where equinox's bounded loop costs 4x more.

Equinox silently stops at `max_steps` and returns a wrong value and gradient
(measured: 3200 instead of 819200 for the seed's loop). gradkit checks the
condition once more after the loop; if it still holds, the loop was cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, cast

import jax
import jax.numpy as jnp
import numpy as np

if TYPE_CHECKING:  # the CLI loads this module (the built-in `doubling`): no jaxtyping import
    from jaxtyping import ArrayLike, Bool

from ._errors import InvalidInputError, LoopExhaustedError

Kind = Literal["bounded", "checkpointed", "lax", "auto"]
OnExhaust = Literal["nan", "raise"]
KINDS: tuple[str, ...] = ("bounded", "checkpointed", "lax", "auto")

_EXHAUSTED = "gk.while_loop reached max_steps"


def _equinox_loop(
    cond: Callable[[Any], Any],
    body: Callable[[Any], Any],
    init: Any,
    max_steps: int,
    kind: Kind,
    checkpoints: int | None,
) -> Any:
    """Run equinox's loop (the one place gradkit touches ``equinox.internal``)."""
    if kind == "lax":
        # lax's loop has no bound: count steps in the carry to enforce max_steps.
        return _counted_loop(cond, body, init, max_steps)[0]
    if kind == "auto":
        return _stepped_loop(cond, body, init, max_steps)
    import equinox.internal as eqxi

    return eqxi.while_loop(
        cond, body, init, max_steps=max_steps, kind=kind, checkpoints=checkpoints
    )


def _counted_loop(
    cond: Callable[[Any], Any], body: Callable[[Any], Any], init: Any, max_steps: int
) -> tuple[Any, jax.Array]:
    """Run `jax.lax.while_loop` at most `max_steps` times; return the carry and the step count."""

    def lax_cond(state: tuple[Any, jax.Array]) -> jax.Array:
        value, step = state
        return jnp.logical_and(step < max_steps, cond(value))

    def lax_body(state: tuple[Any, jax.Array]) -> tuple[Any, jax.Array]:
        value, step = state
        return body(value), step + 1

    return jax.lax.while_loop(lax_cond, lax_body, (init, jnp.zeros((), jnp.int32)))


def _is_float(leaf: Any) -> bool:
    return bool(jnp.issubdtype(jnp.result_type(leaf), jnp.inexact))


def _split_floats(tree: Any) -> tuple[list[Any], Callable[[list[Any]], Any]]:
    """Return the float leaves of `tree` and a function putting new float leaves back."""
    leaves, treedef = jax.tree.flatten(tree)
    where = [i for i, leaf in enumerate(leaves) if _is_float(leaf)]

    def merge(floats: list[Any]) -> Any:
        new = list(leaves)
        for i, leaf in zip(where, floats, strict=True):
            new[i] = leaf
        return jax.tree.unflatten(treedef, new)

    return [leaves[i] for i in where], merge


def _step_jvp(
    body: Callable[..., Any], x: Any, consts: list[Any], tx: list[Any], tc: list[Any]
) -> tuple[Any, list[Any]]:
    """Take one step from `x`; push float tangents `tx` (carry) and `tc` (body constants) along.

    Returns the new carry and the tangents of its float leaves.
    """
    xf, merge = _split_floats(x)

    def step(xf: list[Any], cf: list[Any]) -> tuple[list[Any], Any]:
        new = body(merge(xf), *cf)
        return _split_floats(new)[0], new

    _, t_out, new = jax.jvp(step, (xf, list(consts)), (list(tx), list(tc)), has_aux=True)
    return new, t_out


def _constant_jacobian(body: Callable[..., Any], x: Any, consts: list[Any]) -> bool:
    """Return whether one step's tangent map is the same at every carry (an affine step).

    Traces the step's JVP and follows data dependence: if no tangent output
    depends on a primal input (carry or constant), the Jacobian is constant,
    so the loop's derivative is (step Jacobian)^n and needs no stored states.
    An equation with sub-programs counts as depending on all its inputs.
    """
    from jax.extend.core import Var

    xf = _split_floats(x)[0]

    def tangent(primals: tuple[Any, list[Any]], tangents: tuple[list[Any], list[Any]]) -> Any:
        return _step_jvp(body, *primals, *tangents)[1]

    closed = jax.make_jaxpr(tangent)((x, list(consts)), (xf, list(consts)))
    jaxpr = closed.jaxpr
    n_primal = len(jax.tree.leaves((x, list(consts))))
    tainted = set(jaxpr.invars[:n_primal])
    for eqn in jaxpr.eqns:
        if any(isinstance(v, Var) and v in tainted for v in eqn.invars):
            tainted.update(eqn.outvars)
    return not any(isinstance(v, Var) and v in tainted for v in jaxpr.outvars)


def _stepped_loop(
    cond: Callable[[Any], Any], body: Callable[[Any], Any], init: Any, max_steps: int
) -> Any:
    """kind="auto": a real `jax.lax.while_loop`, with derivatives that cost the steps taken.

    A `jax.custom_jvp` whose value is the counted `lax.while_loop`. When one
    step's Jacobian is constant (an affine step, like doubling), the tangent is
    the step's JVP applied n times, written as a `jax.lax.custom_linear_solve`
    whose solve runs those n steps forward and whose transpose runs n transposed
    steps backward: both `lax.while_loop`s, so forward and reverse mode cost the
    n steps taken and keep nothing per step; the derivative is exact at every
    order (the Jacobian does not depend on the carry). Other steps take their
    derivatives through equinox's bounded loop over (carry, tangent) pairs,
    whose cost grows with log(max_steps).
    """
    body_c, body_consts = jax.closure_convert(body, init)
    cond_c, cond_consts = jax.closure_convert(cond, init)
    affine = _constant_jacobian(body_c, init, body_consts)

    @jax.custom_jvp
    def run(x0: Any, bc: list[Any], cc: list[Any]) -> tuple[Any, jax.Array]:
        return _counted_loop(lambda x: cond_c(x, *cc), lambda x: body_c(x, *bc), x0, max_steps)

    @run.defjvp
    def run_jvp(primals: Any, tangents: Any) -> Any:
        x0, bc, cc = primals
        tx0, tbc, _ = tangents
        final, n = run(x0, bc, cc)
        tx = _split_floats(tx0)[0]
        tc = _split_floats(tbc)[0] if bc else []
        if affine:
            t_out = _affine_tangent(body_c, x0, bc, n, tx, tc)
        else:
            t_out = _bounded_tangent(cond_c, body_c, x0, bc, cc, tx, tc, max_steps)
        return (final, n), (_tangent_tree(final, t_out), np.zeros((), jax.dtypes.float0))

    return run(init, list(body_consts), list(cond_consts))[0]


def _tangent_tree(like: Any, floats: list[Any]) -> Any:
    """The tangent of carry `like`: `floats` for its float leaves, float0 zeros elsewhere."""
    leaves, treedef = jax.tree.flatten(like)
    given = iter(floats)
    out = [
        next(given) if _is_float(leaf) else np.zeros(np.shape(leaf), jax.dtypes.float0)
        for leaf in leaves
    ]
    return jax.tree.unflatten(treedef, out)


def _affine_tangent(
    body: Callable[..., Any], x0: Any, bc: list[Any], n: jax.Array, tx: list[Any], tc: list[Any]
) -> list[Any]:
    # The Jacobian is the same at every carry, so the linearization point carries
    # no derivative (which also keeps custom_linear_solve's rules on their simple path).
    x0, bc = jax.lax.stop_gradient((x0, bc))

    def lin(t: list[Any], c: list[Any]) -> list[Any]:
        return _step_jvp(body, x0, bc, t, c)[1]

    lin_t = jax.linear_transpose(lin, tx, tc)

    def forward(_matvec: Any, b: tuple[list[Any], list[Any]]) -> tuple[list[Any], list[Any]]:
        t, c = b

        def step(state: tuple[jax.Array, list[Any]]) -> tuple[jax.Array, list[Any]]:
            i, t = state
            return i + 1, lin(t, c)

        return jax.lax.while_loop(lambda s: s[0] < n, step, (jnp.zeros((), n.dtype), t))[1], c

    def backward(_vecmat: Any, b: tuple[list[Any], list[Any]]) -> tuple[list[Any], list[Any]]:
        ct, cc = b

        def step(state: tuple[jax.Array, list[Any], list[Any]]) -> Any:
            i, ct, cc = state
            dt, dc = lin_t(ct)
            return i + 1, dt, jax.tree.map(jnp.add, cc, dc)

        _, ct, cc = jax.lax.while_loop(lambda s: s[0] < n, step, (jnp.zeros((), n.dtype), ct, cc))
        return ct, cc

    # custom_linear_solve has no return annotation, and pyright infers Never from its body
    solved = jax.lax.custom_linear_solve(lambda v: v, (tx, tc), forward, backward)
    out, _ = cast(tuple[list[Any], list[Any]], solved)
    return out


def _bounded_tangent(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    x0: Any,
    bc: list[Any],
    cc: list[Any],
    tx: list[Any],
    tc: list[Any],
    max_steps: int,
) -> list[Any]:
    import equinox.internal as eqxi

    def pair_body(state: tuple[Any, list[Any]]) -> tuple[Any, list[Any]]:
        return _step_jvp(body, state[0], bc, state[1], tc)

    _, t_out = eqxi.while_loop(
        lambda s: cond(s[0], *cc), pair_body, (x0, tx), max_steps=max_steps, kind="bounded"
    )
    return t_out


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
    cond: Callable[[Carry], Bool[ArrayLike, ""]],
    body: Callable[[Carry], Carry],
    init: Carry,
    *,
    max_steps: int,
    kind: Kind = "auto",
    on_exhaust: OnExhaust = "nan",
    checkpoints: int | None = None,
) -> Carry:
    """Run ``while cond(x): x = body(x)`` from `init`, differentiably, at most `max_steps` times.

    The jit-able, differentiable form of a Python ``while`` loop (D2L §2.5.4)::

        b = gk.while_loop(lambda b: gk.norm(b) < 1000, lambda b: 2 * b, 2 * a, max_steps=64)

    Works under `jax.jit`, `jax.vmap` (each batch element stops on its own) and
    `jax.export`. Derivatives by kind:

    * ``"auto"`` (default): the value is a `jax.lax.while_loop`, so it costs the
      steps taken, whatever `max_steps` is. Forward and reverse mode, any order.
      When one step is affine in the carry (its Jacobian is the same everywhere,
      as in ``2 * b``), derivatives also cost the steps taken: n forward (or n
      transposed) steps, nothing stored. Other steps differentiate through
      ``"bounded"`` over (carry, tangent) pairs.
    * ``"bounded"``: forward and reverse mode, any order; run time, compile time
      and memory grow with log(`max_steps`) (nested scans), even for the value.
    * ``"checkpointed"``: reverse mode only, faster for long loops (treeverse
      checkpointing; `checkpoints` sets the memory).
    * ``"lax"``: `jax.lax.while_loop`, forward mode only.

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
        kind: ``"auto"``, ``"bounded"``, ``"checkpointed"`` or ``"lax"``.
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
