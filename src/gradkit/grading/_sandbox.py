"""Start grader children in a sandbox, and make sure nothing of them survives.

Two levels, detected once and named in every report:

``namespaces``
    ``unshare`` puts the child in new user, PID, network and mount
    namespaces. Inside, a setup script mounts a private ``/tmp`` with the
    working directory at ``/tmp/w``, covers the exercises' source directories
    with empty read-only file systems, remounts everything else read-only and
    drops every capability before running Python. No network; the child's
    PID namespace dies with it, so a ``fork()`` + ``setsid()`` orphan dies too.
``limits``
    A new session, a clean environment, ``python -I`` and a temporary working
    directory. Files outside it and the network are *not* protected.

At both levels the child limits itself before it runs anything untrusted
(`apply_limits`: ``RLIMIT_DATA``, ``RLIMIT_CPU``, ``RLIMIT_FSIZE``, no core
files; not ``RLIMIT_AS``, which kills JAX at start), and when a ``pids``
cgroup can be created the whole tree is confined to it, which caps fork bombs
and lets `Child.close` find and kill every descendant. This module imports
only the standard library, so the children can use `apply_limits` cheaply.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from ._cleanup import make_temp_dir, release_temp_dir, track_process, untrack_process

Level = Literal["namespaces", "limits"]
LEVELS: tuple[str, ...] = ("auto", "namespaces", "limits")
OUTPUT_CAP = 64 << 10
SANDBOX_ENV = "GRADKIT_SANDBOX_ID"
_UNSHARE = ["-r", "-n", "-p", "-f", "--kill-child", "-m", "--mount-proc"]
_INSIDE_WORKDIR = "/tmp/w"

# Runs as PID 1 of the new namespaces: $1 work dir, $2 cgroup.procs or "",
# $3 count of paths under /tmp to keep visible (the Python and gradkit the
# child runs from, when they live under /tmp, as in a CI checkout), then those
# paths, then a count of paths to hide, then those paths, then the command.
_SETUP = r"""
set -e
work="$1"; procs="$2"; keep="$3"; shift 3
if [ -n "$procs" ]; then echo 0 > "$procs"; fi
mount --make-rprivate /
mount -t tmpfs -o size=1m,mode=700 tmpfs /dev/shm
mkdir /dev/shm/w
mount --bind "$work" /dev/shm/w
i=0
while [ "$i" -lt "$keep" ]; do
  eval "path=\${$((i + 1))}"
  mkdir "/dev/shm/k$i"
  mount --bind "$path" "/dev/shm/k$i"
  i=$((i + 1))
done
mount -t tmpfs -o size=64m,mode=700 tmpfs /tmp
mkdir /tmp/w
mount --move /dev/shm/w /tmp/w
i=0
while [ "$i" -lt "$keep" ]; do
  mkdir -p "$1"
  mount --move "/dev/shm/k$i" "$1"
  shift; i=$((i + 1))
done
count="$1"; shift
while [ "$count" -gt 0 ]; do
  [ -d "$1" ] && mount -t tmpfs -o ro,size=4k tmpfs "$1"
  shift; count=$((count - 1))
