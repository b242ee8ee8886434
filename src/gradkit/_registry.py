"""Typed, read-only registries of functions, norms, exercises and assignments.

Each registry holds frozen spec dataclasses keyed by name. Plugins add to them
through the hooks in `gradkit.hookspecs`; users only read them. The first read
loads the plugins (see `gradkit._plugins`), so `import gradkit` stays cheap.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from ._errors import DuplicateNameError, InvalidInputError, UnknownNameError

if TYPE_CHECKING:
    from jax import Array

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")


def _check_name(kind: str, name: object) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidInputError(
            f"invalid {kind} name {name!r}: use lower-case letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (e.g. 'log-sin')"
        )


def _normal_scalar(key: Array) -> Array:
    import jax

    return jax.random.normal(key, ())


@dataclasses.dataclass(frozen=True)
class FunctionSpec:
    """A differentiable function registered under a stable name.

    Attributes:
        name: registry key, e.g. ``"quadratic"``.
        fn: a pure JAX function of one array argument.
        description: one line, maths included (``"3x² − 4x"``).
        sampler: ``sampler(key) -> x`` draws one input from the function's domain
            (its shape is the input shape the function expects).
        derivative: the analytic derivative where known: ``f′`` applied elementwise
            for scalar functions, the gradient ``∇f`` for functions of a vector.
        provider: who registered it (filled in by the plugin manager).
    """

    name: str
    fn: Callable[..., Any]
    description: str = ""
    sampler: Callable[[Any], Any] = _normal_scalar
    derivative: Callable[..., Any] | None = None
    provider: str | None = None

    def __post_init__(self) -> None:
        _check_name("function", self.name)
        if not callable(self.fn):
            raise InvalidInputError(
                f"FunctionSpec {self.name!r}: fn must be callable, got {self.fn!r}"
            )
        if not callable(self.sampler):
            raise InvalidInputError(
                f"FunctionSpec {self.name!r}: sampler must be callable as sampler(key) -> x, "
                f"got {self.sampler!r}"
            )
        if self.derivative is not None and not callable(self.derivative):
            raise InvalidInputError(
                f"FunctionSpec {self.name!r}: derivative must be callable or None, "
                f"got {self.derivative!r}"
            )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)


@dataclasses.dataclass(frozen=True)
class NormSpec:
    """A norm variant usable by name as ``gk.norm(x, ord=name)``.

    Attributes:
        name: registry key, e.g. ``"l2"`` or ``"huber"``.
        fn: for ``kind="vector"`` a function of one 1-D array, for ``kind="matrix"``
            of one 2-D array, returning a scalar. `gradkit.norm` moves the
            requested axes last and maps ``fn`` over the rest, so ``fn`` never
            sees a batch.
        kind: ``"vector"`` or ``"matrix"``.
        is_norm: whether it satisfies the norm axioms (definiteness, absolute
            homogeneity, triangle inequality). Quasi-norms and counts say False.
        description: one line, maths included.
        provider: who registered it (filled in by the plugin manager).
    """

    name: str
    fn: Callable[[Any], Any]
    kind: Literal["vector", "matrix"] = "vector"
    is_norm: bool = True
    description: str = ""
    provider: str | None = None

    def __post_init__(self) -> None:
        _check_name("norm", self.name)
        if not callable(self.fn):
            raise InvalidInputError(f"NormSpec {self.name!r}: fn must be callable, got {self.fn!r}")
        if self.kind not in ("vector", "matrix"):
            raise InvalidInputError(
                f"NormSpec {self.name!r}: kind must be 'vector' or 'matrix', got {self.kind!r}"
            )

    def __call__(self, x: Any) -> Any:
        return self.fn(x)


class Registry[T]:
    """A read-only view of the specs of one kind, keyed by name.

    ``names()`` lists the keys in order, ``get(name)`` returns a spec (an unknown
    name raises `UnknownNameError` listing the known ones), and iterating yields
    the specs. Reading loads the plugins first.
    """

    def __init__(self, kind: str, key: str = "name") -> None:
        self._kind = kind
        self._key = key
        self._items: dict[str, T] = {}

    def __repr__(self) -> str:
        return f"<gradkit {self._kind} registry: {len(self)} items>"

    def _load(self) -> None:
        from ._plugins import load

        load()

    def names(self) -> list[str]:
        """Return the registered names, sorted."""
        self._load()
        return sorted(self._items)

    def get(self, name: str) -> T:
        """Return the spec registered as `name`."""
        self._load()
        try:
            return self._items[name]
        except (KeyError, TypeError):
            known = ", ".join(sorted(self._items)) or "(none)"
            raise UnknownNameError(
                f"unknown {self._kind} {name!r}; known {self._kind}s: {known}"
            ) from None

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._items

    def __iter__(self) -> Iterator[T]:
        self._load()
        return iter([self._items[k] for k in sorted(self._items)])

    def __len__(self) -> int:
        self._load()
        return len(self._items)

    # Writing is for the plugin manager only.
    def _add(self, spec: T) -> None:
        name = getattr(spec, self._key)
        if name in self._items:
            old = self._items[name]
            raise DuplicateNameError(
                f"{self._kind} {name!r} is registered twice: by "
                f"{getattr(old, 'provider', None) or 'unknown'} and by "
                f"{getattr(spec, 'provider', None) or 'unknown'}. Disable one of the two "
                "plugins (`gradkit -p no:NAME ...`, or list the ones to keep in "
                "GRADKIT_LOAD_PLUGINS) or rename the item."
            )
        self._items[name] = spec

    def _remove(self, name: str) -> None:
        self._items.pop(name, None)

    def _clear(self) -> None:
        self._items.clear()


functions: Registry[FunctionSpec] = Registry("function")
norms: Registry[NormSpec] = Registry("norm")
exercises: Registry[Any] = Registry("exercise", key="id")
assignments: Registry[Any] = Registry("assignment", key="id")
