"""The calculus commands ``limit``, ``norm`` and ``devices``; ``diff`` lives in `_cli_diff`.

Each parses its arguments, calls the library in float64 and renders the result:
plain text for people, ``--json`` for machines. JAX is imported inside the
commands, so ``gradkit --help`` stays fast.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import click

from ._errors import InvalidInputError

EXPR_HELP = (
    "EXPR is an expression in x such as '3*x**2 - 4*x' or '3*x[0]**2 + 5*exp(x[1])', "
    "a registered function name (see `gradkit functions`) or module:function."
)
VALUES_HELP = "a number, comma-separated numbers (3,-4,0) or a JSON nested list ([[1,2],[3,4]])"


class Values(click.ParamType):
    """Numbers on the command line: ``2``, ``3,-4,0`` or ``[[1,2],[3,4]]``."""

    name = "VALUES"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import numpy as np

        if not isinstance(value, str):
            return value
        text = value.strip()
        try:
            data = json.loads(text) if text.startswith("[") else _comma_numbers(text)
            array = np.asarray(data, dtype=np.float64)
            if not _all_numbers(data):
                raise ValueError
        except (ValueError, TypeError, json.JSONDecodeError):
            self.fail(f"cannot read {value!r} as numbers: give {VALUES_HELP}", param, ctx)
        if array.size == 0:
            self.fail(f"{value!r} holds no numbers: give {VALUES_HELP}", param, ctx)
        return array


def _comma_numbers(text: str) -> float | list[float]:
    parts = [float(p) for p in text.split(",")]
    return parts[0] if len(parts) == 1 and "," not in text else parts


def _all_numbers(data: Any) -> bool:
    if isinstance(data, list):
        return all(_all_numbers(d) for d in data)
    return isinstance(data, int | float) and not isinstance(data, bool)


VALUES = Values()


def device_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--device",
        type=click.Choice(["cpu", "gpu", "tpu"]),
        default=None,
        help="Compute on this JAX backend (default: JAX's default); see `gradkit devices`.",
    )(f)


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def number(value: float) -> str:
    """Format a float for people: 10 significant digits, no trailing zeros."""
    return f"{value + 0.0:.10g}"  # + 0.0 turns -0.0 into 0.0


def show(value: Any) -> str:
    """Format a scalar or nested array of floats on one line: ``[6, 5]``."""
    import numpy as np

    data = np.asarray(value, dtype=np.float64).tolist()

    def walk(d: Any) -> str:
        return f"[{', '.join(walk(e) for e in d)}]" if isinstance(d, list) else number(d)

    return walk(data)


def _plain(value: Any) -> Any:
    """A JSON-ready scalar or nested list; non-finite floats become strings."""
    import numpy as np

    def walk(d: Any) -> Any:
        if isinstance(d, list):
            return [walk(e) for e in d]
        return d if math.isfinite(d) else str(d)

    return walk(np.asarray(value, dtype=np.float64).tolist())


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, allow_nan=False))


def function_arg(expr: str) -> Callable[[Any], Any]:
    """Resolve an EXPR argument: expression, registered name or module:function."""
    from ._expr import resolve_function

    return resolve_function(expr)


def _finite(value: Any, what: str, expr: str, at: Any) -> None:
    import numpy as np

    if not np.all(np.isfinite(np.asarray(value, dtype=np.float64))):
        raise InvalidInputError(
            f"{what} of {expr!r} is not finite at x={show(at)} ({show(value)}): "
            "choose a point inside the function's domain where it is differentiable"
        )


def derivative_tensor(f: Callable[[Any], Any], order: int) -> Callable[[Any], Any]:
    """Return the order-`order` derivative of f by automatic differentiation.

    Its value at x has shape ``f(x).shape + x.shape * order``: f′ for a scalar x,
    the gradient or Hessian for a scalar f of a vector, the Jacobian otherwise.
    """
    import gradkit as gk

    g = f
    for _ in range(order):
        g = gk.jacobian(g)
    return g


@click.command()
@click.argument("expr")
@click.option(
    "--at", "at", type=float, required=True, help="The point x where f′(x) is approached."
)
@click.option(
    "--h",
    "hs",
    type=VALUES,
    multiple=True,
    help="The steps h: --h 0.1,0.01 or --h 0.1 --h 0.01; default 1e-1, 1e-2, …, 1e-5.",
)
@click.option(
    "--steps",
    type=click.IntRange(1, 15),
    default=None,
    help="Use the N steps h = 1e-1, 1e-2, …, 1e-N instead of --h.",
)
@click.option(
    "--exact",
    is_flag=True,
    help="Add an error column against the derivative from automatic differentiation.",
)
@json_option
@device_option
def limit(
    expr: str, at: float, hs: tuple[Any, ...], steps: int | None, exact: bool, as_json: bool,
    device: str | None,
) -> None:  # fmt: skip
    """Tabulate (f(x+h) − f(x))/h as h shrinks toward 0 (D2L §2.4), in float64.

    EXPR is an expression in x such as '3*x**2 - 4*x', a registered function name
    (see `gradkit functions`) or module:function.
    """

    import gradkit as gk

    from ._config import float64
    from ._devices import use_device

    if hs and steps is not None:
        raise click.UsageError("give either --h (repeatable) or --steps, not both")
    hs = tuple(float(h) for values in hs for h in values.ravel())
    if steps is not None:
        hs = tuple(10.0**-k for k in range(1, steps + 1))
    f = function_arg(expr)
    with use_device(device), float64():
        exact_value = float(gk.derivative(f)(float(at))) if exact else None
        table = gk.limit_table(f, at, hs or None, exact=exact_value)
    if as_json:
        errors = table.errors or [None] * len(table.hs)
        rows = [
            {"h": h, "limit": _plain(v), **({"error": _plain(e)} if exact else {})}
            for h, v, e in zip(table.hs, table.values, errors, strict=True)
        ]
        echo_json({"expression": expr, "x": at, "exact": exact_value, "rows": rows})
        return
    click.echo(str(table))
    if exact_value is not None:
        click.echo(f"f'({number(at)}) = {number(exact_value)} (autodiff)")


def _ord(text: str | None) -> Any:
    if text is None:
        return None
    if text in ("inf", "-inf"):
        return float(text)
    try:
        value = float(text)
    except ValueError:
        return text  # 'fro', 'nuc' or a registered norm variant: gk.norm checks it
    return int(value) if value.is_integer() else value


def _axis(text: str | None) -> int | tuple[int, ...] | None:
    if text is None:
        return None
    try:
        parts = tuple(int(p) for p in text.split(","))
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an axis: give an integer (0) or two (0,1)", param_hint="--axis"
        ) from None
    return parts[0] if len(parts) == 1 else parts


@click.command()
@click.argument("values", type=VALUES)
@click.option(
    "--ord",
    "ord_",
    default=None,
    help="Which norm: a number p (1, 2, 3.5), inf, -inf, fro, nuc or a registered variant "
    "(see `gradkit norms`); default: 2-norm of vectors, Frobenius of matrices.",
)
@click.option("--axis", default=None, help="Axis (0) or pair of axes (0,1) to take the norm over.")
@click.option("--keepdims", is_flag=True, help="Keep the reduced axes with size 1.")
@json_option
@device_option
def norm(
    values: Any, ord_: str | None, axis: str | None, keepdims: bool, as_json: bool,
    device: str | None,
) -> None:  # fmt: skip
    """Compute the norm of VALUES (D2L §2.3): 3,-4,0 or a JSON nested list.

    A VALUES starting with '-' needs '--' before it: gradkit norm -- -3,4
    """
    import jax.numpy as jnp
    import numpy as np

    import gradkit as gk

    from ._config import float64
    from ._devices import use_device

    p, ax = _ord(ord_), _axis(axis)
    with use_device(device), float64():
        result = np.asarray(gk.norm(jnp.asarray(values), ord=p, axis=ax, keepdims=keepdims))
    if as_json:
        echo_json({"values": _plain(values), "ord": ord_, "axis": ax, "norm": _plain(result)})
    else:
        click.echo(show(result))


@click.command()
@json_option
def devices(as_json: bool) -> None:
    """List the JAX backends (cpu, gpu, tpu), whether each is present, and its devices."""
    from rich.console import Console
    from rich.table import Table, box

    from ._devices import backends

    found = backends()
    if as_json:
        echo_json(
            [
                {"backend": b.name, "available": b.available, "default": b.default,
                 "devices": list(b.devices)}
                for b in found
            ]
        )  # fmt: skip
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("backend", "status", "devices"):
        table.add_column(column)
    for b in found:
        status = ("default" if b.default else "present") if b.available else "absent"
        table.add_row(b.name, status, ", ".join(b.devices) or "-")
    Console(highlight=False, soft_wrap=False).print(table)
