"""What runs inside the grader's sandbox, and the contract at its boundary.

The grader (`gradkit.grading`) starts two kinds of sandboxed child, each as
``python -I -B -m MODULE FD MEMORY_MB CPU_SECONDS``:

`WORKER` (``_worker.py``)
    imports one untrusted submission and answers for it: eager calls on
    public inputs, and StableHLO artifacts traced on shapes (`export_artifact`).
`EVALUATOR` (``_evaluator.py``)
    runs no student Python: it checks artifacts against an allow-list
    (`check_artifact`), compiles them and runs them on the grader's inputs.

Both speak the channel's wire format (`send`, `recv`, `encode`, `decode`:
JSON plus raw array bytes, never pickle), limit themselves first
(`apply_limits`) and describe calls with the protocol's plain records
(`Call`, `FunctionRef`, ...), which the grader's checks use too.

This package is the trust boundary made visible. It imports only the
standard library, numpy, JAX and gradkit's maths (`gradkit._errors`,
`_config`, `_autodiff`, `_registry`), never `gradkit.grading`: running a
child never runs the grader's code, and a test holds that. The grader uses
it only through the names below. The channel, protocol and limits load
eagerly (no JAX); the names of the two child modules load on first use, so
that ``-m`` runs each of them exactly once in its own process.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._channel import ChannelError as ChannelError
from ._channel import call_from_json as call_from_json
from ._channel import call_to_json as call_to_json
from ._channel import decode as decode
from ._channel import encode as encode
from ._channel import hung_up as hung_up
from ._channel import recv as recv
from ._channel import send as send
from ._forks import FORK_HELLO as FORK_HELLO
from ._forks import FORKS as FORKS
from ._ipython import STAND_IN_MODULES as STAND_IN_MODULES
from ._leftovers import traced_debug_dropped as traced_debug_dropped
from ._limits import REFUSE_ENV as REFUSE_ENV
from ._limits import apply_limits as apply_limits
from ._places import HISTORY_START as HISTORY_START
from ._places import cell_marker as cell_marker
from ._places import is_main_guard as is_main_guard
from ._places import place as place
from ._protocol import TRANSFORMS as TRANSFORMS
from ._protocol import Call as Call
from ._protocol import Candidate as Candidate
from ._protocol import Constant as Constant
from ._protocol import Cost as Cost
from ._protocol import Evaluate as Evaluate
from ._protocol import Fault as Fault
from ._protocol import FaultKind as FaultKind
from ._protocol import FunctionRef as FunctionRef
from ._protocol import Mode as Mode
from ._protocol import Ok as Ok
from ._protocol import Request as Request
from ._protocol import Response as Response
from ._protocol import Source as Source
from ._protocol import Static as Static
from ._protocol import Transform as Transform
from ._protocol import resolve_function as resolve_function

WORKER = "gradkit._sandboxed._worker"
EVALUATOR = "gradkit._sandboxed._evaluator"

# public name -> the child module that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "capture_tools": WORKER,
    "export_artifact": WORKER,
    "transformed": WORKER,
    "ALLOWED_OPS": EVALUATOR,
    "ALLOWED_CUSTOM_CALLS": EVALUATOR,
    "LOOP_COST": EVALUATOR,
    "Rejected": EVALUATOR,
    "Unmeasurable": EVALUATOR,
    "check_artifact": EVALUATOR,
    "check_measurable": EVALUATOR,
    "differentiated": EVALUATOR,
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
