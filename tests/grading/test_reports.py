"""Report formats: every one states sandbox and seed, and they agree on every score."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest

from gradkit._errors import GradingError
from gradkit.grading._reports import (
    feedback_name,
    from_json,
    merge,
    render,
    to_feedback,
    to_gradescope,
    to_json,
)
from gradkit.grading._results import CheckResult, ExerciseResult, SubmissionResult
from gradkit.grading._runner import Report, parse_shard, shard_paths


def _sub(path: str, passed: bool) -> SubmissionResult:
    values = CheckResult("values", True, 1.0, "visible", "matches the reference")
    grad = CheckResult("gradient", passed, 1.0, "hidden", "ok" if passed else "wrong at 2 inputs")
    one = ExerciseResult(
        "a.one",
        "One",
        2.0 if passed else 1.0,
        2.0,
        "passed" if passed else "partial",
        (values, grad),
    )
    two = ExerciseResult(
        "b.two",
        "Two",
        0.0,
        0.0,
        "manual",
        (CheckResult("answer submitted", True, 1.0, "visible", "submitted"),),
        answer="because",
    )
    score = one.score
    return SubmissionResult(path, score, 2.0, "passed" if passed else "partial", (one, two))


def _report(*subs: SubmissionResult, seed: int = 5, shard: str | None = None) -> Report:
    return Report("0.1.0", seed, "namespaces", ("a.one", "b.two"), subs, shard)


def _scores_by_format(report: Report) -> dict[str, dict[str, float]]:
    """Parse every format back into {submission: total}."""
    out: dict[str, dict[str, float]] = {}
    data = json.loads(render(report, "json"))
    out["json"] = {s["path"]: s["score"] for s in data["submissions"]}
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    out["csv"] = {r["path"]: float(r["total"]) for r in rows}
    root = ET.fromstring(render(report, "junit").split("\n", 1)[1])
    out["junit"] = {
        suite.get("name"): float(
            next(p.get("value") for p in suite.iter("property") if p.get("name") == "score")
        )
        for suite in root.iter("testsuite")
    }
    for sub in report.submissions:
        single = Report(
            report.gradkit_version, report.seed, report.sandbox, report.exercises, (sub,)
        )
        gs = json.loads(render(single, "gradescope"))
        assert gs["score"] == sum(t["score"] for t in gs["tests"])
        out.setdefault("gradescope", {})[sub.path] = gs["score"]
    return out


def test_every_format_agrees_on_every_score():
    report = _report(_sub("alice.py", True), _sub("bob.py", False))
    scores = _scores_by_format(report)
    assert all(s == {"alice.py": 2.0, "bob.py": 1.0} for s in scores.values()), scores


def test_every_format_states_the_sandbox_and_seed():
    report = _report(_sub("alice.py", True), seed=1234)
    for fmt in ("json", "gradescope", "junit", "csv"):
        text = render(report, fmt)
        assert "namespaces" in text and "1234" in text, fmt
    assert "sandbox: namespaces, seed: 1234" in to_feedback(report, report.submissions[0])


def test_json_follows_the_schema():
    data = to_json(_report(_sub("alice.py", False)))
    assert set(data) == {
        "gradkit_version",
        "seed",
        "sandbox",
        "shard",
        "partial",
        "seconds",
        "exercises",
        "submissions",
    }
    assert (data["partial"], data["seconds"]) == (None, 0.0)
    sub = data["submissions"][0]
    assert set(sub) == {"path", "score", "max_score", "status", "message", "seconds", "exercises"}
    check = sub["exercises"][0]["checks"][1]
    assert check == {
        "name": "gradient",
        "passed": False,
        "weight": 1.0,
        "visibility": "hidden",
        "message": "wrong at 2 inputs",
    }


def test_json_round_trips():
    report = _report(_sub("alice.py", True), _sub("bob.py", False))
    assert from_json(to_json(report)) == report


def test_gradescope_results_json():
    data = to_gradescope(_report(_sub("bob.py", False)))
    assert data["score"] == 1.0
    assert data["tests"][0] == {
        "name": "a.one: One",
        "score": 1.0,
        "max_score": 2.0,
        "status": "failed",
        "output": "✓ values: matches the reference\n✗ gradient (hidden): wrong at 2 inputs",
        "visibility": "visible",
    }
    assert data["tests"][1]["status"] == "passed"  # a written answer awaits manual grading
    assert data["extra_data"] == {"sandbox": "namespaces", "seed": 5, "status": "partial"}


def test_gradescope_needs_exactly_one_submission():
    with pytest.raises(GradingError, match="describes one submission, got 2"):
        to_gradescope(_report(_sub("a.py", True), _sub("b.py", True)))


def test_junit_has_one_testcase_per_check():
    root = ET.fromstring(render(_report(_sub("bob.py", False)), "junit").split("\n", 1)[1])
    cases = [(c.get("classname"), c.get("name"), [x.tag for x in c]) for c in root.iter("testcase")]
    assert cases == [
        ("a.one", "values (1/1 points)", []),
        ("a.one", "gradient (0/1 points)", ["failure"]),
        ("b.two", "answer submitted (graded by hand)", ["skipped"]),
    ]
    failure = next(root.iter("failure"))
    assert failure.attrib == {"type": "partial", "message": "0/1 points: wrong at 2 inputs"}


def test_csv_is_a_gradebook():
    text = render(_report(_sub("alice.py", True), _sub("bob.py", False)), "csv")
    assert text.splitlines() == [
        "path,a.one,b.two,total,max_total,status,sandbox,seed",
        "alice.py,2.0,manual,2.0,2.0,passed,namespaces,5",
        "bob.py,1.0,manual,1.0,2.0,partial,namespaces,5",
    ]


def test_feedback_markdown():
    report = _report(_sub("alice/hw 2.py", False))
    assert feedback_name("alice/hw 2.py") == "alice_hw_2.py.md"
    assert to_feedback(report, report.submissions[0]).splitlines()[:8] == [
        "# Feedback for `alice/hw 2.py`",
        "",
        "**Score: 1.00 / 2.00** (partial)",
        "",
        "Graded by gradkit 0.1.0 (sandbox: namespaces, seed: 5).",
        "",
        "## a.one: One — 1.00 / 2.00 (partial)",
        "",
    ]


def test_merge_joins_shards_in_path_order():
    a = _report(_sub("b.py", True), shard="1/2")
    b = _report(_sub("a.py", False), shard="2/2")
    merged = merge([a, b])
    assert [s.path for s in merged.submissions] == ["a.py", "b.py"]
    assert (merged.seed, merged.sandbox, merged.shard) == (5, "namespaces", None)


@pytest.mark.parametrize(
    ("reports", "message"),
    [
        ([], "nothing to merge"),
        ([_report(seed=1), _report(seed=2)], "different seeds \\(1 and 2\\)"),
        ([_report(_sub("a.py", True)), _report(_sub("a.py", True))], "'a.py' appears in two"),
    ],
)
def test_merge_refuses_reports_of_different_runs(reports, message):
    with pytest.raises(GradingError, match=message):
        merge(reports)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "field 'submissions' is missing or not a list"),
        ({"submissions": [{"path": 1}]}, "submission 0: field 'exercises' is missing"),
        (
            {
                "submissions": [
                    {"path": "a", "score": 1, "max_score": 1, "status": "great", "exercises": []}
                ]
            },
            "unknown status 'great'",
        ),
    ],
)
def test_from_json_checks_every_field(data, message):
    with pytest.raises(GradingError, match=message):
        from_json(data)


def test_shards_are_deterministic_disjoint_slices():
    paths = [f"s{i:02d}.py" for i in range(10)][::-1]
    slices = [shard_paths(paths, (i, 3)) for i in (1, 2, 3)]
    assert slices[0] == ["s00.py", "s03.py", "s06.py", "s09.py"]
    assert sorted(sum(slices, [])) == sorted(paths)


@pytest.mark.parametrize("text", ["0/3", "4/3", "x", "1/0"])
def test_bad_shards_are_refused(text):
    with pytest.raises(GradingError, match=f"invalid shard '{text}'"):
        parse_shard(text)


# What rendering a report may load: the records, the sanitiser, gradkit's errors.
RENDERER_NEEDS = {
    "gradkit.grading._reports",
    "gradkit.grading._results",
    "gradkit.grading._sanitise",
}
# The orchestrator and what it drives: never needed to render or merge a report.
ORCHESTRATOR = (
    "gradkit.grading._runner",
    "gradkit.grading._sandbox",
    "gradkit.grading._slots",
    "gradkit.grading._remote",
    "gradkit._sandboxed",
    "subprocess",
    "socket",
    "jax",
)


def test_the_renderer_imports_no_orchestrator():
    # a fresh interpreter: gradkit.grading loads its modules lazily, on first use
    code = "import sys, gradkit.grading._reports; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert {m for m in loaded if m.startswith("gradkit.grading.")} == RENDERER_NEEDS
    assert [m for m in ORCHESTRATOR if m in loaded] == []


def test_report_is_a_record_beside_the_others():
    assert Report.__module__ == "gradkit.grading._results"
    assert Report.__module__ == SubmissionResult.__module__ == CheckResult.__module__


def test_a_hidden_check_named_hidden_is_marked_once():
    from gradkit.grading._reports import _check_line
    from gradkit.grading._results import CheckResult

    named = CheckResult("df (hidden)", False, 1.0, "hidden", "wrong")
    plain = CheckResult("df secret", False, 1.0, "hidden", "wrong")
    assert _check_line(named) == "✗ df (hidden): wrong"
    assert _check_line(plain) == "✗ df secret (hidden): wrong"
