"""Each check judged on its own evidence, and debugging leftovers cost nothing (issue 10).

All submissions in tests/grading/evidence/ (and one with a syntax error, written here)
are graded in ONE sandboxed run:

- leftovers: ``print``, ``jax.debug.print``/``callback``/``breakpoint``,
  ``breakpoint()`` and ``pdb.set_trace()`` in every entry of correct answers;
- a ``jax.pure_callback`` gets its own message, and only its entry loses;
- gradkit's translations of JAX's tracing errors reach the feedback;
- an error on one input shape fails only the checks that sent that shape;
- a hidden check names neither the hidden input's shape nor its values;
- a SyntaxError names the student's file and line (a notebook's code cell and its line);
- ``input()`` outside a main guard says why it cannot be answered and what to do, and so
  do a module that is not installed and a name used in a cell above its definition.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from gradkit.grading._remote import Evaluator, Limits, RemoteCandidate
from gradkit.grading._runner import GradeOptions, grade_paths, select_exercises
from gradkit.grading._sandbox import choose_level
from gradkit.grading._score import ReferenceCache, grade_candidate
from gradkit.grading._submission import load_submission

HERE = Path(__file__).parent / "evidence"
EXERCISES = "norms.vector,autodiff.detach,autodiff.forward-or-reverse,autodiff.control-flow"
SUBMISSIONS = (
    "leftovers.py",
    "pure_callback.py",
    "book_while.py",
    "elementwise_l2.py",
    "vmap_dsin.py",
    "prints_then_fails.py",
    "top_level_input.py",
    "package_folder.py",
    "main_guard.py",
    "relative_dir",
)


def _write_notebook(path: Path, *code: str) -> None:
    """A notebook of a markdown cell and then these code cells."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Homework")]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in code]
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    typo = tmp_path_factory.mktemp("typo") / "hw2_typo.py"
    typo.write_text("import jax.numpy as jnp\n\n\ndef l1(v)\n    return jnp.sum(v)\n")
    _write_notebook(
        typo.parent / "hw3.ipynb",
        "%matplotlib inline\nimport jax.numpy as jnp",
        "def dsin(x):\n    return jnp.cos(x)\n\ndef l1(v)\n    return 0",
    )
    _write_notebook(  # run out of order: a cell uses `l1` before the cell defining it
        typo.parent / "hw4.ipynb",
        "import jax.numpy as jnp\nprint(l1(jnp.ones(3)))",
        "def l1(v):\n    return jnp.sum(jnp.abs(v))",
    )
    _write_notebook(  # Run All stops at the third cell; the norms above it are answers
        typo.parent / "hw5.ipynb",
        "from __future__ import annotations\nimport jax\nimport jax.numpy as jnp",
        "def l1(v: Vector) -> float:\n    return jnp.sum(jnp.abs(v))\n\n"
        "def l2(v):\n    sq = jnp.sum(v * v)\n    safe = jnp.where(sq > 0, sq, 1.0)\n"
        "    return jnp.where(sq > 0, jnp.sqrt(safe), 0.0)\n\n"
        "def linf(v):\n    return jnp.max(jnp.abs(v))",
        "print(l1(jnp.ones(3)))\n1 / 0",
        "def dsin(x):\n    return jnp.vectorize(jax.grad(jnp.sin))(x)",
    )
    paths = [str(HERE / name) for name in SUBMISSIONS] + [
        str(typo),
        str(typo.parent / "hw3.ipynb"),
        str(typo.parent / "hw4.ipynb"),
        str(typo.parent / "hw5.ipynb"),
    ]
    options = GradeOptions(jobs=2, timeout=30.0, memory_mb=2048, seed=3)
    specs = select_exercises(EXERCISES + ",autodiff.sin-derivative")
    return grade_paths(paths, specs, options)


@pytest.fixture(scope="module")
def graded(report):
    """{submission: {exercise id: ExerciseResult}}."""
    return {Path(s.path).name: {e.id: e for e in s.exercises} for s in report.submissions}


def _submission(report, name: str):
    """The one graded submission whose path ends with ``name``."""
    (found,) = [s for s in report.submissions if s.path.endswith(name)]
    return found


def _checks(graded, name: str, exercise: str) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.passed, c.message) for c in graded[name][exercise].checks}


def test_debugging_leftovers_cost_nothing(graded):
    for exercise in ("norms.vector", "autodiff.detach", "autodiff.forward-or-reverse"):
        result = graded["leftovers.py"][exercise]
        assert result.score == result.max_score, _checks(graded, "leftovers.py", exercise)


