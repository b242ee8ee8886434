"""What an entry of a submission really uses, resolved from its AST (never run).

"Must not use" rules decide what a name *is*, not how it is spelled. The
submission is parsed once (`program`); asking for an entry (`usage`) then:

- resolves every name through Python's scopes (parameters, locals,
  comprehensions, closures, class bodies, ``global``/``nonlocal``, module
  globals, builtins, ``from m import *``), following the language
  reference's naming rules on the AST;
- gives each expression a value: an imported API with its full path
  (``import jax as j; j.grad`` is ``jax.grad``; ``from jax import grad as
  g`` too; ``import jax.numpy as np; np.gradient`` is ``jax.numpy.gradient``,
  not ``grad``), a function or class of the student's own, or unknown. It
  follows assignments, attribute chains, class attributes, literal
  containers, what a student's function returns, and constant-folded
  strings in ``getattr(jax, "gr" + "ad")``;
- follows what the entry reaches through the student's own functions,
  classes, defaults, decorators and module-level assignments, across the
  files of a directory submission, but not what it does not reach: a
  parameter ``df`` is not the module-level ``df``, a helper the student
  named ``grad`` is not ``jax.grad``.

An entry *uses* an API when an expression it evaluates resolves to it; the
name reported is the API's last component (``cos`` for ``jax.numpy.cos``).
Dynamic code that could reach a name the AST does not show (``eval``,
``exec``, ``globals()``, ``vars()``, ``__import__``, ``importlib``,
``getattr`` with a computed name, ``__dict__``, ``sys.modules``, ...) is
reported separately. If such code, or code that rebinds an imported module's
attributes, appears anywhere in the submission, every entry reaches all of
the submission's code, since nothing can then be ruled out; the body of an
``if __name__ == "__main__":`` block is not read for this, since it never runs
when graded (unless the submission binds ``__name__``).

Why not `symtable` as the resolver: since Python 3.12 (PEP 709) it inlines
list, set and dict comprehensions into the enclosing table (a module-level
``[grad for grad in fs]`` lists ``grad`` as a module symbol), and its tables
carry a line number but no node, so two lambdas on a line cannot be told
apart. The scope rules are applied to the AST directly; the tests check the
classification against `symtable` on function scopes.
"""

from __future__ import annotations

import ast
import builtins
import collections
import dataclasses
import functools
import importlib.machinery
import os
import re
import site
import sys
import types
from collections.abc import (
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    MutableSequence,
    MutableSet,
    Sequence,
)
from pathlib import Path

from .._sandboxed import STAND_IN_MODULES, is_main_guard, place

# The entry file(s) of a directory submission, as in ``_submission``.
MAIN = "solutions.py"
# the pseudo-file that says after which line of the main file a notebook's run stopped
# (no file of a submission can be named so): see `Program._final`
RAN = "<ran>"

# Builtins that run or look up code by a computed name: always dynamic.
DYNAMIC_BUILTINS = frozenset({"eval", "exec", "compile", "__import__", "globals", "vars", "locals"})
# getattr and friends are dynamic only with a name that is not a constant string.
_ATTR_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
# what can give an object attributes by names the source does not spell as stores
_ATTRIBUTE_HOOKS = frozenset({"__dict__", "__setattr__", "__getattr__", "__getattribute__"})
# dunders that only describe an object: storing them changes nothing it computes
# (`wrapper.__name__ = fn.__name__`, `d_log.__doc__ = "..."`)
_METADATA = frozenset({"__name__", "__qualname__", "__doc__", "__module__"})
# methods of builtin containers that change nothing (`CONFIG.get("verbose")`)
_READ_METHODS = frozenset({"get", "keys", "values", "items"})
_BUILTIN_CONTAINERS = frozenset({f"builtins.{n}" for n in ("dict", "list", "set", "frozenset")})
# decorators of a method that hand it on as it is, bound to an instance as it is
_METHOD_DECORATORS = frozenset(
    {"builtins.classmethod", "builtins.property", "functools.cached_property"}
    | {"abc.abstractmethod", "typing.overload", "typing.final", "typing.override"}
    | {"functools.cache", "jax.jit", "equinox.filter_jit"}
)
# decorators that return the function or class they are given, or one that calls it
_KEEPING_DECORATORS = _METHOD_DECORATORS | frozenset(
    {"builtins.staticmethod", "dataclasses.dataclass", "functools.total_ordering"}
    | {"functools.lru_cache", "functools.wraps", "jax.vmap", "jax.checkpoint", "jax.remat"}
    | {"jax.custom_jvp", "jax.custom_vjp", "typing.runtime_checkable", "enum.unique"}
)
# what makes an object stored in a class answer for it
_DESCRIPTOR_HOOKS = ("__get__", "__set__", "__delete__", "__set_name__")
# what JAX makes a new array with (`_immutable`); and computations that return a list
_ARRAY_MAKERS = frozenset(
    {"array", "asarray", "linspace", "arange", "logspace", "geomspace", "zeros", "ones"}
    | {"full", "empty", "eye", "identity", "zeros_like", "ones_like", "full_like", "tri"}
    | {"float16", "float32", "float64", "int32", "int64", "bfloat16", "complex64"}
    | {"PRNGKey", "key", "normal", "uniform", "randint", "bernoulli", "choice"}
)
_LIST_RESULTS = frozenset(
    {"split", "array_split", "hsplit", "vsplit", "dsplit", "meshgrid", "broadcast_arrays"}
    | {"atleast_1d", "atleast_2d", "atleast_3d", "tree_leaves", "tree_map", "tree_flatten"}
    | {"leaves", "flatten", "map", "tolist", "ix_", "unstack"}
)
# enum bases whose class-level constants are instances of the class
_ENUMS = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"})
# what makes an object anew by calling its class
# what sets an attribute of what it is handed, by name
_SETTERS = frozenset({"__setattr__", "__delattr__", "setattr", "delattr", "__set__"})
# what an enum runs to make its members, or calls on its own
_ENUM_HOOKS = frozenset(
    {"__init__", "__new__", "_generate_next_value_", "_missing_", "__init_subclass__"}
)
_REMAKERS = frozenset({"dataclasses.replace", "copy.replace"})
# what `type(x)` is read for without calling the class
_CLASS_NAMES = frozenset({"__name__", "__qualname__", "__module__"})
# base classes that give an instance no attributes of their own (`held`)
_PLAIN_BASES = frozenset(
    {"builtins.object", "abc.ABC", "abc.ABCMeta", "typing.Generic", "typing.Protocol"}
    | {"equinox.Module", "unittest.TestCase", "enum.Enum", "enum.IntEnum", "enum.StrEnum"}
    | {"typing.NamedTuple"}
)
# Attributes that reach namespaces or frames behind the AST's back, on any object.
DYNAMIC_ATTRIBUTES = frozenset(
    {
        "__dict__",
        "__getattribute__",
        "__getattr__",
        "__setattr__",
        "__globals__",
        "__builtins__",
        "__code__",
        "__closure__",
        "__subclasses__",
        "__import__",
        "f_globals",
        "f_locals",
        "f_back",
        "f_builtins",
        "__self__",  # `print.__self__` is the builtins module
        "__reduce__",  # an object's state, every attribute, by name
        "__reduce_ex__",
        "__getstate__",
        "__match_args__",
        "__defaults__",  # `df.__defaults__ = (jax.grad(f),)`
        "__kwdefaults__",
        "gi_code",  # code objects (their names, `co_names`, can be swapped) and frames
        "gi_frame",
        "cr_code",
        "cr_frame",
        "ag_code",
        "ag_frame",
        "co_names",
        "co_consts",
        "co_code",
        "tb_frame",
        "f_code",
        "__wrapped__",  # what functools.update_wrapper put there
        "load_module",  # a loader's: code from a file no import statement names
        "exec_module",
        # what JAX names the operations it traces by, which tells the grader's evaluator
        # an entry differentiated (`Avoids.judge_runs`): rewriting it hides that
        "source_info",
        "name_stack",
        "source_info_util",  # (`reset_name_stack`, reached through a module that imports it)
        "reset_name_stack",
        "new_jaxpr_eqn",
        "mlir_module_serialized",
    }
)
# Taylor mode: automatic differentiation whose compiled program carries no `jvp` or
# `transpose` in its operations' names, so the grader's evaluator cannot see it
# (`Avoids.judge_runs`); importing it anywhere makes every entry reach all of the code
TAYLOR_MODE = "jax.experimental.jet"
# Imported APIs that look names up, or run code given as data, at run time (an API and
# everything under it: "pickle.load" is pickle.load, not pickle.loads)
DYNAMIC_APIS = (
    # the import system: modules by name, loaders, and where imports look
    "importlib",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_imp",
    "builtins.__import__",
    "sys.modules",
    "sys.meta_path",
    "sys.path_hooks",
    "sys.path_importer_cache",
    "pkgutil",
    "zipimport",
    "site",
    "runpy",
    # frames, memory and the interpreter's own objects
    "sys._getframe",
    "inspect",
    "ctypes",
    "_ctypes",
    "cffi",
    "gc",  # get_referents(jax)[0] is jax.__dict__ (collect and the switches are fine)
    "copyreg",
    "_operator",
    "pydoc",
    "gradkit._sandboxed",
    # JAX's internals: its transformations under names of their own (ad.backward_pass)
    "jax._src",
    "jax.interpreters",
    "jax.ad",
    "jax.extend",
    "jaxlib",
    # names resolved from strings
    "string.Formatter",
    "logging.config",
    "unittest.mock",
    "mock",
    "typing.get_type_hints",
    "typing.ForwardRef",
    "typing.evaluate_forward_ref",
    "typing._eval_type",
    "annotationlib",
    # objects rebuilt from bytes: a pickle can call anything, by name
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "_pickle",
    "shelve",
    "dill",
    "cloudpickle",
    "joblib.load",
    "multiprocessing",
    "marshal.load",
    "marshal.loads",
    "types.FunctionType",
    "types.LambdaType",
    "types.CodeType",
    "jax.export.deserialize",
    "jax.experimental.serialize_executable",
    # code run from strings
    "code",
    "codeop",
    "doctest",
    "bdb",
    "pdb.run",
    "pdb.runeval",
    "pdb.runctx",
    "pdb.Pdb",
    "profile.run",
    "profile.runctx",
    "profile.Profile",
    "cProfile.run",
    "cProfile.runctx",
    "cProfile.Profile",
    "trace",
)
# APIs that run code given as data only through some arguments: (positions, keywords) of
# the code (timeit's statements; a callable is fine), or, for a flag, the keyword that
# turns it on (numpy's unpickling of object arrays)
_CODE_ARGUMENTS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "timeit.timeit": ((0, 1), ("stmt", "setup")),
    "timeit.repeat": ((0, 1), ("stmt", "setup")),
    "timeit.Timer": ((0, 1), ("stmt", "setup")),
    # the docstrings of the module it is given (alone, of __main__: the worker's)
    "doctest.testmod": ((0,), ("m",)),
}
# APIs that read every attribute of their argument, by name: dynamic unless it is the
# submission's own (`asdict(gk.functions["log-sin"])["derivative"]`)
_OWN_ARGUMENT = frozenset({"dataclasses.asdict", "dataclasses.astuple"})
# what reads every field of an object at once (`Program.read_whole`)
_WHOLE_READERS = frozenset(
    {f"dataclasses.{n}" for n in ("asdict", "astuple", "fields", "replace")}
    | {"copy.copy", "copy.deepcopy", "operator.itemgetter", "attrs.asdict", "attrs.astuple"}
    | {
        f"builtins.{n}"
        for n in (
            "vars list tuple dict set frozenset iter next sorted reversed zip enumerate "
            "map filter sum min max any all"
        ).split()
    }
)
_FLAG_ARGUMENTS = {
    "numpy.load": "allow_pickle",
    "jax.numpy.load": "allow_pickle",
    "numpy.lib.format.read_array": "allow_pickle",
}


# harmless doors of the modules above, which students use: they return strings,
# signatures, specs, or a module run again from the file it was imported from (which the
# worker checks again), never an object found by a name the rules cannot see
SAFE_APIS = (
    "doctest.testmod",  # see _CODE_ARGUMENTS
    "logging.config.dictConfig",  # see _NAME_ARGUMENTS
    "gc.collect",
    "multiprocessing.cpu_count",
    "gc.disable",
    "gc.enable",
    "gc.isenabled",
    "os._exit",
    "importlib.reload",
    "importlib.metadata.version",
    "inspect.signature",
    "inspect.Signature",
    "inspect.Parameter",
    "inspect.getsource",
    "inspect.getsourcelines",
    "inspect.getdoc",
    "inspect.cleandoc",
    "inspect.getfile",
    "inspect.getsourcefile",
    "inspect.isfunction",
    "inspect.isclass",
    "inspect.ismodule",
    "inspect.ismethod",
    "inspect.isbuiltin",
    "inspect.isroutine",
    "inspect.isgeneratorfunction",
    "inspect.iscoroutinefunction",
    "inspect.isabstract",
)


# APIs that look attributes or objects up by names given as strings: fine with constant
# names, which the rules read (`attrgetter("shape")` reads `.shape`; a `dictConfig` dict
# that names only logging's classes and the standard streams), else dynamic
_NAME_ARGUMENTS = frozenset(
    {"operator.attrgetter", "operator.methodcaller", "logging.config.dictConfig"}
)
# judged by their arguments where they are called; passed as a value, called out of sight
_ARGUMENT_APIS = (
    frozenset(_CODE_ARGUMENTS) | _OWN_ARGUMENT | frozenset(_FLAG_ARGUMENTS) | _NAME_ARGUMENTS
)


def _under(path: str, apis: tuple[str, ...]) -> bool:
    return any(path == api or path.startswith(f"{api}.") for api in apis)


def is_dynamic_api(path: str) -> bool:
    """Whether the API at `path` (a full dotted path) is one of `DYNAMIC_APIS`, or under one,
    or any installed package's private part (``gradkit._cli_diff``, ``_operator``), and not
    one of `SAFE_APIS`."""
    private = any(p.startswith("_") and not p.endswith("__") for p in path.split("."))
    return (private or _under(path, DYNAMIC_APIS)) and not _under(path, SAFE_APIS)


# modules that other modules re-export (`typing.sys`, `reprlib.builtins`): an API under one
# of these names is that module's, whatever it was reached through
_REEXPORTED = frozenset(
    {"builtins", "sys", "os", "inspect", "importlib", "types", "gc", "operator", "_operator"}
    | {"pickle", "marshal", "ctypes", "pydoc", "typing", "copyreg", "functools", "string"}
    | {api.split(".")[0] for api in DYNAMIC_APIS}
)


@functools.lru_cache(maxsize=4096)
def canonical(path: str) -> str:
    """The path of the API at `path` by the module that defines it.

    ``typing.sys.modules`` is ``sys.modules``: a module bound in another module's namespace
    (looked up in this process, where that module is imported already: nothing is imported
    here) is named by its own name, and so is an object the rules know by another path
    (``jsonschema.validators.methodcaller`` is ``operator.methodcaller``). Where the module
    is not imported, a re-export of a module the rules care about (`_REEXPORTED`) is named
    by it all the same (``pdb.code`` is ``code``).
    """
    parts = path.split(".")
    unknown_from = len(parts)
    for at in range(1, len(parts)):
        holder = sys.modules.get(".".join(parts[:at]))
        if holder is None:
            unknown_from = at
            break
        # its namespace, not getattr: a module's __getattr__ could import, or warn
        found = vars(holder).get(parts[at])
        if isinstance(found, types.ModuleType):
            if found.__name__ != ".".join(parts[: at + 1]):
                return canonical(".".join([found.__name__, *parts[at + 1 :]]))
        elif found is not None:
            known = _known_objects().get(id(found))
            if known is not None and known != ".".join(parts[: at + 1]):
                return canonical(".".join([known, *parts[at + 1 :]]))
            break
        else:
            break
    for at in range(max(unknown_from - 1, 1), len(parts) - 1):
        if parts[at] in _REEXPORTED:
            return ".".join(parts[at:])
    return path


@functools.cache
def _known_objects() -> dict[int, str]:
    """The objects the rules know by path (`DYNAMIC_APIS`, `_USES`, JAX's transforms), by id:
    those of them in modules this process has imported."""
    paths = [*DYNAMIC_APIS, *_USES, *(f"jax.{n}" for n in _JAX_TRANSFORMS)]
    paths += [f"builtins.{n}" for n in (*DYNAMIC_BUILTINS, *_ATTR_BUILTINS)]
    known: dict[int, str] = {}
    for path in paths:
        module, _, name = path.rpartition(".")
        holder = sys.modules.get(module)
        found = vars(holder).get(name) if holder is not None else None
        if found is not None and not isinstance(found, types.ModuleType):
            known.setdefault(id(found), path)
    return known


_JAX_TRANSFORMS = (
    "grad",
    "value_and_grad",
    "jacfwd",
    "jacrev",
    "jacobian",
    "hessian",
    "jvp",
    "vjp",
    "linearize",
)


_BUILTINS = frozenset(dir(builtins))
_MAX_FOLD = 200  # longest string constant folding builds


def found_outside(module: str, exclude: tuple[Path, ...] = ()) -> bool:
    """Whether Python finds the top-level module ``module`` outside the submission.

    Built in, in the standard library, or on this interpreter's path as the
    worker sees it (``python -I``: no current directory, ``PYTHONPATH`` or
    user site), ``exclude`` left out too.
    """
    if module in sys.builtin_module_names or module in sys.stdlib_module_names:
        return True
    isolated = [
        Path.cwd(),
        *exclude,
        *map(Path, os.environ.get("PYTHONPATH", "").split(os.pathsep)),
    ]
    if site.ENABLE_USER_SITE and site.USER_SITE:
        isolated.append(Path(site.USER_SITE))
    return _on_path(module, tuple(p.resolve() for p in isolated if str(p) not in ("", ".")))


@functools.lru_cache(maxsize=1024)
def _on_path(module: str, excluded: tuple[Path, ...]) -> bool:
    paths = [p for p in sys.path if p and Path(p).resolve() not in excluded]
    return importlib.machinery.PathFinder.find_spec(module, paths) is not None


