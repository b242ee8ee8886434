"""The one contract report (src/gradkit/_contracts.py): norms, functions and exercises alike."""

from __future__ import annotations

import re

import pytest

import gradkit as gk
from gradkit import testing
from gradkit._contracts import HEADERS, finish
from gradkit.testing import ContractReport, ContractResult


def norm_rows() -> list[ContractResult]:
    return [
        ContractResult("norm", "half", "scalar output", "pass"),
        ContractResult("norm", "half", "triangle inequality", "fail", "f(x + y) = 4 > 2"),
        ContractResult("norm", "half", "definiteness", "skip", "is_norm=False"),
    ]


def test_one_item_is_named_once_with_every_failure_and_skip() -> None:
    report = ContractReport(tuple(norm_rows()))
    assert str(report) == (
        "norm 'half': 1 passed, 1 failed\n"
        "  FAILED triangle inequality: f(x + y) = 4 > 2\n"
        "  skipped definiteness (is_norm=False)"
    )
    assert report.summary() == "1 passed, 1 failed, 1 skipped"


def test_several_items_name_the_item_on_each_line() -> None:
    cube = ContractResult("function", "cube", "jit", "fail", "jit(fn)(x) = 1., expected 2.")
    essay = ContractResult("exercise", "c.essay", "stub scores 0", "skip", "graded by hand")
    report = ContractReport((*norm_rows(), cube, essay))
    assert str(report) == (
        "1 passed, 2 failed\n"
        "  FAILED norm 'half' triangle inequality: f(x + y) = 4 > 2\n"
        "  FAILED function 'cube' jit: jit(fn)(x) = 1., expected 2.\n"
        "  skipped norm 'half' definiteness (is_norm=False)\n"
        "  skipped exercise 'c.essay' stub scores 0 (graded by hand)"
    )
    assert report.summary() == "1 passed, 2 failed, 2 skipped"
    assert ContractReport(()).summary() == "0 passed, 0 failed, 0 skipped"
    assert str(ContractReport(())) == "0 passed, 0 failed"


def test_the_names_check_norm_and_check_function_users_read() -> None:
    report = ContractReport(tuple(norm_rows()))
    assert not report.ok
    assert report.passed == ("scalar output",)
    assert report.skipped == ("definiteness",)
    assert report.failures == report.violations == (norm_rows()[1],)
    assert report.violations[0].message == report.failures[0].detail == "f(x + y) = 4 > 2"
    assert ContractReport((norm_rows()[0], norm_rows()[2])).ok  # skips are fine
    assert testing.NormCheckReport is ContractReport  # the old name of check_norm's report
    assert not hasattr(testing, "NormViolation")


def test_every_renderer_reads_the_same_rows() -> None:
    report = ContractReport(tuple(norm_rows()))
    assert HEADERS == ("kind", "name", "check", "result", "detail")
    assert report.rows() == [
        ["norm", "half", "scalar output", "PASS", ""],
        ["norm", "half", "triangle inequality", "FAIL", "f(x + y) = 4 > 2"],
        ["norm", "half", "definiteness", "SKIP", "is_norm=False"],
    ]
    assert report._table() == ("norm 'half': 1 passed, 1 failed", list(HEADERS), report.rows())
    assert "| norm | half | definiteness | SKIP | is_norm=False |" in report._repr_markdown_()


def test_finish_raises_the_report_on_a_failure_when_asked() -> None:
    rows = norm_rows()
    with pytest.raises(gk.ContractViolation, match=re.escape(str(ContractReport(tuple(rows))))):
        finish(rows, raise_on_failure=True)
    assert finish(rows, raise_on_failure=False) == ContractReport(tuple(rows))
    assert finish(rows[:1], raise_on_failure=True).ok


def test_norms_functions_and_exercises_return_the_one_type() -> None:
    norm = testing.check_norm("l1", examples=3)
    function = testing.check_function("quadratic", samples=2)
    exercise = testing.check_exercise(gk.exercises.get("calculus.constant-multiple"))
    for report, kind in ((norm, "norm"), (function, "function"), (exercise, "exercise")):
        assert type(report) is ContractReport
        assert {r.kind for r in report.results} == {kind}
    assert str(function) == "function 'quadratic': 5 passed, 0 failed"
    assert str(exercise) == (
        "exercise 'calculus.constant-multiple': 3 passed, 0 failed\n"
        "  skipped reference full marks (graded by hand)\n"
        "  skipped stub scores 0 (graded by hand)"
    )
