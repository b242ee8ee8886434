"""Dependency graphs of a computation, read from its jaxpr, as DOT text and as pictures.

D2L draws the computational graph from x to f(x) by hand; here JAX traces the
function (`jax.make_jaxpr`) and every equation of the jaxpr becomes one node,
every variable passed from one equation to another one edge. Nodes are labelled
as the book labels them (``x²``, ``log``, ``sin``, ``×``, ``÷`` with its numerator
and denominator marked); ``detail=True`` shows JAX's primitive names and types
instead. With ``grad=True`` the traced function is ``jax.value_and_grad(f)``, so
the picture shows the backward pass too, coloured apart from the forward pass.

Pictures (SVG, PNG, PDF) are rendered by Graphviz's ``dot`` when it is
installed, and otherwise drawn with matplotlib in layers (`_graph_draw`).
"""

from __future__ import annotations

import dataclasses
import inspect
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._errors import (
    GradkitError,
    InvalidInputError,
    NotDifferentiableError,
    TracedControlFlowError,
)

INSTALL_GRAPHVIZ = (
    "install Graphviz: `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS) or `conda install graphviz`"
)
_COLOURS = {"input": "#dbeafe", "output": "#dcfce7", "forward": "#f1f5f9", "backward": "#fee2e2"}
# params that say how, not what: left out of node labels
_NOISE = {
    "name", "out_sharding", "sharding", "accuracy", "weak_type", "symbolic_zeros",
    "donated_invars", "keep_unused", "num_consts", "inline", "ctx_mesh", "in_shardings",
    "out_shardings", "in_layouts", "out_layouts", "compiler_options_kvs",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Node:
    """One node of a `Graph`.

    Attributes:
        id: the DOT identifier (``in0``, ``op3``, ``lit1``, ``out0``).
        label: the text shown: the book's symbol (``x²``, ``÷``), or with
            ``detail=True`` the primitive, its parameters and output type.
        kind: ``"input"``, ``"op"``, ``"literal"`` or ``"output"``.
        primitive: the JAX primitive of an ``"op"`` node, else None.
        phase: ``"forward"`` or ``"backward"`` for an op of a ``grad=True`` graph.
    """

    id: str
    label: str
    kind: str
    primitive: str | None = None
    phase: str | None = None


@dataclasses.dataclass(frozen=True)
class Graph:
    """The dependency graph of a traced function: nodes, edges and DOT text.

    ``str(graph)`` is the DOT source. In Jupyter the graph shows inline as SVG,
    rendered by Graphviz when its ``dot`` program is installed and drawn with
    matplotlib otherwise.

    Attributes:
        nodes: the nodes, inputs first, then operations in the jaxpr's order.
        edges: (from, to) node ids, one per value passed on.
        dot: the Graphviz DOT text.
        edge_labels: one label per edge, ``""`` for none; the operands of
            ``÷`` are ``"numerator"`` and ``"denominator"``.
    """

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    dot: str
    edge_labels: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.dot

    def __repr__(self) -> str:
        ops = sum(node.kind == "op" for node in self.nodes)
        return f"<gradkit.Graph: {ops} operations, {len(self.edges)} edges; print() it for DOT>"

    def svg(self) -> str:
        """Return the picture as SVG text (Graphviz if installed, else matplotlib)."""
        return self.picture("svg").decode()

    def png(self) -> bytes:
        """Return the picture as PNG bytes (Graphviz if installed, else matplotlib)."""
        return self.picture("png")

    def picture(self, fmt: str) -> bytes:
        """Render as ``"svg"``, ``"png"`` or ``"pdf"``: with Graphviz's ``dot`` when it is
        on PATH, else drawn with matplotlib (see `renderer`).

        Raises:
            GradkitError: Graphviz failed, or neither it nor matplotlib is installed.
        """
        if shutil.which("dot"):
            return render(self.dot, fmt)
        from ._graph_draw import draw_bytes

        return draw_bytes(self, fmt)

    @staticmethod
    def renderer() -> str:
        """Which program draws pictures here: ``"graphviz"`` or ``"matplotlib"``."""
        return "graphviz" if shutil.which("dot") else "matplotlib"

    def figure(self) -> Any:
        """Draw the graph with matplotlib, in layers from inputs to outputs; return the figure."""
        from ._graph_draw import draw

        return draw(self)

    def _repr_svg_(self) -> str | None:
        # Jupyter falls back to the text repr when this returns None
        try:
            return self.svg()
        except GradkitError:
            return None

    def _repr_html_(self) -> str | None:
        svg = self._repr_svg_()  # inline SVG in HTML: without the XML prologue
        return svg[svg.find("<svg") :] if svg and "<svg" in svg else svg

    def _repr_markdown_(self) -> str:
        ops = sum(node.kind == "op" for node in self.nodes)
        return (
            f"**dependency graph**: {ops} operations, {len(self.edges)} edges\n\n"
            f"```dot\n{self.dot}```\n"
        )

    def save(self, path: str | Path) -> Path:
        """Write the graph to `path`: ``.dot``/``.gv`` as text, ``.svg``/``.png``/``.pdf`` as a
        picture (rendered by Graphviz when it is installed, else drawn with matplotlib).

        Raises:
            InvalidInputError: the suffix is none of these.
            GradkitError: rendering failed, or neither Graphviz nor matplotlib is installed.
        """
        path = Path(path)
        suffix = path.suffix.lower().lstrip(".")
        if suffix in ("dot", "gv"):
            path.write_text(self.dot, encoding="utf-8")
        elif suffix in ("svg", "png", "pdf"):
            path.write_bytes(self.picture(suffix))
        else:
            raise InvalidInputError(
                f"cannot write a graph to {str(path)!r}: use a .dot, .gv, .svg, .png or .pdf file"
            )
        return path


def render(dot: str, fmt: str) -> bytes:
    """Render DOT text with Graphviz's ``dot -T<fmt>`` and return the bytes."""
    exe = shutil.which("dot")
    if exe is None:
        raise GradkitError(
            f"writing {fmt.upper()} needs Graphviz's `dot` program, which is not on PATH: "
            f"{INSTALL_GRAPHVIZ}; or write a .dot file and render it elsewhere"
        )
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"], input=dot.encode(), capture_output=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        raise GradkitError(f"Graphviz `dot -T{fmt}` took more than 60 s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise GradkitError(f"Graphviz `dot -T{fmt}` failed (exit {done.returncode}): {message}")
    return done.stdout


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _type(var: Any) -> str:
    aval = getattr(var, "aval", None)
    short = getattr(aval, "str_short", None)
    if not callable(short):
        return str(aval)
    try:
        return str(short(short_dtypes=True))
    except TypeError:  # older JAX without the keyword
        return str(short())


def _params(eqn: Any) -> str:
    shown = []
    for key, value in eqn.params.items():
        if key in _NOISE or value is None:
            continue
        simple = isinstance(value, bool | int | float | str) or (
            isinstance(value, tuple) and all(isinstance(v, int) for v in value)
        )
        if simple and len(repr(value)) <= 24:
            shown.append(f"{key}={value}")
    name = _called_name(eqn)
    head = f"{eqn.primitive.name}: {name}" if isinstance(name, str) else eqn.primitive.name
    return " ".join([head, *shown[:2]])


def _called_name(eqn: Any) -> str | None:
    """The name of the function a call-like equation (``jit``, ``custom_jvp_call``) calls."""
    name = eqn.params.get("name")
    if name is None:  # custom_jvp_call and friends name the function they wrap
        inner = eqn.params.get("call_jaxpr") or eqn.params.get("fun_jaxpr")
        inner = getattr(inner, "jaxpr", inner)
        name = getattr(getattr(inner, "debug_info", None), "func_name", None)
    return name if isinstance(name, str) else None


def _input_names(f: Callable[..., Any], count: int, nargs: int) -> list[str]:
    try:
        names = [
            p.name
            for p in inspect.signature(f).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        names = []
    if count == nargs and len(names) >= nargs:
        return names[:nargs]
    return ["x"] if count == 1 else [f"x{i}" for i in range(count)]


def graph(
    f: Callable[..., Any], *example_args: Any, grad: bool = False, detail: bool = False
) -> Graph:
    """Trace `f` at `example_args` and return its dependency graph.

    Every equation of the jaxpr (``jax.make_jaxpr(f)(*example_args)``) becomes
    one node, labelled as the book labels it: ``x²``, ``log``, ``sin``, ``×``,
    ``+``, ``÷`` (its incoming edges marked ``numerator`` and ``denominator``).
    Inputs, literal constants and outputs are nodes too. An edge goes from the
    node that computes a value to each node that uses it. Equations that call a
    sub-computation (``jit``, ``custom_jvp_call``) are one node each, named after
    the function they call, not expanded.

    Args:
        f: a JAX function.
        *example_args: arguments to trace with; only their shapes and dtypes matter.
        grad: trace ``jax.value_and_grad(f)`` instead (gradient with respect to
            the first argument), so the graph holds the backward pass: its
            nodes have ``phase="backward"`` and are drawn red.
        detail: label nodes with JAX's primitive names, parameters and types
            (``integer_pow y=2`` and ``f32[]`` instead of ``x²``).

    Returns:
        A `Graph`; ``str()`` of it is the DOT text.

    Raises:
        InvalidInputError: `f` is not callable, no example argument was given, or
            one is not a number or array.
        NotDifferentiableError: ``grad=True`` and f does not return a scalar, or the
            first argument is not floating point.
        TracedControlFlowError: f uses Python ``if``/``while`` on its input.
    """
    import jax
    import jax.numpy as jnp

    if not callable(f):
        raise InvalidInputError(
            f"graph takes a function, got {f!r}; pass the function itself, e.g. "
            "gk.graph(f, 1.0), not gk.graph(f(x), 1.0)"
        )
    if not example_args:
        raise InvalidInputError(
            "graph needs example arguments to trace with, e.g. gk.graph(f, 1.0)"
        )
    for arg in example_args:
        for leaf in jax.tree.leaves(arg):
            if not isinstance(leaf, jax.ShapeDtypeStruct):
                try:
                    jnp.asarray(leaf)
                except (TypeError, ValueError):
                    raise InvalidInputError(
                        f"graph traces f at example arguments made of numbers or arrays, "
                        f"got {leaf!r}; pass e.g. 1.0 or jnp.ones(3)"
                    ) from None
    if grad:
        dtype = jnp.result_type(*jax.tree.leaves(example_args[0]) or [0.0])
        if not jnp.issubdtype(dtype, jnp.inexact):
            raise NotDifferentiableError(
                f"graph(..., grad=True) differentiates with respect to the first argument, "
                f"which has dtype {dtype}: pass a float, e.g. 2.0 instead of 2"
            )
    target = f
    outputs = ["f(x)"]
    if grad:
        shape = _trace(lambda: jax.eval_shape(f, *example_args))
        if getattr(shape, "shape", None) != ():
            raise NotDifferentiableError(
                f"graph(..., grad=True) needs f to return a scalar, it returns {shape!r}; "
                "graph a scalar function of it instead, such as its sum"
            )
        target = jax.value_and_grad(f)
        outputs = ["f(x)", "∂f/∂x"]
    jaxpr = _trace(lambda: jax.make_jaxpr(target)(*example_args).jaxpr)
    names = _input_names(f, len(jaxpr.invars), len(example_args))
    return _build(jaxpr, names, outputs, grad, detail)


def _trace(run: Callable[[], Any]) -> Any:
    """Run a tracing step, turning Python control flow on traced values into a gradkit error."""
    import jax

    try:
        return run()
    except jax.errors.ConcretizationTypeError as err:
        raise TracedControlFlowError(
            "graph traces f without concrete values, so f cannot use Python `if`/`while` on "
            "its input; write the branch with jnp.where or jax.lax.cond, and loops with "
            "gk.while_loop"
        ) from err


def _build(jaxpr: Any, names: list[str], outputs: list[str], grad: bool, detail: bool) -> Graph:
    nodes: list[Node] = []
    edges: list[tuple[str, str]] = []
    edge_labels: list[str] = []
    producer: dict[Any, str] = {}
    input_name: dict[Any, str] = {}
    literals = 0

    def source(var: Any) -> str:
        nonlocal literals
        if hasattr(var, "val"):  # a Literal: a constant written into the jaxpr
            literals += 1
            node_id = f"lit{literals - 1}"
            nodes.append(Node(node_id, f"{var.val}" if detail else _constant(var.val), "literal"))
            return node_id
        return producer[var]

    for i, var in enumerate(jaxpr.constvars):
        producer[var] = f"const{i}"
        nodes.append(Node(f"const{i}", f"constant\n{_type(var)}", "literal"))
    for i, (var, name) in enumerate(zip(jaxpr.invars, names, strict=True)):
        producer[var] = f"in{i}"
        input_name[var] = name
        nodes.append(Node(f"in{i}", f"{name}\n{_type(var)}" if detail else name, "input"))
    forward = _forward_equations(jaxpr) if grad else None
    for k, eqn in enumerate(jaxpr.eqns):
        node_id = f"op{k}"
        phase = None if forward is None else ("forward" if k in forward else "backward")
        if detail:
            label = f"{_params(eqn)}\n{', '.join(_type(v) for v in eqn.outvars)}"
        else:
            label = _book_label(eqn, input_name)
        nodes.append(Node(node_id, label, "op", eqn.primitive.name, phase))
        marks = _OPERAND_MARKS.get(eqn.primitive.name, ())
        for j, var in enumerate(eqn.invars):
            edges.append((source(var), node_id))
            edge_labels.append(marks[j] if j < len(marks) and not detail else "")
        for var in eqn.outvars:
            producer[var] = node_id
    for i, var in enumerate(jaxpr.outvars):
        nodes.append(Node(f"out{i}", outputs[i] if i < len(outputs) else f"out{i}", "output"))
        edges.append((source(var), f"out{i}"))
        edge_labels.append("")
    return Graph(tuple(nodes), tuple(edges), _dot(nodes, edges, edge_labels), tuple(edge_labels))


# the book's symbols for JAX primitives; others keep their primitive name
_BOOK_SYMBOLS = {
    "add": "+", "add_any": "+", "sub": "−", "mul": "×", "div": "÷", "neg": "−x",
    "dot_general": "dot", "reduce_sum": "sum", "reduce_max": "max", "reduce_min": "min",
    "max": "max", "min": "min", "sqrt": "√", "rsqrt": "1/√", "logistic": "sigmoid",
    "select_n": "where", "convert_element_type": "convert", "broadcast_in_dim": "broadcast",
    "transpose": "transpose", "pow": "power", "square": "x²",
}  # fmt: skip
# which operand is which, for operations where the order matters
_OPERAND_MARKS = {
    "div": ("numerator", "denominator"),
    "sub": ("", "subtracted"),
    "pow": ("base", "exponent"),
}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _book_label(eqn: Any, input_name: dict[Any, str]) -> str:
    """Label an equation the way the book draws it: ``x²``, ``log``, ``÷``, ``relu``."""
    name: str = eqn.primitive.name
    if name in ("integer_pow", "square"):
        power = str(eqn.params.get("y", 2)).translate(_SUPERSCRIPT)
        operand = eqn.invars[0]
        base = input_name.get(operand) if not hasattr(operand, "val") else None
        return f"{base}{power}" if base and len(base) <= 3 else f"(·){power}"
    called = _called_name(eqn)
    if called and not called.startswith("<"):
        return called
    return _BOOK_SYMBOLS.get(name, name)


def _constant(value: Any) -> str:
    import numpy as np

    array = np.asarray(value)
    if array.ndim == 0 and np.issubdtype(array.dtype, np.number):
        return f"{array.item():g}"
    return str(value)


def _forward_equations(jaxpr: Any) -> set[int]:
    """Return the indices of the equations the first output (the value) depends on."""
    made_by = {var: k for k, eqn in enumerate(jaxpr.eqns) for var in eqn.outvars}
    needed: set[int] = set()
    stack = [v for v in jaxpr.outvars[:1] if not hasattr(v, "val")]
    while stack:
        k = made_by.get(stack.pop())
        if k is None or k in needed:
            continue
        needed.add(k)
        stack.extend(v for v in jaxpr.eqns[k].invars if not hasattr(v, "val"))
    return needed


def _dot(nodes: list[Node], edges: list[tuple[str, str]], labels: list[str]) -> str:
    lines = [
        "digraph gradkit {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [color="#475569"];',
    ]
    for node in nodes:
        if node.kind == "literal":
            style = "shape=plaintext"
        elif node.kind == "op":
            fill = _COLOURS[node.phase or "forward"]
            style = f'shape=box, style="rounded,filled", fillcolor="{fill}"'
        else:
            style = f'shape=ellipse, style=filled, fillcolor="{_COLOURS[node.kind]}"'
        lines.append(f"  {node.id} [label={_quote(node.label)}, {style}];")
    for (a, b), label in zip(edges, labels, strict=True):
        mark = f" [label={_quote(label)}, fontsize=9]" if label else ""
        lines.append(f"  {a} -> {b}{mark};")
    lines.append("}")
    return "\n".join(lines) + "\n"
