"""Whole-process grading benchmarks: cold start and throughput.

1. Cold start: ``gradkit grade correct.py`` on the full exercise set, one
   fresh process per run (JAX imported, references computed, sandboxes
   started, everything compiled from nothing).
2. Throughput: ``gradkit grade --jobs 2`` on 20 submissions (copies of the
   correct solutions: many students write the same code). With
   ``--distinct`` every copy differs in one entry by a constant that changes
   its compiled program but not its values, so no two submissions share a
   compiled artifact: the worst case for the executable cache.

Each is repeated and the median reported, with the load average, because the
machine is shared. Every run's JSON report is checked: full marks, or the
benchmark fails. The correct solutions are the exercises' own reference
modules, concatenated.

Usage: ``python benchmarks/bench_grading.py [--reps 3] [--subs 20] [--jobs 2] [--distinct]``
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def correct_solutions() -> str:
    """The exercises' reference modules, joined into one submission."""
    spec = importlib.util.find_spec("gradkit_exercises.reference")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("install the exercises package (exercises/) first")
    folder = Path(next(iter(spec.submodule_search_locations)))
    parts = [p.read_text() for p in sorted(folder.glob("*.py")) if p.name != "__init__.py"]
    return "\n\n".join(parts)


def distinct_variant(source: str, i: int) -> str:
    """Return `source` with `grad_2xtx` changed in its program, not its values."""
    return source + (
        "\n\n_grad_2xtx_original = grad_2xtx\n\n\n"
        "def grad_2xtx(x):\n"
        f"    return jnp.where(x > {1e300 * (1 + i / 64)!r}, 0.0, _grad_2xtx_original(x))\n"
    )


def grade(paths: list[str], jobs: int, out: Path) -> float:
    """Run one ``gradkit grade`` process; return its wall time after checking full marks."""
    gradkit = shutil.which("gradkit") or str(Path(sys.executable).with_name("gradkit"))
    command = [gradkit, "grade", *paths, "--format", "json", "-o", str(out)]
    command += ["--seed", "0", "--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    report = json.loads(out.read_text())
    for sub in report["submissions"]:
        if sub["score"] != sub["max_score"]:
            sys.exit(f"{sub['path']} scored {sub['score']}/{sub['max_score']}: {sub['message']}")
    return seconds


def main() -> None:
    """Measure and print a JSON summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--subs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--distinct", action="store_true", help="no two submissions alike")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        folder = Path(tmp)
        source = correct_solutions()
        single = folder / "correct.py"
        single.write_text(source)
        many = []
        for i in range(args.subs):
            path = folder / f"student_{i + 1:02d}.py"
            path.write_text(distinct_variant(source, i) if args.distinct else source)
            many.append(str(path))
        cold, batch, loads = [], [], []
        for _ in range(args.reps):
            loads.append(os.getloadavg()[0])
            cold.append(grade([str(single)], 1, folder / "single.json"))
            batch.append(grade(many, args.jobs, folder / "batch.json"))
        report = json.loads((folder / "single.json").read_text())
    exercises = report["exercises"]
    per_minute = [args.subs / s * 60 for s in batch]
    print(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_before_runs": loads,
                },
                "sandbox": report["sandbox"],
                "exercises": len(exercises),
                "max_score": report["submissions"][0]["max_score"],
                "cold_single_s": {"runs": cold, "median": statistics.median(cold)},
                f"batch_{args.subs}_jobs{args.jobs}_s": {
                    "runs": batch,
                    "median": statistics.median(batch),
                },
                "submissions_per_minute": statistics.median(per_minute),
                "distinct_submissions": args.distinct,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
