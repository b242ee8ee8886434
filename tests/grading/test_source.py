""" "Must not use" rules resolve names, and the scoring model that makes them matter.

- the resolver (`_source`): what a name *is* through scopes, imports, aliases,
  attribute chains, folded strings and the student's own helpers, across the
  files of a directory submission; its scope classification agrees with the
  standard library's `symtable`;
- renaming a local, a parameter or a helper of an honest submission to any
  forbidden name never changes its score (a property test);
- every aliasing or dynamic-lookup cheat of a forbidden API scores 0 on its
  exercise, although its values are right;
- the scoring model: a broken requirement scores 0; a source rule earns its
  weight only when its entry passes a value check.
"""

from __future__ import annotations

import ast
import symtable
import textwrap

import numpy as np
import pytest
from gradkit_exercises._written import AUTODIFF_NAMES
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import gradkit as gk
from gradkit.grading import InProcessCandidate, Ok, ReferenceCache, checks, grade_candidate
from gradkit.grading._checks import Check
from gradkit.grading._score import _apply_model
from gradkit.grading._source import Program, program, usage

AUTODIFF = frozenset(AUTODIFF_NAMES)


@pytest.fixture(scope="module")
def references() -> ReferenceCache:
    return ReferenceCache()


def _forbidden(source: str | dict[str, str], entry: str, names=AUTODIFF) -> list[str]:
    found = usage(source, entry)
    return sorted(found.names & names)


# -- what a name is ------------------------------------------------------------------------

