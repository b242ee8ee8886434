"""Outputs are never lost.

Output paths are checked before grading starts (exit 2, one line); reports
are written atomically; a write that still fails saves the JSON report to a
fallback file (exit 4).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradkit import _plugins
from gradkit._cli import cli
from gradkit.grading import _output, _runner

HERE = Path(__file__).parent / "adversarial"
SUBMISSIONS = HERE / "submissions"
GRADE = ["-p", "h6_exercises", "grade", "--exercises", "h6.*", "--seed", "3"]
GRADE += ["--timeout", "5", "--sandbox", "limits"]


@pytest.fixture(autouse=True)
def _in_submissions(monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.chdir(SUBMISSIONS)
    yield
    _plugins.configure()


def _run(args: list[str]):
    return CliRunner().invoke(cli, args, terminal_width=80, color=False)


@pytest.fixture
def never_grades(monkeypatch):
    """Fail the test if grading starts."""

    def grade_paths(*args, **kwargs):
        raise AssertionError("grading started before the output paths were checked")

    monkeypatch.setattr(_runner, "grade_paths", grade_paths)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["-o", "/nonexistent-dir/r.json"],
            "Error: -o '/nonexistent-dir/r.json': the directory "
            "'/nonexistent-dir' does not exist; create it first",
        ),
        (
            ["-o", "/dev/full"],
            "Error: -o '/dev/full' is not a regular file; give a file path "
            "(leave -o out to write to standard output)",
        ),
        (
            ["--feedback", "good.py/feedback"],
            "Error: --feedback 'good.py/feedback': cannot create the directory "
            "(Not a directory); give a writable directory",
        ),
        (
            ["--feedback", "/proc/gradkit-feedback"],
            "Error: --feedback '/proc/gradkit-feedback': "
            "cannot create the directory (No such file or directory); give a writable directory",
        ),
    ],
)
def test_bad_output_paths_exit_2_with_one_line_before_grading(never_grades, args, line):
    result = _run([*GRADE, *args, "good.py"])
    assert (result.exit_code, result.stderr, result.stdout) == (2, line + "\n", "")


def test_an_unwritable_directory_is_found_before_grading(never_grades, tmp_path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(_output.tempfile, "mkstemp", no_space)
    result = _run([*GRADE, "-o", str(tmp_path / "r.json"), "good.py"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: -o {str(tmp_path / 'r.json')!r}: cannot create files in {str(tmp_path)!r} "
        "(Read-only file system); give a writable directory\n"
    )


def test_a_failed_write_keeps_the_old_report_and_saves_a_fallback(tmp_path, monkeypatch):
    out = tmp_path / "report.json"
    out.write_text('{"previous": "report"}')
    real_fsync = os.fsync
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(HERE), *sys.path])

    def full_disk(fd):
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(tmp_path / ".report.json.")):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(_output.os, "fsync", full_disk)
    good = str(SUBMISSIONS / "good.py")
    result = _run([*GRADE, "--format", "csv", "-o", str(out), good])
    assert result.exit_code == 4, result.output
    saved = sorted(tmp_path.glob("gradkit-report-*.json"))
    assert len(saved) == 1
    assert result.stderr == (
        f"Error: cannot write the report to {str(out)!r} (No space left on device); "
        f"the JSON report was saved to {str(saved[0])!r}\n"
    )
    assert out.read_text() == '{"previous": "report"}'  # never truncated
    assert json.loads(saved[0].read_text())["submissions"][0]["score"] == 4.0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([saved[0].name, "report.json"])


def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path):
    target = tmp_path / "r.txt"
    target.write_text("old")
    _output.write_atomic(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
