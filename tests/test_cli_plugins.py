"""The plugin commands: plugins, functions, norms, check-plugin, new-plugin; start-up."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import gradkit as gk
from conftest import PLUGIN_ENV as ENV
from gradkit import _plugin_sources, _plugins
from gradkit._cli import cli
from test_plugins import FAILURES  # the failure scenarios, shared with the library tests

FIXTURES = Path(__file__).parent / "plugin_fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken_import"
BROKEN_REASON = (
    "failed to import: ModuleNotFoundError: No module named 'gradkit_fixture_no_such_module'"
)


@pytest.fixture(autouse=True)
def clean_plugins(host: _plugins.PluginHost, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def no_builtins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave out the built-ins and every entry point but extra_norms: outputs stay exact."""
    monkeypatch.setattr(_plugins, "BUILTIN_PLUGINS", ())
    kept = [ep for ep in _plugin_sources.entry_points() if ep.name == "extra_norms"]
    monkeypatch.setattr(_plugins, "entry_points", lambda: kept)


def run(*args: str) -> tuple[int, str, str]:
    """Run gradkit in-process; stdout loses the trailing spaces rich pads table rows with."""
    result = CliRunner().invoke(cli, list(args), prog_name="gradkit", catch_exceptions=False)
    stdout = "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())
    return result.exit_code, stdout, result.stderr


def gradkit_process(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ENV} | env
    code = "import sys; from gradkit._cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=environ
    )


# --- gradkit plugins ----------------------------------------------------------------------


def test_plugins_lists_source_status_and_what_each_registered(no_builtins: None):
    with pytest.warns(gk.PluginWarning, match="plugin 'broken'"):
        code, out, err = run("--plugins-dir", str(GOOD), "--plugins-dir", str(BROKEN), "plugins")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "extra_norms  0.1.0  entry point gradkit-extra-norms  loaded",
        "    functions: log-cosh, swish",
        "    norms: huber, schatten-1, schatten-3, l21",
        f"cube  -  file {GOOD / 'cube.py'}  loaded",
        "    functions: fixture-cube",
        "    norms: fixture-l1",
        f"broken  -  file {BROKEN / 'broken.py'}  failed",
        "    failed to import: ModuleNotFoundError: No module named",
        "      'gradkit_fixture_no_such_module'",
    ]


def test_plugins_shows_blocked_plugins_and_why(no_builtins: None):
    code, out, _ = run("-p", "no:extra_norms", "plugins")
    assert (code, out) == (
        0,
        "extra_norms  0.1.0  entry point gradkit-extra-norms  blocked\n"
        "    blocked by -p no:extra_norms\n",
    )


