"""Unsaved edits are kept as a draft and offered back: nothing typed is lost."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import EXAMPLE

from workbook import drafts, store
from workbook.ui.app import App
from workbook.ui.purpose import PurposeStep


def _program(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "graduate-program")
    return tmp_path / "graduate-program" / "design.yaml"


def test_an_edit_is_kept_as_a_draft_and_offered_back_when_the_step_opens_again(
    tmp_path: Path,
) -> None:
    path = _program(tmp_path)
    before = path.read_bytes()
    first = PurposeStep.from_params(str(path))
    assert isinstance(first, PurposeStep)
    first.author = "Dana"
    first.sponsor.value = "Chief Operating Officer"
    assert "kept as a draft" in first.draft_state.value
    assert path.read_bytes() == before  # not saved: only kept
    # The page is reloaded (or the kernel killed): a new step on the same file.
    again = PurposeStep.from_params(str(path))
    assert isinstance(again, PurposeStep)
    assert again.draft_box.layout.display is None
    assert "Unsaved edits from" in again.draft_offer.value and "by Dana" in again.draft_offer.value
    assert again.sponsor.value != "Chief Operating Officer"  # offered, not imposed
    assert again.restore_draft()
    assert again.sponsor.value == "Chief Operating Officer"
    assert again.save()
    assert store.load(path).design.program.sponsor == "Chief Operating Officer"
    assert drafts.pending(path) == set()  # saved: the draft is gone


def test_discard_forgets_the_draft_and_undoing_an_edit_forgets_it_too(tmp_path: Path) -> None:
    path = _program(tmp_path)
    step = PurposeStep.from_params(str(path))
    assert isinstance(step, PurposeStep)
    original = step.sponsor.value
    step.sponsor.value = "COO"
    assert drafts.pending(path) == {"purpose"}
    step.sponsor.value = original  # back to what the file says: nothing to keep
    assert drafts.pending(path) == set() and step.draft_state.value == ""
    step.sponsor.value = "COO"
    again = PurposeStep.from_params(str(path))
    assert isinstance(again, PurposeStep)
    again.discard_draft()
    assert drafts.pending(path) == set() and again.draft_box.layout.display == "none"


def test_a_headless_run_keeps_no_draft(tmp_path: Path) -> None:
    path = _program(tmp_path)
    PurposeStep.from_params(str(path), sponsor="COO", save=True)
    PurposeStep.from_params(str(path), sponsor="CFO", save=False)
    assert drafts.pending(path) == {"purpose"}  # an interactive run does
    step = PurposeStep.from_params(str(path), sponsor="CEO", save=True)
    assert isinstance(step, PurposeStep)
    assert store.load(path).design.program.sponsor == "CEO"


def test_the_progress_bar_marks_a_step_with_unsaved_edits(tmp_path: Path) -> None:
    path = _program(tmp_path)
    app = App(tmp_path, "graduate-program")
    view = app.program
    assert view is not None
    view.go(1)
    view.steps["purpose"].sponsor.value = "COO"  # type: ignore[attr-defined]
    view.go(2)  # moving on: the purpose step keeps its edits, and the bar says so
    assert view.marks[1].description.endswith(" •")
    assert "unsaved edits kept as a draft" in view.marks[1].tooltip
    assert not view.marks[2].description.endswith(" •")
    view.go(1)
    assert view.steps["purpose"].save()  # type: ignore[union-attr]
    assert not view.marks[1].description.endswith(" •")
    assert drafts.pending(path) == set()
