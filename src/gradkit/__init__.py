"""gradkit: differentiation with JAX, taught and graded.

The public API is what this module exports. Names load on first use, so that
``import gradkit`` and the ``gradkit`` command start without importing JAX;
``gradkit.grad`` is ``gradkit._autodiff.grad`` either way.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> private module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "GradkitError": "._errors",
    "UnknownNameError": "._errors",
    "UnknownOrderError": "._errors",
    "InvalidAxisError": "._errors",
    "DuplicateNameError": "._errors",
    "InvalidInputError": "._errors",
    "NotDifferentiableError": "._errors",
    "TracedControlFlowError": "._errors",
    "LoopExhaustedError": "._errors",
    "GradientMismatch": "._errors",
    "ContractViolation": "._errors",
    "PluginError": "._errors",
    "PluginWarning": "._errors",
    "ExerciseError": "._errors",
    "GradingError": "._errors",
    "ExpressionError": "._errors",
    # registries and specs
    "Registry": "._registry",
    "FunctionSpec": "._registry",
    "NormSpec": "._registry",
    "functions": "._registry",
    "norms": "._registry",
    "exercises": "._registry",
    "assignments": "._registry",
    "AssignmentSpec": "._assignments",
    # plugins
    "hookimpl": ".hookspecs",
    # exercises and grading
    "Entry": ".grading",
    "ExerciseSpec": ".grading",
    "checks": ".grading",
    "samplers": ".grading",
    "FunctionRef": ".grading",
    "InProcessCandidate": ".grading",
    "grade_candidate": ".grading",
    "ReferenceCache": ".grading",
    "CheckResult": ".grading",
    "ExerciseResult": ".grading",
    "SubmissionResult": ".grading",
    "check": "._selfcheck",
    # numerical calculus (§2.4)
    "difference_quotient": "._numeric",
    "limit_table": "._numeric",
    "LimitTable": "._numeric",
    "numerical_derivative": "._numeric",
    # automatic differentiation (§2.5)
    "derivative": "._autodiff",
    "grad": "._autodiff",
    "value_and_grad": "._autodiff",
    "backward": "._autodiff",
    "jacobian": "._autodiff",
    "hessian": "._autodiff",
    "hvp": "._autodiff",
    "detach": "._autodiff",
    "check_grad": "._autodiff",
    "GradCheckReport": "._autodiff",
    "while_loop": "._control",
    # norms (§2.3)
    "norm": "._norms",
    # expressions, pictures (gradkit.plot is a public submodule)
    "parse_expression": "._expr",
    "Expression": "._expr",
    "graph": "._graph",
    "Graph": "._graph",
}

if TYPE_CHECKING:
    from ._assignments import AssignmentSpec as AssignmentSpec
    from ._autodiff import GradCheckReport as GradCheckReport
    from ._autodiff import backward as backward
    from ._autodiff import check_grad as check_grad
    from ._autodiff import derivative as derivative
    from ._autodiff import detach as detach
    from ._autodiff import grad as grad
    from ._autodiff import hessian as hessian
    from ._autodiff import hvp as hvp
    from ._autodiff import jacobian as jacobian
    from ._autodiff import value_and_grad as value_and_grad
    from ._control import while_loop as while_loop
    from ._errors import ContractViolation as ContractViolation
    from ._errors import DuplicateNameError as DuplicateNameError
    from ._errors import ExerciseError as ExerciseError
    from ._errors import ExpressionError as ExpressionError
    from ._errors import GradientMismatch as GradientMismatch
    from ._errors import GradingError as GradingError
    from ._errors import GradkitError as GradkitError
    from ._errors import InvalidAxisError as InvalidAxisError
    from ._errors import InvalidInputError as InvalidInputError
    from ._errors import LoopExhaustedError as LoopExhaustedError
    from ._errors import NotDifferentiableError as NotDifferentiableError
    from ._errors import PluginError as PluginError
    from ._errors import PluginWarning as PluginWarning
    from ._errors import TracedControlFlowError as TracedControlFlowError
    from ._errors import UnknownNameError as UnknownNameError
    from ._errors import UnknownOrderError as UnknownOrderError
    from ._expr import Expression as Expression
    from ._expr import parse_expression as parse_expression
    from ._graph import Graph as Graph
    from ._graph import graph as graph
    from ._norms import norm as norm
    from ._numeric import LimitTable as LimitTable
    from ._numeric import difference_quotient as difference_quotient
    from ._numeric import limit_table as limit_table
    from ._numeric import numerical_derivative as numerical_derivative
    from ._registry import FunctionSpec as FunctionSpec
    from ._registry import NormSpec as NormSpec
    from ._registry import Registry as Registry
    from ._registry import assignments as assignments
    from ._registry import exercises as exercises
    from ._registry import functions as functions
    from ._registry import norms as norms
    from ._selfcheck import check as check
    from .grading import CheckResult as CheckResult
    from .grading import Entry as Entry
    from .grading import ExerciseResult as ExerciseResult
    from .grading import ExerciseSpec as ExerciseSpec
    from .grading import FunctionRef as FunctionRef
    from .grading import InProcessCandidate as InProcessCandidate
    from .grading import ReferenceCache as ReferenceCache
    from .grading import SubmissionResult as SubmissionResult
    from .grading import checks as checks
    from .grading import grade_candidate as grade_candidate
    from .grading import samplers as samplers
    from .hookspecs import hookimpl as hookimpl


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gradkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = sorted(_EXPORTS)
