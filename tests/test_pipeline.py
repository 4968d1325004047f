"""The matching pipeline: from a design and a roster to results, and the aggregates the
charter may show."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import matching_design as design
from helpers import roster_bytes

from workbook.design import MatchingResults
from workbook.errors import MatchingError, RosterError
from workbook.matching import aggregates, match, record_results
from workbook.matching.roster import load_roster

# Each mentee shares skills with one mentor only, so the matches are forced and every
# figure can be worked out by hand: e1 has 1 of 3 skills (r1), e2 2 of 5 (r2), e3 2 of 3
# and e4 1 of 1 (both r3, who has room for two), e5 only with r4, who takes no mentees;
# COHORT has four matches, COHORT_OF_FIVE adds e6 with 1 of 2 (r5) for a fifth.
COHORT = [
    # id,name,role,manager,level,dept,tz,offered,wanted,goals,languages,capacity,prefs,excl,site
    "top,Top,,,9,X,UTC,,,,,,,,",
    "r1,R1,mentor,top,5,X,UTC,a,,,,,,,",
    "r2,R2,mentor,top,5,X,UTC,d;e,,,,1,,,",
    "r3,R3,mentor,top,5,X,UTC,f;g,,,,2,,,",
    "r4,R4,mentor,top,5,X,UTC,z,,,,0,,,",
    "e1,E1,mentee,top,1,X,UTC,,a;b;c,,,,,,",
    "e2,E2,mentee,top,1,X,UTC,,d;e;p;q;s,,,,,,",
    "e3,E3,mentee,top,1,X,UTC,,f;g;h,,,,,,",
    "e4,E4,mentee,top,1,X,UTC,,f,,,,,,",
    "e5,E5,mentee,top,1,X,UTC,,z,,,,,,",
]

COHORT_OF_FIVE = [
    *COHORT,
    "r5,R5,mentor,top,5,X,UTC,y,,,,,,,",
    "e6,E6,mentee,top,1,X,UTC,,y;w,,,,,,",
]

# Nobody offers what anybody wants: no pair, no match.
STRANGERS = [
    "r1,R1,mentor,,5,X,UTC,cooking,,,,,,,",
    "e1,E1,mentee,,1,X,UTC,,python,,,,,,",
]

# One mentee, six mentors who all fit, for the shortlist's length.
CHOICE = [
    "e1,E1,mentee,,1,X,UTC,,python,,,,,,",
    *[f"r{k},R{k},mentor,,5,X,UTC,python,,,,,,," for k in range(6)],
]


def matched_pairs(rows: list[str], **kwargs: object) -> set[tuple[str, str]]:
    result = match(design(capacity=1), roster_bytes(rows), **kwargs)  # type: ignore[arg-type]
    return set(zip(result.matches.mentee_id, result.matches.mentor_id, strict=True))


# ------------------------------------------------------------------------ aggregates


def test_aggregates_are_the_runs_figures_worked_out_by_hand() -> None:
    """Scores out of 100, to the thousandth: 33.333, 40, 50, 66.667, 100; total 290,
    mean 58. Quartiles by linear interpolation over the five sorted scores fall on the
    second, third and fourth: 40, 50, 66.67. r3 mentors two; r3 (2) and r4 (0) have
    capacities of their own, r2's is the plan's (1), r1 and r5 have none."""
    result = match(design(capacity=1), roster_bytes(COHORT_OF_FIVE))
    when = dt.datetime(2027, 1, 4, 9, 30, 15, 123456, tzinfo=dt.UTC)
    assert aggregates(result, when) == MatchingResults(
        run_at=dt.datetime(2027, 1, 4, 9, 30, 15, tzinfo=dt.UTC),
        objective="coverage",
        mentees=6,
        mentors=5,
        matched=5,
        unmatched=1,
        total_score=290.0,
        min_score=33.333,
        mean_score=58.0,
        score_quartiles=[40.0, 50.0, 66.67],
        optimal=True,
        most_per_mentor=2,
        own_capacity_mentors=2,
    )


def test_aggregates_of_fewer_than_five_matched_keep_the_counts_and_no_scores() -> None:
    """With four matched, anyone who knows who they are could work out a person's score
    from the lowest, the mean and the quartiles: the charter gets the counts only."""
    result = match(design(capacity=1), roster_bytes(COHORT))
    when = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
    assert aggregates(result, when) == MatchingResults(
        run_at=when,
        objective="coverage",
        mentees=5,
        mentors=4,
        matched=4,
        unmatched=1,
        total_score=None,
        min_score=None,
        mean_score=None,
        score_quartiles=[],
        optimal=True,
        most_per_mentor=2,
        own_capacity_mentors=2,
    )


def test_aggregates_of_a_run_without_matches_have_no_scores() -> None:
    result = match(design(capacity=1), roster_bytes(STRANGERS))
    when = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
    assert aggregates(result, when) == MatchingResults(
        run_at=when,
        objective="coverage",
        mentees=1,
        mentors=1,
        matched=0,
        unmatched=1,
        total_score=None,
        min_score=None,
        mean_score=None,
        score_quartiles=[],
        optimal=True,
        most_per_mentor=0,
        own_capacity_mentors=0,
    )


def test_aggregates_are_dated_now_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01 00:00 UTC
    result = match(design(capacity=1), roster_bytes(STRANGERS))
    assert aggregates(result).run_at == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_the_design_records_the_aggregates_and_no_names() -> None:
    d = design(capacity=1)
    result = match(d, roster_bytes(COHORT))
    when = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
    recorded = record_results(d, result)
    assert recorded.matching.results is not None
    assert recorded.matching.results.model_copy(update={"run_at": when}) == aggregates(result, when)
    assert d.matching.results is None  # a copy: the caller saves it
    dumped = recorded.model_dump_json()
    assert not any(name in dumped for row in COHORT for name in row.split(",")[:2])


# ------------------------------------------------------------------------ previous cohort


def test_avoiding_repeat_pairs_without_a_previous_file_says_what_to_give() -> None:
    with pytest.raises(MatchingError) as raised:
        match(design(avoid_repeat_pairs=True), roster_bytes(COHORT))
    assert raised.value.lines() == [
        "matching.avoid_repeat_pairs: the design avoids repeating previous pairs but no "
        "previous matches file was given; give the previous cohort's matches.csv "
        "(--previous FILE, or 'Previous matches' in the notebook), or turn "
        "avoid_repeat_pairs off"
    ]


def test_a_previous_file_given_is_honoured_even_when_the_design_does_not_ask(
    tmp_path: Path,
) -> None:
    previous = tmp_path / "previous.csv"
    previous.write_text("mentee_id,mentor_id\ne1,r1\n")
    assert matched_pairs(COHORT, previous=previous) == {("e2", "r2"), ("e3", "r3"), ("e4", "r3")}
    assert ("e1", "r1") in matched_pairs(COHORT)


# ------------------------------------------------------------------------ the run


def test_progress_is_reported_step_by_step(tmp_path: Path) -> None:
    calls: list[tuple[str, float]] = []
    match(
        design(capacity=1),
        roster_bytes(COHORT),
        tmp_path,
        progress=lambda step, fraction: calls.append((step, fraction)),
    )
    assert [c for c in calls if c[0] != "score"] == [
        ("load", 0.0),
        ("constraints", 0.0),
        ("solve", 0.0),
        ("explain", 0.0),
        ("export", 0.0),
        ("done", 1.0),
    ]
    scoring = [i for i, c in enumerate(calls) if c[0] == "score"]
    assert scoring and calls[scoring[-1]] == ("score", 1.0)
    assert calls.index(("constraints", 0.0)) < scoring[0] < calls.index(("solve", 0.0))


def test_without_a_folder_nothing_is_exported_and_done_follows_explain() -> None:
    calls: list[str] = []
    match(design(capacity=1), roster_bytes(COHORT), progress=lambda s, f: calls.append(s))
    assert calls[-2:] == ["explain", "done"]


def test_the_exports_by_default_include_excel_and_not_every_pair(tmp_path: Path) -> None:
    match(design(capacity=1), roster_bytes(COHORT), tmp_path / "plain")
    written = {p.name for p in (tmp_path / "plain").iterdir()}
    assert {"matches.csv", "unmatched.csv", "matches.xlsx", "summary.json"} <= written
    assert "pair_scores.csv" not in written
    match(design(capacity=1), roster_bytes(COHORT), tmp_path / "all", all_scores=True, excel=False)
    written = {p.name for p in (tmp_path / "all").iterdir()}
    assert {"matches.csv", "pair_scores.csv", "summary.json"} <= written
    assert "matches.xlsx" not in written


def test_a_run_measures_its_time_when_not_made_reproducible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From the start of the run to its explanations, on a clock that reads 100 s once
    and 102.5 s after that."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    readings: Iterator[float] = iter([100.0])
    monkeypatch.setattr(time, "perf_counter", lambda: next(readings, 102.5))
    assert match(design(capacity=1), roster_bytes(COHORT)).summary.seconds == 2.5


def test_a_shortlist_offers_five_mentors_unless_told() -> None:
    result = match(design(capacity=1), roster_bytes(CHOICE), mode="shortlist")
    assert result.shortlist is not None and len(result.shortlist) == 5
    result = match(design(capacity=1), roster_bytes(CHOICE), mode="shortlist", shortlist_k=2)
    assert result.shortlist is not None and len(result.shortlist) == 2


def test_the_callers_objective_is_the_runs() -> None:
    d = design(capacity=1, objective="fairness")
    assert match(d, roster_bytes(COHORT)).summary.objective == "fairness"
    assert match(d, roster_bytes(COHORT), objective="quality").summary.objective == "quality"


def test_a_refused_roster_is_named_as_the_caller_names_it() -> None:
    """An uploaded file's bytes carry no name: the problems use the one given."""
    twice = ["e1,E1,mentee,,1,X,UTC,,python,,,,,,", "e1,E1 again,mentor,,5,X,UTC,,,,,,,,"]
    with pytest.raises(RosterError) as raised:
        match(design(), roster_bytes(twice), roster_name="cohort.csv")
    assert raised.value.lines() == [
        "cohort.csv:3: id: duplicate id: also on row 2 (value 'e1'); give every person a unique id"
    ]


def test_the_designs_column_names_are_used_to_read_the_roster() -> None:
    """The id column is called "staff" in this file; the design says so."""
    d = design(capacity=1, column_map={"staff": "id"})
    data = roster_bytes(COHORT).replace(b"id,name", b"staff,name", 1)
    result = match(d, data)
    assert len(result.matches) == 4


def test_a_loaded_roster_is_matched_as_it_is() -> None:
    d = design(capacity=1)
    roster = load_roster(roster_bytes(COHORT), d.matching, "cohort.csv")
    result = match(d, roster)
    assert set(zip(result.matches.mentee_id, result.matches.mentor_id, strict=True)) == {
        ("e1", "r1"), ("e2", "r2"), ("e3", "r3"), ("e4", "r3"),
    }  # fmt: skip


def test_a_review_file_is_read_from_a_path_or_its_name(tmp_path: Path) -> None:
    path = tmp_path / "review.csv"
    path.write_text("mentee_id,mentor_id,action\ne1,r1,forbid\n")
    for given in (path, str(path)):
        assert ("e1", "r1") not in matched_pairs(COHORT, review=given)
