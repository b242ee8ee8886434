"""JUnit against junit-10.xsd's rules; `report merge` refuses incomplete or mixed shards."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from gradkit._cli import cli
from gradkit._errors import GradingError
from gradkit.grading._reports import from_json, merge, render, to_json
from gradkit.grading._results import CheckResult, ExerciseResult, SubmissionResult
from gradkit.grading._runner import Report

SCHEMA = xmlschema.XMLSchema11(Path(__file__).parent / "schemas" / "junit.xsd")


def _sub(path: str, passed: bool = True, seconds: float = 1.5) -> SubmissionResult:
    values = CheckResult("values", True, 3.0, "visible", "matches the reference")
    grad = CheckResult("grad", passed, 1.0, "hidden", "ok" if passed else "wrong")
    one = ExerciseResult(
        "a.one",
        "One",
        2.0 if passed else 1.5,
        2.0,
        "passed" if passed else "partial",
        (values, grad),
    )
    crashed = ExerciseResult(
        "c.three",
        "Three",
        0.0,
        1.0,
        "error",
        (CheckResult("values", False, 1.0, "visible", "boom"),),
    )
    written = ExerciseResult(
        "b.two",
        "Two",
        0.0,
        0.0,
        "manual",
        (CheckResult("answer submitted", False, 1.0, "visible", "`why` is empty"),),
    )
    score = one.score
    return SubmissionResult(path, score, 3.0, "partial", (one, written, crashed), seconds=seconds)


def _report(*subs, shard=None, seed=5, version="0.1.0", exercises=("a.one", "b.two", "c.three")):
    return Report(version, seed, "namespaces", exercises, subs, shard, seconds=4.25)


def test_junit_validates_with_consistent_counts_times_and_points():
    text = render(_report(_sub("alice.py"), _sub("bob.py", passed=False)), "junit")
    SCHEMA.validate(text)
    root = ET.fromstring(text.split("\n", 1)[1])
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "time")} == {
        "tests": "8",
        "failures": "3",
        "errors": "0",
        "time": "4.250",
    }
    bob = root.findall("testsuite")[1]
    assert {k: bob.get(k) for k in ("name", "tests", "failures", "errors", "skipped", "time")} == {
        "name": "bob.py",
        "tests": "4",
        "failures": "2",
        "errors": "0",
        "skipped": "1",
        "time": "1.500",
    }
    cases = [
        (c.get("name"), c.get("time"), [(x.tag, x.attrib) for x in c]) for c in bob.iter("testcase")
    ]
    assert cases == [
        ("values (1.5/1.5 points)", "0.375", []),
        (
            "grad (0/0.5 points)",
            "0.375",
            [("failure", {"type": "partial", "message": "0/0.5 points: wrong"})],
        ),
        (
            "answer submitted (graded by hand)",
            "0.375",
            [("skipped", {"message": "graded by hand"})],
        ),
        (
            "values (0/1 points)",
            "0.375",
            [("failure", {"type": "error", "message": "0/1 points: boom"})],
        ),
    ]
    props = {p.get("name"): p.get("value") for p in bob.iter("property")}
    assert props["score:a.one"] == "1.5/2" and props["score:b.two"] == "0/0"
    assert (props["score"], props["max_score"]) == ("1.5", "3.0")


def test_the_schema_catches_what_junit_10_forbids():
    good = render(_report(_sub("alice.py")), "junit")
    for broken in (
        good.replace(' errors="0"', "", 1),  # errors is required
        good.replace('failures="1"', 'failures="2"', 1),  # counts disagree
        good.replace('time="1.500"', 'time="NaN"', 1),
        good.replace("<failure", "<error", 1).replace("</failure>", "</error>", 1),
    ):
        assert broken != good
        assert not SCHEMA.is_valid(broken)


_text = st.text(
    st.characters(codec="utf-8") | st.sampled_from("\x00\x1b\ud800\u202e\r"), max_size=30
)


@settings(max_examples=60, deadline=None)
@given(
    paths=st.lists(_text, min_size=0, max_size=3, unique=True),
    passed=st.lists(st.booleans(), min_size=1, max_size=4),
    status=st.sampled_from(["passed", "partial", "failed", "error", "timeout", "manual"]),
    message=_text,
    seconds=st.floats(0, 1e5),
)
def test_junit_is_valid_for_any_report(paths, passed, status, message, seconds):
    checks = tuple(CheckResult(f"c{i}", p, 1.0, "visible", message) for i, p in enumerate(passed))
    exercise = ExerciseResult("x", message, 1.0, 2.0, status, checks)
    subs = tuple(
        SubmissionResult(p, 1.0, 2.0, status, (exercise,), message, seconds) for p in paths
    )
    text = render(Report("0.1.0", 1, "limits", ("x",), subs, seconds=seconds), "junit")
    SCHEMA.validate(text)
    root = ET.fromstring(text.split("\n", 1)[1])
    skipped = len(passed) * len(paths) if status == "manual" else 0
    failed = 0 if status == "manual" else passed.count(False) * len(paths)
    assert int(root.get("failures")) == failed
    assert sum(int(s.get("skipped")) for s in root.iter("testsuite")) == skipped


# --- report merge ---------------------------------------------------------------------


def _files(tmp_path: Path, *reports: Report) -> list[str]:
    names = []
    for n, report in enumerate(reports):
        path = tmp_path / f"shard{n + 1}.json"
        path.write_text(json.dumps(to_json(report)))
        names.append(str(path))
    return names


def _merge(args):
    return CliRunner().invoke(cli, ["report", "merge", *args], terminal_width=100)


@pytest.mark.parametrize(
    ("reports", "message"),
    [
        ([_report(_sub("a.py"), shard="1/2")], "incomplete \\(missing shard 2/2\\)"),
        (
            [_report(_sub("a.py"), shard="1/3"), _report(_sub("c.py"), shard="3/3")],
            "incomplete \\(missing shard 2/3\\)",
        ),
        (
            [_report(_sub("a.py"), shard="1/2"), _report(_sub("b.py"), shard="2/3")],
            "shards of different splits: shard1.json is shard 1/2, shard2.json is shard 2/3",
        ),
        (
            [_report(_sub("a.py"), shard="1/2"), _report(_sub("b.py"), shard="1/2")],
            "shard 1/2 appears twice \\(shard1.json and shard2.json\\)",
        ),
        (
            [_report(_sub("a.py"), shard="1/2"), _report(_sub("b.py"), shard="2/2", seed=6)],
            "different seeds \\(5 and 6\\)",
        ),
        (
            [
                _report(_sub("a.py"), shard="1/2"),
                _report(_sub("b.py"), shard="2/2", exercises=("a.one",)),
            ],
            "different exercise sets \\(shard1.json and shard2.json\\)",
        ),
        (
            [
                _report(_sub("a.py"), shard="1/2"),
                _report(_sub("b.py"), shard="2/2", version="0.2.0"),
            ],
            "different gradkit versions \\(0.1.0 in shard1.json, 0.2.0 in shard2.json\\)",
        ),
        (
            [_report(_sub("a.py")), _report(_sub("b.py"), shard="2/2")],
            "cannot merge a whole run \\(shard1.json\\) with shards",
        ),
    ],
)
def test_merge_refuses_incomplete_or_inconsistent_shards(tmp_path, reports, message):
    names = [Path(p).name for p in _files(tmp_path, *reports)]
    with pytest.raises(GradingError, match=message):
        merge(reports, names)
    result = _merge(_files(tmp_path, *reports))
    assert result.exit_code == 2
    assert "shard" in result.output or "differ" in result.output


def test_merge_cli_names_the_missing_shard(tmp_path):
    files = _files(tmp_path, _report(_sub("a.py"), shard="1/3"), _report(_sub("c.py"), shard="3/3"))
    result = _merge(files)
    assert result.exit_code == 2
    assert (
        "the reports are incomplete (missing shard 2/3): give every shard's report, or "
        "--allow-partial to merge them anyway, marked partial" in " ".join(result.output.split())
    )


def test_allow_partial_marks_the_result_partial_in_every_format(tmp_path):
    files = _files(tmp_path, _report(_sub("a.py"), shard="1/3"), _report(_sub("c.py"), shard="3/3"))
    outputs = {}
    for fmt in ("json", "csv", "junit", "table"):
        result = _merge([*files, "--allow-partial", "--format", fmt])
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.output
    data = json.loads(outputs["json"])
    assert data["partial"] == "missing shard 2/3"
    assert from_json(data).partial == "missing shard 2/3"
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert [(r["path"], r["partial"]) for r in rows] == [
        ("a.py", "missing shard 2/3"),
        ("c.py", "missing shard 2/3"),
    ]
    SCHEMA.validate(outputs["junit"])
    assert outputs["junit"].count('<property name="partial" value="true" />') == 2
    assert outputs["table"].splitlines()[-1] == "PARTIAL report: missing shard 2/3"
    merged = merge([from_json(json.loads(Path(f).read_text())) for f in files], allow_partial=True)
    single = Report(
        "0.1.0", 5, "namespaces", merged.exercises, merged.submissions[:1], partial=merged.partial
    )
    gradescope = json.loads(render(single, "gradescope"))
    assert gradescope["extra_data"]["partial"] == "missing shard 2/3"
    assert "PARTIAL report (missing shard 2/3)" in gradescope["output"]
    from gradkit.grading._reports import to_feedback

    assert "**Partial report:** missing shard 2/3." in to_feedback(single, single.submissions[0])
    # a partial merge stays partial when merged again
    with pytest.raises(GradingError, match="incomplete \\(missing shard 2/3\\)"):
        merge([merged])
    assert merge([merged], allow_partial=True).partial == "missing shard 2/3"


def test_a_complete_merge_is_not_partial(tmp_path):
    files = _files(tmp_path, _report(_sub("b.py"), shard="2/2"), _report(_sub("a.py"), shard="1/2"))
    result = _merge([*files, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "path,a.one,b.two,c.three,total,max_total,status,sandbox,seed",
        "a.py,2.0,manual,0.0,2.0,3.0,partial,namespaces,5",
        "b.py,2.0,manual,0.0,2.0,3.0,partial,namespaces,5",
    ]
