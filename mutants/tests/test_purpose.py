"""Step 1 (purpose): domain functions and the widgets, without a kernel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workbook import store
from workbook.design import new_design
from workbook.errors import InputError
from workbook.steps import purpose
from workbook.ui.purpose import PurposeStep

RETENTION = {
    "purpose": "career_growth",
    "description": "First-year retention of graduates",
    "metric": "retention rate",
    "unit": "%",
    "baseline": "78",
    "target": "88",
    "due": "2027-12-31",
    "data_source": "HRIS",
    "owner": "People team",
}


# ---------------------------------------------------------------- domain


def test_inputs_round_trip_through_a_design(example_design: Path) -> None:
    design = store.load(example_design).design
    inputs = purpose.inputs_from(design)
    assert purpose.apply(design, inputs) == design


def test_apply_touches_only_step_one(example_design: Path) -> None:
    design = store.load(example_design).design
    inputs = purpose.make_inputs(name="Renamed", purposes=["career_growth"], objectives=[RETENTION])
    after = purpose.apply(design, inputs)
    assert after.program.name == "Renamed"
    assert [p.key for p in after.purposes] == ["career_growth"]
    assert after.model == design.model and after.matching == design.matching
    assert after.components == design.components
    # focus areas stay; links to purposes that are gone are dropped
    assert [a.key for a in after.focus_areas] == [a.key for a in design.focus_areas]
    assert all(set(a.purposes) <= {"career_growth"} for a in after.focus_areas)


def test_objective_values_are_parsed_as_people_type_them() -> None:
    inputs = purpose.make_inputs(
        purposes=["career_growth"], objectives=[{**RETENTION, "baseline": "78%", "target": "1,200"}]
    )
    objective = purpose.apply(new_design(), inputs).purposes[0].objectives[0]
    assert (objective.baseline, objective.target) == (78.0, 1200.0)
    assert objective.due == dt.date(2027, 12, 31)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("target", "about ten", "objectives.0.target: must be a number"),
        ("due", "next year", "objectives.0.due: must be a date"),
        ("baseline", "nan", "objectives.0.baseline"),
    ],
)
def test_bad_objective_values_name_the_field(field: str, value: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        purpose.apply(
            new_design(),
            purpose.make_inputs(
                purposes=["career_growth"], objectives=[{**RETENTION, field: value}]
            ),
        )
    assert any(line.startswith(expected) for line in info.value.lines()), info.value.lines()


def test_objective_for_a_purpose_not_chosen_is_refused() -> None:
    inputs = purpose.make_inputs(purposes=["succession"], objectives=[RETENTION])
    with pytest.raises(
        InputError, match=r"objectives\.0\.purpose: measures the purpose 'career_growth'"
    ):
        purpose.apply(new_design(), inputs)


def test_written_in_purpose_gets_a_key_and_keeps_its_title() -> None:
    inputs = purpose.make_inputs(
        purposes=["Grow the data guild"],
        objectives=[{**RETENTION, "purpose": "Grow the data guild"}],
    )
    design = purpose.apply(new_design(), inputs)
    assert design.purposes[0].key == "grow-the-data-guild"
    assert design.purposes[0].title == "Grow the data guild"
    assert purpose.inputs_from(design).purposes == ["Grow the data guild"]


def test_hand_written_purpose_keeps_its_key() -> None:
    design = new_design().model_copy(
        update={"purposes": [purpose.Purpose(key="guild", title="Grow the data guild")]}
    )
    again = purpose.apply(design, purpose.inputs_from(design))
    assert again.purposes[0].key == "guild"


# ---------------------------------------------------------------- widgets


def test_step_shows_what_the_design_holds(example_design: Path) -> None:
    step = PurposeStep.from_params(str(example_design))
    design = store.load(example_design).design
    assert step.name.value == design.program.name
    assert step.checks["succession"].value and not step.checks["onboarding"].value
    assert len(step.rows) == len(design.objectives())
    assert step.rows[0].text["baseline"].value == "78"
    assert "revision 1" in step.header.value


def test_typing_a_bad_value_shows_an_inline_problem_and_blocks_save(example_design: Path) -> None:
    step = PurposeStep.from_params(str(example_design))
    before = example_design.read_bytes()
    step.rows[0].text["target"].value = "ninety"
    assert "Objective 1 target" in step.problems.value and "must be a number" in step.problems.value
    assert "wb-invalid" in step.rows[0].text["target]"[:-1]]._dom_classes
    assert step.save_button.disabled
    assert step.save() is False
    assert example_design.read_bytes() == before
    step.rows[0].text["target"].value = "90"
    assert step.problems.value == "" and not step.save_button.disabled


def test_rule_warnings_follow_the_values(example_design: Path) -> None:
    step = PurposeStep.from_params(str(example_design))
    assert "R7" not in step.warnings.value
    step.rows[0].text["baseline"].value = ""
    assert "R7" in step.warnings.value


def test_save_button_writes_the_file_and_confirms(example_design: Path) -> None:
    step = PurposeStep.from_params(str(example_design))
    step.sponsor.value = "Chief Operating Officer"
    step.save_button.click()
    assert store.load(example_design).design.program.sponsor == "Chief Operating Officer"
    assert "Saved revision 2" in step.status.value


def test_headless_and_interactive_runs_save_identical_designs(tmp_path: Path) -> None:
    params = {
        "name": "Graduate mentoring",
        "sponsor": "CPO",
        "purposes": ["career_growth", "Grow the data guild"],
        "objectives": [RETENTION],
    }
    headless = tmp_path / "headless.yaml"
    PurposeStep.from_params(str(headless), **params, save=True)

    clicked = tmp_path / "clicked.yaml"
    step = PurposeStep.from_params(str(clicked))
    step.name.value = "Graduate mentoring"
    step.sponsor.value = "CPO"
    step.checks["career_growth"].value = True
    step.other.value = "Grow the data guild"
    row = step.add_objective()
    for name in ("description", "metric", "unit", "baseline", "target", "data_source", "owner"):
        row.text[name].value = RETENTION[name]
    row.due.value = dt.date(2027, 12, 31)
    step.save_button.click()

    def content(path: Path) -> dict[str, object]:
        return store.load(path).design.model_dump(exclude={"updated"})

    assert content(headless) == content(clicked)


def test_bad_parameter_fails_a_headless_run_with_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"objectives\.0\.target"):
        PurposeStep.from_params(
            str(tmp_path / "d.yaml"),
            purposes=["career_growth"],
            objectives=[{**RETENTION, "target": "lots"}],
            save=True,
        )
    assert not (tmp_path / "d.yaml").exists()


def test_save_rebases_over_another_steps_save(example_design: Path) -> None:
    step = PurposeStep.from_params(str(example_design))
    other = store.load(example_design)  # e.g. the model step, open in another tab
    store.save(
        other.design.model_copy(
            update={"model": other.design.model.model_copy(update={"duration_months": 10})}
        ),
        other,
    )
    step.sponsor.value = "COO"
    assert step.save() is True
    saved = store.load(example_design).design
    assert saved.program.sponsor == "COO" and saved.model.duration_months == 10


def test_save_refuses_when_someone_changed_this_steps_decisions(example_design: Path) -> None:
    step = PurposeStep.from_params(str(example_design))
    other = store.load(example_design)
    store.save(
        other.design.model_copy(
            update={"program": other.design.program.model_copy(update={"sponsor": "CEO"})}
        ),
        other,
    )
    step.sponsor.value = "COO"
    assert step.save() is False
    assert "changed by someone else" in step.status.value
    assert store.load(example_design).design.program.sponsor == "CEO"
