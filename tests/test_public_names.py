"""The public names are listed once, in each package's ``__init__.pyi``, and everything agrees.

Type checkers read the stub; `gradkit._lazy.attach_stub` turns the same stub into
the package's lazy ``__getattr__``, ``__dir__`` and ``__all__``; the docs use
only names the stub lists.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import gradkit
import gradkit.grading
from gradkit._lazy import attach_stub

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PACKAGES = [gradkit, gradkit.grading]


def _bound_by_python(package: ModuleType) -> dict[str, object]:
    """The names the package's stub binds when Python itself runs it inside the package."""
    assert package.__file__ is not None
    stub = Path(package.__file__).with_suffix(".pyi")
    namespace: dict[str, object] = {"__name__": package.__name__, "__package__": package.__name__}
    exec(compile(stub.read_text(encoding="utf-8"), str(stub), "exec"), namespace)
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_all_and_dir_are_the_stubs_names(package: ModuleType) -> None:
    names = sorted(_bound_by_python(package))
    assert package.__all__ == names
    assert dir(package) == names


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_name_is_the_object_the_stub_imports(package: ModuleType) -> None:
    for name, value in _bound_by_python(package).items():
        assert getattr(package, name) is value, name


def test_stub_renames_and_parent_imports_bind_as_python_binds_them() -> None:
    # the two forms lazy_loader.attach_stub cannot read: `as` and `..`
    from gradkit import _sandboxed
    from gradkit.grading import _checklib, _reports

    assert gradkit.grading.checks is _checklib
    assert gradkit.grading.render_report is _reports.render
    assert gradkit.grading.Call is _sandboxed.Call
    assert "_checklib" not in gradkit.grading.__all__


def test_unknown_grading_name_is_an_attribute_error() -> None:
    with pytest.raises(
        AttributeError, match="module 'gradkit.grading' has no attribute 'grade_everything'"
    ):
        gradkit.grading.grade_everything  # noqa: B018


def test_a_stub_with_an_absolute_import_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pkg.pyi").write_text("from typing import Any\nfrom ._x import y as y\n")
    with pytest.raises(
        ImportError,
        match=r"pkg.pyi line 1: pkg's stub lists its public names as relative imports; "
        r"write `from .module import name as name`",
    ):
        attach_stub("pkg", str(tmp_path / "pkg.py"))


def test_names_load_on_first_use() -> None:
    code = (
        "import sys\n"
        "import gradkit, gradkit.grading\n"
        "before = sorted(m for m in sys.modules if m.startswith(('gradkit', 'jax')))\n"
        "gradkit.grading.render_report\n"
        "after = 'gradkit.grading._reports' in sys.modules\n"
        "print(before, after, 'gradkit.grading._runner' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['gradkit', 'gradkit._lazy', 'gradkit.grading'] True False"


def _documented(pattern: str) -> set[str]:
    return {m for doc in DOCS for m in re.findall(pattern, doc.read_text(encoding="utf-8"))}


def _imported_from(module: str) -> set[str]:
    """The names the docs import with ``from MODULE import a, b as c``."""
    lines = _documented(rf"from {re.escape(module)} import ([\w, ]+(?: as \w+)?)")
    return {n.split(" as ")[0].strip() for line in lines for n in line.split(",")}


def test_docs_use_only_public_names() -> None:
    submodules = {"__version__", "grading", "hookspecs", "plot", "testing"}
    assert _documented(r"\bgk\.([A-Za-z_]\w*)") - set(gradkit.__all__) == set()
    assert _imported_from("gradkit") - {*gradkit.__all__, *submodules} == set()
    grading = _documented(r"\bgradkit\.grading\.([A-Za-z]\w*)") | _imported_from("gradkit.grading")
    assert grading - set(gradkit.grading.__all__) == set()


def test_the_wheel_ships_the_stubs() -> None:
    # without its stub a package cannot import: attach_stub reads it at run time
    wheel = pytest.importorskip("hatchling.builders.wheel")
    shipped = {f.distribution_path for f in wheel.WheelBuilder(str(ROOT)).recurse_included_files()}
    assert {"gradkit/__init__.pyi", "gradkit/grading/__init__.pyi", "gradkit/py.typed"} <= shipped
