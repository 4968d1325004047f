"""Scoring: every allowed pair's weighted score, its reasons and the minimum score."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import roster_bytes

from workbook.design import Design, ExtraCriterion, Weights
from workbook.errors import MatchingError, Problem
from workbook.matching import match, scoring
from workbook.matching.constraints import Pools, Settings, build_pools
from workbook.matching.roster import load_roster
from workbook.matching.scoring import Criteria, score_pairs


def pools_of(d: Design, rows: list[str]) -> Pools:
    return build_pools(load_roster(roster_bytes(rows), d.matching), Settings.from_design(d))


def allowed(d: Design, rows: list[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """Every allowed pair's score and reasons, as the shortlist shows them to a coordinator."""
    result = match(d, roster_bytes(rows), mode="shortlist", shortlist_k=50)
    assert result.shortlist is not None
    s = result.shortlist
    return {
        (e, r): (score, reasons)
        for e, r, score, reasons in zip(s.mentee_id, s.mentor_id, s.score, s.reasons, strict=True)
    }


def scored_pairs(d: Design, rows: list[str]) -> dict[tuple[str, str], int]:
    """Every allowed pair's score in thousandths, from :func:`score_pairs` itself."""
    pools = pools_of(d, rows)
    scored = score_pairs(pools)
    ids = pools.roster.ids
    return {
        (ids[pools.mentees[i]], ids[pools.mentors[j]]): int(s)
        for i, j, s in zip(scored.mentee, scored.mentor, scored.score, strict=True)
    }


# ------------------------------------------------------------------------ score and reasons

# r1 is the roster's first row: the first level, department and zone it holds are the
# first codes of their criteria, which must count as known like any other.
MIXED = [
    "r1,R1,mentor,,5,A,Europe/Paris,python;sql,,,,3,,,",
    "r2,R2,mentor,,,,,sql,,,,3,,,",
    "e1,E1,mentee,,2,,Asia/Tokyo,,Python;SQL;go,,,,r2;e2;r1,,",
    "e2,E2,mentee,,,A,,,cooking,,,,,,",
]


def test_each_pair_scores_the_weighted_mean_and_its_reasons_say_why() -> None:
    """Five criteria weighted 1 each: every one is 20 points of 100. By hand:

    e1-r1: skills 2 of 3 (13.333), mentor 3 levels up (20), department unknown for e1
    (0), Tokyo-Paris 8 h in January (1 - 8/12: 6.667), r1 is e1's second choice once e2
    (a mentee) is left out (1/2: 10). e1-r2: skills 1 of 3 (6.667), first choice (20),
    nothing known of r2's level, department or zone (0). e2-r1: department A and A (20).
    e2-r2 has nothing in common (0) and is never proposed.
    """
    d = design(
        weights=Weights(skills=1, seniority=1, department=1, timezone=1, preferences=1),
        department="same",
    )
    got = allowed(d, MIXED)
    assert set(got) == {("e1", "r1"), ("e1", "r2"), ("e2", "r1")}
    assert got[("e1", "r1")] == (
        50.0,
        "seniority +20.0 (mentor +3 levels); skills +13.3 (2 of 3: Python, SQL); "
        "mentee's preference +10.0 (choice 2 of 2); time zone +6.7 (8 h apart); "
        "department +0.0 (? / A)",
    )
    assert got[("e1", "r2")] == (
        26.667,
        "mentee's preference +20.0 (choice 1 of 2); skills +6.7 (1 of 3: SQL); "
        "seniority +0.0 (levels unknown); department +0.0 (? / ?); time zone +0.0 (zone unknown)",
    )
    assert got[("e2", "r1")] == (
        20.0,
        "department +20.0 (A / A); skills +0.0 (0 of 1); seniority +0.0 (levels unknown); "
        "time zone +0.0 (zone unknown); mentee's preference +0.0 (not listed)",
    )


def test_unequal_weights_are_shares_of_100() -> None:
    """Skills 3, seniority 1: 75 and 25 points. e1-r1: 75 x 1/2 + 25 x 1/2 (one level
    under the wanted minimum of 2) = 50; e1-r2: 75 x 0 + 25 x 1 = 25."""
    rows = [
        "r1,R1,mentor,,3,A,UTC,python,,,,3,,,",
        "r2,R2,mentor,,4,A,UTC,cooking,,,,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python;sql,,,,,,",
    ]
    d = design(weights=Weights(skills=3, seniority=1), seniority_min_gap=2)
    assert allowed(d, rows) == {
        ("e1", "r1"): (50.0, "skills +37.5 (1 of 2: python); seniority +12.5 (mentor +1 levels)"),
        ("e1", "r2"): (25.0, "seniority +25.0 (mentor +2 levels); skills +0.0 (0 of 2)"),
    }


