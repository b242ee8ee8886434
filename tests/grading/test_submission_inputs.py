"""A submission's files: only regular files inside it, sizes capped before reading.

Each attack is laid out on disk at test time (git cannot hold FIFOs, and a
symbolic link must point at this checkout). A batch mixing them with an
honest submission is graded under every sandbox level: the honest one keeps
full marks, each attack scores 0 with a reason, and nothing hangs.
"""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

import h6_exercises  # tests/grading/adversarial, on the path by conftest.py
import pytest

from gradkit.grading._runner import GradeOptions, grade_paths, shard_paths
from gradkit.grading._sandbox import leftover_processes, namespaces_available
from gradkit.grading._submission import InputLimits, load_submission, unique_paths

HERE = Path(__file__).parent / "adversarial"

GOOD = (HERE / "submissions" / "good.py").read_text()
REFERENCE = HERE / "h6_exercises.py"


def _load(path, limits=None, seconds=10.0):
    """Load in a thread: a read that blocks (a FIFO) fails the test instead of hanging it."""
    out = []
    thread = threading.Thread(target=lambda: out.append(load_submission(path, limits)))
    thread.daemon = True
    thread.start()
    thread.join(seconds)
    assert out, f"reading {path} did not finish in {seconds} s"
    return out[0]


def test_a_symlink_to_the_reference_is_refused(tmp_path):
    link = tmp_path / "s.py"
    link.symlink_to(REFERENCE)
    sub = _load(link)
    assert sub.files == {}
    assert sub.error == (
        f"s.py is a symbolic link to {str(REFERENCE)!r}, outside the submission's directory: "
        "the grader reads only files inside the submission; copy the file in"
    )


def test_a_directory_with_a_symlinked_file_outside_it_is_refused(tmp_path):
    (tmp_path / "solutions.py").write_text("from norms import *\n")
    (tmp_path / "norms.py").symlink_to(REFERENCE)
    sub = _load(tmp_path)
    assert sub.error is not None and sub.error.startswith("norms.py is a symbolic link to ")
    assert "outside the submission's directory" in sub.error


def test_a_directory_that_is_a_symlink_out_of_its_folder_is_refused(tmp_path):
    (tmp_path / "alice").symlink_to(HERE)
    sub = _load(tmp_path / "alice")
    assert sub.error is not None and sub.error.startswith(
        f"alice is a symbolic link to {str(HERE)!r}"
    )


def test_symlinks_inside_the_submission_are_followed(tmp_path):
    (tmp_path / "impl").mkdir()
    (tmp_path / "impl" / "real.py").write_text(GOOD)
    (tmp_path / "solutions.py").symlink_to("impl/real.py")
    (tmp_path / "latest.py").symlink_to("solutions.py")
    sub = _load(tmp_path)
    assert sub.error is None
    assert sub.files == {"latest.py": GOOD.encode(), "solutions.py": GOOD.encode()}
    single = _load(tmp_path / "latest.py")
    assert (single.error, single.source) == (None, GOOD)


@pytest.mark.parametrize("inside_directory", [False, True])
def test_a_fifo_is_refused_without_blocking(tmp_path, inside_directory):
    os.mkfifo(tmp_path / "f.py")
    sub = _load(tmp_path if inside_directory else tmp_path / "f.py", seconds=5)
    assert sub.error == "f.py is a FIFO (named pipe): only regular files are read"


def test_a_device_is_refused_without_reading(tmp_path):
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    assert _load(tmp_path / "zero.py").error.startswith(
        "zero.py is a symbolic link to '/dev/zero', outside the submission's directory"
    )
    # a device inside the submission's own directory is refused too (only root makes one)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "null.py").symlink_to(os.devnull)
    os.symlink(os.devnull, tmp_path / "d" / "dev")
    assert "outside the submission's directory" in _load(tmp_path / "d").error


def test_a_socket_is_refused(tmp_path):
    import socket

    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.py"))
        assert _load(tmp_path / "s.py").error == "s.py is a socket: only regular files are read"
    finally:
        server.close()


def test_a_dangling_or_looping_symlink_is_an_error_of_that_submission(tmp_path):
    (tmp_path / "gone.py").symlink_to(tmp_path / "nothing.py")
    assert _load(tmp_path / "gone.py").error == (
        f"gone.py is a symbolic link to {str(tmp_path / 'nothing.py')!r}, which does not exist"
    )
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    assert _load(tmp_path / "loop.py").error.startswith("loop.py is a symbolic link to ")


