"""The grader keeps its own compiled programs on disk; its sandboxed children never see them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gradkit.grading import _runner, _sandbox

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "exercises" / "src" / "gradkit_exercises" / "reference" / "calculus.py"


def test_the_cache_is_only_used_where_no_child_can_write_into_it(monkeypatch, tmp_path):
    monkeypatch.setenv(_runner.CACHE_ENV, "0")
    assert _runner.use_compile_cache("namespaces") is None  # turned off
    monkeypatch.setenv(_runner.CACHE_ENV, str(tmp_path / "xla"))
    assert _runner.compile_cache_dir() == tmp_path / "xla"
    monkeypatch.setattr(_runner.os, "geteuid", lambda: 1000)
    assert _runner.use_compile_cache("limits") is None  # the child runs as this user
    monkeypatch.delenv(_runner.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert _runner.compile_cache_dir() == tmp_path / "cache" / "gradkit" / "xla"


@pytest.mark.skipif(not _sandbox.namespaces_available(), reason="needs the namespaces sandbox")
def test_a_second_run_reads_the_first_runs_compiles(tmp_path):
    cache = tmp_path / "xla"
    submission = tmp_path / "calculus.py"
    submission.write_text(SOLUTION.read_text())
    scores = []
    for run in range(2):
        out = tmp_path / f"report{run}.json"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "gradkit",
                "grade",
                str(submission),
                "--exercises",
                "calculus.*",
                "--format",
                "json",
                "-o",
                str(out),
                "--seed",
                "1",
                "--jobs",
                "1",
            ],
            env={**_env(), _runner.CACHE_ENV: str(cache)},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(out.read_text())
        scores.append([(s["score"], s["max_score"]) for s in report["submissions"]])
        if run == 0:
            first = sorted(p.name for p in cache.iterdir())
            assert first, "the first run stored nothing"
            assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert scores[0] == scores[1] and scores[0][0][0] == scores[0][0][1]
    assert sorted(p.name for p in cache.iterdir()) == first  # all read back, none new


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("GRADKIT_COMPILE")}
