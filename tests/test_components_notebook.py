"""04_components.ipynb executed headlessly by papermill, as batch runs use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook import store
from workbook.steps import components

pytestmark = pytest.mark.notebook


def test_parameters_are_saved_into_the_design(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    before = store.load(example_design).design
    run_notebook(
        "04_components.ipynb",
        {
            "design_path": str(example_design),
            "closure": {"timing": "Month 11", "activities": []},
            "suggest_activities": ["closure"],
            "effectiveness": [
                {"objective": "critical roles with a ready-now successor", "when": "Twice a year"}
            ],
            "quality_standard": "mentor_eep_5",
            "quality_checklist": {"values_ethics": True},
            "tick_suggested": True,
            "policies": {"data_privacy": "Used only with each person's consent."},
            "resources": {"notes": "Rooms at each site"},
            "risks": [{"risk": "Sponsor changes role", "mitigation": "Steering group"}],
            "save": True,
        },
    )
    design = store.load(example_design).design
    assert design.revision == before.revision + 1
    closure = design.components.closure
    assert closure.timing == "Month 11"
    assert closure.activities == components.suggested_activities("closure")
    assert closure.plan == before.components.closure.plan  # not a parameter: kept
    measure = next(m for m in design.evaluation.effectiveness if m.objective.startswith("critical"))
    assert (measure.method, measure.when) == ("Talent review", "Twice a year")
    assert design.evaluation.quality_standard == "mentor_eep_5"
    checklist = design.evaluation.quality_checklist
    assert checklist["values_ethics"] is True
    assert checklist["sensitive_data_consent"] is True  # the privacy policy now shows it
    assert design.policies.code_of_conduct == before.policies.code_of_conduct
    assert design.resources.budget == before.resources.budget
    assert [r.risk for r in design.risks] == ["Sponsor changes role"]
    assert design.model == before.model and design.purposes == before.purposes


def test_without_save_the_file_is_not_touched(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    before = example_design.read_bytes()
    run_notebook(
        "04_components.ipynb",
        {"design_path": str(example_design), "resources": {"budget": "Draft"}},
    )
    assert example_design.read_bytes() == before


def test_evaluation_parameters_are_saved_as_the_page_would_save_them(
    example_design: Path,
    run_notebook,  # type: ignore[no-untyped-def]
) -> None:
    """The parameters set the page's boxes (the chances in percent there) and Save reads
    them back: the design holds exactly what was given."""
    run_notebook(
        "04_components.ipynb",
        {
            "design_path": str(example_design),
            "effectiveness": [
                {
                    "objective": "graduates still employed 12 months after joining",
                    "design": "waitlist",
                    "comparison_size": 45,
                },
                {
                    "objective": "critical roles with a ready-now successor",
                    "design": "before_after",
                    "spread": 1.5,
                },
            ],
            "covariates": ["department", "level"],
            "power": 0.9,
            "significance": 0.1,
            "save": True,
        },
    )
    evaluation = store.load(example_design).design.evaluation
    measures = {m.objective: m for m in evaluation.effectiveness}
    retention = measures["graduates still employed 12 months after joining"]
    assert (retention.design, retention.comparison_size, retention.column) == (
        "waitlist",
        45,
        "retained_12m",  # not a parameter: kept
    )
    successors = measures["critical roles with a ready-now successor"]
    assert (successors.design, successors.spread, successors.method) == (
        "before_after",
        1.5,
        "Talent review",
    )
    assert (evaluation.covariates, evaluation.power, evaluation.significance) == (
        ["department", "level"],
        0.9,
        0.1,
    )


def test_a_bad_evaluation_parameter_fails_the_run_naming_it(
    example_design: Path,
    run_notebook,  # type: ignore[no-untyped-def]
) -> None:
    import papermill as pm

    before = example_design.read_bytes()
    with pytest.raises(pm.PapermillExecutionError, match="power: must be between 50% and 99%"):
        run_notebook(
            "04_components.ipynb", {"design_path": str(example_design), "power": 80, "save": True}
        )
    assert example_design.read_bytes() == before
