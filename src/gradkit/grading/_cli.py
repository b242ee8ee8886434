"""``gradkit grade`` and ``gradkit report merge``: parse, grade, render.

Exit status: 0 when grading ran, whatever the scores; 1 with ``--fail-under``
when a submission scores below it; 2 for bad usage (an output path that cannot
be written is found before grading starts); 3 when the grader itself failed;
4 when the report was graded but could not be written where asked: the JSON
report is saved to a fallback file named on stderr; 130 or 143 when SIGINT or
SIGTERM stopped the run (its processes and temporary files are removed). One
line on stderr says why.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ._submission import MAX_BYTES, MAX_SUBMISSION_BYTES

USAGE = 2
GRADER_FAULT = 3
REPORT_SAVED_ELSEWHERE = 4
_FORMATS = ("table", "json", "gradescope", "junit", "csv")
_LEVELS = ("auto", "namespaces", "limits")


def _fault(error: Exception) -> NoReturn:
    from ._sanitise import clean

    click.echo(f"Error: {clean(str(error))}", err=True)
    raise SystemExit(GRADER_FAULT)


def _table(report: Any, width: int | None = None, order: Sequence[str] = ()) -> str:
    """Render a report as rich tables, one per submission, as plain text.

    Rows follow ``order`` (an assignment's own order), then book order.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ._results import shown_score

    console = Console(
        file=__import__("io").StringIO(),
        width=width or 80,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
    )
    from .._registry import exercises
    from ._spec import book_position

    in_book = book_position(exercises)
    rank = {exercise_id: i for i, exercise_id in enumerate(order)}

    def in_book_order(exercise_id: str) -> tuple[int, tuple[int, str]]:
        return rank.get(exercise_id, len(rank)), in_book(exercise_id)

    for sub in report.submissions:
        console.print(Text(sub.path))
        table = Table()
        # ids, scores and statuses are never cut: only the feedback wraps (at spaces)
        table.add_column("exercise", no_wrap=True)
        table.add_column("score", justify="right", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("feedback", overflow="fold")
        for e in sorted(sub.exercises, key=lambda e: in_book_order(e.id)):
            failed = [c for c in e.checks if not c.passed]
            note = failed[0].message if failed else ""
            table.add_row(Text(e.id), shown_score(e.score, e.max_score), Text(e.status), Text(note))
        console.print(table)
        summary = f"total {shown_score(sub.score, sub.max_score)} ({sub.status})"
        console.print(Text(summary + (f" - {sub.message}" if sub.message else "")))
    n = len(report.submissions)
    summary = (
        f"{n} submission{'s' * (n != 1)} graded; sandbox: {report.sandbox}; seed: {report.seed}"
    )
    console.print(Text(summary))
    if report.partial:
        console.print(Text(f"PARTIAL report: {report.partial}"))
    return console.file.getvalue()  # type: ignore[attr-defined]


def _usage(error: Exception) -> None:
    click.echo(f"Error: {error}", err=True)
    raise SystemExit(USAGE)


def _emit(text: str, output: str | None) -> None:
    """Write ``text`` to ``output`` atomically, or to standard output."""
    from ._output import write_atomic

    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
        sys.stdout.flush()


def _check_outputs(output: str | None, feedback: str | None) -> None:
    """Exit 2 with one line unless every output path can be written."""
    from .._errors import GradingError
    from ._output import check_file, check_folder

    try:
        if output:
            check_file(output)
        if feedback:
            check_folder(feedback)
    except GradingError as error:
        _usage(error)


def _feedback_files(report: Any, folder: str) -> dict[Path, str]:
    """One Markdown file per submission; names made unique when two paths flatten alike."""
    from ._reports import feedback_name, to_feedback

    files: dict[Path, str] = {}
    for sub in report.submissions:
        name = feedback_name(sub.path)
        stem, n = name[: -len(".md")], 1
        while Path(folder) / name in files:
            n += 1
            name = f"{stem}-{n}.md"
        files[Path(folder) / name] = to_feedback(report, sub)
    return files


def _write_all(report: Any, text: str, output: str | None, feedback: str | None) -> None:
    """Write the report and feedback; on failure save the JSON report elsewhere, exit 4."""
    from ._output import save_fallback, write_atomic
    from ._reports import render

    failed: list[str] = []
    try:
        _emit(text, output)
    except OSError as error:
        failed.append(f"cannot write the report to {output or '<stdout>'!r} ({error.strerror})")
    if feedback:
        for path, markdown in _feedback_files(report, feedback).items():
            try:
                write_atomic(path, markdown)
            except OSError as error:
                failed.append(f"cannot write feedback to {str(path)!r} ({error.strerror})")
                break
    if not failed:
        return
    saved = render(report, "json")
    try:
        where = save_fallback(saved, output)
    except OSError as error:
        click.echo(f"Error: {failed[0]}; no fallback file either ({error.strerror}):", err=True)
        click.echo(saved, err=True, nl=False)
    else:
        click.echo(f"Error: {failed[0]}; the JSON report was saved to {str(where)!r}", err=True)
    raise SystemExit(REPORT_SAVED_ELSEWHERE)


def _existing(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
    """Submission paths must exist (a dangling symbolic link is graded 0, with the reason)."""
    import os

    for path in value:
        if not os.path.lexists(path):
            raise click.BadParameter(f"Path {path!r} does not exist.", param=param)
    return value


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from .._errors import GradingError
    from ._runner import parse_shard

    try:
        return parse_shard(value)
    except GradingError as error:
        raise click.BadParameter(str(error)) from error


@click.command("grade")
@click.argument("submissions", nargs=-1, required=True, callback=_existing, metavar="SUBMISSION...")
@click.option(
    "--exercises",
    "pattern",
    default="*",
    show_default=True,
    help="Grade only exercises whose id matches (comma-separated globs).",
)
@click.option(
    "--assignment",
    metavar="ID",
    help="Grade this assignment's exercises, with its points (see `gradkit assignments`).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="table",
    show_default=True,
    help="Report format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel submissions [default: CPUs].")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds allowed per request (import, one trace, one evaluation), not counting "
    "time the worker waited for a CPU.",
)
@click.option(
    "--memory",
    type=click.IntRange(min=256),
    default=2048,
    show_default=True,
    help="Memory limit per sandboxed process, in MB (RLIMIT_DATA).",
)
@click.option(
    "--sandbox",
    type=click.Choice(_LEVELS),
    default="auto",
    show_default=True,
    help="Sandbox level; auto picks namespaces when available.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Seed of the check inputs [default: random, recorded in the report].",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 1),
    help="Exit 1 when a submission scores below this fraction of the points.",
)
@click.option(
    "--feedback",
    type=click.Path(file_okay=False),
    help="Write one Markdown feedback file per submission into DIR.",
)
@click.option(
    "--shard",
    callback=_shard,
    metavar="i/N",
    help="Grade only the i-th of N deterministic slices of the submissions.",
)
@click.option(
    "--max-file-bytes",
    type=click.IntRange(min=1),
    default=MAX_BYTES,
    show_default=True,
    help="Largest submission file read (.py or .ipynb); a larger one is graded 0, with the reason.",
)
@click.option(
    "--max-submission-bytes",
    type=click.IntRange(min=1),
    default=MAX_SUBMISSION_BYTES,
    show_default=True,
    help="Most bytes read for one submission (all the .py files of a directory).",
)
def grade(
    submissions: tuple[str, ...],
    pattern: str,
    assignment: str | None,
    fmt: str,
    output: str | None,
    jobs: int | None,
    timeout: float,
    memory: int,
    sandbox: str,
    seed: int | None,
    fail_under: float | None,
    feedback: str | None,
    shard: tuple[int, int] | None,
    max_file_bytes: int,
    max_submission_bytes: int,
) -> None:
    """Grade SUBMISSION files (.py, a directory, or .ipynb) in a sandbox.

    Exit status: 0 when grading ran (whatever the scores), 1 with --fail-under
    when a submission scores below it, 2 for bad usage or an output path that
    cannot be written, 3 when the grader failed, 4 when the report could not be
    written (the JSON report is saved to a file named on stderr), 130/143 when
    interrupted by SIGINT/SIGTERM.
    """
    from .._errors import GradingError, UnknownNameError
    from ._cleanup import Interrupted, interruptible
    from ._reports import render
    from ._runner import GradeOptions, default_jobs, grade_paths, select_exercises
    from ._submission import InputLimits

    try:
        if assignment is None:
            specs = select_exercises(pattern)
        else:
            from .._assignments import select_exercises as select

            specs = select((pattern,), assignment)
    except (GradingError, UnknownNameError) as error:
        hint = "'--exercises'" if assignment is None else "'--assignment'"
        raise click.BadParameter(str(error), param_hint=hint) from error
    if fmt == "gradescope" and len(submissions) != 1:
        raise click.BadParameter(
            "the gradescope format takes exactly one submission", param_hint="'--format'"
        )
    options = GradeOptions(
        jobs=jobs or default_jobs(),
        timeout=timeout,
        memory_mb=memory,
        sandbox=sandbox,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        shard=shard,
        inputs=InputLimits(max_file_bytes, max_submission_bytes),
    )
    _check_outputs(output, feedback)
    try:
        with interruptible():
            report = _grade_with_progress(submissions, specs, options, grade_paths)
        in_order = [s.id for s in specs] if assignment else []
        text = _table(report, order=in_order) if fmt == "table" else render(report, fmt)
    except Interrupted as stop:
        click.echo(
            f"Error: {stop}: no report written; its processes and files are removed", err=True
        )
        raise SystemExit(128 + stop.signal) from None
    except GradingError as error:
        _fault(error)
    except Exception as error:  # noqa: BLE001 - a bug of the grader: one line, status 3
        _fault(GradingError(f"the grader failed: {type(error).__name__}: {error}"))
    _write_all(report, text, output, feedback)
    if fail_under is not None:
        below = [
            s for s in report.submissions if s.max_score > 0 and s.score < fail_under * s.max_score
        ]
        if below:
            shown = ", ".join(f"{s.path} ({s.score:.2f}/{s.max_score:.2f})" for s in below[:3])
            more = f" and {len(below) - 3} more" if len(below) > 3 else ""
            click.echo(
                f"{len(below)} of {len(report.submissions)} submissions scored below "
                f"--fail-under {fail_under:g}: {shown}{more}",
                err=True,
            )
            sys.exit(1)


def _grade_with_progress(submissions: Any, specs: Any, options: Any, grade_paths: Any) -> Any:
    """Grade with a progress bar on stderr when it is a terminal."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("grading", total=len(submissions))
        return grade_paths(
            list(submissions), specs, options, on_result=lambda _: progress.advance(task)
        )


@click.group("report")
def report() -> None:
    """Work with grading reports (JSON written by `gradkit grade --format json`)."""


@report.command("merge")
@click.argument(
    "reports",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="REPORT...",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="json",
    show_default=True,
    help="Format of the merged report.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Merge even when shards are missing; every format marks the result partial.",
)
def merge_command(
    reports: tuple[str, ...], fmt: str, output: str | None, allow_partial: bool
) -> None:
    """Merge the JSON reports of shards (`gradkit grade --shard i/N`) into one.

    Refuses an incomplete or inconsistent set of shards (a missing or repeated
    shard, mixed i/N counts, seeds, exercise sets or gradkit versions).
    """
    from .._errors import GradingError
    from ._reports import from_json, merge, render

    _check_outputs(output, None)
    loaded = []
    for path in reports:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise click.BadParameter(
                f"{path!r} is not a JSON report ({error})", param_hint="REPORTS"
            ) from error
        try:
            loaded.append(from_json(data, where=path))
        except GradingError as error:
            raise click.BadParameter(str(error), param_hint="REPORTS") from error
    try:
        merged = merge(loaded, list(reports), allow_partial=allow_partial)
        text = _table(merged) if fmt == "table" else render(merged, fmt)
    except GradingError as error:
        raise click.BadParameter(str(error), param_hint="REPORTS") from error
    _write_all(merged, text, output, None)
