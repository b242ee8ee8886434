"""The trust boundary: what runs in the sandbox never loads the grader's code.

The worker and the evaluator are started the way the grader starts them
(``python -I -B -m gradkit._sandboxed._MODULE FD MEMORY_MB CPU_SECONDS``, the
child's environment), driven through real requests over the channel, and
asked by ``-X importtime`` for every module they imported: none may be
``gradkit.grading`` or below it.
"""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import gradkit._sandboxed as sandboxed
from gradkit._sandboxed import (
    EVALUATOR,
    WORKER,
    Call,
    FunctionRef,
    call_to_json,
    decode,
    encode,
    recv,
    send,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox is Linux only")

SUBMISSION = b"""\
import jax
import jax.numpy as jnp


def apply(f, x):
    return jnp.sum(f(x) * x)


def square(x):
    print("debugging", x)
    return x * x
"""
DEADLINE = 120.0
SRC = Path(sandboxed.__file__).parents[2]


def _start(module: str, workdir: Path) -> tuple[subprocess.Popen[str], socket.socket]:
    """Start ``module`` in ``workdir`` as the grader does, importing with ``-X importtime``."""
    ours, theirs = socket.socketpair()
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "JAX_PLATFORMS": "cpu",
        "GRADKIT_LOAD_PLUGINS": "",
        "OPENBLAS_NUM_THREADS": "1",
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
    }
    command = [sys.executable, "-I", "-B", "-X", "importtime", "-m", module]
    process = subprocess.Popen(
        [*command, str(theirs.fileno()), "4096", "600"],
        env=env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        pass_fds=(theirs.fileno(),),
    )
    theirs.close()
    header, _ = recv(ours, time.monotonic() + DEADLINE, 1 << 16)
    assert header == {"op": "ready"}
    return process, ours


def _ask(sock: socket.socket, header: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
    send(sock, header, buffers)
    return recv(sock, time.monotonic() + DEADLINE, 256 << 20)


def _imported(process: subprocess.Popen[str], sock: socket.socket) -> set[str]:
    """Close the channel (the child then exits) and list every module it imported."""
    sock.close()
    _, stderr = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0, stderr[-2000:]
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def _grader_modules(names: set[str]) -> list[str]:
    return sorted(n for n in names if n == "gradkit.grading" or n.startswith("gradkit.grading."))


def _worker_session(workdir: Path) -> tuple[set[str], bytes]:
    """Load a submission, call it eagerly and export it (with a registry function).

    Return the worker's modules and the artifact it exported.
    """
    process, sock = _start(WORKER, workdir)
    reply, _ = _ask(
        sock, {"op": "load", "files": ["s.py"], "order": ["s.py"], "id": 1}, [SUBMISSION]
    )
    assert reply == {"ok": True, "id": 1}
    x = np.linspace(-1.0, 1.0, 3)
    out: list[bytes] = []
    call = call_to_json(Call("apply", static=(FunctionRef("sin"),), mode="eager"))
    reply, buffers = _ask(
        sock, {"op": "eager", "call": call, "args": encode([x], out), "id": 2}, out
    )
    assert reply["ok"], reply
    np.testing.assert_allclose(decode(reply["value"], buffers), np.sum(np.sin(x) * x))
    items = [
        {
            "call": call_to_json(Call("apply", static=(FunctionRef("probe.exp"),))),
            "runs": [[[[3], "<f8"]]],
        },
        {
            "call": call_to_json(Call("square")),
            "runs": [[[[3], "<f8"]]],
            "vjp": True,
            "check": "jacrev",
        },
    ]
    reply, artifacts = _ask(sock, {"op": "export", "items": items, "id": 3}, [])
    assert [r["ok"] for r in reply["results"]] == [True, True], reply
    return _imported(process, sock), artifacts[reply["results"][1]["artifact"]]


def test_the_worker_and_the_evaluator_never_import_the_grader(tmp_path: Path) -> None:
    worker, artifact = _worker_session(tmp_path)
    # the session really ran: JAX, the export and the function registry were loaded
    assert {"jax", "jax.export", "gradkit._registry", "gradkit._sandboxed._probes"} <= worker
    assert _grader_modules(worker) == []

    process, sock = _start(EVALUATOR, tmp_path)
    x = np.array([1.0, 2.0, 3.0])
    out = [artifact]
    items = [
        {"key": "a", "artifact": 0, "args": encode([x], out)},
        {"key": "a", "artifact": 0, "args": encode([x], out), "derive": [["jacrev", 1]]},
    ]
    reply, buffers = _ask(sock, {"items": items}, out)
    assert [r["ok"] for r in reply["results"]] == [True, True], reply
    np.testing.assert_allclose(decode(reply["results"][0]["value"], buffers)[0], x * x)
    np.testing.assert_allclose(decode(reply["results"][1]["value"], buffers)[0], np.diag(2 * x))
    evaluator = _imported(process, sock)
    assert {"jax", "jax.export", "gradkit._sandboxed._limits"} <= evaluator
    assert _grader_modules(evaluator) == []
    # the evaluator runs no student Python, and needs nothing of the worker's
    assert "gradkit._sandboxed._worker" not in evaluator


def test_importing_the_sandboxed_package_imports_neither_jax_nor_the_grader() -> None:
    code = (
        "import sys, gradkit._sandboxed\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib')"
        " or m.startswith('gradkit.grading')))\n"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _imports(path: Path) -> list[str]:
    """The modules a source file imports, relative ones made absolute."""
    package = ".".join(path.relative_to(SRC).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return found


def test_neither_side_reaches_into_the_other() -> None:
    """The sandboxed code never names the grader; the grader uses public names only."""
    for path in sorted((SRC / "gradkit" / "_sandboxed").glob("*.py")):
        assert not [m for m in _imports(path) if m.startswith("gradkit.grading")], path
    for path in sorted((SRC / "gradkit").rglob("*.py")):
        if "_sandboxed" in path.parts:
            continue
        private = [m for m in _imports(path) if m.startswith("gradkit._sandboxed._")]
        assert private == [], path
    assert WORKER == "gradkit._sandboxed._worker"
    assert EVALUATOR == "gradkit._sandboxed._evaluator"


def test_the_child_modules_load_on_first_use_only() -> None:
    code = (
        "import sys, gradkit._sandboxed as s\n"
        "before = sorted(m for m in sys.modules if m.endswith(('_worker', '_evaluator')))\n"
        "s.check_artifact, s.export_artifact\n"
        "after = sorted(m for m in sys.modules if m.endswith(('_worker', '_evaluator')))\n"
        "print(before, after)\n"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "[] ['gradkit._sandboxed._evaluator', 'gradkit._sandboxed._worker']"
    )


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="'gradkit._sandboxed' has no attribute 'grade'"):
        sandboxed.grade  # noqa: B018
