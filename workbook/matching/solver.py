"""Choose the pairs: an exact min-cost flow over the allowed pairs, for one objective.

OR-Tools ``SimpleMinCostFlow`` on source -> mentee -> mentor -> sink, costs the negated
integer scores (x1000, so the optimum is exact for the scores reported). Objectives:
``coverage`` = maximum flow, then minimum cost (the most mentees matched, then the best
total); ``quality`` = a source -> sink bypass so the total counts first (matching fewer
mentees is allowed when it scores more), then the number matched;
``fairness`` = as many matched as coverage, then the highest lowest score (binary
search over score thresholds with max-flow checks), then the best total. The returned
status is checked every time; anything but OPTIMAL is a :class:`MatchingError`. Arcs
are added in (mentee, mentor) row order and every step below is deterministic, so a
re-run gives the same pairs.

**A shortlist, proved enough.** On a large roster the flow is first solved on each
mentee's best :data:`SHORTLIST` mentors only (a few per cent of the allowed pairs), then
the solution is *proved* optimal for every allowed pair: the shortest distances in the
solution's residual graph are node prices under which no arc of that graph has a
negative reduced cost (the linear program's dual, Ahuja, Magnanti and Orlin, *Network
Flows*, ch. 9), and if no left-out pair has a negative reduced cost under the same
prices either, no exchange of pairs anywhere can improve the solution. Left-out pairs
that would improve it (and those near to) are added and the shortlist solved again
until none is left; past :data:`ROUNDS` rounds, or if the prices cannot be found, every
allowed pair is solved at once as on a small roster. Each objective is solved as one
cost function for this proof: coverage's "as many as possible first" is a bypass
costing more than any total could gain. OR-Tools does not report its node prices
(google/or-tools#3321), hence the shortest paths here.

**Preferred pairs.** ``prefer`` (pair keys, as :class:`~workbook.matching.constraints.Pools`
numbers them) breaks ties between equally good assignments towards the assignment that
keeps the most of those pairs: every score is weighted by one more than the number of
preferred pairs that could be chosen and a preferred pair gains 1, so the preference can
never outweigh a thousandth of a point, nor (quality) one more mentee matched. Why not?
uses it so that forcing a pair moves as few other mentees as an optimal assignment allows.

The coordinator's pins are kept as given: their mentees and their places with the
mentor are taken out before solving and the pins added to the solution afterwards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbook.design import MatchObjective
from workbook.errors import MatchingError, Problem
from workbook.matching.constraints import I64
from workbook.matching.scoring import CELLS_PER_BLOCK, SCALE, Scored

SOLVER = "OR-Tools SimpleMinCostFlow"
SHORTLIST = 10
"""Mentors per mentee in the first round: the best by score in whole points, so the
pairs tied at the cut all come in (fewer rounds at 10,000 x 4,000 than 20 or 5)."""
DIRECT = 250_000
"""Up to this many allowed pairs, every pair is solved at once: the shortlist and its
proof pay only on large rosters."""
NEAR = 10 * SCALE
"""Left-out pairs within this many thousandths of a point of improving the solution
join the ones that would: the next round's prices move, and near pairs are the ones
that would fail next. Ten points took 20,000 x 8,000 from three rounds to two (2.3 s
instead of 3.0); 3 points added fewer pairs but needed the third round, 20 points
added 2 million pairs."""
ROUNDS = 10
"""Shortlist rounds before solving every allowed pair at once."""
RELAXATIONS = 1_000
"""Bellman-Ford passes allowed when pricing the nodes; about 50 to 80 on the
benchmark's rosters. More means a pathological roster: every pair is solved instead."""
TOP = 100 * SCALE
"""The highest score a pair can have, in thousandths."""
COST_LIMIT = 2**61
"""OR-Tools refuses costs whose magnitude times the node count leaves int64
(``BAD_COST_RANGE``); preferences that would scale the costs past this are dropped."""


@dataclass(frozen=True)
class Solution:
    """Chosen pairs as positions, and whether the solver proved them optimal."""

    mentee: I64
    mentor: I64
    score: I64
    optimal: bool
    seconds: float
    arcs: int = 0
    """Pairs in the last flow solved: every allowed pair, or the shortlist proved enough."""
    rounds: int = 1
    """Flows solved (more than one when the shortlist had to grow)."""


