"""The plugin manager: discovery, order, blocking, failure isolation, strict mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gradkit as gk
from gradkit import _plugins, hookspecs

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "plugin_fixtures"
pytestmark = pytest.mark.usefixtures("host")  # nothing loaded, no plugin variables set


def make_dist(root: Path, dist: str, version: str, ep: str, module: str, source: str) -> None:
    """Install a fake distribution with a `gradkit` entry point under `root` (on sys.path)."""
    (root / f"{module}.py").write_text(source)
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[gradkit]\n{ep} = {module}\n")


NORM_PLUGIN = """
import gradkit as gk

@gk.hookimpl
def register_norms(register):
    register(gk.NormSpec({name!r}, lambda v: abs(v).sum()))
"""


def info(name: str) -> _plugins.PluginInfo:
    return next(p for p in _plugins.plugins() if p.name == name)


def only_entry_points(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Hide every installed entry point but `names`, so results do not depend on the venv."""
    from gradkit import _plugin_sources

    kept = [ep for ep in _plugin_sources.entry_points() if ep.name in names]
    monkeypatch.setattr(_plugins, "entry_points", lambda: kept)


# --- laziness and order -------------------------------------------------------------------


def test_import_gradkit_loads_no_plugin_and_no_jax():
    code = (
        "import sys, gradkit\n"
        "print(sorted(m for m in ('jax', 'gradkit._plugins', 'pluggy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_first_registry_read_loads_every_plugin_once(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GRADKIT_PLUGINS_DIR", str(FIXTURES / "good"))
    assert _plugins.host.loaded is False
    assert "fixture-cube" in gk.functions
    first = _plugins.plugins()
    assert gk.norms.get("fixture-l1").provider == f"file {FIXTURES / 'good' / 'cube.py'}"
    assert _plugins.plugins() is not first and _plugins.plugins() == first
    assert sys.modules["_gradkit_file_plugin.cube"] is not None
    _plugins.reset()
    assert "_gradkit_file_plugin.cube" not in sys.modules
    assert gk.functions._items == {}


def test_load_order_is_builtins_entry_points_directories_then_dash_p(
    monkeypatch: pytest.MonkeyPatch,
):
    only_entry_points(monkeypatch, "extra_norms")
    monkeypatch.syspath_prepend(str(FIXTURES / "modules"))
    _plugins.configure(plugins_dirs=(str(FIXTURES / "good"),), plugin_args=("gk_fixture_module",))
    assert [(p.name, p.source, p.status) for p in _plugins.plugins()] == [
        ("gradkit.default_plugins.functions", "built-in", "loaded"),
        ("gradkit.default_plugins.norms", "built-in", "loaded"),
        ("extra_norms", "entry point", "loaded"),
        ("cube", "file", "loaded"),
        ("gk_fixture_module", "module", "loaded"),
    ]
    module = info("gk_fixture_module")
    assert (module.version, module.registered) == ("2.5", {"functions": ("fixture-module-square",)})
    assert gk.functions.get("fixture-module-square").provider == "module 'gk_fixture_module'"


def test_builtins_register_through_the_hooks_and_record_their_provider():
    builtin = info("gradkit.default_plugins.norms")
    assert builtin.hooks == ("register_norms",) and "l2" in builtin.registered["norms"]
    assert gk.norms.get("l2").provider == f"gradkit {gk.__version__} (built-in)"


# --- the example plugin package, through its entry point ---------------------------------


def test_the_installed_example_package_is_discovered_through_its_entry_point():
    extra = info("extra_norms")
    assert (extra.source, extra.package, extra.version, extra.status) == (
        "entry point",
        "gradkit-extra-norms",
        "0.1.0",
        "loaded",
    )
    assert extra.location == "gradkit_extra_norms"
    assert extra.hooks == ("register_functions", "register_norms")
    assert extra.registered == {
        "functions": ("log-cosh", "swish"),
        "norms": ("huber", "schatten-1", "schatten-3", "l21"),
    }
    provider = "gradkit-extra-norms 0.1.0 (entry point 'extra_norms')"
    assert gk.norms.get("huber").provider == provider


