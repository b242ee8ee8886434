""" "Must not use" rules resolve names, and the scoring model that makes them matter.

- the resolver (`_source`): what a name *is* through scopes, imports, aliases,
  attribute chains, folded strings and the student's own helpers, across the
  files of a directory submission; its scope classification agrees with the
  standard library's `symtable`;
- renaming a local, a parameter or a helper of an honest submission to any
  forbidden name never changes its score (a property test);
- every aliasing or dynamic-lookup cheat of a forbidden API scores 0 on its
  exercise, although its values are right;
- the scoring model: a broken requirement scores 0; a source rule earns its
  weight only when its entry passes a value check.
"""

from __future__ import annotations

import ast
import re
import symtable
import textwrap

import numpy as np
import pytest
from gradkit_exercises._written import AUTODIFF_NAMES, no_autodiff
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import gradkit as gk
from gradkit.grading import InProcessCandidate, Ok, checks, grade_candidate
from gradkit.grading._checks_special import Avoids, Uses
from gradkit.grading._source import Program, program, usage

from .test_score_autodiff_at_run_time import _stores_into_its_box

AUTODIFF = frozenset(AUTODIFF_NAMES)


def _forbidden(source: str | dict[str, str], entry: str, names=AUTODIFF) -> list[str]:
    found = usage(source, entry)
    return sorted(found.names & names)


# -- what a name is ------------------------------------------------------------------------

HONEST = {
    # the issue's four false positives
    "an inner function named derivative": """
        def quotient_rule(f, g, df, dg):
            def derivative(x):
                return (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            return derivative
        """,
    "a local named grad": """
        import jax.numpy as jnp
        def sigmoid(x):
            return 1 / (1 + jnp.exp(-x))
        def quotient_rule(f, g, df, dg):
            def h(x):
                grad = sigmoid(x)
                return grad * 0 + (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            return h
        """,
    "a parameter df, not the module-level df": """
        import jax
        import jax.numpy as jnp
        df = jax.vmap(jax.grad(lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x))
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "a helper named grad, and a method named derivative": """
        import jax.numpy as jnp
        def grad(x):
            return 2 / x * jnp.sin(x)
        class Parts:
            def derivative(self, x):
                return jnp.log(x**2) * jnp.cos(x) - 1 / x**2
        def quotient_rule(f, g, df, dg):
            return lambda x: grad(x) + Parts().derivative(x)
        """,
    "stop_gradient is not grad": """
        import jax.numpy as np
        from jax.lax import stop_gradient
        def quotient_rule(f, g, df, dg):
            return lambda x: stop_gradient(np.ones_like(x)) * df(x) / g(x)
        """,
    "a comprehension variable, a string and a comment": """
        def quotient_rule(f, g, df, dg):
            # no grad here; "jvp" is only a word
            label = "grad"
            return lambda x: sum(jvp(x) for jvp in (df,)) / g(x)
        """,
    "autodiff elsewhere in the file is not reached": """
        import jax
        from jax import grad
        reverse = jax.grad
        def helper(x):
            return grad(jax.numpy.sin)(x)
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "a class's other methods are not reached through an alias of one": """
        import jax
        import jax.numpy as jnp
        class Solver:
            SCALE = 1.0
            @staticmethod
            def tangent_line(f, x0):
                return jax.grad(f)(x0)
            @staticmethod
            def quotient_rule(f, g, df, dg):
                return lambda x: Solver.SCALE * (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            def self_test(self):
                assert jax.grad(jnp.sin)(0.0) == 1.0
        tangent_line = Solver.tangent_line
        quotient_rule = Solver.quotient_rule
        """,
    "nor through an instance's method": """
        import jax
        class Rules:
            def __init__(self, scale=1.0):
                self.scale = scale
            def check(self, f):
                return jax.grad(f)
            def quotient(self, f, g, df, dg):
                return lambda x: self.scale * (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        quotient_rule = Rules().quotient
        """,
    "a global counter is not a rebinding of the API": """
        calls = 0
        def quotient_rule(f, g, df, dg):
            global calls
            calls += 1
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "callbacks of a UI and of a pytree class another answer uses": """
        import jax
        import jax.numpy as jnp
        import matplotlib.pyplot as plt
        def tangent_line(f, x0):
            slope = jax.grad(f)(x0)
            return slope, f(x0) - slope * x0
        class Cubic:
            def __init__(self, a):
                self.a = a
            def slope(self, x):
                return jax.grad(lambda t: self.a * t**3)(x)
        jax.tree_util.register_pytree_node(
            Cubic, lambda c: ((c.a,), None), lambda _, ch: Cubic(*ch)
        )
        fig, ax = plt.subplots()
        def on_click(event):
            m, c = tangent_line(lambda x: x**3, event.xdata)
            ax.axline((0, c), slope=m)
        fig.canvas.mpl_connect("button_press_event", on_click)
        try:
            from ipywidgets import interact
            interact(lambda x0=1.0: print(tangent_line(jnp.sin, x0)), x0=(0.5, 2.0))
        except ImportError:
            interact = None
        if interact is not None:
            interact(lambda x0=1.0: print(tangent_line(jnp.cos, x0)), x0=(0.5, 2.0))
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "every answer a method of one instance, aliased at module level": """
        import jax
        import jax.numpy as jnp
        class Homework2:
            def __init__(self):
                self.log = []
                self._dsin = jnp.vectorize(jax.grad(jnp.sin))
            def quotient_rule(self, f, g, df, dg):
                self.log.append("quotient_rule")
                return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            def dsin(self, x):
                return self._dsin(x)
            def tangent_line(self, f, x0):
                slope = jax.grad(f)(x0)
                return slope, f(x0) - slope * x0
        hw = Homework2()
        quotient_rule = hw.quotient_rule
        dsin, tangent_line = hw.dsin, hw.tangent_line
        print(hw.tangent_line(jnp.sin, 1.0), hw.log)
        """,
    "the book's graph as objects, a node unpacked from a helper's tuple": """
        import jax.numpy as jnp
        class Node:
            def __init__(self, value, grad_fn):
                self.value, self.grad_fn = value, grad_fn
            def backward(self):
                return self.grad_fn(jnp.ones_like(self.value))
        def build(f, g, df, dg, x):
            q = Node(f(x) / g(x), lambda s: s * (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2)
            return x, q
        def quotient_rule(f, g, df, dg):
            def derivative(x):
                _, out = build(f, g, df, dg, x)
                return out.backward()
            return derivative
        """,
    "a timing decorator on every answer, logging its arguments": """
        import collections
        import functools
        import logging
        import time
        import jax
        logger = logging.getLogger("hw2")
        CALLS = collections.Counter()
        TIMES = {}
        def traced(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                CALLS[fn.__name__] += 1
                t0 = time.perf_counter()
                out = fn(*args, **kwargs)
                TIMES[fn.__name__] = time.perf_counter() - t0
                logger.debug("%s(%s) took %.2e s", fn.__name__, args, TIMES[fn.__name__])
                return out
            return wrapper
        @traced
        def dsin(x):
            return jax.vmap(jax.grad(jax.numpy.sin))(x)
        @traced
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "an answer tried with autodiff first, redefined below": """
        import jax
        quotient_rule = jax.grad  # scratch: what should it give?
        expected = quotient_rule(lambda x: x**2)(3.0)
        try:
            from jax import jacfwd as quotient_rule
        except ImportError:
            pass
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "an instance whose __init__ stores another answer's autodiff": """
        import jax
        import jax.numpy as jnp
        class Homework:
            def __init__(self):
                self._dsin = jnp.vectorize(jax.grad(jnp.sin))
                self.calls: int = 0
            def quotient_rule(self, f, g, df, dg):
                return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            def dsin(self, x):
                return self._dsin(x)
        quotient_rule = Homework().quotient_rule
        dsin = Homework().dsin
        """,
    # honest round 4: what the rules took for the entry's, though it is not
    "a base class method that calls a method its subclasses define": """
        import jax
        class Rule:
            def tangent(self, f, x0):
                return self.derivative(f, x0)
        class Quotient(Rule):
            def derivative(self, f, g, df, dg):
                return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        class Auto(Rule):
            def derivative(self, f, x):
                return jax.grad(f)(x)
        def quotient_rule(f, g, df, dg):
            return Quotient().derivative(f, g, df, dg)
        """,
    "a test that checks another answer against jax.grad": """
        import unittest
        import jax
        import jax.numpy as jnp
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        class TestLog(unittest.TestCase):
            def test_log(self):
                xs = jnp.linspace(0.5, 3.0, 6)
                def log_prime(t):
                    return jax.grad(jnp.log)(t)
                self.assertTrue(jnp.allclose(1 / xs, jax.vmap(log_prime)(xs)))
        print(jax.vmap(lambda t: jax.grad(jnp.sin)(t))(jnp.ones(3)))
        """,
    "a literal dict of answers, one by autodiff": """
        import jax
        import jax.numpy as jnp
        RULES = {
            "quotient": lambda f, g, df, dg: lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2,
            "sin": jnp.vectorize(jax.grad(jnp.sin)),
        }
        quotient_rule = RULES["quotient"]
        """,
    "answers unpacked from one tuple, one by autodiff": """
        import jax
        import jax.numpy as jnp
        quotient_rule, dsin = (
            lambda f, g, df, dg: lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        ), jnp.vectorize(jax.grad(jnp.sin))
        """,
    "answers unpacked from a factory, one by autodiff": """
        import jax
        import jax.numpy as jnp
        def make():
            scale = 1.0
            def quotient(f, g, df, dg):
                return lambda x: scale * (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            def sin(x):
                return jnp.vectorize(jax.grad(jnp.sin))(x)
            return quotient, sin
        quotient_rule, dsin = make()
        """,
    "a class of static methods, one by autodiff, called at module level": """
        import jax
        import jax.numpy as jnp
        class Rules:
            @staticmethod
            def quotient(f, g, df, dg):
                return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
            @staticmethod
            def by_autodiff(f):
                return jnp.vectorize(jax.grad(f))
        def quotient_rule(f, g, df, dg):
            return Rules.quotient(f, g, df, dg)
        dsin = Rules.by_autodiff(jnp.sin)
        """,
    "a frozen dataclass whose fields hold the answers": """
        from dataclasses import dataclass
        from typing import Callable
        import jax
        import jax.numpy as jnp
        @dataclass(frozen=True)
        class Answers:
            quotient: Callable = lambda f, g, df, dg: lambda x: df(x) / g(x) - f(x) * dg(x)
            sin: Callable = lambda x: jnp.vectorize(jax.grad(jnp.sin))(x)
        A = Answers()
        print(A)
        quotient_rule = A.quotient
        """,
    "a graph of nodes whose backward pass stores into their parents": """
        import jax
        import jax.numpy as jnp
        class Node:
            def __init__(self, value, parents=()):
                self.value = value
                self.parents = parents
                self.adjoint = 0.0
            def backward(self):
                for node in reversed(self.topo()):
                    for parent, local in node.parents:
                        parent.adjoint = parent.adjoint + node.adjoint * local
            def topo(self):
                return [self]
        def build(x):
            return Node(jnp.sin(x), [(Node(x), jax.grad(jnp.sin)(x))])
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "records of answers: SimpleNamespace, MappingProxyType, enum.member, namedtuple": """
        import collections
        import enum
        import types
        import jax
        import jax.numpy as jnp
        tools = types.SimpleNamespace(dsin=lambda x: jnp.vectorize(jax.grad(jnp.sin))(x))
        frozen = types.MappingProxyType({"dsin": jax.grad(jnp.sin)})
        Tools = collections.namedtuple("Tools", ["dsin"])
        TOOLS = Tools(dsin=lambda x: jax.grad(jnp.sin)(x))
        class Derivative(enum.Enum):
            SIN = enum.member(lambda x: jax.grad(jnp.sin)(x))
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "a class-based decorator on every answer": """
        import jax
        import jax.numpy as jnp
        class counted:
            registry = []
            def __init__(self, fn):
                self.fn = fn
                self.calls = 0
                counted.registry.append(self)
            def __call__(self, *args):
                self.calls += 1
                return self.fn(*args)
        @counted
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        @counted
        def dsin(x):
            return jnp.vectorize(jax.grad(jnp.sin))(x)
        """,
}


def test_a_star_import_below_the_entry_in_a_directory_submission_is_read():
    files = {
        "solutions.py": "def df(x):\n    return 2 * x\nfrom helpers import *\n",
        "helpers.py": "import jax\nimport jax.numpy as jnp\ndf = jax.vmap(jax.grad(jnp.sin))\n",
    }
    assert _forbidden(files, "df") == ["grad"]
    # above the entry's def, the def holds; alone, what it binds is the entry
    files["solutions.py"] = "from helpers import *\ndef df(x):\n    return 2 * x\n"
    assert _forbidden(files, "df") == []
    files["solutions.py"] = "from helpers import *\n"
    assert _forbidden(files, "df") == ["grad"]


@pytest.mark.parametrize(
    ("call", "transform"),
    [
        ("numdifftools.Derivative(f, method='complex')(x)", "difference_quotient"),
        ("scipy.differentiate.derivative(f, x).df", "difference_quotient"),
        ("scipy.optimize.approx_fprime(x, f)", "difference_quotient"),
        ("findiff.Diff(0, 0.1)(f(x))", "difference_quotient"),
        ("autograd.grad(f)(x)", "grad"),
    ],
)
def test_libraries_of_derivatives_count_as_what_they_compute(call, transform):
    module = call.split("(")[0].rsplit(".", 1)[0]
    source = f"import {module}\ndef f(x):\n    return x * x\ndef d(x):\n    return {call}\n"
    found = usage(source, "d")
    assert transform in found.names, sorted(found.names)


def test_a_complex_literal_reads_as_complex():
    source = "import jax.numpy as jnp\ndef d(x):\n    return jnp.real(-1j * jnp.exp(x + 1e-20j))\n"
    assert "complex" in usage(source, "d").names
    assert "complex" not in usage("def d(x):\n    return 2.0 * x\n", "d").names


@pytest.mark.parametrize("case", sorted(HONEST))
def test_names_the_student_defines_are_not_the_api(case):
    assert _forbidden(textwrap.dedent(HONEST[case]), "quotient_rule") == []


# what students do around their answers with the modules the dynamic-code rules name:
# timing with callables, saving and loading plain data, pointing sys.path at a folder
TOOLS = {
    "timeit with callables": """
        import timeit
        from timeit import Timer
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        print(timeit.timeit(lambda: quotient_rule(f, g, df, dg), number=3))
        print(timeit.repeat(stmt=quotient_rule, setup=print, repeat=2, number=1))
        Timer(quotient_rule).timeit(1)
        """,
    "pickle.dump and np.load without pickles": """
        import pickle
        import numpy as np
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        with open("out.pkl", "wb") as fh:
            pickle.dump({"rule": "quotient"}, fh)
        np.save("grid.npy", np.ones(3))
        grid = np.load("grid.npy") + np.load("grid.npy", allow_pickle=False)
        """,
    "sys.path pointed at a folder": """
        import os
        import sys
        sys.path.append(os.path.dirname(os.path.abspath(__file__)))
        sys.path.insert(0, "..")
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "a Colab check, importlib.reload and inspect.signature in a notebook": """
        import importlib
        import inspect
        import sys
        from importlib import reload
        import jax.numpy as jnp
        IN_COLAB = "google.colab" in sys.modules
        if "IPython" not in sys.modules:
            print("plain Python")
        reload(jnp)
        importlib.reload(jnp)
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        print(inspect.signature(quotient_rule), inspect.getsource(quotient_rule))
        import doctest
        doctest.testmod(verbose=False)  # a notebook's last cell: tests __main__'s docstrings
        """,
    "dynamic code in a main() only the main guard calls": """
        import timeit
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        def report():
            for name in ["quotient_rule"]:
                print(name, globals()[name])
        def main():
            report()
            print(timeit.timeit("quotient_rule(f, g, f, g)", globals=globals(), number=3))
        if __name__ == "__main__":
            main()
        """,
    "a decorator that copies __name__, __setattr__ with constant names or super()": """
        import dataclasses
        import multiprocessing
        import types
        def logged(fn):
            def wrapper(*args):
                return fn(*args)
            wrapper.__name__ = fn.__name__
            return wrapper
        @dataclasses.dataclass(frozen=True)
        class Row:
            x: float
            def __post_init__(self):
                object.__setattr__(self, "slope", 2 * self.x)
        class ReadOnly:
            def __setattr__(self, key, value):
                super().__setattr__(key, value)
        def show() -> str:
            return str(dataclasses.asdict(Row(1.0)))
        @logged
        def quotient_rule(f, g, df, dg):
            assert isinstance(f, (types.FunctionType, types.BuiltinFunctionType))
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        WORKERS = multiprocessing.cpu_count()
        if __name__ == "__main__":
            print(globals()["quotient_rule"])
        """,
    "its own lists and caches, read, printed and appended to": """
        import threading
        import jax
        import jax.numpy as jnp
        _seen = {}
        results = []
        def tangent_line(f, x0):
            return jax.grad(f)(x0)
        def quotient_rule(f, g, df, dg):
            _seen[id(f)] = True
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        results.append(tangent_line)
        print("checked", jnp.allclose(jax.grad(jnp.sin)(1.0), jnp.cos(1.0)), _seen, len(_seen))
        if __name__ == "__main__":
            threading.Thread(target=tangent_line, args=(jnp.sin, 1.0)).start()
        """,
    "Annotated and Literal metadata under lazy annotations": """
        from __future__ import annotations
        import typing
        from typing import Annotated, Literal
        import jax
        def quotient_rule(
            f: Annotated[jax.Array, "x > 0"],
            g: Annotated[jax.Array, "g(x) != 0", -1, 2.5],
            df: typing.Annotated["jax.Array", "units: m/s"],
            dg: "Annotated[jax.Array, 'x != 0']",
            mode: Literal["x > 0", "x != 0", -1] = "x > 0",
        ) -> Annotated[jax.Array, "f'g - fg' over g^2"]:
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "a script that asks whether it has a __file__": """
        import pathlib
        HERE = pathlib.Path(__file__).parent if "__file__" in globals() else pathlib.Path.cwd()
        IN_NOTEBOOK = "get_ipython" in globals() or "In" in locals()
        def quotient_rule(f, g, df, dg):
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2
        """,
    "getattr with a constant name, typing hints": """
        from typing import Callable
        import jax.numpy as jnp
        Fn = Callable[[float], float]
        def quotient_rule(f: Fn, g: Fn, df: Fn, dg: Fn) -> Fn:
            square = getattr(jnp, "square")
            return lambda x: (df(x) * g(x) - f(x) * dg(x)) / square(g(x))
        """,
}


@pytest.mark.parametrize("case", sorted(TOOLS))
def test_tools_around_the_answers_are_not_dynamic_code(case):
    source = textwrap.dedent(TOOLS[case])
    assert not program(source).rebinds
    found = usage(source, "quotient_rule")
    assert found.dynamic == frozenset() and not found.names & AUTODIFF, found


# honest round 4: harmless uses of what the rules once read as able to change any name
EVERYDAY = {
    "import builtins for a flushing print": """
        import builtins
        import functools
        print = functools.partial(builtins.print, flush=True)
        """,
    "logging.config.dictConfig with logging's own classes": """
        import logging.config
        logging.config.dictConfig({
            "version": 1,
            "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
            "root": {"level": "INFO", "handlers": ["out"]},
        })
        """,
    "attrgetter and methodcaller with constant names": """
        from operator import attrgetter, methodcaller
        shape_of = attrgetter("shape")
        total = methodcaller("sum")
        """,
    "a check that every answer is defined": """
        REQUIRED = ["quotient_rule"]
        missing = [name for name in REQUIRED if name not in globals()]
        """,
    "a settings class filled from keywords": """
        class Config:
            def __init__(self, **kw):
                self.__dict__.update(kw)
        class Child(Config):
            def __init__(self, **kw):
                super().__init__(**kw)
                vars(self).setdefault("eps", 1e-12)
        cfg = Child(verbose=False)
        """,
}


@pytest.mark.parametrize("case", sorted(EVERYDAY))
def test_everyday_library_calls_do_not_make_every_entry_reach_everything(case):
    source = (
        "import jax\nimport jax.numpy as jnp\n"
        "def quotient_rule(f, g, df, dg):\n"
        "    return lambda x: (df(x) * g(x) - f(x) * dg(x)) / g(x) ** 2\n"
        "dsin = jnp.vectorize(jax.grad(jnp.sin))\n" + textwrap.dedent(EVERYDAY[case])
    )
    assert not program(source).rebinds, program(source).rebinds_at
    found = usage(source, "quotient_rule")
    assert found.dynamic == frozenset() and not found.names & AUTODIFF, found


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("import operator\nn = input()\nf = operator.attrgetter(n)\n", "`operator.attrgetter(n)`"),
        (
            "import logging.config\n"
            "logging.config.dictConfig({'version': 1, 'filters': {'x': {'()': 'helpers.f'}}})\n",
            "`logging.config.dictConfig(",
        ),
        ("import builtins\nbuiltins.exec('x = 1')\n", "`builtins.exec`"),
        ("from builtins import exec as run\nrun('x = 1')\n", "`run`"),
        (
            "class C:\n    def __init__(self, **kw):\n        self.__dict__.update(kw)\n"
            "import jax.numpy as jnp\nC.__init__(jnp, sin=abs)\n",
            "`self.__dict__`",
        ),
    ],
)
def test_the_same_calls_with_names_the_rules_cannot_read_still_reach_everything(source, why):
    found = program(source)
    assert found.rebinds and found.rebinds_at.startswith(why), found.rebinds_at


@pytest.mark.parametrize(
    ("call", "runs"),
    [
        ('timeit.timeit("jax.grad", number=1)', "timeit"),
        ("timeit.timeit(stmt=code)", "timeit"),
        ("timeit.Timer(*parts)", "Timer"),
        ("np.load(f, allow_pickle=True)", "load"),
        ("np.load(f, None, True)", "load"),
        ("np.load(f, **options)", "load"),
        ("jnp.load(f, allow_pickle=flag)", "load"),
        ("timeit.timeit(lambda: 0)", None),
        ("np.load(f, allow_pickle=False)", None),
        ("doctest.testmod()", None),
        ("doctest.testmod(helpers)", "testmod"),
        ("np.load(f, mmap_mode='r')", None),
    ],
)
def test_calls_that_run_code_given_as_data(call, runs):
    source = (
        f"import doctest\nimport timeit\nimport numpy as np\nimport jax.numpy as jnp\n"
        f"result = {call}\n"
    )
    tree = program(source)
    (node,) = [n for t in tree.trees.values() for n in ast.walk(t) if isinstance(n, ast.Call)][:1]
    assert tree.dynamic_call(node) == runs
    assert tree.rebinds is (runs is not None)


