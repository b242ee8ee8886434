"""The package as a whole: the public API resolves, the command starts."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gradkit as gk
from gradkit import _errors
from gradkit._cli import COMMANDS


@pytest.mark.parametrize("name", gk.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(gk, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'gradkit' has no attribute 'tensor'"):
        gk.tensor  # noqa: B018


def test_errors_are_presented_as_gradkit_names() -> None:
    for name in dir(_errors):
        cls = getattr(_errors, name)
        if isinstance(cls, type) and issubclass(cls, _errors.GradkitError):
            assert cls.__module__ == "gradkit"
            assert getattr(gk, name) is cls


def test_unknown_name_error_is_a_lookup_error() -> None:
    assert issubclass(gk.UnknownNameError, LookupError)
    with pytest.raises(gk.UnknownNameError, match=r"unknown function 'nope'; known functions: "):
        gk.functions.get("nope")


def test_python_dash_m_gradkit_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "gradkit", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"gradkit, version {gk.__version__}"


def test_help_lists_every_command_without_importing_jax_or_loading_plugins() -> None:
    code = (
        "import sys\n"
        "from gradkit._cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('jax', 'jaxlib', 'gradkit._plugins') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
    assert "Commands:" in out.stdout
    for command in COMMANDS:
        assert f"  {command} " in out.stdout, command