def test_a_registered_norm_works_by_name_at_once_under_jit_and_grad():
    x = jnp.array([0.5, -2.0, 3.0, 0.0])
    # huber: 0.5²/2 + (2 − ½) + (3 − ½) + 0
    assert float(gk.norm(x, ord="huber")) == 4.125
    assert float(jax.jit(lambda v: gk.norm(v, ord="huber"))(x)) == 4.125
    grad = jax.grad(lambda v: gk.norm(v, ord="huber"))(x)
    np.testing.assert_array_equal(grad, [0.5, -1.0, 1.0, 0.0])
    rows = jnp.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(gk.norm(rows, ord="huber", axis=1), [6.0, 0.0])


def test_example_matrix_norms_have_the_textbook_values_and_finite_gradients():
    a = jnp.array([[3.0, 0.0], [0.0, -4.0], [0.0, 0.0]])
    assert float(gk.norm(a, ord="schatten-1")) == pytest.approx(7.0)
    assert float(gk.norm(a, ord="schatten-3")) == pytest.approx((27 + 64) ** (1 / 3))
    assert float(gk.norm(a, ord="l21")) == pytest.approx(7.0)
    for name in ("schatten-1", "schatten-3", "l21"):
        g = jax.grad(lambda m, n=name: gk.norm(m, ord=n))(jnp.zeros((3, 2)))
        np.testing.assert_array_equal(g, np.zeros((3, 2)))
    g = jax.grad(lambda m: gk.norm(m, ord="schatten-1"))(a)
    np.testing.assert_allclose(g, [[1, 0], [0, -1], [0, 0]], atol=1e-6)


def test_blocking_the_package_leaves_its_norms_out(monkeypatch: pytest.MonkeyPatch):
    _plugins.configure(plugin_args=("no:extra_norms",))
    assert info("extra_norms").status == "blocked"
    assert info("extra_norms").reason == "blocked by -p no:extra_norms"
    with pytest.raises(gk.UnknownNameError, match="unknown norm 'huber'"):
        gk.norm(jnp.ones(3), ord="huber")


# --- entry points: blocking before import, GRADKIT_LOAD_PLUGINS ---------------------------


@pytest.fixture
def dists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two fake installed packages: gk-fix-alpha 1.0 (alpha) and gk-fix-beta 2.0 (beta)."""
    tag = tmp_path.name.replace("-", "_")
    make_dist(
        tmp_path,
        "gk-fix-alpha",
        "1.0",
        "alpha",
        f"alpha_{tag}",
        NORM_PLUGIN.format(name="alpha-norm"),
    )
    make_dist(
        tmp_path,
        "gk-fix-beta",
        "2.0",
        "beta",
        f"beta_{tag}",
        "import os\nos.environ['GK_FIX_BETA_IMPORTED'] = '1'\n"
        + NORM_PLUGIN.format(name="beta-norm"),
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("GK_FIX_BETA_IMPORTED", raising=False)
    only_entry_points(monkeypatch, "alpha", "beta")
    return tmp_path


def test_entry_points_of_fake_packages_are_loaded_with_name_and_version(dists: Path):
    assert {"alpha-norm", "beta-norm"} <= set(gk.norms.names())
    assert gk.norms.get("beta-norm").provider == "gk-fix-beta 2.0 (entry point 'beta')"


@pytest.mark.parametrize(
    ("args", "env", "reason"),
    [
        (("no:beta",), {}, "blocked by -p no:beta"),
        (("no:gk-fix-beta",), {}, "blocked by -p no:gk-fix-beta"),
        (("no:GK_fix_Beta",), {}, "blocked by -p no:GK_fix_Beta"),
        ((), {"GRADKIT_LOAD_PLUGINS": "alpha"}, "not listed in GRADKIT_LOAD_PLUGINS"),
        ((), {"GRADKIT_LOAD_PLUGINS": "gk-fix-alpha"}, "not listed in GRADKIT_LOAD_PLUGINS"),
        ((), {"GRADKIT_LOAD_PLUGINS": ""}, "not listed in GRADKIT_LOAD_PLUGINS"),
        ((), {"GRADKIT_DISABLE_PLUGINS": "beta"}, "blocked by GRADKIT_DISABLE_PLUGINS"),
    ],
)
def test_a_blocked_plugin_is_never_imported(
    dists: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
    reason: str,
):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    _plugins.configure(plugin_args=args)
    beta = info("beta")
    assert (beta.status, beta.reason, beta.package, beta.version) == (
        "blocked",
        reason,
        "gk-fix-beta",
        "2.0",
    )
    assert "beta-norm" not in gk.norms
    assert "GK_FIX_BETA_IMPORTED" not in os.environ
    assert "l2" in gk.norms  # built-ins always load


def test_load_plugins_empty_then_dash_p_loads_one_entry_point_by_name(
    dists: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("GRADKIT_LOAD_PLUGINS", "")
    _plugins.configure(plugin_args=("beta",))
    assert info("alpha").status == "blocked"
    assert (info("beta").status, info("beta").source) == ("loaded", "entry point")
    assert "beta-norm" in gk.norms and "alpha-norm" not in gk.norms


def test_load_plugins_naming_an_unknown_plugin_warns(dists: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GRADKIT_LOAD_PLUGINS", "alpha,gamma")
    message = (
        "plugin 'gamma' (entry point 'gamma') is named in GRADKIT_LOAD_PLUGINS, but no installed "
        "package has a gradkit entry point of that name (installed: alpha, beta)"
    )
    with pytest.warns(gk.PluginWarning, match=re.escape(message)):
        _plugins.load()
    assert "alpha-norm" in gk.norms


def test_builtins_cannot_be_disabled():
    _plugins.configure(plugin_args=("no:gradkit.default_plugins.norms",))
    message = (
        "the built-in plugin 'gradkit.default_plugins.norms' cannot be disabled "
        "(-p no:gradkit.default_plugins.norms)"
    )
    with pytest.raises(gk.PluginError, match=re.escape(message)):
        gk.norms.names()


def test_a_missing_plugin_directory_is_an_error(tmp_path: Path):
    _plugins.configure(plugins_dirs=(str(tmp_path / "nope"),))
    with pytest.raises(gk.PluginError, match=r"the plugin directory '.*nope' does not exist"):
        _plugins.load()


# --- the host: refused hookimpl options, PluginError.plugin, no process-wide changes -------

# gradkit calls each plugin's hooks itself, once, in load order: these options would be ignored.
REFUSED = {
    "wrapper": """
