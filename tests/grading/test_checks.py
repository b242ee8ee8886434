"""The check library: options validated, and what its messages say (counts, probes, pairs)."""

from __future__ import annotations

import re

import jax.numpy as jnp
import numpy as np
import pytest

import gradkit as gk
from gradkit.grading import (
    Entry,
    ExerciseSpec,
    InProcessCandidate,
    Ok,
    checks,
    grade_candidate,
    samplers,
)


def test_check_options_are_validated():
    with pytest.raises(gk.ExerciseError, match=r"a hidden check cannot use mode='eager'"):
        checks.values("f", samplers.normal(), mode="eager", visibility="hidden")
    with pytest.raises(gk.ExerciseError, match=r"visibility must be 'visible' or 'hidden'"):
        checks.values("f", samplers.normal(), visibility="secret")
    with pytest.raises(gk.ExerciseError, match=r"check weight must be > 0, got 0"):
        checks.values("f", samplers.normal(), weight=0)


def test_finite_and_cost_messages():
    spec = ExerciseSpec(
        id="test.norm", title="t", section="2.3", prompt="p",
        entries=(Entry("l2", "(v)", "L2 norm"),),
        checks=(
            checks.finite("l2", samplers.fixed([0.0, 0.0]), transform="grad", visibility="hidden"),
            checks.cost("l2", samplers.normal(64), factor=2.0),
        ),
        reference={"l2": lambda v: gk.norm(v)},
    )  # fmt: skip
    naive = InProcessCandidate.from_source(
        "import jax.numpy as jnp\n"
        "def l2(v):\n"
        "    # an outer product first: n² work for an n-vector\n"
        "    return jnp.sqrt(jnp.sum(jnp.outer(v, v) * jnp.eye(v.shape[0])))\n"
    )
    (result,) = grade_candidate(naive, [spec], seed=0)
    finite, cost = result.checks
    assert (finite.name, finite.message) == (
        "l2 finite gradient",
        "`l2` gave NaN or inf at a hidden input",
    )
    assert cost.name == "cost ≤ 2× reference"
    assert re.fullmatch(
        r"`l2` costs \d+\.\d× the reference's flops on a 64 input \(limit 2×\)", cost.message
    )


CHEAT_HEADER = "import jax\nimport jax.numpy as jnp\n"


@pytest.mark.parametrize(
    "answer",
    [
        "(slope, f(x0) - slope * x0)",
        "[slope, f(x0) - slope * x0]",
        "jnp.stack([slope, f(x0) - slope * x0])",
    ],
)
def test_a_pair_may_be_a_tuple_a_list_or_a_length_2_array(references, answer):
    spec = gk.exercises.get("calculus.tangent-line")
    source = (
        CHEAT_HEADER
        + f"def tangent_line(f, x0):\n    slope = jax.grad(f)(x0)\n    return {answer}\n"
    )
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source), [spec], seed=0, references=references
    )
    assert [(c.name, c.message) for c in result.checks if not c.passed] == []
    assert "tuple, a list or an array of length 2" in " ".join(spec.prompt.split())


def test_counts_are_singular_for_one_input(references):
    spec = gk.exercises.get("calculus.tangent-line")
    source = CHEAT_HEADER + "def tangent_line(f, x0):\n    return jnp.zeros(3)\n"
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source), [spec], seed=0, references=references
    )
    shape = result.checks[0]
    assert shape.message.endswith(
        "result is a 1-d array; expected 2 values (a tuple, a list or an array of length 2)"
    )
    good = (
        CHEAT_HEADER
        + "def tangent_line(f, x0):\n    s = jax.grad(f)(x0)\n    return s, f(x0) - s * x0\n"
    )
    (result,) = grade_candidate(
        InProcessCandidate.from_source(good), [spec], seed=0, references=references
    )
    assert result.checks[0].message == "has the reference's shape at 1 sampled input"


def test_feedback_names_a_probe_as_the_student_reads_it(references):
    spec = gk.exercises.get("calculus.inverse-derivative")
    source = "def inverse_derivative(df, f_inv):\n    return lambda y: df(f_inv(y))\n"
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source), [spec], seed=0, references=references
    )
    messages = " ".join(c.message for c in result.checks)
    assert "probe." not in messages
    assert "inverse_derivative(exp', log, [" in messages, messages


def _exact_spec(visibility: str = "visible") -> ExerciseSpec:
    return ExerciseSpec(
        id="test.exact", title="t", section="2.4", prompt="p",
        entries=(Entry("dcos", "(x)", "d/dx cos x"),),
        checks=(
            checks.values("dcos", samplers.uniform(0.5, 3.0, 4), samples=2),
            checks.exact("dcos", samplers.uniform(0.1, 3.0, 4), requirement=True,
                         visibility=visibility),
        ),
        reference={"dcos": lambda x: -jnp.sin(x)},
    )  # fmt: skip


def _grade_exact(body: str, visibility: str = "visible"):
    source = CHEAT_HEADER + body
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source), [_exact_spec(visibility)], seed=3
    )
    return result


