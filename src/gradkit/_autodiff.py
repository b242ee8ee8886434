"""Functional automatic differentiation (D2L §2.5) with errors a PyTorch user understands.

Each function here is a thin layer over the JAX transformation of the same
name: the checks run in Python while JAX traces, so the traced program (and so
the compiled XLA) is exactly what raw JAX gives. What the layer adds is errors
that say what to write instead. gradkit checks its own preconditions: an integer
input before JAX runs (`_check_float_inputs`), and what `f` returned (a has_aux
pair, a scalar, a float dtype) as JAX traces it (`_checked`), so an error raised
inside `f`, such as a plain ``jax.grad`` of a helper, is never blamed on `f`.
Of JAX's errors only the typed ones are translated (a Python ``if``/``while`` on
a traced value); none is recognised by its wording.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import jax
import jax.core  # Tracer: `import jax` binds jax.core only as a side effect
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from ._errors import (
    InvalidInputError,
    NotDifferentiableError,
    TracedControlFlowError,
)
from ._gradcheck import GradCheckReport as GradCheckReport
from ._gradcheck import check_grad as check_grad
from ._typing import Cotangent, Derivatives, Point, Tangent, Values

Argnums = int | Sequence[int]


def _name(f: Callable[..., Any]) -> str:
    return getattr(f, "__name__", None) or type(f).__name__


def _check_callable(f: Any, what: str) -> None:
    """Refuse a non-function `f` (``gk.grad(f(x))`` for ``gk.grad(f)``) before JAX does."""
    if not callable(f):
        raise NotDifferentiableError(
            f"{what} takes a function, got {f!r} (type {type(f).__name__}); pass the function "
            f"itself, e.g. {what}(f), not {what}(f(x)) (JAX differentiates functions, not values)"
        )


def _argnum_tuple(argnums: Argnums) -> tuple[int, ...]:
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def _check_float_inputs(fname: str, what: str, args: Sequence[Any], argnums: Argnums) -> None:
    """Refuse integer/bool inputs to differentiate with respect to, before JAX does."""
    for i in _argnum_tuple(argnums):
        if i >= len(args):
            raise InvalidInputError(
                f"{what} differentiates {fname} with respect to argument {i}, but only "
                f"{len(args)} argument(s) were given; pass it, or change argnums"
            )
        for leaf in jax.tree.leaves(args[i]):
            dtype = jnp.result_type(leaf)
            if not jnp.issubdtype(dtype, jnp.inexact):
                shown = leaf if np.size(leaf) <= 8 else f"array of shape {np.shape(leaf)}"
                raise NotDifferentiableError(
                    f"{what} differentiates with respect to floating-point values, but argument "
                    f"{i} of {fname} has dtype {dtype} ({shown!r}): use floats, e.g. "
                    "jnp.arange(4.0) instead of jnp.arange(4), or x.astype(jnp.float32)"
                )


@contextlib.contextmanager
def _translate(fname: str, what: str) -> Iterator[None]:
    """Turn JAX's typed tracing errors inside `what` into gradkit errors that say what to do."""
    try:
        yield
    except jax.errors.ConcretizationTypeError as err:
        raise TracedControlFlowError(
            f"{fname} used a traced value where Python needs a concrete one (an `if`, "
            f"`while`, `bool()`, `float()` or `int()` on an array) while {what} traced it "
            "under jit/vmap. Write loops with gk.while_loop(cond, body, init, max_steps=...) "
            "and branches with jax.lax.cond(pred, true_fn, false_fn, x) or jnp.where; "
            "outside jit, gk.grad also runs plain Python control flow."
        ) from err


# What a transform needs f to return: "scalar" (grad: a real floating-point
# scalar), "real" (jacrev, hessian: real floating-point arrays of any shape) or
# "any" (jacfwd). With has_aux, each needs a pair (output, aux) first.
Needs = Literal["scalar", "real", "any"]

# The findings of the innermost call being checked: see `_checked` and `_checking`.
_FOUND: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "gradkit_autodiff_found", default=None
)

