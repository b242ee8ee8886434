"""The sandboxed `Candidate`: a submission answered by a worker and an evaluator.

`RemoteCandidate.run` answers a batch: ``Source`` from the grader's own copy;
``Constant`` and ``mode="eager"`` calls by the worker (public inputs only);
``mode="export"`` calls are grouped by call, traced by the worker into a few
combined artifacts (`PARTS`, each a run of whole entries; each entry alone
when combining fails) on the shapes of their inputs, and run by an evaluator
on the inputs themselves.

A request the submission breaks (a hang, a crash, ``os._exit``) faults alone:
its entry is marked broken, the worker is restarted and the rest goes on. A
combined artifact that fails (in the worker or the evaluator) is retried entry
by entry before anything is charged, and restarts are budgeted per entry.
Every request has a hard deadline that no message from the worker extends.

Hidden requests (`run_hidden`) are all exported first; the worker is then
killed, and only then are the hidden inputs evaluated: their timing, errors
and resource use never reach student code or visible feedback.
"""

from __future__ import annotations

import dataclasses
import secrets
import select
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._sandboxed import (
    ChannelError,
    Constant,
    Cost,
    Evaluate,
    Fault,
    Ok,
    Request,
    Response,
    Source,
    call_to_json,
    encode,
    recv,
    send,
)
from ._slots import (
    MESSAGE_LIMIT,
    STARTUP_SECONDS,
    Evaluator,
    EvaluatorPool,
    Limits,
    Worker,
    WorkerPool,
    spawn_worker,
    to_response,
)
from ._source import MAIN as SOURCE_MAIN
from ._source import RAN, unused_files

MAX_STRAYS = 64
# artifacts per export request (its entries cut into runs, in order): more
# parts compile less again for a submission that differs in one entry from
# one seen before, fewer cost less fixed export and compile time for one that
# shares nothing (measured: docs/benchmarks.md, "Grading")
PARTS = 3
# restarts a submission may cost: one per entry it breaks, plus these
SPARE_RESTARTS = 2

# transforms the evaluator applies itself, to the function and VJP the worker
# exported: the submission cannot rebind them
DERIVED = ("grad", "jit_grad", "jacrev")

__all__ = ["Evaluator", "EvaluatorPool", "Limits", "RemoteCandidate", "WorkerPool"]


@dataclass
class _Group:
    """Requests of one call, exported together (a cost request is a group alone)."""

    call: Any
    cost: bool
    members: list[int] = field(default_factory=list)
    # Evaluate requests of the same call and inputs as a cost request: answered
    # by running the measured artifact itself, so its values are what was costed
    twins: list[int] = field(default_factory=list)


def _derived(group: _Group) -> str:
    """The transform the evaluator applies to a group's artifact ("call": none)."""
    return group.call.transform if group.call.transform in DERIVED and not group.cost else "call"


def _same(request: Evaluate | Cost) -> tuple:
    """A key equal for a cost request and an Evaluate of the same call and inputs."""
    return (request.call, tuple((a.dtype.str, a.shape, a.tobytes()) for a in request.args))


def _concrete_only(request: Request, answer: Response | None) -> bool:
    """Whether a visible plain call failed only because tracing met Python that needs
    values (``float(slope)``, ``"%.3f" % x``, ``x.tolist()``, an ``if`` on an array).

    Such an entry is right or wrong on its values: called untraced on the visible
    inputs, it is judged on them. Hidden inputs never reach the submission's Python,
    so its hidden checks keep the fault, which says why.
    """
    return (
        isinstance(request, Evaluate)
        and request.call.mode == "export"
        and request.call.transform == "call"
        and isinstance(answer, Fault)
        and answer.kind == "error"
        and "raised TracedControlFlowError" in answer.message
    )


