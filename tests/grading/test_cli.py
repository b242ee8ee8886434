"""``gradkit grade`` and ``gradkit report merge`` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradkit import _plugins
from gradkit._cli import cli
from gradkit.grading import _sandbox
from gradkit.grading._reports import from_json, render, to_json
from gradkit.grading._runner import Report

HERE = Path(__file__).parent / "adversarial"

GRADE = ["-p", "h6_exercises", "grade", "--exercises", "h6.*", "--seed", "3", "--timeout", "5"]

needs_namespaces = pytest.mark.skipif(
    not _sandbox.namespaces_available(), reason="needs the namespaces sandbox"
)


@pytest.fixture(autouse=True)
def _in_submissions(monkeypatch):
    monkeypatch.chdir(HERE / "submissions")
    yield
    _plugins.configure()


def _run(args: list[str]):
    return CliRunner().invoke(cli, args, terminal_width=80, color=False)


@needs_namespaces
def test_grade_prints_a_table_per_submission():
    result = _run([*GRADE, "--jobs", "2", "good.py", "nan.py"])
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == """\
good.py
┏━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┓
┃ exercise    ┃     score ┃ status ┃ feedback ┃
┡━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━┩
│ h6.scale    │ 1.00/1.00 │ passed │          │
│ h6.softsign │ 1.00/1.00 │ passed │          │
│ h6.sumsq    │ 2.00/2.00 │ passed │          │
└─────────────┴───────────┴────────┴──────────┘
total 4.00/4.00 (passed)
nan.py
┏━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ exercise    ┃     score ┃ status ┃ feedback                                  ┃
┡━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ h6.scale    │ 1.00/1.00 │ passed │                                           │
│ h6.softsign │ 1.00/1.00 │ passed │                                           │
│ h6.sumsq    │ 0.00/2.00 │ failed │ sumsq([-1.7587, 0.0476, -0.6788]): result │
│             │           │        │ has 1 NaN entry where the reference is    │
│             │           │        │ finite                                    │
└─────────────┴───────────┴────────┴───────────────────────────────────────────┘
total 2.00/4.00 (partial)
2 submissions graded; sandbox: namespaces; seed: 3
"""
    )


@needs_namespaces
def test_json_feedback_and_fail_under_in_one_run(tmp_path):
    out, feedback = tmp_path / "report.json", tmp_path / "feedback"
    args = ["--format", "json", "-o", str(out), "--feedback", str(feedback), "--fail-under", "0.9"]
    result = _run([*GRADE, *args, "good.py", "nan.py"])
    assert result.exit_code == 1, result.output  # nan.py scores 2/4 < 0.9
    assert result.stderr == "1 of 2 submissions scored below --fail-under 0.9: nan.py (2.00/4.00)\n"
    report = from_json(json.loads(out.read_text()))
    assert (report.sandbox, report.seed) == ("namespaces", 3)
    assert [(s.path, s.score, s.max_score) for s in report.submissions] == [
        ("good.py", 4.0, 4.0),
        ("nan.py", 2.0, 4.0),
    ]
    assert sorted(p.name for p in feedback.iterdir()) == ["good.py.md", "nan.py.md"]
    assert "**Score: 4.00 / 4.00** (passed)" in (feedback / "good.py.md").read_text()
    # the correct solutions score full marks in every format, and the formats agree
    good = Report(
        report.gradkit_version, 3, report.sandbox, report.exercises, report.submissions[:1]
    )
    assert json.loads(render(good, "json"))["submissions"][0]["score"] == 4.0
    assert json.loads(render(good, "gradescope"))["score"] == 4.0
    assert next(csv.DictReader(io.StringIO(render(good, "csv"))))["total"] == "4.0"
    junit = render(good, "junit")
    assert '<property name="score" value="4.0" />' in junit and "<failure" not in junit


def test_grade_gradescope_under_the_limits_sandbox():
    result = _run([*GRADE, "--format", "gradescope", "--sandbox", "limits", "good.py"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["score"] == 4.0
    assert [t["score"] for t in data["tests"]] == [1.0, 1.0, 2.0]
    assert data["extra_data"] == {"sandbox": "limits", "seed": 3, "status": "passed"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shard", "3/2", "good.py"], "invalid shard '3/2'"),
        (["--exercises", "nope*", "good.py"], "no exercise matches 'nope\\*'"),
        (["--format", "gradescope", "good.py", "nan.py"], "takes exactly one submission"),
        (["missing.py"], "'missing.py' does not exist"),
        (["--jobs", "0", "good.py"], "0 is not in the range x>=1"),
    ],
)
def test_bad_usage_exits_2(args, message):
    import re

    result = _run([*GRADE, *args])
    assert result.exit_code == 2
    assert re.search(message, " ".join(result.output.split()))


def test_an_unavailable_sandbox_is_a_grader_fault(monkeypatch):
    monkeypatch.setattr(_sandbox, "namespaces_available", lambda: False)
    result = _run([*GRADE, "--sandbox", "namespaces", "good.py"])
    assert result.exit_code == 3
    assert result.output.startswith(
        "Error: sandbox level 'namespaces' is not available here (unshare failed"
    )


def test_a_grader_bug_is_one_line_and_status_3(monkeypatch):
    from gradkit.grading import _runner

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(_runner, "grade_paths", broken)
    result = _run([*GRADE, "good.py"])
    assert result.exit_code == 3
    assert result.output == "Error: the grader failed: ZeroDivisionError: division by zero\n"


def _shard_report(tmp_path: Path, name: str, path: str, shard: str, seed: int = 3) -> str:
    from gradkit.grading._results import CheckResult, ExerciseResult, SubmissionResult

    check = CheckResult("values", True, 1.0, "visible", "ok")
    sub = SubmissionResult(
        path, 1.0, 1.0, "passed", (ExerciseResult("x", "X", 1.0, 1.0, "passed", (check,)),)
    )
    report = Report("0.1.0", seed, "namespaces", ("x",), (sub,), shard)
    target = tmp_path / name
    target.write_text(json.dumps(to_json(report)))
    return str(target)


def test_report_merge_combines_shards(tmp_path):
    a = _shard_report(tmp_path, "1.json", "zed.py", "1/2")
    b = _shard_report(tmp_path, "2.json", "amy.py", "2/2")
    result = _run(["report", "merge", a, b, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "path,x,total,max_total,status,sandbox,seed",
        "amy.py,1.0,1.0,1.0,passed,namespaces,3",
        "zed.py,1.0,1.0,1.0,passed,namespaces,3",
    ]


def test_report_merge_refuses_different_seeds(tmp_path):
    a = _shard_report(tmp_path, "1.json", "zed.py", "1/2", seed=1)
    b = _shard_report(tmp_path, "2.json", "amy.py", "2/2", seed=2)
    result = _run(["report", "merge", a, b])
    assert result.exit_code == 2
    assert "cannot merge reports with different seeds (1 and 2)" in result.output


def test_report_merge_refuses_what_is_not_a_report(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    result = _run(["report", "merge", str(bad)])
    assert result.exit_code == 2
    assert "field 'submissions' is missing or not a list" in result.output


def test_feedback_files_never_overwrite_each_other(tmp_path):
    from gradkit.grading._cli import _feedback_files
    from gradkit.grading._results import SubmissionResult
    from gradkit.grading._runner import Report

    subs = tuple(SubmissionResult(p, 0, 0, "failed", ()) for p in ("a/b.py", "a_b.py", "a b.py"))
    files = _feedback_files(Report("0", 1, "limits", (), subs), str(tmp_path))
    assert [p.name for p in files] == ["a_b.py.md", "a_b.py-2.md", "a_b.py-3.md"]
