"""The program overview: per step, what is open and which rules are broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook import knowledge, overview, store
from workbook.design import Design, EvaluationResults, ObjectiveResult, new_design
from workbook.ui.overview import Overview


def test_every_step_has_a_notebook() -> None:
    root = Path(__file__).resolve().parent.parent / "notebooks"
    steps = knowledge.catalogue("steps")
    assert [s.key for s in steps][:2] == ["fit_check", "purpose"]
    for step in steps:
        assert step.extra("fields"), step.key
    # only steps that have landed are required to exist; the purpose step always has
    assert (root / str(knowledge.entry("steps", "purpose").extra("notebook"))).is_file()


def test_every_design_field_belongs_to_exactly_one_step() -> None:
    owned = [f for s in knowledge.catalogue("steps") for f in s.extra("fields")]
    assert len(owned) == len(set(owned))
    decisions = set(Design.model_fields) - {"schema_version", "revision", "updated", "updated_by"}
    top = [f for f in owned if "." not in f]
    assert set(top) == decisions and len(top) == len(set(top))
    # A part of a field owned by another step (the charter's paper size under program)
    # is a real field of that part.
    for part in (f for f in owned if "." in f):
        name, field = part.split(".", 1)
        assert field in Design.model_fields[name].annotation.model_fields, part  # type: ignore[union-attr]


def test_example_program_is_decided_everywhere(example_design: Path) -> None:
    status = overview.status(store.load(example_design).design)
    # The evaluation is for once the program has run: not "open", not "done" either.
    assert [(s.key, s.state) for s in status if s.state != "done"] == [("evaluation", "later")]


def test_blank_design_is_open_everywhere() -> None:
    status = overview.status(new_design())
    design_phase = [s for s in status if s.key != "evaluation"]
    assert all(s.state == "open" and s.open for s in design_phase)
    assert [(s.key, s.state) for s in status if s not in design_phase] == [("evaluation", "later")]


def test_the_evaluation_is_done_once_its_results_are_recorded(example_design: Path) -> None:
    design = store.load(example_design).design
    results = EvaluationResults(objectives=[ObjectiveResult(metric="retention")])
    evaluation = design.evaluation.model_copy(update={"results": results})
    status = overview.status(design.model_copy(update={"evaluation": evaluation}))
    assert {s.key: s.state for s in status}["evaluation"] == "done"


def test_broken_rule_needs_attention_in_its_step(example_design: Path) -> None:
    design = store.load(example_design).design
    design = design.model_copy(
        update={"model": design.model.model_copy(update={"duration_months": 3})}
    )
    status = {s.key: s for s in overview.status(design)}
    assert status["model"].state == "attention"
    assert any(f.rule == "R6" for f in status["model"].findings)
    assert status["purpose"].state == "done"


def test_overview_links_every_step(example_design: Path) -> None:
    view = Overview.from_params(str(example_design))
    assert isinstance(view, Overview)
    html = view.view.children[-1].value
    for step in knowledge.catalogue("steps"):
        assert f'href="{step.extra("notebook")}"' in html
    assert "Northwind Graduate Mentoring" in view.view.children[1].value


@pytest.mark.parametrize("text", ["model: [\n", "model:\n  format: hexagonal\n"])
def test_broken_design_shows_the_problem(tmp_path: Path, text: str) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(text)
    shown = Overview.from_params(str(path))
    html = shown.view.children[-1].value
    assert f"{tmp_path.name}/design.yaml" in html
    assert str(tmp_path) not in html  # stakeholders never see a server path


def test_unmeasured_objective_is_open_in_the_evaluation_step(example_design: Path) -> None:
    design = store.load(example_design).design
    design = design.model_copy(
        update={"evaluation": design.evaluation.model_copy(update={"effectiveness": []})}
    )
    status = {s.key: s for s in overview.status(design)}
    assert status["purpose"].state == "done"
    assert any("graduates still employed" in label for label in status["components"].open)
