"""Assignments: named, ordered selections of exercises, registered by plugins.

An assignment (``hw1``) lists exercise ids or globs in the order students see
them, with optional per-exercise points. ``gradkit grade --assignment``,
``exercises stubs --assignment``, ``exercises verify --assignment``,
``gradkit check --assignment`` and the autograder bundles all select through
`select_exercises` here, so an id or a glob means the same everywhere.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ._errors import ExerciseError, UnknownNameError

if TYPE_CHECKING:
    from .grading._spec import ExerciseSpec

_GLOB = frozenset("*?[")


@dataclasses.dataclass(frozen=True)
class AssignmentSpec:
    """A set of exercises handed out and graded together, e.g. one week's homework.

    Attributes:
        id: registry key, e.g. ``"hw1"`` or ``"mycourse.week-2"``.
        title: one line, shown by ``gradkit assignments``.
        exercises: exercise ids or globs (``"calculus.*"``), in the order
            students see them; a glob adds its matches in book order, and an
            exercise matched twice appears once, where it was first matched.
        points: optional points per exercise id, replacing the exercise's own
            ``points`` in this assignment.
        provider: who registered it (filled in by the plugin manager).
    """

    id: str
    title: str
    exercises: tuple[str, ...]
    points: Mapping[str, float] = dataclasses.field(default_factory=dict)
    provider: str | None = None

    def __post_init__(self) -> None:
        from ._registry import _check_name

        _check_name("assignment", self.id)
        if isinstance(self.exercises, str) or not all(
            isinstance(p, str) and p.strip() for p in self.exercises
        ):
            raise ExerciseError(
                f"assignment {self.id!r}: exercises must be a list of exercise ids or globs, "
                f"got {self.exercises!r}"
            )
        object.__setattr__(self, "exercises", tuple(self.exercises))
        if not self.exercises:
            raise ExerciseError(f"assignment {self.id!r} lists no exercises")
        points = dict(self.points or {})
        for key, value in points.items():
            if not (isinstance(value, int | float) and not isinstance(value, bool) and value >= 0):
                raise ExerciseError(
                    f"assignment {self.id!r}: points[{key!r}] must be a number >= 0, got {value!r}"
                )
        object.__setattr__(self, "points", MappingProxyType(points))

    def resolve(self) -> list[ExerciseSpec]:
        """Return this assignment's exercises in order, with its points applied.

        Raises:
            UnknownNameError: an id or glob matches no registered exercise, or
                ``points`` names an exercise the assignment does not hold.
        """
        specs = match_exercises(self.exercises, what=f"assignment {self.id!r}")
        ids = {s.id for s in specs}
        unknown = sorted(set(self.points) - ids)
        if unknown:
            raise UnknownNameError(
                f"assignment {self.id!r} gives points to {', '.join(map(repr, unknown))}, "
                f"which it does not hold; its exercises: {', '.join(sorted(ids))}"
            )
        return [
            dataclasses.replace(s, points=self.points[s.id]) if s.id in self.points else s
            for s in specs
        ]


def match_exercises(patterns: Iterable[str], *, what: str = "") -> list[ExerciseSpec]:
    """Return the registered exercises that ids or globs name, in the patterns' order.

    Each pattern may hold several comma-separated ids or globs. A glob adds its
    matches in book order; an exercise is listed once, where first matched.

    Raises:
        UnknownNameError: a pattern matches nothing; the message names it.
    """
    from ._registry import exercises
    from .grading._spec import book_order

    every = book_order(exercises)
    chosen: dict[str, ExerciseSpec] = {}
    for pattern in _split(patterns):
        if _GLOB.isdisjoint(pattern):
            found = [s for s in every if s.id == pattern]
        else:
            found = [s for s in every if fnmatch.fnmatchcase(s.id, pattern)]
        if not found:
            where = f"{what} names {pattern!r}, which" if what else f"{pattern!r}"
            close = difflib.get_close_matches(pattern, [s.id for s in every], n=3, cutoff=0.6)
            guess = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise UnknownNameError(
                f"{where} matches no exercise{guess} (`gradkit exercises list` shows the "
                f"{len(every)} registered ids)"
            )
        for spec in found:
            chosen.setdefault(spec.id, spec)
    return list(chosen.values())


def _split(patterns: Iterable[str]) -> list[str]:
    return [p.strip() for text in patterns for p in text.split(",") if p.strip()]


def select_exercises(
    patterns: Sequence[str] = (), assignment: str | None = None
) -> list[ExerciseSpec]:
    """The exercises a command works on: an assignment's, filtered by ids or globs.

    With neither, every registered exercise in book order; with both, the
    assignment's exercises (its order and points) that also match a pattern.
    """
    from ._registry import assignments, exercises
    from .grading._spec import book_order

    if assignment is None:
        return match_exercises(patterns) if _split(patterns) else book_order(exercises)
    specs = assignments.get(assignment).resolve()
    if not _split(patterns):
        return specs
    wanted = {s.id for s in match_exercises(patterns)}
    chosen = [s for s in specs if s.id in wanted]
    if not chosen:
        raise UnknownNameError(
            f"none of {', '.join(_split(patterns))} is in assignment {assignment!r}; "
            f"its exercises: {', '.join(s.id for s in specs)}"
        )
    return chosen


def describe(spec: AssignmentSpec) -> dict[str, Any]:
    """The JSON form ``gradkit assignments --json`` prints for one assignment."""
    try:
        specs = spec.resolve()
    except UnknownNameError as error:
        return {
            "id": spec.id,
            "title": spec.title,
            "exercises": [],
            "points": None,
            "provider": spec.provider,
            "error": str(error),
        }
    return {
        "id": spec.id,
        "title": spec.title,
        "exercises": [s.id for s in specs],
        "points": sum(s.max_score for s in specs),
        "provider": spec.provider,
    }
