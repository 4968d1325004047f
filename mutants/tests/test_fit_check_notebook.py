"""00_fit_check.ipynb executed headlessly by papermill, as batch runs use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook import fit, store

pytestmark = pytest.mark.notebook


def test_preset_and_answers_are_saved_into_the_design(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    before = store.load(example_design).design
    run_notebook(
        "00_fit_check.ipynb",
        {
            "design_path": str(example_design),
            "preset": "succession_pool",
            "answers": {"develop": "one_skill", "helper_role": "feedback_practice"},
            "save": True,
        },
    )
    design = store.load(example_design).design
    assert design.revision == before.revision + 1
    expected = fit.FitAnswers.from_preset(
        "succession_pool", {"develop": "one_skill", "helper_role": "feedback_practice"}
    )
    assert design.fit.answers == expected.answers
    assert design.fit.preset == "succession_pool"
    assert design.fit.result is not None
    assert design.fit.result.recommended[0] == "mentoring"
    assert design.purposes == before.purposes  # another step's decisions: kept


def test_without_save_the_file_is_not_touched(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    before = example_design.read_bytes()
    run_notebook("00_fit_check.ipynb", {"design_path": str(example_design), "preset": "new_system"})
    assert example_design.read_bytes() == before


def test_a_question_answered_twice_is_saved_with_its_partial_answer(
    example_design: Path,
    run_notebook,  # type: ignore[no-untyped-def]
) -> None:
    run_notebook(
        "00_fit_check.ipynb",
        {
            "design_path": str(example_design),
            "answers": {"helper_role": ["listen_advise", "feedback_practice"]},
            "save": True,
        },
    )
    design = store.load(example_design).design
    assert design.fit.answers["helper_role"] == "listen_advise"
    assert design.fit.partly == {"helper_role": "feedback_practice"}
    answers = fit.FitAnswers(design.fit.answers, design.fit.preset, design.fit.partly)
    assert design.fit.result == fit.assess(answers)
