"""Adding a step touches the step's own files and the registry, nothing else.

A dummy step ("Program notes": a domain module, a widget class and a notebook, written
into a temporary folder) is added to a copy of the registry named by
``$WORKBOOK_STEPS``, then used through the app shell and through ``workbook run``,
without any change to the package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbook import knowledge, programs, steps, store

DOMAIN = """
from typing import Any
from pydantic import BaseModel
from workbook.design import Design, validate_input

class NotesInputs(BaseModel):
    notes: str = ""

def make_inputs(**values: Any) -> NotesInputs:
    return validate_input(NotesInputs, values)

def inputs_from(design: Design) -> NotesInputs:
    return NotesInputs(notes=design.resources.notes)

def apply(design: Design, inputs: NotesInputs) -> Design:
    resources = design.resources.model_copy(update={"notes": inputs.notes})
    return design.model_copy(update={"resources": resources})
"""

WIDGETS = """
import dummy_notes as domain
from workbook.ui.base import Step, text_field

class NotesStep(Step[domain.NotesInputs]):
    step = "notes"

    def __init__(self, snapshot):
        super().__init__(snapshot, domain.inputs_from, domain.apply)

    def build(self):
        self.notes = text_field(self, "notes", "Notes", "wb-notes")
        return [self.notes]

    def read(self):
        return domain.make_inputs(notes=self.notes.value)

    def write(self, inputs):
        self.notes.value = inputs.notes

    @classmethod
    def from_params(cls, design_path, notes=None, save=False):
        def configure(step):
            if notes is not None:
                step.notes.value = notes
        return cls.launch(design_path, configure, save=save)
"""


def _notebook(path: Path) -> None:
    cells = [
        ('design_path = ""\nnotes = None\nsave = False\n', ["parameters"]),
        (
            "from dummy_notes_ui import NotesStep\n\n"
            "step = NotesStep.from_params(design_path, notes=notes, save=save)\n",
            [],
        ),
        ("step.view\n", []),
    ]
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {"tags": tags},
                "outputs": [],
                "source": source,
            }
            for i, (source, tags) in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), "utf-8")


@pytest.fixture
def with_notes_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A registry with the dummy step added last; returns the folder of its files."""
    code = tmp_path / "notes-step"
    code.mkdir()
    (code / "dummy_notes.py").write_text(DOMAIN)
    (code / "dummy_notes_ui.py").write_text(WIDGETS)
    _notebook(code / "99_notes.ipynb")
    entries = yaml.safe_load(Path(str(knowledge.path("steps"))).read_text("utf-8"))
    entries.append(
        {
            "key": "notes",
            "notebook": str(code / "99_notes.ipynb"),
            "title": "Program notes",
            "short": "Notes",
            "description": "Anything the steering group should know.",
            "source": "none: a test",
            "module": "dummy_notes",
            "widgets": "dummy_notes_ui:NotesStep",
            "headless": {"notes": "Written by a batch run", "save": True},
        }
    )
    registry = code / "steps.yaml"
    registry.write_text(yaml.safe_dump(entries, sort_keys=False))
    monkeypatch.setenv(steps.ENV, str(registry))
    monkeypatch.syspath_prepend(str(code))
    return code


def test_a_new_step_appears_in_the_app_and_saves_like_any_other(
    with_notes_step: Path, tmp_path: Path
) -> None:
    from workbook.ui.app import App

    root = tmp_path / "programs"
    root.mkdir()
    entry = programs.create(root, "Sales onboarding")
    assert [s.key for s in entry.steps][-1] == "notes"  # the overview knows it
    app = App(root, entry.key)
    view = app.program
    assert view is not None
    assert [b.description.split(" ", 1)[1] for b in view.marks][-1] == "8. Notes"
    view.go(len(view.marks) - 1)
    step = view.steps["notes"]
    assert step.header.value.count("8. Program notes") == 1
    step.notes.value = "Kick-off in March"
    step.save_button.click()
    assert store.load(entry.design).design.resources.notes == "Kick-off in March"
    view.go(len(view.marks) - 2)  # Back to the charter: the shell's own navigation
    assert view.next.description == "Next: Notes ›"


@pytest.mark.notebook
def test_a_new_step_runs_in_a_batch_run(with_notes_step: Path, tmp_path: Path) -> None:
    program = tmp_path / "in" / "sales"
    store.create(program / "design.yaml", "Sales onboarding")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(with_notes_step), os.environ.get("PYTHONPATH", "")]),
    }
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable, "-m", "workbook", "run", str(program / "design.yaml"),
            "-o", str(out), "--steps", "purpose,notes", "--no-progress",
        ],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    usage = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--help"], env=env, capture_output=True, text=True
    ).stdout
    assert "evaluation, notes." in " ".join(usage.split())  # --steps lists the registry's steps
    assert (out / "sales" / "notebooks" / "99_notes.ipynb").is_file()
    written = store.load(out / "sales" / "design.yaml").design
    assert written.resources.notes == "Written by a batch run"
    assert store.load(program / "design.yaml").design.resources.notes == ""  # input kept
