"""02_focus_areas.ipynb executed headlessly by papermill, as batch runs use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook import store

pytestmark = pytest.mark.notebook


def test_parameters_are_saved_into_the_design(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    run_notebook(
        "02_focus_areas.ipynb",
        {
            "design_path": str(example_design),
            "focus_areas": [
                {"key": "leadership_development", "priority": "high", "purposes": ["succession"]},
                {"key": "networking", "priority": "low", "note": "Across sites."},
            ],
            "suggest": True,
            "save": True,
        },
    )
    design = store.load(example_design).design
    assert design.revision == 2
    areas = {a.key: a for a in design.focus_areas}
    assert list(areas)[:2] == ["leadership_development", "networking"]
    assert areas["leadership_development"].purposes == ["succession"]
    # "suggest" linked the unlinked area and added those serving the purposes
    assert areas["networking"].purposes == ["career_growth", "succession"]
    assert areas["networking"].note == "Across sites."
    assert {"career_development", "knowledge_transfer"} <= set(areas)
    assert "skill_coaching" not in areas
    assert design.model.duration_months == 12  # another step's decision: kept


def test_without_save_the_file_is_not_touched(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    before = example_design.read_bytes()
    run_notebook(
        "02_focus_areas.ipynb",
        {"design_path": str(example_design), "focus_areas": [], "suggest": True},
    )
    assert example_design.read_bytes() == before
