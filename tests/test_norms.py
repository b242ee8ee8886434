"""gk.norm: numpy agreement, the seed's values, gradients at kinks, variants, errors."""

import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gradkit as gk
from gradkit._config import float64

INF = math.inf
VECTOR_ORDS = [None, 1, 2, INF, -INF, 0, 0.5, 1.5, 3]
MATRIX_ORDS = ["fro", "nuc", 1, -1, 2, -2, INF, -INF]
SHAPES = [(), (0,), (5,), (2, 3), (0, 3), (3, 0), (2, 3, 4), (2, 0, 3)]


@pytest.fixture(autouse=True)
def _x64():
    with float64():
        yield


def _axes(ndim):
    yield None
    yield from range(-ndim, ndim)
    yield from itertools.permutations(range(ndim), 2)
    if ndim == 3:
        yield (-1, 0)


def _numpy_norm(x, ord, axis, keepdims):
    try:
        # p < 0 divides by zero on empty vectors (numpy then returns inf, as gradkit does)
        with np.errstate(divide="ignore"):
            return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    except (ValueError, TypeError):  # AxisError is a ValueError
        return None


# --- values ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("ord", VECTOR_ORDS + MATRIX_ORDS[:2] + [-1, -2, -0.5, -3], ids=repr)
@pytest.mark.parametrize("kind", ["real", "complex"])
def test_agrees_with_numpy(shape, ord, kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    if kind == "complex":
        x = x + 1j * rng.normal(size=shape)
    checked = 0
    for axis, keepdims in itertools.product(_axes(len(shape)), (False, True)):
        expected = _numpy_norm(x, ord, axis, keepdims)
        if expected is None:
            with pytest.raises(gk.InvalidInputError):
                gk.norm(jnp.asarray(x), ord=ord, axis=axis, keepdims=keepdims)
            checked += 1
            continue
        got = gk.norm(jnp.asarray(x), ord=ord, axis=axis, keepdims=keepdims)
        assert got.dtype == jnp.float64
        assert got.shape == np.shape(expected), (ord, axis, keepdims)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, err_msg=f"{ord=} {axis=}")
        checked += 1
    assert checked > 0


def test_seed_values():
    # the seed notebook's last cells (PyTorch), to 4 decimals
    v = jnp.array([3.0, -4.0, 0.0])
    assert float(gk.norm(v)) == 5.0
    assert float(gk.norm(v, 1)) == 7.0
    assert float(gk.norm(v, INF)) == 4.0
    m = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_allclose(gk.norm(m, axis=0), [4.1231, 5.3852, 6.7082], atol=5e-5)
    np.testing.assert_allclose(gk.norm(m, axis=1), [3.7417, 8.7750], atol=5e-5)
    np.testing.assert_allclose(gk.norm(m, "fro"), 9.5394, atol=5e-5)
    np.testing.assert_allclose(gk.norm(m), 9.5394, atol=5e-5)


def test_integer_and_bool_inputs_promote_to_float():
    assert gk.norm(jnp.array([3, 4])).dtype == jnp.float64
    assert float(gk.norm(jnp.array([3, 4]))) == 5.0
    assert float(gk.norm(np.array([True, False, True]), 1)) == 2.0
    assert float(gk.norm([3, 4])) == 5.0


def test_float32_is_kept():
    x = jnp.ones(3, jnp.float32)
    assert gk.norm(x).dtype == jnp.float32
    assert gk.norm(x.reshape(1, 3), "nuc").dtype == jnp.float32


def test_l2_scaled_does_not_overflow_or_underflow():
    plain = jax.jit(gk.norm)
    scaled = jax.jit(jax.value_and_grad(lambda x: gk.norm(x, "l2-scaled")))
    big = jnp.array([2e38, 2e38], jnp.float32)
    assert jnp.isinf(plain(big))
    value, g = scaled(big)
    np.testing.assert_allclose(value, 2e38 * math.sqrt(2), rtol=1e-6)
    np.testing.assert_allclose(g, [2**-0.5, 2**-0.5], rtol=1e-6)
    tiny = jnp.array([1e-30, 0.0], jnp.float32)
    assert float(plain(tiny)) == 0.0  # the square underflows
    value, g = scaled(tiny)
    np.testing.assert_allclose(value, 1e-30, rtol=1e-6)
    np.testing.assert_allclose(g, [1.0, 0.0], rtol=1e-6)
    assert scaled(jnp.zeros(2, jnp.float32))[1].tolist() == [0, 0]


