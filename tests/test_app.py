"""`workbook app`: the launcher that `make app` runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workbook import app
from workbook.cli import cli
from workbook.errors import InputError


def test_environment_points_every_notebook_at_the_program(tmp_path: Path) -> None:
    env = app.environment(tmp_path / "design.yaml")
    assert env["WORKBOOK_DESIGN"] == str(tmp_path / "design.yaml")
    assert env["WORKBOOK_ROSTER"] == str(tmp_path / "roster.csv")
    assert env["WORKBOOK_OUTPUT"] == str(tmp_path / "output")


def test_voila_is_local_only_and_culls_idle_kernels() -> None:
    cmd = app.voila_command(app.NOTEBOOKS, 9999)
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=9999" in cmd
    assert any(c.startswith("--MappingKernelManager.cull_idle_timeout=") for c in cmd)


def test_landing_notebook_exists() -> None:
    assert (app.NOTEBOOKS / app.LANDING).is_file()


def test_missing_design_is_reported_not_served(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["app", str(tmp_path / "none.yaml"), "--no-browser"])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "workbook new" in result.stderr


def test_notebooks_folder_must_hold_the_workbook(tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    design.write_text("program:\n  name: X\n")
    with pytest.raises(InputError, match="notebooks folder"):
        app.serve(design, notebooks=tmp_path, open_browser=False)
