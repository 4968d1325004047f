"""Two people editing the same program at once, without a kernel: the second save does
not overwrite the first, the step says who saved what and when, and either way on
(reload theirs, keep mine) loses nothing anyone typed."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from workbook import conflict as merging
from workbook import store
from workbook.design import Design
from workbook.errors import ConflictError
from workbook.steps import purpose
from workbook.ui.model import ModelStep
from workbook.ui.purpose import PurposeStep


def _purpose(path: Path, author: str) -> PurposeStep:
    step = PurposeStep.from_params(str(path))
    assert isinstance(step, PurposeStep)
    step.author = author
    return step


def _shown(step: PurposeStep) -> str:
    """What the person reads of the conflict: the status line and the panel's text."""
    return html.unescape(re.sub("<[^>]+>", "", step.status.value + step.conflict.text.value))


def _kept(path: Path) -> Design:
    return store.parse_bytes(path.read_bytes(), str(path))


@pytest.fixture
def clash(example_design: Path) -> tuple[PurposeStep, PurposeStep]:
    """Sam and Alex open step 1; Sam saves a new sponsor; Alex's save of another one
    is refused."""
    sam, alex = _purpose(example_design, "Sam"), _purpose(example_design, "Alex")
    sam.sponsor.value = "Chief Operating Officer"
    assert sam.save() is True
    alex.sponsor.value = "Chief Financial Officer"
    alex.problem.value = "Alex's paragraph about attrition"
    assert alex.save() is False
    return sam, alex


def test_the_second_save_shows_who_saved_what_and_when(
    clash: tuple[PurposeStep, PurposeStep], example_design: Path
) -> None:
    _sam, alex = clash
    on_disk = store.load(example_design).design
    assert on_disk.program.sponsor == "Chief Operating Officer"  # Sam's save stands
    assert alex.conflict.visible and alex.conflict.box.layout.display != "none"
    shown = _shown(alex)
    when = f"{on_disk.updated:%H:%M} UTC"
    assert f"Sam saved revision 2 at {when}, changing: Strategic purpose and objectives." in shown
    assert "changed by someone else" in alex.status.value
    (kept,) = [p for p in store.revisions(example_design) if p.name.endswith("-conflict.yaml")]
    assert f"kept as design.history/{kept.name}" in shown
    assert str(example_design.parent) not in shown  # file names, never server paths
    mine = _kept(kept)
    assert mine.program.sponsor == "Chief Financial Officer" and mine.updated_by == "Alex"
    assert alex.sponsor.value == "Chief Financial Officer"  # still in the form


def test_reload_theirs_shows_their_version_and_keeps_mine_in_the_history(
    clash: tuple[PurposeStep, PurposeStep], example_design: Path
) -> None:
    _sam, alex = clash
    alex.conflict.reload_button.click()
    assert alex.sponsor.value == "Chief Operating Officer"
    assert not alex.conflict.visible and alex.conflict.box.layout.display == "none"
    (kept,) = [p for p in store.revisions(example_design) if p.name.endswith("-conflict.yaml")]
    assert f"Your version is kept in the history folder as design.history/{kept.name}." in (
        html.unescape(alex.status.value)
    )
    assert _kept(kept).program.problem_statement == "Alex's paragraph about attrition"
    assert "revision 2" in alex.header.value
    # the form now starts from their revision: the next save is an ordinary one
    alex.owner.value = "Alex's team"
    assert alex.save() is True
    saved = store.load(example_design).design
    assert (saved.revision, saved.program.owner) == (3, "Alex's team")
    assert saved.program.sponsor == "Chief Operating Officer"


def test_keep_mine_saves_a_new_revision_and_keeps_theirs_in_the_history(
    clash: tuple[PurposeStep, PurposeStep], example_design: Path
) -> None:
    _sam, alex = clash
    alex.conflict.keep_button.click()
    saved = store.load(example_design).design
    assert (saved.revision, saved.updated_by) == (3, "Alex")
    assert saved.program.sponsor == "Chief Financial Officer"
    assert saved.program.problem_statement == "Alex's paragraph about attrition"
    assert not alex.conflict.visible
    status = html.unescape(alex.status.value)
    (theirs,) = [p for p in store.revisions(example_design) if p.name.endswith("-r0002.yaml")]
    assert f"Revision 2 (Sam's) is kept in the history folder as design.history/{theirs.name}" in (
        status
    )
    assert _kept(theirs).program.sponsor == "Chief Operating Officer"
    assert _kept(theirs).updated_by == "Sam"


