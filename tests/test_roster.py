"""Roster reading and validation: every bad-roster case is reported at once, with the fix."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbook.design import ExtraCriterion, Matching, Weights
from workbook.errors import Problem, RosterError
from workbook.matching.roster import CANONICAL, load_roster, summarise, validate
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


def refused_as(data: bytes, file: str) -> RosterError:
    """The error for an upload: its bytes and the name it came with."""
    with pytest.raises(RosterError) as info:
        load_roster(data, file=file)
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


# --------------------------------------------------------------------------- what a person reads

CYCLE_FIX = "correct manager_id so that every reporting line ends at someone with no manager"


def test_a_missing_required_column_reads_as_what_is_missing_why_and_how(tmp_path: Path) -> None:
    """The whole problem as the coordinator reads it: column, reason, fix, file, header row."""
    path = write(tmp_path, ["id,name,role,skills_offered,skills_wanted", "a,A,mentor,x,"])
    assert refused(path).problems == [
        Problem(
            "required column 'manager_id' is missing (every roster needs it)",
            "add a column named 'manager_id', or say which of your columns holds it (the "
            "matching step's 'Column names in your roster')",
            str(path),
            field="manager_id",
            row=1,
        )
    ]


def test_a_missing_criterion_column_does_not_hide_the_rows_problems(tmp_path: Path) -> None:
    """Only a missing id, name, role or manager_id stops before the rows; a column a
    criterion needs is listed together with every bad cell, header first."""
    lines = ["id,name,role,manager_id,level,skills_offered", "a,A,mentor,,x,python"]
    path = write(tmp_path, lines)
    assert [(p.row, p.field, p.value) for p in refused(path).problems] == [
        (1, "skills_wanted", None),
        (2, "level", "x"),
    ]


def test_a_header_without_people_is_refused_at_row_2_with_the_file_name() -> None:
    error = refused_as((HEADER + "\n").encode(), "people.csv")
    assert error.problems == [
        Problem("has a header but no people", "add one row per person", "people.csv", row=2)
    ]


def test_problems_come_in_file_row_order_each_with_file_field_value_and_fix(
    tmp_path: Path,
) -> None:
    """The ids are checked before the levels, yet row 2's level comes before row 3's id."""
    path = write(tmp_path, [HEADER, "a,A,mentor,,x,,,", "a,A2,mentee,,1,,,"])
    assert refused(path).problems == [
        Problem(
            "level is not a whole number",
            "write the seniority as 1, 2, 3 ...",
            str(path),
            "level",
            2,
            "x",
        ),
        Problem(
            "duplicate id: also on row 2", "give every person a unique id", str(path), "id", 3, "a"
        ),
    ]


def test_a_manager_cycle_is_one_problem_on_its_first_row_following_the_line() -> None:
    """a -> c -> b -> a, starting on the file's first person; d reports into the circle
    but is not on it, so it is no part of the problem."""
    data = "\n".join(
        [HEADER, "a,A,,c,,,,", "b,B,,a,,,,", "c,C,,b,,,,", "d,D,mentee,a,,,,python"]
    ).encode()
    assert refused_as(data, "team.csv").problems == [
        Problem("manager cycle: a -> c -> b -> a", CYCLE_FIX, "team.csv", "manager_id", 2, "a")
    ]


def test_a_roster_read_from_bytes_without_a_name_is_called_roster() -> None:
    data = "\n".join([HEADER, "a,A,mentor,,x,,,"]).encode()
    assert [p.file for p in refused(data).problems] == ["roster"]


def test_the_name_given_is_the_one_every_step_of_reading_uses() -> None:
    """The reader's, the column mapping's and the checks' problems all name the upload."""
    assert [(p.file, p.message) for p in refused_as(b"", "upload.csv").problems] == [
        ("upload.csv", "is empty")
    ]
    data = b"id,Name,NAME,role,manager_id,skills_offered,skills_wanted\na,A,A,,,,\n"
    assert [(p.file, p.field) for p in refused_as(data, "upload.csv").problems] == [
        ("upload.csv", "name")
    ]


