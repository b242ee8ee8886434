"""numpy parity of gk.norm beyond real, positive orders: complex input, negative
orders, numpy's exception types; and the gradient conventions there."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gradkit as gk
from gradkit._config import float64

INF = math.inf
VECTOR_ORDS = [None, 0, 1, 2, 3, 0.5, INF, -INF, -0.5, -1, -2, -3.5]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, INF, -INF]


@pytest.fixture(autouse=True)
def _x64():
    with float64():
        yield


def _fd_grad(f, z):
    """JAX's gradient of a real f of complex z, ∂f/∂x − i·∂f/∂y, by Richardson differences."""
    z = np.asarray(z)
    n = z.size

    def g(v):
        return f(jax.lax.complex(v[:n], v[n:]).reshape(z.shape))

    d = np.asarray(
        gk.numerical_derivative(g, method="richardson")(np.r_[z.real.ravel(), z.imag.ravel()])
    )
    return (d[:n] - 1j * d[n:]).reshape(z.shape)


_magnitudes = st.floats(0.1, 10.0)
_phases = st.floats(-math.pi, math.pi)


@st.composite
def complex_arrays(draw, shape, zeros=False):
    size = math.prod(shape)
    r = draw(hnp.arrays(np.float64, size, elements=_magnitudes))
    if zeros:
        r = r * draw(hnp.arrays(np.float64, size, elements=st.sampled_from([0.0, 1.0])))
    theta = draw(hnp.arrays(np.float64, size, elements=_phases))
    return (r * np.exp(1j * theta)).reshape(shape)


# --- values against numpy, rtol 1e-12 ----------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 6).flatmap(lambda n: complex_arrays((n,), zeros=True)),
    st.sampled_from(VECTOR_ORDS),
)
def test_complex_vector_values_match_numpy(z, ord):
    with np.errstate(divide="ignore"):
        expected = np.linalg.norm(z, ord)
    got = gk.norm(jnp.asarray(z), ord)
    assert got.dtype == jnp.float64
    np.testing.assert_allclose(float(got), expected, rtol=1e-12, atol=0)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: hnp.arrays(
            np.float64,
            n,
            # subnormal entries: XLA on the CPU flushes them to 0 (tested below)
            elements=st.one_of(st.just(0.0), st.floats(-1e3, 1e3, allow_subnormal=False)),
        )
    ),
    st.floats(-20, -0.05) | st.sampled_from([-1.0, -2.0, -INF]),
)
def test_negative_vector_orders_match_numpy(x, ord):
    with np.errstate(divide="ignore", over="ignore"):
        expected = np.linalg.norm(x, ord)
        # where numpy's |xᵢ|ᵖ overflows it is wrong (gradkit scales first; tested below)
        assume(np.all(np.isfinite(np.abs(x[x != 0]) ** ord)))
    np.testing.assert_allclose(float(gk.norm(jnp.asarray(x), ord)), expected, rtol=1e-12, atol=0)


@pytest.mark.skipif(jax.default_backend() != "cpu", reason="XLA's CPU backend flushes them")
def test_subnormal_entries_count_as_zero_as_xla_on_the_cpu_makes_them():
    x = jnp.asarray([5e-324])  # found by hypothesis: numpy gives 5e-324 for p = -0.5
    assert float(x[0]) == 5e-324  # stored as given...
    for ord in (2, -0.5, -1, -2):  # ...but any arithmetic on it gives 0
        assert float(gk.norm(x, ord)) == 0.0, ord
    assert float(gk.norm(x, 1)) == 5e-324 and float(gk.norm(x, INF)) == 5e-324


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from([(1, 1), (2, 3), (3, 2), (3, 3), (2, 2, 3)]).flatmap(complex_arrays),
    st.sampled_from(MATRIX_ORDS),
)
def test_complex_matrix_values_match_numpy(a, ord):
    s = np.linalg.svd(a, compute_uv=False)
    assume(s[..., -1].min() > 1e-3 * s[..., 0].max())  # rtol 1e-12 needs a well-conditioned σ_min
    axis = (-2, -1)
    np.testing.assert_allclose(
        np.asarray(gk.norm(jnp.asarray(a), ord, axis)),
        np.linalg.norm(a, ord, axis),
        rtol=1e-12,
        atol=0,
    )


def test_complex64_gives_float32_and_empty_complex_is_zero():
    z = jnp.array([3 + 4j, 0j], jnp.complex64)
    assert gk.norm(z).dtype == jnp.float32 and float(gk.norm(z)) == 5.0
    assert float(gk.norm(jnp.zeros((0, 3), jnp.complex128), "nuc")) == 0.0


