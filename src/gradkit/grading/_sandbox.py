"""Start grader children in a sandbox, and make sure nothing of them survives.

Two levels, detected once and named in every report:

``namespaces``
    ``unshare`` puts the child in new user, PID, network, mount, IPC, UTS and
    cgroup namespaces. Inside, a setup script builds the child's whole file
    system in an empty tmpfs and pivots into it (`view`): the system's
    programs and libraries, the interpreter and its import path, read-only,
    with the exercises' source directories covered; a private ``/tmp`` with
    the working directory at ``/tmp/w``; a fresh ``/proc``; private
    ``/dev/shm`` and ``/dev/pts`` and five harmless devices. No home
    directories, no submissions, no other project trees, no network, and
    every capability dropped before Python starts. The child's PID namespace
    dies with it, so a ``fork()`` + ``setsid()`` orphan dies too.
``limits``
    A new session, a clean environment, ``python -I`` and a temporary working
    directory. As root (Docker, Gradescope) the child runs as ``nobody``
    (`drop_privileges`), and the exercises' directories are closed to it
    (`protect`). Otherwise files the grading user can read and the network
    are *not* protected.

At the namespaces level, a worker may also be forked from a template child
that imported JAX once (`ForkedChild`, `gradkit._sandboxed._forks`): into
namespaces, a session, mounts and a ``pids`` cgroup of its own, with every
capability dropped.

At both levels the child limits itself before it runs anything untrusted
(`gradkit._sandboxed.apply_limits`: ``RLIMIT_DATA``, ``RLIMIT_CPU``,
``RLIMIT_FSIZE``, no core files), and when a ``pids`` cgroup can be created
the whole tree is confined to it, which caps fork bombs and lets
`Child.close` find and kill every descendant. The children run modules of
`gradkit._sandboxed` (`WORKER`, `EVALUATOR`), never this package.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, cast

from .._sandboxed import FORK_HELLO, REFUSE_ENV, ChannelError, hung_up, recv
from ._cleanup import (
    kill_cgroup,
    make_cgroup,
    make_temp_dir,
    release_temp_dir,
    track_process,
    untrack_process,
)

Level = Literal["namespaces", "limits"]
LEVELS: tuple[str, ...] = ("auto", "namespaces", "limits")
OUTPUT_CAP = 64 << 10
SANDBOX_ENV = "GRADKIT_SANDBOX_ID"
# user, PID, network, mount, IPC, UTS and cgroup namespaces; a fresh /proc
_UNSHARE = ["-r", "-n", "-p", "-f", "--kill-child", "-m", "-i", "-u", "-C", "--mount-proc"]
_INSIDE_WORKDIR = "/tmp/w"
NOBODY = 65534
# what a child may see of the host's /dev (bound one by one into an empty /dev)
_DEVICES = ("null", "zero", "full", "random", "urandom")
# the system's programs and libraries (the interpreter's shared libraries, sh,
# setpriv); merged-/usr links are recreated as links
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache")

# Joins the pids cgroup ($1, or "" for none) before anything else, so that the
# cgroup namespace created next is rooted at it; then runs the rest.
_JOIN = 'if [ -n "$1" ]; then echo 0 > "$1"; fi; shift; exec "$@"'

# Runs as PID 1 of the new namespaces and builds the child's whole file system
# view in an empty tmpfs, then pivots into it: $1 the new root (an empty
# directory), $2 the work dir, then a count and the paths to bind read-only
# (directories or files), a count and the links to recreate (path, target),
# a count and the directories to cover with an empty read-only tmpfs (the
# exercises' sources), then the command. Nothing else of the host is visible.
_SETUP = r"""
set -e
root="$1"; work="$2"; bounding="$3"; shift 3
readonly_bind() {
  # In a user namespace the kernel keeps the flags it locked on the original
  # mount (its atime mode, nosuid, nodev, noexec): when the plain remount is
  # refused, retry with the mount's own flags, rw turned into ro.
  own=$(awk -v m="$1" '$5 == m {o = $6} END {print o}' /proc/self/mountinfo \
    | sed -e 's/^rw,/ro,/' -e 's/,rw,/,ro,/' -e 's/,rw$/,ro/' -e 's/^rw$/ro/')
  for opts in ro,nosuid,nodev "ro,nosuid,nodev,$own" "ro,$own" ro,nosuid,nodev,noexec; do
    mount -o "remount,bind,$opts" "$1" 2>/dev/null && return 0
  done
  mount -o remount,bind,ro,nosuid,nodev "$1"
}
mount --make-rprivate /
echo sandbox > /proc/sys/kernel/hostname 2>/dev/null || true
mount -t tmpfs -o size=1m,mode=755 tmpfs "$root"
# the private /tmp first: an interpreter or venv under the host's /tmp (a CI
# checkout) is bound inside it below, where a later tmpfs would hide it
mkdir -p "$root/tmp"
mount -t tmpfs -o size=64m,mode=700,nosuid,nodev tmpfs "$root/tmp"
count="$1"; shift
while [ "$count" -gt 0 ]; do
  if [ -d "$1" ]; then mkdir -p "$root$1"; else mkdir -p "$root${1%/*}"; : > "$root$1"; fi
  # recursive: in a user namespace the kernel refuses a plain bind of a tree
  # holding mounts it locked (a GPU image's /usr/local/nvidia under /usr)
  mount --rbind "$1" "$root$1"
  readonly_bind "$root$1"
  for sub in $(awk -v p="$root$1/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo); do
    readonly_bind "$sub"
  done
  shift; count=$((count - 1))
done
count="$1"; shift
while [ "$count" -gt 0 ]; do
  mkdir -p "$root${1%/*}"; ln -s "$2" "$root$1"
  shift 2; count=$((count - 1))
done
count="$1"; shift
while [ "$count" -gt 0 ]; do
  if [ -d "$root$1" ]; then mount -t tmpfs -o ro,size=4k,mode=755 tmpfs "$root$1"; fi
  shift; count=$((count - 1))
done
mkdir -p "$root/proc" "$root/dev/shm" "$root/dev/pts" "$root/.old"
mkdir "$root/tmp/w"
mount --bind "$work" "$root/tmp/w"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
for device in null zero full random urandom; do
  : > "$root/dev/$device"; mount --bind "/dev/$device" "$root/dev/$device"
done
mount -t tmpfs -o size=16m,mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
mount -o remount,ro "$root"
cd "$root"
PATH="/usr/sbin:/sbin:$PATH" pivot_root . .old
cd /
umount -l /.old
cd /tmp/w
exec setpriv --bounding-set="$bounding" --inh-caps=-all --no-new-privs "$@"
"""


def _collapse(paths: list[Path]) -> list[Path]:
    """Keep the topmost of nested paths, in order of depth."""
    keep: list[Path] = []
    for path in sorted(set(paths), key=lambda p: (len(p.parts), str(p))):
        if not any(path.is_relative_to(k) for k in keep):
            keep.append(path)
    return keep


@functools.cache
def _child_path() -> tuple[str, ...]:
    """The import path of ``python -I`` here: the directories a child imports from."""
    probe = [sys.executable, "-I", "-c", "import sys; print('\\0'.join(sys.path))"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return tuple(p for p in sys.path if p)
    return tuple(p for p in result.stdout.rstrip("\n").split("\0") if p)


def view(hide: Sequence[str] = ()) -> tuple[list[str], list[tuple[str, str]]]:
    """The paths a namespaces child sees (bound read-only) and the links recreated.

    The system's programs and libraries, the interpreter (its prefixes) and
    the directories of its import path (the installed packages, gradkit
    included) and nothing else: no home directories, no submissions, no other
    project trees. The exercises' directories (``hide``) are covered inside.
    A top-level link such as ``/lib -> usr/lib`` is recreated as a link.
    """
    links: list[tuple[str, str]] = []
    paths: list[Path] = []
    for name in _SYSTEM:
        path = Path(name)
        if path.is_symlink() and path.parent == Path("/"):
            links.append((name, os.readlink(path)))
        elif path.exists():
            paths.append(path.resolve())
    python = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *_child_path()]
    python.append(str(Path(sys.executable).parent))
    for entry in python:
        path = Path(entry).resolve()
        if path.exists() and path != Path("/") and not _is_hidden(path, hide):
            paths.append(path)
    return [str(p) for p in _collapse(paths)], links


def refused_modules(hide: Sequence[str]) -> list[str]:
    """The top-level modules the ``hide`` directories hold (what a worker refuses to import).

    A package directory gives its own name; a plain directory of modules
    gives each module's name.
    """
    names: set[str] = set()
    for name in hide:
        path = Path(name)
        if (path / "__init__.py").exists() or not any(path.glob("*.py")):
            names.add(path.name)
        else:
            names.update(p.stem for p in path.glob("*.py"))
    return sorted(n for n in names if n.isidentifier())


def _is_hidden(path: Path, hide: Sequence[str]) -> bool:
    return any(path.is_relative_to(Path(h).resolve()) for h in hide)


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


_SETPRIV_NOBODY = (
    "setpriv",
    f"--reuid={NOBODY}",
    f"--regid={NOBODY}",
    "--clear-groups",
    "--bounding-set=-all",
    "--inh-caps=-all",
    "--no-new-privs",
)


@functools.cache
def drop_privileges() -> bool:
    """Whether `limits` children run as ``nobody``: we are root and ``nobody`` can run Python.

    As root (Docker, Gradescope), a child that kept root could read the
    reference solutions and write anywhere. ``nobody`` must be able to run
    this interpreter and import gradkit and JAX (probed once); a Python
    installed under a private home (``/root/.pyenv``) cannot be, and then
    the child runs as the grading user, as it does for any other user.
    """
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    code = "import importlib.util as u, sys; sys.exit(not u.find_spec('gradkit._sandboxed'))"
    probe = [*_SETPRIV_NOBODY, sys.executable, "-I", "-c", code]
    try:
        result = subprocess.run(probe, capture_output=True, timeout=30, check=False, cwd="/")
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def protect(hide: Sequence[str]) -> None:
    """Make the exercises' directories unreadable to ``nobody`` when children run as it.

    Only directories that hold no part of the child's import path (a package
    directory, never ``site-packages`` itself) are closed, to owner only.
    """
    if not drop_privileges():
        return
    needed = [Path(p).resolve() for p in _child_path()]
    for name in hide:
        path = Path(name).resolve()
        if any(n.is_relative_to(path) for n in needed):
            continue
        with contextlib.suppress(OSError):
            path.chmod(path.stat().st_mode & 0o700)


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


class _Output:
    """A child's output, drained by a thread: the first `OUTPUT_CAP` bytes kept, all counted."""

    def __init__(self, stream: io.BufferedReader) -> None:
        self._stream = stream
        self.kept = bytearray()
        self.count = 0
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        with self._stream:  # closed here, at the end: closing it under a read would block
            while chunk := self._stream.read1(1 << 16):
                self.count += len(chunk)
                if len(self.kept) < OUTPUT_CAP:
                    self.kept += chunk[: OUTPUT_CAP - len(self.kept)]

    def close(self) -> None:
        """Wait a little for the end of the output (the child was killed: it comes at once)."""
        self._thread.join(timeout=2)