def _free_pools(scored: Scored) -> tuple[npt.NDArray[np.bool_], I64, npt.NDArray[np.bool_]]:
    """Edges usable by the solver after pins: free mentees, remaining capacity."""
    p = scored.pools
    capacity = p.capacity.copy()
    pinned = np.zeros(p.n, bool)
    for i, j in p.pins:
        pinned[i] = True
        capacity[j] -= 1
    return ~pinned[scored.mentee], capacity, pinned


@dataclass
class _Network:
    """The flow to solve: arc ``k`` joins mentee ``mentee[k]`` to mentor ``mentor[k]``
    and costs ``-(score[k] * weight + preferred[k])``; ``bypass`` is the cost of leaving
    one mentee out (quality), or ``None`` for as many mentees as possible first."""

    n: int
    m: int
    mentee: npt.NDArray[np.int32]
    mentor: npt.NDArray[np.int32]
    score: npt.NDArray[np.int32]
    capacity: I64
    weight: int
    bypass: int | None
    preferred: npt.NDArray[np.bool_] | None

    def __len__(self) -> int:
        return len(self.mentee)

    def cost(self, k: slice | I64) -> I64:
        """The integer costs of arcs ``k``."""
        gain = self.score[k].astype(np.int64) * self.weight
        if self.preferred is not None:
            gain += self.preferred[k]
        return -gain

    def largest_cost(self) -> int:
        """A bound on any arc's cost magnitude."""
        return TOP * self.weight + 1


def _network(
    scored: Scored,
    emask: npt.NDArray[np.bool_],
    capacity: I64,
    objective: MatchObjective,
    prefer: I64 | None,
) -> _Network:
    p = scored.pools
    n, m = p.n, p.m
    # Edge arrays stay int32 and are copied only when some pairs are left out: at
    # 20,000 x 8,000 there are over 20 million allowed pairs.
    if emask.all():
        mentee, mentor, score = scored.mentee, scored.mentor, scored.score
    else:
        edges = np.flatnonzero(emask)
        mentee, mentor, score = scored.mentee[edges], scored.mentor[edges], scored.score[edges]
    preferred = None
    if prefer is not None and len(prefer) and len(score):
        wanted = np.unique(np.asarray(prefer, np.int64))
        preferred = np.empty(len(score), bool)
        for start in range(0, len(score), CELLS_PER_BLOCK):  # flat memory at 20 million
            part = slice(start, start + CELLS_PER_BLOCK)
            key = mentee[part].astype(np.int64) * m + mentor[part]
            found = np.minimum(np.searchsorted(wanted, key), len(wanted) - 1)
            preferred[part] = wanted[found] == key
    chosen = min(int(preferred.sum()), n) if preferred is not None else 0
    # Quality: scores weighted by n + 1 and a bypass costing 1 per mentee left out, so
    # the best total always wins and, between equal totals, the assignment that matches
    # more people does (a free bypass left a mentee out on a tie: 100 for one pair
    # against 50 + 50 for two). Preferences multiply both by one more than the number
    # of preferred pairs that could be chosen, so they only break what is still tied.
    step = chosen + 1
    base = n + 1 if objective == "quality" else 1
    if (TOP * base * step + 1) * (n + m + 3) >= COST_LIMIT:
        preferred, step = None, 1
    weight = base * step
    bypass = step if objective == "quality" else None
    return _Network(n, m, mentee, mentor, score, np.maximum(capacity, 0), weight, bypass, preferred)


