"""The sandboxed `Candidate`: a submission answered by a worker and an evaluator.

`RemoteCandidate.run` answers a batch: ``Source`` from the grader's own copy;
``Constant`` and ``mode="eager"`` calls by the worker (public inputs only);
``mode="export"`` calls by grouping requests into artifacts — one per call and
*shape pattern* (sizes > 1 become symbols, so the artifact serves every input
size), exported by the worker, streamed to the job slot's evaluator while the
worker traces the next one, and run there on all the inputs of the group.

A request the submission breaks (a hang, a crash, ``os._exit``) faults alone:
its entry is marked broken, the worker is restarted and the rest goes on.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._channel import ChannelError, call_to_json, decode, encode, recv, send
from ._protocol import Constant, Cost, Evaluate, Fault, Ok, Request, Response, Source
from ._sandbox import Child, Level

STARTUP_SECONDS = 90.0  # python + JAX import on a loaded 2-core machine, our code only
MESSAGE_LIMIT = 64 << 20
MAX_RESTARTS = 4


@dataclass(frozen=True)
class Limits:
    """Resources of one sandboxed child."""

    level: Level
    timeout: float = 10.0  # seconds per request (one import, one trace, one evaluation)
    memory_mb: int = 2048
    hide: tuple[str, ...] = ()


@dataclass
class _Group:
    call: Any
    avals: list[tuple[list[int], str]]
    members: list[int] = field(default_factory=list)
    symbolic: bool = True


def _signature(args: Sequence[np.ndarray]) -> tuple:
    return tuple((tuple(a.shape), a.dtype.str) for a in args)


def _pattern(args: Sequence[np.ndarray]) -> tuple:
    """Shapes with each size > 1 replaced by its rank among the sizes: the artifact's key."""
    sizes = sorted({n for a in args for n in a.shape if n > 1})
    rank = {n: f"d{i}" for i, n in enumerate(sizes)}
    return tuple((tuple(rank.get(n, n) for n in a.shape), a.dtype.str) for a in args)


def _tuples(value: Any) -> Any:
    """Lists to tuples, as the in-process candidate returns pytrees."""
    if isinstance(value, list | tuple):
        return tuple(_tuples(v) for v in value)
    return value


def _response(reply: dict[str, Any], buffers: list[bytes]) -> Response:
    """Turn a child's reply into a `Response`, trusting only plain data."""
    if reply.get("ok") is True:
        try:
            return Ok(_tuples(decode(reply.get("value"), buffers)))
        except (ValueError, KeyError, TypeError) as error:
            return Fault("invalid", f"the answer is not plain data ({error})")
    kind = reply.get("kind")
    message = reply.get("message")
    kinds = ("missing", "not-implemented", "error", "invalid", "timeout", "crash", "forbidden")
    if kind not in kinds or not isinstance(message, str):
        return Fault("invalid", "the answer is malformed")
    return Fault(kind, message[:500])


class Evaluator:
    """A long-lived sandboxed evaluator for one job slot, restarted when it breaks."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._child: Child | None = None
        self._lock = threading.Lock()
        self.restarts = 0

    def start(self) -> None:
        """Start the evaluator process (and wait until JAX is imported)."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> Child:
        if self._child is None or not self._child.alive():
            if self._child is not None:
                self._child.close()
            cpu = 24 * 3600  # a long-lived server: the per-request deadline bounds each run
            self._child = Child(
                "gradkit.grading._evaluator",
                [str(self.limits.memory_mb), str(cpu)],
                level=self.limits.level,
                hide=self.limits.hide,
            )
            recv(self._child.sock, time.monotonic() + STARTUP_SECONDS, 1 << 16)
        return self._child

    def run(
        self, artifact: bytes, runs: list[tuple[tuple[np.ndarray, ...], bool]]
    ) -> list[Response]:
        """Run one artifact on each input set (``cost=True`` measures flops instead)."""
        with self._lock:
            child = self._ensure()
            buffers = [artifact]
            items = [{"args": encode(list(args), buffers), "cost": cost} for args, cost in runs]
            key = hashlib.sha256(artifact).hexdigest()
            deadline = time.monotonic() + self.limits.timeout * max(1, len(runs))
            try:
                send(child.sock, {"key": key, "artifact": True, "runs": items}, buffers)
                reply, out = recv(child.sock, deadline, MESSAGE_LIMIT)
                results = reply["results"]
                if not (isinstance(results, list) and len(results) == len(runs)):
                    raise ChannelError("invalid", "wrong number of results")
            except (ChannelError, OSError, KeyError) as error:
                self._child.close() if self._child else None
                self._child = None
                self.restarts += 1
                timeout = isinstance(error, ChannelError) and error.kind == "timeout"
                fault = Fault(
                    "timeout" if timeout else "crash",
                    "evaluating it took too long" if timeout else "evaluating it crashed",
                )
                return [fault] * len(runs)
            return [
                _response(r, out) if isinstance(r, dict) else Fault("invalid", "bad result")
                for r in results
            ]

    def close(self) -> None:
        """Stop the evaluator."""
        with self._lock:
            if self._child is not None:
                self._child.close()
                self._child = None