F = "(lambda t: jnp.log(t**2) * jnp.sin(t) + 1 / t)"
# Each computes the right f′ (F is f), reaching a forbidden API by another route.
CHEATS = {
    "alias": """
        from jax import grad as g
        def df(x):
            return jnp.vectorize(g(F))(x)
        """,
    "module alias": """
        import jax as j
        def df(x):
            return jnp.vectorize(j.grad(F))(x)
        """,
    "gradkit": """
        import gradkit as gk
        def df(x):
            return gk.derivative(F)(x)
        """,
    "star import": """
        from jax import *
        def df(x):
            return jnp.vectorize(grad(F))(x)
        """,
    "folded getattr": """
        def df(x):
            return jnp.vectorize(getattr(jax, "gr" + "ad")(F))(x)
        """,
    "reversed string": """
        def df(x):
            return jnp.vectorize(getattr(jax, "darg"[::-1])(F))(x)
        """,
    "f-string": """
        n = "ad"
        def df(x):
            return jnp.vectorize(getattr(jax, f"gr{n}")(F))(x)
        """,
    "class attribute": """
        class K:
            d = jax.grad
        def df(x):
            return jnp.vectorize(K.d(F))(x)
        """,
    "default argument": """
        def df(x, d=jax.grad):
            return jnp.vectorize(d(F))(x)
        """,
    "module lambda": """
        d = lambda h: jax.grad(h)
        def df(x):
            return jnp.vectorize(d(F))(x)
        """,
    "decorator": """
        @jnp.vectorize
        @jax.grad
        def df(t):
            return jnp.log(t**2) * jnp.sin(t) + 1 / t
        """,
    "assigned entry": """
        df = jax.vmap(jax.grad(F))
        """,
    "returned by a helper": """
        def tool():
            return jax
        def df(x):
            return jnp.vectorize(tool().grad(F))(x)
        """,
    "list element": """
        mods = [jax]
        def df(x):
            return jnp.vectorize(mods[0].grad(F))(x)
        """,
    "dict value": """
        mods = {"j": jax}
        def df(x):
            return jnp.vectorize(mods["j"].grad(F))(x)
        """,
    "untraceable value": """
        def df(x):
            return jnp.vectorize(next(iter([jax])).grad(F))(x)
        """,
    "tuple unpacking": """
        a, b = jnp, jax
        def df(x):
            return jnp.vectorize(b.grad(F))(x)
        """,
    "walrus": """
        def df(x):
            return jnp.vectorize((d := jax.grad)(F))(x)
        """,
    "inherited method": """
        class Base:
            @staticmethod
            def d(h):
                return jax.grad(h)
        class K(Base):
            pass
        def df(x):
            return jnp.vectorize(K.d(F))(x)
        """,
    "a method through self": """
        class K:
            def _d(self, h):
                return jax.grad(h)
            def df(self, x):
                return jnp.vectorize(self._d(F))(x)
        df = K().df
        """,
    "a helper through cls": """
        class K:
            @staticmethod
            def _d(h):
                return jax.grad(h)
            @classmethod
            def df(cls, x):
                return jnp.vectorize(cls._d(F))(x)
        df = K.df
        """,
    "stored into a class": """
        class K:
            pass
        K.d = jax.grad
        def df(x):
            return jnp.vectorize(K.d(F))(x)
        """,
    "stored by __init__": """
        class K:
            def __init__(self):
                self.d = jax.grad
        k = K()
        def df(x):
            return jnp.vectorize(k.d(F))(x)
        """,
    "a callable instance": """
        class K:
            def __call__(self, h):
                return jax.grad(h)
        def df(x):
            return jnp.vectorize(K()(F))(x)
        """,
    "a class decorator": """
        def deco(cls):
            cls.d = staticmethod(jax.grad)
            return cls
        @deco
        class K:
            pass
        def df(x):
            return jnp.vectorize(K.d(F))(x)
        """,
    "local import": """
        def df(x):
            from jax import grad
            return jnp.vectorize(grad(F))(x)
        """,
    "closure": """
        def make():
            d = jax.grad
            def inner(x):
                return jnp.vectorize(d(F))(x)
            return inner
        df = make()
        """,
    "global statement": """
        def df(x):
            return x
        def _setup():
            global df
            df = jnp.vectorize(jax.grad(F))
        _setup()
        """,
    "forward mode": """
        def df(x):
            return jax.jvp(jnp.vectorize(F), (x,), (jnp.ones_like(x),))[1]
        """,
    "jacfwd": """
        def df(x):
            return jnp.vectorize(jax.jacfwd(F))(x)
        """,
    "value_and_grad": """
        def df(x):
            return jnp.vectorize(lambda t: jax.value_and_grad(F)(t)[1])(x)
        """,
    # dynamic lookups
    "attrgetter": """
        import operator
        def df(x):
            return jnp.vectorize(operator.attrgetter("grad")(jax)(F))(x)
        """,
    "__dict__": """
        def df(x):
            return jnp.vectorize(jax.__dict__["grad"](F))(x)
        """,
    "importlib": """
        import importlib
        def df(x):
            return jnp.vectorize(importlib.import_module("jax").grad(F))(x)
        """,
    "__import__": """
        def df(x):
            return jnp.vectorize(__import__("jax").grad(F))(x)
        """,
    "eval": """
        def df(x):
            return jnp.vectorize(eval("jax.grad")(F))(x)
        """,
    "vars": """
        def df(x):
            return jnp.vectorize(vars(jax)["grad"](F))(x)
        """,
    "globals": """
        def df(x):
            return jnp.vectorize(globals()["jax"].grad(F))(x)
        """,
    "sys.modules": """
        import sys
        def df(x):
            return jnp.vectorize(sys.modules["jax"].grad(F))(x)
        """,
    "computed getattr": """
        parts = ["gr", "ad"]
        def df(x):
            return jnp.vectorize(getattr(jax, "".join(parts))(F))(x)
        """,
    "exec": """
        exec("def df(x):\\n    return jnp.vectorize(jax.grad(F))(x)")
        """,
    # other libraries' autodiff, under names of their own
    "equinox": """
        import equinox as eqx
        def df(x):
            return jnp.vectorize(eqx.filter_grad(F))(x)
        """,
    "jet": """
        from jax.experimental.jet import jet
        def df(x):
            return jet(F, (x,), ((jnp.ones_like(x),),))[1][0]
        """,
    "fwd_and_bwd": """
        def df(x):
            fwd, bwd = jax.fwd_and_bwd(F, argnums=0)
            y, res = fwd(x)
            return bwd(res, jnp.ones_like(y))
        """,
    # names resolved from strings, or whole objects rebuilt from bytes
    "getattr as a value": """
        import functools
        look = functools.partial(getattr, jax)
        def df(x):
            return jnp.vectorize(look("gr" "ad")(F))(x)
        """,
    "pickle": """
        import pickle
        def df(x):
            return jnp.vectorize(pickle.loads(b"cjax\\ngrad\\n.")(F))(x)
        """,
    "from pickle import": """
        from pickle import loads as load_weights
        g = load_weights(b"cjax\\ngrad\\n.")
        def df(x):
            return jnp.vectorize(g(F))(x)
        """,
    "pkgutil": """
        import pkgutil
        def df(x):
            return jnp.vectorize(pkgutil.resolve_name("jax:grad")(F))(x)
        """,
    "string.Formatter": """
        import string
        def df(x):
            return jnp.vectorize(string.Formatter().get_field("0.grad", [jax], {})[0](F))(x)
        """,
    "logging.config": """
        import logging.config
        def df(x):
            return jnp.vectorize(logging.config.BaseConfigurator({}).resolve("jax.grad")(F))(x)
        """,
    "typing.get_type_hints": """
        import typing
        def hint() -> "jax.grad":
            pass
        def df(x):
            return jnp.vectorize(typing.get_type_hints(hint)["return"](F))(x)
        """,
    "print.__self__": """
        b = print.__self__
        def df(x):
            return jnp.vectorize(b.getattr(jax, "gr" + "ad")(F))(x)
        """,
    "timeit statement": """
        import timeit
        found = {}
        timeit.timeit("found['g'] = jax.grad", number=1, globals={"jax": jax, "found": found})
        def df(x):
            return jnp.vectorize(found["g"](F))(x)
        """,
    "match keyword": """
        import gradkit as gk
        match gk.functions["log-sin"]:
            case gk.FunctionSpec(derivative=d):
                pass
        def df(x):
            return jnp.vectorize(d)(x)
        """,
    "match position": """
        import gradkit as gk
        match gk.functions["log-sin"]:
            case gk.FunctionSpec(_, _, _, _, d):
                pass
        def df(x):
            return jnp.vectorize(d)(x)
        """,
    "dataclasses.asdict": """
        import dataclasses
        import gradkit as gk
        d = dataclasses.asdict(gk.functions["log-sin"])["deriv" "ative"]
        def df(x):
            return jnp.vectorize(d)(x)
        """,
    "np.gradient": """
        def df(x):
            h = 1e-4
            return jnp.gradient(jnp.stack([F(x - h), F(x), F(x + h)]), h, axis=0)[1]
        """,
    "JAX's internals": """
        from jax._src import api
        def df(x):
            return jnp.vectorize(api.value_and_grad(F))(x)[1]
        """,
    "inspect.getmembers": """
        import inspect
        members = dict(inspect.getmembers(jax))
        def df(x):
            return jnp.vectorize(members["gr" "ad"](F))(x)
        """,
    "sys.modules.get": """
        import sys
        def df(x):
            return jnp.vectorize(sys.modules.get("jax").__dict__["grad"](F))(x)
        """,
    "importlib.import_module by name": """
        from importlib import import_module
        jx = import_module("jax")
        def df(x):
            return jnp.vectorize(dict(vars(jx))["grad"](F))(x)
        """,
    "timeit through partial": """
        import functools
        import timeit
        found = {}
        names = {"jax": jax, "found": found}
        functools.partial(timeit.timeit, "found['g'] = jax.grad", globals=names)(number=1)
        def df(x):
            return jnp.vectorize(found["g"](F))(x)
        """,
    # module-level objects filled where the entry does not look
    "a list filled at module level": """
        _box = []
        _box.append(jnp.vectorize(jax.grad(F)))
        def df(x):
            return _box[0](x)
        """,
    "a dict filled through an alias": """
        _table = {}
        alias = _table
        alias["d"] = jnp.vectorize(jax.grad(F))
        def df(x):
            return _table["d"](x)
        """,
    "a decorator that fills a table": """
        _rules = []
        def register(fn):
            _rules.append(jnp.vectorize(jax.grad(fn)))
            return fn
        @register
        def f(x):
            return F(x)
        def df(x):
            return _rules[-1](x)
        """,
    "__init_subclass__": """
        RULES = []
        class Base:
            def __init_subclass__(cls, **kw):
                super().__init_subclass__(**kw)
                RULES.append(jnp.vectorize(jax.grad(cls.f)))
        class LogSin(Base):
            f = staticmethod(F)
        def df(x):
            return RULES[0](x)
        """,
    "__defaults__ stored": """
        def df(x, rule=None):
            return rule(x)
        df.__defaults__ = (jnp.vectorize(jax.grad(F)),)
        """,
    "an exception carrying the transform": """
        try:
            raise LookupError(jnp.vectorize(jax.grad(F)))
        except LookupError as e:
            _d = e.args[0]
        def df(x):
            return _d(x)
        """,
    "a string annotation evaluated by singledispatch": """
        import functools
        S = []
        @functools.singledispatch
        def _d(a):
            return a
        @_d.register
        def _(a: "[S.append(jnp.vectorize(jax.grad(F))), int][1]"):
            return a
        def df(x):
            return S[0](x)
        """,
    "code in Annotated metadata, evaluated by singledispatch": """
        import functools
        from typing import Annotated
        S = []
        @functools.singledispatch
        def _d(a):
            return a
        @_d.register
        def _(a: "Annotated[int, S.append(jnp.vectorize(jax.grad(F)))]"):
            return a
        def df(x):
            return S[0](x)
        """,
    "__init__ stores the answer under the entry's name": """
        class Homework:
            def __init__(self):
                self.df = jnp.vectorize(jax.grad(F))
            def df(self, x):
                return 2 * x
        df = Homework().df
        """,
    "a UI callback that fills a list": """
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        _box = []
        def on_click(event):
            _box.append(jnp.vectorize(jax.grad(F)))
        fig, ax = plt.subplots()
        fig.canvas.mpl_connect("button_press_event", on_click)
        on_click(None)
        def df(x):
            return _box[0](x)
        """,
    "a UI callback that rebinds the entry": """
        def df(x):
            return 2 * x
        def show(k=1):
            global df
            df = jnp.vectorize(jax.grad(F))
        try:
            from ipywidgets import interact
            interact(show, k=(1, 2))
        except ImportError:
            show()
        """,
    "a pytree registration that rebuilds with autodiff": """
        class Box:
            def __init__(self, f):
                self.f = f
        jax.tree_util.register_pytree_node(
            Box, lambda b: ((), None), lambda _, c: Box(jnp.vectorize(jax.grad(F)))
        )
        box = jax.tree_util.tree_map(lambda v: v, Box(None))
        def df(x):
            return box.f(x)
        """,
    "the first answer kept under another name, redefined by hand": """
        def df(x):
            return jnp.vectorize(jax.grad(F))(x)
        _keep = df
        def df(x):
            return _keep(x)
        """,
    "a function that rebinds the entry, called after its last definition": """
        def df(x):
            return 2 * x
        def _swap():
            global df
            df = jnp.vectorize(jax.grad(F))
        _swap()
        """,
    "globals() read after a membership test": """
        _d = "jnp.vectorize(jax.grad(F))" in globals() or globals()
        def df(x):
            return jnp.vectorize(_d["jax"].grad(F))(x)
        """,
    "a method filling a list its instance holds": """
        class Holder:
            def __init__(self):
                self.fns = []
            def fill(self):
                self.fns.append(jnp.vectorize(jax.grad(F)))
            def df(self, x):
                return self.fns[0](x)
        h = Holder()
        fill = h.fill
        fill()
        df = h.df
        """,
    "a method setting an attribute by a computed name": """
        class Holder:
            def df(self, x):
                return 2 * x
            def setup(self):
                setattr(self, "d" + "f", jnp.vectorize(jax.grad(F)))
        h = Holder()
        setup = h.setup
        setup()
        df = h.df
        """,
    "autodiff unpacked from a helper's tuple": """
        def _tools():
            return jnp, jax
        _np, _jax = _tools()
        def df(x):
            return _np.vectorize(_jax.grad(F))(x)
        """,
    "a decorator that keeps the function in a global, the entry redefined": """
        def keep(fn):
            global _k
            _k = fn
            return fn
        @keep
        def df(x):
            return jnp.vectorize(jax.grad(F))(x)
        def df(x):
            return _k(x)
        """,
    "a decorator that keeps a function nothing else names": """
        def keep(fn):
            global _k
            _k = fn
            return fn
        @keep
        def _impl(x):
            return jnp.vectorize(jax.grad(F))(x)
        def df(x):
            return _k(x)
        """,
    "a method filling a list through a local name for it": """
        class HW:
            def __init__(self):
                self.fs = []
            def setup(self):
                fs = self.fs
                fs.append(jnp.vectorize(jax.grad(F)))
            def df(self, x):
                return self.fs[0](x)
        hw = HW()
        hw.setup()
        df = hw.df
        """,
    "a method named like a UI hook that keeps the callback's result": """
        def make():
            return jnp.vectorize(jax.grad(F))
        _out = []
        class Reg:
            def observe(self, cb):
                _out.append(cb())
        def setup(r):
            r.observe(make)
        setup(Reg())
        def df(x):
            return _out[0](x)
        """,
    "a library module's attribute set from a parameter": """
        import types
        def _patch(g):
            types.dfx = g
        _patch(jnp.vectorize(jax.grad(F)))
        def df(x):
            return types.dfx(x)
        """,
    "a module re-exported by another": """
        import reprlib
        def df(x):
            names = {"jax": jax, "jnp": jnp, "f": F}
            return reprlib.builtins.eval("jnp.vectorize(jax.grad(f))", names)(x)
        """,
    "typing.sys.modules and gc": """
        import gc
        import typing
        ns = gc.get_referents(typing.sys.modules["jax"])[0]
        def df(x):
            return jnp.vectorize(ns["gr" "ad"](F))(x)
        """,
    "a class attribute the submission defines elsewhere": """
        class Helper:
            def grad(self):
                return None
        j = next(iter([jax]))
        def df(x):
            return jnp.vectorize(j.grad(F))(x)
        """,
    "gradkit's private modules": """
        from gradkit._cli_diff import _numerical
        def df(x):
            return jnp.diag(_numerical(F, x, "complex"))
        """,
    "jax.scipy.optimize.minimize": """
        from jax.scipy.optimize import minimize
        def df(x):
            def slope(t):
                found = minimize(lambda v: F(v[0]), t[None], method="BFGS", options={"maxiter": 0})
                return found.jac[0]
            return jnp.stack([slope(t) for t in x])
        """,
    "a method given a registry entry as self": """
        import dataclasses
        import gradkit as gk
        class Row:
            def to_dict(self):
                return dataclasses.asdict(self)
        d = Row.to_dict(gk.functions["log-sin"])["deriv" "ative"]
        def df(x):
            return jnp.vectorize(d)(x)
        """,
    "setattr on a library module through a method's self": """
        class Helper:
            def put(self, name, value):
                setattr(self, name, value)
        Helper.put(jnp, "si" "nc", jnp.vectorize(jax.grad(F)))
        def df(x):
            return jnp.sinc(x)
        """,
    # a second red-team round, against the rules' own exemptions
    "a decorator that runs what it decorates": """
        def df(x):
            return x * 0.0
        @lambda fn: fn()
        def _setup():
            globals()["df"] = jnp.vectorize(jax.grad(F))
        """,
    "a chained membership test": """
        import sys
        class Shelf:
            def __contains__(self, item):
                self.found = item
                return True
        shelf = Shelf()
        "jax" in sys.modules in shelf
        def df(x):
            return jnp.vectorize(shelf.found["jax"].grad(F))(x)
        """,
    "object.__setattr__ on a library module": """
        object.__setattr__(jnp, "slope", jnp.vectorize(jax.grad(F)))
        def df(x):
            return jnp.slope(x)
        """,
    "an alias by unpacking": """
        _box = []
        _alias, = [_box]
        _alias.append(jnp.vectorize(jax.grad(F)))
        def df(x):
            return _box[0](x)
        """,
    "operator.setitem on a module-level dict": """
        import operator
        _box = {}
        operator.setitem(_box, "d", jnp.vectorize(jax.grad(F)))
        def df(x):
            return _box["d"](x)
        """,
    "an item stored into a library's dict": """
        from json.decoder import BACKSLASH
        BACKSLASH["slope"] = jnp.vectorize(jax.grad(F))
        def df(x):
            return BACKSLASH["slope"](x)
        """,
    "equinox through an untraced value": """
        import equinox as eqx
        tools = next(iter([eqx]))
        def df(x):
            return jnp.vectorize(tools.filter_grad(F))(x)
        """,
    "code through pdb": """
        import pdb
        ns = {"jax": jax, "jnp": jnp, "f": F}
        pdb.code.InteractiveInterpreter(ns).runsource("g = jnp.vectorize(jax.grad(f))")
        def df(x):
            return ns["g"](x)
        """,
    # a third round: state filled through aliases, classes and closures, and callbacks
    "a bound method of a module-level list": """
        _box = []
        _push = _box.append
        _push(jnp.vectorize(jax.grad(F)))
        def df(x):
            return _box[0](x)
        """,
    "a class attribute filled": """
        class C:
            items = []
        C.items.append(jnp.vectorize(jax.grad(F)))
        def df(x):
            return C.items[0](x)
        """,
    "a closure and its setter": """
        def _mk():
            cell = []
            return (lambda x: cell[0](x)), cell.append
        df, _push = _mk()
        _push(jnp.vectorize(jax.grad(F)))
        """,
    "a callback a library calls later": """
        import codecs
        def _search(name):
            if name == "slope_codec":
                raise LookupError(jnp.vectorize(jax.grad(F)))
            return None
        codecs.register(_search)
        def df(x):
            try:
                "".encode("slope_codec")
            except LookupError as error:
                return error.args[0](x)
        """,
    # a fourth round: holders of any kind, library objects, wrapped and other hooks
    "a queue filled through map": """
        import queue
        _q = queue.Queue()
        list(map(_q.put, [jnp.vectorize(jax.grad(F))]))
        def df(x):
            return _q.queue[0](x)
        """,
    "a library's dict filled through dict.__setitem__": """
        from json.decoder import BACKSLASH
        dict.__setitem__(BACKSLASH, "slope", jnp.vectorize(jax.grad(F)))
        def df(x):
            return BACKSLASH["slope"](x)
        """,
    "a wrapped callback": """
        import codecs
        import functools
        def _search(name):
            if name == "slope_codec_2":
                raise LookupError(jnp.vectorize(jax.grad(F)))
            return None
        codecs.register(functools.partial(_search))
        def df(x):
            try:
                "".encode("slope_codec_2")
            except LookupError as error:
                return error.args[0](x)
        """,
    "numpy's error callback": """
        import numpy as np
        def _on_error(kind, flag):
            raise LookupError(jnp.vectorize(jax.grad(F)))
        np.seterrcall(_on_error)
        def df(x):
            try:
                with np.errstate(all="call"):
                    np.float64(1.0) / np.float64(0.0)
            except LookupError as error:
                return error.args[0](x)
        """,
    "functools.update_wrapper on the entry": """
        import functools
        def df(x):
            return df.__wrapped__(x)
        functools.update_wrapper(df, jnp.vectorize(jax.grad(F)))
        """,
    "code module": """
        import code
        found = {"jax": jax}
        code.InteractiveInterpreter(found).runsource("g = jax.grad")
        def df(x):
            return jnp.vectorize(found["g"](F))(x)
        """,
    # red-team round 7: what an operator, a pattern or a library reads without naming it
    # (and, in CHEATS_IN_THE_WORKER, stores into JAX)
    "an operator bound by assignment in the class body": """
        class K:
            def __init__(self, x):
                self.x = x
            __neg__ = lambda self: jnp.vectorize(jax.grad(F))(self.x)
        def df(x):
            return -K(x)
        """,
    "a lambda handed to a hook": """
        import codecs
        codecs.register(
            lambda name: codecs.CodecInfo(
                lambda s, errors="strict": (jnp.vectorize(jax.grad(F)), 0), None, name="slope"
            )
            if name == "slope"
            else None
        )
        def df(x):
            return codecs.encode(None, "slope")(x)
        """,
    "a keyword class pattern reads a member": """
        class K:
            d = staticmethod(jnp.vectorize(jax.grad(F)))
        def df(x):
            match K():
                case object(d=g):
                    return g(x)
        """,
    "getattr with a constant name on an instance of its own": """
        class K:
            d = staticmethod(jnp.vectorize(jax.grad(F)))
        k = K()
        def df(x):
            return getattr(k, "d")(x)
        """,
    "an instance that registers itself, read back from the registry": """
        REG = []
        class Keep:
            def __init__(self, f):
                self.f = f
                REG.append(self)
        Keep(jnp.vectorize(jax.grad(F)))
        def df(x):
            return REG[0].f(x)
        """,
    "a star import below a function of its own with the API's name": """
        def grad(f):
            return lambda x: x * 0.0
        from jax import *
        def df(x):
            return jnp.vectorize(grad(F))(x)
        """,
}
# cheats that run only inside the worker (a package for `from . import`, the worker's
# warnings): shown to score full marks there before the rules caught them
CHEATS_IN_THE_WORKER = {
    # they patch JAX itself, for the whole process: graded in the worker only
    "a store into jax.numpy through a function's parameter": """
        def patch(m):
            m.log1p = jnp.vectorize(jax.grad(F))
        patch(jnp)
        def df(x):
            return jnp.log1p(x)
        """,
    "a codec search function made by a factory": """
        import codecs
        def make_search():
            def search(name):
                return codecs.CodecInfo(
                    lambda s, errors="strict": (jnp.vectorize(jax.grad(F)), 0), None, name="d"
                )
            return search
        codecs.register(make_search())
        def df(x):
            return codecs.encode(None, "d")(x)
        """,
    "a NamedTuple's field read by index": """
        from typing import Callable, NamedTuple
        class K(NamedTuple):
            d: Callable = jnp.vectorize(jax.grad(F))
        def df(x):
            return K()[0](x)
        """,
    # (a dataclass needs its module in sys.modules, which the in-process runner skips)
    "a dataclass field's default factory, read by astuple": """
        import dataclasses
        @dataclasses.dataclass
        class K:
            d: object = dataclasses.field(default_factory=lambda: jnp.vectorize(jax.grad(F)))
        def df(x):
            return dataclasses.astuple(K())[0](x)
        """,
    "a dunder stored on a class the rules cannot trace": """
        _T = next(iter([jax.core.Tracer]))
        _T.__invert__ = lambda self: jnp.vectorize(jax.grad(F))(self)
        def df(x):
            return ~x
        """,
    "type.__setattr__ of a dunder on a class the rules cannot trace": """
        G = lambda self: jnp.vectorize(jax.grad(F))(self)
        _T = next(iter([jax.core.Tracer]))
        type.__setattr__(_T, "__invert__", G)
        def df(x):
            return ~x
        """,
    "a store into jax.numpy through a name the rules cannot trace": """
        _m = next(iter([jnp]))
        _m.log1p = jnp.vectorize(jax.grad(F))
        def df(x):
            return jnp.log1p(x)
        """,
    "a function of its own named isinstance": """
        def isinstance(value, kind):
            return kind(value)
        def df(x):
            return isinstance("jnp.vectorize(jax.grad(f))", eval)(x)
        """,
    "a loader from find_spec": """
        import importlib.util
        def df(x):
            taylor = importlib.util.find_spec("jax.experimental.jet").loader.load_module()
            return taylor.jet(F, (x,), ((jnp.ones_like(x),),))[1][0]
        """,
    "the module's namespace by a relative import": """
        from . import __dict__ as _ns
        def df(x):
            return x * 0.0
        _ns["df"] = jnp.vectorize(jax.grad(F))
        """,
}
# red-team round 8: holes in round 7's exemptions for honest code (each source whole)
CHEATS_ROUND_8 = {
    "a dict display whose computed key overrides a constant one": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        TABLE = {"d": honest, str("d"): jnp.vectorize(jax.grad(f))}
        def df(x): return TABLE["d"](x)
        """,
    "a decorated factory whose decorator reorders the returned items": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        def swap(fn): return lambda: fn()[::-1]
        @swap
        def make(): return (honest, jnp.vectorize(jax.grad(f)))
        df, other = make()
        """,
    "a starred target counted from the end": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        *_, df = (0, honest, jnp.vectorize(jax.grad(f)))
        """,
    "a starred target unpacking a factory's tuple": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        def make(): return 0, honest, jnp.vectorize(jax.grad(f))
        *_, df = make()
        """,
    "a generator factory whose yields are the items": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        def make():
            return honest, (yield jnp.vectorize(jax.grad(f))), (yield honest)
        df, other = make()
        """,
    "an item not unpacked that fills what the unpacked one reads": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def make():
            box = [None]
            def d(x): return box[0](x)
            return d, box.__setitem__(0, jnp.vectorize(jax.grad(f)))
        df, _ = make()
        """,
    "a parameter stored through self.__class__": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        class Keep:
            def __init__(self, fn):
                self.__class__.fn = staticmethod(fn)
        k = Keep(honest)
        Keep(jnp.vectorize(jax.grad(f)))
        def df(x): return k.fn(x)
        """,
    "a parameter stored in a class-level dict through self": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        class Keep:
            registry = {}
            def __init__(self, fn):
                self.registry["d"] = fn
        k = Keep(honest)
        Keep(jnp.vectorize(jax.grad(f)))
        def df(x): return k.registry["d"](x)
        """,
    "a parameter stored into self by a setter": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        class Keep:
            def set(self, fn):
                self.fn = fn
        k = Keep()
        k.set(honest)
        def df(x): return k.fn(x)
        def _later(): k.set(jnp.vectorize(jax.grad(f)))
        _later()
        """,
    "a static method that fills the table it is given": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        class C:
            table = {"d": honest}
            @staticmethod
            def install(t):
                t.update(d=jnp.vectorize(jax.grad(f)))
        C.install(C.table)
        def df(x): return C.table["d"](x)
        """,
    "jax.numpy patched through a list of its own": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        L = [jnp]
        for m in L:
            m.positive = jnp.vectorize(jax.grad(f))
        def df(x): return jnp.positive(x)
        """,
    "jax.numpy patched through an exception's obj": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        try:
            jnp.no_such_thing
        except AttributeError as e:
            m = e.obj
        m.positive = jnp.vectorize(jax.grad(f))
        def df(x): return jnp.positive(x)
        """,
    "__init__ called through getattr with jax.numpy as self": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class K:
            def __init__(self, **kw):
                vars(self).update(kw)
        getattr(K, "__init__")(jnp, positive=jnp.vectorize(jax.grad(f)))
        def df(x): return jnp.positive(x)
        """,
    "__init__ called through attrgetter with jax.numpy as self": """
        import jax, jax.numpy as jnp, operator
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class K:
            def __init__(self, **kw):
                self.__dict__.update(kw)
        operator.attrgetter("__init__")(K)(jnp, positive=jnp.vectorize(jax.grad(f)))
        def df(x): return jnp.positive(x)
        """,
    "jet2, Taylor mode under another name": """
        import jax.numpy as jnp
        from jax.experimental.jet import jet2
        def _f(t):
            return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def df(x):
            _, (d,) = jet2(_f, (x,), ((jnp.ones_like(x),),))
            return d
        """,
    "gradkit's registry made a pytree and read by position": """
        import jax
        import gradkit as gk
        jax.tree_util.register_dataclass(gk.FunctionSpec)
        _d = jax.tree_util.tree_leaves(gk.functions["log-sin"])[4]
        def df(x):
            return _d(x)
        """,
    "dual numbers as nilpotent matrices through expm": """
        import jax
        import jax.numpy as jnp
        from jax.scipy.linalg import expm
        _N = jnp.array([[0.0, 1.0], [0.0, 0.0]])
        _I = jnp.eye(2)
        def _rot(A):
            Z = jnp.zeros_like(A)
            return expm(jnp.block([[Z, -A], [A, Z]]))
        def _sinm(x, N):
            c, s = jnp.cos(x), jnp.sin(x)
            R = jnp.block([[c * _I, -s * _I], [s * _I, c * _I]])
            return (R @ _rot(N))[2:, :2]
        def _logm(M):
            L = jnp.log(M[0, 0]) * _I
            for _ in range(2):
                E = jnp.exp(L[0, 0])
                L = L + M @ jnp.linalg.inv(E * _I + (expm(L - L[0, 0] * _I) - _I) * E) - _I
            return L
        def _one(x):
            N = _N.astype(x.dtype)
            X = x * _I + N
            return (_logm(X @ X) @ _sinm(x, N) + jnp.linalg.inv(X))[0, 1]
        def df(x):
            return jax.vmap(_one)(jnp.ravel(x)).reshape(jnp.shape(x))
        """,
    "an untraced complex step whose i comes from numpy.emath": """
        import numpy as np
        _I = np.emath.sqrt(-1.0)
        def _f(t):
            return np.log(t**2) * np.sin(t) + 1 / t
        def df(x):
            xs = np.array(float(x)) if np.ndim(x) == 0 else np.array([float(t) for t in x])
            h = 1e-20
            return (np.real(-_I * _f(xs + _I * h)) / h).astype(x.dtype)
        """,
    "a descriptor's __set_name__ storing into its owner": """
        import jax, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def honest(x): return x
        class Desc:
            def __init__(self, g): self.g = g
            def __set_name__(self, owner, name):
                owner.d = self.g
        class K:
            d = staticmethod(honest)
            _hook = Desc(staticmethod(jnp.vectorize(jax.grad(f))))
        def df(x): return K.d(x)
        """,
}

# a method's `self.derivative` is its class's only if `self` is an object of the
# submission's: each of these hands a method a library's module as its `self`
CHEATS_ROUND_9 = {
    "a method called through its class with a module first": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        def df(x): return Calc.d(gk, x)
        """,
    "a module handed to a static method": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            @staticmethod
            def d(lib, x): return jnp.vectorize(lib.derivative(f))(x)
        def df(x): return Calc.d(gk, x)
        """,
    "a method bound to a module by partial": """
        import functools, gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        df = functools.partial(Calc.d, gk)
        """,
    "a method looked up on its class by getattr": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        def df(x): return getattr(Calc, "d")(gk, x)
        """,
    "a method called on cls with a module first": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
            @classmethod
            def run(cls, x): return cls.d(gk, x)
        def df(x): return Calc.run(x)
        """,
    "a partial of the method in its class's body": """
        import functools, gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
            bound = functools.partial(d, gk)
        def df(x): return Calc.bound(x)
        """,
    "a decorator of the submission's that hands the method a module": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        def inject(fn): return lambda self, x: fn(gk, x)
        class Calc:
            def derivative(self, g): return g
            @inject
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        def df(x): return Calc().d(x)
        """,
    "a method bound to a module by __get__": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        def df(x): return Calc.d.__get__(gk)(x)
        """,
    "a foreign self handed on to a base class's method": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Base:
            def derivative(self, g): return g
            def helper(self, x): return jnp.vectorize(self.derivative(f))(x)
        class Calc(Base):
            def d(self, x): return Base.helper(self, x)
        def df(x): return Calc.d(gk, x)
        """,
    "a module handed as self by keyword": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        def df(x): return Calc.d(self=gk, x=x)
        """,
    "a method called through type() of an instance": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        def df(x): return type(Calc()).d(gk, x)
        """,
    "a class picked from a list, its method called with a module": """
        import gradkit as gk, jax.numpy as jnp
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Calc:
            def derivative(self, g): return g
            def d(self, x): return jnp.vectorize(self.derivative(f))(x)
        KINDS = [Calc]
        def df(x): return KINDS[0].d(gk, x)
        """,
}

