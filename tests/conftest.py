"""Test configuration: the platform to test on, strict dtype promotion, the `host` fixture.

The suite runs on the CPU unless asked otherwise:

* ``GRADKIT_TEST_PLATFORM=gpu`` (or ``cuda``, ``rocm``, ``tpu``, ``cpu``) runs it on
  that accelerator;
* else an explicit ``JAX_PLATFORMS`` is honoured;
* else JAX is pinned to the CPU.

On an accelerator, matrix products use full float32 precision (JAX's default
there is TF32-like, ~1e-3 relative), so the same tolerances hold as on the
CPU. Each process allocates accelerator memory on demand, so ``pytest -n 12``
shares one GPU. The grader's sandboxed worker always runs on the CPU, whatever is chosen
here (its environment sets ``JAX_PLATFORMS=cpu``).
"""

import os

import pytest

_ALIASES = {"gpu": "cuda", "nvidia": "cuda"}
_requested = os.environ.get("GRADKIT_TEST_PLATFORM", "").strip().lower()
if _requested:
    _platform = _ALIASES.get(_requested, _requested)
    # The accelerator first (JAX's default backend), the CPU kept beside it, as on
    # a GPU machine where JAX_PLATFORMS is unset: `gradkit devices` lists both and
    # `--device cpu` works there.
    os.environ["JAX_PLATFORMS"] = _platform if _platform == "cpu" else f"{_platform},cpu"
PLATFORM = os.environ.setdefault("JAX_PLATFORMS", "cpu")
if PLATFORM.split(",")[0] != "cpu":
    # pytest-xdist starts one process per worker (and tests start CLIs): each
    # takes GPU memory as it needs it instead of JAX's default 75% up front.
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

# The grader's on-disk compile cache stays off in tests that grade in-process (it is
# global JAX state); tests/grading/test_runner_compile_cache.py turns it on in subprocesses.
os.environ.setdefault("GRADKIT_COMPILE_CACHE", "0")

import jax  # noqa: E402

jax.config.update("jax_platforms", PLATFORM)
jax.config.update("jax_numpy_dtype_promotion", "strict")
ON_ACCELERATOR = jax.default_backend() != "cpu"
if ON_ACCELERATOR:
    jax.config.update("jax_default_matmul_precision", "highest")

# CI runs are reproducible: hypothesis draws the same examples every run (set
# CI=1 to get this locally). Interactive runs keep exploring new examples.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_report_header(config):
    """Name the device the suite runs on in pytest's header."""
    return f"gradkit tests on: {', '.join(str(d) for d in jax.devices())}"


PLUGIN_ENV = (
    "GRADKIT_LOAD_PLUGINS",
    "GRADKIT_PLUGINS_DIR",
    "GRADKIT_STRICT_PLUGINS",
    "GRADKIT_DISABLE_PLUGINS",
)


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch):
    """gradkit's plugin host, with nothing loaded, no settings and no plugin variables set.

    The test may configure and load it; the fixture forgets it all afterwards.
    A module whose every test needs this says ``pytestmark = pytest.mark.usefixtures("host")``.
    """
    from gradkit import _plugins

    for name in PLUGIN_ENV:
        monkeypatch.delenv(name, raising=False)
    _plugins.host.reset()
    yield _plugins.host
    _plugins.host.reset()


@pytest.fixture(scope="module")
def xla_disk_cache(tmp_path_factory: pytest.TempPathFactory):
    """XLA's on-disk compile cache, on for one module's tests and off again after.

    A module that grades many near-identical submissions in this process compiles
    the same programs over and over: each submission is a new module object, so
    JAX's in-memory caches miss, while the programs' HLO is the same. On disk they
    are found by it. The cache is JAX's global state, so it lives in a folder of
    this module's own and is switched off (and forgotten) when the module ends.
    """
    from jax.experimental.compilation_cache import compilation_cache

    names = (
        "jax_compilation_cache_dir",
        "jax_persistent_cache_min_compile_time_secs",
        "jax_persistent_cache_min_entry_size_bytes",
    )
    before = {name: getattr(jax.config, name) for name in names}
    for name, value in zip(names, (str(tmp_path_factory.mktemp("xla")), 0.0, 0), strict=True):
        jax.config.update(name, value)
    compilation_cache.reset_cache()
    yield
    for name, value in before.items():
        jax.config.update(name, value)
    compilation_cache.reset_cache()


# The modules that take longest (each runs on one worker under `--dist loadscope`,
# most of them a whole grading run in a module fixture): handed out first, so that
# the last minutes are not one worker finishing one of them alone.
_LONGEST_FIRST = (
    "tests/test_honest_bank.py",
    "tests/test_norm_parity.py",
    "tests/test_autograder.py",
    "tests/grading/test_runner_adversarial.py",
    "tests/test_types.py",
    "tests/grading/test_score_evidence.py",
    "tests/test_mutants.py",
    "tests/grading/test_runner_redteam.py",
    "tests/test_control.py",
)


def pytest_collection_modifyitems(config, items):
    root = config.rootpath

    def rank(item):
        path = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        return _LONGEST_FIRST.index(path) if path in _LONGEST_FIRST else len(_LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module keeps its own order
