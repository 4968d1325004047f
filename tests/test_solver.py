"""The solver's shortlist and its proof, and preferred pairs between equal optima.

Large rosters are solved on each mentee's best few mentors, then proved optimal for
every allowed pair. Here the shortlist is forced small (``shortlist=1`` or 2) on rosters
small enough for a brute force over every assignment, including rosters where the
shortlist is certainly wrong (every mentee's best mentor is the same person): the
result must be the brute-force optimum, and the proof, not the fallback to every pair,
must have found it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import objective_key, roster_bytes
from test_matching import brute_force, free_brute_force, random_instance

from workbook.design import Weights
from workbook.matching import solver
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.review import Review
from workbook.matching.roster import load_roster
from workbook.matching.scoring import Scored, score_pairs
from workbook.matching.solver import ROUNDS, Solution, solve

OBJECTIVES = ("coverage", "quality", "fairness")


def scored_of(d, data: bytes, review: Review | None = None) -> Scored:  # type: ignore[no-untyped-def]
    roster = load_roster(data, d.matching)
    return score_pairs(build_pools(roster, Settings.from_design(d), review))


def key_of(sol: Solution, objective: str) -> tuple[int, ...]:
    """The objective's value of a solution, as :func:`test_matching.brute_force` gives it."""
    return objective_key(sol.score.tolist(), objective)


def assert_feasible(scored: Scored, sol: Solution) -> None:
    p = scored.pools
    assert len(set(sol.mentee.tolist())) == len(sol.mentee), "one mentor per mentee"
    assert (np.bincount(sol.mentor, minlength=p.m) <= p.capacity).all()
    allowed = set(zip(scored.mentee.tolist(), scored.mentor.tolist(), strict=True))
    pins = set(p.pins)
    for pair in zip(sol.mentee.tolist(), sol.mentor.tolist(), strict=True):
        assert pair in allowed or pair in pins


def crowded(seed: int, n: int = 7, m: int = 4) -> tuple[object, bytes]:
    """Every mentee's best mentor is Star (who offers every skill, score 100) and Star
    takes one mentee: a shortlist of each mentee's best mentor holds Star alone for
    most of them, so its flow matches one mentee where the roster matches almost all."""
    rng = np.random.default_rng(seed)
    skills = ["a", "b", "c", "d", "e"]
    rows = ["top,Top,,,9,X,UTC,,,,,,,,", "star,Star,mentor,top,6,X,UTC,a;b;c;d;e,,,,1,,,"]
    for j in range(m - 1):
        offered = ";".join(rng.choice(skills, size=int(rng.integers(1, 3)), replace=False))
        rows.append(f"r{j},R{j},mentor,top,6,X,UTC,{offered},,,,{int(rng.integers(1, 3))},,,")
    for i in range(n):
        wanted = ";".join(rng.choice(skills, size=int(rng.integers(2, 4)), replace=False))
        rows.append(f"e{i},E{i},mentee,top,2,X,UTC,,{wanted},,,,,,")
    return design(weights=Weights(skills=1), min_score=10), roster_bytes(rows)


