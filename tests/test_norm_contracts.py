"""gradkit.testing.check_norm: every registered norm passes; broken ones fail by name."""

import jax
import jax.numpy as jnp
import pytest

import gradkit as gk
from gradkit.testing import NormCheckReport, check_norm


@pytest.mark.parametrize("name", gk.norms.names())
def test_every_registered_norm_passes(name):
    report = check_norm(name, examples=10)
    assert report.ok
    assert "triangle inequality" in report.passed or not gk.norms[name].is_norm


def test_is_norm_false_skips_the_axioms():
    report = check_norm("l0", examples=5)
    assert report.skipped == ("definiteness", "absolute homogeneity", "triangle inequality")
    assert "non-negativity" in report.passed
    assert "finite gradient at 0" in report.passed


def test_a_quasi_norm_fails_the_triangle_inequality_and_names_the_input():
    half = gk.NormSpec("half", lambda v: gk.norm(v, 0.5), description="(Σ√|xᵢ|)², p = 1/2")
    with pytest.raises(
        gk.ContractViolation,
        match=r"norm 'half': 7 passed, 1 failed\n  FAILED triangle inequality: "
        r"f\(x \+ y\) = .* > f\(x\) \+ f\(y\) = .* at x = \[.*\], y = \[.*\]",
    ):
        check_norm(half, examples=25)


def test_a_squared_norm_fails_homogeneity():
    squared = gk.NormSpec("squared", lambda v: jnp.sum(v * v))
    report = check_norm(squared, examples=10, raise_on_failure=False)
    assert isinstance(report, NormCheckReport)
    assert not report.ok
    failed = [v.check for v in report.violations]
    assert failed == ["absolute homogeneity", "triangle inequality"]
    assert report.violations[0].message.startswith("f(αx) = ")
    assert "at α = " in report.violations[0].message


def test_a_negative_function_fails_non_negativity():
    negative = gk.NormSpec("negative", lambda v: -jnp.sum(jnp.abs(v)), is_norm=False)
    report = check_norm(negative, examples=10, raise_on_failure=False)
    assert [v.check for v in report.violations] == ["non-negativity"]
    assert "< 0 at x = " in report.violations[0].message


def test_jax_norm_fails_the_finite_gradient_at_zero():
    spec = gk.NormSpec("jax-l2", jnp.linalg.norm)
    with pytest.raises(
        gk.ContractViolation,
        match=r"FAILED finite gradient at 0: grad at x = zeros\(1,\) is \[nan\]",
    ):
        check_norm(spec, examples=5)


def test_a_wrong_derivative_fails_the_finite_difference_check():
    @jax.custom_jvp
    def wrong(v):
        return jnp.sum(v * jnp.sign(v))

    wrong.defjvp(lambda p, t: (wrong(p[0]), 2.0 * jnp.sum(jnp.sign(p[0]) * t[0])))
    report = check_norm(gk.NormSpec("wrong", wrong), examples=5, raise_on_failure=False)
    assert [v.check for v in report.violations] == ["gradient matches finite differences"]
    assert report.violations[0].message.startswith("at x = [")
    assert "check_grad(wrong): FAILED" in report.violations[0].message


def test_a_non_scalar_output_stops_the_checks():
    report = check_norm(gk.NormSpec("vector-out", lambda v: v), raise_on_failure=False)
    assert str(report) == (
        "norm 'vector-out': 0 passed, 1 failed\n"
        "  FAILED scalar output: fn returned (1,) for input of shape (1,); expected a scalar\n"
        "    what to do: return one number per input: reduce with jnp.sum, jnp.max, ..."
    )


def test_each_failure_says_what_to_do():
    squared = gk.NormSpec("squared", lambda v: jnp.sum(v * v))
    with pytest.raises(gk.ContractViolation) as raised:
        check_norm(squared)
    not_a_norm = (
        "    what to do: fix the formula; if it is not meant to be a norm (a squared norm, a "
        "seminorm), register it with is_norm=False, which checks only non-negativity of the "
        "axioms"
    )
    lines = str(raised.value).splitlines()
    assert lines[0] == "norm 'squared': 6 passed, 2 failed"
    assert lines[1].startswith("  FAILED absolute homogeneity: ")
    assert lines[2] == not_a_norm
    assert lines[3].startswith("  FAILED triangle inequality: ")
    assert lines[4] == not_a_norm
    assert check_norm(gk.NormSpec("squared", squared.fn, is_norm=False)).ok

    plain_l2 = gk.NormSpec("plain-l2", lambda v: jnp.sqrt(jnp.sum(v * v)))
    (failure,) = check_norm(plain_l2, raise_on_failure=False).failures
    assert (failure.check, failure.detail) == (
        "finite gradient at 0",
        "grad at x = zeros(1,) is [nan], not finite",
    )
    assert failure.hint == (
        "keep 0 out of sqrt/pow with a double jnp.where: safe = jnp.where(s > 0, s, 1.0), "
        "then jnp.where(s > 0, jnp.sqrt(safe), 0.0): the gradient at 0 is then 0"
    )

    negative = gk.NormSpec("negative", lambda v: -jnp.sum(jnp.abs(v)), is_norm=False)
    (failure,) = check_norm(negative, raise_on_failure=False).failures
    assert failure.check == "non-negativity"
    assert failure.hint == "take jnp.abs (or square) of the entries before reducing them"


def test_a_function_that_cannot_be_traced_is_reported_not_raised():
    def eager_only(v):
        return float(jnp.sum(jnp.abs(v)))  # float() of a tracer fails under jit

    report = check_norm(gk.NormSpec("eager", eager_only), raise_on_failure=False)
    assert report.violations[0].check == "scalar output"
    assert report.violations[0].message.startswith("raised ConcretizationTypeError")
    assert report.violations[0].hint == (
        "no Python if/while/float() on the input: use jnp.where or jax.lax.cond"
    )


def test_bad_arguments():
    with pytest.raises(gk.UnknownNameError, match=r"unknown norm 'nope'; known norms: fro"):
        check_norm("nope")
    with pytest.raises(
        gk.InvalidInputError, match=r"check_norm expects a NormSpec or the name of a .* got 3"
    ):
        check_norm(3)
