"""Read a submission from disk into the files its sandboxed worker will run.

A submission is one of:

- a ``.py`` file: run as ``submission.py``;
- a directory: its ``solutions.py`` if there is one (the directory's other
  top-level ``.py`` files are importable from it) and it is more than the
  handout's stubs, else its notebook (its only ``.ipynb``, or
  ``solutions.ipynb``) with those files beside it, else
  all its top-level ``.py`` files, run in name order into one namespace;
- a Jupyter notebook (``.ipynb``): its code cells in order, as one file that
  the worker runs cell by cell, as Run All does (a failing cell stops it).
  IPython magics (``%matplotlib inline``, ``%%time`` cells) and shell escapes
  (``!pip install ...``) are not Python: those lines are dropped, with a note.
  A ``%%writefile helpers.py`` cell becomes a file of the submission, which
  the notebook can import. A cell tagged ``raises-exception`` may raise and
  the next cells still run.

The grader only reads these files (never imports them), and only regular
files inside the submission: a symbolic link is followed only when it
resolves inside the submission's own directory; FIFOs, devices and sockets
are refused without being read. Every file is opened with ``O_NOFOLLOW`` and
``O_NONBLOCK`` and checked with ``fstat`` on the open descriptor (no
time-of-check race), and sizes are checked *before* reading (`InputLimits`).
A file that cannot be read this way becomes a submission with an ``error``,
graded 0 with that reason; the other submissions are not affected.
"""

from __future__ import annotations

import ast
import codeop
import dataclasses
import importlib.util
import json
import os
import posixpath
import re
import shlex
import stat
import tokenize
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

from .._sandboxed import HISTORY_START, cell_marker
from ._source import found_outside, is_stub

MAX_BYTES = 5 << 20
MAX_SUBMISSION_BYTES = 20 << 20
MAX_FILES = 100
MAIN = "submission.py"


@dataclasses.dataclass(frozen=True)
class InputLimits:
    """How much of a submission the grader reads (``--max-file-bytes``, ...).

    Attributes:
        file_bytes: the largest file read (a ``.py`` file or a notebook).
        submission_bytes: the most bytes read for one submission (all its files).
        files: the most ``.py`` files of a directory submission.
    """

    file_bytes: int = MAX_BYTES
    submission_bytes: int = MAX_SUBMISSION_BYTES
    files: int = MAX_FILES


class _Refused(Exception):
    """A file of the submission is not read; the message says why."""


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
    # a directory's notebook (``hw2.ipynb``): the name its code runs under, cell by cell
    notebook: str | None = None


def _broken(path: str, why: str) -> Submission:
    return Submission(path, {}, (), "", error=why)


def load_submission(path: str | Path, limits: InputLimits | None = None) -> Submission:
    """Read the submission at ``path`` (a ``.py`` file, a directory or an ``.ipynb``).

    Never raises for a bad submission: the returned `Submission` carries an
    ``error`` saying why it could not be read.
    """
    shown = str(path)
    limits = limits or InputLimits()
    path = Path(path)
    try:
        given = path.lstat()
        own = path.absolute().parent.resolve()
        if stat.S_ISLNK(given.st_mode):
            target = _inside(path, own, path.name)
            given = target.lstat()
        if stat.S_ISDIR(given.st_mode):
            return _directory(shown, path.resolve(), limits)
        if path.suffix not in (".py", ".ipynb"):
            return _broken(shown, "not a .py file, a directory or an .ipynb notebook")
        data = _read(path, path.name, own, min(limits.file_bytes, limits.submission_bytes))
        if path.suffix == ".py":
            text = python_text(data)
            unwrapped = exported_magics(text)
            if unwrapped is None:
                return Submission(shown, {MAIN: data}, (MAIN,), text)
            note = (
                "a notebook saved as a script: its get_ipython().run_cell_magic('time', ...) "
                "cells run as the code they hold (line numbers count that code)"
            )
            return Submission(shown, {MAIN: unwrapped.encode()}, (MAIN,), unwrapped, (note,))
        # utf-8-sig: a notebook saved with a BOM (some Windows editors) is still JSON
        return _notebook(shown, data.decode("utf-8-sig"), limits, own)
    except _Refused as error:
        return _broken(shown, str(error))
    except (OSError, UnicodeDecodeError) as error:
        return _broken(shown, f"cannot read the submission: {_why(error)}")


