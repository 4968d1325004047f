"""Step 3 (model, participation, roles, boundary): domain functions and the widgets."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest
import yaml

from workbook import knowledge, store
from workbook.design import Design, Roles, new_design
from workbook.errors import InputError
from workbook.steps import model, purpose
from workbook.ui.model import PARAMETERS, ModelStep

MILESTONES = [
    {"name": "Kick-off", "month": 0, "description": "First meeting and agreement."},
    {"name": "Midpoint review", "month": "6", "description": ""},
]

PARAMS: dict[str, object] = {
    "model_format": "group",
    "intake": "rolling",
    "start_date": "2027-09-01",
    "duration_months": 10,
    "cadence": "fortnightly",
    "meeting_mode": "virtual",
    "meeting_minutes": 45,
    "group_size": 4,
    "milestones": MILESTONES,
    "mentee_eligibility": "Anyone in their first year.",
    "mentor_eligibility": "Five years' experience.",
    "voluntary": True,
    "both_roles_allowed": False,
    "expected_mentees": 40,
    "expected_mentors": 10,
    "mentor_capacity": 1,
    "mentor_recognition": "A thank-you dinner.",
    "roles": {"mentee": ["Drives the learning."], "steering_group_members": ["CPO (chair)"]},
    "confidentiality_statement": "What is said stays in the group.",
    "manager_hears_goals": True,
    "manager_receives_progress": False,
    "manager_directs_learning": False,
    "feeds_performance_review": False,
}


def content(path: Path) -> dict[str, object]:
    return store.load(path).design.model_dump(exclude={"updated"})


def fresh(tmp_path: Path, name: str, design: Design | None = None) -> Path:
    path = tmp_path / name
    store.save(design or new_design("Pilot"), store.load_or_new(path))
    return path


# ---------------------------------------------------------------- knowledge


def test_roles_catalogue_covers_every_role_of_the_design() -> None:
    keys = {e.key for e in knowledge.catalogue("roles")}
    assert keys == set(Roles.model_fields) - {"steering_group_members"}
    for entry in knowledge.catalogue("roles"):
        assert entry.extra("responsibilities"), entry.key
    manager = " ".join(knowledge.entry("roles", "manager").extra("responsibilities"))  # type: ignore[union-attr]
    assert "never the mentee's mentor" in manager and "no details" in manager


def test_every_default_is_a_valid_value_of_its_field() -> None:
    empty = model.make_inputs()
    for entry in knowledge.catalogue("model_defaults"):
        part, name = entry.key.split(".")
        assert name in type(getattr(empty, part)).model_fields, entry.key
        model.make_inputs(**{part: {name: entry.extra("value")}})


def test_the_defaults_break_no_rule() -> None:
    from workbook import rules

    design = model.apply(new_design(), model.suggest(model.make_inputs())[0])
    assert rules.for_step(design, "model") == []
    assert model.advice(design) == []


# ---------------------------------------------------------------- domain


def test_inputs_round_trip_through_a_design(example_design: Path) -> None:
    design = store.load(example_design).design
    assert model.apply(design, model.inputs_from(design)) == design


def test_apply_touches_only_the_steps_four_parts(example_design: Path) -> None:
    design = store.load(example_design).design
    after = model.apply(design, model.make_inputs(model={"duration_months": "9"}))
    assert after.model.duration_months == 9 and after.model.format is None
    assert after.participation.voluntary is None and after.roles.mentee == []
    mine = {"model", "participation", "roles", "confidentiality"}
    assert after.model_dump(exclude=mine) == design.model_dump(exclude=mine)


def test_blank_boxes_are_undecided_not_errors() -> None:
    inputs = model.make_inputs(
        model={"duration_months": "", "format": None, "start_date": " "},
        participation={"expected_mentees": "", "voluntary": None},
    )
    assert inputs.model.duration_months is None and inputs.participation.expected_mentees is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"model": {"duration_months": "twelve"}}, "model.duration_months: must be a whole number"),
        ({"model": {"duration_months": "0"}}, "model.duration_months: is too small"),
        ({"model": {"format": "mob"}}, "model.format: is not one of the allowed values"),
        ({"model": {"start_date": "soon"}}, "model.start_date: must be a date"),
        ({"model": {"milestones": [{"name": "", "month": 1}]}}, "model.milestones.0.name"),
        ({"model": {"milestones": [{"name": "x", "month": "-1"}]}}, "model.milestones.0.month"),
        ({"participation": {"mentor_capacity": "many"}}, "participation.mentor_capacity"),
        ({"roles": {"buddy": ["x"]}}, "roles.buddy: unknown field"),
    ],
)
def test_bad_values_name_the_field(values: dict[str, object], expected: str) -> None:
    with pytest.raises(InputError) as info:
        model.make_inputs(**values)
    assert any(line.startswith(expected) for line in info.value.lines()), info.value.lines()


@pytest.mark.parametrize(
    ("duration", "months"),
    [(12, [0, 1, 2, 11]), (9, [0, 1, 1.5, 8.5]), (18, [0, 1.5, 3, 16.5]), (None, [0, 1, 2, 11])],
)
def test_zachary_phases_scale_to_the_duration(duration: int | None, months: list[float]) -> None:
    phases = model.zachary_milestones(duration)
    assert [m.name for m in phases] == [
        "Preparing",
        "Negotiating",
        "Enabling growth",
        "Coming to closure",
    ]
    assert [m.month for m in phases] == months


def test_suggest_fills_only_empty_fields_and_says_which() -> None:
    inputs = model.make_inputs(
        model={"duration_months": 9, "cadence": "weekly"},
        participation={"voluntary": False},
        roles={"mentee": ["Mine."]},
    )
    after, filled = model.suggest(inputs)
    assert after.model.cadence == "weekly" and after.participation.voluntary is False
    assert after.roles.mentee == ["Mine."]
    assert (
        after.model.format == "one_to_one"
        and after.confidentiality.feeds_performance_review is False
    )
    assert [m.month for m in after.model.milestones] == [0, 1, 1.5, 8.5]  # scaled to 9 months
    fields = [f.field for f in filled]
    assert "model.cadence" not in fields and "participation.voluntary" not in fields
    assert "roles.mentee" not in fields and "roles.manager" in fields
    assert all(f.source for f in filled)
    again, nothing = model.suggest(after)
    assert again == after and nothing == []


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"format": "group", "group_size": None}, "model.group_size", "needs a group size"),
        ({"format": "one_to_one", "group_size": 4}, "model.group_size", "used only by the group"),
        (
            {"milestones": [{"name": "Late", "month": 14}]},
            "model.milestones.0.month",
            "after the relationships end",
        ),
    ],
)
def test_advice_on_the_model(
    example_design: Path, change: dict[str, object], field: str, expected: str
) -> None:
    design = store.load(example_design).design
    data = {**design.model.model_dump(), **change}
    edited = model.apply(
        design, model.make_inputs(**{**model.inputs_from(design).model_dump(), "model": data})
    )
    notes = model.advice(edited)
    assert any(a.field == field and expected in a.message for a in notes), notes


def test_advice_asks_for_the_boundary_statement(example_design: Path) -> None:
    design = store.load(example_design).design
    silent = design.model_copy(
        update={"confidentiality": design.confidentiality.model_copy(update={"statement": ""})}
    )
    (note,) = model.advice(silent)
    assert note.field == "confidentiality.statement" and "R2" in note.source


def test_advice_when_mentors_cannot_take_every_mentee(example_design: Path) -> None:
    design = store.load(example_design).design  # 60 mentees, 30 mentors with room for 2
    assert model.advice(design) == []
    fewer = design.model_copy(
        update={"participation": design.participation.model_copy(update={"mentor_capacity": 1})}
    )
    (note,) = model.advice(fewer)
    assert note.field == "participation.expected_mentees" and "30 place(s) for 60" in note.message


def test_formats_suiting_the_purposes_come_first() -> None:
    design = purpose.apply(
        new_design(), purpose.make_inputs(purposes=["learning_organisation", "onboarding"])
    )
    hints = model.format_hint(design)
    assert hints[0][0] in ("group", "peer")
    assert hints[0][1] == ["A learning organisation", "Onboarding and orientation"]


# ---------------------------------------------------------------- widgets


def test_step_shows_what_the_design_holds(example_design: Path) -> None:
    step = ModelStep.from_params(str(example_design))
    assert isinstance(step, ModelStep)
    assert step.format.value == "one_to_one" and step.duration.value == "12"
    assert step.start_date.value == dt.date(2027, 3, 1)
    assert step.milestone_rows[0].name.value == "Kick-off and mentoring agreement"
    assert step.milestone_rows[2].month.value == "6"
    assert step.people["voluntary"].value is True
    assert step.people["expected_mentees"].value == "60"
    assert "never the mentee's mentor" in step.roles["manager"].value
    assert step.boundary["manager_receives_progress"].value is False
    assert step.group_box.layout.display == "none"  # one-to-one: no group size
    assert "Suits your purposes" in step.format_help.value
    assert step.problems.value == "" and step.warnings.value == ""


def test_opening_and_saving_changes_nothing(example_design: Path) -> None:
    before = content(example_design)
    step = ModelStep.from_params(str(example_design))
    assert step.save() is True and "No changes to save" in step.status.value
    assert content(example_design) == before


def test_a_hand_edited_design_is_shown_and_kept(example_design: Path) -> None:
    data = yaml.safe_load(example_design.read_text())
    data["confidentiality"]["statement"] = "First line.\nSecond line."
    data["model"]["milestones"][2]["month"] = 6.5
    data["model"]["group_size"] = 3  # not used by one-to-one, but the designer's to keep
    example_design.write_text(yaml.safe_dump(data, sort_keys=False))
    before = content(example_design)
    step = ModelStep.from_params(str(example_design))
    assert isinstance(step, ModelStep)
    assert step.statement.value == "First line.\nSecond line."
    assert step.milestone_rows[2].month.value == "6.5"
    assert step.group_size.value == "3" and step.group_box.layout.display is None
    assert "used only by the group" in step.notes["model.group_size"].value
    assert step.save() is True and "No changes to save" in step.status.value
    assert content(example_design) == before


def test_r6_warning_appears_next_to_the_duration_as_the_user_types(example_design: Path) -> None:
    step = ModelStep.from_params(str(example_design))
    note = step.notes["model.duration_months"]
    assert note.value == ""
    step.duration.value = "4"
    assert "R6" in note.value and "R6" in step.warnings.value
    step.format.value = "flash"  # short by design: no warning
    assert "R6" not in note.value
    step.format.value = "one_to_one"
    step.duration.value = "10"
    assert note.value == ""


@pytest.mark.parametrize(
    ("widget", "value", "note", "rule"),
    [
        ("voluntary", False, "participation.voluntary", "R4"),
        ("both_roles_allowed", False, "participation.both_roles_allowed", "R8"),
        ("manager_receives_progress", True, "confidentiality.manager_receives_progress", "R2"),
        ("manager_directs_learning", True, "confidentiality.manager_directs_learning", "R5"),
        ("feeds_performance_review", True, "confidentiality.feeds_performance_review", "R3"),
    ],
)
def test_rule_warnings_sit_next_to_their_widget(
    example_design: Path, widget: str, value: bool, note: str, rule: str
) -> None:
    step = ModelStep.from_params(str(example_design))
    box = step.people.get(widget) or step.boundary[widget]
    box.value = value
    # The designer sees the rule's id with its name beside it.
    assert f"<b>{rule} · {knowledge.rule(rule).title}</b>" in step.notes[note].value


def test_a_bad_value_shows_an_inline_problem_and_blocks_save(example_design: Path) -> None:
    step = ModelStep.from_params(str(example_design))
    before = example_design.read_bytes()
    step.milestone_rows[1].month.value = "soon"
    assert "Milestone 2 month" in step.problems.value and "must be a number" in step.problems.value
    assert "wb-invalid" in step.milestone_rows[1].month._dom_classes
    assert step.save_button.disabled and step.save() is False
    assert example_design.read_bytes() == before
    step.milestone_rows[1].month.value = "1.5"
    assert step.problems.value == "" and not step.save_button.disabled


def test_group_size_shows_for_group_formats(example_design: Path) -> None:
    step = ModelStep.from_params(str(example_design))
    step.format.value = "group"
    assert step.group_box.layout.display is None
    assert "needs a group size" in step.notes["model.group_size"].value
    step.group_size.value = "5"
    assert step.notes["model.group_size"].value == ""


def test_milestone_rows_add_remove_and_zachary(tmp_path: Path) -> None:
    step = ModelStep.from_params(str(fresh(tmp_path, "d.yaml")))
    assert isinstance(step, ModelStep)
    step.duration.value = "9"
    step.add_milestone({"name": "Negotiating", "month": 1})
    step.add_milestone({"name": "Party", "month": 3})
    step.remove_milestone(step.milestone_rows[1])
    step.use_zachary()
    names = [r.name.value for r in step.milestone_rows]
    assert names == ["Negotiating", "Preparing", "Enabling growth", "Coming to closure"]
    assert step.milestone_rows[-1].month.value == "8.5"
    assert "phases: Preparing, Enabling growth, Coming to closure." in step.status.value


def test_suggest_defaults_fills_empty_fields_and_lists_them(tmp_path: Path) -> None:
    path = fresh(tmp_path, "d.yaml")
    step = ModelStep.from_params(str(path))
    assert isinstance(step, ModelStep)
    assert step.duration.value == "" and step.roles["mentee"].value == ""  # nothing silently
    step.cadence.value = "weekly"
    step.suggest_button.click()
    assert step.cadence.value == "weekly"  # decided: kept
    assert step.duration.value == "12" and step.format.value == "one_to_one"
    assert len(step.milestone_rows) == 4
    assert step.boundary["feeds_performance_review"].value is False
    assert "Drives the relationship" in step.roles["mentee"].value
    # Each line names the field as the form does, then what was filled.
    assert "Duration (months): 12 months" in step.filled.value and "001, 002" in step.filled.value
    assert "Mentee: Mentee" not in step.filled.value
    assert "Mentee: 3 lines, from “Sets their own development goals" in html.unescape(
        step.filled.value
    )
    assert store.load(path).design.model.duration_months is None  # not saved yet
    assert step.warnings.value == ""


def test_headless_and_interactive_runs_save_identical_designs(tmp_path: Path) -> None:
    headless, clicked = fresh(tmp_path, "headless.yaml"), fresh(tmp_path, "clicked.yaml")
    ModelStep.from_params(str(headless), **PARAMS, save=True)  # type: ignore[arg-type]

    step = ModelStep.from_params(str(clicked))
    assert isinstance(step, ModelStep)
    step.format.value = "group"
    step.intake.value = "rolling"
    step.start_date.value = dt.date(2027, 9, 1)
    step.duration.value = "10"
    step.cadence.value = "fortnightly"
    step.meeting_mode.value = "virtual"
    step.meeting_minutes.value = "45"
    step.group_size.value = "4"
    for values in MILESTONES:
        row = step.add_milestone()
        row.name.value = str(values["name"])
        row.month.value = str(values["month"])
        row.description.value = str(values["description"])
    people = step.people
    people["mentee_eligibility"].value = "Anyone in their first year."
    people["mentor_eligibility"].value = "Five years' experience."
    people["voluntary"].value = True
    people["both_roles_allowed"].value = False
    people["expected_mentees"].value = "40"
    people["expected_mentors"].value = "10"
    people["mentor_capacity"].value = "1"
    people["mentor_recognition"].value = "A thank-you dinner."
    step.roles["mentee"].value = "Drives the learning.\n"
    step.members.value = "CPO (chair)"
    step.statement.value = "What is said stays in the group."
    step.boundary["manager_hears_goals"].value = True
    step.boundary["manager_receives_progress"].value = False
    step.boundary["manager_directs_learning"].value = False
    step.boundary["feeds_performance_review"].value = False
    step.save_button.click()

    assert content(headless) == content(clicked)
    saved = store.load(headless).design
    assert saved.model.group_size == 4 and saved.model.milestones[1].month == 6.0
    assert saved.participation.both_roles_allowed is False
    assert saved.roles.steering_group_members == ["CPO (chair)"]


def test_every_parameter_reaches_the_design(tmp_path: Path) -> None:
    path = fresh(tmp_path, "d.yaml")
    ModelStep.from_params(str(path), **PARAMS, save=True)  # type: ignore[arg-type]
    design = store.load(path).design
    for name, (part, field) in PARAMETERS.items():
        saved = getattr(getattr(design, part), field)
        if name == "milestones":
            saved = [m.name for m in saved]
            wanted: object = [m["name"] for m in MILESTONES]
        elif name == "start_date":
            saved, wanted = str(saved), PARAMS[name]
        else:
            wanted = PARAMS[name]
        assert saved == wanted, name


def test_headless_suggest_equals_pressing_the_button(tmp_path: Path) -> None:
    headless, clicked = fresh(tmp_path, "headless.yaml"), fresh(tmp_path, "clicked.yaml")
    ModelStep.from_params(str(headless), duration_months=9, suggest=True, save=True)
    step = ModelStep.from_params(str(clicked))
    assert isinstance(step, ModelStep)
    step.duration.value = "9"
    step.suggest_button.click()
    step.save_button.click()
    assert content(headless) == content(clicked)
    assert store.load(headless).design.model.milestones[-1].month == 8.5


def test_roles_parameter_replaces_only_the_roles_it_names(example_design: Path) -> None:
    ModelStep.from_params(str(example_design), roles={"sponsor": ["Funds it."]}, save=True)
    roles = store.load(example_design).design.roles
    assert roles.sponsor == ["Funds it."] and len(roles.mentee) == 3


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"duration_months": "twelve"}, r"model\.duration_months: must be a whole number"),
        ({"model_format": "mob"}, r"model\.format: is not one of"),
        ({"milestones": [{"month": 2}]}, r"model\.milestones\.0\.name: is required"),
        ({"roles": {"buddy": ["x"]}}, r"roles\.buddy: unknown field"),
    ],
)
def test_bad_parameter_fails_a_headless_run_with_the_field(
    example_design: Path, params: dict[str, object], expected: str
) -> None:
    before = example_design.read_bytes()
    with pytest.raises(InputError, match=expected):
        ModelStep.from_params(str(example_design), **params, save=True)  # type: ignore[arg-type]
    assert example_design.read_bytes() == before


def test_bad_parameter_interactively_is_shown_not_raised(example_design: Path) -> None:
    step = ModelStep.from_params(str(example_design), duration_months="twelve")  # type: ignore[arg-type]
    assert isinstance(step, ModelStep)
    assert "must be a whole number" in step.problems.value
    assert step.duration.value == "12"  # the design's value is still shown


def test_save_rebases_over_another_steps_save(example_design: Path) -> None:
    step = ModelStep.from_params(str(example_design))
    assert isinstance(step, ModelStep)
    other = store.load(example_design)
    store.save(
        other.design.model_copy(
            update={"program": other.design.program.model_copy(update={"sponsor": "COO"})}
        ),
        other,
    )
    step.duration.value = "9"
    assert step.save() is True
    saved = store.load(example_design).design
    assert saved.program.sponsor == "COO" and saved.model.duration_months == 9


def test_save_refuses_when_someone_changed_this_steps_decisions(example_design: Path) -> None:
    step = ModelStep.from_params(str(example_design))
    assert isinstance(step, ModelStep)
    other = store.load(example_design)
    store.save(
        other.design.model_copy(
            update={"roles": other.design.roles.model_copy(update={"sponsor": ["Funds it."]})}
        ),
        other,
    )
    step.duration.value = "9"
    assert step.save() is False
    assert "changed by someone else" in step.status.value
    saved = store.load(example_design).design
    assert saved.roles.sponsor == ["Funds it."] and saved.model.duration_months == 12
