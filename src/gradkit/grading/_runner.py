"""Grade many submissions: job slots, shards, one reference cache per run.

Each of ``jobs`` slots grades one submission at a time. The slots share the
run's long-lived sandboxed evaluators (`EvaluatorPool`: a bundle goes where its
artifacts were compiled) and take one sandboxed worker per submission from the
run's `WorkerPool` (forked from one template that imported JAX, under
namespaces). The reference solutions' answers are computed once per
run, in this process, and shared by all slots. ``shard=(i, n)`` grades the
i-th of n deterministic slices, so a batch system can split a course and
`gradkit report merge` can join the pieces.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import importlib.util
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import GradingError
from .._sandboxed import Fault, Request, Response
from ._remote import Evaluator, EvaluatorPool, Limits, RemoteCandidate, WorkerPool
from ._results import ExerciseResult, Report, Status, SubmissionResult
from ._sandbox import choose_level, drop_privileges
from ._submission import MAIN, InputLimits, Submission, load_submission, unique_paths

if TYPE_CHECKING:
    from ._score import ReferenceCache
    from ._spec import ExerciseSpec


@dataclasses.dataclass(frozen=True)
class GradeOptions:
    """How to grade: resources, sandbox, seed and slice."""

    jobs: int = 2
    timeout: float = 10.0
    memory_mb: int = 2048
    sandbox: str = "auto"
    seed: int = 0
    shard: tuple[int, int] | None = None
    tag: str = ""  # marks this run's sandboxed processes (see `leftover_processes`)
    inputs: InputLimits = InputLimits()  # how much of each submission is read


def select_exercises(patterns: str = "*") -> list[ExerciseSpec]:
    """Return the registered exercises whose id matches any comma-separated glob."""
    from .._registry import exercises

    wanted = [p.strip() for p in patterns.split(",") if p.strip()] or ["*"]
    ids = sorted(exercises.names())
    chosen = [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in wanted)]
    if not chosen:
        raise GradingError(
            f"no exercise matches {patterns!r}; run `gradkit exercises list` for the ids"
        )
    return [exercises[i] for i in chosen]


def parse_shard(text: str) -> tuple[int, int]:
    """Parse ``"i/N"`` (1 ≤ i ≤ N)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        index = count = 0
    if not 1 <= index <= count:
        raise GradingError(f"invalid shard {text!r}: use i/N with 1 <= i <= N, e.g. 2/8")
    return index, count


def shard_paths(paths: Sequence[str], shard: tuple[int, int] | None) -> list[str]:
    """Return the slice of ``paths`` a shard grades (sorted, every N-th from i).

    Paths naming one file (``a.py``, ``./a.py``, ``/abs/a.py``) count once.
    """
    ordered = sorted(unique_paths(sorted(paths)))
    if shard is None:
        return ordered
    index, count = shard
    return ordered[index - 1 :: count]


def hidden_paths(specs: Sequence[ExerciseSpec]) -> tuple[str, ...]:
    """Directories holding the exercises' reference code, hidden from the sandbox."""
    found: set[str] = set()
    for spec in specs:
        modules = [spec.reference] if isinstance(spec.reference, str) else []
        if not isinstance(spec.reference, str) and spec.reference is not None:
            modules += [getattr(v, "__module__", None) for v in spec.reference.values()]
        for module in filter(None, modules):
            top = str(module).split(".")[0]
            if top in ("gradkit", "builtins", "__main__"):
                continue  # the worker needs gradkit itself
            try:
                found_spec = importlib.util.find_spec(top)
            except (ImportError, ValueError):
                continue
            if found_spec is None:
                continue
            if found_spec.submodule_search_locations:
                found.update(found_spec.submodule_search_locations)
            elif found_spec.origin and found_spec.origin not in ("built-in", "frozen"):
                found.add(str(Path(found_spec.origin).parent))
    return tuple(sorted(found))


class _Broken:
    """A candidate for a submission that could not be read: every answer is a fault."""

    def __init__(self, why: str) -> None:
        self.fault = Fault("error", why)

    def run(self, requests: Sequence[Request]) -> list[Response]:
        return [self.fault] * len(requests)


def _status(exercises: Sequence[ExerciseResult], broken: Fault | None) -> Status:
    code = [e for e in exercises if e.status != "manual"]
    if code and all(e.status == "passed" for e in code):
        return "passed"
    if broken is not None:
        return "timeout" if broken.kind == "timeout" else "error"
    if code and all(e.status in ("error", "timeout") for e in code):
        return "timeout" if any(e.status == "timeout" for e in code) else "error"
    return "partial" if any(e.score > 0 for e in code) else "failed"


def _shown_names(submission: Submission) -> dict[str, str]:
    """The student's own names for the files the worker runs (a file runs as ``submission.py``).

    A notebook's ``%%writefile`` modules keep their names beside it.
    """
    if submission.notebook is not None:
        return {MAIN: submission.notebook}  # a directory's notebook runs cell by cell
    if submission.order != (MAIN,) or MAIN in submission.sources:
        return {}  # a directory: its files keep their names
    return {MAIN: Path(submission.path).name}


