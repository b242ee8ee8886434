"""Red-team regressions: submissions that earned undeserved points, broke the run
or were scored wrong although honest. All are graded in ONE run (tests/grading/redteam/).

- "must not use" checks: an entry rebound through ``globals()`` or a ``global``
  statement, a name looked up with ``vars()``, forbidden code in a sibling module
  of a directory submission or in a module a notebook writes with ``%%writefile``
  (and the honest versions of those, which must pass), a decoy ``jax.py`` beside the
  entries that the rules took for the ``jax`` of ``jax.grad`` (the worker imports JAX),
  forbidden code in a module the submission writes while it runs and then imports (a new
  name, or the name of an installed module the worker has not imported: the worker looks
  in its working directory last); the worker refuses to import such a module at all: one
  imported for its side effect only (it rebinds the entry), a stdlib name after
  ``sys.path.insert(0, ".")``, a zip archive in /tmp on the path, a symlink, a helper of a
  directory submission rewritten before it is imported;
- by hand: a finite difference (Richardson's, right to about 1e-10) uses no forbidden
  name and is not exact to rounding; a complex step is exact, but computes with complex
  numbers inside a real function, which the evaluator sees however its source spells
  them (``.imag``, or an i out of an FFT);
- Python numbers: `.item()`, `.tolist()` and format specs work on traced values; `float()`
  of an answer is judged untraced on the visible inputs (the hidden ones cannot be);
- cost checks: a loop (``fori_loop``) hides n passes from XLA's cost analysis;
- constants: ``10**400`` and a 6000-digit int crashed the whole grader run; a
  numpy scalar ``x_star`` was refused;
- autodiff out of the rules' sight: ``jax.grad`` put in a list by an ``__eq__`` the
  rules take for a comparison, or kept in an enum member reached by iteration; the
  evaluator finds JAX's differentiation steps in the compiled program, which breaks the
  rule whatever the source says;
- results: a bfloat16 result crashed the evaluator (and blamed its neighbours);
- notebooks: ``files = !ls`` and ``f?`` lines made an honest notebook a SyntaxError, and
  so did a top-level ``await asyncio.sleep(...)`` (IPython runs it); a
  notebook whose run stops at an error before its hand-written ``df`` (a scratch
  ``jax.grad`` answer above) was read as that ``df``, while the grader ran the scratch one.
"""

from __future__ import annotations

import math
import socket
import struct
import time
from pathlib import Path

import pytest

from gradkit._sandboxed import ChannelError, recv
from gradkit.grading._checks_special import _is_number
from gradkit.grading._runner import GradeOptions, grade_paths, select_exercises
from gradkit.grading._source import usage
from gradkit.grading._submission import notebook_code

HERE = Path(__file__).parent / "redteam"
EXERCISES = (
    "autodiff.sin-derivative,autodiff.chain-rule-by-hand,autodiff.second-derivative-cost,"
    "autodiff.forward-or-reverse,calculus.stationary-point,norms.vector"
)
SUBMISSIONS = (
    "globals_rebind.py",
    "global_statement.py",
    "vars_lookup.py",
    "helper_dir",
    "honest_dir",
    "helper_notebook.ipynb",
    "honest_notebook.ipynb",
    "stopped_notebook.ipynb",
    "stopped_in_cell.ipynb",
    "honest_stopped.ipynb",
    "honest_await.ipynb",
    "shadow_dir",
    "shadow_notebook.ipynb",
    "runtime_module.py",
    "shadow_installed.py",
    "written_side_effect.py",
    "written_stdlib.py",
    "written_zip.py",
    "written_symlink.py",
    "rewritten_dir",
    "optional_module_dir",
    "loop_cost.py",
    "huge_int.py",
    "big_int.py",
    "numpy_scalar.py",
    "notebook.ipynb",
    "leak_tracer.py",
    "cost_at_size.py",
    "finite_difference.py",
    "complex_step.py",
    "complex_step_unnamed.py",
    "python_numbers.py",
    "autodiff_compared_box.py",
    "autodiff_enum_member.py",
)


