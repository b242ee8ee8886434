"""Read a submission from disk into the files its sandboxed worker will run.

A submission is one of:

- a ``.py`` file: run as ``submission.py``;
- a directory: its ``solutions.py`` if there is one (the directory's other
  top-level ``.py`` files are importable from it), else all its top-level
  ``.py`` files, run in name order into one namespace;
- a Jupyter notebook (``.ipynb``): its code cells in order, as one file.
  IPython magics (``%matplotlib inline``, ``%%time`` cells) and shell escapes
  (``!pip install ...``) are not Python: those lines are dropped, with a note.

The grader only reads these files (never imports them); a file that cannot be
read becomes a submission with an ``error``, graded 0 with that reason.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

MAX_BYTES = 5 << 20
MAX_FILES = 100
MAIN = "submission.py"


@dataclasses.dataclass(frozen=True)
class Submission:
    """What the worker receives: files, the order to run them in, and notes.

    Attributes:
        path: the path as given on the command line.
        files: file name → bytes, written into the worker's working directory.
        order: the files the worker executes, in order, into one module.
        source: the executed source text (what ``Source`` requests read).
        notes: remarks for the report, e.g. dropped notebook magics.
        error: why the submission could not be read, or None.
        sources: a directory's files as text, by name (what "must not use"
            checks read, so that helpers in sibling files are seen too).
    """

    path: str
    files: dict[str, bytes]
    order: tuple[str, ...]
    source: str
    notes: tuple[str, ...] = ()
    error: str | None = None
    sources: dict[str, str] = dataclasses.field(default_factory=dict)


def _broken(path: str, why: str) -> Submission:
    return Submission(path, {}, (), "", error=why)


def load_submission(path: str | Path) -> Submission:
    """Read the submission at ``path`` (a ``.py`` file, a directory or an ``.ipynb``)."""
    shown = str(path)
    path = Path(path)
    try:
        if path.is_dir():
            return _directory(shown, path)
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _broken(shown, f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}")
        if path.suffix == ".py":
            data = path.read_bytes()
            return Submission(shown, {MAIN: data}, (MAIN,), data.decode("utf-8", "replace"))
        if path.suffix == ".ipynb":
            return _notebook(shown, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return _broken(shown, f"cannot read the submission: {error}")
    return _broken(shown, "not a .py file, a directory or an .ipynb notebook")


def _directory(shown: str, path: Path) -> Submission:
    names = sorted(p.name for p in path.glob("*.py") if p.is_file())
    if not names:
        return _broken(shown, "the directory holds no .py files")
    if len(names) > MAX_FILES:
        return _broken(
            shown, f"the directory holds {len(names)} .py files; the limit is {MAX_FILES}"
        )
    files = {name: (path / name).read_bytes() for name in names}
    if sum(map(len, files.values())) > MAX_BYTES:
        return _broken(shown, f"the .py files exceed {MAX_BYTES:,} bytes")
    order = ("solutions.py",) if "solutions.py" in files else tuple(names)
    texts = {name: data.decode("utf-8", "replace") for name, data in files.items()}
    source = "\n".join(texts[name] for name in order)
    return Submission(shown, files, order, source, sources=texts)


# IPython-only lines: magics and shell escapes (`%time f(x)`, `!ls`), their
# assignments (`files = !ls`, `t = %timeit -o f(x)`) and help (`f?`, `jnp.sin??`, `?f`)
_IPYTHON_LINE = re.compile(r"\s*(?:[%!?]|[\w.]+\s*\?\??\s*$|[\w.,\s]+=\s*[%!])")


# cell magics whose cell body IPython runs as ordinary Python
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})


def notebook_code(text: str) -> tuple[str, int]:
    """Return a notebook's code cells as one script and the number of lines dropped.

    Cells are joined in order; IPython magics and shell escapes are dropped
    (a ``%%`` cell magic drops its whole cell, except those that run the cell
    as Python, such as ``%%time``: only their first line is dropped).
    """
    import nbformat

    notebook = nbformat.reads(text, as_version=4)
    kept: list[str] = []
    dropped = 0
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        lines = str(cell.get("source", "")).splitlines()
        if lines and lines[0].lstrip().startswith("%%"):
            magic = lines[0].lstrip()[2:].split(maxsplit=1)
            if not magic or magic[0] not in _PYTHON_CELL_MAGICS:
                dropped += len(lines)
                continue
            dropped += 1  # `%%time`: the rest of the cell is Python, and runs
            lines = lines[1:]
        for line in lines:
            if _IPYTHON_LINE.match(line):
                dropped += 1
            else:
                kept.append(line)
        kept.append("")
    return "\n".join(kept), dropped


def _notebook(shown: str, text: str) -> Submission:
    try:
        code, dropped = notebook_code(text)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for bad JSON
        return _broken(shown, f"not a readable notebook ({type(error).__name__})")
    notes = (f"notebook: dropped {dropped} IPython magic/shell line(s)",) if dropped else ()
    return Submission(shown, {MAIN: code.encode()}, (MAIN,), code, notes)
