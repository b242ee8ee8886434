"""Functional autodiff: semantics, composition with jit/vmap, errors, check_grad."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import gradkit as gk


def dot2(x):
    return 2 * jnp.dot(x, x)


def seed_loop(a):
    """D2L §2.5.4 with Python control flow: fine eagerly, not under jit."""
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


X = jnp.arange(4.0)


def test_grad_and_value_and_grad():
    np.testing.assert_array_equal(gk.grad(dot2)(X), [0.0, 4.0, 8.0, 12.0])
    value, g = gk.value_and_grad(dot2)(X)
    assert float(value) == 28.0
    np.testing.assert_array_equal(g, 4 * X)
    # argnums and has_aux pass through
    g1 = gk.grad(lambda x, y: jnp.sum(x * y), argnums=1)(X, jnp.ones(4))
    np.testing.assert_array_equal(g1, X)
    g2, aux = gk.grad(lambda x: (jnp.sum(x**2), "aux"), has_aux=True)(X)
    assert aux == "aux"
    np.testing.assert_array_equal(g2, 2 * X)


def test_grad_twice_gives_the_same_answer():
    # D2L exercise 2: no retained graph, nothing accumulates
    g = gk.grad(dot2)
    np.testing.assert_array_equal(g(X), g(X))


def test_derivative_elementwise():
    xs = jnp.linspace(-3.0, 3.0, 7).reshape(7, 1)
    np.testing.assert_allclose(gk.derivative(jnp.sin)(xs), jnp.cos(xs), rtol=1e-6)
    assert float(gk.derivative(lambda x: 3 * x**2 - 4 * x)(1.0)) == 2.0
    # a scalar-only function works too: it is never called on an array
    np.testing.assert_array_equal(gk.derivative(lambda x: x if x > 0 else -x)(1.5), 1.0)
    # Python control flow on arrays: one element at a time, eagerly
    absolute = gk.derivative(lambda x: x if x > 0 else -x)
    np.testing.assert_array_equal(absolute(jnp.array([[-2.0, 3.0]])), [[-1.0, 1.0]])


def test_backward_is_torch_backward():
    np.testing.assert_array_equal(gk.backward(lambda x: x.sum(), X), jnp.ones(4))
    np.testing.assert_array_equal(gk.backward(lambda x: x * x, X), 2 * X)  # ones cotangent
    v = jnp.array([1.0, 0.0, 2.0, 0.0])
    np.testing.assert_array_equal(gk.backward(lambda x: x * x, X, v), 2 * X * v)


def test_backward_cotangent_shape_error():
    with pytest.raises(
        gk.InvalidInputError, match=r"cotangent has shape \(3,\), but <lambda>\(x\)"
    ):
        gk.backward(lambda x: x * x, X, jnp.ones(3))


def test_jacobian_modes_agree_and_auto_picks():
    f = lambda x: jnp.stack([x[0] * x[1], jnp.sin(x[0]), x[1] ** 2])  # noqa: E731
    x = jnp.array([1.0, 2.0])
    want = np.array([[2.0, 1.0], [np.cos(1.0), 0.0], [0.0, 4.0]])
    for mode in ("auto", "fwd", "rev"):
        np.testing.assert_allclose(gk.jacobian(f, mode=mode)(x), want, rtol=1e-6)
    # R^1000 -> R: reverse mode costs one pass, forward n passes (XLA's flop count)
    n = 1000
    x = jnp.ones(n)

    def flops(fn):
        cost = jax.jit(fn).lower(x).compile().cost_analysis()
        cost = cost[0] if isinstance(cost, list | tuple) else cost
        return cost["flops"]

    assert flops(gk.jacobian(dot2)) == flops(jax.jacrev(dot2))
    assert flops(gk.jacobian(dot2, mode="fwd")) > 100 * flops(gk.jacobian(dot2))


def test_jacobian_bad_mode():
    with pytest.raises(gk.InvalidInputError, match=r"unknown mode 'forward'; known modes: auto, f"):
        gk.jacobian(dot2, mode="forward")


def test_hessian_and_hvp():
    f = lambda x: jnp.sum(x**3) + x[0] * x[1]  # noqa: E731
    x = jnp.array([1.0, 2.0, 3.0])
    h = gk.hessian(f)(x)
    want = np.diag(6 * np.array([1.0, 2.0, 3.0]))
    want[0, 1] = want[1, 0] = 1.0
    np.testing.assert_allclose(h, want)
    v = jnp.array([1.0, -1.0, 0.5])
    np.testing.assert_allclose(gk.hvp(f, x, v), want @ np.asarray(v), rtol=1e-6)
    np.testing.assert_allclose(jax.jit(lambda x, v: gk.hvp(f, x, v))(x, v), h @ v, rtol=1e-6)


def test_detach_cells():
    y = lambda x: x * x  # noqa: E731
    u = gk.detach(y(X))
    np.testing.assert_array_equal(gk.grad(lambda x: jnp.sum(u * x))(X), u)
    np.testing.assert_array_equal(gk.grad(lambda x: jnp.sum(gk.detach(x) * x))(X), X)
    np.testing.assert_array_equal(gk.grad(lambda x: jnp.sum(y(x)))(X), 2 * X)


def test_compose_with_jit_vmap_and_each_other():
    g = jax.jit(gk.grad(dot2))
    np.testing.assert_array_equal(g(X), 4 * X)
    batch = jnp.stack([X, 2 * X])
    np.testing.assert_array_equal(jax.vmap(gk.grad(dot2))(batch), 4 * batch)
    np.testing.assert_array_equal(
        jax.jit(jax.vmap(lambda x: gk.backward(jnp.sin, x)))(batch), jnp.cos(batch)
    )
    d2 = gk.derivative(gk.derivative(jnp.sin))
    np.testing.assert_allclose(jax.jit(d2)(X), -jnp.sin(X), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gk.grad(lambda x: gk.grad(dot2)(x).sum())(X), jnp.full(4, 4.0))


def test_same_compiled_program_as_raw_jax():
    def text(fn):
        return jax.jit(fn).lower(X).as_text()

    assert text(gk.grad(dot2)) == text(jax.grad(dot2)).replace("jax.grad", "gk.grad")
    assert text(lambda x: gk.backward(jnp.sin, x)) == text(
        lambda x: jax.vjp(jnp.sin, x)[1](jnp.ones_like(x))[0]
    )


def test_python_control_flow_works_eagerly():
    a = jnp.float32(0.813)
    assert float(gk.grad(seed_loop)(a)) == float(seed_loop(a) / a)


# ------------------------------------------------------------------ errors


def test_non_scalar_output_says_backward_or_sum():
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"gk.grad needs <lambda> to return a scalar, but it returned shape \(4,\) .*"
        r"Use gk.backward\(f, x\), which is y.backward\(torch.ones_like\(y\)\), reduce with "
        r"\.sum\(\)",
    ) as info:
        gk.grad(lambda x: x * 2)(X)
    assert isinstance(info.value.__cause__, TypeError)  # JAX's original is chained


def test_integer_input_says_use_floats():
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"argument 0 of dot2 has dtype int32 .*use floats, e\.g\. jnp\.arange\(4\.0\) "
        r"instead of jnp\.arange\(4\)",
    ):
        gk.grad(dot2)(jnp.arange(4))
    for call in (
        lambda: gk.backward(jnp.sin, 1),
        lambda: gk.derivative(jnp.sin)(jnp.arange(3)),
        lambda: gk.jacobian(jnp.sin)(jnp.arange(3)),
        lambda: gk.hessian(dot2)(jnp.arange(3)),
        lambda: gk.value_and_grad(dot2)(jnp.arange(3)),
    ):
        with pytest.raises(gk.NotDifferentiableError, match=r"dtype int32 .*use floats"):
            call()


def test_integer_output_says_return_floats():
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"to return a real floating-point scalar, but it returned dtype int32: return floa",
    ):
        gk.grad(lambda x: jnp.sum(x).astype(jnp.int32))(X)


def test_complex_output_message_says_what_each_transform_needs():
    cube = lambda x: (x**3).astype(jnp.complex64)  # noqa: E731
    for transform, f in ((gk.hessian, lambda x: cube(x).sum()), (gk.jacobian, cube)):
        with pytest.raises(
            gk.NotDifferentiableError,
            match=r"needs <lambda> to return real floating-point values \(a scalar or an array "
            r"of any shape\), but it returned dtype complex64: differentiate jnp.real\(f\(x\)\) "
            r"and jnp.imag\(f\(x\)\) as two real functions$",
        ):
            transform(f)(X)
    assert gk.hessian(lambda x: x**3)(X).shape == (4, 4, 4)  # array outputs do work
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"gk.grad needs <lambda> to return a real floating-point scalar, .* complex64: .*"
        r"or use gk.backward \(a VJP\) for the complex output",
    ):
        gk.grad(lambda x: cube(x).sum())(X)


def test_missing_argument_for_argnums():
    with pytest.raises(gk.InvalidInputError, match=r"with respect to argument 1, but only 1 arg"):
        gk.grad(dot2, argnums=1)(X)


@pytest.mark.parametrize(
    "transform,arg",
    [
        (lambda f: jax.jit(gk.grad(f)), jnp.float32(0.5)),
        (lambda f: jax.vmap(gk.grad(f)), jnp.ones(2)),
        (lambda f: jax.jit(gk.derivative(f)), jnp.float32(0.5)),
        (lambda f: jax.jit(lambda a: gk.backward(f, a)), jnp.float32(0.5)),
    ],
    ids=["jit-grad", "vmap-grad", "jit-derivative", "jit-backward"],
)
def test_python_control_flow_under_jit_says_while_loop_or_cond(transform, arg):
    with pytest.raises(
        gk.TracedControlFlowError,
        match=r"seed_loop used a traced value where Python needs a concrete one .*"
        r"gk\.while_loop\(cond, body, init, max_steps=\.\.\.\) .*jax\.lax\.cond",
    ) as info:
        transform(seed_loop)(arg)
    assert isinstance(info.value.__cause__, jax.errors.TracerBoolConversionError)


def non_scalar_helper(x):
    return jnp.stack([x, 2 * x])  # never a scalar, even for a scalar x


def calls_jax_grad_inside(x):
    """A scalar function whose own (wrong) use of plain jax.grad raises while it runs."""
    return jax.grad(non_scalar_helper)(x).sum()


@pytest.mark.parametrize(
    "call",
    [
        lambda f: gk.grad(f)(X),
        lambda f: gk.value_and_grad(f)(X),
        lambda f: gk.grad(lambda x: (f(x), None), has_aux=True)(X),
        lambda f: gk.hessian(f)(X),
        lambda f: gk.jacobian(f)(X),
        lambda f: gk.jacobian(f, mode="fwd")(X),
        lambda f: gk.jacobian(f, mode="rev")(X),
        lambda f: gk.hvp(f, X, X),
        lambda f: gk.derivative(f)(X),
        lambda f: gk.derivative(f)(1.0),
        lambda f: gk.backward(f, X),
        lambda f: jax.jit(gk.grad(f))(X),
    ],
    ids=[
        "grad",
        "value_and_grad",
        "grad-has_aux",
        "hessian",
        "jacobian",
        "jacobian-fwd",
        "jacobian-rev",
        "hvp",
        "derivative",
        "derivative-scalar",
        "backward",
        "jit-grad",
    ],
)
def test_an_error_inside_f_is_not_blamed_on_f(call):
    # f returns a scalar; the non-scalar is its helper's, under plain jax.grad: JAX's own
    # TypeError comes through, not gradkit's "f returned a non-scalar"
    with pytest.raises(TypeError) as info:
        call(calls_jax_grad_inside)
    assert not isinstance(info.value, gk.GradkitError)
    assert "calls_jax_grad_inside" not in str(info.value)


def test_an_inner_error_inside_f_of_each_kind_is_jaxs():
    def inner_integer(x):
        return jax.grad(lambda y: jnp.sum(y).astype(jnp.int32))(x).sum()

    def inner_aux(x):
        return jax.grad(lambda y: jnp.sum(y), has_aux=True)(x)[0].sum()

    for f in (inner_integer, inner_aux):
        for transform in (gk.grad, gk.hessian, gk.jacobian):
            with pytest.raises(TypeError) as info:
                transform(f)(X)
            assert not isinstance(info.value, gk.GradkitError), (f, transform)


def test_a_nested_gk_grad_names_the_inner_function():
    def inner_vector(x):
        return x * 2

    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"^gk\.grad needs inner_vector to return a scalar, but it returned shape \(4,\) ",
    ):
        gk.grad(lambda x: gk.grad(inner_vector)(x).sum())(X)


@pytest.mark.parametrize(
    "call,what",
    [
        (lambda f: gk.value_and_grad(f)(X), "gk.value_and_grad"),
        (lambda f: gk.hvp(f, X, X), "gk.hvp"),
        (lambda f: gk.derivative(f)(X), "gk.derivative"),
        (lambda f: gk.derivative(f)(1.0), "gk.grad"),  # a scalar x: derivative is grad
        (lambda f: jax.jit(gk.grad(f))(X), "gk.grad"),
        (lambda f: jax.vmap(gk.grad(f))(jnp.stack([X, X])), "gk.grad"),
    ],
    ids=["value_and_grad", "hvp", "derivative", "derivative-scalar", "jit-grad", "vmap-grad"],
)
def test_non_scalar_output_message_of_every_scalar_transform(call, what):
    def pair(x):
        return jnp.stack([jnp.sum(x), jnp.sum(x)])

    with pytest.raises(gk.NotDifferentiableError) as info:
        call(pair)
    assert str(info.value) == (
        f"{what} needs pair to return a scalar, but it returned shape (2,) (PyTorch's "
        "y.backward() needs a scalar too). Use gk.backward(f, x), which is "
        "y.backward(torch.ones_like(y)), reduce with .sum() as in gk.grad(lambda x: "
        "f(x).sum()), or use gk.jacobian(f) for every partial derivative."
    )
    assert isinstance(info.value.__cause__, TypeError)  # JAX's original is chained


@pytest.mark.parametrize(
    "output,got",
    [
        (lambda x: [x.sum()], "a list"),
        (lambda x: {"y": x.sum()}, "a dict"),
        (lambda x: None, "a pytree"),
        (lambda x: (), "a tuple"),
        (lambda x: jnp.zeros((2, 3)) + x.sum(), "shape (2, 3)"),
        (lambda x: np.ones(2), "shape (2,)"),
    ],
    ids=["list", "dict", "None", "empty-tuple", "matrix", "numpy"],
)
def test_what_a_non_scalar_output_is_called(output, got):
    with pytest.raises(
        gk.NotDifferentiableError, match=rf"to return a scalar, but it returned {re.escape(got)} "
    ):
        gk.grad(output)(X)


def test_non_float_outputs_name_their_dtype():
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"^gk\.value_and_grad needs <lambda> to return a real floating-point scalar, but "
        r"it returned dtype bool: return floats \(e\.g\. y\.astype\(jnp\.float32\)\)$",
    ):
        gk.value_and_grad(lambda x: jnp.sum(x) > 0)(X)
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"^gk\.jacobian needs <lambda> to return real floating-point values \(a scalar or an "
        r"array of any shape\), but it returned dtype int32: return floats",
    ):
        gk.jacobian(lambda x: x.astype(jnp.int32), mode="rev")(X)
    with pytest.raises(gk.NotDifferentiableError, match=r"^gk\.hvp needs <lambda> .* dtype int32"):
        gk.hvp(lambda x: jnp.sum(x).astype(jnp.int32), X, X)


def test_outputs_jax_cannot_hold_keep_jaxs_error():
    # a string, or a PRNG key (an extended dtype): JAX's own words, as before
    for f in (lambda x: "loss", lambda x: jax.random.key(0)):
        with pytest.raises(TypeError) as info:
            gk.grad(f)(X)
        assert not isinstance(info.value, gk.GradkitError)


@pytest.mark.parametrize("mode", ["auto", "fwd", "rev"])
def test_jacobian_has_aux_without_a_pair(mode):
    with pytest.raises(
        gk.NotDifferentiableError,
        match=r"^gk\.jacobian was called with has_aux=True, so <lambda> must return a pair "
        r"\(scalar, aux\), but it did not; return \(loss, aux\), or drop has_aux=True$",
    ):
        # a length-2 array, which plain jax.jacfwd would unpack as (output, aux)
        gk.jacobian(lambda x: x * 2, mode=mode, has_aux=True)(jnp.ones(2))
    jac, aux = gk.jacobian(lambda x: (x * 2, x.sum()), mode=mode, has_aux=True)(jnp.ones(2))
    np.testing.assert_array_equal(jac, 2 * np.eye(2))
    assert float(aux) == 2.0


def test_the_output_check_holds_without_jax():
    # gradkit's check does not rely on JAX refusing the output too: an identity
    # "transform" that lets a vector through still gets gradkit's message
    from gradkit._autodiff import _checked, _checking

    checked = _checked(lambda x: x * 2, "double", "gk.grad", "scalar")
    with pytest.raises(gk.NotDifferentiableError, match=r"^gk\.grad needs double to return a sc"):
        with _checking("double", "gk.grad"):
            checked(X)
    np.testing.assert_array_equal(checked(X), 2 * X)  # outside a check: f, unchanged


@pytest.mark.parametrize(
    "ours,raw",
    [
        (gk.value_and_grad(dot2), jax.value_and_grad(dot2)),
        (
            gk.grad(lambda x: (dot2(x), x), has_aux=True),
            jax.grad(lambda x: (dot2(x), x), has_aux=True),
        ),
        (gk.hessian(dot2), jax.hessian(dot2)),
        (gk.jacobian(jnp.sin), jax.jacrev(jnp.sin)),
        (gk.jacobian(jnp.sin, mode="fwd"), jax.jacfwd(jnp.sin)),
        (lambda x: gk.hvp(dot2, x, x), lambda x: jax.jvp(jax.grad(dot2), (x,), (x,))[1]),
        (gk.derivative(jnp.sin), jnp.vectorize(jax.grad(jnp.sin))),
    ],
    ids=[
        "value_and_grad",
        "grad-has_aux",
        "hessian",
        "jacobian",
        "jacobian-fwd",
        "hvp",
        "derivative",
    ],
)
def test_the_checks_run_at_trace_time_only(ours, raw):
    # the same program as raw JAX: the checks add no operation to a jitted function
    assert str(jax.make_jaxpr(ours)(X)) == str(jax.make_jaxpr(raw)(X))


# --------------------------------------------------------------- check_grad


def test_check_grad_passes_and_reports():
    report = gk.check_grad(lambda x: jnp.sum(jnp.sin(x) * x**2), jnp.array([0.3, 1.2]), order=2)
    assert report and report.passed
    assert [r.mode for r in report.results] == [
        "fwd",
        "rev",
        "fwd of fwd",
        "rev of fwd",
        "fwd of rev",
        "rev of rev",
    ]
    assert report.worst.max_rel_error < 1e-9
    assert str(report).startswith("check_grad(<lambda>): passed (rtol=1e-06, atol=1e-08)\n  fwd")


def test_check_grad_catches_a_wrong_custom_rule():
    @jax.custom_jvp
    def bad_sin(x):
        return jnp.sin(x)

    @bad_sin.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        return jnp.sin(x), 1.001 * jnp.cos(x) * t  # 0.1 % wrong

    report = gk.check_grad(bad_sin, 0.7)
    assert not report
    assert not report.worst.passed and report.worst.max_rel_error == pytest.approx(1e-3, rel=1e-3)
    assert "<-- mismatch" in str(report)
    with pytest.raises(
        gk.GradientMismatch,
        match=r"the fwd-mode derivative of bad_sin \(order 1\) disagrees with finite differences",
    ):
        gk.check_grad(bad_sin, 0.7, raise_on_mismatch=True)


def test_check_grad_modes_and_python_control_flow():
    assert gk.check_grad(seed_loop, jnp.float32(0.813), modes=("rev",))
    assert [r.mode for r in gk.check_grad(jnp.sin, 1.0, modes=["fwd"]).results] == ["fwd"]


def test_check_grad_bad_arguments():
    with pytest.raises(
        gk.InvalidInputError, match=r"needs the point: check_grad\(sin, x, \.\.\.\)"
    ):
        gk.check_grad(jnp.sin)
    with pytest.raises(gk.InvalidInputError, match=r"unknown modes \('lin',\); known modes: fwd"):
        gk.check_grad(jnp.sin, 1.0, modes=("lin",))
    with pytest.raises(
        gk.InvalidInputError, match=r"order must be a positive integer, got order=0"
    ):
        gk.check_grad(jnp.sin, 1.0, order=0)
    with pytest.raises(gk.NotDifferentiableError, match=r"argument 0 of dot2 has dtype int32"):
        gk.check_grad(dot2, jnp.arange(3))
