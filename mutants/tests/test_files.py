"""Files a person names are checked before they are parsed: regular files only, a size
cap per kind, YAML without aliases or repeated keys."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import EXAMPLE_DESIGN

from workbook import files, store
from workbook.errors import DesignError, RosterError
from workbook.matching.tables import read_table

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
"""A billion laughs: 300 bytes whose aliases expand to 9**9 strings."""


def _validate(path: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbook", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_pipe_given_as_a_design_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "design.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = _validate(fifo)  # before, this waited forever for a writer
    assert result.returncode == 2 and time.monotonic() - started < 30
    assert "is not a regular file (a pipe, a socket or a device)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(device: str) -> None:
    with pytest.raises(DesignError, match="not a regular file"):
        store.load(device)
    with pytest.raises(RosterError, match="not a regular file"):
        read_table(device)


def test_a_design_larger_than_its_cap_is_refused_with_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_text("program:\n  problem_statement: '" + "x" * (2 * files.MB) + "'\n")
    with pytest.raises(DesignError) as raised:
        store.load(path)
    assert "is larger than 2 MB, far more than a design needs" in str(raised.value)


def test_yaml_aliases_are_refused_before_anything_expands(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(BOMB)
    started = time.monotonic()
    result = _validate(path, timeout=60)
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{path}:1: uses a YAML anchor or alias (&name or *name), which the workbook does "
        "not read; write the values out where they are used"
    )
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_a_key_given_twice_names_both_lines_instead_of_dropping_a_section(
    tmp_path: Path,
) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(
        "program:\n  name: Graduates\nmodel:\n  duration_months: 12\nprogram:\n  sponsor: COO\n"
    )
    with pytest.raises(DesignError) as raised:
        store.load(path)
    [problem] = raised.value.problems
    assert problem.format() == (
        f"{path}:5: program: 'program' is given twice in one section (lines 1 and 5); the "
        "second would silently replace the first; keep one of them, merging what each says"
    )


def test_a_roster_pipe_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    with pytest.raises(RosterError, match="not a regular file"):
        read_table(fifo)


def test_the_product_writes_no_alias_and_reads_its_own_files() -> None:
    # What a save writes passes the reader's checks (an alias would be refused).
    design = store.load(EXAMPLE_DESIGN).design
    assert store.parse_bytes(store.dump(design), "x.yaml") == design
