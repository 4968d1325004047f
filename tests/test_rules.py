"""The design rules: each rule warns on a design that breaks it and only then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLE_DESIGN

from workbook import knowledge, rules, store
from workbook.design import (
    Confidentiality,
    Design,
    EffectivenessMeasure,
    EvaluationDesign,
    FitCheck,
    FitResult,
    FocusArea,
    Matching,
    MentoringModel,
    Objective,
    Participation,
    Purpose,
    Weights,
    parse_design,
)
from workbook.evaluation.power import detectable_change

EXAMPLE = EXAMPLE_DESIGN


def compliant() -> Design:
    """A design that follows every rule, with every checked decision taken."""
    return Design(
        purposes=[
            Purpose(
                key="career_growth",
                objectives=[
                    Objective(
                        metric="first-year retention of graduates",
                        unit="%",
                        baseline=78,
                        target=88,
                        due=dt.date(2027, 12, 31),
                    )
                ],
            ),
            Purpose(
                key="skill_acquisition",
                objectives=[
                    Objective(
                        metric="graduates certified",
                        baseline=0,
                        target=40,
                        due=dt.date(2027, 6, 30),
                    )
                ],
            ),
        ],
        focus_areas=[FocusArea(key="career_development", purposes=["career_growth"])],
        model=MentoringModel(format="one_to_one", duration_months=12),
        participation=Participation(voluntary=True, both_roles_allowed=True),
        confidentiality=Confidentiality(
            manager_hears_goals=True,
            manager_receives_progress=False,
            manager_directs_learning=False,
            feeds_performance_review=False,
        ),
        matching=Matching(
            mentee_say="preferences",
            weights=Weights(preferences=2),
            seniority_min_gap=1,
            reporting_line_depth=None,
        ),
    )


def broken(**changes: Any) -> Design:
    """The compliant design with some sections replaced through validated assignment."""
    design = compliant()
    for path, value in changes.items():
        section, _, name = path.partition("__")
        if name:
            setattr(getattr(design, section), name, value)
        else:
            setattr(design, section, value)
    return design


def rules_of(design: Design) -> list[str]:
    return [f.rule for f in rules.check(design)]


def test_compliant_design_has_no_findings() -> None:
    assert rules.check(compliant()) == []


def test_blank_design_has_no_findings_because_undecided_is_not_wrong() -> None:
    assert rules.check(Design()) == []


BREACHES: list[tuple[str, dict[str, Any], str, str]] = [
    ("R1", {"matching__reporting_line_depth": 1}, "matching.reporting_line_depth", "matching"),
    (
        "R2",
        {"confidentiality__manager_receives_progress": True},
        "confidentiality.manager_receives_progress",
        "model",
    ),
    (
        "R3",
        {"confidentiality__feeds_performance_review": True},
        "confidentiality.feeds_performance_review",
        "model",
    ),
    ("R4", {"participation__voluntary": False}, "participation.voluntary", "model"),
    ("R5", {"matching__mentee_say": "none"}, "matching.mentee_say", "matching"),
    (
        "R5",
        {"confidentiality__manager_directs_learning": True},
        "confidentiality.manager_directs_learning",
        "model",
    ),
    (
        "R5",
        {"matching__weights": Weights(preferences=0)},
        "matching.weights.preferences",
        "matching",
    ),
    ("R6", {"model__duration_months": 3}, "model.duration_months", "model"),
    (
        "R8",
        {"participation__both_roles_allowed": False},
        "participation.both_roles_allowed",
        "model",
    ),
    (
        "R9",
        {"model__format": "reverse", "matching__seniority_min_gap": 0},
        "matching.seniority_min_gap",
        "matching",
    ),
    (
        "R10",
        {
            "focus_areas": [],
            "purposes": [
                Purpose(
                    key="performance_improvement",
                    objectives=[
                        Objective(metric="errors", baseline=10, target=2, due=dt.date(2027, 1, 1))
                    ],
                )
            ],
        },
        "purposes",
        "purpose",
    ),
]


@pytest.mark.parametrize(("rule", "changes", "field", "step"), BREACHES)
def test_breaking_a_rule_warns_once_with_its_field_and_step(
    rule: str, changes: dict[str, Any], field: str, step: str
) -> None:
    findings = rules.check(broken(**changes))
    assert [(f.rule, f.field, f.step, f.severity) for f in findings] == [
        (rule, field, step, "warning")
    ]
    finding = findings[0]
    data = knowledge.rule(rule)
    assert finding.source == data.source
    assert finding.title == data.title  # the rule's name in words, beside its id
    assert finding.why and finding.fix and finding.message
    assert finding in rules.for_step(broken(**changes), step)


@pytest.mark.parametrize(
    ("metric", "description", "named"),
    [("errors", "Fewer errors", "errors"), ("", "Fewer errors", "Fewer errors")],
)
def test_an_objective_due_before_the_start_is_named_by_its_metric_or_its_words(
    metric: str, description: str, named: str
) -> None:
    """The metric names the objective; one written only in words is named by them
    (mutmut's _dated_objectives 4 named it by nothing when one of the two was missing)."""
    design = compliant()
    design.model.start_date = dt.date(2027, 3, 1)
    objective = design.purposes[0].objectives[0]
    objective.metric, objective.description = metric, description
    objective.due = dt.date(2027, 2, 1)
    messages = [f.message for f in rules.check(design) if f.rule == "W-objective-before-start"]
    assert messages == [f"'{named}' is due on 2027-02-01, before the program starts on 2027-03-01"]


@pytest.mark.parametrize(
    ("part", "changes"),
    [
        ("metric", {"metric": ""}),
        ("baseline", {"baseline": None}),
        ("target", {"target": None}),
        ("due", {"due": None}),
    ],
)
def test_r7_objective_missing_a_part_names_that_part(part: str, changes: dict[str, Any]) -> None:
    design = compliant()
    objective = design.purposes[1].objectives[0].model_copy(update=changes)
    design.purposes[1].objectives = [objective]
    findings = rules.check(design)
    assert [(f.rule, f.field) for f in findings] == [("R7", f"purposes.1.objectives.0.{part}")]
    assert part in findings[0].message


def test_r7_purpose_without_objective() -> None:
    design = compliant()
    design.purposes[0].objectives = []
    findings = rules.check(design)
    assert [(f.rule, f.field) for f in findings] == [("R7", "purposes.0.objectives")]
    assert "Career growth" in findings[0].message


def test_r6_flash_mentoring_is_short_by_design() -> None:
    assert rules.check(broken(model=MentoringModel(format="flash", duration_months=1))) == []


def test_r6_nine_months_is_fine_and_five_is_not() -> None:
    assert rules.check(broken(model__duration_months=9)) == []
    assert rules_of(broken(model__duration_months=5)) == ["R6"]


def test_r9_no_warning_without_reverse_or_with_negative_gap() -> None:
    assert rules.check(broken(matching__seniority_min_gap=0)) == []
    assert rules.check(broken(model__format="reverse", matching__seniority_min_gap=-1)) == []
    assert rules.check(broken(model__format="reverse", matching__seniority_min_gap=None)) == []


def test_r10_mixed_purposes_do_not_warn() -> None:
    assert "R10" not in rules_of(compliant())


def test_r10_fit_check_recommending_coaching_warns_on_the_fit_step() -> None:
    design = broken(fit=FitCheck(result=FitResult(recommended=["coaching"])))
    findings = rules.for_step(design, "fit_check")
    assert [(f.rule, f.field) for f in findings] == [("R10", "fit.result.recommended")]
    assert "coaching" in findings[0].message
    mixed = broken(fit=FitCheck(result=FitResult(recommended=["mentoring", "coaching"])))
    assert rules.check(mixed) == []


def test_written_in_purpose_needs_a_title() -> None:
    design = broken(
        focus_areas=[],
        purposes=[Purpose(key="our_own", objectives=compliant().purposes[0].objectives)],
    )
    findings = rules.check(design)
    assert [(f.rule, f.severity, f.field) for f in findings] == [
        ("E-unknown-purpose", "error", "purposes.0.key")
    ]
    assert "succession" in findings[0].fix
    design.purposes[0].title = "Our own purpose"
    assert rules.check(design) == []


def test_written_in_focus_area_needs_a_note() -> None:
    design = broken(focus_areas=[FocusArea(key="sales_craft")])
    assert [(f.rule, f.field) for f in rules.check(design)] == [
        ("E-unknown-focus-area", "focus_areas.0.key")
    ]
    design.focus_areas[0].note = "How our account managers run a negotiation"
    assert rules.check(design) == []


def test_seniority_range_that_nobody_fits_is_an_error() -> None:
    design = broken(matching__seniority_max_gap=0)
    assert [(f.rule, f.severity) for f in rules.check(design)] == [("E-seniority-range", "error")]


def test_findings_come_in_data_file_order() -> None:
    design = broken(
        matching__mentee_say="none",
        model__duration_months=2,
        participation__voluntary=False,
        matching__reporting_line_depth=2,
    )
    assert rules_of(design) == ["R1", "R4", "R5", "R6"]


def test_format_is_one_line_with_rule_message_why_and_fix() -> None:
    (finding,) = rules.check(broken(model__duration_months=3))
    line = finding.format()
    assert "\n" not in line
    assert line.startswith("model.duration_months: [R6] relationships last 3 month(s)")
    assert "nine months to a year" in line
    assert line.endswith(finding.fix)
    problem = finding.to_problem("d.yaml").format()
    assert problem.startswith("d.yaml: model.duration_months: [R6] ")
    assert finding.why not in problem


def test_for_step_rejects_an_unknown_step_and_names_the_steps() -> None:
    known = "fit_check, purpose, focus_areas, model, components, matching, charter, evaluation"
    with pytest.raises(ValueError, match=f"unknown step 'matchmaking'; use one of {known}$"):
        rules.for_step(compliant(), "matchmaking")
    with pytest.raises(ValueError, match=f"unknown step 'charters'; use one of {known}$"):
        rules.Finding("R6", "warning", "charters", "model.x", "m", "w", "f", "001")


def test_errors_and_warnings_split_the_findings_by_severity() -> None:
    """A design with an error (a written-in purpose without a title) and a warning
    (relationships too short): each filter keeps its own kind only (mutmut's
    ``warnings`` survivors: a filter that kept the errors, or nothing)."""
    design = broken(
        focus_areas=[],
        purposes=[Purpose(key="our_own", objectives=compliant().purposes[0].objectives)],
    )
    design.model.duration_months = 3
    findings = rules.check(design)
    assert [f.rule for f in rules.errors(findings)] == ["E-unknown-purpose"]
    assert [f.rule for f in rules.warnings(findings)] == ["R6"]


def test_every_check_in_the_data_has_code_and_every_code_has_data() -> None:
    in_data = {c.key for r in knowledge.rules() for c in r.checks}
    assert in_data == rules.check_keys()


def test_every_rule_r1_to_r10_has_a_check() -> None:
    ids = [r.id for r in knowledge.rules() if r.checks]
    assert [f"R{n}" for n in range(1, 11)] == [i for i in ids if i.startswith("R")]


def test_example_design_has_no_errors_and_no_unexpected_warnings() -> None:
    findings = rules.check(store.load(EXAMPLE).design)
    assert rules.errors(findings) == []
    assert [f.format() for f in rules.warnings(findings)] == []


def _validate(tmp_path: Path, design: Design, *args: str) -> tuple[int, list[str]]:
    from click.testing import CliRunner

    from workbook.cli import cli

    path = tmp_path / "design.yaml"
    path.write_bytes(store.dump(design))
    result = CliRunner().invoke(cli, ["validate", *args, str(path)])
    return result.exit_code, [line for line in result.stderr.splitlines() if line]


def test_cli_validate_prints_warnings_one_line_each_and_exits_0(tmp_path: Path) -> None:
    code, lines = _validate(
        tmp_path, broken(model__duration_months=3, participation__voluntary=False)
    )
    assert code == 0
    path = tmp_path / "design.yaml"
    assert lines == [
        f"{path}: participation.voluntary: [R4] participation is mandatory; "
        + rules.check(broken(participation__voluntary=False))[0].fix,
        f"{path}: model.duration_months: [R6] relationships last 3 month(s), much shorter "
        "than the 9 to 12 months mentoring needs; "
        + rules.check(broken(model__duration_months=3))[0].fix,
    ]


def test_cli_validate_strict_fails_on_warnings(tmp_path: Path) -> None:
    assert _validate(tmp_path, broken(model__duration_months=3), "--strict")[0] == 2
    assert _validate(tmp_path, compliant(), "--strict") == (0, [])


def test_cli_validate_exits_2_on_errors(tmp_path: Path) -> None:
    code, lines = _validate(tmp_path, broken(matching__seniority_max_gap=0))
    assert code == 2
    assert len(lines) == 1 and "[E-seniority-range]" in lines[0]


def test_unknown_fit_answer_and_preset_are_errors_on_the_fit_step() -> None:
    design = broken(fit=FitCheck(answers={"develop": "everything", "colour": "blue"}, preset="x"))
    findings = rules.for_step(design, "fit_check")
    assert [(f.rule, f.severity, f.field) for f in findings] == [
        ("E-fit-answer", "error", "fit.answers.develop"),
        ("E-fit-answer", "error", "fit.answers.colour"),
        ("E-fit-answer", "error", "fit.preset"),
    ]
    assert "one_skill" in findings[0].fix
    ok = broken(fit=FitCheck(answers={"develop": "one_skill"}, preset="succession_pool"))
    assert rules.check(ok) == []


def test_quality_standard_and_checklist_must_be_known() -> None:
    from workbook.design import Evaluation

    design = broken(evaluation=Evaluation(quality_standard="iso_9001"))
    assert [(f.rule, f.field, f.step) for f in rules.check(design)] == [
        ("E-unknown-standard", "evaluation.quality_standard", "components")
    ]
    design = broken(
        evaluation=Evaluation(
            quality_standard="mentor_eep_4",
            quality_checklist={"closure.no_fault_exit": True, "closure.party": False},
        )
    )
    assert [f.field for f in rules.check(design)] == ["evaluation.quality_checklist.closure.party"]
    design = broken(evaluation=Evaluation(quality_checklist={"closure.no_fault_exit": True}))
    assert [f.rule for f in rules.check(design)] == ["E-unknown-standard"]


def test_r9_follows_the_models_catalogue() -> None:
    reverse = knowledge.entry("models", "reverse")
    assert reverse is not None and reverse.model_extra["seniority"] == "mentee"
    assert rules_of(broken(model__format="peer", matching__seniority_min_gap=0)) == []


def test_objective_dates_and_a_start_years_away_are_warned_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    design = parse_design(
        {
            "purposes": [
                {
                    "key": "retention",
                    "objectives": [
                        {"metric": "retention", "due": "2027-01-31"},
                        {"metric": "promotions", "due": "2026-06-30"},
                        {"metric": "engagement", "due": "2028-06-30"},
                    ],
                }
            ],
            "model": {"start_date": "2027-03-01"},
        }
    )
    found = {(f.rule, f.field) for f in rules.check(design)}
    assert ("W-objective-before-start", "purposes.0.objectives.0.due") in found
    assert ("W-objective-before-start", "purposes.0.objectives.1.due") in found
    assert ("W-objective-due-past", "purposes.0.objectives.1.due") in found
    assert not any(field.endswith("objectives.2.due") for _, field in found)
    assert not any(rule == "W-start-far" for rule, _ in found)
    far = design.model_copy(
        update={"model": design.model.model_copy(update={"start_date": dt.date(2072, 3, 1)})}
    )
    [finding] = [f for f in rules.check(far) if f.rule == "W-start-far"]
    assert finding.message == "the relationships start on 2072-03-01, more than 3 years from today"
    assert finding.step == "model" and finding.severity == "warning"


# ------------------------------------------------------------ R7: a target the evaluation can see

RETENTION = "first-year retention of graduates"


def evaluated(
    target: float,
    *,
    baseline: float = 78,
    mentees: int | None = 40,
    comparison: int | None = 200,
    design: EvaluationDesign | None = "comparison",
    first: EffectivenessMeasure | None = None,
) -> Design:
    """The compliant design with the retention objective measured against a comparison
    group (``first``: another measure before it, so its index is 1)."""
    d = compliant()
    objective = d.purposes[0].objectives[0]
    objective.baseline, objective.target = baseline, target
    d.participation.expected_mentees = mentees
    measure = EffectivenessMeasure(
        objective=RETENTION, method="HRIS", design=design, comparison_size=comparison
    )
    d.evaluation.effectiveness = [*([first] if first else []), measure]
    return d


def smallest(*, baseline: float = 78, upward: bool = True, **given: Any) -> float:
    """What workbook.evaluation.power says the evaluation can detect."""
    args: dict[str, Any] = {"design": "comparison", "participants": 40, "comparison": 200}
    found = detectable_change(baseline=baseline, rate=True, upward=upward, **{**args, **given})
    assert found is not None
    return found.change


def r7_detect(design: Design) -> list[rules.Finding]:
    return [f for f in rules.check(design) if f.rule == "R7"]


@pytest.mark.parametrize(
    ("baseline", "upward"), [(78, True), (30, True), (30, False)], ids=["78 up", "30 up", "30 down"]
)
def test_r7_warns_exactly_when_the_target_asks_for_less_than_the_evaluation_can_detect(
    baseline: float, upward: bool
) -> None:
    change = smallest(baseline=baseline, upward=upward)
    sign = 1 if upward else -1
    below = evaluated(baseline + sign * (change - 0.01), baseline=baseline)
    above = evaluated(baseline + sign * (change + 0.01), baseline=baseline)
    assert [(f.field, f.step, f.severity) for f in r7_detect(below)] == [
        ("evaluation.effectiveness.0.design", "components", "warning")
    ]
    assert r7_detect(above) == []
    assert r7_detect(below)[0] in rules.for_step(below, "components")


def test_r7_detectability_message_says_it_in_numbers() -> None:
    change = smallest()
    design = evaluated(88, first=EffectivenessMeasure(objective="graduates certified", who="L&D"))
    [finding] = r7_detect(design)
    assert finding.field == "evaluation.effectiveness.1.design"  # the measure's own place
    assert finding.message == (
        f"{RETENTION}: with 40 mentees and a 78% baseline, the smallest change this "
        f"evaluation can detect is about {round(change)} points; the target asks for 10"
    )
    assert finding.fix == "pool two cohorts, widen eligibility, or choose a metric that moves more"
    assert finding.title == knowledge.rule("R7").title


def test_r7_detectability_follows_the_size_power_and_risk_the_design_gives() -> None:
    """The comparison group's size, the power and the significance all reach the sum:
    a target between the two answers warns under one and not the other."""
    wide, narrow = smallest(comparison=2000), smallest(comparison=50)
    middle = evaluated(78 + (wide + narrow) / 2, comparison=2000)
    assert r7_detect(middle) == []
    middle.evaluation.effectiveness[0].comparison_size = 50
    assert len(r7_detect(middle)) == 1
    usual = smallest()
    strict = smallest(power=0.95, significance=0.01)
    design = evaluated(78 + (usual + strict) / 2)
    assert r7_detect(design) == []
    design.evaluation.power, design.evaluation.significance = 0.95, 0.01
    assert len(r7_detect(design)) == 1
    design.participation.expected_mentees = 4000
    assert r7_detect(design) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"design": None},  # not decided: the step says what to choose
        {"comparison": None},  # the comparison group's size is not known yet
        {"mentees": None},  # nor is the number of mentees
    ],
    ids=["no design", "no comparison size", "no mentees"],
)
def test_r7_no_detectability_warning_while_it_cannot_be_worked_out(
    changes: dict[str, Any],
) -> None:
    assert r7_detect(evaluated(78.5, **changes)) == []
    assert len(r7_detect(evaluated(78.5))) == 1  # the same target warns once it can be


def test_r7_a_target_exactly_as_large_as_the_detectable_change_does_not_warn() -> None:
    """A metric that is not a percentage, from a baseline of 0, so that the target
    change is the detectable change to the last bit."""
    found = detectable_change(
        design="waitlist", participants=40, comparison=60, baseline=0, rate=False, spread=12.5
    )
    assert found is not None
    design = compliant()
    design.participation.expected_mentees = 40
    design.evaluation.effectiveness = [
        EffectivenessMeasure(
            objective="graduates certified", design="waitlist", comparison_size=60, spread=12.5
        )
    ]
    objective = design.purposes[1].objectives[0]
    objective.target = found.change
    assert r7_detect(design) == []
    objective.target = found.change * (1 - 1e-9)
    [finding] = r7_detect(design)
    assert "a baseline of 0 and a spread of 12.5" in finding.message
    assert f"is about {found.change:.1f};" in finding.message  # no unit: the figure alone
