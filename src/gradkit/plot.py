"""The book's plotting helpers (d2l's ``plot``, ``set_figsize``, …) and its pictures.

``from gradkit import plot as d2l`` is a drop-in for the helpers *Dive into Deep
Learning* defines in §2.4: `use_svg_display`, `set_figsize`, `set_axes`, `plot`
and ``plt`` (matplotlib's ``pyplot``) have the book's signatures and draw where
the book's do, on pyplot's current axes (or on ``axes=``), so ``plt.savefig``,
``plt.show()`` and Jupyter's inline display see the picture. Unlike the book's,
`plot` also returns the figure it drew on, for scripts.

The two picture helpers draw the book's figures: a function beside its
derivative (§2.5 ex. 4), and a function with its tangent line (§2.4).

matplotlib is an optional dependency: ``pip install 'gradkit[plot]'``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from ._errors import GradkitError, InvalidInputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "function_and_derivative",
    "plot",
    "plot_function",
    "set_axes",
    "set_figsize",
    "tangent_line",
    "use_svg_display",
]

DEFAULT_FMTS = ("-", "m--", "g-.", "r:")


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise GradkitError(
            "gradkit.plot needs matplotlib, which is not installed: pip install 'gradkit[plot]'"
        ) from None
    return matplotlib


def _pyplot() -> Any:
    _matplotlib()
    import matplotlib.pyplot

    return matplotlib.pyplot


def __getattr__(name: str) -> Any:
    # `d2l.plt` is pyplot, imported on first use so that `import gradkit.plot` stays light
    if name == "plt":
        return _pyplot()
    raise AttributeError(f"module 'gradkit.plot' has no attribute {name!r}")


def use_svg_display() -> None:
    """Use SVG for figures shown in Jupyter and as the default ``savefig`` format.

    SVG stays sharp at any zoom. In Jupyter this sets the inline backend's
    format, as d2l does; outside Jupyter it only changes ``savefig.format``
    (a file name's suffix still wins: ``plt.savefig("f.png")`` writes PNG).
    """
    matplotlib = _matplotlib()
    matplotlib.rcParams["savefig.format"] = "svg"
    try:
        from matplotlib_inline import backend_inline  # pyright: ignore[reportMissingImports]
    except ImportError:  # not in Jupyter: nothing else to configure
        return
    backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Set the size in inches of new figures (d2l's ``set_figsize``) and use SVG."""
    use_svg_display()
    _matplotlib().rcParams["figure.figsize"] = figsize


def set_axes(
    axes: Axes,
    xlabel: str | None,
    ylabel: str | None,
    xlim: tuple[float, float] | None,
    ylim: tuple[float, float] | None,
    xscale: str,
    yscale: str,
    legend: Sequence[str] | None,
) -> None:
    """Set the labels, limits, scales, legend and grid of `axes` (d2l's ``set_axes``)."""
    axes.set_xlabel(xlabel or "")
    axes.set_ylabel(ylabel or "")
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    if legend:
        axes.legend(list(legend))
    axes.grid(True)


def _has_one_axis(X: Any) -> bool:
    return (hasattr(X, "ndim") and X.ndim == 1) or (
        isinstance(X, list | tuple) and len(X) > 0 and not hasattr(X[0], "__len__")
    )


def plot(
    X: Any,
    Y: Any = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: Sequence[str] | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    fmts: Sequence[str] = DEFAULT_FMTS,
    figsize: tuple[float, float] = (3.5, 2.5),
    axes: Axes | None = None,
) -> Figure:
    """Plot data points (d2l's ``plot``): curves with axis labels, a legend and a grid.

    As in the book, it calls ``set_figsize(figsize)`` and draws on `axes`, or on
    pyplot's current axes (``plt.gca()``), which it clears first; so
    ``plt.savefig(...)``, ``plt.show()`` and Jupyter's inline display show the
    picture. In Jupyter a cell that ends with ``plot(...)`` shows it once.

    Args:
        X: the x values, shared by every curve, or one sequence per curve. If `Y`
            is None, `X` holds the y values and x is the index.
        Y: the y values: one array, or a list of arrays (one curve each).
        xlabel, ylabel: axis labels.
        legend: one label per curve.
        xlim, ylim: axis limits (default: fitted to the data).
        xscale, yscale: ``"linear"`` or ``"log"``.
        fmts: matplotlib format strings, used in turn (cycled past four curves).
        figsize: the size in inches of a figure pyplot creates for this plot
            (as in the book, it becomes the default for new figures).
        axes: draw on these axes instead of pyplot's current axes.

    Returns:
        The figure drawn on.

    Raises:
        InvalidInputError: the numbers of x and y sequences do not match.
    """
    set_figsize(figsize)
    if _has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        if len(X) != 1:
            raise InvalidInputError(
                f"plot got {len(X)} x sequences for {len(Y)} y sequences; give one x for all "
                "curves or one per curve"
            )
        X = list(X) * len(Y)
    if axes is None:
        axes = cast("Axes", _pyplot().gca())
    axes.cla()
    for i, (x, y) in enumerate(zip(X, Y, strict=True)):
        fmt = fmts[i % len(fmts)]
        if len(x):
            axes.plot(_numpy(x), _numpy(y), fmt)
        else:
            axes.plot(_numpy(y), fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    figure = axes.get_figure()
    assert figure is not None
    _show_once_in_jupyter(figure)
    return figure  # type: ignore[return-value]


def _show_once_in_jupyter(figure: Any) -> None:
    """Keep Jupyter from showing a pyplot figure twice when a cell returns it.

    The inline backend shows every open pyplot figure at the end of the cell;
    IPython would show the returned figure too. While pyplot holds the figure,
    its ``_ipython_display_`` hook shows nothing (pyplot will); once pyplot has
    closed it (a later ``display(fig)``), it shows the figure as SVG.
    """

    def _ipython_display_() -> None:
        import io

        from matplotlib import pyplot

        manager = figure.canvas.manager
        if manager is not None and pyplot.fignum_exists(manager.num):
            return
        try:
            from IPython.display import SVG, display  # pyright: ignore[reportMissingImports]
        except ImportError:
            return
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg")
        display(SVG(buffer.getvalue()))

    figure._ipython_display_ = _ipython_display_


def _numpy(values: Any) -> Any:
    import numpy as np

    return np.asarray(values)


def _evaluate(f: Callable[[Any], Any], xs: Any) -> tuple[Any, Any, Any]:
    """Return xs, f(xs) and f′(xs) in float64, as NumPy arrays."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    import gradkit as gk

    from ._config import float64

    with float64():
        x = jnp.asarray(np.asarray(xs, dtype=np.float64))
        if x.ndim != 1 or x.size == 0:
            raise InvalidInputError(
                f"xs must be a non-empty 1-D sequence of x values, got shape {tuple(x.shape)}"
            )
        y = jax.vmap(f)(x)
        if y.shape != x.shape:
            raise InvalidInputError(
                f"f must map a scalar to a scalar; f(x) has shape {tuple(y.shape[1:])}"
            )
        dy = gk.derivative(f)(x)
        return np.asarray(x), np.asarray(y), np.asarray(dy)


def _robust_ylim(*curves: Any) -> tuple[float, float] | None:
    """Return y-limits that leave out a pole's spike, or None when the data are tame.

    Near a pole (``1/x`` at 0) a few values are orders of magnitude larger than the
    rest and would flatten the picture; the limits then span the 2nd to 98th
    percentile of the finite values, with a margin.
    """
    import numpy as np

    values = np.concatenate([np.ravel(c) for c in curves])
    values = values[np.isfinite(values)]
    if values.size < 10:
        return None
    lo, hi = np.percentile(values, [2, 98])
    span = max(hi - lo, 1e-12)
    if values.min() >= lo - span and values.max() <= hi + span:
        return None
    return float(lo - 0.1 * span), float(hi + 0.1 * span)


def plot_function(
    f: Callable[[Any], Any],
    xs: Any,
    *,
    derivative: bool = False,
    tangent_at: float | None = None,
    xlabel: str = "x",
    ylabel: str | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> Figure:
    """Plot f over `xs`, optionally with its derivative and its tangent line at a point.

    f′ comes from `gradkit.derivative` (autodiff), evaluated in float64. The tangent at x0 is
    ``t(x) = f(x0) + f′(x0)·(x − x0)``, drawn with a dot at the point of contact.
    When a pole makes a few values huge (``1/x`` near 0) and `ylim` is not
    given, the y-limits leave the spike out.

    Args:
        f: a scalar JAX function of a scalar.
        xs: the x values (1-D).
        derivative: also draw f′.
        tangent_at: also draw the tangent line at this x.
        xlabel, ylabel: the axis labels.
        title: a title above the axes.
        **kwargs: passed on to `plot` (``figsize``, ``ylim``, ``fmts``, ``axes``, …).

    Raises:
        InvalidInputError: `xs` is not 1-D and non-empty, f is not a scalar
            function, or f or f′ is not finite at `tangent_at`.
    """
    import numpy as np

    x, y, dy = _evaluate(f, xs)
    curves, legend = [y], ["f(x)"]
    if derivative:
        curves.append(dy)
        legend.append("f'(x)")
    point = None  # the tangent's point of contact
    if tangent_at is not None:
        (x0,), (y0,), (slope,) = _evaluate(f, [tangent_at])
        point = ([x0], [y0])
        if not (np.isfinite(y0) and np.isfinite(slope)):
            raise InvalidInputError(
                f"f or its derivative is not finite at x0={tangent_at!r} (f={y0}, f'={slope}); "
                "choose a point where f is differentiable"
            )
        curves.append(y0 + slope * (x - x0))
        legend.append(f"Tangent line (x={tangent_at:g})")
    kwargs.setdefault("ylim", _robust_ylim(*curves))
    figure = plot(x, curves, xlabel=xlabel, ylabel=ylabel, legend=legend, **kwargs)
    axes = kwargs.get("axes") or _pyplot().gca()
    if point is not None:
        axes.plot(*point, "ko", markersize=4)
    if title:
        axes.set_title(title)
    return figure


def function_and_derivative(f: Callable[[Any], Any], xs: Any, **kwargs: Any) -> Figure:
    """Plot f and its derivative f′ (from automatic differentiation) over `xs`.

    This is D2L §2.5 ex. 4: for ``f = jnp.sin`` the second curve is the
    cosine. Keyword arguments go to `plot_function` and on to `plot`.

    >>> import jax.numpy as jnp, numpy as np
    >>> fig = function_and_derivative(jnp.sin, np.linspace(-np.pi, np.pi, 50))
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    ['f(x)', "f'(x)"]
    """
    return plot_function(f, xs, derivative=True, **kwargs)


def tangent_line(f: Callable[[Any], Any], x0: float, xs: Any, **kwargs: Any) -> Figure:
    """Plot f over `xs` with its tangent line at `x0`, and mark the point of contact.

    This is the picture of D2L §2.4 (``3x² − 4x`` at 1) and its ex. 6
    (``x³ − 1/x`` at 1). Keyword arguments go to `plot_function` and `plot`;
    the y-axis is labelled ``f(x)`` unless `ylabel` says otherwise.
    """
    kwargs.setdefault("ylabel", "f(x)")
    return plot_function(f, xs, tangent_at=x0, **kwargs)
