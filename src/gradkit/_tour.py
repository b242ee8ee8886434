"""``gradkit tour``: the seed notebook (D2L §2.3–2.5) re-run through gradkit.

Every number the PyTorch notebook printed is computed again with gradkit's
functions and printed beside the notebook's value, then the book's pictures
(sin with its derivative, the tangent of x³ − 1/x at x = 1, the dependency
graph of log(x²)·sin x + 1/x) are written to a folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


def _fmt(values: object) -> str:
    import numpy as np

    return np.array2string(np.asarray(values), precision=4, separator=", ")


def _lines() -> list[tuple[str, str, bool]]:
    """Return (what, gradkit's value, whether it matches the notebook) rows."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    import gradkit as gk

    rows: list[tuple[str, str, bool]] = []

    def row(what: str, value: object, ok: bool) -> None:
        rows.append((what, value if isinstance(value, str) else _fmt(value), bool(ok)))

    f = gk.functions.get("quadratic")
    values = [float(f(x)) for x in (1.0, 2.0, 5.0)]
    row(
        "f(1), f(2), f(5) for f(x) = 3x² − 4x   [notebook: -1, 4, 55]",
        values,
        values == [-1.0, 4.0, 55.0],
    )
    table = gk.limit_table(f, 1.0)
    seed_table = [
        "h=0.10000, numerical limit=2.30000",
        "h=0.01000, numerical limit=2.03000",
        "h=0.00100, numerical limit=2.00300",
        "h=0.00010, numerical limit=2.00030",
        "h=0.00001, numerical limit=2.00003",
    ]
    row(
        "limit table of f at x = 1 (float64)   [notebook: the same five lines]",
        str(table),
        str(table).splitlines() == seed_table,
    )
    slope = float(gk.derivative(f)(1.0))
    row("f′(1) by autodiff   [exact: 2]", slope, slope == 2.0)

    x = jnp.arange(4.0)
    dot2 = gk.functions.get("dot2")
    y = float(dot2(x))
    row("y = 2xᵀx at x = arange(4.0)   [notebook: 28.]", y, y == 28.0)
    g = gk.grad(dot2)(x)
    row("gk.grad(y)(x)   [notebook: 0, 4, 8, 12]", g, bool(jnp.all(g == 4 * x)))
    ones = gk.backward(lambda x: x.sum(), x)
    row("gk.backward(sum, x)   [notebook: 1, 1, 1, 1]", ones, bool(jnp.all(ones == 1.0)))
    u = gk.detach(x * x)
    gz = gk.grad(lambda x: jnp.sum(gk.detach(x * x) * x))(x)
    row("grad of sum(detach(x·x)·x) == u   [notebook: 0, 1, 4, 9]", gz, bool(jnp.all(gz == u)))
    gy = gk.grad(lambda x: jnp.sum(x * x))(x)
    row("grad of sum(x·x) == 2x", gy, bool(jnp.all(gy == 2 * x)))

    doubling = gk.functions.get("doubling")
    a = jax.random.normal(jax.random.key(1), ())
    d = doubling(a)
    da = jax.jit(gk.grad(doubling))(a)
    row(
        f"doubling(a) at a = {float(a):.4f}: jit(grad) == d / a   [notebook: grad == d/a]",
        float(da),
        bool(jnp.allclose(da, d / a)),
    )

    v = jnp.array([3.0, -4.0, 0.0])
    norms = [float(gk.norm(v)), float(gk.norm(v, ord=1)), float(gk.norm(v, ord=jnp.inf))]
    row("‖v‖₂, ‖v‖₁, ‖v‖∞ of v = [3, -4, 0]   [notebook: 5, 7, 4]", norms, norms == [5.0, 7.0, 4.0])
    m = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    cols, rows_ = gk.norm(m, axis=0), gk.norm(m, axis=1)
    row(
        "column norms of M   [notebook: 4.1231, 5.3852, 6.7082]",
        cols,
        np.allclose(cols, [4.1231, 5.3852, 6.7082], atol=5e-5),
    )
    row(
        "row norms of M   [notebook: 3.7417, 8.7750]",
        rows_,
        np.allclose(rows_, [3.7417, 8.7750], atol=5e-5),
    )
    fro = float(gk.norm(m, ord="fro"))
    row("Frobenius norm of M   [notebook: 9.5394]", fro, abs(fro - 9.5394) < 5e-5)
    gzero = gk.grad(gk.norm)(jnp.zeros(3))
    row("gk.grad(gk.norm)(0)   [jnp.linalg.norm gives nan]", gzero, bool(jnp.all(gzero == 0)))
    return rows


def _pictures(out: Path, detail: bool) -> list[str]:
    """Write the book's pictures into `out`, each as PNG and SVG; return what was written."""
    import jax.numpy as jnp

    import gradkit as gk

    from ._config import float64

    written: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    with float64():  # the same precision as the command line
        graph = gk.graph(gk.functions.get("log-sin"), 2.0, detail=detail)
        (out / "dependency-graph.dot").write_text(str(graph), encoding="utf-8")
        written.append(str(out / "dependency-graph.dot"))
        try:
            figures = _figures(jnp, gk)
        except gk.GradkitError as error:  # matplotlib is missing: say how to get the plots
            return [*written, f"(no pictures: {error})"]
    figures["dependency-graph"] = graph.figure() if graph.renderer() == "matplotlib" else None
    for name, figure in figures.items():
        for suffix in ("png", "svg"):
            path = out / f"{name}.{suffix}"
            if figure is None:
                graph.save(path)
            else:
                figure.savefig(path, dpi=150)
            written.append(str(path))
    return written


def _renderer_note() -> str:
    from ._graph import Graph

    if Graph.renderer() == "graphviz":
        return "Open the .png files in any image viewer (the graph was laid out by Graphviz)."
    return (
        "Open the .png files in any image viewer. The graph was drawn with matplotlib, "
        "as Graphviz's `dot` program is not installed; with it, Graphviz lays the graph out."
    )


def _figures(jnp: Any, gk: Any) -> dict[str, Any]:
    """The book's plots, on figures of their own (pyplot is left alone)."""
    from matplotlib.figure import Figure

    from gradkit import plot

    def axes() -> Any:
        return Figure(figsize=(5.0, 3.5), layout="constrained").add_subplot()

    xs = jnp.linspace(-2 * jnp.pi, 2 * jnp.pi, 200)
    sin = plot.function_and_derivative(jnp.sin, xs, axes=axes(), title="sin and its derivative")
    cubic = gk.functions.get("cubic-minus-inverse")
    tangent = plot.tangent_line(
        cubic, 1.0, jnp.linspace(0.2, 2.0, 200), axes=axes(), title="x³ − 1/x and its tangent"
    )
    return {"sin-and-derivative": sin, "tangent-at-1": tangent}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("gradkit-tour"),
    show_default=True,
    help="Folder for the plots and the dependency graph.",
)
@click.option("--no-pictures", is_flag=True, help="Only print the numbers; write no files.")
@click.option(
    "--detail",
    is_flag=True,
    help="Label the dependency graph with JAX's primitive names and types.",
)
def tour(out: Path, no_pictures: bool, detail: bool) -> None:
    """Walk through the D2L notebook (§2.3–2.5) with gradkit.

    Prints each of the notebook's results computed through gradkit, with the
    notebook's own value beside it, then writes the book's pictures.
    """
    click.echo("gradkit tour: the D2L notebook (§2.3–2.5) through gradkit\n")
    from ._config import float64

    with float64():  # the same precision as the command line
        rows = _lines()
    for what, value, ok in rows:
        click.echo(f"{'ok' if ok else 'DIFFERS':>7}  {what}")
        for line in value.splitlines():
            click.echo(f"         {line}")
    failed = [what for what, _, ok in rows if not ok]
    click.echo(f"\n{len(rows) - len(failed)} of {len(rows)} results match the notebook.")
    if not no_pictures:
        click.echo("\nPictures:")
        for path in _pictures(out, detail):
            click.echo(f"  {path}" if path.startswith("(") else f"  wrote {path}")
        click.echo(_renderer_note())
    if failed:
        raise SystemExit(1)
