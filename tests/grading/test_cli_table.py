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
