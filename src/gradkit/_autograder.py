"""Autograder bundles: a Gradescope zip and a GitHub Classroom workflow, and what they run.

`gradescope_bundle` writes a zip with ``setup.sh`` (installs gradkit and the
exercise packages from wheels inside the zip: a Gradescope build may have no
package index) and ``run_autograder`` (calls ``gradkit autograder run``).
`run_upload` is that command: it finds what the student uploaded (any ``.py``
name, several files, a notebook, a folder inside the upload), grades it and
always writes ``results.json``, a zero with the reason when nothing gradable
was uploaded or the grader failed.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._errors import GradingError

SKIPPED_DIRS = frozenset({"__MACOSX", "__pycache__", ".ipynb_checkpoints", "node_modules"})


@dataclasses.dataclass(frozen=True)
class Bundle:
    """What an assignment's autograder needs: the packages to install and the plugin files."""

    assignment: str
    seed: int
    packages: tuple[str, ...]  # distribution names, gradkit first
    plugin_files: tuple[str, ...]  # --plugins-dir files the exercises come from


def plan(assignment: str, seed: int) -> Bundle:
    """Find the distributions (or plugin files) that provide the assignment and its exercises."""
    from . import _plugins
    from ._assignments import select_exercises

    specs = select_exercises((), assignment)
    wanted = {("assignments", assignment)} | {("exercises", s.id) for s in specs}
    packages: list[str] = ["gradkit"]
    files: list[str] = []
    for info in _plugins.plugins():
        provides = {(kind, name) for kind, names in info.registered.items() for name in names}
        if not provides & wanted or info.source == "built-in":
            continue
        if info.source == "file":
            files.append(info.location)
        elif info.package:
            packages.append(info.package)
        else:
            raise GradingError(
                f"plugin {info.name!r} ({info.provider}) provides part of assignment "
                f"{assignment!r} but is a module on sys.path, not a package: package it "
                "(`gradkit new-plugin NAME` writes one) so that the autograder can install it"
            )
    return Bundle(assignment, seed, tuple(dict.fromkeys(packages)), tuple(files))


def build_wheel(distribution: str, outdir: Path) -> Path:
    """Write a wheel of an installed distribution into `outdir` and return its path.

    A distribution installed from a local folder (``pip install -e .`` or
    ``pip install .``) is built from that folder with ``pip wheel --no-deps``
    (offline when its build backend is installed); one installed from a wheel
    is packed again from the files its ``RECORD`` lists.
    """
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise GradingError(
            f"{distribution!r} is not installed here; install it, or pass its wheel with --wheel"
        ) from None
    source = _local_source(dist)
    if source is not None:
        return _pip_wheel(distribution, source, outdir)
    return _repack(dist, outdir)


def _local_source(dist: importlib.metadata.Distribution) -> Path | None:
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    data = json.loads(text)
    url = str(data.get("url", ""))
    if "dir_info" in data and url.startswith("file://"):
        return Path(url[len("file://") :])
    return None


def _pip_wheel(name: str, source: Path, outdir: Path) -> Path:
    before = set(outdir.glob("*.whl"))
    base = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(outdir)]
    errors = []
    for extra in (["--no-build-isolation"], []):  # offline first, then with the build backend
        out = subprocess.run([*base, *extra, str(source)], capture_output=True, text=True)
        made = set(outdir.glob("*.whl")) - before
        if out.returncode == 0 and made:
            return made.pop()
        errors.append(out.stderr.strip().splitlines()[-1:] or ["(no message)"])
    raise GradingError(
        f"could not build a wheel of {name!r} from {str(source)!r}: {errors[-1][0]}; build it "
        "yourself (`python -m build` or `pip wheel --no-deps`) and pass it with --wheel"
    )


