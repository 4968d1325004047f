"""Step 4 (components and evaluation): domain functions and the widgets, without a kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from workbook import knowledge, quality, store
from workbook.design import (
    ComponentPlan,
    Design,
    EffectivenessMeasure,
    Objective,
    Purpose,
    new_design,
)
from workbook.errors import InputError
from workbook.evaluation import plan as evaluation_plan
from workbook.evaluation import power
from workbook.steps import components
from workbook.ui.base import UNDECIDED
from workbook.ui.components import ComponentsStep

RETENTION = Objective(
    description="First-year retention of graduates",
    metric="retention rate",
    unit="%",
    baseline=78,
    target=88,
    due="2027-12-31",
    data_source="HRIS",
    owner="People team",
)
SUCCESSORS = Objective(description="Ready-now successors", metric="ready-now successors")


def _design(*objectives: Objective, measures: tuple[EffectivenessMeasure, ...] = ()) -> Design:
    design = new_design("Test").model_copy(
        update={"purposes": [Purpose(key="career_growth", objectives=list(objectives))]}
    )
    evaluation = design.evaluation.model_copy(update={"effectiveness": list(measures)})
    return design.model_copy(update={"evaluation": evaluation})


def _content(path: Path) -> dict[str, object]:
    return store.load(path).design.model_dump(exclude={"updated"})


# ---------------------------------------------------------------- domain: inputs and apply


def test_components_are_the_knowledge_bases_six_standards() -> None:
    assert knowledge.keys("components") == components.COMPONENTS


def test_inputs_round_trip_through_a_design(example_design: Path) -> None:
    design = store.load(example_design).design
    assert components.apply(design, components.inputs_from(design)) == design


def test_apply_touches_only_step_four(example_design: Path) -> None:
    design = store.load(example_design).design
    inputs = components.make_inputs(
        components={"closure": {"plan": "A planned ending", "activities": ["Survey"]}},
        quality_standard="mentor_eep_5",
        quality_checklist={"values_ethics": True},
        policies={"code_of_conduct": "Be kind"},
        resources={"tools": ["Workbook"]},
        risks=[{"risk": "Mentors drop out", "owner": "Coordinator"}],
    )
    after = components.apply(design, inputs)
    assert after.components.closure.activities == ["Survey"]
    assert after.components.recruitment == ComponentPlan()  # the inputs say so
    assert after.evaluation.quality_standard == "mentor_eep_5"
    assert after.policies.code_of_conduct == "Be kind"
    assert [r.risk for r in after.risks] == ["Mentors drop out"]
    untouched = ("program", "fit", "purposes", "focus_areas", "model", "participation")
    for name in (*untouched, "roles", "confidentiality", "matching", "approvals"):
        assert getattr(after, name) == getattr(design, name), name


def test_blank_risk_rows_are_skipped_and_a_risk_needs_its_text() -> None:
    inputs = components.make_inputs(risks=[{}, {"risk": "Budget cut"}])
    assert [r.risk for r in components.apply(new_design(), inputs).risks] == ["Budget cut"]
    with pytest.raises(InputError, match=r"risks\.1\.risk: must not be empty"):
        components.apply(
            new_design(), components.make_inputs(risks=[{"risk": "a"}, {"mitigation": "b"}])
        )


def test_bad_values_name_the_field() -> None:
    with pytest.raises(InputError) as info:
        components.make_inputs(components={"training": {"activities": "one string"}})
    assert info.value.lines()[0].startswith("components.training.activities: must be a list")
    with pytest.raises(InputError, match=r"components\.mentoring: unknown field"):
        components.make_inputs(components={"mentoring": {}})


# ---------------------------------------------------------------- domain: effectiveness


def test_rows_are_pre_filled_from_the_objectives() -> None:
    design = _design(RETENTION, SUCCESSORS)
    rows = components.measure_rows(design, [])
    assert [r.objective for r in rows] == ["retention rate", "ready-now successors"]
    assert rows[0].label == "Career growth and retention: First-year retention of graduates"
    assert not any(r.orphan for r in rows)
    suggestion = rows[0].suggestion
    assert suggestion.method == "Retention rate, compared with the baseline of 78 % (HRIS)"
    assert (suggestion.when, suggestion.who) == ("By 2027-12-31", "People team")
    assert rows[0].measure.is_blank()


def test_a_measure_is_matched_to_its_objective_without_case() -> None:
    measure = EffectivenessMeasure(objective="Retention  Rate", method="HRIS report")
    rows = components.measure_rows(_design(RETENTION, measures=(measure,)), [measure])
    assert rows[0].measure.method == "HRIS report" and not rows[0].orphan
    assert len(rows) == 1


def test_a_measure_whose_objective_is_gone_is_kept_and_flagged() -> None:
    gone = EffectivenessMeasure(objective="headcount", method="count")
    design = _design(RETENTION, measures=(gone,))
    rows = components.measure_rows(design, components.inputs_from(design).effectiveness)
    assert [(r.objective, r.orphan) for r in rows] == [
        ("retention rate", False),
        ("headcount", True),
    ]
    notes = [p.message for p in components.evaluation_notes(design)]
    assert any("'headcount', which is no longer an objective" in n for n in notes)
    assert any("how 'retention rate' is measured" in n for n in notes)
    # kept by apply until the designer removes it
    again = components.apply(design, components.inputs_from(design))
    assert again.evaluation.effectiveness == [gone]


def test_a_measure_for_an_unknown_objective_is_refused() -> None:
    inputs = components.make_inputs(effectiveness=[{"objective": "headcount", "method": "count"}])
    with pytest.raises(InputError, match=r"effectiveness\.0\.objective: 'headcount' is not an"):
        components.apply(_design(RETENTION), inputs)


def test_measures_keep_their_place_and_blank_rows_are_not_saved() -> None:
    existing = EffectivenessMeasure(objective="ready-now successors", method="talent review")
    design = _design(RETENTION, SUCCESSORS, measures=(existing,))
    inputs = components.make_inputs(
        effectiveness=[
            {"objective": "retention rate", "method": "HRIS"},
            {"objective": "ready-now successors", "method": "talent review"},
        ]
    )
    saved = components.apply(design, inputs).evaluation.effectiveness
    assert [m.objective for m in saved] == ["ready-now successors", "retention rate"]
    blank = components.make_inputs(effectiveness=[{"objective": "retention rate"}])
    assert components.apply(design, blank).evaluation.effectiveness == []


def test_an_objective_is_measured_once() -> None:
    row = {"objective": "retention rate", "method": "x"}
    with pytest.raises(InputError, match="measured twice"):
        components.apply(_design(RETENTION), components.make_inputs(effectiveness=[row, row]))


def test_objective_without_a_metric_is_noted() -> None:
    notes = components.evaluation_notes(_design(Objective(description="Happier graduates")))
    assert [n.field for n in notes] == ["purposes.0.objectives.0.metric"]


# ---------------------------------------------------------------- domain: quality


def test_score_counts_met_benchmarks_and_lists_the_missing_required_first() -> None:
    total = len(knowledge.benchmarks("mentor_eep_4"))
    result = quality.score(
        "mentor_eep_4", {"closure.no_fault_exit": True, "closure.celebration": False}
    )
    assert result.total == total == 31
    assert [b.key for b in result.met] == ["closure.no_fault_exit"]
    assert result.summary() == (
        f"1 of {total} benchmarks met (1 of 21 required); {total - 2} not assessed yet"
    )
    required = [b.required for b in result.missing]
    assert required == sorted(required, reverse=True)  # required first


def test_score_of_a_standard_without_components() -> None:
    result = quality.score("ima_program_standards", {"clear_vision": True})
    assert result.summary() == "1 of 6 benchmarks met (1 of 6 required); 5 not assessed yet"


@pytest.mark.parametrize(
    ("standard", "checklist", "expected"),
    [
        ("mentor_eep_4", {"closure.no_fault_exit": True}, []),
        ("iso_9001", {}, ["quality_standard"]),
        ("mentor_eep_4", {"values_ethics": True}, ["quality_checklist.values_ethics"]),
        (None, {"closure.no_fault_exit": True}, ["quality_checklist.closure.no_fault_exit"]),
    ],
)
def test_check_quality(
    standard: str | None, checklist: dict[str, bool], expected: list[str]
) -> None:
    assert [p.field for p in quality.check_quality(standard, checklist)] == expected


def test_evidence_covers_only_known_benchmarks() -> None:
    known = {b.key: b for s in knowledge.keys("standards") for b in knowledge.benchmarks(s)}
    assert quality.evidence_keys() <= set(known)
    for entry in knowledge.catalogue("quality_evidence"):
        assert known[entry.key].component == entry.extra("component"), entry.key
        assert entry.extra("words"), entry.key


def test_evidence_words_match_at_the_start_of_a_word() -> None:
    design = new_design()
    plans = {"screening": ComponentPlan(plan="Information about performance")}
    design = design.model_copy(update={"components": design.components.model_copy(update=plans)})
    assert "screening.application" not in quality.evidence(design)
    plans = {"screening": ComponentPlan(activities=["Sign-up form"])}
    design = design.model_copy(update={"components": design.components.model_copy(update=plans)})
    assert quality.evidence(design)["screening.application"] == (
        "the screening plan mentions 'sign-up'"
    )


@pytest.mark.parametrize(
    ("key", "field", "plan", "met"),
    [
        ("training.mentor_pre_match", "training", ["Mentor workshop"], True),
        ("training.mentee_pre_match", "training", ["Mentor workshop"], False),
        ("training.mentee_pre_match", "training", ["Mentee orientation"], True),
        ("training.mentee_pre_match", "training", ["Mentoring basics"], False),
        ("closure.no_fault_exit", "closure", ["No-fault exit procedure"], True),
        ("closure.no_fault_exit", "closure", ["Closing survey"], False),
        ("matching_initiating.agreement", "matching_initiating", ["Mentoring agreement"], True),
        ("monitoring_support.regular_check_ins", "monitoring_support", ["Monthly pulse"], True),
    ],
)
def test_evidence_from_the_component_plans(
    key: str, field: str, plan: list[str], met: bool
) -> None:
    design = new_design()
    design = design.model_copy(
        update={
            "components": design.components.model_copy(
                update={field: ComponentPlan(activities=plan)}
            )
        }
    )
    assert (key in quality.evidence(design, "mentor_eep_4")) is met


def test_evidence_from_other_steps_decisions(example_design: Path) -> None:
    design = store.load(example_design).design
    found = quality.evidence(design, "mentor_eep_4")
    assert "mentees have a say" in found["matching_initiating.mentee_say"]
    assert "whole reporting line" in found["screening.conflicts_of_interest"]
    assert "values_ethics" not in found  # not a benchmark of the 4th edition
    assert "values_ethics" in quality.evidence(design, "mentor_eep_5")
    assert quality.evidence(new_design(), "mentor_eep_4") == {}
    assert quality.evidence(design, "no_such_standard") == {}


def test_suggest_activities_fills_only_an_empty_list() -> None:
    import yaml

    # The expected activities are read from the knowledge file, not from the module.
    raw = yaml.safe_load((Path(knowledge.__file__).parent / "components.yaml").read_text())
    typical = next(c["activities"] for c in raw if c["key"] == "screening")
    assert typical  # the catalogue has typical activities for screening
    filled = components.suggest_activities(ComponentPlan(), "screening")
    assert filled.activities == typical
    mine = ComponentPlan(activities=["Our own form"])
    assert components.suggest_activities(mine, "screening") == mine


# ---------------------------------------------------------------- widgets


def test_step_shows_what_the_design_holds(example_design: Path) -> None:
    design = store.load(example_design).design
    step = ComponentsStep.from_params(str(example_design))
    assert isinstance(step, ComponentsStep)
    closure = step.boxes["closure"]
    assert closure.plan.value == design.components.closure.plan
    assert closure.activities.value.splitlines() == design.components.closure.activities
    assert [r.objective for r in step.evaluation.measures] == [
        o.metric for _, o in design.objectives()
    ]
    assert step.evaluation.measures[0].text["who"].value == "People analytics"
    assert step.evaluation.standard.value == "mentor_eep_4"
    assert len(step.evaluation.benchmark_boxes) == 31
    assert "0 of 31 benchmarks met" in step.evaluation.score.value
    assert (
        "Suggested (not ticked)" in step.evaluation.benchmark_hints["closure.no_fault_exit"].value
    )
    assert step.policies["no_fault_exit"].value == design.policies.no_fault_exit
    assert step.resources["tools"].value.splitlines() == design.resources.tools
    assert [r.text["risk"].value for r in step.risk_rows] == [r.risk for r in design.risks]
    assert step.problems.value == "" and not step.save_button.disabled


def test_opening_and_saving_changes_nothing(example_design: Path) -> None:
    before = example_design.read_bytes()
    step = ComponentsStep.from_params(str(example_design))
    assert step.save() is True
    assert "No changes to save" in step.status.value
    assert example_design.read_bytes() == before


def test_ticking_a_benchmark_updates_the_score(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design))
    step.evaluation.benchmark_boxes["closure.no_fault_exit"].value = True
    assert "1 of 31 benchmarks met (1 of 21 required)" in step.evaluation.score.value
    step.evaluation.benchmark_boxes["closure.celebration"].value = True
    step.evaluation.benchmark_boxes["closure.celebration"].value = False  # assessed: not met
    step.save_button.click()
    saved = store.load(example_design).design.evaluation.quality_checklist
    assert saved == {"closure.no_fault_exit": True, "closure.celebration": False}


def test_tick_suggested_ticks_what_the_design_shows(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design))
    step.evaluation.tick_button.click()
    design = store.load(example_design).design
    shown = quality.evidence(design, "mentor_eep_4")
    assert {k for k, box in step.evaluation.benchmark_boxes.items() if box.value} == set(shown)
    assert "Suggested:" in step.evaluation.benchmark_hints["closure.no_fault_exit"].value


def test_changing_the_standard_rebuilds_the_checklist(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design))
    step.evaluation.benchmark_boxes["closure.no_fault_exit"].value = True
    step.evaluation.standard.value = "ima_program_standards"
    assert set(step.evaluation.benchmark_boxes) == {
        b.key for b in knowledge.benchmarks(step.evaluation.standard.value)
    }
    assert "removed when you save: closure.no_fault_exit" in step.evaluation.evaluation_notes.value
    step.evaluation.standard.value = (
        "mentor_eep_5"  # the component benchmarks come back, still ticked
    )
    assert step.evaluation.benchmark_boxes["closure.no_fault_exit"].value is True
    assert "values_ethics" in step.evaluation.benchmark_boxes


def test_suggest_activities_never_overwrites(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design))
    training = step.boxes["training"]
    before = training.activities.value
    training.suggest.click()
    assert training.activities.value == before and "Kept your activities" in training.note.value
    training.activities.value = ""
    training.suggest.click()
    assert training.activities.value.splitlines() == components.suggested_activities("training")


def test_prefill_fills_only_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    design = _design(RETENTION, SUCCESSORS)
    store.save(design, store.load_or_new(path))
    step = ComponentsStep.from_params(str(path))
    step.evaluation.measures[0].text["who"].value = "Analytics"
    step.evaluation.prefill_button.click()
    assert step.evaluation.measures[0].text["who"].value == "Analytics"
    assert step.evaluation.measures[0].text["when"].value == "By 2027-12-31"
    assert step.evaluation.measures[1].text["method"].value == "Ready-now successors"
    assert "nobody has said how" not in step.evaluation.evaluation_notes.value


def test_orphan_measure_is_flagged_and_can_be_removed(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    gone = EffectivenessMeasure(objective="headcount", method="count")
    store.save(_design(RETENTION, measures=(gone,)), store.load_or_new(path))
    step = ComponentsStep.from_params(str(path))
    orphan = step.evaluation.measures[-1]
    assert orphan.orphan and "wb-measure-orphan" in orphan.box._dom_classes
    assert "no longer an objective" in step.evaluation.evaluation_notes.value
    step.evaluation.remove_measure(orphan)
    assert "no longer an objective" not in step.evaluation.evaluation_notes.value
    assert step.save() is True
    assert store.load(path).design.evaluation.effectiveness == []


def test_a_risk_without_text_shows_an_inline_problem(example_design: Path) -> None:
    before = example_design.read_bytes()
    step = ComponentsStep.from_params(str(example_design))
    row = step.add_risk()
    assert step.problems.value == ""  # a blank row is no problem
    row.text["mitigation"].value = "Ask twice"
    assert "Risk 3 risk" in step.problems.value and "must not be empty" in step.problems.value
    assert "wb-invalid" in row.text["risk"]._dom_classes
    assert step.save_button.disabled and step.save() is False
    assert example_design.read_bytes() == before
    row.text["risk"].value = "Low attendance"
    assert step.problems.value == "" and not step.save_button.disabled


def test_rule_warnings_for_the_step(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    design = new_design()
    evaluation = design.evaluation.model_copy(
        update={"quality_standard": "iso_9001", "quality_checklist": {"x": True}}
    )
    store.save(design.model_copy(update={"evaluation": evaluation}), store.load_or_new(path))
    step = ComponentsStep.from_params(str(path))
    assert "E-unknown-standard" in step.warnings.value
    assert step.evaluation.standard.value == "iso_9001"  # shown as it is, not lost
    step.evaluation.standard.value = "mentor_eep_4"
    assert "E-unknown-standard" not in step.warnings.value


HEADLESS = {
    "training": {"plan": "Both sides are trained", "owner": "L&D"},
    "closure": {"activities": ["No-fault exit procedure", "Closing survey"]},
    "suggest_activities": ["screening"],
    "effectiveness": [{"objective": "Retention rate", "method": "HRIS report", "who": "HR"}],
    "prefill_effectiveness": True,
    "quality_standard": "mentor_eep_5",
    "quality_checklist": {"values_ethics": True, "closure.celebration": False},
    "tick_suggested": True,
    "policies": {"code_of_conduct": "The code of conduct applies"},
    "resources": {"budget": "EUR 5,000", "tools": ["Workbook", "Calendar"]},
    "risks": [{"risk": "Mentors drop out", "mitigation": "Recognition", "owner": "Sponsor"}],
}


def test_headless_and_interactive_runs_save_identical_designs(tmp_path: Path) -> None:
    start = _design(RETENTION, SUCCESSORS)
    headless, clicked = tmp_path / "headless.yaml", tmp_path / "clicked.yaml"
    for path in (headless, clicked):
        store.save(start, store.load_or_new(path))
    ComponentsStep.from_params(str(headless), **HEADLESS, save=True)

    step = ComponentsStep.from_params(str(clicked))
    assert isinstance(step, ComponentsStep)
    step.boxes["training"].plan.value = "Both sides are trained"
    step.boxes["training"].owner.value = "L&D"
    step.boxes["closure"].activities.value = "No-fault exit procedure\nClosing survey"
    step.boxes["screening"].suggest.click()
    step.evaluation.measures[0].text["method"].value = "HRIS report"
    step.evaluation.measures[0].text["who"].value = "HR"
    step.evaluation.prefill_button.click()
    step.evaluation.standard.value = "mentor_eep_5"
    step.evaluation.benchmark_boxes["values_ethics"].value = True
    step.evaluation.benchmark_boxes["closure.celebration"].value = True
    step.evaluation.benchmark_boxes["closure.celebration"].value = False
    step.policies["code_of_conduct"].value = "The code of conduct applies"
    step.evaluation.tick_button.click()
    step.resources["budget"].value = "EUR 5,000"
    step.resources["tools"].value = "Workbook\nCalendar"
    row = step.add_risk()
    row.text["risk"].value = "Mentors drop out"
    row.text["mitigation"].value = "Recognition"
    row.text["owner"].value = "Sponsor"
    step.save_button.click()

    assert _content(headless) == _content(clicked)
    saved = store.load(headless).design
    assert saved.components.training.activities == []  # only the keys given were set
    assert saved.components.screening.activities == components.suggested_activities("screening")
    assert saved.evaluation.quality_checklist["closure.no_fault_exit"] is True  # suggested
    assert saved.evaluation.quality_checklist["closure.celebration"] is False
    assert [m.method for m in saved.evaluation.effectiveness] == [
        "HRIS report",
        "Ready-now successors",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"closure": {"activities": "one"}}, "components.closure.activities: must be a list"),
        ({"effectiveness": [{"objective": "headcount"}]}, "effectiveness.0.objective"),
        ({"quality_standard": "iso_9001"}, "quality_standard: 'iso_9001' is not a known"),
        ({"quality_checklist": {"nope": True}}, "quality_checklist.nope"),
        ({"suggest_activities": ["mentoring"]}, "suggest_activities: 'mentoring'"),
        ({"risks": [{"owner": "HR"}]}, "risks.0.risk: must not be empty"),
        ({"policies": {"dress_code": "x"}}, "policies.dress_code: unknown field"),
        (
            {
                "effectiveness": [
                    {
                        "objective": "critical roles with a ready-now successor",
                        "design": "control_group",
                    }
                ]
            },
            "effectiveness.0.design: is not one of the allowed values",
        ),
        (
            {
                "effectiveness": [
                    {"objective": "critical roles with a ready-now successor", "spread": 0}
                ]
            },
            "effectiveness.0.spread: must be more than 0",
        ),
        ({"power": 80}, "power: must be between 50% and 99% (0.5 and 0.99)"),
        ({"significance": "5%"}, "significance: must be a number"),
        ({"covariates": {"department": 1}}, "covariates: must be a list"),
    ],
)
def test_bad_parameter_fails_a_headless_run_with_the_field(
    example_design: Path, params: dict[str, object], expected: str
) -> None:
    before = example_design.read_bytes()
    with pytest.raises(InputError) as info:
        ComponentsStep.from_params(str(example_design), **params, save=True)  # type: ignore[arg-type]
    assert any(line.startswith(expected) for line in info.value.lines()), info.value.lines()
    assert example_design.read_bytes() == before


def test_bad_parameter_is_shown_interactively(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design), quality_standard="iso_9001")
    assert isinstance(step, ComponentsStep)
    assert "is not a known quality standard" in step.problems.value


def test_a_later_steps_save_and_hand_edits_are_kept(example_design: Path) -> None:
    # a hand edit in a field this step does not edit, and a later step's results
    data = yaml.safe_load(example_design.read_text())
    data["resources"]["notes"] = "Room bookings"
    example_design.write_text(yaml.safe_dump(data, sort_keys=True))
    snap = store.load(example_design)
    store.save(
        snap.design.model_copy(
            update={
                "approvals": [*snap.design.approvals[:1]],
                "matching": snap.design.matching.model_copy(update={"min_score": 0.3}),
            }
        ),
        snap,
    )
    step = ComponentsStep.from_params(str(example_design))
    assert step.resources["notes"].value == "Room bookings"
    step.resources["budget"].value = "EUR 20,000"
    assert step.save() is True
    saved = store.load(example_design).design
    assert saved.resources.budget == "EUR 20,000"
    assert saved.resources.notes == "Room bookings"
    assert saved.matching.min_score == 0.3 and len(saved.approvals) == 1


def test_save_rebases_over_another_steps_save(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design))
    other = store.load(example_design)  # e.g. the purpose step, open in another tab
    store.save(
        other.design.model_copy(
            update={"program": other.design.program.model_copy(update={"sponsor": "COO"})}
        ),
        other,
    )
    step.boxes["closure"].timing.value = "Month 11"
    assert step.save() is True
    saved = store.load(example_design).design
    assert saved.program.sponsor == "COO" and saved.components.closure.timing == "Month 11"


def test_rows_follow_objectives_added_by_a_save_in_another_tab(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design))
    assert isinstance(step, ComponentsStep)
    other = store.load(example_design)  # step 1, open in another tab, adds an objective
    purposes = [*other.design.purposes]
    purposes[0] = purposes[0].model_copy(
        update={"objectives": [*purposes[0].objectives, SUCCESSORS]}
    )
    store.save(other.design.model_copy(update={"purposes": purposes}), other)
    step.resources["budget"].value = "EUR 19,000"
    assert step.save() is True
    assert "ready-now successors" in [row.objective for row in step.evaluation.measures]
    assert (
        "nobody has said how &#x27;ready-now successors&#x27;"
        in step.evaluation.evaluation_notes.value
    )


def test_save_refuses_when_someone_changed_this_steps_decisions(example_design: Path) -> None:
    step = ComponentsStep.from_params(str(example_design))
    other = store.load(example_design)
    store.save(
        other.design.model_copy(
            update={"resources": other.design.resources.model_copy(update={"budget": "none"})}
        ),
        other,
    )
    step.resources["budget"].value = "EUR 1"
    assert step.save() is False
    assert "changed by someone else" in step.status.value
    assert store.load(example_design).design.resources.budget == "none"


# ---------------------------------------------------------------- evaluation designs

SCORE = Objective(
    description="Engagement score of graduates",
    metric="engagement score",
    unit="points",
    baseline=3.4,
    target=3.9,
    due="2027-12-31",
)
TURNOVER = Objective(metric="first-year turnover", unit="%", baseline=22, target=12)
COMPARED = {"comparison": "comparable employees", "waitlist": "people on the waitlist"}
COMPARED["randomised"] = "people not invited"


def _planned(
    *objectives: Objective,
    measures: tuple[EffectivenessMeasure, ...] = (),
    mentees: int | None = 40,
    power: float = 0.8,
    significance: float = 0.05,
) -> Design:
    """A design whose objectives are measured as ``measures`` say, with ``mentees``."""
    design = _design(*objectives, measures=measures)
    design.participation.expected_mentees = mentees
    design.evaluation.power, design.evaluation.significance = power, significance
    return design


def _measure(metric: str = "retention rate", **given: object) -> EffectivenessMeasure:
    return EffectivenessMeasure.model_validate({"objective": metric, "method": "HRIS", **given})


def _sentence(design: Design, metric: str = "retention rate") -> str:
    [found] = [p for p in evaluation_plan.objective_plans(design) if p.objective.metric == metric]
    return found.sentence()


def _smallest(**given: object) -> float:
    args: dict[str, Any] = {
        "design": "comparison",
        "participants": 40,
        "comparison": 200,
        "baseline": 78,
        "rate": True,
    }
    found = power.detectable_change(**{**args, **given})
    assert found is not None
    return found.change


@pytest.mark.parametrize("design", ["comparison", "waitlist", "randomised"])
def test_the_smallest_detectable_change_against_a_group_in_words(design: str) -> None:
    change = _smallest(design=design)
    planned = _planned(RETENTION, measures=(_measure(design=design, comparison_size=200),))
    assert _sentence(planned) == (
        f"With 40 mentees against 200 {COMPARED[design]} and a 78% baseline, this evaluation "
        f"can detect a change of about {round(change)} points or more; the target asks for 10."
    )


def test_before_and_after_compares_with_the_baseline_alone() -> None:
    change = _smallest(design="before_after", comparison=None)
    assert change < _smallest()  # no comparison group's own noise: a smaller change
    planned = _planned(RETENTION, measures=(_measure(design="before_after", comparison_size=200),))
    assert _sentence(planned) == (
        "With 40 mentees and a 78% baseline, this evaluation can detect a change of about "
        f"{round(change)} points or more; the target asks for 10."
    )


def test_the_power_and_the_risk_of_a_false_alarm_reach_the_sentence() -> None:
    change = _smallest(power=0.9, significance=0.01)
    assert round(change) not in (round(_smallest(power=0.9)), round(_smallest(significance=0.01)))
    measure = _measure(design="comparison", comparison_size=200)
    planned = _planned(RETENTION, measures=(measure,), power=0.9, significance=0.01)
    assert f"about {round(change)} points or more" in _sentence(planned)


def test_a_target_below_the_baseline_is_worked_out_downwards() -> None:
    down = _smallest(baseline=22, upward=False)
    assert round(down) != round(_smallest(baseline=22))
    measure = _measure("first-year turnover", design="comparison", comparison_size=200)
    sentence = _sentence(_planned(TURNOVER, measures=(measure,)), "first-year turnover")
    assert sentence == (
        "With 40 mentees against 200 comparable employees and a 22% baseline, this evaluation "
        f"can detect a change of about {round(down)} points or more; the target asks for 10."
    )


def test_a_metric_that_is_not_a_percentage_uses_its_spread_and_unit() -> None:
    change = _smallest(baseline=3.4, rate=False, spread=0.9)
    measure = _measure("engagement score", design="comparison", comparison_size=200, spread=0.9)
    sentence = _sentence(_planned(SCORE, measures=(measure,)), "engagement score")
    start = (
        "With 40 mentees against 200 comparable employees, a baseline of 3.4 points and a "
        "spread of 0.9 points, this evaluation can detect a change of about "
    )
    assert sentence.startswith(start) and sentence.endswith(
        " points or more; the target asks for 0.5."
    )
    assert float(sentence[len(start) :].split()[0]) == pytest.approx(change, abs=0.005)


def test_a_detectable_change_just_above_the_target_never_reads_as_the_target() -> None:
    """Rounded to whole points, 10.3 would read as the target of 10 it exceeds."""
    mentees = next(n for n in range(20, 400) if 0.05 < _smallest(participants=n) % 1 < 0.45)
    change = _smallest(participants=mentees)
    target = 78 + round(change)
    retention = RETENTION.model_copy(update={"target": target})
    measure = _measure(design="comparison", comparison_size=200)
    sentence = _sentence(_planned(retention, measures=(measure,), mentees=mentees))
    assert f"about {change:.1f} points or more; the target asks for {round(change)}." in sentence


def test_a_percentage_near_its_end_cannot_show_any_change() -> None:
    nearly_all = RETENTION.model_copy(update={"baseline": 97, "target": 99})
    measure = _measure(design="comparison", comparison_size=3)
    found = evaluation_plan.objective_plans(_planned(nearly_all, measures=(measure,), mentees=3))
    assert found[0].undetectable and found[0].at_bound
    assert "cannot detect any change the scale can hold; the target asks for 2." in (
        found[0].sentence()
    )


@pytest.mark.parametrize(
    ("objective", "given", "mentees", "missing"),
    [
        (RETENTION, {"design": "comparison", "comparison_size": 200}, None,
         "the expected number of mentees in step 3 (at least 2)"),
        (RETENTION, {"design": "comparison"}, 40,
         "how many comparable employees the mentees are compared with"),
        (RETENTION, {"design": "waitlist"}, 1,
         "the expected number of mentees in step 3 (at least 2) and how many people on the "
         "waitlist the mentees are compared with"),
        (SCORE, {"design": "before_after"}, 40,
         "how much 'engagement score' varies between employees (its spread, the standard "
         "deviation)"),
        (RETENTION.model_copy(update={"baseline": None}), {"design": "before_after"}, 40,
         "the objective's baseline in step 1"),
    ],
    ids=["no mentees", "no comparison size", "one mentee, no waitlist", "no spread",
         "no baseline"],
)  # fmt: skip
def test_what_to_fill_in_before_the_smallest_change_can_be_worked_out(
    objective: Objective, given: dict[str, object], mentees: int | None, missing: str
) -> None:
    design = _planned(objective, measures=(_measure(objective.metric, **given),), mentees=mentees)
    assert _sentence(design, objective.metric) == (
        "The smallest change this evaluation could detect cannot be worked out yet: "
        f"give {missing}."
    )
    assert not evaluation_plan.objective_plans(design)[0].undetectable


def test_without_a_design_the_row_says_so_and_a_percentage_is_noted() -> None:
    design = _planned(
        RETENTION, SUCCESSORS, measures=(_measure(), _measure("ready-now successors"))
    )
    assert _sentence(design).startswith("No evaluation design is chosen yet")
    notes = components.evaluation_notes(design)
    # retention is a percentage of people, measured per employee; a count is not
    assert [n.field for n in notes] == ["evaluation.effectiveness.0.design"]
    assert "has no evaluation design" in notes[0].message
    design.evaluation.effectiveness[0].design = "before_after"
    assert components.evaluation_notes(design) == []


def test_a_measure_with_only_its_design_chosen_is_saved() -> None:
    inputs = components.make_inputs(
        effectiveness=[{"objective": "retention rate", "design": "waitlist", "method": ""}]
    )
    saved = components.apply(_design(RETENTION), inputs).evaluation.effectiveness
    assert [(m.objective, m.design) for m in saved] == [("retention rate", "waitlist")]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"effectiveness": [{"objective": "x", "comparison_size": "-3"}]},
         "effectiveness.0.comparison_size: must not be negative"),
        ({"effectiveness": [{"objective": "x", "comparison_size": "many"}]},
         "effectiveness.0.comparison_size: must be a whole number"),
        ({"effectiveness": [{"objective": "x", "spread": "0"}]},
         "effectiveness.0.spread: must be more than 0"),
        ({"effectiveness": [{"objective": "x", "spread": -1.5}]},
         "effectiveness.0.spread: must be more than 0"),
        ({"effectiveness": [{"objective": "x", "design": "control"}]},
         "effectiveness.0.design: is not one of the allowed values"),
        ({"power": 0.49}, "power: must be between 50% and 99%"),
        ({"power": 1}, "power: must be between 50% and 99%"),
        ({"significance": 0}, "significance: must be more than 0% and at most 20%"),
        ({"significance": 0.21}, "significance: must be more than 0% and at most 20%"),
        ({"covariates": [3]}, "covariates.0: must be text"),
    ],
)  # fmt: skip
def test_bad_evaluation_values_name_their_field(values: dict[str, Any], expected: str) -> None:
    with pytest.raises(InputError) as info:
        components.make_inputs(**values)
    assert any(line.startswith(expected) for line in info.value.lines()), info.value.lines()


def test_evaluation_values_at_their_limits_and_blanks() -> None:
    inputs = components.make_inputs(
        effectiveness=[{"objective": "x", "design": "", "comparison_size": " ", "spread": ""}],
        covariates="department,  level , ,tenure_years",
        power=0.99,
        significance=0.2,
    )
    row = inputs.effectiveness[0]
    assert (row.design, row.comparison_size, row.spread) == (None, None, None)
    assert inputs.covariates == ["department", "level", "tenure_years"]
    assert components.make_inputs(power=0.5, significance=0.001).power == 0.5
    assert components.make_inputs(effectiveness=[{"objective": "x", "comparison_size": 0}])


def _evaluated_file(tmp_path: Path, name: str = "d.yaml") -> Path:
    path = tmp_path / name
    store.save(_planned(RETENTION, SCORE), store.load_or_new(path))
    return path


def test_each_row_offers_the_designs_and_shows_only_the_fields_they_need(tmp_path: Path) -> None:
    step = ComponentsStep.from_params(str(_evaluated_file(tmp_path)))
    assert isinstance(step, ComponentsStep)
    retention, score = step.evaluation.measures
    assert [label for label, _ in retention.design.options] == [
        UNDECIDED,
        "Before and after only",
        "A comparison group of similar employees who do not take part",
        "A waitlist",
        "A randomised invitation",
    ]
    assert retention.design.label == UNDECIDED  # shown as such, not as a blank box
    hidden = "none"
    for row in (retention, score):  # nothing to size or spread before a design is chosen
        assert row.comparison_box.layout.display == hidden
        assert row.spread_box.layout.display == hidden
    retention.design.value = "waitlist"
    assert retention.comparison_box.layout.display is None
    assert "expected number of people on the waitlist" in retention.comparison_help.value
    assert retention.spread_box.layout.display == hidden  # a percentage has no spread to give
    retention.design.value = "before_after"
    assert retention.comparison_box.layout.display == hidden
    score.design.value = "randomised"
    assert score.spread_box.layout.display is None and score.comparison_box.layout.display is None
    assert "in points" in score.spread_box.children[1].value
    score.design.value = None
    assert score.design.label == UNDECIDED and score.spread_box.layout.display == hidden


def test_the_row_says_the_smallest_detectable_change_as_values_change(tmp_path: Path) -> None:
    step = ComponentsStep.from_params(str(_evaluated_file(tmp_path)))
    assert isinstance(step, ComponentsStep)
    row = step.evaluation.measures[0]
    assert "No evaluation design is chosen yet" in row.detectable.value
    row.design.value = "comparison"
    assert "give how many comparable employees" in row.detectable.value
    row.comparison_size.value = "200"
    change = _smallest()
    assert (
        f"With 40 mentees against 200 comparable employees and a 78% baseline, this "
        f"evaluation can detect a change of about {round(change)} points or more; the target "
        "asks for 10." in row.detectable.value
    )
    assert "wb-undetectable" in row.detectable.value and "R7" in step.warnings.value
    step.evaluation.settings["power"].value = "90"
    step.evaluation.settings["significance"].value = "1"
    assert f"about {round(_smallest(power=0.9, significance=0.01))} points" in (
        row.detectable.value
    )
    row.comparison_size.value = "100000"
    step.evaluation.settings["power"].value = "50"
    step.evaluation.settings["significance"].value = "20"
    assert "wb-undetectable" not in row.detectable.value and "R7" not in step.warnings.value


@pytest.mark.parametrize(
    ("where", "typed", "shown"),
    [
        ("comparison_size", "-5", "Comparison group for retention rate</b>: must not be negative"),
        (
            "comparison_size",
            "lots",
            "Comparison group for retention rate</b>: must be a whole number",
        ),
        ("spread", "0", "Spread for engagement score</b>: must be more than 0"),
        ("power", "30", "Chance of detecting the target change</b>: must be between 50% and 99%"),
        ("power", "eighty", "Chance of detecting the target change</b>: must be a number"),
        ("significance", "0", "Risk of a false alarm</b>: must be more than 0%"),
    ],
)
def test_a_bad_value_shows_a_message_next_to_its_field(
    tmp_path: Path, where: str, typed: str, shown: str
) -> None:
    path = _evaluated_file(tmp_path)
    before = path.read_bytes()
    step = ComponentsStep.from_params(str(path))
    assert isinstance(step, ComponentsStep)
    retention, score = step.evaluation.measures
    retention.design.value = score.design.value = "comparison"
    if where in ("power", "significance"):
        widget, beside = step.evaluation.settings[where], step.evaluation.settings_problems
    else:
        row = retention if where == "comparison_size" else score
        widget, beside = getattr(row, where), row.problems
    widget.value = typed
    assert shown in beside.value and shown in step.problems.value
    assert "wb-invalid" in widget._dom_classes
    assert step.save_button.disabled and step.save() is False
    assert path.read_bytes() == before
    assert "Traceback" not in step.status.value and "bug" not in step.status.value
    widget.value = "10" if where != "power" else "80"
    assert beside.value == "" and step.problems.value == "" and not step.save_button.disabled


def test_a_chance_typed_in_percent_is_shown_back_in_percent(tmp_path: Path) -> None:
    step = ComponentsStep.from_params(str(_evaluated_file(tmp_path)))
    assert isinstance(step, ComponentsStep)
    assert step.evaluation.settings["power"].value == "80"
    assert step.evaluation.settings["significance"].value == "5"
    step.evaluation.settings["power"].value = "30"
    assert "(you entered &#x27;30%&#x27;)" in step.evaluation.settings_problems.value


EVALUATED = {
    "effectiveness": [
        {"objective": "Retention rate", "method": "HRIS", "design": "comparison",
         "comparison_size": 200, "column": "retained_12m"},
        {"objective": "engagement score", "design": "waitlist", "comparison_size": 35,
         "spread": 0.9},
    ],
    "covariates": ["department", "level", "tenure_years"],
    "power": 0.9,
    "significance": 0.1,
}  # fmt: skip


def test_widgets_and_parameters_save_the_same_evaluation_design(tmp_path: Path) -> None:
    headless, clicked = _evaluated_file(tmp_path, "headless.yaml"), _evaluated_file(tmp_path)
    ComponentsStep.from_params(str(headless), **EVALUATED, save=True)  # type: ignore[arg-type]

    step = ComponentsStep.from_params(str(clicked))
    assert isinstance(step, ComponentsStep)
    retention, score = step.evaluation.measures
    retention.text["method"].value = "HRIS"
    retention.design.value = "comparison"
    retention.comparison_size.value = "200"
    retention.column.value = "retained_12m"
    score.design.value = "waitlist"
    score.comparison_size.value = "35"
    score.spread.value = "0.9"
    step.evaluation.settings["covariates"].value = "department, level, tenure_years"
    step.evaluation.settings["power"].value = "90"
    step.evaluation.settings["significance"].value = "10"
    step.save_button.click()

    assert _content(headless) == _content(clicked)
    saved = store.load(headless).design.evaluation
    assert [(m.design, m.comparison_size, m.spread, m.column) for m in saved.effectiveness] == [
        ("comparison", 200, None, "retained_12m"),
        ("waitlist", 35, 0.9, ""),
    ]
    assert (saved.covariates, saved.power, saved.significance) == (
        ["department", "level", "tenure_years"],
        0.9,
        0.1,
    )
    again = ComponentsStep.from_params(str(headless))  # and they read back as they were
    assert isinstance(again, ComponentsStep)
    assert again.evaluation.settings["power"].value == "90"
    assert again.evaluation.measures[1].spread.value == "0.9"


def test_a_parameter_sets_only_the_evaluation_cells_it_gives(tmp_path: Path) -> None:
    path = _evaluated_file(tmp_path)
    ComponentsStep.from_params(str(path), **EVALUATED, save=True)  # type: ignore[arg-type]
    ComponentsStep.from_params(
        str(path),
        effectiveness=[{"objective": "retention rate", "design": "randomised"}],
        save=True,
    )
    saved = store.load(path).design.evaluation
    assert (saved.effectiveness[0].design, saved.effectiveness[0].comparison_size) == (
        "randomised",
        200,
    )
    assert saved.power == 0.9 and saved.covariates == ["department", "level", "tenure_years"]


def test_the_example_compares_its_per_person_objectives_with_similar_employees(
    example_design: Path,
) -> None:
    design = store.load(example_design).design
    assert design.evaluation.covariates == ["department", "level", "tenure_years"]
    by_design = {m.objective: (m.design, m.column) for m in design.evaluation.effectiveness}
    assert by_design == {
        "graduates still employed 12 months after joining": ("comparison", "retained_12m"),
        'engagement survey item "I can see a path for my career here"': (
            "comparison",
            "career_path_agree",
        ),
        # counted for the whole program, not measured per employee: no design
        "critical roles with a ready-now successor": (None, ""),
        "senior engineers near retirement who mentor at least one graduate": (None, ""),
    }
    step = ComponentsStep.from_params(str(example_design))
    assert isinstance(step, ComponentsStep)
    retention = step.evaluation.measures[0]
    assert retention.design.value == "comparison" and retention.column.value == "retained_12m"
    assert "give how many comparable employees" in retention.detectable.value
    assert step.evaluation.settings["covariates"].value == "department, level, tenure_years"