@pytest.fixture(scope="module")
def report():
    paths = [str(HERE / name) for name in SUBMISSIONS]
    options = GradeOptions(jobs=2, timeout=20.0, memory_mb=2048, seed=1)
    return grade_paths(paths, select_exercises(EXERCISES), options)


@pytest.fixture(scope="module")
def checks(report):
    """{submission: {check name: (passed, message)}} from one grading run."""
    return {
        Path(s.path).name: {c.name: (c.passed, c.message) for e in s.exercises for c in e.checks}
        for s in report.submissions
    }


def test_every_submission_was_graded(checks):
    assert sorted(checks) == sorted(SUBMISSIONS)


@pytest.mark.parametrize(
    ("name", "check", "word"),
    [
        ("globals_rebind.py", "dsin does not use `cos`", "`cos`"),
        ("globals_rebind.py", "df uses no autodiff", "`grad`"),
        ("global_statement.py", "dsin does not use `cos`", "`cos`"),
        ("vars_lookup.py", "dsin does not use `cos`", "`vars`"),
        ("helper_dir", "dsin does not use `cos`", "`cos`"),
        ("helper_dir", "df uses no autodiff", "`grad`"),
        ("helper_notebook.ipynb", "dsin does not use `cos`", "`cos`"),
        ("helper_notebook.ipynb", "df uses no autodiff", "`grad`"),
        ("shadow_dir", "df uses no autodiff", "`grad`"),
        ("shadow_notebook.ipynb", "df uses no autodiff", "`grad`"),
        # the run stopped at cell 4: `df` is the scratch answer, not cell 5's (never ran)
        ("stopped_notebook.ipynb", "df uses no autodiff", "`grad`"),
        # ...and at cell 3's first line: the `def df` below it in that cell never ran either
        ("stopped_in_cell.ipynb", "df uses no autodiff", "`grad`"),
        ("runtime_module.py", "df uses no autodiff", "`zz_helpers` (line 13): dynamic code"),
        ("complex_step.py", "df uses no autodiff", "`imag` (line 12)"),
    ],
)
def test_hidden_forbidden_names_fail_the_avoids_check(checks, name, check, word):
    passed, message = checks[name][check]
    assert not passed and word in message, message


def test_a_finite_difference_or_a_complex_step_scores_nothing_by_hand(report, checks):
    passed, message = checks["finite_difference.py"]["df is exact"]
    assert not passed and message.startswith("`df` is close to the reference but not exact: ")
    assert checks["finite_difference.py"]["df values"][0]
    assert checks["finite_difference.py"]["df uses no autodiff"][0]
    for name in ("complex_step.py", "complex_step_unnamed.py"):
        for check in ("df is exact", "df (hidden) is exact"):
            passed, message = checks[name][check]
            assert not passed and message.startswith(
                "`df` computes with complex numbers, though its inputs and result are real: "
                "that is a complex-step derivative"
            ), message
        assert checks[name]["df values"][0] and checks[name]["df (hidden)"][0]
    assert checks["complex_step_unnamed.py"]["df uses no autodiff"][0]  # no name tells
    for s in report.submissions:
        if Path(s.path).name in (
            "finite_difference.py",
            "complex_step.py",
            "complex_step_unnamed.py",
        ):
            (by_hand,) = [e for e in s.exercises if e.id == "autodiff.chain-rule-by-hand"]
            assert by_hand.score == 0, by_hand


def test_python_numbers_cost_only_what_tracing_cannot_run(checks):
    got = checks["python_numbers.py"]
    # `.item()`, `.tolist()` and `f"{x:.4f}"` work on traced values too
    for name in ("l1 values", "l1 (hidden)", "linf values", "linf (hidden)"):
        assert got[name][0], (name, got[name])
    # `float(...)` needs a value: the visible inputs are run untraced, the hidden ones cannot be
    assert got["l2 values"] == (True, "matches the reference at 2 sampled inputs")
    passed, message = got["l2 (hidden)"]
    assert not passed and "raised TracedControlFlowError: l2 used a traced value" in message
    assert "while the grader (it runs every entry traced, as jax.jit does, on hidden" in message


