"""A submission's strings are cleaned once, where they enter the records, for every format.

Lone surrogates, NULs, ANSI/OSC escape sequences and bidi controls from a
submission (its exception messages, written answers, file name) must never
crash a report or reach a terminal raw.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import unicodedata
from pathlib import Path
from xml.etree import ElementTree as ET

import h6_exercises  # tests/grading/adversarial, on the path by conftest.py
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from gradkit import _plugins
from gradkit._cli import cli
from gradkit.grading._cli import _table
from gradkit.grading._reports import from_json, render, to_feedback, to_json
from gradkit.grading._results import CheckResult, ExerciseResult, SubmissionResult
from gradkit.grading._runner import GradeOptions, Report, grade_paths
from gradkit.grading._sanitise import LIMIT, clean

HERE = Path(__file__).parent / "adversarial"

EVIL = "a\ud800b\x00c\x1b[2J\x1b]0;pwned\x07d\u202ee\u2066f\r\ng\x7f\x9b\u200b\ufeff"
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _unsafe(char: str) -> bool:
    if char in "\n\t":
        return False
    return unicodedata.category(char) in UNSAFE_CATEGORIES or char in "\ufffe\uffff"


def _raw_controls(text: str) -> list[str]:
    return sorted({repr(c) for c in text if _unsafe(c)})


def test_the_unsafe_class_matches_unicodes_categories():
    if unicodedata.unidata_version != "15.0.0":
        pytest.skip(f"the class was written for Unicode 15.0.0, not {unicodedata.unidata_version}")
    wrong = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if (clean(chr(code)) == chr(code)) == _unsafe(chr(code))
    ]
    assert wrong == []


def test_clean_shows_controls_visibly_and_replaces_surrogates():
    assert clean(EVIL) == (
        "a\ufffdb\\x00c\\x1b[2J\\x1b]0;pwned\\x07d\\u202ee\\u2066f\ng\\x7f\\x9b\\u200b\\ufeff"
    )
    assert clean("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


@given(st.text(st.characters(codec="utf-8") | st.sampled_from(EVIL), max_size=300))
def test_clean_is_idempotent_capped_and_safe(text):
    once = clean(text, 100)
    assert clean(once, 100) == once
    assert len(once) <= 100
    assert _raw_controls(once) == []
    once.encode("utf-8")  # never raises


def test_long_strings_are_cut_saying_so():
    text = clean("x" * (LIMIT + 500))
    assert len(text) == LIMIT
    assert text.endswith(f" … [cut to {LIMIT:,} of {LIMIT + 500:,} characters]")


def test_records_clean_every_string_when_made():
    check = CheckResult(EVIL, False, 1.0, "visible", EVIL)
    exercise = ExerciseResult("x.y", EVIL, 0.0, 1.0, "manual", (check,), answer=EVIL)
    sub = SubmissionResult(EVIL + ".py", 0.0, 1.0, "failed", (exercise,), EVIL)
    for text in (check.name, check.message, exercise.title, exercise.answer, sub.path, sub.message):
        assert text.startswith("a\ufffdb\\x00c\\x1b[2J")


def _every_format(report: Report) -> dict[str, str]:
    """Render every format, parse the machine ones back, and return all the texts."""
    texts = {fmt: render(report, fmt) for fmt in ("json", "csv", "junit")}
    texts["table"] = _table(report)
    for sub in report.submissions:
        single = Report(
            report.gradkit_version, report.seed, report.sandbox, report.exercises, (sub,)
        )
        texts[f"gradescope {sub.path}"] = render(single, "gradescope")
        texts[f"feedback {sub.path}"] = to_feedback(report, sub)
        json.loads(texts[f"gradescope {sub.path}"])
    data = json.loads(texts["json"])
    assert to_json(from_json(data)) == data
    list(csv.reader(io.StringIO(texts["csv"])))
    ET.fromstring(texts["junit"].split("\n", 1)[1])
    for name, text in texts.items():
        text.encode("utf-8")
        assert _raw_controls(text) == [], name
    return texts


def test_every_format_is_parseable_and_free_of_raw_controls():
    check = CheckResult("values", False, 1.0, "visible", EVIL)
    exercise = ExerciseResult("x.y", "T", 0.0, 1.0, "error", (check,))
    written = ExerciseResult("x.w", "W", 0.0, 0.0, "manual", (check,), answer=EVIL)
    sub = SubmissionResult(EVIL + ".py", 0.0, 1.0, "failed", (exercise, written), EVIL)
    texts = _every_format(Report("0.1.0", 3, "limits", ("x.y", "x.w"), (sub,)))
    assert "\\x1b]0;pwned\\x07" in texts["table"]
    assert "\\u202e" in texts["feedback " + sub.path]


def test_a_loaded_report_is_cleaned_too():
    data = to_json(Report("0.1.0", 3, "limits", ("x",), ()))
    data["sandbox"] = "limits\x1b[31m"
    data["submissions"] = [
        {
            "path": "\ud800.py",
            "score": 0,
            "max_score": 0,
            "status": "failed",
            "message": "\x1b]8;;http://evil\x07",
            "exercises": [],
        }
    ]
    report = from_json(data)
    assert (report.sandbox, report.submissions[0].path) == ("limits\\x1b[31m", "\ufffd.py")
    _every_format(report)


HOSTILE = """\
import jax.numpy as jnp