def test_a_mentor_below_the_mentee_reads_as_negative_levels() -> None:
    rows = [
        "r1,R1,mentor,,1,A,UTC,python,,,,3,,,",
        "e1,E1,mentee,,3,A,UTC,,python,,,,,,",
    ]
    d = design(fmt="reverse", weights=Weights(skills=1, seniority=1))
    assert allowed(d, rows) == {
        ("e1", "r1"): (100.0, "skills +50.0 (1 of 1: python); seniority +50.0 (mentor -2 levels)")
    }


def test_time_zones_are_apart_the_short_way_round_the_clock() -> None:
    """In January Auckland is UTC+13 and Honolulu UTC-10: 23 hours one way, 1 the other.
    Kolkata is UTC+5:30, 5.5 hours from London."""
    rows = [
        "hnl,Honolulu,mentor,,5,A,Pacific/Honolulu,,,,,3,,,",
        "lon,London,mentor,,5,A,Europe/London,,,,,3,,,",
        "akl,Auckland,mentee,,2,A,Pacific/Auckland,,,,,,,,",
        "ccu,Kolkata,mentee,,2,A,Asia/Kolkata,,,,,,,,",
    ]
    d = design(weights=Weights(skills=0, timezone=1))
    got = allowed(d, rows)
    assert {pair: score for pair, (score, _) in got.items()} == pytest.approx(
        {
            ("akl", "hnl"): 100 * (1 - 1 / 12),
            ("akl", "lon"): 100 * (1 - 11 / 12),  # 13 hours one way, 11 the other
            ("ccu", "hnl"): 100 * (1 - 8.5 / 12),  # 15.5 one way, 8.5 the other
            ("ccu", "lon"): 100 * (1 - 5.5 / 12),
        },
        abs=1e-3,
    )
    assert {pair: reasons for pair, (_, reasons) in got.items()} == {
        ("akl", "hnl"): "time zone +91.7 (1 h apart)",
        ("akl", "lon"): "time zone +8.3 (11 h apart)",
        ("ccu", "hnl"): "time zone +29.2 (8.5 h apart)",
        ("ccu", "lon"): "time zone +54.2 (5.5 h apart)",
    }
    # A limit of 5.5 hours takes a pair exactly 5.5 hours apart, and scores 0 beyond.
    d = design(weights=Weights(skills=0, timezone=1), max_timezone_hours=5.5)
    assert allowed(d, rows) == {
        ("akl", "hnl"): (100.0, "time zone +100.0 (1 h apart)"),
        ("ccu", "lon"): (100.0, "time zone +100.0 (5.5 h apart)"),
    }


def test_an_unknown_zone_scores_nothing_even_with_a_limit() -> None:
    rows = [
        "r1,R1,mentor,,5,A,,python,,,,3,,,",
        "r2,R2,mentor,,5,A,UTC,python,,,,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python,,,,,,",
    ]
    d = design(weights=Weights(skills=1, timezone=1), max_timezone_hours=24)
    assert allowed(d, rows) == {
        ("e1", "r2"): (100.0, "skills +50.0 (1 of 1: python); time zone +50.0 (0 h apart)"),
        ("e1", "r1"): (50.0, "skills +50.0 (1 of 1: python); time zone +0.0 (zone unknown)"),
    }


def test_a_different_value_counts_only_when_both_values_are_known() -> None:
    """An extra column "site", different wanted: north/south is different, a blank site
    is unknown (not different), on either side. Equal contributions keep the design's
    order (built-in criteria first)."""
    rows = [
        "rn,RN,mentor,,5,A,UTC,python,,,,3,,,north",
        "rx,RX,mentor,,5,A,UTC,python,,,,3,,,",
        "es,ES,mentee,,2,A,UTC,,python,,,,,,south",
        "ex,EX,mentee,,2,A,UTC,,python,,,,,,",
    ]
    d = design(weights=Weights(skills=1), extra_criteria={"site": ExtraCriterion(mode="different")})
    assert allowed(d, rows) == {
        ("es", "rn"): (100.0, "skills +50.0 (1 of 1: python); site +50.0 (south / north)"),
        ("es", "rx"): (50.0, "skills +50.0 (1 of 1: python); site +0.0 (south / ?)"),
        ("ex", "rn"): (50.0, "skills +50.0 (1 of 1: python); site +0.0 (? / north)"),
        ("ex", "rx"): (50.0, "skills +50.0 (1 of 1: python); site +0.0 (? / ?)"),
    }


