"""Assignments, `exercises verify` on broken sets, `check-plugin` on exercises, hook tracebacks."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import gradkit as gk
from gradkit import _plugins
from gradkit._cli import cli

ROOT = Path(__file__).resolve().parents[1]

COURSE = """
import jax
import gradkit as gk
from gradkit import checks, samplers


def _spec(id, reference, extra=()):
    return gk.ExerciseSpec(
        id=id, title="Square", section="2.4", prompt="Define `d_square(x)`.",
        entries=(gk.Entry("d_square", "(x)", "Return 2x."),),
        checks=(checks.values("d_square", samplers.normal(3)), *extra),
        reference=reference,
    )


@gk.hookimpl
def register_exercises(register):
    register(_spec("course.bad-module", "course_refz"))
    register(_spec("course.bad-key", {"d_sqaure": lambda x: 2 * x}))
    register(_spec("course.uses-grad",
                   {"d_square": lambda x: jax.vmap(jax.grad(lambda t: t * t))(x)},
                   (checks.avoids("d_square", "grad"),)))
    register(_spec("course.good", {"d_square": lambda x: 2 * x}))


@gk.hookimpl
def register_assignments(register):
    register(gk.AssignmentSpec("course-hw1", "Homework 1", ("course.good", "course.goof*")))
    register(gk.AssignmentSpec("course-hw2", "Homework 2", ("course.good",),
                               points={"course.good": 3}))
