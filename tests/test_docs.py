"""The docs are part of the product: their code blocks run here.

In ``README.md`` and ``docs/*.md``:

* every ```` ```python ```` block runs; the blocks of one file run in order in
  one namespace. A block with ``>>>`` prompts runs as a doctest.
* every ```` ```console ```` block is a sequence of ``$ gradkit ...`` lines,
  each followed by its exact expected output (trailing spaces ignored; a line
  holding only ``...`` matches any number of lines). They run in-process with
  click's CliRunner, in a temporary working directory. The sessions shown are
  CPU runs: when the suite runs on an accelerator they compute on its CPU
  backend (the last digits of a float64 difference are the platform's), and
  ``gradkit devices``, which lists the machine itself, is skipped there.

Blocks fenced as ``text``, ``bash`` or anything else are prose, not run.
"""

from __future__ import annotations

import contextlib
import doctest
import os
import re
import shlex
from pathlib import Path

import jax
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def blocks(path: Path, lang: str) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m.group(2))
        for m in FENCE.finditer(text)
        if m.group(1) == lang
    ]


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


PY_DOCS = [p for p in DOCS if blocks(p, "python")]


@pytest.mark.parametrize("path", PY_DOCS, ids=_rel)
def test_python_blocks_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for line, code in blocks(path, "python"):
        name = f"{_rel(path)}:{line}"
        if ">>>" in code:
            test = doctest.DocTestParser().get_doctest(code, namespace, name, str(path), line)
            runner = doctest.DocTestRunner(
                optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
            )
            runner.run(test, clear_globs=False)
            assert runner.failures == 0, f"doctest failed in {name}"
        else:
            exec(compile(code, name, "exec"), namespace)


def console_commands() -> list[tuple[Path, int, str, list[str]]]:
    found = []
    for path in DOCS:
        for line, code in blocks(path, "console"):
            current: tuple[int, str, list[str]] | None = None
            for offset, text in enumerate(code.splitlines()):
                if text.startswith("$ "):
                    if current is not None:
                        found.append((path, *current))
                    current = (line + offset + 1, text[2:], [])
                elif current is not None:
                    current[2].append(text)
            if current is not None:
                found.append((path, *current))
    return found


def _matches(expected: list[str], actual: list[str]) -> bool:
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(_matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == head and _matches(rest, actual[1:])


def _trim(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


COMMANDS = console_commands()


@pytest.mark.parametrize(
    ("path", "line", "command", "expected"),
    COMMANDS,
    ids=[f"{_rel(p)}:{n}" for p, n, _, _ in COMMANDS],
)
@pytest.mark.usefixtures("host")
def test_console_blocks_match(
    path: Path,
    line: int,
    command: str,
    expected: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gradkit._cli import cli

    argv = shlex.split(command)
    assert argv[0] == "gradkit", f"{_rel(path)}:{line}: console lines must start with '$ gradkit'"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    on_cpu = jax.default_backend() == "cpu"
    if not on_cpu and argv[1:2] == ["devices"]:
        pytest.skip(
            f"the docs show `gradkit devices` on a CPU-only machine; this one has "
            f"{jax.default_backend()!r} (tests/test_cli_calculus.py checks its listing)"
        )
    cpu = contextlib.nullcontext() if on_cpu else jax.default_device(jax.devices("cpu")[0])
    with cpu:
        result = CliRunner().invoke(cli, argv[1:], prog_name="gradkit")
    actual = _trim(result.output.splitlines())
    want = _trim(expected)
    assert _matches(want, actual), (
        f"{_rel(path)}:{line}: `{command}` printed:\n"
        + "\n".join(actual)
        + "\n\nthe docs say:\n"
        + "\n".join(want)
    )


def test_docs_exist() -> None:
    names = {p.name for p in DOCS}
    for required in (
        "README.md",
        "guide.md",
        "norms.md",
        "plugins.md",
        "exercises.md",
        "grading.md",
        "cli.md",
        "benchmarks.md",
    ):
        assert required in names, f"docs/{required} is missing"
    assert os.path.getsize(ROOT / "README.md") > 500