# what JAX accepts as one output array (`jax.typeof` of anything else raises)
_ARRAY_TYPES = (jax.Array, np.ndarray, np.generic, bool, int, float, complex)


def _checked(
    f: Callable[..., Any], fname: str, what: str, needs: Needs, *, has_aux: bool = False
) -> Callable[..., Any]:
    """Return `f`, checking what it returns while a transform traces it inside `_checking`.

    The check runs on the abstract value (shape and dtype) at trace time only,
    so a jitted program is exactly raw JAX's. Only `f`'s own output is judged:
    an error raised inside `f` (a ``jax.grad`` of a helper, say) is not a finding.
    """

    @functools.wraps(f)
    def checked(*args: Any, **kwargs: Any) -> Any:
        out = f(*args, **kwargs)
        found = _FOUND.get()
        if found is not None and not found:
            problem = _output_problem(out, fname, what, needs, has_aux)
            if problem is not None:
                found.append(problem)
        return out

    named = f
    while isinstance(named, functools.partial):
        named = named.func  # JAX names a partial by its function in jaxprs: so do we
    for attribute in ("__name__", "__qualname__"):
        setattr(checked, attribute, getattr(named, attribute, getattr(checked, attribute)))
    return checked


@contextlib.contextmanager
def _checking(fname: str, what: str) -> Iterator[None]:
    """Run a transform of `_checked` functions: an output found wanting is a gradkit error.

    JAX refuses such an output too; its error is chained as the cause. Errors
    raised while nothing was found (inside `f`, say) pass unchanged, except
    JAX's typed tracing errors, which `_translate` turns into gradkit's.
    """
    found: list[str] = []
    token = _FOUND.set(found)
    try:
        with _translate(fname, what):
            try:
                yield
            except Exception as err:
                if found:
                    raise NotDifferentiableError(found[0]) from err
                raise
    finally:
        _FOUND.reset(token)
    if found:  # JAX let it through; gradkit's contract does not
        raise NotDifferentiableError(found[0])


def _output_problem(out: Any, fname: str, what: str, needs: Needs, has_aux: bool) -> str | None:
    """Say what is wrong with `out`, what `fname` returned to `what`, or None if nothing is.

    Mirrors what JAX checks, in JAX's order (the aux pair, then the shape, then
    the dtype), so gradkit speaks exactly where JAX would refuse. An output JAX
    cannot hold at all (a string) or of an extended dtype (a PRNG key) is left to
    JAX's own error.
    """
    if has_aux:
        if not (isinstance(out, list | tuple) and len(out) == 2):
            return (
                f"{what} was called with has_aux=True, so {fname} must return a pair "
                "(scalar, aux), but it did not; return (loss, aux), or drop has_aux=True"
            )
        out = out[0]
    if needs == "any" or not all(isinstance(leaf, _ARRAY_TYPES) for leaf in jax.tree.leaves(out)):
        return None
    if needs == "scalar" and not (isinstance(out, _ARRAY_TYPES) and jax.typeof(out).shape == ()):
        if isinstance(out, _ARRAY_TYPES):
            got = f"shape {jax.typeof(out).shape}"
        else:  # a tuple, list or dict, by its exact type; any other container is "a pytree"
            got = {tuple: "a tuple", list: "a list", dict: "a dict"}.get(type(out), "a pytree")
        return (
            f"{what} needs {fname} to return a scalar, but it returned {got} "
            "(PyTorch's y.backward() needs a scalar too). Use gk.backward(f, x), which is "
            "y.backward(torch.ones_like(y)), reduce with .sum() as in "
            "gk.grad(lambda x: f(x).sum()), or use gk.jacobian(f) for every partial "
            "derivative."
        )
    for leaf in jax.tree.leaves(out):
        dtype = jax.typeof(leaf).dtype
        if jnp.issubdtype(dtype, jax.dtypes.extended):
            return None
        if jnp.issubdtype(dtype, jnp.floating):
            continue
        # jacobian and hessian take outputs of any shape; grad needs a scalar
        shaped = needs == "real"
        wanted = (
            "real floating-point values (a scalar or an array of any shape)"
            if shaped
            else "a real floating-point scalar"
        )
        if jnp.issubdtype(dtype, jnp.complexfloating):
            fix = "differentiate jnp.real(f(x)) and jnp.imag(f(x)) as two real functions" + (
                "" if shaped else ", or use gk.backward (a VJP) for the complex output"
            )
        else:
            fix = "return floats (e.g. y.astype(jnp.float32))"
        return f"{what} needs {fname} to return {wanted}, but it returned dtype {dtype.name}: {fix}"
    return None


