"""The sandboxed child that imports a submission and answers for it.

Run as ``python -I -m gradkit.grading._worker FD MEMORY_MB CPU_SECONDS``
inside a sandbox (`gradkit.grading._sandbox`). It limits itself, imports JAX,
then serves requests from the grader over the socket ``FD``:

``load``      execute the submission's files into one module ``submission``
``constant``  a module-level value, if it is plain JSON data
``eager``     call an entry on public inputs and return the arrays
``export``    trace entries with symbolically shaped inputs and return the
              serialized StableHLO, one message per item as soon as it is ready
              (so the grader can compile one while this process traces the next)

Everything the submission does is caught as ``BaseException``; if it kills
this process instead, the grader sees a closed channel. Nothing sent from here
is trusted: the grader decodes plain data only, and artifacts go to the
evaluator, which checks them.
"""

from __future__ import annotations

import functools
import socket
import sys
import traceback
import types
from typing import Any

from ._channel import call_from_json, decode, encode, recv, send
from ._sandbox import apply_limits

MESSAGE_LIMIT = 64 << 20
MODULE = "submission"


_TOOLS: dict[str, Any] = {}


def _capture_tools() -> None:
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
        symbolic_shape=export.symbolic_shape,
        ShapeDtypeStruct=jax.ShapeDtypeStruct,
        Array=jax.Array,
        device_get=jax.device_get,
    )


def _brief(error: BaseException) -> str:
    """One line about an exception: its type and the start of its message."""
    text = str(error).strip().splitlines()
    first = text[0][:300] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def _fault(kind: str, message: str) -> dict[str, Any]:
    return {"ok": False, "kind": kind, "message": message}


def _from_exception(error: BaseException, doing: str) -> dict[str, Any]:
    if isinstance(error, NotImplementedError) and _raised_by_submission(error):
        return _fault("not-implemented", f"{doing} raised NotImplementedError (not done yet?)")
    if isinstance(error, SystemExit):
        return _fault("error", f"{doing} called sys.exit({error.code!r})")
    return _fault("error", f"{doing} raised {_brief(error)}")


