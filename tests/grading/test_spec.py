"""The exercise model: specs, entries and their validation, book order."""

from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from gradkit.grading import (
    Entry,
    ExerciseSpec,
    checks,
    samplers,
)

# the `square` fixture's entries, for the definitions built at collection time
SQUARE_ENTRIES = (Entry("d_square", "(x)", "Return 2x."),)


def test_spec_rejects_a_bad_id(square):
    with pytest.raises(gk.ExerciseError, match=r"invalid exercise id 'Bad Id': use lower-case"):
        ExerciseSpec(id="Bad Id", title="t", section="1", prompt="p", entries=square.entries)


def test_spec_needs_entries_checks_and_a_reference(square):
    with pytest.raises(gk.ExerciseError, match=r"exercise 'a.b' has no entries"):
        ExerciseSpec(id="a.b", title="t", section="1", prompt="p", entries=())
    with pytest.raises(gk.ExerciseError, match=r"code exercise 'a.b' has no checks"):
        ExerciseSpec(id="a.b", title="t", section="1", prompt="p", entries=square.entries)
    with pytest.raises(gk.ExerciseError, match=r"code exercise 'a.b' needs a reference solution"):
        ExerciseSpec(
            id="a.b", title="t", section="1", prompt="p", entries=square.entries,
            checks=square.checks,
        )  # fmt: skip


def test_spec_rejects_a_check_on_an_unknown_entry(square):
    with pytest.raises(
        gk.ExerciseError,
        match=r"check 'cube values' uses \['cube'\], which is not among its entries \['d_square'\]",
    ):
        ExerciseSpec(
            id="a.b", title="t", section="1", prompt="p", entries=square.entries,
            checks=(checks.values("cube", samplers.normal()),), reference={},
        )  # fmt: skip


def test_written_spec_has_one_string_constant_and_no_points(square):
    with pytest.raises(gk.ExerciseError, match=r"written exercise 'a.b' must have exactly one"):
        ExerciseSpec(
            id="a.b", title="t", section="1", prompt="p", entries=square.entries, kind="written"
        )
    spec = ExerciseSpec(
        id="a.b", title="t", section="1", prompt="p", kind="written", points=5,
        entries=(Entry("answer", "str", "Your answer.", kind="constant"),),
    )  # fmt: skip
    assert (spec.answer_name, spec.max_score) == ("answer", 0.0)


def test_entry_and_kind_errors():
    with pytest.raises(gk.ExerciseError, match=r"invalid entry name '2x': use a Python identifier"):
        Entry("2x", "(x)", "doc")
    with pytest.raises(gk.ExerciseError, match=r"kind must be 'code' or 'written', got 'essay'"):
        ExerciseSpec(id="a.b", title="t", section="1", prompt="p", entries=(), kind="essay")


def test_reference_module_that_does_not_import_is_a_clear_error(square):
    spec = ExerciseSpec(
        id="a.b", title="t", section="1", prompt="p", entries=square.entries,
        checks=square.checks, reference="no_such_module_xyz",
    )  # fmt: skip
    with pytest.raises(gk.ExerciseError, match=r"cannot import its reference module"):
        spec.reference_namespace()


def test_book_order_puts_a_sections_text_before_its_exercises(essay):
    from gradkit.grading._spec import book_order

    def spec(section: str) -> ExerciseSpec:
        return ExerciseSpec(
            id=f"t.{section.replace(' ', '')}", title="t", section=section, prompt="p",
            entries=essay.entries, kind="written",
        )  # fmt: skip

    sections = ["2.5 ex. 10", "2.5 ex. 2", "2.5.4", "2.4 ex. 1", "2.3", "2.5.1"]
    assert [s.section for s in book_order(map(spec, sections))] == [
        "2.3",
        "2.4 ex. 1",
        "2.5.1",
        "2.5.4",
        "2.5 ex. 2",
        "2.5 ex. 10",
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Entry("x", "(x)", "doc", kind="method"), r"entry 'x': kind must be 'function' or"),
        (
            lambda: ExerciseSpec(
                id="a.b",
                title="t",
                section="1",
                prompt="p",
                entries=(Entry("f", "(x)", "d"), Entry("f", "(x)", "d")),
            ),  # fmt: skip
            r"exercise 'a.b' lists an entry twice: \['f', 'f'\]",
        ),
        (
            lambda: ExerciseSpec(
                id="a.b", title="t", section="1", prompt="p", entries=SQUARE_ENTRIES, points=-1
            ),
            r"exercise 'a.b': points must be >= 0, got -1",
        ),
        (
            lambda: checks.values("f", samplers.normal(), static=(1.0,), statics=((2.0,),)),
            r"give either static= or statics=, not both",
        ),
        (
            lambda: checks.values("f", samplers.normal(), samples=0),
            r"check on 'f' needs samples >= 1 and one static row",
        ),
        (
            lambda: gk.grading.Sampler("poisson").draw(np.random.default_rng(0)),
            r"unknown sampler kind 'poisson'",
        ),
    ],
)
def test_invalid_definitions_raise_exercise_errors(make, message):
    with pytest.raises(gk.ExerciseError, match=message):
        make()
