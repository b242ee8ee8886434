"""Whole-process grading benchmarks: cold start and throughput.

1. Cold start: ``gradkit grade correct.py`` on the full exercise set, one
   fresh process per run (JAX imported, references computed, sandboxes
   started, everything compiled from nothing).
2. Throughput: ``gradkit grade --jobs 2`` on ``--subs`` submissions of each
   kind:

   - ``identical``: copies of the correct solutions (many students write the
     same code), the best case for the evaluators' executable cache;
   - ``variants``: single-mistake variants of them, the test suite's mutants
     (``tests/test_mutants.py``) one after the other: each loses points on its
     own exercise and must keep every other exercise's;
   - ``distinct``: every copy starts with its own number of blank lines (the
     artifacts carry source lines) and differs in one entry by a constant that
     changes its compiled program but not its values, so no two submissions
     share a compiled artifact, in any part: the worst case for the cache.

   With ``--against PYTHON`` every measurement is also taken, interleaved rep
   by rep, with the gradkit installed for that interpreter (another checkout's
   venv): old and new side by side in one run.

Each is repeated and the median reported, with the load average, because the
machine is shared. Every run's JSON report is checked: full marks (variants:
full marks but on the mutated exercise), or the benchmark fails. The correct
solutions are the exercises' own reference modules, concatenated.

3. ``--jobs-sweep [1,2,4,...]``: throughput of distinct submissions at 1, 2,
   4, … jobs up to the CPU count (or the listed counts), ``max(--subs, 3 *
   jobs)`` submissions per point, and the CPU seconds (user + sys of the whole
   process tree) each submission cost: on a loaded machine wall time is
   noisy, CPU time much less so. Parallel efficiency is the throughput at N
   jobs over N times the throughput at 1. Each repetition grades at every job
   count in turn (and, with ``--against``, with each install in turn), so the
   machine's drift falls on all points alike.

   The tree's CPU time comes from a ``cpuacct`` cgroup (cgroup v1, as root)
   that the grading process starts in: it counts every process of the tree,
   reaped or not, and takes no CPU from the run it measures. Elsewhere, or
   with ``--roles`` (CPU by role: grader, workers, evaluators), a thread
   samples ``/proc`` every 50 ms instead, which costs about 4% of a core:
   nothing at one job (the second core is idle) but taken from the grader at
   two, so those runs' throughput is slightly pessimistic.

Usage: ``python benchmarks/bench_grading.py [--reps 3] [--subs 20] [--jobs 2]
[--kinds identical,variants,distinct] [--against OTHER/.venv/bin/python]``
or ``python benchmarks/bench_grading.py --jobs-sweep [1,2,4] [--subs 12] [--reps 1]
[--roles] [--against OTHER/.venv/bin/python]``
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def correct_solutions() -> str:
    """The exercises' reference modules, joined into one submission."""
    spec = importlib.util.find_spec("gradkit_exercises.reference")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("install the exercises package (exercises/) first")
    folder = Path(next(iter(spec.submodule_search_locations)))
    parts = [p.read_text() for p in sorted(folder.glob("*.py")) if p.name != "__init__.py"]
    return "\n\n".join(parts)


def distinct_variant(source: str, i: int) -> str:
    """Return `source` with every artifact changed, not its values.

    ``i`` blank lines go first, so every traced function's source locations
    (which artifacts carry) move, and `grad_2xtx` gets a different constant
    in its program: no two variants share an artifact, in any part.
    """
    return (
        "\n" * i
        + source
        + (
            "\n\n_grad_2xtx_original = grad_2xtx\n\n\n"
            "def grad_2xtx(x):\n"
            f"    return jnp.where(x > {1e300 * (1 + i / 64)!r}, 0.0, _grad_2xtx_original(x))\n"
        )
    )


TESTS = Path(__file__).resolve().parents[1] / "tests"


@functools.cache
def _mutants() -> list[tuple[str, str, str, str]]:
    """The test suite's single-mistake mutants: (name, exercise, honest text, mistake)."""
    sys.path.insert(0, str(TESTS))
    try:
        from test_mutants import MUTANTS
    finally:
        sys.path.remove(str(TESTS))
    return MUTANTS


def single_mistake_variant(source: str, i: int) -> tuple[str, str]:
    """Return (the i-th mutant of `source`, the exercise its mistake is in)."""
    mutants = _mutants()
    _, exercise, honest, mistake = mutants[i % len(mutants)]
    if source.count(honest) != 1:
        sys.exit(f"mutant {i}: its honest text is not once in the correct solutions")
    return source.replace(honest, mistake), exercise