def solve(
    scored: Scored,
    objective: MatchObjective,
    *,
    prefer: I64 | None = None,
    shortlist: int | None = None,
) -> Solution:
    """Find the provably optimal assignment for the objective (pins are kept as given).

    Args:
        scored: the allowed pairs and their scores.
        objective: coverage, quality or fairness.
        prefer: pair keys (``mentee_pos * n_mentors + mentor_pos``) to keep where an
            equally good assignment allows: between equal optima, the one with the
            most of these pairs. Never at the cost of a thousandth of a point.
        shortlist: solve first on the best ``shortlist`` mentors per mentee and prove
            it enough (default: :data:`SHORTLIST` above :data:`DIRECT` allowed pairs,
            every pair at once below); the optimum is the same either way.

    Raises:
        MatchingError: the solver did not report OPTIMAL (the status is checked every time).
    """
    start = time.perf_counter()
    p = scored.pools
    usable, capacity, _ = _free_pools(scored)
    emask = usable & (capacity[scored.mentor] > 0)
    if objective == "fairness":
        emask &= scored.score >= _fair_threshold(scored, emask, capacity)
    net = _network(scored, emask, capacity, objective, prefer)
    if shortlist is None:
        shortlist = SHORTLIST if len(net) > DIRECT else None
    chosen, arcs, rounds = _exact(net, shortlist)
    tails = net.mentee[chosen].astype(np.int64)
    heads = net.mentor[chosen].astype(np.int64)
    del net
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
        arcs,
        rounds,
    )


def _exact(net: _Network, shortlist: int | None) -> tuple[I64, int, int]:
    """The optimal arcs, how many arcs the last flow had, and how many flows were solved.

    With a shortlist: solve it, price the nodes, and stop when no left-out arc would
    improve the solution at those prices; else add the arcs that would (and the near
    ones) and solve again.
    """
    rounds = 0
    if shortlist is not None and len(net):
        inside = _shortlist(net, shortlist)
        while rounds < ROUNDS:
            rounds += 1
            arcs = np.flatnonzero(inside)
            used = _flow(net, arcs)
            prices = _prices(net, arcs, used)
            if prices is None:
                break
            improving, near = _violations(net, prices, inside)
            if not improving:
                return arcs[used], len(arcs), rounds
            inside[near] = True
    used = _flow(net, None)
    return np.flatnonzero(used), len(net), rounds + 1


def _flow(net: _Network, arcs: I64 | None) -> npt.NDArray[np.bool_]:
    """Solve the flow on arcs ``arcs`` (every arc when ``None``); which carry a pair."""
    from ortools.graph.python import min_cost_flow

    n, m = net.n, net.m
    k: slice | I64 = slice(None) if arcs is None else arcs
    count = len(net) if arcs is None else len(arcs)
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    i32 = np.int32
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n, source, i32), np.arange(n, dtype=i32), np.ones(n, i32), np.zeros(n, i32)
    )
    if count:
        flow.add_arcs_with_capacity_and_unit_cost(
            net.mentee[k], net.mentor[k] + i32(n), np.ones(count, i32), net.cost(k)
        )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m, dtype=i32),
        np.full(m, sink, i32),
        net.capacity.astype(i32),
        np.zeros(m, i32),
    )
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[source], supplies[sink] = n, -n
    if net.bypass is not None:
        flow.add_arc_with_capacity_and_unit_cost(source, sink, n, net.bypass)
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
    used: npt.NDArray[np.bool_] = flow.flows(np.arange(n, n + count)) > 0
    return used


def _shortlist(net: _Network, k: int) -> npt.NDArray[np.bool_]:
    """Each mentee's best ``k`` arcs by score in whole points (ties at the cut all in),
    and every preferred arc."""
    n = net.n
    bins = TOP // SCALE + 1
    counts = np.zeros(n * bins, np.int64)
    for start in range(0, len(net), CELLS_PER_BLOCK):
        part = slice(start, start + CELLS_PER_BLOCK)
        key = net.mentee[part].astype(np.int64) * bins + net.score[part] // SCALE
        counts += np.bincount(key, minlength=n * bins)
    # at_least[i, r]: mentee i's arcs scoring r whole points or more.
    at_least = np.cumsum(counts.reshape(n, bins)[:, ::-1], axis=1)[:, ::-1]
    enough = at_least >= k
    cut = np.where(enough.any(axis=1), bins - 1 - np.argmax(enough[:, ::-1], axis=1), 0)
    inside = np.empty(len(net), bool)
    for start in range(0, len(net), CELLS_PER_BLOCK):
        part = slice(start, start + CELLS_PER_BLOCK)
        inside[part] = net.score[part] // SCALE >= cut[net.mentee[part]]
    if net.preferred is not None:
        inside |= net.preferred
    return inside


