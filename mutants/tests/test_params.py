"""Notebook parameters: read from the parameters cells; the README's tables are generated."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import pytest
from click.testing import CliRunner
from helpers import ROOT

from workbook import params
from workbook.cli import cli
from workbook.errors import WorkbookError

README = ROOT / "README.md"


def notebook(tmp_path: Path, source: str, tags: list[str] | None = None) -> Path:
    path = tmp_path / "n.ipynb"
    cell = {
        "cell_type": "code",
        "metadata": {"tags": ["parameters"] if tags is None else tags},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4}), "utf-8")
    return path


def test_readme_block_is_generated_from_the_notebooks() -> None:
    """Run `make docs` when this fails: the README's tables are out of step."""
    text = README.read_text("utf-8")
    start, end = params.readme_block(text)
    assert text[start:end] == params.block()


@pytest.mark.parametrize("path", params.notebooks(), ids=lambda p: p.name)
def test_every_parameter_papermill_sees_is_documented(path: Path) -> None:
    ours = {p.name: p for p in params.read(path)}
    for name, found in pm.inspect_notebook(str(path)).items():
        assert name in ours, name
        assert ours[name].default == found["default"]
        assert ours[name].help == found["help"]
    assert "design_path" in ours or path.name == "app.ipynb"
    assert all(p.help for p in ours.values()), "every parameter needs a comment saying what it is"


def test_lines_papermill_cannot_parse_are_still_read(tmp_path: Path) -> None:
    path = notebook(
        tmp_path,
        'program = ""  # open it directly (Voila: ?program=NAME)\n'
        "# a comment line\n"
        "weights: dict[str, float] = {\n"
        '    "skills": 3,\n'
        "}  # criterion -> weight | weight\n"
        "save = False\n",
    )
    assert params.read(path) == [
        params.Parameter("program", '""', "open it directly (Voila: ?program=NAME)"),
        params.Parameter(
            "weights", '{\n    "skills": 3,\n}', "criterion -> weight | weight", "dict[str, float]"
        ),
        params.Parameter("save", "False", ""),
    ]
    table = params.table(path)
    assert "| `weights` (dict[str, float]) |" in table
    assert "criterion -> weight \\| weight" in table  # a pipe cannot break the table
    assert table.count("\n") == 5


def test_a_notebook_without_parameters_cell_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="has no cell tagged 'parameters'"):
        params.read(notebook(tmp_path, "x = 1\n", tags=[]))


def test_update_readme_rewrites_only_the_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n\n{params.BEGIN}\nold tables\n{params.END}\n\nafter\n")
    assert params.update_readme(readme) is True
    text = readme.read_text("utf-8")
    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    assert "old tables" not in text and "`05_matching.ipynb`" in text
    assert params.update_readme(readme) is False
    result = CliRunner().invoke(cli, ["params", "--readme", str(readme)])
    assert result.exit_code == 0 and "already up to date" in result.stdout
    bare = tmp_path / "bare.md"
    bare.write_text("# no markers\n")
    result = CliRunner().invoke(cli, ["params", "--readme", str(bare)])
    assert result.exit_code == 2 and "has no generated notebook-parameters block" in result.stderr
    assert bare.read_text() == "# no markers\n"


def test_params_prints_every_notebook() -> None:
    result = CliRunner().invoke(cli, ["params"])
    assert result.exit_code == 0
    for path in params.notebooks():
        assert f"`{path.name}`" in result.stdout