def grade_submission(
    submission: Submission,
    specs: Sequence[ExerciseSpec],
    evaluator: Evaluator | EvaluatorPool,
    limits: Limits,
    *,
    seed: int,
    references: ReferenceCache,
    workers: WorkerPool | None = None,
) -> SubmissionResult:
    """Grade one submission in a fresh sandboxed worker."""
    from ._score import grade_candidate

    notes = list(submission.notes)
    broken: Fault | None = None
    if submission.error is not None:
        broken = Fault("error", submission.error)
        results = grade_candidate(
            _Broken(submission.error), specs, seed=seed, references=references
        )
    else:
        candidate = RemoteCandidate(
            submission.files,
            submission.order,
            submission.sources if len(submission.sources) > 1 else submission.source,
            evaluator,
            limits,
            workers,
            shown=_shown_names(submission),
        )
        try:
            results = grade_candidate(candidate, specs, seed=seed, references=references)
        finally:
            candidate.close()
        broken = candidate.load_fault
        notes += candidate.notes
    if broken is not None:
        notes.insert(0, f"the submission could not be run: {broken.message}")
    return SubmissionResult(
        path=submission.path,
        score=sum(r.score for r in results),
        max_score=sum(r.max_score for r in results),
        status=_status(results, broken),
        exercises=tuple(results),
        message="; ".join(notes),
    )


# how long the main thread blocks at a time while the slots grade (see `_result`)
WAIT_STEP = 0.25


def _result(future: Future[SubmissionResult]) -> SubmissionResult:
    """A slot's result, waited for in short steps.

    A blocked wait does not wake for a SIGINT or SIGTERM that the kernel
    delivers to another thread (XLA's, a slot's), so the interrupt would wait
    for the slots to finish, up to a timeout per request; between steps the
    main thread runs its signal handlers.
    """
    while True:
        with contextlib.suppress(TimeoutError):
            return future.result(timeout=WAIT_STEP)


def grade_paths(
    paths: Sequence[str],
    specs: Sequence[ExerciseSpec],
    options: GradeOptions,
    *,
    on_result: Callable[[SubmissionResult], None] | None = None,
) -> Report:
    """Grade the submissions at ``paths`` (after sharding) with ``options.jobs`` slots."""
    from .. import __version__
    from ._score import ReferenceCache

    start = time.perf_counter()
    level = choose_level(options.sandbox)
    use_compile_cache(level)
    selected = shard_paths(paths, options.shard)
    limits = Limits(level, options.timeout, options.memory_mb, hidden_paths(specs), options.tag)
    jobs = max(1, min(options.jobs, len(selected) or 1))
    references = ReferenceCache()
    evaluators = EvaluatorPool([Evaluator(limits) for _ in range(jobs)])
    evaluators.start()
    workers = WorkerPool(limits, spares=jobs, needed=len(selected))

    def one(path: str) -> SubmissionResult:
        began = time.perf_counter()
        result = grade_submission(
            load_submission(path, options.inputs),
            specs,
            evaluators,
            limits,
            seed=options.seed,
            references=references,
            workers=workers,
        )
        result = dataclasses.replace(result, seconds=time.perf_counter() - began)
        if on_result is not None:
            on_result(result)
        return result

    # the references' answers, computed while the sandboxes start and trace
    warm = threading.Thread(target=_warm_references, args=(specs, options.seed, references))
    warm.start()
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(one, path) for path in selected]
            try:
                results = [_result(future) for future in futures]
            except BaseException:  # an interrupt: start nothing more
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        while warm.is_alive():
            warm.join(WAIT_STEP)
    finally:
        workers.close()
        evaluators.close()
    shard = f"{options.shard[0]}/{options.shard[1]}" if options.shard else None
    return Report(
        gradkit_version=__version__,
        seed=options.seed,
        sandbox=level,
        exercises=tuple(s.id for s in specs),
        submissions=tuple(results),
        shard=shard,
        seconds=time.perf_counter() - start,
    )


CACHE_ENV = "GRADKIT_COMPILE_CACHE"


def compile_cache_dir() -> Path:
    """Where the grader keeps its own compiled programs (``$GRADKIT_COMPILE_CACHE`` or XDG)."""
    chosen = os.environ.get(CACHE_ENV, "")
    if chosen and chosen != "0":
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gradkit" / "xla"


def use_compile_cache(level: str) -> Path | None:
    """Keep the grader's own XLA compiles (the reference answers) on disk across runs.

    Only the grading process reads and writes this cache; the sandboxed
    children never get it. It is used only where no child can write into
    it: under the ``namespaces`` sandbox (the child sees none of the host's
    files) or as root under ``limits`` (the child runs as ``nobody``; the
    directory is 0700). ``GRADKIT_COMPILE_CACHE=0`` turns it off, a path moves
    it; a cache the user set up for JAX (``JAX_COMPILATION_CACHE_DIR``) is left
    as it is. Returns the directory used, or None.
    """
    if os.environ.get(CACHE_ENV) == "0":
        return None
    # as root, only when the children really run as nobody (`drop_privileges`)
    if level != "namespaces" and not (level == "limits" and drop_privileges()):
        return None
    import jax

    if jax.config.jax_compilation_cache_dir:
        return Path(jax.config.jax_compilation_cache_dir)
    folder = compile_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
    except OSError:
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    # the references' bundled program takes ~2 s to compile; the rest are small
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.1)
    return folder


def _warm_references(specs: Sequence[ExerciseSpec], seed: int, references: ReferenceCache) -> None:
    """Fill the cache with the reference answers every check will ask for."""
    from ._score import check_requests
    from ._warmup import warm_references

    try:
        warm_references(specs, seed, references)  # most answers, one compile
    except Exception:  # noqa: BLE001, S110 - the per-exercise path below covers everything
        pass

    for spec in specs:
        requests = [
            request
            for i, check in enumerate(spec.checks)
            if check.needs_reference
            for request in check_requests(spec, i, seed)
        ]
        try:
            references.get_many(spec, requests)
        except Exception:  # noqa: BLE001 - grading asks again and reports the error properly
            continue


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
