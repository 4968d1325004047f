"""Why not? moves as few mentees as an optimal assignment allows: forcing a pair keeps
every pair of the run that an equally good assignment with the pair can keep, checked
against a brute force over every assignment that keeps the pair."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from helpers import objective_key
from test_matching import random_instance

from workbook.matching.constraints import Settings, build_pools
from workbook.matching.roster import load_roster
from workbook.matching.scoring import Scored, score_pairs
from workbook.matching.solver import solve
from workbook.matching.whynot import why_not


def fewest_moved(scored: Scored, objective: str, i: int, j: int, now: dict[int, int]) -> int:
    """Over every assignment that keeps (i, j) and is optimal for the other mentees in
    the capacity left, the fewest other mentees who lose their mentor in ``now`` (moved
    to another, or left without one)."""
    p = scored.pools
    room = p.capacity.copy()
    room[j] -= 1
    options: list[list[tuple[int, int]]] = [[(-1, 0)] for _ in range(p.n)]
    for a, b, s in zip(
        scored.mentee.tolist(), scored.mentor.tolist(), scored.score.tolist(), strict=True
    ):
        if a != i:
            options[a].append((b, s))
    options[i] = [(-1, 0)]  # the pinned mentee is out of the solve
    best: tuple[int, ...] | None = None
    fewest = 0
    for choice in itertools.product(*options):
        load = np.bincount([b for b, _ in choice if b >= 0], minlength=p.m)
        if (load > room).any():
            continue
        scores = [s for b, s in choice if b >= 0]
        key = objective_key(scores, objective)
        moved = sum(1 for a, was in now.items() if a != i and choice[a][0] != was)
        if best is None or key > best:
            best, fewest = key, moved
        elif key == best:
            fewest = min(fewest, moved)
    return fewest


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", ["coverage", "quality", "fairness"])
def test_forcing_a_pair_moves_the_fewest_mentees_an_optimum_allows(
    seed: int, objective: str
) -> None:
    d, data = random_instance(seed, n=6, m=3)
    roster = load_roster(data, d.matching)
    scored = score_pairs(build_pools(roster, Settings.from_design(d)))
    p = scored.pools
    sol = solve(scored, objective)  # type: ignore[arg-type]
    now = dict(zip(sol.mentee.tolist(), sol.mentor.tolist(), strict=True))
    ids = roster.frame["id"].to_numpy(dtype=object)
    tried = 0
    for a, b in zip(scored.mentee.tolist(), scored.mentor.tolist(), strict=True):
        if now.get(a) == b:
            continue
        answer = why_not(d, roster, ids[p.mentees[a]], ids[p.mentors[b]], objective=objective)  # type: ignore[arg-type]
        assert answer.forced is not None
        said = len(answer.forced.moved) + len(answer.forced.lost)
        assert said == fewest_moved(scored, objective, a, b, now), (a, b)
        tried += 1
    assert tried
