"""``gradkit diff``: a derivative by autodiff, a numerical check beside it, and a verdict.

Where f is smooth the two agree and the command exits 0. Where f is not
differentiable (a kink, a jump, the edge of its domain), or where the two
disagree, it says why, names the convention autodiff followed, and exits 1:
a learner must never read a disagreement as a success.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import click

from ._cli_calculus import (
    VALUES,
    VALUES_HELP,
    _finite,
    _plain,
    derivative_tensor,
    device_option,
    echo_json,
    function_arg,
    json_option,
    number,
    show,
)

if TYPE_CHECKING:  # _numeric imports JAX, which the CLI loads only to compute
    from ._numeric import Method

_METHOD_NAMES = {
    "autodiff": "autodiff",
    "central": "central differences",
    "complex": "complex step",
    "richardson": "Richardson extrapolation",
}
# autodiff and its check agree when |difference| <= _TOLERANCE * max(1, |check|)
_TOLERANCE = 1e-6
CONVENTION = "gradkit's abs, relu and gk.norm take the subgradient nearest 0 at a kink"


def _numerical(g: Callable[[Any], Any], x: Any, method: str) -> Any:
    """The derivative of g at x by finite differences, laid out like `jax.jacfwd`."""
    import jax.numpy as jnp

    import gradkit as gk

    how = cast("Method", method)  # click's Choice holds it to numerical_derivative's
    out = g(x)
    if x.ndim == 0 or out.ndim == 0:
        return gk.numerical_derivative(g, method=how)(x)
    rows = [
        gk.numerical_derivative(lambda v, i=i: g(v).ravel()[i], method=how)(x)
        for i in range(out.size)
    ]
    return jnp.stack(rows).reshape(out.shape + x.shape)


def _derivative_name(order: int, x_ndim: int, out_ndim: int) -> str:
    if x_ndim == 0:
        return "f" + "'" * order + "(x)" if order <= 3 else f"f^({order})(x)"
    if out_ndim == 0 and order <= 2:
        return ("gradient", "hessian")[order - 1]
    return "jacobian" if order == 1 else f"derivative of order {order}"


def _is_elementwise(f: Callable[[Any], Any]) -> bool:
    from ._expr import Expression

    return isinstance(f, Expression) and f.elementwise


def _at_point(f: Callable[[Any], Any], x: Any, order: int, method: str, expr: str) -> Any:
    """f(x), the derivative by `method`, its check, and why f is not smooth (or None)."""
    import numpy as np

    from ._smoothness import examine

    value = f(x)
    _finite(value, "the value", expr, x)
    lower = derivative_tensor(f, order - 1)
    autodiff = derivative_tensor(f, order)(x)
    numeric = _numerical(lower, x, "central" if method == "autodiff" else method)
    result, check = (autodiff, numeric) if method == "autodiff" else (numeric, autodiff)
    _finite(result, "the derivative", expr, x)
    finding = examine(lower, x)
    return (*(np.asarray(v, dtype=np.float64) for v in (value, result, check)), finding)


@click.command()
@click.argument("expr")
@click.option("--at", "at", type=VALUES, required=True, help=f"The point x: {VALUES_HELP}.")
@click.option(
    "--order",
    type=click.IntRange(1, 4),
    default=1,
    show_default=True,
    help="Which derivative: 1 (f′, gradient or Jacobian), 2 (f″ or Hessian), …",
)
@click.option(
    "--method",
    type=click.Choice(list(_METHOD_NAMES)),
    default="autodiff",
    show_default=True,
    help="How to compute it. The check beside it uses central differences for autodiff, "
    "and autodiff for the finite-difference methods.",
)
@click.option(
    "--jacobian",
    is_flag=True,
    help="For an elementwise EXPR at several points, give the Jacobian matrix instead of "
    "the derivative at each point.",
)
@json_option
@device_option
def diff(
    expr: str, at: Any, order: int, method: str, jacobian: bool, as_json: bool,
    device: str | None,
) -> None:  # fmt: skip
    """Differentiate EXPR at a point, with a numerical check beside the result.

    A scalar x gives f′(x). Several points (0,1,2) give f′ at each point when EXPR
    is elementwise, such as 'sin(x)'; otherwise a vector x gives the gradient of a
    scalar f, or the Jacobian of a vector-valued f (--jacobian asks for it). Higher
    orders differentiate again by autodiff; a finite-difference method (or the
    check) differentiates the autodiff derivative of one order less. Computed in
    float64.

    Exits 1, saying why, when f is not differentiable at x (a kink, a jump, the
    edge of its domain) or when the derivative and the check disagree.

    EXPR is an expression in x such as '3*x**2 - 4*x' or '3*x[0]**2 + 5*exp(x[1])',
    a registered function name or module:function.
    """
    import jax.numpy as jnp
    import numpy as np

    from ._config import float64
    from ._devices import use_device

    f = function_arg(expr)
    with use_device(device), float64():
        x = jnp.asarray(at, dtype=jnp.float64)
        each = x.ndim > 0 and not jacobian and _is_elementwise(f)
        if each:
            points = [_at_point(f, p, order, method, expr) for p in x.ravel()]
            value, result, check = (
                np.stack([p[k] for p in points]).reshape(x.shape) for k in range(3)
            )
            found = [(i, p[3]) for i, p in enumerate(points) if p[3] is not None]
            where, finding = found[0] if found else (None, None)
        else:
            value, result, check, finding = _at_point(f, x, order, method, expr)
            where = None
    check_method = "central" if method == "autodiff" else "autodiff"
    difference = float(np.max(np.abs(result - check)))
    agree = difference <= _TOLERANCE * max(1.0, float(np.max(np.abs(check))))
    name = _derivative_name(order, 0 if each else x.ndim, value.ndim)
    verdict = _verdict(finding, where, np.asarray(at), order, result, check, method, agree)
    if as_json:
        echo_json(
            {
                "expression": expr,
                "x": _plain(at),
                "order": order,
                "value": _plain(value),
                "name": name,
                "elementwise": each,
                "derivative": _plain(result),
                "method": method,
                "check": _plain(check),
                "check_method": check_method,
                "max_abs_difference": _plain(difference),
                "agree": agree,
                "differentiable": finding is None,
                "explanation": verdict,
            }
        )
    else:
        width = max(len(name), len("f(x)"), len("check"))
        how = _METHOD_NAMES[method] + (", at each point" if each else "")
        click.echo(f"{'x':<{width}} = {show(at)}")
        click.echo(f"{'f(x)':<{width}} = {show(value)}")
        click.echo(f"{name:<{width}} = {show(result)}  ({how})")
        click.echo(f"{'check':<{width}} = {show(check)}  ({_METHOD_NAMES[check_method]})")
        click.echo(f"max |difference| = {difference:.1e}")
        if verdict:
            click.echo(textwrap.fill(verdict, width=79, break_on_hyphens=False))
    if verdict:
        raise SystemExit(1)


def _verdict(
    finding: Any, where: int | None, at: Any, order: int, result: Any, check: Any,
    method: str, agree: bool,
) -> str:  # fmt: skip
    """The explanation printed when f is not differentiable at x or the two disagree."""
    import numpy as np

    if finding is None and agree:
        return ""
    if finding is None:
        return (
            f"autodiff and {_METHOD_NAMES['central' if method == 'autodiff' else method]} "
            f"disagree (by more than {_TOLERANCE:g} relative), although f looks smooth "
            "here: if f has a custom derivative rule (jax.custom_jvp/custom_vjp), check it."
        )
    f_name = "f" + "'" * (order - 1)
    point = where if where is not None else finding.index[0]
    at_flat = np.ravel(at)
    if point is None:
        spot = f"x = {number(float(at_flat[0]))}"
    else:
        spot = f"x[{point}] = {number(float(at_flat[point]))}"
    if finding.index[1] is not None:
        f_name = f"{f_name}(x)[{finding.index[1]}]"
    ours = float(np.ravel(result)[where or 0]) if where is not None else None
    mine = ours if ours is not None else _picked(result, check, method, finding)
    if finding.kind == "edge":
        return (
            f"{f_name} is not differentiable at {spot}: it is at the edge of its domain "
            f"({f_name} is {number(finding.left)} just left of it, {number(finding.right)} just "
            "right). Choose a point inside the domain."
        )
    if finding.kind == "jump":
        return (
            f"{f_name} is not differentiable at {spot}: it jumps there, from "
            f"{number(finding.left)} on the left to {number(finding.right)} on the right, so "
            "no tangent line exists. Autodiff gives the derivative of the piece x lies on; "
            "a difference quotient across the jump grows without bound as h shrinks."
        )
    lo, hi = sorted((finding.left, finding.right))
    nearest = min(max(0.0, lo), hi)
    if mine is None:
        autodiff = ""
    elif abs(mine - nearest) <= 1e-6 * max(1.0, abs(nearest)):
        autodiff = (
            f"Autodiff gives {number(mine)}, the subgradient nearest 0: gradkit's convention "
            "at a kink, as in gk.norm (abs'(0) = relu'(0) = 0). "
        )
    else:
        autodiff = (
            f"Autodiff gives {number(mine)}, a value between the slopes chosen by the "
            f"function's own derivative rule ({CONVENTION}). "
        )
    return (
        f"{f_name} is not differentiable at {spot}: it has a kink there (slope "
        f"{number(finding.left)} from the left, {number(finding.right)} from the right). "
        f"{autodiff}Central differences give the mean of the two slopes, "
        f"{number((finding.left + finding.right) / 2)}. Neither is a derivative."
    )


def _picked(result: Any, check: Any, method: str, finding: Any) -> float | None:
    """The autodiff value at the coordinate of the finding."""
    import numpy as np

    autodiff = np.asarray(result if method == "autodiff" else check)
    if autodiff.ndim == 0:
        return float(autodiff)
    i, k = finding.index
    flat = autodiff.reshape(-1, *([autodiff.shape[-1]] if i is not None else []))
    try:
        if i is None:
            return float(autodiff.ravel()[k or 0])
        return float(flat[k or 0][i])
    except IndexError:
        return None