@pytest.mark.parametrize("name", ["honest_dir", "honest_notebook.ipynb"])
def test_honest_helpers_beside_the_entries_pass_the_avoids_checks(checks, name):
    got = checks[name]
    assert got["dsin does not use `cos`"][0], got["dsin does not use `cos`"]
    assert got["df uses no autodiff"][0], got["df uses no autodiff"]
    assert got["df values"][0] and got["dsin values"][0]
    mine = {name: c for name, c in got.items() if name.startswith(("dsin ", "df "))}
    assert len(mine) >= 6 and all(passed for passed, _ in mine.values()), mine


def test_a_notebook_says_which_files_its_writefile_cells_wrote(report):
    (sub,) = [s for s in report.submissions if s.path.endswith("honest_notebook.ipynb")]
    assert sub.message == (
        "notebook: dropped 1 IPython magic/shell line(s); notebook: its %%writefile cells "
        "wrote helpers.py, which the grader put beside it before its first cell ran"
    )


def test_a_loop_cannot_hide_its_cost(checks):
    got = checks["loop_cost.py"]
    assert got["hvp values"][0]  # the values are right...
    for check in (
        "cost ≤ 4× forward-over-reverse at n = 256",
        "cost ≤ 4× best on R²⁵⁶ → R²",
        "cost ≤ 4× best on R² → R²⁵⁶",
    ):
        passed, message = got[check]  # ...but n passes in a loop are not cheap
        assert not passed and "runs a loop" in message, message


def test_a_cost_counts_only_for_right_answers_at_the_measured_input(checks):
    got = checks["cost_at_size.py"]
    assert got["hvp values"][0] and got["hvp (hidden)"][0]
    for check in ("cost ≤ 4× forward-over-reverse at n = 256", "cost ≤ 4× best on R²⁵⁶ → R²"):
        passed, message = got[check]
        assert not passed and "whose cost is measured" in message, message


def test_huge_constants_are_refused_without_breaking_the_run(checks):
    for name in ("huge_int.py", "big_int.py"):
        passed, message = checks[name]["g′(x_star) = 0"]
        assert not passed, message
        assert len(message) < 300
        assert checks[name]["g finite"][0]


def test_a_numpy_scalar_constant_is_a_number(checks):
    passed, message = checks["numpy_scalar.py"]["g′(x_star) = 0"]
    assert passed, message


def test_a_bfloat16_result_is_refused_for_its_entry_only(checks):
    got = checks["numpy_scalar.py"]
    passed, message = got["l2 values"]
    assert not passed and "bfloat16" in message and "crash" not in message, message
    assert got["l1 values"][0] and got["linf values"][0] and got["l1 (hidden)"][0]
    assert got["dsin values"][0]


def test_an_honest_notebook_with_ipython_lines_passes(checks):
    got = checks["notebook.ipynb"]
    assert all(got[c][0] for c in got if c.startswith("dsin")), got


def test_hidden_inputs_cannot_reach_a_visible_answer(report, checks):
    from gradkit.grading._score import check_rng

    shown = set()
    for spec in select_exercises("norms.vector"):
        for i, check in enumerate(spec.checks):
            if check.hidden:
                for request in check.requests(check_rng(report.seed, spec.id, i)):
                    shown |= {f"{v:.6f}" for v in request.args[0].ravel()}
    got = checks["leak_tracer.py"]
    assert got["grad(l2) elsewhere"][0], got["grad(l2) elsewhere"]
    assert [m for _, m in got.values() for v in shown if v in m] == []


# fast unit tests of the same fixes


