"""The plugin manager's helpers: where plugins come from, what they may register.

Finding entry points and plugin files, importing a file as a module, the
settings of a load (`read_config`), the record kept of each plugin
(`PluginInfo`), and the cheap load-time check of every registered spec (right
type, and for functions and norms: traces with `jax.eval_shape` to the right
shape).
"""

from __future__ import annotations

import dataclasses
import glob
import importlib.metadata
import importlib.util
import os
import re
import sys
from typing import Any, Literal

from . import __version__
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


def author_trace(error: BaseException) -> str:
    """Return the traceback of `error` from the plugin's own code on, as text.

    Frames of the plugin manager and of the import machinery are left out, so
    what remains starts at the plugin author's file and line.
    """
    import traceback

    here = os.path.dirname(os.path.abspath(__file__))
    skipped = (os.path.join(here, "_plugins.py"), os.path.join(here, "_plugin_sources.py"))
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename not in skipped and not frame.filename.startswith("<frozen ")
    ]
    if not frames:
        return ""
    lines = traceback.format_list(frames)
    tail = traceback.format_exception_only(type(error), error)
    return "".join(["Traceback (the plugin's code; most recent call last):\n", *lines, *tail])


def validate_spec(kind: str, spec: Any, *, trace: bool = True) -> str:
    """Return what is wrong with `spec` as an item of registry `kind`, or ``""``.

    With ``trace=False`` only the type is checked.

    Functions must trace: ``fn(sampler(key))`` is evaluated abstractly with
    `jax.eval_shape` (nothing is compiled or run) and must give one array.
    Norms must map a float vector (``kind="vector"``) or matrix
    (``kind="matrix"``) to a scalar.
    """
    from ._assignments import AssignmentSpec
    from ._registry import FunctionSpec, NormSpec

    types: dict[str, type] = {
        "functions": FunctionSpec,
        "norms": NormSpec,
        "assignments": AssignmentSpec,
    }
    if kind == "exercises":  # imported here only: loading built-ins needs no grading package
        from .grading import ExerciseSpec

        types[kind] = ExerciseSpec
    expected = types[kind]
    if not isinstance(spec, expected):
        return f"{spec!r:.80} is a {type(spec).__name__}, not a gradkit.{expected.__name__}"
    if trace and kind == "functions":
        return _trace_function(spec)
    if trace and kind == "norms":
        return _trace_norm(spec)
    return ""


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


Status = Literal["loaded", "blocked", "failed"]


@dataclasses.dataclass(frozen=True)
class PluginInfo:
    """What `gradkit plugins` shows about one plugin.

    Attributes:
        name: the plugin's name, the one ``-p no:NAME`` blocks.
        source: ``"built-in"``, ``"entry point"``, ``"file"`` or ``"module"``.
        location: the module, the file path, or the entry point's ``module:attr``.
        package: the distribution that provides an entry point, else None.
        version: the distribution's (or module's) version when known.
        status: ``"loaded"``, ``"blocked"`` or ``"failed"``.
        reason: why it was blocked or failed; empty when loaded.
        hooks: the hooks the plugin implements.
        registered: what each hook registered, e.g. ``{"norms": ("huber",)}``.
    """

    name: str
    source: Source
    location: str
    package: str | None = None
    version: str | None = None
    status: Status = "loaded"
    reason: str = ""
    hooks: tuple[str, ...] = ()
    registered: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    @property
    def provider(self) -> str:
        """Say who provides it, e.g. ``gradkit-extra-norms 0.1.0 (entry point 'extra_norms')``."""
        if self.source == "built-in":
            return f"gradkit {__version__} (built-in)"
        if self.source == "file":
            return f"file {self.location}"
        if self.package is None:
            return f"{self.source} {self.name!r}"
        return f"{self.package} {self.version} ({self.source} {self.name!r})"

    def to_json(self) -> dict[str, Any]:
        """Return the plain-JSON form that ``gradkit plugins --json`` prints."""
        data = dataclasses.asdict(self)
        data["hooks"] = list(self.hooks)
        data["registered"] = {kind: list(names) for kind, names in self.registered.items()}
        return data


@dataclasses.dataclass(frozen=True)
class PluginConfig:
    """What to load: the settings of one load, compared to see when to reload."""

    plugins_dirs: tuple[str, ...]
    modules: tuple[str, ...]
    blocked: tuple[tuple[str, str], ...]  # (canonical name, what blocked it)
    load_only: tuple[str, ...] | None  # None: every entry point
    strict: bool


def canonical(name: str) -> str:
    """Return `name` lower-cased with runs of ``-``, ``_`` and ``.`` made one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(value: str, sep: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(sep) if part.strip())


def entry_point_info(ep: importlib.metadata.EntryPoint) -> PluginInfo:
    dist = ep.dist
    package, version = (dist.name, dist.version) if dist is not None else (None, None)
    return PluginInfo(ep.name, "entry point", ep.value, package, version)


def hint(info: PluginInfo) -> str:
    """Say how to get rid of a failing plugin, by its source."""
    if info.source == "entry point":
        return (
            f"disable it with `gradkit -p no:{info.name}` or leave it out of GRADKIT_LOAD_PLUGINS"
        )
    if info.source == "file":
        return f"fix or remove {info.location}, or disable it with `gradkit -p no:{info.name}`"
    if info.source == "module":
        return f"fix the module or drop `-p {info.name}`"
    return "this is a bug in gradkit; please report it"


def read_config(plugins_dirs: tuple[str, ...], plugin_args: tuple[str, ...]) -> PluginConfig:
    """Combine the command line's options with the GRADKIT_* environment variables."""
    env = os.environ
    dirs: list[str] = []
    for path in (
        *plugins_dirs,
        *_split(env.get("GRADKIT_PLUGINS_DIR", ""), os.pathsep),
    ):
        if os.path.abspath(path) not in map(os.path.abspath, dirs):
            dirs.append(path)
    blocked = [(canonical(a[3:]), f"-p {a}") for a in plugin_args if a.startswith("no:")]
    blocked += [
        (canonical(n), "GRADKIT_DISABLE_PLUGINS")
        for n in _split(env.get("GRADKIT_DISABLE_PLUGINS", ""), ",")
    ]
    load = env.get("GRADKIT_LOAD_PLUGINS")
    return PluginConfig(
        plugins_dirs=tuple(dirs),
        modules=tuple(a for a in plugin_args if not a.startswith("no:")),
        blocked=tuple(blocked),
        load_only=None if load is None else _split(load, ","),
        strict=env.get("GRADKIT_STRICT_PLUGINS", "").strip().lower()
        not in ("", "0", "false", "no"),
    )
