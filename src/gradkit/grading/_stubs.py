"""The student handout: a `solutions.py` and a notebook with every entry as a stub."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from ._spec import Entry, ExerciseSpec

HEADER = '''\
"""Your solutions to the gradkit exercises (D2L §2.3–2.5 and any plugins).

Replace every `raise NotImplementedError` with your code, fill in the answer
strings, then check yourself (visible checks only) with:

    {command}

Write JAX code (jax.numpy), so that the grader can jit, vmap and differentiate it.
"""
'''
IMPORTS = "import jax\nimport jax.numpy as jnp\n\nimport gradkit as gk\n"


def _comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in text.strip().splitlines())


def _entry_stub(spec: ExerciseSpec, entry: Entry) -> str:
    if entry.kind == "constant":
        if entry.signature == "str":
            return f'{entry.name}: str = ""  # {entry.doc}\n'
        return f"{entry.name}: {entry.signature} | None = None  # {entry.doc}\n"
    doc = textwrap.indent(f'"""{entry.doc}"""', "    ")
    return (
        f"def {entry.name}{entry.signature}:\n{doc}\n"
        f'    raise NotImplementedError("{spec.id}: write {entry.name}")\n'
    )


def _heading(spec: ExerciseSpec) -> str:
    if spec.kind == "written":
        points = "graded by hand"
    else:
        points = f"{spec.points:g} point{'' if spec.points == 1 else 's'}"
    return f"{spec.title} (`{spec.id}`, §{spec.section}, {points})"


def _code(spec: ExerciseSpec) -> str:
    return "\n\n".join(_entry_stub(spec, e) for e in spec.entries)


def self_check_command(path: str, assignment: str | None = None) -> str:
    """The command a student runs to check `path` on its visible checks."""
    return f"gradkit check {path}" + (f" --assignment {assignment}" if assignment else "")


def stub_source(exercises: Sequence[ExerciseSpec], assignment: str | None = None) -> str:
    """Return the text of ``solutions.py``: every prompt as comments, every entry a stub."""
    parts = [HEADER.format(command=self_check_command("solutions.py", assignment)), IMPORTS]
    for spec in exercises:
        rule = "# " + "=" * 77
        block = f"{rule}\n# {_heading(spec)}\n#\n{_comment(spec.prompt)}\n{rule}\n\n"
        parts.append(block + _code(spec))
    return "\n\n".join(p.rstrip("\n") + "\n" for p in parts)


def stub_notebook(exercises: Sequence[ExerciseSpec], assignment: str | None = None) -> str:
    """Return ``solutions.ipynb`` (nbformat 4 JSON): a Markdown and a code cell per exercise."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    intro = (
        "# gradkit exercises\n\nFill in every code cell, then check the notebook (visible "
        f"checks only) with `{self_check_command('solutions.ipynb', assignment)}`."
    )
    cells = [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_code_cell(IMPORTS.strip())]
    for spec in exercises:
        cells.append(nbformat.v4.new_markdown_cell(f"## {_heading(spec)}\n\n{spec.prompt.strip()}"))
        cells.append(nbformat.v4.new_code_cell(_code(spec).strip()))
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.validate(nb)
    return nbformat.writes(nb)
