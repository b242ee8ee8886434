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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._channel import ChannelError, call_to_json, decode, encode, recv, send
from ._protocol import Constant, Cost, Evaluate, Fault, Ok, Request, Response, Source
from ._sandbox import Child, Level

STARTUP_SECONDS = 90.0  # python + JAX import on a loaded 2-core machine, our code only
MESSAGE_LIMIT = 64 << 20
MAX_RESTARTS = 4
MAX_STRAYS = 64
BUNDLE = 16  # artifacts per evaluator compile: few compiles, still overlapping the tracing


@dataclass(frozen=True)
class Limits:
    """Resources of one sandboxed child."""

    level: Level
    timeout: float = 10.0  # seconds per request (one import, one trace, one evaluation)
    memory_mb: int = 2048
    hide: tuple[str, ...] = ()
    tag: str = ""  # prefix of the children's marker (`leftover_processes` finds a run's)


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
        self._last_fault = Fault("crash", "evaluating it crashed")
        self._ready = False

    def start(self) -> None:
        """Start the evaluator process now; it imports JAX while other work goes on."""
        with self._lock:
            self._spawn()

    def _spawn(self) -> Child:
        if self._child is None or not self._child.alive():
            if self._child is not None:
                self._child.close()
            cpu = 24 * 3600  # a long-lived server: the per-request deadline bounds each run
            self._child = Child(
                "gradkit.grading._evaluator",
                [str(self.limits.memory_mb), str(cpu)],
                level=self.limits.level,
                hide=self.limits.hide,
                tag=self.limits.tag,
            )
            self._ready = False
        return self._child

    def _ensure(self) -> Child:
        child = self._spawn()
        if not self._ready:
            recv(child.sock, time.monotonic() + STARTUP_SECONDS, 1 << 16)
            self._ready = True
        return child

    def run_bundle(
        self, items: Sequence[tuple[bytes, list[tuple[tuple[np.ndarray, ...], bool]]]]
    ) -> list[list[Response]]:
        """Run artifacts, each on its input sets (``cost=True`` measures flops instead).

        The evaluator compiles the whole bundle once. When the bundle breaks
        the evaluator (a crash, a hang), each artifact is retried alone, so
        only the guilty one faults.
        """
        answers = self._send_bundle(items)
        if answers is not None:
            return answers
        if len(items) == 1:
            return [[self._last_fault] * len(items[0][1])]
        return [self.run_bundle([item])[0] for item in items]

    def _send_bundle(
        self, items: Sequence[tuple[bytes, list[tuple[tuple[np.ndarray, ...], bool]]]]
    ) -> list[list[Response]] | None:
        with self._lock:
            child = self._ensure()
            buffers: list[bytes] = []
            message = []
            for artifact, runs in items:
                buffers.append(artifact)
                message.append(
                    {
                        "key": hashlib.sha256(artifact).hexdigest(),
                        "artifact": len(buffers) - 1,
                        "runs": [{"args": encode(list(a), buffers), "cost": c} for a, c in runs],
                    }
                )
            count = sum(len(runs) for _, runs in items)
            deadline = time.monotonic() + self.limits.timeout + 0.5 * count
            try:
                send(child.sock, {"items": message}, buffers)
                reply, out = recv(child.sock, deadline, MESSAGE_LIMIT)
                results = reply["results"]
                if not (isinstance(results, list) and len(results) == len(items)):
                    raise ChannelError("invalid", "wrong number of results")
                return [
                    [
                        _response(r, out) if isinstance(r, dict) else Fault("invalid", "bad result")
                        for r in row
                    ]
                    for row in results
                ]
            except (ChannelError, OSError, KeyError, TypeError) as error:
                child.close()
                self._ready = False
                self._child = None
                self.restarts += 1
                timeout = isinstance(error, ChannelError) and error.kind == "timeout"
                self._last_fault = Fault(
                    "timeout" if timeout else "crash",
                    "evaluating it took too long" if timeout else "evaluating it crashed",
                )
                return None

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
        self._loaded = self._ever_loaded = False
        self._ident = 0
        self._child = self._spawn()

    def _spawn(self) -> Child:
        return Child(
            "gradkit.grading._worker",
            [str(self.limits.memory_mb), str(int(self.limits.timeout * 20) + 60)],
            level=self.limits.level,
            files=self.files,
            hide=self.limits.hide,
            tag=self.limits.tag,
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
            ident = self._send(child, {"op": "load", "files": self.order}, [])
            reply, buffers = self._reply(child, ident, None)
        except (ChannelError, OSError) as error:
            self._load_fault = self._channel_fault(error, "importing the submission")
            self._drop()
            return None
        if reply.get("ok") is not True:
            fault = _response(reply, buffers)
            self._load_fault = fault if isinstance(fault, Fault) else Fault("invalid", "bad reply")
            return None
        self._loaded = self._ever_loaded = True
        return child

    @property
    def load_fault(self) -> Fault | None:
        """Why the submission could not be run at all (None once it has loaded)."""
        return None if self._ever_loaded else self._load_fault

    def _send(self, child: Child, message: dict[str, Any], buffers: list[bytes]) -> int:
        self._ident += 1
        send(child.sock, {**message, "id": self._ident}, buffers)
        return self._ident

    def _reply(
        self, child: Child, ident: int, item: int | None
    ) -> tuple[dict[str, Any], list[bytes]]:
        """The reply to request ``ident`` (item ``item``), skipping anything else.

        The submission shares the worker's process and can write into the
        channel; messages that are not the awaited reply are dropped.
        """
        deadline = time.monotonic() + self.limits.timeout
        for _ in range(MAX_STRAYS):
            reply, out = recv(child.sock, deadline, MESSAGE_LIMIT)
            if reply.get("id") == ident and reply.get("item") == item:
                return reply, out
        raise ChannelError("invalid", "too many unexpected messages")

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
            ident = self._send(child, message, buffers)
            reply, out = self._reply(child, ident, None)
        except (ChannelError, OSError) as error:
            self._broken[entry] = self._channel_fault(error, f"`{entry}`")
            self._drop()
            return self._broken[entry]
        return _response(reply, out)

    def _export_all(
        self, groups: list[_Group], requests: Sequence[Request], answers: list[Response | None]
    ) -> None:
        """Export every group in the worker; evaluate in bundles while it traces on."""
        bundle: list[tuple[bytes, list[int]]] = []
        running: list[tuple[list[list[int]], Future[list[list[Response]]]]] = []
        with ThreadPoolExecutor(max_workers=1) as pool:

            def dispatch() -> None:
                items = [
                    (
                        artifact,
                        [(tuple(requests[i].args), isinstance(requests[i], Cost)) for i in members],
                    )  # type: ignore[union-attr]
                    for artifact, members in bundle
                ]
                future = pool.submit(self.evaluator.run_bundle, items)
                running.append(([m for _, m in bundle], future))
                bundle.clear()

            pending = list(groups)
            while pending:
                pending = self._export_round(pending, requests, answers, bundle, dispatch)
            if bundle:
                dispatch()
            for members_list, future in running:
                for members, responses in zip(members_list, future.result(), strict=True):
                    for i, response in zip(members, responses, strict=True):
                        answers[i] = response

    def _export_round(
        self,
        pending: list[_Group],
        requests: Sequence[Request],
        answers: list[Response | None],
        bundle: list[tuple[bytes, list[int]]],
        dispatch: Callable[[], None],
    ) -> list[_Group]:
        """Ask the worker for one artifact per group; return the groups still to export."""
        later: list[_Group] = []
        ready = []
        for group in pending:
            if group.call.entry in self._broken:
                for i in group.members:
                    answers[i] = self._broken[group.call.entry]
            else:
                ready.append(group)
        child = self._worker() if ready else None
        if child is None:
            for group in ready:
                for i in group.members:
                    answers[i] = self._load_fault or Fault("crash", "no worker")
            return []
        items = [
            {"call": call_to_json(g.call), "avals": g.avals, "symbolic": g.symbolic} for g in ready
        ]
        try:
            ident = self._send(child, {"op": "export", "items": items}, [])
        except OSError as error:
            self._broken.setdefault(ready[0].call.entry, self._channel_fault(error, "export"))
            self._drop()
            return ready
        for n, group in enumerate(ready):
            try:
                reply, out = self._reply(child, ident, n)
            except (ChannelError, OSError) as error:
                doing = f"tracing `{group.call.entry}` ({group.call.transform})"
                self._broken[group.call.entry] = self._channel_fault(error, doing)
                self._drop()
                return later + ready[n:]
            if reply.get("ok") is not True or len(out) != 1:
                fault = (
                    _response(reply, out)
                    if reply.get("ok") is not True
                    else Fault("invalid", "the worker sent no artifact")
                )
                for i in group.members:
                    answers[i] = fault
                continue
            members, rest = self._split(group, bool(reply.get("symbolic")), requests)
            later += rest
            bundle.append((out[0], members))
            if len(bundle) >= BUNDLE:
                dispatch()
        return later

    @staticmethod
    def _split(
        group: _Group, symbolic: bool, requests: Sequence[Request]
    ) -> tuple[list[int], list[_Group]]:
        """The members an artifact serves, and new groups for the rest.

        An artifact traced with concrete shapes (the code did not trace with
        symbolic ones) serves only inputs of its own shapes.
        """
        if symbolic:
            return group.members, []
        own = tuple((tuple(shape), dtype) for shape, dtype in group.avals)
        members: list[int] = []
        later: dict[tuple, _Group] = {}
        for i in group.members:
            signature = _signature(requests[i].args)  # type: ignore[union-attr]
            if signature == own:
                members.append(i)
            else:
                avals = [(list(shape), dtype) for shape, dtype in signature]
                later.setdefault(signature, _Group(group.call, avals, [], False)).members.append(i)
        return members, list(later.values())
