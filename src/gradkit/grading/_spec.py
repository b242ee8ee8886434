"""The exercise model: what a submission must define, how it is checked, what it is worth."""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, Literal

from .._errors import ExerciseError

if TYPE_CHECKING:
    from ._checks import Check

_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclasses.dataclass(frozen=True)
class Entry:
    """A name the submission must define.

    Attributes:
        name: the Python identifier, e.g. ``"l2"`` or ``"x_star"``.
        signature: for functions the parameter list, e.g. ``"(v)"``; for
            constants the annotation, e.g. ``"float"`` or ``"str"``.
        doc: one or more lines saying what it returns (the stub's docstring).
        kind: ``"function"`` or ``"constant"``.
    """

    name: str
    signature: str
    doc: str
    kind: Literal["function", "constant"] = "function"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _IDENT.match(self.name):
            raise ExerciseError(f"invalid entry name {self.name!r}: use a Python identifier")
        if self.kind not in ("function", "constant"):
            raise ExerciseError(
                f"entry {self.name!r}: kind must be 'function' or 'constant', got {self.kind!r}"
            )


@dataclasses.dataclass(frozen=True)
class ExerciseSpec:
    """One exercise: prompt, entries, checks, points and a trusted reference solution.

    Attributes:
        id: registry key, e.g. ``"calculus.x-to-the-x"``.
        title: one line.
        section: the book's section, e.g. ``"2.4"``.
        prompt: the task, in Markdown.
        entries: the names the submission defines, in order.
        checks: the checks that grade it (empty for written exercises).
        points: what a full pass is worth (written exercises: graded by hand,
            0 automatic points whatever this says).
        reference: the reference solution: a mapping name → object, or the
            dotted path of a module that defines the entries. Trusted code;
            it runs only in the grader's own process.
        kind: ``"code"`` or ``"written"``. A written exercise has exactly one
            entry, a ``str`` constant holding the answer.
        provider: who registered it (filled in by the plugin manager).
    """

    id: str
    title: str
    section: str
    prompt: str
    entries: tuple[Entry, ...]
    checks: tuple[Check, ...] = ()
    points: float = 1.0
    reference: Mapping[str, Any] | str | None = None
    kind: Literal["code", "written"] = "code"
    provider: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise ExerciseError(
                f"invalid exercise id {self.id!r}: use lower-case letters, digits, '.', '_' "
                "and '-' (e.g. 'calculus.x-to-the-x')"
            )
        if self.kind not in ("code", "written"):
            raise ExerciseError(
                f"exercise {self.id!r}: kind must be 'code' or 'written', got {self.kind!r}"
            )
        object.__setattr__(self, "entries", tuple(self.entries))
        object.__setattr__(self, "checks", tuple(self.checks))
        if isinstance(self.reference, Mapping):
            object.__setattr__(self, "reference", MappingProxyType(dict(self.reference)))
        if not self.entries:
            raise ExerciseError(f"exercise {self.id!r} has no entries: name what to define")
        names = [e.name for e in self.entries]
        if len(set(names)) != len(names):
            raise ExerciseError(f"exercise {self.id!r} lists an entry twice: {names!r}")
        if not (isinstance(self.points, int | float) and self.points >= 0):
            raise ExerciseError(f"exercise {self.id!r}: points must be >= 0, got {self.points!r}")
        if self.kind == "written":
            if len(self.entries) != 1 or self.entries[0].kind != "constant":
                raise ExerciseError(
                    f"written exercise {self.id!r} must have exactly one constant entry "
                    "(the answer string)"
                )
            return
        if not self.checks:
            raise ExerciseError(f"code exercise {self.id!r} has no checks")
        for check in self.checks:
            unknown = set(check.entries()) - set(names)
            if unknown:
                raise ExerciseError(
                    f"exercise {self.id!r}: check {check.label!r} uses {sorted(unknown)!r}, "
                    f"which is not among its entries {names!r}"
                )
        labels = [c.label for c in self.checks]
        for check in self.checks:
            of = getattr(check, "inputs_of", None)
            if of is not None and of not in labels:
                raise ExerciseError(
                    f"exercise {self.id!r}: check {check.label!r} judges the inputs of "
                    f"{of!r}, which is not one of its checks {labels!r}"
                )
        if self.reference is None:
            raise ExerciseError(f"code exercise {self.id!r} needs a reference solution")

    @property
    def answer_name(self) -> str | None:
        """The constant holding a written answer (None for code exercises)."""
        return self.entries[0].name if self.kind == "written" else None

    @property
    def max_score(self) -> float:
        """The automatic points: `points` for code exercises, 0 for written ones."""
        return float(self.points) if self.kind == "code" else 0.0

    def reference_namespace(self) -> Mapping[str, Any] | ModuleType:
        """Return the reference solution as a mapping or an imported module."""
        if isinstance(self.reference, str):
            try:
                return importlib.import_module(self.reference)
            except ImportError as error:
                raise ExerciseError(
                    f"exercise {self.id!r}: cannot import its reference module "
                    f"{self.reference!r} ({error}); install the package that provides it"
                ) from error
        if self.reference is None:
            return {}
        return self.reference


def _section_key(spec: ExerciseSpec) -> tuple:
    head, _, tail = spec.section.partition(" ex.")
    numbers = tuple(int(p) if p.isdigit() else 0 for p in head.strip().split("."))
    exercise = int(tail.strip()) if tail.strip().isdigit() else 0
    # the section's text first (2.4.1 ...), then its exercises (2.4 ex. 1, ...)
    return (numbers[:2], 1 if tail else 0, numbers[2:], exercise, spec.id)


def book_order(specs: Iterable[ExerciseSpec]) -> list[ExerciseSpec]:
    """Sort exercises by section, the section's text before its end-of-section exercises."""
    return sorted(specs, key=_section_key)


def book_position(specs: Iterable[ExerciseSpec]) -> Callable[[str], tuple[int, str]]:
    """A sort key for exercise ids: book order; ids not among `specs` last, by name."""
    rank = {spec.id: i for i, spec in enumerate(book_order(specs))}
    return lambda exercise_id: (rank.get(exercise_id, len(rank)), exercise_id)
