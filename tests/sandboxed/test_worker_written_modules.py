"""The worker refuses to import a file the submission wrote, or changed, while it ran.

`_WrittenModules` is asked in this process, on files in a temporary directory; the
grading runs in tests/grading/test_runner_redteam.py show it inside the sandbox.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import zipfile

import pytest

from gradkit._sandboxed._worker import _WrittenModules, refuse_written_modules

CODE = "VALUE = 1\n"


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A working directory holding one placed file, `placed.py`, and a clean import state."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "placed.py").write_text(CODE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("placed", "fresh", "zipped", "linked"):
        sys.modules.pop(name, None)


def test_a_placed_file_imports(here):
    finder = _WrittenModules(["placed.py"])
    spec = finder.find_spec("placed")
    assert spec is not None and spec.origin == str(here / "placed.py")


def test_a_file_written_later_in_the_working_directory_is_refused(here):
    finder = _WrittenModules(["placed.py"])
    (here / "fresh.py").write_text(CODE)
    with pytest.raises(ModuleNotFoundError) as caught:
        finder.find_spec("fresh")
    assert str(caught.value) == (
        "No module named 'fresh': fresh.py was written while the submission ran, and the "
        "grader imports only the files it was given (hand in helpers as files beside your "
        "submission)"
    )
    assert caught.value.name == "fresh"


def test_a_placed_file_changed_later_is_refused(here):
    finder = _WrittenModules(["placed.py"])
    (here / "placed.py").write_text("VALUE = 2\n")
    with pytest.raises(ModuleNotFoundError, match=r"^No module named 'placed': placed.py was "):
        finder.find_spec("placed")


def test_a_zip_archive_written_elsewhere_is_refused(here, tmp_path_factory):
    finder = _WrittenModules(["placed.py"])
    archive = tmp_path_factory.mktemp("elsewhere") / "data.bin"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped.py", CODE)
    sys.path.append(str(archive))
    try:
        with pytest.raises(ModuleNotFoundError, match=r"data.bin/zipped.py was written while"):
            finder.find_spec("zipped")
    finally:
        sys.path.remove(str(archive))
        sys.path_importer_cache.pop(str(archive), None)


def test_a_symlink_written_later_to_an_old_file_is_refused(here, tmp_path_factory):
    old = tmp_path_factory.mktemp("old") / "old.py"
    old.write_text(CODE)
    stamp = old.stat().st_mtime_ns
    os.utime(old, ns=(stamp - 10**10, stamp - 10**10))  # mtime can be faked; ctime cannot
    finder = _WrittenModules(["placed.py"])
    (here / "linked.py").symlink_to(old)
    with pytest.raises(ModuleNotFoundError, match=r"linked.py was written while"):
        finder.find_spec("linked")


def test_an_installed_module_imports(here):
    finder = _WrittenModules(["placed.py"])
    spec = finder.find_spec("colorsys")
    assert spec is not None and spec.origin.endswith("colorsys.py")
    assert finder.find_spec("no_such_module_anywhere") is None


def test_os_stat_rebound_by_the_submission_changes_nothing(here, monkeypatch, tmp_path_factory):
    finder = _WrittenModules(["placed.py"])
    (here / "fresh.py").write_text(CODE)
    old = os.stat(sys.executable)  # an old file's times, which a rebound stat could claim
    real_stat, real_lstat = os.stat, os.lstat

    def lying(real):
        return lambda path, *a, **k: old if str(path).endswith("fresh.py") else real(path, *a, **k)

    monkeypatch.setattr(os, "stat", lying(real_stat))
    monkeypatch.setattr(os, "lstat", lying(real_lstat))
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # outside the working directory
    os.rename(here / "fresh.py", elsewhere / "fresh.py")
    sys.path.insert(0, str(elsewhere))
    try:
        with pytest.raises(ModuleNotFoundError, match="fresh.py was written while"):
            finder.find_spec("fresh")
    finally:
        sys.path.remove(str(elsewhere))


def test_it_goes_just_before_the_path_finder(monkeypatch, here):
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    at = sys.meta_path.index(importlib.machinery.PathFinder)
    refuse_written_modules(["placed.py"])
    assert isinstance(sys.meta_path[at], _WrittenModules)
    assert sys.meta_path[at + 1] is importlib.machinery.PathFinder
