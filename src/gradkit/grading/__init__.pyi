# gradkit.grading's public names, listed once. Type checkers read these imports,
# and `gradkit._lazy.attach_stub` turns the same imports into the package's lazy
# `__getattr__`, `__dir__` and `__all__`: importing one grading module (the
# report renderer, say) no longer imports the sandbox and the runner.

from .._sandboxed import Call as Call
from .._sandboxed import Candidate as Candidate
from .._sandboxed import Constant as Constant
from .._sandboxed import Cost as Cost
from .._sandboxed import Evaluate as Evaluate
from .._sandboxed import Fault as Fault
from .._sandboxed import FunctionRef as FunctionRef
from .._sandboxed import Ok as Ok
from .._sandboxed import Source as Source

# public submodules, under these names (ruff sees no use of a renamed import in a stub)
from . import _checklib as checks  # noqa: F401
from . import _samplers as samplers  # noqa: F401
from ._checks import Check as Check
from ._checks import CostAtMost as CostAtMost
from ._checks import Exact as Exact
from ._checks import Finite as Finite
from ._checks import Values as Values
from ._checks_special import Avoids as Avoids
from ._checks_special import Stationary as Stationary
from ._checks_special import Uses as Uses
from ._inprocess import InProcessCandidate as InProcessCandidate
from ._remote import Limits as Limits
from ._remote import RemoteCandidate as RemoteCandidate
from ._reports import merge_reports as merge_reports
from ._reports import render_report as render_report
from ._reports import report_from_json as report_from_json
from ._reports import report_to_json as report_to_json
from ._results import CheckResult as CheckResult
from ._results import ExerciseResult as ExerciseResult
from ._results import Report as Report
from ._results import SubmissionResult as SubmissionResult
from ._runner import GradeOptions as GradeOptions
from ._runner import grade_paths as grade_paths
from ._runner import select_exercises as select_exercises
from ._samplers import Sampler as Sampler
from ._score import ReferenceCache as ReferenceCache
from ._score import grade_candidate as grade_candidate
from ._spec import Entry as Entry
from ._spec import ExerciseSpec as ExerciseSpec
from ._submission import Submission as Submission
from ._submission import load_submission as load_submission
