"""The `gradkit grade` table: book order, and ids never cut, even on a narrow terminal."""

from __future__ import annotations

import pytest

from gradkit.grading._cli import _table
from gradkit.grading._results import CheckResult, ExerciseResult, SubmissionResult
from gradkit.grading._runner import Report

IDS = ["autodiff.chain-rule-by-hand", "calculus.limit-table", "norms.vector", "zz.unknown"]


def report() -> Report:
    failing = (CheckResult("values", False, 1.0, "visible", "wrong " * 30),)
    results = tuple(ExerciseResult(i, i, 0.0, 1.0, "failed", failing) for i in IDS)
    sub = SubmissionResult("alice.py", 0.0, 4.0, "failed", results)
    return Report("0.1.0", 7, "limits", tuple(IDS), (sub,))


@pytest.mark.parametrize("width", [60, 80])
def test_ids_are_whole_and_in_book_order(width: int) -> None:
    text = _table(report(), width=width)
    rows = [line for line in text.splitlines() if line.startswith("│ ") and "0/1" in line]
    firsts = [row.split("│")[1].strip() for row in rows]
    # §2.3 norms, then §2.4 calculus, then §2.5 autodiff; unregistered ids last
    assert firsts == ["norms.vector", "calculus.limit-table", "autodiff.chain-rule-by-hand",
                      "zz.unknown"]  # fmt: skip
    assert all(len(line) <= width for line in text.splitlines())
    assert "…" not in text


def test_an_assignment_keeps_its_own_order() -> None:
    order = ["calculus.limit-table", "autodiff.chain-rule-by-hand", "norms.vector"]
    text = _table(report(), width=100, order=order)
    rows = [line for line in text.splitlines() if line.startswith("│ ") and "0/1" in line]
    firsts = [row.split("│")[1].strip() for row in rows]
    assert firsts == [*order, "zz.unknown"]  # ids outside the order last, in book order


def test_gradkit_grade_passes_the_assignments_order(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    import gradkit.grading._cli as cli

    seen: dict[str, object] = {}

    def table(report: Report, width: int | None = None, order=()) -> str:
        seen["order"] = list(order)
        return ""

    def grade(paths, specs, options, **progress):
        return report()

    monkeypatch.setattr(cli, "_table", table)
    monkeypatch.setattr("gradkit.grading._runner.grade_paths", grade)
    answer = tmp_path / "hw.py"
    answer.write_text("x = 1\n")
    result = CliRunner().invoke(cli.grade, [str(answer), "--assignment", "d2l-2.5"])
    assert result.exit_code in (0, 1), result.output
    assert seen["order"][:3] == [
        "autodiff.dot-gradient",
        "autodiff.non-scalar-backward",
        "autodiff.detach",
    ]