# ------------------------------------------------------------------ the shortlist's proof


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_a_shortlist_of_one_reaches_the_brute_force_optimum(seed: int, objective: str) -> None:
    d, data = random_instance(seed, n=6, m=3)
    scored = scored_of(d, data)
    sol = solve(scored, objective, shortlist=1)  # type: ignore[arg-type]
    assert_feasible(scored, sol)
    assert key_of(sol, objective) == brute_force(scored, objective)
    assert sol.rounds <= ROUNDS  # proved on the shortlist, not by solving every pair


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_a_shortlist_that_is_certainly_wrong_is_repaired(seed: int, objective: str) -> None:
    d, data = crowded(seed)
    scored = scored_of(d, data)
    every = np.ones(len(scored), bool)
    net = solver._network(scored, every, scored.pools.capacity, "coverage", None)
    first = solver._shortlist(net, 1)
    star = 0  # Star is the roster's first mentor
    mentors_on_shortlist = set(scored.mentor[first].tolist())
    assert star in mentors_on_shortlist and len(mentors_on_shortlist) < scored.pools.m
    sol = solve(scored, objective, shortlist=1)  # type: ignore[arg-type]
    assert_feasible(scored, sol)
    assert key_of(sol, objective) == brute_force(scored, objective)
    assert 1 < sol.rounds <= ROUNDS  # the first shortlist was not enough, the proof said so
    assert len(sol.mentee) > 1


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_a_shortlist_reaches_the_optimum_of_every_pair_on_larger_rosters(
    seed: int, objective: str
) -> None:
    """Too large for a brute force (40 x 15): the shortlist's optimum equals the optimum
    over every allowed pair at once, for shortlists of 1 to 3."""
    d, data = random_instance(100 + seed, n=40, m=15)
    scored = scored_of(d, data)
    every = solve(scored, objective)  # type: ignore[arg-type]
    assert every.arcs == len(scored) or objective == "fairness"
    for k in (1, 2, 3):
        sol = solve(scored, objective, shortlist=k)  # type: ignore[arg-type]
        assert_feasible(scored, sol)
        assert key_of(sol, objective) == key_of(every, objective), k
        assert sol.rounds <= ROUNDS


@pytest.mark.parametrize("seed", [0, 2, 3, 4, 6, 7, 8, 9])
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_a_shortlist_keeps_the_pins_and_is_optimal_in_what_is_left(
    seed: int, objective: str
) -> None:
    d, data = random_instance(seed, n=6, m=3)
    plain = scored_of(d, data)
    ids = load_roster(data, d.matching).frame["id"].to_numpy()
    p = plain.pools
    # Pin the first two mentees with an allowed pair to their worst allowed mentor.
    pins: list[tuple[str, str]] = []
    used = np.zeros(p.m, np.int64)
    for i in range(p.n):
        options = [
            (int(s), int(j))
            for a, j, s in zip(plain.mentee, plain.mentor, plain.score, strict=True)
            if a == i and used[j] < p.capacity[j]
        ]
        if options:
            _, j = min(options)
            used[j] += 1
            pins.append((str(ids[p.mentees[i]]), str(ids[p.mentors[j]])))
        if len(pins) == 2:
            break
    scored = scored_of(d, data, Review(pins=tuple(pins)))
    sol = solve(scored, objective, shortlist=1)  # type: ignore[arg-type]
    assert_feasible(scored, sol)
    chosen = dict(zip(sol.mentee.tolist(), sol.mentor.tolist(), strict=True))
    pinned = {i for i, _ in scored.pools.pins}
    for i, j in scored.pools.pins:
        assert chosen[i] == j
    free = [
        s for i, s in zip(sol.mentee.tolist(), sol.score.tolist(), strict=True) if i not in pinned
    ]
    got = {
        "coverage": (len(free), sum(free)),
        "quality": (sum(free),),
        "fairness": (len(free), min(free, default=0), sum(free)),
    }[objective]
    assert got == free_brute_force(scored, objective)


