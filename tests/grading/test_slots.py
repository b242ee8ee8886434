"""The job slots' children: how the evaluator and the workers are started."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from gradkit._sandboxed import EVALUATOR, FORKS, WORKER, ChannelError, Ok
from gradkit.grading import _remote, _slots
from gradkit.grading._sandbox import (
    SANDBOX_ENV,
    Child,
    ForkedChild,
    choose_level,
    leftover_processes,
)
from gradkit.grading._slots import Evaluator, EvaluatorPool, Limits, spawn_worker


def _environment(tag: str, module: str) -> dict[str, str]:
    """The environment of the run's one Python process running ``module`` (once it runs)."""
    deadline = time.monotonic() + 60
    found: list[bytes] = []
    while not found and time.monotonic() < deadline:
        for pid in leftover_processes(tag):
            with contextlib.suppress(OSError):
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                if Path(argv[0].decode()).name.startswith("python") and module.encode() in argv:
                    found.append(Path(f"/proc/{pid}/environ").read_bytes())
        time.sleep(0.05)
    assert len(found) == 1, found
    items = [item.decode() for item in found[0].split(b"\0") if item]
    return dict(item.split("=", 1) for item in items)


@pytest.fixture
def limits() -> Limits:
    tag = f"test-slots-{uuid.uuid4().hex[:8]}-"
    return Limits(choose_level("auto"), 10.0, 1024, (), tag)


def test_the_evaluator_compiles_without_llvm_optimisation_the_worker_with_jaxs_defaults(limits):
    evaluator = Evaluator(limits)
    evaluator.start()
    worker = spawn_worker(limits)
    try:
        evaluating = _environment(limits.tag, EVALUATOR)
        working = _environment(limits.tag, WORKER)
    finally:
        evaluator.close()
        worker.close()
    assert evaluating["XLA_FLAGS"] == "--xla_backend_optimization_level=0"
    assert "XLA_FLAGS" not in working
    # the flag adds to the fixed environment; it replaces nothing
    assert {k: v for k, v in evaluating.items() if k != "XLA_FLAGS"} == working | {
        SANDBOX_ENV: evaluating[SANDBOX_ENV]
    }
    assert not leftover_processes(limits.tag)


def test_an_unoptimised_evaluator_answers_as_the_optimised_grader_does(limits):
    """The same artifact, run by the evaluator and here: equal to rounding."""
    import jax
    import jax.numpy as jnp
    from jax import export

    from gradkit._config import float64

    def f(x):
        return jnp.sum(jnp.tanh(x) * jnp.exp(-x * x)) + jnp.linalg.norm(x, ord=3)

    x = np.linspace(-2.0, 2.0, 257)
    with float64():
        exported = export.export(jax.jit(jax.grad(f)))(x)
        here = np.asarray(jax.grad(f)(x))
    evaluator = Evaluator(limits)
    try:
        (answer,) = evaluator.run_bundle([(exported.serialize(), (x,), False, None)])
    finally:
        evaluator.close()
    there = np.asarray(answer.value)
    assert there.dtype == np.float64
    np.testing.assert_allclose(there, here, rtol=1e-13, atol=0)


class _Held:
    """A fake evaluator: records what it ran; ``hold`` keeps it busy until released."""

    def __init__(self, name: str) -> None:
        self.name, self.ran = name, []
        self.hold = threading.Event()
        self.hold.set()
        self.started = threading.Event()

    def run_bundle(self, items):
        self.ran.append([item[0] for item in items])
        self.started.set()
        self.hold.wait(10)
        return [Ok(None)] * len(items)


def _items(*artifacts: bytes):
    return [(artifact, [], False, None) for artifact in artifacts]


def test_a_bundle_goes_to_the_idle_evaluator_that_compiled_most_of_it():
    a, b, c = _Held("a"), _Held("b"), _Held("c")
    pool = EvaluatorPool([a, b, c])
    pool.run_bundle(_items(b"p1" * 100, b"p2" * 100, b"p3"))  # all idle, none knows it: a
    a.hold.clear()
    busy = threading.Thread(target=pool.run_bundle, args=(_items(b"x"),))
    busy.start()
    assert a.started.wait(10)
    pool.run_bundle(_items(b"q1" * 10))  # a is busy: b
    a.hold.set()
    busy.join(10)
    # a knows two big parts of this one, b and c none of it: a
    pool.run_bundle(_items(b"p1" * 100, b"p2" * 100, b"changed"))
    # b knows q1 (20 bytes), a the small p3 (2 bytes): b
    pool.run_bundle(_items(b"q1" * 10, b"p3"))
    assert [len(e.ran) for e in (a, b, c)] == [3, 2, 0]
    assert a.ran[-1] == [b"p1" * 100, b"p2" * 100, b"changed"]
    assert b.ran[-1] == [b"q1" * 10, b"p3"]


