"""Autograder bundles, run offline in simulated trees; the scaffold end to end; self-checks."""

from __future__ import annotations

import json
import os
import re
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

import gradkit as gk
from gradkit._autograder import failure_results, find_upload
from gradkit._cli import cli

RIGHT = "from helpers import square\n\n\ndef d_cube(x):\n    return 3 * square(x)\n"
HELPERS = "def square(x):\n    print('checking', x)\n    return x * x\n"
WRONG = "import jax\n\nd_cube = lambda x: jax.vmap(jax.grad(lambda t: t**2))(x)\n"


pytestmark = pytest.mark.usefixtures("host")


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _notebook(*cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.writes(nb)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"hw2.py": ""}, "."),
        ({"solutions.py": "", "helpers.py": ""}, "."),
        ({"hw2/solutions.py": "", "hw2/helpers.py": "", "__MACOSX/._x.py": ""}, "hw2"),
        ({"answers.ipynb": "{}"}, "answers.ipynb"),
        ({"a.ipynb": "{}", "solutions.ipynb": "{}"}, "solutions.ipynb"),
        ({"notes.txt": "", "sub/work.ipynb": "{}", ".hidden/x.py": ""}, "sub/work.ipynb"),
    ],
)
def test_find_upload_grades_whatever_was_uploaded(tmp_path: Path, files, expected):
    found = find_upload(_write(tmp_path, files))
    assert found == (tmp_path if expected == "." else tmp_path / expected)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"notes.txt": ""}, "the upload holds no .py file and no .ipynb notebook: upload your"),
        ({"a.ipynb": "{}", "b.ipynb": "{}"}, r"the upload holds 2 notebooks \(a.ipynb, b.ipynb\)"),
    ],
)
def test_an_upload_with_nothing_to_grade_says_what_to_upload(tmp_path: Path, files, message):
    with pytest.raises(gk.GradingError, match=message):
        find_upload(_write(tmp_path, files))


def test_run_always_writes_results_json(tmp_path: Path):
    results = tmp_path / "results" / "results.json"
    (tmp_path / "submission").mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "autograder",
            "run",
            "--assignment",
            "d2l-2.5",
            "--seed",
            "1",
            "--submission",
            str(tmp_path / "submission"),
            "--results",
            str(results),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(results.read_text())
    assert data == failure_results(
        "the upload holds no .py file and no .ipynb notebook: upload your solutions.py "
        "(or solutions.ipynb)",
        15.0,
    )
    assert data["score"] == 0.0 and data["tests"][0]["max_score"] == 15.0


def test_self_check_runs_visible_checks_only_and_renders_html():
    import jax.numpy as jnp

    def grad_f(x):
        return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])

    result = gk.check("calculus.gradient", grad_f)
    assert result.passed and result.hidden == 2
    assert [c.name for c in result.result.checks] == [
        "grad_f shape",
        "grad_f values",
        "grad_f works under vmap",
        "grad_f is exact",
        "grad_f works under vmap is exact",
        "grad_f uses no autodiff",
    ]  # "grad_f (hidden)" and "grad_f (hidden) is exact" never ran
    assert str(result).splitlines()[0] == "calculus.gradient: 6 of 6 visible checks pass"
    assert str(result).splitlines()[-1] == (
        "2 hidden checks did not run: they run only when your work is graded, so the grade "
        "may be lower than this"
    )
    html = result._repr_html_()
    assert html.startswith("<div class='gradkit-check'>") and "grad_f values" in html

    def wrong(x):
        return jnp.array([6 * x[0], 4 * jnp.exp(x[1])])

    bad = gk.check("calculus.gradient", grad_f=wrong)
    assert not bad.passed
    assert str(bad).splitlines()[0] == "calculus.gradient: 4 of 6 visible checks pass"
    assert "✗ grad_f values: grad_f([" in str(bad)
    with pytest.raises(gk.InvalidInputError, match="'calculus.gradient' has no entry 'grad_g'"):
        gk.check("calculus.gradient", grad_g=wrong)
    with pytest.raises(gk.InvalidInputError, match=r"has 1 entry \(grad_f\), but 2 were given"):
        gk.check("calculus.gradient", wrong, wrong)


