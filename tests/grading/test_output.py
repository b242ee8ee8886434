"""Outputs are never lost, and interrupted runs leave nothing behind.

Output paths are checked before grading starts (exit 2, one line); reports
are written atomically; a write that still fails saves the JSON report to a
fallback file (exit 4). SIGINT/SIGTERM remove every temporary directory and
process; a SIGKILLed run's directories go when the next run starts.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradkit import _plugins
from gradkit._cli import cli
from gradkit.grading import _cleanup, _output, _runner
from gradkit.grading._sandbox import SANDBOX_ENV, namespaces_available

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


def test_feedback_files_never_overwrite_each_other(tmp_path):
    from gradkit.grading._cli import _feedback_files
    from gradkit.grading._results import SubmissionResult
    from gradkit.grading._runner import Report

    subs = tuple(SubmissionResult(p, 0, 0, "failed", ()) for p in ("a/b.py", "a_b.py", "a b.py"))
    files = _feedback_files(Report("0", 1, "limits", (), subs), str(tmp_path))
    assert [p.name for p in files] == ["a_b.py.md", "a_b.py-2.md", "a_b.py-3.md"]


# --- interrupts ---------------------------------------------------------------------------


def _descendants(root: int) -> set[int]:
    """Live processes below ``root`` that carry the sandbox marker."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, ValueError, IndexError):
                continue
    found = set()
    for pid in parents:
        at = pid
        while at in parents and at not in (0, 1, root):
            at = parents[at]
        if at == root and pid != root:
            found.add(pid)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _owned_dirs(pid: int) -> list[Path]:
    found = []
    for directory in Path(os.environ.get("TMPDIR", "/tmp")).glob("gradkit-*"):
        try:
            if (directory / "owner").read_text().split()[0] == str(pid):
                found.append(directory)
        except OSError:
            continue
    return found


def _start_grading(tmp_path: Path, level: str = "limits") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(HERE), "JAX_PLATFORMS": "cpu"}
    env.pop(SANDBOX_ENV, None)
    hang = str(SUBMISSIONS / "runtime_hang.py")
    command = [sys.executable, "-m", "gradkit", *GRADE[:-4], "--timeout", "60"]
    command += ["--sandbox", level, "--jobs", "2", hang, str(SUBMISSIONS / "infinite_loop.py")]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until the sandboxed children run
        if len(_owned_dirs(process.pid)) >= 2 and _descendants(process.pid):
            time.sleep(1.0)
            return process
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    process.kill()
    process.communicate()
    raise AssertionError("the sandboxed children never started")


@pytest.mark.parametrize(
    ("signum", "status", "level"),
    [
        (signal.SIGTERM, 143, "limits"),
        (signal.SIGINT, 130, "limits"),
        pytest.param(
            signal.SIGTERM,
            143,
            "namespaces",
            marks=pytest.mark.skipif(not namespaces_available(), reason="needs namespaces"),
        ),
    ],
)
def test_sigint_and_sigterm_remove_every_directory_and_process(tmp_path, signum, status, level):
    process = _start_grading(tmp_path, level)
    children = _descendants(process.pid)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert process.returncode == status, err
    assert err.decode().splitlines()[-1] == (
        f"Error: interrupted by {name}: no report written; its processes and files are removed"
    )
    assert _owned_dirs(process.pid) == []
    assert [p for p in children if _alive(p)] == []


def test_a_sigkilled_runs_directories_go_when_the_next_run_starts(tmp_path, monkeypatch):
    process = _start_grading(tmp_path)
    children = _descendants(process.pid)
    process.kill()
    process.communicate()
    left = _owned_dirs(process.pid)
    assert len(left) >= 2  # SIGKILL cannot be caught
    deadline = time.monotonic() + 30  # its children notice the closed channel and exit
    while [p for p in children if _alive(p)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in children if _alive(p)] == []
    monkeypatch.setattr(_cleanup, "_swept", False)
    mine = _cleanup.make_temp_dir()
    try:
        assert [d for d in left if d.exists()] == []
        assert (mine / "owner").read_text().split()[0] == str(os.getpid())
        assert _cleanup.sweep() == []  # a live owner's directory stays
        assert mine.exists()
    finally:
        _cleanup.release_temp_dir(mine)


def test_directories_without_an_owner_record_are_left_alone(tmp_path):
    foreign = tmp_path / "gradkit-foreign"
    foreign.mkdir()
    dead = tmp_path / "gradkit-dead"
    dead.mkdir()
    (dead / "owner").write_text("999999999 12345\n")
    reused = tmp_path / "gradkit-reused"  # a live pid, but another process's start time
    reused.mkdir()
    (reused / "owner").write_text(f"{os.getpid()} 1\n")
    assert sorted(p.name for p in _cleanup.sweep(tmp_path)) == ["gradkit-dead", "gradkit-reused"]
    assert foreign.exists()
