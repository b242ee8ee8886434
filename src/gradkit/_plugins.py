"""The plugin manager: finds plugins, calls their hooks, fills the registries.

Loading is lazy (the first read of a registry triggers it) and idempotent.
Order: built-ins, entry points (group ``gradkit``), plugin directories, then
modules named with ``-p``.

NOTE: this is the foundation's minimal manager (built-ins and entry points);
the plugins issue hardens it (directories, -p, blocking, isolation, listing).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
from typing import Any

import pluggy

from . import hookspecs
from ._registry import exercises, functions, norms

BUILTIN_PLUGINS = (
    "gradkit.default_plugins.functions",
    "gradkit.default_plugins.norms",
)

_manager: pluggy.PluginManager | None = None
_loaded = False


def get_plugin_manager() -> pluggy.PluginManager:
    """Return the process-wide plugin manager, loading plugins on first use."""
    load()
    assert _manager is not None
    return _manager


def _registries() -> dict[str, Any]:
    return {
        "register_functions": functions,
        "register_norms": norms,
        "register_exercises": exercises,
    }


def _collect(pm: pluggy.PluginManager, plugin: object, provider: str) -> None:
    for hook_name, registry in _registries().items():
        caller = getattr(pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            if impl.plugin is not plugin:
                continue

            def register(spec: Any, _registry: Any = registry) -> None:
                _registry._add(dataclasses.replace(spec, provider=provider))

            kwargs = {"register": register} if "register" in impl.argnames else {}
            impl.function(**kwargs)


def load() -> None:
    """Load every plugin once; later calls do nothing."""
    global _manager, _loaded
    if _loaded:
        return
    _loaded = True
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    _manager = pm
    for module_name in BUILTIN_PLUGINS:
        module = importlib.import_module(module_name)
        pm.register(module, name=module_name)
        _collect(pm, module, "gradkit (built-in)")
    for ep in importlib.metadata.entry_points(group=hookspecs.PROJECT):
        plugin = ep.load()
        pm.register(plugin, name=ep.name)
        dist = ep.dist
        provider = f"{dist.name} {dist.version}" if dist is not None else ep.name
        _collect(pm, plugin, f"{provider} (plugin {ep.name!r})")
    pm.check_pending()


def reset() -> None:
    """Forget every loaded plugin and empty the registries (for tests)."""
    global _manager, _loaded
    _manager = None
    _loaded = False
    for registry in _registries().values():
        registry._clear()


_options: dict[str, tuple[str, ...]] = {"plugins_dirs": (), "plugin_args": ()}


def configure(*, plugins_dirs: tuple[str, ...] = (), plugin_args: tuple[str, ...] = ()) -> None:
    """Set the plugin directories and ``-p`` arguments for the next load."""
    _options["plugins_dirs"] = tuple(plugins_dirs)
    _options["plugin_args"] = tuple(plugin_args)
