"""The in-process candidate: faults as data, exports and costs."""

from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from gradkit.grading import (
    Call,
    Constant,
    Evaluate,
    Fault,
    InProcessCandidate,
    Ok,
)


def test_in_process_candidate_reports_faults_as_data():
    candidate = InProcessCandidate.from_source(
        "import jax.numpy as jnp\n"
        "def stub(x):\n    raise NotImplementedError\n"
        "def boom(x):\n    raise ValueError('bad value')\n"
        "def text(x):\n    return 'hello'\n"
        "answer = 'forty-two'\nthing = object()\n"
    )
    x = np.ones(2)
    got = candidate.run(
        [
            Evaluate(Call("missing"), (x,)),
            Evaluate(Call("stub"), (x,)),
            Evaluate(Call("boom"), (x,)),
            Evaluate(Call("text", mode="eager"), (x,)),
            Constant("answer"),
            Constant("thing"),
            Constant("nothing"),
        ]
    )
    assert got == [
        Fault("missing", "`missing` is not defined"),
        Fault("not-implemented", "`stub` raised NotImplementedError"),
        Fault("error", "ValueError: bad value"),
        Fault("invalid", "`text` returned a str, not an array or a tuple of arrays"),
        Ok("forty-two"),
        Fault("invalid", "`thing` is a object, not a string or number"),
        Fault("missing", "`nothing` is not defined"),
    ]


def test_in_process_candidate_exports_and_measures_cost(tmp_path):
    path = tmp_path / "sol.py"
    path.write_text("import jax.numpy as jnp\ndef f(x):\n    return jnp.sum(x * x)\n")
    candidate = InProcessCandidate.from_file(path)
    x = np.arange(3.0)
    value, grad, cost = candidate.run(
        [
            Evaluate(Call("f"), (x,)),
            Evaluate(Call("f", transform="grad"), (x,)),
            gk.grading.Cost(Call("f"), (x,)),
        ]
    )
    assert value == Ok(np.asarray(5.0)) or float(value.value) == 5.0
    assert grad.value.tolist() == [0.0, 2.0, 4.0]
    assert isinstance(cost.value, float) and cost.value > 0
    with pytest.raises(gk.GradingError, match=r"cannot read '.*nope.py'"):
        InProcessCandidate.from_file(tmp_path / "nope.py")


def test_an_unknown_request_is_a_grading_error():
    with pytest.raises(gk.GradingError, match=r"unknown request 'what\?'"):
        InProcessCandidate({}).run(["what?"])
