"""The namespaces sandbox: its file system view, and the workers forked from one template."""

from __future__ import annotations

import json
import socket
import sys
import time
from pathlib import Path

import pytest

import gradkit
from gradkit._sandboxed import recv, send
from gradkit.grading import _sandbox
from gradkit.grading._slots import Limits, spawn_worker

from .conftest import alive

TESTS = Path(__file__).resolve().parent


def _covered(path: Path, binds: list[str]) -> bool:
    return any(path.resolve().is_relative_to(b) for b in binds)


def test_the_view_holds_the_interpreter_and_its_packages_not_the_tests_or_homes() -> None:
    binds, links = _sandbox.view([str(TESTS / "adversarial")])
    assert _covered(Path(sys.executable), binds)
    assert _covered(Path(sys.prefix), binds)
    assert _covered(Path(gradkit.__file__).parent, binds)
    assert _covered(Path("/usr/bin/setpriv"), binds)
    assert not _covered(TESTS, binds)
    assert not any(b in ("/", "/home", "/tmp", "/root", "/work", "/etc") for b in binds)
    # nested paths collapse into their topmost directory
    assert not any(Path(a) != Path(b) and Path(a).is_relative_to(b) for a in binds for b in binds)
    assert all(Path(name).is_symlink() for name, _ in links)


def test_a_directory_inside_a_hidden_one_is_not_bound(monkeypatch) -> None:
    monkeypatch.setattr(_sandbox, "_child_path", lambda: (str(TESTS / "adversarial"),))
    binds, _ = _sandbox.view([str(TESTS)])
    assert not _covered(TESTS / "adversarial", binds)


needs_namespaces = pytest.mark.skipif(
    not _sandbox.namespaces_available(), reason="forked workers need the namespaces sandbox"
)

# what a forked worker reports of its world (module-level values the grader can read)
LOOK = """
import json, os, pathlib, random, socket, subprocess
import gradkit
import numpy as np
def _writable(directory):
    try:
        pathlib.Path(directory, "written-by-a-submission").write_text("x")
    except OSError:
        return False
    return True
def _status():
    fields = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Uid")
    return {k: v.split()[0] for k, _, v in (l.partition(":") for l in open("/proc/self/status"))
            if k in fields}
def _sockets():
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                found.append(int(fd))
        except OSError:  # the listing's own descriptor, closed by now
            pass
    return sorted(found)
pathlib.Path("/tmp/w/NAME.txt").write_text("NAME")
pathlib.Path("/dev/shm/NAME").write_text("NAME")
SLEEPERS = len([subprocess.Popen(["sleep", "300"], start_new_session=True) for _ in range(3)])
SEEN = json.dumps({
    "pid": os.getpid(),
    "sid": os.getsid(0),
    "proc": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "work": sorted(os.listdir("/tmp/w")),
    "tmp": sorted(os.listdir("/tmp")),
    "shm": sorted(os.listdir("/dev/shm")),
    "pts": sorted(os.listdir("/dev/pts")),
    "status": _status(),
    "cgroup": open("/proc/self/cgroup").read(),
    "hostname": socket.gethostname(),
    "random": [random.random(), float(np.random.rand())],
    "sockets": _sockets(),
    "writable": [_writable(d) for d in ("/tmp", os.path.dirname(gradkit.__file__),
                                        os.path.dirname(np.__file__), "/")],
})
"""


def _ask(child: _sandbox.ForkedChild, message: dict, buffers=()) -> dict:
    send(child.sock, {**message, "id": "q"}, list(buffers))
    reply, _ = recv(child.sock, time.monotonic() + 60, 1 << 20)
    return reply


def _look(child: _sandbox.ForkedChild, name: str) -> dict:
    child.ready(time.monotonic() + 60)
    code = LOOK.replace("NAME", name).encode()
    load = {"op": "load", "files": ["look.py"], "order": ["look.py"], "shown": {}}
    assert _ask(child, load, [code])["ok"] is True
    return json.loads(_ask(child, {"op": "constant", "name": "SEEN"})["value"])


@needs_namespaces
def test_workers_forked_from_one_template_share_nothing_and_keep_no_capability() -> None:
    template = spawn_worker(Limits("namespaces", tag="test-forks-"), forks=True)
    a, b = _sandbox.ForkedChild(template), _sandbox.ForkedChild(template)
    # a fresh /tmp: the work dir, and the interpreter's paths when they live
    # under the host's /tmp (a CI checkout), bound again read-only
    binds, _ = _sandbox.view()
    under_tmp = sorted({"w"} | {Path(p).parts[2] for p in binds if Path(p).parts[1] == "tmp"})
    try:
        seen_a, seen_b = _look(a, "a"), _look(b, "b")
        assert a.pid != b.pid and a.pid and b.pid
        # random states of their own, as workers started whole have
        assert all(x != y for x, y in zip(seen_a["random"], seen_b["random"], strict=True))
        for seen, name in ((seen_a, "a"), (seen_b, "b")):
            # PID 1 of a namespace of its own, leading its own session: it sees
            # its own processes only (itself and the three sleepers it started)
            assert seen["pid"] == 1 and seen["sid"] == 1
            assert len(seen["proc"]) == 4 and 1 in seen["proc"]
            # its own files: the other's are nowhere
            assert seen["work"] == sorted([f"{name}.txt", "look.py"])
            assert seen["tmp"] == under_tmp
            # its /tmp is its own to write; gradkit's, numpy's and / are not
            assert seen["writable"] == [True, False, False, False]
            assert seen["shm"] == [name]
            assert seen["pts"] == ["ptmx"]
            assert seen["status"] == {
                "Uid": "1000",
                **dict.fromkeys(("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"), "0" * 16),
                "NoNewPrivs": "1",
            }
            assert all(line.endswith(":/") for line in seen["cgroup"].strip().splitlines())
            assert seen["hostname"] == "sandbox"
            # its own channel is its one socket: the template's is not there
            assert seen["sockets"] == [3]
        # each in a pids cgroup of its own: itself and its three sleepers
        assert (a.processes(), b.processes()) == (4, 4)
        tree_a = [int(p) for p in (a._cgroup / "cgroup.procs").read_text().split()]
    finally:
        a.close()
    # closing one kills everything it started, and nothing of the other
    deadline = time.monotonic() + 10
    while any(alive(p) for p in tree_a) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in tree_a)
    try:
        assert b.alive() and b.processes() == 4
        assert _ask(b, {"op": "constant", "name": "SLEEPERS"})["value"] == 3
    finally:
        b.close()
        template.close()


@needs_namespaces
def test_a_forked_worker_dies_with_the_graders_end_of_the_template() -> None:
    template = spawn_worker(Limits("namespaces", tag="test-forks-"), forks=True)
    child = _sandbox.ForkedChild(template)
    try:
        child.ready(time.monotonic() + 60)
        pid = child.pid
        assert pid is not None and alive(pid)
        # the grader is gone (SIGKILL closes its sockets): the template exits,
        # and with it every worker it forked, even one whose channel stays open
        template.sock.close()
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid)
    finally:
        child.close()
        template.close()


def test_a_template_that_cannot_be_reached_is_an_os_error() -> None:
    """A template that died: `WorkerPool` catches this and starts the worker whole."""

    class Gone:
        level, marker = "namespaces", "gone"
        sock, theirs = socket.socketpair()

    Gone.theirs.close()  # the template's end
    try:
        with pytest.raises(BrokenPipeError):
            _sandbox.ForkedChild(Gone)  # type: ignore[arg-type]
    finally:
        Gone.sock.close()