"""


pytestmark = pytest.mark.usefixtures("host")


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(
        cli, list(args), prog_name="gradkit", env={"COLUMNS": "200", **(env or {})}
    )


@pytest.fixture
def course(tmp_path: Path) -> str:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "course.py").write_text(COURSE, encoding="utf-8")
    return str(folder)


def test_the_d2l_set_ships_two_assignments_in_book_order():
    result = run("assignments", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(a["id"], a["title"]) for a in data] == [
        ("d2l-2.3-2.4", "D2L §2.3–2.4: norms and calculus"),
        ("d2l-2.5", "D2L §2.5: automatic differentiation"),
    ]
    first, second = (a["exercises"] for a in data)
    assert first[:4] == [
        "norms.vector",
        "norms.matrix",
        "calculus.limit-table",
        "calculus.derivative-rules",
    ]
    assert len(first) == 13 and first[-1] == "calculus.inverse-derivative"
    assert len(second) == 14 and second[0] == "autodiff.dot-gradient"
    assert second[-1] == "autodiff.when-forward"
    every = [s.id for s in gk.grading.select_exercises("*")]
    assert sorted(first + second) == sorted(every)  # the two cover the set, once each
    table = run("assignments").output.splitlines()
    assert table[0].split() == ["id", "exercises", "points", "title"]
    assert table[2].split()[:3] == ["d2l-2.3-2.4", "13", "18"]


def test_assignment_globs_keep_order_and_points_override(course: str):
    from gradkit._assignments import select_exercises

    _plugins.configure(plugins_dirs=(course,))
    (spec,) = select_exercises((), "course-hw2")
    assert (spec.id, spec.points, spec.max_score) == ("course.good", 3, 3.0)
    assert gk.exercises.get("course.good").points == 1.0  # the exercise itself is unchanged
    ids = [s.id for s in select_exercises(("course.good,norms.*", "course.bad-*"))]
    assert ids == [
        "course.good",
        "norms.matrix",  # a glob's matches come in book order (same section: by id)
        "norms.vector",
        "course.bad-key",
        "course.bad-module",
    ]
    with pytest.raises(
        gk.UnknownNameError,
        match=re.escape(
            "assignment 'course-hw1' names 'course.goof*', which matches no exercise; did "
            "you mean 'course.good'? (`gradkit exercises list` shows the 31 registered ids)"
        ),
    ):
        select_exercises((), "course-hw1")
    with pytest.raises(
        gk.UnknownNameError,
        match=r"'course.goo' matches no exercise; did you mean 'course.good' or",
    ):
        select_exercises(("course.goo",))
    with pytest.raises(gk.UnknownNameError, match="unknown assignment 'hw9'; known assignments"):
        select_exercises((), "hw9")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"exercises": "calculus.*"}, "exercises must be a list of exercise ids or globs"),
        ({"exercises": ()}, "assignment 'hw1' lists no exercises"),
        ({"exercises": ("a",), "points": {"a": -1}}, r"points\['a'\] must be a number >= 0"),
        ({"exercises": ("a",), "id": "HW 1"}, "invalid assignment name 'HW 1'"),
    ],
)
def test_a_bad_assignment_spec_says_what_is_wrong(kwargs, message):
    fields = {"id": "hw1", "title": "t", **kwargs}
    with pytest.raises(gk.GradkitError, match=message):
        gk.AssignmentSpec(**fields)


def test_stubs_and_verify_take_an_assignment_and_globs(tmp_path: Path):
    result = run("exercises", "stubs", str(tmp_path / "a"), "--assignment", "d2l-2.5")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("(14 exercises).\n")
    result = run("exercises", "stubs", str(tmp_path / "b"), "--id", "norms.*")
    assert result.output.endswith("(2 exercises).\n")
    result = run("exercises", "verify", "norms.*", "--json")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.output)] == ["norms.matrix", "norms.vector"]
    result = run("exercises", "verify", "--assignment", "d2l-2.3-2.4", "calculus.x-*")
    assert result.exit_code == 0, result.output
    assert [r.split()[0] for r in result.output.splitlines()[2:]] == ["calculus.x-to-the-x"]


def test_verify_reports_every_exercise_and_exits_1_if_any_fails(course: str):
    result = run("--plugins-dir", course, "exercises", "verify", "course.*")
    assert result.exit_code == 1
    rows = [line.split() for line in result.output.splitlines()[2:6]]
    assert rows == [
        ["course.bad-key", "0.00/1.00", "error"],
        ["course.bad-module", "0.00/1.00", "error"],
        ["course.good", "1.00/1.00", "passed"],
        ["course.uses-grad", "0.50/1.00", "partial"],
    ]
    assert (
        "course.bad-key: reference: the reference mapping does not define 'd_square'; every "
        "entry of 'course.bad-key' (d_square) needs a reference" in result.output
    )
    assert (
        "course.bad-module: reference: exercise 'course.bad-module': cannot import its "
        "reference module 'course_refz' (No module named 'course_refz')" in result.output
    )


def _rows(output: str) -> dict[tuple[str, str], tuple[str, str]]:
    data = json.loads(output)
    return {(r["name"], r["check"]): (r["outcome"], r["detail"]) for r in data["results"]}


def test_check_plugin_checks_exercises_and_assignments(course: str):
    result = run("--plugins-dir", course, "check-plugin", "course", "--json")
    assert result.exit_code == 1, result.output
    rows = _rows(result.output)
    assert rows[("course.bad-module", "reference resolves")] == (
        "fail",
        "exercise 'course.bad-module': cannot import its reference module 'course_refz' "
        "(No module named 'course_refz'); install the package that provides it",
    )
    assert rows[("course.bad-module", "reference full marks")] == (
        "skip",
        "not run: the reference does not resolve",
    )
    assert rows[("course.bad-key", "reference resolves")][0] == "fail"
    assert rows[("course.uses-grad", "reference full marks")] == (
        "fail",
        "the reference scores 0.5/1 (partial): d_square does not use `grad`: `d_square` uses "
        "`grad` (line 2), which this exercise rules out",
    )
    hints = {(r["name"], r["check"]): r["hint"] for r in json.loads(result.output)["results"]}
    assert hints[("course.bad-module", "reference resolves")] == (
        "give reference= an importable module name (or a dict) defining every entry"
    )
    assert hints[("course.uses-grad", "reference full marks")] == (
        "run `gradkit exercises verify ID` to see each check; fix the reference, or the "
        "check's inputs or tolerances (rtol=, atol=)"
    )
    assert hints[("course.good", "reference full marks")] == ""
    for check in (
        "reference resolves",
        "checks name entries",
        "statement renders",
        "reference full marks",
        "stub scores 0",
    ):
        assert rows[("course.good", check)] == ("pass", "")
    assert rows[("course-hw2", "exercises resolve")] == ("pass", "1 exercises, 3 points")
    assert rows[("course-hw1", "exercises resolve")][0] == "fail"
    assert (
        "names 'course.goof*', which matches no exercise"
        in rows[("course-hw1", "exercises resolve")][1]
    )


def test_check_plugin_table_shows_what_really_happened_to_every_exercise(course: str):
    """Each exercise row passes or fails; a skip says why (never a blanket "skip")."""
    result = run("--plugins-dir", course, "check-plugin", "course")
    assert result.exit_code == 1
    rows = re.findall(
        r"^(exercise|assignment) +(\S+) +(.+?) +(PASS|FAIL|SKIP)\b *(.{0,25})", result.output, re.M
    )
    resolves, entries, renders, full, stub = (
        "reference resolves",
        "checks name entries",
        "statement renders",
        "reference full marks",
        "stub scores 0",
    )
    not_run = "not run: the reference do"
    assert [
        (name, check, outcome, detail.rstrip()) for _, name, check, outcome, detail in rows
    ] == [
        ("course.bad-module", resolves, "FAIL", "exercise 'course.bad-modu"),
        ("course.bad-module", entries, "PASS", ""),
        ("course.bad-module", renders, "PASS", ""),
        ("course.bad-module", full, "SKIP", not_run),
        ("course.bad-module", stub, "SKIP", not_run),
        ("course.bad-key", resolves, "FAIL", "the reference mapping doe"),
        ("course.bad-key", entries, "PASS", ""),
        ("course.bad-key", renders, "PASS", ""),
        ("course.bad-key", full, "SKIP", not_run),
        ("course.bad-key", stub, "SKIP", not_run),
        ("course.uses-grad", resolves, "PASS", ""),
        ("course.uses-grad", entries, "PASS", ""),
        ("course.uses-grad", renders, "PASS", ""),
        ("course.uses-grad", full, "FAIL", "the reference scores 0.5/"),
        ("course.uses-grad", stub, "PASS", ""),
        *(("course.good", check, "PASS", "") for check in (resolves, entries, renders, full, stub)),
        ("course-hw1", "exercises resolve", "FAIL", "assignment 'course-hw1' n"),
        ("course-hw2", "exercises resolve", "PASS", "1 exercises, 3 points"),
    ]
    assert result.output.splitlines()[-1] == "14 passed, 4 failed, 4 skipped"


def test_check_plugin_fails_on_a_check_of_a_missing_entry(tmp_path: Path):
    (tmp_path / "typo.py").write_text(
        COURSE.split("@gk.hookimpl")[0]
        + textwrap.dedent(
            """
            @gk.hookimpl
            def register_exercises(register):
                register(gk.ExerciseSpec(
                    id="typo.square", title="t", section="2.4", prompt="p",
                    entries=(gk.Entry("d_square", "(x)", "Return 2x."),),
                    checks=(checks.values("d_sqare", samplers.normal(3)),),
                    reference={"d_square": lambda x: 2 * x},
                ))
            """
        ),
        encoding="utf-8",
    )
    with pytest.warns(gk.PluginWarning):
        result = run("--plugins-dir", str(tmp_path), "check-plugin", "typo")
    assert result.exit_code == 1
    assert (
        "hook register_exercises raised ExerciseError: exercise 'typo.square': check "
        "'d_sqare values' uses ['d_sqare'], which is not among its entries ['d_square']"
    ) in " ".join(result.output.split())


def test_check_exercise_passes_the_whole_d2l_set_and_a_stub_scores_zero():
    from gradkit.testing import check_exercise

    report = check_exercise(gk.exercises.get("calculus.gradient"))
    assert [(r.check, r.outcome) for r in report.results] == [
        ("reference resolves", "pass"),
        ("checks name entries", "pass"),
        ("statement renders", "pass"),
        ("reference full marks", "pass"),
        ("stub scores 0", "pass"),
    ]
    written = check_exercise(gk.exercises.get("calculus.constant-multiple"))
    assert [r.outcome for r in written.results] == ["pass", "pass", "pass", "skip", "skip"]


def test_the_docs_exercise_example_passes_verify(tmp_path: Path):
    text = (ROOT / "docs" / "exercises.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "SOFTPLUS =" in b)
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "softplus.py").write_text(block, encoding="utf-8")
    result = run("--plugins-dir", str(folder), "exercises", "verify", "mycourse.*")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].split() == [
        "mycourse.softplus-derivative",
        "2.00/2.00",
        "passed",
    ]


HOOK_TYPO = """
import gradkit as gk


