"""Which identifiers an entry of a submission uses, read from its AST (never run).

The "must not use" checks need the names an entry reaches: its own body,
decorators and defaults, and, transitively, the module-level functions,
classes and assignments it refers to. Import aliases are resolved
(``from jax import grad as G`` makes ``G`` count as ``grad``; ``import
jax.numpy as jnp`` makes ``jnp.cos`` count as ``cos``). Comments and
docstrings are not code, so "cost" in a comment is not ``cos``; a string
constant that *equals* a forbidden name is reported, since
``getattr(jnp, "cos")`` uses it.
"""

from __future__ import annotations

import ast
import dataclasses


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


def usage(source: str, entry: str) -> Usage:
    """Return the identifiers `entry` reaches in `source` (a SyntaxError propagates)."""
    tree = ast.parse(source)
    defs, aliases = _module_bindings(tree)
    if entry not in defs:
        return Usage(False, False, frozenset(), {})
    names: set[str] = set()
    lines: dict[str, int] = {}
    seen: set[int] = set()
    todo: list[ast.AST] = list(defs[entry])
    stub = all(_is_stub(n) for n in defs[entry])

    def note(name: str, node: ast.AST) -> None:
        names.add(name)
        lines.setdefault(name, getattr(node, "lineno", 0))

    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
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