def sumsq(x):
    raise ValueError("\\ud800\\x00\\x1b[2J\\x1b]0;pwned\\x07\\u202e\\u2066 gotcha")

def scale(x):
    print("\\x1b[2J\\x1b]0;title\\x07")
    return 2.0 * x

def softsign(x):
    return x / (1.0 + jnp.abs(x))
"""


@pytest.fixture
def hostile_batch(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "exc.py").write_text(HOSTILE, encoding="utf-8")
    (folder / "good\x1b]0;x\x07\u202e.py").write_text(
        (HERE / "submissions" / "good.py").read_text()
    )
    bad_name = os.path.join(os.fsencode(folder), b"bad\xff\xfe.py")
    with open(bad_name, "wb") as out:
        out.write((HERE / "submissions" / "good.py").read_bytes())
    return folder


def test_hostile_strings_from_real_submissions_are_safe_in_every_format(hostile_batch):
    options = GradeOptions(jobs=2, timeout=5.0, memory_mb=1024, seed=7, sandbox="limits")
    paths = sorted(str(p) for p in hostile_batch.iterdir())
    report = grade_paths(paths, h6_exercises.SPECS, options)
    assert sorted(s.score for s in report.submissions) == [2.0, 4.0, 4.0]
    _every_format(report)
    exc = next(s for s in report.submissions if s.path.endswith("exc.py"))
    messages = [c.message for e in exc.exercises for c in e.checks if not c.passed]
    assert any("\\x1b]0;pwned\\x07" in m for m in messages), messages


def test_the_cli_writes_every_file_from_hostile_names(hostile_batch, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    out, feedback = tmp_path / "r.json", tmp_path / "fb"
    args = ["-p", "h6_exercises", "grade", "--exercises", "h6.*", "--seed", "3"]
    args += ["--sandbox", "limits", "--format", "json", "-o", str(out), "--feedback", str(feedback)]
    try:
        result = CliRunner().invoke(cli, [*args, *sorted(map(str, hostile_batch.iterdir()))])
    finally:
        _plugins.configure()
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(s["score"] for s in data["submissions"]) == [2.0, 4.0, 4.0]
    assert len(list(feedback.iterdir())) == 3
    for path in [out, *feedback.iterdir()]:
        text = path.read_text(encoding="utf-8")
        assert _raw_controls(text) == [], path
        assert re.fullmatch(r"[A-Za-z0-9._-]+", path.name), path.name


def test_markup_and_formulas_stay_text():
    check = CheckResult("values", False, 1.0, "visible", "[bold red]x[/bold red]")
    exercise = ExerciseResult("[link=http://evil]x[/link]", "T", 0.0, 1.0, "failed", (check,))
    sub = SubmissionResult('=HYPERLINK("http://evil","x").py', 0.0, 1.0, "failed", (exercise,))
    report = Report("0.1.0", 3, "limits", (exercise.id,), (sub,))
    table = _table(report, width=200)
    assert "[link=http://evil]x[/link]" in table and "[bold red]x[/bold red]" in table
    rows = list(csv.reader(io.StringIO(render(report, "csv"))))
    assert rows[1][0] == '\'=HYPERLINK("http://evil","x").py'
