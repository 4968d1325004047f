"""The matching criteria: what each one scores between a mentee and a mentor, and the roster
columns it needs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import roster_bytes

from workbook.design import Design, ExtraCriterion, Matching, Weights
from workbook.matching import criteria
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.roster import load_roster
from workbook.matching.scoring import Criteria


def values(d: Design, rows: list[str], name: str) -> dict[tuple[str, str], float]:
    """Criterion ``name``'s value for every (mentee, mentor) pair of a roster."""
    roster = load_roster(roster_bytes(rows), d.matching)
    pools = build_pools(roster, Settings.from_design(d))
    block = Criteria(pools).value(name, np.arange(pools.n)[:, None], np.arange(pools.m)[None, :])
    ids = roster.ids
    return {
        (ids[pools.mentees[i]], ids[pools.mentors[j]]): float(block[i, j])
        for i in range(pools.n)
        for j in range(pools.m)
    }


# ------------------------------------------------------------------------ what each rewards


@pytest.mark.parametrize(
    ("fmt", "lo", "hi", "sentence"),
    [
        (None, 1, None, "full when the mentor is above by at least 1 level(s), half one level off"),
        (None, None, 3, "full when the mentor is above by at most 3 level(s), half one level off"),
        (None, 1, 3, "full when the mentor is above by 1 to 3 level(s), half one level off"),
        (
            None,
            None,
            None,
            "full when the mentor is above by any number of levels, half one level off",
        ),
        (
            "reverse",
            2,
            None,
            "full when the mentee is above the mentor by at least 2 level(s), half one level off",
        ),
        ("peer", 1, 3, "full at the same level, half one level apart"),
    ],
)
def test_seniority_says_the_gap_it_rewards(
    fmt: str | None, lo: int | None, hi: int | None, sentence: str
) -> None:
    """The matching step shows this clause after "Seniority is N% of a score:"."""
    m = Matching(weights=Weights(seniority=1), seniority_min_gap=lo, seniority_max_gap=hi)
    assert criteria.built_in("seniority").effect(m, fmt) == sentence


def test_time_zone_says_its_limit_or_how_it_falls() -> None:
    tz = criteria.built_in("timezone")
    assert tz.effect(Matching(max_timezone_hours=2.5), None) == (
        "full when at most 2.5 hours apart, else 0"
    )
    assert (
        tz.effect(Matching(max_timezone_hours=3), None) == "full when at most 3 hours apart, else 0"
    )
    assert tz.effect(Matching(), None) == "falls by 1/12 for every hour apart"


def test_the_other_built_in_criteria_say_what_they_reward() -> None:
    said = {c.key: c.effect(Matching(department="different"), None) for c in criteria.BUILT_IN}
    assert said == {
        "skills": "the share of the skills the mentee wants that the mentor offers",
        "goals": "the share of the mentee's goals the mentor lists among theirs",
        "seniority": "full when the mentor is above by at least 1 level(s), half one level off",
        "department": "full when the departments are different",
        "timezone": "falls by 1/12 for every hour apart",
        "language": "full when they share a language",
        "preferences": "1 for the mentee's first choice, less for later choices, 0 if not listed",
    }


# ------------------------------------------------------------------------ extra roster columns


def test_an_extra_roster_column_is_a_criterion_in_its_own_words() -> None:
    m = Matching(
        extra_criteria={
            "site": ExtraCriterion(mode="different", weight=2.5),
            "team": ExtraCriterion(),
        }
    )
    *built_in, site, team = criteria.every(m)
    assert built_in == list(criteria.BUILT_IN)
    assert (site.key, site.label, site.columns, site.weight(m)) == (
        "extra:site",
        "site",
        ("site",),
        2.5,
    )
    assert site.title == "Roster column 'site' (different value)"
    assert site.help == "The roster's column site: the different value"
    assert site.effect(m, None) == "full when the values differ"
    assert site.subject == "Roster column site"
    assert site.needs == "it is an extra criterion in the design"
    assert (team.key, team.label, team.columns, team.weight(m)) == (
        "extra:team",
        "team",
        ("team",),
        1.0,
    )
    assert team.title == "Roster column 'team' (same value)"
    assert team.help == "The roster's column team: the same value"
    assert team.effect(m, None) == "full when the values are the same"


@pytest.mark.parametrize(("mode", "north", "south"), [("same", 1.0, 0.0), ("different", 0.0, 1.0)])
def test_an_extra_column_compares_its_own_column(mode: str, north: float, south: float) -> None:
    """The site column decides, not the department (which says the opposite here)."""
    rows = [
        "rn,RN,mentor,,5,B,UTC,python,,,,,,,north",
        "rs,RS,mentor,,5,A,UTC,python,,,,,,,south",
        "e1,E1,mentee,,2,A,UTC,,python,,,,,,north",
    ]
    d = design(weights=Weights(skills=0), extra_criteria={"site": ExtraCriterion(mode=mode)})
    assert values(d, rows, "extra:site") == {("e1", "rn"): north, ("e1", "rs"): south}