def _differentiating(
    transform: Callable[..., Callable[..., Any]],
    f: Callable[..., Any],
    what: str,
    needs: Needs,
    argnums: Argnums = 0,
    *,
    fname: str | None = None,
    has_aux: bool = False,
    **options: Any,
) -> Callable[..., Any]:
    """Return ``transform(f, argnums, has_aux=..., **options)`` that checks inputs and output.

    The inputs are checked before JAX runs (`_check_float_inputs`), the output
    while JAX traces `f` (`_checked`); both say what to do instead.
    """
    fname = fname or _name(f)
    transformed = transform(
        _checked(f, fname, what, needs, has_aux=has_aux), argnums, has_aux=has_aux, **options
    )

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _check_float_inputs(fname, what, args, argnums)
        with _checking(fname, what):
            return transformed(*args, **kwargs)

    return wrapped


def grad(
    f: Callable[..., Any], argnums: Argnums = 0, *, has_aux: bool = False
) -> Callable[..., Derivatives | tuple[Derivatives, Any]]:
    """Return the function that computes the gradient of the scalar function `f`.

    ``gk.grad(f)(x)`` is PyTorch's ``y = f(x); y.backward(); x.grad``, without
    the buffer: the gradient is returned, nothing accumulates, and calling it
    twice gives the same answer. Same semantics as `jax.grad` (differentiates
    with respect to argument `argnums`, which may be any pytree of floats).

    Raises (while tracing):
        NotDifferentiableError: `f` returns a non-scalar (use `backward` or
            ``.sum()``), or an input to differentiate is an integer (use floats).
        TracedControlFlowError: `f` uses Python ``if``/``while`` on a traced value
            (under `jit`/`vmap`); use `gradkit.while_loop` or `jax.lax.cond`.

    >>> import jax.numpy as jnp
    >>> gk_grad = grad(lambda x: 2 * jnp.dot(x, x))
    >>> gk_grad(jnp.arange(4.0)).tolist()
    [0.0, 4.0, 8.0, 12.0]
    """
    _check_callable(f, "gk.grad")
    return _differentiating(jax.grad, f, "gk.grad", "scalar", argnums, has_aux=has_aux)


def value_and_grad(
    f: Callable[..., Any], argnums: Argnums = 0, *, has_aux: bool = False
) -> Callable[..., tuple[Float[Array, ""] | tuple[Float[Array, ""], Any], Derivatives]]:
    """Return the function that computes ``(f(x), ∇f(x))`` in one pass.

    Same semantics and errors as `grad`; the value comes for free with the
    reverse pass (``y = f(x); y.backward()`` keeps ``y`` too).
    """
    _check_callable(f, "gk.value_and_grad")
    return _differentiating(
        jax.value_and_grad, f, "gk.value_and_grad", "scalar", argnums, has_aux=has_aux
    )


def derivative(
    f: Callable[[Any], Any],
) -> Callable[[Float[ArrayLike, "*shape"]], Float[Array, "*shape"]]:
    """Return f′ for a scalar function f: R → R, applied elementwise to arrays.

    ``gk.derivative(jnp.sin)(xs)`` is cos(xs) for an array `xs` of any shape:
    the scalar derivative is mapped over the elements (`jnp.vectorize` of
    `grad`), so `f` is only ever called on scalars and need not be vectorised.
    A function with Python ``if``/``while`` on its input is differentiated one
    element at a time (slower, eager only). This is the tool for plotting f and
    f′ (D2L §2.5 ex. 4).

    Raises:
        NotDifferentiableError: ``f(scalar)`` is not a scalar (use `jacobian`),
            or the input is an integer array.
    """
    _check_callable(f, "gk.derivative")
    scalar = grad(f)
    fname = _name(f)
    raw = jax.grad(_checked(f, fname, "gk.derivative", "scalar"))

    @functools.wraps(f)
    def df(x: Any) -> Any:
        _check_float_inputs(fname, "gk.derivative", (x,), 0)
        if jnp.ndim(x) == 0:
            return scalar(x)
        with _checking(fname, "gk.derivative"):
            try:
                return jnp.vectorize(raw)(x)
            except jax.errors.ConcretizationTypeError:
                if isinstance(x, jax.core.Tracer):
                    raise
                # Python `if`/`while` on the value (D2L's eager style) cannot be
                # vectorised: differentiate one element at a time instead.
                xs = jnp.asarray(x)
                return jnp.stack([raw(v) for v in xs.ravel()]).reshape(xs.shape)

    return df


