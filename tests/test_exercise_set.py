"""The D2L §2.3–2.5 set: references pass, stubs score 0, wrong solutions lose the right points."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import gradkit as gk
from gradkit.grading import Evaluate, InProcessCandidate, ReferenceCache, grade_candidate
from gradkit.grading._score import check_rng, grade_references
from gradkit.grading._stubs import stub_source

WRONG = Path(__file__).parent / "wrong_solutions"
SEED = 0

# The contract of the exercises issue: these ids, these entries.
TABLE = {
    "norms.vector": ("l1", "l2", "linf"),
    "norms.matrix": ("col_norms", "row_norms", "frobenius"),
    "calculus.limit-table": ("limit_table",),
    "calculus.derivative-rules": ("d_const", "d_power", "d_exp", "d_log"),
    "calculus.sum-product-quotient": ("sum_rule", "product_rule", "quotient_rule"),
    "calculus.constant-multiple": ("constant_multiple_answer",),
    "calculus.x-to-the-x": ("d_x_pow_x",),
    "calculus.stationary-point": ("g", "x_star"),
    "calculus.tangent-line": ("tangent_line",),
    "calculus.gradient": ("grad_f",),
    "calculus.l2-gradient": ("grad_l2",),
    "calculus.multivariate-chain-rule": ("chain_rule",),
    "calculus.inverse-derivative": ("inverse_derivative",),
    "autodiff.dot-gradient": ("grad_2xtx",),
    "autodiff.non-scalar-backward": ("backward",),
    "autodiff.detach": ("z",),
    "autodiff.control-flow": ("fun",),
    "autodiff.second-derivative-cost": ("hvp",),
    "autodiff.backward-twice": ("accumulate_grads",),
    "autodiff.vector-control-flow": ("fun_jacobian",),
    "autodiff.sin-derivative": ("dsin",),
    "autodiff.dependency-graph": ("dependency_graph_answer",),
    "autodiff.chain-rule-by-hand": ("df",),
    "autodiff.forward-backward": ("forward_derivative", "reverse_derivative"),
    "autodiff.forward-or-reverse": ("jacobian_auto",),
    "autodiff.why-second-derivative": ("why_second_derivative_answer",),
    "autodiff.when-forward": ("when_forward_answer",),
}
WRITTEN = {i for i, e in TABLE.items() if e[0].endswith("_answer")}
CODE = sorted(set(TABLE) - WRITTEN)


@pytest.fixture(scope="session")
def references() -> ReferenceCache:
    return ReferenceCache()


# Every registered exercise, the D2L set and any other installed plugin's: a contract test.
REGISTERED = gk.exercises.names()


@pytest.fixture(scope="session")
def verified(references):
    specs = [gk.exercises.get(i) for i in REGISTERED]
    return {r.id: r for r in grade_references(specs, seed=SEED, references=references)}


@pytest.fixture(scope="session")
def grade_wrong(references):
    """Grade a wrong solution once per session (the two tests below share the result)."""
    graded: dict[Path, object] = {}

    def grade(path: Path):
        if path not in graded:
            spec = gk.exercises.get(_header(path)["exercise"])
            candidate = InProcessCandidate.from_file(path)
            graded[path] = grade_candidate(candidate, [spec], seed=SEED, references=references)[0]
        return graded[path]

    return grade


def _header(path: Path) -> dict[str, str]:
    """The ``# key: value`` header; several ``# fails:`` lines add up (`` | ``-separated)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: dict[str, str] = {}
    for line in lines:
        m = re.match(r"# (exercise|fails|mistake|not a mistake):(.*)", line)
        if m:
            before = out.get(m.group(1))
            out[m.group(1)] = f"{before} | {m.group(2).strip()}" if before else m.group(2).strip()
    return out


WRONG_FILES = sorted(WRONG.glob("*.py"))


def test_the_set_has_every_id_and_entry_of_the_issue():
    for exercise_id, entries in TABLE.items():
        spec = gk.exercises.get(exercise_id)
        assert tuple(e.name for e in spec.entries) == entries, exercise_id
    assert {s.id for s in gk.exercises if s.provider and "gradkit-exercises" in s.provider} == set(
        TABLE
    )


@pytest.mark.parametrize(
    "exercise_id", [i for i in REGISTERED if gk.exercises.get(i).kind == "code"]
)
def test_the_reference_solution_gets_full_marks(verified, exercise_id):
    result = verified[exercise_id]
    failed = [(c.name, c.message) for c in result.checks if not c.passed]
    assert failed == []
    assert result.status == "passed"
    assert result.score == result.max_score == gk.exercises.get(exercise_id).points > 0


@pytest.mark.parametrize("exercise_id", sorted(WRITTEN))
def test_written_exercises_are_manual_with_zero_points_and_the_answer(verified, exercise_id):
    result = verified[exercise_id]
    assert (result.score, result.max_score, result.status) == (0.0, 0.0, "manual")
    assert result.answer and len(result.answer) > 40
    assert result.checks[0].message == "submitted for manual grading"


