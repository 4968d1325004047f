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
