"""Scoring: visible then hidden requests, partial credit, statuses, the reference cache,
written answers, and the model that weighs source rules against value checks."""

from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from gradkit.grading import (
    Entry,
    ExerciseSpec,
    Fault,
    InProcessCandidate,
    ReferenceCache,
    checks,
    grade_candidate,
    samplers,
)
from gradkit.grading._checks import Check
from gradkit.grading._score import _apply_model


def test_grade_candidate_asks_visible_then_hidden_and_gives_weighted_partial_credit(
    square, counting
):
    # right on the visible inputs (3 entries), wrong on the hidden ones (4 entries)
    cheat = InProcessCandidate({"d_square": lambda x: 2 * x if x.shape == (3,) else 0 * x})
    counted = counting(cheat)
    (result,) = grade_candidate(counted, [square], seed=1)
    # one batch of the visible requests, then one of the hidden ones (answered
    # only after the worker is gone, see docs/grading.md)
    assert counted.calls == [3, 3]
    assert [c.passed for c in result.checks] == [True, False]
    assert result.score == pytest.approx(2 * 1 / 4)
    assert (result.max_score, result.status) == (2.0, "partial")
    assert result.checks[1].message == (
        "wrong at 3 of 3 hidden inputs: result differs from the reference"
    )


def test_visible_feedback_shows_the_input_and_expected_value(square):
    (result,) = grade_candidate(InProcessCandidate({"d_square": lambda x: 3 * x}), [square], seed=0)
    message = result.checks[0].message
    assert message.startswith("d_square([")
    assert "largest error" in message and "expected [" in message
    assert result.status == "failed"


def test_status_rules_for_crashes_and_timeouts(square):
    class Broken:
        def __init__(self, kind):
            self.kind = kind

        def run(self, requests):
            return [Fault(self.kind, "worker died") for _ in requests]

    assert grade_candidate(Broken("crash"), [square], seed=0)[0].status == "error"
    assert grade_candidate(Broken("timeout"), [square], seed=0)[0].status == "timeout"
    assert grade_candidate(Broken("error"), [square], seed=0)[0].status == "failed"


def test_stationary_point_asks_a_second_time_for_the_submitted_point(counting):
    spec = ExerciseSpec(
        id="test.stationary", title="t", section="2.4", prompt="p",
        entries=(Entry("g", "(x)", "g"), Entry("x_star", "float", "x*", kind="constant")),
        checks=(checks.stationary("g", "x_star", samplers.normal()),),
        reference={"g": lambda x: (x - 1) ** 2, "x_star": 1.0},
    )  # fmt: skip
    counted = counting(InProcessCandidate({"g": lambda x: (x - 2.0) ** 2, "x_star": 2.0}))
    (result,) = grade_candidate(counted, [spec], seed=0)
    assert counted.calls == [6, 1] and result.status == "passed"
    (wrong,) = grade_candidate(
        InProcessCandidate({"g": lambda x: (x - 2.0) ** 2, "x_star": 1.0}), [spec], seed=0
    )
    assert wrong.checks[0].message == "g′(1.0) = -2, not 0"


def test_reference_cache_computes_each_request_once(square):
    cache = ReferenceCache()
    requests = square.checks[0].requests(np.random.default_rng(0))
    first = cache.get_many(square, requests)
    again = cache.get_many(square, list(requests) * 2)
    assert again[: len(first)] == first
    assert len(cache._answers) == len(requests)


@pytest.mark.parametrize(
    ("namespace", "answer", "message"),
    [
        ({"why_answer": "Because."}, "Because.", "submitted for manual grading"),
        ({"why_answer": "   "}, None, "`why_answer` is empty: write your answer in it as a string"),
        ({"why_answer": 42}, None, "`why_answer` is empty: write your answer in it as a string"),
        ({}, None, "`why_answer` is not defined: `why_answer` is not defined"),
    ],
)
def test_written_answers_are_collected_for_manual_grading(namespace, answer, message, essay):
    (result,) = grade_candidate(InProcessCandidate(namespace), [essay], seed=0)
    assert (result.score, result.max_score, result.status) == (0.0, 0.0, "manual")
    assert result.answer == answer
    assert result.checks[0].message == message
    assert result.checks[0].passed is (answer is not None)


def test_a_broken_reference_fails_its_checks_without_sinking_the_rest(square):
    broken = ExerciseSpec(
        id="test.broken", title="t", section="1", prompt="p", entries=square.entries,
        checks=square.checks, reference="no_such_module_xyz",
    )  # fmt: skip
    candidate = InProcessCandidate({"d_square": lambda x: 2 * x})
    bad, good = grade_candidate(candidate, [broken, square], seed=0)
    assert good.status == "passed" and bad.status == "failed"
    assert bad.checks[0].message.startswith(
        "this check could not be graded (ExerciseError: exercise 'test.broken': cannot import "
        "its reference module 'no_such_module_xyz'"
    )


def test_a_broken_requirement_scores_zero_and_says_which_rule():
    value, rule = (
        checks.values("f", gk.samplers.normal(3)),
        checks.avoids("f", "cos", requirement=True),
    )
    (v, r) = _apply_model(
        [value, rule], [(True, "ok", True), (False, "`f` uses `cos` (line 2)", True)]
    )
    assert r.requirement_broken and not r.passed
    assert (
        r.result.message
        == "`f` uses `cos` (line 2) (a requirement: breaking it scores this exercise 0)"
    )
    assert v.passed


def test_a_missing_entry_breaks_no_rule():
    rule = checks.avoids("f", "cos", requirement=True)
    (r,) = _apply_model([rule], [(False, "`f` is not defined", False)])
    assert not r.requirement_broken and r.result.message == "`f` is not defined"


def test_a_source_rule_earns_only_with_a_passing_value_check():
    value, rule = checks.values("f", gk.samplers.normal(3)), checks.avoids("f", "cos")
    (_, r) = _apply_model([value, rule], [(False, "wrong", True), (True, "`f` avoids cos", True)])
    assert not r.passed
    assert r.result.message == (
        "the rule holds, but a source rule earns points only once `f` passes a value check"
    )
    (_, r) = _apply_model([value, rule], [(True, "ok", True), (True, "`f` avoids cos", True)])
    assert r.passed and r.result.message == "`f` avoids cos"


def test_a_requirement_must_be_a_bool():
    with pytest.raises(
        gk.ExerciseError, match=r"check requirement must be True or False, got 'yes'"
    ):
        checks.avoids("f", "cos", requirement="yes")


def test_static_is_a_property_of_the_check_kind():
    assert checks.avoids("f", "cos").static
    assert not Check.static and not checks.values("f", gk.samplers.normal(2)).static


def test_code_that_never_answers_earns_nothing_from_source_rules(references):
    """Entries that fail every value check (here: raise) earn nothing from their rules."""
    specs = [s for s in gk.exercises if s.kind == "code"]
    entries = sorted({e.name for s in specs for e in s.entries if e.kind == "function"})
    source = "".join(f"def {n}(*args):\n    raise RuntimeError('no')\n" for n in entries)
    results = grade_candidate(
        InProcessCandidate.from_source(source), specs, seed=0, references=references
    )
    assert sum(r.score for r in results) == 0.0
    assert np.all([not c.passed for r in results for c in r.checks])