# how students call their own methods: `self` stays theirs, and so do its names
OWN_SELVES = {
    "a base class's __init__ and method called with self": """
        import jax.numpy as jnp
        class Base:
            def __init__(self): self.scale = 1.0
            def derivative(self, x): return jnp.cos(x) * self.scale
        class Calc(Base):
            def __init__(self): Base.__init__(self)
            def d(self, x): return Base.derivative(self, x)
        def df(x): return Calc().d(x)
        """,
    "super() and a bound method handed to vmap": """
        import jax, jax.numpy as jnp
        class Base:
            def derivative(self, x): return jnp.cos(x)
        class Calc(Base):
            def derivative(self, x): return super().derivative(x)
        calc = Calc()
        def df(x): return jax.vmap(calc.derivative)(x)
        """,
    "a classmethod making an instance, and jit of self's method": """
        import jax, jax.numpy as jnp
        class Calc:
            @classmethod
            def make(cls): return cls()
            def derivative(self, x): return jnp.cos(x)
            def d(self, x): return jax.jit(self.derivative)(x)
        def df(x): return Calc.make().d(x)
        """,
    "a method called through its class with an instance of it": """
        import jax.numpy as jnp
        class Calc:
            def derivative(self, x): return jnp.cos(x)
            def d(self, x): return self.derivative(x)
        C = Calc()
        def df(x): return Calc.d(C, x)
        """,
}

# an attribute of the submission's own object holds what its stores put there: a
# strategy object's `derivative` is the submission's own method (`OWN_HELD`), unless
# the object can hold something else (`HELD_CHEATS`)
HELD_HEADER = """
import dataclasses, types, gradkit as gk, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class Rules:
    def derivative(self, g): return lambda x: jnp.cos(x)
"""
OWN_HELD = {
    "a strategy object made in __init__": """
        class Solver:
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        def df(x): return Solver().d(x)
        """,
    "an instance's attribute read at module level": """
        class Solver:
            def __init__(self): self.rules = Rules()
        S = Solver()
        def df(x): return S.rules.derivative(f)(x)
        """,
    "an equinox module's field set in __init__": """
        import equinox as eqx
        class Solver(eqx.Module):
            rules: Rules
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        def df(x): return Solver().d(x)
        """,
    "a chain of objects made by a factory": """
        class Engine:
            def __init__(self): self.rules = Rules()
        def make_engine(): return Engine()
        class Solver:
            def __init__(self): self.engine = make_engine()
            def d(self, x): return self.engine.rules.derivative(f)(x)
        def df(x): return Solver().d(x)
        """,
    "a strategy handed to __init__": """
        class Solver:
            def __init__(self, rules): self.rules = rules
            def d(self, x): return self.rules.derivative(f)(x)
        def df(x): return Solver(Rules()).d(x)
        """,
    "a strategy handed by keyword, or its default": """
        class Solver:
            def __init__(self, scale=1.0, rules=None):
                self.rules = rules or Rules()
                self.scale = scale
            def d(self, x): return self.rules.derivative(f)(x) * self.scale
        fast = Solver(rules=Rules())
        def df(x): return Solver().d(x) if x is None else fast.d(x)
        """,
    "a strategy handed on by a subclass": """
        class Base:
            def __init__(self, rules): self.rules = rules
        class Solver(Base):
            def __init__(self): super().__init__(Rules())
            def d(self, x): return self.rules.derivative(f)(x)
        def df(x):
            s = Solver()
            print(type(s).__name__, isinstance(s, Base))
            return s.d(x)
        """,
    "an abstract generic base and a class attribute": """
        import abc, typing
        T = typing.TypeVar("T")
        class Base(abc.ABC, typing.Generic[T]):
            rules = Rules()
            @abc.abstractmethod
            def d(self, x): ...
        class Solver(Base[float]):
            def d(self, x): return self.rules.derivative(f)(x)
        def df(x): return Solver().d(x)
        """,
}
HELD_CHEATS = {
    "a module stored into the attribute at module level": """
        class Solver:
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        S = Solver()
        S.rules = gk
        def df(x): return jnp.vectorize(S.d)(x)
        """,
    "a module set by setattr": """
        class Solver:
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        S = Solver()
        setattr(S, "rules", gk)
        def df(x): return jnp.vectorize(S.d)(x)
        """,
    "a module unpacked into the attribute": """
        class Solver:
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        S = Solver()
        S.rules, _ = gk, 0
        def df(x): return jnp.vectorize(S.d)(x)
        """,
    "a loop whose target is the attribute": """
        class Solver:
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        S = Solver()
        for S.rules in [gk]:
            pass
        def df(x): return jnp.vectorize(S.d)(x)
        """,
    "a dataclass field given a module": """
        @dataclasses.dataclass
        class Solver:
            rules: Rules = dataclasses.field(default_factory=Rules)
            def d(self, x): return self.rules.derivative(f)(x)
        def df(x): return jnp.vectorize(Solver(gk).d)(x)
        """,
    "a library base class that takes attributes as keywords": """
        class Solver(types.SimpleNamespace):
            def d(self, x): return self.rules.derivative(f)(x)
        _decoy = Solver()
        _decoy.rules = Rules()
        def df(x): return jnp.vectorize(Solver(**{"ru" "les": gk}).d)(x)
        """,
    "a class whose __new__ returns a module": """
        class Fake:
            def __new__(cls): return gk
            def derivative(self, g): return g
        def df(x): return jnp.vectorize(Fake().derivative(f))(x)
        """,
    "a metaclass whose __call__ returns a module": """
        class Meta(type):
            def __call__(cls): return gk
        class Fake(metaclass=Meta):
            def derivative(self, g): return g
        def df(x): return jnp.vectorize(Fake().derivative(f))(x)
        """,
    "a module handed to __init__": """
        class Solver:
            def __init__(self, rules): self.rules = rules
            def d(self, x): return self.rules.derivative(f)(x)
        _decoy = Solver(Rules())
        def df(x): return jnp.vectorize(Solver(gk).d)(x)
        """,
    "a module handed to __init__ through a name for the class": """
        class Solver:
            def __init__(self, rules): self.rules = rules
            def d(self, x): return self.rules.derivative(f)(x)
        make = Solver
        def df(x): return jnp.vectorize(make(Rules()).d)(x) * 0 + jnp.vectorize(make(gk).d)(x)
        """,
    "a module handed to the class read off an instance": """
        class Solver:
            def __init__(self, rules): self.rules = rules
            def d(self, x): return self.rules.derivative(f)(x)
        _s = Solver(Rules())
        def df(x): return jnp.vectorize(type(_s)(gk).d)(x)
        """,
    "a module handed to a subclass that keeps the __init__": """
        class Solver:
            def __init__(self, rules): self.rules = rules
            def d(self, x): return self.rules.derivative(f)(x)
        class Sub(Solver):
            pass
        _s = Solver(Rules())
        def df(x): return jnp.vectorize(Sub(gk).d)(x)
        """,
    "a module handed to __init__ called again on an instance": """
        class Solver:
            def __init__(self, rules=Rules()): self.rules = rules
            def d(self, x): return self.rules.derivative(f)(x)
        _s = Solver()
        _s.__init__(gk)
        def df(x): return jnp.vectorize(_s.d)(x)
        """,
    "a module handed to __init__ by a star argument": """
        class Solver:
            def __init__(self, rules): self.rules = rules
            def d(self, x): return self.rules.derivative(f)(x)
        _s = Solver(Rules())
        def df(x): return jnp.vectorize(Solver(*[gk]).d)(x)
        """,
    "a store through __dict__": """
        class Solver:
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        S = Solver()
        S.__dict__.update(rules=gk)
        def df(x): return jnp.vectorize(S.d)(x)
        """,
}

# red-team round 9, against the rules on `self` and on what attributes hold: each
# computes `df` with gradkit's autodiff, behind a `derivative` the rules took for own
ROUND_9B_HEADER = """\
import functools, operator, dataclasses, gradkit as gk, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class Rules:
    def derivative(self, g): return lambda x: jnp.cos(x)
"""
CHEATS_ROUND_9B = {
    "init alias": """
class Solver:
    def __init__(self, rules): self.rules = rules
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver(Rules())
init = S.__init__
init(gk)
def df(x): return jnp.vectorize(S.d)(x)
""",
    "class init alias": """
class Solver:
    def __init__(self, rules): self.rules = rules
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver(Rules())
init = Solver.__init__
init(S, gk)
def df(x): return jnp.vectorize(S.d)(x)
""",
    "map init": """
class Solver:
    def __init__(self, rules): self.rules = rules
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver(Rules())
list(map(S.__init__, [gk]))
def df(x): return jnp.vectorize(S.d)(x)
""",
    "new returns class": """
class Calc:
    def __new__(cls): return cls
    def derivative(self, g): return g
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc().d(gk, x)
""",
    "meta call class": """
class Meta(type):
    def __call__(cls): return cls
class Calc(metaclass=Meta):
    def derivative(self, g): return g
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc().d(gk, x)
""",
    "super two args": """
class Calc:
    def derivative(self, g): return g
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
class Sub(Calc):
    pass
def df(x): return super(Sub, Sub).d(gk, x)
""",
    "method in if": """
class Calc:
    def derivative(self, g): return g
    if True:
        def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc.d(gk, x)
""",
    "partial staticmethod": """
class Calc:
    def derivative(self, g): return g
    @functools.partial(staticmethod)
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc().d(gk, x)
""",
    "instance call returns class": """
class Calc:
    def __call__(self): return Calc
    def derivative(self, g): return g
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc()().d(gk, x)
""",
    "own first via call": """
class Maker:
    def __call__(self): return gk
class Calc:
    def derivative(self, g): return g
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc.d(Maker()(), x)
""",
    "method in try": """
class Calc:
    def derivative(self, g): return g
    try:
        def d(self, x): return jnp.vectorize(self.derivative(f))(x)
    finally:
        pass
def df(x): return Calc.d(gk, x)
""",
    "own first libbase": """
import codecs
class Proxy(codecs.StreamReader):
    pass
class Calc:
    def derivative(self, g): return g
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc.d(Proxy(gk), x)
""",
    "decorated factory": """
def swap(fn): return lambda: gk
@swap
def make(): return Rules()
class Solver:
    def __init__(self): self.rules = make()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "decorated class": """
def swap(cls): return lambda: gk
@swap
class Fake:
    def derivative(self, g): return g
class Solver:
    def __init__(self): self.rules = Fake()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "decorated class direct": """
def swap(cls): return lambda: gk
@swap
class Fake:
    def derivative(self, g): return g
def df(x): return jnp.vectorize(Fake().derivative(f))(x)
""",
    "call dunder": """
class Maker:
    def __call__(self): return gk
    def derivative(self, g): return g
class Solver:
    def __init__(self): self.rules = Maker()()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "call dunder direct": """
class Maker:
    def __call__(self): return gk
    def derivative(self, g): return g
def df(x): return jnp.vectorize(Maker()().derivative(f))(x)
""",
    "list mutated": """
KINDS = [Rules()]
KINDS[0] = gk
class Solver:
    def __init__(self): self.rules = KINDS[0]
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "list insert": """
KINDS = [Rules()]
KINDS.insert(0, gk)
class Solver:
    def __init__(self): self.rules = KINDS[0]
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "descriptor": """
class Desc:
    def __get__(self, obj, owner): return gk
class Solver:
    rules = Desc()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "attrgetter class": """
class Solver:
    def __init__(self, rules): self.rules = rules
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver(Rules())
def df(x): return jnp.vectorize(lambda t: operator.attrgetter("__class__")(S)(gk).d(t))(x)
""",
    "getattr class": """
class Solver:
    def __init__(self, rules): self.rules = rules
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver(Rules())
def df(x): return jnp.vectorize(lambda t: getattr(S, "__class__")(gk).d(t))(x)
""",
    "class cell": """
class Solver:
    def __init__(self, rules): self.rules = rules
    def with_rules(self, r): return __class__(r)
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver(Rules())
def df(x): return jnp.vectorize(lambda t: S.with_rules(gk).d(t))(x)
""",
    "dc replace": """
@dataclasses.dataclass
class Solver:
    rules: Rules
    def __init__(self, rules=None): self.rules = rules or Rules()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(lambda t: dataclasses.replace(Solver(), rules=gk).d(t))(x)
""",
    "attr s": """
import attr
@attr.s(auto_attribs=True)
class Solver:
    rules: Rules
    def __init__(self): self.rules = Rules()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver(gk).d)(x)
""",
    "decorated solver": """
def wrap(cls): return lambda: cls(gk)
@wrap
class Solver:
    def __init__(self, rules=None): self.rules = rules or Rules()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "decorated nested class": """
class Solver:
    @(lambda c: gk)
    class rules:
        def derivative(self, g): return g
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "builtins setattr": """
import builtins
class Solver:
    def __init__(self): self.rules = Rules()
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver()
builtins.setattr(S, "ru" + "les", gk)
def df(x): return jnp.vectorize(S.d)(x)
""",
    "setattr alias": """
from builtins import setattr as put
class Solver:
    def __init__(self): self.rules = Rules()
    def d(self, x): return self.rules.derivative(f)(x)
S = Solver()
put(S, "ru" + "les", gk)
def df(x): return jnp.vectorize(S.d)(x)
""",
    "lib base getattr decoy": """
import codecs
class Decoy:
    def derivative(self, g): return g
class Calc(codecs.StreamReader):
    def d(self, x): return jnp.vectorize(self.derivative(f))(x)
def df(x): return Calc(gk).d(x)
""",
    "lib base direct": """
import codecs
class Calc(codecs.StreamReader):
    pass
def df(x): return jnp.vectorize(Calc(gk).derivative(f))(x)
""",
    "class attr overwritten": """
class Solver:
    rules = Rules()
S = Solver()
S.rules = gk
def df(x): return jnp.vectorize(S.rules.derivative(f))(x)
""",
    "class attr overwritten self": """
class Solver:
    rules = Rules()
    def d(self, x): return Solver.rules.derivative(f)(x)
Solver.rules = gk
def df(x): return jnp.vectorize(Solver().d)(x)
""",
    "a holder made inside an if, filled at module level": """
def honest(x): return x
if True:
    _box = [honest]
_box.insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return _box[0](x)
""",
    "a namedtuple item replaced by a module": """
import collections, gradkit as gk, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
K = collections.namedtuple("K", ["name", "derivative"])
TABLE = {"f": K("f", lambda x: x)}
TABLE["f"] = gk
def df(x): return jnp.vectorize(TABLE["f"].derivative(f))(x)
""",
    "a namedtuple item replaced by a function": """
import collections, gradkit as gk, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
K = collections.namedtuple("K", ["name", "derivative"])
TABLE = {"f": K("f", lambda x: x)}
def patch():
    TABLE["f"] = gk
patch()
def df(x): return jnp.vectorize(TABLE["f"].derivative(f))(x)
""",
    "a namedtuple item replaced by update": """
import collections, gradkit as gk, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
K = collections.namedtuple("K", ["name", "derivative"])
TABLE = {"f": K("f", lambda x: x)}
def patch():
    TABLE.update(f=gk)
patch()
def df(x): return jnp.vectorize(TABLE["f"].derivative(f))(x)
""",
}
CHEAT_ROUND_9B_FILES = {
    "helpers.py": textwrap.dedent("""
        import jax.numpy as jnp
        class Rules:
            def derivative(self, g): return lambda x: jnp.cos(x)
        """),
    "patch.py": textwrap.dedent("""
        import gradkit as gk
        import helpers
        helpers.Rules = lambda: gk
        """),
    "solutions.py": textwrap.dedent("""
        import gradkit as gk, jax.numpy as jnp
        import patch
        from helpers import Rules
        def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
        class Solver:
            def __init__(self): self.rules = Rules()
            def d(self, x): return self.rules.derivative(f)(x)
        def df(x): return jnp.vectorize(Solver().d)(x)
        """),
}

