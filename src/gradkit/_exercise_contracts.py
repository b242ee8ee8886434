"""Contract checks for exercises and assignments, and reference verification.

`check_exercise` is what ``gradkit check-plugin`` runs on every exercise a
plugin registers: the reference resolves and defines every entry, every check
names a real entry, the statement renders (stubs and notebook), the reference
scores full marks through the grading pipeline (in-process: it is the
author's trusted code), and the stub handout scores 0. Its rows join those of
functions and norms in one `ContractReport`. `verify_references`
grades every reference without stopping at a broken one
(``gradkit exercises verify``).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from ._contracts import ContractReport, ContractResult, finish
from ._plugin_sources import describe_error

if TYPE_CHECKING:
    from ._assignments import AssignmentSpec
    from .grading._results import ExerciseResult
    from .grading._spec import ExerciseSpec

EXERCISE_CHECKS = (
    "reference resolves",
    "checks name entries",
    "statement renders",
    "reference full marks",
    "stub scores 0",
)
# what an exercise's author can do about each failed check
HINTS = {
    "reference resolves": (
        "give reference= an importable module name (or a dict) defining every entry"
    ),
    "checks name entries": "name the entry in entries=, or fix the check's entry name",
    "statement renders": 'give every Entry a valid Python signature, such as "(x)" or "(f, x)"',
    "reference full marks": (
        "run `gradkit exercises verify ID` to see each check; fix the reference, or the "
        "check's inputs or tolerances (rtol=, atol=)"
    ),
    "stub scores 0": "",  # its detail says what to do
}


def reference_problem(spec: ExerciseSpec) -> str:
    """Say why `spec`'s reference cannot be used (module not importable, entry missing), or ""."""
    from ._errors import ExerciseError

    if spec.reference is None:
        return "" if spec.kind == "written" else "no reference solution"
    if spec.kind == "written":
        return ""  # the reference of a written exercise is the model answer's text
    try:
        namespace = spec.reference_namespace()
    except ExerciseError as error:
        return str(error)
    except Exception as error:  # importing the author's module may raise anything
        return f"importing the reference module {spec.reference!r} raised {describe_error(error)}"
    if isinstance(namespace, ModuleType):
        defined = {n for n in dir(namespace) if not n.startswith("__")}
        where = f"the reference module {spec.reference!r}"
    else:
        defined = set(namespace)
        where = "the reference mapping"
    missing = [e.name for e in spec.entries if e.name not in defined]
    if missing:
        return (
            f"{where} does not define {', '.join(map(repr, missing))}; every entry of "
            f"{spec.id!r} ({', '.join(e.name for e in spec.entries)}) needs a reference"
        )
    return ""


def verify_references(specs: Sequence[ExerciseSpec], *, seed: int = 0) -> list[ExerciseResult]:
    """Grade each exercise's reference in-process; a broken one becomes an ``error`` row."""
    from .grading._results import CheckResult, ExerciseResult
    from .grading._score import ReferenceCache, grade_references

    cache = ReferenceCache()
    results: list[ExerciseResult] = []
    for spec in specs:
        problem = reference_problem(spec)
        if not problem:
            try:
                results.extend(grade_references([spec], seed=seed, references=cache))
                continue
            except Exception as error:  # noqa: BLE001 - one broken exercise, not the run
                problem = f"grading the reference raised {describe_error(error)}"
        check = CheckResult("reference", False, 1.0, "visible", problem)
        results.append(ExerciseResult(spec.id, spec.title, 0.0, spec.max_score, "error", (check,)))
    return results


def _failed_checks(result: ExerciseResult) -> str:
    return "; ".join(f"{c.name}: {c.message}" for c in result.checks if not c.passed)


