"""The adversarial suite: hostile submissions graded in one ``--jobs 2`` run.

Each submission attacks the grader one way (see its docstring). Every run must
complete; the attacked exercise scores 0, the honest ones keep their points;
no process is left behind; nothing is written outside the sandbox.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import h6_exercises  # tests/grading/adversarial, on the path by conftest.py
import numpy as np
import pytest

import gradkit
from gradkit.grading._runner import GradeOptions, grade_paths
from gradkit.grading._sandbox import leftover_processes, namespaces_available

HERE = Path(__file__).parent / "adversarial"

SUBMISSIONS = HERE / "submissions"
HONEST = {"h6.sumsq": 2.0, "h6.scale": 1.0, "h6.softsign": 1.0}
# submission -> the exercises it attacks (they score 0; the others keep full points)
ATTACKS: dict[str, tuple[str, ...]] = {
    "good": (),
    "infinite_loop": ("h6.sumsq",),
    "memory_bomb": ("h6.sumsq",),
    "fork_bomb": ("h6.sumsq",),
    "orphan": ("h6.sumsq",),
    "segfault": ("h6.sumsq",),
    "sys_exit": ("h6.sumsq",),
    "os_exit": ("h6.sumsq",),
    "atexit_trick": ("h6.sumsq",),
    "fake_report": ("h6.sumsq",),
    "monkeypatch_numpy": ("h6.sumsq",),
    "monkeypatch_jax": ("h6.sumsq",),
    "monkeypatch_gradkit": ("h6.sumsq",),
    "always_true_eq": ("h6.sumsq", "h6.softsign"),
    "array_ufunc": ("h6.softsign",),
    "nan": ("h6.sumsq",),
    "inf": ("h6.sumsq",),
    "wrong_shape": ("h6.scale",),
    "wrong_dtype": ("h6.scale",),
    "output_flood": (),
    "read_sources": ("h6.sumsq",),
    "write_outside": (),
    "open_socket": ("h6.sumsq",),
    "sigterm": ("h6.sumsq",),
    "host_callback": ("h6.sumsq",),
    "import_crash": ("h6.sumsq", "h6.scale", "h6.softsign"),
    "forge_channel": ("h6.sumsq",),
    "runtime_hang": ("h6.sumsq",),
    "forged_artifact": ("h6.sumsq",),
}
MARK = "gradkit-adversarial-was-here"

pytestmark = pytest.mark.skipif(
    not namespaces_available(), reason="the adversarial suite needs the namespaces sandbox"
)


@pytest.fixture(scope="module")
def graded():
    tag = f"test-{uuid.uuid4().hex[:8]}-"
    paths = sorted(str(p) for p in SUBMISSIONS.glob("*.py"))
    options = GradeOptions(jobs=2, timeout=3.0, memory_mb=1024, seed=7, tag=tag)
    report = grade_paths(paths, h6_exercises.SPECS, options)
    by_name = {Path(s.path).stem: s for s in report.submissions}
    return report, by_name, tag


def test_the_suite_covers_every_submission(graded):
    _, by_name, _ = graded
    assert sorted(by_name) == sorted(ATTACKS)
    assert len(ATTACKS) >= 20


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attacked_exercises_score_zero_and_honest_ones_keep_their_points(graded, name):
    _, by_name, _ = graded
    result = by_name[name]
    got = {e.id: e.score for e in result.exercises}
    expected = {i: 0.0 if i in ATTACKS[name] else points for i, points in HONEST.items()}
    assert got == expected, [(c.name, c.message) for e in result.exercises for c in e.checks]
    assert result.max_score == 4.0
    assert result.score == sum(expected.values())


def test_the_run_reports_the_sandbox_and_seed(graded):
    report, _, _ = graded
    assert (report.sandbox, report.seed) == ("namespaces", 7)


def test_no_process_is_left_behind(graded):
    _, _, tag = graded
    assert leftover_processes(tag) == []


def test_nothing_is_written_outside_the_sandbox(graded):
    targets = [
        Path(gradkit.__file__).resolve().parent / MARK,
        Path("/tmp") / MARK,
        Path("/var/tmp") / MARK,
        *Path("/tmp").glob(f"gradkit-*/{MARK}"),
    ]
    assert [t for t in targets if t.exists()] == []
    assert not (SUBMISSIONS / "results.json").exists()


def test_crashes_and_hangs_say_what_happened(graded):
    _, by_name, _ = graded

    def first_message(name: str) -> str:
        sumsq = next(e for e in by_name[name].exercises if e.id == "h6.sumsq")
        return sumsq.checks[0].message

    assert "timeout" in first_message("infinite_loop")
    assert "took longer than 3 s" in first_message("sigterm")
    assert "the worker died" in first_message("segfault")
    assert "the worker died" in first_message("os_exit")
    assert "sys.exit(0)" in first_message("sys_exit")
    assert "MemoryError" in first_message("memory_bomb")
    assert "custom call ('read_hidden_inputs'), which is not allowed" in first_message(
        "forged_artifact"
    )
    assert "printed 52,428,800 bytes" in by_name["output_flood"].message
    assert by_name["import_crash"].status == "error"
    assert "RuntimeError: boom at import" in by_name["import_crash"].message


def test_hidden_checks_never_show_their_inputs(graded):
    from gradkit.grading._score import check_rng

    report, _, _ = graded
    shown = set()
    for spec in h6_exercises.SPECS:
        for i, check in enumerate(spec.checks):
            if check.visibility == "hidden":
                for request in check.requests(check_rng(report.seed, spec.id, i)):
                    shown |= {f"{v:.4f}" for v in np.ravel(request.args[0])}
                    shown |= {f"{v:.3f}" for v in np.ravel(request.args[0])}
    messages = [
        c.message
        for s in report.submissions
        for e in s.exercises
        for c in e.checks
        if c.visibility == "hidden"
    ]
    assert messages
    assert [m for m in messages for v in shown if v in m] == []


def test_the_limits_sandbox_also_cleans_up_and_keeps_honest_points():
    tag = f"test-limits-{uuid.uuid4().hex[:8]}-"
    paths = [str(SUBMISSIONS / "orphan.py"), str(SUBMISSIONS / "os_exit.py")]
    options = GradeOptions(jobs=2, timeout=3.0, memory_mb=1024, seed=7, sandbox="limits", tag=tag)
    report = grade_paths(paths, h6_exercises.SPECS, options)
    assert report.sandbox == "limits"
    assert [s.score for s in report.submissions] == [2.0, 2.0]
    assert leftover_processes(tag) == []