def exported_magics(text: str) -> str | None:
    """A notebook saved as a script (``jupyter nbconvert --to script``, Colab's "Download
    .py") with its Python-running magics put back as the code they run, or None if it has
    none (or does not parse).

    The export writes a ``%%time`` cell as ``get_ipython().run_cell_magic('time', '',
    "<the cell>")`` and ``%time x = f()`` as ``get_ipython().run_line_magic('time', 'x =
    f()')``: IPython runs that code, and its definitions are the notebook's. Each such
    top-level statement becomes its code (a ``%%timeit``'s setup line first), so that
    the grader runs it and the rules read it; other magics stay as they are (the
    worker's ``get_ipython()`` does nothing).
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines = text.splitlines()
    replaced = False
    for node in reversed(tree.body):
        code = _magic_code(node)
        if code is None or not _compiles(code.splitlines()):
            continue
        start, end = node.lineno - 1, node.end_lineno or node.lineno
        lines[start:end] = code.splitlines() or [""]
        replaced = True
    return "\n".join(lines) + "\n" if replaced else None


def _magic_code(node: ast.stmt) -> str | None:
    """The code an exported ``get_ipython().run_cell_magic(...)`` statement runs, or None."""
    if not (isinstance(node, ast.Expr) and isinstance(call := node.value, ast.Call)):
        return None
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "get_ipython"
        and not call.keywords
        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
    ):
        return None
    args = [a.value for a in call.args]  # type: ignore[attr-defined]
    if func.attr == "run_cell_magic" and len(args) == 3 and args[0] in _PYTHON_CELL_MAGICS:
        setup = _TIMEIT_SETUP.fullmatch(f"%%timeit {args[1]}") if args[0] == "timeit" else None
        return (f"{setup[1]}\n" if setup else "") + args[2]
    if func.attr == "run_line_magic" and len(args) == 2 and args[0] in ("time", "prun"):
        timed = _TIMED_STATEMENT.fullmatch(f"%{args[0]} {args[1]}")
        return timed[2] if timed else None
    return None


def python_text(data: bytes) -> str:
    """A Python file's text, decoded as the interpreter decodes it when it runs the file.

    A UTF-8 BOM (Notepad and other Windows editors write one) or a ``# -*- coding: ... -*-``
    line is honoured, and newlines are made ``\\n``, so that the source rules parse exactly
    what the worker runs. Bytes that are not valid in the declared encoding are replaced
    (running the file then fails with Python's own message, which the report shows).
    """
    try:
        return importlib.util.decode_source(data)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return data.decode("utf-8", "replace")


def _why(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def _inside(link: Path, root: Path, name: str) -> Path:
    """The target of the symbolic link ``link``, refused unless it lies inside ``root``."""
    target = Path(os.path.realpath(link))
    if not target.is_relative_to(root):
        raise _Refused(
            f"{name} is a symbolic link to {os.readlink(link)!r}, outside the submission's "
            "directory: the grader reads only files inside the submission; copy the file in"
        )
    if not os.path.lexists(target) or not target.exists():
        raise _Refused(f"{name} is a symbolic link to {os.readlink(link)!r}, which does not exist")
    return target


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file or a directory is, or None."""
    for test, what in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "not a regular file"


def _read(path: Path, name: str, root: Path, limit: int, room: str = "") -> bytes:
    """Read the regular file ``path`` (at most ``limit`` bytes), never following a link out.

    ``room`` says what the limit is, for the message (the per-file limit by default).
    """
    room = room or f"the limit is {limit:,}"
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        path = _inside(path, root, name)
        info = path.lstat()
    what = _kind(info.st_mode)
    if what is not None:
        raise _Refused(f"{name} is {what}: only regular files are read")
    if info.st_size > limit:
        raise _Refused(f"{name} is {info.st_size:,} bytes; {room}")
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise _Refused(f"{name} changed while it was being read; grade it again")
        what = _kind(opened.st_mode)
        if what is not None:
            raise _Refused(f"{name} is {what}: only regular files are read")
        if opened.st_size > limit:
            raise _Refused(f"{name} is {opened.st_size:,} bytes; {room}")
        chunks = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _Refused(f"{name} grew while it was read; {room}")
    return data


def _left_out(names: Iterable[str], own: Path | None = None) -> list[str]:
    """The module files of ``names`` named like a module Python finds outside the submission.

    The worker imports a submission's module from its working directory only
    when no module of that name is imported yet, and JAX, numpy and gradkit
    always are: a ``jax.py`` beside ``solutions.py`` never runs, but the "must
    not use" rules would read it as the ``jax`` that ``jax.grad`` names. So a
    module named like one of the standard library's or an installed package's
    (``own``, the submission's folder, left out of the search) is left out of
    the submission: its imports then find the real module, both when graded
    and for the rules.
    """
    return [n for n in names if found_outside(n.removesuffix(".py"), (own,) if own else ())]


def _empty_notebook(path: Path) -> bool:
    """Whether the notebook at `path` has no code in it (a fresh ``Untitled.ipynb``); one
    that cannot be read is not known to be empty."""
    try:
        if path.stat().st_size > 1_000_000:
            return False
        cells = json.loads(path.read_text(encoding="utf-8-sig")).get("cells", [])
        return not any(
            "".join(c.get("source", "")).strip() for c in cells if c.get("cell_type") == "code"
        )
    except (OSError, ValueError, AttributeError, TypeError):
        return False


def _shadow_note(names: Sequence[str]) -> str:
    return (
        f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} named like a module Python "
        "has already (the standard library's or an installed one), which an import finds "
        "instead: the grader left it out; rename it, e.g. my_"
        f"{names[0]}"
    )


