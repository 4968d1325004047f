"""What every design step promises, checked once for all of them: a design file that
cannot be opened is shown as a problem (file, line or field, what to do), never raised
in the app, and raised (with the same problem) in a headless run that asks to save."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook import knowledge
from workbook.errors import DesignError
from workbook.ui.base import Failed
from workbook.ui.charter import CharterStep
from workbook.ui.components import ComponentsStep
from workbook.ui.fit_check import FitCheckStep
from workbook.ui.focus_areas import FocusAreasStep
from workbook.ui.matching import MatchingStep
from workbook.ui.model import ModelStep
from workbook.ui.overview import Overview
from workbook.ui.purpose import PurposeStep

STEPS = [
    FitCheckStep,
    PurposeStep,
    FocusAreasStep,
    ModelStep,
    ComponentsStep,
    MatchingStep,
    CharterStep,
]
BROKEN = {
    "not valid YAML": "model: [\n",
    "model.duration_months: must be a whole number": "model:\n  duration_months: twelve\n",
}


def test_every_step_of_the_design_phase_is_covered() -> None:
    assert [s.step for s in STEPS] == [s.key for s in knowledge.catalogue("steps")]


@pytest.mark.parametrize("step", [*STEPS, Overview], ids=lambda s: s.__name__)
@pytest.mark.parametrize("expected", list(BROKEN))
def test_broken_design_is_shown_not_raised(tmp_path: Path, step: type, expected: str) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(BROKEN[expected])
    shown = step.from_params(str(path))
    assert isinstance(shown, Failed)
    html = shown.view.children[-1].value
    assert expected in html
    # The file is named as a person finds it (folder/name), never by its server path.
    assert f"{tmp_path.name}/design.yaml" in html and str(tmp_path) not in html
    assert "Traceback" not in html


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.__name__)
def test_a_headless_save_on_a_broken_design_fails_loudly(tmp_path: Path, step: type) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(BROKEN["not valid YAML"])
    with pytest.raises(DesignError, match="not valid YAML"):
        step.from_params(str(path), save=True)
    assert path.read_text() == BROKEN["not valid YAML"]
