"""gk.graph and `gradkit graph`: the DOT text must be the jaxpr, node for node."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from click.testing import CliRunner

import gradkit as gk
from gradkit._cli import cli

SOURCE = "log(x**2)*sin(x) + 1/x"
NODE = re.compile(r'^  (\w+) \[label="((?:[^"\\]|\\.)*)", (.*)\];$', re.MULTILINE)
EDGE = re.compile(r"^  (\w+) -> (\w+)(?: \[label=\"(\w+)\", fontsize=9\])?;$", re.MULTILINE)


def parse_dot(dot: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Read the nodes (id -> label) and edges back from DOT text, independently of gradkit."""
    assert dot.startswith("digraph gradkit {\n") and dot.endswith("}\n")
    nodes = {m.group(1): m.group(2).replace("\\n", "\n") for m in NODE.finditer(dot)}
    edges = [(a, b) for a, b, _ in EDGE.findall(dot)]
    body = [line for line in dot.splitlines()[1:-1] if "->" in line or "[label=" in line]
    assert len(body) == len(nodes) + len(edges), "a line of the DOT text was not understood"
    return nodes, edges


def expected_structure(
    jaxpr: jax.extend.core.ClosedJaxpr,
) -> tuple[list[str], set[tuple[str, ...]]]:
    """Primitives in order, and data-flow edges as (producer, consumer) descriptions."""
    inner = jaxpr.jaxpr
    made_by: dict[object, str] = {v: f"input {i}" for i, v in enumerate(inner.invars)}
    flows: set[tuple[str, ...]] = set()
    for k, eqn in enumerate(inner.eqns):
        for v in eqn.invars:
            source = f"literal {v.val}" if hasattr(v, "val") else made_by[v]
            flows.add((source, f"op {k} {eqn.primitive.name}"))
        for v in eqn.outvars:
            made_by[v] = f"op {k} {eqn.primitive.name}"
    for i, v in enumerate(inner.outvars):
        flows.add((made_by[v], f"output {i}"))
    return [e.primitive.name for e in inner.eqns], flows


def describe(node_id: str, label: str) -> str:
    kind = re.match(r"[a-z]+", node_id).group(0)  # type: ignore[union-attr]
    number = node_id[len(kind) :]
    return {
        "in": f"input {number}",
        "op": f"op {number} {label.split()[0]}",
        "lit": f"literal {label}",
        "out": f"output {number}",
    }[kind]


@pytest.mark.parametrize("grad", [False, True])
def test_dot_nodes_and_edges_match_the_jaxpr(grad: bool) -> None:
    f = gk.parse_expression(SOURCE)
    result = gk.graph(f, 2.0, grad=grad, detail=True)
    traced = jax.make_jaxpr(jax.value_and_grad(f) if grad else f)(2.0)
    primitives, flows = expected_structure(traced)

    nodes, edges = parse_dot(str(result))
    ops = sorted((k for k in nodes if k.startswith("op")), key=lambda k: int(k[2:]))
    assert [nodes[k].split()[0] for k in ops] == primitives
    assert {(describe(a, nodes[a]), describe(b, nodes[b])) for a, b in edges} == flows
    assert len(edges) == sum(len(e.invars) for e in traced.jaxpr.eqns) + len(traced.jaxpr.outvars)
    outputs = [nodes[k] for k in nodes if k.startswith("out")]
    assert outputs == (["f(x)", "∂f/∂x"] if grad else ["f(x)"])


def test_the_forward_graph_is_the_books_picture() -> None:
    result = gk.graph(gk.parse_expression(SOURCE), 2.0)
    assert [n.primitive for n in result.nodes if n.kind == "op"] == [
        "integer_pow", "log", "sin", "mul", "div", "add",
    ]  # fmt: skip
    # labelled as the book labels it: no primitive names, no dtypes
    assert [n.label for n in result.nodes] == ["x", "x²", "log", "sin", "×", "÷", "1", "+", "f(x)"]
    assert ("in0", "op2") in result.edges and ("op5", "out0") in result.edges
    marks = dict(zip(result.edges, result.edge_labels, strict=True))
    assert marks[("lit0", "op4")] == "numerator" and marks[("in0", "op4")] == "denominator"
    assert '  lit0 -> op4 [label="numerator", fontsize=9];' in result.dot
    assert '  in0 -> op4 [label="denominator", fontsize=9];' in result.dot
    assert "f32" not in result.dot and "integer_pow" not in result.dot