def _venv_with_this_environment(where: Path) -> Path:
    """A fresh venv that sees this environment's packages (offline, no copies)."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    (purelib,) = Path(where).glob("lib/python*/site-packages")
    parents = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "zz_parent_env.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in parents)
    )
    return where / "bin"


@pytest.mark.slow
def test_new_plugin_to_a_graded_gradescope_upload_offline(tmp_path: Path):
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PIP_NO_INDEX": "1"}
    env.pop("GRADKIT_PLUGINS_DIR", None)
    # the nested pytest is no xdist worker (pytest-benchmark would warn, an error there)
    for name in [k for k in env if k.startswith("PYTEST_XDIST")]:
        env.pop(name)

    def sh(*argv: str | Path, cwd: Path = tmp_path, **extra: str) -> str:
        out = subprocess.run(
            [str(a) for a in argv], cwd=cwd, env={**env, **extra}, capture_output=True, text=True
        )
        assert out.returncode == 0, f"{argv}:\n{out.stdout}\n{out.stderr}"
        return out.stdout

    sh(sys.executable, "-m", "gradkit", "new-plugin", "demo")
    package = tmp_path / "gradkit-demo"
    bin_ = _venv_with_this_environment(tmp_path / "venv")
    sh(bin_ / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", package)
    tests = sh(bin_ / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    assert re.search(r"^6 passed", tests, re.M), tests  # gradkit_verify ran: it is installed

    sh(
        bin_ / "python",
        "-m",
        "gradkit",
        "autograder",
        "gradescope",
        "--assignment",
        "demo-hw1",
        "-o",
        "hw1.zip",
        "--seed",
        "5",
    )
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "hw1.zip") as archive:
        names = sorted(archive.namelist())
        archive.extractall(root / "source")
    assert names[:2] == ["run_autograder", "setup.sh"]
    assert sorted(n.split("-")[0] for n in names[2:]) == ["wheels/gradkit", "wheels/gradkit_demo"]
    for name in ("setup.sh", "run_autograder"):
        (root / "source" / name).chmod(0o755)
    # the test venv borrows this environment's packages through a .pth file, which the
    # namespaces sandbox's minimal root does not hold; on Gradescope they are in the venv
    grading_env = {
        "GRADKIT_VENV": str(tmp_path / "venv"),
        "GRADKIT_AUTOGRADER_ROOT": str(root),
        "GRADKIT_SANDBOX": "limits",
    }
    sh("bash", root / "source" / "setup.sh", GRADKIT_PYTHON=str(bin_ / "python"), **grading_env)

    def upload(files: dict[str, str]) -> dict:
        for folder in ("submission", "results"):
            subprocess.run(["rm", "-rf", str(root / folder)], check=True)
            (root / folder).mkdir()
        _write(root / "submission", files)
        sh(root / "source" / "run_autograder", **grading_env)
        return json.loads((root / "results" / "results.json").read_text())

    right = upload({"solutions.py": RIGHT, "helpers.py": HELPERS})
    assert (right["score"], [t["score"] for t in right["tests"]]) == (2.0, [2.0])
    assert right["tests"][0]["name"].startswith("demo.cube-derivative")
    wrong = upload({"hw2.ipynb": _notebook("%matplotlib inline", WRONG)})
    assert (wrong["score"], [t["score"] for t in wrong["tests"]]) == (0.0, [0.0])
    assert wrong["tests"][0]["max_score"] == 2.0


def test_gradkit_check_runs_the_visible_checks_with_the_graders_messages(tmp_path: Path):
    runner = CliRunner()
    handout = str(tmp_path / "handout")
    runner.invoke(cli, ["exercises", "stubs", handout, "--id", "calculus.gradient"])
    result = runner.invoke(
        cli,
        ["check", f"{handout}/solutions.py", "--exercises", "calculus.gradient"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1, result.output
    assert "`grad_f` is not implemented yet (it raises NotImplementedError)" in result.output
    assert "total 0.00/1.00 (failed)" in result.output
    assert result.output.splitlines()[-1] == (
        "2 hidden checks did not run: they run only when your work is graded, so the grade "
        "may be lower than this"
    )


def test_the_github_workflow_grades_a_repository_offline(tmp_path: Path):
    from gradkit.grading._stubs import stub_notebook

    repo = tmp_path / "repo"
    workflow = repo / ".github" / "workflows" / "gradkit.yml"
    result = CliRunner().invoke(
        cli, ["autograder", "github", "--assignment", "d2l-2.5", "--seed", "3", "-o", workflow]
    )
    assert result.exit_code == 0, result.output
    text = workflow.read_text()
    assert "run: python -m pip install gradkit==0.1.0 gradkit-exercises==0.1.0\n" in text
    assert "# Students can edit this file and install what it installs" in text
    folded = text.split("run: >-\n", 1)[1].split("\n      - name:", 1)[0]
    command = " ".join(line.strip() for line in folded.splitlines())
    assert command.startswith("gradkit autograder run --assignment d2l-2.5 --seed 3 ")
    specs = gk.grading.select_exercises("autodiff.*")
    _write(repo, {"homework.ipynb": stub_notebook(specs), "README.md": "# hw\n"})
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "JAX_PLATFORMS": "cpu",
    }
    out = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert outputs.read_text() == "score=0\nmax-score=15\n"
    assert summary.read_text().startswith("## gradkit: d2l-2.5\n\n**Score: 0.00 / 15.00** (failed)")
    import xml.etree.ElementTree as ET

    suites = ET.parse(repo / "gradkit-junit.xml").getroot()
    assert suites.tag == "testsuites" and len(list(suites.iter("testcase"))) > 14
    report = json.loads((repo / "gradkit-report.json").read_text())
    assert report["submissions"][0]["path"].endswith("homework.ipynb")


def test_the_pytest_plugin_is_cheap_to_load():
    code = (
        "import sys, gradkit.pytest_plugin\n"
        "print(sorted(m for m in ('jax', 'gradkit._plugins') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pytest_gradkit_submission_runs_one_test_per_exercise(tmp_path: Path):
    from gradkit.grading._stubs import stub_source

    specs = gk.grading.select_exercises("calculus.gradient,calculus.l2-gradient")
    source = stub_source(specs).replace(
        "def grad_f(x):",
        "def grad_f(x):\n    return jnp.array([6 * x[0], 5 * jnp.exp(x[1])])\n\n\ndef _unused(x):",
    )
    (tmp_path / "solutions.py").write_text("import jax.numpy as jnp\n" + source)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--gradkit-submission",
            "solutions.py",
            "--gradkit-exercises",
            "calculus.gradient",
            "--gradkit-exercises",
            "calculus.l2-*",
            "-rA",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )
    assert "1 failed, 1 passed" in out.stdout, out.stdout + out.stderr
    assert "PASSED solutions.py::calculus.gradient" in out.stdout
    assert "FAILED solutions.py::calculus.l2-gradient" in out.stdout
    assert "is not implemented yet (it raises NotImplementedError)" in out.stdout
    assert "(hidden)" not in out.stdout  # hidden checks never run on the student's side
