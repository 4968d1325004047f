"""XLSX rosters read as a stream, bounded, and never a guess for a cell without a value."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from workbook.errors import RosterError
from workbook.matching.roster import load_roster
from workbook.matching.tables import read_table

HEADER = ["id", "name", "role", "manager_id", "skills_offered", "skills_wanted"]
PEOPLE = [
    ["b", "Boss", "mentor", "", "python", ""],
    ["m", "Manager", "mentor", "b", "python", ""],
    ["e", "Employee", "mentee", "m", "", "python"],
]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite_sheet(data: bytes, change: object) -> bytes:
    """The same file with the first sheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = change(body)  # type: ignore[operator]
            target.writestr(info, body)
    return out.getvalue()


def test_a_sheet_claiming_an_enormous_size_is_read_as_what_it_holds(tmp_path: Path) -> None:
    claims = _rewrite_sheet(
        _xlsx([HEADER, *PEOPLE]),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert len(claims) < 10_000
    path = tmp_path / "roster.xlsx"
    path.write_bytes(claims)
    # In a process of its own, so its peak memory is the reader's (before: over 10 GB).
    # The peak is the process's own (VmHWM): getrusage's ru_maxrss survives exec, so a
    # child of a large test worker would report the worker's size.
    code = (
        "import re, sys, time\n"
        "from pathlib import Path\n"
        "from workbook.matching.roster import load_roster\n"
        "t = time.monotonic()\n"
        f"roster = load_roster({str(path)!r})\n"
        "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text())\n"
        "print(len(roster), len(roster.frame.columns), round(time.monotonic() - t, 1),\n"
        "      int(hwm.group(1)) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    people, _, seconds, peak_mb = out.stdout.split()
    assert int(people) == 3
    assert float(seconds) < 60 and int(peak_mb) < 600, out.stdout  # before: minutes, 10 GB


def test_a_formula_without_a_saved_result_is_a_problem_not_an_empty_cell() -> None:
    # openpyxl, like many scripts, writes formulas without their results: read as data,
    # the manager would be "none" and the employee could be matched with them (R1).
    rows: list[list[object]] = [HEADER, PEOPLE[0], PEOPLE[1], ["e", "Employee", "mentee",
                                 '=IF(TRUE,"m","")', "", "python"]]  # fmt: skip
    with pytest.raises(RosterError) as raised:
        load_roster(_xlsx(rows), file="roster.xlsx")
    [problem] = raised.value.problems
    assert (problem.row, problem.field) == (4, "manager_id")
    assert "formula whose result was never saved" in problem.message
    assert "open the file in Excel" in problem.fix


def test_a_formula_with_its_saved_result_reads_as_that_result() -> None:
    data = _rewrite_sheet(
        _xlsx([HEADER, *PEOPLE[:2], ["e", "Employee", "mentee", "=B3", "", "python"]]),
        lambda xml: (
            xml.replace(b"<f>B3</f><v></v>", b"<f>B3</f><v>m</v>")
            .replace(b"<f>B3</f>", b"<f>B3</f><v>m</v>")
            .replace(b'r="D4">', b'r="D4" t="str">')
        ),
    )
    frame, _ = read_table(data, "roster.xlsx")
    assert frame.loc[4, "manager_id"] == "m"


def test_an_error_cell_is_a_problem_with_its_row_and_column() -> None:
    with pytest.raises(RosterError) as raised:
        read_table(_xlsx([HEADER, *PEOPLE[:2], ["e", "Employee", "#REF!", "m", "", "x"]]), "r")
    [problem] = raised.value.problems
    assert (problem.row, problem.field, problem.value) == (4, "role", "#REF!")


def test_too_many_columns_with_values_are_refused() -> None:
    wide = [[*HEADER, *(f"c{i}" for i in range(300))], *PEOPLE]
    with pytest.raises(RosterError, match="uses more than 200 columns"):
        read_table(_xlsx(wide), "r")