def _parts(groups: Sequence[_Group]) -> list[int]:
    """Cut the groups into `PARTS` runs of whole entries, in order: the worker's artifacts.

    The cut depends on the entries asked for, never on the submission, so two
    submissions that differ in one entry differ in one part's artifact, and
    the evaluator compiles only that part again.
    """
    entries = list(dict.fromkeys(g.call.entry for g in groups))
    part = {entry: k * PARTS // len(entries) for k, entry in enumerate(entries)}
    return [part[g.call.entry] for g in groups]


def _shapes(request: Evaluate | Cost) -> tuple:
    """The shapes and dtypes of a request's inputs: what tracing sees."""
    return tuple((np.shape(a), np.asarray(a).dtype.str) for a in request.args)


class RemoteCandidate:
    """A submission in a sandboxed worker, evaluated by a slot's `Evaluator`."""

    def __init__(
        self,
        files: dict[str, bytes],
        order: Sequence[str],
        source: str | dict[str, str],
        evaluator: Evaluator | EvaluatorPool,
        limits: Limits,
        workers: WorkerPool | None = None,
        shown: dict[str, str] | None = None,
    ) -> None:
        # only the files the main file(s) import (`unused_files`): what the rules read
        unused = unused_files(source)
        self.files = {name: data for name, data in files.items() if name not in unused}
        self.order, self.source = list(order), source
        self.shown = dict(shown or {})  # file name in the sandbox → the student's name
        self.evaluator, self.limits, self.workers = evaluator, limits, workers
        self.notes: list[str] = []
        if unused:  # say so: a notebook's note says its %%writefile cells wrote them
            names = ", ".join(self.shown.get(n, n) for n in sorted(unused))
            self.notes.append(f"{names}: nothing the submission runs imports it, so it did not run")
        self.output_bytes = 0
        self._child: Worker | None = None
        self._load_fault: Fault | None = None
        self._broken: dict[str, Fault] = {}
        self._restarts = 0
        self._entries: set[str] = set()
        self._loaded = self._ever_loaded = False
        self._combined = True  # one artifact for the whole batch (off once one fails)
        self._quiet = False  # after a hidden evaluation: a worker's output is not counted
        self._processes = 0  # the worker's processes once ready: more means leftovers
        self._exports = 0
        self._retired = False
        self._child = self._spawn()

    def _spawn(self) -> Worker:
        return self.workers.take() if self.workers is not None else spawn_worker(self.limits)

    def _worker(self) -> Worker | None:
        """The running worker with the submission loaded, or None when that failed."""
        if self._load_fault is not None:
            return None
        if self._child is None:
            if self._retired:  # killed on purpose before a hidden evaluation: no fault
                self._retired = False
            # each entry can break the worker once (then it is marked broken)
            elif self._restarts >= len(self._entries) + SPARE_RESTARTS:
                self._load_fault = Fault("crash", "the worker crashed too often; gave up")
                return None
            else:
                self._restarts += 1
            self._child = self._spawn()
            self._loaded = False
        child = self._child
        if self._loaded:
            return child
        try:
            child.ready(time.monotonic() + STARTUP_SECONDS)
            self._processes = child.processes() or 0
            names = sorted(self.files)
            message = {"op": "load", "files": names, "order": self.order, "shown": self.shown}
            ident = self._send(child, message, [self.files[n] for n in names])
            reply, buffers = self._reply(child, ident)
        except (ChannelError, OSError) as error:
            self._load_fault = self._channel_fault(error, "importing the submission")
            self._drop()
            return None
        if reply.get("ok") is not True:
            fault = to_response(reply, buffers)
            self._load_fault = fault if isinstance(fault, Fault) else Fault("invalid", "bad reply")
            return None
        stopped, ran = reply.get("stopped"), reply.get("ran")
        if isinstance(stopped, str) and not self._ever_loaded:  # once, not per restart
            self.notes.append(f"the notebook stopped: {stopped[:600]}")
            if isinstance(ran, int) and not isinstance(ran, bool) and ran > 0:
                # an entry is what the cells that ran last defined it as, not a definition
                # in a cell after the stop (the rules still read all of the code)
                self.source = _with_stop(self.source, ran)
        self._loaded = self._ever_loaded = True
        return child

    @property
    def load_fault(self) -> Fault | None:
        """Why the submission could not be run at all (None once it has loaded)."""
        return None if self._ever_loaded else self._load_fault

    @staticmethod
    def _send(child: Worker, message: dict[str, Any], buffers: list[bytes]) -> str:
        """Send a request under a fresh random id (the submission cannot predict it)."""
        ident = secrets.token_hex(16)
        send(child.sock, {**message, "id": ident}, buffers)
        return ident

    def _reply(self, child: Worker, ident: str) -> tuple[dict[str, Any], list[bytes]]:
        """The reply to request ``ident``, skipping anything else, within ONE timeout.

        The submission shares the worker's process and can write into the
        channel; messages that are not the awaited reply are dropped, and none
        of them moves the deadline.
        """
        deadline = time.monotonic() + self.limits.timeout
        waited, given = child.waited(), 0.0
        for _ in range(MAX_STRAYS):
            deadline, given = self._given_back(child, deadline, waited, given)
            reply, out = recv(child.sock, deadline, MESSAGE_LIMIT)
            if reply.get("id") == ident and "progress" not in reply:
                return reply, out
        raise ChannelError("invalid", "too many unexpected messages")

    def _given_back(
        self, child: Worker, deadline: float, waited: float, given: float
    ) -> tuple[float, float]:
        """`deadline` once the child has something to say, made later by the time it has
        spent waiting for a CPU since the request began (`Worker.waited`, `waited` then;
        a loaded machine is not the submission's fault), at most the timeout once more;
        and the time given back so far."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining > 0:
                if select.select([child.sock], [], [], remaining)[0]:
                    return deadline, given
                continue
            owed = min(child.waited() - waited, self.limits.timeout) - given
            if owed < 0.05:
                return deadline, given  # (`recv` says it timed out)
            deadline, given = deadline + owed, given + owed

    def _after(self, child: Worker) -> None:
        """Replace the worker when a request left processes behind (forked children).

        They could hold the channel or the task limit and cost the next
        entries their points; a fresh worker starts clean.
        """
        if self._child is child and (child.processes() or 0) > self._processes:
            self._drop()

    def _channel_fault(self, error: Exception, doing: str) -> Fault:
        if isinstance(error, ChannelError) and error.kind == "timeout":
            return Fault("timeout", f"{doing} took longer than {self.limits.timeout:g} s")
        if isinstance(error, ChannelError) and error.kind == "invalid":
            return Fault("invalid", f"{doing}: the worker sent garbage ({error})")
        return Fault("crash", f"{doing}: the worker died (exit, crash or out of memory)")

    def _drop(self) -> None:
        if self._child is not None:
            if not self._quiet:
                self.output_bytes += self._child.output_bytes
            self._child.close()
            self._child = None

    def close(self) -> None:
        """Kill the worker and everything it started."""
        self._drop()
        if self.output_bytes > 1 << 20:
            self.notes.append(f"the submission printed {self.output_bytes:,} bytes (ignored)")

    def run_hidden(self, requests: Sequence[Request]) -> list[Response]:
        """Answer hidden requests: export them all, kill the worker, then evaluate.

        They are traced apart from the visible ones (a tracer kept from
        another export is stale, so a hidden value cannot come back as a
        visible answer), on shapes only, and no worker is alive while a hidden
        input is evaluated. A retry after that (a combined artifact that
        failed) starts a fresh worker, which sees shapes only and whose
        output is not counted.
        """
        eager = [
            isinstance(r, Evaluate | Cost) and r.call.mode == "eager" for r in requests
        ]  # hidden inputs never reach student code: such a check is refused when defined
        traced = iter(
            self.run([r for r, e in zip(requests, eager, strict=True) if not e], hidden=True)
        )
        refused = Fault("invalid", "a hidden check cannot call an entry eagerly")
        return [refused if e else next(traced) for e in eager]

    def run(self, requests: Sequence[Request], *, hidden: bool = False) -> list[Response]:
        """Answer each request in order; a submission's fault becomes a `Fault`."""
        answers: list[Response | None] = [None] * len(requests)
        groups: dict[tuple, _Group] = {}
        costs: dict[tuple, _Group] = {}
        for i, request in enumerate(requests):  # cost requests first: their twins join them
            if isinstance(request, Cost) and request.call.mode != "eager":
                groups[("cost", i)] = _Group(request.call, True, [i])
                costs[_same(request)] = groups[("cost", i)]
        self._entries |= {r.call.entry for r in requests if isinstance(r, Evaluate | Cost)}
        for i, request in enumerate(requests):
            if isinstance(request, Source):
                self._worker()  # (a notebook that stops reads as far as it ran)
                answers[i] = Ok(self.source)
            elif isinstance(request, Constant):
                answers[i] = self._ask(request.name, {"op": "constant", "name": request.name}, [])
            elif isinstance(request, Evaluate | Cost) and request.call.mode == "eager":
                answers[i] = self._eager(request)
            elif isinstance(request, Cost):
                pass  # grouped above
            elif isinstance(request, Evaluate) and _same(request) in costs:
                costs[_same(request)].twins.append(i)
            elif isinstance(request, Evaluate):
                # one group per call AND input shapes: an entry that fails to trace on one
                # shape (a 2-D input) fails only the requests of that shape
                key = (request.call, _shapes(request))
                groups.setdefault(key, _Group(request.call, False)).members.append(i)
            else:
                answers[i] = Fault("invalid", f"unknown request {type(request).__name__}")
        try:
            self._export_all(list(groups.values()), requests, answers, hidden=hidden)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            # only malformed answers get here (the worker is the submission's process)
            self._drop()
            fault = Fault("invalid", "the worker's answers were malformed")
            answers = [a if a is not None else fault for a in answers]
        if not hidden:
            for i, request in enumerate(requests):
                if _concrete_only(request, answers[i]):
                    assert isinstance(request, Evaluate)
                    answers[i] = self._eager(request)
        return [a if a is not None else Fault("crash", "no answer") for a in answers]

    def _eager(self, request: Evaluate | Cost) -> Response:
        """Call the entry on the request's (visible) inputs, untraced, in the worker."""
        buffers: list[bytes] = []
        message = {
            "op": "eager",
            "call": call_to_json(request.call),
            "args": encode(list(request.args), buffers),
        }
        return self._ask(request.call.entry, message, buffers)

    def _ask(self, entry: str, message: dict[str, Any], buffers: list[bytes]) -> Response:
        if entry in self._broken:
            return self._broken[entry]
        child = self._worker()
        if child is None:
            assert self._load_fault is not None
            return self._load_fault
        try:
            ident = self._send(child, message, buffers)
            reply, out = self._reply(child, ident)
        except (ChannelError, OSError) as error:
            self._broken[entry] = self._channel_fault(error, f"`{entry}`")
            self._drop()
            return self._broken[entry]
        self._after(child)
        return to_response(reply, out)

    def _export_all(
        self,
        groups: list[_Group],
        requests: Sequence[Request],
        answers: list[Response | None],
        *,
        hidden: bool,
    ) -> None:
        """Export the groups (`PARTS` combined artifacts when possible) and evaluate them.

        ``hidden``: every group is exported before anything is evaluated, and
        the worker is killed in between.
        """
        pending = list(groups)
        collected: list[tuple[_Group, tuple[int, int], bytes, int]] = []
        while pending:
            exported: list[tuple[_Group, tuple[int, int], bytes, int]] = []
            pending = self._export_round(pending, requests, answers, exported)
            if hidden:
                collected += exported
                if pending:
                    continue
                exported, collected = collected, []
                self._drop()
                self._quiet = self._retired = True
            if not exported:
                continue
            # one combined artifact serves several groups: send it once with all their runs.
            # Grouped by the artifact's number (unique per export request and artifact),
            # never by the bytes: two artifacts exported apart can be byte-identical (the
            # same call on the same shapes, e.g. a values check and a cost check), and each
            # takes only its own runs.
            merged: dict[tuple[int, int], list[tuple[_Group, int]]] = {}
            blobs: dict[tuple[int, int], bytes] = {}
            for group, number, artifact, offset in exported:
                merged.setdefault(number, []).append((group, offset))
                blobs[number] = artifact
            # the worker says which artifact holds which group: derived groups (whose
            # transform the evaluator applies) never share one with plain groups
            for number, entries in list(merged.items()):
                if len({_derived(g) != "call" for g, _ in entries}) > 1:
                    del merged[number]
                    for g, _ in entries:
                        for i in g.members + g.twins:
                            answers[i] = Fault("invalid", "the worker mixed up its artifacts")
            order = list(merged)
            flat = []
            for number in order:
                artifact = blobs[number]
                entries = sorted(merged[number], key=lambda e: e[1])
                runs = [
                    (_derived(g), [np.asarray(a) for a in requests[i].args])  # type: ignore[union-attr]
                    for g, _ in entries
                    for i in g.members
                ]
                args = [a for _, run in runs for a in run]
                # an artifact of derived groups (with its VJP) holds only derived groups
                derived = _derived(entries[0][0]) != "call"
                derive = tuple((t, len(run)) for t, run in runs) if derived else None
                flat.append((artifact, args, entries[0][0].cost, derive))
            results = self.evaluator.run_bundle(flat)
            retry = False
            for number, response in zip(order, results, strict=True):
                entries = sorted(merged[number], key=lambda e: e[1])
                if isinstance(response, Fault) or response.complex_inside:
                    if len(entries) > 1 and self._combined:
                        # charge nobody yet: one artifact each finds the guilty one (or the
                        # entry that computes in complex numbers)
                        retry = True
                        pending += [g for g, _ in entries]
                        continue
                if isinstance(response, Fault):
                    for g, _ in entries:
                        for i in g.members + g.twins:
                            answers[i] = response
                    continue
                value, inside = response.value, response.complex_inside
                for g, offset in entries:
                    for k, i in enumerate(g.members):
                        derived = offset + k in response.runs_differentiated
                        answers[i] = self._pick(
                            value, offset + k, g.cost, inside=inside, derived=derived
                        )
                        for twin in g.twins:
                            answers[twin] = self._pick(
                                value, offset + k, False, runs=True, inside=inside, derived=derived
                            )
            if retry:
                self._combined = False

    @staticmethod
    def _pick(
        value: Any,
        index: int,
        cost: bool,
        *,
        runs: bool = False,
        inside: bool = False,
        derived: bool = False,
    ) -> Response:
        """Run ``index`` of an artifact's results, or the flops of a cost artifact.

        A cost artifact's answer is ``(flops, results)``; ``runs=True`` picks its results.
        ``inside``: the artifact computes in complex numbers (`Ok.complex_inside`);
        ``derived``: this run was computed with autodiff (`Ok.autodiff_inside`).
        """
        if cost or runs:
            if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], float)):
                return Fault("invalid", "bad cost")
            if cost:
                return Ok(value[0])
            value = value[1]
        if not isinstance(value, tuple) or index >= len(value):
            return Fault("invalid", "the artifact returned the wrong number of results")
        item = value[index]
        if (
            isinstance(item, dict)
            and list(item) == ["invalid"]
            and isinstance(item["invalid"], str)
        ):
            return Fault("invalid", item["invalid"][:500])  # the evaluator could not send it
        return Ok(item, complex_inside=inside, autodiff_inside=derived)

    def _export_round(
        self,
        pending: list[_Group],
        requests: Sequence[Request],
        answers: list[Response | None],
        exported: list[tuple[_Group, tuple[int, int], bytes, int]],
    ) -> list[_Group]:
        """Ask the worker to export the groups; return the groups still to export."""
        ready = []
        for group in pending:
            if group.call.entry in self._broken:
                for i in group.members + group.twins:
                    answers[i] = self._broken[group.call.entry]
            else:
                ready.append(group)
        child = self._worker() if ready else None
        if child is None:
            for group in ready:
                for i in group.members + group.twins:
                    answers[i] = self._load_fault or Fault("crash", "no worker")
            return []
        if self._combined and len(ready) > 1:
            # one step, one deadline: when it fails, nobody is charged yet
            try:
                self._export_some(child, ready, requests, answers, exported, combined=True)
            except (ChannelError, OSError):
                self._drop()
                self._combined = False
                return ready
            self._after(child)
            return []
        for n, group in enumerate(ready):
            child = self._worker()
            if child is None:
                for late in ready[n:]:
                    for i in late.members + late.twins:
                        answers[i] = self._load_fault or Fault("crash", "no worker")
                return []
            try:
                self._export_some(child, [group], requests, answers, exported, combined=False)
            except (ChannelError, OSError) as error:
                doing = f"tracing `{group.call.entry}` ({group.call.transform})"
                self._broken[group.call.entry] = self._channel_fault(error, doing)
                for i in group.members + group.twins:
                    answers[i] = self._broken[group.call.entry]
                self._drop()
                continue
            self._after(child)
        return []

    def _export_some(
        self,
        child: Worker,
        ready: list[_Group],
        requests: Sequence[Request],
        answers: list[Response | None],
        exported: list[tuple[_Group, tuple[int, int], bytes, int]],
        *,
        combined: bool,
    ) -> None:
        """Export ``ready`` in one request, with one hard deadline; raise on a channel fault."""
        items = [
            {
                # a derived transform is the evaluator's: the worker exports g and its VJP
                "call": call_to_json(dataclasses.replace(g.call, transform="call"))
                if _derived(g) != "call"
                else call_to_json(g.call),
                "vjp": _derived(g) != "call",
                "check": g.call.transform,
                "cost": g.cost,
                "runs": [
                    [(list(np.shape(a)), np.asarray(a).dtype.str) for a in requests[i].args]  # type: ignore[union-attr]
                    for i in g.members
                ],
            }
            for g in ready
        ]
        for item, part in zip(items, _parts(ready), strict=True):
            item["part"] = part
        message = {"op": "export", "items": items, "combined": combined}
        reply, out = self._reply(child, self._send(child, message, []))
        self._exports += 1  # numbers the artifacts of this reply apart from earlier ones
        results = reply.get("results")
        if not (isinstance(results, list) and len(results) == len(ready)):
            results = [{"ok": False, "kind": "invalid", "message": "bad export reply"}] * len(ready)
        for group, result in zip(ready, results, strict=True):
            where = result.get("artifact") if isinstance(result, dict) else None
            offset = result.get("offset") if isinstance(result, dict) else None
            if (
                isinstance(result, dict)
                and result.get("ok") is True
                and isinstance(where, int)
                and 0 <= where < len(out)
                and (isinstance(offset, int) and offset >= 0)
            ):
                exported.append((group, (self._exports, where), out[where], offset))
                continue
            fault = to_response(result, []) if isinstance(result, dict) else None
            if not isinstance(fault, Fault):
                fault = Fault("invalid", "the worker sent no artifact")
            for i in group.members + group.twins:
                answers[i] = fault


def _with_stop(source: str | dict[str, str], lines: int) -> dict[str, str]:
    """A notebook's source for the rules, with the line its run stopped after (`RAN`)."""
    files = {SOURCE_MAIN: source} if isinstance(source, str) else dict(source)
    return {**files, RAN: str(lines)}
