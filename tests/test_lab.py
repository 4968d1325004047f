"""``workbook lab``: JupyterLab on a program's folder with the program's own notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbook import NOTEBOOKS, lab, store
from workbook.cli import cli
from workbook.errors import InputError


def _program(tmp_path: Path) -> Path:
    folder = tmp_path / "sales"
    store.create(folder / "design.yaml", "Sales onboarding")
    return folder


def test_the_step_notebooks_are_copied_into_the_program(tmp_path: Path) -> None:
    folder = _program(tmp_path)
    done = lab.working_copies(folder)
    steps = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb") if p.name != "app.ipynb")
    assert sorted(done) == steps and set(done.values()) == {"created"}
    for name in steps:
        assert (folder / "notebooks" / name).read_bytes() == (NOTEBOOKS / name).read_bytes()
    assert not (folder / "notebooks" / "app.ipynb").exists()  # the app is for the browser
    assert set(lab.working_copies(folder).values()) == {"current"}


def test_an_unedited_copy_is_refreshed_and_an_edited_one_is_kept(tmp_path: Path) -> None:
    source = tmp_path / "product"
    source.mkdir()
    for name in ("01_purpose.ipynb", "02_focus_areas.ipynb", "03_model.ipynb"):
        (source / name).write_text(json.dumps({"cells": [], "v": 1}))
    folder = _program(tmp_path)
    lab.working_copies(folder, source)
    copies = folder / "notebooks"
    (copies / "02_focus_areas.ipynb").write_text('{"cells": ["the designer ran it"]}')
    (copies / "03_model.ipynb").unlink()
    for name in ("01_purpose.ipynb", "02_focus_areas.ipynb"):  # a newer workbook
        (source / name).write_text(json.dumps({"cells": [], "v": 2}))
    done = lab.working_copies(folder, source)
    assert done == {
        "01_purpose.ipynb": "refreshed",
        "02_focus_areas.ipynb": "kept",
        "03_model.ipynb": "created",
    }
    assert json.loads((copies / "01_purpose.ipynb").read_text())["v"] == 2
    assert "the designer ran it" in (copies / "02_focus_areas.ipynb").read_text()
    # Still theirs on the next start, whatever the product's notebook becomes.
    (source / "02_focus_areas.ipynb").write_text(json.dumps({"cells": [], "v": 3}))
    assert lab.working_copies(folder, source)["02_focus_areas.ipynb"] == "kept"


def test_a_notebook_of_the_same_name_not_written_by_the_workbook_is_kept(
    tmp_path: Path,
) -> None:
    folder = _program(tmp_path)
    (folder / "notebooks").mkdir()
    mine = folder / "notebooks" / "01_purpose.ipynb"
    mine.write_text('{"cells": ["my own"]}')
    assert lab.working_copies(folder)["01_purpose.ipynb"] == "kept"
    assert mine.read_text() == '{"cells": ["my own"]}'


def test_lab_opens_on_the_program_folder_on_this_machine_only(tmp_path: Path) -> None:
    folder = _program(tmp_path)
    assert lab.program_folder(folder / "design.yaml") == folder.resolve()
    command = lab.lab_command(folder, 8899, open_browser=False)
    assert f"--ServerApp.root_dir={folder}" in command
    assert "--ServerApp.ip=127.0.0.1" in command and "--no-browser" in command
    assert lab.environment(folder)["WORKBOOK_DESIGN"] == str(folder / "design.yaml")
    assert lab.environment(folder)["WORKBOOK_ROSTER"] == str(folder / "roster.csv")


def test_lab_on_a_folder_without_a_design_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"holds no design\.yaml") as raised:
        lab.program_folder(tmp_path)
    assert "workbook new" in raised.value.problems[0].fix
    result = CliRunner().invoke(cli, ["lab", str(tmp_path), "--no-browser"])
    assert result.exit_code == 2
    assert "holds no design.yaml" in result.stderr and "Traceback" not in result.output


def test_workbook_new_starts_a_program_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "a" / "b" / "design.yaml")])
    assert result.exit_code == 0, result.output
    assert store.load(tmp_path / "a" / "b" / "design.yaml").design.revision == 1