def test_keep_mine_keeps_their_edits_to_other_steps(example_design: Path) -> None:
    alex = _purpose(example_design, "Alex")
    sam = store.load(example_design)
    program = sam.design.program.model_copy(update={"sponsor": "CEO"})
    model = sam.design.model.model_copy(update={"duration_months": 10})
    store.save(
        sam.design.model_copy(update={"program": program, "model": model}), sam, author="Sam"
    )
    alex.sponsor.value = "CFO"
    assert alex.save() is False
    assert "changing: Strategic purpose and objectives; Mentoring model, roles and boundaries." in (
        _shown(alex)
    )
    assert alex.keep_mine() is True
    saved = store.load(example_design).design
    assert saved.program.sponsor == "CFO" and saved.model.duration_months == 10


def test_keep_mine_is_checked_against_the_file_when_pressed(
    clash: tuple[PurposeStep, PurposeStep], example_design: Path
) -> None:
    _sam, alex = clash
    kim = _purpose(example_design, "Kim")  # opens revision 2 and saves while the panel is up
    kim.sponsor.value = "Chief People Officer"
    assert kim.save() is True
    alex.conflict.keep_button.click()
    saved = store.load(example_design).design
    assert (saved.revision, saved.program.sponsor) == (3, "Chief People Officer")
    assert "Kim saved revision 3 at" in _shown(alex) and alex.conflict.visible
    kept = [p for p in store.revisions(example_design) if p.name.endswith("-conflict.yaml")]
    assert [_kept(p).program.sponsor for p in kept] == ["Chief Financial Officer"] * 2
    alex.conflict.keep_button.click()  # now over Kim's, knowingly
    saved = store.load(example_design).design
    assert (saved.revision, saved.program.sponsor) == (4, "Chief Financial Officer")
    assert "Revision 3 (Kim's) is kept" in _shown(alex)


def test_a_rebased_save_still_rebases_without_a_panel(example_design: Path) -> None:
    alex = _purpose(example_design, "Alex")
    model = ModelStep.from_params(str(example_design))
    assert isinstance(model, ModelStep)
    model.duration.value = "10"
    assert model.save() is True
    alex.sponsor.value = "CFO"
    assert alex.save() is True and not alex.conflict.visible
    saved = store.load(example_design).design
    assert (saved.program.sponsor, saved.model.duration_months) == ("CFO", 10)


def test_a_headless_save_still_fails_on_a_conflict(example_design: Path) -> None:
    alex = _purpose(example_design, "")
    PurposeStep.from_params(str(example_design), sponsor="CEO", save=True)
    alex.sponsor.value = "CFO"
    with pytest.raises(ConflictError, match="changed by someone else"):
        alex.save(raise_errors=True)
    assert store.load(example_design).design.program.sponsor == "CEO"


def test_without_a_name_the_hub_login_is_recorded(
    example_design: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "alex.k")
    step = _purpose(example_design, "")
    step.sponsor.value = "CFO"
    assert step.save() is True
    assert store.load(example_design).design.updated_by == "alex.k"


def test_an_unreadable_newer_file_is_said_without_server_paths(example_design: Path) -> None:
    alex = _purpose(example_design, "Alex")
    example_design.write_text("model: [\n")  # broken by a hand edit meanwhile
    alex.sponsor.value = "CFO"
    assert alex.save() is False
    shown = _shown(alex)
    assert "cannot be read now" in shown and "design.yaml" in shown
    assert "-conflict.yaml" in shown and str(example_design.parent) not in shown
    assert not alex.conflict.visible
    assert example_design.read_text() == "model: [\n"


