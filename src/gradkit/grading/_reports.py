"""Render a grading `Report`: JSON, Gradescope, JUnit, CSV, Markdown feedback.

Every format states the sandbox level and the seed. Scores are rounded to 6
decimals in every format, so the formats agree to the digit. The terminal
table lives in `gradkit.grading._cli` (it needs rich).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from .._errors import GradingError
from ._results import CheckResult, ExerciseResult, Report, SubmissionResult, shown_score
from ._sanitise import clean

FORMATS: tuple[str, ...] = ("table", "json", "gradescope", "junit", "csv")
STATUSES = ("passed", "partial", "failed", "error", "timeout", "manual")


def _r(x: float) -> float:
    return round(float(x), 6)


def to_json(report: Report) -> dict[str, Any]:
    """Return the report in gradkit's JSON schema (other tools read it)."""
    return {
        "gradkit_version": report.gradkit_version,
        "seed": report.seed,
        "sandbox": report.sandbox,
        "shard": report.shard,
        "partial": report.partial or None,
        "seconds": round(report.seconds, 3),
        "exercises": list(report.exercises),
        "submissions": [
            {
                "path": s.path,
                "score": _r(s.score),
                "max_score": _r(s.max_score),
                "status": s.status,
                "message": s.message,
                "seconds": round(s.seconds, 3),
                "exercises": [
                    {
                        "id": e.id,
                        "title": e.title,
                        "score": _r(e.score),
                        "max_score": _r(e.max_score),
                        "status": e.status,
                        "answer": e.answer,
                        "checks": [
                            {
                                "name": c.name,
                                "passed": c.passed,
                                "weight": c.weight,
                                "visibility": c.visibility,
                                "message": c.message,
                            }
                            for c in e.checks
                        ],
                    }
                    for e in s.exercises
                ],
            }
            for s in report.submissions
        ],
    }


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise GradingError(f"{where}: field {key!r} is missing or not a {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _status(data: dict[str, Any], where: str) -> Any:
    status = _field(data, "status", str, where)
    if status not in STATUSES:
        raise GradingError(f"{where}: unknown status {status!r}; use one of {', '.join(STATUSES)}")
    return status


def from_json(data: Any, where: str = "report") -> Report:
    """Read a report written by `to_json`, checking every field."""
    number = (int, float)
    subs = []
    for n, s in enumerate(_field(data, "submissions", list, where)):
        at = f"{where}: submission {n}"
        exercises = []
        for e in _field(s, "exercises", list, at):
            at_e = f"{at}: exercise {e.get('id') if isinstance(e, dict) else '?'}"
            checks = tuple(
                CheckResult(
                    _field(c, "name", str, at_e),
                    _field(c, "passed", bool, at_e),
                    float(_field(c, "weight", number, at_e)),
                    _field(c, "visibility", str, at_e),
                    _field(c, "message", str, at_e),
                )
                for c in _field(e, "checks", list, at_e)
            )
            exercises.append(
                ExerciseResult(
                    _field(e, "id", str, at_e),
                    str(e.get("title", "")),
                    float(_field(e, "score", number, at_e)),
                    float(_field(e, "max_score", number, at_e)),
                    _status(e, at_e),
                    checks,
                    e.get("answer") if isinstance(e.get("answer"), str) else None,
                )
            )
        subs.append(
            SubmissionResult(
                _field(s, "path", str, at),
                float(_field(s, "score", number, at)),
                float(_field(s, "max_score", number, at)),
                _status(s, at),
                tuple(exercises),
                str(s.get("message", "")),
                _optional_seconds(s),
            )
        )
    shard = data.get("shard")
    if shard is not None and not (isinstance(shard, str) and _SHARD.fullmatch(shard)):
        raise GradingError(f"{where}: field 'shard' is not of the form i/N: {shard!r}")
    exercises = data.get("exercises") or sorted({e.id for s in subs for e in s.exercises})
    if not isinstance(exercises, list) or not all(isinstance(e, str) for e in exercises):
        raise GradingError(f"{where}: field 'exercises' is not a list of exercise ids")
    partial = data.get("partial")
    return Report(
        gradkit_version=clean(_field(data, "gradkit_version", str, where), 100),
        seed=_field(data, "seed", int, where),
        sandbox=clean(_field(data, "sandbox", str, where), 100),
        exercises=tuple(clean(e, 200) for e in exercises),
        submissions=tuple(subs),
        shard=shard,
        seconds=_optional_seconds(data),
        partial=clean(partial) if isinstance(partial, str) else "",
    )


_SHARD = re.compile(r"[1-9][0-9]*/[1-9][0-9]*")


def _optional_seconds(data: dict[str, Any]) -> float:
    value = data.get("seconds")
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return 0.0


def _shards(reports: Sequence[Report], names: Sequence[str]) -> tuple[int, list[int]]:
    """Check the reports' shards belong to one run; return N and the missing indices."""
    sharded = [(r.shard, n) for r, n in zip(reports, names, strict=True) if r.shard]
    if not sharded:
        return 0, []
    if len(sharded) != len(reports):
        whole = next(n for r, n in zip(reports, names, strict=True) if not r.shard)
        raise GradingError(
            f"cannot merge a whole run ({whole}) with shards ({sharded[0][1]} is "
            f"shard {sharded[0][0]}): merge the shards of one run only"
        )
    seen: dict[int, str] = {}
    counts: dict[int, str] = {}
    for shard, name in sharded:
        index, count = (int(part) for part in shard.split("/"))
        counts.setdefault(count, f"{name} is shard {shard}")
        if len(counts) > 1:
            first, second = counts.values()
            raise GradingError(
                f"cannot merge shards of different splits: {first}, {second}; "
                "merge the shards of one run (same --shard i/N count)"
            )
        if index in seen:
            raise GradingError(
                f"shard {shard} appears twice ({seen[index]} and {name}); give each shard once"
            )
        seen[index] = name
    (count,) = counts
    return count, [i for i in range(1, count + 1) if i not in seen]


def merge(
    reports: Sequence[Report], names: Sequence[str] | None = None, *, allow_partial: bool = False
) -> Report:
    """Combine the shard reports of one run (same seed, exercises, version) into one.

    Refuses an inconsistent set (different seeds, exercise sets or gradkit
    versions; shards of different splits; a shard twice; a submission twice)
    and an incomplete one (a missing shard) unless ``allow_partial``, which
    marks the result partial. ``names`` name the reports in messages.
    """
    if not reports:
        raise GradingError("nothing to merge: give at least one JSON report")
    names = list(names) if names is not None else [f"report {n + 1}" for n in range(len(reports))]
    first = reports[0]
    for other, name in zip(reports[1:], names[1:], strict=True):
        if other.seed != first.seed:
            raise GradingError(
                f"cannot merge reports with different seeds ({first.seed} and {other.seed}): "
                "grade every shard with the same --seed"
            )
        if set(other.exercises) != set(first.exercises):
            raise GradingError(
                f"cannot merge reports of different exercise sets ({names[0]} and {name}): "
                "use the same --exercises for every shard"
            )
        if other.gradkit_version != first.gradkit_version:
            raise GradingError(
                f"cannot merge reports of different gradkit versions "
                f"({first.gradkit_version} in {names[0]}, {other.gradkit_version} in {name}): "
                "grade every shard with one gradkit"
            )
    count, missing = _shards(reports, names)
    lacking = [r.partial for r in reports if r.partial]
    if missing:
        lacking.insert(
            0,
            "missing shard"
            + "s" * (len(missing) > 1)
            + " "
            + ", ".join(f"{i}/{count}" for i in missing),
        )
    if lacking and not allow_partial:
        raise GradingError(
            f"the reports are incomplete ({'; '.join(lacking)}): give every shard's report, "
            "or --allow-partial to merge them anyway, marked partial"
        )
    seen: dict[str, SubmissionResult] = {}
    for report in reports:
        for sub in report.submissions:
            if sub.path in seen:
                raise GradingError(f"submission {sub.path!r} appears in two reports")
            seen[sub.path] = sub
    levels = sorted({r.sandbox for r in reports})
    return Report(
        gradkit_version=first.gradkit_version,
        seed=first.seed,
        sandbox=levels[0] if len(levels) == 1 else "mixed:" + ",".join(levels),
        exercises=first.exercises,
        submissions=tuple(seen[p] for p in sorted(seen)),
        seconds=sum(r.seconds for r in reports),
        partial="; ".join(dict.fromkeys(lacking)),
    )


def _check_line(check: CheckResult) -> str:
    mark = "✓" if check.passed else "✗"
    shown = check.visibility == "hidden" and "(hidden)" not in check.name
    hidden = " (hidden)" if shown else ""
    return f"{mark} {check.name}{hidden}: {check.message}"


def to_gradescope(report: Report) -> dict[str, Any]:
    """Return Gradescope's ``results.json`` for a report of exactly one submission."""
    if len(report.submissions) != 1:
        raise GradingError(
            f"the gradescope format describes one submission, got {len(report.submissions)}: "
            "grade one submission per run_autograder, or use --format json"
        )
    sub = report.submissions[0]
    header = f"gradkit {report.gradkit_version}: sandbox {report.sandbox}, seed {report.seed}"
    tests = [
        {
            "name": f"{e.id}: {e.title}",
            "score": _r(e.score),
            "max_score": _r(e.max_score),
            "status": "passed" if e.status in ("passed", "manual") else "failed",
            "output": "\n".join(_check_line(c) for c in e.checks),
            "visibility": "visible",
        }
        for e in sub.exercises
    ]
    if report.partial:
        header += f"\nPARTIAL report ({report.partial})"
    output = header + (f"\n{sub.message}" if sub.message else "")
    extra = {"sandbox": report.sandbox, "seed": report.seed, "status": sub.status}
    if report.partial:
        extra["partial"] = report.partial
    return {
        "score": _r(sub.score),
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": extra,
    }


# characters XML 1.0 cannot hold (a submission's exception message may carry them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _check_points(exercise: ExerciseResult, check: CheckResult) -> tuple[float, float]:
    """A check's share of its exercise's points: (earned, possible)."""
    total = sum(c.weight for c in exercise.checks) or 1.0
    possible = _r(exercise.max_score * check.weight / total)
    return (possible if check.passed else 0.0), possible


def _seconds(value: float) -> str:
    """A duration as junit-10.xsd's SUREFIRE_TIME: digits, a dot, three decimals."""
    return f"{max(0.0, float(value)):.3f}"


def to_junit(report: Report) -> str:
    """Return JUnit XML (valid against junit-10.xsd): a suite per submission, a case per check.

    A case's name shows its points (``values (1.5/1.5 points)``) where CI
    reporters look; a failed case's message starts with them too. Checks of
    exercises graded by hand are skipped, never failed. The suite's ``time``
    is the submission's grading time, shared evenly among its cases (checks
    are graded together). Suite properties hold the score, the sandbox, the
    seed and each exercise's score.
    """
    root = ET.Element("testsuites", name="gradkit")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for sub in report.submissions:
        cases = [(e, c) for e in sub.exercises for c in e.checks]
        skipped = sum(e.status == "manual" for e, _ in cases)
        failures = sum(e.status != "manual" and not c.passed for e, c in cases)
        counts = {"tests": len(cases), "failures": failures, "errors": 0}
        for key, value in counts.items():
            totals[key] += value
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _xml(sub.path),
                **{key: str(value) for key, value in counts.items()},
                "skipped": str(skipped),
                "time": _seconds(sub.seconds),
            },
        )
        props = ET.SubElement(suite, "properties")
        for key, value in (
            ("sandbox", report.sandbox),
            ("seed", report.seed),
            ("score", _r(sub.score)),
            ("max_score", _r(sub.max_score)),
            ("status", sub.status),
            *((("partial", "true"),) if report.partial else ()),
            *((f"score:{e.id}", f"{_r(e.score):g}/{_r(e.max_score):g}") for e in sub.exercises),
        ):
            ET.SubElement(props, "property", name=key, value=_xml(str(value)))
        each = sub.seconds / len(cases) if cases else 0.0
        for exercise, check in cases:
            earned, possible = _check_points(exercise, check)
            if exercise.status == "manual":
                name = f"{check.name} (graded by hand)"
            else:
                name = f"{check.name} ({earned:g}/{possible:g} points)"
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_xml(exercise.id),
                name=_xml(name),
                time=_seconds(each),
            )
            if exercise.status == "manual":
                ET.SubElement(case, "skipped", message="graded by hand")
            elif not check.passed:
                ET.SubElement(
                    case,
                    "failure",
                    type=exercise.status,
                    message=_xml(f"0/{possible:g} points: {check.message}"),
                )
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(report.seconds))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (``=HYPERLINK(...)``)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(report: Report) -> str:
    """Return a gradebook: a row per submission, a column per exercise, totals."""
    ids = list(report.exercises) or sorted({e.id for s in report.submissions for e in s.exercises})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    partial = ["partial"] if report.partial else []
    writer.writerow(["path", *ids, "total", "max_total", "status", "sandbox", "seed", *partial])
    for sub in report.submissions:
        scores: dict[str, object] = {
            e.id: "manual" if e.status == "manual" else _r(e.score) for e in sub.exercises
        }
        row = [_cell(sub.path), *(scores.get(i, "") for i in ids)]
        writer.writerow(
            [*row, _r(sub.score), _r(sub.max_score), sub.status, report.sandbox, report.seed]
            + [report.partial] * bool(report.partial)
        )
    return out.getvalue()


