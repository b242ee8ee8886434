"""Student self-checks: the visible checks only, with the grader's own messages.

``gradkit check FILE`` grades a file with the exercises' visible checks in the
same sandbox as ``gradkit grade``; ``gk.check("calculus.gradient", grad_f)``
grades functions in a notebook, in-process (they are the student's own).
Hidden checks are dropped before anything runs, so they never run on the
student's side, and nothing about them is shown but how many there are.
"""

from __future__ import annotations

import dataclasses
import html
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._errors import InvalidInputError

# Set by the grader's sandboxed worker before it runs a submission. There the exercises'
# packages are refused (their reference solutions), so a ``gk.check(...)`` a student left
# in the file could not find its exercise; it runs nothing and says so instead.
GRADED = False

if TYPE_CHECKING:
    from .grading._results import ExerciseResult
    from .grading._spec import ExerciseSpec


def visible_only(specs: Sequence[ExerciseSpec]) -> tuple[list[ExerciseSpec], dict[str, int]]:
    """The exercises with their hidden checks removed, and how many each had.

    An exercise whose checks are all hidden is left out (it has nothing to
    show); written exercises stay, so that an empty answer is reported.
    """
    kept: list[ExerciseSpec] = []
    hidden: dict[str, int] = {}
    for spec in specs:
        visible = tuple(c for c in spec.checks if not c.hidden)
        hidden[spec.id] = len(spec.checks) - len(visible)
        if spec.kind == "written":
            kept.append(spec)
        elif visible:
            kept.append(dataclasses.replace(spec, checks=visible))
    return kept, hidden


def hidden_note(hidden: dict[str, int]) -> str:
    """One line saying how many hidden checks did not run, or ""."""
    n = sum(hidden.values())
    if not n:
        return ""
    return (
        f"{n} hidden check{'s' * (n != 1)} did not run: they run only when your work is "
        "graded, so the grade may be lower than this"
    )


@dataclasses.dataclass(frozen=True)
class SelfCheck:
    """What `gradkit.check` returns: one exercise's visible checks, shown as text or HTML.

    Attributes:
        result: the `ExerciseResult` of the visible checks (score and points
            cover only those checks).
        hidden: how many hidden checks the exercise has (none of them ran).
    """

    result: ExerciseResult
    hidden: int = 0
    graded: bool = False

    @property
    def passed(self) -> bool:
        """Whether every visible check passed (True while the file is graded: none ran)."""
        return all(c.passed for c in self.result.checks)

    def _head(self) -> str:
        checks = self.result.checks
        if self.graded:
            return f"{self.result.id}: not run here: this file is being graded"
        if not checks:
            return f"{self.result.id}: no visible checks"
        ok = sum(c.passed for c in checks)
        return f"{self.result.id}: {ok} of {len(checks)} visible checks pass"

    def _lines(self) -> list[tuple[bool, str, str]]:
        return [(c.passed, c.name, c.message) for c in self.result.checks]

    def __str__(self) -> str:
        head = self._head()
        body = [f"  {'✓' if ok else '✗'} {name}: {message}" for ok, name, message in self._lines()]
        note = hidden_note({self.result.id: self.hidden})
        return "\n".join([head, *body, *([note] if note else [])])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        r = self.result
        colour = "#1a7f37" if self.passed else "#cf222e"
        rows = "".join(
            f"<tr><td style='color:{'#1a7f37' if ok else '#cf222e'}'>{'✓' if ok else '✗'}</td>"
            f"<td>{html.escape(name)}</td><td>{html.escape(message)}</td></tr>"
            for ok, name, message in self._lines()
        )
        note = hidden_note({r.id: self.hidden})
        return (
            f"<div class='gradkit-check'><p style='color:{colour}'><strong>"
            f"{html.escape(self._head())}</strong></p><table>{rows}</table>"
            + (f"<p><em>{html.escape(note)}</em></p>" if note else "")
            + "</div>"
        )


def check(exercise_id: str, *functions: Callable[..., Any], **entries: Any) -> SelfCheck:
    """Run an exercise's visible checks on your own functions, in a notebook or a script.

    Give the entries positionally, in the order the exercise lists them
    (``gk.check("calculus.gradient", grad_f)``), by name
    (``gk.check("norms.vector", l1=l1, l2=l2, linf=linf)``), or not at all, to
    use the caller's global names (what a notebook defines). Only the visible
    checks run, with the messages the grader gives; hidden checks never run
    here. In Jupyter the result shows as a table.

    In a file the grader runs (``gradkit grade``, ``gradkit check``), it runs nothing
    and says so: the grade is what counts there.

    Raises:
        UnknownNameError: no exercise has this id.
        InvalidInputError: more functions than the exercise has entries, or an
            entry given twice or unknown.
    """
    from ._registry import exercises
    from .grading._inprocess import InProcessCandidate
    from .grading._results import ExerciseResult
    from .grading._score import grade_candidate

    if GRADED:  # a self-check left in a file the grader runs: the grade is what counts
        return SelfCheck(ExerciseResult(str(exercise_id), "", 0.0, 0.0, "manual", ()), graded=True)
    spec = exercises.get(exercise_id)
    names = [e.name for e in spec.entries]
    if len(functions) > len(names):
        raise InvalidInputError(
            f"{exercise_id!r} has {len(names)} entr{'y' if len(names) == 1 else 'ies'} "
            f"({', '.join(names)}), but {len(functions)} were given; pass them in that order "
            "or by name"
        )
    given = dict(zip(names, functions, strict=False))
    for name, value in entries.items():
        if name not in names:
            raise InvalidInputError(
                f"{exercise_id!r} has no entry {name!r}; its entries are {', '.join(names)}"
            )
        if name in given:
            raise InvalidInputError(f"entry {name!r} is given twice, by position and by name")
        given[name] = value
    if not functions and not entries:
        caller = sys._getframe(1).f_globals
        given = {name: caller[name] for name in names if name in caller}
    kept, hidden = visible_only([spec])
    if not kept:  # every check is hidden: nothing may run here
        return SelfCheck(
            ExerciseResult(spec.id, spec.title, 0.0, 0.0, "manual", ()), hidden[spec.id]
        )
    (result,) = grade_candidate(InProcessCandidate(given), kept, seed=0)
    return SelfCheck(result, hidden[spec.id])


def check_results(results: Sequence[ExerciseResult]) -> bool:
    """Whether every visible check of every exercise passed (written answers: submitted)."""
    return all(c.passed for r in results for c in r.checks)
