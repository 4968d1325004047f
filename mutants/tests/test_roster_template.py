"""The roster templates (CSV, XLSX) and the summary of a roster read: domain tier."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from helpers import example

from workbook import matching
from workbook.design import ExtraCriterion, Matching, Weights
from workbook.matching import template
from workbook.matching.roster import load_roster, summarise
from workbook.matching.tables import CANONICAL


def settings(**weights: float) -> Matching:
    """Matching settings with only these weights above 0."""
    zero = {k: 0.0 for k in Weights.model_fields}
    return Matching(weights=Weights(**{**zero, **weights}))


def test_the_face_exports_the_template_and_the_summary() -> None:
    assert matching.template_csv is template.template_csv
    assert matching.template_xlsx is template.template_xlsx
    assert matching.summarise is summarise


def test_the_csv_template_is_a_roster_that_passes_its_own_checks() -> None:
    data = template.template_csv(example().matching)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads accents right with the BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(CANONICAL)
    assert len(rows) == 4  # the header and three example people
    roster = load_roster(data, example().matching, "roster-template.csv")
    assert len(roster) == 3 and roster.is_mentor.sum() == 1 and roster.is_mentee.sum() == 1


@pytest.mark.parametrize(
    ("weights", "required", "optional"),
    [
        ({"skills": 1}, {"skills_wanted", "skills_offered"}, {"languages", "level", "timezone"}),
        ({"language": 2}, {"languages"}, {"skills_wanted", "preferences"}),
        ({"preferences": 1, "seniority": 1}, {"preferences", "level"}, {"goals"}),
    ],
    ids=["skills", "language", "preferences and seniority"],
)
def test_required_follows_the_criteria_the_design_chose(
    weights: dict[str, float], required: set[str], optional: set[str]
) -> None:
    cols = {c.name: c for c in template.template_columns(settings(**weights))}
    assert list(cols) == list(CANONICAL)
    for name in ("id", "name", "role", "manager_id", *required):
        assert cols[name].required, name
    for name in optional:
        assert not cols[name].required and cols[name].requirement == "Optional", name
    assert cols["id"].requirement == "Required: every roster needs it"
    assert all(c.meaning and c.title for c in cols.values())


def test_an_extra_criterion_adds_its_column_required_with_examples() -> None:
    chosen = settings(skills=1).model_copy(
        update={"extra_criteria": {"site": ExtraCriterion(mode="same", weight=1)}}
    )
    cols = template.template_columns(chosen)
    assert cols[-1].name == "site" and cols[-1].required
    assert "it is an extra criterion in the design" in cols[-1].requirement
    header, *people = template.template_rows(chosen)
    assert header[-1] == "site" and all(p[-1] for p in people)
    load_roster(template.template_csv(chosen), chosen, "t.csv")  # still accepted


def test_the_xlsx_template_has_the_roster_first_and_the_columns_explained() -> None:
    chosen = example().matching
    data = template.template_xlsx(chosen)
    assert data == template.template_xlsx(chosen)  # the same settings, the same bytes
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Roster", "Columns"]
    roster_rows = [[c or "" for c in row] for row in book["Roster"].iter_rows(values_only=True)]
    assert roster_rows[0] == list(CANONICAL) and len(roster_rows) == 4
    explained = list(book["Columns"].iter_rows(values_only=True))
    assert explained[0] == ("column", "name", "required", "meaning")
    by_name = {row[0]: row for row in explained[1:]}
    assert set(by_name) == set(CANONICAL)
    assert by_name["manager_id"][2] == "Required: every roster needs it"
    assert "reporting line" in by_name["manager_id"][3]
    assert by_name["email"][2] == "Optional"
    roster = load_roster(data, chosen, "roster-template.xlsx")  # the reader reads sheet 1
    assert list(roster.ids) == ["P001", "P002", "P003"]


def test_a_summary_counts_roles_departments_and_sorts_the_columns() -> None:
    data = (
        b"id,name,role,manager_id,department,site,notes,Start Date\n"
        b"a,A,mentor,,Sales,x,,\n"
        b"b,B,mentee,a,Sales,y,,\n"
        b"c,C,both,a,Legal,x,,\n"
        b"d,D,,,,,,\n"
    )
    zero = {k: 0.0 for k in Weights.model_fields}
    chosen = Matching(
        weights=Weights(**{**zero, "department": 1}),
        department="same",
        extra_criteria={"site": ExtraCriterion(mode="same", weight=1)},
    )
    summary = summarise(load_roster(data, chosen, "r.csv"), chosen)
    assert (summary.people, summary.mentees, summary.mentors, summary.both) == (4, 2, 2, 1)
    assert (summary.non_participants, summary.departments) == (1, 2)
    assert summary.recognised == ("id", "name", "role", "department", "manager_id", "site")
    assert summary.ignored == ("notes", "Start Date")
    words = summary.sentences()
    assert words[0] == (
        "4 people: 2 mentees, 2 mentors (1 person is both), 1 person not taking part; "
        "2 departments."
    )
    assert words[1] == "Columns recognised: id, name, role, department, manager_id, site."
    assert words[2] == "Columns ignored (nothing reads them): notes, Start Date."
