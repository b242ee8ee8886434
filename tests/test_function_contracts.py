"""gradkit.testing.check_function and check_plugin (src/gradkit/_function_contracts.py)."""

from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp
import pytest

import gradkit as gk
from gradkit import _plugins
from gradkit.testing import ContractResult, check_function, check_plugin

FIXTURES = Path(__file__).parent / "plugin_fixtures"
pytestmark = pytest.mark.usefixtures("host")  # nothing loaded, no plugin variables set


def test_check_function_passes_the_built_in_style_specs():
    spec = gk.FunctionSpec("t-cube", lambda x: x**3, derivative=lambda x: 3 * x**2)
    report = check_function(spec)
    assert [(r.check, r.outcome) for r in report.results] == [
        ("finite values", "pass"),
        ("jit", "pass"),
        ("vmap", "pass"),
        ("grad", "pass"),
        ("derivative matches autodiff", "pass"),
    ]
    assert report.ok and report.summary() == "5 passed, 0 failed, 0 skipped"
    no_derivative = check_function(gk.FunctionSpec("t-sq", lambda x: x * x))
    assert no_derivative.results[-1].outcome == "skip"


def relu_python(x):
    return x if x > 0 else 0 * x


@pytest.mark.parametrize(
    ("spec", "check", "detail", "hint"),
    [
        (
            gk.FunctionSpec("t-relu", relu_python),
            "jit",
            "TracerBoolConversionError",
            "no Python if/while/float() on the input: use jnp.where or jax.lax.cond",
        ),
        (
            gk.FunctionSpec("t-log", jnp.log, sampler=lambda k: -jnp.ones(())),
            "finite values",
            "fn(x) = nan at x=-1.",
            "make the FunctionSpec's sampler draw only where the function is finite",
        ),
        (
            gk.FunctionSpec(
                "t-sqrt", lambda x: jnp.sqrt(jnp.abs(x)), sampler=lambda k: jnp.zeros(2)
            ),
            "grad",
            "grad = [inf, inf] at x=[0., 0.]",
            "keep the gradient finite where the sampler draws (a double jnp.where around "
            "sqrt/log at 0), and use jnp operations (no numpy calls, .item() or int casts)",
        ),
        (
            gk.FunctionSpec(
                "t-wrong", jnp.sin, sampler=lambda k: jnp.zeros(()), derivative=jnp.sin
            ),
            "derivative matches autodiff",
            "derivative(x) = 0., expected 1. at x=0.",
            "check the registered derivative's formula",
        ),
    ],
    ids=["jit", "finite", "grad", "derivative"],
)
def test_check_function_reports_the_failing_check_and_what_to_do(
    spec: gk.FunctionSpec, check: str, detail: str, hint: str
):
    report = check_function(spec, raise_on_failure=False)
    failed = {r.check: r for r in report.failures}
    assert check in failed and detail in failed[check].detail, failed
    assert failed[check].hint == hint
    with pytest.raises(gk.ContractViolation) as raised:
        check_function(spec)
    assert f"    what to do: {hint}" in str(raised.value).splitlines()
    assert str(raised.value).startswith(f"function '{spec.name}': ")


def test_check_function_rejects_what_is_not_a_function_spec():
    with pytest.raises(
        gk.InvalidInputError, match=r"check_function expects a FunctionSpec .* got 3"
    ):
        check_function(3)  # type: ignore[arg-type]
    with pytest.raises(gk.UnknownNameError, match="unknown function 'nope'"):
        check_function("nope")


def test_check_plugin_runs_every_contract_on_what_the_plugin_registered(
    monkeypatch: pytest.MonkeyPatch,
):
    _plugins.configure(plugins_dirs=(str(FIXTURES / "good"),))
    report = check_plugin("cube", examples=3)
    assert report.ok
    assert {(r.kind, r.name) for r in report.results} == {
        ("function", "fixture-cube"),
        ("norm", "fixture-l1"),
    }
    assert ("norm", "fixture-l1", "triangle inequality", "pass") in [
        (r.kind, r.name, r.check, r.outcome) for r in report.results
    ]


@pytest.mark.slow
def test_the_example_package_passes_every_contract_check():
    report = check_plugin("gradkit-extra-norms", examples=2)
    assert report.ok, str(report)
    checked = {(r.kind, r.name) for r in report.results if r.outcome == "pass"}
    assert checked == {
        ("function", "log-cosh"),
        ("function", "swish"),
        ("norm", "huber"),
        ("norm", "schatten-1"),
        ("norm", "schatten-3"),
        ("norm", "l21"),
    }
    skipped = {(r.name, r.check) for r in report.results if r.outcome == "skip"}
    assert skipped == {
        ("huber", "definiteness"),
        ("huber", "absolute homogeneity"),
        ("huber", "triangle inequality"),
    }


def test_check_plugin_refuses_a_plugin_that_did_not_load(monkeypatch: pytest.MonkeyPatch):
    _plugins.configure(plugin_args=("no:extra_norms",))
    with pytest.raises(
        gk.PluginError,
        match=r"plugin 'extra_norms' is blocked \(blocked by -p no:extra_norms\): nothing to check",
    ):
        check_plugin("extra_norms")


def test_check_plugin_error_carries_the_plugin():
    _plugins.configure(plugin_args=("no:extra_norms",))
    with pytest.raises(gk.PluginError, match="plugin 'extra_norms' is blocked") as raised:
        check_plugin("extra_norms")
    assert raised.value.plugin == "extra_norms"


@pytest.mark.parametrize(
    ("module", "check", "kind", "item", "other"),
    [
        ("_norm_contracts", "check_norm", "norm", "fixture-l1", "function"),
        ("_function_contracts", "check_function", "function", "fixture-cube", "norm"),
    ],
)
def test_check_plugin_reports_a_check_that_raises_as_one_failed_row(
    monkeypatch: pytest.MonkeyPatch, module: str, check: str, kind: str, item: str, other: str
):
    import importlib

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the checker broke.\nsecond line")

    monkeypatch.setattr(importlib.import_module(f"gradkit.{module}"), check, broken)
    _plugins.configure(plugins_dirs=(str(FIXTURES / "good"),))
    report = check_plugin("cube", examples=3)
    assert [r for r in report.results if r.kind == kind] == [
        ContractResult(kind, item, "contract", "fail", "RuntimeError: the checker broke")
    ]
    assert {r.outcome for r in report.results if r.kind == other} == {"pass"}
    assert not report.ok