def _directory(shown: str, path: Path, limits: InputLimits) -> Submission:
    with os.scandir(path) as entries:
        listed = [(e.name, e.is_dir()) for e in entries]
    names = sorted(n for n, is_dir in listed if n.endswith(".py") and not is_dir)
    notebooks = sorted(n for n, is_dir in listed if n.endswith(".ipynb") and not is_dir)
    # (an `Untitled.ipynb` Jupyter left beside the work, with no code in it, is not work)
    notebooks = [n for n in notebooks if not _empty_notebook(path / n)] or notebooks
    chosen = "solutions.ipynb" if "solutions.ipynb" in notebooks else min(notebooks, default="")
    notebook = chosen if len(notebooks) == 1 or chosen == "solutions.ipynb" else ""
    if notebook and "solutions.py" not in names:
        return _directory_notebook(shown, path, limits, notebook, names)
    if not names and len(notebooks) > 1:
        return _broken(
            shown,
            f"the directory holds {len(notebooks)} notebooks ({', '.join(notebooks)}) and no "
            ".py file: name the one to grade solutions.ipynb",
        )
    if not names:
        return _broken(shown, "the directory holds no .py files")
    if len(names) > limits.files:
        return _broken(
            shown, f"the directory holds {len(names)} .py files; the limit is {limits.files}"
        )
    files = _read_all(path, names, limits, limits.submission_bytes)
    if notebook and _only_stubs(python_text(files["solutions.py"])):
        # the handout's solutions.py, untouched: the work is the notebook beside it
        sub = _directory_notebook(shown, path, limits, notebook, names)
        note = f"solutions.py holds only the handout's stubs: {notebook} is the submission"
        return dataclasses.replace(sub, notes=(note, *sub.notes))
    order = ("solutions.py",) if "solutions.py" in files else tuple(names)
    notes: tuple[str, ...] = ()
    if shadows := _left_out([n for n in files if n not in order], path):
        files = {n: data for n, data in files.items() if n not in shadows}
        notes = (_shadow_note(shadows),)
    texts = {name: python_text(data) for name, data in files.items()}
    source = "\n".join(texts[name] for name in order)
    return Submission(shown, files, order, source, notes, sources=texts)


def _read_all(path: Path, names: list[str], limits: InputLimits, left: int) -> dict[str, bytes]:
    """Read the files ``names`` of the directory ``path``, with ``left`` bytes for them all."""
    files: dict[str, bytes] = {}
    for name in names:
        room = f"the limit is {limits.file_bytes:,}"
        if left < limits.file_bytes:
            room = (
                f"with the files before it, that is over the submission's limit "
                f"of {limits.submission_bytes:,}"
            )
        data = _read(path / name, name, path, min(limits.file_bytes, left), room)
        left -= len(data)
        files[name] = data
    return files