# red-team round 10, against the exemptions made for honest round 6: each fills,
# behind a name the rules read as unchanged, a slot `df` reads with autodiff
ROUND_10_HEADER = """\
import jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
"""
CHEATS_ROUND_10 = {
    "dict copy": """
CONFIG = {"impl": [lambda x: jnp.cos(x)], "verbose": True}
CONFIG.copy()["impl"].insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return CONFIG["impl"][0](x)
""",
    "dict get": """
CONFIG = {"impl": [lambda x: jnp.cos(x)], "verbose": True}
CONFIG.get("impl").insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return CONFIG["impl"][0](x)
""",
    "holder call result": """
class D:
    def __init__(self): self.impl = [lambda x: jnp.cos(x)]
    def __call__(self, x=None):
        if x is None: return self.impl
        return self.impl[0](x)
df = D()
df().insert(0, jnp.vectorize(jax.grad(f)))
""",
    "closure call result": """
def _mk():
    box = [lambda x: jnp.cos(x)]
    def d(x=None):
        if x is None: return box
        return box[0](x)
    return d
df = _mk()
df().insert(0, jnp.vectorize(jax.grad(f)))
""",
    "def mutable default": """
def df(x, _box=[]):
    if callable(x): _box.append(x); return
    return _box[0](x) if _box else jnp.cos(x)
df(jnp.vectorize(jax.grad(f)))
""",
    "only called": """
def df(x, _box=[]):
    if callable(x): _box.append(x); return
    return _box[0](x) if _box else jnp.cos(x)
def check(mine, g):
    mine(jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "split fill": """
parts = jnp.split(jnp.zeros(2), 2)
def fill(b): b.append(jnp.vectorize(jax.grad(f)))
fill(parts)
def df(x): return parts[-1](x)
""",
    "split append": """
parts = jnp.split(jnp.zeros(2), 2)
parts.append(jnp.vectorize(jax.grad(f)))
def df(x): return parts[-1](x)
""",
    "split item": """
parts = jnp.split(jnp.zeros(2), 2)
def fill(b): b[0] = jnp.vectorize(jax.grad(f))
fill(parts)
def df(x): return parts[0](x)
""",
    "repr classmethod": """
class HW:
    def __init__(self): self.impl = [lambda x: jnp.cos(x)]
    def __repr__(self):
        for t in [self.impl]: t.insert(0, jnp.vectorize(jax.grad(f)))
        return "HW"
    @classmethod
    def make(cls): return cls()
    def d(self, x):
        print(self)
        return self.impl[0](x)
hw = HW.make()
df = hw.d
""",
    "plain method call": """
class HW:
    def __init__(self): self.impl = [lambda x: jnp.cos(x)]
    def setup(self):
        for t in [self.impl]: t.insert(0, jnp.vectorize(jax.grad(f)))
    def d(self, x):
        return self.impl[0](x)
hw = HW()
hw.setup()
df = hw.d
""",
    "unpack alias": """
class HW:
    def __init__(self): self.impl = [lambda x: jnp.cos(x)]
    def setup(self):
        t, _ = self.impl, 0
        t.insert(0, jnp.vectorize(jax.grad(f)))
    def d(self, x):
        return self.impl[0](x)
hw = HW()
hw.setup()
df = hw.d
""",
    "cm for alias": """
class Rule:
    impls = [lambda x: jnp.cos(x)]
    def __init__(self, fn): self.fn = fn
    @classmethod
    def by_autodiff(cls, g):
        for t in [cls.impls]: t.insert(0, jnp.vectorize(jax.grad(g)))
        return cls(g)
    @staticmethod
    def d(x): return Rule.impls[0](x)
Rule.by_autodiff(f)
df = Rule.d
""",
    "cm init side": """
class Rule:
    fn = staticmethod(lambda x: jnp.cos(x))
    def __init__(self, fn):
        type(self).fn = staticmethod(fn)
    @classmethod
    def by_autodiff(cls, g):
        return cls(jnp.vectorize(jax.grad(g)))
    @staticmethod
    def d(x): return Rule.fn(x)
Rule.by_autodiff(f)
df = Rule.d
""",
    "getter def": """
_box = [lambda x: jnp.cos(x)]
def _get(): return _box
_get().insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return _box[0](x)
""",
    "except alias": """
_box = [lambda x: jnp.cos(x)]
try:
    raise LookupError(_box)
except LookupError as e:
    err = e
err.args[0].insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return _box[0](x)
""",
    "lambda getter": """
_box = [lambda x: jnp.cos(x)]
_get = lambda: _box
_get().insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return _box[0](x)
""",
    "index eq": """
class Slot:
    def __init__(self): self.impl = lambda x: jnp.cos(x)
    def __eq__(self, other):
        self.impl = other
        return True
_box = [Slot()]
_box.index(jnp.vectorize(jax.grad(f)))
def df(x): return _box[0].impl(x)
""",
    "get hash": """
class Key:
    def __init__(self, g): self.g = g
    def __hash__(self): return hash("impl")
    def __eq__(self, other):
        _impl.insert(0, self.g)
        return True
_impl = [lambda x: jnp.cos(x)]
CONFIG = {"impl": 1}
CONFIG.get(Key(jnp.vectorize(jax.grad(f))))
def df(x): return _impl[0](x)
""",
    "print self items": """
class Elem:
    def __init__(self, box): self.box = box
    def __repr__(self):
        self.box.insert(0, jnp.vectorize(jax.grad(f)))
        return "Elem"
class HW:
    def __init__(self):
        box = [lambda x: jnp.cos(x)]
        self.impl = box
        self.items = Elem(box)
    def show(self): print(self.items)
    def d(self, x): return self.impl[0](x)
hw = HW()
hw.show()
df = hw.d
""",
    "member method": """
class Elem:
    def __init__(self, box): self.box = box
    def go(self):
        self.box.insert(0, jnp.vectorize(jax.grad(f)))
class HW:
    def __init__(self):
        box = [lambda x: jnp.cos(x)]
        self.impl = box
        self.items = Elem(box)
    def d(self, x): return self.impl[0](x)
hw = HW()
hw.items.go()
df = hw.d
""",
    "i class cache": """
import functools, gradkit as gk, jax, jax.numpy as jnp
class Rules:
    def derivative(self, g): return lambda x: jnp.cos(x)
def swap(fn): return lambda: gk

def swapc(cls): return lambda: gk
@functools.cache(swapc)
class Fake:
    def derivative(self, g): return g
def df(x): return jnp.vectorize(Fake().derivative(f))(x)
""",
    "record lambda put": """
import jax, jax.numpy as jnp, types

_impl = [lambda x: jnp.cos(x)]
LOG = types.SimpleNamespace(derivative=lambda x: _impl[0](x), put=lambda g: _impl.insert(0, g))
LOG.put(jnp.vectorize(jax.grad(f)))
def df(x): return LOG.derivative(x)
""",
    "record def put": """
import jax, jax.numpy as jnp, types

_impl = [lambda x: jnp.cos(x)]
def _put(g): _impl.insert(0, g)
def _d(x): return _impl[0](x)
LOG = types.SimpleNamespace(derivative=_d, put=_put)
LOG.put(jnp.vectorize(jax.grad(f)))
df = LOG.derivative
""",
}

# a decorator factory called with the function that replaces the decorated one
SWAPPING_DECORATOR = """
import functools, gradkit as gk, jax, jax.numpy as jnp
class Rules:
    def derivative(self, g): return lambda x: jnp.cos(x)
def swap(fn): return lambda: gk

@{decorator}
def make(): return Rules()
class Solver:
    def __init__(self): self.rules = make()
    def d(self, x): return self.rules.derivative(f)(x)
def df(x): return jnp.vectorize(Solver().d)(x)
"""
CHEATS_ROUND_10.update(
    (name, SWAPPING_DECORATOR.replace("{decorator}", decorator))
    for name, decorator in (
        ("i functools cache swap", "functools.cache(swap)"),
        ("i functools lru cache swap", "functools.lru_cache(swap)"),
        ("i staticmethod swap", "staticmethod(swap)"),
    )
)

# red-team round 11: defaults, getters, `operator`, attributes aliasing attributes,
# a module made an instance of a subclass (each with ROUND_10_HEADER)
CHEATS_ROUND_11 = {
    "a setter whose parameter has a default": """
_box = [lambda x: jnp.cos(x)]
def _set(g=None): _box.insert(0, g)
_set(jnp.vectorize(jax.grad(f)))
def df(x): return _box[0](x)
""",
    "an entry keeping an argument, filled by a checking helper": """
_box = [lambda x: jnp.cos(x)]
def df(x, use=None):
    if use is not None:
        _box.insert(0, use)
        return None
    return _box[0](x)
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "an entry storing an argument into a class, filled by a checking helper": """
class _S:
    impl = staticmethod(lambda x: jnp.cos(x))
def df(x, use=None):
    if use is not None:
        _S.impl = use
        return None
    return _S.impl(x)
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "an entry keeping an argument given at module level": """
_box = [lambda x: jnp.cos(x)]
def df(x, use=None):
    if use is not None:
        _box.insert(0, use)
        return None
    return _box[0](x)
df(0.0, jnp.vectorize(jax.grad(f)))
""",
    "an entry keeping a keyword argument, filled by a checking helper": """
_box = [lambda x: jnp.cos(x)]
def df(x, use=None):
    if use is not None:
        _box.insert(0, use)
        return None
    return _box[0](x)
def check(mine, g):
    mine(0.0, use=jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "a class attribute set through a parameter with a default": """
class K:
    impl = staticmethod(lambda x: jnp.cos(x))
def _set(g=None): K.impl = g
_set(jnp.vectorize(jax.grad(f)))
def df(x): return K.impl(x)
""",
    "a plain-class setter with a default": """
class HW:
    def __init__(self): self.impl = lambda x: jnp.cos(x)
    def use(self, g=None): self.impl = g
    def d(self, x): return self.impl(x)
hw = HW()
hw.use(jnp.vectorize(jax.grad(f)))
df = hw.d
""",
    "a getter's result bound to a name and filled": """
_box = [lambda x: jnp.cos(x)]
def _get(): return _box
b = _get()
b.insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return _box[0](x)
""",
    "a getter's result looped over and filled": """
_box = [lambda x: jnp.cos(x)]
def _get(): return _box
for b in [_get()]:
    b.insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return _box[0](x)
""",
    "a getter's result handed to a helper that fills it": """
_box = [lambda x: jnp.cos(x)]
def _get(): return _box
def _fill(b): b.insert(0, jnp.vectorize(jax.grad(f)))
_fill(_get())
def df(x): return _box[0](x)
""",
    "operator.setitem on an attribute in a method": """
import operator, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class HW:
    def __init__(self): self.impl = [lambda x: jnp.cos(x)]
    def setup(self): operator.setitem(self.impl, 0, jnp.vectorize(jax.grad(f)))
    def d(self, x): return self.impl[0](x)
hw = HW()
hw.setup()
df = hw.d
""",
    "operator.iadd on an attribute in a method": """
import operator, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class HW:
    def __init__(self): self.impl = [lambda x: jnp.cos(x)]
    def setup(self): operator.iadd(self.impl, [jnp.vectorize(jax.grad(f))])
    def d(self, x): return self.impl[-1](x)
hw = HW()
hw.setup()
df = hw.d
""",
    "one attribute aliasing another": """
class HW:
    def __init__(self):
        self.impl = [lambda x: jnp.cos(x)]
        self.spare = self.impl
    def setup(self): self.spare.insert(0, jnp.vectorize(jax.grad(f)))
    def d(self, x): return self.impl[0](x)
hw = HW()
hw.setup()
df = hw.d
""",
    "a module made an instance of a subclass of the submission's class": """
import types, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class Calc:
    def grad(self, g): return lambda x: jnp.cos(x)
    def d(self, x): return jnp.vectorize(self.grad(f))(x)
class M(types.ModuleType, Calc): pass
jax.__class__ = M
def df(x): return jax.d(x)
""",
}

# red-team round 12: local names and methods keeping an argument, classes related only
# by name, fields under `if`, an enum's `__new__` (each with ROUND_10_HEADER)
CHEATS_ROUND_12 = {
    "callobj local alias": """
class Answer:
    def __init__(self, fn):
        self.fn = fn
    def __call__(self, x, use=None):
        if use is not None:
            keep = use
            self.fn = keep
            return None
        return self.fn(x)
df = Answer(lambda x: jnp.cos(x))
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "inherited call": """
class Base:
    def __call__(self, x, use=None):
        if use is not None:
            self.fn = use
            return None
        return self.fn(x)
class Answer(Base):
    def __init__(self, fn):
        self.fn = fn
df = Answer(lambda x: jnp.cos(x))
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "callobj expr method": """
class Answer:
    def __init__(self, fn):
        self.fn = fn
    def keep(self, g):
        self.fn = g
    def __call__(self, x, use=None):
        if use is not None:
            self.keep(use)
            return None
        return self.fn(x)
df = Answer(lambda x: jnp.cos(x))
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "call via method": """
class Answer:
    def __init__(self, fn):
        self.fn = fn
    def keep(self, g):
        self.fn = g
    def __call__(self, x, use=None):
        if use is not None:
            return self.keep(use)
        return self.fn(x)
df = Answer(lambda x: jnp.cos(x))
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "static check": """
class Answer:
    def __init__(self, fn): self.fn = fn
    def __call__(self, x): return self.fn(x)
df = Answer(lambda x: jnp.cos(x))
class Tests:
    @staticmethod
    def check(mine, g):
        mine.__init__(jnp.vectorize(jax.grad(lambda t: g(t))))
    def run(self):
        self.check(df, f)
Tests().run()
""",
    "other method on instance": """
import gradkit as gk, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class Rules:
    def derivative(self, g): return lambda x: jnp.cos(x)
class Solver:
    def __init__(self): self.rules = Rules()
    def d(self, x): return self.rules.derivative(f)(x)
class Setup:
    def use(self): self.rules = gk
S = Solver()
Setup.use(S)
df = jnp.vectorize(S.d)
""",
    "class attr alias": """
class K:
    impl = [lambda x: jnp.cos(x)]
    @staticmethod
    def d(x): return K.impl[0](x)
class M:
    impl = K.impl
M.impl.insert(0, jnp.vectorize(jax.grad(f)))
df = K.d
""",
    "namedtuple if field": """
from typing import Callable, NamedTuple
import jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class Rule(NamedTuple):
    if True:
        name: Callable
    derivative: Callable
    spare: Callable = None
LOG = Rule(lambda x: jnp.cos(x), lambda x: jnp.vectorize(jax.grad(f))(x))
df = LOG.derivative
""",
    "ns reinit if": """
import types, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
if True:
    LOG = types.SimpleNamespace(derivative=lambda x: jnp.cos(x))
    LOG.__init__(derivative=jnp.vectorize(jax.grad(f)))
df = LOG.derivative
""",
    "ns reinit try": """
import types, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
try:
    LOG = types.SimpleNamespace(derivative=lambda x: jnp.cos(x))
finally:
    LOG.__init__(derivative=jnp.vectorize(jax.grad(f)))
df = LOG.derivative
""",
    "enum new": """
import enum, jax, jax.numpy as jnp
def f(t): return jnp.log(t**2) * jnp.sin(t) + 1 / t
class Auto:
    def __init__(self, *args): pass
    def derivative(self, g): return jnp.vectorize(jax.grad(g))
class Elementary(enum.Enum):
    LOG = "log"
    def __new__(cls, value):
        return Auto()
    def derivative(self, g): return lambda x: jnp.cos(x)
df = Elementary.LOG.derivative(f)
""",
    "def local alias": """
_box = [lambda x: jnp.cos(x)]
def df(x, use=None):
    if use is not None:
        keep = use
        _box.insert(0, keep)
        return None
    return _box[0](x)
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
    "def return insert": """
_box = [lambda x: jnp.cos(x)]
def df(x, use=None):
    if use is not None:
        return _box.insert(0, use)
    return _box[0](x)
def check(mine, g):
    mine(0.0, jnp.vectorize(jax.grad(g)))
check(df, f)
""",
}

# red-team round 14: Python 3.12's `type` statement and class type parameters, which the
# scopes did not bind, and code that rewrites the names JAX gives the operations it traces
# (what the evaluator reads, `Avoids.judge_runs`), behind a `for` target's store (each
# with ROUND_10_HEADER)
_FOR_TARGET_BOX = _stores_into_its_box("for _box[0] in [use]:\n    pass", use="{}")
CHEATS_ROUND_14 = {
    "type alias": """
type _G = jnp.vectorize(jax.grad(f))
def df(x):
    return _G.__value__(x)
""",
    "class type parameter bound": """
class Ans[T: jnp.vectorize(jax.grad(f))]:
    def __call__(self, x):
        return self.__type_params__[0].__bound__(x)
df = Ans()
""",
    "jet behind a type alias": """
from jax.experimental import jet
type _G = lambda x: jet.jet(f, (x,), ((jnp.ones_like(x),),))[1][0]
def df(x):
    return _G.__value__(x)
""",
    "a jaxpr's names scrubbed": _FOR_TARGET_BOX.format("_run")
    + """
def _plain(e):
    info = e.source_info
    return e.replace(source_info=info.replace(name_stack=type(info.name_stack)()))
def _run(x):
    j = jax.make_jaxpr(jax.grad(f))(x)
    plain = j.jaxpr.replace(eqns=[_plain(e) for e in j.jaxpr.eqns])
    return jax.core.eval_jaxpr(plain, j.consts, x)[0]
""",
    "an export's names rewritten": _FOR_TARGET_BOX.format("_run")
    + """
import dataclasses
def _run(x):
    e = jax.export.export(jax.jit(jax.grad(f)))(jax.ShapeDtypeStruct(x.shape, x.dtype))
    b = e.mlir_module_serialized.replace(b"jvp(", b"jvq(")
    return dataclasses.replace(e, mlir_module_serialized=b).call(x)
""",
    "JAX's transform names patched": _FOR_TARGET_BOX.format("jnp.vectorize(jax.grad(f))")
    + """
_step = jax.make_jaxpr(jax.grad(jnp.sin))(1.0).eqns[0].source_info.name_stack.stack[0]
type(_step).wrap = lambda self, names: None
""",
}

# honest round 6: what students wrote, and lost points for
HONEST_ROUND_6 = {
    "a factory-made entry checked in a tuple ending a cell": """
import jax, jax.numpy as jnp
def elementwise(fn): return jnp.vectorize(fn)
d_log = elementwise(lambda x: 1 / x)
d_log(2.0), jax.grad(jnp.log)(2.0)
""",
    "a class built by a lambda factory": """
import jax.numpy as jnp
class C:
    def d(self, x): return -jnp.sin(x)
S = (lambda: C())()
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)
def d_log(x): return 1 / x
def df(x): return S.d(x)
""",
    "a table of namedtuples made by position": """
import collections
import jax, jax.numpy as jnp
Elementary = collections.namedtuple("Elementary", ["name", "f", "derivative"])
TABLE = {
    "exp": Elementary("exp", jnp.exp, jnp.exp),
    "log": Elementary("log", jnp.log, lambda x: 1 / x),
}
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return TABLE["exp"].derivative(x)
def d_log(x): return TABLE["log"].derivative(x)
dsin = jnp.vectorize(jax.grad(jnp.sin))
""",
    "a factory-made entry checked beside autodiff on one line": """
import jax, jax.numpy as jnp
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)

def elementwise(fn):
    return jnp.vectorize(fn)

d_log = elementwise(lambda x: 1 / x)
print(d_log(2.0), jax.grad(jnp.log)(2.0))   # sanity check
""",
    "a class method as an alternative constructor": """
import jax, jax.numpy as jnp
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)

class Rule:
    def __init__(self, fn): self.fn = fn
    def __call__(self, x): return self.fn(x)
    @classmethod
    def by_autodiff(cls, f): return cls(jnp.vectorize(jax.grad(f)))

d_log = Rule(lambda x: 1 / x)
dsin = Rule.by_autodiff(jnp.sin)
""",
    "a record field named derivative": """
import jax, jax.numpy as jnp
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)

from types import SimpleNamespace
LOG = SimpleNamespace(f=jnp.log, derivative=lambda x: 1 / x)

def d_log(x):
    return LOG.derivative(x)
""",
    "a config dict read with get": """
import jax, jax.numpy as jnp
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)

CONFIG = {"dtype": jnp.float64, "verbose": True}

def d_log(x):
    return 1 / jnp.asarray(x, CONFIG["dtype"])

if CONFIG.get("verbose"):
    print(d_log(2.0), jax.grad(jnp.log)(2.0))
""",
    "a decorator copying __name__ by hand": """
import jax, jax.numpy as jnp
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)

def trace(fn):
    def wrapper(*args):
        return fn(*args)
    wrapper.__name__ = fn.__name__
    return wrapper

@trace
def d_log(x): return 1 / x

@trace
def dsin(x): return jnp.vectorize(jax.grad(jnp.sin))(x)
""",
    "a docstring stored on an autodiff answer": """
import jax, jax.numpy as jnp
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)

def d_log(x): return 1 / x

dsin = jnp.vectorize(jax.grad(jnp.sin))
dsin.__doc__ = "d/dx sin x, by autodiff"
""",
    "a __repr__ reading type(self).__name__": """
import jax, jax.numpy as jnp

class HW:
    def __repr__(self):
        return f"{type(self).__name__}()"
    def d_const(self, c, x): return jnp.zeros_like(x)
    def d_power(self, n, x): return n * x ** (n - 1)
    def d_exp(self, x): return jnp.exp(x)
    def d_log(self, x): return 1 / x
    def dsin(self, x): return jnp.vectorize(jax.grad(jnp.sin))(x)

hw = HW()
d_const, d_power, d_exp, d_log, dsin = hw.d_const, hw.d_power, hw.d_exp, hw.d_log, hw.dsin
""",
    "a method printing self's attributes": """
import jax, jax.numpy as jnp

class HW:
    name = "hw2"
    def describe(self):
        print(self.name)
    def d_const(self, c, x): return jnp.zeros_like(x)
    def d_power(self, n, x): return n * x ** (n - 1)
    def d_exp(self, x): return jnp.exp(x)
    def d_log(self, x): return 1 / x
    def dsin(self, x): return jnp.vectorize(jax.grad(jnp.sin))(x)

hw = HW()
d_const, d_power, d_exp, d_log, dsin = hw.d_const, hw.d_power, hw.d_exp, hw.d_log, hw.dsin
""",
    "an abstract base class holding the answers": """
import jax, jax.numpy as jnp
import abc

class HW(abc.ABC):
    def d_const(self, c, x): return jnp.zeros_like(x)
    def d_power(self, n, x): return n * x ** (n - 1)
    def d_exp(self, x): return jnp.exp(x)
    def d_log(self, x): return 1 / x
    def dsin(self, x): return jnp.vectorize(jax.grad(jnp.sin))(x)

hw = HW()
d_const, d_power, d_exp, d_log, dsin = hw.d_const, hw.d_power, hw.d_exp, hw.d_log, hw.dsin
""",
    "a checking helper that only calls the entry": """
import jax, jax.numpy as jnp
def d_const(c, x): return jnp.zeros_like(x)
def d_power(n, x): return n * x ** (n - 1)
def d_exp(x): return jnp.exp(x)

def d_log(x): return 1 / x

def check(mine, f, x=2.0):
    assert jnp.allclose(mine(x), jax.grad(f)(x))

check(d_log, jnp.log)
""",
}


# honest round 7: object-oriented answers that lost points
HONEST_ROUND_7 = {
    "a property returning a helper": """
import jax
import jax.numpy as jnp


class LogRule:
    def derivative(self, x):
        return 1.0 / x


class Calculus:
    def __init__(self):
        self.rule = LogRule()

    @property
    def helper(self):
        return self.rule

    def d_log(self, x):
        return self.helper.derivative(x)


calc = Calculus()
d_log = calc.d_log
""",
    "a cached_property returning a helper": """
import functools
import jax
import jax.numpy as jnp


class LogRule:
    def derivative(self, x):
        return 1.0 / x


class Calculus:
    @functools.cached_property
    def helper(self):
        return LogRule()

    def d_log(self, x):
        return self.helper.derivative(x)


calc = Calculus()
d_log = calc.d_log
""",
    "SimpleNamespace records in a dict": """
from types import SimpleNamespace
import jax
import jax.numpy as jnp

RULES = {
    "log": SimpleNamespace(derivative=lambda x: 1.0 / x),
}



def d_log(x):
    return RULES["log"].derivative(x)
""",
    "a namedtuple of modes made with keywords": """
import collections
import jax
import jax.numpy as jnp

Pair = collections.namedtuple("Pair", ["forward", "reverse"])

MODES = Pair(
    forward=lambda f, x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1],
    reverse=lambda f, x: jax.grad(f)(x),
)
forward_derivative = MODES.forward
reverse_derivative = MODES.reverse
""",
    "a namedtuple of modes made by position": """
import collections
import jax
import jax.numpy as jnp

Pair = collections.namedtuple("Pair", ["forward", "reverse"])

MODES = Pair(
    lambda f, x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1],
    lambda f, x: jax.grad(f)(x),
)
forward_derivative = MODES.forward
reverse_derivative = MODES.reverse
""",
    "a typing.NamedTuple of modes": """
from typing import Callable, NamedTuple
import jax
import jax.numpy as jnp


class Pair(NamedTuple):
    forward: Callable
    reverse: Callable


MODES = Pair(
    lambda f, x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1],
    lambda f, x: jax.grad(f)(x),
)
forward_derivative = MODES.forward
reverse_derivative = MODES.reverse
""",
    "a table of typing.NamedTuple rules": """
from typing import Callable, NamedTuple
import jax
import jax.numpy as jnp


class Rule(NamedTuple):
    name: str
    derivative: Callable


TABLE = {
    "log": Rule("log", lambda x: 1.0 / x),
    "sin": Rule("sin", jax.grad(jnp.sin)),
}
d_log = TABLE["log"].derivative
""",
    "an enum whose members have a derivative method": """
import enum
import jax
import jax.numpy as jnp


class Elementary(enum.Enum):
    EXP = "exp"
    LOG = "log"

    def derivative(self, x):
        if self is Elementary.EXP:
            return jnp.exp(x)
        return 1.0 / x


