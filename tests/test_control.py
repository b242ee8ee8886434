"""gk.while_loop: the adapter over equinox's loops, pinned by behaviour."""

import re
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax import export

import gradkit as gk


def doubling_loop(a, max_steps=64, **kw):
    return gk.while_loop(lambda b: jnp.abs(b) < 1000, lambda b: 2 * b, a, max_steps=max_steps, **kw)


def jvp1(f):
    return lambda a: jax.jvp(f, (a,), (jnp.ones_like(a),))[1]


def test_value_and_both_modes_under_jit():
    f = doubling_loop
    assert float(f(1.0)) == 1024.0
    assert float(jax.jit(jax.grad(f))(1.0)) == 1024.0
    assert float(jax.jit(jvp1(f))(1.0)) == 1024.0
    assert float(jax.jit(jax.grad(jax.grad(f)))(1.0)) == 0.0  # piecewise linear


@pytest.mark.parametrize("kind", ["checkpointed", "lax"])
def test_other_kinds(kind):
    f = lambda a: doubling_loop(a, kind=kind)  # noqa: E731
    assert float(jax.jit(f)(1.0)) == 1024.0
    if kind == "checkpointed":  # reverse only (equinox's custom_vjp)
        assert float(jax.jit(jax.grad(f))(1.0)) == 1024.0
        with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
            jvp1(f)(1.0)
    else:  # lax: forward only
        assert float(jax.jit(jvp1(f))(1.0)) == 1024.0
        with pytest.raises(ValueError, match="Reverse-mode differentiation does not work"):
            jax.grad(f)(1.0)


def test_vmap_each_element_stops_on_its_own():
    out = jax.vmap(doubling_loop)(jnp.array([1.0, 600.0, -3.0]))
    np.testing.assert_array_equal(out, [1024.0, 1200.0, -1536.0])
    g = jax.jit(jax.vmap(jax.grad(doubling_loop)))(jnp.array([1.0, 600.0]))
    np.testing.assert_array_equal(g, [1024.0, 2.0])


def test_pytree_carry_with_integer_counter():
    def count(a):
        return gk.while_loop(
            lambda s: s[0] < 1000, lambda s: (2 * s[0], s[1] + 1), (a, jnp.int32(0)), max_steps=64
        )

    b, n = jax.jit(count)(1.0)
    assert (float(b), int(n)) == (1024.0, 10)


def test_exhaustion_poisons_value_and_gradients_with_nan():
    # equinox alone silently returns 16 (and gradient 16) here
    f = lambda a: doubling_loop(a, max_steps=4)  # noqa: E731
    assert np.isnan(float(f(1.0)))
    assert np.isnan(float(jax.jit(jax.grad(f))(1.0)))
    assert np.isnan(float(jax.jit(jvp1(f))(1.0)))
    # a downstream sum (derivative 1) must not hide it: the multiply poisons the cotangent
    assert np.isnan(float(jax.grad(lambda a: jnp.sum(f(a)) * 0 + a)(1.0)))
    # per element under vmap
    out = jax.vmap(f)(jnp.array([1.0, 500.0]))
    assert np.isnan(out[0]) and float(out[1]) == 1000.0


def test_exhaustion_raise_mode():
    f = lambda a: doubling_loop(a, max_steps=4, on_exhaust="raise")  # noqa: E731
    with pytest.raises(gk.LoopExhaustedError, match=r"gk.while_loop reached max_steps \(4\) whi"):
        f(1.0)
    assert float(f(500.0)) == 1000.0
    assert float(jax.jit(f)(500.0)) == 1000.0  # under jit: an equinox runtime check


def test_bad_arguments():
    with pytest.raises(gk.InvalidInputError, match=r"max_steps must be a positive Python int .*=0"):
        doubling_loop(1.0, max_steps=0)
    with pytest.raises(gk.InvalidInputError, match=r"positive Python int .* max_steps=None"):
        doubling_loop(1.0, max_steps=None)
    with pytest.raises(
        gk.InvalidInputError,
        match=r"unknown kind 'scan'; known kinds: bounded, checkpointed, lax, auto$",
    ):
        doubling_loop(1.0, kind="scan")
    with pytest.raises(gk.InvalidInputError, match=r"unknown on_exhaust 'warn'; known: nan, raise"):
        doubling_loop(1.0, on_exhaust="warn")
    with pytest.raises(
        gk.InvalidInputError, match=r"cond must return one bool, but it returned sh"
    ):
        gk.while_loop(lambda b: b < 1000, lambda b: 2 * b, jnp.ones(3), max_steps=20)
    with pytest.raises(gk.InvalidInputError, match=r"carry 3 has no float leaf; add one, or pass"):
        gk.while_loop(lambda i: i < 10, lambda i: i + 1, 3, max_steps=20)
    ints = gk.while_loop(lambda i: i < 10, lambda i: i + 1, 3, max_steps=20, on_exhaust="raise")
    assert int(ints) == 10