def _repack(dist: importlib.metadata.Distribution, outdir: Path) -> Path:
    """Pack an installed (non-editable) distribution into a wheel again, from its RECORD."""
    import base64
    import hashlib

    files = [f for f in dist.files or () if not str(f).startswith("..")]
    info_dir = next(str(f).split("/")[0] for f in files if str(f).endswith(".dist-info/RECORD"))
    keep = [
        f
        for f in files
        if "__pycache__" not in f.parts
        and str(f).split("/")[-1] not in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")
    ]
    name = dist.metadata["Name"].replace("-", "_")
    wheel = outdir / f"{name}-{dist.version}-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in keep:
            data = Path(str(dist.locate_file(f))).read_bytes()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            archive.writestr(str(f), data)
            records.append(f"{f},sha256={digest.decode()},{len(data)}")
        records.append(f"{info_dir}/RECORD,,")
        archive.writestr(f"{info_dir}/RECORD", "\n".join(records) + "\n")
    return wheel


SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs gradkit and the exercise packages from the wheels in this zip
# (no package index needed for them); their dependencies (JAX, ...) come from
# wheels/ too when the bundle was built with --wheel, else from the index.
set -euo pipefail
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
PYTHON="${{GRADKIT_PYTHON:-python3}}"
VENV="${{GRADKIT_VENV:-/opt/gradkit}}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    echo "gradkit needs Python >= 3.12: choose Gradescope's Ubuntu 24.04 base image" >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" || {{
        apt-get update && apt-get install -y python3-venv && "$PYTHON" -m venv "$VENV"
    }}
fi
REQUIREMENTS=({requirements})
"$VENV/bin/python" -m pip install --no-index --find-links "$SOURCE/wheels" "${{REQUIREMENTS[@]}}" \\
    || "$VENV/bin/python" -m pip install --find-links "$SOURCE/wheels" "${{REQUIREMENTS[@]}}"
# fail the build now, not at the first upload, if a plugin does not load
GRADKIT_STRICT_PLUGINS=1 "$VENV/bin/python" -m gradkit {plugins}assignments
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this once per submission. gradkit grades whatever was
# uploaded (any .py name, several files, a notebook) and always writes
# $ROOT/results/results.json.
ROOT="${{GRADKIT_AUTOGRADER_ROOT:-/autograder}}"
VENV="${{GRADKIT_VENV:-/opt/gradkit}}"
exec "$VENV/bin/python" -m gradkit {plugins}autograder run \\
    --assignment {assignment} --seed {seed} \\
    --submission "$ROOT/submission" --results "$ROOT/results/results.json" \\
    --sandbox "${{GRADKIT_SANDBOX:-auto}}"
