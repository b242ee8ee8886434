"""Contract checks for plugin authors (and gradkit's own tests).

Run them on anything you register, before you publish it::

    from gradkit.testing import check_exercise, check_function, check_norm

    def test_my_norm():
        check_norm(my_plugin.SPEC)   # raises gk.ContractViolation naming the failed axiom

    def test_my_function():
        check_function(my_plugin.FUNCTION)   # jit, vmap, grad; derivative vs autodiff

    def test_my_exercises():
        check_exercise(my_plugin.EXERCISE)   # reference resolves, scores full marks; stub 0

Each returns a `ContractReport`: one `ContractResult` row per check.
"""

from ._contracts import ContractReport as ContractReport
from ._contracts import ContractResult as ContractResult
from ._exercise_contracts import check_exercise as check_exercise
from ._function_contracts import check_function as check_function
from ._function_contracts import check_plugin as check_plugin
from ._norm_contracts import check_norm as check_norm

NormCheckReport = ContractReport
"""The name `check_norm`'s report had before norms, functions and exercises shared one type."""
