"""Single-mistake mutants of a complete honest submission: each loses points on its
exercise and only there, and each failed visible check names its own input.

The honest base is the D2L set's reference solutions, concatenated into one
student file (as the handout's ``solutions.py`` would be); every mutant changes
one entry of one exercise. Each mutant is graded on its own exercise and on
every exercise with a source rule, since those rules read the whole file: a
mistake that spilled into another exercise's grade through the source would
show there. (The other exercises read only their own entries, which a mutant
leaves byte-identical; in this process each request is answered on its own.
The honest base is graded on the whole set once.)
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import gradkit as gk
from gradkit.grading import Evaluate, InProcessCandidate, ReferenceCache, grade_candidate
from gradkit.grading._checks import Values
from gradkit.grading._score import check_rng

SEED = 0
MODULES = ("calculus", "autodiff", "norms")
BASE = "\n\n".join(
    Path(importlib.import_module(f"gradkit_exercises.reference.{m}").__file__).read_text(
        encoding="utf-8"
    )
    for m in MODULES
)
WRONG = Path(__file__).parent / "wrong_solutions"
# the book's Python while/if, as its wrong solution for the exercise writes it
BOOK_WHILE = (WRONG / "control_flow_python_while.py").read_text(encoding="utf-8")
BOOK_WHILE = BOOK_WHILE[BOOK_WHILE.index("def fun(a):") :].rstrip()

# (name, exercise, the honest text, the mistake)
MUTANTS = [
    ("l1 without abs", "norms.vector", "return jnp.sum(jnp.abs(v))", "return jnp.sum(v)"),
    (
        "l2 NaN gradient at 0",
        "norms.vector",
        "def l2(v):\n    # double-where: the gradient at 0 is 0 (the zero subgradient), not NaN\n"
        "    sq = jnp.sum(v * v)\n    safe = jnp.where(sq > 0, sq, 1.0)\n"
        "    return jnp.where(sq > 0, jnp.sqrt(safe), 0.0)",
        "def l2(v):\n    return jnp.sqrt(jnp.sum(v * v))",
    ),
    ("linf without abs", "norms.vector", "return jnp.max(jnp.abs(v))", "return jnp.max(v)"),
    ("columns are rows", "norms.matrix", "return _l2_columns(M)\n", "return _l2_columns(M.T)\n"),
    (
        "row norms keep dims",
        "norms.matrix",
        "return _l2_columns(M.T)",
        "return _l2_columns(M.T)[:, None]",
    ),
    ("frobenius is l1", "norms.matrix", "return l2(M.reshape(-1))", "return jnp.sum(jnp.abs(M))"),
    (
        "central quotients",
        "calculus.limit-table",
        "(f(x + h) - fx) / h",
        "(f(x + h) - f(x - h)) / (2 * h)",
    ),
    ("d_const scalar", "calculus.derivative-rules", "return jnp.zeros_like(x)", "return 0.0 * c"),
    ("power rule exponent", "calculus.derivative-rules", "n * x ** (n - 1)", "n * x**n"),
    (
        "d_exp chain factor",
        "calculus.derivative-rules",
        "def d_exp(x):\n    return jnp.exp(x)",
        "def d_exp(x):\n    return x * jnp.exp(x)",
    ),
    (
        "d_log by autodiff",
        "calculus.derivative-rules",
        "def d_log(x):\n    return 1 / x",
        "def d_log(x):\n    return jnp.vectorize(jax.grad(jnp.log))(x)",
    ),
    ("sum rule sign", "calculus.sum-product-quotient", "df(x) + dg(x)", "df(x) - dg(x)"),
    (
        "product rule forgets a term",
        "calculus.sum-product-quotient",
        "df(x) * g(x) + f(x) * dg(x)",
        "df(x) * dg(x)",
    ),
    (
        "quotient rule sign",
        "calculus.sum-product-quotient",
        "(df(x) * g(x) - f(x) * dg(x))",
        "(f(x) * dg(x) - df(x) * g(x))",
    ),
    (
        "x^x by the power rule",
        "calculus.x-to-the-x",
        "x**x * (jnp.log(x) + 1)",
        "x * x ** (x - 1)",
    ),
    (
        "x^x by autodiff",
        "calculus.x-to-the-x",
        "return x**x * (jnp.log(x) + 1)",
        "return jnp.vectorize(jax.grad(lambda t: t**t))(x)",
    ),
    ("wrong stationary point", "calculus.stationary-point", "x_star = 1.0", "x_star = 0.5"),
    (
        "constant g",
        "calculus.stationary-point",
        "return (x - 1.0) ** 2",
        "return 0.0 * x + 1.0",
    ),
    (
        "tangent intercept",
        "calculus.tangent-line",
        "return slope, f(x0) - slope * x0",
        "return slope, f(x0)",
    ),
    (
        "tangent slope is the value",
        "calculus.tangent-line",
        "slope = jax.grad(f)(x0)",
        "slope = f(x0)",
    ),
    ("gradient factor", "calculus.gradient", "6 * x[0]", "3 * x[0]"),
    (
        "gradient by autodiff",
        "calculus.gradient",
        "return jnp.stack([6 * x[0], 5 * jnp.exp(x[1])])",
        "return jax.grad(lambda y: 3 * y[0] ** 2 + 5 * jnp.exp(y[1]))(x)",
    ),
    (
        "l2 gradient NaN at 0",
        "calculus.l2-gradient",
        "return jnp.where(sq > 0, x / jnp.sqrt(safe), jnp.zeros_like(x))",
        "return x / jnp.sqrt(sq)",
    ),
    (
        "chain rule drops cos",
        "calculus.multivariate-chain-rule",
        "du_da = y * 1 + x * b + jnp.cos(z) * 2 * a",
        "du_da = y * 1 + x * b",
    ),
    (
        "chain rule by autodiff",
        "calculus.multivariate-chain-rule",
        "    return du_da, du_db",
        "    u = lambda a, b: (a + b) * (a * b) + jnp.sin(a**2 - b)\n"
        "    return jax.grad(u, argnums=(0, 1))(a, b)",
    ),
    (
        "inverse without reciprocal",
        "calculus.inverse-derivative",
        "return lambda y: 1 / df(f_inv(y))",
        "return lambda y: df(f_inv(y))",
    ),
    ("dot gradient factor", "autodiff.dot-gradient", "2 * jnp.dot(x, x)", "jnp.dot(x, x)"),
    (
        "backward ignores v",
        "autodiff.non-scalar-backward",
        "    if v is None:\n        v = jnp.ones_like(y)",
        "    v = jnp.ones_like(y)",
    ),
    (
        "detach forgotten",
        "autodiff.detach",
        "u = jax.lax.stop_gradient(x * x)",
        "u = x * x",
    ),
    ("the book's Python while", "autodiff.control-flow", "fun = jax.jit(_doubling)", BOOK_WHILE),
    (
        "hvp materialises the Hessian",
        "autodiff.second-derivative-cost",
        "return jax.jvp(jax.grad(f), (x,), (v,))[1]",
        "return jax.hessian(f)(x) @ v",
    ),
    (
        "accumulate the mean",
        "autodiff.backward-twice",
        "jnp.sum(jax.vmap(jax.grad(f))(xs), axis=0)",
        "jnp.mean(jax.vmap(jax.grad(f))(xs), axis=0)",
    ),
    (
        "Jacobian of the first doubling only",
        "autodiff.vector-control-flow",
        "fun_jacobian = jax.jit(jax.jacrev(_doubling))",
        "fun_jacobian = jax.jit(jax.jacrev(lambda a: 2 * a))",
    ),
    (
        "dsin is cos",
        "autodiff.sin-derivative",
        "return jnp.vectorize(jax.grad(jnp.sin))(x)",
        "return jnp.cos(x)",
    ),
    (
        "dsin by vmap",
        "autodiff.sin-derivative",
        "return jnp.vectorize(jax.grad(jnp.sin))(x)",
        "return jax.vmap(jax.grad(jnp.sin))(x)",
    ),
    ("df sign", "autodiff.chain-rule-by-hand", "- 1 / x**2", "+ 1 / x**2"),
    (
        "df by autodiff",
        "autodiff.chain-rule-by-hand",
        "return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2",
        "return jnp.vectorize(jax.grad(lambda t: jnp.log(t**2) * jnp.sin(t) + 1 / t))(x)",
    ),
    (
        "forward derivative by grad",
        "autodiff.forward-backward",
        "return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]",
        "return jax.grad(f)(x)",
    ),
    (
        "forward derivative by finite differences",
        "autodiff.forward-backward",
        "return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]",
        "import gradkit as gk\n\n    return gk.numerical_derivative(f)(x)",
    ),
    (
        "reverse derivative by jvp",
        "autodiff.forward-backward",
        "def reverse_derivative(f, x):\n    return jax.grad(f)(x)",
        "def reverse_derivative(f, x):\n    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]",
    ),
    (
        "Jacobian always forward",
        "autodiff.forward-or-reverse",
        "    if x.size <= out.size:\n        return jax.jacfwd(f)(x)",
        "    if True:\n        return jax.jacfwd(f)(x)",
    ),
    (
        "Jacobian modes swapped",
        "autodiff.forward-or-reverse",
        "if x.size <= out.size:",
        "if x.size > out.size:",
    ),
]
CODE = [
    s for s in gk.exercises if s.kind == "code" and s.provider and "gradkit-exercises" in s.provider
]


def _mutate(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


@pytest.fixture(scope="module")
def references(xla_disk_cache) -> ReferenceCache:
    # every mutant compiles the programs of the entries it leaves alone again: on
    # disk, each is found by its HLO
    return ReferenceCache()


@pytest.fixture(scope="module")
def honest(references):
    results = grade_candidate(
        InProcessCandidate.from_source(BASE, name="solutions"),
        CODE,
        seed=SEED,
        references=references,
    )
    return {r.id: r for r in results}


def test_there_are_at_least_36_mutants_and_every_code_exercise_has_one():
    assert len(MUTANTS) >= 36
    assert {m[1] for m in MUTANTS} == {s.id for s in CODE}
    assert len({m[0] for m in MUTANTS}) == len(MUTANTS)


def test_the_honest_base_gets_full_marks(honest):
    failed = [(c.name, c.message) for r in honest.values() for c in r.checks if not c.passed]
    assert failed == []


def _own_inputs(spec, index) -> set[str]:
    check = spec.checks[index]
    requests = check.requests(check_rng(SEED, spec.id, index))
    return {check._where(r) for r in requests if isinstance(r, Evaluate)}


@pytest.mark.parametrize(("name", "exercise", "old", "new"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_a_mutant_loses_points_on_its_exercise_only(references, honest, name, exercise, old, new):
    source = _mutate(old, new)
    specs = [s for s in CODE if s.id == exercise or any(c.static for c in s.checks)]
    results = grade_candidate(
        InProcessCandidate.from_source(source, name="solutions"),
        specs,
        seed=SEED,
        references=references,
    )
    lost = {r.id for r in results if r.score < r.max_score}
    assert lost == {exercise}, [
        (r.id, [c.message for c in r.checks if not c.passed]) for r in results if r.id in lost
    ]
    (result,) = [r for r in results if r.id == exercise]
    spec = gk.exercises.get(exercise)
    others = set()
    for index in range(len(spec.checks)):
        if isinstance(spec.checks[index], Values) and not spec.checks[index].hidden:
            others |= _own_inputs(spec, index)
    for index, (check, outcome) in enumerate(zip(spec.checks, result.checks, strict=True)):
        if outcome.passed or check.hidden or type(check) is not Values:
            continue
        own = _own_inputs(spec, index)
        if "is not implemented" in outcome.message:
            continue
        assert any(w in outcome.message for w in own) or "(hidden)" in outcome.name or not own, (
            outcome.name,
            outcome.message,
        )
        foreign = {w for w in others - own if w in outcome.message}
        assert not foreign, (outcome.name, outcome.message)