def test_a_pure_callback_gets_its_own_message_and_costs_only_its_entry(graded):
    checks = _checks(graded, "pure_callback.py", "norms.vector")
    failed = {name for name, (passed, _) in checks.items() if not passed}
    assert failed == {"linf values", "linf (hidden)"}
    assert checks["linf values"][1].startswith(
        "`linf` failed (error): tracing linf (call): `jax.pure_callback` runs Python "
        "(numpy, scipy, ...) on the values, which graded code cannot do: the grader runs your "
        "function as a compiled JAX program. Compute the result with jax.numpy (jnp) instead"
    )
    # the spill-over of issue 10: another entry's callback never costs jacobian_auto
    result = graded["pure_callback.py"]["autodiff.forward-or-reverse"]
    assert result.score == result.max_score


def test_what_an_entry_printed_is_shown_for_visible_inputs_only(graded):
    checks = _checks(graded, "prints_then_fails.py", "autodiff.control-flow")
    passed, text = checks["fun values"]  # an eager check: public inputs
    assert not passed
    assert re.fullmatch(
        r"`fun` failed \(error\): fun raised ValueError: TODO: the while loop "
        r"\(it printed 'fun got -?[\d.]+ - still working on the loop'\) \(fun\(-?[\d.]+\)\)",
        text,
    ), text
    for name, (_, message) in checks.items():
        if name != "fun values":
            assert "printed" not in message, (name, message)


def test_the_books_python_while_shows_gradkits_translation(graded):
    import jax
    import jax.numpy as jnp

    import gradkit as gk
    from gradkit._autodiff import _translate

    def fun(a):
        b = a * 2
        while jnp.linalg.norm(b) < 1000:
            b = b * 2
        return b

    with pytest.raises(gk.TracedControlFlowError) as raised, _translate("fun", "jax.jit"):
        jax.jit(fun)(jnp.ones(2))
    message = str(raised.value)
    assert "gk.while_loop" in message and "jax.lax.cond" in message
    passed, text = _checks(graded, "book_while.py", "autodiff.control-flow")["fun works under jit"]
    assert not passed
    assert text.startswith(
        "`fun` failed (error): tracing fun (jit) raised TracedControlFlowError: "
        f"{message} (jit(fun)("
    )


def test_a_gradient_of_a_non_scalar_shows_gradkits_message(graded):
    passed, text = _checks(graded, "elementwise_l2.py", "norms.vector")["grad(l2) elsewhere"]
    assert not passed
    assert (
        "raised NotDifferentiableError: jax.grad needs l2 to return a scalar, but it returned "
        "shape (5,) (PyTorch's y.backward() needs a scalar too)" in text
    )


def test_hidden_checks_name_no_shape_and_no_value(graded):
    for name, exercises in graded.items():
        for result in exercises.values():
            for check in result.checks:
                if check.visibility == "hidden" and not check.passed:
                    assert not re.search(r"\(\d|\d,\)|\[\d|shape \d", check.message), (
                        name,
                        check.message,
                    )
    passed, text = _checks(graded, "elementwise_l2.py", "norms.vector")["l2 (hidden)"]
    assert not passed
    assert text == ("wrong at 3 of 3 hidden inputs: result does not have the reference's shape")


def test_an_error_on_one_input_fails_only_the_checks_that_sent_it(graded):
    checks = _checks(graded, "vmap_dsin.py", "autodiff.sin-derivative")
    assert checks["dsin values"] == (True, "matches the reference at 2 sampled inputs")
    assert checks["dsin (hidden)"][0]
    passed, text = checks["dsin on a matrix"]
    assert not passed
    assert "Output had shape: (3,)" in text
    # the message names this check's own (2-D) input, not a 1-D one of another check
    assert re.search(r"\(dsin\(\[\[[^\]]*\], \[[^\]]*\]\]\)\)$", text), text


def test_a_syntax_error_names_the_students_file_and_line(report):
    typo = _submission(report, "hw2_typo.py")
    assert typo.message == (
        "the submission could not be run: importing the submission raised "
        "SyntaxError: expected ':' (hw2_typo.py, line 4)"
    )
    assert "submission.py" not in typo.message


def test_input_at_the_top_level_says_what_to_do(report):
    script = _submission(report, "top_level_input.py")
    assert script.message == (
        "the submission could not be run: importing the submission raised EOFError: input() "
        "waits for someone to type, and no one types while your file is graded: remove the "
        'call, or put it under `if __name__ == "__main__":` (the grader imports your file and '
        "does not run that block) (top_level_input.py, line 4)"
    )


def test_a_module_that_is_not_there_says_what_to_do(report):
    script = _submission(report, "package_folder.py")
    assert script.message == (
        "the submission could not be run: importing the submission raised "
        "ModuleNotFoundError: No module named 'my_utils' (package_folder.py, line 3); "
        "`my_utils` is not installed where your code is graded: import only jax, numpy and "
        "the modules your course lists, and keep a module of your own as a .py file next to "
        "your main file (the grader reads those, not folders)"
    )


def test_a_package_folder_imports_its_helpers_relatively(graded):
    result = graded["relative_dir"]["norms.vector"]
    assert result.score == result.max_score, _checks(graded, "relative_dir", "norms.vector")


