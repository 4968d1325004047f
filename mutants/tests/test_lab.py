"""``workbook lab``: JupyterLab on a program's folder with the program's own notebooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


def test_lab_asks_nothing_of_the_internet(tmp_path: Path) -> None:
    command = lab.lab_command(_program(tmp_path))
    assert "--LabApp.news_url=None" in command
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in command
    settings = Path(next(a for a in command if a.startswith("--LabApp.app_settings_dir="))[26:])
    overrides = json.loads((settings / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}


def test_a_step_run_in_a_notebook_shows_the_run_all_hint_first(
    tmp_path: Path, run_notebook: Any
) -> None:
    """The output a reopened notebook shows before its kernel has run: the hint, then
    the step's widgets."""
    program = _program(tmp_path)
    output = run_notebook("02_focus_areas.ipynb", {"design_path": str(program / "design.yaml")})
    shown = json.loads(output.read_text())["cells"][-1]["outputs"]
    assert "Run all cells to show this step" in "".join(shown[0]["data"]["text/html"])
    assert "application/vnd.jupyter.widget-view+json" in shown[1]["data"]
    assert len(shown) == 2


def _displayed(view: object, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    import IPython.display

    shown: list[object] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **_kw: shown.append(obj))
    view._ipython_display_()  # type: ignore[attr-defined]
    return shown


def test_the_app_shows_the_step_alone_and_lab_the_overview_as_a_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from IPython.display import HTML

    from workbook.ui.focus_areas import FocusAreasStep
    from workbook.ui.overview import Overview

    design = _program(tmp_path) / "design.yaml"
    step = FocusAreasStep.from_params(str(design))
    overview = Overview.from_params(str(design))
    assert isinstance(step, FocusAreasStep) and isinstance(overview, Overview)
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.11")
    in_app = _displayed(step.view, monkeypatch)
    assert [type(x) for x in in_app] == [dict]  # the widget only
    assert "application/vnd.jupyter.widget-view+json" in in_app[0]  # type: ignore[operator]
    assert [type(x) for x in _displayed(overview.view, monkeypatch)] == [dict]
    monkeypatch.delenv("SERVER_SOFTWARE")
    in_lab = _displayed(overview.view, monkeypatch)
    assert len(in_lab) == 1 and isinstance(in_lab[0], HTML)
    assert 'href="01_purpose.ipynb"' in in_lab[0].data  # JupyterLab opens it beside


def test_a_design_that_cannot_be_opened_says_how_to_start_again_where_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbook.ui.base import Failed
    from workbook.ui.purpose import PurposeStep

    broken = tmp_path / "design.yaml"
    broken.write_text("program: [unclosed\n")
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    in_lab = PurposeStep.from_params(str(broken))
    assert isinstance(in_lab, Failed)
    text = in_lab.view.children[2].value
    assert "Run All Cells" in text and "reload" not in text
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.11")
    in_app = PurposeStep.from_params(str(broken))
    assert isinstance(in_app, Failed)
    assert "reload the page" in in_app.view.children[2].value
