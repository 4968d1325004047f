"""The command line: one line per problem, exit 2; the documented commands work."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from workbook import store
from workbook.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_writes_a_design_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "pilot.yaml"
    code, out, _ = run("new", str(path), "--name", "Pilot program")
    assert code == 0 and str(path) in out
    assert store.load(path).design.program.name == "Pilot program"


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "pilot.yaml"
    path.write_text("program:\n  name: Someone else's\n")
    code, _, err = run("new", str(path))
    assert code == 2
    assert err.startswith(f"{path}: already exists")
    assert "Someone else's" in path.read_text()


def test_validate_valid_design_exits_0(example_design: Path) -> None:
    code, out, _ = run("validate", str(example_design))
    assert code == 0, out
    assert "valid" in out


def test_validate_prints_one_line_per_problem_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("model:\n  duration_months: twelve\n  format: hexagonal\n")
    code, _, err = run("validate", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}: model.") for line in lines)
    assert "write a number" in err and "one_to_one" in err


def test_validate_missing_file(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / "none.yaml"))
    assert code == 2 and "does not exist" in err and "workbook new" in err


def test_console_script_is_installed() -> None:
    import shutil
    import subprocess

    exe = shutil.which("workbook") or str(Path(__import__("sys").executable).parent / "workbook")
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    for command in ("new", "validate"):
        assert command in result.stdout
