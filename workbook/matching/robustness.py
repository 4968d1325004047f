"""How robust each pair is: its margin over the mentee's next best mentor, what happens
to the pairs when a weight changes, and which pairs are close calls.

A coordinator who is told "Ann gets Xi" wants to know whether that was a clear choice
or a coin toss. Three measures answer it, each on the run's own pipeline (the same
pools, :func:`~workbook.matching.scoring.score_pairs` and
:func:`~workbook.matching.solver.solve` with the run's objective):

* **Margin** of a matched pair: its score minus the mentee's *next best option*, the
  highest score among the mentee's *other allowed mentors* (every mentor but theirs whom
  no hard rule forbids, who takes mentees and who reaches the minimum score with them,
  whether or not that mentor still has room). A positive margin is how far the pair is
  ahead of anything else the mentee could have had. A negative margin means the mentee
  scores higher with another allowed mentor whose place the best assignment for the
  run's aim gave to other mentees: the mentee gave way for the whole. No margin (None)
  when the mentee has no other allowed mentor.
* **Weight changes**: for every active criterion, the run solved again with its weight
  halved and with it doubled (the other weights as they are), and the share of the
  matched pairs whose mentee then gets another mentor or none. On small rosters also
  the **range** of the weight within which the run's assignment stays a best one for
  the aim (:func:`still_best`: every pair still allowed, and nothing better; an equally
  good assignment the solver might pick instead is no change), found by bisection to
  :data:`RANGE_STEP` of the weight.
* **Close call**: a pair (not pinned by the coordinator) whose margin is under
  :data:`CLOSE_MARGIN` point either way, or whose mentee gets another mentor (or none)
  when any one weight is :data:`NUDGE` lower or higher. Why one point: scores are shown
  as whole numbers, so an option within a point reads as the same score; and a change
  of weights moves the difference between two of a mentee's pairs by at most the total
  change of the criteria's shares of the score, so a margin under a point is undone by
  shifting under one point of share (a weight of 3 in a total of 10 going to about
  3.05). Why 10%: weights are judgements set in steps of a half or one; a weight of 3
  could as well have been 2.7 or 3.3, and a pair that hangs on that is a coin toss.
  Halving and doubling are large changes (on the example program about half the pairs
  move), so they measure the assignment as a whole, not a pair.

Re-solving costs a solve per try, so what runs depends on the number of allowed pairs
(:func:`plan`): everything up to :data:`RANGES_LIMIT`, halving and doubling up to
:data:`WEIGHTS_LIMIT`, above that the margins only (vectorised, always cheap), and the
words say which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from workbook.design import Matching, MatchObjective
from workbook.matching.constraints import I64
from workbook.matching.criteria import RosterColumn, label
from workbook.matching.scoring import F64, SCALE, Scored, score_pairs
from workbook.matching.solver import Solution, solve

CLOSE_MARGIN = 1.0
"""A margin under this many points (out of 100), either way, makes a close call."""
FACTORS = (0.5, 2.0)
"""Each weight is tried halved and doubled."""
NUDGE = 0.1
"""A pair that changes when one weight is this much lower or higher is a close call."""
RANGE_STEP = 0.01
"""A range's ends are found to 1% of the weight."""
RANGE_TOP = 10.0
"""A range is looked for up to ten times the weight ("10 times or more" beyond)."""
RANGES_LIMIT = 10_000
"""Up to this many allowed pairs, each weight's range is worked out too (about 8 more
re-solves a weight, a few hundredths of a second each at this size)."""
WEIGHTS_LIMIT = 100_000
"""Up to this many allowed pairs, each weight is tried halved, doubled and 10% either
way: four re-scores and re-solves a weight, 0.05 to 0.25 s each at 1,000 x 400 (57,114
allowed pairs; halving a weight can let three times as many pairs over the minimum
score), 2 to 4 s for five weights (``benchmarks/bench_robustness.py``). Above it a run
would take many seconds more, so only the margins are given and the words say so."""

Level = Literal["ranges", "halved and doubled", "margins only"]


@dataclass(frozen=True)
class WeightChange:
    """What one criterion's weight does to the assignment.

    Attributes:
        criterion: the criterion's key (``skills``, ``extra:site`` ...).
        weight: its weight in the run.
        halved, doubled: the share (0 to 1) of the matched pairs, pins aside, whose
            mentee gets another mentor or none with the weight halved (doubled).
        low, high: the range of the weight within which the run's assignment stays a
            best one (checked to :data:`RANGE_STEP` of the weight); ``None`` when not
            worked out. ``high`` is ``None`` too when it stays best up to ``top``.
        top: the highest weight tried for the range.
        alone: the only active criterion: its weight cannot change a score.
    """

    criterion: str
    weight: float
    halved: float
    doubled: float
    low: float | None = None
    high: float | None = None
    top: float | None = None
    alone: bool = False


