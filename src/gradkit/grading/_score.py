"""Grade a candidate: gather every check's requests, ask once, judge, score.

`grade_candidate` draws every check's inputs from the seed, sends the
de-duplicated batch to the candidate in ONE ``run`` call (plus one more only
for checks whose inputs depend on the first answers, such as a submitted
stationary point), gets the reference's answers to the same requests from a
`ReferenceCache`, and turns the verdicts into `ExerciseResult` values.
"""

from __future__ import annotations

import dataclasses
import threading
import zlib
from collections.abc import Hashable, Sequence

import numpy as np

from .._sandboxed import (
    Candidate,
    Constant,
    Cost,
    Evaluate,
    Fault,
    FunctionRef,
    Ok,
    Request,
    Response,
)
from ._checks import Check, Values, fault_message
from ._checks_special import Avoids
from ._inprocess import InProcessCandidate
from ._results import SCORING_MODEL as SCORING_MODEL
from ._results import CheckResult, ExerciseResult, Status
from ._spec import ExerciseSpec


def request_key(request: Request) -> Hashable:
    """Return a hashable key equal for equal requests (arrays compared by bytes)."""
    if isinstance(request, Evaluate | Cost):
        arrays = tuple((a.dtype.str, a.shape, a.tobytes()) for a in request.args)
        return (type(request).__name__, request.call, arrays)
    return request


def check_rng(seed: int, exercise_id: str, index: int) -> np.random.Generator:
    """Return the generator for check number `index` of an exercise: a pure function of its args."""
    return np.random.default_rng([seed, zlib.crc32(f"{exercise_id}#{index}".encode())])


def check_requests(spec: ExerciseSpec, index: int, seed: int) -> tuple[Request, ...]:
    """The requests of check number `index`: drawn from its own generator, or from that
    of the check whose inputs it judges (`Exact.inputs_of`), so they are the same ones."""
    check = spec.checks[index]
    of = getattr(check, "inputs_of", None)
    draws = next((j for j, c in enumerate(spec.checks) if c.label == of), index)
    return tuple(check.requests(check_rng(seed, spec.id, draws)))


class ReferenceCache:
    """The reference solutions' answers, computed once per request and shared.

    Thread-safe: concurrent graders wait for one computation. Keyed by the
    exercise (each has its own reference solution) and the request.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, Hashable], Response] = {}
        self._candidates: dict[str, InProcessCandidate] = {}

    def get_many(self, exercise: ExerciseSpec, requests: Sequence[Request]) -> list[Response]:
        """Return the reference's responses to `requests`, computing the missing ones."""
        keys = [(exercise.id, request_key(r)) for r in requests]
        with self._lock:
            missing: dict[tuple[str, Hashable], Request] = {}
            for key, request in zip(keys, requests, strict=True):
                if key not in self._answers:
                    missing.setdefault(key, request)
            if missing:
                candidate = self._candidates.get(exercise.id)
                if candidate is None:
                    candidate = InProcessCandidate(exercise.reference_namespace())
                    self._candidates[exercise.id] = candidate
                answers = candidate.run(list(missing.values()))
                self._answers.update(zip(missing, answers, strict=True))
            return [self._answers[k] for k in keys]

    def put_many(self, answers: Sequence[tuple[ExerciseSpec | str, Request, Response]]) -> int:
        """Store answers computed elsewhere (e.g. one bundled export); return how many were new.

        An answer already present wins, so a warm-up can never overwrite what
        `get_many` computed.
        """
        added = 0
        with self._lock:
            for exercise, request, response in answers:
                exercise_id = exercise if isinstance(exercise, str) else exercise.id
                key = (exercise_id, request_key(request))
                if key not in self._answers:
                    self._answers[key] = response
                    added += 1
        return added