def _only_stubs(text: str) -> bool:
    """Whether a ``solutions.py`` is the handout's, untouched: imports, answer strings and
    functions that only raise NotImplementedError (`gradkit exercises stubs`)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    return bool(defs) and all(
        is_stub(n)
        or isinstance(n, ast.Import | ast.ImportFrom)
        or (
            isinstance(n, ast.Expr | ast.Assign | ast.AnnAssign)
            and isinstance(n.value, ast.Constant)
        )
        for n in tree.body
    )


def _directory_notebook(
    shown: str, path: Path, limits: InputLimits, notebook: str, names: list[str]
) -> Submission:
    """A directory whose work is a notebook (its only one, or ``solutions.ipynb``), with
    modules beside it that the notebook imports (``from helpers import step``)."""
    data = _read(path / notebook, notebook, path, min(limits.file_bytes, limits.submission_bytes))
    modules = frozenset(n.removesuffix(".py") for n in names if n not in _MAIN_NAMES)
    sub = _notebook(shown, data.decode("utf-8-sig"), limits, path, modules)
    if sub.error is not None:
        return sub
    # a module a %%writefile cell writes replaces the file of that name, as in IPython
    beside = [n for n in names if n not in sub.files and n not in _MAIN_NAMES]
    if len(sub.files) + len(beside) > limits.files:
        return _broken(
            shown,
            f"the directory holds {len(beside)} .py files beside {notebook}; the limit is "
            f"{limits.files - len(sub.files)}",
        )
    notes = list(sub.notes)
    if shadows := _left_out(beside, path):
        beside = [n for n in beside if n not in shadows]
        notes.append(_shadow_note(shadows))
    files = {**sub.files, **_read_all(path, beside, limits, limits.submission_bytes - len(data))}
    texts = {"solutions.py": sub.source, **(sub.sources or {})}
    texts.update({n: python_text(files[n]) for n in beside})
    if beside:
        notes.append(f"{notebook} is the submission; {', '.join(beside)} beside it may be imported")
    return Submission(
        shown, files, sub.order, sub.source, tuple(notes), sources=texts, notebook=notebook
    )


def unique_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths naming a file already named (``a.py``, ``./a.py``, ``/abs/a.py``).

    Identity is the device and inode the path resolves to (its real path when
    it cannot be resolved), so hard and symbolic links to one file count once.
    The first spelling is kept.
    """
    seen: set[object] = set()
    kept = []
    for path in paths:
        try:
            info = os.stat(path)
            key: object = (info.st_dev, info.st_ino)
        except OSError:
            key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


# IPython-only lines: magics and shell escapes (`%time f(x)`, `!ls`), their
# assignments (`files = !ls`, `t = %timeit -o f(x)`) and help (`f?`, `jnp.sin??`, `?f`)
_IPYTHON_LINE = re.compile(r"\s*(?:[%!?]|[\w.]+\s*\?\??\s*$|[\w.,\s]+=\s*[%!])")


# cell magics whose cell body IPython runs as ordinary Python
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})


def notebook_code(text: str) -> tuple[str, int]:
    """Return a notebook's code cells as one script and the number of IPython lines dropped.

    See `_read_notebook`, which also returns the files its ``%%writefile`` cells write.
    """
    code, dropped, _, _ = _read_notebook(text)
    return code, dropped


# what a `%%writefile` cell may write: a module the notebook can import, beside it
_MODULE_FILE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")
# `%time table = f(x)`: a line magic that runs its statement in the notebook's names
_TIMED_STATEMENT = re.compile(r"(\s*)%(?:time|prun)\s+([^-\s].*)")
# `%%timeit -n 10 -r 3 SETUP`: the options, then setup code run before the cell
_TIMEIT_SETUP = re.compile(r"%%timeit(?:\s+-[nrp]\s*\S+|\s+-[tcqo])*\s+([^-\s].*)")
# `%run helpers.py` (`./helpers.py`): run a module's code into the notebook's names
_RUN_MODULE = re.compile(
    r"%run(?:\s+-[a-z]+)*\s+(?:\./)?([A-Za-z_][A-Za-z0-9_]*)(?:\.py)?(?:\s+[^#]*)?(?:#.*)?"
)
# the names the notebook's own code has: in the worker, and for the "must not use" rules
_MAIN_NAMES = frozenset({MAIN, "solutions.py"})