def test_the_proof_counts_a_mentee_left_out_before_any_total() -> None:
    """Ida fits only Jo (33); Ian fits Jo (100) and Kim (20); Ivy fits Kim and Lee
    (100 each). The best mentor of each: Ian and Ida both want Jo, so the shortlist
    matches Ian with Jo and leaves Ida out, and moving Ian to Kim loses 46.7 points of
    total. Coverage must still do it (three matched instead of two): the proof prices
    leaving a mentee out above any total, or it would call the shortlist's answer
    optimal."""
    rows = [
        "top,Top,,,9,X,UTC,,,,,,,,",
        "jo,Jo,mentor,top,6,X,UTC,a;b;c;d;e;f,,,,1,,,",
        "kim,Kim,mentor,top,6,X,UTC,a;x,,,,1,,,",
        "lee,Lee,mentor,top,6,X,UTC,x,,,,1,,,",
        "ida,Ida,mentee,top,2,X,UTC,,f;g;h,,,,,,",
        "ian,Ian,mentee,top,2,X,UTC,,a;b;c;d;e,,,,,,",
        "ivy,Ivy,mentee,top,2,X,UTC,,x,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=10)
    scored = scored_of(d, roster_bytes(rows))
    for objective in ("coverage", "fairness"):
        sol = solve(scored, objective, shortlist=1)
        assert key_of(sol, objective) == brute_force(scored, objective)
        assert sorted(zip(sol.mentee.tolist(), sol.mentor.tolist(), strict=True))[:2] == [
            (0, 0),  # Ida with Jo
            (1, 1),  # Ian with Kim
        ]
    assert len(solve(scored, "quality", shortlist=1).mentee) == 2  # quality: the total first


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", ["coverage", "quality"])
def test_the_prices_prove_the_flow_optimal(seed: int, objective: str) -> None:
    """The proof's node prices leave no arc of the residual graph with a negative
    reduced cost (cost + price(tail) - price(head)): the optimality condition, checked
    here arc by arc on the flow over every allowed pair."""
    d, data = random_instance(seed, n=8, m=4)
    scored = scored_of(d, data)
    p = scored.pools
    n, m = p.n, p.m
    net = solver._network(scored, np.ones(len(scored), bool), p.capacity, objective, None)  # type: ignore[arg-type]
    arcs = np.arange(len(net))
    used = solver._flow(net, arcs)
    price = solver._prices(net, arcs, used)
    assert price is not None
    source, sink = n + m, n + m + 1
    residual: list[tuple[int, int, int]] = []  # (tail, head, cost)
    for (i, j, c), u in zip(
        zip(net.mentee.tolist(), net.mentor.tolist(), net.cost(arcs).tolist(), strict=True),
        used.tolist(),
        strict=True,
    ):
        residual.append((n + j, i, -c) if u else (i, n + j, c))
    matched = set(net.mentee[used].tolist())
    load = np.bincount(net.mentor[used], minlength=m)
    for i in range(n):
        residual.append((i, source, 0) if i in matched else (source, i, 0))
    for j in range(m):
        if load[j] < net.capacity[j]:
            residual.append((n + j, sink, 0))
        if load[j] > 0:
            residual.append((sink, n + j, 0))
    bypass = net.bypass if net.bypass is not None else n * net.largest_cost() + 1
    if matched:
        residual.append((source, sink, bypass))
    if len(matched) < n:
        residual.append((sink, source, -bypass))
    for tail, head, cost in residual:
        assert cost + price[tail] - price[head] >= 0, (tail, head)


def test_without_prices_every_pair_is_solved(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the prices are not found in the passes allowed, the solver falls back to
    every allowed pair at once, and still returns the optimum."""
    d, data = crowded(3)
    scored = scored_of(d, data)
    monkeypatch.setattr(solver, "RELAXATIONS", 0)
    sol = solve(scored, "coverage", shortlist=1)
    assert (sol.arcs, sol.rounds) == (len(scored), 2)
    assert key_of(sol, "coverage") == brute_force(scored, "coverage")


# ------------------------------------------------------------------ preferred pairs


def optimal_assignments(scored: Scored, objective: str) -> Iterator[dict[int, int]]:
    """Every assignment (mentee -> mentor) that reaches the brute-force optimum."""
    p = scored.pools
    options: list[list[tuple[int, int]]] = [[(-1, 0)] for _ in range(p.n)]
    for i, j, s in zip(scored.mentee, scored.mentor, scored.score, strict=True):
        options[i].append((int(j), int(s)))
    best = brute_force(scored, objective)
    for choice in itertools.product(*options):
        load = np.bincount([j for j, _ in choice if j >= 0], minlength=p.m)
        if (load > p.capacity).any():
            continue
        scores = [s for j, s in choice if j >= 0]
        matched, total, low = len(scores), sum(scores), min(scores, default=0)
        got = {
            "coverage": (matched, total),
            "quality": (total, matched),
            "fairness": (matched, low, total),
        }[objective]
        if got == best:
            yield {i: j for i, (j, _) in enumerate(choice) if j >= 0}


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("shortlist", [None, 1])
@pytest.mark.parametrize("preferred", ["half", "an optimum"])
def test_preferred_pairs_are_kept_as_far_as_an_optimum_allows(
    seed: int, objective: str, shortlist: int | None, preferred: str
) -> None:
    """The optimum never changes, and among the optimal assignments the solver returns
    one with the most preferred pairs: a random half of the allowed pairs, or the pairs
    of one optimal assignment picked at random (which must then come back whole)."""
    d, data = random_instance(seed, n=6, m=3)
    scored = scored_of(d, data)
    m = scored.pools.m
    keys = scored.mentee.astype(np.int64) * m + scored.mentor
    rng = np.random.default_rng(seed)
    optima = list(optimal_assignments(scored, objective))
    if preferred == "half":
        prefer = np.sort(rng.choice(keys, size=len(keys) // 2, replace=False))
    else:
        picked = optima[int(rng.integers(len(optima)))]
        prefer = np.array(sorted(i * m + j for i, j in picked.items()), np.int64)
    sol = solve(scored, objective, prefer=prefer, shortlist=shortlist)  # type: ignore[arg-type]
    assert_feasible(scored, sol)
    assert key_of(sol, objective) == brute_force(scored, objective)
    wanted = set(prefer.tolist())
    kept = sum(int(i) * m + int(j) in wanted for i, j in zip(sol.mentee, sol.mentor, strict=True))
    assert kept == max(sum(i * m + j in wanted for i, j in a.items()) for a in optima)


def test_a_preference_never_costs_a_thousandth_of_a_point() -> None:
    """Ann-Xi 66.667 + Bo-Yu 66.667 against Ann-Yu 100 + Bo-Xi 33.333: the first
    assignment is better by a thousandth of a point, and stays chosen when both pairs
    of the second are preferred (two preferred pairs must not outweigh it)."""
    rows = [
        "x,Xi,mentor,,5,D,UTC,p;q;s,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,p;q;r;t;u,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,p;q;r,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,s;t;u,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=10)
    scored = scored_of(d, roster_bytes(rows))
    # Positions: ann 0, bo 1; x 0, y 1. Prefer Ann-Yu and Bo-Xi.
    prefer = np.array([0 * 2 + 1, 1 * 2 + 0], np.int64)
    for objective in OBJECTIVES:
        sol = solve(scored, objective, prefer=prefer)  # type: ignore[arg-type]
        pairs = list(zip(sol.mentee.tolist(), sol.mentor.tolist(), sol.score.tolist(), strict=True))
        assert pairs == [(0, 0, 66_667), (1, 1, 66_667)], objective


def test_a_preference_never_costs_quality_a_match() -> None:
    """Ann-Xi 100 alone, or Ann-Yu + Bo-Xi 50 + 50: equal totals, so quality matches
    both even when Ann-Xi is the preferred pair."""
    rows = [
        "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,b,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,a;c,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=10)
    scored = scored_of(d, roster_bytes(rows))
    sol = solve(scored, "quality", prefer=np.array([0], np.int64))  # Ann-Xi
    assert sorted(zip(sol.mentee.tolist(), sol.mentor.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_a_preference_never_costs_quality_a_match_however_many_pairs_it_keeps() -> None:
    """Ann-Xi + Bo-Yu (100 + 100, Cy left out) against Ann-Zed + Bo-Xi + Cy-Yu (50 +
    50 + 100): equal totals, so quality matches all three even when the two pairs of
    the first are preferred."""
    rows = [
        "xi,Xi,mentor,,5,D,UTC,a;b;c,,,,1,,,",
        "yu,Yu,mentor,,5,D,UTC,c;d;e;f,,,,1,,,",
        "zed,Zed,mentor,,5,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,c;d,,,,,,",
        "cy,Cy,mentee,,2,D,UTC,,e;f,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=10)
    scored = scored_of(d, roster_bytes(rows))
    # Positions: ann 0, bo 1, cy 2; xi 0, yu 1, zed 2. Prefer Ann-Xi and Bo-Yu.
    prefer = np.array([0 * 3 + 0, 1 * 3 + 1], np.int64)
    sol = solve(scored, "quality", prefer=prefer)
    pairs = sorted(zip(sol.mentee.tolist(), sol.mentor.tolist(), strict=True))
    assert pairs == [(0, 2), (1, 0), (2, 1)]