def test_plugins_json(no_builtins: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GRADKIT_PLUGINS_DIR", str(BROKEN))
    with pytest.warns(gk.PluginWarning):
        code, out, _ = run("plugins", "--json")
    data = json.loads(out)
    assert [(p["name"], p["source"], p["status"]) for p in data] == [
        ("extra_norms", "entry point", "loaded"),
        ("broken", "file", "failed"),
    ]
    assert data[1] == {
        "name": "broken",
        "source": "file",
        "location": str(BROKEN / "broken.py"),
        "package": None,
        "version": None,
        "status": "failed",
        "reason": BROKEN_REASON,
        "hooks": [],
        "registered": {},
    }


def test_strict_mode_turns_a_failed_plugin_into_exit_status_1(no_builtins: None, monkeypatch):
    monkeypatch.setenv("GRADKIT_STRICT_PLUGINS", "1")
    code, out, err = run("--plugins-dir", str(BROKEN), "norms")
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: plugin 'broken' (file {BROKEN / 'broken.py'}) {BROKEN_REASON}.")
    assert "GRADKIT_STRICT_PLUGINS=1 makes plugin failures fatal" in err


@pytest.mark.parametrize(("scenario", "stem", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_every_kind_of_failure_leaves_the_cli_running_and_strict_mode_exits_1(
    no_builtins: None, monkeypatch: pytest.MonkeyPatch, scenario: str, stem: str, reason: str
):
    path = FIXTURES / scenario / f"{stem}.py"
    head = f"plugin '{stem}' (file {path}) {reason}"
    with pytest.warns(gk.PluginWarning, match="^" + re.escape(head)):
        code, out, _ = run("--plugins-dir", str(FIXTURES / scenario), "plugins", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    assert code == 0 and listed["extra_norms"]["status"] == "loaded"
    assert listed[stem]["status"] == "failed" and listed[stem]["reason"].startswith(reason)
    monkeypatch.setenv("GRADKIT_STRICT_PLUGINS", "1")
    code, out, err = run("--plugins-dir", str(FIXTURES / scenario), "plugins")
    assert (code, out) == (1, "") and err.startswith("Error: " + head)


def test_a_duplicate_name_across_two_packages_in_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from test_plugins import NORM_PLUGIN, make_dist

    make_dist(tmp_path, "gk-cli-one", "1.0", "cli_one", "cli_one_mod", NORM_PLUGIN.format(name="x"))
    make_dist(tmp_path, "gk-cli-two", "2.0", "cli_two", "cli_two_mod", NORM_PLUGIN.format(name="x"))
    monkeypatch.syspath_prepend(str(tmp_path))
    kept = [ep for ep in _plugin_sources.entry_points() if ep.name in ("cli_one", "cli_two")]
    monkeypatch.setattr(_plugins, "entry_points", lambda: kept)
    head = (
        "plugin 'cli_two' (gk-cli-two 2.0 (entry point 'cli_two')) registers the norm 'x', "
        "which gk-cli-one 1.0 (entry point 'cli_one') already registered"
    )
    with pytest.warns(gk.PluginWarning, match="^" + re.escape(head)):
        code, out, _ = run("norms", "--json")
    assert code == 0 and "l2" in [n["name"] for n in json.loads(out)]
    monkeypatch.setenv("GRADKIT_STRICT_PLUGINS", "1")
    code, _, err = run("norms")
    assert code == 1 and err.startswith("Error: " + head)
    assert "`gradkit -p no:cli_one` or `gradkit -p no:cli_two`" in err


def test_a_real_process_warns_once_on_stderr_and_keeps_working():
    done = gradkit_process("--plugins-dir", str(BROKEN), "-p", "no:extra_norms", "norms", "--json")
    assert done.returncode == 0
    assert done.stderr == (
        f"Warning: plugin 'broken' (file {BROKEN / 'broken.py'}) {BROKEN_REASON}. It was "
        f"skipped; fix or remove {BROKEN / 'broken.py'}, or disable it with "
        "`gradkit -p no:broken`\n"
    )
    assert "l2" in [n["name"] for n in json.loads(done.stdout)]
    strict = gradkit_process("--plugins-dir", str(BROKEN), "plugins", GRADKIT_STRICT_PLUGINS="1")
    assert strict.returncode == 1 and strict.stderr.startswith("Error: plugin 'broken' ")


# --- gradkit functions / norms ------------------------------------------------------------


def test_functions_and_norms_list_the_registries(no_builtins: None):
    code, out, _ = run("-p", "no:extra_norms", "--plugins-dir", str(GOOD), "functions")
    assert code == 0
    assert out.splitlines() == [
        "name           description   provider",
        "─" * 37,
        "fixture-cube   x³            cube.py",
    ]
    code, out, _ = run("-p", "no:extra_norms", "--plugins-dir", str(GOOD), "norms")
    assert out.splitlines() == [
        "name         kind     norm   description   provider",
        "─" * 51,
        "fixture-l1   vector   yes    Σ|vᵢ|         cube.py",
    ]


def test_functions_and_norms_json(no_builtins: None):
    code, out, _ = run("functions", "--json")
    assert json.loads(out) == [
        {
            "name": "log-cosh",
            "description": "log(cosh x), a smooth |x|; derivative tanh x",
            "derivative": True,
            "provider": "gradkit-extra-norms 0.1.0 (entry point 'extra_norms')",
        },
        {
            "name": "swish",
            "description": "x·σ(x) (SiLU); derivative σ(x)(1 + x(1 − σ(x)))",
            "derivative": True,
            "provider": "gradkit-extra-norms 0.1.0 (entry point 'extra_norms')",
        },
    ]
    code, out, _ = run("norms", "--json")
    rows = {n["name"]: (n["kind"], n["is_norm"]) for n in json.loads(out)}
    assert rows == {
        "huber": ("vector", False),
        "l21": ("matrix", True),
        "schatten-1": ("matrix", True),
        "schatten-3": ("matrix", True),
    }


# --- gradkit check-plugin -----------------------------------------------------------------


def test_check_plugin_prints_a_pass_table(no_builtins: None):
    code, out, _ = run("--plugins-dir", str(GOOD), "check-plugin", "cube", "--examples", "3")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["kind", "name", "check", "result", "detail"]
    assert lines[2:7] == [
        "function   fixture-cube   finite values                         PASS",
        "function   fixture-cube   jit                                   PASS",
        "function   fixture-cube   vmap                                  PASS",
        "function   fixture-cube   grad                                  PASS",
        "function   fixture-cube   derivative matches autodiff           PASS",
    ]
    assert "norm       fixture-l1     triangle inequality                   PASS" in lines
    assert lines[-1] == "13 passed, 0 failed, 0 skipped"


def test_check_plugin_exits_1_when_a_check_fails(no_builtins: None):
    bad = FIXTURES / "bad_contract"
    code, out, _ = run("--plugins-dir", str(bad), "check-plugin", "bad_derivative")
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "4 passed, 1 failed, 0 skipped"
    # piped, as here: one row is one line, whatever its length (grep, CI logs)
    assert lines[-2] == (
        "function   fixture-sine   derivative matches autodiff   FAIL     "
        "derivative(x) = 0., expected 1. at x=0.; what to do: check the registered "
        "derivative's formula"
    )
    code, out, _ = run("--plugins-dir", str(bad), "check-plugin", "bad_derivative", "--json")
    data = json.loads(out)
    assert (code, data["ok"], data["results"][-1]["outcome"]) == (1, False, "fail")


def test_check_plugin_errors(no_builtins: None):
    code, out, err = run("check-plugin", "nope")
    assert (code, err) == (1, "Error: unknown plugin 'nope'; known plugins: extra_norms\n")
    code, out, err = run("-p", "no:extra_norms", "check-plugin", "extra_norms")
    assert (code, err) == (
        1,
        "Error: plugin 'extra_norms' is blocked (blocked by -p no:extra_norms): nothing to check\n",
    )


# --- gradkit new-plugin -------------------------------------------------------------------


def _not_an_xdist_worker() -> dict[str, str]:
    """This environment less pytest-xdist's worker variables (under ``pytest -n``).

    A nested pytest is not an xdist worker: with PYTEST_XDIST_WORKER inherited,
    pytest-benchmark disables itself with a warning, an error under the
    scaffold's ``filterwarnings = ["error"]``.
    """
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}


def test_new_plugin_scaffolds_a_package_that_passes_its_own_tests(tmp_path: Path):
    code, out, _ = run("new-plugin", "my-norms", "--dir", str(tmp_path))
    root = tmp_path / "gradkit-my-norms"
    assert code == 0
    assert out.splitlines() == [
        f"created {root}",
        "  pyproject.toml",
        "  README.md",
        "  src/gradkit_my_norms/__init__.py",
        "  src/gradkit_my_norms/reference.py",
        "  tests/test_gradkit_my_norms.py",
        f"next: pip install -e {root} && python -m pytest {root}",
    ]
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points.gradkit]\nmy_norms = "gradkit_my_norms"' in pyproject
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=_not_an_xdist_worker(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # not installed here: the entry-point and gradkit_verify tests skip
    assert "4 passed, 2 skipped" in done.stdout


def test_new_plugin_rejects_bad_names_and_existing_folders(tmp_path: Path):
    code, _, err = run("new-plugin", "My Norms", "--dir", str(tmp_path))
    assert (code, err) == (
        1,
        "Error: invalid plugin name 'My Norms': use lower-case letters, digits and single '-' "
        "between them, starting with a letter (e.g. 'my-norms')\n",
    )
    (tmp_path / "gradkit-taken").mkdir()
    code, _, err = run("new-plugin", "taken", "--dir", str(tmp_path))
    assert (code, err) == (
        1,
        f"Error: {str(tmp_path / 'gradkit-taken')!r} already exists; choose another NAME or "
        "--dir, or remove it first\n",
    )
