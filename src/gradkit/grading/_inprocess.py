"""Answer requests in this process: for TRUSTED code only.

Reference solutions, ``gradkit exercises verify`` and the tests of wrong
solutions use `InProcessCandidate`. It honours ``mode="export"`` the way the
sandbox does: it traces the call, serializes it with `jax.export`,
deserializes it and runs the artifact, which proves a reference exportable.
Untrusted submissions go through the sandboxed candidate of `gradkit grade`.
"""

from __future__ import annotations

import functools
import inspect
import linecache
import threading
import traceback
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._config import float64
from .._errors import GradingError
from .._sandboxed import (
    Call,
    Constant,
    Cost,
    Evaluate,
    Fault,
    FunctionRef,
    Ok,
    Request,
    Response,
    Source,
    Unmeasurable,
    check_measurable,
    differentiated,
    resolve_function,
    traced_debug_dropped,
)

if TYPE_CHECKING:
    import jax.stages

_MAX_ARTIFACTS = 2048
_ARTIFACTS: dict[Any, Any] = {}
_ARTIFACTS_LOCK = threading.Lock()


class _Missing(Exception):
    pass


class _Invalid(Exception):
    pass


class InProcessCandidate:
    """A `Candidate` backed by a namespace (a module or a mapping) in this process."""

    def __init__(
        self, namespace: Mapping[str, Any] | types.ModuleType, *, source: str | None = None
    ):
        if isinstance(namespace, types.ModuleType):
            self._ns: Mapping[str, Any] = vars(namespace)
            if source is None:
                try:
                    source = inspect.getsource(namespace)
                except (OSError, TypeError):
                    source = None
        else:
            self._ns = namespace
            if source is None:
                source = mapping_source(namespace)
        self._source = source

    @classmethod
    def from_source(cls, source: str, name: str = "submission") -> InProcessCandidate:
        """Execute trusted `source` as a fresh module and wrap it (never for student code)."""
        filename = f"<{name}>"
        module = types.ModuleType(name)
        module.__file__ = filename
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), vars(module))  # noqa: S102 - trusted by contract
        return cls(module, source=source)

    @classmethod
    def from_file(cls, path: str | Path) -> InProcessCandidate:
        """Execute a TRUSTED Python file (a test's wrong solution, a reference) and wrap it."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise GradingError(f"cannot read {str(path)!r}: {error.strerror}") from error
        return cls.from_source(text, name=path.stem)

    def run(self, requests: Sequence[Request]) -> list[Response]:
        """Answer each request in order; a fault of the code becomes a `Fault`."""
        return [self._answer(r) for r in requests]

    def _answer(self, request: Request) -> Response:
        if isinstance(request, Source):
            if self._source is None:
                return Fault("missing", "no source text")
            return Ok(self._source)
        if isinstance(request, Constant):
            return self._constant(request.name)
        if isinstance(request, Evaluate | Cost):
            try:
                with _maybe_x64(request.call.x64):
                    value, derived = self._evaluate(request)
                    return Ok(value, autodiff_inside=derived)
            except _Missing as missing:
                return Fault("missing", str(missing))
            except Unmeasurable as error:
                return Fault("invalid", str(error))
            except _Invalid as invalid:
                return Fault("invalid", f"`{request.call.entry}` {invalid}")
            except Exception as error:  # noqa: BLE001 - the candidate's fault, reported
                return self._fault(request.call, error)
        raise GradingError(f"unknown request {request!r}")

    def _constant(self, name: str) -> Response:
        if name not in self._ns:
            return Fault("missing", f"`{name}` is not defined")
        value = self._ns[name]
        if isinstance(value, str | bool | int | float) or value is None:
            return Ok(value)
        if hasattr(value, "dtype") and getattr(value, "shape", None) == ():
            arr = np.asarray(value)
            if arr.dtype.kind in "fiu":
                return Ok(float(arr))
        return Fault("invalid", f"`{name}` is a {type(value).__name__}, not a string or number")

    def _entry(self, call: Call) -> Callable[..., Any]:
        if call.entry not in self._ns:
            raise _Missing(f"`{call.entry}` is not defined")
        entry = self._ns[call.entry]
        if not callable(entry):
            raise TypeError(f"`{call.entry}` is a {type(entry).__name__}, not a function")
        static = [
            resolve_function(s.name) if isinstance(s, FunctionRef) else s for s in call.static
        ]
        if call.curry:
            g = entry(*static)
            if not callable(g):
                raise TypeError(
                    f"`{call.entry}(...)` returned a {type(g).__name__}, not a function"
                )
            return g
        return functools.partial(entry, *static) if static else entry

    def _transformed(self, call: Call) -> Callable[..., Any]:
        import jax

        g = self._entry(call)
        return {
            "call": lambda: g,
            "jit": lambda: jax.jit(g),
            "grad": lambda: jax.grad(g),
            "jit_grad": lambda: jax.jit(jax.grad(g)),
            "vmap": lambda: jax.vmap(g),
            "jacfwd": lambda: jax.jacfwd(g),
            "jacrev": lambda: jax.jacrev(g),
        }[call.transform]()

    def _exported(
        self, call: Call, args: tuple[np.ndarray, ...]
    ) -> tuple[jax.stages.Wrapped, bool]:
        """The call's artifact, compiled, and whether a plain call of it differentiates.

        The latter is the evaluator's reading of the artifact (`Ok.autodiff_inside`).
        """
        import jax
        from jax import export

        # Keyed by the entry object itself: the same trusted function (a reference
        # solution graded by `verify`, say) is exported and compiled once per process.
        key = (self._ns.get(call.entry), call, tuple((a.shape, a.dtype.str) for a in args))
        with _ARTIFACTS_LOCK:
            found = _ARTIFACTS.get(key)
        if found is None:
            fn = self._transformed(call)
            specs = [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in args]
            # for the CPU, as the worker exports: grading computes on the CPU
            # even where an accelerator is the default backend
            blob = _export(lambda: export.export(jax.jit(fn), platforms=("cpu",))(*specs))
            exported = export.deserialize(cast(bytearray, blob))  # bytes do
            derived = call.transform == "call" and bool(differentiated(exported))
            found = (jax.jit(exported.call), derived)
            with _ARTIFACTS_LOCK:
                if len(_ARTIFACTS) >= _MAX_ARTIFACTS:
                    _ARTIFACTS.pop(next(iter(_ARTIFACTS)))
                _ARTIFACTS[key] = found
        return found

    def _evaluate(self, request: Evaluate | Cost) -> tuple[Any, bool]:
        """The answer's value, and whether it was computed with autodiff."""
        import jax

        call, args = request.call, request.args
        if isinstance(request, Cost):
            fn = (
                self._exported(call, args)[0]
                if call.mode == "export"
                else jax.jit(self._transformed(call))
            )
            compiled = fn.lower(*args).compile()
            check_measurable(compiled)  # as in the sandbox's evaluator
            analysis = compiled.cost_analysis()
            if isinstance(analysis, list | tuple):  # older jax returned a list of one dict
                analysis = analysis[0] if analysis else None
            if not analysis or "flops" not in analysis:
                raise GradingError("XLA cost analysis is unavailable on this backend")
            return float(analysis["flops"]), False
        if call.mode == "export":
            compiled, derived = self._exported(call, args)
            return _to_data(compiled(*args)), derived
        return _to_data(self._transformed(call)(*args)), False

    def _fault(self, call: Call, error: Exception) -> Fault:
        if isinstance(error, NotImplementedError) and self._raised_by_submission(error, call):
            return Fault("not-implemented", f"`{call.entry}` raised NotImplementedError")
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return Fault("error", f"{type(error).__name__}: {first}" if first else type(error).__name__)

    def _raised_by_submission(self, error: BaseException, call: Call) -> bool:
        entry = self._ns.get(call.entry)
        code = getattr(entry, "__code__", None)
        frames = traceback.extract_tb(error.__traceback__)
        if code is None or not frames:
            return False
        return frames[-1].filename == code.co_filename