def test_validate_numbers_rows_from_2_when_the_table_has_no_file_rows() -> None:
    """A table built in code (no "row" index): its first person is row 2, as in a file."""
    frame = pd.DataFrame(
        {"id": ["a", "b"], "name": ["A", "B"], "role": ["mentor", "mentee"]}
        | {"manager_id": ["", "a"], "skills_offered": ["x", ""], "skills_wanted": ["", "x"]}
        | {"level": ["1", "2.5"]}
    )
    with pytest.raises(RosterError) as info:
        validate(frame, Matching(), "table")
    assert [(p.file, p.row, p.field, p.value) for p in info.value.problems] == [
        ("table", 3, "level", "2.5")
    ]


def test_validate_builds_the_roster_with_the_name_and_no_encoding() -> None:
    frame = pd.DataFrame(
        {"id": ["a", "b"], "name": ["A", "B"], "role": ["mentor", "mentee"]}
        | {"manager_id": ["", "a"], "skills_offered": ["x", ""], "skills_wanted": ["", "x"]}
    )
    roster = validate(frame, Matching(), "table")
    assert (roster.file, roster.encoding) == ("table", "")
    assert roster.manager.tolist() == [-1, 0]


def test_the_frame_has_the_canonical_columns_then_the_files_others_in_order(
    tmp_path: Path,
) -> None:
    """Missing optional columns are added empty; extra columns are kept after them."""
    header = "notes,id,name,role,manager_id,skills_offered,skills_wanted,Start Date"
    path = write(tmp_path, [header, "hi,a,A,mentor,,x,,2024", ",b,B,mentee,a,,x,"])
    roster = load_roster(path)
    assert list(roster.frame.columns) == [*CANONICAL, "notes", "Start Date"]
    assert roster.frame["email"].tolist() == ["", ""]
    assert roster.frame["notes"].tolist() == ["hi", ""]
    assert roster.frame.index.tolist() == [0, 1]
    assert roster.columns_present == set(header.split(","))


# --------------------------------------------------------------------------- the summary


def test_a_summary_of_one_person_speaks_in_the_singular() -> None:
    data = b"id,name,role,manager_id,department,skills_offered,skills_wanted\na,A,both,,Legal,x,y\n"
    words = summarise(load_roster(data, file="one.csv")).sentences()
    assert words == [
        "1 person: 1 mentee, 1 mentor (1 person is both), 0 people not taking part; 1 department.",
        "Columns recognised: id, name, role, department, manager_id, skills_offered, "
        "skills_wanted.",
        "No column is ignored.",
    ]


def test_a_summary_counts_each_role_apart() -> None:
    """Three not taking part, one mentee only, two mentors only, two both: each count
    differs, so none can stand in for another."""
    people = [
        "n1,N1,,,Sales,,",
        "n2,N2,,n1,Sales,,",
        "n3,N3,,n1,,,",
        "e1,E1,mentee,n1,Sales,,x",
        "m1,M1,mentor,n1,Sales,x,",
        "m2,M2,mentor,n1,,x,",
        "b1,B1,both,n1,Sales,x,x",
        "b2,B2,both,n1,Sales,x,x",
    ]
    data = "\n".join(
        ["id,name,role,manager_id,department,skills_offered,skills_wanted", *people]
    ).encode()
    summary = summarise(load_roster(data, file="many.csv"))
    assert (summary.people, summary.mentees, summary.mentors) == (8, 3, 4)
    assert (summary.both, summary.non_participants, summary.departments) == (2, 3, 1)
    assert summary.sentences()[0] == (
        "8 people: 3 mentees, 4 mentors (2 people are both), 3 people not taking part; "
        "1 department."
    )


def test_a_problem_names_the_column_as_the_file_heads_it() -> None:
    from workbook.design import Matching
    from workbook.matching.roster import load_roster

    content = (
        b"Employee ID,name,role,manager_id,Job Level,department,timezone,skills_offered,"
        b"skills_wanted\n"
        b"x,Xi,mentor,,senior,D,UTC,a,\n"
        b"ann,Ann,mentee,,2,D,UTC,,a\n"
    )
    matching = Matching(column_map={"Employee ID": "id", "Job Level": "level"})
    with pytest.raises(RosterError) as caught:
        load_roster(content, matching, "hr-export.csv")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.field) == ("hr-export.csv", 2, "Job Level")
    assert problem.format().startswith("hr-export.csv:2: Job Level: ")