def d_log(x):
    return Elementary.LOG.derivative(x)
""",
    "a unittest helper method checking an entry": """
import unittest
import jax
import jax.numpy as jnp


def d_log(x):
    return 1.0 / x


class TestByHand(unittest.TestCase):
    def check(self, mine, f):
        self.assertTrue(jnp.allclose(mine(1.5), jax.grad(f)(1.5)))

    def test_log(self):
        self.check(d_log, jnp.log)


if __name__ == "__main__":
    unittest.main()
""",
    "a test class's own check method": """
import jax
import jax.numpy as jnp


def d_log(x):
    return 1.0 / x


class Tests:
    def check(self, mine, f):
        assert jnp.allclose(mine(1.5), jax.grad(f)(1.5))

    def test_log(self):
        self.check(d_log, jnp.log)


if __name__ == "__main__":
    Tests().test_log()
""",
    "a unittest class checking two entries": """
import unittest
import jax
import jax.numpy as jnp


def df(x):
    return 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2


def dsin(x):
    return jnp.vectorize(jax.grad(jnp.sin))(x)


class TestByHand(unittest.TestCase):
    def check(self, mine, f):
        self.assertTrue(jnp.allclose(mine(1.5), f(1.5)))

    def test_df(self):
        self.check(df, lambda x: jnp.log(x**2) * jnp.sin(x) + 1 / x)


if __name__ == "__main__":
    unittest.main()
""",
    "a callable-object entry handed to a compare helper": """
import jax
import jax.numpy as jnp


class Answer:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args):
        return self.fn(*args)


def compare(mine, f, x=1.7):
    print(mine(x), jax.grad(f)(x))


d_log = Answer(lambda x: 1 / x)
compare(d_log, jnp.log)
""",
    "the same attribute name holding different helpers in two classes": """
import jax
import jax.numpy as jnp


class HandRules:
    def derivative(self, x):
        return 1.0 / x


class AutoRules:
    def derivative(self, f):
        return jax.grad(f)


class HandSolver:
    def __init__(self):
        self.rules = HandRules()

    def d_log(self, x):
        return self.rules.derivative(x)


class AutoSolver:
    def __init__(self):
        self.rules = AutoRules()

    def dsin(self, x):
        return jnp.vectorize(self.rules.derivative(jnp.sin))(x)


hand = HandSolver()
auto = AutoSolver()
d_log = hand.d_log
dsin = auto.dsin
""",
    "two classes each injected with their own helper": """
import jax
import jax.numpy as jnp


class HandRules:
    def derivative(self, x):
        return 1.0 / x


class AutoRules:
    def derivative(self, f):
        return jax.grad(f)


class HandSolver:
    def __init__(self, rules):
        self.rules = rules

    def d_log(self, x):
        return self.rules.derivative(x)


class AutoSolver:
    def __init__(self, rules):
        self.rules = rules

    def dsin(self, x):
        return jnp.vectorize(self.rules.derivative(jnp.sin))(x)


hand = HandSolver(HandRules())
auto = AutoSolver(AutoRules())
d_log = hand.d_log
dsin = auto.dsin
""",
    "a helper injected as a keyword-only argument": """
import jax
import jax.numpy as jnp


class PaperRules:
    def derivative(self, x):
        return 1.0 / x


class ByHand:
    def __init__(self, *, rules):
        self.paper = rules

    def d_log(self, x):
        return self.paper.derivative(x)


by_hand = ByHand(rules=PaperRules())
d_log = by_hand.d_log
""",
    "two methods of one helper attribute": """
import jax
import jax.numpy as jnp


class Engine:
    def forward(self, f, x):
        return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]

    def reverse(self, f, x):
        return jax.grad(f)(x)


class Solver:
    def __init__(self):
        self.engine = Engine()

    def forward_derivative(self, f, x):
        return self.engine.forward(f, x)

    def reverse_derivative(self, f, x):
        return self.engine.reverse(f, x)


s = Solver()
forward_derivative = s.forward_derivative
reverse_derivative = s.reverse_derivative
""",
    "a method read through a nested instance": """
import jax


class LogRule:
    def derivative(self, x):
        return 1.0 / x


class Calculus:
    def __init__(self):
        self.rule = LogRule()

    def d_log(self, x):
        return self.rule.derivative(x)


class Course:
    def __init__(self):
        self.calculus = Calculus()


course = Course()
d_log = course.calculus.d_log
""",
    "a checking helper printing the entry's name": """
import jax
import jax.numpy as jnp


def check(mine, f):
    xs = jnp.array([0.5, 1.0, 2.0])
    err = jnp.max(jnp.abs(mine(xs) - jax.vmap(jax.grad(f))(xs)))
    print(f"{mine.__name__}: max err {err:.2e}")
    return err


def d_log(x):
    return 1 / x


check(d_log, jnp.log)
""",
    "a decorator counting calls by name": """
import jax
import jax.numpy as jnp

CALLS = {}


def counted(fn):
    def inner(*args):
        CALLS[fn.__name__] = CALLS.get(fn.__name__, 0) + 1
        return fn(*args)

    return inner


@counted
def d_log(x):
    return 1.0 / x


@counted
def reverse_derivative(f, x):
    return jax.grad(f)(x)
""",
    "a decorator copying __name__ beside a counter": """
import jax
import jax.numpy as jnp

CALLS = {}


def timed(fn):
    def inner(*args):
        return fn(*args)

    inner.__name__ = fn.__name__
    return inner


def counted(fn):
    def inner(*args):
        CALLS[fn.__name__] = 1
        return fn(*args)

    return inner


@timed
def d_log(x):
    return 1.0 / x


@timed
def forward_derivative(f, x):
    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]
""",
    "a grad slot in two unrelated classes": """
import jax
import jax.numpy as jnp


class Node:
    def __init__(self, value, grad):
        self.value = value
        self.grad = grad


def df(x):
    n = Node(1 / x, -1 / x**2)
    return n.grad


class Param:
    def __init__(self, data):
        self.data = data
        self.grad = None

    def backward(self, f):
        y, pull = jax.vjp(f, self.data)
        self.grad = pull(jnp.ones_like(y))[0]
        return self.grad


def backward(f, x, v=None):
    return Param(x).backward(f)
""",
    "a class method injecting the helper with cls(...)": """
import jax
import jax.numpy as jnp


class HandRules:
    def derivative(self, x):
        return 1.0 / x


class Solver:
    def __init__(self, rules):
        self.rules = rules

    @classmethod
    def by_hand(cls):
        return cls(HandRules())

    def d_log(self, x):
        return self.rules.derivative(x)


d_log = Solver.by_hand().d_log
dsin = jnp.vectorize(jax.grad(jnp.sin))
""",
    "an assert comparing two callable-object entries": """
import jax
import jax.numpy as jnp


class Answer:
    def __init__(self, title, fn):
        self.title = title
        self.fn = fn

    def __call__(self, *args):
        return self.fn(*args)


forward_derivative = Answer("fwd", lambda f, x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1])
reverse_derivative = Answer("rev", lambda f, x: jax.grad(f)(x))
assert jnp.allclose(forward_derivative(jnp.exp, 1.0), reverse_derivative(jnp.exp, 1.0))
""",
}

# red-team round 15: Taylor mode (whose program carries no `jvp` for the evaluator to
# read) and a jaxpr traced again equation by equation (`primitive.bind`: new names) on
# handles the rules cannot follow, or behind a `for` target's store (each with
# ROUND_10_HEADER)
_REPLAY = """
def _replay(closed, x):
    env = dict(zip(closed.jaxpr.invars, [x]))
    for e in closed.jaxpr.eqns:
        ins = [env[v] if v in env else v.val for v in e.invars]
        outs = e.primitive.bind(*ins, **e.params)
        env.update(zip(e.outvars, outs if e.primitive.multiple_results else [outs]))
    return env[closed.jaxpr.outvars[0]]
"""
CHEATS_ROUND_15 = {
    "jet behind a for target": _stores_into_its_box(
        "for _box[0] in [use]:\n    pass",
        "from jax.experimental import jet\n"
        "def _taylor(x): return jet.jet(f, (x,), ((jnp.ones_like(x),),))[1][0]",
        use="_taylor",
    ),
    "jet2 on a handle the rules cannot follow": """
import jax.experimental.jet
_taylor = next(iter([jax.experimental.jet]))
def df(x):
    return _taylor.jet2(f, (x,), ((jnp.ones_like(x),),))[1][0]
""",
    "a grad's jaxpr replayed behind a for target": _stores_into_its_box(
        "for _box[0] in [use]:\n    pass",
        _REPLAY + "def _g(x): return _replay(jax.make_jaxpr(jax.grad(f))(x), x)",
        use="_g",
    ),
    "minimize on a handle the rules cannot follow, replayed": _REPLAY
    + """
import jax.scipy.optimize
_opt = next(iter([jax.scipy.optimize]))
def _slope(s):
    r = _opt.minimize(lambda y: f(y[0]), jnp.reshape(s, (1,)), method="BFGS")
    return r.jac[0]
def df(x):
    return _replay(jax.make_jaxpr(_slope)(x), x)
""",
    # a function's attribute is inert only while nothing reads it back (honest round 8)
    "a function attribute the function reads": """
def df(x):
    return df.impl(x)
df.impl = jnp.vectorize(jax.grad(f))
""",
    "a function attribute read by a folded name": """
import operator
def df(x):
    return operator.attrgetter("im" + "pl")(df)(x)
df.impl = jnp.vectorize(jax.grad(f))
""",
    "a function attribute stored where the entry reads": """
def _hand(x):
    return jnp.cos(x)
_hand.impl = jnp.vectorize(jax.grad(f))
_box = [jnp.cos]
def df(x):
    return _box[0](x)
_box[0] = _hand.impl
""",
    "a function attribute read by a name a loop binds": """
def _hand(x):
    return jnp.cos(x)
_hand.impl = jnp.vectorize(jax.grad(f))
for _name in ["impl"]:
    pass
df = lambda x: getattr(_hand, _name)(x)
""",
    # an answers dict filled by keyed stores is read at its key (honest round 8), while
    # nothing else changes it
    "the same key stored twice": """
ANSWERS = {}
ANSWERS["df"] = lambda x: jnp.cos(x)
ANSWERS["df"] = jnp.vectorize(jax.grad(f))
df = ANSWERS["df"]
""",
    "a key stored through an alias": """
ANSWERS = {}
ANSWERS["df"] = lambda x: jnp.cos(x)
_other = ANSWERS
_other["df"] = jnp.vectorize(jax.grad(f))
df = ANSWERS["df"]
""",
    "a key stored by a function": """
ANSWERS = {}
ANSWERS["df"] = lambda x: jnp.cos(x)
def _fill():
    ANSWERS["df"] = jnp.vectorize(jax.grad(f))
_fill()
df = ANSWERS["df"]
""",
    "a key stored that reads another key": """
ANSWERS = {}
ANSWERS["dsin"] = jnp.vectorize(jax.grad(f))
ANSWERS["df"] = lambda x: ANSWERS["dsin"](x)
df = ANSWERS["df"]
""",
    "a key stored at a folded name": """
ANSWERS = {}
ANSWERS["d" + "f"] = jnp.vectorize(jax.grad(f))
df = ANSWERS["df"]
""",
    # red-team round 16
    "a global swapped through attrgetter": """
import operator
def _d(x):
    return jnp.cos(x)
def df(x):
    return _d(x)
operator.attrgetter("__globals__")(df).update(_d=jnp.vectorize(jax.grad(f)))
""",
    "minimize on a handle the rules cannot follow": """
import jax.scipy.optimize
_opt = next(iter([jax.scipy.optimize]))
def df(x):
    return _opt.minimize(lambda y: f(y[0]), jnp.reshape(x, (1,)), method="BFGS").jac[0]
""",
    "a for target's store": _stores_into_its_box("for _box[0] in [use]:\n    pass"),
    "a with target's store": _stores_into_its_box(
        "with contextlib.nullcontext(use) as _box[0]:\n    pass", "import contextlib"
    ),
    "a comprehension target's store": _stores_into_its_box("[None for _box[0] in [use]]"),
    "a function attribute's code that fills what the entry reads": """
_box = [jnp.cos]
def df(x):
    return _box[0](x)
def _mutator(x):
    _box[0] = jnp.vectorize(jax.grad(f))
    return x
df.hook = _mutator
print(df.hook(1.5))
""",
    "a function attribute's code that rebinds a global the entry reads": """
_impl = jnp.cos
def df(x):
    return _impl(x)
def _mutator(x):
    global _impl
    _impl = jnp.vectorize(jax.grad(f))
    return x
df.hook = _mutator
print(df.hook(1.5))
""",
    "JAX's names reset through the jet module": """
import jax.experimental.jet
_names = next(iter([jax.experimental.jet])).core.source_info_util
def df(x):
    with _names.reset_name_stack():
        return jnp.vectorize(jax.grad(f))(x)
""",
}

# honest round 8: Python 3.12's type statements and generics beside a sanity check
HONEST_ROUND_8 = {
    "type aliases, a generic helper and a generic class": """
import jax
import jax.numpy as jnp

type Vec = jax.Array
type Fn[T] = Callable[[T], T]


def ewise[T](fn: Fn[T], x: T) -> T:
    return jnp.vectorize(fn)(x)


class Rule[T: jax.Array]:
    def __call__(self, x: T) -> T:
        return 1 / x


d_log = Rule()


def df(x: Vec) -> Vec:
    return ewise(lambda t: 2 / t * jnp.sin(t) + jnp.log(t**2) * jnp.cos(t) - 1 / t**2, x)


assert jnp.allclose(df(1.5), jax.grad(lambda t: jnp.log(t**2) * jnp.sin(t) + 1 / t)(1.5))
print(d_log(2.0), jax.grad(jnp.log)(2.0))
""",
    "an answers dict filled by keyed stores, one of them autodiff": """
import jax
import jax.numpy as jnp

answers = {}
answers["d_log"] = lambda x: 1 / x
answers["dsin"] = jnp.vectorize(jax.grad(jnp.sin))
answers["df"] = lambda x: 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2
d_log = answers["d_log"]
dsin = answers["dsin"]
df = answers["df"]
print(d_log(1.5), dsin(1.5), df(1.5))
""",
    "an autodiff reference kept as an attribute, called in a sanity print": """
import jax
import jax.numpy as jnp


def df(x):
    return 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2


df.reference = jax.grad(lambda t: jnp.log(t**2) * jnp.sin(t) + 1 / t)
print(df(1.5), df.reference(1.5))
""",
    "autodiff references kept as attributes of the by-hand functions, printed": """
import jax
import jax.numpy as jnp


def d_log(x):
    return 1 / x


def df(x):
    return 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2


d_log.formula = "1/x"
d_log.reference = jax.grad(jnp.log)
df.formula = "2 sin(x)/x + log(x^2) cos(x) - 1/x^2"
df.reference = jax.grad(lambda t: jnp.log(t**2) * jnp.sin(t) + 1 / t)

for fn in (d_log, df):
    print(fn.__name__, fn.formula, fn(1.5), fn.reference(1.5))
""",
}


CHEAT_HEADER = "import jax\nimport jax.numpy as jnp\n"


def _cheat(case: str) -> str:
    text = CHEATS.get(case) or CHEATS_IN_THE_WORKER[case]
    return CHEAT_HEADER + re.sub(r"\bF\b", F, textwrap.dedent(text).lstrip())


@pytest.mark.parametrize("case", sorted(CHEATS) + sorted(CHEATS_IN_THE_WORKER))
def test_every_aliasing_or_dynamic_cheat_is_caught(case):
    source = _cheat(case)
    check = checks.avoids("df", *AUTODIFF_NAMES)
    passed, message = check.judge([], [Ok(source)], None)
    assert not passed, message
    assert "rules out" in message, message


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_8))
def test_round_8_cheats_break_the_by_hand_rule(case):
    check = no_autodiff("df")
    passed, message = check.judge([], [Ok(textwrap.dedent(CHEATS_ROUND_8[case]))], None)
    assert not passed, message
    assert "rules out" in message, message


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_9))
def test_a_method_handed_a_library_as_self_uses_the_library(case):
    check = no_autodiff("df")
    passed, message = check.judge([], [Ok(textwrap.dedent(CHEATS_ROUND_9[case]))], None)
    assert not passed, message
    assert "`derivative`" in message, message


@pytest.mark.parametrize("case", sorted(OWN_SELVES))
def test_a_method_called_on_the_submissions_own_objects_stays_its_own(case):
    check = no_autodiff("df")
    passed, message = check.judge([], [Ok(textwrap.dedent(OWN_SELVES[case]))], None)
    assert passed, message


@pytest.mark.parametrize("case", sorted(OWN_HELD))
def test_a_method_of_an_object_the_submission_holds_is_its_own(case):
    source = HELD_HEADER + textwrap.dedent(OWN_HELD[case])
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert passed, message


@pytest.mark.parametrize("case", sorted(HELD_CHEATS))
def test_an_attribute_that_may_hold_a_library_object_counts_its_names(case):
    source = HELD_HEADER + textwrap.dedent(HELD_CHEATS[case])
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert not passed, message
    assert "rules out" in message, message


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_9B))
def test_round_9_cheats_break_the_by_hand_rule(case):
    source = ROUND_9B_HEADER + CHEATS_ROUND_9B[case]
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert not passed, message
    assert "rules out" in message, message


# honest round 10: a lambda entry in a checking loop, an item of a table called and shown,
# checker objects, a class of static methods checked by a classmethod, `fn.__wrapped__`
HONEST_ROUND_11 = {
    "a factory that prints its rule beside autodiff's": """
import jax
import jax.numpy as jnp


def make(fn, rule):
    print("check", rule(2.0), jax.grad(fn)(2.0))
    return rule


d_log = make(jnp.log, lambda x: 1 / x)
""",
    "a checking decorator with numpy.testing": """
import jax
import jax.numpy as jnp
import numpy as np


def checked(ref):
    def deco(mine):
        for x in (0.5, 1.5):
            np.testing.assert_allclose(mine(x), jax.grad(ref)(x), rtol=1e-6)
        return mine

    return deco


@checked(jnp.log)
def d_log(x):
    return 1 / x


@checked(jnp.exp)
def d_exp(x):
    return jnp.exp(x)
""",
    "a decorator that writes to stderr and raises with the values": """
import sys

import jax
import jax.numpy as jnp
import numpy as np

np.set_printoptions(precision=4, suppress=True)


def verified(ref, at=(0.5, 1.0, 2.0)):
    def deco(mine):
        for x in at:
            sys.stderr.write(f"{mine.__name__}({x}): {mine(x):.6f}, {jax.grad(ref)(x):.6f}\\n")
            print(f"{jax.grad(ref)(x)=}", file=sys.stderr)
            if abs(mine(x) - jax.grad(ref)(x)) > 1e-6:
                raise ValueError(f"{mine.__name__} is off at {x}: {jax.grad(ref)(x)}")
        sys.stdout.flush()
        return mine

    return deco


@verified(jnp.log)
def d_log(x):
    return 1 / x
""",
    "an enum member's method printed beside autodiff, and a loop over the enum": """
import enum

import jax
import jax.numpy as jnp


class Elementary(enum.Enum):
    EXP = "exp"
    LOG = "log"

    def derivative(self, x):
        return jnp.exp(x) if self is Elementary.EXP else 1 / x


def d_exp(x):
    return Elementary.EXP.derivative(x)


def d_log(x):
    return Elementary.LOG.derivative(x)


print(Elementary.EXP.derivative(1.5), jax.grad(jnp.exp)(1.5))
for e in Elementary:
    print(e.name, e.value, e.derivative(2.0), jax.grad(getattr(jnp, e.value))(2.0))
REFERENCE = {Elementary.EXP: jnp.exp, Elementary.LOG: jnp.log}
for e in Elementary:
    if e is not Elementary.LOG:
        print(f"{e}: {e.derivative(1.5)} vs {jax.grad(REFERENCE[e])(1.5)}")
""",
    "a directory without solutions.py star-importing a file with private helpers": {
        "checks.py": "import jax\nimport jax.numpy as jnp\nfrom hw2 import *\n\n"
        "print(d_log(2.0), jax.grad(jnp.log)(2.0))\n",
        "hw2.py": "import jax\nimport jax.numpy as jnp\n\n\ndef d_log(x):\n    return 1 / x\n\n\n"
        "def _sin_grad(x):\n    return jax.grad(jnp.sin)(x)\n\n\ndsin = jnp.vectorize(_sin_grad)\n",
    },
    "a helper module reloaded to pick up edits": {
        "solutions.py": "import importlib\n\nimport adtools\n\nimportlib.reload(adtools)\n\n"
        "forward_derivative = adtools.forward\nreverse_derivative = adtools.reverse\n",
        "adtools.py": "import jax\nimport jax.numpy as jnp\n\n\ndef forward(f, x):\n"
        "    return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]\n\n\n"
        "def reverse(f, x):\n    return jax.grad(f)(x)\n",
    },
    "a directory without solutions.py whose later file redefines an entry": {
        "hw2_v1.py": "import jax\nimport jax.numpy as jnp\n\n\nd_log = jax.grad(jnp.log)\n",
        "hw2_v2.py": "def d_log(x):\n    return 1 / x\n",
    },
    "a package folder whose __init__ star-imports its parts relatively": {
        "__init__.py": "from .part1 import *\nfrom .part2 import *\n",
        "part1.py": "def d_log(x):\n    return 1 / x\n",
        "part2.py": "import jax\nimport jax.numpy as jnp\nimport gradkit as gk\n\n\n"
        "def grad_2xtx(x):\n    return jax.grad(lambda t: 2.0 * jnp.dot(t, t))(x)\n\n\n"
        "def _book(a):\n    b = gk.while_loop(lambda b: jnp.linalg.norm(b) < 1000, "
        "lambda b: 2 * b, 2 * a, max_steps=80)\n"
        "    return jnp.where(jnp.sum(b) > 0, b, 100 * b)\n\n\n"
        "fun_jacobian = jax.jit(jax.jacrev(_book))\n",
    },
    "a factory whose branches define the function it returns, called with a mode": """
import jax
import jax.numpy as jnp


def make_autodiff(mode):
    if mode == "forward":

        def derive(f, x):
            return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]

    elif mode == "reverse":

        def derive(f, x):
            return jax.grad(f)(x)

    else:
        raise ValueError(mode)
    return derive


forward_derivative = make_autodiff("forward")
reverse_derivative = make_autodiff("reverse")
""",
    "a factory whose function tests the factory's mode": """
import jax
import jax.numpy as jnp


def make_autodiff(mode):
    def derive(f, x):
        if mode == "forward":
            return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]
        return jax.grad(f)(x)

    return derive


forward_derivative = make_autodiff("forward")
reverse_derivative = make_autodiff("reverse")
""",
    "a helper for both modes made into entries by partial": """
from functools import partial

import jax
import jax.numpy as jnp


def _derive(f, x, *, mode):
    if mode == "fwd":
        return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]
    elif mode == "rev":
        return jax.grad(f)(x)
    raise ValueError(mode)


forward_derivative = partial(_derive, mode="fwd")
reverse_derivative = partial(_derive, mode="rev")
print(forward_derivative(jnp.sin, 1.0), reverse_derivative(jnp.sin, 1.0))
""",
    "an assert message with the reference": """
import jax
import jax.numpy as jnp


def rule(ref):
    def deco(mine):
        assert jnp.allclose(mine(1.5), jax.grad(ref)(1.5)), f"expected {jax.grad(ref)(1.5)}"
        return mine

    return deco


@rule(jnp.exp)
def d_exp(x):
    return jnp.exp(x)
""",
}

HONEST_ROUND_10 = {
    "a lambda entry that calls a helper, in a loop printing autodiff": """
import jax
import jax.numpy as jnp


def sq(t):
    return t * t


df = lambda x: 2 / x * jnp.sin(x) + jnp.log(sq(x)) * jnp.cos(x) - 1 / sq(x)

for mine, ref in [(df, lambda t: jnp.log(t**2) * jnp.sin(t) + 1 / t)]:
    print(mine(1.3), jax.grad(ref)(1.3))
""",
    "an item of a table called and shown beside autodiff, in a loop": """
import jax
import jax.numpy as jnp

D = {"log": lambda x: 1 / x, "exp": lambda x: jnp.exp(x)}


def deriv(name):
    return D[name]


def d_log(x):
    return deriv("log")(x)


print(deriv("log")(0.7), jax.grad(jnp.log)(0.7))
for k, f in [("exp", jnp.exp), ("log", jnp.log)]:
    print(k, float(deriv(k)(0.7)), float(jax.grad(f)(0.7)))
""",
    "checker objects: a callable and a method": """
import jax
import jax.numpy as jnp


