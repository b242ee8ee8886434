"""A rule that rules out autodiff also reads what the entry ran, not only its source.

The evaluator reads each artifact it runs: JAX names every operation by the
transforms it was traced under, so an entry computed with ``jax.grad``, ``jvp``,
``vjp`` or anything built on them carries ``jvp(...)``/``transpose(...)`` in its
compiled program, however the source hides the call (`Ok.autodiff_inside`). An
`Avoids` rule naming ``grad``, ``jvp`` and ``vjp`` is then broken.

`CHEATS_ROUND_13` are red-team round 13's submissions: each one's ``df`` really
computes with ``jax.grad``, behind Python the source rules did not follow (a ``for``
target, a ``with`` target, a walrus, ``match`` capture, ``operator.setitem``,
comparison and operator dunders, ``__class_getitem__``, enum members reached by
iteration, ``type`` aliases, class type parameters, ``tree_map``'s ``is_leaf``, an
own object's member taken as an alias...; some of them the source rules read
since). The honest ones check their formula against ``jax.grad`` outside the entry, or
name their own functions like JAX's.
"""

from __future__ import annotations

import textwrap

import pytest

import gradkit as gk
from gradkit._sandboxed import Evaluate
from gradkit.grading import InProcessCandidate, ReferenceCache, grade_candidate
from gradkit.grading._score import check_requests

SPEC = gk.exercises.get("autodiff.chain-rule-by-hand")
HEADER = """\
import jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
"""


def _stores_into_its_box(
    store: str, prelude: str = "", use: str = "jnp.vectorize(jax.grad(f))"
) -> str:
    """``df`` reads a list it fills with ``use``, by ``store``, when it is called with one."""
    return f"""\
{prelude}
_box = [jnp.cos]
def df(x, use=None):
    if use is not None:
{textwrap.indent(store, " " * 8)}
        return None
    return _box[0](x)
df(0.0, {use})
"""


def _rebinds_its_global(store: str) -> str:
    """``df`` calls the global ``_impl``, which ``store`` rebinds when it is given ``use``."""
    return f"""\
_impl = jnp.cos
def df(x, use=None):
    global _impl
    if use is not None:
{textwrap.indent(store, " " * 8)}
        return None
    return _impl(x)
df(0.0, jnp.vectorize(jax.grad(f)))
"""


def _solver_table_changed(change: str) -> str:
    """``df`` is a method reading its object's table, which ``change`` changes."""
    return f"""\
class Solver:
    def __init__(self):
        self.table = {{"d": jnp.cos}}
    def df(self, x):
        return self.table["d"](x)
S = Solver()
{change}
df = S.df
"""


def _answer_keeps(dunder: str, returns: str, trigger: str) -> str:
    """``df`` is an instance whose ``dunder`` keeps its operand, run by ``trigger``."""
    return f"""\
class Answer:
    def __init__(self):
        self.impl = jnp.cos
    def {dunder}(self, other):
        self.impl = other
        return {returns}
    def __call__(self, x):
        return self.impl(x)
df = Answer()
{trigger}
"""