# --- named variants ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ord"), [("l1", 1), ("l2", 2), ("linf", INF), ("l0", 0), ("min-abs", -INF)]
)
def test_vector_variants_match_numeric_ords(name, ord):
    x = jnp.asarray(np.random.default_rng(1).normal(size=(3, 4, 5)))
    for axis in (0, 1, -1):
        for keepdims in (False, True):
            np.testing.assert_allclose(
                gk.norm(x, name, axis=axis, keepdims=keepdims),
                gk.norm(x, ord, axis=axis, keepdims=keepdims),
                rtol=1e-12,
            )


def test_vector_variants_flatten_axis_none_and_tuples():
    x = jnp.asarray(np.random.default_rng(2).normal(size=(3, 4, 5)))
    np.testing.assert_allclose(gk.norm(x, "l2"), np.linalg.norm(np.asarray(x)), rtol=1e-12)
    np.testing.assert_allclose(
        gk.norm(x, "l1", axis=(0, 2)), np.abs(np.asarray(x)).sum(axis=(0, 2)), rtol=1e-12
    )
    assert gk.norm(x, "l1", axis=(0, 2), keepdims=True).shape == (1, 4, 1)
    np.testing.assert_allclose(
        gk.norm(x, "rms", axis=-1), np.sqrt((np.asarray(x) ** 2).mean(-1)), rtol=1e-12
    )
    assert float(gk.norm(jnp.zeros(0), "rms")) == 0.0
    assert gk.norm(jnp.zeros((0, 3)), "l2", axis=1).shape == (0,)
    np.testing.assert_allclose(gk.norm(x, "l2-scaled", axis=1), gk.norm(x, axis=1), rtol=1e-12)


