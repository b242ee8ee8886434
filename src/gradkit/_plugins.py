"""The plugin host: finds plugins, calls their hooks, fills the registries.

`PluginHost` owns the pluggy manager, the settings and what is known about each
plugin; `host` is the one gradkit uses, and this module's functions
(`configure`, `load`, `plugins`, ...) are its methods. Nothing else is changed
in the process: warnings are left to whoever shows them (the command line
prints a `PluginWarning` as one line, see `gradkit._cli.main`).

Loading is lazy (the first read of a registry triggers it) and happens once.
Order: the built-ins, installed entry points (group ``gradkit``), the ``*.py``
files of the plugin directories, then the modules named with ``-p``.

Every plugin is loaded on its own, so one that fails to import, whose hook
raises, or that registers something invalid is skipped with one
`PluginWarning` (or, with ``GRADKIT_STRICT_PLUGINS=1``, a `PluginError`) while
the others keep working. A plugin's items enter the registries all together or
not at all. When two plugins register the same name, the first one loaded keeps
it and the second plugin is skipped with a message naming both providers.
So is a plugin whose hook implementation sets an option in `REFUSED_OPTIONS`
(``wrapper``, ``hookwrapper``, ``tryfirst``, ``trylast``): gradkit calls each
plugin's hooks itself, once, in load order, so it cannot honour them.
Blocking (``-p no:NAME``, ``GRADKIT_DISABLE_PLUGINS``) is pluggy's
`set_blocked`, done before any plugin is imported.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import os
import threading
import warnings
from collections.abc import Callable
from typing import Any, cast

import pluggy

from . import __version__, hookspecs
from ._errors import PluginError, PluginWarning
from ._plugin_sources import (
    PluginConfig,
    PluginInfo,
    author_trace,
    canonical,
    describe_error,
    entry_point_info,
    entry_points,
    forget_files,
    hint,
    import_file,
    plugin_files,
    read_config,
    validate_spec,
)
from ._registry import Registry, assignments, exercises, functions, norms

BUILTIN_PLUGINS = (
    "gradkit.default_plugins.functions",
    "gradkit.default_plugins.norms",
)

# hook name -> (what it registers, the registry it fills)
HOOKS: dict[str, tuple[str, Registry[Any]]] = {
    "register_functions": ("functions", functions),
    "register_norms": ("norms", norms),
    "register_exercises": ("exercises", exercises),
    "register_assignments": ("assignments", assignments),
}

HOOKS_KEY = {kind: registry._key for kind, registry in HOOKS.values()}
_NOT_LISTED = "not listed in GRADKIT_LOAD_PLUGINS"

# hookimpl options that gradkit's loader does not honour -> what to do instead. The
# loader calls each plugin's hooks itself, once, right after registering that plugin
# (see `_Loader._collect`): nothing is wrapped, and load order alone decides who is first.
_WRAP = "remove it and call register(spec) in a plain function: gradkit wraps no hook"
_ORDER = (
    "remove it: gradkit calls each plugin's hooks once, in load order; to decide which "
    "plugin keeps a name, block the other (`gradkit -p no:NAME`)"
)
REFUSED_OPTIONS = {"wrapper": _WRAP, "hookwrapper": _WRAP, "tryfirst": _ORDER, "trylast": _ORDER}


class PluginHost:
    """gradkit's plugin host: one pluggy manager and everything known about its plugins.

    It holds the settings of the command line (`configure`), whether the
    plugins are loaded, what is known about each one (`plugins`), and a
    strict-mode error to raise again. Loading fills gradkit's registries
    (`gradkit.functions`, `gradkit.norms`, ...). gradkit uses one, `host`,
    and the functions of this module are its methods.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.plugins_dirs: tuple[str, ...] = ()
        self.plugin_args: tuple[str, ...] = ()
        self.verbose = False
        self.loaded = False
        self._config: PluginConfig | None = None
        self._manager: pluggy.PluginManager | None = None
        self._fatal: PluginError | None = None
        self._infos: list[PluginInfo] = []

    def __repr__(self) -> str:
        state = f"{len(self._infos)} plugins" if self.loaded else "not loaded"
        return f"<gradkit plugin host: {state}>"

    def _current_config(self) -> PluginConfig:
        return read_config(self.plugins_dirs, self.plugin_args)

    def configure(
        self,
        *,
        plugins_dirs: tuple[str, ...] = (),
        plugin_args: tuple[str, ...] = (),
        verbose: bool = False,
    ) -> None:
        """Set the plugin directories and ``-p`` arguments (the command line calls this).

        With `verbose` (``gradkit -v``), a failing plugin's warning carries the
        plugin's own traceback (file, line, code), as strict mode's error does.

        Plugins already loaded with other settings are forgotten, so the next read
        of a registry loads them again with these.
        """
        with self._lock:
            changed = self.verbose != bool(verbose)
            self.plugins_dirs = tuple(plugins_dirs)
            self.plugin_args = tuple(plugin_args)
            self.verbose = bool(verbose)
            if self.loaded and (changed or self._config != self._current_config()):
                self.reset(keep_options=True)

    def reset(self, *, keep_options: bool = False) -> None:
        """Forget every loaded plugin and empty the registries (for tests)."""
        with self._lock:
            forget_files()
            self._infos.clear()
            self.loaded, self._config, self._manager, self._fatal = False, None, None, None
            for _kind, registry in HOOKS.values():
                registry._clear()
            if not keep_options:
                self.plugins_dirs, self.plugin_args, self.verbose = (), (), False

    def load(self) -> None:
        """Load every plugin once; later calls do nothing (or re-raise a strict-mode error)."""
        if self.loaded:
            if self._fatal is not None:
                raise self._fatal
            return
        with self._lock:
            if self.loaded:
                return self.load()
            # Set first: a plugin that reads a registry while loading sees what is there so far.
            self.loaded = True
            self._config = config = self._current_config()
            self._manager = manager = _Manager(hookspecs.PROJECT)
            manager.add_hookspecs(hookspecs)
            try:
                _Loader(manager, config, self._infos, verbose=self.verbose).run()
            except PluginError as error:
                self._fatal = error
                raise

    def get_plugin_manager(self) -> pluggy.PluginManager:
        """Return the pluggy manager, loading plugins on first use."""
        self.load()
        assert self._manager is not None
        return self._manager

    def plugins(self) -> tuple[PluginInfo, ...]:
        """Return what is known about every plugin: loaded, blocked or failed, in load order."""
        self.load()
        return tuple(self._infos)

    def get_plugin(self, name: str) -> PluginInfo:
        """Return the `PluginInfo` of the plugin called `name` (or provided by package `name`)."""
        from ._errors import UnknownNameError

        wanted = canonical(name)
        found = [
            p for p in self.plugins() if wanted in (canonical(p.name), canonical(p.package or ""))
        ]
        if not found:
            known = ", ".join(sorted({p.name for p in self._infos})) or "(none)"
            raise UnknownNameError(f"unknown plugin {name!r}; known plugins: {known}")
        return found[0]


