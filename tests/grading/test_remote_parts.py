"""A submission's exports are cut into parts: one that differs in one entry shares the rest.

The grader cuts each export request's entries into `PARTS` runs, in order, and
the worker traces each run into one artifact. The cut depends on the entries
asked for, never on the submission, so a student whose code differs from
another's in one function sends the same bytes for every other part, and the
evaluator (which keeps executables by artifact) compiles only that part.
"""

from __future__ import annotations

import hashlib
import socket
import time
import types
import uuid

from gradkit.grading import checks, samplers
from gradkit.grading._remote import PARTS, Evaluator, Limits, RemoteCandidate
from gradkit.grading._runner import hidden_paths
from gradkit.grading._sandbox import choose_level, leftover_processes
from gradkit.grading._score import grade_candidate

from .conftest import sumsq_exercises

ENTRIES = 6
SPECS = sumsq_exercises(
    "parts",
    ENTRIES,
    lambda e: (
        checks.values(e, samplers.normal(3)),
        checks.values(e, samplers.normal(4), visibility="hidden"),
    ),
)
HONEST = "import jax.numpy as jnp\n" + "".join(
    f"def e{k}(x): return jnp.sum(x ** 2)\n" for k in range(ENTRIES)
)
# e4 differs in its program (one line, so no other function moves) and not in its values
VARIANT = HONEST.replace(
    "def e4(x): return jnp.sum(x ** 2)",
    "def e4(x): return jnp.sum(jnp.where(x > 1e300, 0.0, x ** 2))",
)


def _graded(source: str, tag: str) -> tuple[list[float], list[list[str]]]:
    """Scores, and the artifacts' hashes of each bundle the evaluator was sent."""
    limits = Limits(choose_level("auto"), 10.0, 1024, hidden_paths(SPECS), tag)
    evaluator = Evaluator(limits)
    sent: list[list[str]] = []

    class Spy:
        def run_bundle(self, items):
            sent.append([hashlib.sha256(item[0]).hexdigest() for item in items])
            return evaluator.run_bundle(items)

    candidate = RemoteCandidate({"sub.py": source.encode()}, ["sub.py"], source, Spy(), limits)
    try:
        results = grade_candidate(candidate, SPECS, seed=3)
    finally:
        candidate.close()
        evaluator.close()
    return [r.score for r in results], sent


def test_a_submission_that_differs_in_one_entry_differs_in_one_part_of_each_export():
    assert PARTS >= 2  # with one part, nothing below could tell
    tag = f"test-parts-{uuid.uuid4().hex[:8]}-"
    honest_scores, honest = _graded(HONEST, tag)
    variant_scores, variant = _graded(VARIANT, tag)
    assert honest_scores == variant_scores == [1.0] * ENTRIES
    # one bundle of visible checks, one of hidden ones: each export cut into PARTS artifacts
    assert [len(b) for b in honest] == [len(b) for b in variant] == [PARTS, PARTS]
    assert len({h for b in honest for h in b}) == 2 * PARTS  # no two parts alike
    # e4 is in the last part (entries cut in order): that artifact differs, and only it
    for mine, theirs in zip(honest, variant, strict=True):
        assert mine[:-1] == theirs[:-1]
        assert mine[-1] != theirs[-1]
    assert leftover_processes(tag) == []


class _Waiting:
    """A worker that says nothing and has waited `delay(t)` seconds for a CPU at time t."""

    def __init__(self, delay):
        self.sock, self.other = socket.socketpair()
        self._start, self._delay = time.monotonic(), delay

    def waited(self):
        return self._delay(time.monotonic() - self._start)

    def close(self):
        self.sock.close()
        self.other.close()


def test_time_a_worker_spent_waiting_for_a_cpu_is_given_back_to_its_deadline():
    candidate = types.SimpleNamespace(limits=types.SimpleNamespace(timeout=0.3))

    def deadline_after(delay, say=b""):
        child = _Waiting(delay)
        child.other.sendall(say)
        start = time.monotonic()
        try:
            deadline, given = RemoteCandidate._given_back(candidate, child, start + 0.3, 0, 0)
        finally:
            child.close()
        return round(deadline - start, 6), given

    # it never waited (or slept): the deadline holds
    assert deadline_after(lambda t: 0.0) == (0.3, 0.0)
    # a loaded machine kept it from a CPU for 0.2 s: those come back
    assert deadline_after(lambda t: min(t, 0.2)) == (0.5, 0.2)
    # at most the timeout once more, however long it waits
    assert deadline_after(lambda t: t) == (0.6, 0.3)
    # something to read: the deadline as it was
    assert deadline_after(lambda t: t, b"x") == (0.3, 0)