@gk.hookimpl(wrapper=True)
def register_norms(register):
    result = yield
    return result
""",
    "hookwrapper": """
@gk.hookimpl(hookwrapper=True)
def register_norms(register):
    yield
""",
    "tryfirst": """
@gk.hookimpl(tryfirst=True)
def register_norms(register):
    register(gk.NormSpec("first-norm", lambda v: abs(v).sum()))
""",
    "trylast": """
@gk.hookimpl(trylast=True)
def register_norms(register):
    register(gk.NormSpec("last-norm", lambda v: abs(v).sum()))
""",
}
WRAP_ADVICE = "remove it and call register(spec) in a plain function: gradkit wraps no hook"
ORDER_ADVICE = (
    "remove it: gradkit calls each plugin's hooks once, in load order; to decide which plugin "
    "keeps a name, block the other (`gradkit -p no:NAME`)"
)


def refused_plugin(directory: Path, option: str) -> Path:
    """Write `opt_OPTION.py`: a good function hook, and a norm hook that sets `option`."""
    path = directory / f"opt_{option}.py"
    good = "@gk.hookimpl\ndef register_functions(register):\n"
    good += "    register(gk.FunctionSpec('opt-fn', lambda x: 2.0 * x))\n"
    path.write_text(f"import gradkit as gk\n\n{good}{REFUSED[option]}")
    return path


@pytest.mark.parametrize("option", list(REFUSED))
def test_a_hook_option_gradkit_does_not_honour_is_refused_at_registration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
):
    path = refused_plugin(tmp_path, option)
    advice = WRAP_ADVICE if "wrapper" in option else ORDER_ADVICE
    head = (
        f"plugin 'opt_{option}' (file {path}) sets {option}=True on its hook register_norms, "
        f"which gradkit does not honour; {advice}."
    )
    _plugins.configure(plugins_dirs=(str(tmp_path),))
    with pytest.warns(gk.PluginWarning, match=re.escape(head)) as record:
        assert "opt-fn" not in gk.functions  # refused as a whole, the good hook too
    assert len(record) == 1 and str(record[0].message).endswith(
        f"It was skipped; fix or remove {path}, or disable it with `gradkit -p no:opt_{option}`"
    )
    refused = info(f"opt_{option}")
    assert (refused.status, refused.hooks, refused.registered) == ("failed", (), {})
    assert _plugins.get_plugin_manager().get_plugin(f"opt_{option}") is None
    assert "l2" in gk.norms  # the others keep working
    monkeypatch.setenv("GRADKIT_STRICT_PLUGINS", "1")
    _plugins.reset(keep_options=True)
    with pytest.raises(gk.PluginError, match=re.escape(head)) as raised:
        gk.norms.names()
    assert raised.value.plugin == f"opt_{option}"


def test_the_refused_option_is_named_with_the_hook_a_specname_implements(tmp_path: Path):
    (tmp_path / "named.py").write_text(
        "import gradkit as gk\n\n"
        "@gk.hookimpl(specname='register_functions', trylast=True)\n"
        "def late_functions(register):\n"
        "    register(gk.FunctionSpec('late-fn', lambda x: x))\n"
    )
    _plugins.configure(plugins_dirs=(str(tmp_path),))
    message = "plugin 'named' (file {}) sets trylast=True on its hook register_functions,"
    with pytest.warns(gk.PluginWarning, match=re.escape(message.format(tmp_path / "named.py"))):
        assert "late-fn" not in gk.functions


def test_the_hook_options_gradkit_honours_are_accepted(tmp_path: Path):
    (tmp_path / "honoured.py").write_text(
        "import gradkit as gk\n\n"
        "@gk.hookimpl(specname='register_norms')\n"
        "def my_norms(register):\n"
        "    register(gk.NormSpec('honoured-l1', lambda v: abs(v).sum()))\n\n"
        "@gk.hookimpl(optionalhook=True)\n"
        "def register_widgets(register):\n"
        "    raise AssertionError('an optional unknown hook is never called')\n"
    )
    _plugins.configure(plugins_dirs=(str(tmp_path),))
    assert gk.norms.get("honoured-l1").provider == f"file {tmp_path / 'honoured.py'}"
    honoured = info("honoured")
    assert (honoured.status, honoured.hooks) == ("loaded", ("register_norms",))


def test_plugin_error_carries_the_plugin_it_is_about(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GRADKIT_STRICT_PLUGINS", "1")
    _plugins.configure(plugins_dirs=(str(FIXTURES / "broken_import"),))
    with pytest.raises(gk.PluginError, match="^plugin 'broken' ") as raised:
        gk.norms.names()
    assert raised.value.plugin == "broken"
    with pytest.raises(gk.PluginError) as again:  # strict mode's error is raised again
        _plugins.load()
    assert again.value is raised.value
    _plugins.configure(plugin_args=("no:gradkit.default_plugins.norms",))
    with pytest.raises(gk.PluginError, match="built-in plugin .* cannot be disabled") as builtin:
        _plugins.load()
    assert builtin.value.plugin == "gradkit.default_plugins.norms"
    monkeypatch.setenv("GRADKIT_LOAD_PLUGINS", "gk-nowhere")
    _plugins.configure()
    with pytest.raises(gk.PluginError, match="^plugin 'gk-nowhere' .* is named in") as unknown:
        _plugins.load()
    assert unknown.value.plugin == "gk-nowhere"


def test_plugin_error_about_no_single_plugin_carries_none(tmp_path: Path):
    _plugins.configure(plugins_dirs=(str(tmp_path / "nope"),))
    with pytest.raises(gk.PluginError, match="the plugin directory .* does not exist") as raised:
        _plugins.load()
    assert raised.value.plugin is None
    assert gk.PluginError("no plugin in particular").plugin is None


def test_plugin_error_keeps_its_plugin_through_pickle():
    import pickle

    error = pickle.loads(pickle.dumps(gk.PluginError("it broke", plugin="cube")))
    assert (type(error), str(error), error.plugin) == (gk.PluginError, "it broke", "cube")


def test_blocked_names_are_pluggys_blocked_names(dists: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GRADKIT_DISABLE_PLUGINS", "GK_fix_Beta")
    _plugins.configure(plugin_args=("no:extra_norms",))
    manager = _plugins.get_plugin_manager()
    assert manager.is_blocked("extra-norms") and manager.is_blocked("gk-fix-beta")
    assert not manager.is_blocked("alpha") and manager.has_plugin("alpha")
    assert manager.register(object(), name="extra-norms") is None  # pluggy refuses it
    assert info("beta").reason == "blocked by GRADKIT_DISABLE_PLUGINS"


def test_the_host_changes_nothing_process_wide(monkeypatch: pytest.MonkeyPatch):
    import warnings

    before = (warnings.formatwarning, warnings.showwarning, list(warnings.filters))
    _plugins.configure(plugins_dirs=(str(FIXTURES / "broken_import"),), verbose=True)
    with pytest.warns(gk.PluginWarning):
        _plugins.load()
    assert (warnings.formatwarning, warnings.showwarning) == before[:2]
    _plugins.reset()
    assert list(warnings.filters) == before[2]


def test_the_command_line_formats_plugin_warnings_only_while_it_runs():
    import warnings

    from gradkit._cli import main

    before = warnings.formatwarning
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and warnings.formatwarning is before


def test_the_host_says_what_it_holds(host: _plugins.PluginHost):
    assert host is _plugins.host and repr(host) == "<gradkit plugin host: not loaded>"
    count = len(host.plugins())
    assert count >= 3 and repr(host) == f"<gradkit plugin host: {count} plugins>"


# --- failure isolation --------------------------------------------------------------------


def file_of(scenario: str, stem: str) -> str:
    return str(FIXTURES / scenario / f"{stem}.py")


FAILURES = [
    (
        "broken_import",
        "broken",
        "failed to import: ModuleNotFoundError: No module named 'gradkit_fixture_no_such_module'",
    ),
    ("hook_raises", "raises", "hook register_norms raised RuntimeError: boom"),
    (
        "wrong_type",
        "wrong_type",
        "registered an invalid item from register_norms: 'l7' is a str, not a gradkit.NormSpec",
    ),
    (
        "no_trace",
        "no_trace",
        "registered an invalid item from register_functions: function 'fixture-relu' does not "
        "trace with jax.eval_shape: TracerBoolConversionError: Attempted boolean conversion of "
        "traced array with shape bool[]",
    ),
    (
        "misspelled",
        "misspelled",
        "implements the unknown hook 'register_norm' (misspelt? gradkit's hooks are "
        "register_assignments, register_exercises, register_functions, register_norms)",
    ),
    (
        "bad_argument",
        "bad_argument",
        "has an invalid hook implementation: hookimpl definition: register_norms(add); "
        "Argument(s) {'add'} are declared in the hookimpl but can not be found in the hookspec",
    ),
    (
        "generator",
        "generator",
        "hook register_norms returned generator <generator object register_norms at",
    ),
    (
        "swallow",
        "swallow",
        "registered an invalid item from register_norms: 42 is a int, not a gradkit.NormSpec",
    ),
]


@pytest.mark.parametrize(("scenario", "stem", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_failing_plugin_is_skipped_with_one_warning_and_listed(
    monkeypatch: pytest.MonkeyPatch, scenario: str, stem: str, reason: str
):
    monkeypatch.setenv(
        "GRADKIT_PLUGINS_DIR", os.pathsep.join([str(FIXTURES / scenario), str(FIXTURES / "good")])
    )
    head = f"plugin '{stem}' (file {file_of(scenario, stem)}) {reason}"
    with pytest.warns(gk.PluginWarning) as record:
        names = gk.norms.names()
        gk.functions.names()
        _plugins.load()
    assert len(record) == 1
    message = str(record[0].message)
    assert message.startswith(head), message
    assert message.endswith(
        f"It was skipped; fix or remove {file_of(scenario, stem)}, or disable it with "
        f"`gradkit -p no:{stem}`"
    )
    failed = info(stem)
    assert failed.status == "failed" and failed.reason.startswith(reason)
    assert failed.registered == {}
    assert "fixture-l1" in names and "l2" in names  # the others keep working
    assert "fixture-ok" not in gk.functions  # all of a plugin's items, or none
    assert _plugins.get_plugin_manager().get_plugin(stem) is None


@pytest.mark.parametrize(("scenario", "stem", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_strict_mode_makes_a_failing_plugin_fatal(
    monkeypatch: pytest.MonkeyPatch, scenario: str, stem: str, reason: str
):
    monkeypatch.setenv("GRADKIT_STRICT_PLUGINS", "1")
    _plugins.configure(plugins_dirs=(str(FIXTURES / scenario),))
    head = f"plugin '{stem}' (file {file_of(scenario, stem)}) {reason}"
    with pytest.raises(gk.PluginError, match=re.escape(head)) as raised:
        gk.norms.names()
    assert "GRADKIT_STRICT_PLUGINS=1 makes plugin failures fatal" in str(raised.value)
    with pytest.raises(gk.PluginError, match=re.escape(head)):
        gk.functions.names()  # and stays fatal


def test_a_dash_p_module_that_does_not_exist_is_reported():
    _plugins.configure(plugin_args=("gk_fixture_nowhere",))
    message = (
        "plugin 'gk_fixture_nowhere' (module 'gk_fixture_nowhere') failed to import: "
        "ModuleNotFoundError: No module named 'gk_fixture_nowhere'. It was skipped; fix the "
        "module or drop `-p gk_fixture_nowhere`"
    )
    with pytest.warns(gk.PluginWarning, match=re.escape(message)):
        assert info("gk_fixture_nowhere").status == "failed"


def test_an_entry_point_that_fails_to_import_is_isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    make_dist(
        tmp_path,
        "gk-fix-broken",
        "0.3",
        "broken_ep",
        "broken_ep_mod",
        "raise ImportError('needs torch')",
    )
    make_dist(
        tmp_path,
        "gk-fix-fine",
        "1.0",
        "fine_ep",
        "fine_ep_mod",
        NORM_PLUGIN.format(name="fine-norm"),
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    only_entry_points(monkeypatch, "broken_ep", "fine_ep")
    message = (
        "plugin 'broken_ep' (gk-fix-broken 0.3 (entry point 'broken_ep')) failed to import: "
        "ImportError: needs torch. It was skipped; disable it with `gradkit -p no:broken_ep` or "
        "leave it out of GRADKIT_LOAD_PLUGINS"
    )
    with pytest.warns(gk.PluginWarning, match=re.escape(message)):
        assert "fine-norm" in gk.norms  # loaded after the broken one, unlike pluggy's loader


def test_two_packages_registering_one_name_keep_the_first_and_name_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    make_dist(tmp_path, "gk-fix-one", "1.2", "one", "one_mod", NORM_PLUGIN.format(name="shared"))
    make_dist(tmp_path, "gk-fix-two", "3.4", "two", "two_mod", NORM_PLUGIN.format(name="shared"))
    monkeypatch.syspath_prepend(str(tmp_path))
    only_entry_points(monkeypatch, "one", "two")
    message = (
        "plugin 'two' (gk-fix-two 3.4 (entry point 'two')) registers the norm 'shared', which "
        "gk-fix-one 1.2 (entry point 'one') already registered; the first plugin loaded keeps "
        "the name. Disable one of the two with `gradkit -p no:one` or `gradkit -p no:two` (or "
        "GRADKIT_DISABLE_PLUGINS=NAME), or list the plugins to keep in GRADKIT_LOAD_PLUGINS."
    )
    with pytest.warns(gk.PluginWarning, match=re.escape(message)):
        assert gk.norms.get("shared").provider == "gk-fix-one 1.2 (entry point 'one')"
    assert info("two").status == "failed"
    monkeypatch.setenv("GRADKIT_STRICT_PLUGINS", "1")
    _plugins.reset()
    with pytest.raises(gk.PluginError, match=re.escape(message[:200])):
        gk.norms.names()
    monkeypatch.delenv("GRADKIT_STRICT_PLUGINS")
    _plugins.configure(plugin_args=("no:one",))
    assert gk.norms.get("shared").provider == "gk-fix-two 3.4 (entry point 'two')"


def test_duplicate_across_plugin_files_drops_the_whole_second_plugin(
    monkeypatch: pytest.MonkeyPatch,
):
    _plugins.configure(plugins_dirs=(str(FIXTURES / "duplicate"),))
    with pytest.warns(
        gk.PluginWarning,
        match=r"plugin 'b_second' .* registers the norm 'fixture-dup', which file .*a_first.py",
    ):
        assert gk.norms.get("fixture-dup").description == "first"
    assert "fixture-dup-other" not in gk.norms


def test_a_plugin_cannot_replace_a_built_in_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "mine.py").write_text(NORM_PLUGIN.format(name="l2"))
    _plugins.configure(plugins_dirs=(str(tmp_path),))
    message = (
        "registers the norm 'l2', which gradkit itself provides; built-in names cannot be "
        "replaced, so rename the item in the plugin."
    )
    with pytest.warns(gk.PluginWarning, match=re.escape(message)):
        assert gk.norms.get("l2").provider == f"gradkit {gk.__version__} (built-in)"


def test_the_same_entry_point_name_in_two_packages_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    make_dist(tmp_path, "gk-fix-aa", "1.0", "same", "same_a_mod", NORM_PLUGIN.format(name="same-a"))
    make_dist(tmp_path, "gk-fix-bb", "2.0", "same", "same_b_mod", NORM_PLUGIN.format(name="same-b"))
    monkeypatch.syspath_prepend(str(tmp_path))
    only_entry_points(monkeypatch, "same")
    message = (
        "plugin 'same' (gk-fix-bb 2.0 (entry point 'same')) has the same name as the loaded "
        "plugin from gk-fix-aa 1.0 (entry point 'same'); rename one"
    )
    with pytest.warns(gk.PluginWarning, match=re.escape(message)):
        assert "same-a" in gk.norms and "same-b" not in gk.norms


def test_a_plugin_registering_one_name_twice_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "twice.py").write_text(
        NORM_PLUGIN.format(name="twice")
        + "    register(gk.NormSpec('twice', lambda v: abs(v).max()))\n"
    )
    _plugins.configure(plugins_dirs=(str(tmp_path),))
    with pytest.warns(
        gk.PluginWarning,
        match="registers the norm 'twice' twice",
    ):
        assert "twice" not in gk.norms


def test_a_norm_that_does_not_return_a_scalar_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "vec.py").write_text(NORM_PLUGIN.replace(".sum()", "").format(name="vec"))
    _plugins.configure(plugins_dirs=(str(tmp_path),))
    message = (
        "registered an invalid item from register_norms: norm 'vec' must return a scalar for a "
        "vector, got ShapeDtypeStruct(shape=(4,), dtype=float32)"
    )
    with pytest.warns(gk.PluginWarning, match=re.escape(message)):
        assert "vec" not in gk.norms


def test_configure_reloads_only_when_the_settings_change(monkeypatch: pytest.MonkeyPatch):
    _plugins.load()
    manager = _plugins.get_plugin_manager()
    _plugins.configure()
    assert _plugins.get_plugin_manager() is manager
    _plugins.configure(plugins_dirs=(str(FIXTURES / "good"),))
    assert _plugins.get_plugin_manager() is not manager and "fixture-cube" in gk.functions


def test_plugin_info_json_and_lookup_by_package():
    data = _plugins.get_plugin("gradkit-extra-norms").to_json()
    assert data == {
        "name": "extra_norms",
        "source": "entry point",
        "location": "gradkit_extra_norms",
        "package": "gradkit-extra-norms",
        "version": "0.1.0",
        "status": "loaded",
        "reason": "",
        "hooks": ["register_functions", "register_norms"],
        "registered": {
            "functions": ["log-cosh", "swish"],
            "norms": ["huber", "schatten-1", "schatten-3", "l21"],
        },
    }
    with pytest.raises(
        gk.UnknownNameError, match=r"unknown plugin 'nope'; known plugins: .*extra_norms"
    ):
        _plugins.get_plugin("nope")


# --- docs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hook", ["register_functions", "register_norms", "register_exercises"])
def test_the_docstring_example_of_every_hook_registers_a_valid_spec(hook: str):
    import textwrap
    import types

    from gradkit._plugin_sources import validate_spec

    example = textwrap.dedent(getattr(hookspecs, hook).__doc__.split("Example::")[1])
    module = types.ModuleType(f"example_{hook}")
    exec(compile(example, f"hookspecs.{hook}", "exec"), module.__dict__)
    specs: list[object] = []
    getattr(module, hook)(specs.append)
    assert len(specs) == 1
    assert validate_spec(hook.removeprefix("register_"), specs[0]) == ""


def test_every_hook_is_documented_with_its_signature_and_an_example():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "gradkit_spec")]
    assert sorted(hooks) == [
        "register_assignments",
        "register_exercises",
        "register_functions",
        "register_norms",
    ]
    for hook in hooks:
        assert f"### `{hook}(register)`" in docs, f"docs/plugins.md does not document {hook}"
        assert f"def {hook}(register" in docs, f"docs/plugins.md has no example of {hook}"
        doc = getattr(hookspecs, hook).__doc__
        assert f"``{hook}(register)``" in doc and "Example::" in doc
