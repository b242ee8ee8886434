"""One numbering everywhere: a function that cites a book exercise cites the exercise set's."""

from __future__ import annotations

import re

import gradkit as gk

CITED = re.compile(r"§(\d\.\d) ex\. (\d+)")


def test_every_cited_exercise_is_the_exercise_sets_own() -> None:
    sections = {spec.section: spec.id for spec in gk.exercises}
    cited = {}
    for spec in gk.functions:
        assert "exercise" not in spec.description, spec.description  # one form: "ex. N"
        for section, number in CITED.findall(spec.description):
            cited[spec.name] = sections[f"{section} ex. {number}"]
    assert cited == {
        "sin": "autodiff.sin-derivative",
        "log-sin": "autodiff.dependency-graph",
        "x-pow-x": "calculus.x-to-the-x",
        "cubic-minus-inverse": "calculus.tangent-line",
        "quad-exp": "calculus.gradient",
    }
