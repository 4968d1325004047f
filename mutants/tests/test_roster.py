"""Roster reading and validation: every bad-roster case is reported at once, with the fix."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from workbook.design import ExtraCriterion, Matching, Weights
from workbook.errors import RosterError
from workbook.matching.roster import load_roster
from workbook.matching.values import split_list

HEADER = "id,name,role,manager_id,level,capacity,skills_offered,skills_wanted"
GOOD = [
    "ceo,Ada Boss,,,9,,,",
    "m1,Mo Mentor,mentor,ceo,6,2,python;sql,",
    "e1,Eve Mentee,mentee,m1,2,,,python",
    "b1,Bo Both,both,ceo,4,1,sql,python",
]


def write(
    tmp_path: Path, lines: list[str], name: str = "roster.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def refused(source: Path | bytes, matching: Matching | None = None) -> RosterError:
    with pytest.raises(RosterError) as info:
        load_roster(source, matching)
    return info.value


def test_good_roster_gives_typed_arrays(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, [HEADER, *GOOD]))
    assert list(roster.ids) == ["ceo", "m1", "e1", "b1"]
    assert roster.is_mentor.tolist() == [False, True, False, True]
    assert roster.is_mentee.tolist() == [False, False, True, True]
    assert roster.manager.tolist() == [-1, 0, 1, 0]
    assert roster.capacity.tolist() == [-1, 2, -1, 1]
    assert np.isnan(roster.level).tolist() == [False] * 4
    assert "email" in roster.frame.columns  # optional canonical columns are added empty
    assert roster.encoding == "utf-8"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_encodings_excel_writes_are_read(tmp_path: Path, encoding: str, expected: str) -> None:
    lines = [HEADER, *GOOD, "e2,Zoë Ñúñez – Œuvre,mentee,m1,1,,,sql"]
    roster = load_roster(write(tmp_path, lines, encoding=encoding))
    assert roster.frame.loc[4, "name"] == "Zoë Ñúñez – Œuvre"
    assert roster.frame.columns[0] == "id"  # the BOM is not part of the first header
    assert roster.encoding == expected


def test_semicolon_delimited_csv_as_some_excel_locales_save(tmp_path: Path) -> None:
    lines = [HEADER.replace(",", ";")] + [
        ";".join(f'"{c}"' if ";" in c else c for c in row.split(",")) for row in GOOD
    ]
    roster = load_roster(write(tmp_path, lines))
    assert roster.frame.loc[1, "skills_offered"] == "python;sql"


def test_xlsx_is_read_with_numbers_as_typed(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in GOOD:
        cells: list[object] = row.split(",")
        cells[4] = int(cells[4])  # level as a number, as Excel stores it
        cells[5] = float(cells[5]) if cells[5] else None
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    roster = load_roster(buffer.getvalue(), file="upload.xlsx")
    assert roster.encoding == "xlsx"
    assert roster.capacity.tolist() == [-1, 2, -1, 1]
    assert roster.frame.loc[1, "level"] == "6"


def test_header_case_spaces_and_column_map(tmp_path: Path) -> None:
    header = "Employee No,Name,Role,Manager ID,Level,Capacity,Skills Offered,Skills Wanted"
    matching = Matching(column_map={"Employee No": "id"})
    roster = load_roster(write(tmp_path, [header, *GOOD]), matching)
    assert list(roster.ids)[:2] == ["ceo", "m1"]


def test_every_problem_is_reported_at_once_with_row_column_value_and_fix(tmp_path: Path) -> None:
    lines = [
        HEADER,
        "ceo,Ada Boss,,,9,,,",
        "m1,Mo Mentor,mentor,ceo,senior,2,python,",  # non-numeric level
        "m1,Mo Twin,mentor,ceo,5,-1,python,",  # duplicate id, negative capacity
        "e1,Eve,mentee,ghost,2,,,python",  # unknown manager
        "e2,Eli,mentoree,m1,2,,,python",  # unknown role
        "a,A,,b,3,,,",  # manager cycle a -> b -> a
        "b,B,,a,3,,,",
        "s,Self,,s,3,,,",  # own manager
        "m3,Mia,mentor,ceo,5,two,python,",  # capacity not a number
    ]
    error = refused(write(tmp_path, lines))
    found = {(p.row, p.field, p.value) for p in error.problems}
    assert (3, "level", "senior") in found
    assert (4, "id", "m1") in found
    assert (4, "capacity", "-1") in found
    assert (5, "manager_id", "ghost") in found
    assert (6, "role", "mentoree") in found
    assert (10, "capacity", "two") in found
    cycles = [p for p in error.problems if p.message.startswith("manager cycle")]
    assert sorted(p.message for p in cycles) == [
        "manager cycle: a -> b -> a",
        "manager cycle: s -> s",
    ]
    assert len(error.problems) == 8
    assert all(p.fix and p.file for p in error.problems)
    assert "duplicate id: also on row 3" in error.lines()[1] or any(
        "also on row 3" in line for line in error.lines()
    )


def test_missing_required_columns_are_listed_with_the_reason(tmp_path: Path) -> None:
    matching = Matching(weights=Weights(skills=1, language=1))
    error = refused(write(tmp_path, ["id,name,role,manager_id", "a,A,mentor,"]), matching)
    fields = {p.field for p in error.problems}
    assert fields == {"skills_offered", "skills_wanted", "languages"}
    assert all(p.row == 1 for p in error.problems)
    # Each missing column says which criterion needs it, and how to give it.
    reasons = {p.field: p.message for p in error.problems}
    assert "(the skills criterion is on)" in reasons["skills_offered"]
    assert "(the skills criterion is on)" in reasons["skills_wanted"]
    assert "(the language criterion is on)" in reasons["languages"]
    assert all("Column names in your roster" in p.fix for p in error.problems)


def test_missing_id_column_stops_before_the_rows(tmp_path: Path) -> None:
    error = refused(
        write(tmp_path, ["name,role,manager_id,skills_offered,skills_wanted", "A,mentor,,,"])
    )
    assert [p.field for p in error.problems] == ["id"]


def test_extra_criterion_column_is_required(tmp_path: Path) -> None:
    matching = Matching(extra_criteria={"site": ExtraCriterion(mode="same")})
    error = refused(write(tmp_path, [HEADER, *GOOD]), matching)
    assert [p.field for p in error.problems] == ["site"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \r\n\r\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"just some prose without any delimiter\nmore prose\n", "single column"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old Excel"),
        (b"PK\x03\x04not really a zip", "cannot be opened"),
        ((HEADER + "\n").encode(), "no people"),
    ],
)
def test_not_a_table(content: bytes, message: str) -> None:
    error = refused(content)
    assert message in error.lines()[0]


def test_ragged_rows_are_all_listed() -> None:
    data = "\n".join([HEADER, *GOOD, "x,X,mentee,,1,,,a,b,c", "y,Y,mentee,,1,,,a,b"]).encode()
    error = refused(data)
    assert [p.row for p in error.problems] == [6, 7]


def test_unknown_ids_in_exclude_and_preferences_and_bad_timezone(tmp_path: Path) -> None:
    header = HEADER + ",exclude,preferences,timezone"
    lines = [
        header,
        *(g + ",,,Europe/London" for g in GOOD),
        "e2,E,mentee,m1,1,,,sql,nobody,m1;zz,Mars/Base",
    ]
    error = refused(write(tmp_path, lines))
    assert {(p.field, p.value) for p in error.problems} == {
        ("exclude", "nobody"),
        ("preferences", "zz"),
        ("timezone", "Mars/Base"),
    }


def test_split_list_trims_and_deduplicates() -> None:
    assert split_list(["a; b;;a ", ""]) == [["a", "b"], []]


def test_missing_file_and_folder_are_reported(tmp_path: Path) -> None:
    assert "does not exist" in refused(tmp_path / "nope.csv").lines()[0]
    assert "is a folder" in refused(tmp_path).lines()[0]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    lines = [HEADER, *GOOD[:2], ",,,,,,,", "", "e9,E9,mentee,m1,x,,,python", ",,,,,,,", ""]
    error = refused(write(tmp_path, lines))
    assert [(p.row, p.field) for p in error.problems] == [(6, "level")]
    lines[5] = "e9,E9,mentee,m1,1,,,python"
    roster = load_roster(write(tmp_path, lines))
    assert list(roster.ids) == ["ceo", "m1", "e9"]
    assert roster.manager.tolist() == [-1, 0, 1]


def test_capacity_and_level_out_of_range_are_problems_with_their_rows() -> None:
    from workbook.errors import RosterError
    from workbook.matching.roster import load_roster

    data = (
        b"id,name,role,manager_id,level,capacity,skills_offered,skills_wanted\n"
        b"a,A,mentor,,3,1000000,x,\n"
        b"b,B,mentee,,1e300,,,x\n"
        b"c,C,mentee,,2,inf,,x\n"
    )
    with pytest.raises(RosterError) as raised:
        load_roster(data, file="roster.csv")
    found = {(p.row, p.field, p.message) for p in raised.value.problems}
    assert found == {
        (2, "capacity", "capacity is above 50 mentees"),
        (3, "level", "level is beyond 100 levels"),
        (4, "capacity", "capacity is not a whole number"),
    }