def check_exercise(
    spec: ExerciseSpec, *, seed: int = 0, raise_on_failure: bool = True
) -> ContractReport:
    """Check that an exercise can be handed out and graded as its author intends.

    Rows, in order: ``reference resolves`` (the reference module imports and
    defines every entry), ``checks name entries``, ``statement renders``
    (``solutions.py`` and ``solutions.ipynb`` are written and the stub
    compiles), ``reference full marks`` (graded in-process through the
    real pipeline at `seed`) and ``stub scores 0`` (the handout as written
    earns nothing). Written exercises skip the last two: they are graded by
    hand.

    Returns:
        A `ContractReport` with those five rows (kind ``"exercise"``).

    Raises:
        ContractViolation: a row failed (with ``raise_on_failure=True``); the
            message names the exercise, the check and what was wrong.
    """
    return finish(_ExerciseChecker(spec, seed).run(), raise_on_failure=raise_on_failure)


class _ExerciseChecker:
    def __init__(self, spec: ExerciseSpec, seed: int) -> None:
        self.spec, self.seed = spec, seed

    def row(self, check: str, problem: str | None, skip: str = "") -> ContractResult:
        if problem is None or skip:
            why = skip or "graded by hand"
            return ContractResult("exercise", self.spec.id, check, "skip", why)
        if not problem:
            return ContractResult("exercise", self.spec.id, check, "pass")
        return ContractResult("exercise", self.spec.id, check, "fail", problem, HINTS[check])

    def run(self) -> list[ContractResult]:
        spec = self.spec
        resolves = reference_problem(spec)
        rows = [self.row(EXERCISE_CHECKS[0], resolves)]
        rows.append(self.row(EXERCISE_CHECKS[1], self.entries()))
        rows.append(self.row(EXERCISE_CHECKS[2], self.statement()))
        if spec.kind == "written":
            rows += [self.row(c, None) for c in EXERCISE_CHECKS[3:]]
            return rows
        if resolves:
            blocked = "not run: the reference does not resolve"
            return rows + [self.row(c, None, blocked) for c in EXERCISE_CHECKS[3:]]
        rows.append(self.row(EXERCISE_CHECKS[3], self.reference()))
        rows.append(self.row(EXERCISE_CHECKS[4], self.stub()))
        return rows

    def entries(self) -> str:
        names = {e.name for e in self.spec.entries}
        for check in self.spec.checks:
            unknown = sorted(set(check.entries()) - names)
            if unknown:
                return f"check {check.label!r} uses {unknown!r}, not an entry of {self.spec.id!r}"
        return ""

    def statement(self) -> str:
        from .grading._stubs import stub_notebook, stub_source

        try:
            source = stub_source([self.spec])
            stub_notebook([self.spec])
            compile(source, "solutions.py", "exec")
        except Exception as error:  # noqa: BLE001 - any failure here is the author's to fix
            return f"writing the stubs raised {describe_error(error)}"
        return ""

    def reference(self) -> str:
        (result,) = verify_references([self.spec], seed=self.seed)
        if result.score == result.max_score and result.status == "passed":
            return ""
        return (
            f"the reference scores {result.score:g}/{result.max_score:g} ({result.status}): "
            + _failed_checks(result)
        )

    def stub(self) -> str:
        from .grading._inprocess import InProcessCandidate
        from .grading._score import grade_candidate
        from .grading._stubs import stub_source

        try:
            candidate = InProcessCandidate.from_source(stub_source([self.spec]), "solutions")
            (result,) = grade_candidate(candidate, [self.spec], seed=self.seed)
        except Exception as error:  # noqa: BLE001
            return f"grading the stub raised {describe_error(error)}"
        if result.score == 0:
            return ""
        passed = ", ".join(c.name for c in result.checks if c.passed)
        return (
            f"the unanswered stub scores {result.score:g}/{result.max_score:g}: the checks "
            f"{passed} pass without an answer; give them a reference-dependent input"
        )


def check_assignment(spec: AssignmentSpec) -> ContractReport:
    """One row: the assignment's ids and globs all match registered exercises."""
    try:
        specs = spec.resolve()
    except Exception as error:  # noqa: BLE001
        row = ContractResult("assignment", spec.id, "exercises resolve", "fail", str(error))
    else:
        detail = f"{len(specs)} exercises, {sum(s.max_score for s in specs):g} points"
        row = ContractResult("assignment", spec.id, "exercises resolve", "pass", detail)
    return ContractReport((row,))