done
for point in $(awk '{print $2}' /proc/self/mounts); do
  case "$point" in /tmp|/tmp/w|/proc|/proc/*) continue;; esac
  mount -o remount,bind,ro "$point" 2>/dev/null || true
done
cd /tmp/w
exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs "$@"
"""


def _paths_under_tmp() -> list[str]:
    """Return the directories under /tmp the child needs to run Python and gradkit.

    The namespaces level mounts a private, empty ``/tmp``; an interpreter, a
    virtual environment or an editable gradkit living under /tmp (a CI
    checkout, say) is bound back in at the same place, read-only like every
    other mount. Nested paths collapse into their topmost directory.
    """
    tmp = Path("/tmp").resolve()
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, *(p for p in sys.path if p)}
    found: list[Path] = []
    for candidate in candidates:
        path = Path(candidate).resolve()
        if path.is_dir() and path != tmp and path.is_relative_to(tmp):
            found.append(path)
    found.sort(key=lambda p: len(p.parts))
    keep: list[Path] = []
    for path in found:
        if not any(path.is_relative_to(k) for k in keep):
            keep.append(path)
    return [str(p) for p in keep]


@functools.cache
def namespaces_available() -> bool:
    """Say whether this machine lets us create the namespaces (probed once)."""
    if not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    probe = ["unshare", *_UNSHARE, "sh", "-c", "mount -t tmpfs tmpfs /tmp"]
    try:
        result = subprocess.run(probe, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def choose_level(requested: str) -> Level:
    """Resolve ``auto`` to the strongest level available; refuse one that is not."""
    from .._errors import GradingError

    if requested not in LEVELS:
        raise GradingError(f"unknown sandbox level {requested!r}: use one of {', '.join(LEVELS)}")
    if requested == "limits":
        return "limits"
    if namespaces_available():
        return "namespaces"
    if requested == "namespaces":
        raise GradingError(
            "sandbox level 'namespaces' is not available here (unshare failed: containers "
            "often forbid user namespaces); use --sandbox limits or --sandbox auto"
        )
    return "limits"


def apply_limits(memory_mb: int, cpu_seconds: int) -> None:
    """Limit this process (called by a child before it runs anything untrusted)."""
    import resource

    data = memory_mb << 20
    limits = {
        resource.RLIMIT_DATA: (data, data),
        resource.RLIMIT_CPU: (cpu_seconds, cpu_seconds + 1),
        resource.RLIMIT_FSIZE: (16 << 20, 16 << 20),
        resource.RLIMIT_CORE: (0, 0),
    }
    for kind, value in limits.items():
        resource.setrlimit(kind, value)


def _make_cgroup(pids_max: int) -> Path | None:
    """Create a ``pids`` cgroup (v1 or v2) that caps the child's tasks, or None."""
    for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if not (root / "cgroup.procs").exists():
            continue
        group = root / f"gradkit-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(pids_max))
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
            continue
        return group
    return None


class Child:
    """A sandboxed child process and our end of its private channel.

    Runs ``python -I -B -m MODULE FD *ARGS`` at ``level``, with an empty
    working directory, the ``hide`` directories covered (namespaces level),
    at most ``pids_max`` tasks when a ``pids`` cgroup is available, and
    ``tag`` as the prefix of the marker `leftover_processes` looks for.
    """

    def __init__(
        self,
        module: str,
        args: Sequence[str],
        *,
        level: Level,
        hide: Sequence[str] = (),
        pids_max: int = 128,
        tag: str = "",
    ) -> None:
        self.level = level
        self.marker = tag + uuid.uuid4().hex
        self._base = make_temp_dir()
        self.workdir = self._base / "w"
        self.workdir.mkdir()
        self.sock, theirs = socket.socketpair()
        # room for several artifacts in flight: the worker exports while we evaluate
        for end in (self.sock, theirs):
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self._cgroup = _make_cgroup(pids_max)
        procs = str(self._cgroup / "cgroup.procs") if self._cgroup else ""
        python = [sys.executable, "-I", "-B", "-m", module, str(theirs.fileno()), *args]
        if level == "namespaces":
            command = ["unshare", *_UNSHARE, "sh", "-c", _SETUP, "gradkit-sandbox"]
            keep = _paths_under_tmp()
            command += [str(self.workdir), procs, str(len(keep)), *keep]
            command += [str(len(hide)), *hide, *python]
            cwd = self._base
        else:
            join = 'if [ -n "$1" ]; then echo 0 > "$1"; fi; shift; exec "$@"'
            command = ["sh", "-c", join, "gradkit-sandbox", procs, *python]
            cwd = self.workdir
        home = _INSIDE_WORKDIR if level == "namespaces" else str(self.workdir)
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "TMPDIR": home,
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "JAX_PLATFORMS": "cpu",
            "GRADKIT_LOAD_PLUGINS": "",
            "OPENBLAS_NUM_THREADS": "1",
            SANDBOX_ENV: self.marker,
        }
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(theirs.fileno(),),
            start_new_session=True,
        )
        theirs.close()
        track_process(self.process.pid)
        self.output = bytearray()
        self.output_bytes = 0
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    def _drain_output(self) -> None:
        """Keep the first `OUTPUT_CAP` bytes of the child's output and count the rest."""
        assert self.process.stdout is not None
        while chunk := self.process.stdout.read1(1 << 16):
            self.output_bytes += len(chunk)
            if len(self.output) < OUTPUT_CAP:
                self.output += chunk[: OUTPUT_CAP - len(self.output)]

    def alive(self) -> bool:
        """Say whether the child process is still running."""
        return self.process.poll() is None

    def close(self) -> None:
        """Kill the whole tree (session, namespace and cgroup) and remove the work dir."""
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self._cgroup is not None:
            self._kill_cgroup(self._cgroup)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
            untrack_process(self.process.pid)
        self._drain.join(timeout=2)
        if self.process.stdout is not None:
            self.process.stdout.close()
        release_temp_dir(self._base)

    @staticmethod
    def _kill_cgroup(group: Path) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
            except OSError:
                return
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)
        with contextlib.suppress(OSError):
            group.rmdir()


def leftover_processes(marker: str | None = None) -> list[int]:
    """List live processes started by a sandbox (any, or those whose marker starts with ``marker``).

    Scans ``/proc/*/environ`` for `SANDBOX_ENV`, which every child and its
    descendants inherit; a process that clears its environment escapes this
    scan but not the namespace or cgroup kill.
    """
    needle = f"{SANDBOX_ENV}={marker}".encode() if marker else f"{SANDBOX_ENV}=".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and needle in environ:
            found.append(int(entry.name))
    return found