def test_every_code_exercise_has_a_wrong_solution():
    covered = {_header(p)["exercise"] for p in WRONG_FILES}
    assert covered >= set(CODE)


@pytest.mark.parametrize("path", WRONG_FILES, ids=[p.stem for p in WRONG_FILES])
def test_a_wrong_solution_loses_points_on_the_check_that_targets_its_mistake(grade_wrong, path):
    header = _header(path)
    expected = {name.strip() for name in header["fails"].split(" | ") if name.strip()}
    result = grade_wrong(path)
    failed = {c.name for c in result.checks if not c.passed}
    assert failed == expected, [(c.name, c.message) for c in result.checks if not c.passed]
    if expected:
        assert 0 <= result.score < result.max_score
        assert result.status in ("partial", "failed")
    else:  # a different but valid approach (e.g. reverse-over-reverse HVP)
        assert result.status == "passed"


def test_stubs_score_zero_with_a_not_implemented_message_per_entry(references):
    specs = [gk.exercises.get(i) for i in sorted(TABLE)]
    candidate = InProcessCandidate.from_source(stub_source(specs), name="solutions")
    results = grade_candidate(candidate, specs, seed=SEED, references=references)
    for result in results:
        assert result.score == 0.0
        if result.id in WRITTEN:
            assert result.status == "manual"
            assert "is empty" in result.checks[0].message
            continue
        assert result.status == "failed"
        assert result.max_score == gk.exercises.get(result.id).points
        for check in result.checks:
            assert not check.passed
            assert re.fullmatch(
                r"`\w+` is not implemented yet \(it raises NotImplementedError\)|"
                r"`x_star` is not defined: `x_star` is a NoneType, not a string or number|"
                r"`x_star` must be a float, got None",
                check.message,
            ), (result.id, check.message)
        named = {m.group(1) for c in result.checks for m in [re.match(r"`(\w+)`", c.message)] if m}
        functions = {e.name for e in gk.exercises.get(result.id).entries if e.kind == "function"}
        assert functions <= named, result.id


def _numbers(value) -> set[str]:
    arr = np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()
    out = set()
    for v in arr:
        if np.isfinite(v) and abs(v) > 1e-3:
            out |= {f"{v:.4g}", f"{v:.3f}", f"{v:.2f}"}
    return out - {"0.00", "-0.00", "1.00", "2.00", "3.00", "4.00", "5.00", "6.00"}


@pytest.mark.parametrize("path", WRONG_FILES, ids=[p.stem for p in WRONG_FILES])
def test_hidden_feedback_shows_neither_inputs_nor_expected_values(references, grade_wrong, path):
    spec = gk.exercises.get(_header(path)["exercise"])
    result = grade_wrong(path)
    for index, (check, outcome) in enumerate(zip(spec.checks, result.checks, strict=True)):
        if check.visibility != "hidden":
            continue
        requests = check.requests(check_rng(SEED, spec.id, index))
        secrets: set[str] = set()
        for request, answer in zip(requests, references.get_many(spec, requests), strict=True):
            assert isinstance(request, Evaluate)
            for arg in request.args:
                secrets |= _numbers(arg)
            for leaf in answer.value if isinstance(answer.value, tuple) else (answer.value,):
                secrets |= _numbers(leaf)
        leaked = sorted(s for s in secrets if s in outcome.message)
        assert leaked == [], (outcome.name, outcome.message)


def test_grading_is_reproducible_for_a_seed_and_inputs_change_with_it(references):
    spec = gk.exercises.get("calculus.l2-gradient")
    path = WRONG / "l2_gradient_nan.py"
    runs = [
        grade_candidate(InProcessCandidate.from_file(path), [spec], seed=s, references=references)
        for s in (7, 7, 8)
    ]
    assert runs[0] == runs[1]
    first = spec.checks[0].requests(check_rng(7, spec.id, 0))
    again = spec.checks[0].requests(check_rng(7, spec.id, 0))
    other = spec.checks[0].requests(check_rng(8, spec.id, 0))
    assert all(np.array_equal(a.args[0], b.args[0]) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0].args[0], other[0].args[0])


def test_constants_may_be_static_arguments_of_a_jitted_rule(references):
    """`c` of `d_const(c, x)` is a Python number, as `n` of `d_power(n, x)` is: a student
    who marks both static (``static_argnums=0``) keeps every point."""
    import gradkit_exercises.reference.calculus as reference

    source = Path(reference.__file__).read_text(encoding="utf-8")
    for name in ("d_const", "d_power"):
        source = source.replace(
            f"\ndef {name}(", f"\n@functools.partial(jax.jit, static_argnums=0)\ndef {name}("
        )
    source = "import functools\n" + source
    spec = gk.exercises.get("calculus.derivative-rules")
    (result,) = grade_candidate(
        InProcessCandidate.from_source(source, name="solutions"),
        [spec],
        seed=SEED,
        references=references,
    )
    assert source.count("static_argnums=0") == 2
    assert [(c.name, c.message) for c in result.checks if not c.passed] == []
    assert result.score == result.max_score