HONEST = {
    # the four false positives
    "an inner function named derivative": """
        def quotient_rule(f, g, df, dg):
            def derivative(x):
                return (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            return derivative
        """,
    "a local named grad": """
        import jax.numpy as jnp
        def sigmoid(x):
            return 1 / (1 + jnp.exp(-x))
        def quotient_rule(f, g, df, dg):
            def h(x):
                grad = sigmoid(x)
                return grad * 0 + (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            return h
        """,
    "a parameter df, not the module-level df": """
        import jax
        import jax.numpy as jnp
        df = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "a helper named grad, and a method named derivative": """
        import jax.numpy as jnp
        def grad(x):
            return 2 / x * jnp.sin(x)
        class Parts:
            def derivative(self, x):
                return jnp.log(x**2) * jnp.cos(x) - 1 / x**2
        def quotient_rule(f, g, df, dg):
            return lambda x: grad(x) + Parts().derivative(x)
        """,
    "np.gradient is not grad": """
        import jax.numpy as np
        def quotient_rule(f, g, df, dg):
            return lambda x: np.gradient(x) * 0 + df(x) / g(x)
        """,
    "a comprehension variable, a string and a comment": """
        def quotient_rule(f, g, df, dg):
            # no grad here; "jvp" is only a word
            label = "grad"
            return lambda x: sum(jvp(x) for jvp in (df,)) / g(x)
        """,
    "autodiff elsewhere in the file is not reached": """
        import jax
        from jax import grad
        reverse = jax.grad
        def helper(x):
            return grad(jax.numpy.sin)(x)
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "a global counter is not a rebinding of the API": """
        calls = 0
        def quotient_rule(f, g, df, dg):
            global calls
            calls += 1
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
}


@pytest.mark.parametrize("case", sorted(HONEST))
def test_names_the_student_defines_are_not_the_api(case):
    assert _forbidden(textwrap.dedent(HONEST[case]), "quotient_rule") == []


F = "(lambda t: jnp.log(t**2) * jnp.sin(t) + 1 / t)"
# Each computes the right f′ (F is f), reaching a forbidden API by another route.
CHEATS = {
    "alias": """
        from jax import grad as g
        def df(x):
            return jnp.vectorize(g(F))(x)
        """,
    "module alias": """
        import jax as j
        def df(x):
            return jnp.vectorize(j.grad(F))(x)
        """,
    "gradkit": """
        import gradkit as gk
        def df(x):
            return gk.derivative(F)(x)
        """,
    "star import": """
        from jax import *
        def df(x):
            return jnp.vectorize(grad(F))(x)
        """,
    "folded getattr": """
        def df(x):
            return jnp.vectorize(getattr(jax, "gr" + "ad")(F))(x)
        """,
    "reversed string": """
        def df(x):
            return jnp.vectorize(getattr(jax, "darg"[::-1])(F))(x)
        """,
    "f-string": """
        n = "ad"
        def df(x):
            return jnp.vectorize(getattr(jax, f"gr{n}")(F))(x)
        """,
    "class attribute": """
        class K:
            d = jax.grad
        def df(x):
            return jnp.vectorize(K.d(F))(x)
        """,
    "default argument": """
        def df(x, d=jax.grad):
            return jnp.vectorize(d(F))(x)
        """,
    "module lambda": """
        d = lambda h: jax.grad(h)
        def df(x):
            return jnp.vectorize(d(F))(x)
        """,
    "decorator": """
        @jnp.vectorize
        @jax.grad
        def df(t):
            return jnp.log(t**2) * jnp.sin(t) + 1 / t
        """,
    "assigned entry": """
        df = jax.vmap(jax.grad(F))
        """,
    "returned by a helper": """
        def tool():
            return jax
        def df(x):
            return jnp.vectorize(tool().grad(F))(x)
        """,
    "list element": """
        mods = [jax]
        def df(x):
            return jnp.vectorize(mods[0].grad(F))(x)
        """,
    "dict value": """
        mods = {"j": jax}
        def df(x):
            return jnp.vectorize(mods["j"].grad(F))(x)
        """,
    "untraceable value": """
        def df(x):
            return jnp.vectorize(next(iter([jax])).grad(F))(x)
        """,
    "tuple unpacking": """
        a, b = jnp, jax
        def df(x):
            return jnp.vectorize(b.grad(F))(x)
        """,
    "walrus": """
        def df(x):
            return jnp.vectorize((d := jax.grad)(F))(x)
        """,
    "local import": """
        def df(x):
            from jax import grad
            return jnp.vectorize(grad(F))(x)
        """,
    "closure": """
        def make():
            d = jax.grad
            def inner(x):
                return jnp.vectorize(d(F))(x)
            return inner
        df = make()
        """,
    "global statement": """
        def df(x):
            return x
        def _setup():
            global df
            df = jnp.vectorize(jax.grad(F))
        _setup()
        """,
    "forward mode": """
        def df(x):
            return jax.jvp(jnp.vectorize(F), (x,), (jnp.ones_like(x),))[1]
        """,
    "jacfwd": """
        def df(x):
            return jnp.vectorize(jax.jacfwd(F))(x)
        """,
    "value_and_grad": """
        def df(x):
            return jnp.vectorize(lambda t: jax.value_and_grad(F)(t)[1])(x)
        """,
    # dynamic lookups
    "attrgetter": """
        import operator
        def df(x):
            return jnp.vectorize(operator.attrgetter("grad")(jax)(F))(x)
        """,
    "__dict__": """
        def df(x):
            return jnp.vectorize(jax.__dict__["grad"](F))(x)
        """,
    "importlib": """
        import importlib
        def df(x):
            return jnp.vectorize(importlib.import_module("jax").grad(F))(x)
        """,
    "__import__": """
        def df(x):
            return jnp.vectorize(__import__("jax").grad(F))(x)
        """,
    "eval": """
        def df(x):
            return jnp.vectorize(eval("jax.grad")(F))(x)
        """,
    "vars": """
        def df(x):
            return jnp.vectorize(vars(jax)["grad"](F))(x)
        """,
    "globals": """
        def df(x):
            return jnp.vectorize(globals()["jax"].grad(F))(x)
        """,
    "sys.modules": """
        import sys
        def df(x):
            return jnp.vectorize(sys.modules["jax"].grad(F))(x)
        """,
    "computed getattr": """
        parts = ["gr", "ad"]
        def df(x):
            return jnp.vectorize(getattr(jax, "".join(parts))(F))(x)
        """,
    "exec": """
        exec("def df(x):\\n    return jnp.vectorize(jax.grad(F))(x)")
        """,
}
CHEAT_HEADER = "import jax\nimport jax.numpy as jnp\n"


def _cheat(case: str) -> str:
    return CHEAT_HEADER + textwrap.dedent(CHEATS[case]).lstrip().replace("F", F)


@pytest.mark.parametrize("case", sorted(CHEATS))
def test_every_aliasing_or_dynamic_cheat_is_caught(case):
    source = _cheat(case)
    check = checks.avoids("df", *AUTODIFF_NAMES)
    passed, message = check.judge([], [Ok(source)], None)
    assert not passed, message
    assert "rules out" in message, message


@pytest.mark.parametrize("case", sorted(CHEATS))
def test_a_cheat_scores_zero_on_its_exercise_although_its_values_are_right(references, case):
    spec = gk.exercises.get("autodiff.chain-rule-by-hand")
    candidate = InProcessCandidate.from_source(_cheat(case))
    (result,) = grade_candidate(candidate, [spec], seed=0, references=references)
    by_name = {c.name: c for c in result.checks}
    if case != "exec":  # an entry defined by exec is not in the source at all
        assert by_name["df values"].passed, by_name["df values"].message
    rule = by_name["df uses no autodiff"]
    assert not rule.passed
    assert rule.message.endswith("(a requirement: breaking it scores this exercise 0)")
    assert (result.score, result.status) == (0.0, "failed")


def test_messages_name_the_api_and_where_it_is_written():
    source = (
        CHEAT_HEADER
        + "from jax import grad as g\nc = jnp.cos\n"
        + ("def df(x):\n    return g(c)(x)\n")
    )
    rule = checks.avoids("df", "grad", "cos")
    assert rule.judge([], [Ok(source)], None) == (
        False,
        "`df` uses `cos` (line 4), `grad` (line 6), which this exercise rules out",
    )
    dynamic = CHEAT_HEADER + "def df(x, n):\n    return getattr(jax, n)(x)\n"
    assert rule.judge([], [Ok(dynamic)], None) == (
        False,
        "`df` uses `getattr` (line 4): dynamic code could hide a name this exercise rules "
        "out; call functions directly",
    )


def test_a_directory_submission_is_resolved_across_its_files():
    helpers = (
        "import jax\nfrom jax import grad as g\nreverse = jax.grad\n"
        "def by_hand(x):\n    return 2 * x\n"
    )
    honest = {
        "helpers.py": helpers,
        "solutions.py": "import helpers\nfrom helpers import by_hand\n"
        "def df(x):\n    return helpers.by_hand(x) + by_hand(x)\n",
    }
    assert _forbidden(honest, "df") == []
    via_from = {
        "helpers.py": helpers,
        "solutions.py": "from helpers import g\ndef df(x):\n    return g(abs)(x)\n",
    }
    assert _forbidden(via_from, "df") == ["grad"]
    assert usage(via_from, "df").lines["grad"] == "line 3"
    via_attribute = {
        "helpers.py": helpers,
        "solutions.py": "import helpers as h\ndef df(x):\n    return h.reverse(abs)(x)\n",
    }
    assert _forbidden(via_attribute, "df") == ["grad"]
    assert usage(via_attribute, "df").lines["grad"] == "helpers.py line 3"
    relative = {
        "helpers.py": helpers,
        "solutions.py": "from . import helpers\ndef df(x):\n    return helpers.g(abs)(x)\n",
    }
    assert _forbidden(relative, "df") == ["grad"]
    star = {
        "helpers.py": helpers,
        "solutions.py": "from helpers import *\ndef df(x):\n    return g(x)\n",
    }
    assert _forbidden(star, "df") == ["grad"]


def test_rebinding_an_imported_module_makes_every_entry_reach_all_code():
    source = CHEAT_HEADER + "jnp.sine = jnp.cos\ndef dsin(x):\n    return jnp.sine(x)\n"
    assert usage(source, "dsin").names >= {"cos"}
    assert program(source).rebinds


def test_a_stub_and_a_missing_entry():
    source = "def f(x):\n    '''Doc.'''\n    raise NotImplementedError('todo')\n"
    assert usage(source, "f").stub
    assert not usage(source, "g").found


def test_each_source_is_parsed_once():
    source = CHEAT_HEADER + "def df(x):\n    return x\n"
    assert program(source) is program(source)
    assert program({"solutions.py": source}) is program({"solutions.py": source})


# -- the resolver agrees with symtable ----------------------------------------------------

CORPUS = [textwrap.dedent(s) for s in HONEST.values()] + [_cheat(c) for c in sorted(CHEATS)]


def _symtable_functions(table: symtable.SymbolTable) -> list[symtable.Function]:
    out = []
    for child in table.get_children():
        if child.get_type() == "function":
            out.append(child)
        out += _symtable_functions(child)
    return out


@pytest.mark.parametrize("source", CORPUS)
def test_scope_classification_agrees_with_symtable(source):
    """Each name loaded in a function body binds where `symtable` says it does."""
    prog = Program({"submission.py": source})
    tree = prog.trees["submission.py"]
    defs: dict[tuple[str, int], list[ast.AST]] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.FunctionDef | ast.Lambda):
            key = (getattr(n, "name", "lambda"), n.lineno)
            defs.setdefault(key, []).append(n)

    for table in _symtable_functions(symtable.symtable(source, "submission.py", "exec")):
        nodes = defs.get((table.get_name(), table.get_lineno()), [])
        if len(nodes) != 1:
            continue  # a generator expression, or two lambdas on one line: not comparable
        (node,) = nodes
        scope = prog._scope_of_body[id(node)]
        own = [
            n
            for n in ast.walk(node)
            if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)
            and prog._scope.get(id(n)) is scope
        ]
        for name in own:
            symbol = table.lookup(name.id)
            where = prog.resolve(name.id, scope)
            if symbol.is_local():
                assert where is scope, name.id
            elif symbol.is_free():
                assert where is not None and where.kind == "function" and where is not scope
            else:
                assert symbol.is_global(), name.id
                assert where is None or where.parent is None, name.id


# -- renaming never changes a score -------------------------------------------------------

RENAMED = """
import jax
import jax.numpy as jnp


def {helper}({param}):
    return jnp.log({param} ** 2)


def df(x):
    {local} = 2 / x * jnp.sin(x)
    {other} = {helper}(x) * jnp.cos(x)
    return {local} + {other} - 1 / x**2


def dsin(x):
    {local} = jax.grad(jnp.sin)
    return jnp.vectorize({local})(x)


def sum_rule(df, dg):
    def {inner}({param}):
        return df({param}) + dg({param})
    return {inner}


def product_rule(f, g, df, dg):
    return lambda {param}: df({param}) * g({param}) + f({param}) * dg({param})


def quotient_rule(f, g, df, dg):
    def {inner}({param}):
        {local} = g({param})
        return (df({param}) * {local} - f({param}) * dg({param})) / {local} ** 2
    return {inner}


def d_x_pow_x({param}):
    {local} = jnp.log({param}) + 1
    return {param} ** {param} * {local}


def forward_derivative(f, x):
    _, {local} = jax.jvp(f, (x,), (jnp.ones_like(x),))
    return {local}


def reverse_derivative(f, x):
    {other}, {inner} = jax.vjp(f, x)
    return {inner}(jnp.ones_like({other}))[0]
"""
SLOTS = ("helper", "param", "local", "other", "inner")
# any forbidden name, except those the template itself uses (`backward` is another entry)
POOL = sorted((AUTODIFF - {"backward"}) | {"cos", "sigmoid", "sin", "f_prime"})
RENAME_EXERCISES = (
    "autodiff.chain-rule-by-hand",
    "autodiff.sin-derivative",
    "calculus.sum-product-quotient",
    "calculus.x-to-the-x",
    "autodiff.forward-backward",
)
PLAIN = dict(zip(SLOTS, ("log_sq", "t", "a", "b", "h"), strict=True))
names = st.lists(st.sampled_from(POOL), min_size=len(SLOTS), max_size=len(SLOTS), unique=True)


def _rules(source: str) -> list[tuple[str, bool]]:
    out = []
    for exercise in RENAME_EXERCISES:
        for check in gk.exercises.get(exercise).checks:
            if check.static:
                out.append((check.label, check.judge([], [Ok(source)], None)[0]))
    return out


@given(names)
@settings(max_examples=200, deadline=None)
def test_renaming_to_forbidden_names_never_breaks_a_source_rule(chosen):
    renamed = RENAMED.format(**dict(zip(SLOTS, chosen, strict=True)))
    assert _rules(renamed) == _rules(RENAMED.format(**PLAIN))
    assert all(passed for _, passed in _rules(renamed))


@pytest.mark.slow
@given(names)
@example(["grad", "derivative", "jacobian", "jvp", "vjp"])
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_renaming_to_forbidden_names_never_changes_the_score(references, chosen):
    specs = [gk.exercises.get(i) for i in RENAME_EXERCISES]
    renamed = RENAMED.format(**dict(zip(SLOTS, chosen, strict=True)))
    got = grade_candidate(
        InProcessCandidate.from_source(renamed), specs, seed=0, references=references
    )
    assert [(r.id, r.score) for r in got] == [(s.id, s.points) for s in specs]


# -- the scoring model ----------------------------------------------------------------------


def test_a_broken_requirement_scores_zero_and_says_which_rule():
    value, rule = (
        checks.values("f", gk.samplers.normal(3)),
        checks.avoids("f", "cos", requirement=True),
    )
    (v, r) = _apply_model(
        [value, rule], [(True, "ok", True), (False, "`f` uses `cos` (line 2)", True)]
    )
    assert r.requirement_broken and not r.passed
    assert (
        r.result.message
        == "`f` uses `cos` (line 2) (a requirement: breaking it scores this exercise 0)"
    )
    assert v.passed


def test_a_missing_entry_breaks_no_rule():
    rule = checks.avoids("f", "cos", requirement=True)
    (r,) = _apply_model([rule], [(False, "`f` is not defined", False)])
    assert not r.requirement_broken and r.result.message == "`f` is not defined"


def test_a_source_rule_earns_only_with_a_passing_value_check():
    value, rule = checks.values("f", gk.samplers.normal(3)), checks.avoids("f", "cos")
    (_, r) = _apply_model([value, rule], [(False, "wrong", True), (True, "`f` avoids cos", True)])
    assert not r.passed
    assert r.result.message == (
        "the rule holds, but a source rule earns points only once `f` passes a value check"
    )
    (_, r) = _apply_model([value, rule], [(True, "ok", True), (True, "`f` avoids cos", True)])
    assert r.passed and r.result.message == "`f` avoids cos"


def test_a_requirement_must_be_a_bool():
    with pytest.raises(
        gk.ExerciseError, match=r"check requirement must be True or False, got 'yes'"
    ):
        checks.avoids("f", "cos", requirement="yes")


def test_static_is_a_property_of_the_check_kind():
    assert checks.avoids("f", "cos").static
    assert not Check.static and not checks.values("f", gk.samplers.normal(2)).static


def test_code_that_never_answers_earns_nothing_from_source_rules(references):
    """Entries that fail every value check (here: raise) earn nothing from their rules."""
    specs = [s for s in gk.exercises if s.kind == "code"]
    entries = sorted({e.name for s in specs for e in s.entries if e.kind == "function"})
    source = "".join(f"def {n}(*args):\n    raise RuntimeError('no')\n" for n in entries)
    results = grade_candidate(
        InProcessCandidate.from_source(source), specs, seed=0, references=references
    )
    assert sum(r.score for r in results) == 0.0
    assert np.all([not c.passed for r in results for c in r.checks])


# -- wording ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "(slope, f(x0) - slope * x0)",
        "[slope, f(x0) - slope * x0]",
        "jnp.stack([slope, f(x0) - slope * x0])",
    ],
)
def test_a_pair_may_be_a_tuple_a_list_or_a_length_2_array(references, answer):
    spec = gk.exercises.get("calculus.tangent-line")
    source = (
        CHEAT_HEADER
        + f"def tangent_line(f, x0):\n    slope = jax.grad(f)(x0)\n    return {answer}\n"
    )
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source), [spec], seed=0, references=references
    )
    assert [(c.name, c.message) for c in result.checks if not c.passed] == []
    assert "tuple, a list or an array of length 2" in " ".join(spec.prompt.split())


def test_counts_are_singular_for_one_input(references):
    spec = gk.exercises.get("calculus.tangent-line")
    source = CHEAT_HEADER + "def tangent_line(f, x0):\n    return jnp.zeros(3)\n"
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source), [spec], seed=0, references=references
    )
    shape = result.checks[0]
    assert shape.message.endswith(
        "result is a 1-d array; expected 2 values (a tuple, a list or an array of length 2)"
    )
    good = (
        CHEAT_HEADER
        + "def tangent_line(f, x0):\n    s = jax.grad(f)(x0)\n    return s, f(x0) - s * x0\n"
    )
    (result,) = grade_candidate(
        InProcessCandidate.from_source(good), [spec], seed=0, references=references
    )
    assert result.checks[0].message == "has the reference's shape at 1 sampled input"


def test_feedback_names_a_probe_as_the_student_reads_it(references):
    spec = gk.exercises.get("calculus.inverse-derivative")
    source = "def inverse_derivative(df, f_inv):\n    return lambda y: df(f_inv(y))\n"
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source), [spec], seed=0, references=references
    )
    messages = " ".join(c.message for c in result.checks)
    assert "probe." not in messages
    assert "inverse_derivative(exp', log, [" in messages, messages


def test_a_hidden_check_named_hidden_is_marked_once():
    from gradkit.grading._reports import _check_line
    from gradkit.grading._results import CheckResult

    named = CheckResult("df (hidden)", False, 1.0, "hidden", "wrong")
    plain = CheckResult("df secret", False, 1.0, "hidden", "wrong")
    assert _check_line(named) == "✗ df (hidden): wrong"
    assert _check_line(plain) == "✗ df secret (hidden): wrong"
