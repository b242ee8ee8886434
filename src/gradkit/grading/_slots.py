"""The grader's side of its sandboxed children: evaluator clients and worker pools.

`Evaluator` drives one long-lived sandboxed evaluator process (restarting it
when an artifact breaks it); `EvaluatorPool` shares the job slots' evaluators
and sends a bundle to an idle one that compiled most of it; `WorkerPool`
starts workers ahead of need: forked from a template that imported JAX once
(namespaces level), else started whole, their import overlapping other work.
`to_response` turns a child's reply into a `Response`, trusting only plain data.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._sandboxed import (
    EVALUATOR,
    FORKS,
    WORKER,
    ChannelError,
    Fault,
    Ok,
    Response,
    decode,
    encode,
    recv,
    send,
)
from ._compare import tuples
from ._sandbox import Child, ForkedChild, Level

STARTUP_SECONDS = 90.0  # python + JAX import on a loaded 2-core machine, our code only
MESSAGE_LIMIT = 64 << 20
# An evaluator compiles each artifact once and runs it on small check inputs, so
# XLA's compile is most of its work. Without LLVM's optimisations it compiles in
# about two thirds of the CPU time; XLA's own passes (fusion, the cost analysis
# behind flop budgets, the loop check) are the same, and results differ from the
# optimised code's by rounding only (docs/benchmarks.md, "Grading").
EVALUATOR_ENV = {"XLA_FLAGS": "--xla_backend_optimization_level=0"}
# artifacts remembered per evaluator for routing: as many as it keeps compiled
REMEMBERED = 512


# an artifact, its flat arguments, whether to measure its cost, and what the
# evaluator derives from it: None, or (transform, argument count) per run
Item = tuple[bytes, list[np.ndarray], bool, "tuple[tuple[str, int], ...] | None"]


@dataclass(frozen=True)
class Limits:
    """Resources of one sandboxed child."""

    level: Level
    timeout: float = 10.0  # seconds per request (one import, one trace, one evaluation)
    memory_mb: int = 2048
    hide: tuple[str, ...] = ()
    tag: str = ""  # prefix of the children's marker (`leftover_processes` finds a run's)


def to_response(reply: dict[str, Any], buffers: list[bytes]) -> Response:
    """Turn a child's reply into a `Response`, trusting only plain data."""
    if reply.get("ok") is True:
        try:
            value = tuples(decode(reply.get("value"), buffers))
            runs = reply.get("differentiated", [])
            if not (isinstance(runs, list) and all(type(r) is int for r in runs)):
                raise ValueError("differentiated runs are not a list of numbers")
            return Ok(
                value,
                complex_inside=reply.get("complex") is True,
                runs_differentiated=frozenset(runs),
            )
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
                EVALUATOR,
                [str(self.limits.memory_mb), str(cpu)],
                level=self.limits.level,
                hide=self.limits.hide,
                tag=self.limits.tag,
                env=EVALUATOR_ENV,
            )
        return self._child

    def _ensure(self) -> Child:
        child = self._spawn()
        child.ready(time.monotonic() + STARTUP_SECONDS)  # once per process
        return child

    def run_bundle(self, items: Sequence[Item]) -> list[Response]:
        """Run artifacts on their flat argument lists (``cost=True``: measure flops).

        The evaluator compiles each artifact it has not seen. When the bundle breaks
        the evaluator (a crash, a hang), each artifact is retried alone, so
        only the guilty one faults.
        """
        answers = self._send_bundle(items)
        if answers is not None:
            return answers
        if len(items) == 1:
            return [self._last_fault]
        return [self.run_bundle([item])[0] for item in items]

    def _send_bundle(self, items: Sequence[Item]) -> list[Response] | None:
        with self._lock:
            child = self._ensure()
            buffers: list[bytes] = []
            message = []
            for artifact, args, cost, derive in items:
                buffers.append(artifact)
                key = hashlib.sha256(artifact).hexdigest()
                index = len(buffers) - 1
                encoded = encode(list(args), buffers)
                entry = {"key": key, "artifact": index, "args": encoded, "cost": cost}
                if derive is not None:
                    entry["derive"] = [[transform, count] for transform, count in derive]
                message.append(entry)
            # compiling grows with the runs: allow 0.25 s each on top of the timeout
            runs = sum(len(item[1]) for item in items)
            deadline = time.monotonic() + self.limits.timeout + 0.25 * runs
            try:
                send(child.sock, {"items": message}, buffers)
                reply, out = recv(child.sock, deadline, MESSAGE_LIMIT)
                results = reply["results"]
                if not (isinstance(results, list) and len(results) == len(items)):
                    raise ChannelError("invalid", "wrong number of results")
                return [
                    to_response(r, out) if isinstance(r, dict) else Fault("invalid", "bad result")
                    for r in results
                ]
            except (ChannelError, OSError, KeyError, TypeError) as error:
                child.close()
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


