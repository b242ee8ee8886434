"""Public names that load on first use, listed once: in the package's ``__init__.pyi``.

SPEC 1's pattern: type checkers read the stub's imports, and `attach_stub` turns
the same imports into the package's ``__getattr__``, ``__dir__`` and ``__all__``,
so ``import gradkit`` (and so the ``gradkit`` command) imports no JAX until a
name is used. ``gradkit.grad`` is ``gradkit._autodiff.grad`` either way.

``lazy_loader.attach_stub`` reads stubs of this form too, but not gradkit's:
it binds ``from . import _checklib as checks`` as ``_checklib`` (it ignores
every ``as``), and it refuses ``from .._sandboxed import Call`` (a relative
import of level 2), which `gradkit.grading` re-exports. `attach_stub` here
reads each import the way Python binds it.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _origins(package: str, stub: Path) -> dict[str, tuple[str, str | None]]:
    """Map each public name to (module, attribute), or (module, None) for a module."""
    origins: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(ast.parse(stub.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and not node.level):
            raise ImportError(
                f"{stub} line {node.lineno}: {package}'s stub lists its public names as "
                f"relative imports; write `from .module import name as name`, and put "
                "the types an annotation needs in the module that defines the name"
            )
        if isinstance(node, ast.ImportFrom):
            source = "." * node.level + (node.module or "")
            for alias in node.names:
                if node.module is None:  # from . import _module as name
                    origins[alias.asname or alias.name] = (source + alias.name, None)
                else:
                    origins[alias.asname or alias.name] = (source, alias.name)
    return origins


def attach_stub(
    package: str, file: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """Return ``__getattr__, __dir__, __all__`` for `package` from the stub beside `file`.

    Example (a package's ``__init__.py``)::

        __getattr__, __dir__, __all__ = attach_stub(__name__, __file__)
    """
    origins = _origins(package, Path(file).with_suffix(".pyi"))
    names = sorted(origins)

    def __getattr__(name: str) -> Any:
        if name not in origins:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = origins[name]
        value = importlib.import_module(module, package)
        if attribute is not None:
            value = getattr(value, attribute)
        setattr(sys.modules[package], name, value)  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return list(names)

    return __getattr__, __dir__, list(names)
