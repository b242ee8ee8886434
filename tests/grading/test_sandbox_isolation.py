"""The namespaces sandbox shows a worker only what it needs, and shares nothing.

Attacks (tests/grading/isolation/): a submission that runs another student's file
found on the disk; one that reports everything it can see; a pair that leave
and look for SysV IPC objects (a channel between students).
"""

from __future__ import annotations

import json
from pathlib import Path

import h6_exercises  # tests/grading/adversarial, on the path by conftest.py
import pytest

from gradkit.grading._sandbox import namespaces_available, view

HERE = Path(__file__).parent / "isolation"

KEY = 0x67726B31

pytestmark = pytest.mark.skipif(
    not namespaces_available(), reason="these attacks need the namespaces sandbox (unshare)"
)


def _grade(grade, seen, paths: list[str], jobs: int = 2):
    specs = (*h6_exercises.SPECS, seen)
    options = {"jobs": jobs, "timeout": 10.0, "memory_mb": 1024, "seed": 3}
    return grade(paths, specs, "test-iso", **options)[0]


def _seen(result) -> str:
    return next(e for e in result.exercises if e.id == "iso.seen").answer


@pytest.fixture(scope="module")
def graded(tmp_path_factory, grade, seen):
    folder = tmp_path_factory.mktemp("thief")
    victim = (HERE / "victim").resolve()
    thief = folder / "thief.py"
    thief.write_text((HERE / "thief.py").read_text().replace("VICTIM_DIR", str(victim)))
    return _grade(grade, seen, [str(thief), str(HERE / "probe_view.py")])


def test_another_students_file_cannot_be_found_and_run(graded):
    thief = graded["thief"]
    assert _seen(thief) == "nothing: FileNotFoundError"
    scores = {e.id: e.score for e in thief.exercises}
    assert scores["h6.sumsq"] == 0.0
    assert (scores["h6.scale"], scores["h6.softsign"]) == (1.0, 1.0)


def test_the_worker_sees_the_interpreter_its_packages_and_its_work_dir_only(graded):
    seen = json.loads(_seen(graded["probe_view"]))
    binds, links = view([str(Path(h6_exercises.__file__).parent)])
    tops = {Path(p).parts[1] for p in binds} | {Path(p).parts[1] for p, _ in links}
    assert set(seen["root"]) <= tops | {"tmp", "proc", "dev", ".old"}
    assert "home" not in seen["root"] or seen["home"] == []
    assert seen["etc"] in (["ld.so.cache"], "FileNotFoundError")
    # /tmp is private: the work dir, plus the interpreter's own paths when it
    # lives under the host's /tmp (a CI checkout there), and nothing else
    under_tmp = {Path(p).parts[2] for p in binds if Path(p).parts[1] == "tmp"}
    assert sorted(seen["tmp"]) == sorted({"w"} | under_tmp)
    assert sorted(seen["dev"]) == [
        "fd",
        "full",
        "null",
        "ptmx",
        "pts",
        "random",
        "shm",
        "urandom",
        "zero",
    ]
    assert not (seen["gradkit_writable"] or seen["numpy_writable"] or seen["root_writable"])
    # own UTS and cgroup namespaces: no host name, no host cgroup path
    assert seen["hostname"] == "sandbox"
    assert all(line.endswith(":/") for line in seen["cgroup"].strip().splitlines())


def _host_ipc_keys() -> set[int]:
    keys = set()
    for table in ("shm", "msg"):
        lines = Path(f"/proc/sysvipc/{table}").read_text().splitlines()[1:]
        keys |= {int(line.split()[0]) for line in lines}
    return keys


def test_sysv_ipc_is_private_to_each_worker(grade, seen):
    assert KEY not in _host_ipc_keys(), "a previous run left the test's key behind"
    paths = [str(HERE / "ipc_a_writer.py"), str(HERE / "ipc_b_reader.py")]
    try:
        graded = _grade(grade, seen, paths, jobs=1)
        leaked = KEY in _host_ipc_keys()
    finally:
        import subprocess

        for flag in ("-M", "-Q"):
            subprocess.run(["ipcrm", flag, str(KEY)], capture_output=True, check=False)
    assert _seen(graded["ipc_a_writer"]) == "created: shm msg"
    assert _seen(graded["ipc_b_reader"]) == "found:"
    assert not leaked
