"""House rules that keep the project usable: in-step environments, clean notebooks,
one-way dependencies."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# conda-forge names that differ from PyPI names
CONDA_NAMES = {"ortools": "ortools-python"}


def _requirement(text: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", text)
    assert match, text
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    expected = {CONDA_NAMES.get(n, n): spec for n, spec in map(_requirement, wanted)}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = dict(_requirement(d) for d in env["dependencies"] if isinstance(d, str) and d != "pip")
    listed.pop("python")
    assert listed == expected
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip  # the workbook itself


def test_there_are_notebooks() -> None:
    assert any(p.name == "01_purpose.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_and_thin(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        "strip outputs before committing"
    )
    assert "parameters" in code[0].get("metadata", {}).get("tags", []), (
        "the first code cell must be tagged 'parameters'"
    )
    assert len(code) == 3, "notebooks are three cells: parameters, build, show"
    for cell in code:
        tree = ast.parse("".join(cell["source"]))
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert not defs, "functions and classes belong in the workbook package"
    for cell in code[:1]:  # parameters are plain literals papermill can override
        for node in ast.parse("".join(cell["source"])).body:
            assert isinstance(node, ast.Assign | ast.AnnAssign)
            ast.literal_eval(node.value)  # type: ignore[arg-type]


def test_only_workbook_ui_imports_ipywidgets() -> None:
    offenders = []
    for path in (ROOT / "workbook").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "workbook").parts:
            continue
        if re.search(r"^\s*(import|from)\s+ipywidgets", path.read_text(), re.M):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_domain_modules_do_not_pull_in_widgets() -> None:
    domain = [
        f"workbook.{p.stem}"
        for p in (ROOT / "workbook").glob("*.py")
        if p.stem not in ("__init__", "__main__")
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in domain)
        + "print('ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_readme_shows_the_two_commands_first() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*(make \w+|workbook \w+|papermill|voila|jupyter)", readme, re.M)
    assert commands[:2] == ["make app", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()