def test_jax_export_with_symbolic_shapes_round_trips():
    def f(x):
        b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: 2 * b, x, max_steps=64)
        return jnp.sum(b)

    (n,) = export.symbolic_shape("n")
    spec = jax.ShapeDtypeStruct((n,), jnp.float32)
    for fn, want in ((f, 1024.0 * 3), (jax.grad(f), 1024.0)):
        blob = export.export(jax.jit(fn))(spec).serialize()
        restored = export.deserialize(blob)
        out = restored.call(jnp.ones(3, jnp.float32))
        np.testing.assert_allclose(np.ravel(out)[0], want)
        assert restored.call(jnp.ones(5, jnp.float32)).shape in ((), (5,))

    # the NaN signal survives export: an exhausted loop gives NaN after deserializing
    def short(x):
        b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: 2 * b, x, max_steps=2)
        return jnp.sum(b)

    restored = export.deserialize(export.export(jax.jit(short))(spec).serialize())
    assert np.isnan(float(restored.call(jnp.ones(2, jnp.float32))))


def _compiled(fn, *args):
    text = re.sub(r", metadata=\{[^}]*\}", "", jax.jit(fn).lower(*args).compile().as_text())
    # the GPU compiler stamps the module with a hash of the whole program before
    # scheduling (frontend_attributes={fingerprint_before_lhs="<md5>"}): a hash of
    # the constants too, so it differs wherever they do; the CPU's has none
    text = re.sub(r'fingerprint_before_lhs="[0-9a-f]+"', 'fingerprint_before_lhs="…"', text)
    # drop the source-location tables: only the computations are compared
    return "\n".join(line for line in text.splitlines() if not re.match(r"^(\d+ |[A-Z]\w*$)", line))


def test_auto_costs_the_steps_taken_not_max_steps():
    # The compiled jit(grad) program is the same for any max_steps but the bound's constant:
    # nothing in it scales with max_steps (bounded's nested scans do).
    def program(max_steps, kind="auto"):
        text = _compiled(jax.grad(lambda a: doubling_loop(a, max_steps, kind=kind)), 1.0)
        return text.replace(f"constant({max_steps})", "constant(MAX)")

    assert program(160) == program(100_000)
    assert program(160, "bounded") != program(100_000, "bounded")
    assert "while" in program(160)


def nonlinear_loop(a, w, kind):
    # a step that is not affine (sin) and a closure over a differentiated argument
    return gk.while_loop(lambda b: b < 10, lambda b: b * w + jnp.sin(b), a, max_steps=64, kind=kind)


@settings(deadline=None, max_examples=4)
@given(
    a=st.floats(0.125, 5.0, allow_nan=False, width=32),
    w=st.floats(1.125, 3.0, allow_nan=False, width=32),
)
def test_auto_matches_bounded_on_a_nonlinear_step_at_every_order(a, w):
    a, w = jnp.float32(a), jnp.float32(w)
    for transform in (
        lambda f: f,
        lambda f: jax.grad(f, argnums=(0, 1)),
        lambda f: jax.jacfwd(f, argnums=(0, 1)),
        lambda f: jax.hessian(f, argnums=(0, 1)),
    ):
        got = jax.jit(transform(partial(nonlinear_loop, kind="auto")))(a, w)
        want = jax.jit(transform(partial(nonlinear_loop, kind="bounded")))(a, w)
        for g, v in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
            np.testing.assert_allclose(g, v, rtol=1e-5)


def test_auto_affine_step_with_a_differentiated_closure():
    # b ↦ w·b ten times: value w¹⁰·a (a=1, w=2); d/dw = 10 w⁹, d²/dw² = 90 w⁸
    def f(a, w):
        return gk.while_loop(lambda b: jnp.abs(b) < 1000, lambda b: b * w, a, max_steps=64)

    assert float(f(1.0, 2.0)) == 1024.0
    ga, gw = jax.jit(jax.grad(f, argnums=(0, 1)))(1.0, 2.0)
    assert (float(ga), float(gw)) == (1024.0, 5120.0)
    (haa, haw), (_, hww) = jax.jit(jax.hessian(f, argnums=(0, 1)))(1.0, 2.0)
    assert (float(haa), float(haw), float(hww)) == (0.0, 5120.0, 23040.0)


def test_auto_vector_carry_with_counter_in_both_modes():
    def f(x):
        b, n = gk.while_loop(
            lambda s: jnp.sum(s[0]) < 100,
            lambda s: (s[0] @ jnp.array([[2.0, 0.0], [1.0, 1.0]]), s[1] + 1),
            (x, jnp.int32(0)),
            max_steps=1000,
        )
        return b * n.astype(b.dtype)

    x = jnp.array([1.0, 1.0])
    rev = jax.jit(jax.jacrev(f))(x)
    fwd = jax.jit(jax.jacfwd(f))(x)
    np.testing.assert_array_equal(rev, fwd)
    # six steps of x ↦ x @ [[2,0],[1,1]] (sums 2, 4, 8, ..., 128), times n = 6
    m = np.linalg.matrix_power(np.array([[2.0, 0.0], [1.0, 1.0]]), 6)
    np.testing.assert_array_equal(rev, 6 * m.T)
