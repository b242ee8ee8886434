"""Honest, correct submissions of the whole D2L set score full marks in every report format.

tests/honest/ holds submissions written the way students write, in styles
other than the references': a PyTorch migrant's, numpy-heavy, by-hand
formulas, ``jnp.vectorize`` everywhere, classes, directory submissions (with
a ``solutions.py`` importing helpers, and without one), debug prints in every
entry, names that shadow API names (a local ``grad``, a helper
``derivative``), float32-minded and float64 (``jax_enable_x64``) code, and a
notebook (written here with nbformat: markdown, magics, shell escapes, a
``%%time`` cell, help lines). Three more are kept byte for byte as saved:
``windows_bom_crlf.py`` (a UTF-8 BOM, CRLF line ends, tabs, unicode names, a
top-level ``plt.show()``, ``input()`` under a main guard, ``lax`` loops and
``partial(jax.jit, static_argnums=...)``), ``class_aliases_latin1.py`` (Latin-1
with a coding line, every answer a static method of one class aliased at module
level, ``get_ipython()`` calls and ``IPython.display`` left from a notebook), and
``colab_display.ipynb`` (``display()``, outputs, cells run out of order, a helper
defined in a later cell, an entry redefined). Six more cover what students carry in
from elsewhere: ``jax_as_np_match.py`` (``import jax.numpy as np``, ``from jax import
numpy as jnp, grad, ...``, ``jax_enable_x64`` before the imports, ``typing`` hints and a
``jaxtyping`` import under try/except, ``match`` statements, a walrus, lambdas as entries,
module-level constants computed with JAX), ``decorators_cache.py`` (``@jax.jit`` and
``@partial(jax.jit, static_argnames=...)`` on entries taking functions, a
``@functools.wraps`` logger, ``lru_cache`` on a helper, a frozen dataclass and a
NamedTuple holding helpers, ``warnings.filterwarnings``, seeds, ``sys.argv`` at import;
argparse, matplotlib and a ``globals()[name]`` self-test under the main guard: dynamic
code there never runs when graded, so it rules nothing out), ``doctests_asserts.py`` (doctests,
``assert`` self-checks at import, recursion, generators into builtin ``sum``, ``tqdm``,
``pandas`` and ``seaborn`` imported under try/except ImportError, reverse-over-reverse
``hvp``, the handout's ``assert gk.check(...).passed`` left in), ``gk_native_lax.py``
(gradkit's own ``derivative``, ``detach``, ``jacobian``,
``hvp`` and ``while_loop``, ``lax.scan``/``fori_loop``/``select``, ``einsum``,
``tree_util``, ``os.environ`` set before ``import jax``, ``logging``, a ``global``
counter, ``jax.debug.print`` in ``fun``, a file written at import, ``__all__``),
``unittest_percent.py`` (VS Code ``# %%`` cells, a ``unittest.TestCase``, a 120×120
Jacobian printed in full) and ``jupyter_raises_tag.ipynb`` (``!pip``, ``%config``,
``display(Markdown(...))``, a plot, the book's ``while`` loop under ``jax.jit`` left raising
in a cell tagged ``raises-exception``), and ``colab_writefile.ipynb`` (``drive.mount`` and
``%cd`` first, ``pip install`` and ``pwd`` written without ``%``, its norm helpers
written to ``norm_tools.py`` by a ``%%writefile`` cell and a
``%%writefile -a`` one, imported with ``from norm_tools import *``, ``files.download`` last).
``instance_methods.py`` puts every answer on one instance of a class aliased member by
member at module level (a PyTorch migrant's), with ``warnings.formatwarning`` and
``logging.Formatter.converter`` assigned, ``"__file__" in globals()``, ``Annotated`` hints,
``.item()`` and ``.tolist()`` in a debug print, a list comprehension for the limit table, a
scratch ``d_x_pow_x = jax.grad(...)`` redefined below, an optional ``interact`` with a
``None`` fallback, and ``df`` read off the dependency graph built as objects.
``debug_prints.py`` also points ``sys.path`` at its own folder, times its entries with
``timeit`` through lambdas, and saves results with ``pickle.dump`` and ``np.save``, then
``np.load``-s them back: modules the dynamic-code rules name, used the harmless way.
``notebook_history.ipynb`` reads IPython's output history (``_``, ``Out[2]``, the numbered
``_5``) in a notebook whose book loop binds a throwaway ``_`` inside a function,
``package_init_dir`` is a package folder without ``solutions.py`` whose ``__init__.py``
star-imports its parts relatively (their private helpers, ``_book_fn``, stay theirs), and
``enum_rules.py`` gives the elementary derivatives as methods of an ``Enum``, checked in a
loop over its members beside ``jax.grad``.
They are graded in ONE ``gradkit grade`` run (``--jobs 2``) and every format is rendered from
that run.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradkit.grading._cli import _table
from gradkit.grading._reports import from_json, to_csv, to_gradescope, to_junit

HERE = Path(__file__).parent / "honest"
EXERCISES = "norms.*,calculus.*,autodiff.*"
BANK = sorted(p.name for p in HERE.iterdir() if p.suffix in (".py", ".ipynb") or p.is_dir())
NOTEBOOK = "lab2_notebook.ipynb"

# markdown, magics, shell escapes, help lines, a %%time cell, a plot
CELLS = [
    ("markdown", "# Lab 2: calculus and autograd\nMy answers. *Run all* before submitting!"),
    ("code", "%matplotlib inline\n!pip install --quiet gradkit\n%load_ext autoreload"),
    ("code", "import jax\nimport jax.numpy as jnp\nimport gradkit as gk\njnp.sin?"),
    ("markdown", "## 2.3 Norms\nThe double-`where` trick keeps the gradient finite at 0."),
    (
        "code",
        "def l1(v):\n    return jnp.abs(v).sum()\n\n"
        "def l2(v):\n    s = (v ** 2).sum()\n"
        "    return jnp.where(s > 0, jnp.sqrt(jnp.where(s > 0, s, 1.0)), 0.0)\n\n"
        "def linf(v):\n    return jnp.abs(v).max()\n\n"
        "l1(jnp.arange(3.0)), l2(jnp.zeros(3)), jax.grad(l2)(jnp.zeros(3))",
    ),
    (
        "code",
        "col_norms = lambda M: jnp.sqrt((M ** 2).sum(0))\n"
        "row_norms = lambda M: jnp.sqrt((M ** 2).sum(1))\n"
        "frobenius = lambda M: jnp.sqrt((M ** 2).sum())\n"
        "frobenius(jnp.ones((4, 9)))",
    ),
    ("markdown", "## 2.4 Calculus"),
    (
        "code",
        "%%time\n"
        "def limit_table(f, x, hs):\n    return (jax.vmap(f)(x + hs) - f(x)) / hs\n\n"
        "limit_table(lambda x: 3 * x ** 2 - 4 * x, 1.0, jnp.array([0.1, 0.01]))",
    ),
    (
        "code",
        "d_const = lambda c, x: jnp.zeros_like(x)\n"
        "d_power = lambda n, x: n * x ** (n - 1)\n"
        "d_exp = lambda x: jnp.exp(x)\n"
        "d_log = lambda x: 1 / x\n"
        "sum_rule = lambda df, dg: (lambda x: df(x) + dg(x))\n"
        "product_rule = lambda f, g, df, dg: (lambda x: df(x) * g(x) + f(x) * dg(x))\n"
        "quotient_rule = lambda f, g, df, dg: (\n"
        "    lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2)\n"
        'constant_multiple_answer = "Product rule with g = c; c\' = 0."\n'
        "d_x_pow_x = lambda x: x ** x * (jnp.log(x) + 1)",
    ),
    (
        "code",
        "def g(x):\n    return (x - 1.25) ** 2\n\nx_star = 1.25\n\n"
        "def tangent_line(f, x0):\n    s = jax.grad(f)(x0)\n    return s, f(x0) - s * x0\n\n"
        "import matplotlib.pyplot as plt\n"
        "xs = jnp.linspace(0.5, 2.0, 50)\n"
        "s, b = tangent_line(lambda x: x ** 3 - 1 / x, 1.0)\n"
        "plt.plot(xs, xs ** 3 - 1 / xs, xs, s * xs + b)\nplt.show()",
    ),
    (
        "code",
        "grad_f = lambda x: jnp.array([6 * x[0], 5 * jnp.exp(x[1])])\n"
        "def grad_l2(x):\n    n = jnp.sqrt((x ** 2).sum())\n"
        "    return jnp.where(n > 0, x / jnp.where(n > 0, n, 1.0), 0.0)\n\n"
        "def chain_rule(a, b):\n    x, y, z = a + b, a * b, a ** 2 - b\n"
        "    return y + x * b + jnp.cos(z) * 2 * a, y + x * a - jnp.cos(z)\n\n"
        "inverse_derivative = lambda df, f_inv: (lambda y: 1 / df(f_inv(y)))",
    ),
    ("markdown", "## 2.5 Autograd\n`jax.grad` instead of `.backward()`."),
    (
        "code",
        "grad_2xtx = lambda x: jax.grad(lambda x: 2 * x @ x)(x)\n"
        "def backward(f, x, v=None):\n    y, vjp = jax.vjp(f, x)\n"
        "    return vjp(jnp.ones_like(y) if v is None else v)[0]\n\n"
        "z = lambda x: jax.lax.stop_gradient(x * x) * x\n"
        "grad_2xtx(jnp.arange(4.0))",
    ),
    (
        "code",
        "def fun(a):\n"
        "    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2,\n"
        "                      max_steps=5000)\n"
        "    return jnp.where(b.sum() > 0, b, 100 * b)\n\n"
        "fun_jacobian = jax.jacrev(fun)\n"
        "hvp = lambda f, x, v: jax.jvp(jax.grad(f), (x,), (v,))[1]\n"
        "accumulate_grads = lambda f, xs: jax.vmap(jax.grad(f))(xs).sum(0)\n"
        "dsin = jnp.vectorize(jax.grad(jnp.sin))\n"
        'dependency_graph_answer = "x -> x^2 -> log; x -> sin; product; x -> 1/x; sum"\n'
        "df = lambda x: 2 / x * jnp.sin(x) + jnp.log(x ** 2) * jnp.cos(x) - 1 / x ** 2\n"
        "forward_derivative = lambda f, x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1]\n"
        "reverse_derivative = lambda f, x: jax.grad(f)(x)\n\n"
        "def jacobian_auto(f, x):\n"
        "    small_in = x.size <= jax.eval_shape(f, x).size\n"
        "    return (jax.jacfwd if small_in else jax.jacrev)(f)(x)\n\n"
        'why_second_derivative_answer = "n passes of reverse mode for the Hessian"\n'
        'when_forward_answer = "forward for few inputs, reverse for few outputs"',
    ),
    ("code", "print(fun(0.3), jax.grad(fun)(0.3))"),
]


def _notebook(path: Path) -> None:
    import nbformat

    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    notebook = nbformat.v4.new_notebook(cells=[make[kind](text) for kind, text in CELLS])
    path.write_text(nbformat.writes(notebook), encoding="utf-8")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from gradkit._cli import cli

    folder = tmp_path_factory.mktemp("bank")
    _notebook(folder / NOTEBOOK)
    out = folder / "report.json"
    paths = [str(HERE / name) for name in BANK] + [str(folder / NOTEBOOK)]
    args = ["grade", *paths, "--exercises", EXERCISES, "--jobs", "2", "--seed", "5"]
    result = CliRunner().invoke(cli, [*args, "--timeout", "60", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return from_json(json.loads(out.read_text(encoding="utf-8")))


def _name(path: str) -> str:
    return Path(path).name


ALL = [*BANK, NOTEBOOK]
# shadowing.py (a local `grad`, helpers `derivative` and `sigmoid`, locals named `vjp`,
# `jacfwd`, `jacobian`) and the notebook (a parameter `b` of chain_rule beside a top-level `b`
# from tangent_line) pass because `avoids` resolves what a name is, not how it is spelled
CASES = ALL


def _one(report, name: str):
    (sub,) = [s for s in report.submissions if _name(s.path) == name]
    return sub


def test_the_bank_has_every_style(report):
    assert len(report.submissions) >= 12
    assert sorted(_name(s.path) for s in report.submissions) == sorted(ALL)


@pytest.mark.parametrize("name", CASES)
def test_json_full_marks_with_every_check_passed(report, name):
    sub = _one(report, name)
    lost = [(e.id, c.name, c.message) for e in sub.exercises for c in e.checks if not c.passed]
    assert lost == []
    assert (sub.score, sub.max_score, sub.status) == (33, 33, "passed")


@pytest.mark.parametrize("name", CASES)
def test_gradescope_full_marks(report, name):
    one = dataclasses.replace(report, submissions=(_one(report, name),))
    data = to_gradescope(one)
    assert data["score"] == 33
    assert [t["name"] for t in data["tests"] if t["score"] != t["max_score"]] == []
    assert {t["status"] for t in data["tests"]} == {"passed"}


@pytest.mark.parametrize("name", CASES)
def test_junit_full_marks(report, name):
    sub = _one(report, name)
    root = ET.fromstring(to_junit(dataclasses.replace(report, submissions=(sub,))))
    (suite,) = root.findall("testsuite")
    assert suite.get("failures") == "0"
    assert suite.findall(".//failure") == []
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert (float(props["score"]), float(props["max_score"])) == (33, 33)
    assert props["status"] == "passed"


@pytest.mark.parametrize("name", CASES)
def test_csv_full_marks(report, name):
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    (row,) = [r for r in rows if _name(r["path"]) == name]
    assert (float(row["total"]), float(row["max_total"]), row["status"]) == (33, 33, "passed")


@pytest.mark.parametrize("name", CASES)
def test_table_full_marks(report, name):
    text = _table(dataclasses.replace(report, submissions=(_one(report, name),)), width=120)
    assert "total 33.00/33.00 (passed)" in text
