"""Set up gradkit in ./.venv and run the tour or the test suite.

    python3 dev.py tour    # install gradkit (+ plots, exercises) and run the seed tour
    python3 dev.py test    # install gradkit (+ test extras, example plugins) and run pytest

This file runs on any Python 3; gradkit itself needs Python >= 3.12 (JAX 0.11+
does). The virtual environment is made with the first interpreter that is new
enough: this one, then `python3.13`/`python3.12` on PATH, then pyenv's.
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
MIN = (3, 12)
USAGE = "usage: python3 dev.py {tour|test} [extra arguments for the tour or pytest]"


def _version(python):
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return tuple(int(p) for p in out.stdout.strip().split("."))


def _find_python():
    candidates = [sys.executable, "python3.14", "python3.13", "python3.12"]
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
        versions = os.path.join(root, "versions")
        for name in sorted(os.listdir(versions), reverse=True):
            candidates.append(os.path.join(versions, name, "bin", "python3"))
    except (OSError, FileNotFoundError):
        pass
    for candidate in candidates:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and (_version(path) or (0,)) >= MIN:
            return path
    sys.exit(
        "gradkit needs Python >= 3.12 (JAX 0.11+ requires it), and none was found.\n"
        "Install one (e.g. `pyenv install 3.12` or your OS package python3.12) and run again."
    )


def _venv_python():
    return os.path.join(VENV, "bin", "python")


def _run(cmd, **kwargs):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=HERE, **kwargs).returncode


def _ensure_venv():
    if os.path.exists(_venv_python()) and (_version(_venv_python()) or (0,)) >= MIN:
        return
    if os.path.exists(VENV):
        shutil.rmtree(VENV)
    if _run([_find_python(), "-m", "venv", VENV]) != 0:
        sys.exit("could not create the virtual environment in .venv")


def _install(*specs):
    print(
        "Installing gradkit and its dependencies into .venv: a few minutes the first time "
        "(pip prints nothing meanwhile), a few seconds after that.",
        flush=True,
    )
    cmd = [_venv_python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if _run(cmd + list(specs)) != 0:
        sys.exit("pip install failed; see the messages above")


def main(argv):
    if not argv or argv[0] not in ("tour", "test"):
        sys.exit(USAGE)
    job, rest = argv[0], argv[1:]
    _ensure_venv()
    env = dict(os.environ)
    if job == "tour":
        _install("-e", ".[plot]", "-e", "exercises")
        return _run([os.path.join(VENV, "bin", "gradkit"), "tour"] + rest, env=env)
    _install("-e", ".[test]", "-e", "exercises", "-e", "plugins/gradkit-extra-norms")
    env["JAX_PLATFORMS"] = "cpu"
    # the whole suite runs on every core (pytest-xdist), each test module in one
    # process so that its module-scoped fixtures (a graded batch, say) run once;
    # with arguments, pytest gets exactly those
    parallel = [] if rest else ["-n", "auto", "--dist", "loadscope"]
    return _run([_venv_python(), "-m", "pytest"] + parallel + rest, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
