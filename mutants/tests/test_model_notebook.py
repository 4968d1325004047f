"""03_model.ipynb executed headlessly by papermill, as batch runs use it."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
from pathlib import Path

import pytest

from workbook import store
from workbook.ui.model import ModelStep

pytestmark = pytest.mark.notebook

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "03_model.ipynb"


def test_every_parameter_of_the_step_is_a_notebook_parameter() -> None:
    cell = json.loads(NOTEBOOK.read_text())["cells"][0]
    names = [n.targets[0].id for n in ast.parse("".join(cell["source"])).body]  # type: ignore[attr-defined]
    assert names == list(inspect.signature(ModelStep.from_params).parameters)


def test_parameters_are_saved_into_the_design(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    run_notebook(
        "03_model.ipynb",
        {
            "design_path": str(example_design),
            "model_format": "group",
            "start_date": "2027-09-01",
            "duration_months": 10,
            "group_size": 4,
            "milestones": [{"name": "Kick-off", "month": 0}, {"name": "Closure", "month": 10}],
            "both_roles_allowed": False,
            "roles": {"sponsor": ["Funds the program."]},
            "manager_hears_goals": False,
            "save": True,
        },
    )
    design = store.load(example_design).design
    assert design.revision == 2
    assert (design.model.format, design.model.duration_months) == ("group", 10)
    assert design.model.start_date == dt.date(2027, 9, 1)
    assert [m.month for m in design.model.milestones] == [0, 10]
    assert design.participation.both_roles_allowed is False
    assert design.roles.sponsor == ["Funds the program."]
    assert len(design.roles.mentee) == 3  # a role not named: kept
    assert design.confidentiality.manager_hears_goals is False
    assert design.model.cadence == "monthly"  # not a parameter: kept
    assert design.program.sponsor == "Chief People Officer"  # another step's decision: kept


def test_suggest_fills_a_new_design(tmp_path: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "new.yaml"
    run_notebook(
        "03_model.ipynb",
        {"design_path": str(path), "duration_months": 9, "suggest": True, "save": True},
    )
    design = store.load(path).design
    assert design.model.duration_months == 9 and design.model.format == "one_to_one"
    assert design.model.milestones[0].name == "Preparing"
    assert design.confidentiality.manager_receives_progress is False


def test_without_save_the_file_is_not_touched(example_design: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    before = example_design.read_bytes()
    run_notebook("03_model.ipynb", {"design_path": str(example_design), "duration_months": 3})
    assert example_design.read_bytes() == before
