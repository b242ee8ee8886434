"""What grading returns: plain frozen records, rendered by the reports."""

from __future__ import annotations

import dataclasses
from typing import Literal

Visibility = Literal["visible", "hidden"]
Status = Literal["passed", "partial", "failed", "error", "timeout", "manual"]

# The scoring model, in one sentence (shown by `gradkit exercises show` and the docs).
SCORING_MODEL = (
    "An exercise scores its points times the weight of the checks it passes over the "
    "weight of all its checks, except that a broken requirement scores it 0 and a source "
    "rule earns its weight only when its entry passes at least one value check."
)


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """The verdict of one check.

    Attributes:
        name: what was checked, e.g. ``"values"``, ``"grad"``, ``"cost ≤ 4× reference"``.
        passed: whether the submission passed it.
        weight: its share of the exercise's points (relative to the other checks).
        visibility: ``"hidden"`` checks never show their inputs or expected values.
        message: feedback for the student; safe to show whatever the visibility.
    """

    name: str
    passed: bool
    weight: float
    visibility: Visibility
    message: str


@dataclasses.dataclass(frozen=True)
class ExerciseResult:
    """The grade of one exercise.

    ``score`` is the weighted share of passed checks times the exercise's
    points; ``max_score`` comes from the exercise definition, never from what
    the submission returned. Written exercises score 0 of 0 with status
    ``"manual"`` and carry the submitted text in ``answer``.
    """

    id: str
    title: str
    score: float
    max_score: float
    status: Status
    checks: tuple[CheckResult, ...]
    answer: str | None = None


@dataclasses.dataclass(frozen=True)
class SubmissionResult:
    """The grade of one submission (a file, a directory or a notebook)."""

    path: str
    score: float
    max_score: float
    status: Status
    exercises: tuple[ExerciseResult, ...]
    message: str = ""
