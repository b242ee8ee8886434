"""The ``gradkit`` command: a thin layer that parses, calls the library, renders.

Subcommands live in their own modules and are imported only when run, so
``gradkit --help`` starts without importing JAX. Library errors become one
clear line on stderr and exit status 1; bad usage exits 2.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Callable
from typing import Any

import click

from . import __version__
from ._errors import GradkitError, PluginWarning

# name -> ("module:attribute", one-line help shown by `gradkit --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "tour": ("gradkit._tour:tour", "Walk through the D2L notebook (§2.3–2.5) with gradkit."),
    "limit": ("gradkit._cli_calculus:limit", "Tabulate (f(x+h) - f(x))/h as h shrinks (D2L §2.4)."),
    "diff": ("gradkit._cli_diff:diff", "Derivative or gradient, checked numerically."),
    "plot": ("gradkit._cli_pictures:plot", "Plot a function with its derivative or tangent line."),
    "graph": ("gradkit._cli_pictures:graph", "Dependency graph of a computation, from its jaxpr."),
    "norm": ("gradkit._cli_calculus:norm", "Norm of a vector or matrix (D2L §2.3)."),
    "devices": ("gradkit._cli_calculus:devices", "List the JAX backends and devices present."),
    "plugins": ("gradkit._cli_plugins:plugins", "List plugins: source, status, what each added."),
    "functions": ("gradkit._cli_plugins:functions", "List the registered functions."),
    "norms": ("gradkit._cli_plugins:norms", "List the registered norm variants (ord names)."),
    "grade": ("gradkit.grading._cli:grade", "Grade submissions in a sandbox; report the scores."),
    "report": ("gradkit.grading._cli:report", "Merge the JSON reports of grading shards."),
    "check-plugin": ("gradkit._cli_plugins:check_plugin", "Contract checks on a plugin's items."),
    "new-plugin": ("gradkit._cli_plugins:new_plugin", "Create a plugin package, tests included."),
    "exercises": ("gradkit._cli_exercises:exercises", "List, show, hand out and verify exercises."),
    "autograder": (
        "gradkit._cli_autograder:autograder",
        "Write a Gradescope or GitHub Classroom autograder.",
    ),
    "check": ("gradkit._cli_student:check", "Self-check a solution: visible checks only."),
    "assignments": (
        "gradkit._cli_exercises:assignments",
        "List the assignments (sets of exercises).",
    ),
}

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target[0].split(":")
        return getattr(importlib.import_module(module_name), attr)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name in COMMANDS or name.startswith("-"):
            return super().resolve_command(ctx, args)
        import difflib

        close = difflib.get_close_matches(name, list(COMMANDS), n=2, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        ctx.fail(f"No such command {name!r}.{hint} See 'gradkit --help' for the commands.")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GradkitError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="gradkit")
@click.option(
    "--plugins-dir",
    "plugins_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True),
    envvar="GRADKIT_PLUGINS_DIR",
    help="Load every *.py file in DIR as a plugin (repeatable; also GRADKIT_PLUGINS_DIR).",
)
@click.option(
    "-p",
    "plugin_args",
    multiple=True,
    metavar="MODULE",
    help="Load MODULE as a plugin; '-p no:NAME' blocks the plugin NAME (repeatable).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Show a failing plugin's traceback (its file and line) with its warning.",
)
def cli(plugins_dirs: tuple[str, ...], plugin_args: tuple[str, ...], verbose: bool) -> None:
    """gradkit: derivatives, gradients and norms with JAX, and an auto-grader."""
    from . import _plugins

    _plugins.configure(plugins_dirs=plugins_dirs, plugin_args=plugin_args, verbose=verbose)


def main(argv: list[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line (the ``gradkit`` console script).

    While it runs, a `PluginWarning` prints as one ``Warning: ...`` line on
    stderr, without the file and line of Python's warning format. The library
    leaves the warnings machinery alone: this is the program's choice.
    """
    previous = warnings.formatwarning
    warnings.formatwarning = _format_warning(previous)
    try:
        cli.main(args=argv if argv is not None else sys.argv[1:], prog_name=prog_name or "gradkit")
    finally:
        warnings.formatwarning = previous


def _format_warning(fallback: Callable[..., str]) -> Callable[..., str]:
    def format_warning(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> str:
        if issubclass(category, PluginWarning):
            return f"Warning: {message}\n"
        return fallback(message, category, *args, **kwargs)

    return format_warning
