"""Attacks on the grader's protocol and its blame (tests/grading/protocol/).

- forged progress messages kept a slow entry alive past its deadline;
- a slow-to-lower entry was blamed on the honest entries traced with it;
- leftover children of one entry cost other entries their points;
- a submission rebound the worker's own ``jacrev`` and passed the detach checks;
- a submission imported the exercises' reference solutions (``--sandbox limits``);
- the worker was alive while hidden inputs were evaluated (a timing channel).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import h6_exercises  # tests/grading/adversarial, on the path by conftest.py
import pytest

from gradkit.grading import _sandbox, samplers
from gradkit.grading._checks import Values
from gradkit.grading._remote import Evaluator, Limits, RemoteCandidate
from gradkit.grading._runner import GradeOptions, grade_paths, hidden_paths, select_exercises
from gradkit.grading._sandbox import choose_level, leftover_processes, namespaces_available
from gradkit.grading._score import grade_candidate

from .conftest import sumsq_exercises

HERE = Path(__file__).parent / "protocol"

needs_namespaces = pytest.mark.skipif(
    not namespaces_available(), reason="these attacks need the namespaces sandbox (unshare)"
)


def _scores(result) -> dict[str, float]:
    return {e.id: e.score for e in result.exercises}


def _message(result, exercise: str) -> str:
    return next(e for e in result.exercises if e.id == exercise).checks[0].message


@pytest.fixture(scope="module")
def h6(grade):
    names = ("forged_progress.py", "slow_lowering.py", "fork_leftovers.py")
    options = {"jobs": 2, "timeout": 3.0, "memory_mb": 1024, "seed": 5}
    return grade([HERE / n for n in names], h6_exercises.SPECS, "test-proto", **options)


@needs_namespaces
def test_forged_progress_never_extends_a_deadline(h6):
    result = h6[0]["forged_progress"]
    assert _scores(result) == {"h6.sumsq": 0.0, "h6.scale": 1.0, "h6.softsign": 1.0}
    assert _message(result, "h6.sumsq").startswith(
        "`sumsq` failed (timeout): tracing `sumsq` (call) took longer than 3 s"
    )


@needs_namespaces
def test_a_slow_entry_in_a_combined_artifact_is_blamed_alone(h6):
    result = h6[0]["slow_lowering"]
    assert _scores(result) == {"h6.sumsq": 0.0, "h6.scale": 1.0, "h6.softsign": 1.0}
    assert _message(result, "h6.sumsq").startswith(
        "`sumsq` failed (timeout): tracing `sumsq` (call) took longer than 3 s"
    )


@needs_namespaces
def test_children_left_by_one_entry_never_cost_another_its_points(h6):
    results, tag = h6
    assert _scores(results["fork_leftovers"]) == {
        "h6.sumsq": 2.0,
        "h6.scale": 1.0,
        "h6.softsign": 0.0,
    }
    assert leftover_processes(tag) == []


@needs_namespaces
def test_rebinding_the_workers_transforms_forges_no_gradient():
    options = GradeOptions(jobs=1, timeout=20.0, memory_mb=2048, seed=2)
    report = grade_paths(
        [str(HERE / "rebind_tools.py")], select_exercises("autodiff.detach"), options
    )
    (exercise,) = report.submissions[0].exercises
    passed = {c.name: c.passed for c in exercise.checks}
    assert passed == {
        "z values": True,
        "gradient with u detached": False,
        "gradient with u detached (hidden)": False,
    }, [c.message for c in exercise.checks]


@pytest.mark.parametrize("level", ["limits", "namespaces"])
def test_the_reference_solutions_cannot_be_imported(tmp_path, level, seen):
    if level == "namespaces" and not namespaces_available():
        pytest.skip("the namespaces sandbox (unshare) is not available here")
    thief = tmp_path / "thief.py"
    thief.write_text(
        (HERE / "import_reference.py")
        .read_text()
        .replace(
            "from h6_exercises import scale, softsign, sumsq",
            "from gradkit_exercises.reference.autodiff import z",
        )
    )
    options = GradeOptions(jobs=1, timeout=20.0, memory_mb=2048, seed=2, sandbox=level)
    report = grade_paths([str(thief)], (*select_exercises("autodiff.detach"), seen), options)
    result = report.submissions[0]
    answer = next(e for e in result.exercises if e.id == "iso.seen").answer
    assert answer == "refused: ModuleNotFoundError"
    assert result.score == 0.0


def test_no_worker_is_alive_while_hidden_inputs_are_evaluated():
    level = choose_level("auto")
    limits = Limits(level, 10.0, 1024, hidden_paths(h6_exercises.SPECS))
    evaluator = Evaluator(limits)
    phase = {"hidden": False}
    seen: list[tuple[bool, bool]] = []

    class Spy:
        def run_bundle(self, items):
            seen.append((phase["hidden"], candidate._child is not None))
            return evaluator.run_bundle(items)

    source = (Path(__file__).parent / "adversarial" / "submissions" / "good.py").read_text()
    candidate = RemoteCandidate({"good.py": source.encode()}, ["good.py"], source, Spy(), limits)
    run_hidden = candidate.run_hidden

    def spied(requests):
        phase["hidden"] = True
        return run_hidden(requests)

    candidate.run_hidden = spied
    try:
        results = grade_candidate(candidate, h6_exercises.SPECS, seed=4)
    finally:
        candidate.close()
        evaluator.close()
    assert [r.score for r in results] == [2.0, 1.0, 1.0]
    assert (False, True) in seen  # visible inputs: evaluated while the worker serves
    assert (True, False) in seen and (True, True) not in seen


CRASHES = sumsq_exercises(
    "crash", 6, lambda e: (Values(entry=e, args=(samplers.normal((3,)),), samples=1),)
)


def test_restarts_are_budgeted_per_entry_so_many_crashes_spare_the_honest_entry():
    tag = f"test-proto-{uuid.uuid4().hex[:8]}-"
    options = GradeOptions(jobs=1, timeout=10.0, memory_mb=1024, seed=5, tag=tag)
    report = grade_paths([str(HERE / "many_crashes.py")], CRASHES, options)
    scores = {e.id: e.score for e in report.submissions[0].exercises}
    assert scores == {f"crash.e{k}": float(k == 5) for k in range(6)}
    assert "the worker died" in _message(report.submissions[0], "crash.e0")
    assert leftover_processes(tag) == []


def test_as_root_a_limits_child_runs_as_nobody_in_its_own_work_dir(monkeypatch, tmp_path):
    started = []

    class Popen:
        def __init__(self, command, **options):
            started.append((command, options))
            self.pid, self.stdout = 1 << 22, None

        def poll(self):
            return 0

    monkeypatch.setattr(_sandbox, "drop_privileges", lambda: True)
    monkeypatch.setattr(_sandbox, "_child_path", lambda: ())
    monkeypatch.setattr(_sandbox.subprocess, "Popen", Popen)
    monkeypatch.setattr(
        _sandbox.threading, "Thread", lambda **_: type("T", (), {"start": lambda self: None})()
    )
    monkeypatch.setattr(_sandbox.os, "chown", lambda path, uid, gid: started.append((path, uid)))
    child = _sandbox.Child("gradkit._sandboxed._worker", ["1"], level="limits")
    try:
        (owned, uid), (command, options) = started
        assert command[command.index("setpriv") :][:4] == [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
        assert "--no-new-privs" in command and command.index("setpriv") < command.index("-I")
        assert (owned, uid) == (child.workdir, 65534) and options["cwd"] == child.workdir
    finally:
        child.sock.close()
        import shutil

        shutil.rmtree(child.workdir.parent, ignore_errors=True)


def test_as_root_the_exercises_directories_are_closed_to_nobody(monkeypatch, tmp_path):
    package, site = tmp_path / "site" / "exercises_pkg", tmp_path / "site"
    package.mkdir(parents=True)
    site.chmod(0o755)
    package.chmod(0o755)
    monkeypatch.setattr(_sandbox, "drop_privileges", lambda: True)
    monkeypatch.setattr(_sandbox, "_child_path", lambda: (str(site),))
    _sandbox.protect([str(package), str(site)])
    assert package.stat().st_mode & 0o777 == 0o700
    assert site.stat().st_mode & 0o777 == 0o755  # on the import path: left open
