"""From a blank design to a charter ready to sign, through the steps alone.

The decisions are not listed here: they are what the readiness check reports open on a
blank design, each attributed to its step by the step registry. For every one, the test
proves it can be decided through the step's widgets and through its notebook's
parameters, so a design field that gains a decision without a control fails here. The
values come from the finished example, as a person would type them.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE_DESIGN

from workbook import NOTEBOOKS, charter, params, steps, store
from workbook.cli import cli
from workbook.design import Design

EXAMPLE = store.load(EXAMPLE_DESIGN).design


DESIGN_PHASE = [s for s in steps.specs() if not s.after_launch]
"""The steps a charter's decisions belong to (the evaluation comes after the launch)."""


def open_by_step(design: Design) -> dict[str, list[str]]:
    """The readiness check's open decisions, by the key of the step that decides them."""
    found: dict[str, list[str]] = {s.key: [] for s in steps.specs()}
    for decision in charter.build(design, chart=False).open_decisions:
        found[(steps.owner(decision.field) or DESIGN_PHASE[-1]).key].append(decision.field)
    return found


def test_a_blank_design_leaves_decisions_open_in_every_step() -> None:
    blank = open_by_step(store.load_or_new(Path("nowhere/design.yaml"), "Blank").design)
    assert all(blank[s.key] for s in DESIGN_PHASE)  # else this test would prove nothing
    # Nothing of the charter is the evaluation's to decide: it comes after the launch.
    assert [s.key for s in steps.specs() if s not in DESIGN_PHASE] == ["evaluation"]
    assert blank["evaluation"] == []
    assert "matching.method" in blank["matching"]


def test_every_open_decision_can_be_made_through_its_steps_widgets(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    store.create(path, "Blank")
    for spec in DESIGN_PHASE:
        before = open_by_step(store.load(path).design)[spec.key]
        files = {"output_dir": str(tmp_path / "output")} if spec.output else {}
        step = spec.widget_class().from_params(str(path), **files)
        # What a person types, taken from the finished example: shown in the widgets,
        # then read back from them by Save.
        with step.quietly():
            step.write(spec.decisions().inputs_from(EXAMPLE))
        assert step.save(), f"{spec.key}: {step.problems.value} {step.status.value}"
        after = open_by_step(store.load(path).design)[spec.key]
        assert before and after == [], f"{spec.key}: still open {after}"
    ready = charter.build(store.load(path).design, chart=False)
    assert ready.ready, (ready.open_decisions, ready.findings)


def _parameters(spec: steps.StepSpec) -> dict[str, Any]:
    """The notebook's parameters with the example's values: each parameter is found by
    its name among the step's inputs (a field, or a field of a part), or through the
    step's own table of parameters where the names differ."""
    inputs = spec.decisions().inputs_from(EXAMPLE).model_dump(mode="json")
    widgets = importlib.import_module(spec.widgets.split(":")[0])
    named: dict[str, tuple[str, str]] = getattr(widgets, "PARAMETERS", {})
    found: dict[str, Any] = {}
    for parameter in params.read(spec.notebook_path(NOTEBOOKS)):
        name = parameter.name
        if name in named:
            part, field = named[name]
            found[name] = inputs[part][field]
        elif name in inputs:
            found[name] = inputs[name]
        else:
            for part in inputs.values():
                if isinstance(part, dict) and name in part:
                    found[name] = part[name]
    found.pop("design_path", None)
    return found


@pytest.mark.notebook
def test_every_open_decision_can_be_made_through_its_notebooks_parameters(
    tmp_path: Path, run_notebook: Any
) -> None:
    path = tmp_path / "design.yaml"
    store.create(path, "Blank")
    for spec in DESIGN_PHASE:
        before = open_by_step(store.load(path).design)[spec.key]
        values = {**_parameters(spec), "design_path": str(path), "save": True}
        if spec.output:
            values["output_dir"] = str(tmp_path / "output")
        run_notebook(spec.notebook, values)
        after = open_by_step(store.load(path).design)[spec.key]
        assert before and after == [], f"{spec.notebook}: still open {after}"
    result = CliRunner().invoke(cli, ["charter", "--strict", str(path), "-o", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "ready to sign" in result.output
