"""Every ``>>>`` example in ``src/gradkit`` runs and prints what its docstring says.

One test per module that has examples, found from the source, so a new example
runs the moment it is written. Modules import without side effects (a test here
holds that too): only ``gradkit.__main__``, which is ``python -m gradkit``, runs
anything when imported.
"""

from __future__ import annotations

import doctest
import importlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "gradkit"
SCRIPTS = {"gradkit.__main__"}  # runs the command when imported, by design


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(_module_name(p) for p in PACKAGE.rglob("*.py"))
WITH_EXAMPLES = [
    _module_name(p) for p in sorted(PACKAGE.rglob("*.py")) if ">>>" in p.read_text(encoding="utf-8")
]


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_examples_in_docstrings_pass(name: str) -> None:
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module, name) if t.examples]
    assert tests, f"{name} has '>>>' in its source but no docstring example doctest finds"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    for test in tests:
        runner.run(test, out=report.write)
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()


def test_every_module_imports_without_side_effects() -> None:
    modules = [m for m in MODULES if m not in SCRIPTS]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('imported', len(sys.argv))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert (out.returncode, out.stdout, out.stderr) == (0, "imported 1\n", "")
