"""The sandboxed child that imports a submission and answers for it.

Run as ``python -I -m gradkit._sandboxed._worker FD MEMORY_MB CPU_SECONDS``
inside a sandbox (`gradkit.grading._sandbox`). It limits itself, imports JAX,
then serves requests from the grader over the socket ``FD``:

``load``      execute the submission's files into one module ``submission``
``constant``  a module-level value, if it is plain JSON data
``eager``     call an entry on public inputs and return the arrays
``export``    trace entries on the inputs' shapes (never values) and return the
              serialized StableHLO (one combined artifact per part the grader marks)

Everything the submission does is caught as ``BaseException``; if it kills
this process instead, the grader sees a closed channel. Nothing sent from here
is trusted: the grader decodes plain data only, and artifacts go to the
evaluator, which checks them.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import contextlib
import dataclasses
import functools
import importlib.abc
import importlib.machinery
import inspect
import io
import itertools
import operator
import os
import socket
import sys
import time
import traceback
import types
from typing import Any

from .._errors import GradingError
from ._channel import call_from_json, decode, encode, exit_when_closed, recv, send
from ._forks import FORKS, probe, serve_forks
from ._ipython import install as install_ipython_stand_in
from ._ipython import names as notebook_names
from ._leftovers import install as install_leftovers
from ._limits import REFUSE_ENV, apply_limits
from ._places import is_cell_start, is_main_guard, place

MESSAGE_LIMIT = 64 << 20
MODULE = "submission"


_TOOLS: dict[str, Any] = {}


def capture_tools() -> None:
    """Keep JAX's transforms and exporter before the submission can replace them.

    A submission that assigns ``jax.grad = ...`` changes the module attribute,
    not these references, so its gradient is still JAX's.
    """
    import jax
    from jax import export

    grad, jit = jax.grad, jax.jit
    _TOOLS.update(
        call=lambda g: g,
        jit=jit,
        grad=grad,
        jit_grad=lambda g: jit(grad(g)),
        vmap=jax.vmap,
        jacfwd=jax.jacfwd,
        jacrev=jax.jacrev,
        export=export.export,
        ShapeDtypeStruct=jax.ShapeDtypeStruct,
        Array=jax.Array,
        device_get=jax.device_get,
        eval_shape=jax.eval_shape,
    )


def _quiet_leftovers() -> None:
    """Make debugging leftovers harmless, before the submission is imported.

    Students leave ``print``, ``jax.debug.print``, ``jax.debug.callback`` and ``breakpoint()``
    behind. ``print`` writes to this process's output, which the grader drains and ignores; a
    traced value formatted with a spec (``f"{x:.5f}"``) shows as the tracer instead of raising,
    and its ``.tolist()`` and ``.item()`` give traced items instead of raising.
    ``breakpoint()``, ``pdb.set_trace()`` and ``jax.debug.breakpoint()`` would wait for a
    debugger on stdin: they do nothing. ``input()`` cannot be answered: it raises an
    ``EOFError`` that says what to do. JAX's debug primitives are dropped from traced code
    and its Python callbacks refused there, for good (`_leftovers`). Dropped when traced, not
    only when exported: an eager call that traces a ``jax.jit`` function caches its jaxpr,
    which a later export reuses. A notebook's ``display()`` and ``get_ipython()`` (and
    ``IPython.display`` where IPython is not installed) do nothing harmful (`_ipython`).
    """
    import pdb

    import jax
    from jax._src import core

    def nothing(*args: Any, **kwargs: Any) -> None:
        del args, kwargs

    sys.breakpointhook = nothing
    builtins.input = _no_input
    pdb.set_trace = nothing
    jax.debug.breakpoint = nothing
    # `print(f"{x:.5f}")` on a traced value: show the tracer, do not raise; `x.tolist()` and
    # `x.item()` (PyTorch's habit) give its traced items, which print and compute alike
    core.Tracer.__format__ = _format_tracer  # type: ignore[method-assign]
    core.Tracer.tolist = _tolist_tracer  # type: ignore[method-assign]
    core.Tracer.item = _item_tracer  # type: ignore[method-assign]
    install_leftovers()
    install_ipython_stand_in()


def _no_input(prompt: object = "") -> str:
    """``input()``: no one types while a submission is graded, so say what to do instead."""
    del prompt
    raise EOFError(
        "input() waits for someone to type, and no one types while your file is graded: "
        'remove the call, or put it under `if __name__ == "__main__":` '
        "(the grader imports your file and does not run that block)"
    )


def _format_tracer(tracer: Any, spec: str) -> str:
    """Format a traced value as its ``str`` whatever the format spec (it has no value yet)."""
    del spec
    return str(tracer)


def _tolist_tracer(tracer: Any) -> Any:
    """``x.tolist()`` on a traced value: nested lists of its traced items (a 0-d one is itself)."""
    if tracer.ndim == 0:
        return tracer
    return [_tolist_tracer(item) for item in tracer]


def _item_tracer(tracer: Any, *index: Any) -> Any:
    """``x.item()`` on a traced value: its one item, still traced (``x.item(i)``: the i-th)."""
    if not index:
        if tracer.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return tracer.reshape(())
    if len(index) == 1:
        return tracer.ravel()[index[0]]
    return tracer[index]


def _brief(error: BaseException) -> str:
    """One line about an exception: its type and the start of its message.

    gradkit's own errors (say, `TracedControlFlowError`) are shown whole: their
    message is written to be read, and says what to do.
    """
    from .._errors import GradkitError

    text = (error.msg if isinstance(error, SyntaxError) else str(error)).strip().splitlines()
    limit = 1000 if isinstance(error, GradkitError) else 300
    first = text[0][:limit] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def _fault(kind: str, message: str) -> dict[str, Any]:
    return {"ok": False, "kind": kind, "message": message}


def _from_exception(error: BaseException, doing: str) -> dict[str, Any]:
    if isinstance(error, NotImplementedError) and _raised_by_submission(error):
        return _fault("not-implemented", f"{doing} raised NotImplementedError (not done yet?)")
    if isinstance(error, SystemExit):
        return _fault("error", f"{doing} called sys.exit({error.code!r})")
    if isinstance(error, GradingError):  # the grader's own refusal: its message says it all
        return _fault("error", f"{doing}: {error}")
    return _fault("error", f"{doing} raised {_brief(error)}")


def _stop_line(error: BaseException, name: str, cell: str) -> int:
    """The line of a notebook's joined code where its run stopped at `error`: the line of
    the cell's top-level statement that raised (the statements wholly above it ran), or
    the cell's marker line when it did not compile (none of it ran)."""
    marker = len(cell) - len(cell.lstrip("\n")) + 1
    if isinstance(error, SyntaxError):
        return marker
    lines = [
        line
        for frame, line in traceback.walk_tb(error.__traceback__)
        if frame.f_code.co_filename == name and frame.f_code.co_name == "<module>"
    ]
    return lines[0] if lines else marker


