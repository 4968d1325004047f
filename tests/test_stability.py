"""Stability: blocking pairs counted against a brute force of the definition, and the
stable (best pair first) assignment's cost beside the optimum."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import roster_bytes
from test_matching import random_instance

from workbook.design import Weights
from workbook.matching import match
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.explain import computation
from workbook.matching.roster import load_roster
from workbook.matching.scoring import SCALE, score_pairs
from workbook.matching.solver import solve
from workbook.matching.stability import blocking_pairs, stable


def brute_blocking(scored, mentee, mentor, score) -> int:  # type: ignore[no-untyped-def]
    """The definition, pair by pair, in plain Python."""
    p = scored.pools
    got = {int(i): int(s) for i, s in zip(mentee, score, strict=True)}
    held: dict[int, list[int]] = {}
    for j, s in zip(mentor, score, strict=True):
        held.setdefault(int(j), []).append(int(s))
    count = 0
    for i, j, s in zip(scored.mentee, scored.mentor, scored.score, strict=True):
        i, j, s = int(i), int(j), int(s)
        mentee_wants = s > got.get(i, -1)
        mine = held.get(j, [])
        mentor_takes = len(mine) < p.capacity[j] or (bool(mine) and s > min(mine))
        count += mentee_wants and mentor_takes
    return count


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("objective", ["coverage", "quality", "fairness"])
def test_blocking_pairs_follow_the_definition(seed: int, objective: str) -> None:
    d, data = random_instance(seed, n=8, m=4)
    scored = score_pairs(build_pools(load_roster(data, d.matching), Settings.from_design(d)))
    sol = solve(scored, objective)  # type: ignore[arg-type]
    found = blocking_pairs(scored, sol.mentee, sol.mentor, sol.score)
    assert found == brute_blocking(scored, sol.mentee, sol.mentor, sol.score)


def test_an_optimal_assignment_can_be_blocked_and_the_stable_one_costs_a_match() -> None:
    """Ann and Bo both want Xi (capacity 1); Ann scores 100 with Xi and 50 with Yu, Bo
    only fits Xi (50). Coverage gives Xi to Bo and Yu to Ann: Ann and Xi would rather be
    together (one blocking pair). The stable assignment gives Xi to Ann and leaves Bo
    out: a better total for fewer people matched."""
    rows = [
        "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,b;c,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=10)
    result = match(d, roster_bytes(rows), objective="coverage")
    s = result.summary
    assert (s.matched, s.total_score) == (2, 100.0)
    assert s.blocking_pairs == 1
    assert (s.stable_matched, s.stable_total_score) == (1, 100.0)
    quality = match(d, roster_bytes(rows), objective="quality").summary
    assert quality.blocking_pairs == 1  # the tie of totals goes to matching more


def test_the_stable_assignment_has_no_blocking_pair() -> None:
    d, data = random_instance(4, n=30, m=10)
    scored = score_pairs(build_pools(load_roster(data, d.matching), Settings.from_design(d)))
    found = stable(scored)
    assert found is not None
    # Rebuild the greedy pairs to check them: best pair first.
    order = np.lexsort((scored.mentor, scored.mentee, -scored.score.astype(np.int64)))
    free, room = set(range(scored.pools.n)), scored.pools.capacity.copy()
    pairs = []
    for k in order:
        i, j = int(scored.mentee[k]), int(scored.mentor[k])
        if i in free and room[j] > 0:
            free.discard(i)
            room[j] -= 1
            pairs.append((i, j, int(scored.score[k])))
    mentee, mentor, score = (np.array(c, np.int64) for c in zip(*pairs, strict=True))
    assert blocking_pairs(scored, mentee, mentor, score) == 0
    assert (found.matched, found.total) == (len(pairs), int(score.sum()))
    assert found.total / SCALE <= match(d, data, objective="quality").summary.total_score


def test_no_allowed_pair_no_blocking_pair() -> None:
    rows = ["x,Xi,mentor,,5,D,UTC,a,,,,1,,,", "ann,Ann,mentee,,2,D,UTC,,z,,,,,,"]
    s = match(design(weights=Weights(skills=1), min_score=10), roster_bytes(rows)).summary
    assert (s.blocking_pairs, s.stable_matched) == (0, 0)


def test_the_coordinator_reads_the_blocking_pairs_and_their_price() -> None:
    rows = [
        "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,b;c,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=10)
    rows_shown = dict(computation(match(d, roster_bytes(rows)).summary))
    assert rows_shown["Pairs who would rather be together"] == (
        "1 pair of a mentee and a mentor would score higher together than with whom they "
        "got (the mentor has room, or a mentee who scores lower with them): the run gave "
        "that up for its aim above. Matching the best pairs first would leave no such pair, "
        "and would match 1 mentee instead of 2 (total score 100.0 instead of 100.0)."
    )