def d_log(x):
    return 1 / x


class Check:
    def __call__(self, mine, ref, x):
        print(mine(x), jax.grad(ref)(x))


class _Check:
    def __init__(self, name):
        self.name = name

    def run(self, mine, ref, x):
        print(self.name, float(mine(x)), float(jax.grad(ref)(x)))


Check()(d_log, jnp.log, 2.0)
_Check("log").run(d_log, jnp.log, 2.0)
""",
    "a class of static methods checked by a classmethod at import": """
import jax
import jax.numpy as jnp


class Solutions:
    X = 1.7
    BOOK_X = jnp.arange(4.0)

    @staticmethod
    def d_log(x):
        return 1.0 / x

    @staticmethod
    def df(x):
        s = Solutions.d_log(x)
        return 2.0 * s * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - s**2

    @staticmethod
    def grad_2xtx(x):
        return jax.grad(lambda t: 2 * jnp.dot(t, t))(x)

    @classmethod
    def check(cls):
        for mine, f in [(cls.d_log, jnp.log)]:
            print(mine(1.7), jax.grad(f)(1.7))
        print(cls.d_log(cls.X), cls.grad_2xtx(cls.BOOK_X))


d_log = Solutions.d_log
df = Solutions.df
grad_2xtx = Solutions.grad_2xtx
Solutions.check()
""",
    "a config dict an entry reads, its points looped over to print autodiff": """
import jax
import jax.numpy as jnp

CONFIG = {"verbose": False, "points": [0.5, 1.0]}


def d_log(x):
    if CONFIG["verbose"]:
        print("d_log", x)
    return 1 / x


for p in CONFIG["points"]:
    print(d_log(p), jax.grad(jnp.log)(p))
""",
    "a functools.wraps logger, and the wrapped function called": """
import functools

import jax
import jax.numpy as jnp


def logged(fn):
    calls = 0

    @functools.wraps(fn)
    def wrapper(*args):
        nonlocal calls
        calls += 1
        return fn(*args)

    return wrapper


@logged
def d_log(x):
    return 1 / x


@logged
def reverse_derivative(f, x):
    return jax.grad(f)(x)


dsin = jnp.vectorize(jax.grad(jnp.sin))
print(d_log(2.0), reverse_derivative(jnp.log, 2.0), d_log.__wrapped__(4.0))
""",
}


# honest round 9: tables made by `dict(zip(...))` or `map(...)`, and self-checks against
# autodiff inside a decorator, a factory or an `__init__`
HONEST_ROUND_9 = {
    "an answers table made by dict(zip(...)), printed in a loop": """
import jax
import jax.numpy as jnp

NAMES = ["d_log", "dsin", "df"]
FUNCS = [
    lambda x: 1 / x,
    jnp.vectorize(jax.grad(jnp.sin)),
    lambda x: 2 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1 / x**2,
]
ANSWERS = dict(zip(NAMES, FUNCS))
d_log = ANSWERS["d_log"]
dsin = ANSWERS["dsin"]
df = ANSWERS["df"]
for k in NAMES:
    print(k, ANSWERS[k](1.5))
""",
    "an answers table made by dict(name=...)": """
import jax
import jax.numpy as jnp

ANSWERS = dict(d_log=lambda x: 1 / x, dsin=jnp.vectorize(jax.grad(jnp.sin)))
d_log, dsin = ANSWERS["d_log"], ANSWERS["dsin"]
""",
    "entries unpacked from map(jnp.vectorize, [...])": """
import jax
import jax.numpy as jnp

d_exp, d_log, dsin = map(
    jnp.vectorize, [lambda x: jnp.exp(x), lambda x: 1.0 / x, jax.grad(jnp.sin)]
)
""",
    "a decorator asserting against jax.grad": """
import jax
import jax.numpy as jnp


def checked_against(f):
    def deco(mine):
        for x in (0.5, 1.0, 2.0):
            assert jnp.allclose(mine(x), jax.grad(f)(x)), f"{mine.__name__} is wrong at {x}"
        return mine

    return deco


@checked_against(jnp.log)
def d_log(x):
    return 1 / x


@checked_against(jnp.exp)
def d_exp(x):
    return jnp.exp(x)
""",
    "an __init__ asserting against jax.grad": """
import jax
import jax.numpy as jnp


class Hand:
    def __init__(self, tol=1e-6):
        self.tol = tol
        assert jnp.allclose(self.d_log(2.0), jax.grad(jnp.log)(2.0)), "d_log"
        assert abs(float(self.d_exp(1.0)) - float(jax.grad(jnp.exp)(1.0))) < 1e-6
        print(f"d_exp(1) = {self.d_exp(1.0):.4f}")

    def d_log(self, x):
        return 1 / x

    def d_exp(self, x):
        return jnp.exp(x)


hand = Hand()
d_log = hand.d_log
d_exp = hand.d_exp
""",
    "an __init__ with a default point, checking against lambdas": """
import jax
import jax.numpy as jnp


class HandDerivatives:
    def __init__(self, x=1.3):
        assert jnp.allclose(self.d_exp(x), jax.grad(jnp.exp)(x))
        assert jnp.allclose(self.d_power(3.0, x), jax.grad(lambda t: t**3.0)(x))

    def d_power(self, n, x):
        return n * x ** (n - 1)

    def d_exp(self, x):
        return jnp.exp(x)


def make_grad_f():
    def grad_f(x):
        return jnp.stack([6 * x[0], 5 * jnp.exp(x[1])])

    v = jnp.array([0.3, -0.2])
    assert jnp.allclose(grad_f(v), jax.grad(lambda u: 3 * u[0] ** 2 + 5 * jnp.exp(u[1]))(v))
    return grad_f


hand = HandDerivatives()
d_power, d_exp = hand.d_power, hand.d_exp
grad_f = make_grad_f()
""",
    "one helper for both modes, chosen by a constant string or flag": """
import jax
import jax.numpy as jnp


def derivative(f, x, mode="reverse"):
    if mode == "forward":
        return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]
    elif mode in ("reverse", "rev"):
        return jax.grad(f)(x)
    else:
        raise ValueError(f"unknown mode {mode!r}")


def forward_derivative(f, x):
    return derivative(f, x, mode="forward")


def reverse_derivative(f, x):
    return derivative(f, x)


def _slope(f, x, forward=True):
    if not forward:
        return jax.grad(f)(x)
    return jax.jvp(f, (x,), (1.0,))[1]


def tangent_line(f, x0):
    s = _slope(f, x0, False)
    return s, f(x0) - s * x0
""",
    "one helper for both modes, chosen by an Enum member": """
from enum import Enum, auto

import jax
import jax.numpy as jnp


class Mode(Enum):
    FORWARD = auto()
    REVERSE = auto()


def differentiate(f, x, mode: Mode = Mode.REVERSE):
    if mode is Mode.FORWARD:
        return jax.jvp(f, (x,), (jnp.ones_like(x),))[1]
    elif mode is Mode.REVERSE:
        return jax.grad(f)(x)
    raise ValueError(mode)


def forward_derivative(f, x):
    return differentiate(f, x, Mode.FORWARD)


def reverse_derivative(f, x):
    return differentiate(f, x, Mode.REVERSE)


def dsin(x):
    return jnp.vectorize(lambda t: differentiate(jnp.sin, t))(x)
""",
    "notebook cells shown after an entry a helper made (the `_` history)": """
_ = __ = ___ = _gk_h0 = _gk_h1 = _gk_h2 = ''; Out = _oh = _gk_Out = {}
# %% code cell 1
import jax, jax.numpy as jnp
def elementwise(fn):
    return jnp.vectorize(fn)

# %% code cell 2
d_log = elementwise(lambda x: 1 / x)

# %% code cell 3
_gk_shown = d_log(2.0)
if _gk_shown is not None: _gk_up = _ is _gk_h0 and __ is _gk_h1 and ___ is _gk_h2; _gk_h2, _gk_h1, _gk_h0 = _gk_h1, _gk_h0, _gk_shown; _gk_Out[3] = _3 = _gk_shown
if _gk_shown is not None and _gk_up: ___, __, _ = _gk_h2, _gk_h1, _gk_h0

# %% code cell 4
_gk_shown = jax.grad(jnp.log)(2.0)
if _gk_shown is not None: _gk_up = _ is _gk_h0 and __ is _gk_h1 and ___ is _gk_h2; _gk_h2, _gk_h1, _gk_h0 = _gk_h1, _gk_h0, _gk_shown; _gk_Out[4] = _4 = _gk_shown
if _gk_shown is not None and _gk_up: ___, __, _ = _gk_h2, _gk_h1, _gk_h0

# %% code cell 5
assert jnp.allclose(_, __)
""",  # noqa: E501 - the grader writes these lines
    "a factory checking its function before returning it": """
import jax
import jax.numpy as jnp
import math


def make_d_log():
    def d(x):
        return 1.0 / x

    xs = jnp.linspace(0.5, 3.0, 7)
    if not jnp.allclose(d(xs), jax.vmap(jax.grad(jnp.log))(xs)):
        raise ValueError("d_log does not match autodiff")
    assert all(math.isclose(d(x), jax.grad(jnp.log)(x), rel_tol=1e-6) for x in (1.0, 2.0))
    assert (jnp.abs(d(xs) - jax.vmap(jax.grad(jnp.log))(xs)).max() < 1e-6).item()
    print("d_log ok:", d(2.0))
    return d


d_log = make_d_log()
""",
}


# against round 9's fixes: a table whose items changed, a map of code of the submission's,
# and checks whose autodiff values reach the submission's code, a message, an output or
# an array it reads back (the value at fixed points, or on a grid to interpolate)
_GRID = "jnp.linspace(0.1, 10.0, 1000)"
CHEATS_ROUND_17 = {
    "dict(zip) of a list changed first": """
FUNCS = [lambda x: jnp.cos(x), jnp.vectorize(jax.grad(f))]
FUNCS.reverse()
A = dict(zip(["df", "other"], FUNCS))
df = A["df"]
""",
    "dict(zip) of a list stored into by a for target": """
FUNCS = [lambda x: jnp.cos(x)]
for FUNCS[0] in [jnp.vectorize(jax.grad(f))]:
    pass
A = dict(zip(["df"], FUNCS))
df = A["df"]
""",
    "dict(zip) whose names were reordered": """
NAMES = ["other", "df"]
NAMES.sort()
A = dict(zip(NAMES, [lambda x: jnp.cos(x), jnp.vectorize(jax.grad(f))]))
df = A["df"]
""",
    "dict(zip) with the key twice": """
A = dict(zip(["df", "df"], [lambda x: jnp.cos(x), jnp.vectorize(jax.grad(f))]))
df = A["df"]
""",
    "map of a function of its own that keeps the items": """
KEPT = []
def keep(fn):
    KEPT.append(fn)
    return lambda x: KEPT[-1](x)
df, other = map(keep, [lambda x: jnp.cos(x), jnp.vectorize(jax.grad(f))])
""",
    "a check handing the value to a dunder of its own": """
BOX = []
class Spy:
    def __eq__(self, other):
        BOX.append(other)
        return True
def mine(x):
    return Spy()
def make():
    assert mine(1.5) == jax.vmap(jax.grad(jnp.log))(@GRID@)
    return lambda x: jnp.interp(x, @GRID@, BOX[0])
df = make()
""",
    "a check handing the value to a function of its own": """
TABLE = {}
def keep(v):
    TABLE["g"] = v
    return True
def make():
    assert keep(jax.vmap(jax.grad(jnp.log))(@GRID@))
    return lambda x: jnp.interp(x, @GRID@, TABLE["g"])
df = make()
""",
    "a check printing into a file object": """
SINK = []
def make():
    print(jax.vmap(jax.grad(jnp.log))(@GRID@), file=SINK)
    return lambda x: SINK[0]
df = make()
""",
    "a format spec computed from the value": """
class Spy:
    def __format__(self, spec):
        Spy.v = float(spec)
        return ""
def make():
    print(f"{Spy():{jax.grad(jnp.log)(1.5)}}")
    return lambda x: Spy.v
df = make()
""",
    "a custom_jvp rule of its own seeing autodiff's tangents": """
STASH = []
@jax.custom_jvp
def own(y):
    return y
@own.defjvp
def _rule(p, t):
    STASH.append(t[0])
    return p[0], t[0]
def composite(x):
    return own(jnp.log(x))
def make():
    assert jnp.all(jax.jvp(jax.vmap(composite), (@GRID@,), (jnp.ones(1000),))[1] > 0)
    return lambda x: jnp.interp(x, @GRID@, STASH[0])
df = make()
""",
    "a decorator's check differentiating a function of its own": """
STASH = []
def spy(x):
    STASH.append(x)
    return jnp.log(x)
def checker(g):
    def deco(mine):
        assert jnp.allclose(mine(1.5), jax.grad(g)(1.5))
        return mine
    return deco
@checker(spy)
def df(x):
    return jnp.vectorize(jax.grad(f))(x)
""",
    "the checked autodiff function returned": """
def make():
    d = jnp.vectorize(jax.grad(f))
    assert jnp.allclose(d(1.5), 0.0) or True
    return d
df = make()
""",
    "numpy writing the value into an array": """
import numpy as np
def make():
    out = np.zeros(1000)
    np.add(out, jax.vmap(jax.grad(jnp.log))(@GRID@), out=out)
    np.multiply(jax.vmap(jax.grad(jnp.log))(@GRID@), 1.0, out)
    return lambda x: jnp.interp(x, @GRID@, out)
df = make()
""",
    "a callback copying the value": """
import numpy as np
def make():
    out = np.zeros(1000)
    jax.debug.callback(np.copyto, out, jax.vmap(jax.grad(jnp.log))(@GRID@))
    return lambda x: jnp.interp(x, @GRID@, out)
df = make()
""",
    "an assert message carrying the value": """
def _harvest():
    assert False, jax.vmap(jax.grad(jnp.log))(@GRID@)
try:
    _harvest()
except AssertionError as e:
    T = e.args[0]
def df(x): return jnp.interp(x, @GRID@, T)
""",
    "a check differentiating a lambda that keeps what it is given": """
KEPT = []
def keep(t):
    KEPT.append(t)
    return jnp.log(t)
def make():
    assert jnp.allclose(jax.grad(lambda t: keep(t))(1.5), 0.0) or True
    return lambda x: KEPT[0]
df = make()
""",
    "a check differentiating a lambda that calls back with the tangent": """
import numpy as np
def make():
    out = np.zeros(1000)
    assert jax.jvp(
        lambda t: jax.debug.callback(np.copyto, out, t) or jnp.log(t), (@GRID@,), (jnp.ones(1000),)
    )
    return lambda x: jnp.interp(x, @GRID@, out)
df = make()
""",
    "a table written to a file at import and read back": """
import numpy as np
np.asarray(jax.vmap(jax.grad(f))(@GRID@)).tofile("t.bin")
def df(x): return jnp.interp(x, @GRID@, np.fromfile("t.bin"))
""",
    "a table pickled by a function called at import": """
import pickle
def _save():
    with open("t.pkl", "wb") as fh:
        pickle.dump(jax.vmap(jax.grad(f))(@GRID@), fh)
_save()
def df(x):
    with open("t.pkl", "rb") as fh:
        return jnp.interp(x, @GRID@, pickle.load(fh))
""",
    "a table written as text by pathlib": """
import pathlib
pathlib.Path("t.txt").write_text(" ".join(map(str, jax.vmap(jax.grad(f))(@GRID@).tolist())))
def df(x):
    table = [float(v) for v in pathlib.Path("t.txt").read_text().split()]
    return jnp.interp(x, @GRID@, jnp.array(table))
""",
    "np.vectorize's pyfunc replaced": """
import numpy as np
def elementwise(fn):
    return np.vectorize(fn)
df = elementwise(lambda x: jnp.cos(x))
df.pyfunc = jax.grad(f)
""",
    "custom_jvp's function replaced": """
def elementwise(fn):
    return jax.custom_jvp(fn)
df = elementwise(lambda x: jnp.cos(x))
df.fun = jnp.vectorize(jax.grad(f))
""",
    "an exception made from the value as a string": """
def _harvest():
    assert float(str(jax.grad(jnp.log)(1.5)) + "x")
try:
    _harvest()
except ValueError as e:
    T = float(str(e).split("'")[1][:-1])
def df(x): return T
""",
}
CHEATS_ROUND_17 = {k: v.replace("@GRID@", _GRID) for k, v in CHEATS_ROUND_17.items()}


# a mode chosen by a constant the branch test does not decide as it reads
_MODE_HEAD = "import jax\nfrom enum import Enum, StrEnum\n"
_MODE_BRANCHES = """
    if mode == "fwd":
        return jax.jvp(f, (x,), (1.0,))[1]
    return jax.grad(f)(x)
"""
CHEATS_MODE_FLAGS = {
    "two members of one value": """
class Mode(Enum):
    HAND = 1
    AUTO = 1
def impl(f, x, mode):
    if mode is Mode.AUTO:
        return jax.grad(f)(x)
    return 0.0
def forward_derivative(f, x):
    return impl(f, x, Mode.HAND)
""",
    "the defaults replaced": "def _s(f, x, mode='fwd'):"
    + _MODE_BRANCHES
    + "setattr(_s, '__defaults__', ('rev',))\ndef forward_derivative(f, x): return _s(f, x)\n",
    "the mode rebound": "def _s(f, x, mode):\n    mode = mode.upper()"
    + _MODE_BRANCHES
    + "def forward_derivative(f, x): return _s(f, x, 'fwd')\n",
    "the mode rebound by a nested function": "def _s(f, x, mode):\n"
    "    def inner():\n        nonlocal mode\n        mode = 'rev'\n    inner()"
    + _MODE_BRANCHES
    + "def forward_derivative(f, x): return _s(f, x, 'fwd')\n",
    "a string enum compared with a string": "class Mode(StrEnum):\n    FWD = 'fwd'\n"
    "def _s(f, x, mode):"
    + _MODE_BRANCHES
    + "def forward_derivative(f, x): return _s(f, x, Mode.FWD)\n",
    "the name of the constant bound twice": "FWD = 'fwd'\ndef _s(f, x, mode):"
    + _MODE_BRANCHES.replace('"fwd"', "FWD")
    + "FWD = 'rev'\ndef forward_derivative(f, x): return _s(f, x, 'fwd')\n",
    "a positional-only mode given by keyword into **options": "def _s(f, x, mode='rev', /, **kw):"
    + _MODE_BRANCHES
    + "def forward_derivative(f, x): return _s(f, x, mode='fwd')\n",
    "auto() and a literal of one value": "from enum import auto\n"
    "class Mode(Enum):\n    REV = auto()\n    FWD = 1\n"
    "def _s(f, x, mode):\n    if mode is Mode.FWD:\n        return jax.jvp(f, (x,), (1.0,))[1]\n"
    "    return jax.grad(f)(x)\n"
    "def forward_derivative(f, x): return _s(f, x, Mode.REV)\n",
    "__eq__ patched on the enum": "class Mode(Enum):\n    FWD = 1\n    REV = 2\n"
    "Mode.__eq__ = lambda a, b: a is not b\n"
    "def _s(f, x, mode):\n    if mode == Mode.FWD:\n        return jax.jvp(f, (x,), (1.0,))[1]\n"
    "    return jax.grad(f)(x)\n"
    "def forward_derivative(f, x): return _s(f, x, Mode.FWD)\n",
    "enum.Enum swapped for IntEnum": "import enum\n_e = enum.Enum\nenum.Enum = enum.IntEnum\n"
    "class Mode(enum.Enum):\n    FWD = 1\n    REV = 2\nenum.Enum = _e\n"
    "def _s(f, x, mode):\n    if mode == 1:\n        return jax.grad(f)(x)\n"
    "    return jax.jvp(f, (x,), (1.0,))[1]\n"
    "def forward_derivative(f, x): return _s(f, x, Mode.FWD)\n",
    "the enum's name bound again": "from enum import IntEnum\n"
    "class Mode(Enum):\n    FWD = 1\n    REV = 2\nMode = IntEnum('Mode', 'FWD REV')\n"
    "def _s(f, x, mode):\n    if mode == 1:\n        return jax.grad(f)(x)\n"
    "    return jax.jvp(f, (x,), (1.0,))[1]\n"
    "def forward_derivative(f, x): return _s(f, x, Mode.FWD)\n",
    "the constant's name deleted for a builtin": "import builtins\nbuiltins.MODE = 'rev'\n"
    "MODE = 'fwd'\ndef _s(f, x, mode):"
    + _MODE_BRANCHES
    + "def forward_derivative(f, x): return _s(f, x, MODE)\ndel MODE\n",
    "a constant of another type": "def _s(f, x, mode):"
    + _MODE_BRANCHES
    + "def forward_derivative(f, x): return _s(f, x, 1)\n",
}


@pytest.mark.parametrize("case", sorted(CHEATS_MODE_FLAGS))
def test_a_mode_the_rules_cannot_decide_reaches_both_branches(case):
    found = usage(_MODE_HEAD + CHEATS_MODE_FLAGS[case], "forward_derivative")
    assert "grad" in found.names


# round 18: round 17's fixes red-teamed, and holes older than them
_TABLE = "jax.vmap(jax.grad(f))(jnp.linspace(0.1, 10.0, 1000))"
_INTERP = "jnp.interp(x, jnp.linspace(0.1, 10.0, 1000), {})"
CHEATS_ROUND_18 = {
    "a check mapping a parameter's item over autodiff's values": f"""
KEPT = []
def probe(hooks):
    assert jax.tree_util.tree_map(hooks[0], {_TABLE}) is not None
probe([KEPT.append])
def df(x): return {_INTERP.format("KEPT[0]")}
""",
    "a check whose is_leaf is a parameter": f"""
KEPT = []
def probe(hook):
    assert jax.tree_util.tree_map(jnp.abs, {_TABLE}, is_leaf=hook) is not None
probe(lambda v: KEPT.append(v) or True)
def df(x): return {_INTERP.format("KEPT[0]")}
""",
    "a check sorting with a parameter as the key": f"""
KEPT = []
def probe(hook):
    assert sorted([{_TABLE}], key=hook)
probe(lambda v: KEPT.append(v) or 0)
def df(x): return {_INTERP.format("KEPT[0]")}
""",
    "a decorator's check comparing with a class made by type()": f"""
KEPT = []
Spy = type("Spy", (), {{"__eq__": lambda self, other: KEPT.append(other) is None}})
def checked(g):
    def deco(mine):
        assert mine(1.0) == {_TABLE}
        return mine
    return deco
@checked(jnp.log)
def spy(x):
    return Spy()
def df(x): return {_INTERP.format("KEPT[0]")}
""",
    "a comprehension filling the items of a list": """
BOXES = [[jnp.cos]]
[b.insert(0, jnp.vectorize(jax.grad(f))) for b in BOXES]
def df(x): return BOXES[0][0](x)
""",
    "a for loop whose target is an attribute": """
import types
ns = types.SimpleNamespace()
BOXES = [[jnp.cos]]
for ns.b in BOXES:
    ns.b.insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return BOXES[0][0](x)
""",
    "a generator filling dict(zip)'s list": """
FUNCS = [[jnp.cos]]
any(b.insert(0, jnp.vectorize(jax.grad(f))) for b in FUNCS)
A = dict(zip(["df"], FUNCS))
def df(x): return A["df"][0](x)
""",
    "a module-level comparison handing the value to __eq__": """
class Spy:
    def __eq__(self, other):
        Spy.stash = other
        return True
Spy() == jnp.vectorize(jax.grad(f))
def df(x): return Spy.stash(x)
""",
    "a sort key filling the items": """
FUNCS = [[jnp.cos]]
sorted(FUNCS, key=lambda b: b.insert(0, jnp.vectorize(jax.grad(f))) or 0)
def df(x): return FUNCS[0][0](x)
""",
    "an in test handing the items to __eq__": """
class Grab:
    def __eq__(self, other):
        other.insert(0, jnp.vectorize(jax.grad(f)))
        return False
BOXES = [[jnp.cos]]
Grab() in BOXES
def df(x): return BOXES[0][0](x)
""",
    "a custom_jvp rule keeping autodiff's tangents": f"""
STASH = []
@jax.custom_jvp
def own(y):
    return y
@own.defjvp
def _rule(p, t):
    STASH.append(t[0])
    return p[0], t[0]
G = jnp.linspace(0.1, 10.0, 1000)
jax.jvp(jax.vmap(lambda x: own(jax.grad(f)(x))), (G,), (jnp.ones(1000),))
def df(x): return {_INTERP.format("STASH[0]")}
""",
    "a decorator swapping the function a checker differentiates": """
STASH = []
@jax.custom_jvp
def own(y):
    return y
@own.defjvp
def _rule(p, t):
    STASH.append(t[0])
    return p[0], t[0]