@pytest.mark.parametrize(("name", "ord"), [("fro", "fro"), ("nuc", "nuc"), ("spectral", 2)])
def test_matrix_variants_match_numeric_ords(name, ord):
    x = np.random.default_rng(3).normal(size=(4, 3, 5))
    got = gk.norm(jnp.asarray(x), name, axis=(2, 1), keepdims=True)
    np.testing.assert_allclose(got, np.linalg.norm(x, ord, axis=(2, 1), keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(gk.norm(jnp.asarray(x[0]), name), np.linalg.norm(x[0], ord))


def test_variants_work_under_jit_vmap_grad():
    x = jnp.asarray(np.random.default_rng(4).normal(size=(6, 4)))
    for spec in gk.norms:  # the built-ins; the contract tests cover every plugin's spec
        if spec.provider is None or not spec.provider.startswith("gradkit "):
            continue
        name = spec.name
        block = x if spec.kind == "vector" else x.reshape(3, 2, 4)
        axis = -1 if spec.kind == "vector" else (1, 2)

        def f(b, name=name, axis=axis):
            return gk.norm(b, name, axis=axis)

        def both(b, f=f):
            mapped = jax.vmap(lambda m: f(m[None])[0])(b)
            return mapped, jax.grad(lambda m: jnp.sum(f(m)))(b)

        mapped, g = jax.jit(both)(block)
        np.testing.assert_allclose(mapped, f(block), rtol=1e-12, err_msg=name)
        assert bool(jnp.all(jnp.isfinite(g))), name


# --- gradients ---------------------------------------------------------------------------


def _transforms(f):
    """Return ``x -> {mode: derivative}``: grad, jacfwd, jacrev and vmap(grad), in one jit."""

    def all_modes(x):
        return {
            "grad": jax.grad(f)(x),
            "jacfwd": jax.jacfwd(f)(x),
            "jacrev": jax.jacrev(f)(x),
            "vmap(grad)": jax.vmap(jax.grad(f))(x[None])[0],
        }

    return jax.jit(all_modes)


@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=repr)
def test_vector_gradient_at_zero_is_zero(ord):
    for mode, g in _transforms(lambda x: gk.norm(x, ord))(jnp.zeros(3)).items():
        assert g.tolist() == [0.0, 0.0, 0.0], mode
    hess = jax.jit(jax.hessian(lambda x: gk.norm(x, ord)))(jnp.zeros(3))
    assert bool(jnp.all(jnp.isfinite(hess)))


@pytest.mark.parametrize("ord", [None, *MATRIX_ORDS], ids=repr)
def test_matrix_gradient_at_zero_is_zero(ord):
    for mode, g in _transforms(lambda a: gk.norm(a, ord, axis=(0, 1)))(jnp.zeros((2, 3))).items():
        assert g.tolist() == [[0.0] * 3] * 2, mode


@pytest.mark.parametrize(
    ("ord", "x", "expected"),
    [
        (1, [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]),  # sign(0) = 0
        (INF, [3.0, -3.0, 1.0], [0.5, -0.5, 0.0]),  # ties split evenly
        (INF, [2.0, -2.0, 2.0, 0.0], [1 / 3, -1 / 3, 1 / 3, 0.0]),
        (-INF, [1.0, -1.0, 3.0], [0.5, -0.5, 0.0]),
        (-INF, [0.0, -1.0, 3.0], [0.0, 0.0, 0.0]),
        (2, [0.0, 3.0, -4.0], [0.0, 0.6, -0.8]),
        (3, [0.0, 2.0, 0.0], [0.0, 1.0, 0.0]),
        (0.5, [0.0, 1.0], [0.0, 1.0]),  # gradkit's choice: 0 where |x|^(p-1) is infinite
        (0, [0.0, 1.0], [0.0, 0.0]),
    ],
)
def test_vector_gradient_at_kinks(ord, x, expected):
    for mode, g in _transforms(lambda v: gk.norm(v, ord))(jnp.array(x)).items():
        np.testing.assert_allclose(g, expected, rtol=1e-12, err_msg=mode)


def _diag(*values):
    return jnp.diag(jnp.array(values))


@pytest.mark.parametrize(
    ("ord", "a", "expected"),
    [
        ("nuc", [[1.0, 2.0], [2.0, 4.0]], np.array([[1.0, 2.0], [2.0, 4.0]]) / 5.0),  # rank 1
        ("nuc", np.eye(2), np.eye(2)),
        ("nuc", _diag(3.0, 0.0), _diag(1.0, 0.0)),  # U_r V_rᵀ over σ > 0 only
        (2, np.eye(2), np.eye(2) / 2),  # tied top singular values: average
        (2, _diag(3.0, 3.0, 1.0), _diag(0.5, 0.5, 0.0)),
        (-2, _diag(3.0, 1.0, 1.0), _diag(0.0, 0.5, 0.5)),
        (-2, _diag(2.0, 0.0), _diag(0.0, 0.0)),  # smallest singular value 0: gradient 0
        (1, [[2.0, 1.0], [0.0, 1.0]], [[2 / 3, 1 / 3], [0.0, 1 / 3]]),  # weights 1/nnz
        (INF, [[1.0, -2.0], [2.0, 1.0]], [[0.5, -0.5], [0.5, 0.5]]),
        (-1, [[1.0, 5.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 0.0]]),
        ("fro", [[3.0, 0.0], [0.0, 4.0]], [[0.6, 0.0], [0.0, 0.8]]),
    ],
)
def test_matrix_gradient_at_degenerate_points(ord, a, expected):
    for mode, g in _transforms(lambda m: gk.norm(m, ord))(jnp.asarray(a, jnp.float64)).items():
        np.testing.assert_allclose(g, expected, rtol=1e-9, atol=1e-12, err_msg=mode)


def test_spectral_tie_detection_survives_rounding():
    q, _ = np.linalg.qr(np.random.default_rng(5).normal(size=(4, 4)))
    a = jnp.asarray(3.0 * q)  # four singular values equal to 3, up to rounding
    g = jax.grad(lambda m: gk.norm(m, 2))(a)
    if jax.default_backend() == "cpu":
        # LAPACK returns the four values within numpy's rank tolerance: all tie
        np.testing.assert_allclose(g, q / 4, atol=1e-12)
    else:
        # A GPU SVD (cuSOLVER) spreads them wider than that tolerance, so fewer
        # count as tied; the gradient must still be a subgradient of ‖a‖₂ = 3:
        # an average of u_i v_iᵀ has <g, a> = 3 and nuclear norm 1.
        np.testing.assert_allclose(jnp.vdot(g, a), 3.0, rtol=1e-12)
        np.testing.assert_allclose(jnp.linalg.norm(g, "nuc"), 1.0, rtol=1e-12)
    np.testing.assert_allclose(jax.grad(lambda m: gk.norm(m, "nuc"))(a), q, atol=1e-12)


@pytest.mark.parametrize("ord", [o for o in VECTOR_ORDS if o != 0], ids=repr)
def test_vector_gradient_matches_finite_differences(ord):
    x = jnp.asarray(np.random.default_rng(6).normal(size=(3, 5)))
    gk.check_grad(lambda v: gk.norm(v, ord, axis=1), x, raise_on_mismatch=True)


@pytest.mark.parametrize("ord", MATRIX_ORDS, ids=repr)
def test_matrix_gradient_matches_finite_differences(ord):
    x = jnp.asarray(np.random.default_rng(7).normal(size=(2, 3, 4)))
    gk.check_grad(lambda a: gk.norm(a, ord, axis=(1, 2)), x, raise_on_mismatch=True)


_GRADS = {
    ord: jax.jit(jax.value_and_grad(lambda v, o=ord: gk.norm(v, o))) for ord in (1, 2, INF, 3)
}


@settings(max_examples=20, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 4), elements=st.sampled_from([0.0, 1.0, -1.0, 2.5])),
    st.sampled_from([1, 2, INF, 3]),
)
def test_vector_gradient_is_a_subgradient(x, ord):
    # ⟨g, x⟩ = ‖x‖ and ‖g‖_dual ≤ 1 characterise the subgradients of a norm at x
    with float64():
        value, g = _GRADS[ord](jnp.asarray(x))
    g = np.asarray(g)
    dual = {1: INF, 2: 2, INF: 1, 3: 1.5}[ord]
    assert np.isfinite(g).all()
    np.testing.assert_allclose(g @ x, float(value), rtol=1e-12, atol=1e-12)
    assert np.linalg.norm(g, dual) <= 1 + 1e-12
    if not x.any():
        assert not g.any()


