"""What a notebook's code may take for granted from IPython, in the sandboxed worker.

Code written in Jupyter or Colab relies on IPython without saying so: ``display(...)`` and
``get_ipython()`` are builtins there, a notebook saved as a script (``jupyter nbconvert
--to script``, Colab's "Download .py") turns ``%matplotlib inline`` into
``get_ipython().run_line_magic('matplotlib', 'inline')``, and ``from IPython.display import
display, Markdown`` opens many notebooks. The grader runs none of it as a notebook, and
IPython is usually not installed where it runs, so each of these would stop the whole
submission before its first entry is defined.

`names` are put in the submission's own namespace (not in ``builtins``, where libraries
such as JAX would take them for a live IPython): ``display`` prints what it is given
(printed output is drained, as a ``print`` is) and ``get_ipython()`` returns a shell that is
false, as "no shell" is, and whose every method does nothing. `install` adds ``IPython``,
``IPython.display``, ``IPython.core.display`` and ``IPython.core.interactiveshell``
(``InteractiveShell.ast_node_interactivity = "all"``) stand-ins offering the same, only where
IPython itself cannot be imported (any rich display class, ``Markdown``, ``HTML``,
``Image``..., is a holder of what it was given). Nothing here computes anything a check
sees: an entry's values come from its own code.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from typing import Any


def display(*objs: Any, **kwargs: Any) -> None:
    """Print each object, as IPython does outside a notebook; the options are ignored."""
    del kwargs
    for obj in objs:
        print(repr(obj))


class _Shell:
    """``get_ipython()``'s answer: false, and every method (``run_line_magic``...) does nothing.

    False, as IPython's own ``get_ipython()`` is outside a shell (``None``), so that a library
    asking "am I in IPython?" (matplotlib's ``if not ip``) says no; its attributes, and theirs
    (``get_ipython().events.register``), are callables that do nothing.
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        del args, kwargs

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<gradkit's stand-in for the IPython shell: magics do nothing when graded>"


def _nothing(*args: Any, **kwargs: Any) -> None:
    del args, kwargs


_SHELL = _Shell()


def get_ipython() -> _Shell:
    """The stand-in shell (a notebook's magics, saved as calls, do nothing when graded)."""
    return _SHELL


class _RichDisplay:
    """``Markdown(...)``, ``HTML(...)``, ``Image(...)`` and the like: holds what it was given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs

    def __repr__(self) -> str:
        shown = ", ".join(repr(a)[:80] for a in self.args)
        return f"{type(self).__name__}({shown})"


def _display_module() -> types.ModuleType:
    module = types.ModuleType("IPython.display", "gradkit's stand-in for IPython.display")
    module.display = display  # type: ignore[attr-defined]
    module.clear_output = _nothing  # type: ignore[attr-defined]
    module.update_display = _nothing  # type: ignore[attr-defined]

    def rich(name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        kind = type(name, (_RichDisplay,), {"__module__": "IPython.display"})
        setattr(module, name, kind)
        return kind

    module.__getattr__ = rich  # type: ignore[attr-defined]
    module.__all__ = ["display", "clear_output", "update_display"]  # type: ignore[attr-defined]
    return module


# Colab's own modules a notebook uses at its top: `drive.mount(...)`, `files.download(...)`
COLAB_MODULES = ("drive", "files", "output", "auth", "userdata", "data_table", "widgets")
# every module `install` may stand in for (what the "must not use" rules take them for)
STAND_IN_MODULES = frozenset(
    {"IPython", "IPython.display", "IPython.core", "IPython.core.display", "google.colab"}
    | {"IPython.core.interactiveshell", "IPython.utils", "IPython.utils.capture"}
    | {"IPython.utils.text", "IPython.core.magics", "IPython.core.magics.execution"}
    | {f"google.colab.{name}" for name in COLAB_MODULES}
)


def _colab_stand_ins() -> dict[str, types.ModuleType]:
    """``google.colab`` and its modules: every function there does nothing when graded.

    ``files.upload()`` answers ``{}`` (nothing was uploaded), as Colab does when the
    dialog is closed; ``userdata.get`` raises, as Colab does for a secret not granted.
    """
    modules: dict[str, types.ModuleType] = {}
    colab = types.ModuleType("google.colab", "gradkit's stand-in for Colab (not running here)")
    colab.__path__ = []  # type: ignore[attr-defined]
    for name in COLAB_MODULES:
        module = types.ModuleType(f"google.colab.{name}", f"gradkit's stand-in for {name}")
        module.__getattr__ = _shell_attribute  # type: ignore[attr-defined]
        setattr(colab, name, module)
        modules[f"google.colab.{name}"] = module
    modules["google.colab.files"].upload = lambda *a, **k: {}  # type: ignore[attr-defined]

    def secret(name: str) -> str:
        raise KeyError(f"{name}: Colab's secrets are not there when a notebook is graded")

    modules["google.colab.userdata"].get = secret  # type: ignore[attr-defined]
    modules["google.colab.drive"].mount = _mount  # type: ignore[attr-defined]
    google = types.ModuleType("google", "gradkit's stand-in for the google namespace")
    google.__path__ = []  # type: ignore[attr-defined]
    google.colab = colab  # type: ignore[attr-defined]
    return {"google": google, "google.colab": colab, **modules}


def _mount(mountpoint: str, *args: Any, **kwargs: Any) -> None:
    """``drive.mount``: the student's Drive is not here, but the files they handed in are.

    A notebook mounts its Drive, then moves into its folder there (``os.chdir(
    "/content/drive/MyDrive/Colab Notebooks/hw2")``) to reach its own files. Graded, those
    files are in the working directory: from now on, ``os.chdir`` into the mount point, or
    anywhere under it, goes there.
    """
    del args, kwargs
    root, here, chdir = os.path.abspath(os.fspath(mountpoint)), os.getcwd(), os.chdir

    def chdir_drive(path: Any) -> None:
        target = os.path.abspath(os.fspath(path))
        if target == root or target.startswith(root + os.sep):
            chdir(here)
        else:
            chdir(path)

    os.chdir = chdir_drive


def _shell_attribute(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return _SHELL


class InteractiveShell:
    """``InteractiveShell.ast_node_interactivity = "all"``, a notebook's first cell: a
    setting that changes nothing when graded; ``InteractiveShell.instance()`` is the shell."""

    ast_node_interactivity = "last_expr"

    @staticmethod
    def instance(*args: Any, **kwargs: Any) -> _Shell:
        del args, kwargs
        return _SHELL


def _stand_ins() -> dict[str, types.ModuleType]:
    display_module = _display_module()
    modules: dict[str, types.ModuleType] = {}

    def module(name: str, package: bool = False, **names: Any) -> types.ModuleType:
        """A stand-in module `name` holding `names`, set as an attribute of its parent."""
        made = types.ModuleType(name, f"gradkit's stand-in for {name} (not installed here)")
        if package:
            made.__path__ = []  # type: ignore[attr-defined]
        for key, value in names.items():
            setattr(made, key, value)
        parent, _, leaf = name.rpartition(".")
        if parent:
            setattr(modules[parent], leaf, made)
        modules[name] = made
        return made

    # libraries that find IPython imported ask its version (matplotlib: >= 8.24 needs no patch)
    module("IPython", True, get_ipython=get_ipython, version_info=(9, 0, 0, ""))
    modules["IPython"].__version__ = "9.0.0"  # type: ignore[attr-defined]
    module("IPython.core", True)
    module("IPython.core.interactiveshell", InteractiveShell=InteractiveShell)
    module("IPython.utils", True)
    module("IPython.utils.capture", CapturedIO=CapturedIO)
    # what `t = %timeit -o f(x)` and `lines = !cmd` bind (the grader runs no shell)
    module("IPython.utils.text", SList=SList)
    module("IPython.core.magics", True)
    module("IPython.core.magics.execution", TimeitResult=TimeitResult)
    # `from IPython.core.display import HTML`, an older spelling, reaches the same module
    for name in ("IPython.display", "IPython.core.display"):
        parent, _, leaf = name.rpartition(".")
        setattr(modules[parent], leaf, display_module)
        modules[name] = display_module
    return modules


class SList(list):
    """What ``lines = !cmd`` binds: the command's output lines (none: no shell runs here)."""

    @property
    def s(self) -> str:
        return " ".join(self)

    @property
    def n(self) -> str:
        return "\n".join(self)

    l = p = property(list)  # noqa: E741 - IPython's names


class TimeitResult:
    """What ``t = %timeit -o STATEMENT`` binds: its timings, as IPython's has them."""

    def __init__(self, loops: int, repeat: int, all_runs: list[float]) -> None:
        self.loops, self.repeat, self.all_runs = loops, repeat, list(all_runs)
        self.best = min(self.all_runs) / loops
        self.worst = max(self.all_runs) / loops
        self.compile_time, self._precision = 0.0, 3

    @property
    def timings(self) -> list[float]:
        return [run / self.loops for run in self.all_runs]

    @property
    def average(self) -> float:
        return sum(self.timings) / len(self.timings)

    @property
    def stdev(self) -> float:
        mean = self.average
        return (sum((t - mean) ** 2 for t in self.timings) / len(self.timings)) ** 0.5

    def __str__(self) -> str:
        return f"{self.average * 1e6:.3g} µs ± {self.stdev * 1e6:.3g} µs per loop"

    __repr__ = __str__


class CapturedIO:
    """What ``%%capture NAME`` binds NAME to: the cell's output, which the grader never
    shows (empty)."""

    def __init__(self, stdout: Any = None, stderr: Any = None, outputs: Any = None) -> None:
        self._stdout, self._stderr, self.outputs = stdout, stderr, list(outputs or [])

    @property
    def stdout(self) -> str:
        return self._stdout.getvalue() if self._stdout is not None else ""

    @property
    def stderr(self) -> str:
        return self._stderr.getvalue() if self._stderr is not None else ""

    def show(self) -> None:
        """Show the captured output: there is none."""

    __call__ = show


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import the stand-ins (before any file on the path: the working directory's too)."""

    def __init__(self, modules: dict[str, types.ModuleType]) -> None:
        self.modules = modules

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        del path, target
        if name not in self.modules:
            return None
        module = self.modules[name]
        return importlib.util.spec_from_loader(name, self, is_package=hasattr(module, "__path__"))

    def create_module(self, spec: Any) -> types.ModuleType:
        return self.modules[spec.name]

    def exec_module(self, module: types.ModuleType) -> None:
        del module


def names() -> dict[str, Any]:
    """The names a notebook's code uses without importing them, for the submission's namespace."""
    return {"display": display, "get_ipython": get_ipython}


def install() -> None:
    """Make ``import IPython`` (its ``display``) and ``google.colab`` work where not installed.

    Only on import: until the submission imports it, no ``IPython`` module is there for a
    library to find (matplotlib and JAX look for one to decide how to behave). Where
    IPython is installed, nothing is done. Else the stand-ins are found before any file,
    so an ``IPython`` folder the submission writes as it runs is never imported (the
    "must not use" rules take ``IPython.display`` for the stand-in).
    """
    paths = [p for p in sys.path if p]
    modules: dict[str, types.ModuleType] = {}
    if importlib.machinery.PathFinder.find_spec("IPython", paths) is None:
        modules.update(_stand_ins())
    google = importlib.machinery.PathFinder.find_spec("google", paths)
    if google is None or not _has_colab(google):
        colab = _colab_stand_ins()
        if google is not None:  # a `google` namespace of other packages (protobuf): keep it
            del colab["google"]
        modules.update(colab)
    if modules:
        sys.meta_path.insert(0, _StandInFinder(modules))


def _has_colab(google: Any) -> bool:
    """Whether the installed ``google`` package holds ``colab`` (in Colab itself)."""
    places = list(google.submodule_search_locations or [])
    return importlib.machinery.PathFinder.find_spec("colab", places) is not None
