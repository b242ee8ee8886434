"""Interrupted runs leave nothing behind.

SIGINT/SIGTERM remove every temporary directory and process; a SIGKILLed run's
children exit on their own, even an evaluator inside a loop that never ends,
and its directories and pids cgroups go when the next run starts; a directory
or cgroup is swept only when its owner record names a dead process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from gradkit._sandboxed import EVALUATOR
from gradkit.grading import _cleanup, _runner
from gradkit.grading._sandbox import SANDBOX_ENV, Child, leftover_processes, namespaces_available

from .conftest import alive

HERE = Path(__file__).parent / "adversarial"
SUBMISSIONS = HERE / "submissions"
GRADE = ["-p", "h6_exercises", "grade", "--exercises", "h6.*", "--seed", "3"]


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


def _owned_dirs(pid: int) -> list[Path]:
    found = []
    for directory in Path(os.environ.get("TMPDIR", "/tmp")).glob("gradkit-*"):
        try:
            if (directory / "owner").read_text().split()[:1] == [str(pid)]:
                found.append(directory)
        except OSError:  # another run's directory, going or still being made
            continue
    return found


def _start_grading(tmp_path: Path, level: str = "limits") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(HERE), "JAX_PLATFORMS": "cpu"}
    env.pop(SANDBOX_ENV, None)
    hang = str(SUBMISSIONS / "runtime_hang.py")
    command = [sys.executable, "-m", "gradkit", *GRADE, "--timeout", "60"]
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
    assert [p for p in children if alive(p)] == []


def test_a_sigkilled_runs_directories_go_when_the_next_run_starts(tmp_path, monkeypatch):
    process = _start_grading(tmp_path)
    children = _descendants(process.pid)
    process.kill()
    process.communicate()
    left = _owned_dirs(process.pid)
    assert len(left) >= 2  # SIGKILL cannot be caught
    deadline = time.monotonic() + 30  # its children notice the closed channel and exit
    while [p for p in children if alive(p)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in children if alive(p)] == []
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


SPINNING_GRADER = """\
import sys

import jax
import numpy as np
from jax import export

from gradkit._config import float64
from gradkit.grading._sandbox import choose_level
from gradkit.grading._slots import Evaluator, Limits


def spin(x):
    return jax.lax.while_loop(lambda t: t > -1.0, lambda t: t + 1.0, x)


with float64():
    artifact = export.export(jax.jit(spin))(np.float64(0.0)).serialize()
evaluator = Evaluator(Limits(choose_level(sys.argv[1]), 600.0, 1024, (), sys.argv[2]))
evaluator.start()
print("evaluating", flush=True)
evaluator.run_bundle([(artifact, (np.float64(0.0),), False, None)])
"""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize(
    "level",
    [
        "limits",
        pytest.param(
            "namespaces",
            marks=pytest.mark.skipif(not namespaces_available(), reason="needs namespaces"),
        ),
    ],
)
def test_a_sigkilled_graders_evaluator_stops_inside_a_loop_that_never_ends(tmp_path, level):
    script = tmp_path / "grader.py"
    script.write_text(SPINNING_GRADER)
    tag = f"test-spin-{os.getpid()}-{level}-"
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    env.pop(SANDBOX_ENV, None)
    grader = subprocess.Popen(
        [sys.executable, str(script), level, tag], env=env, cwd=tmp_path, stdout=subprocess.PIPE
    )
    try:
        assert grader.stdout is not None
        assert grader.stdout.readline() == b"evaluating\n"
        deadline = time.monotonic() + 120
        spinning: list[int] = []
        while not spinning and time.monotonic() < deadline:  # its evaluator runs the loop
            for pid in leftover_processes(tag):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    if b"_evaluator" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        if _cpu_seconds(pid) > 2.0 and alive(pid):
                            spinning.append(pid)
            time.sleep(0.2)
        assert spinning, "the evaluator never ran the loop"
    finally:
        grader.kill()
        grader.communicate()
    deadline = time.monotonic() + 10
    while leftover_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftover_processes(tag) == []


@pytest.fixture
def cgroup_root() -> Path:
    """A cgroup hierarchy this process may make pids cgroups in (else skip)."""
    group = _cleanup.make_cgroup(8)
    if group is None:
        pytest.skip("no pids cgroup can be made here")
    assert _cleanup.kill_cgroup(group) and not group.exists()
    return group.parent


def test_a_closed_childs_cgroup_is_removed(cgroup_root):
    child = Child(EVALUATOR, ["1024", "600"], level="limits")
    group = child._cgroup
    assert group is not None and group.parent == cgroup_root
    assert group.name.startswith(f"gradkit-{os.getpid()}-")
    deadline = time.monotonic() + 60
    while not (group / "cgroup.procs").read_text().split() and time.monotonic() < deadline:
        time.sleep(0.05)
    child.close()
    assert not group.exists()


def test_a_dead_runs_cgroups_are_killed_and_removed_the_live_and_foreign_left(cgroup_root):
    dead = cgroup_root / f"gradkit-999999999-1-{os.urandom(6).hex()}"
    dead.mkdir()
    foreign = cgroup_root / f"gradkit-{os.urandom(6).hex()}"  # no owner in its name
    foreign.mkdir()
    live = _cleanup.make_cgroup(8)
    assert live is not None
    orphan = subprocess.Popen(["sleep", "600"])
    try:
        (dead / "cgroup.procs").write_text(str(orphan.pid))
        removed = _cleanup.sweep_cgroups((cgroup_root,))  # other dead runs' groups go too
        assert dead in removed and live not in removed and foreign not in removed
        assert orphan.wait(timeout=10) == -signal.SIGKILL
        assert not dead.exists()
        assert live.exists() and foreign.exists()
    finally:
        orphan.kill()
        orphan.wait()
        for group in (dead, foreign, live):
            _cleanup.kill_cgroup(group)


def test_a_signal_another_thread_receives_still_stops_the_wait_for_the_slots():
    """The kernel may hand SIGTERM to any thread (XLA's, a slot's); the main thread still acts."""

    class Stop(Exception):
        pass

    def stop(signum, frame):
        raise Stop

    never: Future = Future()
    other = threading.Thread(target=time.sleep, args=(3,), daemon=True)
    other.start()
    previous = signal.signal(signal.SIGUSR1, stop)
    # the signal goes to the other thread; the fallback ends a wait that ignored it
    timers = [
        threading.Timer(0.2, signal.pthread_kill, args=(other.ident, signal.SIGUSR1)),
        threading.Timer(10.0, never.set_result, args=(None,)),
    ]
    for timer in timers:
        timer.daemon = True
        timer.start()
    began = time.monotonic()
    try:
        with pytest.raises(Stop):
            _runner._result(never)
    finally:
        timers[1].cancel()
        signal.signal(signal.SIGUSR1, previous)
    assert time.monotonic() - began < 0.2 + 3 * _runner.WAIT_STEP
