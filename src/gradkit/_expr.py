"""The safe expression language of the command line: ``"3*x**2 - 4*x"`` → a JAX function.

An expression is parsed with `ast` and compiled into closures over `jax.numpy`; it
is never passed to `eval`. The language is small on purpose:

- numbers (``3``, ``0.5``, ``1e-3``), the constants ``pi`` and ``e``;
- the variable ``x``, and ``x[i]`` with a literal integer ``i`` when x is a vector;
- ``+ - * / **``, unary ``-``/``+``, parentheses;
- calls of the whitelisted functions in `FUNCTIONS` (``sin(x)``, ``log(x**2)``).

Everything else (attributes, other names, other calls, lambdas, comprehensions,
strings, comparisons, …) raises `ExpressionError` with the column and a caret
under the offending part. Arithmetic on constants is folded at parse time in
floating point, so ``9**9**9`` is rejected as an overflow at once instead of
asking Python for a 370-million-digit integer. Input longer than `MAX_LENGTH`
characters or nested deeper than `MAX_DEPTH` is rejected before it is walked.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import math
import operator
import re
from collections.abc import Callable
from typing import Any, cast

import jax
import jax.numpy as jnp
import jax.scipy.special

from ._errors import ExpressionError
from ._expr_functions import CONSTANTS as CONSTANTS
from ._expr_functions import FUNCTIONS as FUNCTIONS
from ._expr_functions import HELP as HELP
from ._expr_functions import REDUCING, near_name, syntax_hint

MAX_LENGTH = 2000
MAX_DEPTH = 50
MAX_NODES = 400
# integer exponents up to this size use `integer_pow` (exact repeated multiplication)
MAX_INTEGER_EXPONENT = 64


_BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}

# what to call a forbidden node in an error message
_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access", ast.Lambda: "lambda", ast.Compare: "a comparison",
    ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression",
    ast.BoolOp: "'and'/'or'", ast.IfExp: "a conditional expression",
    ast.NamedExpr: "an assignment (:=)", ast.Starred: "unpacking (*)", ast.Await: "await",
    ast.Yield: "yield", ast.YieldFrom: "yield", ast.JoinedStr: "an f-string",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Set: "a set", ast.Dict: "a dict",
    ast.Slice: "a slice",
}  # fmt: skip

Compiled = int | float | Callable[[Any], Any]


@dataclasses.dataclass(frozen=True, eq=False)
class Expression:
    """A parsed expression: a pure JAX function of one argument ``x``.

    Attributes:
        source: the text it was parsed from.
        indexed: whether it indexes x (``x[0]``), so that x must be a vector.
        elementwise: whether it maps each element of x on its own (no ``x[i]``, no
            ``sum``/``mean``/``prod``/``dot``/``norm``): at a vector of points its
            derivative is f′ at each point.
        min_size: the smallest length of x that every index fits in (0 if not indexed).
        max_constant: the largest absolute constant used when evaluating.
    """

    source: str
    indexed: bool
    min_size: int
    max_constant: float
    fn: Callable[[Any], Any] = dataclasses.field(repr=False)
    elementwise: bool = True

    def __call__(self, x: Any) -> jax.Array:
        """Evaluate at `x`; integer input is converted to the default float type."""
        x = jnp.asarray(x)
        if not jnp.issubdtype(x.dtype, jnp.inexact):
            x = x.astype(jnp.result_type(float))
        if self.indexed and (x.ndim == 0 or x.shape[0] < self.min_size):
            got = "a scalar" if x.ndim == 0 else f"shape {tuple(x.shape)}"
            raise ExpressionError(
                f"expression {self.source!r} indexes x up to x[{self.min_size - 1}], so x must be "
                f"a vector of length >= {self.min_size}; got {got}"
            )
        if self.max_constant > float(jnp.finfo(x.dtype).max):
            raise ExpressionError(
                f"expression {self.source!r} uses the constant {self.max_constant:g}, which "
                f"overflows {x.dtype}; evaluate it in float64 (gradkit's commands do) or "
                "use smaller constants"
            )
        return self.fn(x)


def _char_col(source: str, byte_col: int) -> int:
    # ast columns count UTF-8 bytes; carets count characters
    return len(source.encode()[:byte_col].decode(errors="ignore"))


def _pointed(source: str, start: int, end: int, what: str, hint: str = HELP) -> ExpressionError:
    end = max(end, start + 1)
    snippet = source[start:end]
    if len(snippet) > 40:
        snippet = snippet[:37] + "..."
    lo = max(0, start - 30)
    window = source[lo : lo + 76]
    caret = " " * (start - lo) + "^" * max(1, min(end, lo + 76) - start)
    prefix = "…" if lo else ""
    pad = " " * len(prefix)
    where = f"at column {start + 1}: {snippet!r}" if snippet else "at the end"
    return ExpressionError(f"{what} {where}\n  {prefix}{window}\n  {pad}{caret}\n{hint}")


class _Compiler:
    def __init__(self, source: str) -> None:
        self.source = source
        self.nodes = 0
        self.min_size = 0
        self.indexed = False
        self.uses_x = False
        self.reduces = False
        self.max_constant = 0.0

    def used[C: Compiled](self, value: C) -> C:
        """Note a constant that is used at run time (folded ones are not)."""
        if not callable(value):
            self.max_constant = max(self.max_constant, abs(float(value)))
        return value

    def error(self, node: ast.AST, what: str, hint: str = HELP) -> ExpressionError:
        start = _char_col(self.source, getattr(node, "col_offset", 0))
        end = _char_col(self.source, getattr(node, "end_col_offset", None) or start + 1)
        return _pointed(self.source, start, end, what, hint)

    def compile(self, node: ast.AST, depth: int = 0) -> Compiled:
        self.nodes += 1
        if depth > MAX_DEPTH:
            raise self.error(node, f"expression nests more than {MAX_DEPTH} levels deep")
        if self.nodes > MAX_NODES:
            raise self.error(node, f"expression has more than {MAX_NODES} parts")
        match node:
            case ast.Constant(value=bool() | None):
                raise self.error(node, f"{node.value!r} is not a number")
            case ast.Constant(value=int() | float() as value):
                return self.number(node, value)
            case ast.Constant():
                raise self.error(node, f"{type(node.value).__name__} literals are not allowed")
            case ast.Name(id="x"):
                self.uses_x = True
                return _identity
            case ast.Name(id=name) if name in CONSTANTS:
                return CONSTANTS[name]
            case ast.Name(id=name) if name in FUNCTIONS:
                raise self.error(node, f"{name!r} is a function: call it, as in {name}(x)")
            case ast.Name(id=name):
                raise self.error(
                    node, f"unknown name {name!r} (the variable is x)", near_name(name)
                )
            case ast.UnaryOp(op=ast.USub() | ast.UAdd() as op, operand=operand):
                value = self.compile(operand, depth + 1)
                sign = -1 if isinstance(op, ast.USub) else 1
                if not callable(value):
                    return sign * value
                return value if sign == 1 else _negate(value)
            case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
                return self.binary(
                    node, op, self.compile(left, depth + 1), self.compile(right, depth + 1)
                )
            case ast.BinOp(op=ast.BitXor()):
                raise self.error(
                    node, "the operator ^ is not allowed", "For a power write **, as in x**2."
                )
            case ast.BinOp(op=op):
                raise self.error(node, f"the operator {type(op).__name__} is not allowed")
            case ast.UnaryOp(op=op):
                raise self.error(node, f"the operator {type(op).__name__} is not allowed")
            case ast.Call():
                return self.call(node, depth)
            case ast.Subscript():
                return self.subscript(node)
            case ast.Attribute(attr=attr):
                raise self.error(node, f"attribute access ('.{attr}') is not allowed")
        what = _FORBIDDEN.get(type(node), type(node).__name__)
        raise self.error(node, f"{what} is not allowed")

    def number(self, node: ast.AST, value: int | float) -> int | float:
        if isinstance(value, int) and abs(value) <= 2**53:
            return value
        try:
            result = float(value)
        except OverflowError:
            raise self.error(node, "number is too large for floating point") from None
        if not math.isfinite(result):
            raise self.error(node, "number is too large for floating point")
        return result

    def binary(
        self, node: ast.BinOp, op: ast.operator, left: Compiled, right: Compiled
    ) -> Compiled:
        symbol, fn = _BINARY[type(op)]
        if not callable(left) and not callable(right):
            return self.fold(node, symbol, fn, left, right)
        # run-time constants are floats: a Python int beyond int32 would overflow in JAX,
        # except that a small integral exponent stays an int, for exact `integer_pow`
        small_power = (
            symbol == "**"
            and not callable(right)
            and float(right).is_integer()
            and abs(right) <= MAX_INTEGER_EXPONENT
        )
        right = int(cast(float, right)) if small_power else _floated(right)  # not callable
        return _apply2(fn, self.used(_floated(left)), self.used(right))

    def fold(
        self, node: ast.AST, symbol: str, fn: Callable[[Any, Any], Any], a: Any, b: Any
    ) -> int | float:
        # constants are folded in floating point: `9**9**9` overflows at once instead of
        # asking Python for a 370-million-digit integer
        try:
            result = math.pow(a, b) if symbol == "**" else fn(float(a), float(b))
        except ZeroDivisionError:
            raise self.error(node, "division by zero") from None
        except OverflowError:
            raise self.error(node, "constant is too large for floating point") from None
        except ValueError:
            raise self.error(node, "constant is undefined (no real value)") from None
        if not math.isfinite(result):
            raise self.error(node, "constant is too large for floating point")
        both_int = isinstance(a, int) and isinstance(b, int)
        if both_int and result.is_integer() and abs(result) <= 2**53:
            return int(result)
        return result

    def call(self, node: ast.Call, depth: int) -> Compiled:
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute):
                raise self.error(func, f"attribute access ('.{func.attr}') is not allowed")
            if isinstance(func, ast.Constant) and isinstance(func.value, int | float):
                number = ast.unparse(func)
                raise self.error(
                    func,
                    "a number cannot be called",
                    f"To multiply, write * between them: {number}*(...), not {number}(...).",
                )
            raise self.error(func, "only named functions can be called")
        if func.id not in FUNCTIONS:
            raise self.error(func, f"unknown function {func.id!r}", near_name(func.id))
        if node.keywords:
            raise self.error(node.keywords[0], f"{func.id}() takes no keyword arguments")
        fn, arity = FUNCTIONS[func.id]
        self.reduces = self.reduces or func.id in REDUCING
        if len(node.args) != arity:
            plural = "s" if arity > 1 else ""
            raise self.error(
                node, f"{func.id}() takes {arity} argument{plural}, got {len(node.args)}"
            )
        args = [self.compile(arg, depth + 1) for arg in node.args]
        return _apply(fn, [a if callable(a) else float(self.used(a)) for a in args])

    def subscript(self, node: ast.Subscript) -> Compiled:
        if not (isinstance(node.value, ast.Name) and node.value.id == "x"):
            raise self.error(node, "only x can be indexed, once, as in x[0]")
        index = node.slice
        negative = isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub)
        literal = index.operand if isinstance(index, ast.UnaryOp) and negative else index
        if not (
            isinstance(literal, ast.Constant)
            and isinstance(literal.value, int)
            and not isinstance(literal.value, bool)
        ):
            raise self.error(index, "an index must be a literal integer, as in x[0]")
        i = -literal.value if negative else literal.value
        if abs(i) > 10**6:
            raise self.error(index, f"index {i} is too large")
        self.uses_x = self.indexed = True
        self.min_size = max(self.min_size, i + 1 if i >= 0 else -i)
        return lambda x: x[i]


def _floated(c: Compiled) -> Compiled:
    return c if callable(c) else float(c)


def _identity(x: Any) -> Any:
    return x


def _negate(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda x: -f(x)


def _value(c: Compiled, x: Any) -> Any:
    return c(x) if callable(c) else c


def _apply2(fn: Callable[[Any, Any], Any], a: Compiled, b: Compiled) -> Callable[[Any], Any]:
    return lambda x: fn(_value(a, x), _value(b, x))


def _apply(fn: Callable[..., Any], args: list[Compiled]) -> Callable[[Any], Any]:
    return lambda x: fn(*[_value(a, x) for a in args])


def parse_expression(source: str) -> Expression:
    """Parse `source` in gradkit's safe expression language into a pure JAX function.

    Args:
        source: e.g. ``"3*x**2 - 4*x"``, ``"log(x**2)*sin(x) + 1/x"`` or
            ``"3*x[0]**2 + 5*exp(x[1])"`` (a function of a vector).

    Returns:
        An `Expression`, callable as ``f(x)``; it composes with `jax.grad`,
        `jax.jit` and `jax.vmap`. An expression without x is constant: it
        returns its value broadcast to the shape of x.

    Raises:
        ExpressionError: the text is not in the language; the message gives the
            column and underlines the offending part.

    >>> f = parse_expression("3*x**2 - 4*x")
    >>> float(f(1.0))
    -1.0
    """
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be a string, got {source!r}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(source)} characters long; the limit is {MAX_LENGTH}. "
            "Write a Python function and pass it as module:function instead."
        )
    text = source.strip()
    if not text:
        raise ExpressionError(f"empty expression {source!r}. {HELP}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        what = (
            "invalid syntax" if error.msg == "invalid syntax" else f"invalid syntax ({error.msg})"
        )
        column = (error.offset or 0) - 1
        if not 0 <= column < len(text) and error.msg == "invalid syntax":
            what, column = "the expression is incomplete", len(text)  # it ran out of text
        elif not 0 <= column < len(text):
            column = 0
        raise _pointed(text, column, column + 1, what, syntax_hint(text)) from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise ExpressionError(f"cannot parse expression {text[:40]!r}: {error}") from None
    compiler = _Compiler(text)
    body = compiler.used(_floated(compiler.compile(tree.body)))
    if compiler.uses_x:
        fn = body
    else:
        fn = lambda x: jnp.zeros_like(x) + _value(body, x)  # noqa: E731
    assert callable(fn)
    return Expression(
        source=text,
        indexed=compiler.indexed,
        min_size=compiler.min_size,
        max_constant=compiler.max_constant,
        fn=fn,
        elementwise=not (compiler.indexed or compiler.reduces),
    )


_MODULE_FUNCTION = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_REGISTRY_NAME = re.compile(r"^[a-z][a-z0-9_.\-]*$")


def resolve_function(text: str) -> Callable[[Any], Any]:
    """Return the function that `text` names on the command line.

    `text` is a ``module:function`` to import, an expression for
    `parse_expression`, or else a name registered in `gradkit.functions`
    (``quadratic``, ``log-sin``). An expression wins over a registered name
    that happens to be one (``x``, ``pi``); the registry is only read when the
    text is not an expression, so ordinary expressions never load plugins.

    Raises:
        ExpressionError: the module or attribute cannot be imported, is not
            callable, or the text is neither an expression nor a registered name;
            the message then lists the registered names.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be a string, got {text!r}")
    text = text.strip()
    if len(text) <= MAX_LENGTH and _MODULE_FUNCTION.match(text):
        return _import_function(text)
    try:
        return parse_expression(text)
    except ExpressionError as error:
        # dunder text is an attack, not a name: refuse it without loading plugins
        if len(text) > MAX_LENGTH or "__" in text or not _REGISTRY_NAME.match(text):
            raise
        from ._registry import functions

        if text in functions:
            return functions.get(text).fn
        import difflib

        known = ", ".join(functions.names()) or "(none)"
        close = difflib.get_close_matches(text, list(functions.names()), n=1)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        raise ExpressionError(
            f"{error}\nNor is {text!r} a registered function{guess}; registered: {known}."
        ) from None


def _import_function(text: str) -> Callable[[Any], Any]:
    module_name, _, path = text.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as error:
        raise ExpressionError(
            f"cannot import module {module_name!r} for {text!r}: {error}. "
            "Check the module is installed or on PYTHONPATH."
        ) from None
    for part in path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ExpressionError(
                f"module {module_name!r} has no attribute {path!r} (from {text!r})"
            ) from None
    if not callable(target):
        raise ExpressionError(f"{text!r} names {target!r}, which is not callable")
    return target