def test_batched_norm_equals_vmapped_norm():
    x = jnp.asarray(np.random.default_rng(8).normal(size=(4, 3, 2)))
    for ord in (1, 2, INF, 3):
        np.testing.assert_allclose(
            jax.vmap(lambda b, o=ord: gk.norm(b, o, axis=0))(x), gk.norm(x, ord, axis=1)
        )
    for ord in MATRIX_ORDS:
        np.testing.assert_allclose(
            jax.jit(jax.vmap(lambda m, o=ord: gk.norm(m, o)))(x), gk.norm(x, ord, axis=(1, 2))
        )


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "kwargs", "match"),
    [
        (np.ones((2, 2, 2)), {"ord": 1}, r"ord=1 with axis=None needs a 1-D \(vector\) or 2-D"),
        (
            np.ones(3),
            {"axis": 1},
            r"axis 1 is out of range .* 1 dimensions; valid axes are -1\.\.0",
        ),
        (np.float64(3.0), {"axis": 0}, r"axis 0 is out of range .* 0 dimensions; it has no axes"),
        (np.ones((2, 2)), {"axis": (0, -2)}, r"axis=\(0, -2\) names the same axis twice"),
        (np.ones(3), {"axis": 1.5}, r"axis must be None, an int or a tuple of ints, got 1\.5"),
        (np.ones((2, 2, 2)), {"axis": (0, 1, 2)}, r"axis=\(0, 1, 2\) names 3 axes"),
        (np.ones(3), {"ord": "fro"}, r"ord='fro' is a matrix norm, but the input is a vector"),
        (np.ones((2, 3)), {"ord": "nuc", "axis": 0}, r"ord='nuc' is a matrix norm"),
        (np.ones(3), {"ord": math.nan}, r"invalid vector ord nan: use a real p ≠ 0, 0"),
        (np.ones(3), {"ord": [2]}, r"invalid vector ord \[2\]: use a real p ≠ 0, 0"),
        (np.ones((2, 2)), {"ord": 3}, r"invalid matrix ord 3 for axis=\(r, c\): use 'fro', 'nuc'"),
        (np.ones((2, 2)), {"ord": True}, r"invalid matrix ord True"),
        (np.zeros(0), {"ord": -INF}, r"ord=-inf is a minimum, undefined for a vector"),
        (np.zeros((3, 0)), {"ord": -1}, r"ord=-1 is a minimum, undefined for a matrix with no col"),
        (
            np.zeros((0, 3)),
            {"ord": -INF},
            r"ord=-inf is a minimum, undefined for a matrix with no r",
        ),
        (
            np.zeros((0, 3)),
            {"ord": -2},
            r"ord=-2 is a minimum, undefined for a matrix with no sing",
        ),
        (
            np.ones(3),
            {"ord": "spectral"},
            r"norm variant 'spectral' is a matrix norm and needs two",
        ),
        (np.ones(3) + 1j, {"ord": "l1"}, r"norm variant 'l1' takes real input, got dtype comp"),
        ("abc", {}, r"norm expects an array of real or complex numbers, got 'abc'"),
        (
            np.ones(2, np.longdouble),
            {},
            r"dtype float128 \(long double\), which JAX cannot hold; .* x.astype\(np.float64\)",
        ),
    ],
)
def test_errors(x, kwargs, match):
    with pytest.raises(gk.InvalidInputError, match=match):
        gk.norm(x, **kwargs)