def grade(
    paths: list[str],
    jobs: int,
    out: Path,
    python: str = sys.executable,
    wrong: dict[str, str] | None = None,
) -> float:
    """Run one ``gradkit grade`` process; return its wall time after checking the scores."""
    return _grade(paths, jobs, out, python=python, wrong=wrong)


ROLES = (
    ("worker", "gradkit._sandboxed._worker"),
    ("evaluator", "gradkit._sandboxed._evaluator"),
)


class TreeCPU:
    """CPU seconds (user + sys) of a process tree by role, read from /proc every 50 ms.

    Sandboxed children are not reaped by the grader itself (`getrusage` misses
    them), so each process's counters are sampled while it lives; a process
    loses at most its last 50 ms. Roles: the grader ("parent"), "worker",
    "evaluator", and "other" (the sandbox's shells).
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[tuple[int, int], tuple[str, float]] = {}
        self.tick = os.sysconf("SC_CLK_TCK")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _stat(self, pid: int) -> tuple[int, float, int] | None:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # after "pid (comm)": state ppid ... utime(12) stime(13) ... starttime(20)
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / self.tick, int(fields[19])

    def _role(self, pid: int) -> str:
        if pid == self.root:
            return "parent"
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().decode(errors="replace")
        except OSError:
            return "other"
        return next((role for role, module in ROLES if module in cmdline), "other")

    def sample(self) -> None:
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := self._stat(int(entry))) is not None:
                stats[int(entry)] = stat
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        todo = [self.root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                _, cpu, started = stats[pid]
                key = (pid, started)
                role = self.seen[key][0] if key in self.seen else self._role(pid)
                self.seen[key] = (role, cpu)
            todo += children.get(pid, [])

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.sample()

    def stop(self) -> dict[str, float]:
        """Stop sampling; return CPU seconds per role and in all."""
        self._stop.set()
        self._thread.join()
        totals = {"parent": 0.0, "worker": 0.0, "evaluator": 0.0, "other": 0.0}
        counts = {"worker": 0, "evaluator": 0}
        for role, cpu in self.seen.values():
            totals[role] += cpu
            if role in counts:
                counts[role] += 1
        totals["all"] = sum(totals.values())
        return {**totals, **{f"{role}_processes": n for role, n in counts.items()}}


class CgroupCPU:
    """CPU seconds of a process tree, from a ``cpuacct`` cgroup (v1) its root starts in.

    The kernel charges every process of the tree to it, reaped or not (the
    grader moves its children into ``pids`` cgroups, another hierarchy), and
    nothing is read while the tree runs. `make` returns None where no such
    cgroup can be made: cgroup v2 only, or not root.
    """

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self, group: Path) -> None:
        self.group = group

    @classmethod
    def make(cls) -> CgroupCPU | None:
        """A fresh, empty cgroup, or None."""
        group = cls.ROOT / f"gradkit-bench-{os.getpid()}-{time.monotonic_ns()}"
        try:
            group.mkdir()
        except OSError:
            return None
        return cls(group)

    def wrap(self, command: list[str]) -> list[str]:
        """``command``, started inside the cgroup (a shell joins it, then execs)."""
        procs = str(self.group / "cgroup.procs")
        return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', procs, *command]

    def stop(self) -> dict[str, float]:
        """The tree's CPU seconds (once its processes are gone); remove the cgroup."""
        deadline = time.monotonic() + 10
        while left := (self.group / "cgroup.procs").read_text().split():
            if time.monotonic() > deadline:
                sys.exit(f"gradkit grade left processes behind: {' '.join(left)}")
            time.sleep(0.05)  # the grader's last children are being killed
        usage = int((self.group / "cpuacct.usage").read_text()) / 1e9
        self.group.rmdir()
        return {"all": usage}


def grade_timed(
    paths: list[str], jobs: int, out: Path, python: str = sys.executable, *, roles: bool = False
) -> tuple[float, dict[str, float]]:
    """Run one ``gradkit grade`` process; return (wall seconds, CPU seconds of its tree).

    From a `CgroupCPU` where one can be made, else (or with ``roles``, for
    CPU by role) from a `TreeCPU` sampler.
    """
    profile = "roles" if roles else "all"
    return _grade(paths, jobs, out, profile=profile, python=python)  # type: ignore[return-value]