class RemoteCandidate:
    """A submission in a sandboxed worker, evaluated by a slot's `Evaluator`."""

    def __init__(
        self,
        files: dict[str, bytes],
        order: Sequence[str],
        source: str,
        evaluator: Evaluator,
        limits: Limits,
    ) -> None:
        self.files, self.order, self.source = files, list(order), source
        self.evaluator, self.limits = evaluator, limits
        self.notes: list[str] = []
        self.output_bytes = 0
        self._child: Child | None = None
        self._load_fault: Fault | None = None
        self._broken: dict[str, Fault] = {}
        self._restarts = 0
        self._loaded = False
        self._child = self._spawn()

    def _spawn(self) -> Child:
        return Child(
            "gradkit.grading._worker",
            [str(self.limits.memory_mb), str(int(self.limits.timeout * 20) + 60)],
            level=self.limits.level,
            files=self.files,
            hide=self.limits.hide,
        )

    def _worker(self) -> Child | None:
        """The running worker with the submission loaded, or None when that failed."""
        if self._load_fault is not None:
            return None
        if self._child is None:
            if self._restarts >= MAX_RESTARTS:
                self._load_fault = Fault("crash", "the worker crashed too often; gave up")
                return None
            self._restarts += 1
            self._child = self._spawn()
            self._loaded = False
        child = self._child
        if self._loaded:
            return child
        try:
            recv(child.sock, time.monotonic() + STARTUP_SECONDS, 1 << 16)
            send(child.sock, {"op": "load", "files": self.order}, [])
            reply, buffers = recv(child.sock, time.monotonic() + self.limits.timeout, 1 << 16)
        except (ChannelError, OSError) as error:
            self._load_fault = self._channel_fault(error, "importing the submission")
            self._drop()
            return None
        if reply.get("ok") is not True:
            fault = _response(reply, buffers)
            self._load_fault = fault if isinstance(fault, Fault) else Fault("invalid", "bad reply")
            return None
        self._loaded = True
        return child

    def _channel_fault(self, error: Exception, doing: str) -> Fault:
        if isinstance(error, ChannelError) and error.kind == "timeout":
            return Fault("timeout", f"{doing} took longer than {self.limits.timeout:g} s")
        if isinstance(error, ChannelError) and error.kind == "invalid":
            return Fault("invalid", f"{doing}: the worker sent garbage ({error})")
        return Fault("crash", f"{doing}: the worker died (exit, crash or out of memory)")

    def _drop(self) -> None:
        if self._child is not None:
            self.output_bytes += self._child.output_bytes
            self._child.close()
            self._child = None

    def close(self) -> None:
        """Kill the worker and everything it started."""
        self._drop()
        if self.output_bytes > 1 << 20:
            self.notes.append(f"the submission printed {self.output_bytes:,} bytes (ignored)")

    def run(self, requests: Sequence[Request]) -> list[Response]:
        """Answer each request in order; a submission's fault becomes a `Fault`."""
        answers: list[Response | None] = [None] * len(requests)
        groups: dict[tuple, _Group] = {}
        for i, request in enumerate(requests):
            if isinstance(request, Source):
                answers[i] = Ok(self.source)
            elif isinstance(request, Constant):
                answers[i] = self._ask(request.name, {"op": "constant", "name": request.name}, [])
            elif isinstance(request, Evaluate | Cost) and request.call.mode == "eager":
                buffers: list[bytes] = []
                message = {
                    "op": "eager",
                    "call": call_to_json(request.call),
                    "args": encode(list(request.args), buffers),
                }
                answers[i] = self._ask(request.call.entry, message, buffers)
            elif isinstance(request, Evaluate | Cost):
                args = tuple(np.asarray(a) for a in request.args)
                key = (request.call, _pattern(args))
                avals = [(list(a.shape), a.dtype.str) for a in args]
                groups.setdefault(key, _Group(request.call, avals)).members.append(i)
            else:
                answers[i] = Fault("invalid", f"unknown request {type(request).__name__}")
        self._export_all(list(groups.values()), requests, answers)
        return [a if a is not None else Fault("crash", "no answer") for a in answers]

    def _ask(self, entry: str, message: dict[str, Any], buffers: list[bytes]) -> Response:
        if entry in self._broken:
            return self._broken[entry]
        child = self._worker()
        if child is None:
            assert self._load_fault is not None
            return self._load_fault
        try:
            send(child.sock, message, buffers)
            reply, out = recv(child.sock, time.monotonic() + self.limits.timeout, MESSAGE_LIMIT)
        except (ChannelError, OSError) as error:
            self._broken[entry] = self._channel_fault(error, f"`{entry}`")
            self._drop()
            return self._broken[entry]
        return _response(reply, out)

    def _export_all(
        self, groups: list[_Group], requests: Sequence[Request], answers: list[Response | None]
    ) -> None:
        def settle(group: _Group, response: Response) -> None:
            for i in group.members:
                answers[i] = response

        pending = list(groups)
        while pending:
            ready = [g for g in pending if g.call.entry not in self._broken]
            for group in pending:
                if group.call.entry in self._broken:
                    settle(group, self._broken[group.call.entry])
            pending = []
            child = self._worker() if ready else None
            if child is None:
                for group in ready:
                    settle(group, self._load_fault or Fault("crash", "no worker"))
                return
            items = [
                {"call": call_to_json(g.call), "avals": g.avals, "symbolic": g.symbolic}
                for g in ready
            ]
            try:
                send(child.sock, {"op": "export", "items": items}, [])
            except OSError as error:
                self._drop()
                self._broken.setdefault(ready[0].call.entry, self._channel_fault(error, "export"))
                pending = ready
                continue
            for n, group in enumerate(ready):
                try:
                    deadline = time.monotonic() + self.limits.timeout
                    reply, out = recv(child.sock, deadline, MESSAGE_LIMIT)
                except (ChannelError, OSError) as error:
                    name = f"tracing `{group.call.entry}` ({group.call.transform})"
                    self._broken[group.call.entry] = self._channel_fault(error, name)
                    self._drop()
                    pending = ready[n:]
                    break
                if reply.get("ok") is not True or len(out) != 1:
                    settle(
                        group,
                        _response(reply, out)
                        if reply.get("ok") is not True
                        else Fault("invalid", "the worker sent no artifact"),
                    )
                    continue
                pending += self._evaluate(
                    group, out[0], bool(reply.get("symbolic")), requests, settle
                )

    def _evaluate(
        self,
        group: _Group,
        artifact: bytes,
        symbolic: bool,
        requests: Sequence[Request],
        settle: Callable[[_Group, Response], None],
    ) -> list[_Group]:
        """Run an artifact on its group's inputs; return the groups still to export.

        A concretely shaped artifact (the code did not trace with symbolic
        shapes) serves only inputs of its own shapes: the others form new groups.
        """
        members, later = group.members, {}
        if not symbolic:
            own = tuple((tuple(s), d) for s, d in group.avals)
            members = [i for i in group.members if _signature(requests[i].args) == own]  # type: ignore[union-attr]
            for i in group.members:
                signature = _signature(requests[i].args)  # type: ignore[union-attr]
                if signature != own:
                    avals = [(list(s), d) for s, d in signature]
                    later_group = later.setdefault(signature, _Group(group.call, avals, [], False))
                    later_group.members.append(i)
        runs = [(tuple(requests[i].args), isinstance(requests[i], Cost)) for i in members]  # type: ignore[union-attr]
        for i, response in zip(members, self.evaluator.run(artifact, runs), strict=True):
            settle(_Group(group.call, group.avals, [i]), response)
        return list(later.values())