def spawn_worker(limits: Limits, *, forks: bool = False) -> Child:
    """Start a sandboxed worker; it imports JAX, then waits for its submission.

    With ``forks`` (namespaces level only) it is a template instead: it forks
    one isolated worker per `ForkedChild`, and keeps ``CAP_SETFCAP`` in its
    bounding set to map their IDs (`gradkit._sandboxed` `FORKS`).
    """
    return Child(
        WORKER,
        [str(limits.memory_mb), str(int(limits.timeout * 20) + 60), *([FORKS] if forks else [])],
        level=limits.level,
        hide=limits.hide,
        tag=limits.tag,
        bounding_set="-all,+setfcap" if forks else "-all",
    )


Worker = Child | ForkedChild


class WorkerPool:
    """Workers started ahead of need: a submission takes one whose JAX is imported.

    At the namespaces level the workers are forked from one template that
    imported JAX once for the whole pool, each into namespaces of its own
    (`ForkedChild`); where this machine does not allow that, or the template
    dies, each worker is started whole. Each `take` starts a replacement, so
    the next submission's worker is ready while this one is graded.
    """

    def __init__(self, limits: Limits, spares: int, needed: int | None = None) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        # start no more workers ahead than there are submissions left to take them
        self._ahead = needed if needed is not None else 1 << 30
        self._spares: list[Worker] = []
        self._closed = False
        self._template: Child | None = None
        self.forked = 0  # workers taken that were forked from the template
        if limits.level == "namespaces" and self._ahead > 0:
            self._template = spawn_worker(limits, forks=True)
        for _ in range(min(spares, self._ahead)):
            self._start_spare()

    def _start_spare(self) -> None:
        self._spares.append(self._new_worker())
        self._ahead -= 1

    def _new_worker(self) -> Worker:
        if self._template is not None:
            try:
                return ForkedChild(self._template)
            except OSError:
                self._drop_template()
        return spawn_worker(self.limits)

    def _drop_template(self) -> None:
        template, self._template = self._template, None
        if template is not None:
            template.close()

    def take(self) -> Worker:
        """Return a started worker and start another in its place (while one is needed).

        With no spare left (a restarted worker, a fresh one for hidden checks),
        a worker is forked now, which takes milliseconds; else started whole.
        """
        with self._lock:
            child = self._spares.pop(0) if self._spares else None
            if child is None and self._template is not None and not self._closed:
                child = self._new_worker()
            if not self._closed and self._ahead > 0:
                self._start_spare()
        if isinstance(child, ForkedChild):
            try:
                child.ready(time.monotonic() + STARTUP_SECONDS)
                with self._lock:
                    self.forked += 1
            except (ChannelError, OSError):  # this machine refuses the forks: start them whole
                child.close()
                child = None
                with self._lock:
                    self._drop_template()
                    self._spares = [self._replace(c) for c in self._spares]
        if child is None or not child.alive():
            if child is not None:
                child.close()
            child = spawn_worker(self.limits)
        return child

    def _replace(self, child: Worker) -> Worker:
        if isinstance(child, ForkedChild):
            child.close()
            return spawn_worker(self.limits)
        return child

    def close(self) -> None:
        """Kill the spare workers and the template."""
        with self._lock:
            self._closed = True
            spares, self._spares = self._spares, []
            self._drop_template()
        for child in spares:
            child.close()


class EvaluatorPool:
    """The job slots' evaluators, shared: a bundle goes where its artifacts were compiled.

    Students often submit identical code, or code identical in most parts,
    hence identical artifacts. A bundle goes to an evaluator that compiled
    all of it, busy or not (running it costs next to nothing, so copies
    compile once per run); else to an idle evaluator, the one that compiled
    most of it (by size) among equals: a busy one is not waited for when
    there is something to compile, so each part compiles about once per
    evaluator instead of once per submission.
    """

    def __init__(self, evaluators: Sequence[Evaluator]) -> None:
        self.evaluators = list(evaluators)
        # the artifacts each evaluator was sent, newest last (at most what it keeps)
        self._known: dict[int, OrderedDict[str, None]] = {
            id(e): OrderedDict() for e in self.evaluators
        }
        self._load = {id(e): 0 for e in self.evaluators}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start every evaluator process."""
        for evaluator in self.evaluators:
            evaluator.start()

    def run_bundle(self, items: Sequence[Item]) -> list[Response]:
        """Run a bundle where all of it is compiled, else on the idlest that knows most of it."""
        sizes = {hashlib.sha256(i[0]).hexdigest(): len(i[0]) for i in items}
        total = sum(sizes.values())
        with self._lock:

            def rank(e: Evaluator) -> tuple[bool, int, int]:
                known = sum(n for k, n in sizes.items() if k in self._known[id(e)])
                return known < total, self._load[id(e)], -known

            evaluator = min(self.evaluators, key=rank)
            known = self._known[id(evaluator)]
            for key in sizes:
                known[key] = None
                known.move_to_end(key)
            while len(known) > REMEMBERED:
                known.popitem(last=False)
            self._load[id(evaluator)] += 1
        try:
            return evaluator.run_bundle(items)
        finally:
            with self._lock:
                self._load[id(evaluator)] -= 1

    def close(self) -> None:
        """Stop every evaluator."""
        for evaluator in self.evaluators:
            evaluator.close()