def test_negative_orders_on_zeros_and_empty_follow_numpy():
    assert float(gk.norm(jnp.array([2.0, 0.0, 1.0]), -1)) == 0.0  # an entry 0: value 0
    assert math.isinf(float(gk.norm(jnp.zeros(0), -2)))  # numpy: 0 ** (1/p) = inf
    assert float(gk.norm(jnp.array([3.0, -4.0]), -1)) == pytest.approx(12 / 7, rel=1e-15)
    # numpy's (1e-200)⁻² overflows to inf and gives 0; gradkit scales by min|xᵢ| first
    assert float(gk.norm(jnp.array([1e-200, 1e-200]), -2)) == pytest.approx(1e-200 / 2**0.5)


# --- gradients away from kinks, against finite differences -------------------------------


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: complex_arrays((n,))), st.sampled_from(VECTOR_ORDS[1:]))
def test_complex_vector_gradient_matches_finite_differences(z, ord):
    a = np.sort(np.abs(z))
    assume(ord not in (INF, -INF) or a.size == 1 or np.min(np.diff(a)) > 1e-3)  # no ties
    f = lambda w: gk.norm(w, ord)  # noqa: E731
    g = np.asarray(jax.grad(f)(jnp.asarray(z)))
    np.testing.assert_allclose(g, _fd_grad(f, z), rtol=1e-6, atol=1e-8)


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from([(2, 2), (2, 3), (3, 2)]).flatmap(complex_arrays), st.sampled_from(MATRIX_ORDS)
)
def test_complex_matrix_gradient_matches_finite_differences(a, ord):
    s = np.linalg.svd(a, compute_uv=False)
    assume(s[-1] > 1e-2 and np.min(-np.diff(s)) > 1e-2)  # distinct, non-zero σ
    for axis in (0, 1):  # distinct column / row sums
        sums = np.sort(np.abs(a).sum(axis))
        assume(np.min(np.diff(sums)) > 1e-2)
    f = lambda w: gk.norm(w, ord)  # noqa: E731
    g = np.asarray(jax.grad(f)(jnp.asarray(a)))
    np.testing.assert_allclose(g, _fd_grad(f, a), rtol=1e-6, atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: hnp.arrays(np.float64, n, elements=st.floats(0.1, 10) | st.floats(-10, -0.1))
    ),
    st.floats(-6, -0.2),
)
def test_negative_order_gradient_matches_finite_differences(x, ord):
    report = gk.check_grad(lambda v: gk.norm(v, ord), jnp.asarray(x))
    assert report, str(report)


def test_gradient_follows_jax_conjugate_convention():
    z = jnp.array([3 + 4j, 1j])
    g = jax.grad(lambda w: gk.norm(w))(z)
    np.testing.assert_allclose(g, np.conj(z) / np.sqrt(26), rtol=1e-15)
    np.testing.assert_allclose(g, jax.grad(jnp.linalg.norm)(z), rtol=1e-15)  # what JAX gives
    a = jnp.array([[1 + 1j, 2.0], [0.5j, -1 + 0j]])
    for ord in ("nuc", 2, -2, "fro"):
        np.testing.assert_allclose(
            jax.grad(lambda m, o=ord: gk.norm(m, o))(a),
            jax.grad(lambda m, o=ord: jnp.linalg.norm(m, o))(a),
            rtol=1e-12,
        )


# --- the stated subgradients at kinks -----------------------------------------------------


@pytest.mark.parametrize("ord", [None, 1, 2, 3, 0.5, INF, -INF, -1, -2.5])
def test_complex_zero_has_subgradient_zero(ord):
    z = jnp.zeros(3, jnp.complex128)
    assert jax.grad(lambda w: gk.norm(w, ord))(z).tolist() == [0j, 0j, 0j]
    assert bool(jnp.isnan(jax.grad(jnp.linalg.norm)(z)).all())  # JAX's NaN


def test_complex_entry_zero_gets_zero():
    z = jnp.array([3 + 4j, 0j])
    np.testing.assert_allclose(jax.grad(lambda w: gk.norm(w, 1))(z), [0.6 - 0.8j, 0], rtol=1e-15)
    np.testing.assert_allclose(jax.grad(lambda w: gk.norm(w, 3))(z), [0.6 - 0.8j, 0], rtol=1e-15)


def test_complex_ties_split_evenly():
    z = jnp.array([3 + 4j, 5.0 + 0j, 1j])  # |z| = 5, 5, 1
    np.testing.assert_allclose(
        jax.grad(lambda w: gk.norm(w, INF))(z), [(0.6 - 0.8j) / 2, 0.5, 0], rtol=1e-15
    )
    w = jnp.array([3 + 4j, 1j, -1 + 0j])  # the two smallest tie at 1
    np.testing.assert_allclose(
        jax.grad(lambda v: gk.norm(v, -INF))(w), [0, -0.5j, -0.5], rtol=1e-15
    )


