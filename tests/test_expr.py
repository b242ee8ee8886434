"""The safe expression language: what it computes, and what it refuses."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradkit as gk
from gradkit._config import float64
from gradkit._expr import (
    FUNCTIONS,
    HELP,
    MAX_DEPTH,
    MAX_LENGTH,
    parse_expression,
    resolve_function,
)

ExpressionError = gk.ExpressionError


@pytest.mark.parametrize(
    ("source", "x", "value", "derivative"),
    [
        ("3*x**2 - 4*x", 1.0, -1.0, 2.0),
        ("log(x**2)*sin(x) + 1/x", 2.0, math.log(4) * math.sin(2) + 0.5,
         2 / 2 * math.sin(2) + math.log(4) * math.cos(2) - 1 / 4),
        ("x**3 - 1/x", 1.0, 0.0, 4.0),
        ("-x + +x - -x", 3.0, 3.0, 1.0),
        ("2**0.5 * x", 1.0, math.sqrt(2), math.sqrt(2)),
        ("pi * e * x", 1.0, math.pi * math.e, math.pi * math.e),
        ("sigmoid(x) + relu(x) + tanh(x)", 0.5, 1 / (1 + math.exp(-0.5)) + 0.5 + math.tanh(0.5),
         1 / (1 + math.exp(-0.5)) * (1 - 1 / (1 + math.exp(-0.5))) + 1 + 1 - math.tanh(0.5) ** 2),
        ("x**x", 2.0, 4.0, 4 * (math.log(2) + 1)),
    ],
)  # fmt: skip
def test_scalar_expressions_compute_the_function_and_its_derivative(
    source: str, x: float, value: float, derivative: float
) -> None:
    f = parse_expression(source)
    with float64():
        assert float(f(x)) == pytest.approx(value, rel=1e-12)
        assert float(jax.grad(f)(x)) == pytest.approx(derivative, rel=1e-12)


def test_a_function_of_a_vector_has_the_books_gradient() -> None:
    # D2L §2.4 ex. 7: ∇(3x₁² + 5e^{x₂}) at (1, 0) is (6, 5)
    f = parse_expression("3*x[0]**2 + 5*exp(x[1])")
    assert f.indexed and f.min_size == 2
    np.testing.assert_allclose(jax.grad(f)(jnp.array([1.0, 0.0])), [6.0, 5.0])


def test_reductions_give_the_seeds_gradient() -> None:
    # the seed's y = 2 xᵀx has gradient 4x
    f = parse_expression("2*dot(x, x)")
    x = jnp.arange(4.0)
    np.testing.assert_array_equal(jax.grad(f)(x), 4 * x)
    np.testing.assert_array_equal(jax.grad(parse_expression("2*sum(x*x)"))(x), 4 * x)


def test_expressions_compose_with_jit_and_vmap() -> None:
    f = parse_expression("3*x**2 - 4*x")
    xs = jnp.array([0.0, 1.0, 2.0, 5.0])
    np.testing.assert_array_equal(jax.jit(jax.vmap(f))(xs), [0.0, -1.0, 4.0, 55.0])
    np.testing.assert_array_equal(jax.vmap(jax.grad(f))(xs), 6 * xs - 4)


def test_integer_exponents_stay_exact_integer_powers() -> None:
    jaxpr = jax.make_jaxpr(parse_expression("x**(1+1)"))(1.0)
    assert [e.primitive.name for e in jaxpr.jaxpr.eqns] == ["integer_pow"]
    assert jaxpr.jaxpr.eqns[0].params["y"] == 2


def test_a_constant_expression_has_the_shape_of_x_and_zero_derivative() -> None:
    f = parse_expression("2**10 - 1")
    np.testing.assert_array_equal(f(jnp.zeros(3)), [1023.0, 1023.0, 1023.0])
    assert float(jax.grad(f)(1.0)) == 0.0


def test_integers_beyond_int32_are_constants_like_any_other() -> None:
    # found by the property test: a Python int > 2³¹ must not reach JAX as an int
    assert float(parse_expression("2147483648 + x*0")(1.0)) == 2147483648.0
    assert float(parse_expression("2147483648")(1.0)) == 2147483648.0


def test_integer_input_is_converted_to_float() -> None:
    out = parse_expression("x / 2")(jnp.arange(3))
    assert jnp.issubdtype(out.dtype, jnp.floating)
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


# The hostile list of the issue, and more: each is refused with a pointed message.
HOSTILE = [
    ("__import__('os')", r"unknown function '__import__' at column 1: '__import__'"),
    ("().__class__", r"attribute access \('\.__class__'\) is not allowed at column 1"),
    ("x.__dict__", r"attribute access \('\.__dict__'\) is not allowed"),
    ("open('/etc/passwd')", r"unknown function 'open' at column 1"),
    ("9**9**9", r"constant is too large for floating point at column 1: '9\*\*9\*\*9'"),
    ("x" * 10_000_000, rf"expression is 10000000 characters long; the limit is {MAX_LENGTH}"),
    ("lambda: 0", r"lambda is not allowed"),
    ("[c for c in ()]", r"a list comprehension is not allowed"),
    ("(lambda: 0).__globals__", r"attribute access \('\.__globals__'\)"),
    ("sin.__self__", r"attribute access \('\.__self__'\)"),
    ("getattr(x, 'y')", r"unknown function 'getattr'"),
    ("eval('1')", r"unknown function 'eval'"),
    ("x if x else 1", r"a conditional expression is not allowed"),
    ("x < 1", r"a comparison is not allowed"),
    ("'abc'", r"str literals are not allowed"),
    ("b'abc'", r"bytes literals are not allowed"),
    ("1j * x", r"complex literals are not allowed"),
    ("True * x", r"True is not a number"),
    ("(y := 2)", r"an assignment \(:=\) is not allowed"),
    ("x[y]", r"an index must be a literal integer, as in x\[0\] at column 3: 'y'"),
    ("x[0:2]", r"an index must be a literal integer"),
    ("x[0][1]", r"only x can be indexed, once"),
    ("sin(x)[0]", r"only x can be indexed"),
    ("x @ x", r"the operator MatMult is not allowed"),
    ("x // 2", r"the operator FloorDiv is not allowed"),
    ("~x", r"the operator Invert is not allowed"),
    ("sin(x, x)", r"sin\(\) takes 1 argument, got 2"),
    ("exp(x=1)", r"exp\(\) takes no keyword arguments"),
    ("sin(*x)", r"sin\(\) takes 1 argument|unpacking"),
    ("1/0", r"division by zero at column 1: '1/0'"),
    ("(-8)**(1/3)", r"constant is undefined \(no real value\)"),
    ("1e999 * x", r"number is too large for floating point"),
    ("9" * 400, r"number is too large for floating point"),
    ("-" * (MAX_DEPTH + 5) + "x", rf"expression nests more than {MAX_DEPTH} levels deep"),
    ("(" * 300 + "x" + ")" * 300, r"invalid syntax \(too many nested parentheses\)"),
    ("x +", r"the expression is incomplete at the end\n  x \+\n     \^"),
    ("3 x", r"invalid syntax at column 3: 'x'"),
    ("sin(x", r"invalid syntax \('\(' was never closed\) at column 4: '\('"),
    ("x\x00", r"invalid syntax|cannot parse"),
    ("import os", r"invalid syntax"),
    ("x; x", r"invalid syntax"),
    ("", r"empty expression ''"),
    ("y", r"unknown name 'y' \(the variable is x\)"),
    ("log", r"'log' is a function: call it, as in log\(x\)"),
]


@pytest.mark.parametrize(("source", "message"), HOSTILE, ids=[s[:24] for s, _ in HOSTILE])
def test_hostile_and_invalid_expressions_are_refused(source: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_expression(source)


def test_the_message_points_at_the_offending_part() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression("3*x**2 + x.real")
    lines = str(info.value).splitlines()
    assert lines[0] == "attribute access ('.real') is not allowed at column 10: 'x.real'"
    assert lines[1] == "  3*x**2 + x.real"
    assert lines[2] == "           ^^^^^^"
    assert lines[3].startswith("Use numbers, x (x[0], x[1], … for a vector), + - * / **")


def test_columns_count_characters_not_bytes() -> None:
    # the full-width 'ｘ' is 3 bytes in UTF-8 and is the name x after NFKC normalisation
    with pytest.raises(
        ExpressionError, match=r"unknown name 'q' \(the variable is x\) at column 5"
    ) as info:
        parse_expression("ｘ + q")
    assert str(info.value).splitlines()[2] == "      ^"


def test_an_index_past_the_end_of_x_is_refused_not_clamped() -> None:
    f = parse_expression("x[0] + x[3]")
    with pytest.raises(
        ExpressionError,
        match=r"expression 'x\[0\] \+ x\[3\]' indexes x up to x\[3\], so x must be a vector of "
        r"length >= 4; got shape \(2,\)",
    ):
        f(jnp.ones(2))
    with pytest.raises(ExpressionError, match=r"got a scalar"):
        f(1.0)
    assert float(parse_expression("x[-1]")(jnp.arange(3.0))) == 2.0


def test_a_constant_too_large_for_the_dtype_of_x_is_refused() -> None:
    f = parse_expression("1e300 * x")
    with pytest.raises(
        ExpressionError,
        match=r"expression '1e300 \* x' uses the constant 1e\+300, which overflows float32; "
        r"evaluate it in float64",
    ):
        f(jnp.float32(1.0))
    with float64():
        assert float(f(1.0)) == 1e300


def test_a_non_string_is_refused() -> None:
    with pytest.raises(ExpressionError, match=r"an expression must be a string, got 3"):
        parse_expression(3)  # type: ignore[arg-type]
    with pytest.raises(ExpressionError, match=r"an expression must be a string, got None"):
        resolve_function(None)  # type: ignore[arg-type]


def test_a_registered_function_name_resolves_to_its_spec() -> None:
    f = resolve_function("quadratic")
    assert f is gk.functions.get("quadratic").fn
    assert float(f(1.0)) == -1.0


def test_module_function_is_imported() -> None:
    f = resolve_function("jax.numpy:sin")
    assert f is jnp.sin


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no_such_module_xyz:f", r"cannot import module 'no_such_module_xyz' for "
         r"'no_such_module_xyz:f': No module named 'no_such_module_xyz'"),
        ("math:nope", r"module 'math' has no attribute 'nope' \(from 'math:nope'\)"),
        ("math:pi", r"'math:pi' names 3\.14159\d*, which is not callable"),
        ("quadratc", r"(?s)unknown name 'quadratc'.*\nNor is 'quadratc' a registered function "
         r"\(did you mean 'quadratic'\?\); registered: .*quadratic"),
    ],
)  # fmt: skip
def test_unresolvable_names_say_what_to_do(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        resolve_function(text)


def test_an_expression_is_preferred_over_nothing_for_hyphenated_text() -> None:
    # 'x-1' looks like a registry name but is not one: it is arithmetic
    assert float(resolve_function("x-1")(3.0)) == 2.0


def _evaluate_or_refuse(text: str) -> None:
    try:
        f = parse_expression(text)
    except ExpressionError:
        return
    for x in (jnp.asarray(0.5), jnp.asarray([0.5, -1.5, 2.0])):
        try:
            out = f(x)
        except ExpressionError:
            continue
        assert isinstance(out, jax.Array)


ALPHABET = "x0123456789.+-*/()[], eijpn_sloagrtcqdbmwu:'\"\\@%<>=!;{}~^&|#\n\t"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=40))
def test_random_text_gives_a_result_or_a_clean_error(text: str) -> None:
    _evaluate_or_refuse(text)


_atoms = (
    st.sampled_from(["x", "x[0]", "x[2]", "x[-1]", "1", "2.5", "0", "pi", "e", "1e308", "9",
                     "y", "x.T", "'s'", "None", "True", "()", "[x]"])
    | st.integers(-(2**70), 2**70).map(str)
    | st.floats(allow_nan=False, allow_infinity=False).map(repr)
)  # fmt: skip


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "//", "@", "<"]),
                       children).map(lambda t: f"({t[0]}{t[1]}{t[2]})")  # fmt: skip
    names = sorted(FUNCTIONS) + ["open", "__import__", "getattr"]
    call = st.tuples(st.sampled_from(names), st.lists(children, min_size=1, max_size=2)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})"
    )
    unary = children.map(lambda c: f"-{c}")
    return binary | call | unary


@settings(max_examples=120, deadline=None)
@given(st.recursive(_atoms, _combine, max_leaves=12))
def test_random_expression_trees_give_a_result_or_a_clean_error(text: str) -> None:
    _evaluate_or_refuse(text)


# --- hints: the usual slips get the fix, not only the rule ------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x^2", "the operator ^ is not allowed at column 1: 'x^2'\n  x^2\n  ^^^\n"
         "For a power write **, as in x**2."),
        ("3x**2", "invalid syntax (invalid decimal literal) at column 1: '3'\n  3x**2\n  ^\n"
         "To multiply, write * between them: 3*x, not 3x."),
        ("2.5sin(x)", "To multiply, write * between them: 2.5*sin, not 2.5sin."),
        ("2(x+1)", "a number cannot be called at column 1: '2'\n  2(x+1)\n  ^\n"
         "To multiply, write * between them: 2*(...), not 2(...)."),
        ("sine(x)", "unknown function 'sine' at column 1: 'sine'\n  sine(x)\n  ^^^^\n"
         "Did you mean 'sin', as in sin(x)?"),
        ("Exp(x)", "Did you mean 'exp', as in exp(x)?"),
        ("sqr(x)", "Did you mean 'sqrt', as in sqrt(x)?"),
        ("2*pie", "unknown name 'pie' (the variable is x) at column 3: 'pie'\n  2*pie\n    ^^^\n"
         "Did you mean 'pi', as in pi?"),
    ],
)  # fmt: skip
def test_expression_errors_suggest_the_fix(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert message in str(caught.value)


def test_a_name_without_a_near_match_lists_the_language() -> None:
    with pytest.raises(ExpressionError, match=r"unknown name 'y' \(the variable is x\)") as caught:
        parse_expression("y + 1")
    assert "Did you mean" not in str(caught.value)
    assert str(caught.value).endswith(HELP)


def test_scientific_notation_is_not_an_implicit_product() -> None:
    assert float(parse_expression("1e3*x")(2.0)) == 2000.0
    assert float(parse_expression("5e-1*x")(2.0)) == 1.0
    assert float(parse_expression("2E+1*x")(1.0)) == 20.0


@pytest.mark.parametrize("x", [0.0, -2.5, 3.0])
def test_abs_follows_gk_norms_subgradient_convention(x: float) -> None:
    f = parse_expression("abs(x)")
    expected = float(jnp.sign(x))  # sign(0) = 0: the subgradient nearest 0
    assert float(jax.grad(f)(x)) == expected
    assert float(jax.grad(gk.norm)(jnp.array([x]))[0]) == expected
    assert float(jax.grad(parse_expression("relu(x)"))(0.0)) == 0.0
    assert float(jax.jit(jax.vmap(jax.grad(f)))(jnp.array([x]))[0]) == expected


def test_elementwise_is_known_from_the_text() -> None:
    assert parse_expression("sin(x) * 2 + abs(x)").elementwise
    for text in ("sum(x)", "x[0] * x", "norm(x) + x", "dot(x, x)", "mean(x)", "prod(x)"):
        assert not parse_expression(text).elementwise, text
