"""Must-haves: a criterion marked required rules a pair out instead of scoring it lower.

Checked against the roster's own values (an independent predicate written here, not the
scoring code) and a brute force of every assignment; then the words: the unmatched
reason, why-not, the refused pin, the summary, the design's validation.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import objective_key, roster_bytes

from workbook.design import ExtraCriterion, Weights
from workbook.errors import InputError, MatchingError, RosterError
from workbook.matching import match
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.review import Review
from workbook.matching.roster import load_roster
from workbook.matching.scoring import score_pairs
from workbook.matching.solver import solve
from workbook.matching.whynot import in_words, why_not

ROWS = [
    "x,Xi,mentor,,6,D,UTC,b,,,en,1,,,",
    "y,Yu,mentor,,6,D,UTC,a,,,fr,1,,,",
    "ann,Ann,mentee,,2,D,UTC,,a,,en,,,,",
]
"""Ann wants skill a and speaks English: Xi speaks English but offers b; Yu offers a in
French. With skills and seniority weighed, both score above 0."""


def test_without_a_must_have_a_mentee_can_get_a_mentor_offering_none_of_her_skills() -> None:
    d = design(weights=Weights(skills=1, seniority=1), seniority_min_gap=1)
    result = match(d, roster_bytes(ROWS[:1] + ROWS[2:]))
    assert list(result.matches["mentor_id"]) == ["x"]  # seniority alone: 50
    required = design(weights=Weights(skills=1, seniority=1), must_have=["skills"])
    result = match(required, roster_bytes(ROWS[:1] + ROWS[2:]))
    assert result.matches.empty
    assert result.unmatched.loc[0, "reason"] == "no mentor offers any of the skills they want (a)"
    assert result.summary.must_haves == ["offers at least one skill the mentee wants"]


def test_a_must_have_with_no_weight_rules_pairs_out_without_changing_scores() -> None:
    weighed = design(weights=Weights(skills=1))
    required = design(weights=Weights(skills=1), must_have=["language"])
    plain = match(weighed, roster_bytes(ROWS))
    ruled = match(required, roster_bytes(ROWS))
    assert list(plain.matches["mentor_id"]) == ["y"]  # the skill: 100
    assert ruled.matches.empty  # Yu speaks no English, Xi offers nothing Ann wants
    assert ruled.unmatched.loc[0, "reason"] == (
        "every mentor offering the skills they want fails a must-have: shares no language with them"
    )
    # Xi shares the language, but scores 0 on the only weighed criterion.
    both = match(design(weights=Weights(skills=1, seniority=1), must_have=["language"]),
                 roster_bytes(ROWS))  # fmt: skip
    assert list(both.matches["mentor_id"]) == ["x"]
    assert both.matches.loc[0, "score"] == 50.0  # the seniority half only: no language weight


def test_the_languages_column_is_required_when_language_is_a_must_have() -> None:
    header = "id,name,role,manager_id,level,department,timezone,skills_offered,skills_wanted"
    content = f"{header}\nx,Xi,mentor,,6,D,UTC,a,\nann,Ann,mentee,,2,D,UTC,,a\n".encode()
    with pytest.raises(RosterError) as caught:
        load_roster(content, design(weights=Weights(skills=1), must_have=["language"]).matching)
    assert any(p.field == "languages" for p in caught.value.problems)


def _random_roster(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    skills, languages, sites, zones = "abcd", ["en", "fr", "de"], ["N", "S"], ["UTC", "Asia/Tokyo"]
    rows = []
    for j in range(4):
        rows.append(
            f"r{j},R{j},mentor,,{rng.integers(4, 8)},D,{rng.choice(zones)},"
            f"{';'.join(rng.choice(list(skills), size=rng.integers(1, 3), replace=False))},,,"
            f"{rng.choice(languages)},{rng.integers(1, 3)},,,{rng.choice(sites)}"
        )
    for i in range(5):
        rows.append(
            f"e{i},E{i},mentee,,{rng.integers(1, 4)},D,{rng.choice(zones)},,"
            f"{';'.join(rng.choice(list(skills), size=rng.integers(1, 3), replace=False))},,"
            f"{rng.choice(languages)},,,,{rng.choice(sites)}"
        )
    return roster_bytes(rows)


def _meets(mentee: dict[str, str], mentor: dict[str, str], must: set[str]) -> bool:
    """The must-haves, read straight from the roster's cells."""
    wanted = set(mentee["skills_wanted"].split(";"))
    offered = set(mentor["skills_offered"].split(";"))
    return (
        ("skills" not in must or bool(wanted & offered))
        and ("language" not in must or mentee["languages"] == mentor["languages"])
        and ("timezone" not in must or mentee["timezone"] == mentor["timezone"])
        and ("site" not in must or mentee["site"] == mentor["site"])
    )


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", ["coverage", "quality", "fairness"])
def test_allowed_pairs_and_the_optimum_follow_the_must_haves(seed: int, objective: str) -> None:
    content = _random_roster(seed)
    rng = np.random.default_rng(100 + seed)
    must = {k for k in ("skills", "language", "timezone", "site") if rng.random() < 0.5}
    weights = Weights(skills=2, seniority=1, timezone=1)
    common = {"weights": weights, "max_timezone_hours": 2.0, "objective": objective}
    plain = design(**common, capacity=2)
    ruled = design(
        **common,
        capacity=2,
        must_have=sorted(must - {"site"}),
        extra_criteria={"site": ExtraCriterion(mode="same", weight=0.0, must_have="site" in must)},
    )
    free = score_pairs(build_pools(load_roster(content, plain.matching),
                                   Settings.from_design(plain)))  # fmt: skip
    scored = score_pairs(build_pools(load_roster(content, ruled.matching),
                                     Settings.from_design(ruled)))  # fmt: skip
    frame = scored.pools.roster.frame
    people = frame.to_dict("records")
    p = scored.pools
    expected = {
        (int(i), int(j), int(s))
        for i, j, s in zip(free.mentee, free.mentor, free.score, strict=True)
        if _meets(people[p.mentees[i]], people[p.mentors[j]], must)
    }
    got = set(
        zip(scored.mentee.tolist(), scored.mentor.tolist(), scored.score.tolist(), strict=True)
    )
    assert got == expected
    # The optimum over the allowed pairs, by trying every assignment.
    options: list[list[tuple[int, int]]] = [[(-1, 0)] for _ in range(p.n)]
    for i, j, s in sorted(expected):
        options[i].append((j, s))
    best = None
    for choice in itertools.product(*options):
        load = np.bincount([j for j, _ in choice if j >= 0], minlength=p.m)
        if (load > p.capacity).any():
            continue
        scores = [s for j, s in choice if j >= 0]
        key = objective_key(scores, objective)
        best = key if best is None or key > best else best
    solution = solve(scored, objective)  # type: ignore[arg-type]
    scores = solution.score.tolist()
    found = objective_key(scores, objective)
    assert found == best


