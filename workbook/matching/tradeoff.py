"""Coverage against quality: what the minimum score buys and what it costs.

A higher minimum score keeps weak pairs out, and leaves more mentees without a mentor.
The coordinator sets one number; this module shows the curve it sits on: the run
solved again, exactly (the run's pools, rules, pins and objective, through
:func:`~workbook.matching.solver.solve`), at every minimum score from 0 to 95 in steps
of :data:`STEP` points and at the design's own, with how many mentees are matched and
the mean and lowest score of their pairs at each. The mean and the lowest leave out the
pairs held whatever the minimum (the coordinator's pins, running pairs kept): they would
hold the lowest score at a pinned pair's however high the minimum went.

The pairs are scored once with no minimum (every pair the rules allow that has
anything in common), and each step keeps those at or above its minimum, so a step costs
one solve. Above :data:`SWEEP_LIMIT` such pairs the sweep is not run with every run
(about 20 solves of a large graph); :func:`sweep` returns ``None`` and the step says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from workbook.design import MatchObjective
from workbook.matching.scoring import SCALE, Scored, score_pairs
from workbook.matching.solver import solve

STEP = 5
"""Minimum scores tried: 0, 5, 10, ... 95 (scores are out of 100)."""
SWEEP_LIMIT = 500_000
"""Pairs (scored with no minimum) up to which the sweep runs with every run: about 0.05 s
a step at 1,000 x 400, which has 400,000."""


@dataclass(frozen=True)
class Point:
    """The run solved again with one minimum score."""

    min_score: float
    matched: int
    mean_score: float | None
    lowest_score: float | None


@dataclass(frozen=True)
class Tradeoff:
    """The curve, lowest minimum first, and where the design sits on it.

    Attributes:
        setting: the design's own minimum score (one of the points).
        mentees: how many mentees the run had, for "matched of".
    """

    points: tuple[Point, ...]
    setting: float
    mentees: int
    held: int = 0
    """Pairs held whatever the minimum (pins, running pairs kept): counted as matched,
    left out of the mean and the lowest score."""

    def at(self, min_score: float) -> Point:
        """The point of this minimum score.

        Raises:
            KeyError: no point has it.
        """
        for point in self.points:
            if point.min_score == min_score:
                return point
        raise KeyError(min_score)


def steps(setting: float, highest: float) -> list[float]:
    """The minimum scores tried: every :data:`STEP` from 0 up to one step past the best
    pair (beyond it nobody is matched, and the chart would be a flat line), and the
    design's own setting."""
    top = min(100.0, (int(highest) // STEP + 1) * STEP)
    tried = {float(x) for x in range(0, int(top) + 1, STEP) if x < 100}
    return sorted(tried | {float(setting)})


def sweep(scored: Scored, objective: MatchObjective, limit: int = SWEEP_LIMIT) -> Tradeoff | None:
    """Mentees matched, mean and lowest score at each minimum score (:func:`steps`),
    each an exact solve with the run's objective; ``None`` above ``limit`` pairs."""
    p = scored.pools
    setting = p.settings.matching.min_score
    settings = replace(
        p.settings, matching=p.settings.matching.model_copy(update={"min_score": 0.0})
    )
    pools = replace(p, settings=settings)
    if len(scored) > limit:
        return None  # with no minimum there would be more still: not worth scoring
    every = score_pairs(pools)
    if len(every) > limit:
        return None
    highest = float(every.score.max()) / SCALE if len(every) else 0.0
    held = set(p.pins)
    points = []
    for minimum in steps(setting, highest):
        keep = every.score >= max(round(minimum * SCALE), 1)
        at = Scored(
            pools, every.criteria, every.mentee[keep], every.mentor[keep], every.score[keep]
        )
        solution = solve(at, objective)
        chosen = np.array(
            [
                (int(i), int(j)) not in held
                for i, j in zip(solution.mentee, solution.mentor, strict=True)
            ],
            dtype=bool,
        )
        scores = solution.score[chosen] / SCALE if len(chosen) else solution.score / SCALE
        points.append(
            Point(
                min_score=minimum,
                matched=len(solution.score),
                mean_score=round(float(np.mean(scores)), 3) if len(scores) else None,
                lowest_score=round(float(np.min(scores)), 3) if len(scores) else None,
            )
        )
    return Tradeoff(tuple(points), setting, p.n, len(held))