class _Batch:
    """De-duplicates requests and remembers where each answer goes."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._index: dict[Hashable, int] = {}

    def add(self, requests: Sequence[Request]) -> list[int]:
        out = []
        for request in requests:
            key = request_key(request)
            if key not in self._index:
                self._index[key] = len(self.requests)
                self.requests.append(request)
            out.append(self._index[key])
        return out


def _run(candidate: Candidate, requests: list[Request]) -> list[Response]:
    if not requests:
        return []
    answers = list(candidate.run(requests))
    if len(answers) != len(requests):
        fault = Fault("crash", f"the candidate answered {len(answers)} of {len(requests)} requests")
        return [fault] * len(requests)
    return answers


def _run_hidden(candidate: Candidate, requests: list[Request]) -> list[Response]:
    """Run hidden requests: a sandboxed candidate evaluates them after its worker is gone.

    Its ``run_hidden`` traces them apart from the visible ones (so a tracer
    kept from a hidden call cannot come back as a visible answer) and kills
    the worker before any hidden input is evaluated, so their timing and
    errors never reach student code.
    """
    run_hidden = getattr(candidate, "run_hidden", None)
    if run_hidden is None or not requests:
        return _run(candidate, requests)
    answers = list(run_hidden(requests))
    if len(answers) != len(requests):
        fault = Fault("crash", f"the candidate answered {len(answers)} of {len(requests)} requests")
        return [fault] * len(requests)
    return answers


def grade_candidate(
    candidate: Candidate,
    exercises: Sequence[ExerciseSpec],
    *,
    seed: int,
    references: ReferenceCache | None = None,
) -> tuple[ExerciseResult, ...]:
    """Grade `candidate` on `exercises`, reproducibly for a given `seed`."""
    references = references if references is not None else ReferenceCache()
    batch = _Batch()
    plan: list[tuple[ExerciseSpec, list[tuple[Check, list[Request], list[int]]], int | None]] = []
    public: set[int] = set()  # requests of visible checks (their inputs are shown)
    for spec in exercises:
        checks = []
        for i, check in enumerate(spec.checks):
            requests = list(check_requests(spec, i, seed))
            slots = batch.add(requests)
            if not check.hidden:
                public.update(slots)
            checks.append((check, requests, slots))
        answer = batch.add([Constant(spec.answer_name)])[0] if spec.answer_name else None
        if answer is not None:
            public.add(answer)
        plan.append((spec, checks, answer))
    answers: list[Response | None] = [None] * len(batch.requests)
    # every visible request (and follow-up) is answered before any hidden one
    for hidden in (False, True):
        _answer(candidate, batch, answers, public, hidden=hidden)
        for _, checks, _ in plan:
            for check, requests, slots in checks:
                if check.hidden is not hidden:
                    continue
                extra = list(check.followup([answers[s] for s in slots]))  # type: ignore[misc]
                if extra:
                    requests.extend(extra)
                    added = batch.add(extra)
                    slots.extend(added)
                    if not hidden:
                        public.update(added)
        answers.extend([None] * (len(batch.requests) - len(answers)))
        _answer(candidate, batch, answers, public, hidden=hidden)
    done = [a if a is not None else Fault("crash", "no answer") for a in answers]
    return tuple(
        _grade_one(spec, checks, done, answer, references) for spec, checks, answer in plan
    )


def _answer(
    candidate: Candidate,
    batch: _Batch,
    answers: list[Response | None],
    public: set[int],
    *,
    hidden: bool,
) -> None:
    """Answer the batch's unanswered requests of one visibility."""
    todo = [i for i, a in enumerate(answers) if a is None and (i not in public) is hidden]
    requests = [batch.requests[i] for i in todo]
    got = _run_hidden(candidate, requests) if hidden else _run(candidate, requests)
    for i, answer in zip(todo, got, strict=True):
        answers[i] = answer


def _grade_one(
    spec: ExerciseSpec,
    checks: list[tuple[Check, list[Request], list[int]]],
    answers: list[Response],
    answer_slot: int | None,
    references: ReferenceCache,
) -> ExerciseResult:
    if spec.kind == "written":
        return _written(spec, answers[answer_slot] if answer_slot is not None else None)
    unavailable = _unavailable(spec, checks, answers)
    derived = _differentiated(checks, answers)
    verdicts: list[tuple[bool, str, bool]] = []
    for check, requests, slots in checks:
        got = [answers[s] for s in slots]
        missing = [e for e in check.entries() if e in unavailable]
        if missing:
            verdicts.append((False, unavailable[missing[0]], False))
            continue
        verdict = _judge(spec, check, requests, got, references)
        if verdict[0] and isinstance(check, Avoids):
            verdict = check.judge_runs(derived.get(check.entry)) or verdict
        verdicts.append((*verdict, True))
    results = _apply_model([c for c, _, _ in checks], verdicts)
    broken = [r for r in results if r.requirement_broken]
    total = sum(r.weight for r in results)
    share = sum(r.weight for r in results if r.passed) / total if total and not broken else 0.0
    # rounded so that 3 × 0.8 reports as 2.4, not 2.4000000000000004
    return ExerciseResult(
        spec.id,
        spec.title,
        round(share * spec.max_score, 9),
        spec.max_score,
        "failed"
        if broken
        else _status(
            [r.result for r in results], [answers[s] for _, _, slots in checks for s in slots]
        ),
        tuple(r.result for r in results),
    )


def _differentiated(
    checks: list[tuple[Check, list[Request], list[int]]], answers: list[Response]
) -> dict[str, str]:
    """Where each entry was computed with JAX's autodiff, by the evaluator's reading.

    Only plain calls count (a check's own ``jacfwd`` of the entry differentiates
    it, not the student), and only calls handed no function (the grader's
    functions may be derivatives JAX computes, ``"sin'"``); a visible input is
    named, a hidden one is not.
    """
    found: dict[str, str] = {}
    hidden = "at a hidden input"
    for check, requests, slots in checks:
        if not isinstance(check, Values):
            continue
        for request, slot in zip(requests, slots, strict=True):
            answer = answers[slot]
            if not (
                isinstance(request, Evaluate)
                and request.call.transform == "call"
                and not any(isinstance(s, FunctionRef) for s in request.call.static)
                and isinstance(answer, Ok)
                and answer.autodiff_inside
            ):
                continue
            entry = request.call.entry
            if check.hidden:
                found.setdefault(entry, hidden)
            elif found.get(entry, hidden) == hidden:  # a visible input is worth naming
                found[entry] = f"at {check._where(request)}"
    return found