def test_preferences_count_only_mentors_and_unlisted_mentors_score_nothing() -> None:
    """e1 lists e2 (a mentee, not a mentor) first: r2 and r1 are choices 1 and 2 of 2.
    e2 lists r1 then r2; e3 lists nobody."""
    rows = [
        "r1,R1,mentor,,5,A,UTC,python,,,,3,,,",
        "r2,R2,mentor,,5,A,UTC,python,,,,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python,,,,e2;r2;r1,,",
        "e2,E2,mentee,,2,A,UTC,,python,,,,r1;r2,,",
        "e3,E3,mentee,,2,A,UTC,,python,,,,,,",
    ]
    d = design(weights=Weights(skills=1, preferences=1))
    python = "skills +50.0 (1 of 1: python); mentee's preference"
    assert allowed(d, rows) == {
        ("e1", "r2"): (100.0, f"{python} +50.0 (choice 1 of 2)"),
        ("e1", "r1"): (75.0, f"{python} +25.0 (choice 2 of 2)"),
        ("e2", "r1"): (100.0, f"{python} +50.0 (choice 1 of 2)"),
        ("e2", "r2"): (75.0, f"{python} +25.0 (choice 2 of 2)"),
        ("e3", "r1"): (50.0, f"{python} +0.0 (not listed)"),
        ("e3", "r2"): (50.0, f"{python} +0.0 (not listed)"),
    }


def test_preferences_on_with_nobody_listing_anyone() -> None:
    rows = [
        "r1,R1,mentor,,5,A,UTC,python,,,,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python;sql,,,,,,",
    ]
    d = design(weights=Weights(skills=1, preferences=1))
    assert allowed(d, rows) == {
        ("e1", "r1"): (25.0, "skills +25.0 (1 of 2: python); mentee's preference +0.0 (not listed)")
    }


# ------------------------------------------------------------------------ the minimum score


