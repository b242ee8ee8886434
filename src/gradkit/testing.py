"""Contract checks for plugin authors (and gradkit's own tests).

Run them on anything you register, before you publish it::

    from gradkit.testing import check_norm

    def test_my_norm():
        check_norm(my_plugin.SPEC)   # raises gk.ContractViolation naming the failed axiom

The checks need the ``test`` extra (hypothesis): ``pip install gradkit[test]``.
"""

from ._norm_contracts import NormCheckReport as NormCheckReport
from ._norm_contracts import NormViolation as NormViolation
from ._norm_contracts import check_norm as check_norm
