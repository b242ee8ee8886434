"""Every output cell of the seed notebook, reproduced through gradkit's API.

The seed is D2L §2.4–2.5 in PyTorch plus a cell of norms (`shared/seed/`).
Each test names the cells it reproduces.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gradkit as gk

f = gk.functions["quadratic"]
doubling = gk.functions["doubling"]


def test_cells_6_8_f_values():
    # f(1), f(2), f(5) = (-1, 4, 55)
    assert (f(1), f(2), f(5)) == (-1, 4, 55)
    assert [float(f(jnp.float32(v))) for v in (1, 2, 5)] == [-1.0, 4.0, 55.0]


def test_cell_10_limit_lines():
    assert str(gk.limit_table(f, 1.0)).split("\n") == [
        "h=0.10000, numerical limit=2.30000",
        "h=0.01000, numerical limit=2.03000",
        "h=0.00100, numerical limit=2.00300",
        "h=0.00010, numerical limit=2.00030",
        "h=0.00001, numerical limit=2.00003",
    ]


def test_cells_29_33_grad_of_2xTx():
    x = jnp.arange(4.0)
    y = gk.functions["dot2"](x)
    assert float(y) == 28.0
    g = gk.grad(gk.functions["dot2"].fn)(x)
    np.testing.assert_array_equal(g, [0.0, 4.0, 8.0, 12.0])
    assert bool(jnp.all(g == 4 * x))


def test_cell_34_backward_of_sum_is_ones():
    x = jnp.arange(4.0)
    np.testing.assert_array_equal(gk.backward(lambda x: x.sum(), x), [1.0, 1.0, 1.0, 1.0])


def test_cells_35_39_detach():
    x = jnp.arange(4.0)
    u = gk.detach(x * x)
    g = gk.grad(lambda x: (u * x).sum())(x)
    assert bool(jnp.all(g == u))
    np.testing.assert_array_equal(g, [0.0, 1.0, 4.0, 9.0])
    np.testing.assert_array_equal(u, [0.0, 1.0, 4.0, 9.0])
    assert bool(jnp.all(gk.backward(lambda x: (x * x).sum(), x) == 2 * x))


# positive, negative, tiny and large a; a = 0.813 is the seed's printed draw
POINTS = [0.813, 1.7, -0.2, -3.0, 1e-6, -1e-20, 3000.0, -2e4]
_GRAD = jax.jit(gk.grad(doubling.fn))
_JVP = jax.jit(lambda a: jax.jvp(doubling.fn, (a,), (jnp.ones_like(a),))[1])
_F = jax.jit(doubling.fn)


# The gradient is the exact power of two 2**k. On the CPU the division d / a is
# correctly rounded, so it equals the gradient exactly. A GPU's float32 division is
# not correctly rounded (on an H200 with jax 0.11.2, 2048 * 1.7 / 1.7 came out
# 1 ulp below 1024): there both modes must still agree exactly, and d / a within
# a stated 4 ulps (as benchmarks/device_smoke.py checks).
ON_CPU = jax.default_backend() == "cpu"
D_OVER_A_ULPS = 0 if ON_CPU else 4


def _assert_is_d_over_a(got, want) -> None:
    got, want = np.asarray(got), np.asarray(want)
    if ON_CPU:
        np.testing.assert_array_equal(got, want)
    else:
        ulps = np.abs(got - want) / (np.finfo(np.float32).eps * np.abs(want))
        assert np.all(ulps <= D_OVER_A_ULPS), (got, want, ulps)


@pytest.mark.parametrize("a", POINTS)
def test_cells_41_45_doubling_grad_equals_d_over_a_under_jit(a):
    a = jnp.float32(a)
    d = _F(a)
    want = d / a
    rev, fwd = _GRAD(a), _JVP(a)
    assert bool(rev == fwd)  # both modes agree exactly, on every platform
    _assert_is_d_over_a(rev, want)  # reverse mode under jit
    _assert_is_d_over_a(fwd, want)  # forward mode under jit
    _assert_is_d_over_a(gk.derivative(doubling.fn)(a), want)


def test_cells_41_45_doubling_seed_draw_and_vmap():
    a = jnp.float32(0.813)
    assert float(_GRAD(a)) == 2048.0
    _assert_is_d_over_a(_F(a) / a, 2048.0)
    xs = jnp.array(POINTS, jnp.float32)
    _assert_is_d_over_a(jax.vmap(_GRAD)(xs), jax.vmap(_F)(xs) / xs)


def test_cells_49_51_norm_of_a_scalar():
    a = jnp.float32(0.813)
    assert float(gk.norm(a)) == pytest.approx(0.813)
    assert float(gk.norm(2 * a)) == pytest.approx(1.626)


def test_cells_59_61_vector_norms():
    v = jnp.array([3.0, -4.0, 0.0])
    assert float(gk.norm(v)) == 5.0
    assert float(gk.norm(v, ord=1)) == 7.0
    assert float(gk.norm(v, ord=jnp.inf)) == 4.0


def test_cells_62_71_matrix_norms_over_dims():
    m = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    cols = gk.norm(m, axis=0)
    assert cols.shape == (3,)
    np.testing.assert_allclose(cols, [4.1231, 5.3852, 6.7082], atol=5e-5)
    rows = gk.norm(m, axis=1)
    assert rows.shape == (2,)
    np.testing.assert_allclose(rows, [3.7417, 8.7750], atol=5e-5)
    assert float(gk.norm(m, ord="fro")) == pytest.approx(9.5394, abs=5e-5)
    assert float(gk.norm(m)) == pytest.approx(9.5394, abs=5e-5)