def test_a_busy_evaluator_is_not_waited_for_when_there_is_something_to_compile():
    a, b = _Held("a"), _Held("b")
    pool = EvaluatorPool([a, b])
    pool.run_bundle(_items(b"part" * 100))  # a compiled it
    a.hold.clear()
    first = threading.Thread(target=pool.run_bundle, args=(_items(b"part" * 100),))
    first.start()
    assert a.started.wait(10)  # a is busy with its second bundle
    # mostly what a compiled, but one part is new: b compiles it all, nobody waits for a
    pool.run_bundle(_items(b"part" * 100, b"new"))
    a.hold.set()
    first.join(10)
    assert [len(e.ran) for e in (a, b)] == [2, 1]


def test_each_submission_takes_a_worker_started_ahead_of_it(monkeypatch, tmp_path, square, grade):
    """The run's workers come from its pool (JAX imported while the last one was graded)."""
    taken, direct = [], []
    take = _slots.WorkerPool.take

    def counting_take(self):
        child = take(self)
        taken.append(child)
        return child

    def counting_spawn(limits):
        direct.append(limits)
        return _slots.spawn_worker(limits)

    monkeypatch.setattr(_slots.WorkerPool, "take", counting_take)
    monkeypatch.setattr(_remote, "spawn_worker", counting_spawn)
    paths = []
    for k in range(3):
        paths.append(tmp_path / f"s{k}.py")
        paths[-1].write_text("def d_square(x):\n    return 2 * x\n")
    results, tag = grade(paths, [square], "test-slots", jobs=1, timeout=10.0, memory_mb=1024)
    assert [results[f"s{k}"].score for k in range(3)] == [2.0] * 3
    assert len(taken) == 3 and not direct
    assert not leftover_processes(tag)


def test_a_bundle_an_evaluator_compiled_whole_waits_for_it_rather_than_compile_again():
    a, b = _Held("a"), _Held("b")
    pool = EvaluatorPool([a, b])
    pool.run_bundle(_items(b"p1", b"p2"))  # a compiled both
    a.hold.clear()
    first = threading.Thread(target=pool.run_bundle, args=(_items(b"other"),))
    first.start()
    assert a.started.wait(10)  # a is busy
    copy = threading.Thread(target=pool.run_bundle, args=(_items(b"p1", b"p2"),))
    copy.start()  # a copy of the first bundle: it waits for a
    time.sleep(0.2)
    assert b.ran == []
    a.hold.set()
    first.join(10)
    copy.join(10)
    assert a.ran[-1] == [b"p1", b"p2"] and b.ran == []


@pytest.mark.skipif(choose_level("auto") != "namespaces", reason="forks need namespaces")
def test_the_pools_workers_are_forked_from_one_template(limits):
    """JAX is imported once per pool: every worker taken is a fork, in a cgroup of its own."""
    pool = _slots.WorkerPool(limits, spares=2, needed=3)
    taken = []
    try:
        for _ in range(3):
            taken.append(pool.take())
        assert all(isinstance(c, ForkedChild) for c in taken)
        assert pool.forked == 3
        assert len({c.pid for c in taken}) == 3
        assert [c.processes() for c in taken] == [1, 1, 1]
        # the template started Python once; its forks carry its command line
        commands = []
        for pid in leftover_processes(limits.tag):
            with contextlib.suppress(OSError):
                commands.append(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"))
        pythons = [c for c in commands if Path(c[0].decode()).name.startswith("python")]
        assert len(pythons) == 4 and all(c[-2:] == [FORKS.encode(), b""] for c in pythons)
    finally:
        for child in taken:
            child.close()
        pool.close()
    assert not leftover_processes(limits.tag)


def _ready_refused(monkeypatch) -> None:
    def refused(self, deadline):
        raise ChannelError("closed", "the forked worker did not start")

    monkeypatch.setattr(ForkedChild, "ready", refused)


def _without_setfcap(monkeypatch) -> None:
    """The kernel refuses nested ID maps: the template's probe fails and it exits."""
    start = Child.__init__

    def without(self, *args, **kwargs):
        start(self, *args, **{**kwargs, "bounding_set": "-all"})

    monkeypatch.setattr(Child, "__init__", without)


@pytest.mark.parametrize(
    "breaking",
    [_ready_refused, _without_setfcap],
    ids=["ready-refused", "no-setfcap"],
)
@pytest.mark.skipif(choose_level("auto") != "namespaces", reason="forks need namespaces")
def test_a_pool_whose_forks_fail_starts_whole_workers(limits, monkeypatch, breaking):
    """Where a template's forks fail, each worker is started whole, as before."""
    breaking(monkeypatch)
    pool = _slots.WorkerPool(limits, spares=2, needed=3)
    taken = []
    try:
        for _ in range(3):
            taken.append(pool.take())
        assert [type(c) for c in taken] == [Child] * 3 and pool.forked == 0
        for child in taken:
            child.ready(time.monotonic() + 60)
            assert child.alive()
    finally:
        for child in taken:
            child.close()
        pool.close()
    assert not leftover_processes(limits.tag)
