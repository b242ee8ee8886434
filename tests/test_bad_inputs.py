"""Bad and unusual input to the public API: a clear gradkit error, or the right number.

Each case here once gave a traceback from inside JAX, a silent NaN or a wrong
value; the message is matched so that it keeps saying what to do.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gradkit as gk


def quadratic(x):
    return 3 * x**2 - 4 * x


X = jnp.arange(3.0)


# --- autodiff ---------------------------------------------------------------


def test_grad_of_a_tuple_says_tuple():
    with pytest.raises(
        gk.NotDifferentiableError, match=r"to return a scalar, but it returned a tupl"
    ):
        gk.grad(lambda x: (x.sum(), x.sum()))(X)


def test_grad_has_aux_without_a_pair():
    with pytest.raises(
        gk.NotDifferentiableError, match=r"has_aux=True, so <lambda> must return a pa"
    ):
        gk.grad(lambda x: x**2, has_aux=True)(3.0)


def test_backward_cotangent_as_a_list_is_one_weight_per_output():
    np.testing.assert_array_equal(gk.backward(lambda x: 2 * x, X, [1.0, 2.0, 3.0]), [2, 4, 6])


def test_backward_refuses_a_complex_cotangent_for_a_real_output():
    with pytest.raises(gk.InvalidInputError, match=r"cotangent is complex .*imaginary part would"):
        gk.backward(lambda x: 2 * x, X, jnp.ones(3, jnp.complex64))


def test_backward_refuses_a_non_numeric_cotangent():
    with pytest.raises(gk.InvalidInputError, match=r"cotangent must be numbers, .*got 'abc'"):
        gk.backward(lambda x: 2 * x, X, "abc")


def test_backward_cotangent_structure_mismatch():
    with pytest.raises(
        gk.InvalidInputError, match=r"cotangent has shape \(3,\), but <lambda>\(x\)"
    ):
        gk.backward(lambda x: (x, x.sum()), X, jnp.ones(3))


@pytest.mark.parametrize(
    ("v", "shown"), [(jnp.ones(2), r"\(2,\)"), (1.0, r"\(\)"), ([1.0, 1.0, 1.0], r"\[\(\), ")]
)
def test_hvp_refuses_v_not_shaped_like_x(v, shown):
    with pytest.raises(gk.InvalidInputError, match=rf"x has shape \(3,\) and v has shape {shown}"):
        gk.hvp(lambda x: (x**2).sum(), X, v)


def test_hvp_shape_mismatch_under_jit():
    with pytest.raises(gk.InvalidInputError, match=r"v must have the structure and shape of x"):
        jax.jit(lambda x, v: gk.hvp(lambda x: (x**2).sum(), x, v))(X, jnp.ones(2))


# --- control flow -----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [lambda b: (2 * b).astype(jnp.float16), lambda b: None],
    ids=["dtype", "none"],
)
@pytest.mark.parametrize("kind", ["bounded", "lax"])
def test_while_loop_body_must_keep_the_carry(body, kind):
    with pytest.raises(gk.InvalidInputError, match=r"body must return a carry like its input"):
        gk.while_loop(lambda b: b < 100.0, body, 1.0, max_steps=8, kind=kind)


def test_while_loop_body_changing_structure():
    with pytest.raises(gk.InvalidInputError, match=r"maps \(shape, dtype\) .* keep every shape"):
        gk.while_loop(lambda t: t[0] < 100, lambda t: (2 * t[0],), (1.0, 2.0), max_steps=8)


def test_while_loop_checkpoints_must_be_positive():
    with pytest.raises(
        gk.InvalidInputError,
        match=r"checkpoints must be a positive int or None .*got checkpoints=-1",
    ):
        gk.while_loop(
            lambda b: b < 100.0, lambda b: 2 * b, 1.0, max_steps=8, kind="checkpointed",
            checkpoints=-1,
        )  # fmt: skip


# --- numerical calculus -----------------------------------------------------


@pytest.mark.parametrize(("x", "shown"), [(float("nan"), "nan"), (float("inf"), "inf")])
def test_limit_table_refuses_a_non_finite_point(x, shown):
    with pytest.raises(gk.InvalidInputError, match=rf"needs a finite point x, got x={shown}"):
        gk.limit_table(quadratic, x)


@pytest.mark.parametrize("h", [float("nan"), float("inf")])
def test_limit_table_refuses_non_finite_steps(h):
    with pytest.raises(gk.InvalidInputError, match=r"every step h must be finite, got h="):
        gk.limit_table(quadratic, 1.0, [0.1, h])


def test_limit_table_outside_the_domain():
    with pytest.raises(gk.InvalidInputError, match=r"f\(x\) is not finite at x=-1.0 \(nan\)"):
        gk.limit_table(jnp.log, -1.0)


@pytest.mark.parametrize("hs", [0.1, ["a"]])
def test_limit_table_hs_must_be_a_sequence_of_numbers(hs):
    with pytest.raises(gk.InvalidInputError, match=r"hs must be a sequence of step sizes, e\.g\."):
        gk.limit_table(quadratic, 1.0, hs)


def test_limit_table_refuses_complex_f():
    with pytest.raises(gk.InvalidInputError, match=r"f to return a real number, .*complex128"):
        gk.limit_table(lambda x: jax.lax.complex(x, x), 1.0, [0.1])


def test_limit_table_under_jit():
    with pytest.raises(gk.InvalidInputError, match=r"cannot run under jax\.jit or jax\.vmap"):
        jax.jit(lambda x: gk.limit_table(quadratic, x))(1.0)


def test_limit_table_runs_python_if_like_d2l():
    table = gk.limit_table(lambda x: x if x > 0 else -x, 1.0, [0.1, 0.01])
    assert table.values == pytest.approx((1.0, 1.0))


@pytest.mark.parametrize("x", ["1.0", None])
def test_non_numeric_points(x):
    with pytest.raises(gk.InvalidInputError, match=r"x must be a real number or array, got"):
        gk.numerical_derivative(jnp.sin)(x)


def test_dtype_that_is_not_a_dtype():
    with pytest.raises(gk.InvalidInputError, match=r"dtype must be a real floating-point .*'foo'"):
        gk.difference_quotient(quadratic, 1.0, 0.1, dtype="foo")


@pytest.mark.parametrize("step", [float("inf"), "0.1", True])
def test_numerical_derivative_step_must_be_a_finite_number(step):
    with pytest.raises(gk.InvalidInputError, match=r"step must be a positive number, .*finite"):
        gk.numerical_derivative(jnp.sin, step=step)


def test_numerical_derivative_gradient_of_an_empty_array():
    out = gk.numerical_derivative(jnp.sum)(jnp.zeros((0,)))
    assert out.shape == (0,)


def test_numerical_derivative_not_elementwise_when_f_indexes():
    with pytest.raises(gk.InvalidInputError, match=r"to the same shape but is not elementwise"):
        gk.numerical_derivative(lambda x: x[::-1])(X)


@pytest.mark.parametrize("f", [lambda x: (x, x), lambda x: None], ids=["tuple", "none"])
def test_numerical_derivative_f_must_return_one_array(f):
    with pytest.raises(gk.InvalidInputError, match=r"needs f to return one array or number"):
        gk.numerical_derivative(f)(1.0)


def test_numerical_derivative_python_if_under_jit():
    df = gk.numerical_derivative(lambda x: x if x > 0 else -x)
    assert float(df(1.0)) == pytest.approx(1.0)
    with pytest.raises(gk.TracedControlFlowError, match=r"uses Python `if`/`while` on its input"):
        jax.jit(df)(1.0)


# --- gradient checking ------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "shown"),
    [({"rtol": float("nan"), "atol": float("nan")}, "rtol=nan"), ({"atol": -1.0}, "atol=-1.0")],
)
def test_check_grad_tolerances(kw, shown):
    with pytest.raises(gk.InvalidInputError, match=rf"must be a finite number >= 0, got {shown}"):
        gk.check_grad(jnp.sin, 1.0, **kw)


def test_check_grad_modes_as_one_string():
    report = gk.check_grad(jnp.sin, 1.0, modes="rev")
    assert [r.mode for r in report.results] == ["rev"]


def test_check_grad_order_true():
    with pytest.raises(
        gk.InvalidInputError, match=r"order must be a positive integer, got order=T"
    ):
        gk.check_grad(jnp.sin, 1.0, order=True)


# --- norms ------------------------------------------------------------------


def test_large_p_norm_does_not_overflow():
    v = jnp.array([3.0, 4.0], jnp.float32)
    assert float(gk.norm(v, ord=500)) == pytest.approx(4.0)
    np.testing.assert_allclose(jax.grad(lambda v: gk.norm(v, ord=500))(v), [0.0, 1.0], atol=1e-6)


def test_p_norm_of_tiny_entries_does_not_underflow():
    v = jnp.array([1e-20, 1e-20], jnp.float32)
    assert float(gk.norm(v, ord=3)) == pytest.approx(2 ** (1 / 3) * 1e-20, rel=1e-5)


def test_p_norm_keeps_zero_and_inf():
    assert float(gk.norm(jnp.zeros(3), ord=3)) == 0.0
    assert float(gk.norm(jnp.array([jnp.inf, 1.0]), ord=3)) == np.inf
    np.testing.assert_array_equal(jax.grad(lambda v: gk.norm(v, ord=3))(jnp.zeros(2)), [0, 0])


def test_named_minimum_norm_of_an_empty_vector():
    with pytest.raises(gk.InvalidInputError, match=r"'min-abs' takes a minimum .*empty vector"):
        gk.norm(jnp.zeros((0,)), ord="min-abs")


# --- a value where a function belongs ---------------------------------------


@pytest.mark.parametrize(
    ("transform", "name"),
    [
        (gk.grad, "gk.grad"),
        (gk.value_and_grad, "gk.value_and_grad"),
        (gk.jacobian, "gk.jacobian"),
        (gk.hessian, "gk.hessian"),
        (gk.derivative, "gk.derivative"),
    ],
)
def test_a_value_instead_of_a_function(transform, name):
    with pytest.raises(gk.NotDifferentiableError, match=rf"{name} takes a function, got 3\.0 "):
        transform(3.0)


def test_backward_and_hvp_need_a_function():
    with pytest.raises(gk.NotDifferentiableError, match=r"gk\.backward takes a function, got"):
        gk.backward(X * 2, X)
    with pytest.raises(gk.NotDifferentiableError, match=r"gk\.hvp takes a function, got"):
        gk.hvp(X.sum(), X, X)


def test_numerical_derivative_needs_a_function():
    with pytest.raises(gk.InvalidInputError, match=r"numerical_derivative takes a function, got"):
        gk.numerical_derivative(3.0)


# --- graph ------------------------------------------------------------------


def test_graph_bad_arguments():
    with pytest.raises(gk.InvalidInputError, match=r"graph takes a function, got 3"):
        gk.graph(3, 1.0)
    with pytest.raises(gk.InvalidInputError, match=r"numbers or arrays, got 'a'"):
        gk.graph(jnp.sin, "a")
    with pytest.raises(gk.NotDifferentiableError, match=r"first argument, which has dtype int32"):
        gk.graph(lambda x: x**2, 2, grad=True)
    with pytest.raises(gk.TracedControlFlowError, match=r"cannot use Python `if`/`while`"):
        gk.graph(lambda x: x if x > 0 else -x, 1.0)