def _run_awaiting(awaiting: Any) -> None:
    """Run a notebook cell's top-level ``await`` code to its end, as IPython's own event
    loop does (``await asyncio.sleep(0.05)`` between the frames of an animation)."""
    import asyncio

    async def cell() -> None:
        await awaiting

    asyncio.run(cell())


_FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, f).compiler_flag for f in __future__.all_feature_names)
)


def _cells(source: bytes) -> list[str]:
    """A notebook's joined code split at its cell markers, each part on its own lines.

    Each part keeps the line numbers it has in the whole (blank lines before it), so
    tracebacks and `place` name the same cell and line.
    """
    lines = source.decode("utf-8").split("\n")
    bounds = sorted({0, len(lines), *(i for i, line in enumerate(lines) if is_cell_start(line))})
    return ["\n" * a + "\n".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]


def _where(error: BaseException, shown: dict[str, Any]) -> str:
    """The student's own file and line where ``error`` arose, e.g. ``hw2.py, line 7``.

    The grader runs a single file as ``submission.py`` (identical code gives
    identical artifacts); ``shown`` maps that name back to the student's.
    """
    filename, line = None, None
    if isinstance(error, SyntaxError):
        filename, line = error.filename, error.lineno
    else:
        frames = traceback.extract_tb(error.__traceback__)
        mine = [f for f in frames if f.filename in _SUBMISSION_FILES]
        if mine:
            filename, line = mine[-1].filename, mine[-1].lineno
    if filename is None or line is None:
        return ""
    name = shown.get(filename, filename)
    if not isinstance(name, str):
        return ""
    if not name.endswith(".ipynb"):
        return f"{name}, line {line}"
    # a notebook runs as its code cells joined in order, each after a marker
    try:
        with open(filename, encoding="utf-8") as handle:
            return f"{name}, {place(handle.read(), line)}"
    except (OSError, UnicodeDecodeError):
        return f"{name}, line {line} of its code cells"


_REFUSED = "the exercises' packages are not available to submissions"


