"""`workbook app`: the launcher that `make app` runs."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from workbook import server as app
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


# ------------------------------------------------------------------ the programs folder


def test_a_design_file_serves_its_programs_folder_and_opens_it(tmp_path: Path) -> None:
    design = tmp_path / "work" / "graduate-program" / "design.yaml"
    design.parent.mkdir(parents=True)
    design.write_text("program:\n  name: X\n")
    assert app.target(design) == (tmp_path / "work", "graduate-program")


def test_a_folder_is_the_programs_folder_and_is_created_if_missing(tmp_path: Path) -> None:
    assert app.target(tmp_path) == (tmp_path, "")
    assert app.target(tmp_path / "new") == (tmp_path / "new", "")
    assert (tmp_path / "new").is_dir()
    with pytest.raises(InputError, match="parent folder does not exist"):
        app.target(tmp_path / "a" / "b")


def test_a_design_not_named_design_yaml_is_refused_with_what_to_do(tmp_path: Path) -> None:
    other = tmp_path / "mine.yaml"
    other.write_text("program:\n  name: X\n")
    with pytest.raises(InputError, match=r"in a folder of its own named design\.yaml"):
        app.target(other)


def test_no_path_means_the_environment_else_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBOOK_PROGRAMS", raising=False)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert app.target(None) == (here.resolve(), "")
    monkeypatch.setenv("WORKBOOK_PROGRAMS", str(tmp_path))
    assert app.target(None) == (tmp_path, "")


def test_landing_url_opens_the_program_directly() -> None:
    assert app.landing_url(8866) == "http://127.0.0.1:8866/"
    assert app.landing_url(8866, "sales team") == "http://127.0.0.1:8866/?program=sales+team"


class FakeVoila:
    """Stands in for the Voila process: records how it was started, exits at once."""

    started: ClassVar[list[tuple[list[str], dict[str, str]]]] = []

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        FakeVoila.started.append((cmd, env))

    def poll(self) -> int:
        return 0

    def wait(self) -> int:
        return FakeVoila.exit_code

    exit_code: ClassVar[int] = 0


def test_serve_gives_voila_the_programs_folder_and_opens_the_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    design = tmp_path / "graduate-program" / "design.yaml"
    design.parent.mkdir()
    design.write_text("program:\n  name: X\n")
    monkeypatch.setattr(app.subprocess, "Popen", FakeVoila)
    monkeypatch.setattr(app, "wait_for_port", lambda port, proc: True)
    FakeVoila.started.clear()
    monkeypatch.setattr(FakeVoila, "exit_code", 3)  # Voila's own exit status ...
    assert app.serve(design, port=9876, open_browser=False) == 3  # ... is the command's
    [(cmd, env)] = FakeVoila.started
    assert cmd == app.voila_command(app.NOTEBOOKS / app.LANDING, 9876)
    assert env["WORKBOOK_PROGRAMS"] == str(tmp_path)
    assert env["WORKBOOK_DESIGN"] == str(design)
    assert "http://127.0.0.1:9876/?program=graduate-program" in capsys.readouterr().out


def test_cli_app_without_a_folder_serves_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As `jupyter lab` does: started in a folder, the app lists that folder's programs.
    monkeypatch.delenv("WORKBOOK_PROGRAMS", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(app.subprocess, "Popen", FakeVoila)
    monkeypatch.setattr(app, "wait_for_port", lambda port, proc: True)
    FakeVoila.started.clear()
    result = CliRunner().invoke(cli, ["app", "--no-browser", "--port", "9877"])
    assert result.exit_code == 0, result.output
    [(_cmd, env)] = FakeVoila.started
    assert env["WORKBOOK_PROGRAMS"] == str(tmp_path.resolve())
    assert "http://127.0.0.1:9877/ " in result.output


@pytest.mark.notebook
def test_app_notebook_runs_headless_on_a_programs_folder(tmp_path: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    import json
    import shutil

    from workbook.programs import EXAMPLE

    shutil.copytree(EXAMPLE, tmp_path / "graduate-program")
    output = run_notebook(
        "app.ipynb", {"programs_dir": str(tmp_path), "program": "graduate-program"}
    )
    state = json.dumps(json.loads(output.read_text("utf-8"))["metadata"]["widgets"])
    assert "wb-step-fit_check" in state and "wb-progress-charter" in state
    assert "Traceback" not in output.read_text("utf-8")


def test_serving_beyond_this_machine_without_a_token_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.subprocess, "Popen", FakeVoila)
    monkeypatch.setattr(app, "wait_for_port", lambda port, proc: True)
    monkeypatch.delenv("WORKBOOK_TOKEN", raising=False)
    runner = CliRunner()
    FakeVoila.started.clear()
    bare = runner.invoke(cli, ["app", str(tmp_path), "--ip", "0.0.0.0", "--no-browser"])
    assert "without a token" in bare.stderr and "--token" in bare.stderr
    guarded = runner.invoke(
        cli,
        ["app", str(tmp_path), "--ip", "0.0.0.0", "--no-browser"],
        env={"WORKBOOK_TOKEN": "s3cret"},
    )
    assert "without a token" not in guarded.stderr
    assert "?token=s3cret" in guarded.stdout
    assert "--Voila.token=s3cret" in FakeVoila.started[-1][0]
    assert not any(c.startswith("--Voila.token") for c in FakeVoila.started[0][0])


@pytest.mark.notebook
def test_sigterm_stops_the_app_and_its_voila(tmp_path: Path) -> None:
    """A service manager stops `workbook app` with SIGTERM: the Voila server it started
    must stop too, not keep serving the programs with nobody to stop it."""
    import signal
    import socket
    import subprocess
    import sys
    import time

    port = app.free_port()
    command = [sys.executable, "-m", "workbook", "app", str(tmp_path), "--no-browser"]
    proc = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert "The workbook is open at" in line, line
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)  # stopped (a graceful stop may exit 0)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(0.2)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, "Voila still serves the port"
    finally:
        if proc.poll() is None:
            proc.kill()