# what builds a list, dict or set of the submission's own
_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
# builtins that only read what they are given
_READERS = frozenset(
    f"builtins.{n}"
    for n in (
        "print len repr str format isinstance issubclass id type bool int float complex "
        "hash callable sorted list tuple set frozenset enumerate zip iter reversed any all "
        "sum min max abs round"
    ).split()
)
# library functions that keep a function to call later (besides `register*` and `add*`)
_HOOKS = frozenset(
    {"signal.signal", "sys.settrace", "sys.setprofile", "threading.settrace"}
    | {"functools.update_wrapper", "functools.wraps"}
    | {"threading.setprofile", "weakref.finalize", "copyreg.pickle", "sys.set_asyncgen_hooks"}
)
# JAX's pytree registrations: the callbacks they keep run on objects of the registered class
_PYTREE_REGISTRATIONS = frozenset(
    {"register_pytree_node", "register_pytree_with_keys", "register_dataclass"}
    | {"register_static", "register_pytree_node_class", "register_pytree_with_keys_class"}
)
# what calls a function on a user interface's events and drops its result: what it
# changes, the rules read where it is changed (`interact(show)`, `mpl_connect(..., on_click)`)
_EVENT_HOOKS = frozenset(
    {"interact", "interactive", "interact_manual", "mpl_connect", "observe", "on_click"}
    | {"on_submit", "FuncAnimation"}
)
# modules whose functions compute and keep nothing they are handed (but their set*,
# register* and add*, see Program._hook)
_COMPUTE = frozenset(
    {"jax", "jaxlib", "numpy", "gradkit", "equinox", "math", "cmath", "builtins"}
    | {"functools", "itertools", "operator", "typing", "dataclasses", "matplotlib"}
    | {"time", "timeit", "random", "statistics", "collections", "string", "re", "json"}
    | {"os", "sys", "warnings", "logging", "pathlib", "pprint", "textwrap", "copy"}
    | {"inspect", "dis", "scipy", "pandas", "tqdm", "unittest", "doctest"}
)
# modules whose functions never change an object they are handed (not `operator.setitem`,
# `random.shuffle`, `functools.partial` keeping it, `collections`' containers)
_PURE_ON_OBJECTS = frozenset(
    {"jax", "jaxlib", "numpy", "gradkit", "equinox", "math", "cmath", "statistics", "scipy"}
    | {"matplotlib", "json", "pprint", "textwrap", "string", "time", "timeit", "logging"}
    | {"warnings", "typing", "inspect", "copy", "re"}
)
# what builds an object a module-level name holds and code fills (see Program._fillable)
_CONTAINERS = frozenset(
    {f"builtins.{n}" for n in ("dict", "list", "set", "bytearray", "object")}
    | {f"collections.{n}" for n in ("defaultdict", "OrderedDict", "deque", "Counter")}
    | {"types.SimpleNamespace", "argparse.Namespace"}
)
# what makes a record of what it is given (no hook: `Program._record_maker`)
_RECORDS = frozenset(
    {"types.SimpleNamespace", "types.MappingProxyType", "enum.member", "enum.nonmember"}
    | {"argparse.Namespace"}
)
_RECORD_CLASSES = frozenset({"collections.namedtuple", "typing.NamedTuple"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFS = (*_FUNCTIONS, ast.ClassDef)


def _header(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """What a ``def`` statement runs: its decorators, defaults and annotations, not its body."""
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    annotations = [a.annotation for a in every if a is not None and a.annotation is not None]
    defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    returns = [node.returns] if node.returns is not None else []
    return [*node.decorator_list, *defaults, *annotations, *returns]


_TYPE_NODES = (
    ast.Expression,
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Constant,
    ast.BinOp,
    ast.BitOr,
    ast.Load,
)


def _type_like(annotation: ast.expr, lazy: bool) -> bool:
    """Whether an annotation is a type expression (``np.ndarray``, ``"list[int] | None"``),
    not code (a call, a comprehension) that evaluating it later would run.

    A string is parsed; one that does not parse cannot be evaluated either. Without `lazy`
    (``from __future__ import annotations``), a non-string annotation is evaluated where it is
    written, as code the rules read: it is fine here.
    """
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            tree: ast.AST = ast.parse(annotation.value.strip(), mode="eval")
        except SyntaxError:
            return True
    elif not lazy:
        return True
    else:
        tree = annotation
    return _type_expression(tree)


# subscripts whose items (all of them, or all but the first) are values, never evaluated
# again as forward references: ``Literal["x > 0"]``, ``Annotated[Array, "x > 0"]``
_VALUE_ITEMS = {"Literal": 0, "Annotated": 1}


def _type_expression(node: ast.AST) -> bool:
    """Whether `node` is made of names, subscripts, ``|`` and constants only: a type.

    A string inside is a forward reference, a type too, except in the value items of
    ``Literal`` and ``Annotated``, where any constant is fine (``-1`` too).
    """
    if isinstance(node, ast.Subscript):
        head = node.value
        name = head.id if isinstance(head, ast.Name) else getattr(head, "attr", None)
        if name in _VALUE_ITEMS and isinstance(head, ast.Name | ast.Attribute):
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            types, values = items[: _VALUE_ITEMS[name]], items[_VALUE_ITEMS[name] :]
            return (
                _type_expression(head)
                and all(_type_expression(t) for t in types)
                and all(_constant(v) for v in values)
            )
    if isinstance(node, ast.Constant):
        return not _nested_code(node)
    return isinstance(node, _TYPE_NODES) and all(
        _type_expression(child) for child in ast.iter_child_nodes(node)
    )


def _constant(node: ast.AST) -> bool:
    """A constant, a signed number, or an enum member: a value no evaluation runs."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant | ast.Name | ast.Attribute)


def _nested_code(constant: ast.Constant) -> bool:
    """A string inside a type expression is a forward reference: code if it is not a type."""
    if not isinstance(constant.value, str):
        return False
    try:
        inner = ast.parse(constant.value.strip(), mode="eval")
    except SyntaxError:
        return False
    return not _type_expression(inner)


@dataclasses.dataclass(frozen=True)
class Api:
    """An imported module or an object reached from one, by its full dotted path."""

    path: str

    @property
    def leaf(self) -> str:
        return self.path.rsplit(".", 1)[-1]


@dataclasses.dataclass(frozen=True)
class Own:
    """A function, lambda or class the submission defines."""

    node: ast.AST


@dataclasses.dataclass(frozen=True)
class Sibling:
    """A module of a directory submission (one of its files)."""

    name: str


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
Value = Api | Own | Sibling | _Unknown


@dataclasses.dataclass(frozen=True)
class Usage:
    """What an entry uses, resolved.

    Attributes:
        found: whether the submission defines the entry.
        stub: whether it only raises NotImplementedError.
        names: the last component of every API it uses (``cos`` for
            ``jax.numpy.cos``), plus attribute names looked up on values the
            grader cannot trace (``.grad`` of a call's result).
        lines: where each name (and each dynamic lookup) first appears, as
            ``"line 5"`` or ``"helpers.py line 5"`` for a sibling file.
        dynamic: the dynamic lookups it performs (``eval``, ``getattr``, ...).
        everything: where the submission could change any name (``"`globals()` (line
            9)"``), which made the entry reach all of its code; "" if nothing did.
    """

    found: bool
    stub: bool
    names: frozenset[str]
    lines: dict[str, str]
    dynamic: frozenset[str] = frozenset()
    everything: str = ""


def _binds_dunder_name(tree: ast.AST) -> bool:
    """Whether `tree` binds ``__name__`` in any form.

    Setting the attribute of an object (``wrapper.__name__ = fn.__name__`` in a decorator)
    does not count: only the module object's would, and the submission reaches that only
    through code the rules count as dynamic (``sys.modules``, ``import submission``), which
    makes them read every main guard anyway.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id == "__name__" and not isinstance(node.ctx, ast.Load):
                return True
        elif isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
            key = node.slice
            if isinstance(key, ast.Constant) and key.value == "__name__":
                return True  # namespace["__name__"] = "__main__"
        elif isinstance(node, ast.Global | ast.Nonlocal):
            if "__name__" in node.names:
                return True
        elif isinstance(node, ast.alias):
            if (node.asname or node.name) == "__name__":
                return True
        elif "__name__" in {getattr(node, field, None) for field in ("name", "arg", "rest")}:
            return True
    return False


@dataclasses.dataclass
class _Binding:
    """One place that binds a name: what it binds, and the scope its code runs in."""

    kind: str  # "def", "assign", "import", "from", "param", "other"
    node: ast.AST  # the def, the assigned value, the alias, the default, the statement
    scope: _Scope
    module: str = ""  # for "import"/"from": the module path
    name: str = ""  # for "from": the imported name
    level: int = 0  # for "from": relative import level
    unpack: tuple[int, ...] = ()  # for "assign": indexes into a tuple target


@dataclasses.dataclass(eq=False)
class _Scope:
    kind: str  # "module", "function", "class", "comprehension"
    node: ast.AST
    parent: _Scope | None
    file: str
    bindings: dict[str, list[_Binding]] = dataclasses.field(default_factory=dict)
    globals: set[str] = dataclasses.field(default_factory=set)
    nonlocals: set[str] = dataclasses.field(default_factory=set)
    stars: list[_Binding] = dataclasses.field(default_factory=list)

    def add(self, name: str, binding: _Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


class _Builder(ast.NodeVisitor):
    """One pass over a module: the scope of every node and every binding."""

    def __init__(self, program: Program, file: str, module_scope: _Scope) -> None:
        self.program = program
        self.file = file
        self.scope = module_scope
        self.trying: list[ast.Try | ast.TryStar] = []

    def _enter(self, kind: str, node: ast.AST) -> _Scope:
        scope = _Scope(kind, node, self.scope, self.file)
        self.program._scope_of_body[id(node)] = scope
        return scope

    def _target_scope(self, name: str) -> _Scope:
        """Where a binding of `name` in the current scope lands (global/nonlocal)."""
        scope = self.scope
        if name in scope.globals:
            return self.program._module_scope(scope)
        if name in scope.nonlocals:
            outer = scope.parent
            while outer is not None and not (
                outer.kind == "function" and (name in outer.bindings or outer.parent is None)
            ):
                outer = outer.parent
            return outer or scope
        return scope

    def _bind(self, name: str, binding: _Binding) -> None:
        self._target_scope(name).add(name, binding)

    def generic_visit(self, node: ast.AST) -> None:
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        super().generic_visit(node)

    def _visit_all(self, nodes: list) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    # -- scopes -------------------------------------------------------------------------------
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        args = node.args
        self._visit_all([*getattr(node, "decorator_list", []), *args.defaults])
        self._visit_all(list(args.kw_defaults))
        outer = self.scope
        inner = self._enter("function", node)
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        pairs = [*zip(positional, defaults, strict=True)]
        pairs += zip(args.kwonlyargs, args.kw_defaults, strict=True)
        pairs += [(a, None) for a in (args.vararg, args.kwarg) if a is not None]
        for arg, default in pairs:
            inner.add(arg.arg, _Binding("param", default or arg, outer if default else inner))
            self.program._scope[id(arg)] = inner
        self._declare(node, inner)
        self.scope = inner
        if isinstance(node, ast.Lambda):
            self.visit(node.body)
        else:
            self._visit_all(node.body)
        self.scope = outer
        if not isinstance(node, ast.Lambda):
            self._bind(node.name, _Binding("def", node, outer))

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_TypeAlias(self, node: ast.TypeAlias) -> None:
        # `type G = expr` binds `G`; its `__value__` is `expr`, evaluated when read
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        self._visit_all([*node.type_params, node.value])
        self._store(node.name, _Binding("other", node.value, self.scope))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        self._visit_all([*node.decorator_list, *node.bases, *node.keywords])
        outer = self.scope
        inner = self._enter("class", node)
        self._declare(node, inner)
        self.scope = inner
        self._visit_all(node.body)
        self.scope = outer
        self._bind(node.name, _Binding("def", node, outer))

    def _comprehension(self, node: ast.AST) -> None:
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        outer = self.scope
        self.scope = self._enter("comprehension", node)
        for i, gen in enumerate(generators):
            self.program._scope[id(gen)] = self.scope
            if i:
                self.visit(gen.iter)
            self._store(gen.target, _Binding("other", gen, self.scope))
            self._visit_all(gen.ifs)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.visit(getattr(node, part))
        self.scope = outer

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def _declare(self, node: ast.AST, scope: _Scope) -> None:
        """Collect `global`/`nonlocal` of this scope before its bindings are recorded."""
        todo = list(ast.iter_child_nodes(node))
        while todo:
            sub = todo.pop()
            if isinstance(sub, ast.Global):
                scope.globals.update(sub.names)
            elif isinstance(sub, ast.Nonlocal):
                scope.nonlocals.update(sub.names)
            if not isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if not isinstance(sub, ast.Lambda):
                    todo.extend(ast.iter_child_nodes(sub))

    # -- bindings -----------------------------------------------------------------------------
    def _store(self, target: ast.AST, binding: _Binding, path: tuple[int, ...] = ()) -> None:
        """Bind every name in an assignment target (tuple targets remember their index)."""
        if isinstance(target, ast.Name):
            found = (
                dataclasses.replace(binding, unpack=path) if binding.kind == "assign" else binding
            )
            self._bind(target.id, found)
            self.program._scope[id(target)] = self.scope
            self.program._file[id(target)] = self.file
        elif isinstance(target, ast.Tuple | ast.List):
            starred = False
            for i, elt in enumerate(target.elts):
                star = isinstance(elt, ast.Starred)
                starred |= star
                # after `*rest`, an item's place is counted from the end: read it whole
                sub = dataclasses.replace(binding, kind="other") if starred else binding
                self._store(elt.value if star else elt, sub, (*path, i))
        elif isinstance(target, ast.Starred):
            self._store(target.value, dataclasses.replace(binding, kind="other"), path)
        else:  # attribute or subscript stores: their parts are loads
            self.visit(target)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit_value(node, node.value)
        for target in node.targets:
            self._store(target, _Binding("assign", node.value, self.scope))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit_value(node, node.value)
        if node.value is not None:
            self._store(node.target, _Binding("assign", node.value, self.scope))
        elif isinstance(node.target, ast.Name):
            self._bind(node.target.id, _Binding("other", node, self.scope))
            self.program._scope[id(node.target)] = self.scope
        else:
            self.visit(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit_value(node, node.value)
        if isinstance(node.target, ast.Name):
            self.program._scope[id(node.target)] = self.scope
            self._bind(node.target.id, _Binding("other", node, self.scope))
        else:
            self.visit(node.target)

    def generic_visit_value(self, node: ast.AST, value: ast.AST | None) -> None:
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        if value is not None:
            self.visit(value)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.generic_visit_value(node, node.value)
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        # (in that scope, `global df` / `nonlocal hand` send it where they say)
        inner, self.scope = self.scope, scope
        self._bind(node.target.id, _Binding("assign", node.value, inner))
        self.scope = inner
        self.program._scope[id(node.target)] = self.scope

    def _other(self, node: ast.AST, targets: list[ast.AST]) -> None:
        for target in targets:
            self._store(target, _Binding("other", node, self.scope))

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.generic_visit_value(node, node.iter)
        self._other(node, [node.target])
        self._visit_all([*node.body, *node.orelse])

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._other(node, [item.optional_vars])
        self._visit_all(node.body)

    visit_AsyncWith = visit_With

    def visit_Try(self, node: ast.Try | ast.TryStar) -> None:
        # `except E as e` binds what the try body raised: reaching `e` reaches it all
        self.trying.append(node)
        try:
            self.generic_visit(node)
        finally:
            self.trying.pop()

    visit_TryStar = visit_Try

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.generic_visit(node)
        if node.name:
            statement = self.trying[-1] if self.trying else node
            self._bind(node.name, _Binding("other", statement, self.scope))

    def visit_Match(self, node: ast.Match) -> None:
        self.program._scope[id(node)] = self.scope
        self.program._file[id(node)] = self.file
        self.visit(node.subject)
        for case in node.cases:
            # a capture is the subject taken apart by the case's whole pattern: reaching it
            # reaches both (`case Spec(derivative=d)` looks `derivative` up), not the bodies
            alone = ast.Match(node.subject, [ast.match_case(case.pattern, None, [])])
            self.captured = ast.copy_location(alone, case.pattern)
            self.program._scope[id(self.captured)] = self.scope
            self.program._file[id(self.captured)] = self.file
            self.visit(case.pattern)
            self.captured = None
            if case.guard is not None:
                self.visit(case.guard)
            self._visit_all(case.body)

    captured: ast.AST | None = None

    def visit_MatchAs(self, node: ast.MatchAs | ast.MatchStar) -> None:
        self.generic_visit(node)
        if node.name:
            self._bind(node.name, _Binding("other", self.captured or node, self.scope))

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.generic_visit(node)
        if node.rest:
            self._bind(node.rest, _Binding("other", self.captured or node, self.scope))

    def visit_Import(self, node: ast.Import) -> None:
        self.generic_visit(node)
        for alias in node.names:
            if alias.asname:
                binding = _Binding("import", alias, self.scope, module=alias.name)
                self._bind(alias.asname, binding)
            else:
                top = alias.name.split(".")[0]
                self._bind(top, _Binding("import", alias, self.scope, module=top))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.generic_visit(node)
        for alias in node.names:
            binding = _Binding("from", alias, self.scope, node.module or "", alias.name, node.level)
            if alias.name == "*":
                self.program._module_scope(self.scope).stars.append(binding)
            else:
                self._bind(alias.asname or alias.name, binding)


class Program:
    """A parsed submission: its scopes and bindings, and what each entry uses (cached)."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self._scope: dict[int, _Scope] = {}
        self._scope_of_body: dict[int, _Scope] = {}
        self._file: dict[int, str] = {}
        self._usages: dict[str, Usage] = {}
        self._value_memo: dict[int, frozenset[Value]] = {}
        self._busy: set[int] = set()
        self._members: dict[str, list[_Binding]] = {}  # class members, by name
        self._stores: dict[str, list[ast.AST]] = {}  # `x.name = ...` statements, by name
        self._plain: dict[int, bool] = {}  # classes that are `_plain_class`
        self._held_memo: dict[tuple[str, int], frozenset[Value] | None] = {}
        self._made_memo: dict[int, list[ast.Call]] = {}
        self._holding = 0  # `held` computations under way
        self._family_memo: dict[int, set[int]] = {}
        self._dicts_made: dict[int, ast.Dict | None] = {}
        files = dict(files)
        ran = files.pop(RAN, "")
        self.ran = int(ran) if ran.isdigit() else None  # (a notebook that stopped)
        self.files = files
        # what an import can name of the submission's own: each file (the worker writes
        # them all beside each other) and the module the worker runs its main file as
        self.module_names = {n.removesuffix(".py") for n in files} | {"submission"}
        mains = [MAIN] if MAIN in files else sorted(files)
        self.single = len(files) == 1
        trees: dict[str, ast.Module] = {}
        for name in sorted(files):
            try:
                trees[name] = ast.parse(files[name], filename=name)
            except SyntaxError:
                if name in mains:
                    raise
                # a sibling that does not parse cannot be imported either: it adds nothing
        self.trees = trees
        self._main_files = [m for m in mains if m in trees]
        # one namespace for the main file(s); each sibling file is a module of its own
        self.main = _Scope("module", ast.Module(body=[], type_ignores=[]), None, mains[0])
        self.modules: dict[str, _Scope] = {}
        for name, tree in trees.items():
            if name in mains:
                scope = self.main
            else:
                scope = _Scope("module", tree, None, name)
                self.modules[name.removesuffix(".py")] = scope
            self._scope_of_body[id(tree)] = scope
            builder = _Builder(self, name, scope)
            for statement in tree.body:
                builder.visit(statement)
        # each node's parent, across the files
        self._parents = {
            id(child): node
            for tree in trees.values()
            for node in ast.walk(tree)
            for child in ast.iter_child_nodes(node)
        }
        self._selves_known = False  # until `_strange_selves` is found
        self._attributes = self._defined_attributes()
        # each node's top-level statement: (file, its index, the statement)
        self._top = {
            id(node): (name, index, top)
            for name, tree in trees.items()
            for index, top in enumerate(tree.body)
            for node in ast.walk(top)
        }
        # what a method's `self` can be, before any value reads it (`held`)
        self._selves_known = False
        self._strange_selves = self._find_strange_selves()
        self._selves_known = True
        self._value_memo.clear()
        self._held_memo.clear()
        self._bases, self._called, self._membership = self._index_uses()
        self._touches = self._index_touches()
        self._code_annotations = self._find_code_annotations()
        self._quiet = self._find_quiet()
        # code under `if __name__ == "__main__":` does not run when graded, unless the
        # submission can make its `__name__` "__main__"
        names_fixed = not any(_binds_dunder_name(tree) for tree in trees.values())
        self._mains = [trees[name] for name in mains if name in trees]
        runnable = self.runnable = self._runnable(mains)
        self._callbacks = self._find_callbacks(runnable, names_fixed)
        self._class_hooks = self._find_class_hooks()
        self._call_sites = self._index_call_sites()
        live = self._live_defs([trees[name] for name in mains if name in trees], names_fixed)
        self._module_stores = self._find_module_stores(runnable, names_fixed, live)
        causes = (
            self._rebinds(tree, names_fixed, live)
            for name, tree in trees.items()
            if name in runnable
        )
        cause = next((c for c in causes if c is not None), None)
        self.rebinds = cause is not None
        # what made every entry reach all of the code, for the feedback: "`globals()` (line 9)"
        self.rebinds_at = "" if cause is None else f"`{_brief(cause)}` ({self.where(cause)})"

    @functools.cached_property
    def harmless(self) -> frozenset[int]:
        """Loads of a dynamic API that look nothing up themselves: the base of an attribute
        (the attribute is judged) and the right side of ``in``."""
        return frozenset(self._membership | self._bases | self._quiet)

    # -- scopes -------------------------------------------------------------------------------
    def _module_scope(self, scope: _Scope) -> _Scope:
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def resolve(self, name: str, scope: _Scope) -> _Scope:
        """The scope whose binding `name`, loaded in `scope`, refers to.

        Python's rules: a ``global`` declaration goes to the module; a name
        bound in the scope itself is local (a class body sees its own names,
        but functions nested in it do not); otherwise the nearest enclosing
        function or comprehension that binds it (``nonlocal`` skips the scope
        itself); otherwise the module, where builtins and ``import *`` are
        looked up too.
        """
        if name in scope.globals:
            return self._module_scope(scope)
        current = scope
        while current.parent is not None:
            visible = current is scope or current.kind != "class"
            if visible and name in current.bindings and name not in current.nonlocals:
                return current
            current = current.parent
        return current

    def lookup(self, name: str, scope: _Scope) -> list[_Binding] | None:
        """The bindings `name` can refer to when loaded in `scope` (None: unbound)."""
        found = self.resolve(name, scope)
        return self._global(name, found) if found.parent is None else found.bindings[name]

    def _global(
        self, name: str, module: _Scope, seen: frozenset[int] = frozenset()
    ) -> list[_Binding] | None:
        own = module.bindings.get(name)
        found: list[_Binding] = []
        for star in module.stars:
            if own and not self._later(star, own):
                continue  # `from helpers import *` above `def df`: the def holds
            target = self._sibling_of(star)
            if target is not None:
                inner = seen | {id(module)}
                if id(target) in seen or (
                    # `import *` binds no private name, unless `__all__` (its own, or one
                    # that a star import of its own gives it) says so
                    name.startswith("_") and self._global("__all__", target, inner) is None
                ):
                    continue
                found += self._global(name, target, inner) or []
            else:
                found.append(dataclasses.replace(star, name=name))
        if own:
            return own + found  # a star import below `def df` may rebind it
        if found:
            return found
        if name in _BUILTINS:
            return [_Binding("import", module.node, module, module=f"builtins.{name}")]
        return None

    def _later(self, star: _Binding, bindings: list[_Binding]) -> bool:
        """Whether the star import `star` runs after a top-level statement of `bindings`
        in its file (it may rebind the name), or where the order is not known."""
        where = self._top.get(id(star.node))
        places = [self._top.get(id(b.node)) for b in bindings]
        if where is None or any(p is None or p[0] != where[0] for p in places):
            return True
        return where[1] > min(p[1] for p in places if p is not None)

    def _sibling_of(self, binding: _Binding) -> _Scope | None:
        """The submission's module a `from x import ...` reads (None: an outside module).

        ``from . import helpers`` names the module itself: see `binding_value`.
        """
        if not binding.module:
            return None
        return self._own_module(binding.module.split(".")[0])

    def _own_module(self, name: str) -> _Scope | None:
        """The submission's module `name` names (None: an outside one). A main file
        imported by its name (``from hw2 import *`` in a directory without
        ``solutions.py``, whose files all run in one namespace) is read as that
        namespace: its code is the same."""
        if name in self.modules:
            return self.modules[name]
        return self.main if f"{name}.py" in self._main_files else None

    def _imported(self, binding: _Binding, sibling: _Scope) -> list[_Binding] | None:
        """The bindings ``from m import name`` (`binding`) reads in the submission's module
        `sibling`, but imports of that name from that same module: a main file importing
        another one of the one namespace (``from helper import step`` beside helper.py)."""
        found = self._global(binding.name, sibling)
        if found is None:
            return None
        return [
            b
            for b in found
            if not (b.kind == "from" and b.name == binding.name and self._sibling_of(b) is sibling)
        ]

    def _module_trees(self, name: str) -> list[ast.AST]:
        """The code of the submission's module `name` (every main file's, for the main)."""
        module = self._own_module(name)
        if module is self.main:
            return [self.trees[m] for m in self._main_files]
        return [module.node] if module is not None else []

    # -- values -------------------------------------------------------------------------------
    def value(self, node: ast.AST) -> frozenset[Value]:
        """What an expression can evaluate to (memoised; UNKNOWN when it cannot be told)."""
        key = id(node)
        if key in self._value_memo:
            return self._value_memo[key]
        if key in self._busy:
            return frozenset({UNKNOWN})
        self._busy.add(key)
        try:
            found = frozenset(self._value(node))
        finally:
            self._busy.discard(key)
        if not self._holding:
            self._value_memo[key] = found
        return found

    def _value(self, node: ast.AST) -> Iterator[Value]:
        scope = self._scope.get(id(node))
        if isinstance(node, ast.Name):
            bindings = self.lookup(node.id, scope) if scope else None
            if bindings is None:
                yield UNKNOWN
                return
            for binding in bindings:
                yield from self.binding_value(binding)
        elif isinstance(node, ast.Attribute):
            if self._selves_known and self.on_self(node.value):
                owner = self._self_class(node.value)
                held = self.held(node.attr, owner)
                if held is not None:  # `self.rules`, `self.rules = Rules()` in `__init__`
                    yield from held
                    return
                methods = self._own_methods(node.attr, owner)
                if methods:  # `self.check`: a method of its class (or a subclass)
                    yield from methods
                    return
            for base in self.value(node.value):
                yield from self.attribute(base, node.attr)
        elif isinstance(node, ast.Call):
            yield from self._call_value(node)
        elif isinstance(node, ast.Subscript):
            element = self._element(node)
            yield from (self.value(element) if element is not None else (UNKNOWN,))
        elif isinstance(node, ast.IfExp):
            yield from self.value(node.body) | self.value(node.orelse)
        elif isinstance(node, ast.BoolOp):
            for sub in node.values:
                yield from self.value(sub)
        elif isinstance(node, ast.NamedExpr):
            yield from self.value(node.value)
        elif isinstance(node, ast.Lambda):
            yield Own(node)
        else:
            yield UNKNOWN

    def binding_value(self, binding: _Binding) -> Iterator[Value]:
        if binding.kind == "def":
            yield Own(binding.node)
            if not all(  # what a decorator returns in its place: `@swap class Fake`
                self._keeping(d) for d in getattr(binding.node, "decorator_list", ())
            ):
                yield UNKNOWN
        elif binding.kind == "import":
            head = binding.module.split(".")[0]
            if self._own_module(head) is not None:
                yield Sibling(head)
            else:
                yield Api(canonical(binding.module))
        elif binding.kind == "from":
            if binding.level and not binding.module:  # from . import helpers
                yield Sibling(binding.name) if self._own_module(binding.name) else UNKNOWN
                return
            sibling = self._sibling_of(binding)
            if sibling is None:
                yield (
                    UNKNOWN if binding.level else Api(canonical(f"{binding.module}.{binding.name}"))
                )
                return
            bindings = self._imported(binding, sibling)
            if bindings is None:
                yield UNKNOWN
            for inner in bindings or ():
                yield from self.binding_value(inner)
        elif binding.kind == "assign":
            items = self._unpacked(binding.node, binding.unpack)
            if items is None:
                yield UNKNOWN
                return
            for item in items:
                yield from self.value(item)
        elif binding.kind == "param":
            yield UNKNOWN
            if not isinstance(binding.node, ast.arg):
                yield from self.value(binding.node)
        else:
            yield UNKNOWN

    def attribute(self, base: Value, attr: str) -> Iterator[Value]:
        if isinstance(base, Api):
            yield Api(canonical(f"{base.path}.{attr}"))
        elif isinstance(base, Sibling):
            module = self._own_module(base.name)
            bindings = self._global(attr, module) if module is not None else None
            if not bindings:
                yield UNKNOWN
            for binding in bindings or ():
                yield from self.binding_value(binding)
        elif isinstance(base, Own) and isinstance(base.node, ast.ClassDef):
            scope = self._scope_of_body[id(base.node)]
            found = scope.bindings.get(attr)
            if found and self._enum_member(base.node, attr, found):
                yield base  # `Elementary.LOG`: an instance of the enum
                return
            if not found:  # an instance's own (`s.rules`, `self.rules = Rules()`), if told
                held = self.held(attr, base.node) if self._selves_known else None
                yield from held if held is not None else (UNKNOWN,)
            for binding in found or ():
                yield from self.binding_value(binding)
            if found:  # and what `S.rules = gk` stores over a class member, anywhere
                yield from self._stored(attr)
        else:
            yield UNKNOWN

    def _stored(self, attr: str) -> Iterator[Value]:
        """What the statements that store into an attribute `attr` put there (not those that
        change what it holds: ``obj.items.append(g)``, ``obj.table[k] = g``)."""
        for statement in self._stores.get(attr, ()):
            if isinstance(statement, ast.Call):
                continue  # `obj.items.append(g)`: the same list
            if isinstance(statement, ast.comprehension):
                yield UNKNOWN  # `[... for obj.f in ...]`
                continue
            if isinstance(statement, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
                yield UNKNOWN  # `for obj.f in ...`
                continue
            if not isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
                continue
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for sub in ast.walk(target):
                    if not (isinstance(sub, ast.Attribute) and sub.attr == attr):
                        continue
                    if not isinstance(sub.ctx, ast.Store):
                        continue  # `obj.table[k] = g`: the table is the same object
                    if (
                        isinstance(statement, ast.Assign | ast.AnnAssign)
                        and sub is target
                        and statement.value is not None
                    ):
                        yield from self.value(statement.value)
                    else:
                        yield UNKNOWN

    def _call_value(self, node: ast.Call) -> Iterator[Value]:
        name = self._getattr_name(node)
        if name is not None:
            for base in self.value(node.args[0]):
                yield from self.attribute(base, name)
            return
        for func in self.value(node.func):
            if isinstance(func, Own) and isinstance(func.node, ast.Lambda):
                yield from self.value(func.node.body)
            elif isinstance(func, Own) and isinstance(func.node, ast.ClassDef):
                if not self._maybe_class(node.func):
                    yield UNKNOWN  # an instance's `__call__` (`Maker()()`): anything
                    continue
                yield func  # an instance: its attributes are the class's
                if self._makes_other(func.node):
                    yield UNKNOWN  # `def __new__(cls): return gk`: anything
            elif isinstance(func, Own):
                returns = _returns(func.node)
                if not returns:
                    yield UNKNOWN
                for expr in returns:
                    yield from self.value(expr)
            else:
                yield UNKNOWN

    def _makes_other(self, cls: ast.ClassDef, depth: int = 0) -> bool:
        """Whether calling `cls` may return something other than a new instance of it: it
        (or a base of its own) defines ``__new__``, or a metaclass of its own may."""
        if _defines(cls, "__new__") or depth > 8:
            return True
        for keyword in cls.keywords:
            if keyword.arg == "metaclass" and not all(
                isinstance(v, Api) and v.path in _PLAIN_BASES for v in self.value(keyword.value)
            ):
                return True
        return any(
            isinstance(v, Own)
            and isinstance(v.node, ast.ClassDef)
            and self._makes_other(v.node, depth + 1)
            for base in cls.bases
            for v in self.value(_unsubscripted(base))
        )

    def _keeping(self, decorator: ast.expr) -> bool:
        """Whether `decorator` returns what it decorates, or a function that calls it
        (`_KEEPING_DECORATORS`, ``@dataclass(frozen=True)``, ``@partial(jax.jit, ...)``)."""

        def known(node: ast.AST) -> bool:
            values = self.value(node)
            return bool(values) and all(
                isinstance(v, Api) and v.path in _KEEPING_DECORATORS for v in values
            )

        if known(decorator):
            return True
        if not isinstance(decorator, ast.Call):
            return False
        arguments = [*decorator.args, *(k.value for k in decorator.keywords)]
        if known(decorator.func):  # `@dataclass(frozen=True)`, `@lru_cache(maxsize=None)`
            return all(_literal(a) for a in arguments)  # (not `@functools.cache(swap)`)
        return (
            Api("functools.partial") in self.value(decorator.func)
            and len(self.value(decorator.func)) == 1
            and bool(decorator.args)
            and known(decorator.args[0])
            and all(_literal(a) for a in arguments[1:])
        )

    def _enum_member(self, cls: ast.ClassDef, attr: str, bindings: list[_Binding]) -> bool:
        """Whether `cls` is an enum of the submission's and `attr` one of its members (a
        constant assigned in its body: ``LOG = "log"``), an instance of `cls`."""
        return (
            not attr.startswith("_")
            and not self._makes_other(cls)  # (an enum's `__new__` may make anything)
            and any(
                isinstance(v, Api) and v.path in _ENUMS
                for base in cls.bases
                for v in self.value(base)
            )
            and all(b.kind == "assign" and not b.unpack and _literal(b.node) for b in bindings)
        )

    def _getattr_name(self, node: ast.Call) -> str | None:
        """The constant attribute name of ``getattr(obj, "name")``, if that is what `node` is."""
        if len(node.args) < 2 or not self._is_builtin(node.func, "getattr"):
            return None
        return self.fold(node.args[1])

    def _is_builtin(self, node: ast.AST, name: str) -> bool:
        return Api(f"builtins.{name}") in self.value(node)

    def _element(self, node: ast.Subscript) -> ast.AST | None:
        """The element a constant subscript of a literal container picks, if it is one."""
        index: object
        if isinstance(node.slice, ast.Constant):
            index = node.slice.value
        else:
            index = self.fold(node.slice)
            if index is None:
                return None
        return self._literal_item(node.value, index)

    def _unpacked(
        self, node: ast.AST, unpack: tuple[int, ...], depth: int = 0
    ) -> list[ast.AST] | None:
        """What ``a, b = node`` binds to the target at `unpack`, or None where unknown: an
        item of a tuple display, or of each tuple a function of the submission's returns
        (``_, out = build(x)``, where ``build`` ends ``return x, Node(...)``)."""
        if not unpack:
            return [node]
        item = self._literal_item(node, unpack[0])
        if item is not None:
            return self._unpacked(item, unpack[1:], depth)
        if not isinstance(node, ast.Call) or depth > 5:
            return None
        found: list[ast.AST] = []
        for func in self.value(node.func):
            if not (isinstance(func, Own) and _plain_function(func.node)):
                return None
            returns = _returns(func.node)
            if not returns:
                return None
            for returned in returns:
                items = self._unpacked(returned, unpack, depth + 1)
                if items is None:
                    return None
                found += items
        return found or None

    def keyed(self, node: ast.Subscript) -> str | None:
        """The key of ``ANSWERS["d_log"]`` where ``ANSWERS`` is a module-level dict display
        with constant keys, bound once, and every statement that changes it stores one
        item at a constant key (``ANSWERS["d_log"] = ...``); else None."""
        name = node.value
        key = self.fold(node.slice)
        if key is None or not isinstance(name, ast.Name):
            return None
        literal = self._literal(name)
        if not isinstance(literal, ast.Dict) or None in literal.keys:
            return None  # (`**other` may hold any key)
        home = self._home(name)
        if home is None or home.kind != "module":
            return None
        statements = self._touches.get((id(home), name.id), ())
        stores = [s for s in statements if not isinstance(s, ast.Call)]
        # (a call is one of an alias, only looked at: `print(dsin(1.5))`, see `_index_touches`)
        if not stores or any(self.stored_key(s, name.id) is None for s in stores):
            return None
        return key

    def keyed_alias(self, node: ast.AST) -> tuple[str, str] | None:
        """``("ANSWERS", "d_log")`` where `node` is a name bound once to ``ANSWERS["d_log"]``
        of a dict filled by keyed stores (`keyed`)."""
        scope = self._scope.get(id(node)) if isinstance(node, ast.Name) else None
        if not isinstance(node, ast.Name) or scope is None:
            return None
        return self.keyed_binding(self.lookup(node.id, scope) or [])

    def keyed_binding(self, bindings: Sequence[_Binding]) -> tuple[str, str] | None:
        """``("ANSWERS", "d_log")`` where `bindings` are the one ``= ANSWERS["d_log"]`` of a
        dict filled by keyed stores (`keyed`)."""
        if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].unpack:
            return None
        value = bindings[0].node
        if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)):
            return None
        key = self.keyed(value)
        return None if key is None else (value.value.id, key)

    def stored_key(self, statement: ast.AST, name: str) -> str | None:
        """The constant key of ``name[key] = value``, if `statement` is just that store."""
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            return None
        target = statement.targets[0]
        if not (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == name
        ):
            return None
        if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(statement.value)):
            return None  # `A["d"] = A["e"]`: what it stores is another of its items
        return self.fold(target.slice)

    def _literal_item(self, node: ast.AST | None, index: object) -> ast.AST | None:
        container = self._literal(node)
        if isinstance(container, ast.Tuple | ast.List) and isinstance(index, int):
            if any(isinstance(e, ast.Starred) for e in container.elts):
                return None
            if -len(container.elts) <= index < len(container.elts):
                return container.elts[index]
        if isinstance(container, ast.Dict) and all(
            isinstance(k, ast.Constant) for k in container.keys
        ):  # a computed key (`str("d")`, `**other`) may override any of them
            # the last of equal keys holds (`{"d": a, "d": b}`); `**other` may hold any key
            for key, item in reversed(list(zip(container.keys, container.values, strict=True))):
                if isinstance(key, ast.Constant) and key.value == index:
                    return item
        return None

    def _literal(self, node: ast.AST | None, depth: int = 0) -> ast.AST | None:
        """A tuple, list or dict display `node` is, following a singly-assigned name (and a
        dict made of displays alone, `_dict_made`)."""
        if isinstance(node, ast.Tuple | ast.List | ast.Dict) or node is None or depth > 10:
            return node
        if isinstance(node, ast.Call):
            return self._dict_made(node, depth)
        if isinstance(node, ast.Name):
            scope = self._scope.get(id(node))
            bindings = self.lookup(node.id, scope) if scope else None
            if bindings and len(bindings) == 1 and bindings[0].kind == "assign":
                if not bindings[0].unpack:
                    return self._literal(bindings[0].node, depth + 1)
        return None

    def _dict_made(self, node: ast.Call, depth: int = 0) -> ast.Dict | None:
        """The dict display ``dict(d_log=..., dsin=...)`` or ``dict(zip(NAMES, FUNCS))`` is,
        where its keys are constant and its items known: each of ``zip``'s two arguments a
        tuple or list display, or a name bound once to one that nothing else reads (nothing
        can have changed it). Made once per call, so its items are the submission's nodes."""
        if id(node) in self._dicts_made:
            return self._dicts_made[id(node)]
        made = None
        if self._is_builtin(node.func, "dict"):
            zipped = node.args[0] if len(node.args) == 1 else None
            if not node.args and all(k.arg is not None for k in node.keywords):
                keys: list[ast.expr | None] = [ast.Constant(k.arg) for k in node.keywords]
                made = ast.Dict(keys=keys, values=[k.value for k in node.keywords])
            elif (
                isinstance(zipped, ast.Call)
                and not node.keywords
                and not zipped.keywords
                and len(zipped.args) == 2
                and self._is_builtin(zipped.func, "zip")
            ):
                names, values = (self._sole_display(a, depth) for a in zipped.args)
                if (
                    names is not None
                    and values is not None
                    and len(names.elts) == len(values.elts)
                    and all(isinstance(e, ast.Constant) for e in names.elts)
                    and not any(isinstance(e, ast.Starred) for e in values.elts)
                ):
                    made = ast.Dict(keys=list(names.elts), values=list(values.elts))
        self._dicts_made[id(node)] = made
        return made

    def _sole_display(self, node: ast.AST, depth: int = 0) -> ast.Tuple | ast.List | None:
        """The tuple or list display `node` is, or a name is bound once to and read only at
        `node` (so no statement can have changed it)."""
        if isinstance(node, ast.Tuple | ast.List):
            return node
        found = self._literal(node, depth + 1) if isinstance(node, ast.Name) else None
        if not isinstance(found, ast.Tuple | ast.List) or not isinstance(node, ast.Name):
            return None
        home = self._home(node)
        if home is None:
            return None
        others = [n for n in self._loads.get((id(home), node.id), ()) if n is not node]
        return found if all(self._iterated(n) for n in others) else None

    def _iterated(self, node: ast.Name) -> bool:
        """Whether `node` only has its items read where it is: looped over (``for k in
        NAMES``, a comprehension's ``in NAMES``), or handed to ``print``, ``len`` and the
        like, or tested with ``in``."""
        parent = self._parents.get(id(node))
        if isinstance(parent, ast.For):
            # `for k in NAMES: print(k, A[k](1.5))`: the loop reads its items only
            return (
                node is parent.iter
                and isinstance(parent.target, ast.Name)
                and self._target_only_read(parent)
            )
        if isinstance(parent, ast.Compare):
            return (
                node in parent.comparators
                and all(isinstance(op, ast.In | ast.NotIn) for op in parent.ops)
                and not self._value_dunders
            )
        return (
            isinstance(parent, ast.Call)
            and node in parent.args
            and not parent.keywords
            and bool(values := self.value(parent.func))
            and all(isinstance(v, Api) and v.path in _READERS for v in values)
        )

    def _target_only_read(self, loop: ast.For) -> bool:
        """Whether the body of `loop` only reads its target: as a key (``A[k]``), shown, or
        handed to ``print`` and the like (no method of an item, no store)."""
        name = loop.target.id if isinstance(loop.target, ast.Name) else None
        for node in ast.walk(ast.Module(body=[*loop.body, *loop.orelse], type_ignores=[])):
            if not (isinstance(node, ast.Name) and node.id == name):
                continue
            parent = self._parents.get(id(node))
            if not isinstance(node.ctx, ast.Load):
                return False
            if isinstance(parent, ast.Subscript) and parent.slice is node:
                continue
            if isinstance(parent, ast.FormattedValue) and parent.value is node:
                continue
            if (
                isinstance(parent, ast.Call)
                and node in parent.args
                and bool(values := self.value(parent.func))
                and all(isinstance(v, Api) and v.path in _READERS for v in values)
                and not parent.keywords
            ):
                continue
            return False
        return True

    def only_called(self, made: ast.expr) -> bool:
        """Whether what `made` makes is bound to one module-level name and nothing else, and
        that name is never read but to call it (``forward = partial(...)``, then
        ``forward(f, x)``): no code can reach the object to change it."""
        assign = self._parents.get(id(made))
        if not (
            isinstance(assign, ast.Assign)
            and assign.value is made
            and len(assign.targets) == 1
            and isinstance(target := assign.targets[0], ast.Name)
        ):
            return False
        home = self._home(target)
        if home is None or home.kind != "module" or len(home.bindings.get(target.id, [])) != 1:
            return False
        for tree in self.trees.values():  # (`from solutions import forward`, `sol.forward`)
            for sub in ast.walk(tree):
                if (
                    (isinstance(sub, ast.alias) and target.id in (sub.name, sub.asname))
                    or (isinstance(sub, ast.Attribute) and sub.attr == target.id)
                    or (isinstance(sub, ast.Constant) and sub.value == target.id)
                ):
                    return False
        return all(
            isinstance(call := self._parents.get(id(n)), ast.Call)
            and call.func is n
            and not isinstance(n.ctx, ast.Del)
            # (a keyword at the call overrides the partial's own: `_by_hand(x, hand=False)`)
            and not call.keywords
            and not any(isinstance(a, ast.Starred) for a in call.args)
            for n in self._loads.get((id(home), target.id), [])
        )

    @functools.cached_property
    def _loads(self) -> dict[tuple[int, str], list[ast.Name]]:
        """Where each module-level name is read (or deleted), by (module scope, name)."""
        found: dict[tuple[int, str], list[ast.Name]] = {}
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                    home = self._home(node)
                    if home is not None:
                        found.setdefault((id(home), node.id), []).append(node)
        return found

    @functools.cached_property
    def checks(self) -> dict[int, list[ast.Call]]:
        """The self-checks in the submission's functions, by statement, each with the calls
        of its own code it makes (`_check_parts`): ``assert jnp.allclose(mine(1.5),
        jax.grad(jnp.log)(1.5))`` in a decorator, a factory or an ``__init__``. What such a
        statement computes goes to a library's readers and nowhere else, so it changes
        nothing an entry computes; code reaching the function reaches those calls only."""
        found: dict[int, list[ast.Call]] = {}
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, _FUNCTIONS):
                    for statement in node.body:
                        parts = self._check_parts(statement, node, {})
                        if parts is not None:
                            found[id(statement)] = parts
        return found

    def _check_parts(
        self, statement: ast.stmt, function: ast.AST, loops: Mapping[str, bool]
    ) -> list[ast.Call] | None:
        """The calls of the submission's own code in `statement` if it only checks: an
        ``assert``, an ``if`` that raises, a reader's call (``print(...)``), a ``for`` over
        constants of such statements; None if it is not such a statement. Autodiff's
        values may only decide a test there: a message, an exception or an output could
        carry them out, and code could read them back (`_checked`'s `quiet`). `loops`:
        loop variables bound to constants (True: to what a caller handed in)."""
        parts: list[ast.Call] = []
        if isinstance(statement, ast.Assert):
            ok = self._checked(statement.test, function, loops, parts) and (
                statement.msg is None
                or self._checked(statement.msg, function, loops, parts, quiet=self._raised_read)
            )
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            ok = self._checked(statement.value, function, loops, parts, quiet=True)
        elif isinstance(statement, ast.If):
            ok = self._checked(statement.test, function, loops, parts)
            for inner in [*statement.body, *statement.orelse]:
                if isinstance(inner, ast.Raise):
                    found = (
                        []
                        if inner.cause is None
                        and (
                            inner.exc is None
                            or self._checked(
                                inner.exc, function, loops, parts, quiet=self._raised_read
                            )
                        )
                        else None
                    )
                else:
                    found = self._check_parts(inner, function, loops)
                ok = ok and found is not None
                parts += found or []
        elif (
            isinstance(statement, ast.For)
            and isinstance(statement.target, ast.Name)
            and not statement.orelse
            and self._const_like(statement.iter, function, loops, params=True)
        ):
            handed = not self._const_like(statement.iter, function, loops)
            inner_loops = {**loops, statement.target.id: handed}
            ok = True
            for inner in statement.body:
                found = self._check_parts(inner, function, inner_loops)
                ok = ok and found is not None
                parts += found or []
        else:
            return None
        return parts if ok else None

    def _checked(
        self,
        node: ast.expr,
        function: ast.AST,
        loops: Mapping[str, bool],
        parts: list[ast.Call],
        *,
        quiet: bool = False,
        called: bool = False,
    ) -> bool:
        """Whether what `node` computes reaches nothing of the submission's (see `checks`);
        the calls of its own code it makes go to `parts`. `quiet`: nor does it compute
        with autodiff (a message, an output, a string: what the submission could read).
        `called`: a library may call it (``tree_map(hooks[0], ...)``), so it must not be
        what a caller handed in (`_const_like`'s `params`)."""
        # what a caller handed in is data where nothing can call it, nor hand it a value
        # through a dunder of the submission's
        params = not called and not self._value_dunders

        def checked(
            sub: ast.expr,
            inner: Mapping[str, bool] = loops,
            *,
            quiet: bool = quiet,
            called: bool = called,
        ) -> bool:
            return self._checked(sub, function, inner, parts, quiet=quiet, called=called)

        if self._const_like(node, function, loops, params=params) or self._own_result(
            node, function, loops, parts
        ):
            return True
        if isinstance(node, ast.Call):
            if self.dynamic_call(node) is not None:
                return False
            values = self.value(node.func)
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if any(isinstance(a, ast.Starred) for a in node.args) or None in (
                k.arg for k in node.keywords
            ):
                return False
            if values and all(isinstance(v, Api) for v in values):
                paths = [v.path for v in values if isinstance(v, Api)]
                if (
                    not all(_check_reader(path) for path in paths)
                    or any(k.arg == "out" for k in node.keywords)
                    or (quiet and any(path in _CHECK_TRANSFORMS for path in paths))
                ):
                    return False
                # what it makes is shown, or raised: it must not carry autodiff's values
                # where the submission could read them back (`_unread`): a printer's or
                # a test's are out of reach then, text made goes where the check puts it
                shown = [path for path in paths if _shows(path)]
                if not shown:
                    hushed = quiet
                elif not all(self._unread(path) for path in shown):
                    hushed = True
                else:
                    effects = all(p in _PRINTERS or p.startswith("numpy.testing.") for p in shown)
                    hushed = quiet and not effects
                # a library that calls what it is handed (`tree_map`, `jnp.vectorize`)
                calls = any(_calls_arguments(path) for path in paths)
                # the functions a reader is handed are a library's
                return all(
                    self._api_valued(a)
                    or (
                        not isinstance(a, ast.Lambda)
                        and self._const_like(a, function, loops, params=params and not calls)
                    )
                    if isinstance(a, ast.Name | ast.Attribute | ast.Lambda)
                    else checked(a, quiet=hushed, called=called or calls)
                    for a in node.args
                ) and all(self._const_like(k.value, function, loops) for k in node.keywords)
            if isinstance(node.func, ast.Call) and not self._own_call(node.func):
                # `jax.grad(jnp.log)(1.5)`: what a library made, called with constants
                return checked(node.func) and all(
                    self._const_like(a, function, loops, params=True) for a in arguments
                )
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in _ARRAY_READERS
                and not isinstance(node.func.value, ast.Name)
                and not self._own_call(node.func.value)
            ):
                # `jnp.abs(d - ref).max()`, `jax.grad(f)(1.5).item()`: a method of an array
                return checked(node.func.value) and all(
                    self._const_like(a, function, loops) for a in arguments
                )
            return False
        if isinstance(node, ast.BinOp):
            return checked(node.left) and checked(node.right)
        if isinstance(node, ast.UnaryOp):
            return checked(node.operand)
        if isinstance(node, ast.BoolOp | ast.Tuple | ast.List):
            return all(
                checked(i) for i in (node.values if isinstance(node, ast.BoolOp) else node.elts)
            )
        if isinstance(node, ast.Compare):
            return all(checked(i) for i in [node.left, *node.comparators])
        if isinstance(node, ast.JoinedStr):
            return all(
                isinstance(v, ast.Constant)
                or (
                    isinstance(v, ast.FormattedValue)
                    and (  # `{d(2.0):.4f}`, not a spec computed from what it checks
                        v.format_spec is None
                        or all(
                            isinstance(c, ast.Constant | ast.JoinedStr)
                            for c in ast.walk(v.format_spec)
                        )
                    )
                    and checked(v.value, quiet=quiet or bool(self._read_back))
                )
                for v in node.values
            )
        if isinstance(node, ast.GeneratorExp | ast.ListComp):
            inner = dict(loops)
            for generator in node.generators:
                if not (
                    isinstance(generator.target, ast.Name)
                    and not generator.is_async
                    and self._const_like(generator.iter, function, inner, params=params)
                ):
                    return False
                inner[generator.target.id] = not self._const_like(generator.iter, function, inner)
                if not all(checked(i, inner) for i in generator.ifs):
                    return False
            return checked(node.elt, inner)
        if isinstance(node, ast.Subscript):
            return checked(node.value) and self._const_like(
                node.slice, function, loops, params=params
            )
        # `f"{mine.__name__} is wrong"`: a function's name (no class of the submission's
        # has a dunder of its own that could stand in for it)
        return (
            isinstance(node, ast.Attribute)
            and node.attr in ("__name__", "__qualname__")
            and isinstance(node.value, ast.Name)
            and not self._value_dunders
        )

    @functools.cached_property
    def _value_dunders(self) -> bool:
        """Whether a class of the submission's defines a dunder other code may hand a value
        to (an operator's, ``__format__``, ``__array_ufunc__``, ...), by ``def`` or ``=``."""
        benign = {"__init__", "__post_init__", "__init_subclass__", "__repr__", "__str__"}
        for tree in self.trees.values():
            for node in ast.walk(tree):
                # `type("Spy", (), {"__eq__": ...})`, `setattr(K, "__eq__", ...)`
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and _is_dunder(node.value)
                    and node.value not in benign
                ) or (
                    isinstance(node, ast.Call)
                    and len(node.args) == 3
                    and self._is_builtin(node.func, "type")
                ):
                    return True
            for cls in ast.walk(tree):
                if not isinstance(cls, ast.ClassDef):
                    continue
                for member in cls.body:
                    names = (
                        [member.name]
                        if isinstance(member, _DEFS)
                        else [t.id for t in ast.walk(member) if isinstance(t, ast.Name)]
                    )
                    if any(_is_dunder(n) and n not in benign for n in names):
                        return True
        return False

    @functools.cached_property
    def _read_back(self) -> frozenset[str]:
        """How the submission's code could read back what a self-check shows: "output"
        (what ``print`` writes: a stream it could capture, a frame or the collector's
        list that holds it, a printing hook), "raised" (an exception's message: a
        handler that names it, ``sys.exc_info``, ``__exit__``). Read from the names it
        uses, not from what they are: any module beyond `_SEALED_MODULES`, any name of
        `_READ_BACK_NAMES` (as a name, an attribute, a keyword or a string), a dunder
        beyond `_PLAIN_DUNDERS`, a library's private attribute or a format string that
        looks one up (``"{0.stdout}"``) opens both."""
        found: set[str] = set()
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if (isinstance(node, ast.ExceptHandler) and node.name is not None) or isinstance(
                    node, ast.YieldFrom | ast.Await | ast.AsyncFunctionDef
                ):
                    # a handler that names what it caught; `yield from` and `await` read a
                    # `StopIteration`'s value
                    found.add("raised")
                elif self._reads_back(node):
                    return frozenset({"output", "raised"})
        return frozenset(found)

    def _reads_back(self, node: ast.AST) -> bool:
        """Whether `node` opens a way to read back output (see `_read_back`)."""
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.ImportFrom) and node.level:
                return False  # (the submission's own module)
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for module in modules:
                root, *rest = module.split(".")
                if root in self.module_names:
                    continue
                if root not in _SEALED_MODULES or any(
                    part.startswith("_") or part in _READ_BACK_NAMES for part in rest
                ):
                    return True
            if isinstance(node, ast.ImportFrom):
                allowed = _SEALED_ATTRIBUTES.get(node.module or "")
                return any(
                    a.name == "*"
                    or (allowed is not None and a.name not in allowed)
                    or self._read_back_name(a.name)
                    for a in node.names
                )
            return False
        if isinstance(node, ast.Name):
            if node.id in _SEALED_ATTRIBUTES and self._sealed_module(node):
                return False
            return self._read_back_name(node.id) or self._printing_handed(node, node.id)
        if isinstance(node, ast.Attribute):
            base = self.value(node.value) if isinstance(node.value, ast.Name) else frozenset()
            if base and all(isinstance(v, Api) for v in base):
                paths = {v.path for v in base if isinstance(v, Api)}
                if node.attr.startswith("_") and not _is_dunder(node.attr):
                    return True  # (a library's private attribute: `np._core`)
                if paths & {"numpy.testing", "jax.numpy.testing"} and not (
                    node.attr.startswith("assert_") and "raises" not in node.attr
                ):
                    return True  # (its TestCase keeps what a test raises)
                if paths <= set(_SEALED_ATTRIBUTES):
                    return not all(
                        node.attr in _SEALED_ATTRIBUTES[p] or self._shown_stream(node)
                        for p in paths
                    )
            if node.attr in ("format", "format_map") and not (
                isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            ):
                return True  # a format string made at run time may look anything up
            return self._read_back_name(node.attr) or self._printing_handed(node, node.attr)
        if isinstance(node, ast.keyword):
            return node.arg is not None and node.arg in _READ_BACK_NAMES
        if isinstance(node, _DEFS):
            return self._read_back_name(node.name)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # (`"{0.stdout}".format(sys)` looks up an attribute)
            return self._read_back_name(node.value) or bool(_FORMAT_LOOKUP.search(node.value))
        if isinstance(node, ast.Call):
            return self._prints_elsewhere(node) or self._sets_printing(node)
        return False

    def _printing_handed(self, node: ast.Name | ast.Attribute, name: str) -> bool:
        """Whether `node` names NumPy's print options other than to call them in place
        (``partial(np.set_printoptions, ...)``, ``map(np.set_printoptions, ...)``), or
        ``jax.debug.print`` with a format string made at run time."""
        call = self._parents.get(id(node))
        if name == "print" and isinstance(call, ast.Call) and call.func is node:
            return Api("jax.debug.print") in self.value(node) and not (
                call.args
                and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)
            )
        return name in _PRINT_OPTIONS and not (isinstance(call, ast.Call) and call.func is node)

    @staticmethod
    def _read_back_name(name: str) -> bool:
        return name in _READ_BACK_NAMES or (_is_dunder(name) and name not in _PLAIN_DUNDERS)

    def _sealed_module(self, node: ast.Name) -> bool:
        """Whether `node` names ``sys`` or ``os`` as the base of an attribute (what it may
        reach is judged there) and nothing else."""
        parent = self._parents.get(id(node))
        return (
            self.value(node) == {Api(node.id)}
            and isinstance(parent, ast.Attribute)
            and parent.value is node
        )

    def _shown_stream(self, node: ast.Attribute) -> bool:
        """Whether `node` is ``sys.stdout`` or ``sys.stderr`` only written to: ``.write(...)``,
        ``.flush()``, or ``print(..., file=sys.stderr)``."""
        if node.attr not in ("stdout", "stderr") or self.value(node.value) != {Api("sys")}:
            return False
        parent = self._parents.get(id(node))
        if isinstance(parent, ast.keyword):
            call = self._parents.get(id(parent))
            return (
                parent.arg == "file"
                and isinstance(call, ast.Call)
                and self._is_builtin(call.func, "print")
            )
        call = self._parents.get(id(parent))
        return (
            isinstance(parent, ast.Attribute)
            and parent.attr in ("write", "flush")
            and isinstance(call, ast.Call)
            and call.func is parent
        )

    def _prints_elsewhere(self, node: ast.Call) -> bool:
        """Whether `node` is a ``print`` into a file other than ``sys.stdout``/``stderr``."""
        if not self._is_builtin(node.func, "print"):
            return False
        return any(
            k.arg is None
            or (
                k.arg == "file"
                and not (isinstance(k.value, ast.Attribute) and self._shown_stream(k.value))
            )
            for k in node.keywords
        )

    def _sets_printing(self, node: ast.Call) -> bool:
        """Whether `node` sets NumPy's print options beyond plain constants (a ``formatter``
        or ``override_repr`` calls the submission's code with what is printed)."""
        values = self.value(node.func)
        if not any(isinstance(v, Api) and v.leaf in _PRINT_OPTIONS for v in values):
            return False
        return not (
            len(node.args) <= 7
            and all(isinstance(a, ast.Constant) for a in node.args)
            and all(
                k.arg in _PLAIN_PRINT_OPTIONS and isinstance(k.value, ast.Constant)
                for k in node.keywords
            )
        )

    @property
    def _raised_read(self) -> bool:
        """Whether the submission could read an exception's message (`_read_back`)."""
        return "raised" in self._read_back

    def _unread(self, path: str) -> bool:
        """Whether what the library's `path` shows stays out of the submission's reach
        (see `_read_back`): a printer's output, a test's failure, or text and exceptions
        made (``str``, ``ValueError``)."""
        if path in _PRINTERS:
            return "output" not in self._read_back
        if path.startswith("numpy.testing."):
            return "raised" not in self._read_back
        return not self._read_back

    def _own_call(self, node: ast.AST) -> bool:
        """Whether `node` calls code that is not a library's (the submission's, or unknown)."""
        if not isinstance(node, ast.Call):
            return False
        values = self.value(node.func)
        return not values or not all(isinstance(v, Api) for v in values)

    def _own_result(
        self, node: ast.expr, function: ast.AST, loops: Mapping[str, bool], parts: list[ast.Call]
    ) -> bool:
        """Whether `node` calls the submission's own function with constants (``mine(1.5)``,
        ``self.d_log(2.0)``) in a submission whose classes have no dunder a value can be
        handed to (``__eq__``, ``__sub__``, ``__array_ufunc__``, ...): no value the check
        computes then reaches that code. Noted in `parts`."""
        if self._value_dunders or not (
            isinstance(node, ast.Call)
            and self._own_call(node)
            and (  # `mine(1.5)`, `self.d_log(2.0)`: not a method of what the check computes
                isinstance(node.func, ast.Name)
                or (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name))
            )
            and self.dynamic_call(node) is None
            and not any(isinstance(a, ast.Starred) for a in node.args)
            and all(k.arg is not None for k in node.keywords)
            and all(
                self._const_like(a, function, loops, params=True)
                for a in [*node.args, *(k.value for k in node.keywords)]
            )
        ):
            return False
        parts.append(node)
        return True

    def _const_like(
        self,
        node: ast.AST,
        function: ast.AST,
        loops: Mapping[str, bool],
        depth: int = 0,
        *,
        params: bool = False,
    ) -> bool:
        """Whether `node` is built from constants and a library's objects and readers
        alone (``jnp.linspace(0.5, 2.0, 7)``, a loop variable over such, or a local of
        `function` bound once to such), with no function transformed. `params`: what a
        caller handed in counts too (a parameter of an enclosing function, a loop over
        one): the caller's code computed it, and counts where it is written."""
        if depth > 8:
            return False
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            if node.id in loops:
                return params or not loops[node.id]
            values = self.value(node)
            if values and all(isinstance(v, Api) for v in values):
                return True
            scope = self._scope.get(id(node))
            if scope is None:
                return False
            home = self.resolve(node.id, scope)
            bindings = home.bindings.get(node.id, [])
            if home.kind == "function" and len(bindings) == 1 and bindings[0].kind == "param":
                return params  # (`def deco(mine, at=(0.5, 1.0))`)
            return (
                home is scope
                and scope.node is function
                and len(bindings) == 1
                and bindings[0].kind == "assign"
                and not bindings[0].unpack
                and self._const_like(bindings[0].node, function, {}, depth + 1, params=params)
            )
        if isinstance(node, ast.Attribute):
            values = self.value(node)
            return bool(values) and all(isinstance(v, Api) for v in values)
        if isinstance(node, ast.UnaryOp):
            return self._const_like(node.operand, function, loops, depth + 1, params=params)
        if isinstance(node, ast.BinOp):
            return self._const_like(
                node.left, function, loops, depth + 1, params=params
            ) and self._const_like(node.right, function, loops, depth + 1, params=params)
        if isinstance(node, ast.Tuple | ast.List):
            return all(
                self._const_like(e, function, loops, depth + 1, params=params) for e in node.elts
            )
        if isinstance(node, ast.Call):
            values = self.value(node.func)
            return (
                bool(values)
                and all(
                    isinstance(v, Api) and v.leaf not in _JAX_TRANSFORMS and v.leaf != "vmap"
                    for v in values
                )
                and self._reads_only(node)
                and self.dynamic_call(node) is None
                and all(
                    self._const_like(a, function, loops, depth + 1, params=params)
                    for a in [*node.args, *(k.value for k in node.keywords)]
                )
            )
        return False

    def _pure_lambda(self, node: ast.Lambda) -> bool:
        """Whether the lambda `node` only computes from its parameters with a library's
        pure functions (``lambda t: jnp.log(t**2) * jnp.sin(t)``): it keeps nothing."""
        args = node.args
        if args.defaults or any(d is not None for d in args.kw_defaults):
            return False
        own = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        for sub in ast.walk(node.body):
            if isinstance(sub, ast.Name):
                parent = self._parents.get(id(sub))
                if sub.id in own or (isinstance(parent, ast.Attribute) and parent.value is sub):
                    continue  # (the attribute is judged: `jnp.log`)
                values = self.value(sub)
                if not values or not all(
                    isinstance(v, Api) and _pure_function(v.path) for v in values
                ):
                    return False
            elif isinstance(sub, ast.Attribute):
                if isinstance(sub.value, ast.Name) and sub.value.id in own:
                    return False  # (a method of what it is handed)
                parent = self._parents.get(id(sub))
                if not (isinstance(parent, ast.Attribute) and parent.value is sub):
                    values = self.value(sub)
                    if not values or not all(
                        isinstance(v, Api) and _pure_function(v.path) for v in values
                    ):
                        return False
            elif isinstance(sub, ast.Call):
                if any(k.arg in (None, "out") for k in sub.keywords):
                    return False
            elif not isinstance(
                sub,
                ast.BinOp
                | ast.UnaryOp
                | ast.Compare
                | ast.BoolOp
                | ast.IfExp
                | ast.Subscript
                | ast.Slice
                | ast.Tuple
                | ast.List
                | ast.Constant
                | ast.operator
                | ast.unaryop
                | ast.cmpop
                | ast.boolop
                | ast.expr_context,
            ):
                return False
        return True

    def _api_valued(self, node: ast.expr, depth: int = 0) -> bool:
        """Whether `node` can only be a library's pure function (`_pure_function`): by its
        values, or, for a plain
        parameter of a module-level function read nowhere but where it is called, by what
        every one of those calls hands in (``@checked_against(jnp.log)``)."""
        if isinstance(node, ast.Lambda):
            return self._pure_lambda(node)
        values = self.value(node)
        if values and all(isinstance(v, Api) and _pure_function(v.path) for v in values):
            return True
        scope = self._scope.get(id(node)) if isinstance(node, ast.Name) else None
        if scope is None or depth > 3 or not isinstance(node, ast.Name):
            return False
        home = self.resolve(node.id, scope)
        bindings = home.bindings.get(node.id, [])
        function = home.node
        if not (
            home.kind == "function"
            and isinstance(function, _FUNCTIONS)
            and not function.decorator_list  # (a decorator may call it with anything)
            and len(bindings) == 1
            and bindings[0].kind == "param"
            and isinstance(bindings[0].node, ast.arg)
        ):
            return False
        params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
        if node.id not in params:
            return False
        index = params.index(node.id)
        sites = self._call_sites.get(id(function), [])
        module = self._scope.get(id(function))
        loads = self._loads.get((id(module), function.name), []) if module else []
        if (
            not sites
            or module is None
            or module.kind != "module"
            or len(module.bindings.get(function.name, [])) != 1
            or any(not isinstance(call, ast.Call) for call in sites)
            or {id(n) for n in loads} != {id(call.func) for call in sites}  # type: ignore[attr-defined]
        ):
            return False
        for call in sites:
            assert isinstance(call, ast.Call)
            handed = [k.value for k in call.keywords if k.arg == node.id]
            if index < len(call.args):
                handed.append(call.args[index])
            if (
                len(handed) != 1
                or any(isinstance(a, ast.Starred) for a in call.args[: index + 1])
                or any(k.arg is None for k in call.keywords)
                or not self._api_valued(handed[0], depth + 1)
            ):
                return False
        return True

    def reads_files(self, node: ast.Call) -> bool:
        """Whether the call `node` may read a file, or another store outside the process's
        names: ``np.fromfile``, ``open``, ``Path.read_text``, ``pickle.load``, anything of
        an I/O module (``io``, ``os``, ``urllib``, ``fileinput``, ...)."""
        func = node.func
        values = self.value(func)
        if isinstance(func, ast.Attribute) and func.attr in _FILE_CALLS:
            return True  # (`Path(p).read_text()`, on whatever `Path(p)` is)
        return any(
            isinstance(v, Api) and (v.leaf in _FILE_CALLS or _io_api(v.path)) for v in values
        )

    @functools.cached_property
    def file_writers(self) -> list[ast.AST]:
        """The top-level statements that may write a file: each one that names something
        that opens, saves or writes (``arr.tofile("t.bin")``, ``map(Path.write_text,
        ...)``, ``methodcaller("write_text", ...)``), or an I/O module's function, at
        import or in a function."""
        found: dict[int, ast.AST] = {}
        for tree in self.trees.values():
            for node in ast.walk(tree):
                top = self._top.get(id(node))
                if top is None or id(top[2]) in found:
                    continue
                if isinstance(node, ast.Attribute):
                    writes = node.attr in _FILE_WRITES
                elif isinstance(node, ast.Constant):
                    writes = isinstance(node.value, str) and node.value in _FILE_WRITES
                else:
                    writes = False
                if isinstance(node, ast.Name | ast.Attribute) and not writes:
                    values = self.value(node)
                    writes = any(
                        isinstance(v, Api) and (_io_api(v.path) or v.leaf in _FILE_WRITES)
                        for v in values
                    )
                if writes:
                    found[id(top[2])] = top[2]
        return list(found.values())

    def flag_value(self, node: ast.AST | None) -> object:
        """The constant `node` is, for choosing a branch (`Program.taken`): a literal, a
        module-level name bound once to one, or a member of a plain ``Enum`` of the
        submission's (``Mode.FORWARD``); `_UNKNOWN_FLAG` otherwise."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | None):
            return node.value
        if isinstance(node, ast.Name) and (home := self._home(node)) is not None:
            bindings = home.bindings.get(node.id, [])
            deleted = any(  # (`del MODE`: then a builtin of that name)
                isinstance(n.ctx, ast.Del) for n in self._loads.get((id(home), node.id), ())
            )
            if len(bindings) == 1 and bindings[0].kind == "assign" and not bindings[0].unpack:
                if isinstance(bindings[0].node, ast.Constant) and not deleted:
                    return self.flag_value(bindings[0].node)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            values = self.value(node.value)
            cls = next(iter(values)) if len(values) == 1 else None
            if isinstance(cls, Own) and self._plain_enum(cls.node, node.attr):
                return ("member", id(cls.node), node.attr)
        return _UNKNOWN_FLAG

    def _plain_enum(self, cls: ast.AST, member: str) -> bool:
        """Whether `cls` is ``class Mode(Enum)`` with plain members (`member` one of them)
        and nothing else: its members compare by identity."""
        if not (
            isinstance(cls, ast.ClassDef)
            and not cls.decorator_list
            and not cls.keywords
            and len(cls.bases) == 1
            and self.value(cls.bases[0]) == {Api("enum.Enum")}
        ):
            return False
        names, values = set(), []
        for statement in cls.body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # a docstring
            if not (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and not statement.targets[0].id.startswith("_")
            ):
                return False
            names.add(statement.targets[0].id)
            value = statement.value
            if isinstance(value, ast.Call) and not value.args and not value.keywords:
                if self.value(value.func) != {Api("enum.auto")}:
                    return False
                values.append(object())  # (each `auto()` a value of its own)
            elif isinstance(value, ast.Constant) and isinstance(value.value, str | int | float):
                values.append(value.value)
            else:
                return False
        # (two members of one value are one member: `HAND = 1; AUTO = 1`, or `auto()`'s 1)
        autos = [type(v) is object for v in values]
        mixed = any(autos) and not all(autos)
        return (
            member in names
            and not mixed
            and len(set(values)) == len(values) == len(names)
            and not self._enum_patched  # (`enum.Enum = enum.IntEnum`)
            and self._only_members_read(cls, names)
        )

    @functools.cached_property
    def _enum_patched(self) -> bool:
        """Whether the submission stores into the ``enum`` module (``enum.Enum = ...``)."""
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and not isinstance(node.ctx, ast.Load)
                    and any(
                        isinstance(v, Api) and v.path.split(".")[0] == "enum"
                        for v in self.value(node.value)
                    )
                ):
                    return True
        return False

    def _only_members_read(self, cls: ast.ClassDef, members: set[str]) -> bool:
        """Whether the class `cls` is read nowhere but as ``Cls.MEMBER`` or in annotations:
        not looped over, stored into (``Mode.__eq__ = ...``), rebound, nor handed on."""
        scope = self._scope.get(id(cls))
        if scope is None or scope.kind != "module" or len(scope.bindings.get(cls.name, [])) != 1:
            return False
        for node in self._loads.get((id(scope), cls.name), ()):
            parent = self._parents.get(id(node))
            if (
                isinstance(parent, ast.Attribute)
                and isinstance(parent.ctx, ast.Load)
                and parent.attr in members
                and not isinstance(self._parents.get(id(parent)), ast.Attribute)
            ):
                continue  # `Mode.FORWARD` (not `Mode.FORWARD._value_`)
            if self._in_annotation(node):
                continue
            return False
        return True

    def _in_annotation(self, node: ast.AST) -> bool:
        """Whether `node` is part of an annotation (``mode: Mode = Mode.REVERSE``)."""
        child, parent = node, self._parents.get(id(node))
        while parent is not None and not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.arg) and parent.annotation is child:
                return True
            child, parent = parent, self._parents.get(id(parent))
        return (isinstance(parent, ast.AnnAssign) and parent.annotation is child) or (
            isinstance(parent, _FUNCTIONS) and parent.returns is child
        )

    def flags(self, call: ast.Call, function: ast.FunctionDef) -> dict[str, object] | None:
        """What each parameter of `function` that chooses a branch of it is at `call`
        (``differentiate(f, x, Mode.FORWARD)``), when every one is a constant and no
        statement can have changed the function's defaults; else None."""
        chosen = self._flag_parameters(function)
        if not chosen or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        if any(k.arg is None for k in call.keywords):
            return None
        args = function.args
        positional = [a.arg for a in [*args.posonlyargs, *args.args]]
        defaults = dict(zip(reversed(positional), reversed(args.defaults), strict=False))
        defaults |= {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d}
        scope = self._scope.get(id(function))
        if scope is not None and self._touches.get((id(scope), function.name)):
            defaults = {}  # `differentiate.__defaults__ = ...`
        found: dict[str, object] = {}
        by_keyword = {a.arg for a in [*args.args, *args.kwonlyargs]}  # (not positional-only)
        for name in chosen:
            given = [k.value for k in call.keywords if k.arg == name and name in by_keyword]
            if name in positional and positional.index(name) < len(call.args):
                given.append(call.args[positional.index(name)])
            if len(given) > 1:
                return None
            value = self.flag_value(given[0] if given else defaults.get(name))
            if value is _UNKNOWN_FLAG:
                return None
            found[name] = value
        return found

    @functools.cache  # noqa: B019 (one Program per submission, cached itself)
    def _flag_parameters(self, function: ast.FunctionDef) -> frozenset[str]:
        """The parameters of `function` an ``if`` of its body tests against constants
        (``if mode is Mode.FORWARD:``), never rebound."""
        args = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        scope = self._scope.get(id(args[0])) if args else None
        if scope is None:
            return frozenset()
        tested: set[str] = set()
        for sub in _own_body(function):
            if isinstance(sub, ast.If):
                tested |= _tested_names(sub.test)
            elif isinstance(sub, _FUNCTIONS) and not sub.decorator_list:
                # `def derive(f, x): if mode == "forward": ...` in a factory: its closure
                tested |= self._closure_tests(sub)
        return frozenset(
            name
            for name in tested
            if len(scope.bindings.get(name, [])) == 1
            and scope.bindings[name][0].kind == "param"
            and name not in scope.nonlocals | scope.globals
        )

    def _closure_tests(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
        """The names the ``if`` tests of `function`'s own body read from the scope around it
        (not bound in it)."""
        own = self._scope_of_body.get(id(function))
        if own is None:
            return set()
        return {
            name
            for sub in _own_body(function)
            if isinstance(sub, ast.If)
            for name in _tested_names(sub.test)
            if name not in own.bindings and name not in own.globals
        }

    def taken(self, test: ast.expr, flags: Mapping[str, object]) -> bool | None:
        """Whether the branch test `test` holds when the parameters are `flags`; None when
        that cannot be told (``mode is Mode.FORWARD``, ``mode == "rev"``, ``not fwd``)."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.taken(test.operand, flags)
            return None if inner is None else not inner
        if isinstance(test, ast.Name) and test.id in flags:
            value = flags[test.id]
            return None if isinstance(value, tuple) else bool(value)
        if isinstance(test, ast.BoolOp):
            values = [self.taken(v, flags) for v in test.values]
            if isinstance(test.op, ast.And):
                return False if False in values else (None if None in values else True)
            return True if True in values else (None if None in values else False)
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if (
            isinstance(right, ast.Name)
            and right.id in flags
            and not isinstance(op, ast.In | ast.NotIn)
        ):
            left, right = right, left
        if not (isinstance(left, ast.Name) and left.id in flags):
            return None
        value = flags[left.id]
        if isinstance(op, ast.In | ast.NotIn):
            if not isinstance(right, ast.Tuple | ast.List | ast.Set):
                return None
            others = [self.flag_value(e) for e in right.elts]
            if _UNKNOWN_FLAG in others:
                return None
            inside = any(_same_flag(value, o) for o in others)
            return inside if isinstance(op, ast.In) else not inside
        other = self.flag_value(right)
        if other is _UNKNOWN_FLAG:
            return None
        if isinstance(op, ast.Eq | ast.NotEq):
            equal = _same_flag(value, other)
            return equal if isinstance(op, ast.Eq) else not equal
        if isinstance(op, ast.Is | ast.IsNot) and (
            isinstance(value, tuple) or value is None or isinstance(value, bool)
        ):
            same = _same_flag(value, other) and type(value) is type(other)
            return same if isinstance(op, ast.Is) else not same
        return None

    def mapped(self, node: ast.AST) -> tuple[ast.expr, ast.Tuple | ast.List] | None:
        """``(jnp.vectorize, [...])`` where `node` is ``map(jnp.vectorize, [...])``: a
        library function (JAX's, numpy's or gradkit's) over a display (`_sole_display`)."""
        if not (
            isinstance(node, ast.Call)
            and len(node.args) == 2
            and not node.keywords
            and self._is_builtin(node.func, "map")
        ):
            return None
        values = self.value(node.args[0])
        if not values or not all(
            isinstance(v, Api)
            and v.path.split(".")[0] in ("jax", "numpy", "gradkit")
            and not v.leaf.startswith(("set", "put", "copyto", "place", "fill"))
            for v in values
        ):
            return None
        display = self._sole_display(node.args[1])
        if display is None or any(isinstance(e, ast.Starred) for e in display.elts):
            return None
        return node.args[0], display

    def fold(self, node: ast.AST, depth: int = 0) -> str | None:
        """The constant string `node` evaluates to, if it can be folded without running code."""
        if depth > 20:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.fold(node.left, depth + 1), self.fold(node.right, depth + 1)
            if left is not None and right is not None and len(left) + len(right) <= _MAX_FOLD:
                return left + right
        if isinstance(node, ast.JoinedStr):
            parts = [
                self.fold(v.value if isinstance(v, ast.FormattedValue) else v, depth + 1)
                for v in node.values
            ]
            if all(p is not None for p in parts):
                return "".join(parts)  # type: ignore[arg-type]
        if isinstance(node, ast.Name):
            scope = self._scope.get(id(node))
            bindings = self.lookup(node.id, scope) if scope else None
            if bindings and len(bindings) == 1 and bindings[0].kind == "assign":
                if not bindings[0].unpack:
                    return self.fold(bindings[0].node, depth + 1)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            text = self.fold(node.value, depth + 1)
            parts = [node.slice.lower, node.slice.upper, node.slice.step]
            bounds = [_int(p) for p in parts]
            if text is not None and all(b is None or type(b) is int for b in bounds):
                return text[slice(*bounds)]  # type: ignore[misc]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            text = self.fold(node.func.value, depth + 1)
            args = [self.fold(a, depth + 1) for a in node.args]
            method = node.func.attr
            if text is not None and not node.keywords and all(a is not None for a in args):
                if method in ("lower", "upper", "strip", "casefold", "title") and not args:
                    return getattr(text, method)()
                if method == "replace" and len(args) == 2:
                    out = text.replace(*args)  # type: ignore[arg-type]
                    return out if len(out) <= _MAX_FOLD else None
            if method == "join" and text is not None and len(node.args) == 1:
                items = node.args[0]
                if isinstance(items, ast.List | ast.Tuple):
                    parts = [self.fold(e, depth + 1) for e in items.elts]
                    if all(p is not None for p in parts):
                        out = text.join(parts)  # type: ignore[arg-type]
                        return out if len(out) <= _MAX_FOLD else None
        return None

    # -- what can rebind names behind the AST's back ---------------------------------------
    def _defined_attributes(self) -> frozenset[str]:
        """Attribute names the submission defines: class members and attribute stores.

        Also indexes, by attribute name, the code that can give an attribute its value: every
        class's member bindings (``self.helper`` may be any class's ``helper``) and every
        statement that stores into an attribute (``obj.f = ...``, ``self.f = ...``).
        """
        names: set[str] = set()
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    for name, bindings in self._scope_of_body[id(node)].bindings.items():
                        names.add(name)
                        self._members.setdefault(name, []).extend(bindings)
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    names.add(node.attr)
                    holder: ast.AST | None = self._parents.get(id(node))
                    while holder is not None and not isinstance(
                        holder, ast.stmt | ast.comprehension
                    ):
                        holder = self._parents.get(id(holder))
                    if isinstance(holder, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
                        # `for obj.f in ...`, `with ... as obj.f`: a store too
                        self._stores.setdefault(node.attr, []).append(holder)
                    elif isinstance(holder, ast.comprehension):
                        self._stores.setdefault(node.attr, []).append(holder)
                elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
                    targets = (
                        node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                    )
                    for target in targets:
                        for sub in ast.walk(target):
                            # `obj.f = ...`, and `obj.table[k] = ...`: a change of `.table`
                            if isinstance(sub, ast.Attribute) and (
                                isinstance(sub.ctx, ast.Store) or target is not sub
                            ):
                                self._stores.setdefault(sub.attr, []).append(node)
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Attribute)
                ):
                    # `self.items.append(g)`: a change of `.items`, by a method of what it holds
                    self._stores.setdefault(node.func.value.attr, []).append(node)
        return frozenset(names)

    def _runnable(self, mains: list[str]) -> set[str]:
        """The files that can run: the main file(s) and the siblings they import, in turn.

        A file beside ``solutions.py`` that nothing imports (``test_solutions.py``, a
        scratch file) is never run by the worker: what it does cannot change a grade.
        """
        runnable = {name for name in mains if name in self.trees}
        todo = list(runnable)
        while todo:
            for node in ast.walk(self.trees[todo.pop()]):
                named: list[str] = []
                if isinstance(node, ast.Import):
                    named = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    if node.module:
                        named = [node.module.split(".")[0]]
                    if node.level or not node.module:  # from . import helpers
                        named += [a.name for a in node.names]
                for module in named:
                    file = f"{module}.py"
                    if module in self.modules and file not in runnable:
                        runnable.add(file)
                        todo.append(file)
        return runnable

    def _find_callbacks(self, runnable: set[str], skip_main_guards: bool) -> list[ast.AST]:
        """The submission's functions and classes handed to code that may call them later, at
        any time: ``codecs.register(search)``, ``sys.addaudithook(hook.__call__)``,
        ``signal.signal(n, partial(handler))``, ``np.seterrcall(on_error)``,
        ``logging.getLogger().handlers.append(Handler())``. An entry may set them off
        without naming them (``"".encode("my_codec")``): every entry reaches them.

        A hook is a call of anything but a pure function of JAX, numpy, gradkit and the
        like (`_COMPUTE`; their ``set*``, ``register*`` and ``add*`` are hooks too); what
        it is handed is each function of the submission's named in its arguments but not
        called there (``plt.plot(xs, df(xs))`` hands over a result), and each class.
        """
        found: list[ast.AST] = []
        for name in sorted(runnable):
            runs: list[ast.AST] = []
            for top in self.trees[name].body:  # a main guard's body never runs when graded
                guarded = skip_main_guards and is_main_guard(top)
                runs += [top.test, *top.orelse] if guarded else [top]  # type: ignore[attr-defined]
            for node in (sub for top in runs for sub in ast.walk(top)):
                if not isinstance(node, ast.Call) or not self._hook(node):
                    continue
                calls = [
                    c for arg in _arguments(node) for c in ast.walk(arg) if isinstance(c, ast.Call)
                ]
                # `f(x)` hands over a result; so does `jax.vmap(jax.grad(f))(xs)`, a call of
                # what is made of `f` there
                called = {id(c.func) for c in calls} | {
                    id(a) for c in calls if isinstance(c.func, ast.Call) for a in ast.walk(c.func)
                }
                for arg in _arguments(node):
                    for sub in ast.walk(arg):
                        if isinstance(sub, ast.Lambda) and id(sub) not in called:
                            found.append(sub)  # `codecs.register(lambda name: ...)`
                        if not isinstance(sub, ast.Name) or not isinstance(sub.ctx, ast.Load):
                            continue
                        for v in self.value(sub):
                            if isinstance(v, Own) and (
                                isinstance(v.node, ast.ClassDef)
                                or id(sub) not in called
                                or self._makes_function(v.node)  # `register(make_search())`
                            ):
                                found.append(v.node)
        return found

    def _makes_function(self, node: ast.AST) -> bool:
        """Whether the function `node` returns a function of the submission's (a factory)."""
        return isinstance(node, _FUNCTIONS) and any(
            isinstance(v, Own) for r in _returns(node) for v in self.value(r)
        )

    def _own_object_method(self, node: ast.Call) -> bool:
        """Whether `node` calls a method of a list, dict or set the submission builds at
        module level (``results = []`` ... ``results.append(fn)``): what it changes is that
        container, whose readers reach this statement (see `_index_touches`). Not a method
        of what a library built (``log = logging.getLogger()``: ``log.handlers.append``)."""
        func = node.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return False
        home = self._home(func.value)
        return home is not None and all(
            b.kind == "assign" and isinstance(b.node, _DISPLAYS)
            for b in home.bindings[func.value.id]
        )

    def _reads_only(self, node: ast.Call) -> bool:
        """Whether the call `node` only reads what it is given (``print``, ``len``,
        ``jnp.allclose``), never stores into it."""
        if isinstance(node.func, ast.Call) and (made := self.value(node.func.func)):
            # `jax.grad(f)(p)`: JAX hands the function arrays and tracers made from what it
            # is given, never the object itself
            if all(
                isinstance(v, Api)
                and (v.path in _MAKES_FUNCTIONS or v.path == "jax.numpy.vectorize")
                for v in made
            ):
                return True
        values = self.value(node.func)
        if any(
            isinstance(k.value, ast.Lambda)
            or (
                not isinstance(k.value, ast.Constant)
                and any(isinstance(v, Own) or v is UNKNOWN for v in self.value(k.value))
            )
            for k in node.keywords
            if k.arg in ("key", "is_leaf", "default")
        ):
            return False  # `sorted(FUNCS, key=lambda b: b.insert(0, g))`: calls it on each
        return bool(values) and all(
            isinstance(v, Api)
            and (
                v.path in _READERS
                or (
                    v.path.split(".")[0] in ("jax", "numpy", "math", "gradkit")
                    and not v.leaf.startswith(("set", "put", "copyto", "place", "fill"))
                )
            )
            for v in values
        )

    def _hook(self, node: ast.Call) -> bool:
        """Whether the call `node` may keep what it is given, to call it later (and use
        what it returns)."""
        values = self.value(node.func)
        if self._own_object_method(node):
            return False  # `results.append(fn)`: a list of its own, whose readers it shows
        if self._registered_class(node) is not None or self._event_hook(node, values):
            return False
        if self._record_maker(node.func):
            return False  # `types.SimpleNamespace(dsin=...)`: its readers reach what it holds
        # (judged over all of its values, in no particular order: a frozenset's order
        # changes from run to run, and so would the grade)
        hooks = False
        for v in values:
            if not isinstance(v, Api):
                continue
            leaf, root = v.leaf, v.path.split(".")[0]
            if root == "atexit" or root in self.module_names:
                continue  # runs as the worker exits; or a file of the submission's own
            if v.path in _HOOKS or leaf.startswith(("register", "add", "set")):
                hooks = True
            elif root not in _COMPUTE:
                hooks = True
        if hooks:
            return True
        if any(isinstance(v, Own) for v in values):
            return False  # the submission's own code, which the rules read
        return UNKNOWN in values  # a method of something untraced: `handlers.append(...)`

    def _record_maker(self, func: ast.AST) -> bool:
        """Whether calling `func` makes a record that only holds what it is given: a
        `types.SimpleNamespace`, a read-only mapping, an enum member, or an instance of a
        class made by `collections.namedtuple` (``Tools = namedtuple(...)``)."""
        values = self.value(func)
        if values and all(isinstance(v, Api) and v.path in _RECORDS for v in values):
            return True
        if not isinstance(func, ast.Name) or (scope := self._scope.get(id(func))) is None:
            return False
        bindings = self.lookup(func.id, scope) or []
        return bool(bindings) and all(
            b.kind == "assign"
            and isinstance(b.node, ast.Call)
            and not b.unpack
            and all(
                isinstance(v, Api) and v.path in _RECORD_CLASSES for v in self.value(b.node.func)
            )
            for b in bindings
        )

    def _registered_class(self, node: ast.Call) -> ast.ClassDef | None:
        """The submission's class that `node` registers with JAX as a pytree, if it does
        (``register_pytree_node(Cubic, flatten, unflatten)``): what it keeps runs only on
        that class's objects, so only code that reaches the class reaches it."""
        values = self.value(node.func)
        if not node.args or not values:
            return None
        if not all(
            isinstance(v, Api) and v.leaf in _PYTREE_REGISTRATIONS and v.path.startswith("jax.")
            for v in values
        ):
            return None
        classes = self.value(node.args[0])
        if len(classes) == 1:
            (only,) = classes
            if isinstance(only, Own) and isinstance(only.node, ast.ClassDef):
                return only.node
        return None

    def _event_hook(self, node: ast.Call, values: frozenset[Value]) -> bool:
        """Whether `node` hands functions to a user interface that calls them on its events
        and drops what they return (`_EVENT_HOOKS`)."""
        func = node.func
        if isinstance(func, ast.Name) and (scope := self._scope.get(id(func))) is not None:
            # `try: from ipywidgets import interact` / `except ImportError: interact = None`
            bindings = self.lookup(func.id, scope) or []
            return bool(bindings) and all(
                (b.kind == "assign" and isinstance(b.node, ast.Constant) and b.node.value is None)
                or (
                    (found := set(self.binding_value(b)))
                    and all(isinstance(v, Api) and v.leaf in _EVENT_HOOKS for v in found)
                )
                for b in bindings
            )
        spelled = func.attr if isinstance(func, ast.Attribute) else None
        return bool(values) and all(
            (isinstance(v, Api) and v.leaf in _EVENT_HOOKS)
            or (v is UNKNOWN and spelled in _EVENT_HOOKS)
            for v in values
        )

    def _index_call_sites(self) -> dict[int, list[ast.AST]]:
        """Where each function of the submission's may be called: the calls of it (a method
        called on something untraced counts for every method of that name; a class call for
        its ``__init__`` and ``__call__``), and each ``def`` or ``class`` it decorates."""
        sites: dict[int, list[ast.AST]] = {}

        def add(target: ast.AST, site: ast.AST) -> None:
            if isinstance(target, ast.ClassDef):
                for member in target.body:
                    if isinstance(member, _FUNCTIONS) and member.name in ("__init__", "__call__"):
                        sites.setdefault(id(member), []).append(site)
            else:
                sites.setdefault(id(target), []).append(site)

        classes = self._classes
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    values = self.value(node.func)
                    for v in values:
                        if isinstance(v, Own):
                            add(v.node, node)
                    if self._class_parameter(node.func) is not None:
                        for cls in classes:  # `cls(...)`: this class's or a subclass's
                            add(cls, node)
                    if isinstance(node.func, ast.Attribute) and (
                        made := self.record_field(node.func)
                    ):  # `LOG.put(g)` of `LOG = SimpleNamespace(put=_put)`
                        for keyword in made.keywords:
                            if keyword.arg == node.func.attr:
                                for v in self.value(keyword.value):
                                    if isinstance(v, Own):
                                        add(v.node, node)
                    if isinstance(node.func, ast.Attribute) and UNKNOWN in values:
                        for b in self._members.get(node.func.attr, []):
                            if b.kind == "def":
                                add(b.node, node)
                elif isinstance(node, _DEFS):
                    for decorator in node.decorator_list:
                        for v in self.value(decorator):
                            if isinstance(v, Own):
                                add(v.node, node)
        return sites

    def stores_parameter(self, node: ast.Name) -> bool:
        """Whether the parameter `node` reads is kept where other code can find it: in a
        statement that stores into a global, an attribute or an item, or hands it to a
        method of an object (``global _k; _k = fn``, ``types.dfx = g``,
        ``_out.append(cb())``; not ``jax.debug.print(..., x=x)``)."""
        parent = self._parents.get(id(node))
        if (
            isinstance(parent, ast.Attribute)
            and parent.attr in _METADATA
            and not self._metadata_used
        ):
            return False  # `wrapper.__name__ = fn.__name__`: a string, not `fn`
        statement: ast.AST | None = node
        below: ast.AST = node  # the statement's child the parameter is read in
        while statement is not None and not isinstance(statement, ast.stmt | ast.Lambda):
            below, statement = statement, self._parents.get(id(statement))
        if isinstance(statement, ast.Lambda):  # `lambda g: _impl.insert(0, g)`: its calls
            return any(
                self._hands_to_method(call, node)
                for call in ast.walk(statement.body)
                if isinstance(call, ast.Call)
            )
        scope = self._scope.get(id(node))
        if self._stores_beside(statement, below):
            return True  # `for _box[0] in [fn]`, `with cm(fn) as _box[0]`
        if any(
            isinstance(call, ast.Call) and self._hands_to_method(call, node)
            for call in ast.walk(below)
        ):
            return True  # `if BOX.insert(0, g) is None:`, `assert keep.append(g) is None`
        if getattr(statement, "value", None) is not below:
            return False  # read in a target (`CALLS[fn.__name__] += 1`): its key, not kept
        if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            # `self.fn = fn` in `__init__` keeps it in the instance, whose making (`@counted
            # def d_log`, `k = Keep(g)`) its readers reach: not every call's argument
            return any(
                (not isinstance(t, ast.Name) and not self._kept_by_instance(t, scope))
                or (
                    isinstance(t, ast.Name)
                    and scope is not None
                    and (t.id in scope.globals or t.id in scope.nonlocals)
                )
                for target in targets
                for t in ([target] if not isinstance(target, ast.Tuple | ast.List) else target.elts)
            )
        if isinstance(statement, ast.Expr | ast.Return) and isinstance(
            call := statement.value, ast.Call
        ):
            return self._hands_to_method(call, node)  # (`return _box.insert(0, g)` too)
        return False

    def called_unseen(self, function: ast.AST) -> bool:
        """Whether something the rules do not see may call `function`, with anything: an
        operator (a dunder: ``__eq__``), JAX (a ``custom_jvp`` rule, a callback), a library
        it is handed to (``tree_map(keep, ...)``), or what a lambda written inline is
        handed to. Not an entry, which only the grader calls."""
        if isinstance(function, ast.Lambda):
            parent = self._parents.get(id(function))
            return not (isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is function)
        if not isinstance(function, _FUNCTIONS):
            return False
        if _is_dunder(function.name) or any(
            isinstance(d, ast.Attribute) and d.attr.startswith("def")  # `@own.defjvp`
            for d in function.decorator_list
        ):
            return True
        scope = self._scope.get(id(function))
        if scope is None:
            return False
        home = self.resolve(function.name, scope)
        for node in self._loads.get((id(home), function.name), ()):
            parent = self._parents.get(id(node))
            if not (isinstance(parent, ast.Call) and parent.func is node):
                return True  # handed on as a value (`jax.debug.callback(keep, ...)`)
        return False

    def _stores_beside(self, statement: ast.AST | None, below: ast.AST) -> bool:
        """Whether the part of `statement` a parameter is read in (`below`) stores into an
        item or an attribute through a binding target: ``for _box[0] in [fn]``, ``with
        cm(fn) as _box[0]``, ``[None for _box[0] in [fn]]``."""
        targets: list[ast.AST] = []
        if isinstance(statement, ast.For | ast.AsyncFor) and below is statement.iter:
            targets.append(statement.target)
        elif isinstance(statement, ast.With | ast.AsyncWith):
            targets += [item.optional_vars for item in statement.items if item.optional_vars]
        targets += [c.target for c in ast.walk(below) if isinstance(c, ast.comprehension)]
        return any(
            isinstance(t, ast.Attribute | ast.Subscript)
            for target in targets
            for t in ast.walk(target)
        )

    def _hands_to_method(self, call: ast.Call, node: ast.Name) -> bool:
        """Whether `call` hands what `node` reads to a method of an object that can keep it
        (``_out.append(g)``, not ``logger.debug(g)`` nor ``jax.debug.print(g)``)."""
        func = call.func
        handed = any(node in ast.walk(argument) for argument in [*call.args, *call.keywords])
        if not handed or not isinstance(func, ast.Attribute):
            return False
        base = func.value
        if isinstance(base, ast.Name):  # `_out.append(...)`, not `logger.debug(...)`
            home = self._home(base)
            return (
                (home is not None and (id(home), base.id) in self._holder_keys)
                or any(isinstance(v, Own) for v in self.value(base))
                or self._mutable_default(base)  # `def df(x, _box=[])`
            )
        return not all(isinstance(v, Api) for v in self.value(base))  # not `jax.debug`

    @functools.cached_property
    def _metadata_used(self) -> bool:
        """Whether some code reads a ``__name__``/``__doc__`` (`_METADATA`) other than to
        show it or copy it into another's: calls it, keeps it in a name, hands it to code
        of its own. Then what a store puts there may be a function that runs."""
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.Attribute)
                    and node.attr in _METADATA
                    and isinstance(node.ctx, ast.Load)
                ):
                    continue
                parent = self._parents.get(id(node))
                if isinstance(parent, ast.FormattedValue | ast.Compare | ast.BinOp):
                    continue  # f"{fn.__name__}", `fn.__name__ == "d_log"`, "d/" + fn.__name__
                if isinstance(parent, ast.Assign) and all(
                    isinstance(t, ast.Attribute) and t.attr in _METADATA for t in parent.targets
                ):
                    continue  # `wrapper.__name__ = fn.__name__`
                if isinstance(parent, ast.Call) and parent.func is not node:
                    if not any(isinstance(v, Own) for v in self.value(parent.func)):
                        continue  # `print(fn.__name__)`, `CALLS.get(fn.__name__, 0)`
                if isinstance(parent, ast.Subscript) and parent.slice is node:
                    continue  # `CALLS[fn.__name__] += 1`
                if isinstance(parent, ast.keyword | ast.JoinedStr | ast.Tuple):
                    continue
                return True
        return False

    def _find_class_hooks(self) -> dict[int, list[ast.AST]]:
        """The pytree registrations of each of the submission's classes (`_registered_class`)."""
        found: dict[int, list[ast.AST]] = {}
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    registered = self._registered_class(node)
                    if registered is not None:
                        found.setdefault(id(registered), []).append(node)
        return found

    def _live_defs(self, trees: list[ast.Module], skip_main_guards: bool) -> set[int]:
        """The top-level functions of the main file(s) whose bodies can run.

        A function runs if the grader may call it (its name is an entry of an exercise)
        or code that runs refers to it; one that only a main guard calls (``def main():``
        ... ``if __name__ == "__main__": main()``) never runs when graded.
        """
        from .. import exercises  # the registry: every installed exercise's entries

        entries = {entry.name for spec in exercises for entry in spec.entries}
        defs: dict[str, list[ast.AST]] = {}
        todo: list[ast.AST] = []
        for tree in trees:
            for node in tree.body:
                if isinstance(node, _FUNCTIONS):
                    defs.setdefault(node.name, []).append(node)
                    todo += _header(node)
                elif skip_main_guards and is_main_guard(node):
                    todo += [node.test, *node.orelse]  # type: ignore[attr-defined]
                else:
                    todo.append(node)
        live: set[int] = set()
        # the grader may call an entry; a decorator may call what it decorates
        # (`@lambda fn: fn()`); Python calls a module's `__getattr__` and friends itself
        wanted = (set(entries) & set(defs)) | {
            name
            for name, nodes in defs.items()
            if (name.startswith("__") and name.endswith("__"))
            or any(n.decorator_list for n in nodes)  # type: ignore[attr-defined]
        }
        while wanted or todo:
            for name in wanted:
                for node in defs.get(name, ()):
                    if id(node) not in live:
                        live.add(id(node))
                        todo += node.body  # type: ignore[attr-defined]
            wanted = set()
            for root in todo:
                for node in ast.walk(root):
                    if isinstance(node, ast.Name) and node.id in defs:
                        wanted.add(node.id)
            todo = []
            wanted = {n for n in wanted if any(id(d) not in live for d in defs[n])}
        return live

    def _rebinds(self, tree: ast.Module, skip_main_guards: bool, live: set[int]) -> ast.AST | None:
        """The first code in `tree` that can rebind names or reach code without the AST
        showing it, or None.

        With `skip_main_guards`, the body of a top-level ``if __name__ == "__main__":``
        is not read (its test and ``else:`` are): the grader imports the submission as
        a module that is not ``__main__``, so that code never runs. Nor is the body of a
        top-level function that is not `live` (see `_live_defs`).
        """
        rebinding = DYNAMIC_BUILTINS | {"setattr", "delattr"}
        for node in (
            sub for top in self._runs(tree, skip_main_guards, live) for sub in ast.walk(top)
        ):
            if id(node) in self._code_annotations:
                return node
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id == "__builtins__":
                    return node
                if id(node) not in self._quiet and any(
                    isinstance(v, Api) and v.path.startswith("builtins.") and v.leaf in rebinding
                    for v in self.value(node)
                ):
                    return node  # `exec`, `from builtins import exec as run`
                if id(node) not in self.harmless and any(
                    isinstance(v, Api) and self._dynamic_load(v.path, node)
                    for v in self.value(node)
                ):
                    return node  # from pickle import loads
            elif isinstance(node, ast.Call) and (
                self.dynamic_call(node) or self._looks_up_dynamic(node)
            ):
                return node
            elif isinstance(node, ast.Attribute):
                if node.attr in DYNAMIC_ATTRIBUTES and id(node) not in self._quiet:
                    return node
                if isinstance(node.ctx, ast.Load) and any(
                    isinstance(v, Api) and _under(v.path, (TAYLOR_MODE,)) for v in self.value(node)
                ):
                    return node  # `jax.experimental.jet`, as the import above
                if node.attr in rebinding and Api(f"builtins.{node.attr}") in self.value(node):
                    return node  # `builtins.exec`, `builtins.globals`
                if (
                    isinstance(node.ctx, ast.Load)
                    and id(node) not in self.harmless
                    and any(
                        isinstance(v, Api) and self._dynamic_load(v.path, node)
                        for v in self.value(node)
                    )
                ):
                    return node
            elif isinstance(node, ast.Import | ast.ImportFrom):
                spelled = _imported(node)
                if any(_under(name, (TAYLOR_MODE,)) for name in spelled):
                    return node  # its derivatives leave no trace in the compiled program
                heads = {name.split(".")[0] for name in spelled}
                if isinstance(node, ast.ImportFrom) and node.level and not node.module:
                    if any(a.name.startswith("__") for a in node.names):
                        return node  # from . import __dict__: the module's namespace
                # (importlib's own doors count where they are used; so do builtins' doors,
                # `builtins.exec`, and a store into it is read by every entry: see
                # `_find_module_stores`)
                if heads & {"submission", MAIN.removesuffix(".py")}:
                    return node
        return None

    def _runs(self, tree: ast.Module, skip_main_guards: bool, live: set[int]) -> list[ast.AST]:
        """The code of `tree` that runs when the worker imports it (see `_rebinds`)."""
        runs: list[ast.AST] = []
        for node in tree.body:
            if skip_main_guards and is_main_guard(node):
                runs += [node.test, *node.orelse]  # type: ignore[attr-defined]
            elif isinstance(node, _FUNCTIONS) and id(node) not in live and tree in self._mains:
                runs += _header(node)
            else:
                runs.append(node)
        return runs

    def _find_module_stores(
        self, runnable: set[str], skip_main_guards: bool, live: set[int]
    ) -> list[ast.AST]:
        """The statements that store into an attribute of an imported module or class, or of
        a sibling file (``warnings.formatwarning = ...``, ``jnp.sin = ...``), or of what the
        rules cannot trace (``_m = next(iter([jnp])); _m.sin = ...``), and every store of a
        dunder but into ``self`` (``Tracer.__invert__ = ...``, ``K.__neg__ = ...``).

        What they store may be read under that name from anywhere (by the library itself,
        too: `warnings.warn` calls `formatwarning`; an operator calls its dunder without
        spelling it), so every entry reaches them, whole. A store into the submission's own
        object or class, or into ``self`` (``self.h = 1e-3``), is reached by its name.
        """
        found: list[ast.AST] = []
        for name in sorted(runnable):
            for top in self._runs(self.trees[name], skip_main_guards, live):
                for node in ast.walk(top):
                    if (
                        isinstance(node, ast.Attribute)
                        and not isinstance(node.ctx, ast.Load)
                        and not self._self_rooted(node.value)
                        and node.attr not in _METADATA  # `f.__doc__ = ...` changes no result
                        and (_is_dunder(node.attr) or self._foreign(node.value))
                    ):
                        statement: ast.AST = node
                        while not isinstance(statement, ast.stmt):
                            statement = self._parents[id(statement)]
                        found.append(statement)
        return found

    def read_whole(self, node: ast.AST) -> list[ast.ClassDef]:
        """The submission's classes whose instances (or the classes themselves) `node` reads
        other than by an attribute's name: every field and member at once.

        ``dataclasses.astuple(k)``, ``asdict``, ``fields``, ``replace``, ``vars(k)``,
        ``list(k)`` and the like, ``k[0]``, ``*k``, ``for f in k``, ``a, b = k``: a
        ``NamedTuple`` or a dataclass hands over its fields (``d: F =
        field(default_factory=...)``) without naming them.
        """
        found: list[ast.AST] = []
        if isinstance(node, ast.Subscript | ast.Starred) and isinstance(node.ctx, ast.Load):
            found.append(node.value)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            found.append(node.iter)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Tuple | ast.List) for t in node.targets
        ):
            found.append(node.value)
        elif isinstance(node, ast.Call) and any(
            isinstance(v, Api) and v.path in _WHOLE_READERS for v in self.value(node.func)
        ):
            found += [*node.args, *(k.value for k in node.keywords)]
        return [
            v.node
            for expr in found
            for v in self.value(expr)
            if isinstance(v, Own) and isinstance(v.node, ast.ClassDef)
        ]

    def _kept_by_instance(self, target: ast.AST, scope: _Scope | None) -> bool:
        """Whether the store target `target` is ``self.name`` in an ``__init__`` whose class
        never hands what its instances hold to anything else by a store (``owner.d =
        self.g``, ``Keep.current = self``): then only the instance keeps it."""
        method = scope.node if scope is not None else None
        cls = scope.parent.node if scope is not None and scope.parent is not None else None
        return (
            isinstance(target, ast.Attribute)
            and not _is_dunder(target.attr)
            and self.is_self(target.value)
            and isinstance(method, ast.FunctionDef)
            and method.name == "__init__"
            and isinstance(cls, ast.ClassDef)
            and not self._hands_out(cls)
        )

    def _hands_out(self, cls: ast.ClassDef) -> bool:
        """Whether a method of `cls` stores what comes of its ``self`` (or of a local name
        for it, ``g = self.g``) anywhere but in it."""
        for method in cls.body:
            if not isinstance(method, _FUNCTIONS):
                continue
            params = [*method.args.posonlyargs, *method.args.args]
            if not params:
                continue
            stores = [
                node
                for node in ast.walk(method)
                if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.NamedExpr)
                and node.value is not None
            ]
            derived = {params[0].arg}
            for _ in range(3):  # local names for what `self` holds, through each other
                for node in stores:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    if _mentions(node, derived):
                        derived |= {t.id for t in targets if isinstance(t, ast.Name)}
            for node in stores:
                if not _mentions(node, derived):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        scope = self._scope.get(id(target))
                        if scope is not None and (
                            target.id in scope.globals or target.id in scope.nonlocals
                        ):
                            return True  # `global INST; INST = self`
                        continue
                    root = target
                    while isinstance(root, ast.Attribute | ast.Subscript | ast.Starred):
                        root = root.value
                    if not _is_name(root, params[0].arg):
                        return True  # `owner.d = self.g`
        return False

    def _foreign(self, node: ast.AST, depth: int = 0) -> bool:
        """Whether `node` may be an object of a library's (a module, a class): it resolves
        to one, or may be one the rules cannot trace (``next(iter([jnp]))``, ``for m in
        [jnp]``, ``e.obj`` of an exception, a parameter); not the submission's own
        objects, nor what they make (``t = Tensor(x).zero_()``)."""
        values = self.value(node)
        if any(isinstance(v, Api | Sibling) for v in values):
            return True
        if (values and all(isinstance(v, Own) for v in values)) or depth > 8:
            return False
        deeper = functools.partial(self._foreign, depth=depth + 1)
        if isinstance(node, ast.Name):
            if self.is_self(node):
                return False  # an instance of the submission's class (`self.topo()`)
            scope = self._scope.get(id(node))
            for binding in (self.lookup(node.id, scope) if scope is not None else None) or ():
                source = binding.node
                if binding.kind == "param" or isinstance(
                    source, ast.ExceptHandler | ast.Try | ast.TryStar
                ):
                    return True  # anything can be handed in, or raised with anything
                if isinstance(source, ast.For | ast.AsyncFor | ast.comprehension):
                    source = source.iter  # an item of what it loops over
                elif isinstance(source, ast.With | ast.AsyncWith):
                    if any(deeper(item.context_expr) for item in source.items):
                        return True
                    continue
                if binding.kind in ("assign", "other") and isinstance(source, ast.expr):
                    if deeper(source):
                        return True
            return False
        if isinstance(node, ast.Attribute | ast.Subscript | ast.Starred | ast.NamedExpr):
            return deeper(node.value)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return any(deeper(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return any(deeper(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return deeper(node.body) or deeper(node.orelse)
        if isinstance(node, ast.BoolOp):
            return any(deeper(v) for v in node.values)
        if isinstance(node, ast.Call):
            called = self.value(node.func)
            if called and all(isinstance(v, Own) for v in called):
                return False  # what the submission's own code makes
            parts = [*_arguments(node)]
            if isinstance(node.func, ast.Attribute):
                parts.append(node.func.value)
            return any(deeper(p) for p in parts)
        return False

    def _self_rooted(self, node: ast.AST) -> bool:
        """Whether `node` is ``self``, or an attribute or item of it (``self.cache.h``)."""
        while isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        return self.is_self(node)

    def _dynamic_load(self, path: str, node: ast.AST) -> bool:
        """Whether loading the API at `path` here is dynamic code, whatever comes of it."""
        return is_dynamic_api(path) or (path in _ARGUMENT_APIS and id(node) not in self._called)

    def _find_quiet(self) -> set[int]:
        """Uses of dynamic names that cannot reach a name the source does not spell, or that
        name a type only: ``object.__setattr__(self, "slope", v)`` (a constant name, as
        ``setattr(obj, "slope", v)``), ``super().__setattr__(k, v)`` (``super()`` refuses
        anything but an instance of the class), ``isinstance(f, types.FunctionType)``, a
        membership test in ``globals()`` (``name in globals()``), and ``self.__dict__`` or
        ``vars(self)`` in an ``__init__`` that only making an instance calls (``Config(**kw)``:
        the values are the call's, which its readers reach).

        Elsewhere ``vars(self)``, ``self.__dict__``, ``setattr(self, k, v)`` and
        ``asdict(self)`` are not: a method can be called with anything as ``self``
        (``Row.to_dict(spec)``, ``Config.__init__(jnp, sin=...)``).
        """
        quiet: set[int] = set()
        # `__init__` named anywhere but in `super().__init__(...)`: called with anything
        named_init = any(
            (
                isinstance(node, ast.Attribute)
                and node.attr == "__init__"
                and not (isinstance(node.value, ast.Call) and _is_name(node.value.func, "super"))
            )
            or (  # `getattr(K, "__init__")`, `attrgetter("__in" + "it__")`
                isinstance(node, ast.Call)
                and any("__init__" in (self.fold(a) or "") for a in _arguments(node))
            )
            or (isinstance(node, ast.Constant) and "__init__" in str(node.value))
            for tree in self.trees.values()
            for node in ast.walk(tree)
        )
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and self._wraps_only(node):
                    quiet.add(id(node))
                if not named_init and isinstance(node, _FUNCTIONS) and node.name == "__init__":
                    quiet.update(self._own_namespace(node))
                if (
                    isinstance(node, ast.Compare)
                    and len(node.ops) == 1
                    and isinstance(node.ops[0], ast.In | ast.NotIn)
                    and isinstance(call := node.comparators[0], ast.Call)
                    and not call.args
                    and not call.keywords
                    and any(_is_name(call.func, n) for n in ("globals", "locals", "vars"))
                ):
                    quiet.add(id(call.func))  # `name in globals()` reads no value
                if not isinstance(node, ast.Call):
                    continue
                func, args = node.func, node.args
                if any(
                    v in (Api("builtins.isinstance"), Api("builtins.issubclass"))
                    for v in self.value(func)
                ):
                    for arg in args[1:2]:
                        quiet.add(id(arg))
                        quiet.update(id(e) for e in getattr(arg, "elts", ()))
                elif isinstance(func, ast.Attribute) and func.attr in (
                    "__setattr__",
                    "__delattr__",
                ):
                    owner = func.value
                    if isinstance(owner, ast.Call) and _is_name(owner.func, "super"):
                        quiet.add(id(func))
                    elif (
                        len(args) >= 2
                        and self.fold(args[1]) is not None
                        and not _is_dunder(self.fold(args[1]) or "")
                        and (
                            self._self_rooted(args[0])
                            or all(isinstance(v, Own) for v in self.value(args[0]))
                        )
                    ):
                        quiet.add(id(func))  # object.__setattr__(self, "slope", v)
        return quiet

    def _wraps_only(self, node: ast.Attribute) -> bool:
        """Whether `node` reads ``fn.__wrapped__`` where only ``functools.wraps`` and
        ``update_wrapper`` put it: the function they were given, which the code running them
        reaches (a decorator's body, or a top-level ``update_wrapper(df, ...)``, which
        changes ``df``)."""
        return (
            node.attr == "__wrapped__" and isinstance(node.ctx, ast.Load) and not self._wrapped_put
        )

    def _calls_wrapped(self, node: ast.Attribute) -> bool:
        """Whether `node` is ``fn.__wrapped__`` (`_wraps_only`) called with constants and
        only looked at: ``print(d_log.__wrapped__(4.0))`` runs the function a decorator
        wrapped, which changes nothing ``fn`` holds."""
        call = self._parents.get(id(node))
        return (
            self._wraps_only(node)
            and isinstance(call, ast.Call)
            and call.func is node
            and self._constant_arguments(call)
            and self._only_looked_at(call)
        )

    @functools.cached_property
    def _wrapped_put(self) -> bool:
        """Whether the submission puts ``__wrapped__`` anywhere itself (or spells it), or
        has ``functools`` put it other than as ``@functools.wraps(fn)`` on a ``def`` in a
        decorator, ``fn`` its parameter (``update_wrapper(_base, table)``)."""
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr == "__wrapped__"
                    and not isinstance(node.ctx, ast.Load)
                ) or (isinstance(node, ast.Constant) and "__wrapped__" in str(node.value)):
                    return True
                if not isinstance(node, ast.Call):
                    continue
                paths = {v.path for v in self.value(node.func) if isinstance(v, Api)}
                if "functools.update_wrapper" in paths:
                    return True
                if "functools.wraps" in paths and not self._wraps_parameter(node):
                    return True
        return False

    def _wraps_parameter(self, call: ast.Call) -> bool:
        """Whether `call` is ``functools.wraps(fn)`` decorating a ``def``, with ``fn`` a
        parameter of the function around that ``def`` (a decorator's own argument)."""
        scope = self._scope.get(id(call.args[0])) if len(call.args) == 1 else None
        owner = self._parents.get(id(call))
        if scope is None or not isinstance(owner, _FUNCTIONS) or call not in owner.decorator_list:
            return False
        arg = call.args[0]
        if not isinstance(arg, ast.Name) or call.keywords:
            return False
        home = self.resolve(arg.id, scope)
        bindings = home.bindings.get(arg.id, [])
        return (
            home.kind == "function"
            and len(bindings) == 1
            and bindings[0].kind == "param"
            and isinstance(bindings[0].node, ast.arg)
        )

    def _own_namespace(self, init: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[int]:
        """The ``self.__dict__`` attributes and ``vars(self)`` calls of a class's `__init__`."""
        for node in ast.walk(init):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "__dict__"
                and self.is_self(node.value)
            ):
                yield id(node)
            elif (
                isinstance(node, ast.Call)
                and _is_name(node.func, "vars")
                and len(node.args) == 1
                and self.is_self(node.args[0])
            ):
                yield id(node.func)

    def is_self(self, node: ast.AST) -> bool:
        """Whether `node` is a method's first parameter (``self``, ``cls``), bound to an
        object of the submission's own: not a static method's, nor that of a method
        something may call with another object first (`_strange_selves`)."""
        method = self._method_of_first(node)
        return method is not None and id(method) not in self._strange_selves

    def held(self, attr: str, owner: ast.ClassDef | None = None) -> frozenset[Value] | None:
        """What the attribute `attr` of an object of the submission's own can hold, if the
        rules can tell: objects of its own classes only (``self.rules = Rules()`` in
        ``__init__``: ``self.rules.derivative`` is ``Rules.derivative``), else None.

        An object of its own gets an attribute only from a store ``obj.rules = ...``
        (anywhere, on anything) or a class member of that name, when no class of its has a
        library's base class or fields made into ``__init__`` parameters (a dataclass's),
        nor looks attributes up itself (``__getattr__``), and no code stores by a name
        it computes (``setattr``, ``__dict__``, ``vars``) or spells `attr` in a string.
        With `owner`, the class of the object, only the stores and members that can reach
        an object of that class count (``HandSolver.rules`` is not ``AutoSolver.rules``).
        """
        key = (attr, id(owner))
        if key not in self._held_memo:
            self._held_memo[key] = None  # (a property returning itself: unknown)
            self._holding += 1  # values found meanwhile may have met that None: not kept
            try:
                self._held_memo[key] = self._held(attr, owner)
            finally:
                self._holding -= 1
        return self._held_memo[key]

    def stores_into(self, store: ast.AST, attr: str, owner: ast.ClassDef) -> bool:
        """Whether the store `store` (of `_stores`) may give an object of class `owner` its
        attribute `attr`: not ``self.grad = ...`` in a method of an unrelated class."""
        family = self._family(owner)
        if isinstance(store, ast.Call):  # `x.grad.append(g)`: the list may be another's too
            return True
        targets = [
            sub
            for sub in ast.walk(store)
            if isinstance(sub, ast.Attribute)
            and sub.attr == attr
            and not isinstance(sub.ctx, ast.Load)
        ] or [sub for sub in ast.walk(store) if isinstance(sub, ast.Attribute) and sub.attr == attr]
        return not targets or any(self._may_be(t.value, family) for t in targets)

    def _own_methods(self, attr: str, owner: ast.ClassDef | None) -> list[Value]:
        """The methods named `attr` an object of class `owner` has, if that is all it can
        have under that name: no other member, nor a store into it."""
        if owner is None or _is_dunder(attr):
            return []
        family = self._family(owner)
        members = [b for b in self._members.get(attr, []) if id(b.scope.node) in family]
        if not members or not all(
            b.kind == "def"
            and isinstance(b.node, _FUNCTIONS)
            and not self._decorated(b.node, "property")
            and not any(
                Api("functools.cached_property") in self.value(d) for d in b.node.decorator_list
            )
            for b in members
        ):
            return []
        if any(self.stores_into(store, attr, owner) for store in self._stores.get(attr, ())):
            return []
        return [Own(b.node) for b in members]

    def _self_class(self, node: ast.AST) -> ast.ClassDef | None:
        """The class whose method's ``self`` (or ``super()``) `node` is, if it is one (not a
        method something may call with another object first, `_strange_selves`)."""
        method = self._method_of_first(node)
        if method is not None and id(method) in getattr(self, "_strange_selves", ()):
            return None
        if method is None and isinstance(node, ast.Call) and self.on_self(node):
            scope = self._scope.get(id(node))
            while scope is not None and scope.kind == "comprehension":
                scope = scope.parent
            method = scope.node if scope is not None else None  # `super()`
        if method is None:
            return None
        cls = self._scope_of_body[id(method)].parent
        return cls.node if cls is not None and isinstance(cls.node, ast.ClassDef) else None

    def _family(self, cls: ast.ClassDef) -> set[int]:
        """The submission's classes an object of class `cls` may also be an instance of, or
        run the methods of: its subclasses, and every base of those (themselves included)."""
        if id(cls) not in self._family_memo:
            classes = self._classes
            subclasses = [c for c in classes if self._subclass_of(c, cls)]
            self._family_memo[id(cls)] = {
                id(c) for c in classes if any(self._subclass_of(d, c) for d in subclasses)
            }
        return self._family_memo[id(cls)]

    @functools.cached_property
    def _classes(self) -> list[ast.ClassDef]:
        """Every class statement of the submission, in every file."""
        return [n for t in self.trees.values() for n in ast.walk(t) if isinstance(n, ast.ClassDef)]

    def _may_be(self, node: ast.AST, family: set[int]) -> bool:
        """Whether `node` may be an object (or class) of `family`'s."""
        owner = self._self_class(node)
        if owner is not None:
            return id(owner) in family
        values = self.value(node)
        if values and all(isinstance(v, Own) and isinstance(v.node, ast.ClassDef) for v in values):
            return any(id(v.node) in family for v in values)  # type: ignore[union-attr]
        return True

    def _held(self, attr: str, owner: ast.ClassDef | None) -> frozenset[Value] | None:
        if _is_dunder(attr) or attr not in self._attributes or self._untold_attributes:
            return None
        family = self._family(owner) if owner is not None else None
        found: set[Value] = set()
        for binding in self._members.get(attr, []):
            cls = binding.scope.node
            if family is not None and id(cls) not in family:
                continue  # another class's member
            if (
                binding.kind == "other"
                and isinstance(binding.node, ast.AnnAssign)
                and isinstance(cls, ast.ClassDef)
                and not cls.decorator_list
                and _defines(cls, "__init__")
            ):
                continue  # `rules: Rules`, no value, of a class whose `__init__` stores it
            if binding.kind == "assign" and not binding.unpack:
                made = self._made_instance(binding.node)
            elif binding.kind == "def" and self._property(binding.node):
                made = self._returned_instances(binding.node)  # `@property def helper`
            else:
                made = None
            if made is None or any(isinstance(v, Own) and self._descriptor(v.node) for v in made):
                return None  # a class member that may answer otherwise (`__get__`)
            found |= made
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and isinstance(
                        self._parents.get(id(node)),
                        ast.Call | ast.keyword | ast.Dict | ast.List | ast.Tuple | ast.Set,
                    )
                ):  # (handed on or a key: not a docstring, an answer's text, `T["log"]`)
                    if attr in re.split(r"[\s,]+", node.value):
                        return None  # `setattr(o, "rules", ...)`, `namedtuple("K", "rules")`
                if not (
                    isinstance(node, ast.Attribute)
                    and node.attr == attr
                    and isinstance(node.ctx, ast.Store)
                ):
                    continue
                if family is not None and not self._may_be(node.value, family):
                    continue  # `AutoSolver`'s `self.rules = AutoRules()`
                statement = self._parents.get(id(node))
                if not (
                    (isinstance(statement, ast.Assign) and node in statement.targets)
                    or (isinstance(statement, ast.AnnAssign) and statement.value is not None)
                ):
                    return None  # `self.rules += ...`, `for self.rules in ...`, unpacking
                assert statement.value is not None
                made = self._made_instance(statement.value)
                if made is None:
                    return None
                found |= made
        return frozenset(found) or None

    def held_plain(self, attr: str) -> bool:
        """Whether the attribute `attr` holds only instances of plain classes of the
        submission's (`held`, `_plain_class`): calling their methods changes them only
        through attributes those methods name."""
        if not self._selves_known:
            return False
        held = self.held(attr)
        return held is not None and all(
            isinstance(v, Own) and isinstance(v.node, ast.ClassDef) and self._plain_class(v.node)
            for v in held
        )

    def _made_instance(self, node: ast.AST, depth: int = 0) -> frozenset[Value] | None:
        """The classes of the submission's `node` surely makes an instance of, as spelled:
        ``Rules()``, ``rules or Rules()``, an ``__init__`` parameter every caller hands one
        (``Solver(Rules())``); None when it may be anything else (a factory's result, an
        item, a decorated class, a class whose ``__new__`` or metaclass is its own)."""
        if depth > 8:
            return None
        if isinstance(node, ast.BoolOp | ast.IfExp):
            parts = node.values if isinstance(node, ast.BoolOp) else [node.body, node.orelse]
            either: set[Value] = set()
            for part in parts:
                made = self._made_instance(part, depth + 1)
                if made is None:
                    return None
                either |= made
            return frozenset(either)
        if isinstance(node, ast.Constant) and node.value is None:
            return frozenset()  # (None has no methods to call)
        if isinstance(node, ast.Attribute) and (owner := self._self_class(node.value)):
            return self.held(node.attr, owner)  # `return self.rule` of a property
        if isinstance(node, ast.Name) and self._init_parameter(node):
            return self._handed_to_init(node, depth)
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name | ast.Attribute):
            return None
        values = self.value(node.func)
        functions = [v.node for v in values if isinstance(v, Own)]
        if values and len(functions) == len(values):
            found: set[Value] = set()  # `make_engine()`: what each of its `return`s makes
            for function in functions:
                if not isinstance(function, ast.FunctionDef):
                    break  # a class (below), a lambda, an `async def`
                returns = _returns(function)
                if not returns or any(
                    isinstance(n, ast.Yield | ast.YieldFrom) for n in _own_body(function)
                ):
                    return None
                for expr in returns:
                    made = self._made_instance(expr, depth + 1)
                    if made is None:
                        return None
                    found |= made
            else:
                return frozenset(found)
        if not values or not self._maybe_class(node.func):
            return None  # `maker()` of an instance runs its `__call__`
        for value in values:
            if not (
                isinstance(value, Own)
                and isinstance(value.node, ast.ClassDef)
                and self._trusted_class(value.node)
            ):
                return None
        return values

    def _property(self, node: ast.AST) -> bool:
        """Whether `node` is a ``def`` read as an attribute: ``@property``,
        ``@functools.cached_property``."""
        return isinstance(node, ast.FunctionDef) and any(
            v in (Api("builtins.property"), Api("functools.cached_property"))
            for d in node.decorator_list
            for v in self.value(d)
        )

    def _returned_instances(self, function: ast.AST) -> frozenset[Value] | None:
        """The instances every ``return`` of `function` surely makes (`_made_instance`)."""
        returns = _returns(function)
        found: set[Value] = set()
        for expr in returns:
            made = self._made_instance(expr)
            if made is None:
                return None
            found |= made
        return frozenset(found) if returns else None

    def _trusted_class(self, cls: ast.ClassDef) -> bool:
        """Whether calling `cls` makes an instance of it whose attributes are its own: no
        decorator (which may replace it), no ``__new__`` or metaclass of the submission's,
        no base but its own such classes and `_PLAIN_BASES`, and its name is not stored
        into (``helpers.Rules = ...``)."""
        return not (
            cls.decorator_list
            or self._makes_other(cls)
            or cls.name in self._stores
            or not self.plain_bases(cls)
        )

    @functools.cached_property
    def _library_based(self) -> frozenset[int]:
        """The submission's classes whose instances may also be a library's: with a base
        that is not `plain_bases`, or a subclass of their own with one (``class M(
        types.ModuleType, Calc)``: a `self` of `Calc`'s methods may be a module)."""
        classes = self._classes
        found = {id(c) for c in classes if not self.plain_bases(c)}
        for _ in range(len(classes)):
            grown = {
                id(v.node)
                for c in classes
                if id(c) in found
                for base in c.bases
                for v in self.value(base.value if isinstance(base, ast.Subscript) else base)
                if isinstance(v, Own)
            }
            if grown <= found:
                break
            found |= grown
        return frozenset(found)

    def plain_bases(self, cls: ast.ClassDef, depth: int = 0) -> bool:
        """Whether every base of `cls` is one of the submission's classes with such bases,
        or adds no attributes (`_PLAIN_BASES`): no library class whose ``__getattr__`` may
        answer for a name the source spells (``codecs.StreamReader`` forwards to its
        stream)."""
        if depth > 20:
            return False
        for base in cls.bases:
            values = self.value(base.value if isinstance(base, ast.Subscript) else base)
            if not values or not all(
                (isinstance(v, Api) and v.path in _PLAIN_BASES)
                or (
                    isinstance(v, Own)
                    and isinstance(v.node, ast.ClassDef)
                    and v.node is not cls
                    and self.plain_bases(v.node, depth + 1)
                )
                for v in values
            ):
                return False
        return True

    def _descriptor(self, cls: ast.AST, depth: int = 0) -> bool:
        """Whether instances of the submission's class `cls` (or of a base of its own) may
        be descriptors, answering for a class member (``__get__``, ``__set_name__``)."""
        if not isinstance(cls, ast.ClassDef) or depth > 20:
            return True
        if any(_defines(cls, name) for name in _DESCRIPTOR_HOOKS):
            return True
        return any(
            isinstance(v, Own) and self._descriptor(v.node, depth + 1)
            for base in cls.bases
            for v in self.value(base)
        )

    def _init_parameter(self, node: ast.Name) -> bool:
        scope = self._scope.get(id(node))
        bindings = (self.lookup(node.id, scope) if scope is not None else None) or []
        return len(bindings) == 1 and bindings[0].kind == "param"

    def _handed_to_init(self, node: ast.AST, depth: int = 0) -> frozenset[Value] | None:
        """What the callers hand an ``__init__`` parameter `node` reads (``self.rules =
        rules``), if `node` is one and its class is only ever called, each call handing it
        something the rules can tell (``Solver(Rules())``, ``Solver(rules=Rules())``, its
        default); else None."""
        if not isinstance(node, ast.Name) or (scope := self._scope.get(id(node))) is None:
            return None
        bindings = self.lookup(node.id, scope) or []
        if len(bindings) != 1 or bindings[0].kind != "param":
            return None
        (binding,) = bindings
        home = self.resolve(node.id, scope)  # (a default is bound in the enclosing scope)
        init, cls = home.node, home.parent
        if not (
            isinstance(init, ast.FunctionDef)
            and init.name == "__init__"
            and cls is not None
            and isinstance(cls.node, ast.ClassDef)
        ):
            return None
        params = [*init.args.posonlyargs, *init.args.args]
        index = next((i for i, p in enumerate(params) if p.arg == node.id), None)
        if index == 0:
            return None  # `self`
        if index is None:
            if node.id not in {a.arg for a in init.args.kwonlyargs}:
                return None  # `*args`, `**options`
            index = 1 << 30  # keyword-only: given by keyword alone
        calls = self._constructions(cls.node)
        if calls is None:
            return None
        found: set[Value] = set()
        default = not isinstance(binding.node, ast.arg)  # the binding holds its default
        for call, offset in calls:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords
            ):
                return None  # `Solver(*args)`, `Solver(**options)`
            given = [k.value for k in call.keywords if k.arg == node.id]
            if index - offset < len(call.args):
                given.append(call.args[index - offset])
            if not given and not default:
                return None
            for expr in given or [binding.node]:
                made = self._made_instance(expr, depth + 1)
                if made is None:
                    return None
                found |= made
        return frozenset(found)

    @functools.cached_property
    def _classes_escape(self) -> bool:
        """Whether some code reads an object's class other than to name or compare it
        (``type(s)(gk)``, ``s.__class__``): then a class may be called out of sight."""
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and node.value == "__class__") or (
                    isinstance(node, ast.Name) and node.id == "__class__"
                ):
                    return True  # `getattr(s, "__class__")`, a method's `__class__` cell
                if isinstance(node, ast.Name | ast.Attribute) and any(
                    isinstance(v, Api) and v.path in _REMAKERS for v in self.value(node)
                ):
                    return True  # `dataclasses.replace(s, rules=gk)` calls the class
                if isinstance(node, ast.Attribute) and node.attr == "__class__":
                    escaped = node
                elif (
                    isinstance(node, ast.Call)
                    and len(node.args) == 1
                    and self._is_builtin(node.func, "type")
                ):
                    escaped = node
                else:
                    continue
                parent = self._parents.get(id(escaped))
                if isinstance(parent, ast.Attribute) and parent.attr in _CLASS_NAMES:
                    continue  # `type(x).__name__`
                if isinstance(parent, ast.Compare | ast.FormattedValue):
                    continue  # `type(a) is type(b)`, f"{type(x)}"
                if (
                    isinstance(parent, ast.Call)
                    and parent.func is not escaped
                    and any(
                        self._is_builtin(parent.func, name) for name in ("print", "str", "repr")
                    )
                ):
                    continue
                return True
        return False

    def _constructions(self, cls: ast.ClassDef) -> list[tuple[ast.Call, int]] | None:
        """The calls that run `cls`'s ``__init__``, each with how many parameters its
        arguments skip (1: ``Solver(...)``, ``super().__init__(...)``; 0:
        ``Solver.__init__(self, ...)``), if the rules can find every one: the class (and
        each subclass that does not define ``__init__``) is only called, subclassed or
        named in a type; else None."""
        if self._classes_escape:
            return None
        family: set[int] = {id(cls)}
        classes = self._classes
        grown = True
        while grown:  # subclasses whose instances run this `__init__`
            grown = False
            for other in classes:
                if id(other) in family or _defines(other, "__init__"):
                    continue
                if any(
                    isinstance(v, Own) and id(v.node) in family
                    for base in other.bases
                    for v in self.value(_unsubscripted(base))
                ):
                    family.add(id(other))
                    grown = True
        if any(c.decorator_list for c in classes if id(c) in family):
            return None  # `@dataclass`, `@attr.s`, `@wrap`: may call the class itself
        calls: list[tuple[ast.Call, int]] = []
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if (isinstance(node, ast.Attribute) and node.attr == "__init__") or (
                    isinstance(node, ast.Name) and node.id == "__init__"
                ):
                    parent = self._parents.get(id(node))
                    if isinstance(node.ctx, ast.Load) and not (
                        isinstance(parent, ast.Call) and parent.func is node
                    ):
                        return None  # `init = S.__init__`, `map(S.__init__, ...)`
                if isinstance(node, ast.Call):
                    func = node.func
                    made = self._class_parameter(func)
                    if made is not None and any(
                        id(c) in family for c in classes if self._subclass_of(c, made)
                    ):
                        calls.append((node, 1))  # `cls(HandRules())`: one of these, maybe
                    if isinstance(func, ast.Attribute) and func.attr == "__init__":
                        if isinstance(func.value, ast.Call) and self._is_builtin(
                            func.value.func, "super"
                        ):
                            calls.append((node, 1))
                        elif any(isinstance(v, Own) for v in self.value(func)):
                            # `Solver.__init__(self, ...)`, or `s.__init__(...)`: either
                            calls.extend([(node, 0), (node, 1)])
                        elif UNKNOWN in self.value(func):
                            return None
                    continue
                if not isinstance(node, ast.Name | ast.Attribute) or not isinstance(
                    node.ctx, ast.Load
                ):
                    continue
                if not any(
                    isinstance(v, Own) and id(v.node) in family for v in self.value(node)
                ) or not self._maybe_class(node):
                    continue  # not the class, or an instance of it (`s = Solver()`, `s.d`)
                parent = self._parents.get(id(node))
                if isinstance(parent, ast.Call) and parent.func is node:
                    calls.append((parent, 1))
                elif isinstance(parent, ast.ClassDef) and node in parent.bases:
                    continue
                elif isinstance(parent, ast.Attribute) and parent.attr == "__init__":
                    continue  # `Solver.__init__(self, ...)`: found as a call above
                elif (
                    isinstance(parent, ast.Attribute)
                    and not _is_dunder(parent.attr)
                    and any(
                        isinstance(v, Own)
                        and isinstance(v.node, ast.ClassDef)
                        and parent.attr in self._scope_of_body[id(v.node)].bindings
                        for v in self.value(node)
                    )
                ):
                    continue  # `Solver.by_hand()`: a member of its own (its `cls(...)` above)
                elif not self._in_type(node):
                    return None  # `factory = Solver`, `partial(Solver, gk)`
        return calls

    def _subclass_of(self, cls: ast.ClassDef, base: ast.ClassDef, depth: int = 0) -> bool:
        """Whether `cls` is `base` or a subclass of it, through the submission's classes."""
        if cls is base:
            return True
        return depth < 20 and any(
            isinstance(v, Own)
            and isinstance(v.node, ast.ClassDef)
            and self._subclass_of(v.node, base, depth + 1)
            for b in cls.bases
            for v in self.value(_unsubscripted(b))
        )

    def _in_type(self, node: ast.AST) -> bool:
        """Whether `node` is in an annotation or is the class ``isinstance`` checks."""
        child, parent = node, self._parents.get(id(node))
        while parent is not None and not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.arg) and parent.annotation is child:
                return True
            if isinstance(parent, ast.Call) and child in parent.args[1:2]:
                return self._is_builtin(parent.func, "isinstance") or self._is_builtin(
                    parent.func, "issubclass"
                )
            child, parent = parent, self._parents.get(id(parent))
        if isinstance(parent, ast.AnnAssign) and parent.annotation is child:
            return True
        return isinstance(parent, _FUNCTIONS) and parent.returns is child

    @functools.cached_property
    def _untold_attributes(self) -> bool:
        """Whether the submission can give its objects attributes `held` cannot see: it
        stores by computed names (``setattr``, ``__dict__``, ``vars``, ``__setattr__``), a
        class of its looks attributes up itself, or has a library's base class."""
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id in ("setattr", "vars", "delattr"):
                    return True
                if isinstance(node, ast.Import | ast.ImportFrom) and any(
                    (getattr(node, "module", None) or alias.name).split(".")[0] == "builtins"
                    for alias in node.names
                ):
                    return True  # `builtins.setattr`, `from builtins import setattr as put`
                if isinstance(node, ast.Attribute) and (
                    node.attr in _ATTRIBUTE_HOOKS
                    or (node.attr == "__class__" and not isinstance(node.ctx, ast.Load))
                ):
                    return True
                if isinstance(node, _FUNCTIONS) and node.name in _ATTRIBUTE_HOOKS:
                    return True
                if isinstance(node, ast.ClassDef):
                    for base in [*node.bases, *(k.value for k in node.keywords)]:
                        if isinstance(base, ast.Subscript):  # `Generic[T]`
                            base = base.value
                        values = self.value(base)
                        if not values or not all(
                            isinstance(v, Own) or (isinstance(v, Api) and v.path in _PLAIN_BASES)
                            for v in values
                        ):
                            return True
        return False

    def on_self(self, node: ast.AST) -> bool:
        """Whether `node` is a ``self`` (`is_self`), or ``super()`` in a method whose
        ``self`` is: its attributes are the submission's class members."""
        if isinstance(node, ast.Call) and not node.args and self._is_builtin(node.func, "super"):
            scope = self._scope.get(id(node))
            while scope is not None and scope.kind == "comprehension":
                scope = scope.parent
            return (
                scope is not None
                and isinstance(scope.node, _FUNCTIONS)
                and scope.parent is not None
                and scope.parent.kind == "class"
                and bool([*scope.node.args.posonlyargs, *scope.node.args.args])
                and not self._decorated(scope.node, "staticmethod")
                and id(scope.node) not in self._strange_selves
            )
        return self.is_self(node)

    def _method_of_first(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The method whose first parameter `node` is (not a static method's), if it is one."""
        if not isinstance(node, ast.Name) or (scope := self._scope.get(id(node))) is None:
            return None
        bindings = self.lookup(node.id, scope) or []
        methods = {
            id(b.scope.node): b.scope.node
            for b in bindings
            if b.kind == "param"
            and b.scope.parent is not None
            and b.scope.parent.kind == "class"
            and isinstance(b.scope.node, _FUNCTIONS)
            and [*b.scope.node.args.posonlyargs, *b.scope.node.args.args][:1] == [b.node]
        }
        if len(methods) != 1 or len(bindings) != 1:
            return None
        (method,) = methods.values()
        cls = self._scope_of_body[id(method)].parent
        if (
            self._decorated(method, "staticmethod")
            or cls is None
            or not isinstance(cls.node, ast.ClassDef)
            or id(cls.node) in self._library_based
        ):
            return None  # (a library base's `__getattr__` may answer for `self.derivative`)
        return method

    def _decorated(self, node: ast.AST, builtin: str) -> bool:
        return any(
            Api(f"builtins.{builtin}") in self.value(d) for d in getattr(node, "decorator_list", ())
        )

    def _find_strange_selves(self) -> frozenset[int]:
        """The methods whose ``self`` may be something other than an object of the
        submission's: called through a class (or what may be one) with another object
        first (``Calc.d_exp(gk, x)``, ``cls.d(jnp, x)``), handed on unbound (``partial(
        Calc.d_exp, gk)``, ``getattr(Calc, "d_exp")``), or wrapped by the submission's own
        decorator. Their ``self.derivative`` may be a library's: its name counts."""
        methods: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        strange: set[int] = set()
        for tree in self.trees.values():
            for member in ast.walk(tree):
                body = self._scope_of_body.get(id(member))
                if not (
                    isinstance(member, _FUNCTIONS)
                    and body is not None
                    and body.parent is not None
                    and body.parent.kind == "class"  # (under `if` or `try` in it too)
                    and not self._decorated(member, "staticmethod")
                ):
                    continue
                methods.setdefault(member.name, []).append(member)
                if not all(
                    values
                    and all(isinstance(v, Api) and v.path in _METHOD_DECORATORS for v in values)
                    for values in (self.value(d) for d in member.decorator_list)
                ):
                    strange.add(id(member))  # `@deco`: it may call it with anything
        calls: list[tuple[ast.Call, list[ast.FunctionDef | ast.AsyncFunctionDef]]] = []
        for tree in self.trees.values():
            for node in ast.walk(tree):
                named: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                    if node.attr in methods and self._maybe_class(node.value):
                        named = methods[node.attr]
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    scope = self._scope.get(id(node))
                    found = (self.lookup(node.id, scope) if scope is not None else None) or []
                    named = [  # the method itself, in its class's body
                        m
                        for b in found
                        if b.kind == "def"
                        for m in methods.get(node.id, [])
                        if m is b.node
                    ]
                elif isinstance(node, ast.Call) and (
                    self._is_builtin(node.func, "getattr")
                    or any(
                        isinstance(v, Api) and v.path in _NAME_ARGUMENTS
                        for v in self.value(node.func)
                    )
                ):
                    for argument in node.args:
                        folded = self.fold(argument)
                        strange.update(id(m) for m in methods.get(folded or "", []))
                if not named:
                    continue
                parent = self._parents.get(id(node))
                if isinstance(parent, ast.Call) and parent.func is node:
                    calls.append((parent, named))
                else:
                    strange.update(id(m) for m in named)
        grown = True
        while grown:
            grown = False
            for call, named in calls:
                for method in named:
                    if (
                        id(method) not in strange
                        and _binds_first(call, method)
                        and not self._own_first(call, method, strange)
                    ):
                        strange.add(id(method))
                        grown = True
        return frozenset(strange)

    def _own_first(
        self, call: ast.Call, method: ast.FunctionDef | ast.AsyncFunctionDef, strange: set[int]
    ) -> bool:
        """Whether what `call` hands `method` first is an object of the submission's own:
        a ``self`` (``Base.__init__(self)``) of a method not in `strange`, an instance or a
        class of its own."""
        first = _first_argument(call, method)
        if first is None:
            return False
        cls = self._scope_of_body[id(method)].parent
        owner = self._method_of_first(first)
        if owner is not None:  # `Base.helper(self, x)`: a `self` of a related class
            mine = self._scope_of_body[id(owner)].parent
            return (
                id(owner) not in strange
                and cls is not None
                and mine is not None
                and isinstance(cls.node, ast.ClassDef)
                and isinstance(mine.node, ast.ClassDef)
                and (
                    self._subclass_of(mine.node, cls.node) or self._subclass_of(cls.node, mine.node)
                )
            )
        values = self.value(first)
        return bool(values) and all(
            isinstance(v, Own)
            and isinstance(v.node, ast.ClassDef)
            and self.plain_bases(v.node)
            and not self._makes_other(v.node)
            # `Setup.use(S)` with `S` a `Solver`: its `self` is not a `Setup`
            and cls is not None
            and isinstance(cls.node, ast.ClassDef)
            and (self._subclass_of(v.node, cls.node) or self._subclass_of(cls.node, v.node))
            for v in values
        )

    def _maybe_class(self, node: ast.AST, depth: int = 0) -> bool:
        """Whether `node` may evaluate to a class (or to what the rules cannot tell), whose
        methods, called on it, take their ``self`` from the call: not a ``self``, nor an
        instance the submission makes (``Solver()``, ``s = Solver()``)."""
        if depth > 8:
            return True
        method = self._method_of_first(node)
        if method is not None:
            return self._decorated(method, "classmethod")  # `cls`
        if isinstance(node, ast.Call):
            if self._is_builtin(node.func, "super"):
                scope = self._scope.get(id(node))
                return bool(node.args) or (  # `super(Sub, Sub)`
                    scope is not None and self._decorated(scope.node, "classmethod")
                )
            made = self._class_parameter(node.func)
            if made is not None:  # `cls(...)`: an instance, unless a subclass makes another
                classes = self._classes
                return any(self._makes_other(c) for c in classes if self._subclass_of(c, made))
            called = self.value(node.func)
            if any(
                isinstance(v, Own)
                and isinstance(v.node, ast.ClassDef)
                and self._makes_other(v.node)
                for v in called
            ) or (called and not self._maybe_class(node.func, depth + 1)):
                return True  # `__new__` returning the class; an instance's `__call__`
            if called and all(isinstance(v, Own) for v in called):
                results = [  # `Solver()`, or what the submission's function returns
                    expr
                    for v in called
                    if not isinstance(v.node, ast.ClassDef)  # type: ignore[union-attr]
                    for expr in (_returns(v.node) or [node.func])  # type: ignore[union-attr]
                ]
                return any(self._maybe_class(r, depth + 1) for r in results)
            return True
        if isinstance(node, ast.Attribute):
            base = self.value(node.value)
            owner = self._self_class(node.value)
            if owner is None and len(base) == 1:
                (only,) = base
                if isinstance(only, Own) and isinstance(only.node, ast.ClassDef):
                    owner = only.node
            if owner is not None and self.held(node.attr, owner) is not None:
                return False  # `course.calculus`, `self.rule`: an instance made in sight
        if isinstance(node, ast.Name):
            scope = self._scope.get(id(node))
            bindings = (self.lookup(node.id, scope) if scope is not None else None) or []
            if not bindings:
                return True
            for binding in bindings:
                if binding.kind == "assign":
                    items = self._unpacked(binding.node, binding.unpack)
                    if items is None or any(self._maybe_class(i, depth + 1) for i in items):
                        return True
                elif binding.kind == "from" and (sibling := self._sibling_of(binding)):
                    for inner in self._imported(binding, sibling) or [None]:
                        if inner is None or inner.kind != "assign":
                            return True
                        items = self._unpacked(inner.node, inner.unpack)
                        if items is None or any(self._maybe_class(i, depth + 1) for i in items):
                            return True
                else:
                    return True
            return False
        return True

    def _index_uses(self) -> tuple[set[int], set[int], set[int]]:
        """Three sets of node ids, from one walk: the bases of attributes (``inspect`` in
        ``inspect.signature``: the attribute decides, not the module it is looked up on),
        the functions of calls, and the right side of a single ``in`` (``"google.colab" in
        sys.modules`` reads no object out of it; ``a in X in b`` hands X to ``b``)."""
        bases: set[int] = set()
        called: set[int] = set()
        membership: set[int] = set()
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute):
                    bases.add(id(node.value))
                elif isinstance(node, ast.Call):
                    called.add(id(node.func))
                elif (
                    isinstance(node, ast.Compare)
                    and len(node.ops) == 1
                    and isinstance(node.ops[0], ast.In | ast.NotIn)
                    and isinstance(node.comparators[0], ast.Attribute | ast.Name)
                ):
                    membership.add(id(node.comparators[0]))
        return bases, called, membership

    def _index_touches(self) -> dict[tuple[int, str], list[ast.AST]]:
        """The top-level statements that can change what a module-level name holds.

        By (module scope, name). Reaching the name's binding reaches these, since they
        change what the entry reads without rebinding it:

        - for a name that holds an object code can fill (`_holders`: ``_box = []``,
          ``_h = Holder()``, ``df, _push = _mk()``, and every name bound by a statement
          that mentions one, ``_push = _box.append``, ``for b in [_box]``), any statement
          that mentions it or one of those aliases;
        - for a function or class, a store or a method call through it
          (``df.__defaults__ = ...``, ``C.items.append(...)``, ``f.cache["d"] = ...``), or
          passing it to a helper of the submission's (``fill(C)``);
        - for an imported object, an item stored into it or a method called on it
          (``BACKSLASH["slope"] = ...``).

        Anywhere in a top-level statement: a decorator or a method that fills a table counts.
        """
        holders, aliases = self._holders()
        self._holder_keys = holders
        touches: dict[tuple[int, str], list[ast.AST]] = {}
        for tree in self.trees.values():
            for top in tree.body:
                if is_main_guard(top):
                    continue  # never runs when graded (where it could, rebinds says so)
                for node in ast.walk(top):
                    if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)):
                        continue
                    home = self._home(node)
                    if home is None:
                        continue
                    key = (id(home), node.id)
                    values = [v for b in home.bindings[node.id] for v in self.binding_value(b)]
                    parent = self._parents.get(id(node))
                    if key in holders and self._reads_member(node, parent):
                        changes = False  # `d = hw.d`: a plain instance's member, see _reads_member
                    elif (
                        key in holders
                        and isinstance(parent, ast.Attribute)
                        and parent.attr in _READ_METHODS
                        and self._builtin_container(home.bindings[node.id])
                        and self._only_looked_at(self._parents.get(id(parent)))
                        and self._constant_arguments(self._parents.get(id(parent)))
                    ):
                        changes = False  # `CONFIG.get("verbose")` of a dict display
                    elif (
                        key in holders
                        and isinstance(parent, ast.For)
                        and parent is top
                        and node is parent.iter
                        and isinstance(parent.target, ast.Name)
                        and self._builtin_container(home.bindings[node.id])
                    ):
                        # `for k in NAMES` at module level: looping reads it; what the loop
                        # does through its target (an alias, `_holders`) counts as that
                        # name's own changes
                        changes = False
                    elif key in holders:
                        # what can fill it: a method (called or handed on: `map(_q.put, ...)`),
                        # calling it (a bound method or a setter: `_push = _box.append`),
                        # an item or attribute store, or handing it to code that is not a pure
                        # read (`operator.setitem(_box, ...)`, not `print(_box)`)
                        changes = (
                            (isinstance(parent, ast.Attribute) and not self._calls_wrapped(parent))
                            or _changes_item(node, self._parents)  # `BOX[0].insert(0, g)`
                            # (`_box == Expect()`, `_box + Extra()`: its dunder gets `_box`)
                            or (isinstance(parent, ast.Compare | ast.BinOp) and self._value_dunders)
                            or (isinstance(parent, ast.Call) and parent.func is node)  # `_push(g)`
                            or _stores_item(node, self._parents)
                            or (
                                isinstance(parent, ast.Call)
                                and parent.func is not node
                                and not self._reads_only(parent)
                                # `compare(d_log, jnp.log)`, which only calls it
                                and not self._only_called(parent, node, values)
                                # `d_log(p)` of `for p in CONFIG["points"]`: computes with it
                                and not (
                                    key in self._loop_items
                                    and self._only_called(parent, node, values, data=True)
                                )
                            )
                            or not isinstance(
                                parent,
                                ast.Call
                                | ast.Attribute
                                | ast.Subscript
                                | ast.Compare
                                | ast.BinOp
                                | ast.FormattedValue,
                            )
                        )
                    elif all(isinstance(v, Api) for v in values):
                        # an imported container can be filled through any mention
                        # (`dict.__setitem__(BACKSLASH, ...)`); anything else by stores
                        changes = _stores_item(node, self._parents) or any(
                            _imported_container(v.path) for v in values if isinstance(v, Api)
                        )
                    elif isinstance(parent, ast.Call) and parent.func is not node:
                        # `fill(C)`, `functools.update_wrapper(df, ...)`, not `print(df(1))`
                        # (nothing changes a constant or a JAX array: `dsin(xs)`)
                        changes = not self._immutable(home.bindings[node.id]) and (
                            self._hook(parent)
                            or self._set_through(node)
                            or (
                                not self._own_object_method(parent)
                                and all(
                                    isinstance(v, Own) or v is UNKNOWN
                                    for v in self.value(parent.func)
                                )
                                and not self._only_called(parent, node, values)
                            )
                        )
                    else:
                        changes = (
                            _stores_item(node, self._parents)
                            or self._set_through(node)
                            or (  # `for m in Mode: m._value_ = ...`: its members, changed
                                isinstance(parent, ast.For | ast.comprehension)
                                and node is parent.iter
                                and any(isinstance(v, Own) for v in values)
                                and not self._enum_loop(parent, values)
                            )
                            or (
                                any(isinstance(v, Own) for v in values)  # `C.items.append(...)`
                                and _calls_method(node, self._parents)
                                and not self._static_call(node, values)
                                and not self._enum_use(self._parents.get(id(node)), values)
                                and not self._inert_function_attribute(node, values)
                                and not (
                                    isinstance(parent, ast.Attribute)
                                    and self._calls_wrapped(parent)
                                )
                            )
                            or (  # `df(g)` of `def df(x, _box=[])`: it keeps what it is given
                                isinstance(parent, ast.Call)
                                and parent.func is node
                                and any(
                                    isinstance(v, Own) and self._keeps_state(v.node) for v in values
                                )
                            )
                            or (  # `df(jax.grad)`: code it calls may keep the transform
                                isinstance(parent, ast.Call)
                                and parent.func is node
                                and any(isinstance(v, Own) for v in values)
                                and self._hands_autodiff(parent)
                            )
                        )
                    for returned in self._chained_returns(node, parent, values, holders):
                        # `_get().insert(...)` of `def _get(): return _box`: a change of `_box`
                        touches.setdefault(returned, []).append(top)
                    defines = isinstance(top, _DEFS) and top.name == node.id
                    if changes and not defines:  # (a class calling its own static methods)
                        # calling it changes it with what the call hands it, not with the
                        # rest of its statement (`print(d_log(2.0), jax.grad(jnp.log)(2.0))`)
                        touched: ast.AST = top
                        if (
                            isinstance(parent, ast.Call)
                            and parent.func is node
                            and self._only_looked_at(parent)
                        ):
                            touched = parent
                        touches.setdefault(key, []).append(touched)
        # an alias's changes are the name's, and the other way round: each name gets the
        # statements of its whole component, from the statements found above (a snapshot:
        # extending from lists already extended doubled them per alias, 2²¹ for 21 aliases)
        found = {key: list(statements) for key, statements in touches.items()}
        for key in list(holders):
            component: set[tuple[int, str]] = set()
            todo = [key]
            while todo:
                other = todo.pop()
                if other not in component:
                    component.add(other)
                    todo.extend(aliases.get(other, ()))
            merged = {id(n): n for other in sorted(component) for n in found.get(other, ())}
            if merged:
                touches[key] = list(merged.values())
        return touches

    def _inert_function_attribute(self, node: ast.Name, values: list[Value]) -> bool:
        """Whether `node` is the function of ``fn.attr = ...``, or of ``fn.attr(...)`` called
        with constants and only looked at (a ``def`` or lambda of the submission's), and
        nothing reads ``attr`` back but to look at it: neither changes what the function
        computes (``d_log.reference = jax.grad(jnp.log)``, then ``print(d_log(1.5),
        d_log.reference(1.5))``). What the stored code itself changes, its own reach finds."""
        parent = self._parents.get(id(node))
        call = self._parents.get(id(parent))
        return (
            isinstance(parent, ast.Attribute)
            and (
                isinstance(parent.ctx, ast.Store)
                or (
                    isinstance(call, ast.Call)
                    and call.func is parent
                    and self._only_looked_at(call)
                )
            )
            and (not _is_dunder(parent.attr) or self._wraps_only(parent))
            and bool(values)
            and all(
                isinstance(v, Own) and isinstance(v.node, (*_FUNCTIONS, ast.Lambda)) for v in values
            )
            and not self._untold_attributes
            and parent.attr not in self._attributes_read_back
        )

    @functools.cached_property
    def _attributes_read_back(self) -> frozenset[str]:
        """Attribute names some code can read back to use, not only to look at: read in a
        function or class body (code that may run as an entry's), read at module level
        other than shown, compared or called with constants (`_looked_at`), or spelled in
        a string (``getattr(fn, "reference")``, ``attrgetter("reference")``)."""
        names: set[str] = set()
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    names.add(node.value)
                if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)):
                    continue
                inside: ast.AST | None = self._parents.get(id(node))
                while inside is not None and not isinstance(inside, (*_DEFS, ast.Lambda)):
                    inside = self._parents.get(id(inside))
                parent = self._parents.get(id(node))
                shown = self._looked_at(node) or (
                    isinstance(parent, ast.Call)
                    and parent.func is node
                    and self._only_looked_at(parent)
                )
                if inside is not None or not shown:
                    names.add(node.attr)
        return frozenset(names)

    def _immutable(self, bindings: list[_Binding]) -> bool:
        """Whether every binding of a name holds what no code can change: a constant, or a
        JAX array (``xs = jnp.linspace(0.5, 2.5, 3)``, handed to ``dsin(xs)``)."""
        return bool(bindings) and all(
            b.kind == "assign"
            and not b.unpack
            and (
                isinstance(b.node, ast.Constant)
                or (
                    isinstance(b.node, ast.Call)
                    and bool(called := self.value(b.node.func))
                    and all(
                        isinstance(v, Api)
                        and v.path.startswith(("jax.numpy.", "jax.random."))
                        and v.leaf in _ARRAY_MAKERS
                        for v in called
                    )
                )
            )
            for b in bindings
        )

    def _only_called(
        self, call: ast.Call, node: ast.Name, values: list[Value], *, data: bool = False
    ) -> bool:
        """Whether `call` hands the function `node` names to functions of the submission's
        that only call it or show it (``check(d_log, jnp.log)`` with ``def check(mine, f):
        assert jnp.allclose(mine(x), jax.grad(f)(x))``): calling a ``def`` changes nothing
        it holds. `data`: `node` is an item of a container, handed to functions that only
        compute with it (``d_log(p)`` in ``for p in CONFIG["points"]``)."""
        if not data and (not values or not all(self._calling_changes_nothing(v) for v in values)):
            return False
        offset = 0
        owner = self._self_class(call.func.value) if isinstance(call.func, ast.Attribute) else None
        if owner is not None:  # `self.check(d_log, jnp.log)`: a method of its own class
            family = self._family(owner)
            assert isinstance(call.func, ast.Attribute)
            members = [
                b.node for b in self._members.get(call.func.attr, []) if id(b.scope.node) in family
            ]
            functions = [f for f in members if isinstance(f, _FUNCTIONS)]
            if not functions or len(functions) != len(members):
                return False
            if any(self._decorated(f, "staticmethod") for f in functions):
                if not all(self._decorated(f, "staticmethod") for f in functions):
                    return False
            else:
                offset = 1
        elif (made := self._checker_methods(call.func)) is not None:
            functions, offset = made, 1  # `Check()(d_log, jnp.log, 2.0)`, `Check().run(...)`
        else:
            called = [v.node for v in self.value(call.func) if isinstance(v, Own)]
            functions = [f for f in called if isinstance(f, _FUNCTIONS)]
            if not functions or len(functions) != len(self.value(call.func)):
                return False
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return False
        for function in functions:
            params = [*function.args.posonlyargs, *function.args.args][offset:]
            if node in call.args:
                index = call.args.index(node)
                if index >= len(params):
                    return False  # into `*args`
                name = params[index].arg
            else:
                name = next((k.arg for k in call.keywords if k.value is node), None)
                if name is None or name not in {p.arg for p in params}:
                    return False
            if not (self._param_only_read if data else self._param_only_called)(function, name):
                return False
        return True

    @functools.cached_property
    def _loop_items(self) -> frozenset[tuple[int, str]]:
        """The module-level names only a top-level ``for NAME in ...`` binds: items."""
        found = set()
        for scope in [self.main, *self.modules.values()]:
            for name, bindings in scope.bindings.items():
                if all(
                    b.kind == "other"
                    and isinstance(b.node, ast.For)
                    and isinstance(b.node.target, ast.Name)
                    and b.node.target.id == name
                    for b in bindings
                ):
                    found.add((id(scope), name))
        return frozenset(found)

    def _param_loads(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
    ) -> list[tuple[ast.Name, ast.AST | None]] | None:
        """Where `function`'s own parameter `name` is read, each with its parent (an empty
        list when nowhere); None when it is stored or deleted there too."""
        body_scope = self._scope_of_body.get(id(function))
        if body_scope is None:
            return None
        found: list[tuple[ast.Name, ast.AST | None]] = []
        for sub in ast.walk(function):
            if not (isinstance(sub, ast.Name) and sub.id == name):
                continue
            scope = self._scope.get(id(sub))
            if scope is None or self.resolve(name, scope) is not body_scope:
                continue  # another scope's `name`
            if not isinstance(sub.ctx, ast.Load):
                return None
            found.append((sub, self._parents.get(id(sub))))
        return found

    def _param_only_read(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
        """Whether `function`'s parameter `name` is only computed with: in arithmetic, a
        comparison, a test, shown, handed to a pure computation (``jnp.log(x)``), or
        returned; never rebound, stored, looked into or handed to other code."""
        body_scope = self._scope_of_body.get(id(function))
        if body_scope is None or len(body_scope.bindings.get(name, [])) != 1:
            return False
        loads = self._param_loads(function, name)
        if loads is None:
            return False
        for sub, parent in loads:
            if isinstance(
                parent,
                ast.BinOp | ast.UnaryOp | ast.Compare | ast.FormattedValue | ast.Return | ast.IfExp,
            ) or (isinstance(parent, ast.Subscript) and parent.slice is sub):
                continue
            if (
                isinstance(parent, ast.Call)
                and sub in parent.args
                and bool(values := self.value(parent.func))
                and all(
                    isinstance(v, Api) and (v.path in _READERS or v.path.startswith(_MAKES_ARRAYS))
                    for v in values
                )
            ):
                continue  # `print(x)`, `jnp.log(x)`
            return False
        return True

    def _checker_methods(
        self, func: ast.AST
    ) -> list[ast.FunctionDef | ast.AsyncFunctionDef] | None:
        """The methods `func` calls on an instance made where it is called: ``Check()``'s
        ``__call__`` for ``Check()(...)``, ``run`` for ``Check("log").run(...)``; None when
        that is not what `func` is (or a method is not a plain ``def`` of the class)."""
        made_by, attr = func, "__call__"
        if isinstance(func, ast.Attribute):
            made_by, attr = func.value, func.attr
        if not isinstance(made_by, ast.Call) or not self._constant_arguments(made_by):
            return None  # (`Check(table).run(df)`: what `__init__` keeps, `run` may hand on)
        made = self._made_instance(made_by)
        if not made or not all(
            isinstance(v, Own) and isinstance(v.node, ast.ClassDef) for v in made
        ):
            return None
        functions = []
        for v in made:
            family = self._family(v.node)  # type: ignore[arg-type]
            members = [b for b in self._members.get(attr, []) if id(b.scope.node) in family]
            if not members or not all(
                b.kind == "def" and isinstance(b.node, _FUNCTIONS) and not b.node.decorator_list
                for b in members
            ):
                return None
            functions += [b.node for b in members]  # type: ignore[misc]
        return functions

    def _calling_changes_nothing(self, value: Value) -> bool:
        """Whether calling `value` changes nothing it holds: a ``def`` that keeps neither a
        default nor an argument, or an instance of a plain class whose ``__call__`` does
        not keep one either."""
        if not isinstance(value, Own):
            return False
        node = value.node
        if isinstance(node, _FUNCTIONS):
            return not self._keeps_state(node) and not self._keeps_arguments(node)
        if isinstance(node, ast.ClassDef) and self._plain_class(node):
            calls = [  # its own `__call__`, or an inherited one
                b.node
                for b in self._members.get("__call__", [])
                if isinstance(b.scope.node, ast.ClassDef) and self._subclass_of(node, b.scope.node)
            ]
            return all(
                isinstance(m, _FUNCTIONS)
                and not self._keeps_state(m)
                and not self._keeps_arguments(m)
                for m in calls
            )
        return False

    def _keeps_arguments(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, depth: int = 0
    ) -> bool:
        """Whether `function` keeps an argument where other code finds it (`stores_parameter`):
        ``def df(x, use=None): _box.insert(0, use)``, also through a local name for it
        (``keep = use``) or a function or method of the submission's it hands it to
        (``self.keep(use)``). A caller then changes it."""
        if depth > 4:
            return True
        body = self._scope_of_body.get(id(function))
        names = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        for _ in range(3):  # local names for an argument
            for sub in ast.walk(function):
                if isinstance(sub, ast.Assign | ast.AnnAssign | ast.NamedExpr) and sub.value:
                    if any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(sub.value)):
                        targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                        names |= {
                            n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
                        }
        for sub in ast.walk(function):
            if not (
                isinstance(sub, ast.Name) and sub.id in names and isinstance(sub.ctx, ast.Load)
            ):
                continue
            scope = self._scope.get(id(sub))
            if scope is None or self.resolve(sub.id, scope) is not body:
                continue
            if self.stores_parameter(sub):
                return True
            parent = self._parents.get(id(sub))
            if isinstance(parent, ast.Call) and sub is not parent.func:
                if isinstance(parent.func, ast.Attribute) and self.on_self(parent.func.value):
                    return True  # `self.keep(use)`
                for v in self.value(parent.func):
                    if not isinstance(v, Own) or not isinstance(v.node, _FUNCTIONS):
                        continue
                    if v.node is function or self._keeps_arguments(v.node, depth + 1):
                        return True  # `helper(use)` of `def helper(g): _box.insert(0, g)`
        return False

    def _param_only_called(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
    ) -> bool:
        """Whether `function`'s parameter `name` is only called, shown or compared, and
        never rebound, stored, handed on or looked into."""
        loads = self._param_loads(function, name)
        if loads is None:
            return False
        for sub, parent in loads:
            if isinstance(parent, ast.Call) and parent.func is sub:
                continue  # `mine(x)`
            if isinstance(parent, ast.Compare | ast.FormattedValue):
                continue
            if isinstance(parent, ast.Attribute) and parent.attr in _METADATA:
                continue  # `mine.__name__`
            if (
                isinstance(parent, ast.Call)
                and sub in parent.args
                and all(isinstance(v, Api) and v.path in _READERS for v in self.value(parent.func))
            ):
                continue  # `print(mine)`
            if (
                isinstance(parent, ast.Call)
                and parent.args[:1] == [sub]
                and self._is_builtin(parent.func, "getattr")
                and (self.fold(parent.args[1]) if len(parent.args) > 1 else None) in _METADATA
            ):
                continue  # `getattr(mine, "__name__", "?")`
            return False
        return True

    def _builtin_container(self, bindings: list[_Binding]) -> bool:
        """Whether every binding of a name makes a builtin dict, list or set (a display,
        ``dict(...)``): its reading methods (`_READ_METHODS`) are the builtin ones."""
        return bool(bindings) and all(
            b.kind == "assign"
            and not b.unpack
            and (
                (  # (a key of its own could run its `__eq__`)
                    isinstance(b.node, _DISPLAYS)
                    and not (
                        isinstance(b.node, ast.Dict)
                        and not all(isinstance(k, ast.Constant) for k in b.node.keys)
                    )
                )
                or (
                    isinstance(b.node, ast.Call)
                    and bool(called := self.value(b.node.func))
                    and all(isinstance(v, Api) and v.path in _BUILTIN_CONTAINERS for v in called)
                )
            )
            for b in bindings
        )

    def instances_made(self, cls: ast.ClassDef) -> list[ast.Call]:
        """The calls that make an instance of `cls` or of a subclass of the submission's
        (``Key(g)``, ``cls(...)`` in a class method)."""
        if id(cls) in self._made_memo:
            return self._made_memo[id(cls)]
        family = {id(cls)}
        classes = self._classes
        for _ in range(len(classes)):
            grown = {
                id(c)
                for c in classes
                if any(
                    isinstance(v, Own) and id(v.node) in family
                    for b in c.bases
                    for v in self.value(_unsubscripted(b))
                )
            }
            if grown <= family:
                break
            family |= grown
        found = [
            node
            for t in self.trees.values()
            for node in ast.walk(t)
            if isinstance(node, ast.Call)
            and (
                any(isinstance(v, Own) and id(v.node) in family for v in self.value(node.func))
                or self._class_parameter(node.func) is not None
            )
        ]
        self._made_memo[id(cls)] = found
        return found

    def _class_parameter(self, node: ast.AST) -> ast.ClassDef | None:
        """The class whose class method `node` is the ``cls`` of, if it is one."""
        method = self._method_of_first(node)
        if method is None or not self._decorated(method, "classmethod"):
            return None
        cls = self._scope_of_body[id(method)].parent
        return cls.node if cls is not None and isinstance(cls.node, ast.ClassDef) else None

    def _mutable_default(self, node: ast.Name) -> bool:
        """Whether `node` reads a parameter whose default is an object code can fill."""
        scope = self._scope.get(id(node))
        bindings = (self.lookup(node.id, scope) if scope is not None else None) or []
        return any(
            b.kind == "param" and not isinstance(b.node, ast.arg) and self._fillable(b.node)
            for b in bindings
        )

    def _keeps_state(self, node: ast.AST) -> bool:
        """Whether a function has a default code can fill (``def df(x, _box=[])``, or a
        module-level list): calling it may keep what it is given."""
        args = getattr(node, "args", None)
        return isinstance(args, ast.arguments) and any(
            self._fillable(d) for d in [*args.defaults, *args.kw_defaults] if d is not None
        )

    def _constant_arguments(self, call: ast.AST | None) -> bool:
        """Whether `call` hands over only constants and a library's names (``.get(
        "log_level", logging.INFO)``): nothing of the submission's whose dunders run."""
        return isinstance(call, ast.Call) and all(
            isinstance(a, ast.Constant)
            or (
                isinstance(a, ast.Name | ast.Attribute)
                and bool(values := self.value(a))
                and all(isinstance(v, Api) and _inert_api(v) for v in values)
            )
            or self._looped_constant(a)
            for a in [*call.args, *(k.value for k in call.keywords)]
        )

    def _hands_autodiff(self, call: ast.Call) -> bool:
        """Whether `call` hands over a module or an autodiff transform (`_inert_api`)."""
        return any(
            isinstance(v, Api) and not _inert_api(v)
            for a in [*call.args, *(k.value for k in call.keywords)]
            if isinstance(a, ast.Name | ast.Attribute | ast.Starred)
            for v in self.value(a.value if isinstance(a, ast.Starred) else a)
        )

    def _looped_constant(self, node: ast.AST) -> bool:
        """Whether `node` is a name only a ``for`` binds, over a display of constants and a
        library's names (``for k, f in [("exp", jnp.exp), ("log", jnp.log)]``)."""
        scope = self._scope.get(id(node)) if isinstance(node, ast.Name) else None
        bindings = self.lookup(node.id, scope) if isinstance(node, ast.Name) and scope else None
        if not bindings:
            return False
        for binding in bindings:
            loop = binding.node
            if not (
                binding.kind == "other"
                and isinstance(loop, ast.For)
                and isinstance(loop.iter, ast.Tuple | ast.List)
            ):
                return False
            for item in ast.walk(loop.iter):
                if isinstance(item, ast.Tuple | ast.List | ast.Constant | ast.expr_context):
                    continue
                if isinstance(item, ast.Name | ast.Attribute):
                    parent = self._parents.get(id(item))
                    if isinstance(parent, ast.Attribute):
                        continue  # (the attribute is judged)
                    values = self.value(item)
                    if values and all(isinstance(v, Api) and _inert_api(v) for v in values):
                        continue
                return False
        return True

    def _only_looked_at(self, call: ast.AST | None) -> bool:
        """Whether `call` (``CONFIG.get("verbose")``, a call of a fillable entry) has
        constant arguments and a result only looked at: tested, compared, shown, or bound
        to a name (whose uses count as the container's, an alias). Not ``.get("impl")
        .insert(0, g)``, nor handed to code that may keep it."""
        return isinstance(call, ast.Call) and self._looked_at(call)

    def _looked_at(self, node: ast.AST) -> bool:
        """Whether the value of `node` is only looked at (`_only_looked_at`)."""
        parent = self._parents.get(id(node))
        if isinstance(parent, ast.Attribute | ast.Subscript | ast.Starred):
            return False  # `CONFIG.get("impl").insert(...)`, `df()[0] = ...`
        if isinstance(parent, ast.Call) and node is not parent.func:
            return all(  # `print(...)`, `jnp.allclose(...)`
                isinstance(v, Api)
                and (v.path in _READERS or v.path.startswith(("jax.numpy.", "numpy.", "math.")))
                and v.leaf not in _LIST_RESULTS
                for v in self.value(parent.func)
            ) and (
                parent.func is not None
                and (
                    self._only_looked_at(parent)
                    or all(
                        isinstance(v, Api) and v.path in _READERS for v in self.value(parent.func)
                    )
                )
            )
        if isinstance(parent, ast.Tuple | ast.List):
            return self._looked_at(parent)  # `df(1.5), jax.grad(f)(1.5)` ending a cell
        return isinstance(
            parent,
            ast.Expr
            | ast.Assign
            | ast.AnnAssign
            | ast.If
            | ast.While
            | ast.IfExp
            | ast.Compare
            | ast.BoolOp
            | ast.UnaryOp
            | ast.BinOp
            | ast.FormattedValue
            | ast.Assert,
        )

    def _chained_returns(
        self,
        node: ast.Name,
        parent: ast.AST | None,
        values: list[Value],
        holders: set[tuple[int, str]],
    ) -> list[tuple[int, str]]:
        """The module-level names a function of the submission's returns, when `node` calls
        it and works on the result (``_get().insert(...)``, ``_get()[0] = g``)."""
        if not (isinstance(parent, ast.Call) and parent.func is node):
            return []
        used = self._parents.get(id(parent))
        if isinstance(used, ast.Expr | ast.Compare | ast.FormattedValue | ast.Assign):
            return []  # dropped, compared, shown, or bound (an alias: `_holders`)
        if isinstance(used, ast.Call) and self._only_looked_at(parent):
            return []  # `print(_get())`
        if (
            isinstance(used, ast.Call)
            and used.func is parent
            and self._constant_arguments(parent)
            and self._constant_arguments(used)
            and self._only_looked_at(used)
        ):
            return []  # `print(deriv("log")(0.7))`: calls an item, shows what it returns
        found: list[tuple[int, str]] = []
        for name in self._returned_names(values):
            if (home := self._home(name)) is not None and (id(home), name.id) in holders:
                found.append((id(home), name.id))
        return found

    def _returned_names(self, values: Iterable[Value]) -> list[ast.Name]:
        """The names the submission's functions among `values` return, as the root of what
        they return (``return _box``, ``return _box[0]``, ``lambda: _h.items``)."""
        found: list[ast.Name] = []
        for value in values:
            if not isinstance(value, Own) or isinstance(value.node, ast.ClassDef):
                continue
            for expr in _returns(value.node):
                while isinstance(expr, ast.Attribute | ast.Subscript):
                    expr = expr.value
                if isinstance(expr, ast.Name):
                    found.append(expr)
        return found

    def _set_through(self, node: ast.Name) -> bool:
        """Whether `node`, or what it holds (``Op.DF``), is handed to a library's attribute
        setter: ``type.__setattr__(Rules, "df", g)``, ``object.__setattr__(Op.DF, ...)``."""
        outer: ast.AST = node
        while isinstance(parent := self._parents.get(id(outer)), ast.Attribute | ast.Subscript):
            if parent.value is not outer:
                return False
            outer = parent
        call = self._parents.get(id(outer))
        return (
            isinstance(call, ast.Call)
            and outer in call.args
            and any(isinstance(v, Api) and v.leaf in _SETTERS for v in self.value(call.func))
        )

    def reloaded(self, node: ast.AST) -> bool:
        """Whether `node` is what ``importlib.reload(helpers)`` is handed: running the
        module's code again binds what its code binds, which its names already say."""
        call = self._parents.get(id(node))
        return (
            isinstance(call, ast.Call)
            and call.args[:1] == [node]
            and len(call.args) == 1
            and not call.keywords
            and self.value(call.func) == {Api("importlib.reload")}
        )

    def library_base(self, cls: ast.ClassDef) -> bool:
        """Whether `cls` derives from a library's class that may call its methods
        (``unittest.TestCase``'s ``runTest``; not ``object``, ``ABC``, ``Protocol``, an
        enum's)."""
        return any(
            isinstance(v, Api)
            and (v.path not in _PLAIN_BASES or v.path == "unittest.TestCase")
            and v.path not in _ENUMS
            for b in cls.bases
            for v in self.value(b.value if isinstance(b, ast.Subscript) else b)
        )

    def is_enum(self, cls: ast.ClassDef) -> bool:
        """Whether the submission's class `cls` derives from one of `enum`'s directly."""
        return any(
            isinstance(v, Api) and v.path in _ENUMS for b in cls.bases for v in self.value(b)
        )

    def _plain_enums(self, values: Sequence[Value]) -> list[ast.ClassDef] | None:
        """The plain enum classes of the submission's `values` are, if that is all they are:
        none has a hook `enum` calls (`_ENUM_HOOKS`), and no code of the submission's
        stores a sunder attribute (``self._value_ = ...``, which ``.value`` reads)."""
        classes = [v.node for v in values if isinstance(v, Own)]
        if not classes or len(classes) != len(values) or self._stores_sunder:
            return None
        for cls in classes:
            if not (
                isinstance(cls, ast.ClassDef)
                and self._plain_class(cls)
                and self.is_enum(cls)
                and not any(isinstance(m, _DEFS) and m.name in _ENUM_HOOKS for m in cls.body)
            ):
                return None
        return classes  # type: ignore[return-value]

    @functools.cached_property
    def _stores_sunder(self) -> bool:
        """Whether the submission stores an attribute named like ``_value_`` anywhere (or
        names one in a string: ``setattr(self, "_value_", ...)``)."""
        return any(
            (
                isinstance(node, ast.Attribute)
                and not isinstance(node.ctx, ast.Load)
                and _is_sunder(node.attr)
            )
            or (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _is_sunder(node.value)
            )
            for tree in self.trees.values()
            for node in ast.walk(tree)
        )

    def _enum_use(self, member: ast.AST | None, values: Sequence[Value]) -> bool:
        """Whether `member` reads a member of a plain enum class of the submission's for its
        field or a method's call (``Op.EXP.value``, ``Op.EXP.derivative(1.5)``): the member
        holds a constant, and its class's methods change it only through attributes by
        name (`_plain_class`), which code reading them reaches. `values`: the class's."""
        classes = self._plain_enums(values)
        if classes is None or not (
            isinstance(member, ast.Attribute) and isinstance(member.ctx, ast.Load)
        ):
            return False
        for cls in classes:
            bindings = self._scope_of_body[id(cls)].bindings.get(member.attr)
            if not bindings or not self._enum_member(cls, member.attr, bindings):
                return False
        return self._member_only_read(self._parents.get(id(member)))

    def _member_only_read(self, use: ast.AST | None) -> bool:
        """Whether `use`, an attribute of an enum member, reads a field or calls a method with
        what cannot be filled (no object of the submission's, no module or transform)."""
        if not (
            isinstance(use, ast.Attribute)
            and isinstance(use.ctx, ast.Load)
            and not use.attr.startswith("_")
        ):
            return False
        after = self._parents.get(id(use))
        if isinstance(after, ast.Call) and after.func is use:
            return not self._hands_autodiff(after) and not any(
                self._own_object(a) for a in _arguments(after)
            )
        return not isinstance(after, ast.Attribute)

    def _enum_loop(self, loop: ast.AST, values: Sequence[Value]) -> bool:
        """Whether `loop` (``for op in Op:``) goes over a plain enum class of the submission's
        and its body only reads the members' fields or calls their methods (`_member_only_read`)."""
        classes = self._plain_enums(values)
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and classes):
            return False
        name = loop.target.id
        own = {m.name for c in classes for m in c.body if isinstance(m, _DEFS)}
        body = ast.Module(body=[*loop.body, *loop.orelse], type_ignores=[])
        return all(
            self._member_only_read(parent := self._parents.get(id(n)))
            # `TABLE[op]`, `f"{op}"`, `op is Op.EXP`: the enum's own dunders, unless the
            # class has its own
            or (
                isinstance(parent, ast.Subscript)
                and parent.slice is n
                and isinstance(parent.ctx, ast.Load)
                and not own & {"__hash__", "__eq__"}
            )
            or (
                isinstance(parent, ast.FormattedValue)
                and not own & {"__format__", "__str__", "__repr__"}
            )
            or (
                isinstance(parent, ast.Compare)
                and all(isinstance(o, ast.Is | ast.IsNot) for o in parent.ops)
            )
            for n in ast.walk(body)
            if isinstance(n, ast.Name) and n.id == name
        )

    def _static_call(self, node: ast.Name, values: list[Value]) -> bool:
        """Whether `node` is the class of a call of its own static method (``Derivatives.exp(x)``,
        ``dsin = Derivatives.by_autodiff(jnp.sin)``), or of a class method that hands its
        class to nothing (``Rule.by_autodiff(f)`` making ``cls(...)``): that changes nothing
        the class holds but what stores spelling an attribute do (read by that name)."""
        attribute = self._parents.get(id(node))
        call = self._parents.get(id(attribute))
        if not (
            isinstance(attribute, ast.Attribute)
            and isinstance(call, ast.Call)
            and call.func is attribute
            and not any(  # `C.install(C.table)`: it may fill what it is given
                self._own_object(argument) for argument in _arguments(call)
            )
            and values
            and all(isinstance(v, Own) and isinstance(v.node, ast.ClassDef) for v in values)
        ):
            return False
        for value in values:
            members = self._scope_of_body[id(value.node)].bindings.get(attribute.attr, [])  # type: ignore[union-attr]
            if not members or not all(
                m.kind == "def"
                and isinstance(m.node, _FUNCTIONS)
                and (
                    any(_is_name(d, "staticmethod") for d in m.node.decorator_list)
                    # `Rule.by_autodiff(f)`: `cls(...)`, an alternative constructor that
                    # changes the class only through the attributes it names
                    or (
                        self._decorated(m.node, "classmethod")
                        and self._keeps_to_itself(m.node)
                        and self._plain_class(value.node)  # type: ignore[arg-type]
                    )
                )
                for m in members
            ):
                return False
        return True

    def _own_object(self, node: ast.AST) -> bool:
        """Whether `node` may hold an object of the submission's that code can fill: a
        class or instance of its own, what one holds (``C.table``), or a module-level
        container (``_box``)."""
        for sub in ast.walk(node):
            root = sub
            while isinstance(root, ast.Attribute | ast.Subscript):
                root = root.value
            if not isinstance(root, ast.Name):
                continue
            home = self._home(root)
            if home is not None and (id(home), root.id) in self._holder_keys:
                return True
            if any(
                isinstance(v, Own) and isinstance(v.node, ast.ClassDef) for v in self.value(root)
            ):
                return True
        return False

    def _home(self, node: ast.Name) -> _Scope | None:
        """The module scope that binds the name `node` loads, or None (a local, a builtin)."""
        scope = self._scope.get(id(node))
        if scope is None:
            return None
        home = self.resolve(node.id, scope)
        return home if home.kind == "module" and home.bindings.get(node.id) else None

    def _holders(
        self,
    ) -> tuple[set[tuple[int, str]], dict[tuple[int, str], set[tuple[int, str]]]]:
        """Module-level names that may hold an object code can fill, and their aliases.

        A name bound to a list, dict or set (a display anywhere in the value:
        ``[[]] * 2``), a container call (``dict()``), or a call of the submission's own
        function or class (an instance, a generator, closures: ``df, _push = _mk()``);
        then, in turn, every name a statement binds where it mentions one (``_push =
        _box.append``, ``_box = _alias = []``, ``for b in [_box]``, ``with ... as b``,
        ``(b := _box)``): those are aliases, both ways.
        """
        holders: set[tuple[int, str]] = set()
        aliases: dict[tuple[int, str], set[tuple[int, str]]] = {}
        statements: list[tuple[_Scope, list[str], list[ast.Name]]] = []
        for tree in self.trees.values():
            scope = self._scope_of_body.get(id(tree))
            if scope is None:
                continue
            for roots, top in (unit for t in tree.body for unit in _binding_units(t)):
                walked = [n for root in roots for n in ast.walk(root)]
                bound = sorted(
                    {
                        n.id
                        for n in walked
                        if isinstance(n, ast.Name)
                        and isinstance(n.ctx, ast.Store)
                        and self.resolve(n.id, self._scope.get(id(n), scope)) is scope
                    }
                )
                if isinstance(top, ast.ClassDef):
                    # `class Sink: addError = R.setdefault`: its class holds what fills R,
                    # for any code (a library's too) that calls it
                    bound.append(top.name)
                loads = [
                    n
                    for n in walked
                    if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Load)
                    and not self._reads_member(n, self._parents.get(id(n)))
                ]
                statements.append((scope, bound, loads))
                # `b = _get()` of `def _get(): return _box`: `b` is `_box` too
                for sub in walked:
                    if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                        loads.extend(self._returned_names(self.value(sub.func)))
                value = getattr(top, "value", None)
                walrus = [n for n in walked if isinstance(n, ast.NamedExpr)]
                if walrus and all(self._fillable(n.value) for n in walrus):
                    value = walrus[0].value  # `(_box := [])`
                if isinstance(top, ast.Assign | ast.AnnAssign) or walrus:
                    if value is not None and self._fillable(value):
                        for b in bound:  # `_box = _alias = []`: one object, two names
                            holders.add((id(scope), b))
                            aliases.setdefault((id(scope), b), set()).update(
                                (id(scope), other) for other in bound
                            )
        changed = True
        while changed:
            changed = False
            for scope, bound, loads in statements:
                mentioned = {
                    (id(home), n.id) for n in loads if (home := self._home(n)) is not None
                } & holders
                for held in mentioned:
                    for b in bound:
                        key = (id(scope), b)
                        aliases.setdefault(held, set()).add(key)
                        aliases.setdefault(key, set()).add(held)
                        if key not in holders:
                            holders.add(key)
                            changed = True
        return holders, aliases

    def _reads_member(self, node: ast.Name, parent: ast.AST | None) -> bool:
        """Whether `node` is only read for a member of a plain instance of the submission's
        own class (``d_x_pow_x = hw.d_x_pow_x``, ``hw.dsin(1.0)``).

        What a method does to its instance, it does through attributes by name
        (``self.cache = ...``, ``self.items.append(...)``), which code reading that
        attribute reaches (`_stores`); so reading a member neither fills the instance
        nor makes the name bound to it another name for it. Plain: the class (and its
        own bases) has no code that sets attributes by computed names (`_plain_class`).
        """
        if not (
            isinstance(parent, ast.Attribute)
            and parent.value is node
            and isinstance(parent.ctx, ast.Load)
        ):
            return False
        if self._function_field(node, parent.attr):
            return True  # `forward = tools.forward`, tools a SimpleNamespace of functions
        values = self.value(node)
        return bool(values) and all(
            isinstance(v, Own) and isinstance(v.node, ast.ClassDef) and self._plain_class(v.node)
            for v in values
        )

    def _function_field(self, node: ast.Name, attr: str) -> bool:
        """Whether `node` is bound once to a record (`_record_maker`) made with keywords, whose
        field `attr` is a function (a lambda, or a ``def`` of the submission's): reading it
        hands over the function, which nothing can fill."""
        made = self._assigned_once(node)
        if not isinstance(made, ast.Call):
            return False
        field = self.field_value(made, attr)
        return isinstance(field, ast.Lambda) or (
            isinstance(field, ast.Name)
            and bool(values := self.value(field))
            and all(isinstance(v, Own) and isinstance(v.node, _FUNCTIONS) for v in values)
        )

    def record_field(self, node: ast.Attribute) -> ast.Call | None:
        """The call making the record whose field `node` reads, if `node` is ``AUTO.forward``
        of ``AUTO = types.SimpleNamespace(forward=..., reverse=...)`` (or of a namedtuple made
        with keywords), bound once: the field holds that keyword's value, or what a store
        ``AUTO.forward = ...`` puts there."""
        made = self._assigned_once(node.value)
        if isinstance(made, ast.Call) and self.field_value(made, node.attr) is not None:
            return made
        return None

    def field_value(self, made: ast.Call, attr: str) -> ast.expr | None:
        """What the record `made` makes holds in its field `attr`: a keyword's value, or, for
        a namedtuple (``collections.namedtuple`` or a ``typing.NamedTuple`` class of the
        submission's), the argument at the field's place. None: not such a record."""
        if any(isinstance(a, ast.Starred) for a in made.args) or any(
            k.arg is None for k in made.keywords
        ):
            return None
        fields = self._tuple_fields(made.func) or self._named_tuple_fields(made.func)
        if fields is None:
            if made.args or not self._record_maker(made.func):
                return None
            fields = []
        given = {k.arg: k.value for k in made.keywords}
        given.update(zip(fields, made.args, strict=False))
        if len(made.args) > len(fields) and fields:
            return None
        return given.get(attr)

    def _named_tuple_fields(self, func: ast.AST) -> list[str] | None:
        """The fields of a ``typing.NamedTuple`` class of the submission's `func` names."""
        values = self.value(func)
        if len(values) != 1:
            return None
        (cls,) = values
        if not (
            isinstance(cls, Own)
            and isinstance(cls.node, ast.ClassDef)
            and not cls.node.decorator_list
            and [self.value(b) for b in cls.node.bases] == [{Api("typing.NamedTuple")}]
        ):
            return None
        body = cls.node.body
        if not all(
            isinstance(s, ast.AnnAssign | ast.Assign | ast.Pass | ast.Expr | ast.FunctionDef)
            for s in body
        ):
            return None  # a field declared under `if`: its place cannot be told
        return [
            s.target.id
            for s in body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        ]

    def making(self, bindings: Iterable[_Binding]) -> set[int]:
        """The nodes that make what `bindings` bind: each value, and a plain ``=``
        statement binding it (but not the rest of an ``if`` or ``try`` around it)."""
        found: set[int] = set()
        for b in bindings:
            found |= {id(n) for n in ast.walk(b.node)}
            statement = self._parents.get(id(b.node))
            if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is b.node:
                found.add(id(statement))
        return found

    def _assigned_once(self, node: ast.AST) -> ast.AST | None:
        """The value the name `node` is bound to, if it is bound once, by a plain ``=``."""
        if not isinstance(node, ast.Name) or (scope := self._scope.get(id(node))) is None:
            return None
        bindings = self.lookup(node.id, scope) or []
        if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].unpack:
            return None
        return bindings[0].node

    def tuple_field(self, node: ast.Attribute) -> bool:
        """Whether `node` reads a field of a namedtuple made in place, by position or
        keyword (``TABLE["log"].derivative`` of ``TABLE = {"log": Elementary("log",
        jnp.log, lambda x: 1 / x)}``, ``Elementary = namedtuple("Elementary", ["name",
        "f", "derivative"])``): a field holds what it was made with (a namedtuple is never
        changed), which the item's making reaches."""
        base = node.value
        if not isinstance(base, ast.Subscript) or not isinstance(base.value, ast.Name):
            return False
        home = self._home(base.value)
        if home is None:
            return False
        made_in = self.making(home.bindings[base.value.id])  # (`Elementary(...)` there)
        if any(id(t) not in made_in for t in self._touches.get((id(home), base.value.id), ())):
            return False  # `TABLE["log"] = gk` may have replaced the item
        made = self._element(base)
        return isinstance(made, ast.Call) and self.field_value(made, node.attr) is not None

    def _tuple_fields(self, func: ast.AST) -> list[str] | None:
        """The fields of the namedtuple class `func` names, if it is one made once with
        constant field names (``collections.namedtuple("K", "name f derivative")``)."""
        made = self._assigned_once(func)
        if not (
            isinstance(made, ast.Call)
            and len(made.args) == 2
            and not made.keywords
            and self.value(made.func) == {Api("collections.namedtuple")}
        ):
            return None
        spec = made.args[1]
        if isinstance(spec, ast.Constant) and isinstance(spec.value, str):
            return spec.value.replace(",", " ").split()
        if isinstance(spec, ast.List | ast.Tuple) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in spec.elts
        ):
            return [e.value for e in spec.elts]  # type: ignore[union-attr]
        return None

    def _plain_class(self, node: ast.ClassDef, depth: int = 0) -> bool:
        """Whether the submission's class `node` sets and reads its attributes only by the
        names its source spells: no ``setattr``/``delattr``/``vars``/``getattr``, no
        ``__dict__`` or other dynamic attribute, no ``__setattr__``/``__getattr__``
        of its own, and only such bases of the submission's (or ``object``)."""
        if id(node) in self._plain:
            return self._plain[id(node)]
        self._plain[id(node)] = False  # a class that is its own base is not plain
        plain = depth < 20
        for sub in ast.walk(node):
            if (
                (isinstance(sub, ast.Attribute) and sub.attr in DYNAMIC_ATTRIBUTES)
                or (
                    isinstance(sub, ast.Name)
                    and sub.id in {"setattr", "delattr", "getattr", "vars", "globals"}
                )
                or (
                    isinstance(sub, _FUNCTIONS)
                    and sub.name in {"__setattr__", "__getattr__", "__getattribute__"}
                )
            ):
                plain = False
        for base in node.bases:
            if isinstance(base, ast.Subscript):  # `Generic[T]`
                base = base.value
            values = self.value(base)
            if not (
                values
                and all(
                    (isinstance(v, Api) and v.path in _PLAIN_BASES)
                    or (
                        isinstance(v, Own)
                        and isinstance(v.node, ast.ClassDef)
                        and self._plain_class(v.node, depth + 1)
                    )
                    for v in values
                )
            ):
                plain = False
        for keyword in node.keywords:  # a metaclass: `abc.ABCMeta` adds no attributes
            values = self.value(keyword.value)
            if keyword.arg != "metaclass" or not (
                values and all(isinstance(v, Api) and v.path in _PLAIN_BASES for v in values)
            ):
                plain = False
        for method in node.body:
            if plain and isinstance(method, _FUNCTIONS) and not self._keeps_to_itself(method):
                plain = False
        self._plain[id(node)] = plain
        return plain

    def _keeps_to_itself(self, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Whether a method changes its instance only through attributes it names: it
        neither mutates a local name for one (``fs = self.fs; fs.append(g)``) nor hands
        its instance or an attribute to code that may (``fill(self.fs)``, ``keep(self)``),
        pure computations of JAX, numpy and the like aside."""
        params = [*method.args.posonlyargs, *method.args.args]
        if not params or self._decorated(method, "staticmethod"):
            return True  # (a static method has no instance: its first parameter is data)
        me = params[0].arg
        owner = self._scope.get(id(method))
        constants = (
            {
                name
                for name, bindings in owner.bindings.items()
                if len(bindings) == 1
                and bindings[0].kind == "assign"
                and not bindings[0].unpack
                and self._computed_constant(bindings[0].node)
                and not self._stores.get(name)
            }
            if owner is not None and owner.kind == "class"
            else set()
        )

        def rooted(expr: ast.AST) -> bool:  # `self`, `self.fs`, `self.a.b`
            if (  # `cls.X` of `X = 1.7` in the class body, stored nowhere: a constant
                isinstance(expr, ast.Attribute)
                and isinstance(expr.value, ast.Name)
                and expr.value.id == me
                and expr.attr in constants
            ):
                return False
            while isinstance(expr, ast.Attribute | ast.Subscript):
                expr = expr.value
            return isinstance(expr, ast.Name) and (expr.id == me or expr.id in aliases)

        def holds(expr: ast.AST) -> bool:  # `self.fs`, `[self.fs]`, `(self.fs, 0)`
            if isinstance(expr, ast.Tuple | ast.List | ast.Set):
                return any(holds(e) for e in expr.elts)
            if isinstance(expr, ast.Starred | ast.NamedExpr):
                return holds(expr.value)
            if isinstance(expr, ast.IfExp):
                return holds(expr.body) or holds(expr.orelse)
            if isinstance(expr, ast.BoolOp):
                return any(holds(v) for v in expr.values)
            return rooted(expr) and not (isinstance(expr, ast.Name) and expr.id == me)

        aliases: set[str] = set()
        for _ in range(3):  # aliases of aliases
            for sub in ast.walk(method):
                pairs: list[tuple[ast.AST | None, ast.AST]] = []
                if isinstance(sub, ast.Assign):
                    pairs = [(sub.value, t) for t in sub.targets]
                elif isinstance(sub, ast.AnnAssign | ast.NamedExpr):
                    pairs = [(sub.value, sub.target)]
                elif isinstance(sub, ast.For | ast.AsyncFor | ast.comprehension):
                    pairs = [(sub.iter, sub.target)]  # `for t in [self.fs]`, `for f in self.fs`
                elif isinstance(sub, ast.withitem) and sub.optional_vars is not None:
                    pairs = [(sub.context_expr, sub.optional_vars)]
                for value, target in pairs:
                    if value is not None and (
                        holds(value)
                        or (
                            isinstance(sub, ast.For | ast.AsyncFor | ast.comprehension)
                            and rooted(value)
                        )
                    ):
                        aliases.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        if self._shares_local(method):
            return False
        for sub in ast.walk(method):
            if isinstance(sub, ast.Call):
                func = sub.func
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    if func.value.id in aliases:
                        return False  # `fs.append(g)`
                arguments = [*sub.args, *(k.value for k in sub.keywords)]
                # `print(self)`, `type(self).__name__`, `len(self)`: the dunders they call
                # are the class's own methods, judged too; `print(self.name)` calls those
                # of what the attribute holds, any class's of the submission's
                reads = not any(k.arg == "key" for k in sub.keywords) and (
                    all(_is_name(a, me) or not rooted(a) for a in arguments)
                    or not self._reader_dunders
                )
                pure = all(
                    isinstance(v, Api)
                    and (v.path.split(".")[0] in _PURE_ON_OBJECTS or (v.path in _READERS and reads))
                    for v in self.value(func)
                )
                if not pure and any(rooted(a) for a in arguments):
                    return False  # `fill(self.fs)`
            elif isinstance(sub, ast.Assign | ast.AugAssign | ast.Delete):
                targets = sub.targets if isinstance(sub, ast.Assign | ast.Delete) else [sub.target]
                if (
                    isinstance(sub, ast.Assign)
                    and holds(sub.value)
                    and any(isinstance(t, ast.Attribute | ast.Subscript) for t in targets)
                ):
                    return False  # `self.spare = self.impl`: one object under two names
                for target in targets:
                    if (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id in aliases
                    ):
                        return False  # `table = self.table; table[k] = g`
        return True

    def _computed_constant(self, node: ast.AST) -> bool:
        """Whether `node` is a constant, or an array JAX (or math) computes from constants
        (``jnp.arange(4.0)``, ``jnp.array([0.3, -0.2])``): nothing code can change."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.UnaryOp):
            return self._computed_constant(node.operand)
        if isinstance(node, ast.Tuple):
            return all(self._computed_constant(e) for e in node.elts)
        if isinstance(node, ast.Call):
            values = self.value(node.func)
            return (
                bool(values)
                and all(
                    isinstance(v, Api)
                    and v.path.startswith(("jax.numpy.", "math."))
                    and v.leaf not in _LIST_RESULTS  # (`jnp.split` makes a list)
                    for v in values
                )
                and all(
                    self._computed_constant(a)
                    or isinstance(a, ast.List)
                    and all(self._computed_constant(e) for e in a.elts)
                    for a in [*node.args, *(k.value for k in node.keywords)]
                )
            )
        return False

    def _shares_local(self, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Whether `method` hands one container or object it makes to two places (``box =
        [...]; self.impl = box; self.items = Elem(box)``): a change through one is then a
        change of the other, which its name does not spell."""
        made = {
            t.id
            for sub in ast.walk(method)
            if isinstance(sub, ast.Assign) and self._made_here(sub.value)
            for t in sub.targets
            if isinstance(t, ast.Name)
        }
        handed: dict[str, int] = {}
        for sub in ast.walk(method):
            if not (isinstance(sub, ast.Name) and sub.id in made and isinstance(sub.ctx, ast.Load)):
                continue
            parent = self._parents.get(id(sub))
            if isinstance(parent, ast.Assign) and any(
                not isinstance(t, ast.Name) for t in parent.targets
            ):
                escapes = True  # `self.impl = box`
            elif isinstance(parent, ast.Call) and sub is not parent.func:
                escapes = not all(isinstance(v, Api) for v in self.value(parent.func))
            else:
                escapes = isinstance(
                    parent, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Return | ast.keyword
                )
            if escapes:
                handed[sub.id] = handed.get(sub.id, 0) + 1
        return any(count > 1 for count in handed.values())

    def _made_here(self, value: ast.AST) -> bool:
        """Whether `value` makes a new container or object of the submission's (``[...]``,
        ``dict()``, ``Elem(...)``)."""
        if isinstance(value, _DISPLAYS):
            return True
        if isinstance(value, ast.Call):
            values = self.value(value.func)
            return any(
                (isinstance(v, Own) and isinstance(v.node, ast.ClassDef))
                or (isinstance(v, Api) and _under(v.path, tuple(_CONTAINERS)))
                for v in values
            )
        return False

    @functools.cached_property
    def _reader_dunders(self) -> bool:
        """Whether a class of the submission's defines a dunder that `print`, `len` and the
        like call (``__repr__``, ``__len__``, ...): reading an attribute then runs it."""
        return any(
            isinstance(member, _FUNCTIONS)
            and _is_dunder(member.name)
            and member.name not in ("__init__", "__post_init__", "__call__", "__init_subclass__")
            for tree in self.trees.values()
            for cls in ast.walk(tree)
            if isinstance(cls, ast.ClassDef)
            for member in cls.body
        )

    def _fillable(self, value: ast.AST) -> bool:
        """Whether `value` may build an object code can fill (see `_holders`).

        A list, dict or set display; a call of the submission's own, of something untraced,
        of a container (``dict.fromkeys(())``, ``defaultdict(list)``), or of a library
        that is not a pure computation (``queue.Queue()``, ``contextvars.ContextVar``).
        Not constants (``1e-6``), another name for a function, class or module, nor what
        JAX, numpy and the like compute (``TWO = jnp.float32(2.0)``).
        """
        if isinstance(value, ast.Attribute) and self.flag_value(value) is not _UNKNOWN_FLAG:
            return False  # `Mode.FORWARD` of a plain `Enum`: a constant
        if isinstance(value, ast.Name | ast.Attribute):
            return not all(isinstance(v, Own | Api) for v in self.value(value))
        for node in _walk_now(value):
            if isinstance(node, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp):
                return True
            if isinstance(node, ast.SetComp):
                return True
            if isinstance(node, ast.Call):
                for v in self.value(node.func):
                    if isinstance(v, Own) and self._returns_computed(v.node):
                        continue  # `elementwise(fn)` returning `jnp.vectorize(fn)`
                    if not isinstance(v, Api) or _under(v.path, tuple(_CONTAINERS)):
                        return True
                    if v.leaf in _LIST_RESULTS:
                        return True  # `jnp.split(...)` is a list
                    if v.path.split(".")[0] not in _COMPUTE:
                        return True
        return False

    def _returns_computed(self, function: ast.AST) -> bool:
        """Whether the plain function `function` only returns what JAX computes: an array,
        or a function JAX made (``return jnp.vectorize(fn)``), nothing code can fill or
        change (not ``np.vectorize``'s ``.pyfunc``, nor ``jax.custom_jvp``'s ``.fun``)."""
        returns = _returns(function) if _plain_function(function) else []
        return bool(returns) and all(
            isinstance(r, ast.Call)
            and bool(values := self.value(r.func))
            and all(
                isinstance(v, Api)
                and (v.path in _MAKES_FUNCTIONS or v.path.startswith(_MAKES_ARRAYS))
                and v.leaf not in _LIST_RESULTS
                for v in values
            )
            for r in returns
        )

    def _find_code_annotations(self) -> set[int]:
        """Annotations that are code, not types: a string that is not a type expression, or
        under ``from __future__ import annotations`` any annotation that is not (such
        annotations are evaluated later, by ``typing.get_type_hints`` for instance:
        ``functools.singledispatch`` evaluates its registered functions')."""
        found: set[int] = set()
        for tree in self.trees.values():
            lazy = any(
                isinstance(n, ast.ImportFrom)
                and n.module == "__future__"
                and any(a.name == "annotations" for a in n.names)
                for n in tree.body
            )
            for node in ast.walk(tree):
                annotations: list[ast.expr | None] = []
                if isinstance(node, ast.arg):
                    annotations.append(node.annotation)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    annotations.append(node.returns)
                elif isinstance(node, ast.AnnAssign):
                    annotations.append(node.annotation)
                for annotation in annotations:
                    if annotation is not None and not _type_like(annotation, lazy):
                        found.add(id(annotation))
        return found

    def dynamic_call(self, node: ast.Call) -> str | None:
        """The API through which `node` runs code given as data, or reads attributes by
        names the rules cannot see, if it does (else None).

        ``timeit.timeit("import jax ...")`` runs its string; ``timeit.timeit(lambda: f(x))``
        calls the submission's own code, which the rules read. ``np.load(f, allow_pickle=True)``
        unpickles; without the flag it does not. ``dataclasses.asdict(x)`` reads every field
        of ``x``: fine for the submission's own classes. Arguments it cannot see (``*args``,
        ``**kwargs``) count as code.
        """
        unseen = any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        )
        for func in self.value(node.func):
            if not isinstance(func, Api):
                continue
            if func.path in _CODE_ARGUMENTS:
                positions, keywords = _CODE_ARGUMENTS[func.path]
                given = [node.args[i] for i in positions if i < len(node.args)]
                given += [k.value for k in node.keywords if k.arg in keywords]
                if unseen or not all(self._callable(arg) for arg in given):
                    return func.leaf
            elif func.path in _OWN_ARGUMENT:
                if unseen or not node.args or not self._own_instance(node.args[0]):
                    return func.leaf
            elif func.path in _NAME_ARGUMENTS:
                if unseen or self.looked_up(node, func.path) is None:
                    return func.leaf
            elif func.path.startswith("jax.") and func.leaf in _PYTREE_REGISTRATIONS:
                # a library's class made a pytree: `tree_leaves` then reads every field of
                # its objects by position (`gk.functions["log-sin"]`'s derivative)
                if (
                    unseen
                    or not node.args
                    or not all(isinstance(v, Own) for v in self.value(node.args[0]))
                ):
                    return func.leaf
            elif func.path in _FLAG_ARGUMENTS:
                flags = [k.value for k in node.keywords if k.arg == _FLAG_ARGUMENTS[func.path]]
                # np.load(file, mmap_mode, allow_pickle): the flag is also the third argument
                flags += node.args[2:3]
                off = (False, None)
                if unseen or any(
                    not (isinstance(f, ast.Constant) and f.value in off) for f in flags
                ):
                    return func.leaf
        return None

    @functools.cached_property
    def imports_optimizers(self) -> bool:
        """Whether the submission imports JAX's optimizers (``jax.scipy.optimize``, whose
        BFGS `minimize` returns the gradient): then ``.minimize`` of a value the rules
        cannot trace counts as `grad` too, not only as a method of the student's own."""
        return any(
            _under(name, ("jax.scipy.optimize",))
            for tree in self.trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in _imported(node)
        )

    def _looks_up_dynamic(self, node: ast.Call) -> bool:
        """Whether `node` looks up one of `DYNAMIC_ATTRIBUTES` by a constant name
        (``operator.attrgetter("__globals__")``), as the attribute itself would."""
        return any(
            piece in DYNAMIC_ATTRIBUTES
            for func in self.value(node.func)
            if isinstance(func, Api) and func.path in _NAME_ARGUMENTS
            for piece in self.looked_up(node, func.path) or ()
        )

    def looked_up(self, node: ast.Call, path: str) -> list[str] | None:
        """The attribute names a call of a `_NAME_ARGUMENTS` API looks up, or None where they
        are not all constants (or, for `dictConfig`, where its dict may name other code)."""
        if path == "logging.config.dictConfig":
            return [] if node.args and self._plain_logging_config(node.args[0]) else None
        given = node.args if path == "operator.attrgetter" else node.args[:1]
        names = [self.fold(arg) for arg in given]
        if not names or any(n is None for n in names):
            return None
        return [piece for name in names for piece in name.split(".")]  # type: ignore[union-attr]

    def _plain_logging_config(self, node: ast.AST) -> bool:
        """Whether a `dictConfig` dict is a display of constants that names no code but
        logging's own classes (``"class": "logging.StreamHandler"``) and the standard
        streams (``"ext://sys.stdout"``): `dictConfig` imports whatever its strings name."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Dict):
                if any(k is None for k in sub.keys):
                    return False
                for key, value in zip(sub.keys, sub.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in ("()", "class", "."):
                        text = self.fold(value)
                        if text is None or not text.startswith("logging."):
                            return False
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                if sub.value.startswith("ext://") and sub.value not in (
                    "ext://sys.stdout",
                    "ext://sys.stderr",
                ):
                    return False
            elif not isinstance(sub, ast.List | ast.Tuple | ast.expr_context | ast.Constant):
                return False  # a name, a call: anything
        return True

    def _own_instance(self, node: ast.AST) -> bool:
        """Whether `node` is built from one of the submission's own classes (``Row(...)``).

        Not ``self`` nor a parameter annotated ``row: Row``: a function can be given
        anything (``Row.to_dict(gk.functions["log-sin"])`` reads the registry's derivative).
        """
        return all(isinstance(v, Own) for v in self.value(node))

    def _callable(self, node: ast.AST) -> bool:
        """Whether `node` is a function (the submission's, or an API), never a string."""
        values = self.value(node)
        return bool(values) and all(isinstance(v, Own | Api) for v in values)

    # -- what an entry reaches ------------------------------------------------------------------
    def usage(self, entry: str) -> Usage:
        if entry not in self._usages:
            self._usages[entry] = self._usage(entry)
        return self._usages[entry]

    def _usage(self, entry: str) -> Usage:
        # what `from helpers import *` binds counts too: below the entry's def, or alone
        bindings = self._final(self._global(entry, self.main) or [])
        if bindings and all(b.module == "builtins." + entry for b in bindings):
            bindings = []  # a builtin's name (`def max`) the submission does not bind
        if not bindings:
            if not self.rebinds:
                return Usage(False, False, frozenset(), {})
            walker = _Reach(self)  # defined by dynamic code: say which
            for tree in self.trees.values():
                walker.unit(tree)
            walker.run()
            return Usage(False, False, frozenset(), walker.lines, frozenset(walker.dynamic))
        stub = all(b.kind == "def" and is_stub(b.node) for b in bindings)
        walker = _Reach(self)
        for binding in bindings:
            walker.reach(binding)
        walker.touched(self.main, entry)  # `df.__defaults__ = ...`
        for callback in self._callbacks:  # `codecs.register(search)`: set off from anywhere
            walker.unit(callback)
        for statement in self._module_stores:  # `jnp.sin = ...`: read as `jnp.sin` anywhere
            walker.unit(statement, read=True)
        if self.rebinds:  # nothing can be ruled out: all of the submission's code
            for tree in self.trees.values():
                walker.unit(tree)
        walker.run()
        return Usage(
            True,
            stub,
            frozenset(walker.names),
            walker.lines,
            frozenset(walker.dynamic),
            self.rebinds_at,
        )

    def _final(self, bindings: list[_Binding]) -> list[_Binding]:
        """The bindings of an entry that can still hold when the grader reads it.

        A plain top-level ``def`` or ``=`` replaces every binding above it in its file
        that is not in a function's or class's body (a scratch answer, redefined below:
        the grader reads the module once it has run). With such bindings in several
        files of a directory without ``solutions.py``, they run in name order, so the last
        file's last one holds.
        """
        places = [self._top.get(id(b.node)) for b in bindings]
        direct = [
            (file, index)
            for b, place in zip(bindings, places, strict=True)
            if place is not None
            for file, index, top in [place]
            if top is b.node
            or (isinstance(top, ast.Assign | ast.AnnAssign) and top.value is b.node)
            # (not one at or after where a notebook's run stopped: it never ran)
            if self.ran is None or file != MAIN or (top.end_lineno or top.lineno) < self.ran
        ]
        if not direct or any(self._sibling_of(star) is self.main for star in self.main.stars):
            # (`from b import *` of a main file: module `b`'s own names, rebound here)
            return bindings
        # the files of a directory without `solutions.py` run in name order, one namespace
        order = {name: rank for rank, name in enumerate(self._main_files)}
        if len({file for file, _ in direct}) > 1 and not all(f in order for f, _ in direct):
            return bindings
        file, last = max(direct, key=lambda place: (order.get(place[0], 0), place[1]))
        return [
            b
            for b, place in zip(bindings, places, strict=True)
            if place is None
            or order.get(place[0], -1) > order.get(file, -1)
            or (place[0] != file and place[0] not in order)
            or (place[0] == file and place[1] >= last)
            or (isinstance(place[2], _DEFS) and place[2] is not b.node)
        ]

    def where(self, node: ast.AST) -> str:
        file = self._file.get(id(node), self.main.file)
        line = place(self.files.get(file, ""), getattr(node, "lineno", 0))
        return line if self.single or file == self.main.file else f"{file} {line}"


# gradkit's jacobian takes its mode as an argument: with a constant one it is jacfwd or jacrev
_GK_JACOBIAN = "gradkit.jacobian"
_MODES = {"fwd": "jacfwd", "rev": "jacrev"}
# the JAX transformations behind other names (a rule against `grad` also sees gk.derivative
# and eqx.filter_grad); gk.jacobian without a constant mode chooses by shape at run time:
# either of its two
_USES = {
    "gradkit.derivative": ("grad",),
    "gradkit.hvp": ("jvp", "grad"),
    "gradkit.hessian": ("jacfwd", "jacrev"),
    "gradkit.check_grad": ("grad",),
    _GK_JACOBIAN: ("jacfwd", "jacrev"),
    "equinox.filter_grad": ("grad",),
    "equinox.filter_value_and_grad": ("value_and_grad", "grad"),
    "equinox.filter_jvp": ("jvp",),
    "equinox.filter_vjp": ("vjp",),
    "equinox.filter_jacfwd": ("jacfwd",),
    "equinox.filter_jacrev": ("jacrev",),
    "equinox.filter_hessian": ("hessian",),
    "jax.fwd_and_bwd": ("vjp",),
    "jax.experimental.jet.jet": ("jvp",),  # Taylor mode: forward mode, to any order
    "jax.test_util.check_grads": ("jvp", "vjp"),
    "jax.scipy.optimize.minimize": ("grad",),  # BFGS: `.jac` is the gradient
    # finite differences
    "gradkit.limit_table": ("difference_quotient",),
    "numpy.gradient": ("difference_quotient",),
    "jax.numpy.gradient": ("difference_quotient",),
}
# whole libraries of derivatives, by the start of a path: numerical (finite differences,
# Richardson's extrapolation, the complex step) and automatic
_USES_BY_PREFIX = (
    ("jax.experimental.jet.", ("jvp",)),  # `jet2`, Taylor mode under another name
    ("numpy.emath.", ("complex",)),  # numbers that turn complex: a complex step
    ("numpy.lib.scimath.", ("complex",)),
    ("cmath.", ("complex",)),
    ("numdifftools.", ("difference_quotient",)),
    ("findiff.", ("difference_quotient",)),
    ("scipy.differentiate.", ("difference_quotient",)),
    ("scipy.misc.derivative", ("difference_quotient",)),
    ("scipy.optimize.approx_fprime", ("difference_quotient",)),
    ("scipy.optimize.check_grad", ("difference_quotient",)),
    ("autograd.", ("grad",)),
    ("torch.autograd.", ("grad", "backward")),
    ("torch.func.", ("grad",)),
)
# the transforms behind those names, by the name alone: looked up on a value the rules
# cannot trace (`next(iter([eqx])).filter_grad`), they count too; not `minimize`, a common
# method name of the student's own
_USES_BY_LEAF = {
    path.rpartition(".")[2]: uses for path, uses in _USES.items() if not path.endswith("minimize")
} | {name: ("jvp",) for name in ("jet2", "jet_fun", "jet_rules", "jet_jaxpr", "_jet_jaxpr")}
# how feedback spells a module
_SHORT = (("gradkit.", "gk."), ("equinox.", "eqx."))


def _shown(path: str) -> str:
    for long, short in _SHORT:
        if path.startswith(long):
            return short + path.removeprefix(long)
    return path


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement spells: ``import a.b`` is ``a.b``, ``from a
    import b`` is ``b``, ``a`` and ``a.b`` (``b`` may be a module or a name of ``a``)."""
    spelled = [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        spelled += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return spelled


def _stores_item(node: ast.AST, parents: Mapping[int, ast.AST]) -> bool:
    """Whether `node` is the root of ``node.a.b[k] = ...`` (or ``del``)."""
    parent = parents.get(id(node))
    while isinstance(parent, ast.Attribute) and isinstance(parent.ctx, ast.Load):
        node, parent = parent, parents.get(id(parent))
    return (
        isinstance(parent, ast.Subscript)
        and parent.value is node
        and not isinstance(parent.ctx, ast.Load)
    )


# methods that only put things in (what they return tells nothing of what is inside)
_FILLERS = frozenset(
    {"append", "extend", "insert", "add", "update", "appendleft", "extendleft", "put"}
)


def _filled(node: ast.AST, parents: Mapping[int, ast.AST]) -> bool:
    """Whether `node` is only filled here, not read: a store target, or the object of a
    method that only puts things in (``traced.registry.append(self)``)."""
    if isinstance(getattr(node, "ctx", None), ast.Store | ast.Del):
        return True
    parent = parents.get(id(node))
    call = parents.get(id(parent))
    return (
        isinstance(parent, ast.Attribute)
        and parent.attr in _FILLERS
        and isinstance(call, ast.Call)
        and call.func is parent
    )


def _calls_method(node: ast.AST, parents: Mapping[int, ast.AST]) -> bool:
    """Whether `node` is the root of a method call or an attribute store through it:
    ``node.update(...)``, ``node.items.append(...)``, ``node.a.b = ...``."""
    parent = parents.get(id(node))
    if not isinstance(parent, ast.Attribute):
        return False
    while isinstance(parent, ast.Attribute):
        if not isinstance(parent.ctx, ast.Load):
            return True
        node, parent = parent, parents.get(id(parent))
    return isinstance(parent, ast.Call) and parent.func is node


# methods that change the container they are called on
_MUTATORS = _FILLERS | frozenset(
    "setdefault pop popitem popleft remove clear sort reverse discard __setitem__ "
    "__delitem__ __iadd__ rotate".split()
)


def _changes_item(node: ast.AST, parents: Mapping[int, ast.AST]) -> bool:
    """Whether `node` is the root of a container method call or an attribute store on one
    of its items: ``BOX[0].insert(0, g)``, ``T["k"][1].x = g`` (not ``T["log"].f(x)``,
    calling what an item holds)."""
    parent, indexed = parents.get(id(node)), False
    while isinstance(parent, ast.Subscript | ast.Attribute) and isinstance(parent.ctx, ast.Load):
        if isinstance(parent, ast.Subscript):
            if parent.value is not node:
                return False  # (it is the key: `T[BOX]`)
            indexed = True
        elif indexed:
            call = parents.get(id(parent))
            return isinstance(call, ast.Call) and call.func is parent and parent.attr in _MUTATORS
        node, parent = parent, parents.get(id(parent))
    return indexed and isinstance(parent, ast.Attribute) and not isinstance(parent.ctx, ast.Load)


def _imported_container(path: str) -> bool:
    """Whether the API at `path` is a list, dict or set a library keeps (``json.decoder.
    BACKSLASH``), looked up where its module is imported already (nothing is imported)."""
    module, _, name = path.rpartition(".")
    holder = sys.modules.get(module)
    found = vars(holder).get(name) if holder is not None else None
    return isinstance(found, MutableMapping | MutableSequence | MutableSet)


def _stores_into(statement: ast.AST, name: str) -> bool:
    """Whether `statement` only stores a value into attributes of `name`: ``self.x = ...``."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets = [statement.target]
    else:
        return False
    return all(
        isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == name
        for t in targets
    )


def _arguments(node: ast.Call) -> list[ast.expr]:
    return [*node.args, *(k.value for k in node.keywords)]


# what Python runs when a class statement runs, not when an instance is made
_CLASS_HOOKS = frozenset({"__init_subclass__", "__set_name__", "__class_getitem__", "__prepare__"})


def _mentions(statement: ast.AST, names: set[str]) -> bool:
    """Whether the value a store `statement` stores reads one of `names`."""
    value = getattr(statement, "value", None)
    return value is not None and any(
        isinstance(sub, ast.Name) and sub.id in names for sub in ast.walk(value)
    )


def _binding_units(statement: ast.stmt) -> Iterator[tuple[list[ast.AST], ast.AST | None]]:
    """The parts of a top-level statement where a name it binds can take what another
    name holds: each simple statement, however deep in ``if``, ``for``, ``with`` and
    ``try`` (``if DEBUG: xs = ...`` takes nothing from ``DEBUG``), a loop's target with
    what it loops over, a ``with``'s items, a ``try`` or ``match`` whole (an exception or a
    subject carries anything to the names they bind); each with the simple statement
    itself (None for the rest). ``def`` and ``class`` statements bind what they define."""
    if isinstance(statement, ast.ClassDef):
        # what its body's own statements hold, the class holds (`addError = R.setdefault`)
        yield [s for s in statement.body if not isinstance(s, _DEFS)], statement
        return
    if isinstance(statement, _DEFS):
        return
    if isinstance(statement, ast.If | ast.While):
        yield [statement.test], None
        children = [*statement.body, *statement.orelse]
    elif isinstance(statement, ast.For | ast.AsyncFor):
        yield [statement.target, statement.iter], None
        children = [*statement.body, *statement.orelse]
    elif isinstance(statement, ast.With | ast.AsyncWith):
        yield list(statement.items), None
        children = statement.body
    elif isinstance(statement, ast.Try | ast.TryStar):
        yield [statement], None  # an exception carries anything to its handler's name
        children = [
            *statement.body,
            *(s for h in statement.handlers for s in h.body),
            *statement.orelse,
            *statement.finalbody,
        ]
    elif isinstance(statement, ast.Match):
        yield [statement], None  # a capture takes from the subject
        children = [s for case in statement.cases for s in case.body]
    else:
        yield [statement], statement
        return
    for child in children:
        yield from _binding_units(child)


def _literal(node: ast.AST) -> bool:
    """A constant, or a tuple or list of them (``static_argnums=(0, 1)``)."""
    if isinstance(node, ast.Tuple | ast.List):
        return all(_literal(e) for e in node.elts)
    return isinstance(node, ast.Constant)


def _unsubscripted(base: ast.expr) -> ast.expr:
    """A base class without its type arguments (``Base[float]``: ``Base``)."""
    return base.value if isinstance(base, ast.Subscript) else base


def _defines(cls: ast.AST, name: str) -> bool:
    return any(isinstance(m, _FUNCTIONS) and m.name == name for m in getattr(cls, "body", ()))


def _first_argument(
    call: ast.Call, method: ast.FunctionDef | ast.AsyncFunctionDef
) -> ast.expr | None:
    """What `call` hands `method`'s first parameter if it calls it unbound (None: unknown)."""
    params = [*method.args.posonlyargs, *method.args.args]
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    named = [k.value for k in call.keywords if params and k.arg == params[0].arg]
    return named[0] if named else None


def _binds_first(call: ast.Call, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether `call`, calling `method` unbound, can fill every parameter it must: then its
    first argument may be the method's ``self`` (``Calc.d_exp(gk, x)``)."""
    params = [*method.args.posonlyargs, *method.args.args]
    if not params:
        return False
    splat = any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    )
    if splat:
        return True
    given = len(call.args)
    if given > len(params) and method.args.vararg is None:
        return False
    keywords = {k.arg for k in call.keywords}
    if any(p.arg in keywords for p in params[:given]):
        return False  # a parameter given twice
    required = len(params) - len(method.args.defaults)
    return all(i < given or params[i].arg in keywords for i in range(required))


def _plain_function(node: ast.AST) -> bool:
    """Whether calling the function `node` returns what its ``return`` statements say: an
    undecorated ``def`` (a decorator may change the result) that is not a generator."""
    return (
        isinstance(node, ast.FunctionDef)
        and not node.decorator_list
        and not any(
            isinstance(sub, ast.Yield | ast.YieldFrom | ast.Await) for sub in _own_body(node)
        )
    )


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _is_sunder(name: str) -> bool:
    """``_value_``, ``_name_``: the names `enum` keeps its own state under."""
    return len(name) > 2 and name[0] == name[-1] == "_" and not _is_dunder(name)


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _brief(node: ast.AST) -> str:
    """A node's code, on one line and at most 40 characters."""
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 40 else text[:39] + "…"


def _returns(node: ast.AST) -> list[ast.expr]:
    """The values a function's own ``return`` statements give (not its nested functions'),
    or a lambda's body."""
    if isinstance(node, ast.Lambda):
        return [node.body]
    return [
        sub.value
        for sub in _own_body(node)
        if isinstance(sub, ast.Return) and sub.value is not None
    ]


# what a self-check (`Program.checks`) may call of a library: functions that return a new
# value and write into nothing they are handed (no numpy ufunc: `np.add(a, b, out)`)
_CHECK_READERS = (
    "jax.numpy.",
    "jax.scipy.",
    "jax.nn.",
    "jax.lax.",
    "jax.tree.",
    "jax.tree_util.tree_",
    "math.",
    "numpy.testing.assert_",
)
# (nor what writes into what it is handed, or a file, or settings: `jnp.save`)
_WRITERS = ("set", "put", "copyto", "place", "fill", "save", "load", "tofile", "fromfile")
_CHECK_CALLS = frozenset(
    {f"jax.{n}" for n in (*_JAX_TRANSFORMS, "vmap", "jit", "linear_transpose", "checkpoint")}
    | {"jax.debug.print", "jax.device_get", "jax.block_until_ready"}
    | {f"numpy.{n}" for n in ("allclose", "isclose", "array_equal", "array_equiv")}
    | {
        f"gradkit.{n}"
        for n in (
            "grad value_and_grad derivative jacobian hessian hvp backward norm detach "
            "numerical_derivative difference_quotient"
        ).split()
    }
)


_CHECK_TRANSFORMS = frozenset(
    {f"jax.{n}" for n in (*_JAX_TRANSFORMS, "vmap", "jit", "linear_transpose", "checkpoint")}
    | {
        f"gradkit.{n}"
        for n in "grad value_and_grad derivative jacobian hessian hvp backward".split()
    }
)
# what a check may call on an array it computed: methods that return a value
_ARRAY_READERS = frozenset(
    "max min sum mean prod std var all any item reshape ravel flatten squeeze round astype "
    "tolist argmax argmin".split()
)


def _calls_arguments(path: str) -> bool:
    """Whether the library function `path` may call what it is handed (``tree_map``,
    ``jnp.vectorize``, ``lax.scan``, ``sorted``)."""
    leaf = path.rsplit(".", 1)[-1]
    return path in _CHECK_TRANSFORMS or any(
        part in leaf
        for part in (
            "map",
            "scan",
            "cond",
            "switch",
            "loop",
            "reduce",
            "vectorize",
            "apply",
            "pyfunc",
            "piecewise",
            "custom",
            "sorted",
            "min",
            "max",
            "filter",
            "callback",
            "root",
            "solve",
            "checkpoint",
        )
    )


def _shows(path: str) -> bool:
    """Whether the reader `path` makes what it is given into text, output or an exception
    (``print``, ``str``, ``np.testing.assert_allclose``, ``ValueError``)."""
    return (
        path in ("builtins.print", "builtins.str", "builtins.repr", "builtins.format")
        or path in _PRINTERS
        or path == "builtins.ascii"
        or path.startswith(("numpy.testing.", "jax.numpy.array_", "jax.numpy.array2string"))
        or _builtin_exception(path, BaseException)
    )


def _builtin_exception(path: str, base: type[BaseException]) -> bool:
    """Whether `path` names a builtin exception class derived from `base`."""
    found = (
        getattr(builtins, path.removeprefix("builtins."), None)
        if path.startswith("builtins.")
        else None
    )
    return isinstance(found, type) and issubclass(found, base)


# what reads a file, or a store like it, and what may write one: an entry reading one
# reaches every statement that may have written it (`Program.file_writers`)
_FILE_CALLS = frozenset(
    "open load loads fromfile loadtxt genfromtxt fromregex memmap read_text read_bytes "
    "getline getlines connect reader DictReader".split()
)
_FILE_WRITES = _FILE_CALLS | frozenset(
    "save savez savez_compressed savetxt tofile dump dumps write write_text write_bytes "
    "writelines writer DictWriter copy copyfile copy2 copytree move rename replace "
    "symlink link mkfifo system popen run call check_call check_output Popen".split()
)


# What a self-check may show when the submission has no way to read it back
# (`Program._read_back`): the modules such a submission may import, and the
# attributes it may use of ``sys`` and ``os`` (None: any)
_SEALED_MODULES = frozenset(
    {"jax", "numpy", "gradkit", "equinox", "math", "cmath", "functools", "itertools"}
    | {"operator", "typing", "typing_extensions", "dataclasses", "matplotlib", "time"}
    | {"textwrap", "string", "collections", "enum", "abc", "statistics", "fractions"}
    | {"decimal", "numbers", "random", "re", "copy", "json", "__future__", "pprint"}
    | {"sys", "os"}
)
_SEALED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "sys": frozenset(
        "argv version version_info platform float_info maxsize setrecursionlimit "
        "getrecursionlimit exit path executable byteorder implementation hexversion "
        "getsizeof int_info flags".split()
    ),
    "os": frozenset("path environ getenv makedirs mkdir getcwd cpu_count sep linesep".split()),
}
# names that reach a stream, its capture, a frame, the collector's lists, a log's
# handlers, a printing hook, an exception being handled, or any of these by a lookup
_READ_BACK_NAMES = (
    frozenset(
        (
            "stdout stderr stdin displayhook excepthook unraisablehook breakpointhook "
            "redirect_stdout redirect_stderr StringIO BytesIO TextIOWrapper getvalue "
            "set_string_function formatter override_repr "
            "currentframe f_back f_locals f_globals f_code tb_frame tb_next gi_frame cr_frame "
            "ag_frame get_objects get_referrers get_referents settrace setprofile monitoring "
            "audit addaudithook handlers addHandler stream setStream lastResort setFormatter "
            "Formatter addFilter setLogRecordFactory setLoggerClass makeLogRecord "
            "captureWarnings catch_warnings showwarning formatwarning "
            "getattr setattr delattr vars globals locals dir eval exec compile breakpoint "
            "input attrgetter methodcaller modules get_type_hints ForwardRef "
            "exc_info exception last_value last_exc last_type last_traceback "
            "raises assertRaises assertRaisesRegex assert_raises assert_raises_regex "
            "print_exc format_exc format_exception print_exception "
            "os sys io gc inspect ctypes ctypeslib traceback builtins subprocess threading "
            "importlib contextlib tempfile shutil pathlib socket signal atexit pickle marshal "
            "types weakref timeit code codeop runpy pdb bdb faulthandler tracemalloc "
            "linecache tokenize mmap select fcntl pty termios resource posix "
            "multiprocessing concurrent asyncio logging warnings unittest "
            "cbook CallbackRegistry callbacks exception_handler mpl_connect "
            "TestCase TestResult TextTestRunner TestSuite TestLoader defaultTestResult "
            "addError addFailure addSubTest suppress_warnings clear_and_catch_warnings"
        ).split()
    )
    | _FILE_CALLS
)
# the dunders a sealed submission may name (no frame, namespace, class tree or hook)
_PLAIN_DUNDERS = frozenset(
    "__name__ __qualname__ __doc__ __init__ __post_init__ __call__ __repr__ __str__ "
    "__main__ __file__ __version__ __all__ __future__ __annotations__ __wrapped__ "
    "__class__ __module__ __slots__".split()
)
_FORMAT_LOOKUP = re.compile(r"\{\w*(\.[A-Za-z_]|\[[^\]\d])")
_PRINTERS = frozenset({"builtins.print", "jax.debug.print", "sys.stdout.write", "sys.stderr.write"})
_PRINT_OPTIONS = frozenset({"set_printoptions", "printoptions"})
_PLAIN_PRINT_OPTIONS = frozenset(
    "precision threshold edgeitems linewidth suppress nanstr infstr sign floatmode legacy".split()
)


_UNKNOWN_FLAG = object()
_AUTODIFF_LEAVES = frozenset(
    "grad value_and_grad jvp vjp jacfwd jacrev jacobian hessian linearize linear_transpose "
    "hvp derivative backward check_grad fwd_and_bwd jet jet2 filter_grad filter_jvp "
    "filter_vjp filter_value_and_grad filter_jacfwd filter_jacrev filter_hessian "
    "custom_jvp custom_vjp closure_convert".split()
)
# what returns an immutable array, or a function whose attributes change nothing it does
_MAKES_ARRAYS = ("jax.numpy.", "jax.lax.", "jax.scipy.", "jax.nn.", "math.")
_MAKES_FUNCTIONS = frozenset(
    f"jax.{n}"
    for n in "jit vmap pmap checkpoint remat grad value_and_grad jacfwd jacrev hessian".split()
)


def _same_flag(a: object, b: object) -> bool:
    """Whether two constants (`Program.flag_value`) compare equal: an enum member only to
    itself, a number not to a string."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return (
        type(a) is type(b)
        and a == b
        or (isinstance(a, int | float) and isinstance(b, int | float) and a == b)
    )


def _tested_names(test: ast.expr) -> set[str]:
    """The names a branch test compares (see `Program.taken`)."""
    found: set[str] = set()
    for sub in ast.walk(test):
        if isinstance(sub, ast.Compare):
            found |= {n.id for n in [sub.left, *sub.comparators] if isinstance(n, ast.Name)}
        elif isinstance(sub, ast.UnaryOp) and isinstance(sub.operand, ast.Name):
            found.add(sub.operand.id)
    if isinstance(test, ast.Name):
        found.add(test.id)
    return found


# modules whose functions read or write what is outside the process's names
_IO_MODULES = (
    "io",
    "os",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "fnmatch",
    "fileinput",
    "linecache",
    "urllib",
    "http",
    "socket",
    "subprocess",
    "mmap",
    "sqlite3",
    "shelve",
    "dbm",
    "pickle",
    "marshal",
    "csv",
    "json",
    "zipfile",
    "tarfile",
    "gzip",
    "bz2",
    "lzma",
    "codecs",
    "tokenize",
    "importlib.resources",
    "pkgutil",
    "configparser",
    "plistlib",
    "mailbox",
)


def _io_api(path: str) -> bool:
    """Whether `path` is a function of an I/O module (`_IO_MODULES`), or ``open``/``input``."""
    return path in ("builtins.open", "builtins.input") or any(
        path == m or path.startswith(m + ".") for m in _IO_MODULES
    )


def _inert_api(value: Api) -> bool:
    """Whether a library's object is safe to hand to the submission's code as a constant:
    not a module (``jax``, whose attributes are every transform), nor an autodiff
    transform (``jax.grad``: code that keeps it could differentiate with it later)."""
    return value.path not in sys.modules and not (
        value.path in _CHECK_TRANSFORMS or value.leaf in _AUTODIFF_LEAVES
    )


def _pure_function(path: str) -> bool:
    """Whether the library function `path` only computes (``jnp.log``, ``gk.norm``)."""
    if path.rsplit(".", 1)[-1].startswith(_WRITERS):
        return False
    return path.startswith(("jax.numpy.", "jax.scipy.", "jax.nn.", "jax.lax.", "math.")) or (
        path in _READERS or (path.startswith("gradkit.") and path in _CHECK_CALLS)
    )


def _check_reader(path: str) -> bool:
    """Whether a self-check may call the library function `path` (see `_CHECK_READERS`),
    or make a builtin exception to raise."""
    leaf = path.rsplit(".", 1)[-1]
    return not leaf.startswith(_WRITERS) and (
        path in _READERS
        or path in _CHECK_CALLS
        or path in _PRINTERS
        or path.startswith(_CHECK_READERS)
        or _builtin_exception(path, Exception)
    )


def _walk_now(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `node` that run when it is evaluated: not a lambda's body (it runs when
    the lambda is called), only its defaults."""
    todo = [node]
    while todo:
        sub = todo.pop()
        yield sub
        if isinstance(sub, ast.Lambda):
            todo += [*sub.args.defaults, *(d for d in sub.args.kw_defaults if d is not None)]
        else:
            todo.extend(ast.iter_child_nodes(sub))


def _own_body(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's own body (not those of functions nested in it)."""
    todo = list(getattr(node, "body", []))
    while todo:
        sub = todo.pop()
        yield sub
        if not isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            todo.extend(ast.iter_child_nodes(sub))


class _Reach:
    """Walk the code an entry reaches, noting the APIs and dynamic lookups it uses."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.todo: list[ast.AST] = []
        self.seen: set[int] = set()
        self.names: set[str] = set()
        self.dynamic: set[str] = set()
        self.lines: dict[str, str] = {}
        self.bases: set[int] = set()  # names used as the base of an attribute
        self.skipped: set[int] = set()  # branches no flagged call takes (`_reach_branches`)
        self.flagged_defs: set[int] = set()  # functions reached for a factory's flags only
        self.called: set[int] = set()  # names called: `Solver()`
        self.shells: set[int] = set()  # classes reached as `reach_class`
        self.modes: dict[int, str] = {}  # `gk.jacobian` called with a constant mode
        self.picked: set[int] = set()  # names of literal containers read at a constant key
        self.keys: dict[int, str] = {}  # of those, the ones filled only by keyed stores
        self.making: set[int] = set()  # the calls making a record whose field is picked
        self.read_from: set[int] = set()  # roots reached as what code reads (`unit`)
        self.reading = False  # whether the root being walked is one of those

    def unit(self, node: ast.AST, *, read: bool = False) -> None:
        """Walk `node` (once). ``read``: reached because code reads what it stores (a store
        of a name or attribute the entry reads), not because it runs: a parameter it keeps
        then reaches what every caller hands in (`_name`); walked again if need be."""
        if read and id(node) not in self.read_from:
            self.read_from.add(id(node))
            self.seen.add(id(node))
            self.todo.append(node)
        elif id(node) not in self.seen:
            self.seen.add(id(node))
            self.todo.append(node)

    def reach_class(self, node: ast.ClassDef, *, called: bool) -> None:
        """Reach what running a class statement (and, if `called`, making an instance) runs.

        Its decorators, bases and keywords, and the statements of its body that are neither
        methods nor plain class attributes; with `called`, its dunder methods too (``__init__``,
        and the operators an instance may go through). Its other members are reached one by
        one, when an attribute names them (`_attribute`): ``dsin = Solver.dsin`` reaches
        ``Solver.dsin``, not ``Solver.tangent_line``.
        """
        if id(node) in self.seen or (not called and id(node) in self.shells):
            return
        self.shells.add(id(node))
        for hook in self.program._class_hooks.get(id(node), ()):
            self.unit(hook)
        # (and its type parameters: `class K[T: bound]`, whose bound a member may read)
        for part in (*node.decorator_list, *node.bases, *node.keywords, *node.type_params):
            self.unit(part)
        for base in node.bases:  # a base class of its own: as a shell too, not all of it
            if isinstance(base, ast.Name):
                (self.called if called else self.bases).add(id(base))
        enum = self.program.is_enum(node)
        if enum:  # a mixin of its own makes its members' values (`class Op(Box, Enum)`)
            for base in node.bases:
                for value in self.program.value(base):
                    if isinstance(value, Own) and isinstance(value.node, ast.ClassDef):
                        self.unit(value.node)
        # a library's class it derives from may call any method (unittest's `runTest`)
        library = called and self.program.library_base(node)
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if library:
                    self.unit(statement)
                elif enum and statement.name in _ENUM_HOOKS:
                    # what makes its members runs with the class statement (`enum.auto()`),
                    # and `.value` reads the `_value_` it may set
                    self.unit(statement)
                elif (called and _is_dunder(statement.name)) or statement.name in _CLASS_HOOKS:
                    self._reach_dunder(statement)
                continue
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [statement.target]
                if isinstance(statement, ast.AnnAssign)
                else None
            )
            if targets is None or not all(isinstance(t, ast.Name) for t in targets):
                self.unit(statement)
            elif called and any(_is_dunder(t.id) for t in targets if isinstance(t, ast.Name)):
                self.unit(statement)  # `__neg__ = lambda self: ...`: what `-K(x)` runs

    def _reach_dunder(self, method: ast.AST) -> None:
        """Reach what making an instance runs of a dunder method: all of it but its plain
        stores into the instance (``self._dsin = jnp.vectorize(jax.grad(jnp.sin))``), which
        only code that reads that attribute reaches (`_attribute`, by the attribute's name).
        """
        if not isinstance(method, _FUNCTIONS):
            self.unit(method)
            return
        params = [*method.args.posonlyargs, *method.args.args]
        me = params[0].arg if params else None
        for part in _header(method):
            self.unit(part)
        for statement in method.body:
            if me is None or not _stores_into(statement, me):
                self.unit(statement)

    def touched(
        self, scope: _Scope, name: str, *, picked: bool = False, key: str | None = None
    ) -> None:
        """Reach the statements that change what the module-level `name` holds (`picked`:
        but the statement that makes it, whose item is reached alone: calling the
        namedtuple class in ``MODES = Pair(forward=..., reverse=...)``; `key`: only the
        stores at that key, of a dict filled by keyed stores alone, `Program.keyed`)."""
        program = self.program
        made_in = program.making(scope.bindings.get(name, ())) if picked else set()
        # `ANSWERS["d_log"]`, or a name bound to it alone (`d_log = ANSWERS["d_log"]`, an
        # alias of the dict to the rules): the stores at other keys change nothing it reads
        keys = [(name, key)] if key is not None else []
        if (alias := program.keyed_binding(scope.bindings.get(name, ()))) is not None:
            keys.append(alias)
        for statement in program._touches.get((id(scope), name), ()):
            if id(statement) in made_in or id(statement) in self.making:
                continue
            if any(program.stored_key(statement, holder) not in (None, k) for holder, k in keys):
                continue  # `ANSWERS["dsin"] = ...`, read as `ANSWERS["d_log"]`
            if isinstance(statement, ast.Call) and keys:
                other = program.keyed_alias(statement.func)
                if other is not None and any(other[0] == h and other[1] != k for h, k in keys):
                    continue  # `print(dsin(1.5))`: a call of another key's entry
            self.unit(statement, read=True)
            if isinstance(statement, ast.ClassDef):
                # a method changes it (`__eq__` filling `_impl`): with what each instance
                # was made with, wherever it was made (`CONFIG.get(Key(g))`)
                for site in self.program.instances_made(statement):
                    self.unit(site, read=True)

    def reach(self, binding: _Binding, *, read: bool = False) -> None:
        """Reach the code behind a binding of the submission's own (``read``: a value read
        back where it was stored, see `unit`)."""
        if binding.kind == "assign" and binding.unpack and self._reach_item(binding):
            return
        if binding.kind in ("def", "assign", "other") or (
            binding.kind == "param" and not isinstance(binding.node, ast.arg)
        ):
            self.unit(binding.node, read=read and binding.kind == "assign")
            for hook in self.program._class_hooks.get(id(binding.node), ()):
                self.unit(hook)  # `register_pytree_node(Cubic, ...)` with class Cubic
        elif binding.kind == "from":
            program = self.program
            if binding.level and not binding.module and program._own_module(binding.name):
                return  # the module itself: only what is used of it is reached
            sibling = program._sibling_of(binding)
            if sibling is not None:
                self.touched(sibling, binding.name)
                for inner in program._imported(binding, sibling) or ():
                    self.reach(inner)

    def _reach_item(self, binding: _Binding) -> bool:
        """Reach only the item ``a, b = ...`` binds to one target, where it is known: an item
        of a tuple display (``d_exp, dsin = f, g``), or of the tuples a function of the
        submission's returns (``d_exp, dsin = make()``), with what calling it runs but the
        functions it defines and returns (each reached when its item is). False: unknown."""
        program = self.program
        node = binding.node
        if isinstance(node, ast.Tuple | ast.List):
            items = program._unpacked(node, binding.unpack)
            displays = [node]
        elif len(binding.unpack) == 1 and (mapped := program.mapped(node)) is not None:
            # `d_log, dsin = map(jnp.vectorize, [lambda x: 1 / x, jax.grad(jnp.sin)])`
            function, display = mapped
            items = program._unpacked(display, binding.unpack)
            displays = [display]
            self.unit(function)
        elif isinstance(node, ast.Call):
            values = program.value(node.func)
            functions = [v.node for v in values if isinstance(v, Own)]
            if len(functions) != len(values) or not all(
                _plain_function(f)
                and _returns(f)
                and all(isinstance(r, ast.Tuple | ast.List) for r in _returns(f))
                for f in functions
            ):
                return False
            items = program._unpacked(node, binding.unpack)
            displays = [r for f in functions for r in _returns(f)]
            if items is not None:
                for part in (*node.args, *node.keywords):
                    self.unit(part)
                for function in functions:
                    for part in _header(function):  # type: ignore[arg-type]
                        self.unit(part)
                    for statement in function.body:  # type: ignore[attr-defined]
                        if isinstance(statement, _FUNCTIONS):
                            for part in _header(statement):  # decorators run, defaults too
                                self.unit(part)
                        elif isinstance(statement, ast.ClassDef):
                            self.reach_class(statement, called=False)
                        elif not isinstance(statement, ast.Return):
                            self.unit(statement)
        else:
            return False
        for item in items or ():
            self.unit(item)
        if items is not None:  # the other items run too (`return d, box.__setitem__(0, g)`)
            for display in displays:
                for other in display.elts:  # type: ignore[attr-defined]
                    if not self._inert(other):
                        self.unit(other)
        return items is not None

    def _pick_field(self, node: ast.Attribute) -> None:
        """``AUTO.forward`` of ``AUTO = types.SimpleNamespace(forward=..., reverse=...)``
        (or of a namedtuple made with keywords): that field, not the whole record, with
        what making it runs (its other fields' values, unless `_inert`)."""
        program = self.program
        made = program.record_field(node)
        if made is None:
            return
        self.picked.add(id(node.value))
        self.making.add(id(made))  # (calling the record's class there is making it)
        self.unit(made.func)
        picked = program.field_value(made, node.attr)
        for value in [*made.args, *(k.value for k in made.keywords)]:
            if value is picked or not self._inert(value):
                self.unit(value)

    def _inert(self, node: ast.AST) -> bool:
        """Whether evaluating `node` changes nothing: names, constants, lambdas (their
        bodies run later), and calls of JAX, numpy and the like that only read what they
        are given (``jnp.vectorize(jax.grad(jnp.sin))``)."""
        return not any(
            isinstance(sub, ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom)
            or (isinstance(sub, ast.Call) and not self.program._reads_only(sub))
            for sub in _walk_now(node)  # (a lambda's defaults run now, its body later)
        )

    def note(self, name: str, node: ast.AST, *, dynamic: bool = False, via: str = "") -> None:
        (self.dynamic if dynamic else self.names).add(name)
        where = self.program.where(node)
        self.lines.setdefault(name, f"{where}, inside `{via}`" if via else where)

    def _walk(self, root: ast.AST) -> Iterator[ast.AST]:
        """The nodes of `root`, like `ast.walk`, but of a self-check in a function
        (`Program.checks`) only the calls of the submission's own code it makes."""
        # (where the submission may change anything, nothing can be ruled out)
        checks = {} if self.program.rebinds else self.program.checks
        todo = collections.deque(checks.get(id(root), [root]))
        while todo:
            node = todo.popleft()
            yield node
            for child in ast.iter_child_nodes(node):
                parts = checks.get(id(child))
                todo.extend([child] if parts is None else parts)

    def run(self) -> None:
        while self.todo:
            root = self.todo.pop()
            self.reading = id(root) in self.read_from
            for node in self._walk(root):
                if isinstance(node, ast.Attribute):
                    self.bases.add(id(node.value))
                    if isinstance(node.ctx, ast.Load):
                        self._pick_field(node)
                elif isinstance(node, ast.Call):
                    self.called.add(id(node.func))
                    self._mode(node)
                elif (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.ctx, ast.Load)
                    and isinstance(node.value, ast.Name)
                    and (element := self.program._element(node)) is not None
                ):
                    # `DERIVATIVES["exp"]`: that item of a literal dict, not all of it
                    self.picked.add(id(node.value))
                    self.unit(element)
                elif (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.value, ast.Name)
                    and (key := self.program.keyed(node)) is not None
                ):
                    # `ANSWERS["d_log"]` of a dict filled only by `ANSWERS["d_log"] = ...`
                    # statements: the stores at that key (`touched`), not the others (and
                    # such a store fills its key only)
                    self.picked.add(id(node.value))
                    self.keys[id(node.value)] = key
            for node in self._walk(root):
                if id(node) in self.program._code_annotations:
                    self.note("annotation", node, dynamic=True)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    self._name(node)
                elif isinstance(node, ast.Attribute):
                    self._attribute(node)
                elif isinstance(node, ast.Call):
                    self._call(node)
                elif isinstance(node, ast.MatchClass):
                    self._match_class(node)
                elif isinstance(node, ast.Constant) and isinstance(node.value, complex):
                    self.note("complex", node)  # `1j`: complex numbers (a complex step?)
                for whole in self.program.read_whole(node):
                    self.unit(whole)  # `astuple(K())[0]`, `K()[0]`, `a, b = K()`

    def _match_class(self, node: ast.MatchClass) -> None:
        """``case Spec(derivative=d)`` looks ``derivative`` up; ``case Spec(_, d)`` looks up
        the names of ``Spec.__match_args__``, which only the submission's own classes show."""
        for attr in node.kwd_attrs:  # `case object(d=g)` reads `.d` of the subject
            for binding in self._member(attr, node):
                self.reach(binding)
        if node.patterns and not all(
            isinstance(v, Own) or (isinstance(v, Api) and v.path.startswith("builtins."))
            for v in self.program.value(node.cls)
        ):
            self.note("__match_args__", node, dynamic=True)

    def _mode(self, node: ast.Call) -> None:
        """``gk.jacobian(f, mode="fwd")`` is forward mode: note it as ``jacfwd`` (``jacrev``).

        Only with a constant ``mode``; without one (``"auto"`` picks by shape at run time)
        it is noted as either mode (`_USES`). ``functools.partial(gk.jacobian,
        mode="fwd")`` is forward mode too.
        """
        func = node.func
        if (
            Api("functools.partial") in self.program.value(func)
            and node.args
            and all(isinstance(v, Api) for v in self.program.value(func))
        ):
            func = node.args[0]
        if Api(_GK_JACOBIAN) not in self.program.value(func):
            return
        for keyword in node.keywords:
            if keyword.arg == "mode":
                leaf = _MODES.get(self.program.fold(keyword.value) or "")
                if leaf is not None:
                    self.modes[id(func)] = leaf

    def _check(self, values: frozenset[Value], node: ast.AST) -> None:
        for value in values:
            if value == Api(_GK_JACOBIAN) and id(node) in self.modes:
                self.note(self.modes[id(node)], node)
            elif isinstance(value, Api) and value.path in _USES:
                self.note(value.leaf, node)
                for transform in _USES[value.path]:
                    self.note(transform, node, via=_shown(value.path))
            elif isinstance(value, Api) and (
                uses := next((u for p, u in _USES_BY_PREFIX if value.path.startswith(p)), None)
            ):
                self.note(value.leaf, node)
                for transform in uses:
                    self.note(transform, node, via=_shown(value.path))
            elif isinstance(value, Api):
                path = value.path
                if id(node) not in self.program.harmless and self.program._dynamic_load(path, node):
                    self.note(path.rsplit(".", 1)[-1], node, dynamic=True)
                elif path.startswith("builtins."):
                    leaf = value.leaf
                    if id(node) in self.program._quiet:
                        self.note(leaf, node)  # vars(self), setattr(self, ...)
                    elif leaf in DYNAMIC_BUILTINS or leaf == "__import__":
                        self.note(leaf, node, dynamic=True)
                    elif leaf in _ATTR_BUILTINS and id(node) not in self.called:
                        # `map(getattr, ...)`, `partial(getattr, jax)`: called out of sight
                        self.note(leaf, node, dynamic=True)
                    else:
                        self.note(leaf, node)
                else:
                    self.note(value.leaf, node)
                    root = path.split(".", 1)[0]
                    own = root in self.program.module_names
                    module = path.rsplit(".", 1)[0]
                    stand_in = path in STAND_IN_MODULES or module in STAND_IN_MODULES
                    if not own and not stand_in and not found_outside(root):
                        # in neither the submission nor this Python: a module the code
                        # writes while it runs, which these rules never read
                        self.note(root, node, dynamic=True)

    def _name(self, node: ast.Name) -> None:
        program = self.program
        scope = program._scope.get(id(node))
        if scope is None:
            return
        if node.id == "__builtins__":
            self.note("__builtins__", node, dynamic=True)
        bindings = program.lookup(node.id, scope)
        if bindings is None:
            self.note(node.id, node)  # unbound here: it can only come from somewhere unseen
            return
        if self.skipped:  # `def derive` in a branch no call reached takes: not this name's
            bindings = [b for b in bindings if not self._skipped(b)] or bindings
        home = program.resolve(node.id, scope)
        self.touched(home, node.id, picked=id(node) in self.picked, key=self.keys.get(id(node)))
        if id(node) in self.picked:
            return  # its item is reached (`run`), and what changes it (`touched`)
        for binding in bindings:
            if binding.kind == "param" and self.reading and program.stores_parameter(node):
                # what a function keeps of its argument (`global _k; _k = fn`) and the entry
                # reads back, the callers hand in: reach what each passes (`@keep def
                # df(...)`, `_patch(jax.grad(f))`); not where the function merely runs.
                # (A parameter with a default is bound in the scope around the function.)
                function = program.resolve(node.id, scope).node
                sites = program._call_sites.get(id(function), ())
                for site in sites:
                    self.unit(site)
                if not sites and program.called_unseen(function):
                    # called by an operator (`__eq__`), by JAX (a `custom_jvp` rule), or
                    # from nowhere the rules see: any statement may hand it anything
                    for tree in program.trees.values():
                        self.unit(tree)
        values: set[Value] = set()
        for binding in bindings:
            if (
                binding.kind == "def"
                and isinstance(binding.node, ast.ClassDef)
                and (id(node) in self.bases or id(node) in self.called)
            ):
                # `Solver.dsin`, `Solver()`: the class statement, not every member
                self.reach_class(binding.node, called=id(node) in self.called)
            elif (flags := self._call_flags(node, binding, len(bindings))) is not None:
                # `differentiate(f, x, Mode.FORWARD)`: the branches that mode takes
                assert isinstance(binding.node, ast.FunctionDef)
                for part in _header(binding.node):
                    self.unit(part)
                self._reach_branches(binding.node.body, flags)
            elif id(binding.node) not in self.flagged_defs:  # (reached where it is defined)
                self.reach(binding, read=True)
            if binding.kind != "assign":  # an assigned value is noted where it is written
                values.update(program.binding_value(binding))
        if id(node) not in self.bases and not program.reloaded(node):
            for value in values:
                if isinstance(value, Sibling):
                    for tree in program._module_trees(value.name):
                        self.unit(tree)  # the module itself, all of it
        self._check(frozenset(values), node)

    def _skipped(self, binding: _Binding) -> bool:
        """Whether `binding` is made in a branch of a function that the calls reached so far
        do not take (`_reach_branches`), and nothing else reached it: the names of the
        branches taken cannot hold it. Any later call that takes the branch reaches its
        statements themselves."""
        name = getattr(binding.node, "name", "")
        if (
            binding.kind != "def"
            or id(binding.node) in self.seen
            or binding.scope.kind != "function"
            or name in binding.scope.globals | binding.scope.nonlocals
        ):
            return False  # (a `global` def binds the module's name, whoever runs it)
        node: ast.AST | None = binding.node
        while node is not None and not isinstance(node, ast.Module):
            if id(node) in self.skipped:
                return True
            node = self.program._parents.get(id(node))
        return False

    def _call_flags(
        self, node: ast.Name, binding: _Binding, count: int
    ) -> dict[str, object] | None:
        """What the call `node` names hands the parameters that choose the branches of
        the function `binding` binds (`Program.flags`), if it is such a call."""
        parent = self.program._parents.get(id(node))
        if not (
            count == 1
            and binding.kind == "def"
            and isinstance(parent, ast.Call)
            and _plain_function(binding.node)
            and not self.program._class_hooks.get(id(binding.node))
        ):
            return None
        assert isinstance(binding.node, ast.FunctionDef)
        if parent.func is node:
            return self.program.flags(parent, binding.node)
        if (
            parent.args[:1] == [node]
            and self.program.value(parent.func) == {Api("functools.partial")}
            and not any(isinstance(a, ast.Starred) for a in parent.args)
        ):
            # `forward = partial(_derive, mode="fwd")`, only ever called: the call it makes,
            # where it names every flag (its `.keywords` is a dict code could change)
            if not self.program.only_called(parent):
                return None
            call = ast.Call(func=node, args=parent.args[1:], keywords=parent.keywords)
            flags = self.program.flags(call, binding.node)
            args = binding.node.args
            positional = [a.arg for a in [*args.posonlyargs, *args.args]]
            given = {k.arg for k in parent.keywords} | set(positional[: len(call.args)])
            if flags is not None and set(flags) <= given:
                return flags
        return None

    def _reach_branches(self, statements: list[ast.stmt], flags: Mapping[str, object]) -> bool:
        """Reach `statements`, but of an ``if`` whose test `flags` decide, the branch taken
        (and nothing after a branch taken that returns or raises). Whether they always
        return or raise."""
        closures = self.program._closure_tests
        for statement in statements:
            taken = (
                self.program.taken(statement.test, flags) if isinstance(statement, ast.If) else None
            )
            if (
                isinstance(statement, _FUNCTIONS)
                and not statement.decorator_list
                and (inner := {k: v for k, v in flags.items() if k in closures(statement)})
            ):
                # a function it defines whose tests read those parameters: what it runs
                # for them (any call of the factory with other ones reaches the others)
                self.flagged_defs.add(id(statement))
                for part in _header(statement):
                    self.unit(part)
                self._reach_branches(statement.body, inner)
                continue
            if isinstance(statement, ast.If) and taken is not None:
                self.unit(statement.test)  # (it runs, whichever branch it picks)
                # (what only the other branch binds is not what this call's names hold)
                self.skipped.update(id(s) for s in (statement.orelse if taken else statement.body))
                if self._reach_branches(statement.body if taken else statement.orelse, flags):
                    return True
            else:
                self.unit(statement)
                if isinstance(statement, ast.Return | ast.Raise):
                    return True
        return False

    def _attribute(self, node: ast.Attribute) -> None:
        program = self.program
        if node.attr in DYNAMIC_ATTRIBUTES and id(node) not in program._quiet:
            self.note(node.attr, node, dynamic=True)
        found: set[Value] = set()
        for base in program.value(node.value):
            bindings: list[_Binding] = []
            if isinstance(base, Api):
                found.add(Api(canonical(f"{base.path}.{node.attr}")))
            elif isinstance(base, Sibling) and program._own_module(base.name):
                module = program._own_module(base.name)
                assert module is not None
                self.touched(module, node.attr)
                # a name it does not bind comes from its `__getattr__` (PEP 562), if any
                bindings = (
                    program._global(node.attr, module)
                    or program._global("__getattr__", module)
                    or []
                )
            elif isinstance(base, Own) and isinstance(base.node, ast.ClassDef):
                # a member of the class itself, else (inherited...) any class's of that name
                bindings = program._scope_of_body[id(base.node)].bindings.get(
                    node.attr
                ) or program._members.get(node.attr, [])
                if not program.plain_bases(base.node):
                    self._member(node.attr, node)  # a library base may answer for it
            else:  # `self.helper`, `obj.f`, a call's result: any class's member of that name
                bindings = self._member(
                    node.attr,
                    node,
                    on_self=program.on_self(node.value),
                    owner=program._self_class(node.value) if program.on_self(node.value) else None,
                    field=program.record_field(node) is not None or program.tuple_field(node),
                )
            if isinstance(base, Own) and isinstance(base.node, ast.ClassDef):
                for store in program._stores.get(node.attr, ()):  # `K.f = ...` anywhere
                    if program.stores_into(store, node.attr, base.node):
                        self.unit(store, read=not _filled(node, program._parents))
            for binding in bindings:
                self.reach(binding)
                if binding.kind != "assign":  # an assigned value is noted where it is written
                    found.update(program.binding_value(binding))
        if isinstance(node.ctx, ast.Load):
            self._check(frozenset(found), node)

    def _member(
        self,
        attr: str,
        node: ast.AST,
        *,
        on_self: bool = False,
        field: bool = False,
        owner: ast.ClassDef | None = None,
    ) -> list[_Binding]:
        """Reach what an attribute `attr` of something untraced can be (``obj.f``, a call's
        result, the subject of ``case object(f=g)``): every store of that name (``x.f =
        ...`` anywhere); return every class's member of that name.

        The name itself counts too (``.grad`` of an untraced object may be the API's; a
        method `grad` of the submission's own excuses only ``self.grad``; a record's field
        made with that keyword is the keyword's value, `field`), with what it runs
        (``.filter_grad``: `grad`).
        """
        program = self.program
        if not field and (attr not in program._attributes or not on_self):
            self.names.add(attr)
            self.lines.setdefault(attr, program.where(node))
            for transform in _USES_BY_LEAF.get(attr, ()):
                self.note(transform, node, via=attr)
            if attr == "minimize" and program.imports_optimizers:
                self.note("grad", node, via=attr)  # `next(iter([jax.scipy.optimize])).minimize`
        plain = program.held_plain(attr)
        for store in program._stores.get(attr, ()):
            if plain and isinstance(store, ast.Call):
                continue  # `self.engine.reverse(f, x)`: a plain object's method, by name
            if owner is not None and not program.stores_into(store, attr, owner):
                continue  # `self.grad = ...` of another class's objects
            self.unit(store, read=not _filled(node, program._parents))
        members = program._members.get(attr, [])
        if owner is not None:
            family = program._family(owner)
            members = [b for b in members if id(b.scope.node) in family]
        return members

    def _call(self, node: ast.Call) -> None:
        program = self.program
        if program.reads_files(node):  # what the submission wrote there may be anything
            for statement in program.file_writers:
                self.unit(statement)
        made = program._class_parameter(node.func)
        if made is not None:  # `cls(...)` makes an instance: its dunders run
            self.reach_class(made, called=True)
        leaf = program.dynamic_call(node)
        if leaf is not None:
            self.note(leaf, node, dynamic=True)
        else:
            for func in program.value(node.func):
                if isinstance(func, Api) and func.path in _NAME_ARGUMENTS:
                    # `attrgetter("shape")`: `.shape` of whatever it is given
                    for attr in program.looked_up(node, func.path) or ():
                        for binding in self._member(attr, node):
                            self.reach(binding)
        for name in _ATTR_BUILTINS:
            if program._is_builtin(node.func, name) and id(node.func) not in program._quiet:
                if len(node.args) < 2 or program.fold(node.args[1]) is None:
                    self.note(name, node, dynamic=True)
                elif name == "getattr":
                    # `getattr(k, "d")` is `k.d`
                    self._check(program.value(node), node)
                    attr = program.fold(node.args[1])
                    assert attr is not None
                    synthetic = ast.Attribute(node.args[0], attr, ast.Load())
                    self._attribute(ast.copy_location(synthetic, node))


def _int(node: ast.AST | None) -> object:
    """A constant int (``-1`` included), None for a missing bound, else something not an int."""
    if node is None:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int(node.operand)
        return -inner if type(inner) is int else node
    return node.value if isinstance(node, ast.Constant) else node


def is_stub(node: ast.AST) -> bool:
    """Whether `node` is a handout's stub: a ``def`` whose body only raises NotImplementedError."""
    if not isinstance(node, ast.FunctionDef):
        return False
    body = [
        s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc
    target = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(target, ast.Name) and target.id == "NotImplementedError"


@functools.lru_cache(maxsize=32)
def _program(files: tuple[tuple[str, str], ...]) -> Program:
    return Program(dict(files))


def program(source: str | Mapping[str, str]) -> Program:
    """Parse a submission once (cached by its text); a SyntaxError in its main file propagates.

    `source` is one module's text, or a directory submission's ``{file name:
    text}``: its ``solutions.py`` is the module the entries live in (without
    one, every file is, as when they run in name order into one namespace),
    and the other files are modules it can import.
    """
    files = {"submission.py": source} if isinstance(source, str) else dict(source)
    return _program(tuple(sorted(files.items())))


def usage(source: str | Mapping[str, str], entry: str) -> Usage:
    """Return what `entry` uses in `source`, resolved (see the module's docstring)."""
    return program(source).usage(entry)


def unused_files(source: str | Mapping[str, str]) -> frozenset[str]:
    """The files of a submission that its main file(s) never import, in turn.

    The worker is not given them: a file named like an optional module (``yaml.py``)
    would otherwise run when a library looks for that module, and the rules do not read
    a file that nothing imports. Nothing is left out of a submission that does not parse.
    """
    if isinstance(source, str):
        return frozenset()
    try:
        found = program(source)
    except SyntaxError:
        return frozenset()
    return frozenset(set(source) - found.runnable)
