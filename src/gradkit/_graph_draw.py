"""Draw a dependency `Graph` with matplotlib, for machines without Graphviz.

The layout is layered, as Graphviz's ``dot`` lays out left to right: a node's
layer is the length of the longest path from an input to it, so every edge
points right; within a layer, nodes are ordered by the mean position of their
predecessors (the barycentre heuristic), which keeps most edges from crossing.
Boxes, colours and edge marks (``numerator``/``denominator``) are those of the
DOT text.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ._errors import GradkitError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ._graph import Graph

_X_STEP = 1.7  # inches between layers
_Y_STEP = 0.85  # inches between nodes of one layer


def layers(graph: Graph) -> tuple[dict[str, tuple[int, float]], list[list[tuple[int, float]]]]:
    """Lay the graph out in layers.

    Returns:
        Each node's (layer, position in the layer), and for each edge the points
        its line passes through between its ends: an edge that spans several layers
        gets a waypoint in each layer between, placed like a node, so that it goes
        around the nodes there instead of through them.
    """
    ids = [node.id for node in graph.nodes]
    preds: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in graph.edges:
        preds[b].append(a)
    layer: dict[str, int] = {}

    def depth(node_id: str) -> int:
        if node_id not in layer:
            layer[node_id] = 1 + max((depth(p) for p in preds[node_id]), default=-1)
        return layer[node_id]

    for node_id in ids:
        depth(node_id)
    users: dict[str, list[int]] = {}
    for a, b in graph.edges:
        users.setdefault(a, []).append(layer[b])
    for node in graph.nodes:  # a constant sits just before the first node that uses it
        if node.kind == "literal" and node.id in users:
            layer[node.id] = max(0, min(users[node.id]) - 1)
    last = max(layer.values(), default=0)
    for node in graph.nodes:  # outputs line up on the right, as in the book
        if node.kind == "output":
            layer[node.id] = last
    # the things placed in each layer: nodes, and waypoints of the edges passing through
    slots: dict[int, list[Any]] = {k: [] for k in range(last + 1)}
    for node_id in ids:
        slots[layer[node_id]].append(node_id)
    chains: list[list[Any]] = []
    for e, (a, b) in enumerate(graph.edges):
        chain = [a, *((e, k) for k in range(layer[a] + 1, layer[b])), b]
        for k, point in zip(range(layer[a] + 1, layer[b]), chain[1:-1], strict=True):
            slots[k].append(point)
        chains.append(chain)
    before: dict[Any, list[Any]] = {}
    after: dict[Any, list[Any]] = {}
    for chain in chains:
        for u, v in zip(chain, chain[1:], strict=False):
            before.setdefault(v, []).append(u)
            after.setdefault(u, []).append(v)
    position: dict[Any, float] = {}

    def place(k: int) -> None:
        for j, item in enumerate(slots[k]):
            position[item] = j - (len(slots[k]) - 1) / 2

    def mean(items: list[Any], default: float) -> float:
        known = [position[i] for i in items if i in position]
        return sum(known) / len(known) if known else default

    for k in range(last + 1):
        place(k)
    for sweep in range(4):  # barycentre sweeps, left to right then right to left
        order = range(1, last + 1) if sweep % 2 == 0 else range(last - 1, -1, -1)
        neighbours = before if sweep % 2 == 0 else after
        for k in order:
            slots[k].sort(key=lambda item: mean(neighbours.get(item, []), position[item]))
            place(k)
    nodes = {node_id: (layer[node_id], position[node_id]) for node_id in ids}
    waypoints = [[(point[1], position[point]) for point in chain[1:-1]] for chain in chains]
    return nodes, waypoints


def draw(graph: Graph) -> Figure:
    """Draw `graph` on a new matplotlib figure (not managed by pyplot) and return it."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise GradkitError(
            "drawing a graph needs Graphviz's `dot` program or matplotlib, and neither is "
            "installed: pip install 'gradkit[plot]', or install Graphviz (`apt-get install "
            "graphviz`, `brew install graphviz`)"
        ) from None
    from ._graph import _COLOURS

    place, waypoints = layers(graph)
    points = [*place.values(), *(p for chain in waypoints for p in chain)]
    n_layers = 1 + max(layer for layer, _ in points)
    half = max(max(abs(y) for _, y in points), 0.5) + 0.5
    figure = Figure(figsize=(0.6 + _X_STEP * n_layers, _Y_STEP * 2 * half))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(-0.6, n_layers - 0.4)
    axes.set_ylim(half, -half)
    axes.axis("off")
    texts: dict[str, Any] = {}
    for node in graph.nodes:
        x, y = place[node.id]
        if node.kind == "literal":
            box = {"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none"}
        elif node.kind == "op":
            fill = _COLOURS[node.phase or "forward"]
            box = {"boxstyle": "round,pad=0.4", "facecolor": fill, "edgecolor": "#334155"}
        else:
            fill = _COLOURS[node.kind]
            box = {"boxstyle": "round4,pad=0.5", "facecolor": fill, "edgecolor": "#334155"}
        texts[node.id] = axes.text(
            x, y, node.label, ha="center", va="center", fontsize=11, bbox=box, zorder=3
        )
    labels = graph.edge_labels or ("",) * len(graph.edges)
    line = {"color": "#475569", "linewidth": 1.0}
    for (a, b), label, chain in zip(graph.edges, labels, waypoints, strict=True):
        source, target = texts[a], texts[b]
        if chain:  # the line up to the last waypoint hides under the source's box
            xs, ys = zip(place[a], *chain, strict=False)
            axes.plot(xs, ys, zorder=1, **line)
            start: dict[str, Any] = {"xytext": chain[-1], "textcoords": "data"}
        else:
            start = {"xytext": (0.5, 0.5), "textcoords": source}
        # drawn after the boxes (higher zorder), so their outlines are known and clip it
        axes.annotate(
            "",
            xy=(0.5, 0.5),
            xycoords=target,
            **start,
            arrowprops={
                "arrowstyle": "-|>",
                "mutation_scale": 12,
                "patchA": None if chain else source.get_bbox_patch(),
                "patchB": target.get_bbox_patch(),
                "shrinkA": 0 if chain else 2,
                "shrinkB": 2,
                **line,
            },
            zorder=4,
        )
        if label:
            xa, ya = chain[-1] if chain else place[a]
            xb, yb = place[b]
            axes.text(
                xb + 0.45 * (xa - xb),
                yb + 0.45 * (ya - yb) - 0.08,
                label,
                ha="center",
                va="bottom",
                fontsize=8,
                style="italic",
                color="#9a3412",
                zorder=5,
            )
    return figure


def draw_bytes(graph: Graph, fmt: str) -> bytes:
    """Draw `graph` with matplotlib and return the ``svg``, ``png`` or ``pdf`` bytes."""
    buffer = io.BytesIO()
    # no time stamp: the same graph gives the same bytes
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "gradkit"}):  # stable ids in the SVG
        draw(graph).savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    return buffer.getvalue()
