"""Which identifiers an entry of a submission uses, read from its AST (never run).

The "must not use" checks need the names an entry reaches: its own body,
decorators and defaults, and, transitively, the module-level functions,
classes and assignments it refers to. Import aliases are resolved
(``from jax import grad as G`` makes ``G`` count as ``grad``; ``import
jax.numpy as jnp`` makes ``jnp.cos`` count as ``cos``). Comments and
docstrings are not code, so "cost" in a comment is not ``cos``; a string
constant that *equals* a forbidden name is reported, since
``getattr(jnp, "cos")`` uses it.

Two ways around that reading are closed conservatively:

- code that can rebind or reach names behind the AST's back (``globals()``,
  ``vars``, ``setattr``, a ``global`` statement, ``sys.modules``,
  ``__dict__``, ``__code__``, importing ``submission`` or ``builtins``, ...)
  anywhere in the submission makes every entry reach *all* of its code;
- a directory submission's source is a mapping of file names to text: an
  entry that reaches a sibling module (``import helpers``, ``from helpers
  import step``) reaches all of that module's code.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping


@dataclasses.dataclass(frozen=True)
class Usage:
    """What an entry reaches: identifiers (aliases resolved) and where each appears."""

    found: bool
    stub: bool
    names: frozenset[str]
    lines: dict[str, int]


def _module_bindings(tree: ast.Module) -> tuple[dict[str, list[ast.AST]], dict[str, list[str]]]:
    """Map each top-level name to the nodes that bind it, and import aliases to real names."""
    defs: dict[str, list[ast.AST]] = {}
    aliases: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                real = alias.name.split(".")
                if isinstance(node, ast.ImportFrom) and node.module:
                    real = [*node.module.split("."), *real]
                aliases.setdefault(bound, []).extend(real)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        defs.setdefault(name.id, []).append(node)
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            # names bound inside top-level blocks: count the whole block
            for sub in ast.walk(node):
                if isinstance(sub, ast.FunctionDef | ast.ClassDef):
                    defs.setdefault(sub.name, []).append(node)
                elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    defs.setdefault(sub.id, []).append(node)
    return defs, aliases


def _is_stub(node: ast.AST) -> bool:
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


# Names and attributes that can rebind an entry, or reach code, without the
# AST showing it (an attribute `.compile()` or `.eval()` is a method, not these).
REBINDING_NAMES = frozenset(
    {
        "globals",
        "vars",
        "locals",
        "setattr",
        "delattr",
        "exec",
        "eval",
        "compile",
        "__import__",
        "import_module",
        "__builtins__",
        "builtins",
        "submission",
    }
)
REBINDING_ATTRIBUTES = frozenset(
    {
        "__setattr__",
        "__dict__",
        "__code__",
        "__globals__",
        "__builtins__",
        "modules",
        "_getframe",
        "f_globals",
        "f_locals",
        "import_module",
    }
)
# The entry file(s) of a directory submission, as in ``_submission``.
MAIN = "solutions.py"


def _rebinds(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Global | ast.Nonlocal):
            return True
        if isinstance(node, ast.Name) and node.id in REBINDING_NAMES:
            return True
        if isinstance(node, ast.Attribute) and node.attr in REBINDING_ATTRIBUTES:
            return True
        if isinstance(node, ast.Import | ast.ImportFrom):
            spelled = [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom) and node.module:
                spelled.append(node.module)
            if any(part in REBINDING_NAMES for name in spelled for part in name.split(".")):
                return True
    return False


def usage(source: str | Mapping[str, str], entry: str) -> Usage:
    """Return the identifiers `entry` reaches in `source` (a SyntaxError propagates).

    `source` is one module's text, or a directory submission's ``{file name:
    text}``: its ``solutions.py`` is the module the entries live in (without
    one, every file is, as when they run in name order into one namespace),
    and the other files are modules it can import.
    """
    files = {"submission.py": source} if isinstance(source, str) else dict(source)
    main = [MAIN] if MAIN in files else sorted(files)
    trees: dict[str, ast.Module] = {}
    for name in sorted(files):
        try:
            trees[name] = ast.parse(files[name], filename=name)
        except SyntaxError:
            if name in main:
                raise
            # a sibling that does not parse cannot be imported either: it adds nothing
    namespace = ast.Module(body=[s for n in main for s in trees[n].body], type_ignores=[])
    defs, aliases = _module_bindings(namespace)
    siblings = {n.removesuffix(".py"): t for n, t in trees.items() if n not in main}
    sibling_defs: dict[str, dict[str, list[ast.AST]]] = {}
    for stem, tree in siblings.items():
        own, their_aliases = _module_bindings(tree)
        sibling_defs[stem] = own
        for bound, real in their_aliases.items():
            aliases.setdefault(bound, []).extend(real)
        for name, nodes in own.items():  # `from helpers import step`: step's code
            defs.setdefault(name, []).extend(nodes)
    if entry not in defs:
        return Usage(False, False, frozenset(), {})
    names: set[str] = set()
    lines: dict[str, int] = {}
    seen: set[int] = set()
    todo: list[ast.AST] = list(defs[entry])
    stub = all(_is_stub(n) for n in defs[entry])
    if any(_rebinds(tree) for tree in trees.values()):
        todo.extend(tree for tree in trees.values())  # all the submission's code

    def note(name: str, node: ast.AST) -> None:
        names.add(name)
        lines.setdefault(name, getattr(node, "lineno", 0))

    modules: dict[str, str] = {}  # `import helpers as h`: h is the module helpers
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    stem = alias.name.split(".")[0]
                    if stem in siblings:
                        modules[alias.asname or stem] = stem

    def sibling(name: str) -> str | None:
        return modules.get(name, name if name in siblings else None)

    handled: set[int] = set()  # `helpers` in `helpers.step`: only step is reached
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for sub in ast.walk(node):  # breadth first: an attribute before its base
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
                stem = sibling(sub.value.id)
                if stem is not None and sub.attr in sibling_defs[stem]:
                    handled.add(id(sub.value))
                    todo.extend(sibling_defs[stem][sub.attr])
            if isinstance(sub, ast.Name):
                stem = sibling(sub.id)
                if stem is not None and id(sub) not in handled:
                    todo.append(siblings[stem])  # the module itself: all its code
                note(sub.id, sub)
                for real in aliases.get(sub.id, []):
                    note(real, sub)
                if isinstance(sub.ctx, ast.Load):
                    todo.extend(defs.get(sub.id, []))
            elif isinstance(sub, ast.Attribute):
                note(sub.attr, sub)
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                if sub.value.isidentifier():
                    note(sub.value, sub)
            elif isinstance(sub, ast.Import | ast.ImportFrom):
                for alias in sub.names:
                    for part in alias.name.split("."):
                        note(part, sub)
                    if isinstance(sub, ast.ImportFrom) and sub.module:
                        for part in sub.module.split("."):
                            note(part, sub)
    return Usage(True, stub, frozenset(names), lines)