def test_exact_passes_a_formula_written_any_way():
    for body in (
        "def dcos(x):\n    return -jnp.sin(x)\n",
        "def dcos(x):\n    return jnp.sin(-x)\n",
        "def dcos(x):\n    return -2 * jnp.sin(x / 2) * jnp.cos(x / 2)\n",
        # float32 throughout: held to float32's rounding
        "def dcos(x):\n    return -jnp.sin(x.astype(jnp.float32))\n",
    ):
        result = _grade_exact(body)
        assert result.score == result.max_score, (body, result.checks)
        assert result.checks[1].name == "dcos is exact"
        assert result.checks[1].message == (
            "exact to rounding (within 64 units) at 3 sampled inputs"
        )


@pytest.mark.parametrize(
    "body",
    [
        "def dcos(x, h=1e-6):\n    return (jnp.cos(x + h) - jnp.cos(x - h)) / (2 * h)\n",
        "def dcos(x):\n"
        "    h = 1e-6 * jnp.abs(x)\n"
        "    return (jnp.cos(x + h) - jnp.cos(x - h)) / (2 * h)\n",
        "def dcos(x, h=1e-3):\n"
        "    c = jnp.cos\n"
        "    return (-c(x + 2 * h) + 8 * c(x + h) - 8 * c(x - h) + c(x - 2 * h)) / (12 * h)\n",
    ],
    ids=["central", "relative-step", "five-point"],
)
def test_exact_breaks_the_requirement_of_a_finite_difference(body):
    result = _grade_exact(body)
    values, exact = result.checks
    assert values.passed and not exact.passed and result.score == 0
    assert re.fullmatch(
        r"`dcos` is close to the reference but not exact: \S+ units of rounding off at "
        r"dcos\(\[.*\]\) \(a formula is within 64\); that is what a numerical approximation "
        r"such as a finite difference gives: compute it from a formula \(a requirement: "
        r"breaking it scores this exercise 0\)",
        exact.message,
    ), exact.message
    hidden = _grade_exact(body, visibility="hidden").checks[1]
    assert "at a hidden input (a formula is within 64)" in hidden.message
    assert "[" not in hidden.message


def test_exact_does_not_judge_a_wrong_answer_and_earns_nothing_for_it():
    result = _grade_exact("def dcos(x):\n    return jnp.sin(x)\n")
    values, exact = result.checks
    assert not values.passed and not exact.passed and result.score == 0
    assert exact.message == (
        "the rule holds, but a rule earns points only once `dcos` passes a value check"
    )
    with pytest.raises(gk.ExerciseError, match=r"check on 'dcos' needs ulps >= 1, got 0.5"):
        checks.exact("dcos", samplers.normal(), ulps=0.5)


def test_exact_fails_an_answer_computed_in_complex_numbers():
    """The evaluator marks results of complex numbers inside a real function (a complex step,
    exact to rounding, which no count of units can tell from a formula)."""
    exact = checks.exact("dcos", samplers.uniform(0.5, 3.0, 4), samples=1)
    (request,) = exact.requests(np.random.default_rng(0))
    right = Ok(-np.sin(request.args[0]))
    assert exact.judge([request], [right], [right])[0]
    stepped = Ok(right.value, complex_inside=True)
    assert exact.judge([request], [stepped], [right]) == (
        False,
        "`dcos` computes with complex numbers, though its inputs and result are real: that is "
        "a complex-step derivative, a numerical method exact to rounding; compute it from a "
        "formula, in real numbers",
    )
    # a wrong answer is not judged, whatever it computed with (the value checks say so)
    wrong = Ok(np.sin(request.args[0]), complex_inside=True)
    assert exact.judge([request], [wrong], [right])[0]


def test_exact_may_judge_the_inputs_of_a_values_check_without_asking_again():
    values = checks.values("dcos", samplers.uniform(0.5, 3.0, 4), samples=2)
    exact = checks.exact("dcos", samplers.uniform(0.5, 3.0, 4), samples=2, inputs_of="dcos values")
    spec = ExerciseSpec(
        id="test.exact-of", title="t", section="2.4", prompt="p",
        entries=(Entry("dcos", "(x)", "d/dx cos x"),),
        checks=(values, exact),
        reference={"dcos": lambda x: -jnp.sin(x)},
    )  # fmt: skip
    from gradkit.grading._score import check_requests, request_key

    judged = [request_key(r) for r in check_requests(spec, 1, seed=5)]
    assert judged == [request_key(r) for r in check_requests(spec, 0, seed=5)]
    with pytest.raises(
        gk.ExerciseError,
        match=r"check 'dcos is exact' judges the inputs of 'dcos value', which is not one of its "
        r"checks \['dcos values', 'dcos is exact'\]",
    ):
        ExerciseSpec(
            id="test.exact-of", title="t", section="2.4", prompt="p",
            entries=(Entry("dcos", "(x)", "d/dx cos x"),),
            checks=(values, checks.exact("dcos", samplers.normal(), inputs_of="dcos value")),
            reference={"dcos": lambda x: -jnp.sin(x)},
        )  # fmt: skip