def test_a_new_design_saved_after_someone_created_the_file_names_files_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "design.yaml"
    mine = _purpose(path, "Alex")  # a design that does not exist yet
    store.create(path, "Sam's program")
    mine.sponsor.value = "CFO"
    assert mine.save() is False
    shown = _shown(mine)
    assert "design.yaml: already exists" in shown and "kept as design.history/" in shown
    assert str(tmp_path) not in shown
    (kept,) = store.revisions(path)
    assert _kept(kept).program.sponsor == "CFO"
    assert store.load(path).design.program.name == "Sam's program"


def _field_rows(step: PurposeStep) -> dict[str, str]:
    """Field label -> what its row in the conflict panel says (theirs and yours)."""
    rows = {}
    for row in step.conflict.fields.children:
        text = html.unescape(re.sub("<[^>]+>", " ", row.children[0].value))
        label = re.sub(r"\s+", " ", text).strip()
        rows[label.split(" Sam's:")[0].split(" (you both")[0]] = label
    return rows


def test_the_panel_shows_each_differing_field_and_merges_the_choices(
    example_design: Path,
) -> None:
    sam, alex = _purpose(example_design, "Sam"), _purpose(example_design, "Alex")
    sam.sponsor.value = "Chief Executive"
    sam.owner.value = "Sam's office"
    assert sam.save() is True
    alex.sponsor.value = "COO"
    alex.problem.value = "Alex's paragraph about attrition"
    assert alex.save() is False

    rows = _field_rows(alex)
    assert set(rows) == {"Sponsor", "Owner", "Problem"}, rows
    assert "Sam's: \u201cChief Executive\u201d Yours: \u201cCOO\u201d" in rows["Sponsor"]
    assert "(you both changed it)" in rows["Sponsor"]
    assert "Sam's: \u201cSam's office\u201d" in rows["Owner"]
    # Proposed: the side that changed the field; yours where both did.
    proposed = {name: t.value for name, t in alex.conflict._choices.items()}
    assert proposed == {"sponsor": "mine", "owner": "theirs", "problem_statement": "mine"}

    alex.conflict.choose("sponsor", "theirs")
    alex.conflict.merge_button.click()
    saved = store.load(example_design).design
    assert (saved.revision, saved.updated_by) == (3, "Alex")
    assert saved.program.sponsor == "Chief Executive"  # Sam's, as chosen
    assert saved.program.owner == "Sam's office"  # Sam's: only Sam changed it
    assert saved.program.problem_statement == "Alex's paragraph about attrition"
    assert not alex.conflict.visible and alex.conflict.fields.children == ()
    assert alex.sponsor.value == "Chief Executive"  # the form shows what was saved
    (theirs,) = [p for p in store.revisions(example_design) if p.name.endswith("-r0002.yaml")]
    assert _kept(theirs).program.owner == "Sam's office"  # every version stays on disk


def test_list_and_row_fields_are_compared_whole_and_shown_in_words() -> None:
    base = purpose.make_inputs(
        purposes=["retention"],
        objectives=[{"purpose": "retention", "description": "Keep graduates", "target": 90}],
    )
    theirs = base.model_copy(update={"purposes": ["retention", "Grow our guild"]})
    mine = purpose.make_inputs(
        purposes=["retention"],
        objectives=[{"purpose": "retention", "description": "Keep graduates", "target": 95}],
    )
    choices = merging.differences(base, mine, theirs)
    assert [(c.field, c.proposed) for c in choices] == [
        ("purposes", "theirs"),
        ("objectives", "mine"),
    ]
    assert merging.shown(choices[0].theirs) == "retention; Grow our guild"
    words = merging.shown(choices[1].mine)
    assert "Keep graduates" in words and "95" in words
    assert not any(c in words for c in "{}[]'") and "None" not in words
    merged = merging.merge(mine, theirs, ["purposes"])
    assert merged.purposes == ["retention", "Grow our guild"]
    assert merged.objectives[0].target == 95
    assert merging.shown("") == merging.shown(None) == "(empty)"
    assert merging.shown("x" * 500).endswith("…") and len(merging.shown("x" * 500)) == 160