@dataclasses.dataclass(frozen=True)
class _Verdict:
    result: CheckResult
    requirement_broken: bool

    @property
    def passed(self) -> bool:
        return self.result.passed

    @property
    def weight(self) -> float:
        return self.result.weight


def _apply_model(
    checks: Sequence[Check], verdicts: Sequence[tuple[bool, str, bool]]
) -> list[_Verdict]:
    """Turn raw verdicts into results under the scoring model (see `SCORING_MODEL`).

    A verdict is (passed, message, whether the check's entries could answer at
    all): a missing or unimplemented entry fails its checks, but breaks no rule.
    """
    working = {
        entry
        for check, (passed, _, _) in zip(checks, verdicts, strict=True)
        if passed and not check.rule
        for entry in check.entries()
    }
    out = []
    for check, (passed, message, available) in zip(checks, verdicts, strict=True):
        broken = check.requirement and not passed and available
        if broken:
            message = f"{message} (a requirement: breaking it scores this exercise 0)"
        elif passed and check.rule and not working & set(check.entries()):
            entries = " or ".join(f"`{e}`" for e in check.entries())
            passed = False
            message = (
                f"the rule holds, but {'a source rule' if check.static else 'a rule'} earns "
                f"points only once {entries} passes a value check"
            )
        result = CheckResult(check.label, passed, check.weight, check.visibility, message)
        out.append(_Verdict(result, broken))
    return out


def _judge(
    spec: ExerciseSpec,
    check: Check,
    requests: list[Request],
    got: list[Response],
    references: ReferenceCache,
) -> tuple[bool, str]:
    try:
        ref = references.get_many(spec, requests) if check.needs_reference else None
        return check.judge(requests, got, ref)
    except Exception as error:  # noqa: BLE001 - one broken check must not sink the submission
        return False, (
            f"this check could not be graded ({type(error).__name__}: {error}); "
            "this is a bug in the exercise, not in your submission"
        )


def _unavailable(
    spec: ExerciseSpec,
    checks: list[tuple[Check, list[Request], list[int]]],
    answers: list[Response],
) -> dict[str, str]:
    """Entries that are missing or raise NotImplementedError, with the message to show."""
    out: dict[str, str] = {}
    for _, requests, slots in checks:
        for request, slot in zip(requests, slots, strict=True):
            answer = answers[slot]
            if isinstance(answer, Fault) and answer.kind in ("missing", "not-implemented"):
                name = (
                    request.call.entry
                    if isinstance(request, Evaluate | Cost)
                    else (request.name if isinstance(request, Constant) else None)
                )
                if name is not None and name not in out:
                    out[name] = fault_message(answer, name, hidden=True)
    return out


def _status(results: list[CheckResult], answers: list[Response]) -> Status:
    if results and all(r.passed for r in results):
        return "passed"
    if answers and all(isinstance(a, Fault) and a.kind in ("crash", "timeout") for a in answers):
        return "timeout" if any(a.kind == "timeout" for a in answers) else "error"  # type: ignore[union-attr]
    return "partial" if any(r.passed for r in results) else "failed"


def _written(spec: ExerciseSpec, answer: Response | None) -> ExerciseResult:
    name = spec.answer_name
    text = answer.value if isinstance(answer, Ok) and isinstance(answer.value, str) else None
    submitted = bool(text and text.strip())
    if submitted:
        message = "submitted for manual grading"
    elif isinstance(answer, Fault):
        message = fault_message(answer, str(name), hidden=False)
    else:
        message = f"`{name}` is empty: write your answer in it as a string"
    check = CheckResult("answer submitted", submitted, 1.0, "visible", message)
    return ExerciseResult(
        spec.id, spec.title, 0.0, 0.0, "manual", (check,), answer=text if submitted else None
    )


def grade_references(
    exercises: Sequence[ExerciseSpec], *, seed: int, references: ReferenceCache | None = None
) -> tuple[ExerciseResult, ...]:
    """Grade each exercise's own reference solution (trusted, in-process): all should pass.

    The reference runs as a candidate through the same export path as a
    submission, so this also proves that every reference call is exportable.
    """
    references = references if references is not None else ReferenceCache()
    results = []
    for spec in exercises:
        candidate = InProcessCandidate(spec.reference_namespace()) if spec.reference else _Empty()
        results.extend(grade_candidate(candidate, [spec], seed=seed, references=references))
    return tuple(results)


class _Empty:
    def run(self, requests: Sequence[Request]) -> list[Response]:
        return [Fault("missing", "no reference solution") for _ in requests]
