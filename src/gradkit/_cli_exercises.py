"""``gradkit exercises``: list, show, write the student stubs, verify the references.

Exercises come from plugins (the ``gradkit-exercises`` package, or an
instructor's own through ``--plugins-dir``). JAX is imported only by the
commands that grade.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import click

from ._cli_plugins import JSON_HELP, _echo_json, _print_table


def _specs(ids: tuple[str, ...] = (), assignment: str | None = None) -> list[Any]:
    """The exercises named by ids or globs, or an assignment's; all, in book order, by default."""
    from ._assignments import select_exercises

    return select_exercises(ids, assignment)


ASSIGNMENT_HELP = "Only the exercises of this assignment (see `gradkit assignments`)."


def _points(spec: Any) -> str:
    return "manual" if spec.kind == "written" else f"{spec.points:g}"


def _worth(spec: Any) -> str:
    if spec.kind == "written":
        return "graded by hand"
    return f"{spec.points:g} point{'' if spec.points == 1 else 's'}"


@click.group("exercises")
def exercises() -> None:
    """List, show and hand out the exercises; verify their reference solutions.

    Exercises are plugins: install ``gradkit-exercises`` (the D2L §2.3–2.5
    set), or point ``gradkit --plugins-dir DIR`` at a folder of your own.
    """


