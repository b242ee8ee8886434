"""The picture commands: ``plot`` (d2l-style figures) and ``graph`` (jaxpr dependency graphs).

They write files (or print DOT) and report where; JAX and matplotlib are imported
inside the commands, so ``gradkit --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._cli_calculus import VALUES, VALUES_HELP, device_option, function_arg

_PLOT_SUFFIXES = (".svg", ".png", ".pdf")


@click.command()
@click.argument("expr")
@click.option("--derivative", is_flag=True, help="Also draw the derivative f′ (autodiff).")
@click.option(
    "--tangent-at", type=float, default=None, help="Also draw the tangent line at this x."
)
@click.option(
    "--range",
    "xrange",
    type=(float, float),
    default=None,
    help="The x interval A B; default -5 5, or x0-2 x0+2 with --tangent-at x0.",
)
@click.option("--points", type=click.IntRange(2, 100_000), default=401, show_default=True,
              help="How many x values to evaluate.")  # fmt: skip
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default="plot.svg",
    show_default=True,
    help="The file to write: .svg, .png or .pdf.",
)
@device_option
def plot(
    expr: str, derivative: bool, tangent_at: float | None, xrange: tuple[float, float] | None,
    points: int, output: str, device: str | None,
) -> None:  # fmt: skip
    """Plot a function of x in the style of D2L, with its derivative or a tangent line.

    EXPR is an expression in x such as 'x**3 - 1/x', a registered function name or
    module:function. Needs matplotlib: pip install 'gradkit[plot]'.
    """
    import numpy as np
    from matplotlib.figure import Figure

    from ._config import float64
    from ._devices import use_device
    from .plot import _matplotlib, plot_function

    path = Path(output)
    if path.suffix.lower() not in _PLOT_SUFFIXES:
        raise click.BadParameter(
            f"{output!r} has no .svg, .png or .pdf suffix", param_hint="'-o' / '--output'"
        )
    if xrange is None:
        xrange = (-5.0, 5.0) if tangent_at is None else (tangent_at - 2, tangent_at + 2)
    lo, hi = xrange
    if not lo < hi:
        raise click.BadParameter(
            f"the range must have A < B, got {lo:g} {hi:g}", param_hint="--range"
        )
    _matplotlib()  # says how to install it when it is missing
    axes = Figure(figsize=(5.0, 3.5), layout="constrained").add_subplot()  # not pyplot's
    with use_device(device), float64():
        figure = plot_function(
            function_arg(expr),
            np.linspace(lo, hi, points),
            derivative=derivative,
            tangent_at=tangent_at,
            title=f"f(x) = {expr}",
            axes=axes,
        )
    figure.savefig(path, dpi=150)
    click.echo(f"wrote {output}")


def _example_shape(expr: str, f: Any) -> tuple[int, ...]:
    """Return the input shape to trace `f` with when no --at is given."""
    import jax

    from ._expr import Expression
    from ._registry import functions

    if isinstance(f, Expression):
        return (f.min_size,) if f.indexed else ()
    if expr in functions and functions.get(expr).fn is f:
        # a registered function: its sampler knows the input shape it expects
        return tuple(jax.eval_shape(functions.get(expr).sampler, jax.random.key(0)).shape)
    return ()


@click.command()
@click.argument("expr")
@click.option(
    "--grad", "with_grad", is_flag=True, help="Include the backward pass (value and gradient)."
)
@click.option(
    "--at",
    "at",
    type=VALUES,
    default=None,
    help=f"The example input to trace with: {VALUES_HELP}; default 1.0, or ones for x[i].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to .dot or .gv (text), or a .png, .svg or .pdf picture (laid out by "
    "Graphviz when installed, else drawn with matplotlib); default: print the DOT text.",
)
@click.option("--detail", is_flag=True, help="Label nodes with JAX's primitive names and types.")
def graph(expr: str, with_grad: bool, at: Any, output: str | None, detail: bool) -> None:
    """Draw the dependency graph of EXPR from its jaxpr, as DOT text or a picture.

    One node per JAX primitive, labelled as the book does (x², log, sin, ÷ with
    its numerator and denominator marked), an edge for each value passed on; with
    --grad the backward pass too (red). EXPR is an expression in x such as
    'log(x**2)*sin(x) + 1/x', a registered function name or module:function.
    """
    import jax.numpy as jnp

    from ._config import float64
    from ._graph import graph as make_graph

    f = function_arg(expr)
    with float64():
        if at is None:
            at = jnp.ones(_example_shape(expr, f))
        result = make_graph(f, jnp.asarray(at, dtype=jnp.float64), grad=with_grad, detail=detail)
    if output is None:
        click.echo(result.dot, nl=False)
        return
    result.save(output)
    picture = Path(output).suffix.lower() in _PLOT_SUFFIXES
    if picture and result.renderer() == "matplotlib":
        click.echo(f"wrote {output} (drawn with matplotlib: Graphviz's `dot` is not installed)")
    else:
        click.echo(f"wrote {output}")
