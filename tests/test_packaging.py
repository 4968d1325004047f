"""House rules that keep the project usable: in-step environments, clean notebooks, a
package that installs anywhere (the layers are tests/test_layers.py)."""

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
from helpers import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# conda-forge names that differ from PyPI names
CONDA_NAMES = {"ortools": "ortools-python", "build": "python-build"}


def _requirement(text: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", text)
    assert match, text
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = [*project["dependencies"], *extras["test"], *extras["hub"]]
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


def test_readme_shows_the_two_commands_first() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*(make \w+|workbook \w+|papermill|voila|jupyter)", readme, re.M)
    assert commands[:2] == ["make app", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _quiet(env: dict[str, str]) -> dict[str, str]:
    """The environment without anything that points at this checkout or a program."""
    return {
        k: v
        for k, v in env.items()
        if not k.startswith(("WORKBOOK_", "PYTHON", "VIRTUAL_ENV"))
        and k != "PIP_REQUIRE_VIRTUALENV"
    }


@pytest.mark.install
def test_the_wheel_works_from_any_folder(tmp_path: Path) -> None:
    """Built, installed into a fresh virtual environment outside the checkout, and used
    from an empty folder as a JupyterHub image or a colleague's laptop would."""
    import os
    import shutil
    import signal
    import socket
    import tarfile
    import time
    import urllib.request
    import zipfile

    env = _quiet(dict(os.environ))
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert "deprecat" not in (built.stdout + built.stderr).lower()
    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    shipped = [
        "workbook/notebooks/05_matching.ipynb",
        "workbook/notebooks/app.ipynb",
        "workbook/charter/templates/charter.html.j2",
        "workbook/knowledge/rules.yaml",
        "workbook/examples/graduate-program/design.yaml",
        "workbook/voila.json",
        "workbook/jupyter/voila/templates/workbook/conf.json",
        "workbook/jupyter/voila/templates/workbook/index.html.j2",
    ]
    names = zipfile.ZipFile(wheel).namelist()
    assert all(name in names for name in shipped), sorted(set(shipped) - set(names))
    with tarfile.open(sdist) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    assert all(name in members for name in shipped), sorted(set(shipped) - members)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert "deprecat" not in (installed.stdout + installed.stderr).lower()
    workbook = str(venv / "bin" / "workbook")
    here = tmp_path / "empty"
    here.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([workbook, *args], cwd=here, capture_output=True, text=True, env=env)

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import workbook; print(workbook.__file__)"],
        cwd=here,
        capture_output=True,
        text=True,
        env=env,
    )
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout

    made = run("new", "my-program/design.yaml", "--name", "Sales onboarding")
    assert made.returncode == 0, made.stderr
    assert (here / "my-program" / "design.yaml").is_file()

    shutil.copytree(ROOT / "examples" / "graduate-program", here / "graduate")
    charter = run("charter", "--strict", "graduate/design.yaml", "-o", "charter")
    assert charter.returncode == 0, charter.stderr
    assert "ready to sign" in charter.stdout
    assert (here / "charter" / "northwind-graduate-mentoring-charter-r1.docx").is_file()

    batch = run(
        "run", "graduate/design.yaml", "--roster", "graduate/roster.csv", "-o", "runs",
        "--no-progress",
    )  # fmt: skip
    assert batch.returncode == 0, batch.stderr[-3000:]
    assert "Traceback" not in batch.stderr
    assert (here / "runs" / "graduate" / "matching" / "matches.csv").is_file()
    assert list((here / "runs" / "graduate" / "charter").glob("*-charter-r*.html"))

    def serving(args: list[str], path: str) -> str:
        """Start a server command, wait until it listens, GET ``path``; the page."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [workbook, *args, "--no-browser", "--port", str(port)],
            cwd=here,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    assert server.poll() is None, server.stdout.read().decode()  # type: ignore[union-attr]
                    assert time.monotonic() < deadline, f"{args[0]} did not start"
                    time.sleep(0.3)
            url = f"http://127.0.0.1:{port}{path}"
            with urllib.request.urlopen(url, timeout=120) as response:
                assert response.status == 200
                return str(response.read().decode("utf-8"))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    page = serving(["app"], "/")  # the server's root address is the app
    assert "application/vnd.jupyter.widget-view+json" in page  # the app's view was shown
    assert "Traceback" not in page
    assert "fontawesome-free" not in page  # the installed template asks no CDN for it
    assert json.loads(serving(["lab", "graduate"], "/api"))["version"]  # Jupyter Server
    assert (here / "graduate" / "notebooks" / "05_matching.ipynb").is_file()