def test_usage_sees_rebinding_and_siblings():
    rebind = "import jax.numpy as jnp\ndef f(x):\n    return x\nsetattr(mod, 'f', jnp.cos)\n"
    assert "cos" in usage(rebind, "f").names
    clean = "import jax.numpy as jnp\ndef f(x):\n    return x\nprint(jnp.cos(1.0))\n"
    assert "cos" not in usage(clean, "f").names  # no rebinding: top-level code is not read
    files = {
        "solutions.py": "import h as k\nfrom h import good\ndef f(x):\n    return good(x)\n"
        "def g(x):\n    return k.bad(x)\ndef m(x):\n    return k\n",
        "h.py": "def good(x):\n    return x\ndef bad(x):\n    return cos(x)\n",
        "broken.py": "def (:\n",
    }
    assert "cos" not in usage(files, "f").names
    assert "cos" in usage(files, "g").names
    assert "cos" in usage(files, "m").names  # the module itself: all of it


def test_notebook_drops_ipython_only_lines_and_keeps_python():
    import json

    cell = "x = !ls\nf?\njnp.sin??\n?f\na, b = %sx ls\ny = x % 2\nz = x != 3\nprint('?')\n"
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": "a",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": cell,
            }
        ],
    }
    code, dropped = notebook_code(json.dumps(nb))
    assert dropped == 5
    # blanked, not removed: the cell's own line numbers still hold (`x = !ls` binds
    # `x` to no lines of output: no shell runs)
    listed = "from IPython.utils.text import SList as _gk_SList; x = _gk_SList()"
    lines = ["# %% code cell 1", listed, *[""] * 4, "y = x % 2", "z = x != 3", "print('?')"]
    assert code.split("\n")[:9] == lines


def test_notebook_keeps_the_python_of_a_time_cell():
    import json

    def cell(source: str) -> dict:
        return {
            "cell_type": "code",
            "id": str(len(source)),
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": source,
        }

    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [cell("%%time\ndef f(x):\n    return x\n"), cell("%%bash\necho hi\nls\n")],
    }
    code, dropped = notebook_code(json.dumps(nb))
    assert code.split("\n")[:4] == ["# %% code cell 1", "", "def f(x):", "    return x"]
    assert "echo" not in code and dropped == 4


def test_is_number_refuses_ints_too_large_for_a_float():
    assert _is_number(1) and _is_number(1.5)
    assert not _is_number(10**400) and not _is_number(math.nan) and not _is_number(True)


def test_recv_refuses_a_header_with_an_overlong_int():
    a, b = socket.socketpair()
    try:
        text = b'{"_buffers": [], "x": ' + b"9" * 5000 + b"}"
        a.sendall(struct.pack(">I", len(text)) + text)
        with pytest.raises(ChannelError) as error:
            recv(b, time.monotonic() + 5, 1 << 20)
        assert error.value.kind == "invalid"
    finally:
        a.close()
        b.close()


def test_junit_stays_well_formed_with_control_characters_in_feedback():
    import xml.etree.ElementTree as ET

    from gradkit.grading._reports import to_junit
    from gradkit.grading._results import CheckResult, ExerciseResult, SubmissionResult
    from gradkit.grading._runner import Report

    # a submission's exception text reaches the feedback: `raise ValueError("\x01\x1b[2J")`
    check = CheckResult("values", False, 1.0, "visible", "raised ValueError: \x01\x1b[2J\x00")
    exercise = ExerciseResult("x.y", "X", 0.0, 1.0, "failed", (check,))
    sub = SubmissionResult("a\x02.py", 0.0, 1.0, "failed", (exercise,))
    report = Report("0", 1, "limits", ("x.y",), (sub,))
    root = ET.fromstring(to_junit(report).split("?>", 1)[1])
    message = root.find("testsuite/testcase/failure").get("message")
    # shown visibly, cleaned once when the record was made (never raw, never lost)
    assert message == "0/1 points: raised ValueError: \\x01\\x1b[2J\\x00"