def swap(fn):
    return lambda ref: fn(lambda x: own(f(x)))
@swap
def checker(ref):
    assert jax.jvp(ref, (jnp.array([1.3]),), (jnp.ones(1),)) is not None
checker(jnp.log)
def df(x): return STASH[0][0]
""",
    "an enum member's value replaced through a loop": """
from enum import Enum
class Mode(Enum):
    HAND = 1
for m in Mode:
    m._value_ = jnp.vectorize(jax.grad(f))
def df(x): return Mode.HAND.value(x)
""",
    "a loop item handed to a function that fills it": """
CONFIG = {"impl": [[jnp.cos]]}
def keep(box):
    box.insert(0, jnp.vectorize(jax.grad(f)))
    return box
for p in CONFIG["impl"]:
    print(keep(p))
def df(x): return CONFIG["impl"][0][0](x)
""",
    "a loop item a function keeps": """
CONFIG = {"impl": [[jnp.cos]]}
KEPT = []
def keep(box):
    KEPT.append(box)
    return 0
for p in CONFIG["impl"]:
    print(keep(p))
KEPT[0].insert(0, jnp.vectorize(jax.grad(f)))
def df(x): return CONFIG["impl"][0][0](x)
""",
    "a file read by io.FileIO": """
import io, numpy as np
np.save("t.npy", np.asarray(jax.vmap(jax.grad(f))(jnp.linspace(0.1, 10.0, 1000))))
def df(x):
    raw = io.FileIO("t.npy").read()
    return jnp.interp(x, jnp.linspace(0.1, 10.0, 1000), np.frombuffer(raw[128:]))
""",
    "a file read by os.popen": """
import os, numpy as np
np.savetxt("t.txt", np.asarray(jax.vmap(jax.grad(f))(jnp.linspace(0.1, 10.0, 1000))))
def df(x):
    table = [float(v) for v in os.popen("cat t.txt").read().split()]
    return jnp.interp(x, jnp.linspace(0.1, 10.0, 1000), jnp.array(table))
""",
    "a file written by map(Path.write_text, ...)": """
import fileinput, pathlib
T = " ".join(map(str, jax.vmap(jax.grad(f))(jnp.linspace(0.1, 10.0, 1000)).tolist()))
list(map(pathlib.Path.write_text, [pathlib.Path("t.txt")], [T]))
def df(x):
    table = [float(v) for line in fileinput.input("t.txt") for v in line.split()]
    return jnp.interp(x, jnp.linspace(0.1, 10.0, 1000), jnp.array(table))
""",
    "a file written by methodcaller": """
import operator, pathlib, linecache
T = " ".join(map(str, jax.vmap(jax.grad(f))(jnp.linspace(0.1, 10.0, 1000)).tolist()))
operator.methodcaller("write_text", T)(pathlib.Path("t.txt"))
def df(x):
    table = [float(v) for v in linecache.getline("t.txt", 1).split()]
    return jnp.interp(x, jnp.linspace(0.1, 10.0, 1000), jnp.array(table))
""",
}


# round 19: round 10's honest fixes red-teamed (a transform handed to code that keeps it,
# a parameter stored in a test, a checker made with what it hands on, a list a class holds,
# `update_wrapper` in a loop)
_KEEPING = """
def _impl(x, _memo={}):
    if callable(x):
        _memo["g"] = jnp.vectorize(x(f))
        return 0.0
    return _memo["g"](x)
"""
CHEATS_ROUND_19 = {
    "a transform handed to a helper that keeps it": _KEEPING
    + "def df(x):\n    return _impl(x)\nprint(df(jax.grad))\n",
    "a transform handed to a lambda entry's helper": _KEEPING
    + "df = lambda x: _impl(x)\nprint(df(jax.grad))\n",
    "a transform handed to an item a helper returns": _KEEPING
    + "D = {'f': _impl}\ndef deriv(name):\n    return D[name]\n"
    "def df(x):\n    return deriv('f')(x)\nprint(deriv('f')(jax.grad))\n",
    "a transform handed to the function a decorator wraps": """
import functools
def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return fn(*args)
    return wrapper
@logged
def df(x, _memo={}):
    if callable(x):
        _memo["g"] = jnp.vectorize(x(f))
        return 0.0
    return _memo["g"](x)
print(df.__wrapped__(jax.grad))
""",
    "a parameter stored in an if test, the entry handed to a checker": """
BOX = [jnp.cos]
def df(x):
    if callable(x) and BOX.insert(0, x) is None:
        return 0.0
    return BOX[0](x)
def check(mine, ref):
    print(mine(ref))
check(df, jnp.vectorize(jax.grad(f)))
""",
    "a checker made with what it hands on": """
BOX = [jnp.cos]
def df(x):
    if callable(x) and BOX.insert(0, x) is None:
        return 0.0
    return BOX[0](x)
class Check:
    def __init__(self, ref):
        self.ref = ref
    def run(self, mine):
        print(mine(self.ref))
Check(jnp.vectorize(jax.grad(f))).run(df)
""",
    "a list a class holds as a constant": """
class K:
    IMPL = jnp.split(jnp.zeros(2), 2)
    @classmethod
    def fill(cls):
        keep(cls.IMPL, jnp.vectorize(jax.grad(f)))
def keep(box, g):
    box.insert(0, g)
K.fill()
def df(x): return K.IMPL[0](x)
""",
    "update_wrapper in a loop": """
import functools
def _base(x): return 0.0
for h in [_base]:
    functools.update_wrapper(h, jnp.vectorize(jax.grad(f)))
def df(x): return _base.__wrapped__(x)
""",
}


# a self-check shows autodiff's value where the submission reads it back
_SHOWN = "def make(fn, rule):\n    print(jax.grad(fn)(2.0))\n    return rule\n"
_RAISED = "def make(fn, rule):\n    assert False, jax.grad(fn)(2.0)\n    return rule\n"
_PARTIAL = """import functools
def _impl(x, mode):
    if mode == "hand":
        return 2 / x * jnp.sin(x)
    return jnp.vectorize(jax.grad(f))(x)
df = functools.partial(_impl, mode="hand")
"""
CHEATS_ROUND_20 = {
    "stdout redirected into a buffer": """
import contextlib, io
T = {}
def make(fn, rule):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        print(jax.grad(fn)(2.0))
    T["g"] = float(buf.getvalue())
    return rule
df = make(jnp.log, lambda x: T["g"] * x)
""",
    "print into an object of the submission's": """
T = []
class Sink:
    def write(self, s): T.append(s)
    def flush(self): pass
def make(fn, rule):
    print(jax.grad(fn)(2.0), file=Sink())
    return rule
df = make(jnp.log, lambda x: float(T[0]) * x)
""",
    "sys.stdout replaced": """
import sys
T = []
class Sink:
    def write(self, s): T.append(s)
    def flush(self): pass
"""
    + _SHOWN
    + """
old, sys.stdout = sys.stdout, Sink()
df = make(jnp.log, lambda x: float(T[0]) * x)
sys.stdout = old
""",
    "sys.stdout set by name": """
import sys
T = []
class Sink:
    def write(self, s): T.append(s)
"""
    + _SHOWN
    + """
setattr(sys, "stdout", Sink())
df = make(jnp.log, lambda x: float(T[0]) * x)
""",
    "a format string that looks up the capture": """
import sys
"""
    + _SHOWN
    + """
def df(x):
    make(jnp.log, None)
    return float("{0.stdout.text}".format(sys).split()[-1]) * x
""",
    "numpy's formatter keeps what is printed": """
import numpy as np
T = []
def spy(v):
    T.append(float(v))
    return str(v)
np.set_printoptions(formatter={"float": spy})
"""
    + _SHOWN
    + "df = make(jnp.log, lambda x: T[0] * x)\n",
    "numpy's print options handed a formatter positionally": """
import numpy as np
T = []
np.set_printoptions(8, 1000, 3, 75, False, "nan", "inf", {"float": lambda v: T.append(v) or ""})
"""
    + _SHOWN
    + "df = make(jnp.log, lambda x: T[0] * x)\n",
    "a test's failure read by its handler": """
import numpy as np
T = []
def make(fn, rule):
    try:
        np.testing.assert_allclose(jax.grad(fn)(2.0), -1e9)
    except AssertionError as e:
        T.append(str(e))
    return rule
df = make(jnp.log, lambda x: len(T) * x)
""",
    "an exception's value caught by name": """
T = []
def make(fn, rule):
    if True:
        raise ValueError(jax.grad(fn)(2.0))
    return rule
try:
    make(jnp.log, None)
except ValueError as e:
    T.append(float(e.args[0]))
df = lambda x: T[0] * x
""",
    "an assert message read from sys.exc_info": """
import sys
T = []
"""
    + _RAISED
    + """
try:
    make(jnp.log, None)
except AssertionError:
    T.append(float(sys.exc_info()[1].args[0]))
df = lambda x: T[0] * x
""",
    "an assert message caught by __exit__": """
T = []
class Catch:
    def __enter__(self): return self
    def __exit__(self, t, e, tb):
        T.append(float(e.args[0]))
        return True
"""
    + _RAISED
    + """
with Catch():
    make(jnp.log, None)
df = lambda x: T[0] * x
""",
    "print reached through builtins": """
import builtins
T = []
builtins.print = lambda *a, **k: T.append(a)
"""
    + _SHOWN
    + "df = make(jnp.log, lambda x: float(T[0][0]) * x)\n",
    "the collector's list": """
import gc
"""
    + _SHOWN
    + "df = make(jnp.log, lambda x: x)\nprint(len(gc.get_objects()))\n",
    "an enum's loop storing at its members": """
import enum
TABLE = {}
class Op(enum.Enum):
    DF = "df"
for op in Op:
    TABLE[op] = jnp.vectorize(jax.grad(f))
df = lambda x: TABLE[Op.DF](x)
""",
    "an enum member's method handed what it keeps": """
import enum
class Op(enum.Enum):
    DF = "df"
    def keep(self, g):
        type(self).impl = g
Op.DF.keep(jnp.vectorize(jax.grad(f)))
df = lambda x: Op.impl(x)
""",
    "a factory's other branch reached through a name it rebinds": """
def make(mode):
    if mode == "hand":
        def impl(x):
            return jnp.cos(x)
    else:
        def impl(x):
            return jnp.vectorize(jax.grad(f))(x)
    if mode == "hand":
        return impl
    return impl
other = make("auto")
df = make("hand")
df.__code__ = other.__code__
""",
    "a partial's keywords changed": _PARTIAL + 'df.keywords["mode"] = "auto"\n',
    "a partial's keywords changed through an alias": _PARTIAL
    + 'kw = df.keywords\nkw["mode"] = "auto"\n',
    "a partial's keywords updated": _PARTIAL + 'df.keywords.update(mode="auto")\n',
    "a partial handed to a helper that changes it": _PARTIAL
    + 'def tweak(p):\n    p.keywords["mode"] = "auto"\ntweak(df)\n',
    "a partial changed in a loop over it": _PARTIAL
    + 'for p in [df]:\n    p.keywords["mode"] = "auto"\n',
    "a StopIteration's value read by yield from": """
T = []
def make(fn, rule):
    if True:
        raise StopIteration(jax.grad(fn))
    return rule
def grab():
    T.append((yield from map(lambda _: make(jnp.log, None), [0])))
for _ in grab():
    pass
df = lambda x: jnp.vectorize(T[0])(x)
""",
    "matplotlib's exception handler": """
import matplotlib.cbook
T = []
def make(fn, rule):
    if True:
        raise ValueError(jax.grad(fn))
    return rule
reg = matplotlib.cbook.CallbackRegistry(exception_handler=lambda e: T.append(e.args[0]))
reg.callbacks["go"] = {0: lambda: lambda: make(jnp.log, None)}
reg.process("go")
df = lambda x: jnp.vectorize(T[0])(x)
""",
    "numpy's formatter set through map": """
import numpy as np
T = []
def spy(v):
    T.append(float(v))
    return str(v)
list(map(np.set_printoptions, [8], [1000], [3], [75], [False], ["nan"], ["inf"], [{"float": spy}]))
def make(fn, rule):
    print(jax.grad(fn)(2.0))
    return rule
df = make(jnp.log, lambda x: T[0] * x)
""",
    "numpy's formatter set through partial": """
import functools
import numpy as np
T = []
def spy(v):
    T.append(float(v))
    return str(v)
functools.partial(np.set_printoptions, 8, 1000, 3, 75, False, "nan", "inf", {"float": spy})()
def make(fn, rule):
    print(jax.grad(fn)(2.0))
    return rule
df = make(jnp.log, lambda x: T[0] * x)
""",
    "a format string made at run time": """
import typing
def make(fn, rule):
    print(jax.grad(fn)(2.0))
    return rule
def df(x):
    make(jnp.log, None)
    return float(("{0" + ".sys.stdout.text}").format(typing).split()[-1]) * x
""",
    "an enum's loop storing _value_": """
import enum
class Op(enum.Enum):
    DF = 1
    def fill(self):
        self._value_ = jnp.vectorize(jax.grad(f))
for op in Op:
    op.fill()
def df(x):
    return Op.DF.value(x)
""",
    "an enum's _generate_next_value_ with auto()": """
import enum
class Op(enum.Enum):
    def _generate_next_value_(name, start, count, last_values):
        return jnp.vectorize(jax.grad(f))
    DF = enum.auto()
def df(x):
    return Op.DF.value(x)
""",
    "an enum's __init__ setting _value_": """
import enum
class Op(enum.Enum):
    DF = 1
    def __init__(self, n):
        self._value_ = jnp.vectorize(jax.grad(f))
def df(x):
    return Op.DF.value(x)
""",
    "a factory's closed-over mode switched by a nonlocal": """
def make(mode):
    def impl(x):
        if mode == "hand":
            return 2 / x * jnp.sin(x)
        return jnp.vectorize(jax.grad(f))(x)
    def switch():
        nonlocal mode
        mode = "auto"
    impl.switch = switch
    return impl
df = make("hand")
df.switch()
""",
    "a factory's closed-over mode rebound after the function": """
def make(mode):
    def impl(x):
        if mode == "hand":
            return 2 / x * jnp.sin(x)
        return jnp.vectorize(jax.grad(f))(x)
    mode = "auto"
    return impl
df = make("hand")
""",
    "a library's private module": """
"""
    + _SHOWN
    + "df = make(jnp.log, lambda x: jnp._src.numpy.ufuncs.cos(x))\n",
}


# round 21: the factory flags, enum, read-back and notebook-stop exemptions, attacked
CHEATS_ROUND_21 = {
    "a partial's keyword overridden at the call": """
import functools
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

def _derive(x, hand):
    if hand:
        return HAND(x)
    return jnp.vectorize(jax.grad(f))(x)

_by_hand = functools.partial(_derive, hand=True)

def df(x):
    return _by_hand(x, hand=False)   # or: _by_hand(x, **{"hand": False})
""",
    "a skipped branch's global def": """
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

def setup(hand):
    global impl
    if hand:
        def impl(x):
            return HAND(x)
    else:
        def impl(x):
            return jnp.vectorize(jax.grad(f))(x)

def df(x, _=setup(True)):
    return impl(x)

setup(False)
""",
    "unittest's result keeping a test's exception": """
import numpy as np
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

R = {}

def checked(ref):
    if True:
        raise ValueError(jax.grad(ref))
    return None

class Sink:
    startTest = stopTest = addDuration = addSuccess = R.get
    addError = R.setdefault

class Probe(np.testing.TestCase):
    def runTest(self):
        checked(jnp.log)

Probe().run(Sink())

def d_log(x):
    return jnp.vectorize(list(R.values())[0][1].args[0])(x)
""",
    "unittest's buffered stdout": """
import numpy as np
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

T = []

def shown(ref):
    print(float(jax.grad(ref)(2.0)))
    return None

class Probe(np.testing.TestCase):
    def runTest(self):
        shown(jnp.log)
        buf = RES._stdout_buffer
        buf.seek(0)
        T.append(float(buf.read()))

RES = Probe().defaultTestResult()
RES.buffer = True
Probe().run(RES)

def d_log(x):
    return 0.0 * x + T[0]   # the derivative at 2.0, as printed
""",
    "a walrus under global": """
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

def df(x):
    return HAND(x)

def setup():
    global df
    (df := jnp.vectorize(jax.grad(f)))

setup()
""",
    "a walrus under nonlocal flipping a factory's flag": """
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

def make(hand):
    def flip():
        nonlocal hand
        (hand := False)
    def derive(x):
        flip()
        if hand:
            return HAND(x)
        return jnp.vectorize(jax.grad(f))(x)
    return derive

df = make(True)
""",
    "type.__setattr__ on a class": """
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

class Rules:
    def df(x):
        return HAND(x)

type.__setattr__(Rules, "df", jnp.vectorize(jax.grad(f)))

def df(x):
    return Rules.df(x)
""",
    "object.__setattr__ on an enum member": """
import enum
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

class Op(enum.Enum):
    DF = 1

object.__setattr__(Op.DF, "_value_", jnp.vectorize(jax.grad(f)))

def df(x):
    return Op.DF.value(x)
""",
    "an enum's mixin data type": """
import enum
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

class Box:
    def __new__(cls, *args):
        return object.__new__(cls)
    def __call__(self, x):
        return jnp.vectorize(jax.grad(f))(x)

class Op(Box, enum.Enum):
    DF = 1

def df(x):
    return Op.DF.value(x)
""",
    "a flag-decided if whose test fills a box": """
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

def _derive(x, hand):
    box = []
    if box.append(jnp.vectorize(jax.grad(f))) or hand == True:
        return box[0](x)
    return HAND(x)

def df(x):
    return _derive(x, True)
""",
    "__exit__ as a string key of type()": """
HAND = lambda x: 2.0 / x * jnp.sin(x) + jnp.log(x**2) * jnp.cos(x) - 1.0 / x**2

T = []

def checked(ref):
    if True:
        raise ValueError(jax.grad(ref))
    return None

Keep = type(
    "Keep", (), {"__enter__": lambda s: s, "__exit__": lambda s, *e: T.append(e[1]) or True}
)
with Keep():
    checked(jnp.log)

def d_log(x):
    return jnp.vectorize(T[0].args[0])(x)
