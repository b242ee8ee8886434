"""``gradkit check``: a student's self-check, visible checks only, the grader's messages."""

from __future__ import annotations

import shutil

import click


@click.command("check")
@click.argument("submission", type=click.Path(exists=True), metavar="FILE")
@click.option("--assignment", metavar="ID", help="Only this assignment's exercises.")
@click.option(
    "--exercises",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Only exercises whose id matches these ids or globs (repeatable).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds allowed per request.",
)
def check(
    submission: str, assignment: str | None, patterns: tuple[str, ...], timeout: float
) -> None:
    """Check FILE (.py, directory or .ipynb) with the exercises' visible checks.

    The same sandbox and messages as `gradkit grade`, but hidden checks never
    run: the line at the end says how many were left out. Exit status 0 when
    every visible check passes, 1 otherwise.
    """
    from ._assignments import select_exercises
    from ._selfcheck import check_results, hidden_note, visible_only
    from .grading._cli import _table
    from .grading._runner import GradeOptions, grade_paths

    specs, hidden = visible_only(select_exercises(patterns, assignment))
    options = GradeOptions(jobs=1, timeout=timeout, seed=0)
    report = grade_paths([submission], specs, options)
    width = max(80, shutil.get_terminal_size((100, 24)).columns)
    order = [s.id for s in specs] if assignment else []
    click.echo(_table(report, width, order), nl=False)
    note = hidden_note(hidden)
    if note:
        click.echo(note)
    (result,) = report.submissions
    if not check_results(result.exercises) or result.message:
        raise SystemExit(1)