def test_an_entry_defined_only_under_the_main_guard_says_so(graded):
    checks = _checks(graded, "main_guard.py", "norms.vector")
    assert checks["l1 values"][0]
    guard = 'it is defined under `if __name__ == "__main__":` (main_guard.py, line {}), which'
    assert checks["l2 values"] == (
        False,
        f"`l2` is not defined: {guard.format(11)} does not run when the grader imports your "
        "file: define it above that block",
    )
    assert checks["linf (hidden)"][1].startswith(f"`linf` is not defined: {guard.format(14)}")


def test_a_name_defined_in_a_later_cell_says_the_cells_run_in_order(report):
    notebook = _submission(report, "hw4.ipynb")
    assert notebook.message == (
        "the notebook stopped: running the notebook raised NameError: "
        "name 'l1' is not defined (hw4.ipynb, code cell 1, line 2); `l1` is defined further "
        "down (code cell 2, line 1): your code runs once, from top to bottom (in Jupyter, "
        "Kernel → Restart & Run All does the same): move the definition up; the cells after "
        "it did not run"
    )
    assert notebook.score == 0


def test_a_notebook_runs_as_run_all_does_up_to_the_cell_that_fails(report, graded):
    """Cells run one by one: those above the failing one count, as in Jupyter."""
    notebook = _submission(report, "hw5.ipynb")
    assert notebook.message == (
        "the notebook stopped: running the notebook raised ZeroDivisionError: division by "
        "zero (hw5.ipynb, code cell 3, line 2); the cells after it did not run"
    )
    norms = graded["hw5.ipynb"]["norms.vector"]
    assert norms.score == norms.max_score, _checks(graded, "hw5.ipynb", "norms.vector")
    dsin = _checks(graded, "hw5.ipynb", "autodiff.sin-derivative")
    assert dsin["dsin values"] == (
        False,
        "`dsin` is not defined: the notebook stopped at an error before defining it",
    )


def test_a_notebook_error_names_the_code_cell_and_its_line(report, graded):
    notebook = _submission(report, "hw3.ipynb")
    assert notebook.message == (
        "notebook: dropped 1 IPython magic/shell line(s); the notebook stopped: running the "
        "notebook raised SyntaxError: expected ':' (hw3.ipynb, code cell 2, line 4); the "
        "cells after it did not run"
    )
    # dsin is in the cell that does not parse: as in Jupyter, it was never defined
    rule = _checks(graded, "hw3.ipynb", "autodiff.sin-derivative")["dsin does not use `cos`"]
    assert rule == (
        False,
        "`dsin` is not defined: the notebook stopped at an error before defining it",
    )


def test_artifacts_exported_apart_are_evaluated_apart():
    """Root cause of the `jacobian_auto(probe.tall, x)` spill-over ("expects 1 arguments, got 2").

    When one entry's trouble makes the worker export every call alone, the
    values check and the cost check of ``jacobian_auto`` on the tall probe are
    the same call on the same shape: byte-identical artifacts. They were
    merged as one artifact, given both checks' inputs, and both failed.
    """
    limits = Limits(choose_level("auto"), timeout=30.0)
    specs = select_exercises("autodiff.forward-or-reverse")
    evaluator = Evaluator(limits)
    candidate = _remote("leftovers.py", limits, evaluator)
    candidate._combined = False  # as after an entry broke the combined artifact
    try:
        (result,) = grade_candidate(candidate, specs, seed=3, references=ReferenceCache())
    finally:
        candidate.close()
        evaluator.close()
    assert [(c.name, c.passed) for c in result.checks] == [
        ("Jacobian of a wide function", True),
        ("Jacobian of a tall function", True),
        ("cost ≤ 4× best on R²⁵⁶ → R²", True),
        ("cost ≤ 4× best on R² → R²⁵⁶", True),
        ("jacobian_auto uses autodiff", True),
    ]


def _remote(name: str, limits: Limits, evaluator: Evaluator) -> RemoteCandidate:
    submission = load_submission(HERE / name)
    return RemoteCandidate(submission.files, submission.order, submission.source, evaluator, limits)


@pytest.mark.parametrize("combined", [True, False])
def test_the_vmap_dsin_passes_its_1d_checks_at_every_seed(combined):
    limits = Limits(choose_level("auto"), timeout=30.0)
    evaluator = Evaluator(limits)
    candidate = _remote("vmap_dsin.py", limits, evaluator)
    candidate._combined = combined
    specs = select_exercises("autodiff.sin-derivative")
    references = ReferenceCache()
    try:
        for seed in range(6):
            (result,) = grade_candidate(candidate, specs, seed=seed, references=references)
            verdicts = {c.name: c.passed for c in result.checks}
            assert verdicts == {
                "dsin values": True,
                "dsin on a matrix": False,
                "dsin (hidden)": True,
                "dsin does not use `cos`": True,
                "dsin uses autodiff": True,
            }, seed
    finally:
        candidate.close()
        evaluator.close()