def backward(
    f: Callable[[Any], Any],
    x: Point,
    cotangent: Cotangent | None = None,
) -> Tangent:
    """Return the vector–Jacobian product ``cotangentᵀ·∂f/∂x``: PyTorch's ``y.backward(gradient)``.

    ``gk.backward(f, x, v)`` is what ``y = f(x); y.backward(v); x.grad`` leaves in
    ``x.grad``: Σᵢ vᵢ ∂yᵢ/∂x. With ``cotangent=None`` it uses ones, which is
    ``y.sum().backward()``, so ``gk.backward(lambda x: x.sum(), x)`` is ones.

    Args:
        f: a function of one array (or pytree) argument.
        x: the point, floating point.
        cotangent: same shape and dtype as ``f(x)``; default ones.

    Raises:
        NotDifferentiableError: integer `x`.
        InvalidInputError: the cotangent's shape does not match ``f(x)``.
        TracedControlFlowError: Python control flow on traced values under jit/vmap.
    """
    _check_callable(f, "gk.backward")
    fname = _name(f)
    _check_float_inputs(fname, "gk.backward", (x,), 0)
    with _translate(fname, "gk.backward"):
        y, vjp = jax.vjp(f, x)
        if cotangent is None:
            cotangent = jax.tree.map(jnp.ones_like, y)
        else:
            cotangent = _cotangent_like(fname, cotangent, y)
        (dx,) = vjp(cotangent)
    return dx


def _cotangent_like(fname: str, cotangent: Any, y: Any) -> Any:
    """Return `cotangent` as arrays of y's dtypes, or say why it does not fit ``y = f(x)``."""
    y_leaves, y_def = jax.tree.flatten(y)
    if y_def.num_leaves == 1 and y_def.num_nodes == 1:
        c_leaves = [cotangent]  # one output array: a list or NumPy array is one cotangent
    else:
        c_leaves, c_def = jax.tree.flatten(cotangent)
        if c_def != y_def:
            c_leaves = []
    arrays = []
    for c in c_leaves:
        try:
            a = jnp.asarray(c)
        except (TypeError, ValueError):
            a = None
        if a is None or not jnp.issubdtype(a.dtype, jnp.number):
            raise InvalidInputError(
                f"gk.backward: the cotangent must be numbers, one weight per output, got "
                f"{c!r}; pass an array shaped like {fname}(x), e.g. jnp.ones_like(y)"
            )
        arrays.append(a)
    if len(arrays) != len(y_leaves) or any(
        a.shape != jnp.shape(yy) for a, yy in zip(arrays, y_leaves, strict=True)
    ):
        got = jax.tree.map(jnp.shape, cotangent)
        raise InvalidInputError(
            f"gk.backward: the cotangent has shape {got}, but {fname}(x) has shape "
            f"{jax.tree.map(jnp.shape, y)}; pass one weight per output (like "
            "y.backward(gradient) in PyTorch)"
        )
    for a, yy in zip(arrays, y_leaves, strict=True):
        if jnp.issubdtype(a.dtype, jnp.complexfloating) and not jnp.iscomplexobj(yy):
            raise InvalidInputError(
                f"gk.backward: the cotangent is complex (dtype {a.dtype}) but {fname}(x) is "
                f"real (dtype {jnp.result_type(yy)}), so its imaginary part would be dropped; "
                "pass a real cotangent, e.g. jnp.real(v), or make f return complex values"
            )
    return jax.tree.unflatten(
        y_def, [a.astype(jnp.result_type(yy)) for a, yy in zip(arrays, y_leaves, strict=True)]
    )


