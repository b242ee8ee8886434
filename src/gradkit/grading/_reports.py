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
from ._results import CheckResult, ExerciseResult, SubmissionResult
from ._runner import Report

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
        "exercises": list(report.exercises),
        "submissions": [
            {
                "path": s.path,
                "score": _r(s.score),
                "max_score": _r(s.max_score),
                "status": s.status,
                "message": s.message,
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
            )
        )
    return Report(
        gradkit_version=_field(data, "gradkit_version", str, where),
        seed=_field(data, "seed", int, where),
        sandbox=_field(data, "sandbox", str, where),
        exercises=tuple(data.get("exercises") or sorted({e.id for s in subs for e in s.exercises})),
        submissions=tuple(subs),
        shard=data.get("shard") if isinstance(data.get("shard"), str) else None,
    )


def merge(reports: Sequence[Report]) -> Report:
    """Combine shard reports of one run (same seed and exercises) into one."""
    if not reports:
        raise GradingError("nothing to merge: give at least one JSON report")
    first = reports[0]
    for other in reports[1:]:
        if other.seed != first.seed:
            raise GradingError(
                f"cannot merge reports with different seeds ({first.seed} and {other.seed}): "
                "grade every shard with the same --seed"
            )
        if set(other.exercises) != set(first.exercises):
            raise GradingError(
                "cannot merge reports of different exercise sets: use the same "
                "--exercises for every shard"
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
    )


def _check_line(check: CheckResult) -> str:
    mark = "✓" if check.passed else "✗"
    hidden = " (hidden)" if check.visibility == "hidden" else ""
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
    output = header + (f"\n{sub.message}" if sub.message else "")
    return {
        "score": _r(sub.score),
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"sandbox": report.sandbox, "seed": report.seed, "status": sub.status},
    }


# characters XML 1.0 cannot hold (a submission's exception message may carry them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def to_junit(report: Report) -> str:
    """Return JUnit XML: a test suite per submission, a test case per check."""
    root = ET.Element("testsuites", name="gradkit")
    for sub in report.submissions:
        cases = [(e, c) for e in sub.exercises for c in e.checks]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_xml(sub.path),
            tests=str(len(cases)),
            failures=str(sum(not c.passed for _, c in cases)),
        )
        props = ET.SubElement(suite, "properties")
        for key, value in (
            ("sandbox", report.sandbox),
            ("seed", report.seed),
            ("score", _r(sub.score)),
            ("max_score", _r(sub.max_score)),
            ("status", sub.status),
        ):
            ET.SubElement(props, "property", name=key, value=str(value))
        for exercise, check in cases:
            case = ET.SubElement(
                suite, "testcase", classname=_xml(exercise.id), name=_xml(check.name)
            )
            if exercise.status == "manual":
                ET.SubElement(case, "skipped", message="graded by hand")
            elif not check.passed:
                ET.SubElement(case, "failure", message=_xml(check.message))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def to_csv(report: Report) -> str:
    """Return a gradebook: a row per submission, a column per exercise, totals."""
    ids = list(report.exercises) or sorted({e.id for s in report.submissions for e in s.exercises})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["path", *ids, "total", "max_total", "status", "sandbox", "seed"])
    for sub in report.submissions:
        scores = {e.id: _r(e.score) for e in sub.exercises}
        row = [sub.path, *(scores.get(i, "") for i in ids)]
        writer.writerow(
            [*row, _r(sub.score), _r(sub.max_score), sub.status, report.sandbox, report.seed]
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
        f"**Score: {_r(sub.score):g} / {_r(sub.max_score):g}** ({sub.status})",
        "",
        f"Graded by gradkit {report.gradkit_version} (sandbox: {report.sandbox}, "
        f"seed: {report.seed}).",
    ]
    if sub.message:
        lines += ["", f"> {sub.message}"]
    for e in sub.exercises:
        lines += [
            "",
            f"## {e.id}: {e.title} — {_r(e.score):g} / {_r(e.max_score):g} ({e.status})",
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