def test_a_pair_at_exactly_the_minimum_score_is_allowed() -> None:
    rows = [
        "half,Half,mentor,,5,A,UTC,python,,,,3,,,",
        "third,Third,mentor,,5,A,UTC,python,,,,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python;sql,,,,,,",
        "e2,E2,mentee,,2,A,UTC,,python;sql;go,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=50)
    assert scored_pairs(d, rows) == {("e1", "half"): 50_000, ("e1", "third"): 50_000}


def test_the_smallest_score_above_zero_is_still_a_pair() -> None:
    """Skills weigh 0.001 of 100 and the language nothing in common: the pair scores one
    thousandth, the smallest score there is, and is proposed; a pair with nothing in
    common is not."""
    rows = [
        "r1,R1,mentor,,5,A,UTC,python,,,de,3,,,",
        "r2,R2,mentor,,5,A,UTC,cooking,,,de,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python,,en,,,,",
    ]
    d = design(weights=Weights(skills=0.001, language=99.999))
    assert scored_pairs(d, rows) == {("e1", "r1"): 1}


def test_a_mentor_with_capacity_zero_is_never_allowed() -> None:
    rows = [
        "r0,R0,mentor,,5,A,UTC,python,,,,0,,,",
        "r1,R1,mentor,,5,A,UTC,python,,,,1,,,",
        "r2,R2,mentor,,5,A,UTC,python,,,,2,,,",
        "e1,E1,mentee,,2,A,UTC,,python,,,,,,",
    ]
    assert scored_pairs(design(), rows) == {("e1", "r1"): 100_000, ("e1", "r2"): 100_000}


# ------------------------------------------------------------------------ blocks and progress

BLOCKS = [
    "r1,R1,mentor,,5,A,UTC,python;sql,,,,3,,,",
    "r2,R2,mentor,,5,A,UTC,sql,,,,3,,,",
    "e1,E1,mentee,,2,A,UTC,,python,,,,,,",
    "e2,E2,mentee,,2,A,UTC,,python;sql,,,,,r1,",  # e2 excludes r1
    "e3,E3,mentee,r2,2,A,UTC,,sql,,,,,,",  # e3 reports to r2
]
"""By hand, skills only: e1 r1 100 (r2 offers no python: 0); e2 r2 50 (r1 excluded);
e3 r1 100 (r2 is their manager)."""


def test_progress_says_how_much_is_scored() -> None:
    calls: list[tuple[str, float]] = []
    scored = score_pairs(pools_of(design(), BLOCKS), lambda step, done: calls.append((step, done)))
    assert calls == [("score", 1.0)]
    assert len(scored) == 3


def test_scoring_block_by_block_gives_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two cells a block every mentee is a block of its own: the forbidden pairs of
    later blocks stay forbidden and every pair keeps its mentee, mentor and score."""
    monkeypatch.setattr(scoring, "CELLS_PER_BLOCK", 2)
    calls: list[tuple[str, float]] = []
    pools = pools_of(design(), BLOCKS)
    scored = score_pairs(pools, lambda step, done: calls.append((step, done)))
    assert calls == [("score", 1 / 3), ("score", 2 / 3), ("score", 1.0)]
    ids = pools.roster.ids
    got = {
        (ids[pools.mentees[i]], ids[pools.mentors[j]]): int(s)
        for i, j, s in zip(scored.mentee, scored.mentor, scored.score, strict=True)
    }
    assert got == {("e1", "r1"): 100_000, ("e2", "r2"): 50_000, ("e3", "r1"): 100_000}


def test_a_block_holds_that_many_pairs_with_a_single_mentor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two cells a block and one mentor: two mentees a block, so three mentees take two."""
    monkeypatch.setattr(scoring, "CELLS_PER_BLOCK", 2)
    rows = [
        "r1,R1,mentor,,5,A,UTC,python,,,,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python,,,,,,",
        "e2,E2,mentee,,2,A,UTC,,python;sql,,,,,,",
        "e3,E3,mentee,,2,A,UTC,,sql,,,,,,",
    ]
    calls: list[tuple[str, float]] = []
    scored = score_pairs(pools_of(design(), rows), lambda step, done: calls.append((step, done)))
    assert calls == [("score", 2 / 3), ("score", 1.0)]
    assert scored.mentee.tolist() == [0, 1]
    assert scored.score.tolist() == [100_000, 50_000]


# ------------------------------------------------------------------------ values of any pairs


def test_a_block_of_some_mentors_in_any_order_gets_their_values() -> None:
    """Mentees as a column and mentors as a row give every pair of them, whichever
    mentors and in whatever order; each value is the exact share (2 of 3 is 2/3, the
    float64 reciprocal the score was solved with)."""
    rows = [
        "r1,R1,mentor,,5,A,UTC,python;sql,,,,3,,,",
        "r2,R2,mentor,,5,A,UTC,sql,,,,3,,,",
        "r3,R3,mentor,,5,A,UTC,go,,,,3,,,",
        "e1,E1,mentee,,2,A,UTC,,python;sql;go,,,,,,",
        "e2,E2,mentee,,2,A,UTC,,sql,,,,,,",
    ]
    c = Criteria(pools_of(design(), rows))
    a = np.arange(2)[:, None]
    every = c.value("skills", a, np.array([[0, 1, 2]]))
    assert every.tolist() == [[2 / 3, 1 / 3, 1 / 3], [1.0, 1.0, 0.0]]
    assert c.value("skills", a, np.array([[1, 2, 0]])).tolist() == [
        [1 / 3, 1 / 3, 2 / 3],
        [1.0, 0.0, 1.0],
    ]
    assert c.value("skills", a, np.array([[1, 0]])).tolist() == [[1 / 3, 2 / 3], [1.0, 1.0]]
    assert c.value("skills", a, np.array([[2, 0]])).tolist() == [[1 / 3, 2 / 3], [0.0, 1.0]]
    assert c.value("skills", np.array([0, 1]), np.array([2, 0])).tolist() == [1 / 3, 1.0]


def test_a_design_with_every_weight_zero_cannot_be_scored() -> None:
    """The design refuses it when loaded; a design changed in code without validation
    still gets a problem a person can act on, not a division by zero."""
    d = design()
    zero = d.model_copy(
        update={"matching": d.matching.model_copy(update={"weights": Weights(skills=0)})}
    )
    rows = ["r1,R1,mentor,,5,A,UTC,python,,,,3,,,", "e1,E1,mentee,,2,A,UTC,,python,,,,,,"]
    with pytest.raises(MatchingError) as raised:
        Criteria(pools_of(zero, rows))
    assert raised.value.problems == [
        Problem(
            "every criterion has weight 0",
            "give at least skills a weight above 0",
            field="matching.weights",
        )
    ]


@pytest.mark.parametrize("name", ["skills", "seniority", "department", "timezone", "preferences"])
def test_reasons_are_refused_for_mentees_and_mentors_that_do_not_pair_up(name: str) -> None:
    """Reasons are given pair by pair: two mentees against three mentors is not a list
    of pairs, and cutting it to the shorter would explain pairs nobody asked about."""
    d = design(
        weights=Weights(skills=1, seniority=1, department=1, timezone=1, preferences=1),
        department="same",
    )
    c = Criteria(pools_of(d, MIXED))
    assert len(c.details(name, np.array([0, 1]), np.array([0, 1]))) == 2
    with pytest.raises(ValueError):
        c.details(name, np.array([0, 1]), np.array([0, 1, 0]))