class _Sandboxed:
    """What the grader sees of any sandboxed child: its channel, output and cgroup."""

    sock: socket.socket
    level: Level
    marker: str
    _cgroup: Path | None
    _output: _Output
    _ready = False

    @property
    def output(self) -> bytearray:
        """The first `OUTPUT_CAP` bytes the child wrote to stdout and stderr."""
        return self._output.kept

    @property
    def output_bytes(self) -> int:
        """How many bytes the child wrote to stdout and stderr."""
        return self._output.count

    def processes(self) -> int | None:
        """How many processes the child's cgroup holds now (None without a cgroup)."""
        if self._cgroup is None:
            return None
        try:
            return len((self._cgroup / "cgroup.procs").read_text().split())
        except OSError:
            return None

    def waited(self) -> float:
        """Seconds the child's busiest-waiting process has spent ready to run but without a
        CPU (its main thread's run delay, ``/proc/PID/schedstat``); 0 without a cgroup.

        On a loaded machine a submission waits for a core through no fault of its own:
        `RemoteCandidate` gives that time back to its deadlines. Sleeping is not waiting
        for a CPU, and the largest of its processes' delays counts, not their sum, so
        neither a ``sleep`` nor a swarm of busy processes earns time.
        """
        if self._cgroup is None:
            return 0.0
        try:
            pids = (self._cgroup / "cgroup.procs").read_text().split()
        except OSError:
            return 0.0
        found = 0
        for pid in pids:
            try:
                found = max(found, int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]))
            except (OSError, ValueError, IndexError):
                continue
        return found / 1e9

    def ready(self, deadline: float) -> None:
        """Wait for the child's ``ready`` (once; a `ChannelError` if it dies or is late)."""
        if not self._ready:
            recv(self.sock, deadline, 1 << 16)
            self._ready = True