def test_unknown_name_lists_the_registered_ones():
    with pytest.raises(
        gk.UnknownNameError, match=r"unknown norm 'l3'; known norms: fro, .*l1"
    ) as e:
        gk.norm(jnp.ones(3), "l3")
    assert "or pass a numeric ord (a real p ≠ 0" in str(e.value)


def test_a_variant_returning_a_vector_is_rejected():
    from gradkit._registry import norms

    norms.names()  # load the plugins before adding
    norms._add(gk.NormSpec("not-scalar", lambda v: v * 2))
    try:
        with pytest.raises(gk.InvalidInputError, match=r"'not-scalar' returned shape \(3,\) for"):
            gk.norm(jnp.ones((2, 3)), "not-scalar", axis=1)
    finally:
        norms._remove("not-scalar")


def test_a_variant_undefined_on_empty_input_says_so():
    with pytest.raises(
        gk.InvalidInputError,
        match=r"^norm variant 'min-abs' takes a minimum or maximum, undefined on an empty vector "
        r"\(shape \(2, 0\)\); check the shape, or use a norm that is 0 on empty input$",
    ):
        gk.norm(jnp.zeros((2, 0)), "min-abs", axis=1)
    assert gk.norm(jnp.zeros((2, 0)), "l2", axis=1).tolist() == [0.0, 0.0]


def test_a_variants_own_value_error_passes_unchanged():
    from gradkit._registry import norms

    def picky(v):
        raise ValueError("picky refuses")

    norms.names()  # load the plugins before adding
    norms._add(gk.NormSpec("picky", picky))
    try:
        with pytest.raises(ValueError, match=r"^picky refuses"):
            gk.norm(jnp.ones(3), "picky")
    finally:
        norms._remove("picky")


def test_second_derivatives_where_smooth():
    x = jnp.array([3.0, 4.0])
    expected = jnp.eye(2) / 5 - jnp.outer(x, x) / 125
    for ord in (2, "l2", "l2-scaled"):
        hess = jax.jit(jax.hessian(lambda v, o=ord: gk.norm(v, o)))(x)
        np.testing.assert_allclose(hess, expected, rtol=1e-12, atol=1e-15, err_msg=str(ord))