@dataclass(frozen=True)
class Robustness:
    """The margins and close calls of a run's pairs (aligned with the solution's pairs),
    and what each weight does.

    Attributes:
        margin: each pair's margin in points, NaN when the mentee has no other allowed mentor.
        close: whether each pair is a close call.
        because: why each close call is one, in words ("" for the others).
        changes: one per active criterion, when weights were tried.
        level: what was worked out (:func:`plan`).
        allowed_pairs: the run's allowed pairs, which decided the level.
    """

    margin: F64
    close: npt.NDArray[np.bool_]
    because: npt.NDArray[np.object_]
    changes: tuple[WeightChange, ...]
    level: Level
    allowed_pairs: int

    @property
    def close_calls(self) -> int:
        return int(self.close.sum())


def plan(allowed_pairs: int) -> Level:
    """What a run of this size works out: the cheaper the solve, the more is tried."""
    if allowed_pairs <= RANGES_LIMIT:
        return "ranges"
    if allowed_pairs <= WEIGHTS_LIMIT:
        return "halved and doubled"
    return "margins only"


def margins(scored: Scored, mentee: I64, mentor: I64, score: I64) -> F64:
    """Each chosen pair's score minus the best score of the mentee's other allowed
    mentors, in points (NaN when there is none). Scores in thousandths, as solved.

    The allowed pairs are sorted by mentee, then mentor: each mentee's best other
    option is one ``maximum.reduceat`` over their run of pairs with the chosen pair
    left out (0.1 s at 23 million pairs, where ``maximum.at`` took 0.6 s).
    """
    p = scored.pools
    out: F64 = np.full(len(mentee), np.nan)
    if not len(scored):
        return out
    bounds = np.searchsorted(scored.mentee, np.arange(p.n + 1))
    others = scored.score.copy()
    # Each chosen pair's place in its mentee's run (sorted by mentor), by one binary
    # search over every chosen pair at once: the first place whose mentor is not below.
    lo, hi = bounds[mentee], bounds[np.asarray(mentee) + 1]
    wanted = np.asarray(mentor)
    last = len(scored) - 1
    while True:
        open_ = lo < hi
        if not open_.any():
            break
        mid = (lo + hi) // 2
        below = open_ & (scored.mentor[np.minimum(mid, last)] < wanted)
        lo = np.where(below, mid + 1, lo)
        hi = np.where(open_ & ~below, mid, hi)
    at = lo
    there = (at < bounds[np.asarray(mentee) + 1]) & (scored.mentor[np.minimum(at, last)] == wanted)
    others[at[there]] = -1  # a pin below the minimum is not there
    has = bounds[:-1] < bounds[1:]
    best = np.full(p.n, -1, np.int64)
    best[has] = np.maximum.reduceat(others, bounds[:-1][has])
    other = best[mentee]
    found = other >= 0
    out[found] = (score[found] - other[found]) / SCALE
    return out


def with_weight(matching: Matching, key: str, weight: float) -> Matching:
    """The settings with one criterion's weight changed (an extra column's too).

    Not validated again: a weight of 0 (switched off) or past 1,000 is a question asked
    of the solver, never saved.
    """
    if key.startswith(RosterColumn.PREFIX):
        column = key.removeprefix(RosterColumn.PREFIX)
        extra = dict(matching.extra_criteria)
        extra[column] = extra[column].model_copy(update={"weight": weight})
        return matching.model_copy(update={"extra_criteria": extra})
    weights = matching.weights.model_copy(update={key: weight})
    return matching.model_copy(update={"weights": weights})


def rescore(scored: Scored, key: str, weight: float) -> Scored:
    """The run's pairs scored again with one weight changed, on the same pools (the same
    roster, rules, review and pins)."""
    p = scored.pools
    settings = replace(p.settings, matching=with_weight(p.settings.matching, key, weight))
    return score_pairs(replace(p, settings=settings))


def resolve(scored: Scored, key: str, weight: float, objective: MatchObjective) -> Solution:
    """The run solved again with one weight changed, with the same objective."""
    return solve(rescore(scored, key, weight), objective)


def aim(score: I64, objective: MatchObjective) -> tuple[int, ...]:
    """What the objective ranks assignments by, from their pairs' scores (thousandths):
    the most matched then the best total (coverage), the best total then the most
    matched (quality), the most matched then the highest lowest then the best total
    (fairness)."""
    matched, total = len(score), int(score.sum())
    if objective == "quality":
        return total, matched
    if objective == "fairness":
        return matched, int(score.min()) if matched else 0, total
    return matched, total


def still_best(
    scored: Scored, solution: Solution, objective: MatchObjective, best: Solution | None = None
) -> bool:
    """Whether the run's assignment (``solution``) is still a best one for the aim on
    ``scored`` (the pairs scored with other weights): every pair still allowed (pins
    always are), and as good by the aim as the solver's optimum there (``best``, or
    solved here). Ties count as best, so a solver choosing another of equal assignments
    is not a change."""
    p = scored.pools
    keys = scored.mentee.astype(np.int64) * p.m + scored.mentor
    chosen = solution.mentee * p.m + solution.mentor
    pinned = np.isin(chosen, np.array([i * p.m + j for i, j in p.pins], np.int64))
    if not np.isin(chosen[~pinned], keys).all():
        return False
    mine = (
        np.rint(scored.criteria.scores(solution.mentee, solution.mentor) * SCALE).astype(np.int64)
        if len(chosen)
        else np.zeros(0, np.int64)
    )
    optimum = best if best is not None else solve(scored, objective)
    return aim(mine, objective) == aim(optimum.score, objective)