@exercises.command("list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def list_(as_json: bool) -> None:
    """List the registered exercises in book order: id, points, title."""
    specs = _specs()
    if as_json:
        _echo_json(
            [
                {
                    "id": s.id,
                    "title": s.title,
                    "section": s.section,
                    "kind": s.kind,
                    "points": s.max_score,
                    "entries": [e.name for e in s.entries],
                    "provider": s.provider,
                }
                for s in specs
            ]
        )
        return
    if not specs:
        click.echo("No exercises registered. Install some: pip install -e exercises")
        return
    _print_table(
        ("id", "points", "title"), [(s.id, _points(s), s.title) for s in specs], wrap="title"
    )


@exercises.command("show")
@click.argument("exercise_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def show(exercise_id: str, as_json: bool) -> None:
    """Show one exercise: its prompt, what to define, and how it is checked."""
    from ._registry import exercises as registry
    from .grading._results import SCORING_MODEL

    spec = registry.get(exercise_id)
    entries = [
        {"name": e.name, "signature": e.signature, "doc": e.doc, "kind": e.kind}
        for e in spec.entries
    ]
    checks = [
        {
            "name": c.label,
            "weight": c.weight,
            "visibility": c.visibility,
            "requirement": c.requirement,
            "source_rule": c.static,
        }
        for c in spec.checks
    ]
    if as_json:
        _echo_json(
            {
                "id": spec.id,
                "title": spec.title,
                "section": spec.section,
                "kind": spec.kind,
                "points": spec.max_score,
                "prompt": spec.prompt,
                "entries": entries,
                "checks": checks,
                "scoring": SCORING_MODEL,
                "provider": spec.provider,
            }
        )
        return
    click.echo(f"{spec.id}: {spec.title} (§{spec.section}, {_worth(spec)})")
    click.echo("")
    click.echo(spec.prompt.rstrip())
    click.echo("")
    click.echo("Define:")
    for e in spec.entries:
        head = f"{e.name}{e.signature}" if e.kind == "function" else f"{e.name}: {e.signature}"
        click.echo(f"  {head}  {e.doc}")
    if checks:
        click.echo("Checks:")
        for c in checks:
            kind = ", requirement" if c["requirement"] else ""
            kind += ", source rule" if c["source_rule"] else ""
            click.echo(f"  {c['name']}  (weight {c['weight']:g}, {c['visibility']}{kind})")
        click.echo("Scoring:")
        click.echo(
            textwrap.fill(SCORING_MODEL, width=88, initial_indent="  ", subsequent_indent="  ")
        )


@exercises.command("stubs")
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option(
    "--id",
    "ids",
    multiple=True,
    metavar="ID",
    help="Only these exercises: ids or globs (repeatable).",
)
@click.option("--assignment", metavar="ID", help=ASSIGNMENT_HELP)
@click.option("--force", is_flag=True, help="Overwrite existing solutions files.")
def stubs(outdir: str, ids: tuple[str, ...], assignment: str | None, force: bool) -> None:
    """Write the student handout: OUTDIR/solutions.py and OUTDIR/solutions.ipynb.

    Every entry is a stub with its signature and docstring that raises
    NotImplementedError, under its exercise's prompt; written answers are
    empty strings.
    """
    from ._errors import GradingError
    from .grading._stubs import stub_notebook, stub_source

    specs = _specs(ids, assignment)
    out = Path(outdir)
    targets = {out / "solutions.py": stub_source, out / "solutions.ipynb": stub_notebook}
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise GradingError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
            "use --force to overwrite, or choose another OUTDIR"
        )
    out.mkdir(parents=True, exist_ok=True)
    for path, render in targets.items():
        path.write_text(render(specs, assignment), encoding="utf-8")
    click.echo(
        f"Wrote {out / 'solutions.py'} and {out / 'solutions.ipynb'} "
        f"({len(specs)} exercise{'' if len(specs) == 1 else 's'})."
    )


@exercises.command("verify")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--assignment", metavar="ID", help=ASSIGNMENT_HELP)
@click.option("--seed", default=0, show_default=True, help="Seed of the sampled inputs.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def verify(ids: tuple[str, ...], assignment: str | None, seed: int, as_json: bool) -> None:
    """Grade the reference solutions (trusted, in-process); exit 1 unless all pass.

    IDs are exercise ids or globs (default: all). Every exercise is reported,
    a broken one (its reference module missing, say) as "error". Each
    reference runs through the same export path as a submission, so this also
    proves that it is exportable. Written exercises show as "manual".
    """
    from ._exercise_contracts import verify_references
    from .grading._results import shown_score

    results = verify_references(_specs(ids, assignment), seed=seed)
    failed = [r for r in results if r.status not in ("passed", "manual")]
    if as_json:
        _echo_json(
            [
                {
                    "id": r.id,
                    "score": r.score,
                    "max_score": r.max_score,
                    "status": r.status,
                    "failed": [c.name + ": " + c.message for c in r.checks if not c.passed],
                }
                for r in results
            ]
        )
    else:
        _print_table(
            ("id", "score", "status"),
            [(r.id, shown_score(r.score, r.max_score), r.status) for r in results],
            wrap="",
        )
        for r in failed:
            for c in r.checks:
                if not c.passed:
                    click.echo(f"{r.id}: {c.name}: {c.message}", err=True)
    if failed:
        raise SystemExit(1)


@click.command("assignments")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def assignments(as_json: bool) -> None:
    """List the assignments plugins registered: id, exercises, points, title.

    An assignment is an ordered set of exercises handed out and graded
    together: `gradkit grade --assignment ID`, `gradkit exercises stubs
    --assignment ID`, `gradkit autograder gradescope --assignment ID`.
    """
    from ._assignments import describe
    from ._registry import assignments as registry

    rows = [describe(spec) for spec in registry]
    if as_json:
        _echo_json(
            [{k: r[k] for k in ("id", "title", "exercises", "points", "provider")} for r in rows]
        )
        return
    if not rows:
        click.echo(
            "No assignments registered. Install an exercise package: pip install -e exercises"
        )
        return
    _print_table(
        ("id", "exercises", "points", "title"),
        [
            (
                r["id"],
                str(len(r["exercises"])) if "error" not in r else "error",
                f"{r['points']:g}" if r["points"] is not None else "-",
                r["title"] if "error" not in r else f"{r['title']} ({r['error']})",
            )
            for r in rows
        ],
        wrap="title",
    )