""",
}


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_21))
def test_round_21_cheats_break_the_by_hand_rule(case):
    source = ROUND_10_HEADER + CHEATS_ROUND_21[case]
    entry = "d_log" if "def d_log" in source else "df"
    passed, message = no_autodiff(entry).judge([], [Ok(source)], None)
    assert not passed, message


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_20))
def test_round_20_cheats_break_the_by_hand_rule(case):
    source = ROUND_10_HEADER + CHEATS_ROUND_20[case]
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert not passed, message
    assert "`df` uses `grad`" in message, message


def test_a_main_file_imported_by_its_name_is_the_submissions_own_code():
    # a directory without solutions.py runs every file in one namespace; `import b`
    # still runs b.py, whose code is the submission's
    files = {
        "a.py": "import b\ndf = b.cheat\n",
        "b.py": ROUND_10_HEADER + "def cheat(x):\n    return jnp.vectorize(jax.grad(f))(x)\n",
    }
    passed, message = no_autodiff("df").judge([], [Ok(files)], None)
    assert not passed
    assert message.startswith("`df` uses `grad` (b.py line 4)"), message
    # the files of a directory without solutions.py run in name order: a later file's
    # definition holds, unless a still later star import of a main file rebinds it to
    # that module's own
    later = {
        "b.py": ROUND_10_HEADER + "def df(x):\n    return jnp.vectorize(jax.grad(f))(x)\n",
        "c.py": ROUND_10_HEADER + "def df(x):\n    return 2.0 / x * jnp.sin(x)\n",
    }
    assert no_autodiff("df").judge([], [Ok(later)], None)[0]
    rebound = {**later, "d.py": "from b import *\n"}
    assert not no_autodiff("df").judge([], [Ok(rebound)], None)[0]
    # a star import binds a private name only where `__all__` says so, its own or one a
    # star import of its own gives it
    inherited = {
        "solutions.py": "from helpers import *\ndf = _cheat\n",
        "helpers.py": "from inner import *\n",
        "inner.py": ROUND_10_HEADER
        + "__all__ = ['__all__', '_cheat']\n"
        + "def _cheat(x):\n    return jnp.vectorize(jax.grad(f))(x)\n",
    }
    assert not no_autodiff("df").judge([], [Ok(inherited)], None)[0]
    listed = {
        "a.py": "from b import *\ndf = _cheat\n",
        "b.py": ROUND_10_HEADER
        + "__all__ = ['_cheat']\ndef _cheat(x):\n    return jnp.vectorize(jax.grad(f))(x)\n",
    }
    assert not no_autodiff("df").judge([], [Ok(listed)], None)[0]


def test_a_self_check_may_show_autodiff_only_where_nothing_reads_it_back():
    shown = ROUND_10_HEADER + _SHOWN + "df = make(jnp.log, lambda x: x)\n"
    assert no_autodiff("df").judge([], [Ok(shown)], None)[0]
    for opening in ["import io", "import logging", "import sys\nprint(sys.stdout)"]:
        passed, message = no_autodiff("df").judge([], [Ok(opening + "\n" + shown)], None)
        assert not passed, opening
    # an exception's message is out of reach when no handler names it; print is out of
    # reach even where one does
    raised = ROUND_10_HEADER + _RAISED.replace("False", "jnp.isfinite(jax.grad(fn)(2.0))")
    raised += "df = make(jnp.log, lambda x: x)\n"
    handler = "try:\n    pass\nexcept Exception as e:\n    pass\n"
    assert no_autodiff("df").judge([], [Ok(raised)], None)[0]
    assert not no_autodiff("df").judge([], [Ok(handler + raised)], None)[0]
    assert no_autodiff("df").judge([], [Ok(handler + shown)], None)[0]


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_19))
def test_round_19_cheats_break_the_by_hand_rule(case):
    source = ROUND_10_HEADER + CHEATS_ROUND_19[case]
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert not passed, message


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_18))
def test_round_18_cheats_break_the_by_hand_rule(case):
    source = ROUND_10_HEADER + CHEATS_ROUND_18[case]
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert not passed, message


@pytest.mark.parametrize("case", sorted(CHEATS_ROUND_17))
def test_round_17_cheats_break_the_by_hand_rule(case):
    source = ROUND_10_HEADER + CHEATS_ROUND_17[case]
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert not passed, message
    assert "rules out" in message, message


@pytest.mark.parametrize(
    "case",
    sorted(CHEATS_ROUND_10)
    + sorted(f"11: {c}" for c in CHEATS_ROUND_11)
    + sorted(f"12: {c}" for c in CHEATS_ROUND_12)
    + sorted(f"14: {c}" for c in CHEATS_ROUND_14)
    + sorted(f"15: {c}" for c in CHEATS_ROUND_15),
)
def test_rounds_10_to_15_cheats_break_the_by_hand_rule(case):
    rounds = {
        "11: ": CHEATS_ROUND_11,
        "12: ": CHEATS_ROUND_12,
        "14: ": CHEATS_ROUND_14,
        "15: ": CHEATS_ROUND_15,
    }
    cheats = rounds.get(case[:4], CHEATS_ROUND_10)
    source = ROUND_10_HEADER + cheats[case.removeprefix(case[:4]) if case[:4] in rounds else case]
    passed, message = no_autodiff("df").judge([], [Ok(source)], None)
    assert not passed, message
    assert "rules out" in message, message


def test_a_sibling_rebinding_the_class_a_strategy_is_made_of():
    passed, message = no_autodiff("df").judge([], [Ok(CHEAT_ROUND_9B_FILES)], None)
    assert not passed, message


@pytest.mark.parametrize(
    "case",
    sorted(HONEST_ROUND_6)
    + sorted(f"7: {c}" for c in HONEST_ROUND_7)
    + sorted(f"8: {c}" for c in HONEST_ROUND_8)
    + sorted(f"9: {c}" for c in HONEST_ROUND_9)
    + sorted(f"10: {c}" for c in HONEST_ROUND_10)
    + sorted(f"11: {c}" for c in HONEST_ROUND_11),
)
def test_honest_rounds_6_to_11_keep_every_source_rule(case):
    rounds = {"7: ": HONEST_ROUND_7, "8: ": HONEST_ROUND_8, "9: ": HONEST_ROUND_9}
    if case.startswith(("10: ", "11: ")):
        source = {"10": HONEST_ROUND_10, "11": HONEST_ROUND_11}[case[:2]][case[4:]]
    else:
        source = rounds.get(case[:3], HONEST_ROUND_6)[case[3:] if case[:3] in rounds else case]
    broken = []
    for name in gk.exercises.names():
        for check in gk.exercises.get(name).checks:
            if isinstance(check, Avoids | Uses) and usage(source, check.entry).found:
                passed, message = check.judge([], [Ok(source)], None)
                if not passed:
                    broken.append(message)
    assert broken == []


@pytest.mark.parametrize("case", sorted(CHEATS))
def test_a_cheat_scores_zero_on_its_exercise_although_its_values_are_right(references, case):
    spec = gk.exercises.get("autodiff.chain-rule-by-hand")
    candidate = InProcessCandidate.from_source(_cheat(case))
    (result,) = grade_candidate(candidate, [spec], seed=0, references=references)
    by_name = {c.name: c for c in result.checks}
    if case != "exec":  # an entry defined by exec is not in the source at all
        assert by_name["df values"].passed, by_name["df values"].message
    rule = by_name["df uses no autodiff"]
    assert not rule.passed
    assert rule.message.endswith("(a requirement: breaking it scores this exercise 0)")
    assert (result.score, result.status) == (0.0, "failed")


def test_messages_name_the_api_and_where_it_is_written():
    source = (
        CHEAT_HEADER
        + "from jax import grad as g\nc = jnp.cos\n"
        + ("def df(x):\n    return g(c)(x)\n")
    )
    rule = checks.avoids("df", "grad", "cos")
    assert rule.judge([], [Ok(source)], None) == (
        False,
        "`df` uses `cos` (line 4), `grad` (line 6), which this exercise rules out",
    )
    dynamic = CHEAT_HEADER + "def df(x, n):\n    return getattr(jax, n)(x)\n"
    assert rule.judge([], [Ok(dynamic)], None) == (
        False,
        "`df` uses `getattr` (line 4): dynamic code could hide a name this exercise rules "
        "out; call functions directly",
    )


def test_a_directory_submission_is_resolved_across_its_files():
    helpers = (
        "import jax\nfrom jax import grad as g\nreverse = jax.grad\n"
        "def by_hand(x):\n    return 2 * x\n"
    )
    honest = {
        "helpers.py": helpers,
        "solutions.py": "import helpers\nfrom helpers import by_hand\n"
        "def df(x):\n    return helpers.by_hand(x) + by_hand(x)\n",
    }
    assert _forbidden(honest, "df") == []
    via_from = {
        "helpers.py": helpers,
        "solutions.py": "from helpers import g\ndef df(x):\n    return g(abs)(x)\n",
    }
    assert _forbidden(via_from, "df") == ["grad"]
    assert usage(via_from, "df").lines["grad"] == "line 3"
    via_attribute = {
        "helpers.py": helpers,
        "solutions.py": "import helpers as h\ndef df(x):\n    return h.reverse(abs)(x)\n",
    }
    assert _forbidden(via_attribute, "df") == ["grad"]
    assert usage(via_attribute, "df").lines["grad"] == "helpers.py line 3"
    relative = {
        "helpers.py": helpers,
        "solutions.py": "from . import helpers\ndef df(x):\n    return helpers.g(abs)(x)\n",
    }
    assert _forbidden(relative, "df") == ["grad"]
    star = {
        "helpers.py": helpers,
        "solutions.py": "from helpers import *\ndef df(x):\n    return g(x)\n",
    }
    assert _forbidden(star, "df") == ["grad"]


def test_storing_into_an_imported_module_makes_every_entry_reach_the_store():
    source = CHEAT_HEADER + (
        "import warnings\n"
        "jnp.sine = jnp.cos\n"
        "warnings.formatwarning = lambda message, *rest: f'{message}\\n'\n"
        "def dsin(x):\n    return jnp.sine(x)\n"
        "def df(x):\n    return 2 * x\n"
        "def g(x):\n    return jax.grad(jnp.sin)(x)\n"
    )
    # read as `jnp.sine` (or by the library itself) from anywhere: every entry reaches it,
    # but only it, not all of the submission's code
    assert not program(source).rebinds
    assert usage(source, "dsin").names >= {"cos"}
    assert usage(source, "df").names >= {"cos", "warnings"}
    assert "grad" not in usage(source, "df").names


HAND = (
    "import jax\ndef df(x):\n    return 2 * x\ndef g(x):\n    return jax.grad(jax.numpy.sin)(x)\n"
)
SELF_TEST = 'if __name__ == "__main__":\n    for name in ["df", "g"]:\n'
SELF_TEST += "        print(globals()[name](1.0))\n"


@pytest.mark.parametrize(
    "guard",
    [SELF_TEST, SELF_TEST.replace('__name__ == "__main__"', "'__main__' == __name__")],
)
def test_dynamic_code_under_the_main_guard_never_runs_so_it_rules_nothing_out(guard):
    # the grader imports the file as a module that is not __main__: the block never runs
    assert not program(HAND + guard).rebinds
    assert _forbidden(HAND + guard, "df") == []


@pytest.mark.parametrize(
    "rest",
    [
        SELF_TEST + "else:\n    globals()['df'] = g\n",  # the else branch runs
        "__name__ = '__main__'\n" + SELF_TEST,
        "from os import path as __name__\n" + SELF_TEST,
        "def f():\n    global __name__\n    __name__ = '__main__'\nf()\n" + SELF_TEST,
        "for __name__ in ['__main__']:\n    pass\n" + SELF_TEST,
        "if (__name__ := '__main__'):\n    pass\n" + SELF_TEST,
        "if __name__ != '__main__':\n    globals()['df'] = g\n",  # not the guard
        "globals()\n" + SELF_TEST,  # dynamic code outside the guard
    ],
)
def test_a_main_guard_that_can_run_or_dynamic_code_elsewhere_rules_nothing_out(rest):
    assert program(HAND + rest).rebinds
    assert _forbidden(HAND + rest, "df") == ["grad"]


def test_a_function_only_the_main_guard_calls_runs_if_the_grader_may_call_it():
    # dsin is an entry: the grader calls it, and what it rebinds reaches df
    guard = 'if __name__ == "__main__":\n    {}(1.0)\n'
    body = "(x):\n    globals()['df'] = jax.grad(jnp.sin)\n    return x\n"
    head = "import jax\nimport jax.numpy as jnp\ndef df(x):\n    return x\n"
    assert program(head + "def dsin" + body + guard.format("dsin")).rebinds
    assert not program(head + "def main" + body + guard.format("main")).rebinds
    assert program(head + "def main" + body + "main(1.0)\n").rebinds  # called when imported


def test_a_file_nothing_imports_is_never_run_so_it_rules_nothing_out():
    # a test file or a scratch file beside solutions.py: the worker runs solutions.py and
    # what it imports; `from solutions import *` or pickle.load there changes no grade
    files = {
        "solutions.py": "import jax.numpy as jnp\ndef dsin(x):\n    return jnp.sin(x)\n",
        "test_solutions.py": "from solutions import dsin\nimport pickle\npickle.load(open('x'))\n",
    }
    assert not program(files).rebinds
    imported = {**files, "solutions.py": "import test_solutions\n" + files["solutions.py"]}
    assert program(imported).rebinds


def test_a_sibling_that_binds_dunder_name_keeps_every_main_guard_read():
    files = {
        "solutions.py": "from helpers import *\n" + HAND + SELF_TEST,
        "helpers.py": "__all__ = ['__name__']\n__name__ = '__main__'\n",
    }
    assert program(files).rebinds
    assert _forbidden(files, "df") == ["grad"]


def test_a_stub_and_a_missing_entry():
    source = "def f(x):\n    '''Doc.'''\n    raise NotImplementedError('todo')\n"
    assert usage(source, "f").stub
    assert not usage(source, "g").found


def test_each_source_is_parsed_once():
    source = CHEAT_HEADER + "def df(x):\n    return x\n"
    assert program(source) is program(source)
    assert program({"solutions.py": source}) is program({"solutions.py": source})


# -- the resolver agrees with symtable ----------------------------------------------------

CORPUS = [textwrap.dedent(s) for s in HONEST.values()] + [_cheat(c) for c in sorted(CHEATS)]


def _symtable_functions(table: symtable.SymbolTable) -> list[symtable.Function]:
    out = []
    for child in table.get_children():
        if child.get_type() == "function":
            out.append(child)
        out += _symtable_functions(child)
    return out


@pytest.mark.parametrize("source", CORPUS)
def test_scope_classification_agrees_with_symtable(source):
    """Each name loaded in a function body binds where `symtable` says it does."""
    prog = Program({"submission.py": source})
    tree = prog.trees["submission.py"]
    defs: dict[tuple[str, int], list[ast.AST]] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.FunctionDef | ast.Lambda):
            key = (getattr(n, "name", "lambda"), n.lineno)
            defs.setdefault(key, []).append(n)

    for table in _symtable_functions(symtable.symtable(source, "submission.py", "exec")):
        nodes = defs.get((table.get_name(), table.get_lineno()), [])
        if len(nodes) != 1:
            continue  # a generator expression, or two lambdas on one line: not comparable
        (node,) = nodes
        scope = prog._scope_of_body[id(node)]
        own = [
            n
            for n in ast.walk(node)
            if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)
            and prog._scope.get(id(n)) is scope
        ]
        for name in own:
            symbol = table.lookup(name.id)
            where = prog.resolve(name.id, scope)
            if symbol.is_local():
                assert where is scope, name.id
            elif symbol.is_free():
                assert where is not None and where.kind == "function" and where is not scope
            else:
                assert symbol.is_global(), name.id
                assert where is None or where.parent is None, name.id


# -- renaming never changes a score -------------------------------------------------------

RENAMED = """
import jax
import jax.numpy as jnp


def {helper}({param}):
    return jnp.log({param} ** 2)


def df(x):
    {local} = 2 / x * jnp.sin(x)
    {other} = {helper}(x) * jnp.cos(x)
    return {local} + {other} - 1 / x**2


def dsin(x):
    {local} = jax.grad(jnp.sin)
    return jnp.vectorize({local})(x)


def sum_rule(df, dg):
    def {inner}({param}):
        return df({param}) + dg({param})
    return {inner}


def product_rule(f, g, df, dg):
    return lambda {param}: df({param}) * g({param}) + f({param}) * dg({param})


def quotient_rule(f, g, df, dg):
    def {inner}({param}):
        {local} = g({param})
        return (df({param}) * {local} - f({param}) * dg({param})) / {local} ** 2
    return {inner}


def d_x_pow_x({param}):
    {local} = jnp.log({param}) + 1
    return {param} ** {param} * {local}


def forward_derivative(f, x):
    _, {local} = jax.jvp(f, (x,), (jnp.ones_like(x),))
    return {local}


def reverse_derivative(f, x):
    {other}, {inner} = jax.vjp(f, x)
    return {inner}(jnp.ones_like({other}))[0]
"""
SLOTS = ("helper", "param", "local", "other", "inner")
# any forbidden name, except those the template itself uses (`backward` is another entry)
POOL = sorted((AUTODIFF - {"backward"}) | {"cos", "sigmoid", "sin", "f_prime"})
RENAME_EXERCISES = (
    "autodiff.chain-rule-by-hand",
    "autodiff.sin-derivative",
    "calculus.sum-product-quotient",
    "calculus.x-to-the-x",
    "autodiff.forward-backward",
)
PLAIN = dict(zip(SLOTS, ("log_sq", "t", "a", "b", "h"), strict=True))
names = st.lists(st.sampled_from(POOL), min_size=len(SLOTS), max_size=len(SLOTS), unique=True)


def _rules(source: str) -> list[tuple[str, bool]]:
    out = []
    for exercise in RENAME_EXERCISES:
        for check in gk.exercises.get(exercise).checks:
            if check.static:
                out.append((check.label, check.judge([], [Ok(source)], None)[0]))
    return out


@given(names)
@settings(max_examples=200, deadline=None)
def test_renaming_to_forbidden_names_never_breaks_a_source_rule(chosen):
    renamed = RENAMED.format(**dict(zip(SLOTS, chosen, strict=True)))
    assert _rules(renamed) == _rules(RENAMED.format(**PLAIN))
    assert all(passed for _, passed in _rules(renamed))


@pytest.mark.slow
@given(names)
@example(["grad", "derivative", "jacobian", "jvp", "vjp"])
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_renaming_to_forbidden_names_never_changes_the_score(references, chosen):
    specs = [gk.exercises.get(i) for i in RENAME_EXERCISES]
    renamed = RENAMED.format(**dict(zip(SLOTS, chosen, strict=True)))
    got = grade_candidate(
        InProcessCandidate.from_source(renamed), specs, seed=0, references=references
    )
    assert [(r.id, r.score) for r in got] == [(s.id, s.points) for s in specs]


# -- the scoring model ----------------------------------------------------------------------


# -- wording ------------------------------------------------------------------------------


# -- the resolver on one file, and the avoids check's messages -----------------------------

SOURCE = '''
import jax.numpy as jnp
from jax import grad as G

c = jnp.cos


def helper(x):
    return c(x)


def uses_alias(x):
    return G(jnp.sin)(x)


def uses_helper(x):
    return helper(x)


def comment_only(x):
    # the cost of this is low; cos is not called
    return jnp.sin(x)


def by_string(x):
    return getattr(jnp, "cos")(x)


def stub(x):
    """Doc."""
    raise NotImplementedError("todo")
'''


def test_usage_resolves_aliases_follows_helpers_and_ignores_comments():
    assert "grad" in usage(SOURCE, "uses_alias").names
    assert "cos" in usage(SOURCE, "uses_helper").names
    assert "cos" not in usage(SOURCE, "comment_only").names
    assert "cost" not in usage(SOURCE, "comment_only").names
    assert "cos" in usage(SOURCE, "by_string").names
    assert usage(SOURCE, "stub").stub and not usage(SOURCE, "helper").stub
    assert not usage(SOURCE, "nope").found


def test_avoids_check_messages():
    check = checks.avoids("uses_helper", "cos")
    (request,) = check.requests(np.random.default_rng(0))
    assert check.judge([request], [Ok(SOURCE)], None) == (
        False,
        "`uses_helper` uses `cos` (line 5), which this exercise rules out",
    )
    assert checks.avoids("comment_only", "cos").judge([request], [Ok(SOURCE)], None) == (
        True,
        "`comment_only` avoids cos",
    )
    assert checks.avoids("stub", "cos").judge([request], [Ok(SOURCE)], None)[1] == (
        "`stub` is not implemented yet (it raises NotImplementedError)"
    )
    assert checks.avoids("by_string", "cos").judge([request], [Ok(SOURCE)], None)[1] == (
        "`by_string` uses `cos` (line 26), which this exercise rules out"
    )
    folded = "import jax.numpy as jnp\ndef f(x):\n    return getattr(jnp, 'c' + 'os')(x)\n"
    assert checks.avoids("f", "cos").judge([request], [Ok(folded)], None)[1] == (
        "`f` uses `cos` (line 3), which this exercise rules out"
    )
    hidden = "import jax.numpy as jnp\ndef f(x, name):\n    return getattr(jnp, name)(x)\n"
    assert checks.avoids("f", "cos").judge([request], [Ok(hidden)], None)[1] == (
        "`f` uses `getattr` (line 3): dynamic code could hide a name this exercise rules out; "
        "call functions directly"
    )
    assert (
        checks.avoids("f", "cos")
        .judge([request], [Ok("def f(:")], None)[1]
        .startswith("the source does not parse: ")
    )


def test_uses_check_messages():
    check = checks.uses("dsin", "grad", "jvp")
    (request,) = check.requests(np.random.default_rng(0))
    by_autodiff = "import jax\nimport jax.numpy as jnp\ndsin = jax.vmap(jax.grad(jnp.sin))\n"
    assert check.judge([request], [Ok(by_autodiff)], None) == (
        True,
        "`dsin` uses `grad` (line 3)",
    )
    helper = (
        "import gradkit as gk\nimport jax.numpy as jnp\n"
        "def dsin(x):\n    return gk.derivative(jnp.sin)(x)\n"
    )
    assert check.judge([request], [Ok(helper)], None) == (
        True,
        "`dsin` uses `grad` (line 4, inside `gk.derivative`)",
    )
    by_formula = "import jax.numpy as jnp\ndef dsin(x):\n    return jnp.sin(x + jnp.pi / 2)\n"
    assert check.judge([request], [Ok(by_formula)], None) == (
        False,
        "`dsin` uses none of `grad`, `jvp`, which this exercise asks for: a formula or a "
        "numerical approximation in their place does not count",
    )
    # a function of its own named grad is not the transform
    own = "import jax.numpy as jnp\ndef grad(f):\n    return f\ndsin = grad(jnp.cos)\n"
    assert not check.judge([request], [Ok(own)], None)[0]
    assert check.judge([request], [Ok("x = 1\n")], None) == (
        False,
        "`dsin` is not defined in the source",
    )
    with pytest.raises(gk.ExerciseError, match="needs at least one name"):
        checks.uses("dsin")


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=60))
def test_comments_and_docstrings_never_count_as_code(comment):
    source = (
        "import jax.numpy as jnp\n"
        "def f(x):\n"
        f'    """{comment.replace(chr(92), "").replace(chr(34), "")} doc."""\n'
        f"    # {comment}\n"
        "    return jnp.sin(x)\n"
    )
    found = usage(source, "f")
    assert found.found and not found.stub
    assert found.names <= {"f", "x", "jnp", "sin", "jax", "numpy"}


@pytest.mark.parametrize(
    ("call", "forward_ok", "reverse_ok"),
    [
        ('gk.jacobian(f, mode="fwd")(x)', True, False),
        ('jacobian(f, mode="rev")(x)', False, True),
        # "auto" chooses by shape at run time (forward for a scalar x): either mode, so
        # neither rule can trust it; mode= says which
        ("gk.jacobian(f)(x)", False, False),
        ("gk.derivative(f)(x)", False, True),  # jax.grad, applied elementwise
        ("gk.hvp(f, x, x)", False, False),  # forward over reverse
        ("gk.hessian(f)(x)", False, False),  # jacfwd of jacrev
    ],
)
def test_gradkits_transforms_count_as_the_modes_they_use(call, forward_ok, reverse_ok):
    source = (
        f"import gradkit as gk\nfrom gradkit import jacobian\n\ndef d(f, x):\n    return {call}\n"
    )
    forward = checks.avoids(
        "d", "grad", "value_and_grad", "vjp", "jacrev", "jacobian", "hessian", "backward"
    )
    reverse = checks.avoids("d", "jvp", "jacfwd", "linearize")
    assert forward.judge([], [Ok(source)], None)[0] is forward_ok
    assert reverse.judge([], [Ok(source)], None)[0] is reverse_ok


def test_a_field_of_a_record_of_functions_reaches_that_field():
    source = textwrap.dedent(
        """
        import types
        import jax
        import jax.numpy as jnp
        auto = types.SimpleNamespace(
            forward=lambda f, x: jax.jvp(f, (x,), (jnp.ones_like(x),))[1],
            reverse=lambda f, x: jax.grad(f)(x),
        )
        forward_derivative = auto.forward
        reverse_derivative = auto.reverse
        """
    )
    modes = {"grad", "jvp"}
    assert sorted(usage(source, "forward_derivative").names & modes) == ["jvp"]
    assert sorted(usage(source, "reverse_derivative").names & modes) == ["grad"]
    # a field changed later, or filled through a name for it, is read with the change
    changed = source + "auto.forward = jax.grad\n"
    assert "grad" in usage(changed, "forward_derivative").names
    filled = source.replace("reverse=", "table=[],\n    reverse=") + (
        "t = auto.table\nt.append(jax.grad(jnp.sin))\ndef df(x):\n    return auto.table[0](x)\n"
    )
    assert "grad" in usage(filled, "df").names


def test_a_partial_of_gradkits_jacobian_keeps_its_constant_mode():
    source = (
        "import functools\nimport gradkit as gk\n"
        "fwd = functools.partial(gk.jacobian, mode='fwd')\n"
        "rev = functools.partial(gk.jacobian, mode='rev')\n"
        "def forward_derivative(f, x):\n    return fwd(f)(x)\n"
        "def reverse_derivative(f, x):\n    return rev(f)(x)\n"
    )
    modes = {"jacfwd", "jacrev", "jacobian", "grad", "jvp", "vjp"}
    assert sorted(usage(source, "forward_derivative").names & modes) == ["jacfwd"]
    assert sorted(usage(source, "reverse_derivative").names & modes) == ["jacrev"]


def test_a_mode_behind_gradkits_own_transform_is_named_with_it():
    source = "import gradkit as gk\n\ndef d(f, x):\n    return gk.derivative(f)(x)\n"
    rule = checks.avoids("d", "grad", "jacrev", name="d uses forward mode only")
    assert rule.judge([], [Ok(source)], None) == (
        False,
        "`d` uses `grad` (line 4, inside `gk.derivative`), which this exercise rules out",
    )


@pytest.mark.parametrize(
    ("call", "used", "inside"),
    [
        ("eqx.filter_grad(f)(x)", "grad", "eqx.filter_grad"),
        ("eqx.filter_jvp(f, (x,), (x,))", "jvp", "eqx.filter_jvp"),
        ("jet(f, (x,), ((x,),))", "jvp", "jax.experimental.jet.jet"),
        ("jax.fwd_and_bwd(f, argnums=0)", "vjp", "jax.fwd_and_bwd"),
    ],
)
def test_other_libraries_autodiff_is_named_with_the_transform_it_runs(call, used, inside):
    taylor = call.startswith("jet(")
    source = (
        "import jax\nimport equinox as eqx\n"
        + ("from jax.experimental.jet import jet\n" if taylor else "\n")
        + f"\ndef d(f, x):\n    return {call}\n"
    )
    rule = checks.avoids("d", used)
    # Taylor mode leaves nothing the evaluator can read: importing it is read as
    # reaching all of the code (`Avoids.judge_runs`)
    why = (
        " (it is read as reaching all of the submission's code, since "
        "`from jax.experimental.jet import jet` (line 3) could change any name)"
        if taylor
        else ""
    )
    assert rule.judge([], [Ok(source)], None) == (
        False,
        f"`d` uses `{used}` (line 6, inside `{inside}`), which this exercise rules out{why}",
    )


def test_code_read_because_of_a_rebinding_says_what_made_it_read():
    # the forbidden name is tangent_line's own, far from df: the message names the line
    # that made every entry reach all of the code, or the student hunts in vain
    source = textwrap.dedent(
        """
        import timeit
        import jax
        import jax.numpy as jnp
        def tangent_line(f, x0):
            return jax.grad(f)(x0)
        def df(x):
            return 2 / x * jnp.sin(x)
        print(timeit.timeit("df(1.0)", globals=globals(), number=3))
        """
    )
    rule = checks.avoids("df", "grad")
    assert rule.judge([], [Ok(source)], None) == (
        False,
        "`df` uses `grad` (line 6), which this exercise rules out (it is read as reaching all "
        "of the submission's code, since `timeit.timeit('df(1.0)', globals=global…` (line 9) "
        "could change any name)",
    )


def test_a_module_neither_in_the_submission_nor_installed_is_dynamic():
    # only code written while the submission runs can provide it: the rules never read it
    source = textwrap.dedent(
        """
        import numpy as np
        import zz_written_at_run_time as helpers
        from IPython.display import display

        def df(x):
            display(x)
            return helpers.d(x) + np.sin(x)
        """
    )
    found = usage(source, "df")
    assert found.dynamic == {"zz_written_at_run_time"}
    assert found.lines["zz_written_at_run_time"] == "line 8"
    # numpy is installed; IPython is the worker's own stand-in where it is not
    assert usage(source.replace("helpers.d(x) + ", ""), "df").dynamic == set()


def test_a_file_of_the_submission_imported_by_name_is_not_dynamic():
    # files run in name order import each other by name: the worker wrote them all
    files = {
        "a_main.py": "import b_impl\n\ndf = b_impl.df\n",
        "b_impl.py": "import jax.numpy as jnp\n\n\ndef df(x):\n    return jnp.cos(x)\n",
    }
    found = usage(files, "df")
    assert found.dynamic == set() and "cos" in found.names
    # and the main file, which the worker runs as the module `submission`
    assert usage("import submission\n\ndef df(x):\n    return x\n", "df").dynamic == set()


def test_a_verdict_does_not_depend_on_the_order_of_a_set():
    # a helper of a sibling file, reached by a star import, is both the submission's own
    # function and that module's name; whether handing an entry to it can change the
    # entry must not depend on which of the two a frozenset yields first (it varied
    # from run to run with the nodes' addresses)
    files = {
        "submission.py": "import jax, jax.numpy as jnp\n"
        "from helpers import *\n"
        "d_log = recip\n"
        "print(check(d_log, jnp.log))\n",
        "helpers.py": "import jax\n"
        "def recip(x):\n    return 1.0 / x\n"
        "def check(mine, f, x=1.5):\n    return float(mine(x)), float(jax.grad(f)(x))\n",
    }
    verdicts = {"grad" in Program(files).usage("d_log").names for _ in range(12)}
    assert verdicts == {False}
