"""Benchmark the matcher end to end against its floor and the greedy and stable baselines.

For each size (mentees x mentors, capacity 3, about 14% of pairs allowed after the
minimum score and the reporting line) a seeded roster is written to CSV, then each
method runs **in its own process** (a child inherits its parent's ``ru_maxrss``, so
peak memory is only honest that way):

* ``floor``: OR-Tools' min-cost flow alone on the prepared arcs: every allowed pair
  handed to ``SimpleMinCostFlow`` and solved (coverage), timed from the first arc
  added to the solution read. Reading, validating and scoring run first, untimed;
  nothing is explained or written. What the product would cost if the solver were all
  it did, on every allowed pair (the product's solver before the shortlist).
* ``workbook``: the product end to end: read CSV, validate, score, solve (objective
  ``coverage``, exact: the shortlist and its proof), explain, write the exports.
* ``greedy``: best pair first (ties by mentee, then mentor), same pipeline.
* ``stable``: mentee-proposing deferred acceptance with capacities; both sides rank by
  the pair score (so it equals greedy up to ties, as the matching notes observed).

The floor runs with every size (the ratio needs it). Printed per run: wall seconds of
the pipeline (``seconds``) and of the whole child process including interpreter start
and imports (``process``), the ratio of ``seconds`` to the floor's (``x floor``), peak
RSS, total score, matched, the ratio of the total to the exact optimum, and how many
mentees were left unmatched who could have been. The floor's total is the product's:
two exact solvers, one on every pair, one on a proved shortlist.

Usage::

    python -m benchmarks.bench_matching                      # 1k, 5k, 10k, 20k mentees
    python -m benchmarks.bench_matching --repeat 3           # median of 3 runs each
    python -m benchmarks.bench_matching --sizes 10000x4000 20000x8000 --methods workbook
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.synthetic import generate
from workbook.design import Design, Matching, Participation, Weights
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.explain import explain
from workbook.matching.exports import write_exports
from workbook.matching.roster import load_roster
from workbook.matching.scoring import Scored, score_pairs
from workbook.matching.solver import Solution, solve

SIZES = ("1000x400", "5000x2000", "10000x4000", "20000x8000")
METHODS = ("workbook", "greedy", "stable")
RUNS = ("floor", *METHODS)


def bench_design(capacity: int = 3, min_score: float = 50) -> Design:
    """Capacity 3; skills first; a minimum score of 50 leaves about 14% of pairs allowed."""
    return Design(
        participation=Participation(mentor_capacity=capacity),
        matching=Matching(
            weights=Weights(skills=3, goals=1, seniority=1, timezone=0.5, language=0.5),
            seniority_min_gap=1,
            seniority_max_gap=4,
            min_score=min_score,
        ),
    )


def greedy(scored: Scored) -> Solution:
    """Best pair first: walk the allowed pairs by falling score and take what still fits."""
    start = time.perf_counter()
    p = scored.pools
    order = np.lexsort((scored.mentor, scored.mentee, -scored.score.astype(np.int64)))
    room = p.capacity.tolist()
    free = [True] * p.n
    left = p.n
    chosen: list[tuple[int, int]] = []
    for i, j in zip(scored.mentee[order].tolist(), scored.mentor[order].tolist(), strict=True):
        if free[i] and room[j] > 0:
            free[i] = False
            room[j] -= 1
            chosen.append((i, j))
            left -= 1
            if not left:
                break
    return _solution(scored, chosen, start)


def stable(scored: Scored) -> Solution:
    """Mentee-proposing deferred acceptance; a mentor keeps their best ``capacity`` offers."""
    start = time.perf_counter()
    p = scored.pools
    order = np.lexsort((scored.mentor, -scored.score.astype(np.int64), scored.mentee))
    mentee = scored.mentee[order]
    mentor = scored.mentor[order].tolist()
    score = scored.score[order].tolist()
    begin = np.searchsorted(mentee, np.arange(p.n)).tolist()
    end = np.searchsorted(mentee, np.arange(p.n), side="right").tolist()
    nxt = begin[:]
    held: list[list[tuple[int, int, int]]] = [[] for _ in range(p.m)]  # (score, -mentee, edge)
    cap = p.capacity.tolist()
    free = [i for i in range(p.n - 1, -1, -1) if begin[i] < end[i]]
    while free:
        i = free.pop()
        if nxt[i] >= end[i]:
            continue
        e = nxt[i]
        nxt[i] += 1
        j = mentor[e]
        if cap[j] <= 0:
            free.append(i)
            continue
        offer = (score[e], -i, e)
        if len(held[j]) < cap[j]:
            heapq.heappush(held[j], offer)
        elif offer > held[j][0]:
            _, loser, _ = heapq.heapreplace(held[j], offer)
            free.append(-loser)
        else:
            free.append(i)
    chosen = [(-neg, j) for j in range(p.m) for _, neg, _ in held[j]]
    return _solution(scored, chosen, start)


def _solution(scored: Scored, chosen: list[tuple[int, int]], start: float) -> Solution:
    pairs = np.array(sorted(chosen), dtype=np.int64).reshape(-1, 2)
    lookup = dict(
        zip(
            (scored.mentee.astype(np.int64) * scored.pools.m + scored.mentor).tolist(),
            scored.score.tolist(),
            strict=True,
        )
    )
    scores = np.array([lookup[i * scored.pools.m + j] for i, j in pairs.tolist()], dtype=np.int64)
    return Solution(pairs[:, 0], pairs[:, 1], scores, False, time.perf_counter() - start)


def floor(scored: Scored) -> tuple[float, int, int]:
    """OR-Tools' min-cost flow alone on every allowed pair (coverage): the seconds from
    the first arc added to the solution read, the optimal total in thousandths, and
    the number matched."""
    from ortools.graph.python import min_cost_flow

    p = scored.pools
    n, m = p.n, p.m
    i32 = np.int32
    started = time.perf_counter()
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n, n + m, i32), np.arange(n, dtype=i32), np.ones(n, i32), np.zeros(n, i32)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        scored.mentee, scored.mentor + i32(n), np.ones(len(scored), i32), -scored.score
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m, dtype=i32),
        np.full(m, n + m + 1, i32),
        np.maximum(p.capacity, 0).astype(i32),
        np.zeros(m, i32),
    )
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[n + m], supplies[n + m + 1] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
    status = flow.solve_max_flow_with_min_cost()
    assert status == flow.OPTIMAL, status
    used = flow.flows(np.arange(n, n + len(scored))) > 0
    seconds = time.perf_counter() - started
    return seconds, int(scored.score[used].sum()), int(used.sum())


def run_one(
    method: str, roster_path: Path, outdir: Path, capacity: int = 3, min_score: float = 50
) -> dict[str, object]:
    """One method, end to end, in this process (called in a child by :func:`main`)."""
    design = bench_design(capacity, min_score)
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - since, 3)
        return now

    settings = Settings.from_design(design)
    roster = load_roster(roster_path, design.matching)
    t = lap("read+validate", started)
    pools = build_pools(roster, settings)
    scored = score_pairs(pools)
    t = lap("score", t)
    if method == "floor":
        seconds, total, matched = floor(scored)
        return {
            "method": method,
            "seconds": round(seconds, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "total": total / 1000,
            "matched": matched,
            "mentees": pools.n,
            "allowed": round(len(scored) / (pools.n * pools.m), 4),
            "steps": {"min-cost flow": round(seconds, 3), "untimed read+score": steps},
        }
    solution = {"workbook": lambda: solve(scored, "coverage"), "greedy": lambda: greedy(scored),
                "stable": lambda: stable(scored)}[method]()  # fmt: skip
    t = lap("assign", t)
    if method == "workbook":  # how much of the allowed pairs the proved shortlist held
        steps["pairs solved"] = solution.arcs
        steps["rounds"] = solution.rounds
    result = explain(scored, solution, settings, time.perf_counter() - started)
    t = lap("explain", t)
    write_exports(result, outdir)
    lap("write", t)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "method": method,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_mb),
        "total": int(solution.score.sum()) / 1000,
        "matched": len(solution.mentee),
        "mentees": pools.n,
        "allowed": round(len(scored) / (pools.n * pools.m), 4),
        "steps": steps,
    }


def _median(runs: list[dict[str, object]]) -> dict[str, object]:
    runs = sorted(runs, key=lambda r: r["seconds"])  # type: ignore[arg-type,return-value]
    return runs[len(runs) // 2]


def _stamp(when: str) -> str:
    """When, at which commit, under what load: what a figure means on a shared machine."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"# {when}: {now}, commit {commit or '?'}, load average {load} (1, 5, 15 min)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark matching end to end.")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), help="MENTEESxMENTORS")
    parser.add_argument(
        "--methods",
        nargs="+",
        default=list(METHODS),
        choices=METHODS,
        help="besides the floor, which runs with every size",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--capacity", type=int, default=3, help="mentees per mentor")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per method, taken in turn (floor, workbook, ...) so that the machine's "
        "load weighs on each alike; the median run is shown",
    )
    parser.add_argument("--min-score", type=float, default=50, help="0-100; 50 keeps ~14%%")
    parser.add_argument("--run", choices=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--roster", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--outdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(
            json.dumps(run_one(args.run, args.roster, args.outdir, args.capacity, args.min_score))
        )
        return
    methods = ["floor", *(m for m in args.methods if m != "floor")]
    print(_stamp("start"))
    print(f"{'size':>12} {'method':>9} {'seconds':>8} {'x floor':>7} {'process':>8} "
          f"{'peak MB':>8} {'total':>12} {'matched':>8} {'ratio':>7} {'missed':>6} "
          f"{'allowed':>7}  steps")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            mentees, mentors = (int(x) for x in size.lower().split("x"))
            path = Path(tmp) / f"roster-{size}.csv"
            generate(mentees, mentors, seed=args.seed).to_csv(path, index=False)
            runs: dict[str, list[dict[str, object]]] = {m: [] for m in methods}
            for attempt in range(args.repeat):
                for method in methods:
                    launched = time.perf_counter()
                    out = subprocess.run(
                        [sys.executable, "-m", "benchmarks.bench_matching", "--run", method,
                         "--roster", str(path),
                         "--outdir", str(Path(tmp) / f"out-{size}-{method}-{attempt}"),
                         "--capacity", str(args.capacity), "--min-score", str(args.min_score)],
                        capture_output=True, text=True, check=True,
                    )  # fmt: skip
                    runs[method].append(json.loads(out.stdout))
                    runs[method][-1]["process"] = round(time.perf_counter() - launched, 2)
            best = _median(runs["floor"])  # the exact optimum, and the time to beat
            for method in methods:
                row = _median(runs[method])
                times = f"{row['seconds'] / best['seconds']:.2f}"  # type: ignore[operator]
                ratio = f"{row['total'] / best['total']:.4f}"  # type: ignore[operator]
                missed = str(best["matched"] - row["matched"])  # type: ignore[operator]
                steps = " ".join(f"{k}={v}" for k, v in row["steps"].items())  # type: ignore[attr-defined]
                print(f"{size:>12} {method:>9} {row['seconds']:>8} {times:>7} "
                      f"{row['process']:>8} {row['peak_mb']:>8} "
                      f"{row['total']:>12} {row['matched']:>8} {ratio:>7} {missed:>6} "
                      f"{row['allowed']:>7}  {steps}", flush=True)  # fmt: skip
    print(_stamp("end"))


if __name__ == "__main__":
    main()
