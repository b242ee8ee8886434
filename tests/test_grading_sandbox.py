"""The namespaces sandbox keeps the Python it runs from visible under a private /tmp."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gradkit.grading import _sandbox


def test_paths_under_tmp_keeps_the_topmost_interpreter_and_source_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not tmp_path.resolve().is_relative_to(Path("/tmp").resolve()):
        pytest.skip("pytest's tmp_path is not under /tmp here")
    venv, src, nested = tmp_path / "venv", tmp_path / "c" / "src", tmp_path / "venv" / "lib"
    for path in (venv, src, nested):
        path.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(sys, "path", ["", str(nested), str(src), "/usr/lib/python3", "/tmp"])
    kept = _sandbox._paths_under_tmp()
    assert str(venv.resolve()) in kept
    assert str(src.resolve()) in kept
    assert str(nested.resolve()) not in kept  # inside the venv, which is kept whole
    assert "/tmp" not in kept and "/usr/lib/python3" not in kept
