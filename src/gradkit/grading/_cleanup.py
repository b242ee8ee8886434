"""Temporary directories and sandboxed processes that never outlive a run.

Every sandboxed child gets its directory from `make_temp_dir`: a
``gradkit-*`` directory under the system's temporary directory holding an
``owner`` file with the grader's pid and that process's start time. The first
directory a run makes sweeps away those whose owner is gone (a run killed
with SIGKILL cannot clean up after itself), and with them the run's ``pids``
cgroups (`make_cgroup` names each after its owner), killing whatever still
runs in them. `interruptible` turns SIGINT and
SIGTERM into `Interrupted`: every tracked child's process group is killed at
once, no new child starts, and the grader's own ``finally`` blocks remove
the directories; `cleanup` removes whatever is still left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

PREFIX = "gradkit-"
OWNER = "owner"
# where a pids cgroup can be made: cgroup v1's pids hierarchy, or v2's root
CGROUP_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))

_lock = threading.Lock()
_dirs: set[Path] = set()
_groups: set[int] = set()
_swept = False
_interrupted: int | None = None


class Interrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error
    """The run got SIGINT or SIGTERM; ``signal`` is its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signal = signum


def _start_time(pid: int) -> str | None:
    """A process's start time (clock ticks since boot), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        if not Path("/proc/self/stat").exists():  # no procfs: ask the kernel
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return None
            except PermissionError:
                return ""
            return ""
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid_text: str, started: str) -> bool:
    """Whether process ``pid_text``, started at ``started``, still runs (True if unsure)."""
    try:
        pid = int(pid_text)
    except ValueError:
        return True  # not ours: leave it alone
    now = _start_time(pid)
    return now is not None and now in ("", started)


def _owner_alive(directory: Path) -> bool:
    """Whether the process recorded in ``directory``'s owner file still runs."""
    try:
        pid_text, started = (directory / OWNER).read_text().split()
    except (OSError, ValueError):
        return True  # not ours, or still being made: leave it alone
    return _alive(pid_text, started)


def sweep(root: str | Path | None = None) -> list[Path]:
    """Remove ``gradkit-*`` directories whose owner process is gone; return them."""
    removed = []
    for directory in Path(root or tempfile.gettempdir()).glob(PREFIX + "*"):
        with contextlib.suppress(OSError):
            if directory.is_dir() and not directory.is_symlink() and not _owner_alive(directory):
                shutil.rmtree(directory, ignore_errors=True)
                removed.append(directory)
    return removed


def _owner() -> tuple[str, str]:
    """This process's pid and start time: what names a run's directories and cgroups."""
    return str(os.getpid()), _start_time(os.getpid()) or "0"


def make_cgroup(pids_max: int, roots: tuple[Path, ...] = CGROUP_ROOTS) -> Path | None:
    """Make a ``pids`` cgroup capping its tasks at ``pids_max``, named after this process.

    The name, ``gradkit-PID-START-RANDOM``, records the owner (a cgroup holds
    no files of ours), so that `sweep_cgroups` knows a dead run's. None when
    no cgroup can be made here.
    """
    owner = "-".join(_owner())
    for root in roots:
        if not (root / "cgroup.procs").exists():
            continue
        group = root / f"{PREFIX}{owner}-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(pids_max))
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
            continue
        return group
    return None


def kill_cgroup(group: Path, seconds: float = 5.0) -> bool:
    """Kill every process in ``group`` (those forked meanwhile too), remove it; True if gone."""
    deadline = time.monotonic() + seconds
    pause = 0.001  # a killed worker is gone within a few ms: look again soon, then less often
    while time.monotonic() < deadline:
        try:
            pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except OSError:
            break
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(pause)
        pause = min(2 * pause, 0.02)
    try:
        group.rmdir()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def sweep_cgroups(roots: tuple[Path, ...] = CGROUP_ROOTS) -> list[Path]:
    """Kill and remove the cgroups of runs whose grader is gone; return them."""
    removed = []
    for root in roots:
        for group in root.glob(PREFIX + "*"):
            parts = group.name[len(PREFIX) :].split("-")
            if len(parts) == 3 and group.is_dir() and not _alive(parts[0], parts[1]):
                if kill_cgroup(group):
                    removed.append(group)
    return removed


def make_temp_dir() -> Path:
    """Make a run's ``gradkit-*`` directory, recorded as this process's own."""
    global _swept
    if _interrupted is not None:
        raise Interrupted(_interrupted)
    if not _swept:
        _swept = True
        sweep()
        sweep_cgroups()
    directory = Path(tempfile.mkdtemp(prefix=PREFIX))
    # written whole, then renamed: a sweep never reads a half-written record
    (directory / f"{OWNER}.new").write_text(" ".join(_owner()) + "\n")
    os.replace(directory / f"{OWNER}.new", directory / OWNER)
    with _lock:
        _dirs.add(directory)
    return directory


def release_temp_dir(directory: Path) -> None:
    """Remove a directory made by `make_temp_dir`."""
    shutil.rmtree(directory, ignore_errors=True)
    with _lock:
        _dirs.discard(directory)


def track_process(pid: int) -> None:
    """Record a child that leads its own process group (killed on an interrupt)."""
    with _lock:
        _groups.add(pid)
    if _interrupted is not None:  # started while the interrupt was handled
        _kill(pid)


def untrack_process(pid: int) -> None:
    """Forget a child once it has been reaped."""
    with _lock:
        _groups.discard(pid)


def _kill(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _on_signal(signum: int, frame: object) -> None:
    global _interrupted
    first = _interrupted is None
    if first:
        _interrupted = signum
    with _lock:
        groups = list(_groups)
    for group in groups:
        _kill(group)
    if first:  # a second signal must not cut the clean-up short
        raise Interrupted(signum)


def cleanup() -> None:
    """Kill every tracked process group and remove every tracked directory."""
    with _lock:
        groups, dirs = list(_groups), list(_dirs)
    for group in groups:
        _kill(group)
    for directory in dirs:
        release_temp_dir(directory)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into `Interrupted` (main thread only) and clean up after."""
    global _interrupted
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        try:
            cleanup()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            _interrupted = None
