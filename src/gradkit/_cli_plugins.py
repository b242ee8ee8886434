"""The plugin commands: ``plugins``, ``functions``, ``norms``, ``check-plugin``, ``new-plugin``.

Listings print a table for people and, with ``--json``, plain JSON for
machines. JAX is imported only where a command needs it (loading plugins
traces their items), so ``gradkit --help`` stays fast.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Sequence
from typing import Any

import click

JSON_HELP = "Print JSON instead of a table."


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], wrap: str) -> None:
    """Print a borderless table; only the column `wrap` wraps, the others keep one line.

    Piped or redirected (to ``grep``, a CI log, a file), nothing wraps: one row is one line.
    """
    from rich.console import Console
    from rich.table import Table, box

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold", no_wrap=header != wrap)
    for row in rows:
        table.add_row(*row)
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = _UNWRAPPED
    console.print(table)


_UNWRAPPED = 10_000  # wide enough for any row: a table takes only the width it needs


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def plugins(as_json: bool) -> None:
    """List the plugins: name, version, source, status and what each registered.

    One line per plugin (name, version, source, status), then what it
    registered, or why it is blocked (-p no:NAME, GRADKIT_LOAD_PLUGINS,
    GRADKIT_DISABLE_PLUGINS) or failed. A failed plugin was skipped and the
    rest work; GRADKIT_STRICT_PLUGINS=1 makes a failure an error instead.
    """
    from . import _plugins

    infos = _plugins.plugins()
    if as_json:
        _echo_json([info.to_json() for info in infos])
        return
    for info in infos:
        source = info.source + (f" {info.package}" if info.source == "entry point" else "")
        if info.source == "file":
            source = f"file {info.location}"
        click.echo(f"{info.name}  {info.version or '-'}  {source}  {info.status}")
        lines = [f"{kind}: {', '.join(names)}" for kind, names in info.registered.items()]
        for line in lines or ([info.reason] if info.reason else ["(registered nothing)"]):
            click.echo(_indented(line))


@click.command("functions")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def functions(as_json: bool) -> None:
    """List the registered functions (gk.functions) and who provides each."""
    from ._registry import functions as registry

    specs = list(registry)
    if as_json:
        _echo_json(
            [
                {
                    "name": s.name,
                    "description": s.description,
                    "derivative": s.derivative is not None,
                    "provider": s.provider,
                }
                for s in specs
            ]
        )
        return
    rows = [(s.name, s.description, _short_provider(s.provider)) for s in specs]
    _print_table(("name", "description", "provider"), rows, wrap="description")


@click.command("norms")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def norms(as_json: bool) -> None:
    """List the registered norm variants (gk.norms), usable as gk.norm(x, ord=NAME)."""
    from ._registry import norms as registry

    specs = list(registry)
    if as_json:
        _echo_json(
            [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "is_norm": s.is_norm,
                    "description": s.description,
                    "provider": s.provider,
                }
                for s in specs
            ]
        )
        return
    rows = [
        (s.name, s.kind, "yes" if s.is_norm else "no", s.description, _short_provider(s.provider))
        for s in specs
    ]
    _print_table(("name", "kind", "norm", "description", "provider"), rows, wrap="description")


def _indented(text: str) -> str:
    return textwrap.fill(
        text,
        80,
        initial_indent="    ",
        subsequent_indent="      ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _short_provider(provider: str | None) -> str:
    """Keep the package (or file) name: the table is narrow, `gradkit plugins` has the rest."""
    text = provider or "-"
    if text.startswith("file "):
        return os.path.basename(text[5:])
    return text.split(" ")[0]


@click.command("check-plugin")
@click.argument("name")
@click.option(
    "--examples",
    type=click.IntRange(1),
    default=None,
    help="Inputs per check (default: each check's own; fewer is faster).",
)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def check_plugin(ctx: click.Context, name: str, examples: int | None, as_json: bool) -> None:
    """Run the contract checks on everything plugin NAME registered.

    Functions must trace under jit, vmap and grad with the same values, and a
    declared derivative must match autodiff; norms must pass
    gradkit.testing.check_norm (axioms, finite gradient at 0, gradient against
    finite differences, jit and vmap); exercises gradkit.testing.check_exercise
    (the reference scores full marks, the stub 0); assignments must name
    registered exercises. Exits 1 when a check fails.
    """
    from ._contracts import HEADERS
    from ._function_contracts import check_plugin as run_checks

    report = run_checks(name, examples=examples)
    if as_json:
        _echo_json({"plugin": name, "ok": report.ok, "results": [vars(r) for r in report.results]})
    else:
        _print_table(HEADERS, report.rows(), wrap="detail")
        click.echo(report.summary())
    if not report.ok:
        ctx.exit(1)


@click.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Create the package folder gradkit-NAME inside this directory.",
)
def new_plugin(name: str, directory: str) -> None:
    """Create a plugin package gradkit-NAME: pyproject with entry point, hooks, a test.

    NAME is lower-case letters, digits and '-', e.g. 'my-norms'. The package
    passes its own tests as created; `pip install -e gradkit-NAME` makes
    gradkit load it.
    """
    from ._scaffold import scaffold

    root, files = scaffold(name, directory)
    click.echo(f"created {root}")
    for path in files:
        click.echo(f"  {path}")
    click.echo("next: pip install -e " + root + " && python -m pytest " + root)
