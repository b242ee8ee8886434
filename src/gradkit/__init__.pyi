# gradkit's public names, listed once. Type checkers read these imports, and
# `gradkit._lazy.attach_stub` turns the same imports into the package's lazy
# `__getattr__`, `__dir__` and `__all__` (so `import gradkit` imports no JAX).
# A new public name is one more line here; `tests/test_public_names.py` holds
# the stub, the runtime and the docs to it. `gradkit.hookspecs`, `gradkit.plot`,
# `gradkit.testing` and `gradkit.grading` are public submodules: import them.

# assignments (the other registries and specs are below)
from ._assignments import AssignmentSpec as AssignmentSpec

# automatic differentiation (§2.5)
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

# errors
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

# expressions, pictures (gradkit.plot is a public submodule)
from ._expr import Expression as Expression
from ._expr import parse_expression as parse_expression
from ._graph import Graph as Graph
from ._graph import graph as graph

# norms (§2.3)
from ._norms import norm as norm

# numerical calculus (§2.4)
from ._numeric import LimitTable as LimitTable
from ._numeric import difference_quotient as difference_quotient
from ._numeric import limit_table as limit_table
from ._numeric import numerical_derivative as numerical_derivative

# registries and specs; check() runs the registered contracts
from ._registry import FunctionSpec as FunctionSpec
from ._registry import NormSpec as NormSpec
from ._registry import Registry as Registry
from ._registry import assignments as assignments
from ._registry import exercises as exercises
from ._registry import functions as functions
from ._registry import norms as norms
from ._selfcheck import check as check

# exercises and grading
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

# plugins
from .hookspecs import hookimpl as hookimpl

__version__: str