def _grade(
    paths: list[str],
    jobs: int,
    out: Path,
    profile: str | None = None,
    python: str = sys.executable,
    wrong: dict[str, str] | None = None,
) -> Any:
    """Grade; check full marks, except that ``wrong[path]`` (an exercise) must lose points.

    ``profile``: None (wall time only), ``"all"`` (and the tree's CPU time) or
    ``"roles"`` (and its CPU time by role).
    """
    command = [python, "-m", "gradkit", "grade", *paths, "--format", "json", "-o", str(out)]
    command += ["--seed", "0", "--jobs", str(jobs)]
    group = CgroupCPU.make() if profile == "all" else None
    try:
        start = time.perf_counter()
        process = subprocess.Popen(
            group.wrap(command) if group else command, stdout=subprocess.DEVNULL
        )
        tree = TreeCPU(process.pid) if profile and group is None else None
        status = process.wait()
        seconds = time.perf_counter() - start
        counter = group or tree
        cpu = counter.stop() if counter is not None else None
    except BaseException:  # an interrupt: leave no empty cgroup behind
        if group is not None:
            with contextlib.suppress(OSError):
                group.group.rmdir()
        raise
    if status != 0:
        sys.exit(f"gradkit grade failed with status {status}")
    report = json.loads(out.read_text())
    for sub in report["submissions"]:
        lost = {e["id"] for e in sub["exercises"] if e["score"] != e["max_score"]}
        expected = {wrong[sub["path"]]} if wrong else set()
        if lost != expected:
            sys.exit(
                f"{sub['path']} scored {sub['score']}/{sub['max_score']}, losing points on "
                f"{sorted(lost)} (expected {sorted(expected)}): {sub['message']}"
            )
    return (seconds, cpu) if profile else seconds


KINDS = ("identical", "variants", "distinct")


