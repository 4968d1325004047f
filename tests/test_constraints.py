"""The hard rules of matching: reporting lines, exclusions, capacity, previous pairs, pins
and forbids."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from helpers import matching_design as design
from helpers import roster_bytes

from workbook.design import Design, Matching, MentoringModel, Participation
from workbook.errors import MatchingError
from workbook.matching import match
from workbook.matching.constraints import Pools, Settings, build_pools
from workbook.matching.review import Review
from workbook.matching.roster import load_roster

FILE = "cohort.csv"

# A reporting tree drawn by hand (row numbers matter: mgr is row 0, ceo row 1, the
# last row is a mentee):
#
#   ceo ── mgr ── e1 ── jr ── kid        top (takes no part) ── e2
#   far, lone, duo: no manager; duo is both a mentee and a mentor
#
# Mentees in order: e1, e2, lone, duo. Mentors: mgr, ceo, jr, far, kid, duo.
LINE = [
    # id,name,role,manager,level,dept,tz,offered,wanted,goals,languages,capacity,prefs,excl,site
    "mgr,Mgr,mentor,ceo,5,X,UTC,python,,,,,,,",
    "ceo,Ceo,mentor,,9,X,UTC,python,,,,,,,",
    "e1,E1,mentee,mgr,2,X,UTC,,python,,,,,,",
    "top,Top,,,9,X,UTC,,,,,,,,",
    "e2,E2,mentee,top,2,X,UTC,,python,,,,,ceo,",
    "jr,Jr,mentor,e1,1,X,UTC,python,,,,,,,",
    "far,Far,mentor,,6,X,UTC,python,,,,2,,lone,",
    "lone,Lone,mentee,,2,X,UTC,,python,,,,,,",
    "kid,Kid,mentor,jr,1,X,UTC,python,,,,0,,,",
    "duo,Duo,both,,4,X,UTC,python,python,,,,,e2,",
]

# Nobody manages anybody and nobody excludes anybody: no pair is blocked. The first row
# is a mentee, the second too, the last too; three mentees share two places.
FLAT = [
    "a1,A1,mentee,,1,X,UTC,,python,,,,,,",
    "a2,A2,mentee,,1,X,UTC,,python,,,,,,",
    "m1,M1,mentor,,5,X,UTC,python,,,,,,,",
    "m2,M2,mentor,,5,X,UTC,python,,,,,,,",
    "a3,A3,mentee,,1,X,UTC,,python,,,,,,",
]


def pools_of(
    rows: list[str],
    d: Design | None = None,
    review: Review | None = None,
    previous: pd.DataFrame | None = None,
) -> Pools:
    d = d or design(capacity=1)
    roster = load_roster(roster_bytes(rows), d.matching, FILE)
    return build_pools(roster, Settings.from_design(d), review, previous)


def pairs(pools: Pools, keys: np.ndarray) -> set[tuple[str, str]]:
    """Pair keys as (mentee id, mentor id)."""
    ids = pools.roster.ids
    return {(ids[pools.mentees[k // pools.m]], ids[pools.mentors[k % pools.m]]) for k in keys}


def blocked(pools: Pools) -> dict[str, set[tuple[str, str]]]:
    return {str(cause): pairs(pools, keys) for cause, keys in pools.blocked.items()}


def pin_problems(rows: list[str], review: Review, d: Design | None = None) -> list[str]:
    with pytest.raises(MatchingError) as raised:
        pools_of(rows, d, review)
    return raised.value.lines()


# ------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    ("fmt", "say", "group_size", "capacity", "mode", "expected_mode", "expected_capacity"),
    [
        ("group", None, 4, 2, None, "group", 4),  # a group's size beats mentees per mentor
        ("team", None, None, 2, None, "group", 2),  # no group size: mentees per mentor
        (None, "shortlist", None, None, None, "shortlist", 1),  # nothing said: one each
        ("one_to_one", "preferences", 4, 3, None, "assign", 3),  # group size ignored
        ("group", None, 4, 2, "assign", "assign", 2),  # the caller's mode wins
    ],
)
def test_the_mode_and_default_capacity_follow_the_format(
    fmt: str | None,
    say: str | None,
    group_size: int | None,
    capacity: int | None,
    mode: str | None,
    expected_mode: str,
    expected_capacity: int,
) -> None:
    start = dt.date(2027, 3, 1)
    d = Design(
        model=MentoringModel(format=fmt, group_size=group_size, start_date=start),  # type: ignore[arg-type]
        participation=Participation(mentor_capacity=capacity),
        matching=Matching(mentee_say=say, objective="fairness"),  # type: ignore[arg-type]
    )
    assert Settings.from_design(d, mode=mode) == Settings(  # type: ignore[arg-type]
        matching=d.matching,
        format=fmt,
        objective="fairness",
        mode=expected_mode,  # type: ignore[arg-type]
        default_capacity=expected_capacity,
        shortlist_k=5,
        start_date=start,
    )


def test_the_callers_objective_and_shortlist_length_override_the_design() -> None:
    d = design(objective="fairness")
    settings = Settings.from_design(d, objective="quality", shortlist_k=3)
    assert (settings.objective, settings.shortlist_k) == ("quality", 3)
    assert Settings.from_design(d).objective == "fairness"


# ------------------------------------------------------------------------ pools


def test_every_hard_rule_blocks_exactly_its_pairs() -> None:
    """Drawn from the tree above: the line above e1 (mgr, ceo), the mentors below e1 (jr,
    kid), duo and duo, and each exclusion in the direction it was written and back."""
    pools = pools_of(LINE)
    assert blocked(pools) == {
        "self": {("duo", "duo")},
        "reporting line": {("e1", "mgr"), ("e1", "ceo")},
        "reports to you": {("e1", "jr"), ("e1", "kid")},
        "excluded": {("e2", "ceo"), ("lone", "far"), ("e2", "duo")},
    }
    assert pairs(pools, pools.forbidden_keys()) == set().union(*blocked(pools).values())
    assert list(pools.forbidden_keys()) == sorted(pools.forbidden_keys())


def test_the_reporting_line_depth_limits_both_directions() -> None:
    """Depth 1: only the direct manager may not mentor, and only direct reports."""
    pools = pools_of(LINE, design(capacity=1, reporting_line_depth=1))
    assert blocked(pools)["reporting line"] == {("e1", "mgr")}
    assert blocked(pools)["reports to you"] == {("e1", "jr")}


CHAIN = [
    "c3,C3,mentor,,9,X,UTC,python,,,,,,,",
    "c2,C2,mentor,c3,8,X,UTC,python,,,,,,,",
    "c1,C1,mentor,c2,7,X,UTC,python,,,,,,,",
    "e,E,mentee,c1,6,X,UTC,,python,,,,,,",
    "d1,D1,mentor,e,5,X,UTC,python,,,,,,,",
    "d2,D2,mentor,d1,4,X,UTC,python,,,,,,,",
    "d3,D3,mentor,d2,3,X,UTC,python,,,,,,,",
]


@pytest.mark.parametrize(
    ("depth", "above", "below"),
    [
        (1, {"c1"}, {"d1"}),
        (2, {"c1", "c2"}, {"d1", "d2"}),
        (None, {"c1", "c2", "c3"}, {"d1", "d2", "d3"}),
    ],
)
def test_the_depth_counts_levels_up_and_down_a_long_line(
    depth: int | None, above: set[str], below: set[str]
) -> None:
    """Three managers above e and three reports below, one level each."""
    found = blocked(pools_of(CHAIN, design(capacity=1, reporting_line_depth=depth)))
    assert found["reporting line"] == {("e", mentor) for mentor in above}
    assert found["reports to you"] == {("e", mentor) for mentor in below}


def test_a_manager_on_the_first_row_is_in_the_line() -> None:
    rows = [
        "boss,Boss,mentor,,5,X,UTC,python,,,,,,,",
        "e1,E1,mentee,boss,1,X,UTC,,python,,,,,,",
        "other,Other,mentor,,5,X,UTC,python,,,,,,,",
    ]
    assert blocked(pools_of(rows))["reporting line"] == {("e1", "boss")}


def test_nothing_is_blocked_when_nobody_manages_or_excludes_anybody() -> None:
    pools = pools_of(FLAT)
    assert blocked(pools) == {
        "self": set(),
        "reporting line": set(),
        "reports to you": set(),
        "excluded": set(),
    }
    assert pools.forbidden_keys().size == 0
    assert pools.pins == []


def test_a_roster_with_nothing_blocked_is_matched_and_the_mentee_left_over_explained() -> None:
    result = match(design(capacity=1), roster_bytes(FLAT))
    assert len(result.matches) == 2
    [reason] = result.unmatched.reason
    assert reason.startswith("all 2 mentors who fit are at capacity")


def test_a_line_of_managers_is_matched_around() -> None:
    """Every mentee has a mentor outside their line and exclusions, and gets one."""
    result = match(design(capacity=1), roster_bytes(LINE))
    matched = set(zip(result.matches.mentee_id, result.matches.mentor_id, strict=True))
    assert {mentee for mentee, _ in matched} == {"e1", "e2", "lone", "duo"}
    never = {("e1", "mgr"), ("e1", "ceo"), ("e1", "jr"), ("e1", "kid"), ("duo", "duo")}
    never |= {("e2", "ceo"), ("lone", "far"), ("e2", "duo")}
    assert not matched & never


def test_the_rosters_capacity_beats_the_default_and_zero_means_none() -> None:
    pools = pools_of(LINE, design(capacity=3))
    ids = pools.roster.ids[pools.mentors]
    assert dict(zip(ids, pools.capacity.tolist(), strict=True)) == {
        "mgr": 3, "ceo": 3, "jr": 3, "far": 2, "kid": 0, "duo": 3,
    }  # fmt: skip


def test_previous_pairs_are_blocked_and_unknown_ids_left_out() -> None:
    previous = pd.DataFrame(
        {
            "mentee_id": ["a1", "ghost", "a2", "m1"],
            "mentor_id": ["m1", "m2", "ghost", "a1"],  # the last pair has the roles reversed
        }
    )
    pools = pools_of(FLAT, previous=previous)
    assert blocked(pools)["previous cohort"] == {("a1", "m1")}


def test_forbidden_pairs_are_blocked_and_unknown_ids_left_out() -> None:
    forbids = (("e2", "mgr"), ("e2", "ghost"), ("ghost", "jr"), ("lone", "far"))
    pools = pools_of(LINE, review=Review(forbids=forbids))
    assert blocked(pools)["forbidden by the coordinator"] == {("e2", "mgr"), ("lone", "far")}


def test_a_roster_without_mentees_or_without_mentors_says_which_role_to_set() -> None:
    only_mentors = ["m1,M1,mentor,,5,X,UTC,python,,,,,,,"]
    with pytest.raises(MatchingError) as raised:
        pools_of(only_mentors)
    assert raised.value.lines() == [
        "cohort.csv: role: the roster has no mentees; set role to mentee or both"
    ]
    only_mentees = ["e1,E1,mentee,,1,X,UTC,,python,,,,,,"]
    with pytest.raises(MatchingError) as raised:
        pools_of(only_mentees)
    assert raised.value.lines() == [
        "cohort.csv: role: the roster has no mentors; set role to mentor or both"
    ]


# ------------------------------------------------------------------------ pins


def test_pins_that_keep_every_rule_are_kept_in_order() -> None:
    """As (mentee position, mentor position): e1 0, e2 1, duo 3; mgr 0, ceo 1, far 3."""
    pins = (("e1", "far"), ("e2", "mgr"), ("duo", "ceo"))
    assert pools_of(LINE, review=Review(pins=pins)).pins == [(0, 3), (1, 0), (3, 1)]
    # The first rows of the roster are a mentee (a1) and a mentor of FLAT's pools (m1 at 0).
    assert pools_of(FLAT, review=Review(pins=(("a1", "m1"),))).pins == [(0, 0)]


def test_every_pin_that_cannot_be_kept_is_a_problem_saying_why_and_what_to_do() -> None:
    pins = (
        ("ghost", "far"),
        ("e1", "top"),  # top takes no part
        ("lone", "ghost"),
        ("e1", "ceo"),
        ("e2", "ceo"),
        ("lone", "duo"),  # kept: the problems below come after it
        ("lone", "mgr"),
        ("e1", "duo"),
        ("duo", "kid"),
    )
    review = Review(pins=pins, forbids=(("e2", "ceo"),))
    assert pin_problems(LINE, review) == [
        "cohort.csv: pin ghost -> far: not a mentee and a mentor of this roster; remove the pin",
        "cohort.csv: pin e1 -> top: not a mentee and a mentor of this roster; remove the pin",
        "cohort.csv: pin lone -> ghost: not a mentee and a mentor of this roster; remove the pin",
        "cohort.csv: pin e1 -> ceo: the pair is not allowed (reporting line); remove the pin",
        "cohort.csv: pin e2 -> ceo: the pair is not allowed (excluded, forbidden by the "
        "coordinator); remove the pin",
        "cohort.csv: pin lone -> mgr: the mentee is pinned twice; keep one pin per mentee",
        "cohort.csv: pin e1 -> duo: the mentor is over capacity; raise the capacity or remove "
        "a pin",
        "cohort.csv: pin duo -> kid: the mentor is over capacity; raise the capacity or remove "
        "a pin",
    ]


def test_a_pin_of_someone_not_on_the_roster_is_refused_whatever_the_first_rows_are() -> None:
    assert pin_problems(FLAT, Review(pins=(("ghost", "m2"),))) == [
        "cohort.csv: pin ghost -> m2: not a mentee and a mentor of this roster; remove the pin"
    ]


def test_a_mentor_with_room_for_two_takes_two_pins_and_refuses_the_third() -> None:
    pins = (("e1", "far"), ("e2", "far"))
    assert pools_of(LINE, review=Review(pins=pins)).pins == [(0, 3), (1, 3)]
    assert pin_problems(LINE, Review(pins=(*pins, ("duo", "far")))) == [
        "cohort.csv: pin duo -> far: the mentor is over capacity; raise the capacity or remove "
        "a pin"
    ]