@pytest.mark.parametrize("ord", [-0.5, -1, -2, -7.5, -INF])
def test_negative_order_with_a_zero_entry_has_gradient_zero(ord):
    x = jnp.array([2.0, 0.0, -1.0])
    for mode in (jax.grad, jax.jacfwd, jax.jacrev):
        assert mode(lambda v: gk.norm(v, ord))(x).tolist() == [0.0, 0.0, 0.0]


def test_negative_order_gradient_is_finite_for_tiny_and_huge_entries():
    x = jnp.array([1e-300, 1.0])
    g = jax.grad(lambda v: gk.norm(v, -2))(x)
    assert bool(jnp.isfinite(g).all())
    np.testing.assert_allclose(g, [1.0, 0.0], atol=1e-15)  # ≈ |x₀| near x₀ = 0


def test_negative_inf_ties_split_evenly():
    assert jax.grad(lambda v: gk.norm(v, -INF))(jnp.array([1.0, -1.0, 3.0])).tolist() == [
        0.5,
        -0.5,
        0.0,
    ]


def test_matrix_negative_order_conventions():
    # -2: repeated smallest singular value -> the average of uᵢvᵢᵀ; zero smallest -> 0
    np.testing.assert_allclose(jax.grad(lambda a: gk.norm(a, -2))(jnp.eye(2)), np.eye(2) / 2)
    singular = jnp.array([[1.0, 2.0], [2.0, 4.0]])
    assert jax.grad(lambda a: gk.norm(a, -2))(singular).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    # -1 / -inf: tied smallest columns / rows weighted ∝ 1/nnz (the minimum-norm
    # convex combination), entries 0 get 0
    a = jnp.array([[1.0, 0.0, 5.0], [1.0, 2.0, 5.0]])  # column sums 2, 2, 10
    third = 1 / 3
    np.testing.assert_allclose(
        jax.grad(lambda m: gk.norm(m, -1))(a), [[third, 0.0, 0.0], [third, 2 * third, 0.0]]
    )
    np.testing.assert_allclose(
        jax.grad(lambda m: gk.norm(m, -INF))(a.T), [[third, third], [0.0, 2 * third], [0.0, 0.0]]
    )
    # complex: the same weights times conj(a/|a|)
    c = a.astype(jnp.complex128) * np.exp(0.3j)
    np.testing.assert_allclose(
        jax.grad(lambda m: gk.norm(m, -1))(c),
        np.asarray(jax.grad(lambda m: gk.norm(m, -1))(a)) * np.exp(-0.3j),
    )


# --- numpy's exception types ------------------------------------------------------------


def test_unknown_ord_is_also_a_value_error():
    for ord, axis in (("test", None), ("nofro", None), ("test", (0, 1))):
        with pytest.raises(ValueError, match=rf"unknown norm {ord!r}; known norms: fro"):
            gk.norm(np.ones((2, 2)), ord, axis)
    with pytest.raises(gk.UnknownOrderError) as e:
        gk.norm(np.ones(3), "l3")
    assert isinstance(e.value, gk.UnknownNameError | LookupError)
    assert isinstance(e.value, gk.InvalidInputError) and isinstance(e.value, gk.GradkitError)


@pytest.mark.parametrize("name", ["inf", "-inf", "Inf"])
def test_inf_as_a_string_says_to_pass_the_number(name):
    # numpy and JAX reject the strings too; gradkit says what to pass instead
    sign = "-" if name.startswith("-") else ""
    with pytest.raises(
        gk.UnknownOrderError, match=rf"pass the number ord={sign}jnp.inf, not the string {name!r}"
    ):
        gk.norm(np.ones(3), name)


@pytest.mark.parametrize(
    ("shape", "axis", "bad"), [((3,), 1, 1), ((2, 2, 2), (2, 3), 3), ((2,), -2, -2)]
)
def test_bad_axis_is_also_numpys_axis_error(shape, axis, bad):
    with pytest.raises(np.exceptions.AxisError, match=rf"axis {bad} is out of range") as e:
        gk.norm(np.ones(shape), None, axis)
    assert isinstance(e.value, gk.InvalidAxisError)
    assert isinstance(e.value, gk.InvalidInputError | ValueError | IndexError)
    assert (e.value.axis, e.value.ndim) == (bad, len(shape))
    assert type(e.value).__module__ == "gradkit" and type(e.value).__name__ == "InvalidAxisError"


def test_invalid_matrix_orders_stay_value_errors():
    for ord in (0, 3, -3, "test"):
        with pytest.raises(ValueError):
            gk.norm(np.ones((2, 2, 2)), ord, (1, 2))
