"""Whole-process start-up times of the ``gradkit`` command.

Each case starts a fresh process (the way a user runs it) several times and
reports the median and the fastest run, next to the budgets the plugin issue
sets: ``gradkit --help`` <= 0.5 s and must not import JAX; ``gradkit plugins``
<= 2.5 s with the example plugin package installed. The interpreter alone and
``import jax`` are measured too, so the numbers can be read as overheads.

    .venv/bin/python benchmarks/bench_startup.py            # 7 runs per case
    .venv/bin/python benchmarks/bench_startup.py --runs 15

Run it on an otherwise idle machine; the script prints a Markdown table. The
CPU column (user + system time of the process) is less sensitive than the wall
clock to other processes competing for the cores.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
GRADKIT = str(BIN / "gradkit")
PY = sys.executable

# (label, argv, extra environment, budget in seconds or None)
CASES: list[tuple[str, list[str], dict[str, str], float | None]] = [
    ("python -c pass (interpreter alone)", [PY, "-c", "pass"], {}, None),
    ("python -c 'import gradkit'", [PY, "-c", "import gradkit"], {}, None),
    ("python -c 'import jax' (reference)", [PY, "-c", "import jax"], {}, None),
    ("gradkit --help", [GRADKIT, "--help"], {}, 0.5),
    ("gradkit --version", [GRADKIT, "--version"], {}, None),
    ("gradkit plugins (all installed plugins)", [GRADKIT, "plugins"], {}, 2.5),
    (
        "GRADKIT_LOAD_PLUGINS='' gradkit plugins (built-ins only)",
        [GRADKIT, "plugins"],
        {"GRADKIT_LOAD_PLUGINS": ""},
        None,
    ),
    ("gradkit norms", [GRADKIT, "norms"], {}, None),
]


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Return the wall-clock and the CPU (user + system) seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def help_imports_jax() -> bool:
    code = (
        "import sys\nfrom gradkit._cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\nprint('jax' in sys.modules)"
    )
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1] == "True"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("jax", "jaxlib", "pluggy", "click", "rich")
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {versions}; "
        f"load average at start {load:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per case (default 7)")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if not k.startswith("GRADKIT_")}
    base["JAX_PLATFORMS"] = "cpu"
    print(f"Machine: {machine()}\n")
    print("| command | wall median (s) | wall fastest (s) | CPU median (s) | budget |")
    print("|---|---|---|---|---|")
    for label, argv, extra, budget in CASES:
        env = base | extra
        time_once(argv, env)  # warm the file cache; not counted
        runs = [time_once(argv, env) for _ in range(args.runs)]
        walls = [wall for wall, _ in runs]
        median = statistics.median(walls)
        cpu = statistics.median(c for _, c in runs)
        verdict = (
            "" if budget is None else f"≤ {budget} s: {'met' if median <= budget else 'MISSED'}"
        )
        print(f"| `{label}` | {median:.3f} | {min(walls):.3f} | {cpu:.3f} | {verdict} |")
    print(f"\n`gradkit --help` imports JAX: {help_imports_jax()}")
    extra = [ep.name for ep in importlib.metadata.entry_points(group="gradkit")]
    print(f"Installed gradkit entry points: {', '.join(sorted(extra)) or 'none'}")


if __name__ == "__main__":
    main()
