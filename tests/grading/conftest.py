"""Fixtures shared by the grading tests: small exercises, a counting candidate, one graded run.

``square`` (a code exercise with a visible and a hidden check) and ``essay`` (a
written one) are the exercise model's examples; ``seen`` is the written
exercise in which an attack reports what it saw; ``grade`` runs the real grader
(sandboxed workers) over submission files.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from gradkit.grading import Entry, ExerciseSpec, ReferenceCache, checks, samplers
from gradkit.grading._results import SubmissionResult
from gradkit.grading._runner import GradeOptions, grade_paths

# The hostile submissions' exercises: test modules import `h6_exercises`, and the
# CLI tests load it as a plugin module (`gradkit -p h6_exercises`).
sys.path.insert(0, str(Path(__file__).parent / "adversarial"))

SQUARE = ExerciseSpec(
    id="test.square",
    title="Square",
    section="2.4",
    prompt="Define `d_square(x)`.",
    entries=(Entry("d_square", "(x)", "Return 2x."),),
    checks=(
        checks.values("d_square", samplers.normal(3), weight=1.0),
        checks.values("d_square", samplers.normal(4), visibility="hidden", weight=3.0),
    ),
    reference={"d_square": lambda x: 2 * x},
    points=2,
)

ESSAY = ExerciseSpec(
    id="test.essay",
    title="Essay",
    section="2.5 ex. 1",
    prompt="Why?",
    entries=(Entry("why_answer", "str", "Your answer.", kind="constant"),),
    kind="written",
    points=3,
)

SEEN = ExerciseSpec(
    id="iso.seen",
    title="What the submission saw",
    section="2.3",
    prompt="Put what you saw in `SEEN`.",
    entries=(Entry("SEEN", "str", "What you saw.", kind="constant"),),
    kind="written",
    points=0,
    reference="nothing",
)


class Counting:
    """Wrap a candidate and count its `run` calls."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def run(self, requests):
        self.calls.append(len(requests))
        return self.inner.run(requests)


@pytest.fixture(scope="session")
def square() -> ExerciseSpec:
    return SQUARE


@pytest.fixture(scope="session")
def essay() -> ExerciseSpec:
    return ESSAY


@pytest.fixture(scope="session")
def seen() -> ExerciseSpec:
    return SEEN


@pytest.fixture(scope="session")
def counting() -> type[Counting]:
    return Counting


@pytest.fixture(scope="module")
def references() -> ReferenceCache:
    """One reference cache per test module: each reference answer is computed once."""
    return ReferenceCache()


def _grade(
    paths: Sequence[str | Path], specs: Sequence[ExerciseSpec], prefix: str, **options: Any
) -> tuple[dict[str, SubmissionResult], str]:
    tag = f"{prefix}-{uuid.uuid4().hex[:8]}-"
    report = grade_paths([str(p) for p in paths], specs, GradeOptions(tag=tag, **options))
    return {Path(s.path).stem: s for s in report.submissions}, tag


@pytest.fixture(scope="session")
def grade():
    """``grade(paths, specs, prefix, **GradeOptions)``: one real run of the grader.

    Returns each submission's result by its file's stem, and the run's tag
    (``prefix-<8 hex>-``; `leftover_processes(tag)` finds the run's children).
    """
    return _grade


def _sumsq(x: Any) -> Any:
    return (x**2).sum()


def sumsq_exercises(prefix: str, count: int, checks_of: Any) -> tuple[ExerciseSpec, ...]:
    """``count`` one-point exercises ``{prefix}.e{k}``: define ``e{k}(x)`` = Σ xᵢ².

    ``checks_of(entry)`` gives each exercise's checks.
    """
    return tuple(
        ExerciseSpec(
            id=f"{prefix}.e{k}",
            title=f"Entry {k}",
            section="2.3",
            prompt=f"Define `e{k}(x)` = Σ xᵢ².",
            entries=(Entry(f"e{k}", "(x)", "Σ xᵢ²."),),
            checks=checks_of(f"e{k}"),
            points=1.0,
            reference={f"e{k}": _sumsq},
        )
        for k in range(count)
    )


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