host = PluginHost()
configure = host.configure
reset = host.reset
load = host.load
get_plugin_manager = host.get_plugin_manager
plugins = host.plugins
get_plugin = host.get_plugin


class _Refused(Exception):
    """Internal: a hookimpl sets an option in `REFUSED_OPTIONS` (args: hook, option)."""


class _Manager(pluggy.PluginManager):
    """pluggy's manager, refusing at registration the options gradkit does not honour."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None:
            for option in REFUSED_OPTIONS:
                if opts.get(option):
                    raise _Refused(opts.get("specname") or name, option)
        return opts


class _Skip(Exception):
    """Internal: the current plugin must be skipped for the reason in args[0].

    ``trace`` is the plugin author's traceback, when the reason is an exception.
    """

    def __init__(self, reason: str, trace: str = "") -> None:
        super().__init__(reason)
        self.trace = trace


class _Loader:
    """One pass over every plugin source, in order."""

    def __init__(
        self,
        manager: pluggy.PluginManager,
        config: PluginConfig,
        infos: list[PluginInfo],
        *,
        verbose: bool,
    ) -> None:
        self.pm = manager
        self.config = config
        self.infos = infos  # the host's list, filled in load order
        self.verbose = verbose
        self.owner: dict[tuple[str, str], PluginInfo] = {}  # (kind, item name) -> provider

    def run(self) -> None:
        builtins = {canonical(name): name for name in BUILTIN_PLUGINS}
        for name, how in self.config.blocked:
            if name in builtins:
                raise PluginError(
                    f"the built-in plugin {builtins[name]!r} cannot be disabled ({how}); "
                    "gradkit's own functions and norms depend on it. Disable third-party "
                    "plugins only.",
                    plugin=builtins[name],
                )
            self.pm.set_blocked(name)  # pluggy keeps the blocked names; `how` says who asked
        for module_name in BUILTIN_PLUGINS:
            info = PluginInfo(module_name, "built-in", module_name, "gradkit", __version__)
            self._load_one(info, lambda m=module_name: importlib.import_module(m))
        self._entry_points()
        for directory in self.config.plugins_dirs:
            for path in plugin_files(directory):
                stem = os.path.splitext(os.path.basename(path))[0]
                self._consider(PluginInfo(stem, "file", path), lambda p=path: import_file(p))
        for module_name in self.config.modules:
            self._module(module_name)
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as error:  # _load_one already removed such plugins
            raise PluginError(f"unexpected unknown hook after loading: {error}") from None

    def _blocked_by(self, *names: str | None) -> str | None:
        wanted = {canonical(n) for n in names if n}
        if not any(self.pm.is_blocked(name) for name in wanted):
            return None
        return next((how for name, how in self.config.blocked if name in wanted), "set_blocked")

    def _consider(self, info: PluginInfo, importer: Callable[[], object]) -> None:
        how = self._blocked_by(info.name, info.package)
        if how is not None:
            self.infos.append(
                dataclasses.replace(info, status="blocked", reason=f"blocked by {how}")
            )
        else:
            self._load_one(info, importer)

    def _entry_points(self) -> None:
        only = self.config.load_only
        wanted = {canonical(n) for n in only or ()}
        seen: set[str] = set()
        for ep in entry_points():
            info = entry_point_info(ep)
            keys = {canonical(ep.name), canonical(info.package or "")}
            seen |= keys
            if only is not None and not keys & wanted:
                self.infos.append(dataclasses.replace(info, status="blocked", reason=_NOT_LISTED))
            else:
                self._consider(info, ep.load)
        for name in only or ():
            if canonical(name) not in seen:
                installed = ", ".join(
                    sorted(p.name for p in self.infos if p.source == "entry point")
                )
                self._fail(
                    PluginInfo(name, "entry point", "?"),
                    "is named in GRADKIT_LOAD_PLUGINS, but no installed package has a gradkit "
                    f"entry point of that name (installed: {installed or 'none'})",
                )

    def _module(self, name: str) -> None:
        previous = next(
            (p for p in self.infos if p.name == name and p.source == "entry point"), None
        )
        if previous is not None and previous.reason != _NOT_LISTED:
            return  # -p names an entry point that was already loaded, blocked or failed
        ep = next((ep for ep in entry_points() if ep.name == name), None)
        if ep is not None:
            if previous is not None:
                self.infos.remove(previous)
            self._consider(entry_point_info(ep), ep.load)
        else:
            info = PluginInfo(name, "module", name)
            self._consider(info, lambda: importlib.import_module(name))

    def _fail(self, info: PluginInfo, reason: str, trace: str = "") -> None:
        self.infos.append(dataclasses.replace(info, status="failed", reason=reason))
        message = f"plugin {info.name!r} ({info.provider}) {reason}."
        if self.config.strict:
            raise PluginError(
                f"{message} GRADKIT_STRICT_PLUGINS=1 makes plugin failures fatal; {hint(info)}"
                + (f"\n{trace}" if trace else ""),
                plugin=info.name,
            )
        shown = f"\n{trace}" if trace and self.verbose else ""
        warnings.warn(f"{message} It was skipped; {hint(info)}{shown}", PluginWarning, stacklevel=2)

    def _load_one(self, info: PluginInfo, importer: Callable[[], object]) -> None:
        other = next((p for p in self.infos if p.name == info.name and p.status == "loaded"), None)
        if other is not None:
            self._fail(
                info, f"has the same name as the loaded plugin from {other.provider}; rename one"
            )
            return
        try:
            plugin = importer()
        except Exception as error:
            self._fail(info, f"failed to import: {describe_error(error)}", author_trace(error))
            return
        if info.version is None and isinstance(getattr(plugin, "__version__", None), str):
            info = dataclasses.replace(info, version=plugin.__version__)  # type: ignore[attr-defined]
        try:
            self.pm.register(plugin, name=info.name)
        except (pluggy.PluginValidationError, _Refused) as error:
            # pluggy before 1.7 registers the plugin before it validates it: take it out
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            self._fail(info, _refusal(error))
            return
        except ValueError as error:
            self._fail(info, f"could not be registered: {describe_error(error)}")
            return
        try:
            hooks = self._check_hooks(plugin)
            staged = self._collect(plugin, info)
        except _Skip as skip:
            self.pm.unregister(plugin)
            self._fail(info, str(skip), skip.trace)
            return
        registered: dict[str, list[str]] = {}
        for kind, registry, name, spec in staged:
            registry._add(spec)
            self.owner[(kind, name)] = info
            registered.setdefault(kind, []).append(name)
        final = {kind: tuple(names) for kind, names in registered.items()}
        self.infos.append(dataclasses.replace(info, hooks=hooks, registered=final))

    def _check_hooks(self, plugin: object) -> tuple[str, ...]:
        hooks = []
        for caller in self.pm.get_hookcallers(plugin) or []:
            if caller.has_spec():
                hooks.append(caller.name)
                continue
            impls = [i for i in caller.get_hookimpls() if i.plugin is plugin]
            if any(not impl.optionalhook for impl in impls):
                raise _Skip(
                    f"implements the unknown hook {caller.name!r} (misspelt? gradkit's hooks are "
                    f"{', '.join(sorted(HOOKS))})"
                )
        return tuple(sorted(hooks))

    def _collect(
        self, plugin: object, info: PluginInfo
    ) -> list[tuple[str, Registry[Any], str, Any]]:
        staged: list[tuple[str, Registry[Any], str, Any]] = []
        problems: list[str] = []  # kept here too, in case the hook swallows the _Skip
        for hook_name, (kind, _registry) in HOOKS.items():
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                if impl.plugin is not plugin:
                    continue

                def register(spec: Any, _hook: str = hook_name, _kind: str = kind) -> None:
                    # built-ins are trusted (gradkit's own contract tests cover them):
                    # checking the type only keeps e.g. equinox from loading at start-up
                    problem = validate_spec(_kind, spec, trace=info.source != "built-in")
                    if problem:
                        problem = f"registered an invalid item from {_hook}: {problem}"
                    problem = problem or self._clash(_kind, spec, info, staged)
                    if problem:
                        problems.append(problem)
                        raise _Skip(problem)
                    spec = _with_provider(spec, info.provider)
                    staged.append((_kind, HOOKS[_hook][1], _item_name(_kind, spec), spec))

                kwargs = {"register": register} if "register" in impl.argnames else {}
                try:
                    result = impl.function(**kwargs)
                except _Skip:
                    raise
                except Exception as error:
                    raise _Skip(
                        f"hook {hook_name} raised {describe_error(error)}", author_trace(error)
                    ) from None
                if problems:
                    raise _Skip(problems[0])
                if result is not None:
                    raise _Skip(
                        f"hook {hook_name} returned {type(result).__name__} {result!r:.60}; call "
                        "register(spec) once per item instead of returning or yielding specs"
                    )
        return staged

    def _clash(self, kind: str, spec: Any, info: PluginInfo, staged: list[Any]) -> str:
        name = _item_name(kind, spec)
        what = f"{kind[:-1]} {name!r}"
        if any(k == kind and n == name for k, _r, n, _s in staged):
            return f"registers the {what} twice"
        first = self.owner.get((kind, name))
        if first is None:
            return ""
        if first.source == "built-in":
            return (
                f"registers the {what}, which gradkit itself provides; built-in names cannot be "
                "replaced, so rename the item in the plugin"
            )
        return (
            f"registers the {what}, which {first.provider} already registered; the first "
            "plugin loaded keeps the name. Disable one of the two with "
            f"`gradkit -p no:{first.name}` or `gradkit -p no:{info.name}` (or "
            "GRADKIT_DISABLE_PLUGINS=NAME), or list the plugins to keep in GRADKIT_LOAD_PLUGINS"
        )


def _refusal(error: pluggy.PluginValidationError | _Refused) -> str:
    """Say why `pm.register` refused a plugin, after the plugin's name."""
    if isinstance(error, _Refused):
        hook, option = error.args
        return (
            f"sets {option}=True on its hook {hook}, which gradkit does not honour; "
            f"{REFUSED_OPTIONS[option]}"
        )
    # pluggy's first line only names the plugin; the next ones say what is wrong
    detail = "; ".join(str(error).splitlines()[1:]) or str(error)
    return f"has an invalid hook implementation: {detail}"


def _item_name(kind: str, spec: Any) -> str:
    return getattr(spec, HOOKS_KEY[kind])


def _with_provider(spec: Any, provider: str) -> Any:
    if dataclasses.is_dataclass(spec) and any(
        f.name == "provider" for f in dataclasses.fields(spec)
    ):
        # an instance in practice; is_dataclass also admits a class, which replace refuses
        return dataclasses.replace(cast(Any, spec), provider=provider)
    return spec