# ------------------------------------------------------------------------ which are on


def test_active_criteria_are_those_weighted_above_zero_in_the_designs_order() -> None:
    m = Matching(
        weights=Weights(skills=0.5, goals=0, timezone=2, department=1, preferences=1),
        department="different",
        extra_criteria={"site": ExtraCriterion(weight=0), "team": ExtraCriterion(weight=0.25)},
    )
    assert [c.key for c in criteria.active(m)] == [
        "skills", "department", "timezone", "preferences", "extra:team"
    ]  # fmt: skip


def test_department_either_weighs_nothing_whatever_its_weight() -> None:
    department = criteria.built_in("department")
    either = Matching(weights=Weights(department=5), department="either")
    same = Matching(weights=Weights(department=5), department="same")
    assert department.weight(either) == 0.0
    assert department.weight(same) == 5.0
    assert [c.key for c in criteria.active(either)] == ["skills"]
    assert [c.key for c in criteria.active(same)] == ["skills", "department"]


def test_labels_name_criteria_in_a_sentence() -> None:
    assert criteria.label("timezone") == "time zone"
    assert criteria.label("preferences") == "mentee's preference"
    assert criteria.label("skills") == "skills"
    assert criteria.label("extra:site") == "site"
    with pytest.raises(KeyError) as raised:
        criteria.built_in("salary")
    assert raised.value.args == ("salary",)


# ------------------------------------------------------------------------ seniority's range


@pytest.mark.parametrize(
    ("fmt", "lo", "hi", "expected"),
    [
        (None, 1, None, (1.0, math.inf)),
        (None, None, 4, (-math.inf, 4.0)),
        (None, -2, 3, (-2.0, 3.0)),
        ("reverse", 2, 5, (2.0, 5.0)),
        ("peer", 2, 5, (0.0, 0.0)),  # peers: the same level, whatever the design's gaps
    ],
)
def test_seniority_range_is_the_wanted_gap(
    fmt: str | None, lo: int | None, hi: int | None, expected: tuple[float, float]
) -> None:
    m = Matching(seniority_min_gap=lo, seniority_max_gap=hi)
    assert criteria.seniority_range(fmt, m) == expected


def test_peers_want_the_same_level_and_take_half_one_level_apart() -> None:
    rows = [
        "same,Same,mentor,,3,A,UTC,python,,,,,,,",
        "up1,Up1,mentor,,4,A,UTC,python,,,,,,,",
        "down1,Down1,mentor,,2,A,UTC,python,,,,,,,",
        "up2,Up2,mentor,,5,A,UTC,python,,,,,,,",
        "e1,E1,mentee,,3,A,UTC,,python,,,,,,",
    ]
    d = design(fmt="peer", weights=Weights(seniority=1), seniority_min_gap=2, seniority_max_gap=4)
    assert values(d, rows, "seniority") == {
        ("e1", "same"): 1.0,
        ("e1", "up1"): 0.5,
        ("e1", "down1"): 0.5,
        ("e1", "up2"): 0.0,
    }


def test_no_bounds_on_the_gap_rewards_a_mentor_at_any_level() -> None:
    """Without a minimum a junior mentor is in range too; without a maximum a far senior."""
    rows = [
        "junior,J,mentor,,1,A,UTC,python,,,,,,,",
        "senior,S,mentor,,40,A,UTC,python,,,,,,,",
        "e1,E1,mentee,,5,A,UTC,,python,,,,,,",
    ]
    d = design(weights=Weights(seniority=1), seniority_min_gap=None, seniority_max_gap=None)
    assert values(d, rows, "seniority") == {("e1", "junior"): 1.0, ("e1", "senior"): 1.0}
    d = design(weights=Weights(seniority=1), seniority_min_gap=None, seniority_max_gap=2)
    assert values(d, rows, "seniority") == {("e1", "junior"): 1.0, ("e1", "senior"): 0.0}


# ------------------------------------------------------------------------ the columns compared


def test_goals_compare_the_same_column_on_both_sides() -> None:
    rows = [
        "r1,R1,mentor,,5,A,UTC,,,Career;Lead;Sales,,,,,",
        "r2,R2,mentor,,5,A,UTC,career,,,,,,,",
        "e1,E1,mentee,,2,A,UTC,,,career;lead,,,,,",
    ]
    d = design(weights=Weights(skills=0, goals=1))
    assert values(d, rows, "goals") == {("e1", "r1"): 1.0, ("e1", "r2"): 0.0}


def test_languages_compare_the_same_column_on_both_sides() -> None:
    rows = [
        "r1,R1,mentor,,5,A,UTC,,,,de;FR,,,,",
        "r2,R2,mentor,,5,A,UTC,,,,es,,,,",
        "e1,E1,mentee,,2,A,UTC,,,,en;fr,,,,",
    ]
    d = design(weights=Weights(skills=0, language=1))
    assert values(d, rows, "language") == {("e1", "r1"): 1.0, ("e1", "r2"): 0.0}