def test_detail_shows_primitives_and_types() -> None:
    result = gk.graph(gk.parse_expression(SOURCE), 2.0, detail=True)
    labels = {n.id: n.label for n in result.nodes}
    assert labels["in0"] == "x\nf32[]"
    assert labels["op0"] == "integer_pow y=2\nf32[]"
    assert labels["lit0"] == "1.0"
    assert set(result.edge_labels) == {""}


@pytest.mark.parametrize(
    ("f", "labels", "marks"),
    [
        (
            lambda x: x - jnp.exp(x),
            ["x", "exp", "−"],
            {("in0", "op1"): "", ("op0", "op1"): "subtracted"},
        ),
        (lambda x: jnp.sin(x) ** 3 + x**-1, ["x", "sin", "(·)³", "x⁻¹", "+"], {}),
        (lambda x: x / x, ["x", "÷"], {}),
    ],
)  # fmt: skip
def test_book_labels_and_operand_marks(
    f: object, labels: list[str], marks: dict[tuple[str, str], str]
) -> None:
    result = gk.graph(f, 2.0)
    assert [n.label for n in result.nodes if n.kind in ("input", "op")] == labels
    pairs = list(zip(result.edges, result.edge_labels, strict=True))
    for edge, mark in marks.items():
        assert (edge, mark) in pairs
    if labels[-1] == "÷":  # x / x: both operands come from x, and both are marked
        assert [m for (_, b), m in pairs if b == "op0"] == ["numerator", "denominator"]


def test_grad_marks_the_backward_pass() -> None:
    result = gk.graph(lambda x: x**2, 3.0, grad=True)
    phases = [(n.primitive, n.phase) for n in result.nodes if n.kind == "op"]
    assert phases == [("integer_pow", "forward"), ("mul", "backward"), ("mul", "backward")]
    assert 'fillcolor="#fee2e2"' in result.dot


def test_vector_functions_several_arguments_and_names() -> None:
    def f(w, b):
        return jnp.sum(w * 2.0) + b

    result = gk.graph(f, jnp.ones(3), 1.0, detail=True)
    labels = [n.label for n in result.nodes if n.kind == "input"]
    assert labels == ["w\nf32[3]", "b\nf32[]"]
    reduce = next(n for n in result.nodes if n.primitive == "reduce_sum")
    assert reduce.label.startswith("reduce_sum axes=(0,)")


def test_nested_calls_are_one_node() -> None:
    f = lambda x: jax.nn.relu(x) + jnp.linalg.norm(x)  # noqa: E731
    result = gk.graph(f, jnp.ones(2), detail=True)
    names = [n.label.splitlines()[0] for n in result.nodes if n.kind == "op"]
    assert names == ["custom_jvp_call: relu", "jit: norm", "add"]
    book = [n.label for n in gk.graph(f, jnp.ones(2)).nodes if n.kind == "op"]
    assert book == ["relu", "norm", "+"]


def test_repr_and_str() -> None:
    result = gk.graph(lambda x: x * 2.0, 1.0)
    assert repr(result) == "<gradkit.Graph: 1 operations, 3 edges; print() it for DOT>"
    assert str(result) == result.dot


def test_graph_errors() -> None:
    with pytest.raises(gk.InvalidInputError, match=r"graph needs example arguments to trace with"):
        gk.graph(jnp.sin)
    with pytest.raises(
        gk.NotDifferentiableError, match=r"graph\(\.\.\., grad=True\) needs f to return a scalar"
    ):
        gk.graph(jnp.sin, jnp.ones(2), grad=True)
    with pytest.raises(
        gk.InvalidInputError, match=r"cannot write a graph to 'g\.txt': use a \.dot"
    ):
        gk.graph(jnp.sin, 1.0).save("g.txt")


@pytest.fixture
def no_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture
def fake_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `dot` that records its arguments and answers with a tiny SVG."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    log = tmp_path / "dot-args.txt"
    script = bin_dir / "dot"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{log}"\n'
        f'cat > "{log}.stdin"\n'
        "echo '<svg xmlns=\"http://www.w3.org/2000/svg\"><text>ok</text></svg>'\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return log