def _writefile(line: str) -> tuple[str, bool] | None:
    """``%%writefile [-a] NAME``: the file NAME and whether it appends; None if not that."""
    try:
        words = shlex.split(line.lstrip()[2:])
    except ValueError:  # an unclosed quote
        return None
    if words[:1] not in (["writefile"], ["file"]) or len(words) < 2:
        return None
    options = words[1:-1]
    if any(o not in ("-a", "--append") for o in options):
        return None
    # `./helpers.py`, and Colab's `/content/helpers.py` (its working directory): beside it
    name = posixpath.normpath(words[-1]).removeprefix("/content/")
    return name, bool(options)


def _read_notebook(
    text: str, modules: frozenset[str] = frozenset()
) -> tuple[str, int, dict[str, str], list[str]]:
    """A notebook's code as one script, the IPython lines dropped, its written files.

    Cells are joined in order, each after its marker line (``# %% code cell 3``,
    see `gradkit._sandboxed.place`), so that a line of the script is found again
    as a cell and a line in it. IPython magics and shell escapes are blanked
    (a ``%%`` cell magic drops its whole cell, except those that run the cell
    as Python, such as ``%%time``: only their first line is blanked; ``%time STATEMENT``
    and ``%prun STATEMENT`` keep their statement, which IPython runs). A cell
    tagged ``raises-exception`` (Jupyter's tag for a cell left raising on
    purpose, which nbclient and *Run All* step over) runs inside ``try:`` /
    ``except Exception:``, on the lines it already has (`_may_raise`).

    A ``%%writefile NAME`` cell (``-a``: appending) writes its text to NAME, as
    IPython does, when NAME is a module beside the notebook (``helpers.py``):
    returned as ``{NAME: text}``, the files as the last cell left them. Any
    other ``%%writefile`` is named in the returned list (``"code cell 3 writes
    data/x.csv"``): the grader does not write it.
    """
    import nbformat

    with warnings.catch_warnings():
        # a notebook from an older nbformat lacks cell ids: not the student's fault
        warnings.simplefilter("ignore")
        notebook = nbformat.reads(text, as_version=4)
    # (number, its Python, raises-exception, execution count)
    cells: list[tuple[int, list[str], bool, int | None]] = []
    dropped = 0
    files: dict[str, str] = {}
    unwritten: list[str] = []  # "code cell 3 writes data/x.csv"
    code_cells = [cell for cell in notebook.cells if cell.get("cell_type") == "code"]
    bound = _bound_names("\n".join(str(c.get("source", "")) for c in code_cells))
    for number, cell in enumerate(code_cells, start=1):
        lines = [_automagic(line, bound) for line in str(cell.get("source", "")).splitlines()]
        captured = None
        shows_nothing = False  # `%%capture` and `%%timeit` cells show no value
        if lines and lines[0].lstrip().startswith("%%"):
            magic = lines[0].lstrip()[2:].split()
            if magic[:1] in (["writefile"], ["file"]):  # `%%file`: IPython's other name
                written = _writefile(lines[0])
                name = written[0] if written else magic[-1]
                if written and _MODULE_FILE.fullmatch(name) and name not in _MAIN_NAMES:
                    body = "".join(f"{line}\n" for line in lines[1:])  # IPython ends it so
                    files[name] = files.get(name, "") + body if written[1] else body
                    continue
                if len(magic) >= 2:
                    unwritten.append(f"code cell {number} writes {name}")
            if not magic or magic[0] not in _PYTHON_CELL_MAGICS:
                dropped += len(lines)
                continue
            dropped += 1  # `%%time`: the rest of the cell is Python, and runs
            shows_nothing = magic[0] in ("capture", "timeit")
            named = [w for w in magic[1:] if not w.startswith("-")]
            if magic[0] == "capture" and named and named[0].isidentifier():
                # `%%capture log` (`%%capture log --no-stderr`): `log` holds what it printed
                captured = named[0]
            setup = _TIMEIT_SETUP.fullmatch(lines[0].strip()) if magic[0] == "timeit" else None
            # `%%timeit x = jnp.ones(9)`: the rest of its line is setup code the cell uses
            first = setup[1] if setup and _compiles([setup[1]]) else ""
            lines = [first, *lines[1:]]
        python, passes, blanked = [], [], []  # blanked: `%time x = f()` left out, too
        for line in lines:
            indent = line[: len(line) - len(line.lstrip())]
            ran = None if indent else _RUN_MODULE.fullmatch(line.rstrip())
            timed = _TIMED_STATEMENT.fullmatch(line.rstrip())
            if ran and (f"{ran[1]}.py" in files or ran[1] in modules):
                # `%run helpers.py` of a module a `%%writefile` cell wrote, or one beside
                # the notebook (`modules`): its names, here
                python.append(f"{indent}from {ran[1]} import *")
                passes.append(python[-1])
                blanked.append(python[-1])
            elif (output := _kept_output(line)) is not None:
                # `t = %timeit -o f(x)`, `lines = !cmd`: what IPython binds the name to
                dropped += 1
                python.append(output)
                passes.append(output)
                blanked.append(output)
            elif timed and _compiles([timed[2]]):
                # `%time table = f(x)`: IPython runs the statement, and `table` is defined
                dropped += 1
                python.append(f"{timed[1]}{timed[2]}")
                passes.append(python[-1])
                blanked.append("")
            elif _IPYTHON_LINE.match(line) and not _continues(python):
                dropped += 1
                python.append("")
                passes.append(f"{indent}pass")
                blanked.append("")
            else:
                python.append(line)
                passes.append(line)
                blanked.append(line)
        if not _compiles(python):
            # `if IN_COLAB:` / `    !pip install ...`: the block keeps a body; a timed
            # statement that does not fit where it is written is left out
            python = next((v for v in (passes, blanked) if _compiles(v)), python)
        if captured is not None:
            # an empty capture: the grader shows no output (IPython's own class, or the
            # worker's stand-in for it)
            python += [_CAPTURED_IO, f"{captured} = _gk_CapturedIO(None, None)"]
        tags = cell.get("metadata", {}).get("tags", ())
        # the output history's key: the saved execution count; none for a cell IPython
        # keeps no output of (`%%capture`, `%%timeit`)
        count = None if shows_nothing else cell.get("execution_count") or number
        cells.append((number, python, "raises-exception" in tags, count))
    history = _output_history(cells)
    kept: list[str] = []
    if history:  # IPython starts them so
        kept.append(HISTORY_START)
    for number, python, raises, count in cells:
        if history and count is not None:
            python = _keep_last_output(python, count)
        wrapped = _may_raise(python) if raises else None
        if wrapped is None:
            kept += [cell_marker(number), *python, ""]
        else:
            kept += [f"try:  {cell_marker(number)}", *wrapped, "except Exception:  pass"]
    return "\n".join(kept), dropped, files, unwritten