def test_a_notebook_without_cell_ids_is_read_without_a_warning():
    # nbformat 4.5 wants cell ids; a hand-edited notebook may lack them, and the
    # grader must neither warn about it (warnings are errors here) nor refuse it
    import json

    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [{**cell, "source": "x = 1\n%time y = 2"}],
    }
    assert notebook_code(json.dumps(nb)) == ("# %% code cell 1\nx = 1\ny = 2\n", 1)


@pytest.mark.parametrize("name", ["shadow_dir", "shadow_notebook.ipynb"])
def test_a_decoy_module_named_like_jax_is_left_out_and_named(report, name):
    (sub,) = [s for s in report.submissions if s.path.endswith(name)]
    assert sub.message.endswith(
        "jax.py is named like a module Python has already (the standard library's or an "
        "installed one), which an import finds instead: the grader left it out; rename it, "
        "e.g. my_jax.py"
    )
    checks = {c.name: c for e in sub.exercises for c in e.checks}
    assert checks["df values"].passed  # the real JAX ran: right values, forbidden means


@pytest.mark.parametrize(
    ("name", "module", "why"),
    [
        ("written_side_effect.py", "zz_side", "zz_side.py was written"),
        ("written_stdlib.py", "colorsys", "colorsys.py was written"),
        ("written_zip.py", "zz_zipped", "/tmp/data.bin/zz_zipped.py was written"),
        ("written_symlink.py", "cycler", "cycler.py was written"),
        ("rewritten_dir", "helpers", "helpers.py was changed"),
    ],
)
def test_a_module_written_or_changed_as_the_submission_runs_is_never_imported(
    report, checks, name, module, why
):
    (sub,) = [s for s in report.submissions if Path(s.path).name == name]
    assert sub.message.startswith(
        "the submission could not be run: importing the submission raised "
        f"ModuleNotFoundError: No module named '{module}': {why} while the submission ran, "
        "and the grader imports only the files it was given (hand in helpers as files beside "
        "your submission) ("
    ), sub.message
    assert "is not installed where your code is graded" not in sub.message
    assert not any(passed for passed, _ in checks[name].values()), checks[name]


def test_a_file_nothing_imports_is_not_given_to_the_worker(checks):
    # yaml.py would have run when numpy looked for an optional `yaml`
    passed, message = checks["optional_module_dir"]["df values"]
    assert not passed and "NameError: name 'slope' is not defined" in message, message


def test_the_report_says_which_files_did_not_run(report):
    (sub,) = [s for s in report.submissions if s.path.endswith("optional_module_dir")]
    assert "yaml.py: nothing the submission runs imports it, so it did not run" in sub.message


def test_a_module_written_as_it_runs_never_replaces_an_installed_one(checks):
    passed, message = checks["shadow_installed.py"]["df values"]
    assert not passed and "cannot import name 'd' from 'click'" in message, message


@pytest.mark.parametrize("name", ["autodiff_compared_box.py", "autodiff_enum_member.py"])
def test_autodiff_the_source_rules_miss_is_found_in_the_compiled_program(report, checks, name):
    passed, message = checks[name]["df uses no autodiff"]
    assert not passed
    assert message.startswith(
        "`df` computes with automatic differentiation as it runs: JAX's differentiation "
        "steps (jvp, transpose) are in its compiled program at df("
    ), message
    assert checks[name]["df values"][0]  # right values: only the rule tells
    (submission,) = [s for s in report.submissions if Path(s.path).name == name]
    assert {e.id: e.score for e in submission.exercises}["autodiff.chain-rule-by-hand"] == 0.0


def test_a_notebook_that_stops_is_read_as_far_as_it_ran(checks):
    # the hand-written `df` ran before the failing plot: it is the entry
    assert checks["honest_stopped.ipynb"]["df uses no autodiff"][0]
    assert checks["honest_stopped.ipynb"]["df values"][0]


def test_a_notebook_cell_may_await_at_its_top_level(report, checks):
    (sub,) = [s for s in report.submissions if s.path.endswith("honest_await.ipynb")]
    assert "stopped" not in sub.message, sub.message
    assert checks["honest_await.ipynb"]["df values"][0]
