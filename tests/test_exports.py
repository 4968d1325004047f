"""Exports: the files a coordinator gets, safe in Excel, atomic, never overwriting others' files."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from workbook import store
from workbook.cli import cli
from workbook.design import Design, Matching, Participation, Weights
from workbook.errors import ExistsError
from workbook.matching import match
from workbook.matching.exports import MANIFEST, neutralise
from workbook.matching.review import Review

HEADER = "id,name,role,manager_id,level,capacity,skills_offered,skills_wanted"
ROWS = [
    "top,Top,,,9,,,",
    'r1,=HYPERLINK("http://evil"),mentor,top,5,2,python;sql,',
    "r2,@SUM(A1),mentor,top,5,1,cloud,",
    "e1,+Eve,mentee,top,1,,,python",
    "e2,-Eli,mentee,top,1,,,cloud",
    "e3,Zoë Ñ,mentee,top,1,,,rust",
]


def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def design() -> Design:
    return Design(
        participation=Participation(mentor_capacity=1), matching=Matching(weights=Weights(skills=1))
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("ok", "ok")],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected
    assert neutralise(3.5) == 3.5


def test_files_are_written_and_injection_strings_read_back_inert(tmp_path: Path) -> None:
    out = tmp_path / "out"
    match(design(), roster(tmp_path), out, all_scores=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            MANIFEST,
            "matches.csv",
            "unmatched.csv",
            "matches.xlsx",
            "summary.json",
            "pair_scores.csv",
        ]
    )
    with (out / "matches.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "mentee_id",
        "mentee_name",
        "mentor_id",
        "mentor_name",
        "score",
        "reasons",
        "margin",
        "close_call",
        "close_because",
    ]
    names = {r["mentee_name"] for r in rows} | {r["mentor_name"] for r in rows}
    assert names == {"'+Eve", "'-Eli", '\'=HYPERLINK("http://evil")', "'@SUM(A1)"}
    book = openpyxl.load_workbook(out / "matches.xlsx")
    assert book.sheetnames == ["Matches", "Unmatched", "Summary"]
    sheet = book["Matches"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    assert {sheet.cell(r, 2).value for r in range(2, sheet.max_row + 1)} == {"'+Eve", "'-Eli"}
    assert isinstance(sheet.cell(2, 5).value, int | float)  # scores stay numbers
    assert sheet.cell(2, 5).number_format == "0"  # shown whole, kept exact
    assert sheet.freeze_panes == "A2"
    unmatched = list(csv.DictReader((out / "unmatched.csv").open(encoding="utf-8-sig")))
    assert unmatched[0]["mentee_name"] == "Zoë Ñ"
    summary = json.loads((out / "summary.json").read_text())
    for key in (
        "mentees",
        "mentors",
        "matched",
        "unmatched",
        "total_score",
        "min_score",
        "objective",
        "optimal",
        "solver",
        "seconds",
    ):
        assert key in summary
    assert (summary["matched"], summary["unmatched"], summary["optimal"]) == (2, 1, True)
    pairs = list(csv.DictReader((out / "pair_scores.csv").open(encoding="utf-8-sig")))
    assert len(pairs) == summary["allowed_pairs"]


def test_summary_json_is_the_summary_the_caller_gets(tmp_path: Path) -> None:
    # Written from the same object, after its time was measured: the file and the
    # result agree to the last field (the seconds once differed).
    result = match(design(), roster(tmp_path), tmp_path / "out")
    written = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert written == result.summary.as_dict()
    assert list(written)[:19] == [
        "mentees", "mentors", "matched", "unmatched", "total_score", "min_score",
        "mean_score", "objective", "mode", "optimal", "solver", "seconds", "allowed_pairs",
        "pairs_considered", "capacity", "weights", "blocking_pairs", "stable_matched",
        "stable_total_score",
    ]  # fmt: skip
    later = list(written)[19:]  # issue 16's fields, each added by its own feature
    assert [k for k in later if k in ("close_calls", "robustness", "weight_changes")] == [
        "close_calls", "robustness", "weight_changes",
    ]  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.summary.matched = 0  # type: ignore[misc]


def test_rerun_into_own_folder_replaces_and_removes_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    match(design(), roster(tmp_path), out, all_scores=True)
    (out / "review.csv").write_text("mentee_id,mentor_id,action\n")  # the coordinator's file
    match(design(), roster(tmp_path), out)  # no --all-scores this time
    assert not (out / "pair_scores.csv").exists()
    assert (out / "review.csv").exists()


def test_refuses_to_overwrite_files_the_workbook_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "matches.csv").write_text("someone's own file")
    with pytest.raises(ExistsError, match="not written by the workbook"):
        match(design(), roster(tmp_path), out)
    assert (out / "matches.csv").read_text() == "someone's own file"
    assert sorted(p.name for p in out.iterdir()) == ["matches.csv"]


def test_refuses_to_overwrite_an_export_edited_by_hand(tmp_path: Path) -> None:
    out = tmp_path / "out"
    match(design(), roster(tmp_path), out)
    (out / "matches.csv").write_text("edited by the coordinator")
    with pytest.raises(
        ExistsError,
        match=r"matches\.csv: already exists and was not written by the workbook .*nothing",
    ):
        match(design(), roster(tmp_path), out)
    assert (out / "matches.csv").read_text() == "edited by the coordinator"


# ------------------------------------------------------------------------ command line


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_match_writes_exports_and_records_aggregates(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path)
    store.save(design(), snap)
    code, out, err = run(
        "match",
        str(path),
        str(roster(tmp_path)),
        "-o",
        str(tmp_path / "o"),
        "--objective",
        "quality",
        "--record",
    )
    assert code == 0, err
    assert "matched 2 of 3 mentees" in out
    results = store.load(path).design.matching.results
    assert results is not None and results.matched == 2 and results.objective == "quality"
    assert "Eve" not in path.read_text()


def test_cli_refused_roster_prints_one_line_per_problem_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    store.create(path)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\ne1,E,mentee,,x,,,\ne1,F,boss,,1,-2,,\n")
    code, _, err = run("match", str(path), str(bad), "-o", str(tmp_path / "o"))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 4  # level, duplicate id, role, capacity
    assert all(line.startswith(f"{bad}:") for line in lines)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("mode", "extra"), [("shortlist", "shortlist.csv"), ("group", "groups.csv")]
)
def test_modes_add_their_file_and_sheet(tmp_path: Path, mode: str, extra: str) -> None:
    out = tmp_path / "out"
    match(design(), roster(tmp_path), out, mode=mode)  # type: ignore[arg-type]
    assert (out / extra).exists()
    book = openpyxl.load_workbook(out / "matches.xlsx")
    assert ("Shortlist" if mode == "shortlist" else "Groups") in book.sheetnames
    rows = list(csv.DictReader((out / extra).open(encoding="utf-8-sig")))
    assert rows and all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_cli_objective_and_mode_and_all_scores(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    store.save(design(), store.create(path))
    code, _, err = run(
        "match", str(path), str(roster(tmp_path)), "-o", str(tmp_path / "o"),
        "--mode", "shortlist", "--objective", "fairness", "--all-scores",
    )  # fmt: skip
    assert code == 0, err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert (summary["mode"], summary["objective"]) == ("shortlist", "fairness")
    assert (tmp_path / "o" / "pair_scores.csv").exists()
    assert (tmp_path / "o" / "shortlist.csv").exists()


def _pairs(out: Path) -> set[tuple[str, str]]:
    rows = list(csv.DictReader((out / "matches.csv").open(encoding="utf-8-sig")))
    return {(r["mentee_id"], r["mentor_id"]) for r in rows}


def test_cli_review_and_previous_files(tmp_path: Path) -> None:
    """The review forbids, and the previous cohort rules out, the very pairs the
    matching makes without them (a forbid of a pair never chosen would prove nothing)."""
    path = tmp_path / "design.yaml"
    store.save(design(), store.create(path))
    code, _, err = run("match", str(path), str(roster(tmp_path)), "-o", str(tmp_path / "plain"))
    assert code == 0, err
    assert {("e1", "r1"), ("e2", "r2")} <= _pairs(tmp_path / "plain")
    review = tmp_path / "review.csv"
    review.write_text("mentee_id,mentor_id,action\ne1,r1,forbid\n")
    previous = tmp_path / "previous.csv"
    previous.write_text("mentee_id,mentor_id\ne2,r2\n")
    code, _, err = run(
        "match", str(path), str(roster(tmp_path)), "-o", str(tmp_path / "o"),
        "--review", str(review), "--previous", str(previous),
    )  # fmt: skip
    assert code == 0, err
    pairs = _pairs(tmp_path / "o")
    assert ("e1", "r1") not in pairs and ("e2", "r2") not in pairs
    review.write_text("mentee_id,mentor_id,action\ne2,r1,pin\n")  # a pin is kept as given
    code, _, err = run(
        "match", str(path), str(roster(tmp_path)), "-o", str(tmp_path / "pinned"),
        "--review", str(review),
    )  # fmt: skip
    assert code == 0, err
    assert ("e2", "r1") in _pairs(tmp_path / "pinned")
    review.write_text("mentee_id,mentor_id,action\ne1,r2,maybe\n")
    code, _, err = run(
        "match",
        str(path),
        str(roster(tmp_path)),
        "-o",
        str(tmp_path / "o2"),
        "--review",
        str(review),
    )
    assert code == 2 and f"{review}:2: action: unknown action" in err


def test_the_excel_file_speaks_in_words_and_the_csv_keeps_its_columns(tmp_path: Path) -> None:
    # People open the Excel file: headers in words, scores shown as whole numbers (the
    # cell keeps the exact score), pinned pairs marked, how it was computed in words.
    # Scripts and --previous read the CSV files: their columns stay as they were.
    out = tmp_path / "out"
    result = match(design(), roster(tmp_path), out, review=Review(pins=(("e2", "r1"),)))
    book = openpyxl.load_workbook(out / "matches.xlsx")
    headers = {name: [c.value for c in book[name][1]] for name in book.sheetnames}
    assert headers["Matches"] == [
        "Mentee ID", "Mentee", "Mentor ID", "Mentor", "Match score (0-100)", "Why",
        "Pinned by the coordinator", "Ahead of the next best mentor (points)", "Close call",
        "Why a close call",
    ]  # fmt: skip
    assert headers["Unmatched"] == ["Mentee ID", "Mentee", "Why not matched", "Nearest mentors"]
    assert headers["Summary"] == ["What", "Value"]
    matches = {r[0]: r for r in book["Matches"].iter_rows(min_row=2, values_only=True)}
    assert matches["e2"][6] == "yes" and matches["e1"][6] is None
    exact = dict(zip(result.matches.mentee_id, result.matches.score, strict=True))
    assert matches["e1"][4] == exact["e1"]  # the exact score, displayed with format "0"
    summary = dict(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["In short"] == (
        "2 of 3 mentees have a mentor. 1 pair was pinned by the coordinator. "
        "1 could not be matched: no mentor offers any of the skills they want."
    )
    assert summary["Pairs the rules allow"] == "2 of 6 possible pairs"
    assert summary["Result"] == "provably the best for this aim (optimal)"
    assert not any("_" in str(k) for k in summary)  # no field names
    [why] = [r[2] for r in book["Unmatched"].iter_rows(min_row=2, values_only=True)]
    with (out / "unmatched.csv").open(encoding="utf-8-sig", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert list(row) == ["mentee_id", "mentee_name", "reason", "alternatives"]
    assert row["reason"] == why  # the same words in both files
    assert why == "no mentor offers any of the skills they want (rust)"
