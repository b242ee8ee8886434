"""Where plugins come from and what they may register: the plugin manager's helpers.

Finding entry points and plugin files, importing a file as a module, and the
cheap load-time check of every registered spec (right type, and for functions
and norms: traces abstractly with `jax.eval_shape` to the right shape).
"""

from __future__ import annotations

import glob
import importlib.metadata
import importlib.util
import os
import sys
from typing import Any, Literal

from ._errors import PluginError

Source = Literal["built-in", "entry point", "file", "module"]

ENTRY_POINT_GROUP = "gradkit"
_FILE_MODULE_PREFIX = "_gradkit_file_plugin."


def entry_points() -> list[importlib.metadata.EntryPoint]:
    """Return the installed entry points of group ``gradkit``, ordered by package then name.

    Unlike pluggy's loader this keeps two same-named entry points from
    different packages, so the second can be reported instead of dropped.
    """
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return sorted(found, key=lambda ep: ((ep.dist.name if ep.dist else "").lower(), ep.name))


def plugin_files(directory: str) -> list[str]:
    """Return the ``*.py`` files of `directory` that are plugins, sorted.

    Files whose names start with ``_`` are skipped, so a plugin directory can
    hold private helpers (and ``__init__.py``).

    Raises:
        PluginError: `directory` is not a directory.
    """
    if not os.path.isdir(directory):
        raise PluginError(
            f"the plugin directory {directory!r} does not exist or is not a directory; "
            "check --plugins-dir and GRADKIT_PLUGINS_DIR"
        )
    paths = glob.glob(os.path.join(glob.escape(directory), "*.py"))
    return sorted(os.path.abspath(p) for p in paths if not os.path.basename(p).startswith("_"))


def import_file(path: str) -> object:
    """Import the Python file at `path` as a fresh module and return it."""
    stem = os.path.splitext(os.path.basename(path))[0]
    module_name = f"{_FILE_MODULE_PREFIX}{stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path!r} as a module")
    module = importlib.util.module_from_spec(spec)
    # In sys.modules while it runs: dataclasses and pickling look their module up there.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def forget_files() -> None:
    """Drop the modules `import_file` made, so the next load reads the files again."""
    for name in [n for n in sys.modules if n.startswith(_FILE_MODULE_PREFIX)]:
        del sys.modules[name]


def describe_error(error: BaseException) -> str:
    """Return ``"Type: first line of the message"`` without a trailing full stop."""
    lines = str(error).strip().splitlines()
    text = lines[0].rstrip(".") if lines else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def validate_spec(kind: str, spec: Any, *, trace: bool = True) -> str:
    """Return what is wrong with `spec` as an item of registry `kind`, or ``""``.

    With ``trace=False`` only the type is checked.

    Functions must trace: ``fn(sampler(key))`` is evaluated abstractly with
    `jax.eval_shape` (nothing is compiled or run) and must give one array.
    Norms must map a float vector (``kind="vector"``) or matrix
    (``kind="matrix"``) to a scalar.
    """
    from ._registry import FunctionSpec, NormSpec

    expected = {"functions": FunctionSpec, "norms": NormSpec}.get(kind) or _exercise_type()
    if expected is not None and not isinstance(spec, expected):
        return f"{spec!r:.80} is a {type(spec).__name__}, not a gradkit.{expected.__name__}"
    if expected is None and not isinstance(getattr(spec, "id", None), str):
        return f"{spec!r:.80} has no string 'id', so it is not an exercise spec"
    if trace and kind == "functions":
        return _trace_function(spec)
    if trace and kind == "norms":
        return _trace_norm(spec)
    return ""


def _exercise_type() -> type | None:
    import gradkit

    try:
        return gradkit.ExerciseSpec  # type: ignore[attr-defined]
    except (AttributeError, ImportError):  # an older gradkit without the grading package
        return None


def _trace_function(spec: Any) -> str:
    import jax

    def apply() -> Any:
        return spec.fn(spec.sampler(jax.random.key(0)))

    try:
        out = jax.eval_shape(apply)
    except Exception as error:
        return f"function {spec.name!r} does not trace with jax.eval_shape: {describe_error(error)}"
    if not isinstance(out, jax.ShapeDtypeStruct):
        return f"function {spec.name!r} must return one array, got {out!r:.80}"
    return ""


def _trace_norm(spec: Any) -> str:
    import jax
    import jax.numpy as jnp

    shape = (4,) if spec.kind == "vector" else (3, 2)
    try:
        out = jax.eval_shape(spec.fn, jax.ShapeDtypeStruct(shape, jnp.float32))
    except Exception as error:
        return (
            f"norm {spec.name!r} does not trace on a {spec.kind} of shape {shape} with "
            f"jax.eval_shape: {describe_error(error)}"
        )
    if not isinstance(out, jax.ShapeDtypeStruct) or out.shape != ():
        return f"norm {spec.name!r} must return a scalar for a {spec.kind}, got {out!r:.80}"
    return ""
