"""Rich display in Jupyter: results as HTML and Markdown tables.

The reports gradkit returns (`LimitTable`, `GradCheckReport`, the contract
reports) print as text; in a notebook they define ``_repr_html_`` and
``_repr_markdown_`` with these helpers, so they show as tables. Every cell is
escaped: a report may quote a function's or a plugin's own text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence


def html_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return an HTML table with a caption, a header row and one row per entry."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def markdown_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return a bold caption and a Markdown pipe table."""

    def cell(text: object) -> str:
        return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")

    lines = [
        f"**{cell(caption)}**",
        "",
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"


class RichTable:
    """A mixin: a class with ``_table() -> (caption, headers, rows)`` shows as a table."""

    def _table(self) -> tuple[str, list[str], list[list[str]]]:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return html_table(*self._table())

    def _repr_markdown_(self) -> str:
        return markdown_table(*self._table())
