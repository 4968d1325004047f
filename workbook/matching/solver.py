"""Choose the pairs: an exact min-cost flow over the allowed pairs, for one objective.

OR-Tools ``SimpleMinCostFlow`` on source -> mentee -> mentor -> sink, costs the negated
integer scores (x1000, so the optimum is exact for the scores reported). Objectives:
``coverage`` = maximum flow, then minimum cost (the most mentees matched, then the best
total); ``quality`` = a source -> sink bypass so the total counts first (matching fewer
mentees is allowed when it scores more), then the number matched;
``fairness`` = as many matched as coverage, then the highest lowest score (binary
search over score thresholds with max-flow checks), then the best total. The returned
status is checked every time; anything but OPTIMAL is a :class:`MatchingError`. Arcs
are added in (mentee, mentor) row order, so a re-run gives the same pairs.

The coordinator's pins are kept as given: their mentees and their places with the
mentor are taken out before solving and the pins added to the solution afterwards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from workbook.design import MatchObjective
from workbook.errors import MatchingError, Problem
from workbook.matching.constraints import I64
from workbook.matching.scoring import SCALE, Scored

SOLVER = "OR-Tools SimpleMinCostFlow"


@dataclass(frozen=True)
class Solution:
    """Chosen pairs as positions, and whether the solver proved them optimal."""

    mentee: I64
    mentor: I64
    score: I64
    optimal: bool
    seconds: float


def _free_pools(scored: Scored) -> tuple[npt.NDArray[np.bool_], I64, npt.NDArray[np.bool_]]:
    """Edges usable by the solver after pins: free mentees, remaining capacity."""
    p = scored.pools
    capacity = p.capacity.copy()
    pinned = np.zeros(p.n, bool)
    for i, j in p.pins:
        pinned[i] = True
        capacity[j] -= 1
    return ~pinned[scored.mentee], capacity, pinned


def solve(scored: Scored, objective: MatchObjective) -> Solution:
    """Find the provably optimal assignment for the objective (pins are kept as given).

    Raises:
        MatchingError: the solver did not report OPTIMAL (the status is checked every time).
    """
    from ortools.graph.python import min_cost_flow

    start = time.perf_counter()
    p = scored.pools
    usable, capacity, _ = _free_pools(scored)
    emask = usable & (capacity[scored.mentor] > 0)
    if objective == "fairness":
        emask &= scored.score >= _fair_threshold(scored, emask, capacity)
    # Edge arrays in int32 and freed as soon as OR-Tools has copied them: at 20,000 x
    # 8,000 there are over 20 million arcs and every extra copy costs hundreds of MB.
    edges = np.flatnonzero(emask) if not emask.all() else None

    def pick(a: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
        return a if edges is None else a[edges]

    n, m = p.n, p.m
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    i32 = np.int32
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n, source, i32), np.arange(n, dtype=i32), np.ones(n, i32), np.zeros(n, i32)
    )
    count = int(emask.sum())
    if count:
        # Quality: scores weighted by n + 1 and a bypass costing 1 per mentee left out,
        # so the best total always wins and, between equal totals, the assignment that
        # matches more people does (a free bypass left a mentee out on a tie: 100 for
        # one pair against 50 + 50 for two). int64, since n + 1 times 100,000 overflows
        # int32 from about 21,000 mentees.
        cost: npt.NDArray[np.signedinteger[Any]] = -pick(scored.score)
        if objective == "quality":
            cost = cost.astype(np.int64) * (n + 1)
        flow.add_arcs_with_capacity_and_unit_cost(
            pick(scored.mentee),
            pick(scored.mentor) + i32(n),
            np.ones(count, i32),
            cost,
        )
        del cost
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m, dtype=i32),
        np.full(m, sink, i32),
        np.maximum(capacity, 0).astype(i32),
        np.zeros(m, i32),
    )
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[source], supplies[sink] = n, -n
    if objective == "quality":
        flow.add_arc_with_capacity_and_unit_cost(source, sink, n, 1)
        flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
        status = flow.solve()
    else:
        flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
        status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise MatchingError(
            Problem(
                f"the solver stopped with status {status.name}, not OPTIMAL",
                "report this as a bug with the roster size",
            )
        )
    used = np.flatnonzero(flow.flows(np.arange(n, n + count)) > 0)
    chosen = used if edges is None else edges[used]
    tails = scored.mentee[chosen].astype(np.int64)
    heads = scored.mentor[chosen].astype(np.int64)
    del flow
    pins = np.array(p.pins, np.int64).reshape(-1, 2)
    mentee = np.concatenate([tails, pins[:, 0]])
    mentor = np.concatenate([heads, pins[:, 1]])
    order = np.argsort(mentee, kind="stable")
    mentee, mentor = mentee[order], mentor[order]
    return Solution(
        mentee,
        mentor,
        _pair_scores(scored, mentee, mentor),
        True,
        time.perf_counter() - start,
    )


def _pair_scores(scored: Scored, mentee: I64, mentor: I64) -> I64:
    """Integer scores of chosen pairs (pins may fall below the minimum, so recompute)."""
    c = scored.criteria
    return (
        np.rint(c.scores(mentee, mentor) * SCALE).astype(np.int64)
        if len(mentee)
        else np.zeros(0, np.int64)
    )


def _max_flow(scored: Scored, emask: npt.NDArray[np.bool_], capacity: I64) -> int:
    from ortools.graph.python import max_flow

    p = scored.pools
    n, m = p.n, p.m
    g = max_flow.SimpleMaxFlow()
    t = np.concatenate([np.full(n, n + m), scored.mentee[emask].astype(np.int64), n + np.arange(m)])
    h = np.concatenate(
        [np.arange(n), n + scored.mentor[emask].astype(np.int64), np.full(m, n + m + 1)]
    )
    c = np.concatenate([np.ones(n + int(emask.sum()), np.int64), np.maximum(capacity, 0)])
    g.add_arcs_with_capacity(t, h, c)
    status = g.solve(n + m, n + m + 1)
    if status != g.OPTIMAL:
        raise MatchingError(
            Problem(f"the max-flow check stopped with status {status.name}", "report this as a bug")
        )
    return int(g.optimal_flow())


def _fair_threshold(scored: Scored, emask: npt.NDArray[np.bool_], capacity: I64) -> int:
    """The highest score threshold that still matches as many mentees as coverage does."""
    target = _max_flow(scored, emask, capacity)
    values = np.unique(scored.score[emask])
    lo, hi = 0, len(values) - 1  # values[lo] always feasible
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _max_flow(scored, emask & (scored.score >= values[mid]), capacity) == target:
            lo = mid
        else:
            hi = mid - 1
    return int(values[lo]) if len(values) else 0