def test_why_not_names_the_must_have_a_pair_fails() -> None:
    d = design(weights=Weights(skills=1, seniority=1), must_have=["skills", "language"])
    answer = why_not(d, roster_bytes(ROWS), "ann", "y")
    assert answer.blocked == (
        "the pair fails a must-have: the mentor shares no language with them",
    )
    assert in_words(answer) == [
        "ann and y are never matched:",
        "- the pair fails a must-have: the mentor shares no language with them",
    ]
    other = why_not(d, roster_bytes(ROWS), "ann", "x")
    assert other.blocked == (
        "the pair fails a must-have: the mentor offers none of the skills they want",
    )


def test_a_pin_cannot_break_a_must_have() -> None:
    d = design(weights=Weights(skills=1), must_have=["language"])
    with pytest.raises(MatchingError) as caught:
        match(d, roster_bytes(ROWS), review=Review(pins=(("ann", "y"),)))
    (problem,) = caught.value.problems
    assert problem.message == (
        "pin ann -> y: the pair fails a must-have (the mentor shares no language with them)"
    )
    assert problem.fix == "remove the pin, or make language no longer a must-have"


def test_summary_json_lists_the_must_haves_in_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = design(
        weights=Weights(skills=1, timezone=1),
        max_timezone_hours=3,
        must_have=["timezone", "skills"],
        extra_criteria={"site": ExtraCriterion(mode="different", weight=0, must_have=True)},
    )
    rows = [
        "x,Xi,mentor,,6,D,UTC,a,,,en,1,,,N",
        "ann,Ann,mentee,,2,D,UTC,,a,,en,,,,S",
    ]
    match(d, roster_bytes(rows), tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["must_haves"] == [
        "offers at least one skill the mentee wants",
        "is at most 3 hours away in time zone",
        "has a different site",
    ]
    assert summary["matched"] == 1


def test_must_haves_are_kept_in_order_once_each() -> None:
    d = design(weights=Weights(skills=1), must_have=["language", "skills", "language"])
    assert d.matching.must_have == ["skills", "language"]


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"must_have": ["department"]}, "either department will do"),
        ({"must_have": ["timezone"]}, "no limit in hours is set"),
    ],
)
def test_a_must_have_that_cannot_be_met_as_set_is_refused(settings: dict, words: str) -> None:  # type: ignore[type-arg]
    with pytest.raises((InputError, ValueError)) as caught:
        design(weights=Weights(skills=1), **settings)
    assert words in str(caught.value)


def test_an_unmatched_mentee_hears_every_cause_counted() -> None:
    rows = [
        "x,Xi,mentor,,6,D,UTC,a,,,en,1,,,",
        "y,Yu,mentor,,6,D,UTC,a,,,fr,1,,,",
        "ann,Ann,mentee,x,2,D,UTC,,a,,en,,,,",
    ]
    result = match(design(weights=Weights(skills=1), must_have=["language"]), roster_bytes(rows))
    assert result.unmatched.loc[0, "reason"] == (
        "every mentor offering the skills they want is ruled out: 1 failing the must-have on "
        "language, 1 in their reporting line"
    )


def test_every_weighed_criterion_can_be_a_must_have() -> None:
    from typing import get_args

    from workbook.design import BuiltInCriterion
    from workbook.matching.criteria import BUILT_IN

    assert set(get_args(BuiltInCriterion)) == set(Weights.model_fields)
    assert [c.key for c in BUILT_IN] == list(Weights.model_fields)