@gk.hookimpl
def register_functions(register):
    register(gk.FunctionSpec("typo-cube", lambda x: x**3, derivitive=lambda x: 3 * x**2))
"""


def test_a_hook_failure_shows_the_authors_file_and_line(tmp_path: Path):
    path = tmp_path / "typo_plugin.py"
    path.write_text(HOOK_TYPO, encoding="utf-8")
    where = f'File "{path}", line 7, in register_functions'
    with pytest.warns(gk.PluginWarning) as quiet:
        run("--plugins-dir", str(tmp_path), "functions")
    assert "got an unexpected keyword argument 'derivitive'" in str(quiet[0].message)
    assert where not in str(quiet[0].message)  # one line by default
    with pytest.warns(gk.PluginWarning) as loud:
        run("-v", "--plugins-dir", str(tmp_path), "functions")
    assert where in str(loud[0].message)
    assert "derivitive=lambda x: 3 * x**2" in str(loud[0].message)
    strict = run("--plugins-dir", str(tmp_path), "functions", env={"GRADKIT_STRICT_PLUGINS": "1"})
    assert strict.exit_code == 1
    assert where in strict.output


def test_grade_takes_an_assignment_with_its_points(course: str, tmp_path: Path):
    solution = tmp_path / "hw.py"
    solution.write_text("def d_square(x):\n    return x + x\n", encoding="utf-8")
    result = run(
        "--plugins-dir", course, "grade", str(solution), "--assignment", "course-hw2",
        "--format", "json", "--seed", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (sub,) = json.loads(result.output)["submissions"]
    assert [(e["id"], e["score"], e["max_score"]) for e in sub["exercises"]] == [
        ("course.good", 3.0, 3.0)  # the assignment's points, not the exercise's 1
    ]
    bad = run("--plugins-dir", course, "grade", str(solution), "--assignment", "hw9")
    assert bad.exit_code == 2
    assert "Invalid value for '--assignment': unknown assignment 'hw9'" in bad.output