def jacobian(
    f: Callable[..., Any],
    argnums: Argnums = 0,
    *,
    mode: Literal["auto", "fwd", "rev"] = "auto",
    has_aux: bool = False,
) -> Callable[..., Derivatives | tuple[Derivatives, Any]]:
    """Return the function that computes the Jacobian ∂f/∂x, shape ``f(x).shape + x.shape``.

    ``mode="rev"`` builds it one output at a time (`jax.jacrev`), ``"fwd"`` one input
    at a time (`jax.jacfwd`); ``"auto"`` picks forward mode when the inputs are
    fewer than the outputs (decided per call from the shapes, at trace time).
    """
    if mode not in ("auto", "fwd", "rev"):
        raise InvalidInputError(f"unknown mode {mode!r}; known modes: auto, fwd, rev")
    _check_callable(f, "gk.jacobian")
    what = "gk.jacobian"
    fwd = _differentiating(jax.jacfwd, f, what, "any", argnums, has_aux=has_aux)
    rev = _differentiating(jax.jacrev, f, what, "real", argnums, has_aux=has_aux)
    if mode != "auto":
        return fwd if mode == "fwd" else rev
    fname = _name(f)
    checked = _checked(f, fname, what, "any", has_aux=has_aux)

    def output(*args: Any, **kwargs: Any) -> Any:
        out = checked(*args, **kwargs)
        return out[0] if has_aux else out  # the aux need not be arrays

    @functools.wraps(f)
    def jac(*args: Any, **kwargs: Any) -> Any:
        _check_float_inputs(fname, what, args, argnums)
        with _checking(fname, what):
            out = jax.eval_shape(functools.partial(output, **kwargs), *args)
        n_in = sum(np.size(a) for i in _argnum_tuple(argnums) for a in jax.tree.leaves(args[i]))
        n_out = sum(int(np.prod(o.shape)) for o in jax.tree.leaves(out))
        return (fwd if n_in < n_out else rev)(*args, **kwargs)

    return jac


def hessian(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Derivatives]:
    """Return the function that computes the Hessian ∇²f of a scalar function.

    `jax.hessian`: forward over reverse, the cheapest order for Hessians.
    """
    _check_callable(f, "gk.hessian")
    return _differentiating(jax.hessian, f, "gk.hessian", "real", argnums)


def hvp(
    f: Callable[[Any], Any],
    x: Point,
    v: Point,
) -> Tangent:
    """Return the Hessian–vector product ∇²f(x)·v without forming the Hessian.

    Forward-over-reverse: the JVP of ∇f at `x` along `v`, about the cost of two
    gradients, where ``hessian(f)(x) @ v`` costs n gradients and n² memory.
    """
    _check_callable(f, "gk.hvp")
    fname = _name(f)
    _check_float_inputs(fname, "gk.hvp", (x, v), (0, 1))
    x_shapes = jax.tree.map(jnp.shape, x)
    v_shapes = jax.tree.map(jnp.shape, v)
    if jax.tree.structure(x) != jax.tree.structure(v) or x_shapes != v_shapes:
        raise InvalidInputError(
            f"gk.hvp: v must have the structure and shape of x (a direction in x's space), "
            f"but x has shape {x_shapes} and v has shape {v_shapes} ({v!r}); pass v shaped "
            "like x, e.g. jnp.ones_like(x)"
        )
    with _checking(fname, "gk.hvp"):
        return jax.jvp(jax.grad(_checked(f, fname, "gk.hvp", "scalar")), (x,), (v,))[1]


def detach(x: Values) -> Values:
    """Return `x` cut from differentiation (PyTorch's ``.detach()``): ``jax.lax.stop_gradient``.

    The value is unchanged; every derivative through it is zero, in every mode
    and at every order.
    """
    return jax.lax.stop_gradient(x)