def test_sizes_are_capped_before_reading(tmp_path):
    huge = tmp_path / "huge.py"
    with open(huge, "wb") as out:  # sparse: 64 GB that would take minutes to read
        out.truncate(64 << 30)
    assert _load(huge, seconds=2).error == "huge.py is 68,719,476,736 bytes; the limit is 5,242,880"
    small = InputLimits(file_bytes=10, submission_bytes=25)
    (tmp_path / "one.py").write_text("x = 12345\n")  # 10 bytes: fits
    assert _load(tmp_path / "one.py", small).error is None
    folder = tmp_path / "d"
    folder.mkdir()
    for name in "abc":
        (folder / f"{name}.py").write_text("x = 12345\n")
    assert _load(folder, small).error == (
        "c.py is 10 bytes; with the files before it, that is over the submission's limit of 25"
    )
    assert _load(folder, InputLimits(file_bytes=9)).error == "a.py is 10 bytes; the limit is 9"


def test_too_many_files_are_refused_before_any_is_read(tmp_path):
    for n in range(6):
        os.mkfifo(tmp_path / f"f{n}.py")
    assert _load(tmp_path, InputLimits(files=5)).error == (
        "the directory holds 6 .py files; the limit is 5"
    )


def test_paths_naming_one_file_count_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.py").write_text(GOOD)
    Path("b.py").symlink_to("a.py")
    Path("c.py").write_text(GOOD)
    given = ["a.py", "./a.py", str(tmp_path / "a.py"), "c.py", "b.py", "sub/../a.py"]
    Path("sub").mkdir()
    assert unique_paths(given) == ["a.py", "c.py"]
    assert shard_paths(given, None) == ["./a.py", "c.py"]
    assert [p for i in (1, 2) for p in shard_paths(given, (i, 2))] == ["./a.py", "c.py"]


def _attacks(root: Path) -> dict[str, Path]:
    """Lay out the input attacks next to an honest submission; return them by name."""
    root.mkdir()
    (root / "good.py").write_text(GOOD)
    (root / "to_reference.py").symlink_to(REFERENCE)
    folder = root / "linked_helper"
    folder.mkdir()
    (folder / "solutions.py").write_text("from helper import *\n")
    (folder / "helper.py").symlink_to(REFERENCE)
    os.mkfifo(root / "fifo.py")
    (root / "zero.py").symlink_to("/dev/zero")
    (root / "urandom.ipynb").symlink_to("/dev/urandom")
    (root / "dangling.py").symlink_to(root / "missing.py")
    (root / "loop.py").symlink_to(root / "loop.py")
    with open(root / "sparse.py", "wb") as out:
        out.truncate(32 << 30)
    (root / "ref_dir").symlink_to(HERE)
    many = root / "many"
    many.mkdir()
    for n in range(150):
        (many / f"m{n:03}.py").write_text(GOOD)
    return {p.name: p for p in root.iterdir()}


LEVELS = [
    pytest.param(
        "namespaces",
        marks=pytest.mark.skipif(not namespaces_available(), reason="needs namespaces"),
    ),
    "limits",
]


@pytest.mark.parametrize("level", LEVELS)
def test_input_attacks_cost_no_honest_points_and_never_hang(tmp_path, level):
    paths = _attacks(tmp_path / "batch")
    tag = f"test-inputs-{uuid.uuid4().hex[:8]}-"
    options = GradeOptions(jobs=2, timeout=5.0, memory_mb=1024, seed=7, sandbox=level, tag=tag)
    good = paths["good.py"]
    given = [str(p) for p in paths.values()] + [os.path.join(good.parent, ".", "good.py")]
    report = grade_paths(given, h6_exercises.SPECS, options)
    by_name = {Path(s.path).name: s for s in report.submissions}
    assert sorted(by_name) == sorted(paths)  # and good.py once, whatever its spelling
    assert (by_name["good.py"].score, by_name["good.py"].status) == (4.0, "passed")
    reasons = {
        "to_reference.py": "outside the submission's directory",
        "linked_helper": "helper.py is a symbolic link to",
        "fifo.py": "fifo.py is a FIFO (named pipe): only regular files are read",
        "zero.py": "symbolic link to '/dev/zero', outside",
        "urandom.ipynb": "symbolic link to '/dev/urandom', outside",
        "dangling.py": "which does not exist",
        "loop.py": "loop.py is a symbolic link to",
        "sparse.py": "sparse.py is 34,359,738,368 bytes; the limit is 5,242,880",
        "ref_dir": "ref_dir is a symbolic link to",
        "many": "the directory holds 150 .py files; the limit is 100",
    }
    for name, reason in reasons.items():
        sub = by_name[name]
        assert (sub.score, sub.status) == (0.0, "error"), name
        assert reason in sub.message, (name, sub.message)
    assert report.sandbox == level
    assert leftover_processes(tag) == []
