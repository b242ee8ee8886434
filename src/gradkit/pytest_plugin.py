"""gradkit's pytest plugin (entry point ``pytest11``): test exercise sets, self-check solutions.

For an exercise package's own tests::

    def test_course(gradkit_verify):
        gradkit_verify("mycourse.*")     # every matched exercise passes check_exercise

For a student::

    pytest --gradkit-submission solutions.py [--gradkit-assignment hw1]

runs the visible checks of every exercise (or the assignment's), one test per
exercise, with the grader's messages; hidden checks never run. The module
imports nothing heavy: gradkit and JAX load only when a fixture or the option
is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradkit", "gradkit self-check")
    group.addoption(
        "--gradkit-submission",
        action="store",
        default=None,
        metavar="PATH",
        help="Run the visible checks of gradkit's exercises on this solution (.py, dir, .ipynb).",
    )
    group.addoption(
        "--gradkit-assignment",
        action="store",
        default=None,
        metavar="ID",
        help="With --gradkit-submission: only this assignment's exercises.",
    )
    group.addoption(
        "--gradkit-exercises",
        action="append",
        default=[],
        metavar="PATTERN",
        help="With --gradkit-submission: only exercises matching these ids or globs.",
    )


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--gradkit-submission", None)
    if path:
        if not Path(path).exists():
            raise pytest.UsageError(f"--gradkit-submission: {path!r} does not exist")
        # collect the submission, and nothing else unless test paths were named
        if config.args_source != pytest.Config.ArgsSource.ARGS:
            config.args[:] = [path]
        elif path not in config.args:
            config.args.append(path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    path = parent.config.getoption("--gradkit-submission", None)
    if path and file_path.resolve() == Path(path).resolve():
        return SubmissionFile.from_parent(parent, path=file_path)
    return None


def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    submission = parent.config.getoption("--gradkit-submission", None)
    if submission and Path(submission).is_dir() and path.resolve() == Path(submission).resolve():
        return SubmissionFile.from_parent(parent, path=path)
    return None


class SubmissionFile(pytest.File):
    """The student's solution: one test per exercise, graded once, visible checks only."""

    _report: Any = None
    _hidden: dict[str, int]

    def collect(self) -> Iterator[pytest.Item]:
        from ._assignments import select_exercises
        from ._selfcheck import visible_only

        config = self.config
        specs, self._hidden = visible_only(
            select_exercises(
                tuple(config.getoption("--gradkit-exercises") or ()),
                config.getoption("--gradkit-assignment"),
            )
        )
        self._specs = specs
        for spec in specs:
            yield ExerciseItem.from_parent(self, name=spec.id)

    def result(self, exercise_id: str) -> Any:
        if self._report is None:
            from .grading._runner import GradeOptions, grade_paths

            options = GradeOptions(jobs=1, seed=0)
            self._report = grade_paths([str(self.path)], self._specs, options)
        (submission,) = self._report.submissions
        return submission, next(e for e in submission.exercises if e.id == exercise_id)


class ExerciseFailed(Exception):
    """A visible check of the exercise failed; args[0] is the grader's feedback."""


class ExerciseItem(pytest.Item):
    """One exercise of the submission, passed when all its visible checks pass."""

    def runtest(self) -> None:
        parent = self.parent
        assert isinstance(parent, SubmissionFile)
        submission, result = parent.result(self.name)
        failed = [c for c in result.checks if not c.passed]
        if failed or (submission.message and not result.checks):
            lines = [f"{c.name}: {c.message}" for c in failed] or [submission.message]
            raise ExerciseFailed("\n".join(lines))
        hidden = parent._hidden.get(self.name, 0)
        if hidden:
            self.user_properties.append(("hidden checks not run", hidden))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExerciseFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"gradkit exercise {self.name} (visible checks)"


@pytest.fixture
def gradkit_verify() -> Callable[..., list[Any]]:
    """Check exercises as `gradkit check-plugin` does; fail the test naming every failure.

    ``gradkit_verify("mycourse.*", assignment=None, seed=0)`` matches ids or
    globs (or takes an assignment's exercises), runs
    `gradkit.testing.check_exercise` on each (reference resolves and scores
    full marks, checks name entries, statement renders, the stub scores 0)
    and returns the reports.
    """

    def verify(*patterns: str, assignment: str | None = None, seed: int = 0) -> list[Any]:
        from ._assignments import select_exercises
        from ._exercise_contracts import check_exercise

        if not patterns and assignment is None:
            raise pytest.UsageError("gradkit_verify needs exercise ids, globs or assignment=")
        reports = [
            check_exercise(spec, seed=seed, raise_on_failure=False)
            for spec in select_exercises(patterns, assignment)
        ]
        failures = [
            f"{r.name}: {r.check}: {r.detail}" for report in reports for r in report.failures
        ]
        if failures:
            pytest.fail("\n".join(failures), pytrace=False)
        return reports

    return verify
