"""What grading returns: plain frozen records, rendered by the reports.

Every string field is cleaned when a record is made (`_sanitise.clean`: no
lone surrogates, control or bidi characters shown visibly, length capped),
so every report format is written from safe text only.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from ._sanitise import clean

ANSWER_LIMIT = 20000


def _clean_fields(record: object, *names: str, limit: int | None = None) -> None:
    for name in names:
        value = getattr(record, name)
        if value is not None:
            cleaned = clean(value) if limit is None else clean(value, limit)
            if cleaned != value:
                object.__setattr__(record, name, cleaned)


Visibility = Literal["visible", "hidden"]
Status = Literal["passed", "partial", "failed", "error", "timeout", "manual"]

# The scoring model, in one sentence (shown by `gradkit exercises show` and the docs).
SCORING_MODEL = (
    "An exercise scores its points times the weight of the checks it passes over the "
    "weight of all its checks, except that a broken requirement scores it 0 and a rule on "
    "how an entry works (a source rule, an exactness check) earns its weight only when its "
    "entry passes at least one value check."
)


def shown_score(score: float, max_score: float, *, sep: str = "/") -> str:
    """A score as people read it: two decimals, ``31.61/33.00`` (JSON keeps full precision)."""
    return f"{score:.2f}{sep}{max_score:.2f}"


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

    def __post_init__(self) -> None:
        _clean_fields(self, "name", "message")


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

    def __post_init__(self) -> None:
        _clean_fields(self, "id", "title")
        _clean_fields(self, "answer", limit=ANSWER_LIMIT)


@dataclasses.dataclass(frozen=True)
class SubmissionResult:
    """The grade of one submission (a file, a directory or a notebook)."""

    path: str
    score: float
    max_score: float
    status: Status
    exercises: tuple[ExerciseResult, ...]
    message: str = ""
    seconds: float = 0.0  # wall-clock time spent grading it

    def __post_init__(self) -> None:
        _clean_fields(self, "path", "message")


@dataclasses.dataclass(frozen=True)
class Report:
    """A grading run: what every report format renders."""

    gradkit_version: str
    seed: int
    sandbox: str
    exercises: tuple[str, ...]
    submissions: tuple[SubmissionResult, ...]
    shard: str | None = None
    seconds: float = 0.0
    partial: str = ""  # what a merge lacks (`report merge --allow-partial`), or ""
