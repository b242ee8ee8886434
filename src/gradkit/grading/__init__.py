"""Exercises and grading: the exercise model, the check library, scoring.

Exercises are data plus trusted code (`ExerciseSpec`, registered by plugins).
Checks state requests and judge responses; a `Candidate` answers them
(`InProcessCandidate` for trusted code, the sandbox for submissions);
`grade_candidate` turns the answers into `ExerciseResult` values.
"""

from __future__ import annotations

from . import _checklib as checks
from . import _samplers as samplers
from ._checks import Check as Check
from ._checks import CostAtMost as CostAtMost
from ._checks import Finite as Finite
from ._checks import Values as Values
from ._checks_special import Avoids as Avoids
from ._checks_special import Stationary as Stationary
from ._inprocess import InProcessCandidate as InProcessCandidate
from ._protocol import Call as Call
from ._protocol import Candidate as Candidate
from ._protocol import Constant as Constant
from ._protocol import Cost as Cost
from ._protocol import Evaluate as Evaluate
from ._protocol import Fault as Fault
from ._protocol import FunctionRef as FunctionRef
from ._protocol import Ok as Ok
from ._protocol import Source as Source
from ._results import CheckResult as CheckResult
from ._results import ExerciseResult as ExerciseResult
from ._results import SubmissionResult as SubmissionResult
from ._samplers import Sampler as Sampler
from ._score import ReferenceCache as ReferenceCache
from ._score import grade_candidate as grade_candidate
from ._spec import Entry as Entry
from ._spec import ExerciseSpec as ExerciseSpec

__all__ = [
    "Avoids",
    "Call",
    "Candidate",
    "Check",
    "CheckResult",
    "Constant",
    "Cost",
    "CostAtMost",
    "Entry",
    "Evaluate",
    "ExerciseResult",
    "ExerciseSpec",
    "Fault",
    "Finite",
    "FunctionRef",
    "InProcessCandidate",
    "Ok",
    "ReferenceCache",
    "Sampler",
    "Source",
    "Stationary",
    "SubmissionResult",
    "Values",
    "checks",
    "grade_candidate",
    "samplers",
]