def _prices(net: _Network, arcs: I64, used: npt.NDArray[np.bool_]) -> I64 | None:
    """Node prices (mentees, then mentors, source, sink) under which the flow on
    ``arcs`` leaves no residual arc with a negative reduced cost, or ``None`` when
    :data:`RELAXATIONS` passes did not find them.

    The prices are shortest distances in the residual graph from a root joined to every
    node at cost 0: they exist because the flow is optimal on these arcs (no negative
    cycle), and ``cost(u, v) + price(u) - price(v) >= 0`` on every residual arc is the
    optimality condition.
    """
    n, m = net.n, net.m
    source, sink = n + m, n + m + 1
    tail = net.mentee[arcs].astype(np.int64)
    head = net.mentor[arcs].astype(np.int64) + n
    cost = net.cost(arcs)
    matched = np.zeros(n, bool)
    matched[tail[used]] = True
    load = np.bincount(head[used] - n, minlength=m)
    mentees, mentors = np.arange(n), np.arange(n, n + m)
    room, held = mentors[load < net.capacity], mentors[load > 0]
    # Unmatched mentees send their unit through the bypass: as many as possible first
    # (coverage, fairness) is a bypass dearer than any total could gain.
    bypass = net.bypass if net.bypass is not None else n * net.largest_cost() + 1
    left_out = n - int(matched.sum())
    tails = [np.where(used, head, tail), np.where(matched, mentees, source), room]
    heads = [np.where(used, tail, head), np.where(matched, source, mentees)]
    costs = [np.where(used, -cost, cost), np.zeros(n, np.int64), np.zeros(len(room), np.int64)]
    heads.append(np.full(len(room), sink))
    tails.append(np.full(len(held), sink))
    heads.append(held)
    costs.append(np.zeros(len(held), np.int64))
    if left_out < n:  # the bypass can take more
        tails.append(np.array([source]))
        heads.append(np.array([sink]))
        costs.append(np.array([bypass], np.int64))
    if left_out > 0:  # and give some back
        tails.append(np.array([sink]))
        heads.append(np.array([source]))
        costs.append(np.array([-bypass], np.int64))
    return _distances(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(costs), n + m + 2
    )


def _distances(tail: I64, head: I64, cost: I64, nodes: int) -> I64 | None:
    """Shortest distances from a root joined to every node at cost 0 (Bellman-Ford,
    every arc relaxed at once per pass), or ``None`` after :data:`RELAXATIONS` passes."""
    order = np.argsort(head, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    if not len(head):
        return np.zeros(nodes, np.int64)
    starts = np.flatnonzero(np.concatenate([[True], head[1:] != head[:-1]]))
    into = head[starts]
    distance = np.zeros(nodes, np.int64)
    for _ in range(RELAXATIONS):
        best = np.minimum.reduceat(distance[tail] + cost, starts)
        better = best < distance[into]
        if not better.any():
            return distance
        distance[into[better]] = best[better]
    return None


def _violations(net: _Network, prices: I64, inside: npt.NDArray[np.bool_]) -> tuple[int, I64]:
    """How many left-out arcs have a negative reduced cost (would improve the
    solution), and those within :data:`NEAR` of it (to add), block by block."""
    n, m = net.n, net.m
    mentee_price, mentor_price = prices[:n], prices[n : n + m]
    near = NEAR * net.weight
    improving, found = 0, [np.zeros(0, np.int64)]
    for start in range(0, len(net), CELLS_PER_BLOCK):
        part = slice(start, start + CELLS_PER_BLOCK)
        reduced = net.cost(part) + mentee_price[net.mentee[part]] - mentor_price[net.mentor[part]]
        hit = np.flatnonzero(reduced < near)
        hit = hit[~inside[start + hit]]
        improving += int(np.count_nonzero(reduced[hit] < 0))
        found.append(hit + start)
    return improving, np.concatenate(found)


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
