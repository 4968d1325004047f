"""01_purpose.ipynb executed headlessly by papermill, as batch runs use it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workbook import store

pytestmark = pytest.mark.notebook


def test_parameters_are_saved_into_the_design(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    run_notebook(
        "01_purpose.ipynb",
        {
            "design_path": str(example_design),
            "name": "Graduate mentoring 2027",
            "purposes": ["career_growth", "onboarding"],
            "objectives": [
                {
                    "purpose": "onboarding",
                    "metric": "time to first independent release",
                    "unit": "weeks",
                    "baseline": 14,
                    "target": 8,
                    "due": "2027-09-30",
                    "data_source": "Delivery tracker",
                    "owner": "Engineering managers",
                }
            ],
            "save": True,
        },
    )
    design = store.load(example_design).design
    assert design.revision == 2
    assert design.program.name == "Graduate mentoring 2027"
    assert design.program.sponsor == "Chief People Officer"  # not a parameter: kept
    assert [p.key for p in design.purposes] == ["career_growth", "onboarding"]
    assert design.purposes[0].objectives == []
    (objective,) = design.purposes[1].objectives
    assert (objective.baseline, objective.target) == (14.0, 8.0)
    assert objective.due == dt.date(2027, 9, 30)
    assert design.model.duration_months == 12  # another step's decision: kept
    assert len(store.revisions(example_design)) == 1


def test_without_save_the_file_is_not_touched(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    before = example_design.read_bytes()
    run_notebook("01_purpose.ipynb", {"design_path": str(example_design), "name": "Draft"})
    assert example_design.read_bytes() == before