def test_without_graphviz_matplotlib_draws_the_picture(no_graphviz: None, tmp_path: Path) -> None:
    result = gk.graph(gk.parse_expression(SOURCE), 2.0)
    assert result.renderer() == "matplotlib"
    svg = result._repr_svg_()
    assert svg is not None and "<svg" in svg
    assert result._repr_html_() == svg[svg.index("<svg") :]
    png = result.save(tmp_path / "g.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    pixels = __import__("matplotlib.image").image.imread(tmp_path / "g.png")[..., :3]
    assert np.any(pixels < 0.5, axis=-1).sum() > 2000  # boxes, labels and arrows were drawn
    assert result.save(tmp_path / "g.pdf").read_bytes().startswith(b"%PDF-")


def test_the_matplotlib_layout_is_layered_and_routes_long_edges_around_nodes() -> None:
    from gradkit._graph_draw import layers

    result = gk.graph(gk.parse_expression(SOURCE), 2.0)
    place, waypoints = layers(result)
    for (a, b), chain in zip(result.edges, waypoints, strict=True):
        assert place[a][0] < place[b][0]  # every edge points right
        assert [k for k, _ in chain] == list(range(place[a][0] + 1, place[b][0]))
        occupied = {(layer, y) for layer, y in place.values()}
        assert not any(point in occupied for point in chain)  # never through a node
    assert place["out0"][0] == max(layer for layer, _ in place.values())


def test_without_graphviz_or_matplotlib_the_error_says_how_to_get_either(
    no_graphviz: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(gk.GradkitError, match=r"needs Graphviz's `dot` program or matplotlib"):
        gk.graph(jnp.sin, 1.0).svg()


def test_with_graphviz_svg_is_rendered_by_dot(fake_graphviz: Path, tmp_path: Path) -> None:
    result = gk.graph(jnp.sin, 1.0)
    assert result._repr_svg_().startswith("<svg")
    out = result.save(tmp_path / "g.svg")
    assert out.read_text().startswith("<svg")
    assert fake_graphviz.read_text().strip() == "-Tsvg"
    assert Path(f"{fake_graphviz}.stdin").read_text() == result.dot


def test_a_failing_graphviz_is_an_error_but_not_in_jupyter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "broken-bin"
    bin_dir.mkdir()
    script = bin_dir / "dot"
    script.write_text("#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    result = gk.graph(jnp.sin, 1.0)
    with pytest.raises(
        gk.GradkitError, match=r"Graphviz `dot -Tpng` failed \(exit 3\): syntax error in line 1"
    ):
        result.png()
    assert result._repr_svg_() is None


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="gradkit")
    return result.exit_code, result.output


def test_cli_graph_prints_dot_for_the_book_example() -> None:
    status, output = invoke("graph", SOURCE, "--detail")
    assert status == 0
    nodes, edges = parse_dot(output)
    assert [nodes[f"op{k}"].split()[0] for k in range(6)] == [
        "integer_pow", "log", "sin", "mul", "div", "add",
    ]  # fmt: skip
    assert nodes["in0"] == "x\nf64[]"  # the command traces in float64
    assert len(edges) == 10


def test_cli_graph_writes_dot_and_vectors_get_ones(tmp_path: Path) -> None:
    out = tmp_path / "g.dot"
    assert invoke("graph", "3*x[0]**2 + 5*exp(x[1])", "--grad", "--detail", "-o", str(out)) == (
        0,
        f"wrote {out}\n",
    )
    nodes, _ = parse_dot(out.read_text())
    assert nodes["in0"] == "x\nf64[2]"
    assert nodes["out1"] == "∂f/∂x"


def test_cli_graph_png_without_graphviz_is_drawn_with_matplotlib(
    no_graphviz: None, tmp_path: Path
) -> None:
    out = tmp_path / "g.png"
    status, output = invoke("graph", "x**2", "-o", str(out))
    assert (status, output) == (
        0,
        f"wrote {out} (drawn with matplotlib: Graphviz's `dot` is not installed)\n",
    )
    assert out.read_bytes().startswith(b"\x89PNG")


def test_cli_graph_detail() -> None:
    nodes, _ = parse_dot(invoke("graph", SOURCE)[1])
    assert nodes["op0"] == "x²" and nodes["in0"] == "x"
    nodes, _ = parse_dot(invoke("graph", SOURCE, "--detail")[1])
    assert nodes["op0"] == "integer_pow y=2\nf64[]"


def test_cli_graph_png_with_graphviz(fake_graphviz: Path, tmp_path: Path) -> None:
    status, output = invoke("graph", "x**2", "-o", str(tmp_path / "g.png"))
    assert (status, output) == (0, f"wrote {tmp_path / 'g.png'}\n")
    assert fake_graphviz.read_text().strip() == "-Tpng"


def test_cli_graph_traces_a_registered_function_at_its_samplers_shape() -> None:
    status, output = invoke("graph", "dot2", "--detail")
    assert status == 0, output
    nodes, _ = parse_dot(output)
    assert nodes["in0"].endswith("\nf64[4]")
