"""``gradkit autograder``: Gradescope zips, GitHub Classroom workflows, and the per-upload run."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

SEED_HELP = "Seed of the check inputs, fixed in the bundle so regrades agree [default: random]."


@click.group("autograder")
def autograder() -> None:
    """Generate an assignment's autograder for Gradescope or GitHub Classroom.

    Each grades whatever the student hands in (any .py name, several files, a
    notebook) with `gradkit autograder run`, in gradkit's sandbox.
    """


@autograder.command("gradescope")
@click.option("--assignment", required=True, metavar="ID", help="The assignment to grade.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="The zip to write [default: ID-autograder.zip].",
)
@click.option("--seed", type=click.IntRange(min=0), help=SEED_HELP)
@click.option(
    "--wheel",
    "wheels",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Add this wheel to the zip (repeatable): your own build of a package, or a "
    "dependency from `pip download`, for images without a package index.",
)
def gradescope(assignment: str, output: str | None, seed: int | None, wheels: tuple[str, ...]):
    """Write a Gradescope autograder zip: setup.sh, run_autograder and the wheels.

    setup.sh installs gradkit and the packages that provide the assignment from
    wheels inside the zip; run_autograder grades the upload and writes
    /autograder/results/results.json. Upload the zip as the assignment's
    autograder (base image: Ubuntu 24.04, for Python 3.12).
    """
    from ._autograder import gradescope_bundle, plan

    bundle = plan(assignment, secrets.randbelow(2**31) if seed is None else seed)
    target = Path(output or f"{assignment}-autograder.zip")
    names = gradescope_bundle(bundle, target, wheels)
    click.echo(f"Wrote {target} (assignment {assignment}, seed {bundle.seed}):")
    for name in names:
        click.echo(f"  {name}")


@autograder.command("github")
@click.option("--assignment", required=True, metavar="ID", help="The assignment to grade.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=".github/workflows/gradkit.yml",
    show_default=True,
    help="The workflow file to write.",
)
@click.option("--seed", type=click.IntRange(min=0), help=SEED_HELP)
@click.option(
    "--requirement",
    "requirements",
    multiple=True,
    metavar="SPEC",
    help="What the workflow pip-installs (repeatable) [default: gradkit and the packages "
    "that provide the assignment, at the versions installed here].",
)
def github(assignment: str, output: str, seed: int | None, requirements: tuple[str, ...]):
    """Write a GitHub Classroom workflow that grades every push.

    It runs `gradkit autograder run` on the repository, uploads the JUnit and
    JSON reports as an artifact, and shows the score in the run's summary.
    """
    from ._autograder import github_workflow, plan

    bundle = plan(assignment, secrets.randbelow(2**31) if seed is None else seed)
    if bundle.plugin_files and not requirements:
        raise click.UsageError(
            f"assignment {assignment!r} comes from plugin files "
            f"({', '.join(bundle.plugin_files)}); package them (`gradkit new-plugin`) or "
            "say what to install with --requirement"
        )
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(github_workflow(bundle, requirements), encoding="utf-8")
    click.echo(f"Wrote {target} (assignment {assignment}, seed {bundle.seed}).")


@autograder.command("run")
@click.option("--assignment", required=True, metavar="ID", help="The assignment to grade.")
@click.option("--seed", type=click.IntRange(min=0), required=True, help="Seed of the inputs.")
@click.option(
    "--submission",
    type=click.Path(file_okay=False),
    required=True,
    help="The upload folder (Gradescope: /autograder/submission).",
)
@click.option("--results", type=click.Path(dir_okay=False), help="Write Gradescope results.json.")
@click.option("--junit", type=click.Path(dir_okay=False), help="Write a JUnit XML report.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option("--summary", type=click.Path(dir_okay=False), help="Append a Markdown summary.")
@click.option(
    "--github-output",
    type=click.Path(dir_okay=False),
    help="Append score=... and max-score=... (GitHub's $GITHUB_OUTPUT).",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True)
@click.option(
    "--sandbox",
    type=click.Choice(("auto", "namespaces", "limits")),
    default="auto",
    show_default=True,
    help="Sandbox level, as for `gradkit grade`.",
)
def run(
    assignment: str,
    seed: int,
    submission: str,
    results: str | None,
    junit: str | None,
    json_path: str | None,
    summary: str | None,
    github_output: str | None,
    timeout: float,
    sandbox: str,
) -> None:
    """Grade one upload and write the reports (what run_autograder calls).

    The upload may be any .py name, several .py files (the folder is graded
    together: solutions.py imports its helpers), or one notebook, also inside
    a folder of the upload. A results file is always written: when nothing
    gradable was uploaded, a score of 0 that says what to upload.
    """
    import json

    from ._assignments import select_exercises
    from ._autograder import failure_results, find_upload
    from ._errors import GradingError
    from .grading._output import write_atomic
    from .grading._reports import render
    from .grading._results import shown_score
    from .grading._runner import GradeOptions, default_jobs, grade_paths

    specs = select_exercises((), assignment)
    max_score = sum(s.max_score for s in specs)
    for path in (results, junit, json_path):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        upload = find_upload(Path(submission))
    except GradingError as error:
        if results:
            write_atomic(results, json.dumps(failure_results(str(error), max_score), indent=2))
        click.echo(f"gradkit: {error}", err=True)
        _outputs(github_output, 0.0, max_score)
        return
    options = GradeOptions(jobs=default_jobs(), timeout=timeout, seed=seed, sandbox=sandbox)
    try:
        report = grade_paths([str(upload)], specs, options)
    except Exception as error:  # noqa: BLE001 - always leave a results.json behind
        message = f"the grader failed: {type(error).__name__}: {error}"
        if results:
            write_atomic(results, json.dumps(failure_results(message, max_score), indent=2))
        click.echo(f"gradkit: {message}", err=True)
        raise SystemExit(3) from None
    for path, fmt in ((results, "gradescope"), (junit, "junit"), (json_path, "json")):
        if path:
            write_atomic(path, render(report, fmt))
    (sub,) = report.submissions
    click.echo(f"{upload}: {shown_score(sub.score, sub.max_score)} ({sub.status})")
    if summary:
        rows = "".join(
            f"| {e.id} | {shown_score(e.score, e.max_score)} | {e.status} |\n"
            for e in sub.exercises
        )
        with open(summary, "a", encoding="utf-8") as out:
            out.write(
                f"## gradkit: {assignment}\n\n"
                f"**Score: {shown_score(sub.score, sub.max_score, sep=' / ')}** "
                f"({sub.status})\n\n| exercise | score | status |\n|---|---|---|\n{rows}\n"
            )
    _outputs(github_output, sub.score, sub.max_score)


def _outputs(path: str | None, score: float, max_score: float) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"score={score:g}\nmax-score={max_score:g}\n")
