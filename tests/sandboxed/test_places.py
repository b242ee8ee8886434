"""A line of the code the grader runs, found again in the student's notebook."""

from __future__ import annotations

import nbformat
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit._sandboxed import cell_marker, place
from gradkit.grading._source import usage
from gradkit.grading._submission import notebook_code

IPYTHON = ("%matplotlib inline", "!pip install gradkit", "f?", "t = %time 1")
PYTHON_LINE = st.sampled_from(["x = 1", "def f(x):", "    return x", "", "# a note", "y = x % 2"])
IPYTHON_LINE = st.sampled_from(IPYTHON)


def _notebook(cells: list[list[str]]) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Homework")] + [
        nbformat.v4.new_code_cell("\n".join(lines)) for lines in cells
    ]
    return nbformat.writes(notebook)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.lists(st.one_of(PYTHON_LINE, IPYTHON_LINE), min_size=1), min_size=1))
def test_every_line_of_every_cell_is_found_again(cells: list[list[str]]):
    code, dropped = notebook_code(_notebook(cells))
    assert dropped == sum(line in IPYTHON for lines in cells for line in lines)
    joined = code.splitlines()
    seen = 0
    for number, written in enumerate(cells, start=1):
        lines = "\n".join(written).splitlines()  # as the notebook stores the cell
        start = joined.index(cell_marker(number)) + 1
        for offset, line in enumerate(lines):
            kept = joined[start + offset]
            assert kept == ("" if line in IPYTHON else line)  # blanked, not removed
            assert place(code, start + offset + 1) == f"code cell {number}, line {offset + 1}"
            seen += 1
    assert seen == sum(len("\n".join(c).splitlines()) for c in cells)


def test_a_python_file_keeps_its_own_line_numbers():
    assert place("x = 1\n# %% code cell 1\ny = 2\n", 3) == "line 3"
    assert place("# %% code cell 1\nx = 1\n", 1) == "line 1"  # the marker itself
    assert place("# %% code cell 1\nx = 1\n", 9) == "line 9"  # past the end
    assert place("", 4) == "line 4"


def test_the_source_rules_name_the_cell():
    code, _ = notebook_code(
        _notebook(
            [["import jax.numpy as jnp"], ["%%time", "", "def dsin(x):", "    return jnp.cos(x)"]]
        )
    )
    assert usage(code, "dsin").lines["cos"] == "code cell 2, line 4"


def test_a_cell_tagged_raises_exception_keeps_its_line_numbers():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("y = 2\nx / 0", metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell("z = 3"),
    ]
    code, _ = notebook_code(nbformat.writes(notebook))
    lines = code.splitlines()
    assert [place(code, lines.index(line) + 1) for line in ("\ty = 2", "\tx / 0", "z = 3")] == [
        "code cell 2, line 1",
        "code cell 2, line 2",
        "code cell 3, line 1",
    ]
    wrapped = nbformat.v4.new_notebook(cells=[notebook.cells[1]])
    code, _ = notebook_code(nbformat.writes(wrapped))
    assert place(code, 3) == "code cell 1, line 2"  # the first line itself opens the `try:`
