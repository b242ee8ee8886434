"""CONTRIBUTING.md stays true: the paths it names exist, its examples import, tests mirror."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
# the prose and the command table: fenced blocks hold the layout sketch, with placeholders
PROSE = re.sub(r"^```.*?^```", "", TEXT, flags=re.MULTILINE | re.DOTALL)
WORDS = {w for span in re.findall(r"`([^`\n]+)`", PROSE) for w in span.split()}
# paths from the repository's root (not `_x.py` or `grading/_score.py`, said in passing)
TOP = {"src", "tests", "docs", "exercises", "plugins", "benchmarks", ".ci", ".python-version"}
TOP |= {"dev.py", "README.md", "pyproject.toml"}
PATHS = sorted(w.rstrip(",") for w in WORDS if w.rstrip(",").split("/")[0] in TOP)
# "`src/gradkit/_control.py`, `while_loop`": a module and the name to imitate in it
EXAMPLES = re.findall(r"`src/(gradkit/[\w/]+)\.py`, `([\w.]+)`", TEXT)


def test_the_page_names_paths_and_examples() -> None:
    assert {"dev.py", ".python-version", ".ci/run", "tests/test_style.py"} <= set(PATHS)
    assert len(EXAMPLES) == 4


def test_the_set_up_commands_are_the_readmes() -> None:
    fence = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)
    readme = fence.findall((ROOT / "README.md").read_text(encoding="utf-8"))[0]
    assert "python3 dev.py test" in readme
    assert fence.findall(TEXT)[0] == readme


@pytest.mark.parametrize("path", PATHS)
def test_every_path_it_names_exists(path: str) -> None:
    found = any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()
    assert found, f"CONTRIBUTING.md names {path!r}, which is not in the tree"


@pytest.mark.parametrize(("module", "name"), EXAMPLES)
def test_every_example_it_points_to_exists(module: str, name: str) -> None:
    found = importlib.import_module(module.replace("/", "."))
    for part in name.split("."):
        found = getattr(found, part)
    assert callable(found)


# A test module that tests the package as a whole rather than one of its modules.
PACKAGE_WIDE = {"sandboxed": {"boundary"}, "grading": set()}


@pytest.mark.parametrize("package", ["grading", "sandboxed"])
def test_test_modules_are_named_after_the_modules_they_test(package: str) -> None:
    source = ROOT / "src" / "gradkit" / ("grading" if package == "grading" else "_sandboxed")
    modules = {p.stem.removeprefix("_") for p in source.glob("_*.py") if p.stem != "__init__"}
    tests = sorted(
        p.stem.removeprefix("test_") for p in (ROOT / "tests" / package).glob("test_*.py")
    )
    stray = [
        t
        for t in tests
        if t not in PACKAGE_WIDE[package]
        and not any(t == m or t.startswith(f"{m}_") for m in modules)
    ]
    assert tests and stray == [], (
        f"tests/{package}/ has test modules named after no module: {stray}"
    )
