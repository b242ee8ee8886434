"""gradkit.plot and `gradkit plot`: the book's pictures, checked as data and as files."""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jax.numpy as jnp
import matplotlib

matplotlib.use("Agg")  # headless: pyplot draws into memory

import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

import gradkit as gk  # noqa: E402
from gradkit import plot as gp  # noqa: E402
from gradkit._cli import cli  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_pyplot() -> object:
    """Each test starts without pyplot figures and with matplotlib's default settings."""
    plt.close("all")
    with matplotlib.rc_context():
        yield
    plt.close("all")


def ink(path: Path) -> np.ndarray:
    """The pixels of a saved PNG that are not white (RGB, 0..1)."""
    pixels = matplotlib.image.imread(path)[..., :3]
    return pixels[np.any(pixels < 0.95, axis=-1)]


def test_the_books_section_2_4_plotting_code_saves_a_picture(tmp_path: Path) -> None:
    # D2L §2.4 as printed, with only the import changed: `from d2l import torch as d2l`
    from gradkit import plot as d2l

    def f(x):
        return 3 * x**2 - 4 * x

    x = np.arange(0, 3, 0.1)
    d2l.set_figsize()
    d2l.plot(x, [f(x), 2 * x - 3], "x", "f(x)", legend=["f(x)", "Tangent line (x=1)"])
    d2l.plt.savefig(tmp_path / "tangent.png")
    plt.savefig(tmp_path / "tangent-via-pyplot.png", format="png")

    for name in ("tangent.png", "tangent-via-pyplot.png"):
        assert png_size((tmp_path / name).read_bytes()) == (350, 250)  # 3.5 x 2.5 in, 100 dpi
        drawn = ink(tmp_path / name)
        assert len(drawn) > 2000, "the picture is (nearly) blank"
        blue = np.all(np.abs(drawn - [0.12, 0.47, 0.71]) < 0.1, axis=-1)  # f(x), colour C0
        magenta = np.all(np.abs(drawn - [0.75, 0.0, 0.75]) < 0.1, axis=-1)  # 'm--' tangent
        assert blue.sum() > 100 and magenta.sum() > 50


def test_plot_draws_on_pyplots_current_axes_and_returns_its_figure() -> None:
    fig = gp.plot(np.arange(3.0), np.arange(3.0))
    assert fig is plt.gcf() and fig.axes == [plt.gca()]
    again = gp.plot(np.arange(3.0), [np.arange(3.0), np.ones(3)])
    assert again is fig and len(plt.gca().lines) == 2  # the book's plot clears and redraws
    assert gp.plt is plt