def main() -> None:
    """Measure and print a table and a JSON summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--subs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help=f"comma-separated, of {', '.join(KINDS)}"
    )
    parser.add_argument("--distinct", action="store_true", help="the same as --kinds distinct")
    parser.add_argument(
        "--against", metavar="PYTHON", help="also measure the gradkit installed for PYTHON"
    )
    parser.add_argument(
        "--roles",
        action="store_true",
        help="with --jobs-sweep: CPU time by role, sampled (costs ~4%% of a core)",
    )
    parser.add_argument(
        "--jobs-sweep",
        nargs="?",
        const="auto",
        default=None,
        help="comma-separated job counts (default 1, 2, 4, ... up to the CPU count)",
    )
    args = parser.parse_args()
    installs = {"this": sys.executable} | ({"against": args.against} if args.against else {})
    if args.jobs_sweep is not None:
        jobs_sweep(args.jobs_sweep, args.subs, args.reps, installs, roles=args.roles)
        return
    kinds = ["distinct"] if args.distinct else [k for k in args.kinds.split(",") if k]
    if unknown := set(kinds) - set(KINDS):
        sys.exit(f"unknown kinds {sorted(unknown)}: use {', '.join(KINDS)}")
    times: dict[tuple[str, str], list[float]] = {}
    loads = []
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        folder = Path(tmp)
        source = correct_solutions()
        single = folder / "correct.py"
        single.write_text(source)
        batches: dict[str, tuple[list[str], dict[str, str] | None]] = {}
        for kind in kinds:
            paths, wrong = [], {}
            for i in range(args.subs):
                path = folder / kind / f"student_{i + 1:02d}.py"
                path.parent.mkdir(exist_ok=True)
                text = source
                if kind == "distinct":
                    text = distinct_variant(source, i)
                elif kind == "variants":
                    text, wrong[str(path)] = single_mistake_variant(source, i)
                path.write_text(text)
                paths.append(str(path))
            batches[kind] = (paths, wrong or None)
        for _ in range(args.reps):
            loads.append(os.getloadavg()[0])
            for name, python in installs.items():
                out = folder / f"{name}.json"
                times.setdefault((name, "cold"), []).append(grade([str(single)], 1, out, python))
                for kind, (paths, wrong) in batches.items():
                    seconds = grade(paths, args.jobs, out, python, wrong)
                    times.setdefault((name, kind), []).append(seconds)
                    print(f"   {name} {kind}: {seconds:.1f} s", flush=True)
        report = json.loads((folder / "this.json").read_text())
    print(f"\n| run | {' | '.join(installs)} |")
    print(f"|---|{'---|' * len(installs)}")
    medians = {key: statistics.median(runs) for key, runs in times.items()}
    cold = " | ".join(f"{medians[n, 'cold']:.2f} s" for n in installs)
    print(f"| cold start, one submission | {cold} |")
    for kind in kinds:
        cells = [
            f"{medians[n, kind]:.1f} s ({args.subs / medians[n, kind] * 60:.1f}/min)"
            for n in installs
        ]
        print(f"| {args.subs} {kind}, `--jobs {args.jobs}` | {' | '.join(cells)} |")
    print(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_before_reps": loads,
                },
                "installs": installs,
                "sandbox": report["sandbox"],
                "jobs": args.jobs,
                "submissions": args.subs,
                "seconds": {f"{name} {what}": runs for (name, what), runs in times.items()},
                "per_minute": {
                    f"{name} {kind}": args.subs / medians[name, kind] * 60
                    for name in installs
                    for kind in kinds
                },
            },
            indent=2,
        )
    )


def sweep_counts(text: str) -> list[int]:
    """``"auto"``: 1, 2, 4, ... up to the CPUs this process may use (and that count)."""
    if text != "auto":
        return [int(part) for part in text.split(",") if part.strip()]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    counts, n = [], 1
    while n < (cpus or 1):
        counts.append(n)
        n *= 2
    return [*counts, cpus or 1]


def jobs_sweep(
    text: str, subs: int, reps: int, installs: dict[str, str], *, roles: bool = False
) -> None:
    """Grade distinct submissions at each job count; print a table and a JSON summary.

    Each repetition grades at every job count in turn, and with several
    installs grades the same files with each of them in turn, so the
    machine's drift falls on all points alike.
    """
    counts = sweep_counts(text)
    source = correct_solutions()
    points: dict[str, list[dict[str, Any]]] = {name: [] for name in installs}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        folder = Path(tmp)
        batches: dict[int, list[str]] = {}
        for jobs in counts:
            batches[jobs] = []
            for i in range(max(subs, 3 * jobs)):
                path = folder / f"j{jobs}_student_{i + 1:03d}.py"
                # a fresh constant per job count too: nothing is shared across points
                path.write_text(distinct_variant(source, 1000 * jobs + i))
                batches[jobs].append(str(path))
        runs = {(name, jobs): [] for name in installs for jobs in counts}
        for rep in range(reps):
            for jobs, paths in batches.items():
                for name, python in installs.items():
                    load = os.getloadavg()[0]
                    try:
                        wall, cpu = grade_timed(
                            paths, jobs, folder / "sweep.json", python, roles=roles
                        )
                    except SystemExit as failed:  # not full marks: say so, measure the rest
                        print(f"{name} jobs {jobs:>3}: FAILED: {failed}", flush=True)
                        continue
                    runs[name, jobs].append({"wall_s": wall, "cpu_s": cpu, "load_before": load})
                    rounded = {k: round(v, 2) for k, v in cpu.items()}
                    print(
                        f"   rep {rep + 1}, {name}, jobs {jobs}: {wall:.1f} s, "
                        f"cpu s: {json.dumps(rounded)}",
                        flush=True,
                    )
        for name in installs:
            for jobs, paths in batches.items():
                if len(done := runs[name, jobs]) == reps:
                    points[name].append(_point(jobs, len(paths), done))
                    _say(name, points[name][-1])
    if not any(points.values()):
        sys.exit("no job count graded every submission in full")
    print("\n| install | jobs | submissions | wall s | per minute | speed-up | efficiency", end="")
    print(" | CPU s/sub |")
    print("|---|---|---|---|---|---|---|---|")
    for name, some in points.items():
        if not some:
            continue
        base = some[0]["per_minute"] / some[0]["jobs"]
        for p in some:
            wall = statistics.median(r["wall_s"] for r in p["runs"])
            speedup = p["per_minute"] / some[0]["per_minute"]
            p["efficiency"] = p["per_minute"] / (base * p["jobs"])
            print(
                f"| {name} | {p['jobs']} | {p['submissions']} | {wall:.1f} | "
                f"{p['per_minute']:.1f} | {speedup:.2f}× | {p['efficiency']:.0%} | "
                f"{p['cpu_s_per_submission']:.2f} |"
            )
    print(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "installs": installs,
                "distinct_submissions": True,
                "sweep": points,
            },
            indent=2,
        )
    )


def _point(jobs: int, n: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One job count's medians: throughput, CPU seconds per submission, cores busy."""
    wall = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"]["all"] for r in runs)
    return {
        "jobs": jobs,
        "submissions": n,
        "runs": runs,
        "per_minute": n / wall * 60,
        "cpu_s_per_submission": cpu / n,
        "cpu_busy": cpu / wall,
    }


def _say(name: str, p: dict[str, Any]) -> None:
    wall = p["submissions"] / p["per_minute"] * 60
    print(
        f"{name} jobs {p['jobs']:>3}: {p['submissions']} submissions in {wall:6.1f} s = "
        f"{p['per_minute']:6.1f}/min, {p['cpu_s_per_submission']:5.2f} CPU s each, "
        f"{p['cpu_busy']:5.2f} cores busy",
        flush=True,
    )


if __name__ == "__main__":
    main()
