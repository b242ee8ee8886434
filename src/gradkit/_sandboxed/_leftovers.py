"""JAX's debugging primitives, dropped from traced code wherever graded code is exported.

Students leave ``jax.debug.print`` and ``jax.debug.callback`` in their functions. A host
callback cannot be serialized, so every export of such a function would fail, and the
evaluator runs no Python anyway: while `traced_debug_dropped` is active, both primitives are
dropped when traced (under ``jit``, ``grad``, ``vmap`` and the export) and kept when eager,
so that a call on public inputs still prints. ``jax.pure_callback`` and ``io_callback``
compute a result in Python, so there is nothing to drop: tracing one raises a `GradingError`
that says so.

The sandboxed worker enters it once and for good (`install`); the in-process candidate of
``gk.check`` enters it around each export, in the student's own notebook process, and leaves
JAX as it found it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from .._errors import GradingError

_LOCK = threading.Lock()
_ACTIVE = 0
_SAVED: list[tuple[Any, Callable[..., Any]]] = []


def _eager() -> bool:
    """Whether JAX runs operations now (on values), rather than tracing them."""
    from jax._src import core

    return isinstance(core.trace_ctx.trace, core.EvalTrace)


def _patch() -> None:
    from jax._src import callback, debugging

    for primitive in (debugging.debug_callback_p, debugging.debug_print_p):
        bind = primitive.bind
        _SAVED.append((primitive, bind))

        def dropped(*args: Any, _bind: Any = bind, **params: Any) -> Any:
            return _bind(*args, **params) if _eager() else []

        primitive.bind = dropped

    for primitive, name in (
        (callback.pure_callback_p, "jax.pure_callback"),
        (callback.io_callback_p, "io_callback"),
    ):
        bind = primitive.bind
        _SAVED.append((primitive, bind))

        def refused(*args: Any, _bind: Any = bind, _name: str = name, **params: Any) -> Any:
            if not _eager():
                raise GradingError(
                    f"`{_name}` runs Python (numpy, scipy, ...) on the values, which graded "
                    "code cannot do: the grader runs your function as a compiled JAX program. "
                    "Compute the result with jax.numpy (jnp) instead"
                )
            return _bind(*args, **params)

        primitive.bind = refused


def _restore() -> None:
    while _SAVED:
        primitive, bind = _SAVED.pop()
        primitive.bind = bind


def install() -> None:
    """Drop debug output from traced code in this process, for good (the sandboxed worker)."""
    global _ACTIVE
    with _LOCK:
        if _ACTIVE == 0:
            _patch()
        _ACTIVE += 1


@contextlib.contextmanager
def traced_debug_dropped() -> Iterator[None]:
    """Drop debug output from traced code while active; safe across threads and nesting."""
    install()
    try:
        yield
    finally:
        global _ACTIVE
        with _LOCK:
            _ACTIVE -= 1
            if _ACTIVE == 0:
                _restore()
