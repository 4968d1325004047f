"""What every design step promises, checked once for all of them: a design file that
cannot be opened is shown as a problem (file, line or field, what to do), never raised
in the app, and raised (with the same problem) in a headless run that asks to save."""

from __future__ import annotations

from pathlib import Path

import pytest
from papermill.exceptions import PapermillExecutionError

from workbook import EXAMPLE, NOTEBOOKS, steps, store
from workbook.design import new_design
from workbook.errors import DesignError
from workbook.ui.base import Failed, Step
from workbook.ui.overview import Overview

STEPS = [spec.widget_class() for spec in steps.specs()]
BROKEN = {
    "not valid YAML": "model: [\n",
    "model.duration_months: must be a whole number": "model:\n  duration_months: twelve\n",
}


def test_the_registry_names_each_step_once_with_its_own_files() -> None:
    specs = steps.specs()
    assert [s.key for s in specs] == [
        "fit_check", "purpose", "focus_areas", "model", "components", "matching", "charter",
        "evaluation",
    ]  # fmt: skip
    for number, spec in enumerate(specs):
        cls = spec.widget_class()
        assert issubclass(cls, Step) and cls.step == spec.key
        assert spec.notebook.startswith(f"{number:02d}_") and spec.number == number
        assert spec.notebook_path(NOTEBOOKS).is_file()
        assert spec.module == f"workbook.steps.{spec.key}"
    owned = [field for spec in specs for field in spec.fields]
    assert len(owned) == len(set(owned)), "a design field is decided by one step"


@pytest.mark.parametrize("spec", steps.specs(), ids=lambda s: s.key)
def test_every_step_module_follows_the_protocol(spec: steps.StepSpec) -> None:
    # A step opened and saved without a change changes nothing, on a blank design and on
    # the finished example; and make_inputs accepts what inputs_from gives.
    module = spec.decisions()
    for design in (new_design("Blank"), store.load(EXAMPLE / "design.yaml").design):
        inputs = module.inputs_from(design)
        assert module.apply(design, inputs) == design
        again = module.make_inputs(**inputs.model_dump())
        assert module.apply(design, again) == design


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


# A parameter each step's notebook refuses, and the words its failure must contain: the
# field, named as the design (or the questionnaire) names it, and what is wrong.
BAD_PARAMETERS = {
    "00_fit_check.ipynb": ({"answers": {"develop": "everything"}}, "develop: is not an answer"),
    "01_purpose.ipynb": (
        {
            "purposes": ["career_growth"],
            "objectives": [{"purpose": "career_growth", "target": "a lot"}],
        },
        "objectives.0.target: must be a number",
    ),
    "02_focus_areas.ipynb": (
        {"focus_areas": [{"key": "networking", "purposes": ["onboarding"]}]},
        "focus_areas.0.purposes: serves the purpose 'onboarding'",
    ),
    "03_model.ipynb": (
        {"duration_months": "a year"},
        "model.duration_months: must be a whole number",
    ),
    "04_components.ipynb": (
        {"quality_checklist": {"closure.no_such_benchmark": True}},
        "quality_checklist.closure.no_such_benchmark",
    ),
}


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", list(BAD_PARAMETERS))
def test_a_bad_parameter_fails_the_run_names_the_field_and_keeps_the_file(
    example_design: Path, run_notebook, notebook: str
) -> None:  # type: ignore[no-untyped-def]
    parameters, expected = BAD_PARAMETERS[notebook]
    before = example_design.read_bytes()
    with pytest.raises(PapermillExecutionError) as info:
        run_notebook(notebook, {"design_path": str(example_design), **parameters, "save": True})
    assert expected in str(info.value)
    assert example_design.read_bytes() == before


def test_each_step_says_what_is_still_open_on_it_and_where(tmp_path: Path) -> None:
    import datetime as dt

    from workbook.ui.model import ModelStep

    path = tmp_path / "design.yaml"
    store.create(path, "Blank")
    step = ModelStep.from_params(str(path))
    assert isinstance(step, ModelStep)

    def shown() -> list[str]:
        if len(step.still_open.children) < 2:
            return []
        return [b.description for b in step.still_open.children[1].children]

    assert "Still open on this step" in step.still_open.children[0].value
    # Each item reads as the field it takes the cursor to (the form's own label).
    assert {"Start date", "Duration (months)", "Meeting length (min)", "Model"} <= set(shown())
    assert step.start_date.description == "Start date"
    assert step.widget_for("model.start_date") is step.start_date
    assert step.widget_for("participation.voluntary") is step.people["voluntary"]
    step.start_date.value = dt.date(2027, 3, 1)  # every change updates the list
    assert "Start date" not in shown() and "Duration (months)" in shown()
    step.suggest_button.click()
    step.start_date.value = dt.date(2027, 3, 1)
    step.people["mentee_eligibility"].value = "Graduates in their first two years"
    remaining = shown()
    assert step.save() and shown() == remaining  # after Save, the same list
    assert "Start date" not in remaining


def test_a_step_with_nothing_open_says_so(example_design: Path) -> None:
    from workbook.ui.purpose import PurposeStep

    step = PurposeStep.from_params(str(example_design))
    assert isinstance(step, PurposeStep)
    assert "Nothing is open on this step" in step.still_open.children[0].value
    step.sponsor.value = ""
    assert [b.description for b in step.still_open.children[1].children] == ["Sponsor"]
    assert step.widget_for("program.sponsor") is step.sponsor