_CAPTURED_IO = "from IPython.utils.capture import CapturedIO as _gk_CapturedIO"


_HISTORY = frozenset({"_", "__", "___", "Out", "_oh"})
_NUMBERED = re.compile(r"_[1-9][0-9]{0,5}")  # `_5`: the output of the cell run fifth


def _output_history(cells: list[tuple[int, list[str], bool, int | None]]) -> bool:
    """Whether a notebook reads IPython's output history (``_``, ``__``, ``___``, ``_5``,
    ``Out[n]``, ``_oh``) outside a function that binds that name itself (``_, b =
    ...`` in a function is its own)."""
    for _, python, _, _ in cells:
        try:
            tree = ast.parse("\n".join(python))
        except SyntaxError:
            continue
        if _reads_history(tree, frozenset()):
            return True
    return False


def _reads_history(node: ast.AST, local: frozenset[str]) -> bool:
    """Whether `node` reads a history name that is not in `local` (bound in a function or
    comprehension around it)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        args = node.args
        bound = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        bound |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        body = node.body if isinstance(node.body, list) else [node.body]
        todo: list[ast.AST] = list(body)
        declared: set[str] = set()
        while todo:  # what the function itself binds (not what its nested ones do)
            sub = todo.pop()
            if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                bound.add(sub.id)
            elif isinstance(sub, ast.Global | ast.Nonlocal):
                declared.update(sub.names)
            elif isinstance(sub, ast.ExceptHandler) and sub.name:
                bound.add(sub.name)
            if not isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.extend(ast.iter_child_nodes(sub))
        inner = (local | bound) - declared
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        return any(_reads_history(d, local) for d in defaults) or any(
            _reads_history(b, inner) for b in body
        )
    if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        targets = {
            t.id
            for generator in node.generators
            for t in ast.walk(generator.target)
            if isinstance(t, ast.Name)
        }
        return any(_reads_history(c, local | targets) for c in ast.iter_child_nodes(node))
    if (
        isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and (node.id in _HISTORY or _NUMBERED.fullmatch(node.id))
    ):
        return node.id not in local
    return any(_reads_history(c, local) for c in ast.iter_child_nodes(node))


def _keep_last_output(python: list[str], count: int) -> list[str]:
    """A cell whose last statement is an expression shows its value, and IPython keeps it
    (not None, nor silenced by a ``;``) as ``Out[n]`` and ``_n``, n the cell's
    execution count, and as ``_``, the one before as ``__`` and the one before that as
    ``___`` while the notebook has not bound one of these itself: so does this."""
    try:
        body = ast.parse("\n".join(python)).body
    except SyntaxError:
        return python
    last = body[-1] if body else None
    if (
        not isinstance(last, ast.Expr)
        or last.col_offset != 0
        or last.end_lineno is None
        or last.end_col_offset is None
        # `x + 1;  # silenced`: what follows the expression on its line
        or python[last.end_lineno - 1].encode()[last.end_col_offset :].decode().lstrip()[:1] == ";"
    ):
        return python
    first = last.lineno - 1
    shown = [*python[:first], f"_gk_shown = {python[first]}", *python[first + 1 :]]
    cache = (
        "_gk_up = _ is _gk_h0 and __ is _gk_h1 and ___ is _gk_h2; "
        "_gk_h2, _gk_h1, _gk_h0 = _gk_h1, _gk_h0, _gk_shown; "
        f"_gk_Out[{count}] = _{count} = _gk_shown"
    )
    return [
        *shown,
        f"if _gk_shown is not None: {cache}",
        "if _gk_shown is not None and _gk_up: ___, __, _ = _gk_h2, _gk_h1, _gk_h0",
    ]


# line magics IPython runs without their `%` (automagic, on by default) when no name of
# the notebook's hides them: `pip install -q gradkit`, `pwd`, `who`
_AUTOMAGIC = frozenset(
    "pip conda mamba cd pwd ls ll who whos who_ls env set_env matplotlib load_ext "
    "reload_ext unload_ext reset reset_selective history hist lsmagic magic config "
    "precision xmode cat mkdir rmdir rm mv cp man less more alias unalias bookmark dhist "
    "dirs pushd popd pylab colors automagic doctest_mode pdb tb store sx sc time timeit "
    "prun run page pinfo pinfo2 psearch pdef pdoc pfile".split()
)
_FIRST_WORD = re.compile(r"([A-Za-z_]\w*)(?:\s+(\S.*))?")


def _bound_names(code: str) -> set[str]:
    """The names a notebook's code may bind (roughly: what a magic's name could be)."""
    found = set(re.findall(r"\b(?:def|class|as|import|for|global|nonlocal)\s+(\w+)", code))
    found |= set(re.findall(r"(?m)^\s*(\w+)\s*(?::[^=\n]*)?=(?!=)", code))
    found |= set(re.findall(r"\b(\w+)\s*:=", code))
    return found


def _automagic(line: str, bound: set[str]) -> str:
    """`line` with the `%` IPython's automagic adds, where it is a line magic written
    without one: its name, at the start of the line, is one of `_AUTOMAGIC` and no name
    of the notebook's (`pwd = ...`), and it is not Python (``pip install -q gradkit``)
    or is that name alone (``pwd``)."""
    word = _FIRST_WORD.fullmatch(line.rstrip())
    if word is None or word[1] not in _AUTOMAGIC or word[1] in bound:
        return line
    if word[2] is None or not _compiles([line]):
        return "%" + line
    return line


# `t = %timeit -o -n 20 -r 3 f(x)`, `lines = !pip show jax`
_ASSIGNED_MAGIC = re.compile(r"([A-Za-z_]\w*)\s*=\s*(?:%timeit((?:\s+-\w(?:\s*\d+)?)*)\s+(.+)|!.*)")


def _kept_output(line: str) -> str | None:
    """The Python for a line binding a magic's output at the top level: a stand-in for
    IPython's own class (`gradkit._sandboxed._ipython`), with the statement timed once, or
    no lines of output; None for any other line."""
    found = _ASSIGNED_MAGIC.fullmatch(line.rstrip())
    if found is None:
        return None
    name, options, statement = found.groups()
    if options is None and statement is None:
        return f"from IPython.utils.text import SList as _gk_SList; {name} = _gk_SList()"
    if "-o" not in (options or "").split() or not _compiles([statement]):
        return None
    # (run once and timed so: the grader does not spend a loop's time on it)
    return (
        "from IPython.core.magics.execution import TimeitResult as _gk_TimeitResult; "
        f"import time as _gk_time; _gk_t0 = _gk_time.perf_counter(); {statement}; "
        f"{name} = _gk_TimeitResult(1, 1, [_gk_time.perf_counter() - _gk_t0])"
    )


def _continues(lines: list[str]) -> bool:
    """Whether the next line continues the statement `lines` leave open (a bracket, a
    backslash, a triple-quoted string): ``!= b`` or ``% args`` there is Python, not
    IPython (Black breaks long lines before an operator)."""
    last = lines[-1].split("#", 1)[0].rstrip() if lines else ""
    if not last or last.endswith(":"):
        return False  # (`if IN_COLAB:` then `    !pip install ...`: a block's first line)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return codeop.compile_command("\n".join(lines), "<cell>", "exec") is None
    except (SyntaxError, ValueError, OverflowError):
        return False


def _compiles(lines: list[str]) -> bool:
    """Whether a cell's lines are Python that compiles (``await`` at the top, as IPython
    allows, included)."""
    try:
        compile("\n".join(lines), "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except (SyntaxError, ValueError):
        return False
    return True


def _may_raise(lines: list[str]) -> list[str] | None:
    """A cell's lines indented one level (a tab) to run inside ``try:``, or None.

    Lines that continue a string (a triple-quoted one) keep their text, so the
    string's value is unchanged; a cell with no statement, or that Python cannot
    read, is left as it is (its error is then reported as usual).
    """
    try:
        tokens = list(tokenize.generate_tokens(iter(f"{line}\n" for line in lines).__next__))
    except (tokenize.TokenError, SyntaxError):
        return None
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER}
    if all(token.type in skip | {tokenize.INDENT, tokenize.DEDENT} for token in tokens):
        return None
    inside = {row for t in tokens for row in range(t.start[0] + 1, t.end[0] + 1)}
    return [line if row in inside else f"\t{line}" for row, line in enumerate(lines, start=1)]


def _notebook(
    shown: str,
    text: str,
    limits: InputLimits,
    own: Path | None = None,
    modules: frozenset[str] = frozenset(),
) -> Submission:
    try:
        code, dropped, written, unwritten = _read_notebook(text, modules)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for bad JSON
        return _broken(shown, f"not a readable notebook ({type(error).__name__})")
    if len(written) >= limits.files:  # the notebook's own code is one file too
        return _broken(
            shown,
            f"the notebook writes {len(written)} files with %%writefile; "
            f"the limit is {limits.files - 1}",
        )
    notes = [f"notebook: dropped {dropped} IPython magic/shell line(s)"] if dropped else []
    if shadows := _left_out(written, own):
        written = {n: body for n, body in written.items() if n not in shadows}
        notes.append(_shadow_note(shadows))
    if written:
        notes.append(
            f"notebook: its %%writefile cells wrote {', '.join(sorted(written))}, "
            "which the grader put beside it before its first cell ran"
        )
    if unwritten:
        notes.append(
            f"{', '.join(unwritten)} with %%writefile, which the grader does not write (only a "
            "module beside the notebook, such as helpers.py, other than solutions.py and "
            "submission.py): put that code in a cell instead"
        )
    files = {MAIN: code.encode(), **{name: body.encode() for name, body in written.items()}}
    # the "must not use" rules read the notebook as the main file, its modules beside it
    sources = {"solutions.py": code, **written} if written else {}
    return Submission(shown, files, (MAIN,), code, tuple(notes), sources=sources)
