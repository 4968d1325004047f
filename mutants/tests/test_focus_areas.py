"""Step 2 (focus areas): domain functions and the widgets, without a kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook import store
from workbook.design import Design, FocusArea, new_design
from workbook.errors import InputError
from workbook.steps import focus_areas, purpose
from workbook.ui.focus_areas import FocusAreasStep, keep_order

CAREER = {
    "key": "career_development",
    "priority": "high",
    "purposes": ["career_growth"],
    "note": "Career conversations in every relationship.",
}


def with_purposes(*keys: str) -> Design:
    return purpose.apply(new_design(), purpose.make_inputs(purposes=list(keys)))


def content(path: Path) -> dict[str, object]:
    return store.load(path).design.model_dump(exclude={"updated"})


# ---------------------------------------------------------------- domain


def test_inputs_round_trip_through_a_design(example_design: Path) -> None:
    design = store.load(example_design).design
    assert focus_areas.apply(design, focus_areas.inputs_from(design)) == design


def test_apply_touches_only_the_focus_areas(example_design: Path) -> None:
    design = store.load(example_design).design
    after = focus_areas.apply(design, focus_areas.make_inputs(focus_areas=[CAREER]))
    assert [a.key for a in after.focus_areas] == ["career_development"]
    assert after.focus_areas[0].priority == "high"
    assert after.model_dump(exclude={"focus_areas"}) == design.model_dump(exclude={"focus_areas"})


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ({"key": "networking", "priority": "urgent"}, "focus_areas.0.priority: is not one of"),
        ({"key": ""}, "focus_areas.0.key: must not be empty"),
        ({"key": "networking", "colour": "red"}, "focus_areas.0.colour: unknown field"),
    ],
)
def test_bad_values_name_the_field(area: dict[str, object], expected: str) -> None:
    with pytest.raises(InputError) as info:
        focus_areas.make_inputs(focus_areas=[area])
    assert any(line.startswith(expected) for line in info.value.lines()), info.value.lines()


def test_a_purpose_the_design_lacks_is_refused_by_field() -> None:
    inputs = focus_areas.make_inputs(focus_areas=[{**CAREER, "purposes": ["succession"]}])
    with pytest.raises(InputError, match=r"focus_areas\.0\.purposes: serves the purpose"):
        focus_areas.apply(with_purposes("career_growth"), inputs)


def test_a_focus_area_listed_twice_is_refused() -> None:
    inputs = focus_areas.make_inputs(focus_areas=[CAREER, {"key": "career_development"}])
    with pytest.raises(InputError, match=r"focus_areas\.1\.key: focus area .* listed twice"):
        focus_areas.apply(with_purposes("career_growth"), inputs)


def test_suggestions_follow_the_catalogue_links_to_the_chosen_purposes() -> None:
    design = with_purposes("knowledge_retention", "onboarding")
    found = focus_areas.suggestions(design)
    assert found["knowledge_transfer"] == ["knowledge_retention", "onboarding"]
    assert found["networking"] == ["onboarding"]
    assert "leadership_development" not in found


def test_suggest_fills_only_what_is_empty_and_never_adds_skill_coaching() -> None:
    design = with_purposes("career_growth", "performance_improvement")
    before = focus_areas.make_inputs(
        focus_areas=[{"key": "networking", "priority": "low", "note": "mine"}]
    )
    after = focus_areas.suggest(design, before).focus_areas
    assert after[0].model_dump() == {
        "key": "networking",
        "priority": "low",
        "purposes": ["career_growth"],  # was unlinked: linked to what it serves
        "note": "mine",
    }
    keys = [a.key for a in after]
    assert "career_development" in keys and "psychosocial_support" in keys
    assert "skill_coaching" not in keys  # serves performance_improvement, but not suggested


@pytest.mark.parametrize(
    ("areas", "expected"),
    [
        ([{"key": "skill_coaching"}], "is a coaching program"),
        (
            [
                {"key": "skill_coaching", "priority": "high"},
                {"key": "networking", "priority": "medium"},
            ],
            "higher priority than every other focus area",
        ),
        ([{"key": "networking"}], "No focus area serves the purpose 'Career growth"),
    ],
)
def test_advice_on_coaching_and_unserved_purposes(
    areas: list[dict[str, object]], expected: str
) -> None:
    design = with_purposes("career_growth").model_copy(
        update={"focus_areas": [FocusArea.model_validate(a) for a in areas]}
    )
    assert any(expected in a.message for a in focus_areas.advice(design))


def test_no_advice_for_a_balanced_design(example_design: Path) -> None:
    assert focus_areas.advice(store.load(example_design).design) == []


def test_keep_order() -> None:
    assert keep_order(["b", "a"], ["a", "b", "c"]) == ["b", "a", "c"]
    assert keep_order(["b", "a"], ["a"]) == ["a"]


# ---------------------------------------------------------------- widgets


def test_step_shows_what_the_design_holds(example_design: Path) -> None:
    step = FocusAreasStep.from_params(str(example_design))
    assert isinstance(step, FocusAreasStep)
    row = step.rows["career_development"]
    assert row.include.value and row.priority.value == "high"
    assert row.purposes["career_growth"].value and row.purposes["succession"].value
    assert not row.purposes["knowledge_retention"].value
    assert not step.rows["leadership_development"].include.value
    assert step.rows["skill_coaching"].note.value.startswith("Skill coaching is one strategy")
    assert "Suggested" in step.rows["knowledge_transfer"].box.children[0].children[1].value
    assert "coaching program" in step.header.value  # the help explains it
    assert step.problems.value == "" and step.warnings.value == ""


def test_opening_and_saving_keeps_the_designs_order_and_everything_else(
    example_design: Path,
) -> None:
    before = content(example_design)
    step = FocusAreasStep.from_params(str(example_design))
    assert step.save() is True
    assert "No changes to save" in step.status.value
    assert content(example_design) == before


def test_hand_written_focus_areas_are_shown_and_kept(example_design: Path) -> None:
    snap = store.load(example_design)
    areas = [
        FocusArea(key="Cross-site collaboration", priority="low", note="Work across sites."),
        *snap.design.focus_areas,
        FocusArea(key="mystery"),  # unknown and without a note: an error, but kept
    ]
    store.save(snap.design.model_copy(update={"focus_areas": areas}), snap)
    step = FocusAreasStep.from_params(str(example_design))
    assert [r.name.value for r in step.custom if r.name] == ["Cross-site collaboration", "mystery"]
    assert "E-unknown-focus-area" in step.warnings.value
    step.custom[1].note.value = "A focus we will describe later."
    assert step.save() is True
    saved = store.load(example_design).design.focus_areas
    assert [a.key for a in saved] == [a.key for a in areas]
    assert saved[-1].note == "A focus we will describe later."


def test_ticking_untick_and_order(example_design: Path) -> None:
    step = FocusAreasStep.from_params(str(example_design))
    step.rows["networking"].include.value = False
    step.rows["leadership_development"].include.value = True
    step.rows["leadership_development"].purposes["succession"].value = True
    step.rows["networking"].include.value = True
    keys = [a.key for a in step.read().focus_areas]
    assert keys[-2:] == ["leadership_development", "networking"]
    assert step.read().focus_areas[-2].purposes == ["succession"]


def test_advice_follows_the_values(example_design: Path) -> None:
    step = FocusAreasStep.from_params(str(example_design))
    assert step.advice.value == ""
    for key, row in step.rows.items():
        row.include.value = key == "skill_coaching"
    assert "coaching program" in step.advice.value
    step.rows["career_development"].include.value = True
    assert "coaching program" not in step.advice.value


def test_a_written_in_area_without_a_name_shows_an_inline_problem(example_design: Path) -> None:
    step = FocusAreasStep.from_params(str(example_design))
    before = example_design.read_bytes()
    row = step.add_area()
    assert "Focus area 6 key" in step.problems.value
    assert "must not be empty" in step.problems.value
    assert "wb-invalid" in row.name._dom_classes  # type: ignore[union-attr]
    assert step.save_button.disabled and step.save() is False
    assert example_design.read_bytes() == before
    row.name.value = "Cross-site collaboration"  # type: ignore[union-attr]
    assert step.problems.value == "" and "E-unknown-focus-area" in step.warnings.value
    row.note.value = "Work across sites."
    assert "E-unknown-focus-area" not in step.warnings.value


def test_suggest_button_fills_empty_links_and_says_what_it_did(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    snap = store.load_or_new(path)
    store.save(with_purposes("knowledge_retention", "onboarding"), snap)
    step = FocusAreasStep.from_params(str(path))
    assert step.read().focus_areas == []  # nothing is prefilled silently
    step.suggest_button.click()
    keys = [a.key for a in step.read().focus_areas]
    assert keys == ["knowledge_transfer", "psychosocial_support", "networking"]
    assert step.rows["knowledge_transfer"].purposes["onboarding"].value
    assert "Included: Knowledge transfer" in step.status.value
    assert store.load(path).design.focus_areas == []  # suggesting is not saving


def test_headless_and_interactive_runs_save_identical_designs(tmp_path: Path) -> None:
    base = with_purposes("career_growth", "succession")
    headless, clicked = tmp_path / "headless.yaml", tmp_path / "clicked.yaml"
    for path in (headless, clicked):
        store.save(base, store.load_or_new(path))
    params = [
        {"key": "leadership_development", "priority": "high", "purposes": ["succession"]},
        {**CAREER, "purposes": ["succession", "career_growth"]},
        {"key": "Cross-site collaboration", "priority": "low", "note": "Work across sites."},
    ]
    FocusAreasStep.from_params(str(headless), focus_areas=params, save=True)

    step = FocusAreasStep.from_params(str(clicked))
    assert isinstance(step, FocusAreasStep)
    lead = step.rows["leadership_development"]
    lead.include.value = True
    lead.priority.value = "high"
    lead.purposes["succession"].value = True
    career = step.rows["career_development"]
    career.include.value = True
    career.priority.value = "high"
    career.purposes["succession"].value = True
    career.purposes["career_growth"].value = True
    career.note.value = CAREER["note"]
    row = step.add_area()
    row.name.value = "Cross-site collaboration"  # type: ignore[union-attr]
    row.priority.value = "low"
    row.note.value = "Work across sites."
    step.save_button.click()

    assert content(headless) == content(clicked)
    saved = store.load(headless).design.focus_areas
    assert saved[1].purposes == ["succession", "career_growth"]


def test_headless_suggest_equals_pressing_the_button(tmp_path: Path) -> None:
    base = with_purposes("onboarding")
    headless, clicked = tmp_path / "headless.yaml", tmp_path / "clicked.yaml"
    for path in (headless, clicked):
        store.save(base, store.load_or_new(path))
    FocusAreasStep.from_params(str(headless), suggest=True, save=True)
    step = FocusAreasStep.from_params(str(clicked))
    step.suggest_button.click()
    step.save_button.click()
    assert content(headless) == content(clicked)
    assert store.load(headless).design.focus_areas


def test_bad_parameter_fails_a_headless_run_with_the_field(example_design: Path) -> None:
    before = example_design.read_bytes()
    with pytest.raises(InputError, match=r"focus_areas\.0\.purposes"):
        FocusAreasStep.from_params(
            str(example_design),
            focus_areas=[{"key": "networking", "purposes": ["onboarding"]}],
            save=True,
        )
    with pytest.raises(InputError, match=r"focus_areas\.0\.priority"):
        FocusAreasStep.from_params(
            str(example_design), focus_areas=[{"key": "networking", "priority": "x"}], save=True
        )
    assert example_design.read_bytes() == before


def test_bad_parameter_interactively_is_shown_not_raised(example_design: Path) -> None:
    step = FocusAreasStep.from_params(
        str(example_design), focus_areas=[{"key": "networking", "priority": "x"}]
    )
    assert isinstance(step, FocusAreasStep)
    assert "is not one of the allowed values" in step.problems.value


def test_save_rebases_over_another_steps_save(example_design: Path) -> None:
    step = FocusAreasStep.from_params(str(example_design))
    other = store.load(example_design)
    store.save(
        other.design.model_copy(
            update={"model": other.design.model.model_copy(update={"duration_months": 10})}
        ),
        other,
    )
    step.rows["networking"].priority.value = "high"
    assert step.save() is True
    saved = store.load(example_design).design
    assert saved.model.duration_months == 10
    assert next(a for a in saved.focus_areas if a.key == "networking").priority == "high"


def test_save_refuses_when_someone_changed_this_steps_decisions(example_design: Path) -> None:
    step = FocusAreasStep.from_params(str(example_design))
    other = store.load(example_design)
    store.save(other.design.model_copy(update={"focus_areas": []}), other)
    step.rows["networking"].priority.value = "high"
    assert step.save() is False
    assert "changed by someone else" in step.status.value
    assert store.load(example_design).design.focus_areas == []
