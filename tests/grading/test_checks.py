"""The check library: options validated, and what its messages say (counts, probes, pairs)."""

from __future__ import annotations

import re

import pytest

import gradkit as gk
from gradkit.grading import (
    Entry,
    ExerciseSpec,
    InProcessCandidate,
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