def _load_hint(error: BaseException, shown: dict[str, Any], sources: dict[str, bytes]) -> str:
    """What to do about an error that stopped the submission's import, or "".

    A module that is not installed here (``tqdm``, ``pandas``, a package folder of the
    student's, which the grader does not read), a data file beside the submission (the
    grader gives it only its code), and a name used at the top level before the line that
    defines it (a notebook's cells run in another order than they were run in).
    """
    refused = _REFUSED in str(error) or _WRITTEN in str(error)  # these say why themselves
    if isinstance(error, ModuleNotFoundError) and error.name and not refused:
        top = error.name.split(".")[0]
        return (
            f"; `{top}` is not installed where your code is graded: import only jax, numpy "
            "and the modules your course lists, and keep a module of your own as a .py file "
            "next to your main file (the grader reads those, not folders)"
        )
    if (
        isinstance(error, FileNotFoundError)
        and error.filename
        and not os.path.isabs(str(error.filename))
    ):
        return (
            f"; the grader gives your code only its .py files (and a folder's notebook), not "
            f"{error.filename!r}: compute what you need in code, or load files only under "
            '`if __name__ == "__main__":`'
        )
    if not isinstance(error, NameError) or not getattr(error, "name", None):
        return ""
    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if f.filename in _SUBMISSION_FILES
    ]
    if not frames or frames[-1].lineno is None or len(frames) > 1:
        return ""  # raised inside a function: not a question of order
    filename, line = frames[-1].filename, frames[-1].lineno
    data = sources.get(filename, b"")
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return ""
    later = [
        node.lineno
        for node in ast.walk(tree)
        if getattr(node, "lineno", 0) > line
        and (
            (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name == error.name
            )
            or (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Store)
                and node.id == error.name
            )
            or (
                isinstance(node, ast.alias)
                and (node.asname or node.name.split(".")[0]) == error.name
            )
        )
    ]
    if not later:
        return ""
    name = shown.get(filename, filename)
    text = data.decode("utf-8", "replace")
    at = place(text, min(later)) if str(name).endswith(".ipynb") else f"line {min(later)}"
    return (
        f"; `{error.name}` is defined further down ({at}): your code runs once, from top to "
        "bottom (in Jupyter, Kernel → Restart & Run All does the same): move the definition up"
    )


def _describe(
    error: BaseException, shown: dict[str, Any], sources: dict[str, bytes], doing: str
) -> str:
    """What ``error`` was, where in the student's file, and what to do about it."""
    message = _from_exception(error, doing)["message"]
    where = _where(error, shown)
    return message + (f" ({where})" if where else "") + _load_hint(error, shown, sources)


def _main_guarded(sources: dict[str, bytes], shown: dict[str, Any]) -> dict[str, str]:
    """Names bound only under a top-level ``if __name__ == "__main__":``, and where."""
    found: dict[str, str] = {}
    for filename, data in sources.items():
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        text = data.decode("utf-8", "replace")
        for node in tree.body:
            if not is_main_guard(node):
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    name, line = sub.name, sub.lineno
                elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    name, line = sub.id, sub.lineno
                else:
                    continue
                if name not in found:
                    found[name] = f"{shown.get(filename, filename)}, {place(text, line)}"
    return found