"""


def gradescope_bundle(
    bundle: Bundle, output: Path, extra_wheels: Sequence[str] = (), timeout: float = 10.0
) -> list[str]:
    """Write the Gradescope autograder zip; return the names inside it."""
    with tempfile.TemporaryDirectory(prefix="gradkit-bundle-") as tmp:
        wheels = Path(tmp)
        given = {_wheel_project(w): w for w in extra_wheels}
        for path in extra_wheels:
            shutil.copy(path, wheels)
        versions = []
        for package in bundle.packages:
            if _canonical(package) not in given:
                build_wheel(package, wheels)
            versions.append(f"{package}=={importlib.metadata.version(package)}")
        plugins = '--plugins-dir "$SOURCE/plugins" ' if bundle.plugin_files else ""
        files: dict[str, tuple[bytes, int]] = {
            "setup.sh": (
                SETUP_SH.format(
                    requirements=" ".join(shlex.quote(v) for v in versions),
                    plugins=plugins.replace("$SOURCE", "$SOURCE"),
                ).encode(),
                0o755,
            ),
            "run_autograder": (
                RUN_AUTOGRADER.format(
                    assignment=shlex.quote(bundle.assignment),
                    seed=bundle.seed,
                    plugins=plugins.replace("$SOURCE", "$ROOT/source"),
                ).encode(),
                0o755,
            ),
        }
        for path in sorted(wheels.glob("*.whl")):
            files[f"wheels/{path.name}"] = (path.read_bytes(), 0o644)
        for path in bundle.plugin_files:
            files[f"plugins/{os.path.basename(path)}"] = (Path(path).read_bytes(), 0o644)
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, (data, mode) in files.items():
                entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                entry.external_attr = (stat.S_IFREG | mode) << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, data)
    return list(files)


def _canonical(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def _wheel_project(path: str) -> str:
    name = os.path.basename(path)
    if not name.endswith(".whl") or name.count("-") < 4:
        raise GradingError(f"{path!r} is not a wheel file (name-version-python-abi-platform.whl)")
    return _canonical(name.split("-")[0])


GITHUB_WORKFLOW = """\
# GitHub Classroom autograding with gradkit: assignment {assignment}.
# Written by `gradkit autograder github`; commit it as .github/workflows/gradkit.yml
# in the assignment's template repository.
# Students can edit this file and install what it installs (the exercises' references
# and hidden inputs): use its score as feedback, and grade for the record elsewhere
# (Gradescope, or `gradkit grade` on your own machine).
name: gradkit
on: [push, workflow_dispatch]
permissions:
  contents: read
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install gradkit and the exercises
        run: python -m pip install {requirements}
      - name: Grade
        id: grade
        run: >-
          gradkit autograder run --assignment {assignment} --seed {seed}
          --submission . --junit gradkit-junit.xml --json gradkit-report.json
          --summary "$GITHUB_STEP_SUMMARY" --github-output "$GITHUB_OUTPUT"
      - name: Publish the JUnit report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: gradkit-report
          path: |
            gradkit-junit.xml
            gradkit-report.json
      - name: Score
        env:
          SCORE: ${{{{ steps.grade.outputs.score }}}}
          MAX_SCORE: ${{{{ steps.grade.outputs.max-score }}}}
        run: echo "Score $SCORE / $MAX_SCORE"
"""


def github_workflow(bundle: Bundle, requirements: Sequence[str] = ()) -> str:
    """The GitHub Actions workflow that grades the repository on every push."""
    reqs = list(requirements) or [f"{p}=={importlib.metadata.version(p)}" for p in bundle.packages]
    return GITHUB_WORKFLOW.format(
        assignment=bundle.assignment,
        seed=bundle.seed,
        requirements=" ".join(shlex.quote(r) for r in reqs),
    )


def find_upload(root: Path) -> Path:
    """The submission inside an upload folder: its .py files' folder, else its notebook.

    Raises:
        GradingError: nothing gradable was uploaded, or several notebooks and
            no ``.py`` file; the message says what to upload.
    """
    py: list[Path] = []
    notebooks: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or not path.is_file() or path.is_symlink():
                continue
            if name.endswith(".py"):
                py.append(path)
            elif name.endswith(".ipynb"):
                notebooks.append(path)
    if py:
        # the shallowest folder holding .py files (a zip of a folder uploads the folder)
        return min({p.parent for p in py}, key=lambda d: (len(d.parts), str(d)))
    if len(notebooks) == 1:
        return notebooks[0]
    named = [n for n in notebooks if n.name == "solutions.ipynb"]
    if len(named) == 1:
        return named[0]
    if notebooks:
        shown = ", ".join(str(n.relative_to(root)) for n in notebooks)
        raise GradingError(
            f"the upload holds {len(notebooks)} notebooks ({shown}); upload one notebook, "
            "or name the one to grade solutions.ipynb"
        )
    raise GradingError(
        "the upload holds no .py file and no .ipynb notebook: upload your solutions.py "
        "(or solutions.ipynb)"
    )


def failure_results(message: str, max_score: float) -> dict[str, Any]:
    """A results.json that gives 0 and says why (Gradescope shows `output` to the student)."""
    return {
        "score": 0.0,
        "output": message,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": "gradkit could not grade this submission",
                "score": 0.0,
                "max_score": max_score,
                "status": "failed",
                "output": message,
                "visibility": "visible",
            }
        ],
    }
