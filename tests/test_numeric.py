"""Numerical calculus: difference quotients, limit tables, finite-difference derivatives."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit as gk
from gradkit._config import float64

SEED_LINES = (
    "h=0.10000, numerical limit=2.30000\n"
    "h=0.01000, numerical limit=2.03000\n"
    "h=0.00100, numerical limit=2.00300\n"
    "h=0.00010, numerical limit=2.00030\n"
    "h=0.00001, numerical limit=2.00003"
)


def quadratic(x):
    return 3 * x**2 - 4 * x


# (name, f, f′) at ordinary points, the accuracy targets
CASES = [
    ("exp", jnp.exp, np.exp),
    ("sin", jnp.sin, np.cos),
    ("log", jnp.log, lambda x: 1 / x),
    ("cube", lambda x: x**3, lambda x: 3 * x**2),
]
POINTS = (0.5, 1.0, 2.0, 3.7)
TARGETS = {"central": 1e-10, "complex": 1e-15, "richardson": 1e-12, "forward": 1e-7}


def test_limit_table_prints_the_seed_lines_exactly():
    assert str(gk.limit_table(quadratic, 1.0)) == SEED_LINES


def test_limit_table_float64_even_when_x64_is_off():
    assert not jax.config.jax_enable_x64  # gradkit must not flip the global flag
    table = gk.limit_table(quadratic, 1.0)
    assert table.values[-1] == pytest.approx(2.00003, abs=1e-9)  # float32 gives 2.00272
    assert not jax.config.jax_enable_x64


def test_limit_table_error_column():
    table = gk.limit_table(quadratic, 1.0, [0.1, 0.01], exact=2.0)
    assert str(table) == (
        "h=0.10000, numerical limit=2.30000, error=3.00000e-01\n"
        "h=0.01000, numerical limit=2.03000, error=3.00000e-02"
    )
    assert table.errors == pytest.approx((0.3, 0.03))
    assert gk.limit_table(quadratic, 1.0).errors is None


def test_limit_table_rejects_bad_input():
    with pytest.raises(gk.InvalidInputError, match=r"needs a scalar point x, got shape \(2,\)"):
        gk.limit_table(quadratic, np.ones(2))
    with pytest.raises(gk.InvalidInputError, match=r"needs f to return a scalar, .* shape \(2,\)"):
        gk.limit_table(lambda x: jnp.stack([x, x]), 1.0)
    with pytest.raises(gk.InvalidInputError, match=r"at least one step, got hs=\[\]"):
        gk.limit_table(quadratic, 1.0, [])
    with pytest.raises(gk.InvalidInputError, match=r"every step h must be non-zero, got h="):
        gk.limit_table(quadratic, 1.0, [0.1, 0.0])


def test_difference_quotient_vectorised_over_h():
    hs = jnp.array([[0.1, 0.01], [0.001, 1e-4]])
    out = gk.difference_quotient(quadratic, 1.0, hs)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(np.asarray(out), 2 + 3 * np.asarray(hs, np.float64), rtol=1e-9)
    assert float(gk.difference_quotient(quadratic, 1.0, 0.1)) == 2.3000000000000043
    # f need not be vectorised: each step is one call
    assert gk.difference_quotient(lambda x: jnp.stack([x, 2 * x]), 1.0, hs).shape == (2, 2, 2)


@pytest.mark.parametrize("method", sorted(TARGETS))
@pytest.mark.parametrize("name,f,df", CASES, ids=[c[0] for c in CASES])
def test_accuracy_targets_float64(method, name, f, df):
    d = gk.numerical_derivative(f, method=method)
    for x in POINTS:
        got = float(d(x))
        assert abs(got - df(x)) / abs(df(x)) <= TARGETS[method], (name, x, got)


def test_float32_when_asked_uses_a_float32_step():
    d = gk.numerical_derivative(jnp.sin, dtype=jnp.float32)
    out = d(1.0)
    assert out.dtype == jnp.float32
    assert abs(float(out) - np.cos(1.0)) < 1e-4  # u^(2/3) in float32


def test_shapes_gradient_elementwise_and_vector_output():
    # f: R^n -> R gives the gradient
    grad = gk.numerical_derivative(lambda x: 2 * jnp.dot(x, x))(jnp.arange(4.0))
    np.testing.assert_allclose(np.asarray(grad), [0, 4, 8, 12], atol=1e-8)
    # scalar functions act elementwise on arrays, vectorised or not
    xs = jnp.linspace(0.5, 2.0, 6).reshape(2, 3)
    out = gk.numerical_derivative(jnp.sin)(xs)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(np.asarray(out), np.cos(np.asarray(xs, np.float64)), rtol=1e-9)
    # R -> R^m: the derivative has the output's shape
    vec = gk.numerical_derivative(lambda t: jnp.stack([t, t**2]))(3.0)
    np.testing.assert_allclose(np.asarray(vec), [1.0, 6.0], rtol=1e-9)


def test_not_elementwise_same_shape_is_refused():
    with pytest.raises(
        gk.InvalidInputError, match=r"shape \(3,\) to the same shape but is not elem"
    ):
        gk.numerical_derivative(jax.nn.softmax)(jnp.ones(3))


def test_other_shapes_are_refused():
    with pytest.raises(gk.InvalidInputError, match=r"maps shape \(3,\) to \(2,\); use gk.jacobian"):
        gk.numerical_derivative(lambda x: x[:2])(jnp.ones(3))


def test_bad_arguments():
    with pytest.raises(gk.InvalidInputError, match=r"unknown method 'secant'; known methods: cen"):
        gk.numerical_derivative(jnp.sin, method="secant")
    with pytest.raises(gk.InvalidInputError, match=r"step must be a positive number, got step=0"):
        gk.numerical_derivative(jnp.sin, step=0)
    with pytest.raises(
        gk.InvalidInputError, match=r"real floating-point type .* got <class 'int'>"
    ):
        gk.numerical_derivative(jnp.sin, dtype=int)
    with pytest.raises(gk.InvalidInputError, match=r"x must be real; complex inputs are not sup"):
        gk.numerical_derivative(jnp.sin)(1j)


def test_explicit_step():
    d = gk.numerical_derivative(quadratic, method="forward", step=0.1)
    assert float(d(1.0)) == pytest.approx(2.3, rel=1e-12)
    d = gk.numerical_derivative(jnp.log, method="richardson", step=0.05)
    assert float(d(0.1)) == pytest.approx(10.0, rel=1e-9)


@pytest.mark.parametrize(
    "f,prim",
    [
        (jnp.abs, "abs"),
        (lambda x: jnp.linalg.norm(x), "conj"),
        (lambda x: jnp.maximum(x, 0.0), "max"),
        (lambda x: jnp.sign(x) * x, "sign"),
        (jax.nn.softplus, "max"),
        (lambda x: x.real**2, "real"),
        # found inside a nested jit
        (lambda x: jax.jit(lambda y: y * jnp.abs(y).astype(y.dtype))(x), "abs"),
    ],
)
def test_complex_step_refuses_non_holomorphic(f, prim):
    d = gk.numerical_derivative(f, method="complex")
    with pytest.raises(gk.NotDifferentiableError, match=rf"but f applies '{prim}' to a complex"):
        d(jnp.full((3,), 0.7))


def test_complex_step_refuses_where_on_x_and_real_only_functions():
    with pytest.raises(gk.NotDifferentiableError, match=r"method='complex' needs f built from"):
        gk.numerical_derivative(lambda x: jnp.where(x > 0, x, 0.0), method="complex")(0.7)
    with pytest.raises(gk.NotDifferentiableError, match=r"f rejects complex input \(TypeError"):
        gk.numerical_derivative(jax.scipy.special.erf, method="complex")(0.7)


def test_complex_step_accepts_holomorphic_with_real_constants():
    # a comparison on real constants and max of real values do not touch the complex path
    def f(x):
        c = jnp.maximum(jnp.float64(2.0), 1.0)
        return jnp.exp(x) * c.astype(x.dtype) + jnp.sin(x) ** 2

    got = float(gk.numerical_derivative(f, method="complex")(0.3))
    want = 2 * np.exp(0.3) + 2 * np.sin(0.3) * np.cos(0.3)
    assert abs(got - want) <= 1e-15 * abs(want)


def test_composes_with_jit_and_vmap():
    d = gk.numerical_derivative(jnp.sin, method="richardson")
    xs = jnp.array([0.1, 1.0, 2.0])
    # inside the caller's jit/vmap with x64 off: the input's dtype (float32), float32 accuracy
    batched = jax.vmap(d)(xs)
    assert batched.dtype == jnp.float32
    np.testing.assert_allclose(np.asarray(batched), np.cos([0.1, 1.0, 2.0]), rtol=2e-5)
    np.testing.assert_allclose(float(jax.jit(d)(1.0)), np.cos(1.0), rtol=2e-5)
    # called directly on the array: float64
    want = np.cos(np.asarray(xs, np.float64))
    np.testing.assert_allclose(np.asarray(d(xs)), want, rtol=1e-12)


def test_python_control_flow_functions_run_eagerly():
    def f(x):
        return x**2 if x > 0 else -x

    assert float(gk.numerical_derivative(f)(3.0)) == pytest.approx(6.0, rel=1e-9)
    assert float(gk.numerical_derivative(f, method="richardson")(-1.0)) == pytest.approx(-1.0)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.2, 20.0), st.sampled_from(["central", "richardson", "complex"]))
def test_property_log_derivative(x, method):
    got = float(gk.numerical_derivative(jnp.log, method=method)(x))
    assert got == pytest.approx(1 / x, rel=1e-8)


def test_unhashable_callables_work():
    class Unhashable:
        __hash__ = None

        def __call__(self, x):
            return x**3

    assert float(gk.numerical_derivative(Unhashable())(2.0)) == pytest.approx(12.0, rel=1e-9)


def test_complex_step_verifies_recombined_real_imag_parts():
    # jnp.log10 splits log(z) into real and imaginary parts and recombines them:
    # holomorphic, so accepted after a numerical check at the point
    got = float(gk.numerical_derivative(jnp.log10, method="complex")(0.5))
    assert abs(got - 1 / (0.5 * np.log(10))) <= 1e-15
    # a split that is not recombined is refused
    with pytest.raises(gk.NotDifferentiableError, match=r"f applies 'real' to a complex value"):
        gk.numerical_derivative(lambda x: x.real * x.imag, method="complex")(0.5)


def test_boolean_input_is_refused():
    with pytest.raises(gk.InvalidInputError, match=r"x must be a real number or array, got True"):
        gk.numerical_derivative(jnp.sin)(True)


@pytest.mark.parametrize("method", ["complex", "central", "richardson"])
def test_gradient_of_a_vector_function_by_every_method(method):
    # Regression: the complex step was cast into the real input array and lost (gave [0, 0]).
    f = lambda x: 3 * x[0] ** 2 + 5 * jnp.exp(x[1])
    g = gk.numerical_derivative(f, method=method)(jnp.array([1.0, 0.0]))
    np.testing.assert_allclose(np.asarray(g), [6.0, 5.0], rtol=1e-9)


# numdifftools' 19 example functions (numdifftools.example_functions.function_names)
# at its test point x = 0.5; the reference is JAX's own derivative, exact to rounding
NUMDIFFTOOLS_FUNCTIONS = (
    "cos sin tan cosh sinh tanh arcsinh exp expm1 exp2 square sqrt log log1p log10 log2 "
    "arccos arcsin arctan"
).split()
WORST_19 = {"central": 1e-10, "richardson": 1e-12, "complex": 1e-15}


@pytest.mark.parametrize("method", sorted(WORST_19))
def test_numdifftools_example_functions_worst_relative_error(method):
    errors = {}
    with float64():
        for name in NUMDIFFTOOLS_FUNCTIONS:
            f = getattr(jnp, name)
            want = float(jax.grad(f)(0.5))
            errors[name] = abs(float(gk.numerical_derivative(f, method=method)(0.5)) / want - 1)
    worst = max(errors, key=errors.__getitem__)
    assert errors[worst] <= WORST_19[method], (worst, errors[worst])


@pytest.mark.parametrize(("method", "target"), [("central", 1e-8), ("richardson", 1e-10)])
@pytest.mark.parametrize("x", [1e-3, 1e-6, 1e-9])
def test_log_derivative_near_its_singularity(method, target, x):
    # the step scales down with |x|: x ± h stays inside log's domain
    got = float(gk.numerical_derivative(jnp.log, method=method)(x))
    assert abs(got * x - 1) <= target, got


@pytest.mark.parametrize("method", ["central", "richardson", "forward", "backward"])
def test_step_is_not_too_small_where_f_is_large_near_zero(method):
    # f(x) = 1 + sin(x) near 0 needs a step ~1, not ~|x|: the ladder picks it
    target = 1e-7 if method in ("forward", "backward") else 1e-10
    d = gk.numerical_derivative(lambda x: 1 + jnp.sin(x), method=method)
    for x in (0.0, 1e-12, 1e-9, 1e-4, -1e-6):
        assert abs(float(d(x)) / np.cos(x) - 1) <= target, x


@settings(max_examples=30, deadline=None)
@given(
    st.floats(-9.0, 3.0).map(lambda e: 10.0**e),
    st.sampled_from([("central", 1e-8), ("richardson", 1e-10), ("forward", 1e-6)]),
)
def test_property_relative_accuracy_from_tiny_to_large_x(x, method_target):
    method, target = method_target
    for f, df in ((jnp.log, lambda x: 1 / x), (jnp.sqrt, lambda x: 0.5 / np.sqrt(x))):
        got = float(gk.numerical_derivative(f, method=method)(x))
        assert abs(got / df(x) - 1) <= target, (f.__name__, got)
    got = float(gk.numerical_derivative(jnp.sin, method=method)(x * 100))
    assert abs(got - np.cos(x * 100)) <= target * 10, got  # absolute: cos can be ~0
