"""Jupyter shows gradkit's reports as tables (HTML, Markdown) and graphs as inline SVG."""

from __future__ import annotations

import jax.numpy as jnp

import gradkit as gk
from gradkit.testing import check_function, check_norm


def test_limit_table_as_html_and_markdown() -> None:
    table = gk.limit_table(lambda x: 3 * x**2 - 4 * x, 1.0, [0.1, 1e-7], exact=2.0)
    assert table._repr_markdown_() == (
        "**difference quotients (f(x + h) − f(x))/h at x = 1**\n"
        "\n"
        "| h | numerical limit | error |\n"
        "|---|---|---|\n"
        "| 0.10000 | 2.30000 | 3.00000e-01 |\n"
        "| 0.0000001 | 2.0000003 | 2.98708e-07 |\n"
    )
    html = table._repr_html_()
    assert html.startswith("<table><caption>difference quotients (f(x + h) − f(x))/h at x = 1")
    assert "<th>h</th><th>numerical limit</th><th>error</th>" in html
    assert "<tr><td>0.0000001</td><td>2.0000003</td><td>2.98708e-07</td></tr>" in html


def test_grad_check_report_says_what_it_compared() -> None:
    report = gk.check_grad(gk.functions["log-sin"], 1.3)
    markdown = report._repr_markdown_()
    assert markdown.startswith(
        "**check_grad(log-sin): passed (rtol=1e-06, atol=1e-08); directional derivatives "
        "along random directions, autodiff against finite differences**"
    )
    assert "| mode | order | autodiff | numerical | max abs error | max rel error |  |" in markdown
    assert markdown.count("| ok |") == 2
    assert "<td>fwd</td><td>1</td>" in report._repr_html_()


def test_contract_reports_as_tables() -> None:
    report = check_norm(gk.norms.get("l1"), examples=5, raise_on_failure=False)
    html = report._repr_html_()
    assert html.startswith("<table><caption>norm &#x27;l1&#x27;: ")
    assert "<td>triangle inequality</td><td>PASS</td>" in html
    contract = check_function("quadratic", samples=2, raise_on_failure=False)
    assert "| function | quadratic | jit | PASS |  |" in contract._repr_markdown_()


def test_cells_are_escaped() -> None:
    from gradkit._rich import html_table, markdown_table

    assert "<td>&lt;script&gt;</td>" in html_table("c", ["a"], [["<script>"]])
    assert "| a \\| b |" in markdown_table("c", ["x"], [["a | b"]])


def test_graph_shows_inline_as_svg() -> None:
    graph = gk.graph(jnp.sin, 1.0)
    assert graph._repr_html_().startswith("<svg")
    assert "<svg" in graph._repr_svg_()
    assert graph._repr_markdown_().startswith("**dependency graph**: 1 operations, 2 edges")