def _raised_by_submission(error: BaseException) -> bool:
    """Whether the innermost frame is the submission's (a stub), not JAX's."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename in _SUBMISSION_FILES


_SUBMISSION_FILES: set[str] = set()
_WRITTEN = "while the submission ran"  # in the error `_WrittenModules` raises


class Worker:
    """Serve one submission's requests."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.module: types.ModuleType | None = None
        self.load_fault: dict[str, Any] | None = None
        self.guarded: dict[str, str] = {}  # name → where a main guard defines it
        # where a notebook's run stopped at an error (its later cells did not run), and
        # how many lines of its code the cells that ran (the last one in part) span
        self.stopped = ""
        self.ran = 0

    def serve(self) -> None:
        """Answer requests until the grader closes the channel.

        Every reply echoes the request's ``id`` (and the item number of an
        export), so the grader can drop anything the submission writes into
        the channel on its own.
        """
        while True:
            header, buffers = recv(self.sock, float("inf"), MESSAGE_LIMIT)
            op, ident = header.get("op"), header.get("id")
            if op == "export":
                reply, out = self.export(header, _no_progress)
            elif op == "load":
                reply, out = self.load(header, buffers), []
            elif op == "constant":
                reply, out = self.constant(header["name"]), []
            elif op == "eager":
                reply, out = self.eager(header, buffers)
            else:
                reply, out = _fault("invalid", f"unknown operation {op!r}"), []
            send(self.sock, {**reply, "id": ident}, out)

    def load(self, header: dict[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """Write the submission's files here, then execute ``order`` into one module."""
        names, order = header["files"], header["order"]
        shown = given if isinstance(given := header.get("shown"), dict) else {}
        for name, data in zip(names, buffers, strict=True):
            if "/" in name or name.startswith(".") or not name.endswith(".py"):
                return _fault("invalid", f"refusing the file name {name!r}")
            with open(name, "wb") as handle:
                handle.write(data)
        module = types.ModuleType(MODULE)
        module.__file__ = order[0] if order else f"{MODULE}.py"
        module.__dict__.update(notebook_names())  # display(), get_ipython(): see _ipython
        # a folder the student made a package: `from .helpers import step` finds helpers.py
        module.__path__ = ["."]  # type: ignore[attr-defined]
        module.__package__ = MODULE
        _SUBMISSION_FILES.update(order)
        refuse_written_modules(names)
        sys.modules[MODULE] = module
        # last: an installed module (imported yet or not) is never a file written here, by
        # the grader or by the submission as it runs; the "must not use" rules read it so
        sys.path.append(".")
        notebook = len(order) == 1 and str(shown.get(order[0], "")).endswith(".ipynb")
        # bytes, as Python reads a file: a UTF-8 BOM (Windows editors) or a coding line
        sources = {name: data for name, data in zip(names, buffers, strict=True) if name in order}
        try:
            for name in order:
                # a notebook runs cell by cell, as Jupyter's Run All does: a cell that fails
                # (a SyntaxError too) stops the run, and the cells before it have run
                flags = 0  # a cell's `from __future__ import ...` holds for the later cells too
                for code in _cells(sources[name]) if notebook else [sources[name]]:
                    try:
                        # a fixed file name: identical code gives identical artifacts; a
                        # notebook's cell may `await` at its top level, as IPython allows
                        awaits = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if notebook else 0
                        compiled = compile(code, name, "exec", flags=flags | awaits)
                        flags |= compiled.co_flags & _FUTURE_FLAGS
                        if compiled.co_flags & inspect.CO_COROUTINE:
                            _run_awaiting(eval(compiled, module.__dict__))  # noqa: S307
                        else:
                            exec(compiled, module.__dict__)
                    except Exception as error:
                        if not notebook:
                            raise
                        self.stopped = _describe(error, shown, sources, "running the notebook")
                        self.ran = _stop_line(error, name, code) if isinstance(code, str) else 0
                        break
        except BaseException as error:  # noqa: BLE001 - anything the submission raises
            self.load_fault = _from_exception(error, "importing the submission")
            if self.load_fault["kind"] == "error":
                self.load_fault["message"] = _describe(
                    error, shown, sources, "importing the submission"
                )
            return self.load_fault
        self.module = module
        self.guarded = _main_guarded(sources, shown)
        if self.stopped:
            stopped = f"{self.stopped}; the cells after it did not run"
            return {"ok": True, "stopped": stopped, "ran": self.ran}
        return {"ok": True}

    def _missing(self, name: str) -> dict[str, Any]:
        """``name`` is not defined; if only a main guard defines it, say so."""
        where = self.guarded.get(name)
        if where is None and self.stopped:
            return _fault("missing", "the notebook stopped at an error before defining it")
        if where is None:
            return _fault("missing", "")
        return _fault(
            "missing",
            f'it is defined under `if __name__ == "__main__":` ({where}), which does not run '
            "when the grader imports your file: define it above that block",
        )

    def _entry(self, name: str) -> Any:
        if self.module is None:
            raise LookupError("the submission is not loaded")
        entry = self.module.__dict__.get(name)
        if entry is None:
            raise KeyError(name)
        return entry

    def constant(self, name: str) -> dict[str, Any]:
        """Return a module-level value if it is plain JSON data."""
        if self.load_fault is not None:
            return self.load_fault
        try:
            value = self._entry(name)
        except (KeyError, LookupError):
            return self._missing(name)
        if value is None or type(value) in (str, int, float, bool):
            return {"ok": True, "value": value}
        try:  # a 0-d numeric array or numpy scalar counts as a number, as for the reference
            import numpy as np

            numpy_scalar = isinstance(value, np.generic) and type(value).__module__ == "numpy"
            plain = type(value) is np.ndarray or numpy_scalar or _is_jax(value)
            array = np.asarray(value) if plain else None
            if array is not None and array.shape == () and array.dtype.kind in "fiu":
                return {"ok": True, "value": float(array)}
        except BaseException:  # noqa: BLE001, S110 - a hostile __array__: not a number
            pass
        return _fault("invalid", f"`{name}` is a {type(value).__name__}, not a string or number")

    def _callable(self, call: Any) -> Any:
        """Build ``transform(g)`` for a call; raise KeyError when the entry is missing."""
        if self.module is None:
            raise LookupError("the submission is not loaded")
        return transformed(self.module, call)

    def eager(self, header: dict[str, Any], buffers: list[bytes]) -> tuple[dict, list]:
        """Call an entry in Python on (public) inputs."""
        if self.load_fault is not None:
            return self.load_fault, []
        call = call_from_json(header["call"])
        args = decode(header["args"], buffers)
        printed = _Capped(PRINTED_LIMIT)
        try:
            from .._config import float64

            fn = self._callable(call)
            with contextlib.redirect_stdout(printed):  # stderr: warnings, not the student's
                if call.x64:
                    with float64():
                        value = _plain_arrays(fn(*args), 0)
                else:
                    value = _plain_arrays(fn(*args), 0)
        except KeyError:
            return self._missing(call.entry), []
        except _NotArrays as error:
            return _fault("invalid", f"{call.entry} returned {error}, not arrays"), []
        except BaseException as error:  # noqa: BLE001
            fault = _from_exception(error, f"{call.entry}")
            if printed.text.strip() and fault["kind"] == "error":
                # eager calls get public inputs only: what it printed may be shown
                fault["message"] += f" (it printed {printed.shown()})"
            return fault, []
        out: list[bytes] = []
        return {"ok": True, "value": encode(value, out)}, out

    def _check_transform(self, call: Any, item: dict[str, Any]) -> dict[str, Any] | None:
        """Trace the transform the evaluator will apply, on shapes, for its error message only.

        The evaluator differentiates the exported function itself (``vjp``
        items); tracing ``check(g)`` here only gives a student the same
        message as before (a non-scalar output, a Python ``if`` on a traced
        value) when it fails. Its result is never used.
        """
        check = item.get("check")
        if not item.get("vjp") or check not in _TOOLS or check == "call":
            return None
        import contextlib

        import numpy as np

        from .._config import float64

        try:
            fn = self._callable(dataclasses.replace(call, transform=check))
            with float64() if call.x64 else contextlib.nullcontext():
                for run in item["runs"]:
                    specs = [_TOOLS["ShapeDtypeStruct"](tuple(s), np.dtype(d)) for s, d in run]
                    _TOOLS["eval_shape"](fn, *specs)
        except BaseException as error:  # noqa: BLE001
            return _from_exception(error, _doing(item))
        return None

    def export(self, header: dict[str, Any], progress: Any) -> tuple[dict, list]:
        """Trace calls and serialize them, one artifact per part when possible.

        Each item is a call, the shapes of its runs (its input sets) and the
        part the grader put it in; a part's artifact takes every run's
        arguments in order and returns the list of their results. One
        combined export costs a fraction of one export per item, and a part
        that is the same in two submissions is the same artifact, compiled
        once. ``progress(n)`` is called as item ``n`` starts tracing (this
        process uses it to name an item that raised while tracing). An item that fails to trace
        is left out with its fault; if the combined artifact still fails
        (e.g. a host callback refused at serialization), or the grader asks
        for ``combined=False``, every item gets its own artifact.
        """
        items = header["items"]
        results: list[dict[str, Any] | None] = [None] * len(items)
        if self.load_fault is not None:
            return {"ok": True, "results": [self.load_fault] * len(items)}, []
        built: list[tuple[int, Any, list[Any], bool]] = []
        for n, item in enumerate(items):
            call = call_from_json(item["call"])
            try:
                built.append((n, self._callable(call), item["runs"], call.x64))
            except KeyError:
                results[n] = self._missing(call.entry)
            except BaseException as error:  # noqa: BLE001
                results[n] = _from_exception(error, f"building {call.entry}")
            else:
                fault = self._check_transform(call, item)
                if fault is not None:
                    built.pop()
                    results[n] = fault
        artifacts: list[bytes] = []
        # a cost is measured per function, and a float32 call traces apart: an artifact each
        alone = [b for b in built if items[b[0]].get("cost") or not b[3]]
        left = [b for b in built if b not in alone]
        if header.get("combined", True):
            # one artifact per part the grader marked; functions the evaluator
            # differentiates carry their VJP, so they are never mixed with the rest
            parts: dict[tuple[bool, Any], list[tuple[int, Any, list[Any], bool]]] = {}
            for b in left:
                key = (bool(items[b[0]].get("vjp")), items[b[0]].get("part", 0))
                parts.setdefault(key, []).append(b)
            left = []
            for (vjp, _), part in sorted(parts.items(), key=lambda kv: kv[0]):
                if len(part) > 1:
                    part = self._export_combined(part, items, results, artifacts, progress, vjp=vjp)
                left += part
        built = left + alone
        for n, fn, runs, x64 in built:
            progress(n)
            try:
                artifacts.append(
                    export_artifact([(fn, runs)], x64=x64, vjp=bool(items[n].get("vjp")))
                )
            except BaseException as error:  # noqa: BLE001
                results[n] = _from_exception(error, _doing(items[n]))
                continue
            results[n] = {"ok": True, "artifact": len(artifacts) - 1, "offset": 0}
        return {"ok": True, "results": results}, artifacts

    def _export_combined(
        self,
        built: list[tuple[int, Any, list[Any], bool]],
        items: list[dict[str, Any]],
        results: list[dict[str, Any] | None],
        artifacts: list[bytes],
        progress: Any,
        *,
        vjp: bool = False,
    ) -> list[tuple[int, Any, list[Any], bool]]:
        """Export ``built`` as one artifact; return the items left to export one by one."""
        current = {"n": -1}

        def traced(n: int, fn: Any) -> Any:
            def announce(*args: Any) -> Any:
                if current["n"] != n:
                    current["n"] = n
                    progress(n)
                return fn(*args)

            return announce

        while len(built) > 1:
            current["n"] = -1
            pairs = [(traced(n, fn), runs) for n, fn, runs, _ in built]
            try:
                artifact = export_artifact(pairs, x64=True, vjp=vjp)
            except BaseException as error:  # noqa: BLE001
                failed = current["n"]
                if failed < 0 or "tracing" not in _TRACE_STATE:
                    return built  # not a tracing failure (e.g. serialization): one by one
                results[failed] = _from_exception(error, _doing(items[failed]))
                built = [b for b in built if b[0] != failed]
                continue
            artifacts.append(artifact)
            offset = 0
            for n, _, runs, _ in built:
                results[n] = {"ok": True, "artifact": len(artifacts) - 1, "offset": offset}
                offset += len(runs)
            return []
        return built


def transformed(module: types.ModuleType, call: Any) -> Any:
    """``transform(g)`` for ``call`` on an entry of ``module``; KeyError when it is missing.

    ``g`` is the entry with ``call.static`` bound (a `FunctionRef` resolved
    here); JAX's tracing errors raised by the result become gradkit's. The
    grader's warm-up builds the reference functions with it, so they are
    traced exactly as submissions are. Needs `capture_tools` first.
    """
    from ._protocol import FunctionRef, resolve_function

    entry = module.__dict__.get(call.entry)
    if entry is None:
        raise KeyError(call.entry)
    static = [resolve_function(s.name) if isinstance(s, FunctionRef) else s for s in call.static]
    g = entry(*static) if call.curry else functools.partial(entry, *static)
    return _translated(g, call.entry, call.transform)


def _no_progress(n: int) -> None:
    """Nothing is reported while tracing: the grader's deadline for a step is fixed."""
    del n


_WHAT = {
    "grad": "jax.grad",
    "jit_grad": "jax.grad",
    "vmap": "jax.vmap",
    "jacfwd": "jax.jacfwd",
    # a plain values check: the grader traces every entry to run it on hidden inputs
    "call": "the grader (it runs every entry traced, as jax.jit does, on hidden inputs)",
}


def _translated(g: Any, entry: str, transform: str) -> Any:
    """``transform(g)`` raising gradkit's translations of JAX's tracing errors, as `gk.grad` does.

    A Python ``while``/``if`` on a traced value becomes `TracedControlFlowError`
    (use gk.while_loop / jax.lax.cond) under any transform; a non-scalar or
    non-float output becomes `NotDifferentiableError` only where the grader
    itself takes the gradient, and only for what the entry returned (a
    ``jax.grad`` inside the student's code keeps JAX's words).
    """
    from .._autodiff import _checked, _checking, _translate

    what = _WHAT.get(transform, "jax.jit")
    if transform in ("grad", "jit_grad"):
        grad = _TOOLS["grad"](_checked(g, entry, what, "scalar"))

        @functools.wraps(grad)  # the name JAX gives it, in jaxprs and artifacts
        def differentiated(*args: Any) -> Any:
            with _checking(entry, what):
                return grad(*args)

        return _TOOLS["jit"](differentiated) if transform == "jit_grad" else differentiated
    fn = _TOOLS[transform](g)

    def run(*args: Any) -> Any:
        with _translate(entry, what):
            return fn(*args)

    return run


def _doing(item: dict[str, Any]) -> str:
    call = item["call"]
    return f"tracing {call['entry']} ({item.get('check') or call['transform']})"


_TRACE_STATE: set[str] = set()


class _NotArrays(Exception):
    pass


PRINTED_LIMIT = 300  # characters of an eager call's output kept for its feedback


class _Capped(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters written to it."""

    def __init__(self, limit: int) -> None:
        self.limit, self.text, self.more = limit, "", False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - len(self.text)
        self.text += text[: max(room, 0)]
        self.more = self.more or len(text) > room
        return len(text)

    def shown(self) -> str:
        """The output as one quoted line, marked when cut."""
        return repr(self.text.strip()) + (" ..." if self.more else "")


def _plain_arrays(value: Any, depth: int) -> Any:
    """Copy a result into plain numpy arrays (nested in tuples/lists/dicts), or raise."""
    import numpy as np

    if depth > 16:
        raise _NotArrays("a value nested too deeply")
    if isinstance(value, tuple | list):
        items = [_plain_arrays(v, depth + 1) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if type(value) is dict:
        return {str(k): _plain_arrays(v, depth + 1) for k, v in value.items()}
    if isinstance(value, _TOOLS["Array"]):
        array = np.array(_TOOLS["device_get"](value))
        if array.dtype.kind not in "biufc":  # bfloat16, float8, ...: not plain numbers
            raise _NotArrays(f"an array of {array.dtype}")
        return array
    if (
        type(value) in (float, int, bool)
        or type(value) is np.ndarray
        or isinstance(value, np.generic)
    ):
        array = np.array(value)
        if array.dtype.kind not in "biufc":
            raise _NotArrays(f"an array of {array.dtype}")
        return array
    raise _NotArrays(f"a {type(value).__name__}")


def _plain_containers(value: Any, depth: int) -> Any:
    """A traced result with its containers made plain tuples, lists and dicts.

    A ``NamedTuple`` (``Tangent(slope, intercept)``) is a pair like any tuple, as an eager
    call's result is (`_plain_arrays`), but JAX cannot serialize a tree holding the
    submission's own type; an ``OrderedDict`` likewise becomes a dict.
    """
    if depth > 16:
        return value
    if isinstance(value, tuple | list):
        items = [_plain_containers(v, depth + 1) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {k: _plain_containers(v, depth + 1) for k, v in value.items()}
    return value


def _is_jax(value: Any) -> bool:
    return isinstance(value, _TOOLS["Array"])


def export_artifact(pairs: list[tuple[Any, list[Any]]], *, x64: bool, vjp: bool = False) -> bytes:
    """``jax.export`` one function that runs every ``fn`` on each of its runs' shapes.

    ``pairs`` holds ``(fn, runs)``; a run is a list of ``(shape, dtype)``. The
    exported function takes all runs' arguments, flattened in order, and
    returns the list of results. The worker sees shapes and dtypes, never
    values. ``vjp=True`` serializes the function's VJP too, so the evaluator
    can differentiate it (``grad``, ``jacrev``) itself.
    """
    import contextlib

    import numpy as np

    from .._config import float64

    counts = [[len(run) for run in runs] for _, runs in pairs]

    def combined(*flat: Any) -> list[Any]:
        out, k = [], 0
        for (fn, _), sizes in zip(pairs, counts, strict=True):
            for size in sizes:
                out.append(_plain_containers(fn(*flat[k : k + size]), 0))
                k += size
        _TRACE_STATE.discard("tracing")
        return out

    with float64() if x64 else contextlib.nullcontext():
        specs = [
            _TOOLS["ShapeDtypeStruct"](tuple(shape), np.dtype(dtype))
            for _, runs in pairs
            for run in runs
            for shape, dtype in run
        ]
        _TRACE_STATE.add("tracing")
        exported = _TOOLS["export"](_TOOLS["jit"](combined), platforms=("cpu",))(*specs)
        return bytes(exported.serialize(vjp_order=1 if vjp else 0))


class _WrittenModules(importlib.abc.MetaPathFinder):
    """Refuse to import a file the submission wrote, or changed, while it ran.

    The "must not use" rules read the files the grader placed; a module the
    submission writes as it runs (``open("helpers.py", "w")``, then ``import
    helpers``, perhaps after ``sys.path.insert(0, ".")`` to shadow a module
    this Python has but has not imported yet) is code they never read. This
    finder goes just before ``PathFinder`` and asks it where a module is: a
    file in the working directory that is not one the grader placed, a placed
    file changed since, or a file anywhere whose inode changed after the
    submission started (``/tmp``, a zip archive on the path, a symlink) is
    refused. Its tools are bound here, so rebinding ``os.stat`` changes
    nothing; taking it off ``sys.meta_path`` is dynamic code to the rules.
    """

    def __init__(self, placed: list[str]) -> None:
        self._stat, self._lstat, self._exists = os.stat, os.lstat, os.path.lexists
        self._abspath, self._dirname, self._sep = os.path.abspath, os.path.dirname, os.sep
        self._find = importlib.machinery.PathFinder.find_spec
        self.here = os.getcwd()
        # inode times are coarse (a clock tick): a second's margin before anything ran
        self.since = time.time_ns() - 1_000_000_000
        self.placed = {self._abspath(name): self._identity(name) for name in placed}

    def _identity(self, path: str) -> tuple[int, int, int]:
        status = self._lstat(path)
        return status.st_dev, status.st_ino, status.st_ctime_ns

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        spec = self._find(name, path, target)
        origin = getattr(spec, "origin", None) if getattr(spec, "has_location", False) else None
        if isinstance(origin, str):
            why = self._written(origin)
            if why:
                raise ModuleNotFoundError(
                    f"No module named {name!r}: {why} {_WRITTEN}, and the grader imports "
                    "only the files it was given (hand in helpers as files beside your "
                    "submission)",
                    name=name,
                )
        return spec

    def _written(self, origin: str) -> str:
        """Why the module at `origin` is one the submission wrote, or "" if it is not."""
        path = self._abspath(origin)
        if path in self.placed:
            same = self._identity(path) == self.placed[path]
            return "" if same else f"{path.rsplit(self._sep, 1)[-1]} was changed"
        shown = path.removeprefix(self.here + self._sep)
        while not self._exists(path) and self._dirname(path) != path:  # a member of a zip
            path = self._dirname(path)
        if path == self.here or path.startswith(self.here + self._sep):
            return f"{shown} was written"
        for status in (self._lstat(path), self._stat(path)):  # a symlink, then its file
            if status.st_ctime_ns >= self.since:
                return f"{shown} was written"
        return ""


def refuse_written_modules(placed: list[str]) -> None:
    """Put `_WrittenModules` just before ``PathFinder`` (after the stand-ins and `_Refuse`)."""
    finders = sys.meta_path
    at = next(
        (i for i, f in enumerate(finders) if f is importlib.machinery.PathFinder), len(finders)
    )
    finders.insert(at, _WrittenModules(placed))


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuse to import the exercises' packages (their reference solutions)."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        del path, target
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(
                f"No module named {name!r}: {_REFUSED}",
                name=name,
            )


def refuse_imports(names: set[str]) -> None:
    """Take ``names`` off this process's import path and refuse to import them.

    A directory of the path that holds nothing else (an editable install's
    source directory) is dropped; the finder goes first in ``sys.meta_path``,
    before any editable-install finder. In the ``namespaces`` sandbox the
    files are not even there; as root at the ``limits`` level the child runs
    as a user that cannot read them.
    """
    if not names:
        return
    for entry in list(sys.path):
        try:
            content = {n.split(".")[0] for n in os.listdir(entry or ".")}
        except OSError:
            continue
        content = {n for n in content if not n.startswith("__") and n.isidentifier()}
        if content & names and not content - names:
            sys.path.remove(entry)
    for module in [m for m in sys.modules if m.split(".")[0] in names]:
        del sys.modules[module]
    sys.meta_path.insert(0, _Refuse(names))


def _serve(sock: socket.socket) -> None:
    """Say ready, then serve the grader on ``sock`` until it closes."""
    send(sock, {"op": "ready"}, [])
    try:
        Worker(sock).serve()
    except Exception:  # the grader went away or sent garbage: nothing to answer
        traceback.print_exc()


def main(argv: list[str]) -> None:
    """Limit this process, import JAX, then serve the grader (or fork workers that do).

    ``FD MEMORY_MB CPU_SECONDS --forks`` runs a template (`_forks`): it prepares once, then
    forks one isolated worker per request on ``FD``, once a first fork showed
    that this machine allows it (else it exits).
    """
    fd, memory_mb, cpu_seconds = (int(a) for a in argv[:3])
    template = argv[3:] == [FORKS]
    apply_limits(memory_mb, cpu_seconds)
    sock = socket.socket(fileno=fd)
    if not template:  # a template starts no thread: it forks
        exit_when_closed(sock)
    capture_tools()  # imports JAX before the submission, outside its time
    _quiet_leftovers()
    from .. import _selfcheck

    _selfcheck.GRADED = True  # `gk.check(...)` left in the submission runs nothing
    refuse_imports({n for n in os.environ.get(REFUSE_ENV, "").split(",") if n})
    if not template:
        _serve(sock)
        return

    def serve_fork(channel: socket.socket) -> None:
        # to itself, a forked worker is a worker started whole on its channel
        sys.argv[1:] = [str(channel.fileno()), str(memory_mb), str(cpu_seconds)]
        # and numpy's global random state is its own (Python's `random`
        # reseeds itself after a fork; numpy's would be the template's)
        import numpy as np

        np.random.seed()
        exit_when_closed(channel)
        _serve(channel)

    if probe():  # else return: the grader sees the channel close, starts workers whole
        serve_forks(sock, serve_fork)


if __name__ == "__main__":
    main(sys.argv[1:])