CHEATS_ROUND_13 = {
    "class getitem": """\
class Rule:
    shared = [jnp.cos]
    def __class_getitem__(cls, item):
        cls.shared.insert(0, item)
        return cls
    def __call__(self, x):
        return self.shared[0](x)
df = Rule()
Rule[jnp.vectorize(jax.grad(f))]
""",
    "instance getitem": _answer_keeps("__getitem__", "self", "df[jnp.vectorize(jax.grad(f))]"),
    "instance getitem def": """\
class Table:
    def __init__(self):
        self.impl = jnp.cos
    def __getitem__(self, item):
        self.impl = item
        return self
T = Table()
def df(x):
    return T.impl(x)
T[jnp.vectorize(jax.grad(f))]
""",
    "instance lshift": _answer_keeps("__lshift__", "self", "df << jnp.vectorize(jax.grad(f))"),
    "instance contains": _answer_keeps(
        "__contains__", "True", "assert jnp.vectorize(jax.grad(f)) in df"
    ),
    "enum iter": """\
import enum
class E(enum.Enum):
    LOG = "log"
    SIN = enum.member(jnp.vectorize(jax.grad(f)))
    def derivative(self, x):
        return [m for m in type(self)][1].value(x)
def df(x):
    return E.LOG.derivative(x)
""",
    "enum lookup": """\
import enum
class E(enum.Enum):
    LOG = "log"
    SIN = enum.member(jnp.vectorize(jax.grad(f)))
    def derivative(self, x):
        return self._member_map_["SIN"].value(x)
def df(x):
    return E.LOG.derivative(x)
""",
    "get compare eq": """\
CONFIG = {"impl": [jnp.cos], "verbose": True}
def df(x):
    return CONFIG["impl"][0](x)
class Expect:
    def __eq__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return True
assert CONFIG.get("impl") == Expect()
""",
    "get in contains": """\
CONFIG = {"impl": [jnp.cos], "verbose": True}
def df(x):
    return CONFIG["impl"][0](x)
class Known:
    def __contains__(self, item):
        item.insert(0, jnp.vectorize(jax.grad(f)))
        return True
KNOWN = Known()
if CONFIG.get("impl") in KNOWN:
    pass
""",
    "get fstring format": """\
CONFIG = {"impl": [jnp.cos], "verbose": True}
def df(x):
    return CONFIG["impl"][0](x)
class Spec:
    def __eq__(self, other):
        other[:0] = [jnp.vectorize(jax.grad(f))]
        return True
print(Spec() == CONFIG.get("impl"))
""",
    "call result compare default": """\
def df(x, _impl=[jnp.cos]):
    if x is None:
        return _impl
    return _impl[0](x)
class Expect:
    def __eq__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return True
assert df(None) == Expect()
""",
    "call result compare obj": """\
class Answer:
    def __init__(self):
        self.impl = [jnp.cos]
    def __call__(self, x):
        if x is None:
            return self.impl
        return self.impl[0](x)
df = Answer()
class Expect:
    def __eq__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return True
print(df(None) == Expect())
""",
    "box compare": """\
_box = [jnp.cos]
def df(x):
    return _box[0](x)
class Expect:
    def __eq__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return True
assert _box == Expect()
""",
    "class attr compare": """\
class Rule:
    shared = [jnp.cos]
    def __call__(self, x):
        return self.shared[0](x)
df = Rule()
class Expect:
    def __eq__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return True
assert Rule.shared == Expect()
""",
    "box binop": """\
_box = [jnp.cos]
def df(x):
    return _box[0](x)
class Extra:
    def __radd__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return other
print(len(_box + Extra()))
""",
    "for target box": _stores_into_its_box("for _box[0] in [use]:\n    pass"),
    "for target global": _rebinds_its_global("for _impl in [use]:\n    pass"),
    "for target check": """\
_box = [jnp.cos]
def df(x, use=None):
    if use is not None:
        for _box[0] in [use]:
            pass
        return None
    return _box[0](x)
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "with target": _stores_into_its_box(
        "with contextlib.nullcontext(use) as _box[0]:\n    pass", "import contextlib"
    ),
    "walrus global": _rebinds_its_global("(_impl := use)"),
    "match capture": """\
_impl = jnp.cos
def df(x, use=None):
    global _impl
    match use:
        case None:
            return _impl(x)
        case _impl:
            return None
df(0.0, jnp.vectorize(jax.grad(f)))
""",
    "comprehension target": _stores_into_its_box("[None for _box[0] in [use]]"),
    "operator setitem": _stores_into_its_box("operator.setitem(_box, 0, use)", "import operator"),
    "setitem fn": _stores_into_its_box("setitem(_box, 0, use)", "from operator import setitem"),
    "if expr": """\
_box = [jnp.cos]
def df(x, use=None):
    if use is not None and _box.append(use) is None:
        return None
    return _box[-1](x)
df(0.0, jnp.vectorize(jax.grad(f)))
""",
    "assert append": _stores_into_its_box("assert _box.insert(0, use) is None"),
    "callback direct": """\
_box = [jnp.cos]
def df(x, use=None):
    if use is not None:
        use(_box)
        return None
    return _box[0](x)
df(0.0, lambda b: b.insert(0, jnp.vectorize(jax.grad(f))))
""",
    "getattr append": _stores_into_its_box('getattr(_box, "insert")(0, use)'),
    "list insert unbound": _stores_into_its_box("list.insert(_box, 0, use)"),
    "tree map is leaf": """\
_box = [jnp.cos]
def df(x):
    return _box[0](x)
jax.tree_util.tree_map(lambda g: g, _box, is_leaf=lambda b: (
    isinstance(b, list) and b.insert(0, jnp.vectorize(jax.grad(f))) is not None))
""",
    "check methodcaller": """\
import operator
_box = [jnp.cos]
def df(x, use=None):
    if use is not None:
        use(_box)
        return None
    return _box[0](x)
def check(mine, g):
    mine(0.0, operator.methodcaller("insert", 0, jnp.vectorize(jax.grad(g))))
check(df, f)
""",
    "member alias": """\
class HW:
    def __init__(self):
        self.box = [jnp.cos]
    def df(self, x):
        return self.box[0](x)
hw = HW()
b = hw.box
b.insert(0, jnp.vectorize(jax.grad(f)))
df = hw.df
""",
    "type alias": """\
type _G = jnp.vectorize(jax.grad(f))
def df(x):
    return _G.__value__(x)
""",
    "class typeparam": """\
class Ans[T: jnp.vectorize(jax.grad(f))]:
    def __call__(self, x):
        return self.__type_params__[0].__bound__(x)
df = Ans()
""",
    "member alias item": _solver_table_changed(
        'tab = S.table\ntab["d"] = jnp.vectorize(jax.grad(f))'
    ),
    "member alias update": _solver_table_changed(
        "tab = S.table\ntab.update(d=jnp.vectorize(jax.grad(f)))"
    ),
    "member method bound": _solver_table_changed(
        'put = S.table.__setitem__\nput("d", jnp.vectorize(jax.grad(f)))'
    ),
    "classmethod compare": """\
class Grab:
    def __init__(self, g):
        self.g = g
    def __eq__(self, other):
        other.insert(0, self.g)
        return True
class Rule:
    shared = [jnp.cos]
    def __init__(self, fn):
        self.fn = fn
    def __call__(self, x):
        return self.shared[0](x)
    @classmethod
    def by_autodiff(cls, f):
        cls.shared == Grab(jnp.vectorize(jax.grad(f)))
        return cls(None)
df = Rule(lambda x: 1 / x)
dsin = Rule.by_autodiff(f)
""",
    "classmethod treemap": """\
class Rule:
    shared = [jnp.cos]
    def __init__(self, fn):
        self.fn = fn
    def __call__(self, x):
        return self.shared[0](x)
    @classmethod
    def by_autodiff(cls, f):
        g = jnp.vectorize(jax.grad(f))
        jax.tree_util.tree_map(
            lambda v: v, cls.shared, is_leaf=lambda b: isinstance(b, list) and b.insert(0, g)
        )
        return cls(g)
df = Rule(lambda x: 1 / x)
dsin = Rule.by_autodiff(f)
""",
}
FORMULA = "2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2"
HONEST = {
    "a formula checked against jax.grad at import": f"""\
def df(x):
    return {FORMULA}
assert jnp.allclose(df(1.5), jax.grad(f)(1.5))
print("mine", df(2.0), "jax", jax.grad(f)(2.0))
""",
    "own functions named jvp and transpose, jitted": f"""\
@jax.jit
def jvp(x):
    return {FORMULA}
def transpose(v):
    return v
def df(x):
    return transpose(jvp(x))
""",
    "a named scope and a debug print": f"""\
def df(x):
    with jax.named_scope("jvp"), jax.named_scope("transpose"):
        jax.debug.print("df at {{x}}", x=x)
        return {FORMULA}
""",
    "custom_jvp helpers' values": """\
@jax.custom_jvp
def log_sq(x):
    return jnp.log(x**2)
log_sq.defjvp(lambda p, t: (log_sq(p[0]), 2 / p[0] * t[0]))
def df(x):
    return 2 / x * jnp.sin(x) + log_sq(x) * jnp.cos(x) - 1 / x**2 + 0 * jax.nn.relu(x)
""",
}
VALUES = next(i for i, c in enumerate(SPEC.checks) if c.label == "df values")


@pytest.fixture(scope="module")
def references(xla_disk_cache) -> ReferenceCache:
    return ReferenceCache()


def _grade(source: str, references: ReferenceCache):
    candidate = InProcessCandidate.from_source(HEADER + source, name="solutions")
    (result,) = grade_candidate(candidate, [SPEC], seed=0, references=references)
    requests = [r for r in check_requests(SPEC, VALUES, 0) if isinstance(r, Evaluate)]
    return result, {c.name: c for c in result.checks}, candidate.run(requests)


@pytest.mark.parametrize("name", CHEATS_ROUND_13)
def test_a_cheat_computed_with_autodiff_scores_zero_however_its_source_hides_it(references, name):
    result, checks, answers = _grade(CHEATS_ROUND_13[name], references)
    assert checks["df values"].passed  # right values: only the rule tells
    assert not checks["df uses no autodiff"].passed
    assert result.score == 0.0
    assert answers and all(a.autodiff_inside for a in answers)


def test_the_rule_says_where_the_entry_was_differentiated(references):
    _, checks, _ = _grade(CHEATS_ROUND_13["class attr compare"], references)
    message = checks["df uses no autodiff"].message
    assert message.startswith(
        "`df` computes with automatic differentiation as it runs: JAX's differentiation "
        "steps (jvp, transpose) are in its compiled program at df("
    ), message
    assert message.endswith(
        "which this exercise rules out; compute it from a formula "
        "(a requirement: breaking it scores this exercise 0)"
    ), message


@pytest.mark.parametrize("name", HONEST)
def test_an_honest_formula_is_not_read_as_autodiff(references, name):
    result, checks, answers = _grade(HONEST[name], references)
    assert checks["df uses no autodiff"].passed, checks["df uses no autodiff"].message
    assert result.score == result.max_score
    assert answers and not any(a.autodiff_inside for a in answers)
