"""`gradkit exercises list|show|stubs|verify`, with click's CliRunner and exact output."""

from __future__ import annotations

import ast
import json

import nbformat
import pytest
from click.testing import CliRunner

from gradkit._cli import cli

BROKEN_PLUGIN = """
import gradkit as gk


def _abs(x):
    if x > 0:  # Python control flow on a value: not exportable, fails under jit
        return x
    return -x


@gk.hookimpl
def register_exercises(register):
    register(gk.ExerciseSpec(
        id="mycourse.abs",
        title="Absolute value",
        section="9.9",
        prompt="Define `my_abs(x)`.",
        entries=(gk.Entry("my_abs", "(x)", "Return |x|."),),
        checks=(gk.checks.jit("my_abs", gk.samplers.normal()),),
        reference={"my_abs": _abs},
    ))
"""


pytestmark = pytest.mark.usefixtures("host")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="gradkit", env={"COLUMNS": "80"})


def test_list_shows_every_id_in_book_order():
    result = run("exercises", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "points", "title"]
    ids = [line.split()[0] for line in lines[2:] if line[:1].strip()]
    assert ids[:3] == ["norms.matrix", "norms.vector", "calculus.limit-table"]
    assert len(ids) == 27 and ids[-1] == "autodiff.when-forward"
    assert "calculus.constant-multiple         manual   The constant multiple rule" in (
        result.output
    )


def test_list_json():
    data = json.loads(run("exercises", "list", "--json").output)
    by_id = {d["id"]: d for d in data}
    assert by_id["calculus.stationary-point"] == {
        "id": "calculus.stationary-point",
        "title": "Where the derivative vanishes",
        "section": "2.4 ex. 5",
        "kind": "code",
        "points": 1.0,
        "entries": ["g", "x_star"],
        "provider": by_id["calculus.stationary-point"]["provider"],
    }
    assert by_id["autodiff.when-forward"]["kind"] == "written"
    assert by_id["autodiff.when-forward"]["points"] == 0.0


def test_show_prints_the_prompt_entries_and_checks():
    result = run("exercises", "show", "calculus.x-to-the-x")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "calculus.x-to-the-x: The derivative of xˣ (§2.4 ex. 4, 1 point)"
    assert lines[2] == "*Calculate the derivative of $f(x) = x^x$.*"
    assert lines[-13:] == [
        "  d_x_pow_x(x)  Return d/dx xˣ at x > 0 (elementwise), as a formula.",
        "Checks:",
        "  d_x_pow_x shape  (weight 1, visible)",
        "  d_x_pow_x values  (weight 1, visible)",
        "  d_x_pow_x (hidden)  (weight 1, hidden)",
        "  d_x_pow_x is exact  (weight 0.25, visible, requirement)",
        "  d_x_pow_x (hidden) is exact  (weight 0.25, hidden, requirement)",
        "  d_x_pow_x uses no autodiff  (weight 1, visible, requirement, source rule)",
        "Scoring:",
        "  An exercise scores its points times the weight of the checks it passes over the weight",
        "  of all its checks, except that a broken requirement scores it 0 and a rule on how an",
        "  entry works (a source rule, an exactness check) earns its weight only when its entry",
        "  passes at least one value check.",
    ]
    shown = json.loads(run("exercises", "show", "autodiff.dependency-graph", "--json").output)
    assert shown["entries"] == [
        {
            "name": "dependency_graph_answer",
            "signature": "str",
            "doc": "Your answer, in words and formulas.",
            "kind": "constant",
        }
    ]
    assert shown["checks"] == [] and shown["kind"] == "written"


def test_show_an_unknown_id_lists_the_known_ones():
    result = run("exercises", "show", "calculus.nope")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: unknown exercise 'calculus.nope'; known exercises: autodiff.backward-twice, "
    )


def test_stubs_writes_a_python_file_and_a_notebook(tmp_path):
    out = tmp_path / "handout"
    result = run("exercises", "stubs", str(out))
    assert result.output == f"Wrote {out}/solutions.py and {out}/solutions.ipynb (27 exercises).\n"
    source = (out / "solutions.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"l2", "limit_table", "tangent_line", "hvp", "jacobian_auto", "fun"} <= functions
    assert 'raise NotImplementedError("autodiff.detach: write z")' in source
    assert 'when_forward_answer: str = ""  # Your answer, in words and formulas.' in source
    assert "x_star: float | None = None  # A point where g′(x_star) = 0." in source
    assert "# *Calculate the derivative of $f(x) = x^x$.*" in source
    # the handout tells students to check themselves, never to run the grader
    assert "\n    gradkit check solutions.py\n" in source and "gradkit grade" not in source

    notebook = nbformat.read(out / "solutions.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[2].cell_type == "markdown"
    assert notebook.cells[2].source.startswith("## Matrix norms: columns, rows, Frobenius")
    assert "def col_norms(M):" in notebook.cells[3].source
    again = run("exercises", "stubs", str(out))
    assert again.exit_code == 1
    assert again.output == (
        f"Error: {out}/solutions.py, {out}/solutions.ipynb already exist; use --force to "
        "overwrite, or choose another OUTDIR\n"
    )
    assert run("exercises", "stubs", str(out), "--force", "--id", "autodiff.detach").output == (
        f"Wrote {out}/solutions.py and {out}/solutions.ipynb (1 exercise).\n"
    )


def test_stubs_of_an_assignment_name_it_in_the_self_check_command(tmp_path):
    out = tmp_path / "hw"
    assert run("exercises", "stubs", str(out), "--assignment", "d2l-2.5").exit_code == 0
    source = (out / "solutions.py").read_text(encoding="utf-8")
    assert "\n    gradkit check solutions.py --assignment d2l-2.5\n" in source
    notebook = (out / "solutions.ipynb").read_text(encoding="utf-8")
    assert "gradkit check solutions.ipynb --assignment d2l-2.5" in notebook


def test_verify_gives_full_marks_to_the_references():
    result = run("exercises", "verify", "calculus.x-to-the-x", "autodiff.when-forward")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "id                      score       status",
        "──────────────────────────────────────────",
        "calculus.x-to-the-x     1.00/1.00   passed",
        "autodiff.when-forward   0.00/0.00   manual",
    ]


def test_verify_fails_on_a_reference_that_breaks_its_checks(tmp_path):
    (tmp_path / "course.py").write_text(BROKEN_PLUGIN, encoding="utf-8")
    result = run("--plugins-dir", str(tmp_path), "exercises", "verify", "mycourse.abs", "--json")
    assert result.exit_code == 1
    (data,) = json.loads(result.stdout)
    assert (data["id"], data["status"], data["score"], data["max_score"]) == (
        "mycourse.abs",
        "failed",
        0.0,
        1.0,
    )
    assert data["failed"][0].startswith(
        "my_abs works under jit: the reference solution failed (a bug in the exercise)"
    )
