"""The namespaces sandbox's file system view: what is bound, what is not."""

from __future__ import annotations

import sys
from pathlib import Path

import gradkit
from gradkit.grading import _sandbox

TESTS = Path(__file__).resolve().parent


def _covered(path: Path, binds: list[str]) -> bool:
    return any(path.resolve().is_relative_to(b) for b in binds)


def test_the_view_holds_the_interpreter_and_its_packages_not_the_tests_or_homes() -> None:
    binds, links = _sandbox.view([str(TESTS / "adversarial")])
    assert _covered(Path(sys.executable), binds)
    assert _covered(Path(sys.prefix), binds)
    assert _covered(Path(gradkit.__file__).parent, binds)
    assert _covered(Path("/usr/bin/setpriv"), binds)
    assert not _covered(TESTS, binds)
    assert not any(b in ("/", "/home", "/tmp", "/root", "/work", "/etc") for b in binds)
    # nested paths collapse into their topmost directory
    assert not any(Path(a) != Path(b) and Path(a).is_relative_to(b) for a in binds for b in binds)
    assert all(Path(name).is_symlink() for name, _ in links)


def test_a_directory_inside_a_hidden_one_is_not_bound(monkeypatch) -> None:
    monkeypatch.setattr(_sandbox, "_child_path", lambda: (str(TESTS / "adversarial"),))
    binds, _ = _sandbox.view([str(TESTS)])
    assert not _covered(TESTS / "adversarial", binds)
