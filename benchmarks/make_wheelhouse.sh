#!/usr/bin/env bash
# Build ./.whl: everything benchmarks/device_run.sh installs on the lent GPU machine,
# which has no network. Run it here, from the repository root (any directory works):
#
#     bash benchmarks/make_wheelhouse.sh            # -> .whl/ (about 40 MiB)
#
# It holds gradkit, gradkit-exercises and the gradkit-extra-norms plugin as wheels
# built from this tree, plus CPython 3.12 manylinux x86_64 (or pure-Python) wheels of
# their dependencies and of the test and benchmark extras. It leaves out what the GPU
# image already has and what is large: jax, jaxlib, numpy, scipy, torch and the CUDA
# libraries. Kept under 60 MiB (the device tool carries at most 64 MiB).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${WHEELHOUSE:-$ROOT/.whl}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3.12 || command -v python3)"

# Packages that depend on numpy/jax: fetched without their dependencies, which the
# image has (jax, jaxlib, numpy, scipy) or which are listed below.
NO_DEPS=(
    "equinox>=0.13.8,<0.14" jaxtyping "matplotlib>=3.8" contourpy numdifftools
    ml_dtypes opt_einsum
)
# Everything else, fetched with all its dependencies (none of them needs numpy).
WITH_DEPS=(
    wadler_lindig typing_extensions "pluggy>=1.5,<2" "click>=8.1" "rich>=13"
    "nbformat>=5.9" "flatbuffers>=24" cycler fonttools kiwisolver packaging pillow
    pyparsing python-dateutil "hypothesis>=6.100" "pytest>=8" pytest-xdist pytest-benchmark
    ruff "xmlschema>=3" "hatchling>=1.21"
)
rm -rf "$OUT"
mkdir -p "$OUT"
echo "building gradkit, gradkit-exercises, gradkit-extra-norms wheels"
"$PY" -m pip wheel --quiet --no-deps --no-build-isolation -w "$OUT" \
    "$ROOT" "$ROOT/exercises" "$ROOT/plugins/gradkit-extra-norms" 2>/dev/null ||
    "$PY" -m pip wheel --quiet --no-deps -w "$OUT" \
        "$ROOT" "$ROOT/exercises" "$ROOT/plugins/gradkit-extra-norms"

TARGET=(--only-binary=:all: --python-version 3.12 --implementation cp
    --abi cp312 --abi abi3 --abi none --platform manylinux_2_28_x86_64
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any)
echo "downloading dependency wheels for CPython 3.12, manylinux x86_64"
"$PY" -m pip download --quiet --no-deps -d "$OUT" "${TARGET[@]}" "${NO_DEPS[@]}" 2>&1 |
    grep -v "^WARNING: Location" || true
"$PY" -m pip download --quiet -d "$OUT" "${TARGET[@]}" "${WITH_DEPS[@]}" 2>&1 |
    grep -v "^WARNING: Location" || true
# never carry what the image has (and what is large)
rm -f "$OUT"/jax-* "$OUT"/jaxlib-* "$OUT"/numpy-* "$OUT"/scipy-* "$OUT"/torch-* "$OUT"/nvidia_*

missing=0
for name in gradkit gradkit_exercises gradkit_extra_norms equinox nbformat matplotlib hypothesis xmlschema hatchling; do
    if ! ls "$OUT" | grep -qi "^${name}-"; then
        echo "missing wheel: $name" >&2
        missing=1
    fi
done
size_kib=$(du -sk "$OUT" | cut -f1)
echo "$(ls "$OUT" | wc -l) wheels, $((size_kib / 1024)) MiB in $OUT"
if [ "$size_kib" -gt $((60 * 1024)) ]; then
    echo "the wheelhouse is over 60 MiB: drop a large optional package" >&2
    exit 1
fi
exit "$missing"