def _raised_by_submission(error: BaseException) -> bool:
    """Whether the innermost frame is the submission's (a stub), not JAX's."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and frames[-1].filename in _SUBMISSION_FILES


_SUBMISSION_FILES: set[str] = set()


class Worker:
    """Serve one submission's requests."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.module: types.ModuleType | None = None
        self.load_fault: dict[str, Any] | None = None

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
                for n, item in enumerate(header["items"]):
                    reply, out = self.export(item)
                    send(self.sock, {**reply, "id": ident, "item": n}, out)
                continue
            if op == "load":
                reply, out = self.load(header["files"]), []
            elif op == "constant":
                reply, out = self.constant(header["name"]), []
            elif op == "eager":
                reply, out = self.eager(header, buffers)
            else:
                reply, out = _fault("invalid", f"unknown operation {op!r}"), []
            send(self.sock, {**reply, "id": ident}, out)

    def load(self, files: list[str]) -> dict[str, Any]:
        """Execute the submission's files, in order, into one module."""
        module = types.ModuleType(MODULE)
        module.__file__ = files[0] if files else f"{MODULE}.py"
        _SUBMISSION_FILES.update(files)
        sys.modules[MODULE] = module
        sys.path.insert(0, ".")
        try:
            for name in files:
                with open(name, encoding="utf-8") as handle:
                    source = handle.read()
                # a fixed file name: identical code gives identical artifacts
                exec(compile(source, name, "exec"), module.__dict__)
        except BaseException as error:  # noqa: BLE001 - anything the submission raises
            self.load_fault = _from_exception(error, "importing the submission")
            return self.load_fault
        self.module = module
        return {"ok": True}

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
            return _fault("missing", "")
        if value is None or type(value) in (str, int, float, bool):
            return {"ok": True, "value": value}
        try:  # a 0-d numeric array counts as a number, as for the reference
            import numpy as np

            array = np.asarray(value) if type(value) is np.ndarray or _is_jax(value) else None
            if array is not None and array.shape == () and array.dtype.kind in "fiu":
                return {"ok": True, "value": float(array)}
        except BaseException:  # noqa: BLE001, S110 - a hostile __array__: not a number
            pass
        return _fault("invalid", f"`{name}` is a {type(value).__name__}, not a string or number")

    def _callable(self, call: Any) -> Any:
        """Build ``transform(g)`` for a call; raise KeyError when the entry is missing."""
        from ._protocol import FunctionRef, resolve_function

        entry = self._entry(call.entry)
        static = [
            resolve_function(s.name) if isinstance(s, FunctionRef) else s for s in call.static
        ]
        g = entry(*static) if call.curry else functools.partial(entry, *static)
        return _TOOLS[call.transform](g)

    def eager(self, header: dict[str, Any], buffers: list[bytes]) -> tuple[dict, list]:
        """Call an entry in Python on (public) inputs."""
        if self.load_fault is not None:
            return self.load_fault, []
        call = call_from_json(header["call"])
        args = decode(header["args"], buffers)
        try:
            from .._config import float64

            fn = self._callable(call)
            if call.x64:
                with float64():
                    value = _plain_arrays(fn(*args), 0)
            else:
                value = _plain_arrays(fn(*args), 0)
        except KeyError:
            return _fault("missing", ""), []
        except _NotArrays as error:
            return _fault("invalid", f"{call.entry} returned {error}, not arrays"), []
        except BaseException as error:  # noqa: BLE001
            return _from_exception(error, f"{call.entry}"), []
        out: list[bytes] = []
        return {"ok": True, "value": encode(value, out)}, out

    def export(self, item: dict[str, Any]) -> tuple[dict, list]:
        """Trace one call and serialize it, with symbolic shapes if possible."""
        if self.load_fault is not None:
            return self.load_fault, []
        call = call_from_json(item["call"])
        avals = [(tuple(shape), dtype) for shape, dtype in item["avals"]]
        try:
            fn = self._callable(call)
        except KeyError:
            return _fault("missing", ""), []
        except BaseException as error:  # noqa: BLE001
            return _from_exception(error, f"building {call.entry}"), []
        errors = []
        for symbolic in (True, False) if item.get("symbolic", True) else (False,):
            try:
                artifact = _export(fn, avals, symbolic=symbolic, x64=call.x64)
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
                continue
            return {"ok": True, "symbolic": symbolic}, [artifact]
        return _from_exception(errors[-1], f"tracing {call.entry} ({call.transform})"), []


class _NotArrays(Exception):
    pass


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
        return np.array(_TOOLS["device_get"](value))
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


def _is_jax(value: Any) -> bool:
    return isinstance(value, _TOOLS["Array"])


def _export(
    fn: Any, avals: list[tuple[tuple[int, ...], str]], *, symbolic: bool, x64: bool
) -> bytes:
    """``jax.export`` ``fn`` for arguments like ``avals``; dims > 1 become symbols."""
    import contextlib

    import numpy as np

    from .._config import float64

    with float64() if x64 else contextlib.nullcontext():
        shapes: list[tuple[Any, ...]] = [shape for shape, _ in avals]
        if symbolic:
            # equal sizes share a symbol, so `x + y` of two n-vectors still traces
            sizes = sorted({n for shape in shapes for n in shape if n > 1})
            if sizes:
                names = ", ".join(f"d{i}" for i in range(len(sizes)))
                symbols = dict(zip(sizes, _TOOLS["symbolic_shape"](names), strict=True))
                shapes = [tuple(symbols.get(n, n) for n in shape) for shape in shapes]
        specs = [
            _TOOLS["ShapeDtypeStruct"](shape, np.dtype(dtype))
            for shape, (_, dtype) in zip(shapes, avals, strict=True)
        ]
        exported = _TOOLS["export"](_TOOLS["jit"](fn), platforms=("cpu",))(*specs)
        return bytes(exported.serialize())


def main(argv: list[str]) -> None:
    """Limit this process, import JAX, then serve the grader."""
    fd, memory_mb, cpu_seconds = int(argv[0]), int(argv[1]), int(argv[2])
    apply_limits(memory_mb, cpu_seconds)
    sock = socket.socket(fileno=fd)
    _capture_tools()  # imports JAX before the submission, outside its time
    send(sock, {"op": "ready"}, [])
    try:
        Worker(sock).serve()
    except Exception:  # the grader went away or sent garbage: nothing to answer
        traceback.print_exc()


if __name__ == "__main__":
    main(sys.argv[1:])
