"""Where a line of the code the grader runs is, in the student's own terms.

A notebook runs as its code cells joined in order, each after a marker line
(``# %% code cell 3``, the "percent" cell format that VS Code and jupytext
read), with IPython-only lines blanked, not removed; a cell tagged
``raises-exception`` starts ``try:  # %% code cell 3`` and its lines are indented
in place, so it keeps its line numbers too. A line of the joined
code is then found again as a cell and a line in it from the text alone:
the worker, which has only the joined file, and the grader's source rules
both say ``code cell 3, line 2``.
"""

from __future__ import annotations

import ast
import re

_MARK = re.compile(r"(?:try:  )?# %% code cell ([1-9][0-9]{0,5})")


# the line before a notebook's first cell when it reads IPython's output history: the
# names IPython starts with, and the cache it compares them with (`_`, `__` and `___`
# follow the outputs only while the notebook has not bound one of them itself)
HISTORY_START = "_ = __ = ___ = _gk_h0 = _gk_h1 = _gk_h2 = ''; Out = _oh = _gk_Out = {}"


def cell_marker(number: int) -> str:
    """The line that starts a notebook's code cell ``number`` (counted from 1) in its code."""
    return f"# %% code cell {number}"


def is_cell_start(line: str) -> bool:
    """Whether ``line`` starts a notebook's code cell in its joined code."""
    return _MARK.fullmatch(line) is not None


def place(source: str, line: int) -> str:
    """``line`` of ``source`` as the student sees it: ``code cell 3, line 2``, or ``line 14``.

    Only code that starts with a cell marker is a notebook's; any other source,
    or a line outside every cell, keeps its own number.
    """
    lines = source.splitlines()
    first = 1 if lines[:1] == [HISTORY_START] else 0
    if len(lines) <= first or not _MARK.fullmatch(lines[first]) or not 1 <= line <= len(lines):
        return f"line {line}"
    for index in range(line - 1, -1, -1):
        found = _MARK.fullmatch(lines[index])
        if found:
            in_cell = line - 1 - index
            return f"code cell {found[1]}, line {in_cell}" if in_cell else f"line {line}"
    return f"line {line}"


def _guard_part(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return repr(node.value) if isinstance(node, ast.Constant) else ""


def is_main_guard(node: ast.AST) -> bool:
    """Whether ``node`` is ``if __name__ == "__main__":`` (either way round).

    Its body does not run when the grader imports the submission, whose module is
    not ``__main__``.
    """
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and sorted(map(_guard_part, (test.left, test.comparators[0]))) == ["'__main__'", "__name__"]
    )
