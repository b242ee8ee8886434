"""Fork a prepared worker into a sandbox of its own, so that JAX is imported once per run.

A worker's start is mostly its JAX import (about 0.6 CPU seconds here), paid
again for every submission. A *template* worker (``_worker.py --forks``)
imports JAX and prepares itself once, in the namespaces sandbox, then forks
one worker per submission (`serve_forks`). Each fork goes through two steps
before it may run anything untrusted:

1. The child enters new user, mount, PID, network, IPC and UTS namespaces
   and maps one ID (`INSIDE_ID`) onto the template's (`enter_namespaces`).
   The kernel lets a process map IDs into a nested user namespace only
   while ``CAP_SETFCAP`` is in its bounding set, so the template keeps that
   one capability, and nothing runs in it but this code.
2. Its child, PID 1 of the new PID namespace, starts a session of its own
   and covers ``/tmp``, ``/proc``, ``/dev/shm`` and ``/dev/pts`` with fresh
   private mounts (`private_mounts`). It says hello to the grader, which
   reads its process ID from the credentials of that byte and moves it into
   a ``pids`` cgroup of its own, then answers. Only then does the worker
   enter a cgroup namespace, drop every capability, its bounding set
   included, and check that they are gone (`drop_capabilities`).

Two workers forked from one template share nothing they can write or name:
each has its own files, processes, network, IPC, terminals, cgroup and
scheduling group, and neither can see the template. Standard library only.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
from collections.abc import Callable

INSIDE_ID = 1000  # the user and group a forked worker runs as, in its namespace
FORK_HELLO = b"\0"  # a forked worker's first byte: its credentials tell the grader its PID
FORKS = "--forks"  # the worker's last argument that makes it a template
_NAMESPACES = (
    os.CLONE_NEWUSER
    | os.CLONE_NEWNS
    | os.CLONE_NEWPID
    | os.CLONE_NEWNET
    | os.CLONE_NEWIPC
    | os.CLONE_NEWUTS
)
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 8, 4096, 1 << 14, 1 << 18
_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
_CAPABILITY_VERSION_3 = 0x20080522
_CAPABILITY_FIELDS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _mount(source: str, target: str, kind: str, flags: int, options: str = "") -> None:
    result = _libc.mount(
        source.encode(), target.encode(), kind.encode(), ctypes.c_ulong(flags),
        options.encode() or None,
    )  # fmt: skip
    _check(result, f"mount {target}")


def enter_namespaces() -> None:
    """Enter new namespaces (user first), mapping `INSIDE_ID` onto this process's IDs."""
    uid, gid = os.getuid(), os.getgid()
    os.unshare(_NAMESPACES)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{INSIDE_ID} {uid} 1")
    _write("/proc/self/gid_map", f"{INSIDE_ID} {gid} 1")


def private_mounts() -> None:
    """Cover what the template's namespace shared with fresh mounts (as PID 1 of a new one).

    The template's ``/tmp`` holds its work dir ``w`` and, when the interpreter
    or its packages live under the host's ``/tmp`` (a CI checkout), their
    read-only binds: those are bound again into the fresh ``/tmp``,
    recursively, so they stay read-only.
    """
    _mount("none", "/", "", _MS_REC | _MS_PRIVATE)
    kept = [name for name in os.listdir("/tmp") if name != "w"]
    old = os.open("/tmp", os.O_PATH | os.O_DIRECTORY)
    try:
        _mount("tmpfs", "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64m,mode=700")
        for name in kept:
            source, target = f"/proc/self/fd/{old}/{name}", f"/tmp/{name}"
            if os.path.isdir(source):
                os.mkdir(target)
            else:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
            _mount(source, target, "", _MS_BIND | _MS_REC)
    finally:
        os.close(old)
    os.mkdir("/tmp/w")
    os.chdir("/tmp/w")
    _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    _mount("tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=16m,mode=1777")
    _mount("devpts", "/dev/pts", "devpts", 0, "newinstance,ptmxmode=0666,mode=620")


def capabilities() -> dict[str, int]:
    """This process's capability sets (`_CAPABILITY_FIELDS`) and its no-new-privileges flag."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in _CAPABILITY_FIELDS:
                found[name] = int(value, 16)
            elif name == "NoNewPrivs":
                found[name] = int(value)
    return found


def drop_capabilities() -> None:
    """Drop every capability for good (bounding set, ambient, then the rest), and check."""
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as last:
        count = int(last.read()) + 1
    for capability in range(count):
        _check(_libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0), "dropping the bounding set")
    _check(_libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clearing ambient")
    header = _CapHeader(_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    left = capabilities()
    if any(left.get(name, 1) for name in _CAPABILITY_FIELDS) or left.get("NoNewPrivs") != 1:
        raise OSError(f"capabilities left after dropping them: {left}")


def _isolated(*, wait: bool = False) -> None:
    """In a fresh fork: go on as PID 1 of new namespaces and a new session, mounts private.

    Returns in the grandchild only. The child in between exits at once (or,
    with ``wait``, with the grandchild's status) and the template reaps it.
    The new session is also a new scheduling group: a fork bomb in one worker
    takes no CPU time from the others.
    """
    enter_namespaces()
    inner = os.fork()
    if inner:
        os._exit(os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1]) if wait else 0)
    os.setsid()
    private_mounts()


def _confined() -> None:
    """Once the grader moved this process into its cgroup: a cgroup namespace, no capabilities."""
    os.unshare(os.CLONE_NEWCGROUP)  # rooted at its own cgroup: no host path shows
    drop_capabilities()


def _keep_only(channel: int, output: int) -> int:
    """Make ``output`` stdout and stderr; close every other descriptor but ``channel``."""
    os.dup2(output, 1)
    os.dup2(output, 2)
    kept = os.dup2(channel, 3) if channel != 3 else 3
    os.closerange(4, 1 << 16)
    return kept


def probe() -> bool:
    """Fork, isolate, confine and exit: say whether this machine lets the template fork workers."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            _isolated(wait=True)
            _confined()
            status = 0
        finally:
            os._exit(status)  # any failure means "cannot"
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def serve_forks(control: socket.socket, serve: Callable[[socket.socket], None]) -> None:
    """Fork an isolated worker for each (channel, output) pair the grader sends on ``control``.

    Each worker sends `FORK_HELLO`, waits for the grader's (sent once it has
    moved the worker into its cgroup), drops its capabilities and runs
    ``serve`` on the channel. Returns when the grader's end of ``control``
    closes. A request that cannot be forked closes its descriptors, which the
    grader sees as a closed channel.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the forks
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 16, 2)
        except OSError:
            return
        if not message and not fds:
            return
        try:
            pid = os.fork() if len(fds) == 2 else -1
        except OSError:
            pid = -1
        if pid == 0:
            status = 1
            try:
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _isolated()
                channel = socket.socket(fileno=_keep_only(*fds))
                channel.sendall(FORK_HELLO)
                if channel.recv(1) != FORK_HELLO:
                    return
                _confined()
                status = 0
                serve(channel)
            finally:
                os._exit(status)
        for fd in fds:
            os.close(fd)