class Child(_Sandboxed):
    """A sandboxed child process and our end of its private channel.

    Runs ``python -I -B -m MODULE FD *ARGS`` at ``level``, with an empty
    working directory, the ``hide`` directories covered (namespaces level),
    at most ``pids_max`` tasks when a ``pids`` cgroup is available, and
    ``tag`` as the prefix of the marker `leftover_processes` looks for, and
    ``env`` added to its otherwise fixed environment. At the namespaces level
    its capability bounding set is ``bounding_set`` (``setpriv``'s syntax):
    empty for anything that runs a submission.
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
        env: Mapping[str, str] | None = None,
        bounding_set: str = "-all",
    ) -> None:
        self.level = level
        self.marker = tag + uuid.uuid4().hex
        self._base = make_temp_dir()
        self.workdir = self._base / "w"
        self.workdir.mkdir()
        self.sock, theirs = _channel_pair()
        self._cgroup = make_cgroup(pids_max)
        procs = str(self._cgroup / "cgroup.procs") if self._cgroup else ""
        python = [sys.executable, "-I", "-B", "-m", module, str(theirs.fileno()), *args]
        command = ["sh", "-c", _JOIN, "gradkit-sandbox", procs]
        if level == "namespaces":
            (self._base / "root").mkdir()
            binds, links = view(hide)
            command += ["unshare", *_UNSHARE, "sh", "-c", _SETUP, "gradkit-sandbox"]
            command += [str(self._base / "root"), str(self.workdir), bounding_set]
            command += [str(len(binds)), *binds, str(len(links))]
            command += [part for link in links for part in link]
            command += [str(len(hide)), *hide, *python]
            cwd = self._base
        else:
            if drop_privileges():
                protect(hide)
                # the unprivileged user reaches its work dir, nothing else of ours
                self._base.chmod(0o711)
                os.chown(self.workdir, NOBODY, NOBODY)
                command += [*_SETPRIV_NOBODY]
            command += python
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
            **(env or {}),
            SANDBOX_ENV: self.marker,
            REFUSE_ENV: ",".join(refused_modules(hide)),
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
        # Popen(bufsize=-1) gives a BufferedReader
        self._output = _Output(cast(io.BufferedReader, self.process.stdout))

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
            kill_cgroup(self._cgroup)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
            untrack_process(self.process.pid)
        self._output.close()
        release_temp_dir(self._base)


class ForkedChild(_Sandboxed):
    """A worker forked by a template worker, isolated on its own (`gradkit._sandboxed` `FORKS`).

    ``template`` is a `Child` running the worker with `FORKS`: it imported JAX
    once and forks this worker into new namespaces on request, handing it the
    channel and output pipe made here. `ready` reads the worker's process ID
    from the credentials of its first byte and moves it into a ``pids``
    cgroup of its own (at most ``pids_max`` tasks) before it is sent anything.
    Raises `OSError` when the template is gone.
    """

    def __init__(self, template: Child, pids_max: int = 128) -> None:
        self.level, self.marker = template.level, template.marker
        self.pid: int | None = None
        self.sock, theirs = _channel_pair()
        # the kernel attaches the sender's credentials to what arrives from now on
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        read, write = os.pipe()
        self._output = _Output(os.fdopen(read, "rb"))
        self._cgroup = make_cgroup(pids_max)
        try:
            try:
                socket.send_fds(template.sock, [b"f"], [theirs.fileno(), write])
            finally:
                theirs.close()
                os.close(write)
        except OSError:
            self.close()
            raise

    def ready(self, deadline: float) -> None:
        """Confine the worker to its cgroup once it says hello, then wait for its ``ready``."""
        if self._ready:
            return
        if not select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise ChannelError("timeout", "no answer before the deadline")
        credentials = struct.Struct("iII")
        data, ancillary, _, _ = self.sock.recvmsg(1, socket.CMSG_SPACE(credentials.size))
        pids = [
            credentials.unpack(payload[: credentials.size])[0]
            for level, kind, payload in ancillary
            if (level, kind) == (socket.SOL_SOCKET, socket.SCM_CREDENTIALS)
        ]
        if data != FORK_HELLO or len(pids) != 1 or pids[0] <= 0:
            raise ChannelError("closed", "the forked worker did not start")
        self.pid = pids[0]
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 0)
        if self._cgroup is not None:
            try:
                (self._cgroup / "cgroup.procs").write_text(str(self.pid))
            except OSError as error:
                raise ChannelError("closed", f"cannot confine the forked worker: {error}") from None
        self.sock.sendall(FORK_HELLO)  # confined: it may go on
        super().ready(deadline)

    def alive(self) -> bool:
        """Say whether the worker's channel is still open at its end."""
        return not hung_up(self.sock)

    def close(self) -> None:
        """Kill the worker and its descendants (its cgroup, else its PID namespace's init)."""
        with contextlib.suppress(OSError):
            self.sock.close()
        if self._cgroup is not None:
            kill_cgroup(self._cgroup)
        if self.pid is not None and self._cgroup is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)
        self._output.close()


def _channel_pair() -> tuple[socket.socket, socket.socket]:
    """A private channel, with room for several artifacts in flight (exported while evaluated)."""
    ours, theirs = socket.socketpair()
    for end in (ours, theirs):
        end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    return ours, theirs


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