def feedback_name(path: str) -> str:
    """A file name for a submission's feedback (``alice/hw2.py`` → ``alice_hw2.py.md``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", path.strip("/")).strip("_") + ".md"


def to_feedback(report: Report, sub: SubmissionResult) -> str:
    """Return one submission's Markdown feedback (hidden checks show no inputs)."""
    lines = [
        f"# Feedback for `{sub.path}`",
        "",
        f"**Score: {shown_score(sub.score, sub.max_score, sep=' / ')}** ({sub.status})",
        "",
        f"Graded by gradkit {report.gradkit_version} (sandbox: {report.sandbox}, "
        f"seed: {report.seed}).",
    ]
    if report.partial:
        lines += ["", f"**Partial report:** {report.partial}."]
    if sub.message:
        lines += ["", f"> {sub.message}"]
    for e in sub.exercises:
        lines += [
            "",
            f"## {e.id}: {e.title} — {shown_score(e.score, e.max_score, sep=' / ')} ({e.status})",
            "",
        ]
        lines += [f"- {_check_line(c)}" for c in e.checks]
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str) -> str:
    """Render a machine format (``json``, ``gradescope``, ``junit``, ``csv``) as text."""
    if fmt == "json":
        return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "gradescope":
        return json.dumps(to_gradescope(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "junit":
        return to_junit(report)
    if fmt == "csv":
        return to_csv(report)
    raise GradingError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


# The names `gradkit.grading` exports these under, which say what they act on
# (its stub re-exports a name only as itself, as type checkers require).
report_to_json = to_json
report_from_json = from_json
merge_reports = merge
render_report = render