def assignment(n: int, solution: Solution) -> I64:
    """Each mentee's mentor position, -1 for none."""
    out = np.full(n, -1, np.int64)
    out[solution.mentee] = solution.mentor
    return out


def analyse(
    scored: Scored,
    solution: Solution,
    objective: MatchObjective,
    level: Level | None = None,
) -> Robustness:
    """Margins, weight changes and close calls of a run's pairs.

    Args:
        level: what to work out; by default :func:`plan` of the run's allowed pairs.
    """
    p = scored.pools
    level = level or plan(len(scored))
    margin = margins(scored, solution.mentee, solution.mentor, solution.score)
    pinned = np.zeros(len(solution.mentee), bool)
    pins = {(i, j) for i, j in p.pins}
    for k, (i, j) in enumerate(zip(solution.mentee, solution.mentor, strict=True)):
        pinned[k] = (int(i), int(j)) in pins
    close = ~pinned & (np.abs(np.nan_to_num(margin, nan=np.inf)) < CLOSE_MARGIN)
    # Why each close call is one, so a row flagged with a large margin says which
    # weight moves it.
    reasons: list[list[str]] = [[] for _ in range(len(close))]
    for at in np.flatnonzero(close).tolist():
        reasons[at].append(f"the next best mentor is within {CLOSE_MARGIN:g} point of it")
    changes: list[WeightChange] = []
    if level != "margins only":
        free = ~pinned
        weights = scored.criteria.weights
        if len(weights) == 1:
            key, weight = next(iter(weights.items()))
            changes.append(WeightChange(key, weight, 0.0, 0.0, alone=True))
        else:
            for key, weight in weights.items():
                change, moved = _weight_change(scored, solution, free, key, weight, objective,
                                               ranges=level == "ranges")  # fmt: skip
                close |= moved
                for at in np.flatnonzero(moved).tolist():
                    reasons[at].append(
                        f"the {label(key)} weight {NUDGE:.0%} lower or higher gives "
                        "the mentee another mentor"
                    )
                changes.append(change)
    because = np.array(["; ".join(r) for r in reasons], dtype=object)
    return Robustness(margin, close, because, tuple(changes), level, len(scored))


def _weight_change(
    scored: Scored,
    solution: Solution,
    free: npt.NDArray[np.bool_],
    key: str,
    weight: float,
    objective: MatchObjective,
    *,
    ranges: bool,
) -> tuple[WeightChange, npt.NDArray[np.bool_]]:
    """One weight halved and doubled (and its range): the change, and which pairs move
    when it is 10% lower or higher (the close calls)."""
    n = scored.pools.n
    moved = np.zeros(len(solution.mentee), bool)
    shares = []
    same: dict[float, bool] = {}
    """Factor of the weight -> whether the whole assignment stayed the same."""
    count = max(int(free.sum()), 1)
    for factor in (*FACTORS, 1 - NUDGE, 1 + NUDGE):
        rescored = rescore(scored, key, weight * factor)
        found = solve(rescored, objective)
        again = assignment(n, found)
        differ = (again[solution.mentee] != solution.mentor) & free
        if factor in FACTORS:
            shares.append(float(differ.sum()) / count)
        else:
            moved |= differ
        if ranges:
            same[factor] = still_best(rescored, solution, objective, found)
    change = WeightChange(key, weight, shares[0], shares[1])
    if not ranges:
        return change, moved

    def unchanged(t: float) -> bool:
        return still_best(rescore(scored, key, t), solution, objective)

    low, high, top = _range(weight, same, unchanged)
    return replace(change, low=low, high=high, top=top), moved


def _range(
    weight: float, same: dict[float, bool], unchanged: Callable[[float], bool]
) -> tuple[float, float | None, float]:
    """The weights around ``weight`` keeping the assignment: (low, high or None, top tried).

    ``same`` holds what the tries so far found (factor of the weight -> still best):
    the nearest try that changed something on each side bounds the search, then
    bisection between a weight known to give the same pairs and one known not to, until
    they are :data:`RANGE_STEP` of the weight apart; the end reported is the one that
    keeps it.
    """
    tol = RANGE_STEP * weight

    def bisect(good: float, bad: float) -> float:
        while abs(good - bad) > tol:
            mid = (good + bad) / 2
            if unchanged(mid):
                good = mid
            else:
                bad = mid
        return good

    def side(factors: list[float], end: float) -> float | None:
        """Walk out from the weight through the tries made, then to ``end``."""
        good = weight
        for factor in factors:
            if not same[factor]:
                return bisect(good, weight * factor)
            good = weight * factor
        return None if unchanged(end) else bisect(good, end)

    below = sorted((f for f in same if f < 1), reverse=True)
    above = sorted(f for f in same if f > 1)
    top = weight * RANGE_TOP
    low = side(below, 0.0)
    return (0.0 if low is None else low), side(above, top), top