def mapping_source(namespace: Mapping[str, Any]) -> str:
    """Source text for a mapping of trusted functions (a reference given as a dict).

    A function defined with ``def`` in a readable file, decorated or not
    (``@jax.jit``), contributes its own source (bound to the entry's name when
    the names differ). Any other function, a lambda say, contributes a stand-in
    ``def`` that names every global and attribute its code uses, so that "must
    not use" checks see what it calls.
    """
    parts: list[str] = []
    for name, value in namespace.items():
        value = _unwrapped(value)
        code = getattr(value, "__code__", None)
        if code is None:
            continue
        text = _def_source(value)
        if text is not None:
            parts.append(text)
            if value.__name__ != name:
                parts.append(f"{name} = {value.__name__}\n")
            continue
        used = sorted(_code_names(code))
        body = f"    return ({', '.join(used)},)\n" if used else "    return None\n"
        parts.append(f"def {name}(*args, **kwargs):\n{body}")
    return "\n".join(parts)


def _unwrapped(value: Any) -> Any:
    """The function under decorators that keep it as ``__wrapped__`` (``jax.jit``, functools)."""
    try:
        return inspect.unwrap(value)
    except ValueError:  # a cycle of __wrapped__
        return value


def _def_source(fn: Any) -> str | None:
    import ast
    import textwrap

    try:
        text = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(text)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    defined = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if len(tree.body) != 1 or not defined or defined[0].name != fn.__name__:
        return None
    return text


def _code_names(code: types.CodeType) -> set[str]:
    names = {n for n in code.co_names if n.isidentifier()}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _to_data(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return tuple(_to_data(v) for v in value)
    if isinstance(value, bool | int | float):
        return np.asarray(value)
    if hasattr(value, "__jax_array__") or type(value).__module__.startswith("jax"):
        return np.asarray(value)
    if type(value) is np.ndarray or isinstance(value, np.generic):
        return np.asarray(value)
    raise _Invalid(f"returned a {type(value).__name__}, not an array or a tuple of arrays")


class _maybe_x64:
    """Enter `float64()` when asked; a no-op context otherwise."""

    def __init__(self, enabled: bool):
        self._ctx = float64() if enabled else None

    def __enter__(self) -> None:
        if self._ctx is not None:
            self._ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(*exc)


def _export(trace: Callable[[], Any]) -> bytes:
    """Serialize what ``trace`` exports, with debug output dropped as the sandboxed worker does.

    A student checking a function in a notebook (``gk.check``) may have left ``jax.debug.print``
    in it, and may already have called it under ``jit``: JAX then reuses the jaxpr traced with
    the print, which cannot be serialized, so the trace caches are cleared and it is traced
    again. The student's JAX is left as it was found.
    """
    import jax

    with traced_debug_dropped():
        try:
            return trace().serialize()
        except NotImplementedError:  # a jaxpr traced earlier with the print in it
            jax.clear_caches()
            return trace().serialize()
