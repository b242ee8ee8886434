"""The promises about types hold: basedpyright checks ``src/`` in standard mode.

The configuration is ``[tool.pyright]`` in pyproject.toml (basedpyright reads it);
an editor running pyright or basedpyright on the project sees the same errors.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_basedpyright_finds_no_errors_in_src() -> None:
    checker = shutil.which("basedpyright", path=str(Path(sys.executable).parent))
    checker = checker or shutil.which("basedpyright")
    if checker is None:
        pytest.skip("basedpyright is not installed (it comes with the 'test' extra)")
    # this interpreter's packages are the ones gradkit's imports resolve to
    result = subprocess.run(
        [checker, "--pythonpath", sys.executable, "src"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout, result.stdout