def test_a_returned_figure_shows_once_in_jupyter(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    shown: list[object] = []
    fake = types.ModuleType("IPython.display")
    fake.SVG = lambda data: ("svg", data)  # type: ignore[attr-defined]
    fake.display = shown.append  # type: ignore[attr-defined]
    fig = gp.plot(np.arange(3.0))
    ipython = types.ModuleType("IPython")
    ipython.version_info = (9, 0)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", fake)
    fig._ipython_display_()  # the inline backend shows the open figure at the end of the cell
    assert shown == []
    plt.close(fig)
    fig._ipython_display_()  # later, display(fig) shows it
    assert len(shown) == 1 and shown[0][0] == "svg" and b"<svg" in shown[0][1]


def curves(fig: matplotlib.figure.Figure) -> list[tuple[np.ndarray, np.ndarray]]:
    return [
        (np.asarray(line.get_xdata()), np.asarray(line.get_ydata())) for line in fig.axes[0].lines
    ]


def legend(fig: matplotlib.figure.Figure) -> list[str]:
    box = fig.axes[0].get_legend()
    assert box is not None
    return [text.get_text() for text in box.get_texts()]


def test_plot_is_d2ls_plot() -> None:
    x = np.arange(0, 3, 0.1)
    f = 3 * x**2 - 4 * x
    fig = gp.plot(x, [f, 2 * x - 3], "x", "f(x)", legend=["f(x)", "Tangent line (x=1)"])
    ax = fig.axes[0]
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "f(x)"
    assert legend(fig) == ["f(x)", "Tangent line (x=1)"]
    assert all(line.get_visible() for line in ax.get_xgridlines())
    (x0, y0), (x1, y1) = curves(fig)
    np.testing.assert_array_equal(x0, x)
    np.testing.assert_array_equal(y1, 2 * x - 3)
    assert [line.get_linestyle() for line in ax.lines] == ["-", "--"]
    assert ax.lines[1].get_color() == "m"


def test_plot_accepts_y_only_limits_and_scales() -> None:
    fig = gp.plot([1.0, 2.0, 4.0], xlim=(0, 3), ylim=(0.5, 5), yscale="log")
    ax = fig.axes[0]
    np.testing.assert_array_equal(curves(fig)[0][0], [0, 1, 2])
    assert ax.get_xlim() == (0, 3) and ax.get_ylim() == (0.5, 5) and ax.get_yscale() == "log"
    assert ax.get_legend() is None


def test_plot_draws_on_given_axes() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    axes = fig.add_subplot()
    assert gp.plot(np.arange(3.0), np.arange(3.0), axes=axes) is fig
    assert len(axes.lines) == 1


def test_plot_refuses_mismatched_curves() -> None:
    with pytest.raises(gk.InvalidInputError, match=r"plot got 2 x sequences for 3 y sequences"):
        gp.plot([np.arange(2.0), np.arange(2.0)], [np.arange(2.0)] * 3)


def test_set_figsize_and_use_svg_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(matplotlib.rcParams, "figure.figsize", [6.4, 4.8])
    monkeypatch.setitem(matplotlib.rcParams, "savefig.format", "png")
    gp.set_figsize((4, 3))
    assert list(matplotlib.rcParams["figure.figsize"]) == [4, 3]
    assert matplotlib.rcParams["savefig.format"] == "svg"
    assert tuple(plt.figure().get_size_inches()) == (4, 3)
    plt.close("all")
    # as in the book, plot's figsize (default 3.5 x 2.5) sizes the figure it creates
    assert tuple(gp.plot(np.arange(3.0), figsize=(4, 3)).get_size_inches()) == (4, 3)
    plt.close("all")
    assert tuple(gp.plot(np.arange(3.0)).get_size_inches()) == (3.5, 2.5)


def test_function_and_derivative_of_sin_is_cos() -> None:
    xs = np.linspace(-2 * np.pi, 2 * np.pi, 101)
    fig = gp.function_and_derivative(jnp.sin, xs)
    (x, y), (_, dy) = curves(fig)
    np.testing.assert_allclose(y, np.sin(xs), atol=1e-12)
    np.testing.assert_allclose(dy, np.cos(xs), atol=1e-12)
    assert legend(fig) == ["f(x)", "f'(x)"]


def test_tangent_line_touches_the_curve_at_x0() -> None:
    # D2L §2.4 ex. 6: x³ − 1/x at x = 1 has f(1) = 0, f′(1) = 4
    xs = np.linspace(0.2, 2.0, 91)
    fig = gp.tangent_line(lambda x: x**3 - 1 / x, 1.0, xs)
    (x, y), (_, t), (px, py) = curves(fig)
    np.testing.assert_allclose(t, 4 * (xs - 1), atol=1e-12)
    assert (px.tolist(), py.tolist()) == ([1.0], [0.0])
    i = int(np.argmin(np.abs(xs - 1.0)))
    assert abs(y[i] - t[i]) < 1e-12  # they meet at x0 ...
    assert np.all(y[np.abs(xs - 1) > 0.05] != t[np.abs(xs - 1) > 0.05])  # ... and only there
    assert legend(fig) == ["f(x)", "Tangent line (x=1)"]
    assert fig.axes[0].get_ylabel() == "f(x)"


def test_a_pole_does_not_flatten_the_picture() -> None:
    xs = np.linspace(-1, 3, 400)  # 1/x has a pole at 0, inside the range
    fig = gp.tangent_line(lambda x: x**3 - 1 / x, 1.0, xs)
    low, high = fig.axes[0].get_ylim()
    assert -40 < low < -5 and 20 < high < 40


def test_tangent_line_at_a_singular_point_is_refused() -> None:
    with pytest.raises(gk.InvalidInputError, match=r"f or its derivative is not finite at x0=0\.0"):
        gp.tangent_line(lambda x: 1 / x, 0.0, np.linspace(1, 2, 5))


@pytest.mark.parametrize(
    ("xs", "message"),
    [
        (np.zeros((2, 2)), r"xs must be a non-empty 1-D sequence of x values, got shape \(2, 2\)"),
        ([], r"xs must be a non-empty 1-D sequence of x values, got shape \(0,\)"),
    ],
)
def test_bad_xs_are_refused(xs: object, message: str) -> None:
    with pytest.raises(gk.InvalidInputError, match=message):
        gp.function_and_derivative(jnp.sin, xs)


def test_a_non_scalar_function_is_refused() -> None:
    with pytest.raises(gk.InvalidInputError, match=r"f must map a scalar to a scalar"):
        gp.plot_function(lambda x: jnp.stack([x, x]), np.linspace(0, 1, 5))


def test_missing_matplotlib_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(gk.GradkitError, match=r"pip install 'gradkit\[plot\]'"):
        gp.plot([1.0, 2.0])
    with pytest.raises(gk.GradkitError, match=r"gradkit\.plot needs matplotlib"):
        gp.use_svg_display()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), prog_name="gradkit")
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_plot_writes_a_valid_svg(tmp_path: Path) -> None:
    out = tmp_path / "sin.svg"
    assert run("plot", "sin(x)", "--derivative", "-o", str(out)) == f"wrote {out}\n"
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.get("width", "0").removesuffix("pt")) > 100
    text = out.read_text()
    assert "f(x) = sin(x)" in text  # the title (matplotlib writes text as paths with ids)


def test_cli_plot_writes_png_and_pdf(tmp_path: Path) -> None:
    png = tmp_path / "tangent.png"
    run("plot", "x**3 - 1/x", "--tangent-at", "1", "--range", "0.2", "2", "-o", str(png))
    width, height = png_size(png.read_bytes())
    assert (width, height) == (750, 525)  # 5 x 3.5 inches at 150 dpi
    pdf = tmp_path / "f.pdf"
    run("plot", "quadratic", "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_cli_plot_default_output_is_plot_svg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("plot", "x**2") == "wrote plot.svg\n"
    assert ET.parse(tmp_path / "plot.svg").getroot().tag.endswith("svg")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-o", "f.txt"],
            "Invalid value for '-o' / '--output': 'f.txt' has no .svg, .png or .pdf suffix",
        ),
        (["--range", "2", "1"], "Invalid value for --range: the range must have A < B, got 2 1"),
    ],
)
def test_cli_plot_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["plot", "x", *args], prog_name="gradkit")
    assert result.exit_code == 2
    assert message in result.output
