#!/usr/bin/env bash
# The one prepared run on a lent GPU machine (NVIDIA H100/H200, 16 cores, no network,
# Python 3.12 with jax+CUDA, torch, pytest-xdist, pytest-benchmark preinstalled).
#
# Before: on the CPU machine, from the repository root,
#     bash benchmarks/make_wheelhouse.sh          # builds ./.whl (about 40 MiB)
# Then on the device (the working tree copied, .whl carried along):
#     bash benchmarks/device_run.sh               # everything under $OUT, < 8 minutes
# Locally, to try the script without a GPU:
#     OUT=/tmp/devrun bash benchmarks/device_run.sh --cpu --quick
#
# Steps (each under its own `timeout`; a step that fails or times out is recorded in
# $OUT/steps.txt and the next one still runs):
#   0. install gradkit, gradkit-exercises, gradkit-extra-norms and what the image lacks
#      from ./.whl into this Python's environment (not --user: the grader's sandboxed
#      worker runs `python -I`, which ignores the user site and PYTHONPATH)
#   1. benchmarks/device_smoke.py                     -> smoke.txt
#   2. benchmarks/bench_loops.py --device cuda        -> loops.txt   (doubling vs torch CUDA)
#   3. benchmarks/bench_device_table.py --device cuda -> device_table.txt (the issue's table:
#      gradkit vs raw JAX vs torch eager CUDA), bench_seed_vs_torch.py --device cuda
#      -> seed_vs_torch.txt
#   4. benchmarks/bench_grading.py --jobs-sweep 1,2,4,8,16 (distinct) -> grading_sweep.txt
#   5. GRADKIT_TEST_PLATFORM=gpu pytest -n 12         -> pytest_gpu.txt, junit_gpu.xml
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/out}"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"
DEVICE=cuda
PLATFORM=gpu
SWEEP="1,2,4,8,16"
SUBS=3
TESTS=(tests)
WORKERS=12
SCALE=""
for arg in "$@"; do
    case "$arg" in
        --cpu) DEVICE=cpu; PLATFORM=cpu; SCALE="--scale 0.001" ;;
        --quick) SWEEP="1,2"; SUBS=2; WORKERS=2
            TESTS=(tests/test_control.py tests/test_package.py tests/test_seed.py) ;;
        *) echo "usage: device_run.sh [--cpu] [--quick]" >&2; exit 2 ;;
    esac
done
START=$(date +%s)
STEPS="$OUT/steps.txt"
: > "$STEPS"

step() { # step NAME SECONDS OUTFILE COMMAND...
    local name=$1 limit=$2 file=$3
    shift 3
    local t0 rc
    t0=$(date +%s)
    echo "== $name (limit ${limit}s) -> $file"
    # SIGINT first: pytest and Python print what they have before stopping
    timeout -k 15 -s INT "$limit" "$@" > "$OUT/$file" 2>&1
    rc=$?
    echo "$name: exit $rc after $(( $(date +%s) - t0 )) s (limit $limit s)" | tee -a "$STEPS"
    tail -n 25 "$OUT/$file"
}

{
    echo "date: $(date -u)"
    echo "python: $("$PY" -c 'import sys; print(sys.executable, sys.version)')"
    nproc; free -g | head -2
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | head -3
    git -C "$ROOT" log --oneline -1 2>/dev/null || true
} > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"

# 0. install (no network: only ./.whl)
if [ ! -d "$ROOT/.whl" ]; then
    echo "no .whl here: run benchmarks/make_wheelhouse.sh on the CPU machine and carry .whl" | tee -a "$STEPS"
    exit 1
fi
step install 120 install.txt "$PY" -m pip install --no-index --find-links "$ROOT/.whl" \
    --disable-pip-version-check --no-warn-script-location \
    "gradkit[test,plot,bench]" gradkit-exercises gradkit-extra-norms
# this tree's own wheels even where an older gradkit of the same version is installed
"$PY" -m pip install --no-index --no-deps --force-reinstall --disable-pip-version-check \
    "$ROOT"/.whl/gradkit-*.whl "$ROOT"/.whl/gradkit_exercises-*.whl \
    "$ROOT"/.whl/gradkit_extra_norms-*.whl >> "$OUT/install.txt" 2>&1
# the image has these; install them only where missing (pytest -n needs xdist)
"$PY" -c "import xdist" 2>/dev/null || "$PY" -m pip install --no-index --find-links "$ROOT/.whl" \
    --disable-pip-version-check pytest-xdist >> "$OUT/install.txt" 2>&1
"$PY" -m pip freeze > "$OUT/pip_freeze.txt" 2>&1

# 1-4: figures (the suite, the longest step, runs last with what time is left)
step smoke 90 smoke.txt "$PY" benchmarks/device_smoke.py
step loops 60 loops.txt env TORCH_PYTHON="$(command -v "$PY")" \
    "$PY" benchmarks/bench_loops.py --device "$DEVICE" --repeat 31
step device_table 75 device_table.txt \
    "$PY" benchmarks/bench_device_table.py --device "$DEVICE" --repeat 20 $SCALE
step seed_vs_torch 60 seed_vs_torch.txt env TORCH_PYTHON="$(command -v "$PY")" \
    "$PY" benchmarks/bench_seed_vs_torch.py --device "$DEVICE"
step grading_sweep 170 grading_sweep.txt \
    "$PY" benchmarks/bench_grading.py --jobs-sweep "$SWEEP" --subs "$SUBS" --reps 1

# 5. the test suite on the accelerator, with what is left of 7.5 minutes (at least 60 s)
LEFT=$(( 450 - ($(date +%s) - START) ))
[ "$LEFT" -lt 60 ] && LEFT=60
step pytest_gpu "$LEFT" pytest_gpu.txt env GRADKIT_TEST_PLATFORM="$PLATFORM" \
    "$PY" -m pytest -n "$WORKERS" -q -p no:cacheprovider --durations=15 -rfE \
    --junitxml="$OUT/junit_gpu.xml" "${TESTS[@]}"

echo "total: $(( $(date +%s) - START )) s" | tee -a "$STEPS"
cat "$STEPS"
